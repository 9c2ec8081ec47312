"""The shape of the package: no import cycles among cgu's modules, heavy libraries only where they render."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "cgu"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """Every cgu module `path` imports, at the top or inside a function (a cycle hidden in a function is still one)."""
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(name for name in names if name in modules)
    return found


def import_graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    modules = set(files)
    graph = {name: imports_of(path, modules) - {name} for name, path in files.items()}
    for name in modules:  # importing a.b.c runs a/__init__ and a/b/__init__ first
        graph[name] |= {".".join(name.split(".")[:i]) for i in range(2, name.count(".") + 1)} - {name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return stack[stack.index(target) :] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycle_among_cgu_modules() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_a_command_that_makes_no_pdf_never_loads_weasyprint() -> None:
    probe = (
        "import sys; from click.testing import CliRunner; from cgu.cli import main; "
        "r = CliRunner().invoke(main, ['check', '--no-legal', '--project', sys.argv[1]]); "
        "print(r.exit_code, 'weasyprint' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(ROOT / "tests/fixtures/mini")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.stdout.split() == ["0", "False"], result.stdout + result.stderr


def test_a_redline_of_two_files_never_loads_jinja_babel_weasyprint_or_cgu_model(tmp_path: Path) -> None:
    """Nor cgu.model's organisms, documents and releases: the articles and redlines it needs are cgu.articles."""
    (tmp_path / "a.md").write_text("# Objet\n\nLe service est gratuit.\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# Objet\n\nLe service est payant.\n", encoding="utf-8")
    probe = (
        "import sys; from click.testing import CliRunner; from cgu.cli import main; "
        "r = CliRunner().invoke(main, ['redline', 'a.md', 'b.md', '--format', 'html', '--out', 'out']); "
        "print(r.exit_code, *sorted({m.split('.')[0] for m in sys.modules} & {'jinja2', 'babel', 'weasyprint'}), "
        "*{'cgu.model'} & set(sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.stdout.split() == ["0"], result.stdout + result.stderr
    assert "payant" in (tmp_path / "out" / "redline-a-to-b.html").read_text(encoding="utf-8")


def test_only_the_release_history_and_repository_modules_touch_git() -> None:
    """GitPython in `cgu.release.history` alone; a process (the git program) run by `cgu.release.repository` alone."""
    touching: dict[str, set[str]] = {"GitPython": set(), "a process": set()}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "git" for a in node.names):
                touching["GitPython"].add(module_name(path))
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "git" and not node.level:
                touching["GitPython"].add(module_name(path))
            elif isinstance(node, (ast.Import, ast.ImportFrom)) and "subprocess" in (
                [a.name for a in node.names] + [getattr(node, "module", None) or ""]
            ):
                touching["a process"].add(module_name(path))
    assert touching == {
        "GitPython": {"cgu.release.history"},
        "a process": {"cgu.release.repository"},
    }
