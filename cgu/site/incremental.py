"""Incremental builds: a digest of everything that goes into a document, kept in a manifest in the output."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cgu.model import Document

if TYPE_CHECKING:
    from cgu.load.themes import ThemeFolder

MANIFEST = ".cgu-build.json"
"""Kept in the output folder: for each artifact, the digest of its inputs and the inputs' own hashes."""


def tool_version() -> str:
    """Versions of cgu and of WeasyPrint: a new release of either may change every artifact."""
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


def read_manifest(out: Path) -> dict[str, dict[str, Any]]:
    """The previous build's manifest; empty when there is none or it cannot be read (then everything rebuilds)."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        return dict(data.get("artifacts", {})) if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def manifest_bytes(entries: dict[str, dict[str, Any]]) -> bytes:
    """The manifest file, deterministic (sorted keys, no timestamps)."""
    return (json.dumps({"tool": tool_version(), "artifacts": entries}, sort_keys=True, indent=1) + "\n").encode()


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
