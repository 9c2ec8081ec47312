"""Shared fixtures: the repository root, a build of the shipped content, readers for built files; the `slow` mark."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("cgu", deadline=None, derandomize=True, database=None)
settings.register_profile("explore", deadline=None, max_examples=2000)
settings.load_profile(os.environ.get("CGU_HYPOTHESIS", "cgu"))
"""No wall-clock budget per example: on a loaded machine (tests on every core, a shared CI runner) Hypothesis's default
of 200 ms fails fast code at random. Derandomized: every run of the suite tries the same examples, so CI is green or
red for the code, never for the draw (a CI run once failed on an example no earlier run had drawn). To hunt for new
counter-examples, run with CGU_HYPOTHESIS=explore (random, 2000 examples per property) and add what it finds as a
fixed case."""

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(Path(__file__).resolve().parent))


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head"):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head") and self.skip:
            self.skip -= 1
        if tag in ("p", "li", "td", "th", "h1", "h2", "h3", "h4", "tr", "div", "section"):
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The text a reader sees in an HTML page, whitespace (including non-breaking) collapsed to single spaces."""
    parser = _TextExtractor()
    parser.feed(html)
    return re.sub(r"\s+", " ", "".join(parser.parts).replace("\u00a0", " ").replace("\u202f", " ")).strip()


def built_file(build_dir: Path, organism_id: str, kind: str, suffix: str = ".html") -> Path:
    """The one dated file of a document in a build: `<organism>/<kind>-<YYYY-MM-DD><suffix>`."""
    matches = sorted((build_dir / organism_id).glob(f"{kind}-[0-9]*{suffix}"))
    assert len(matches) == 1, f"expected one {kind}{suffix} for {organism_id}, found {matches}"
    return matches[0]


def document_text(build_dir: Path, organism_id: str, kind: str) -> str:
    """Visible text of a built HTML document, whitespace collapsed to single spaces and the typographic apostrophe ’
    read as the ' facts are typed with (French typography itself is tested on the raw HTML: test_typography.py)."""
    return visible_text(built_file(build_dir, organism_id, kind).read_text(encoding="utf-8")).replace("\u2019", "'")


def stated_text(build: Path, organism: str, kind: str) -> str:
    """A document's text and that of each article of the organism's other document it points to (`ref_doc`: the CGU
    says where the privacy policy states the cookie notice instead of repeating it), as a member reads them."""
    page = built_file(build, organism, kind)
    html = page.read_text(encoding="utf-8")
    parts = [html]
    for other, article in sorted(set(re.findall(r'<a href="([a-z]+-\d{4}-\d{2}-\d{2}\.html)#([a-z0-9-]+)"', html))):
        target = (page.parent / other).read_text(encoding="utf-8")
        found = re.search(rf'<section class="article" id="{article}".*?</section>', target, re.DOTALL)
        assert found, f"{organism} {kind} points to {other}#{article}, which has no such article"
        parts.append(found.group(0))
    return visible_text("\n".join(parts)).replace("\u2019", "'")


@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A full build (HTML and PDF) of the shipped example content, made once per run: with `-n`, the first worker to
    need it builds it into the run's folder (shared by the workers), and the others wait for it and read it."""
    from cgu.commands.build import build

    run_folder = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        run_folder = run_folder.parent  # each worker has its own folder in the run's
    out = run_folder / "shipped" / "build"
    out.parent.mkdir(exist_ok=True)
    with (run_folder / "shipped.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not out.is_dir():  # a build replaces its output folder whole: there, it is complete
            build(ROOT, out)
    return out


SLOW_FIXTURES = ("shipped_build", "ci_sites", "styled_build")
"""A test that needs one of these is slow: the full build of the shipped content (a minute or so), the CI workflow's
publication (test_publish.py), the many-page PDFs (test_render.py)."""
SLOW_CASES = ("cookie-table-10000-rows", "jinja-output-too-large", "yaml-alias-bomb", "yaml-nesting-flow-5000")
"""Bad-input corpus cases at the size limits (one parametrized test in bad_inputs/, no function to mark)."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `slow` (left out of the fast subset, `-m "not slow"`) the tests that need a slow fixture or case; then put
    the files that hold slow tests first, each file's tests kept together and in order.

    With `--dist loadfile` a file is one worker's, and the workers take the files in this order (pyproject.toml's
    `--no-loadscope-reorder`; xdist would otherwise order them by their number of tests, which puts the long files of
    one to three tests, the README's tour and set-up, the wheel, the killed runs, at the very end): long files first,
    the many short ones after, so that the workers finish together instead of one ending alone on a long file. Of the
    files that read the shipped build, the first comes first (its worker builds it) and the others after the other
    slow files, so that no worker waits for the build while the other makes it."""
    slow_files: set[str] = set()
    shipped_files: list[str] = []
    for item in items:
        file = item.nodeid.split("::", 1)[0]
        fixtures = getattr(item, "fixturenames", ())
        if any(name in SLOW_FIXTURES for name in fixtures) or item.name in {f"test_bad_input[{c}]" for c in SLOW_CASES}:
            item.add_marker(pytest.mark.slow)
        if item.get_closest_marker("slow"):
            slow_files.add(file)
        if "shipped_build" in fixtures and file not in shipped_files:
            shipped_files.append(file)

    def rank(item: pytest.Item) -> int:
        file = item.nodeid.split("::", 1)[0]
        if shipped_files and file == shipped_files[0]:
            return 0
        return 2 if file in shipped_files else 1 if file in slow_files else 3

    items.sort(key=rank)  # stable: each file's tests keep their order


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A writable copy of the small fixture project (two organisms, three clauses)."""
    target = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", target)
    return target


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The mini project in git, with its CGU's first release (helpers.releases.mini_in_git)."""
    from helpers.releases import mini_in_git

    return mini_in_git(tmp_path / "content")


@pytest.fixture
def three(repo: Path) -> Path:
    """The mini project in git with three releases of its CGU (helpers.releases.with_three_releases)."""
    from helpers.releases import with_three_releases

    return with_three_releases(repo)


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    """Real headless Chromium (Debian's chromium and chromium-driver), one per test module."""
    from helpers.chromium import headless_chromium

    with headless_chromium() as driver:
        yield driver


@pytest.fixture(scope="session")
def released_bilingual(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bilingual project of `content` with its cgu released twice and its privacy once (helpers.bilingual.
    two_cgu_releases), made once per worker. Read only: `released_content` copies it for a test that changes it."""
    import datetime as dt

    from helpers.bilingual import bilingual_project, two_cgu_releases
    from helpers.project import git_environment

    folder = tmp_path_factory.mktemp("released-bilingual")
    with pytest.MonkeyPatch.context() as patch:
        git_environment(patch, folder)
        project = bilingual_project(folder, when=dt.date(2026, 12, 2))
        two_cgu_releases(project)
    return project


@pytest.fixture
def released_content(released_bilingual: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of `released_bilingual` (its git repository included) at `tmp_path`/content, with `content`'s
    environment: what `content` then `two_cgu_releases` make, without releasing again."""
    from helpers.project import git_environment

    git_environment(monkeypatch, tmp_path)
    return Path(shutil.copytree(released_bilingual, tmp_path / "content", symlinks=True))


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The bilingual fixture project (French source, Dutch translation, every translation fresh) in git, committed on
    2026-12-02, with FIXED_GIT_ENV set for what cgu commits (helpers.bilingual; test_rules has a `content` of its own)."""
    import datetime as dt

    from helpers.bilingual import bilingual_project
    from helpers.project import git_environment

    git_environment(monkeypatch, tmp_path)
    return bilingual_project(tmp_path, when=dt.date(2026, 12, 2))
