"""The package as an office installs it: every third-party import declared and pinned, and a built
wheel that runs `report` and `sop` from a fresh venv, outside the checkout."""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import docx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
TEMPLATES = sorted(p.name for p in (ROOT / "templates").glob("*.docx"))


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(requirements: list[str]) -> dict[str, str]:
    """{normalized name: version} of `name==version` lines; anything else is not a pin."""
    pins = {}
    for line in requirements:
        match = re.fullmatch(r"\s*([A-Za-z0-9._-]+)\s*==\s*([\w.]+)\s*", line)
        assert match, f"not pinned exactly: {line!r}"
        pins[_normalized(match[1])] = match[2]
    return pins


def _same_version(a: str, b: str) -> bool:
    """PEP 440 equality for plain release numbers: 1.000 == 1.0 == 1."""
    def release(v: str) -> tuple[int, ...]:
        parts = [int(p) for p in v.split(".")]
        while parts and parts[-1] == 0:
            parts.pop()
        return tuple(parts)

    return release(a) == release(b)


def _imported_top_levels(folder: Path) -> dict[str, str]:
    """{top-level module: first file importing it} for every absolute import under `folder`."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return found


@functools.cache
def _owners() -> dict[str, list[str]]:
    return importlib.metadata.packages_distributions()


def _third_party(folder: Path) -> dict[str, str]:
    """{distribution: a file importing it} for the imports of `folder` that are not stdlib nor ours."""
    owners = _owners()
    result = {}
    for module, where in _imported_top_levels(folder).items():
        if module in sys.stdlib_module_names or module in {"sheets_sync", "tests", "__future__"}:
            continue
        assert module in owners, f"{where} imports {module}, which no installed distribution provides"
        for dist in owners[module]:
            result[_normalized(dist)] = where
    return result


def test_every_third_party_import_of_the_package_is_a_pinned_dependency() -> None:
    declared = _pins(PYPROJECT["project"]["dependencies"])
    imported = _third_party(ROOT / "sheets_sync")
    assert {"lxml", "python-docx", "docxtpl", "gspread", "google-auth"} <= set(imported)  # the scan sees them
    missing = {dist: where for dist, where in imported.items() if dist not in declared}
    assert not missing, f"imported but not in [project].dependencies: {missing}"
    for dist, version in declared.items():
        installed = importlib.metadata.version(dist)
        assert _same_version(installed, version), f"{dist} installed is {installed}, not the pinned {version}"


def test_every_third_party_import_of_the_tests_is_a_pinned_test_dependency() -> None:
    declared = _pins(PYPROJECT["project"]["dependencies"]) | _pins(PYPROJECT["project"]["optional-dependencies"]["test"])
    imported = _third_party(ROOT / "tests") | _third_party(ROOT / "scripts")
    missing = {dist: where for dist, where in imported.items() if dist not in declared}
    assert not missing, f"imported by tests/scripts but not declared: {missing}"


def test_the_build_backend_for_the_wheel_test_is_the_pinned_one() -> None:
    build = _pins(PYPROJECT["build-system"]["requires"])
    assert build == {"setuptools": _pins(PYPROJECT["project"]["optional-dependencies"]["test"])["setuptools"]}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the sources (the checkout gets no build/ folder)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for folder in ("sheets_sync", "templates"):
        shutil.copytree(ROOT / folder, source / folder, ignore=ignore)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--wheel-dir", str(work / "dist"), str(source)],
        check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    [built] = (work / "dist").glob("sheets_sync-*.whl")
    return built


def test_the_wheel_ships_the_templates_and_the_example_config(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert [n for n in names if n.startswith("sheets_sync/templates/") and n.endswith(".docx")] == [
        f"sheets_sync/templates/{t}" for t in TEMPLATES
    ]
    assert "sheets_sync/data/office.example.toml" in names
    assert not [n for n in names if n.startswith(("templates/", "tests/", "scripts/"))]
    with zipfile.ZipFile(wheel) as archive:
        for name in TEMPLATES:
            assert archive.read(f"sheets_sync/templates/{name}") == (ROOT / "templates" / name).read_bytes()


def test_an_installed_wheel_writes_the_memo_and_the_manuals_outside_the_checkout(
    wheel: Path, demo_xlsx: Path, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               check=True, capture_output=True, text=True).stdout.strip())  # fmt: skip
    # The pinned dependencies are the ones already installed for the tests (no download); the
    # project's own editable install there is not seen: only a path, not its .pth hooks.
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip

    work = tmp_path / "office"
    work.mkdir()
    shutil.copyfile(demo_xlsx, work / "office.xlsx")
    # `report` refuses the example office (issue 12): this office has set its own name, signer and number
    (work / "config").mkdir()
    (work / "config" / "office.toml").write_text(
        '[office]\nname = "สำนักงานจังหวัดทดสอบ"\nsigner_name = "นายทดสอบ ระบบดี"\ndocument_no = "ทส 0017.1/"\n', encoding="utf-8"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "SHEETS_SYNC", "VIRTUAL_ENV"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(args, cwd=work, env=env, capture_output=True, text=True, timeout=300)

    where = run(str(python), "-c", "import importlib.util as u; print(u.find_spec('sheets_sync').origin); "
                "print(u.find_spec('sheets_sync.templates').submodule_search_locations[0])")  # fmt: skip
    assert where.returncode == 0, where.stderr
    assert where.stdout.splitlines() == [str(site / "sheets_sync" / "__init__.py"), str(site / "sheets_sync" / "templates")]
    report = run(str(venv / "bin" / "sheets-sync"), "report", "--workbook", "office.xlsx", "--as-of", "2026-03-31", "--out", "out")
    assert report.returncode == 0, report.stdout + report.stderr
    sop = run(str(venv / "bin" / "sheets-sync"), "sop", "--workbook", "office.xlsx", "--as-of", "2026-03-31", "--out", "out")
    assert sop.returncode == 0, sop.stdout + sop.stderr
    memo = docx.Document(str(work / "out" / "followup-FY2569-R6.docx"))
    assert any(p.text.strip() == "บันทึกข้อความ" for p in memo.paragraphs)
    manuals = sorted(p.name for p in (work / "out" / "sop").glob("*.docx"))
    assert "index.docx" in manuals and len(manuals) > 2
