"""Output formats: one small builder class per format, in an explicit registry that refuses duplicates."""

from __future__ import annotations

from typing import Protocol

from pathlib import Path

from cgu.model import Document
from cgu.themes import ThemeFolder


class Builder(Protocol):
    """Turns a composed document into the bytes of one output file."""

    name: str
    suffix: str

    def render(self, document: Document, theme: ThemeFolder, root: Path) -> bytes: ...


BUILDERS: dict[str, Builder] = {}


def register(builder: Builder) -> None:
    """Add a builder; two builders may not claim the same format name."""
    if builder.name in BUILDERS:
        raise ValueError(f"builder {builder.name!r} is already registered")
    BUILDERS[builder.name] = builder


def _register_defaults() -> None:
    from cgu.builders.html import HtmlBuilder
    from cgu.builders.pdf import PdfBuilder

    register(HtmlBuilder())
    register(PdfBuilder())


_register_defaults()
