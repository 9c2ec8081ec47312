"""A reviewed DOCX back into the clauses: the tracked changes and comments a lawyer made in a DOCX cgu built.

The DOCX says which document it is (core property `identifier`, `cgu:<organism>/<kind>@<version>`) and where each
article starts (a bookmark `cgu_<clause id>` on its heading, see `cgu.render.docx`). Each paragraph a reviewer
changed is read twice, as it was (every change rejected) and as it is (every change accepted); the changed span,
with as many words around it as make it unique, is looked for literally in the clause file of its article. Found
once, it becomes an edit of that file; found nowhere, the text came from a variable (named when its value is there)
or from markup cgu adds; found several times, it is ambiguous. Nothing is changed silently: each change the review
cannot map is listed with its reason.
"""

from __future__ import annotations

import difflib
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from cgu.errors import CguError
from cgu.model import Article, Document, SourceLocation
from cgu.render.docx import DOCX_IDENTIFIER_PREFIX, article_bookmark

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DC = "{http://purl.org/dc/elements/1.1/}"
_SAME = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2019": "'", "\u2011": "-"})
"""Characters cgu's French typography writes where the clause has a plain space, apostrophe or hyphen."""
_SAFE = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
"""A reviewed file comes from outside: no entity expansion, no network."""


@dataclass(frozen=True)
class Revision:
    """One tracked change (`w:ins` or `w:del`) or comment, where it falls."""

    kind: str
    """`insertion`, `deletion` or `comment`."""
    author: str
    date: str
    text: str
    article: str | None
    """The clause id of the article it falls in (None before the first article)."""
    paragraph: int


@dataclass(frozen=True)
class Edit:
    """A reviewed paragraph mapped onto its clause file: replace `old` at `start` by `new`."""

    path: str
    start: int
    old: str
    new: str
    line: int


@dataclass(frozen=True)
class Unmapped:
    article: str | None
    text: str
    reason: str


@dataclass
class Review:
    """What `cgu review` found: revisions and comments, the edits they map to, what could not be mapped."""

    identifier: str
    revisions: list[Revision] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    sources: dict[int, str] = field(default_factory=dict)
    """Paragraph index -> where its text came from (`clauses/x.md:12`, or the organism key)."""


@dataclass(frozen=True)
class ReviewedParagraph:
    index: int
    article: str | None
    before: str
    after: str
    inserted: bool
    """The whole paragraph is a tracked insertion."""


def read_docx(path: Path) -> tuple[str, list[ReviewedParagraph], list[Revision]]:
    """The DOCX's cgu identifier, its changed paragraphs (text before and after), and every revision and comment."""
    where = SourceLocation(str(path))
    try:
        with zipfile.ZipFile(path) as archive:
            body = etree.fromstring(archive.read("word/document.xml"), _SAFE)
            core = etree.fromstring(archive.read("docProps/core.xml"), _SAFE)
            names = set(archive.namelist())
            comments = (
                etree.fromstring(archive.read("word/comments.xml"), _SAFE) if "word/comments.xml" in names else None
            )
    except (OSError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
        raise CguError.at(
            where, "is not a Word document (.docx) cgu can read; give the DOCX the reviewer sent back"
        ) from None
    identifier = core.findtext(f"{DC}identifier") or ""
    if not identifier.startswith(DOCX_IDENTIFIER_PREFIX):
        raise CguError.at(
            where,
            "was not built by cgu (no cgu identifier in its properties): review a DOCX made by "
            "`cgu build --format docx`",
        )
    notes = _comments(comments)
    paragraphs, revisions = [], []
    article: str | None = None
    for index, p in enumerate(body.iter(f"{W}p")):
        for mark in p.iter(f"{W}bookmarkStart"):
            name = mark.get(f"{W}name") or ""
            if name.startswith("cgu_") and _is_heading(p):
                article = name
        for element in p.iter(f"{W}ins", f"{W}del"):
            if element.getparent() is not None and element.getparent().tag == f"{W}rPr":
                continue  # a paragraph mark's revision: the paragraph itself
            kind = "insertion" if element.tag == f"{W}ins" else "deletion"
            text = "".join(t.text or "" for t in element.iter(f"{W}t", f"{W}delText"))
            revisions.append(Revision(kind, _author(element), _date(element), text, article, index))
        for start in p.iter(f"{W}commentRangeStart", f"{W}commentReference"):
            note = notes.pop(start.get(f"{W}id") or "", None)
            if note is not None:
                revisions.append(Revision("comment", note[0], note[1], note[2], article, index))
        before, after = _texts(p)
        mark = p.find(f"{W}pPr/{W}rPr/{W}ins")
        if before != after or mark is not None:
            paragraphs.append(ReviewedParagraph(index, article, before, after, mark is not None))
    return identifier, paragraphs, revisions


def review(path: Path, document: Document, root: Path) -> Review:
    """Map the reviewed DOCX `path` of `document` onto the clause files under `root`."""
    identifier, paragraphs, revisions = read_docx(path)
    result = Review(identifier, revisions)
    articles = {article_bookmark(a.id): a for a in document.articles}
    files: dict[str, str] = {}
    for paragraph in paragraphs:
        article = articles.get(paragraph.article or "")
        label = article.id if article else None
        if article is None:
            result.unmapped.append(Unmapped(None, paragraph.after, "falls before the first article (title, banner)"))
            continue
        if paragraph.inserted or not paragraph.before.strip():
            result.unmapped.append(
                Unmapped(label, paragraph.after, f"a new paragraph: add it by hand to {article.source.path}")
            )
            continue
        source = files.setdefault(article.source.path, (root / article.source.path).read_text(encoding="utf-8"))
        outcome = _map(paragraph.before, paragraph.after, source, article.source.path)
        if isinstance(outcome, Edit):
            result.edits.append(outcome)
            result.sources[paragraph.index] = f"{outcome.path}:{outcome.line}"
        else:
            reason = outcome
            key = _variable(document, paragraph.before, paragraph.after)
            if key is not None:
                reason = f"the text comes from the organism's {key} ({document.organism.where(key)}): edit it there"
                result.sources[paragraph.index] = key
            result.unmapped.append(Unmapped(label, paragraph.after, reason))
    _refuse_overlaps(result)
    return result


def patch(result: Review, root: Path) -> str:
    """A unified diff of the mapped edits that `git apply` accepts (paths relative to the project)."""
    out: list[str] = []
    for path, (old, new) in sorted(_rewritten(result, root).items()):
        out += difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{path}", f"b/{path}"
        )
    return "".join(out)


def apply(result: Review, root: Path) -> list[str]:
    """Write the mapped edits into the clause files; the files changed."""
    changed = []
    for path, (_old, new) in sorted(_rewritten(result, root).items()):
        (root / path).write_text(new, encoding="utf-8")
        changed.append(path)
    return changed


def _rewritten(result: Review, root: Path) -> dict[str, tuple[str, str]]:
    by_file: dict[str, list[Edit]] = {}
    for edit in result.edits:
        by_file.setdefault(edit.path, []).append(edit)
    out = {}
    for path, edits in by_file.items():
        old = (root / path).read_text(encoding="utf-8")
        new = old
        for edit in sorted(edits, key=lambda e: e.start, reverse=True):
            new = new[: edit.start] + edit.new + new[edit.start + len(edit.old) :]
        out[path] = (old, new)
    return out


def _refuse_overlaps(result: Review) -> None:
    """Two paragraphs whose spans overlap in the same file cannot both be applied: both become unmapped."""
    kept: list[Edit] = []
    for edit in sorted(result.edits, key=lambda e: (e.path, e.start)):
        if kept and kept[-1].path == edit.path and kept[-1].start + len(kept[-1].old) > edit.start:
            result.unmapped.append(Unmapped(None, edit.new, f"overlaps another change at {edit.path}:{edit.line}"))
            continue
        kept.append(edit)
    result.edits = kept


def _map(before: str, after: str, source: str, path: str) -> Edit | str:
    """Find the changed span of a paragraph, with the fewest words around it that make it unique, in `source`."""
    prefix = len(_common_prefix(before, after))
    suffix = len(_common_prefix(before[prefix:][::-1], after[prefix:][::-1]))
    old_mid, new_mid = before[prefix : len(before) - suffix], after[prefix : len(after) - suffix]
    left, right = before[:prefix], before[len(before) - suffix :]
    haystack = source.translate(_SAME)
    words_left, words_right = (0, 0) if old_mid.strip() else (1, 1)
    while True:
        lctx, rctx = _tail_words(left, words_left), _head_words(right, words_right)
        needle = (lctx + old_mid + rctx).translate(_SAME)
        count = haystack.count(needle) if needle.strip() else 0
        if count == 1:
            start = haystack.index(needle) + len(lctx)
            old = source[start : start + len(old_mid)]
            return Edit(path, start, old, new_mid, source.count("\n", 0, start) + 1)
        if count == 0:
            return f"the text {old_mid or lctx + rctx!r} is not literally in {path} (a variable or markup)"
        more_left, more_right = len(lctx) < len(left), len(rctx) < len(right)
        if not (more_left or more_right):
            return f"the text is found {count} times in {path}: change it there by hand"
        words_left += more_left
        words_right += more_right


def _variable(document: Document, before: str, after: str) -> str | None:
    """The organism key whose value the changed text touches, if one is found in the paragraph."""
    prefix = len(_common_prefix(before, after))
    end = len(before) - len(_common_prefix(before[prefix:][::-1], after[prefix:][::-1]))
    best = None
    for key, value in _leaves(document.organism.data):
        text = str(value)
        if len(text) < 3:
            continue
        at = before.find(text)
        while at != -1:
            if at <= end and at + len(text) >= prefix and (best is None or len(text) > len(best[1])):
                best = (key, text)
            at = before.find(text, at + 1)
    return best[0] if best else None


def _leaves(data: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(data, Mapping):
        for key, value in data.items():
            yield from _leaves(value, f"{prefix}{key}.")
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            yield from _leaves(value, f"{prefix}{index}.")
    elif isinstance(data, str | int | float):
        yield prefix[:-1], data


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def _tail_words(text: str, words: int) -> str:
    if words == 0:
        return ""
    cut = len(text)
    for _ in range(words):
        cut = text.rfind(" ", 0, max(cut - 1, 0))
        if cut == -1:
            return text
    return text[cut:]


def _head_words(text: str, words: int) -> str:
    if words == 0:
        return ""
    cut = 0
    for _ in range(words):
        cut = text.find(" ", cut + 1)
        if cut == -1:
            return text
    return text[:cut]


def _texts(p: Any) -> tuple[str, str]:
    """The paragraph's text with every change rejected, and with every change accepted."""
    before, after = [], []
    for node in p.iter(f"{W}t", f"{W}delText", f"{W}tab"):
        inside = {a.tag for a in node.iterancestors(f"{W}ins", f"{W}del")}
        text = "\t" if node.tag == f"{W}tab" else node.text or ""
        if f"{W}ins" not in inside:
            before.append(text)
        if f"{W}del" not in inside:
            after.append(text)
    return "".join(before), "".join(after)


def _is_heading(p: Any) -> bool:
    """An article's heading (style Heading 1); sub-headings carry bookmarks too but stay in their article."""
    style = p.find(f"{W}pPr/{W}pStyle")
    return style is not None and style.get(f"{W}val") == "Heading1"


def _comments(root: Any) -> dict[str, tuple[str, str, str]]:
    if root is None:
        return {}
    return {
        c.get(f"{W}id") or "": (_author(c), _date(c), "".join(t.text or "" for t in c.iter(f"{W}t")))
        for c in root.iter(f"{W}comment")
    }


def _author(element: Any) -> str:
    return element.get(f"{W}author") or "?"


def _date(element: Any) -> str:
    return element.get(f"{W}date") or ""


def article_of(document: Document, bookmark: str | None) -> Article | None:
    return next((a for a in document.articles if article_bookmark(a.id) == bookmark), None)
