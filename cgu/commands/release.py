"""`cgu release ORGANISM DOCUMENT`: check, declare a release in the organism file, seal it and commit it, in one step.

Sealing in the same commit stays tamper-evident: the `sha256` written is the hash of the text composed from exactly
the files that commit holds (the command refuses to run while any of them has uncommitted changes), and `cgu check`
recomposes that text from the declaring commit and compares it with the seal on every later run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cgu.errors import CguError
from cgu.model import ReleaseSpec, SourceLocation
from cgu.project import Project, load_project

if TYPE_CHECKING:
    from cgu.release.book import ReleaseBook
    from cgu.release.declare import Planned


@dataclass(frozen=True)
class ReleaseMade:
    """What `cgu release` declared, where, and the commit (None with --no-commit)."""

    organism: str
    kind: str
    version: dt.date
    effective: dt.date
    sha256: str
    file: str
    commit: str | None


def run_release(
    project: Path,
    organism_id: str,
    kind: str,
    summary: str,
    material: bool | None,
    version: str | None = None,
    effective: str | None = None,
    day: str | None = None,
    commit: bool = True,
    prior: Path | None = None,
) -> ReleaseMade:
    from cgu.commands.check import refuse_errors
    from cgu.release.book import DEFAULT_NOTICE_DAYS, read_book, text_hash
    from cgu.release.declare import declare, plan
    from cgu.release.history import History, commit_release, uncommitted
    from cgu.release.lifecycle import today

    on = today(day)
    if material is None:
        raise CguError.at(
            SourceLocation("--material"),
            "say whether members must accept this release again: --material (they must) or --form (wording only)",
        )
    root = project.resolve()
    loaded = load_project(root, (organism_id,), (kind,))
    organism = loaded.organisms[organism_id]
    if kind not in organism.documents:
        raise CguError.at(
            organism.location,
            f"{organism_id} has no {kind} document; its documents: {', '.join(sorted(organism.documents)) or 'none'}",
        )
    history = History(root)
    if not history.available:
        raise CguError.at(
            SourceLocation(str(root)),
            f"history unavailable ({history.unavailable}): a release is sealed in a git commit; "
            "run 'git init' and commit the content first",
        )
    book = read_book(loaded, history)
    refuse_errors(loaded, book)  # what `cgu check` refuses, `cgu release` refuses too
    document = next(d for d in loaded.documents if d.kind == kind)
    declared = organism.documents[kind]
    entry = book.of(organism_id, kind)
    pending = [r for r in entry.releases if r.commit is None]
    if pending:
        raise CguError.at(
            pending[0].spec.location,
            f"release {pending[0].spec.version.isoformat()} of the {kind} is declared but not committed: "
            "commit it, or remove it, before declaring another",
        )
    done = entry.published
    if prior is None and done and text_hash(document) == done[-1].sha256:
        raise CguError.at(
            declared.location,
            f"nothing changed in the {kind} of {organism_id} since release {done[-1].spec.version.isoformat()}: "
            "its text is exactly that release's; edit the clauses or facts first, then release",
        )
    target = organism.location.path  # each organism's text is its own: its releases are declared in its own file
    if declared.releases and declared.releases[-1].location.path != target:
        raise CguError.at(declared.releases[-1].location, _shared_list(loaded, organism_id, kind))
    if prior is not None:
        return _release_prior(root, loaded, organism_id, kind, prior, summary, material, version, effective, on, commit)
    inputs = sorted(
        {a.source.path for a in document.articles}
        | {loaded.organisms[m].location.path for m in organism.chain if m in loaded.organisms}
        | {target}
    )
    dirty = uncommitted(root, inputs)
    if dirty:
        raise CguError.at(
            SourceLocation(dirty[0]),
            f"uncommitted changes in {', '.join(dirty)}: a release is made of committed text; commit them "
            "(or stash them) first, then run cgu release again",
        )
    planned = plan(
        kind,
        declared.releases,
        int(organism.data.get("notice_days", DEFAULT_NOTICE_DAYS)),
        on,
        material,
        summary,
        _date(version, "--version"),
        _date(effective, "--effective"),
    )
    path = root / target
    original = path.read_text(encoding="utf-8")
    try:
        path.write_text(declare(original, target, planned), encoding="utf-8")
        sealed = load_project(root, (organism_id,), (kind,))  # the text as members will read it, dates included
        digest = text_hash(sealed.documents[0])
        path.write_text(declare(original, target, planned, digest), encoding="utf-8")
        refuse_errors(*_reread(root, organism_id, kind))
    except BaseException:
        path.write_text(original, encoding="utf-8")  # refused or interrupted: the file is as it was
        raise
    made = None
    if commit:
        summary_line = planned.summary if len(planned.summary) <= 60 else planned.summary[:57] + "..."
        made = commit_release(
            root,
            target,
            f"Release {planned.version.isoformat()} of the {kind} of {organism_id}"
            f" ({'material' if planned.material else 'form only'}, effective {planned.effective.isoformat()}): "
            f"{summary_line}\n\nsha256 {digest}\n",
        )
    return ReleaseMade(
        organism_id, kind, planned.version, planned.effective, digest, target, made.commit if made else None
    )


def _release_prior(
    root: Path,
    loaded: Project,
    organism_id: str,
    kind: str,
    source: Path,
    summary: str,
    material: bool,
    version: str | None,
    effective: str | None,
    on: dt.date,
    commit: bool,
) -> ReleaseMade:
    """Declare a prior release: the text in `source`, kept at organisms/<id>/prior/<kind>-<version>.md (or where it
    already lies in the organism's folder), sealed with its hash, committed with the declaration."""
    from cgu.commands.check import refuse_errors
    from cgu.release.book import text_hash
    from cgu.release.declare import declare, plan_prior
    from cgu.release.history import commit_release, uncommitted
    from cgu.release.prior import PRIOR_FOLDER, prior_document

    organism = loaded.organisms[organism_id]
    declared = organism.documents[kind]
    target = organism.location.path
    folder = (root / target).parent.resolve()
    day = _date(version, "--version")
    shown = str(source)
    if not source.is_file():
        raise CguError.at(SourceLocation(shown), "no such file: give the Markdown file of the text published then")
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = "not UTF-8 text" if isinstance(error, UnicodeDecodeError) else error.strerror or "unreadable"
        raise CguError.at(SourceLocation(shown), f"cannot read the prior text ({reason})") from None
    resolved = source.resolve()
    if resolved.is_relative_to(folder) and resolved.suffix == ".md":
        kept = resolved  # already in the organism's folder: declared where it lies
    else:
        kept = folder / PRIOR_FOLDER / f"{kind}-{day.isoformat() if day else 'undated'}.md"
    written, relative = kept.relative_to(folder).as_posix(), kept.relative_to(root).as_posix()
    planned = plan_prior(kind, declared.releases, on, material, summary, day, _date(effective, "--effective"), written)
    if kept.exists() and kept.resolve() != resolved and kept.read_bytes() != text.encode("utf-8"):
        raise CguError.at(
            SourceLocation(relative),
            f"{relative} already holds another text: remove it, or give it as --prior if it is the text published then",
        )
    document = prior_document(text, shown, organism, kind, declared_spec(planned, target))
    dirty = uncommitted(root, [target])
    if dirty:
        raise CguError.at(
            SourceLocation(target),
            f"uncommitted changes in {target}: commit (or stash) them first, then run cgu release again",
        )
    digest = text_hash(document)
    path = root / target
    original = path.read_text(encoding="utf-8")
    created = not kept.exists()
    try:
        if created:
            kept.parent.mkdir(parents=True, exist_ok=True)
            kept.write_text(text, encoding="utf-8")
        path.write_text(declare(original, target, planned, digest), encoding="utf-8")
        refuse_errors(*_reread(root, organism_id, kind))
    except BaseException:
        path.write_text(original, encoding="utf-8")  # refused or interrupted: the files are as they were
        if created:
            kept.unlink(missing_ok=True)
        raise
    made = None
    if commit:
        made = commit_release(
            root,
            target,
            f"Prior release {planned.version.isoformat()} of the {kind} of {organism_id} (published before cgu, "
            f"text in {relative}): {planned.summary[:60]}\n\nsha256 {digest}\n",
            (relative,),
        )
    return ReleaseMade(
        organism_id, kind, planned.version, planned.effective, digest, target, made.commit if made else None
    )


def declared_spec(planned: Planned, target: str) -> ReleaseSpec:
    """The release as the organism file will declare it (to read the prior text with its dates)."""
    return ReleaseSpec(
        planned.version, planned.effective, planned.material, planned.summary, SourceLocation(target), None, None
    )


def _shared_list(loaded: Project, organism_id: str, kind: str) -> str:
    """Why a release is not written into a base file's list, and what to do instead.

    A list in a base is the release calendar of every organism extending it: one declaration there is a release of
    each of them, whose texts differ, so no single seal fits it. Moving the list into the organism's own file would
    be worse: each earlier release would then be composed from the commit that moved it (a release is composed from
    the oldest commit whose file declares it), changing the texts, hashes and receipts members already have.
    """
    shared = loaded.organisms[organism_id].documents[kind].releases[-1].location.path
    sharers = sorted(
        o.id
        for o in loaded.organisms.values()
        if not o.abstract and kind in o.documents and o.documents[kind].releases
        if o.documents[kind].releases[-1].location.path == shared
    )
    return (
        f"the releases of the {kind} of {organism_id} are declared in {shared}, shared by {', '.join(sharers)}: "
        "a release there is a release of each of them, and one seal cannot fit their different texts, so cgu release "
        f"does not write it. If it is a release of all of them, add it by hand at the end of that list (without "
        f"sha256) and commit; do not move the list into {loaded.organisms[organism_id].location.path}, where the "
        "earlier releases would be composed again from the moving commit and change"
    )


def _reread(root: Path, organism_id: str, kind: str) -> tuple[Project, ReleaseBook]:
    """The project with the new declaration in place, and its release book: what check would say of it."""
    from cgu.release.book import read_book
    from cgu.release.history import History

    loaded = load_project(root, (organism_id,), (kind,))
    return loaded, read_book(loaded, History(root))


def _date(value: str | None, option: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CguError.at(SourceLocation(option), f"{value!r} is not a date; give it as YYYY-MM-DD") from None


def report(made: ReleaseMade) -> str:
    """What `cgu release` prints."""
    where = f"committed as {made.commit[:10]}" if made.commit else "not committed (--no-commit): commit it to publish"
    return (
        f"release {made.version.isoformat()} of the {made.kind} of {made.organism} declared in {made.file}, "
        f"effective {made.effective.isoformat()}, sealed sha256 {made.sha256[:12]}…, {where}"
    )
