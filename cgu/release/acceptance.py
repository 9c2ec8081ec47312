"""Re-acceptance: what a member portal reads (versions.json) and the check of acceptance receipts."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from cgu.errors import CguError, printable
from cgu.model import DOCUMENT_KINDS, Document, Organism, Problem, Release, SourceLocation
from cgu.release.book import ReleaseBook, text_hash

if TYPE_CHECKING:
    from cgu.release.lifecycle import Lifecycle, Told

RECEIPT_KEYS = ("organism", "document", "release", "sha256", "timestamp")


def redline_name(old: Release, new_version: str) -> str:
    """File stem of the redline from a release to a later one (`redline-2024-03-01-to-2024-06-01`)."""
    return f"redline-{old.spec.version.isoformat()}-to-{new_version}"


def reaccept_needed(releases: list[Release], accepted: Release) -> bool:
    """Whether a member who accepted `accepted` must accept again: a material release came after it."""
    return any(r.spec.material for r in releases if r.spec.version > accepted.spec.version)


def withdrawal_json(release: Release) -> dict[str, str]:
    """A withdrawn release's withdrawal as versions.json and changelog.json give it: from when, and why."""
    withdrawal = release.spec.withdrawn
    assert withdrawal is not None
    return {"on": withdrawal.on.isoformat(), "reason": withdrawal.reason}


def draft_pending(document: Document, newest: Release) -> bool:
    """Whether the working tree's page is not the newest release published on the day (changed since, or released
    but not yet published): a draft, marked in the writer's build, never on the published site."""
    if newest.document.language != document.organism.source_language:  # a translation: its own text, not the seal
        return document.draft or text_hash(document) != text_hash(newest.document)
    return document.draft or text_hash(document) != newest.sha256


def versions_json(
    organism: Organism,
    kind: str,
    releases: list[Release],
    current: Document,
    day: dt.date | None = None,
    told: Told[Release] | None = None,
    language: str = "",
) -> str:
    """What a member portal reads: the newest release not withdrawn (`current`, null when all are), the one in force
    on `day` and those coming, and for each earlier one whether to re-accept and the redline; a release withdrawn by
    `day` is listed with its `withdrawn` (`on`, `reason`), and never as current, in force or coming.

    Only releases published on `day` (`told`: the site's ledger on the published site) are listed: a portal must
    never ask a member to accept a draft. Notice periods and `published` count from the same days. `language`, for
    an organism in several languages: the language of the texts it lists (their `sha256` is the source text's seal,
    which ties each translation to its release).
    """
    from cgu.release.lifecycle import lifecycle, today

    state = lifecycle(releases, day or today(), told)
    releases = list(state.published)
    if not releases:
        raise ValueError(f"{organism.id} {kind} has no published release")
    standing = list(state.standing)
    latest = state.current
    data = {
        **({"language": language} if language else {}),
        "organism": organism.id,
        "document": kind,
        # The newest release not withdrawn: the one a member may be asked to accept (None: every one is withdrawn).
        "current": None
        if latest is None
        else {
            "version": latest.spec.version.isoformat(),
            "effective": latest.spec.effective.isoformat(),
            "sha256": latest.sha256,
            # The built page is not the newest release published on `day` (changed since, or released later).
            "draft_pending": draft_pending(current, latest),
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
                "published": state.told_of(r).isoformat(),
                "reaccept": reaccept_needed(standing, r),
                "redline_to_current": None
                if latest is None or r.spec.version >= latest.spec.version  # a later one can only be withdrawn
                else f"{redline_name(r, latest.spec.version.isoformat())}.html",
            }
            | ({"withdrawn": withdrawal_json(r)} if state.withdrawn(r) else {})
            for r in releases
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


_RECEIPT_FIELDS = {
    "organism": (re.compile(r"[a-z0-9][a-z0-9-]{0,79}"), "an organism id (lower-case letters, digits and '-')"),
    "document": (re.compile("|".join(DOCUMENT_KINDS)), " or ".join(DOCUMENT_KINDS)),
    "release": (re.compile(r"\d{4}-\d{2}-\d{2}"), "a release's version date (YYYY-MM-DD)"),
    "sha256": (re.compile(r"[0-9a-fA-F]{64}"), "64 hexadecimal digits (the release's SHA-256)"),
    "timestamp": (
        re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})"),
        "an ISO 8601 timestamp with its time zone (2025-02-01T09:30:00+01:00)",
    ),
}
"""What each field of a receipt must look like: it is checked, and only then printed (no escape sequence can show)."""
LARGEST_OFFSET = dt.timedelta(hours=14)
"""Time zones in use run from -12:00 to +14:00, in quarter hours: any other offset shifts the date by hand."""
CLOCK_SKEW = dt.timedelta(days=1)
"""A receipt may be stamped by a portal whose clock runs a little ahead; one dated later than that is refused."""


def read_receipt(receipt: Path) -> dict[str, str]:
    """A receipt's five fields, each checked for its shape, or an error naming the file and the field."""
    from cgu.load.files import read_text

    shown = str(receipt)
    where = SourceLocation(printable(shown))
    try:
        data = json.loads(read_text(receipt, shown), parse_constant=_not_json)
        fields = {key: data[key] for key in RECEIPT_KEYS}
    except (ValueError, KeyError, TypeError, RecursionError) as error:  # RecursionError: JSON nested thousands deep
        raise CguError.at(
            where,
            "not a receipt: it needs organism, document, release, sha256 and an "
            f"ISO 8601 timestamp ({type(error).__name__}: {printable(str(error))[:200]})",
        ) from None
    for key, (shape, what) in _RECEIPT_FIELDS.items():
        if not isinstance(fields[key], str) or not shape.fullmatch(fields[key]):
            raise CguError.at(
                where,
                f"not a receipt: {key!r} must be {what}, not {printable(repr(fields[key]))[:100]}",
            )
    try:
        accepted = dt.datetime.fromisoformat(fields["timestamp"])
        dt.date.fromisoformat(fields["release"])
    except ValueError as error:
        raise CguError.at(where, f"not a receipt: {error}") from None
    offset = accepted.utcoffset() or dt.timedelta(0)
    if not -dt.timedelta(hours=12) <= offset <= LARGEST_OFFSET or offset % dt.timedelta(minutes=15):
        raise CguError.at(
            where,
            f"the receipt's time zone {fields['timestamp'][-6:]} is not one in use "
            "(offsets run from -12:00 to +14:00 in quarter hours); the portal must stamp the member's real zone or Z",
        )
    return {**fields, "sha256": fields["sha256"].lower()}


def _not_json(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def accepted_at(fields: dict[str, str], release: Release, shown: SourceLocation) -> dt.datetime:
    """The moment of acceptance, refused when it is in the future or before the release's version date."""
    accepted = dt.datetime.fromisoformat(fields["timestamp"])
    if accepted > dt.datetime.now(dt.UTC) + CLOCK_SKEW:
        raise CguError.at(
            shown,
            f"accepted on {fields['timestamp']}, which is in the future; a receipt is stamped when a member accepts",
        )
    if accepted.date() < release.spec.version:  # the date where the member was, in a zone in use
        raise CguError.at(shown, f"accepted on {fields['timestamp']}, before release {fields['release']} existed")
    return accepted


def release_errors(release: Release, problems: list[Problem]) -> list[Problem]:
    """The errors `cgu check` reports on this release's declaration, but a rewrite its seal already answers."""
    return [
        p
        for p in problems
        if p.severity == "error"
        and p.location == release.spec.location
        and not (p.rule == "release-immutable" and release.spec.sha256)
    ]


def verify_receipt(root: Path, receipt: Path, day: dt.date | None = None, told: Told[Release] | None = None) -> str:
    """Check that an acceptance receipt names a release published on `day` (default: the run's today; `told`: the
    published site's ledger, else the git history's dates) with exactly that hash; returns a confirmation saying
    whether it still binds the member on that day.

    A sealed release is checked against its seal (what was reviewed and published), never against a text rebuilt
    from a history that may have been rewritten since; a release with other release errors verifies nothing.
    """
    from cgu.project import load_project
    from cgu.release.book import read_book
    from cgu.release.history import History

    shown = SourceLocation(printable(str(receipt)))
    fields = read_receipt(receipt)
    organism_id, kind = fields["organism"], fields["document"]
    project = load_project(root, (organism_id,), (kind,))
    if not project.documents:
        raise CguError.at(shown, f"{organism_id} has no {kind} document")
    return check_receipt(read_book(project, History(project.root)), fields, shown, day, told)


def check_receipt(
    book: ReleaseBook,
    fields: dict[str, str],
    shown: SourceLocation,
    day: dt.date | None = None,
    told: Told[Release] | None = None,
) -> str:
    """A receipt's fields checked against the release book: the release is published on `day` (default: the run's
    today; `told` as for `lifecycle`), with exactly that hash."""
    from cgu.release.lifecycle import lifecycle, today

    organism_id, kind, version, digest = fields["organism"], fields["document"], fields["release"], fields["sha256"]
    if book.unavailable:
        raise CguError.at(shown, f"cannot verify without the git history ({book.unavailable})")
    entry = book.of(organism_id, kind)
    state = lifecycle(entry.releases, day or today(), told)
    releases, problems = list(state.published), list(entry.problems)
    match = next((r for r in releases if r.spec.version.isoformat() == version), None)
    if match is None:
        known = ", ".join(r.spec.version.isoformat() for r in releases) or "none"
        raise CguError.at(shown, f"{organism_id} {kind} has no published release {version}; published: {known}")
    if errors := release_errors(match, problems):
        raise CguError.at(
            shown,
            f"release {version} of the {kind} has release errors ({', '.join(sorted({str(p.rule) for p in errors}))}), "
            "so no receipt for it can be verified; fix them first (cgu check)",
        )
    expected = match.spec.sha256 or match.sha256
    if expected != digest:
        sealed = " sealed" if match.spec.sha256 else ""
        raise CguError.at(
            shown,
            f"the receipt's sha256 {digest[:12]}… is not the{sealed} hash of release {version} ({expected[:12]}…)",
        )
    accepted_at(fields, match, shown)
    status = acceptance_status(state, match)
    rewritten = " (history rewritten since: the seal decides; see cgu check)" if match.sha256 != expected else ""
    return f"valid: {organism_id} {kind} release {version} accepted on {fields['timestamp']} ({status}){rewritten}"


def acceptance_status(state: Lifecycle[Release], accepted: Release) -> str:
    """What a member who accepted `accepted` must do on the lifecycle's day, and which release is in force.

    Re-acceptance is required only once a material release after it has taken effect: during the notice period the
    accepted terms still bind, and the member is told what is coming and from when.
    """
    in_force = state.in_force.spec.version.isoformat() if state.in_force else "none yet"
    coming = state.material_since(accepted)
    if state.withdrawn(accepted) and accepted.spec.withdrawn is not None:
        then = "the release in force binds instead" if state.in_force else "no release is in force"
        status = f"withdrawn on {accepted.spec.withdrawn.on.isoformat()} ({accepted.spec.withdrawn.reason}): {then}"
    elif not state.binding_on(accepted):
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
