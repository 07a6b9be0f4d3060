"""Shared fixtures: real .xlsx workbooks written with openpyxl into tmp_path."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest


@dataclass(frozen=True)
class Formatted:
    """A cell value with an explicit number format (e.g. a percent cell: 0.45 shown as 45%)."""

    value: Any
    number_format: str


def pct(fraction: float) -> Formatted:
    """A percent-formatted cell: `pct(0.45)` stores 0.45 and shows 45%."""
    return Formatted(fraction, "0%")


def put(cell: Any, value: Any) -> None:
    """Write one value the way a spreadsheet program would store it.

    Strings are always text (even `=...`); dates and datetimes become date cells.
    """
    if isinstance(value, Formatted):
        cell.value = value.value
        cell.number_format = value.number_format
    elif isinstance(value, (dt.date, dt.datetime)):
        cell.value = value
        cell.number_format = "d/m/yyyy"
    elif isinstance(value, str) and value.startswith("="):
        cell.value = value
        cell.data_type = "s"
    else:
        cell.value = value


Tabs = Mapping[str, Sequence[Sequence[Any]]]


def write_xlsx(path: Path, tabs: Tabs) -> Path:
    """An .xlsx with one sheet per tab (title -> rows, row 1 first); None leaves a cell empty."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in tabs.items():
        sheet = book.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    put(sheet.cell(row=r, column=c), value)
    book.save(path)
    return path


@pytest.fixture
def make_xlsx(tmp_path: Path) -> Callable[..., Path]:
    """`make_xlsx(tabs, name="book.xlsx")` writes a real workbook into tmp_path."""

    def build(tabs: Tabs, name: str = "book.xlsx") -> Path:
        return write_xlsx(tmp_path / name, tabs)

    return build


# --- the one data date of the tests, and the command line -----------------------------------------
AS_OF = dt.date(2026, 3, 31)  # the demo's data date: FY 2569, round 6 ended (the golden results are at it)


def invoke_cli(*args: object, **kwargs: Any) -> Any:
    """`sheets-sync ARGS…` in this process through click's runner (every argument `str()`-ed);
    `kwargs` go to `CliRunner.invoke` (`env`, `input`)."""
    from click.testing import CliRunner

    from sheets_sync.cli.main import cli

    return CliRunner().invoke(cli, [str(a) for a in args], **kwargs)


@pytest.fixture
def run_cli() -> Callable[..., Any]:
    """The shared CLI runner: `run_cli("validate", "--workbook", path, "--as-of", AS_OF)`."""
    return invoke_cli


# --- the seeded demo, built once ------------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The seeded demo workbook at as-of 2026-03-31, built once per session. Read it, never write it:
    a test that writes takes `demo_copy` (the session ends with an error if it was changed)."""
    from sheets_sync.present.demo import write_demo_workbook

    path = write_demo_workbook(tmp_path_factory.mktemp("demo") / "demo.xlsx", AS_OF)
    built = path.read_bytes()
    yield path
    assert path.read_bytes() == built, "a test wrote to the shared demo workbook: use demo_copy"


def office_config(tmp_path: Path, extra: str = "") -> Path:
    """tmp_path/office.toml keeping the history in tmp_path, plus `extra` TOML lines."""
    path = tmp_path / "office.toml"
    path.write_text(f'[output]\nhistory = "{tmp_path / "history.sqlite"}"\n{extra}', encoding="utf-8")
    return path


@pytest.fixture
def demo_copy(demo_xlsx: Path, tmp_path: Path) -> Path:
    """A private, writable copy of the demo workbook in tmp_path (office.xlsx)."""
    target = tmp_path / "office.xlsx"
    shutil.copyfile(demo_xlsx, target)
    return target


# --- LibreOffice, probed once per component -------------------------------------------------------
class ConversionFailed(Exception):
    """LibreOffice wrote no converted file."""


@dataclass(frozen=True)
class LibreOffice:
    """Headless conversions with one private profile for the session (no clash with a running office)."""

    soffice: str
    profile: Path

    def convert(self, document: Path, to: str, out_dir: Path) -> Path:
        """`document` converted to the format `to` (e.g. "pdf", "xlsx") in out_dir; fails when none is written."""
        completed = subprocess.run(
            [self.soffice, f"-env:UserInstallation={self.profile.as_uri()}", "--headless",
             "--convert-to", to, "--outdir", str(out_dir), str(document)],
            capture_output=True, text=True, timeout=180,
        )  # fmt: skip
        converted = out_dir / f"{document.stem}.{to.split(':')[0]}"
        # soffice exits 0 even when the component that loads the file is missing
        if completed.returncode != 0 or not converted.exists():
            output = " ".join(f"{completed.stdout} {completed.stderr}".split())
            raise ConversionFailed(f"LibreOffice did not convert {document.name} (exit {completed.returncode}) {output}".strip())
        return converted


class _LibreOfficeProbe:
    """Which LibreOffice components really convert here, found by converting a tiny file (cached)."""

    def __init__(self, work: Path) -> None:
        self.soffice = shutil.which("soffice") or shutil.which("libreoffice")
        self.work = work
        self.office = LibreOffice(self.soffice or "soffice", work / "profile")
        self._missing: dict[str, str | None] = {}

    def _tiny(self, component: str) -> Path:
        if component == "writer":
            import docx

            document = docx.Document()
            document.add_paragraph("ทดสอบ")
            document.save(self.work / "probe.docx")
            return self.work / "probe.docx"
        book = openpyxl.Workbook()
        book.active["A1"] = "ทดสอบ"
        book.save(self.work / "probe.xlsx")
        return self.work / "probe.xlsx"

    def missing(self, component: str) -> str | None:
        """None when `component` ("writer" or "calc") converts a file here, else why not."""
        if component not in self._missing:
            reason = None
            if self.soffice is None:
                reason = "LibreOffice (soffice) is not installed"
            else:
                try:
                    self.office.convert(self._tiny(component), "pdf", self.work / f"out-{component}")
                except (ConversionFailed, OSError, subprocess.SubprocessError) as err:
                    reason = f"LibreOffice {component.capitalize()} cannot convert here: {str(err).strip()[:200]}"
            self._missing[component] = reason
        return self._missing[component]


@pytest.fixture(scope="session")
def _libreoffice(tmp_path_factory: pytest.TempPathFactory) -> _LibreOfficeProbe:
    return _LibreOfficeProbe(tmp_path_factory.mktemp("libreoffice"))


@pytest.fixture(scope="session")
def libreoffice_writer(_libreoffice: _LibreOfficeProbe) -> LibreOffice:
    """LibreOffice that converts Word documents (Writer); the test is skipped when it cannot."""
    if reason := _libreoffice.missing("writer"):
        pytest.skip(reason)
    return _libreoffice.office


@pytest.fixture(scope="session")
def libreoffice_calc(_libreoffice: _LibreOfficeProbe) -> LibreOffice:
    """LibreOffice that opens workbooks (Calc); the test is skipped when it cannot."""
    if reason := _libreoffice.missing("calc"):
        pytest.skip(reason)
    return _libreoffice.office
