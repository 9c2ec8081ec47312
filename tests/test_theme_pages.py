"""Every page cgu writes or serves comes from a theme template: the changelog in the organism's theme, the preview's
toggle and reload script from the theme, a theme's faulty changelog or redline page refused by `cgu check`."""

from __future__ import annotations

import re
import shutil
import threading
import urllib.request
from pathlib import Path

from click.testing import CliRunner
from conftest import ROOT
from helpers.git import commit_all
from helpers.releases import declare, edit

from cgu.authoring.preview import serve
from cgu.cli import main
from cgu.commands.build import build

PAGE_MARKUP = re.compile(r"<!doctype html|<html[\s>]|<head[\s>]|<body[\s>]", re.IGNORECASE)


def test_no_python_module_builds_a_whole_html_page() -> None:
    """A page's frame (doctype, html, head, body) belongs in a theme template, where a writer can restyle it."""
    found = [
        f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, match.start()) + 1}: {match.group(0)}"
        for path in sorted((ROOT / "cgu").rglob("*.py"))
        for text in [path.read_text(encoding="utf-8")]
        for match in PAGE_MARKUP.finditer(text)
    ]
    assert found == []


def test_the_scan_finds_a_page_frame_in_python() -> None:
    assert PAGE_MARKUP.search("f'<!DOCTYPE html>\\n<html lang=\"fr\">'") and PAGE_MARKUP.search("'<body>'")
    assert not PAGE_MARKUP.search("<!DOCTYPE fontconfig SYSTEM>") and not PAGE_MARKUP.search("<header>")


def in_own_theme(repo: Path) -> Path:
    """The mini project in git with two releases of the CGU, acme in its own theme `maison` (a copy of the default,
    given its own preview bar) with a logo and a colour."""
    shutil.copytree(ROOT / "themes/default", repo / "themes/maison")
    bar = repo / "themes/maison/preview-bar.html"
    bar.write_text(bar.read_text(encoding="utf-8").replace("preview-bar", "preview-bar maison"), encoding="utf-8")
    (repo / "organisms/acme/logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>\n', "utf-8"
    )
    edit(
        repo / "organisms/acme/organism.yaml",
        '  color: "#336699"',
        '  color: "#336699"\n  name: maison\n  logo: organisms/acme/logo.svg',
    )
    edit(repo / "clauses/cookies.md", "Nous utilisons", "Le site utilise")
    declare(repo, "2024-09-01", "2024-09-01", False, "Reformulation de l'article sur les traceurs.")
    commit_all(repo, "second release")
    return repo


def test_the_changelog_page_is_in_the_organisms_theme(repo: Path, tmp_path: Path) -> None:
    project = in_own_theme(repo)
    out = tmp_path / "site"
    build(project, out, formats=("html",))
    page = (out / "acme/cgu/changelog.html").read_text(encoding="utf-8")
    assert page.startswith('<!DOCTYPE html>\n<html lang="fr">')
    assert '<link rel="stylesheet" href="../../assets/maison/style.css">' in page
    assert "--accent: #336699;" in page
    assert '<img class="logo" src="../logo.svg" alt="Logo de Mutuelle Acme *test*">' in page
    assert '<p class="organism-name">Mutuelle Acme *test*</p>' in page
    for link in re.findall(r'(?:href|src)="(\.\./[^"#]+)', page):  # the stylesheet and the logo are in the site
        assert (out / "acme/cgu" / link).resolve().is_file(), link
    beta = (out / "beta/cgu/changelog.html").read_text(encoding="utf-8")
    assert "../../assets/default/style.css" in beta and 'class="logo"' not in beta
    assert '<a href="redline-2024-06-01-to-2024-09-01.html#cookies">' in beta
    redline = (out / "acme/cgu/redline-2024-06-01-to-2024-09-01.html").read_text(encoding="utf-8")
    (project / "themes/maison/redline.html").write_text("<main class=maison>{{ fragment }}</main>\n", "utf-8")
    build(project, out, formats=("html",))
    assert (out / "acme/cgu/redline-2024-06-01-to-2024-09-01.html").read_text(encoding="utf-8") != redline
    assert "<main class=maison>" in (out / "acme/cgu/redline-2024-06-01-to-2024-09-01.html").read_text("utf-8")
    assert "<main class=maison>" not in (out / "beta/cgu/redline-2024-06-01-to-2024-09-01.html").read_text("utf-8")


def test_a_theme_without_a_changelog_page_uses_the_built_in_one(repo: Path, tmp_path: Path) -> None:
    project = in_own_theme(repo)
    (project / "themes/maison/changelog.html").unlink()
    result = CliRunner().invoke(main, ["changelog", "acme", "cgu", "--project", str(project), "--format", "html"])
    assert result.exit_code == 0, result.output
    assert "../../assets/maison/style.css" in result.output and "Reformulation de l&#39;article" in result.output


def test_check_refuses_a_faulty_changelog_or_redline_page_before_any_release(repo: Path) -> None:
    project = in_own_theme(repo)
    for name, line in (("changelog.html", 15), ("redline.html", 12), ("redline.html", 14), ("document.html", 67)):
        page = project / "themes/maison" / name
        good = page.read_text(encoding="utf-8")
        lines = good.splitlines(keepends=True)
        lines.insert(line - 1, "{{ entry.sumary if entry is defined else organism.nom }}\n")
        page.write_text("".join(lines), encoding="utf-8")
        result = CliRunner().invoke(main, ["check", "--project", str(project)])
        assert result.exit_code == 1, result.output
        assert f"themes/maison/{name}:{line}: theme template error" in result.output, result.output
        page.write_text(good, encoding="utf-8")
    assert CliRunner().invoke(main, ["check", "--project", str(project)]).exit_code == 0


def test_the_preview_toggle_and_reload_come_from_the_theme(repo: Path) -> None:
    project = in_own_theme(repo)
    edit(project / "clauses/cookies.md", "Le site utilise", "Notre site utilise")
    stop = threading.Event()
    server = serve(project, 0, stop=stop)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        draft = urllib.request.urlopen(f"{url}/doc/acme/cgu").read().decode()
        changes = urllib.request.urlopen(f"{url}/doc/acme/cgu?redline=1").read().decode()
        other = urllib.request.urlopen(f"{url}/doc/beta/cgu?redline=1").read().decode()
        listing = urllib.request.urlopen(f"{url}/").read().decode()
    finally:
        stop.set()
        server.shutdown()
    for page in (draft, changes):
        assert '<p class="preview-bar maison"><a href="/doc/acme/cgu">Projet</a>' in page
        assert page.count("/__generation") == 1 and page.rstrip().endswith("</body>\n</html>")
    assert "data-preview>" in draft and "--accent: #336699;" in draft
    assert "<ins>" in changes and "Notre" in changes
    assert '<p class="preview-bar"><a href="/doc/beta/cgu">Projet</a>' in other
    assert '<a href="/doc/acme/cgu">Mutuelle Acme *test* – ' in listing and "/__generation" in listing
