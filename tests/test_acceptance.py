"""Re-acceptance in real git histories: versions.json for member portals, and acceptance receipts."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES
from helpers.git import commit_all
from helpers.releases import RELEASE_1, THIRD, declare, edit, releases

from cgu.cli import main
from cgu.commands.build import build
from cgu.errors import CguError
from cgu.release.acceptance import reaccept_needed, verify_receipt


def receipt(
    tmp_path: Path, release: str, sha256: str, timestamp: str = "2025-02-01T09:30:00+01:00", name: str = "receipt"
) -> Path:
    path = tmp_path / f"{name}.json"
    path.write_text(
        json.dumps(
            {"organism": "beta", "document": "cgu", "release": release, "sha256": sha256, "timestamp": timestamp}
        ),
        encoding="utf-8",
    )
    return path


def test_versions_json_says_who_must_reaccept(three: Path, tmp_path: Path) -> None:
    build(three, tmp_path / "site", formats=("html",))
    versions = json.loads((tmp_path / "site/beta/cgu/versions.json").read_text(encoding="utf-8"))
    found, _ = releases(three)
    assert versions["current"] == {
        "version": THIRD.isoformat(),
        "effective": found[-1].spec.effective.isoformat(),
        "sha256": found[-1].sha256,
        "draft_pending": False,
    }
    rows = {r["version"]: r for r in versions["releases"]}
    assert rows["2024-06-01"]["reaccept"] is True and rows["2024-09-01"]["reaccept"] is True, (
        "the 2025 release is material"
    )
    assert rows[THIRD.isoformat()]["reaccept"] is False and rows[THIRD.isoformat()]["redline_to_current"] is None
    assert rows["2024-09-01"]["redline_to_current"] == "redline-2024-09-01-to-2025-01-01.html"
    assert [r["sha256"] for r in versions["releases"]] == [r.sha256 for r in found]
    for row in versions["releases"]:
        assert row["redline_to_current"] is None or (tmp_path / "site/beta/cgu" / row["redline_to_current"]).is_file()


def test_a_non_material_release_needs_no_reacceptance(repo: Path) -> None:
    edit(repo / "clauses/cookies.md", "Nous utilisons", "Le site utilise")
    declare(repo, "2024-09-01", "2024-09-01", False, "Reformulation.")
    commit_all(repo, "editorial release")
    found, problems = releases(repo)
    assert not problems and not reaccept_needed(found, found[0]) and not reaccept_needed(found, found[1])


def test_draft_pending_shows_in_versions_json(repo: Path, tmp_path: Path) -> None:
    edit(repo / "clauses/droit.md", "relèvent du droit", "sont soumises au droit")
    build(repo, tmp_path / "site", formats=("html",))
    versions = json.loads((tmp_path / "site/beta/cgu/versions.json").read_text(encoding="utf-8"))
    assert versions["current"]["draft_pending"] is True and versions["current"]["version"] == "2024-06-01"


def test_verify_receipt(three: Path, tmp_path: Path) -> None:
    found, _ = releases(three)
    first, middle, last = found
    effective = last.spec.effective  # the material third release is still in its notice period today
    old = receipt(tmp_path, "2024-06-01", first.sha256, "2024-07-01T10:00:00Z")
    assert verify_receipt(three, old, effective) == (
        "valid: beta cgu release 2024-06-01 accepted on 2024-07-01T10:00:00Z (re-acceptance required; current release 2025-01-01)"
    )
    assert verify_receipt(three, old, effective - dt.timedelta(days=1)) == (
        "valid: beta cgu release 2024-06-01 accepted on 2024-07-01T10:00:00Z (no re-acceptance needed before "
        f"{effective.isoformat()}, when material release 2025-01-01 takes effect; current release 2024-09-01)"
    )
    assert "(current; current release 2025-01-01)" in verify_receipt(
        three, receipt(tmp_path, THIRD.isoformat(), last.sha256), effective
    )
    cases = [
        (receipt(tmp_path, "2024-09-01", first.sha256, name="a"), "is not the hash of release 2024-09-01"),
        (
            receipt(tmp_path, "2024-07-14", first.sha256, name="b"),
            "beta cgu has no published release 2024-07-14; published: 2024-06-01, 2024-09-01, 2025-01-01",
        ),
        (
            receipt(tmp_path, "2024-09-01", middle.sha256, "2024-08-31T23:00:00+00:00", "c"),
            "before release 2024-09-01 existed",
        ),
        (receipt(tmp_path, "2024-09-01", middle.sha256, "yesterday", "d"), "ISO 8601 timestamp"),
    ]
    for path, message in cases:
        with pytest.raises(CguError) as error:
            verify_receipt(three, path)
        assert str(error.value.problems[0].location) == str(path) and message in error.value.problems[0].message
    path = tmp_path / "receipt.json"
    path.write_text('{"organism": "beta", "document": "cgu"}', encoding="utf-8")
    with pytest.raises(CguError, match="not a receipt: it needs organism, document, release, sha256"):
        verify_receipt(three, path)


def test_uncommitted_release_is_not_published(repo: Path, tmp_path: Path) -> None:
    edit(repo / "clauses/cookies.md", "Nous utilisons", "Le site utilise")
    declare(repo, "2024-09-01", "2024-09-01", False, "Reformulation.")
    found, _ = releases(repo)
    with pytest.raises(CguError, match="no published release 2024-09-01; published: 2024-06-01"):
        verify_receipt(repo, receipt(tmp_path, "2024-09-01", found[-1].sha256))


def test_verify_receipt_command(repo: Path, tmp_path: Path) -> None:
    sha = releases(repo)[0][0].sha256
    result = CliRunner().invoke(
        main, ["verify-receipt", str(receipt(tmp_path, "2024-06-01", sha)), "--project", str(repo)]
    )
    assert result.exit_code == 0 and result.output.startswith("valid: beta cgu release 2024-06-01")
    result = CliRunner().invoke(
        main, ["verify-receipt", str(receipt(tmp_path, "2024-06-01", "0" * 64)), "--project", str(repo)]
    )
    assert (
        result.exit_code == 1
        and f"{tmp_path / 'receipt.json'}: the receipt's sha256 000000000000… is not the hash" in result.output
    )
    plain = tmp_path / "plain"
    shutil.copytree(FIXTURES / "mini", plain)
    edit(plain / "organisms/base.yaml", "    version: 2024-06-01\n    effective: 2024-06-15\n", RELEASE_1)
    result = CliRunner().invoke(
        main, ["verify-receipt", str(receipt(tmp_path, "2024-06-01", sha)), "--project", str(plain)]
    )
    assert result.exit_code == 1 and "cannot verify without the git history (not a git repository)" in result.output


def test_an_uncommitted_release_is_a_draft_for_members(repo: Path, tmp_path: Path) -> None:
    """Declared but not committed: the page is "Projet", versions.json and the changelog still name the committed release."""
    from cgu.cli import main as cli

    first = releases(repo)[0][0]
    edit(repo / "clauses/cookies.md", "Nous utilisons", "Le site utilise")
    declare(repo, dt.date.today(), dt.date.today(), False, "Reformulation.")
    site = tmp_path / "site"
    build(repo, site, formats=("html",))
    today = dt.date.today().isoformat()
    page = (site / f"beta/cgu-{today}.html").read_text(encoding="utf-8")
    assert "Projet" in page and "<title>Projet – " in page
    versions = json.loads((site / "beta/cgu/versions.json").read_text(encoding="utf-8"))
    assert versions["current"] == {
        "version": "2024-06-01",
        "effective": "2024-06-15",
        "sha256": first.sha256,
        "draft_pending": True,
    }
    assert [r["version"] for r in versions["releases"]] == ["2024-06-01"], "a portal is never told to accept a draft"
    assert today not in (site / "beta/cgu/changelog.md").read_text(encoding="utf-8")
    # Only the writer's view of the draft's changes (never published): no redline between releases to a draft.
    assert sorted(p.name for p in (site / "beta/cgu").glob("redline-*")) == [
        f"redline-2024-06-01-to-draft{suffix}" for suffix in (".fragment.html", ".html", ".json")
    ]
    index = (site / "index.html").read_text(encoding="utf-8")
    row = index[index.index(f'href="beta/cgu-{today}.html"') - 400 : index.index(f'href="beta/cgu-{today}.html"')]
    assert "Projet" in row, "the index says the page is a draft"
    listed = CliRunner().invoke(cli, ["releases", "beta", "cgu", "--project", str(repo)])
    assert f"{today}  effective {today}  editorial" in listed.output and "uncommitted" in listed.output
    assert "draft (differs from the last committed release, 2024-06-01)" in listed.output
    changelog = CliRunner().invoke(cli, ["changelog", "beta", "cgu", "--project", str(repo)])
    assert "(projet : déclaration non encore validée dans git)" in changelog.output
    redline = CliRunner().invoke(
        cli, ["redline", "beta", "cgu", "--project", str(repo), "--out", str(tmp_path / "r"), "--format", "json"]
    )
    assert redline.exit_code == 0 and (tmp_path / "r/beta-cgu-redline-2024-06-01-to-draft.json").is_file(), (
        redline.output
    )

    commit_all(repo, "publish the release")  # same files: only git knows the release is now published
    build(repo, site, formats=("html",))
    assert "Projet" not in (site / f"beta/cgu-{today}.html").read_text(encoding="utf-8"), (
        "an incremental build drops the mark"
    )
    versions = json.loads((site / "beta/cgu/versions.json").read_text(encoding="utf-8"))
    assert versions["current"]["version"] == today and versions["current"]["draft_pending"] is False
    assert [r["reaccept"] for r in versions["releases"]] == [False, False], "the new release is not material"
    assert (site / f"beta/cgu/redline-2024-06-01-to-{today}.html").is_file()
    rows = (site / "index.html").read_text(encoding="utf-8").split("<tr>")
    assert not any(f'href="beta/cgu-{today}.html"' in row and "Projet" in row for row in rows), "nor does the index"


def test_sharded_build_index_marks_drafts(repo: Path, tmp_path: Path) -> None:
    from cgu.commands.merge import merge_shards
    from cgu.site.shards import parse_shard

    edit(repo / "clauses/droit.md", "relèvent du droit", "sont soumises au droit")
    shards = []
    for number in (1, 2):
        shards.append(tmp_path / f"shard{number}")
        build(repo, shards[-1], formats=("html",), shard=parse_shard(f"{number}/2"))
    merge_shards(repo, tmp_path / "merged", shards)
    index = (tmp_path / "merged/index.html").read_text(encoding="utf-8")
    rows = index.split("<tr>")
    assert any('href="beta/cgu-2024-06-01.html"' in row and "Projet" in row for row in rows)
    assert not any('href="acme/cgu-2024-06-01.html"' in row and "Projet" in row for row in rows), (
        "acme overrides the edited clause"
    )
