"""The bad-input corpus: each case is a small broken project and the exact message it must produce.

A case is `cases/<name>/` with `project/` (files laid over a copy of tests/fixtures/mini), an optional
`outside/` (files next to the project, for links that leave it), an optional `generate` file (one
`big PATH BYTES` or `symlink PATH TARGET` a line, for what git should not hold) and `expected`
(the exact standard error of `cgu check`, with the project folder written `<project>`).
Set CGU_UPDATE_EXPECTED=1 to write the `expected` files after a deliberate change of wording.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from helpers.project import cgu_in_process

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MINI = ROOT / "tests/fixtures/mini"
CASES = sorted(p.name for p in (HERE / "cases").iterdir() if p.is_dir())


def make_project(case: Path, target: Path) -> Path:
    project = target / "project"
    shutil.copytree(MINI, project)
    if (case / "project").is_dir():
        shutil.copytree(case / "project", project, dirs_exist_ok=True)
    if (case / "outside").is_dir():
        shutil.copytree(case / "outside", target / "outside")
    lines = (case / "generate").read_text(encoding="utf-8").splitlines() if (case / "generate").is_file() else []
    for kind, path, arg in (line.split() for line in lines if line.strip()):
        if kind == "big":
            with (project / path).open("wb") as handle:
                handle.truncate(int(arg))  # a sparse file: 50 MB on paper, nothing on disk
        elif kind == "symlink":
            if (project / path).is_dir() and not (project / path).is_symlink():
                shutil.rmtree(project / path)
            os.symlink(arg, project / path)
    return project


def cgu(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`cgu ARGS` on a broken project, from the folder holding it: what the command says is the point, not the
    process, so it runs in this one (the corpus is a hundred and more cases, two commands each)."""
    return cgu_in_process(project, *args, cwd=project.parent)


def files_under(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.lstat().st_size for p in folder.rglob("*")}


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("name", CASES)
def test_bad_input(name: str, tmp_path: Path) -> None:
    case = HERE / "cases" / name
    project = make_project(case, tmp_path)
    before = files_under(tmp_path)
    result = cgu(project, "check")
    message = result.stderr.replace(str(project), "<project>")
    assert result.returncode == 1, f"{name}: exit {result.returncode}\n{result.stdout}{result.stderr}"
    assert "Traceback" not in result.stderr and result.stdout == ""
    if os.environ.get("CGU_UPDATE_EXPECTED"):
        (case / "expected").write_text(message, encoding="utf-8")
    assert message == (case / "expected").read_text(encoding="utf-8")
    build = cgu(project, "build", "--out", str(tmp_path / "out"))
    assert build.returncode == 1 and build.stderr.replace(str(project), "<project>") == message
    assert files_under(tmp_path) == before, "a failed check or build writes nothing"


def test_a_byte_order_mark_is_accepted_silently(tmp_path: Path) -> None:
    """Editors on Windows save UTF-8 with a BOM: it is dropped, line numbers stay right (cases bom-*), nothing prints it."""
    project = shutil.copytree(MINI, tmp_path / "project")
    for path in ("organisms/beta.yaml", "organisms/acme/organism.yaml", "clauses/droit.md", "clauses/editeur.md"):
        (project / path).write_bytes(b"\xef\xbb\xbf" + (project / path).read_bytes())
    result = cgu(project, "check", "--no-legal")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert cgu(project, "build", "--format", "html", "--out", str(tmp_path / "out")).returncode == 0
    pages = {
        p.relative_to(tmp_path / "out").as_posix(): p.read_text(encoding="utf-8")
        for p in (tmp_path / "out").glob("*/*.html")
    }
    assert len(pages) == 4 and not any("\ufeff" in page for page in pages.values())
    assert (
        "relèvent du droit belge" in pages["beta/cgu-2024-06-01.html"]
        and "Beta Mutualité" in pages["beta/cgu-2024-06-01.html"]
    )


def test_a_cookie_kept_ten_years_is_a_legal_finding(tmp_path: Path) -> None:
    project = shutil.copytree(MINI, tmp_path / "project")
    base = project / "organisms/base.yaml"
    base.write_text(
        base.read_text(encoding="utf-8").replace('duration: "13 mois"', 'duration: "10 ans"'), encoding="utf-8"
    )
    result = cgu(project, "check")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert any(
        line.startswith("organisms/base.yaml:8: cookie-max-lifetime:") and "10 ans" in line
        for line in result.stderr.splitlines()
    )


@pytest.mark.parametrize(
    ("command", "name", "content", "expected"),
    [
        (
            "verify-receipt",
            "receipt.json",
            b"[" * 100_000 + b"]" * 100_000,
            "receipt.json: not a receipt: it needs organism, document, release, sha256 and an ISO 8601 timestamp (RecursionError: ",
        ),
        (
            "verify-receipt",
            "receipt.json",
            b'{"organism": 5, "document": [], "release": {}, "sha256": null, "timestamp": 7}',
            "receipt.json: not a receipt: 'organism' must be an organism id (lower-case letters, digits and '-'), not 5",
        ),
        (
            "verify-receipt",
            "receipt.json",
            b'{"organism": "beta"\x00}',
            "receipt.json:1: invisible control character U+0000",
        ),
        (
            "verify-bundle",
            "bundle.zip",
            {"manifest.json": '{"files": 5}'},
            "bundle.zip: not a cgu bundle (manifest.json is not an object with a list of files)",
        ),
        (
            "verify-bundle",
            "bundle.zip",
            {"manifest.json": "[1, 2]"},
            "bundle.zip: not a cgu bundle (manifest.json is not an object with a list of files)",
        ),
        (
            "verify-bundle",
            "bundle.zip",
            {"manifest.json": "[" * 100_000 + "]" * 100_000},
            "bundle.zip: not a cgu bundle (maximum recursion",
        ),
        (
            "verify-bundle",
            "bundle.zip",
            b"PK\x03\x04 not a zip",
            "bundle.zip: not a cgu bundle (File is not a zip file)",
        ),
    ],
    ids=[
        "receipt-nested",
        "receipt-types",
        "receipt-nul",
        "bundle-files-number",
        "bundle-manifest-list",
        "bundle-nested",
        "bundle-not-zip",
    ],
)
def test_hostile_receipts_and_bundles(
    tmp_path: Path, command: str, name: str, content: bytes | dict[str, str], expected: str
) -> None:
    path = tmp_path / name
    if isinstance(content, dict):
        with zipfile.ZipFile(path, "w") as archive:
            for member, text in content.items():
                archive.writestr(member, text)
    else:
        path.write_bytes(content)
    project = ("--project", str(MINI)) if command == "verify-receipt" else ()
    result = subprocess.run(
        [sys.executable, str(ROOT / "cgu_cli.py"), command, name, *project],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 1 and result.stderr.startswith(expected) and len(result.stderr.splitlines()) == 1, (
        result.stderr
    )
