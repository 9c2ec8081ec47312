"""The review of one organism: every registered rule run on its data and documents, waivers applied.

Each legal rule yields `Finding`s; `check_organism` turns them into `Problem`s with the rule's id and severity,
and sets aside those an organism waived with a written justification (`waivers:` in its file). Only legal rules
can be waived: a waiver naming a release, font or waiver rule is an error (`waiver-rule`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cgu.model import Document, Organism, Problem
from cgu.rules import consistency, cookies, facts, gdpr, identity, legal_texts
from cgu.rules.registry import RULES, Finding

LEGAL_CHECKS = (identity, consistency, cookies, gdpr, facts, legal_texts)
"""The modules of legal checks: importing one registers its rules (a new module of rules is added here)."""


def _covers(waiver: Mapping[str, Any], rule_id: str, finding: Finding) -> bool:
    """Whether a justified waiver silences a finding: same rule, and no target or the finding's key (or a parent
    key)."""
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
        for found in current.check(organism, documents) if current.check else ():
            problem = current.problem(found.location, found.message, organism.id)
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
        problems.append(
            RULES["waiver-justification"].problem(
                where, f"the waiver of {name!r} needs a written justification", organism.id
            )
        )
    if name not in RULES:
        problems.append(
            RULES["waiver-rule"].problem(where, f"waiver names unknown rule {name!r} (see docs/rules.md)", organism.id)
        )
    elif not RULES[name].waivable:
        problems.append(
            RULES["waiver-rule"].problem(
                where, f"rule {name!r} cannot be waived (see docs/rules.md): fix what it reports", organism.id
            )
        )
    elif not used and not problems:
        target = f" for {waiver.get('target')!r}" if waiver.get("target") else ""
        problems.append(
            RULES["waiver-unused"].problem(
                where, f"the waiver of {name!r}{target} silences nothing: remove it", organism.id
            )
        )
    return problems


def rules_table() -> str:
    """The Markdown table of every rule (id, severity, waivable, what it checks, source), as in docs/rules.md.

    The legal checks come first, in the order their modules register them, then the rules other stages check."""
    rows = ["| rule id | severity | waivable | what it checks | source |", "|---|---|---|---|---|"]
    rows += [
        f"| `{r.id}` | {r.severity} | {'yes' if r.waivable else 'no'} | {r.description} | {r.source} |"
        for r in sorted(RULES.values(), key=lambda r: r.check is None)
    ]
    return "\n".join(rows) + "\n"
