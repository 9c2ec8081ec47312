"""Facts left to be completed: a marker prints highlighted, `cgu check` lists it at file:line, a release refuses it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from click.testing import CliRunner

from cgu.cli import main
from cgu.compose.markers import markers_in_data, question_of, questions_in, shown

DIRECTOR = "à compléter : Qui est le directeur de la publication ?"


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


AUTHOR = {"GIT_AUTHOR_NAME": "Rédaction", "GIT_AUTHOR_EMAIL": "redaction@example.org"}
COMMITTER = {"GIT_COMMITTER_NAME": "Rédaction", "GIT_COMMITTER_EMAIL": "redaction@example.org"}


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **AUTHOR, **COMMITTER})


def test_a_marker_is_a_plain_string_with_its_question() -> None:
    assert question_of(DIRECTOR) == "Qui est le directeur de la publication ?"
    assert question_of("À compléter: Quel SIREN ?") == "Quel SIREN ?"
    assert question_of("à compléter") == ""
    assert question_of("Mutuelle à compléter plus tard") is None, "only a value that starts with the marker"
    assert question_of(42) is None
    assert shown("Quel SIREN ?") == "[à compléter\u00a0: Quel SIREN ?]"
    assert questions_in("Siège : [à compléter : Où ?], SIREN [À compléter\u00a0: Quel SIREN ?].") == [
        "Où ?",
        "Quel SIREN ?",
    ]
    data = {"transfers": [{"safeguard": "IP tronquée ; [à compléter : Quelle garantie ?]"}], "waivers": [DIRECTOR]}
    assert list(markers_in_data(data)) == [("transfers.0.safeguard", "Quelle garantie ?")], "waivers are prose"


def with_markers(mini: Path) -> None:
    """beta: its street unknown (a value); editeur: a sentence the writer has not written yet (a clause body)."""
    beta = mini / "organisms/beta.yaml"
    beta.write_text(
        beta.read_text(encoding="utf-8").replace(
            '"Boulevard Louis Mettewie 74/76"', '"à compléter : Quelle est l\'adresse du siège ?"'
        ),
        encoding="utf-8",
    )
    clause = mini / "clauses/editeur.md"
    clause.write_text(  # in the CGU only: the same article in both documents would be a repeated-article
        clause.read_text(encoding="utf-8")
        + '{% if document.kind == "cgu" %}\n'
        + "Directeur de la publication : [à compléter : Qui dirige la publication ?]\n{% endif %}\n",
        encoding="utf-8",
    )


def marker_line(mini: Path) -> int:
    """The line of the clause's marker that `with_markers` wrote."""
    lines = (mini / "clauses/editeur.md").read_text(encoding="utf-8").split("\n")
    return next(n for n, line in enumerate(lines, 1) if "Qui dirige la publication" in line)


def test_check_lists_each_marker_with_file_and_line(mini: Path) -> None:
    with_markers(mini)
    code, output = invoke("check", "--project", str(mini), "--format", "json")
    found = [f for f in json.loads(output) if f["rule"] == "fact-to-complete"]
    where = {(f["path"], f["line"], f["organism"]) for f in found}
    assert ("organisms/beta.yaml", 6, "beta") in where, found  # the street's line in the organism file
    assert ("clauses/editeur.md", marker_line(mini), "acme, beta") in where, (
        found
    )  # the clause's line, once for both organisms
    assert len(found) == 2, found
    street = next(f for f in found if f["path"] == "organisms/beta.yaml")
    assert "identity.address.street" in street["message"] and "« Quelle est l'adresse du siège ? »" in street["message"]
    assert all(f["severity"] == "warning" for f in found)


def test_a_marker_shows_highlighted_in_the_draft(mini: Path) -> None:
    with_markers(mini)
    code, output = invoke("build", "--project", str(mini), "--format", "html", "--out", str(mini / "out"))
    assert code == 0, output
    page = next((mini / "out/beta").glob("cgu-*.html")).read_text(encoding="utf-8")
    assert '<mark class="a-completer">[à compléter\u00a0: Quelle est l\u2019adresse du siège\u202f?]</mark>' in page, (
        page
    )
    assert '<mark class="a-completer">[à compléter\u00a0: Qui dirige la publication\u202f?]</mark>' in page
    assert "à compléter : Quelle est" not in page.replace("\u00a0", " ").split("<mark")[0], "never as a plain fact"


def test_a_release_that_still_has_a_marker_is_refused(mini: Path) -> None:
    with_markers(mini)
    git(mini, "init", "-q", "-b", "main")
    git(mini, "add", "-A")
    git(mini, "commit", "-q", "-m", "draft with questions")
    assert invoke("check", "--no-legal", "--project", str(mini))[0] == 0, "a draft may ask questions"
    beta = mini / "organisms/beta.yaml"
    beta.write_text(
        beta.read_text(encoding="utf-8")
        + "documents:\n  cgu:\n    releases:\n"
        + '      - {version: 2024-06-01, effective: 2024-06-15, material: false, summary: "Première."}\n',
        encoding="utf-8",
    )
    code, output = invoke("check", "--no-legal", "--project", str(mini))  # not committed: composed from the work tree
    assert code == 1, output
    refused = [line for line in output.splitlines() if "release-fact-to-complete" in line]
    assert len(refused) == 1 and refused[0].startswith("organisms/beta.yaml:12: release-fact-to-complete: "), output
    assert "release 2024-06-01 of the cgu still has 2 facts to complete" in refused[0]
    assert "« Qui dirige la publication ? »" in refused[0] and "« Quelle est l'adresse du siège ? »" in refused[0]
    git(mini, "commit", "-q", "-am", "release")
    code, output = invoke("check", "--no-legal", "--project", str(mini))
    assert code == 1 and "release-fact-to-complete" in output, output  # CI fails on the merge request

    answered = (
        beta.read_text(encoding="utf-8")
        .replace("à compléter : Quelle est l'adresse du siège ?", "Boulevard Louis Mettewie 74/76")
        .replace("  cgu:\n", "  cgu:\n    version: 2024-07-01\n    effective: 2024-07-15\n")
    )
    beta.write_text(
        answered + '      - {version: 2024-07-01, effective: 2024-07-15, material: false, summary: "Complète."}\n',
        encoding="utf-8",
    )
    clause = mini / "clauses/editeur.md"
    body = clause.read_text(encoding="utf-8")
    clause.write_text(body.replace("[à compléter : Qui dirige la publication ?]", "Jeanne Dupont"), encoding="utf-8")
    git(mini, "commit", "-q", "-am", "facts completed, released again")
    code, output = invoke("check", "--no-legal", "--project", str(mini))
    assert code == 0 and "fact-to-complete" not in output, output  # the new release answers; the first is history


def test_an_insurer_clause_in_a_non_insurer_document_is_refused(mini: Path) -> None:
    clause = mini / "clauses/droit.md"
    clause.write_text(
        clause.read_text(encoding="utf-8") + "\nLes droits à prestations relèvent du contrat.\n", encoding="utf-8"
    )
    code, output = invoke("check", "--project", str(mini), "--format", "json")
    found = [f for f in json.loads(output) if f["rule"] == "role-insurer"]
    assert [(f["path"], f["organism"], f["severity"]) for f in found] == [("clauses/droit.md", "beta", "error")], found
    assert "clause 'droit' of the cgu speaks as an insurer (« droits à prestations »)" in found[0]["message"]
    beta = mini / "organisms/beta.yaml"
    beta.write_text(
        beta.read_text(encoding="utf-8").replace(
            "  name: Beta Mutualité\n", "  name: Beta Mutualité\n  insurer: true\n"
        ),
        encoding="utf-8",
    )
    code, output = invoke("check", "--project", str(mini), "--format", "json")
    assert [f for f in json.loads(output) if f["rule"] == "role-insurer"] == [], "an insurer may speak as one"
