"""What members see, on a fixture project with real git history and fixed dates: before, during and after a notice."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

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
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    return subprocess.run(
        [sys.executable, str(ROOT / "cgu_cli.py"), *args], capture_output=True, text=True, env=env, timeout=600
    )


@pytest.fixture
def released(tmp_path: Path) -> Path:
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


def test_build_and_publish_refuse_a_notice_violation_as_check_does(released: Path, tmp_path: Path) -> None:
    declare_second(released, SECOND_VERSION + dt.timedelta(days=5))
    expected = (
        "organisms/base.yaml:16: release-notice: release 2026-11-20 of the cgu needs re-acceptance, so it cannot take "
        "effect before 2026-12-20 (published 2026-11-20 + 30 days' notice) (organisms acme, beta)"
    )
    check = cgu("check", "--project", str(released), "--date", DURING.isoformat())
    assert check.returncode == 1 and expected in check.stderr.splitlines(), check.stderr
    for command in ("build",):
        out = tmp_path / command
        result = cgu(command, "--project", str(released), "--out", str(out), "--date", DURING.isoformat())
        assert result.returncode == 1, result.stderr
        assert expected in result.stderr.splitlines(), result.stderr
        assert "Traceback" not in result.stderr and not out.exists(), f"{command} wrote {out}"
