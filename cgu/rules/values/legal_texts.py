"""The texts the clause library cites, with their dates: what `law('id')` prints and `in_force('id')` decides.

Pure data and lookups (no rule is registered here, so the composer may import it): the rules that read it are in
cgu/rules/legal_texts.py.
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
    """How a clause cites it (what `law('id')` prints)."""
    adopted: dt.date
    applicable: dt.date
    country: str
    """EU, FR or BE."""
    patterns: tuple[str, ...]
    """Regular expressions (case-insensitive) that find the text cited in plain words."""
    superseded_by: str | None = None
    superseded_on: dt.date | None = None
    """From that day, a new document cites `superseded_by` instead."""

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
        r"\b2016/679\b | \bRGPD\b | règlement général sur la protection des données",
    ),
    ("eprivacy", "directive 2002/58/CE du 12 juillet 2002", "2002-07-12", "2002-07-31", "EU", r"\b2002/58(?:/CE)?\b"),
    (
        "dsa",
        "règlement (UE) 2022/2065 du 19 octobre 2022 (règlement sur les services numériques)",
        "2022-10-19",
        "2024-02-17",
        "EU",
        r"\b2022/2065\b | règlement sur les services numériques | Digital Services Act",
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
        r"\b8 décembre 1992\b",
        "loi-be-2018",
        "2018-09-05",
    ),
    (
        "commission-vie-privee",
        "Commission de la protection de la vie privée (loi du 8 décembre 1992)",
        "1992-12-08",
        "1993-03-18",
        "BE",
        r"Commission (?:de )?(?:la )?protection de la vie privée",
        "apd",
        "2018-05-25",
    ),
    (
        "apd",
        "Autorité de protection des données (loi du 3 décembre 2017)",
        "2017-12-03",
        "2018-05-25",
        "BE",
        r"Autorité de protection des données | \b3 décembre 2017\b",
    ),
    (
        "loi-be-2018",
        "loi du 30 juillet 2018 relative à la protection des personnes physiques à l'égard des traitements de "
        "données à caractère personnel",
        "2018-07-30",
        "2018-09-05",
        "BE",
        r"\b30 juillet 2018\b",
    ),
    (
        "code-civil-be-livre-8",
        "livre 8 « La preuve » du Code civil (loi du 13 avril 2019)",
        "2019-04-13",
        "2020-11-01",
        "BE",
        r"livre 8\b[^.;]{0,40}Code civil | \b13 avril 2019\b",
    ),
    (
        "loi-be-communications",
        "loi du 13 juin 2005 relative aux communications électroniques",
        "2005-06-13",
        "2005-06-30",
        "BE",
        r"\b13 juin 2005\b",
    ),
)


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
    )


LEGAL_TEXTS: tuple[LegalText, ...] = tuple(_text(row) for row in _TABLE)
"""Every text the library cites; dates from the official journals (JOUE, Journal officiel, Moniteur belge)."""

BY_ID = {text.id: text for text in LEGAL_TEXTS}


def cite(text_id: str) -> str:
    """How a clause cites a text of the registry (`{{ law('rgpd') }}`); an unknown id is an error naming the known."""
    if text_id not in BY_ID:
        raise ValueError(f"unknown legal text {text_id!r}; known: {', '.join(BY_ID)} (cgu/rules/values/legal_texts.py)")
    return BY_ID[text_id].title


def in_force(text_id: str, on: dt.date) -> bool:
    """Whether a text of the registry applies on a date (applicable, not yet replaced): `{% if in_force('dsa') %}`."""
    cite(text_id)
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
