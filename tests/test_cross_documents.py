"""Cross-document references: a CGU points to an article of the privacy policy (`ref_doc`) instead of repeating it,
and the rule `repeated-article` flags an article one organism's documents state twice."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import zipfile
from pathlib import Path

from click.testing import CliRunner
from helpers.git import commit_all, git
from helpers.project import replace_in

from cgu.cli import main
from cgu.commands.publish import publish
from cgu.model import Article, SourceLocation
from cgu.project import load_project
from cgu.rules.repetition import SHARE, shared_share

ROOT = Path(__file__).resolve().parents[1]
POINTER = "Les traceurs sont décrits à l'{{ ref_doc('privacy', 'cookies') }}."
WORDS = "article 2 de la Politique de confidentialité"


def write_droit(project: Path, body: str) -> None:
    clause = project / "clauses/droit.md"
    head = clause.read_text(encoding="utf-8").split("---\n")[1]
    clause.write_text(f"---\n{head}---\n{body}\n", encoding="utf-8")


def check(project: Path, *options: str) -> tuple[int, list[dict[str, object]]]:
    result = CliRunner().invoke(main, ["check", "--project", str(project), "--format", "json", *options])
    return result.exit_code, json.loads(result.output)


def build(project: Path, out: Path, formats: str) -> None:
    result = CliRunner().invoke(main, ["build", "--project", str(project), "--format", formats, "--out", str(out)])
    assert result.exit_code == 0, result.output


def test_ref_doc_is_a_link_in_html_and_words_on_paper(mini: Path, tmp_path: Path) -> None:
    write_droit(mini, f"{POINTER}\n\nLe site relève du droit {{{{ jurisdiction.law }}}}.")
    out = tmp_path / "out"
    build(mini, out, "html,pdf,docx")
    html = (out / "beta/cgu-2024-06-01.html").read_text(encoding="utf-8")
    assert f'à l’<a href="privacy-2024-06-01.html#cookies">{WORDS}</a>' in html
    assert (out / "beta/privacy-2024-06-01.html").read_text(encoding="utf-8").count('id="cookies"') == 1
    pdf = subprocess.run(
        ["pdftotext", "-layout", str(out / "beta/cgu-2024-06-01.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert WORDS in re.sub(r"\s+", " ", pdf)
    assert b"privacy" not in (out / "beta/cgu-2024-06-01.pdf").read_bytes(), "no link to another file on paper"
    with zipfile.ZipFile(out / "beta/cgu-2024-06-01.docx") as docx:
        xml = docx.read("word/document.xml").decode()
        relations = docx.read("word/_rels/document.xml.rels").decode()
    assert WORDS in xml and "privacy" not in xml + relations, "the Word document says it in words, links nowhere"


def test_the_canonical_text_holds_no_date_nor_file_name(mini: Path) -> None:
    """The text a release is sealed with must not change when the privacy policy gets a new version."""
    write_droit(mini, POINTER)
    project = load_project(mini)
    cgu = next(d for d in project.documents if d.organism.id == "beta" and d.kind == "cgu")
    droit = next(a for a in cgu.articles if a.id == "droit")
    assert f"[{WORDS}](#privacy:cookies)" in droit.markdown
    replace_in(
        mini / "organisms/base.yaml",
        "    version: 2024-06-01\n    effective: 2024-06-01\n",
        "    version: 2025-01-01\n    effective: 2025-01-01\n",
    )
    again = next(d for d in load_project(mini).documents if d.organism.id == "beta" and d.kind == "cgu")
    assert again.canonical_text() == cgu.canonical_text()


def test_ref_doc_to_what_the_organism_does_not_publish_is_an_error_at_its_line(mini: Path) -> None:
    write_droit(mini, "Texte.\n\nVoir l'{{ ref_doc('privacy', 'droit') }}.")
    code, found = check(mini, "--no-legal")
    assert code == 1
    messages = {(f["path"], f["line"], f["message"]) for f in found}
    assert (
        "clauses/droit.md",
        11,
        "cross-reference to clause 'droit' of the privacy document, which does not list it; "
        "test it first with has_doc('privacy', 'droit')",
    ) in messages, messages
    write_droit(mini, "Voir l'{{ ref_doc('cgu', 'cookies') }}.")
    code, found = check(mini, "--no-legal")
    assert code == 1 and any(
        "ref_doc('cgu', 'cookies') points at this very document: write ref('cookies')" in str(f["message"])
        for f in found
    ), found


def test_has_doc_lets_a_clause_point_only_where_the_other_document_has_the_article(mini: Path) -> None:
    write_droit(
        mini,
        "{% if has_doc('privacy', 'cookies') %}Voir l'{{ ref_doc('privacy', 'cookies') }}.{% endif %}"
        "{% if has_doc('privacy', 'droit') %} Jamais.{% endif %}{% if has_doc('privacy') %} Politique publiée.{% endif %}"
        "{% if has_doc('cgu') %} Jamais non plus.{% endif %}",
    )
    cgu = next(d for d in load_project(mini).documents if d.organism.id == "beta" and d.kind == "cgu")
    text = next(a for a in cgu.articles if a.id == "droit").markdown
    assert WORDS in text and "Politique publiée." in text and "Jamais" not in text


LONG = (
    "Chaque demande relative aux traceurs est examinée par le service des relations avec les adhérents, qui répond "
    "par écrit dans un délai raisonnable, en précisant les suites données, les voies de recours ouvertes et les "
    "coordonnées de la personne à contacter ; les échanges sont conservés le temps nécessaire au suivi de la demande. "
)


def test_an_article_repeated_between_two_documents_is_an_error_until_one_points_to_the_other(mini: Path) -> None:
    cookies = mini / "clauses/cookies.md"
    replace_in(cookies, "Nous utilisons les traceurs suivants.", "Nous utilisons les traceurs suivants. " + LONG * 2)
    code, found = check(mini)
    repeated = [f for f in found if f["rule"] == "repeated-article"]
    assert code == 1 and [(f["path"], f["line"], f["organism"]) for f in repeated] == [
        ("clauses/cookies.md", 9, "acme, beta")
    ], repeated
    assert "article 2 « Cookies » of the cgu document repeats article 2 « Cookies » of the privacy document" in str(
        repeated[0]["message"]
    )
    assert "point to it from the cgu with ref_doc('privacy', 'cookies')" in str(repeated[0]["message"])
    text = cookies.read_text(encoding="utf-8")
    head, body = text.split("---\n")[1], text.split("---\n", 2)[2]
    cookies.write_text(
        f"---\n{head}---\n{{% if document.kind == 'cgu' %}}{POINTER}\n{{% else %}}\n{body}{{% endif %}}\n",
        encoding="utf-8",
    )
    code, found = check(mini)
    assert [f for f in found if f["rule"] == "repeated-article"] == []


OTHER = (
    "Les informations publiées sur le portail sont mises à jour chaque trimestre par l'équipe éditoriale, qui vérifie "
    "leur exactitude auprès des services concernés avant toute mise en ligne et corrige sans délai une erreur qui lui "
    "est signalée par un membre, un partenaire ou un professionnel de santé ; chaque correction est datée et tracée. "
)


def article(markdown: str) -> Article:
    return Article(1, "x", "X", markdown, "", True, SourceLocation("clauses/x.md", 9))


def test_the_share_of_an_article_found_in_another_decides_a_repetition() -> None:
    assert shared_share(article(LONG * 2), article(LONG * 2)) == 1.0
    differently = (
        "Une réclamation portant sur le contenu du portail se formule par le formulaire de contact ou par courrier "
        "au siège ; elle reçoit un accusé de réception, puis une réponse motivée, et son auteur peut, s'il n'en est "
        "pas satisfait, saisir le médiateur désigné sans frais ni condition de délai particulière. "
    )
    half = shared_share(article(LONG + OTHER), article(LONG + differently))
    assert 0.4 < half < SHARE, "half the text in common: each document's own article"
    assert shared_share(article(LONG), article(LONG + OTHER * 3)) == 1.0, "a short article wholly inside a long one"
    assert shared_share(article("Voir l'article 9."), article("Voir l'article 9.")) == 0.0, "a pointer is no repetition"


def test_no_shipped_article_is_repeated_and_the_cgus_point_to_the_privacy_cookie_article() -> None:
    code, found = check(ROOT)
    assert [f for f in found if f["rule"] == "repeated-article"] == []
    project = load_project(ROOT)
    for document in (d for d in project.documents if d.kind == "cgu"):
        cookies = next(a for a in document.articles if a.id == "cookies")
        assert "](#privacy:cookies)" in cookies.markdown, document.organism.id
        assert "| Nom |" not in cookies.markdown, f"{document.organism.id}: the CGU repeats the cookie table"
    dutch = next(d for d in project.translations if d.kind == "cgu" and d.language == "nl")
    for id in ("cookies", "mineurs"):
        pointer = next(a for a in dutch.articles if a.id == id).markdown
        number = dutch.organism.documents["privacy"].clauses.index(id) + 1
        assert f"[artikel {number} van het document “Privacybeleid”](#privacy:{id})" in pointer, "said in Dutch"
        assert "| Naam |" not in pointer and "de la " not in pointer


RELEASED = dt.date(2024, 6, 1)
"""The day the fixture's releases are committed: their version date."""


def test_a_published_page_links_to_the_other_documents_version_in_force_or_says_it_in_words(tmp_path: Path) -> None:
    import shutil

    from conftest import FIXTURES

    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "mini", content)
    write_droit(content, POINTER)
    git(content, "init", "-q", "-b", "main")
    commit_all(content, "content", when=RELEASED)
    release = '    releases:\n      - {version: 2024-06-01, effective: 2024-06-15, material: false, summary: "Première."}\n'  # editorial: no notice to count from the publication below
    replace_in(content / "organisms/base.yaml", "    version: 2024-06-01\n    effective: 2024-06-15\n", release)
    commit_all(content, "release of the cgu only", when=RELEASED)
    out = tmp_path / "site"
    publish(content, out, day=dt.date(2024, 7, 1))
    page = (out / "beta/cgu/index.html").read_text(encoding="utf-8")
    assert WORDS in page and "privacy" not in page, "no version of the privacy policy in force: words only"
    replace_in(
        content / "organisms/base.yaml",
        "    version: 2024-06-01\n    effective: 2024-06-01\n",
        release.replace("2024-06-15", "2024-06-01"),
    )
    commit_all(content, "release of the privacy policy", when=RELEASED)
    publish(content, out, day=dt.date(2024, 7, 1))
    page = (out / "beta/cgu/index.html").read_text(encoding="utf-8")
    assert f'<a href="../privacy/index.html#cookies">{WORDS}</a>' in page
    kept = (out / "beta/cgu/releases/2024-06-01.html").read_text(encoding="utf-8")
    assert f'<a href="../../privacy/index.html#cookies">{WORDS}</a>' in kept
    target = (out / "beta/cgu/releases/../../privacy/index.html").resolve()
    assert target.is_file() and 'id="cookies"' in target.read_text(encoding="utf-8")
