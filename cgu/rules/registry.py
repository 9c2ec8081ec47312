"""The rule registry: every check `cgu check` can report, with a stable id, a severity and its legal source."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from cgu.model import Document, Organism, SourceLocation


@dataclass(frozen=True)
class Finding:
    """What a rule found: the key or cookie concerned (what a waiver's `target` names), where, and what."""

    target: str
    location: SourceLocation
    message: str
    aliases: tuple[str, ...] = ()
    """Other names a waiver may use for the target: a cookie's `cookies.3` besides its name."""


@dataclass(frozen=True)
class Rule:
    """A check with a stable id, a severity (error fails `cgu check`), and the text it comes from."""

    id: str
    severity: str
    source: str
    description: str
    check: Callable[[Organism, Sequence[Document]], Iterable[Finding]]


RULES: dict[str, Rule] = {}
"""Every rule by id, in registration order (the order of docs/rules.md)."""


WAIVER_RULES = {
    "waiver-justification": ("error", "A waiver carries a written justification."),
    "waiver-rule": ("error", "A waiver names an existing rule."),
    "waiver-unused": ("warning", "A waiver silences at least one finding (a stale waiver hides nothing and misleads)."),
}
"""Rules about the waivers themselves, applied by `check_organism` (they cannot be waived)."""


OTHER_CHECKS = {
    "unused-variable": ("warning", "Every top-level variable of an organism is read by a clause of its documents."),
}
"""Rules run by `cgu check` outside this package (cgu/commands/check.py), listed with the others in docs/rules.md."""


def rule(
    rule_id: str, severity: str, source: str, description: str
) -> Callable[[Callable[..., Iterable[Finding]]], Callable[..., Iterable[Finding]]]:
    """Register a rule function under its id; two rules may not share an id."""

    def register(check: Callable[..., Iterable[Finding]]) -> Callable[..., Iterable[Finding]]:
        if rule_id in RULES or rule_id in WAIVER_RULES:
            raise ValueError(f"rule {rule_id!r} registered twice")
        RULES[rule_id] = Rule(rule_id, severity, source, description, check)
        return check

    return register


def document_text(document: Document) -> str:
    """What the document says, Markdown escapes removed, whitespace folded: the text rules read."""
    text = "\n".join(f"{a.title}\n{a.markdown}" for a in document.articles)
    return re.sub(r"\s+", " ", re.sub(r"\\(.)", r"\1", text))
