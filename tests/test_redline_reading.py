"""Reading a redline at length: unchanged paragraphs fold inside a modified article, the summary quotes each
substantive change before → after, a moved article says where it stood, the PDF keeps its colours."""

from __future__ import annotations

import re
from pathlib import Path

from test_redline_markup import well_nested

from cgu.redline.compare import redline
from cgu.redline.markup import article_markup
from cgu.redline.render import render_html_fragment, render_pdf
from cgu.redline.sections import split_markdown

PARAGRAPHS = [f"Paragraphe {i} : nous traitons vos données pour la finalité numéro {i}." for i in range(40)]
LONG = "\n\n".join(PARAGRAPHS) + "\n"


def test_unchanged_paragraphs_fold_around_each_change_and_nothing_is_lost() -> None:
    new = LONG.replace("finalité numéro 20.", "finalité numéro 20, pour 3 ans.")
    result = redline(split_markdown("# Données\n\n" + LONG, "a"), split_markdown("# Données\n\n" + new, "b"))
    (change,) = result.changes
    html = str(article_markup(change))
    well_nested(html)
    folded = re.findall(r"<details class=\"folded\">(.*?)</details>", html, re.S)
    assert len(folded) == 2 and "19 paragraphes inchangés" in folded[0] and "18 paragraphes inchangés" in folded[1]
    shown = re.sub(r"<details class=\"folded\">.*?</details>", "", html, flags=re.S)
    assert [int(n) for n in re.findall(r"Paragraphe (\d+)", shown)] == [19, 20, 21]  # one of context each side
    assert all(f"Paragraphe {i}\u00a0:" in html for i in range(40))  # folded, not dropped (French no-break space)


def test_a_document_without_headings_shows_its_changes_not_its_length() -> None:
    new = LONG.replace("numéro 5.", "numéro 5 et 6.").replace("numéro 33.", "numéro 34.")
    fragment = render_html_fragment(redline(split_markdown(LONG, "a"), split_markdown(new, "b")))
    visible = re.sub(r"<details class=\"folded\">.*?</details>", "", fragment, flags=re.S)
    assert len(re.findall("Paragraphe \\d+\u00a0:", visible)) == 6  # two changes, one paragraph of context each side


def test_added_and_removed_articles_do_not_fold() -> None:
    result = redline(split_markdown("# A\n\nTexte.\n", "a"), split_markdown("# A\n\nTexte.\n\n# B\n\n" + LONG, "b"))
    added = next(c for c in result.changes if c.kind == "added")
    assert "<details" not in str(article_markup(added))


def test_the_summary_quotes_each_substantive_change() -> None:
    old = "# Tarifs\n\nL'abonnement coûte 9.99 € par mois.\n\nNous ne revendons pas vos données.\n"
    new = "# Tarifs\n\nL'abonnement coûte 19.99 € par mois.\n\nNous revendons vos données.\n"
    summary = render_html_fragment(redline(split_markdown(old, "a"), split_markdown(new, "b"))).split("</nav>")[0]
    quotes = re.findall(r'<span class="excerpt">(.*?)</span>', summary)
    assert len(quotes) == 2
    assert re.fullmatch(r"«\u00a0[^»]*\b9\.99 €\u00a0» → «\u00a0[^»]*\b19\.99 €\u00a0»", quotes[0]), quotes
    assert "ne revendons pas" in quotes[1] and "revendons vos" in quotes[1].split("→")[1]


def test_a_moved_article_says_where_it_stood() -> None:
    body = {name: f"# {name}\n\nLe texte de l'article {name}, assez long pour être reconnu.\n\n" for name in "ABC"}
    result = redline(
        split_markdown(body["A"] + body["B"] + body["C"], "a"), split_markdown(body["C"] + body["A"] + body["B"], "b")
    )
    fragment = render_html_fragment(result)
    assert "déplacé ; se trouvait après «\u00a0B\u00a0»" in fragment


def test_the_pdf_keeps_its_colours(tmp_path: Path) -> None:
    from pypdf import PdfReader

    old, new = "# A\n\nConservées 3 ans.\n", "# A\n\nConservées 5 ans.\n"
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(render_pdf(redline(split_markdown(old, "a"), split_markdown(new, "b")), "R", tmp_path))
    content = b"".join(page.get_contents().get_data() for page in PdfReader(pdf).pages)  # type: ignore[union-attr]
    colours = {tuple(round(float(v), 2) for v in m) for m in re.findall(rb"([\d.]+) ([\d.]+) ([\d.]+) rg", content)}
    assert (0.9, 0.96, 0.92) in colours and (0.99, 0.91, 0.91) in colours, colours  # insertion and deletion


def test_the_page_script_parses(tmp_path: Path) -> None:
    import shutil
    import subprocess

    import pytest

    from cgu.redline.render import SCRIPT

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the page script's syntax cannot be checked here")
    (tmp_path / "redline.js").write_text(SCRIPT, encoding="utf-8")
    checked = subprocess.run([node, "--check", str(tmp_path / "redline.js")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert "redlineStops" in SCRIPT and "folded.open = true" in SCRIPT  # n/p stop at changes, unfolding them


def test_any_text_is_accepted_and_its_control_characters_shown(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cgu.cli import main

    (tmp_path / "a.md").write_text("# Titre\x1b\n\nTexte\x00 un\x85.\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# Titre\x1b\n\nTexte\x00 deux\x85.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["redline", str(tmp_path / "a.md"), str(tmp_path / "b.md"), "--out", str(out), "--format", "html,json"]
    )
    assert result.exit_code == 0, result.output
    page = (out / "redline-a-to-b.html").read_text(encoding="utf-8")
    assert "␛" in page and "\x1b" not in page and "\x00" not in page and "\x85" not in page
    import json

    data = json.loads((out / "redline-a-to-b.json").read_text(encoding="utf-8"))
    rebuilt = "".join(text for change in data["changes"] for op, text in change["ops"] if op >= 0)
    assert "deux" in page and rebuilt == "# Titre\x1b\n\nTexte\x00 deux\x85.\n"  # the JSON keeps the text exact


def test_the_page_renders_through_the_theme_template_in_the_sandbox(tmp_path: Path) -> None:
    import pytest

    from cgu.errors import CguError
    from cgu.load.themes import ThemeFolder, theme_environment
    from cgu.redline.render import render_html_page

    result = redline(
        split_markdown("# A\n\nConservées 3 ans.\n", "a"), split_markdown("# A\n\nConservées 5 ans.\n", "b")
    )
    folder = tmp_path / "themes" / "mutuelle"
    folder.mkdir(parents=True)
    theme = ThemeFolder("mutuelle", folder, theme_environment(folder))
    builtin = render_html_page(result, "Titre <b>")
    assert render_html_page(result, "Titre <b>", theme) == builtin  # no redline.html: the built-in one
    (folder / "redline.html").write_text("<main class=mutuelle><h1>{{ title }}</h1>{{ fragment }}</main>\n", "utf-8")
    page = render_html_page(result, "Titre <b>", theme)
    assert page.startswith("<main class=mutuelle><h1>Titre &lt;b&gt;</h1>") and "<del>" in page
    (folder / "redline.html").write_text("{{ cycler.__init__.__globals__.os.popen('id').read() }}\n", "utf-8")
    with pytest.raises(CguError, match=r"themes/mutuelle/redline.html:1: theme template error"):
        render_html_page(result, "T", theme)


def test_n_and_p_go_from_change_to_change_in_a_real_browser(tmp_path: Path, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.action_chains import ActionChains

    from cgu.redline.render import render_html_page

    new = LONG.replace("numéro 3.", "numéro 3 bis.").replace("numéro 30.", "numéro 31.").replace("numéro 36.", "fin.")
    old_text, new_text = "# Données\n\n" + LONG + "\n# Fin\n\nA.\n", "# Données\n\n" + new + "\n# Fin\n\nB.\n"
    page = tmp_path / "redline.html"
    page.write_text(
        render_html_page(redline(split_markdown(old_text, "a"), split_markdown(new_text, "b")), "R"), "utf-8"
    )
    browser.get(page.as_uri())
    seen = []
    for key in "nnnnn":
        ActionChains(browser).send_keys(key).perform()
        seen.append(browser.execute_script("var e = document.activeElement; return e.tagName + ':' + e.textContent;"))
    # four changes, each one stop (a deletion and its insertion are one change), then no further stop
    assert [s.split(":")[0] for s in seen] == ["INS", "DEL", "DEL", "DEL", "DEL"], seen
    assert "bis" in seen[0] and "30" in seen[1] and "36" in seen[2] and "A" in seen[3] and seen[4] == seen[3]
    ActionChains(browser).send_keys("p").perform()
    back = browser.execute_script("return document.activeElement.textContent;")
    assert "36" in back
