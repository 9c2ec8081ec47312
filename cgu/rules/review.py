"""The review of one organism: every registered rule run on its data and documents, waivers applied.

Each legal rule yields `Finding`s; `check_organism` turns them into `Problem`s with the rule's id and severity,
and sets aside those an organism waived with a written justification (`waivers:` in its file). Only legal rules
can be waived: a waiver naming a release, font or waiver rule is an error (`waiver-rule`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cgu.model import Document, Organism, Problem
from cgu.rules import consistency, cookies, facts, gdpr, identity, legal_notice, legal_texts, repetition
from cgu.rules.registry import RULES, Finding, Rule

LEGAL_CHECKS = (identity, consistency, cookies, gdpr, facts, legal_texts, legal_notice, repetition)
"""The modules of legal checks: importing one registers its rules (a new module of rules is added here)."""


TEXT_RULES = (".gdpr", ".legal_texts")
"""The modules whose rules read what the documents say (in each language's words) rather than the facts: the GDPR
mentions, and the legal texts a document cites (a translation cites them in its own words, found by the registry's
Dutch and German patterns)."""


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


def check_organism(
    organism: Organism, documents: Sequence[Document], text_only: bool = False
) -> tuple[list[Problem], list[Problem]]:
    """(findings, waived findings) of every rule for one organism and its composed documents; `text_only`: only the
    rules that read the documents' text (GDPR art. 13-14), for a translation, whose facts the source's pass checks."""
    waivers = [w if isinstance(w, Mapping) else {} for w in organism.data.get("waivers") or []]
    findings: list[Problem] = []
    waived: list[Problem] = []
    used = [False] * len(waivers)
    for current in RULES.values():
        if text_only and current.check is not None and not current.check.__module__.endswith(TEXT_RULES):
            continue
        for found in current.check(organism, documents) if current.check else ():
            problem = current.problem(found.location, found.message, organism.id)
            covering = [i for i, w in enumerate(waivers) if _covers(w, current.id, found)]
            for index in covering:
                used[index] = True
            (waived if covering else findings).append(problem)
    for index, waiver in enumerate(waivers if not text_only else ()):  # a translation's pass leaves waivers alone
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


_TABLE_ORDER = (identity, consistency, cookies, facts, gdpr, legal_notice, legal_texts, repetition)
"""The legal-check modules in the order docs/rules.md lists them; within a module, its own registration order."""


def rules_table() -> str:
    """The Markdown table of every rule (id, severity, waivable, what it checks, source), as in docs/rules.md.

    The legal checks come first, in the order their modules register them, then the rules other stages check."""
    rows = ["| rule id | severity | waivable | what it checks | source |", "|---|---|---|---|---|"]
    modules = [module.__name__ for module in _TABLE_ORDER]

    def place(rule: Rule) -> int:
        # The registry's order depends on which rule module a run imported first: the table must not (sorted() is
        # stable, so a module's rules keep their order).
        return modules.index(rule.check.__module__) if rule.check is not None else len(modules)

    rows += [
        f"| `{r.id}` | {r.severity} | {'yes' if r.waivable else 'no'} | {r.description} | {r.source} |"
        for r in sorted(RULES.values(), key=place)
    ]
    return "\n".join(rows) + "\n"
