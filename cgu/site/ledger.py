"""`published.json`: the day each release FIRST reached the published site, kept from one publication to the next.

What "published" means for the notice period: the day `cgu publish` first put a release on the site members read
(the run's day: CI's clock, or `--date`), not the committer date, which anyone can set. A release that enters the
ledger must give members its full notice from that day; a date already in the ledger never moves. The ledger
comes from the previous site, which `cgu publish` itself wrote: it is read strictly, and an entry dated after the
run's day or of the wrong shape is not believed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from cgu.errors import CguError
from cgu.model import Problem, Release, SourceLocation

if TYPE_CHECKING:
    from cgu.project import Project

LEDGER = "published.json"
MAX_LEDGER_BYTES = 4 * 1024 * 1024

Key = tuple[str, str, str]
"""(organism, kind, version)."""


@dataclass(frozen=True)
class Entry:
    first_published: dt.date
    sha256: str


@dataclass(frozen=True)
class Ledger:
    entries: Mapping[Key, Entry] = field(default_factory=lambda: MappingProxyType({}))

    def first(self, release: Release) -> dt.date | None:
        """The day this release was first published, or None if it never was. Keyed by its version, not its hash: a
        text that changed after publication is `release-immutable`'s to refuse, and a newer cgu composing the same
        release slightly differently must not restart its notice (the recorded sha256 says what was first shown)."""
        found = self.entries.get((release.organism, release.kind, release.spec.version.isoformat()))
        return found.first_published if found is not None else None

    def knows(self, organism: str, kind: str) -> bool:
        """Whether an earlier publication carried any release of this document (else its history is imported)."""
        return any(key[:2] == (organism, kind) for key in self.entries)


def read_ledger(site: Path, day: dt.date) -> Ledger:
    """The ledger of the previous site (an empty one when there is none); entries that cannot be believed are left
    out, so the release counts as published now, which can only lengthen its notice."""
    return _read(site / LEDGER, day)


def _read(path: Path, day: dt.date) -> Ledger:
    if not path.is_file() or path.is_symlink():
        return Ledger()
    if path.stat().st_size > MAX_LEDGER_BYTES:
        raise CguError.at(
            SourceLocation(str(path)),
            f"over {MAX_LEDGER_BYTES // (1024 * 1024)} MB: not a ledger cgu wrote; restore it from the previous "
            "site, or delete it (every release then counts as published today)",
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise CguError.at(
            SourceLocation(str(path)),
            "not valid JSON: restore it from the previous site, or delete it (every release then counts as "
            "published today)",
        ) from None
    entries: dict[Key, Entry] = {}
    for item in data.get("releases", []) if isinstance(data, dict) and isinstance(data.get("releases"), list) else []:
        if not isinstance(item, dict):
            continue
        fields = [item.get(k) for k in ("organism", "document", "version", "first_published", "sha256")]
        if not all(isinstance(v, str) for v in fields):
            continue
        organism, kind, version, first, sha256 = (str(v) for v in fields)
        try:
            first_day = dt.date.fromisoformat(first)
            dt.date.fromisoformat(version)
        except ValueError:
            continue
        if first_day <= day:
            entries[(organism, kind, version)] = Entry(first_day, sha256)
    return Ledger(MappingProxyType(entries))


def publication_day(ledger: Ledger, release: Release, day: dt.date) -> dt.date:
    """The day members were told of `release`: its first publication, or today for one entering the ledger now;
    a document the site never carried brings its history in (the later of its version and commit dates)."""
    first = ledger.first(release)
    if first is not None:
        return first
    if not ledger.knows(release.organism, release.kind):
        committed = release.published.date() if release.published else release.spec.version
        return max(release.spec.version, committed)
    return max(day, release.spec.version)


def told_by(ledger: Ledger, day: dt.date, entering: bool = True) -> Callable[[Release], dt.date | None]:
    """The day members were told of each release, for `lifecycle`, as the site decides it:

    - `entering` (`cgu publish`; a writer's build or `cgu check` with the empty ledger): the ledger's first
      publication, else the day a publication on `day` records for a release published by then (committed, version
      date reached), which is what enters the ledger;
    - not `entering` (`cgu verify-receipt --ledger`, a site as it was left): the ledger's first publication only, so
      a release the site never carried is not published, whatever git says.
    """

    def told(release: Release) -> dt.date | None:
        first = ledger.first(release)
        if first is not None or not entering:
            return first
        if release.commit is None or release.spec.version > day:
            return None
        return publication_day(ledger, release, day)

    return told


def ledger_file(given: Path, day: dt.date) -> Ledger:
    """The ledger named on the command line (`--ledger`): a published site's folder or its published.json."""
    path = (given / LEDGER if given.is_dir() else given).resolve()  # named on purpose: a link to it is followed
    if not path.is_file():
        raise CguError.at(
            SourceLocation(str(given)),
            f"no {LEDGER} there: give the published site's folder or its {LEDGER} (cgu publish writes it)",
        )
    return _read(path, day)


def updated(ledger: Ledger, releases: Iterable[Release], day: dt.date) -> Ledger:
    """The ledger with each published release that is not in it yet, first published on its publication day."""
    entries = dict(ledger.entries)
    for release in releases:
        key = (release.organism, release.kind, release.spec.version.isoformat())
        if ledger.first(release) is None:
            entries[key] = Entry(publication_day(ledger, release, day), release.sha256)
    return Ledger(MappingProxyType(entries))


def ledger_bytes(ledger: Ledger) -> bytes:
    """published.json, byte for byte the same for the same ledger."""
    releases = [
        {
            "organism": organism,
            "document": kind,
            "version": version,
            "first_published": entry.first_published.isoformat(),
            "sha256": entry.sha256,
        }
        for (organism, kind, version), entry in sorted(ledger.entries.items())
    ]
    return (json.dumps({"releases": releases}, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def late_notice(ledger: Ledger, project: Project, releases: Iterable[Release], day: dt.date) -> list[Problem]:
    """`release-notice` for each material release of `releases` (those published on `day`) whose notice, counted
    from its first publication on the site, is too short: what `cgu publish` (and `cgu build --ledger`) refuse."""
    from cgu.release.book import DEFAULT_NOTICE_DAYS
    from cgu.rules.registry import RULES

    notice = {o.id: int(o.data.get("notice_days", DEFAULT_NOTICE_DAYS)) for o in project.organisms.values()}
    return [
        RULES["release-notice"].problem(r.spec.location, m, r.organism)
        for r, m in notice_violations(ledger, releases, day, notice)
    ]


def notice_violations(
    ledger: Ledger, releases: Iterable[Release], day: dt.date, notice_days: Mapping[str, int]
) -> list[tuple[Release, str]]:
    """Each material release (not a document's first) whose effective date comes before its publication day plus
    the organism's notice, with a message naming the days."""
    problems = []
    by_document: dict[tuple[str, str], list[Release]] = {}
    for release in releases:
        by_document.setdefault((release.organism, release.kind), []).append(release)
    for (organism, kind), listed in by_document.items():
        for release in sorted(listed, key=lambda r: r.spec.version)[1:]:
            if not release.spec.material:
                continue
            told = publication_day(ledger, release, day)
            days = notice_days.get(organism, 30)
            earliest = told + dt.timedelta(days=days)
            if release.spec.effective < earliest:
                problems.append(
                    (
                        release,
                        f"release {release.spec.version.isoformat()} of the {kind} of {organism} is first published on "
                        f"{told.isoformat()} ({LEDGER}), so with {days} days' notice it cannot "
                        f"take effect before {earliest.isoformat()}, not {release.spec.effective.isoformat()}: "
                        "declare a new release with a later effective date (cgu release)",
                    )
                )
    return problems
