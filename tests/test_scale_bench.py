"""The scale benchmark's generator: deploying mutuelles from the seed's list, with ids, SIRENs and contacts that check clean."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT

from cgu.rules.values.identifiers import siren_problem

sys.path.insert(0, str(ROOT / "bench"))
import scale_bench  # bench/ is not a package


def test_generated_project_checks_clean(tmp_path: Path) -> None:
    project = tmp_path / "project"
    ids = scale_bench.generate(project, 5)
    names = [line.strip() for line in scale_bench.NAMES.read_text(encoding="utf-8").splitlines()][:5]
    assert ids == ["argedis-harmonie-mutuelle", "cnp-assurances-lyfe", "harmonie-mutuelle", "mgen", "mgen-solutions"]
    assert names[1] == "CNP Assurances / Lyfe"
    assert f'name: "{names[1]}"' in (project / "organisms/cnp-assurances-lyfe.yaml").read_text(encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(ROOT / "cgu_cli.py"), "check", "--project", str(project)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    warnings = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert all(": warning: fact-to-complete: " in line for line in warnings), result.stderr  # the base's open questions
    assert result.stdout.startswith(f"ok: 5 organisms, 10 documents, {len(warnings)} warnings"), result.stdout


def test_every_name_of_the_list_gets_a_unique_id_and_a_valid_siren() -> None:
    organisms = scale_bench.mutuelles(442)
    ids = [organism_id for organism_id, _ in organisms]
    assert len(set(ids)) == 442 and all(scale_bench.slugify(name) in ids for _, name in organisms)
    assert ids.count("la-fraternelle") == 1 and {"la-fraternelle-2", "la-fraternelle-3"} <= set(
        ids
    )  # the name is repeated
    assert all(len(i) <= 60 and i[0].isalnum() for i in ids)
    sirens = [scale_bench.siren(index) for index in range(442)]
    assert len(set(sirens)) == 442 and not [s for s in sirens if siren_problem(s)]
    assert len(scale_bench.mutuelles(500)) == 500, "past the list, names are reused with a number"
