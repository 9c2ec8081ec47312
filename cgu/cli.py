"""The `cgu` command: each sub-command parses its options and calls one function."""

from __future__ import annotations

from pathlib import Path

import click

from cgu.articles import DOCUMENT_KINDS, LANGUAGES
from cgu.errors import Commands

project_option = click.option(
    "--project",
    "project",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Content repository holding clauses/, organisms/ and themes/.",
)


date_option = click.option(
    "--date",
    "day",
    metavar="YYYY-MM-DD",
    default=None,
    help="The day to act for: which release is in force and which is coming (default: SOURCE_DATE_EPOCH, else today).",
)

ledger_option = click.option(
    "--ledger",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="The published site's folder or its published.json: count publication (and notice) from the site's "
    "first publication of each release, as cgu publish does (default: the git history's dates).",
)


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


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cgu")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Author, version and publish terms of use (CGU) and privacy policies from a clause library."""
    from cgu.scratch import scratch_space

    ctx.with_resource(scratch_space())  # no temporary file outlives the command


@main.command()
@project_option
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path, exists=True))
@click.option("--patch", "show_patch", is_flag=True, help="Print the mapped changes as a patch `git apply` accepts.")
@click.option("--apply", "write", is_flag=True, help="Write the mapped changes into the clause files.")
def review(project: Path, path: Path, show_patch: bool, write: bool) -> None:
    """List the tracked changes and comments of a DOCX a reviewer edited, and map them back to the clauses.

    Each change is shown with its author, date, article and the clause file
    and line its text came from (or the organism key, for a variable's text).
    What cannot be mapped unambiguously is listed with the reason.

    \b
    Example:
      cgu review cgu-2024-06-01-relu.docx --patch > relecture.patch
    """
    from cgu.commands.review import run_review

    run_review(project, path, show_patch, write)


@main.command()
@project_option
@click.option("--organism", "organisms", multiple=True, metavar="ID", help="Build only this organism (repeatable).")
@click.option(
    "--document",
    "kinds",
    type=_csv(DOCUMENT_KINDS),
    default=",".join(DOCUMENT_KINDS),
    show_default=True,
    help="Document kinds to build: cgu, privacy, or both separated by a comma.",
)
@click.option(
    "--format",
    "formats",
    type=_csv(("html", "pdf", "docx")),
    default="html,pdf",
    show_default=True,
    help="Output formats, separated by a comma.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder (default: build/ in the project).",
)
@click.option("--timings", is_flag=True, help="Print the time spent composing and rendering each format.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True, help="Render on N processes.")
@click.option(
    "--shard", metavar="I/N", default=None, help="Build only part I of N (CI matrix); merge with `cgu merge`."
)
@click.option("--explain", is_flag=True, help="Say why each file was rebuilt or kept.")
@date_option
@ledger_option
def build(
    project: Path,
    organisms: tuple[str, ...],
    kinds: tuple[str, ...],
    formats: tuple[str, ...],
    out: Path | None,
    timings: bool,
    jobs: int,
    shard: str | None,
    explain: bool,
    day: str | None,
    ledger: Path | None,
) -> None:
    """Build dated HTML and PDF (and, asked for, Word DOCX) documents of every organism into build/.

    Everything is validated first; on any error nothing is written and the
    previous build/ stays as it was. Only documents whose inputs changed
    (organism, clauses, theme, tool version) are rendered again.

    \b
    Example:
      cgu build --organism harmonie-mutuelle --document cgu --format html
    """
    from cgu.commands.build import run_build

    run_build(project, organisms, kinds, formats, out, timings, jobs, shard, explain, day, ledger)


@main.command()
@project_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: machine-readable findings (for CI annotations).",
)
@click.option(
    "--legal/--no-legal", default=True, show_default=True, help="Run the legal checks (GDPR, cookies, identifiers)."
)
@click.option(
    "--strict", is_flag=True, help="Warnings fail too (facts to complete, unused variables and clauses...): for CI."
)
@date_option
def check(project: Path, output_format: str, legal: bool, strict: bool, day: str | None) -> None:
    """Validate everything, compose every document and run the legal checks, writing nothing.

    Findings print as `path:line: rule-id: message`; errors fail the check,
    warnings do not, unless --strict. See docs/rules.md for the rules and their sources.

    \b
    Example:
      cgu check --project ../my-content --format json
      cgu check --strict
    """
    from cgu.commands.check import run_check

    run_check(project, output_format, legal, day, strict)


@main.command("export-cookies")
@project_option
@click.argument("organism_id", metavar="ORGANISM")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["tarteaucitron", "json"]),
    default="tarteaucitron",
    show_default=True,
)
@click.option("--language", metavar="LANG", help="One of the organism's languages (default: its first, the source).")
def export_cookies_command(project: Path, organism_id: str, output_format: str, language: str | None) -> None:
    """Write the cookie banner's configuration from the organism's cookie inventory, in one of its languages.

    \b
    Example:
      cgu export-cookies klesia --format tarteaucitron > tarteaucitron-config.js
      cgu export-cookies partenamut --language nl > tarteaucitron-config.nl.js
    """
    from cgu.commands.authoring import run_export_cookies

    run_export_cookies(project, organism_id, output_format, language)


@main.command()
@project_option
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.argument("shards", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
def merge(project: Path, out: Path, shards: tuple[Path, ...]) -> None:
    """Merge the outputs of `cgu build --shard I/N` into one site OUT.

    \b
    Example:
      cgu build --shard 1/2 --out shard-1 && cgu build --shard 2/2 --out shard-2
      cgu merge build shard-1 shard-2
    """
    from cgu.commands.merge import merge_shards
    from cgu.errors import counted

    click.echo(f"merged {counted(merge_shards(project, out, list(shards)), 'file')} into {out}")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--cgu-from",
    metavar="REQUIREMENT",
    default=None,
    help="What the CI workflow installs cgu from, as for pip install (default: where this cgu was installed from, "
    "when CI can reach it: a git repository, pinned to the installed commit, or an archive on the network).",
)
@click.option(
    "--languages",
    type=_csv(LANGUAGES),
    default="fr",
    show_default=True,
    help="The example organism's languages, French (the library's) first: fr,nl or fr,nl,de (docs/languages.md).",
)
def init(directory: Path, cgu_from: str | None, languages: tuple[str, ...]) -> None:
    """Create a new content repository that builds at once.

    It holds the clause library, the default theme, one example organism, a CI
    workflow and a README for writers.

    \b
    Example:
      cgu init ../cgu-contenus --cgu-from 'cgu @ git+https://git.example.org/outils/cgu.git@v0.1.0'
      cd ../cgu-contenus && cgu build
    """
    from cgu.commands.authoring import run_init

    run_init(directory, cgu_from, languages)


@main.group()
def new() -> None:
    """Scaffold a new organism or clause with every required field, commented.

    \b
    Example:
      cgu new organism mutuelle-du-lac --extends mutuelle-exemple
    """


@new.command("organism")
@project_option
@click.argument("organism_id", metavar="ID")
@click.option(
    "--extends",
    "base",
    metavar="BASE",
    default=None,
    help="Inherit every key from this organism of the project (one in organisms/, e.g. mutuelle-exemple).",
)
def new_organism(project: Path, organism_id: str, base: str | None) -> None:
    """Create organisms/ID/organism.yaml, every field commented (in French, for the writer).

    \b
    Example:
      cgu new organism mutuelle-du-lac
      cgu new organism mutuelle-du-lac --extends mutuelle-exemple
    """
    from cgu.commands.authoring import run_new_organism

    run_new_organism(project, organism_id, base)


@new.command("clause")
@project_option
@click.argument("clause_id", metavar="ID")
def new_clause(project: Path, clause_id: str) -> None:
    """Create clauses/ID.md.

    \b
    Example:
      cgu new clause teleconsultation
    """
    from cgu.commands.authoring import run_new_clause

    run_new_clause(project, clause_id)


@main.command()
@project_option
@click.argument("path", type=click.Path(path_type=Path))
def impact(project: Path, path: Path) -> None:
    """List the organisms and documents a clause, theme or organism file affects.

    \b
    Example:
      cgu impact clauses/cookies.md
    """
    from cgu.commands.authoring import run_impact

    run_impact(project, path)


@main.command("vars")
@project_option
@click.argument("organism_id", metavar="ORGANISM")
def vars_command(project: Path, organism_id: str) -> None:
    """List every variable of an organism, where it is defined and which clauses use it.

    \b
    Example:
      cgu vars harmonie-mutuelle
    """
    from cgu.commands.authoring import run_vars

    run_vars(project, organism_id)


@main.command()
@project_option
@click.argument("organism_id", metavar="ORGANISM")
@click.argument("kind", metavar="DOCUMENT", type=click.Choice(DOCUMENT_KINDS))
@click.option("--summary", required=True, help="What changes, in one sentence members read (French).")
@click.option(
    "--material/--form", "material", default=None, help="Members must accept it again (--material) or not (--form)."
)
@click.option("--version", "version", metavar="YYYY-MM-DD", help="Version date, the day it reaches members [today].")
@click.option(
    "--effective", metavar="YYYY-MM-DD", help="First day it binds [the version date + notice_days when material]."
)
@click.option("--no-commit", is_flag=True, help="Write the sealed declaration but do not commit it.")
@click.option(
    "--prior",
    metavar="FILE",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A version published before cgu: its text is this Markdown file, dated --version (required, may be past).",
)
@date_option
def release(
    project: Path,
    organism_id: str,
    kind: str,
    summary: str,
    material: bool | None,
    version: str | None,
    effective: str | None,
    no_commit: bool,
    prior: Path | None,
    day: str | None,
) -> None:
    """Declare a release of a document, sealed with its text's SHA-256, in one commit.

    Checks everything `cgu check` checks first, then writes the release into
    the organism file (its comments and layout kept) and commits that file
    alone. The files the text comes from must be committed already.

    With --prior FILE, declares instead a version the organism published
    before cgu: its text is FILE (kept as organisms/<id>/prior/<document>-<version>.md),
    its date --version.

    \b
    Example:
      cgu release harmonie-mutuelle cgu --material --summary "Nouvelle offre de téléconsultation."
      cgu release partenamut cgu --prior cgu-2015.md --version 2015-06-11 --form --summary "Version de 2015."
    """
    from cgu.commands.release import report, run_release

    click.echo(
        report(
            run_release(project, organism_id, kind, summary, material, version, effective, day, not no_commit, prior)
        )
    )


@main.command()
@project_option
@click.argument("organism_id", metavar="ORGANISM")
def translations(project: Path, organism_id: str) -> None:
    """List each clause of an organism, its languages, and which translations are stale or missing.

    For a stale translation, shows the redline of the source clause since the
    version the translation records (`translates:`), so the translator sees
    what to update. Exits 1 when a language cannot be released (docs/languages.md).

    \b
    Example:
      cgu translations partenamut
    """
    from cgu.commands.translations import run_translations

    run_translations(project, organism_id)


@main.command()
@project_option
@click.argument("organism_id", metavar="ORGANISM")
@click.argument("kind", metavar="DOCUMENT", type=click.Choice(DOCUMENT_KINDS))
def releases(project: Path, organism_id: str, kind: str) -> None:
    """List a document's releases: dates, material flag, SHA-256 of the text and the commit that pinned it.

    `cgu release` seals each release with this sha256: `cgu check` then
    fails if history is ever rewritten so that its text changes.
    Exits 1 after the listing when a release is invalid (notice, dates...).

    \b
    Example:
      cgu releases harmonie-mutuelle cgu
    """
    from cgu.commands.releases import run_releases

    run_releases(project, organism_id, kind)


@main.command()
@project_option
@click.argument("organism_id", metavar="ORGANISM")
@click.argument("kind", metavar="DOCUMENT", type=click.Choice(DOCUMENT_KINDS))
@click.option("--format", "output_format", type=click.Choice(["md", "html", "json"]), default="md", show_default=True)
def changelog(project: Path, organism_id: str, kind: str, output_format: str) -> None:
    """Print a document's changelog: releases newest first, dates, material flag, summary, changed articles.

    \b
    Example:
      cgu changelog harmonie-mutuelle cgu --format md
    """
    from cgu.commands.releases import run_changelog

    run_changelog(project, organism_id, kind, output_format)


@main.command()
@project_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("public"), show_default=True)
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True, help="Render on N processes.")
@click.option("--quiet", "-q", is_flag=True, help="Print no progress line (only the result, and errors).")
@date_option
def publish(project: Path, out: Path, jobs: int, day: str | None, quiet: bool) -> None:
    """Write the static site: current documents, every release, redlines, changelogs, index.json and bundles.

    Links are relative, so the folder works from any host or from disk. Each
    bundle (one zip per organism, one for all) carries a manifest.json with
    every file's SHA-256 and size, the tool version and the source commit.

    \b
    Example:
      cgu publish --out public && cgu verify-bundle public/bundles/all.zip
    """
    from cgu.commands.publish import run_publish

    run_publish(project, out, jobs, day, quiet)


@main.command("verify-bundle")
@click.argument("bundle", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify_bundle_command(bundle: Path) -> None:
    """Check a bundle's files against its manifest.json (hash, size, nothing missing or added).

    \b
    Example:
      cgu verify-bundle public/bundles/harmonie-mutuelle.zip
    """
    from cgu.commands.publish import run_verify_bundle

    run_verify_bundle(bundle)


@main.command()
@project_option
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="0: any free port.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    metavar="ADDRESS",
    help="The address to listen on: 0.0.0.0 (or this machine's address) to send a colleague a link.",
)
@click.option(
    "--allow-host",
    "hosts",
    multiple=True,
    metavar="NAME",
    help="Also answer requests for this host name (a tunnel or a container's name); 127.0.0.1 and localhost always.",
)
@date_option
def preview(project: Path, port: int, host: str, hosts: tuple[str, ...], day: str | None) -> None:
    """Serve the drafts on 127.0.0.1 (or --host), rebuilt on every save, with a redline against the last release.

    Build errors are shown in the page with their file and line.

    \b
    Example:
      cgu preview --port 8000
      cgu preview --host 0.0.0.0 --allow-host mon-poste.local
    """
    from cgu.commands.preview import run_preview

    run_preview(project, port, hosts, day, host)


@main.command("verify-receipt")
@project_option
@click.argument("receipt", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@date_option
@ledger_option
def verify_receipt_command(project: Path, receipt: Path, day: str | None, ledger: Path | None) -> None:
    """Check that an acceptance receipt names a published release with that exact SHA-256.

    A receipt is JSON: {"organism", "document", "release", "sha256", "timestamp"}.
    With --ledger (the published site), a release counts as published from the day
    the site first carried it, as members saw it.

    \b
    Example:
      cgu verify-receipt acceptation-123.json --ledger public/
    """
    from cgu.commands.releases import run_verify_receipt

    run_verify_receipt(project, receipt, day, ledger)


@main.command()
@project_option
@click.argument("first", metavar="OLD.md|ORGANISM")
@click.argument("second", metavar="NEW.md|DOCUMENT")
@click.option(
    "--from", "from_version", metavar="YYYY-MM-DD", default=None, help="Release to compare from (organism form)."
)
@click.option("--to", "to_version", metavar="YYYY-MM-DD|draft", default=None, help="Release (or draft) to compare to.")
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("build/redlines"), show_default=True
)
@click.option(
    "--format",
    "formats",
    type=_csv(("html", "fragment", "json", "pdf", "docx")),
    default="html,fragment,json,pdf",
    show_default=True,
)
@click.option("--author", default=None, help="Author of the DOCX's tracked changes (default: the organism, or cgu).")
def redline(
    project: Path,
    first: str,
    second: str,
    from_version: str | None,
    to_version: str | None,
    out: Path,
    formats: tuple[str, ...],
    author: str | None,
) -> None:
    """Show what changed between two versions, article by article and word by word.

    Two Markdown files are aligned on their headings; an organism's document
    is aligned on clause ids, between two releases (default: the last release
    to the draft, or the previous release to the last). Moved articles show as
    moved, typographic changes as editorial.

    \b
    Examples:
      cgu redline ancienne.md nouvelle.md --out build/redlines
      cgu redline harmonie-mutuelle cgu --from 2024-03-01
    """
    from cgu.commands.redline import run_redline, run_release_redline

    if Path(first).is_file() and Path(second).is_file():
        run_redline(Path(first), Path(second), out, formats, author)
    else:
        run_release_redline(project, first, second, from_version, to_version, out, formats, author)


def run() -> None:
    """The `cgu` process (the console script, `python cgu_cli.py`, `python -m cgu.cli`): `main`, once what starts
    it is loaded. Modules, click's command tree and the vocabulary live as long as the process: frozen (gc.freeze),
    the collector never walks them again, in the command's collections nor at exit (a short command's start is
    mostly that). A test calling `main` in-process (CliRunner) keeps the collector as it is."""
    import gc  # built in

    gc.freeze()
    main()


if __name__ == "__main__":
    run()
