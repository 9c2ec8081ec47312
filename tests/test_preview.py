"""The preview server end to end, in Debian's headless Chromium: live update on save, errors shown with their location."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

from cgu.authoring.preview import serve
from cgu.errors import CguError


@pytest.fixture
def preview(tmp_path: Path):  # type: ignore[no-untyped-def]
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "mini", project)
    stop = threading.Event()
    server = serve(project, 0, stop=stop)
    yield project, f"http://127.0.0.1:{server.server_address[1]}"
    stop.set()
    server.shutdown()


def wait_for(condition, seconds: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    """Poll until the condition holds; a page replaced while it is read (the live reload) is read again."""
    from selenium.common.exceptions import (
        StaleElementReferenceException,
        WebDriverException,
    )

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except (StaleElementReferenceException, WebDriverException):
            pass  # the page reloaded between finding an element and reading it
        time.sleep(0.2)
    return False


def test_preview_lists_and_serves_documents(preview) -> None:  # type: ignore[no-untyped-def]
    _, url = preview
    index = urllib.request.urlopen(f"{url}/").read().decode()
    assert "/doc/beta/cgu" in index
    page = urllib.request.urlopen(f"{url}/doc/beta/cgu").read().decode()
    assert "Article 3 – Droit applicable" in page and "/__generation" in page
    assert urllib.request.urlopen(f"{url}/assets/default/style.css").status == 200


def test_a_theme_error_shows_in_the_page_and_runs_nothing(preview, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project, url = preview
    marker = tmp_path / "pwned"
    shutil.copytree(ROOT / "themes/default", project / "themes/default")
    page = project / "themes/default/document.html"
    page.write_text(
        page.read_text(encoding="utf-8").replace(
            "<head>\n", f"<head>\n{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}\n", 1
        ),
        encoding="utf-8",
    )
    shown = urllib.request.urlopen(f"{url}/doc/beta/cgu").read().decode()
    assert "themes/default/document.html:4: theme template error: &#39;cycler&#39; is undefined" in shown
    assert not marker.exists()


@pytest.mark.slow
def test_live_update_and_errors_in_the_browser(preview, browser) -> None:  # type: ignore[no-untyped-def]
    project, url = preview
    browser.get(f"{url}/doc/beta/cgu")
    assert "relèvent du droit" in browser.find_element("tag name", "body").text
    clause = project / "clauses/droit.md"
    clause.write_text(
        clause.read_text(encoding="utf-8").replace("relèvent du droit", "sont soumises au droit"), encoding="utf-8"
    )
    assert wait_for(lambda: "sont soumises au droit" in browser.find_element("tag name", "body").text), (
        "the page updates on save"
    )
    clause.write_text(
        clause.read_text(encoding="utf-8").replace("{{ jurisdiction.law }}", "{{ jurisdiction.lwa }}"), encoding="utf-8"
    )
    assert wait_for(
        lambda: "clauses/droit.md:9: undefined variable" in browser.find_element("tag name", "body").text
    ), "the error shows with its file and line"
    clause.write_text(
        clause.read_text(encoding="utf-8").replace("{{ jurisdiction.lwa }}", "{{ jurisdiction.law }}"), encoding="utf-8"
    )
    assert wait_for(lambda: "sont soumises au droit belge" in browser.find_element("tag name", "body").text), (
        "once fixed, the document comes back without reloading by hand"
    )


def released_project(tmp_path: Path) -> Path:
    """The mini project in git with one release of its CGU, and a draft edit of a clause since."""
    from helpers.releases import edit, released_in_one_commit

    project = released_in_one_commit(tmp_path / "content")
    edit(project / "clauses/droit.md", "relèvent du droit", "sont soumises au droit")
    return project


def test_redline_toggle_against_the_last_release(tmp_path: Path) -> None:
    project = released_project(tmp_path)
    stop = threading.Event()
    server = serve(project, 0, stop=stop)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        page = urllib.request.urlopen(f"{url}/doc/beta/cgu?redline=1").read().decode()
        assert "<del>" in page and "relèvent" in page and "soumises" in page
        assert "(projet)" in urllib.request.urlopen(f"{url}/").read().decode()
    finally:
        stop.set()
        server.shutdown()


def test_preview_pages_in_the_browser_are_accessible(tmp_path: Path, browser) -> None:  # type: ignore[no-untyped-def]
    """A writer's path through the preview, clicked in Chromium: list, draft, redline toggle, error page; axe on each."""
    from helpers.chromium import AXE, axe_violations

    if not AXE.is_file():
        pytest.skip("axe-core not installed: run bash .ci/setup --quality-gate (npm install axe-core)")
    project = released_project(tmp_path)
    stop = threading.Event()
    server = serve(project, 0, stop=stop)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    found = {}
    try:
        assert not (found := axe_violations(browser, f"{url}/")), found
        browser.find_element("css selector", 'a[href="/doc/beta/cgu"]').click()
        assert wait_for(lambda: "Article 3" in browser.find_element("tag name", "body").text)
        assert not (found := axe_violations(browser, browser.current_url)), found
        browser.find_element("partial link text", "Modifications").click()
        assert wait_for(lambda: browser.find_elements("css selector", "del"))
        assert "soumises" in browser.find_element("tag name", "body").text
        assert not (found := axe_violations(browser, browser.current_url)), found
        clause = project / "clauses/droit.md"
        clause.write_text(
            clause.read_text(encoding="utf-8").replace("{{ jurisdiction.law }}", "{{ jurisdiction.lwa }}"),
            encoding="utf-8",
        )
        assert wait_for(lambda: "clauses/droit.md:9" in browser.find_element("tag name", "body").text)
        assert not (found := axe_violations(browser, browser.current_url)), found
    finally:
        stop.set()
        server.shutdown()


def _cgu_preview(*args: str, cwd: Path, seconds: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cgu.cli", "preview", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=seconds,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_a_busy_port_is_one_message_and_a_non_zero_exit(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "mini", project)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _cgu_preview("--project", str(project), "--port", str(port), cwd=tmp_path)
    assert result.returncode != 0
    assert f"port {port} is already in use (another preview?): stop it, or choose another with --port" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_a_folder_that_is_not_a_project_is_refused_before_serving(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = _cgu_preview("--project", str(tmp_path), "--port", str(port), cwd=tmp_path)
    assert result.returncode != 0
    assert "not a cgu project: it needs 'clauses/' and 'organisms/' folders (use --project DIR)" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    with pytest.raises(CguError):
        serve(tmp_path, 0)
    with socket.socket() as again:  # nothing was left listening
        assert again.connect_ex(("127.0.0.1", port)) != 0


def test_host_binds_another_address_and_answers_its_ip(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "mini", project)
    stop = threading.Event()
    lines: list[str] = []
    server = serve(project, 0, stop=stop, host="127.0.0.2", log=lines.append)
    try:
        assert server.server_address[0] == "127.0.0.2"
        url = f"http://127.0.0.2:{server.server_address[1]}"
        page = urllib.request.urlopen(f"{url}/doc/beta/cgu").read().decode()
        assert "Article 3 – Droit applicable" in page
        with pytest.raises(urllib.error.HTTPError) as refused:  # a DNS name not allowed: still refused
            urllib.request.urlopen(urllib.request.Request(f"{url}/", headers={"Host": "evil.example"}))
        assert refused.value.code == 421
        with socket.socket() as loopback:  # not on 127.0.0.1 any more
            assert loopback.connect_ex(("127.0.0.1", server.server_address[1])) != 0
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
    assert lines and lines[0].startswith("built: ") and lines[0].endswith(" s")


@pytest.mark.parametrize(
    ("path", "saved_by_the_writer"),
    [
        ("clauses/droit.md", True),
        ("organisms/acme/organism.yaml", True),
        ("organisms/acme/logo.svg", True),
        ("themes/maison/style.css", True),
        ("clauses/sedXk3b9Q", False),  # sed -i
        ("clauses/.droit.md.swp", False),  # vim
        ("clauses/4913", False),
        ("clauses/droit.md~", False),
        ("organisms/.#base.yaml", False),  # emacs
        ("clauses/droit.md___jb_tmp___", False),  # JetBrains
        ("clauses/.goutputstream-ABC123", False),  # gedit
    ],
)
def test_the_watcher_tells_a_writers_file_from_an_editors_scratch_file(path: str, saved_by_the_writer: bool) -> None:
    from cgu.authoring.preview import writers_file

    assert writers_file(path) is saved_by_the_writer


def test_an_editors_lock_files_beside_the_files_it_edits_are_not_read(mini: Path) -> None:
    """Emacs marks a file being edited with a dangling link `.#name` beside it: neither the preview's composition nor
    `cgu check --strict` reads a hidden file as a clause or an organism."""
    from helpers.project import run_cgu

    (mini / "organisms/acme/clauses").mkdir(exist_ok=True)
    for lock in ("clauses/.#droit.md", "organisms/.#base.yaml", "organisms/acme/clauses/.#droit.md"):
        (mini / lock).symlink_to("writer@poste.4242")
    (mini / "clauses/.droit.md.swp").write_bytes(b"b0VIM 9.0\x00")
    checked = run_cgu(mini, "check", "--strict")
    assert checked.returncode == 0 and checked.stderr == "", checked.stderr


def test_one_log_line_per_rebuild_and_the_draft_bar_on_top(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "mini", project)
    stop = threading.Event()
    lines: list[str] = []
    server = serve(project, 0, stop=stop, log=lines.append)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        page = urllib.request.urlopen(f"{url}/doc/beta/cgu").read().decode()
        assert page.index('class="preview-bar"') < page.index("<main")  # at the top, before the document
        urllib.request.urlopen(f"{url}/doc/beta/cgu").read()  # nothing changed: no rebuild, no line
        assert len(lines) == 1 and re.fullmatch(r"built: \d+\.\d\d s", lines[0])
        clause = project / "clauses" / "droit.md"
        clause.write_text(clause.read_text(encoding="utf-8") + "\nUne phrase de plus.\n", encoding="utf-8")
        deadline = time.monotonic() + 30
        while len(lines) < 2 and time.monotonic() < deadline:
            urllib.request.urlopen(f"{url}/doc/beta/cgu").read()
            time.sleep(0.2)
        assert len(lines) == 2 and re.fullmatch(r"rebuilt after clauses/droit\.md changed: \d+\.\d\d s", lines[1])
        # As `sed -i` and many editors save: a scratch file beside the clause, renamed over it. The line names the
        # clause only; editors' swap and backup files alone rebuild nothing.
        for scratch in ("clauses/.droit.md.swp", "clauses/droit.md~", "organisms/.#base.yaml", "clauses/4913"):
            (project / scratch).write_text("brouillon", encoding="utf-8")
        scratch = project / "clauses" / "sedXk3b9Q"
        scratch.write_text(clause.read_text(encoding="utf-8") + "Encore une.\n", encoding="utf-8")
        os.replace(scratch, clause)
        deadline = time.monotonic() + 30
        while len(lines) < 3 and time.monotonic() < deadline:
            urllib.request.urlopen(f"{url}/doc/beta/cgu").read()
            time.sleep(0.2)
        time.sleep(1)  # a late event for a scratch file would show as a fourth line
        urllib.request.urlopen(f"{url}/doc/beta/cgu").read()
        assert len(lines) == 3, lines
        assert re.fullmatch(r"rebuilt after clauses/droit\.md changed: \d+\.\d\d s", lines[2]), lines
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
