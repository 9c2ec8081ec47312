"""Languages (docs/languages.md): translations beside their source, stale when the source moves on (form: a warning;
substance: the language is refused), missing ones refused, per-language outputs with hreflang pairs, the legal checks
in Dutch. Real git repositories in tmp_path; cgu's commands run in this process (helpers.project.cgu_in_process:
what they say and write is the point)."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from cgu.compose.language import joined, long_date
from cgu.compose.page_words import PAGE_WORDS
from cgu.project import load_project
from cgu.rules.translations import blob_id
from tests.helpers.bilingual import TRANSLATIONS, bilingual_project, stamp
from tests.helpers.git import commit_all, git
from tests.helpers.project import cgu_here, cgu_in_process, replace_in

FIRST_DAY = dt.date(2025, 6, 1)
"""The day the fixture is committed, and the day its first releases are declared and committed."""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The bilingual fixture (French source, Dutch translation), every translation fresh, committed on 2025-06-01."""
    return bilingual_project(tmp_path, when=FIRST_DAY)


def test_blob_id_is_what_git_hash_object_prints(project: Path) -> None:
    source = project / "clauses/objet.md"
    assert blob_id(source.read_bytes()) == git(project, "hash-object", "clauses/objet.md").strip()


def test_fresh_translations_check_and_compose_in_dutch(project: Path) -> None:
    checked = cgu_in_process(project, "check")
    assert checked.returncode == 0, checked.stderr
    assert "translation" not in checked.stderr
    loaded = load_project(project)
    privacy = next(d for d in loaded.translations if d.kind == "privacy")
    assert privacy.language == "nl" and privacy.title == "Privacybeleid"
    assert [a.heading for a in privacy.articles] == ["Artikel 1 – Voorwerp", "Artikel 2 – Uw rechten"]
    text = privacy.articles[0].markdown
    assert "1 juni 2025" in text and "[artikel 2](#droits)" in text
    assert "inzage in het dossier en elektronische brievenbus" in text  # the overlay's facts, joined in Dutch
    assert "Belgisch Onderling Ziekenfonds:" in text  # no French space before the colon
    assert "Gegevensbeschermingsautoriteit (GBA)" in privacy.articles[1].markdown


def test_dutch_and_german_dates_and_lists() -> None:
    day = dt.date(2025, 6, 1)
    assert long_date(day, "nl") == "1 juni 2025"
    assert long_date(day, "de") == "1. Juni 2025"
    assert long_date(day, "fr") == "1er juin 2025"
    assert joined(["a", "b", "c"], "nl") == "a, b en c"
    assert joined(["a", "b", "c"], "de") == "a, b und c"


def test_german_document_dates(project: Path) -> None:
    replace_in(project / "organisms/ebm/organism.yaml", "languages: [fr, nl]", "languages: [fr, de]")
    for stem in TRANSLATIONS:
        (project / f"{stem}.nl.md").rename(project / f"{stem}.de.md")
    (project / "organisms/ebm/organism.nl.yaml").rename(project / "organisms/ebm/organism.de.yaml")
    replace_in(project / "organisms/ebm/organism.de.yaml", "(GBA)", "(DSB)")
    replace_in(project / "organisms/ebm/organism.de.yaml", "Gegevensbeschermingsautoriteit", "Datenschutzbehörde")
    cgu = next(d for d in load_project(project).translations if d.kind == "cgu")
    assert cgu.language == "de" and "dateert van 1. Juni 2025." in cgu.articles[0].html
    assert "inzage in het dossier und elektronische brievenbus" in cgu.articles[0].html  # joined in German


def _refused(project: Path, *expected: str) -> str:
    """`cgu check` fails, each expected text in its diagnostics, without a traceback; the diagnostics."""
    checked = cgu_in_process(project, "check")
    assert checked.returncode == 1, checked.stderr
    assert "Traceback" not in checked.stderr
    for text in expected:
        assert text in checked.stderr
    return checked.stderr


def _commit_change(project: Path, old: str, new: str, path: str = "clauses/droits.md") -> None:
    replace_in(project / path, old, new)
    commit_all(project, f"edit {path}")


def test_form_only_change_of_the_source_is_a_warning_and_still_builds(project: Path, tmp_path: Path) -> None:
    _commit_change(project, "Vous disposez d'un droit", "Vous  disposez d’un droit")
    checked = cgu_in_process(project, "check")
    assert checked.returncode == 0, checked.stderr
    assert re.search(r"clauses/droits\.nl\.md:\d+: warning: translation-stale-form: clauses/droits\.md", checked.stderr)
    built = cgu_in_process(project, "build", "--format", "html", "--out", str(tmp_path / "out"))
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "out/ebm/nl/privacy-2025-06-01.html").is_file()


def test_substantive_change_of_a_drafts_source_is_a_warning_and_the_release_is_refused(
    project: Path, tmp_path: Path
) -> None:
    # The writer's French draft goes on (check, build); the Dutch cannot be released until the translator catches up.
    _commit_change(project, "de portabilité.", "de portabilité de vos données.")
    checked = cgu_in_process(project, "check")
    assert checked.returncode == 0, checked.stderr
    assert (
        "clauses/droits.nl.md:5: warning: translation-behind: clauses/droits.md changed in substance since this "
        "translation: the nl documents cannot be released until it is updated"
    ) in checked.stderr
    out = tmp_path / "out"
    built = cgu_in_process(project, "build", "--format", "html", "--out", str(out))
    assert built.returncode == 0, built.stderr
    assert (out / "ebm/nl/privacy-2025-06-01.html").is_file()  # a draft: never released, so never published
    before = (project / "organisms/ebm/organism.yaml").read_text(encoding="utf-8")
    refused = _release(project, "privacy")
    assert refused.returncode == 1, refused.stderr
    assert "translation-stale: clauses/droits.md changed in substance" in refused.stderr
    assert "the privacy is released in this state: its nl version would say something else" in refused.stderr
    assert (project / "organisms/ebm/organism.yaml").read_text(encoding="utf-8") == before
    listed = cgu_in_process(project, "translations", "ebm")
    assert listed.returncode == 1
    assert "droits [nl] stale: clauses/droits.nl.md" in listed.stdout
    assert "{+de+} {+vos+} {+données.+}" in listed.stdout or "{+ de vos données+}" in listed.stdout


def test_a_release_declared_by_hand_over_a_stale_translation_refuses_check_build_and_publish(
    project: Path, tmp_path: Path
) -> None:
    _commit_change(project, "de portabilité.", "de portabilité de vos données.")
    sealed = cgu_in_process(project, "releases", "ebm", "privacy")
    digest = re.search(r"working tree: sha256 ([0-9a-f]{64})", sealed.stdout)
    assert digest, sealed.stdout + sealed.stderr
    path = project / "organisms/ebm/organism.yaml"
    text = path.read_text(encoding="utf-8")
    declared = (
        "    releases:\n      - version: 2025-06-01\n        effective: 2025-06-01\n        material: false\n"
        f'        summary: "Première version."\n        sha256: {digest.group(1)}\n'
    )
    marker = "  privacy:\n"
    head, rest = text.split(marker, 1)
    lines = rest.split("\n")
    end = next(i for i, line in enumerate(lines) if line and not line.startswith("    "))
    path.write_text(head + marker + "\n".join(lines[:end]) + "\n" + declared + "\n".join(lines[end:]), "utf-8")
    commit_all(project, "privacy released by hand")
    _refused(project, "clauses/droits.nl.md:5: translation-stale: clauses/droits.md changed in substance")
    out = tmp_path / "out"
    built = cgu_in_process(project, "build", "--format", "html", "--out", str(out))
    assert built.returncode == 1 and "translation-stale" in built.stderr
    assert not out.exists()
    site = tmp_path / "site"
    published = cgu_in_process(project, "publish", "--out", str(site), "--date", "2025-06-02")
    assert published.returncode == 1 and "translation-stale" in published.stderr
    assert not (site / "ebm").exists()


def test_translations_lists_each_clause_and_language(project: Path) -> None:
    listed = cgu_in_process(project, "translations", "ebm")
    assert listed.returncode == 0, listed.stderr
    assert "objet [nl] fresh: clauses/objet.nl.md" in listed.stdout
    assert "droits [nl] fresh: clauses/droits.nl.md" in listed.stdout


def test_missing_translation_is_an_error_naming_the_file_to_write(project: Path) -> None:
    (project / "clauses/droits.nl.md").unlink()
    _refused(
        project,
        "translation-missing: clause 'droits' has no nl translation: write clauses/droits.nl.md",
    )


def test_unknown_source_blob_has_its_own_message(project: Path) -> None:
    text = (project / "clauses/objet.nl.md").read_text(encoding="utf-8")
    (project / "clauses/objet.nl.md").write_text(re.sub(r"[0-9a-f]{40}", "a" * 40, text), encoding="utf-8")
    _refused(
        project,
        "clauses/objet.nl.md:5: translation-unknown-source: 'translates' names no version",
    )


def test_french_grammar_filter_refused_in_a_dutch_clause(project: Path) -> None:
    replace_in(project / "clauses/droits.nl.md", "U kunt een klacht", "{{ identity|de }} U kunt een klacht")
    _refused(
        project,
        "clauses/droits.nl.md:7: french-grammar-filter: '|de' is French grammar",
    )


def test_a_translation_repeating_a_source_key_with_another_value_is_an_error(project: Path) -> None:
    replace_in(project / "clauses/droits.nl.md", "title: Uw rechten", "title: Uw rechten\nmaterial: false")
    _refused(
        project,
        "clauses/droits.nl.md:4: translation-mismatch: 'material' comes from the source clause",
    )


def test_untranslated_text_fact_is_an_error_never_a_french_fallback(project: Path) -> None:
    replace_in(project / "organisms/ebm/organism.nl.yaml", "  privacy: {title: Privacybeleid}\n", "")
    _refused(
        project,
        "fact-translation-missing: 'documents.privacy.title' is text and has no nl translation",
    )


def test_a_fact_changed_in_the_source_makes_its_translation_lag_behind(project: Path) -> None:
    _commit_change(
        project, "consultation du dossier", "consultation et gestion du dossier", "organisms/ebm/organism.yaml"
    )
    checked = cgu_in_process(project, "check")
    assert checked.returncode == 0, checked.stderr
    assert re.search(
        r"organisms/ebm/organism\.nl\.yaml:\d+: warning: translation-behind: 'services\.0\.description' changed in "
        r"substance in organisms/ebm/organism\.yaml since this nl translation: the nl documents cannot be released",
        checked.stderr,
    )
    refused = _release(project, "cgu")
    assert refused.returncode == 1 and "translation-stale: 'services.0.description'" in refused.stderr


def test_legal_checks_find_a_missing_dutch_mention(project: Path) -> None:
    replace_in(project / "clauses/droits.nl.md", " en overdraagbaarheid", "")
    commit_all(project, "Dutch rights without portability")
    stderr = _refused(
        project, "gdpr-rights: the privacy policy does not state the right of portability ('overdraagbaarheid') (in nl)"
    )
    assert stderr.count("gdpr-rights") == 1  # the French text states it


def test_the_dutch_authority_is_the_gba(project: Path) -> None:
    replace_in(project / "organisms/ebm/organism.nl.yaml", "Gegevensbeschermingsautoriteit (GBA)", "Autoriteit")
    replace_in(project / "clauses/droits.nl.md", "bij de {{ authority.name }}", "bij de Autoriteit")
    _refused(
        project,
        "gdpr-complaint: the authority for a BE organism is GBA / Gegevensbeschermingsautoriteit",
    )


def _alternates(page: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([a-z]+)" href="([^"]+)">', page))


def test_hreflang_pairs_on_every_page(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    built = cgu_in_process(project, "build", "--format", "html", "--out", str(out))
    assert built.returncode == 0, built.stderr
    pages = sorted(p for p in (out / "ebm").rglob("*.html"))
    assert [p.relative_to(out).as_posix() for p in pages] == [
        "ebm/cgu-2025-06-01.html",
        "ebm/nl/cgu-2025-06-01.html",
        "ebm/nl/privacy-2025-06-01.html",
        "ebm/privacy-2025-06-01.html",
    ]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        language = "nl" if page.parent.name == "nl" else "fr"
        assert f'<html lang="{language}">' in html
        links = _alternates(html)
        assert set(links) == {"fr", "nl"}, page
        assert (page.parent / links[language]).resolve() == page.resolve()  # itself among the alternates
        for href in links.values():
            target = (page.parent / href).resolve()
            assert target.is_file(), (page, href)
            back = _alternates(target.read_text(encoding="utf-8"))[language]
            assert (target.parent / back).resolve() == page.resolve()  # the pair points back
        assert 'class="language-switch"' in html
    dutch = (out / "ebm/nl/cgu-2025-06-01.html").read_text(encoding="utf-8")
    assert "Versie van <time" in dutch and ">1 juni 2025</time>" in dutch and '<h2 id="toc-title">Inhoud</h2>' in dutch


def test_a_single_language_organism_has_no_alternates(tmp_path: Path) -> None:
    root = tmp_path / "mini"
    shutil.copytree(Path(__file__).parent / "fixtures" / "mini", root)
    built = cgu_in_process(root, "build", "--format", "html", "--out", str(tmp_path / "out"))
    assert built.returncode == 0, built.stderr
    page = (tmp_path / "out/acme/cgu-2024-06-01.html").read_text(encoding="utf-8")
    assert "hreflang" not in page and "language-switch" not in page


def _init(target: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return cgu_here(Path.cwd(), "init", str(target), "--cgu-from", "cgu", *options)


def test_init_accepts_languages_and_the_project_lists_what_to_translate(tmp_path: Path) -> None:
    made = _init(tmp_path / "new", "--languages", "fr,nl")
    assert made.returncode == 0, made.stderr
    organism = (tmp_path / "new/organisms/mutuelle-exemple/organism.yaml").read_text(encoding="utf-8")
    assert "languages: [fr, nl]" in organism
    checked = cgu_in_process(tmp_path / "new", "check")
    assert checked.returncode == 1
    assert "translation-missing" in checked.stderr and "Traceback" not in checked.stderr


def test_init_refuses_a_language_list_not_starting_with_french(tmp_path: Path) -> None:
    made = _init(tmp_path / "new", "--languages", "nl,fr")
    assert made.returncode == 1
    assert "--languages: 'nl,fr': the clause library is French" in made.stderr
    assert not (tmp_path / "new").exists()


def test_a_translation_that_loses_a_cross_reference_or_a_heading_is_refused(project: Path) -> None:
    replace_in(project / "clauses/objet.nl.md", "## Versie\n\n", "")
    replace_in(project / "clauses/objet.nl.md", "{% if has('droits') %}", "{% if has('objet') %}")
    _refused(
        project,
        "translation-mismatch: 0 '##' sub-headings here, 1 in clauses/objet.md",
        "has('droits'): the source has it, the translation lost it",
        "has('objet'): the source has none",
    )


def _french_page_words(page: str) -> list[str]:
    """The French page words (those the Dutch catalogue says otherwise) that `page` shows."""
    return [
        french
        for key, french in PAGE_WORDS["fr"].items()
        if french != PAGE_WORDS["nl"][key] and len(french) > 3 and french in page
    ]


def test_a_dutch_draft_page_has_its_status_in_dutch_and_no_french_page_word(project: Path) -> None:
    from cgu.render.html import PageLinks, render_page

    loaded = load_project(project)
    dutch, french = (
        replace(next(d for d in documents if d.kind == "privacy"), draft=True)
        for documents in (loaded.translations, loaded.documents)
    )
    links = PageLinks(
        "draft",
        history="privacy/changelog.html",
        changes=(dt.date(2025, 6, 1), "privacy/redline-2025-06-01-to-draft.html"),
    )
    theme = loaded.themes[dutch.organism.theme.name]
    page = render_page(dutch, theme, "html", project, "../../", links)
    assert '<html lang="nl">' in page
    assert "<strong>Ontwerp</strong>: deze tekst is niet gepubliceerd." in page
    assert 'die van <time datetime="2025-06-01">1 juni 2025</time>.' in page
    assert "Wijzigingen van dit ontwerp sinds de versie van 1 juni 2025</a>" in page
    assert _french_page_words(page) == []
    in_french = render_page(french, theme, "html", project, "../", links)
    assert "<strong>Projet</strong> : ce texte n’est pas publié." in in_french
    assert "Modifications de ce projet depuis la version du" in _french_page_words(in_french)  # the check can fail


def test_preview_serves_each_language(project: Path) -> None:
    import threading
    import urllib.request

    from cgu.authoring.preview import serve

    stop = threading.Event()
    server = serve(project, 0, stop=stop)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        index = urllib.request.urlopen(f"{url}/").read().decode()
        assert 'href="/doc/ebm/privacy"' in index and 'href="/doc/ebm/privacy/nl"' in index
        dutch = urllib.request.urlopen(f"{url}/doc/ebm/privacy/nl").read().decode()
        assert '<html lang="nl">' in dutch and "Artikel 2" in dutch and "Uw rechten" in dutch
        assert '<link rel="alternate" hreflang="fr" href="/doc/ebm/privacy">' in dutch
        assert '<nav class="preview-nav" aria-label="Voorvertoning van het ontwerp">' in dutch
        assert ">Ontwerp</a> · <a " in dutch and ">Wijzigingen sinds de laatste gepubliceerde versie</a>" in dutch
        assert _french_page_words(dutch) == []
        french = urllib.request.urlopen(f"{url}/doc/ebm/privacy").read().decode()
        assert '<link rel="alternate" hreflang="nl" href="/doc/ebm/privacy/nl">' in french
        assert ">Projet</a> · <a " in french and ">Modifications depuis la dernière version publiée</a>" in french
    finally:
        stop.set()
        server.shutdown()


def test_dutch_pdf_and_docx_read_back_in_dutch(project: Path, tmp_path: Path) -> None:
    import zipfile

    out = tmp_path / "out"
    built = cgu_in_process(project, "build", "--format", "pdf,docx", "--out", str(out))
    assert built.returncode == 0, built.stderr
    text = subprocess.run(
        ["pdftotext", "-layout", str(out / "ebm/nl/privacy-2025-06-01.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Artikel 2 – Uw rechten" in text and "Versie van 1 juni 2025" in text and "Inhoud" in text
    with zipfile.ZipFile(out / "ebm/nl/privacy-2025-06-01.docx") as word:
        core = word.read("docProps/core.xml").decode()
        body = word.read("word/document.xml").decode()
        styles = word.read("word/styles.xml").decode()
    assert "<dc:language>nl-BE</dc:language>" in core
    assert set(re.findall(r'<w:lang w:val="([^"]+)"', styles + body)) == {"nl-BE"}  # Word's spelling in Dutch
    assert "Artikel 2 – Uw rechten" in body and "Versie van 1 juni 2025, van kracht vanaf 1 juni 2025" in body


def test_an_overlay_holds_text_facts_only_one_item_per_source_item(project: Path) -> None:
    overlay = project / "organisms/ebm/organism.nl.yaml"
    replace_in(
        overlay, '  name: "Gegevensbeschermingsautoriteit (GBA)"', '  name: "GBA"\n  website: https://www.gba.be'
    )
    replace_in(overlay, '  - {description: "elektronische brievenbus"}\n', "")
    _refused(
        project,
        "organisms/ebm/organism.nl.yaml:7: translation-mismatch: 'authority.website' is not text to translate",
        "organisms/ebm/organism.nl.yaml:8: translation-mismatch: 'services' has 1 items here and 2 in "
        "organisms/ebm/organism.yaml",
    )


def _release(project: Path, kind: str) -> subprocess.CompletedProcess[str]:
    """`cgu release ebm KIND`, a form-only first version of 2025-06-01, committed by cgu on that day (noon UTC)."""
    identity = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
        "GIT_AUTHOR_DATE": f"{FIRST_DAY}T12:00:00+00:00",
        "GIT_COMMITTER_DATE": f"{FIRST_DAY}T12:00:00+00:00",
    }
    arguments = ["release", "ebm", kind, "--summary", "Première version.", "--form", "--version", "2025-06-01"]
    return cgu_here(Path.cwd(), *arguments, "--date", "2025-06-01", "--project", str(project), env=identity)


def test_a_bilingual_document_releases_and_a_stale_translation_refuses_the_release(project: Path) -> None:
    made = _release(project, "cgu")
    assert made.returncode == 0, made.stderr
    _commit_change(project, "de portabilité.", "de portabilité de vos données.")
    before = (project / "organisms/ebm/organism.yaml").read_text(encoding="utf-8")
    refused = _release(project, "privacy")
    assert refused.returncode == 1 and "translation-stale" in refused.stderr
    assert (project / "organisms/ebm/organism.yaml").read_text(encoding="utf-8") == before


@pytest.mark.slow
def test_every_hreflang_link_of_a_published_site_leads_to_a_page(project: Path, tmp_path: Path) -> None:
    for kind in ("cgu", "privacy"):
        made = _release(project, kind)
        assert made.returncode == 0, made.stderr
    site = tmp_path / "site"
    published = cgu_in_process(project, "publish", "--out", str(site), "--date", "2025-06-02")
    assert published.returncode == 0, published.stderr
    for name in (
        "index.html",
        "index.nl.html",
        "ebm/cgu/index.html",
        "ebm/nl/cgu/index.html",
        "ebm/privacy/index.html",
        "ebm/nl/privacy/index.html",
    ):
        assert (site / name).is_file(), name
    built = cgu_in_process(project, "build", "--format", "html", "--out", str(tmp_path / "out"), "--date", "2025-06-02")
    assert built.returncode == 0, built.stderr
    links: dict[str, int] = {"site": 0, "out": 0}
    for where, folder in (("site", site), ("out", tmp_path / "out")):
        for page in folder.rglob("*.html"):
            for href in _alternates(page.read_text(encoding="utf-8")).values():
                assert (page.parent / href).is_file(), (page, href)
                links[where] += 1
    assert links["site"] >= 2 * 6 and links["out"] >= 2 * 4, links  # both languages' links of each page above


def test_a_translation_is_rendered_again_only_when_its_inputs_or_its_draft_mark_change(
    project: Path, tmp_path: Path
) -> None:
    from cgu.commands.build import build

    assert _release(project, "cgu").returncode == 0
    out, page = tmp_path / "out", "ebm/nl/cgu-2025-06-01.html"
    assert page in build(project, out, formats=("html",)).rendered
    released = (out / page).read_bytes()
    again = build(project, out, formats=("html",))
    assert again.rendered == [] and page in again.kept and (out / page).read_bytes() == released
    # Only the French source changes: the document is a draft again, and so is its translation ("Projet").
    replace_in(project / "clauses/objet.md", "s'applique aux services", "s'applique à tous les services")
    assert page in build(project, out, formats=("html",)).rendered
    build(project, tmp_path / "fresh", formats=("html",))
    assert (out / page).read_bytes() == (tmp_path / "fresh" / page).read_bytes() != released


def test_a_translation_comes_back_from_the_cache_exactly_and_never_stale(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cgu.compose.composer import Composer
    from tests.helpers.cache import own_cache

    cache = own_cache(project, tmp_path, monkeypatch)
    composed = load_project(project).translations
    assert [d.language for d in composed] == ["nl", "nl"]
    assert load_project(project, cache=cache).translations == composed  # composed, then kept
    made: list[str] = []
    real = Composer.compose

    def counted(composer: Composer, organism, kind, draft=False):  # type: ignore[no-untyped-def]
        made.append(f"{organism.id}/{organism.language}/{kind}")
        return real(composer, organism, kind, draft)

    monkeypatch.setattr(Composer, "compose", counted)
    assert load_project(project, cache=cache).translations == composed and made == []
    replace_in(project / "clauses/objet.nl.md", "Deze versie dateert", "Deze tekst dateert")  # the translation only
    changed = load_project(project, cache=cache).translations
    assert made == ["ebm/nl/cgu", "ebm/nl/privacy"] and changed != composed
    monkeypatch.setattr(Composer, "compose", real)
    assert changed == load_project(project).translations


COOKIES = """cookies:
  - {name: _pk_id, provider: Matomo, purpose: "Mesurer l'audience du site", category: audience, duration: "13 mois",
     consent: true}
  - {name: ebm_session, provider: EBM, purpose: "Garder la session ouverte", category: necessary, duration: session,
     consent: false}
cookie_settings: {consent_retention: "6 mois"}
"""
DUTCH_COOKIES = """cookies:
  - {purpose: "Het publiek van de site meten", duration: "13 maanden"}
  - {purpose: "De sessie open houden", duration: "tijdens de sessie"}
cookie_settings: {consent_retention: "6 maanden"}
"""


def _with_cookies(project: Path, dutch: str = DUTCH_COOKIES) -> None:
    """The fixture's organism with two cookies and the consent's retention, in French and (`dutch`) in Dutch."""
    with (project / "organisms/ebm/organism.yaml").open("a", encoding="utf-8") as facts:
        facts.write(COOKIES)
    with (project / "organisms/ebm/organism.nl.yaml").open("a", encoding="utf-8") as facts:
        facts.write(dutch)
    stamp(project)


def test_the_cookie_banner_is_exported_in_each_language_of_the_organism(project: Path) -> None:
    _with_cookies(project)
    french = cgu_in_process(project, "export-cookies", "ebm", "--format", "json")
    dutch = cgu_in_process(project, "export-cookies", "ebm", "--format", "json", "--language", "nl")
    assert french.returncode == dutch.returncode == 0, french.stderr + dutch.stderr
    source, translated = json.loads(french.stdout), json.loads(dutch.stdout)
    assert "language" not in source and translated["language"] == "nl"
    assert [c["purpose"] for c in source["cookies"]] == ["Mesurer l'audience du site", "Garder la session ouverte"]
    assert [c["purpose"] for c in translated["cookies"]] == ["Het publiek van de site meten", "De sessie open houden"]
    assert [c["duration"] for c in translated["cookies"]] == ["13 maanden", "tijdens de sessie"]
    assert [c["lifetime"] for c in translated["cookies"]] == [c["lifetime"] for c in source["cookies"]]
    assert translated["cookies"][0]["lifetime"]["months"] == 13 and translated["consent_retention"] == "6 maanden"
    assert [c["name"] for c in translated["cookies"]] == ["_pk_id", "ebm_session"]  # names are never translated
    banner = cgu_in_process(project, "export-cookies", "ebm", "--language", "nl")
    assert banner.returncode == 0, banner.stderr
    assert banner.stdout.startswith("// Generated by cgu from organisms/ebm in 'nl': edit the organism file")
    assert '"purposes": ["Het publiek van de site meten"]' in banner.stdout and "ebm_session" not in banner.stdout
    assert '"cookieDuration": 183' in banner.stdout  # 6 maanden, read in Dutch
    assert (
        cgu_in_process(project, "export-cookies", "ebm", "--language", "fr").stdout
        == cgu_in_process(project, "export-cookies", "ebm").stdout
    )


def test_the_cookie_banner_is_never_exported_in_a_language_it_is_not_translated_into(project: Path) -> None:
    _with_cookies(project, DUTCH_COOKIES.replace('"13 maanden"', '"13 mois"'))
    left_in_french = cgu_in_process(project, "export-cookies", "ebm", "--language", "nl")
    assert (left_in_french.returncode, left_in_french.stdout) == (1, "")
    assert "organisms/ebm/organism.nl.yaml:" in left_in_french.stderr and "13 mois" in left_in_french.stderr
    assert "Traceback" not in left_in_french.stderr
    undeclared = cgu_in_process(project, "export-cookies", "ebm", "--language", "de")
    assert (undeclared.returncode, undeclared.stdout) == (1, "")
    assert undeclared.stderr == (
        "organisms/ebm/organism.yaml:4: no language 'de' for ebm: its languages are fr, nl (organism ebm)\n"
    )


def test_a_legal_text_finding_names_the_law_in_the_checked_language(project: Path) -> None:
    with (project / "clauses/droits.md").open("a", encoding="utf-8") as clause:
        clause.write("\nVos données sont protégées selon la {{ law('directive-95-46') }}.\n")
    with (project / "clauses/droits.nl.md").open("a", encoding="utf-8") as clause:
        clause.write("\nUw gegevens worden beschermd volgens {{ law('directive-95-46') }}.\n")
    stamp(project)
    checked = cgu_in_process(project, "check", "--format", "json")
    assert checked.returncode == 1, checked.stderr
    found = [f for f in json.loads(checked.stdout) if f["rule"] == "legal-text-superseded"]
    messages = {"nl" if str(f["message"]).endswith("(in nl)") else "fr": str(f["message"]) for f in found}
    assert len(found) == 2 and set(messages) == {"fr", "nl"}, found
    assert (
        "(directive 95/46/CE du 24 octobre 1995): replaced on 2018-05-25 by the règlement (UE) 2016/679"
        in (messages["fr"])
    )
    assert (
        "(Richtlijn 95/46/EG van 24 oktober 1995): replaced on 2018-05-25 by the Verordening (EU) 2016/679 van "
        "27 april 2016 (algemene verordening gegevensbescherming); cite that instead (in nl)"
    ) in messages["nl"]
    assert "directive" not in messages["nl"] and "règlement" not in messages["nl"]
