"""Facts left to be completed: every `à compléter` marker of an organism's data and of its documents, listed."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from cgu.compose.markers import markers_in_data, question_of
from cgu.load.schema import source_of
from cgu.model import Document, Organism
from cgu.rules.registry import Finding, rule

RELEASE_RULE = "release-fact-to-complete"
"""The error a release still holding a marker gets (raised where releases are read: cgu/release/book.py)."""


def _asks(question: str) -> str:
    return f"« {question} »" if question else "(no question: write the one to ask after 'à compléter :')"


@rule(
    "fact-to-complete",
    "warning",
    "cgu (un fait inconnu se signale, il ne s'invente pas)",
    "Every fact left to be completed ('à compléter : question'), with its question; a release holding one is refused "
    f"(`{RELEASE_RULE}`).",
)
def to_complete(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    for key, question in markers_in_data(dict(organism.data)):
        yield Finding(
            key, organism.where(key), f"fact to complete, {key}: {_asks(question)}; write the fact in its place"
        )
    seen = set()
    for document in documents:
        for article in document.articles:
            for where, question in article.to_complete:
                if (where, question) not in seen:  # a clause in both documents is listed once
                    seen.add((where, question))
                    yield Finding(
                        f"{document.kind}.{article.id}",
                        where,
                        f"fact to complete in clause {article.id!r}: {_asks(question)}; write the fact in its place",
                    )


INSURER_WORDING = re.compile(
    r"droits? à (?:garanties|prestations)|contrat d'assurance|médecin[- ]conseil|cotisations? d'assurance",
    re.IGNORECASE,
)
"""Words only an insurer's documents use: its guarantees, its insurance contract, its medical adviser."""


@rule(
    "role-insurer",
    "error",
    "Code de la mutualité, art. L. 111-1 ; Code des assurances, art. L. 310-1 (seul un assureur garantit)",
    "Insurer wording (guarantees, insurance contract, médecin conseil) only in the documents of an organism that "
    "insures (identity.insurer: true).",
)
def insurer_wording(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    if organism.data.get("identity", {}).get("insurer"):
        return
    for document in documents:
        for article in document.articles:
            if found := INSURER_WORDING.search(re.sub(r"\s+", " ", re.sub(r"\\(.)", r"\1", article.markdown))):
                yield Finding(
                    "identity.insurer",
                    article.source,
                    f"clause {article.id!r} of the {document.kind} speaks as an insurer (« {found.group(0)} ») but "
                    f"{organism.name} does not insure: keep that wording for insurers "
                    "({% if identity.insurer %}), or set identity.insurer: true if it does",
                    (f"{document.kind}.{article.id}",),
                )


def _known_facts(value: object, key: str) -> list[str]:
    """The leaf keys under `key`, but for facts left to be completed (a marker needs a fact, not a source)."""
    if isinstance(value, dict):
        return [leaf for part, item in value.items() for leaf in _known_facts(item, f"{key}.{part}")]
    if isinstance(value, list) and value and all(isinstance(item, (dict, list)) for item in value):
        return [leaf for index, item in enumerate(value) for leaf in _known_facts(item, f"{key}.{index}")]
    return [] if question_of(value) is not None else [key]


@rule(
    "fact-source-required",
    "error",
    "cgu (un fait se prouve : RGPD, art. 5.2, responsabilité du responsable du traitement)",
    "Every fact under a key the organism lists in `sources_required` (transfers, DPO contact, retention...) says "
    "where it comes from under `sources:` (a document, a date, an address, a note).",
)
def source_required(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    data = dict(organism.data)
    required = data.get("sources_required")
    for key in required if isinstance(required, list) else []:
        if not isinstance(key, str) or key not in data or data[key] is None:
            continue
        for leaf in _known_facts(data[key], key):
            if source_of(data, leaf) is None:
                yield Finding(
                    leaf,
                    organism.where(leaf),
                    f"{leaf} has no source, and 'sources_required' asks one for {key}: write under 'sources:' "
                    f"where it comes from ({leaf}: {{document: ..., date: ...}}), or mark it 'à compléter : ...'",
                )


CONTROLLER_WORDING = re.compile(
    r"\bresponsables? (?:conjoints? )?d[ue] (?:ce |ces |leurs? )?traitements?\b", re.IGNORECASE
)
PROCESSOR_WORDING = re.compile(
    r"\b(?:en (?:sa )?qualité de|agit comme|est (?:le |un |son )?)sous-traitant\b", re.IGNORECASE
)
"""What a sentence says of a party it names: that it decides the processing, or that it processes for another."""


@rule(
    "role-contradicted",
    "error",
    "RGPD, art. 4 (7) et (8), art. 26 et 28 (responsable du traitement, responsables conjoints, sous-traitant)",
    "A clause does not give a party named in `roles:` another role than the one declared (a processor called "
    "controller, a controller called processor).",
)
def role_contradicted(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    roles = organism.data.get("roles")
    for index, item in enumerate(roles if isinstance(roles, list) else []):
        party, role = item.get("party"), item.get("role")
        if not isinstance(party, str) or not party.strip():
            continue
        contradiction = {"processor": CONTROLLER_WORDING, "controller": PROCESSOR_WORDING}.get(role)
        if role == "joint_controller":
            contradiction = PROCESSOR_WORDING
        if contradiction is None:
            continue
        seen = set()
        for document in documents:
            for article in document.articles:
                if article.id in seen:  # a clause in both documents is reported once
                    continue
                text = re.sub(r"\s+", " ", re.sub(r"\\(.)", r"\1", article.markdown))
                for sentence in re.split(r"(?<=[.;:])\s", text):
                    if party in sentence and (found := contradiction.search(sentence)):
                        yield Finding(
                            f"roles.{index}",
                            organism.where(f"roles.{index}.role"),
                            f"clause {article.id!r} of the {document.kind} calls {party} « {found.group(0)} », but "
                            f"roles.{index} declares it {role}: reword the clause, or correct the declared role",
                            (f"{document.kind}.{article.id}",),
                        )
                        seen.add(article.id)
                        break
