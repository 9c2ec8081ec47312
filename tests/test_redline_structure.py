"""Structure: repeated headings paired by content, splits and merges said, whatever the heading style."""

from __future__ import annotations

from cgu.redline.compare import carried_over, redline
from cgu.redline.render import render_html_fragment
from cgu.redline.sections import split_markdown

FAQ = {
    "compte": "## FAQ\n\nComment fermer mon compte ? Écrivez au service client, qui le ferme sous huit jours.\n\n",
    "donnees": "## FAQ\n\nOù sont mes données ? Elles sont hébergées en France par un hébergeur agréé santé.\n\n",
    "cookies": "## FAQ\n\nPourquoi des cookies ? Pour mesurer l'audience du site, avec votre accord.\n\n",
}


def test_repeated_headings_are_paired_by_content_not_by_rank() -> None:
    old = FAQ["compte"] + FAQ["donnees"]
    new = FAQ["cookies"] + FAQ["compte"] + FAQ["donnees"]
    result = redline(split_markdown(old, "a"), split_markdown(new, "b"))
    assert [c.kind for c in result.changes] == ["added", "unchanged", "unchanged"]
    assert result.old_text() == old and result.new_text() == new


SPLIT_OLD = (
    "## 1. Données\n\nNous collectons votre nom, votre adresse et votre numéro de sécurité sociale.\n\n"
    "Nous conservons ces données pendant trois ans après la fin de votre contrat, puis nous les supprimons.\n\n"
    "## 2. Contact\n\nÉcrivez au délégué à la protection des données.\n"
)
SPLIT_NEW = (
    "## 1. Données\n\nNous collectons votre nom, votre adresse et votre numéro de sécurité sociale.\n\n"
    "## 2. Conservation\n\nNous conservons ces données pendant trois ans après la fin de votre contrat, puis nous les "
    "supprimons.\n\n## 3. Contact\n\nÉcrivez au délégué à la protection des données.\n"
)


def test_a_split_article_says_where_its_text_comes_from() -> None:
    result = redline(split_markdown(SPLIT_OLD, "a"), split_markdown(SPLIT_NEW, "b"))
    added = next(c for c in result.changes if c.kind == "added")
    assert carried_over(result)[id(added)].anchor == "donnees"
    assert "texte repris de «\u00a01. Données\u00a0» (article scindé)" in render_html_fragment(result)


def test_a_merge_says_where_the_text_went() -> None:
    result = redline(split_markdown(SPLIT_NEW, "a"), split_markdown(SPLIT_OLD, "b"))
    removed = next(c for c in result.changes if c.kind == "removed")
    assert carried_over(result)[id(removed)].anchor == "donnees"
    assert "texte repris dans «\u00a01. Données\u00a0» (articles fusionnés)" in render_html_fragment(result)


def test_an_unrelated_added_article_is_only_added() -> None:
    new = SPLIT_OLD + "\n## 3. Litiges\n\nLes tribunaux de Paris sont compétents pour tout litige.\n"
    result = redline(split_markdown(SPLIT_OLD, "a"), split_markdown(new, "b"))
    assert not carried_over(result)


def test_the_same_article_in_every_heading_style_is_one_article() -> None:
    body = "\n\nLe service permet de consulter ses remboursements en ligne.\n\n"
    styles = ["## 1. Objet", "1\\. Objet\n========", "**1. Objet**\n--------", "# 1\\. Objet #"]
    for style in styles[1:]:
        result = redline(
            split_markdown(styles[0] + body + "## 2. Prix\n\n9 €.\n", "a"),
            split_markdown(style + body + "## 2. Prix\n\n9 €.\n", "b"),
        )
        assert [(c.anchor, c.kind) for c in result.changes] == [("objet", "editorial"), ("prix", "unchanged")], style
