"""French wording of values: dates through Babel's CLDR data, lists, addresses and phone numbers."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import Any

from cgu.compose.markers import question_of, shown

LOCALE = "fr_FR"


def french_date(value: dt.date | str) -> str:
    """'1er juin 2024': CLDR's long date, with the ordinal French uses for the first of the month."""
    from babel.dates import format_date  # babel's locale data: only where a date is written (not in `cgu redline`)

    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    text = format_date(day, format="long", locale=LOCALE)
    return re.sub(r"^1 ", "1er ", text)


def join_french(items: Iterable[Any]) -> str:
    """['a', 'b', 'c'] -> 'a, b et c' (CLDR list pattern)."""
    from babel.lists import format_list

    values = [str(item) for item in items]
    return format_list(values, locale=LOCALE) if values else ""


def one_line_address(address: Any) -> str:
    """An address mapping on one line: '3 square Max Hymans, 75015 Paris, France'."""
    if not isinstance(address, dict):
        return str(address)
    town = " ".join(fact_text(address[k]) for k in ("postal_code", "city") if address.get(k))
    parts = [address.get("street"), address.get("complement"), address.get("po_box"), town, address.get("country")]
    return ", ".join(fact_text(p) for p in parts if p)


def fact_text(value: Any) -> str:
    """A value as it prints, or, for a fact left to be completed, its bracketed question."""
    question = question_of(value)
    return str(value) if question is None else shown(question)


def phone_number(value: Any) -> str:
    """A phone number with non-breaking spaces between groups, so it never breaks across lines."""
    return re.sub(r"\s+", "\u00a0", str(value).strip())


_ASPIRATED_H = ("hainaut", "hall", "hameau", "handicap", "hasard", "haut", "héros", "hollande", "hongrie", "honte")
"""Words whose h is aspirated: no elision before them ("de Hainaut Santé", not "d'Hainaut")."""
_VOWEL = r"(?i)^[aeiouyàâäéèêëîïôöûüÿœæ]"
"""Compiled when a phrase is first elided (`re`'s cache): a redline never elides."""


def elides(phrase: str) -> bool:
    """Whether a word ending in a mute e elides before `phrase`: it starts with a vowel or a mute h."""
    word = phrase.strip()
    if word[:1].lower() == "h":
        return not word.lower().startswith(_ASPIRATED_H)
    return bool(re.match(_VOWEL, word))


def elide(word: str, phrase: Any) -> str:
    """`word` ("de", "que", "le", "la", "ce") followed by `phrase`, elided where French elides: "qu'Harmonie"."""
    text = str(phrase).strip()
    if word.lower() in ("de", "que", "le", "la", "ce", "je", "me", "ne", "se", "te", "jusque", "lorsque", "puisque"):
        if elides(text):
            return f"{word[:-1]}'{text}"
    return f"{word} {text}"


def _contracted(phrase: Any, with_le: str, with_les: str, otherwise: Callable[[str], str]) -> str:
    """A preposition before a noun phrase: its contracted form before le and les, else `otherwise(phrase)`."""
    text = str(phrase).strip()
    lowered = text.lower()
    if lowered.startswith("le "):
        return f"{with_le} {text[3:]}"
    if lowered.startswith("les "):
        return f"{with_les} {text[4:]}"
    return otherwise(text)


def with_de(phrase: Any) -> str:
    """The preposition de before a noun phrase: du (de + le), des (de + les), d' (vowel, mute h), de (la, l', names)."""
    return _contracted(phrase, "du", "des", lambda text: elide("de", text))


def with_a(phrase: Any) -> str:
    """The preposition à before a noun phrase: au (à + le), aux (à + les), à (la, l', names)."""
    return _contracted(phrase, "au", "aux", lambda text: f"à {text}")


def capitalized(text: Any) -> str:
    """The first letter in capital, the rest untouched (Jinja's `capitalize` lowers the rest: 'Le cetip')."""
    value = str(text)
    return value[:1].upper() + value[1:]


DOCUMENT_HEADS = ("règlement", "contrat", "code", "guide", "livret", "accord", "avis")
"""First words of a document title that are masculine (le Règlement…); other titles are a Politique, une Charte…"""


def document_phrase(title: str) -> str:
    """A document's title as a noun phrase with its article: "la Politique de confidentialité", "les Conditions
    générales d'utilisation" (a plural first word), "l'Avis…" (elided), "le Règlement…"."""
    first = title.split(" ", 1)[0].lower()
    if first.endswith(("s", "x")) and first not in DOCUMENT_HEADS:  # "avis" is singular
        return f"les {title}"
    if elides(title):
        return f"l'{title}"
    return f"{'le' if first in DOCUMENT_HEADS else 'la'} {title}"


ARTICLES = ("le", "la", "les", "l'")
GENDERS = {"masculin": "m", "féminin": "f"}


def named(party: Any, short: bool = False) -> str:
    """A party's name as a noun phrase, with the article its `article` key gives: "le CETIP", "Harmonie Mutuelle"."""
    name = str(party.get("short_name") if short and party.get("short_name") else party.get("name", ""))
    article = party.get("article")
    if article is None:
        return name
    if article not in ARTICLES:
        raise ValueError(f"article {article!r} must be one of {', '.join(ARTICLES)}")
    return f"{article}{name}" if article == "l'" else f"{article} {name}"


MASCULINE_HEADS = ("groupe", "groupement", "institut", "centre", "cabinet", "office", "syndicat", "service")
"""First words that make a name masculine (le Groupe X); any other name is said as a company or mutuelle is: elle."""


def gender_and_number(party: Any) -> tuple[str, bool]:
    """('m' or 'f', plural) from a party's `gender` (masculin, féminin), else its `article` (le, la, les), else its
    first word (Groupe, Institut... are masculine), else feminine, as French speaks of a société or a mutuelle."""
    article, gender = party.get("article"), party.get("gender")
    plural = article == "les"
    if gender is not None:
        if gender not in GENDERS:
            raise ValueError(f"gender {gender!r} must be masculin or féminin")
        return GENDERS[gender], plural
    if article in ("le", "la"):
        return ("m" if article == "le" else "f"), plural
    first = str(party.get("name", "")).split(" ", 1)[0].lower()
    return ("m" if first in MASCULINE_HEADS else "f"), plural


PRONOUNS = {"sujet": ("il", "elle", "ils", "elles"), "tonique": ("lui", "elle", "eux", "elles")}
"""Subject pronouns (il est tenu) and stressed ones, after a preposition (avec lui, pour elle)."""


def pronoun(party: Any, form: str = "sujet") -> str:
    """The pronoun standing for a party's name: `sujet` (il, elle, ils, elles) or `tonique` (lui, elle, eux, elles)."""
    gender, plural = gender_and_number(party)
    if form not in PRONOUNS:
        raise ValueError(f"pronoun form {form!r} must be one of {', '.join(PRONOUNS)}")
    return PRONOUNS[form][(gender == "f") + 2 * plural]


def agree(word: str, party: Any) -> str:
    """A regular adjective or past participle agreeing with a party's name: tenu -> tenue, tenus, tenues."""
    gender, plural = gender_and_number(party)
    if gender == "f" and not word.endswith("e"):
        word += "e"
    if plural and not word.endswith(("s", "x")):
        word += "s"
    return word


NARROW_NBSP = "\u202f"
"""Before ; ! ? (espace fine insécable)."""
NBSP = "\u00a0"
"""Before : and inside « » (espace insécable)."""
_ADDRESS = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://|www\.|mailto:|tel:)(?:[^\s<>]*[^\s<>.,;:!?)»])?|[\w.+'-]+@[\w-]+(?:\.[\w-]+)+"
    r"|&(?:#[0-9]{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});",
    re.IGNORECASE,
)
"""Web and e-mail addresses written as text, without the punctuation closing the sentence, and what reads as a
character reference (`&amp;`, `&#39;`): printed as written (a space before its `;` would change what it says)."""
_SPACES = "[ \t\u00a0\u202f]"
_BEFORE_HIGH = re.compile(rf"(?:{_SPACES}+|(?<=[\w\])»…%€$]))([;!?]+)(?=[\s)\]»,.;:!?]|$)")
"""A ; ! or ? closing a word or after spaces, and followed by a space or the end: not `?q=1` nor `!important`."""
_BEFORE_COLON = re.compile(rf"(?:{_SPACES}+|(?<=[^\W\d]|[\])»…%€]))(:)(?=\s|$)")
"""A colon after a word (not a number: `10:30` and `3:1` are followed by a digit anyway) and before a space."""
_OPENING = re.compile(rf"«{_SPACES}*")
_CLOSING = re.compile(rf"{_SPACES}*»")
_APOSTROPHE = re.compile(r"(?<=[^\W\d_])'(?=[^\W_]|«)")
"""A straight apostrophe between a letter and a letter or digit ("l'Organisme", "aujourd'hui", "l'an 2000")."""


def french_typography(text: str) -> str:
    """French typography on a run of prose: narrow no-break space before ; ! ?, no-break space before : and inside
    « », typographic apostrophe. Web and e-mail addresses are left as written, and so are numbers (`10:30`).

    Apply it to text only (Markdown text tokens, template strings), never to code, link targets or attributes."""
    parts: list[str] = []
    start = 0
    for found in _ADDRESS.finditer(text):
        parts.append(_prose(text[start : found.start()]))
        parts.append(found.group(0))
        start = found.end()
    parts.append(_prose(text[start:]))
    return "".join(parts)


def _prose(text: str) -> str:
    if not text:
        return text
    text = _APOSTROPHE.sub("\u2019", text)
    text = _BEFORE_HIGH.sub(lambda m: NARROW_NBSP + m.group(1), text)
    text = _BEFORE_COLON.sub(NBSP + ":", text)
    text = _OPENING.sub("«" + NBSP, text)
    return _CLOSING.sub(NBSP + "»", text)


FRENCH_MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
_FIRST_OF_MONTH = rf"\b1er(?=(?:[ \u00a0\u202f]|&nbsp;|&#160;)+(?:{FRENCH_MONTHS})\b)"
""""1er" in a date (le 1er juin 2024): French typography writes its "er" as a superior letter. Compiled when a page
or a Word document is first written (`re`'s cache), as `_NOT_TEXT`: a redline writes neither."""
_NOT_TEXT = r"(?si)<!--.*?-->|<(script|style|title|textarea|pre|code|sup)\b[^>]*>.*?</\1\s*>|<[^>]*>"
"""What of an HTML page is not running text: tags (their attributes), comments, and the elements whose text is code,
a title bar's or already superior."""


def ordinal_pieces(text: str) -> list[tuple[str, bool]]:
    """Plain `text` cut around the "er" of each date's "1er" (le 1er juin 2024): (piece, superior) pairs, the "er"
    pieces superior, for a format that writes them as runs (a Word document), as `superior_ordinals` does in HTML."""
    pieces: list[tuple[str, bool]] = []
    start = 0
    for found in re.finditer(_FIRST_OF_MONTH, text):
        pieces += [(text[start : found.start() + 1], False), ("er", True)]
        start = found.end()
    if start < len(text) or not pieces:
        pieces.append((text[start:], False))
    return pieces


def superior_ordinals(html: str) -> str:
    """An HTML page with "1er" of each date written `1<sup>er</sup>` in its text, as French typography prints it
    (Imprimerie nationale: "1er" with a superior "er"). Attributes (a `<meta>` description), the `<title>`, code and
    the text of scripts and styles keep "1er" as written; a page's plain text (a PDF footer's `string-set`) reads
    "1er" still."""
    parts: list[str] = []
    start = 0
    first_of_month = re.compile(_FIRST_OF_MONTH)
    for found in re.finditer(_NOT_TEXT, html):
        parts.append(first_of_month.sub("1<sup>er</sup>", html[start : found.start()]))
        parts.append(found.group(0))
        start = found.end()
    parts.append(first_of_month.sub("1<sup>er</sup>", html[start:]))
    return "".join(parts)
