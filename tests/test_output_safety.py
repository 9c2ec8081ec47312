"""Output folders: cgu replaces its output whole, so it refuses a link, the project or a parent of it, and a folder it did not make."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from helpers.git import git
from helpers.project import cgu_here

WHOLE = "cgu replaces its output folder whole"
LINK = f"the output folder is a link (to {{target}}); {WHOLE}: point --out at a real folder of its own"
PROJECT = f"the output folder is the project or holds it ({{root}}); {WHOLE}: point --out at a folder of its own, such as build"
FOREIGN = f"the output folder is not empty and holds no .cgu-build.json, so cgu did not make it; {WHOLE}: point --out at a new or empty folder"


def cgu(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`cgu ARGS` in `cwd`, in this process: what it refuses and leaves is the point (the full-disk and size-limit
    cases below run real processes, under their own limits)."""
    return cgu_here(cwd, *args)


def tree(folder: Path) -> dict[str, str]:
    """Every entry under `folder`, links not followed: a file's SHA-256, a link's target, or "folder"."""
    entries = {}
    for parent, folders, files in os.walk(folder):
        for name in folders + files:
            path = Path(parent) / name
            key = path.relative_to(folder).as_posix()
            if path.is_symlink():
                entries[key] = "-> " + os.readlink(path)
            elif path.is_dir():
                entries[key] = "folder"
            else:
                entries[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return entries


def refused(cwd: Path, where: Path, location: str, message: str, *args: str) -> None:
    """`cgu args` fails with exactly `location: message`, exit 1, no traceback, and nothing under `where` changes."""
    before = tree(where)
    result = cgu(cwd, *args)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == f"{location}: {message}"
    assert tree(where) == before


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """Somebody's folder outside the project, with a file in it and an empty sub-folder."""
    folder = tmp_path / "home"
    (folder / "empty").mkdir(parents=True)
    (folder / "notes.txt").write_text("mes notes\n", encoding="utf-8")
    return folder


def test_a_build_link_to_the_parent_folder_is_refused(mini: Path, tmp_path: Path) -> None:
    (mini / "build").symlink_to("..")
    refused(tmp_path, tmp_path, f"{mini}/build", LINK.format(target=tmp_path), "build", "--project", str(mini))


def test_a_build_link_to_an_outside_folder_is_refused_and_its_files_survive(
    mini: Path, tmp_path: Path, home: Path
) -> None:
    (mini / "build").symlink_to(home)
    refused(mini, tmp_path, "build", LINK.format(target=home), "build", "--format", "html")
    assert (home / "notes.txt").read_text(encoding="utf-8") == "mes notes\n"


def test_out_dot_in_a_git_project_is_refused(mini: Path, tmp_path: Path) -> None:
    git(mini, "init", "-q", "-b", "main")
    refused(mini, tmp_path, ".", PROJECT.format(root=mini), "build", "--out", ".")
    assert (mini / ".git/HEAD").is_file()


def test_out_a_parent_of_the_project_is_refused(mini: Path, tmp_path: Path) -> None:
    refused(
        tmp_path,
        tmp_path,
        str(tmp_path),
        PROJECT.format(root=mini),
        "build",
        "--project",
        "mini",
        "--out",
        str(tmp_path),
    )


def test_out_a_folder_cgu_did_not_make_is_refused_and_its_files_survive(mini: Path, tmp_path: Path, home: Path) -> None:
    refused(tmp_path, tmp_path, "home", FOREIGN, "build", "--project", "mini", "--out", "home")


def test_merge_into_a_folder_cgu_did_not_make_or_into_the_project_is_refused(
    mini: Path, tmp_path: Path, home: Path
) -> None:
    built = cgu(tmp_path, "build", "--project", "mini", "--shard", "1/2", "--format", "html", "--out", "shard1")
    assert built.returncode == 0, built.stderr
    refused(tmp_path, tmp_path, "home", FOREIGN, "merge", "--project", "mini", "home", "shard1")
    refused(tmp_path, tmp_path, "mini", PROJECT.format(root=mini), "merge", "--project", "mini", "mini", "shard1")
    (tmp_path / "linked").symlink_to(home)
    refused(tmp_path, tmp_path, "linked", LINK.format(target=home), "merge", "--project", "mini", "linked", "shard1")


def test_publish_into_a_link_or_a_folder_cgu_did_not_make_is_refused(repo: Path, tmp_path: Path, home: Path) -> None:
    (repo / "public").symlink_to(home)  # committed by the content repository; `cgu publish` writes public/ by default
    refused(repo, tmp_path, "public", LINK.format(target=home), "publish")
    refused(repo, tmp_path, str(home), FOREIGN, "publish", "--out", str(home))
    refused(repo, tmp_path, "..", PROJECT.format(root=repo), "publish", "--out", "..")


def test_an_earlier_output_or_an_empty_folder_is_still_replaced(mini: Path, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    first = cgu(tmp_path, "build", "--project", "mini", "--format", "html", "--out", "out")
    assert first.returncode == 0 and "built 4 files, kept 0 up to date" in first.stdout, first.stderr
    before = tree(tmp_path / "out")
    again = cgu(tmp_path, "build", "--project", "mini", "--format", "html", "--out", "out")
    assert again.returncode == 0 and "built 0 files, kept 4 up to date" in again.stdout, again.stderr
    assert tree(tmp_path / "out") == before


def test_a_redline_adds_its_files_and_touches_nothing_else(mini: Path, tmp_path: Path, home: Path) -> None:
    (tmp_path / "a.md").write_text("# Objet\n\nun\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# Objet\n\ndeux\n", encoding="utf-8")
    (home / "etc").symlink_to("/etc")
    before = tree(home)
    result = cgu(tmp_path, "redline", "a.md", "b.md", "--out", "home", "--format", "html,json")
    assert result.returncode == 0, result.stderr
    after = tree(home)
    assert sorted(set(after) - set(before)) == ["redline-a-to-b.html", "redline-a-to-b.json"]
    assert {k: v for k, v in after.items() if k in before} == before
    in_project = cgu(
        mini, "redline", "../a.md", "../b.md", "--format", "json"
    )  # default build/redlines: cgu makes build/
    assert in_project.returncode == 0, in_project.stderr
    built = cgu(mini, "build", "--format", "html")
    assert built.returncode == 0 and "built 4 files" in built.stdout, built.stderr


KEEP_OUTPUT = "the previous output is unchanged"
SIZE_LIMIT = "a file is over the size limit set for this process (ulimit -f): raise it and run again"


def _edit_a_clause(project: Path) -> None:
    path = project / "clauses/droit.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("relèvent du droit", "sont soumises au droit"), encoding="utf-8"
    )


@pytest.mark.slow
def test_a_full_temporary_disk_stops_the_build_and_keeps_the_output(mini: Path, tmp_path: Path) -> None:
    """TMPDIR on a 64 KiB tmpfs, really full: WeasyPrint cannot write the theme's fonts while making the PDF."""
    from helpers.disk import on_small_disk

    assert cgu(tmp_path, "build", "--project", "mini", "--out", "out").returncode == 0
    _edit_a_clause(mini)
    before, disk = tree(tmp_path), tmp_path / "disk"
    command = f'"{sys.executable}" "{ROOT / "cgu_cli.py"}" build --project mini --out out'
    result = on_small_disk(disk, 64, f'cd "{tmp_path}"\n{command}', {"TMPDIR": str(disk)})
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"{disk}: cannot write a temporary file: No space left on device; the output folder is unchanged; free some "
        "space on its disk (or point TMPDIR at a folder on a larger one) and run again"
    )
    assert tree(tmp_path) == {**before, "disk": "folder"}


@pytest.mark.slow
def test_a_full_site_disk_keeps_the_published_site_whole(repo: Path, tmp_path: Path) -> None:
    """The site on a 16 MiB tmpfs: published once, then the disk filled up and the site published again."""
    from helpers.disk import on_small_disk

    disk, seen = tmp_path / "disk", tmp_path / "seen"
    seen.mkdir()
    publish = f'"{sys.executable}" "{ROOT / "cgu_cli.py"}" publish --project "{repo}" --quiet'
    # The second publication is for the next day: one that would change nothing writes nothing (cgu/site/unchanged.py).
    script = f"""
{publish} --date 2024-07-01 --out "$DISK/public"
snapshot() {{ (cd "$DISK/public" && find . -type f | LC_ALL=C sort | xargs sha256sum) > "{seen}/$1"; }}
snapshot before
cat /dev/zero > "$DISK/ballast" 2>/dev/null || true
{publish} --date 2024-07-02 --out "$DISK/public" 2> "{seen}/stderr" || echo $? > "{seen}/exit"
snapshot after
ls -A "$DISK" > "{seen}/disk"
"""
    result = on_small_disk(disk, 16 * 1024, script)
    assert result.returncode == 0, result.stderr
    stderr = (seen / "stderr").read_text(encoding="utf-8")
    assert (seen / "exit").read_text() == "1\n" and "Traceback" not in stderr, stderr
    assert stderr.splitlines() == [
        f"{disk}/public: cannot write the published site: No space left on device; the previous site is unchanged; "
        "free some space on its disk and run again"
    ]
    assert (seen / "after").read_text() == (seen / "before").read_text(), "every published file as it was"
    assert "./index.json" in (seen / "before").read_text() and "./bundles/all.zip" in (seen / "before").read_text()
    assert (seen / "disk").read_text().split() == ["ballast", "public"], "no staging folder, no lock file left"


def test_a_file_size_limit_stops_the_build_and_keeps_the_output(mini: Path, tmp_path: Path) -> None:
    """`ulimit -f 16`, which any user can set: writing the theme's fonts into the output fails with EFBIG."""
    from helpers.disk import under_file_size_limit

    assert cgu(tmp_path, "build", "--project", "mini", "--format", "html", "--out", "out").returncode == 0
    _edit_a_clause(mini)
    before = tree(tmp_path)
    command = [sys.executable, str(ROOT / "cgu_cli.py"), "build", "--project", "mini", "--format", "html"]
    result = under_file_size_limit(16, [*command, "--out", "out"], tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert (
        result.stderr.splitlines()[-1]
        == f"{tmp_path}/out: cannot write the build output: File too large; {KEEP_OUTPUT}; {SIZE_LIMIT}"
    )
    assert tree(tmp_path) == before, "nothing outside the output changed, and the output neither"


@pytest.mark.slow
def test_a_file_size_limit_on_temporary_files_stops_the_build(mini: Path, tmp_path: Path) -> None:
    from helpers.disk import under_file_size_limit

    assert cgu(tmp_path, "build", "--project", "mini", "--out", "out").returncode == 0
    _edit_a_clause(mini)
    (tmp_path / "tmp").mkdir()
    before = tree(tmp_path)
    command = [sys.executable, str(ROOT / "cgu_cli.py"), "build", "--project", "mini", "--out", "out"]
    result = under_file_size_limit(64, command, tmp_path, {"TMPDIR": str(tmp_path / "tmp")})
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"{tmp_path / 'tmp'}: cannot write a temporary file: File too large; the output folder is unchanged; "
        + SIZE_LIMIT
    )
    assert tree(tmp_path) == before, "the output unchanged, the scratch folder removed"
