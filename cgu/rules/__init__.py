"""Legal checks a data protection officer would make: a registry of rules, run per organism, with waivers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from cgu.model import Document, Organism, Problem, SourceLocation


@dataclass(frozen=True)
class Finding:
    """What a rule found: the key or cookie concerned (for waivers), where, and what."""

    target: str
    location: SourceLocation
    message: str


@dataclass(frozen=True)
class Rule:
    """A check with a stable id, a severity (error fails `cgu check`), and the text it comes from."""

    id: str
    severity: str
    source: str
    description: str
    check: Callable[[Organism, Sequence[Document]], Iterable[Finding]]


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: str, source: str, description: str) -> Callable[[Callable[..., Iterable[Finding]]], Callable[..., Iterable[Finding]]]:
    """Register a rule function under its id; two rules may not share an id."""
    def register(check: Callable[..., Iterable[Finding]]) -> Callable[..., Iterable[Finding]]:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id!r} registered twice")
        RULES[rule_id] = Rule(rule_id, severity, source, description, check)
        return check
    return register


def document_text(document: Document) -> str:
    """What the document says, Markdown escapes removed, whitespace folded: the text rules read."""
    text = "\n".join(f"{a.title}\n{a.markdown}" for a in document.articles)
    return re.sub(r"\s+", " ", re.sub(r"\\(.)", r"\1", text))


def check_organism(organism: Organism, documents: Sequence[Document]) -> tuple[list[Problem], list[Problem]]:
    """(findings, waived findings) of every rule for one organism; a waiver needs a rule id and a justification."""
    waivers = organism.data.get("waivers") or []
    findings: list[Problem] = []
    waived: list[Problem] = []
    for index, waiver in enumerate(waivers):
        where = organism.where(f"waivers.{index}")
        if not str(waiver.get("justification", "")).strip():
            findings.append(Problem(where, "a waiver needs a written justification", organism.id, "error", "waiver-justification"))
        if waiver.get("rule") not in RULES:
            findings.append(Problem(where, f"waiver names unknown rule {waiver.get('rule')!r}", organism.id, "error", "waiver-rule"))
    for current in RULES.values():
        for found in current.check(organism, documents):
            problem = Problem(found.location, found.message, organism.id, current.severity, current.id)
            if any(w.get("rule") == current.id and str(w.get("justification", "")).strip()
                   and w.get("target") in (None, found.target) for w in waivers):
                waived.append(problem)
            else:
                findings.append(problem)
    return findings, waived


from cgu.rules import cookies, gdpr, identity  # noqa: E402,F401 - importing registers every rule
