"""Editorial or substantive: a change is "form only" when both texts are equal once typography, spacing (the space
before ; : ! ? included), Markdown emphasis and the numbering of headings, list markers and cross-references to
articles are set aside. Numbers, amounts, dates, durations, e-mail addresses, whole URLs and negations always
count: when in doubt, substantive.

Every expression here is linear: no two quantifiers that can match the same run (a 3 KB heading line once took
34 s), and the line structure is read with plain string tests.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from html import unescape

from cgu.redline.sections import HEADING_NUMBER

_REPLACED: dict[str | int, str | None] = {
    "’": "'",
    "‘": "'",
    "‚": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "«": '"',
    "»": '"',
    "…": "...",
    "–": "-",
    "—": "-",
    "‑": "-",
    "−": "-",
    "\r": "\n",
    **{code: None for code in range(0x20) if chr(code) not in "\t\n\r"},
    0x7F: None,
    **{ord(c): None for c in "\u200b\u200c\u200d\u2060\ufeff\u00ad\ufffd\u200e\u200f"},
}
_TYPOGRAPHY = str.maketrans(_REPLACED)
"""Curly quotes, dashes and ellipses made plain; zero-width characters, soft hyphens, U+FFFD and control characters
dropped (they change nothing a member reads)."""
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_OBFUSCATED_EMAIL = re.compile(r"(?<!\w)\w*\[email\s+protected\]")
"""Cloudflare's e-mail obfuscation, which changes on every capture of a page: never an address a member reads."""
_LINK = re.compile(
    r"(!?)\[([^\[\]\n]*)\]\([ \t]*(<[^<>\n]*>|(?:[^()\s]|\([^()\s]*\))*)"
    r"(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'))?[ \t]*\)"
)
_DEFINITION = re.compile(r"(?m)^ {0,3}\[([^\[\]\n]+)\]:[ \t]*(<[^<>\n]*>|\S+)")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*|[^<>\s@]+@[^<>\s]+)>")
_BARE_URL = re.compile(r"(?<![\w/])(?:https?://|www\.)[^\s<>()\[\]\"'\x00]+", re.IGNORECASE)
_BARE_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL_SCHEME = re.compile(r"(?:(?:https?|mailto|tel):)+(?://)?(?:www\.)?", re.IGNORECASE)


def _url_core(address: str) -> str:
    """An address without what does not change where it leads: scheme, `//`, `www.` and trailing `/?#`.

    The trailing part is stripped with `rstrip`, not a `[/?#]+$` alternative: `re.sub` tries that one at every
    position of a run of slashes, which made a 50 KB run take 45 s."""
    scheme = _URL_SCHEME.match(address)
    return address[scheme.end() if scheme else 0 :].rstrip("/?#")


_PROTECTED = re.compile(r"\x00(\d+)\x00")
_LIST_MARKER = re.compile(r"^[ \t]*(?:>[ \t]?)*(?:(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$))?")
"""Block quote markers and a list item's bullet or number: their style and numbering are form."""
_ITEM_NUMBER = re.compile(r"(?:^|(?<=\|))([ \t]*[*_]*)\d{1,9}(?:\.\d{1,9})*[*_]*[.)](?=[*_]*[ \t])")
"""A paragraph's or a cell's own numbering, closed by a dot or a parenthesis and followed by a space
("**2.1.10.** Le détail", "**8.7**. Vous", "| 3) Accéder"): renumbering, like a list's. "9.99 €", "2.5 %" and
"01.09.2025" are not."""
_CROSS_REFERENCE = re.compile(r"(?i)\b(art(?:icles?|\.)?)([ \t\u00a0]+)(\d+(?:\.\d+)*)\b")
_EMPHASIS = re.compile(r"[*`\"']+|_+")
_SPACE_BEFORE_PUNCTUATION = re.compile(r" (?=[;:!?])")
"""French typography's (narrow) no-break space before ; : ! ? (NFKC made it a space), or its absence: form."""


def normalize(text: str, articles: Mapping[str, str] | None = None) -> str:
    """Text without what does not change its meaning. `articles` maps an article number of this version to a key
    shared by both versions (the article it designates): "l'article 8" and "l'article 9" are equal when both
    designate the same, renumbered article."""
    text = unicodedata.normalize("NFKC", unescape(text).replace("\r\n", "\n")).translate(_TYPOGRAPHY)
    text = _ESCAPE.sub(r"\1", text)
    text = _OBFUSCATED_EMAIL.sub("[email protected]", text)
    kept: list[str] = []

    def keep(address: str) -> str:
        kept.append(address)
        return f"\x00{len(kept) - 1}\x00"

    def link(match: re.Match[str]) -> str:
        label, target = match.group(2), _url_core(match.group(3).strip("<>"))
        repeats = target.lower() in ("", _url_core(label).lower())
        return label if repeats else f"{match.group(1)}{label} {keep(target)}"

    text = _LINK.sub(link, text)
    text = _DEFINITION.sub(lambda m: f"[{m.group(1)}]: {keep(m.group(2).strip('<>'))}", text)
    text = _AUTOLINK.sub(lambda m: keep(_url_core(m.group(1))), text)
    text = _BARE_URL.sub(lambda m: keep(_url_core(m.group(0).rstrip(".,;:!?"))) + _trailing(m.group(0)), text)
    text = _BARE_EMAIL.sub(lambda m: keep(m.group(0)), text)
    lines = text.split("\n")
    out = []
    for index, line in enumerate(lines):
        if _is_rule(line):  # a setext underline, a thematic break, a table's delimiter row: form
            continue
        following = lines[index + 1] if index + 1 < len(lines) else ""
        atx = _atx_content(line)
        if atx is not None or (line.strip() and _is_underline(following)):
            line = HEADING_NUMBER.sub("", (line if atx is None else atx).strip().lstrip("*_"))
        else:
            line = line[_LIST_MARKER.match(line).end() :]  # type: ignore[union-attr]
            line = _ITEM_NUMBER.sub(r"\1", line.strip().strip("|"))
        out.append(line)
    text = "\n".join(out)
    if articles:
        text = _CROSS_REFERENCE.sub(
            lambda m: f"{m.group(1)} §{articles[m.group(3)]}" if m.group(3) in articles else m.group(0), text
        )
    text = _EMPHASIS.sub(lambda m: m.group(0) if _inside_word(text, m.start(), m.end()) else " ", text)
    text = _SPACE_BEFORE_PUNCTUATION.sub("", " ".join(text.split()))
    return _PROTECTED.sub(lambda m: f"<{kept[int(m.group(1))]}>", text)


def _inside_word(text: str, start: int, end: int) -> bool:
    """An underscore run between two letters or digits (`notice_2024`) is part of a name, not emphasis."""
    return text[start] == "_" and 0 < start and end < len(text) and text[start - 1].isalnum() and text[end].isalnum()


def _trailing(url: str) -> str:
    return url[len(url.rstrip(".,;:!?")) :]


def _atx_content(line: str) -> str | None:
    """The content of an ATX heading line (`## Titre ##` gives `Titre`), or None for any other line."""
    stripped = line.lstrip(" ")
    if len(line) - len(stripped) > 3 or not stripped.startswith("#"):
        return None
    level = len(stripped) - len(stripped.lstrip("#"))
    rest = stripped[level:]
    if level > 6 or (rest and rest[0] not in " \t"):
        return None
    rest = rest.rstrip()
    closing = rest.rstrip("#")
    if not closing or closing[-1] in " \t":
        rest = closing
    return rest.strip()


def _is_underline(line: str) -> bool:
    """A setext heading's underline: `===` or `---`, up to three spaces before, spaces after."""
    stripped = line.strip()
    return bool(stripped) and len(line) - len(line.lstrip(" ")) <= 3 and set(stripped) in ({"="}, {"-"})


def _is_rule(line: str) -> bool:
    """An underline, a thematic break (`***`, `- - -`) or a table's delimiter row (`|---|:--:|`)."""
    compact = line.replace(" ", "").replace("\t", "")
    if not compact:
        return False
    if set(compact) in ({"="}, {"-"}) or (len(compact) >= 3 and set(compact) in ({"*"}, {"_"})):
        return True
    return "-" in compact and set(compact) <= {"|", ":", "-"} and "|" in compact


def heading_number(title: str) -> str | None:
    """The number a heading gives its article ("8. Prix", "2.3 Durée", "Article 8 – Prix"), if it has one; a bare
    number ("2024 en bref") is none."""
    match = _ARTICLE_NUMBER.match(title)
    return next((group for group in match.groups() if group), None) if match else None


_ARTICLE_NUMBER = re.compile(
    r"\s*(?:(?i:article|chapitre|section|titre|partie)\s+(\d+(?:\.\d+)*)|(\d+(?:\.\d+)+)\.?(?=\s|$)|(\d+)[.)])"
)
