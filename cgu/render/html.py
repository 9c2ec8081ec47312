"""The HTML builder: a standalone, accessible page per document, linking the theme's copied assets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cgu.load.themes import ThemeFolder
from cgu.model import Document

GENERATOR = "cgu"


@dataclass(frozen=True)
class PageLinks:
    """Where a published page leads a member: its PDF, the history, the version in force, what changes next."""

    status: str
    """`in-force`, `upcoming` (published, not yet in force) or `superseded`."""
    pdf: str | None = None
    history: str | None = None
    in_force: str | None = None
    """The address that always serves the version in force (on a page that is not it)."""
    coming: tuple[dt.date, str] | None = None
    """Effective date of the next version and the redline from this one ("Ce qui change le ...")."""
    reaccept: str | None = None
    """For a member who accepted this version: what changed materially since, and from when it applies."""


def page_context(
    document: Document, mode: str, asset_base: str, logo: str | None, links: PageLinks | None = None
) -> dict[str, Any]:
    """What the theme's document.html receives; shared by the HTML and PDF builders (`links` only on published
    pages, where the release history is known)."""
    return {
        "document": document,
        "organism": document.organism,
        "articles": document.articles,
        "theme": document.organism.theme,
        "mode": mode,
        "asset_base": asset_base,
        "logo": logo,
        "generator": GENERATOR,
        "links": links,
    }


def render_page(
    document: Document,
    theme: ThemeFolder,
    mode: str,
    root: Path,
    site_root: str = "../",
    links: PageLinks | None = None,
) -> str:
    """The theme's document.html for a document, as the HTML builder (`mode` "html") or the PDF one ("pdf") renders it.

    `site_root` is the way from the page's folder to the site's root (`../` for `<organism>/<kind>-<date>.html`):
    the page links the theme's assets and the organism's logo through it, so a page can live at any depth."""
    logo = document.organism.theme.logo
    if mode == "pdf":
        context = page_context(
            document,
            "pdf",
            theme.path.resolve().as_uri() + "/",
            (root / logo).resolve().as_uri() if logo else None,
            links,
        )
    else:
        own = site_root == "../"  # a document page sits next to its organism's logo
        where = "" if own else f"{site_root}{document.organism.id}/"
        context = page_context(
            document,
            "html",
            f"{site_root}assets/{theme.name}/",
            f"{where}logo{_suffix(logo)}" if logo else None,
            links,
        )
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
