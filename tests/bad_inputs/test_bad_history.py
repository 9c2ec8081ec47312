"""Bad-input cases that need a git history: each gives one clear message with its location and a non-zero exit."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from helpers.project import cgu_here

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MINI = ROOT / "tests/fixtures/mini"
ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@t",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@t",
    "PATH": "/usr/bin:/bin",
}
RELEASE = (
    '    releases:\n      - {version: VERSION, effective: EFFECTIVE, material: false, summary: "Publication."SEAL}\n'
)


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env={**ENV, "HOME": str(repo)})


def project(tmp_path: Path, version: str = "2024-06-01", effective: str = "2024-06-15", seal: str = "") -> Path:
    target = tmp_path / "content"
    shutil.copytree(MINI, target)
    base = target / "organisms/base.yaml"
    release = (
        RELEASE.replace("VERSION", version)
        .replace("EFFECTIVE", effective)
        .replace("SEAL", f', sha256: "{seal}"' if seal else "")
    )
    base.write_text(
        base.read_text(encoding="utf-8").replace("    version: 2024-06-01\n    effective: 2024-06-15\n", release, 1),
        encoding="utf-8",
    )
    return target


def commit(repo: Path) -> None:
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "content")


def check(repo: Path) -> subprocess.CompletedProcess[str]:
    """`cgu check --no-legal` of `repo`, in this process (what it says is the point)."""
    return cgu_here(Path.cwd(), "check", "--no-legal", "--project", str(repo))


def assert_one_error(result: subprocess.CompletedProcess[str], expected: str) -> None:
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [expected], result.stderr


def test_release_prepared_ahead_is_not_an_error(tmp_path: Path) -> None:
    """A release may be committed before its version date (it reaches the site on that date): check accepts it."""
    repo = project(tmp_path, "2099-01-01", "2099-01-01")
    commit(repo)
    result = check(repo)
    assert result.returncode == 0 and "release-" not in result.stderr, result.stderr


def test_release_whose_content_changed_after_publication(tmp_path: Path) -> None:
    repo = project(tmp_path, seal="0" * 64)
    commit(repo)
    result = check(repo)
    assert (
        result.returncode == 1 and "release-immutable" in result.stderr and "changed after publication" in result.stderr
    )
    assert "organisms/base.yaml:15:" in result.stderr and "clauses/droit.md" in result.stderr


def test_repository_without_commits(tmp_path: Path) -> None:
    repo = project(tmp_path)
    git(repo, "init", "-q")
    assert_one_error(
        check(repo),
        "organisms/base.yaml:15: release-no-commits: release 2024-06-01 of the cgu is declared but the repository "
        "has no commits: commit the content to publish it (organisms acme, beta)",
    )


def test_shallow_clone_missing_the_declaration(tmp_path: Path) -> None:
    repo = project(tmp_path)
    commit(repo)
    (repo / "README").write_text("later commit\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "later")
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", repo.as_uri(), str(clone)], check=True, capture_output=True)
    result = check(clone)
    assert result.returncode == 1
    assert "release-shallow" in result.stderr and "git fetch --unshallow" in result.stderr


def test_downloaded_archive_builds_the_working_tree(tmp_path: Path) -> None:
    repo = project(tmp_path)
    result = check(repo)
    assert result.returncode == 0 and "history unavailable (not a git repository)" in result.stderr


def sealed_hash(repo: Path) -> str:
    """The SHA-256 `cgu releases` gives the committed release, to paste into its declaration."""
    listed = cgu_here(Path.cwd(), "releases", "beta", "cgu", "--project", str(repo))
    assert listed.returncode == 0, listed.stderr
    out = listed.stdout
    return out.split("sha256 ", 1)[1].split()[0]


def test_release_whose_commit_no_longer_exists(tmp_path: Path) -> None:
    """Sealed, then history rewritten and the old commits garbage-collected: the declaring commit is gone for good."""
    repo = project(tmp_path)
    shutil.rmtree(repo / "organisms/acme")  # one organism, so that the base's release has one text to seal
    commit(repo)
    seal = sealed_hash(repo)
    base = repo / "organisms/base.yaml"
    base.write_text(
        base.read_text(encoding="utf-8").replace(
            'summary: "Publication."', f'summary: "Publication.", sha256: "{seal}"'
        ),
        encoding="utf-8",
    )
    git(repo, "commit", "-q", "-a", "-m", "seal")
    assert check(repo).returncode == 0, "sealed with the right hash"
    git(repo, "checkout", "-q", "--orphan", "rewritten")
    droit = repo / "clauses/droit.md"
    droit.write_text(
        droit.read_text(encoding="utf-8").replace("relèvent du droit", "sont soumises au droit"), encoding="utf-8"
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "history rewritten")
    git(repo, "branch", "-D", "main")
    git(repo, "reflog", "expire", "--expire=now", "--all")
    git(repo, "gc", "-q", "--prune=now")
    result = check(repo)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "organisms/base.yaml:15: release-immutable: release 2024-06-01 of the cgu changed "
        f"after publication: sealed sha256 {seal[:12]}…"
    ), lines
    assert lines[0].endswith(
        "history was rewritten in one of: clauses/cookies.md, clauses/droit.md, clauses/editeur.md, "
        "organisms/base.yaml, organisms/beta.yaml (organism beta)"
    )


def test_damaged_repository_missing_the_declaring_commit(tmp_path: Path) -> None:
    repo = project(tmp_path)
    commit(repo)
    first = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()
    (repo / "README").write_text("later commit\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "later")
    obj = repo / ".git/objects" / first[:2] / first[2:]
    obj.chmod(0o644)
    obj.unlink()
    assert_one_error(
        check(repo),
        f".git: cannot read the git history (error: Could not read {first}): the repository is damaged "
        "or incomplete; check it with 'git fsck', or clone it again",
    )


def test_a_broken_organism_file_in_an_old_commit_declares_nothing(tmp_path: Path) -> None:
    repo = project(tmp_path)
    base = repo / "organisms/base.yaml"
    good = base.read_text(encoding="utf-8")
    base.write_text(good.replace("documents:\n", "documents: [cgu]\nanciens_documents:\n", 1), encoding="utf-8")
    commit(repo)
    base.write_text(good, encoding="utf-8")
    git(repo, "commit", "-q", "-a", "-m", "fixed")
    result = check(repo)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr


def _tree_entries(repo: Path, tree: str) -> list[tuple[str, str, str]]:
    listed = subprocess.run(["git", "ls-tree", tree], cwd=repo, check=True, capture_output=True, text=True).stdout
    return [
        (meta.split()[0].lstrip("0"), name, meta.split()[2])
        for meta, name in (e.split("\t") for e in listed.splitlines())
    ]


def _write(repo: Path, *args: str, data: bytes = b"") -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, input=data, env={**ENV, "HOME": str(repo)}
    )
    return done.stdout.decode().strip()


def _tree_with_a_twin(repo: Path, tree: str, folder: str, name: str) -> str:
    """`tree` with a second entry called `name` in `folder` (another text): what `git mktree` refuses to make, written
    with `git hash-object --literally` as a hostile push could carry it."""
    twin = _write(repo, "hash-object", "-w", "--stdin", data=b"---\nid: droit\ntitle: Autre\n---\nUn autre texte.\n")
    entries = []
    for mode, entry, sha in _tree_entries(repo, tree):
        if entry == folder:
            inner = []
            for inner_mode, inner_name, inner_sha in _tree_entries(repo, sha):
                inner.append((inner_mode, inner_name, inner_sha))
                if inner_name == name:
                    inner.append((inner_mode, inner_name, twin))
            sha = _raw_tree(repo, inner)
        entries.append((mode, entry, sha))
    return _raw_tree(repo, entries)


def _raw_tree(repo: Path, entries: list[tuple[str, str, str]]) -> str:
    raw = b"".join(f"{mode} {name}".encode() + b"\0" + bytes.fromhex(sha) for mode, name, sha in entries)
    return _write(repo, "hash-object", "-t", "tree", "-w", "--literally", "--stdin", data=raw)


def declared_in_a_tree_with_a_twin(tmp_path: Path, folder: str, name: str) -> tuple[Path, str]:
    """A repository whose release is declared by a commit whose tree holds `folder/name` twice; a later commit (HEAD,
    the working tree) is normal. Returns the repository and the declaring commit."""
    repo = project(tmp_path)
    base = repo / "organisms/base.yaml"
    declared = base.read_text(encoding="utf-8")
    base.write_text((MINI / "organisms/base.yaml").read_text(encoding="utf-8"), encoding="utf-8")  # no release yet
    commit(repo)
    base.write_text(declared, encoding="utf-8")
    git(repo, "add", "-A")
    normal = _write(repo, "write-tree")
    parent = _write(repo, "rev-parse", "HEAD")
    twin = _write(repo, "commit-tree", _tree_with_a_twin(repo, normal, folder, name), "-p", parent, "-m", "release")
    later = _write(repo, "commit-tree", normal, "-p", twin, "-m", "one file each")
    git(repo, "update-ref", "refs/heads/main", later)
    return repo, twin


TWIN = (
    "the git tree of commit {commit} holds two entries named '{path}' (what 'git fsck' reports as duplicateEntries), "
    "so which one is the file cannot be told and no release can be read from that commit; rewrite the commit without "
    "the duplicate (git itself refuses to make such a tree)"
)
RECEIPT = '{"organism": "beta", "document": "cgu", "release": "2024-06-01", "sha256": "%s", "timestamp": "2024-07-01T10:00:00+02:00"}'


@pytest.mark.parametrize(("folder", "name"), [("clauses", "droit.md"), ("organisms", "base.yaml")])
@pytest.mark.parametrize(
    "command",
    [
        ("check", "--no-legal"),
        ("build", "--format", "html", "--out", "OUT"),
        ("publish", "--quiet", "--out", "OUT"),
        ("releases", "beta", "cgu"),
        ("verify-receipt", "RECEIPT"),
    ],
    ids=["check", "build", "publish", "releases", "verify-receipt"],
)
def test_a_git_tree_holding_one_name_twice(tmp_path: Path, folder: str, name: str, command: tuple[str, ...]) -> None:
    """Every command that reads history says which commit holds the duplicate, and what to do; nothing is written."""
    repo, twin = declared_in_a_tree_with_a_twin(tmp_path, folder, name)
    assert "duplicateEntries" in subprocess.run(["git", "fsck"], cwd=repo, capture_output=True, text=True).stderr
    (tmp_path / "receipt.json").write_text(RECEIPT % ("0" * 64), encoding="utf-8")
    before = snapshot(tmp_path)
    arguments = [{"OUT": str(tmp_path / "out"), "RECEIPT": str(tmp_path / "receipt.json")}.get(a, a) for a in command]
    result = cgu_here(Path.cwd(), *arguments, "--project", str(repo))
    problem = TWIN.format(path=f"{folder}/{name}", commit=twin[:10])
    if folder == "clauses" and command[0] == "verify-receipt":  # a release that cannot be rebuilt is not published
        expected = f"{tmp_path / 'receipt.json'}: beta cgu has no published release 2024-06-01; published: none"
    elif folder == "clauses":  # found composing the release from its commit: the release's own error
        organisms = "organism beta" if command[0] == "releases" else "organisms acme, beta"
        expected = (
            f"organisms/base.yaml:15: release-rebuild: release 2024-06-01 of the cgu cannot be rebuilt from commit "
            f"{twin[:10]}: {problem} ({organisms})"
        )
    else:  # found looking for the commit that declared it
        expected = f"organisms/base.yaml: {problem}"
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert [line for line in result.stderr.splitlines() if not line.startswith("publish: ")] == [expected]
    assert snapshot(tmp_path) == before, "nothing written, the output folder included"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".git/" not in p.relative_to(folder).as_posix()
    }
