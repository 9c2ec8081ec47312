"""Redlines: alignment, moves, editorial noise, exact reconstruction (hypothesis), rendering."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from cgu.cli import main
from cgu.model import Article, SourceLocation
from cgu.redline.compare import (
    DELETE,
    EQUAL,
    INSERT,
    normalize,
    pieces,
    redline,
    word_diff,
)
from cgu.redline.render import render_html_fragment, render_html_page, render_json
from cgu.redline.sections import split_markdown

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
    assert [op for op in modified.ops if op[0] != 0] == [(-1, "2"), (1, "3"), (-1, "3"), (1, "5")], (
        "word level, never splitting a word"
    )
    assert result.old_text() == OLD and result.new_text() == NEW


def test_removed_article_stays_where_it_was() -> None:
    result = redline(
        split_markdown(OLD, "a"),
        split_markdown(OLD.replace("## 2. Données\n\nNous conservons vos données 3 ans.\n\n", ""), "b"),
    )
    assert [(c.anchor, c.kind) for c in result.changes][2] == ("donnees", "removed")
    assert result.old_text() == OLD


def test_full_rewrite_is_whole() -> None:
    ops = word_diff("Un texte entièrement ancien sur un sujet.", "Rien de commun ici, vraiment aucun mot partagé.")
    assert [op for op, _ in ops] == [-1, 1]


def test_normalize_ignores_typography_and_markup() -> None:
    assert normalize("L'**accès** « libre »\u00a0…") == normalize('L’accès "libre" ...')


def test_heading_numbering_is_editorial_but_a_leading_quantity_is_not() -> None:
    assert normalize("## 4. Cookies") == normalize("## 5. Cookies")
    assert normalize("Article 4 – Cookies\n---") == normalize("Article 5 – Cookies\n---")
    # a number at the start of a table cell or a line is not a heading's numbering: an item number, an amount
    assert normalize("| **3.18** évaluer |") != normalize("| **3.17** évaluer |")
    assert normalize("30 jours pour répondre") != normalize("60 jours pour répondre")


def test_link_target_counts_unless_it_repeats_the_text() -> None:
    assert normalize("[dpo@ex.fr](mailto:dpo@ex.fr)") == normalize("dpo@ex.fr")
    assert normalize("[ici](https://www.ex.fr/cgu/)") == normalize("[ici](https://ex.fr/cgu)")
    assert normalize("[ici](https://ex.fr/cgu)") != normalize("[ici](https://autre.fr/cgu)")


def section(text: str) -> tuple[Article, ...]:
    return split_markdown(text, "x.md")


def test_pieces_separate_noise_from_substance() -> None:
    old = "# Données\n\nL'accès dure 3 ans.\n"
    new = "# Données\n\nL’accès dure 5 ans.\n"
    change = redline(section(old), section(new)).changes[0]
    assert change.kind == "modified"
    assert [(p.old, p.new, p.status) for p in pieces(change) if p.status != "same"] == [
        ("'", "’", "editorial"),
        ("3", "5", "changed"),
    ]
    html = render_html_fragment(redline(section(old), section(new)))
    assert '<span class="forme">’</span>' in html and "<del>" in html and html.count("<del>") == 1


def test_retitled_section_aligns_on_its_content() -> None:
    body = "Nous conservons vos données pendant trois ans après la fin du contrat, puis nous les supprimons.\n"
    result = redline(section(f"# Conservation\n\n{body}"), section(f"# Durées de conservation\n\n{body}"))
    assert [(c.kind, c.old is not None, c.new is not None) for c in result.changes] == [("modified", True, True)]


def test_composed_articles_align_on_clause_ids_and_show_moves() -> None:
    def article(number: int, clause: str, body: str) -> Article:
        return Article(number, clause, clause.title(), body, "<p></p>", True, SourceLocation(f"clauses/{clause}.md", 5))

    old = [article(1, "objet", "Le site."), article(2, "donnees", "Trois ans."), article(3, "cookies", "Audience.")]
    new = [article(1, "cookies", "Audience."), article(2, "objet", "Le site."), article(3, "donnees", "Cinq ans.")]
    result = redline(old, new)
    assert [(c.anchor, c.kind, c.moved) for c in result.changes] == [
        ("cookies", "editorial", True),
        ("objet", "editorial", False),
        ("donnees", "modified", False),
    ]
    assert [c.anchor for c in result.substantive] == ["cookies", "donnees"]


def test_sections_split_on_atx_and_setext_headings_outside_code() -> None:
    text = "Intro\n\n1\\. Généralités\n---------------\n\nTexte\n```\n# pas un titre\n```\n## 2. Généralités\n- a\n---\nAutre\n=====\n"
    articles = split_markdown(text, "f.md")
    assert [(a.id, a.title, str(a.source)) for a in articles] == [
        ("preambule", "Préambule", "f.md:1"),
        ("generalites", "1. Généralités", "f.md:3"),
        ("generalites-2", "2. Généralités", "f.md:10"),
        ("autre", "Autre", "f.md:13"),
    ]
    assert "".join(a.markdown for a in articles) == text
    assert [a.id for a in split_markdown("## 2024 en bref\n## Version 2\n", "f")] == ["2024-en-bref", "version-2"]


WORDS = st.lists(
    st.sampled_from(
        ["le", "droit", "d’accès", "données", ",", ".", " ", "\n", "\n\n", "## Titre\n", "1\\.", "**gras**", "é", "👍"]
    ),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(WORDS, WORDS)
def test_round_trip_is_exact(old: list[str], new: list[str]) -> None:
    old_text, new_text = "".join(old), "".join(new)
    result = redline(split_markdown(old_text, "a"), split_markdown(new_text, "b"))
    assert result.old_text() == old_text and result.new_text() == new_text


_WORD_CHAR = re.compile(r"\w")


def boundaries(ops: tuple[tuple[int, str], ...], side: int) -> list[int]:
    positions, at = [], 0
    for op, text in ops:
        if op in (EQUAL, side):
            at += len(text)
            positions.append(at)
    return positions[:-1]


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
)
def test_word_diff_is_exact_on_any_text_and_never_splits_a_word(old: str, new: str) -> None:
    ops = word_diff(old, new)
    assert "".join(t for op, t in ops if op != INSERT) == old and "".join(t for op, t in ops if op != DELETE) == new
    for side, text in ((DELETE, old), (INSERT, new)):
        for at in boundaries(ops, side):
            assert not (0 < at < len(text) and _WORD_CHAR.match(text[at - 1]) and _WORD_CHAR.match(text[at])), (
                text,
                at,
            )


MARKDOWNISH = st.text(alphabet=st.sampled_from("ab é#=-`~*_\\1.\n\r\t\u00a0\u2028’'"), max_size=200)


@settings(max_examples=300, deadline=None)
@given(MARKDOWNISH, MARKDOWNISH)
def test_round_trip_is_exact_on_markdown_like_noise(old: str, new: str) -> None:
    result = redline(split_markdown(old, "a"), split_markdown(new, "b"))
    assert result.old_text() == old and result.new_text() == new


@settings(max_examples=100, deadline=None)
@given(WORDS, WORDS)
def test_pieces_rebuild_both_versions(old: list[str], new: list[str]) -> None:
    for change in redline(split_markdown("".join(old), "a"), split_markdown("".join(new), "b")).changes:
        runs = pieces(change)
        assert "".join(p.old for p in runs) == change.old_text() and "".join(p.new for p in runs) == change.new_text()


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
    hostile = NEW.replace("5 ans", "5 ans <script>alert(1)</script>")
    result = redline(split_markdown(OLD, "a"), split_markdown(hostile, "b"))
    fragment = render_html_fragment(result)
    parser = Tags()
    parser.feed(fragment)
    assert "script" not in parser.tags and "&lt;script&gt;" in fragment
    assert "ins" in parser.tags and "[début d’ajout]" in fragment
    assert all(h[1:] in parser.ids for h in parser.hrefs if h.startswith("#"))
    page = render_html_page(result, "Titre <b>")
    assert "<html" not in fragment and "<script" not in fragment and "<html" in page and "Titre &lt;b&gt;" in page
    assert "Modification suivante" in fragment and "keydown" in page and "line-through" in page
    data = json.loads(render_json(result))
    assert data["substantive"] == ["cookies", "donnees", "litiges"] and render_json(result) == render_json(result)
    assert list(data["changes"][0]) == sorted(data["changes"][0])


def test_editorial_only_redline_says_so() -> None:
    result = redline(section("# A\n\nL'accès  libre.\n"), section("# A\n\nL’accès libre.\n"))
    assert result.editorial_only and not result.substantive
    assert "Aucune modification de fond" in render_html_fragment(result)


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
    result = CliRunner().invoke(
        main, ["redline", str(tmp_path / "a.md"), str(tmp_path / "b.md"), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["redline-a-to-b.fragment.html", "redline-a-to-b.html", "redline-a-to-b.json", "redline-a-to-b.pdf"]
    from pypdf import PdfReader

    reader = PdfReader(tmp_path / "out/redline-a-to-b.pdf")
    assert "Litiges" in "".join(page.extract_text() for page in reader.pages)
    fonts = {
        str(font["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].get_object().values()
    }
    assert fonts and all(name.startswith("Lato") for name in fonts), fonts  # the theme's fonts, never the machine's
    first = (tmp_path / "out/redline-a-to-b.pdf").read_bytes()
    again = CliRunner().invoke(
        main, ["redline", str(tmp_path / "a.md"), str(tmp_path / "b.md"), "--out", str(tmp_path / "out")]
    )
    assert again.exit_code == 0 and (tmp_path / "out/redline-a-to-b.pdf").read_bytes() == first


def test_redline_out_keeps_the_folder_and_file_permissions(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(OLD, encoding="utf-8")
    (tmp_path / "b.md").write_text(NEW, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "redline-a-to-b.html").write_text("old", encoding="utf-8")
    out.chmod(0o750)
    (out / "redline-a-to-b.html").chmod(0o640)
    command = ["redline", str(tmp_path / "a.md"), str(tmp_path / "b.md"), "--format", "html", "--out", str(out)]
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0, result.output
    assert out.stat().st_mode & 0o7777 == 0o750
    assert (out / "redline-a-to-b.html").stat().st_mode & 0o7777 == 0o640
    assert "Litiges" in (out / "redline-a-to-b.html").read_text(encoding="utf-8")
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []  # no temporary file left
