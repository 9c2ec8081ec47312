"""What members see, on a fixture project with real git history and fixed dates: before, during and after a notice."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, visible_text
from helpers.notice import (
    AFTER,
    BEFORE,
    DURING,
    SECOND_EFFECTIVE,
    SECOND_VERSION,
    cgu,
    declare_second,
    edit,
    released_project,
)


@pytest.fixture
def released(tmp_path: Path) -> Path:
    return released_project(tmp_path)


def test_build_and_publish_refuse_a_notice_violation_as_check_does(released: Path, tmp_path: Path) -> None:
    declare_second(released, SECOND_VERSION + dt.timedelta(days=5))
    expected = (
        "organisms/base.yaml:16: release-notice: release 2026-11-20 of the cgu needs re-acceptance, so it cannot take "
        "effect before 2026-12-20 (published 2026-11-20 + 30 days' notice) (organisms acme, beta)"
    )
    check = cgu("check", "--project", str(released), "--date", DURING.isoformat())
    assert check.returncode == 1 and expected in check.stderr.splitlines(), check.stderr
    for command in ("build", "publish"):
        out = tmp_path / command
        result = cgu(command, "--project", str(released), "--out", str(out), "--date", DURING.isoformat())
        assert result.returncode == 1, result.stderr
        assert expected in result.stderr.splitlines(), result.stderr
        assert "Traceback" not in result.stderr and not out.exists(), f"{command} wrote {out}"


def built(repo: Path, out: Path, day: dt.date) -> tuple[dict, str]:
    from cgu.commands.build import build

    build(repo, out, formats=("html",), day=day)
    versions = json.loads((out / "beta/cgu/versions.json").read_text(encoding="utf-8"))
    return versions, visible_text((out / "index.html").read_text(encoding="utf-8"))


def beta_row(index: str) -> str:
    """The index's text from Beta Mutualité's cgu row to the next row."""
    start = index.index("Beta Mutualité Conditions générales d'utilisation")
    return index[start : index.index("Beta Mutualité Politique", start)]


def test_before_during_and_after_the_notice_period_every_output_says_the_same(released: Path, tmp_path: Path) -> None:
    from cgu.project import load_project
    from cgu.release.acceptance import verify_receipt
    from cgu.site.writer import index_page

    declare_second(released, SECOND_EFFECTIVE)
    first_sha = (
        subprocess.run(
            [sys.executable, str(ROOT / "cgu_cli.py"), "releases", "beta", "cgu", "--project", str(released)],
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.split("sha256 ")[1]
        .split()[0]
    )
    receipt = tmp_path / "receipt.json"
    receipt.write_text(
        json.dumps(
            {
                "organism": "beta",
                "document": "cgu",
                "release": "2024-06-01",
                "sha256": first_sha,
                "timestamp": "2024-07-01T10:00:00Z",
            }
        ),
        encoding="utf-8",
    )

    versions, index = built(released, tmp_path / "before", BEFORE)
    assert (versions["state"], versions["in_force"]["version"], versions["upcoming"]) == ("in-force", "2024-06-01", [])
    assert [r["version"] for r in versions["releases"]] == ["2024-06-01"], "not published before its version date"
    assert versions["current"]["draft_pending"] is True
    row = beta_row(index)
    assert "Version du 1er juin 2024, depuis le 15 juin 2024" in row and "Ce qui change" not in row
    assert "Projet – 20 novembre 2026" in row, "the work tree's page is not published yet: a draft"
    assert "current; current release 2024-06-01" in verify_receipt(released, receipt, BEFORE)

    versions, index = built(released, tmp_path / "during", DURING)
    assert (versions["state"], versions["in_force"]["version"]) == ("in-force", "2024-06-01")
    (coming,) = versions["upcoming"]
    assert (coming["version"], coming["effective"], coming["notice_start"], coming["reaccept_from"]) == (
        "2026-11-20",
        "2027-01-01",
        "2026-11-20",
        "2027-01-01",
    )
    assert (tmp_path / "during/beta/cgu" / coming["redline_from_in_force"]).is_file()
    row = beta_row(index)
    assert "Version du 1er juin 2024, depuis le 15 juin 2024" in row
    assert "Version du 20 novembre 2026, en vigueur le 1er janvier 2027" in row
    assert "Ce qui change le 1er janvier 2027" in row
    assert (
        "(no re-acceptance needed before 2027-01-01, when material release 2026-11-20 takes effect; current release 2024-06-01)"
        in verify_receipt(released, receipt, DURING)
    )

    versions, index = built(released, tmp_path / "after", AFTER)
    assert (versions["state"], versions["in_force"]["version"], versions["upcoming"]) == ("in-force", "2026-11-20", [])
    assert versions["current"]["draft_pending"] is False
    row = beta_row(index)
    assert "Version du 20 novembre 2026, depuis le 1er janvier 2027" in row and "Ce qui change" not in row
    assert "(re-acceptance required; current release 2026-11-20)" in verify_receipt(released, receipt, AFTER)

    # The privacy policy was never released: the writer's index marks it, the members' index leaves it out.
    project = load_project(released)
    present = {p.relative_to(tmp_path / "after").as_posix() for p in (tmp_path / "after").rglob("*") if p.is_file()}
    files = {path: (tmp_path / "after" / path).read_bytes() for path in present if path.endswith("versions.json")}
    writer = visible_text(index_page(project, present, files))
    members = visible_text(index_page(project, present, files, members=True))
    assert "Beta Mutualité Politique de confidentialité Projet : jamais publié" in writer
    assert "Politique de confidentialité" not in members and "Beta Mutualité Conditions générales" in members


def test_the_published_site_serves_the_version_in_force_and_announces_the_next_never_a_draft(
    released: Path, tmp_path: Path
) -> None:
    from cgu.commands.publish import publish

    declare_second(released, SECOND_EFFECTIVE)
    edit(released / "clauses/editeur.md", "Le site est édité", "Ce site est édité")  # a draft on top, not released
    site = tmp_path / "public"
    publish(released, site, day=DURING)
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert not [p for p in pages if "privacy" in p], "the privacy policy was never released"
    assert "beta/cgu-2026-11-20.html" not in pages and "beta/cgu/releases/2026-11-20.html" in pages
    stable = visible_text((site / "beta/cgu/index.html").read_text(encoding="utf-8"))
    assert "Version du 1er juin 2024, en vigueur à compter du 15 juin 2024" in stable
    assert "relèvent du droit" in stable and "Ce site est édité" not in stable
    assert "Ce qui change le 1er janvier 2027" in stable
    coming = visible_text((site / "beta/cgu/releases/2026-11-20.html").read_text(encoding="utf-8"))
    assert "Cette version n’est pas encore en vigueur : elle s’appliquera à compter du 1er janvier 2027" in coming
    index = visible_text((site / "index.html").read_text(encoding="utf-8"))
    assert "Projet" not in index and "Politique de confidentialité" not in index
    assert "Version du 1er juin 2024, depuis le 15 juin 2024" in beta_row(index + " Beta Mutualité Politique")
    releases = (site / "releases.html").read_text(encoding="utf-8")
    assert "en vigueur" not in visible_text(releases).lower().replace("versions en vigueur et à venir", "")
    listed = json.loads((site / "index.json").read_text(encoding="utf-8"))
    beta = next(e for e in listed["organisms"] if e["id"] == "beta")
    assert (beta["in_force"], beta["upcoming"], beta["html"]) == ("2024-06-01", ["2026-11-20"], "beta/cgu/index.html")

    publish(released, site, day=AFTER)  # the same site, a month later: the new version is in force
    stable = visible_text((site / "beta/cgu/index.html").read_text(encoding="utf-8"))
    assert "Version du 20 novembre 2026" in stable and "Ce qui change" not in stable
    old = visible_text((site / "beta/cgu/releases/2024-06-01.html").read_text(encoding="utf-8"))
    assert "Cette version n’est plus en vigueur." in old


def test_the_preview_compares_a_draft_with_the_newest_release_published_on_its_day(released: Path) -> None:
    from cgu.authoring.preview import redline_page
    from cgu.project import load_project

    declare_second(released, SECOND_EFFECTIVE)
    project = load_project(released, ("beta",), ("cgu",))
    before = visible_text(redline_page(project, project.documents[0], BEFORE))
    during = visible_text(redline_page(project, project.documents[0], DURING))
    assert "modifications depuis la version du 1er juin 2024" in before, "the second release is not out yet"
    assert "modifications depuis la version du 20 novembre 2026" in during


def test_each_earlier_release_gets_a_reacceptance_page_listing_exactly_the_material_releases_since(
    released: Path, tmp_path: Path
) -> None:
    from helpers.notice import FIRST, commit

    from cgu.commands.publish import publish

    edit(released / "clauses/cookies.md", "Nous utilisons", "Le site utilise")  # an editorial release in between
    editorial = '      - {version: 2025-03-01, effective: 2025-03-01, material: false, summary: "Reformulation."}\n'
    edit(released / "organisms/base.yaml", FIRST, FIRST + editorial)
    commit(released, "release 2025-03-01", dt.date(2025, 3, 1))
    edit(released / "clauses/droit.md", "relèvent du droit", "sont soumises au droit")  # the material one, after it
    second = (
        f"      - {{version: {SECOND_VERSION}, effective: {SECOND_EFFECTIVE}, material: true, "
        'summary: "Droit applicable reformulé."}\n'
    )
    edit(released / "organisms/base.yaml", editorial, editorial + second)
    commit(released, "release 2026-11-20", SECOND_VERSION)
    site = tmp_path / "public"
    publish(released, site, day=DURING)
    folder = site / "beta/cgu/reaccept"
    assert sorted(p.name for p in folder.iterdir()) == [
        "2024-06-01.fragment.html",
        "2024-06-01.html",
        "2025-03-01.fragment.html",
        "2025-03-01.html",
    ], "none for the newest release"
    for accepted in ("2024-06-01", "2025-03-01"):
        page = (folder / f"{accepted}.html").read_text(encoding="utf-8")
        listed = re.findall(r'<h3>Version du <time datetime="([\d-]+)"', page)
        assert listed == ["2026-11-20"], f"{accepted}: only the material release since it, not the editorial one"
        assert "<script" not in page and 'href="../redline-2025-03-01-to-2026-11-20.html"' in page
        text = visible_text(page)
        assert "s’appliqueront à compter du 1er janvier 2027" in text
        assert "la version que vous avez acceptée continue de s’appliquer" in text
        fragment = (folder / f"{accepted}.fragment.html").read_text(encoding="utf-8")
        assert fragment.lstrip().startswith("<section") and "<html" not in fragment
        release = (site / f"beta/cgu/releases/{accepted}.html").read_text(encoding="utf-8")
        assert f'href="../reaccept/{accepted}.html"' in release
    publish(released, site, day=AFTER)
    text = visible_text((folder / "2024-06-01.html").read_text(encoding="utf-8"))
    assert "s’appliquent depuis le 1er janvier 2027 : elles doivent être acceptées à nouveau" in text
