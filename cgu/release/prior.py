"""Prior releases: a version the organism published before it used cgu, kept as a Markdown file in its repository.

A release declared with `prior: <file>` takes its text from that file instead of composing the clauses: the file is
written as the document members read (`# Title`, then one `## Article title {#anchor}` heading per article), and the
release is sealed with the SHA-256 of its canonical text like any other. No git here: the book reads the file (from
the declaring commit, or the working tree) and hands its text to `prior_document`.
"""

from __future__ import annotations

import datetime as dt
import re

from cgu.compose.markdown import MARKDOWN, render_markdown, slugify
from cgu.compose.markers import questions_in
from cgu.errors import CguError
from cgu.model import Article, Document, Organism, Problem, Release, ReleaseSpec, SourceLocation
from cgu.release.cache import ReleaseCache, content_digest
from cgu.release.history import Declaration, History
from cgu.release.seal import text_hash
from cgu.rules.registry import RULES

PRIOR_FOLDER = "prior"
"""Where `cgu release --prior` keeps the file: `organisms/<id>/prior/<kind>-<version>.md`."""
_ANCHOR = re.compile(r"\s*\{#([a-z0-9][a-z0-9-]*)\}\s*$")
_NUMBER = re.compile(r"^(?:article\s+)?\d+(?:\.\d+)*\s*(?:[.:)–—-]\s*)?", re.IGNORECASE)


def prior_document(
    text: str, shown: str, organism: Organism, kind: str, spec: ReleaseSpec, cache: ReleaseCache | None = None
) -> Document:
    """The document a prior file holds, dated by its release; a file that is not one: a CguError at its line. Given
    the run's `cache`, a file read whole by an earlier run (same name, same text) is not parsed again."""
    made_of = content_digest(["prior", shown, text]) if cache is not None else ""
    kept = cache.prior(made_of) if cache is not None else None
    if kept is None:
        kept = _title_and_articles(text, shown)
        if cache is not None:
            cache.keep_prior(made_of, *kept)
    title, articles = kept
    return Document(organism, kind, title or organism.documents[kind].title, spec.version, spec.effective, articles)


def _title_and_articles(text: str, shown: str) -> tuple[str | None, tuple[Article, ...]]:
    """The file's `# Title` (None when it has none, or an empty one) and its articles."""
    lines = text.split("\n")
    tokens = MARKDOWN.parse(text)
    title = None
    titled = False
    headings: list[tuple[int, int, str]] = []  # (first line, first body line, heading text) of each article
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.level != 0 or token.map is None:
            continue
        content = tokens[index + 1].content.strip()
        if token.tag == "h1":
            if headings or titled:
                raise CguError.at(
                    SourceLocation(shown, token.map[0] + 1),
                    "a prior document has one '# Title', on top; write each article under a '## Title' heading",
                )
            title, titled = content or None, True
        elif token.tag == "h2":
            headings.append((token.map[0], token.map[1], content))
    first_body = next((t.map[0] for t in tokens if t.map is not None and t.level == 0), None)
    first_article = headings[0][0] if headings else len(lines)
    for token in tokens:
        if token.map is None or token.level != 0 or token.map[0] >= first_article:
            continue
        if token.type.endswith("_open") and token.tag != "h1" or token.type in ("fence", "code_block", "html_block"):
            raise CguError.at(
                SourceLocation(shown, token.map[0] + 1),
                "text before the first article: put it under a '## Title' heading (an article), or remove it",
            )
    if not headings:
        raise CguError.at(
            SourceLocation(shown, (first_body or 0) + 1),
            "no article in this prior document: write each article under a '## Title' heading",
        )
    articles = []
    seen: dict[str, int] = {}
    for number, (start, body_start, heading) in enumerate(headings, start=1):
        end = headings[number][0] if number < len(headings) else len(lines)
        anchor = _ANCHOR.search(heading)
        name = _NUMBER.sub("", heading[: anchor.start()] if anchor else heading).strip() or heading
        article_id = anchor.group(1) if anchor else slugify(name)
        where = SourceLocation(shown, start + 1)
        if article_id in seen:
            raise CguError.at(
                where,
                f"two articles have the anchor {article_id!r} (the other at line {seen[article_id]}): give one "
                "of them its own with '{#anchor}' at the end of its heading",
            )
        seen[article_id] = start + 1
        while body_start < end and not lines[body_start].strip():
            body_start += 1  # the body's first line: line offsets below count from it
        body = _sub_headings_up("\n".join(lines[body_start:end]).rstrip("\n"))
        rendered = render_markdown(body, article_id, number)
        if rendered.refused:
            line, message = rendered.refused[0]
            raise CguError.at(where.at(body_start - start + line), message)
        to_complete = tuple(
            (where.at(body_start - start + offset), question)
            for offset, line_text in enumerate(body.split("\n"))
            for question in questions_in(line_text)
        )
        articles.append(
            Article(number, article_id, name, body, rendered.html, True, where, rendered.sections, to_complete)
        )
    return title, tuple(articles)


def _sub_headings_up(body: str) -> str:
    """An article body's `###` headings as the `##` sub-sections a clause writes (numbered `N.1`, `N.2`...)."""
    lines = body.split("\n")
    for token in MARKDOWN.parse(body):
        if token.type == "heading_open" and token.map is not None and lines[token.map[0]].lstrip().startswith("###"):
            lines[token.map[0]] = lines[token.map[0]].replace("#", "", 1)
    return "\n".join(lines)


def prior_release(
    organism: Organism,
    kind: str,
    spec: ReleaseSpec,
    declaration: Declaration | None,
    history: History,
    cache: ReleaseCache | None = None,
) -> tuple[Release | None, list[Problem]]:
    """A prior release read from its file: at the commit that declared it when committed (the working tree's copy
    must still hold that text), else from the working tree; with the problems found (rules release-prior,
    release-immutable, release-uncommitted). None when no text can be read."""
    assert spec.prior is not None
    label = f"prior release {spec.version.isoformat()} of the {kind}"
    problems: list[Problem] = []

    def read(text: str | None, where: str) -> Document | None:
        if text is None:
            problems.append(
                RULES["release-prior"].problem(
                    spec.location,
                    f"{label}: {spec.prior} is not in {where}; the prior text must be committed with its declaration",
                    organism.id,
                )
            )
            return None
        try:
            return prior_document(text, spec.prior or "", organism, kind, spec, cache)
        except CguError as error:
            problem = error.problems[0]
            problems.append(
                RULES["release-prior"].problem(problem.location, f"{label}: {problem.message}", organism.id)
            )
            return None

    path = history.root / spec.prior
    working = read(path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None, "the project")
    if declaration is None:
        if working is None:
            return None, problems
        digest = text_hash(working)
        if spec.sha256 and spec.sha256 != digest:
            problems.append(_changed(label, spec, organism, digest, "restore the text it was sealed with"))
        if history.available:
            problems.append(
                RULES["release-uncommitted"].problem(
                    spec.location,
                    f"{label} is not committed yet: commit the organism file and {spec.prior} to publish it",
                    organism.id,
                )
            )
        return Release(organism.id, kind, spec, None, None, digest, working), problems
    document = read(history.read(declaration.commit, spec.prior), f"commit {declaration.commit[:10]}")
    if document is None:
        return None, problems
    digest = text_hash(document)
    if spec.sha256 and spec.sha256 != digest:
        problems.append(
            _changed(label, spec, organism, digest, f"history was rewritten at commit {declaration.commit[:10]}")
        )
    if working is not None and text_hash(working) != (spec.sha256 or digest):
        problems.append(
            _changed(
                label,
                spec,
                organism,
                text_hash(working),
                f"restore the file as it was sealed: git checkout {declaration.commit[:10]} -- {spec.prior}",
            )
        )
    published = dt.datetime.combine(spec.version, dt.time(), tzinfo=dt.UTC)  # the organism published it then
    return Release(organism.id, kind, spec, declaration.commit, published, digest, document), problems


def _changed(label: str, spec: ReleaseSpec, organism: Organism, digest: str, what_to_do: str) -> Problem:
    return RULES["release-immutable"].problem(
        SourceLocation(spec.prior or spec.location.path),
        f"{label} changed after it was sealed: sealed sha256 {(spec.sha256 or '')[:12]}…, {spec.prior} now hashes "
        f"{digest[:12]}…; {what_to_do}",
        organism.id,
    )
