"""Split any Markdown file into sections on its headings, so two legacy documents can be aligned and compared."""

from __future__ import annotations

import re
from collections import Counter

from cgu.compose.markdown import slugify
from cgu.model import Article, SourceLocation

_ATX = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_NUMBERING = re.compile(
    r"^\s*(?:(?i:article|chapitre|section|titre)\s+[\dIVXLC]+(?:\.\d+)*\.?|\d+(?:\.\d+)+\.?"
    r"|(?:\d+|[IVXLC]+|[A-Za-z])[.)])\s*[-–—:]?\s*"
)
"""Leading numbering of a heading: "1.", "2.3", "IV)", "b.", "Article 3 –"; a bare number ("2024 en bref") stays."""


def heading_id(title: str) -> str:
    """A stable id from a heading, its numbering dropped: "1\\. Généralités" and "2. Généralités" give `generalites`."""
    cleaned = _NUMBERING.sub("", title.replace("\\", "")) or title
    return slugify(cleaned)


def split_markdown(text: str, source: str) -> tuple[Article, ...]:
    """Sections of a Markdown text; each keeps its raw text (heading line included), so joining them gives the text back."""
    lines = text.splitlines(keepends=True)
    starts: list[tuple[int, str]] = []
    fence = ""
    for index, line in enumerate(lines):
        if match := _FENCE.match(line):
            marker = match.group(1)
            fence = "" if fence and marker.startswith(fence[0]) and len(marker) >= len(fence) else fence or marker
            continue
        if fence:
            continue
        if match := _ATX.match(line):
            starts.append((index, match.group(2)))
        elif (
            index > 0
            and _SETEXT.match(line)
            and lines[index - 1].strip()
            and not _ATX.match(lines[index - 1])
            and not (line.strip().startswith("-") and lines[index - 1].lstrip().startswith(("-", "*", "|")))
        ):
            starts.append((index - 1, lines[index - 1].strip()))
    starts = [s for i, s in enumerate(starts) if i == 0 or s[0] != starts[i - 1][0]]
    bounds = ([(0, "Préambule")] if not starts or starts[0][0] > 0 else []) + starts
    seen: Counter[str] = Counter()
    sections = []
    for number, (start, title) in enumerate(bounds, start=1):
        end = bounds[number][0] if number < len(bounds) else len(lines)
        base = (
            "preambule"
            if start == 0 and title == "Préambule" and not _ATX.match(lines[0] if lines else "")
            else heading_id(title)
        )
        seen[base] += 1
        identifier = base if seen[base] == 1 else f"{base}-{seen[base]}"
        shown = re.sub(r"\\(.)", r"\1", title).strip()
        sections.append(
            Article(number, identifier, shown, "".join(lines[start:end]), "", True, SourceLocation(source, start + 1))
        )
    return tuple(sections)
