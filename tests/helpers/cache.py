"""The release cache of a test's repository, signed with a key of the test's own (never the user's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cgu.release.cache import ReleaseCache


def own_cache(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ReleaseCache:
    """The cache in `repo`'s git folder, under a signing key made in `tmp_path` for this test."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    cache = ReleaseCache.in_git_folder(repo / ".git")
    assert cache is not None
    return cache
