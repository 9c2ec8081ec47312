"""The mini project in git with releases of its CGU, and the small edits the release tests make to it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from cgu.project import load_project
from cgu.release.book import read_book
from cgu.release.history import History
from helpers.git import commit_all, git

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"

RELEASE_1 = """    releases:
      - {version: 2024-06-01, effective: 2024-06-15, material: true, summary: "Première publication."}
"""

RELEASED_1 = dt.date(2024, 6, 1)
"""The day the fixture's commits are made: its first release's version date (their dates never depend on the day the
tests run)."""

THIRD = dt.date(2025, 1, 1)
"""The version date of the third release that `with_three_releases` declares."""


def mini_in_git(target: Path) -> Path:
    """The mini project copied to `target` and put in git: its content, then its CGU's first release (2024-06-01,
    effective 2024-06-15), both committed on RELEASED_1."""
    shutil.copytree(MINI, target)
    git(target, "init", "-q", "-b", "main")
    commit_all(target, "content", when=RELEASED_1)
    edit(target / "organisms/base.yaml", "    version: 2024-06-01\n    effective: 2024-06-15\n", RELEASE_1, count=1)
    commit_all(target, "release 2024-06-01 of the cgu", when=RELEASED_1)
    return target


def released_in_one_commit(target: Path) -> Path:
    """The mini project copied to `target` with its CGU's first release declared, in git in a single commit."""
    shutil.copytree(MINI, target)
    edit(target / "organisms/base.yaml", "    version: 2024-06-01\n    effective: 2024-06-15\n", RELEASE_1)
    git(target, "init", "-q", "-b", "main")
    commit_all(target, "release")
    return target


def with_three_releases(repo: Path) -> Path:
    """`repo` (from `mini_in_git`) with two more releases of the cgu: 2024-09-01 (a rewording) and THIRD, 2025-01-01
    (material: moved and rewritten, effective 30 days after today, so it is always coming)."""
    edit(repo / "clauses/cookies.md", "Nous utilisons", "Le site utilise")
    declare(repo, "2024-09-01", "2024-09-01", False, "Reformulation de l'article sur les traceurs.")
    commit_all(repo, "second release")
    edit(repo / "organisms/base.yaml", "clauses: [editeur, cookies, droit]", "clauses: [editeur, droit, cookies]")
    edit(repo / "clauses/droit.md", "relèvent du droit", "sont soumises au droit")
    declare(
        repo,
        THIRD,
        dt.date.today() + dt.timedelta(days=30),
        True,
        "Droit applicable reformulé et placé avant les traceurs.",
    )
    commit_all(repo, "third release")
    return repo


def declare(
    repo: Path, version: dt.date | str, effective: dt.date | str, material: bool, summary: str, sha256: str = ""
) -> None:
    """Add a release of the cgu to organisms/base.yaml, after the last one (not committed)."""
    base = repo / "organisms/base.yaml"
    lines = base.read_text(encoding="utf-8").splitlines(keepends=True)
    last = max(i for i, line in enumerate(lines) if line.startswith("      - {version:"))
    seal = f", sha256: {sha256}" if sha256 else ""
    lines.insert(
        last + 1,
        f'      - {{version: {version}, effective: {effective}, material: {str(material).lower()}, summary: "{summary}"{seal}}}\n',
    )
    base.write_text("".join(lines), encoding="utf-8")


def releases(repo: Path, organism: str = "beta") -> tuple[list, list]:
    """The releases of `organism`'s CGU as the release book reads them, and their problems."""
    entry = read_book(load_project(repo, (organism,), ("cgu",)), History(repo)).of(organism, "cgu")
    return list(entry.releases), list(entry.problems)


def edit(path: Path, old: str, new: str, count: int = -1) -> None:
    """Replace `old` by `new` in the file at `path` (every occurrence, or the first `count`)."""
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, count), encoding="utf-8")
