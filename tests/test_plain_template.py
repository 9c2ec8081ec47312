"""The Jinja-free renderer of the simplest page templates: the same text as Jinja with the themes' options, or None."""

from __future__ import annotations

from pathlib import Path

import pytest
from markupsafe import Markup

from cgu.builtin import BUILTIN_THEMES
from cgu.compose.page_words import page_words
from cgu.load.plain_template import render_plain
from cgu.load.themes import builtin_theme, theme_environment

VALUES = {
    "title": 'Comparaison de <a> & "b" – l’été',
    "style": Markup("p > q { color: red; }"),
    "fragment": Markup('<div class="redline"><ins>é</ins> &amp; <del>x</del></div>'),
    "script": Markup("if (a < b && c) { go(); }"),
    "says": page_words("nl"),
    "alternates": (),
}


def jinja(folder: Path, name: str, **values: object) -> str:
    return theme_environment(folder).get_template(name).render(**values)


def test_the_built_in_redline_page_renders_as_jinja_renders_it() -> None:
    page = render_plain(BUILTIN_THEMES / "default" / "redline.html", VALUES)
    assert page is not None, "the built-in redline.html left the plain subset: the two-file redline pays for Jinja"
    assert page == builtin_theme().render("redline.html", **VALUES)
    assert "Comparaison de &lt;a&gt; &amp; &#34;b&#34;" in page and "go(); }" in page
    assert '<html lang="nl">' in page and "hreflang" not in page


@pytest.mark.parametrize(
    "template",
    [
        "<p>{{ title }}</p>\n",
        "<p>\n  {% if preview is defined %}\n  {% include 'nowhere.html' %}\n  {% endif %}\n{{ fragment }}</p>\n\n",
        "a {% if preview is defined %}{{ preview.x }}{% if y is defined %}z{% endif %}{% endif %} b",
        "\t{% if preview is defined %}\nno\n\t{% endif %}\n{{ style }}{{ script }}",
        "a\r\n{% if preview is defined %}\r\nno{% endif %}\r\nb\r\n",
        '<html lang="{{ says.lang }}">',
        "{% if alternates %}\n{% for x in alternates %}{{ x.y }}{% endfor %}\n{% include 'x.html' %}\n{% endif %}\nb",
        "{% if alternates %}{% if x.y == 2 %}z{% else %}w{% endif %}{% endif %}c",
    ],
)
def test_each_construct_of_the_subset_renders_as_jinja(tmp_path: Path, template: str) -> None:
    (tmp_path / "page.html").write_text(template, encoding="utf-8", newline="")
    assert render_plain(tmp_path / "page.html", VALUES) == jinja(tmp_path, "page.html", **VALUES)


@pytest.mark.parametrize(
    "template",
    [
        "{{ title|upper }}",  # a filter
        "{{title}}",  # not the spelling the subset reads
        "{{ missing }}",  # a name not given: Jinja's error, with the theme's line
        "{% for x in title %}{{ x }}{% endfor %}",
        "{# a comment #}",
        "{%- if preview is defined %}{% endif %}",  # whitespace control
        "{% if title is defined %}taken{% endif %}",  # a branch taken
        "{% if preview is defined %}a{% else %}b{% endif %}",  # else would be taken
        "{% if preview is defined %}a",  # unclosed
        "{% endif %}",
        "{{ says.items }}",  # an attribute of the mapping, not its key
        "{{ says.nowhere }}",
        "{{ title.lang }}",  # not a mapping
        "{% if title %}x{% endif %}",  # a true name: the branch is taken
        "{% if nothing %}x{% endif %}",  # a name not given
        "{% for x in alternates %}{% endfor %}",
        "{% if alternates %}a{% else %}b{% endif %}",  # else would be taken
        "{% if alternates %}{% raw %}{% endif %}{% endraw %}{% endif %}",
    ],
)
def test_anything_else_is_left_to_jinja(tmp_path: Path, template: str) -> None:
    (tmp_path / "page.html").write_text(template, encoding="utf-8", newline="")
    assert render_plain(tmp_path / "page.html", VALUES) is None
