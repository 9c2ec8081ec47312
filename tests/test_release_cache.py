"""The persistent cache of composed past releases: a rebuild reads it instead of recomposing history, and an entry that
is corrupt, tampered with or signed by someone else is ignored and rebuilt, the output byte for byte the same."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import FIXTURES
from helpers.git import commit_all, git

from cgu.builtin import BUILTIN_THEMES
from cgu.commands.build import build
from cgu.compose.composer import Composer
from cgu.errors import Problems
from cgu.project import load_project
from cgu.release.cache import ReleaseCache
from cgu.release.signing import signing_key

RELEASE = """    releases:
      - {version: 2024-06-01, effective: 2024-06-15, material: false, summary: "Première publication."}
"""


@pytest.fixture
def released(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The mini project with a committed release of the cgu, then an edit (so the working tree is a draft)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # this test's own signing key
    repo = tmp_path / "content"
    shutil.copytree(FIXTURES / "mini", repo)
    base = repo / "organisms/base.yaml"
    text = base.read_text(encoding="utf-8")
    base.write_text(text.replace("    version: 2024-06-01\n    effective: 2024-06-15\n", RELEASE, 1), encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    commit_all(repo, "release 2024-06-01")
    clause = repo / "clauses/droit.md"
    clause.write_text(clause.read_text(encoding="utf-8").replace("relèvent du droit", "sont soumises au droit"))
    return repo


def entries(repo: Path) -> list[Path]:
    return sorted((repo / ".git/cgu-cache").glob("*.json"))


def past_compositions(monkeypatch: pytest.MonkeyPatch, repo: Path, work_tree: list[str] | None = None) -> list[str]:
    """Records each composition made from a folder other than the working tree (a past commit's export), and those
    of the working tree in `work_tree`."""
    made: list[str] = []
    real = Composer.compose

    def counted(composer: Composer, organism, kind, draft=False):  # type: ignore[no-untyped-def]
        past = Path(composer.root).resolve() != repo.resolve()
        (made if past else work_tree if work_tree is not None else []).append(f"{organism.id}/{kind}")
        return real(composer, organism, kind, draft)

    monkeypatch.setattr(Composer, "compose", counted)
    return made


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_rebuild_reads_past_releases_from_the_cache(
    released: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work_tree: list[str] = []
    made = past_compositions(monkeypatch, released, work_tree)
    build(released, tmp_path / "first", formats=("html",))
    assert sorted(made) == ["acme/cgu", "beta/cgu"] and len(entries(released)) >= 2
    made.clear(), work_tree.clear()
    build(released, tmp_path / "second", formats=("html",))
    assert made == [], "nothing of history is recomposed when the cache holds it"
    assert work_tree == [], "nor the working tree, unchanged"
    clause = released / "clauses/droit.md"
    clause.write_text(clause.read_text(encoding="utf-8").replace("sont soumises", "restent soumises"))
    build(released, tmp_path / "edited", formats=("html",))
    assert work_tree == ["beta/cgu"], "an edited clause recomposes the documents that use it, and only those"
    assert "restent soumises" in (tmp_path / "edited/beta/cgu-2024-06-01.html").read_text(encoding="utf-8")
    assert snapshot(tmp_path / "first") == snapshot(tmp_path / "second")
    assert "Projet" in (tmp_path / "second/beta/cgu-2024-06-01.html").read_text(encoding="utf-8")


def forged(payload: str) -> str:
    """What a released text (or the commit said to declare it) would become if the entry were believed."""
    if '"markdown": "' in payload:
        return payload.replace('"markdown": "', '"markdown": "Texte qui ne fut jamais publié. ', 1)
    if '".html": "' in payload:  # a redline's pages
        return payload.replace('".html": "', '".html": "Modification qui ne fut jamais faite. ', 1)
    return json.dumps({"commit": None})  # a declaration entry: "this release was never declared"


@pytest.mark.parametrize(
    "damage", ["truncated", "not json", "text edited, signature kept", "signed with another key", "text re-signed"]
)
def test_a_damaged_cache_entry_is_ignored_and_rebuilt(
    released: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    build(released, tmp_path / "clean", formats=("html",))
    clean = snapshot(tmp_path / "clean")
    someone_else = ReleaseCache(tmp_path, b"another user's key, not ours....")
    assert len(entries(released)) == 8, (
        "two past documents, one declaration, four working-tree documents, the pages of the draft's redline"
    )
    for entry in entries(released):
        raw = entry.read_text(encoding="utf-8")
        data = json.loads(raw)
        if damage == "truncated":
            entry.write_text(raw[: len(raw) // 2], encoding="utf-8")
            continue
        if damage == "not json":
            entry.write_bytes(b"\x80\x00 garbage")
            continue
        if damage != "signed with another key":
            data["payload"] = forged(data["payload"])
        if damage != "text edited, signature kept":
            data["mac"] = someone_else.sign(data["identity"], data["payload"])
        entry.write_text(json.dumps(data), encoding="utf-8")
    work_tree: list[str] = []
    made = past_compositions(monkeypatch, released, work_tree)
    build(released, tmp_path / "after", formats=("html",))
    assert sorted(made) == ["acme/cgu", "beta/cgu"], "each damaged entry is recomposed from git"
    assert len(work_tree) == 4, "and each working-tree document composed again"
    assert snapshot(tmp_path / "after") == clean, "a damaged cache never changes the output"
    made.clear(), work_tree.clear()
    build(released, tmp_path / "again", formats=("html",))
    assert made == [] == work_tree and snapshot(tmp_path / "again") == clean, "the entries were written again, whole"


def test_a_document_comes_back_from_the_cache_exactly(released: Path, tmp_path: Path) -> None:
    project = load_project(released)
    key = signing_key()
    assert key is not None and os.stat(tmp_path / "config/cgu/cache.key").st_mode & 0o777 == 0o600
    cache = ReleaseCache(tmp_path / "cache", key)
    for document in project.documents:
        cache.put("tree", document.organism.id, document.kind, document, frozenset({"clauses/droit.md"}))
        assert cache.get("tree", document.organism.id, document.kind) == (document, frozenset({"clauses/droit.md"}))
    assert cache.get("another tree", "beta", "cgu") is None, "an entry is found by the tree it was composed from"
    odd = replace(project.documents[0], organism=replace(project.documents[0].organism, data={1: "one"}))
    cache.put("tree", "odd", "cgu", odd, frozenset())
    assert cache.get("tree", "odd", "cgu") is None, "what JSON cannot hold exactly is not cached"


def test_a_signing_key_others_can_read_disables_the_cache(released: Path, tmp_path: Path) -> None:
    assert signing_key() is not None
    os.chmod(tmp_path / "config/cgu/cache.key", 0o644)
    assert signing_key() is None


def test_what_each_clause_reads_is_learnt_once_then_kept(released: Path, tmp_path: Path) -> None:
    """`unused-variable` reads what each clause template reads: from the compiler's own pass when the run composed
    it (the same names as Jinja's introspection), else from the cache, never from an entry someone else signed."""
    import jinja2.meta

    from cgu.authoring import impact
    from cgu.commands.check import unused_variables
    from cgu.compose.composer import CLAUSE_SYNTAX, make_environment, standalone_tags_leave_no_line

    project = load_project(released)  # composes every document: each clause compiled in this run
    composer = Composer(project.root, project.library, Problems())
    bodies = {
        clause.body
        for organism in project.organisms.values()
        for spec in organism.documents.values()
        for clause in (composer.clause_for(organism, c) for c in spec.clauses)
        if clause is not None
    }
    assert len(bodies) >= 3
    for body in bodies:
        compiled = CLAUSE_SYNTAX.of(standalone_tags_leave_no_line(body))
        assert compiled is not None, "the composer kept the tree and the names it compiled"
        assert compiled[1] == jinja2.meta.find_undeclared_variables(make_environment()[0].parse(body))
    expected = {o.id: unused_variables(project, o) for o in project.organisms.values() if not o.abstract}
    key = signing_key()
    assert key is not None
    cache = ReleaseCache(tmp_path / "cache", key)
    for body in bodies:
        impact._paths_in.cache_clear()
        found = impact._paths_in(body, cache)
        assert cache.names_read(body) == found, "kept for the next run"
    CLAUSE_SYNTAX.trees.clear()  # a later run: nothing compiled (documents come from the cache)
    someone_else = ReleaseCache(cache.folder, b"another user's key, not ours....")
    forged_body = next(iter(bodies))
    someone_else.keep_names_read(forged_body, frozenset({"forged"}))
    assert cache.names_read(forged_body) is None, "an entry signed with another key is not believed"
    impact._paths_in.cache_clear()
    with_cache = replace(project, cache=cache)
    assert {o.id: unused_variables(with_cache, o) for o in project.organisms.values() if not o.abstract} == expected
    impact._paths_in.cache_clear()


def test_a_second_check_of_the_same_content_reads_its_findings_from_the_cache(
    released: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rules, unused variables, fonts and theme pages are found once for the same content (a check then a build),
    found again after any edit, and never read from an entry someone else signed; release problems every run."""
    from click.testing import CliRunner

    from cgu.cli import main
    from cgu.commands import check

    found: list[int] = []
    real = check._content_findings

    def counted(loaded, legal):  # type: ignore[no-untyped-def]
        found.append(1)
        return real(loaded, legal)

    monkeypatch.setattr(check, "_content_findings", counted)

    def run() -> str:
        result = CliRunner().invoke(main, ["check", "--project", str(released)])
        assert result.exit_code == 0, result.output
        return result.output

    first = run()
    assert found == [1] and run() == first and found == [1], "the same content: its findings come from the cache"
    organism = released / "organisms/beta.yaml"
    organism.write_text(organism.read_text(encoding="utf-8") + "extra:\n  slogan: Toujours là.\n", encoding="utf-8")
    edited = run()
    assert found == [1, 1] and "warning: unused-extra:" in edited and "slogan" in edited
    theme = released / "themes/default"
    shutil.copytree(BUILTIN_THEMES / "default", theme)
    page = theme / "document.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", "{{ not_a_value }}</body>"), "utf-8")
    result = CliRunner().invoke(main, ["check", "--project", str(released)])
    assert len(found) == 3 and result.exit_code == 1 and "not_a_value" in result.output, "a theme edit is seen"
    page.write_text(page.read_text(encoding="utf-8").replace("{{ not_a_value }}", ""), "utf-8")
    assert run() == edited and len(found) == 4
    someone_else = ReleaseCache(tmp_path, b"another user's key, not ours....")
    for entry in entries(released):
        data = json.loads(entry.read_text(encoding="utf-8"))
        if '"organisms"' in data["payload"] and '"pages"' in data["payload"]:
            data["payload"] = json.dumps({"organisms": [], "pages": [], "waived": []})
            data["mac"] = someone_else.sign(data["identity"], data["payload"])
            entry.write_text(json.dumps(data), encoding="utf-8")
    assert run() == edited and len(found) == 5, "a findings entry signed with another key is not believed"


def test_a_publish_that_changed_nothing_keeps_its_bundles_without_zipping_them_again(
    released: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import zipfile

    from cgu.commands.publish import publish
    from cgu.release.lifecycle import today

    site = tmp_path / "site"
    publish(released, site, 1, today(None))
    bundles = {p.name: p.read_bytes() for p in sorted((site / "bundles").glob("*.zip"))}
    assert sorted(bundles) == ["acme.zip", "all.zip", "beta.zip"]
    zipped: list[str] = []
    real = zipfile.ZipFile.writestr

    def counted(archive, info, data, *args, **kwargs):  # type: ignore[no-untyped-def]
        zipped.append(getattr(info, "filename", info))
        return real(archive, info, data, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", counted)
    publish(released, site, 1, today(None))
    assert not [z for z in zipped if z == "manifest.json"], "no bundle zipped again: the same bytes kept"
    assert {p.name: p.read_bytes() for p in sorted((site / "bundles").glob("*.zip"))} == bundles
    (site / "bundles/beta.zip").write_bytes(bundles["beta.zip"] + b"edited by hand")
    publish(released, site, 1, today(None))
    assert zipped.count("manifest.json") == 1, "the edited bundle, and only it, is zipped again"
    assert (site / "bundles/beta.zip").read_bytes() == bundles["beta.zip"]


def test_a_rebuild_reads_the_redline_pages_from_the_cache_and_never_a_stale_one(
    released: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cgu.release import changelog

    rendered: list[int] = []
    real = changelog.render_html_fragment

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        rendered.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(changelog, "render_html_fragment", counted)
    build(released, tmp_path / "first", formats=("html",))
    assert rendered, "the draft's changes since the release are a redline"
    rendered.clear()
    build(released, tmp_path / "second", formats=("html",))
    assert rendered == [] and snapshot(tmp_path / "first") == snapshot(tmp_path / "second")
    clause = released / "clauses/droit.md"
    clause.write_text(clause.read_text(encoding="utf-8").replace("sont soumises", "restent soumises"))
    build(released, tmp_path / "edited", formats=("html",))
    assert rendered, "a draft edited again is compared again"
    monkeypatch.setattr(ReleaseCache, "in_git_folder", classmethod(lambda cls, folder: None))
    build(released, tmp_path / "uncached", formats=("html",))
    assert snapshot(tmp_path / "edited") == snapshot(tmp_path / "uncached")
    pages = [p for p in snapshot(tmp_path / "edited") if p.endswith("-to-draft.html")]
    assert pages and "restent" in (tmp_path / "edited" / pages[0]).read_text(encoding="utf-8")
