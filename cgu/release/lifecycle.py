"""A document's releases on a given day: the one in force, the ones coming (with their notice period), or a draft only.

Pure: no git, no clock of its own. "Today" is chosen once per run (`--date`, else `SOURCE_DATE_EPOCH`, else the
real date) so that a CI build, a test and a member's page all say the same thing about the same day.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from cgu.errors import CguError
from cgu.model import ReleaseSpec, SourceLocation

IN_FORCE, UPCOMING, DRAFT = "in-force", "upcoming", "draft"
"""A document's state on a day, as `versions.json` and `cgu verify-receipt` name it."""


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


def is_published(release: Declared, day: dt.date) -> bool:
    """Published on `day`: its declaration is committed and its version date has come (it may be prepared ahead)."""
    return release.commit is not None and release.spec.version <= day


def publication_date(release: Declared) -> dt.date:
    """The day members were told: the later of the version date and the day the declaration was committed."""
    committed = release.published.date() if release.published else release.spec.version
    return max(release.spec.version, committed)


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
    """Declared releases not published on `day` (uncommitted, or dated later)."""

    @property
    def state(self) -> str:
        """`in-force` (something binds members), `upcoming` (only releases still in their notice period), or `draft`."""
        if self.in_force is not None:
            return IN_FORCE
        return UPCOMING if self.upcoming else DRAFT

    @property
    def next(self) -> R | None:
        """The next release to take effect, if any."""
        return self.upcoming[0] if self.upcoming else None

    def notice(self, release: R) -> Notice:
        """`release`'s notice period: from its publication to its effective date."""
        return Notice(publication_date(release), release.spec.effective)

    def binding_on(self, accepted: R) -> bool:
        """Whether the release a member accepted still binds them today: no material release took effect after it."""
        return not self.material_since(accepted, effective_only=True)

    def material_since(self, accepted: R, effective_only: bool = False) -> list[R]:
        """Material published releases after `accepted`, oldest first; with `effective_only`, those in force by now."""
        return [
            r
            for r in self.published
            if r.spec.version > accepted.spec.version
            and r.spec.material
            and (not effective_only or r.spec.effective <= self.day)
        ]


def lifecycle(releases: Sequence[R], day: dt.date) -> Lifecycle[R]:
    """The state of a document's `releases` (oldest first, as declared) on `day`."""
    published = tuple(r for r in releases if is_published(r, day))
    effective = [r for r in published if r.spec.effective <= day]
    in_force = max(effective, key=lambda r: (r.spec.effective, r.spec.version)) if effective else None
    upcoming = tuple(
        sorted((r for r in published if r.spec.effective > day), key=lambda r: (r.spec.effective, r.spec.version))
    )
    drafts = tuple(r for r in releases if not is_published(r, day))
    return Lifecycle(day, published, in_force, upcoming, drafts)
