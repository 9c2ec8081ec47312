"""Substance first: a change is "form only" only when nothing a member relies on changed. Numbers, amounts, dates,
addresses, links and negations always count; heading and list numbering, emphasis, typography and heading style
do not."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cgu.redline.classify import normalize
from cgu.redline.compare import pieces, redline
from cgu.redline.render import render_html_fragment
from cgu.redline.sections import split_markdown


def compared(old_body: str, new_body: str, title: str = "# Tarifs\n\n") -> object:
    result = redline(split_markdown(title + old_body, "a.md"), split_markdown(title + new_body, "b.md"))
    assert result.old_text() == title + old_body and result.new_text() == title + new_body
    return result


SUBSTANTIVE = [
    ("9.99 € par mois.\n", "19.99 € par mois.\n"),  # an amount at the start of a line
    ("| Offre | Prix |\n|---|---|\n| 9.99 € | mensuel |\n", "| Offre | Prix |\n|---|---|\n| 19.99 € | mensuel |\n"),
    ("2.5 % de remise.\n", "7.5 % de remise.\n"),  # a percentage
    ("01.09.2025 : entrée en vigueur.\n", "01.10.2025 : entrée en vigueur.\n"),  # a date
    ("| 3.18 | évaluer |\n", "| 3.17 | évaluer |\n"),  # a number in a cell
    ("Voir [la notice](https://ex.fr/notice_2024.pdf).\n", "Voir [la notice](https://ex.fr/notice_2025.pdf).\n"),
    ("Voir [la page](https://ex.fr/cgu#article_2).\n", "Voir [la page](https://ex.fr/cgu#article_3).\n"),
    ("Voir https://ex.fr/notice_2024.pdf.\n", "Voir https://ex.fr/notice_2025.pdf.\n"),  # a bare address
    ("Voir <https://ex.fr/a_b>.\n", "Voir <https://ex.fr/a__b>.\n"),
    ("Écrire à dpo_1@ex.fr.\n", "Écrire à dpo_2@ex.fr.\n"),  # an e-mail address
    ("Écrire à [nous](mailto:dpo@ex.fr).\n", "Écrire à [nous](mailto:dpo@autre.fr).\n"),
    ("Nous ne vendons pas vos données.\n", "Nous vendons vos données.\n"),  # a negation
    ("Nous n'utilisons pas de cookies.\n", "Nous utilisons des cookies.\n"),
    ("Conservées 3 ans.\n", "Conservées 5 ans.\n"),  # a duration
    ("[a]: https://ex.fr/v_1\n\nVoir [a].\n", "[a]: https://ex.fr/v_2\n\nVoir [a].\n"),  # a reference definition
    ("Voir l'article 2.\n", "Voir l'article 3.\n"),  # a reference to another article (no renumbering here)
    ("1 000 € au plus.\n", "1 500 € au plus.\n"),
]


@pytest.mark.parametrize("old, new", SUBSTANTIVE)
def test_these_changes_are_substantive(old: str, new: str) -> None:
    result = compared(old, new)
    assert not result.editorial_only and result.substantive, (old, new)
    assert any(p.status == "changed" for c in result.changes for p in pieces(c))
    assert "Aucune modification de fond" not in render_html_fragment(result)


EDITORIAL = [
    ("Conservées 3 ans.\n", "Conservées\u00a03\u00a0ans.\n"),  # no-break spaces
    ("L'accès « libre ».\n", 'L’accès "libre".\n'),  # typography
    ("Un **droit** d'accès.\n", "Un _droit_ d'accès.\n"),  # emphasis
    ("Un droit\u200b d'accès.\n", "Un droit d'accès.\n"),  # a zero-width space
    ("Un droit d'accès\ufffd.\n", "Un droit d'accès.\n"),  # U+FFFD
    ("1. Accéder\n2. Rectifier\n", "1) Accéder\n3. Rectifier\n"),  # list numbering
    ("- Accéder\n- Rectifier\n", "* Accéder\n+ Rectifier\n"),  # bullets
    ("| a | b |\n|---|---|\n| 1 | 2 |\n", "| a | b |\n|:--|--:|\n| 1 | 2 |\n"),  # table alignment
    ("Voir [ici](https://www.ex.fr/cgu/).\n", "Voir [ici](https://ex.fr/cgu).\n"),
    ("Texte\\.\n", "Texte.\n"),  # an escape
    ("**2.1.10.** Le détail.\n", "**2.1.9.** Le détail.\n"),  # a paragraph's own numbering
    ("| 3) Accéder | oui |\n", "| 4) Accéder | oui |\n"),
]


@pytest.mark.parametrize("old, new", EDITORIAL)
def test_these_changes_are_form_only(old: str, new: str) -> None:
    result = compared(old, new)
    assert result.editorial_only, (old, new)


HEADINGS = ["## 1. Objet\n", "# 1. Objet #\n", "1. Objet\n======\n", "**1. Objet**\n-----\n", "**1\\. Objet**\n---\n"]


@pytest.mark.parametrize("style", HEADINGS[1:])
def test_a_change_of_heading_style_is_form_only(style: str) -> None:
    body = "\nLe service permet de consulter ses remboursements.\n"
    result = redline(split_markdown(HEADINGS[0] + body, "a"), split_markdown(style + body, "b"))
    assert [c.kind for c in result.changes] == ["editorial"] and result.editorial_only


def test_a_renumbered_cross_reference_is_form_only_and_a_retargeted_one_is_not() -> None:
    old = "## 1. Objet\n\nVoir l'article 2.\n\n## 2. Prix\n\n9 €.\n"
    new = "## 1. Objet\n\nVoir l'article 3.\n\n## 2. Durée\n\nUn an.\n\n## 3. Prix\n\n9 €.\n"
    result = redline(split_markdown(old, "a"), split_markdown(new, "b"))
    kinds = {c.anchor: c.kind for c in result.changes}
    assert kinds == {"objet": "editorial", "duree": "added", "prix": "editorial"}
    before = old.replace("l'article 2", "l'article 1")  # designates "Objet"
    after = new.replace("l'article 3", "l'article 2")  # designates "Durée": another article, a new meaning
    kinds = {c.anchor: c.kind for c in redline(split_markdown(before, "a"), split_markdown(after, "b")).changes}
    assert kinds["objet"] == "modified"


def test_titles_are_shown_as_text() -> None:
    result = redline(
        split_markdown("**5. Prix**\n-----\n\n9 €.\n", "a"), split_markdown("**5. Prix**\n---\n\n19 €.\n", "b")
    )
    assert [c.new.title for c in result.changes if c.new] == ["5. Prix"]
    assert "**" not in render_html_fragment(result).split("<section", 1)[1].split("</h3>")[0]


TOKENS = st.sampled_from(
    [
        "le",
        "prix",
        "est",
        "de",
        "9.99 €",
        "2.5 %",
        "01.09.2025",
        "3 ans",
        "30 jours",
        "| 3.18 |",
        "**12**",
        ",",
        ".",
        "[notice](https://ex.fr/n_2024.pdf)",
        "https://ex.fr/v_1",
        "dpo_7@ex.fr",
        "\n",
        "\n\n",
        " ",
        "l'article 4",
        "- ",
        "* ",
        "> ",
        "_x_",
        "`7`",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(TOKENS, min_size=1, max_size=30), st.data())
def test_any_change_to_a_digit_outside_heading_numbering_is_substantive(tokens: list[str], data: st.DataObject) -> None:
    text = " ".join(tokens)
    digits = [m.start() for m in re.finditer(r"[0-9]", text)]
    if not digits:
        return
    at = data.draw(st.sampled_from(digits))
    other = data.draw(st.sampled_from([d for d in "0123456789" if d != text[at]]))
    changed = text[:at] + other + text[at + 1 :]
    assert normalize(text) != normalize(changed), (text, changed)
    result = compared(text + "\n", changed + "\n", "# Conditions\n\n")
    assert result.substantive and not result.editorial_only
