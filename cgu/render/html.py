"""The HTML builder: a standalone, accessible page per document, linking the theme's copied assets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cgu.load.themes import ThemeFolder
from cgu.model import Document

GENERATOR = "cgu"


def page_context(document: Document, mode: str, asset_base: str, logo: str | None) -> dict[str, Any]:
    """What the theme's document.html receives; shared by the HTML and PDF builders."""
    return {
        "document": document,
        "organism": document.organism,
        "articles": document.articles,
        "theme": document.organism.theme,
        "mode": mode,
        "asset_base": asset_base,
        "logo": logo,
        "generator": GENERATOR,
    }


def render_page(document: Document, theme: ThemeFolder, mode: str, root: Path) -> str:
    """The theme's document.html for a document, as the HTML builder (`mode` "html") or the PDF one ("pdf") renders it."""
    logo = document.organism.theme.logo
    if mode == "pdf":
        context = page_context(
            document, "pdf", theme.path.resolve().as_uri() + "/", (root / logo).resolve().as_uri() if logo else None
        )
    else:
        context = page_context(document, "html", f"../assets/{theme.name}/", f"logo{_suffix(logo)}" if logo else None)
    return theme.render("document.html", **context)


class HtmlBuilder:
    """`build/<organism>/<kind>-<date>.html`, assets under `build/assets/<theme>/`."""

    name = "html"
    suffix = ".html"

    def render(self, document: Document, theme: ThemeFolder, root: Path) -> bytes:
        return render_page(document, theme, "html", root).encode("utf-8")


def _suffix(path: str) -> str:
    dot = path.rfind(".")
    return path[dot:] if dot > path.rfind("/") else ""
