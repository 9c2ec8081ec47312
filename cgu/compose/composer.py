"""Compose: an organism's clauses, through Jinja2 (sandboxed, strict), into a Document of numbered Articles."""

from __future__ import annotations

import datetime as dt
import re
import traceback
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import jinja2
import jinja2.nodes
from jinja2.compiler import CodeGenerator, Frame

from cgu.compose.french import (
    agree,
    capitalized,
    document_phrase,
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
from cgu.compose.language import FRENCH_GRAMMAR_FILTERS, joined, long_date, words
from cgu.compose.markdown import document_link, render_markdown
from cgu.compose.markers import question_of, questions_in, shown
from cgu.compose.sandbox import BoundedSandbox, UnknownName, bounded_text
from cgu.compose.unknown import unknown_name_message
from cgu.errors import Problems
from cgu.load.clauses import load_clauses
from cgu.load.translations import load_translations, mismatched_keys, structure_problems, translation_path
from cgu.model import Article, Clause, ClauseTranslation, Document, Organism, SourceLocation
from cgu.rules.registry import RULES
from cgu.rules.values.legal_texts import LegalText, LegalTextUnavailable, citations_in, cite, cites, in_force


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


_YES_NO = {"nl": ("ja", "nee"), "de": ("ja", "nein")}


def _finalizer(language: str) -> Callable[[Any], Any]:
    """How a value prints in a clause of `language`: French's `_finalize`, or its dates and yes/no in that language."""
    if language == "fr":
        return _finalize

    def finalize(value: Any) -> Any:
        if isinstance(value, dt.date) and not isinstance(value, MarkdownText):
            return long_date(value, language)
        if isinstance(value, bool):
            return _YES_NO[language][0 if value else 1]
        return _finalize(value)

    return finalize


class FrenchGrammar(Exception):
    """A French grammar filter used in a clause of another language."""


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


class CompiledClauses(jinja2.BytecodeCache):
    """Compiled clause templates kept for the whole run, by file path and source checksum: a clause of the library is
    composed for every organism and every past release, and each environment would otherwise parse and compile it
    again. Held in memory only (code read back from disk would be code anyone with write access could plant)."""

    def __init__(self) -> None:
        self.codes: dict[tuple[str, str], Any] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.codes.get((bucket.key, bucket.checksum))
        if code is not None:
            bucket.code = code

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.codes[(bucket.key, bucket.checksum)] = bucket.code


_COMPILED = CompiledClauses()
"""Shared by every clause environment of the process: they all have the same options, so the same code."""


class ClauseSyntax:
    """What compiling a clause template learns, kept for the run: its syntax tree and the names it reads from its
    context (what `jinja2.meta.find_undeclared_variables` finds with a second code-generation pass), so that
    `cgu check`'s unused-variable rule neither parses nor walks a clause again."""

    def __init__(self) -> None:
        self.trees: dict[str, jinja2.nodes.Template] = {}
        self.names: dict[jinja2.nodes.Template, frozenset[str]] = {}

    def of(self, source: str) -> tuple[jinja2.nodes.Template, frozenset[str]] | None:
        """The tree and the names read of a template source compiled in this run, or None."""
        tree = self.trees.get(source)
        names = self.names.get(tree) if tree is not None else None
        return None if tree is None or names is None else (tree, names)


CLAUSE_SYNTAX = ClauseSyntax()


class _NameNotingGenerator(CodeGenerator):
    """The clause compiler, noting each name a template resolves from its context, as Jinja's introspection does."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.resolved: set[str] = set()

    def enter_frame(self, frame: Frame) -> None:
        super().enter_frame(frame)
        self.resolved.update(
            name
            for action, name in frame.symbols.loads.values()
            if action == "resolve" and name not in self.environment.globals
        )

    def visit_Template(self, node: jinja2.nodes.Template, frame: Frame | None = None) -> None:
        super().visit_Template(node, frame)
        CLAUSE_SYNTAX.names[node] = frozenset(self.resolved)


class ClauseSandbox(BoundedSandbox):
    """The clause sandbox, keeping each template's syntax tree and the names it reads (see `ClauseSyntax`)."""

    code_generator_class = _NameNotingGenerator

    def _parse(self, source: str, name: str | None, filename: str | None) -> jinja2.nodes.Template:
        tree = super()._parse(source, name, filename)
        CLAUSE_SYNTAX.trees[source] = tree
        return tree


def make_environment(language: str = "fr") -> tuple[BoundedSandbox, ClauseLoader]:
    """The clause environment: sandboxed (no Python internals; bounded `*`, `**`, `%`, widths and output),
    undefined variables are errors. In another language than French, dates and lists are that language's and the
    French grammar filters refuse to run."""
    loader = ClauseLoader()
    env = ClauseSandbox(
        loader=loader,
        bytecode_cache=_COMPILED,
        autoescape=False,
        finalize=_finalizer(language),
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
            "joined": lambda items: MarkdownText(
                joined((_to_complete(i) or escape_markdown(str(i)) for i in items), language)
            ),
        }
    )
    if language != "fr":
        env.filters.update(
            {
                "date": lambda d: _to_complete(d) or long_date(d, language),
                "join_fr": env.filters["joined"],  # a list is no French grammar: joined as this language joins
                "named": lambda party, short=False: MarkdownText(
                    escape_markdown(
                        str(party.get("short_name") if short and party.get("short_name") else party.get("name", ""))
                    )
                ),
                **{name: _refused(name) for name in FRENCH_GRAMMAR_FILTERS},
            }
        )
    return env, loader


def _refused(name: str) -> Callable[..., Any]:
    def refuse(*_: Any, **__: Any) -> Any:
        raise FrenchGrammar(name)

    return refuse


def french_filters_in(clause: Clause, env: jinja2.Environment) -> list[tuple[SourceLocation, str]]:
    """Each French grammar filter a clause body uses, with its line, whether or not its branch is taken."""
    try:
        tree = env.parse(standalone_tags_leave_no_line(clause.body))
    except jinja2.TemplateSyntaxError:
        return []  # reported when the clause is rendered
    return [
        (clause.location.at(node.lineno - 1), node.name)
        for node in tree.find_all(jinja2.nodes.Filter)
        if node.name in FRENCH_GRAMMAR_FILTERS
    ]


class Composer:
    """Composes documents for many organisms, reading each clause folder once."""

    def __init__(self, root: Path, library: Mapping[str, Clause], problems: Problems) -> None:
        self.root = root
        self.library = library
        self.problems = problems
        self.overrides: dict[str, dict[str, Clause]] = {}
        self.env, self.loader = make_environment()
        self.environments = {"fr": (self.env, self.loader)}
        self.translations: dict[str, dict[tuple[str, str], ClauseTranslation]] = {}

    def environment(self, language: str) -> tuple[BoundedSandbox, ClauseLoader]:
        """The clause environment of a language, made once per run."""
        if language not in self.environments:
            self.environments[language] = make_environment(language)
        return self.environments[language]

    def translation_for(self, clause: Clause, language: str) -> ClauseTranslation | None:
        """The translation of this clause file into `language`, beside it; each folder read once."""
        folder = clause.location.path.rpartition("/")[0]
        if folder not in self.translations:
            self.translations[folder] = load_translations(self.root / folder, self.root, self.problems)
        return self.translations[folder].get((clause.id, language))

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
        """One document of one organism; None (with problems recorded) when anything is wrong.

        Given the organism in another language than its source (`in_language`), the document is composed from the
        translations of its clauses into that language (docs/languages.md)."""
        spec = organism.documents[kind]
        language = organism.language or organism.source_language
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
            elif language == organism.source_language:
                clauses.append(clause)
            elif (translated := self._translated(organism, clause, language, where)) is not None:
                clauses.append(translated)
        numbers = {clause.id: number for number, clause in enumerate(clauses, start=1)}
        articles = [self._article(organism, kind, spec.title, clause, numbers) for clause in clauses]
        if len(self.problems.items) > before:
            return None
        return Document(
            organism,
            kind,
            spec.title,
            spec.version,
            spec.effective,
            tuple(a for a in articles if a is not None),
            draft,
            language,
        )

    def _translated(self, organism: Organism, clause: Clause, language: str, where: SourceLocation) -> Clause | None:
        """The clause as its translation into `language` writes it (title and body), its other keys the source's."""
        translation = self.translation_for(clause, language)
        if translation is None:
            wanted = translation_path(clause.location.path, language)
            if not (self.root / wanted).exists():  # a broken file is reported by itself
                self.problems.items.append(
                    RULES["translation-missing"].problem(
                        where,
                        f"clause {clause.id!r} has no {language} translation: write {wanted} (docs/languages.md)",
                        organism.id,
                    )
                )
            return None
        for location, message in mismatched_keys(translation, clause) + structure_problems(translation, clause):
            self.problems.items.append(RULES["translation-mismatch"].problem(location, message, organism.id))
        translated = replace(clause, title=translation.title, body=translation.body, location=translation.location)
        refused = french_filters_in(translated, self.environment(language)[0])
        for location, name in refused:
            self.problems.items.append(
                RULES["french-grammar-filter"].problem(
                    location,
                    f"'|{name}' is French grammar; in a {language} clause write the words themselves, with "
                    "{{ identity|named }} for a party's name (docs/languages.md)",
                    organism.id,
                )
            )
        return None if refused else translated

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
        language = organism.language or organism.source_language
        rendered = render_markdown(markdown, clause.id, number, french=language == "fr")
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
            words(language).article,
            tuple((legal.id, _cited_at(legal, clause, organism)) for legal, _ in citations_in(clause.title, markdown)),
        )

    def _render(self, organism: Organism, kind: str, title: str, clause: Clause, numbers: dict[str, int]) -> str | None:
        name = clause.location.path
        language = organism.language or organism.source_language
        env, loader = self.environment(language)
        loader.sources[name] = clause.body
        reference = words(language).reference
        other_document = words(language).other_document

        def ref(target: str) -> MarkdownText:
            if target not in numbers:
                self.problems.add(
                    _find(clause, target),
                    f"cross-reference to clause {target!r}, which is not in the {kind} document",
                    organism.id,
                )
                return MarkdownText(f"{reference} ?")
            return MarkdownText(f"[{reference} {numbers[target]}](#{target})")

        def ref_doc(other: str, target: str) -> MarkdownText:
            if (wrong := _other_article_problem(organism, kind, other, target)) is not None:
                self.problems.add(_find(clause, target), wrong, organism.id)
                return MarkdownText(f"{reference} ?")
            spec = organism.documents[other]
            number = spec.clauses.index(target) + 1
            named_document = (
                with_de(document_phrase(spec.title)) if language == "fr" else other_document.format(spec.title)
            )
            return MarkdownText(
                f"[{reference} {number} {escape_markdown(named_document)}]({document_link(other, target)})"
            )

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
            "ref_doc": ref_doc,
            "has_doc": lambda other, target=None: (
                other != kind
                and other in organism.documents
                and (target is None or target in organism.documents[other].clauses)
            ),
            "law": lambda text_id: MarkdownText(escape_markdown(cite(text_id, language))),  # in the clause's words
            "in_force": lambda text_id: in_force(text_id, organism.documents[kind].version),
        }
        try:
            template = env.get_template(name)
            return bounded_text(template.generate(context), MAX_RENDERED, "the clause")
        except jinja2.TemplateSyntaxError as exc:
            self.problems.add(
                clause.location.at((exc.lineno or 1) - 1), f"template syntax error: {exc.message}", organism.id
            )
        except LegalTextUnavailable as exc:  # an unknown id, or no official title in this language
            self.problems.add(_template_line(exc, clause), str(exc), organism.id)
        except FrenchGrammar as exc:  # French_filters_in finds them first; a filter reached another way is caught here
            self.problems.add(_template_line(exc, clause), f"'|{exc}' is French grammar: not in a {language} clause")
        except UnknownName as exc:
            self.problems.add(_template_line(exc, clause), unknown_name_message(exc, context, organism), organism.id)
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


def _other_article_problem(organism: Organism, kind: str, other: str, target: str) -> str | None:
    """Why `ref_doc(other, target)` cannot point at an article of the organism's other document, or None."""
    if other == kind:
        return f"ref_doc({other!r}, {target!r}) points at this very document: write ref({target!r})"
    if other not in organism.documents:
        known = ", ".join(k for k in organism.documents if k != kind) or "none"
        return (
            f"cross-reference to the {other} document, which the organism does not publish (its other documents: "
            f"{known}); test it first with has_doc({other!r}, {target!r})"
        )
    if target not in organism.documents[other].clauses:
        return (
            f"cross-reference to clause {target!r} of the {other} document, which does not list it; "
            f"test it first with has_doc({other!r}, {target!r})"
        )
    return None


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


def _cited_at(legal: LegalText, clause: Clause, organism: Organism) -> SourceLocation:
    """The line that makes an article cite a legal text: the clause line that writes it, else the organism fact whose
    value says it ("loi du 30 juillet 2018" in `jurisdiction.law`), else the clause."""
    for offset, line in enumerate(clause.body.split("\n")):
        if cites(legal, line):
            return clause.location.at(offset)
    for path, value in _text_facts(organism.data, ""):
        if legal.cited_in(value) is not None:
            return organism.where(path)
    return clause.location


def _text_facts(data: Any, prefix: str) -> list[tuple[str, str]]:
    """(dotted key, text) of every text value of an organism's facts."""
    if isinstance(data, Mapping):
        return [fact for key, value in data.items() for fact in _text_facts(value, f"{prefix}{key}.")]
    if isinstance(data, list):
        return [fact for index, value in enumerate(data) for fact in _text_facts(value, f"{prefix}{index}.")]
    return [(prefix[:-1], data)] if isinstance(data, str) else []


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
