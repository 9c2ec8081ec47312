"""The `cgu` command: each sub-command parses its options and calls one function."""

from __future__ import annotations

from pathlib import Path

import click

from cgu.model import DOCUMENT_KINDS

project_option = click.option("--project", "project", type=click.Path(file_okay=False, path_type=Path), default=".",
                              show_default=True, help="Content repository holding clauses/, organisms/ and themes/.")


def _csv(choices: tuple[str, ...]) -> click.ParamType:
    class CommaList(click.ParamType):
        name = ",".join(choices)

        def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> tuple[str, ...]:
            if isinstance(value, tuple):
                return value
            items = tuple(v.strip() for v in str(value).split(",") if v.strip())
            for item in items:
                if item not in choices:
                    self.fail(f"{item!r} is not one of {', '.join(choices)}", param, ctx)
            return items

    return CommaList()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cgu")
def main() -> None:
    """Author, version and publish terms of use (CGU) and privacy policies from a clause library."""


@main.command()
@project_option
@click.option("--organism", "organisms", multiple=True, metavar="ID", help="Build only this organism (repeatable).")
@click.option("--document", "kinds", type=_csv(DOCUMENT_KINDS), default=",".join(DOCUMENT_KINDS), show_default=True,
              help="Document kinds to build: cgu, privacy, or both separated by a comma.")
@click.option("--format", "formats", type=_csv(("html", "pdf")), default="html,pdf", show_default=True,
              help="Output formats, separated by a comma.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: build/ in the project).")
@click.option("--timings", is_flag=True, help="Print the time spent composing and rendering each format.")
def build(project: Path, organisms: tuple[str, ...], kinds: tuple[str, ...], formats: tuple[str, ...],
          out: Path | None, timings: bool) -> None:
    """Build dated HTML and PDF documents of every organism into build/.

    Everything is validated first; on any error nothing is written and the
    previous build/ stays as it was.

    \b
    Example:
      cgu build --organism harmonie-mutuelle --document cgu --format html
    """
    from cgu.commands import run_build

    run_build(project, organisms, kinds, formats, out, timings)


@main.command()
@project_option
def check(project: Path) -> None:
    """Validate clauses, organisms and themes and compose every document, writing nothing.

    \b
    Example:
      cgu check --project ../my-content
    """
    from cgu.commands import run_check

    run_check(project)


if __name__ == "__main__":
    main()
