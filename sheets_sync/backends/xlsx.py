"""The offline backend: an .xlsx workbook on disk, read and written with openpyxl.

Reading uses openpyxl's read-only mode (cached values of formulas, each cell's number format,
so a percent-formatted 0.45 is told apart from a plain 0.45). Writing loads the whole workbook,
replaces only the tool's own tabs, saves to a temporary file beside it and swaps it in with one
`os.replace`, keeping the previous file as `<name>.xlsx.bak`. A workbook changed by someone else
between the read and the write is not overwritten.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import openpyxl
from openpyxl.chart import BarChart, LineChart, PieChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..atomic import write_atomically
from ..cells import Cell, CellKind, TabData
from ..errors import WorkbookError
from ..grid import NUMBER_PATTERNS, STYLE_FILLS, ChartKind, Fmt, Grid, Style, SummaryTab, lay_out
from ..vocabulary import HEADER_FILL, THAI_FONT
from .base import DATE_HELP, OWNER_KEY, InputTabSpec, check_ownership, dropdown_help
from .xlsx_formulas import Cached, cached_results, formula_cells, restore_cached_results

OWNED_NAME = "sheets_sync_owned"  # a sheet-scoped defined name on every tab the tool created
# What openpyxl raises for a file that is not a readable .xlsx (XML parse errors are SyntaxErrors).
_NOT_XLSX = (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError, InvalidFileException)


class XlsxBackend:
    """An .xlsx file; `path` need not exist for `create_input_tabs` (init)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._read_stamp: tuple[float, int] | None = None

    def describe(self) -> str:
        return str(self.path)

    # --- reading ----------------------------------------------------------------------------
    @contextmanager
    def _open_for_reading(self) -> Iterator[Workbook]:
        if not self.path.exists():
            raise WorkbookError(f"ไม่พบไฟล์ {self.path} — ตรวจชื่อไฟล์ หรือสร้างใหม่ด้วย sheets-sync init --workbook {self.path}")
        # openpyxl warns on stderr about things a person cannot act on (unknown extensions,
        # out-of-range date serials); the cells themselves are judged by validation.
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        try:
            stat = self.path.stat()
            book = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except PermissionError:
            raise WorkbookError(f"ไม่มีสิทธิ์อ่านไฟล์ {self.path}") from None
        except _NOT_XLSX as err:
            raise WorkbookError(f"เปิด {self.path} ไม่ได้: ไม่ใช่ไฟล์ .xlsx ที่สมบูรณ์ ({type(err).__name__}) — บันทึกใหม่เป็น Excel Workbook (.xlsx)") from None
        self._read_stamp = (stat.st_mtime, stat.st_size)
        try:
            yield book
        finally:
            book.close()

    def tab_titles(self) -> list[str]:
        with self._open_for_reading() as book:
            return list(book.sheetnames)

    def read_tabs(self, titles: Sequence[str]) -> dict[str, TabData]:
        with self._open_for_reading() as book:
            result = {}
            for title in titles:
                if title in book.sheetnames:
                    sheet = book[title]
                    sheet.reset_dimensions()  # some writers record a wrong dimension
                    result[title] = TabData(title, tuple(_read_rows(sheet)))
            return result

    def owned_tabs(self) -> set[str]:
        if not self.path.exists():
            return set()
        return _owned(self._load_for_writing())

    # --- writing ----------------------------------------------------------------------------
    def write_summary_tabs(self, tabs: Sequence[SummaryTab], *, force: bool = False) -> None:
        book = self._load_for_writing()
        cached = self._formula_results(book)
        owned = _owned(book)
        check_ownership(book.sheetnames, owned, [t.title for t in tabs], force)
        for tab in tabs:
            index = book.sheetnames.index(tab.title) if tab.title in book.sheetnames else len(book.sheetnames)
            if tab.title in book.sheetnames:
                book.remove(book[tab.title])
            sheet = book.create_sheet(tab.title, index)
            _render(sheet, lay_out(tab), tab)
            _mark_owned(sheet)
        self._save(book, cached=cached)

    def create_input_tabs(self, specs: Sequence[InputTabSpec]) -> list[str]:
        cached: Cached = {}
        if self.path.exists():
            book = self._load_for_writing()
            cached = self._formula_results(book)
            fresh = False
        else:
            book = openpyxl.Workbook()
            fresh = True
        created = []
        for spec in specs:
            if spec.title in book.sheetnames:
                continue  # init never touches a tab that exists
            _write_input_tab(book.create_sheet(spec.title), spec)
            created.append(spec.title)
        if fresh:
            book.remove(book.worksheets[0])  # openpyxl's default empty "Sheet"
        if created:
            self._save(book, backup=not fresh, cached=cached)
        return created

    def _load_for_writing(self) -> Workbook:
        if not self.path.exists():
            raise WorkbookError(f"ไม่พบไฟล์ {self.path}")
        lock = self.path.with_name(f".~lock.{self.path.name}#")
        office_lock = self.path.with_name(f"~${self.path.name}")
        if lock.exists() or office_lock.exists():
            raise WorkbookError(f"{self.path} เปิดอยู่ในโปรแกรมอื่น — ปิดไฟล์ใน Excel/LibreOffice แล้วสั่งใหม่ (ไม่ได้เปลี่ยนแปลงอะไร)")
        read_only = not self.path.stat().st_mode & 0o222  # os.access alone is always true for root
        if read_only or not os.access(self.path, os.W_OK) or not os.access(self.path.parent, os.W_OK):
            raise WorkbookError(f"{self.path} เป็นไฟล์อ่านอย่างเดียว — เปลี่ยนสิทธิ์ไฟล์หรือคัดลอกไปที่อื่น (ไม่ได้เปลี่ยนแปลงอะไร)")
        stat = self.path.stat()
        if self._read_stamp is not None and self._read_stamp != (stat.st_mtime, stat.st_size):
            raise WorkbookError(f"{self.path} ถูกแก้ไขระหว่างที่กำลังคำนวณ — สั่งใหม่อีกครั้ง (ไม่ได้เปลี่ยนแปลงอะไร)")
        try:
            return openpyxl.load_workbook(self.path, keep_vba=self.path.suffix.lower() == ".xlsm")
        except _NOT_XLSX as err:
            raise WorkbookError(f"เปิด {self.path} ไม่ได้ ({type(err).__name__})") from None

    def _formula_results(self, book: Workbook) -> Cached:
        """The staff formulas' last results, to put back after openpyxl has rewritten the file."""
        try:
            return cached_results(self.path, formula_cells(book, book.sheetnames))
        except _NOT_XLSX as err:
            raise WorkbookError(f"เปิด {self.path} ไม่ได้ ({type(err).__name__})") from None

    def _save(self, book: Workbook, *, backup: bool = True, cached: Cached | None = None) -> None:
        """Save atomically (temp file beside the workbook, one rename), keeping `<name>.bak`."""

        def write(temp: Path) -> None:
            book.save(temp)
            restore_cached_results(temp, cached or {})
            if backup and self.path.exists():  # the new file is complete: now keep the old one
                self.path.with_name(self.path.name + ".bak").write_bytes(self.path.read_bytes())

        try:
            write_atomically(self.path, write)
        except PermissionError:
            raise WorkbookError(f"เขียน {self.path} ไม่ได้: ไฟล์ถูกล็อกหรือไม่มีสิทธิ์เขียน — ปิดโปรแกรมที่เปิดไฟล์อยู่แล้วสั่งใหม่ (ไม่ได้เปลี่ยนแปลงอะไร)") from None
        except OSError as err:
            raise WorkbookError(f"เขียน {self.path} ไม่ได้: {err.strerror} (ไม่ได้เปลี่ยนแปลงอะไร)") from None
        stat = self.path.stat()
        self._read_stamp = (stat.st_mtime, stat.st_size)


def _cell_from(value: object, number_format: str | None, data_type: str | None = None) -> Cell:
    if value is None:
        return Cell(CellKind.EMPTY)
    if data_type == "e":
        return Cell(CellKind.ERROR, str(value))
    if isinstance(value, bool):
        return Cell(CellKind.BOOL, value)
    if isinstance(value, dt.datetime):
        return Cell(CellKind.DATE, value)
    if isinstance(value, dt.date):
        return Cell(CellKind.DATE, dt.datetime.combine(value, dt.time()))
    if isinstance(value, dt.time):
        return Cell(CellKind.TEXT, value.isoformat())
    if isinstance(value, (int, float)):
        if number_format and _is_percent_format(number_format):
            return Cell(CellKind.PERCENT, value)
        return Cell(CellKind.NUMBER, value)
    return Cell(CellKind.TEXT, str(value))


def _is_percent_format(number_format: str) -> bool:
    """A `%` scales the value by 100 unless it is literal text (`0"%"`, `0\\%`)."""
    return "%" in re.sub(r'"[^"]*"|\\.', "", number_format)


def _read_rows(sheet: Worksheet) -> Iterator[tuple[Cell, ...]]:
    for row in sheet.iter_rows():
        cells = tuple(_cell_from(c.value, getattr(c, "number_format", None), getattr(c, "data_type", None)) for c in row)
        end = len(cells)
        while end and cells[end - 1].kind is CellKind.EMPTY:
            end -= 1
        yield cells[:end]


def _owned(book: Workbook) -> set[str]:
    """Tabs that carry our mark. The mark is a hidden name scoped to the sheet itself, so it goes
    with the sheet: a staff tab later given the same title is not ours."""
    return {ws.title for ws in book.worksheets if OWNED_NAME in ws.defined_names}


def _mark_owned(sheet: Worksheet) -> None:
    sheet.defined_names[OWNED_NAME] = DefinedName(OWNED_NAME, attr_text='"summary-tab"', hidden=True)


_FILLS = {style: PatternFill("solid", fgColor=colour) for style, colour in STYLE_FILLS.items()}


def _render(sheet: Worksheet, grid: Grid, tab: SummaryTab) -> None:
    base = Font(name=THAI_FONT, size=14)
    bold = Font(name=THAI_FONT, size=14, bold=True)
    fonts = {Style.TITLE: Font(name=THAI_FONT, size=18, bold=True), Style.HEADER: bold, Style.CAPTION: bold}
    for r, row in enumerate(grid.rows, start=1):
        for c, gcell in enumerate(row, start=1):
            value = gcell.value
            if isinstance(value, str) and value.startswith("="):
                # A value is written as a value, never as a formula: openpyxl treats a leading
                # "=" as a formula, so store it explicitly as a string.
                cell = sheet.cell(row=r, column=c)
                cell.value = value
                cell.data_type = "s"
            else:
                cell = sheet.cell(row=r, column=c, value=value)
            cell.font = fonts.get(gcell.style, base) if gcell.style else base
            if gcell.style in _FILLS:
                cell.fill = _FILLS[gcell.style]
            if gcell.fmt in NUMBER_PATTERNS and value is not None and not isinstance(value, str):
                cell.number_format = NUMBER_PATTERNS[gcell.fmt]
            if gcell.style is Style.HEADER:
                cell.alignment = Alignment(wrap_text=True, vertical="center")
    for c, width in enumerate(grid.column_widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = width
    # Excel and LibreOffice do not grow a row for wrapped text written by a program: give the
    # title and the (wrapping) header rows room.
    sheet.row_dimensions[1].height = 30
    for header_row in grid.header_rows:
        longest = max((len(str(c.value or "")) for c in grid.rows[header_row]), default=0)
        lines = max(1, min(3, -(-longest // 18)))
        sheet.row_dimensions[header_row + 1].height = 20 * lines
    if grid.header_rows:
        sheet.freeze_panes = sheet.cell(row=grid.header_rows[0] + 2, column=1)
    _add_charts(sheet, grid, tab)


def _add_charts(sheet: Worksheet, grid: Grid, tab: SummaryTab) -> None:
    anchor_col = get_column_letter(grid.width + 2)
    for n, spec in enumerate(tab.charts):
        area = grid.areas[spec.table]
        end_row = area.end_row if spec.rows is None else min(area.end_row, area.first_row + spec.rows)
        if end_row <= area.first_row:
            continue
        chart = {ChartKind.PIE: PieChart, ChartKind.LINE: LineChart}.get(spec.kind, BarChart)()
        if isinstance(chart, BarChart):
            chart.type = "bar" if spec.kind is ChartKind.BAR else "col"
        chart.title = spec.title
        for col in spec.value_cols:
            data = Reference(sheet, min_col=col + 1, min_row=area.header_row + 1, max_row=end_row)
            chart.add_data(data, titles_from_data=True)
        labels = Reference(sheet, min_col=spec.label_col + 1, min_row=area.first_row + 1, max_row=end_row)
        chart.set_categories(labels)
        chart.width, chart.height = 18, 9
        sheet.add_chart(chart, f"{anchor_col}{3 + n * 20}")


def _write_input_tab(sheet: Worksheet, spec: InputTabSpec) -> None:
    header_font = Font(name=THAI_FONT, size=14, bold=True)
    fill = PatternFill("solid", fgColor=HEADER_FILL)
    for c, col in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=1, column=c, value=col.header)
        cell.font, cell.fill = header_font, fill
        letter = get_column_letter(c)
        sheet.column_dimensions[letter].width = col.width
        cell_range = f"{letter}2:{letter}1000"
        if col.is_text:
            # Text, so a typed 007 stays "007" (General would keep the number 7).
            sheet.column_dimensions[letter].number_format = "@"  # the column's style: every new cell
        if col.choices:
            listed = ",".join(col.choices)
            # A warning, not a stop: the English key (`legal`) is as valid as the Thai value.
            rule = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True, showDropDown=False, errorStyle="warning")
            rule.error, rule.errorTitle = "เลือกจากรายการ", col.header
            rule.prompt, rule.promptTitle = dropdown_help(col.choices), col.header
            rule.showErrorMessage = rule.showInputMessage = True
            rule.add(cell_range)
            sheet.add_data_validation(rule)
        elif col.is_date:
            # A warning, not a stop: a BE date typed as text ("31/03/2569") is valid for sheets-sync.
            rule = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True, errorStyle="warning")
            rule.error, rule.errorTitle = "พิมพ์เป็นวันที่ เช่น 31/03/2569", col.header
            rule.prompt, rule.promptTitle = DATE_HELP, col.header
            rule.showErrorMessage = rule.showInputMessage = True
            rule.add(cell_range)
            sheet.add_data_validation(rule)
    sheet.freeze_panes = "A2"


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
    XlsxBackend(path)._save(book, backup=False)
