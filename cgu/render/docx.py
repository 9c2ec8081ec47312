"""The DOCX builder: a Word document made with python-docx from the composed articles, reproducible byte for byte.

Public API (the tracked-changes redline in `cgu/redline/docx.py` builds on it):

- `docx_document_from_articles(document, articles)`: a python-docx document with the theme's styles, the
  properties, header and footer, title, version banner, table of contents field and, for each article, a
  bookmarked Word "Heading 1" followed by its body. `articles` defaults to the document's own.
- `theme_font(theme)`: the family a theme's style.css gives the page text, to pass as `font=`.
- `start_docx(document, font, root)`: the same without any article, for a caller that writes the articles itself;
  `add_article(word, article)` and `add_html(word, html)` then append to it.
- `docx_bytes(word, document)`: the file's bytes, with fixed zip member dates and order and core-property dates
  pinned to the version date (or `SOURCE_DATE_EPOCH`).
- `article_bookmark(article_id)`: the bookmark name an article's heading carries (`cgu review` reads it back).
- `DOCX_IDENTIFIER_PREFIX`: core property `identifier` is `cgu:<organism>/<kind>@<version>`.

The organism's logo (given the project `root`) heads every page, before the organism's name, at most as tall as
in HTML. A PNG or JPEG is embedded as is. An SVG is embedded as SVG (`asvg:svgBlip`, the way Word 2016 and later
store one and draw it), with the picture every DOCX must also carry as a transparent PNG of its size: cgu has no
SVG rasteriser (no cairosvg or librsvg among its dependencies), so a reader that ignores the SVG extension, such as
LibreOffice 7.4 or Word 2013, leaves the logo's place blank and shows the organism's name beside it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import docx
from docx.document import Document as WordDocument
from docx.enum.text import WD_COLOR_INDEX
from docx.image.exceptions import InvalidImageStreamError, UnexpectedEndOfFileError, UnrecognizedImageError
from docx.image.image import Image as DocxImage
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.shared import Emu, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree
from lxml import html as lxml_html

from cgu.compose.french import ordinal_pieces
from cgu.compose.language import long_date, words
from cgu.compose.markdown import linked_document
from cgu.compose.page_words import page_words
from cgu.errors import CguError
from cgu.load.themes import ThemeFolder
from cgu.model import Article, Document, SourceLocation, Withdrawal

DOCX_IDENTIFIER_PREFIX = "cgu:"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
FONT = "Lato"
"""The default theme's font (a theme's own is read from its style.css); Word and LibreOffice fall back to a
sans-serif where it is not installed."""

LINK_COLOR = RGBColor(0x05, 0x63, 0xC1)
LOGO_HEIGHT = Pt(36)
"""The theme's `.logo { max-height: 3rem; }`: 48 CSS pixels, 36 points."""
SVG_BLIP = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
"""The `a:ext` URI under which Word keeps an SVG picture beside its PNG ([MS-ODRAWXML] 2.26.1.1)."""
_BOOKMARK_ID = "_cgu_bookmark_id"
_STYLE_IDS = "_cgu_style_ids"


def article_bookmark(anchor: str) -> str:
    """A Word bookmark name for an HTML anchor: letters, digits and `_`, at most 40 characters, stable."""
    clean = re.sub(r"[^A-Za-z0-9_]", "_", anchor)
    if len(clean) <= 36:
        return f"cgu_{clean}"
    return f"cgu_{clean[:27]}_{hashlib.sha256(anchor.encode()).hexdigest()[:8]}"


def docx_identifier(document: Document) -> str:
    return f"{DOCX_IDENTIFIER_PREFIX}{document.organism.id}/{document.kind}@{document.version.isoformat()}"


def theme_font(theme: ThemeFolder | None) -> str:
    """The family of the theme's page text (`html { font-family: "X", ... }` in its style.css), else Lato."""
    css = theme.path / "style.css" if theme is not None else None
    if css is not None and css.is_file():
        match = re.search(r"(?m)^\s*(?:html|body)\s*\{[^}]*font-family:\s*[\"']?([^\"',;]+)", css.read_text("utf-8"))
        if match:
            return match.group(1).strip()
    return FONT


def start_docx(
    document: Document, font: str = FONT, root: Path | None = None, withdrawn: Withdrawal | None = None
) -> WordDocument:
    """A Word document with styles, properties, header/footer, title, banner and table of contents, no article;
    with the organism's logo in the header when `root`, the project the logo's path is relative to, is given, and
    a withdrawn release's notice under the banner (`withdrawn`)."""
    word = docx.Document()
    rels = word.part.package.rels
    for rid in [rid for rid, rel in rels.items() if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL]:
        del rels[rid]  # python-docx's template thumbnail shows another document
    said = words(document.language)
    _styles(word, document.organism.theme.color, font, said.word_language)
    _properties(word, document)
    _header_footer(word, document, root)
    title = f"{said.draft} – {document.title}" if document.draft else document.title
    _paragraph(word, word, "Title", title)
    banner = _paragraph(word, word, "Subtitle")
    if document.draft:
        banner.add_run(said.draft).bold = True
        banner.add_run(" – ")
    _dated(
        banner,
        f"{said.version_of} {long_date(document.version, document.language)}, {said.in_force_from} "
        f"{long_date(document.effective, document.language)}",
        banner.add_run,
    )
    if withdrawn is not None:
        _withdrawal(word, document, withdrawn)
    _table_of_contents(word, document.articles, said.toc)
    return word


def _withdrawal(word: WordDocument, document: Document, withdrawn: Withdrawal) -> None:
    """What the theme's banner says of a withdrawn release, as a paragraph: from when (bold), why, and that it no
    longer applies. The reason is the organism file's words, in its source language (tagged so where it differs)."""
    says = page_words(document.language)
    notice = word.add_paragraph()
    for run in _dated(notice, f"{says['withdrawn_on']} {long_date(withdrawn.on, document.language)}.", notice.add_run):
        run.bold = True
    reason = notice.add_run(f" {withdrawn.reason}")
    source = document.organism.source_language
    if source != document.language:
        _language(reason._r.get_or_add_rPr(), words(source).word_language)
    notice.add_run(f" {says['withdrawn_note']}")


def docx_document_from_articles(
    document: Document,
    articles: Iterable[Article] | None = None,
    font: str = FONT,
    root: Path | None = None,
    withdrawn: Withdrawal | None = None,
) -> WordDocument:
    """The whole Word document of `document`, its articles (or `articles`) in order, in the font `font`, with the
    organism's logo found under the project `root` (when given); `withdrawn`, a withdrawn release's notice under the
    banner."""
    word = start_docx(document, font, root, withdrawn)
    for article in document.articles if articles is None else articles:
        add_article(word, article)
    return word


def add_article(word: WordDocument, article: Article) -> Paragraph:
    """The article's heading (Word "Heading 1", bookmarked with its id) and its body; returns the heading."""
    heading = _paragraph(word, word, "Heading 1", article.heading)
    _bookmark(word, heading, article_bookmark(article.id))
    add_html(word, article.html)
    return heading


def add_html(word: WordDocument, html: str) -> None:
    """Append the blocks of an article's HTML: paragraphs, sub-headings, lists, tables."""
    if not html.strip():
        return
    for element in lxml_html.fragments_fromstring(html):
        if isinstance(element, str):
            if element.strip():
                word.add_paragraph(element.strip())
            continue
        _block(word, word, element, 0)


def docx_bytes(word: WordDocument, document: Document) -> bytes:
    """The file's bytes: core-property dates from SOURCE_DATE_EPOCH or the version date, fixed zip dates."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        when = dt.datetime.fromtimestamp(int(epoch), dt.UTC).replace(tzinfo=None)
    else:
        when = dt.datetime.combine(document.version, dt.time())
    core = word.core_properties
    core.created = core.modified = when
    core.last_printed = when
    buffer = io.BytesIO()
    word.save(buffer)
    return reproducible_zip(buffer.getvalue())


def reproducible_zip(data: bytes) -> bytes:
    """The same members in the same order with a fixed date and mode: python-docx stamps "now" in its zip."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info))
    return out.getvalue()


class DocxBuilder:
    """`build/<organism>/<kind>-<date>.docx`: Word heading styles, tables, links, properties, TOC field."""

    name = "docx"
    suffix = ".docx"

    def render(self, document: Document, theme: ThemeFolder, root: Path, withdrawn: Withdrawal | None = None) -> bytes:
        word = docx_document_from_articles(document, font=theme_font(theme), root=root, withdrawn=withdrawn)
        return docx_bytes(word, document)


# --- styles, properties, header and footer ---


def _styles(word: WordDocument, color: str, font: str, language: str) -> None:
    """The theme's font and colour in the styles, `language` (a Word tag: "nl-BE") as the text's language."""
    rgb = RGBColor.from_string(color.lstrip("#").upper()) if re.fullmatch(r"#[0-9a-fA-F]{6}", color) else None
    normal = word.styles["Normal"]
    normal.font.name = font
    normal.font.size = Pt(10.5)
    for name, size in (("Title", 22), ("Subtitle", 11), ("Heading 1", 15), ("Heading 2", 12.5)):
        style = word.styles[name]
        style.font.name = font
        style.font.size = Pt(size)
        if rgb is not None and name != "Subtitle":
            style.font.color.rgb = rgb
    styles_language(word, language)


def styles_language(word: WordDocument, language: str) -> None:
    """`language` (a Word tag: "fr-FR", "nl-BE") as the language of the Normal style and of the document's defaults,
    which Word's spelling and hyphenation follow."""
    _language(word.styles["Normal"].element.get_or_add_rPr(), language)
    defaults = word.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        run_defaults = defaults.find(qn("w:rPrDefault"))
        if run_defaults is not None and run_defaults.find(qn("w:rPr")) is not None:
            _language(run_defaults.find(qn("w:rPr")), language)


def _language(rpr: Any, language: str) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), language)
    lang.set(qn("w:eastAsia"), language)


def _properties(word: WordDocument, document: Document) -> None:
    core = word.core_properties
    core.title = document.title
    core.author = document.organism.name
    core.last_modified_by = document.organism.name
    core.subject = document.organism.name
    core.category = document.kind
    said = words(document.language)
    core.language = said.word_language
    core.identifier = docx_identifier(document)
    core.version = document.version.isoformat()
    core.keywords = said.draft.lower() if document.draft else ""  # "projet", "ontwerp", "entwurf"
    core.comments = f"{said.version_of} {long_date(document.version, document.language)}"
    core.revision = 1


def _header_footer(word: WordDocument, document: Document, root: Path | None = None) -> None:
    section = word.sections[0]
    header = section.header.paragraphs[0]
    logo = document.organism.theme.logo
    if logo is not None and root is not None:
        _logo(header, root / logo, document.organism.where("theme.logo"))
        header.add_run(" ")
    header.add_run(f"{document.organism.name} – {document.title}")
    footer = section.footer.paragraphs[0]
    said = words(document.language)
    draft = f"{said.draft} – " if document.draft else ""
    _dated(
        footer,
        f"{draft}{said.version_of} {long_date(document.version, document.language)} – {said.page} ",
        footer.add_run,
    )
    _field(footer, "PAGE", "1")
    footer.add_run(f" {said.page_of} ")
    _field(footer, "NUMPAGES", "1")


def _logo(paragraph: Paragraph, path: Path, where: SourceLocation) -> None:
    """The logo as an inline picture at the paragraph's end, as tall as a browser shows it (a pixel is 0.75 pt, the
    image's own resolution ignored) up to the theme's cap: PNG or JPEG as is (one python-docx cannot read, such as
    a JPEG without a JFIF or Exif header, as Pillow re-encodes it in PNG), SVG with a blank PNG stand-in."""
    data = path.read_bytes()
    svg = path.suffix.lower() == ".svg"
    if svg:
        width, height = _svg_size(data)
    else:
        try:
            image = DocxImage.from_blob(data)
        except (UnrecognizedImageError, InvalidImageStreamError, UnexpectedEndOfFileError, struct.error, ValueError):
            data = _as_png(data, path, where)
            image = DocxImage.from_blob(data)
        width, height = float(image.px_width), float(image.px_height)
    shown = min(Emu(round(Pt(height * 0.75))), LOGO_HEIGHT)
    size = {"width": Emu(round(shown * width / height)), "height": Emu(shown)}
    run = paragraph.add_run()
    if not svg:
        run.add_picture(io.BytesIO(data), **size)
        return
    scale = min(1.0, 48 / height, 2000 / width)  # the stand-in needs no more pixels than the page shows
    run.add_picture(io.BytesIO(_blank_png(max(1, round(width * scale)), max(1, round(height * scale)))), **size)
    part = paragraph.part
    name = PackURI(f"/word/media/logo-{hashlib.sha256(data).hexdigest()[:12]}.svg")
    rid = part.relate_to(Part(name, "image/svg+xml", data, part.package), RELATIONSHIP_TYPE.IMAGE)
    blip = next(run._r.iter(qn("a:blip")))
    blip.append(
        parse_xml(
            f'<a:extLst xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:ext uri="{SVG_BLIP}">'
            '<asvg:svgBlip xmlns:asvg="http://schemas.microsoft.com/office/drawing/2016/SVG/main" '
            f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:embed="{rid}"/>'
            "</a:ext></a:extLst>"
        )
    )


def _as_png(data: bytes, path: Path, where: SourceLocation) -> bytes:
    """The image in PNG, by Pillow (WeasyPrint's own image library); a file it cannot read is the logo's error."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            out = io.BytesIO()
            image.save(out, "PNG")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise CguError.at(
            where, f"logo {path.name!r} cannot be read as an image ({error}); export it again as PNG"
        ) from None
    return out.getvalue()


def _svg_size(data: bytes) -> tuple[float, float]:
    """An SVG's width and height in CSS pixels: its `width`/`height` when plain numbers or px, else its viewBox's,
    else the 300 × 150 a browser gives a picture without either."""
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    number = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*(px)?\s*$")
    sizes = [number.match(root.get(name) or "") for name in ("width", "height")]
    if sizes[0] and sizes[1] and float(sizes[0].group(1)) > 0 and float(sizes[1].group(1)) > 0:
        return float(sizes[0].group(1)), float(sizes[1].group(1))
    box = [float(n) for n in re.findall(r"-?[0-9]*\.?[0-9]+", root.get("viewBox") or "")]
    if len(box) == 4 and box[2] > 0 and box[3] > 0:
        return box[2], box[3]
    return 300.0, 150.0


def _blank_png(width: int, height: int) -> bytes:
    """A fully transparent PNG, written by hand so that its bytes never depend on an image library's version."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = (b"\x00" + b"\x00\x00\x00\x00" * width) * height
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def _field_char(paragraph: Paragraph, kind: str) -> None:
    run = paragraph.add_run()
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    run._r.append(char)


def _instruction(paragraph: Paragraph, code: str) -> None:
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {code} "
    run._r.append(instr)


def _field(paragraph: Paragraph, code: str, shown: str) -> None:
    _field_char(paragraph, "begin")
    _instruction(paragraph, code)
    _field_char(paragraph, "separate")
    paragraph.add_run(shown)
    _field_char(paragraph, "end")


def _table_of_contents(word: WordDocument, articles: tuple[Article, ...], heading: str = "Sommaire") -> None:
    """A TOC field over the headings, its result pre-filled with linked entries (Word recomputes page numbers)."""
    _paragraph(word, word, "TOC Heading", heading)
    first = word.add_paragraph()
    _field_char(first, "begin")
    _instruction(first, r'TOC \o "1-1" \h \z \u')
    _field_char(first, "separate")
    if not articles:
        first.add_run("Aucun article")
        _field_char(first, "end")
        return
    paragraph = first
    for index, article in enumerate(articles):
        if index:
            paragraph = word.add_paragraph()
        _hyperlink(word, paragraph, article.heading, anchor=article_bookmark(article.id))
    _field_char(paragraph, "end")


def _paragraph(word: WordDocument, container: Any, style: str, text: str = "") -> Paragraph:
    """A new paragraph of a style named as in Word (python-docx looks a name up in every style each time: cache)."""
    ids: dict[str, str] = getattr(word, _STYLE_IDS, None) or {}
    if not ids:
        ids.update((s.name, s.style_id) for s in word.styles if s.name)
        setattr(word, _STYLE_IDS, ids)
    paragraph = container.add_paragraph(text)
    paragraph._p.style = ids.get(style, ids.get("Heading 2"))
    return paragraph


def _bookmark(word: WordDocument, paragraph: Paragraph, name: str) -> None:
    counter = getattr(word, _BOOKMARK_ID, 0)
    setattr(word, _BOOKMARK_ID, counter + 1)
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(counter))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(counter))
    paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, start)
    paragraph._p.append(end)


# --- HTML blocks and inline marks ---

_LIST_STYLES = {"ul": ("List Bullet", "List Bullet 2", "List Bullet 3"), "ol": ("List Number", "List Number 2")}


def _block(word: WordDocument, container: Any, element: Any, depth: int) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in ("h2", "h3", "h4", "h5", "h6"):
        paragraph = _paragraph(word, container, "Heading 2")
        _inline(word, paragraph, element, {})
        if element.get("id"):
            _bookmark(word, paragraph, article_bookmark(element.get("id")))
    elif tag in ("ul", "ol"):
        styles = _LIST_STYLES[tag]
        for item in element:
            if item.tag == "li":
                _list_item(word, container, item, styles[min(depth, len(styles) - 1)], depth)
    elif tag == "table":
        _table(word, container, element)
    elif tag in ("div", "section", "blockquote"):
        for child in element:
            _block(word, container, child, depth)
    elif tag == "hr":
        return
    else:
        paragraph = container.add_paragraph()
        _inline(word, paragraph, element, {})


def _list_item(word: WordDocument, container: Any, item: Any, style: str, depth: int) -> None:
    paragraph = _paragraph(word, container, style)
    if item.text:
        _text(paragraph, item.text, {})
    for child in item:
        if child.tag in ("ul", "ol"):
            _block(word, container, child, depth + 1)
        elif child.tag == "p":
            if paragraph.text:
                paragraph = _paragraph(word, container, style)
            _inline(word, paragraph, child, {})
        else:
            _element(word, paragraph, child, {})
        if child.tail and child.tail.strip():
            _text(paragraph, child.tail, {})


def _table(word: WordDocument, container: Any, element: Any) -> None:
    rows = [row for row in element.iter("tr")]
    if not rows:
        return
    width = max(len([c for c in row if c.tag in ("td", "th")]) for row in rows)
    table = container.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, cell in enumerate(child for child in row if child.tag in ("td", "th")):
            target: _Cell = table.cell(r, c)
            paragraph = target.paragraphs[0]
            _inline(word, paragraph, cell, {"bold": True} if cell.tag == "th" else {})
    if rows[0].getparent() is not None and rows[0].getparent().tag == "thead":
        header = table.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        header.append(repeat)


def _inline(word: WordDocument, paragraph: Paragraph, element: Any, marks: dict[str, Any]) -> None:
    if element.text:
        _text(paragraph, element.text, marks)
    for child in element:
        _element(word, paragraph, child, marks)
        if child.tail:
            _text(paragraph, child.tail, marks)


def _element(word: WordDocument, paragraph: Paragraph, child: Any, marks: dict[str, Any]) -> None:
    tag = child.tag if isinstance(child.tag, str) else ""
    if tag in ("strong", "b"):
        _inline(word, paragraph, child, {**marks, "bold": True})
    elif tag in ("em", "i"):
        _inline(word, paragraph, child, {**marks, "italic": True})
    elif tag == "mark":
        _inline(word, paragraph, child, {**marks, "highlight": True})
    elif tag == "code":
        _inline(word, paragraph, child, {**marks, "code": True})
    elif tag == "br":
        paragraph.add_run().add_break()
    elif tag == "a":
        href = child.get("href") or ""
        text = child.text_content()
        if linked_document(href) is not None:  # another document's article (`ref_doc`): on paper, in words
            _text(paragraph, text, marks)
        elif href.startswith("#"):
            _hyperlink(word, paragraph, text, anchor=article_bookmark(href[1:]), marks=marks)
        elif href:
            _hyperlink(word, paragraph, text, url=href, marks=marks)
        else:
            _text(paragraph, text, marks)
    else:
        _inline(word, paragraph, child, marks)


def _text(paragraph: Paragraph, text: str, marks: dict[str, Any]) -> None:
    text = re.sub(r"\s*\n\s*", " ", text)
    if not text:
        return
    for run in _dated(paragraph, text, lambda piece: _run(paragraph, piece)):
        _marks(run, marks)


def _dated(paragraph: Paragraph, text: str, add: Callable[[str], Run]) -> list[Run]:
    """`text` as runs made by `add`, the "er" of each date's "1er" (le 1er juin 2024) in a superscript run of its own,
    as the HTML writes 1<sup>er</sup>."""
    runs = []
    for piece, superior in ordinal_pieces(text):
        runs.append(add(piece))
        if superior:
            runs[-1].font.superscript = True
    return runs


def _run(paragraph: Paragraph, text: str) -> Run:
    """A run holding `text` in one w:t (python-docx's `add_run` walks the text a character at a time)."""
    r = paragraph._p.add_r()
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    r.append(t)
    return Run(r, paragraph)


def _marks(run: Any, marks: dict[str, Any]) -> None:
    if marks.get("bold"):
        run.bold = True
    if marks.get("italic"):
        run.italic = True
    if marks.get("highlight"):
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    if marks.get("code"):
        run.font.name = "Courier New"


def _hyperlink(
    word: WordDocument,
    paragraph: Paragraph,
    text: str,
    url: str | None = None,
    anchor: str | None = None,
    marks: dict[str, Any] | None = None,
) -> None:
    """A real Word hyperlink: to an external address (a relationship) or to a bookmark of the document."""
    link = OxmlElement("w:hyperlink")
    if url is not None:
        link.set(qn("r:id"), paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True))
    if anchor is not None:
        link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    run = _run(paragraph, re.sub(r"\s*\n\s*", " ", text))
    _marks(run, marks or {})
    run.font.underline = True
    run.font.color.rgb = LINK_COLOR
    link.append(run._r)
    paragraph._p.append(link)
