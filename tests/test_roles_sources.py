"""Where a fact comes from: `sources:` per fact, `sources_required:` for chosen keys, `cgu vars` shows each source."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cgu.cli import main
from cgu.load.schema import source_of


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def add_to_beta(mini: Path, text: str) -> None:
    beta = mini / "organisms/beta.yaml"
    beta.write_text(beta.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_a_source_covers_its_fact_and_the_facts_under_it() -> None:
    data = {
        "identity": {"bce": "0411.815.280", "address": {"city": "Bruxelles"}},
        "sources": {
            "identity": "Banque-Carrefour des Entreprises",
            "identity.bce": {"document": "extrait BCE", "date": "2024-05-02", "url": "https://kbopub.economie.fgov.be"},
        },
    }
    assert source_of(data, "identity.bce") == "extrait BCE, 2024-05-02, https://kbopub.economie.fgov.be"
    assert source_of(data, "identity.address.city") == "Banque-Carrefour des Entreprises"
    assert source_of(data, "dpo.email") is None
    assert source_of({"identity": {"bce": "x"}}, "identity.bce") is None


def test_vars_shows_each_value_with_its_source(mini: Path) -> None:
    add_to_beta(mini, 'sources:\n  identity.bce: {document: "extrait BCE", date: 2024-05-02}\n')
    code, output = invoke("vars", "--project", str(mini), "beta")
    assert code == 0, output
    bce = next(line for line in output.splitlines() if line.startswith("identity.bce "))
    assert bce.endswith("[source: extrait BCE, 2024-05-02]"), bce
    name = next(line for line in output.splitlines() if line.startswith("identity.name "))
    assert "[source:" not in name


def test_check_requires_a_source_for_the_keys_listed(mini: Path) -> None:
    add_to_beta(mini, "sources_required: [identity]\nsources:\n  identity.address: courrier du siège\n")
    code, output = invoke("check", "--project", str(mini), "--format", "json")
    found = [f for f in json.loads(output) if f["rule"] == "fact-source-required"]
    keys = sorted(f["message"].split(" ")[0] for f in found)
    # the address is sourced; the name and BCE (beta's own) and the publication director (from the base) are not
    assert keys == ["identity.bce", "identity.name", "identity.publication_director"], found
    assert code != 0 and all(f["severity"] == "error" for f in found)
    assert {(f["path"], f["line"]) for f in found if f["path"] == "organisms/beta.yaml"} == {
        ("organisms/beta.yaml", 4),
        ("organisms/beta.yaml", 5),
    }
    assert [f["path"] for f in found if f["path"] != "organisms/beta.yaml"] == ["organisms/base.yaml"]


def test_a_sourced_fact_passes(mini: Path) -> None:
    add_to_beta(mini, "sources_required: [identity]\nsources:\n  identity: extrait de la Banque-Carrefour\n")
    code, output = invoke("check", "--project", str(mini), "--format", "json")
    assert not [f for f in json.loads(output) if f["rule"] == "fact-source-required"]


def test_a_fact_left_to_complete_needs_no_source(mini: Path) -> None:
    beta = mini / "organisms/beta.yaml"
    text = beta.read_text(encoding="utf-8").replace('"0411.815.280"', '"à compléter : Quel numéro BCE ?"')
    beta.write_text(
        text
        + "sources_required: [identity]\nsources:\n  identity.name: statuts\n  identity.address: statuts\n"
        + "  identity.publication_director: statuts\n"
    )
    code, output = invoke("check", "--project", str(mini), "--format", "json")
    assert not [f for f in json.loads(output) if f["rule"] == "fact-source-required"]


def test_a_clause_contradicting_a_declared_role_is_caught(mini: Path) -> None:
    clause = mini / "clauses/editeur.md"
    clause.write_text(
        clause.read_text(encoding="utf-8") + "Hébergeur Sûr est le responsable du traitement des données du site.\n",
        encoding="utf-8",
    )
    add_to_beta(mini, "roles:\n  - {party: Hébergeur Sûr, role: processor, processing: hébergement}\n")
    code, output = invoke("check", "--project", str(mini), "--format", "json")
    found = [f for f in json.loads(output) if f["rule"] == "role-contradicted"]
    assert code != 0 and len(found) == 1, found
    assert found[0]["path"] == "organisms/beta.yaml" and found[0]["organism"] == "beta"
    assert "calls Hébergeur Sûr « responsable du traitement », but roles.0 declares it processor" in found[0]["message"]


def test_a_clause_agreeing_with_the_declared_role_passes(mini: Path) -> None:
    clause = mini / "clauses/editeur.md"
    clause.write_text(
        clause.read_text(encoding="utf-8") + "Hébergeur Sûr agit comme sous-traitant de l'éditeur.\n", encoding="utf-8"
    )
    add_to_beta(mini, "roles:\n  - {party: Hébergeur Sûr, role: processor}\n")
    code, output = invoke("check", "--project", str(mini), "--format", "json")
    assert not [f for f in json.loads(output) if f["rule"] == "role-contradicted"]
