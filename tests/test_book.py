"""One run, one truth: a build or a publication loads the working tree once and composes each past release at most once,
from a real git repository with two releases; the release book is what every stage reads."""

from __future__ import annotations

import collections
import shutil
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES
from helpers.git import commit_all, git

import cgu.project
from cgu.commands.build import build
from cgu.commands.publish import publish
from cgu.compose.composer import Composer
from cgu.project import load_project
from cgu.release.book import read_book
from cgu.release.history import History

RELEASES = """    releases:
      - {version: 2024-06-01, effective: 2024-06-15, material: false, summary: "Première publication."}
"""
SECOND = """      - {version: 2024-09-01, effective: 2024-10-15, material: false, summary: "Droit applicable précisé."}
"""


@pytest.fixture
def released(tmp_path: Path) -> Path:
    """The mini project with two committed releases of the cgu (declared in the base, so beta and acme inherit them)."""
    repo = tmp_path / "content"
    shutil.copytree(FIXTURES / "mini", repo)
    git(repo, "init", "-q", "-b", "main")
    base = repo / "organisms/base.yaml"
    text = base.read_text(encoding="utf-8")
    base.write_text(text.replace("    version: 2024-06-01\n    effective: 2024-06-15\n", RELEASES, 1), encoding="utf-8")
    commit_all(repo, "release 2024-06-01")
    clause = repo / "clauses/droit.md"
    clause.write_text(clause.read_text(encoding="utf-8").replace("relèvent du droit", "sont soumises au droit"))
    base.write_text(base.read_text(encoding="utf-8").replace(RELEASES, RELEASES + SECOND), encoding="utf-8")
    commit_all(repo, "release 2024-09-01")
    return repo


class Counter:
    """Counts, in a real run, each `load_project` call by project folder and each composition by (folder, document)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, work_tree: Path) -> None:
        self.work_tree = work_tree.resolve()
        self.loads: collections.Counter[str] = collections.Counter()
        self.compositions: collections.Counter[tuple[str, str, str]] = collections.Counter()
        real_load, real_compose = cgu.project.load_project, Composer.compose

        def counted_load(root: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
            self.loads[self.name(root)] += 1
            return real_load(root, *args, **kwargs)

        def counted_compose(composer: Composer, organism, kind, draft=False):  # type: ignore[no-untyped-def]
            self.compositions[(self.name(composer.root), organism.id, kind)] += 1
            return real_compose(composer, organism, kind, draft)

        for module in list(sys.modules.values()):  # wherever it was imported by name
            if getattr(module, "load_project", None) is real_load and module.__name__.startswith("cgu"):
                monkeypatch.setattr(module, "load_project", counted_load)
        monkeypatch.setattr(Composer, "compose", counted_compose)

    def name(self, root: Path) -> str:
        return "work tree" if Path(root).resolve() == self.work_tree else f"past {Path(root).name[:10]}"

    def past(self) -> dict[tuple[str, str, str], int]:
        return {key: n for key, n in self.compositions.items() if key[0] != "work tree"}


def test_a_build_loads_the_work_tree_once_and_each_past_release_at_most_once(
    released: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter = Counter(monkeypatch, released)
    result = build(released, tmp_path / "out", formats=("html",))
    assert counter.loads["work tree"] == 1
    assert set(counter.compositions.values()) == {1}, f"a document composed twice: {counter.compositions}"
    # two releases, each inherited by beta and acme: at most one composition per (release, organism)
    assert len(counter.past()) <= 4 and len({key[0] for key in counter.past()}) == 2, counter.past()
    assert sum(n for key, n in counter.loads.items() if key != "work tree") <= 4
    beta = result.book.of("beta", "cgu")
    assert [r.spec.version.isoformat() for r in beta.published] == ["2024-06-01", "2024-09-01"] and not beta.draft
    assert (tmp_path / "out/beta/cgu/versions.json").is_file()


@pytest.mark.slow
def test_a_publication_extends_its_build_instead_of_redoing_it(
    released: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter = Counter(monkeypatch, released)
    publish(released, tmp_path / "site")
    assert counter.loads["work tree"] == 1
    assert set(counter.compositions.values()) == {1}, f"a document composed twice: {counter.compositions}"
    assert len(counter.past()) <= 4
    assert (tmp_path / "site/beta/cgu/releases/2024-06-01.pdf").is_file()


def test_the_book_says_which_documents_are_drafts_without_reading_any_output(released: Path) -> None:
    clause = released / "clauses/droit.md"
    clause.write_text(clause.read_text(encoding="utf-8").replace("sont soumises", "restent soumises"))
    project = load_project(released)
    book = read_book(project, History(released))
    assert book.drafts == {"beta/cgu"}, "acme overrides the edited clause; privacy has no release"
    assert [d.draft for d in book.mark_drafts(project).documents if d.organism.id == "beta"] == [True, False]
    assert book.of("beta", "privacy").releases == () and book.of("beta", "privacy").state == ""
    assert book.of("beta", "cgu").state.startswith("2024-06-01@") and "uncommitted" not in book.of("beta", "cgu").state


def test_each_clause_template_is_compiled_once_per_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """A library clause composed for several organisms reuses its compiled code (the same source, the same code)."""
    import jinja2

    from cgu.compose import composer

    monkeypatch.setattr(composer, "_COMPILED", composer.CompiledClauses())
    compiled: list[str] = []
    original = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):  # type: ignore[no-untyped-def]
        compiled.append(str(name))
        return original(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    for _ in range(2):
        env, loader = composer.make_environment()
        loader.sources["clauses/a.md"] = "Bonjour {{ name }}."
        assert env.get_template("clauses/a.md").render(name="Marie") == "Bonjour Marie."
    env, loader = composer.make_environment()
    loader.sources["clauses/a.md"] = "Au revoir {{ name }}."
    assert env.get_template("clauses/a.md").render(name="Marie") == "Au revoir Marie."
    assert compiled == ["clauses/a.md", "clauses/a.md"]


def test_the_translation_rule_asks_the_book_what_is_released(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Dutch translation behind its source: an error when the book says the French text is being released, a
    warning when it says nothing is (a draft); the rule hashes no text itself (issue 10: each thing computed once)."""
    from cgu.commands.check import being_released, project_findings
    from cgu.release.book import ReleaseBook
    from cgu.release.seal import text_hash
    from cgu.rules.translations import blob_id, translation_problems

    project = tmp_path / "content"
    shutil.copytree(FIXTURES / "bilingual", project)
    for source, translation in (
        ("clauses/objet.md", "clauses/objet.nl.md"),
        ("clauses/droits.md", "clauses/droits.nl.md"),
        ("organisms/ebm/organism.yaml", "organisms/ebm/organism.nl.yaml"),
    ):
        text = (project / translation).read_text(encoding="utf-8")
        (project / translation).write_text(text.replace("SOURCE", blob_id((project / source).read_bytes())), "utf-8")
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "French and Dutch")
    droits = project / "clauses/droits.md"
    droits.write_text(droits.read_text(encoding="utf-8").replace("de portabilité.", "de portabilité des données."))
    commit_all(project, "the French moves on")
    privacy = next(d for d in load_project(project).documents if d.kind == "privacy")
    organism = project / "organisms/ebm/organism.yaml"
    organism.write_text(
        organism.read_text(encoding="utf-8").replace(
            "    clauses: [objet, droits]\n",
            "    clauses: [objet, droits]\n    releases:\n      - {version: 2025-06-01, effective: 2025-06-01, "
            f'material: false, summary: "Première version.", sha256: {text_hash(privacy)}}}\n',
        ),
        encoding="utf-8",
    )
    commit_all(project, "the privacy policy released, its Dutch behind")
    loaded, history = load_project(project), History(project)
    book = read_book(loaded, history)
    assert not book.of("ebm", "privacy").draft

    hashed: list[str] = []

    def counted(document):  # type: ignore[no-untyped-def]
        hashed.append(f"{document.organism.id}/{document.kind}")
        return text_hash(document)

    for module in list(sys.modules.values()):  # wherever it was imported by name
        if getattr(module, "text_hash", None) is text_hash and module.__name__.startswith("cgu"):
            monkeypatch.setattr(module, "text_hash", counted)
    stale = [(p.rule, p.severity) for p in translation_problems(loaded, history, being_released(loaded, book))]
    assert stale == [("translation-stale", "error")], stale
    assert hashed == [], "the rule hashed a text the book had hashed"
    behind = [
        (p.rule, p.severity) for p in translation_problems(loaded, history, being_released(loaded, ReleaseBook()))
    ]
    assert behind == [("translation-behind", "warning")], behind
    read_book(loaded, history)
    by_the_book, hashed[:] = list(hashed), []
    findings = project_findings(loaded)[0]  # what `cgu check` reports: it reads the book once, the rule hashes nothing
    assert [p.rule for p in findings if p.rule.startswith("translation")] == ["translation-stale"]
    assert by_the_book and hashed == by_the_book, "a text hashed outside the release book"
