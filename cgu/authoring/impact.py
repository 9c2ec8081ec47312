"""What a file affects (`cgu impact`) and where each variable of an organism comes from and goes (`cgu vars`)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2.meta
import jinja2.nodes

from cgu.compose.composer import CLAUSE_SYNTAX, Composer, make_environment, standalone_tags_leave_no_line
from cgu.errors import CguError, Problems
from cgu.load.files import relative
from cgu.load.schema import source_of
from cgu.model import Organism, SourceLocation
from cgu.project import load_project, selected_organisms
from cgu.release.cache import ReleaseCache


@dataclass(frozen=True)
class Variable:
    """One leaf variable of an organism: its dotted name, where it is defined, which clauses read it (or a key
    above it)."""

    name: str
    defined: SourceLocation
    used_by: tuple[str, ...]
    source: str | None = None
    """Where the fact comes from, as `sources:` says (for it or a key above it)."""


def impact(root: Path, target: Path) -> list[tuple[str, str]]:
    """(organism id, document kind) pairs whose output depends on `target` (a clause, organism or theme file)."""
    project = load_project(root, compose=False)
    path = relative(target if target.is_absolute() else root / target, project.root)
    composer = Composer(project.root, project.library, Problems())
    affected = []
    for organism in selected_organisms(project.organisms, ()):
        chain_files = {project.organisms[m].location.path for m in organism.chain}
        theme_dir = f"themes/{organism.theme.name}/"
        for kind, spec in organism.documents.items():
            clause_files = {c.location.path for c in (composer.clause_for(organism, i) for i in spec.clauses) if c}
            if path in chain_files or path in clause_files or path.startswith(theme_dir) or path == organism.theme.logo:
                affected.append((organism.id, kind))
    return affected


def variables(root: Path, organism_id: str) -> list[Variable]:
    """Every leaf variable of an organism with the file:line that defines it and the clauses that read it (or an
    ancestor)."""
    project = load_project(root, organism_ids=(organism_id,), compose=False)
    organism = project.organisms.get(organism_id)
    if organism is None:
        raise CguError.at(SourceLocation("organisms"), f"no organism {organism_id!r}")
    read = paths_read(organism, Composer(project.root, project.library, Problems()))
    result = []
    for name in _leaves(dict(organism.data), ""):
        users = {path for path, read_paths in read.items() if any(_covers(p, name) for p in read_paths)}
        if not users and name.split(".")[0] in TOOL_KEYS:
            users = {"(read by cgu)"}
        source = source_of(dict(organism.data), name)
        result.append(Variable(name, organism.where(name), tuple(sorted(users)), source))
    return result


TOOL_KEYS = frozenset(
    {
        "id",
        "extends",
        "abstract",
        "country",
        "language",
        "languages",
        "theme",
        "documents",
        "waivers",
        "sources",
        "sources_required",
        "roles",
    }
)
"""Keys the toolchain reads itself (ids, inheritance, theme, document lists, waivers), whether or not a clause does."""


def _covers(read: str, name: str) -> bool:
    """Whether reading `read` (a dotted path) reads the leaf `name`: the same path, or one of its ancestors."""
    return name == read or name.startswith(read + ".")


def paths_read(organism: Organism, composer: Composer, cache: ReleaseCache | None = None) -> dict[str, set[str]]:
    """Clause file -> the dotted organism paths it reads (`identity.address.street`; `cookies` for a loop over them).

    `cache`: where an earlier run kept what each clause body reads (a body is a pure function of its text)."""
    found: dict[str, set[str]] = {}
    for spec in organism.documents.values():
        for clause_id in spec.clauses:
            clause = composer.clause_for(organism, clause_id)
            if clause is None:
                continue
            try:
                read = _paths_in(clause.body, cache)
            except RecursionError:  # as `cgu check` says it (the composer's bound)
                raise CguError.at(
                    clause.location, "template nested too deeply (brackets, filters or tags); simplify it", organism.id
                ) from None
            if read is not None:
                found.setdefault(clause.location.path, set()).update(read)
    return found


@functools.cache
def _parser() -> jinja2.Environment:
    return make_environment()[0]


@functools.lru_cache(maxsize=4096)
def _paths_in(body: str, cache: ReleaseCache | None = None) -> frozenset[str] | None:
    """The dotted paths a clause body reads, or None when it does not parse: each body read once per run (a clause
    of the library is read by every organism), from the cache, else from what the composer learnt compiling it in
    this run, else parsed and walked (Jinja's introspection: a second code-generation pass, the costly part)."""
    kept = cache.names_read(body) if cache is not None else None
    if kept is not None:
        return kept
    compiled = CLAUSE_SYNTAX.of(standalone_tags_leave_no_line(body))  # the source the composer compiles
    if compiled is not None:
        tree, names = compiled
    else:
        try:
            tree = _parser().parse(body)
        except jinja2.TemplateSyntaxError:
            return None
        names = frozenset(jinja2.meta.find_undeclared_variables(tree))
    found = frozenset(_read_paths(tree, names))
    if cache is not None:
        cache.keep_names_read(body, found)
    return found


def _read_paths(tree: jinja2.nodes.Node, top: set[str] | frozenset[str]) -> set[str]:
    """Dotted paths of the longest attribute chains rooted at a template-level variable (`a.b.c`, `a['b']`)."""
    paths: set[str] = set()

    def chain(node: jinja2.nodes.Node) -> list[str] | None:
        if isinstance(node, jinja2.nodes.Name):
            return [node.name] if node.name in top else None
        if isinstance(node, jinja2.nodes.Getattr):
            base = chain(node.node)
            return base + [node.attr] if base is not None else None
        if isinstance(node, jinja2.nodes.Getitem) and isinstance(node.arg, jinja2.nodes.Const):
            base = chain(node.node)
            return base + [str(node.arg.value)] if base is not None else None
        return None

    def visit(node: jinja2.nodes.Node) -> None:
        found = chain(node)
        if found is not None:
            paths.add(".".join(found))
            return  # the longest chain: its inner links are not read on their own
        for child in node.iter_child_nodes():
            visit(child)

    visit(tree)
    return paths


def readers(organism: Organism, composer: Composer, cache: ReleaseCache | None = None) -> dict[str, set[str]]:
    """Top-level variable name -> the clause files (of the organism's documents) that read it."""
    found: dict[str, set[str]] = {}
    for clause_path, read_paths in paths_read(organism, composer, cache).items():
        for read in read_paths:
            found.setdefault(read.split(".")[0], set()).add(clause_path)
    return found


def _leaves(data: Any, prefix: str) -> list[str]:
    if isinstance(data, dict):
        return [leaf for key, value in data.items() for leaf in _leaves(value, f"{prefix}.{key}" if prefix else key)]
    if isinstance(data, list) and data and isinstance(data[0], (dict, list)):
        return [leaf for index, value in enumerate(data) for leaf in _leaves(value, f"{prefix}.{index}")]
    return [prefix]
