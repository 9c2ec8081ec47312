"""What members see, on a fixture project with real git history and fixed dates: before, during and after a notice."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import visible_text
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


def first_release_receipt(project: Path, folder: Path) -> Path:
    """`folder/receipt.json`: a member accepted beta's CGU release 2024-06-01 (its sha256 as `cgu releases` prints
    it) on 2024-07-01."""
    sha = cgu("releases", "beta", "cgu", "--project", str(project)).stdout.split("sha256 ")[1].split()[0]
    fields = {"organism": "beta", "document": "cgu", "release": "2024-06-01", "sha256": sha}
    receipt = folder / "receipt.json"
    receipt.write_text(json.dumps({**fields, "timestamp": "2024-07-01T10:00:00Z"}), encoding="utf-8")
    return receipt


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
    receipt = first_release_receipt(released, tmp_path)

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


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
def test_when_ci_publishes_late_every_answer_counts_from_the_sites_first_publication(
    released: Path, tmp_path: Path
) -> None:
    """The second release (dated 2026-11-20, effective 2027-01-01, 30 days' notice) first reaches the site on
    2026-12-02, twelve days after its version date: the index, the document page, versions.json, index.json and
    verify-receipt (given the site) all count from that day, before, during and after its notice period."""
    from cgu.commands.publish import publish
    from cgu.release.acceptance import verify_receipt
    from cgu.site.ledger import ledger_file, told_by

    declare_second(released, SECOND_EFFECTIVE)
    receipt = first_release_receipt(released, tmp_path)
    site = tmp_path / "public"

    def site_says(day: dt.date) -> tuple[dict, str, str, dict, str]:
        """versions.json, the index's row, the stable page, index.json's entry and verify-receipt --ledger."""
        versions = json.loads((site / "beta/cgu/versions.json").read_text(encoding="utf-8"))
        index = visible_text((site / "index.html").read_text(encoding="utf-8"))
        stable = visible_text((site / "beta/cgu/index.html").read_text(encoding="utf-8"))
        listed = json.loads((site / "index.json").read_text(encoding="utf-8"))
        entry = next(e for e in listed["organisms"] if e["id"] == "beta" and e["document"] == "cgu")
        answer = verify_receipt(released, receipt, day, told_by(ledger_file(site, day), day, entering=False))
        return versions, beta_row(index + " Beta Mutualité Politique"), stable, entry, answer

    publish(released, site, day=BEFORE)
    late = dt.date(2026, 12, 2)  # the last day that still leaves 30 days before 2027-01-01
    waiting = dt.date(2026, 11, 25)  # committed and dated, but CI has not published it yet
    answer = verify_receipt(released, receipt, waiting, told_by(ledger_file(site, waiting), waiting, entering=False))
    assert answer.endswith("(current; current release 2024-06-01)"), "the site does not carry 2026-11-20 yet"
    cli = cgu("verify-receipt", str(receipt), "--project", str(released), "--date", "2026-11-25", "--ledger", str(site))
    assert cli.returncode == 0 and cli.stdout.strip().endswith("(current; current release 2024-06-01)"), cli.stderr
    without = cgu("verify-receipt", str(receipt), "--project", str(released), "--date", "2026-11-25")
    assert "no re-acceptance needed before 2027-01-01" in without.stdout, "git alone counts from the version date"

    publish(released, site, day=late)
    versions, row, stable, entry, answer = site_says(late)
    (coming,) = versions["upcoming"]
    assert (coming["version"], coming["notice_start"], coming["effective"]) == (
        "2026-11-20",
        "2026-12-02",
        "2027-01-01",
    )
    assert [r["published"] for r in versions["releases"]] == ["2024-06-01", "2026-12-02"]
    assert [r["first_published"] for r in entry["releases"]] == ["2024-06-01", "2026-12-02"]
    assert (versions["in_force"]["version"], entry["in_force"], entry["upcoming"]) == (
        "2024-06-01",
        "2024-06-01",
        ["2026-11-20"],
    )
    assert "Version du 1er juin 2024, depuis le 15 juin 2024" in row and "Ce qui change le 1er janvier 2027" in row
    assert "Version du 1er juin 2024" in stable and "Ce qui change le 1er janvier 2027" in stable
    assert answer.endswith(
        "(no re-acceptance needed before 2027-01-01, when material release 2026-11-20 takes effect; "
        "current release 2024-06-01)"
    )

    publish(released, site, day=AFTER)
    versions, row, stable, entry, answer = site_says(AFTER)
    assert (versions["state"], versions["in_force"]["version"], versions["upcoming"]) == ("in-force", "2026-11-20", [])
    assert versions["releases"][1]["published"] == "2026-12-02", "a first publication never moves"
    assert entry["in_force"] == "2026-11-20" and entry["upcoming"] == []
    assert "Version du 20 novembre 2026, depuis le 1er janvier 2027" in row and "Ce qui change" not in row
    assert "Version du 20 novembre 2026" in stable and "Ce qui change" not in stable
    assert answer.endswith("(re-acceptance required; current release 2026-11-20)")


@pytest.mark.slow
def test_too_late_a_first_publication_is_refused_and_every_answer_keeps_the_release_in_force(
    released: Path, tmp_path: Path
) -> None:
    """Published first on 2026-12-05, the second release would give 27 days' notice: publish and a writer's
    `build --ledger` refuse it with the same message; the site and verify-receipt --ledger keep 2024-06-01 in force,
    even after 2027-01-01, where git alone would say the new release binds."""
    from cgu.commands.publish import publish

    declare_second(released, SECOND_EFFECTIVE)
    site = tmp_path / "public"
    publish(released, site, day=BEFORE)
    expected = (
        "organisms/base.yaml:16: release-notice: release 2026-11-20 of the cgu of acme is first published on "
        "2026-12-05 (published.json), so with 30 days' notice it cannot take effect before 2027-01-04, not "
        "2027-01-01: declare a new release with a later effective date (cgu release)"
    )
    writer = ("--ledger", str(site))  # a writer's build told the site's ledger refuses what publish refuses
    for command, out, more in (("publish", site, ()), ("build", tmp_path / "writer", writer)):
        result = cgu(command, "--project", str(released), "--out", str(out), "--date", "2026-12-05", *more)
        assert result.returncode == 1 and any(line.startswith(expected) for line in result.stderr.splitlines()), (
            command,
            result.stderr,
        )
        assert "Traceback" not in result.stderr
    versions = json.loads((site / "beta/cgu/versions.json").read_text(encoding="utf-8"))
    assert [r["version"] for r in versions["releases"]] == ["2024-06-01"], "the refused publish changed nothing"
    receipt = tmp_path / "receipt.json"
    sha = versions["releases"][0]["sha256"]
    fields = {"organism": "beta", "document": "cgu", "release": "2024-06-01", "sha256": sha}
    receipt.write_text(json.dumps({**fields, "timestamp": "2024-07-01T10:00:00Z"}), encoding="utf-8")
    args = ("verify-receipt", str(receipt), "--project", str(released), "--date", AFTER.isoformat())
    with_site = cgu(*args, "--ledger", str(site / "published.json"))
    assert with_site.stdout.strip().endswith("(current; current release 2024-06-01)"), with_site.stderr
    assert cgu(*args).stdout.strip().endswith("(re-acceptance required; current release 2026-11-20)")


@pytest.mark.slow
def test_a_writers_build_links_the_history_and_what_changes_and_marks_the_draft(released: Path, tmp_path: Path) -> None:
    from cgu.commands.build import build
    from cgu.commands.publish import publish

    declare_second(released, SECOND_EFFECTIVE)
    out = tmp_path / "build"
    build(released, out, formats=("html",), day=BEFORE)  # released, not published yet: still a draft that day
    page = (out / "beta/cgu-2026-11-20.html").read_text(encoding="utf-8")
    assert "Projet : ce texte n’est pas publié" in visible_text(page)
    assert 'href="cgu/redline-2024-06-01-to-draft.html"' in page and 'href="cgu/changelog.html"' in page
    assert (out / "beta/cgu/redline-2024-06-01-to-draft.html").is_file()

    build(released, out, formats=("html",), day=DURING)  # the same files, a later day: the page is built again
    page = (out / "beta/cgu-2026-11-20.html").read_text(encoding="utf-8")
    text = visible_text(page)
    assert "Cette version n’est pas encore en vigueur : elle s’appliquera à compter du 1er janvier 2027" in text
    assert "Projet" not in text and "to-draft" not in page
    assert 'href="cgu/changelog.html"' in page and "Ce qui change le 1er janvier 2027" in text
    assert (out / "beta/cgu/redline-2024-06-01-to-2026-11-20.html").is_file()
    assert not (out / "beta/cgu/redline-2024-06-01-to-draft.html").exists(), "a build keeps no stale draft redline"

    edit(released / "clauses/editeur.md", "Le site est édité", "Ce site est édité")  # a draft on top
    build(released, out, formats=("html",), day=DURING)
    page = (out / "beta/cgu-2026-11-20.html").read_text(encoding="utf-8")
    text = visible_text(page)
    assert (
        "Projet : ce texte n’est pas publié. Les membres lisent la dernière version publiée, celle du 20 novembre 2026"
        in text
    )
    assert "Modifications de ce projet depuis la version du 20 novembre 2026" in text
    assert "Ce qui change le 1er janvier 2027" in text, "what is coming for members, shown on the draft too"
    redline = visible_text((out / "beta/cgu/redline-2026-11-20-to-draft.html").read_text(encoding="utf-8"))
    assert "et le projet" in redline and "Inchangés (2) : Article 2 – Cookies ; Article 3 – Droit applicable" in redline

    site = tmp_path / "public"
    shutil.copytree(out, site)  # as CI does: publish over the merged build, which holds the draft's changes
    publish(released, site, day=DURING)
    assert not [p for p in site.rglob("*") if "draft" in p.name], "a draft's changes never reach the published site"


def test_cgu_release_on_a_list_shared_in_a_base_says_why_and_what_to_do(released: Path) -> None:
    from helpers.notice import commit, git

    edit(released / "clauses/droit.md", "relèvent du droit", "sont soumises au droit")
    commit(released, "droit reformulé", SECOND_VERSION)
    before = (released / "organisms/base.yaml").read_bytes(), git(released, "rev-parse", "HEAD")
    result = cgu(
        "release",
        "beta",
        "cgu",
        "--material",
        "--summary",
        "Droit reformulé.",
        "--project",
        str(released),
        "--date",
        SECOND_VERSION.isoformat(),
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert (
        "organisms/base.yaml:15: the releases of the cgu of beta are declared in organisms/base.yaml, shared by acme, "
        "beta: a release there is a release of each of them"
    ) in result.stderr, result.stderr
    assert "add it by hand at the end of that list (without sha256)" in result.stderr
    assert "do not move the list into organisms/beta.yaml" in result.stderr
    assert ((released / "organisms/base.yaml").read_bytes(), git(released, "rev-parse", "HEAD")) == before
