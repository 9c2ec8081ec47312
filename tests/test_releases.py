"""Releases from real git repositories: pinned to the commit that declared them, drafts, sealing, notice, rewrites."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from cgu.build import build, load_project
from cgu.cli import main
from cgu.history import History
from cgu.acceptance import reaccept_needed
from cgu.releases import load_releases, text_hash
from conftest import FIXTURES, document_text


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True,
                          env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                               "GIT_COMMITTER_EMAIL": "t@t", "HOME": str(repo), "PATH": "/usr/bin:/bin"}).stdout.strip()


def commit_all(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


RELEASE_1 = """    version: 2024-06-01
    effective: 2024-06-15
    releases:
      - {version: 2024-06-01, effective: 2024-06-15, material: true, summary: "Première publication."}
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(FIXTURES / "mini", target)
    git(target, "init", "-q", "-b", "main")
    commit_all(target, "content")
    base = target / "organisms/base.yaml"
    base.write_text(base.read_text(encoding="utf-8").replace("    version: 2024-06-01\n    effective: 2024-06-15\n", RELEASE_1, 1), encoding="utf-8")
    commit_all(target, "release 2024-06-01 of the cgu")
    return target


def releases(repo: Path, organism: str = "beta") -> tuple[list, list]:
    project = load_project(repo, (organism,), ("cgu",))
    document = project.documents[0]
    return load_releases(repo, document.organism, "cgu", History(repo), document)


def edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_release_is_pinned_to_its_declaring_commit(repo: Path) -> None:
    found, problems = releases(repo)
    assert not problems and len(found) == 1
    assert found[0].commit == git(repo, "rev-list", "-n1", "HEAD")
    edit(repo / "clauses/droit.md", "relèvent du droit", "sont soumises au droit")
    commit_all(repo, "reword the law clause")
    again, _ = releases(repo)
    assert again[0].sha256 == found[0].sha256, "the release keeps the clause as it was when declared"
    assert "relèvent du droit" in again[0].document.canonical_text()


def test_unreleased_changes_build_as_a_draft(repo: Path, tmp_path: Path) -> None:
    build(repo, tmp_path / "out", formats=("html",))
    assert "Projet" not in document_text(tmp_path / "out", "beta", "cgu")
    edit(repo / "clauses/droit.md", "relèvent du droit", "sont soumises au droit")
    build(repo, tmp_path / "out", formats=("html",))
    assert "Projet – Version du 1er juin 2024" in document_text(tmp_path / "out", "beta", "cgu")
    assert "Projet" not in document_text(tmp_path / "out", "acme", "cgu"), "acme overrides the edited clause"


def test_material_release_respects_the_notice_period(repo: Path) -> None:
    today = dt.date.today()
    base = repo / "organisms/base.yaml"
    edit(repo / "clauses/droit.md", "relèvent du droit", "sont soumises au droit")
    edit(base, '      - {version: 2024-06-01, effective: 2024-06-15, material: true, summary: "Première publication."}\n',
         '      - {version: 2024-06-01, effective: 2024-06-15, material: true, summary: "Première publication."}\n'
         f'      - {{version: {today}, effective: {today + dt.timedelta(days=10)}, material: true, summary: "Nouvelle rédaction."}}\n')
    commit_all(repo, "second release")
    _, problems = releases(repo)
    assert [p.rule for p in problems] == ["release-notice"]
    assert f"cannot take effect before {today + dt.timedelta(days=30)}" in problems[0].message
    result = CliRunner().invoke(main, ["check", "--no-legal", "--project", str(repo)])
    assert result.exit_code == 1 and "release-notice" in result.output
    edit(base, f"effective: {today + dt.timedelta(days=10)}", f"effective: {today + dt.timedelta(days=30)}")
    commit_all(repo, "fix the notice")
    found, problems = releases(repo)
    assert not problems and len(found) == 2 and reaccept_needed(found, found[0])


def test_sealed_release_detects_rewritten_history(repo: Path) -> None:
    sealed = releases(repo)[0][0].sha256
    base = repo / "organisms/base.yaml"
    edit(base, 'summary: "Première publication."}', f'summary: "Première publication.", sha256: {sealed}}}')
    commit_all(repo, "seal")
    assert not releases(repo)[1]
    # Rewrite history: one orphan commit in which the released clause says something else.
    edit(repo / "clauses/droit.md", "relèvent du droit", "dépendent du droit")
    git(repo, "checkout", "-q", "--orphan", "rewritten")
    commit_all(repo, "rewritten history")
    _, problems = releases(repo)
    assert [p.rule for p in problems] == ["release-immutable"]
    assert "release 2024-06-01 of the cgu changed after publication" in problems[0].message
    assert "clauses/droit.md" in problems[0].message


def test_squash_merge_and_rebase_keep_releases(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    edit(repo / "clauses/cookies.md", "Nous utilisons", "Le site utilise")
    commit_all(repo, "wording")
    base = repo / "organisms/base.yaml"
    edit(base, '      - {version: 2024-06-01, effective: 2024-06-15, material: true, summary: "Première publication."}\n',
         '      - {version: 2024-06-01, effective: 2024-06-15, material: true, summary: "Première publication."}\n'
         f'      - {{version: {dt.date.today()}, effective: {dt.date.today()}, material: false, summary: "Reformulation."}}\n')
    commit_all(repo, "declare")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--squash", "feature")
    squash = commit_all(repo, "squash merge")
    found, problems = releases(repo)
    assert not problems and found[-1].commit == squash and "Le site utilise" in found[-1].document.canonical_text()
    git(repo, "checkout", "-q", "feature")
    (repo / "README").write_text("x", encoding="utf-8")
    commit_all(repo, "unrelated")
    git(repo, "rebase", "-q", "main")
    found, _ = releases(repo)
    assert len(found) == 2 and found[-1].sha256 == text_hash(found[-1].document)


def test_without_git_history_is_unavailable(tmp_path: Path) -> None:
    project = tmp_path / "plain"
    shutil.copytree(FIXTURES / "mini", project)
    edit(project / "organisms/base.yaml", "    version: 2024-06-01\n    effective: 2024-06-15\n", RELEASE_1)
    assert History(project).unavailable == "not a git repository"
    result = CliRunner().invoke(main, ["check", "--no-legal", "--project", str(project)])
    assert result.exit_code == 0 and "history unavailable (not a git repository)" in result.output
    git(project, "init", "-q")
    assert History(project).unavailable == "the git repository has no commits yet"


def test_shallow_clone_is_reported(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", repo.as_uri(), str(clone)], check=True, capture_output=True)
    assert History(clone).shallow
    result = CliRunner().invoke(main, ["check", "--no-legal", "--project", str(clone)])
    assert "shallow git clone" in result.output


def test_releases_command(repo: Path) -> None:
    result = CliRunner().invoke(main, ["releases", "beta", "cgu", "--project", str(repo)])
    assert result.exit_code == 0
    assert "2024-06-01  effective 2024-06-15  material" in result.output and "same as the last release" in result.output


def test_build_writes_versions_changelog_and_redlines(repo: Path, tmp_path: Path) -> None:
    import json

    today = dt.date.today()
    edit(repo / "clauses/droit.md", "relèvent du droit", "sont soumises au droit")
    edit(repo / "organisms/base.yaml", '      - {version: 2024-06-01, effective: 2024-06-15, material: true, summary: "Première publication."}\n',
         '      - {version: 2024-06-01, effective: 2024-06-15, material: true, summary: "Première publication."}\n'
         f'      - {{version: {today}, effective: {today + dt.timedelta(days=30)}, material: true, summary: "Nouvelle rédaction du droit applicable."}}\n')
    commit_all(repo, "second release")
    out = tmp_path / "site"
    build(repo, out, formats=("html",))
    versions = json.loads((out / "beta/cgu/versions.json").read_text(encoding="utf-8"))
    assert versions["current"]["version"] == today.isoformat()
    first = versions["releases"][0]
    assert first["reaccept"] is True and first["redline_to_current"] == f"redline-2024-06-01-to-{today}.html"
    redline_page = (out / "beta/cgu" / first["redline_to_current"]).read_text(encoding="utf-8")
    assert "<del>" in redline_page and "relèvent" in redline_page and "soumises" in redline_page
    assert "Article 3 – Droit applicable" in (out / "beta/cgu/changelog.md").read_text(encoding="utf-8")
    receipt = tmp_path / "receipt.json"
    receipt.write_text(json.dumps({"organism": "beta", "document": "cgu", "release": "2024-06-01", "sha256": first["sha256"],
                                   "timestamp": "2024-07-01T10:00:00Z"}), encoding="utf-8")
    result = CliRunner().invoke(main, ["verify-receipt", str(receipt), "--project", str(repo)])
    assert result.exit_code == 0 and "valid: beta cgu release 2024-06-01" in result.output
    receipt.write_text(receipt.read_text(encoding="utf-8").replace(first["sha256"], "0" * 64), encoding="utf-8")
    result = CliRunner().invoke(main, ["verify-receipt", str(receipt), "--project", str(repo)])
    assert result.exit_code == 1 and "is not the hash of release 2024-06-01" in result.output
    changelog = CliRunner().invoke(main, ["changelog", "beta", "cgu", "--format", "json", "--project", str(repo)])
    assert json.loads(changelog.output)["releases"][0]["articles"] == [{"change": "modified", "id": "droit", "moved": False}]


def test_redline_between_release_and_draft(repo: Path, tmp_path: Path) -> None:
    edit(repo / "clauses/droit.md", "relèvent du droit", "sont soumises au droit")
    result = CliRunner().invoke(main, ["redline", "beta", "cgu", "--project", str(repo), "--out", str(tmp_path / "r"), "--format", "json"])
    assert result.exit_code == 0, result.output
    produced = (tmp_path / "r/beta-cgu-redline-2024-06-01-to-draft.json").read_text(encoding="utf-8")
    assert '"kind": "modified"' in produced and "soumises" in produced
    missing = CliRunner().invoke(main, ["redline", "beta", "cgu", "--from", "2020-01-01", "--project", str(repo), "--out", str(tmp_path / "r")])
    assert missing.exit_code == 1 and "no release 2020-01-01 of beta cgu; releases: 2024-06-01" in missing.output


def test_build_without_git_says_history_is_unavailable(tmp_path: Path) -> None:
    project = tmp_path / "plain"
    shutil.copytree(FIXTURES / "mini", project)
    edit(project / "organisms/base.yaml", "    version: 2024-06-01\n    effective: 2024-06-15\n", RELEASE_1)
    result = CliRunner().invoke(main, ["build", "--format", "html", "--project", str(project), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0 and "history unavailable (not a git repository)" in result.output
    assert (tmp_path / "o/beta/cgu-2024-06-01.html").is_file()


def test_release_dated_in_the_future_is_refused(repo: Path) -> None:
    edit(repo / "organisms/base.yaml", '      - {version: 2024-06-01, effective: 2024-06-15, material: true, summary: "Première publication."}\n',
         '      - {version: 2024-06-01, effective: 2024-06-15, material: true, summary: "Première publication."}\n'
         '      - {version: 2099-01-01, effective: 2099-03-01, material: false, summary: "Plus tard."}\n')
    commit_all(repo, "future")
    _, problems = releases(repo)
    assert [p.rule for p in problems] == ["release-future"]
    assert "release 2099-01-01 of the cgu is dated in the future" in problems[0].message
