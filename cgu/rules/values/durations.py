"""Durations as people write them ("25 jours", "2 min 30 s", "1 an", "session"; in Dutch "13 maanden", "1 jaar",
"sessie"; in German "13 Monate", "1 Jahr", "Sitzung"), parsed to compare with legal limits.

Months and years stay months: the CNIL limits are written in months ("13 mois"), so "13 mois" and "1 an"
are compared as calendar months, never converted to 395.7 or 365.25 days. Days, hours, minutes and seconds
are compared with a limit in months through the average month (365.25 / 12 = 30.4375 days): "395 jours"
passes the 13-month limit (12.98 months) and "396 jours" does not (13.01). That is the reading of
"treize mois" most tools use; a cookie set for 395 days expires, whatever the day it was set, before
13 calendar months plus two days have passed.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

UNITS: dict[str, tuple[str, int]] = {
    "s": ("seconds", 1),
    "sec": ("seconds", 1),
    "seconde": ("seconds", 1),
    "secondes": ("seconds", 1),
    "min": ("seconds", 60),
    "mn": ("seconds", 60),
    "minute": ("seconds", 60),
    "minutes": ("seconds", 60),
    "h": ("seconds", 3600),
    "heure": ("seconds", 3600),
    "heures": ("seconds", 3600),
    "j": ("days", 1),
    "jour": ("days", 1),
    "jours": ("days", 1),
    "semaine": ("days", 7),
    "semaines": ("days", 7),
    "mois": ("months", 1),
    "an": ("months", 12),
    "ans": ("months", 12),
    "année": ("months", 12),
    "années": ("months", 12),
}
NUMBER_WORDS = {
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quinze": 15,
    "vingt": 20,
    "trente": 30,
}
SESSION_WORDS = ("session", "durée de la connexion", "le temps de la connexion", "fermeture du navigateur")
ENDLESS_WORDS = ("persistant", "permanent", "illimité", "indéfini", "sans limite")
DAYS_PER_MONTH = 365.25 / 12
"""The average month, used only to compare days or seconds with a limit in months."""
MAX_MONTHS = 12_000
"""No cookie or retention period lasts a thousand years: a longer duration is a typing mistake (or an attack on
the tools that read it: '1' followed by 400 zeros days is infinite as a float, and Infinity is not JSON)."""

_SECONDS, _MINUTES, _HOURS = ("seconds", 1), ("seconds", 60), ("seconds", 3600)
_DAYS, _WEEKS, _MONTHS, _YEARS = ("days", 1), ("days", 7), ("months", 1), ("months", 12)


@dataclass(frozen=True)
class Vocabulary:
    """How one language writes a duration: what `parse_duration` reads and `format_duration` writes in it."""

    units: dict[str, tuple[str, int]]
    numbers: dict[str, int]
    session: tuple[str, ...]
    endless: tuple[str, ...]
    leads: str
    """A regular expression of the words before the amount ("pendant", "gedurende", "höchstens")."""
    conjunction: str
    """"et", "en", "und": between two parts ("1 an et 6 mois")."""
    hint: str
    year: tuple[str, str]
    month: tuple[str, str]
    day: tuple[str, str]
    session_word: str

    @functools.cached_property
    def part(self) -> re.Pattern[str]:
        numbers = r"\d+(?:[.,]\d+)?|(?:" + "|".join(sorted(self.numbers, key=len, reverse=True)) + r")\b"
        return re.compile(rf"\s*(?:{self.conjunction}\s+|,\s*)?({numbers})\s*(?:\(\s*\d+\s*\)\s*)?([a-zäöüßéèë]+)\b\.?")

    @functools.cached_property
    def lead(self) -> re.Pattern[str]:
        return re.compile(rf"\s*(?:{self.leads})\s+")


VOCABULARIES: dict[str, Vocabulary] = {
    "fr": Vocabulary(
        UNITS,
        NUMBER_WORDS,
        SESSION_WORDS,
        ENDLESS_WORDS,
        r"pendant|durant|jusqu'à|au plus|au maximum|maximum|max\.?",
        "et",
        "write it like '30 min', '2 min 30 s', '25 jours', '13 mois', '1 an' or 'session'",
        ("an", "ans"),
        ("mois", "mois"),
        ("jour", "jours"),
        "session",
    ),
    "nl": Vocabulary(
        {
            **dict.fromkeys(("s", "sec", "seconde", "seconden"), _SECONDS),
            **dict.fromkeys(("min", "minuut", "minuten"), _MINUTES),
            **dict.fromkeys(("h", "u", "uur", "uren"), _HOURS),
            **dict.fromkeys(("d", "dag", "dagen"), _DAYS),
            **dict.fromkeys(("week", "weken"), _WEEKS),
            **dict.fromkeys(("maand", "maanden"), _MONTHS),
            **dict.fromkeys(("jaar", "jaren"), _YEARS),
        },
        {
            "een": 1,
            "één": 1,
            "twee": 2,
            "drie": 3,
            "vier": 4,
            "vijf": 5,
            "zes": 6,
            "zeven": 7,
            "acht": 8,
            "negen": 9,
            "tien": 10,
            "elf": 11,
            "twaalf": 12,
            "dertien": 13,
            "vijftien": 15,
            "twintig": 20,
            "dertig": 30,
        },
        ("sessie", "duur van de verbinding", "sluiten van de browser"),
        ("permanent", "onbeperkt", "onbepaald", "zonder limiet", "zonder einde"),
        r"gedurende|tijdens|tot|ten hoogste|hoogstens|maximaal|max\.?",
        "en",
        "write it like '30 min', '2 min 30 s', '25 dagen', '13 maanden', '1 jaar' or 'sessie'",
        ("jaar", "jaar"),
        ("maand", "maanden"),
        ("dag", "dagen"),
        "sessie",
    ),
    "de": Vocabulary(
        {
            **dict.fromkeys(("s", "sek", "sekunde", "sekunden"), _SECONDS),
            **dict.fromkeys(("min", "minute", "minuten"), _MINUTES),
            **dict.fromkeys(("h", "std", "stunde", "stunden"), _HOURS),
            **dict.fromkeys(("tag", "tage", "tagen"), _DAYS),
            **dict.fromkeys(("woche", "wochen"), _WEEKS),
            **dict.fromkeys(("monat", "monate", "monaten"), _MONTHS),
            **dict.fromkeys(("jahr", "jahre", "jahren"), _YEARS),
        },
        {
            "ein": 1,
            "eine": 1,
            "einen": 1,
            "einem": 1,
            "zwei": 2,
            "drei": 3,
            "vier": 4,
            "fünf": 5,
            "sechs": 6,
            "sieben": 7,
            "acht": 8,
            "neun": 9,
            "zehn": 10,
            "elf": 11,
            "zwölf": 12,
            "dreizehn": 13,
            "fünfzehn": 15,
            "zwanzig": 20,
            "dreißig": 30,
        },
        ("sitzung", "dauer der verbindung", "schließen des browsers"),
        ("dauerhaft", "permanent", "unbegrenzt", "unbefristet", "ohne begrenzung"),
        r"während|für|bis zu|höchstens|maximal|max\.?",
        "und",
        "write it like '30 min', '2 min 30 s', '25 Tage', '13 Monate', '1 Jahr' or 'Sitzung'",
        ("Jahr", "Jahre"),
        ("Monat", "Monate"),
        ("Tag", "Tage"),
        "Sitzung",
    ),
}
"""Each language's duration words: French, Dutch and German (docs/languages.md)."""


def vocabulary(language: str) -> Vocabulary:
    """The duration words of a language; an unknown language is an error naming the known ones."""
    if language not in VOCABULARIES:
        raise ValueError(f"no duration words for language {language!r}; known: {', '.join(VOCABULARIES)}")
    return VOCABULARIES[language]


@dataclass(frozen=True, order=True)
class Duration:
    """A duration in months, days and seconds kept apart, or the browser session."""

    months: float = 0
    days: float = 0
    seconds: float = 0
    session: bool = False

    def in_months(self) -> float:
        """The length in months, days and seconds counted in average months (0 for a session)."""
        return self.months + (self.days + self.seconds / 86400) / DAYS_PER_MONTH

    def at_most(self, months: float) -> bool:
        """Whether it never exceeds `months` months; a session cookie always passes."""
        return self.session or self.in_months() <= months + 1e-9

    def in_days(self) -> float:
        """The length in days, months counted as average months (for tools that want one number)."""
        return self.in_months() * DAYS_PER_MONTH


def parse_duration(text: str, language: str = "fr") -> Duration:
    """Parse a duration written in `language` (French by default); raises ValueError naming the text and what is
    wrong."""
    words = vocabulary(language)
    lowered = re.sub(r"\s+", " ", str(text).strip().lower())
    if not lowered:
        raise ValueError(f"no duration given; {words.hint}")
    if any(word in lowered for word in words.session):
        return Duration(session=True)
    if any(word in lowered for word in words.endless):
        raise ValueError(f"duration {text!r} has no end: a lifetime must be finite (for example '13 {words.month[1]}')")
    totals = {"months": 0.0, "days": 0.0, "seconds": 0.0}
    position = lead.end() if (lead := words.lead.match(lowered)) else 0
    found = False
    while match := words.part.match(lowered, position):
        amount, unit = match.groups()
        if unit not in words.units:
            raise ValueError(f"duration {text!r}: unknown unit {unit!r}; {words.hint}")
        number = float(words.numbers.get(amount) or amount.replace(",", "."))
        kind, factor = words.units[unit]
        totals[kind] += number * factor
        position, found = match.end(), True
    rest = lowered[position:].strip().lstrip(".,;: ")  # "2 Std., 30 Min.": a part after punctuation is no qualifier
    if not found:
        raise ValueError(f"cannot read the duration {text!r}; {words.hint}")
    if rest and (rest[0].isdigit() or rest.split()[0] in words.numbers):
        raise ValueError(f"duration {text!r}: cannot read {rest!r}; {words.hint}")
    duration = Duration(totals["months"], totals["days"], totals["seconds"])  # a trailing qualifier stays text only
    if not duration.in_months() <= MAX_MONTHS:  # also false for infinity and NaN ('1' and 400 zeros overflows)
        raise ValueError(f"duration {text!r} is over {MAX_MONTHS // 12} years; {words.hint}")
    return duration


def format_duration(duration: Duration, language: str = "fr") -> str:
    """The text for a duration in `language` ("13 mois", "13 maanden", "13 Monate"), which `parse_duration` reads
    back to the same value."""
    words = vocabulary(language)
    if duration.session:
        return words.session_word
    parts = []
    years, months = (
        (duration.months // 12, 0) if duration.months and duration.months % 12 == 0 else (0, duration.months)
    )
    for amount, (singular, plural) in ((years, words.year), (months, words.month), (duration.days, words.day)):
        if amount:
            parts.append(f"{_number(amount)} {singular if amount == 1 else plural}")
    hours, rest = divmod(duration.seconds, 3600) if float(duration.seconds).is_integer() else (0, duration.seconds)
    minutes, seconds = divmod(rest, 60) if float(rest).is_integer() else (0, rest)
    parts += [f"{_number(a)} {u}" for a, u in ((hours, "h"), (minutes, "min"), (seconds, "s")) if a]
    return " ".join(parts) or "0 s"


def _number(amount: float) -> str:
    return str(int(amount)) if float(amount).is_integer() else str(amount).replace(".", ",")
