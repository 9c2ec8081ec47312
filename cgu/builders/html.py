"""The HTML builder: a standalone, accessible page per document, linking the theme's copied assets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cgu.model import Document
from cgu.themes import ThemeFolder

GENERATOR = "cgu"


def page_context(document: Document, mode: str, asset_base: str, logo: str | None) -> dict[str, Any]:
    """What the theme's document.html receives; shared by the HTML and PDF builders."""
    return {"document": document, "organism": document.organism, "articles": document.articles,
            "theme": document.organism.theme, "mode": mode, "asset_base": asset_base, "logo": logo,
            "generator": GENERATOR}


class HtmlBuilder:
    """`build/<organism>/<kind>-<date>.html`, assets under `build/assets/<theme>/`."""

    name = "html"
    suffix = ".html"

    def render(self, document: Document, theme: ThemeFolder, root: Path) -> bytes:
        logo = f"logo{_suffix(document.organism.theme.logo)}" if document.organism.theme.logo else None
        html = theme.render("document.html", **page_context(document, "html", f"../assets/{theme.name}/", logo))
        return html.encode("utf-8")


def _suffix(path: str) -> str:
    dot = path.rfind(".")
    return path[dot:] if dot > path.rfind("/") else ""
