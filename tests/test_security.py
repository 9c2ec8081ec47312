"""Safety: escaped values, no raw HTML or script links, PDFs that cannot fetch outside the project."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

from weasyprint import HTML

from cgu.builders.pdf import ConfinedFetcher
from cgu.compose import escape_markdown
from cgu.markdown import render_markdown


def test_organism_values_cannot_inject_markdown_or_html() -> None:
    value = "Acme <script>alert(1)</script> [x](javascript:alert(1)) *gras* | pipe &amp;"
    html = render_markdown(f"| a |\n|---|\n| {escape_markdown(value)} |\n", "t", 1).html
    assert "<script>" not in html and "<em>" not in html and "href" not in html
    assert "&lt;script&gt;" in html and "*gras*" in html and "| pipe" in html and "&amp;amp;" in html


def test_raw_html_in_clauses_is_text() -> None:
    html = render_markdown("<b onclick='x()'>gras</b>\n\n<iframe src='https://example.org'></iframe>", "t", 1).html
    assert "<b" not in html and "<iframe" not in html and "&lt;iframe" in html


def test_links_limited_to_safe_schemes() -> None:
    rendered = render_markdown("[a](https://ok.fr) [b](mailto:dpo@x.fr) [c](tel:+33100000000) [d](vbscript:x) [e](data:text/html,x)", "t", 1)
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
        (project / "ok.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>', encoding="utf-8")
        secret = tmp_path / "secret.css"
        secret.write_text("body { color: red }", encoding="utf-8")
        url = f"http://127.0.0.1:{server.server_port}/pixel.png"
        html = (f'<link rel="stylesheet" href="{secret.as_uri()}"><p>x</p><img src="{url}">'
                f'<img src="file:///etc/passwd"><img src="ok.svg">')
        fetcher = ConfinedFetcher([project])
        pdf = HTML(string=html, base_url=project.as_uri() + "/", url_fetcher=fetcher).write_pdf()
        assert pdf and pdf.startswith(b"%PDF")
        assert _Recorder.hits == [], "no network request"
        assert url in fetcher.refused and "file:///etc/passwd" in fetcher.refused and secret.as_uri() in fetcher.refused
        assert not any(r.endswith("ok.svg") for r in fetcher.refused), "files of the project load"
    finally:
        server.shutdown()


def test_filters_escape_once() -> None:
    from cgu.compose import make_environment

    env, loader = make_environment()
    loader.sources["t"] = "{{ a|address }} / {{ names|join_fr }}"
    out = env.get_template("t").render(a={"street": "1 rue *du_lac*", "city": "X"}, names=["_ga", "_pk_id"])
    html = render_markdown(out, "t", 1).html
    assert "1 rue *du_lac*, X" in html and "_ga et _pk_id" in html and "\\" not in html
