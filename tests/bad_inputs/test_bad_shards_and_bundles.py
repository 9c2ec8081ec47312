"""Hostile shard folders, previous sites and bundles: each refused with one exact message, nothing outside touched.

Shards and bundles come from other CI jobs or from anyone's disk: a link in them would publish what it points at,
a file for an organism a shard does not own would replace another shard's work, and a zip's entry names, sizes and
compression are whatever its maker chose.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from helpers.project import cgu_here

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MINI = ROOT / "tests/fixtures/mini"


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`cgu ARGS` in `cwd`, in this process (what it refuses and says is the point)."""
    return cgu_here(cwd, *args)


def run_in_a_process(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`cgu ARGS` in `cwd`, in a process of its own (whose peak memory resource.RUSAGE_CHILDREN reads)."""
    return subprocess.run(
        [sys.executable, str(ROOT / "cgu_cli.py"), *args], capture_output=True, text=True, timeout=300, cwd=cwd
    )


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry under `folder`: a file's bytes, a link's target (never followed)."""
    return {
        p.relative_to(folder).as_posix(): os.readlink(p) if p.is_symlink() else p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_symlink() or p.is_file()
    }


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini project and its three HTML shards (acme is in shard 3, beta in shard 2, shard 1 is empty)."""
    base = tmp_path_factory.mktemp("shards")
    shutil.copytree(MINI, base / "mini")
    for index in (1, 2, 3):
        result = run(
            base, "build", "--project", "mini", "--format", "html", "--shard", f"{index}/3", "--out", f"s{index}"
        )
        assert result.returncode == 0, result.stderr
    return base


@pytest.fixture
def work(shards: Path, tmp_path: Path) -> Path:
    for entry in (e for e in shards.iterdir() if e.is_dir()):  # not the lock files builds leave next to their output
        shutil.copytree(entry, tmp_path / entry.name, symlinks=True)
    (tmp_path / "secret.txt").write_text("password=hunter2\n", encoding="utf-8")
    return tmp_path


@pytest.mark.slow
def test_the_three_shards_merge(work: Path) -> None:
    result = run(work, "merge", "--project", "mini", "site", "s1", "s2", "s3")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert {"acme/cgu-2024-06-01.html", "beta/privacy-2024-06-01.html", "index.html"} <= set(snapshot(work / "site"))


def _manifest(work: Path, shard: str) -> dict:
    return json.loads((work / shard / ".cgu-build.json").read_text(encoding="utf-8"))


def _set_manifest(work: Path, shard: str, data: object) -> None:
    (work / shard / ".cgu-build.json").write_text(json.dumps(data), encoding="utf-8")


def _plant_file_link(work: Path) -> None:
    os.symlink(work / "secret.txt", work / "s3/acme/notes.html")


def _plant_folder_link(work: Path) -> None:
    os.symlink(work, work / "s2/beta/everything")


def _plant_fifo(work: Path) -> None:
    os.mkfifo(work / "s2/beta/pipe.html")  # reading it would block merge forever


def _plant_other_shards_file(work: Path) -> None:
    (work / "s2/acme").mkdir()
    (work / "s2/acme/cgu-2024-06-01-extra.html").write_text("<p>remplacé</p>", encoding="utf-8")


def _plant_top_level_file(work: Path) -> None:
    (work / "s1/evil.html").write_text("<script>alert(1)</script>", encoding="utf-8")


def _plant_manifest_escape(work: Path) -> None:
    data = _manifest(work, "s3")
    data["artifacts"]["../outside.html"] = {"digest": "x", "inputs": {}}
    _set_manifest(work, "s3", data)


def _plant_unnamed_shard(work: Path) -> None:
    data = _manifest(work, "s1")
    del data["shard"]
    _set_manifest(work, "s1", data)


def _plant_manifest_list(work: Path) -> None:
    _set_manifest(work, "s1", {"artifacts": [1, 2], "shard": "1/3"})


def _plant_manifest_entry(work: Path) -> None:
    _set_manifest(work, "s1", {"artifacts": {"acme/x.html": 5}, "shard": "1/3"})


def _plant_manifest_deep(work: Path) -> None:
    (work / "s1/.cgu-build.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")


def _plant_bad_shard_name(work: Path) -> None:
    data = _manifest(work, "s1")
    data["shard"] = "0/3\x1b[2J"
    _set_manifest(work, "s1", data)


def _plant_other_split(work: Path) -> tuple[str, ...]:
    data = _manifest(work, "s1")
    data["shard"] = "1/4"
    _set_manifest(work, "s1", data)
    return ("s2", "s1")


NOT_REGULAR = "is a link or not a regular file, which cgu never writes in a shard; remove it and run again"
REBUILD = "build it with --shard I/N"


@pytest.mark.parametrize(
    ("plant", "expected"),
    [
        (_plant_file_link, f"s3/acme/notes.html: {NOT_REGULAR}"),
        (_plant_folder_link, f"s2/beta/everything: {NOT_REGULAR}"),
        (_plant_fifo, f"s2/beta/pipe.html: {NOT_REGULAR}"),
        (
            _plant_other_shards_file,
            "s2/acme/cgu-2024-06-01-extra.html: organism 'acme' belongs to another shard than 2/3; "
            "a shard holds only its own organisms' files: rebuild it from the same commit",
        ),
        (
            _plant_top_level_file,
            f"s1/evil.html: not a file cgu writes (no organism 'evil.html'); {REBUILD}",
        ),
        (
            _plant_manifest_escape,
            "s3/../outside.html: has an empty, '.' or '..' part; "
            f"a shard holds only the site's own relative paths: {REBUILD}",
        ),
        (
            _plant_unnamed_shard,
            f"s1/.cgu-build.json: not a shard output: the manifest names no shard; {REBUILD}",
        ),
        (
            _plant_manifest_list,
            f"s1/.cgu-build.json: not a manifest cgu wrote (it needs 'artifacts', a mapping of files); {REBUILD}",
        ),
        (
            _plant_manifest_entry,
            f"s1/.cgu-build.json: not a manifest cgu wrote (it needs 'artifacts', a mapping of files); {REBUILD}",
        ),
        (_plant_manifest_deep, f"s1: not a shard output: no readable .cgu-build.json; {REBUILD}"),
        (
            _plant_bad_shard_name,
            f"s1/.cgu-build.json: not a shard output: '0/3\\x1b[2J' is not a shard; {REBUILD}",
        ),
        (
            _plant_other_split,
            "s1/.cgu-build.json: shard 1/4 is not a part of the same split as the other shards "
            "(--shard I/N with the same N for every part); rebuild them together",
        ),
        (lambda work: ("s2", "s2"), "s2: shard 2/3 was already given (s2); give each shard once"),
    ],
    ids=[
        "file-link",
        "folder-link",
        "fifo",
        "organism-of-another-shard",
        "top-level-file",
        "manifest-path-escapes",
        "manifest-names-no-shard",
        "manifest-artifacts-list",
        "manifest-entry-number",
        "manifest-nested",
        "manifest-shard-escape-sequence",
        "other-split",
        "same-shard-twice",
    ],
)
def test_a_hostile_shard_is_refused(work: Path, plant, expected: str) -> None:
    shard_args = plant(work) or ("s1", "s2", "s3")  # a case changes the shards, or which ones are given
    before = snapshot(work)
    result = run(work, "merge", "--project", "mini", "site", *shard_args)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", expected + "\n")
    assert snapshot(work) == before and not (work / "site").exists(), "nothing written, nothing outside touched"


def _outside_site(work: Path) -> dict[str, bytes | str]:
    """Everything but the site and the lock files publish leaves next to it (item 10 of issue 11, not this one's)."""
    return {k: v for k, v in snapshot(work).items() if not k.startswith("site/") and not k.endswith(".lock")}


@pytest.mark.slow
def test_a_link_left_in_a_previous_site_is_neither_published_nor_bundled(work: Path) -> None:
    """A previous site is untrusted too: a link in it (even under releases/, which publish keeps) is dropped."""
    first = run(work, "publish", "--project", "mini", "--out", "site")
    assert first.returncode == 0, first.stderr
    (work / "site/acme/releases").mkdir(parents=True)  # mini has no history: nothing of acme is published yet
    os.symlink(work / "secret.txt", work / "site/acme/releases/notes.html")
    os.symlink(work / "s3", work / "site/acme/releases/folder")
    outside = _outside_site(work)
    again = run(work, "publish", "--project", "mini", "--out", "site")
    assert again.returncode == 0, again.stderr
    site = snapshot(work / "site")
    assert not any(isinstance(v, str) for v in site.values()), "no link left in the site"
    assert not any(b"hunter2" in v for v in site.values() if isinstance(v, bytes))
    for bundle in (work / "site/bundles").glob("*.zip"):
        with zipfile.ZipFile(bundle) as archive:
            assert not any(b"hunter2" in archive.read(name) for name in archive.namelist())
    assert _outside_site(work) == outside
    assert (work / "secret.txt").read_text(encoding="utf-8") == "password=hunter2\n"


def test_bundles_refuse_a_link_in_the_site(tmp_path: Path) -> None:
    from cgu.errors import CguError
    from cgu.site.bundles import make_bundles

    (tmp_path / "site/acme").mkdir(parents=True)
    (tmp_path / "site/acme/cgu.html").write_text("<p>x</p>", encoding="utf-8")
    os.symlink("/etc/hostname", tmp_path / "site/acme/host.html")
    with pytest.raises(CguError) as refused:
        make_bundles(tmp_path / "site", ["acme"], None)
    assert refused.value.message == (
        f"{tmp_path}/site/acme/host.html: is a link or not a regular file, which cgu never writes in a site; "
        "remove it and run again"
    )


# Bundles ------------------------------------------------------------------------------------------------------------


def bundle_bytes(
    files: dict[str, bytes], manifest_files: list[dict] | None = None, attrs: dict[str, int] | None = None
) -> bytes:
    """A zip as cgu writes it (manifest first), with `manifest_files` instead of the true list when given."""
    listed = manifest_files
    if listed is None:
        listed = [{"path": n, "sha256": hashlib.sha256(d).hexdigest(), "size": len(d)} for n, d in files.items()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps({"tool": "cgu", "source_commit": None, "files": listed}))
        for name, data in files.items():
            info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (attrs or {}).get(name, 0o100644) << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def verify(tmp_path: Path, content: bytes) -> subprocess.CompletedProcess[str]:
    (tmp_path / "bundle.zip").write_bytes(content)
    return run(tmp_path, "verify-bundle", "bundle.zip")


PAGE = b"<p>Conditions</p>" * 50


def _entry(name: str, data: bytes) -> dict:
    return {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def _duplicate_names() -> bytes:
    buffer = io.BytesIO(bundle_bytes({"acme/cgu.html": PAGE}))
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("acme/cgu.html", b"<script>alert(1)</script>")
    return buffer.getvalue()


def _corrupt(data: bytes, needle: bytes, replacement: bytes) -> bytes:
    """Replace bytes at the first place `needle` occurs after the manifest (inside the member's data)."""
    at = data.index(needle)
    return data[:at] + replacement + data[at + len(replacement) :]


def _member_offset(data: bytes, name: str) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.getinfo(name).header_offset


def _with_method(method: int) -> bytes:
    data = bytearray(bundle_bytes({"acme/cgu.html": PAGE}))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("acme/cgu.html")
    data[info.header_offset + 8 : info.header_offset + 10] = method.to_bytes(2, "little")  # local header
    central = bytes(data).rindex(b"PK\x01\x02")
    data[central + 10 : central + 12] = method.to_bytes(2, "little")  # central directory
    return bytes(data)


def _encrypted() -> bytes:
    data = bytearray(bundle_bytes({"acme/cgu.html": PAGE}))
    central = bytes(data).rindex(b"PK\x01\x02")
    data[central + 8] |= 1  # the "encrypted" flag
    return bytes(data)


def _garbled_deflate() -> bytes:
    data = bytearray(bundle_bytes({"acme/cgu.html": PAGE}))
    start = _member_offset(bytes(data), "acme/cgu.html") + 30 + len("acme/cgu.html")
    data[start : start + 4] = b"\xff\xff\xff\xff"
    return bytes(data)


def _truncated_member() -> bytes:
    data = bytearray(bundle_bytes({"acme/cgu.html": bytes(range(256)) * 400}))
    central = bytes(data).rindex(b"PK\x01\x02")
    size = int.from_bytes(data[central + 20 : central + 24], "little")
    data[central + 20 : central + 24] = (size // 2).to_bytes(4, "little")  # the deflate stream ends half way
    return bytes(data)


VALID = bundle_bytes({"acme/cgu.html": PAGE, "assets/default/style.css": b"body{}"})


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (
            lambda: bundle_bytes({"../evil.html": PAGE}),
            "bundle.zip:../evil.html: has an empty, '.' or '..' part; "
            "a bundle holds only the site's own relative paths",
        ),
        (
            lambda: bundle_bytes({"/etc/cron.d/evil": PAGE}),
            "bundle.zip:/etc/cron.d/evil: is an absolute path; a bundle holds only the site's own relative paths",
        ),
        (
            lambda: bundle_bytes({"C:/evil.html": PAGE}),
            "bundle.zip:C:/evil.html: holds a control character, a backslash or a colon; "
            "a bundle holds only the site's own relative paths",
        ),
        (
            lambda: bundle_bytes({"acme/x\x1b[2K\rvalid.html": PAGE}),
            "bundle.zip:acme/x\\x1b[2K\\rvalid.html: holds a control character, a backslash or a colon; "
            "a bundle holds only the site's own relative paths",
        ),
        (
            lambda: bundle_bytes({"acme/cgu.html": b"../../../etc/passwd"}, attrs={"acme/cgu.html": 0o120777}),
            "bundle.zip:acme/cgu.html: is a link or a special file, not a regular file",
        ),
        (_duplicate_names, "bundle.zip:acme/cgu.html: appears twice in the zip"),
        (
            lambda: bundle_bytes({"acme/cgu.html": PAGE}, [_entry("acme/cgu.html", PAGE)] * 2),
            "bundle.zip:acme/cgu.html: listed twice in the manifest",
        ),
        (
            lambda: bundle_bytes({"acme/cgu.html": PAGE}, [{**_entry("acme/cgu.html", PAGE), "size": 10}]),
            "bundle.zip:acme/cgu.html: content differs from the manifest (sha256 or size)",
        ),
        (
            lambda: bundle_bytes({"acme/cgu.html": PAGE}, [{**_entry("acme/cgu.html", PAGE), "size": True}]),
            "bundle.zip: not a cgu bundle "
            "(each file of manifest.json needs a path, a sha256 (64 hex digits) and a size in bytes)",
        ),
        (
            lambda: bundle_bytes({"acme/cgu.html": PAGE}, [{**_entry("acme/cgu.html", PAGE), "size": float("inf")}]),
            "bundle.zip: not a cgu bundle (Infinity is not JSON)",
        ),
        (
            lambda: _with_method(99),
            "bundle.zip: not a cgu bundle (That compression method is not supported)",
        ),
        (
            _encrypted,
            "bundle.zip: not a cgu bundle (a member is encrypted)",
        ),
        (_garbled_deflate, "bundle.zip: not a cgu bundle (Error -3 while decompressing data: invalid block type)"),
        (
            _truncated_member,
            "bundle.zip: not a cgu bundle (Bad CRC-32 for file 'acme/cgu.html')",
        ),
        (lambda: VALID[: len(VALID) // 2], "bundle.zip: not a cgu bundle (File is not a zip file)"),
        (
            lambda: bundle_bytes({}, []).replace(b"manifest.json", b"manifest.jsox"),
            "bundle.zip: not a cgu bundle (no manifest.json)",
        ),
    ],
    ids=[
        "parent-entry",
        "absolute-entry",
        "drive-letter",
        "escape-sequence-in-name",
        "symlink-entry",
        "duplicate-name",
        "duplicate-manifest-entry",
        "size-lies",
        "size-boolean",
        "size-infinity",
        "unknown-compression",
        "encrypted",
        "garbled-deflate",
        "truncated-member",
        "truncated-zip",
        "no-manifest",
    ],
)
def test_a_hostile_bundle_is_refused(tmp_path: Path, make, expected: str) -> None:
    result = verify(tmp_path, make())
    assert (result.returncode, result.stdout, result.stderr) == (1, "", expected + "\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle.zip"], "verify-bundle writes nothing"


def test_a_valid_bundle_is_valid(tmp_path: Path) -> None:
    result = verify(tmp_path, VALID)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "valid: 2 files match the manifest (tool cgu, commit unknown)\n"


def test_manifest_fields_print_without_control_characters(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("manifest.json", json.dumps({"tool": "x\x1b[1A\rvalid: forged", "files": []}))
    result = verify(tmp_path, buffer.getvalue())
    assert result.stdout == "valid: 0 files match the manifest (tool x\\x1b[1A\\rvalid: forged, commit unknown)\n"


@pytest.mark.slow
def test_a_zip_bomb_is_streamed_within_the_manifest_size(tmp_path: Path) -> None:
    """200 MB of zeros in a 200 KB zip, declared honestly: checked a megabyte at a time, never held in memory."""
    size = 200 * 1024 * 1024
    digest = hashlib.sha256()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("acme/cgu.html", "w", force_zip64=True) as member:
            for _ in range(200):
                member.write(bytes(1024 * 1024))
                digest.update(bytes(1024 * 1024))
        archive.writestr(
            "manifest.json",
            json.dumps({"files": [{"path": "acme/cgu.html", "sha256": digest.hexdigest(), "size": size}]}),
        )
    assert len(buffer.getvalue()) < 1024 * 1024
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    (tmp_path / "bundle.zip").write_bytes(buffer.getvalue())
    result = run_in_a_process(tmp_path, "verify-bundle", "bundle.zip")
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert result.returncode == 0, result.stderr
    assert peak_kb < 150 * 1024 or peak_kb == before, f"verify-bundle peaked at {peak_kb // 1024} MB"


def test_reading_stops_one_byte_past_the_declared_size(tmp_path: Path) -> None:
    """Property: whatever a member holds and its manifest declares, at most the declared size + 1 bytes are read."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from cgu.site.bundles import _check_member

    @settings(max_examples=60, deadline=None)
    @given(st.binary(max_size=5000), st.integers(min_value=0, max_value=6000))
    def check(content: bytes, declared: int) -> None:
        data = io.BytesIO()
        with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("a", content)
        with zipfile.ZipFile(data) as archive:
            info = archive.getinfo("a")
            info.file_size = declared  # a header that lies as much as it likes
            read: list[int] = []
            opened = archive.open

            def counting_open(*args, **kwargs):
                member = opened(*args, **kwargs)
                original = member.read

                def counted(n: int = -1) -> bytes:
                    chunk = original(n)
                    read.append(len(chunk))
                    return chunk

                member.read = counted  # type: ignore[method-assign]
                return member

            archive.open = counting_open  # type: ignore[method-assign]
            entry = {"path": "a", "sha256": hashlib.sha256(content).hexdigest(), "size": declared}
            try:
                verdict = _check_member(archive, info, entry)
            except zipfile.BadZipFile:
                verdict = "bad"
            assert sum(read) <= declared + 1
            assert (verdict is None) == (declared == len(content))

    check()
