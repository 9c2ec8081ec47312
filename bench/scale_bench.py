"""Benchmark at the scale of the Vivoptim deployment: N organisms extending vivoptim-base, measured in one run.

Reports: full build (HTML only, then HTML + PDF) on 1 and 2 processes, WeasyPrint's own rendering time for
the same HTML (the floor), a no-change rebuild, a one-organism rebuild, and peak memory of each build.
Run: python bench/scale_bench.py [N]   (default 400; needs nothing outside the repository)
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def generate(project: Path, count: int) -> None:
    """A content repository: the shipped clauses and theme, vivoptim-base, and `count` deploying mutuelles."""
    for folder in ("clauses", "themes"):
        shutil.copytree(ROOT / folder, project / folder)
    shutil.copytree(ROOT / "organisms" / "vivoptim-base", project / "organisms" / "vivoptim-base")
    for index in range(1, count + 1):
        (project / "organisms" / f"mutuelle-{index:03d}.yaml").write_text(
            "extends: vivoptim-base\n"
            "identity:\n"
            f"  name: Mutuelle partenaire n° {index}\n"
            f"  siren: \"{index:09d}\"\n"
            f"  address: {{street: \"{index} rue de la Santé\", postal_code: \"75{index % 100:03d}\", city: Paris}}\n"
            f"  phone: \"01 00 00 {index % 100:02d} {index // 100:02d}\"\n"
            f"dpo: {{email: dpo@mutuelle-{index:03d}.example, address: {{street: \"{index} rue de la Santé\", postal_code: \"75015\", city: Paris}}}}\n"
            f"rights: {{email: dpo@mutuelle-{index:03d}.example, response_delay: un mois}}\n"
            "authority: {name: CNIL, website: https://www.cnil.fr}\n", encoding="utf-8")


def run(project: Path, out: Path, *args: str) -> tuple[float, int]:
    """Wall time, and the peak resident memory (MiB) of the largest `cgu build` process so far."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "cgu_cli.py"), "build", "--project", str(project), "--out", str(out), *args],
                   check=True, capture_output=True)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) // 1024


def weasyprint_floor(out: Path, sample: int) -> float:
    """Seconds WeasyPrint alone takes for the built HTML of `sample` documents, extrapolated per document."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from cgu.builders.pdf import PDF_VARIANT

    fonts = FontConfiguration()
    pages = sorted(out.glob("mutuelle-*/*.html"))[:sample]
    start = time.perf_counter()
    for page in pages:  # the same options as cgu's PDF builder: PDF/A, tagged, one font configuration
        HTML(filename=str(page)).write_pdf(font_config=fonts, pdf_variant=PDF_VARIANT, pdf_tags=True)
    return (time.perf_counter() - start) / len(pages)


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    results: dict[str, object] = {"organisms": count, "documents": 2 * count}
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        generate(project, count)
        results["html only, jobs 1"] = run(project, Path(tmp) / "html1", "--format", "html")
        results["html+pdf, jobs 1"] = run(project, Path(tmp) / "full1")
        results["html+pdf, jobs 2"] = run(project, Path(tmp) / "full2", "--jobs", "2")
        results["no-change rebuild"] = run(project, Path(tmp) / "full1")
        target = project / "organisms" / "mutuelle-007.yaml"
        target.write_text(target.read_text(encoding="utf-8").replace("n° 7", "n° 7 bis"), encoding="utf-8")
        results["one-organism rebuild"] = run(project, Path(tmp) / "full1")
        per_document = weasyprint_floor(Path(tmp) / "full1", 40)
        results["weasyprint alone, per document (s)"] = round(per_document, 3)
        results["weasyprint alone, all documents (s)"] = round(per_document * 2 * count, 1)
    full = results["html+pdf, jobs 1"][0]  # type: ignore[index]
    floor = results["weasyprint alone, all documents (s)"]
    print(json.dumps(results, indent=1))
    print(f"jobs 2 speed-up: {full / results['html+pdf, jobs 2'][0]:.2f}x")  # type: ignore[index]
    print(f"no-change rebuild: {100 * results['no-change rebuild'][0] / full:.1f} % of the full build")  # type: ignore[index]
    print(f"one-organism rebuild: {100 * results['one-organism rebuild'][0] / full:.1f} % of the full build")  # type: ignore[index]
    print(f"overhead above WeasyPrint alone: {100 * (full - floor) / floor:.1f} %")  # type: ignore[operator]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
