"""Withdrawing a release (`withdrawn: {on, reason}`): from its day it is neither in force nor coming, the newest earlier
release not withdrawn binds again (or none does), versions.json, the changelog in every language, the release's own
page (banner, noindex) and the index say so; its seal still checks. Pure lifecycle tests on fixed days, then a real
git repository (the bilingual fixture) released with `cgu release` and published with `cgu publish`."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from docx.oxml.ns import qn

from cgu.model import ReleaseSpec, SourceLocation, Withdrawal
from cgu.release.lifecycle import IN_FORCE, UPCOMING, WITHDRAWN, lifecycle
from tests.helpers.bilingual import ORGANISM, publish, stamp
from tests.helpers.git import commit_all
from tests.helpers.project import cgu_in_process, replace_in
from tests.helpers.releases import releases
from tests.test_lifecycle import Declared

D = dt.date


def release(version: D, effective: D, material: bool = True, withdrawn: D | None = None) -> Declared:
    spec = ReleaseSpec(
        version,
        effective,
        material,
        "résumé",
        SourceLocation("organisms/x/organism.yaml", 3),
        withdrawn=Withdrawal(withdrawn, "Faits non confirmés.") if withdrawn else None,
    )
    return Declared(spec, f"c{version.isoformat()}", dt.datetime(version.year, version.month, version.day, 12))


FIRST = release(D(2024, 6, 1), D(2024, 6, 1))
SECOND = release(D(2026, 11, 23), D(2026, 12, 23), withdrawn=D(2026, 12, 2))


def test_before_its_withdrawal_day_a_withdrawn_release_is_what_it_was() -> None:
    state = lifecycle([FIRST, SECOND], D(2026, 12, 1))
    assert (state.state, state.in_force, state.upcoming, state.current) == (IN_FORCE, FIRST, (SECOND,), SECOND)
    assert not state.withdrawn(SECOND) and state.material_since(FIRST) == [SECOND]


@pytest.mark.parametrize("day", [D(2026, 12, 2), D(2026, 12, 23), D(2027, 6, 1)])
def test_from_its_withdrawal_day_the_previous_release_binds_again(day: D) -> None:
    state = lifecycle([FIRST, SECOND], day)
    assert (state.state, state.in_force, state.upcoming, state.current) == (IN_FORCE, FIRST, (), FIRST)
    assert state.published == (FIRST, SECOND), "its page and its place in the history stay"
    assert state.withdrawn(SECOND) and state.material_since(FIRST) == [] and state.binding_on(FIRST)


def test_a_withdrawn_release_in_force_gives_way_to_none_when_it_was_the_only_one() -> None:
    only = release(D(2026, 11, 23), D(2026, 11, 23), withdrawn=D(2026, 12, 2))
    assert lifecycle([only], D(2026, 12, 1)).in_force is only
    state = lifecycle([only], D(2026, 12, 2))
    assert (state.state, state.in_force, state.upcoming, state.current, state.standing) == (
        WITHDRAWN,
        None,
        (),
        None,
        (),
    )


def test_a_withdrawn_newest_release_leaves_the_coming_one_before_it() -> None:
    coming = release(D(2026, 11, 1), D(2027, 1, 1))
    state = lifecycle([FIRST, coming, SECOND], D(2026, 12, 5))
    assert (state.state, state.in_force, state.upcoming, state.current) == (IN_FORCE, FIRST, (coming,), coming)
    assert lifecycle([coming, SECOND], D(2026, 12, 5)).state == UPCOMING


REASON = "Elle citait une adresse de contact non confirmée par l'organisme."


def _withdraw(project: Path, version: str, on: str, reason: str = REASON, kind: str = "cgu") -> None:
    """Add `withdrawn` to the release entry of `kind` dated `version` (its first key after `version`), commit it."""
    path = project / ORGANISM
    text = path.read_text(encoding="utf-8")
    section = text.index(f"  {kind}:")
    found = re.compile(rf"^(\s*)- version: {version}\n", re.MULTILINE).search(text, section)
    assert found is not None, text
    line = f'{found.group(1)}  withdrawn: {{on: {on}, reason: "{reason}"}}\n'
    path.write_text(text[: found.end()] + line + text[found.end() :], encoding="utf-8")
    stamp(project)  # the Dutch overlay translates the organism file as it now stands
    commit_all(project, f"withdraw the {kind} of {version}")


@pytest.mark.slow
def test_a_withdrawn_release_in_versions_json_changelogs_pages_and_index(
    released_content: Path, tmp_path: Path
) -> None:
    content = released_content
    sealed = cgu_in_process(content, "releases", "ebm", "cgu").stdout
    _withdraw(content, "2026-12-02", "2026-12-10")
    checked = cgu_in_process(content, "check")
    assert checked.returncode == 0 and "release-immutable" not in checked.stderr, checked.stderr
    assert (
        cgu_in_process(content, "releases", "ebm", "cgu").stdout.split("working tree")[0]
        == sealed.split("working tree")[0]
    )

    before = tmp_path / "before"
    publish(content, before, "2026-12-05")  # before the withdrawal day: the release is coming, as it was
    versions = json.loads((before / "ebm/cgu/versions.json").read_text(encoding="utf-8"))
    assert [r["version"] for r in versions["upcoming"]] == ["2026-12-02"]
    assert not any("withdrawn" in r for r in versions["releases"])

    site = tmp_path / "site"
    publish(content, site, "2026-12-20")
    for folder, says in (
        ("ebm/cgu", "Version retirée le 10 décembre 2026."),
        ("ebm/nl/cgu", "Versie ingetrokken op 10 december 2026."),
    ):
        versions = json.loads((site / folder / "versions.json").read_text(encoding="utf-8"))
        assert versions["state"] == "in-force" and versions["upcoming"] == []
        assert versions["in_force"] == {"version": "2025-06-01", "effective": "2025-06-01"}
        assert versions["current"]["version"] == "2025-06-01", "a member is never asked to accept it"
        rows = {r["version"]: r for r in versions["releases"]}
        assert rows["2026-12-02"]["withdrawn"] == {"on": "2026-12-10", "reason": REASON}
        assert "withdrawn" not in rows["2025-06-01"] and rows["2025-06-01"]["reaccept"] is False
        assert rows["2026-12-02"]["redline_to_current"] is None and rows["2025-06-01"]["redline_to_current"] is None
        changelog = (site / folder / "changelog.html").read_text(encoding="utf-8")
        assert says in re.sub(r"<[^>]+>", "", changelog) and "l&#39;organisme" in changelog
        assert says in (site / folder / "changelog.md").read_text(encoding="utf-8")
        logged = json.loads((site / folder / "changelog.json").read_text(encoding="utf-8"))["releases"]
        assert [r["withdrawn"] for r in logged] == [{"on": "2026-12-10", "reason": REASON}, None]
        page = (site / folder / "releases/2026-12-02.html").read_text(encoding="utf-8")
        assert '<meta name="robots" content="noindex">' in page and says in re.sub(r"<[^>]+>", "", page)
        assert not (site / folder / "reaccept/2025-06-01.html").exists(), "nothing to accept again"
        stable = (site / folder / "index.html").read_text(encoding="utf-8")
        assert "noindex" not in stable and "retirée" not in stable and "ingetrokken" not in stable
    seal = json.loads((site / "ebm/cgu/versions.json").read_text(encoding="utf-8"))["releases"][1]["sha256"]
    receipt = tmp_path / "receipt.json"
    fields = {"organism": "ebm", "document": "cgu", "release": "2026-12-02", "sha256": seal}
    receipt.write_text(json.dumps(fields | {"timestamp": "2026-12-04T09:00:00Z"}), encoding="utf-8")
    verified = cgu_in_process(content, "verify-receipt", str(receipt), "--date", "2026-12-20")
    assert verified.returncode == 0, verified.stderr
    assert f"(withdrawn on 2026-12-10 ({REASON}): the release in force binds instead" in verified.stdout
    dutch = (site / "ebm/nl/cgu/changelog.html").read_text(encoding="utf-8")
    escaped = REASON.replace("'", "&#39;")
    assert f'<span lang="fr">{escaped}</span>' in dutch, "the reason is in the file's words"
    older = (site / "ebm/cgu/releases/2025-06-01.html").read_text(encoding="utf-8")
    assert "noindex" not in older


@pytest.mark.slow
def test_when_every_release_is_withdrawn_the_site_says_no_version_is_in_force(
    released_content: Path, tmp_path: Path
) -> None:
    content = released_content
    _withdraw(content, "2025-06-01", "2026-12-10", kind="privacy")
    site = tmp_path / "site"
    publish(content, site, "2026-12-20")
    versions = json.loads((site / "ebm/privacy/versions.json").read_text(encoding="utf-8"))
    assert (versions["state"], versions["current"], versions["in_force"], versions["upcoming"]) == (
        "withdrawn",
        None,
        None,
        [],
    )
    stable = (site / "ebm/privacy/index.html").read_text(encoding="utf-8")  # the address does not break
    assert '<meta name="robots" content="noindex">' in stable and "Version retirée le" in stable
    for page, says in (("index.html", "Aucune version en vigueur."), ("index.nl.html", "Geen versie van kracht.")):
        index = re.sub(r"<[^>]+>", "", (site / page).read_text(encoding="utf-8"))
        assert says in index and "10 " in index
    listed = json.loads((site / "index.json").read_text(encoding="utf-8"))["organisms"]
    privacy = next(e for e in listed if e["document"] == "privacy" and e["language"] == "fr")
    assert (privacy["in_force"], privacy["withdrawn"]) == (None, ["2025-06-01"])
    _pages_pass_axe_at_phone_width(
        [site / p for p in ("index.html", "index.nl.html", "ebm/privacy/index.html", "ebm/privacy/changelog.html")]
        + [site / "ebm/nl/privacy/changelog.html", site / "ebm/privacy/releases/2025-06-01.html"]
    )


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def _docx_text(path: Path) -> str:
    import docx

    return " ".join(" ".join(p.text for p in docx.Document(str(path)).paragraphs).split())


@pytest.mark.slow
def test_the_pdf_and_word_files_of_a_withdrawn_release_say_so_from_its_withdrawal_day(
    released_content: Path, tmp_path: Path
) -> None:
    """Published before its withdrawal day, a release's PDF and Word files are rendered again into the same site once
    it is withdrawn: a member who downloads them reads the theme's notice, in the file's language; the release in
    force keeps files that say nothing of it."""
    content = released_content
    _withdraw(content, "2026-12-02", "2026-12-10")
    site = tmp_path / "site"
    notices = {
        "ebm/cgu": "Version retirée le 10 décembre 2026.",
        "ebm/nl/cgu": "Versie ingetrokken op 10 december 2026.",
    }
    publish(content, site, "2026-12-05")  # coming, not yet withdrawn
    for folder, says in notices.items():
        stem = site / folder / "releases/2026-12-02"
        assert says not in _pdf_text(stem.with_suffix(".pdf")) and says not in _docx_text(stem.with_suffix(".docx"))
    publish(content, site, "2026-12-20")
    for folder, says in notices.items():
        stem = site / folder / "releases/2026-12-02"
        for text in (_pdf_text(stem.with_suffix(".pdf")), _docx_text(stem.with_suffix(".docx"))):
            assert f"{says} {REASON}" in text, text[:600]
        older = site / folder / "releases/2025-06-01"
        assert says.split(" 10 ")[0] not in _pdf_text(older.with_suffix(".pdf"))
        assert says.split(" 10 ")[0] not in _docx_text(older.with_suffix(".docx"))
    import docx

    reason = next(
        run
        for paragraph in docx.Document(str(site / "ebm/nl/cgu/releases/2026-12-02.docx")).paragraphs
        for run in paragraph.runs
        if REASON in run.text
    )
    assert reason._r.rPr.find(qn("w:lang")).get(qn("w:val")) == "fr-FR", "the reason is the organism file's French"


def test_adding_withdrawn_keeps_a_release_valid(repo: Path) -> None:
    """Withdrawing adds metadata only: the release keeps its declaring commit and its text, so nothing is refused."""
    before, _ = releases(repo)
    replace_in(
        repo / "organisms/base.yaml",
        'summary: "',
        'withdrawn: {on: 2024-07-01, reason: "Faits non confirmés."}, summary: "',
    )
    commit_all(repo, "withdraw the first release", when=D(2024, 7, 1))
    found, problems = releases(repo)
    assert not problems and found[0].spec.withdrawn == Withdrawal(D(2024, 7, 1), "Faits non confirmés.")
    assert (found[0].commit, found[0].sha256) == (before[0].commit, before[0].sha256)


def _pages_pass_axe_at_phone_width(pages: list[Path]) -> None:
    """The withdrawal banners and rows add no accessibility violation and nothing wider than a phone."""
    import shutil

    from tests.helpers.chromium import PHONE_WIDTH, at_phone_width, phone_chromium

    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        return  # test_site_languages skips the same check then, saying why
    with phone_chromium() as driver:
        for page in pages:
            assert page.is_file(), page
            found, width = at_phone_width(driver, page)
            assert found == [] and width <= PHONE_WIDTH, page
