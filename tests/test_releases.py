"""Releases from real git repositories: pinned to the commit that declared them, drafts, sealing, notice, rewrites."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from click.testing import CliRunner
from conftest import FIXTURES, document_text
from helpers.git import commit_all, git
from helpers.releases import RELEASE_1, declare, edit, releases

from cgu.cli import main
from cgu.commands.build import build
from cgu.project import load_project
from cgu.release.acceptance import reaccept_needed
from cgu.release.book import read_book
from cgu.release.history import History


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
    edit(
        base,
        '      - {version: 2024-06-01, effective: 2024-06-15, material: true, summary: "Première publication."}\n',
        '      - {version: 2024-06-01, effective: 2024-06-15, material: true, summary: "Première publication."}\n'
        f'      - {{version: {today}, effective: {today + dt.timedelta(days=10)}, material: true, summary: "Nouvelle rédaction."}}\n',
    )
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


def seal_and_rewrite(repo: Path) -> None:
    """Seal the first release, then rewrite history: one orphan commit in which the released clause says something else."""
    sealed = releases(repo)[0][0].sha256
    edit(
        repo / "organisms/base.yaml",
        'summary: "Première publication."}',
        f'summary: "Première publication.", sha256: {sealed}}}',
    )
    commit_all(repo, "seal")
    assert not releases(repo)[1]
    edit(repo / "clauses/droit.md", "relèvent du droit", "dépendent du droit")
    git(repo, "checkout", "-q", "--orphan", "rewritten")
    commit_all(repo, "rewritten history")


def test_sealed_release_detects_rewritten_history(repo: Path) -> None:
    seal_and_rewrite(repo)
    _, problems = releases(repo)
    assert [p.rule for p in problems] == ["release-immutable"]
    assert "release 2024-06-01 of the cgu changed after publication" in problems[0].message
    assert problems[0].message.endswith("which still has the sealed text: clauses/droit.md"), problems[0].message
    result = CliRunner().invoke(main, ["check", "--no-legal", "--project", str(repo)])
    assert result.exit_code == 1 and "organisms/base.yaml:" in result.output and "release-immutable" in result.output


def test_rewrite_found_through_the_reflog_then_suspects_once_it_is_gone(repo: Path) -> None:
    seal_and_rewrite(repo)
    git(repo, "branch", "-D", "main")
    _, problems = releases(repo)
    assert problems[0].message.endswith("which still has the sealed text: clauses/droit.md"), (
        "the old commits survive in the reflog"
    )
    git(repo, "reflog", "expire", "--expire=now", "--all")
    git(repo, "gc", "-q", "--prune=now")
    _, problems = releases(repo)
    assert [p.rule for p in problems] == ["release-immutable"]
    assert (
        "history was rewritten in one of: clauses/cookies.md, clauses/droit.md, clauses/editeur.md, organisms/base.yaml, organisms/beta.yaml"
        in problems[0].message
    )


def test_an_organism_file_rewrite_is_named(repo: Path) -> None:
    sealed = releases(repo)[0][0].sha256
    edit(
        repo / "organisms/base.yaml",
        'summary: "Première publication."}',
        f'summary: "Première publication.", sha256: {sealed}}}',
    )
    commit_all(repo, "seal")
    git(repo, "checkout", "-q", "-b", "rewritten", "HEAD~2")
    edit(repo / "organisms/beta.yaml", "name: Beta Mutualité", "name: Beta Mutualité SA")
    git(repo, "commit", "-q", "-a", "--amend", "-m", "content, amended")
    git(repo, "cherry-pick", "main~1", "main")
    _, problems = releases(repo)
    assert [p.rule for p in problems] == ["release-immutable"]
    assert problems[0].message.endswith("which still has the sealed text: organisms/beta.yaml"), problems[0].message


def test_releases_command(repo: Path) -> None:
    result = CliRunner().invoke(main, ["releases", "beta", "cgu", "--project", str(repo)])
    assert result.exit_code == 0
    assert "2024-06-01  effective 2024-06-15  material" in result.output and "same as the last release" in result.output


def test_redline_between_release_and_draft(repo: Path, tmp_path: Path) -> None:
    edit(repo / "clauses/droit.md", "relèvent du droit", "sont soumises au droit")
    result = CliRunner().invoke(
        main, ["redline", "beta", "cgu", "--project", str(repo), "--out", str(tmp_path / "r"), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    produced = (tmp_path / "r/beta-cgu-redline-2024-06-01-to-draft.json").read_text(encoding="utf-8")
    assert '"kind": "modified"' in produced and "soumises" in produced
    missing = CliRunner().invoke(
        main, ["redline", "beta", "cgu", "--from", "2020-01-01", "--project", str(repo), "--out", str(tmp_path / "r")]
    )
    assert missing.exit_code == 1 and "no release 2020-01-01 of beta cgu; releases: 2024-06-01" in missing.output


def test_build_without_git_says_history_is_unavailable(tmp_path: Path) -> None:
    project = tmp_path / "plain"
    shutil.copytree(FIXTURES / "mini", project)
    edit(project / "organisms/base.yaml", "    version: 2024-06-01\n    effective: 2024-06-15\n", RELEASE_1)
    result = CliRunner().invoke(
        main, ["build", "--format", "html", "--project", str(project), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 0 and "history unavailable (not a git repository)" in result.output
    assert (tmp_path / "o/beta/cgu-2024-06-01.html").is_file()


def test_release_prepared_ahead_is_accepted_and_waits_for_its_version_date(repo: Path) -> None:
    edit(
        repo / "organisms/base.yaml",
        '      - {version: 2024-06-01, effective: 2024-06-15, material: true, summary: "Première publication."}\n',
        '      - {version: 2024-06-01, effective: 2024-06-15, material: true, summary: "Première publication."}\n'
        '      - {version: 2099-01-01, effective: 2099-03-01, material: false, summary: "Plus tard."}\n',
    )
    commit_all(repo, "future")
    found, problems = releases(repo)
    assert problems == []
    from cgu.release.lifecycle import lifecycle

    assert [r.spec.version.isoformat() for r in lifecycle(found, dt.date(2098, 12, 31)).published] == ["2024-06-01"]
    assert len(lifecycle(found, dt.date(2099, 1, 1)).published) == 2


def test_document_dates_must_be_the_newest_releases(repo: Path) -> None:
    edit(
        repo / "organisms/base.yaml",
        "    releases:\n",
        "    version: 2024-05-01\n    effective: 2024-06-15\n    releases:\n",
    )
    _, problems = releases(repo)
    assert [p.rule for p in problems] == ["release-dates"]
    assert (
        "the cgu is dated 2024-05-01 (effective 2024-06-15) but its newest release is 2024-06-01" in problems[0].message
    )
    assert problems[0].location.path == "organisms/base.yaml"


def test_notice_period_is_the_organisms_own(repo: Path) -> None:
    today = dt.date.today()
    edit(repo / "organisms/base.yaml", "abstract: true\n", "abstract: true\nnotice_days: 60\n")
    edit(repo / "clauses/droit.md", "relèvent du droit", "sont soumises au droit")
    declare(repo, today, today + dt.timedelta(days=30), True, "Nouvelle rédaction.")
    commit_all(repo, "material release with 30 days' notice, the organism asks for 60")
    _, problems = releases(repo)
    assert [p.rule for p in problems] == ["release-notice"]
    assert (
        f"cannot take effect before {today + dt.timedelta(days=60)} (published {today} + 60 days' notice)"
        in problems[0].message
    )
    edit(repo / "organisms/base.yaml", "notice_days: 60\n", "notice_days: 15\n")
    commit_all(repo, "a shorter notice")
    assert not releases(repo)[1], "30 days is enough for a 15-day notice"


def test_releases_command_gives_hash_and_commit(repo: Path) -> None:
    found, _ = releases(repo)
    result = CliRunner().invoke(main, ["releases", "beta", "cgu", "--project", str(repo)])
    assert result.exit_code == 0
    assert (
        f"2024-06-01  effective 2024-06-15  material   sha256 {found[0].sha256}  {found[0].commit[:10]}  Première publication."
        in result.output
    )


def test_draft_pdf_says_projet_on_every_page(repo: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    edit(
        repo / "clauses/droit.md",
        "relèvent du droit",
        "sont soumises au droit\n\n" + "Texte ajouté pour allonger. " * 600,
    )
    build(repo, tmp_path / "out", organism_ids=("beta",), kinds=("cgu",), formats=("pdf",))
    reader = PdfReader(tmp_path / "out/beta/cgu-2024-06-01.pdf")
    assert len(reader.pages) >= 2 and reader.metadata is not None and reader.metadata.title.startswith("Projet – ")
    for number, page in enumerate(reader.pages, start=1):
        assert (
            f"Conditions générales d’utilisation – Projet – Version du 1er juin 2024 page {number} / {len(reader.pages)}"
            in " ".join(page.extract_text().split())
        ), f"page {number} is marked as a draft"


def test_an_organism_added_after_its_bases_release_does_not_inherit_it(repo: Path, tmp_path: Path) -> None:
    """A mutuelle joining a deployment later never published the base's earlier texts: a warning, not a broken check."""
    gamma = (repo / "organisms/beta.yaml").read_text(encoding="utf-8").replace("Beta Mutualité", "Gamma Mutualité")
    (repo / "organisms/gamma.yaml").write_text(gamma, encoding="utf-8")
    commit_all(repo, "gamma joins")
    project = load_project(repo)
    book = read_book(project, History(repo))
    gamma = book.of("gamma", "cgu")
    assert gamma.releases == () and [(p.rule, p.severity, p.location.path) for p in gamma.problems] == [
        ("release-before-organism", "warning", "organisms/gamma.yaml")
    ]
    assert [r.spec.version.isoformat() for r in book.of("beta", "cgu").releases] == ["2024-06-01"]
    build(repo, tmp_path / "out", formats=("html",))
    assert (tmp_path / "out/beta/cgu/versions.json").is_file() and not (tmp_path / "out/gamma/cgu").exists()
    # the base's next release, declared once gamma exists, is gamma's first
    declare(repo, "2024-09-01", "2024-10-15", True, "Deuxième version.")
    commit_all(repo, "release 2024-09-01")
    gamma = read_book(load_project(repo), History(repo)).of("gamma", "cgu")
    assert [r.spec.version.isoformat() for r in gamma.releases] == ["2024-09-01"]
    assert [p.rule for p in gamma.problems if p.severity == "error"] == []


def test_releases_command_fails_on_an_invalid_release(repo: Path) -> None:
    """CI can run `cgu releases` as a gate: a release it prints as invalid makes it exit 1, after the listing."""
    today = dt.date.today()
    edit(repo / "clauses/droit.md", "relèvent du droit", "sont soumises au droit")
    declare(repo, today, today + dt.timedelta(days=10), True, "Nouvelle rédaction.")
    commit_all(repo, "a material release without its notice")
    result = CliRunner().invoke(main, ["releases", "beta", "cgu", "--project", str(repo)])
    assert result.exit_code == 1, result.output
    assert "2024-06-01  effective 2024-06-15  material" in result.stdout and "Nouvelle rédaction." in result.stdout
    assert "release-notice" in result.stderr and "Traceback" not in result.output
