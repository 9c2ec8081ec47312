"""Load organisms: discover their files, resolve `extends`, validate, and collect every problem."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from cgu.errors import CguError, Problems
from cgu.load import schema
from cgu.load.files import Locations, load_yaml, read_text, relative
from cgu.load.images import logo_problem
from cgu.model import LANGUAGES, DocumentSpec, Organism, ReleaseSpec, SourceLocation, Theme, Withdrawal, YamlFile

DEFAULT_THEME = "default"
DEFAULT_COLOR = "#1f4e79"


@dataclass(frozen=True)
class _RawOrganism(YamlFile):
    """One organism file as written, before `extends` is applied."""

    id: str
    clause_dir: str | None
    """The organism's own clause folder (`organisms/<id>/clauses`), for an organism that is a folder."""


def discover_organisms(root: Path) -> dict[str, Path]:
    """Map each organism id to its YAML file: `organisms/<id>.yaml` or `organisms/<id>/organism.yaml`."""
    folder = root / "organisms"
    found: dict[str, Path] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue  # hidden: an editor's lock or scratch file (emacs's `.#base.yaml`), not an organism
        if path.suffix in (".yaml", ".yml") and _is_overlay(path.stem):
            continue  # `<id>.<lang>.yaml`: an organism's facts in another language (cgu/load/translations.py)
        if path.suffix in (".yaml", ".yml") and (path.is_file() or path.is_dir() or path.is_symlink()):
            found[path.stem] = path  # a folder named like a file is reported when read
        elif path.is_dir() and ((path / "organism.yaml").exists() or (path / "organism.yaml").is_symlink()):
            found[path.name] = path / "organism.yaml"
    return found


def load_organisms(root: Path, problems: Problems) -> dict[str, Organism]:
    """Every organism of the project, `extends` resolved; problems are collected, not raised."""
    raws: dict[str, _RawOrganism] = {}
    broken: set[str] = set()
    for organism_id, path in discover_organisms(root).items():
        broken.add(organism_id)  # until it loads
        shown = relative(path, root)
        if not schema.ID_PATTERN.match(organism_id):
            problems.add(
                SourceLocation(shown),
                f"organism id {organism_id!r} must be lower-case letters, digits and hyphens; rename the file",
            )
            continue
        if _escapes(path, root):
            problems.add(SourceLocation(shown), "organism file is a link to outside the project; copy it in instead")
            continue
        if path.is_dir():
            problems.add(
                SourceLocation(shown),
                "this is a folder, not a file: an organism is organisms/<id>.yaml or "
                "organisms/<id>/organism.yaml; rename or remove the folder",
            )
            continue
        try:
            data, locations = load_yaml(read_text(path, shown), shown)
        except CguError as exc:
            problems.extend(exc.problems)
            continue
        if not isinstance(data, dict):
            problems.add(
                SourceLocation(shown, 1),
                "an organism file must be a mapping of keys (identity:, documents:, ...)",
                organism_id,
            )
            continue
        declared = data.get("id")
        if declared is not None and declared != organism_id:
            problems.add(
                locations.get("id", SourceLocation(shown, 1)),
                f"id {declared!r} does not match the file name {organism_id!r}",
                organism_id,
            )
        clause_dir = path.parent / "clauses" if path.name == "organism.yaml" else None
        raws[organism_id] = _RawOrganism(
            data=data,
            locations=locations,
            location=SourceLocation(shown, 1),
            id=organism_id,
            clause_dir=relative(clause_dir, root) if clause_dir else None,
        )
        broken.discard(organism_id)
    organisms: dict[str, Organism] = {}
    for organism_id in raws:
        organism = _resolve(organism_id, raws, root, problems, broken)
        if organism is not None:
            organisms[organism_id] = organism
    return organisms


def _resolve(
    organism_id: str, raws: dict[str, _RawOrganism], root: Path, problems: Problems, broken: set[str]
) -> Organism | None:
    chain = [organism_id]
    raw = raws[organism_id]
    while (base := raws[chain[-1]].data.get("extends")) is not None:
        here = raws[chain[-1]]
        extends_at = here.where("extends")
        if isinstance(base, str) and base in broken:
            return None  # its own error is reported; this one would only repeat it
        if not isinstance(base, str):
            problems.add(extends_at, f"'extends' must be the id of one organism, not {schema._kind(base)}", organism_id)
            return None
        if base not in raws:
            problems.add(
                extends_at,
                f"extends unknown organism {base!r}; known: {', '.join(sorted(raws)) or 'none'}",
                organism_id,
            )
            return None
        if base in chain:
            cycle = chain[chain.index(base) :]
            if organism_id == min(cycle):  # report a cycle once, from its first member, not from each one
                start = cycle.index(organism_id)
                members = cycle[start:] + cycle[:start]
                first = raws[members[0]]
                problems.add(
                    first.where("extends"),
                    f"extends cycle: {' -> '.join([*members, members[0]])}; remove one 'extends'",
                    organism_id,
                )
            return None
        chain.append(base)
    data: dict[str, Any] = {}
    locations: Locations = {}
    for member in reversed(chain):
        part = raws[member]
        data = _merge(data, {k: v for k, v in part.data.items() if k not in ("id", "abstract")})
        locations.update({k: v for k, v in part.locations.items()})
    abstract = raw.data.get("abstract", False) is True  # any other value is reported by the schema, never taken as true
    data.pop("extends", None)

    def where(path: str) -> SourceLocation:
        return locations.get(path, raw.location) if path else raw.location

    found = schema.validate(
        {**data, "abstract": raw.data["abstract"]} if "abstract" in raw.data else data, where, organism_id, abstract
    )
    problems.extend(found)
    if found:
        return None
    theme = _theme(data, where, root, organism_id, problems)
    if _missing_priors(data, where, root, organism_id, problems):
        return None
    documents = {
        kind: _document_spec(kind, spec, where)
        for kind, spec in (data.get("documents") or {}).items()
        if not abstract or (spec.get("title") and spec.get("clauses") and (spec.get("releases") or spec.get("version")))
    }
    identity = data.get("identity") or {}
    return Organism(
        id=organism_id,
        name=identity.get("name", organism_id),
        country=data.get("country", "FR"),
        data=MappingProxyType(data),
        documents=MappingProxyType(documents),
        theme=theme,
        chain=tuple(chain),
        locations=MappingProxyType(locations),
        location=raw.location,
        clause_dirs=tuple(d for d in (raws[m].clause_dir for m in chain) if d),
        abstract=abstract,
        languages=_languages(data, where, organism_id, problems),
    )


def _checked_date(value: Any) -> dt.date:
    """A date the schema has already accepted (organisms with schema problems are never built)."""
    date = schema.as_date(value)
    if date is None:
        raise ValueError(f"{value!r} passed the schema but is not a date")
    return date


def _document_spec(kind: str, spec: dict[str, Any], where: Any) -> DocumentSpec:
    releases = sorted(
        (
            ReleaseSpec(
                _checked_date(r["version"]),
                _checked_date(r["effective"]),
                bool(r.get("material", False)),
                str(r["summary"]),
                where(f"documents.{kind}.releases.{index}"),
                r.get("sha256"),
                schema.prior_path(where(f"documents.{kind}.releases.{index}").path, r["prior"])
                if "prior" in r
                else None,
                Withdrawal(_checked_date(r["withdrawn"]["on"]), str(r["withdrawn"]["reason"]).strip())
                if isinstance(r.get("withdrawn"), dict)
                else None,
            )
            for index, r in enumerate(spec.get("releases") or [])
        ),
        key=lambda r: r.version,
    )
    version = schema.as_date(spec.get("version")) or releases[-1].version
    effective = schema.as_date(spec.get("effective")) or releases[-1].effective
    return DocumentSpec(
        kind, spec["title"], version, effective, tuple(spec["clauses"]), where(f"documents.{kind}"), tuple(releases)
    )


def _missing_priors(data: dict[str, Any], where: Any, root: Path, organism_id: str, problems: Problems) -> bool:
    """Report each prior release whose file is not in the project (a prior's text is that file)."""
    missing = False
    for kind, spec in (data.get("documents") or {}).items():
        for index, release in enumerate(spec.get("releases") or [] if isinstance(spec, dict) else []):
            if not isinstance(release, dict) or "prior" not in release:
                continue
            at = where(f"documents.{kind}.releases.{index}.prior")
            relative = schema.prior_path(at.path, release["prior"])
            path = root / relative
            if _escapes(path, root) or not path.is_file():
                problems.add(
                    at,
                    f"prior release file {relative} does not exist: put the text the organism published then in "
                    "that file (cgu release --prior FILE does it), or correct the path",
                    organism_id,
                )
                missing = True
    return missing


def _theme(data: dict[str, Any], where: Any, root: Path, organism_id: str, problems: Problems) -> Theme:
    settings = data.get("theme") or {}
    logo = settings.get("logo")
    if logo is not None:
        path = root / logo
        if Path(logo).is_absolute() or _escapes(path, root) or ".." in Path(logo).parts:
            problems.add(where("theme.logo"), f"logo {logo!r} must be a path inside the project", organism_id)
            logo = None
        elif not path.is_file():
            problems.add(where("theme.logo"), f"logo file {logo!r} does not exist", organism_id)
            logo = None
        elif reason := logo_problem(root, logo):
            problems.add(where("theme.logo"), f"logo {logo!r} {reason}", organism_id)
            logo = None
    return Theme(settings.get("name", DEFAULT_THEME), settings.get("color", DEFAULT_COLOR), logo)


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Mappings merge key by key (the override wins); lists and values replace."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _is_overlay(stem: str) -> bool:
    base, dot, language = stem.rpartition(".")
    return bool(dot) and language in LANGUAGES and schema.ID_PATTERN.match(base) is not None


def _languages(data: dict[str, Any], where: Any, organism_id: str, problems: Problems) -> tuple[str, ...]:
    """The declared languages, the source first; `[fr]` when none are declared."""
    declared = data.get("languages")
    if declared is None:
        return ("fr",)
    if not isinstance(declared, list) or not declared:
        problems.add(where("languages"), "'languages' must be a list such as [fr, nl], the source first", organism_id)
        return ("fr",)
    for index, language in enumerate(declared):
        if language not in LANGUAGES:
            problems.add(
                where(f"languages.{index}"),
                f"unknown language {language!r}; known: {', '.join(LANGUAGES)}",
                organism_id,
            )
        elif declared.index(language) != index:
            problems.add(where(f"languages.{index}"), f"language {language!r} is listed twice", organism_id)
    return tuple(dict.fromkeys(lang for lang in declared if lang in LANGUAGES)) or ("fr",)


def _escapes(path: Path, root: Path) -> bool:
    """Whether a path (following links) lands outside the project root."""
    try:
        path.resolve().relative_to(root.resolve())
        return False
    except ValueError:
        return True
