"""Scaffolding for writers: a new content repository, a new organism, a new clause, each valid at once."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import Any

from cgu.builtin import BUILTIN_THEMES, STARTER_CLAUSES
from cgu.errors import CguError
from cgu.load.organisms import discover_organisms
from cgu.load.schema import ID_PATTERN
from cgu.model import LANGUAGES, SourceLocation

"""The tool's own checkout: its clause library and default theme seed a new repository."""

ORGANISM_TEMPLATE = """\
# Organisme {id} : chaque fait que ses documents énoncent.{guide}
# `cgu check` dit quel fichier et quelle ligne corriger ;
# `cgu vars {id}`, d'où vient chaque valeur et quelles clauses la citent.
# Un fait encore inconnu reste « à compléter : la question à poser » : les documents le surlignent,
# `cgu check` les liste un à un, et une version ne peut être publiée tant qu'il en reste. Ne devinez jamais un fait.
id: {id}                           # le même que le nom du dossier
{extends_line}{country_line}identity:                          # l'éditeur du site, responsable des données
  name: "{name}"                   # obligatoire : la dénomination exacte de l'organisme
  legal_form: "à compléter : Quelle est la forme juridique de l'organisme (et le livre du Code de la mutualité) ?"
  siren: "à compléter : Quel est le numéro SIREN de l'organisme ?"   # 9 chiffres, vérifiés ; en Belgique : bce
  address: {{street: "à compléter : Quelle est l'adresse du siège (rue, code postal, ville) ?"}}
  phone: "à compléter : Quel numéro de téléphone publier ?"          # un numéro français (belge en Belgique)
  email: "à compléter : Quelle adresse électronique de contact publier ?"   # le contact du responsable du traitement
  website: "à compléter : Quelle est l'adresse du site ?"           # une adresse en https
  publication_director: "à compléter : Qui est le directeur de la publication (nom et fonction) ?"   # LCEN art. 6
"""

ORGANISM_REST = (
    """\
host:                              # l'hébergeur du site (LCEN art. 6)
  name: "à compléter : Qui héberge le site ?"
  address: {{street: "à compléter : Quelle est l'adresse de l'hébergeur (rue, code postal, ville) ?"}}
dpo:                               # le délégué à la protection des données
  email: "à compléter : Quelle est l'adresse électronique du délégué à la protection des données ?"
  address: {{street: "à compléter : Quelle est l'adresse postale du délégué à la protection des données ?"}}
rights:                            # où les personnes exercent leurs droits
  email: "à compléter : À quelle adresse les personnes exercent-elles leurs droits ?"
  response_delay: "un mois"        # RGPD art. 12.3
authority:                         # l'autorité de contrôle
  name: CNIL
  address: {{street: "3 place de Fontenoy, TSA 80715", postal_code: "75334", city: "Paris Cedex 07"}}
  website: https://www.cnil.fr
jurisdiction:
  law: français
  courts: "à compléter : Quels tribunaux sont compétents ?"
  mediation: "à compléter : Quel médiateur de la consommation l'organisme a-t-il désigné (nom, adresse, site) ?"
notice_days: 30                    # préavis (en jours) avant qu'un changement important s'applique
cookies: []                        # un élément par traceur, comme le bandeau les montre : """
    """{{name, provider, purpose, category, duration, consent}}
cookie_settings:
  consent_retention: "6 mois"      # CNIL : 6 mois au plus
processing:                        # un élément par finalité
  - purpose: "Gestion de l'espace personnel"
    legal_basis: contract
    data: ["identité", "coordonnées"]
    recipients: ["services habilités de {name}"]
    retention: "à compléter : Combien de temps ces données sont-elles conservées, et à partir de quand ?"
    mandatory: "à compléter : Quelles données sont obligatoires, et que se passe-t-il si elles manquent ?"
transfers:                         # données envoyées hors de l'UE ; [] s'il n'y en a pas
  - country: "à compléter : Des données sont-elles envoyées hors de l'Union européenne, et vers quel pays ? """
    """Si aucune, remplacer cette liste par une liste vide."
    recipient: "à compléter : À quel destinataire ?"
    safeguard: "à compléter : Avec quelle garantie (décision d'adéquation, clauses contractuelles types) ?"
documents:                         # `cgu check` fait les contrôles juridiques sur chacun
  cgu:
    title: Conditions générales d'utilisation
    version: {today}
    effective: {today}
    clauses: [mentions-legales, objet, acceptation, acces-compte, responsabilite, propriete-intellectuelle, """
    """cookies, modification, droit-applicable]
  privacy:
    title: Politique de protection des données personnelles
    version: {today}
    effective: {today}
    clauses: [responsable-traitement, dpo, donnees-collectees, finalites, destinataires, transferts, conservation,
              securite-donnees, droits, reclamation, obligation-fournir, profilage, cookies, modification]
"""
)

CLAUSE_TEMPLATE = """\
---
id: {id}                           # le même que le nom du fichier
title: "{title}"                   # le titre de l'article
category: general                  # un mot pour classer les clauses : law, data, cookies...
documents: [cgu]                   # où elle peut figurer : cgu, privacy, ou les deux
requires: [identity.name]          # les variables sans lesquelles le texte ne tient pas
material: true                     # la modifier demande-t-il une nouvelle acceptation des adhérents ?
---
Rédigez ici le texte de la clause, en Markdown. Les variables de l'organisme
s'écrivent entre doubles accolades : {{{{ identity.name }}}}.

## Une sous-partie

Une sous-partie devient l'article « N.1 ».
"""


def _check_id(kind: str, identifier: str) -> None:
    if not ID_PATTERN.match(identifier):
        raise CguError.at(
            SourceLocation(identifier),
            f"{kind} id {identifier!r} must be lower-case letters, digits and hyphens (for example mutuelle-exemple)",
        )


def new_organism(
    root: Path, organism_id: str, base: str | None, today: str, languages: tuple[str, ...] = ("fr",)
) -> Path:
    """Write organisms/<id>/organism.yaml with every required field, commented; refuse to overwrite."""
    _check_id("organism", organism_id)
    if base is not None:
        _check_id("organism", base)
        known = discover_organisms(root)
        if base not in known:
            raise CguError.at(
                SourceLocation("--extends"),
                f"no organism {base!r} to extend in {root / 'organisms'}; "
                f"extend one of {', '.join(sorted(known)) or 'none yet'}, or leave out --extends",
            )
    folder = root / "organisms" / organism_id
    if folder.exists() or (root / "organisms" / f"{organism_id}.yaml").exists():
        raise CguError.at(SourceLocation(f"organisms/{organism_id}"), "this organism already exists; choose another id")
    fields = {
        "guide": _facts_guide(root),
        "id": organism_id,
        "name": organism_id.replace("-", " ").capitalize(),
        "today": today,
        "extends_line": f"extends: {base}    # toute clé absente d'ici vient de {base}\n" if base else "",
        "country_line": ("" if base else "country: FR                        # FR ou BE\n")
        + (
            f"languages: [{', '.join(languages)}]    # la première est la source{_languages_guide(root, organism_id)}\n"
            if languages != ("fr",)
            else ""
        ),
    }
    text = _align_comments(ORGANISM_TEMPLATE.format(**fields) + ("" if base else ORGANISM_REST.format(**fields)))
    folder.mkdir(parents=True)
    (folder / "clauses").mkdir()
    (folder / "organism.yaml").write_text(text, encoding="utf-8")
    return folder / "organism.yaml"


WRITERS_FACTS = "## Les faits d'un organisme"
"""The part of the README `cgu init` writes that describes an organism's keys."""


def _facts_guide(root: Path) -> str:
    """Where the project's own documentation describes an organism's keys, as a comment line (none if it has none):
    the README `cgu init` wrote, else the file formats of a checkout of cgu itself."""
    readme = root / "README.md"
    if readme.is_file() and f"\n{WRITERS_FACTS}\n" in readme.read_text(encoding="utf-8", errors="replace"):
        return "\n# Ces clés sont décrites dans la partie « Les faits d'un organisme » du README.md de ce dépôt."
    if (root / "docs/formats.md").is_file():
        return "\n# Ces clés sont décrites dans docs/formats.md, partie « Organisms » (en anglais)."
    return ""


def _languages_guide(root: Path, organism_id: str) -> str:
    """How to find the translations to write: the languages' documentation where the project has it, else the
    command that lists them."""
    if (root / "docs/languages.md").is_file():
        return " (docs/languages.md)"
    return f" ; `cgu translations {organism_id}` liste les traductions à écrire"


def _align_comments(text: str, column: int = 35) -> str:
    """Line the trailing comments up on one column, whatever the length of the id or name before them."""
    lines = []
    for line in text.split("\n"):
        found = re.match(r"^(\s*[^#\s].*?)\s+(# .*)$", line)
        lines.append(f"{found.group(1):<{column - 1}} {found.group(2)}" if found else line)
    return "\n".join(lines)


def new_clause(root: Path, clause_id: str) -> Path:
    """Write clauses/<id>.md with its front matter commented; refuse to overwrite."""
    _check_id("clause", clause_id)
    path = root / "clauses" / f"{clause_id}.md"
    if path.exists():
        raise CguError.at(
            SourceLocation(f"clauses/{clause_id}.md"), "this clause already exists; edit it or choose another id"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        _align_comments(CLAUSE_TEMPLATE.format(id=clause_id, title=clause_id.replace("-", " ").capitalize())),
        encoding="utf-8",
    )
    return path


def init_repository(
    target: Path, today: str, cgu_from: str | None = None, languages: tuple[str, ...] = ("fr",)
) -> list[Path]:
    """A new content repository that builds at once: the clause library, the default theme, one organism, CI, README.

    Its CI installs cgu with `pip install CGU_FROM` (a pip requirement); without one, its install step fails and says
    what to write there.
    """
    if cgu_from is not None and not _requirement_is_plain(cgu_from):
        raise CguError.at(
            SourceLocation("--cgu-from"),
            f"{cgu_from!r} is not a pip requirement on one line; write it as pip does, for example "
            "'cgu @ git+https://git.example.org/outils/cgu.git@v0.1.0'",
        )
    if languages[:1] != ("fr",) or len(set(languages)) != len(languages) or not set(languages) <= set(LANGUAGES):
        raise CguError.at(
            SourceLocation("--languages"),
            f"{','.join(languages)!r}: the clause library is French, so the languages start with fr, then any of "
            f"{', '.join(LANGUAGES[1:])}, each once (for example --languages fr,nl)",
        )
    if target.exists() and any(target.iterdir()):
        raise CguError.at(SourceLocation(str(target)), "folder is not empty; cgu init needs a new or empty folder")
    library = STARTER_CLAUSES
    if not library.is_dir():
        raise CguError.at(
            SourceLocation(str(library)),
            "the tool's clause library is missing; install cgu from its repository (pip install -e .)",
        )
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(library, target / "clauses")
    shutil.copytree(BUILTIN_THEMES / "default", target / "themes" / "default")
    (target / "organisms").mkdir()
    (target / "README.md").write_text(WRITERS_README, encoding="utf-8")  # first: the organism's comments point to it
    created = [new_organism(target, "mutuelle-exemple", None, today, languages)]
    workflow = target / ".github" / "workflows" / "cgu.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(ci_workflow(cgu_from), encoding="utf-8")
    (target / ".gitignore").write_text("build/\n.*.lock\n", encoding="utf-8")  # output, and the build's lock file
    return [target / "clauses", target / "themes", *created, workflow, target / "README.md"]


def installed_from() -> str | None:
    """Where this cgu was installed from, as a pip requirement that CI can install too, from its installation record
    (PEP 610 `direct_url.json`): a repository, pinned to the commit installed, or an archive on the network. None for
    a local folder or file (an editable checkout included), which CI cannot reach, and for a cgu run from its source."""
    try:
        record = json.loads(distribution("cgu").read_text("direct_url.json") or "null")
    except (PackageNotFoundError, ValueError):
        return None
    return requirement_from_record(record)


def requirement_from_record(record: Any) -> str | None:
    """The pip requirement that installs what a PEP 610 record describes, where a CI machine can fetch it too."""
    if not isinstance(record, dict) or not isinstance(url := record.get("url"), str):
        return None
    if not re.match(r"(https?|ssh|git)://", url):
        return None  # file://: a folder or a file of this machine
    subdirectory = record.get("subdirectory")
    fragment = f"#subdirectory={subdirectory}" if isinstance(subdirectory, str) and subdirectory else ""
    vcs = record.get("vcs_info")
    if isinstance(vcs, dict):
        kind, commit = vcs.get("vcs"), vcs.get("commit_id")
        if not (isinstance(kind, str) and isinstance(commit, str)):
            return None
        requirement = f"cgu @ {kind}+{url}@{commit}{fragment}"
    elif isinstance(record.get("archive_info"), dict):
        requirement = f"cgu @ {url}{fragment}"
    else:
        return None
    return requirement if _requirement_is_plain(requirement) else None


def _requirement_is_plain(requirement: str) -> bool:
    """One line of printable text without quotes: it goes into a shell command inside YAML."""
    return bool(requirement.strip()) and requirement.isprintable() and not any(c in requirement for c in "'\"`$\\")


def ci_workflow(cgu_from: str | None) -> str:
    """The writers' CI: install cgu from `cgu_from` (a pip requirement), check and build; without it, a step that fails
    and says what to write there."""
    if cgu_from:
        install = f"      - run: {json.dumps('pip install ' + shlex.quote(cgu_from))}\n"
    else:
        refusal = "echo 'cgu: say where CI installs cgu from, see the comment above this step' >&2; exit 1"
        install = (
            "      # cgu init did not know where CI can install cgu from (it was installed from a local folder):\n"
            "      # replace this step with where your team keeps cgu, for example\n"
            "      #   - run: pip install 'cgu @ git+https://git.example.org/outils/cgu.git@v0.1.0'\n"
            "      # or create the repository again with cgu init --cgu-from REQUIREMENT.\n"
            f"      - run: {json.dumps(refusal)}\n"
        )
    return WORKFLOW.replace("{install}", install)


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
{install}      - run: cgu check
      - run: cgu build
      - uses: actions/upload-artifact@v4
        with: {name: documents, path: build/}
      # The gate, after the documents are built and kept: a warning fails too (a fact still to complete,
      # a clause no document lists...), so nothing half-written is merged unnoticed.
      - run: cgu check --strict
"""

WRITERS_README = """\
# Nos conditions générales et politiques de confidentialité

Ce dépôt contient nos clauses (`clauses/`), nos organismes (`organisms/`) et le
thème de mise en page (`themes/`). L'outil `cgu` les assemble en documents
datés, en HTML et en PDF. Chaque commande a une aide : `cgu COMMANDE --help`.

## Écrire

- Nouvel organisme : `cgu new organism mon-organisme` (ou
  `--extends mutuelle-exemple` pour hériter de tout ce qu'il ne redéfinit pas) ;
  chaque champ y est commenté.
- Nouvelle clause : `cgu new clause ma-clause`, puis ajoutez son identifiant à la
  liste `clauses:` d'un document de l'organisme.
- Aperçu : `cgu preview`, puis ouvrez http://127.0.0.1:8000 : chaque
  enregistrement met la page à jour ; une erreur s'affiche avec son fichier et
  sa ligne ; le lien « Modifications » montre les changements depuis la
  dernière version publiée.
- Qui est concerné par un fichier : `cgu impact clauses/cookies.md`.
- D'où vient une variable, et qui l'utilise : `cgu vars mutuelle-exemple`.

## Vérifier et construire

- `cgu check` : chaque erreur avec son fichier et sa ligne, puis les contrôles
  juridiques (RGPD, cookies, identifiants) ; une constatation acceptée se
  justifie par écrit sous `waivers:` dans le fichier de l'organisme.
- `cgu build` : les documents dans `build/` (ouvrez `build/index.html`).
- `cgu check --strict` : les avertissements aussi font échouer (un fait encore
  « à compléter »...), et une clause qu'aucun document ne liste (les clauses de
  la bibliothèque de départ restent en réserve tant que vous ne les modifiez
  pas).
- La CI (`.github/workflows/cgu.yml`) fait les trois à chaque envoi : les
  documents construits restent téléchargeables, et elle reste en échec tant que
  `cgu check --strict` trouve quelque chose.

## Les faits d'un organisme

Le fichier `organisms/<id>/organism.yaml` réunit ce que ses documents énoncent ;
chaque clé y est commentée. Les principales :

- `identity` : l'éditeur du site et responsable du traitement (nom, forme
  juridique, SIREN ou, en Belgique, BCE, adresse, contacts, directeur de la
  publication) ;
- `host`, `dpo`, `rights`, `authority` : l'hébergeur, le délégué à la
  protection des données, où exercer ses droits, l'autorité de contrôle ;
- `cookies` : un élément par traceur, avec `name`, `provider`, `purpose`,
  `category` (necessary, functional, audience, advertising, social),
  `duration` et `consent` (true ou false) ;
- `processing`, `transfers`, `retention` : les traitements (finalité, base
  légale, données, destinataires, durée de conservation), les envois hors de
  l'UE et leurs garanties ;
- `documents` : pour `cgu` et `privacy`, le titre, les dates (AAAA-MM-JJ) et la
  liste des clauses, dans l'ordre ;
- `extends` : un autre organisme dont celui-ci reprend tout ce qu'il ne
  redéfinit pas ; `extra` : les faits propres à l'organisme.

Un fait inconnu s'écrit `"à compléter : la question à poser"`. `cgu vars <id>`
montre d'où vient chaque valeur et quelles clauses la citent.

## Publier une version

1. Ajoutez sous `documents.cgu.releases` (ou `documents.privacy.releases`) de
   l'organisme : `{version: AAAA-MM-JJ, effective: AAAA-MM-JJ, material: true,
   summary: "ce qui change"}` ; un changement important (`material: true`)
   prend effet au plus tôt `notice_days` jours après sa publication.
2. Faites relire et fusionnez ce commit.
3. `cgu releases mutuelle-exemple cgu` affiche la version, son commit et
   l'empreinte SHA-256 de son texte : recopiez-la (`sha256:`) pour la sceller.
"""
