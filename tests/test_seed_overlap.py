"""No shipped clause or organism file repeats a seed's wording: no run of 13 words or more shared with a seed of
../shared/seeds, but for the names of laws, articles, codes and bodies, which a legal text must cite as they are."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
RUN = 13
"""The shortest shared run that counts as copied (issue 17: passages of 13-23 words were copied from the seeds)."""

_CODE = (
    r"code (?:de la sécurité sociale|de la propriété intellectuelle|de la santé publique|de la consommation|"
    r"de la mutualité|des assurances|pénal|civil)"
)
_NUMBER = r"(?:[lrd] )?\d+(?: \d+)*"
NAMES = re.compile(
    "|".join(
        (
            rf"(?:(?:les |l )?articles? )?{_NUMBER}(?: (?:et|à) {_NUMBER})*(?: et suivants)? (?:du|de la) {_CODE}",
            r"loi n \d+ \d+ du \d+ \w+ \d{4}(?: relative à l informatique aux fichiers et aux libertés)?",
            r"arrêté royal du \d+ \w+ \d{4}",
            r"branche \d+ de l annexe \d+",
            r"office de contrôle des mutualités et des unions nationales de mutualités",
            r"société de groupe assurantiel de protection sociale btp(?: sgaps btp)?",
            r"bce n \d+ \d+ \d+",
            r"\d+ rue \w+ \d{5} \w+",
        )
    )
)
"""Names a document must write as the law or the register writes them: cited articles and codes, laws, bodies."""


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9à-ÿœæç]+", text.replace("’", "'").lower())


def _runs(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


def _own_runs(text: str) -> list[tuple[int, tuple[str, ...]]]:
    """Each run of RUN words of `text` with its line, skipping runs that touch a cited name."""
    words: list[str] = []
    lines: list[int] = []
    for number, line in enumerate(text.splitlines(), 1):
        for word in _words(line):
            words.append(word)
            lines.append(number)
    named = [False] * len(words)
    joined = " ".join(words)
    starts = [m.start() for m in re.finditer(r"\S+", joined)]
    for match in NAMES.finditer(joined):
        for index, start in enumerate(starts):
            if match.start() <= start < match.end():
                named[index] = True
    return [(lines[i], tuple(words[i : i + RUN])) for i in range(len(words) - RUN + 1) if not any(named[i : i + RUN])]


def _shipped() -> list[Path]:
    files = [*ROOT.glob("clauses/**/*.md"), *ROOT.glob("organisms/**/*.md"), *ROOT.glob("organisms/**/*.yaml")]
    return sorted(files)


def test_names_are_allowed_but_prose_is_not():
    seed = _runs(_words("Selon les articles L. 335-2 et suivants du Code de la propriété intellectuelle, toute copie"))
    cited = "sanctionnée par les articles L. 335-2 et suivants du Code de la propriété intellectuelle"
    assert not [run for _, run in _own_runs(cited) if run in seed]
    prose = _runs(_words("un deux trois quatre cinq six sept huit neuf dix onze douze treize"))
    assert [run for _, run in _own_runs("Un, deux, trois quatre cinq six sept huit neuf dix onze douze treize.")]
    assert _own_runs("un deux trois quatre cinq six sept huit neuf dix onze douze treize")[0][1] in prose


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is absent (a user's clone has none; CI has it)")
def test_no_shipped_file_shares_a_run_of_13_words_with_a_seed():
    seeds: set[tuple[str, ...]] = set()
    for seed in sorted(SEEDS.glob("*.txt")):
        seeds |= _runs(_words(seed.read_text(encoding="utf-8")))
    copied = []
    for path in _shipped():
        reported = set()
        for line, run in _own_runs(path.read_text(encoding="utf-8")):
            if run in seeds and line not in reported:
                reported.add(line)
                copied.append(f"{path.relative_to(ROOT)}:{line}: « {' '.join(run)} »")
    assert not copied, "passages written in a seed's words (reword them in our own):\n" + "\n".join(copied)
