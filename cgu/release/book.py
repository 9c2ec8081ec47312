"""Releases: each declared release composed from the commit that declared it, hashed, and checked."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import replace
from pathlib import Path

from cgu.compose.markers import questions_in
from cgu.errors import CguError
from cgu.load.files import load_yaml
from cgu.model import Document, Organism, Problem, Release, ReleaseSpec
from cgu.project import load_project
from cgu.release.history import History

DEFAULT_NOTICE_DAYS = 30


def text_hash(document: Document) -> str:
    """SHA-256 of the canonical text: what a member accepts, and what must never change afterwards."""
    return hashlib.sha256(document.canonical_text().encode("utf-8")).hexdigest()


def document_at(history: History, commit: str, organism_id: str, kind: str) -> Document:
    """The document as composed from the project at `commit` (clauses, organisms and themes of that time)."""
    return _composed_at(history, commit, organism_id, kind)[0]


def _composed_at(history: History, commit: str, organism_id: str, kind: str) -> tuple[Document, set[str]]:
    """The document at `commit`, and the project-relative files its text came from (clauses and organism files)."""
    project = load_project(history.export(commit), (organism_id,), (kind,))
    document = project.documents[0]
    inputs = {a.source.path for a in document.articles}
    inputs |= {
        project.organisms[member].location.path for member in document.organism.chain if member in project.organisms
    }
    return document, inputs


def rewritten_files(
    history: History, spec: ReleaseSpec, organism_id: str, kind: str, pinned: str, inputs: set[str]
) -> str:
    """Say which files changed a sealed release: diff against a commit still holding the sealed text, else list the suspects."""
    for commit in history.declaring_commits(spec.location.path, kind, spec.version):
        if commit == pinned:
            continue
        try:
            document, original_inputs = _composed_at(history, commit, organism_id, kind)
        except CguError:
            continue
        if text_hash(document) == spec.sha256:
            changed = [
                path
                for path in history.changed_files(commit, pinned, inputs | original_inputs)
                if not path.startswith("organisms/") or _facts(history, commit, path) != _facts(history, pinned, path)
            ]
            return (
                f"the files that changed since commit {commit[:10]}, which still has the sealed text: "
                f"{', '.join(changed) or 'none (the text comes from elsewhere)'}"
            )
    return f"history was rewritten in one of: {', '.join(sorted(inputs))}"


def load_releases(
    root: Path, organism: Organism, kind: str, history: History, current: Document
) -> tuple[list[Release], list[Problem]]:
    """Every declared release of a document, oldest first, with the problems found (immutability, notice period)."""
    releases: list[Release] = []
    problems: list[Problem] = []
    notice = int(organism.data.get("notice_days", DEFAULT_NOTICE_DAYS))
    declared = organism.documents[kind]
    if declared.releases and (declared.version, declared.effective) != (
        declared.releases[-1].version,
        declared.releases[-1].effective,
    ):
        newest = declared.releases[-1]
        problems.append(
            Problem(
                declared.location,
                f"the {kind} is dated {declared.version.isoformat()} (effective {declared.effective.isoformat()}) "
                f"but its newest release is {newest.version.isoformat()} (effective {newest.effective.isoformat()}): "
                "remove its `version` and `effective` to use the newest release's dates",
                organism.id,
                "error",
                "release-dates",
            )
        )
    for spec in organism.documents[kind].releases:
        label = f"release {spec.version.isoformat()} of the {kind}"
        declaration = history.declaration(spec.location.path, kind, spec.version) if history.available else None
        if history.available and history.shallow and (declaration is None or declaration.commit in history.boundary):
            problems.append(
                Problem(
                    spec.location,
                    f"{label}: the commit that declared it is not in this shallow clone; "
                    "fetch the full history (git fetch --unshallow)",
                    organism.id,
                    "error",
                    "release-shallow",
                )
            )
            continue
        if declaration is None:
            if history.available:
                problems.append(
                    Problem(
                        spec.location,
                        f"{label} is not committed yet: commit the organism file to publish it",
                        organism.id,
                        "warning",
                        "release-uncommitted",
                    )
                )
            problems += _facts_to_complete(label, spec, current, organism.documents[kind].releases)
            releases.append(Release(organism.id, kind, spec, None, None, text_hash(current), current))
            continue
        if (
            spec.location.path != organism.location.path
            and history.read(declaration.commit, organism.location.path) is None
        ):
            # Inherited from a base and declared before this organism existed: it never published that text.
            problems.append(
                Problem(
                    organism.location,
                    f"{label} (inherited from {spec.location.path}) predates this organism, "
                    "which did not exist at its commit: it is not one of its releases; declare the organism's "
                    f"own first release under documents.{kind}.releases",
                    organism.id,
                    "warning",
                    "release-before-organism",
                )
            )
            continue
        if spec.version > declaration.date.date():
            problems.append(
                Problem(
                    spec.location,
                    f"{label} is dated in the future: its version date is the day it is published, "
                    f"and it was committed on {declaration.date.date().isoformat()}",
                    organism.id,
                    "error",
                    "release-future",
                )
            )
        try:
            document, inputs = _composed_at(history, declaration.commit, organism.id, kind)
        except CguError as error:
            problems.append(
                Problem(
                    spec.location,
                    f"{label} cannot be rebuilt from commit {declaration.commit[:10]}: {error.problems[0].message}",
                    organism.id,
                    "error",
                    "release-rebuild",
                )
            )
            continue
        digest = text_hash(document)
        if spec.sha256 and spec.sha256 != digest:
            problems.append(
                Problem(
                    spec.location,
                    f"{label} changed after publication: sealed sha256 {spec.sha256[:12]}…, the text at commit "
                    f"{declaration.commit[:10]} hashes {digest[:12]}…; "
                    f"{rewritten_files(history, spec, organism.id, kind, declaration.commit, inputs)}",
                    organism.id,
                    "error",
                    "release-immutable",
                )
            )
        if spec.material and releases and spec.effective < declaration.date.date() + dt.timedelta(days=notice):
            earliest = declaration.date.date() + dt.timedelta(days=notice)
            problems.append(
                Problem(
                    spec.location,
                    f"{label} needs re-acceptance, so it cannot take effect before {earliest.isoformat()} "
                    f"(published {declaration.date.date().isoformat()} + {notice} days' notice)",
                    organism.id,
                    "error",
                    "release-notice",
                )
            )
        problems += _facts_to_complete(label, spec, document, organism.documents[kind].releases)
        releases.append(Release(organism.id, kind, spec, declaration.commit, declaration.date, digest, document))
    return releases, problems


def _facts_to_complete(
    label: str, spec: ReleaseSpec, document: Document, declared: tuple[ReleaseSpec, ...]
) -> list[Problem]:
    """The newest release still holds an `à compléter` marker: members would accept a gap (release-fact-to-complete).

    Only the newest: once a later release answers the questions, an older one is history, not a text in force.
    """
    questions = sorted(
        {q for article in document.articles for q in questions_in(re.sub(r"\\(.)", r"\1", article.markdown))}
    )
    if not questions or spec != declared[-1]:
        return []
    asked = "; ".join(f"« {q} »" for q in questions)
    return [
        Problem(
            spec.location,
            f"{label} still has {len(questions)} fact(s) to complete ({asked}): write each fact in place of its "
            "marker (cgu check lists where), then declare the release (a new one if this one is already merged)",
            document.organism.id,
            "error",
            "release-fact-to-complete",
        )
    ]


def published(releases: list[Release]) -> list[Release]:
    """The releases members may be shown: those whose declaration is committed (an uncommitted one is still a draft)."""
    return [release for release in releases if release.commit is not None]


def mark_draft(document: Document, releases: list[Release]) -> Document:
    """The work-tree document, marked "Projet" unless its text is exactly that of the newest published release.

    A release declared but not committed yet is not published: until it is, its text builds as a draft.
    """
    done = published(releases)
    if releases and (not done or text_hash(document) != done[-1].sha256):
        return replace(document, draft=True)
    return document


def release_state(
    history: History, organism: Organism, kind: str, memo: dict[tuple[str, str, dt.date], str] | None = None
) -> str:
    """Which declared releases are committed, and by which commit: what, besides the text, decides the "Projet" mark.

    An incremental build hashes it, so committing a release's declaration rebuilds its document without the mark.
    `memo` shares the lookups between the organisms that inherit one base's releases.
    """
    if not history.available:
        return f"history unavailable ({history.unavailable})"
    memo = {} if memo is None else memo
    states = []
    for spec in organism.documents[kind].releases:
        key = (spec.location.path, kind, spec.version)
        if key not in memo:
            declaration = history.declaration(*key)
            memo[key] = declaration.commit if declaration else "uncommitted"
        states.append(f"{spec.version.isoformat()}@{memo[key]}")
    return " ".join(states)


def _facts(history: History, commit: str, path: str) -> str:
    """An organism file's content without its release declarations (sealing a release changes nothing else)."""
    text = history.read(commit, path)
    try:
        data = load_yaml(text, path)[0] if text is not None else None
    except CguError:
        return text or ""
    if isinstance(data, dict):
        for spec in (data.get("documents") or {}).values():
            if isinstance(spec, dict):
                spec.pop("releases", None)
    return json.dumps(data, sort_keys=True, default=str)
