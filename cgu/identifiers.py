"""Checks of French and Belgian identifiers and contacts: SIREN/SIRET (Luhn), BCE (mod 97), phones, e-mails, URLs."""

from __future__ import annotations

import re

LA_POSTE_SIREN = "356000000"
"""La Poste's establishments break the Luhn rule for SIRET; their digit sum is a multiple of 5 instead."""


def digits(value: str) -> str:
    """The digits of an identifier written with spaces, dots or dashes."""
    return re.sub(r"[\s.\-/]", "", value)


def luhn_ok(number: str) -> bool:
    """The Luhn checksum used by SIREN and SIRET."""
    total = 0
    for index, char in enumerate(reversed(number)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def siren_problem(value: str) -> str | None:
    """None when valid, else what is wrong with a SIREN."""
    number = digits(value)
    if not re.fullmatch(r"\d{9}", number):
        return f"SIREN {value!r} must have 9 digits"
    return None if luhn_ok(number) else f"SIREN {value!r} fails its check digit (Luhn)"


def siret_problem(value: str) -> str | None:
    """None when valid, else what is wrong with a SIRET (SIREN + 5-digit establishment number)."""
    number = digits(value)
    if not re.fullmatch(r"\d{14}", number):
        return f"SIRET {value!r} must have 14 digits"
    if number.startswith(LA_POSTE_SIREN):
        return None if sum(int(c) for c in number) % 5 == 0 else f"SIRET {value!r} fails La Poste's check"
    return None if luhn_ok(number) else f"SIRET {value!r} fails its check digit (Luhn)"


def bce_problem(value: str) -> str | None:
    """None when valid, else what is wrong with a Belgian enterprise number (BCE/KBO): 97 - (first 8 mod 97)."""
    number = digits(value.upper().removeprefix("BE"))
    if re.fullmatch(r"\d{9}", number):
        number = "0" + number  # written before 2005 without the leading 0
    if not re.fullmatch(r"[01]\d{9}", number):
        return f"enterprise number {value!r} must have 10 digits starting with 0 or 1"
    return None if 97 - int(number[:8]) % 97 == int(number[8:]) else f"enterprise number {value!r} fails its modulo 97 check"


def phone_problem(value: str, country: str) -> str | None:
    """None for a plausible French or Belgian number (national, international or short form)."""
    number = re.sub(r"[\s.\-/()]", "", value)
    if re.fullmatch(r"\d{4}", number):
        return None  # short service numbers such as 3949
    if country == "BE" or number.startswith(("+32", "0032", "32")):
        ok = re.fullmatch(r"(?:\+32|0032|32|0)[1-9]\d{7,8}", number)
    else:
        ok = re.fullmatch(r"(?:\+33|0033|0)[1-9]\d{8}", number)
    return None if ok else f"phone number {value!r} is not a valid {country} number"


EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$")


def email_problem(value: str) -> str | None:
    return None if EMAIL.match(value.strip()) else f"e-mail address {value!r} is not valid"


def postal_code_problem(value: str, country: str) -> str | None:
    pattern = r"\d{4}" if country == "BE" else r"\d{5}"
    return None if re.fullmatch(pattern, value.strip()) else f"postal code {value!r} is not a {country} postal code"


def url_problem(value: str) -> tuple[str, str] | None:
    """(severity, message) for a doubtful web address; https is expected, http is a warning."""
    text = value.strip()
    if text.startswith("http://"):
        return ("warning", f"web address {value!r} uses http: publish https addresses")
    if not re.match(r"^https://[A-Za-z0-9.\-]+\.[A-Za-z]{2,}(?::\d+)?(?:/\S*)?$", text):
        return ("error", f"web address {value!r} is not a valid https address")
    return None
