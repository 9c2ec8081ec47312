"""Read clauses: a YAML front-matter block, then a Markdown body with Jinja2 in it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from cgu.errors import CguError, Problems
from cgu.load.files import load_yaml, read_text, relative
from cgu.load.schema import ID_PATTERN
from cgu.load.translations import is_translation_file
from cgu.model import DOCUMENT_KINDS, Clause, SourceLocation

FRONT_MATTER_KEYS = {"id": str, "title": str, "category": str, "documents": list, "requires": list, "material": bool}
DOTTED = re.compile(r"\A[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*\Z")


def read_clause(path: Path, root: Path) -> Clause:
    """Parse one clause file; raises CguError listing every problem in it."""
    shown = relative(path, root)
    return clause_from_text(read_text(path, shown), shown, path.stem)


def clause_from_text(text: str, shown: str, expected_id: str) -> Clause:
    """Parse a clause's text (a file, or a version of it read from git); raises CguError listing every problem."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise CguError.at(
            SourceLocation(shown, 1),
            "a clause must start with a front-matter block: a line '---', the YAML keys (id, title, documents...), "
            "then '---'",
        )
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise CguError.at(
            SourceLocation(shown, 1), "front matter is not closed: add a line '---' after its keys"
        ) from None
    meta, locations = load_yaml("\n".join(lines[1:end]), shown, first_line=2)
    problems = Problems()
    if not isinstance(meta, dict):
        raise CguError.at(
            SourceLocation(shown, 2), "front matter must be a mapping of keys (id:, title:, documents:...)"
        )
    for key, value in meta.items():
        where = locations.get(key, SourceLocation(shown, 2))
        if key not in FRONT_MATTER_KEYS:
            problems.add(where, f"unknown front-matter key '{key}' (known: {', '.join(FRONT_MATTER_KEYS)})")
        elif not isinstance(value, FRONT_MATTER_KEYS[key]) or (key == "title" and not str(value).strip()):
            problems.add(where, f"'{key}' must be {_describe(FRONT_MATTER_KEYS[key])}")
    for key in ("title", "documents"):
        if key not in meta:
            problems.add(SourceLocation(shown, 1), f"front matter is missing '{key}'")
    if meta.get("id", expected_id) != expected_id:
        problems.add(locations["id"], f"id {meta['id']!r} does not match the file name {expected_id!r}")
    if not ID_PATTERN.match(expected_id):
        problems.add(
            SourceLocation(shown),
            f"clause id {expected_id!r} must be lower-case letters, digits and hyphens; rename the file",
        )
    listed, wanted = meta.get("documents"), meta.get("requires")
    documents: list[Any] = listed if isinstance(listed, list) else []
    for index, kind in enumerate(documents):
        if kind not in DOCUMENT_KINDS:
            problems.add(
                locations.get(f"documents.{index}", SourceLocation(shown, 2)),
                f"unknown document kind {kind!r}; use {' or '.join(DOCUMENT_KINDS)}",
            )
    requires: list[Any] = wanted if isinstance(wanted, list) else []
    for index, name in enumerate(requires):
        if not isinstance(name, str) or not DOTTED.match(name):
            problems.add(
                locations.get(f"requires.{index}", SourceLocation(shown, 2)),
                f"required variable {name!r} must be a dotted name like 'dpo.email'",
            )
    body = "\n".join(lines[end + 1 :])
    if not body.strip():
        problems.add(
            SourceLocation(shown, end + 2), "clause body is empty: write the clause text after the front matter"
        )
    problems.raise_if_any()
    return Clause(
        id=expected_id,
        title=str(meta["title"]).strip(),
        category=str(meta.get("category", "general")),
        documents=tuple(documents),
        requires=tuple(requires),
        material=bool(meta.get("material", True)),
        body=body,
        location=SourceLocation(shown, end + 2),
    )


def load_clauses(folder: Path, root: Path, problems: Problems) -> dict[str, Clause]:
    """Every clause of one folder, by id; a broken file is reported and skipped."""
    clauses: dict[str, Clause] = {}
    if not folder.is_dir():
        return clauses
    if not folder.resolve().is_relative_to(root.resolve()):
        problems.add(
            SourceLocation(relative(folder, root)),
            "clause folder is a link to outside the project; copy the clauses in instead",
        )
        return clauses
    for path in sorted(folder.glob("*.md")):
        if path.name.startswith("."):
            continue  # hidden: an editor's lock or scratch file beside the clause it edits (emacs's `.#droit.md`)
        if is_translation_file(path):
            continue  # a translation of a clause (cgu/load/translations.py), not a clause of its own
        try:
            if path.resolve().parent != folder.resolve():
                raise CguError.at(
                    SourceLocation(relative(path, root)),
                    "clause file is a link to outside its folder; copy it in instead",
                )
            clause = read_clause(path, root)
        except CguError as exc:
            problems.extend(exc.problems)
            continue
        clauses[clause.id] = clause
    return clauses


def _describe(kind: Any) -> str:
    return {str: "non-empty text", list: "a list", bool: "true or false"}[kind]
