"""Safety: escaped values, no raw HTML or script links, PDFs that cannot fetch outside the project."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from conftest import ROOT
from helpers.project import cgu_in_process
from weasyprint import HTML

from cgu.compose.composer import escape_markdown
from cgu.compose.markdown import render_markdown
from cgu.load.themes import find_theme
from cgu.render.pdf import ConfinedFetcher


def test_organism_values_cannot_inject_markdown_or_html() -> None:
    value = "Acme <script>alert(1)</script> [x](javascript:alert(1)) *gras* | pipe &amp;"
    html = render_markdown(f"| a |\n|---|\n| {escape_markdown(value)} |\n", "t", 1).html
    assert "<script>" not in html and "<em>" not in html and "href" not in html
    assert "&lt;script&gt;" in html and "*gras*" in html and "| pipe" in html and "&amp;amp;" in html


def test_raw_html_in_clauses_is_text() -> None:
    html = render_markdown("<b onclick='x()'>gras</b>\n\n<iframe src='https://example.org'></iframe>", "t", 1).html
    assert "<b" not in html and "<iframe" not in html and "&lt;iframe" in html


def test_links_limited_to_safe_schemes() -> None:
    rendered = render_markdown(
        "[a](https://ok.fr) [b](mailto:dpo@x.fr) [c](tel:+33100000000) [d](vbscript:x) [e](data:text/html,x)", "t", 1
    )
    assert 'href="https://ok.fr"' in rendered.html and 'href="mailto:dpo@x.fr"' in rendered.html
    assert 'href="tel:+33100000000"' in rendered.html
    assert 'href="vbscript' not in rendered.html
    assert 'href="data:' not in rendered.html
    assert rendered.refused, "forbidden links are reported"


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_pdf_fetches_nothing_outside_the_project(tmp_path: Path) -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        project = tmp_path / "project"
        project.mkdir()
        (project / "ok.svg").write_text(
            '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>', encoding="utf-8"
        )
        secret = tmp_path / "secret.css"
        secret.write_text("body { color: red }", encoding="utf-8")
        url = f"http://127.0.0.1:{server.server_port}/pixel.png"
        html = (
            f'<link rel="stylesheet" href="{secret.as_uri()}"><p>x</p><img src="{url}">'
            f'<img src="file:///etc/passwd"><img src="ok.svg">'
        )
        fetcher = ConfinedFetcher([project])
        pdf = HTML(string=html, base_url=project.as_uri() + "/", url_fetcher=fetcher).write_pdf()
        assert pdf and pdf.startswith(b"%PDF")
        assert _Recorder.hits == [], "no network request"
        assert url in fetcher.refused and "file:///etc/passwd" in fetcher.refused and secret.as_uri() in fetcher.refused
        assert not any(r.endswith("ok.svg") for r in fetcher.refused), "files of the project load"
    finally:
        server.shutdown()


def test_filters_escape_once() -> None:
    from cgu.compose.composer import make_environment

    env, loader = make_environment()
    loader.sources["t"] = "{{ a|address }} / {{ names|join_fr }}"
    out = env.get_template("t").render(a={"street": "1 rue *du_lac*", "city": "X"}, names=["_ga", "_pk_id"])
    html = render_markdown(out, "t", 1).html
    assert "1 rue *du_lac*, X" in html and "_ga et _pk_id" in html and "\\" not in html


def _serve() -> tuple[http.server.HTTPServer, str]:
    """A real HTTP server on 127.0.0.1 that records every request (no mock: a fetch would show here)."""
    _Recorder.hits = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def _cgu(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`cgu ARGS --project PROJECT`, in this process: what it refuses, fetches and writes is the point."""
    return cgu_in_process(project, *args, cwd=Path.cwd())


def test_a_clause_image_on_the_network_or_the_disk_is_refused_and_never_fetched(mini: Path, tmp_path: Path) -> None:
    server, base = _serve()
    try:
        droit = mini / "clauses/droit.md"
        droit.write_text(
            droit.read_text(encoding="utf-8") + f"\n![pixel]({base}/clause.png) ![mot de passe](file:///etc/passwd)\n",
            encoding="utf-8",
        )
        result = _cgu(mini, "build", "--out", str(tmp_path / "out"))
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert (
            f"clauses/droit.md:11: image '{base}/clause.png' must be a relative path inside the project"
            in result.stderr
        )
        assert "clauses/droit.md:11: image 'file:///etc/passwd' has a forbidden scheme" in result.stderr
        assert not (tmp_path / "out").exists()
        assert _Recorder.hits == [], "nothing was fetched"
    finally:
        server.shutdown()


def test_a_theme_that_points_at_the_network_or_the_disk_builds_a_pdf_without_fetching(
    mini: Path, tmp_path: Path
) -> None:
    """The PDF renderer itself is confined: even a theme (trusted more than a clause) cannot make it fetch."""
    server, base = _serve()
    try:
        theme = mini / "themes/default"
        shutil.copytree(ROOT / "themes/default", theme)
        page = (theme / "document.html").read_text(encoding="utf-8")
        (theme / "document.html").write_text(
            page.replace(
                "</head>",
                (
                    f'<link rel="stylesheet" href="{base}/theme.css"><link rel="stylesheet" href="file:///etc/passwd">'
                    f'<style>@import url("{base}/import.css"); body {{ background: url("{base}/bg.png") }}</style></head>'
                ),
                1,
            ).replace(
                "<main",
                f'<img src="{base}/pixel.png" alt=""><img src="file:///etc/passwd" alt=""><img src="../../../../etc/hostname" alt=""><main',
                1,
            ),
            encoding="utf-8",
        )
        with (theme / "style.css").open("a", encoding="utf-8") as css:
            css.write(
                f'\n@font-face {{ font-family: "Web"; src: url("{base}/font.woff2"); }}\nh1 {{ font-family: "Web"; }}\n'
            )
        out = tmp_path / "out"
        result = _cgu(mini, "build", "--out", str(out), "--format", "pdf", "--organism", "beta", "--document", "cgu")
        assert result.returncode == 0, result.stderr
        pdf = next(out.glob("beta/cgu-*.pdf")).read_bytes()
        assert pdf.startswith(b"%PDF") and b"root:" not in pdf
        assert _Recorder.hits == [], f"the PDF renderer fetched {_Recorder.hits}"
        written = {p.name for p in tmp_path.iterdir()} - {"mini"}
        assert written == {"out"}, f"nothing written but the output (no lock file left beside it): {written}"
    finally:
        server.shutdown()


def test_organism_values_that_look_like_markup_print_as_written(mini: Path) -> None:
    from cgu.project import load_project

    name = "Beta <b>Mutualité</b> [x](javascript:alert(1)) <!-- note -->\n# Titre\n- puce\n1. un"
    beta = mini / "organisms/beta.yaml"
    beta.write_text(
        beta.read_text(encoding="utf-8").replace("name: Beta Mutualité", f"name: {json.dumps(name)}"), encoding="utf-8"
    )
    project = load_project(mini, organism_ids=("beta",), kinds=("cgu",))
    html = project.documents[0].articles[0].html
    assert (
        "<strong>" in html
        and "Beta &lt;b&gt;Mutualité&lt;/b&gt; [x](javascript:alert(1)) &lt;!-- note --&gt; # Titre - puce 1. un</strong>"
        in html
    )
    assert (
        "<ol" not in html
        and "<ul" not in html
        and "<h3" not in html
        and "<b>" not in html
        and 'href="javascript' not in html
    )


PAGE_VALUES = "themes may only use the page's values (alternates, articles, asset_base, document, generator, links, logo, mode, organism, says, theme, words)"
NOT_THEME_FILE = "is not a file of the theme; a theme may include, import or extend only its own files"
INDEX_VALUES = "themes may only use the page's values (alternates, asset_base, entries, fragment, generator, in_force_page, members, reaccept, releases, releases_page, says, theme_name, title)"


def _theme_with(project: Path, name: str, page: str, line: str) -> None:
    """A copy of the shipped theme as the project's `themes/<name>/`, with `line` as line 4 of `page`."""
    theme = project / "themes" / name
    shutil.copytree(ROOT / "themes/default", theme)
    text = (theme / page).read_text(encoding="utf-8")
    (theme / page).write_text(text.replace("<head>\n", f"<head>\n{line}\n", 1), encoding="utf-8")


def test_a_theme_page_cannot_run_a_command_in_check_or_build(mini: Path, tmp_path: Path) -> None:
    """Themes are content (`cgu init` copies one into every repository): they render in the clauses' sandbox."""
    marker = tmp_path / "pwned"
    _theme_with(
        mini, "maison", "document.html", f"{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}"
    )
    beta = mini / "organisms/beta.yaml"
    beta.write_text(beta.read_text(encoding="utf-8") + "theme: {name: maison}\n", encoding="utf-8")
    message = f"themes/maison/document.html:4: theme template error: 'cycler' is undefined; {PAGE_VALUES}\n"
    check = _cgu(mini, "check", "--no-legal")
    assert (check.returncode, check.stderr) == (1, message)
    for fmt in ("html", "pdf"):
        build = _cgu(mini, "build", "--out", str(tmp_path / "out"), "--format", fmt)
        assert build.returncode == 1 and build.stderr.endswith(message) and "Traceback" not in build.stderr
    assert not marker.exists() and not (tmp_path / "out").exists()


def test_the_index_page_cannot_run_a_command(mini: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    _theme_with(mini, "default", "index.html", f"{{{{ joiner.__init__.__globals__.os.system('touch {marker}') }}}}")
    message = f"themes/default/index.html:4: theme template error: 'joiner' is undefined; {INDEX_VALUES}\n"
    check = _cgu(mini, "check", "--no-legal")
    assert (check.returncode, check.stderr) == (1, message)
    build = _cgu(mini, "build", "--out", str(tmp_path / "out"), "--format", "html")
    assert build.returncode == 1 and build.stderr.endswith(message) and "Traceback" not in build.stderr
    assert not marker.exists() and not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("line", "error"),
    [
        (
            "{{ organism.__class__.__init__ }}",
            f":4: theme template error: access to attribute '__class__' of 'Organism' object is unsafe; {PAGE_VALUES}",
        ),
        (
            "{{ organism.data.cookies.pop() }}",
            f":4: theme template error: access to attribute 'pop' of 'list' object is unsafe; {PAGE_VALUES}",
        ),
        ("{{ lipsum(100000) }}", f":4: theme template error: 'lipsum' is undefined; {PAGE_VALUES}"),
        ("{% for i in range(10**5) %}{% endfor %}", f":4: theme template error: 'range' is undefined; {PAGE_VALUES}"),
        ("{% set n = namespace(a=1) %}", f":4: theme template error: 'namespace' is undefined; {PAGE_VALUES}"),
        (
            "{{ 'x' * 10**10 }}",
            ":4: theme template error: '*' would build 10000000000 characters or items (limit 100000)",
        ),
        ("{{ 'x'|center(10**7) }}", ":4: theme template error: width over 100000"),
        (
            "{% for a in articles %}{% for b in 'x' * 100000 %}{{ 'y' * 100000 }}{% endfor %}{% endfor %}",
            ": theme template error: the page renders to more than 16 MB of text",
        ),
        (
            "{% include '../../organisms/beta.yaml' %}",
            f":4: theme template error: '../../organisms/beta.yaml' {NOT_THEME_FILE}",
        ),
        ("{% import '/etc/passwd' as secrets %}", f":4: theme template error: '/etc/passwd' {NOT_THEME_FILE}"),
        (
            "{% include 'document.html' %}",
            ":4: theme template error: nested too deeply (brackets, filters, tags or includes); simplify it",
        ),
        ("{% if %}", ":4: theme template error: syntax error: Expected an expression, got 'end of statement block'"),
    ],
)
def test_a_theme_page_is_bounded_and_confined_to_its_values_and_files(
    mini: Path, tmp_path: Path, line: str, error: str
) -> None:
    from cgu.errors import CguError
    from cgu.project import load_project
    from cgu.render.html import render_page

    project = load_project(mini, organism_ids=("beta",), kinds=("cgu",))
    _theme_with(tmp_path, "maison", "document.html", line)
    theme = find_theme(tmp_path, "maison")
    with pytest.raises(CguError) as failure:
        render_page(project.documents[0], theme, "html", mini)
    assert failure.value.message == f"themes/maison/document.html{error}"


def test_the_shipped_theme_renders_in_the_sandbox(mini: Path) -> None:
    """The sandbox leaves the shipped pages as they were: dates, escaping, the articles' HTML, loops."""
    from cgu.project import load_project
    from cgu.render.html import render_page
    from cgu.site.writer import index_page

    project = load_project(mini, organism_ids=("acme",), kinds=("cgu",))
    page = render_page(project.documents[0], project.themes["default"], "html", mini)
    assert "Mutuelle Acme *test*" in page and '<time datetime="2024-06-01">1<sup>er</sup> juin 2024</time>' in page
    assert project.themes["default"].env.globals == {}
    assert '<th scope="row">Mutuelle Acme *test*</th>' in index_page(project, {"acme/cgu-2024-06-01.html"})


def test_a_logo_from_the_git_folder_is_refused(mini: Path, tmp_path: Path) -> None:
    """The example of issue 11: `theme.logo: .git/config` published the repository's configuration."""
    subprocess.run(["git", "init", "-q"], cwd=mini, check=True)
    acme = mini / "organisms/acme/organism.yaml"
    acme.write_text(acme.read_text(encoding="utf-8") + "  logo: .git/config\n", encoding="utf-8")
    before = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    result = _cgu(mini, "build", "--format", "html", "--out", str(tmp_path / "out"))
    assert (result.returncode, result.stderr) == (
        1,
        "organisms/acme/organism.yaml:11: logo '.git/config' is in a hidden folder or file (.git, .github...), "
        "never published; put the logo under organisms/ (organism acme)\n",
    )
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == before


def test_a_plain_svg_logo_is_accepted() -> None:
    """What design tools write stays accepted: gradients, `<use>` of a symbol, an embedded PNG, Inkscape metadata."""
    from cgu.load.images import svg_problem

    svg = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" viewBox="0 0 10 10">'
        '<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient>'
        '<symbol id="s"><rect width="2" height="2"/></symbol></defs>'
        "<inkscape:grid/><style>rect { fill: url(#g) }</style>"
        '<use xlink:href="#s"/><use href="#s" x="3"/><rect fill="url(#g)" width="1" height="1"/>'
        '<image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/></svg>'
    )
    assert svg_problem(svg.encode()) is None
    assert svg_problem((ROOT / "organisms/vivoptim-solutions/logo.svg").read_bytes()) is None


def test_the_use_bound_counts_every_drawn_copy() -> None:
    """Property: an SVG of nested `<use>` is refused exactly when its expanded element count passes the bound."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from cgu.load.images import MAX_SVG_ELEMENTS, svg_problem

    @settings(max_examples=80, deadline=None)
    @given(st.lists(st.tuples(st.integers(1, 30), st.integers(0, 3)), min_size=1, max_size=8))
    def check(levels: list[tuple[int, int]]) -> None:
        # level i holds `copies` <use> of level i-1 and `rects` rectangles; the count is computed here independently
        parts, drawn = ['<g id="l0"><rect width="1" height="1"/></g>'], [2]
        for i, (copies, rects) in enumerate(levels, start=1):
            parts.append(f'<g id="l{i}">' + f'<use href="#l{i - 1}"/>' * copies + "<rect/>" * rects + "</g>")
            drawn.append(1 + copies * (1 + drawn[-1]) + rects)
        svg = f'<svg xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'.encode()
        total = 1 + sum(drawn)
        verdict = svg_problem(svg)
        assert (verdict is not None) == (total > MAX_SVG_ELEMENTS), (total, verdict)

    check()


def _http(port: int, request: bytes, wait: float = 10.0) -> bytes:
    """One raw HTTP exchange with the preview, as any program (or a page through DNS rebinding) can send it."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=wait) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


@pytest.fixture
def preview_port(mini: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    from cgu.authoring import preview

    monkeypatch.setattr(preview, "IDLE_SECONDS", 1)
    stop = threading.Event()
    server = preview.serve(mini, 0, stop=stop, host_names=("poste-12.local",))
    yield server.server_address[1]
    stop.set()
    server.shutdown()


def test_the_preview_answers_only_to_its_own_host_names(preview_port: int, capfd: pytest.CaptureFixture[str]) -> None:
    """DNS rebinding: a page on evil.example points its name at 127.0.0.1; its requests carry Host: evil.example."""
    for host in ("evil.example", f"evil.example:{preview_port}", "localhost.evil.example", "127.0.0.1.nip.io"):
        answer = _http(preview_port, f"GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        assert answer.startswith(b"HTTP/1.0 421 ") and answer.endswith(
            b"this preview answers only to http://127.0.0.1 (or a name given with --allow-host)"
        ), answer[:200]
        assert b"Mutuelle Acme" not in answer
    for host in (f"127.0.0.1:{preview_port}", "localhost", f"LOCALHOST:{preview_port}", "[::1]:80", "poste-12.local"):
        answer = _http(preview_port, f"GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        assert answer.startswith(b"HTTP/1.0 200 ") and b"Mutuelle Acme" in answer, (host, answer[:200])
    assert "Traceback" not in capfd.readouterr().err


def test_a_nul_byte_in_a_preview_address_is_not_found(preview_port: int, capfd: pytest.CaptureFixture[str]) -> None:
    for path in ("/assets/default/%00", "/assets/default/style.css%00.png", "/assets/%00/x", "/doc/acme%00/cgu"):
        answer = _http(preview_port, f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
        assert answer.split(b"\r\n", 1)[0] == b"HTTP/1.0 404 Not Found", answer[:200]
        assert b"\x00" not in answer
    assert "Traceback" not in capfd.readouterr().err


def test_an_idle_or_slow_connection_to_the_preview_is_closed(preview_port: int) -> None:
    import time

    for opening in (b"", b"GET / HTTP/1.1\r\nHost: localhost\r\n"):  # nothing, or headers never finished
        start = time.monotonic()
        assert _http(preview_port, opening, wait=30) == b""  # closed by the server, without an answer
        assert time.monotonic() - start < 10, "closed after the idle time (1 s here), not held"


def test_a_file_name_cannot_write_a_ci_workflow_command(mini: Path, tmp_path: Path) -> None:
    """GitHub Actions reads a log line starting with `::` as a command: a line break in a file name must not end one."""
    shutil.copy(mini / "clauses/droit.md", mini / "clauses/x\n::error title=pwned::owned.md")
    shutil.copy(mini / "organisms/beta.yaml", mini / "organisms/y\n::add-mask::z\u202e.yaml")
    result = _cgu(mini, "check")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "clauses/x\\n::error title=pwned::owned.md: clause id 'x\\n::error title=pwned::owned' must be lower-case "
        "letters, digits and hyphens; rename the file",
        "clauses/x\\n::error title=pwned::owned.md:2: id 'droit' does not match the file name "
        "'x\\n::error title=pwned::owned'",
        "organisms/y\\n::add-mask::z\\u202e.yaml: organism id 'y\\n::add-mask::z\\u202e' must be lower-case letters, "
        "digits and hyphens; rename the file",
        "3 errors; nothing was written.",
    ]


def test_a_diagnostic_line_is_one_inert_line() -> None:
    """Property: any message prints as one line, without control or bidi characters, and never as a command."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from cgu.errors import diagnostic_line

    interesting = st.sampled_from(["\n", "\r", "\x1b[2J", "::", "##[", "\u202e", "\u2028", "\x85", " ", "\t", "é"])
    texts = st.lists(st.one_of(interesting, st.text(max_size=5)), max_size=12).map("".join)

    @settings(max_examples=300, deadline=None)
    @given(texts)
    def check(text: str) -> None:
        line = diagnostic_line(text)
        assert "\n" not in line and len(line.splitlines()) <= 1
        assert not any(c in line for c in "\x00\x1b\r\n\x85\u2028\u2029\u202e\u2066")
        assert not line.lstrip().startswith(("::", "##["))
        assert diagnostic_line(line) == line or line.lstrip().startswith("\\x"), "escaping is stable"

    check()


def test_the_pdf_fetcher_never_resolves_the_host_of_a_file_address(tmp_path: Path) -> None:
    """`file://host/path` names another machine: urllib would look the host up and fetch it over FTP."""
    (tmp_path / "ok.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>', encoding="utf-8")
    fetcher = ConfinedFetcher([tmp_path])
    for url in (
        f"file://attacker.example{tmp_path}/ok.svg",
        f"file://127.0.0.1{tmp_path}/ok.svg",
        f"file://{tmp_path}/ok.svg%00.png",
    ):
        with pytest.raises(ValueError, match="cgu does not let a PDF load"):
            fetcher.fetch(url)
    assert fetcher.fetch(f"file://localhost{tmp_path}/ok.svg") and fetcher.fetch((tmp_path / "ok.svg").as_uri())


def test_changelog_markdown_prints_the_writers_text_as_written(mini: Path, tmp_path: Path) -> None:
    """changelog.md is read on GitHub and by portals: a summary or a name cannot add a link, a script or a heading."""
    from markdown_it import MarkdownIt

    hostile = "<script>alert(1)</script> [cliquez](javascript:alert(1)) **gras**\n# Faux titre"
    base = mini / "organisms/base.yaml"
    base.write_text(
        base.read_text(encoding="utf-8").replace(
            "    version: 2024-06-01\n    effective: 2024-06-15\n",
            "    releases:\n      - version: 2024-06-01\n        effective: 2024-06-15\n        material: false\n"
            f"        summary: {json.dumps(hostile)}\n",
            1,
        ),
        encoding="utf-8",
    )
    acme = mini / "organisms/acme/organism.yaml"
    acme.write_text(
        acme.read_text(encoding="utf-8").replace("Mutuelle Acme *test*", "Acme <img src=x onerror=alert(1)>")
    )
    for command in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "r"]):
        subprocess.run(["git", *command], cwd=mini, check=True, capture_output=True)
    assert _cgu(mini, "build", "--format", "html", "--out", str(tmp_path / "out")).returncode == 0
    text = (tmp_path / "out/acme/cgu/changelog.md").read_text(encoding="utf-8")
    html = MarkdownIt("commonmark", {"html": True}).render(text)  # as GitHub's renderer reads it, raw HTML enabled
    assert "<script" not in html and "<img" not in html and "href=" not in html and "<strong>" not in html
    assert html.count("<h1>") == 1 and "Acme &lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; [cliquez](javascript:alert(1)) **gras** # Faux titre" in html


OLD_PARAGRAPH_BREAK, OLD_LINE_BREAK = r"[ \t]*[\r\n][ \t]*[\r\n]\s*", r"\s*[\r\n]\s*"
"""escape_markdown's patterns before the look-behinds: quadratic on long runs of spaces (a 50 KB value took 44 s)."""


def test_escaping_splits_lines_as_before_in_linear_time() -> None:
    """Property: the linear patterns split and join every value exactly as the quadratic ones did."""
    import re

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from cgu.compose.composer import _LINE_BREAK, _PARAGRAPH_BREAK

    pieces = st.sampled_from([" ", "\t", "\n", "\r", "\u00a0", "\u202f", "\x0b", "a", "é", "#", "1."])

    @settings(max_examples=400, deadline=None)
    @given(st.lists(pieces, max_size=40).map("".join))
    def check(value: str) -> None:
        assert _PARAGRAPH_BREAK.split(value) == re.split(OLD_PARAGRAPH_BREAK, value)
        for paragraph in re.split(OLD_PARAGRAPH_BREAK, value):
            assert _LINE_BREAK.sub(" ", paragraph) == re.sub(OLD_LINE_BREAK, " ", paragraph)

    check()


@pytest.mark.parametrize(
    "value", [" " * 400_000 + "x", "a" + " \t" * 200_000 + "\n" + " " * 200_000 + "b", ("x" + " " * 999 + "\n") * 400]
)
def test_a_value_with_long_runs_of_spaces_escapes_at_once(value: str) -> None:
    """400 KB of spaces: linear work (milliseconds); the quadratic patterns needed hours. The bound is 100 times slack."""
    import time

    from cgu.compose.composer import escape_markdown

    start = time.process_time()
    escaped = escape_markdown(value)
    assert time.process_time() - start < 2.0
    assert "\n" not in escaped, "a single line break prints as a space"


def test_a_clause_of_image_openings_is_checked_at_once() -> None:
    import time

    start = time.process_time()
    refused = render_markdown("![" * 20_000 + "](javascript:x)", "t", 1).refused
    assert time.process_time() - start < 2.0 and refused
    assert render_markdown("![a](file:///etc/passwd)", "t", 1).refused == (
        (0, "image 'file:///etc/passwd' has a forbidden scheme; an image must be a relative path inside the project"),
    )


def _committed(project: Path, message: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    for command in (["add", "-A"], ["commit", "-qm", message]):
        subprocess.run(
            ["git", *command], cwd=project, check=True, capture_output=True, env={**env, "PATH": "/usr/bin:/bin"}
        )
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=project, capture_output=True, text=True).stdout.strip()


def test_a_past_commit_is_exported_with_the_project_files_only_and_bounded(mini: Path) -> None:
    """A declaring commit's unrelated 6 MB blob is never written; a clause over the limit is a sparse file of its size."""
    from cgu.load.files import MAX_FILE_BYTES
    from cgu.release.history import History

    subprocess.run(["git", "init", "-q"], cwd=mini, check=True)
    (mini / "data").mkdir()
    (mini / "data/dump.bin").write_bytes(os.urandom(6 * 1024 * 1024))
    (mini / "organisms/acme/logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (mini / "clauses/annexe.md").write_text("x" * (MAX_FILE_BYTES + 10), encoding="utf-8")
    commit = _committed(mini, "content")
    exported = History(mini).export(commit)
    assert not (exported / "data").exists()
    assert (exported / "organisms/acme/logo.png").read_bytes() == b"\x89PNG\r\n\x1a\n"
    assert (exported / "clauses/droit.md").read_bytes() == (mini / "clauses/droit.md").read_bytes()
    big = exported / "clauses/annexe.md"
    assert big.stat().st_size == MAX_FILE_BYTES + 10 and big.stat().st_blocks * 512 < 64 * 1024, "sparse, never read"


def test_a_past_organism_file_over_the_limit_is_not_read(mini: Path) -> None:
    from cgu.errors import CguError
    from cgu.release.history import History

    subprocess.run(["git", "init", "-q"], cwd=mini, check=True)
    beta = mini / "organisms/beta.yaml"
    beta.write_text(beta.read_text(encoding="utf-8") + "#" * (3 * 1024 * 1024) + "\n", encoding="utf-8")
    commit = _committed(mini, "huge")
    with pytest.raises(CguError) as refused:
        History(mini).read(commit, "organisms/beta.yaml")
    assert refused.value.message == (
        f"organisms/beta.yaml: at commit {commit[:10]}, the file is 3072 KiB, over the 2048 KiB limit for a source "
        "file; a release cannot be read from it"
    )


def test_a_theme_file_over_the_limit_is_refused_before_it_is_read(mini: Path, tmp_path: Path) -> None:
    theme = mini / "themes/default"
    shutil.copytree(ROOT / "themes/default", theme)
    with (theme / "fonts/Huge.ttf").open("wb") as handle:
        handle.truncate(40 * 1024 * 1024)  # sparse: 40 MB on paper
    before = sorted(p.name for p in tmp_path.iterdir())
    result = _cgu(mini, "build", "--format", "html", "--out", str(tmp_path / "out"))
    assert (result.returncode, result.stderr) == (
        1,
        "themes/default/fonts/Huge.ttf: theme file is 40 MB, over the 16 MB limit for a theme file; "
        "use a smaller font or image (organisms acme, beta)\n",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == before
