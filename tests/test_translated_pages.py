"""The words a translated PDF prints from the theme's style sheet (the draft mark before the title, the page
counter), and a Word document's draft keyword, in the document's language: never "PROJET" nor "page" in a Dutch or
German document."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.helpers.project import cgu_in_process
from tests.test_translated_law import _in_german
from tests.test_translations import _commit_change, _release, project  # noqa: F401 - project: the bilingual fixture


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize(
    "language, draft, page",
    [
        ("nl", "ONTWERP – Privacybeleid", "pagina 1 / 1"),
        ("de", "ENTWURF – Datenschutzerklärung", "Seite 1 / 1"),
    ],
)
def test_a_draft_pdf_says_draft_and_page_in_its_language(
    project: Path, tmp_path: Path, language: str, draft: str, page: str
) -> None:
    if language == "de":
        _in_german(project)
    assert _release(project, "privacy").returncode == 0
    _commit_change(project, "Vous disposez d'un droit", "Vous  disposez d’un droit")  # form only: a draft, built
    out = tmp_path / "out"
    built = cgu_in_process(project, "build", "--format", "pdf,docx", "--document", "privacy", "--out", str(out))
    assert built.returncode == 0, built.stderr
    translated = _pdf_text(out / f"ebm/{language}/privacy-2025-06-01.pdf")
    assert draft in translated and page in translated, translated
    assert "PROJET" not in translated and "page " not in translated
    french = _pdf_text(out / "ebm/privacy-2025-06-01.pdf")
    assert "PROJET – Politique de confidentialité" in french and "page 1 / 1" in french, "French keeps its words"
    with zipfile.ZipFile(out / f"ebm/{language}/privacy-2025-06-01.docx") as word:
        core = word.read("docProps/core.xml").decode()
    assert f"<cp:keywords>{draft.split()[0].lower()}</cp:keywords>" in core, core
