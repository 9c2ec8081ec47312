"""French in templates: contraction, elision, a party's name with its article, pronoun and agreement."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from conftest import visible_text

from cgu.compose.french import agree, capitalized, document_phrase, elide, named, pronoun, with_a, with_de
from cgu.load.themes import organism_with_de
from cgu.project import Project, load_project
from cgu.render.html import render_page

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "phrase, de, a",
    [
        ("le groupe CEGEDIM", "du groupe CEGEDIM", "au groupe CEGEDIM"),
        ("les mutuelles partenaires", "des mutuelles partenaires", "aux mutuelles partenaires"),
        ("la Mutuelle du Lac", "de la Mutuelle du Lac", "à la Mutuelle du Lac"),
        (
            "l'Autorité de protection des données",
            "de l'Autorité de protection des données",
            "à l'Autorité de protection des données",
        ),
        ("Harmonie Mutuelle", "d'Harmonie Mutuelle", "à Harmonie Mutuelle"),
        ("Hainaut Santé", "de Hainaut Santé", "à Hainaut Santé"),  # aspirated h: no elision
        ("Ociane", "d'Ociane", "à Ociane"),
        ("Élan Mutuelle", "d'Élan Mutuelle", "à Élan Mutuelle"),
        ("Partenamut", "de Partenamut", "à Partenamut"),
        ("Lesage SA", "de Lesage SA", "à Lesage SA"),  # "Les…" as a word's start is no article
    ],
)
def test_contraction_and_elision(phrase: str, de: str, a: str) -> None:
    assert with_de(phrase) == de
    assert with_a(phrase) == a


def test_a_document_title_with_its_article() -> None:
    assert with_de(document_phrase("Politique de confidentialité")) == "de la Politique de confidentialité"
    assert with_de(document_phrase("Conditions générales d'utilisation")) == "des Conditions générales d'utilisation"
    assert with_de(document_phrase("Charte de protection des données")) == "de la Charte de protection des données"
    assert with_de(document_phrase("Règlement du service")) == "du Règlement du service"
    assert with_de(document_phrase("Avis de confidentialité")) == "de l'Avis de confidentialité"
    assert with_a(document_phrase("Mentions légales")) == "aux Mentions légales"


def test_elide_other_words_and_capitalize_only_the_first_letter() -> None:
    assert elide("que", "Harmonie Mutuelle") == "qu'Harmonie Mutuelle"
    assert elide("que", "Partenamut") == "que Partenamut"
    assert elide("le", "hébergeur") == "l'hébergeur"
    assert capitalized("le CETIP") == "Le CETIP", "Jinja's capitalize would give 'Le cetip'"


def test_pronoun_and_agreement_follow_the_name() -> None:
    assert (pronoun({"name": "CETIP", "article": "le"}), agree("tenu", {"name": "CETIP", "article": "le"})) == (
        "il",
        "tenu",
    )
    feminine = {"name": "Harmonie Mutuelle", "gender": "féminin"}
    assert (pronoun(feminine), agree("tenu", feminine), agree("seule", feminine)) == ("elle", "tenue", "seule")
    plural = {"name": "mutuelles partenaires", "article": "les", "gender": "féminin"}
    assert (named(plural), pronoun(plural), agree("tenu", plural)) == ("les mutuelles partenaires", "elles", "tenues")
    assert [pronoun(p, "tonique") for p in ({"name": "CETIP", "article": "le"}, feminine, plural)] == [
        "lui",
        "elle",
        "elles",
    ]
    assert [pronoun({"name": n}) for n in ("Mutuelle du Lac", "Groupe Vyv", "Klesia")] == ["elle", "il", "elle"]
    with pytest.raises(ValueError, match="gender 'neutre' must be masculin or féminin"):
        pronoun({"name": "X", "gender": "neutre"})


EXPECTED = {
    # organism: (its name as a noun phrase, de + it, à + it, its pronoun, "tenu" agreeing)
    "harmonie-mutuelle": ("Harmonie Mutuelle", "d'Harmonie Mutuelle", "à Harmonie Mutuelle", "elle", "tenue"),
    "klesia": ("le CETIP", "du CETIP", "au CETIP", "il", "tenu"),
    "mutuelle-mieux-etre": ("Mutuelle Mieux-Être", "de Mutuelle Mieux-Être", "à Mutuelle Mieux-Être", "elle", "tenue"),
    "partenamut": (
        "Partena-Mutualité Libre",
        "de Partena-Mutualité Libre",
        "à Partena-Mutualité Libre",
        "elle",
        "tenue",
    ),
    "vivoptim-solutions": ("VIVOPTIM SOLUTIONS", "de VIVOPTIM SOLUTIONS", "à VIVOPTIM SOLUTIONS", "elle", "tenue"),
}


SHIPPED = sorted(p.stem if p.suffix == ".yaml" else p.name for p in (ROOT / "organisms").iterdir())
"""Every organism of organisms/ (a folder or a file), each a case of its own."""


@pytest.fixture(scope="module")
def shipped() -> Project:
    return load_project(ROOT)


def test_every_shipped_organism_has_its_expected_forms(shipped: Project) -> None:
    built = sorted(o.id for o in shipped.organisms.values() if not o.abstract)
    assert built == sorted(EXPECTED), "a shipped organism was added or removed: give its expected forms here"
    assert set(built) <= set(SHIPPED)


@pytest.mark.parametrize("organism_id", SHIPPED)
def test_the_filters_on_each_shipped_organism(shipped: Project, organism_id: str) -> None:
    organism = shipped.organisms[organism_id]
    if organism.abstract:
        pytest.skip(f"{organism_id} is a base other organisms extend: no name nor document of its own")
    noun, de, a, it, bound = EXPECTED[organism_id]
    identity = organism.data["identity"]
    assert (named(identity), with_de(named(identity)), with_a(named(identity))) == (noun, de, a)
    assert (pronoun(identity), agree("tenu", identity)) == (it, bound)
    assert organism_with_de(organism) == de, "the themes' `de` filter says it as the clauses do"
    documents = [d for d in shipped.documents if d.organism.id == organism_id]
    text = " ".join(a.markdown for d in documents for a in d.articles)
    text = re.sub(r"\s+", " ", re.sub(r"\\(.)", r"\1", text))
    raw = [render_page(d, shipped.themes[organism.theme.name], "html", ROOT) for d in documents]
    pages = " ".join(visible_text(page) + " " + html.unescape(page) for page in raw).replace("\u2019", "'")
    name = identity["name"]
    wrong = [f"de {noun}", f"à {noun}"] if noun != name else []  # "de le CETIP", "à le CETIP"
    wrong += [f"de {name}", f"que {name}"] if de.startswith("d'") else []  # "de Harmonie Mutuelle"
    wrong += ["avec il ", "pour il ", "avec elle " if it == "il" else "avec lui "]
    wrong += (
        ["Elle est tenue", "elle est tenue", "être tenue"] if it == "il" else ["être tenu "]
    )  # "Il est tenu" speaks of the DPO
    wrong += ["fait partie de groupe", "confiées à hébergeurs", "(ci-après « CETIP (portail Klesia) »)"]
    wrong += ["(Partenamut) (ci-après", f"{name} {name}"]
    assert [w for w in wrong if w in text] == [], "in the composed text"
    assert [w for w in wrong if w in pages] == [], "in the built pages (theme included)"
    assert de in text or noun in text
    for other in re.findall(r"\[article \d+ ([^\]]+)\]\(#[a-z]+:", text):  # "article 16 de la Politique…"
        assert other.startswith(("de la ", "des ", "du ", "de l'")), other


def test_the_apostrophe_before_a_reference_is_typographic() -> None:
    from cgu.compose.markdown import render_markdown

    html = render_markdown("Voir l'[article 9](#cookies) et l'[article 2 de la Politique](#privacy:x).", "a", 1).html
    assert html.count("l\u2019<a href=") == 2 and "l'<a" not in html
