"""`cgu review`: a DOCX cgu built, edited the way Word stores tracked changes and comments, mapped back to clauses."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import FIXTURES, ROOT, built_file
from lxml import etree

from cgu.cli import main
from cgu.commands.build import build

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
DATE = "2026-11-30T10:00:00Z"


def review(project: Path, docx: Path, *options: str) -> Result:
    """`cgu review DOCX OPTIONS --project PROJECT`, in this process."""
    return CliRunner().invoke(main, ["review", "--project", str(project), str(docx), *options])


def _run(element: etree._Element, tag: str, text: str) -> etree._Element:
    run = etree.SubElement(element, f"{W}r")
    t = etree.SubElement(run, f"{W}{tag}")
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run


def track(docx: Path, find: str, replacement: str, comment: str | None = None, author: str = "Maître Dupont") -> None:
    """Replace `find` by `replacement` in the run holding it as Word does: a w:del and a w:ins, optionally with a
    comment anchored on the change (word/comments.xml, its relationship and content type)."""
    with zipfile.ZipFile(docx) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    body = etree.fromstring(parts["word/document.xml"])
    run = next(r for r in body.iter(f"{W}r") if find in "".join(t.text or "" for t in r.iter(f"{W}t")))
    text = "".join(t.text or "" for t in run.iter(f"{W}t"))
    before, after = text.split(find, 1)
    parent, index = run.getparent(), run.getparent().index(run)
    new: list[etree._Element] = []
    holder = etree.Element("holder")
    if before:
        new.append(_run(holder, "t", before))
    ids = 900 + len(list(body.iter(f"{W}ins", f"{W}del")))
    if comment is not None:
        start = etree.Element(f"{W}commentRangeStart")
        start.set(f"{W}id", "0")
        new.append(start)
    deletion = etree.Element(f"{W}del", {f"{W}id": str(ids), f"{W}author": author, f"{W}date": DATE})
    _run(deletion, "delText", find)
    insertion = etree.Element(f"{W}ins", {f"{W}id": str(ids + 1), f"{W}author": author, f"{W}date": DATE})
    _run(insertion, "t", replacement)
    new += [deletion, insertion]
    if comment is not None:
        end = etree.Element(f"{W}commentRangeEnd")
        end.set(f"{W}id", "0")
        reference = etree.Element(f"{W}r")
        etree.SubElement(reference, f"{W}commentReference").set(f"{W}id", "0")
        new += [end, reference]
        comments = etree.Element(f"{W}comments", nsmap={"w": W_NS})
        note = etree.SubElement(comments, f"{W}comment", {f"{W}id": "0", f"{W}author": author, f"{W}date": DATE})
        _run(etree.SubElement(note, f"{W}p"), "t", comment)
        parts["word/comments.xml"] = etree.tostring(comments, xml_declaration=True, encoding="UTF-8")
        rels = parts["word/_rels/document.xml.rels"].decode()
        rels = rels.replace(
            "</Relationships>",
            '<Relationship Id="rIdReview" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'comments" Target="comments.xml"/></Relationships>',
        )
        parts["word/_rels/document.xml.rels"] = rels.encode()
        types = (
            parts["[Content_Types].xml"]
            .decode()
            .replace(
                "</Types>",
                '<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                'wordprocessingml.comments+xml"/></Types>',
            )
        )
        parts["[Content_Types].xml"] = types.encode()
    if after:
        new.append(_run(holder, "t", after))
    parent.remove(run)
    for offset, element in enumerate(new):
        parent.insert(index + offset, element)
    parts["word/document.xml"] = etree.tostring(body, xml_declaration=True, encoding="UTF-8", standalone=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    docx.write_bytes(buffer.getvalue())


@pytest.fixture
def reviewed(tmp_path: Path) -> tuple[Path, Path]:
    """The mini project in git and the DOCX of beta's CGU, built from it."""
    project = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", project)
    for command in (["init", "-q"], ["add", "-A"], ["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "x"]):
        subprocess.run(["git", *command], cwd=project, check=True)
    out = tmp_path / "build"
    build(project, out, formats=("docx",), organism_ids=("beta",))
    return project, built_file(out, "beta", "cgu", ".docx")


def test_round_trip_change_and_comment_reach_the_clause_and_the_new_html(
    reviewed: tuple[Path, Path], tmp_path: Path
) -> None:
    project, docx = reviewed
    track(docx, "relèvent du", "sont soumises au", comment="Formule plus claire.")
    result = review(project, docx, "--patch")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any(
        line.startswith("deletion by Maître Dupont on 2026-11-30T10:00:00Z in Article 3 – Droit applicable")
        and "clauses/droit.md:9" in line
        and "'relèvent du'" in line
        for line in lines
    ), result.stdout
    assert any(line.startswith("insertion by Maître Dupont") and "'sont soumises au'" in line for line in lines)
    assert any(line.startswith("comment by Maître Dupont") and "Formule plus claire." in line for line in lines)
    diff = result.stdout[result.stdout.index("--- a/clauses/droit.md") :]
    (tmp_path / "review.patch").write_text(diff, encoding="utf-8")
    subprocess.run(["git", "apply", "--check", str(tmp_path / "review.patch")], cwd=project, check=True)
    subprocess.run(["git", "apply", str(tmp_path / "review.patch")], cwd=project, check=True)
    assert "Les présentes conditions sont soumises au droit {{ jurisdiction.law }}." in (
        project / "clauses" / "droit.md"
    ).read_text(encoding="utf-8")
    out = tmp_path / "rebuilt"
    build(project, out, formats=("html",), organism_ids=("beta",))
    assert "sont soumises au droit belge" in built_file(out, "beta", "cgu").read_text(encoding="utf-8")


def test_apply_writes_the_clause(reviewed: tuple[Path, Path]) -> None:
    project, docx = reviewed
    track(docx, "Les présentes", "Ces")
    result = review(project, docx, "--apply")
    assert result.exit_code == 0, result.output
    assert "updated clauses/droit.md" in result.stdout
    assert "Ces conditions relèvent du droit" in (project / "clauses" / "droit.md").read_text(encoding="utf-8")


def test_a_variable_is_named_not_patched(reviewed: tuple[Path, Path]) -> None:
    project, docx = reviewed
    track(docx, "belge", "luxembourgeois")
    before = (project / "clauses" / "droit.md").read_text(encoding="utf-8")
    result = review(project, docx, "--apply")
    assert result.exit_code == 1
    assert "not mapped, in Article 3 – Droit applicable" in result.stderr
    assert "jurisdiction.law (organisms/beta.yaml:8)" in result.stderr
    assert (project / "clauses" / "droit.md").read_text(encoding="utf-8") == before


def test_an_untouched_docx_has_nothing_to_review(reviewed: tuple[Path, Path]) -> None:
    project, docx = reviewed
    result = review(project, docx, "--patch")
    assert result.exit_code == 0
    assert result.stdout.strip().endswith("no tracked change and no comment")


def test_a_file_that_is_not_a_cgu_docx_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.docx"
    bogus.write_text("pas un document Word", encoding="utf-8")
    result = review(FIXTURES / "mini", bogus)
    assert result.exit_code == 1
    assert "notes.docx: is not a Word document (.docx) cgu can read" in result.output
    assert "Traceback" not in result.output


BOMB = (
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><w:document xmlns:w="' + W_NS + '"><w:body><w:p><w:r><w:t>&c;'
    "</w:t></w:r></w:p></w:body></w:document>"
)
CORE = (
    '<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier>{}</dc:identifier>'
    "</cp:coreProperties>"
)


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        ({"word/document.xml": "<w:document/>"}, "is not a Word document (.docx) cgu can read"),
        ({"word/document.xml": BOMB, "docProps/core.xml": CORE.format("")}, "was not built by cgu"),
        ({"word/document.xml": BOMB, "docProps/core.xml": CORE.format("cgu:nobody/cgu@2024-06-01")}, "was built for"),
        ({"word/document.xml": "<w:document", "docProps/core.xml": CORE.format("x")}, "is not a Word document"),
    ],
    ids=["no-properties", "not-cgu-entities", "unknown-organism", "broken-xml"],
)
def test_hostile_docx_gets_one_line(tmp_path: Path, members: dict[str, str], expected: str) -> None:
    path = tmp_path / "relu.docx"
    with zipfile.ZipFile(path, "w") as archive:
        for member, text in members.items():
            archive.writestr(member, text)
    result = subprocess.run(
        [sys.executable, str(ROOT / "cgu_cli.py"), "review", "--project", str(FIXTURES / "mini"), "relu.docx"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 1 and result.stderr.startswith(f"relu.docx: {expected}"), result.stderr
    assert len(result.stderr.splitlines()) == 1 and "&c;" not in result.stderr


def test_a_change_under_a_sub_heading_stays_in_its_article(reviewed: tuple[Path, Path]) -> None:
    project, docx = reviewed
    track(docx, "Votre choix est", "Votre choix reste")
    result = review(project, docx, "--apply")
    assert result.exit_code == 0, result.output
    assert "in Article 2 – Cookies (clauses/cookies.md:" in result.stdout
    assert "Votre choix reste conservé" in (project / "clauses" / "cookies.md").read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_a_docx_saved_again_by_libreoffice_still_maps(reviewed: tuple[Path, Path], tmp_path: Path) -> None:
    """A reviewer working in LibreOffice: the file it writes keeps the properties and bookmarks cgu review needs."""
    project, docx = reviewed
    track(docx, "relèvent du", "sont soumises au", comment="Formule plus claire.")
    saved = tmp_path / "saved"
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to"]
        + ["docx:MS Word 2007 XML", "--outdir", str(saved), str(docx)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    result = review(project, saved / docx.name, "--patch")
    assert result.exit_code == 0, result.output
    assert "comment by Maître Dupont" in result.stdout and "Formule plus claire." in result.stdout
    assert "+Les présentes conditions sont soumises au droit {{ jurisdiction.law }}." in result.stdout
