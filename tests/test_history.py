"""Git history in real temporary repositories: declaring commits, squash and rebase, exports, missing or partial history."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

from click.testing import CliRunner
from conftest import FIXTURES
from helpers.git import commit_all, git
from helpers.releases import RELEASE_1, RELEASED_1, declare, edit, releases

from cgu.cli import main
from cgu.release.book import text_hash
from cgu.release.history import History


def test_release_is_pinned_to_its_declaring_commit(repo: Path) -> None:
    found, problems = releases(repo)
    assert not problems and len(found) == 1
    assert found[0].commit == git(repo, "rev-list", "-n1", "HEAD")
    assert found[0].published is not None and found[0].published.date() == RELEASED_1, "the declaring commit's day"
    edit(repo / "clauses/droit.md", "relèvent du droit", "sont soumises au droit")
    commit_all(repo, "reword the law clause")
    again, _ = releases(repo)
    assert again[0].commit == found[0].commit and again[0].sha256 == found[0].sha256, (
        "the release keeps the clause as it was when declared"
    )
    assert "relèvent du droit" in again[0].document.canonical_text()


def test_squash_merge_and_rebase_keep_releases(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    edit(repo / "clauses/cookies.md", "Nous utilisons", "Le site utilise")
    commit_all(repo, "wording")
    declare(repo, dt.date.today(), dt.date.today(), False, "Reformulation.")
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
    found, problems = releases(repo)
    assert not problems and len(found) == 2 and found[-1].sha256 == text_hash(found[-1].document)


def test_rebased_declaration_is_pinned_to_its_new_commit(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    edit(repo / "clauses/cookies.md", "Nous utilisons", "Le site utilise")
    declare(repo, dt.date.today(), dt.date.today(), False, "Reformulation.")
    before = commit_all(repo, "declare on the branch")
    git(repo, "checkout", "-q", "main")
    edit(repo / "clauses/editeur.md", "Le site est édité par", "Ce site est édité par")
    commit_all(repo, "meanwhile on main")
    git(repo, "checkout", "-q", "feature")
    git(repo, "rebase", "-q", "main")
    found, problems = releases(repo)
    assert not problems and found[-1].commit != before and found[-1].commit == git(repo, "rev-parse", "HEAD")
    assert "Ce site est édité par" in found[-1].document.canonical_text(), (
        "the release holds main's change it was rebased on"
    )


def test_export_reads_git_objects_and_leaves_the_work_tree_alone(repo: Path) -> None:
    edit(repo / "clauses/droit.md", "relèvent du droit", "NON COMMITTED")
    status = git(repo, "status", "--porcelain")
    history = History(repo)
    exported = history.export("HEAD")
    assert "relèvent du droit" in (exported / "clauses/droit.md").read_text(encoding="utf-8")
    assert "NON COMMITTED" in (repo / "clauses/droit.md").read_text(encoding="utf-8")
    assert git(repo, "status", "--porcelain") == status
    git(repo, "commit", "-q", "--allow-empty", "-m", "same tree")
    assert History(repo).export("HEAD") == exported, "exports are cached by tree id"


def test_project_in_a_subfolder_of_the_repository(tmp_path: Path) -> None:
    outer = tmp_path / "monorepo"
    content = outer / "legal"
    shutil.copytree(FIXTURES / "mini", content)
    edit(content / "organisms/base.yaml", "    version: 2024-06-01\n    effective: 2024-06-15\n", RELEASE_1)
    git(outer, "init", "-q", "-b", "main")
    declared = commit_all(outer, "content and release")
    found, problems = releases(content)
    assert not problems and found[0].commit == declared
    assert (History(content).export(declared) / "organisms/base.yaml").is_file()


def test_declaring_commits_include_other_branches(repo: Path) -> None:
    first = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "other")
    edit(repo / "organisms/beta.yaml", "law: belge", "law: belge\n")
    other = commit_all(repo, "touch on another branch")
    git(repo, "checkout", "-q", "main")
    assert History(repo).declaring_commits("organisms/base.yaml", "cgu", dt.date(2024, 6, 1)) == [first]
    assert History(repo).changed_files(first, other, {"organisms/beta.yaml", "clauses/droit.md"}) == [
        "organisms/beta.yaml"
    ]


def test_without_git_history_is_unavailable(tmp_path: Path) -> None:
    project = tmp_path / "plain"
    shutil.copytree(FIXTURES / "mini", project)
    edit(project / "organisms/base.yaml", "    version: 2024-06-01\n    effective: 2024-06-15\n", RELEASE_1)
    assert History(project).unavailable == "not a git repository"
    result = CliRunner().invoke(main, ["check", "--no-legal", "--project", str(project)])
    assert result.exit_code == 0
    assert "history unavailable (not a git repository): building the working tree" in result.output
    releases_out = CliRunner().invoke(main, ["releases", "beta", "cgu", "--project", str(project)])
    assert "history unavailable (not a git repository)" in releases_out.output and "uncommitted" in releases_out.output


def test_empty_repository_with_releases_is_an_error(tmp_path: Path) -> None:
    project = tmp_path / "empty"
    shutil.copytree(FIXTURES / "mini", project)
    edit(project / "organisms/base.yaml", "    version: 2024-06-01\n    effective: 2024-06-15\n", RELEASE_1)
    git(project, "init", "-q")
    assert History(project).unavailable == "the git repository has no commits yet"
    result = CliRunner().invoke(main, ["check", "--no-legal", "--project", str(project)])
    assert result.exit_code == 1 and "release-no-commits" in result.output and "organisms/base.yaml:" in result.output


def test_shallow_clone_is_reported(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", repo.as_uri(), str(clone)], check=True, capture_output=True)
    assert History(clone).shallow
    result = CliRunner().invoke(main, ["check", "--no-legal", "--project", str(clone)])
    assert result.exit_code == 1 and "shallow git clone" in result.output
    assert "release-shallow" in result.output and "git fetch --unshallow" in result.output


def test_deep_enough_clone_checks_normally(repo: Path, tmp_path: Path) -> None:
    (repo / "README").write_text("x", encoding="utf-8")
    commit_all(repo, "after the release")
    clone = tmp_path / "deeper"
    subprocess.run(["git", "clone", "-q", "--depth", "3", repo.as_uri(), str(clone)], check=True, capture_output=True)
    found, problems = releases(clone)
    assert History(clone).shallow and not problems and found[0].commit == git(repo, "rev-parse", "HEAD~1")
