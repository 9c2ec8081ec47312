"""User-facing errors: every one names its source, and several are reported at once."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import IO, Any

import click

from cgu.model import Problem, SourceLocation

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
"""Characters a terminal or a log reader acts on or hides: controls (escape sequences, line breaks), bidirectional
marks and overrides, zero-width characters, line and paragraph separators."""
_WORKFLOW_COMMAND = re.compile(r"\s*(::|##\[)")
"""GitHub Actions reads a log line starting (after spaces) with `::` or `##[` as a command (set a variable, mask...)."""


def printable(text: str) -> str:
    """`text` with each character a terminal could act on written as an escape (\\x1b, \\n, \\u202e): shown, inert."""
    return _UNPRINTABLE.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


def diagnostic_line(text: str) -> str:
    """One line of a diagnostic as printed: escaped as `printable`, one physical line, never a CI workflow command."""
    line = printable(text)
    if command := _WORKFLOW_COMMAND.match(line):
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
