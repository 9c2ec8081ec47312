"""French typography: narrow no-break space before ; ! ?, no-break space before : and inside « », typographic
apostrophe, on rendered HTML and on the PDF's text read back; addresses, code, link targets and numbers untouched."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import built_file
from helpers.project import mini_with
from pypdf import PdfReader

from cgu.compose.french import french_typography, superior_ordinals
from cgu.compose.markdown import render_markdown
from cgu.redline.classify import normalize

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(
    "written, printed",
    [
        ("Bonjour ; merci", f"Bonjour{NNBSP}; merci"),
        ("Vraiment? Oui!", f"Vraiment{NNBSP}? Oui{NNBSP}!"),
        ("Note: ceci", f"Note{NBSP}: ceci"),
        ("Article 5 : texte", f"Article 5{NBSP}: texte"),
        ("« texte »", f"«{NBSP}texte{NBSP}»"),
        ("«texte»", f"«{NBSP}texte{NBSP}»"),
        ("l'Organisme et aujourd'hui", "l’Organisme et aujourd’hui"),
        (f"déjà fin{NBSP};", f"déjà fin{NNBSP};"),  # a no-break space of the wrong width is mended
        ("voir https://exemple.fr/ : le site", f"voir https://exemple.fr/{NBSP}: le site"),
    ],
)
def test_prose_gets_french_typography(written: str, printed: str) -> None:
    assert french_typography(written) == printed
    assert french_typography(printed) == printed  # applied twice (a value in a template string): the same


@pytest.mark.parametrize(
    "untouched",
    [
        "à 10:30 précises",
        "un ratio de 3:1",
        "https://exemple.fr/page?x=1&y=2!",
        "https://exemple.fr/a:b;c",
        "www.exemple.fr/l'accueil",
        "o'brien@exemple.fr",
        "mailto:dpo@exemple.fr",
        "tel:+33123456789",
        "a !important",
        "Fin.",
    ],
)
def test_addresses_and_numbers_stay_as_written(untouched: str) -> None:
    assert french_typography(untouched) == untouched


def test_rendered_html_has_typography_where_a_reader_reads() -> None:
    body = (
        "L'Organisme précise : « oui » ; vraiment ?\n\n"
        "Voir <https://exemple.fr/?q=l'a;b> et [le site](https://exemple.fr/x:y?l'a=1 \"Titre : l'aide\").\n\n"
        "Le code `l'option ; x: 1` reste tel quel, comme dpo@exemple.fr.\n\n"
        "```\nl'exemple ; a: b ?\n```\n"
    )
    html = render_markdown(body, "a", 1).html
    assert f"<p>L’Organisme précise{NBSP}: «{NBSP}oui{NBSP}»{NNBSP}; vraiment{NNBSP}?</p>" in html
    assert "<a href=\"https://exemple.fr/?q=l'a;b\">https://exemple.fr/?q=l'a;b</a>" in html
    assert 'href="https://exemple.fr/x:y?l\'a=1"' in html
    assert 'title="Titre : l\'aide"' in html  # an attribute: as written
    assert ">le site</a>" in html
    assert "<code>l'option ; x: 1</code>" in html
    assert "dpo@exemple.fr." in html
    assert "<pre><code>l'exemple ; a: b ?\n</code></pre>" in html


def test_a_line_starting_with_punctuation_joins_the_word_before() -> None:
    html = render_markdown("le membre\n; l'Organisme", "a", 1).html
    assert html == f"<p>le membre{NNBSP}; l’Organisme</p>\n"


def test_redline_treats_typography_as_form() -> None:
    written = "L'Organisme précise: « oui » ; vraiment?"
    assert normalize(written) == normalize(french_typography(written))
    assert normalize("à 10:30") != normalize("à 10:31")


@pytest.fixture(scope="module")
def typo_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from cgu.commands.build import build

    root = mini_with(
        tmp_path_factory.mktemp("typo"),
        "editeur",
        "\nL'Organisme répond : « bien sûr » ; écrivez à dpo@exemple.fr ou voyez https://exemple.fr/aide?x=1 "
        "avant 10:30 ! Le code `l'option ; a: b` ne change pas. Version du {{ document.version|date }}.\n",
    )
    out = root.parent / "build"
    build(root, out, formats=("html", "pdf", "docx"))
    return out


@pytest.mark.slow
def test_built_html_and_pdf_carry_the_typography(typo_build: Path) -> None:
    expected = f"L’Organisme répond{NBSP}: «{NBSP}bien sûr{NBSP}»{NNBSP}; écrivez à dpo@exemple.fr"
    html = built_file(typo_build, "beta", "cgu").read_text(encoding="utf-8")
    assert expected in html
    assert f"https://exemple.fr/aide?x=1 avant 10:30{NNBSP}!" in html
    assert "<code>l'option ; a: b</code>" in html
    assert "Conditions générales d’utilisation" in html  # the |french filter on the document's title
    pdf = " ".join(page.extract_text() for page in PdfReader(built_file(typo_build, "beta", "cgu", ".pdf")).pages)
    flat = re.sub(r"[ \n]+", " ", pdf)  # line breaks of the page set aside (str.split would take U+202F too)
    assert "L’Organisme" in flat and "https://exemple.fr/aide?x=1" in flat and "10:30" in flat
    assert f"»{NNBSP}; écrivez" in flat and f"10:30{NNBSP}!" in flat  # U+202F read back from the text layer
    # the PDF's text layer writes U+00A0 as the space it is drawn with: what shows is that the colon and the
    # quotes stay on the line of their word
    assert "L’Organisme répond : « bien sûr »" in pdf
    assert "l'option ; a: b" in flat


@pytest.mark.parametrize(
    "written, printed",
    [
        ("<p>Version du 1er juin 2024</p>", "<p>Version du 1<sup>er</sup> juin 2024</p>"),
        (
            '<time datetime="2027-01-01">1er janvier 2027</time>',
            '<time datetime="2027-01-01">1<sup>er</sup> janvier 2027</time>',
        ),
        (
            f"<li>le 1er{NBSP}août, le 1er&nbsp;mai</li>",
            f"<li>le 1<sup>er</sup>{NBSP}août, le 1<sup>er</sup>&nbsp;mai</li>",
        ),
        # untouched: not a date, already superior, an attribute, the title bar, code, a script
        ("<p>le 1er article, 11er juin, 1erjuin</p>", None),
        ("<p>1<sup>er</sup> juin</p>", None),
        ('<meta name="description" content="Version du 1er juin 2024">', None),
        ("<title>CGU – Version du 1er juin 2024</title>", None),
        ("<code>1er juin</code> <pre>le 1er mai</pre>", None),
        ("<script>let d = '1er juin';</script><style>/* 1er juin */</style><!-- 1er juin -->", None),
    ],
)
def test_the_first_of_a_month_has_a_superior_er_in_html_text(written: str, printed: str | None) -> None:
    assert superior_ordinals(written) == (printed or written)
    assert superior_ordinals(printed or written) == (printed or written), "applied twice: the same"


@pytest.mark.slow
def test_built_pages_write_the_first_of_a_month_superior_and_the_pdf_reads_it(typo_build: Path) -> None:
    """Beta's CGU is of 1 June 2024: its banner and footer (the theme) and a date in a clause (Markdown) print a
    superior "er"; the page's description keeps "1er" as text, and the PDF's running footer reads it as text."""
    html = built_file(typo_build, "beta", "cgu").read_text(encoding="utf-8")
    assert 'Version du <time datetime="2024-06-01">1<sup>er</sup> juin 2024</time>' in html
    assert "ne change pas. Version du 1<sup>er</sup> juin 2024.</p>" in html
    assert "version du 1<sup>er</sup> juin 2024</p>" in html  # the page's footer
    assert re.search(r'<meta name="description" content="[^"]*, version du 1er juin 2024">', html)
    reader = PdfReader(built_file(typo_build, "beta", "cgu", ".pdf"))
    flat = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert "ne change pas. Version du 1er juin 2024." in flat, "the superior letters are read back in their place"
    assert f"Version du 1er juin 2024 page 1 / {len(reader.pages)}" in flat, "the running footer: 1er, as text"


@pytest.mark.slow
def test_built_docx_carries_the_typography(typo_build: Path) -> None:
    """The Word document is made from the same composed text: the same spaces and apostrophes, and the same things
    left as written (addresses, numbers, code)."""
    import docx

    word = docx.Document(str(built_file(typo_build, "beta", "cgu", ".docx")))
    (paragraph,) = [p.text for p in word.paragraphs if "répond" in p.text]
    assert paragraph.startswith(f"L’Organisme répond{NBSP}: «{NBSP}bien sûr{NBSP}»{NNBSP}; écrivez à dpo@exemple.fr")
    assert f"https://exemple.fr/aide?x=1 avant 10:30{NNBSP}!" in paragraph
    assert "l'option ; a: b" in paragraph
