"""The offline backend: an .xlsx workbook on disk.

Reading takes the values from python-calamine and, with a light pass over the package, which
numbers are percent-formatted and which cells are formula errors (see `xlsx_reader`). Writing
works on the package itself (see `xlsx_package`): every part of the staff tabs is copied byte
for byte, only the tool's own tabs are written, and the shared parts are patched. The new file is
written beside the workbook and swapped in with one rename, keeping the previous file as
`<name>.xlsx.bak`. A workbook changed by someone else between the read and the write is not
overwritten. A chart sheet, dialog sheet or macro sheet is a staff tab like any other.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import openpyxl
from lxml import etree
from python_calamine import CalamineError

from ...core.cells import CellKind, TabData
from ...core.errors import WorkbookError
from ...core.grid import SummaryTab, lay_out
from ...core.vocabulary import HEADER_FILL, THAI_FONT
from ...storage.atomic import FileIdentity, write_atomically
from ..base import InputTabSpec, WorkbookRef, check_ownership
from . import reader as xlsx_reader
from .package import Package, write_package
from .sheet import StyleBook, input_sheet, summary_sheet

# What a file that is not a readable .xlsx raises (XML parse errors are SyntaxErrors).
_NOT_XLSX = (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError, EOFError, CalamineError, etree.LxmlError)
__all__ = ["THAI_FONT", "XlsxBackend", "write_tabs_to_new_workbook"]


class XlsxBackend:
    """An .xlsx file; `path` need not exist for `create_input_tabs` (init)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._read_as: FileIdentity | None = None  # the file as last read: a write replaces only that

    def describe(self) -> str:
        return str(self.path)

    @property
    def ref(self) -> WorkbookRef:
        return WorkbookRef(path=self.path)

    # --- reading ----------------------------------------------------------------------------
    @contextmanager
    def _open(self, *, stamp: bool = True) -> Iterator[Package]:
        if not self.path.exists():
            raise WorkbookError(f"ไม่พบไฟล์ {self.path} — ตรวจชื่อไฟล์ หรือสร้างใหม่ด้วย {{init}} {{workbook}} {self.path}")
        try:
            identity = FileIdentity.of(self.path)
            package = Package(self.path)
        except PermissionError as err:
            raise WorkbookError(f"ไม่มีสิทธิ์อ่านไฟล์ {self.path}") from err
        except _NOT_XLSX as err:
            raise WorkbookError(f"เปิด {self.path} ไม่ได้: ไม่ใช่ไฟล์ .xlsx ที่สมบูรณ์ ({type(err).__name__}) — บันทึกใหม่เป็น Excel Workbook (.xlsx)") from err
        if stamp:
            self._read_as = identity
        try:
            yield package
        except _NOT_XLSX as err:
            raise WorkbookError(f"เปิด {self.path} ไม่ได้: ไม่ใช่ไฟล์ .xlsx ที่สมบูรณ์ ({type(err).__name__}) — บันทึกใหม่เป็น Excel Workbook (.xlsx)") from err
        finally:
            package.close()

    def tab_titles(self) -> list[str]:
        with self._open() as package:
            return package.titles()

    def read_tabs(self, titles: Sequence[str]) -> dict[str, TabData]:
        with self._open() as package:
            return xlsx_reader.read_tabs(package, titles)

    def owned_tabs(self) -> set[str]:
        if not self.path.exists():
            return set()
        with self._open(stamp=False) as package:
            return package.owned()

    # --- writing ----------------------------------------------------------------------------
    def write_summary_tabs(self, tabs: Sequence[SummaryTab], *, force: bool = False) -> None:
        self._check_writable()
        with self._open(stamp=False) as package:
            check_ownership(package.titles(), package.owned(), [t.title for t in tabs], force)
            package.drop_parts_of(t.title for t in tabs)
            styles = self._styles(package)
            sheets = [summary_sheet(package, styles, lay_out(tab), tab) for tab in tabs]
            self._save(lambda temp: write_package(package, sheets, styles.to_bytes(), temp))

    def create_input_tabs(self, specs: Sequence[InputTabSpec]) -> list[str]:
        if not self.path.exists():
            return self._create_workbook(specs)
        self._check_writable()
        with self._open(stamp=False) as package:
            existing = set(package.titles())
            styles = self._styles(package)
            sheets = [input_sheet(styles, spec, HEADER_FILL) for spec in specs if spec.title not in existing]
            if sheets:  # init never touches a tab that exists
                self._save(lambda temp: write_package(package, sheets, styles.to_bytes(), temp))
            return [s.title for s in sheets]

    def _create_workbook(self, specs: Sequence[InputTabSpec]) -> list[str]:
        """A new file: an empty skeleton holding the tabs' titles, whose sheets the one input-tab
        writer (`sheet.input_sheet`) then writes, as it does for a workbook that exists."""
        if not specs:
            return []
        book = openpyxl.Workbook()
        book.active.title = specs[0].title
        for spec in specs[1:]:
            book.create_sheet(spec.title)
        skeleton = io.BytesIO()
        book.save(skeleton)
        with Package(skeleton) as package:  # type: ignore[arg-type]
            styles = self._styles(package)
            sheets = [input_sheet(styles, spec, HEADER_FILL) for spec in specs]
            self._save(lambda temp: write_package(package, sheets, styles.to_bytes(), temp), backup=False)
        return [spec.title for spec in specs]

    @staticmethod
    def _styles(package: Package) -> StyleBook:
        part = package.styles_part()
        return StyleBook(package.read(part) if part and part in package.names else None)

    def _check_writable(self) -> None:
        if not self.path.exists():
            raise WorkbookError(f"ไม่พบไฟล์ {self.path}")
        lock = self.path.with_name(f".~lock.{self.path.name}#")
        office_lock = self.path.with_name(f"~${self.path.name}")
        if lock.exists() or office_lock.exists():
            raise WorkbookError(f"{self.path} เปิดอยู่ในโปรแกรมอื่น — ปิดไฟล์ใน Excel/LibreOffice แล้วสั่งใหม่ (ไม่ได้เปลี่ยนแปลงอะไร)")
        read_only = not self.path.stat().st_mode & 0o222  # os.access alone is always true for root
        if read_only or not os.access(self.path, os.W_OK) or not os.access(self.path.parent, os.W_OK):
            raise WorkbookError(f"{self.path} เป็นไฟล์อ่านอย่างเดียว — เปลี่ยนสิทธิ์ไฟล์หรือคัดลอกไปที่อื่น (ไม่ได้เปลี่ยนแปลงอะไร)")

    def _save(self, build: Callable[[Path], None], *, backup: bool = True) -> None:
        """Write atomically (temp file beside the workbook, one rename), keeping `<name>.bak`; the
        one identity check: a file that is no longer the one read is not replaced (atomic.py)."""
        try:
            write_atomically(self.path, build, expect=self._read_as, backup=backup)
        except PermissionError as err:
            raise WorkbookError(f"เขียน {self.path} ไม่ได้: ไฟล์ถูกล็อกหรือไม่มีสิทธิ์เขียน — ปิดโปรแกรมที่เปิดไฟล์อยู่แล้วสั่งใหม่ (ไม่ได้เปลี่ยนแปลงอะไร)") from err
        except OSError as err:
            raise WorkbookError(f"เขียน {self.path} ไม่ได้: {err.strerror} (ไม่ได้เปลี่ยนแปลงอะไร)") from err
        self._read_as = FileIdentity.of(self.path)


def write_tabs_to_new_workbook(path: Path, tabs: dict[str, TabData]) -> None:
    """Write typed cells to a new .xlsx (history restore): dates stay dates, percent stays percent."""
    book = openpyxl.Workbook()
    book.remove(book.worksheets[0])
    for title, tab in tabs.items():
        sheet = book.create_sheet(title)
        for r, row in enumerate(tab.rows, start=1):
            for c, cell in enumerate(row, start=1):
                if cell.kind is CellKind.EMPTY:
                    continue
                target = sheet.cell(row=r, column=c)
                target.value = cell.value
                if cell.kind is CellKind.TEXT:
                    target.data_type = "s"  # text that looks like a formula stays text
                elif cell.kind is CellKind.PERCENT:
                    target.number_format = "0%"
                elif cell.kind is CellKind.DATE:
                    target.number_format = "d/m/yyyy"
        sheet.freeze_panes = "A2"
    XlsxBackend(path)._save(book.save, backup=False)
