"""Publishing: the static site, releases, index.json, bundles that verify, and exactly what a change touches."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from click.testing import CliRunner

from cgu.cli import main
from cgu.publish import publish
from test_faults import snapshot
from test_releases import edit, repo  # noqa: F401 - the real-git fixture

__all__ = ["repo"]


def test_publish_site_and_bundles(repo: Path, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "public"
    report = publish(repo, out)
    assert report.releases == 2 and report.bundles == 3  # acme and beta both inherit the release from base
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    beta_cgu = next(e for e in index["organisms"] if e["id"] == "beta" and e["document"] == "cgu")
    assert beta_cgu["releases"][0]["html"] == "beta/cgu/releases/2024-06-01.html"
    for entry in index["organisms"]:
        for key in ("html", "pdf"):
            assert (out / entry[key]).is_file()
    page = (out / "beta/cgu/releases/2024-06-01.html").read_text(encoding="utf-8")
    assert 'href="../../../assets/default/style.css"' in page and "https://" not in page.split("<main")[0]
    for bundle in ("acme", "beta", "all"):
        result = CliRunner().invoke(main, ["verify-bundle", str(out / f"bundles/{bundle}.zip")])
        assert result.exit_code == 0 and result.output.startswith("valid:"), result.output


def test_tampered_bundle_is_refused(repo: Path, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "public"
    publish(repo, out)
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(out / "bundles/beta.zip") as source, zipfile.ZipFile(tampered, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, data.replace(b"Beta", b"Gamma") if item.filename.endswith(".html") else data)
        target.writestr("extra.txt", b"x")
    result = CliRunner().invoke(main, ["verify-bundle", str(tampered)])
    assert result.exit_code == 1 and "content differs from the manifest" in result.output and "extra.txt: not listed" in result.output


def test_republish_after_a_clause_edit_changes_exactly_what_depends_on_it(repo: Path, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "public"
    publish(repo, out)
    before = snapshot(out)
    edit(repo / "clauses/droit.md", "relèvent du droit", "sont soumises au droit")
    publish(repo, out)
    after = snapshot(out)
    changed = sorted(p for p in after if after[p] != before.get(p))
    assert changed == [".cgu-build.json", "beta/cgu-2024-06-01.html", "beta/cgu-2024-06-01.pdf", "beta/cgu/versions.json",
                       "bundles/all.zip", "bundles/beta.zip", "index.html", "index.json"], "index.html marks the draft"
    assert set(before) == set(after)
