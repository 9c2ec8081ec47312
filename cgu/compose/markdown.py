"""The one Markdown renderer: tables on, raw HTML off, safe links, numbered sub-sections with stable anchors."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from cgu.articles import Section
from cgu.compose.french import NBSP, french_typography
from cgu.compose.markers import SHOWN

SAFE_SCHEMES = ("https:", "http:", "mailto:", "tel:")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
HTML_ELEMENTS = (
    "a abbr acronym address applet area article aside audio b base basefont bdi bdo bgsound big blink blockquote body "
    "br button canvas caption center cite code col colgroup data datalist dd del details dfn dialog dir div dl dt em "
    "embed fieldset figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i "
    "iframe image img input ins isindex kbd keygen label legend li link listing main map mark marquee math menu "
    "menuitem meta meter nav nobr noembed noframes noscript object ol optgroup option output p param picture "
    "plaintext portal pre progress q rb rp rt rtc ruby s samp script search section select slot small source span "
    "strike strong style sub summary sup svg table tbody td template textarea tfoot th thead time title tr track tt u "
    "ul var video wbr xmp"
).split()
"""Every HTML element name, current or obsolete: any is raw HTML in a clause (a placeholder like <nom> is not)."""
_RAW_TAG = r"(?i)</?(?:" + "|".join(sorted(HTML_ELEMENTS, key=len, reverse=True)) + r")(?=[\s/>]|$)[^>]*>?"
"""An element's tag, any case: compiled when a clause is first checked (`re`'s cache), since compiling it (142 names
in one alternation, case-folded) costs more than any other pattern of a run, and a redline of two files checks no
clause."""
_FAILED_LINK = re.compile(r"(?:(!)\[[^\[\]\n]*)?\]\(\s*<?\s*([^\s>]+)")  # alt text stops at '[': linear
"""What is left as text of `[text](target)` or `![alt](target)` when the target was refused."""
_FAILED_DEFINITION = re.compile(r"(?m)^ {0,3}\[[^\]\n]+\]:[ \t]*<?([^\s>]+)")
"""What is left as text of a reference definition `[label]: target` when the target was refused."""
_FAILED_AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^\s<>]*)>")
_ESCAPED = "\x00"
"""Stands for a backslash-escaped character (what organism values are made of) in the text that is checked."""


_DOCUMENT_LINK = re.compile(r"#([a-z]+):([a-z0-9][a-z0-9-]*)")
"""`#privacy:cookies`: what `ref_doc('privacy', 'cookies')` links to, an article of the organism's other document.
No anchor of a page has a colon, so it can never be mistaken for one; each page resolves it where it lives."""


def document_link(kind: str, clause_id: str) -> str:
    """The link target of an article of another document of the same organism (resolved when a page is rendered)."""
    return f"#{kind}:{clause_id}"


def linked_document(href: str) -> tuple[str, str] | None:
    """(document kind, clause id) when `href` points at another document's article (`#privacy:cookies`), else None."""
    found = _DOCUMENT_LINK.fullmatch(href)
    return (found.group(1), found.group(2)) if found else None


def _validate_link(url: str) -> bool:
    """Links may be web, mail or phone addresses, or in-page anchors; nothing else becomes a link."""
    lowered = url.strip().lower()
    return (
        lowered.startswith(SAFE_SCHEMES)
        or lowered.startswith("#")
        or not _SCHEME.match(lowered)
        and not lowered.startswith("//")
    )


def _unescaped_text(state: StateCore) -> None:
    """Before escapes are merged into the text: keep, per inline run, its text with each escaped character masked.

    Checks for raw HTML and refused links read this, so an escaped organism value ("Acme <b>") prints as written
    and is never mistaken for markup written in the clause.
    """
    for token in state.tokens:
        if token.type == "inline" and token.children:
            parts = []
            for child in token.children:
                if child.type == "text" or child.type == "text_special" and child.info != "escape":
                    parts.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    parts.append("\n")
                else:
                    parts.append(_ESCAPED)
            token.meta["unescaped"] = "".join(parts)


def _highlight_to_complete(state: StateCore) -> None:
    """Every "[à compléter : question]" in the text becomes `<mark class="a-completer">`: a gap no reader can miss."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        children: list[Token] = []
        for child in token.children:
            if child.type != "text" or not SHOWN.search(child.content):
                children.append(child)
                continue
            start = 0
            for found in SHOWN.finditer(child.content):
                children.append(Token("text", "", 0, content=child.content[start : found.start()]))
                children.append(Token("html_inline", "", 0, content='<mark class="a-completer">'))
                children.append(Token("text", "", 0, content=found.group(0)))
                children.append(Token("html_inline", "", 0, content="</mark>"))
                start = found.end()
            children.append(Token("text", "", 0, content=child.content[start:]))
        token.children = children


_APOSTROPHE_BEFORE_LINK = re.compile(r"(?<=[^\W\d_])'$")


def _french_typography(state: StateCore) -> None:
    """French typography on the text a reader reads; code, link targets, attributes and autolinks stay as written.

    A line the writer began with `;` `:` `!` `?` or `»` is joined to the word before it (the Harmonie CGU had a
    line starting with "; l'Organisme")."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        children: list[Token] = []
        in_autolink = 0
        for child in token.children:
            if child.type == "link_open" and children and children[-1].type == "text":
                # "à l'[article 9](#x)": the apostrophe ends its text run, so no letter follows it there
                children[-1].content = _APOSTROPHE_BEFORE_LINK.sub("\u2019", children[-1].content)
            if child.type == "link_open" and child.markup == "autolink":
                in_autolink += 1
            elif child.type == "link_close" and child.markup == "autolink":
                in_autolink -= 1
            elif child.type == "text" and not in_autolink:
                child.content = french_typography(child.content)
                if child.content[:1] in (";", ":", "!", "?", "»") and children and children[-1].type == "softbreak":
                    children[-1] = Token("text", "", 0, content="")
                    child.content = french_typography(NBSP + child.content)
            children.append(child)
        token.children = children


def _parser(french: bool = True) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    md.validateLink = _validate_link  # type: ignore[method-assign]  # markdown-it-py's documented hook
    md.core.ruler.before("text_join", "cgu_unescaped_text", _unescaped_text)
    md.core.ruler.after("text_join", "cgu_to_complete", _highlight_to_complete)
    if french:
        md.core.ruler.after("cgu_to_complete", "cgu_french_typography", _french_typography)
    return md


MARKDOWN = _parser()
PLAIN_MARKDOWN = _parser(french=False)
"""For a clause in another language than French: no French spacing before `;:!?`."""


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


def render_markdown(body: str, article_id: str, article_number: int, french: bool = True) -> RenderedMarkdown:
    """Render a clause body: `##` headings become numbered h3 sub-sections, deeper ones h4-h6."""
    parser = MARKDOWN if french else PLAIN_MARKDOWN
    tokens = parser.parse(body)
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
            _refuse_markup(token.meta.get("unescaped", ""), line, refused)
    html = parser.renderer.render(tokens, parser.options, {})
    return RenderedMarkdown(html, tuple(sections), tuple(refused))


def _refuse_unsafe(children: list[Token], line: int, refused: list[tuple[int, str]]) -> None:
    for child in children:
        if child.type == "image":
            src = str(child.attrGet("src") or "")
            if _SCHEME.match(src) or src.startswith(("/", "\\")) or ".." in src.split("/"):
                refused.append(
                    (
                        line,
                        f"image {src!r} must be a relative path inside the project (no web address, no absolute path)",
                    )
                )
                child.attrSet("src", "")


def _refuse_markup(text: str, line: int, refused: list[tuple[int, str]]) -> None:
    """Links whose target was refused (they would print as text) and raw HTML, in the text the clause wrote."""
    found: list[tuple[int, str]] = []
    for match in _FAILED_LINK.finditer(text):
        target = _destination(match.group(2))
        if not _validate_link(target):
            what = "image" if match.group(1) else "link"
            found.append(
                (
                    match.start(),
                    f"{what} {target!r} has a forbidden scheme; "
                    + ("an image must be a relative path inside the project" if match.group(1) else _LINKS_ALLOWED),
                )
            )
    for match in _FAILED_DEFINITION.finditer(text):
        if not _validate_link(match.group(1)):
            found.append((match.start(), f"link {match.group(1)!r} has a forbidden scheme; {_LINKS_ALLOWED}"))
    for match in _FAILED_AUTOLINK.finditer(text):
        if not _validate_link(match.group(1)):
            found.append((match.start(), f"link {match.group(1)!r} has a forbidden scheme; {_LINKS_ALLOWED}"))
    if (tag := re.search(_RAW_TAG, text)) is not None:
        found.append((tag.start(), f"raw HTML {tag.group(0)!r} is not allowed in a clause; write Markdown instead"))
    if (comment := text.find("<!--")) >= 0:
        found.append(
            (
                comment,
                (
                    "HTML comment '<!--' is not allowed in a clause (it would print as text); "
                    "use a Jinja comment {# ... #}"
                ),
            )
        )
    for start, message in sorted(found):
        if (
            where := (line + text.count("\n", 0, start), message)
        ) not in refused:  # `[a](<javascript:x>)` is one mistake
            refused.append(where)


def _destination(text: str) -> str:
    """A link target up to the parenthesis that closes the link (targets may hold balanced ones)."""
    depth = 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return text[:index]
            depth -= 1
    return text


_LINKS_ALLOWED = "links may only be https:, http:, mailto:, tel: or #anchors"
