"""Durations as people write them ("25 jours", "2 min 30 s", "1 an", "session"), parsed to compare with legal limits.

Months and years stay months: the CNIL limits are written in months ("13 mois"), so "13 mois" and "1 an"
are compared as calendar months, never converted to 395.7 or 365.25 days. Days, hours, minutes and seconds
are compared with a limit in months through the average month (365.25 / 12 = 30.4375 days): "395 jours"
passes the 13-month limit (12.98 months) and "396 jours" does not (13.01). That is the reading of
"treize mois" most tools use; a cookie set for 395 days expires, whatever the day it was set, before
13 calendar months plus two days have passed.
"""

from __future__ import annotations

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
"""The average month, used only to compare days or seconds with a limit written in months."""
MAX_MONTHS = 12_000
"""No cookie or retention period lasts a thousand years: a longer duration is a typing mistake (or an attack on
the tools that read it: '1' followed by 400 zeros days is infinite as a float, and Infinity is not JSON)."""

_NUMBER = r"\d+(?:[.,]\d+)?|(?:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\b"
_PART = re.compile(rf"\s*(?:et\s+|,\s*)?({_NUMBER})\s*(?:\(\s*\d+\s*\)\s*)?([a-zéè]+)\b")
_LEAD = re.compile(r"\s*(?:pendant|durant|jusqu'à|au plus|au maximum|maximum|max\.?)\s+")
_HINT = "write it like '30 min', '2 min 30 s', '25 jours', '13 mois', '1 an' or 'session'"


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


def parse_duration(text: str) -> Duration:
    """Parse a French duration; raises ValueError naming the text and what is wrong."""
    lowered = re.sub(r"\s+", " ", str(text).strip().lower())
    if not lowered:
        raise ValueError(f"no duration given; {_HINT}")
    if any(word in lowered for word in SESSION_WORDS):
        return Duration(session=True)
    if any(word in lowered for word in ENDLESS_WORDS):
        raise ValueError(f"duration {text!r} has no end: a lifetime must be finite (for example '13 mois')")
    totals = {"months": 0.0, "days": 0.0, "seconds": 0.0}
    position = lead.end() if (lead := _LEAD.match(lowered)) else 0
    found = False
    while match := _PART.match(lowered, position):
        amount, unit = match.groups()
        if unit not in UNITS:
            raise ValueError(f"duration {text!r}: unknown unit {unit!r}; {_HINT}")
        number = float(NUMBER_WORDS.get(amount) or amount.replace(",", "."))
        kind, factor = UNITS[unit]
        totals[kind] += number * factor
        position, found = match.end(), True
    rest = lowered[position:].strip()
    if not found:
        raise ValueError(f"cannot read the duration {text!r}; {_HINT}")
    if rest and (rest[0].isdigit() or rest.split()[0] in NUMBER_WORDS):
        raise ValueError(f"duration {text!r}: cannot read {rest!r}; {_HINT}")
    duration = Duration(totals["months"], totals["days"], totals["seconds"])  # a trailing qualifier stays text only
    if not duration.in_months() <= MAX_MONTHS:  # also false for infinity and NaN ('1' and 400 zeros overflows)
        raise ValueError(f"duration {text!r} is over {MAX_MONTHS // 12} years; {_HINT}")
    return duration


def format_duration(duration: Duration) -> str:
    """The French text for a duration, which `parse_duration` reads back to the same value."""
    if duration.session:
        return "session"
    parts = []
    years, months = (
        (duration.months // 12, 0) if duration.months and duration.months % 12 == 0 else (0, duration.months)
    )
    for amount, singular, plural in ((years, "an", "ans"), (months, "mois", "mois"), (duration.days, "jour", "jours")):
        if amount:
            parts.append(f"{_number(amount)} {singular if amount == 1 else plural}")
    hours, rest = divmod(duration.seconds, 3600) if float(duration.seconds).is_integer() else (0, duration.seconds)
    minutes, seconds = divmod(rest, 60) if float(rest).is_integer() else (0, rest)
    parts += [f"{_number(a)} {u}" for a, u in ((hours, "h"), (minutes, "min"), (seconds, "s")) if a]
    return " ".join(parts) or "0 s"


def _number(amount: float) -> str:
    return str(int(amount)) if float(amount).is_integer() else str(amount).replace(".", ",")
