"""The rule registry: every id `cgu check` can report, with its severity, its source and whether it can be waived.

A problem with a rule id is made only here, by `Rule.problem`, so no stage can report an id that is not
registered (and documented: docs/rules.md and the README's table are `cgu.rules.review.rules_table()`):

- a legal check on an organism's facts and composed documents is a function decorated with `@rule(id, severity,
  source, description)` in a module of this package listed in `cgu.rules.review.LEGAL_CHECKS`; it yields
  `Finding`s, which `check_organism` turns into problems and a justified waiver can silence;
- a check another stage runs (releases, fonts, unused variables, the waivers themselves) is registered at the end
  of this module with `register(...)`, and the stage reports it with
  `RULES["release-notice"].problem(location, message, organism_id)`.

Problems without a rule id are composition errors (a file that does not load, an undefined variable, a theme
template that does not render): `cgu build` refuses them the same way, and no waiver can accept them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from cgu.model import Document, Organism, Problem, SourceLocation


@dataclass(frozen=True)
class Finding:
    """What a rule found: the key or cookie concerned (what a waiver's `target` names), where, and what."""

    target: str
    location: SourceLocation
    message: str
    aliases: tuple[str, ...] = ()
    """Other names a waiver may use for the target: a cookie's `cookies.3` besides its name."""


Check = Callable[[Organism, Sequence[Document]], Iterable[Finding]]
"""A legal check: an organism and its composed documents in, findings out."""


@dataclass(frozen=True)
class Rule:
    """A check with a stable id, a severity (error fails `cgu check`), and the text it comes from."""

    id: str
    severity: str
    source: str
    description: str
    check: Check | None = None
    """The legal check `check_organism` runs; None for a rule another stage checks and reports itself."""
    waivable: bool = True
    """Whether a waiver with a justification can silence it (only legal checks can)."""

    def problem(self, location: SourceLocation, message: str, organism: str | None = None) -> Problem:
        """A finding of this rule, with its id and severity."""
        return Problem(location, message, organism, self.severity, self.id)


RULES: dict[str, Rule] = {}
"""Every rule by id, in registration order (the stage rules below first; docs/rules.md lists the legal checks first)."""


def rule(rule_id: str, severity: str, source: str, description: str) -> Callable[[Check], Check]:
    """Register a legal check under its id; two rules may not share an id."""

    def register_check(check: Check) -> Check:
        register(rule_id, severity, source, description, check=check)
        return check

    return register_check


def register(
    rule_id: str, severity: str, source: str, description: str, check: Check | None = None, waivable: bool = True
) -> Rule:
    """Add a rule to the registry; two rules may not share an id."""
    if rule_id in RULES:
        raise ValueError(f"rule {rule_id!r} registered twice")
    if severity not in ("error", "warning"):
        raise ValueError(f"rule {rule_id!r}: severity {severity!r} is neither 'error' nor 'warning'")
    RULES[rule_id] = Rule(rule_id, severity, source, description, check, waivable)
    return RULES[rule_id]


def document_text(document: Document) -> str:
    """What the document says, Markdown escapes removed, whitespace folded: the text rules read."""
    text = "\n".join(f"{a.title}\n{a.markdown}" for a in document.articles)
    return re.sub(r"\s+", " ", re.sub(r"\\(.)", r"\1", text))


def _stage_rule(rule_id: str, severity: str, description: str) -> None:
    """A rule that a stage of cgu checks and reports itself; no waiver can silence it."""
    register(rule_id, severity, "cgu", description, waivable=False)


# The waivers themselves (cgu/rules/review.py).
_stage_rule("waiver-justification", "error", "A waiver carries a written justification.")
_stage_rule("waiver-rule", "error", "A waiver names an existing rule that can be waived.")
_stage_rule(
    "waiver-unused", "warning", "A waiver silences at least one finding (a stale waiver hides nothing and misleads)."
)
# Facts and fonts (cgu/commands/check.py, cgu/render/fonts.py).
_stage_rule(
    "unused-variable", "warning", "Every top-level variable of an organism is read by a clause of its documents."
)
_stage_rule(
    "font-missing-glyph",
    "error",
    "Every character of a document can be drawn by a font of its theme (else the PDF shows an empty box).",
)
# Releases (cgu/release/book.py, cgu/commands/check.py): what members accepted must stay provable.
_stage_rule(
    "release-dates",
    "error",
    "A document with releases takes its version and effective dates from its newest release.",
)
_stage_rule("release-no-commits", "error", "A declared release is in a git repository that has commits.")
_stage_rule(
    "release-shallow",
    "error",
    "The commit that declared a release is in the clone (a shallow clone cannot check it).",
)
_stage_rule(
    "release-uncommitted", "warning", "A declared release is committed (until it is, its text builds as a draft)."
)
_stage_rule(
    "release-before-organism",
    "warning",
    "A release inherited from a base file was declared when the organism already existed.",
)
_stage_rule(
    "release-fact-to-complete",
    "error",
    "The newest release of a document holds no fact left to complete (an `à compléter` marker).",
)
_stage_rule("release-future", "error", "A release's version date is not later than the day it was committed.")
_stage_rule("release-rebuild", "error", "A release can be composed again from the commit that declared it.")
_stage_rule("release-immutable", "error", "The text of a sealed release (its sha256) never changes after publication.")
_stage_rule(
    "release-notice",
    "error",
    "A release that needs re-acceptance takes effect after the notice period (`notice_days`, 30 by default).",
)
