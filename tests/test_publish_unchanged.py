"""A publication that would change nothing is not made again (cgu/site/unchanged.py): what it reads, each part of
which makes the next publication a full one when it changes, and a record that is never trusted blindly."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import ROOT
from helpers.faults import snapshot
from helpers.git import commit_all, git
from helpers.releases import mini_in_git

from cgu.commands.publish import publish
from cgu.site.unchanged import Kept, kept_publication, publication_inputs

DAY = dt.date(2024, 7, 1)
LOGO = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>\n'


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """The mini project in git, its own copy of the default theme, a logo in a folder git ignores; published once."""
    root = mini_in_git(tmp_path_factory.mktemp("unchanged") / "content")
    shutil.copytree(ROOT / "themes", root / "themes")
    (root / "brand").mkdir()
    (root / "brand/logo.svg").write_text(LOGO, encoding="utf-8")
    (root / ".gitignore").write_text("brand/\n", encoding="utf-8")
    acme = root / "organisms/acme/organism.yaml"
    acme.write_text(acme.read_text(encoding="utf-8") + "  logo: brand/logo.svg\n", encoding="utf-8")
    commit_all(root, "theme and logo")
    out = root.parent / "public"
    report = publish(root, out, day=DAY)
    assert not report.unchanged and (out / "acme/logo.svg").is_file()
    yield root, out


def kept(root: Path, out: Path, day: dt.date = DAY) -> Kept | None:
    inputs = publication_inputs(root, out.resolve(), day)
    assert inputs is not None, "a project in git, with a signing key, has its inputs recorded"
    return kept_publication(inputs)


def test_a_second_publication_with_nothing_changed_writes_nothing(published: tuple[Path, Path]) -> None:
    root, out = published
    before = snapshot(out)
    times = {path: path.stat().st_mtime_ns for path in out.rglob("*")}
    lines: list[str] = []
    report = publish(root, out, day=DAY, progress=lines.append)
    assert report.unchanged and lines == [
        "nothing changed since the previous publication into this folder (content, history, day, cgu): kept"
    ]
    assert (report.files, report.bundles) == (sum(1 for p in out.rglob("*") if p.is_file()), 3)
    assert snapshot(out) == before and {p: p.stat().st_mtime_ns for p in out.rglob("*")} == times


def test_a_publication_with_nothing_changed_loads_neither_the_project_nor_git(published: tuple[Path, Path]) -> None:
    root, out = published
    probe = (
        "import sys\nfrom cgu.cli import main\n"
        f"main(['publish', '--project', {str(root)!r}, '--out', {str(out)!r}, '--date', {DAY.isoformat()!r}],"
        " standalone_mode=False)\n"
        "print(sorted(m for m in ('git', 'jinja2', 'weasyprint', 'markdown_it', 'cgu.project') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]", result.stdout
    assert result.stderr.startswith("publish: nothing changed since the previous publication"), result.stderr


def _edit(path: Path) -> Callable[[], None]:
    """Change a file's bytes; the returned function puts them back."""
    data = path.read_bytes()
    path.write_bytes(data + b"\n")
    return lambda: path.write_bytes(data)


def _added(path: Path) -> Callable[[], None]:
    path.write_text("nouveau\n", encoding="utf-8")
    return path.unlink


def _removed(path: Path) -> Callable[[], None]:
    data = path.read_bytes()
    path.unlink()
    return lambda: path.write_bytes(data)


def _staged(root: Path) -> Callable[[], None]:
    """A change staged in git's index (the file put back as it was: only the index differs)."""
    undo = _edit(root / "clauses/droit.md")
    git(root, "add", "clauses/droit.md")
    undo()

    def unstage() -> None:
        git(root, "reset", "-q", "--", "clauses/droit.md")

    return unstage


def _environment(name: str, value: str) -> Callable[[], None]:
    previous = os.environ.get(name)
    os.environ[name] = value
    return lambda: os.environ.pop(name) if previous is None else os.environ.__setitem__(name, previous)


CHANGES: dict[str, Callable[[Path, Path], Callable[[], None]]] = {
    "a clause": lambda root, out: _edit(root / "clauses/droit.md"),
    "an organism": lambda root, out: _edit(root / "organisms/beta.yaml"),
    "a theme": lambda root, out: _edit(root / "themes/default/style.css"),
    "a new file of the project": lambda root, out: _added(root / "clauses/nouvelle.md"),
    "a clause removed": lambda root, out: _removed(root / "clauses/cookies.md"),
    "git's index": lambda root, out: _staged(root),
    "a logo in a folder git ignores": lambda root, out: _edit(root / "brand/logo.svg"),
    "SOURCE_DATE_EPOCH": lambda root, out: _environment("SOURCE_DATE_EPOCH", "1719835200"),
    "a published file edited": lambda root, out: _edit(out / "index.html"),
    "a published file removed": lambda root, out: _removed(out / "bundles/all.zip"),
    "a file added to the site": lambda root, out: _added(out / "acme/notes.txt"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_each_thing_a_publication_reads_makes_the_next_one_full(published: tuple[Path, Path], change: str) -> None:
    root, out = published
    assert kept(root, out) is not None
    undo = CHANGES[change](root, out)
    try:
        assert kept(root, out) is None, f"{change} changed: the publication is made again"
    finally:
        undo()
    assert kept(root, out) is not None, "put back as it was, the previous publication stands"


def test_another_day_is_another_publication(published: tuple[Path, Path]) -> None:
    root, out = published
    assert kept(root, out, DAY + dt.timedelta(days=1)) is None and kept(root, out) is not None


def test_another_version_of_cgu_is_another_publication(published: tuple[Path, Path], tmp_path: Path) -> None:
    """cgu's code copied, then one comment added to one module: the copy's publication is not the previous one's."""
    code = tmp_path / "code"
    shutil.copytree(ROOT / "cgu", code / "cgu", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "themes", code / "themes")  # where a checkout's cgu finds its built-in theme
    root, out = published
    probe = (
        "import sys, datetime\nsys.path.insert(0, sys.argv[1])\n"
        "from cgu.site.unchanged import kept_publication, publication_inputs\n"
        "import cgu\nassert cgu.__file__.startswith(sys.argv[1]), cgu.__file__\n"
        "inputs = publication_inputs(__import__('pathlib').Path(sys.argv[2]), __import__('pathlib').Path(sys.argv[3]),"
        f" datetime.date.fromisoformat({DAY.isoformat()!r}))\n"
        "print(kept_publication(inputs) is not None)"
    )

    def kept_by_the_copy() -> str:
        command = [sys.executable, "-c", probe, str(code), str(root), str(out.resolve())]
        result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert kept_by_the_copy() == "True", "the same code elsewhere is the same cgu"
    with (code / "cgu/model.py").open("a", encoding="utf-8") as module:
        module.write("# another version\n")
    assert kept_by_the_copy() == "False"


@pytest.mark.parametrize(
    "change",
    [
        ["commit", "-q", "--allow-empty", "-m", "nothing but a commit"],
        ["tag", "v1"],
        ["branch", "other"],
        ["update-ref", "-m", "only a reflog entry", "HEAD", "HEAD"],
    ],
    ids=["a commit", "a tag", "a branch", "a reflog entry"],
)
def test_a_new_commit_or_ref_makes_the_next_publication_full(published: tuple[Path, Path], change: list[str]) -> None:
    root, out = published
    assert kept(root, out) is not None
    git(root, *change)
    assert kept(root, out) is None
    report = publish(root, out, day=DAY)
    assert not report.unchanged and kept(root, out) is not None, "the full publication is recorded in turn"


def _record(root: Path) -> Path:
    (record,) = (root / ".git/cgu-cache").glob("publication-*.json")
    return record


def test_a_record_edited_by_hand_or_broken_is_not_trusted(published: tuple[Path, Path]) -> None:
    root, out = published
    record = _record(root)
    whole = record.read_bytes()
    entry = json.loads(whole)
    payload = json.loads(entry["payload"])
    try:
        payload["kept"][0] += 1  # the counts changed, the signature not
        record.write_text(json.dumps(entry | {"payload": json.dumps(payload, sort_keys=True)}), encoding="utf-8")
        assert kept(root, out) is None
        record.write_bytes(whole[: len(whole) // 2])  # truncated
        assert kept(root, out) is None
        record.write_bytes(b"\xff" * 10)
        assert kept(root, out) is None
    finally:
        record.write_bytes(whole)
    assert kept(root, out) is not None


def test_a_record_signed_with_another_key_is_not_trusted(
    published: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, out = published
    assert kept(root, out) is not None
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "another-user"))
    assert kept(root, out) is None


def test_a_shallow_clone_is_always_published_in_full(published: tuple[Path, Path], tmp_path: Path) -> None:
    """Its missing history is said in a warning each time: no record is kept, nothing is skipped."""
    root, _ = published
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{root}", str(clone)], check=True)
    assert publication_inputs(clone, tmp_path / "public", DAY) is None
