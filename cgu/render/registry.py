"""Output formats: one small builder class per format, in an explicit registry that refuses duplicates."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Protocol

from cgu.load.themes import ThemeFolder
from cgu.model import Document, Withdrawal


class Builder(Protocol):
    """Turns a composed document into the bytes of one output file."""

    name: str
    suffix: str

    def render(
        self, document: Document, theme: ThemeFolder, root: Path, withdrawn: Withdrawal | None = None
    ) -> bytes: ...

    """`withdrawn`: the document is a release withdrawn by its organism, and its file says so at the top."""


BUILDERS: dict[str, Builder] = {}


def register(builder: Builder) -> None:
    """Add a builder; two builders may not claim the same format name."""
    if builder.name in BUILDERS:
        raise ValueError(f"builder {builder.name!r} is already registered")
    BUILDERS[builder.name] = builder


class DeferredBuilder:
    """A builder known by its format and suffix, whose module is imported when it first renders.

    The PDF builder needs WeasyPrint (a second of imports): a command that makes no PDF never loads it.
    """

    def __init__(self, name: str, suffix: str, module: str, factory: str) -> None:
        self.name, self.suffix, self._module, self._factory = name, suffix, module, factory
        self._builder: Builder | None = None

    def render(self, document: Document, theme: ThemeFolder, root: Path, withdrawn: Withdrawal | None = None) -> bytes:
        if self._builder is None:
            self._builder = getattr(importlib.import_module(self._module), self._factory)()
        return self._builder.render(document, theme, root, withdrawn)


register(DeferredBuilder("html", ".html", "cgu.render.html", "HtmlBuilder"))
register(DeferredBuilder("pdf", ".pdf", "cgu.render.pdf", "PdfBuilder"))
register(DeferredBuilder("docx", ".docx", "cgu.render.docx", "DocxBuilder"))
