"""Publishing: the static site, releases, index.json, bundles that verify, and exactly what a change touches."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT
from helpers.faults import snapshot
from helpers.git import commit_all, git
from helpers.releases import RELEASE_1, declare, edit
from ruamel.yaml import YAML

from cgu.cli import main
from cgu.commands.build import build
from cgu.commands.publish import publish


def test_publish_site_and_bundles(repo: Path, tmp_path: Path) -> None:
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


def test_tampered_bundle_is_refused(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    publish(repo, out)
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(out / "bundles/beta.zip") as source, zipfile.ZipFile(tampered, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, data.replace(b"Beta", b"Gamma") if item.filename.endswith(".html") else data)
        target.writestr("extra.txt", b"x")
    result = CliRunner().invoke(main, ["verify-bundle", str(tampered)])
    assert (
        result.exit_code == 1
        and "content differs from the manifest" in result.output
        and "extra.txt: not listed" in result.output
    )


def test_republish_after_a_clause_edit_changes_exactly_what_depends_on_it(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    publish(repo, out)
    before = snapshot(out)
    edit(repo / "clauses/droit.md", "relèvent du droit", "sont soumises au droit")
    publish(repo, out)
    after = snapshot(out)
    changed = sorted(p for p in after if after[p] != before.get(p))
    assert changed == [
        ".cgu-build.json",  # it records the SHA-256 of every file, versions.json's among them
        "beta/cgu/versions.json",
        "bundles/all.zip",
        "bundles/beta.zip",
        "index.json",
    ], "a draft never reaches the published site: only versions.json and index.json say one is pending"
    assert set(before) == set(after)


WORKFLOW = ROOT / ".github/workflows/cgu.yml"


def run_workflow_job(job: dict, workdir: Path, store: Path, env: dict[str, str]) -> None:
    """Run a workflow job's steps for real, in `workdir`: `run` steps with bash (once per matrix value), artifact
    uploads and downloads as copies through `store`; checkout, Python and system setup are already done here."""
    matrix = job.get("strategy", {}).get("matrix", {})
    key, values = next(iter(matrix.items())) if matrix else ("", [None])
    for value in values:
        expand = functools.partial(_expand, key=key, value=value)
        for step in job["steps"]:
            uses = step.get("uses", "")
            if "run" in step and not step["run"].startswith("bash .ci/setup"):
                result = subprocess.run(
                    ["bash", "-e", "-c", expand(step["run"])],
                    cwd=workdir,
                    env=env,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                assert result.returncode == 0, f"{step['run']}\n{result.stdout}\n{result.stderr}"
            elif uses.startswith("actions/upload-artifact"):
                shutil.copytree(
                    workdir / expand(step["with"]["path"]), store / expand(step["with"]["name"]), dirs_exist_ok=True
                )
            elif uses.startswith("actions/download-artifact"):
                for artifact in sorted(store.glob(step["with"]["pattern"])):
                    shutil.copytree(artifact, workdir / step["with"]["path"] / artifact.name)


def _expand(text: str, key: str, value: object) -> str:
    return text.replace(f"${{{{ matrix.{key} }}}}", str(value))


@pytest.fixture(scope="module")
def ci_sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A project of four organisms with two releases of the CGU, published by the CI workflow's own steps
    (sharded build, merge, publish) and, for comparison, by one `cgu publish`."""
    tmp = tmp_path_factory.mktemp("ci")
    content = tmp / "content"
    shutil.copytree(FIXTURES / "mini", content)
    for index in (1, 2):  # more organisms, so that the four shards are not all empty
        (content / f"organisms/extra-{index}.yaml").write_text(
            f"extends: base\nidentity:\n  name: Extra {index}\n  address: {{street: rue {index}, postal_code: '7500{index}', city: Paris}}\n"
            "jurisdiction:\n  mediation: 'Médiateur Exemple, https://mediateur.example.org'\n",
            encoding="utf-8",
        )
    git(content, "init", "-q", "-b", "main")
    commit_all(content, "content")
    base = content / "organisms/base.yaml"
    base.write_text(
        base.read_text(encoding="utf-8").replace("    version: 2024-06-01\n    effective: 2024-06-15\n", RELEASE_1, 1),
        encoding="utf-8",
    )
    commit_all(content, "release 2024-06-01 of the cgu")
    edit(content / "clauses/droit.md", "relèvent du droit", "sont soumises au droit")
    today = dt.date.today()
    declare(content, today, today + dt.timedelta(days=31), True, "Droit applicable reformulé.")
    commit_all(content, "second release of the cgu")
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    (bin_dir / "cgu").write_text(f'#!/bin/sh\nexec "{sys.executable}" "{ROOT / "cgu_cli.py"}" "$@"\n', encoding="utf-8")
    (bin_dir / "cgu").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    workflow = YAML(typ="safe").load(WORKFLOW.read_text(encoding="utf-8"))
    assert workflow["jobs"]["publish"]["needs"] == "build" and workflow["jobs"]["build"]["needs"] == "check"
    store = tmp / "artifacts"
    for job in ("build", "publish"):
        run_workflow_job(workflow["jobs"][job], content, store, env)
    publish(content, tmp / "direct")
    build(content, tmp / "unsharded")
    return content, store, tmp


def test_ci_workflow_publishes_the_same_site_as_one_publish(ci_sites: tuple[Path, Path, Path]) -> None:
    content, store, tmp = ci_sites
    assert {p.name for p in store.iterdir()} == {"shard-1", "shard-2", "shard-3", "shard-4", "site", "bundles"}
    # The merged shards, release history included, are the unsharded build byte for byte.
    merged = tmp / "merged"
    shards = sorted(str(p) for p in store.glob("shard-*"))
    result = CliRunner().invoke(main, ["merge", "--project", str(content), str(merged), *shards])
    assert result.exit_code == 0, result.output
    assert snapshot(merged) == snapshot(tmp / "unsharded")
    assert (merged / f"extra-2/cgu/redline-2024-06-01-to-{dt.date.today().isoformat()}.html").is_file()
    # What CI uploads is what one `cgu publish` makes.
    assert snapshot(store / "site") == snapshot(tmp / "direct")
    assert snapshot(store / "bundles") == snapshot(tmp / "direct" / "bundles")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links += [
            (tag, name, value) for name, value in attrs if name in ("href", "src", "srcset", "data", "poster") and value
        ]


def test_published_site_links_are_relative_and_reach_every_page(ci_sites: tuple[Path, Path, Path]) -> None:
    site = ci_sites[2] / "direct"
    reached, queue = {"index.html"}, ["index.html"]
    while queue:  # follow links from index.html, as a reader (or a crawler) would
        page = site / queue.pop()
        text = page.read_text(encoding="utf-8")
        parser = _Links()
        parser.feed(text)
        targets = [(tag, name, value) for tag, name, value in parser.links]
        targets += [("style", "url", url) for url in re.findall(r"url\(['\"]?([^'\")]+)", text)]
        for tag, _name, value in targets:
            url = urlsplit(value)
            if url.scheme in ("http", "https") or value.startswith("//"):
                assert tag == "a", f"{page.relative_to(site)} loads {value} from another host"
                continue
            if url.scheme in ("mailto", "tel") or not url.path:
                continue
            assert not url.scheme and not value.startswith("/"), f"{page.relative_to(site)}: non-relative link {value}"
            target = (page.parent / unquote(url.path)).resolve()
            assert target.is_file() and site.resolve() in target.parents, (
                f"{page.relative_to(site)}: broken link {value}"
            )
            path = target.relative_to(site.resolve()).as_posix()
            if path not in reached:
                reached.add(path)
                if path.endswith(".html"):
                    queue.append(path)
    for css in site.glob("assets/*/*.css"):
        for url in re.findall(r"(?:url\(|@import\s+)['\"]?([^'\")\s;]+)", css.read_text(encoding="utf-8")):
            assert not urlsplit(url).scheme and (css.parent / url).is_file(), f"{css.name} loads {url}"
    pages = {
        p.relative_to(site).as_posix()
        for p in site.rglob("*")  # fragments are for portals to embed, not to browse
        if p.suffix in (".html", ".pdf") and not p.name.endswith(".fragment.html")
    }
    assert pages - reached == set(), "pages no link leads to"
    releases = (site / "releases.html").read_text(encoding="utf-8")
    assert 'href="extra-1/cgu/releases/2024-06-01.pdf"' in releases
    assert f'href="extra-1/cgu/redline-2024-06-01-to-{dt.date.today().isoformat()}.html"' in releases
