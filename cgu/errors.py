"""User-facing errors: every one names its source, and several are reported at once."""

from __future__ import annotations

import errno
import re
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import click

from cgu.articles import Problem, SourceLocation

_UNPRINTABLE = r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]"
"""Characters a terminal or a log reader acts on or hides: controls (escape sequences, line breaks), bidirectional
marks and overrides, zero-width characters, line and paragraph separators. Compiled when a message is first printed
(`re`'s cache), as `_WORKFLOW_COMMAND`: a command that succeeds prints none."""
_WORKFLOW_COMMAND = r"\s*(::|##\[)"
"""GitHub Actions reads a log line starting (after spaces) with `::` or `##[` as a command (set a variable, mask...)."""


def printable(text: str) -> str:
    """`text` with each character a terminal could act on written as an escape (\\x1b, \\n, \\u202e): shown, inert."""
    return re.sub(_UNPRINTABLE, lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


def counted(count: int, noun: str, plural: str = "") -> str:
    """`count` and its noun as a message says them: "1 file", "2 files", "0 files"; `plural` when it is not `noun`
    + "s" ("1 fact to complete", "2 facts to complete")."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def diagnostic_line(text: str) -> str:
    """One line of a diagnostic as printed: escaped as `printable`, one physical line, never a CI workflow command."""
    line = printable(text)
    if command := re.match(_WORKFLOW_COMMAND, line):
        line = line[: command.start(1)] + "\\x" + f"{ord(line[command.start(1)]):02x}" + line[command.start(1) + 1 :]
    return line


class CguError(click.ClickException):
    """A failure the user can fix; printed as `path:line: message`, never as a traceback."""

    exit_code = 1

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(diagnostic_line(str(p)) for p in self.problems))

    @classmethod
    def at(cls, location: SourceLocation, message: str, organism: str | None = None) -> CguError:
        """A single problem at one location."""
        return cls([Problem(location, message, organism)])

    def format_message(self) -> str:
        return self.message

    def show(self, file: IO[Any] | None = None) -> None:
        errors = sum(1 for p in self.problems if p.severity == "error")
        if not self.problems:
            return  # the problems were already printed (legal findings)
        for problem in self.problems:
            click.echo(diagnostic_line(str(problem)), file=file, err=True)
        if errors > 1:
            click.echo(f"{errors} errors; nothing was written.", file=file, err=True)


class Problems:
    """Collects problems across a whole stage so that every one is reported, then raises once."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, location: SourceLocation, message: str, organism: str | None = None) -> None:
        self.items.append(Problem(location, message, organism))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    def raise_if_any(self) -> None:
        """Raise a CguError carrying every error collected so far, in file order."""
        if self.errors:
            raise CguError(sorted(merge_organisms(self.errors), key=_order))


def _order(problem: Problem) -> tuple[str, int, str]:
    return (problem.location.path, problem.location.line or 0, problem.message)


def merge_organisms(problems: list[Problem]) -> list[Problem]:
    """One line for a problem that several organisms share (a base file, a library clause)."""
    grouped: dict[tuple[SourceLocation, str, str, str | None], list[str]] = {}
    for p in problems:
        names = grouped.setdefault((p.location, p.message, p.severity, p.rule), [])
        if p.organism and p.organism not in names:
            names.append(p.organism)
    merged = []
    for (location, message, severity, rule), names in grouped.items():
        organism = ", ".join(sorted(names)) if names else None
        merged.append(Problem(location, message, organism, severity, rule))
    return merged


DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
"""A full disk, a full quota, or a file over the size limit the system sets (`ulimit -f`)."""


class Commands(click.Group):
    """The `cgu` command group: a full disk met outside the output writer, which says so itself (a temporary file of
    WeasyPrint or of the history export, a file a command writes in the project), is one message, not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OSError as exc:
            if exc.errno not in DISK_FULL:
                raise
            raise disk_full(exc) from None


def disk_full(exc: OSError) -> CguError:
    """The message for a write refused for lack of space: the file when it is known, else the temporary folder."""
    from cgu.scratch import temporary_folder

    reason = exc.strerror or str(exc)
    temporary = temporary_folder()
    if exc.filename is None or Path(str(exc.filename)).is_relative_to(temporary):
        return CguError.at(
            SourceLocation(printable(str(temporary))),
            f"cannot write a temporary file: {reason}; the output folder is unchanged; "
            + room_to_write(exc, " (or point TMPDIR at a folder on a larger one)"),
        )
    return CguError.at(
        SourceLocation(printable(str(exc.filename))), f"cannot write this file: {reason}; {room_to_write(exc)}"
    )


def room_to_write(exc: OSError, elsewhere: str = "") -> str:
    """What to do about a write refused for lack of room."""
    if exc.errno == errno.EFBIG:
        return "a file is over the size limit set for this process (ulimit -f): raise it and run again"
    return f"free some space on its disk{elsewhere} and run again"
