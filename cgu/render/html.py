"""The HTML builder: a standalone, accessible page per document, linking the theme's copied assets."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from cgu.compose.language import Alternate, alternates, language_folder, words
from cgu.compose.markdown import linked_document
from cgu.compose.page_words import page_words
from cgu.load.themes import ThemeFolder
from cgu.model import Article, Document, Withdrawal

GENERATOR = "cgu"


@dataclass(frozen=True)
class PageLinks:
    """Where a published page leads a member: its PDF, the history, the version in force, what changes next."""

    status: str
    """`in-force`, `upcoming` (published, not yet in force), `superseded`, `withdrawn` (see `withdrawn`), or `draft` (a
    writer's build only: the working tree differs from every published release)."""
    pdf: str | None = None
    history: str | None = None
    in_force: str | None = None
    """The address that always serves the version in force (on a page that is not it)."""
    coming: tuple[dt.date, str] | None = None
    """Effective date of the next version and the redline from this one ("Ce qui change le ...")."""
    reaccept: str | None = None
    """For a member who accepted this version: what changed materially since, and from when it applies."""
    changes: tuple[dt.date, str] | None = None
    """On a draft: the version date of the newest published release and the redline from it to the draft."""
    withdrawn: Withdrawal | None = None
    """On a withdrawn release's page: from when and why (a banner; the page is not indexed)."""


def withdrawn_links(withdrawn: Withdrawal | None) -> PageLinks | None:
    """The links of a standalone file (PDF, a build's page) of a withdrawn release: its status and withdrawal alone
    (the theme's banner), no link to a site it may not sit in."""
    return PageLinks("withdrawn", withdrawn=withdrawn) if withdrawn is not None else None


@dataclass(frozen=True)
class PreviewBar:
    """What a page of `cgu preview` adds (the theme's preview-bar.html and a script): links to the draft and to its
    changes since the last published version, and the script that reloads the page when a file is saved."""

    draft: str
    changes: str
    script: Markup


_LINK = re.compile(r'<a href="(#[a-z]+:[a-z0-9-]+)">(.*?)</a>', re.DOTALL)
"""A link the Markdown renderer made for `ref_doc` (raw HTML is refused in clauses, so only it writes one)."""


def built_document(document: Document, kind: str) -> str | None:
    """Where a build puts the organism's document of `kind`, from one of its pages: `privacy-2024-03-01.html`."""
    return f"{kind}-{document.organism.documents[kind].version.isoformat()}.html"


def with_document_links(
    document: Document, mode: str, address: Callable[[Document, str], str | None] = built_document
) -> tuple[Article, ...]:
    """The articles with each reference to another document's article (`ref_doc`) as the page shows it: in HTML, a
    link to that document where `address` says this page reaches it; on paper (PDF), the reference in words."""

    def resolved(found: re.Match[str]) -> str:
        target = linked_document(found.group(1))
        known = mode == "html" and target is not None and target[0] in document.organism.documents
        page = address(document, target[0]) if known and target is not None else None
        return (
            found.group(2) if page is None or target is None else f'<a href="{page}#{target[1]}">{found.group(2)}</a>'
        )

    return tuple(
        dataclasses.replace(article, html=_LINK.sub(resolved, article.html)) if ":" in article.html else article
        for article in document.articles
    )


def site_alternates(source: str, languages: tuple[str, ...], language: str, page: str) -> tuple[Alternate, ...]:
    """The site page `page` in each of `languages` (those it exists in, `language` among them), `page` its path under
    the organism's folder in a language (`cgu/releases/2025-06-01.html`: the source's folder is `<organism>/`, a
    translation's `<organism>/<lang>/`), as relative links from the page in `language`; none in one language only."""
    if len(languages) < 2:
        return ()
    up = "../" * page.count("/") + ("" if language == source else "../")
    name = page.rsplit("/", 1)[-1]
    return tuple(
        Alternate(
            other, words(other).name, name if other == language else f"{up}{language_folder(other, source)}{page}"
        )
        for other in languages
    )


def page_context(
    document: Document,
    mode: str,
    asset_base: str,
    logo: str | None,
    links: PageLinks | None = None,
    preview: PreviewBar | None = None,
    others: tuple[Alternate, ...] = (),
    address: Callable[[Document, str], str | None] = built_document,
) -> dict[str, Any]:
    """What the theme's document.html receives; shared by the HTML and PDF builders (`links` only on published
    pages, where the release history is known; `preview` only in `cgu preview`; `others`, the same page in each
    language, only where each language's page exists: a built document page; `address`: where this page reaches
    the organism's other documents, a build's layout by default)."""
    return {
        "words": words(document.language),
        "says": page_words(document.language),
        "alternates": others,
        "document": document,
        "organism": document.organism,
        "articles": with_document_links(document, mode, address),
        "theme": document.organism.theme,
        "mode": mode,
        "asset_base": asset_base,
        "logo": logo,
        "generator": GENERATOR,
        "links": links,
        **({"preview": preview} if preview else {}),  # a built page's values (and errors) name no preview
    }


def render_page(
    document: Document,
    theme: ThemeFolder,
    mode: str,
    root: Path,
    site_root: str = "../",
    links: PageLinks | None = None,
    others: tuple[Alternate, ...] = (),
    address: Callable[[Document, str], str | None] = built_document,
) -> str:
    """The theme's document.html for a document, as the HTML builder (`mode` "html") or the PDF one ("pdf") renders it.

    `site_root` is the way from the page's folder to the site's root (`../` for `<organism>/<kind>-<date>.html`):
    the page links the theme's assets and the organism's logo through it, so a page can live at any depth.
    `address`: where the page reaches the organism's other documents (`ref_doc`), a build's layout by default."""
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
            others=others,
            address=address,
        )
    return theme.render("document.html", **context)


class HtmlBuilder:
    """`build/<organism>/<kind>-<date>.html`, assets under `build/assets/<theme>/`."""

    name = "html"
    suffix = ".html"

    def render(self, document: Document, theme: ThemeFolder, root: Path, withdrawn: Withdrawal | None = None) -> bytes:
        site_root = "../" if document.language == document.organism.source_language else "../../"
        file_name = f"{document.kind}-{document.version.isoformat()}.html"
        others = alternates(document.organism.languages, document.language, file_name)
        links = withdrawn_links(withdrawn)
        return render_page(document, theme, "html", root, site_root, links, others=others).encode("utf-8")


def _suffix(path: str) -> str:
    dot = path.rfind(".")
    return path[dot:] if dot > path.rfind("/") else ""
