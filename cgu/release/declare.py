"""`cgu release`'s pure logic: the dates of a new release, and its declaration written into the organism file's text.

No git and no clock here: the command gives "today" and the file's text, and commits what this returns (through
cgu/release/history.py). The text is edited line by line, never re-dumped, so every comment and the file's layout
stay as the writer left them; the result is parsed again and must declare exactly the planned release.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from cgu.errors import CguError
from cgu.load.files import Locations, load_yaml
from cgu.model import ReleaseSpec, SourceLocation


@dataclass(frozen=True)
class Planned:
    """The release `cgu release` is about to declare."""

    kind: str
    version: dt.date
    effective: dt.date
    material: bool
    summary: str
    published_on: dt.date
    """The day members are told (the later of the version date and today): the notice period counts from it."""
    prior: str | None = None
    """A prior release: its file, relative to the organism file's folder (written as the release's `prior:`)."""

    @property
    def label(self) -> str:
        return f"release {self.version.isoformat()} of the {self.kind}"


def plan(
    kind: str,
    previous: tuple[ReleaseSpec, ...],
    notice_days: int,
    today: dt.date,
    material: bool,
    summary: str,
    version: dt.date | None = None,
    effective: dt.date | None = None,
    where: SourceLocation | None = None,
) -> Planned:
    """The new release's dates: `version` defaults to today; `effective` to the first day the notice period allows
    (a material change after a first release: publication + `notice_days`; otherwise the version date)."""
    shown = where or SourceLocation("--version")
    version = version or today
    if not summary.strip():
        raise CguError.at(SourceLocation("--summary"), "say in one sentence what changes, for members: --summary TEXT")
    if previous and version <= previous[-1].version:
        raise CguError.at(
            shown,
            f"the newest release of the {kind} is {previous[-1].version.isoformat()}: a new release needs a later "
            f"version date than that (give --version {(previous[-1].version + dt.timedelta(days=1)).isoformat()} "
            "or later)",
        )
    if version < today:
        raise CguError.at(
            SourceLocation("--version"),
            f"{version.isoformat()} is before today ({today.isoformat()}): a release reaches members on its version "
            "date, which cannot be in the past; leave --version out to release today, or give a later date",
        )
    published_on = max(version, today)
    needs_notice = material and bool(previous)
    earliest = published_on + dt.timedelta(days=notice_days) if needs_notice else version
    effective = effective or earliest
    _not_before_version(effective, version)
    if effective < earliest:
        raise CguError.at(
            SourceLocation("--effective"),
            f"release {version.isoformat()} of the {kind} needs re-acceptance, so it cannot take effect before "
            f"{earliest.isoformat()} (published {published_on.isoformat()} + {notice_days} days' notice); give "
            f"--effective {earliest.isoformat()} or later (or --form if members need not re-accept it)",
        )
    return Planned(kind, version, effective, material, summary.strip(), published_on)


def plan_prior(
    kind: str,
    previous: tuple[ReleaseSpec, ...],
    today: dt.date,
    material: bool,
    summary: str,
    version: dt.date | None,
    effective: dt.date | None,
    prior: str,
) -> Planned:
    """A prior release's dates: the day the organism published that text (given, today or earlier), effective by
    default the same day; it comes after the document's other prior releases and before any composed one."""
    if not summary.strip():
        raise CguError.at(SourceLocation("--summary"), "say in one sentence what that version was: --summary TEXT")
    if version is None:
        raise CguError.at(
            SourceLocation("--version"),
            "a prior release needs the day the organism published that text: give --version YYYY-MM-DD",
        )
    if version > today:
        raise CguError.at(
            SourceLocation("--version"),
            f"{version.isoformat()} is after today ({today.isoformat()}): a prior release is a text already "
            "published; for a new text, leave out --prior",
        )
    composed = [r for r in previous if r.prior is None]
    if composed:
        raise CguError.at(
            composed[0].location,
            f"the {kind} already has release {composed[0].version.isoformat()}, composed from the clauses: a prior "
            "release comes before every other one; declare it by hand before that release if it is older",
        )
    if previous and version <= previous[-1].version:
        raise CguError.at(
            SourceLocation("--version"),
            f"the newest prior release of the {kind} is {previous[-1].version.isoformat()}: declare older ones first "
            "(oldest first), each with a later version date than the one before",
        )
    effective = effective or version
    _not_before_version(effective, version)
    return Planned(kind, version, effective, material, summary.strip(), version, prior)


def _not_before_version(effective: dt.date, version: dt.date) -> None:
    if effective < version:
        raise CguError.at(
            SourceLocation("--effective"),
            f"{effective.isoformat()} is before the version date {version.isoformat()}: a release cannot take "
            "effect before members can read it",
        )


def declare(text: str, shown: str, planned: Planned, sha256: str | None = None) -> str:
    """`text` (an organism file declaring `documents.<kind>`) with the release appended to `documents.<kind>.releases`
    (the list is created when the document has none), and the document's own `version`/`effective` set to it."""
    data, locations = load_yaml(text, shown)
    kind = planned.kind
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    documents = data.get("documents") if isinstance(data, dict) else None
    spec = documents.get(kind) if isinstance(documents, dict) else None
    if not isinstance(spec, dict):  # the document comes from a base: this organism's own releases start here
        dates = [f"version: {planned.version.isoformat()}", f"effective: {planned.effective.isoformat()}"]
        if isinstance(documents, dict):
            at = _block_end(lines, _line(locations, "documents"), 0)
            block = [f"  {kind}:\n"] + [f"    {d}\n" for d in dates] + ["    releases:\n"]
        else:
            at = len(lines)
            block = ["documents:\n", f"  {kind}:\n"] + [f"    {d}\n" for d in dates] + ["    releases:\n"]
        lines[at:at] = block + _item(planned, sha256, 6, flow=False)
        result = "".join(lines)
        _check_written(result, shown, planned, sha256)
        return result
    for key, value in (("version", planned.version), ("effective", planned.effective)):
        # Kept (the writer wrote them) but in step with the newest release (rule release-dates); a prior text is
        # older than the working text, which keeps its own dates.
        if key in spec and not planned.prior:
            index = _line(locations, f"documents.{kind}.{key}")
            lines[index] = re.sub(rf"({key}\s*:\s*)[^\s#]+", rf"\g<1>{value.isoformat()}", lines[index], count=1)
    releases = spec.get("releases") or []
    if releases:
        last = _line(locations, f"documents.{kind}.releases.{len(releases) - 1}")
        dash = lines[last].index("-")
        flow = lines[last][dash + 1 :].lstrip().startswith("{")
        at = _block_end(lines, last, dash)
        lines[at:at] = _item(planned, sha256, dash, flow)
    else:
        document = _line(locations, f"documents.{kind}")
        indent = len(lines[document]) - len(lines[document].lstrip())
        if "releases" in spec:  # `releases: []` or an empty key: replaced by the list
            index = _line(locations, f"documents.{kind}.releases")
            child = len(lines[index]) - len(lines[index].lstrip())
            lines[index : _block_end(lines, index, child)] = [" " * child + "releases:\n"]
            at = index + 1
        else:
            child = _child_indent(lines, document, indent)
            at = _block_end(lines, document, indent)
            lines[at:at] = [" " * child + "releases:\n"]
            at += 1
        lines[at:at] = _item(planned, sha256, child + 2, flow=False)
    result = "".join(lines)
    _check_written(result, shown, planned, sha256)
    return result


def _line(locations: Locations, path: str) -> int:
    line = locations[path].line
    assert line is not None
    return line - 1


def _child_indent(lines: list[str], start: int, indent: int) -> int:
    """The indentation of the keys inside the mapping opened at `start`."""
    for line in lines[start + 1 :]:
        if line.strip() and not line.lstrip().startswith("#"):
            return len(line) - len(line.lstrip())
    return indent + 2


def _block_end(lines: list[str], start: int, indent: int) -> int:
    """The index of the first line after `start` that is back at `indent` or less (comments there belong after)."""
    end = start + 1
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if not line.strip():
            continue
        if len(line) - len(line.lstrip()) <= indent:
            break
        end = index + 1
    return end


def _item(planned: Planned, sha256: str | None, dash: int, flow: bool) -> list[str]:
    fields = [
        ("version", planned.version.isoformat()),
        ("effective", planned.effective.isoformat()),
        ("material", "true" if planned.material else "false"),
        ("summary", json.dumps(planned.summary, ensure_ascii=False)),
    ]
    if planned.prior:
        fields.append(("prior", json.dumps(planned.prior, ensure_ascii=False)))
    if sha256:
        fields.append(("sha256", sha256))
    pad = " " * dash
    if flow:
        return [pad + "- {" + ", ".join(f"{k}: {v}" for k, v in fields) + "}\n"]
    first, *rest = fields
    return [f"{pad}- {first[0]}: {first[1]}\n"] + [f"{pad}  {k}: {v}\n" for k, v in rest]


def _check_written(text: str, shown: str, planned: Planned, sha256: str | None) -> None:
    """The edited file must parse and declare exactly the planned release as its newest one."""
    problem = "the file's layout is unusual"
    try:
        data, _ = load_yaml(text, shown)
        newest = data["documents"][planned.kind]["releases"][-1]
        expected = {
            "version": planned.version.isoformat(),
            "effective": planned.effective.isoformat(),
            "material": planned.material,
            "summary": planned.summary,
        }
        if sha256:
            expected["sha256"] = sha256
        if planned.prior:
            expected["prior"] = planned.prior
        if {k: newest.get(k) for k in expected} == expected:
            return
    except (CguError, KeyError, IndexError, TypeError, AttributeError) as error:
        problem = str(error)
    raise CguError.at(
        SourceLocation(shown),
        f"cannot write {planned.label} into this file automatically ({problem}); the file is unchanged: "
        f"add it by hand under documents.{planned.kind}.releases",
    )
