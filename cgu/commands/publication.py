"""The publication itself, what `cgu publish` does when something changed: what members see, every release (HTML,
PDF) at its permanent address, the version in force at a stable one, the index, changelogs and redlines, a site-wide
index.json, and verifiable zip bundles; never a draft."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from cgu.commands.build import prepare_build
from cgu.compose.language import Alternate, language_folder, words
from cgu.compose.page_words import page_words
from cgu.errors import counted
from cgu.load.themes import ThemeFolder, find_theme
from cgu.model import LANGUAGES, Artifact, Document, Release, Withdrawal
from cgu.project import selected_organisms
from cgu.release.acceptance import redline_name
from cgu.release.changelog import untranslated_summaries
from cgu.release.lifecycle import WITHDRAWN, Lifecycle, lifecycle
from cgu.render.html import PageLinks, render_page, site_alternates
from cgu.render.registry import BUILDERS
from cgu.site.bundles import BUNDLES, make_bundles
from cgu.site.incremental import MANIFEST, manifest_bytes, tool_version
from cgu.site.ledger import LEDGER, ledger_bytes, read_ledger, told_by, updated
from cgu.site.unchanged import Kept
from cgu.site.writer import IndexEntry, OutputFolder, index_page, listing_page

RELEASES_PAGE = "releases.html"
"""Every published release of every document, linked from index.html: the pages a reader can browse."""


@dataclass(frozen=True)
class Publication:
    """What a publication wrote, and the files outside the repository's listing it read."""

    wrote: Kept
    read_too: tuple[str, ...]
    """Project-relative paths of the logos the site carries (a logo may sit in a folder git ignores)."""


def publish_into(
    root: Path, site: OutputFolder, jobs: int, on: dt.date, progress: Callable[[str], None]
) -> Publication:
    """Build, add releases, index.json and bundles, then put the new site in place of the locked output folder `site`
    in one step (the writer's atomic replace, as a build); `progress` is told each stage and each document (one line
    each, in a fixed order)."""
    out = site.path
    progress("checking and building")
    previous = read_ledger(out, on)  # the previous site's: when each release was first published
    told = told_by(previous, on)  # one truth for every page, versions.json and the ledger written below
    # Members see releases only: the working tree's pages (drafts among them) are not rendered for the site.
    result = prepare_build(
        root,
        out,
        formats=(),
        jobs=jobs,
        preserve=published_extra,
        day=on,
        refuse=True,
        ledger=previous,
        for_members=True,
        word_redlines=True,
    )
    project, book = result.project, result.book
    intact = result.previous.intact  # the previous site's files still as cgu wrote them
    extras: list[Artifact] = []
    listed: list[Mapping[str, object]] = []
    release_count = 0
    published_now: list[Release] = []
    states = {
        (d.organism.id, d.kind, language): lifecycle(
            book.of(d.organism.id, d.kind).in_language(language) if not book.unavailable else (), on, told
        )
        for d in project.documents
        for language in d.organism.languages
    }
    serving = {key for key, state in states.items() if state.in_force is not None}
    translated = {(t.organism.id, t.kind, t.language): t for t in project.translations}
    rows: dict[str, list[IndexEntry]] = {}
    for document in project.documents:
        organism, kind = document.organism, document.kind
        source = organism.source_language
        # The languages this document is published in: those with a release published on the day.
        published_in = tuple(lang for lang in organism.languages if states[(organism.id, kind, lang)].published)
        for language in published_in:
            state = states[(organism.id, kind, language)]
            current = document if language == source else translated[(organism.id, kind, language)]
            if language == source:
                published_now += state.published
            progress(
                f"{organism.id}/{kind}: {counted(len(state.published), 'release')}"
                + ("" if language == source else f" in {language}")
            )
            theme = project.themes[organism.theme.name]
            folder = f"{organism.id}/{language_folder(language, source)}{kind}"
            down = "" if language == source else "../"  # a translation's pages are one folder deeper
            says = page_words(language)
            others = Counterparts(
                source, language, kind, {lang: states[(organism.id, kind, lang)] for lang in published_in}
            )

            redlines = _redlines_to_current(state.standing, folder)  # to the newest not withdrawn
            entries = []
            for release in state.published:
                version = release.spec.version.isoformat()
                stem = f"{folder}/releases/{version}"
                links = release_links(state, release, stem_in_folder="releases/")
                pairs = others(f"releases/{version}.html", partial(_publishes, version=version))
                # The HTML says whether it is in force on the day, so it is rendered on every publication (no PDF
                # needed).
                html = render_page(
                    release.document,
                    theme,
                    "html",
                    root,
                    f"{down}../../../",
                    links,
                    others=pairs,
                    address=_in_force_from("../../", serving, language),
                )
                extras.append(Artifact(f"{stem}.html", html.encode("utf-8")))
                withdrawn = release.spec.withdrawn if state.withdrawn(release) else None
                extras += _release_files(out, intact, stem, release, theme, root, withdrawn)
                entries.append(
                    {
                        "version": version,
                        "effective": release.spec.effective.isoformat(),
                        "material": release.spec.material,
                        "sha256": release.sha256,
                        "html": f"{stem}.html",
                        "pdf": f"{stem}.pdf",
                        "docx": f"{stem}.docx",
                        "first_published": state.told_of(release).isoformat(),
                    }
                )
                redline = redlines.get(version)
                if redline:  # what changed from this release to the newest, as a page and as Word tracked changes
                    entries[-1] |= {"redline": redline, "redline_docx": redline.removesuffix(".html") + ".docx"}
                if language == source:
                    release_count += 1
                files = (("HTML", f"{stem}.html"), ("PDF", f"{stem}.pdf"), ("Word", f"{stem}.docx"))
                changes = (
                    (
                        (says["changes_to_latest"], redline),
                        (says["changes_word"], redline.removesuffix(".html") + ".docx"),
                    )
                    if redline
                    else ()
                )
                rows.setdefault(language, []).append(
                    IndexEntry(
                        release.document.organism.name,
                        release.document.title,
                        release.spec.version,
                        release.spec.effective,
                        files + changes,
                    )
                )
            extras += reacceptance_pages(state, folder, theme, language, others)
            # Every release withdrawn: none in force nor coming, the newest (withdrawn) one is listed as what it is.
            shown = state.in_force or (state.upcoming[0] if state.upcoming else state.published[-1])
            serves = state.in_force or (state.published[-1] if state.state == WITHDRAWN else None)
            if serves is not None:  # every release withdrawn: the stable address says so (the newest, its banner)
                stable = render_page(
                    serves.document,
                    theme,
                    "html",
                    root,
                    f"{down}../../",
                    release_links(state, None),
                    others=others(IN_FORCE_PAGE, _serves),
                    address=_in_force_from("../", serving, language),
                )
                extras.append(Artifact(f"{folder}/{IN_FORCE_PAGE}", stable.encode("utf-8")))
            shown_version = shown.spec.version.isoformat()
            listed.append(
                {
                    "id": organism.id,
                    "name": current.organism.name,
                    "document": kind,
                    "title": current.title,
                    "version": shown_version,
                    "effective": shown.spec.effective.isoformat(),
                    "in_force": state.in_force.spec.version.isoformat() if state.in_force else None,
                    "upcoming": [r.spec.version.isoformat() for r in state.upcoming],
                    "withdrawn": [r.spec.version.isoformat() for r in state.published if state.withdrawn(r)],
                    "draft": current.draft,
                    "html": f"{folder}/{IN_FORCE_PAGE}"
                    if state.in_force
                    else f"{folder}/releases/{shown_version}.html",
                    "pdf": f"{folder}/releases/{shown_version}.pdf",
                    "docx": f"{folder}/releases/{shown_version}.docx",
                    "versions": f"{folder}/versions.json",
                    "changelog": f"{folder}/changelog.html",
                    "releases": entries,
                }
                | ({"language": language} if len(organism.languages) > 1 else {})
            )
    progress("ledger and index")
    extras.append(Artifact(LEDGER, ledger_bytes(updated(previous, published_now, on))))
    index = {"tool": tool_version(), "organisms": listed}
    extras.append(
        Artifact("index.json", (json.dumps(index, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode())
    )

    def keep(path: str) -> bool:
        """The previous site's files that carry over: pages a build or an earlier publish made, the bundles apart
        (made again from the new site)."""
        return result.keep(path) and not WORKING_TREE_PAGE.match(path) and not path.startswith(f"{BUNDLES}/")

    kept = {path: entry for path, entry in result.previous.entries.items() if keep(path) and path in intact}
    artifacts = [a for a in result.artifacts if a.path not in ("index.html", MANIFEST)]
    artifacts.append(Artifact(MANIFEST, manifest_bytes(kept)))
    theme = project.themes.get("default") or find_theme(project.root, "default")
    present = {a.path for a in artifacts + extras} | {path for path in intact if keep(path)}
    versions = {a.path: a.content for a in artifacts if a.path.endswith("/versions.json")}
    languages = [lang for lang in LANGUAGES if lang in rows or lang == "fr"]  # the site's: those it publishes in
    for language in languages:
        pairs = _site_alternates(languages, language, "index")
        page = index_page(project, present, versions, members=True, language=language, alternates=pairs)
        extras.append(Artifact(_site_page("index", language), page.encode("utf-8")))
        if language in rows:
            listed_in = [lang for lang in languages if lang in rows]
            extras.append(
                releases_page(theme, rows[language], language, _site_alternates(listed_in, language, "releases"))
            )
    organisms = [o.id for o in selected_organisms(project.organisms, ())]

    def bundles(staged: Path, digests: Mapping[str, str]) -> list[Artifact]:
        progress("bundles")
        made = make_bundles(staged, organisms, book.head, project.cache, kept_in=site.path, digests=digests)
        counts.append(len(made))
        return made

    counts: list[int] = []
    site.replace(artifacts + extras, keep, then=bundles, intact=intact)  # checked once, by prepare_build
    count = sum(1 for path in out.rglob("*") if path.is_file())
    logos = tuple(sorted({o.theme.logo for o in project.organisms.values() if o.theme.logo}))
    return Publication(Kept(count, release_count, counts[0]), logos)


IN_FORCE_PAGE = "index.html"
"""`<organism>/<kind>/index.html`: the stable address that always serves the version in force."""


def _in_force_from(up: str, serving: set[tuple[str, str, str]], language: str) -> Callable[[Document, str], str | None]:
    """Where a published page reaches the organism's other documents (`ref_doc`): their page of the version in force
    in the same language, `up` leading from the page's folder to the organism's (in that language); None (the
    reference in words) for one with no version in force in it (`serving`: the organisms, kinds and languages that
    have one), whose page the site does not carry."""
    return lambda document, kind: (
        f"{up}{kind}/{IN_FORCE_PAGE}" if (document.organism.id, kind, language) in serving else None
    )


@dataclass(frozen=True)
class Counterparts:
    """A document's site pages in the languages it is published in: the hreflang pairs of one page."""

    source: str
    language: str
    """The language of the page that links to its counterparts."""
    kind: str
    states: Mapping[str, Lifecycle[Release]]
    """The document's lifecycle in each language it is published in."""

    def __call__(self, page: str, wanted: Callable[[Lifecycle[Release]], bool]) -> tuple[Alternate, ...]:
        """`page` (under `<kind>/`) in each language whose lifecycle has it (`wanted`)."""
        having = tuple(lang for lang, state in self.states.items() if wanted(state))
        return site_alternates(self.source, having, self.language, f"{self.kind}/{page}")


def _serves(state: Lifecycle[Release]) -> bool:
    """Whether a document has a stable page in one language: a version in force, or only withdrawn ones."""
    return state.in_force is not None or state.state == WITHDRAWN


def _publishes(state: Lifecycle[Release], version: str) -> bool:
    """Whether a document's lifecycle in one language publishes the release of `version`."""
    return any(r.spec.version.isoformat() == version for r in state.published)


def _site_page(name: str, language: str) -> str:
    """A page at the site's root in a language: `index.html` in the source, `index.nl.html` in Dutch."""
    return f"{name}.html" if language == "fr" else f"{name}.{language}.html"


def _site_alternates(languages: list[str], language: str, name: str) -> tuple[Alternate, ...]:
    """The root page `name` in each of the site's `languages` (its hreflang pairs), none for a site in one."""
    if len(languages) < 2:
        return ()
    return tuple(Alternate(other, words(other).name, _site_page(name, other)) for other in languages)


WORKING_TREE_PAGE = re.compile(
    r"^[^/]+/(?:[a-z]{2}/)?[a-z]+-\d{4}-\d{2}-\d{2}\.(?:html|pdf|docx)$"
    r"|^[^/]+/(?:[a-z]{2}/)?[a-z]+/redline-[\d-]+-to-draft\."
)
"""A build's page of the working tree (`<organism>/<kind>-<date>.html`, `.pdf`, `.docx`, and a translation's under
`<organism>/<lang>/`) or of a draft's changes (`<organism>/<kind>/redline-<version>-to-draft.*`), which the published
site never carries (CI publishes over the merged build)."""


def release_links(state: Lifecycle[Release], release: Release | None, stem_in_folder: str = "") -> PageLinks:
    """The links of a published page: `release`'s permanent page (from `<folder>/releases/`), or the stable page of
    the version in force (`release` None, from `<folder>/`)."""
    page = release or state.in_force or (state.published[-1] if state.state == WITHDRAWN else None)
    assert page is not None
    up = "../" if stem_in_folder else ""
    version = page.spec.version.isoformat()
    coming = None
    if page is state.in_force and state.next is not None:
        coming = (state.next.spec.effective, f"{up}{redline_name(page, state.next.spec.version.isoformat())}.html")
    if page is state.in_force:
        status = "in-force"
    elif state.withdrawn(page):
        status = "withdrawn"
    elif page in state.upcoming:
        status = "upcoming"
    else:
        status = "superseded"
    return PageLinks(
        status,
        pdf=f"{version}.pdf" if stem_in_folder else f"releases/{version}.pdf",
        history=f"{up}changelog.html",
        in_force=f"{up}{IN_FORCE_PAGE}" if state.in_force is not None and release is not state.in_force else None,
        coming=coming,
        reaccept=f"../reaccept/{version}.html"
        if release is not None and stem_in_folder and not state.withdrawn(release) and state.material_since(release)
        else None,
        withdrawn=page.spec.withdrawn if state.withdrawn(page) else None,
    )


def reacceptance_pages(
    state: Lifecycle[Release],
    folder: str,
    theme: ThemeFolder,
    language: str = "fr",
    others: Counterparts | None = None,
) -> list[Artifact]:
    """`<folder>/reaccept/<version>.html` (and `.fragment.html`, for portals) for each earlier release that a material
    release came after: those releases, their redlines, and the date from which the new terms apply. No script.
    In `language` (a translation's `folder` is `<organism>/<lang>/<kind>`); `others` gives a page's counterparts in
    the other languages that publish it."""
    pages: list[Artifact] = []
    published = list(state.published)
    if state.current is None:
        return pages  # every release withdrawn: there is nothing to accept again
    newest = state.current.spec.version.isoformat()
    for accepted in published[: published.index(state.current)]:
        material = state.material_since(accepted)
        if not material:
            continue
        changes = [
            (r, f"../{redline_name(published[published.index(r) - 1], r.spec.version.isoformat())}.html")
            for r in material
        ]
        says = page_words(language)
        title = f"{accepted.document.title} – {accepted.document.organism.name}{says['colon']} {says['new_acceptance']}"
        reaccept = {
            "accepted": accepted,
            "changes": changes,
            "applies": material[0].spec.effective,
            "applies_since": material[0].spec.effective <= state.day,
            "day": state.day,
            "base": "../",
            "all_changes": f"../{redline_name(accepted, newest)}.html",
            "untranslated": untranslated_summaries(others.states, published) if others is not None else frozenset(),
            "source": accepted.document.organism.source_language,
        }
        version = accepted.spec.version.isoformat()
        stem = f"{folder}/reaccept/{version}"
        pairs = others(f"reaccept/{version}.html", partial(_reaccepts, version=version)) if others is not None else ()
        up = "../../../" if folder.count("/") == 1 else "../../../../"
        for suffix, fragment in ((".html", False), (".fragment.html", True)):
            page = listing_page(
                theme,
                title,
                f"{up}assets/{theme.name}/",
                language,
                reaccept=reaccept,
                fragment=fragment,
                alternates=() if fragment else pairs,
            )
            pages.append(Artifact(f"{stem}{suffix}", page.encode("utf-8")))
    return pages


def _release_files(
    out: Path,
    intact: Mapping[str, str],
    stem: str,
    release: Release,
    theme: ThemeFolder,
    root: Path,
    withdrawn: Withdrawal | None = None,
) -> list[Artifact]:
    """A release's PDF, the hash marker that says it was rendered from exactly that text, and its Word document.
    A release never changes: its files are rendered once (an earlier publication's are kept), but on every
    publication while it is `withdrawn` (its notice at the top: a file rendered before the withdrawal day, or by a
    cgu that wrote none, would not say it)."""
    seal = Artifact(f"{stem}.sha256", (release.sha256 + "\n").encode())
    return [seal] + [
        Artifact(f"{stem}.{name}", BUILDERS[name].render(release.document, theme, root, withdrawn))
        for name in ("pdf", "docx")
        if withdrawn is not None or not _rendered_before(out, intact, f"{stem}.{name}", release)
    ]


def _rendered_before(out: Path, intact: Mapping[str, str], path: str, release: Release) -> bool:
    """Whether an earlier publication left `path` rendered from exactly this release's text, both it and the hash
    marker beside it still as cgu wrote them (a file edited by hand since is rendered again)."""
    marker = path.rsplit(".", 1)[0] + ".sha256"
    return (
        path in intact
        and marker in intact
        and (out / marker).read_text(encoding="utf-8", errors="replace").strip() == release.sha256
    )


def published_extra(path: str) -> bool:
    """Files only `cgu publish` writes, which a build must leave in place."""
    return (
        "/releases/" in path
        or path in ("index.json", RELEASES_PAGE, "published.json")
        or bool(re.fullmatch(r"(?:index|releases)\.[a-z]{2}\.html", path))
        or path.startswith(f"{BUNDLES}/")
    )


def releases_page(
    theme: ThemeFolder, rows: list[IndexEntry], language: str = "fr", alternates: tuple[Alternate, ...] = ()
) -> Artifact:
    """releases.html (`releases.<lang>.html` in a translation): every published release, oldest first per document,
    each at its permanent address."""
    rows = sorted(rows, key=lambda row: (row.organism.lower(), row.title, row.version))
    title = page_words(language)["releases_title"]
    page = listing_page(theme, title, f"assets/{theme.name}/", language, releases=rows, alternates=alternates)
    return Artifact(_site_page("releases", language), page.encode("utf-8"))


def _reaccepts(state: Lifecycle[Release], version: str) -> bool:
    """Whether a document's lifecycle in one language has a re-acceptance page for the release of `version`."""
    published = list(state.published)
    before = published.index(state.current) if state.current is not None else 0  # as reacceptance_pages
    return any(r.spec.version.isoformat() == version and state.material_since(r) for r in published[:before])


def _redlines_to_current(published: tuple[Release, ...], folder: str) -> dict[str, str]:
    """Each published release's redline to the current one (relative to the site's root, as versions.json names it;
    `folder` the document's, in its language), by version."""
    if not published:
        return {}
    latest = published[-1]
    return {
        r.spec.version.isoformat(): f"{folder}/{redline_name(r, latest.spec.version.isoformat())}.html"
        for r in published[:-1]
    }
