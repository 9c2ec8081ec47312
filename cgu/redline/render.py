"""Redline outputs: an embeddable HTML fragment, a standalone page, JSON and PDF; all escaped, all deterministic."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from cgu.articles import Article, ArticleChange, Redline
from cgu.builtin import BUILTIN_THEMES
from cgu.compose.page_words import page_words
from cgu.load.plain_template import render_plain
from cgu.redline.compare import carried_over, pieces
from cgu.redline.markup import article_markup, visible

if TYPE_CHECKING:  # Jinja's themes only when a page goes through them: a redline of two files needs neither
    from cgu.compose.language import Alternate
    from cgu.load.themes import ThemeFolder
    from cgu.render.html import PreviewBar

KIND_LABELS = {
    "modified": "modifié",
    "added": "ajouté",
    "removed": "supprimé",
    "editorial": "modification de forme",
    "unchanged": "inchangé",
}

STYLE = (
    """
.redline ins { text-decoration: underline; background: #e6f4ea; color: #0b3d1a; }
.redline del { text-decoration: line-through; background: #fde8e8; color: #6b0f0f; }
.redline .forme { text-decoration: underline dotted #767676; }
.redline .change { border-left: 4px solid #1f4e79; padding: .2rem 1rem; margin: 1.2rem 0; }
.redline .change.kind-editorial { border-left-style: dotted; }
.redline .unchanged { color: #4a4a4a; font-style: italic; margin: .4rem 0; }
.redline .text { overflow-wrap: anywhere; }
.redline .text table { border-collapse: collapse; } .redline .text th, .redline .text td { """
    """border: 1px solid #767676; padding: .2rem .4rem; vertical-align: top; }
.redline .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); """
    """white-space: nowrap; }
.redline nav.summary { background: #f2f5f8; padding: .6rem 1rem; }
.redline a:focus, .redline .change:focus { outline: 3px solid #1f4e79; }
.redline details.folded > summary { color: #4a4a4a; cursor: pointer; }
.redline .excerpt { color: #4a4a4a; }
@media print {
  .redline .nav-links, .redline .keys { display: none; }
  .redline details.folded > :not(summary) { display: none; }
  .redline .change { break-inside: auto; }
}
"""
)

SCRIPT = """
// n/p stop at each change: every run of ins/del in an article (adjacent ones are one change), and each article
// whose change has no such mark (form only, moved).
var redlineCurrent = null;
function redlineStops() {
  var marks = 'ins, del';
  var selector = '.redline .change, .redline .text ins, .redline .text del';
  return Array.prototype.slice.call(document.querySelectorAll(selector))
    .filter(function (node) {
      if (node.classList.contains('change')) { return !node.querySelector(marks); }
      var before = node.previousSibling;
      while (before && before.nodeType === 3 && !before.textContent.trim()) { before = before.previousSibling; }
      return !(before && before.nodeType === 1 && before.matches(marks));
    });
}
document.addEventListener('keydown', function (event) {
  if (event.ctrlKey || event.metaKey || event.altKey || ['n', 'p', 'j', 'k'].indexOf(event.key) < 0) { return; }
  var field = event.target.closest && event.target.closest('input, textarea, select, [contenteditable]');
  var changes = redlineStops();
  if (field || !changes.length) { return; }
  var forward = event.key === 'n' || event.key === 'j';
  var at = changes.indexOf(redlineCurrent);
  var box = at >= 0 ? redlineCurrent.getBoundingClientRect() : null;
  var target = null;
  if (box && box.bottom > 0 && box.top < window.innerHeight) {  // still on screen: the next or previous stop
    target = changes[at + (forward ? 1 : -1)] || null;
  } else {  // scrolled away: the first stop below, or the last above, the top of the window
    changes.forEach(function (change) {
      var top = change.getBoundingClientRect().top;
      if (forward && top > 8 && !target) { target = change; }
      if (!forward && top < -8) { target = change; }
    });
  }
  if (!target) { return; }
  event.preventDefault();
  var folded = target.closest('details');
  if (folded) { folded.open = true; }
  if (!target.hasAttribute('tabindex')) { target.setAttribute('tabindex', '-1'); }
  redlineCurrent = target;
  target.focus();
  target.scrollIntoView({block: 'center'});
  var section = target.closest('.change');
  if (section) { history.replaceState(null, '', '#' + section.id); }
});
"""


def _title(change: ArticleChange, old: bool = False) -> str:
    article = (change.old or change.new) if old else (change.new or change.old)
    assert article is not None
    return visible(article.heading if article.html else article.title)


def kind_label(change: ArticleChange, language: str = "fr") -> str:
    """What happened to an article, in the page's language ("modifié, déplacé")."""
    says = page_words(language)
    return says[change.kind] + (f", {says['moved']}" if change.moved else "")


def _label(change: ArticleChange, origin: dict[int, str] | None = None, language: str = "fr") -> str:
    says = page_words(language)
    where = (origin or {}).get(id(change))
    moved = ""
    if change.moved:
        moved = f", {says['moved']}" + (f" ; {says['stood']} {where}" if where else "")
    elif where:  # a split or a merge
        moved = f" ; {where}"
    return says[change.kind] + moved


def _quoted(text: str, language: str) -> str:
    says = page_words(language)
    return f"{says['open_quote']}{text}{says['close_quote']}"


def _origins(redline: Redline, language: str = "fr") -> dict[int, str]:
    """Where each moved article stood in the old version (after which article, or at the top); where the text of a
    split or merged article comes from or went."""
    olds = sorted((c for c in redline.changes if c.old is not None), key=lambda c: c.old.number if c.old else 0)
    says = page_words(language)
    origin = {}
    for key, neighbour in carried_over(redline).items():
        title = _quoted(_title(neighbour), language)
        added = any(c.kind == "added" for c in redline.changes if id(c) == key)
        origin[key] = (
            f"{says['taken_from']} {title} ({says['split']})"
            if added
            else f"{says['taken_into']} {title} ({says['merged']})"
        )
    for index, change in enumerate(olds):
        if change.moved:
            origin[id(change)] = (
                says["at_the_top"]
                if index == 0
                else f"{says['after']} {_quoted(_title(olds[index - 1], old=True), language)}"
            )
    return origin


EXCERPTS = 3
"""Substantive changes quoted per article in the summary."""
EXCERPT_LENGTH = 60


def _excerpts(change: ArticleChange, language: str = "fr") -> list[str]:
    """The first substantive changes of an article as short before → after quotes ("9.99 € → 19.99 €"), each
    widened to whole words."""
    runs = pieces(change)
    quotes: list[str] = []
    old_at = new_at = 0
    old_text, new_text = change.old_text(), change.new_text()
    for piece in runs:
        if piece.status == "changed" and len(quotes) < EXCERPTS:
            before = _words_around(old_text, old_at, old_at + len(piece.old)) if piece.old else ""
            after = _words_around(new_text, new_at, new_at + len(piece.new)) if piece.new else ""
            says = page_words(language)
            if before and after:
                quotes.append(f"{_quoted(before, language)} → {_quoted(after, language)}")
            elif after:
                quotes.append(f"{says['added_quote']}{says['quote_colon']} {_quoted(after, language)}")
            elif before:
                quotes.append(f"{says['removed_quote']}{says['quote_colon']} {_quoted(before, language)}")
        old_at, new_at = old_at + len(piece.old), new_at + len(piece.new)
    return quotes


def _words_around(text: str, start: int, end: int) -> str:
    """The span widened to whole words, one more word on each side when it is short; Markdown markers dropped,
    spaces joined, cut to EXCERPT_LENGTH."""
    start, end = _word_start(text, start), _word_end(text, end)
    if end - start < 12:  # one more word on each side, within the line
        if start > 0 and text[start - 1] in " \t\u00a0":
            start = _word_start(text, start - 1)
        if end < len(text) and text[end] in " \t\u00a0":
            end = _word_end(text, end + 1)
    words = " ".join(_MARKERS.sub("", visible(text[start:end])).split())
    return words if len(words) <= EXCERPT_LENGTH else words[: EXCERPT_LENGTH - 1].rstrip() + "…"


def _word_start(text: str, at: int) -> int:
    while at > 0 and not text[at - 1].isspace():
        at -= 1
    return at


def _word_end(text: str, at: int) -> int:
    while at < len(text) and not text[at].isspace():
        at += 1
    return at


_MARKERS = re.compile(r"[*_`]+|^#+|\\(?=.)|(?<=\s)#+(?=\s)")


def render_html_fragment(redline: Redline, language: str = "fr") -> str:
    """The redline without page chrome, for a member portal: summary with links, then each changed article, in
    `language` (the words around the texts; the texts are the two versions' own)."""
    says = page_words(language)
    shown = [c for c in redline.changes if c.kind != "unchanged" or c.moved]
    substantive_ids = {id(c) for c in redline.substantive}
    substantive = [c for c in shown if id(c) in substantive_ids]
    editorial = [c for c in shown if id(c) not in substantive_ids]
    position_of = {id(c): i for i, c in enumerate(shown)}
    origin = _origins(redline, language)
    out = [
        Markup('<div class="redline" lang="{}">').format(says["lang"]),
        Markup('<nav class="summary" aria-labelledby="redline-summary"><h2 id="redline-summary">{}</h2>').format(
            says["what_changes"]
        ),
    ]
    if not shown:
        out.append(Markup("<p>{}</p>").format(says["no_change"]))
    elif not substantive:
        out.append(Markup("<p>{}</p>").format(says["form_changes_only"]))
    if substantive:
        out.append(Markup("<ol>"))
        for change in substantive:
            quotes = _excerpts(change, language) if change.kind == "modified" else []
            details = Markup("").join(Markup('<br><span class="excerpt">{}</span>').format(q) for q in quotes)
            out.append(
                Markup('<li><a href="#{}">{}</a>{} {}{}</li>').format(
                    change.anchor, _title(change), says["colon"], _label(change, origin, language), details
                )
            )
        out.append(Markup("</ol>"))
    if editorial:
        links = Markup(" ; ").join(Markup('<a href="#{}">{}</a>').format(c.anchor, _title(c)) for c in editorial)
        out.append(Markup("<p>{} {}.</p>").format(says["form_only_in"], links))
    if redline.notes:
        titles = {c.anchor: _title(c) for c in redline.changes}
        out.append(Markup('<ul class="reference-notes">'))
        for note in redline.notes:
            out.append(
                Markup('<li>{}{} {} {} {} (<a href="#{}">{}</a>).</li>').format(
                    _quoted(titles[note.source], language),
                    says["colon"],
                    says["reference_changed_before"],
                    note.number,
                    says["reference_changed_after"],
                    note.target,
                    titles[note.target],
                )
            )
        out.append(Markup("</ul>"))
    if shown:
        out.append(Markup('<p class="keys">{}</p>').format(Markup(says["keys"])))
    out.append(Markup("</nav>"))
    unchanged: list[str] = []
    for position, change in enumerate(redline.changes):
        if change.kind == "unchanged" and not change.moved:
            unchanged.append(_title(change))
            following = redline.changes[position + 1] if position + 1 < len(redline.changes) else None
            if following is None or following.kind != "unchanged" or following.moved:
                label = says["unchanged_one"] if len(unchanged) == 1 else f"{says['unchanged_many']} ({len(unchanged)})"
                out.append(
                    Markup('<p class="unchanged">{}{} {}.</p>').format(label, says["colon"], " ; ".join(unchanged))
                )
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
                change.anchor, _title(change), _label(change, origin, language)
            )
        )
        out.append(Markup('<div class="text">{}</div>').format(article_markup(change, language)))
        neighbours: list[Markup] = []
        if index > 0:
            neighbours.append(Markup('<a href="#{}">{}</a>').format(shown[index - 1].anchor, says["previous_change"]))
        if index + 1 < len(shown):
            neighbours.append(Markup('<a href="#{}">{}</a>').format(shown[index + 1].anchor, says["next_change"]))
        if neighbours:
            out.append(Markup('<p class="nav-links">{}</p>').format(Markup(" · ").join(neighbours)))
        out.append(Markup("</section>"))
    out.append(Markup("</div>"))
    return str(Markup("\n").join(out)) + "\n"


PAGE_TEMPLATE = "redline.html"
"""The standalone page's template in a theme; a theme without one (copied before it existed) uses the built-in's."""


def render_html_page(
    redline: Redline,
    title: str,
    theme: ThemeFolder | None = None,
    preview: PreviewBar | None = None,
    fragment: str | None = None,
    language: str = "fr",
    alternates: tuple[Alternate, ...] = (),
) -> str:
    """A standalone page: the fragment with its style and keyboard navigation, through the theme's `redline.html`
    (the organism's theme for its releases, else the built-in one), in the themes' sandbox, with the words of
    `language` and the page's counterparts in other languages (`alternates`, hreflang); `preview` in `cgu preview`
    only; `fragment`: the redline's `render_html_fragment`, when the caller made it already."""
    context = {
        "title": title,
        "says": page_words(language),
        "alternates": alternates,
        "style": Markup(STYLE),
        "fragment": Markup(render_html_fragment(redline, language) if fragment is None else fragment),
        "script": Markup(SCRIPT),
        **({"preview": preview} if preview else {}),
    }
    page = None if theme or preview else render_plain(BUILTIN_THEMES / "default" / PAGE_TEMPLATE, context)
    if page is None:
        from cgu.load.themes import builtin_theme

        page = (theme or builtin_theme()).having(PAGE_TEMPLATE).render(PAGE_TEMPLATE, **context)
    return page if page.endswith("\n") else page + "\n"


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
    import json  # only for this format

    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def render_pdf(redline: Redline, title: str, root: Path, theme: ThemeFolder | None = None) -> bytes:
    """The standalone page printed by WeasyPrint in the built-in theme's fonts only (never the machine's), with the
    same confined fetcher as documents: the same redline gives the same bytes on any machine."""
    from weasyprint import CSS, HTML

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
            string=render_html_page(redline, title, theme), base_url=root.resolve().as_uri() + "/", url_fetcher=fetcher
        ).write_pdf(stylesheets=[stylesheet], font_config=fonts, pdf_identifier=b"cgu-redline-" + title.encode()[:20])
    assert pdf is not None
    return bytes(pdf)
