"""The layers of ARCHITECTURE.md, enforced: every import of every module (top-level, function-local
and TYPE_CHECKING ones alike, read with `ast`) runs downward, and no modules import each other in a
cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "sheets_sync"

# Lowest first. A module may import a module of a lower layer, or of its own package (a component:
# `schema`, `compute`, …); the root package (`__init__`) sits with `core`. Components that
# share a layer are peers and never import each other.
LAYERS: tuple[tuple[str, frozenset[str]], ...] = (
    ("core", frozenset({"", "core"})),
    ("config", frozenset({"config"})),
    ("storage", frozenset({"storage"})),
    ("backends", frozenset({"backends"})),
    ("schema", frozenset({"schema"})),
    ("compute", frozenset({"compute"})),
    ("output", frozenset({"present", "documents"})),
    ("delivery", frozenset({"delivery"})),
    ("app", frozenset({"app"})),
    ("cli", frozenset({"cli", "__main__"})),
)


def module_name(root: Path, path: Path, package: str) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([package, *parts])


def modules(root: Path, package: str) -> dict[str, Path]:
    return {module_name(root, path, package): path for path in sorted(root.rglob("*.py"))}


def imports(path: Path, name: str, known: set[str]) -> list[tuple[str, int]]:
    """Every package module `path` imports, anywhere in the file, with the line."""
    is_package = path.name == "__init__.py"
    here = name if is_package else name.rpartition(".")[0]
    package = name.split(".")[0]
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            # `from .pkg import module` imports the module; `from .module import name` the module.
            targets = [f"{source}.{alias.name}" if f"{source}.{alias.name}" in known else source for alias in node.names]
        else:
            continue
        for target in targets:
            if target == package or target.startswith(package + "."):
                while target not in known and "." in target:  # `import pkg.mod.attr` → pkg.mod
                    target = target.rpartition(".")[0]
                found.append((target, node.lineno))
    return found


def component(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


def layer_of(name: str) -> int:
    comp = component(name)
    for rank, (_, members) in enumerate(LAYERS):
        if comp in members:
            return rank
    raise AssertionError(f"{name}: not in any layer of ARCHITECTURE.md — add its package to LAYERS")


def allowed(importer: str, imported: str) -> bool:
    low, high = layer_of(imported), layer_of(importer)
    if low < high:
        return True
    return low == high and component(importer) == component(imported)


def graph(root: Path, package: str) -> dict[str, list[tuple[str, int]]]:
    found = modules(root, package)
    known = set(found)
    return {name: [(t, line) for t, line in imports(path, name, known) if t != name] for name, path in found.items()}


def backward_imports(root: Path, package: str) -> list[str]:
    found = modules(root, package)
    out = []
    for name, edges in graph(root, package).items():
        for target, line in edges:
            if not allowed(name, target):
                where = found[name].relative_to(root.parent)
                out.append(f"{where}:{line}: {name} ({LAYERS[layer_of(name)][0]}) imports {target} ({LAYERS[layer_of(target)][0]})")
    return out


def import_cycles(root: Path, package: str) -> list[list[str]]:
    edges = {name: sorted({t for t, _ in targets}) for name, targets in graph(root, package).items()}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in edges.get(node, ()):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    return cycles


def test_every_import_runs_down_the_layers() -> None:
    assert backward_imports(PACKAGE_DIR, "sheets_sync") == []


def test_no_import_cycles() -> None:
    assert import_cycles(PACKAGE_DIR, "sheets_sync") == []


def test_every_module_is_in_a_layer() -> None:
    for name in modules(PACKAGE_DIR, "sheets_sync"):
        layer_of(name)  # raises for a package ARCHITECTURE.md does not place


# --- the checker itself, on a small package written to tmp_path --------------------------------


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "sheets_sync"
    for rel, text in {"__init__.py": "", **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # a function-local import that hides a backward one is still found
        (
            {"schema/__init__.py": "", "schema/rules.py": "def f():\n    from ..compute.plan import x\n",
             "compute/__init__.py": "", "compute/plan.py": "x = 1\n"},
            ["sheets_sync/schema/rules.py:2: sheets_sync.schema.rules (schema) imports sheets_sync.compute.plan (compute)"],
        ),
        # the bottom layer imports nothing above it
        (
            {"core/__init__.py": "", "core/vocabulary.py": "import sheets_sync.present.console\n", "present/__init__.py": "", "present/console.py": ""},
            ["sheets_sync/core/vocabulary.py:1: sheets_sync.core.vocabulary (core) imports sheets_sync.present.console (output)"],
        ),
        # peers of one layer do not import each other; `from . import module` counts
        (
            {"documents/__init__.py": "", "documents/memo.py": "from ..present import summary_tabs\n",
             "present/__init__.py": "", "present/summary_tabs.py": ""},
            ["sheets_sync/documents/memo.py:1: sheets_sync.documents.memo (output) imports sheets_sync.present.summary_tabs (output)"],
        ),
        # downward, within a package, and between bottom modules: fine
        (
            {"app/__init__.py": "", "app/sync.py": "from ..schema import tabs\nfrom ..core.vocabulary import X\n", "schema/__init__.py": "",
             "schema/tabs.py": "from .issues import I\nfrom ..core.vocabulary import X\n", "schema/issues.py": "I = 1\n",
             "core/__init__.py": "", "core/vocabulary.py": "X = 1\n", "core/fiscal.py": "from .errors import E\n", "core/errors.py": "E = 1\n"},
            [],
        ),
    ],
)
def test_the_checker_finds_backward_imports(tmp_path: Path, files: dict[str, str], expected: list[str]) -> None:
    assert backward_imports(_package(tmp_path, files), "sheets_sync") == expected


def test_the_checker_finds_a_cycle(tmp_path: Path) -> None:
    root = _package(tmp_path, {"schema/__init__.py": "", "schema/a.py": "from .b import y\nx = 1\n", "schema/b.py": "def f():\n    from .a import x\n"})
    assert import_cycles(root, "sheets_sync") == [["sheets_sync.schema.a", "sheets_sync.schema.b", "sheets_sync.schema.a"]]
