"""Each shipped organism's documents carry the facts of its seed document (identity, contacts, cookies, delays...).

The seeds live in ../shared/seeds/ and may be absent, so each seed's facts are listed here, as our documents
word them (numbers, names, addresses, e-mails, URLs, durations and legal references verbatim). Seed 000
(Vivoptim) is covered in depth by test_seed_vivoptim.py. Facts of a seed that we deliberately leave out are
listed in LEFT_OUT, with the reason, and asserted absent so that they are not reintroduced by accident.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import document_text, stated_text

# Seed 001: CGU of the Harmonie Mutuelle member, employer and health-professional web spaces.
HARMONIE_CGU = [
    # identity, spaces and who they are for
    "Harmonie Mutuelle",
    "143, rue Blomet, 75015 Paris",
    "www.harmonie-mutuelle.fr",
    "538 518 473",
    "Espace adhérent",
    "Espace employeur",
    "Espace professionnel de santé",
    "assurées par Harmonie Mutuelle au titre d'une garantie complémentaire santé",
    "adhérents ou membres participants et leurs ayants droit tels que les statuts de la mutuelle les définissent",
    "contrat d'assurance frais de santé au bénéfice de leurs salariés ou membres",
    "signataires d'une convention de tiers payant avec Harmonie Mutuelle",
    # registration, credentials, acceptance
    "tous les champs obligatoires du formulaire d'inscription aux services en ligne",
    "reçoit par courriel l'identifiant numérique et le mot de passe",  # reworded: the seed's sentence was copied
    "se remplace depuis l'écran de connexion",
    "« j'accepte les présentes CGU »",
    "titulaire de l'autorité parentale, de son tuteur ou de son curateur",
    "remplace, le cas échéant, toute version acceptée auparavant",
    "dans les plus brefs délais toute utilisation frauduleuse",
    # value of the information shown
    "titre indicatif et n'ont pas de valeur contractuelle",
    "les statuts, le règlement intérieur, les documents contractuels remis lors de l'adhésion",
    # services of each space
    "télécharger le descriptif des garanties",
    "modalités de paiement et de remboursement des prestations",
    "dernières prestations versées",
    "relevés de frais de santé, qui remplacent les décomptes papier",
    "ajouter ou retirer un bénéficiaire",
    "Kalivia",
    "carte de tiers payant",
    "déposer une réclamation",
    "diverses informations utiles sur les garanties complémentaires santé",
    "affilier et gérer les salariés",
    "modifier les coordonnées bancaires",
    "bordereaux de cotisations",
    "diverses informations sur le contrat souscrit",
    "factures adressées à Harmonie Mutuelle",
    "droits des adhérents figurant sur leur carte de tiers payant",
    "accéder au formulaire de contact",
    "gratuits et sans abonnement",
    "frais de connexion à internet",
    # availability, liability, intellectual property
    "24 heures sur 24 et 7 jours sur 7",
    "maintenance",
    "force majeure",
    "cas fortuit",
    "transmission accidentelle de virus par courriel",
    "marques « Harmonie Mutuelle » et leurs logos sont des marques déposées",
    "cadre privé ou familial",
    "d'un méta-moteur ou d'un aspirateur de site",
    # end of the services
    "restent ouverts deux ans encore",  # two years from the end of the guarantees (reworded: 13 seed words)
    "contrat d'assurance ou la convention de tiers payant",
    "n'ouvre droit à une indemnité",
    "demander la suppression de son compte personnel",
    # personal data as the seed's article 8 states it
    "géolocalisation des professionnels de santé agréés",
    "vie institutionnelle statutaire",
    "Recouvrement et contentieux",
    "Lutte contre la fraude (contrôle, soupçons et fraudes avérées)",
    "blanchiment de capitaux et le financement du terrorisme",
    "Prospection commerciale, analyse et personnalisation du parcours client, amélioration des offres",
    "toute autre finalité qui serait précisée sur ses supports de collecte",
    "règles légales de prescription",
    "référentiel sectoriel (normes pour le secteur assurance)",
    "personnels habilités de la mutuelle",
    "sous-traitants, partenaires et organismes professionnels habilités",
    "organismes officiels et aux autorités administratives ou judiciaires",
    "rectification, d'effacement, de limitation, d'opposition et de portabilité",
    "après son décès",
    "prospection commerciale ou de profilage",
    "autorisation spéciale et expresse",
    "dpo@harmonie-mutuelle.fr",
    "Harmonie Mutuelle - Service DPO - 29, quai François-Mitterrand, 44273 Nantes Cedex 2",
    "Commission Nationale Informatique et Libertés (CNIL)",
    # cookies, miscellaneous, contact
    "durée de la connexion",
    "de façon non nominative",
    "configurer son navigateur",
    "droit français",
    "réputée non écrite",
    "ne vaut pas renonciation",
    "par la messagerie de son espace",
    "Harmonie Mutuelle, service des conditions d'utilisation de ses espaces Internet, 143, rue Blomet, 75015 Paris",
]
HARMONIE_PRIVACY = [
    "Harmonie Mutuelle",
    "143, rue Blomet, 75015 Paris",
    "Espace adhérent",
    "Espace employeur",
    "Espace professionnel de santé",
    "dpo@harmonie-mutuelle.fr",
    "Harmonie Mutuelle - Service DPO - 29, quai François-Mitterrand, 44273 Nantes Cedex 2",
    "Commission Nationale Informatique et Libertés (CNIL)",
    "géolocalisation des professionnels de santé agréés",
    "Passation, gestion (y compris commerciale) et exécution des contrats",
    "vie institutionnelle statutaire",
    "Recouvrement et contentieux",
    "Lutte contre la fraude",
    "blanchiment de capitaux",
    "Prospection commerciale",
    "personnalisation du parcours client",
    "référentiel sectoriel de la CNIL (assurance)",  # the seed's criterion, now every purpose's retention
    "délais de prescription",
    "personnels habilités de la mutuelle",
    "sous-traitants, partenaires et organismes professionnels habilités",
    "organismes officiels et autorités administratives ou judiciaires",
    "portabilité",
    "décès",
    "droit à la limitation",
    "droit d'opposition",
    "retirer son consentement",
    "durée de la connexion",
]

# Seed 002: privacy policy of Mutuelle Mieux-Être (April 2022); its CGU is written from the same facts.
MIEUX_ETRE_PRIVACY = [
    # identity (also the seed's page footer) and legal framework
    "Mutuelle Mieux-Être",
    "775 659 907",
    "mutuelle régie par le livre II du Code de la mutualité",
    "171 avenue Ledru-Rollin, 75544 Paris Cedex 11",
    "01 44 93 11 00",
    "https://www.mieux-etre.fr",
    # The seed's date (April 2022) dates its prior release, not this reworked draft: see test_prior_release.py.
    "loi n° 78-17 du 6 janvier 1978",
    "loi n° 2018-493 du 20 juin 2018",
    "règlement (UE) 2016/679 du 27 avril 2016",
    "25 mai 2018",
    # DPO and internal organisation
    "dpo@mieux-etre.fr",
    "DPO, 171 avenue Ledru-Rollin, 75544 Paris Cedex 11",
    "savoir juridique et technique du métier de l'assurance",  # reworded: the seed's list was copied
    "honorabilité, absence de conflit d'intérêts",
    "agit en toute indépendance",
    "ateliers RGPD",
    "registre des traitements",
    "data breach",
    "politique de sécurité des systèmes d'information",
    "Un registre recense toutes ces demandes",
    # scope, collection, information
    "espaces extranets",
    "prospects, assurés, adhérents, membres participants et bénéficiaires",
    "Charte des données à caractère personnel",
    "règlements mutualistes, conditions particulières, notices d'information",
    "articles 12 et 13 du RGPD",
    "lors de la souscription ou de l'adhésion",
    "conseiller ou un gestionnaire",
    "un courtier",
    "dans le mois qui suit la collecte",
    # data collected
    "nom, prénom, âge, sexe, date et lieu de naissance",
    "adresse postale, courriel et numéro de téléphone",
    "situation familiale et/ou fiscale",
    "signature et documents officiels d'identité",
    "numéro de Sécurité sociale (NIR)",
    "coordonnées bancaires",
    "utilisées exclusivement pour la gestion des prestations et des prises en charge",
    # impact analysis, privacy by design
    "Privacy by design",
    "Privacy by default",
    "outil mis à disposition par la CNIL",
    "Inexistant aucune",
    "Faible de simples désagréments",
    "Modéré des difficultés surmontables",
    "Important des difficultés sérieuses",
    "Critique des conséquences graves",
    # purposes and legal bases
    "devoir de conseil",
    "à des tarifs plus justes",
    "Prospection commerciale",
    "si l'assuré y a consenti",
    "NOEMIE",
    "caisses primaires d'assurance maladie (CPAM)",
    "Prévention des fraudes et des abus",
    "intérêt légitime",
    "information de l'administration fiscale",
    "blanchiment d'argent et le financement du terrorisme",
    "contrats en déshérence",
    "ne vend jamais",
    # social security number, health and sensitive data
    "Code de la sécurité sociale, articles R. 115-1 et R. 115-2",
    "conventions Belorgey et AERAS",
    "décret n° 2018-137 du 26 février 2018",
    "attestation au secret médical",
    "médecin conseil",
    "origine raciale ou ethnique",
    "appartenance syndicale",
    # recipients, security
    "SARL Mieux-Être",
    "centres de gestion, réassureur, assisteur et réseaux de soins partenaires",
    "SGAPS BTP",
    "société de groupe assurantiel de protection sociale BTP",
    "déshérence",
    "tenus contractuellement d'en respecter la confidentialité",
    "hébergeurs informatiques",
    "protection physique des locaux",
    "chiffrement des données",
    "article 32 du RGPD",
    "article 34 de la loi Informatique et Libertés",
    # rights
    "articles 15 à 22 du RGPD",
    "droit à la portabilité",
    "article 85 de la loi du 6 janvier 1978",
    "ancien article 40-1",
    "tiers de confiance numérique certifié par la CNIL",
    "directives particulières",
    "existence de la succession",
    "lien de parenté",
    "Bloctel",
    "www.bloctel.gouv.fr",
    "Mutuelle Mieux-Être – 171 avenue Ledru-Rollin, 75544 Paris Cedex 11",
    "représentant légal",
    "un (1) mois, porté à trois (3) mois pour une demande complexe",
    "article 22 du RGPD",
    "https://www.cnil.fr/fr/plaintes",
    "Service des plaintes – 3 Place de Fontenoy – TSA80715, 75334 PARIS CEDEX 07",
    # retention
    "3 ans à compter de la collecte ou du dernier contact",
    "trente (30) ans pour une garantie en cas de décès",
    "Pièce d'identité fournie pour exercer ses droits 3 ans",
    "13 mois",
    "supprimées ou anonymisées",
    # site, cookies, social networks, controls
    # The connection data the seed lists (its sentence is reworded in our own words).
    "la date et l'heure de connexion, l'adresse IP de l'appareil et les pages consultées",
    "outil de devis en ligne",
    "transmises directement à Mutuelle Mieux-Être",
    "six (6) mois",
    "treize (13) mois",
    "Twitter, YouTube et LinkedIn",
    "contrôle sur pièces ou sur place",
    "seul un médecin",
    "(ACPR)",
    "Commission nationale de l'informatique et des libertés (CNIL)",
]
MIEUX_ETRE_CGU = [
    "Mutuelle Mieux-Être",
    "775 659 907",
    "171 avenue Ledru-Rollin, 75544 Paris Cedex 11",
    "01 44 93 11 00",
    "https://www.mieux-etre.fr/",
    "SGAPS BTP",
    "dpo@mieux-etre.fr",
    "Devis en ligne",
    "transmises directement à Mutuelle Mieux-Être",
    "Commission nationale de l'informatique et des libertés (CNIL)",
    "13 mois",
    "6 mois",
    "droit français",
]

# Seed 003: legal notices and CGU of the Klesia health-management portal, published by CETIP (groupe Cegedim).
KLESIA_CGU = [
    # legal notices
    "https://portail-gestion-sante-individu.klesia.fr/",
    "CETIP",
    "groupe CEGEDIM",
    "SA, au capital de 4 000 000,00 euros",
    "RCS Nanterre 440 367 357",
    "114 rue d'Aguesseau, 92100 Boulogne-Billancourt, France",
    "01 49 09 22 00",
    "M. Philippe SIMON, Directeur Général",
    "hébergé par CEGEDIM, qui en assure également la conception et l'édition",
    # definitions, purpose of the portal, access
    "Membre",
    "Identifiants",
    "Contribution",
    "Klesia Prévoyance",
    "contrat complémentaire santé/prévoyance",
    "identifiant et un code d'accès",
    "lien d'activation",
    "frais de matériel, de logiciel, de connexion à internet",
    "réglementation en vigueur en France",
    "seul maître de l'usage",
    "après avoir vidé son cache",
    "Chrome (éditeur Google)",
    "Firefox (éditeur Mozilla)",
    "Edge (éditeur Microsoft)",
    "Opera (éditeur Opera)",
    "Safari pour Mac et iOS (éditeur Apple)",
    "aide ou au manuel d'utilisation",
    "24 heures sur 24 et 7 jours sur 7",
    "maintenance",
    "autorité administrative ou judiciaire",
    "force majeure",
    # cookies (how the portal's cookies work is stated once, in the privacy policy, which the CGU points to)
    "AspNet.ApplicationCookie",
    "consent",
    "showModale",
    "Connexion_Popup_Message",
    "login_message_not_displayed",
    "home_message_not_displayed",
    "_ga",
    "Google Analytics",
    "visiteurs uniques",
    "pays d'origine de la connexion",
    "par un moteur de recherche ou par un réseau social",
    "ordinateur, mobile ou tablette",
    "articles les plus consultés et partagés",
    # geolocation and chatbot
    "Google Maps Platform",
    "consentement explicite et éclairé",
    "téléphone mobile",
    "dialogueur",
    "Google Chat API",
    # intellectual property, user content, liability
    "sociétés mère, sœurs ou filiales",
    "Code de la propriété intellectuelle, articles L.713-2 et L.713-3",
    "articles L.335-2 et suivants du Code de la propriété intellectuelle",
    "tiers lésé",
    "sans justification ni notification préalable",
    "téléchargements",
    "liens vers des sites ou applications édités par des tiers",
    # personal data, duration, law
    "règlement (UE) 2016/679 du 27 avril 2016",
    "droit d'accès, de rectification, d'effacement",
    "d'opposition",
    "durée indéterminée",
    "première utilisation du Site",
    "droit français",
    "tribunaux de Paris",
]
KLESIA_PRIVACY = [
    "CETIP",
    "groupe CEGEDIM",
    "RCS Nanterre 440 367 357",
    "114 rue d'Aguesseau, 92100 Boulogne-Billancourt",
    "01 49 09 22 00",
    "https://portail-gestion-sante-individu.klesia.fr/",
    "administration et animation du service",
    "nécessaires et obligatoires",
    "Google Maps Platform",
    "Google Chat API",
    "Google",
    # no "États-Unis": the seed says Google receives the location, not where; the country is a marker now
    "clauses contractuelles types",
    "mémoire vive",
    "site Adhérent",
    "pages consultées, date et heure de la consultation",
    "L'Utilisateur ne peut pas s'y opposer",
    "AspNet.ApplicationCookie",
    "showModale",
    "login_message_not_displayed",
    "home_message_not_displayed",
    "_ga",
    "Google Analytics",
    "visiteurs uniques",
    "13 mois",
    "CNIL",
]

# Seed 004: CGU of the Partenamut sites and apps (11 June 2015), whose chapters 1 and 3 are its privacy policy.
PARTENAMUT_CGU = [
    # legal notices and sites
    "11 juin 2015",
    "Partena-Mutualité Libre",  # the seed names it so; « Partenamut » is its short name, said once
    "loi du 6 août 1990",
    "0411.815.280",
    "RPM Bruxelles",
    "boulevard Louis Mettewie, 74-76, 1080 Bruxelles",
    "02/444.41.11",
    "02/444.43.60",
    "https://www.partenamut.be",
    "https://www.partenamut.be/MyPartenamut",
    "www.partenamutshop.be",
    "www.kids.partena.be",
    "www.babymut.be",
    "Applications mobiles Partenamut",
    "M-Team",
    "Route de Lennik 788 bte 1, 1070 Anderlecht",
    "opérateur et l'administrateur exclusif",
    # acceptance, public and private content, access
    "mandataire, l'intermédiaire ou l'employé",
    "« Partenamut shop »",
    "code personnel (login et mot de passe)",
    "le cas échéant par SMS",
    "l'inscription d'un mineur requiert l'autorisation de ses parents",
    "suspension ou de fin de l'affiliation",
    "six mois consécutifs",
    # user charter
    "bon père de famille",
    "racisme ou à la xénophobie",
    "(« junkmail », spam)",
    "transferts de données déraisonnablement volumineux",
    "y compris les services payants",
    "indemnise intégralement",
    "suppression du commentaire, du contenu ou du profil",
    "autorités judiciaires",
    # powers of attorney and minors
    "cession de droits d'accès",
    "engagement sous seing privé",
    "solidairement et indivisiblement",
    "opération par opération",
    "article 2003, alinéa 3, du Code civil",
    "décès, interdiction, dissolution, liquidation, faillite ou déconfiture",
    "la révocation de l'une de ces cessions emporte celle de toutes les autres",
    "compte My Partenamut au nom de leur enfant",
    "sans l'autorisation d'un juge",
    "affaires de santé de l'enfant",
    "13 ans",
    "loi du 30 juillet 2018",
    # e-services
    "e-Box",
    "réduire les impressions sur papier",
    "Hospitalia ou Dentalia Plus",
    "« My Settings »",
    "carte d'identité électronique",
    "article 1322, alinéa 2, de l'ancien Code civil",
    "acte sous seing privé",
    "services de police compétents",
    # obligations, liability, intellectual property, secrecy
    "obligation de moyens et non de résultat",
    "exempts de virus",
    "ni de leur facturation",
    "supprimer tout lien à tout moment",
    "droit d'auteur",
    "logos et dénominations",
    "appels téléphoniques fixes ou mobiles, d'e-mails ou de SMS",
    "preuve en cas de contestation d'une transaction commerciale",
    "contrôler la qualité du service",
    # cookies (the CGU points to the privacy policy's cookie articles, which state Partenamut's own, see below)
    "cookies analytiques",
    "_setSessionCookieTimeout",
    # law
    "droit belge",
    "juridictions belges",
]
PARTENAMUT_PRIVACY = [
    "Partena-Mutualité Libre",  # the seed names it so; « Partenamut » is its short name, said once
    "0411.815.280",
    "02/444.41.11",
    "02/444.43.60",
    "loi belge du 30 juillet 2018",
    "Autorité de protection des données",
    # purposes and data
    "assurance obligatoire soins de santé et indemnités",
    "services complémentaires et des produits d'assurance hospitalisation et dentaire",
    "lettre d'information",
    "nom, prénom, adresse, date de naissance et langue",
    "login, adresse e-mail, numéro de téléphone et numéro GSM",
    "copie de la carte d'identité",
    "données de facturation et de paiement",
    "agences de Partenamut",
    "enquête ou à un concours",
    "données sociodémographiques achetées à des entreprises spécialisées",
    "gestion des litiges",
    "Détection des fraudes",
    "études de marché",
    "profils de clients",
    "adresse IP, l'heure de la consultation, le type de navigateur",
    "régler les formalités d'inscription",
    "« Mutuelle Entraide Hospitalisation »",
    "ouverture des e-mails commerciaux",
    "5 ans au maximum après la fin de la relation contractuelle",
    # who has access, recipients
    "secret professionnel",
    "délégation expresse d'un professionnel des soins de santé",
    "Union Nationale des Mutualités Libres",
    "411.766.483",
    "422.189.629",
    "Rue Saint-Hubert 19, 1150 Bruxelles",
    "02/778.92.11",
    "02/778.94.00",
    "info@mloz.be",
    "décision du 17 octobre 2011",
    "Office de contrôle des mutualités et des unions nationales de mutualités",
    "arrêté royal du 22 février 1991",
    "branche 2 de l'annexe 1",
    "branche 18",
    "OCM 750/01F",
    "gestion centrale des membres affiliés aux Mutualités Libres",
    "publicité par courrier électronique",
    "devoir de discrétion",
    "Groupe Partena",
    "défaut de paiement",
    "centres d'appels",
    "injonction d'une autorité de contrôle",
    # preferences, commercial calls, rights
    "« My settings »",
    "« Mon profil client »",
    "« Mes données de contact »",
    "Plusieurs semaines peuvent être nécessaires",  # reworded: copied from the seed
    "« Contact en ligne »",
    "Ne m'appelez plus",
    "requête datée et signée",
    "photocopie de la carte d'identité",
    "Partenamut - département juridique, boulevard Louis Mettewie 74-76, 1080 Bruxelles",
    # cookies
    "États-Unis et dans d'autres pays",
    "anonymizeIp",
    "24 mois",
    "BALANCEID",
    "All About Cookies",
    "tracking cookies",
    "marketing cookies",
    "dernier octet",
    "analytics.js",
    "module complémentaire de désactivation de Google Analytics",
    "24 mois au plus",
    "numéro unique chiffré",
]

FACTS: dict[tuple[str, str], list[str]] = {
    ("vivoptim-solutions", "cgu"): [
        "VIVOPTIM SOLUTIONS",
        "840 628 895",
        "3 Square Max Hymans, 75015 Paris",
        "01 40 47 20 20",
        "Alexandrine DE VALLOIS",
        "Virginie FEMERY",
        "CHEOPS TECHNOLOGY France",
        "37, rue Thomas Edison, 33610 Canéjan",
        "415 050 681",
        "03 80 48 13 80",
        "article L.1111-8 du Code de la santé publique",
        "dpo@vivoptim-solutions.com",
        "contact@vivoptim.com",
        "_pk_id",
        "25 jours",
        "_pk_ses",
        "30 minutes",
        "_pk_cvar",
        "30 min",
        "ideoportal",
        "2 min 30 s",
        "6 mois",
        "13 mois",
        "tribunaux français",
        "article 1218 du Code civil",
        "articles 1366 à 1368 du Code civil",
        "Vivoptim",
        "Mon service santé",
        "Mon coaching santé",
        "Matomo",
    ],
    ("vivoptim-solutions", "privacy"): [
        "VIVOPTIM SOLUTIONS",
        "dpo@vivoptim-solutions.com",
        "VIVOPTIM Solutions – DPO – 3 Square Max Hymans, 75015 Paris",
        "6 mois après la clôture du compte",
        "CNIL",
        "portabilité",
        "article L.1111-8 du Code de la santé publique",
        "_pk_id",
        "25 jours",
        "ideoportal",
        "2 min 30 s",
        "article 85 de la loi du 6 janvier 1978",
    ],
    ("harmonie-mutuelle", "cgu"): HARMONIE_CGU,
    ("harmonie-mutuelle", "privacy"): HARMONIE_PRIVACY,
    ("mutuelle-mieux-etre", "privacy"): MIEUX_ETRE_PRIVACY,
    ("mutuelle-mieux-etre", "cgu"): MIEUX_ETRE_CGU,
    ("klesia", "cgu"): KLESIA_CGU,
    ("klesia", "privacy"): KLESIA_PRIVACY,
    ("partenamut", "cgu"): PARTENAMUT_CGU,
    ("partenamut", "privacy"): PARTENAMUT_PRIVACY,
}

COOKIE_ROWS: dict[str, list[tuple[str, str]]] = {
    # (name, duration) as the seed gives them: each must share one row of the cookie table, in both documents
    # the seed names no cookie: "session" was invented; its name is a marker, its duration the seed's
    "harmonie-mutuelle": [("[à compléter : Quel est le nom de ce cookie ?]", "durée de la connexion")],
    "partenamut": [
        ("__ga", "2 ans à compter de la création/mise à jour"),
        ("__gat", "10 minutes à compter de la création/mise à jour"),
        ("__sc", "1 an"),
        ("__ASPXAUTH", "30 minutes à compter de la création/mise à jour"),
        ("__ASP.NET_SessionId", "durant la session"),
        ("__SC_ANALYTICS_GLOBAL_COOKIE", "10 ans"),
        ("__SC_ANALYTICS_SESSION_COOKIE", "durant la session"),
        ("_cc_analytics", "1 an"),
        ("_cc_necessary", "1 an"),
        ("_cc_social", "1 an"),
        ("_partenamut#lang", "durant la session"),
        ("BALANCEID", "durant la session"),
    ],
    # the Klesia seed names its cookies without durations: the names must be rows of the table
    "klesia": [
        (name, "")
        for name in (
            "AspNet.ApplicationCookie",
            "consent",
            "showModale",
            "login_message_not_displayed",
            "home_message_not_displayed",
            "_ga",
        )
    ],
}

LEFT_OUT: dict[str, list[tuple[str, str]]] = {
    # (text of the seed, why our documents do not carry it)
    "klesia": [
        ("Internet Explorer", "browser retired by Microsoft in June 2022; the seed's other browsers are listed"),
        (
            "options internet",
            "the seed's menu-by-menu cookie settings for Internet Explorer, Firefox and Chrome name menus that no longer exist",
        ),
    ],
    "partenamut": [
        (
            "1307",
            "directory-enquiry service: a telecom operator's template left in the seed, not an activity of a mutualité",
        ),
        ("Directory Information Services", "same telecom-operator remnant (directories)"),
        ("interconnexion", "same remnant: billing interconnection with other operators' networks"),
        ("médiation pour les télécommunications", "same remnant: the telecom ombudsman"),
        ("ne-m-appellez-plus.be", "obsolete address of the 'Ne m'appelez plus' list; today's is a question to ask"),
        ("Noordkustlaan", "obsolete postal channel of that list (Association Belge du Marketing Direct)"),
        (
            "Commission de Protection de la Vie Privée",
            "prior declarations were abolished by the GDPR; the authority is now the APD",
        ),
    ],
}


@pytest.mark.parametrize("organism, kind", sorted(FACTS))
def test_seed_facts_are_in_the_document(shipped_build: Path, organism: str, kind: str) -> None:
    text = stated_text(shipped_build, organism, kind)
    missing = [fact for fact in FACTS[(organism, kind)] if fact not in text]
    assert not missing, f"{organism} {kind} lacks: {missing}"


@pytest.mark.parametrize("organism, kind", sorted((o, k) for o in COOKIE_ROWS for k in ("cgu", "privacy")))
def test_each_seed_cookie_shows_with_its_duration(shipped_build: Path, organism: str, kind: str) -> None:
    text = stated_text(shipped_build, organism, kind)
    names = "|".join(re.escape(name) for name, _ in COOKIE_ROWS[organism])
    missing = []
    for name, duration in COOKIE_ROWS[organism]:
        # a table row reads "name provider purpose category duration consent"; no other cookie name in between
        row = rf"(?<![\w#.]){re.escape(name)} (?:(?!(?<![\w#.])(?:{names}) ).){{0,400}}?{re.escape(duration)} (?:non )?requis"
        if not re.search(row, text):
            missing.append((name, duration))
    assert not missing, f"{organism} {kind}: no table row for {missing}"


@pytest.mark.parametrize("organism", sorted(LEFT_OUT))
def test_facts_left_out_on_purpose_stay_out(shipped_build: Path, organism: str) -> None:
    text = document_text(shipped_build, organism, "cgu") + document_text(shipped_build, organism, "privacy")
    assert [seed_text for seed_text, _ in LEFT_OUT[organism] if seed_text in text] == []


def test_belgian_documents_cite_belgian_law(shipped_build: Path) -> None:
    text = document_text(shipped_build, "partenamut", "cgu") + document_text(shipped_build, "partenamut", "privacy")
    assert "Code de la santé publique" not in text and "CNIL" not in text and "article 1218 du Code civil" not in text


def test_every_organism_has_both_documents_in_html_and_pdf(shipped_build: Path) -> None:
    organisms = ["harmonie-mutuelle", "klesia", "mutuelle-mieux-etre", "partenamut", "vivoptim-solutions"]
    assert sorted(p.name for p in shipped_build.iterdir() if p.is_dir() and p.name != "assets") == organisms
    for organism in organisms:
        files = sorted(
            p.name for p in (shipped_build / organism).iterdir() if p.is_file() and not p.name.startswith("logo")
        )
        assert [f.split("-")[0] + f[f.rfind(".") :] for f in files] == [
            "cgu.html",
            "cgu.pdf",
            "privacy.html",
            "privacy.pdf",
        ]
