"""Compiled theme templates kept between runs: compiling a theme's pages with Jinja is a tenth of a no-change
publication (about 15 ms a page), and the pages change far less often than cgu runs.

Where: the user's cache folder (`$XDG_CACHE_HOME/cgu/templates`, else `~/.cache/cgu/templates`): a compiled page is a
function of the template's text, not of git objects, so it is shared by every project and clone of the user.

Trust: an entry is Python code that Jinja runs, so it is never read unless it is signed: HMAC-SHA256, under the
release cache's key (`~/.config/cgu/cache.key`, mode 0600), over the entry's whole identity and bytes. An entry
written by anyone else, edited, truncated or from another version is a miss and the page is compiled again. Stale
entries cannot be found: the identity holds the template's name and file, a digest of its text, cgu's own code and the
versions of the libraries that compose (`tool_fingerprint`: the environment's options are cgu code) and Python's
version (the bytecode's).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sys
from pathlib import Path

import jinja2

from cgu.release.signing import signing_key, tool_fingerprint

MAX_ENTRY_BYTES = 4 * 1024 * 1024
"""Larger entries are not read (a compiled page is a few tens of kilobytes)."""
FORMAT = 1


def cache_folder() -> Path | None:
    """Where compiled templates are kept; None without a home folder."""
    try:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    except RuntimeError:  # no home folder
        return None
    return base / "cgu" / "templates"


class SignedBytecodeCache(jinja2.BytecodeCache):
    """Jinja's bytecode cache, each entry signed with the user's key and checked before Jinja reads a byte of it."""

    def __init__(self, folder: Path, key: bytes) -> None:
        self.folder = folder
        self.key = key

    @classmethod
    def for_user(cls) -> SignedBytecodeCache | None:
        """The user's cache, or None when there is no cache folder or no signing key (then every page is compiled)."""
        folder = cache_folder()
        key = signing_key() if folder is not None else None
        return cls(folder, key) if folder is not None and key is not None else None

    def _identity(self, bucket: jinja2.bccache.Bucket) -> bytes:
        parts = (str(FORMAT), tool_fingerprint(), sys.implementation.cache_tag or "", bucket.key, bucket.checksum)
        return "\0".join(parts).encode()

    def _path(self, identity: bytes) -> Path:
        return self.folder / f"{hashlib.sha256(identity).hexdigest()}.jinja"

    def _mac(self, identity: bytes, body: bytes) -> bytes:
        return hmac.new(self.key, identity + b"\0" + body, hashlib.sha256).digest()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        identity = self._identity(bucket)
        try:
            path = self._path(identity)
            if path.stat().st_size > MAX_ENTRY_BYTES:
                return
            data = path.read_bytes()
        except OSError:
            return
        mac, body = data[:32], data[32:]
        if len(mac) == 32 and hmac.compare_digest(mac, self._mac(identity, body)):
            bucket.bytecode_from_string(body)  # Jinja checks its own header and the text's checksum again

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Keep a compiled page (best effort: a cache that cannot be written is simply not kept); one rename."""
        identity = self._identity(bucket)
        path = self._path(identity)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        try:
            body = bucket.bytecode_to_string()
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(self._mac(identity, body) + body)
            os.replace(temporary, path)
        except (OSError, ValueError, TypeError):
            temporary.unlink(missing_ok=True)
