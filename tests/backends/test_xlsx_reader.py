"""The calamine reader gives every cell the kind the openpyxl reader gave it, on workbooks written
by another program (xlsxwriter): percent by format, date cells in any locale's format, 1904
dates, BE years in date cells, error cells, booleans, cached formula results, ids as text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from sheets_sync.backends.xlsx.backend import XlsxBackend
from sheets_sync.backends.xlsx.reader import is_percent_format
from sheets_sync.core.cells import Cell, CellKind

E = Cell(CellKind.EMPTY)


def openpyxl_rows(path: Path, title: str) -> tuple[tuple[Cell, ...], ...]:
    """The reading of the previous (openpyxl) reader, as the reference."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheet = book[title]
    sheet.reset_dimensions()
    rows = []
    for row in sheet.iter_rows():
        cells = []
        for c in row:
            value, fmt, kind = c.value, getattr(c, "number_format", None), getattr(c, "data_type", None)
            if value is None or value == "":
                cells.append(E)
            elif kind == "e":
                cells.append(Cell(CellKind.ERROR, str(value)))
            elif isinstance(value, bool):
                cells.append(Cell(CellKind.BOOL, value))
            elif isinstance(value, dt.datetime):
                cells.append(Cell(CellKind.DATE, value))
            elif isinstance(value, dt.time):
                cells.append(Cell(CellKind.TEXT, value.isoformat()))
            elif isinstance(value, (int, float)):
                cells.append(Cell(CellKind.PERCENT if fmt and is_percent_format(fmt) else CellKind.NUMBER, value))
            else:
                cells.append(Cell(CellKind.TEXT, str(value)))
        while cells and cells[-1].kind is CellKind.EMPTY:
            cells.pop()
        rows.append(tuple(cells))
    book.close()
    while rows and not rows[-1]:
        rows.pop()
    return tuple(rows)


def kinds_workbook(path: Path, *, date_1904: bool = False) -> Path:
    book = xlsxwriter.Workbook(str(path), {"date_1904": date_1904})
    sheet = book.add_worksheet("T")
    formats = ["0%", "0.00%", "#,##0.0%", '0"%"', "0\\%", "General", "0.00", "d/m/yyyy", "[$-1070000]d/m/yyyy;@",
               "[$-107041E]d mmmm yyyy;@", "dd/mm/yyyy", "yyyy-mm-dd", "d mmm yy", "hh:mm"]
    for c, code in enumerate(formats):
        if "y" in code:
            sheet.write_datetime(0, c, dt.datetime(2026, 3, 31), book.add_format({"num_format": code}))
        else:
            sheet.write_number(0, c, 0.45, book.add_format({"num_format": code}))
    date = book.add_format({"num_format": "d/m/yyyy"})
    sheet.write_datetime(1, 0, dt.datetime(2569, 3, 31), date)  # a BE year typed on a Gregorian machine
    sheet.write_datetime(1, 1, dt.datetime(2026, 3, 31, 15, 30), date)
    sheet.write_boolean(1, 2, True)
    sheet.write_string(1, 3, "007")
    sheet.write_formula(1, 4, "=1/0", None, "#DIV/0!")
    sheet.write_string(1, 5, "#DIV/0!")  # text that looks like an error is text
    sheet.write_formula(1, 6, "=NA()", None, "#N/A")
    sheet.write_formula(1, 7, "=A1*2", book.add_format({"num_format": "0%"}), 0.9)
    sheet.write_formula(1, 8, '="ab"&"c"', None, "abc")
    sheet.write_formula(1, 9, "=1=1", None, True)
    sheet.write_number(1, 10, 3.5)
    sheet.write_number(1, 11, 42)
    sheet.write_string(2, 1, "ข้อความ\nสองบรรทัด")
    sheet.write_blank(2, 3, None, book.add_format({"num_format": "0%"}))  # styled but empty
    sheet.write_string(4, 2, "z")
    book.close()
    return path


@pytest.mark.parametrize("date_1904", [False, True])
def test_every_kind_reads_as_the_openpyxl_reader_read_it(tmp_path: Path, date_1904: bool) -> None:
    path = kinds_workbook(tmp_path / "kinds.xlsx", date_1904=date_1904)
    rows = XlsxBackend(path).read_tabs(["T"])["T"].rows
    assert rows == openpyxl_rows(path, "T")
    assert [c.kind for c in rows[0]] == [CellKind.PERCENT] * 3 + [CellKind.NUMBER] * 4 + [CellKind.DATE] * 6 + [CellKind.TEXT]
    assert rows[0][7] == Cell(CellKind.DATE, dt.datetime(2026, 3, 31))  # 1904 or not, the same date
    assert rows[1] == (
        Cell(CellKind.DATE, dt.datetime(2569, 3, 31)), Cell(CellKind.DATE, dt.datetime(2026, 3, 31, 15, 30)), Cell(CellKind.BOOL, True),
        Cell(CellKind.TEXT, "007"), Cell(CellKind.ERROR, "#DIV/0!"), Cell(CellKind.TEXT, "#DIV/0!"), Cell(CellKind.ERROR, "#N/A"),
        Cell(CellKind.PERCENT, 0.9), Cell(CellKind.TEXT, "abc"), Cell(CellKind.BOOL, True), Cell(CellKind.NUMBER, 3.5), Cell(CellKind.NUMBER, 42),
    )
    assert rows[2] == (E, Cell(CellKind.TEXT, "ข้อความ\nสองบรรทัด"))
    assert rows[3:] == ((), (E, E, Cell(CellKind.TEXT, "z")))


def test_a_sheet_that_starts_below_and_right_of_a1_keeps_its_cell_positions(tmp_path: Path) -> None:
    book = xlsxwriter.Workbook(str(tmp_path / "offset.xlsx"))
    sheet = book.add_worksheet("T")
    sheet.write_string(2, 2, "หัว")
    sheet.write_number(3, 3, 0.5, book.add_format({"num_format": "0%"}))
    sheet.write_formula(4, 2, "=1/0", None, "#DIV/0!")
    book.close()
    rows = XlsxBackend(tmp_path / "offset.xlsx").read_tabs(["T"])["T"].rows
    assert rows == ((), (), (E, E, Cell(CellKind.TEXT, "หัว")), (E, E, E, Cell(CellKind.PERCENT, 0.5)), (E, E, Cell(CellKind.ERROR, "#DIV/0!")))


def test_the_demo_workbook_reads_as_the_openpyxl_reader_read_it(tmp_path: Path) -> None:
    from sheets_sync.present.demo import write_demo_workbook

    path = write_demo_workbook(tmp_path / "demo.xlsx", dt.date(2026, 3, 31))
    backend = XlsxBackend(path)
    titles = backend.tab_titles()
    assert {t: d.rows for t, d in backend.read_tabs(titles).items()} == {t: openpyxl_rows(path, t) for t in titles}


# --- bounded work: a stray cell far away never makes a huge grid --------------------------------
from sheets_sync.backends.xlsx.reader import CELL_BUDGET, bounded_sheet_xml, over_budget, sheet_extent  # noqa: E402

# 24 header columns: a million rows of them is over the budget
_HEADER = b"".join(b'<c r="%s1" t="inlineStr"><is><t>h</t></is></c>' % bytes([65 + n]) for n in range(24))
_SHEET = (
    b'<worksheet><dimension ref="A1:X3"/><sheetData><row r="1">' + _HEADER + b"</row>"
    b'<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2"><v>5</v></c></row>'
    b"%s</sheetData></worksheet>"
)


@pytest.mark.parametrize(
    ("stray", "kept"),
    [
        # a space typed at the last cell of the sheet: right of every header, dropped
        (b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t> </t></is></c></row>', (2, 24)),
        # a value far right of the headers (never data: headers are in row 1)
        (b'<row r="900000"><c r="ZZ900000"><v>7</v></c></row>', (2, 24)),
        # white space under a header column, a million rows down: dropped as blank
        (b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>  </t></is></c></row>', (2, 24)),
        # an empty styled cell and a blank shared string far down
        (b'<row r="1048575"><c r="B1048575" s="3"/></row><row r="1048576"><c r="A1048576" t="s"><v>1</v></c></row>', (2, 24)),
    ],
)
def test_a_stray_far_cell_is_trimmed_before_calamine(stray: bytes, kept: tuple[int, int]) -> None:
    xml = _SHEET % stray
    assert sheet_extent(xml)[0] * sheet_extent(xml)[1] > CELL_BUDGET
    trimmed = bounded_sheet_xml(xml, shared_blank={1})
    assert trimmed is not None and sheet_extent(trimmed) == kept
    assert b'<c r="A2" t="s"><v>0</v></c><c r="B2"><v>5</v></c>' in trimmed  # the data is untouched


@pytest.mark.parametrize(
    "stray",
    [
        b"",
        b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t> </t></is></c></row>',
        b'<row r="900000"><c r="ZZ900000"><v>7</v></c></row>',
        b'<row r="1048576"><c r="A1048576"><v>9</v></c></row>',  # 24 columns, a million rows
        b'<row r="800000"><c r="B800000"><v>9</v></c></row>',  # 24 columns, 800,000 rows
        b'<row r="700000"><c r="B700000"><v>9</v></c></row>',  # under the budget even at 26 columns
        b'<row r="1000"><c r="XFD1000"><v>9</v></c></row>',  # far right, few rows
        b'<row r="2000"><c r="XFD2000"><v>9</v></c></row>',  # far right, enough rows
        b'<row r="700000"><c r="A700000" t="inlineStr"><is><t>r="AB1"</t></is></c></row>',  # a text that looks like a ref
    ],
)
def test_over_budget_is_the_extent_over_the_budget(stray: bytes) -> None:
    xml = _SHEET % stray
    assert over_budget(xml) == (sheet_extent(xml)[0] * sheet_extent(xml)[1] > CELL_BUDGET)


def test_real_data_far_down_is_kept() -> None:
    """A value under a header a million rows down is data: it is kept (the grid is then legitimately big)."""
    xml = _SHEET % b'<row r="1048576"><c r="A1048576"><v>9</v></c></row>'
    trimmed = bounded_sheet_xml(xml, shared_blank=set())
    assert trimmed is not None and b'<c r="A1048576"><v>9</v></c>' in trimmed


def test_a_small_sheet_is_read_as_it_is() -> None:
    assert bounded_sheet_xml(_SHEET % b"", shared_blank=set()) is None
