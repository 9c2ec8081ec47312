"""Identifier and contact checks, on numbers taken from the seed documents and on broken variants of them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cgu.rules.values import identifiers


@pytest.mark.parametrize(
    "number", ["538 518 473", "538518473", "538.518.473", "775 659 907", "440 367 357", "840 628 895"]
)
def test_real_sirens_pass(number: str) -> None:
    assert identifiers.siren_problem(number) is None  # Harmonie Mutuelle, Klesia, Cegedim, Vivoptim


@pytest.mark.parametrize(
    "number, reason", [("538 518 474", "Luhn"), ("538 518 47", "9 digits"), ("53851847A", "9 digits")]
)
def test_broken_sirens_fail(number: str, reason: str) -> None:
    assert reason in (identifiers.siren_problem(number) or "")


@given(st.integers(0, 99_999_999))
def test_exactly_one_check_digit_makes_a_siren(stem: int) -> None:
    valid = [d for d in range(10) if identifiers.siren_problem(f"{stem:08d}{d}") is None]
    assert len(valid) == 1


def test_siret_and_the_la_poste_exception() -> None:
    assert identifiers.siret_problem("732 829 320 00074") is None
    assert identifiers.siret_problem("356 000 000 00001") is None  # La Poste: digit sum a multiple of 5
    assert "La Poste" in (identifiers.siret_problem("356 000 000 00002") or "")
    assert "Luhn" in (identifiers.siret_problem("732 829 320 00075") or "")
    assert "14 digits" in (identifiers.siret_problem("732 829 320") or "")


@pytest.mark.parametrize("number", ["0411.815.280", "0411 815 280", "BE0411815280", "411.815.280"])
def test_real_bce_numbers_pass(number: str) -> None:
    assert identifiers.bce_problem(number) is None  # Partenamut, as printed in its seed policy


@pytest.mark.parametrize(
    "number, reason",
    [("0411.815.281", "modulo 97"), ("2411.815.280", "starting with 0 or 1"), ("0411.815", "10 digits")],
)
def test_broken_bce_numbers_fail(number: str, reason: str) -> None:
    assert reason in (identifiers.bce_problem(number) or "")


@pytest.mark.parametrize(
    "number, country",
    [
        ("01 44 93 11 00", "FR"),
        ("03 80 48 13 80", "FR"),
        ("+33 1 49 09 22 00", "FR"),
        ("+33 (0)1 40 47 20 20", "FR"),
        ("0033 1 40 47 20 20", "FR"),
        ("0 800 00 36 60", "FR"),
        ("09.69.32.80.80", "FR"),
        ("3949", "FR"),
        ("15", "FR"),
        ("02 274 48 00", "BE"),
        ("+32 2 274 48 00", "BE"),
        ("0478 12 34 56", "BE"),
        ("0800 12 345", "BE"),
        ("1813", "BE"),
        ("+32 2 274 48 00", "FR"),
        ("+33 1 40 47 20 20", "BE"),
    ],
)
def test_phone_numbers_pass(number: str, country: str) -> None:
    assert identifiers.phone_problem(number, country) is None


@pytest.mark.parametrize(
    "number, country, reason",
    [
        ("01 49 09", "FR", "not a valid FR number"),
        ("00 44 93 11 00", "FR", "not a valid FR"),
        ("02 274 48 00", "FR", "not a valid FR"),
        ("+44 20 7946 0000", "FR", "neither French"),
        ("0578 12 34 56", "BE", "not a valid BE"),
        ("+32 2 274 48", "FR", "not a valid BE"),
    ],
)
def test_phone_numbers_fail(number: str, country: str, reason: str) -> None:
    assert reason in (identifiers.phone_problem(number, country) or "")


@pytest.mark.parametrize(
    "address", ["dpo@harmonie-mutuelle.fr", "info@mloz.be", "contact@vivoptim.com", "a.b+c@x.co.uk"]
)
def test_emails_pass(address: str) -> None:
    assert identifiers.email_problem(address) is None


@pytest.mark.parametrize(
    "address", ["dpo(at)cegedim.fr", "dpo@cegedim", "@cegedim.fr", "a..b@x.fr", "a@-x.fr", "a b@x.fr"]
)
def test_emails_fail(address: str) -> None:
    assert "not valid" in (identifiers.email_problem(address) or "")


@pytest.mark.parametrize(
    "code, country, ok",
    [
        ("75015", "FR", True),
        ("75544", "FR", True),
        ("20000", "FR", True),
        ("97400", "FR", True),
        ("98000", "FR", True),
        ("00100", "FR", False),
        ("96000", "FR", False),
        ("7501", "FR", False),
        ("1070", "BE", True),
        ("1702", "BE", True),
        ("0999", "BE", False),
        ("75015", "BE", False),
    ],
)
def test_postal_codes(code: str, country: str, ok: bool) -> None:
    assert (identifiers.postal_code_problem(code, country) is None) is ok


def test_urls_want_https() -> None:
    assert identifiers.url_problem("https://www.cnil.fr") is None
    assert identifiers.url_problem("https://www.cnil.fr/fr/plaintes") is None
    assert identifiers.url_problem("http://klesia.fr") == (
        "warning",
        "web address 'http://klesia.fr' uses http: publish https addresses",
    )
    assert identifiers.url_problem("www.cnil.fr")[0] == "error"  # type: ignore[index]
    assert identifiers.url_problem("https://cnil")[0] == "error"  # type: ignore[index]
