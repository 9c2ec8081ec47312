"""French wording of values: dates through Babel's CLDR data, lists, addresses and phone numbers."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from babel.dates import format_date
from babel.lists import format_list

from cgu.compose.markers import question_of, shown

LOCALE = "fr_FR"


def french_date(value: dt.date | str) -> str:
    """'1er juin 2024': CLDR's long date, with the ordinal French uses for the first of the month."""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    text = format_date(day, format="long", locale=LOCALE)
    return re.sub(r"^1 ", "1er ", text)


def join_french(items: Iterable[Any]) -> str:
    """['a', 'b', 'c'] -> 'a, b et c' (CLDR list pattern)."""
    values = [str(item) for item in items]
    return format_list(values, locale=LOCALE) if values else ""


def one_line_address(address: Any) -> str:
    """An address mapping on one line: '3 square Max Hymans, 75015 Paris, France'."""
    if not isinstance(address, dict):
        return str(address)
    town = " ".join(_fact(address[k]) for k in ("postal_code", "city") if address.get(k))
    parts = [address.get("street"), address.get("complement"), address.get("po_box"), town, address.get("country")]
    return ", ".join(_fact(p) for p in parts if p)


def _fact(value: Any) -> str:
    """A value as it prints, or, for a fact left to be completed, its bracketed question."""
    question = question_of(value)
    return str(value) if question is None else shown(question)


def phone_number(value: Any) -> str:
    """A phone number with non-breaking spaces between groups, so it never breaks across lines."""
    return re.sub(r"\s+", "\u00a0", str(value).strip())
