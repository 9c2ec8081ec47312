"""Scaffolding and inspection: new organisms and clauses are valid at once; impact and vars tell the truth."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cgu.cli import main


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_new_organism_extending_a_base_builds(mini: Path) -> None:
    code, output = invoke("new", "organism", "mutuelle-du-lac", "--extends", "base", "--project", str(mini))
    assert code == 0, output
    text = (mini / "organisms/mutuelle-du-lac/organism.yaml").read_text(encoding="utf-8")
    assert "extends: base" in text and "#" in text
    code, output = invoke("check", "--no-legal", "--project", str(mini))
    assert code == 0, output
    assert "ok: 3 organisms, 6 documents" in output


def test_new_organism_refuses_to_overwrite_and_bad_ids(mini: Path) -> None:
    assert invoke("new", "organism", "beta", "--project", str(mini))[0] == 1
    code, output = invoke("new", "organism", "../evil", "--project", str(mini))
    assert code == 1 and "must be lower-case letters" in output
    assert not (mini.parent / "evil").exists()


def test_new_clause_is_valid_and_usable(mini: Path) -> None:
    code, output = invoke("new", "clause", "teleconsultation", "--project", str(mini))
    assert code == 0, output
    base = mini / "organisms/base.yaml"
    base.write_text(base.read_text(encoding="utf-8").replace("clauses: [editeur, cookies, droit]",
                                                             "clauses: [editeur, cookies, droit, teleconsultation]"), encoding="utf-8")
    code, output = invoke("check", "--no-legal", "--project", str(mini))
    assert code == 0, output


def test_impact_lists_affected_documents(mini: Path) -> None:
    assert invoke("impact", "clauses/droit.md", "--project", str(mini))[1].split("\n")[:1] == ["beta cgu"]
    code, output = invoke("impact", "organisms/acme/clauses/droit.md", "--project", str(mini))
    assert output.strip() == "acme cgu"
    code, output = invoke("impact", "themes/default/style.css", "--project", str(mini))
    assert output.split() == ["acme", "cgu", "acme", "privacy", "beta", "cgu", "beta", "privacy"]


def test_vars_shows_definition_and_use(mini: Path) -> None:
    code, output = invoke("vars", "beta", "--project", str(mini))
    assert code == 0
    lines = {line.split()[0]: line.split()[1:] for line in output.strip().split("\n")}
    assert lines["jurisdiction.law"][0] == "organisms/beta.yaml:8"
    assert lines["jurisdiction.courts"][0] == "organisms/base.yaml:5"
    assert "clauses/droit.md" in lines["jurisdiction.law"][1]
