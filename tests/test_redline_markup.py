"""Redline articles rendered from Markdown: structure kept, changes marked, HTML well nested, nothing loaded."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cgu.compose.markdown import MARKDOWN
from cgu.redline.compare import redline
from cgu.redline.markup import article_markup
from cgu.redline.sections import split_markdown

VOID = {"br", "hr", "img", "input", "wbr"}


class Nesting(HTMLParser):
    """Records tags and fails on any end tag that does not close the innermost open element."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def markup(old: str, new: str) -> str:
    changes = redline(split_markdown(old, "a.md"), split_markdown(new, "b.md")).changes
    return "".join(str(article_markup(c)) for c in changes)


def well_nested(html: str) -> Nesting:
    parser = Nesting()
    parser.feed(html)
    parser.close()
    assert parser.errors == [] and parser.stack == [], (parser.errors, parser.stack, html)
    return parser


def test_a_list_item_added_stays_a_list_item() -> None:
    html = markup(
        "# Services\n\n- **Garanties** : consulter\n- **Relevés** : télécharger\n",
        "# Services\n\n- **Garanties** : consulter\n- **Accès** : deux ans après\n- **Relevés** : télécharger\n",
    )
    parser = well_nested(html)
    assert parser.tags.count("li") == 3 and "**" not in html and "<strong>" in html
    added = [item for item in html.split("<li>") if "deux ans après" in item]
    assert len(added) == 1 and "<ins>" in added[0] and "<h4>" not in html  # the unchanged heading is the redline's


def test_emphasis_crossing_a_change_is_closed_and_reopened() -> None:
    html = markup(
        "# A\n\nLes données **sont conservées trois ans** au plus.\n",
        "# A\n\nLes données sont **conservées cinq ans au plus** désormais.\n",
    )
    well_nested(html)
    assert "<del>" in html and "<ins>" in html and "cinq" in html and "trois" in html


def test_table_rows_keep_their_cells() -> None:
    old = "# Cookies\n\n| Nom | Durée |\n|---|---|\n| _ga | 13 mois |\n"
    new = "# Cookies\n\n| Nom | Durée |\n|---|---|\n| _ga | 6 mois |\n| _gid | 24 h |\n"
    html = markup(old, new)
    parser = well_nested(html)
    assert parser.tags.count("tr") == 3 and parser.tags.count("td") == 4
    assert "<td><ins>" in html and "<del>" in html


def test_a_changed_link_target_is_said_and_the_new_target_kept() -> None:
    html = markup(
        "# L\n\nVoir [le site](https://ancien.example/cgu).\n", "# L\n\nVoir [le site](https://nouveau.example/cgu).\n"
    )
    well_nested(html)
    assert 'href="https://nouveau.example/cgu"' in html and "ancien" not in html.split("href")[1].split(">")[0]
    assert "adresse du lien modifiée" in html


def test_a_retitled_heading_is_shown_and_an_unchanged_one_left_to_the_redline() -> None:
    body = "Nous conservons vos données pendant trois ans après la fin du contrat, puis nous les supprimons.\n"
    assert "<h4>" in markup(f"# Conservation\n\n{body}", f"# Durées de conservation\n\n{body}")
    assert "<h4>" not in markup(f"# Conservation\n\n{body}", f"# Conservation\n\n{body.replace('trois', 'cinq')}")


def test_images_are_never_loaded_and_hostile_text_stays_text() -> None:
    html = markup("# A\n\nTexte.\n", "# A\n\nTexte ![logo](http://tracker.example/x.png) <script>alert(1)</script>.\n")
    parser = well_nested(html)
    assert (
        "img" not in parser.tags
        and "script" not in parser.tags
        and "[image : logo]" in html
        and "&lt;script&gt;" in html
    )


WORDS = st.sampled_from(
    [
        "**gras**",
        "_it_",
        "`code`",
        "mot",
        "[lien](https://a.example)",
        "- item",
        "1. un",
        "| a | b |",
        "## Titre",
        "> cité",
        "texte",
        "\n",
        "\n\n",
        "---",
        "*",
        "|",
        "é",
        "<b>",
        "&amp;",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(WORDS, max_size=25), st.lists(WORDS, max_size=25))
def test_any_markdown_pair_gives_well_nested_html(old: list[str], new: list[str]) -> None:
    html = markup("# T\n\n" + " ".join(old) + "\n", "# T\n\n" + " ".join(new) + "\n")
    well_nested(html)
    assert "\ue000" not in html and "\ue003" not in html and "<b>" not in html


@pytest.mark.slow
def test_every_corpus_redline_renders_well_nested() -> None:
    from cgu.redline.render import render_html_fragment

    corpus = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    if not corpus.is_dir():
        pytest.skip("the corpus (../shared/corpus, Open Terms Archive) is not available here")
    pairs = 0
    for folder in sorted(p for p in corpus.iterdir() if p.is_dir()):
        versions = sorted(folder.glob("*.md"))
        for old, new in zip(versions, versions[1:], strict=False):
            result = redline(
                split_markdown(old.read_text(encoding="utf-8"), old.name),
                split_markdown(new.read_text(encoding="utf-8"), new.name),
            )
            well_nested(render_html_fragment(result))
            pairs += 1
    assert pairs >= 70


class Addresses(HTMLParser):
    """Every address a browser would follow or load: href and src of any tag."""

    def __init__(self) -> None:
        super().__init__()
        self.addresses: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.addresses += [value or "" for name, value in attrs if name in ("href", "src")]


def addresses(html: str) -> list[str]:
    parser = Addresses()
    parser.feed(html)
    return parser.addresses


def safe(address: str) -> bool:
    from urllib.parse import unquote

    return all(MARKDOWN.validateLink(form) for form in (address, unquote(address)))


SCRIPTED = [
    ("Voir [a](:alert(1)).", "Voir [a](javascript:alert(1))."),  # a target with parentheses
    ("Voir [a].\n\n[a]: :alert(1)", "Voir [a].\n\n[a]: javascript:alert(1)"),  # a reference definition
    ("Voir [a](<:alert(1)>).", "Voir [a](<javascript:alert(1)>)."),  # an angle-bracket target
    ("Voir ![i](:x.svg).", "Voir ![i](javascript:x.svg)."),  # an image
    ("Voir [a](:alert) b.", "Voir [a](java\ue000script:alert) b."),  # the redline's marker in the text itself
    ("Voir [a](:alert) b.", "Voir [a](java%EE%80%80script:alert) b."),  # the marker percent-encoded
    ("Voir [a](x) b.", "Voir [a](java&#xE000;script:alert) b."),  # the marker as an entity
]


def test_no_change_turns_a_link_into_a_script() -> None:
    from cgu.redline.render import render_html_fragment, render_html_page

    for old, new in SCRIPTED:
        result = redline(split_markdown(f"# A\n\n{old}\n", "a.md"), split_markdown(f"# A\n\n{new}\n", "b.md"))
        for html in (render_html_fragment(result), render_html_page(result, "T")):
            written = addresses(html)
            assert all(safe(a) and not a.lower().startswith("javascript") for a in written), (old, new, written)
            assert "\ue000" not in html


def test_control_characters_are_shown_not_refused() -> None:
    html = markup("# A\n\nTexte\x00 un.\n", "# A\n\nTexte\x1b deux\x07.\n")
    well_nested(html)
    assert "␀" in html and "␛" in html and "␇" in html and "\x00" not in html and "\x1b" not in html


TARGET_PARTS = st.sampled_from(
    ["java", "script", ":", "alert(1)", "\ue000", "\ue001", "\ue003", "%EE%80%80", "&#xE000;", "x", " ", "/", "<", ">"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(TARGET_PARTS, max_size=8), st.lists(TARGET_PARTS, max_size=8), st.booleans())
def test_every_address_written_passes_the_link_check(old: list[str], new: list[str], reference: bool) -> None:
    def text(parts: list[str]) -> str:
        target = "".join(parts)
        return f"# A\n\nVoir [a].\n\n[a]: {target}\n" if reference else f"# A\n\nVoir [a]({target}) b.\n"

    html = markup(text(old), text(new))
    assert all(safe(a) for a in addresses(html)), addresses(html)
