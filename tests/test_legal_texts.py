"""Date-aware legal references: a document may not cite a text before it existed, nor one already replaced."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from cgu.cli import main
from cgu.rules.values.legal_texts import BY_ID, LEGAL_TEXTS, legal_texts_table

ROOT = Path(__file__).resolve().parents[1]


def findings(project: Path, rule: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(main, ["check", "--project", str(project), "--format", "json"])
    return [f for f in json.loads(result.output) if f["rule"] == rule]


def write_droit(project: Path, body: str) -> None:
    clause = project / "clauses/droit.md"
    head = clause.read_text(encoding="utf-8").split("---\n")[1]
    clause.write_text(f"---\n{head}---\n{body}\n", encoding="utf-8")


def date_documents(project: Path, version: str) -> None:
    base = project / "organisms/base.yaml"
    text = re.sub(r"version: \S+", f"version: {version}", base.read_text(encoding="utf-8"))
    base.write_text(re.sub(r"effective: \S+", f"effective: {version}", text), encoding="utf-8")


def test_a_text_cited_through_the_registry_before_it_existed(mini: Path) -> None:
    write_droit(mini, "Les données sont traitées conformément au {{ law('rgpd') }}.")
    assert findings(mini, "legal-text-date") == [], "2024: the GDPR exists"
    date_documents(mini, "2015-06-11")
    found = findings(mini, "legal-text-date")
    assert [(f["path"], f["severity"], f["organism"]) for f in found] == [("clauses/droit.md", "error", "beta")]
    message = str(found[0]["message"])
    assert "the cgu dated 2015-06-11 cites, in clause 'droit', « 2016/679 »" in message
    assert "(règlement (UE) 2016/679 du 27 avril 2016 (RGPD)): adopted only on 2016-04-27" in message


def test_a_text_cited_in_plain_words_before_it_existed(mini: Path) -> None:
    write_droit(mini, "Les signalements suivent le règlement (UE) 2022/2065 et la loi du 30 juillet 2018.")
    date_documents(mini, "2022-04-01")
    found = findings(mini, "legal-text-date")
    cited = sorted(re.search(r"« (.*?) »", str(f["message"])).group(1) for f in found)  # type: ignore[union-attr]
    assert cited == ["2022/2065"], found  # the 2018 law existed in 2022; the DSA (19 October 2022) did not
    date_documents(mini, "2018-06-01")
    cited = sorted(re.search(r"« (.*?) »", str(f["message"])).group(1) for f in findings(mini, "legal-text-date"))  # type: ignore[union-attr]
    assert cited == ["2022/2065", "30 juillet 2018"]


def test_a_plain_citation_in_an_organism_value_is_found_too(mini: Path) -> None:
    beta = mini / "organisms/beta.yaml"
    beta.write_text(
        beta.read_text(encoding="utf-8").replace("law: belge", "law: belge (loi du 30 juillet 2018)"), encoding="utf-8"
    )
    date_documents(mini, "2015-06-11")
    found = findings(mini, "legal-text-date")
    assert [(f["path"], f["line"], f["organism"]) for f in found] == [("organisms/beta.yaml", 8, "beta")], found
    assert "in clause 'droit', « 30 juillet 2018 »" in str(found[0]["message"]), "the fact's line, the clause named"


def test_each_citation_is_reported_at_the_line_that_writes_it(mini: Path) -> None:
    write_droit(
        mini,
        "Les présentes conditions relèvent du droit {{ jurisdiction.law }}.\n\n"
        "{% if country == 'BE' %}\nLes signalements suivent le règlement (UE) 2022/2065.\n{% endif %}\n\n"
        "Les données sont traitées selon le\n{{ law('rgpd') }}.",
    )
    date_documents(mini, "2015-06-11")
    found = findings(mini, "legal-text-date")
    cited = sorted((f["line"], re.search(r"« (.*?) »", str(f["message"])).group(1)) for f in found)  # type: ignore[union-attr]
    assert [(f["path"]) for f in found] == ["clauses/droit.md", "clauses/droit.md"]
    assert cited == [(12, "2022/2065"), (16, "2016/679")], "the body starts at line 9 of clauses/droit.md"


def test_a_superseded_text_is_refused_and_its_replacement_named(mini: Path) -> None:
    write_droit(mini, "Les données sont protégées selon la directive 95/46/CE.")
    date_documents(mini, "2015-06-11")
    assert findings(mini, "legal-text-superseded") == [], "in 2015 the directive was the law"
    date_documents(mini, "2024-06-01")
    found = findings(mini, "legal-text-superseded")
    assert len(found) == 1 and found[0]["severity"] == "error"
    assert "replaced on 2018-05-25 by the règlement (UE) 2016/679" in str(found[0]["message"])


def test_in_force_lets_a_clause_cite_a_text_only_once_it_applies(mini: Path) -> None:
    write_droit(mini, "Signalements traités{% if in_force('dsa') %} selon le {{ law('dsa') }}{% endif %}.")
    date_documents(mini, "2022-04-01")
    assert findings(mini, "legal-text-date") == [] and findings(mini, "legal-text-applicable") == []
    out = mini / "out"
    assert (
        CliRunner().invoke(main, ["build", "--project", str(mini), "--format", "html", "--out", str(out)]).exit_code
        == 0
    )
    assert "2022/2065" not in (out / "beta/cgu-2022-04-01.html").read_text(encoding="utf-8")
    date_documents(mini, "2024-06-01")
    out = mini / "out2"
    assert (
        CliRunner().invoke(main, ["build", "--project", str(mini), "--format", "html", "--out", str(out)]).exit_code
        == 0
    )
    assert "règlement (UE) 2022/2065 du 19 octobre 2022" in (out / "beta/cgu-2024-06-01.html").read_text(
        encoding="utf-8"
    )


def test_an_unknown_text_id_is_an_error_at_its_line(mini: Path) -> None:
    write_droit(mini, "Texte.\n\nSelon le {{ law('rgdp') }}.")
    result = CliRunner().invoke(main, ["check", "--no-legal", "--project", str(mini)])
    assert result.exit_code == 1
    assert "clauses/droit.md:11: unknown legal text 'rgdp'; known: directive-95-46, rgpd" in (result.output)


def test_the_registry_is_consistent_and_documented() -> None:
    for text in LEGAL_TEXTS:
        assert text.adopted <= text.applicable, text.id
        assert (text.superseded_by is None) == (text.superseded_on is None), text.id
        if text.superseded_by:
            assert text.superseded_by in BY_ID and BY_ID[text.superseded_by].adopted <= text.superseded_on, text.id  # type: ignore[operator]
        assert text.country in ("EU", "FR", "BE")
        assert text.cited_in(text.title), f"{text.id}: its own title must be found by its patterns"
    assert legal_texts_table() in (ROOT / "docs/formats.md").read_text(encoding="utf-8"), (
        "docs/formats.md's table of legal texts is stale: paste cgu.rules.legal_texts.legal_texts_table() into it"
    )


def test_the_shipped_documents_cite_no_text_out_of_its_time() -> None:
    for rule in ("legal-text-date", "legal-text-superseded"):
        assert findings(ROOT, rule) == [], rule
