"""Redlines as Word tracked changes: the XML read back, accept-all and reject-all in Python and in real LibreOffice."""

from __future__ import annotations

import io
import json
import zipfile
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from datetime import date as dt_date
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, SHARED
from helpers.git import commit_all
from helpers.libreoffice import SOFFICE, accepted_and_rejected_by_libreoffice
from helpers.releases import declare, edit
from lxml import etree
from test_redline_corpus import pairs as corpus_pairs

from cgu.cli import main
from cgu.model import DELETE, INSERT, Redline
from cgu.redline.compare import redline
from cgu.redline.docx import W, accepted_and_rejected, render_docx
from cgu.redline.sections import split_markdown
from cgu.release.history import History

CORPUS = SHARED / "corpus"
DATE = datetime(2024, 3, 1, tzinfo=UTC)
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="soffice (libreoffice-writer-nogui) is not installed")


@pytest.fixture(scope="module")
def libreoffice_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One private LibreOffice profile for the module's documents, made on the first start (a start per test made it
    again each time)."""
    return tmp_path_factory.mktemp("libreoffice") / "profile"


OLD = """# Conditions

Bonjour le monde.

## Article 1 – Objet

Texte un.

## Article 2 – Durée

Texte deux\tici, pour un an.

## Article 3 – Fin

Texte trois.
"""
NEW = """# Conditions

Bonjour tout le monde.

## Article 2 – Durée

Texte deux\tici, pour un an.

## Article 1 – Objet

Texte un.

## Article 4 – Données

Un paragraphe nouveau.

Et un autre.
"""


def _docx(old: str, new: str, author: str = "Harmonie", date: datetime = DATE, title: str = "Comparaison") -> bytes:
    result = redline(split_markdown(old, "old.md"), split_markdown(new, "new.md"))
    return render_docx(result, title, author, date)


def _document_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(_bytes_file(data)) as package:
        return package.read("word/document.xml")


def _bytes_file(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)


def _tracked_text(xml: bytes, tag: str) -> str:
    """Text inside every `w:<tag>` run, and a newline for each paragraph mark so marked, in document order."""
    root = etree.fromstring(xml)
    out = []
    for paragraph in root.iter(f"{{{W}}}p"):
        for wrapper in paragraph.iterchildren(f"{{{W}}}{tag}"):
            for node in wrapper.iter(f"{{{W}}}t", f"{{{W}}}delText", f"{{{W}}}tab"):
                out.append("\t" if node.tag == f"{{{W}}}tab" else node.text or "")
        if paragraph.find(f"{{{W}}}pPr/{{{W}}}rPr/{{{W}}}{tag}") is not None:
            out.append("\n")
    return "".join(out)


def test_inserted_and_deleted_text_is_the_redlines() -> None:
    old = OLD.replace("Texte trois.", "Texte trois, résiliable à tout moment.")
    new = OLD.replace("Texte un.", "Texte un, modifié.").replace("## Article 3 – Fin\n\nTexte trois.\n", NEW[-52:])
    result = redline(split_markdown(old, "old.md"), split_markdown(new, "new.md"))
    assert not any(c.moved for c in result.changes)
    xml = _document_xml(render_docx(result, "Comparaison", "Harmonie", DATE))
    assert _tracked_text(xml, "ins") == "".join(t for c in result.changes for op, t in c.ops if op == INSERT)
    assert _tracked_text(xml, "del") == "".join(t for c in result.changes for op, t in c.ops if op == DELETE)
    assert accepted_and_rejected(xml) == (new, old)
    old, new = OLD, NEW
    xml = _document_xml(_docx(old, new))
    root = etree.fromstring(xml)
    runs = Counter(etree.QName(e).localname for e in root.iter() if etree.QName(e).namespace == W)
    assert runs["moveFrom"] >= 1 and runs["moveTo"] >= 1, "the swapped articles are a move"
    assert runs["moveFromRangeStart"] == runs["moveFromRangeEnd"] == 1
    assert runs["moveToRangeStart"] == runs["moveToRangeEnd"] == 1
    revisions = [e for e in root.iter() if e.get(f"{{{W}}}author") is not None]
    assert {e.get(f"{{{W}}}author") for e in revisions} == {"Harmonie"}
    assert {e.get(f"{{{W}}}date") for e in revisions} == {"2024-03-01T00:00:00Z"}
    ids = [e.get(f"{{{W}}}id") for e in revisions]
    assert len(ids) == len(set(ids)), "revision ids are unique across the file"
    assert "Texte deux" in _tracked_text(xml, "moveTo") and "Texte deux" in _tracked_text(xml, "moveFrom")
    accepted, rejected = accepted_and_rejected(xml)
    assert (accepted, rejected) == (new, old)


def test_whole_paragraphs_are_marked_inserted_or_deleted() -> None:
    xml = _document_xml(_docx(OLD, NEW))
    root = etree.fromstring(xml)
    inserted = [
        "".join(p.itertext()) for p in root.iter(f"{{{W}}}p") if p.find(f"{{{W}}}pPr/{{{W}}}rPr/{{{W}}}ins") is not None
    ]
    assert "Un paragraphe nouveau." in inserted and "## Article 4 – Données" in inserted
    deleted = [
        "".join(p.itertext()) for p in root.iter(f"{{{W}}}p") if p.find(f"{{{W}}}pPr/{{{W}}}rPr/{{{W}}}del") is not None
    ]
    assert "Texte trois." in deleted


def test_the_same_redline_gives_the_same_bytes() -> None:
    first, second = _docx(OLD, NEW), _docx(OLD, NEW)
    assert first == second
    assert _docx(OLD, NEW, date=datetime(2025, 1, 1, tzinfo=UTC)) != first, "the date is the one given"
    with zipfile.ZipFile(_bytes_file(first)) as package:
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = package.read("docProps/core.xml").decode()
    assert "2024-03-01T00:00:00Z" in core and "fr-FR" in core and "Harmonie" in core


def test_cli_writes_a_docx_with_the_author_and_source_date(tmp_path: Path) -> None:
    (tmp_path / "old.md").write_text(OLD, encoding="utf-8")
    (tmp_path / "new.md").write_text(NEW, encoding="utf-8")
    args = ["redline", str(tmp_path / "old.md"), str(tmp_path / "new.md"), "--format", "docx", "--out"]
    runner = CliRunner()
    result = runner.invoke(
        main, [*args, str(tmp_path / "out"), "--author", "Service juridique"], env={"SOURCE_DATE_EPOCH": "1709251200"}
    )
    assert result.exit_code == 0, result.output
    assert "redline-old-to-new.docx" in result.output
    written = (tmp_path / "out" / "redline-old-to-new.docx").read_bytes()
    assert written == _docx(OLD, NEW, author="Service juridique", title="Comparaison de old.md et new.md")
    again = runner.invoke(
        main, [*args, str(tmp_path / "again"), "--author", "Service juridique"], env={"SOURCE_DATE_EPOCH": "1709251200"}
    )
    assert again.exit_code == 0 and (tmp_path / "again" / "redline-old-to-new.docx").read_bytes() == written


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent (a user's clone has none; CI has it)")
def test_every_corpus_pair_accepts_to_new_and_rejects_to_old() -> None:
    for old, new in corpus_pairs():
        old_text, new_text = old.read_text(encoding="utf-8"), new.read_text(encoding="utf-8")
        xml = _document_xml(_docx(old_text, new_text))
        accepted, rejected = accepted_and_rejected(xml)
        assert accepted == new_text.replace("\r\n", "\n"), new.name
        assert rejected == old_text.replace("\r\n", "\n"), old.name
    assert len(corpus_pairs()) == 71


@pytest.mark.slow
@needs_soffice
def test_libreoffice_accepts_to_new_and_rejects_to_old_with_a_move(tmp_path: Path, libreoffice_profile: Path) -> None:
    docx = tmp_path / "redline.docx"
    docx.write_bytes(_docx(OLD, NEW))
    assert b"<w:moveFrom " in _document_xml(docx.read_bytes())
    assert accepted_and_rejected_by_libreoffice(docx, libreoffice_profile) == (NEW + "\n", OLD + "\n")


KEPT_MARK = {
    "whole paragraphs follow": (
        (0, "# C\n\nTexte un"),
        (1, " modifié"),
        (0, "\n"),
        (1, "Ajout un.\n\nAjout deux.\n"),
        (0, "\nFin.\n"),
    ),
    "an empty one follows": ((0, "# C\n\nTexte un"), (1, "."), (0, "\n"), (1, "\nAjout.\n"), (0, "\nFin.\n")),
    "part of a paragraph follows": ((0, "# C\n\nTexte un"), (1, " modifié"), (0, "\n"), (1, "Nouveau "), (0, "Fin.\n")),
}
"""Operations (the redline engine's form) where an insertion ends a paragraph, its mark is kept, and another
insertion starts the next paragraph."""


def _kept_mark_redline(ops: tuple[tuple[int, str], ...]) -> Redline:
    old, new = "".join(t for op, t in ops if op <= 0), "".join(t for op, t in ops if op >= 0)
    result = redline(split_markdown(old, "old.md"), split_markdown(new, "new.md"))
    (change,) = result.changes
    return replace(result, changes=(replace(change, ops=ops),))


@pytest.mark.parametrize("shape", KEPT_MARK)
def test_no_kept_paragraph_mark_sits_between_two_insertions(shape: str) -> None:
    """LibreOffice makes one revision of an insertion ending a paragraph and one starting the next, the mark between
    them included, as if one had typed Enter: the file never has that shape, and its texts stay exact."""
    result = _kept_mark_redline(KEPT_MARK[shape])
    xml = _document_xml(render_docx(result, "Comparaison", "Harmonie", DATE))
    (change,) = result.changes
    assert accepted_and_rejected(xml) == (change.new_text(), change.old_text())
    previous = None  # the last revision before each paragraph mark, and after it: the first of the next paragraph
    for paragraph in etree.fromstring(xml).iter(f"{{{W}}}p"):
        revisions = [etree.QName(e).localname for e in paragraph if etree.QName(e).localname in ("r", "ins", "del")]
        mark = paragraph.find(f"{{{W}}}pPr/{{{W}}}rPr")
        mark_status = next((etree.QName(c).localname for c in mark), None) if mark is not None else None
        first = revisions[0] if revisions else mark_status or "r"
        assert not (previous == ("ins", "kept") and first == "ins"), shape
        previous = ((revisions[-1] if revisions else previous[0] if previous else "r"), mark_status or "kept")


@pytest.mark.slow
@needs_soffice
@pytest.mark.parametrize("shape", KEPT_MARK)
def test_libreoffice_keeps_the_paragraph_mark_between_two_insertions(
    shape: str, tmp_path: Path, libreoffice_profile: Path
) -> None:
    result = _kept_mark_redline(KEPT_MARK[shape])
    (change,) = result.changes
    docx = tmp_path / "redline.docx"
    docx.write_bytes(render_docx(result, "Comparaison", "Harmonie", DATE))
    accepted, rejected = accepted_and_rejected_by_libreoffice(docx, libreoffice_profile)
    assert rejected == change.old_text() + "\n"
    assert accepted == change.new_text() + "\n"


MOVE_PAIR = 41
"""The corpus's one pair with a move (42_2023-08-02 → 43_2023-09-21: an unchanged article moved)."""
KEPT_MARK_PAIRS = (19, 41, 57)
"""The pairs where an insertion ends a paragraph whose mark is kept and another starts the next: LibreOffice 7.4
joined the two (the mark with them) and its reject-all came out a line short until `_apart` wrote them apart."""


@needs_soffice
@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent (a user's clone has none; CI has it)")
@pytest.mark.parametrize("index", [0, *KEPT_MARK_PAIRS])
def test_libreoffice_on_corpus_pairs(index: int, tmp_path: Path, libreoffice_profile: Path) -> None:
    old, new = corpus_pairs()[index]
    old_text, new_text = old.read_text(encoding="utf-8"), new.read_text(encoding="utf-8")
    docx = tmp_path / "corpus.docx"
    docx.write_bytes(_docx(old_text, new_text))
    assert (b"<w:moveFrom " in _document_xml(docx.read_bytes())) == (index == MOVE_PAIR)
    accepted, rejected = accepted_and_rejected_by_libreoffice(docx, libreoffice_profile)
    assert rejected == old_text.replace("\r\n", "\n") + "\n"
    assert accepted == new_text.replace("\r\n", "\n") + "\n"


SHIPPED_REDLINES = (
    ("harmonie-mutuelle", "cgu"),
    ("klesia", "privacy"),
    ("mutuelle-mieux-etre", "privacy"),
    ("partenamut", "cgu"),
    ("partenamut", "privacy"),
)
"""Every shipped document with a release before its draft: its last release to the draft."""


def _shipped_redline(organism: str, kind: str, out: Path) -> tuple[Path, str, str]:
    """The DOCX redline of a shipped document (last release to the draft) and the new and old texts its JSON gives."""
    args = ["redline", organism, kind, "--project", str(ROOT), "--out", str(out), "--format", "docx,json"]
    result = CliRunner().invoke(main, args, env={"SOURCE_DATE_EPOCH": "1709251200"})
    assert result.exit_code == 0, result.output
    (docx,) = out.glob(f"{organism}-{kind}-redline-*-to-draft.docx")
    changes = json.loads(docx.with_suffix(".json").read_text(encoding="utf-8"))["changes"]
    olds = sorted((c for c in changes if c["old"]), key=lambda c: c["old"]["number"])
    new = "".join(t for c in changes if c["new"] for op, t in c["ops"] if op >= 0)
    return docx, new, "".join(t for c in olds for op, t in c["ops"] if op <= 0)


@pytest.mark.slow
@pytest.mark.skipif(not History(ROOT).available, reason="the shipped releases are read from the git repository")
def test_shipped_release_redlines_accept_to_the_draft_and_reject_to_the_release(tmp_path: Path) -> None:
    for organism, kind in SHIPPED_REDLINES:
        docx, new, old = _shipped_redline(organism, kind, tmp_path / f"{organism}-{kind}")
        assert accepted_and_rejected(_document_xml(docx.read_bytes())) == (new, old), docx.name


@needs_soffice
@pytest.mark.slow
@pytest.mark.skipif(not History(ROOT).available, reason="the shipped releases are read from the git repository")
@pytest.mark.parametrize(("organism", "kind"), SHIPPED_REDLINES)
def test_libreoffice_on_shipped_release_redlines(
    organism: str, kind: str, tmp_path: Path, libreoffice_profile: Path
) -> None:
    docx, new, old = _shipped_redline(organism, kind, tmp_path / "out")
    accepted, rejected = accepted_and_rejected_by_libreoffice(docx, libreoffice_profile)
    assert rejected == old + "\n"
    assert accepted == new + "\n"


def test_release_redline_is_tracked_by_the_organism_on_the_source_date(repo: Path, tmp_path: Path) -> None:
    edit(repo / "clauses/droit.md", "relèvent du droit", "sont soumises au droit")
    args = ["redline", "beta", "cgu", "--project", str(repo), "--out", str(tmp_path / "r"), "--format", "docx,json"]
    result = CliRunner().invoke(main, args, env={"SOURCE_DATE_EPOCH": "1709251200"})
    assert result.exit_code == 0, result.output
    xml = _document_xml((tmp_path / "r/beta-cgu-redline-2024-06-01-to-draft.docx").read_bytes())
    root = etree.fromstring(xml)
    revisions = [e for e in root.iter() if e.get(f"{{{W}}}author") is not None]
    assert revisions, "the edit is a tracked change"
    assert {e.get(f"{{{W}}}author") for e in revisions} == {"Beta Mutualité"}, "the organism (tests/fixtures/mini)"
    assert {e.get(f"{{{W}}}date") for e in revisions} == {"2024-03-01T00:00:00Z"}, "a draft: SOURCE_DATE_EPOCH"
    assert "soumises" in _tracked_text(xml, "ins") and "relèvent" in _tracked_text(xml, "del")
    ops = json.loads((tmp_path / "r/beta-cgu-redline-2024-06-01-to-draft.json").read_text(encoding="utf-8"))
    changes = ops["changes"]
    olds = sorted((c for c in changes if c["old"]), key=lambda c: c["old"]["number"])
    accepted, rejected = accepted_and_rejected(xml)
    assert accepted == "".join(t for c in changes if c["new"] for op, t in c["ops"] if op >= 0)
    assert rejected == "".join(t for c in olds for op, t in c["ops"] if op <= 0)


def test_redline_of_two_releases_is_dated_by_the_newer(repo: Path, tmp_path: Path) -> None:
    edit(repo / "clauses/droit.md", "relèvent du droit", "sont soumises au droit")
    declare(repo, "2024-09-01", "2024-09-15", True, "Droit applicable reformulé.")
    commit_all(repo, "release 2024-09-01 of the cgu")
    args = ["redline", "beta", "cgu", "--project", str(repo), "--out", str(tmp_path / "r"), "--format", "docx"]
    result = CliRunner().invoke(main, [*args, "--author", "Juriste"], env={"SOURCE_DATE_EPOCH": "1709251200"})
    assert result.exit_code == 0, result.output
    xml = _document_xml((tmp_path / "r/beta-cgu-redline-2024-06-01-to-2024-09-01.docx").read_bytes())
    revisions = [e for e in etree.fromstring(xml).iter() if e.get(f"{{{W}}}author") is not None]
    assert revisions and {(e.get(f"{{{W}}}author"), e.get(f"{{{W}}}date")) for e in revisions} == {
        ("Juriste", "2024-09-01T00:00:00Z")
    }, "the newer release's date, never SOURCE_DATE_EPOCH or the clock"


def test_an_author_word_cannot_store_is_refused(tmp_path: Path) -> None:
    (tmp_path / "old.md").write_text(OLD, encoding="utf-8")
    (tmp_path / "new.md").write_text(NEW, encoding="utf-8")
    args = ["redline", str(tmp_path / "old.md"), str(tmp_path / "new.md"), "--format", "docx", "--out", str(tmp_path)]
    result = CliRunner().invoke(main, [*args, "--author", "Ju\x01riste"])
    assert result.exit_code == 1, result.output
    assert "--author" in result.output and "control character" in result.output
    assert not (tmp_path / "redline-old-to-new.docx").exists()


@pytest.mark.slow
def test_the_published_site_carries_each_redline_as_word_tracked_changes(repo: Path, tmp_path: Path) -> None:
    """Beside each HTML redline of the site, a DOCX of the same changes (by the organism, dated the newer release),
    listed in index.json and releases.html, in the bundles, and the same bytes from one publication to the next."""
    from helpers.faults import snapshot

    from cgu.commands.publish import publish

    edit(repo / "clauses/droit.md", "relèvent du droit", "sont soumises au droit")
    declare(repo, "2024-09-01", "2024-09-15", False, "Droit applicable reformulé.")  # editorial: no notice to wait
    commit_all(repo, "release 2024-09-01 of the cgu", when=dt_date(2024, 9, 1))
    out = tmp_path / "public"
    publish(repo, out, day=dt_date(2024, 10, 1))  # both releases in force
    redlines = sorted(p.relative_to(out).as_posix() for p in out.glob("*/cgu/redline-*[0-9].html"))
    assert redlines == [f"{o}/cgu/redline-2024-06-01-to-2024-09-01.html" for o in ("acme", "beta")]
    for page in redlines:
        stem = page.removesuffix(".html")
        xml = _document_xml((out / f"{stem}.docx").read_bytes())
        revisions = [e for e in etree.fromstring(xml).iter() if e.get(f"{{{W}}}author") is not None]
        if page.startswith("beta/"):  # acme has its own `droit` clause: its text did not change
            assert revisions and {(e.get(f"{{{W}}}author"), e.get(f"{{{W}}}date")) for e in revisions} == {
                ("Beta Mutualité", "2024-09-01T00:00:00Z")
            }
        else:
            assert revisions == []
        changes = json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))["changes"]
        olds = sorted((c for c in changes if c["old"]), key=lambda c: c["old"]["number"])
        accepted, rejected = accepted_and_rejected(xml)
        assert accepted == "".join(t for c in changes if c["new"] for op, t in c["ops"] if op >= 0)
        assert rejected == "".join(t for c in olds for op, t in c["ops"] if op <= 0)
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    beta = next(e for e in index["organisms"] if e["id"] == "beta" and e["document"] == "cgu")
    assert beta["releases"][0]["redline_docx"] == "beta/cgu/redline-2024-06-01-to-2024-09-01.docx"
    assert "redline_docx" not in beta["releases"][1], "the newest release has nothing newer to compare with"
    assert 'href="beta/cgu/redline-2024-06-01-to-2024-09-01.docx"' in (out / "releases.html").read_text("utf-8")
    with zipfile.ZipFile(out / "bundles/beta.zip") as bundle:
        assert "beta/cgu/redline-2024-06-01-to-2024-09-01.docx" in bundle.namelist()
    before = snapshot(out)
    publish(repo, out, day=dt_date(2024, 10, 1))
    assert snapshot(out) == before, "reproducible: the same site, bundles included"
