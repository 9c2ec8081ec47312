"""Real git repositories in tmp_path, with a fixed identity and no user configuration."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git(repo: Path, *args: str) -> str:
    """Run git in `repo` (its own HOME: the user's configuration never applies) and return its output."""
    identity = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
    }
    environment = {**identity, "HOME": str(repo), "PATH": "/usr/bin:/bin"}
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True, env=environment).stdout


def commit_all(repo: Path, message: str) -> None:
    """Commit every file of `repo`."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
