"""Scaffolding for writers: a new content repository, a new organism, a new clause, each valid at once."""

from __future__ import annotations

import shutil
from pathlib import Path

from cgu.errors import CguError
from cgu.model import SourceLocation
from cgu.schema import ID_PATTERN
from cgu.themes import BUILTIN_THEMES

TOOL_ROOT = BUILTIN_THEMES.parent
"""The tool's own checkout: its clause library and default theme seed a new repository."""

ORGANISM_TEMPLATE = """\
# Organism {id}: every fact its documents state. Keys are described in docs/formats.md of cgu.
id: {id}
{extends_line}{country_line}identity:
  name: "{name}"                   # required: the organism's legal name
  legal_form: "mutuelle soumise aux dispositions du livre II du Code de la mutualité"
  siren: "000 000 000"             # 9 digits (FR); for BE use bce: "0000.000.000"
  address: {{street: "1 rue de l'Exemple", postal_code: "75001", city: Paris, country: France}}
  phone: "01 00 00 00 00"
  email: contact@example.org
  website: https://www.example.org
  publication_director: "Prénom Nom, directeur général"
"""

ORGANISM_REST = """\
host:                              # who hosts the site
  name: "Hébergeur"
  address: {{street: "1 rue de l'Hébergement", postal_code: "75001", city: Paris}}
dpo:                               # data protection officer
  email: dpo@example.org
  address: {{street: "1 rue de l'Exemple", postal_code: "75001", city: Paris}}
rights:                            # how members exercise their rights
  email: dpo@example.org
  response_delay: "un mois"
authority:                         # supervisory authority
  name: CNIL
  address: {{street: "3 place de Fontenoy, TSA 80715", postal_code: "75334", city: "Paris Cedex 07"}}
  website: https://www.cnil.fr
jurisdiction:
  law: français
  courts: "tribunaux compétents de Paris"
notice_days: 30                    # notice before a material change takes effect
cookies:                           # one entry per cookie, as the banner shows them
  - {{name: session, provider: "{name}", purpose: "Maintenir la session", category: necessary, duration: session, consent: false}}
cookie_settings:
  consent_retention: "6 mois"
processing:                        # one entry per purpose
  - purpose: "Gestion de l'espace personnel"
    legal_basis: contract
    data: ["identité", "coordonnées"]
    recipients: ["services habilités de {name}"]
    retention: "durée de l'adhésion, puis 5 ans"
documents:
  cgu:
    title: Conditions générales d'utilisation
    version: {today}
    effective: {today}
    clauses: [mentions-legales, objet, acceptation, acces-compte, responsabilite, propriete-intellectuelle, cookies, modification, droit-applicable]
  privacy:
    title: Politique de protection des données personnelles
    version: {today}
    effective: {today}
    clauses: [responsable-traitement, dpo, finalites, destinataires, conservation, droits, reclamation, cookies]
"""

CLAUSE_TEMPLATE = """\
---
id: {id}                           # must equal the file name
title: "{title}"                   # the article's heading
category: general                  # a word to group clauses: law, data, cookies...
documents: [cgu]                   # where it may appear: cgu, privacy, or both
requires: [identity.name]          # variables the text cannot do without
material: true                     # does a change to it need members' re-acceptance?
---
Rédigez ici le texte de la clause, en Markdown. Les variables de l'organisme
s'écrivent entre doubles accolades : {{{{ identity.name }}}}.

## Une sous-partie

Une sous-partie devient l'article « N.1 ».
"""


def _check_id(kind: str, identifier: str) -> None:
    if not ID_PATTERN.match(identifier):
        raise CguError.at(SourceLocation(identifier), f"{kind} id {identifier!r} must be lower-case letters, digits and hyphens (for example mutuelle-exemple)")


def new_organism(root: Path, organism_id: str, base: str | None, today: str) -> Path:
    """Write organisms/<id>/organism.yaml with every required field, commented; refuse to overwrite."""
    _check_id("organism", organism_id)
    if base is not None:
        _check_id("organism", base)
    folder = root / "organisms" / organism_id
    if folder.exists() or (root / "organisms" / f"{organism_id}.yaml").exists():
        raise CguError.at(SourceLocation(f"organisms/{organism_id}"), "this organism already exists; choose another id")
    fields = {"id": organism_id, "name": organism_id.replace("-", " ").title(), "today": today,
              "extends_line": f"extends: {base}    # every key not written here comes from {base}\n" if base else "",
              "country_line": "" if base else "country: FR                        # FR or BE\n"}
    text = ORGANISM_TEMPLATE.format(**fields) + ("" if base else ORGANISM_REST.format(**fields))
    folder.mkdir(parents=True)
    (folder / "clauses").mkdir()
    (folder / "organism.yaml").write_text(text, encoding="utf-8")
    return folder / "organism.yaml"


def new_clause(root: Path, clause_id: str) -> Path:
    """Write clauses/<id>.md with its front matter commented; refuse to overwrite."""
    _check_id("clause", clause_id)
    path = root / "clauses" / f"{clause_id}.md"
    if path.exists():
        raise CguError.at(SourceLocation(f"clauses/{clause_id}.md"), "this clause already exists; edit it or choose another id")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CLAUSE_TEMPLATE.format(id=clause_id, title=clause_id.replace("-", " ").capitalize()), encoding="utf-8")
    return path


def init_repository(target: Path, today: str) -> list[Path]:
    """A new content repository that builds at once: the clause library, the default theme, one organism, CI, README."""
    if target.exists() and any(target.iterdir()):
        raise CguError.at(SourceLocation(str(target)), "folder is not empty; cgu init needs a new or empty folder")
    library = TOOL_ROOT / "clauses"
    if not library.is_dir():
        raise CguError.at(SourceLocation(str(library)), "the tool's clause library is missing; install cgu from its repository (pip install -e .)")
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(library, target / "clauses")
    shutil.copytree(BUILTIN_THEMES / "default", target / "themes" / "default")
    (target / "organisms").mkdir()
    created = [new_organism(target, "mutuelle-exemple", None, today)]
    workflow = target / ".github" / "workflows" / "cgu.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(WORKFLOW, encoding="utf-8")
    (target / "README.md").write_text(WRITERS_README, encoding="utf-8")
    (target / ".gitignore").write_text("build/\n", encoding="utf-8")
    return [target / "clauses", target / "themes", *created, workflow, target / "README.md"]


WORKFLOW = """\
name: cgu
on: [push, pull_request]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with: {fetch-depth: 0}
      - uses: actions/setup-python@v5
        with: {python-version: "3.11"}
      - run: sudo apt-get update && sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
      - run: pip install "cgu @ git+https://example.invalid/cgu.git"   # replace with where your team keeps cgu
      - run: cgu check
      - run: cgu build
      - uses: actions/upload-artifact@v4
        with: {name: documents, path: build/}
"""

WRITERS_README = """\
# Nos conditions générales et politiques de confidentialité

Ce dépôt contient nos clauses (`clauses/`), nos organismes (`organisms/`) et le
thème de mise en page (`themes/`). L'outil `cgu` les assemble en documents
datés, en HTML et en PDF.

- Vérifier : `cgu check`
- Construire : `cgu build` (résultat dans `build/index.html`)
- Nouvel organisme : `cgu new organism mon-organisme`
- Nouvelle clause : `cgu new clause ma-clause`
- Qui est concerné par un fichier : `cgu impact clauses/cookies.md`
"""
