"""GDPR articles 13 and 14: every privacy policy states what the law requires, in the data and in its text."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from cgu.model import Document, Organism
from cgu.rules.registry import Finding, document_text, rule

ART13 = "RGPD art. 13 et 14"
BASES = {
    "consent": ("consentement",),
    "contract": ("contrat", "contractuel"),
    "legal_obligation": ("obligation légale", "obligations légales"),
    "vital_interest": ("intérêts vitaux", "intérêt vital"),
    "public_interest": ("intérêt public", "mission d'intérêt public"),
    "legitimate_interest": ("intérêt légitime", "intérêts légitimes"),
}
"""Legal bases (RGPD art. 6.1) and the French words a policy uses to state them."""


VOCABULARY: dict[str, dict[str, tuple[str, ...]]] = {
    "nl": {
        "consentement": ("toestemming",),
        "contrat": ("overeenkomst", "contract"),
        "contractuel": ("contractueel", "contractuele"),
        "obligation légale": ("wettelijke verplichting",),
        "obligations légales": ("wettelijke verplichtingen",),
        "intérêts vitaux": ("vitale belangen",),
        "intérêt vital": ("vitaal belang",),
        "intérêt public": ("algemeen belang", "openbaar belang"),
        "mission d'intérêt public": ("taak van algemeen belang",),
        "intérêt légitime": ("gerechtvaardigd belang",),
        "intérêts légitimes": ("gerechtvaardigde belangen",),
        "conserv": ("bewaar", "bewaring"),
        "destinataire": ("ontvanger",),
        "hors de l'union": ("buiten de europese unie",),
        "hors de l'espace économique européen": ("buiten de europese economische ruimte",),
        "espace économique européen": ("europese economische ruimte",),
        "accès": ("inzage", "toegang"),
        "rectification": ("rectificatie", "verbetering"),
        "effacement": ("wissing", "verwijdering", "gewist"),
        "limitation": ("beperking",),
        "opposition": ("bezwaar",),
        "portabilité": ("overdraagbaarheid",),
        "retirer": ("intrekken", "in te trekken"),
        "retrait": ("intrekking",),
        "réclamation": ("klacht",),
        "plainte": ("klacht",),
        "obligatoire": ("verplicht",),
        "profilage": ("profilering",),
        "article 22": ("artikel 22",),
        "article 9": ("artikel 9",),
    },
    "de": {
        "consentement": ("einwilligung",),
        "contrat": ("vertrag",),
        "contractuel": ("vertraglich",),
        "obligation légale": ("rechtliche verpflichtung", "gesetzliche verpflichtung"),
        "obligations légales": ("rechtlichen verpflichtungen", "gesetzlichen verpflichtungen"),
        "intérêts vitaux": ("lebenswichtige interessen", "lebenswichtigen interessen"),
        "intérêt vital": ("lebenswichtiges interesse",),
        "intérêt public": ("öffentliches interesse", "öffentlichen interesse"),
        "mission d'intérêt public": ("aufgabe im öffentlichen interesse",),
        "intérêt légitime": ("berechtigtes interesse", "berechtigten interesse"),
        "intérêts légitimes": ("berechtigten interessen",),
        "conserv": ("aufbewahr", "gespeichert", "speicherdauer"),
        "destinataire": ("empfänger",),
        "hors de l'union": ("außerhalb der europäischen union",),
        "hors de l'espace économique européen": ("außerhalb des europäischen wirtschaftsraums",),
        "espace économique européen": ("europäischen wirtschaftsraum",),
        "accès": ("auskunft", "zugang"),
        "rectification": ("berichtigung",),
        "effacement": ("löschung",),
        "limitation": ("einschränkung",),
        "opposition": ("widerspruch",),
        "portabilité": ("übertragbarkeit",),
        "retirer": ("widerrufen",),
        "retrait": ("widerruf",),
        "réclamation": ("beschwerde",),
        "plainte": ("beschwerde",),
        "obligatoire": ("verpflichtend", "pflicht"),
        "profilage": ("profiling",),
        "article 22": ("artikel 22",),
        "article 9": ("artikel 9",),
    },
}
"""The words a Dutch or German policy uses where a French one uses each French word the rules look for."""
AUTHORITIES = {"fr": ("APD", "Autorité de protection des données"), "nl": ("GBA", "Gegevensbeschermingsautoriteit")}
AUTHORITIES["de"] = ("DSB", "Datenschutzbehörde")
"""The Belgian data protection authority, as each language names it."""


def in_language(needles: Sequence[str], language: str) -> list[str]:
    """The needles a text in `language` is searched for: each French word of the vocabulary in that language (a
    fact's own value, already in the document's language, is kept)."""
    words = VOCABULARY.get(language, {})
    return [found for needle in needles for found in words.get(needle.lower(), (needle,))]


def _privacy(documents: Sequence[Document]) -> Document | None:
    return next((d for d in documents if d.kind == "privacy"), None)


def _where(organism: Organism) -> object:
    return organism.documents["privacy"].location if "privacy" in organism.documents else organism.location


def _says(
    organism: Organism, documents: Sequence[Document], target: str, needles: Sequence[str], what: str
) -> Iterable[Finding]:
    """A finding when the rendered privacy policy mentions none of `needles` (a clause may have been dropped)."""
    document = _privacy(documents)
    if document is None:
        return
    text = document_text(document).lower()
    if not any(n.lower() in text for n in in_language(needles, document.language)):
        yield Finding(
            target, document.organism.documents["privacy"].location, f"the privacy policy does not state {what}"
        )


@rule("gdpr-privacy-policy", "error", ART13, "Every organism publishes a privacy policy.")
def privacy_policy(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    if "privacy" not in organism.documents:
        yield Finding("documents", organism.where("documents"), "no privacy policy: add documents.privacy")


@rule("gdpr-controller", "error", "RGPD art. 13.1.a", "Identity and contact details of the controller.")
def controller(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    identity = organism.data.get("identity", {})
    if not any(identity.get(k) for k in ("address", "email", "phone")):
        yield Finding(
            "identity",
            organism.where("identity"),
            "the controller has no contact: give identity.address, email or phone",
        )
    yield from _says(organism, documents, "identity.name", [organism.name], f"the controller's name ({organism.name})")
    address = identity.get("address")
    contacts = [
        str(c)
        for c in (
            address.get("street") if isinstance(address, dict) else address,
            identity.get("email"),
            identity.get("phone"),
        )
        if c
    ]
    if contacts:
        yield from _says(
            organism, documents, "identity.contact", contacts, f"how to reach the controller ({contacts[0]})"
        )


@rule("gdpr-dpo-contact", "error", "RGPD art. 13.1.b", "Contact details of the data protection officer.")
def dpo(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    contact = organism.data.get("dpo", {})
    if not (contact.get("email") or contact.get("address")):
        yield Finding("dpo", organism.where("dpo"), "no DPO contact: give dpo.email or dpo.address")
    elif contact.get("email"):
        yield from _says(organism, documents, "dpo.email", [contact["email"]], f"the DPO's e-mail ({contact['email']})")


@rule("gdpr-purposes", "error", "RGPD art. 13.1.c", "Each purpose with its legal basis.")
def purposes(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    processing = organism.data.get("processing") or []
    if not processing:
        yield Finding(
            "processing", organism.where("processing"), "no processing purpose declared: list them under processing"
        )
    for index, item in enumerate(processing):
        if not item.get("purpose") or not item.get("legal_basis"):
            yield Finding(
                f"processing.{index}",
                organism.where(f"processing.{index}"),
                "each purpose needs 'purpose' and 'legal_basis'",
            )
        else:
            yield from _says(
                organism, documents, f"processing.{index}", [item["purpose"]], f"the purpose {item['purpose']!r}"
            )
    for basis in sorted({str(p.get("legal_basis")) for p in processing if p.get("legal_basis")}):
        if basis not in BASES:
            yield Finding(
                "processing",
                organism.where("processing"),
                f"unknown legal basis {basis!r}: use one of {', '.join(BASES)}",
            )
        else:
            yield from _says(
                organism,
                documents,
                f"legal_basis.{basis}",
                BASES[basis],
                f"the legal basis {basis} ({BASES[basis][0]!r})",
            )


@rule(
    "gdpr-legitimate-interest", "error", "RGPD art. 13.1.d", "The legitimate interest pursued, where it is the basis."
)
def legitimate_interest(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    for index, item in enumerate(organism.data.get("processing") or []):
        if item.get("legal_basis") == "legitimate_interest" and not item.get("legitimate_interest"):
            yield Finding(
                f"processing.{index}",
                organism.where(f"processing.{index}"),
                "legitimate interest is the basis: say which interest (legitimate_interest)",
            )
        elif item.get("legal_basis") == "legitimate_interest":
            yield from _says(
                organism,
                documents,
                f"processing.{index}",
                [item["legitimate_interest"]],
                f"the legitimate interest pursued for {item.get('purpose')!r}",
            )


@rule("gdpr-recipients", "error", "RGPD art. 13.1.e", "Recipients or categories of recipients.")
def recipients(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    declared = organism.data.get("recipients") or [
        r for p in organism.data.get("processing") or [] for r in p.get("recipients", [])
    ]
    if not declared:
        yield Finding("recipients", organism.where("recipients"), "no recipients declared: list them under recipients")
    yield from _says(organism, documents, "recipients", ["destinataire"], "who receives the data")
    for index, recipient in enumerate(organism.data.get("recipients") or []):
        yield from _says(organism, documents, f"recipients.{index}", [str(recipient)], f"the recipient {recipient!r}")


@rule(
    "gdpr-transfers",
    "error",
    "RGPD art. 13.1.f",
    "Transfers outside the EU and their safeguards (or that there are none).",
)
def transfers(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    if "transfers" not in organism.data:
        yield Finding("transfers", organism.location, "say whether data leave the EU: transfers: [] when none")
    for index, item in enumerate(organism.data.get("transfers") or []):
        if not item.get("safeguard"):
            yield Finding(
                f"transfers.{index}",
                organism.where(f"transfers.{index}"),
                "a transfer outside the EU needs its safeguard",
            )
        else:
            yield from _says(
                organism,
                documents,
                f"transfers.{index}",
                [str(item["safeguard"])],
                f"the safeguard of the transfer to {item.get('country')} ({item['safeguard']!r})",
            )
    yield from _says(
        organism,
        documents,
        "transfers",
        ["hors de l'union", "hors de l'espace économique européen", "espace économique européen"],
        "whether data leave the EU",
    )


@rule("gdpr-retention", "error", "RGPD art. 13.2.a", "Retention period, or the criteria for it, per purpose.")
def retention(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    for index, item in enumerate(organism.data.get("processing") or []):
        if not item.get("retention") and not organism.data.get("retention"):
            yield Finding(
                f"processing.{index}",
                organism.where(f"processing.{index}"),
                f"no retention period for {item.get('purpose')!r}",
            )
        elif item.get("retention"):
            yield from _says(
                organism,
                documents,
                f"processing.{index}.retention",
                [str(item["retention"])],
                f"how long data are kept for {item.get('purpose')!r} ({item['retention']!r})",
            )
    yield from _says(organism, documents, "retention", ["conserv"], "how long data are kept")


RIGHTS = {
    "accès": "access",
    "rectification": "rectification",
    "effacement": "erasure",
    "limitation": "restriction",
    "opposition": "objection",
    "portabilité": "portability",
}


@rule(
    "gdpr-rights",
    "error",
    "RGPD art. 13.2.b",
    "The six rights: access, rectification, erasure, restriction, objection, portability.",
)
def rights(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    language = organism.language or organism.source_language
    for word, right in RIGHTS.items():
        said = "' or '".join(in_language([word], language))
        yield from _says(organism, documents, f"rights.{right}", [word], f"the right of {right} ('{said}')")


@rule("gdpr-consent-withdrawal", "error", "RGPD art. 13.2.c et 7.3", "Withdrawing consent, where consent is a basis.")
def consent_withdrawal(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    if any(p.get("legal_basis") == "consent" for p in organism.data.get("processing") or []):
        yield from _says(organism, documents, "consent", ["retirer", "retrait"], "that consent can be withdrawn")


@rule(
    "gdpr-complaint",
    "error",
    "RGPD art. 13.2.d et 77",
    "The right to complain to the supervisory authority, with its contact.",
)
def complaint(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    authority = organism.data.get("authority", {})
    language = organism.language or organism.source_language
    expected = ("CNIL",) if organism.country == "FR" else AUTHORITIES[language]
    if not authority.get("name"):
        yield Finding("authority", organism.where("authority"), f"no supervisory authority: name it ({expected[0]})")
        return
    if not any(e.lower() in authority["name"].lower() for e in expected):
        yield Finding(
            "authority.name",
            organism.where("authority.name"),
            f"the authority for a {organism.country} organism is {' / '.join(expected)}",
        )
    if not (authority.get("address") or authority.get("website")):
        yield Finding("authority", organism.where("authority"), "give the authority's address or website")
    yield from _says(
        organism, documents, "authority.name", [authority["name"]], "the right to complain to the authority"
    )
    yield from _says(
        organism,
        documents,
        "authority.complaint",
        ["réclamation", "plainte"],
        "that a complaint (réclamation) can be lodged",
    )
    contacts = [
        str(authority.get(k)).removeprefix("https://").removeprefix("http://").rstrip("/")
        for k in ("website", "web_form", "phone")
        if authority.get(k)
    ]
    contacts += (
        [str(authority["address"].get("street"))]
        if isinstance(authority.get("address"), dict) and authority["address"].get("street")
        else []
    )
    if contacts:
        yield from _says(
            organism, documents, "authority.contact", contacts, f"how to reach the authority ({contacts[0]})"
        )


@rule(
    "gdpr-requirement", "error", "RGPD art. 13.2.e", "Whether providing data is a statutory or contractual requirement."
)
def requirement(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    yield from _says(organism, documents, "mandatory", ["obligatoire"], "which data are mandatory and why")


@rule("gdpr-automated-decisions", "error", "RGPD art. 13.2.f et 22", "Automated decisions and profiling.")
def automated(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    yield from _says(
        organism,
        documents,
        "automated_decisions",
        ["profilage", "article 22"],
        "whether automated decisions or profiling happen",
    )


@rule(
    "gdpr-health-data",
    "error",
    "RGPD art. 9 ; CSP art. L.1111-8",
    "Health data: the article 9 ground and, in France, a certified host (HDS).",
)
def health(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    health_data = organism.data.get("health_data") or {}
    if not health_data.get("processed"):
        return
    if not health_data.get("legal_ground"):
        yield Finding(
            "health_data.legal_ground",
            organism.where("health_data"),
            "health data are processed: give the article 9 ground",
        )
    yield from _says(organism, documents, "health_data", ["article 9"], "the article 9 ground for health data")
    if organism.country == "FR":
        if not organism.data.get("health_data_host"):
            yield Finding(
                "health_data_host",
                organism.where("health_data"),
                "French health data need a certified host (HDS): add health_data_host",
            )
        host = organism.data.get("health_data_host") or {}
        yield from _says(
            organism,
            documents,
            "health_data_host",
            ["L.1111-8", "HDS", *([host["name"]] if host.get("name") else [])],
            "the certified health-data host",
        )
