"""Redlines: alignment, moves, editorial noise, exact reconstruction (hypothesis), rendering."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from cgu.cli import main
from cgu.redline import normalize, redline, word_diff
from cgu.redline_render import render_html_fragment, render_html_page, render_json
from cgu.sections import split_markdown

OLD = """# Conditions

Préambule du texte.

## 1. Objet

Le service permet de consulter ses remboursements.

## 2. Données

Nous conservons vos données 3 ans.

## 3. Cookies

Nous utilisons des cookies d'audience.
"""

NEW = """# Conditions

Préambule du texte.

## 1. Cookies

Nous utilisons des cookies d’audience.

## 2. Objet

Le service permet de consulter ses remboursements.

## 3. Données

Nous conservons vos données 5 ans.

## 4. Litiges

Les tribunaux de Paris sont compétents.
"""


def test_alignment_moves_and_noise() -> None:
    result = redline(split_markdown(OLD, "old.md"), split_markdown(NEW, "new.md"))
    kinds = {c.anchor: (c.kind, c.moved) for c in result.changes}
    assert kinds["objet"][0] == "editorial"  # only the renumbering "1." -> "2." changed
    assert kinds["donnees"] == ("modified", False)
    assert kinds["cookies"] == ("editorial", True), "a curly apostrophe is editorial; the section moved"
    assert kinds["litiges"] == ("added", False)
    modified = next(c for c in result.changes if c.anchor == "donnees")
    assert [op for op in modified.ops if op[0] != 0] == [(-1, "2"), (1, "3"), (-1, "3"), (1, "5")], "word level, never splitting a word"
    assert result.old_text() == OLD and result.new_text() == NEW


def test_removed_article_stays_where_it_was() -> None:
    result = redline(split_markdown(OLD, "a"), split_markdown(OLD.replace("## 2. Données\n\nNous conservons vos données 3 ans.\n\n", ""), "b"))
    assert [(c.anchor, c.kind) for c in result.changes][2] == ("donnees", "removed")
    assert result.old_text() == OLD


def test_full_rewrite_is_whole() -> None:
    ops = word_diff("Un texte entièrement ancien sur un sujet.", "Rien de commun ici, vraiment aucun mot partagé.")
    assert [op for op, _ in ops] == [-1, 1]


def test_normalize_ignores_typography_and_markup() -> None:
    assert normalize("L'**accès** « libre »\u00a0…") == normalize("L’accès \"libre\" ...")


WORDS = st.lists(st.sampled_from(["le", "droit", "d’accès", "données", ",", ".", " ", "\n", "\n\n", "## Titre\n", "1\\.", "**gras**", "é", "👍"]), max_size=80)


@settings(max_examples=300, deadline=None)
@given(WORDS, WORDS)
def test_round_trip_is_exact(old: list[str], new: list[str]) -> None:
    old_text, new_text = "".join(old), "".join(new)
    result = redline(split_markdown(old_text, "a"), split_markdown(new_text, "b"))
    assert result.old_text() == old_text and result.new_text() == new_text


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(str(values["id"]))
        if values.get("href"):
            self.hrefs.append(str(values["href"]))


def test_html_is_escaped_accessible_and_navigable() -> None:
    hostile = OLD.replace("3 ans", "3 ans <script>alert(1)</script>")
    result = redline(split_markdown(OLD, "a"), split_markdown(hostile, "b"))
    fragment = render_html_fragment(result)
    parser = Tags()
    parser.feed(fragment)
    assert "script" not in parser.tags and "&lt;script&gt;" in fragment
    assert "ins" in parser.tags and "[début d’ajout]" in fragment
    assert all(h[1:] in parser.ids for h in parser.hrefs if h.startswith("#"))
    assert "<html" not in fragment and "<html" in render_html_page(result, "T")
    assert '"kind": "modified"' in render_json(result)


def test_golden_fragment() -> None:
    golden = Path(__file__).parent / "golden" / "redline" / "small.fragment.html"
    produced = render_html_fragment(redline(split_markdown(OLD, "a"), split_markdown(NEW, "b")))
    if not golden.exists():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(produced, encoding="utf-8")
    assert produced == golden.read_text(encoding="utf-8")


def test_cli_writes_every_format(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(OLD, encoding="utf-8")
    (tmp_path / "b.md").write_text(NEW, encoding="utf-8")
    result = CliRunner().invoke(main, ["redline", str(tmp_path / "a.md"), str(tmp_path / "b.md"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["redline-a-to-b.fragment.html", "redline-a-to-b.html", "redline-a-to-b.json", "redline-a-to-b.pdf"]
    from pypdf import PdfReader

    assert "Litiges" in "".join(page.extract_text() for page in PdfReader(tmp_path / "out/redline-a-to-b.pdf").pages)
