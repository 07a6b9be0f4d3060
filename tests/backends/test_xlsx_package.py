"""The surgical .xlsx writer on workbooks written by another program (xlsxwriter): every part of
the staff tabs stays byte for byte through two syncs, the summary tabs look as they always did,
and the results equal those of the same data in a workbook written by openpyxl."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter

from sheets_sync.app.sync import run_sync
from sheets_sync.backends.xlsx.backend import XlsxBackend
from sheets_sync.backends.xlsx.package import Package
from sheets_sync.config import Output, Settings
from sheets_sync.core.cells import Cell, CellKind
from sheets_sync.core.errors import OwnershipError
from sheets_sync.core.fiscal import resolve_period
from sheets_sync.core.grid import NUMBER_PATTERNS, Style, lay_out, style_fill
from sheets_sync.core.vocabulary import HEADER_FILL
from sheets_sync.present.demo import DateCell, Percent, build_demo_rows, write_demo_workbook
from sheets_sync.present.summary_tabs import build_summary_tabs
from sheets_sync.schema.tabs import SUMMARY_TAB_TITLES, input_tabs
from tests.conftest import AS_OF

NOW = dt.datetime(2026, 3, 31, 9)
# The parts every write may patch; everything else in the package is the staff's.
SHARED = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "xl/styles.xml", "docProps/app.xml"}


def png(width: int = 4, height: int = 3) -> bytes:
    """A real (tiny, red) PNG picture."""
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def staff_workbook(path: Path, *, chart_sheet: bool = True) -> Path:
    """The demo's input tabs as another program writes them, plus what staff add: pictures, a
    native chart, a chart sheet, comments, conditional formats, a table, validation, hyperlinks,
    a defined name and a tab of formulas with their cached results."""
    book = xlsxwriter.Workbook(str(path))
    percent = book.add_format({"num_format": "0%"})
    date = book.add_format({"num_format": "d/m/yyyy"})
    bold = book.add_format({"bold": True, "bg_color": "#D9E1F2"})
    titles = {tab.key: tab.th for tab in input_tabs((6, 9, 12))}
    sizes = {}
    for key, rows in build_demo_rows(AS_OF).items():
        sheet = book.add_worksheet(titles[key])
        sizes[titles[key]] = len(rows)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if r == 0:
                    sheet.write_string(r, c, value, bold)
                elif isinstance(value, Percent):
                    sheet.write_number(r, c, value.fraction, percent)
                elif isinstance(value, DateCell):
                    sheet.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), date)
                elif isinstance(value, str) and value:
                    sheet.write_string(r, c, value)
                elif isinstance(value, bool):
                    sheet.write_boolean(r, c, value)
                elif isinstance(value, (int, float)):
                    sheet.write_number(r, c, value)
        sheet.freeze_panes(1, 0)
    missions = book.get_worksheet_by_name(titles["missions"])
    missions.write_comment("A1", "รหัสภารกิจต้องไม่ซ้ำ")
    missions.conditional_format("B2:B200", {"type": "text", "criteria": "containing", "value": "งาน",
                                            "format": book.add_format({"font_color": "#9C0006"})})
    missions.data_validation("C2:C200", {"validate": "length", "criteria": "<", "value": 200})
    missions.insert_image("M2", "emblem.png", {"image_data": io.BytesIO(png())})

    notes = book.add_worksheet("แดชบอร์ด")
    notes.write_string("A1", "ลิงก์")
    notes.write_url("B1", "https://www.example.go.th/plan", string="แผนจังหวัด")
    notes.write_url("B2", f"internal:'{titles['missions']}'!A1", string="ไปที่ภารกิจ")
    notes.write_formula("A4", f"=COUNTA('{titles['missions']}'!A:A)-1", None, sizes[titles["missions"]] - 1)
    notes.write_formula("B4", '="ภารกิจ "&A4', None, f"ภารกิจ {sizes[titles['missions']] - 1}")
    notes.write_formula("C4", "=A4/100", percent, (sizes[titles["missions"]] - 1) / 100)
    notes.write_formula("D4", "=1/0", None, "#DIV/0!")
    notes.add_table("A6:C9", {"name": "ตารางงบ", "columns": [{"header": "งาน"}, {"header": "งบ"}, {"header": "ใช้ไป"}],
                              "data": [["ก", 100, 50], ["ข", 200, 120], ["ค", 300, 80]]})
    notes.write_comment("B6", "งบประมาณปี 2569")
    notes.insert_image("F2", "logo.png", {"image_data": io.BytesIO(png(6, 6))})
    chart = book.add_chart({"type": "column"})
    chart.add_series({"name": "งบ", "categories": "='แดชบอร์ด'!$A$7:$A$9", "values": "='แดชบอร์ด'!$B$7:$B$9"})
    notes.insert_chart("F10", chart)
    book.define_name("งบรวม", "='แดชบอร์ด'!$B$7:$B$9")
    if chart_sheet:
        sheet_chart = book.add_chart({"type": "pie"})
        sheet_chart.add_series({"categories": "='แดชบอร์ด'!$A$7:$A$9", "values": "='แดชบอร์ด'!$C$7:$C$9"})
        book.add_chartsheet("กราฟงบ").set_chart(sheet_chart)
    book.close()
    return path


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as book:
        return {name: book.read(name) for name in book.namelist()}


def raw_members(path: Path) -> dict[str, tuple[int, int, int]]:
    with zipfile.ZipFile(path) as book:
        return {i.filename: (i.CRC, i.compress_size, i.compress_type) for i in book.infolist()}


def settings_for(tmp_path: Path) -> Settings:
    return Settings(output=Output(dir=str(tmp_path / "out"), history=str(tmp_path / "out" / "history.sqlite")))


def sync(path: Path, tmp_path: Path) -> dict[str, Any]:
    outcome = run_sync(XlsxBackend(path), settings_for(tmp_path), resolve_period(AS_OF), now=NOW)
    return outcome.results.to_json()


@pytest.fixture
def staff_book(tmp_path: Path) -> Path:
    return staff_workbook(tmp_path / "staff.xlsx")


def test_staff_parts_stay_byte_for_byte_through_two_syncs(staff_book: Path, tmp_path: Path) -> None:
    before = members(staff_book)
    raw_before = raw_members(staff_book)
    sync(staff_book, tmp_path)
    first = members(staff_book)
    sync(staff_book, tmp_path)
    after = members(staff_book)
    staff_parts = {name for name in before if name not in SHARED}
    # pictures, charts, the chart sheet, comments, the table, every staff sheet: all still there
    assert {n.split("/")[1] for n in staff_parts if n.startswith("xl/") and "/" in n[3:]} >= {
        "worksheets", "drawings", "charts", "chartsheets", "media", "tables", "theme"}
    assert {name: after[name] for name in staff_parts} == {name: before[name] for name in staff_parts}
    # not even recompressed: the stored bytes are the very same
    assert {n: raw_members(staff_book)[n] for n in staff_parts} == {n: raw_before[n] for n in staff_parts}
    # the second sync rewrote only the summary tabs' own parts: the shared ones did not change again
    assert {n: after[n] for n in SHARED if n in after} == {n: first[n] for n in SHARED if n in first}
    assert set(after) == set(first)


def test_summary_tabs_are_appended_and_owned_and_keep_their_place(tmp_path: Path) -> None:
    # (openpyxl, which moves the tab here, misnumbers sheet-scoped names past a chart sheet)
    staff_book = staff_workbook(tmp_path / "staff.xlsx", chart_sheet=False)
    titles_before = XlsxBackend(staff_book).tab_titles()
    sync(staff_book, tmp_path)
    backend = XlsxBackend(staff_book)
    assert backend.tab_titles() == [*titles_before, *SUMMARY_TAB_TITLES]
    assert backend.owned_tabs() == set(SUMMARY_TAB_TITLES)
    book = openpyxl.load_workbook(staff_book)
    book.move_sheet(SUMMARY_TAB_TITLES[0], offset=-len(titles_before))  # staff move a summary tab first
    moved = list(book.sheetnames)
    book.save(staff_book)
    sync(staff_book, tmp_path)
    assert XlsxBackend(staff_book).tab_titles()[: len(moved)] == moved[: len(moved)]
    assert XlsxBackend(staff_book).owned_tabs() == set(SUMMARY_TAB_TITLES)


def test_a_chart_sheet_is_a_staff_tab_never_read_as_data(staff_book: Path) -> None:
    backend = XlsxBackend(staff_book)
    assert "กราฟงบ" in backend.tab_titles()
    assert "กราฟงบ" not in backend.read_tabs(["กราฟงบ", "แดชบอร์ด"])
    with pytest.raises(OwnershipError, match="กราฟงบ"):
        backend.write_summary_tabs([build_summary_tabs_named("กราฟงบ")])


def build_summary_tabs_named(title: str):
    from sheets_sync.core.grid import SummaryTab, Table

    return SummaryTab(title, "หัวเรื่อง", "ข้อมูล ณ วันที่ 31 มีนาคม 2569", [Table(["ตัวชี้วัดภาพรวม", "ค่า"], [["จำนวนภารกิจ", 1]])])


def test_a_chart_sheet_taken_over_with_force_becomes_a_worksheet(staff_book: Path) -> None:
    backend = XlsxBackend(staff_book)
    backend.write_summary_tabs([build_summary_tabs_named("กราฟงบ")], force=True)
    book = openpyxl.load_workbook(staff_book)
    assert book["กราฟงบ"]["B5"].value == 1
    assert XlsxBackend(staff_book).owned_tabs() == {"กราฟงบ"}
    with zipfile.ZipFile(staff_book) as archive:
        assert not [n for n in archive.namelist() if n.startswith("xl/chartsheets/")]
        assert archive.testzip() is None


def test_staff_formulas_keep_their_cached_results(staff_book: Path, tmp_path: Path) -> None:
    before = XlsxBackend(staff_book).read_tabs(["แดชบอร์ด"])["แดชบอร์ด"].rows
    assert [c.kind for c in before[3]] == [CellKind.NUMBER, CellKind.TEXT, CellKind.PERCENT, CellKind.ERROR]
    assert before[3][3] == Cell(CellKind.ERROR, "#DIV/0!")
    sync(staff_book, tmp_path)
    sync(staff_book, tmp_path)
    assert XlsxBackend(staff_book).read_tabs(["แดชบอร์ด"])["แดชบอร์ด"].rows == before


def test_results_equal_those_of_the_same_data_written_by_openpyxl(staff_book: Path, tmp_path: Path) -> None:
    reference = write_demo_workbook(tmp_path / "demo.xlsx", AS_OF)
    titles = [tab.th for tab in input_tabs((6, 9, 12))]
    assert XlsxBackend(staff_book).read_tabs(titles) == XlsxBackend(reference).read_tabs(titles)
    expected = sync(reference, tmp_path / "a")
    assert sync(staff_book, tmp_path / "b") == expected
    assert sync(staff_book, tmp_path / "c") == expected  # and after the workbook was written once


def test_openpyxl_opens_the_result_and_the_summary_tabs_keep_their_look(staff_book: Path, tmp_path: Path) -> None:
    results = run_sync(XlsxBackend(staff_book), settings_for(tmp_path), resolve_period(AS_OF), now=NOW).results
    tabs = {tab.title: tab for tab in build_summary_tabs(results, thai_digits=Settings().output.thai_digits)}
    book = openpyxl.load_workbook(staff_book)
    for title, tab in tabs.items():
        grid = lay_out(tab)
        sheet = book[title]
        assert sheet.freeze_panes == f"A{grid.header_rows[0] + 2}"
        assert [sheet.column_dimensions[openpyxl.utils.get_column_letter(c + 1)].width for c in range(len(grid.column_widths))] == grid.column_widths
        for r, row in enumerate(grid.rows, start=1):
            for c, gcell in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=c)
                value = gcell.value
                expected_value = dt.datetime.combine(value, dt.time()) if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else value
                assert cell.value == expected_value, (title, cell.coordinate)
                assert cell.font.name == "TH Sarabun New"
                assert cell.font.b == (gcell.style in (Style.TITLE, Style.HEADER, Style.CAPTION))
                assert cell.font.sz == (18 if gcell.style is Style.TITLE else 14)
                fill = style_fill(gcell.style)
                assert (cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type == "solid" else None) == fill, (title, cell.coordinate)
                if gcell.fmt in NUMBER_PATTERNS and value is not None and not isinstance(value, str):
                    assert cell.number_format == NUMBER_PATTERNS[gcell.fmt], (title, cell.coordinate)
                assert bool(cell.alignment.wrap_text) == (gcell.style is Style.HEADER)
        assert len(sheet._charts) == len([c for c in tab.charts])  # charts kept beside the tables
    assert book["แดชบอร์ด"]["A4"].value.startswith("=COUNTA(")


def test_input_tabs_added_by_init_leave_the_staff_parts_alone(tmp_path: Path) -> None:
    from sheets_sync.app.workbook import input_tab_specs

    path = staff_workbook(tmp_path / "staff.xlsx")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    # drop one input tab so init has something to add
    book_path = tmp_path / "partial.xlsx"
    source = xlsxwriter.Workbook(str(book_path))
    source.add_worksheet("หมายเหตุ").write_string("A1", "โน้ตของเจ้าหน้าที่")
    source.close()
    before = members(book_path)
    created = XlsxBackend(book_path).create_input_tabs(input_tab_specs(Settings()))
    assert created == [tab.th for tab in input_tabs((6, 9, 12))]
    after = members(book_path)
    assert {n: after[n] for n in before if n not in SHARED} == {n: before[n] for n in before if n not in SHARED}
    book = openpyxl.load_workbook(book_path)
    assert book.sheetnames == ["หมายเหตุ", *created]
    first = book[created[0]]
    assert first.freeze_panes == "A2"
    assert first["A1"].font.b and first["A1"].fill.fgColor.rgb[-6:] == HEADER_FILL
    assert len(first.data_validations.dataValidation) >= 1
    assert XlsxBackend(book_path).owned_tabs() == set()  # input tabs belong to the staff
    assert XlsxBackend(book_path).create_input_tabs(input_tab_specs(Settings())) == []
    assert names  # the staff workbook itself was readable


def soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        return None
    return found


@pytest.mark.libreoffice
def test_libreoffice_opens_the_result(staff_book: Path, tmp_path: Path) -> None:
    program = soffice()
    if program is None:
        pytest.skip("LibreOffice is not installed")
    probe = tmp_path / "probe.xlsx"
    openpyxl.Workbook().save(probe)
    check = subprocess.run([program, "--headless", "--convert-to", "csv", "--outdir", str(tmp_path / "probe"), str(probe)],
                           capture_output=True, timeout=120)
    if check.returncode != 0 or not (tmp_path / "probe" / "probe.csv").exists():
        pytest.skip("LibreOffice cannot convert files here")
    sync(staff_book, tmp_path)
    done = subprocess.run([program, "--headless", "--convert-to", "ods", "--outdir", str(tmp_path / "lo"), str(staff_book)],
                          capture_output=True, timeout=180)
    assert done.returncode == 0
    converted = tmp_path / "lo" / "staff.ods"
    with zipfile.ZipFile(converted) as ods:
        content = ods.read("content.xml").decode()
    assert all(f'table:name="{title}"' in content for title in SUMMARY_TAB_TITLES)
    assert 'table:name="กราฟงบ"' in content or "กราฟงบ" in content
    # and a file LibreOffice saved keeps its staff parts through a sync
    resaved_dir = tmp_path / "resaved"
    subprocess.run([program, "--headless", "--convert-to", "xlsx", "--outdir", str(resaved_dir), str(converted)],
                   capture_output=True, timeout=180, check=True)
    resaved = resaved_dir / "staff.xlsx"
    before = members(resaved)
    XlsxBackend(resaved).write_summary_tabs([build_summary_tabs_named(SUMMARY_TAB_TITLES[0])], force=True)
    after = members(resaved)
    with Package(resaved) as package:
        ours = package.reachable(next(s.part for s in package.sheets if s.title == SUMMARY_TAB_TITLES[0]))
    assert {n: after[n] for n in before if n not in SHARED and n not in ours} == {
        n: before[n] for n in before if n not in SHARED and n not in ours}


def test_an_internal_link_is_a_hyperlink_to_the_cell_not_a_formula(staff_book: Path) -> None:
    from sheets_sync.core.grid import CellLink, SummaryTab, Table

    table = Table(["แท็บ", "เซลล์"], [["ภารกิจ", "ภารกิจ!C3"], ["แดชบอร์ด", "แดชบอร์ด!B2"]],
                  links={(0, 1): CellLink("ภารกิจ", "C3"), (1, 1): CellLink("แดชบอร์ด", "B2")})
    XlsxBackend(staff_book).write_summary_tabs([SummaryTab("ตรวจสอบข้อมูล", "หัวเรื่อง", "ข้อมูล ณ วันที่", [table])])
    sheet = openpyxl.load_workbook(staff_book)["ตรวจสอบข้อมูล"]
    assert [(sheet[a].value, sheet[a].hyperlink.location if sheet[a].hyperlink else None) for a in ("B5", "B6", "A5")] == [
        ("ภารกิจ!C3", "'ภารกิจ'!C3"), ("แดชบอร์ด!B2", "'แดชบอร์ด'!B2"), ("ภารกิจ", None)]
    assert sheet["B5"].data_type == "s"


def with_dialog_and_macro_sheets(path: Path) -> Path:
    """Add a dialog sheet and an Excel 4 macro sheet to a package, as Excel stores them."""
    parts = members(path)
    dialog = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<dialogsheet xmlns="http://schemas.openxmlformats.org/'
              b'spreadsheetml/2006/main"><sheetViews><sheetView workbookViewId="0"/></sheetViews></dialogsheet>')
    macro = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<xm:macrosheet xmlns="http://schemas.openxmlformats.org/'
             b'spreadsheetml/2006/main" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><sheetData><row r="1">'
             b'<c r="A1" t="str"><f>GET.WORKSPACE(1)</f><v>Windows</v></c></row></sheetData></xm:macrosheet>')
    parts["xl/dialogsheets/sheet1.xml"] = dialog
    parts["xl/macrosheets/sheet1.xml"] = macro
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/dialogsheet"
    macro_rel = "http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet"
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    rels = rels.replace("</Relationships>", f'<Relationship Id="rId90" Type="{rel}" Target="dialogsheets/sheet1.xml"/>'
                                             f'<Relationship Id="rId91" Type="{macro_rel}" Target="macrosheets/sheet1.xml"/></Relationships>')
    parts["xl/_rels/workbook.xml.rels"] = rels.encode()
    workbook = parts["xl/workbook.xml"].decode()
    workbook = workbook.replace("</sheets>", '<sheet name="กล่องโต้ตอบ" sheetId="90" r:id="rId90"/><sheet name="มาโคร" sheetId="91" r:id="rId91"/></sheets>')
    parts["xl/workbook.xml"] = workbook.encode()
    types = parts["[Content_Types].xml"].decode()
    types = types.replace("</Types>", '<Override PartName="/xl/dialogsheets/sheet1.xml" '
                                      'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.dialogsheet+xml"/>'
                                      '<Override PartName="/xl/macrosheets/sheet1.xml" ContentType="application/vnd.ms-excel.macrosheet+xml"/></Types>')
    parts["[Content_Types].xml"] = types.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data)
    return path


def test_dialog_and_macro_sheets_are_staff_tabs_kept_and_never_read(tmp_path: Path) -> None:
    path = with_dialog_and_macro_sheets(staff_workbook(tmp_path / "staff.xlsx"))
    backend = XlsxBackend(path)
    assert backend.tab_titles()[-2:] == ["กล่องโต้ตอบ", "มาโคร"]
    assert backend.read_tabs(["กล่องโต้ตอบ", "มาโคร", "แดชบอร์ด"]).keys() == {"แดชบอร์ด"}
    before = members(path)
    sync(path, tmp_path)
    after = members(path)
    assert {n: after[n] for n in before if n not in SHARED} == {n: before[n] for n in before if n not in SHARED}
    assert XlsxBackend(path).tab_titles()[-len(SUMMARY_TAB_TITLES) - 2:-len(SUMMARY_TAB_TITLES)] == ["กล่องโต้ตอบ", "มาโคร"]


def test_an_xlsm_keeps_its_macros_byte_for_byte(tmp_path: Path) -> None:
    vba = tmp_path / "vbaProject.bin"
    vba.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8)  # stands for a compiled VBA project
    path = tmp_path / "macros.xlsm"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("ภารกิจ").write_string("A1", "รหัสภารกิจ")
    book.add_vba_project(str(vba))
    book.close()
    before = members(path)
    XlsxBackend(path).write_summary_tabs([build_summary_tabs_named(SUMMARY_TAB_TITLES[0])])
    after = members(path)
    assert after["xl/vbaProject.bin"] == vba.read_bytes()
    assert {n: after[n] for n in before if n not in SHARED} == {n: before[n] for n in before if n not in SHARED}
    assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in after["[Content_Types].xml"].decode()
    assert openpyxl.load_workbook(path, keep_vba=True).sheetnames == ["ภารกิจ", SUMMARY_TAB_TITLES[0]]
