"""Changelogs, re-acceptance data (versions.json) and the redlines they point to, for every released document."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from markupsafe import Markup

from cgu.builtin import BUILTIN_THEMES
from cgu.compose.composer import escape_markdown
from cgu.compose.language import Alternate, language_folder, long_date, words
from cgu.compose.page_words import page_words
from cgu.load.themes import ThemeFolder, builtin_theme
from cgu.model import Artifact, Document, Organism, Release, Withdrawal
from cgu.redline.compare import Redline, redline
from cgu.redline.render import (
    kind_label,
    render_html_fragment,
    render_html_page,
    render_json,
)
from cgu.release.acceptance import draft_pending, redline_name, versions_json, withdrawal_json
from cgu.release.book import ReleaseBook
from cgu.release.cache import ReleaseCache, content_digest
from cgu.release.lifecycle import Lifecycle, Told, withdrawn_on
from cgu.release.signing import files_digest
from cgu.render.html import GENERATOR, PreviewBar, page_context, site_alternates

UNPUBLISHED = " (projet : déclaration non encore validée dans git)"
"""Marks, in `cgu changelog`, a release whose declaration is not committed yet (a build leaves it out)."""


@dataclass(frozen=True)
class Entry:
    """One release in a changelog, with what changed since the release before it."""

    release: Release
    redline: Redline | None
    redline_url: str | None
    withdrawn: Withdrawal | None = None
    """Its withdrawal, when it is withdrawn on the changelog's day: shown with its date and reason."""


def folder(organism: Organism, kind: str, language: str = "") -> str:
    """The build folder of one document's history: `<organism>/<kind>`, a translation's `<organism>/<lang>/<kind>`."""
    return f"{organism.id}/{language_folder(language, organism.source_language) if language else ''}{kind}"


def changed_articles(entry: Entry, language: str = "fr") -> list[tuple[str, str, str]]:
    """(heading, link to the article in the redline, label in `language`) of each article added, removed, moved or
    modified."""
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
                    kind_label(change, language),
                )
            )
    return found


def changelog_entries(releases: list[Release], day: dt.date | None = None) -> list[Entry]:
    """Newest first; each release compared with the one before it (a withdrawn one too: the history is what was
    published), and marked withdrawn when it is on `day`."""
    entries = []
    for index, release in enumerate(releases):
        withdrawn = release.spec.withdrawn if day is not None and withdrawn_on(release, day) else None
        if index == 0:
            entries.append(Entry(release, None, None, withdrawn))
            continue
        previous = releases[index - 1]
        entries.append(
            Entry(
                release,
                redline(previous.document.articles, release.document.articles),
                f"{redline_name(previous, release.spec.version.isoformat())}.html",
                withdrawn,
            )
        )
    return entries[::-1]


def changelog_markdown(organism: Organism, kind: str, entries: list[Entry], language: str = "fr") -> str:
    """The changelog in Markdown, newest release first, each changed article linked to its place in the redline; in
    `language` (`organism` as that language names it)."""
    # Titles, names, summaries and headings are the writers' text: escaped, they print as written (no link, no HTML).
    says = page_words(language)
    title, name = escape_markdown(organism.documents[kind].title), escape_markdown(organism.name)
    lines = [f"# {says['changelog']} – {title} – {name}", ""]
    for entry in entries:
        spec = entry.release.spec
        flag = says["material_flag"] if spec.material else says["no_reaccept"]
        lines += [
            f"## {says['version_of']} {long_date(spec.version, language)}"
            f"{UNPUBLISHED if entry.release.commit is None else ''}",
            "",
            f"{says['in_force_from']} {long_date(spec.effective, language)} ({flag}).",
            "",
            *(
                [
                    f"**{says['withdrawn_on']} {long_date(entry.withdrawn.on, language)}.** "
                    f"{escape_markdown(entry.withdrawn.reason)} {says['withdrawn_note']}",
                    "",
                ]
                if entry.withdrawn is not None
                else []
            ),
            escape_markdown(spec.summary),
            "",
            f"{says['fingerprint']}{says['colon']} `{entry.release.sha256}`",
            "",
        ]
        changed = changed_articles(entry, language)
        lines += [
            f"- [{escape_markdown(heading)}]({link}){says['colon']} {label}" for heading, link, label in changed
        ] + ([""] if changed else [])
        if entry.redline is None:
            lines += [says["first_release"], ""]
    return "\n".join(lines)


def changelog_json(organism: Organism, kind: str, entries: list[Entry], language: str = "") -> str:
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
            "withdrawn": withdrawal_json(e.release) if e.withdrawn is not None else None,
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
            {"organism": organism.id, "document": kind, "releases": data}
            | ({"language": language} if language else {}),
            ensure_ascii=False,
            indent=1,
            sort_keys=True,
        )
        + "\n"
    )


CHANGELOG_TEMPLATE = "changelog.html"
"""The changelog page's template in a theme; a theme without one (copied before it existed) uses the built-in's."""


def changelog_html(
    organism: Organism,
    kind: str,
    entries: list[Entry],
    theme: ThemeFolder | None = None,
    language: str = "fr",
    alternates: tuple[Alternate, ...] = (),
    untranslated: frozenset[dt.date] = frozenset(),
) -> str:
    """The changelog as a page of the organism's theme (`<organism>/<kind>/changelog.html`: its header, stylesheet
    and colour), newest release first, with links into each redline; in `language` (`organism` as that language
    names it; a translation's page is one folder deeper, `<organism>/<lang>/<kind>/`), `alternates` its pages in the
    other languages; `untranslated`, the versions whose summary the language's overlay leaves in the source's words
    (marked with the source's `lang`)."""
    says = page_words(language)
    up = "" if language == organism.source_language else "../"
    logo = organism.theme.logo
    page = (
        (theme or builtin_theme())
        .having(CHANGELOG_TEMPLATE)
        .render(
            CHANGELOG_TEMPLATE,
            title=f"{says['changelog']} – {organism.documents[kind].title} – {organism.name}",
            says=says,
            words=words(language),
            alternates=alternates,
            organism=organism,
            theme=organism.theme,
            asset_base=f"{up}../../assets/{organism.theme.name}/",
            logo=f"{up}../logo{PurePosixPath(logo).suffix}" if logo else None,
            generator=GENERATOR,
            entries=[
                {
                    "version": entry.release.spec.version,
                    "effective": entry.release.spec.effective,
                    "material": entry.release.spec.material,
                    "summary": entry.release.spec.summary,
                    "summary_lang": organism.source_language if entry.release.spec.version in untranslated else "",
                    "unpublished": UNPUBLISHED if entry.release.commit is None else "",
                    "redline": entry.redline_url,
                    "first": entry.redline is None,
                    "articles": changed_articles(entry, language),
                    "sha256": entry.release.sha256,
                    "withdrawn": entry.withdrawn,
                    # The reason is the organism file's, in the source language (no overlay translates it).
                    "withdrawn_lang": organism.source_language if language != organism.source_language else "",
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
    translations: Sequence[Document] = (),
) -> list[Artifact]:
    """versions.json, changelogs and redlines (consecutive releases, each release to the newest, the release in force
    to each coming one) of the releases published on `day` (default: the run's today; `told`: since when, as for
    `lifecycle`), for each of the (draft-marked) documents that has any in the book; pages in the organism's theme
    from `themes` (else the built-in one). With `draft_changes` (a writer's build, never the published site), a
    draft's changes since the newest release too (`redline-<version>-to-draft.html`). With `word` (the published
    site), each redline also as a DOCX of tracked changes, by the organism, dated the newer release's version date.

    The same again in each language the organism declares after its source, from the book's releases in that
    language, under `<organism>/<lang>/<kind>/` (`translations`: the working tree's documents in those languages,
    which a writer's draft and `draft_pending` compare with); each page names its counterparts in the other
    languages where they exist (hreflang). Given the run's `cache`, a redline's pages made from the same two texts,
    title, languages and theme in an earlier run are read from it instead of compared and rendered again."""
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
    working = {(d.organism.id, d.kind, d.language): d for d in translations}
    for document in documents:
        organism, kind = document.organism, document.kind
        entry = book.of(organism.id, kind)
        states = {
            language: lifecycle(entry.in_language(language), day, told)
            for language in organism.languages
            if language == organism.source_language or (organism.id, kind, language) in working
        }
        for language, state in states.items():
            current = document if language == organism.source_language else working[(organism.id, kind, language)]
            artifacts += _document_files(
                current,
                state,
                states,
                (themes or {}).get(organism.theme.name),
                told,
                draft_changes,
                word,
                cache,
                theme_digests,
            )
    return artifacts


def _document_files(
    document: Document,
    state: Lifecycle[Release],
    states: Mapping[str, Lifecycle[Release]],
    theme: ThemeFolder | None,
    told: Told[Release] | None,
    draft_changes: bool,
    word: bool,
    cache: ReleaseCache | None,
    theme_digests: Callable[[ThemeFolder | None], tuple[str, ...]],
) -> list[Artifact]:
    """One document's release files in its language (`document`: the working tree's, in that language; `states`: the
    document's lifecycle in every language, for the hreflang pairs; `cache` and `theme_digests` as `release_files`
    keeps redline pages)."""
    releases = list(state.published)
    if not releases:
        return []  # nothing published yet (in this language): no history for members, the page is a draft
    source, language = document.organism.source_language, document.language
    organism = document.organism  # as the language names it
    kind = document.kind
    says = page_words(language)
    base = folder(organism, kind, language)
    artifacts: list[Artifact] = []

    def alternates(page: str) -> tuple[Alternate, ...]:
        """The languages the page `page` (under `<kind>/`) exists in: those that publish the same file."""
        having = tuple(lang for lang, other in states.items() if page in _pages(other))
        return site_alternates(source, having, language, f"{kind}/{page}") if language in having else ()

    entries = changelog_entries(releases, state.day)
    redlines: dict[str, tuple[Release, Release]] = {}
    for index in range(1, len(releases)):
        redlines[redline_name(releases[index - 1], releases[index].spec.version.isoformat())] = (
            releases[index - 1],
            releases[index],
        )
    for release in releases[:-1]:
        redlines[redline_name(release, releases[-1].spec.version.isoformat())] = (release, releases[-1])
    for newest in {id(r): r for r in (state.current, state.in_force) if r is not None}.values():
        # A withdrawn newest release: versions.json compares with the newest one standing and the one in force.
        for release in releases[: _position(releases, newest)]:
            redlines[redline_name(release, newest.spec.version.isoformat())] = (release, newest)
    if state.in_force is not None:  # what changes for members on each coming effective date
        for coming in state.upcoming:
            redlines[redline_name(state.in_force, coming.spec.version.isoformat())] = (state.in_force, coming)
    computed = {e.redline_url.removesuffix(".html"): e.redline for e in entries if e.redline_url and e.redline}
    pairs: dict[str, tuple[Release, Document, dt.date | None]] = {
        name: (old, new.document, new.spec.version) for name, (old, new) in redlines.items()
    }
    if draft_changes and draft_pending(document, releases[-1]):  # the writer's draft: its changes since the newest
        pairs[redline_name(releases[-1], DRAFT_VERSION)] = (releases[-1], document, None)
    title_of = organism.documents[kind].title
    for name, (old, new_text, new_version) in sorted(pairs.items()):
        title = (
            f"{title_of} – {says['changes_between']} {long_date(old.spec.version, language)} "
            f"{says['and_of']} {long_date(new_version, language)}"
            if new_version is not None
            else f"{title_of} – {says['changes_to_draft']} {long_date(old.spec.version, language)} {says['and_draft']}"
        )
        pair = (old.document.articles, new_text.articles)
        others = alternates(f"{name}.html")
        made_of = content_digest([*pair, title, language, others, theme_digests(theme)]) if cache is not None else ""
        pages = cache.pages(made_of, REDLINE_FILES) if cache is not None else None
        result = computed.get(name)
        if pages is None:
            result = result or redline(*pair)
            fragment = render_html_fragment(result, language)
            pages = {
                ".html": render_html_page(
                    result, title, theme, fragment=fragment, language=language, alternates=others
                ),
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
            tag = words(language).word_language
            artifacts.append(Artifact(f"{base}/{name}.docx", render_docx(result, title, organism.name, when, tag)))
    versions = versions_json(organism, kind, releases, document, state.day, told, _tag(organism, language))
    changelog = changelog_html(
        organism, kind, entries, theme, language, alternates("changelog.html"), untranslated_summaries(states, releases)
    )
    artifacts += [
        Artifact(f"{base}/versions.json", versions.encode()),
        Artifact(f"{base}/changelog.md", changelog_markdown(organism, kind, entries, language).encode()),
        Artifact(f"{base}/changelog.html", changelog.encode()),
        Artifact(f"{base}/changelog.json", changelog_json(organism, kind, entries, _tag(organism, language)).encode()),
    ]
    return artifacts


def untranslated_summaries(states: Mapping[str, Lifecycle[Release]], releases: list[Release]) -> frozenset[dt.date]:
    """The versions among `releases` (in a translation) whose summary is the source's words (no overlay gives it)."""
    source = releases[0].document.organism.source_language if releases else ""
    if not releases or releases[0].document.language == source or source not in states:
        return frozenset()
    said = {r.spec.version: r.spec.summary for r in states[source].published}
    return frozenset(r.spec.version for r in releases if said.get(r.spec.version) == r.spec.summary)


def _tag(organism: Organism, language: str) -> str:
    """The `language` a versions.json or changelog.json names: only for an organism in several languages (a
    single-language site's files stay as they were)."""
    return language if len(organism.languages) > 1 else ""


def _position(releases: list[Release], release: Release) -> int:
    """Where `release` (the very object) stands in `releases`."""
    return next(i for i, r in enumerate(releases) if r is release)


def _pages(state: Lifecycle[Release]) -> set[str]:
    """The changelog and redline pages (under `<kind>/`) a document's published releases give, in one language."""
    releases = list(state.published)
    if not releases:
        return set()
    names = {"changelog.html"}
    names |= {
        f"{redline_name(releases[i - 1], releases[i].spec.version.isoformat())}.html" for i in range(1, len(releases))
    }
    names |= {f"{redline_name(r, releases[-1].spec.version.isoformat())}.html" for r in releases[:-1]}
    for newest in (state.current, state.in_force):
        if newest is not None:
            names |= {
                f"{redline_name(r, newest.spec.version.isoformat())}.html"
                for r in releases[: _position(releases, newest)]
            }
    if state.in_force is not None:
        names |= {f"{redline_name(state.in_force, c.spec.version.isoformat())}.html" for c in state.upcoming}
    return names


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
