"""`cgu check --strict`: what CI asks of a repository where nothing may stay open (warnings, unlisted clauses)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from helpers.project import cgu_in_process, replace_in

from cgu.builtin import STARTER_CLAUSES


def cgu(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return cgu_in_process(project, *args)


UNLISTED = (
    "clauses/teleconsultation.md:1: warning: unused-clause: no document lists the clause 'teleconsultation': "
    "add it to a document's 'clauses' or delete the file\n"
)


def test_a_new_clause_no_document_lists_fails_only_the_strict_check(mini: Path) -> None:
    assert cgu(mini, "check", "--strict").returncode == 0, "the fixture has nothing open"
    assert cgu(mini, "new", "clause", "teleconsultation").returncode == 0
    day_to_day = cgu(mini, "check")
    assert day_to_day.returncode == 0 and day_to_day.stderr == "", day_to_day.stderr
    strict = cgu(mini, "check", "--strict")
    assert strict.returncode == 1 and strict.stdout == ""
    assert strict.stderr == UNLISTED + ("1 warning fails the check under --strict: fix each one above\n")
    as_json = cgu(mini, "check", "--strict", "--format", "json")
    assert as_json.returncode == 1 and as_json.stderr == ""
    assert [(f["path"], f["rule"], f["severity"]) for f in json.loads(as_json.stdout)] == [
        ("clauses/teleconsultation.md", "unused-clause", "warning")
    ]
    replace_in(
        mini / "organisms/base.yaml",
        "clauses: [editeur, cookies, droit]",
        "clauses: [editeur, cookies, droit, teleconsultation]",
    )
    assert cgu(mini, "check", "--strict").returncode == 0, "listed, it is checked and published"


def test_warnings_fail_the_strict_check(mini: Path) -> None:
    replace_in(mini / "organisms/beta.yaml", "law: belge", 'law: "à compléter : Quel droit s\'applique ?"')
    day_to_day = cgu(mini, "check")
    assert day_to_day.returncode == 0 and ": warning: fact-to-complete: " in day_to_day.stderr
    assert "1 warning," in day_to_day.stdout
    strict = cgu(mini, "check", "--strict")
    assert strict.returncode == 1 and strict.stdout == ""
    assert strict.stderr.splitlines()[:-1] == day_to_day.stderr.splitlines(), "the same findings, then why it failed"
    assert strict.stderr.splitlines()[-1].startswith("1 warning fails the check under --strict")


def test_an_organisms_own_unlisted_variant_fails_the_strict_check(mini: Path) -> None:
    own = mini / "organisms/acme/clauses/editeur-court.md"
    own.write_text(
        (mini / "clauses/editeur.md").read_text(encoding="utf-8").replace("id: editeur", "id: editeur-court"),
        encoding="utf-8",
    )
    strict = cgu(mini, "check", "--strict")
    assert strict.returncode == 1
    assert strict.stderr.splitlines()[0] == (
        "organisms/acme/clauses/editeur-court.md:1: warning: unused-clause: no document lists the clause "
        "'editeur-court': add it to a document's 'clauses' or delete the file"
    )


def test_the_starter_library_as_shipped_is_in_reserve(mini: Path) -> None:
    """`cgu init` copies the whole library: its clauses no organism lists yet are not forgotten work, until edited."""
    shutil.copy2(STARTER_CLAUSES / "force-majeure.md", mini / "clauses/force-majeure.md")
    assert cgu(mini, "check", "--strict").returncode == 0
    replace_in(mini / "clauses/force-majeure.md", "\n\n", "\n\nNotre propre rédaction.\n\n")
    strict = cgu(mini, "check", "--strict")
    assert strict.returncode == 1 and "clauses/force-majeure.md:1: warning: unused-clause: " in strict.stderr


def test_an_organisms_own_translations_are_their_clauses_not_unlisted_clauses(tmp_path: Path) -> None:
    """`organisms/<id>/clauses/x.nl.md` translates `x.md` beside it: listed with it, never an unused clause of its own
    (as the shipped Partenamut's Dutch clauses are); an unlisted clause and its translation are one warning."""
    from cgu.rules.translations import blob_id
    from tests.helpers.bilingual import FIXTURE
    from tests.helpers.git import commit_all, git

    project = tmp_path / "content"
    shutil.copytree(FIXTURE, project)
    own = project / "organisms/ebm/clauses"
    own.mkdir()
    for name in ("objet.md", "objet.nl.md"):  # the organism's own clause, with its Dutch translation beside it
        (project / "clauses" / name).rename(own / name)
    for source, translation in (
        (own / "objet.md", own / "objet.nl.md"),
        (project / "clauses/droits.md", project / "clauses/droits.nl.md"),
        (project / "organisms/ebm/organism.yaml", project / "organisms/ebm/organism.nl.yaml"),
    ):
        replace_in(translation, "SOURCE", blob_id(source.read_bytes()))
    git(project, "init", "-q")
    commit_all(project, "French and Dutch, the object clause the organism's own")
    listed = cgu(project, "check", "--strict")
    assert listed.returncode == 0 and listed.stderr == "", listed.stderr

    for name in ("objet.md", "objet.nl.md"):  # the same pair, as a variant no document lists
        (own / name.replace("objet", "objet-court")).write_text((own / name).read_text(encoding="utf-8"), "utf-8")
    replace_in(own / "objet-court.md", "id: objet", "id: objet-court")
    unlisted = cgu(project, "check", "--strict")
    assert unlisted.returncode == 1
    assert [line for line in unlisted.stderr.splitlines() if "unused-clause" in line] == [
        "organisms/ebm/clauses/objet-court.md:1: warning: unused-clause: no document lists the clause 'objet-court': "
        "add it to a document's 'clauses' or delete the file"
    ], unlisted.stderr
