"""Property-based tests: hostile organism values and clause bodies never crash the composer,
and the HTML it produces always parses and never carries an unescaped value."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cgu.build import load_project, render_documents
from cgu.errors import CguError
from conftest import FIXTURES

TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60)
HOSTILE = st.one_of(TEXT, st.sampled_from([
    "<script>alert(1)</script>", "[x](javascript:alert(1))", "*gras* _it_ `code`", "| a | b |", "{{ 7*7 }}", "{% raw %}",
    "&amp; &lt;", "<img src=x onerror=alert(1)>", "# titre", "> citation", "- liste", "1. un", "\\", "'\"", "]]>", "<!--",
]))


class Strict(HTMLParser):
    """Collects start tags, to prove no tag came from a value."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def yaml_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + '"'


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=HOSTILE, provider=HOSTILE, purpose=HOSTILE)
def test_hostile_values_are_escaped(tmp_path_factory, name: str, provider: str, purpose: str) -> None:  # type: ignore[no-untyped-def]
    project = tmp_path_factory.mktemp("fuzz") / "p"
    shutil.copytree(FIXTURES / "mini", project)
    (project / "organisms/beta.yaml").write_text(
        "extends: base\ncountry: BE\nidentity:\n"
        f"  name: {yaml_quote(name or 'x')}\n  address: {{street: {yaml_quote(purpose)}, postal_code: '1080', city: Bruxelles}}\n"
        "cookies:\n"
        f"  - {{name: c1, provider: {yaml_quote(provider)}, purpose: {yaml_quote(purpose)}, category: audience, duration: '1 mois', consent: true}}\n",
        encoding="utf-8")
    try:
        loaded = load_project(project, organism_ids=("beta",))
    except CguError:
        return  # refused with a clear message: acceptable
    html = b"".join(a.content for a in render_documents(loaded, ("html",))).decode()
    parser = Strict()
    parser.feed(html)
    assert "script" not in parser.tags and "img" not in parser.tags
    assert "javascript:" not in html.lower().replace("[x](javascript:alert(1))", "")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=200))
def test_any_clause_body_composes_or_fails_cleanly(tmp_path_factory, body: str) -> None:  # type: ignore[no-untyped-def]
    project = tmp_path_factory.mktemp("fuzz") / "p"
    shutil.copytree(FIXTURES / "mini", project)
    text = (project / "clauses/droit.md").read_text(encoding="utf-8")
    (project / "clauses/droit.md").write_text(text + body + "\n", encoding="utf-8")
    try:
        loaded = load_project(project)
    except CguError as error:
        assert all(str(p).startswith(("clauses/", "organisms/")) for p in error.problems)
        return
    html = b"".join(a.content for a in render_documents(loaded, ("html",))).decode()
    Strict().feed(html)
    assert "<script" not in html
