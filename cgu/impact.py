"""What a file affects (`cgu impact`) and where each variable of an organism comes from and goes (`cgu vars`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2.meta

from cgu.build import load_project, selected_organisms
from cgu.compose import Composer, make_environment
from cgu.errors import CguError, Problems
from cgu.model import Organism, SourceLocation
from cgu.sources import relative


@dataclass(frozen=True)
class Variable:
    """One leaf variable of an organism: its dotted name, where it is defined, which clauses use its top key."""

    name: str
    defined: SourceLocation
    used_by: tuple[str, ...]


def impact(root: Path, target: Path) -> list[tuple[str, str]]:
    """(organism id, document kind) pairs whose output depends on `target` (a clause, organism or theme file)."""
    project = load_project(root, compose=lambda organism, kind: False)
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
    """Every leaf variable of an organism with the file:line that defines it and the clauses that read it."""
    project = load_project(root, organism_ids=(organism_id,), compose=lambda organism, kind: False)
    organism = project.organisms.get(organism_id)
    if organism is None:
        raise CguError.at(SourceLocation("organisms"), f"no organism {organism_id!r}")
    used = readers(project.root, organism, Composer(project.root, project.library, Problems()))
    return [Variable(name, organism.where(name), tuple(sorted(used.get(name.split(".")[0], ()))))
            for name in _leaves(dict(organism.data), "")]


def readers(root: Path, organism: Organism, composer: Composer) -> dict[str, set[str]]:
    """Top-level variable name -> the clause files (of the organism's documents) that read it."""
    env, _ = make_environment()
    found: dict[str, set[str]] = {}
    for spec in organism.documents.values():
        for clause_id in spec.clauses:
            clause = composer.clause_for(organism, clause_id)
            if clause is None:
                continue
            try:
                names = jinja2.meta.find_undeclared_variables(env.parse(clause.body))
            except jinja2.TemplateSyntaxError:
                continue
            for name in names:
                found.setdefault(name, set()).add(clause.location.path)
    return found


def _leaves(data: Any, prefix: str) -> list[str]:
    if isinstance(data, dict):
        return [leaf for key, value in data.items() for leaf in _leaves(value, f"{prefix}.{key}" if prefix else key)]
    if isinstance(data, list) and data and isinstance(data[0], (dict, list)):
        return [leaf for index, value in enumerate(data) for leaf in _leaves(value, f"{prefix}.{index}")]
    return [prefix]
