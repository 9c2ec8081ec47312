"""What a translated document says of the law in its own language: `law()`'s official Dutch and German titles (and its
refusal of a text with none), the legal-text checks on the translation's own words (docs/languages.md)."""

from __future__ import annotations

from pathlib import Path

from cgu.project import load_project
from cgu.rules.translations import blob_id
from cgu.rules.values.legal_texts import LEGAL_TEXTS, TITLES, legal_titles_table
from tests.helpers.git import commit_all
from tests.helpers.project import ROOT, cgu_in_process, replace_in
from tests.test_translations import TRANSLATIONS, project  # noqa: F401 - the bilingual fixture, every translation fresh

OBJET_NL = "clauses/objet.nl.md"
VERSION_LINE = "Deze versie dateert van {{ document.version|date }}."
GERMAN_VERSION_LINE = "Diese Fassung stammt vom {{ document.version|date }}."


GERMAN = {
    "clauses/objet.de.md": """---
translates: clauses/objet.md
title: Gegenstand
---
Dieses Dokument gilt für die Dienste von {{ identity|named }}: {{ services|map(attribute="description")|joined }}.

## Fassung

Diese Fassung stammt vom {{ document.version|date }}.{% if has('droits') %} Ihre Rechte beschreibt {{ ref('droits') }}.{% endif %}
""",
    "clauses/droits.de.md": """---
translates: clauses/droits.md
title: Ihre Rechte
---
Sie haben ein Recht auf Auskunft, Berichtigung, Löschung, Einschränkung, Widerspruch und Übertragbarkeit.

Sie können bei der {{ authority.name }} ({{ authority.website }}) Beschwerde einlegen.
""",
    "organisms/ebm/organism.de.yaml": """translates: organisms/ebm/organism.yaml
identity:
  address: {city: Brüssel}
authority:
  name: "Datenschutzbehörde (DSB)"
services:
  - {description: "Einsicht in die Akte"}
  - {description: "elektronischer Briefkasten"}
documents:
  cgu: {title: Nutzungsbedingungen}
  privacy: {title: Datenschutzerklärung}
""",
}
"""The bilingual fixture's texts in German (our own words); `translates:` names the source, whose blob id it gets."""


def _in_german(project: Path) -> None:
    """The bilingual fixture declared in French and German, its Dutch files replaced by German ones, committed."""
    replace_in(project / "organisms/ebm/organism.yaml", "languages: [fr, nl]", "languages: [fr, de]")
    for stem in TRANSLATIONS:
        (project / f"{stem}.nl.md").unlink()
    (project / "organisms/ebm/organism.nl.yaml").unlink()
    for path, text in GERMAN.items():
        source = text.split("translates: ", 1)[1].split("\n", 1)[0]
        text = text.replace(f"translates: {source}", f"translates: {blob_id((project / source).read_bytes())}")
        (project / path).write_text(text, encoding="utf-8")
    commit_all(project, "French and German")


def _translated_text(project: Path, kind: str = "privacy") -> str:
    document = next(d for d in load_project(project).translations if d.kind == kind)
    return "\n".join(article.markdown for article in document.articles)


def test_law_prints_the_official_dutch_title_in_a_dutch_clause(project: Path) -> None:
    replace_in(
        project / OBJET_NL,
        VERSION_LINE,
        f"{VERSION_LINE} Ze volgt de {{{{ law('rgpd') }}}} en de {{{{ law('loi-be-2018') }}}}.",
    )
    text = _translated_text(project)
    assert "Verordening (EU) 2016/679 van 27 april 2016 (algemene verordening gegevensbescherming)" in text
    assert (
        "wet van 30 juli 2018 betreffende de bescherming van natuurlijke personen met betrekking tot de verwerking "
        "van persoonsgegevens" in text
    )
    assert "règlement" not in text and "loi du" not in text, "never the French title in a Dutch document"
    checked = cgu_in_process(project, "check")
    assert checked.returncode == 0, checked.stderr


def test_law_prints_the_official_german_title_in_a_german_clause(project: Path) -> None:
    _in_german(project)
    replace_in(
        project / "clauses/objet.de.md",
        GERMAN_VERSION_LINE,
        f"{GERMAN_VERSION_LINE} {{{{ law('rgpd') }}}}, {{{{ law('dsa') }}}}, {{{{ law('apd') }}}}.",
    )
    text = _translated_text(project)
    assert cgu_in_process(project, "check").returncode == 0
    assert "Verordnung (EU) 2016/679 vom 27. April 2016 (Datenschutz-Grundverordnung)" in text
    assert "Verordnung (EU) 2022/2065 vom 19. Oktober 2022 über einen Binnenmarkt für digitale Dienste" in text
    assert "Datenschutzbehörde (Gesetz vom 3. Dezember 2017)" in text


def test_a_law_with_no_official_title_in_the_clause_language_is_refused_at_its_line(project: Path) -> None:
    replace_in(project / OBJET_NL, VERSION_LINE, f"{VERSION_LINE}\n\nZie de {{{{ law('loi-78-17') }}}}.")
    checked = cgu_in_process(project, "check")
    assert checked.returncode == 1 and "Traceback" not in checked.stderr
    assert (
        f"{OBJET_NL}:11: law('loi-78-17') has no official nl title in the registry (it has: fr); cite the text in "
        "the clause's own words" in checked.stderr
    ), checked.stderr
    out = project.parent / "out"
    built = cgu_in_process(project, "build", "--format", "html", "--out", str(out))
    assert built.returncode == 1 and "law('loi-78-17') has no official nl title" in built.stderr
    assert not out.exists(), "nothing built, and never the French title in its place"


def test_a_belgian_law_with_no_sourced_german_title_is_refused_in_german(project: Path) -> None:
    _in_german(project)
    replace_in(
        project / "clauses/objet.de.md", GERMAN_VERSION_LINE, f"{GERMAN_VERSION_LINE} {{{{ law('loi-be-2018') }}}}."
    )
    checked = cgu_in_process(project, "check")
    assert checked.returncode == 1 and "Traceback" not in checked.stderr
    assert "clauses/objet.de.md:9: law('loi-be-2018') has no official de title in the registry (it has: fr, nl)" in (
        checked.stderr
    ), checked.stderr


def test_a_dutch_text_citing_a_law_before_it_existed_is_found_in_its_own_words(project: Path) -> None:
    for _ in ("cgu", "privacy"):  # both documents dated June 2018; the French text cites nothing, the Dutch will
        replace_in(project / "organisms/ebm/organism.yaml", "version: 2025-06-01", "version: 2018-06-01")
    replace_in(project / OBJET_NL, VERSION_LINE, f"{VERSION_LINE} Ze volgt de wet van 30 juli 2018.")
    commit_all(project, "a Dutch citation of the 2018 law in a June 2018 document")
    checked = cgu_in_process(project, "check")
    assert checked.returncode == 1, checked.stderr
    found = [line for line in checked.stderr.splitlines() if "legal-text-date" in line]
    assert len(found) == 2, found  # the Dutch text of both documents (objet is in each), none in French
    assert all(line.startswith(f"{OBJET_NL}:9: legal-text-date:") and "(in nl)" in line for line in found)
    assert "cites, in clause 'objet', « 30 juli 2018 »" in found[0]


def test_every_registered_title_is_found_by_its_own_patterns_and_documented() -> None:
    for text in LEGAL_TEXTS:
        for language in text.languages():
            title = text.title_in(language)
            assert title and text.cited_in(title), f"{text.id} in {language}: the date checks must find its title"
    assert set(TITLES) <= {text.id for text in LEGAL_TEXTS}, "a title for a text the registry does not have"
    assert all(source for titles in TITLES.values() for _, _, source in titles), "every title says where it was read"
    assert legal_titles_table() in (ROOT / "docs/languages.md").read_text(encoding="utf-8"), (
        "docs/languages.md's table of titles is stale: paste cgu.rules.values.legal_texts.legal_titles_table() into it"
    )
