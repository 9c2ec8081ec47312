"""Word documents: real DOCX files read back with python-docx and as raw XML, byte-identical rebuilds, LibreOffice."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from conftest import ROOT, built_file
from docx.oxml.ns import qn
from docx.shared import Pt
from helpers.project import mini_with

from cgu.commands.build import build

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def rich(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini project with an article holding an external link, an internal one and emphasis; built to DOCX."""
    project = mini_with(
        tmp_path_factory.mktemp("docx"),
        "droit",
        "\nVoir le site de la [CNIL](https://www.cnil.fr/) et la section [Cookies](#cookies), *en particulier* "
        "la **durée**.\n\n- premier point\n- second point\n",
    )
    _logos(project)
    out = project / "build"
    build(project, out, formats=("docx",))
    return out


SVG_LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"><rect width="30" height="30" fill="#336699"/>'
    '<text x="36" y="22" font-size="18">acme</text></svg>\n'
)


def _logos(project: Path) -> None:
    """Beta gets a PNG logo (200 × 100 pixels, taller than the 36 pt a logo may be), acme an SVG one (120 × 30)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (200, 100), (200, 30, 30))
    ImageDraw.Draw(image).ellipse((10, 10, 90, 90), fill=(255, 255, 255))
    image.save(project / "organisms" / "beta-logo.png")
    beta = project / "organisms" / "beta.yaml"
    beta.write_text(beta.read_text(encoding="utf-8") + "theme:\n  logo: organisms/beta-logo.png\n", encoding="utf-8")
    (project / "organisms" / "acme" / "logo.svg").write_text(SVG_LOGO, encoding="utf-8")
    acme = project / "organisms" / "acme" / "organism.yaml"
    acme.write_text(acme.read_text(encoding="utf-8") + "  logo: organisms/acme/logo.svg\n", encoding="utf-8")


def _document(rich: Path, organism: str = "beta") -> docx.document.Document:
    return docx.Document(str(built_file(rich, organism, "cgu", ".docx")))


def test_headings_use_word_heading_styles_with_article_numbers(rich: Path) -> None:
    word = _document(rich)
    styles = [(p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert styles[0][0] == "Title"
    headings = [text for style, text in styles if style == "Heading 1"]
    assert headings and all(text.startswith(f"Article {n} – ") for n, text in enumerate(headings, 1))
    assert ("Heading 2", "1.1. Inventaire") in styles or any(
        style == "Heading 2" and text.endswith("Inventaire") for style, text in styles
    )
    banner = next(p.text for p in word.paragraphs if p.style.name == "Subtitle")
    assert banner.startswith("Version du ") and "en vigueur à compter du" in banner


def test_articles_are_bookmarked_and_listed_in_a_toc_field(rich: Path) -> None:
    word = _document(rich)
    body = word.element.body
    bookmarks = {b.get(qn("w:name")) for b in body.iter(f"{W}bookmarkStart")}
    assert {"cgu_cookies", "cgu_droit"} <= bookmarks
    instructions = "".join(t.text for t in body.iter(f"{W}instrText"))
    assert "TOC" in instructions
    anchors = {link.get(qn("w:anchor")) for link in body.iter(f"{W}hyperlink")}
    assert "cgu_cookies" in anchors


def test_cookie_table_is_a_real_table(rich: Path) -> None:
    word = _document(rich)
    assert word.tables, "the cookie inventory should be a Word table"
    table = word.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Nom", "Fournisseur", "Durée"]
    assert all(run.bold for run in table.rows[0].cells[0].paragraphs[0].runs)
    assert len(table.rows) >= 2 and table.rows[1].cells[0].text


def test_links_are_hyperlinks_and_marks_are_runs(rich: Path) -> None:
    word = _document(rich)
    external = [r for r in word.part.rels.values() if r.is_external]
    assert [r.target_ref for r in external] == ["https://www.cnil.fr/"]
    paragraph = next(p for p in word.paragraphs if "CNIL" in p.text)
    assert "Voir le site de la CNIL et la section Cookies, en particulier la durée." in paragraph.text
    link = paragraph._p.find(qn("w:hyperlink"))
    assert link is not None and link.get(qn("r:id")) == external[0].rId
    assert [r.text for r in paragraph.runs if r.italic] == ["en particulier"]
    assert [r.text for r in paragraph.runs if r.bold] == ["durée"]
    bullets = [p.text for p in word.paragraphs if p.style.name == "List Bullet"]
    assert bullets == ["premier point", "second point"]


def test_properties_header_and_footer(rich: Path) -> None:
    word = _document(rich)
    core = word.core_properties
    assert core.title and core.author == "Beta Mutualité"
    assert core.language == "fr-FR"
    assert core.identifier.startswith("cgu:beta/cgu@")
    version = core.identifier.rsplit("@", 1)[1]
    assert core.created.date().isoformat() == version == core.modified.date().isoformat() == core.version
    assert core.author in word.sections[0].header.paragraphs[0].text
    footer = word.sections[0].footer._element
    assert {"PAGE", "NUMPAGES"} <= {t.text.strip() for t in footer.iter(f"{W}instrText")}
    styles = word.styles.element
    assert any(lang.get(qn("w:val")) == "fr-FR" for lang in styles.iter(f"{W}lang"))


def test_the_er_of_a_dates_1er_is_a_superscript_run(rich: Path) -> None:
    """As the HTML writes 1<sup>er</sup> juin 2024: the banner, the footer and the text of an article."""
    word = _document(rich)
    banner = next(p for p in word.paragraphs if p.style.name == "Subtitle")
    body = next(p for p in word.paragraphs if "relèvent du droit" in p.text)
    footer = word.sections[0].footer.paragraphs[0]
    for paragraph in (banner, body, footer):
        assert "1er juin 2024" in paragraph.text, paragraph.text
        runs = paragraph.runs
        superior = [i for i, run in enumerate(runs) if run.font.superscript]
        assert superior and all(runs[i].text == "er" and runs[i - 1].text.endswith(" 1") for i in superior)
        assert runs[superior[0] + 1].text.startswith(" juin 2024")
    assert "en vigueur à compter du 15 juin 2024" in banner.runs[-1].text and not banner.runs[-1].font.superscript
    assert word.core_properties.comments == "Version du 1er juin 2024", "a property is plain text"


def _header_picture(word: docx.document.Document) -> tuple[Any, Any]:
    """The header's one inline picture (`wp:inline`) and its `a:blip`."""
    header = word.sections[0].header
    (inline,) = header._element.iter(qn("wp:inline"))
    (blip,) = inline.iter(qn("a:blip"))
    return inline, blip


def test_a_png_logo_heads_every_page_no_taller_than_in_html(rich: Path) -> None:
    word = _document(rich, "beta")
    inline, blip = _header_picture(word)
    header = word.sections[0].header
    assert (
        header.part.related_parts[blip.get(qn("r:embed"))].blob
        == (rich.parent / "organisms/beta-logo.png").read_bytes()
    )
    extent = inline.find(qn("wp:extent"))
    assert (int(extent.get("cx")), int(extent.get("cy"))) == (Pt(72), Pt(36)), "3rem tall as in HTML, its proportions"
    text = header.paragraphs[0].text
    assert text.strip() == "Beta Mutualité – Conditions générales d'utilisation", "the name still follows the logo"


def test_an_svg_logo_is_embedded_as_svg_beside_a_blank_png_of_its_size(rich: Path) -> None:
    """Word 2016 and later draw the SVG (`asvg:svgBlip`); the PNG every DOCX must also carry is blank, not a drawing."""
    from PIL import Image

    word = _document(rich, "acme")
    inline, blip = _header_picture(word)
    related = word.sections[0].header.part.related_parts
    (svg_blip,) = blip.iter("{http://schemas.microsoft.com/office/drawing/2016/SVG/main}svgBlip")
    svg = related[svg_blip.get(qn("r:embed"))]
    assert svg.content_type == "image/svg+xml" and svg.blob == SVG_LOGO.encode()
    fallback = Image.open(io.BytesIO(related[blip.get(qn("r:embed"))].blob))
    assert fallback.size == (120, 30) and fallback.mode == "RGBA" and fallback.getextrema()[3] == (0, 0)
    extent = inline.find(qn("wp:extent"))
    assert (int(extent.get("cx")), int(extent.get("cy"))) == (Pt(90), Pt(22.5)), "30 CSS pixels: under the 3rem cap"


def _beta_with_logo(tmp_path: Path, data: bytes) -> Path:
    """A copy of the mini project whose beta has `data` as its JPEG logo."""
    from conftest import FIXTURES

    project = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", project)
    (project / "organisms" / "beta-logo.jpg").write_bytes(data)
    beta = project / "organisms" / "beta.yaml"
    beta.write_text(beta.read_text(encoding="utf-8") + "theme:\n  logo: organisms/beta-logo.jpg\n", encoding="utf-8")
    return project


def test_a_jpeg_without_a_jfif_header_is_embedded_in_png(tmp_path: Path) -> None:
    """python-docx reads only JFIF and Exif JPEGs; a browser, WeasyPrint and Word read the others: Pillow re-encodes."""
    from PIL import Image

    jpeg = io.BytesIO()
    Image.new("RGB", (80, 40), (10, 120, 200)).save(jpeg, "JPEG")
    data = jpeg.getvalue()
    assert data[6:10] == b"JFIF"
    bare = data[:2] + data[4 + int.from_bytes(data[4:6], "big") :]  # the APP0 (JFIF) segment taken out
    project = _beta_with_logo(tmp_path, bare)
    build(project, tmp_path / "out", formats=("docx",), organism_ids=("beta",))
    word = docx.Document(str(built_file(tmp_path / "out", "beta", "cgu", ".docx")))
    inline, blip = _header_picture(word)
    picture = Image.open(io.BytesIO(word.sections[0].header.part.related_parts[blip.get(qn("r:embed"))].blob))
    assert (picture.format, picture.size) == ("PNG", (80, 40))
    extent = inline.find(qn("wp:extent"))
    assert (int(extent.get("cx")), int(extent.get("cy"))) == (Pt(60), Pt(30))


def test_a_logo_no_library_can_read_is_one_message_at_its_line(tmp_path: Path) -> None:
    project = _beta_with_logo(tmp_path, b"\xff\xd8\xff" + b"pas une image" * 10)
    args = ["build", "--project", str(project), "--out", str(tmp_path / "out"), "--format", "docx"]
    result = subprocess.run(
        [sys.executable, str(ROOT / "cgu_cli.py"), *args], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 1, result.stderr
    assert (
        "organisms/beta.yaml:" in result.stderr and "logo 'beta-logo.jpg' cannot be read as an image" in result.stderr
    )
    assert "export it again as PNG" in result.stderr and "Traceback" not in result.stderr


def test_zip_members_have_fixed_dates(rich: Path) -> None:
    with zipfile.ZipFile(built_file(rich, "beta", "cgu", ".docx")) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert archive.namelist()[0] == "[Content_Types].xml"
        assert "docProps/thumbnail.jpeg" not in archive.namelist()


@pytest.mark.slow
def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    from conftest import FIXTURES

    env = {**os.environ, "PYTHONHASHSEED": "random"}
    outputs = []
    for run in range(2):
        out = tmp_path / f"out{run}"
        subprocess.run(
            [sys.executable, str(ROOT / "cgu_cli.py"), "build", "--project", str(FIXTURES / "mini"), "--out", str(out)]
            + ["--format", "docx"],
            check=True,
            env=env,
            capture_output=True,
        )
        outputs.append({p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*.docx"))})
    assert len(outputs[0]) == 4
    assert outputs[0] == outputs[1]


def test_source_date_epoch_dates_the_properties(rich: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cgu.project import load_project
    from cgu.render.docx import DocxBuilder

    project = load_project(rich.parent, organism_ids=("beta",), kinds=("cgu",))
    document = project.documents[0]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    data = DocxBuilder().render(document, project.themes[document.organism.theme.name], project.root)
    (tmp_path / "d.docx").write_bytes(data)
    assert docx.Document(str(tmp_path / "d.docx")).core_properties.created.isoformat()[:19] == "2023-11-14T22:13:20"


def test_shipped_documents_render(tmp_path: Path) -> None:
    """Every shipped document makes a DOCX with one Heading 1 per article and its tables."""
    from cgu.project import load_project
    from cgu.render.docx import docx_bytes, docx_document_from_articles

    project = load_project(ROOT, organism_ids=("harmonie-mutuelle",))
    for document in project.documents:
        (tmp_path / "d.docx").write_bytes(docx_bytes(docx_document_from_articles(document), document))
        word = docx.Document(str(tmp_path / "d.docx"))
        headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
        assert headings == [a.heading for a in document.articles]
        assert len(word.tables) == sum(a.html.count("<table") for a in document.articles)


SOFFICE = shutil.which("soffice")


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_it(rich: Path, tmp_path: Path) -> None:
    """LibreOffice (headless, private profile) converts the DOCX to PDF: its text, tables and TOC come through."""
    from pypdf import PdfReader

    source = built_file(rich, "beta", "cgu", ".docx")
    profile = (tmp_path / "profile").as_uri()
    result = subprocess.run(
        [str(SOFFICE), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
        + ["--outdir", str(tmp_path), str(source)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    text = " ".join(page.extract_text() for page in PdfReader(tmp_path / f"{source.stem}.pdf").pages)
    assert text.count("Article 3 – Droit applicable") == 2  # the table of contents and the heading
    assert "CNIL" in text and "Fournisseur" in text and "Beta Mutualité" in text
    assert len(PdfReader(tmp_path / f"{source.stem}.pdf").pages[0].images) == 1, "the logo, drawn in the header"


@pytest.mark.slow
def test_published_releases_have_their_docx_in_the_bundles(repo: Path, tmp_path: Path) -> None:
    import json

    from cgu.commands.publish import publish

    out = tmp_path / "public"
    publish(repo, out)
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    beta = next(e for e in index["organisms"] if e["id"] == "beta" and e["document"] == "cgu")
    assert beta["docx"] == "beta/cgu/releases/2024-06-01.docx" == beta["releases"][0]["docx"]
    word = docx.Document(str(out / beta["docx"]))
    assert word.core_properties.identifier == "cgu:beta/cgu@2024-06-01"
    first = (out / beta["docx"]).read_bytes()
    with zipfile.ZipFile(out / "bundles/beta.zip") as bundle:
        assert bundle.read(beta["docx"]) == first
    publish(repo, out)
    assert (out / beta["docx"]).read_bytes() == first
    assert "Word" in (out / "releases.html").read_text(encoding="utf-8")


def test_the_theme_gives_the_font(tmp_path: Path) -> None:
    from cgu.load.themes import find_theme
    from cgu.project import load_project
    from cgu.render.docx import DocxBuilder, theme_font

    assert theme_font(find_theme(ROOT, "default")) == "Lato"
    shutil.copytree(ROOT / "themes" / "default", tmp_path / "themes" / "default")
    css = tmp_path / "themes" / "default" / "style.css"
    css.write_text(
        css.read_text(encoding="utf-8").replace('html { font-family: "Lato"', 'html { font-family: "Marianne"')
    )
    theme = find_theme(tmp_path, "default")
    assert theme_font(theme) == "Marianne"
    from conftest import FIXTURES

    document = load_project(FIXTURES / "mini", organism_ids=("beta",), kinds=("cgu",)).documents[0]
    (tmp_path / "d.docx").write_bytes(DocxBuilder().render(document, theme, FIXTURES / "mini"))
    assert docx.Document(str(tmp_path / "d.docx")).styles["Normal"].font.name == "Marianne"
