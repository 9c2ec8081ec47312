"""Compose: an organism's clauses, through Jinja2 (sandboxed, strict), into a Document of numbered Articles."""

from __future__ import annotations

import datetime as dt
import re
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2

from cgu.compose.french import (
    agree,
    capitalized,
    elide,
    fact_text,
    french_date,
    join_french,
    named,
    one_line_address,
    phone_number,
    pronoun,
    with_a,
    with_de,
)
from cgu.compose.markdown import render_markdown
from cgu.compose.markers import question_of, questions_in, shown
from cgu.compose.sandbox import BoundedSandbox, bounded_text
from cgu.errors import Problems
from cgu.load.clauses import load_clauses
from cgu.model import Article, Clause, Document, Organism, SourceLocation
from cgu.rules.values.legal_texts import cite, in_force


class MarkdownText(str):
    """Markdown produced by the toolchain or marked trusted with `|md`: interpolated without escaping."""


_SPECIAL = re.compile(r"([\\`*\[\]<|])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_EDGE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-zÀ-ÿ])_|_(?![0-9A-Za-zÀ-ÿ])")


_PARAGRAPH_BREAK = re.compile(r"(?<![ \t])[ \t]*[\r\n][ \t]*[\r\n]\s*")
_LINE_BREAK = re.compile(r"(?<!\s)\s*[\r\n]\s*")
"""A match can only start where a run of spaces starts (the look-behind): the same matches as without it, since the
leftmost one always starts there, but a long run of spaces is scanned once, not once per space (50 KB took 44 s)."""


def escape_markdown(value: str) -> str:
    """Escape what Markdown would interpret in an organism value, and nothing more (texts stay readable).

    A line break inside a value is a space (as Markdown would show it anyway), so no line of a value starts a
    heading, list or quote, and a table row stays one row; a blank line still separates paragraphs.
    """
    paragraphs = _PARAGRAPH_BREAK.split(value)
    text = "\n\n".join(_LINE_BREAK.sub(" ", p) for p in paragraphs)
    text = _SPECIAL.sub(r"\\\1", text)
    text = _ENTITY.sub(r"\\&", text)
    text = _EDGE_UNDERSCORE.sub(r"\\_", text)
    text = re.sub(r"(?m)^([ \t]*\d{1,9})([.)])(?=[ \t]|$)", r"\1\\\2", text)
    return re.sub(r"(?m)^([ \t]*)([#>+-]|~~~)", r"\1\\\2", text)


def _to_complete(value: Any) -> MarkdownText | None:
    """A fact left to be completed ("à compléter : question"), as it prints: bracketed, highlighted by the renderer."""
    question = question_of(value)
    return None if question is None else MarkdownText(escape_markdown(shown(question)))


def _finalize(value: Any) -> Any:
    if isinstance(value, MarkdownText):
        return value
    if (marker := _to_complete(value)) is not None:
        return marker
    if isinstance(value, dt.date):
        return french_date(value)
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, str):
        return escape_markdown(value)
    return value


_STANDALONE_TAG_LINE = re.compile(r"(?m)^([ \t]*(?:\{%(?:(?!%\}).)*%\}[ \t]*)+)\n")


def standalone_tags_leave_no_line(body: str) -> str:
    """A line holding only block tags (`{% if %}`, `{% endfor %}`) leaves no empty line behind.

    Jinja's `trim_blocks` would also eat the line break after a tag that ends a line of text
    (`- {{ a }}{% if b %} ({{ b }}){% endif %}`), gluing list items together; here the break after
    a tag-only line is swallowed by a Jinja comment instead, which also keeps line numbers exact.
    """
    return _STANDALONE_TAG_LINE.sub(lambda m: m.group(1) + "{#\n#}", body)


class ClauseLoader(jinja2.BaseLoader):
    """Serves each clause body under its file path, so Jinja's tracebacks point at the clause file."""

    def __init__(self) -> None:
        self.sources: dict[str, str] = {}

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        if template not in self.sources:
            raise jinja2.TemplateNotFound(template)
        return standalone_tags_leave_no_line(self.sources[template]), template, lambda: True


def make_environment() -> tuple[BoundedSandbox, ClauseLoader]:
    """The clause environment: sandboxed (no Python internals; bounded `*`, `**`, `%`, widths and output),
    undefined variables are errors."""
    loader = ClauseLoader()
    env = BoundedSandbox(
        loader=loader,
        autoescape=False,
        finalize=_finalize,
        trim_blocks=False,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        {
            # Already escaped here, so marked as Markdown: finalize must not escape them a second time.
            "date": lambda d: _to_complete(d) or french_date(d),
            "join_fr": lambda items: MarkdownText(
                join_french(_to_complete(i) or escape_markdown(str(i)) for i in items)
            ),
            "address": lambda a: _to_complete(a) or MarkdownText(escape_markdown(one_line_address(a))),
            "phone": lambda n: _to_complete(n) or phone_number(n),
            "md": lambda v: MarkdownText(str(v)),
            # French: contraction and elision (de + le -> du, de + Harmonie -> d'Harmonie, à + les -> aux), a party's
            # name with its article, and the pronoun and agreement of its gender and number (docs/formats.md).
            "de": lambda v: MarkdownText(escape_markdown(with_de(fact_text(v)))),
            "a": lambda v: MarkdownText(escape_markdown(with_a(fact_text(v)))),
            "elide": lambda v, word: MarkdownText(escape_markdown(elide(word, fact_text(v)))),
            "capfirst": lambda v: MarkdownText(
                capitalized(v if isinstance(v, MarkdownText) else escape_markdown(str(v)))
            ),
            "named": lambda party, short=False: MarkdownText(escape_markdown(named(party, short))),
            "pronoun": pronoun,
            "agree": agree,
        }
    )
    return env, loader


class Composer:
    """Composes documents for many organisms, reading each clause folder once."""

    def __init__(self, root: Path, library: Mapping[str, Clause], problems: Problems) -> None:
        self.root = root
        self.library = library
        self.problems = problems
        self.overrides: dict[str, dict[str, Clause]] = {}
        self.env, self.loader = make_environment()

    def clause_for(self, organism: Organism, clause_id: str) -> Clause | None:
        """The organism's own variant of a clause (nearest in the `extends` chain), else the library's."""
        for folder in organism.clause_dirs:
            if folder not in self.overrides:
                self.overrides[folder] = load_clauses(self.root / folder, self.root, self.problems)
            if clause_id in self.overrides[folder]:
                return self.overrides[folder][clause_id]
        return self.library.get(clause_id)

    def _exists_but_broken(self, organism: Organism, clause_id: str) -> bool:
        return any((self.root / folder / f"{clause_id}.md").exists() for folder in (*organism.clause_dirs, "clauses"))

    def compose(self, organism: Organism, kind: str, draft: bool = False) -> Document | None:
        """One document of one organism; None (with problems recorded) when anything is wrong."""
        spec = organism.documents[kind]
        before = len(self.problems.items)
        clauses: list[Clause] = []
        for index, clause_id in enumerate(spec.clauses):
            where = organism.where(f"documents.{kind}.clauses.{index}")
            clause = self.clause_for(organism, clause_id)
            if clause is None:
                if not self._exists_but_broken(organism, clause_id):  # a broken file is reported once, by itself
                    self.problems.add(where, f"unknown clause id {clause_id!r}: no clauses/{clause_id}.md", organism.id)
            elif kind not in clause.documents:
                self.problems.add(
                    where,
                    f"clause {clause_id!r} may not appear in a {kind} document "
                    f"(its front matter allows {', '.join(clause.documents) or 'none'})",
                    organism.id,
                )
            elif any(c.id == clause_id for c in clauses):
                self.problems.add(where, f"clause {clause_id!r} is listed twice", organism.id)
            else:
                clauses.append(clause)
        numbers = {clause.id: number for number, clause in enumerate(clauses, start=1)}
        articles = [self._article(organism, kind, spec.title, clause, numbers) for clause in clauses]
        if len(self.problems.items) > before:
            return None
        return Document(
            organism, kind, spec.title, spec.version, spec.effective, tuple(a for a in articles if a is not None), draft
        )

    def _article(
        self, organism: Organism, kind: str, title: str, clause: Clause, numbers: dict[str, int]
    ) -> Article | None:
        missing = [name for name in clause.requires if not _has_path(organism.data, name)]
        for name in missing:
            self.problems.add(
                organism.where(name),
                f"missing variable '{name}' required by clause '{clause.id}' ({clause.location.path})",
                organism.id,
            )
        if missing:
            return None
        number = numbers[clause.id]
        markdown = self._render(organism, kind, title, clause, numbers)
        if markdown is None:
            return None
        rendered = render_markdown(markdown, clause.id, number)
        for line, message in rendered.refused:
            self.problems.add(_line_of(clause, markdown, line), message, organism.id)
        return Article(
            number,
            clause.id,
            clause.title,
            markdown,
            rendered.html,
            clause.material,
            clause.location,
            rendered.sections,
            tuple(
                (clause.location.at(offset), question)
                for offset, line in enumerate(clause.body.split("\n"))
                for question in questions_in(line)
            ),
        )

    def _render(self, organism: Organism, kind: str, title: str, clause: Clause, numbers: dict[str, int]) -> str | None:
        name = clause.location.path
        self.loader.sources[name] = clause.body

        def ref(target: str) -> MarkdownText:
            if target not in numbers:
                self.problems.add(
                    _find(clause, target),
                    f"cross-reference to clause {target!r}, which is not in the {kind} document",
                    organism.id,
                )
                return MarkdownText("article ?")
            return MarkdownText(f"[article {numbers[target]}](#{target})")

        context = {
            **organism.data,
            "organism_id": organism.id,
            "country": organism.country,
            "document": {
                "kind": kind,
                "title": title,
                "version": organism.documents[kind].version,
                "effective": organism.documents[kind].effective,
            },
            "ref": ref,
            "has": lambda target: target in numbers,
            "law": lambda text_id: MarkdownText(escape_markdown(cite(text_id))),
            "in_force": lambda text_id: in_force(text_id, organism.documents[kind].version),
        }
        try:
            template = self.env.get_template(name)
            return bounded_text(template.generate(context), MAX_RENDERED, "the clause")
        except jinja2.TemplateSyntaxError as exc:
            self.problems.add(
                clause.location.at((exc.lineno or 1) - 1), f"template syntax error: {exc.message}", organism.id
            )
        except jinja2.UndefinedError as exc:
            self.problems.add(_template_line(exc, clause), f"undefined variable: {exc.message}", organism.id)
        except jinja2.exceptions.SecurityError as exc:
            self.problems.add(_template_line(exc, clause), f"not allowed in a clause: {exc}", organism.id)
        except RecursionError as exc:
            self.problems.add(
                _template_line(exc, clause),
                "template nested too deeply (brackets, filters or tags); simplify it",
                organism.id,
            )
        except Exception as exc:  # noqa: BLE001 - any error raised by template code is the clause's, reported with its line
            self.problems.add(_template_line(exc, clause), f"template error: {type(exc).__name__}: {exc}", organism.id)
        return None


MAX_RENDERED = 2 * 1024 * 1024
"""Largest text one clause may render to (loops over loops could otherwise fill the memory)."""


def _has_path(data: Mapping[str, Any], dotted: str) -> bool:
    value: Any = data
    for part in dotted.split("."):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return False
    return value is not None


def _template_line(exc: BaseException, clause: Clause) -> SourceLocation:
    lines = [
        frame.lineno for frame in traceback.extract_tb(exc.__traceback__) if frame.filename == clause.location.path
    ]
    return clause.location.at(lines[-1] - 1) if lines and lines[-1] else clause.location


def _find(clause: Clause, needle: str) -> SourceLocation:
    for offset, line in enumerate(clause.body.split("\n")):
        if needle in line:
            return clause.location.at(offset)
    return clause.location


def _line_of(clause: Clause, rendered: str, line: int) -> SourceLocation:
    """Map a line of the rendered body back to the clause file by looking for the same text."""
    text = rendered.split("\n")[line].strip() if line < len(rendered.split("\n")) else ""
    probe = text[:20]
    if probe:
        for offset, source_line in enumerate(clause.body.split("\n")):
            if probe in source_line:
                return clause.location.at(offset)
    return clause.location
