"""Redline outputs: an embeddable HTML fragment, a standalone page, JSON and PDF; all escaped, all deterministic."""

from __future__ import annotations

import json
from pathlib import Path

from markupsafe import Markup

from cgu.model import Article, ArticleChange, Redline
from cgu.redline.markup import article_markup

KIND_LABELS = {
    "modified": "modifié",
    "added": "ajouté",
    "removed": "supprimé",
    "editorial": "modification de forme",
    "unchanged": "inchangé",
}

STYLE = """
.redline ins { text-decoration: underline; background: #e6f4ea; color: #0b3d1a; }
.redline del { text-decoration: line-through; background: #fde8e8; color: #6b0f0f; }
.redline .forme { text-decoration: underline dotted #767676; }
.redline .change { border-left: 4px solid #1f4e79; padding: .2rem 1rem; margin: 1.2rem 0; }
.redline .change.kind-editorial { border-left-style: dotted; }
.redline .unchanged { color: #4a4a4a; font-style: italic; margin: .4rem 0; }
.redline .text { overflow-wrap: anywhere; }
.redline .text table { border-collapse: collapse; } .redline .text th, .redline .text td { border: 1px solid #767676; padding: .2rem .4rem; vertical-align: top; }
.redline .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.redline nav.summary { background: #f2f5f8; padding: .6rem 1rem; }
.redline a:focus, .redline .change:focus { outline: 3px solid #1f4e79; }
@media print {
  .redline ins, .redline del { background: none; color: #000; }
  .redline ins::before { content: "[+ "; } .redline ins::after { content: " +]"; }
  .redline del::before { content: "[- "; } .redline del::after { content: " -]"; }
  .redline .nav-links, .redline .keys { display: none; }
  .redline .change { border-left-color: #000; break-inside: avoid-page; }
}
"""

SCRIPT = """
document.addEventListener('keydown', function (event) {
  if (event.ctrlKey || event.metaKey || event.altKey || ['n', 'p', 'j', 'k'].indexOf(event.key) < 0) { return; }
  var field = event.target.closest && event.target.closest('input, textarea, select, [contenteditable]');
  var changes = Array.prototype.slice.call(document.querySelectorAll('.redline .change'));
  if (field || !changes.length) { return; }
  var forward = event.key === 'n' || event.key === 'j';
  var target = null;
  changes.forEach(function (change) {
    var top = change.getBoundingClientRect().top;
    if (forward && top > 8 && !target) { target = change; }
    if (!forward && top < -8) { target = change; }
  });
  if (!target) { return; }
  event.preventDefault();
  target.focus();
  target.scrollIntoView();
  history.replaceState(null, '', '#' + target.id);
});
"""


def _title(change: ArticleChange) -> str:
    article = change.new or change.old
    assert article is not None
    return article.heading if article.html else article.title


def _label(change: ArticleChange) -> str:
    return KIND_LABELS[change.kind] + (", déplacé" if change.moved else "")


def render_html_fragment(redline: Redline) -> str:
    """The redline without page chrome, for a member portal: summary with links, then each changed article."""
    shown = [c for c in redline.changes if c.kind != "unchanged" or c.moved]
    substantive_ids = {id(c) for c in redline.substantive}
    substantive = [c for c in shown if id(c) in substantive_ids]
    editorial = [c for c in shown if id(c) not in substantive_ids]
    position_of = {id(c): i for i, c in enumerate(shown)}
    out = [
        Markup('<div class="redline" lang="fr">'),
        Markup('<nav class="summary" aria-labelledby="redline-summary"><h2 id="redline-summary">Ce qui change</h2>'),
    ]
    if not shown:
        out.append(Markup("<p>Aucune modification.</p>"))
    elif not substantive:
        out.append(
            Markup(
                "<p>Aucune modification de fond : seulement des modifications de forme (typographie, "
                "espaces, mise en forme, numérotation).</p>"
            )
        )
    if substantive:
        out.append(Markup("<ol>"))
        for change in substantive:
            out.append(
                Markup('<li><a href="#{}">{}</a> : {}</li>').format(change.anchor, _title(change), _label(change))
            )
        out.append(Markup("</ol>"))
    if editorial:
        links = Markup(" ; ").join(Markup('<a href="#{}">{}</a>').format(c.anchor, _title(c)) for c in editorial)
        out.append(Markup("<p>Modifications de forme seulement : {}.</p>").format(links))
    if shown:
        out.append(
            Markup(
                '<p class="keys">Touches <kbd>n</kbd> (ou <kbd>j</kbd>) et <kbd>p</kbd> (ou <kbd>k</kbd>) : '
                "modification suivante ou précédente.</p>"
            )
        )
    out.append(Markup("</nav>"))
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
        index = position_of[id(change)]
        out.append(
            Markup('<section class="change kind-{}" id="{}" tabindex="-1" aria-labelledby="{}--titre">').format(
                change.kind, change.anchor, change.anchor
            )
        )
        out.append(
            Markup('<h3 id="{}--titre">{} <small>({})</small></h3>').format(
                change.anchor, _title(change), _label(change)
            )
        )
        out.append(Markup('<div class="text">{}</div>').format(article_markup(change)))
        links = []
        if index > 0:
            links.append(Markup('<a href="#{}">← Modification précédente</a>').format(shown[index - 1].anchor))
        if index + 1 < len(shown):
            links.append(Markup('<a href="#{}">Modification suivante →</a>').format(shown[index + 1].anchor))
        if links:
            out.append(Markup('<p class="nav-links">{}</p>').format(Markup(" · ").join(links)))
        out.append(Markup("</section>"))
    out.append(Markup("</div>"))
    return str(Markup("\n").join(out)) + "\n"


PAGE = Markup("""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body {{ font-family: sans-serif; max-width: 50rem; margin: 0 auto; padding: 1rem; line-height: 1.5; }}{style}</style>
</head>
<body>
<main>
<h1>{title}</h1>
{fragment}</main>
<script>{script}</script>
</body>
</html>
""")


def render_html_page(redline: Redline, title: str) -> str:
    """A standalone page: the fragment with its style and keyboard navigation."""
    return str(
        PAGE.format(
            title=title, style=Markup(STYLE), fragment=Markup(render_html_fragment(redline)), script=Markup(SCRIPT)
        )
    )


def render_json(redline: Redline) -> str:
    """Every change with its operations (enough to rebuild both versions) and its classification; sorted keys."""
    substantive_ids = {id(c) for c in redline.substantive}

    def side(article: Article | None) -> dict[str, object] | None:
        return None if article is None else {"id": article.id, "number": article.number, "title": article.title}

    data = {
        "editorial_only": redline.editorial_only,
        "substantive": [c.anchor for c in redline.substantive],
        "changes": [
            {
                "anchor": c.anchor,
                "kind": c.kind,
                "moved": c.moved,
                "substantive": id(c) in substantive_ids,
                "old": side(c.old),
                "new": side(c.new),
                "ops": [[op, text] for op, text in c.ops],
            }
            for c in redline.changes
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def render_pdf(redline: Redline, title: str, root: Path) -> bytes:
    """The standalone page printed by WeasyPrint in the built-in theme's fonts only (never the machine's), with the
    same confined fetcher as documents: the same redline gives the same bytes on any machine."""
    from weasyprint import CSS, HTML

    from cgu.builtin import BUILTIN_THEMES
    from cgu.render.fonts import theme_only_fonts
    from cgu.render.pdf import ConfinedFetcher, _source_date

    fonts_folder = BUILTIN_THEMES / "default" / "fonts"
    faces = "".join(
        f'@font-face {{ font-family: "Lato"; src: url("{(fonts_folder / f"Lato-{name}.ttf").as_uri()}"); '
        f"font-weight: {weight}; font-style: {style}; }}\n"
        for name, weight, style in (
            ("Regular", "normal", "normal"),
            ("Bold", "bold", "normal"),
            ("Italic", "normal", "italic"),
            ("BoldItalic", "bold", "italic"),
        )
    )
    fonts = theme_only_fonts()
    fetcher = ConfinedFetcher([root, fonts_folder])
    stylesheet = CSS(
        string=faces + "body, kbd, code, pre { font-family: Lato; }", font_config=fonts, url_fetcher=fetcher
    )
    with _source_date(946684800):  # fixed font-subset timestamps: the same redline gives the same bytes
        pdf = HTML(
            string=render_html_page(redline, title), base_url=root.resolve().as_uri() + "/", url_fetcher=fetcher
        ).write_pdf(stylesheets=[stylesheet], font_config=fonts, pdf_identifier=b"cgu-redline-" + title.encode()[:20])
    assert pdf is not None
    return bytes(pdf)
