"""A fixture project with real git history and fixed dates: a first release in 2024, a material second one
published on 2026-11-20 and effective on 2027-01-01, and the days before, during and after its notice period."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

from conftest import FIXTURES

from helpers.project import cgu_here

FIRST = '      - {version: 2024-06-01, effective: 2024-06-15, material: true, summary: "Première publication."}\n'
SECOND_VERSION, SECOND_EFFECTIVE = dt.date(2026, 11, 20), dt.date(2027, 1, 1)
BEFORE, DURING, AFTER = dt.date(2026, 11, 19), dt.date(2026, 12, 2), dt.date(2027, 1, 1)


def git(repo: Path, *args: str, when: dt.date = dt.date(2024, 6, 1)) -> str:
    stamp = f"{when.isoformat()}T12:00:00+00:00"
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    env |= {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp, "HOME": str(repo), "PATH": "/usr/bin:/bin"}
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True, env=env).stdout


def commit(repo: Path, message: str, when: dt.date) -> None:
    git(repo, "add", "-A", when=when)
    git(repo, "commit", "-q", "-m", message, when=when)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def cgu(*args: str) -> subprocess.CompletedProcess[str]:
    """`cgu ARGS`, in this process (helpers.project.cgu_here), with no SOURCE_DATE_EPOCH: the days come from --date."""
    return cgu_here(Path.cwd(), *args, env={"SOURCE_DATE_EPOCH": None})


def released_project(tmp_path: Path) -> Path:
    """The mini project: a first material release of the cgu on 2024-06-01, committed that day."""
    repo = tmp_path / "content"
    shutil.copytree(FIXTURES / "mini", repo)
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "content", dt.date(2024, 5, 20))
    edit(
        repo / "organisms/base.yaml", "    version: 2024-06-01\n    effective: 2024-06-15\n", "    releases:\n" + FIRST
    )
    commit(repo, "release 2024-06-01", dt.date(2024, 6, 1))
    return repo


def declare_second(repo: Path, effective: dt.date) -> None:
    """A material second release (the applicable law reworded), declared and committed on its version date."""
    edit(repo / "clauses/droit.md", "relèvent du droit", "sont soumises au droit")
    second = (
        f"      - {{version: {SECOND_VERSION}, effective: {effective}, material: true, "
        'summary: "Droit applicable reformulé."}\n'
    )
    edit(repo / "organisms/base.yaml", FIRST, FIRST + second)
    commit(repo, "release 2026-11-20", SECOND_VERSION)
