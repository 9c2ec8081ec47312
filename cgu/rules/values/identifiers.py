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
    if not luhn_ok(number[:9]):
        return f"SIRET {value!r} starts with SIREN {number[:9]}, which fails its check digit (Luhn)"
    return None if luhn_ok(number) else f"SIRET {value!r} fails its check digit (Luhn)"


def bce_problem(value: str) -> str | None:
    """None when valid, else what is wrong with a Belgian enterprise number (BCE/KBO): 97 - (first 8 mod 97)."""
    number = digits(value.upper().removeprefix("BE"))
    if re.fullmatch(r"\d{9}", number):
        number = "0" + number  # written before 2005 without the leading 0
    if not re.fullmatch(r"[01]\d{9}", number):
        return f"enterprise number {value!r} must have 10 digits starting with 0 or 1"
    return (
        None
        if 97 - int(number[:8]) % 97 == int(number[8:])
        else f"enterprise number {value!r} fails its modulo 97 check"
    )


SHORT_NUMBER = re.compile(r"1\d{1,3}|3\d{3}|116\d{3}")
"""Emergency and service numbers: 15, 112, 1813 (BE), 3949, 3646 (FR), 116 000 (EU)."""
PHONE_PATTERNS = {
    "FR": re.compile(r"(?:\+33|0)[1-9]\d{8}"),  # 01-05 geographic, 06/07 mobile, 08 special rates, 09 internet
    "BE": re.compile(r"(?:\+32|0)(?:[1-9]\d{7}|4\d{8})"),  # 8 digits after 0, or 9 for mobiles (04xx)
}


def phone_problem(value: str, country: str) -> str | None:
    """None for a French or Belgian number in national, international (+33, 0033, +33 (0)) or short form."""
    number = re.sub(r"[\s.\-/]", "", value).replace("(0)", "")
    number = re.sub(r"^00(?=3[23])", "+", number).replace("(", "").replace(")", "")
    if SHORT_NUMBER.fullmatch(number):
        return None
    dialled = {"+33": "FR", "+32": "BE"}.get(number[:3], country)
    if number.startswith("+") and number[:3] not in ("+33", "+32"):
        return f"phone number {value!r} is neither French (+33) nor Belgian (+32)"
    if PHONE_PATTERNS.get(dialled, PHONE_PATTERNS["FR"]).fullmatch(number):
        return None
    return f"phone number {value!r} is not a valid {dialled} number"


EMAIL = re.compile(
    r"^[A-Za-z0-9_%+\-]+(?:\.[A-Za-z0-9_%+\-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$"
)


def email_problem(value: str) -> str | None:
    """None for an ordinary e-mail address (local part, @, a domain with a dot)."""
    return None if EMAIL.match(value.strip()) else f"e-mail address {value!r} is not valid"


def postal_code_problem(value: str, country: str) -> str | None:
    """None for a French (5 digits, a department 01-95, 97 or 98) or Belgian (4 digits, 1000-9999) postal code."""
    code = value.strip()
    if country == "BE":
        ok = re.fullmatch(r"[1-9]\d{3}", code) is not None
    else:
        ok = re.fullmatch(r"\d{5}", code) is not None and (1 <= int(code[:2]) <= 95 or code[:2] in ("97", "98"))
    return None if ok else f"postal code {value!r} is not a {country} postal code"


def url_problem(value: str) -> tuple[str, str] | None:
    """(severity, message) for a doubtful web address; https is expected, http is a warning."""
    text = value.strip()
    if text.startswith("http://"):
        return ("warning", f"web address {value!r} uses http: publish https addresses")
    if not re.match(r"^https://[A-Za-z0-9.\-]+\.[A-Za-z]{2,}(?::\d+)?(?:/\S*)?$", text):
        return ("error", f"web address {value!r} is not a valid https address")
    return None
