"""Loading organisms: extends, overrides, schema, and the guards on what a file may contain."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import FIXTURES

from cgu.errors import CguError, Problems
from cgu.load.files import load_yaml
from cgu.load.organisms import load_organisms


def test_extends_merges_mappings_and_replaces_lists() -> None:
    problems = Problems()
    organisms = load_organisms(FIXTURES / "mini", problems)
    assert not problems.items
    beta = organisms["beta"]
    assert beta.chain == ("beta", "base")
    assert beta.data["jurisdiction"] == {"law": "belge", "courts": "tribunaux de Paris"}
    assert beta.country == "BE"
    assert [c["name"] for c in beta.data["cookies"]] == ["session_id", "_pk_id"]
    assert beta.where("jurisdiction.law").path == "organisms/beta.yaml"
    assert beta.where("jurisdiction.courts").path == "organisms/base.yaml"
    assert organisms["base"].abstract and not beta.abstract
    assert organisms["acme"].clause_dirs == ("organisms/acme/clauses",)


def test_locations_point_at_the_defining_line() -> None:
    organisms = load_organisms(FIXTURES / "mini", Problems())
    acme = organisms["acme"]
    assert str(acme.where("identity.siren")) == "organisms/acme/organism.yaml:5"
    assert str(acme.where("cookies.1.duration")) == "organisms/base.yaml:8"


def test_alias_bomb_is_refused() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for level in range(1, 9):
        previous = chr(ord("a") + level - 1)
        name = chr(ord("a") + level)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 10) + "]")
    try:
        load_yaml("\n".join(lines), "bomb.yaml")
    except CguError as exc:
        assert "alias bomb" in str(exc) and "bomb.yaml:1" in str(exc)
    else:
        raise AssertionError("a billion-laughs document must be refused")


def test_python_tags_are_refused() -> None:
    try:
        load_yaml("a: 1\nx: !!python/object/apply:os.system ['echo pwned']\n", "evil.yaml")
    except CguError as exc:
        assert "evil.yaml:2: YAML tag '!!python/object/apply:os.system' is not allowed" in str(exc)
    else:
        raise AssertionError("a Python tag must be refused")


def test_bom_and_crlf_files_load(mini: Path) -> None:
    path = mini / "organisms/beta.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    problems = Problems()
    assert load_organisms(mini, problems)["beta"].name == "Beta Mutualité"
    assert not problems.items


def test_non_utf8_file_is_reported_with_its_line(mini: Path) -> None:
    path = mini / "organisms/beta.yaml"
    path.write_bytes(path.read_bytes().replace("Mutualité".encode(), "Mutualit\xe9".encode("latin-1")))
    problems = Problems()
    load_organisms(mini, problems)
    assert [str(p) for p in problems.items] == [
        "organisms/beta.yaml:4: not valid UTF-8 (byte 0xe9); save the file as UTF-8"
    ]


def test_huge_file_is_refused_before_parsing(mini: Path) -> None:
    path = mini / "organisms/huge.yaml"
    with path.open("w") as handle:
        handle.write("extra:\n  x: '" + "a" * (3 * 1024 * 1024) + "'\n")
    problems = Problems()
    load_organisms(mini, problems)
    assert "over the 2048 KiB limit" in str(problems.items[0])


def test_symlink_out_of_the_project_is_refused(mini: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("country: FR\n", encoding="utf-8")
    os.symlink(outside, mini / "organisms/linked.yaml")
    problems = Problems()
    load_organisms(mini, problems)
    assert any("link to outside the project" in str(p) for p in problems.items)


def test_logo_must_stay_inside_the_project(mini: Path) -> None:
    path = mini / "organisms/acme/organism.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  logo: ../../../etc/passwd\n", encoding="utf-8")
    problems = Problems()
    load_organisms(mini, problems)
    assert any("must be a path inside the project" in str(p) for p in problems.items)
