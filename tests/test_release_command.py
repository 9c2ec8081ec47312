"""`cgu release` on real git repositories: declared, sealed and committed in one commit, accepted by `cgu check`."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES
from helpers.project import FIXED_GIT_ENV, committed_copy

from cgu.cli import main
from cgu.errors import CguError
from cgu.model import ReleaseSpec, SourceLocation
from cgu.project import load_project
from cgu.release.book import read_book
from cgu.release.declare import Planned, declare, plan
from cgu.release.history import History

GIT_ENV = FIXED_GIT_ENV


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return committed_copy(FIXTURES / "mini", tmp_path, monkeypatch)


def release(repo: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["release", "--project", str(repo), "--date", "2026-12-02", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def check(repo: Path, day: str = "2026-12-02") -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", "--project", str(repo), "--date", day])
    return result.exit_code, result.output


def book_entry(repo: Path):  # type: ignore[no-untyped-def]
    loaded = load_project(repo, ("beta",), ("cgu",))
    return read_book(loaded, History(repo)).of("beta", "cgu")


def test_first_release_is_declared_sealed_and_committed_in_one_commit(repo: Path) -> None:
    before = git(repo, "rev-parse", "HEAD")
    code, output = release(repo, "beta", "cgu", "--material", "--summary", "Première publication.")
    assert code == 0, output
    assert output.startswith(
        "release 2026-12-02 of the cgu of beta declared in organisms/beta.yaml, effective 2026-12-02"
    )
    assert git(repo, "rev-parse", "HEAD~1") == before  # exactly one new commit
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == ["organisms/beta.yaml"]
    assert git(repo, "status", "--porcelain") == ""
    entry = book_entry(repo)
    (only,) = entry.releases
    assert only.commit == git(repo, "rev-parse", "HEAD")
    assert only.spec.sha256 == only.sha256  # the seal is the committed text's hash
    assert entry.problems == () and not entry.draft
    assert check(repo)[0] == 0


def test_second_release_keeps_comments_and_defaults_to_the_notice_period(repo: Path) -> None:
    assert release(repo, "beta", "cgu", "--material", "--summary", "Première publication.")[0] == 0
    beta = repo / "organisms/beta.yaml"
    beta.write_text(beta.read_text(encoding="utf-8").replace("jurisdiction:", "# droit belge\njurisdiction:"))
    (repo / "clauses/droit.md").write_text((repo / "clauses/droit.md").read_text() + "\nUne phrase de plus.\n")
    git(repo, "commit", "-q", "-am", "edit")
    code, output = release(
        repo, "beta", "cgu", "--material", "--summary", "Une phrase de plus.", "--version", "2026-12-05"
    )
    assert code == 0, output
    assert "effective 2027-01-04" in output  # 2026-12-05 + 30 days' notice
    text = beta.read_text(encoding="utf-8")
    assert "# droit belge\n" in text and "    version: 2026-12-05\n    effective: 2027-01-04\n" in text
    assert [r.spec.version.isoformat() for r in book_entry(repo).releases] == ["2026-12-02", "2026-12-05"]
    assert check(repo) == (0, check(repo)[1]) and "release-" not in check(repo)[1]


def test_refusals_are_one_clear_message_and_leave_the_file_unchanged(repo: Path) -> None:
    beta = repo / "organisms/beta.yaml"
    original = beta.read_text(encoding="utf-8")
    code, output = release(repo, "nope", "cgu", "--material", "--summary", "x")
    assert code == 1 and "no organism 'nope'; known: acme, base, beta" in output
    code, output = release(repo, "beta", "cgu", "--summary", "x")
    assert code == 1 and "--material (they must) or --form" in output
    assert release(repo, "beta", "cgu", "--material", "--summary", "Première publication.")[0] == 0
    released = beta.read_text(encoding="utf-8")
    code, output = release(repo, "beta", "cgu", "--material", "--summary", "x")
    assert code == 1 and "nothing changed in the cgu of beta since release 2026-12-02" in output
    (repo / "clauses/droit.md").write_text((repo / "clauses/droit.md").read_text() + "\nAjout.\n")
    code, output = release(repo, "beta", "cgu", "--material", "--summary", "x", "--version", "2026-12-03")
    assert code == 1 and "clauses/droit.md: uncommitted changes in clauses/droit.md" in output
    git(repo, "commit", "-q", "-am", "edit")
    code, output = release(
        repo, "beta", "cgu", "--material", "--summary", "x", "--version", "2026-12-03", "--effective", "2026-12-10"
    )
    assert (
        code == 1
        and (
            "--effective: release 2026-12-03 of the cgu needs re-acceptance, so it cannot take effect before 2027-01-02 "
            "(published 2026-12-03 + 30 days' notice)"
        )
        in output
    )
    assert beta.read_text(encoding="utf-8") == released != original
    assert git(repo, "status", "--porcelain") == ""


def test_form_only_release_takes_effect_at_once_and_no_commit_leaves_it_uncommitted(repo: Path) -> None:
    assert release(repo, "beta", "cgu", "--material", "--summary", "Première publication.")[0] == 0
    (repo / "clauses/droit.md").write_text((repo / "clauses/droit.md").read_text() + "\nCoquille.\n")
    git(repo, "commit", "-q", "-am", "typo")
    head = git(repo, "rev-parse", "HEAD")
    code, output = release(
        repo, "beta", "cgu", "--form", "--summary", "Coquille.", "--version", "2026-12-04", "--no-commit"
    )
    assert code == 0 and "effective 2026-12-04" in output and "not committed (--no-commit)" in output
    assert git(repo, "rev-parse", "HEAD") == head and git(repo, "status", "--porcelain") == "M organisms/beta.yaml"
    code, output = check(repo)
    assert code == 0 and "release-uncommitted" in output


def test_check_refusal_stops_the_release(repo: Path) -> None:
    beta = repo / "organisms/beta.yaml"
    beta.write_text(beta.read_text(encoding="utf-8").replace("Beta Mutualité", '"à compléter : Quel nom ?"'))
    git(repo, "commit", "-q", "-am", "gap")
    code, output = release(repo, "beta", "cgu", "--material", "--summary", "Première publication.")
    assert code == 1 and "release-fact-to-complete" in output
    assert "releases:" not in beta.read_text(encoding="utf-8")


def spec(version: str) -> ReleaseSpec:
    day = dt.date.fromisoformat(version)
    return ReleaseSpec(day, day, True, "s", SourceLocation("o.yaml", 1))


def test_plan_dates() -> None:
    today = dt.date(2026, 12, 2)
    assert plan("cgu", (), 30, today, True, "s").effective == today  # a first release: nothing to re-accept
    assert plan("cgu", (spec("2024-01-01"),), 30, today, True, "s").effective == dt.date(2027, 1, 1)
    assert plan("cgu", (spec("2024-01-01"),), 30, today, False, "s").effective == today
    with pytest.raises(CguError, match="needs a later version date"):
        plan("cgu", (spec("2026-12-02"),), 30, today, True, "s")
    with pytest.raises(CguError, match="cannot be in the past"):
        plan("cgu", (), 30, today, True, "s", version=dt.date(2026, 12, 1))


FLOW = """documents:
  cgu:
    title: T  # the title
    clauses: [a, b]
    releases:
      - {version: 2024-06-01, effective: 2024-06-15, material: true, summary: "Un."}
  # privacy next
  privacy:
    title: P
"""


def test_declare_keeps_the_style_of_the_list_and_every_comment() -> None:
    planned = Planned(
        "cgu", dt.date(2026, 12, 2), dt.date(2027, 1, 1), True, "Deux « guillemets ».", dt.date(2026, 12, 2)
    )
    text = declare(FLOW, "o.yaml", planned, "ab" * 32)
    assert text == FLOW.replace(
        '"Un."}\n',
        '"Un."}\n      - {version: 2026-12-02, effective: 2027-01-01, material: true, summary: "Deux « guillemets ».", '
        f"sha256: {'ab' * 32}}}\n",
    )


BLOCK = """documents:
  cgu:
    title: T
    version: 2024-06-01   # the draft's date
    effective: 2024-06-15
    clauses: [a,
              b]
# the end
"""


def test_declare_starts_the_list_of_a_document_that_had_none() -> None:
    planned = Planned("cgu", dt.date(2026, 12, 2), dt.date(2026, 12, 2), False, "Un.", dt.date(2026, 12, 2))
    assert declare(BLOCK, "o.yaml", planned) == (
        "documents:\n  cgu:\n    title: T\n    version: 2026-12-02   # the draft's date\n    effective: 2026-12-02\n"
        "    clauses: [a,\n              b]\n    releases:\n      - version: 2026-12-02\n        effective: 2026-12-02\n"
        '        material: false\n        summary: "Un."\n# the end\n'
    )
