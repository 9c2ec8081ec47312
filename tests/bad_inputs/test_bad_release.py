"""`cgu release` on bad input: one line in the writer's words, exit 1, no traceback, and the repository untouched
(no file changed, no commit made). A real process on a real git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers.project import FIXED_GIT_ENV
from test_bad_inputs import MINI, cgu

ENV = FIXED_GIT_ENV


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, **ENV, "HOME": str(repo.parent)}
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True, env=env).stdout.strip()


def state(repo: Path) -> tuple[dict[str, bytes], str]:
    files = {p.relative_to(repo).as_posix(): p.read_bytes() for p in sorted(repo.rglob("*")) if p.is_file()}
    head = git(repo, "rev-parse", "HEAD") if (repo / ".git").exists() else ""
    return {k: v for k, v in files.items() if not k.startswith(".git/")}, head


RELEASED = '    releases:\n      - {version: 2024-06-01, effective: 2024-06-15, material: true, summary: "Un."}\n'


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    project = shutil.copytree(MINI, tmp_path / "project")
    beta = project / "organisms/beta.yaml"
    beta.write_text(
        beta.read_text(encoding="utf-8")
        + "documents:\n  cgu:\n    version: 2024-06-01\n    effective: 2024-06-15\n"
        + RELEASED,
        encoding="utf-8",
    )
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "content")
    return project


def refused(project: Path, *args: str) -> str:
    before = state(project)
    result = cgu(project, "release", "--date", "2026-12-02", *args)
    assert result.returncode == 1 and "Traceback" not in result.stderr and result.stdout == "", result.stderr
    assert state(project) == before, "a refused release changes nothing"
    return result.stderr


def change_the_text(project: Path) -> None:
    droit = project / "clauses/droit.md"
    droit.write_text(droit.read_text(encoding="utf-8") + "\nUne phrase de plus.\n", encoding="utf-8")
    git(project, "commit", "-q", "-am", "edit")


def test_unknown_organism(repo: Path) -> None:
    assert refused(repo, "gamma", "cgu", "--material", "--summary", "x") == (
        "organisms: no organism 'gamma'; known: acme, base, beta\n"
    )


def test_nothing_changed_since_the_last_release(repo: Path) -> None:
    assert refused(repo, "beta", "cgu", "--material", "--summary", "x") == (
        "organisms/beta.yaml:10: nothing changed in the cgu of beta since release 2024-06-01: its text is exactly "
        "that release's; edit the clauses or facts first, then release\n"
    )


def test_effective_date_inside_the_notice_period(repo: Path) -> None:
    change_the_text(repo)
    assert refused(repo, "beta", "cgu", "--material", "--summary", "x", "--effective", "2026-12-20") == (
        "--effective: release 2026-12-02 of the cgu needs re-acceptance, so it cannot take effect before "
        "2027-01-01 (published 2026-12-02 + 30 days' notice); give --effective 2027-01-01 or later (or --form if "
        "members need not re-accept it)\n"
    )


def test_uncommitted_changes_in_the_files_of_the_text(repo: Path) -> None:
    droit = repo / "clauses/droit.md"
    droit.write_text(droit.read_text(encoding="utf-8") + "\nPas encore commité.\n", encoding="utf-8")
    assert refused(repo, "beta", "cgu", "--form", "--summary", "x") == (
        "clauses/droit.md: uncommitted changes in clauses/droit.md: a release is made of committed text; commit "
        "them (or stash them) first, then run cgu release again\n"
    )


def test_version_in_the_past_and_a_malformed_date(repo: Path) -> None:
    change_the_text(repo)
    assert refused(repo, "beta", "cgu", "--form", "--summary", "x", "--version", "2026-11-30") == (
        "--version: 2026-11-30 is before today (2026-12-02): a release reaches members on its version date, which "
        "cannot be in the past; leave --version out to release today, or give a later date\n"
    )
    assert refused(repo, "beta", "cgu", "--form", "--summary", "x", "--effective", "2027-13-01") == (
        "--effective: '2027-13-01' is not a date; give it as YYYY-MM-DD\n"
    )


def test_without_git(tmp_path: Path) -> None:
    project = shutil.copytree(MINI, tmp_path / "project")
    stderr = refused(project, "beta", "cgu", "--material", "--summary", "x")
    assert stderr == (
        f"{project}: history unavailable (not a git repository): a release is sealed in a git commit; run 'git init' "
        "and commit the content first\n"
    )
