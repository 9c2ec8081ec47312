"""French in templates: contraction, elision, a party's name with its article, pronoun and agreement."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cgu.compose.french import agree, capitalized, elide, named, pronoun, with_a, with_de
from cgu.project import load_project

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


def test_the_filters_on_every_shipped_organism() -> None:
    project = load_project(ROOT)
    built = {o.id: o for o in project.organisms.values() if not o.abstract}
    assert sorted(built) == sorted(EXPECTED), "a shipped organism was added: give its expected forms here"
    for organism_id, (noun, de, a, it, bound) in EXPECTED.items():
        identity = built[organism_id].data["identity"]
        assert (named(identity), with_de(named(identity)), with_a(named(identity))) == (noun, de, a), organism_id
        assert (pronoun(identity), agree("tenu", identity)) == (it, bound), organism_id
        text = " ".join(a.markdown for d in project.documents if d.organism.id == organism_id for a in d.articles)
        text = re.sub(r"\s+", " ", re.sub(r"\\(.)", r"\1", text))
        name = identity["name"]
        wrong = [f"de {noun}", f"à {noun}"] if noun != name else []  # "de le CETIP", "à le CETIP"
        wrong += [f"de {name}"] if de.startswith("d'") else []  # "de Harmonie Mutuelle"
        wrong += [f"que {name}"] if de.startswith("d'") else []
        wrong += ["avec il ", "pour il ", "avec elle " if it == "il" else "avec lui ", "fait partie de groupe"]
        wrong += ["(ci-après « CETIP (portail Klesia) »)", "(Partenamut) (ci-après"]
        assert [w for w in wrong if w in text] == [], organism_id
        assert de in text or noun in text, organism_id
