"""The one Markdown renderer: tables on, raw HTML off, safe links, numbered sub-sections with stable anchors."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

from cgu.model import Section

SAFE_SCHEMES = ("https:", "http:", "mailto:", "tel:")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_RAW_TAG = re.compile(r"</?(?:script|style|iframe|object|embed|img|a|div|span|p|b|i|u|br|table|form|input|svg|math|link|meta)\b[^>]*>?", re.I)


def _validate_link(url: str) -> bool:
    """Links may be web, mail or phone addresses, or in-page anchors; nothing else becomes a link."""
    lowered = url.strip().lower()
    return lowered.startswith(SAFE_SCHEMES) or lowered.startswith("#") or not _SCHEME.match(lowered) and not lowered.startswith("//")


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    md.validateLink = _validate_link
    return md


MARKDOWN = _parser()


@dataclass(frozen=True)
class RenderedMarkdown:
    """HTML of a clause body, its numbered sub-sections, and what was refused (line offsets in the body)."""

    html: str
    sections: tuple[Section, ...]
    refused: tuple[tuple[int, str], ...]


def slugify(text: str) -> str:
    """A stable ASCII anchor from a heading: accents dropped, words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "section"


def render_markdown(body: str, article_id: str, article_number: int) -> RenderedMarkdown:
    """Render a clause body: `##` headings become numbered h3 sub-sections, deeper ones h4-h6."""
    tokens = MARKDOWN.parse(body)
    sections: list[Section] = []
    refused: list[tuple[int, str]] = []
    seen: set[str] = set()
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            level = int(token.tag[1])
            inline = tokens[index + 1]
            title = inline.content.strip()
            anchor = f"{article_id}--{slugify(title)}"
            while anchor in seen:
                anchor += "-2"
            seen.add(anchor)
            shown_level = min(6, max(3, level + 1))
            token.tag = tokens[index + 2].tag = f"h{shown_level}"
            token.attrSet("id", anchor)
            if shown_level == 3:
                number = f"{article_number}.{sum(1 for s in sections if s.level == 3) + 1}"
                sections.append(Section(anchor, number, title, 3))
                inline.children = [Token("text", "", 0, content=f"{number}. "), *(inline.children or [])]
        if token.type == "inline" and token.children:
            line = token.map[0] if token.map else 0
            _refuse_unsafe(token.children, line, refused)
    html = MARKDOWN.renderer.render(tokens, MARKDOWN.options, {})
    return RenderedMarkdown(html, tuple(sections), tuple(refused))


def _refuse_unsafe(children: list[Token], line: int, refused: list[tuple[int, str]]) -> None:
    for child in children:
        if child.type == "image":
            src = str(child.attrGet("src") or "")
            if _SCHEME.match(src) or src.startswith(("/", "\\")) or ".." in src.split("/"):
                refused.append((line, f"image {src!r} must be a relative path inside the project (no web address, no absolute path)"))
                child.attrSet("src", "")
        elif child.type == "text" and re.search(r"\]\((?:javascript|vbscript|data|file):", child.content, re.I):
            refused.append((line, "link with a forbidden scheme (javascript:, data:, file:...); use https:, mailto: or tel:"))
        elif child.type == "text" and (tag := _RAW_TAG.search(child.content)):
            refused.append((line, f"raw HTML {tag.group(0)!r} is not allowed in a clause; write Markdown instead"))
