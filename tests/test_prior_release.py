"""Prior releases (a text the organism published before cgu) on real git repositories: declared with
`cgu release --prior`, sealed, tamper-evident, redlined to a later release, and shown on the published site."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT
from helpers.git import git as run_git
from helpers.project import committed_copy

from cgu.cli import main
from cgu.errors import CguError
from cgu.model import ReleaseSpec, SourceLocation
from cgu.project import load_project
from cgu.release.book import DocumentReleases, read_book, text_hash
from cgu.release.history import History
from cgu.release.prior import prior_document

PRIOR_TEXT = """# Conditions d'utilisation de 2015

## Article 1 – Éditeur {#editeur}

Le site est publié par la Mutuelle Acme, dont le siège est 1 rue de la Paix à Paris.

## Article 2 – Droit applicable {#droit}

Le droit français régit ces conditions.

### Tribunaux

Tout litige relève des tribunaux de Paris.
"""
PRIOR_FILE = "organisms/acme/prior/cgu-2015-06-11.md"


def git(repo: Path, *args: str) -> str:
    return run_git(repo, *args).strip()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "cgu-2015.md").write_text(PRIOR_TEXT, encoding="utf-8")
    return committed_copy(FIXTURES / "mini", tmp_path, monkeypatch)


def cgu(repo: Path, *args: str, day: str | None = "2026-12-02") -> tuple[int, str]:
    command, *rest = args
    dated = ["--date", day] if day else []
    result = CliRunner().invoke(main, [command, "--project", str(repo), *dated, *rest])
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def declare_prior(repo: Path, *extra: str) -> tuple[int, str]:
    source = repo.parent / "cgu-2015.md"
    return cgu(repo, "release", "acme", "cgu", "--prior", str(source), "--version", "2015-06-11", "--form", *extra,
               "--summary", "Conditions publiées en 2015.")  # fmt: skip


def entry(repo: Path) -> DocumentReleases:
    loaded = load_project(repo, ("acme",), ("cgu",))
    return read_book(loaded, History(repo), cached=False).of("acme", "cgu")


def test_prior_release_is_kept_in_the_organism_folder_sealed_and_committed_with_its_declaration(repo: Path) -> None:
    code, output = declare_prior(repo)
    assert code == 0, output
    assert output.startswith("release 2015-06-11 of the cgu of acme declared in organisms/acme/organism.yaml")
    assert sorted(git(repo, "show", "--name-only", "--format=", "HEAD").split()) == [
        "organisms/acme/organism.yaml",
        PRIOR_FILE,
    ]
    assert git(repo, "status", "--porcelain") == ""
    assert (repo / PRIOR_FILE).read_text(encoding="utf-8") == PRIOR_TEXT
    declared = (repo / "organisms/acme/organism.yaml").read_text(encoding="utf-8")
    assert 'prior: "prior/cgu-2015-06-11.md"' in declared
    (only,) = entry(repo).releases
    assert only.spec.prior == PRIOR_FILE
    assert only.commit == git(repo, "rev-parse", "HEAD")
    assert only.spec.sha256 == only.sha256 == text_hash(only.document)
    assert only.published is not None and only.published.date().isoformat() == "2015-06-11"  # not the commit's day
    assert [a.id for a in only.document.articles] == ["editeur", "droit"]
    assert only.document.title == "Conditions d'utilisation de 2015"
    assert only.document.articles[1].sections[0].number == "2.1"  # `###` is a sub-section, as `##` in a clause
    assert cgu(repo, "check")[0] == 0


def test_a_prior_file_edited_after_sealing_is_refused(repo: Path) -> None:
    assert declare_prior(repo)[0] == 0
    prior = repo / PRIOR_FILE
    prior.write_text(PRIOR_TEXT.replace("tribunaux de Paris", "tribunaux de Lyon"), encoding="utf-8")
    code, output = cgu(repo, "check")
    assert code == 1
    assert f"{PRIOR_FILE}: release-immutable: prior release 2015-06-11 of the cgu changed after it was sealed" in output
    assert f"git checkout {git(repo, 'rev-parse', 'HEAD')[:10]} -- {PRIOR_FILE}" in output
    git(repo, "commit", "-q", "-am", "reword the 2015 text")  # committing the edit does not make it the release
    assert cgu(repo, "check")[0] == 1
    assert "tribunaux de Paris" in entry(repo).releases[0].document.canonical_text()


def test_a_rewritten_seal_is_refused(repo: Path) -> None:
    assert declare_prior(repo)[0] == 0
    organism = repo / "organisms/acme/organism.yaml"
    sealed = entry(repo).releases[0].sha256
    organism.write_text(organism.read_text(encoding="utf-8").replace(sealed, "a" * 64), encoding="utf-8")
    code, output = cgu(repo, "check")
    assert code == 1 and "release-immutable" in output and "changed after it was sealed" in output


@pytest.mark.slow
def test_redline_from_the_prior_release_to_a_later_one_and_the_site_shows_both(repo: Path) -> None:
    assert declare_prior(repo)[0] == 0
    code, output = cgu(repo, "release", "acme", "cgu", "--material", "--summary", "Conditions refondues.")
    assert code == 0, output
    out = repo.parent / "red"
    code, output = cgu(
        repo, "redline", "acme", "cgu", "--from", "2015-06-11", "--to", "2026-12-02", "--out", str(out),
        "--format", "json", day=None,
    )  # fmt: skip
    assert code == 0, output
    redline = json.loads((out / "acme-cgu-redline-2015-06-11-to-2026-12-02.json").read_text(encoding="utf-8"))
    assert redline["substantive"]
    site = repo.parent / "public"
    code, output = cgu(repo, "publish", "--out", str(site), "-q", day="2026-12-10")
    assert code == 0, output
    versions = json.loads((site / "acme/cgu/versions.json").read_text(encoding="utf-8"))
    assert versions["in_force"]["version"] == "2015-06-11"
    assert [u["version"] for u in versions["upcoming"]] == ["2026-12-02"]
    assert versions["releases"][0]["published"] == "2015-06-11"
    ledger = json.loads((site / "published.json").read_text(encoding="utf-8"))
    assert {r["version"]: r["first_published"] for r in ledger["releases"] if r["organism"] == "acme"} == {
        "2015-06-11": "2015-06-11",
        "2026-12-02": "2026-12-02",  # a document new to the site brings its history in (commit day)
    }
    page = (site / "acme/cgu/releases/2015-06-11.html").read_text(encoding="utf-8")
    assert "Tout litige relève des tribunaux de Paris" in page.replace("\u202f", " ").replace("\u00a0", " ")
    assert "Ce qui change" in (site / "acme/cgu/index.html").read_text(encoding="utf-8")


def test_a_prior_release_after_a_composed_one_is_refused(repo: Path) -> None:
    assert cgu(repo, "release", "acme", "cgu", "--material", "--summary", "Première publication.")[0] == 0
    code, output = declare_prior(repo)
    assert code == 1
    assert "a prior release comes before every other one" in output


def test_prior_release_refusals_leave_nothing_behind(repo: Path) -> None:
    before = git(repo, "rev-parse", "HEAD")
    source = repo.parent / "cgu-2015.md"
    code, output = cgu(repo, "release", "acme", "cgu", "--prior", str(source), "--form", "--summary", "2015.")
    assert code == 1 and "--version: a prior release needs the day the organism published that text" in output
    code, output = declare_prior(repo, "--version", "2027-01-01")
    assert code == 1 and "is after today (2026-12-02): a prior release is a text already published" in output
    source.write_text("Un préambule sans article.\n\n## Objet\n\nTexte.\n", encoding="utf-8")
    code, output = declare_prior(repo)
    assert code == 1 and f"{source}:1: text before the first article" in output
    source.write_text(PRIOR_TEXT + "\n[à compléter : Quelle adresse ?]\n", encoding="utf-8")
    code, output = declare_prior(repo)
    assert code == 1 and "release-fact-to-complete" in output and "Quelle adresse ?" in output
    assert git(repo, "rev-parse", "HEAD") == before
    assert git(repo, "status", "--porcelain") == ""  # the organism file restored, the copied prior file removed


def test_a_hand_declared_prior_whose_file_is_missing_names_the_line(repo: Path) -> None:
    organism = repo / "organisms/acme/organism.yaml"
    first = organism.read_text(encoding="utf-8").count("\n") + 4  # the line of the first release added below
    organism.write_text(
        organism.read_text(encoding="utf-8")
        + "documents:\n  cgu:\n    releases:\n"
        + "      - {version: 2015-06-11, effective: 2015-06-11, summary: x, prior: prior/absent.md}\n"
        + "      - {version: 2016-01-01, effective: 2016-01-01, summary: y, prior: ../../clauses/droit.md}\n",
        encoding="utf-8",
    )
    code, output = cgu(repo, "check")
    assert code == 1
    assert f"organisms/acme/organism.yaml:{first + 1}: prior '../../clauses/droit.md' must be a path inside" in output
    organism.write_text(organism.read_text(encoding="utf-8").replace("../../clauses/droit.md", "prior/b.md"))
    code, output = cgu(repo, "check")
    assert code == 1
    assert (
        f"organisms/acme/organism.yaml:{first}: prior release file organisms/acme/prior/absent.md does not exist"
        in output
    )


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("# T\n\nTexte.\n", 3, "text before the first article"),
        ("# T\n", 1, "no article in this prior document"),
        ("## A {#a}\n\nx\n\n## B {#a}\n\ny\n", 5, "two articles have the anchor 'a' (the other at line 1)"),
        ("## A\n\nx\n\n# Autre titre\n", 5, "a prior document has one '# Title', on top"),
        ("## A\n\n[lien](javascript:alert(1))\n", 3, "javascript"),
    ],
)
def test_a_prior_file_that_is_not_a_document_is_one_message_at_its_line(
    repo: Path, text: str, line: int, message: str
) -> None:
    organism = load_project(repo, ("acme",), ("cgu",)).organisms["acme"]
    spec = organism.documents["cgu"]
    release = ReleaseSpec(spec.version, spec.effective, False, "x", SourceLocation("o.yaml"), None, "p.md")
    with pytest.raises(CguError) as raised:
        prior_document(text, "p.md", organism, "cgu", release)
    (problem,) = raised.value.problems
    assert problem.location == SourceLocation("p.md", line)
    assert message in problem.message


def test_article_headings_keep_their_anchor_and_drop_their_old_number(repo: Path) -> None:
    organism = load_project(repo, ("acme",), ("cgu",)).organisms["acme"]
    spec = organism.documents["cgu"]
    release = ReleaseSpec(spec.version, spec.effective, False, "x", SourceLocation("o.yaml"), None, "p.md")
    text = "## Article 4 : Données personnelles\n\nx\n\n## 5. Cookies {#traceurs}\n\ny\n"
    document = prior_document(text, "p.md", organism, "cgu", release)
    assert [(a.number, a.id, a.title) for a in document.articles] == [
        (1, "donnees-personnelles", "Données personnelles"),
        (2, "traceurs", "Cookies"),
    ]
    assert document.title == spec.title  # no `# Title`: the document's declared title


def dated_working_text(repo: Path) -> Path:
    """acme's CGU dated the day its reworked text was written (2026-12-02), committed; its organism file."""
    organism = repo / "organisms/acme/organism.yaml"
    text = organism.read_text(encoding="utf-8")
    organism.write_text(
        text + "documents:\n  cgu:\n    version: 2026-12-02\n    effective: 2026-12-02\n", encoding="utf-8"
    )
    git(repo, "commit", "-q", "-am", "the reworked text is dated the day it was written")
    return organism


def test_the_working_text_keeps_its_own_later_date_and_is_the_draft(repo: Path) -> None:
    organism = dated_working_text(repo)
    assert declare_prior(repo)[0] == 0
    declared = organism.read_text(encoding="utf-8")
    assert "    version: 2026-12-02\n    effective: 2026-12-02\n" in declared  # not moved back to 2015
    found = entry(repo)
    assert found.draft and found.problems == ()
    working = load_project(repo, ("acme",), ("cgu",)).documents[0]
    assert working.version.isoformat() == "2026-12-02"
    assert cgu(repo, "check")[0] == 0
    organism.write_text(declared.replace("    version: 2026-12-02\n", "    version: 2014-01-01\n"), encoding="utf-8")
    organism.write_text(
        organism.read_text(encoding="utf-8").replace("effective: 2026-12-02\n", "effective: 2014-01-01\n", 1)
    )
    code, output = cgu(repo, "check")
    assert code == 1 and "release-dates" in output and "its newest release is 2015-06-11" in output


SHIPPED_PRIORS = {
    ("partenamut", "cgu"): "2015-06-11",
    ("partenamut", "privacy"): "2015-06-11",
    ("mutuelle-mieux-etre", "privacy"): "2022-04-01",
}


@pytest.mark.slow
@pytest.mark.skipif(not History(ROOT).available, reason="the shipped example's history needs its git repository")
def test_the_shipped_example_starts_from_the_seeds_dated_texts_as_sealed_prior_releases() -> None:
    project = load_project(ROOT, tuple(sorted({o for o, _ in SHIPPED_PRIORS})))
    book = read_book(project, History(ROOT), cached=False)
    for (organism, kind), version in SHIPPED_PRIORS.items():
        entry = book.of(organism, kind)
        first = entry.releases[0]
        assert first.spec.prior == f"organisms/{organism}/prior/{kind}-{version}.md"
        assert first.spec.version.isoformat() == version and first.commit is not None
        assert first.spec.sha256 == first.sha256, "sealed with its text's hash"
        assert entry.problems == ()
        assert entry.draft  # the reworked text is the draft until its questions are answered and it is released
        working = next(d for d in project.documents if (d.organism.id, d.kind) == (organism, kind))
        assert working.version > first.spec.version  # dated the day it was written, not back-dated


def test_without_git_the_prior_text_is_read_from_its_file_and_its_seal_still_checked(
    repo: Path, tmp_path: Path
) -> None:
    dated_working_text(repo)
    assert declare_prior(repo)[0] == 0
    archive = tmp_path / "archive"
    shutil.copytree(repo, archive, ignore=shutil.ignore_patterns(".git"))
    code, output = cgu(archive, "check")
    assert code == 0, output
    assert "history unavailable" in output
    (only,) = entry(archive).releases
    assert only.commit is None and only.sha256 == only.spec.sha256
    prior = archive / PRIOR_FILE
    prior.write_text(PRIOR_TEXT.replace("Paris", "Lyon"), encoding="utf-8")
    problems = entry(archive).problems
    assert [p.location.path for p in problems] == [PRIOR_FILE]
    assert "changed after it was sealed" in problems[0].message


def test_a_prior_file_read_once_comes_back_from_the_cache_exactly(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from helpers.cache import own_cache

    from cgu.release import prior

    cache = own_cache(repo, tmp_path, monkeypatch)
    organism = load_project(repo, ("acme",), ("cgu",)).organisms["acme"]
    spec = ReleaseSpec(dt.date(2015, 6, 11), dt.date(2015, 6, 11), False, "", SourceLocation(PRIOR_FILE))
    parsed = prior_document(PRIOR_TEXT, PRIOR_FILE, organism, "cgu", spec)
    assert prior_document(PRIOR_TEXT, PRIOR_FILE, organism, "cgu", spec, cache) == parsed
    read: list[str] = []
    real = prior._title_and_articles
    monkeypatch.setattr(prior, "_title_and_articles", lambda text, shown: read.append(shown) or real(text, shown))
    assert prior_document(PRIOR_TEXT, PRIOR_FILE, organism, "cgu", spec, cache) == parsed and read == []
    edited = PRIOR_TEXT.replace("de Paris.", "de Lyon.")
    again = prior_document(edited, PRIOR_FILE, organism, "cgu", spec, cache)
    assert read == [PRIOR_FILE] and again == prior_document(edited, PRIOR_FILE, organism, "cgu", spec) != parsed
    untitled = prior_document(PRIOR_TEXT.split("\n", 2)[2], PRIOR_FILE, organism, "cgu", spec, cache)
    assert untitled.title == organism.documents["cgu"].title and parsed.title == "Conditions d'utilisation de 2015"
