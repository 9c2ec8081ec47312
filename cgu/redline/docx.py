"""A redline as a Word document with native tracked changes, made from the same redline model as the HTML one.

Each article's operations become runs: equal text plain, inserted text in `w:ins`, deleted text in `w:del` (its text
in `w:delText`); a newline inside a change marks that paragraph's mark inserted or deleted, so whole paragraphs are
tracked as such. A moved article whose text is unchanged is a `w:moveFrom` at its old place and a `w:moveTo` at its
new one, each inside its range markers; a moved article that also changed is deleted there and inserted here.
Accepting every change gives the new version's text, rejecting every change the old one's, one line per paragraph.
Editorial changes are tracked like the others (rejecting must give the old text back), as the HTML marks them too.
No untracked paragraph mark stands between two insertions: LibreOffice would take it into them (see `_apart`).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree

from cgu.articles import DELETE, EQUAL, INSERT, ArticleChange, Redline

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_HEADING = re.compile(r"^(#{1,6})\s")

SAME, INS, DEL, MOVE_FROM, MOVE_TO = "same", "ins", "del", "moveFrom", "moveTo"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


@dataclass(frozen=True)
class Segment:
    """A run of the document's text with its revision: same, ins, del, moveFrom or moveTo (`move` names the move)."""

    status: str
    text: str
    move: int = 0


def segments(redline: Redline) -> list[Segment]:
    """The document's text in order, each run with its revision. Articles that kept their place (and removed ones)
    carry their own operations; a removed or moved article's old text stands right after its predecessor in the
    old version, so rejecting everything reads the old version in its order, and accepting everything the new one."""
    items: list[list[Segment]] = []
    anchors: dict[int, int] = {}  # id of an old article -> index of the item holding its old text
    relocated: list[ArticleChange] = []
    for change in redline.changes:
        if change.new is None or change.moved:
            relocated.append(change)
            if change.new is not None:  # the moved article at its new place
                items.append(_moved_to(change, len(relocated)))
            continue
        items.append([Segment(_STATUS[op], text) for op, text in change.ops if text])
        if change.old is not None:
            anchors[id(change.old)] = len(items) - 1
    olds = sorted((c for c in redline.changes if c.old is not None), key=lambda c: c.old.number if c.old else 0)
    placed: list[tuple[int, list[Segment]]] = []  # (index of the item it follows, -1 for the top; the segments)
    after_old: dict[int, tuple[str, int]] = {}  # id of an old article -> where its old text is
    move_of = {id(c): i for i, c in enumerate(relocated, start=1)}
    previous: ArticleChange | None = None
    for change in olds:
        assert change.old is not None
        if id(change) in move_of:
            where = -1 if previous is None else _where(previous, anchors, after_old)
            texts = _moved_from(change, move_of[id(change)])
            placed.append((where, texts))
            after_old[id(change.old)] = ("placed", len(placed) - 1)
        previous = change
    return _assemble(items, placed)


def _where(previous: ArticleChange, anchors: dict[int, int], after_old: dict[int, tuple[str, int]]) -> int:
    """The item index after which to put the next old text: the predecessor's anchor, or as a placed one
    (encoded as -2 - its index in `placed`)."""
    assert previous.old is not None
    if id(previous.old) in anchors:
        return anchors[id(previous.old)]
    return -2 - after_old[id(previous.old)][1]


def _assemble(items: list[list[Segment]], placed: list[tuple[int, list[Segment]]]) -> list[Segment]:
    """Items in the new order, each relocated old text right after what it follows (a chain of them in old order)."""
    following: dict[int, list[int]] = {}
    for index, (where, _) in enumerate(placed):
        following.setdefault(where, []).append(index)
    out: list[Segment] = []

    def emit_after(key: int) -> None:
        for index in following.get(key, []):
            out.extend(placed[index][1])
            emit_after(-2 - index)

    emit_after(-1)
    for index, item in enumerate(items):
        out.extend(item)
        emit_after(index)
    return out


_STATUS = {EQUAL: SAME, INSERT: INS, DELETE: DEL}


def _moved_from(change: ArticleChange, move: int) -> list[Segment]:
    text = change.old_text()
    if change.new is None:
        return [Segment(_STATUS[op], t) for op, t in change.ops if t]
    return [Segment(MOVE_FROM if text == change.new_text() else DEL, text, move)] if text else []


def _moved_to(change: ArticleChange, move: int) -> list[Segment]:
    text = change.new_text()
    return [Segment(MOVE_TO if text == change.old_text() else INS, text, move)] if text else []


class _Revisions:
    """Revision ids unique across the file, and the attributes every revision carries."""

    def __init__(self, author: str, date: datetime) -> None:
        self.author = author
        self.date = date.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.next_id = 0

    def mark(self, parent: etree._Element, tag: str, **extra: str) -> etree._Element:
        element = etree.SubElement(parent, _w(tag))
        element.set(_w("id"), str(self.next_id))
        self.next_id += 1
        element.set(_w("author"), self.author)
        element.set(_w("date"), self.date)
        for key, value in extra.items():
            element.set(_w(key), value)
        return element


def _run(parent: etree._Element, text: str, deleted: bool) -> None:
    """One run of text; tabs as `w:tab`, deleted text in `w:delText`."""
    run = etree.SubElement(parent, _w("r"))
    for index, part in enumerate(text.split("\t")):
        if index:
            etree.SubElement(run, _w("tab"))
        if part:
            node = etree.SubElement(run, _w("delText" if deleted else "t"))
            node.text = part
            node.set(_XML_SPACE, "preserve")


Paragraph = tuple[list[Segment], Segment | None]
"""A paragraph's runs and the segment its mark belongs to (None: the last paragraph's mark)."""


def _paragraphs(stream: list[Segment]) -> list[Paragraph]:
    """The stream cut at its newlines: each paragraph's runs and the segment its mark belongs to (None: the last
    paragraph's mark, which no change touches)."""
    result: list[Paragraph] = []
    runs: list[Segment] = []
    for segment in stream:
        lines = segment.text.split("\n")
        for index, line in enumerate(lines):
            line = line.removesuffix("\r") if index < len(lines) - 1 else line
            if line:
                runs.append(Segment(segment.status, line, segment.move))
            if index < len(lines) - 1:
                result.append((runs, segment))
                runs = []
    result.append((runs, None))
    return result


def _apart(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """The same revisions with no untracked paragraph mark between two insertions.

    LibreOffice joins an insertion ending a paragraph and one starting the next into one revision, the paragraph
    mark between them included (as it does when one types Enter), so its reject-all drops a mark the file keeps
    untracked. Where that would happen, an equivalent XML: when the next paragraph is wholly inserted (its text
    and its mark), the two marks swap status (this mark inserted, that one kept); otherwise this mark is inserted
    and the next paragraph's leading inserted text becomes a paragraph of its own whose mark is deleted. Accepting
    or rejecting everything gives the same texts as before, in Word's semantics and in LibreOffice.
    """
    out = list(paragraphs)
    index = 0
    while index < len(out) - 1:
        (runs, mark), (following, next_mark) = out[index], out[index + 1]
        last = runs[-1] if runs else out[index - 1][1] if index else None  # an empty one's: the mark before it
        first = following[0] if following else next_mark  # an empty paragraph's first revision is its mark
        kept = mark is not None and mark.status == SAME
        if not (kept and last is not None and last.status == INS and first is not None and first.status == INS):
            index += 1
            continue
        if next_mark is not None and next_mark.status == INS and all(s.status == INS for s in following):
            out[index] = (runs, Segment(INS, "\n"))
            out[index + 1] = (following, Segment(SAME, "\n"))
        else:
            lead = next((i for i, s in enumerate(following) if s.status != INS), len(following))
            out[index] = (runs, Segment(INS, "\n"))
            out[index + 1 : index + 2] = [(following[:lead], Segment(DEL, "\n")), (following[lead:], next_mark)]
        index += 1
    return out


def body_xml(redline: Redline, author: str, date: datetime) -> list[etree._Element]:
    """The document's paragraphs with their tracked changes, as `w:p` elements."""
    revisions = _Revisions(author, date)
    paragraphs = _apart(_paragraphs(segments(redline)))
    open_moves: dict[tuple[str, int], int] = {}  # (moveFrom|moveTo, move) -> id of its range start
    last_of: dict[tuple[str, int], int] = {}
    for number, (runs, mark) in enumerate(paragraphs):
        for segment in [*runs, *([mark] if mark else [])]:
            if segment.status in (MOVE_FROM, MOVE_TO):
                last_of[(segment.status, segment.move)] = number
    out = []
    for number, (runs, mark) in enumerate(paragraphs):
        paragraph = etree.Element(_w("p"))
        properties = etree.SubElement(paragraph, _w("pPr"))
        shown = "".join(s.text for s in runs if s.status != DEL and s.status != MOVE_FROM) or "".join(
            s.text for s in runs
        )
        heading = _HEADING.match(shown)
        if heading:
            style = etree.SubElement(properties, _w("pStyle"))
            style.set(_w("val"), f"Heading{len(heading.group(1))}")
        for segment in [*runs, *([mark] if mark else [])]:
            key = (segment.status, segment.move)
            if segment.status in (MOVE_FROM, MOVE_TO) and key not in open_moves:
                start = revisions.mark(paragraph, f"{segment.status}RangeStart", name=f"move{segment.move}")
                open_moves[key] = int(start.get(_w("id")) or 0)
        if mark is not None and mark.status != SAME:  # a moved paragraph's mark as inserted or deleted: LibreOffice
            mark_properties = etree.SubElement(properties, _w("rPr"))  # leaves a moved mark's paragraph behind
            revisions.mark(mark_properties, _MARK_STATUS.get(mark.status, mark.status))
        for segment in runs:
            if segment.status == SAME:
                _run(paragraph, segment.text, False)
            else:
                wrapper = revisions.mark(paragraph, segment.status)
                _run(wrapper, segment.text, segment.status == DEL)
        for key, last in last_of.items():
            if last == number:
                end = etree.SubElement(paragraph, _w(f"{key[0]}RangeEnd"))
                end.set(_w("id"), str(open_moves[key]))
        out.append(paragraph)
    return out


def render_docx(redline: Redline, title: str, author: str, date: datetime, language: str = "fr-FR") -> bytes:
    """The redline as a DOCX: python-docx's default styles in `language` (the Word tag of the texts' language,
    cgu/compose/language.py), the paragraphs with their revisions, document properties from the title, the author
    and the date (never the clock), zip members in a fixed order with a fixed time."""
    from docx import Document

    from cgu.render.docx import styles_language

    document = Document()
    styles_language(document, language)
    body = document.element.body
    for child in list(body):
        if child.tag != _w("sectPr"):
            body.remove(child)
    section = body.find(_w("sectPr"))
    for paragraph in body_xml(redline, author, date):
        if section is not None:
            section.addprevious(paragraph)
        else:
            body.append(paragraph)
    properties = document.core_properties
    properties.title = title
    properties.author = author
    properties.last_modified_by = author
    properties.language = language
    properties.revision = 1
    naive = date.astimezone(UTC).replace(tzinfo=None)
    properties.created = naive
    properties.modified = naive
    properties.last_printed = naive
    raw = io.BytesIO()
    document.save(raw)
    from cgu.render.docx import reproducible_zip  # the plain Word document's: one way to fix a package's dates

    return reproducible_zip(raw.getvalue())


def accepted_and_rejected(document_xml: bytes) -> tuple[str, str]:
    """The text a reader gets from `word/document.xml` after accepting every change, and after rejecting every one:
    the revisions' semantics applied in Python, one line per paragraph (a tracked paragraph mark joins or not)."""
    root = etree.fromstring(document_xml)
    accepted: list[str] = []
    rejected: list[str] = []
    for paragraph in root.iter(_w("p")):
        for node in paragraph.iter(_w("t"), _w("delText"), _w("tab")):
            wrapper = next(
                (a for a in node.iterancestors() if a.tag in {_w(s) for s in (INS, DEL, MOVE_FROM, MOVE_TO)}), None
            )
            text = "\t" if node.tag == _w("tab") else node.text or ""
            status = etree.QName(wrapper).localname if wrapper is not None else SAME
            if status not in (DEL, MOVE_FROM):
                accepted.append(text)
            if status not in (INS, MOVE_TO):
                rejected.append(text)
        mark = paragraph.find(f"{_w('pPr')}/{_w('rPr')}")
        status = SAME
        if mark is not None:
            status = next((etree.QName(c).localname for c in mark if etree.QName(c).localname in _MARKS), SAME)
        if status not in (DEL, MOVE_FROM):
            accepted.append("\n")
        if status not in (INS, MOVE_TO):
            rejected.append("\n")
    return "".join(accepted)[:-1], "".join(rejected)[:-1]  # the last paragraph's mark ends no line


_MARKS = (INS, DEL, MOVE_FROM, MOVE_TO)
_MARK_STATUS = {MOVE_FROM: DEL, MOVE_TO: INS}
