"""Paths of a site: where each page of a build lives, which names a published file may have, and which files a folder
really holds."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from cgu.model import Organism

_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\\:]")
"""Control characters, backslashes (a Windows separator) and colons (a drive letter) never appear in a site path."""


def site_files(folder: Path) -> tuple[list[str], list[str]]:
    """Relative paths of the regular files under `folder` and of everything else found (links, pipes, devices).

    Links are never followed: a link left in an output or a shard folder would publish whatever it points at.
    """
    files: list[str] = []
    others: list[str] = []
    for top, dirs, names in os.walk(folder):
        base = Path(top)
        for name in sorted(dirs):
            if (base / name).is_symlink():
                others.append((base / name).relative_to(folder).as_posix())
        for name in names:
            mode = (base / name).lstat().st_mode
            (files if stat.S_ISREG(mode) else others).append((base / name).relative_to(folder).as_posix())
    return sorted(files), sorted(others)


def unsafe_site_path(path: str) -> str | None:
    """Why `path` cannot be a file of a published site (absolute, `..`, empty part, control character), or None."""
    if path.startswith("/"):
        return "is an absolute path"
    if _UNSAFE_NAME.search(path):
        return "holds a control character, a backslash or a colon"
    if any(part in ("", ".", "..") for part in path.split("/")):
        return "has an empty, '.' or '..' part"
    return None


def artifact_path(organism: Organism, kind: str, suffix: str, language: str = "") -> str:
    """Where a document goes in the output: `<organism>/<kind>-<version date><suffix>`, a translation under
    `<organism>/<language>/` (docs/languages.md: the source language keeps the addresses it always had)."""
    folder = f"{language}/" if language and language != organism.source_language else ""
    return f"{organism.id}/{folder}{kind}-{organism.documents[kind].version.isoformat()}{suffix}"
