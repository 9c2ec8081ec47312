"""Redline outputs: an embeddable HTML fragment, a standalone page, JSON and PDF; all escaped, all deterministic."""

from __future__ import annotations

import json
from pathlib import Path

from markupsafe import Markup, escape

from cgu.redline import DELETE, EQUAL, INSERT, ArticleChange, Redline

KIND_LABELS = {"modified": "modifié", "added": "ajouté", "removed": "supprimé", "editorial": "modification de forme",
               "unchanged": "inchangé"}

STYLE = """
.redline ins { text-decoration: underline; background: #e6f4ea; color: #0b3d1a; }
.redline del { text-decoration: line-through; background: #fde8e8; color: #6b0f0f; }
.redline .change { border-left: 4px solid #1f4e79; padding: .2rem 1rem; margin: 1.2rem 0; }
.redline .unchanged { color: #4a4a4a; font-style: italic; margin: .4rem 0; }
.redline .text { white-space: pre-wrap; font-family: inherit; }
.redline .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.redline nav.summary { background: #f2f5f8; padding: .6rem 1rem; }
.redline a:focus { outline: 3px solid #1f4e79; }
@media print { .redline ins { background: none; } .redline del { background: none; } .redline .nav-links { display: none; } }
"""

SCRIPT = """
document.addEventListener('keydown', function (event) {
  if (event.target.closest && event.target.closest('input, textarea')) { return; }
  var changes = Array.prototype.slice.call(document.querySelectorAll('.redline .change'));
  if (!changes.length || (event.key !== 'n' && event.key !== 'p' && event.key !== 'j' && event.key !== 'k')) { return; }
  var forward = event.key === 'n' || event.key === 'j';
  var current = changes.findIndex(function (c) { return c.getBoundingClientRect().top > 5; });
  if (current < 0) { current = changes.length; }
  var target = forward ? changes[Math.min(current, changes.length - 1)] : changes[Math.max(current - 2, 0)];
  target.focus(); target.scrollIntoView();
});
"""


def _ops_html(change: ArticleChange) -> Markup:
    parts = []
    for op, text in change.ops:
        if op == EQUAL:
            parts.append(escape(text))
        elif op == INSERT:
            parts.append(Markup('<ins><span class="sr-only">[début d’ajout] </span>{}<span class="sr-only"> [fin d’ajout]</span></ins>').format(text))
        elif op == DELETE:
            parts.append(Markup('<del><span class="sr-only">[début de suppression] </span>{}<span class="sr-only"> [fin de suppression]</span></del>').format(text))
    return Markup("").join(parts)


def _title(change: ArticleChange) -> str:
    article = change.new or change.old
    assert article is not None
    return article.heading if article.html else article.title


def render_html_fragment(redline: Redline) -> str:
    """The redline without page chrome, for a member portal: summary, then each article."""
    changed = [c for c in redline.changes if c.kind != "unchanged" or c.moved]
    out = [Markup('<div class="redline" lang="fr">')]
    out.append(Markup('<nav class="summary" aria-labelledby="redline-summary"><h2 id="redline-summary">Ce qui change</h2>'))
    if not changed:
        out.append(Markup("<p>Aucune modification.</p>"))
    elif redline.editorial_only:
        out.append(Markup("<p>Seules des modifications de forme (typographie, mise en page) ont été apportées.</p>"))
    out.append(Markup("<ol>"))
    for change in changed:
        label = KIND_LABELS[change.kind] + (", déplacé" if change.moved else "")
        out.append(Markup('<li><a href="#{}">{}</a> : {}</li>').format(change.anchor, _title(change), label))
    out.append(Markup("</ol><p class=\"nav-links\">Touches <kbd>n</kbd> et <kbd>p</kbd> : modification suivante ou précédente.</p></nav>"))
    index = 0
    unchanged: list[str] = []
    for position, change in enumerate(redline.changes):
        if change.kind == "unchanged" and not change.moved:
            unchanged.append(_title(change))
            following = redline.changes[position + 1] if position + 1 < len(redline.changes) else None
            if following is None or following.kind != "unchanged" or following.moved:
                label = "Inchangé" if len(unchanged) == 1 else f"Inchangés ({len(unchanged)})"
                out.append(Markup('<p class="unchanged">{} : {}.</p>').format(label, " ; ".join(unchanged)))
                unchanged = []
            continue
        index += 1
        label = KIND_LABELS[change.kind] + (", déplacé" if change.moved else "")
        out.append(Markup('<section class="change kind-{}" id="{}" tabindex="-1" aria-labelledby="{}--titre">').format(change.kind, change.anchor, change.anchor))
        out.append(Markup('<h3 id="{}--titre">{} <small>({})</small></h3>').format(change.anchor, _title(change), label))
        out.append(Markup('<div class="text">{}</div>').format(_ops_html(change)))
        links = []
        if index > 1:
            links.append(Markup('<a href="#{}">Modification précédente</a>').format(changed[index - 2].anchor))
        if index < len(changed):
            links.append(Markup('<a href="#{}">Modification suivante</a>').format(changed[index].anchor))
        out.append(Markup('<p class="nav-links">{}</p></section>').format(Markup(" · ").join(links)))
    out.append(Markup("</div>"))
    return str(Markup("\n").join(out)) + "\n"


def render_html_page(redline: Redline, title: str) -> str:
    """A standalone page: the fragment with its style and keyboard navigation."""
    return (
        "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{escape(title)}</title>\n<style>body {{ font-family: sans-serif; max-width: 50rem; margin: 0 auto; padding: 1rem; line-height: 1.5; }}"
        f"{STYLE}</style>\n</head>\n<body>\n<main>\n<h1>{escape(title)}</h1>\n"
        f"{render_html_fragment(redline)}</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )


def render_json(redline: Redline) -> str:
    """Every change with its operations: enough to rebuild both versions."""
    def side(change: ArticleChange, which: str) -> dict[str, object] | None:
        article = change.old if which == "old" else change.new
        return None if article is None else {"id": article.id, "number": article.number, "title": article.title}
    data = {"editorial_only": redline.editorial_only,
            "changes": [{"kind": c.kind, "moved": c.moved, "old": side(c, "old"), "new": side(c, "new"),
                         "ops": [[op, text] for op, text in c.ops]} for c in redline.changes]}
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def render_pdf(redline: Redline, title: str, root: Path) -> bytes:
    """The standalone page printed by WeasyPrint, with the same confined fetcher as documents."""
    from weasyprint import HTML

    from cgu.builders.pdf import ConfinedFetcher, _source_date

    with _source_date(946684800):  # fixed font-subset timestamps: the same redline gives the same bytes
        pdf = HTML(string=render_html_page(redline, title), base_url=root.resolve().as_uri() + "/",
                   url_fetcher=ConfinedFetcher([root])).write_pdf(pdf_identifier=b"cgu-redline-" + title.encode()[:20])
    assert pdf is not None
    return bytes(pdf)
