"""The README's five-minute tour, step by step, on a git clone of this repository (its history: the releases and
the translations are read from git) with the shipped content as it is here: each step does what it says."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, visible_text
from helpers.project import replace_in, run_cgu

README = (ROOT / "README.md").read_text(encoding="utf-8")
TOUR = README.split("## A five-minute tour for a legal writer", 1)[1].split("\n## ", 1)[0]


def cgu(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cgu(project, *args)


def step(number: int) -> str:
    """The text of one step of the tour, on one line."""
    found = re.search(rf"^{number}\. (.*?)(?=^\d\. |\Z)", TOUR, re.MULTILINE | re.DOTALL)
    assert found, f"the tour has no step {number}"
    return " ".join(found.group(1).split())


def quoted(text: str) -> list[str]:
    return re.findall(r"`([^`]+)`", text)


@pytest.mark.slow
def test_every_step_of_the_readme_tour(tmp_path: Path, shipped_build: Path) -> None:
    project = tmp_path / "contenus"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(project)], check=True, capture_output=True)
    for folder in ("clauses", "organisms", "themes"):  # the content as it is here, committed or not
        shutil.rmtree(project / folder)
        shutil.copytree(ROOT / folder, project / folder)
    assert cgu(project, "check").stderr.count(": warning: translation-") == 0, "every translation fresh to begin with"

    # 1. See the result: the set-up's `cgu build`, then build/index.html lists every document, HTML and PDF. The
    # set-up has built this content once already (test_setup runs it from scratch): build/ is the run's build of the
    # shipped content (conftest's shipped_build, the same files), which the tour's `cgu build` checks and keeps.
    shutil.copytree(shipped_build, project / "build", symlinks=True)
    built = cgu(project, "build")
    assert built.returncode == 0, built.stderr
    index = (project / "build/index.html").read_text(encoding="utf-8")
    for organism in (p.parent for p in project.glob("organisms/*/organism.yaml")):
        if not re.search(r"^abstract: true", (organism / "organism.yaml").read_text(encoding="utf-8"), re.MULTILINE):
            assert f'href="{organism.name}/' in index, organism.name
    assert re.search(r'href="harmonie-mutuelle/cgu-[0-9-]+\.html"', index)
    assert re.search(r'href="harmonie-mutuelle/cgu-[0-9-]+\.pdf"', index)
    page = next((project / "build/harmonie-mutuelle").glob("cgu-*.html")).read_text(encoding="utf-8")
    banner = " ".join(visible_text(page).split())
    assert re.search(r"Version du \d\S* \w+ \d{4}, en vigueur à compter du \d", banner), "the banner of step 1"

    # 2. Edit a clause: the one the README names, used by Harmonie Mutuelle's CGU (step 4 rebuilds it).
    clause = project / next(q for q in quoted(step(2)) if q.startswith("clauses/"))
    assert clause == project / "clauses/responsabilite.md"
    replace_in(clause, "apporte tout le soin raisonnable", "apporte le plus grand soin")

    # 3. Check it: passes (warnings only); the README's example mistake prints the README's message; --strict fails.
    checked = cgu(project, "check")
    assert checked.returncode == 0 and "ok: " in checked.stdout, checked.stderr
    others = [line for line in checked.stderr.splitlines() if ": warning: fact-to-complete: " not in line]
    assert others == [  # the facts still to complete, and Partenamut's Dutch text of the clause (README, step 3)
        "clauses/responsabilite.nl.md:5: warning: translation-behind: clauses/responsabilite.md changed in substance "
        "since this translation: the nl documents cannot be released until it is updated ('cgu translations "
        "partenamut' shows what changed); update it, then set 'translates' to the output of 'git hash-object "
        "clauses/responsabilite.md' (organism partenamut)"
    ], checked.stderr
    questions = re.search(r"example keeps (\d+) such questions", README)
    assert questions, "the README says how many facts the shipped example leaves to complete"
    assert checked.stderr.count(": warning: fact-to-complete: ") == int(questions[1]), "the README's count"
    assert "`translation-behind` for `clauses/responsabilite.nl.md`" in step(3)
    assert "`cgu translations partenamut` shows what changed" in step(3)
    behind = cgu(project, "translations", "partenamut")
    assert behind.returncode == 1 and "responsabilite [nl] stale: clauses/responsabilite.nl.md" in behind.stdout
    assert "apporte [-tout le soin raisonnable-]{+le plus grand soin+}" in behind.stdout
    typo = next(q for q in quoted(step(3)) if q.startswith("{{"))
    example = next(q for q in quoted(step(3)) if q.startswith("clauses/"))
    replace_in(clause, "{{ identity|named|capfirst }}", typo)
    broken = cgu(project, "check")
    assert broken.returncode == 1
    shown, organisms_part = example.split(" (organisms ", 1)
    lines = [line for line in broken.stderr.splitlines() if line.startswith(shown)]
    assert len(lines) == 1, broken.stderr  # one line for every organism using the clause
    assert lines[0].startswith(f"{shown} (organisms {organisms_part.rstrip('…)').rstrip(', ')}"), lines[0]
    replace_in(clause, typo, "{{ identity|named|capfirst }}")
    strict = cgu(project, "check", "--strict")
    assert strict.returncode == 1 and "warning: fact-to-complete:" in strict.stderr
    assert "the check under --strict: fix each one above" in strict.stderr.splitlines()[-1]
    assert strict.stderr.splitlines()[:-1] == checked.stderr.splitlines(), "every clause of the example is listed"
    ci_run = (ROOT / ".ci/run").read_text(encoding="utf-8")
    assert re.search(r"^\.venv/bin/cgu check$", ci_run, re.MULTILINE) and "--strict" not in ci_run.replace(
        "Not --strict", ""
    ), "CI's own check of the shipped example is not strict: its open questions are on purpose"

    # 4. Rebuild one organism: its CGU (which has the changed clause) is rebuilt, every other document kept as it was.
    command = next(q for q in quoted(step(4)) if q.startswith("cgu build"))
    documents = [p for p in (project / "build").glob("*/*-[0-9]*.*") if p.suffix in (".html", ".pdf")]
    before = {p: p.read_bytes() for p in documents}
    rebuilt = cgu(project, *command.split()[1:], "--explain")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert re.search(r"^built [1-9]\d* files?,", rebuilt.stdout, re.MULTILINE), rebuilt.stdout
    changed = {p.relative_to(project / "build").as_posix() for p, text in before.items() if p.read_bytes() != text}
    assert len(changed) == 1 and re.fullmatch(r"harmonie-mutuelle/cgu-[0-9-]+\.html", changed.pop()), changed
    cgu_page = next((project / "build/harmonie-mutuelle").glob("cgu-*.html")).read_text(encoding="utf-8")
    assert "apporte le plus grand soin" in cgu_page
    klesia = next((project / "build/klesia").glob("cgu-*.html")).read_text(encoding="utf-8")
    assert "apporte tout le soin raisonnable" in klesia, "the rest of build/ is kept"

    # 5. Change the DPO's e-mail: the check points at rights.email's line; changing it too, the documents follow.
    organism = project / "organisms/harmonie-mutuelle/organism.yaml"
    text = organism.read_text(encoding="utf-8")
    old = re.search(r"^dpo:\n(?:  .*\n)*?  email: (\S+)\n", text, re.MULTILINE).group(1)  # type: ignore[union-attr]
    new = "protection.donnees@harmonie-mutuelle.fr"
    organism.write_text(re.sub(r"(^dpo:\n(?:  .*\n)*?  email: )\S+", rf"\g<1>{new}", text, count=1, flags=re.M))
    found = cgu(project, "check")
    rights_line = next(
        n for n, line in enumerate(organism.read_text(encoding="utf-8").splitlines(), 1) if line == f"  email: {old}"
    )
    assert found.returncode == 1
    assert (
        f"organisms/harmonie-mutuelle/organism.yaml:{rights_line}: consistency-dpo-email: 'rights.email' is {old}"
        in (found.stderr)
    ), found.stderr
    replace_in(organism, f"  email: {old}", f"  email: {new}")
    assert cgu(project, "check").returncode == 0
    assert cgu(project, "build", "--organism", "harmonie-mutuelle", "--format", "html").returncode == 0
    privacy = next((project / "build/harmonie-mutuelle").glob("privacy-*.html")).read_text(encoding="utf-8")
    assert new in privacy and old not in privacy

    # 6. One organism's own wording: a copy under organisms/<id>/clauses/ is used by it, not by the others.
    own = project / "organisms/klesia/clauses/responsabilite.md"
    own.parent.mkdir(exist_ok=True)
    own.write_text(clause.read_text(encoding="utf-8").replace("apporte le plus grand soin", "veille"), encoding="utf-8")
    assert cgu(project, "build", "--format", "html").returncode == 0
    klesia = next((project / "build/klesia").glob("cgu-*.html")).read_text(encoding="utf-8")
    harmonie = next((project / "build/harmonie-mutuelle").glob("cgu-*.html")).read_text(encoding="utf-8")
    assert "veille à la fiabilité" in klesia and "apporte le plus grand soin" in harmonie
