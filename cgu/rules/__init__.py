"""Legal checks a data protection officer would make: a registry of rules, run per organism, with waivers.

Each rule yields `Finding`s; `check_organism` turns them into `Problem`s with the rule's id and severity,
and sets aside those an organism waived with a written justification (`waivers:` in its file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence

from cgu.model import Document, Organism, Problem, SourceLocation


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
"""Rules run by `cgu check` outside this package (cgu/commands.py), listed with the others in docs/rules.md."""


def rule(rule_id: str, severity: str, source: str, description: str) -> Callable[[Callable[..., Iterable[Finding]]], Callable[..., Iterable[Finding]]]:
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


def _covers(waiver: Mapping[str, Any], rule_id: str, finding: Finding) -> bool:
    """Whether a justified waiver silences a finding: same rule, and no target or the finding's key (or a parent key)."""
    if waiver.get("rule") != rule_id or not str(waiver.get("justification") or "").strip():
        return False
    target = waiver.get("target")
    if target in (None, ""):
        return True
    names = (finding.target, *finding.aliases)
    return any(name == str(target) or name.startswith(f"{target}.") for name in names)


def check_organism(organism: Organism, documents: Sequence[Document]) -> tuple[list[Problem], list[Problem]]:
    """(findings, waived findings) of every rule for one organism and its composed documents."""
    waivers = [w if isinstance(w, Mapping) else {} for w in organism.data.get("waivers") or []]
    findings: list[Problem] = []
    waived: list[Problem] = []
    used = [False] * len(waivers)
    for current in RULES.values():
        for found in current.check(organism, documents):
            problem = Problem(found.location, found.message, organism.id, current.severity, current.id)
            covering = [i for i, w in enumerate(waivers) if _covers(w, current.id, found)]
            for index in covering:
                used[index] = True
            (waived if covering else findings).append(problem)
    for index, waiver in enumerate(waivers):
        findings += _waiver_problems(organism, index, waiver, used[index])
    return findings, waived


def _waiver_problems(organism: Organism, index: int, waiver: Mapping[str, Any], used: bool) -> list[Problem]:
    where = organism.where(f"waivers.{index}")
    name = waiver.get("rule")
    problems = []
    if not str(waiver.get("justification") or "").strip():
        problems.append(Problem(where, f"the waiver of {name!r} needs a written justification", organism.id, "error", "waiver-justification"))
    if name not in RULES:
        problems.append(Problem(where, f"waiver names unknown rule {name!r} (see docs/rules.md)", organism.id, "error", "waiver-rule"))
    elif not used and not problems:
        target = f" for {waiver.get('target')!r}" if waiver.get("target") else ""
        problems.append(Problem(where, f"the waiver of {name!r}{target} silences nothing: remove it", organism.id, "warning", "waiver-unused"))
    return problems


def rules_table() -> str:
    """The Markdown table of every rule (id, severity, what it checks, source), as in docs/rules.md."""
    rows = ["| rule id | severity | what it checks | source |", "|---|---|---|---|"]
    rows += [f"| `{r.id}` | {r.severity} | {r.description} | {r.source} |" for r in RULES.values()]
    rows += [f"| `{rule_id}` | {severity} | {description} | cgu |"
             for rule_id, (severity, description) in {**OTHER_CHECKS, **WAIVER_RULES}.items()]
    return "\n".join(rows) + "\n"


from cgu.rules import consistency, cookies, gdpr, identity  # noqa: E402,F401 - importing registers every rule
