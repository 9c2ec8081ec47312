"""Durations in a translation's overlay: written in its own words ("13 maanden", "6 Monate"), read strictly in that
language, and saying the same length as the source's (docs/languages.md)."""

from __future__ import annotations

import re
from pathlib import Path

from cgu.project import load_project
from cgu.rules.translations import blob_id
from tests.helpers.git import commit_all
from tests.helpers.project import cgu_in_process, replace_in
from tests.test_translated_law import _in_german
from tests.test_translations import project  # noqa: F401 - the bilingual fixture, every translation fresh

ORGANISM = "organisms/ebm/organism.yaml"


def _with_a_cookie(project: Path, language: str, duration: str, retention: str) -> None:
    """The fixture's organism with one audience cookie (13 months, its choice kept 6 months), translated in
    `language` with the given words, the overlay pointing at the new source, committed."""
    source = project / ORGANISM
    source.write_text(
        source.read_text(encoding="utf-8")  # the fixture ends with its waivers: one more, its documents are short
        + '  - {rule: cookie-in-table, justification: "Projet de test : pas un texte juridique."}\n'
        + "cookies:\n"
        + '  - {name: _ga, provider: Google, purpose: "Mesurer l\'audience", category: audience, duration: "13 mois",'
        + " consent: true}\n"
        + 'cookie_settings: {consent_retention: "6 mois"}\n',
        encoding="utf-8",
    )
    overlay = project / f"organisms/ebm/organism.{language}.yaml"
    text = overlay.read_text(encoding="utf-8")
    text = re.sub(r"translates: \S+", f"translates: {blob_id(source.read_bytes())}", text)
    overlay.write_text(
        text
        + f'cookies:\n  - {{purpose: "Het publiek meten", duration: "{duration}"}}\n'
        + f'cookie_settings: {{consent_retention: "{retention}"}}\n',
        encoding="utf-8",
    )
    commit_all(project, f"a cookie, in fr and {language}")


def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if needle in line)


def test_a_dutch_overlay_writes_durations_in_dutch(project: Path) -> None:
    _with_a_cookie(project, "nl", "13 maanden", "6 maanden")
    checked = cgu_in_process(project, "check")
    assert checked.returncode == 0, checked.stderr
    assert "cookies.0.duration" not in checked.stderr and "consent_retention" not in checked.stderr
    dutch = next(d for d in load_project(project).translations if d.kind == "privacy")
    assert dutch.organism.data["cookies"][0]["duration"] == "13 maanden"


def test_a_dutch_duration_saying_another_length_than_the_source_is_refused(project: Path) -> None:
    _with_a_cookie(project, "nl", "1 jaar", "6 maanden")
    checked = cgu_in_process(project, "check")
    assert checked.returncode == 1 and "Traceback" not in checked.stderr
    line = _line_of(project / "organisms/ebm/organism.nl.yaml", "1 jaar")
    assert (
        f"organisms/ebm/organism.nl.yaml:{line}: translation-mismatch: 'cookies.0.duration' says '1 jaar' (1 jaar) "
        f"and the source says '13 mois' (13 maanden) in {ORGANISM}: a translation gives the same duration"
    ) in checked.stderr, checked.stderr


def test_a_french_or_unreadable_duration_in_a_dutch_overlay_is_refused(project: Path) -> None:
    _with_a_cookie(project, "nl", "13 mois", "zes maanden lang")
    checked = cgu_in_process(project, "check")
    assert checked.returncode == 1 and "Traceback" not in checked.stderr
    assert (
        "translation-mismatch: 'cookies.0.duration': duration '13 mois': unknown unit 'mois'; write it like '30 min', "
        "'2 min 30 s', '25 dagen', '13 maanden', '1 jaar' or 'sessie'"
    ) in checked.stderr, checked.stderr
    assert "consent_retention" not in checked.stderr, "'zes maanden lang': six months, a qualifier after"


def test_a_german_overlay_writes_durations_in_german(project: Path) -> None:
    _in_german(project)
    _with_a_cookie(project, "de", "13 Monate", "sechs Monate")
    checked = cgu_in_process(project, "check")
    assert checked.returncode == 0, checked.stderr
    replace_in(project / "organisms/ebm/organism.de.yaml", "sechs Monate", "ein halbes Jahr")
    checked = cgu_in_process(project, "check")
    assert checked.returncode == 1 and "Traceback" not in checked.stderr
    assert (
        "translation-mismatch: 'cookie_settings.consent_retention': duration 'ein halbes Jahr': unknown unit 'halbes'"
        in checked.stderr
    ), checked.stderr
