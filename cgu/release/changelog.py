"""Changelogs, re-acceptance data (versions.json) and the redlines they point to, for every released document."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from markupsafe import Markup

from cgu.builtin import BUILTIN_THEMES
from cgu.compose.composer import escape_markdown
from cgu.compose.french import french_date
from cgu.load.themes import ThemeFolder, builtin_theme
from cgu.model import Artifact, Document, Organism, Release
from cgu.redline.compare import Redline, redline
from cgu.redline.render import (
    KIND_LABELS,
    render_html_fragment,
    render_html_page,
    render_json,
)
from cgu.release.acceptance import draft_pending, redline_name, versions_json
from cgu.release.book import ReleaseBook
from cgu.release.cache import ReleaseCache, content_digest, files_digest
from cgu.release.lifecycle import Told
from cgu.render.html import GENERATOR, PreviewBar, page_context

UNPUBLISHED = " (projet : déclaration non encore validée dans git)"
"""Marks, in `cgu changelog`, a release whose declaration is not committed yet (a build leaves it out)."""


@dataclass(frozen=True)
class Entry:
    """One release in a changelog, with what changed since the release before it."""

    release: Release
    redline: Redline | None
    redline_url: str | None


def folder(organism: Organism, kind: str) -> str:
    """The build folder of one document's history: `<organism>/<kind>`."""
    return f"{organism.id}/{kind}"


def changed_articles(entry: Entry) -> list[tuple[str, str, str]]:
    """(heading, link to the article in the redline, French label) of each article added, removed, moved or modified."""
    if entry.redline is None:
        return []
    found = []
    for change in entry.redline.changes:
        if change.kind != "unchanged" or change.moved:
            article = change.new or change.old
            assert article is not None
            found.append(
                (
                    article.heading,
                    f"{entry.redline_url}#{change.anchor}",
                    KIND_LABELS[change.kind] + (", déplacé" if change.moved else ""),
                )
            )
    return found


def changelog_entries(releases: list[Release]) -> list[Entry]:
    """Newest first; each release compared with the one before it."""
    entries = []
    for index, release in enumerate(releases):
        if index == 0:
            entries.append(Entry(release, None, None))
            continue
        previous = releases[index - 1]
        entries.append(
            Entry(
                release,
                redline(previous.document.articles, release.document.articles),
                f"{redline_name(previous, release.spec.version.isoformat())}.html",
            )
        )
    return entries[::-1]


def changelog_markdown(organism: Organism, kind: str, entries: list[Entry]) -> str:
    """The changelog in Markdown, newest release first, each changed article linked to its place in the redline."""
    # Titles, names, summaries and headings are the writers' text: escaped, they print as written (no link, no HTML).
    title, name = escape_markdown(organism.documents[kind].title), escape_markdown(organism.name)
    lines = [f"# Historique des versions – {title} – {name}", ""]
    for entry in entries:
        spec = entry.release.spec
        flag = (
            "modification substantielle, nouvelle acceptation requise" if spec.material else "sans nouvelle acceptation"
        )
        lines += [
            f"## Version du {french_date(spec.version)}{UNPUBLISHED if entry.release.commit is None else ''}",
            "",
            f"En vigueur à compter du {french_date(spec.effective)} ({flag}).",
            "",
            escape_markdown(spec.summary),
            "",
            f"Empreinte SHA-256 : `{entry.release.sha256}`",
            "",
        ]
        changed = changed_articles(entry)
        lines += [f"- [{escape_markdown(heading)}]({link}) : {label}" for heading, link, label in changed] + (
            [""] if changed else []
        )
        if entry.redline is None:
            lines += ["Première version publiée.", ""]
    return "\n".join(lines)


def changelog_json(organism: Organism, kind: str, entries: list[Entry]) -> str:
    """The changelog as JSON for tools: one object per release, newest first, with the changed articles' ids."""
    data = [
        {
            "version": e.release.spec.version.isoformat(),
            "effective": e.release.spec.effective.isoformat(),
            "material": e.release.spec.material,
            "summary": e.release.spec.summary,
            "sha256": e.release.sha256,
            "commit": e.release.commit,
            "redline": e.redline_url,
            "articles": []
            if e.redline is None
            else [
                {"id": c.anchor, "change": c.kind, "moved": c.moved}
                for c in e.redline.changes
                if c.kind != "unchanged" or c.moved
            ],
        }
        for e in entries
    ]
    return (
        json.dumps(
            {"organism": organism.id, "document": kind, "releases": data}, ensure_ascii=False, indent=1, sort_keys=True
        )
        + "\n"
    )


CHANGELOG_TEMPLATE = "changelog.html"
"""The changelog page's template in a theme; a theme without one (copied before it existed) uses the built-in's."""


def changelog_html(organism: Organism, kind: str, entries: list[Entry], theme: ThemeFolder | None = None) -> str:
    """The changelog as a page of the organism's theme (`<organism>/<kind>/changelog.html`: its header, stylesheet
    and colour), newest release first, with links into each redline."""
    logo = organism.theme.logo
    page = (
        (theme or builtin_theme())
        .having(CHANGELOG_TEMPLATE)
        .render(
            CHANGELOG_TEMPLATE,
            title=f"Historique des versions – {organism.documents[kind].title} – {organism.name}",
            organism=organism,
            theme=organism.theme,
            asset_base=f"../../assets/{organism.theme.name}/",
            logo=f"../logo{PurePosixPath(logo).suffix}" if logo else None,
            generator=GENERATOR,
            entries=[
                {
                    "version": entry.release.spec.version,
                    "effective": entry.release.spec.effective,
                    "material": entry.release.spec.material,
                    "summary": entry.release.spec.summary,
                    "unpublished": UNPUBLISHED if entry.release.commit is None else "",
                    "redline": entry.redline_url,
                    "first": entry.redline is None,
                    "articles": changed_articles(entry),
                    "sha256": entry.release.sha256,
                }
                for entry in entries
            ],
        )
    )
    return page if page.endswith("\n") else page + "\n"


REDLINE_FILES = (".html", ".fragment.html", ".json")
"""What each redline of a document's history is written as (and, on the published site, `.docx`)."""

DRAFT_VERSION = "draft"
"""The `<to>` of the redline from the newest release to a writer's draft (`redline-2024-06-01-to-draft.html`)."""


def release_files(
    book: ReleaseBook,
    documents: list[Document],
    day: dt.date | None = None,
    themes: Mapping[str, ThemeFolder] | None = None,
    told: Told[Release] | None = None,
    draft_changes: bool = False,
    word: bool = False,
    cache: ReleaseCache | None = None,
) -> list[Artifact]:
    """versions.json, changelogs and redlines (consecutive releases, each release to the newest, the release in force
    to each coming one) of the releases published on `day` (default: the run's today; `told`: since when, as for
    `lifecycle`), for each of the (draft-marked) documents that has any in the book; pages in the organism's theme
    from `themes` (else the built-in one). With `draft_changes` (a writer's build, never the published site), a
    draft's changes since the newest release too (`redline-<version>-to-draft.html`). With `word` (the published
    site), each redline also as a DOCX of tracked changes, by the organism, dated the newer release's version date.
    Given the run's `cache`, a redline's pages made from the same two texts, title and theme in an earlier run are
    read from it instead of compared and rendered again."""
    from cgu.release.lifecycle import lifecycle, today

    digests: dict[Path, str] = {}

    def theme_digests(theme: ThemeFolder | None) -> tuple[str, ...]:
        """The files a redline page is rendered from: its theme's, and the built-in one's it may fall back on."""
        folders = (theme.path, BUILTIN_THEMES / "default") if theme else (BUILTIN_THEMES / "default",)
        for place in folders:
            if place not in digests:
                digests[place] = files_digest([place])
        return tuple(digests[place] for place in folders)

    day = day or today()
    artifacts: list[Artifact] = []
    for document in documents:
        organism, kind = document.organism, document.kind
        state = lifecycle(book.of(organism.id, kind).releases, day, told)
        releases = list(state.published)
        if not releases:
            continue  # nothing published yet: no history for members, the page is a draft
        base = folder(organism, kind)
        theme = (themes or {}).get(organism.theme.name)
        entries = changelog_entries(releases)
        redlines: dict[str, tuple[Release, Release]] = {}
        for index in range(1, len(releases)):
            redlines[redline_name(releases[index - 1], releases[index].spec.version.isoformat())] = (
                releases[index - 1],
                releases[index],
            )
        for release in releases[:-1]:
            redlines[redline_name(release, releases[-1].spec.version.isoformat())] = (release, releases[-1])
        if state.in_force is not None:  # what changes for members on each coming effective date
            for coming in state.upcoming:
                redlines[redline_name(state.in_force, coming.spec.version.isoformat())] = (state.in_force, coming)
        computed = {e.redline_url.removesuffix(".html"): e.redline for e in entries if e.redline_url and e.redline}
        pairs: dict[str, tuple[Release, Document, dt.date | None]] = {
            name: (old, new.document, new.spec.version) for name, (old, new) in redlines.items()
        }
        if draft_changes and draft_pending(
            document, releases[-1]
        ):  # the writer's draft: what it changes since the newest release
            pairs[redline_name(releases[-1], DRAFT_VERSION)] = (releases[-1], document, None)
        for name, (old, new_text, new_version) in sorted(pairs.items()):
            title = (
                f"{organism.documents[kind].title} – modifications entre les versions du "
                f"{french_date(old.spec.version)} et du {french_date(new_version)}"
                if new_version is not None
                else f"{organism.documents[kind].title} – modifications entre la version du "
                f"{french_date(old.spec.version)} et le projet"
            )
            pair = (old.document.articles, new_text.articles)
            made_of = content_digest([*pair, title, theme_digests(theme)]) if cache is not None else ""
            pages = cache.pages(made_of, REDLINE_FILES) if cache is not None else None
            result = computed.get(name)
            if pages is None:
                result = result or redline(*pair)
                fragment = render_html_fragment(result)
                pages = {
                    ".html": render_html_page(result, title, theme, fragment=fragment),
                    ".fragment.html": fragment,
                    ".json": render_json(result),
                }
                if cache is not None:
                    cache.keep_pages(made_of, pages)
            artifacts += [Artifact(f"{base}/{name}{suffix}", pages[suffix].encode()) for suffix in REDLINE_FILES]
            if word and new_version is not None:  # the published site's redlines, between releases (never a draft)
                from cgu.redline.docx import render_docx  # python-docx and lxml: only where Word files are made

                result = result or redline(*pair)
                when = dt.datetime.combine(new_version, dt.time(), dt.UTC)
                artifacts.append(Artifact(f"{base}/{name}.docx", render_docx(result, title, organism.name, when)))
        artifacts += [
            Artifact(f"{base}/versions.json", versions_json(organism, kind, releases, document, day, told).encode()),
            Artifact(f"{base}/changelog.md", changelog_markdown(organism, kind, entries).encode()),
            Artifact(f"{base}/changelog.html", changelog_html(organism, kind, entries, theme).encode()),
            Artifact(f"{base}/changelog.json", changelog_json(organism, kind, entries).encode()),
        ]
    return artifacts


def rehearsed_pages(document: Document, theme: ThemeFolder) -> list[str]:
    """The changelog and redline pages of `document` rendered in its theme as if its working-tree text had been
    released twice (its first article added by the second release): what `cgu check` renders so that it refuses
    what a theme's changelog.html or redline.html would make a build or a publish refuse, release or not; and the
    document and redline pages as `cgu preview` renders them."""
    from cgu.model import ReleaseSpec, SourceLocation

    organism, kind = document.organism, document.kind
    spec = ReleaseSpec(document.version, document.effective, True, "", SourceLocation(f"organisms/{organism.id}"))
    release = Release(organism.id, kind, spec, None, None, "0" * 64, document)
    change = redline((), document.articles[:1])
    entries = [Entry(release, change, "redline.html"), Entry(release, None, None)]
    bar = PreviewBar("/", "/?redline=1", Markup(""))  # the branches `cgu preview` takes
    return [
        changelog_html(organism, kind, entries, theme),
        render_html_page(change, document.title, theme),
        render_html_page(change, document.title, theme, bar),
        theme.render("document.html", **page_context(document, "html", "/assets/", None, preview=bar)),
    ]
