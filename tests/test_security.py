"""Safety: escaped values, no raw HTML or script links, PDFs that cannot fetch outside the project."""

from __future__ import annotations

import http.server
import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import ROOT
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
    return subprocess.run(
        [sys.executable, str(ROOT / "cgu_cli.py"), *args, "--project", str(project)],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )


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
        assert written == {"out", ".out.lock"}, f"nothing written but the output (and its lock file): {written}"
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


PAGE_VALUES = "themes may only use the page's values (articles, asset_base, document, generator, links, logo, mode, organism, theme)"
NOT_THEME_FILE = "is not a file of the theme; a theme may include, import or extend only its own files"
INDEX_VALUES = "themes may only use the page's values (asset_base, entries, fragment, generator, members, reaccept, releases, theme_name, title)"


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
    assert "Mutuelle Acme *test*" in page and '<time datetime="2024-06-01">1er juin 2024</time>' in page
    assert project.themes["default"].env.globals == {}
    assert '<th scope="row">Mutuelle Acme *test*</th>' in index_page(project, {"acme/cgu-2024-06-01.html"})
