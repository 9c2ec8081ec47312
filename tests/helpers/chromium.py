"""Real headless Chromium through selenium, as Debian's chromium and chromium-driver provide it."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

AXE = Path(__file__).resolve().parents[2] / ".cache/node_modules/axe-core/axe.min.js"
"""axe-core, the accessibility engine injected into pages (`.ci/setup` installs it)."""

FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


@contextmanager
def headless_chromium(window: str = "1200,1600") -> Iterator[Any]:
    """A selenium driver of headless Chromium with its own throw-away profile; skips when Chromium or selenium is
    missing (a venv made by `bash .ci/setup` without `--quality-gate` has no selenium, the machine may have Chromium)."""
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.skip(
            "Debian's chromium and chromium-driver are not installed (bash .ci/setup --quality-gate installs them)"
        )
    pytest.importorskip("selenium", reason="selenium is not installed (bash .ci/setup --quality-gate installs it)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or ""
    profile = tempfile.mkdtemp(prefix="cgu-chromium-")
    for flag in (*FLAGS, f"--user-data-dir={profile}", f"--window-size={window}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or ""), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def axe_violations(driver, url: str) -> list[dict]:  # type: ignore[no-untyped-def]
    """axe-core's violations on the page at `url`."""
    driver.get(url)
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations)).catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));"
    )
    return list(result)


PHONE_WIDTH = 390
"""A phone's screen, in CSS pixels: no member page may be wider."""


@contextmanager
def phone_chromium() -> Iterator[Any]:
    """`headless_chromium` with the layout viewport of a phone (PHONE_WIDTH), whatever the window's own chrome takes;
    not "mobile", which would zoom out to fit a page wider than the screen instead of letting it overflow."""
    with headless_chromium() as driver:
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": PHONE_WIDTH, "height": 800, "deviceScaleFactor": 1, "mobile": False},
        )
        yield driver


def at_phone_width(driver, page: Path) -> tuple[list[str], int]:  # type: ignore[no-untyped-def]
    """The ids of axe-core's violations on `page` (none checked when axe-core is not installed) and the width of its
    document, in a `phone_chromium` driver."""
    if AXE.is_file():
        found = [v["id"] for v in axe_violations(driver, page.as_uri())]
    else:
        driver.get(page.as_uri())
        found = []
    return found, int(driver.execute_script("return document.scrollingElement.scrollWidth"))
