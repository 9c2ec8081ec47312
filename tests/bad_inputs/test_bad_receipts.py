"""Hostile acceptance receipts: a receipt comes from a member portal or anyone's disk, and is checked, never trusted.

Each case has its exact message; the repository is read only (nothing inside or beside it changes). A sealed
release is checked against its seal, so a history rewritten after publication can neither disown the genuine
receipt nor vouch for one of the rewritten text; every field is checked for its shape before anything is printed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers.project import cgu_here
from test_bad_history import git  # the same git, with a fixed author and no user config

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MINI = ROOT / "tests/fixtures/mini"
DATES = "    version: 2024-06-01\n    effective: 2024-06-15\n"
FIRST = (
    '    releases:\n      - {version: 2024-06-01, effective: 2024-06-15, material: true, summary: "Première."SEAL}\n'
)
SOON = '      - {version: 2025-01-01, effective: 2025-01-02, material: true, summary: "Trop tôt."}\n'


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def cgu(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`cgu ARGS` in `cwd`, in this process (what it says is the point)."""
    return cgu_here(cwd, *args)


def release_hash(repo: Path, version: str) -> str:
    """The SHA-256 `cgu releases` shows for a release (what a writer pastes to seal it)."""
    listed = cgu(repo, "releases", "beta", "cgu", "--project", ".").stdout
    line = next(line for line in listed.splitlines() if line.startswith(version))
    return next(word for word in line.split() if len(word) == 64)


def content(base: Path, name: str, release: str) -> Path:
    repo = base / name
    shutil.copytree(MINI, repo)
    organism = repo / "organisms/base.yaml"
    organism.write_text(organism.read_text(encoding="utf-8").replace(DATES, release, 1), encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "release 2024-06-01")
    return repo


@pytest.fixture(scope="module")
def repos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """`released`: one release; `rewritten`: sealed, then history rewritten; `early`: a release with a notice error."""
    base = tmp_path_factory.mktemp("receipts")
    released = content(base, "released", FIRST.replace("SEAL", ""))
    genuine = release_hash(released, "2024-06-01")
    rewritten = content(base, "rewritten", FIRST.replace("SEAL", f", sha256: {genuine}"))
    droit = rewritten / "clauses/droit.md"
    droit.write_text(droit.read_text(encoding="utf-8").replace("relèvent du droit", "dépendent du droit"), "utf-8")
    git(rewritten, "checkout", "-q", "--orphan", "rewritten")
    commit(rewritten, "rewritten history")
    forged = release_hash(rewritten, "2024-06-01")
    early = content(base, "early", FIRST.replace("SEAL", ""))
    organism = early / "organisms/base.yaml"
    text = organism.read_text(encoding="utf-8")
    organism.write_text(text.replace('Première."}\n', 'Première."}\n' + SOON, 1), encoding="utf-8")
    droit = early / "clauses/droit.md"
    droit.write_text(droit.read_text(encoding="utf-8").replace("relèvent du droit", "dépendent du droit"), "utf-8")
    commit(early, "release 2025-01-01, effective the next day")
    return {
        "base": base,
        "released": released,
        "rewritten": rewritten,
        "early": early,
        "genuine": genuine,
        "forged": forged,
        "soon": release_hash(early, "2025-01-01"),
    }


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".git/" not in p.as_posix()
    } | {"HEAD": subprocess.run(["git", "-C", str(folder), "log", "--all", "--format=%H"], capture_output=True).stdout}


def verify(repos: dict[str, object], tmp_path: Path, repo: str, fields: dict[str, object] | bytes):
    """Run `cgu verify-receipt` on a receipt file beside the repository; nothing anywhere may change."""
    receipt = tmp_path / "receipt.json"
    receipt.write_bytes(fields if isinstance(fields, bytes) else json.dumps(fields).encode())
    project = repos[repo]
    assert isinstance(project, Path)
    before = snapshot(project), sorted(os.listdir(tmp_path))
    result = cgu(tmp_path, "verify-receipt", "receipt.json", "--project", str(project))
    assert (snapshot(project), sorted(os.listdir(tmp_path))) == before, "verify-receipt writes nothing"
    assert "Traceback" not in result.stderr and "\x1b" not in result.stdout + result.stderr
    return result


def fields(digest: str, **changes: object) -> dict[str, object]:
    receipt: dict[str, object] = {
        "organism": "beta",
        "document": "cgu",
        "release": "2024-06-01",
        "sha256": digest,
        "timestamp": "2024-07-01T10:00:00+02:00",
    }
    return {**receipt, **changes}


def test_the_genuine_receipt_stays_valid_after_a_history_rewrite(repos: dict[str, object], tmp_path: Path) -> None:
    genuine, forged = repos["genuine"], repos["forged"]
    assert isinstance(genuine, str) and isinstance(forged, str) and genuine != forged
    result = verify(repos, tmp_path, "rewritten", fields(genuine))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        "valid: beta cgu release 2024-06-01 accepted on 2024-07-01T10:00:00+02:00 (current; current release "
        "2024-06-01) (history rewritten since: the seal decides; see cgu check)\n"
    )
    result = verify(repos, tmp_path, "rewritten", fields(forged))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"receipt.json: the receipt's sha256 {forged[:12]}… is not the sealed hash of release 2024-06-01 "
        f"({genuine[:12]}…)\n"
    )


def test_a_receipt_in_an_unrewritten_history_is_valid(repos: dict[str, object], tmp_path: Path) -> None:
    genuine = repos["genuine"]
    assert isinstance(genuine, str)
    result = verify(repos, tmp_path, "released", fields(genuine.upper(), timestamp="2024-07-01T08:00:00Z"))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        "valid: beta cgu release 2024-06-01 accepted on 2024-07-01T08:00:00Z (current; current release 2024-06-01)\n"
    )


def test_a_release_with_release_errors_verifies_no_receipt(repos: dict[str, object], tmp_path: Path) -> None:
    soon = repos["soon"]
    assert isinstance(soon, str)
    result = verify(repos, tmp_path, "early", fields(soon, release="2025-01-01", timestamp="2025-01-05T10:00:00Z"))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "receipt.json: release 2025-01-01 of the cgu has release errors (release-notice), so no receipt for it "
        "can be verified; fix them first (cgu check)\n"
    )


SHAPE = "receipt.json: not a receipt: "
ZONE = "(offsets run from -12:00 to +14:00 in quarter hours); the portal must stamp the member's real zone or Z"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"timestamp": "2999-01-01T00:00:00Z"},
            "receipt.json: accepted on 2999-01-01T00:00:00Z, which is in the future; "
            "a receipt is stamped when a member accepts",
        ),
        (
            {"timestamp": "2024-06-01T00:00:00+23:59"},
            f"receipt.json: the receipt's time zone +23:59 is not one in use {ZONE}",
        ),
        (
            {"timestamp": "2024-06-01T09:00:00-05:17"},
            f"receipt.json: the receipt's time zone -05:17 is not one in use {ZONE}",
        ),
        (
            {"timestamp": "2024-07-01T10:00:00"},
            f"{SHAPE}'timestamp' must be an ISO 8601 timestamp with its time zone (2025-02-01T09:30:00+01:00), "
            "not '2024-07-01T10:00:00'",
        ),
        (
            {"timestamp": "2024-02-30T10:00:00Z"},
            f"{SHAPE}day is out of range for month",
        ),
        (
            {"timestamp": "2024-05-31T23:59:00+01:00"},
            "receipt.json: accepted on 2024-05-31T23:59:00+01:00, before release 2024-06-01 existed",
        ),
        (
            {"organism": "beta\x1b[2K\rvalid: beta cgu release 2024-06-01"},
            f"{SHAPE}'organism' must be an organism id (lower-case letters, digits and '-'), "
            "not 'beta\\x1b[2K\\rvalid: beta cgu release 2024-06-01'",
        ),
        (
            {"sha256": "0" * 63 + "\u202e"},
            f"{SHAPE}'sha256' must be 64 hexadecimal digits (the release's SHA-256), not '{'0' * 63}\\u202e'",
        ),
        ({"document": "cgu\n"}, f"{SHAPE}'document' must be cgu or privacy, not 'cgu\\n'"),
        ({"release": 20240601}, f"{SHAPE}'release' must be a release's version date (YYYY-MM-DD), not 20240601"),
        ({"release": "2024-13-01"}, f"{SHAPE}month must be in 1..12"),
    ],
    ids=[
        "dated-2999",
        "zone-23-59",
        "zone-not-quarter-hour",
        "no-zone",
        "impossible-day",
        "before-release",
        "escape-sequence-organism",
        "bidi-sha256",
        "newline-document",
        "number-release",
        "impossible-release",
    ],
)
def test_a_hostile_receipt_is_refused(repos: dict[str, object], tmp_path: Path, changes: dict, expected: str) -> None:
    genuine = repos["genuine"]
    assert isinstance(genuine, str)
    result = verify(repos, tmp_path, "released", fields(genuine, **changes))
    assert (result.returncode, result.stdout, result.stderr) == (1, "", expected + "\n")


def test_infinity_is_not_json(repos: dict[str, object], tmp_path: Path) -> None:
    result = verify(repos, tmp_path, "released", b'{"organism": Infinity}')
    assert (result.returncode, result.stderr) == (
        1,
        "receipt.json: not a receipt: it needs organism, document, release, sha256 and an ISO 8601 timestamp "
        "(ValueError: Infinity is not JSON)\n",
    )
