"""The texts the clause library cites, with their dates: what `law('id')` prints and `in_force('id')` decides.

Pure data and lookups (no rule is registered here, so the composer may import it): the rules that read it are in
cgu/rules/legal_texts.py.

A text is cited in the document's language by its official title in that language, each with where it was read
(`TITLES`): EU acts by their title in the Official Journal (EUR-Lex, by CELEX number), Belgian laws by their Dutch
title in the Belgisch Staatsblad and, where one is published, their German title. A text with no title sourced in a
language (a French law in a Dutch document, most Belgian laws in German) is refused by `law()` in that language,
never printed in French: the writer cites it in the clause's own words, or adds the sourced title here.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from cgu.model import Article


@dataclass(frozen=True)
class LegalText:
    """A cited text: its id (what `law('id')` takes), how it is cited, its dates, and what replaced it."""

    id: str
    title: str
    """How a French clause cites it (what `law('id')` prints in French)."""
    adopted: dt.date
    applicable: dt.date
    country: str
    """EU, FR or BE."""
    patterns: tuple[str, ...]
    """Regular expressions (case-insensitive) that find the text cited in plain words."""
    superseded_by: str | None = None
    superseded_on: dt.date | None = None
    """From that day, a new document cites `superseded_by` instead."""
    titles: tuple[tuple[str, str, str], ...] = ()
    """(language, official title as cited, where the title was read) in the languages other than French."""

    def title_in(self, language: str) -> str | None:
        """How a clause in `language` cites it, or None when no official title in that language is registered."""
        if language == "fr":
            return self.title
        return next((title for lang, title, _ in self.titles if lang == language), None)

    def languages(self) -> tuple[str, ...]:
        """The languages it can be cited in by `law()`."""
        return ("fr", *(lang for lang, _, _ in self.titles))

    def cited_in(self, text: str) -> str | None:
        """The first words of `text` that cite this text, or None."""
        for pattern in self.patterns:
            if found := re.search(pattern, text, re.IGNORECASE):
                return found.group(0)
        return None


_TABLE: tuple[tuple[str, ...], ...] = (
    # id, title (how a clause cites it), adopted, applicable, country, patterns (" | " between), superseded by, on
    (
        "directive-95-46",
        "directive 95/46/CE du 24 octobre 1995",
        "1995-10-24",
        "1995-12-13",
        "EU",
        r"\b95/46(?:/CE)?\b",
        "rgpd",
        "2018-05-25",
    ),
    (
        "rgpd",
        "règlement (UE) 2016/679 du 27 avril 2016 (RGPD)",
        "2016-04-27",
        "2018-05-25",
        "EU",
        r"\b2016/679\b | \bRGPD\b | règlement général sur la protection des données | \bAVG\b"
        r" | algemene verordening gegevensbescherming | \bDSGVO\b | Datenschutz-Grundverordnung",
    ),
    ("eprivacy", "directive 2002/58/CE du 12 juillet 2002", "2002-07-12", "2002-07-31", "EU", r"\b2002/58(?:/CE)?\b"),
    (
        "dsa",
        "règlement (UE) 2022/2065 du 19 octobre 2022 (règlement sur les services numériques)",
        "2022-10-19",
        "2024-02-17",
        "EU",
        r"\b2022/2065\b | règlement sur les services numériques | Digital Services Act | digitaledienstenverordening"
        r" | Gesetz über digitale Dienste",
    ),
    (
        "loi-78-17",
        "loi n° 78-17 du 6 janvier 1978 relative à l'informatique, aux fichiers et aux libertés",
        "1978-01-06",
        "1978-01-07",
        "FR",
        r"\b78-17\b | loi (?:«\s*)?informatique et libertés",
    ),
    (
        "lcen",
        "loi n° 2004-575 du 21 juin 2004 pour la confiance dans l'économie numérique",
        "2004-06-21",
        "2004-06-22",
        "FR",
        r"\b2004-575\b | confiance dans l'économie numérique | \bLCEN\b",
    ),
    (
        "mediation-consommation",
        "articles L. 612-1 et L. 616-1 du Code de la consommation (ordonnance n° 2015-1033 du 20 août 2015)",
        "2015-08-20",
        "2016-01-01",
        "FR",
        r"\bL\.?\s?61[26]-1\b | \b2015-1033\b",
    ),
    (
        "cnil-2013-378",
        "délibération de la CNIL n° 2013-378 du 5 décembre 2013 (cookies)",
        "2013-12-05",
        "2013-12-05",
        "FR",
        r"\b2013-378\b",
        "cnil-2019-093",
        "2019-07-04",
    ),
    (
        "cnil-2019-093",
        "délibération de la CNIL n° 2019-093 du 4 juillet 2019 (lignes directrices sur les cookies)",
        "2019-07-04",
        "2019-07-19",
        "FR",
        r"\b2019-093\b",
        "cnil-2020-091",
        "2020-09-17",
    ),
    (
        "cnil-2020-091",
        "délibérations de la CNIL n° 2020-091 et 2020-092 du 17 septembre 2020 (cookies et autres traceurs)",
        "2020-09-17",
        "2020-10-02",
        "FR",
        r"\b2020-09[12]\b",
    ),
    (
        "loi-be-1992",
        "loi du 8 décembre 1992 relative à la protection de la vie privée à l'égard des traitements de données",
        "1992-12-08",
        "1993-03-18",
        "BE",
        r"\b8 décembre 1992\b | \b8 december 1992\b | \b8\. Dezember 1992\b",
        "loi-be-2018",
        "2018-09-05",
    ),
    (
        "commission-vie-privee",
        "Commission de la protection de la vie privée (loi du 8 décembre 1992)",
        "1992-12-08",
        "1993-03-18",
        "BE",
        r"Commission (?:de )?(?:la )?protection de la vie privée | Commissie voor de bescherming van de persoonlijke"
        r" levenssfeer | \bPrivacycommissie\b",
        "apd",
        "2018-05-25",
    ),
    (
        "apd",
        "Autorité de protection des données (loi du 3 décembre 2017)",
        "2017-12-03",
        "2018-05-25",
        "BE",
        r"Autorité de protection des données | \b3 décembre 2017\b | Gegevensbeschermingsautoriteit"
        r" | \b3 december 2017\b | Datenschutzbehörde | \b3\. Dezember 2017\b",
    ),
    (
        "loi-be-2018",
        "loi du 30 juillet 2018 relative à la protection des personnes physiques à l'égard des traitements de "
        "données à caractère personnel",
        "2018-07-30",
        "2018-09-05",
        "BE",
        r"\b30 juillet 2018\b | \b30 juli 2018\b | \b30\. Juli 2018\b",
    ),
    (
        "code-civil-be-livre-8",
        "livre 8 « La preuve » du Code civil (loi du 13 avril 2019)",
        "2019-04-13",
        "2020-11-01",
        "BE",
        r"livre 8\b[^.;]{0,40}Code civil | \b13 avril 2019\b | boek 8\b[^.;]{0,40}Burgerlijk Wetboek"
        r" | \b13 april 2019\b",
    ),
    (
        "loi-be-communications",
        "loi du 13 juin 2005 relative aux communications électroniques",
        "2005-06-13",
        "2005-06-30",
        "BE",
        r"\b13 juin 2005\b | \b13 juni 2005\b | \b13\. Juni 2005\b",
    ),
)


_EUR_LEX = "EUR-Lex, title in the Official Journal, CELEX {}"
_STAATSBLAD = "Belgisch Staatsblad: {}"

TITLES: dict[str, tuple[tuple[str, str, str], ...]] = {
    # id: (language, the official title as a clause cites it, where it was read); EU acts shortened as the French
    # entries are (act, number, date, the official short title in brackets when the act has one)
    "directive-95-46": (
        ("nl", "Richtlijn 95/46/EG van 24 oktober 1995", _EUR_LEX.format("31995L0046")),
        ("de", "Richtlinie 95/46/EG vom 24. Oktober 1995", _EUR_LEX.format("31995L0046")),
    ),
    "rgpd": (
        (
            "nl",
            "Verordening (EU) 2016/679 van 27 april 2016 (algemene verordening gegevensbescherming)",
            _EUR_LEX.format("32016R0679"),
        ),
        (
            "de",
            "Verordnung (EU) 2016/679 vom 27. April 2016 (Datenschutz-Grundverordnung)",
            _EUR_LEX.format("32016R0679"),
        ),
    ),
    "eprivacy": (
        ("nl", "Richtlijn 2002/58/EG van 12 juli 2002", _EUR_LEX.format("32002L0058")),
        ("de", "Richtlinie 2002/58/EG vom 12. Juli 2002", _EUR_LEX.format("32002L0058")),
    ),
    "dsa": (
        (
            "nl",
            "Verordening (EU) 2022/2065 van 19 oktober 2022 betreffende een eengemaakte markt voor digitale diensten "
            "(digitaledienstenverordening)",
            _EUR_LEX.format("32022R2065"),
        ),
        (
            "de",
            "Verordnung (EU) 2022/2065 vom 19. Oktober 2022 über einen Binnenmarkt für digitale Dienste (Gesetz über "
            "digitale Dienste)",
            _EUR_LEX.format("32022R2065"),
        ),
    ),
    "loi-be-1992": (
        (
            "nl",
            "wet van 8 december 1992 tot bescherming van de persoonlijke levenssfeer ten opzichte van de verwerking "
            "van persoonsgegevens",
            _STAATSBLAD.format("the royal decree of 16 August 2000 citing it, 14 September 2000, numac 2000000597"),
        ),
    ),
    "apd": (
        (
            "nl",
            "Gegevensbeschermingsautoriteit (wet van 3 december 2017)",
            _STAATSBLAD.format(
                "wet van 3 december 2017 tot oprichting van de Gegevensbeschermingsautoriteit, 10 January 2018"
            ),
        ),
        (
            "de",
            "Datenschutzbehörde (Gesetz vom 3. Dezember 2017)",
            "Belgisches Staatsblatt, 25 September 2018, numac 2018013819: Gesetz zur Schaffung der Datenschutzbehörde "
            "(German text by the Zentrale Dienststelle für Deutsche Übersetzungen, Malmedy)",
        ),
    ),
    "loi-be-2018": (
        (
            "nl",
            "wet van 30 juli 2018 betreffende de bescherming van natuurlijke personen met betrekking tot de verwerking "
            "van persoonsgegevens",
            _STAATSBLAD.format("5 September 2018"),
        ),
    ),
    "code-civil-be-livre-8": (
        (
            "nl",
            "boek 8 “Bewijs” van het Burgerlijk Wetboek (wet van 13 april 2019)",
            _STAATSBLAD.format(
                "wet van 13 april 2019 tot invoering van een Burgerlijk Wetboek en tot invoeging van boek 8 “Bewijs” "
                "in dat Wetboek, 14 May 2019, numac 2019012168"
            ),
        ),
    ),
    "loi-be-communications": (
        (
            "nl",
            "wet van 13 juni 2005 betreffende de elektronische communicatie",
            _STAATSBLAD.format("the wet van 18 mei 2009 citing it, 4 June 2009, numac 2009011237"),
        ),
    ),
}
"""The official titles in Dutch and German, each with its source. A language missing for a text is a title not
found in an official source here: `law()` refuses it in that language rather than print a guess or the French."""


def _text(row: tuple[str, ...]) -> LegalText:
    replaced = row[6:8] if len(row) > 6 else (None, None)
    return LegalText(
        row[0],
        row[1],
        dt.date.fromisoformat(row[2]),
        dt.date.fromisoformat(row[3]),
        row[4],
        tuple(row[5].split(" | ")),
        replaced[0],
        dt.date.fromisoformat(replaced[1]) if replaced[1] else None,
        TITLES.get(row[0], ()),
    )


LEGAL_TEXTS: tuple[LegalText, ...] = tuple(_text(row) for row in _TABLE)
"""Every text the library cites; dates from the official journals (JOUE, Journal officiel, Moniteur belge)."""

BY_ID = {text.id: text for text in LEGAL_TEXTS}


class LegalTextUnavailable(ValueError):
    """`law('id')` cannot cite: the id is not in the registry, or the text has no official title in the clause's
    language. The message says what to do."""


def cite(text_id: str, language: str = "fr") -> str:
    """How a clause in `language` cites a text of the registry (`{{ law('rgpd') }}`); an unknown id, or a text with
    no official title registered in that language, is an error saying what to do."""
    if text_id not in BY_ID:
        raise LegalTextUnavailable(
            f"unknown legal text {text_id!r}; known: {', '.join(BY_ID)} (cgu/rules/values/legal_texts.py)"
        )
    legal = BY_ID[text_id]
    title = legal.title_in(language)
    if title is None:
        raise LegalTextUnavailable(
            f"law({text_id!r}) has no official {language} title in the registry (it has: "
            f"{', '.join(legal.languages())}); cite the text in the clause's own words, by its official title if it "
            f"has one in {language}, or add that title with its source to TITLES in cgu/rules/values/legal_texts.py"
        )
    return title


def in_force(text_id: str, on: dt.date) -> bool:
    """Whether a text of the registry applies on a date (applicable, not yet replaced): `{% if in_force('dsa') %}`."""
    cite(text_id)  # an unknown id is an error
    text = BY_ID[text_id]
    return text.applicable <= on and (text.superseded_on is None or on < text.superseded_on)


def citations(article: Article) -> Iterable[tuple[LegalText, str]]:
    """Each registered text an article cites, with the words that cite it (values' escapes removed)."""
    return citations_in(article.title, article.markdown)


def cites(legal: LegalText, line: str) -> bool:
    """Whether a line of a clause's source cites `legal`, in words or through `law('id')`."""
    return legal.cited_in(line) is not None or re.search(rf"law\(\s*['\"]{re.escape(legal.id)}['\"]", line) is not None


@functools.lru_cache(maxsize=4096)
def citations_in(title: str, markdown: str) -> tuple[tuple[LegalText, str], ...]:
    """Computed once per article text in a run: three rules read every article of every organism, and a library
    clause renders the same text for many organisms."""
    text = re.sub(r"\s+", " ", re.sub(r"\\(.)", r"\1", f"{title}\n{markdown}"))
    return tuple((legal, words) for legal in LEGAL_TEXTS if (words := legal.cited_in(text)) is not None)


def legal_texts_table() -> str:
    """The Markdown table of the registry, as in docs/formats.md."""
    rows = ["| id | text | adopted | applicable | country | superseded by |", "|---|---|---|---|---|---|"]
    for t in LEGAL_TEXTS:
        replaced = f"`{t.superseded_by}` ({t.superseded_on.isoformat()})" if t.superseded_by and t.superseded_on else ""
        rows.append(f"| `{t.id}` | {t.title} | {t.adopted} | {t.applicable} | {t.country} | {replaced} |")
    return "\n".join(rows) + "\n"


def legal_titles_table() -> str:
    """The Markdown table of the registry's titles in Dutch and German, with their sources, as in
    docs/languages.md; a dash where no official title is registered (`law()` refuses the text in that language)."""
    rows = ["| id | nl | de | sources |", "|---|---|---|---|"]
    for t in LEGAL_TEXTS:
        sources = "; ".join(dict.fromkeys(source for _, _, source in t.titles))
        rows.append(f"| `{t.id}` | {t.title_in('nl') or '—'} | {t.title_in('de') or '—'} | {sources or '—'} |")
    return "\n".join(rows) + "\n"
