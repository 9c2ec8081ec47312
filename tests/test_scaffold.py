"""Scaffolding and inspection: new organisms and clauses are valid at once; impact and vars tell the truth."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cgu.cli import main
from cgu.errors import counted
from cgu.load.schema import REQUIRED


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_new_organism_extending_a_base_builds(mini: Path) -> None:
    code, output = invoke("new", "organism", "mutuelle-du-lac", "--extends", "base", "--project", str(mini))
    assert code == 0, output
    text = (mini / "organisms/mutuelle-du-lac/organism.yaml").read_text(encoding="utf-8")
    assert "extends: base" in text and "#" in text
    code, output = invoke("check", "--no-legal", "--project", str(mini))
    assert code == 0, output
    assert "ok: 3 organisms, 6 documents" in output


def test_new_organism_refuses_to_overwrite_and_bad_ids(mini: Path) -> None:
    assert invoke("new", "organism", "beta", "--project", str(mini))[0] == 1
    code, output = invoke("new", "organism", "../evil", "--project", str(mini))
    assert code == 1 and "must be lower-case letters" in output
    assert not (mini.parent / "evil").exists()


def test_new_clause_is_valid_and_usable(mini: Path) -> None:
    code, output = invoke("new", "clause", "teleconsultation", "--project", str(mini))
    assert code == 0, output
    base = mini / "organisms/base.yaml"
    base.write_text(
        base.read_text(encoding="utf-8").replace(
            "clauses: [editeur, cookies, droit]", "clauses: [editeur, cookies, droit, teleconsultation]"
        ),
        encoding="utf-8",
    )
    code, output = invoke("check", "--no-legal", "--project", str(mini))
    assert code == 0, output


def test_new_organism_extends_only_an_organism_of_the_project(tmp_path: Path) -> None:
    repo = tmp_path / "contenus"
    assert invoke("init", str(repo))[0] == 0
    code, output = invoke("new", "organism", "mutuelle-du-lac", "--extends", "vivoptim-base", "--project", str(repo))
    assert code == 1 and not (repo / "organisms/mutuelle-du-lac").exists()
    assert output == (
        f"--extends: no organism 'vivoptim-base' to extend in {repo / 'organisms'}; "
        "extend one of mutuelle-exemple, or leave out --extends\n"
    )
    helps = [invoke("new", "--help")[1], invoke("new", "organism", "--help")[1]]
    suggested = {base for text in helps for base in re.findall(r"--extends (\S+)", text) if base != "BASE"}
    assert suggested == {"mutuelle-exemple"}, helps  # the organism `cgu init` writes
    for base in suggested:
        assert invoke("new", "organism", f"lac-{base}", "--extends", base, "--project", str(repo))[0] == 0
    code, output = invoke("check", "--project", str(repo))
    assert code == 0, output


def test_new_organism_comments_are_french_and_point_at_the_writers_readme(tmp_path: Path) -> None:
    repo = tmp_path / "contenus"
    assert invoke("init", str(repo))[0] == 0
    assert invoke("new", "organism", "mutuelle-du-lac", "--project", str(repo))[0] == 0
    assert invoke("new", "clause", "teleconsultation", "--project", str(repo))[0] == 0
    readme = (repo / "README.md").read_text(encoding="utf-8")
    for path in ("organisms/mutuelle-du-lac/organism.yaml", "clauses/teleconsultation.md"):
        comments = [
            line.split("# ", 1)[1] for line in (repo / path).read_text(encoding="utf-8").splitlines() if "# " in line
        ]
        assert len(comments) >= 6, path
        english = [c for c in comments if re.search(r"\b(the|must|every|which|when|where|its)\b", c)]
        assert not english, english
        for section in re.findall(r"« ([^»]+) » du\s+#?\s*README", " ".join(comments)):
            assert f"## {section}" in readme, section
    assert "docs/formats.md" not in (repo / "organisms/mutuelle-du-lac/organism.yaml").read_text(encoding="utf-8")
    header = (repo / "organisms/mutuelle-du-lac/organism.yaml").read_text(encoding="utf-8").split("\nid:")[0]
    assert "« Les faits d'un organisme » du" in header and "## Les faits d'un organisme" in readme


def test_new_organism_comments_point_at_the_documentation_the_project_has(tmp_path: Path) -> None:
    """In a checkout of cgu (the shipped example), the organism's keys are in docs/formats.md and languages in
    docs/languages.md; in a project with neither, no comment names a file that is not there."""
    import shutil

    from conftest import FIXTURES, ROOT

    checkout = tmp_path / "cgu"
    for folder in ("clauses", "organisms", "docs"):
        shutil.copytree(ROOT / folder, checkout / folder)
    shutil.copy2(ROOT / "README.md", checkout / "README.md")
    assert invoke("new", "organism", "mutuelle-du-lac", "--project", str(checkout))[0] == 0
    header = (checkout / "organisms/mutuelle-du-lac/organism.yaml").read_text(encoding="utf-8").split("\nid:")[0]
    assert "# Ces clés sont décrites dans docs/formats.md, partie « Organisms » (en anglais)." in header
    assert "## Organisms: " in (checkout / "docs/formats.md").read_text(encoding="utf-8")
    assert "README" not in header, "this README has no part on an organism's facts"

    bare = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", bare)
    assert invoke("new", "organism", "mutuelle-du-lac", "--project", str(bare))[0] == 0
    text = (bare / "organisms/mutuelle-du-lac/organism.yaml").read_text(encoding="utf-8")
    assert not re.search(r"README|docs/|\.md\b", text), "no pointer to documentation the project does not have"
    assert "# `cgu vars mutuelle-du-lac`, d'où vient chaque valeur et quelles clauses la citent." in text


def test_init_with_languages_points_at_the_command_not_at_docs_it_does_not_copy(tmp_path: Path) -> None:
    repo = tmp_path / "nos-cgu"
    code, output = invoke("init", str(repo), "--cgu-from", "cgu", "--languages", "fr,nl")
    assert code == 0, output
    organism = (repo / "organisms/mutuelle-exemple/organism.yaml").read_text(encoding="utf-8")
    assert "la première est la source ; `cgu translations mutuelle-exemple` liste les traductions à écrire" in organism
    assert "« Les faits d'un organisme » du README.md de ce dépôt" in organism
    assert not (repo / "docs").exists() and "docs/" not in organism and "docs/" not in output


def test_impact_on_a_missing_file_names_it(mini: Path) -> None:
    code, output = invoke("impact", "clauses/cookie.md", "--project", str(mini))
    assert code == 1
    assert output == (
        f"clauses/cookie.md: no such file in the project {mini}: give the path of a clause, organism or theme file "
        "from the project folder, for example clauses/cookies.md\n"
    )


def test_impact_lists_affected_documents(mini: Path) -> None:
    assert invoke("impact", "clauses/droit.md", "--project", str(mini))[1].split("\n")[:1] == ["beta cgu"]
    code, output = invoke("impact", "organisms/acme/clauses/droit.md", "--project", str(mini))
    assert output.strip() == "acme cgu"
    code, output = invoke("impact", "themes/default/style.css", "--project", str(mini))
    assert output.split() == ["acme", "cgu", "acme", "privacy", "beta", "cgu", "beta", "privacy"]


def test_vars_shows_definition_and_use(mini: Path) -> None:
    code, output = invoke("vars", "beta", "--project", str(mini))
    assert code == 0
    lines = {line.split()[0]: line.split()[1:] for line in output.strip().split("\n")}
    assert lines["jurisdiction.law"][0] == "organisms/beta.yaml:8"
    assert lines["jurisdiction.courts"][0] == "organisms/base.yaml:5"
    assert "clauses/droit.md" in lines["jurisdiction.law"][1]
    # Per leaf, not per top-level key: editeur.md reads identity.name and identity.address, never identity.bce.
    assert lines["identity.name"][1:] == ["clauses/editeur.md"]
    assert lines["identity.address.city"][1:] == ["clauses/editeur.md"], (
        "a clause formatting the whole address reads each part"
    )
    assert lines["identity.bce"] == ["organisms/beta.yaml:5", "(unused)"]
    assert lines["documents.cgu.clauses"][1:] == ["(read", "by", "cgu)"]


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Rédaction", "-c", "user.email=redaction@example.org", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.mark.slow
def test_init_gives_a_repository_that_checks_builds_and_releases(tmp_path: Path) -> None:
    repo = tmp_path / "nos-cgu"
    code, output = invoke("init", str(repo))
    assert code == 0, output
    workflow = yaml.safe_load((repo / ".github/workflows/cgu.yml").read_text(encoding="utf-8"))
    commands = [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert "cgu check" in commands and "cgu build" in commands and commands[-1] == "cgu check --strict"
    readme = (repo / "README.md").read_text(encoding="utf-8")
    for command in (
        "cgu new organism",
        "cgu new clause",
        "cgu preview",
        "cgu check",
        "cgu build",
        "cgu impact",
        "cgu vars",
        "cgu releases",
    ):
        assert command in readme, command
    assert "build/" in (repo / ".gitignore").read_text(encoding="utf-8").split()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "cgu init")

    code, output = invoke("check", "--project", str(repo))  # the legal checks included: CI's first run passes
    assert code == 0, output
    warnings = only_facts_to_complete(output)
    assert f"ok: 1 organism, 2 documents, {counted(len(warnings), 'warning')}" in output
    assert any("identity.publication_director: « Qui est le directeur de la publication" in w for w in warnings)
    code, output = invoke("build", "--project", str(repo))
    assert code == 0, output
    index = (repo / "build/index.html").read_text(encoding="utf-8")
    for kind in ("cgu", "privacy"):
        assert len(list((repo / "build/mutuelle-exemple").glob(f"{kind}-*.pdf"))) == 1
        assert re.search(rf'href="mutuelle-exemple/{kind}-[0-9-]+\.html"', index), kind

    # The writers' README's release steps: declare, commit, read the hash back.
    organism = repo / "organisms/mutuelle-exemple/organism.yaml"
    text = organism.read_text(encoding="utf-8")
    today = re.search(r"version: (\S+)", text).group(1)  # type: ignore[union-attr]
    declared = text.replace(
        "    clauses: [mentions-legales",
        f"    releases:\n      - {{version: {today}, effective: {today}, material: true, "
        'summary: "Première publication."}\n    clauses: [mentions-legales',
        1,
    )
    organism.write_text(declared, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "Première publication des CGU")
    code, output = invoke("check", "--project", str(repo))
    assert code == 1, "a release that still asks questions is refused"
    refused = [line for line in output.splitlines() if "release-fact-to-complete" in line]
    assert len(refused) == 1 and refused[0].startswith("organisms/mutuelle-exemple/organism.yaml:"), output
    assert "« Qui est le directeur de la publication (nom et fonction) ? »" in refused[0]

    git(repo, "reset", "-q", "--hard", "HEAD~1")  # CI failed: the release is not merged; the writer completes first
    organism.write_text(complete_facts(declared), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "Première publication des CGU, faits complétés")
    code, output = invoke("check", "--project", str(repo))
    assert code == 0 and "fact-to-complete" not in output, output
    code, output = invoke("check", "--strict", "--project", str(repo))
    assert code == 0, f"every fact written, the library's unused clauses in reserve: CI's strict gate passes\n{output}"
    code, output = invoke("releases", "mutuelle-exemple", "cgu", "--project", str(repo))
    assert code == 0, output
    assert re.search(rf"^{today} .* sha256 [0-9a-f]{{64}} ", output, re.MULTILINE), output
    assert invoke("check", "--project", str(repo))[0] == 0


def test_new_organisms_pass_the_legal_checks_at_once(tmp_path: Path) -> None:
    repo = tmp_path / "contenus"
    assert invoke("init", str(repo))[0] == 0
    assert invoke("new", "organism", "mutuelle-du-lac", "--project", str(repo))[0] == 0
    assert (
        invoke("new", "organism", "mutuelle-du-lac-ouest", "--extends", "mutuelle-du-lac", "--project", str(repo))[0]
        == 0
    )
    for organism_id in ("mutuelle-du-lac", "mutuelle-du-lac-ouest"):
        text = (repo / f"organisms/{organism_id}/organism.yaml").read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        assert data["id"] == organism_id and data["identity"]["name"]
        code_lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
        assert sum("#" in line for line in code_lines) >= 5, "fields are commented"
    standalone = yaml.safe_load((repo / "organisms/mutuelle-du-lac/organism.yaml").read_text(encoding="utf-8"))
    for key in REQUIRED:
        head, _, rest = key.partition(".")
        assert head in standalone and (not rest or rest in standalone[head]), key
    code, output = invoke("check", "--project", str(repo))
    assert code == 0, output
    warnings = only_facts_to_complete(output)
    assert f"ok: 3 organisms, 6 documents, {len(warnings)} warnings" in output
    own = [w for w in warnings if w.startswith("organisms/mutuelle-du-lac/organism.yaml:")]
    assert any("identity.siren: « Quel est le numéro SIREN" in w for w in own), own


def test_new_organism_writes_questions_not_fake_facts(tmp_path: Path) -> None:
    repo = tmp_path / "contenus"
    assert invoke("init", str(repo))[0] == 0
    text = (repo / "organisms/mutuelle-exemple/organism.yaml").read_text(encoding="utf-8")
    for fake in ("000 000 000", "example.org", "Prénom Nom", "rue de l'Exemple", "01 00 00 00 00"):
        assert fake not in text, fake
    data = yaml.safe_load(text)  # plain YAML strings: any YAML tool reads them
    assert data["identity"]["publication_director"].startswith("à compléter : ")
    assert invoke("build", "--project", str(repo), "--format", "html")[0] == 0
    page = next((repo / "build/mutuelle-exemple").glob("cgu-*.html")).read_text(encoding="utf-8")
    assert (
        '<mark class="a-completer">[à compléter\u00a0: Qui est le directeur de la publication (nom et fonction)\u202f?]</mark>'
        in page
    )


def only_facts_to_complete(output: str) -> list[str]:
    """The warnings of a `cgu check` output, asserting that each is a fact left to be completed."""
    warnings = [line for line in output.splitlines() if ": warning: " in line]
    assert warnings and all(": warning: fact-to-complete: " in line for line in warnings), output
    return warnings


FACTS = {
    "legal_form": "mutuelle soumise aux dispositions du livre II du Code de la mutualité",
    "siren": "538 518 473",
    "street": "143 rue Blomet, 75015 Paris",
    "phone": "01 44 49 61 00",
    "email": "contact@mutuelle-exemple.fr",
    "website": "https://www.mutuelle-exemple.fr",
    "publication_director": "Camille Martin, directrice générale",
    "name": "Hébergeur SAS",
    "courts": "tribunaux compétents de Paris",
    "mediation": "Médiateur de la consommation Exemple, https://mediateur.example.org",
    "retention": "durée de l'adhésion, puis 5 ans",
    "mandatory": "l'identité et les coordonnées sont nécessaires à l'ouverture du compte",
}
"""What a writer would find out and write in place of each question of a new organism (test values)."""


def complete_facts(text: str) -> str:
    """An organism file with every `à compléter` question answered (and no transfer outside the EU)."""
    text = re.sub(r"transfers:.*\n(?:  - country:.*\n|    \w+:.*\n)+", "transfers: []\n", text)
    text = re.sub(r'(\w+): "à compléter : [^"]*"', lambda m: f'{m.group(1)}: "{FACTS[m.group(1)]}"', text)
    assert ': "à compléter' not in text, text
    return text
