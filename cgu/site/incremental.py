"""Incremental builds: a digest of everything that goes into a document, kept in a manifest in the output."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from cgu.model import Document
from cgu.site.paths import unsafe_site_path

if TYPE_CHECKING:
    from cgu.load.themes import ThemeFolder

MANIFEST = ".cgu-build.json"
"""Kept in the output folder: for each artifact, the digest of its inputs and the inputs' own hashes; and the SHA-256
of every file cgu wrote there (`outputs`), so that a file edited by hand since is rebuilt, never carried over."""
OUTPUTS = "outputs"


@functools.cache
def tool_version() -> str:
    """Versions of cgu and of WeasyPrint: a new release of either may change every artifact (read once per run: each
    look-up scans every installed distribution)."""
    from importlib.metadata import version  # slow to import: only where a manifest is made

    return f"cgu {version('cgu')}; weasyprint {version('weasyprint')}"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Inputs:
    """What one document of one organism is made of, by name, each with its hash."""

    hashes: dict[str, str]

    @property
    def digest(self) -> str:
        return _sha(json.dumps(self.hashes, sort_keys=True).encode())

    def changed_since(self, previous: dict[str, str]) -> list[str]:
        """Names of the inputs that differ from a previous build (added, removed or edited)."""
        previous = previous if isinstance(previous, dict) else {}
        names = sorted(set(self.hashes) | set(previous))
        return [n for n in names if self.hashes.get(n) != previous.get(n)]


def document_inputs(root: Path, document: Document, theme: ThemeFolder, theme_digest: str, fmt: str) -> Inputs:
    """Hash the organism's merged data, each clause file the document is made of, its theme and logo, the tool and the
    format."""
    organism, kind = document.organism, document.kind
    hashes = {
        "tool": _sha(tool_version().encode()),
        "format": fmt,
        "theme": theme_digest,
        f"organism {organism.id}": _sha(json.dumps(dict(organism.data), sort_keys=True, default=_plain).encode()),
    }
    for article in document.articles:
        hashes[article.source.path] = _sha((root / article.source.path).read_bytes())
    if organism.theme.logo:
        hashes[organism.theme.logo] = _sha((root / organism.theme.logo).read_bytes())
    hashes["kind"] = kind
    return Inputs(hashes)


def theme_digest(theme: ThemeFolder) -> str:
    """One hash for every file of a theme (templates, stylesheet, fonts)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in theme.path.rglob("*") if p.is_file()):
        digest.update(path.relative_to(theme.path).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class PreviousOutput:
    """What an earlier run left in the output folder, as far as it can be believed."""

    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Manifest entry (inputs' digest and hashes) of each document rendered, by path."""
    intact: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """SHA-256 of each file whose bytes are still those cgu recorded writing: a file edited since, replaced by a link,
    or never recorded (a folder an older cgu wrote) is not among them, and is rebuilt instead of carried over."""


def read_previous(out: Path) -> PreviousOutput:
    """The previous output's manifest, checked against the files: empty when there is none or it cannot be read (then
    everything rebuilds)."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return PreviousOutput()
    if not isinstance(data, dict):
        return PreviousOutput()
    artifacts = data.get("artifacts")
    recorded = data.get(OUTPUTS)
    # A hand-edited entry is dropped (its file rebuilds); a path that could leave the output is never kept.
    entries = (
        {path: entry for path, entry in artifacts.items() if isinstance(entry, dict) and not unsafe_site_path(path)}
        if isinstance(artifacts, dict)
        else {}
    )
    intact = {}
    real = os.path.realpath(out)
    for path, digest in recorded.items() if isinstance(recorded, dict) else ():
        if not isinstance(digest, str) or unsafe_site_path(path) or path == MANIFEST:
            continue
        if os.path.realpath(out / path) != os.path.join(real, path):
            continue  # under a folder that is a link: never read (nor carried over) from outside the output
        if file_sha256(out / path) == digest:
            intact[path] = digest
    return PreviousOutput(entries, MappingProxyType(intact))


def file_sha256(path: Path) -> str | None:
    """The SHA-256 of a regular file, read a megabyte at a time; None for a link, a folder, or no file."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def manifest_bytes(entries: dict[str, dict[str, Any]], shard: str | None = None) -> bytes:
    """The manifest file, deterministic (sorted keys, no timestamps); a shard's names its part (2/4)."""
    data: dict[str, Any] = {"tool": tool_version(), "artifacts": entries}
    if shard is not None:
        data["shard"] = shard
    return _manifest_json(data)


def with_outputs(manifest: bytes | None, outputs: Mapping[str, str]) -> bytes:
    """`manifest` (an empty one when None or unreadable) recording `outputs`, the SHA-256 of every file of the folder
    the writer is about to put in place."""
    try:
        data = json.loads(manifest) if manifest is not None else None
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        data = {"tool": tool_version(), "artifacts": {}}
    data[OUTPUTS] = dict(sorted(outputs.items()))
    return _manifest_json(data)


def _manifest_json(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, sort_keys=True, indent=1) + "\n").encode()


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
