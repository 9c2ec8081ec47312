"""A redline article as rendered Markdown: lists, tables and emphasis as the member reads them, changes marked.

The pieces of an article are merged into one Markdown text in which each change is wrapped in private-use
characters (never split across a line, a table cell or a block marker); the one Markdown renderer turns it into
HTML, then the markers become `<ins>`, `<del>` or `<span class="forme">`, closed and reopened around the tags they
cross so that the HTML stays well nested.
"""

from __future__ import annotations

import re
import urllib.parse
from html import unescape

from markupsafe import Markup

from cgu.articles import ArticleChange
from cgu.compose.markdown import MARKDOWN, PLAIN_MARKDOWN
from cgu.compose.page_words import page_words
from cgu.redline.compare import pieces

INS, DEL, FORM = ("\ue000", "\ue001"), ("\ue002", "\ue003"), ("\ue004", "\ue005")
_OPENERS = {INS[0]: "ins", DEL[0]: "del", FORM[0]: "forme"}
_CLOSERS = {INS[1]: "ins", DEL[1]: "del", FORM[1]: "forme"}
_SENTINELS = re.compile("[\ue000-\ue005]")
_ENCODED = {c: "".join(f"%{b:02X}" for b in c.encode()) for c in "\ue000\ue001\ue002\ue003\ue004\ue005"}
_BLOCK_PREFIX = re.compile(r"^[ \t]*(?:>[ \t]?)*(?:#{1,6}[ \t]+|(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)+|\|[ \t]*)?")
_CELL = re.compile(r"(?<!\\)\|")
_TAG = re.compile(r"<[^>]*>|[^<]+")
_VOID = {"br", "hr", "img", "input", "wbr"}
_BLOCK = {
    "p",
    "li",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "div",
}
_LABELS = {"ins": ("[début d’ajout] ", " [fin d’ajout]"), "del": ("[début de suppression] ", " [fin de suppression]")}


def article_markup(change: ArticleChange, language: str = "fr") -> Markup:
    """The article's text rendered from Markdown with its changes marked; its heading line left out (the redline
    shows it) unless the heading itself changed. In another `language` than French: no French spacing, and the
    marks' words for screen readers in that language."""
    merged = _merge(change)
    markdown = MARKDOWN if language == "fr" else PLAIN_MARKDOWN
    tokens = markdown.parse(merged)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):  # below the redline's own h2 and h3
            token.tag = f"h{max(4, min(6, int(token.tag[1]) + 2))}"
    html = markdown.renderer.render(tokens, markdown.options, {})
    html = _IMAGE.sub(lambda m: f"[image : {m.group(1)}]", html)
    balanced = _balance(html)
    if language != "fr":
        balanced = _relabelled(balanced, language)
    article = change.new or change.old
    composed = article is not None and bool(article.html)  # its text opens with the heading line, as a paragraph
    first = re.match(r"<(h[4-6]|p)>(.*?)</\1>\n", balanced, re.S)
    if first and (composed or first.group(1) != "p"):
        unmarked = "<ins>" not in first.group(2) and "<del>" not in first.group(2)
        if unmarked or change.kind in ("added", "removed"):
            balanced = balanced[first.end() :]
    return Markup(_fold(balanced) if change.kind in ("modified", "editorial") else balanced)


def _relabelled(html: str, language: str) -> str:
    """The screen-reader words of the marks (`[début d’ajout]`...) in `language`."""
    says = page_words(language)
    for kind, (start, end) in _LABELS.items():
        html = html.replace(
            f'<span class="sr-only">{start}</span>', f'<span class="sr-only">{says[kind + "_start"]} </span>'
        )
        html = html.replace(
            f'<span class="sr-only">{end}</span>', f'<span class="sr-only"> {says[kind + "_end"]}</span>'
        )
    return html


CONTEXT = 1
"""Unchanged paragraphs kept visible on each side of a change inside a modified article; longer runs fold."""


def _fold(html: str) -> str:
    """Runs of unchanged top-level blocks beyond one of context on each side folded into a `<details>` (open on
    screen by a click, a line "…" in print): a long article shows its changes, not its length."""
    blocks = _top_level_blocks(html)
    marked = [any(mark in block for mark in ("<ins>", "<del>", '<span class="forme">')) for block in blocks]
    near = [any(marked[max(0, i - CONTEXT) : i + CONTEXT + 1]) or not block.strip() for i, block in enumerate(blocks)]
    out: list[str] = []
    index = 0
    while index < len(blocks):
        if near[index]:
            out.append(blocks[index])
            index += 1
            continue
        end = index
        while end < len(blocks) and not near[end]:
            end += 1
        run = [b for b in blocks[index:end] if b.strip()]
        if len(run) < 2:
            out += blocks[index:end]
        else:
            label = f"{len(run)} paragraphes inchangés"
            out.append(
                f'<details class="folded"><summary>… ({label})</summary>\n{"".join(blocks[index:end])}</details>\n'
            )
        index = end
    return "".join(out)


def _top_level_blocks(html: str) -> list[str]:
    """The well-nested HTML cut after each top-level element (its trailing newline with it)."""
    blocks: list[str] = []
    depth = 0
    start = 0
    for match in _TAG.finditer(html):
        part = match.group(0)
        if part.startswith("</"):
            depth -= 1
        elif part.startswith("<"):
            name = re.match(r"<([a-zA-Z0-9]+)", part)
            if name and name.group(1).lower() not in _VOID and not part.endswith("/>"):
                depth += 1
        if depth == 0 and part.startswith("</"):
            end = match.end() + (1 if html[match.end() : match.end() + 1] == "\n" else 0)
            blocks.append(html[start:end])
            start = end
    if start < len(html):
        blocks.append(html[start:])
    return blocks


_IMAGE = re.compile(r'<img src="[^"]*" alt="([^"]*)"[^>]*>')
"""A redline never loads an image (a Markdown file compared may point anywhere): it shows the image's text."""


def _merge(change: ArticleChange) -> str:
    out: list[str] = []
    for piece in pieces(change):
        old, new = visible(piece.old), visible(piece.new)
        if piece.status == "same":
            out.append(new)
        elif piece.status == "editorial":
            out.append(_wrap(new, FORM, _at_line_start(out)))
        else:
            out.append(_wrap(old, DEL, _at_line_start(out)))
            out.append(_wrap(new, INS, _at_line_start(out)))
    return _LINK_TARGET.sub(_new_target, "".join(out))


_LINK_TARGET = re.compile(r"\]\(([^()\s]*)\)")
_DELETED = re.compile(f"{DEL[0]}[^{DEL[1]}]*{DEL[1]}")


def _new_target(match: re.Match[str]) -> str:
    """A link whose target changed points to the new target, followed by a marked note saying so."""
    if not _SENTINELS.search(match.group(1)):
        return match.group(0)
    target = _SENTINELS.sub("", _DELETED.sub("", match.group(1)))
    return f"]({target}) {INS[0]}(adresse du lien modifiée){INS[1]}"


def _at_line_start(out: list[str]) -> bool:
    for text in reversed(out):
        if text:
            return text.endswith("\n")
    return True


def _wrap(text: str, marks: tuple[str, str], line_start: bool) -> str:
    """Each line's content (not its list, heading, quote or cell markers, nor its outer spaces) between the marks."""
    result = []
    for index, line in enumerate(text.splitlines(keepends=True)):
        body = line.rstrip("\r\n")
        ending = line[len(body) :]
        if _is_structure(body):  # a rule, a setext underline, a table's delimiter row, a code fence: left whole
            result.append(line)
            continue
        prefix = _BLOCK_PREFIX.match(body).group(0) if (index > 0 or line_start) else ""  # type: ignore[union-attr]
        cells = _CELL.split(body[len(prefix) :])
        result.append(prefix + "|".join(_wrap_cell(cell, marks) for cell in cells) + ending)
    return "".join(result)


def _is_structure(line: str) -> bool:
    """A rule, a setext underline, a table's delimiter row or a code fence (plain tests: a regular expression
    here backtracked quadratically over a long run of spaces)."""
    core = line.strip(" \t")
    return bool(line) and (set(core) <= set("-=*_:| \t") or core.startswith(("```", "~~~")))


def _wrap_cell(cell: str, marks: tuple[str, str]) -> str:
    core = cell.strip()
    if not core:
        return cell
    start = cell.index(core)
    return f"{cell[:start]}{marks[0]}{core}{marks[1]}{cell[start + len(core) :]}"


def _open_tag(kind: str, first: bool) -> str:
    if kind == "forme":
        return '<span class="forme">'
    label = f'<span class="sr-only">{_LABELS[kind][0]}</span>' if first else ""
    return f"<{kind}>{label}"


def _close_tag(kind: str, last: bool) -> str:
    if kind == "forme":
        return "</span>"
    label = f'<span class="sr-only">{_LABELS[kind][1]}</span>' if last else ""
    return f"{label}</{kind}>"


def _clean_attributes(tag: str) -> str:
    """A start tag without markers, its link checked again as it is finally written: markdown-it validated the
    target with the markers in it, and removing them can make a harmless target `javascript:` (an address that
    fails is dropped, the link's text stays)."""
    for encoded in _ENCODED.values():
        tag = tag.replace(encoded, "")
    tag = _SENTINELS.sub("", tag)
    return _ADDRESS.sub(lambda m: m.group(0) if _safe_address(m.group(2)) else "", tag)


_ADDRESS = re.compile(r'\s(href|src)="([^"]*)"', re.IGNORECASE)


def _safe_address(value: str) -> bool:
    """An attribute's address as a browser reads it (entities decoded, and once more percent-decoded) passes the
    renderer's link check."""
    decoded = unescape(value)
    return all(MARKDOWN.validateLink(form) for form in (decoded, urllib.parse.unquote(decoded)))


_VISIBLE = {
    **{code: 0x2400 + code for code in range(0x20) if chr(code) not in "\t\n\r"},
    0x7F: 0x2421,
    **{code: 0xFFFD for code in range(0x80, 0xA0)},
    **{ord(c): 0xFFFD for c in "\ue000\ue001\ue002\ue003\ue004\ue005"},
}
"""Control characters shown as their visible symbols (␀, ␛...; C1 ones as U+FFFD); the redline's own marker
characters, should the text carry them, shown as U+FFFD so that the text cannot open or close a change."""


_MARKER_REFERENCE = re.compile(r"&#(?:[xX]0*[eE]00[0-5]|0*5734[4-9]);")
"""A character reference that Markdown would decode into one of the redline's markers."""


def visible(text: str) -> str:
    """Text as the redline shows it: control characters as symbols, marker characters as U+FFFD."""
    return _MARKER_REFERENCE.sub("&#xFFFD;", text.translate(_VISIBLE))


def _balance(html: str) -> str:
    """Markers to tags, each change closed before a tag it would cross and reopened after it."""
    out: list[str] = []
    stack: list[str] = []
    mark: str | None = None  # the change being shown
    depth = 0  # the stack's height when its tag was opened
    shown = False  # whether its tag is open in the output now
    first = True  # whether its opening label is still to show

    def close(last: bool) -> None:
        nonlocal shown
        if shown:
            out.extend(f"</{tag}>" for tag in reversed(stack[depth:]))
            out.append(_close_tag(mark, last))  # type: ignore[arg-type]
            out.extend(f"<{tag}>" for tag in stack[depth:])
            shown = False

    for part in _TAG.findall(html):
        if not part.startswith("<"):
            for piece in re.split("([\ue000-\ue005])", part):
                if piece in _OPENERS:
                    close(True)
                    mark, first, shown = _OPENERS[piece], True, False
                elif piece in _CLOSERS:
                    if mark != _CLOSERS[piece]:  # never written by _merge; ignored rather than trusted
                        continue
                    if not shown and not first:
                        out.append(_open_tag(mark, False) + _close_tag(mark, True))
                    elif shown:
                        close(True)
                    mark = None
                elif piece:
                    if mark and not shown and piece.strip():
                        out.append(_open_tag(mark, first))
                        depth, shown, first = len(stack), True, False
                    out.append(piece)
            continue
        name = re.match(r"</?([a-zA-Z0-9]+)", part)
        tag = name.group(1).lower() if name else ""
        if part.startswith("</"):
            if mark and shown and (tag in _BLOCK or tag not in stack[depth:]):
                close(False)
            if tag in stack:
                del stack[len(stack) - 1 - stack[::-1].index(tag)]
            out.append(part)
            continue
        if mark and shown and tag in _BLOCK:
            close(False)
        out.append(_clean_attributes(part))
        if tag not in _VOID and not part.endswith("/>"):
            stack.append(tag)
    if mark and shown:
        close(True)
    return "".join(out)
