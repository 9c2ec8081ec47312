"""Legal notices: who answers for the site (a named person), who hosts it (a name and an address), and which consumer
mediator a member served in France can turn to.

A fact nobody has confirmed is written `à compléter : question` (rule `fact-to-complete` lists it); these rules
refuse the fact missing, or stated so vaguely that it says nothing (a job title, "le médiateur compétent").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from cgu.compose.markers import question_of
from cgu.model import Document, Organism
from cgu.rules.registry import Finding, rule

LCEN = "Loi n° 2004-575 du 21 juin 2004 (LCEN), art. 6 III"
MEDIATION = "Code de la consommation, art. L. 612-1 et L. 616-1"

_WORD = re.compile(r"[^\W\d_][\w-]*")
FUNCTION_WORDS = frozenset(
    """m mme mlle mr monsieur madame dr me pr directeur directrice général générale générales délégué déléguée
    président présidente vice adjoint adjointe secrétaire gérant gérante chef responsable représentant représentante
    légal légale membre directoire conseil administration surveillance publication communication juridique marketing
    service services direction départ département de la le les du des l d et en sa son ses qualité au aux of the
    director ceo chairman officer""".split()
)
"""Words of a function ("Directeur général délégué") and of civility ("M.", "Mme"): what is left is the person."""


def _known(organism: Organism, dotted: str) -> tuple[bool, Any]:
    """(whether the key is there, its value), where a fact left to be completed counts as there."""
    value: Any = organism.data
    for part in dotted.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return False, None
        value = value[part]
    return value is not None, value


def _names_a_person(value: str, organism: Organism) -> bool:
    """At least a first name and a surname once function words and the organism's own name are set aside."""
    identity = organism.data.get("identity") or {}
    own = {w.lower() for key in ("name", "short_name") for w in _WORD.findall(str(identity.get(key) or ""))}
    words = [w for w in _WORD.findall(value) if w.lower() not in FUNCTION_WORDS | own]
    return sum(1 for w in words if w[:1].isupper()) >= 2


@rule(
    "legal-notice-director",
    "error",
    LCEN,
    "The publication director of a French site is given (`identity.publication_director`), and as a person (a name, "
    "not a job title alone).",
)
def publication_director(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    given, value = _known(organism, "identity.publication_director")
    if not given:
        if organism.country == "FR":
            yield Finding(
                "identity.publication_director",
                organism.where("identity"),
                "no publication director: give their name (and function) in identity.publication_director, or "
                "write « à compléter : Qui est le directeur de la publication ? » until someone confirms it",
            )
        return
    if question_of(value) is None and not _names_a_person(str(value), organism):
        yield Finding(
            "identity.publication_director",
            organism.where("identity.publication_director"),
            f"the publication director « {value} » is a function, not a person: the law names the natural person "
            "who answers for what is published; write their name (M. Prénom NOM, Directeur général), or "
            "« à compléter : Qui est le directeur de la publication (son nom) ? »",
        )


@rule(
    "legal-notice-host",
    "error",
    LCEN,
    "The site's host is identified by its name and address (`host.name`, `host.address`); a French site must say it.",
)
def host_identity(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    given, host = _known(organism, "host")
    if not given or not isinstance(host, Mapping):
        if organism.country == "FR":
            yield Finding(
                "host",
                organism.location,
                "no host: give the name and address of whoever hosts the site (host.name, host.address), or write "
                "host: {name: « à compléter : Qui héberge le site (nom, adresse, téléphone) ? »}",
            )
        return
    if question_of(host.get("name")) is not None:
        return  # the question asks for the whole identity
    for key, what in (("name", "name"), ("address", "address")):
        if not host.get(key):
            yield Finding(
                f"host.{key}",
                organism.where("host"),
                f"the host has no {what} (host.{key}), which the law asks for: write it, or "
                f"« à compléter : {'Quel est le nom' if key == 'name' else 'Quelle est l’adresse'} de l'hébergeur ? » "
                "until it is confirmed",
            )


_CONTACT = re.compile(r"https?://|\bwww\.|@|\b\d{5}\b")
"""A way to reach the mediator: a web site, an e-mail or a postal code (L. 616-1: "les coordonnées")."""
_GENERIC = frozenset("médiateur médiatrice médiation le la les un une l d de du des".split())


def _names_a_mediator(value: str) -> bool:
    """A name with a proper noun in it (beyond "Médiateur", "La"), before its contact details, and a way to reach it:
    "Médiation de l'Assurance, TSA 50110, 75441 Paris Cedex 09" names one, "Médiateur compétent, 75009 Paris" not."""
    name = re.split(r"[,;(]| - | – |https?://|www\.|\d", value, maxsplit=1)[0]
    proper = [w for w in _WORD.findall(name) if w[:1].isupper() and w.lower() not in _GENERIC]
    return bool(proper) and bool(_CONTACT.search(value))


@rule(
    "legal-notice-mediator",
    "error",
    MEDIATION,
    "A French site serving consumers names its consumer mediator and how to reach them (`jurisdiction.mediation`; "
    "`jurisdiction.consumers: false` for a site that serves professionals only).",
)
def consumer_mediator(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    if organism.country != "FR" or _known(organism, "jurisdiction.consumers")[1] is False:
        return
    given, value = _known(organism, "jurisdiction.mediation")
    if not given:
        yield Finding(
            "jurisdiction.mediation",
            organism.where("jurisdiction"),
            "no consumer mediator: a consumer may turn to one for free, and the documents must name them with their "
            "contact details; write them in jurisdiction.mediation (name, address, web site), or "
            "« à compléter : Quel médiateur de la consommation l'organisme a-t-il désigné (nom, adresse, site) ? »",
        )
    elif question_of(value) is None and not _names_a_mediator(str(value)):
        yield Finding(
            "jurisdiction.mediation",
            organism.where("jurisdiction.mediation"),
            f"« {value} » does not name a mediator a consumer can reach: give the mediator's name and its web site "
            "or postal address, as the mediator publishes them, or « à compléter : Quel médiateur ? »",
        )
