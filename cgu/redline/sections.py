"""Split any Markdown file into sections on its headings, so two legacy documents can be aligned and compared."""

from __future__ import annotations

import re
from collections import Counter

from markdown_it import MarkdownIt
from markdown_it.token import Token

from cgu.articles import Article, SourceLocation
from cgu.compose.markdown import MARKDOWN, slugify

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
"""A line as the Markdown parser counts them: only CR, LF and CRLF end a line (not U+2028 or form feeds)."""
HEADING_NUMBER = re.compile(
    r"^\s*(?:(?i:article|chapitre|section|titre|partie)\s+[\dIVXLC]+(?:\.\d+)*\.?|\d+(?:\.\d+)+\.?"
    r"|(?:\d+|[IVXLC]+|[A-Za-z])[.)])\s*[-–—:]?\s*"
)
"""Leading numbering of a heading: "1.", "2.3", "IV)", "b.", "Article 3 –"; a bare number ("2024 en bref") stays."""


_BLOCKS = MarkdownIt("commonmark", {"html": False}).enable("table").disable("inline")
"""The renderer's block grammar alone: where headings are needs no inline parse (half the time on 100 KB)."""


def heading_id(title: str) -> str:
    """A stable id from a heading, its numbering dropped: "1\\. Généralités" and "2. Généralités" give `generalites`."""
    cleaned = HEADING_NUMBER.sub("", title.replace("\\", "")) or title
    return slugify(cleaned)


def split_markdown(text: str, source: str) -> tuple[Article, ...]:
    """Sections of a Markdown text on its top-level headings, as CommonMark reads them (ATX, setext, a bold line
    underlined); each keeps its raw text (heading lines included), so joining them gives the text back."""
    lines = _LINE.findall(text)
    tokens = _BLOCKS.parse(text)
    starts: list[tuple[int, str | None]] = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.level == 0 and token.map:
            starts.append((token.map[0], _plain(tokens[index + 1].content)))
    bounds = ([(0, None)] if not starts or starts[0][0] > 0 else []) + starts
    seen: Counter[str] = Counter()
    sections = []
    for number, (start, title) in enumerate(bounds, start=1):
        end = bounds[number][0] if number < len(bounds) else len(lines)
        base = "preambule" if title is None else heading_id(title)
        seen[base] += 1
        identifier = base if seen[base] == 1 else f"{base}-{seen[base]}"
        sections.append(
            Article(
                number,
                identifier,
                "Préambule" if title is None else title,
                "".join(lines[start:end]),
                "",
                True,
                SourceLocation(source, start + 1),
            )
        )
    return tuple(sections)


def _plain(inline: str) -> str:
    """A heading's inline content as the reader sees it: text without emphasis, escapes or link syntax."""
    parts = []
    children: list[Token] = next((t.children or [] for t in MARKDOWN.parseInline(inline) if t.type == "inline"), [])
    for child in children:
        if child.type in ("text", "text_special", "code_inline", "image"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return re.sub(r"\s+", " ", "".join(parts)).strip()
