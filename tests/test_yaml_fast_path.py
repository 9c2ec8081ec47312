"""The libyaml fast path reads every document exactly as the round-trip parser does, or leaves it to that parser."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cgu.errors import CguError
from cgu.load import files

ROOT = Path(__file__).resolve().parents[1]


def _documents() -> list[tuple[str, str, int]]:
    found = []
    for path in sorted((ROOT / "organisms").rglob("*.y*ml")):
        found.append((path.read_text(encoding="utf-8"), path.name, 1))
    for path in sorted((ROOT / "clauses").rglob("*.md")):
        lines = path.read_text(encoding="utf-8").split("\n")
        if lines and lines[0].strip() == "---" and "---" in (line.strip() for line in lines[1:]):
            end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == "---")
            found.append(("\n".join(lines[1:end]), path.name, 2))
    for path in sorted(p for p in (ROOT / "tests" / "bad_inputs" / "cases").rglob("*.y*ml") if p.is_file()):
        found.append((path.read_text(encoding="utf-8", errors="replace"), path.name, 1))
    return found


def _both(text: str, shown: str, first: int) -> tuple[object, object]:
    def read(reader):  # type: ignore[no-untyped-def]
        try:
            return reader(text, shown, first)
        except CguError as exc:
            return ("error", str(exc))

    fast = files._fast_yaml(text, shown, first)
    return fast, read(files._round_trip_yaml)


@pytest.mark.slow
def test_the_shipped_content_takes_the_fast_path_and_reads_the_same() -> None:
    documents = _documents()
    assert len(documents) > 50
    fast_count = 0
    for text, shown, first in documents:
        fast, slow = _both(text, shown, first)
        if fast is not None:
            fast_count += 1
            assert fast == slow, shown
    shipped = documents[: len(documents) // 2]
    assert fast_count >= len(shipped) // 2, "the fast path should read most shipped files"


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",
        "a: &x [1]\nb: *x\n",
        "<<: {a: 1}\n",
        "a: !!python/object:os.system x\n",
        "a: 0x1f\nb: 1.5\nc: 1_000\n",
        "a: !\n",
        "a: ! {b: 1}\n",
        "a: ! [1]\n",
        "a: [\n",
        "a: " + "[" * 300 + "]" * 300 + "\n",
        "a:\n\tb: 1\n",
        "a: " + "9" * 5000 + "\n",
    ],
)
def test_unusual_documents_are_left_to_the_round_trip_parser(text: str) -> None:
    assert files._fast_yaml(text, "x.yml", 1) is None


_scalar = st.one_of(
    st.text(alphabet="abcé0123456789-+.:~ !#'\"&*TtrueFfalsNnul", max_size=8),
    st.integers(-(10**6), 10**6).map(str),
    st.sampled_from(["true", "False", "null", "~", "yes", "no", "2024-02-30", "1.0", "0o7", "012", ".inf"]),
)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.from_regex(r"[a-z][a-z_]{0,6}", fullmatch=True), _scalar, max_size=6))
def test_fast_and_round_trip_agree_on_generated_mappings(mapping: dict[str, str]) -> None:
    text = "".join(f"{key}: {value}\n" for key, value in mapping.items())
    fast, slow = _both(text, "x.yml", 1)
    if fast is not None:
        assert fast == slow


@pytest.mark.parametrize("text", ["a: ! x\n", 'a: ! "x"\n', "a: ! 12\n", "a: ! true\n"])
def test_a_non_specific_tag_on_a_value_reads_the_same_both_ways(text: str) -> None:
    fast, slow = _both(text, "x.yml", 1)
    assert fast is not None and fast == slow


def test_git_object_ids_take_the_fast_path_and_read_as_the_round_trip_reads_them() -> None:
    import random

    generator = random.Random(10)
    ids = ["".join(generator.choice("0123456789abcdef") for _ in range(40)) for _ in range(300)]
    ids += ["1" + "0" * 38 + "e", "12e4" + "5" * 36, "0b" + "01" * 19, "0b" + "1" * 37 + "f", "7" * 40]
    fast_count = 0
    for value in ids:
        fast, slow = _both(f"translates: {value}\n", "x.yml", 1)
        if fast is not None:
            fast_count += 1
            assert fast == slow, value
    assert fast_count > 250, "an object id starting with a digit is no reason to leave the fast path"
