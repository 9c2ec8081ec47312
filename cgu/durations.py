"""Durations as people write them ("25 jours", "2 min 30 s", "1 an", "session"), parsed to compare with legal limits."""

from __future__ import annotations

import re
from dataclasses import dataclass

UNITS: dict[str, tuple[str, float]] = {
    "s": ("seconds", 1), "sec": ("seconds", 1), "seconde": ("seconds", 1), "secondes": ("seconds", 1),
    "min": ("seconds", 60), "mn": ("seconds", 60), "minute": ("seconds", 60), "minutes": ("seconds", 60),
    "h": ("seconds", 3600), "heure": ("seconds", 3600), "heures": ("seconds", 3600),
    "j": ("days", 1), "jour": ("days", 1), "jours": ("days", 1),
    "semaine": ("days", 7), "semaines": ("days", 7),
    "mois": ("months", 1),
    "an": ("months", 12), "ans": ("months", 12), "année": ("months", 12), "années": ("months", 12),
}
_WORDS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "six": 6, "douze": 12, "treize": 13, "trente": 30}
_PART = re.compile(r"(\d+(?:[.,]\d+)?|un|une|deux|trois|six|douze|treize|trente)\s*(?:\(\d+\)\s*)?([a-zéè]+)")


@dataclass(frozen=True, order=True)
class Duration:
    """A duration in months, days and seconds, kept apart: 13 months is a legal limit in months, not 395.7 days."""

    months: float = 0
    days: float = 0
    seconds: float = 0
    session: bool = False

    def at_most(self, months: float) -> bool:
        """Whether it never exceeds `months` calendar months (days and seconds counted in average months of 30.44 days)."""
        return self.session or self.months + (self.days + self.seconds / 86400) / DAYS_PER_MONTH <= months + 1e-9


DAYS_PER_MONTH = 365.25 / 12
"""So that "395 jours" passes a 13-month limit and "400 jours" does not."""

SESSION_WORDS = ("session", "durée de la connexion", "durant la session", "le temps de la connexion")


def parse_duration(text: str) -> Duration:
    """Parse a French duration; raises ValueError with the reason when it cannot."""
    lowered = text.strip().lower()
    if any(word in lowered for word in SESSION_WORDS):
        return Duration(session=True)
    totals = {"months": 0.0, "days": 0.0, "seconds": 0.0}
    found = False
    for amount, unit in _PART.findall(lowered):
        if unit not in UNITS:
            continue
        number = float(_WORDS.get(amount, amount.replace(",", ".") if amount[0].isdigit() else 0))
        kind, factor = UNITS[unit]
        totals[kind] += number * factor
        found = True
    if not found:
        raise ValueError(f"cannot read the duration {text!r}; write it like '30 min', '25 jours', '13 mois', '1 an' or 'session'")
    return Duration(totals["months"], totals["days"], totals["seconds"])
