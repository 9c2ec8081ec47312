"""Hostile input to the commands other than check and build's loading: one clear message each, never a traceback.

`cgu vars` on a clause nested thousands deep, `cgu export-cookies` on a duration that overflows to Infinity,
`cgu build` over a hand-edited manifest, `cgu check` with a damaged theme font. Each case runs the real command
and checks that nothing outside its output folder changed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_bad_inputs import MINI, ROOT, cgu  # the same run of cgu as the corpus


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return shutil.copytree(MINI, tmp_path / "project")


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


DEEP = "template nested too deeply (brackets, filters or tags); simplify it (organism beta)"


@pytest.mark.parametrize(
    "expression", ["(" * 300 + "x" + ")" * 300, "identity" + ".a" * 3000], ids=["brackets", "attributes"]
)
def test_vars_on_a_deeply_nested_clause(project: Path, expression: str) -> None:
    append(project / "clauses/droit.md", f"\n{{{{ {expression} }}}}\n")
    before = files(project.parent)
    result = cgu(project, "vars", "beta")
    assert (result.returncode, result.stdout, result.stderr) == (1, "", f"clauses/droit.md:9: {DEEP}\n")
    assert cgu(project, "check", "--no-legal").stderr == f"clauses/droit.md:9: {DEEP}\n", "as check says it"
    assert files(project.parent) == before


HINT = "write it like '30 min', '2 min 30 s', '25 jours', '13 mois', '1 an' or 'session'"


@pytest.mark.parametrize(
    ("duration", "fmt"),
    [("1" + "0" * 400 + " jours", "json"), ("1" + "0" * 400 + " jours", "tarteaucitron"), ("1001 ans", "json")],
    ids=["infinite-json", "infinite-tarteaucitron", "over-a-millennium"],
)
def test_export_cookies_with_a_huge_duration(project: Path, duration: str, fmt: str) -> None:
    replace(project / "organisms/base.yaml", 'duration: "13 mois"', f'duration: "{duration}"')
    before = files(project.parent)
    result = cgu(project, "export-cookies", "acme", "--format", fmt)
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        "",
        f"organisms/base.yaml:8: cannot export the cookie banner: duration {duration!r} is over 1000 years; "
        f"{HINT} (organism acme)\n",
    )
    assert files(project.parent) == before


def test_export_cookies_never_writes_infinity(project: Path) -> None:
    """Property: whatever number of days is written, the export is valid JSON (no Infinity, no NaN) or refused."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from cgu.rules.values.durations import MAX_MONTHS, parse_duration

    @settings(max_examples=200, deadline=None)
    @given(st.integers(min_value=0, max_value=10**500), st.sampled_from(["jours", "mois", "ans", "s", "h"]))
    def check(amount: int, unit: str) -> None:
        text = f"{amount} {unit}"
        try:
            duration = parse_duration(text)
        except ValueError as refused:
            assert "is over 1000 years" in str(refused)
            return
        assert duration.in_months() <= MAX_MONTHS
        json.dumps({"months": duration.months, "days": duration.days, "seconds": duration.seconds}, allow_nan=False)

    check()


@pytest.mark.parametrize(
    "manifest",
    [
        '{"artifacts": [1, 2]}',
        '{"artifacts": {"acme/cgu-2024-06-01.html": 5}}',
        '{"artifacts": {"acme/cgu-2024-06-01.html": {"digest": "x", "inputs": [1]}}}',
        '{"artifacts": {"/etc/passwd": {"digest": "x", "inputs": {}}, "../outside": {"digest": "y"}}}',
        "[" * 100_000 + "]" * 100_000,
        "[1, 2]",
    ],
    ids=["artifacts-list", "entry-number", "inputs-list", "paths-outside", "nested", "list"],
)
def test_build_over_a_hand_edited_manifest_rebuilds(project: Path, tmp_path: Path, manifest: str) -> None:
    """A previous output's manifest is untrusted: of the wrong shape, it is ignored and everything rebuilds."""
    out = tmp_path / "out"
    assert cgu(project, "build", "--format", "html", "--out", str(out)).returncode == 0
    (out / ".cgu-build.json").write_text(manifest, encoding="utf-8")
    before = files(project)
    result = cgu(project, "build", "--format", "html", "--out", str(out))
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.count(" rendered ") == 4, "every document rebuilt"
    data = json.loads((out / ".cgu-build.json").read_text(encoding="utf-8"))
    assert sorted(data["artifacts"]) == [
        "acme/cgu-2024-06-01.html",
        "acme/privacy-2024-06-01.html",
        "beta/cgu-2024-06-01.html",
        "beta/privacy-2024-06-01.html",
    ]
    assert files(project) == before and sorted(p.name for p in tmp_path.iterdir()) == ["out", "project"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"garbage\n", "Not a TrueType or OpenType font (not enough data)"),
        (None, "unexpected end of table directory: expected 16 bytes but got 8"),
    ],
    ids=["text", "truncated"],
)
def test_check_with_a_damaged_theme_font(project: Path, content: bytes | None, reason: str) -> None:
    theme = project / "themes/default"
    shutil.copytree(ROOT / "themes/default", theme)
    font = theme / "fonts/Lato-Bold.ttf"
    font.write_bytes(content if content is not None else font.read_bytes()[:20])
    before = files(project.parent)
    result = cgu(project, "check", "--no-legal")
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        "",
        f"themes/default/fonts/Lato-Bold.ttf: the theme's font cannot be read ({reason}); "
        "replace it with the original font file, or remove it\n",
    )
    assert files(project.parent) == before


AD = (
    '  - {name: _ad, provider: PROVIDER, purpose: "Publicité ciblée", category: advertising, duration: "13 mois", '
    "consent: true}\n"
)


def test_an_advertising_tracker_is_never_filed_under_an_audience_service(project: Path) -> None:
    """Consent is given per service: Matomo's advertising cookie is its own service, not the audience one's."""
    replace(project / "organisms/base.yaml", "cookie_settings:", AD.replace("PROVIDER", "matomo") + "cookie_settings:")
    result = cgu(project, "export-cookies", "acme", "--format", "tarteaucitron")
    assert result.returncode == 0, result.stderr
    services = {
        line.split('"')[1]: json.loads(line.split(" = ", 1)[1].split("; tarteaucitron", 1)[0])
        for line in result.stdout.splitlines()
        if line.startswith("tarteaucitron.services[")
    }
    assert {k: (v["name"], v["type"], v["cookies"]) for k, v in services.items()} == {
        "matomo": ("Matomo", "analytic", ["_pk_id"]),
        "matomoads": ("matomo", "ads", ["_ad"]),
    }


def test_providers_written_apart_that_would_merge_are_refused(project: Path) -> None:
    ad = AD.replace("PROVIDER", '"M-A-T-O-M-O"').replace("advertising", "audience").replace("_ad", "_pk_ses")
    replace(project / "organisms/base.yaml", "cookie_settings:", ad + "cookie_settings:")
    before = files(project.parent)
    result = cgu(project, "export-cookies", "acme", "--format", "tarteaucitron")
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        "",
        "organisms/base.yaml:9: cannot export the cookie banner: providers 'Matomo' and 'M-A-T-O-M-O' would be one "
        "service 'matomo'; write the provider the same way, or name the two apart (organism acme)\n",
    )
    assert files(project.parent) == before
