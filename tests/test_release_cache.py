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

from cgu.commands.build import build
from cgu.compose.composer import Composer
from cgu.project import load_project
from cgu.release.cache import ReleaseCache, signing_key

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
    assert len(entries(released)) == 7, "two past documents, one declaration, four working-tree documents"
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
