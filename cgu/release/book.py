"""The release book: every release of every document of a run, composed once from one History, and checked.

A run reads one book (`read_book`): for each (organism, kind) that declares releases, its releases (each composed from
the commit that declared it), the problems found (immutability, notice period, dates), whether the working tree is a
draft, and the release state an incremental build hashes. Changelogs, versions.json, receipts, publish, preview and
check all take the book; none of them recomposes a release or asks git again.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from cgu.compose.markers import questions_in
from cgu.errors import CguError, counted
from cgu.load.files import load_yaml
from cgu.model import Document, Organism, Problem, Release, ReleaseSpec
from cgu.project import Project, load_project
from cgu.release.cache import ReleaseCache
from cgu.release.history import Declaration, History
from cgu.release.seal import text_hash
from cgu.rules.registry import RULES

DEFAULT_NOTICE_DAYS = 30


@dataclass(frozen=True)
class DocumentReleases:
    """What the history says about one document of one organism."""

    organism: str
    kind: str
    releases: tuple[Release, ...] = ()
    """Every declared release it really published, oldest first; one whose declaration is not committed yet is
    composed from the working tree (its `commit` is None). One that cannot be rebuilt is left out (see problems)."""
    problems: tuple[Problem, ...] = ()
    """What is wrong with the declarations (rules `release-*`): errors block `cgu check`, warnings are shown."""
    draft: bool = False
    """The working-tree text is not exactly that of the newest published release: it builds marked "Projet"."""
    state: str = ""
    """Which declared releases are committed, and by which commit (`2024-03-01@<sha> 2024-06-01@uncommitted`), or why
    history is unavailable: what, besides the files, decides the "Projet" mark (an incremental build hashes it)."""

    translations: Mapping[str, tuple[Release, ...]] = field(default_factory=lambda: MappingProxyType({}))
    """Each language the organism declares after its source -> the releases published in it, oldest first: the same
    declarations (dates, commit, seal: the source text's `sha256`), each one's `document` its translation composed
    from the commit that declared it. Only the newest run of committed releases whose translation was there and
    fresh (in substance) at its commit: a release without one is never shown in that language, and no older one is
    shown in its place as if it were the latest (docs/languages.md)."""

    @property
    def published(self) -> tuple[Release, ...]:
        """The releases members may be shown: those whose declaration is committed."""
        return tuple(published(self.releases))

    def in_language(self, language: str) -> tuple[Release, ...]:
        """The releases in `language`: the source's, or a translation's (none when it has none)."""
        if language == "" or not self.releases or language == self.releases[0].document.language:
            return self.releases
        return self.translations.get(language, ())


@dataclass(frozen=True)
class ReleaseBook:
    """Every document's releases for one run, read once from one History; frozen, shared by every later stage."""

    documents: Mapping[tuple[str, str], DocumentReleases] = field(default_factory=lambda: MappingProxyType({}))
    """(organism id, kind) -> its releases, for each document of the run that declares releases."""
    unavailable: str | None = None
    """Why the git history cannot be read ("not a git repository"), or None."""
    shallow: bool = False
    """A shallow clone: releases declared in commits that were not fetched cannot be checked."""
    head: str | None = None
    """The commit the run's working tree is on (None without history)."""

    def of(self, organism_id: str, kind: str) -> DocumentReleases:
        """The releases of one document; an empty entry for a document without releases or without history."""
        found = self.documents.get((organism_id, kind))
        if found is not None:
            return found
        state = f"history unavailable ({self.unavailable})" if self.unavailable else ""
        return DocumentReleases(organism_id, kind, state=state)

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Every document's release problems, in document order."""
        return tuple(p for entry in self.documents.values() for p in entry.problems)

    @property
    def drafts(self) -> frozenset[str]:
        """`<organism>/<kind>` of each document whose working-tree text is a draft."""
        return frozenset(f"{o}/{k}" for (o, k), entry in self.documents.items() if entry.draft)

    def mark_drafts(self, project: Project) -> Project:
        """The project with each draft document marked "Projet" (without git, nothing changes)."""
        if not any(entry.draft for entry in self.documents.values()):
            return project
        documents = tuple(
            replace(d, draft=True) if self.of(d.organism.id, d.kind).draft else d for d in project.documents
        )
        return replace(project, documents=documents)


class PastProjects:
    """Documents as composed from the project at past commits: each one composed at most once per run, and read from
    the persistent cache (see cgu/release/cache.py) when an earlier run composed it from the same git tree."""

    def __init__(self, history: History, cache: ReleaseCache | None = None) -> None:
        self.history = history
        self.cache = cache
        self._composed: dict[tuple[str, str, str], tuple[Document, frozenset[str]] | CguError] = {}
        self._translated: dict[tuple[str, str, str, str], Document | None] = {}
        self.compositions = 0
        """How many documents were composed from past commits (for tests and `--timings`)."""

    def document(self, commit: str, organism_id: str, kind: str) -> tuple[Document, frozenset[str]]:
        """The document at `commit`, and the project-relative files its text came from (clauses and organism files);
        raise the CguError of that commit's project when it cannot be composed."""
        key = (self.history.tree_id(commit), organism_id, kind)
        if key not in self._composed:
            cached = self.cache.get(*key) if self.cache is not None else None
            self._composed[key] = cached or self._compose(commit, *key)
        composed = self._composed[key]
        if isinstance(composed, CguError):
            raise composed
        return composed

    def translation(self, commit: str, source: Document, language: str) -> Document | None:
        """`source` (a document as composed at `commit`) in `language`, composed from the same commit, if that commit
        declared the language and each translation it uses was there and translates the source as it stood there
        (a form-only lag is allowed, as `cgu check` allows it); None otherwise."""
        organism_id, kind = source.organism.id, source.kind
        if language not in source.organism.languages[1:]:
            return None  # the organism did not declare this language yet
        key = (self.history.tree_id(commit), organism_id, kind, language)
        if key not in self._translated:
            cached = self.cache.get(*key) if self.cache is not None else None
            self._translated[key] = cached[0] if cached else self._compose_translation(commit, *key)
        return self._translated[key]

    def _compose_translation(
        self, commit: str, tree: str, organism_id: str, kind: str, language: str
    ) -> Document | None:
        from cgu.rules.translations import FORM, FRESH, clause_statuses, fact_statuses, used_clauses

        self.compositions += 1
        root = self.history.export(commit)
        try:
            project = load_project(root, (organism_id,), (kind,), translate=(language,))
        except CguError:
            return None  # a translation missing or broken at that commit: the release has none in this language
        translated = [d for d in project.translations if d.language == language]
        if not translated:
            return None
        document = translated[0]
        organism = project.organisms[organism_id]
        from cgu.compose.composer import Composer
        from cgu.errors import Problems

        composer = Composer(project.root, project.library, Problems())
        spec = organism.documents[kind]
        clauses = [c for c in used_clauses(composer, organism) if c.id in spec.clauses]
        statuses = [s.status for s in clause_statuses(root, organism, clauses, self.history) if s.language == language]
        facts = [status for _, lang, _, status, _ in fact_statuses(root, organism, self.history) if lang == language]
        if any(status not in (FRESH, FORM) for status in statuses + facts):
            return None  # behind its source in substance at that commit: that release never said this in Dutch
        inputs = {a.source.path for a in document.articles}
        if self.cache is not None:
            self.cache.put(tree, organism_id, kind, document, frozenset(inputs), language)
        return document

    def declaration(self, organism_file: str, kind: str, version: dt.date) -> Declaration | None:
        """The commit that declared a release, from the cache when an earlier run on the same HEAD found it."""
        head, where = self.history.head, str(self.history.prefix)
        assert head is not None
        if self.cache is not None:
            known, commit = self.cache.declaration(head, where, organism_file, kind, version.isoformat())
            if known and commit is None:
                return None
            if known and commit is not None and self.history.exists(commit):
                return self.history.declared_at(commit)
        found = self.history.declaration(organism_file, kind, version)
        if self.cache is not None:
            commit = found.commit if found else None
            self.cache.keep_declaration(head, where, organism_file, kind, version.isoformat(), commit)
        return found

    def _compose(
        self, commit: str, tree: str, organism_id: str, kind: str
    ) -> tuple[Document, frozenset[str]] | CguError:
        self.compositions += 1
        try:
            project = load_project(self.history.export(commit), (organism_id,), (kind,), translate=False)
        except CguError as error:
            return error
        document = project.documents[0]
        inputs = {a.source.path for a in document.articles}
        inputs |= {project.organisms[m].location.path for m in document.organism.chain if m in project.organisms}
        if self.cache is not None:
            self.cache.put(tree, organism_id, kind, document, frozenset(inputs))
        return document, frozenset(inputs)


def read_book(
    project: Project, history: History, documents: Iterable[Document] | None = None, cached: bool = True
) -> ReleaseBook:
    """The release book of a run: the releases of each document (the project's, or those given) that declares any;
    past documents come from the clone's release cache when `cached` and an entry is valid.

    Documents are taken as composed from the working tree, before any "Projet" mark. Without history, each declared
    release is listed as uncommitted (composed from the working tree) and nothing is a draft.
    """
    past = PastProjects(history, ReleaseCache.in_git_folder(history.git_folder) if cached else None)
    declarations: dict[tuple[str, str, dt.date], Declaration | None] = {}
    entries: dict[tuple[str, str], DocumentReleases] = {}
    for document in project.documents if documents is None else documents:
        if document.organism.documents[document.kind].releases:
            entries[(document.organism.id, document.kind)] = _document_releases(
                document.organism, document.kind, history, past, document, declarations
            )
    return ReleaseBook(MappingProxyType(entries), history.unavailable, history.shallow, history.head)


def rewritten_files(
    history: History, past: PastProjects, spec: ReleaseSpec, organism_id: str, kind: str, pinned: str, inputs: set[str]
) -> str:
    """Say which files changed a sealed release: diff against a commit still holding the sealed text, else list the
    suspects."""
    for commit in history.declaring_commits(spec.location.path, kind, spec.version):
        if commit == pinned:
            continue
        try:
            document, original_inputs = past.document(commit, organism_id, kind)
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


def _document_releases(
    organism: Organism,
    kind: str,
    history: History,
    past: PastProjects,
    current: Document,
    declarations: dict[tuple[str, str, dt.date], Declaration | None],
) -> DocumentReleases:
    """Every declared release of a document, oldest first, with the problems found (immutability, notice period)."""
    releases: list[Release] = []
    problems: list[Problem] = []
    notice = int(organism.data.get("notice_days", DEFAULT_NOTICE_DAYS))
    declared = organism.documents[kind]

    def declaration_of(spec: ReleaseSpec) -> Declaration | None:
        """Shared between the organisms that inherit one base's releases."""
        key = (spec.location.path, kind, spec.version)
        if not history.available:
            return None
        if key not in declarations:
            declarations[key] = past.declaration(*key)
        return declarations[key]

    state = (
        " ".join(
            f"{spec.version.isoformat()}@{d.commit if (d := declaration_of(spec)) else 'uncommitted'}"
            for spec in declared.releases
        )
        if history.available
        else f"history unavailable ({history.unavailable})"
    )
    for spec in organism.documents[kind].releases:
        label = f"release {spec.version.isoformat()} of the {kind}"
        declaration = declaration_of(spec)
        if history.shallow and (declaration is None or declaration.commit in history.boundary):
            problems.append(
                RULES["release-shallow"].problem(
                    spec.location,
                    f"{label}: the commit that declared it is not in this shallow clone; "
                    "fetch the full history (git fetch --unshallow)",
                    organism.id,
                )
            )
            continue
        if spec.prior is not None:
            from cgu.release.prior import prior_release

            prior, found = prior_release(organism, kind, spec, declaration, history, past.cache)
            problems += found
            if prior is not None:
                problems += _facts_to_complete(label, spec, prior.document, organism.documents[kind].releases)
                releases.append(prior)
            continue
        if declaration is None:
            if history.available:
                problems.append(
                    RULES["release-uncommitted"].problem(
                        spec.location,
                        f"{label} is not committed yet: commit the organism file to publish it",
                        organism.id,
                    )
                )
                # Its text will be the working tree's; without history, release checks are skipped (check says so).
                problems += _facts_to_complete(label, spec, current, organism.documents[kind].releases)
            releases.append(Release(organism.id, kind, spec, None, None, text_hash(current), current))
            continue
        if (
            spec.location.path != organism.location.path
            and history.read(declaration.commit, organism.location.path) is None
        ):
            # Inherited from a base and declared before this organism existed: it never published that text.
            problems.append(
                RULES["release-before-organism"].problem(
                    organism.location,
                    f"{label} (inherited from {spec.location.path}) predates this organism, "
                    "which did not exist at its commit: it is not one of its releases; declare the organism's "
                    f"own first release under documents.{kind}.releases",
                    organism.id,
                )
            )
            continue
        try:
            document, inputs = past.document(declaration.commit, organism.id, kind)
        except CguError as error:
            problems.append(
                RULES["release-rebuild"].problem(
                    spec.location,
                    f"{label} cannot be rebuilt from commit {declaration.commit[:10]}: {error.problems[0].message}",
                    organism.id,
                )
            )
            continue
        digest = text_hash(document)
        if spec.sha256 and spec.sha256 != digest:
            problems.append(
                RULES["release-immutable"].problem(
                    spec.location,
                    f"{label} changed after publication: sealed sha256 {spec.sha256[:12]}…, the text at commit "
                    f"{declaration.commit[:10]} hashes {digest[:12]}…; "
                    f"{rewritten_files(history, past, spec, organism.id, kind, declaration.commit, set(inputs))}",
                    organism.id,
                )
            )
        # Members are told on the later of the version date (a release may be prepared ahead) and the commit date.
        told = max(spec.version, declaration.date.date())
        if spec.material and releases and spec.effective < told + dt.timedelta(days=notice):
            earliest = told + dt.timedelta(days=notice)
            problems.append(
                RULES["release-notice"].problem(
                    spec.location,
                    f"{label} needs re-acceptance, so it cannot take effect before {earliest.isoformat()} "
                    f"(published {told.isoformat()} + {notice} days' notice)",
                    organism.id,
                )
            )
        problems += _facts_to_complete(label, spec, document, organism.documents[kind].releases)
        releases.append(Release(organism.id, kind, spec, declaration.commit, declaration.date, digest, document))
    done = published(releases)
    # Without git nothing can be compared, so nothing is marked.
    draft = history.available and bool(releases) and (not done or text_hash(current) != done[-1].sha256)
    # A draft may carry its own later dates (the day the reworked text is written): it is not a release yet. Without
    # git nothing is marked, but a working text other than the newest release's (a prior one) is still not it.
    reworked = draft or bool(releases and text_hash(current) != releases[-1].sha256)
    if (
        declared.releases
        and (declared.version, declared.effective)
        != (
            declared.releases[-1].version,
            declared.releases[-1].effective,
        )
        and not (reworked and declared.version > declared.releases[-1].version)
    ):
        newest = declared.releases[-1]
        problems.append(
            RULES["release-dates"].problem(
                declared.location,
                f"the {kind} is dated {declared.version.isoformat()} (effective {declared.effective.isoformat()}) "
                f"but its newest release is {newest.version.isoformat()} (effective {newest.effective.isoformat()}): "
                "remove its `version` and `effective` to use the newest release's dates",
                organism.id,
            )
        )
    translations = MappingProxyType(
        {language: _translated(releases, language, past) for language in organism.languages[1:]}
    )
    return DocumentReleases(organism.id, kind, tuple(releases), tuple(problems), draft, state, translations)


def _translated(releases: list[Release], language: str, past: PastProjects) -> tuple[Release, ...]:
    """The newest run of committed releases that each have a fresh translation into `language` at their commit, each
    with that translation as its document (a prior release, published before cgu, has none)."""
    run: list[Release] = []
    for release in reversed(published(releases)):
        translated = (
            past.translation(release.commit, release.document, language)
            if release.commit is not None and release.spec.prior is None
            else None
        )
        if translated is None:
            break
        summary = _summary_in(translated.organism, release)
        run.append(replace(release, document=translated, spec=replace(release.spec, summary=summary)))
    return tuple(run[::-1])


def _summary_in(organism: Organism, release: Release) -> str:
    """The release's summary as the organism's overlay translates it (`documents.<kind>.releases.<i>.summary`, a fact
    a language may provide), else the source's."""
    spec = organism.data.get("documents", {}).get(release.kind, {})
    for item in spec.get("releases") or () if isinstance(spec, dict) else ():
        if isinstance(item, dict) and str(item.get("version")) == release.spec.version.isoformat():
            return str(item.get("summary") or release.spec.summary)
    return release.spec.summary


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
        RULES["release-fact-to-complete"].problem(
            spec.location,
            f"{label} still has {counted(len(questions), 'fact')} to complete ({asked}): write each fact in place "
            "of its marker (cgu check lists where), then declare the release (a new one if this one is already merged)",
            document.organism.id,
        )
    ]


def published(releases: Iterable[Release]) -> list[Release]:
    """The releases members may be shown: those whose declaration is committed (an uncommitted one is still a draft)."""
    return [release for release in releases if release.commit is not None]


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
