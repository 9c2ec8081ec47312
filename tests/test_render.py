"""Rendering: HTML structure and real WeasyPrint PDFs read back with pypdf; byte-identical rebuilds."""

from __future__ import annotations

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from cgu.build import build
from conftest import ROOT, built_file, document_text


@pytest.fixture(scope="module")
def mini_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import FIXTURES

    out = tmp_path_factory.mktemp("mini") / "build"
    build(FIXTURES / "mini", out)
    return out


class Outline(HTMLParser):
    """Collects headings, ids and links of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[str, str | None]] = []
        self.ids: list[str] = []
        self.links: list[str] = []
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang")
        if found.get("id"):
            self.ids.append(str(found["id"]))
        if tag in ("h1", "h2", "h3"):
            self.headings.append((tag, found.get("id")))
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))


def test_html_structure(mini_build: Path) -> None:
    page = Outline()
    page.feed(built_file(mini_build, "acme", "cgu").read_text(encoding="utf-8"))
    assert page.lang == "fr"
    assert [h for h, _ in page.headings][:1] == ["h1"]
    assert {"editeur", "cookies", "droit", "cookies--inventaire", "cookies--consentement"} <= set(page.ids)
    assert len(page.ids) == len(set(page.ids)), "anchors are unique"
    for link in page.links:
        if link.startswith("#"):
            assert link[1:] in page.ids, f"dangling in-page link {link}"
    assert "#contenu" in page.links, "skip link"


def test_dated_banner_and_cross_reference(mini_build: Path) -> None:
    text = document_text(mini_build, "acme", "cgu")
    assert "Version du 1er juin 2024, en vigueur à compter du 15 juin 2024" in text
    assert "Les traceurs sont décrits à l'article 2." in text
    assert "Article 3 – Droit applicable et litiges" in text, "the organism's own variant of the clause wins"
    assert "Mutuelle Acme *test*" in text, "organism values are shown as written, not read as Markdown"
    assert "Article 3 – Droit applicable Les présentes" in document_text(mini_build, "beta", "cgu"), "beta uses the library clause"


def test_index_lists_every_document(mini_build: Path) -> None:
    index = (mini_build / "index.html").read_text(encoding="utf-8")
    for path in ("acme/cgu-2024-06-01.html", "acme/cgu-2024-06-01.pdf", "beta/privacy-2024-06-01.pdf"):
        assert f'href="{path}"' in index
    assert "base" not in document_text(mini_build, "acme", "cgu").split(), "abstract bases are not built"
    assert not (mini_build / "base").exists()


def test_pdf_reads_back(mini_build: Path) -> None:
    reader = PdfReader(built_file(mini_build, "acme", "cgu", ".pdf"))
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Conditions générales d'utilisation – Mutuelle Acme *test*"
    assert meta.author == "Mutuelle Acme *test*"
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert [item.title for item in reader.outline if not isinstance(item, list)] == [
        "Article 1 – Éditeur du site", "Article 2 – Cookies", "Article 3 – Droit applicable et litiges"]
    text = reader.pages[0].extract_text()
    assert "Mutuelle Acme *test*" in text and "Sommaire" in text
    assert "page 1 / 1" in text, "footer with page X / Y"
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("Lato" in f for f in fonts), f"only the theme's shipped font: {fonts}"
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/FontDescriptor"] if "/FontDescriptor" in font.get_object() else \
                font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), "every font is embedded"


def test_pdf_is_archival_and_tagged(mini_build: Path) -> None:
    reader = PdfReader(built_file(mini_build, "beta", "privacy", ".pdf"))
    xmp = reader.xmp_metadata
    assert xmp is not None
    xml = xmp.rdf_root.toxml()
    assert 'pdfaid:part="3"' in xml and 'pdfaid:conformance="U"' in xml
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root


def test_pdf_toc_has_page_numbers_on_long_documents(shipped_build: Path) -> None:
    path = built_file(shipped_build, "harmonie-mutuelle", "cgu", ".pdf")
    reader = PdfReader(path)
    assert len(reader.pages) >= 3
    toc = reader.pages[0].extract_text() + reader.pages[1].extract_text()
    last = reader.outline[-1]
    page_of_last = reader.get_destination_page_number(last) + 1
    assert f"{page_of_last}" in toc
    assert f"page 2 / {len(reader.pages)}" in reader.pages[1].extract_text()


def test_builds_are_byte_identical(tmp_path: Path) -> None:
    from conftest import FIXTURES

    env = {**os.environ, "PYTHONHASHSEED": "random"}
    outputs = []
    for run in range(2):
        out = tmp_path / f"out{run}"
        subprocess.run([sys.executable, str(ROOT / "cgu_cli.py"), "build", "--project", str(FIXTURES / "mini"),
                        "--out", str(out)], check=True, env=env, capture_output=True)
        outputs.append({p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert outputs[0].keys() == outputs[1].keys()
    assert len([p for p in outputs[0] if p.suffix == ".pdf"]) == 4
    for path in outputs[0]:
        assert outputs[0][path] == outputs[1][path], f"{path} differs between two builds"


def test_partial_build_keeps_other_organisms(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(mini, out, formats=("html",))
    beta = (out / "beta/cgu-2024-06-01.html").read_bytes()
    text = (mini / "organisms/acme/organism.yaml").read_text(encoding="utf-8")
    (mini / "organisms/acme/organism.yaml").write_text(text.replace("Mutuelle Acme", "Mutuelle Acmé"), encoding="utf-8")
    build(mini, out, organism_ids=("acme",), formats=("html",))
    assert (out / "beta/cgu-2024-06-01.html").read_bytes() == beta
    assert "Mutuelle Acmé" in (out / "acme/cgu-2024-06-01.html").read_text(encoding="utf-8")
    assert 'href="beta/cgu-2024-06-01.html"' in (out / "index.html").read_text(encoding="utf-8")
