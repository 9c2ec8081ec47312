"""Hostile previous outputs: a file edited by hand (or swapped for a link) in a build or a published site.

The manifest `.cgu-build.json` records the SHA-256 of every file cgu wrote; a file whose bytes no longer match is
never carried over: a build renders the document again, a publication renders the release's PDF or DOCX again, and a
partial build that does not render it drops it (the next build of its organism makes it). Each case runs the real
command and checks that nothing outside its output folder changed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from test_bad_inputs import MINI, cgu

PUBLICATION_DAY = "2024-07-01"
"""The publication day: after the fixture's release (committed on 2024-06-01, in force from 2024-06-15)."""

DOCUMENTS = sorted(f"{o}/{k}-2024-06-01.html" for o in ("acme", "beta") for k in ("cgu", "privacy"))


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def recorded(out: Path) -> dict[str, str]:
    return json.loads((out / ".cgu-build.json").read_text(encoding="utf-8"))["outputs"]


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    """The mini project and its HTML build in `out`, beside it."""
    project = shutil.copytree(MINI, tmp_path / "project")
    out = tmp_path / "out"
    result = cgu(project, "build", "--format", "html", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return project, out


def test_the_manifest_records_every_file_it_wrote(built: tuple[Path, Path]) -> None:
    _, out = built
    on_disk = {path: hashlib.sha256(content).hexdigest() for path, content in files(out).items()}
    del on_disk[".cgu-build.json"]
    assert recorded(out) == on_disk and set(DOCUMENTS) < set(on_disk) and "index.html" in on_disk


@pytest.mark.parametrize("how", ["edited", "truncated", "link"])
def test_a_hand_edited_document_is_rebuilt(built: tuple[Path, Path], tmp_path: Path, how: str) -> None:
    project, out = built
    before = files(out)
    target = out / "acme/cgu-2024-06-01.html"
    if how == "edited":
        target.write_bytes(target.read_bytes().replace(b"Acme", b"Acme (texte corrig\xc3\xa9 \xc3\xa0 la main)"))
    elif how == "truncated":
        target.write_bytes(b"")
    else:
        (tmp_path / "elsewhere.html").write_text("<p>une autre page</p>", encoding="utf-8")
        target.unlink()
        target.symlink_to(tmp_path / "elsewhere.html")
    project_before = files(project)
    result = cgu(project, "build", "--format", "html", "--out", str(out), "--explain")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "rebuilt acme/cgu-2024-06-01.html: changed in the output since cgu wrote it" in result.stdout
    assert result.stdout.count("kept    ") == 3, "the three other documents are still as cgu wrote them"
    assert files(out) == before and not target.is_symlink(), "the build is again exactly what cgu wrote"
    assert files(project) == project_before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere.html", "out", "project"][how != "link" :]


def test_a_folder_swapped_for_a_link_to_the_same_files_is_not_read(built: tuple[Path, Path], tmp_path: Path) -> None:
    """Same bytes, recorded hashes matching, but reached through a link out of the output: rebuilt, never linked."""
    project, out = built
    before = files(out)
    shutil.copytree(out / "acme", tmp_path / "elsewhere")
    shutil.rmtree(out / "acme")
    (out / "acme").symlink_to(tmp_path / "elsewhere")
    result = cgu(project, "build", "--format", "html", "--out", str(out), "--explain")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("changed in the output since cgu wrote it") == 2 and "kept    " in result.stdout
    assert not (out / "acme").is_symlink() and files(out) == before
    assert sorted(p.name for p in (tmp_path / "elsewhere").iterdir()) == [
        "cgu-2024-06-01.html",
        "privacy-2024-06-01.html",
    ]


def test_a_partial_build_drops_an_edited_document_it_does_not_render(built: tuple[Path, Path]) -> None:
    project, out = built
    (out / "beta/cgu-2024-06-01.html").write_text("<p>retouché</p>", encoding="utf-8")
    result = cgu(project, "build", "--format", "html", "--out", str(out), "--organism", "acme")
    assert result.returncode == 0, result.stderr
    assert not (out / "beta/cgu-2024-06-01.html").exists(), "an edited file is never carried over"
    assert "beta/cgu-2024-06-01.html" not in (out / "index.html").read_text(encoding="utf-8")
    assert (out / "beta/privacy-2024-06-01.html").is_file()
    result = cgu(project, "build", "--format", "html", "--out", str(out), "--explain")
    assert "rebuilt beta/cgu-2024-06-01.html: new" in result.stdout
    assert sorted(p for p in recorded(out) if p in DOCUMENTS) == DOCUMENTS


def test_a_forged_record_does_not_keep_an_edited_document(built: tuple[Path, Path]) -> None:
    """The record is checked against the bytes, not believed: a path, a digest of the wrong shape, or an entry for a
    file outside the output changes nothing (and never makes cgu read there)."""
    project, out = built
    manifest = json.loads((out / ".cgu-build.json").read_text(encoding="utf-8"))
    manifest["outputs"]["acme/cgu-2024-06-01.html"] = "0" * 64
    manifest["outputs"]["../project/organisms/acme.yaml"] = "x"
    manifest["outputs"]["beta/cgu-2024-06-01.html"] = 5
    (out / ".cgu-build.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = cgu(project, "build", "--format", "html", "--out", str(out), "--explain")
    assert result.returncode == 0, result.stderr
    assert "rebuilt acme/cgu-2024-06-01.html: changed in the output since cgu wrote it" in result.stdout
    assert "rebuilt beta/cgu-2024-06-01.html: changed in the output since cgu wrote it" in result.stdout
    assert "../project" not in json.dumps(recorded(out))


def test_an_output_an_older_cgu_wrote_rebuilds_once(built: tuple[Path, Path]) -> None:
    """A manifest without `outputs` vouches for no file: everything renders once, then the build is incremental."""
    project, out = built
    manifest = json.loads((out / ".cgu-build.json").read_text(encoding="utf-8"))
    del manifest["outputs"]
    (out / ".cgu-build.json").write_text(json.dumps(manifest), encoding="utf-8")
    first = cgu(project, "build", "--format", "html", "--out", str(out))
    assert first.returncode == 0 and first.stderr.count(" rendered ") == 4, first.stderr
    second = cgu(project, "build", "--format", "html", "--out", str(out))
    assert second.stderr.count(" rendered ") == 0 and "kept 4 up to date" in second.stdout


@pytest.fixture
def published(repo: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The mini project in git with its CGU released (test_releases' `repo`), published once into `public`."""
    out = tmp_path / "public"
    result = cgu(repo, "publish", "--out", str(out), "--quiet", "--date", PUBLICATION_DAY)
    assert result.returncode == 0, result.stderr
    return repo, out


def test_a_hand_edited_release_pdf_and_docx_are_rendered_again(published: tuple[Path, Path], tmp_path: Path) -> None:
    project, out = published
    before = files(out)
    pdf, docx = out / "acme/cgu/releases/2024-06-01.pdf", out / "acme/cgu/releases/2024-06-01.docx"
    pdf.write_bytes(pdf.read_bytes().replace(b"%%EOF", b"% retouche\n%%EOF"))
    docx.write_bytes(b"PK not the document cgu wrote")
    project_before = files(project)
    result = cgu(project, "publish", "--out", str(out), "--quiet", "--date", PUBLICATION_DAY)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert files(out) == before, "the site is again exactly what cgu wrote, its bundles included"
    assert files(project) == project_before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "public"]


def test_a_hand_edited_seal_marker_does_not_keep_an_edited_pdf(published: tuple[Path, Path]) -> None:
    """The marker beside a release's PDF says which text it was rendered from: edited too, it vouches for nothing."""
    project, out = published
    before = files(out)
    pdf, marker = out / "beta/cgu/releases/2024-06-01.pdf", out / "beta/cgu/releases/2024-06-01.sha256"
    pdf.write_bytes(b"%PDF-1.7 another text")
    marker.write_text(marker.read_text(encoding="utf-8"), encoding="utf-8")  # same bytes: still intact
    manifest = json.loads((out / ".cgu-build.json").read_text(encoding="utf-8"))
    manifest["outputs"]["beta/cgu/releases/2024-06-01.pdf"] = hashlib.sha256(pdf.read_bytes()).hexdigest()
    manifest["outputs"]["beta/cgu/releases/2024-06-01.sha256"] = "f" * 64
    (out / ".cgu-build.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = cgu(project, "publish", "--out", str(out), "--quiet", "--date", PUBLICATION_DAY)
    assert result.returncode == 0, result.stderr
    assert files(out) == before
