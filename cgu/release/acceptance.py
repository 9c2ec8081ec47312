"""Re-acceptance: what a member portal reads (versions.json) and the check of acceptance receipts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

from cgu.errors import CguError
from cgu.model import Document, Organism, Release, SourceLocation
from cgu.release.book import ReleaseBook, text_hash

if TYPE_CHECKING:
    from cgu.release.lifecycle import Lifecycle

RECEIPT_KEYS = ("organism", "document", "release", "sha256", "timestamp")


def redline_name(old: Release, new_version: str) -> str:
    """File stem of the redline from a release to a later one (`redline-2024-03-01-to-2024-06-01`)."""
    return f"redline-{old.spec.version.isoformat()}-to-{new_version}"


def reaccept_needed(releases: list[Release], accepted: Release) -> bool:
    """Whether a member who accepted `accepted` must accept again: a material release came after it."""
    return any(r.spec.material for r in releases if r.spec.version > accepted.spec.version)


def versions_json(
    organism: Organism, kind: str, releases: list[Release], current: Document, day: dt.date | None = None
) -> str:
    """What a member portal reads: the newest release (`current`), the one in force on `day` and those coming, and for
    each earlier one whether to re-accept and the redline.

    Only releases published on `day` (committed, version date reached) are listed: a portal must never ask a member
    to accept a draft.
    """
    from cgu.release.lifecycle import lifecycle, today

    state = lifecycle(releases, day or today())
    releases = list(state.published)
    if not releases:
        raise ValueError(f"{organism.id} {kind} has no published release")
    latest = releases[-1]
    data = {
        "organism": organism.id,
        "document": kind,
        "current": {
            "version": latest.spec.version.isoformat(),
            "effective": latest.spec.effective.isoformat(),
            "sha256": latest.sha256,
            # The built page is not the newest release published on `day` (changed since, or released later).
            "draft_pending": current.draft or text_hash(current) != latest.sha256,
        },
        "day": state.day.isoformat(),
        "state": state.state,
        "in_force": None
        if state.in_force is None
        else {
            "version": state.in_force.spec.version.isoformat(),
            "effective": state.in_force.spec.effective.isoformat(),
        },
        "upcoming": [
            {
                "version": r.spec.version.isoformat(),
                "effective": r.spec.effective.isoformat(),
                "material": r.spec.material,
                "summary": r.spec.summary,
                "notice_start": state.notice(r).start.isoformat(),
                "reaccept_from": r.spec.effective.isoformat() if r.spec.material else None,
                "redline_from_in_force": None
                if state.in_force is None
                else f"{redline_name(state.in_force, r.spec.version.isoformat())}.html",
            }
            for r in state.upcoming
        ],
        "releases": [
            {
                "version": r.spec.version.isoformat(),
                "effective": r.spec.effective.isoformat(),
                "material": r.spec.material,
                "sha256": r.sha256,
                "commit": r.commit,
                "published": r.published.date().isoformat() if r.published else None,
                "reaccept": reaccept_needed(releases, r),
                "redline_to_current": None
                if r is latest
                else f"{redline_name(r, latest.spec.version.isoformat())}.html",
            }
            for r in releases
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def read_receipt(receipt: Path) -> dict[str, str]:
    """A receipt's five fields as strings, or an error naming the file."""
    from cgu.load.files import read_text

    shown = str(receipt)
    try:
        data = json.loads(read_text(receipt, shown))
        fields = {key: str(data[key]) for key in RECEIPT_KEYS}
        dt.datetime.fromisoformat(fields["timestamp"])
    except (ValueError, KeyError, TypeError, RecursionError) as error:  # RecursionError: JSON nested thousands deep
        raise CguError.at(
            SourceLocation(shown),
            "not a receipt: it needs organism, document, release, sha256 and an "
            f"ISO 8601 timestamp ({type(error).__name__}: {error})",
        ) from None
    return fields


def verify_receipt(root: Path, receipt: Path, day: dt.date | None = None) -> str:
    """Check that an acceptance receipt names a release published on `day` (default: the run's today) with exactly
    that hash; returns a confirmation saying whether it still binds the member on that day."""
    from cgu.project import load_project
    from cgu.release.book import read_book
    from cgu.release.history import History

    shown = SourceLocation(str(receipt))
    fields = read_receipt(receipt)
    organism_id, kind = fields["organism"], fields["document"]
    project = load_project(root, (organism_id,), (kind,))
    if not project.documents:
        raise CguError.at(shown, f"{organism_id} has no {kind} document")
    return check_receipt(read_book(project, History(project.root)), fields, shown, day)


def check_receipt(book: ReleaseBook, fields: dict[str, str], shown: SourceLocation, day: dt.date | None = None) -> str:
    """A receipt's fields checked against the release book: the release is published on `day` (default: the run's
    today), with exactly that hash."""
    from cgu.release.lifecycle import lifecycle, today

    organism_id, kind, version, digest = fields["organism"], fields["document"], fields["release"], fields["sha256"]
    if book.unavailable:
        raise CguError.at(shown, f"cannot verify without the git history ({book.unavailable})")
    state = lifecycle(book.of(organism_id, kind).releases, day or today())
    releases = list(state.published)
    match = next((r for r in releases if r.spec.version.isoformat() == version), None)
    if match is None:
        known = ", ".join(r.spec.version.isoformat() for r in releases) or "none"
        raise CguError.at(shown, f"{organism_id} {kind} has no published release {version}; published: {known}")
    if match.sha256 != digest:
        raise CguError.at(
            shown, f"the receipt's sha256 {digest[:12]}… is not the hash of release {version} ({match.sha256[:12]}…)"
        )
    accepted = dt.datetime.fromisoformat(fields["timestamp"])
    if accepted.date() < match.spec.version:
        raise CguError.at(shown, f"accepted on {fields['timestamp']}, before release {version} existed")
    status = acceptance_status(state, match)
    return f"valid: {organism_id} {kind} release {version} accepted on {fields['timestamp']} ({status})"


def acceptance_status(state: Lifecycle[Release], accepted: Release) -> str:
    """What a member who accepted `accepted` must do on the lifecycle's day, and which release is in force.

    Re-acceptance is required only once a material release after it has taken effect: during the notice period the
    accepted terms still bind, and the member is told what is coming and from when.
    """
    in_force = state.in_force.spec.version.isoformat() if state.in_force else "none yet"
    coming = state.material_since(accepted)
    if not state.binding_on(accepted):
        status = "re-acceptance required"
    elif coming:
        status = (
            f"no re-acceptance needed before {coming[0].spec.effective.isoformat()}, when material release "
            f"{coming[0].spec.version.isoformat()} takes effect"
        )
    elif accepted is state.in_force:
        status = "current"
    elif accepted in state.upcoming:
        status = f"accepted ahead: it takes effect on {accepted.spec.effective.isoformat()}"
    else:
        status = "no re-acceptance needed"
    return f"{status}; current release {in_force}"
