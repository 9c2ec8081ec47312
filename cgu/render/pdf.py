"""The PDF builder: WeasyPrint with a print stylesheet, a fetcher confined to the project, fixed identifiers."""

from __future__ import annotations

import calendar
import hashlib
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from cgu.load.themes import ThemeFolder
from cgu.model import Document, Withdrawal
from cgu.render.fonts import run_fonts
from cgu.render.html import render_page, withdrawn_links


class ConfinedFetcher(URLFetcher):
    """Serves `file:` URLs inside the allowed folders only; refuses every other file and any network URL."""

    def __init__(self, allowed: list[Path]) -> None:
        super().__init__(allowed_protocols=("file",))
        self.allowed = [p.resolve() for p in allowed]
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("file:"):
            from urllib.parse import unquote, urlparse

            parsed = urlparse(url)
            # file://host/... names another machine: urllib would resolve the host and fetch it over FTP.
            local = parsed.netloc in ("", "localhost") and "\x00" not in unquote(parsed.path)
            path = Path(unquote(parsed.path)).resolve() if local else None
            if path is not None and any(path == base or base in path.parents for base in self.allowed):
                return super().fetch(url, headers)
        self.refused.append(url)
        raise ValueError(f"cgu does not let a PDF load {url!r}: only files of the project and its theme")


PDF_VARIANT = "pdf/a-3u"
"""Archival PDF/A-3 with Unicode text (copy and search work), fonts embedded; tagged for accessibility."""


@dataclass(frozen=True)
class PdfPage:
    """What WeasyPrint receives for one document: the page, where its relative URLs point, and fixed identifiers."""

    html: str
    base_url: str
    fetcher: ConfinedFetcher
    identifier: bytes
    epoch: int


class PdfBuilder:
    """`build/<organism>/<kind>-<date>.pdf`: A4, running header and footer, TOC with page numbers, bookmarks."""

    name = "pdf"
    suffix = ".pdf"

    def __init__(self) -> None:
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        logging.getLogger("fontTools").setLevel(logging.ERROR)

    @property
    def fonts(self) -> FontConfiguration:
        """One configuration for every document of the run, holding the theme's @font-face fonts only."""
        return run_fonts()

    def render(self, document: Document, theme: ThemeFolder, root: Path, withdrawn: Withdrawal | None = None) -> bytes:
        return self.write(self.page(document, theme, root, withdrawn))

    def page(self, document: Document, theme: ThemeFolder, root: Path, withdrawn: Withdrawal | None = None) -> PdfPage:
        """Everything cgu prepares before WeasyPrint runs (the benchmark times `write` alone on it); `withdrawn`: the
        theme's banner of a withdrawn release at the top."""
        html = render_page(document, theme, "pdf", root, links=withdrawn_links(withdrawn))
        identifier = hashlib.sha256(f"{document.organism.id}/{document.slug}".encode()).hexdigest()[:32].encode()
        return PdfPage(
            html,
            root.resolve().as_uri() + "/",
            ConfinedFetcher([root, theme.path]),
            identifier,
            calendar.timegm(document.version.timetuple()),
        )

    def write(self, page: PdfPage, fonts: FontConfiguration | None = None, stylesheets: tuple[CSS, ...] = ()) -> bytes:
        """WeasyPrint's rendering of a prepared page: PDF/A-3u, tagged, fonts from `fonts` (by default the run's)."""
        with _source_date(page.epoch):
            pdf = HTML(string=page.html, base_url=page.base_url, url_fetcher=page.fetcher).write_pdf(
                stylesheets=list(stylesheets),
                font_config=fonts or self.fonts,
                pdf_identifier=page.identifier,
                pdf_variant=PDF_VARIANT,
                pdf_tags=True,
            )
        assert pdf is not None
        return bytes(pdf)


@contextmanager
def _source_date(default_epoch: int) -> Iterator[None]:
    """fontTools stamps "now" in subset fonts unless SOURCE_DATE_EPOCH is set: pin it to the user's or the version's."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = previous if previous and previous.isdigit() else str(default_epoch)
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
