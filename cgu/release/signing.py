"""What signs and identifies cgu's kept work: the user's signing key, a fingerprint of cgu's own code, a digest of
files. Light on purpose (standard library only): the no-change publication reads them before loading anything."""

from __future__ import annotations

import hashlib
import os
import secrets
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

LIBRARIES = ("jinja2", "markdown-it-py", "ruamel.yaml", "PyYAML", "babel", "markupsafe")
"""Libraries whose version may change a composed text."""


@cache
def tool_fingerprint() -> str:
    """cgu's own code (every module, so an edited checkout never reads entries of another version) and the versions of
    the libraries that compose."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in LIBRARIES:
        try:
            digest.update(f"{name} {version(name)}\0".encode())
        except PackageNotFoundError:
            digest.update(f"{name} none\0".encode())
    return digest.hexdigest()


def signing_key() -> bytes | None:
    """The user's key for signing cache entries, made on first use; None where it cannot be kept (then no cache)."""
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    path = config / "cgu" / "cache.key"
    try:
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_hex(32))
        if path.stat().st_mode & 0o077:
            return None  # readable by others: anyone could sign entries
        key = path.read_text(encoding="ascii").strip()
        return bytes.fromhex(key) if len(key) == 64 else None
    except (OSError, ValueError, RuntimeError):  # RuntimeError: no home folder
        return None


def files_digest(places: list[Path]) -> str:
    """One hash for each file of `places` (files, or folders: every file under them, path and bytes, in order); an
    absent place is counted as absent."""
    digest = hashlib.sha256()
    for place in places:
        files = sorted(p for p in place.rglob("*") if p.is_file()) if place.is_dir() else [place] * place.is_file()
        digest.update(f"{place}\0{len(files)}\0".encode())
        for path in files:
            digest.update(path.relative_to(place).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
