"""What a user installs: the wheel holds every package, the built-in theme and the starter clauses, and an installed
(not editable) cgu makes a new content repository whose CI workflow runs as written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from cgu.authoring.scaffold import ci_workflow, requirement_from_record


def source_copy(target: Path) -> Path:
    """The files of the checkout, without what git ignores (pip builds in the tree and leaves build/ behind)."""
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        text=True,
    )
    if listed.returncode != 0:
        pytest.skip(f"the source is not a git checkout, so the files of the wheel are not known: {listed.stderr}")
    for name in filter(None, listed.stdout.split("\0")):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


def _run(args: list[str | Path], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{args}: {result.stdout}{result.stderr}"
    return result.stdout + result.stderr


@pytest.mark.slow
def test_the_installed_wheel_makes_a_repository_whose_ci_checks_and_builds(tmp_path: Path) -> None:
    source = source_copy(tmp_path / "source")
    dist = tmp_path / "dist"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", "-q", "-w", dist, source],
        tmp_path,
    )
    (wheel,) = dist.glob("cgu-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    packages = {p.parent.relative_to(ROOT).as_posix() for p in (ROOT / "cgu").rglob("__init__.py")}
    assert packages and {p for p in packages if f"{p}/__init__.py" not in names} == set()
    shipped = {
        f"cgu/builtin/{p.relative_to(ROOT).as_posix()}"
        for p in [*(ROOT / "clauses").glob("*.md"), *(ROOT / "themes/default/fonts").glob("*.ttf")]
    }
    assert any(name.endswith(".ttf") for name in shipped) and shipped - names == set()

    # A fresh environment that sees the running one's libraries (WeasyPrint and the rest) but not its cgu.
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv], tmp_path)
    python = venv / "bin/python"
    site = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp_path).strip()
    outer = [p for p in sys.path if p.endswith("-packages") and Path(p).is_dir()]
    (Path(site) / "outer-libraries.pth").write_text("\n".join(outer) + "\n", encoding="utf-8")
    requirement = f"cgu @ {wheel.as_uri()}"
    _run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps", requirement], tmp_path)
    env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    env.pop("PYTHONPATH", None)
    work = tmp_path / "work"
    work.mkdir()
    installed = _run([python, "-c", "import cgu; print(cgu.__file__)"], work, env).strip()
    assert installed.startswith(site), f"cgu imported from {installed}, not from the installed wheel"

    _run(["cgu", "init", "nos-cgu", "--cgu-from", requirement], work, env)
    repo = work / "nos-cgu"
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "cgu init"]):
        _run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args], repo, env)
    _run(["cgu", "build", "--format", "html"], repo, env)
    assert (repo / "build/index.html").is_file() and list((repo / "build/assets").rglob("*.ttf"))

    workflow = yaml.safe_load((repo / ".github/workflows/cgu.yml").read_text(encoding="utf-8"))
    steps = [step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step]
    assert steps[0].startswith("sudo apt-get"), steps  # the system libraries: WeasyPrint already runs here
    assert steps[1:] == [f"pip install '{requirement}'", "cgu check", "cgu build", "cgu check --strict"]
    shutil.rmtree(repo / "build")
    for step in steps[1:-1]:
        _run(["bash", "-c", step], repo, env)
    for kind in ("cgu", "privacy"):
        assert len(list((repo / "build/mutuelle-exemple").glob(f"{kind}-*.pdf"))) == 1
    # The last step, the strict gate, stays red while the example's facts are still questions (and says so).
    gate = subprocess.run(["bash", "-c", steps[-1]], cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert gate.returncode == 1 and "warning: fact-to-complete:" in gate.stderr, gate.stderr
    assert "the check under --strict: fix each one above" in gate.stderr.splitlines()[-1]


@pytest.mark.parametrize(
    ("record", "requirement"),
    [
        (
            {"url": "https://git.example.org/outils/cgu.git", "vcs_info": {"vcs": "git", "commit_id": "1a2b3c"}},
            "cgu @ git+https://git.example.org/outils/cgu.git@1a2b3c",
        ),
        (
            {
                "url": "ssh://git@git.example.org/outils/mono.git",
                "vcs_info": {"vcs": "git", "commit_id": "1a2b3c", "requested_revision": "v1"},
                "subdirectory": "cgu",
            },
            "cgu @ git+ssh://git@git.example.org/outils/mono.git@1a2b3c#subdirectory=cgu",
        ),
        (
            {"url": "https://files.example.org/cgu-0.1.0-py3-none-any.whl", "archive_info": {}},
            "cgu @ https://files.example.org/cgu-0.1.0-py3-none-any.whl",
        ),
        ({"url": "file:///home/me/cgu", "dir_info": {"editable": True}}, None),  # this computer's folder
        ({"url": "file:///home/me/cgu-0.1.0-py3-none-any.whl", "archive_info": {}}, None),
        ({"url": "https://git.example.org/cgu.git", "vcs_info": {"vcs": "git"}}, None),  # no commit to pin
        ({"url": "https://example.org/$(reboot)", "archive_info": {}}, None),  # would run in the workflow's shell
        (None, None),
    ],
)
def test_the_workflow_installs_cgu_from_where_it_was_installed(record: object, requirement: str | None) -> None:
    assert requirement_from_record(record) == requirement


def test_a_workflow_that_cannot_know_where_cgu_comes_from_fails_and_says_why() -> None:
    workflow = ci_workflow(None)
    steps = [step["run"] for step in yaml.safe_load(workflow)["jobs"]["build"]["steps"] if "run" in step]
    install = subprocess.run(["bash", "-c", steps[1]], capture_output=True, text=True)
    assert install.returncode == 1 and "say where CI installs cgu from" in install.stderr
    assert "cgu init --cgu-from REQUIREMENT" in workflow
