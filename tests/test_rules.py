"""Legal checks: each rule passes on the shipped content and fails on a broken variant of it."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from cgu import identifiers
from cgu.build import Project, load_project
from cgu.cli import main
from cgu.cookie_export import export_cookies
from cgu.durations import parse_duration
from cgu.model import Document, Organism
from cgu.rules import RULES, check_organism, rules_table
from conftest import ROOT


@pytest.fixture(scope="module")
def project() -> Project:
    return load_project(ROOT)


def parts(project: Project, organism_id: str) -> tuple[Organism, list[Document]]:
    return project.organisms[organism_id], [d for d in project.documents if d.organism.id == organism_id]


def findings(rule_id: str, organism: Organism, documents: list[Document]) -> list[str]:
    return [f.message for f in RULES[rule_id].check(organism, documents)]


def mutate(organism: Organism, change: Callable[[dict[str, Any]], None]) -> Organism:
    data = copy.deepcopy(dict(organism.data))
    change(data)
    return dataclasses.replace(organism, data=MappingProxyType(data))


def without(documents: list[Document], clause_id: str) -> list[Document]:
    return [dataclasses.replace(d, articles=tuple(a for a in d.articles if a.id != clause_id)) for d in documents]


def test_shipped_content_passes(project: Project) -> None:
    result = CliRunner().invoke(main, ["check", "--project", str(ROOT)])
    assert result.exit_code == 0, result.output
    assert "0 warnings, 5 findings waived with a justification" in result.output


CASES: list[tuple[str, str, Callable[[Organism, list[Document]], tuple[Organism, list[Document]]], str]] = [
    ("gdpr-controller", "klesia", lambda o, d: (mutate(o, lambda x: x["identity"].pop("address") and x["identity"].pop("phone")), d), "no contact"),
    ("gdpr-dpo-contact", "harmonie-mutuelle", lambda o, d: (o, without(d, "dpo") and [dataclasses.replace(x, articles=tuple(a for a in x.articles if "dpo@" not in a.markdown)) for x in d]), "DPO's e-mail"),
    ("gdpr-purposes", "harmonie-mutuelle", lambda o, d: (o, without(without(d, "finalites"), "conservation")), "the purpose"),
    ("gdpr-legitimate-interest", "harmonie-mutuelle", lambda o, d: (mutate(o, lambda x: x["processing"][2].pop("legitimate_interest")), d), "say which interest"),
    ("gdpr-recipients", "klesia", lambda o, d: (o, [dataclasses.replace(x, articles=tuple(a for a in x.articles if "destinataire" not in (a.title + a.markdown).lower())) for x in d]), "who receives"),
    ("gdpr-transfers", "klesia", lambda o, d: (mutate(o, lambda x: x["transfers"][0].pop("safeguard")), d), "needs its safeguard"),
    ("gdpr-retention", "klesia", lambda o, d: (o, [dataclasses.replace(x, articles=tuple(a for a in x.articles if "conserv" not in a.markdown.lower())) for x in d]), "how long"),
    ("gdpr-rights", "partenamut", lambda o, d: (o, without(d, "droits")), "portability"),
    ("gdpr-consent-withdrawal", "vivoptim-solutions", lambda o, d: (o, [dataclasses.replace(x, articles=tuple(a for a in x.articles if "retir" not in a.markdown and "retrait" not in a.markdown)) for x in d]), "withdrawn"),
    ("gdpr-complaint", "partenamut", lambda o, d: (mutate(o, lambda x: x["authority"].update(name="CNIL")), d), "APD"),
    ("gdpr-requirement", "klesia", lambda o, d: (o, [dataclasses.replace(x, articles=tuple(a for a in x.articles if "obligatoire" not in a.markdown)) for x in d]), "mandatory"),
    ("gdpr-automated-decisions", "klesia", lambda o, d: (o, without(d, "profilage")), "automated"),
    ("gdpr-health-data", "mutuelle-mieux-etre", lambda o, d: (mutate(o, lambda x: x.pop("health_data_host")), d), "certified host"),
    ("cookie-fields", "klesia", lambda o, d: (mutate(o, lambda x: x["cookies"][0].pop("provider")), d), "lacks provider"),
    ("cookie-duration", "klesia", lambda o, d: (mutate(o, lambda x: x["cookies"][5].update(duration="longtemps")), d), "cannot read the duration"),
    ("cookie-max-lifetime", "klesia", lambda o, d: (mutate(o, lambda x: x["cookies"][5].update(duration="14 mois")), d), "over 13 months"),
    ("cookie-consent-retention", "klesia", lambda o, d: (mutate(o, lambda x: x["cookie_settings"].update(consent_retention="7 mois")), d), "over 6 months"),
    ("cookie-consent", "klesia", lambda o, d: (mutate(o, lambda x: x["cookies"][5].update(consent=False)), d), "should have consent: true"),
    ("cookie-in-table", "klesia", lambda o, d: (o, without(d, "cookies")), "no document lists it"),
    ("id-siren", "harmonie-mutuelle", lambda o, d: (mutate(o, lambda x: x["identity"].update(siren="538 518 474")), d), "Luhn"),
    ("id-bce", "partenamut", lambda o, d: (mutate(o, lambda x: x["identity"].update(bce="0411.815.281")), d), "modulo 97"),
    ("contact-phone", "klesia", lambda o, d: (mutate(o, lambda x: x["identity"].update(phone="01 49 09")), d), "not a valid FR number"),
    ("contact-email", "klesia", lambda o, d: (mutate(o, lambda x: x["dpo"].update(email="dpo(at)cegedim.fr")), d), "not valid"),
    ("contact-postal-code", "partenamut", lambda o, d: (mutate(o, lambda x: x["identity"]["address"].update(postal_code="75015")), d), "not a BE postal code"),
    ("contact-url", "klesia", lambda o, d: (mutate(o, lambda x: x["identity"].update(website="https://klesia")), d), "not a valid https address"),
    ("contact-url-https", "klesia", lambda o, d: (mutate(o, lambda x: x["identity"].update(website="http://klesia.fr")), d), "uses http"),
    ("consistency-dpo-email", "harmonie-mutuelle", lambda o, d: (mutate(o, lambda x: x["dpo"].update(email="dpo@harmonie.fr")), d), "states the DPO e-mail"),
    ("consistency-jurisdiction", "partenamut", lambda o, d: (o, [dataclasses.replace(x, articles=x.articles[:1] + (dataclasses.replace(x.articles[0], markdown="Voir le Code de la santé publique."),)) for x in d]), "cites 'Code de la santé publique'"),
    ("unused-extra", "vivoptim-solutions", lambda o, d: (mutate(o, lambda x: x["extra"].update(oublie="Un fait jamais cité")), d), "no document states it"),
]


def test_every_rule_has_a_case() -> None:
    assert {rule for rule, *_ in CASES} | {"gdpr-privacy-policy"} == set(RULES)


@pytest.mark.parametrize("rule_id, organism_id, breaker, expected", CASES, ids=[c[0] for c in CASES])
def test_rule_passes_then_fails(project: Project, rule_id: str, organism_id: str, breaker: Any, expected: str) -> None:
    organism, documents = parts(project, organism_id)
    assert findings(rule_id, organism, documents) == [] or rule_id in {"gdpr-health-data"} and organism_id == "harmonie-mutuelle"
    broken, broken_documents = breaker(organism, documents)
    messages = findings(rule_id, broken, broken_documents)
    assert any(expected in m for m in messages), messages


def test_privacy_policy_required(project: Project) -> None:
    organism, documents = parts(project, "klesia")
    broken = dataclasses.replace(organism, documents=MappingProxyType({"cgu": organism.documents["cgu"]}))
    assert findings("gdpr-privacy-policy", broken, documents) and not findings("gdpr-privacy-policy", organism, documents)


def test_waiver_needs_a_justification(project: Project) -> None:
    organism, documents = parts(project, "partenamut")
    found, waived = check_organism(organism, documents)
    assert not found and len(waived) == 3
    unjustified = mutate(organism, lambda x: x["waivers"][0].update(justification=" "))
    found, _ = check_organism(unjustified, documents)
    assert {f.rule for f in found} == {"waiver-justification", "cookie-max-lifetime"}


def test_json_output(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--format", "json", "--project", str(ROOT)])
    assert result.exit_code == 0 and json.loads(result.output) == []


@pytest.mark.parametrize("number", ["538 518 473", "840 628 895", "775 659 907", "440 367 357"])
def test_real_sirens_pass(number: str) -> None:
    assert identifiers.siren_problem(number) is None


@pytest.mark.parametrize("number", ["0411.815.280", "411.766.483", "422.189.629"])
def test_real_bce_numbers_pass(number: str) -> None:
    assert identifiers.bce_problem(number) is None


def test_siret_including_la_poste() -> None:
    assert identifiers.siret_problem("732 829 320 00074") is None
    assert identifiers.siret_problem("356 000 000 00001") is None  # La Poste: digit sum a multiple of 5
    assert identifiers.siret_problem("732 829 320 00075") is not None


@given(st.integers(1, 500), st.sampled_from(["jours", "mois", "ans", "min", "heures"]))
def test_duration_parses_what_it_prints(amount: int, unit: str) -> None:
    duration = parse_duration(f"{amount} {unit}")
    months = {"mois": amount, "ans": amount * 12}.get(unit, 0)
    assert duration.months == months
    assert duration.at_most(13) == (months <= 13 if months else unit != "jours" or amount <= 395)


def test_cookie_export_matches_the_inventory(project: Project) -> None:
    organism = project.organisms["partenamut"]
    config = export_cookies(organism, "tarteaucitron")
    for cookie in organism.data["cookies"]:
        assert (f'"{cookie["name"]}"' in config) == bool(cookie["consent"])
    exported = json.loads(export_cookies(organism, "json"))
    assert [c["name"] for c in exported["cookies"]] == [c["name"] for c in organism.data["cookies"]]
    assert exported["cookies"][0]["lifetime"]["months"] == 24


def test_every_rule_is_documented() -> None:
    listed = (ROOT / "docs/rules.md").read_text(encoding="utf-8")
    assert all(f"`{rule_id}`" in listed for rule_id in RULES)
    assert rules_table() in listed, "docs/rules.md is stale: paste cgu.rules.rules_table() into it"


def test_unused_variable_warning(project: Project) -> None:
    from cgu.commands import unused_variables

    organism, _ = parts(project, "klesia")
    assert unused_variables(project, organism) == []
    with_extra = mutate(organism, lambda x: x.update(automated_decisions="Aucune décision automatisée."))
    privacy = dataclasses.replace(organism.documents["privacy"], clauses=tuple(c for c in organism.documents["privacy"].clauses if c != "profilage"))
    broken = dataclasses.replace(with_extra, documents=MappingProxyType({**organism.documents, "privacy": privacy}))
    warnings = unused_variables(project, broken)
    assert [(w.rule, w.severity) for w in warnings] == [("unused-variable", "warning")]
    assert "'automated_decisions' is defined but no clause of its documents uses it" in str(warnings[0])
