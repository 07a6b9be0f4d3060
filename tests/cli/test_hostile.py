"""A corpus of hostile and careless inputs, each through the CLI on real files.

Every case asserts its documented exit code (outputs.md), exactly one Thai line on failure, no
traceback, and inputs unchanged (every input byte when the run fails; every input tab's values
when a sync succeeds). Then hypothesis fuzzes the cell parsers and whole tabs of random cells
through validate: never an exception, every issue on a real cell, inputs unchanged, strict JSON.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheets_sync.cli.main import cli
from sheets_sync.compute.results import compute_results
from sheets_sync.config import Settings
from sheets_sync.core.cells import Cell, CellKind, TabData
from sheets_sync.core.fiscal import resolve_period
from sheets_sync.present.demo import write_demo_workbook
from sheets_sync.schema import parsers
from sheets_sync.schema.tabs import SUMMARY_TAB_TITLES, input_tabs
from sheets_sync.schema.validate import validate_workbook
from sheets_sync.storage.atomic import TEMP_MARK, held_lock, lock_path
from tests.conftest import AS_OF, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
THAI = re.compile(r"[\u0E00-\u0E7F]")
NEEDS_ISSUE_9 = "needs the issue-9 reader"
FAR_CELL = "issue-9 calamine reader: a cell at XFD1048576 makes it allocate 512 GB and abort (bounded work needed)"
LEGACY_NAME = "issue-9 calamine reader cannot open a path that is not UTF-8 (a TIS-620 file name): OSError, exit 3"


# --- building hostile workbooks ------------------------------------------------------------
_DEMO_CACHE: dict[str, bytes] = {}


def demo_bytes() -> bytes:
    if "demo" not in _DEMO_CACHE:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            path = write_demo_workbook(Path(folder) / "demo.xlsx", dt.date(2026, 3, 31))
            _DEMO_CACHE["demo"] = path.read_bytes()
    return _DEMO_CACHE["demo"]


def small_book(tmp: Path, name: str = "book.xlsx", **extra_tabs: list[list[object]]) -> Path:
    """A small, valid workbook: a mission, a plan row, a KPI, a complaint (plus `extra_tabs`)."""
    tabs: dict[str, list[list[object]]] = {
        "ภารกิจ": [["รหัสภารกิจ", "ชื่อภารกิจ", "ประเภทภารกิจ", "ผู้รับผิดชอบหลัก"], ["M01", "งานสารบรรณ", "งานประจำ", "นางสาวสมใจ ใจดี"]],
        "เรื่องร้องเรียน": [
            ["เลขที่เรื่อง", "วันที่รับเรื่อง", "ช่องทาง", "ประเภทเรื่อง", "เรื่อง", "ผู้ร้อง", "เลขประจำตัวประชาชน", "โทรศัพท์", "สถานะ"],
            ["ดธ.1", dt.date(2025, 11, 3), "โทรศัพท์ 1567", "อื่นๆ", "ถนนชำรุด", "นายทดสอบ ร้องเรียน", "1101700203451", "081-234-5678", "รับเรื่อง"],
        ],
    }
    tabs.update(extra_tabs)
    return write_xlsx(tmp / name, tabs)


def rezip(src: Path, dst: Path, *, replace: dict[str, bytes] | None = None, drop: set[str] = frozenset(),
          compress: int = zipfile.ZIP_DEFLATED) -> Path:
    """A copy of the package with parts replaced or dropped."""
    replace = replace or {}
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dst.with_suffix(".tmpzip"), "w", compress) as new:
        for info in old.infolist():
            if info.filename in drop:
                continue
            new.writestr(info.filename, replace.get(info.filename, old.read(info.filename)))
        for name, data in replace.items():
            if name not in old.namelist():
                new.writestr(name, data)
    os.replace(dst.with_suffix(".tmpzip"), dst)
    return dst


def part(src: Path, name: str) -> bytes:
    with zipfile.ZipFile(src) as z:
        return z.read(name)


def first_sheet_part(src: Path) -> str:
    with zipfile.ZipFile(src) as z:
        return sorted(n for n in z.namelist() if n.startswith("xl/worksheets/sheet"))[0]


def patch_local_header(path: Path, member: str, *, method: int | None = None, flags: int | None = None) -> Path:
    """Rewrite a member's compression method / flag bits in both zip headers (what a broken or
    exotic zip tool leaves)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(member)
    local = info.header_offset
    central = data.rfind(b"PK\x01\x02" + data[local + 4:local + 6])  # not needed: scan all central entries
    pos = 0
    while (pos := data.find(b"PK\x01\x02", pos)) != -1:
        name_len = int.from_bytes(data[pos + 28:pos + 30], "little")
        if data[pos + 46:pos + 46 + name_len] == member.encode():
            if method is not None:
                data[pos + 10:pos + 12] = method.to_bytes(2, "little")
            if flags is not None:
                data[pos + 8:pos + 10] = flags.to_bytes(2, "little")
        pos += 4
    if method is not None:
        data[local + 8:local + 10] = method.to_bytes(2, "little")
    if flags is not None:
        data[local + 6:local + 8] = flags.to_bytes(2, "little")
    del central
    path.write_bytes(bytes(data))
    return path


def with_sheet_xml(tmp: Path, name: str, edit: Callable[[bytes], bytes]) -> Path:
    base = small_book(tmp, "base-" + name)
    sheet = first_sheet_part(base)
    return rezip(base, tmp / name, replace={sheet: edit(part(base, sheet))})


def _end_of_row_2(xml: bytes, cell: bytes) -> bytes:
    start = xml.index(b'<row r="2"')
    end = xml.index(b"</row>", start)
    return xml[:end] + cell + xml[end:]


def cell_xml(tmp: Path, name: str, cell: str) -> Path:
    """The small workbook with one extra raw <c> element in row 2 of the first sheet (ภารกิจ)."""
    def edit(xml: bytes) -> bytes:
        return _end_of_row_2(xml, cell.encode())

    return with_sheet_xml(tmp, name, edit)


# --- the cases --------------------------------------------------------------------------------
@dataclass
class Setup:
    workbook: Path | str
    args: list[str] = field(default_factory=list)
    config: str | bytes = ""
    watch: list[Path] = field(default_factory=list)  # files that must not change (besides the workbook)
    subprocess: bool = False  # run in a child process with a timeout (things that could block)
    before: Callable[[], object] | None = None  # held around the run (a lock)
    env: dict[str, str] = field(default_factory=dict)
    no_config: bool = False  # no --config option (the environment names it)


def f_empty(tmp: Path) -> Setup:
    (tmp / "empty.xlsx").write_bytes(b"")
    return Setup(tmp / "empty.xlsx")


def f_random(tmp: Path) -> Setup:
    (tmp / "noise.xlsx").write_bytes(os.urandom(4096))
    return Setup(tmp / "noise.xlsx")


def f_text(tmp: Path) -> Setup:
    (tmp / "notes.xlsx").write_text("รหัสภารกิจ,ชื่อภารกิจ\nM01,งานสารบรรณ\n", encoding="utf-8")
    return Setup(tmp / "notes.xlsx")


def f_truncated(tmp: Path) -> Setup:
    data = demo_bytes()
    (tmp / "cut.xlsx").write_bytes(data[: len(data) // 2])
    return Setup(tmp / "cut.xlsx")


def f_old_xls(tmp: Path) -> Setup:  # an Excel 97 (.xls, OLE2) file renamed .xlsx, or an encrypted .xlsx
    (tmp / "old.xlsx").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 4088)
    return Setup(tmp / "old.xlsx")


def f_no_workbook_part(tmp: Path) -> Setup:
    base = small_book(tmp, "base.xlsx")
    return Setup(rezip(base, tmp / "nowb.xlsx", drop={"xl/workbook.xml"}))


def f_no_content_types(tmp: Path) -> Setup:
    base = small_book(tmp, "base.xlsx")
    return Setup(rezip(base, tmp / "noct.xlsx", drop={"[Content_Types].xml"}))


def f_no_rels(tmp: Path) -> Setup:
    base = small_book(tmp, "base.xlsx")
    return Setup(rezip(base, tmp / "norels.xlsx", drop={"xl/_rels/workbook.xml.rels"}))


def f_missing_sheet_part(tmp: Path) -> Setup:
    base = small_book(tmp, "base.xlsx")
    return Setup(rezip(base, tmp / "nosheet.xlsx", drop={first_sheet_part(base)}))


def f_sheet_not_xml(tmp: Path) -> Setup:
    return Setup(with_sheet_xml(tmp, "garbage.xlsx", lambda xml: b"\x89PNG\r\n\x1a\n" + os.urandom(200)))


def f_sheet_broken_xml(tmp: Path) -> Setup:
    return Setup(with_sheet_xml(tmp, "broken.xlsx", lambda xml: xml[: len(xml) // 2]))


def f_workbook_broken_xml(tmp: Path) -> Setup:
    base = small_book(tmp, "base.xlsx")
    return Setup(rezip(base, tmp / "wbxml.xlsx", replace={"xl/workbook.xml": b"<workbook><sheets><sheet name="}))


def f_entity_bomb(tmp: Path) -> Setup:
    bomb = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lollollollollollollollollollol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
    ) + b"]>"

    def edit(xml: bytes) -> bytes:
        body = xml.split(b"?>", 1)[-1]
        body = _end_of_row_2(body, b'<c r="Z2" t="inlineStr"><is><t>&lol9;</t></is></c>')
        return bomb + body

    return Setup(with_sheet_xml(tmp, "bomb.xlsx", edit))


def f_external_entity(tmp: Path) -> Setup:
    secret = tmp / "secret.txt"
    secret.write_text("TOP-SECRET-PASSWORD", encoding="utf-8")

    def edit(xml: bytes) -> bytes:
        body = xml.split(b"?>", 1)[-1]
        body = _end_of_row_2(body, b'<c r="Z2" t="inlineStr"><is><t>&xxe;</t></is></c>')
        return b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file://' + str(secret).encode() + b'">]>' + body

    return Setup(with_sheet_xml(tmp, "xxe.xlsx", edit))


def f_bad_shared_string(tmp: Path) -> Setup:
    base = small_book(tmp, "base.xlsx")
    sheet = first_sheet_part(base)
    xml = _end_of_row_2(part(base, sheet), b'<c r="Z2" t="s"><v>99999</v></c>')
    sst = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>x</t></si></sst>'
    ct = part(base, "[Content_Types].xml").replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" '
                     b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    rels = part(base, "xl/_rels/workbook.xml.rels").replace(
        b"</Relationships>", b'<Relationships Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                             b'Target="sharedStrings.xml"/></Relationships>'.replace(b"<Relationships ", b"<Relationship ", 1))
    return Setup(rezip(base, tmp / "sst.xlsx", replace={sheet: xml, "xl/sharedStrings.xml": sst, "[Content_Types].xml": ct,
                                                        "xl/_rels/workbook.xml.rels": rels}))


def f_bad_style_index(tmp: Path) -> Setup:
    return Setup(cell_xml(tmp, "style.xlsx", '<c r="Z2" s="9999"><v>1</v></c>'))


def f_bad_cell_reference(tmp: Path) -> Setup:
    return Setup(cell_xml(tmp, "ref.xlsx", '<c r="!!"><v>1</v></c>'))


def f_bad_number_text(tmp: Path) -> Setup:
    return Setup(cell_xml(tmp, "num.xlsx", '<c r="Z2"><v>twelve</v></c>'))


def f_unknown_compression(tmp: Path) -> Setup:
    base = small_book(tmp, "base.xlsx")
    path = shutil.copy(base, tmp / "method.xlsx")
    return Setup(patch_local_header(Path(path), first_sheet_part(base), method=99))


def f_encrypted_member(tmp: Path) -> Setup:
    base = small_book(tmp, "base.xlsx")
    path = shutil.copy(base, tmp / "crypt.xlsx")
    return Setup(patch_local_header(Path(path), first_sheet_part(base), flags=0x1))


def f_crc_mismatch(tmp: Path) -> Setup:
    base = small_book(tmp, "base.xlsx")
    stored = rezip(base, tmp / "stored.xlsx", compress=zipfile.ZIP_STORED)
    data = bytearray(stored.read_bytes())
    at = data.find(b"<sheetData>")
    data[at + 1] ^= 0x20  # one flipped bit inside the sheet's XML
    (tmp / "crc.xlsx").write_bytes(bytes(data))
    return Setup(tmp / "crc.xlsx")


def f_directory(tmp: Path) -> Setup:
    (tmp / "folder.xlsx").mkdir()
    return Setup(tmp / "folder.xlsx")


def f_fifo(tmp: Path) -> Setup:
    os.mkfifo(tmp / "pipe.xlsx")
    return Setup(tmp / "pipe.xlsx", subprocess=True)


def f_device(tmp: Path) -> Setup:
    (tmp / "null.xlsx").symlink_to("/dev/zero")
    return Setup(tmp / "null.xlsx", subprocess=True)


def f_dangling_symlink(tmp: Path) -> Setup:
    (tmp / "gone.xlsx").symlink_to(tmp / "deleted.xlsx")
    return Setup(tmp / "gone.xlsx")


def f_symlink_loop(tmp: Path) -> Setup:
    (tmp / "a.xlsx").symlink_to(tmp / "b.xlsx")
    (tmp / "b.xlsx").symlink_to(tmp / "a.xlsx")
    return Setup(tmp / "a.xlsx")


def f_missing(tmp: Path) -> Setup:
    return Setup(tmp / "nothing-here.xlsx")


def f_not_xlsx_name(tmp: Path) -> Setup:
    (tmp / "book.csv").write_text("a,b\n", encoding="utf-8")
    return Setup(tmp / "book.csv")


def f_chart_sheet(tmp: Path) -> Setup:
    book = openpyxl.load_workbook(small_book(tmp, "base.xlsx"))
    chart_sheet = book.create_chartsheet("กราฟ")
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.add_data(Reference(book["ภารกิจ"], min_col=1, min_row=1, max_row=2))
    chart_sheet.add_chart(chart)
    book.save(tmp / "chart.xlsx")
    return Setup(tmp / "chart.xlsx")


def f_stray_far_cell(tmp: Path) -> Setup:
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t> </t></is></c></row></sheetData>'
    return Setup(with_sheet_xml(tmp, "far.xlsx", lambda xml: xml.replace(b"</sheetData>", far)), subprocess=True)


def f_huge_dimension(tmp: Path) -> Setup:
    return Setup(with_sheet_xml(tmp, "dim.xlsx", lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml)),
                 subprocess=True)


# tabs
def t_no_input_tabs(tmp: Path) -> Setup:
    return Setup(write_xlsx(tmp / "other.xlsx", {"Sheet1": [["hello"]]}))


def t_ambiguous_tabs(tmp: Path) -> Setup:
    return Setup(small_book(tmp, missions=[["id", "name", "category", "owner"], ["M09", "ซ้ำ", "routine", "x"]]))


def t_spaced_tab_name(tmp: Path) -> Setup:
    book = openpyxl.load_workbook(small_book(tmp))
    book["ภารกิจ"].title = " ภาร กิจ "
    book.save(tmp / "spaced.xlsx")
    return Setup(tmp / "spaced.xlsx")


def t_foreign_summary_tab(tmp: Path) -> Setup:
    return Setup(small_book(tmp, **{SUMMARY_TAB_TITLES[0]: [["staff wrote this"]]}))


def t_hidden_input_tab(tmp: Path) -> Setup:
    book = openpyxl.load_workbook(small_book(tmp))
    book["ภารกิจ"].sheet_state = "veryHidden"
    book.save(tmp / "hidden.xlsx")
    return Setup(tmp / "hidden.xlsx")


def t_empty_input_tab(tmp: Path) -> Setup:
    return Setup(small_book(tmp, **{"ภารกิจ": []}))


def t_many_tabs(tmp: Path) -> Setup:
    return Setup(small_book(tmp, **{f"แท็บ{i}": [["x"], [i]] for i in range(60)}))


def t_formula_like_titles(tmp: Path) -> Setup:
    return Setup(small_book(tmp, **{"=SUM(A1)": [["+66 81 234"]], "'quoted'": [["@cmd"]]}))


# headers
def h_no_header(tmp: Path) -> Setup:
    return Setup(small_book(tmp, **{"ภารกิจ": [[None, None], ["M01", "งาน"]]}))


def h_duplicate_header(tmp: Path) -> Setup:
    return Setup(small_book(tmp, **{"ภารกิจ": [["รหัสภารกิจ", "รหัสภารกิจ", "ชื่อภารกิจ"], ["M01", "M02", "งาน"]]}))


def h_numeric_and_date_headers(tmp: Path) -> Setup:
    return Setup(small_book(tmp, **{"ภารกิจ": [[1, dt.date(2026, 1, 1), True, "รหัสภารกิจ"], [1, 2, 3, "M01"]]}))


def h_zero_width_headers(tmp: Path) -> Setup:
    return Setup(small_book(tmp, **{"ภารกิจ": [["\u200bรหัส\u00a0ภารกิจ\ufeff", "ชื่อภารกิจ", "ประเภทภารกิจ", "ผู้รับผิดชอบหลัก"],
                                               ["M01", "งาน", "งานประจำ", "นาย ก"]]}))


def h_header_only(tmp: Path) -> Setup:
    return Setup(small_book(tmp, **{"เรื่องร้องเรียน": [["เลขที่เรื่อง", "วันที่รับเรื่อง"]]}))


def h_very_wide_header(tmp: Path) -> Setup:
    return Setup(small_book(tmp, **{"ภารกิจ": [["รหัสภารกิจ", "ชื่อภารกิจ"] + [f"คอลัมน์{i}" for i in range(2000)], ["M01", "งาน"]]}))


# cells
def c_error_cells(tmp: Path) -> Setup:
    return Setup(cell_xml(tmp, "err.xlsx", '<c r="A3" t="e"><v>#REF!</v></c>'))


def c_bool_in_number(tmp: Path) -> Setup:
    return Setup(small_book(tmp, **{"แผนปฏิบัติการ": [["รหัสกิจกรรม", "ชื่อกิจกรรม", "งบประมาณ"], ["A01", "อบรม", True]]}))


def c_long_text(tmp: Path) -> Setup:
    return Setup(small_book(tmp, **{"ภารกิจ": [["รหัสภารกิจ", "ชื่อภารกิจ", "ประเภทภารกิจ"], ["M01", "ก" * 32767, "งานประจำ"]]}))


def c_formula_text(tmp: Path) -> Setup:
    return Setup(small_book(tmp, **{"ภารกิจ": [["รหัสภารกิจ", "ชื่อภารกิจ", "ประเภทภารกิจ"], ["=IMPORTRANGE(\"x\")", "+66812345678", "@SUM(1)"]]}))


def c_bidi_and_bom(tmp: Path) -> Setup:
    return Setup(small_book(tmp, **{"ภารกิจ": [["รหัสภารกิจ", "ชื่อภารกิจ", "ประเภทภารกิจ"], ["\u202eM01\u202c", "\ufeffงาน\u200d", "งานประจำ"]]}))


def c_real_formula(tmp: Path) -> Setup:
    return Setup(cell_xml(tmp, "formula.xlsx", '<c r="Z2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'))


def c_number_claims_text(tmp: Path) -> Setup:  # a numeric cell whose value is not a number
    return Setup(cell_xml(tmp, "claims.xlsx", '<c r="Z2"><f>1/0</f><v>#DIV/0!</v></c>'))


def c_inline_rich_text(tmp: Path) -> Setup:
    return Setup(cell_xml(tmp, "rich.xlsx", '<c r="Z2" t="inlineStr"><is><r><t>ตัว</t></r><r><t>หนา</t></r></is></c>'))


def c_control_chars(tmp: Path) -> Setup:
    return Setup(cell_xml(tmp, "ctl.xlsx", '<c r="Z2" t="inlineStr"><is><t>a&#x9;b&#xA;c</t></is></c>'))


# numbers
def n_huge_cell(tmp: Path) -> Setup:
    return Setup(small_book(tmp, **{"แผนปฏิบัติการ": [["รหัสกิจกรรม", "ชื่อกิจกรรม", "งบประมาณ"], ["A01", "อบรม", 1e308], ["A02", "ประชุม", 1e308]]}))


def n_huge_text(tmp: Path) -> Setup:
    return Setup(small_book(tmp, **{"แผนปฏิบัติการ": [["รหัสกิจกรรม", "ชื่อกิจกรรม", "งบประมาณ"], ["A01", "อบรม", "9" * 400]]}))


def plan_cell_xml(tmp: Path, name: str, value: str) -> Path:
    """A plan tab whose first budget cell holds the raw number `value` (what a broken writer leaves)."""
    base = write_xlsx(tmp / f"base-{name}", {"แผนปฏิบัติการ": [["รหัสกิจกรรม", "ชื่อกิจกรรม", "งบประมาณ"], ["A01", "อบรม", 1]]})
    sheet = first_sheet_part(base)
    xml = re.sub(rb'(<c r="C2"[^>]*>)<v>1</v>', rb"\1<v>" + value.encode() + rb"</v>", part(base, sheet))
    assert value.encode() in xml
    return rezip(base, tmp / name, replace={sheet: xml})


def n_nan_xml(tmp: Path) -> Setup:
    return Setup(plan_cell_xml(tmp, "nan.xlsx", "NaN"))


def n_inf_xml(tmp: Path) -> Setup:
    return Setup(plan_cell_xml(tmp, "inf.xlsx", "INF"))


def n_negative_and_thai_digits(tmp: Path) -> Setup:
    return Setup(small_book(tmp, **{"แผนปฏิบัติการ": [["รหัสกิจกรรม", "ชื่อกิจกรรม", "งบประมาณ", "ร้อยละความก้าวหน้า"],
                                                     ["A01", "อบรม", -5, "๑๒๓%"], ["A02", "ประชุม", "1,2,3", "1e5"]]}))


def n_percent_way_out(tmp: Path) -> Setup:
    return Setup(small_book(tmp, **{"แผนปฏิบัติการ": [["รหัสกิจกรรม", "ชื่อกิจกรรม", "ร้อยละความก้าวหน้า"], ["A01", "อบรม", 1e12]]}))


# dates
def d_serial_out_of_range(tmp: Path) -> Setup:
    return Setup(cell_xml(tmp, "serial.xlsx", '<c r="Z2" s="1"><v>99999999</v></c>'))


def d_impossible_texts(tmp: Path) -> Setup:
    rows = [["เลขที่เรื่อง", "วันที่รับเรื่อง", "ช่องทาง", "ประเภทเรื่อง", "เรื่อง", "สถานะ"]] + [
        [f"ดธ.{i}", text, "โทรศัพท์ 1567", "อื่นๆ", "เรื่อง", "รับเรื่อง"]
        for i, text in enumerate(["31/02/2569", "1/1/69", "0000-01-01", "12/31/2025", "๓๑/๑๒/๙๙๙๙", "32 ก.ค. 2568", "99999-01-01"])
    ]
    return Setup(small_book(tmp, **{"เรื่องร้องเรียน": rows}))


def d_as_of_too_early(tmp: Path) -> Setup:
    return Setup(small_book(tmp), args=["--as-of", "0001-01-01"])


def d_as_of_too_late(tmp: Path) -> Setup:
    return Setup(small_book(tmp), args=["--as-of", "9999-12-31"])


def d_as_of_not_a_date(tmp: Path) -> Setup:
    return Setup(small_book(tmp), args=["--as-of", "2026-02-30"])


def d_fiscal_year_far(tmp: Path) -> Setup:
    return Setup(small_book(tmp), args=["--fiscal-year", "9999"])


# names
def names_long_thai(tmp: Path) -> Setup:
    name = ("ทะเบียนเรื่องร้องเรียนศูนย์ดำรงธรรมจังหวัด" * 2)[:78] + ".xlsx"
    return Setup(small_book(tmp, name))


def names_legacy_encoding(tmp: Path) -> Setup:
    raw = "สำนักงาน".encode("tis_620") + b".xlsx"
    path = Path(os.fsdecode(os.path.join(os.fsencode(tmp), raw)))
    shutil.copy(small_book(tmp), path)
    return Setup(path)


def names_spaces_quotes(tmp: Path) -> Setup:
    return Setup(small_book(tmp, "แผน 'ปี' \"69\" $HOME;.xlsx"))


def names_dash_prefix(tmp: Path) -> Setup:
    book = small_book(tmp, "-book.xlsx")
    return Setup(str(book))


def names_upper_suffix(tmp: Path) -> Setup:
    return Setup(small_book(tmp, "OFFICE.XLSX"))


# permissions
def p_read_only(tmp: Path) -> Setup:
    book = small_book(tmp)
    os.chmod(book, 0o444)
    return Setup(book)


def p_office_lock(tmp: Path) -> Setup:
    book = small_book(tmp)
    (tmp / f"~${book.name}").write_bytes(b"locked by Excel")
    return Setup(book, watch=[tmp / f"~${book.name}"])


def p_out_is_a_file(tmp: Path) -> Setup:
    (tmp / "out").write_text("not a folder", encoding="utf-8")
    return Setup(small_book(tmp), watch=[tmp / "out"])


def p_history_under_a_file(tmp: Path) -> Setup:
    (tmp / "blocker").write_text("x", encoding="utf-8")
    return Setup(small_book(tmp), config=f'[output]\nhistory = "{tmp / "blocker" / "history.sqlite"}"\n', watch=[tmp / "blocker"])


def p_history_not_a_database(tmp: Path) -> Setup:
    (tmp / "history.sqlite").write_bytes(b"garbage" * 500)
    return Setup(small_book(tmp), watch=[tmp / "history.sqlite"])


# symlinks
def s_planted_bak(tmp: Path) -> Setup:
    book = small_book(tmp)
    victim = tmp / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    (tmp / f"{book.name}.bak").symlink_to(victim)
    return Setup(book, watch=[victim])


def s_symlink_to_fifo(tmp: Path) -> Setup:
    os.mkfifo(tmp / "pipe")
    (tmp / "pipe.xlsx").symlink_to(tmp / "pipe")
    return Setup(tmp / "pipe.xlsx", subprocess=True)


# concurrency
def k_sync_running(tmp: Path) -> Setup:
    book = small_book(tmp)
    return Setup(book, config="[sync]\nwait_seconds = 0.5\n", before=lambda: held_lock(lock_path(book, "sync"), 5))


# config
def cfg_nan(tmp: Path) -> Setup:
    return Setup(small_book(tmp), config="[plan]\ntolerance_points = nan\n")


def cfg_inf(tmp: Path) -> Setup:
    return Setup(small_book(tmp), config="[kpi]\nbelow_level1_score = -inf\n")


def cfg_huge_int(tmp: Path) -> Setup:
    return Setup(small_book(tmp), config="[complaints]\nsla_days = 99999999999999999999999\n")


def cfg_negative_wait(tmp: Path) -> Setup:
    return Setup(small_book(tmp), config="[sync]\nwait_seconds = -1\n")


def cfg_not_utf8(tmp: Path) -> Setup:
    return Setup(small_book(tmp), config=b"[office]\nname = \"" + "สำนักงาน".encode("tis_620") + b"\"\n")


def cfg_env_is_directory(tmp: Path) -> Setup:
    (tmp / "conf.d").mkdir()
    return Setup(small_book(tmp), env={"SHEETS_SYNC_CONFIG": str(tmp / "conf.d")}, no_config=True)


def cfg_is_directory(tmp: Path) -> Setup:
    (tmp / "conf.d").mkdir()
    return Setup(small_book(tmp), args=["--config", str(tmp / "conf.d")])


OK, DATA, USAGE, BOOK = 0, 1, 2, 3
USAGE_CLICK = -2  # exit 2 from click's own option check; its "Usage:/Error:" lines are click's format
TOLERANT = -13  # a damaged part a reader may read around (exit 1, the data is all there) or refuse (exit 3)
CELL_OR_BOOK = -14  # a damaged cell: an issue on that very cell (exit 1) or the workbook refused (exit 3)
CASES: list[tuple[str, Callable[[Path], Setup], str, int, str, object]] = [
    # (id, build, command, exit code, a fragment of the one line, mark)
    ("file-empty", f_empty, "validate", BOOK, "{name}", None),
    ("file-empty-sync", f_empty, "sync", BOOK, "{name}", None),
    ("file-random-bytes", f_random, "validate", BOOK, "{name}", None),
    ("file-text", f_text, "sync", BOOK, "{name}", None),
    ("file-truncated", f_truncated, "validate", BOOK, "{name}", None),
    ("file-truncated-sync", f_truncated, "sync", BOOK, "{name}", None),
    ("file-ole2-xls", f_old_xls, "validate", BOOK, "{name}", None),
    ("part-no-workbook", f_no_workbook_part, "validate", BOOK, "{name}", None),
    ("part-no-content-types", f_no_content_types, "validate", TOLERANT, "{name}", None),
    ("part-no-rels", f_no_rels, "sync", BOOK, "{name}", None),
    ("part-missing-sheet", f_missing_sheet_part, "validate", BOOK, "{name}", None),
    ("part-missing-sheet-sync", f_missing_sheet_part, "sync", BOOK, "{name}", None),
    ("part-sheet-not-xml", f_sheet_not_xml, "validate", BOOK, "{name}", None),
    ("part-sheet-broken-xml", f_sheet_broken_xml, "validate", BOOK, "{name}", None),
    ("part-sheet-broken-xml-sync", f_sheet_broken_xml, "sync", BOOK, "{name}", None),
    ("part-workbook-broken-xml", f_workbook_broken_xml, "validate", BOOK, "{name}", None),
    ("xml-entity-bomb", f_entity_bomb, "validate", BOOK, "{name}", None),
    ("xml-external-entity", f_external_entity, "sync", BOOK, "{name}", None),
    ("index-bad-shared-string", f_bad_shared_string, "validate", BOOK, "{name}", None),
    ("index-bad-style", f_bad_style_index, "validate", TOLERANT, "{name}", None),
    ("cell-bad-reference", f_bad_cell_reference, "validate", BOOK, "{name}", None),
    ("cell-number-not-a-number", f_bad_number_text, "validate", TOLERANT, "{name}", None),
    ("zip-unknown-compression", f_unknown_compression, "validate", BOOK, "{name}", None),
    ("zip-encrypted-member", f_encrypted_member, "sync", BOOK, "{name}", None),
    ("zip-crc-mismatch", f_crc_mismatch, "validate", BOOK, "{name}", None),
    ("not-regular-directory", f_directory, "validate", BOOK, "โฟลเดอร์", None),
    ("not-regular-fifo", f_fifo, "sync", BOOK, "FIFO", None),
    ("not-regular-device", f_device, "validate", BOOK, "FIFO", None),
    ("symlink-dangling", f_dangling_symlink, "validate", BOOK, "ไม่พบไฟล์", None),
    ("symlink-loop", f_symlink_loop, "validate", BOOK, "เปิด", None),
    ("file-missing", f_missing, "sync", BOOK, "ไม่พบไฟล์", None),
    ("name-not-xlsx", f_not_xlsx_name, "validate", USAGE, ".xlsx", None),
    ("staff-chart-sheet", f_chart_sheet, "sync", OK, "", None),
    ("staff-stray-far-cell", f_stray_far_cell, "validate", DATA, "", None),
    ("staff-stray-far-cell-sync", f_stray_far_cell, "sync", OK, "", None),
    ("staff-huge-dimension", f_huge_dimension, "validate", DATA, "", None),
    ("tabs-none", t_no_input_tabs, "validate", DATA, "", None),
    ("tabs-ambiguous", t_ambiguous_tabs, "validate", DATA, "", None),
    ("tabs-spaced-name", t_spaced_tab_name, "sync", OK, "", None),
    ("tabs-foreign-summary", t_foreign_summary_tab, "sync", BOOK, "ไม่ได้สร้างโดย sheets-sync", None),
    ("tabs-very-hidden", t_hidden_input_tab, "sync", OK, "", None),
    ("tabs-empty-input", t_empty_input_tab, "validate", DATA, "", None),
    ("tabs-sixty-extra", t_many_tabs, "sync", OK, "", None),
    ("tabs-formula-like-titles", t_formula_like_titles, "sync", OK, "", None),
    ("header-missing", h_no_header, "validate", DATA, "", None),
    ("header-duplicate", h_duplicate_header, "validate", DATA, "", None),
    ("header-numbers-dates", h_numeric_and_date_headers, "sync", OK, "", None),
    ("header-zero-width", h_zero_width_headers, "sync", OK, "", None),
    ("header-only", h_header_only, "sync", OK, "", None),
    ("header-2000-columns", h_very_wide_header, "sync", OK, "", None),
    ("cell-error-value", c_error_cells, "validate", DATA, "", None),
    ("cell-bool-in-number", c_bool_in_number, "validate", DATA, "", None),
    ("cell-32767-chars", c_long_text, "sync", OK, "", None),
    ("cell-formula-text", c_formula_text, "sync", OK, "", None),
    ("cell-bidi-bom", c_bidi_and_bom, "sync", OK, "", None),
    ("cell-real-formula-error", c_real_formula, "sync", OK, "", None),
    ("cell-number-claims-text", c_number_claims_text, "validate", TOLERANT, "{name}", None),
    ("cell-rich-text", c_inline_rich_text, "sync", OK, "", None),
    ("cell-control-chars", c_control_chars, "sync", OK, "", None),
    ("number-1e308-sum-overflows", n_huge_cell, "sync", OK, "", None),
    ("number-400-digits", n_huge_text, "sync", OK, "", None),
    ("number-nan-cell", n_nan_xml, "validate", TOLERANT, "{name}", None),
    ("number-inf-cell", n_inf_xml, "validate", TOLERANT, "{name}", None),
    ("number-negative-thai-digits", n_negative_and_thai_digits, "validate", DATA, "", None),
    ("number-percent-1e12", n_percent_way_out, "validate", DATA, "", None),
    ("date-serial-out-of-range", d_serial_out_of_range, "sync", OK, "", None),
    ("date-impossible-texts", d_impossible_texts, "validate", DATA, "", None),
    ("as-of-0001-01-01", d_as_of_too_early, "sync", USAGE, "--as-of", None),
    ("as-of-9999-12-31", d_as_of_too_late, "validate", USAGE, "--as-of", None),
    ("as-of-february-30", d_as_of_not_a_date, "sync", USAGE_CLICK, "--as-of", None),
    ("fiscal-year-9999", d_fiscal_year_far, "sync", USAGE_CLICK, "--fiscal-year", None),
    ("name-long-thai", names_long_thai, "sync", OK, "", None),
    ("name-legacy-thai-encoding", names_legacy_encoding, "sync", OK, "", None),
    ("name-quotes-and-shell", names_spaces_quotes, "sync", OK, "", None),
    ("name-dash-prefix", names_dash_prefix, "sync", OK, "", None),
    ("name-upper-suffix", names_upper_suffix, "sync", OK, "", None),
    ("perm-read-only", p_read_only, "sync", BOOK, "อ่านอย่างเดียว", None),
    ("perm-open-in-excel", p_office_lock, "sync", BOOK, "เปิดอยู่ในโปรแกรมอื่น", None),
    ("perm-out-is-a-file", p_out_is_a_file, "sync", USAGE_CLICK, "--out", None),
    ("perm-history-under-a-file", p_history_under_a_file, "sync", BOOK, "ประวัติ", None),
    ("perm-history-not-a-database", p_history_not_a_database, "sync", BOOK, "ประวัติ", None),
    ("symlink-planted-bak", s_planted_bak, "sync", OK, "", None),
    ("symlink-to-fifo", s_symlink_to_fifo, "sync", BOOK, "FIFO", None),
    ("concurrent-sync-running", k_sync_running, "sync", BOOK, "อีกรายการกำลัง sync", None),
    ("config-nan", cfg_nan, "sync", USAGE, "plan.tolerance_points", None),
    ("config-inf", cfg_inf, "validate", USAGE, "kpi.below_level1_score", None),
    ("config-huge-int", cfg_huge_int, "sync", USAGE, "complaints.sla_days", None),
    ("config-negative-wait", cfg_negative_wait, "sync", USAGE, "sync.wait_seconds", None),
    ("config-not-utf8", cfg_not_utf8, "sync", USAGE, "ค่าตั้ง", None),
    ("config-is-a-directory", cfg_is_directory, "sync", USAGE_CLICK, "--config", None),
    ("config-env-is-a-directory", cfg_env_is_directory, "validate", USAGE_CLICK, "--config", None),
]


def _digest(path: Path) -> str | None:
    try:
        if stat.S_ISREG(os.stat(path).st_mode):
            return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None
    return None


def _input_values(path: Path) -> dict[str, list[list[object]]]:
    """Every staff tab's cell values, as the read-only reader sees them."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    values = {}
    try:
        for title in book.sheetnames:
            sheet = book[title]
            if title in SUMMARY_TAB_TITLES or not hasattr(sheet, "iter_rows"):
                continue
            sheet.reset_dimensions()  # the cells really there, not the declared range
            rows = [[c.value for c in row] for row in sheet.iter_rows()]
            rows = [row[: max((i + 1 for i, v in enumerate(row) if v is not None), default=0)] for row in rows]
            while rows and not rows[-1]:
                rows.pop()
            values[title] = rows
    finally:
        book.close()
    return values


def _strict(text: str) -> object:
    def refuse(name: str) -> object:
        raise ValueError(f"not strict JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))  # a runaway reader fails, not the machine


def run_case(tmp: Path, setup: Setup, command: str) -> tuple[int, str, str]:
    config = tmp / "office.toml"
    if isinstance(setup.config, bytes):
        config.write_bytes(setup.config)
    else:
        config.write_text(setup.config or f'[output]\nhistory = "{tmp / "history.sqlite"}"\n', encoding="utf-8")
    args = [command, "--workbook", str(setup.workbook), "--out", str(tmp / "out")]
    if not setup.no_config:
        args += ["--config", str(config)]
    if not any(a.startswith("--as-of") for a in setup.args):
        args += ["--as-of", AS_OF.isoformat()]
    args += setup.args
    if setup.subprocess:
        env = {**os.environ, "PYTHONPATH": str(ROOT), **setup.env}
        child = subprocess.run([sys.executable, "-m", "sheets_sync.cli", *args], capture_output=True, timeout=30, env=env, cwd=tmp,
                               preexec_fn=_limit_memory)
        return child.returncode, child.stdout.decode("utf-8", "replace"), child.stderr.decode("utf-8", "replace")
    held = setup.before() if setup.before else None
    if held is not None:
        held.__enter__()
    try:
        result = CliRunner(env=setup.env or None).invoke(cli, args)
    finally:
        if held is not None:
            held.__exit__(None, None, None)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("build", "command", "code", "fragment"),
    [pytest.param(b, c, e, f, id=i, marks=[m] if m else []) for i, b, c, e, f, m in CASES],
)
def test_hostile_case(tmp_path: Path, build: Callable[[Path], Setup], command: str, code: int, fragment: str, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    setup = build(tmp_path)
    workbook = Path(setup.workbook)
    watched = [workbook, *setup.watch]
    before = {p: _digest(p) for p in watched}
    regular = before[workbook] is not None
    values_before = _input_values(workbook) if regular and code in (OK, DATA) else None
    exit_code, out, err = run_case(tmp_path, setup, command)
    everything = out + err
    assert "Traceback" not in everything, everything
    if code == TOLERANT:
        assert exit_code in (DATA, BOOK), everything
        code = exit_code
    if code == CELL_OR_BOOK:
        assert exit_code in (DATA, BOOK), everything
        if exit_code == DATA:
            assert f"!{fragment}" in out, out  # the issue points at the damaged cell
            code = DATA
        else:
            code, fragment = BOOK, "{name}"
    if code == USAGE_CLICK:
        assert exit_code == USAGE and fragment in err, everything
        for path in watched:
            assert _digest(path) == before[path], f"{path} changed"
        return
    assert "Error:" not in err, everything
    assert exit_code == code, everything
    lines = [line for line in err.splitlines() if line.strip()]
    if code in (USAGE, BOOK):
        assert len(lines) == 1 and THAI.search(lines[0]), everything
        assert fragment.replace("{name}", workbook.name) in lines[0], lines[0]
        assert "ข้อผิดพลาดภายใน" not in lines[0]
        for path in watched:
            assert _digest(path) == before[path], f"{path} changed"
        assert not list((tmp_path / "out").glob("results-*.json")) if (tmp_path / "out").is_dir() else True
    else:
        assert lines == [], everything
        for path in setup.watch:
            assert _digest(path) == before[path], f"{path} changed"
        if values_before is not None:
            assert _input_values(workbook) == values_before  # every input tab unchanged
        for results in (tmp_path / "out").glob("results-*.json"):
            _strict(results.read_text(encoding="utf-8"))
    assert [n for n in os.listdir(tmp_path) if TEMP_MARK in n] == []
    if workbook.exists() and regular:
        for side in (f"{workbook.name}.bak",):
            bak = workbook.with_name(side)
            if bak.exists() and not bak.is_symlink():
                assert stat.S_IMODE(os.stat(bak).st_mode) == 0o600


def test_the_corpus_is_large_and_covers_every_class() -> None:
    ids = [case[0] for case in CASES]
    assert len(ids) >= 60 and len(set(ids)) == len(ids)
    classes = {i.split("-")[0] for i in ids}
    assert {"file", "part", "xml", "zip", "tabs", "header", "cell", "number", "date", "name", "perm", "symlink",
            "concurrent", "config", "not", "as"} <= classes


# --- a disk that fills up --------------------------------------------------------------------
@pytest.fixture
def tiny_disk(tmp_path: Path):
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_full_disk_changes_nothing(tiny_disk: Path, tmp_path: Path) -> None:
    book = shutil.copy(small_book(tmp_path), tiny_disk / "book.xlsx")
    book = Path(book)
    before = book.read_bytes()
    filler = tiny_disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)  # leave less room than one more copy of the workbook
    try:
        while True:
            os.write(fd, b"\0" * 1024)
    except OSError:
        pass
    finally:
        os.close(fd)
    room = os.statvfs(tiny_disk).f_bavail * os.statvfs(tiny_disk).f_frsize
    assert room < len(before)
    config = tmp_path / "office.toml"
    config.write_text(f'[output]\nhistory = "{tmp_path / "history.sqlite"}"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["sync", "--workbook", str(book), "--as-of", AS_OF.isoformat(), "--out", str(tmp_path / "out"),
                                      "--config", str(config)])
    assert result.exit_code == 3, result.output
    lines = [x for x in result.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and THAI.search(lines[0]) and "Traceback" not in result.output
    assert book.read_bytes() == before
    assert sorted(os.listdir(tiny_disk)) == ["book.xlsx", "filler"]  # no temporary file, no half .bak
    import sqlite3

    with sqlite3.connect(tmp_path / "history.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM snapshots").fetchone()[0] == 0


# --- fuzzing the cell parsers -----------------------------------------------------------------
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from(list("๐๑๒๓๔๕๖๗๘๙/-.,% :\u200b\u00a0พศ")), max_size=40)
NUMBERS = st.floats(allow_nan=True, allow_infinity=True) | st.integers(min_value=-(10**30), max_value=10**30)
DATES = st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31))
CELLS = st.one_of(
    st.just(Cell(CellKind.EMPTY)),
    TEXT.map(lambda t: Cell(CellKind.TEXT, t)),
    NUMBERS.map(lambda n: Cell(CellKind.NUMBER, n)),
    NUMBERS.map(lambda n: Cell(CellKind.PERCENT, n)),
    DATES.map(lambda d: Cell(CellKind.DATE, d)),
    st.booleans().map(lambda b: Cell(CellKind.BOOL, b)),
    st.sampled_from(["#REF!", "#DIV/0!", "#N/A"]).map(lambda e: Cell(CellKind.ERROR, e)),
)


@settings(max_examples=400, deadline=None)
@given(CELLS)
def test_the_parsers_return_a_value_or_a_cell_problem(cell: Cell) -> None:
    for parse in (parsers.parse_date, parsers.parse_number, parsers.parse_percent, parsers.parse_result):
        try:
            value = parse(cell)
        except parsers.CellProblem as problem:
            assert problem.code
            continue
        number = value[0] if isinstance(value, tuple) else value
        if isinstance(number, float):
            assert math.isfinite(number) and abs(number) <= parsers.NUMBER_LIMIT
    text = parsers.cell_text(cell)
    assert parsers.normalize_space(text) == text
    parsers.split_list(text)
    parsers.is_valid_national_id(text)
    for mask in (parsers.mask_national_id, parsers.mask_phone, parsers.mask_name):
        masked = mask(text)
        assert len(re.findall(r"\d", parsers.to_ascii_digits(masked))) <= 4 or mask is parsers.mask_name


SCHEMA = input_tabs((6, 9, 12))
SCHEMA_BY_TH = {tab.th: tab for tab in SCHEMA}


@st.composite
def random_workbooks(draw: st.DrawFn) -> dict[str, TabData]:
    tabs = {}
    for tab in draw(st.lists(st.sampled_from(SCHEMA), min_size=1, max_size=4, unique_by=lambda t: t.key)):
        headers = [Cell(CellKind.TEXT, c.th) for c in tab.columns if draw(st.booleans()) or c.required]
        rows = [tuple(headers)]
        for _ in range(draw(st.integers(0, 8))):
            rows.append(tuple(draw(CELLS) for _ in range(draw(st.integers(0, len(headers) + 2)))))
        tabs[tab.th] = TabData(tab.th, tuple(rows))
    return tabs


def _address(cell: str) -> tuple[int, int]:
    match = re.fullmatch(r"([A-Z]+)(\d+)", cell)
    assert match, cell
    col = 0
    for ch in match[1]:
        col = col * 26 + ord(ch) - 64
    return col, int(match[2])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(random_workbooks(), st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_whole_tabs_of_random_cells_never_crash_and_point_at_real_cells(tabs: dict[str, TabData], as_of: dt.date) -> None:
    snapshot = {title: tab.rows for title, tab in tabs.items()}
    settings_ = Settings()
    period = resolve_period(as_of, settings_.fiscal.rounds)
    workbook = validate_workbook(tabs, rounds=settings_.fiscal.rounds, fiscal_year=period.fiscal_year)
    for issue in workbook.issues:
        if issue.tab in tabs:
            col, row = _address(issue.cell)
            rows = tabs[issue.tab].rows
            width = max((len(r) for r in rows), default=0)
            if issue.code.startswith("column-") and issue.code.endswith("missing"):
                # a missing column is reported where its header should be added: row 1, after the last
                header = len(rows[0]) if rows else 0
                assert row == 1 and header < col <= header + len(SCHEMA_BY_TH[issue.tab].columns), (issue, header)
            else:
                assert 1 <= row <= max(len(rows), 1) and 1 <= col <= max(width, 1), (issue, len(rows), width)
    results = compute_results(workbook, period, settings_)
    _strict(json.dumps(results.to_json(), ensure_ascii=False, allow_nan=False))
    assert {title: tab.rows for title, tab in tabs.items()} == snapshot  # inputs unchanged
