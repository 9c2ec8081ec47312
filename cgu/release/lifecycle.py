"""A document's releases on a given day: the one in force, the ones coming (with their notice period), or a draft only.

Pure: no git, no clock of its own. "Today" is chosen once per run (`--date`, else `SOURCE_DATE_EPOCH`, else the
real date) so that a CI build, a test and a member's page all say the same thing about the same day.

One truth for "published": the day members were told of a release is given by the caller (`told`), the same for
every answer of a run. On the published site it is the ledger's first publication (cgu/site/ledger.py); without a
ledger (`cgu check`, a writer's build) it is what a first publication would record (`told_by_history`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from cgu.errors import CguError
from cgu.model import ReleaseSpec, SourceLocation

IN_FORCE, UPCOMING, DRAFT, WITHDRAWN = "in-force", "upcoming", "draft", "withdrawn"
"""A document's state on a day, as `versions.json` and `cgu verify-receipt` name it (`withdrawn`: releases were
published, and every one of them is withdrawn by then, so none binds members)."""


class Declared(Protocol):
    """What the lifecycle reads of a release: its declaration, and whether (and when) its commit published it."""

    @property
    def spec(self) -> ReleaseSpec: ...

    @property
    def commit(self) -> str | None: ...

    @property
    def published(self) -> dt.datetime | None: ...


R = TypeVar("R", bound=Declared)


def today(given: str | None = None, environ: Mapping[str, str] = os.environ) -> dt.date:
    """The run's "today": `--date YYYY-MM-DD` if given, else the UTC day of `SOURCE_DATE_EPOCH`, else the real date."""
    if given:
        try:
            return dt.date.fromisoformat(given)
        except ValueError:
            raise CguError.at(
                SourceLocation("--date"), f"{given!r} is not a date; give it as YYYY-MM-DD, e.g. 2027-01-01"
            ) from None
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise CguError.at(
                SourceLocation("SOURCE_DATE_EPOCH"),
                f"{epoch!r} is not a number of seconds since 1970; set it to an integer or unset it",
            )
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date.today()


def told_by_history(release: Declared) -> dt.date | None:
    """The day members were told of a release when no ledger says it: the later of its version date (a release may be
    prepared ahead) and the day its declaration was committed, as a first publication records it; None while its
    declaration is not committed (a draft)."""
    if release.commit is None:
        return None
    committed = release.published.date() if release.published else release.spec.version
    return max(release.spec.version, committed)


Told = Callable[[R], dt.date | None]
"""The day members were first told of a release (None: never published), as one run decides it for every answer."""


@dataclass(frozen=True)
class Notice:
    """The period between a release's publication and the day it takes effect."""

    start: dt.date
    end: dt.date
    """The effective date: the first day the release binds."""

    @property
    def days(self) -> int:
        return (self.end - self.start).days


@dataclass(frozen=True)
class Lifecycle(Generic[R]):
    """One document on one day."""

    day: dt.date
    published: tuple[R, ...]
    """Releases published on `day`, oldest first: what members may be shown."""
    in_force: R | None
    """The newest published release whose effective date has come."""
    upcoming: tuple[R, ...]
    """Published releases not yet effective, soonest first."""
    drafts: tuple[R, ...]
    """Declared releases not published on `day` (uncommitted, dated later, or not yet on the site)."""
    told: tuple[dt.date, ...] = ()
    """The day members were told of each of `published` (same order): where its notice period starts."""

    @property
    def state(self) -> str:
        """`in-force` (something binds members), `upcoming` (only releases still in their notice period), `withdrawn`
        (every published release is withdrawn), or `draft`."""
        if self.in_force is not None:
            return IN_FORCE
        if self.upcoming:
            return UPCOMING
        return WITHDRAWN if self.published else DRAFT

    def withdrawn(self, release: R) -> bool:
        """Whether `release` is withdrawn on `day` (before its withdrawal date, it is what it was)."""
        return withdrawn_on(release, self.day)

    @property
    def standing(self) -> tuple[R, ...]:
        """The published releases not withdrawn on `day`, oldest first: the ones a member may be asked to accept."""
        return tuple(r for r in self.published if not self.withdrawn(r))

    @property
    def current(self) -> R | None:
        """The newest published release not withdrawn on `day` (None when there is none)."""
        standing = self.standing
        return standing[-1] if standing else None

    @property
    def next(self) -> R | None:
        """The next release to take effect, if any."""
        return self.upcoming[0] if self.upcoming else None

    def notice(self, release: R) -> Notice:
        """`release`'s notice period: from the day members were told of it to its effective date."""
        return Notice(self.told_of(release), release.spec.effective)

    def told_of(self, release: R) -> dt.date:
        """The day members were told of a published release (its first publication)."""
        index = next(i for i, r in enumerate(self.published) if r is release)
        return self.told[index]

    def binding_on(self, accepted: R) -> bool:
        """Whether the release a member accepted still binds them today: no material release took effect after it."""
        return not self.material_since(accepted, effective_only=True)

    def material_since(self, accepted: R, effective_only: bool = False) -> list[R]:
        """Material published releases after `accepted`, oldest first (a withdrawn one asks nothing of members); with
        `effective_only`, those in force by now."""
        return [
            r
            for r in self.standing
            if r.spec.version > accepted.spec.version
            and r.spec.material
            and (not effective_only or r.spec.effective <= self.day)
        ]


def withdrawn_on(release: Declared, day: dt.date) -> bool:
    """Whether `release` is withdrawn on `day`: its entry says `withdrawn` and its withdrawal date has come."""
    withdrawal = release.spec.withdrawn
    return withdrawal is not None and withdrawal.on <= day


def lifecycle(releases: Sequence[R], day: dt.date, told: Told[R] | None = None) -> Lifecycle[R]:
    """The state of a document's `releases` (oldest first, as declared) on `day`: published are those members were
    told of by `day` (`told`, default `told_by_history`). A release withdrawn by `day` stays published (its page and
    its place in the history remain) but is neither in force nor coming: the newest earlier one not withdrawn is in
    force again, or none is."""
    told = told or told_by_history
    dates = [(r, told(r)) for r in releases]
    shown = [(r, d) for r, d in dates if d is not None and d <= day]
    published = tuple(r for r, _ in shown)
    standing = [r for r in published if not withdrawn_on(r, day)]
    effective = [r for r in standing if r.spec.effective <= day]
    in_force = max(effective, key=lambda r: (r.spec.effective, r.spec.version)) if effective else None
    upcoming = tuple(
        sorted((r for r in standing if r.spec.effective > day), key=lambda r: (r.spec.effective, r.spec.version))
    )
    drafts = tuple(r for r in releases if not any(r is p for p in published))
    return Lifecycle(day, published, in_force, upcoming, drafts, tuple(d for _, d in shown))
