"""The .xlsx backend on real files: typed cells in; atomic, owned, value-only writes out."""

from __future__ import annotations

import datetime as dt
import errno
import io
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.app.workbook import input_tab_specs
from sheets_sync.backends.xlsx import package as xlsx_package
from sheets_sync.backends.xlsx.backend import XlsxBackend
from sheets_sync.config import Settings
from sheets_sync.core.cells import Cell, CellKind
from sheets_sync.core.errors import OwnershipError, WorkbookError
from sheets_sync.core.grid import SummaryTab, Table
from tests.conftest import Formatted, pct

MakeXlsx = Callable[..., Path]
E = Cell(CellKind.EMPTY)


def text(value: str) -> Cell:
    return Cell(CellKind.TEXT, value)


def number(value: float) -> Cell:
    return Cell(CellKind.NUMBER, value)


def summary(title: str = "สรุปภาพรวม", rows: list[list] | None = None) -> SummaryTab:
    rows = rows if rows is not None else [["จำนวนภารกิจ", 12]]
    return SummaryTab(title, f"หัวเรื่อง {title}", "ข้อมูล ณ วันที่ 31 มีนาคม 2569", [Table(["ตัวชี้วัดภาพรวม", "ค่า"], rows)])


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def read_one(path: Path, title: str = "T") -> tuple[tuple[Cell, ...], ...]:
    return XlsxBackend(path).read_tabs([title])[title].rows


# --- reading ---------------------------------------------------------------------------------

def test_cells_are_read_with_their_kind(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx({"T": [
        ["ข้อความ", 42, 3.5, pct(0.45), Formatted(0.4512, "0.00%"), Formatted(0.45, "0.00"), True, "007"],
        [dt.datetime(2026, 3, 31), dt.datetime(2026, 3, 31, 15, 30), dt.date(2026, 3, 31), dt.datetime(2569, 3, 31)],
        ["x", None, "y", Formatted(None, "0%")],  # a styled but empty cell at the end
        [],
        [None, "z"],
    ]})
    assert read_one(path) == (
        (text("ข้อความ"), number(42), number(3.5), Cell(CellKind.PERCENT, 0.45), Cell(CellKind.PERCENT, 0.4512),
         number(0.45), Cell(CellKind.BOOL, True), text("007")),
        (Cell(CellKind.DATE, dt.datetime(2026, 3, 31)), Cell(CellKind.DATE, dt.datetime(2026, 3, 31, 15, 30)),
         Cell(CellKind.DATE, dt.datetime(2026, 3, 31)), Cell(CellKind.DATE, dt.datetime(2569, 3, 31))),
        (text("x"), E, text("y")),  # trailing empty cells trimmed, inner ones kept
        (),
        (E, text("z")),
    )


@pytest.mark.parametrize(
    ("number_format", "value", "kind"),
    [
        ("0%", 0.45, CellKind.PERCENT),
        ("0.00%", 0.45, CellKind.PERCENT),
        ("#,##0.0%", 0.45, CellKind.PERCENT),
        ("0.0%;[Red]-0.0%", 0.45, CellKind.PERCENT),
        ("General", 0.45, CellKind.NUMBER),
        ("0.00", 0.45, CellKind.NUMBER),
        ("#,##0", 45, CellKind.NUMBER),
        ('0"%"', 45, CellKind.NUMBER),  # a quoted % is literal text: the value is not scaled
        ('0.0" %"', 45, CellKind.NUMBER),
        ("0\\%", 45, CellKind.NUMBER),  # so is an escaped one
    ],
)
def test_percent_format_is_told_apart_by_the_format(make_xlsx: MakeXlsx, number_format: str, value: float, kind: CellKind) -> None:
    path = make_xlsx({"T": [[Formatted(value, number_format)]]})
    assert read_one(path) == ((Cell(kind, value),),)


def fill_cached_results(path: Path, results: dict[str, tuple[str, str]]) -> None:
    """Store the results Excel or Sheets keep beside each formula (openpyxl writes none)."""
    with zipfile.ZipFile(path) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    for ref, (cached, cell_type) in results.items():
        pattern = rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?'
        type_attr = f' t="{cell_type}"' if cell_type else ""
        cell = f'<c r="{ref}"{{attrs}}{type_attr}><f>{{formula}}</f><v>{cached}</v>'
        xml, count = re.subn(pattern, lambda m, cell=cell: cell.format(attrs=m[1], formula=m[2]), xml)
        assert count == 1, ref
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as book:
        for name, data in parts.items():
            book.writestr(name, data)


def test_formula_cells_read_as_their_cached_values(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "T"
    sheet["A1"], sheet["B1"], sheet["C1"], sheet["D1"] = "=1+2", '="ab"&"c"', "=A1/10", "=DATE(2026,3,31)"
    sheet["C1"].number_format = "0%"
    sheet["D1"].number_format = "d/m/yyyy"
    path = tmp_path / "formulas.xlsx"
    book.save(path)
    fill_cached_results(path, {"A1": ("3", ""), "B1": ("abc", "str"), "C1": ("0.3", ""), "D1": ("46112", "")})
    assert read_one(path) == ((number(3), text("abc"), Cell(CellKind.PERCENT, 0.3), Cell(CellKind.DATE, dt.datetime(2026, 3, 31))),)


def test_reads_only_the_tabs_asked_for(make_xlsx: MakeXlsx) -> None:
    backend = XlsxBackend(make_xlsx({"ภารกิจ": [["a"]], "หมายเหตุ": [["b"]], "บุคลากร": [["c"]]}))
    assert backend.tab_titles() == ["ภารกิจ", "หมายเหตุ", "บุคลากร"]
    assert {title: data.rows for title, data in backend.read_tabs(["บุคลากร", "ไม่มีแท็บนี้"]).items()} == {"บุคลากร": ((text("c"),),)}


def test_missing_file_is_a_workbook_error(tmp_path: Path) -> None:
    with pytest.raises(WorkbookError, match="ไม่พบไฟล์"):
        XlsxBackend(tmp_path / "nope.xlsx").tab_titles()


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        for name, data in parts.items():
            book.writestr(name, data)
    return buffer.getvalue()


def _real_xlsx_bytes(tmp_path: Path) -> bytes:
    path = tmp_path / "real.xlsx"
    openpyxl.Workbook().save(path)
    data = path.read_bytes()
    path.unlink()
    return data


NOT_XLSX = {
    "text": ("book.xlsx", lambda real: b"case_id,received\n1,2026-03-31\n"),
    "empty": ("book.xlsx", lambda real: b""),
    "zip-without-workbook": ("book.xlsx", lambda real: _zip({"readme.txt": b"hello"})),
    "broken-workbook-xml": ("book.xlsx", lambda real: _zip({**_parts(real), "xl/workbook.xml": b"<<not xml"})),
    "truncated": ("book.xlsx", lambda real: real[: len(real) // 2]),
    "other-extension": ("notes.txt", lambda real: b"hello"),
}


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return {name: book.read(name) for name in book.namelist()}


@pytest.mark.parametrize("case", list(NOT_XLSX))
def test_a_file_that_is_not_xlsx_is_a_workbook_error(tmp_path: Path, case: str) -> None:
    name, content = NOT_XLSX[case]
    path = tmp_path / name
    path.write_bytes(content(_real_xlsx_bytes(tmp_path)))
    before = path.read_bytes()
    backend = XlsxBackend(path)
    operations = {
        "tab_titles": backend.tab_titles,
        "read_tabs": lambda: backend.read_tabs(["ภารกิจ"]),
        "write_summary_tabs": lambda: backend.write_summary_tabs([summary()]),
        "create_input_tabs": lambda: backend.create_input_tabs(input_tab_specs(Settings())),
    }
    raised = {}
    for op, call in operations.items():
        with pytest.raises(WorkbookError) as caught:
            call()
        raised[op] = "เปิด" in str(caught.value)
    assert raised == dict.fromkeys(operations, True)
    assert path.read_bytes() == before
    assert listing(tmp_path) == [name]


# --- writing ---------------------------------------------------------------------------------

def test_write_is_atomic_and_keeps_a_backup(make_xlsx: MakeXlsx, tmp_path: Path) -> None:
    path = make_xlsx({"ภารกิจ": [["รหัสภารกิจ", "ชื่อภารกิจ"], ["M01", "งานสารบรรณ"]]})
    before = path.read_bytes()
    XlsxBackend(path).write_summary_tabs([summary()])
    assert listing(tmp_path) == ["book.xlsx", "book.xlsx.bak"]
    assert (tmp_path / "book.xlsx.bak").read_bytes() == before
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["ภารกิจ", "สรุปภาพรวม"]
    assert [list(r) for r in book["ภารกิจ"].iter_rows(values_only=True)] == [["รหัสภารกิจ", "ชื่อภารกิจ"], ["M01", "งานสารบรรณ"]]
    assert [list(r) for r in book["สรุปภาพรวม"].iter_rows(values_only=True)] == [
        ["หัวเรื่อง สรุปภาพรวม", None],
        ["ข้อมูล ณ วันที่ 31 มีนาคม 2569", None],
        [None, None],
        ["ตัวชี้วัดภาพรวม", "ค่า"],
        ["จำนวนภารกิจ", 12],
    ]


def test_a_failed_save_changes_nothing(make_xlsx: MakeXlsx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_xlsx({"ภารกิจ": [["รหัสภารกิจ"], ["M01"]]})
    before = path.read_bytes()

    def disk_full(package, handle, *args):  # the disk fills up half way through the new package
        handle.write(b"PK\x03\x04 half a workbook")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(xlsx_package, "_copy_zip", disk_full)
    with pytest.raises(WorkbookError, match="No space left on device"):
        XlsxBackend(path).write_summary_tabs([summary()])
    assert path.read_bytes() == before
    assert listing(tmp_path) == ["book.xlsx"]


WRITES = {
    "write_summary_tabs": lambda backend: backend.write_summary_tabs([summary()]),
    "create_input_tabs": lambda backend: backend.create_input_tabs(input_tab_specs(Settings())),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_a_read_only_file_is_refused_and_left_alone(make_xlsx: MakeXlsx, tmp_path: Path, write: str) -> None:
    path = make_xlsx({"ภารกิจ": [["รหัสภารกิจ"], ["M01"]]})
    before = path.read_bytes()
    path.chmod(0o444)
    try:
        with pytest.raises(WorkbookError, match="อ่านอย่างเดียว"):
            WRITES[write](XlsxBackend(path))
        assert path.read_bytes() == before
        assert listing(tmp_path) == ["book.xlsx"]
    finally:
        path.chmod(0o644)


@pytest.mark.parametrize("lock_name", [".~lock.book.xlsx#", "~$book.xlsx"])
@pytest.mark.parametrize("write", list(WRITES))
def test_a_workbook_open_in_another_program_is_refused(make_xlsx: MakeXlsx, tmp_path: Path, lock_name: str, write: str) -> None:
    path = make_xlsx({"ภารกิจ": [["รหัสภารกิจ"], ["M01"]]})
    before = path.read_bytes()
    (tmp_path / lock_name).write_text(",user,host,26.11.2026 10:00,file:///home/user/.config/libreoffice/4;")
    with pytest.raises(WorkbookError, match="เปิดอยู่ในโปรแกรมอื่น"):
        WRITES[write](XlsxBackend(path))
    assert path.read_bytes() == before
    assert listing(tmp_path) == sorted(["book.xlsx", lock_name])


def test_a_workbook_changed_after_reading_is_not_overwritten(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx({"ภารกิจ": [["รหัสภารกิจ"], ["M01"]]})
    backend = XlsxBackend(path)
    backend.read_tabs(["ภารกิจ"])
    stamp = path.stat().st_mtime + 60
    os.utime(path, (stamp, stamp))  # someone saved it meanwhile
    before = path.read_bytes()
    with pytest.raises(WorkbookError, match="ถูกแก้ไขระหว่าง"):
        backend.write_summary_tabs([summary()])
    assert path.read_bytes() == before


def test_a_folder_that_cannot_be_created_is_a_workbook_error(tmp_path: Path) -> None:
    (tmp_path / "notes").write_text("a file, not a folder")
    with pytest.raises(WorkbookError):
        XlsxBackend(tmp_path / "notes" / "new.xlsx").create_input_tabs(input_tab_specs(Settings()))
    assert listing(tmp_path) == ["notes"]


# --- ownership -------------------------------------------------------------------------------

def test_a_same_named_tab_the_tool_did_not_create_needs_force(make_xlsx: MakeXlsx, tmp_path: Path) -> None:
    path = make_xlsx({"ภารกิจ": [["รหัสภารกิจ"]], "สรุปภาพรวม": [["สรุปที่เจ้าหน้าที่ทำเอง"]]})
    before = path.read_bytes()
    backend = XlsxBackend(path)
    assert backend.owned_tabs() == set()
    with pytest.raises(OwnershipError, match="สรุปภาพรวม"):
        backend.write_summary_tabs([summary()])
    assert path.read_bytes() == before
    assert listing(tmp_path) == ["book.xlsx"]

    backend.write_summary_tabs([summary()], force=True)
    assert XlsxBackend(path).owned_tabs() == {"สรุปภาพรวม"}
    assert openpyxl.load_workbook(path)["สรุปภาพรวม"]["A1"].value == "หัวเรื่อง สรุปภาพรวม"

    XlsxBackend(path).write_summary_tabs([summary(rows=[["จำนวนภารกิจ", 13]])])  # now its own: no force needed
    book = openpyxl.load_workbook(path)
    assert (book.sheetnames, book["สรุปภาพรวม"]["B5"].value) == (["ภารกิจ", "สรุปภาพรวม"], 13)


def test_ownership_error_is_a_workbook_error() -> None:
    assert issubclass(OwnershipError, WorkbookError)


def test_rewriting_an_owned_tab_keeps_its_place(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx({"ภารกิจ": [["รหัสภารกิจ"]], "หมายเหตุ": [["โน้ต"]]})
    XlsxBackend(path).write_summary_tabs([summary("สรุปภาพรวม"), summary("ตรวจสอบข้อมูล")])
    book = openpyxl.load_workbook(path)
    book.move_sheet("หมายเหตุ", offset=1)  # staff move their own tab after the first summary tab
    book.save(path)
    XlsxBackend(path).write_summary_tabs([summary("สรุปภาพรวม"), summary("ตรวจสอบข้อมูล")])
    assert openpyxl.load_workbook(path).sheetnames == ["ภารกิจ", "สรุปภาพรวม", "หมายเหตุ", "ตรวจสอบข้อมูล"]


FORMULA_LIKE = ['=IMPORTRANGE("https://docs.google.com/spreadsheets/d/abc","ภารกิจ!A1:B9")', "=1+1", "+66812345678", "-5+3", "@SUM(A1)"]


def test_formula_like_text_is_written_as_text(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx({"ภารกิจ": [["รหัสภารกิจ"]]})
    XlsxBackend(path).write_summary_tabs([summary(rows=[[value, 1] for value in FORMULA_LIKE])])
    sheet = openpyxl.load_workbook(path)["สรุปภาพรวม"]
    assert [(sheet.cell(row=r, column=1).value, sheet.cell(row=r, column=1).data_type) for r in range(5, 10)] == [
        (value, "s") for value in FORMULA_LIKE
    ]
    with zipfile.ZipFile(path) as book:
        sheets_xml = [book.read(n).decode() for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
    assert [xml.count("<f>") for xml in sheets_xml] == [0, 0]
    rows = XlsxBackend(path).read_tabs(["สรุปภาพรวม"])["สรุปภาพรวม"].rows
    assert [r[0] for r in rows[4:9]] == [text(value) for value in FORMULA_LIKE]


def test_staff_formulas_still_read_as_values_after_a_write(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "T"
    sheet["A1"], sheet["B1"], sheet["C1"], sheet["D1"], sheet["E1"] = "=1+2", '="ab"&"c"', "=A1/10", "=DATE(2026,3,31)", "=1=1"
    sheet["C1"].number_format = "0%"
    sheet["D1"].number_format = "d/m/yyyy"
    path = tmp_path / "formulas.xlsx"
    book.save(path)
    fill_cached_results(path, {"A1": ("3", ""), "B1": ("abc", "str"), "C1": ("0.3", ""), "D1": ("46112", ""), "E1": ("1", "b")})
    expected = read_one(path)
    assert [c.kind for c in expected[0]] == [CellKind.NUMBER, CellKind.TEXT, CellKind.PERCENT, CellKind.DATE, CellKind.BOOL]
    XlsxBackend(path).write_summary_tabs([summary()])
    assert read_one(path) == expected
    XlsxBackend(path).write_summary_tabs([summary()])  # and again: nothing drifts
    assert read_one(path) == expected
    formulas = openpyxl.load_workbook(path)["T"]
    assert [formulas[c].value for c in ("A1", "B1", "E1")] == ["=1+2", '="ab"&"c"', "=1=1"]  # formulas kept
