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


_TEXTS: dict[int, tuple[Document, str]] = {}
"""Each document's text, computed once per run (a dozen rules read it), by identity: the document is held too, so
its id is never reused for another while the entry lives."""


def document_text(document: Document) -> str:
    """What the document says, Markdown escapes removed, whitespace folded: the text rules read."""
    known = _TEXTS.get(id(document))
    if known is not None and known[0] is document:
        return known[1]
    text = "\n".join(f"{a.title}\n{a.markdown}" for a in document.articles)
    folded = re.sub(r"\s+", " ", re.sub(r"\\(.)", r"\1", text))
    _TEXTS[id(document)] = (document, folded)
    return folded


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
    "unused-clause",
    "warning",
    "Every clause file is listed by some document (one no document lists is never checked nor published), but for "
    "the starter library as cgu ships it; reported by `cgu check --strict`.",
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
_stage_rule("release-rebuild", "error", "A release can be composed again from the commit that declared it.")
_stage_rule(
    "release-prior",
    "error",
    "A prior release's file (a text published before cgu, `prior:`) is in the declaring commit and reads as a "
    "document: a `# Title`, then one `## heading` per article.",
)
_stage_rule("release-immutable", "error", "The text of a sealed release (its sha256) never changes after publication.")
_stage_rule(
    "release-notice",
    "error",
    "A release that needs re-acceptance takes effect after the notice period (`notice_days`, 30 by default).",
)
# Languages (cgu/compose/composer.py, cgu/project.py, cgu/rules/translations.py; docs/languages.md).
_stage_rule(
    "translation-missing",
    "error",
    "Every clause of a document has a translation into each language its organism declares (no fallback).",
)
_stage_rule(
    "translation-stale",
    "error",
    "A document is not released while a translation lags behind a substantive change of its source.",
)
_stage_rule(
    "translation-behind",
    "warning",
    "A translation lags behind a substantive change of a draft's source: that language cannot be released until "
    "the translation is updated.",
)
_stage_rule(
    "translation-stale-form",
    "warning",
    "A translation translates the current source; a change of form only (typography, spacing) is a warning.",
)
_stage_rule(
    "translation-unknown-source",
    "error",
    "The source version a translation records (`translates:`) is a blob of the git repository.",
)
_stage_rule(
    "translation-unverified",
    "warning",
    "Without git history, a translation whose source changed since `translates:` cannot be told stale or not.",
)
_stage_rule(
    "translation-mismatch",
    "error",
    "A translation keeps its source's front matter, headings and cross-references; an overlay holds text facts only, "
    "its durations in its language and of the source's length.",
)
_stage_rule(
    "fact-translation-missing",
    "error",
    "Every text fact of an organism (a title, a purpose, a duration...) is translated in each declared language.",
)
_stage_rule(
    "french-grammar-filter",
    "error",
    "A clause in another language than French uses no French grammar filter (`|de`, `|a`, `|elide`, `|capfirst`...).",
)
