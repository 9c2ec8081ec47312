"""The duration parser (French, Dutch, German): the forms organisms write, the limits in months, and a round trip."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cgu.rules.values.durations import Duration, format_duration, parse_duration


@pytest.mark.parametrize(
    "text, expected",
    [
        ("session", Duration(session=True)),
        ("durant la session", Duration(session=True)),
        ("durée de la connexion", Duration(session=True)),
        ("30 min", Duration(seconds=1800)),
        ("30min", Duration(seconds=1800)),
        ("2 min 30 s", Duration(seconds=150)),
        ("25 jours", Duration(days=25)),
        ("1 an", Duration(months=12)),
        ("un an", Duration(months=12)),
        ("13 mois", Duration(months=13)),
        ("treize (13) mois", Duration(months=13)),
        ("6 mois", Duration(months=6)),
        ("24 heures", Duration(seconds=86400)),
        ("1 h", Duration(seconds=3600)),
        ("2 ans", Duration(months=24)),
        ("deux ans et 3 mois", Duration(months=27)),
        ("390 jours", Duration(days=390)),
        ("2 semaines", Duration(days=14)),
        ("13 mois (395 jours)", Duration(months=13)),
        ("30 minutes à compter de la création/mise à jour", Duration(seconds=1800)),
        ("13 mois au plus, puis suppression", Duration(months=13)),
        ("pendant 6 mois", Duration(months=6)),
    ],
)
def test_parses_what_organisms_write(text: str, expected: Duration) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text, reason",
    [
        ("persistant", "no end"),
        ("permanent", "no end"),
        ("longtemps", "cannot read"),
        ("", "no duration"),
        ("2 lunes", "unknown unit 'lunes'"),
        ("2 ans 3 lunes", "unknown unit 'lunes'"),
        ("1 an 3", "cannot read '3'"),
    ],
)
def test_unreadable_durations_say_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason) as error:
        parse_duration(text)
    assert "13 mois" in str(error.value)  # every message shows a form that works


@pytest.mark.parametrize(
    "text, within",
    [
        ("13 mois", True),
        ("1 an 1 mois", True),
        ("1 an", True),
        ("14 mois", False),
        ("2 ans", False),
        ("395 jours", True),
        ("396 jours", False),
        ("session", True),
        ("56 semaines", True),
        ("57 semaines", False),
    ],
)
def test_thirteen_months_compared_as_months(text: str, within: bool) -> None:
    assert parse_duration(text).at_most(13) is within


def test_six_months_for_a_consent_choice() -> None:
    assert parse_duration("6 mois").at_most(6) and parse_duration("180 jours").at_most(6)
    assert not parse_duration("7 mois").at_most(6) and not parse_duration("1 an").at_most(6)


durations = st.builds(
    Duration,
    months=st.integers(0, 600).map(float),
    days=st.integers(0, 2000).map(float),
    seconds=st.integers(0, 10**6).map(float),
) | st.just(Duration(session=True))


@given(durations)
def test_format_then_parse_is_the_identity(duration: Duration) -> None:
    text = format_duration(duration)
    parsed = parse_duration(text)
    assert parsed.session == duration.session
    if not duration.session:
        assert parsed == duration or (duration == Duration() and parsed == Duration())


@given(st.integers(1, 500), st.sampled_from(["jours", "mois", "ans", "min", "heures", "s"]))
def test_one_amount_and_unit(amount: int, unit: str) -> None:
    duration = parse_duration(f"{amount} {unit}")
    months = {"mois": amount, "ans": amount * 12}.get(unit, 0)
    assert duration.months == months
    assert duration.at_most(13) == (months <= 13 if months else unit != "jours" or amount <= 395)


@pytest.mark.parametrize(
    "text, language, expected",
    [
        ("13 maanden", "nl", Duration(months=13)),
        ("1 jaar", "nl", Duration(months=12)),
        ("2 jaar vanaf het aanmaken/bijwerken", "nl", Duration(months=24)),
        ("een jaar en zes maanden", "nl", Duration(months=18)),
        ("ten hoogste 6 maanden", "nl", Duration(months=6)),
        ("10 minuten", "nl", Duration(seconds=600)),
        ("24 uur", "nl", Duration(seconds=86400)),
        ("395 dagen", "nl", Duration(days=395)),
        ("tijdens de sessie", "nl", Duration(session=True)),
        ("13 Monate", "de", Duration(months=13)),
        ("1 Jahr", "de", Duration(months=12)),
        ("zwei Jahre ab der Erstellung", "de", Duration(months=24)),
        ("höchstens 6 Monate", "de", Duration(months=6)),
        ("2 Std. 30 Min.", "de", Duration(seconds=9000)),
        ("30 Tage", "de", Duration(days=30)),
        ("während der Sitzung", "de", Duration(session=True)),
    ],
)
def test_parses_dutch_and_german_durations(text: str, language: str, expected: Duration) -> None:
    assert parse_duration(text, language) == expected


@pytest.mark.parametrize(
    "text, language, message",
    [
        ("13 mois", "nl", "duration '13 mois': unknown unit 'mois'; write it like '30 min', '2 min 30 s', '25 dagen'"),
        ("13 maanden", "fr", "unknown unit 'maanden'; write it like '30 min', '2 min 30 s', '25 jours', '13 mois'"),
        ("13 Monate", "nl", "unknown unit 'monate'"),
        ("onbeperkt", "nl", "has no end: a lifetime must be finite (for example '13 maanden')"),
        ("unbegrenzt", "de", "has no end: a lifetime must be finite (for example '13 Monate')"),
        ("2 Std.; 30 Min.", "de", "cannot read '30 min.'"),
        ("", "de", "no duration given; write it like '30 min', '2 min 30 s', '25 Tage', '13 Monate', '1 Jahr'"),
        ("1 jaar", "es", "no duration words for language 'es'; known: fr, nl, de"),
    ],
)
def test_dutch_and_german_durations_stay_strict(text: str, language: str, message: str) -> None:
    with pytest.raises(ValueError) as refused:
        parse_duration(text, language)
    assert message in str(refused.value)


@pytest.mark.parametrize(
    "duration, dutch, german",
    [
        (Duration(months=13), "13 maanden", "13 Monate"),
        (Duration(months=1), "1 maand", "1 Monat"),
        (Duration(months=24), "2 jaar", "2 Jahre"),
        (Duration(months=12), "1 jaar", "1 Jahr"),
        (Duration(days=1), "1 dag", "1 Tag"),
        (Duration(days=30), "30 dagen", "30 Tage"),
        (Duration(seconds=150), "2 min 30 s", "2 min 30 s"),
        (Duration(session=True), "sessie", "Sitzung"),
    ],
)
def test_formats_in_dutch_and_german(duration: Duration, dutch: str, german: str) -> None:
    assert (format_duration(duration, "nl"), format_duration(duration, "de")) == (dutch, german)
    assert format_duration(duration) != dutch or duration.seconds, "French keeps its own words"


@given(durations, st.sampled_from(["nl", "de"]))
def test_format_then_parse_is_the_identity_in_dutch_and_german(duration: Duration, language: str) -> None:
    parsed = parse_duration(format_duration(duration, language), language)
    assert parsed == duration or (duration == Duration() and parsed == Duration())
