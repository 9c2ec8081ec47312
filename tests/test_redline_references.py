"""Cross-references in redlines (issue 13's leftovers) and the bound on cgu/redline's regular expressions."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cgu.redline.classify import _url_core, normalize

OLD_URL_NOISE = re.compile(r"^(?:(?:https?|mailto|tel):)+(?://)?(?:www\.)?|[/?#]+$", re.IGNORECASE)
"""The expression `_url_core` replaces: quadratic on a run of `/`, `?` or `#` (45 s on 50 KB)."""


@settings(max_examples=500)
@given(st.text(alphabet="htpsmailo:/w.?#xW", max_size=40))
def test_an_address_is_read_as_before_without_the_quadratic_expression(address: str) -> None:
    assert _url_core(address) == OLD_URL_NOISE.sub("", address)


def test_a_long_run_of_slashes_in_an_address_costs_what_its_length_does() -> None:
    """In work, not time: the trailing run is stripped once (rstrip), so the result is exact for any length."""
    for size in (10, 50_000):
        assert _url_core("https://www.exemple.fr" + "/?#" * size) == "exemple.fr"
        assert normalize(f"voir <https://exemple.fr{'/' * size}>") == normalize("voir <https://exemple.fr>")


def numbered(titles: list[str], bodies: list[str]) -> str:
    return "".join(f"## {i}. {t}\n\n{b}\n\n" for i, (t, b) in enumerate(zip(titles, bodies, strict=True), 1))


def changed_runs(old: str, new: str, anchor: str) -> list[tuple[str, str, str]]:
    from cgu.redline.compare import pieces, redline
    from cgu.redline.sections import split_markdown

    result = redline(split_markdown(old, "a"), split_markdown(new, "b"))
    change = next(c for c in result.changes if c.anchor == anchor)
    return [(p.old, p.new, p.status) for p in pieces(change) if p.status != "same"]


def test_a_renumbered_reference_is_form_in_an_article_that_also_changed() -> None:
    old = numbered(["Objet", "Prix", "Fin"], ["Le service.", "Le prix est fixe.", "Voir l'article 2. Un an."])
    new = numbered(
        ["Objet", "Ajout", "Prix", "Fin"],
        ["Le service.", "Nouveau.", "Le prix est fixe.", "Voir l'article 3. Deux ans."],
    )
    runs = changed_runs(old, new, "fin")
    assert ("2", "3", "editorial") in runs, runs
    assert any("Deux" in r[1] and r[2] == "changed" for r in runs), runs


def test_a_reference_to_another_article_stays_substantive() -> None:
    old = numbered(["Objet", "Prix", "Fin"], ["Le service.", "Le prix est fixe.", "Voir l'article 2. Un an."])
    new = numbered(
        ["Objet", "Ajout", "Prix", "Fin"],
        ["Le service.", "Nouveau.", "Le prix est fixe.", "Voir l'article 1. Deux ans."],
    )
    assert ("2", "1", "changed") in changed_runs(old, new, "fin")
    same_number = numbered(["Objet", "Prix", "Fin"], ["Le service.", "Le prix est fixe.", "Voir le point 2. Deux ans."])
    assert all(r[2] == "changed" for r in changed_runs(old.replace("l'article 2", "le point 1"), same_number, "fin"))


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=3, max_value=7), st.data())
def test_any_renumbering_leaves_a_reference_unmarked_beside_a_real_change(count: int, data: st.DataObject) -> None:
    target = data.draw(st.integers(min_value=1, max_value=count - 1), "target")
    inserted = data.draw(st.integers(min_value=0, max_value=target - 1), "inserted before")
    titles = [f"Titre{chr(97 + i)}" for i in range(count)]
    bodies = [f"Texte {chr(97 + i)} fixe." for i in range(count)]
    old_bodies = bodies[:-1] + [f"Voir l'article {target}. Un an."]
    new_titles, new_bodies = titles[:], bodies[:-1] + [f"Voir l'article {target + 1}. Deux ans."]
    new_titles.insert(inserted, "Ajoutz")
    new_bodies.insert(inserted, "Tout nouveau.")
    runs = changed_runs(numbered(titles, old_bodies), numbered(new_titles, new_bodies), titles[-1].lower())
    assert (str(target), str(target + 1), "editorial") in runs, runs
    assert any(r[2] == "changed" for r in runs), runs


def references(old: str, new: str):  # type: ignore[no-untyped-def]
    from cgu.redline.compare import redline
    from cgu.redline.sections import split_markdown

    return redline(split_markdown(old, "a"), split_markdown(new, "b"))


def test_an_unchanged_reference_to_an_article_that_changed_gets_a_note() -> None:
    from cgu.model import ReferenceNote
    from cgu.redline.render import render_html_fragment

    old = numbered(["Objet", "Prix", "Fin"], ["Voir l'article 2 pour le prix.", "Le prix est fixe.", "Un an."])
    new = numbered(["Objet", "Prix", "Fin"], ["Voir l'article 2 pour le prix.", "Le prix est variable.", "Un an."])
    result = references(old, new)
    assert result.notes == (ReferenceNote("objet", "prix", "2"),)
    fragment = render_html_fragment(result)
    assert "l’article 2 auquel ce passage renvoie a changé" in fragment and 'href="#prix"' in fragment
    assert references(old, new.replace("variable", "fixe")).notes == ()  # the target did not change
    assert references(old, new.replace("l'article 2", "l'article 3")).notes == ()  # the reference itself changed


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=2, max_value=6), st.data())
def test_a_note_exactly_when_the_target_changed_in_substance(count: int, data: st.DataObject) -> None:
    target = data.draw(st.integers(min_value=2, max_value=count), "target")
    changed = data.draw(st.booleans(), "target changed")
    titles = [f"Titre{chr(97 + i)}" for i in range(count)]
    bodies = [f"Voir l'article {target}."] + [f"Texte {chr(97 + i)} fixe." for i in range(1, count)]
    new_bodies = bodies[:]
    if changed:
        new_bodies[target - 1] = f"Texte {chr(96 + target)} modifié."
    notes = references(numbered(titles, bodies), numbered(titles, new_bodies)).notes
    assert [(n.source, n.number) for n in notes] == ([("titrea", str(target))] if changed else [])
