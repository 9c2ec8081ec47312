"""Each shipped organism's documents carry the facts of its seed document (identity, contacts, cookies, delays...)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import document_text

FACTS: dict[tuple[str, str], list[str]] = {
    ("vivoptim-solutions", "cgu"): [
        "VIVOPTIM SOLUTIONS", "840 628 895", "3 Square Max Hymans, 75015 Paris", "01 40 47 20 20",
        "Alexandrine DE VALLOIS", "Virginie FEMERY", "CHEOPS TECHNOLOGY France", "37, rue Thomas Edison, 33610 Canéjan",
        "415 050 681", "03 80 48 13 80", "article L.1111-8 du Code de la santé publique", "dpo@vivoptim-solutions.com",
        "contact@vivoptim.com", "_pk_id", "25 jours", "_pk_ses", "30 minutes", "_pk_cvar", "30 min", "ideoportal", "2 min 30 s",
        "6 mois", "13 mois", "tribunaux français", "article 1218 du Code civil", "articles 1366 à 1368 du Code civil",
        "Vivoptim", "Mon service santé", "Mon coaching santé", "Matomo",
    ],
    ("vivoptim-solutions", "privacy"): [
        "VIVOPTIM SOLUTIONS", "dpo@vivoptim-solutions.com", "VIVOPTIM Solutions – DPO – 3 Square Max Hymans, 75015 Paris",
        "6 mois après la clôture du compte", "CNIL", "portabilité", "article L.1111-8 du Code de la santé publique",
        "_pk_id", "25 jours", "ideoportal", "2 min 30 s", "article 85 de la loi du 6 janvier 1978",
    ],
    ("harmonie-mutuelle", "cgu"): [
        "Harmonie Mutuelle", "538 518 473", "143, rue Blomet, 75015 Paris", "www.harmonie-mutuelle.fr",
        "Espace adhérent", "Espace employeur", "Espace professionnel de santé", "Kalivia", "carte de tiers payant",
        "dpo@harmonie-mutuelle.fr", "29, quai François-Mitterrand, 44273 Nantes Cedex 2",
        "deux ans après la cessation des garanties", "droit français",
    ],
    ("harmonie-mutuelle", "privacy"): [
        "Harmonie Mutuelle", "dpo@harmonie-mutuelle.fr", "Commission Nationale Informatique et Libertés (CNIL)",
        "blanchiment de capitaux", "Lutte contre la fraude", "Prospection commerciale", "portabilité", "décès",
        "norme sectorielle assurance",
    ],
    ("klesia", "cgu"): [
        "CETIP", "4 000 000,00 euros", "RCS Nanterre 440 367 357", "groupe CEGEDIM", "114 rue d'Aguesseau, 92100 Boulogne-Billancourt",
        "01 49 09 22 00", "Philippe SIMON", "CEGEDIM", "https://portail-gestion-sante-individu.klesia.fr/",
        "AspNet.ApplicationCookie", "consent", "showModale", "login_message_not_displayed", "home_message_not_displayed", "_ga",
        "Google Maps Platform", "Google Chat API", "24 heures sur 24 et 7 jours sur 7", "tribunaux de Paris", "droit français",
    ],
    ("klesia", "privacy"): ["CETIP", "Google", "États-Unis", "clauses contractuelles types", "_ga", "13 mois", "CNIL"],
    ("mutuelle-mieux-etre", "privacy"): [
        "Mutuelle Mieux-Être", "775 659 907", "171 avenue Ledru-Rollin, 75544 Paris Cedex 11", "01 44 93 11 00",
        "dpo@mieux-etre.fr", "un (1) mois, porté à trois (3) mois pour une demande complexe", "NOEMIE",
        "SGAPS BTP", "SARL Mieux-Être", "médecin conseil", "trente (30) ans", "3 ans", "13 mois",
        "Service des plaintes – 3 Place de Fontenoy – TSA80715, 75334 PARIS", "https://www.cnil.fr/fr/plaintes",
        "Bloctel", "www.bloctel.gouv.fr", "Belorgey", "AERAS", "décret n° 2018-137 du 26 février 2018",
        "article 85 de la loi du 6 janvier 1978",
    ],
    ("mutuelle-mieux-etre", "cgu"): ["Mutuelle Mieux-Être", "775 659 907", "https://www.mieux-etre.fr/", "dpo@mieux-etre.fr"],
    ("partenamut", "cgu"): [
        "Partena-Mutualité Libre (Partenamut)", "0411.815.280", "RPM Bruxelles", "boulevard Louis Mettewie, 74-76, 1080 Bruxelles",
        "loi du 6 août 1990", "M-Team", "Route de Lennik 788 bte 1, 1070 Anderlecht", "www.partenamutshop.be", "www.kids.partena.be",
        "www.babymut.be", "__ga", "2 ans à compter de la création/mise à jour", "__gat", "10 minutes à compter de la création/mise à jour",
        "__sc", "__ASPXAUTH", "__ASP.NET_SessionId", "__SC_ANALYTICS_GLOBAL_COOKIE", "10 ans", "_cc_analytics", "_cc_necessary",
        "_cc_social", "_partenamut#lang", "cession de droits d'accès", "e-Box", "carte d'identité électronique",
        "six mois consécutifs", "droit belge", "13 ans", "02/444.41.11",
    ],
    ("partenamut", "privacy"): [
        "0411.815.280", "5 ans au maximum après la fin de la relation contractuelle", "411.766.483", "422.189.629",
        "Union Nationale des Mutualités Libres", "Autorité de protection des données", "Ne m'appelez plus", "Groupe Partena",
        "loi belge du 30 juillet 2018",
    ],
}


@pytest.mark.parametrize("organism, kind", sorted(FACTS))
def test_seed_facts_are_in_the_document(shipped_build: Path, organism: str, kind: str) -> None:
    text = document_text(shipped_build, organism, kind)
    missing = [fact for fact in FACTS[(organism, kind)] if fact not in text]
    assert not missing, f"{organism} {kind} lacks: {missing}"


def test_belgian_documents_cite_belgian_law(shipped_build: Path) -> None:
    text = document_text(shipped_build, "partenamut", "cgu") + document_text(shipped_build, "partenamut", "privacy")
    assert "Code de la santé publique" not in text and "CNIL" not in text and "article 1218 du Code civil" not in text


def test_every_organism_has_both_documents_in_html_and_pdf(shipped_build: Path) -> None:
    organisms = ["harmonie-mutuelle", "klesia", "mutuelle-mieux-etre", "partenamut", "vivoptim-solutions"]
    assert sorted(p.name for p in shipped_build.iterdir() if p.is_dir() and p.name != "assets") == organisms
    for organism in organisms:
        files = sorted(p.name for p in (shipped_build / organism).iterdir() if p.is_file() and not p.name.startswith("logo"))
        assert [f.split("-")[0] + f[f.rfind("."):] for f in files] == ["cgu.html", "cgu.pdf", "privacy.html", "privacy.pdf"]
