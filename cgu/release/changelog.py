"""Changelogs, re-acceptance data (versions.json) and the redlines they point to, for every released document."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from markupsafe import escape

from cgu.compose.composer import escape_markdown
from cgu.compose.french import french_date
from cgu.model import Artifact, Document, Organism, Release
from cgu.redline.compare import Redline, redline
from cgu.redline.render import (
    KIND_LABELS,
    render_html_fragment,
    render_html_page,
    render_json,
)
from cgu.release.acceptance import redline_name, versions_json
from cgu.release.book import ReleaseBook

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


def changelog_html(organism: Organism, kind: str, entries: list[Entry]) -> str:
    """The changelog as a standalone HTML page, newest release first, with links into each redline."""
    title = f"Historique des versions – {organism.documents[kind].title} – {organism.name}"
    items = []
    for entry in entries:
        spec = entry.release.spec
        flag = "nouvelle acceptation requise" if spec.material else "sans nouvelle acceptation"
        link = f' <a href="{escape(entry.redline_url)}">Voir les modifications</a>' if entry.redline_url else ""
        unpublished = UNPUBLISHED if entry.release.commit is None else ""
        items.append(
            f"<li><h2>Version du {escape(french_date(spec.version))}{unpublished}</h2><p>En vigueur à compter du "
            f"{escape(french_date(spec.effective))} ({flag}).{link}</p><p>{escape(spec.summary)}</p>"
            f"{_article_list(entry)}<p>SHA-256 : <code>{entry.release.sha256}</code></p></li>"
        )
    return (
        f'<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n<title>{escape(title)}</title>\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # A SHA-256 is 64 characters without a break: it wraps rather than widen the page on a phone.
        "<style>code { overflow-wrap: anywhere; }</style>\n"
        f"</head>\n<body>\n<main>\n<h1>{escape(title)}</h1>\n"
        f"<ol reversed>\n{''.join(items)}\n</ol>\n</main>\n</body>\n</html>\n"
    )


def _article_list(entry: Entry) -> str:
    changed = changed_articles(entry)
    if entry.redline is None:
        return "<p>Première version publiée.</p>"
    if not changed:
        return "<p>Modifications de forme uniquement.</p>"
    items = "".join(
        f'<li><a href="{escape(link)}">{escape(heading)}</a> : {escape(label)}</li>' for heading, link, label in changed
    )
    return f"<ul>{items}</ul>"


def release_files(book: ReleaseBook, documents: list[Document], day: dt.date | None = None) -> list[Artifact]:
    """versions.json, changelogs and redlines (consecutive releases, each release to the newest, the release in force
    to each coming one) of the releases published on `day` (default: the run's today), for each of the
    (draft-marked) documents that has any in the book."""
    from cgu.release.lifecycle import lifecycle, today

    day = day or today()
    artifacts: list[Artifact] = []
    for document in documents:
        organism, kind = document.organism, document.kind
        state = lifecycle(book.of(organism.id, kind).releases, day)
        releases = list(state.published)
        if not releases:
            continue  # nothing published yet: no history for members, the page is a draft
        base = folder(organism, kind)
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
        for name, (old, new) in sorted(redlines.items()):
            result = computed.get(name) or redline(old.document.articles, new.document.articles)
            title = (
                f"{organism.documents[kind].title} – modifications entre les versions du "
                f"{french_date(old.spec.version)} et du {french_date(new.spec.version)}"
            )
            artifacts += [
                Artifact(f"{base}/{name}.html", render_html_page(result, title).encode()),
                Artifact(f"{base}/{name}.fragment.html", render_html_fragment(result).encode()),
                Artifact(f"{base}/{name}.json", render_json(result).encode()),
            ]
        artifacts += [
            Artifact(f"{base}/versions.json", versions_json(organism, kind, releases, document, day).encode()),
            Artifact(f"{base}/changelog.md", changelog_markdown(organism, kind, entries).encode()),
            Artifact(f"{base}/changelog.html", changelog_html(organism, kind, entries).encode()),
            Artifact(f"{base}/changelog.json", changelog_json(organism, kind, entries).encode()),
        ]
    return artifacts
