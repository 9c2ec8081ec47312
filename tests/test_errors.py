"""Every error class: one clear `path:line: message`, a non-zero exit, no traceback, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cgu.cli import main


def run(project: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*args, "--project", str(project)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.output


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_clean_fixture_checks(mini: Path) -> None:
    code, output = run(mini, "check", "--no-legal")
    assert code == 0, output
    assert "ok: 2 organisms, 4 documents" in output


def test_yaml_syntax_error_names_file_and_line(mini: Path) -> None:
    replace(mini / "organisms/beta.yaml", "  law: belge", "  law: [belge")
    code, output = run(mini, "check")
    assert code == 1
    assert "organisms/beta.yaml:" in output and "YAML syntax error" in output
    line = int(output.split("organisms/beta.yaml:")[1].split(":")[0])
    assert line in (8, 9)  # an unclosed flow list is reported where YAML gives up


def test_load_errors_are_json_too(mini: Path) -> None:
    import json

    replace(mini / "organisms/beta.yaml", "  law: belge", "  law: [belge")
    result = CliRunner().invoke(main, ["check", "--format", "json", "--project", str(mini)])
    assert result.exit_code == 1
    findings = json.loads(result.stdout)
    assert len(findings) == 1 and findings[0]["path"] == "organisms/beta.yaml" and findings[0]["line"] in (8, 9)
    assert findings[0]["severity"] == "error" and "YAML syntax error" in findings[0]["message"]


def test_tab_indentation_is_explained(mini: Path) -> None:
    replace(mini / "organisms/beta.yaml", "  law: belge", "\tlaw: belge")
    code, output = run(mini, "check")
    assert code == 1 and "organisms/beta.yaml:8: YAML syntax error" in output and "tabs" in output


def test_duplicate_key(mini: Path) -> None:
    replace(mini / "organisms/beta.yaml", "country: BE\n", "country: BE\ncountry: FR\n")
    code, output = run(mini, "check")
    assert code == 1 and "organisms/beta.yaml:3: YAML syntax error: duplicate key" in output


def test_wrong_type_names_key_and_line(mini: Path) -> None:
    replace(mini / "organisms/acme/organism.yaml", '  siren: "538 518 473"', "  siren: 538518473")
    code, output = run(mini, "check")
    assert code == 1
    assert "organisms/acme/organism.yaml:5: 'identity.siren' must be text, not the number 538518473" in output
    assert "(organism acme)" in output


def test_unknown_key_suggests(mini: Path) -> None:
    replace(mini / "organisms/beta.yaml", "jurisdiction:\n", "jurisdiktion:\n  law: belge\njurisdiction:\n")
    code, output = run(mini, "check")
    assert code == 1 and "unknown key 'jurisdiktion'; did you mean 'jurisdiction'?" in output


def test_missing_required_variable(mini: Path) -> None:
    replace(mini / "organisms/base.yaml", 'cookie_settings:\n  consent_retention: "6 mois"\n', "")
    replace(
        mini / "clauses/cookies.md", "requires: [cookies]", "requires: [cookies, cookie_settings.consent_retention]"
    )
    code, output = run(mini, "check")
    assert code == 1
    assert (
        "organisms/acme/organism.yaml:1: missing variable 'cookie_settings.consent_retention' required by clause 'cookies' "
        "(clauses/cookies.md) (organism acme)"
    ) in output
    assert (
        "organisms/beta.yaml:1: missing variable 'cookie_settings.consent_retention'" in output
        and "(organism beta)" in output
    )


def test_unknown_clause_id(mini: Path) -> None:
    replace(mini / "organisms/base.yaml", "clauses: [editeur, cookies]", "clauses: [editeur, cookiez]")
    code, output = run(mini, "check")
    assert code == 1
    assert "organisms/base.yaml:21: unknown clause id 'cookiez': no clauses/cookiez.md (organisms acme, beta)" in output


def test_undefined_template_variable_points_at_clause_line(mini: Path) -> None:
    replace(mini / "clauses/droit.md", "{{ jurisdiction.law }}", "{{ jurisdiction.lawz }}")
    code, output = run(mini, "check")
    assert code == 1
    assert (
        "clauses/droit.md:9: undefined variable 'jurisdiction.lawz': 'jurisdiction' has no key 'lawz'; "
        "did you mean 'jurisdiction.law'? (organism beta)"
    ) in output


def test_template_syntax_error(mini: Path) -> None:
    replace(mini / "clauses/cookies.md", "{% endfor %}", "{% endfro %}")
    code, output = run(mini, "check")
    assert code == 1 and "clauses/cookies.md:17: template syntax error" in output


def test_template_cannot_reach_python_internals(mini: Path) -> None:
    replace(mini / "clauses/droit.md", "Version du", "{{ ''.__class__.__mro__[1].__subclasses__() }} Version du")
    code, output = run(mini, "check")
    assert code == 1 and "clauses/droit.md:9:" in output


def test_extends_cycle(mini: Path) -> None:
    replace(mini / "organisms/base.yaml", "abstract: true\n", "abstract: true\nextends: beta\n")
    code, output = run(mini, "check")
    assert code == 1 and "organisms/base.yaml:2: extends cycle: base -> beta -> base; remove one 'extends'" in output


def test_missing_base(mini: Path) -> None:
    replace(mini / "organisms/beta.yaml", "extends: base", "extends: nowhere")
    code, output = run(mini, "check")
    assert code == 1 and "organisms/beta.yaml:1: extends unknown organism 'nowhere'" in output


def test_invalid_date(mini: Path) -> None:
    replace(
        mini / "organisms/base.yaml",
        "version: 2024-06-01\n    effective: 2024-06-15",
        "version: 2024-02-30\n    effective: 2024-06-15",
    )
    code, output = run(mini, "check")
    assert (
        code == 1
        and "organisms/base.yaml:14: 'documents.cgu.version' is not a date: in '2024-02-30' the day is 30; "
        "February 2024 has 29 days (YYYY-MM-DD)"
        in output
    )


def test_effective_before_version(mini: Path) -> None:
    replace(mini / "organisms/base.yaml", "effective: 2024-06-15", "effective: 2024-05-15")
    code, output = run(mini, "check")
    assert (
        code == 1
        and "organisms/base.yaml:15: effective date 2024-05-15 is before the version date 2024-06-01" in output
    )


def test_path_escaping_ids_are_refused(mini: Path) -> None:
    replace(mini / "organisms/base.yaml", "clauses: [editeur, cookies]", "clauses: [editeur, ../../etc/passwd]")
    replace(mini / "organisms/beta.yaml", "extends: base", "extends: ../base")
    code, output = run(mini, "check")
    assert code == 1
    assert "clause id must be lower-case letters, digits and hyphens, not '../../etc/passwd'" in output
    assert "organisms/beta.yaml:1: extends unknown organism '../base'" in output


def test_every_problem_is_reported_at_once(mini: Path) -> None:
    replace(mini / "clauses/droit.md", "{{ jurisdiction.law }}", "{{ nope }}")
    replace(mini / "organisms/acme/organism.yaml", '  siren: "538 518 473"', "  siren: 538518473")
    code, output = run(mini, "check")
    assert code == 1
    assert "nope" in output and "identity.siren" in output and "errors; nothing was written" in output


def test_failed_build_leaves_previous_output_untouched(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    code, output = run(mini, "build", "--format", "html", "--out", str(out))
    assert code == 0, output
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    replace(mini / "clauses/droit.md", "{{ jurisdiction.law }}", "{{ nope }}")
    code, output = run(mini, "build", "--format", "html", "--out", str(out))
    assert code == 1
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not list(tmp_path.glob(".site.staging-*")) + list(tmp_path.glob(".site.old-*")), "nothing left behind"


@pytest.mark.parametrize(
    "body, message",
    [
        ("[clic](javascript:alert(1))", "forbidden scheme"),
        ("![x](file:///etc/passwd)", "forbidden scheme"),
        ("![x](http://example.org/pixel.png)", "must be a relative path inside the project"),
    ],
)
def test_unsafe_markdown_is_refused(mini: Path, body: str, message: str) -> None:
    replace(mini / "clauses/droit.md", "Version du", f"{body}\n\nVersion du")
    code, output = run(mini, "check")
    assert code == 1 and "clauses/droit.md:9:" in output and message in output


def test_broken_front_matter(mini: Path) -> None:
    (mini / "clauses/vide.md").write_text("---\ntitle: Vide\ndocuments: [cgu]\n", encoding="utf-8")
    (mini / "clauses/mauvais.md").write_text("---\ntitle: X\ndocuments: [cgv]\n---\nTexte\n", encoding="utf-8")
    code, output = run(mini, "check")
    assert code == 1
    assert "clauses/vide.md:1: front matter is not closed" in output
    assert "clauses/mauvais.md:3: unknown document kind 'cgv'" in output


def test_unknown_organism_option(mini: Path, tmp_path: Path) -> None:
    code, output = run(mini, "build", "--organism", "gamma", "--out", str(tmp_path / "o"))
    assert code == 1 and "no organism 'gamma'; known: acme, base, beta" in output


def test_character_the_theme_fonts_cannot_draw(mini: Path) -> None:
    replace(mini / "clauses/droit.md", "Version du", "Conforme ✓. Version du")
    replace(mini / "organisms/beta.yaml", "name: Beta Mutualité", "name: Beta Mutualité ★")
    code, output = run(mini, "check", "--no-legal")
    assert code == 1
    assert (
        "clauses/droit.md:9: font-missing-glyph: the fonts of theme 'default' cannot draw '✓' (U+2713): "
        "the PDF would show an empty box"
    ) in output and "(organism beta)" in output
    assert "organisms/beta.yaml:4: font-missing-glyph: the fonts of theme 'default' cannot draw '★' (U+2605)" in output


def test_too_many_incomplete_cookies_are_one_error_not_one_per_cookie(mini: Path) -> None:
    cookies = "".join(
        f"  - {{name: c{i}, provider: X, purpose: Y, category: audience, consent: true}}\n" for i in range(1001)
    )
    replace(mini / "organisms/beta.yaml", "jurisdiction:\n", f"cookies:\n{cookies}jurisdiction:\n")
    code, output = run(mini, "check")
    assert code == 1
    assert output.splitlines()[0] == (
        "organisms/beta.yaml:7: 'cookies' has 1001 entries, over the limit of 1000; a document cannot present that many "
        "(organism beta)"
    )
    assert "has no 'duration'" not in output
