"""Read translations (docs/languages.md): clause files `<stem>.<lang>.md` beside their source, and the overlays
`organism.<lang>.yaml` of an organism's text facts; lay an overlay over the source facts."""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from cgu.compose.markers import question_of
from cgu.errors import CguError, Problems
from cgu.load.files import Locations, load_yaml, read_text, relative
from cgu.load.organisms import discover_organisms
from cgu.model import LANGUAGES, Clause, ClauseTranslation, FactOverlay, Organism, SourceLocation
from cgu.rules.registry import RULES, Rule
from cgu.rules.values.durations import format_duration, parse_duration

MISMATCH = RULES["translation-mismatch"]
BLOB_ID = re.compile(r"\A[0-9a-f]{40}\Z")
TRANSLATION_NAME = re.compile(r"\A(?P<stem>[^.]+)\.(?P<lang>[a-z]{2})\.md\Z")
SOURCE_KEYS = ("id", "category", "documents", "requires", "material")
"""Front-matter keys that come from the source clause; a translation may repeat one only with the same value."""

REQUIRED_TEXT = (
    "documents.*.title",
    "identity.legal_form",
    "identity.regulator",
    "identity.group",
    "identity.registration",
    "host.legal_form",
    "dpo.legal_form",
    "health_data_host.legal_form",
    "authority.name",
    "authority.legal_form",
    "rights.response_delay",
    "jurisdiction.law",
    "jurisdiction.courts",
    "jurisdiction.mediation",
    "services.*.description",
    "services.*.audience",
    "sites.*.description",
    "sites.*.audience",
    "cookies.*.purpose",
    "cookies.*.duration",
    "cookie_settings.consent_retention",
    "cookie_settings.audience_max",
    "processing.*.purpose",
    "processing.*.legitimate_interest",
    "processing.*.data.*",
    "processing.*.recipients.*",
    "processing.*.retention",
    "processing.*.mandatory",
    "processing.*.source",
    "recipients.*",
    "transfers.*.country",
    "transfers.*.safeguard",
    "retention.*.data",
    "retention.*.duration",
    "retention.*.start",
    "health_data.legal_ground",
    "automated_decisions",
    "extra.**",
)
"""Facts that are text: a language must translate each one the source has (docs/languages.md)."""
OPTIONAL_TEXT = (
    "documents.*.releases.*.summary",
    "identity.name",
    "identity.short_name",
    "identity.publication_director",
    "identity.editor",
    "services.*.name",
    "sites.*.name",
    "transfers.*.recipient",
    "host.name",
    "dpo.name",
    "health_data_host.name",
    "*.address.street",
    "*.address.complement",
    "*.address.city",
    "*.address.country",
)
"""Proper names and places: a language may translate them; the source value stays otherwise."""


def is_translation_file(path: Path) -> bool:
    """Whether a clause file is a translation (`<stem>.<lang>.md`), not a clause of its own."""
    return TRANSLATION_NAME.match(path.name) is not None


def translation_path(source: str, language: str) -> str:
    """Where the translation of the clause file `source` into `language` lives: beside it, `<stem>.<lang>.md`."""
    return f"{source.removesuffix('.md')}.{language}.md"


def read_translation(path: Path, root: Path) -> ClauseTranslation:
    """Parse one translation file; raises CguError listing every problem in it."""
    shown = relative(path, root)
    match = TRANSLATION_NAME.match(path.name)
    if match is None:
        raise CguError.at(SourceLocation(shown), "a translation is named <clause id>.<language>.md")
    language = match["lang"]
    if language not in LANGUAGES:
        raise CguError.at(
            SourceLocation(shown), f"unknown language {language!r} in the file name; known: {', '.join(LANGUAGES)}"
        )
    lines = read_text(path, shown).split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None) if lines[0].strip() == "---" else 0
    if not end:
        raise CguError.at(
            SourceLocation(shown, 1),
            "a translation starts with a front-matter block: '---', then 'translates:' (git hash-object of the "
            "source clause) and 'title:', then '---'",
        )
    meta, locations = load_yaml("\n".join(lines[1:end]), shown, first_line=2)
    if not isinstance(meta, dict):
        raise CguError.at(SourceLocation(shown, 2), "front matter must be a mapping of keys (translates:, title:)")
    problems = Problems()
    for key in meta:
        if key not in ("translates", "title", *SOURCE_KEYS):
            problems.add(
                locations.get(key, SourceLocation(shown, 2)),
                f"unknown front-matter key '{key}' in a translation (it has 'translates' and 'title'; the others "
                "come from the source clause)",
            )
    translates = meta.get("translates")
    if not isinstance(translates, str) or not BLOB_ID.match(translates):
        problems.add(
            locations.get("translates", SourceLocation(shown, 1)),
            "'translates' must be the 40-hex git blob id of the source clause as translated: what "
            f"'git hash-object {match['stem']}.md' prints",
        )
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.add(locations.get("title", SourceLocation(shown, 1)), "'title' must be the translated title")
    body = "\n".join(lines[end + 1 :])
    if not body.strip():
        problems.add(SourceLocation(shown, end + 2), "translation body is empty: write the translated clause text")
    problems.raise_if_any()
    return ClauseTranslation(
        id=match["stem"],
        language=language,
        title=str(title).strip(),
        body=body,
        translates=str(translates),
        location=SourceLocation(shown, end + 2),
        repeated=MappingProxyType(
            {k: (meta[k], locations.get(k, SourceLocation(shown, 2))) for k in SOURCE_KEYS if k in meta}
        ),
    )


def mismatched_keys(translation: ClauseTranslation, source: Clause) -> list[tuple[SourceLocation, str]]:
    """Front-matter keys a translation repeats with a value other than its source's."""
    expected = {
        "id": source.id,
        "category": source.category,
        "documents": list(source.documents),
        "requires": list(source.requires),
        "material": source.material,
    }
    return [
        (where, f"'{key}' comes from the source clause ({source.location.path}: {expected[key]!r}); remove it here")
        for key, (value, where) in translation.repeated.items()
        if value != expected[key]
    ]


_TARGET = re.compile(r"""\b(ref|has)\(\s*['"]([^'"]+)['"]\s*\)""")


def structure_problems(translation: ClauseTranslation, source: Clause) -> list[tuple[SourceLocation, str]]:
    """Where a translation's body left its source's structure: another number of `##` sub-headings, or a `ref()` or
    `has()` target one of them has and the other has not."""
    found: list[tuple[SourceLocation, str]] = []

    def headings(body: str) -> int:
        return sum(1 for line in body.split("\n") if line.startswith("## "))

    if headings(translation.body) != headings(source.body):
        found.append(
            (
                translation.location,
                f"{headings(translation.body)} '##' sub-headings here, {headings(source.body)} in "
                f"{source.location.path}: keep the source's sub-headings, translated, in the same order",
            )
        )
    mine, theirs = set(_TARGET.findall(translation.body)), set(_TARGET.findall(source.body))
    for call, target in sorted(mine ^ theirs):
        side = "the source has it, the translation lost it" if (call, target) in theirs else "the source has none"
        found.append((translation.location, f"{call}('{target}'): {side} ({source.location.path})"))
    return found


def overlay_path(organism_file: str, language: str) -> str:
    """`organisms/<id>/organism.<lang>.yaml` beside `organism.yaml`, or `organisms/<id>.<lang>.yaml`."""
    stem, _, suffix = organism_file.rpartition(".")
    return f"{stem}.{language}.{suffix}"


def read_overlay(root: Path, organism_file: str, language: str) -> FactOverlay | None:
    """An organism file's overlay in `language`, or None when there is none; raises CguError on a broken one."""
    shown = overlay_path(organism_file, language)
    path = root / shown
    if not path.is_file():
        return None
    data, locations = load_yaml(read_text(path, shown), shown)
    if not isinstance(data, dict):
        raise CguError.at(SourceLocation(shown, 1), "an overlay is a mapping of keys (translates:, documents:, ...)")
    translates = data.pop("translates", None)
    if not isinstance(translates, str) or not BLOB_ID.match(translates):
        raise CguError.at(
            locations.get("translates", SourceLocation(shown, 1)),
            f"'translates' must be the 40-hex git blob id of {organism_file} as translated: what "
            f"'git hash-object {organism_file}' prints",
        )
    return FactOverlay(
        data=MappingProxyType(data),
        locations=MappingProxyType(locations),
        location=SourceLocation(shown, 1),
        language=language,
        translates=translates,
        source=organism_file,
    )


def text_keys(data: Any, prefix: str = "") -> list[str]:
    """Dotted paths (list items by index) of every text value in `data`."""
    if isinstance(data, dict):
        return [k for key, value in data.items() for k in text_keys(value, f"{prefix}{key}.")]
    if isinstance(data, list):
        return [k for index, value in enumerate(data) for k in text_keys(value, f"{prefix}{index}.")]
    return [prefix[:-1]] if isinstance(data, str) else []


def _matches(path: str, pattern: str) -> bool:
    parts, wanted = path.split("."), pattern.split(".")
    if wanted[-1] == "**":
        return len(parts) >= len(wanted) and _matches(".".join(parts[: len(wanted) - 1]), ".".join(wanted[:-1]))
    if wanted[0] == "*" and len(parts) > len(wanted):  # `*.address.city` at any depth
        parts = parts[len(parts) - len(wanted) :]
    return len(parts) == len(wanted) and all(w == "*" or w == p for w, p in zip(wanted, parts, strict=True))


@functools.cache  # a pure function of the path, asked for every text fact of every organism and language
def required_text(path: str) -> bool:
    return any(_matches(path, pattern) for pattern in REQUIRED_TEXT)


@functools.cache
def translatable(path: str) -> bool:
    return required_text(path) or any(_matches(path, pattern) for pattern in OPTIONAL_TEXT)


def value_at(data: Any, path: str) -> Any:
    """The value at a dotted path (list items by index), or None."""
    for part in path.split("."):
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data


def overlay_problems(
    source: Any, overlays: list[FactOverlay], language: str, organism_file: str
) -> list[tuple[Rule, SourceLocation, str]]:
    """(rule, where, message) of what is wrong with an organism's overlays in `language` against its source facts:
    a key that is not text to translate, a key or list item the source does not have (`translation-mismatch`), a
    required text fact left untranslated (`fact-translation-missing`)."""
    found: list[tuple[Rule, SourceLocation, str]] = []
    translated: dict[str, Any] = {}
    for overlay in overlays:
        translated = _laid(translated, dict(overlay.data))
        for path in text_keys(dict(overlay.data)):
            if value_at(source, path) is None:
                message = f"'{path}' is not in {overlay.source}: an overlay translates the source's keys only"
                found.append((MISMATCH, overlay.where(path), message))
            elif not translatable(path):
                message = f"'{path}' is not text to translate (docs/languages.md lists those); remove it"
                found.append((MISMATCH, overlay.where(path), message))
        found += [(MISMATCH, *p) for p in _shape_problems(source, dict(overlay.data), "", overlay)]
    wanted = overlays[-1].location if overlays else SourceLocation(organism_file)
    write = "" if overlays else f"; write {overlay_path(organism_file, language)} (docs/languages.md)"
    for path in text_keys(source):
        value = value_at(source, path)
        if required_text(path) and value.strip() and question_of(value) is None and value_at(translated, path) is None:
            message = f"'{path}' is text and has no {language} translation: add it (the source says {value!r}){write}"
            found.append((RULES["fact-translation-missing"], wanted, message))
    return found + _duration_problems(source, overlays, language)


DURATIONS = ("cookies.*.duration", "cookie_settings.consent_retention", "cookie_settings.audience_max")
"""The translated facts that are durations the cookie rules read: a translation writes them in its own words
("13 maanden", "1 Jahr"), which must say the same length as the source's."""


def _duration_problems(
    source: Any, overlays: list[FactOverlay], language: str
) -> list[tuple[Rule, SourceLocation, str]]:
    """A translated duration that cannot be read in its language, or says another length than the source's
    (`translation-mismatch`). A question to the writer, or a source the cookie rules already refuse, is left alone."""
    found: list[tuple[Rule, SourceLocation, str]] = []
    seen: set[str] = set()
    for overlay in reversed(overlays):  # the nearest overlay's value is the one the documents print
        for path in text_keys(dict(overlay.data)):
            said, meant = value_at(dict(overlay.data), path), value_at(source, path)
            if path in seen or not any(_matches(path, p) for p in DURATIONS) or question_of(said) or question_of(meant):
                continue
            seen.add(path)
            try:
                length = parse_duration(said, language)
            except ValueError as exc:
                found.append((MISMATCH, overlay.where(path), f"'{path}': {exc}"))
                continue
            try:
                wanted = parse_duration(meant)
            except ValueError:
                continue  # the source's duration is refused by the cookie rules, in French
            if length != wanted:
                message = (
                    f"'{path}' says {said!r} ({format_duration(length, language)}) and the source says {meant!r} "
                    f"({format_duration(wanted, language)}) in {overlay.source}: a translation gives the same duration"
                )
                found.append((MISMATCH, overlay.where(path), message))
    return found


def _laid(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Two overlays of one language, the nearer one's keys winning (mappings merged key by key)."""
    merged = dict(base)
    for key, value in over.items():
        old = merged.get(key)
        merged[key] = _laid(old, value) if isinstance(old, dict) and isinstance(value, dict) else value
    return merged


def organism_in_language(root: Path, organism: Organism, language: str, problems: Problems) -> Organism:
    """The organism with its overlays in `language` laid over its facts (its `extends` chain's, base first); what is
    wrong with an overlay, or a text fact it leaves untranslated, is recorded in `problems`."""
    files = discover_organisms(root)
    overlays = []
    for member in reversed(organism.chain):
        try:
            overlay = read_overlay(root, relative(files[member], root), language)
        except CguError as exc:
            problems.extend(exc.problems)
            continue
        if overlay is not None:
            overlays.append(overlay)
    for rule, location, message in overlay_problems(dict(organism.data), overlays, language, organism.location.path):
        problems.items.append(rule.problem(location, message, organism.id))
    return in_language(organism, overlays, language)


def _shape_problems(source: Any, overlay: Any, prefix: str, where: FactOverlay) -> list[tuple[SourceLocation, str]]:
    if isinstance(overlay, dict) and isinstance(source, dict):
        return [p for k, v in overlay.items() for p in _shape_problems(source.get(k), v, f"{prefix}{k}.", where)]
    if isinstance(overlay, list):
        if not isinstance(source, list) or len(source) != len(overlay):
            size = len(source) if isinstance(source, list) else 0
            return [
                (
                    where.where(prefix[:-1]),
                    f"'{prefix[:-1]}' has {len(overlay)} items here and {size} in {where.source}: give one item per "
                    "source item, in the same order",
                )
            ]
        return [
            p
            for i, (s, o) in enumerate(zip(source, overlay, strict=True))
            for p in _shape_problems(s, o, f"{prefix}{i}.", where)
        ]
    return []


def overlaid(source: Any, overlay: Any) -> Any:
    """The source facts with an overlay laid over them: mappings key by key, list item `i` over item `i`."""
    if isinstance(source, dict) and isinstance(overlay, dict):
        return {k: overlaid(v, overlay[k]) if k in overlay else v for k, v in source.items()}
    if isinstance(source, list) and isinstance(overlay, list) and len(source) == len(overlay):
        return [overlaid(s, o) for s, o in zip(source, overlay, strict=True)]
    return source if overlay is None or isinstance(overlay, (dict, list)) else overlay


def in_language(organism: Organism, overlays: list[FactOverlay], language: str) -> Organism:
    """The organism with its facts in `language`: each overlay of its `extends` chain laid over, base first."""
    data: Any = dict(organism.data)
    locations: Locations = dict(organism.locations)
    for overlay in overlays:
        data = overlaid(data, dict(overlay.data))
        texts = set(text_keys(dict(overlay.data)))  # once an overlay, not once a location
        locations.update({k: v for k, v in overlay.locations.items() if k in texts})
    documents = {
        kind: replace(spec, title=str(value_at(data, f"documents.{kind}.title") or spec.title))
        for kind, spec in organism.documents.items()
    }
    identity = data.get("identity") or {}
    return replace(
        organism,
        name=identity.get("name", organism.name),
        data=MappingProxyType(data),
        documents=MappingProxyType(documents),
        locations=MappingProxyType(locations),
        language=language,
    )


def load_translations(folder: Path, root: Path, problems: Problems) -> dict[tuple[str, str], ClauseTranslation]:
    """Every translation file of one clause folder, by (clause id, language); a broken one is reported and skipped."""
    found: dict[tuple[str, str], ClauseTranslation] = {}
    if not folder.is_dir() or not folder.resolve().is_relative_to(root.resolve()):
        return found
    for path in sorted(folder.glob("*.*.md")):
        if not is_translation_file(path):
            continue
        try:
            translation = read_translation(path, root)
        except CguError as exc:
            problems.extend(exc.problems)
            continue
        found[(translation.id, translation.language)] = translation
    return found
