"""Real git repositories in tmp_path, with a fixed identity and no user configuration."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path


def git(repo: Path, *args: str, when: dt.date | None = None) -> str:
    """Run git in `repo` (its own HOME: the user's configuration never applies) and return its output, stripped.

    `when`: the author and committer date (noon UTC) of what it commits; without it, the wall clock."""
    identity = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
    }
    dated = (
        {"GIT_AUTHOR_DATE": f"{when}T12:00:00+00:00", "GIT_COMMITTER_DATE": f"{when}T12:00:00+00:00"} if when else {}
    )
    environment = {**identity, **dated, "HOME": str(repo), "PATH": "/usr/bin:/bin"}
    run = subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True, env=environment)
    return run.stdout.strip()


def commit_all(repo: Path, message: str, when: dt.date | None = None) -> str:
    """Commit every file of `repo` (on `when`, noon UTC, when given) and return the new commit's hash."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, when=when)
    return git(repo, "rev-parse", "HEAD")
