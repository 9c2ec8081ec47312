"""Property-based tests: hostile organism data and clause bodies never crash the composer (only CguError, the
project's own error, may come out), the HTML it produces always parses, carries only the tags and links the
Markdown allows and never an unescaped value, and redlines of composed documents rebuild both versions exactly.

Examples per run: 150 (hostile values) + 200 (organism data shaped on the schema) + 300 (clause bodies)
+ 100 (redline of two composed versions) = 750.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, visible_text
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cgu.commands.build import render_documents
from cgu.compose.french import french_typography
from cgu.errors import CguError
from cgu.load import schema
from cgu.project import load_project
from cgu.redline.compare import DELETE, INSERT, article_text, redline
from cgu.redline.render import render_html_fragment, render_json

TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60)
HOSTILE = st.one_of(
    TEXT,
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "[x](javascript:alert(1))",
            "*gras* _it_ `code`",
            "| a | b |",
            "{{ 7*7 }}",
            "{% raw %}",
            "&amp; &lt;",
            "<img src=x onerror=alert(1)>",
            "# titre",
            "> citation",
            "- liste",
            "1. un",
            "\\",
            "'\"",
            "]]>",
            "<!--",
            "a\n# titre",
            "a\n\n## sous-titre",
            "a\n- puce",
            "a\n1. un",
            "a\n---",
            "a\n\n    code",
            "a\n```",
            "<javascript:alert(1)>",
            "[r]: javascript:alert(1)",
            "![x](http://127.0.0.1:9/p.gif)",
            "&#106;avascript:",
            "x\r# y",
            "~~~",
            "1) un",
        ]
    ),
)
SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]}

SAFE_TAGS = {
    "p",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "hr",
    "br",
    "img",
}
SAFE_LINK = re.compile(r"^(https?:|mailto:|tel:|#)|^(?![a-zA-Z][a-zA-Z0-9+.-]*:)(?!//)", re.IGNORECASE)


class Strict(HTMLParser):
    """Collects start tags and link targets, to prove no tag and no link came from a value."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.urls += [value or "" for name, value in attrs if name in ("href", "src")]


def parsed(html: str) -> Strict:
    parser = Strict()
    parser.feed(html)
    parser.close()
    return parser


def assert_safe_article(html: str) -> None:
    """An article's HTML: only the tags Markdown makes, links and images only to allowed places."""
    parser = parsed(html)
    assert set(parser.tags) <= SAFE_TAGS, set(parser.tags) - SAFE_TAGS
    for url in parser.urls:
        assert url == "" or SAFE_LINK.match(url), url


def composed_or_refused(project: Path, **selection: Any) -> Any:
    """The project loaded and composed, or None when refused, which only the project's own error may do."""
    try:
        loaded = load_project(project, **selection)
    except CguError as error:
        assert error.problems and all(str(p).startswith(("organisms/", "clauses/", "themes")) for p in error.problems)
        event("refused with the project's own error")
        return None
    event("composed")
    return loaded


def assert_safe_project(loaded: Any) -> str:
    """Every article safe, and every page of the project parses; returns the pages' HTML."""
    for document in loaded.documents:
        for article in document.articles:
            assert_safe_article(article.html)
    html = b"".join(a.content for a in render_documents(loaded, ("html",))).decode()
    parsed(html)
    return html


def fresh(tmp_path_factory: Any) -> Path:  # type: ignore[no-untyped-def]
    project = tmp_path_factory.mktemp("fuzz") / "p"
    shutil.copytree(FIXTURES / "mini", project)
    return project


def yaml_quote(value: str) -> str:
    return (
        '"'
        + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
        + '"'
    )


def refusable(value: str) -> bool:
    """Control characters and non-characters: a file holding one is refused, with its line."""
    return any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" or c in "\ufffe\uffff" for c in value)


def unspaced(text: str) -> str:
    """Text with every run of spaces (no-break ones included) taken out and ’ read as ': what French typography adds
    (a space before : ; ! ?, inside « ») is then the same whether a value is typeset alone or in its sentence."""
    return re.sub(r"[\s\u00a0\u202f]+", "", text).replace("\u2019", "'")


@pytest.mark.slow
@settings(max_examples=150, **SETTINGS)
@given(name=HOSTILE, provider=HOSTILE, street=HOSTILE)
def test_hostile_values_are_escaped(tmp_path_factory, name: str, provider: str, street: str) -> None:  # type: ignore[no-untyped-def]
    project = fresh(tmp_path_factory)
    name = name if name.strip() else "x"
    (project / "organisms/beta.yaml").write_text(
        "extends: base\ncountry: BE\nidentity:\n"
        f"  name: {yaml_quote(name)}\n  address: {{street: {yaml_quote(street)}, postal_code: '1080', city: Bruxelles}}\n"
        "cookies:\n"
        f"  - {{name: c1, provider: {yaml_quote(provider)}, purpose: p, category: audience, duration: '1 mois', consent: true}}\n",
        encoding="utf-8",
    )
    loaded = composed_or_refused(project, organism_ids=("beta",))
    if loaded is None:
        assert any(refusable(v) for v in (name, provider, street)), "refused only for a control character"
        return
    assert_safe_project(loaded)
    text = unspaced(visible_text("".join(a.html for d in loaded.documents for a in d.articles)))
    for value in (name, provider, street):
        # printed as written, in French typography: nothing was taken as Markdown or HTML
        assert unspaced(french_typography(value)) in text, (value, text)


ANYTHING = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**15), 10**15),
        st.floats(allow_nan=False),
        HOSTILE,
        st.sampled_from(
            ["2024-06-01", "2024-02-30", "FR", "BE", "droit", "editeur", "base", "#336699", "audience", "10 ans"]
        ),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["a", "name", "x"]), inner, max_size=3)
    ),
    max_leaves=8,
)
"""Any YAML value at all: what a wrong type looks like."""
CLAUSE_IDS = st.lists(st.sampled_from(["editeur", "cookies", "droit"]), min_size=1, max_size=3, unique=True)
DOMAIN: dict[str, st.SearchStrategy[Any]] = {
    "country": st.sampled_from(["FR", "BE"]),
    "notice_days": st.integers(0, 3650),
    "cookies[].category": st.sampled_from(schema.COOKIE_CATEGORIES),
    "cookies[].consent": st.booleans(),
    "cookies[].duration": st.sampled_from(["session", "30 min", "25 jours", "13 mois", "1 an", "10 ans"]),
    "processing[].legal_basis": st.sampled_from(schema.LEGAL_BASES),
    "theme": st.fixed_dictionaries(
        {}, optional={"color": st.sampled_from(["#336699", "#000000"]), "name": st.just("default")}
    ),
    "documents": st.dictionaries(
        st.sampled_from(["cgu", "privacy"]),
        st.fixed_dictionaries(
            {
                "title": HOSTILE.filter(str.strip),
                "version": st.just("2024-06-01"),
                "effective": st.sampled_from(["2024-06-01", "2024-07-01"]),
                "clauses": CLAUSE_IDS,
            }
        ),
        max_size=2,
    ),
    "waivers": st.just([]),
}
"""Keys whose values have a domain (ids, dates, closed lists): mostly drawn from it, so that documents compose."""


def _shaped(spec: Any, path: str = "") -> st.SearchStrategy[Any]:
    """Data that follows the organism schema with HOSTILE text values, now and then a value of any type (a wrong type)."""
    if path in DOMAIN:
        good = DOMAIN[path]
    elif isinstance(spec, dict) and spec != schema.FREE:
        good = st.sets(st.sampled_from(sorted(spec)), max_size=3).flatmap(
            lambda keys: st.fixed_dictionaries(
                {k: _shaped(spec[k], f"{path}.{k}" if path else k) for k in sorted(keys)}
            )
        )
    elif isinstance(spec, list):
        good = st.lists(_shaped(spec[0], f"{path}[]"), max_size=3)
    else:
        good = {
            schema.TEXT: HOSTILE,
            schema.FLAG: st.booleans(),
            schema.NUMBER: st.integers(0, 3650),
            schema.DATE: st.just("2024-06-01"),
            schema.FREE: ANYTHING,
        }[spec]
        return st.one_of(*[good] * 29, ANYTHING)
    return st.one_of(*[good] * 9, ANYTHING)


IDENTITY = {"name": "Beta", "address": {"street": "1 rue", "postal_code": "1080", "city": "Bruxelles"}}
ORGANISM_DATA = _shaped({k: v for k, v in schema.ORGANISM.items() if k not in ("id", "extends", "abstract")})


@pytest.mark.slow
@settings(max_examples=200, **SETTINGS)
@given(data=ORGANISM_DATA, extends=st.sampled_from(["base", "acme"]))
def test_any_organism_data_composes_or_fails_cleanly(tmp_path_factory, data: Any, extends: str) -> None:  # type: ignore[no-untyped-def]
    project = fresh(tmp_path_factory)
    document = data
    if isinstance(data, dict):  # laid over a valid organism, so that most examples compose
        identity = data.get("identity", {})
        document = {
            "extends": extends,
            "country": "BE",
            **data,
            "identity": {**IDENTITY, **identity} if isinstance(identity, dict) else identity,
        }
    (project / "organisms/beta.yaml").write_text(
        json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8"
    )  # JSON is YAML
    loaded = composed_or_refused(project, organism_ids=("beta",))
    if loaded is not None:
        assert_safe_project(loaded)


BODY = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=200),
    st.lists(
        st.sampled_from(
            [
                "Texte",
                " ",
                "\n",
                "\n\n",
                "## Titre\n",
                "{{ identity.name }}",
                "{% if country == 'BE' %}",
                "{% endif %}",
                "[lien](https://ok.fr)",
                "[x](javascript:y)",
                "<javascript:y>",
                "![i](logo.svg)",
                "![i](http://x/p.gif)",
                "<b>",
                "<!--",
                "&#106;",
                "*",
                "_",
                "|",
                "| a | b |\n|---|---|\n",
                "{{ ref('cookies') }}",
                "\\",
                "`",
            ]
        ),
        min_size=1,
        max_size=30,
    ).map("".join),
)


@pytest.mark.slow
@settings(max_examples=300, **SETTINGS)
@given(body=BODY)
def test_any_clause_body_composes_or_fails_cleanly(tmp_path_factory, body: str) -> None:  # type: ignore[no-untyped-def]
    project = fresh(tmp_path_factory)
    text = (project / "clauses/droit.md").read_text(encoding="utf-8")
    (project / "clauses/droit.md").write_text(text + body + "\n", encoding="utf-8")
    loaded = composed_or_refused(project)
    if loaded is not None:
        assert "<script" not in assert_safe_project(loaded)


def _compose(tmp_path_factory: Any, body: str, name: str) -> Any:  # type: ignore[no-untyped-def]
    project = fresh(tmp_path_factory)
    droit = project / "clauses/droit.md"
    droit.write_text(droit.read_text(encoding="utf-8") + body + "\n", encoding="utf-8")
    beta = project / "organisms/beta.yaml"
    beta.write_text(
        beta.read_text(encoding="utf-8").replace("name: Beta Mutualité", f"name: {yaml_quote(name)}"), encoding="utf-8"
    )
    try:
        return load_project(project, organism_ids=("beta",), kinds=("cgu",)).documents[0]
    except CguError:
        return None


@pytest.mark.slow
@settings(max_examples=100, **SETTINGS)
@given(old_body=BODY, new_body=BODY, old_name=HOSTILE, new_name=HOSTILE)
def test_redline_of_composed_versions_rebuilds_both(
    tmp_path_factory, old_body: str, new_body: str, old_name: str, new_name: str
) -> None:  # type: ignore[no-untyped-def]
    old = _compose(tmp_path_factory, old_body, old_name.strip() or "x")
    new = _compose(tmp_path_factory, new_body, new_name.strip() or "x")
    if old is None or new is None:
        event("a version refused")
        return
    event("both versions composed")
    result = redline(old.articles, new.articles)
    old_text, new_text = "".join(article_text(a) for a in old.articles), "".join(article_text(a) for a in new.articles)
    assert result.old_text() == old_text and result.new_text() == new_text
    data = json.loads(render_json(result))  # both versions rebuilt from the JSON alone
    olds = sorted((c for c in data["changes"] if c["old"]), key=lambda c: c["old"]["number"])
    assert "".join(t for c in olds for op, t in c["ops"] if op != INSERT) == old_text
    assert "".join(t for c in data["changes"] if c["new"] for op, t in c["ops"] if op != DELETE) == new_text
    fragment = parsed(render_html_fragment(result))
    assert "script" not in fragment.tags and "img" not in fragment.tags
    assert all(SAFE_LINK.match(url) for url in fragment.urls), fragment.urls
