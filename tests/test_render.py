"""Rendering: HTML structure and real WeasyPrint PDFs read back with pypdf; byte-identical rebuilds."""

from __future__ import annotations

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, built_file, document_text
from pypdf import PdfReader

from cgu.commands.build import build


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
    assert "Article 3 – Droit applicable Les présentes" in document_text(mini_build, "beta", "cgu"), (
        "beta uses the library clause"
    )


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
        "Article 1 – Éditeur du site",
        "Article 2 – Cookies",
        "Article 3 – Droit applicable et litiges",
    ]
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
            descriptor = (
                font.get_object()["/FontDescriptor"]
                if "/FontDescriptor" in font.get_object()
                else font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            )
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


@pytest.mark.slow
def test_builds_are_byte_identical(tmp_path: Path) -> None:
    from conftest import FIXTURES

    env = {**os.environ, "PYTHONHASHSEED": "random"}
    outputs = []
    for run in range(2):
        out = tmp_path / f"out{run}"
        subprocess.run(
            [sys.executable, str(ROOT / "cgu_cli.py"), "build", "--project", str(FIXTURES / "mini"), "--out", str(out)],
            check=True,
            env=env,
            capture_output=True,
        )
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


def test_organism_build_touches_no_other_organisms_file(repo: Path, tmp_path: Path) -> None:
    """`--organism acme` writes and removes acme's files only: beta's pages, release files (changelog, versions,
    redline) and logo keep their bytes and their modification times, none is removed, and the index still lists them
    as before."""
    (repo / "organisms/beta-logo.svg").write_text(LOGO, encoding="utf-8")
    beta = repo / "organisms/beta.yaml"
    beta.write_text(beta.read_text(encoding="utf-8") + "theme:\n  logo: organisms/beta-logo.svg\n", encoding="utf-8")
    (repo / "clauses/droit.md").write_text(
        (repo / "clauses/droit.md").read_text(encoding="utf-8").replace("relèvent du droit", "sont soumises au droit"),
        encoding="utf-8",
    )  # beta's CGU is now a draft: it has changes since its release, a redline to the draft
    out = tmp_path / "out"
    build(repo, out, formats=("html",))
    old = 1_000_000_000  # a date no write of this run can give
    for path in out.rglob("*"):
        os.utime(path, (old, old), follow_symlinks=False)
    others = {p.relative_to(out).as_posix(): p.read_bytes() for p in (out / "beta").rglob("*") if p.is_file()}
    assert {"beta/cgu/changelog.html", "beta/cgu/versions.json", "beta/logo.svg"} <= set(others), sorted(others)
    assert any(p.startswith("beta/cgu/redline-") for p in others), sorted(others)
    index = [line for line in (out / "index.html").read_text(encoding="utf-8").splitlines() if "beta" in line]
    assert any('href="beta/cgu/changelog.html"' in line for line in index) and len(index) > 2

    acme = repo / "organisms/acme/organism.yaml"
    acme.write_text(acme.read_text(encoding="utf-8").replace("Mutuelle Acme", "Mutuelle Acmé"), encoding="utf-8")
    build(repo, out, organism_ids=("acme",), formats=("html",))

    after = {p.relative_to(out).as_posix(): p for p in (out / "beta").rglob("*") if p.is_file()}
    assert sorted(after) == sorted(others), "no file of beta is added or removed"
    for name, path in after.items():
        assert path.read_bytes() == others[name], f"{name} rewritten with other bytes"
        assert path.stat().st_mtime == old, f"{name} written again"
    assert "Mutuelle Acmé" in built_file(out, "acme", "cgu").read_text(encoding="utf-8")
    assert [line for line in (out / "index.html").read_text(encoding="utf-8").splitlines() if "beta" in line] == index


LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"><rect width="30" height="30" fill="#336699"/>'
    '<text x="36" y="22" font-family="Helvetica, Arial, sans-serif" font-weight="700" font-size="18">acme</text></svg>\n'
)


@pytest.fixture(scope="module")
def styled_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini project with a logo whose text asks for a machine font (acme), and a document long enough for many pages (beta)."""
    import shutil

    from conftest import FIXTURES

    project = tmp_path_factory.mktemp("styled") / "project"
    shutil.copytree(FIXTURES / "mini", project)
    (project / "organisms/acme/logo.svg").write_text(LOGO, encoding="utf-8")
    organism = project / "organisms/acme/organism.yaml"
    organism.write_text(organism.read_text(encoding="utf-8") + "  logo: organisms/acme/logo.svg\n", encoding="utf-8")
    clause = project / "clauses/editeur.md"
    filler = "".join(
        f"\n## Section {n}\n\n"
        + "Le site est mis à jour régulièrement, sans préavis ni obligation de résultat. " * 12
        + "\n"
        for n in range(1, 25)
    )
    clause.write_text(clause.read_text(encoding="utf-8") + filler, encoding="utf-8")
    out = project.parent / "build"
    build(project, out)
    return out


def pdf_fonts(reader: PdfReader) -> set[str]:
    """The PostScript name inside every font file a PDF embeds, for page text and form XObjects (an SVG logo is one)."""
    import io

    from fontTools.ttLib import TTFont

    found: set[str] = set()

    def walk(resources: Any) -> None:
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descriptor = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font)[
                "/FontDescriptor"
            ].get_object()
            embedded = [descriptor[key] for key in ("/FontFile", "/FontFile2", "/FontFile3") if key in descriptor]
            assert embedded, f"font {font['/BaseFont']} is not embedded"
            with TTFont(io.BytesIO(embedded[0].get_object().get_data())) as file:
                found.add(file["name"].getDebugName(6))
        for xobject in (resources.get("/XObject") or {}).values():
            if "/Resources" in xobject.get_object():
                walk(xobject.get_object()["/Resources"].get_object())

    for page in reader.pages:
        walk(page["/Resources"])
    return found


def theme_font_names() -> set[str]:
    """PostScript names of the fonts the default theme ships."""
    from fontTools.ttLib import TTFont

    from cgu.builtin import BUILTIN_THEMES

    names = set()
    for path in (BUILTIN_THEMES / "default/fonts").glob("*.ttf"):
        with TTFont(path) as font:
            names.add(font["name"].getDebugName(6))
    return names


def test_every_pdf_uses_only_the_theme_fonts(styled_build: Path) -> None:
    shipped = theme_font_names()
    pdfs = sorted(styled_build.rglob("*.pdf"))
    assert len(pdfs) == 4
    for path in pdfs:
        used = pdf_fonts(PdfReader(path))
        assert used and used <= shipped, f"{path.name} uses fonts the theme does not ship: {used - shipped}"
    logo_page = PdfReader(built_file(styled_build, "acme", "cgu", ".pdf")).pages[0]
    assert "acme" in logo_page.extract_text(), "the logo's text is drawn, in the theme's font rather than Helvetica"


def test_pdf_pages_are_a4_with_running_header_and_footer(styled_build: Path) -> None:
    reader = PdfReader(built_file(styled_build, "beta", "cgu", ".pdf"))
    total = len(reader.pages)
    assert total >= 3
    for number, page in enumerate(reader.pages, start=1):
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842), "A4 in points"
        header, footer = margin_text(page)
        assert header == "Beta Mutualité Conditions générales d’utilisation", f"header of page {number}"
        assert footer == f"Conditions générales d’utilisation – Version du 1er juin 2024 page {number} / {total}", (
            f"footer of page {number}"
        )


def margin_text(page: Any) -> tuple[str, str]:
    """The text in the top and in the bottom margin (22 mm) of a page, in reading order."""
    top: list[tuple[float, float, str]] = []
    bottom: list[tuple[float, float, str]] = []
    height, margin = float(page.mediabox.height), 22 / 25.4 * 72

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
        if text.strip() and y > height - margin:
            top.append((-y, x, text.strip()))
        elif text.strip() and y < margin:
            bottom.append((-y, x, text.strip()))

    page.extract_text(visitor_text=visit)
    return " ".join(t for *_, t in sorted(top)), " ".join(t for *_, t in sorted(bottom))


def test_pdf_toc_page_numbers_match_the_bookmarks(styled_build: Path) -> None:
    reader = PdfReader(built_file(styled_build, "beta", "cgu", ".pdf"))
    articles = [item for item in reader.outline if not isinstance(item, list)]
    assert [a.title for a in articles] == [
        "Article 1 – Éditeur du site",
        "Article 2 – Cookies",
        "Article 3 – Droit applicable",
    ]
    pages = [reader.get_destination_page_number(a) + 1 for a in articles]
    assert pages[-1] > 1, "the long first article pushes the others to later pages"
    toc = [
        " ".join(line.split()) for line in reader.pages[0].extract_text().splitlines() if line.startswith("Article ")
    ]
    for article, page in zip(articles, pages, strict=True):
        line = next(line for line in toc if line.startswith(article.title))
        assert line.endswith(f" {page}"), f"TOC line {line!r} should give page {page}"
    nested = next(item for item in reader.outline if isinstance(item, list))
    assert nested[0].title == "1.1. Section 1", "sub-sections are bookmarks too, under their article"


def test_organism_theme_settings_logo_and_colour(styled_build: Path) -> None:
    acme = built_file(styled_build, "acme", "cgu").read_text(encoding="utf-8")
    beta = built_file(styled_build, "beta", "cgu").read_text(encoding="utf-8")
    assert (
        "--accent: #336699;" in acme and '<img class="logo" src="logo.svg" alt="Logo de Mutuelle Acme *test*">' in acme
    )
    assert "--accent: #1f4e79;" in beta and "<img" not in beta, "beta keeps the default colour and has no logo"
    assert (styled_build / "acme/logo.svg").read_text(encoding="utf-8") == LOGO
    acme_pdf = PdfReader(built_file(styled_build, "acme", "cgu", ".pdf")).pages[0].get_contents().get_data()
    beta_pdf = PdfReader(built_file(styled_build, "beta", "cgu", ".pdf")).pages[0].get_contents().get_data()
    assert b"0.2 0.4 0.6 rg" in acme_pdf and b"0.2 0.4 0.6 rg" not in beta_pdf, (
        "acme's #336699 is drawn in its PDF only"
    )
    assert b"0.121569 0.305882 0.47451 rg" in beta_pdf, "the default #1f4e79"


def test_project_theme_wins_over_the_builtin_one(mini: Path, tmp_path: Path) -> None:
    import shutil

    from cgu.builtin import BUILTIN_THEMES

    shutil.copytree(BUILTIN_THEMES / "default", mini / "themes/maison")
    page = mini / "themes/maison/document.html"
    page.write_text(
        page.read_text(encoding="utf-8").replace("<main", '<p class="maison">Thème maison</p>\n<main'), encoding="utf-8"
    )
    (mini / "themes/maison/style.css").write_text("body { font-family: Lato; }\n", encoding="utf-8")
    organism = mini / "organisms/acme/organism.yaml"
    organism.write_text(organism.read_text(encoding="utf-8") + "  name: maison\n", encoding="utf-8")
    out = tmp_path / "site"
    build(mini, out, formats=("html",))
    acme = built_file(out, "acme", "cgu").read_text(encoding="utf-8")
    assert "Thème maison" in acme and 'href="../assets/maison/style.css"' in acme
    assert "Thème maison" not in built_file(out, "beta", "cgu").read_text(encoding="utf-8")
    assert (out / "assets/maison/style.css").read_text(encoding="utf-8") == "body { font-family: Lato; }\n"


@pytest.mark.slow
def test_rebuilds_with_history_are_byte_identical_and_dated_by_source_date_epoch(repo: Path, tmp_path: Path) -> None:
    """Documents, versions.json, changelogs and redlines: the same bytes twice; file times from SOURCE_DATE_EPOCH."""
    from helpers.releases import edit

    project = repo
    edit(project / "clauses/droit.md", "relèvent du droit", "sont soumises au droit")  # a draft on top
    epoch = 1_719_792_000  # 2024-07-01: the build's "today", after the fixture's release (committed on 2024-06-01)
    env = {**os.environ, "PYTHONHASHSEED": "random", "SOURCE_DATE_EPOCH": str(epoch)}
    outputs = []
    for run in range(2):
        out = tmp_path / f"out{run}"
        subprocess.run(
            [sys.executable, str(ROOT / "cgu_cli.py"), "build", "--project", str(project), "--out", str(out)],
            check=True,
            env=env,
            capture_output=True,
        )
        files = sorted(p for p in out.rglob("*") if p.is_file())
        assert {int(p.stat().st_mtime) for p in files} == {epoch}, "every file dated SOURCE_DATE_EPOCH, not now"
        outputs.append({p.relative_to(out): p.read_bytes() for p in files})
    assert outputs[0].keys() == outputs[1].keys()
    assert {
        Path("beta/cgu/versions.json"),
        Path("beta/cgu/changelog.html"),
        Path("beta/cgu-2024-06-01.pdf"),
    } <= outputs[0].keys()
    for path in outputs[0]:
        assert outputs[0][path] == outputs[1][path], f"{path} differs between two builds"
    meta = PdfReader(tmp_path / "out0/beta/cgu-2024-06-01.pdf").metadata
    assert meta is not None and meta["/CreationDate"] == meta["/ModDate"] == "D:20240601000000Z", (
        "the version date, never the build's"
    )


def test_every_shipped_pdf_uses_only_the_theme_fonts(shipped_build: Path) -> None:
    shipped = theme_font_names()
    pdfs = sorted(shipped_build.glob("*/*.pdf"))
    assert len(pdfs) >= 10
    for path in pdfs:
        used = pdf_fonts(PdfReader(path))
        assert used <= shipped, (
            f"{path.relative_to(shipped_build)} uses fonts the theme does not ship: {used - shipped}"
        )
