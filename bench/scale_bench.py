"""Benchmark at the scale of the Vivoptim deployment: N mutuelles extending vivoptim-base, measured in one run.

Reports: full build (HTML only, then HTML + PDF) on 1 and 2 processes, WeasyPrint's own rendering time for
the same pages (the floor), a no-change rebuild, a one-organism rebuild, the peak memory of each build, and
what reusing the font configuration and the parsed stylesheet across documents saves per PDF.
Run: python bench/scale_bench.py [N]   (default 400; needs nothing outside the repository)
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
NAMES = ROOT / "bench" / "data" / "vivoptim-mutuelles.txt"
"""The organisms that deploy Vivoptim, in the order of the seed document (442 lines, a few names repeated)."""

CITIES = [  # (city, postal code, phone zone): postal codes and phone prefixes that belong together
    ("Paris", "75009", "01"),
    ("Nanterre", "92000", "01"),
    ("Lille", "59000", "03"),
    ("Strasbourg", "67000", "03"),
    ("Reims", "51100", "03"),
    ("Dijon", "21000", "03"),
    ("Nancy", "54000", "03"),
    ("Lyon", "69003", "04"),
    ("Marseille", "13006", "04"),
    ("Grenoble", "38000", "04"),
    ("Montpellier", "34000", "04"),
    ("Nice", "06000", "04"),
    ("Clermont-Ferrand", "63000", "04"),
    ("Toulouse", "31000", "05"),
    ("Bordeaux", "33000", "05"),
    ("Limoges", "87000", "05"),
    ("Niort", "79000", "05"),
    ("Pau", "64000", "05"),
    ("Nantes", "44000", "02"),
    ("Rennes", "35000", "02"),
    ("Rouen", "76000", "02"),
    ("Tours", "37000", "02"),
    ("Orléans", "45000", "02"),
    ("Caen", "14000", "02"),
    ("Angers", "49000", "02"),
]
STREETS = [
    "rue de la République",
    "avenue Jean Jaurès",
    "boulevard Victor Hugo",
    "rue Nationale",
    "place de la Mairie",
    "rue du Général de Gaulle",
    "avenue de la Libération",
    "rue Pasteur",
]
COLOURS = ["#00639a", "#0b6e4f", "#8e3b46", "#5b4a9e", "#b35c00", "#2f5d62", "#7a1f5c", "#37474f"]


def slugify(name: str, limit: int = 60) -> str:
    """An organism id from a name: ASCII, lower case, hyphens, cut at a word boundary within `limit` characters."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) > limit:
        slug = slug[: limit + 1].rsplit("-", 1)[0]
    return slug or "mutuelle"


def siren(index: int) -> str:
    """A distinct 9-digit SIREN per index, with a valid Luhn check digit, written "123 456 789"."""
    body = f"{30_000_000 + (31_415_926 + index * 1_299_709) % 60_000_000:08d}"  # 1 299 709 is prime: no repeats
    from cgu.rules.values.identifiers import luhn_ok

    number = next(body + check for check in "0123456789" if luhn_ok(body + check))
    return f"{number[:3]} {number[3:6]} {number[6:]}"


def mutuelles(count: int) -> list[tuple[str, str]]:
    """(id, name) of the first `count` deploying organisms; ids unique (-2, -3 for repeated names), names cycled
    past the list."""
    names = [line.strip() for line in NAMES.read_text(encoding="utf-8").splitlines() if line.strip()]
    taken: set[str] = {"vivoptim-base"}
    result = []
    for index in range(count):
        name = names[index % len(names)] + (f" {index // len(names) + 1}" if index >= len(names) else "")
        base = slugify(name)
        organism_id, suffix = base, 2
        while organism_id in taken:
            organism_id, suffix = f"{base}-{suffix}", suffix + 1
        taken.add(organism_id)
        result.append((organism_id, name))
    return result


def q(value: str) -> str:
    """A YAML string (a JSON string is one): names may hold quotes, commas and apostrophes."""
    return json.dumps(value, ensure_ascii=False)


def organism_yaml(index: int, organism_id: str, name: str) -> str:
    """One deploying mutuelle: vivoptim-base plus its identity, contacts and colour (the shape vivoptim-base
    documents)."""
    city, postal_code, zone = CITIES[index % len(CITIES)]
    street = f"{index % 97 + 1} {STREETS[index % len(STREETS)]}"
    domain = f"{organism_id[:40].rstrip('-')}.example"  # reserved for examples: no real mutuelle's address
    phone = f"{zone} {10 + index % 90:02d} {index * 7 % 100:02d} {index * 13 % 100:02d} {index * 31 % 100:02d}"
    address = f"{{street: {q(street)}, postal_code: {q(postal_code)}, city: {q(city)}}}"
    dpo_address = (
        f"{{street: {q('Délégué à la protection des données, ' + street)}, "
        f"postal_code: {q(postal_code)}, city: {q(city)}}}"
    )
    legal_form = (
        "  legal_form: mutuelle régie par le livre II du Code de la mutualité\n" if "MUTU" in name.upper() else ""
    )
    return (
        "extends: vivoptim-base\n"
        "identity:\n"
        f"  name: {q(name)}\n{legal_form}"
        f"  siren: {q(siren(index))}\n"
        f"  address: {address}\n"
        f"  phone: {q(phone)}\n"
        f"  email: contact@{domain}\n"
        f"  website: https://www.{domain}\n"
        f"dpo: {{email: dpo@{domain}, address: {dpo_address}}}\n"
        f"rights: {{email: dpo@{domain}, address: {dpo_address}}}\n"
        f"theme: {{color: {q(COLOURS[index % len(COLOURS)])}}}\n"
    )


def generate(project: Path, count: int) -> list[str]:
    """A content repository: the shipped clauses and themes, vivoptim-base, and `count` deploying mutuelles; their
    ids."""
    for folder in ("clauses", "themes"):
        shutil.copytree(ROOT / folder, project / folder)
    shutil.copytree(ROOT / "organisms" / "vivoptim-base", project / "organisms" / "vivoptim-base")
    ids = []
    for index, (organism_id, name) in enumerate(mutuelles(count)):
        (project / "organisms" / f"{organism_id}.yaml").write_text(
            organism_yaml(index, organism_id, name), encoding="utf-8"
        )
        ids.append(organism_id)
    return ids


def _pss_kib(pid: int) -> int:
    """Proportional set size of a process and its descendants (shared pages of forked workers counted once)."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        total = int(re.search(r"^Pss:\s+(\d+)", rollup, re.MULTILINE)[1])  # type: ignore[index]
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except (OSError, TypeError):
        return 0
    return total + sum(_pss_kib(int(child)) for child in children)


def run(project: Path, out: Path, *args: str) -> dict[str, object]:
    """One `cgu build` process: wall and CPU time (its workers' included), peak memory of its process tree (MiB,
    sampled), and its --timings stages. CPU time is what to compare on a machine shared with other work."""
    command = [
        sys.executable,
        str(ROOT / "cgu_cli.py"),
        "build",
        "--project",
        str(project),
        "--out",
        str(out),
        "--timings",
        *args,
    ]
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], _pss_kib(process.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, errors = process.communicate()
    elapsed = time.perf_counter() - start
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_seconds = after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{output}{errors[-3000:]}")
    stages = {m[1].strip(): float(m[2]) for m in re.finditer(r"^  (.+?)\s+([\d.]+) s\b", output, re.MULTILINE)}
    return {
        "seconds": round(elapsed, 1),
        "cpu seconds": round(cpu_seconds, 1),
        "load average": round(os.getloadavg()[0], 1),
        "peak MiB": peak[0] // 1024,
        "stages": stages,
    }


def sample_pages(project: Path, documents: int) -> list:
    """What cgu hands WeasyPrint for `documents` documents spread over the project (both kinds)."""
    from cgu.project import load_project
    from cgu.render.registry import BUILDERS

    loaded = load_project(project)
    step = max(1, len(loaded.documents) // documents)
    chosen = [d for i, d in enumerate(loaded.documents) if i % step == 0 or i % step == 1][:documents]
    return [BUILDERS["pdf"].page(d, loaded.themes[d.organism.theme.name], loaded.root) for d in chosen]  # type: ignore[attr-defined]


def weasyprint_floor(pages: list) -> tuple[float, float]:
    """Mean wall and CPU seconds per document of WeasyPrint alone (`write_pdf` with cgu's options) on prepared pages."""
    from cgu.render.registry import BUILDERS

    builder = BUILDERS["pdf"]
    builder.write(pages[0])  # type: ignore[attr-defined]  # fonts loaded once, as in a build
    start, cpu = time.perf_counter(), time.process_time()
    for page in pages:
        builder.write(page)  # type: ignore[attr-defined]
    return (time.perf_counter() - start) / len(pages), (time.process_time() - cpu) / len(pages)


def reuse_gain(pages: list, theme_css: Path) -> dict[str, object]:
    """CPU seconds per PDF with a new font configuration per document, with one shared, and with the stylesheet
    parsed once too.

    The three ways run in turn on each page (rotating which goes first), timed in CPU seconds of this process, so
    that other work on the machine hits them alike.
    """
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    from cgu.render.pdf import PdfPage
    from cgu.render.registry import BUILDERS

    builder = BUILDERS["pdf"]

    def without_link(page: PdfPage) -> PdfPage:
        link = f'<link rel="stylesheet" href="{theme_css.resolve().as_uri()}">'
        assert link in page.html, "the theme's page no longer links its stylesheet this way"
        return PdfPage(page.html.replace(link, ""), page.base_url, page.fetcher, page.identifier, page.epoch)

    parsed = CSS(filename=str(theme_css), font_config=builder.fonts, url_fetcher=pages[0].fetcher)  # type: ignore[attr-defined]
    ways = {
        "new fonts per document": lambda p: builder.write(p, fonts=FontConfiguration()),  # type: ignore[attr-defined]
        "shared fonts (cgu)": lambda p: builder.write(p),  # type: ignore[attr-defined]
        "shared fonts + parsed stylesheet": lambda p: builder.write(without_link(p), stylesheets=(parsed,)),
    }  # type: ignore[attr-defined]
    seconds = dict.fromkeys(ways, 0.0)
    outputs: dict[str, list[bytes]] = {name: [] for name in ways}
    order = list(ways)
    for turn, page in enumerate(pages):
        for name in order[turn % 3 :] + order[: turn % 3]:
            start = time.process_time()
            outputs[name].append(ways[name](page))
            seconds[name] += time.process_time() - start
    result: dict[str, object] = {name: round(value / len(pages), 3) for name, value in seconds.items()}
    result["same bytes"] = all(outputs[name] == outputs["shared fonts (cgu)"] for name in ways)
    return result


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    results: dict[str, object] = {"organisms": count, "documents": 2 * count}
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        ids = generate(project, count)
        full1 = Path(tmp) / "full1"
        results["html only, jobs 1"] = run(project, Path(tmp) / "html1", "--format", "html")
        results["html+pdf, jobs 1"] = run(project, full1)
        results["html+pdf, jobs 2"] = run(project, Path(tmp) / "full2", "--jobs", "2")
        results["no-change rebuild"] = run(project, full1)
        target = project / "organisms" / f"{ids[len(ids) // 2]}.yaml"
        target.write_text(
            target.read_text(encoding="utf-8").replace("  email: contact@", "  email: accueil@"), encoding="utf-8"
        )
        results["one-organism rebuild"] = run(project, full1)
        pages = sample_pages(project, min(40, 2 * count))
        wall, cpu = weasyprint_floor(pages)
        results["weasyprint alone, per document"] = {
            "seconds": round(wall, 3),
            "cpu seconds": round(cpu, 3),
            "sample": len(pages),
        }
        results["weasyprint alone, all documents"] = {
            "seconds": round(wall * 2 * count, 1),
            "cpu seconds": round(cpu * 2 * count, 1),
        }
        results["reuse, cpu seconds per PDF"] = reuse_gain(pages[:12], project / "themes" / "default" / "style.css")
    print(json.dumps(results, indent=1, ensure_ascii=False))
    full = results["html+pdf, jobs 1"]["seconds"]  # type: ignore[index]
    floor = results["weasyprint alone, all documents"]["seconds"]  # type: ignore[index]
    full_cpu = results["html+pdf, jobs 1"]["cpu seconds"]  # type: ignore[index]
    floor_cpu = results["weasyprint alone, all documents"]["cpu seconds"]  # type: ignore[index]
    reuse = results["reuse, cpu seconds per PDF"]
    print(f"full build: HTML only {results['html only, jobs 1']['seconds']} s, HTML + PDF {full} s")  # type: ignore[index]
    print(f"jobs 2 speed-up: {full / results['html+pdf, jobs 2']['seconds']:.2f}x")  # type: ignore[index]
    print(f"no-change rebuild: {100 * results['no-change rebuild']['seconds'] / full:.1f} % of the full build")  # type: ignore[index]
    print(f"one-organism rebuild: {100 * results['one-organism rebuild']['seconds'] / full:.1f} % of the full build")  # type: ignore[index]
    print(f"peak memory: {max(r['peak MiB'] for r in results.values() if isinstance(r, dict) and 'peak MiB' in r)} MiB")  # type: ignore[index]
    print(
        f"overhead above WeasyPrint alone: {100 * (full - floor) / floor:.1f} % in wall time, "
        f"{100 * (full_cpu - floor_cpu) / floor_cpu:.1f} % in CPU time"
    )
    inside = results["html+pdf, jobs 1"]["stages"]["render pdf"]  # type: ignore[index]
    print(
        f"overhead above the build's own PDF rendering (same process, same time, so immune to other load): "
        f"{100 * (full - inside) / inside:.1f} %"
    )
    shared, fresh = reuse["shared fonts (cgu)"], reuse["new fonts per document"]  # type: ignore[index]
    parsed = reuse["shared fonts + parsed stylesheet"]  # type: ignore[index]
    print(
        f"font configuration reuse saves {100 * (fresh - shared) / fresh:.1f} % per PDF; "
        f"parsing the stylesheet once too saves {100 * (shared - parsed) / shared:.1f} % more "
        f"(same bytes: {reuse['same bytes']})"
    )  # type: ignore[index]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
