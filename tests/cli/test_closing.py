"""Closed rounds through the CLI on real .xlsx files (shared/spec/closing.md): close, refusals,
late edits of every kind that must warn (on the right cell) and edits that must not, the closed
report that stays the memo of the closing day, reopen/close kept in --list."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

import openpyxl
import pytest
from docx import Document

from sheets_sync.core.thai_dates import to_ascii_digits
from sheets_sync.storage.closings import canonical_json
from tests.conftest import invoke_cli, office_config

OFFICE = '[office]\nname = "สำนักงานจังหวัดทดสอบ"\nsigner_name = "นายปิดรอบ ทดสอบ"\ndocument_no = "ทส 0017/1"\nprovince = "ทดสอบ"\n'
CLOSE_AS_OF = "2026-04-08"
LATER = "2026-05-20"


run = invoke_cli


def config(tmp_path: Path) -> Path:
    path = tmp_path / "office.toml"
    if not path.exists():
        office_config(tmp_path, OFFICE)
    return path


def close(workbook: Path, tmp_path: Path, *extra: Any) -> Any:
    return run("close", "--workbook", workbook, "--config", config(tmp_path), "--out", tmp_path / "out", *extra)


def sync_issues(workbook: Path, tmp_path: Path, as_of: str = LATER) -> list[dict[str, str]]:
    done = run("sync", "--workbook", workbook, "--config", config(tmp_path), "--out", tmp_path / "out", "--as-of", as_of, "--json")
    assert done.exit_code == 0, done.output
    return json.loads(done.output)["issues"]


def late(issues: list[dict[str, str]]) -> dict[tuple[str, str], dict[str, str]]:
    return {(i["tab"], i["cell"]): i for i in issues if i["code"] == "closed-round-changed"}


def headers(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[1] if c.value}


def row_of(ws, ident: str) -> int:
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == ident)


def address(ws, header: str, ident: str) -> str:
    return f"{openpyxl.utils.get_column_letter(headers(ws)[header])}{row_of(ws, ident)}"


class Book:
    """The workbook opened for edits by staff (openpyxl, saved in place)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.wb = openpyxl.load_workbook(path)

    def __getitem__(self, title: str):
        return self.wb[title]

    def set(self, title: str, ident: str, header: str, value: Any) -> None:
        ws = self.wb[title]
        ws.cell(row_of(ws, ident), headers(ws)[header]).value = value

    def get(self, title: str, ident: str, header: str) -> Any:
        ws = self.wb[title]
        return ws.cell(row_of(ws, ident), headers(ws)[header]).value

    def append(self, title: str, values: dict[str, Any]) -> None:
        ws = self.wb[title]
        h = headers(ws)
        row = ws.max_row + 1
        for header, value in values.items():
            ws.cell(row, h[header]).value = value

    def delete(self, title: str, ident: str) -> None:
        ws = self.wb[title]
        ws.delete_rows(row_of(ws, ident))

    def save(self) -> None:
        self.wb.save(self.path)


def open_case(book: Book, before: dt.datetime) -> str:
    """A case received before `before` that is not closed (in the demo workbook)."""
    ws = book["เรื่องร้องเรียน"]
    h = headers(ws)
    for r in range(2, ws.max_row + 1):
        received, status = ws.cell(r, h["วันที่รับเรื่อง"]).value, ws.cell(r, h["สถานะ"]).value
        if isinstance(received, dt.datetime) and dt.datetime(2025, 10, 1) <= received <= before and status != "ยุติ" and ws.cell(r, h["วันที่ยุติ"]).value is None:
            return ws.cell(r, 1).value
    raise AssertionError("no open case in the demo")


def closed_case(book: Book, on_or_before: dt.datetime, skip: set[str]) -> str:
    ws = book["เรื่องร้องเรียน"]
    h = headers(ws)
    for r in range(2, ws.max_row + 1):
        received, closed = ws.cell(r, h["วันที่รับเรื่อง"]).value, ws.cell(r, h["วันที่ยุติ"]).value
        ident = ws.cell(r, 1).value
        if (ident not in skip and isinstance(received, dt.datetime) and dt.datetime(2025, 10, 1) <= received
                and isinstance(closed, dt.datetime) and received <= closed <= on_or_before and ws.cell(r, h["สถานะ"]).value == "ยุติ"):
            return ident
    raise AssertionError("no closed case in the demo")


@pytest.fixture
def closed(demo_copy: Path, tmp_path: Path) -> Path:
    done = close(demo_copy, tmp_path, "--round", 6, "--as-of", CLOSE_AS_OF)
    assert done.exit_code == 0, done.output
    return demo_copy


def test_close_records_the_closing_with_the_hash_of_the_canonical_results(closed: Path, tmp_path: Path) -> None:
    listed = run("close", "--list", "--json", "--config", config(tmp_path))
    assert listed.exit_code == 0, listed.output
    [closing] = json.loads(listed.output)
    assert (closing["fiscal_year"], closing["round"], closing["as_of"], closing["closed_by"]) == (2569, 6, CLOSE_AS_OF, "นายปิดรอบ ทดสอบ")
    assert closing["reopened"] is False and closing["closed_at"].endswith("+07:00")
    written = json.loads((tmp_path / "out" / "results-FY2569-R6.json").read_text(encoding="utf-8"))
    assert closing["results_sha256"] == hashlib.sha256(canonical_json(written)).hexdigest()
    assert written["closings"]["6"]["closed_by"] == "นายปิดรอบ ทดสอบ"
    # Kept in the history database beside the snapshot it names.
    with sqlite3.connect(tmp_path / "history.sqlite") as db:
        assert db.execute("SELECT snapshot_id FROM closings").fetchone()[0] == closing["snapshot_id"]
        assert db.execute("SELECT count(*) FROM snapshots WHERE id = ?", (closing["snapshot_id"],)).fetchone()[0] == 1
    overview = dict(r[:2] for r in openpyxl.load_workbook(closed, read_only=True)["สรุปภาพรวม"].iter_rows(values_only=True) if r and r[0])
    assert overview["รอบ 6 เดือน"].startswith("ปิดรอบแล้ว ") and overview["รอบ 6 เดือน"].endswith("โดย นายปิดรอบ ทดสอบ")
    assert overview["รอบ 9 เดือน"] == "ยังไม่ปิดรอบ"


def test_close_is_refused_before_the_round_ends_for_a_round_not_enabled_and_twice(closed: Path, tmp_path: Path) -> None:
    for extra, says in ((("--round", 9, "--as-of", CLOSE_AS_OF), "ยังไม่สิ้นสุด"),
                        (("--round", 3, "--as-of", CLOSE_AS_OF), "ไม่ใช่รอบที่เปิดใช้"),
                        (("--round", 6, "--as-of", CLOSE_AS_OF), "ปิดรอบไปแล้ว")):
        done = close(closed, tmp_path, *extra)
        assert done.exit_code == 2, done.output
        assert says in done.output and len(done.output.strip().splitlines()) == 1
    assert len(json.loads(run("close", "--list", "--json", "--config", config(tmp_path)).output)) == 1


def test_no_edit_no_warning_and_edits_that_move_no_closed_figure_do_not_warn(closed: Path, tmp_path: Path) -> None:
    assert late(sync_issues(closed, tmp_path)) == {}
    book = Book(closed)
    book.set("ตัวชี้วัด", "K02", "ตัวชี้วัด", book.get("ตัวชี้วัด", "K02", "ตัวชี้วัด") + " (แก้คำผิด)")  # free text
    book.set("ตัวชี้วัด", "K01", "ผลรอบ 9 เดือน", 99)  # a later round's result
    book.set("แผนปฏิบัติการ", "A01", "ความก้าวหน้า (%)", 80)  # progress goes on
    book.set("แผนปฏิบัติการ", "A01", "กิจกรรม", "จัดทำทะเบียนหนังสือรับ-ส่ง ประจำปี")
    case = open_case(book, dt.datetime(2026, 4, 8))
    book.set("เรื่องร้องเรียน", case, "สถานะ", "ยุติ")  # closed after the closing: progress
    book.set("เรื่องร้องเรียน", case, "วันที่ยุติ", dt.datetime(2026, 5, 2))
    book.set("เรื่องร้องเรียน", case, "เรื่อง", "แก้คำผิดในเรื่อง")
    book.append("เรื่องร้องเรียน", {"เลขที่เรื่อง": "ดธ.69/9001", "วันที่รับเรื่อง": dt.datetime(2026, 5, 1), "ช่องทาง": "สายด่วน 1567",
                                   "ประเภทเรื่อง": "หนี้สิน", "เรื่อง": "เรื่องใหม่หลังปิดรอบ", "สถานะ": "รับเรื่อง"})
    received = book.get("เรื่องร้องเรียน", case, "วันที่รับเรื่อง")
    book.set("เรื่องร้องเรียน", case, "วันที่รับเรื่อง", f"{received.day}/{received.month}/{received.year + 543}")  # same date typed
    book.set("ภารกิจ", "M01", "สถานะคู่มือ", "มี")  # missions describe the present
    ws = book["ตัวชี้วัด"]
    ws.cell(1, ws.max_column + 1).value = "หมายเหตุของฝ่าย"  # a new column
    book.save()
    assert late(sync_issues(closed, tmp_path)) == {}


def test_every_kind_of_late_edit_warns_once_on_its_cell(closed: Path, tmp_path: Path) -> None:
    book = Book(closed)
    # KPIs: the round's result, thresholds/weight/kind/level/owner of a scored KPI, a scored row added and one deleted
    book.set("ตัวชี้วัด", "K01", "ผลรอบ 6 เดือน", 88.5)
    book.set("ตัวชี้วัด", "K02", "เกณฑ์ 3", 71)
    book.set("ตัวชี้วัด", "K02", "น้ำหนัก (%)", 10)
    book.set("ตัวชี้วัด", "K03", "ผู้รับผิดชอบ", "นายใหม่ รับผิดชอบ")
    kpi_added = {"รหัสตัวชี้วัด": "K90", "ตัวชี้วัด": "ตัวชี้วัดเพิ่มหลังปิดรอบ", "มิติ": "ประสิทธิผล", "ระดับ": "ฝ่าย",
                 "ผู้รับผิดชอบ": "นางสาวพิมพ์ชนก ศรีสุข", "ประเภทการวัด": "มากดี", "น้ำหนัก (%)": 5,
                 "เกณฑ์ 1": 1, "เกณฑ์ 2": 2, "เกณฑ์ 3": 3, "เกณฑ์ 4": 4, "เกณฑ์ 5": 5, "ผลรอบ 6 เดือน": 4}
    book.append("ตัวชี้วัด", kpi_added)
    kpis = book["ตัวชี้วัด"]
    deleted_kpi = kpis.cell(kpis.max_row - 1, 1).value  # the demo's last KPI
    # Complaints at the closing's as-of: received, category, channel, district; closed date set/changed/removed;
    # a case added received before the as-of; a case deleted.
    c1 = closed_case(book, dt.datetime(2026, 3, 31), set())
    c2 = closed_case(book, dt.datetime(2026, 3, 31), {c1})
    c3 = closed_case(book, dt.datetime(2026, 3, 31), {c1, c2})
    c4 = closed_case(book, dt.datetime(2026, 3, 31), {c1, c2, c3})
    gone_case = closed_case(book, dt.datetime(2026, 3, 31), {c1, c2, c3, c4})
    received = book.get("เรื่องร้องเรียน", c1, "วันที่รับเรื่อง")
    book.set("เรื่องร้องเรียน", c1, "วันที่รับเรื่อง", received - dt.timedelta(days=1))
    book.set("เรื่องร้องเรียน", c2, "ประเภทเรื่อง", "เรื่องอื่นที่แก้ภายหลัง")
    book.set("เรื่องร้องเรียน", c2, "อำเภอ", "อำเภอที่แก้ภายหลัง")
    channel = book.get("เรื่องร้องเรียน", c3, "ช่องทาง")
    book.set("เรื่องร้องเรียน", c3, "ช่องทาง", "สายด่วน 1567" if channel != "สายด่วน 1567" else "ไปรษณีย์")
    book.set("เรื่องร้องเรียน", c3, "วันที่ยุติ", book.get("เรื่องร้องเรียน", c3, "วันที่ยุติ") + dt.timedelta(days=1))  # changed
    book.set("เรื่องร้องเรียน", c4, "สถานะ", "อยู่ระหว่างดำเนินการ")
    book.set("เรื่องร้องเรียน", c4, "วันที่ยุติ", None)  # removed
    opened = open_case(book, dt.datetime(2026, 3, 31))
    book.set("เรื่องร้องเรียน", opened, "สถานะ", "ยุติ")
    book.set("เรื่องร้องเรียน", opened, "วันที่ยุติ", dt.datetime(2026, 4, 1))  # set, on or before the as-of
    book.append("เรื่องร้องเรียน", {"เลขที่เรื่อง": "ดธ.69/9002", "วันที่รับเรื่อง": dt.datetime(2026, 4, 2), "ช่องทาง": "สายด่วน 1567",
                                   "ประเภทเรื่อง": "หนี้สิน", "เรื่อง": "เรื่องที่ลงรับย้อนหลัง", "สถานะ": "รับเรื่อง"})
    # Plan: planned dates, mission, strategy of an existing activity; an activity deleted.
    end = book.get("แผนปฏิบัติการ", "A02", "วันสิ้นสุดตามแผน")
    book.set("แผนปฏิบัติการ", "A02", "วันสิ้นสุดตามแผน", end + dt.timedelta(days=30))
    book.set("แผนปฏิบัติการ", "A04", "รหัสภารกิจ", "M01")
    book.set("แผนปฏิบัติการ", "A04", "รหัสยุทธศาสตร์", None)
    deleted_activity = "A28"
    book.delete("แผนปฏิบัติการ", deleted_activity)
    book.delete("แผนปฏิบัติการ", "A30")  # a row that had an error at the closing: no figure of the round came from it
    book.delete("ตัวชี้วัด", deleted_kpi)
    book.delete("เรื่องร้องเรียน", gone_case)
    book.save()

    book = Book(closed)
    k, c, p = book["ตัวชี้วัด"], book["เรื่องร้องเรียน"], book["แผนปฏิบัติการ"]
    expected = {
        ("ตัวชี้วัด", address(k, "ผลรอบ 6 เดือน", "K01")), ("ตัวชี้วัด", address(k, "เกณฑ์ 3", "K02")),
        ("ตัวชี้วัด", address(k, "น้ำหนัก (%)", "K02")), ("ตัวชี้วัด", address(k, "ผู้รับผิดชอบ", "K03")),
        ("ตัวชี้วัด", address(k, "รหัสตัวชี้วัด", "K90")), ("ตัวชี้วัด", "A1"),
        ("เรื่องร้องเรียน", address(c, "วันที่รับเรื่อง", c1)), ("เรื่องร้องเรียน", address(c, "ประเภทเรื่อง", c2)),
        ("เรื่องร้องเรียน", address(c, "อำเภอ", c2)), ("เรื่องร้องเรียน", address(c, "ช่องทาง", c3)),
        ("เรื่องร้องเรียน", address(c, "วันที่ยุติ", c3)), ("เรื่องร้องเรียน", address(c, "วันที่ยุติ", c4)),
        ("เรื่องร้องเรียน", address(c, "วันที่ยุติ", opened)), ("เรื่องร้องเรียน", address(c, "เลขที่เรื่อง", "ดธ.69/9002")),
        ("เรื่องร้องเรียน", "A1"),
        ("แผนปฏิบัติการ", address(p, "วันสิ้นสุดตามแผน", "A02")), ("แผนปฏิบัติการ", address(p, "รหัสภารกิจ", "A04")),
        ("แผนปฏิบัติการ", address(p, "รหัสยุทธศาสตร์", "A04")), ("แผนปฏิบัติการ", "A1"),
    }
    issues = sync_issues(closed, tmp_path)
    found = late(issues)
    assert set(found) == expected
    assert sum(1 for i in issues if i["code"] == "closed-round-changed") == len(expected)  # one per cell
    k01 = found[("ตัวชี้วัด", address(k, "ผลรอบ 6 เดือน", "K01"))]
    assert k01["severity"] == "warning" and "รอบ 6 เดือน" in k01["message"]
    assert "ตอนปิดรอบเป็น 97.6 ตอนนี้เป็น 88.5" in k01["message"] and "ปิดรอบเมื่อ" in k01["message"]
    assert deleted_kpi in found[("ตัวชี้วัด", "A1")]["message"] and gone_case in found[("เรื่องร้องเรียน", "A1")]["message"]
    assert deleted_activity in found[("แผนปฏิบัติการ", "A1")]["message"]
    # The same warnings in ตรวจสอบข้อมูล, on the same cells.
    rows = list(openpyxl.load_workbook(closed, read_only=True)["ตรวจสอบข้อมูล"].iter_rows(values_only=True))
    tab_rows = {(r[0], r[1].split("!")[-1]) for r in rows if r and len(r) > 4 and r[4] == "closed-round-changed"}
    assert tab_rows == expected


def memo_text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def report(workbook: Path, tmp_path: Path, out: str, *extra: Any) -> Any:
    return run("report", "--workbook", workbook, "--config", config(tmp_path), "--out", tmp_path / out, "--fiscal-year", 2569, *extra)


def test_the_closed_report_is_the_memo_of_the_closing_day_whatever_changed_since(demo_copy: Path, tmp_path: Path) -> None:
    at_closing = report(demo_copy, tmp_path, "before", "--round", 6, "--as-of", CLOSE_AS_OF)  # the memo sent that day
    assert at_closing.exit_code == 0, at_closing.output
    done = close(demo_copy, tmp_path, "--round", 6, "--as-of", CLOSE_AS_OF)
    assert done.exit_code == 0, done.output
    book = Book(demo_copy)
    book.set("ตัวชี้วัด", "K01", "ผลรอบ 6 เดือน", 70)
    book.set("แผนปฏิบัติการ", "A01", "ความก้าวหน้า (%)", 100)
    book.save()
    closing_day = json.loads(run("close", "--list", "--json", "--config", config(tmp_path)).output)[0]["closed_at"][:10]
    again = report(demo_copy, tmp_path, "later", "--round", 6, "--as-of", LATER, "--date", closing_day)
    assert again.exit_code == 0, again.output
    assert "ตัวเลขที่รายงานเมื่อปิดรอบ" in again.output
    sent = memo_text(tmp_path / "before" / "followup-FY2569-R6.docx")
    assert memo_text(tmp_path / "later" / "followup-FY2569-R6.docx") == sent
    live = report(demo_copy, tmp_path, "live", "--round", 6, "--as-of", CLOSE_AS_OF, "--date", closing_day, "--live")
    assert live.exit_code == 0, live.output
    assert memo_text(tmp_path / "live" / "followup-FY2569-R6.docx") != sent  # today's workbook moved K01


def test_reopen_keeps_the_closing_and_closing_again_adds_one(closed: Path, tmp_path: Path) -> None:
    refused = close(closed, tmp_path, "--round", 6, "--reopen", "--fiscal-year", 2569)
    assert refused.exit_code == 2 and "--reason" in refused.output
    reopened = close(closed, tmp_path, "--round", 6, "--reopen", "--reason", "แก้ผล K01 ตามหนังสือ", "--fiscal-year", 2569, "--by", "นางเปิด รอบ")
    assert reopened.exit_code == 0, reopened.output
    book = Book(closed)
    book.set("ตัวชี้วัด", "K01", "ผลรอบ 6 เดือน", 88.5)
    book.save()
    assert late(sync_issues(closed, tmp_path)) == {}  # reopened: nothing is closed
    again = close(closed, tmp_path, "--round", 6, "--as-of", CLOSE_AS_OF)
    assert again.exit_code == 0, again.output
    listed = json.loads(run("close", "--list", "--json", "--config", config(tmp_path)).output)
    assert [(c["round"], c["reopened"]) for c in listed] == [(6, True), (6, False)]
    assert listed[0]["reopened_by"] == "นางเปิด รอบ" and listed[0]["reopen_reason"] == "แก้ผล K01 ตามหนังสือ"
    assert listed[0]["results_sha256"] != listed[1]["results_sha256"]
    text = run("close", "--list", "--config", config(tmp_path)).output
    assert "เปิดรอบใหม่เมื่อ" in text and text.count(" 2569 ") >= 2


def test_the_trend_lists_closed_rounds_then_the_current_figures(closed: Path, tmp_path: Path) -> None:
    done = close(closed, tmp_path, "--round", 9, "--as-of", "2026-07-05")
    assert done.exit_code == 0, done.output
    done = run("sync", "--workbook", closed, "--config", config(tmp_path), "--out", tmp_path / "out", "--as-of", "2026-08-01", "--json")
    trend = json.loads(done.output)["trend"]
    assert [(t["fiscal_year"], t["round"], t["current"]) for t in trend] == [(2569, 6, False), (2569, 9, False), (2569, 9, True)]
    kept = json.loads((tmp_path / "out" / "results-FY2569-R9.json").read_text(encoding="utf-8"))
    assert trend[2]["sop_coverage_pct"] == kept["missions"]["sop_coverage_pct"]
    assert trend[0]["closed_on"] and trend[0]["as_of"] == CLOSE_AS_OF
    rows = [r for r in openpyxl.load_workbook(closed, read_only=True)["แนวโน้ม"].iter_rows(values_only=True) if r and r[0]]
    labels = [r[0] for r in rows]
    assert labels[labels.index("รอบ") + 1:] == ["2569 รอบ 6 เดือน", "2569 รอบ 9 เดือน", "ปัจจุบัน"]


def test_a_later_rounds_memo_compares_with_the_closed_rounds_before_it(closed: Path, tmp_path: Path) -> None:
    first = report(closed, tmp_path, "r6", "--round", 6, "--as-of", CLOSE_AS_OF)
    assert first.exit_code == 0, first.output
    assert "เทียบกับรอบที่ปิดแล้ว" not in memo_text(tmp_path / "r6" / "followup-FY2569-R6.docx")
    done = report(closed, tmp_path, "r9", "--round", 9, "--as-of", "2026-07-05")
    assert done.exit_code == 0, done.output
    memo = Document(str(tmp_path / "r9" / "followup-FY2569-R9.docx"))
    kept = json.loads((tmp_path / "out" / "results-FY2569-R6.json").read_text(encoding="utf-8"))
    total = kept["kpis"]["groups"]["ฝ่าย"]["6"]["total"]
    # the memo itself: one item after the facts, the KPI total round by round as closing.md writes it
    item = next(to_ascii_digits(p.text) for p in memo.paragraphs if "เทียบกับรอบที่ปิดแล้ว" in p.text)
    assert item.startswith("2.5 เทียบกับรอบที่ปิดแล้ว คะแนนตัวชี้วัดระดับฝ่าย ")
    assert f"รอบ 6 เดือน {total:.2f} → รอบ 9 เดือน " in item and item.endswith("(รายละเอียดตามสิ่งที่ส่งมาด้วย ข้อ 6)")
    # the attachment's part 6: every compared figure, round by round as reported at each closing
    table = next(t for t in memo.tables if to_ascii_digits(t.rows[0].cells[-1].text) == "รอบ 6 เดือน → รอบ 9 เดือน (รอบนี้)")
    shown = {row.cells[0].text: to_ascii_digits(row.cells[1].text) for row in table.rows[1:]}
    current = item.split("รอบ 9 เดือน ")[1].split()[0]
    assert shown["คะแนนรวมตัวชี้วัดระดับฝ่าย (เต็ม ๕)"] == f"{total:.2f} → {current}"
    assert shown["ร้อยละของภารกิจที่มีคู่มือการปฏิบัติงาน"].startswith(f"{kept['missions']['sop_coverage_pct']:.2f} → ")
    assert shown["ร้อยละของเรื่องร้องเรียนที่ยุติ"].startswith(f"{kept['complaints']['closed_pct']:.2f} → ")
    assert shown["เรื่องร้องเรียนที่ยังไม่ยุติเกินกำหนด รวมเรื่องยกมา (เรื่อง)"].startswith(f"{kept['complaints']['overdue']:,} → ")
    assert shown["กิจกรรมแล้วเสร็จ (กิจกรรม)"].startswith(f"{kept['plan']['status_counts']['done']} → ")


def test_the_demo_closes_its_ended_rounds_and_shows_the_late_edit_and_the_trend(tmp_path: Path) -> None:
    from sheets_sync.present.demo import LATE_EDIT_KPI, LATE_EDIT_VALUE

    for _ in range(2):  # a second demo run in the same folder reopens the first one's closings, deleting nothing
        done = run("demo", "--as-of", "2026-09-30", "--out", tmp_path / "demo")
        assert done.exit_code == 0, done.output
    results = json.loads((tmp_path / "demo" / "results-FY2569-R12.json").read_text(encoding="utf-8"))
    assert {m: bool(state) for m, state in results["closings"].items()} == {"6": True, "9": True, "12": True}
    assert [(t["round"], t["current"]) for t in results["trend"]] == [(6, False), (9, False), (12, False), (12, True)]
    [warning] = [i for i in results["issues"] if i["code"] == "closed-round-changed"]
    ws = openpyxl.load_workbook(tmp_path / "demo" / "demo-workbook.xlsx", read_only=False)["ตัวชี้วัด"]
    assert warning["cell"] == address(ws, "ผลรอบ 6 เดือน", LATE_EDIT_KPI) and warning["value"] == str(LATE_EDIT_VALUE)
    with sqlite3.connect(tmp_path / "demo" / "history.sqlite") as db:
        rows = db.execute("SELECT round, reopened_at IS NOT NULL FROM closings ORDER BY id").fetchall()
    assert rows == [(6, 1), (9, 1), (12, 1), (6, 0), (9, 0), (12, 0)]


# --- Google Sheets: the closed round's result column protected (through the emulator) ---------


def test_closing_a_google_sheet_protects_the_result_column_and_reopening_removes_it(tmp_path: Path, monkeypatch, demo_xlsx: Path) -> None:
    import requests

    from sheets_sync.backends.xlsx.backend import XlsxBackend
    from tests.backends.test_gsheets import _emulator_value
    from tests.emulator.sheets_emulator import PROTECTED_CELL_MESSAGE, SheetsEmulator

    backend = XlsxBackend(demo_xlsx)
    tabs = backend.read_tabs(backend.tab_titles())
    with SheetsEmulator() as emu:
        sid = emu.create_spreadsheet("สำนักงานจังหวัดทดสอบ", {t: [[_emulator_value(c) for c in row] for row in d.rows] for t, d in tabs.items()})
        monkeypatch.setenv("SHEETS_EMULATOR_HOST", emu.host)
        (tmp_path / "office.toml").write_text(
            f'[output]\nhistory = "{tmp_path / "history.sqlite"}"\n{OFFICE}[close]\neditors = ["kpi.head@example.go.th"]\n', encoding="utf-8")
        base = ("--sheet-id", sid, "--config", tmp_path / "office.toml", "--out", tmp_path / "out")
        done = run("close", *base, "--round", 6, "--as-of", CLOSE_AS_OF)
        assert done.exit_code == 0, done.output
        assert "ล็อกคอลัมน์ ผลรอบ 6 เดือน" in done.output
        kpi = next(s for s in emu.spreadsheet(sid)["sheets"] if s["properties"]["title"] == "ตัวชี้วัด")
        [protection] = kpi["protectedRanges"]
        column = next(i for i, c in enumerate(tabs["ตัวชี้วัด"].rows[0]) if c.value == "ผลรอบ 6 เดือน")
        assert protection["range"]["startColumnIndex"] == column and protection["range"]["endColumnIndex"] == column + 1
        assert "warningOnly" not in protection  # a real protection, not warning-only
        assert "kpi.head@example.go.th" in protection["editors"]["users"] and emu.default_caller in protection["editors"]["users"]
        letter = openpyxl.utils.get_column_letter(column + 1)

        def edit_as(who: str, cell: str) -> requests.Response:
            token = emu.issue_token(who)
            return requests.put(f"http://{emu.host}/v4/spreadsheets/{sid}/values/{quote(f'ตัวชี้วัด!{cell}')}",
                                params={"valueInputOption": "USER_ENTERED"}, json={"values": [[55]]},
                                headers={"Authorization": f"Bearer {token}"}, timeout=10)

        refused = edit_as("staff@example.go.th", f"{letter}2")
        assert refused.status_code == 400 and refused.json()["error"]["message"] == PROTECTED_CELL_MESSAGE
        before = emu.get_values(sid, "ตัวชี้วัด")
        batch = requests.post(  # values:batchUpdate with one allowed range and one protected: nothing is written
            f"http://{emu.host}/v4/spreadsheets/{sid}/values:batchUpdate",
            json={"valueInputOption": "RAW", "data": [
                {"range": f"ตัวชี้วัด!{openpyxl.utils.get_column_letter(column + 2)}4", "values": [[1]]},
                {"range": f"ตัวชี้วัด!{letter}4", "values": [[1]]}]},
            headers={"Authorization": f"Bearer {emu.issue_token('staff@example.go.th')}"}, timeout=10)
        assert batch.status_code == 400 and emu.get_values(sid, "ตัวชี้วัด") == before
        assert edit_as("staff@example.go.th", f"{openpyxl.utils.get_column_letter(column + 2)}2").status_code == 200  # round 9 stays open
        assert edit_as("kpi.head@example.go.th", f"{letter}3").status_code == 200
        # The late edit by an editor is still a warning on the next sync.
        synced = run("sync", *base, "--as-of", LATER, "--json")
        assert synced.exit_code == 0, synced.output
        assert [(i["tab"], i["cell"]) for i in json.loads(synced.output)["issues"] if i["code"] == "closed-round-changed"] == [("ตัวชี้วัด", f"{letter}3")]
        again = run("sync", *base, "--as-of", LATER)
        assert again.exit_code == 0
        assert len(next(s for s in emu.spreadsheet(sid)["sheets"] if s["properties"]["title"] == "ตัวชี้วัด")["protectedRanges"]) == 1
        reopened = run("close", *base, "--round", 6, "--reopen", "--reason", "แก้ผลตามหนังสือ", "--fiscal-year", 2569)
        assert reopened.exit_code == 0, reopened.output
        assert next(s for s in emu.spreadsheet(sid)["sheets"] if s["properties"]["title"] == "ตัวชี้วัด").get("protectedRanges", []) == []
        assert edit_as("staff@example.go.th", f"{letter}2").status_code == 200
        closed_again = run("close", *base, "--round", 6, "--as-of", CLOSE_AS_OF)
        assert closed_again.exit_code == 0, closed_again.output
        assert len(next(s for s in emu.spreadsheet(sid)["sheets"] if s["properties"]["title"] == "ตัวชี้วัด")["protectedRanges"]) == 1
        listed = json.loads(run("close", "--list", "--json", "--config", tmp_path / "office.toml").output)
        assert [c["reopened"] for c in listed] == [True, False]


# --- the PMQA evidence folder ---------------------------------------------------------------------


def test_evidence_is_refused_without_a_closed_round(demo_copy: Path, tmp_path: Path) -> None:
    done = run("evidence", "--fiscal-year", 2569, "--config", config(tmp_path), "--out", tmp_path / "out")
    assert done.exit_code == 2 and "ยังไม่มีรอบที่ปิดแล้ว" in done.output
    assert not (tmp_path / "out" / "evidence-FY2569").exists()


def test_the_evidence_folder_lists_every_file_with_its_category_and_a_hash_that_holds(closed: Path, tmp_path: Path) -> None:
    import zipfile

    import icalendar

    assert close(closed, tmp_path, "--round", 9, "--as-of", "2026-07-03").exit_code == 0
    done = run("evidence", "--fiscal-year", 2569, "--config", config(tmp_path), "--out", tmp_path / "out", "--json")
    assert done.exit_code == 0, done.output
    folder = tmp_path / "out" / "evidence-FY2569"
    index = Document(str(folder / "index.docx"))
    [table] = index.tables
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    listed = {row[1]: (row[3], row[4], row[5].replace("\n", "")) for row in rows}
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert on_disk == set(listed) | {"index.docx"}
    for name, (categories, _, digest) in listed.items():
        path = folder / name
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, name
        assert categories and set(categories.split(", ")) <= {"2", "3", "4", "5", "6", "7"}
        if name.endswith(".json"):
            json.loads(path.read_text(encoding="utf-8"))
        elif name.endswith(".docx"):
            assert Document(str(path)).paragraphs
        elif name.endswith(".xlsx"):
            assert openpyxl.load_workbook(path)["แนวโน้ม"].max_row == 3  # the header and the two closed rounds
        elif name.endswith(".ics"):
            assert icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
        else:
            raise AssertionError(f"unexpected file {name}")
    assert {"results-FY2569-R6.json", "results-FY2569-R9.json", "followup-FY2569-R6.docx", "followup-FY2569-R9.docx",
            "sop/index.docx", "plan-FY2569.ics", "trend-FY2569.xlsx", "closings-FY2569.json"} <= set(listed)
    kept = json.loads((folder / "results-FY2569-R6.json").read_text(encoding="utf-8"))
    closings = json.loads((folder / "closings-FY2569.json").read_text(encoding="utf-8"))
    assert hashlib.sha256(canonical_json(kept)).hexdigest() == closings[0]["results_sha256"]
    assert "รอบ 6 เดือน" in listed["results-FY2569-R6.json"][1]
    with zipfile.ZipFile(tmp_path / "out" / "evidence-FY2569.zip") as bundle:
        names = set(bundle.namelist())
        assert names == {f"evidence-FY2569/{n}" for n in on_disk}
        assert bundle.read("evidence-FY2569/index.docx") == (folder / "index.docx").read_bytes()


def test_retention_never_removes_a_closings_snapshot(closed: Path, tmp_path: Path) -> None:
    for _ in range(2):
        sync_issues(closed, tmp_path)
    pruned = run("history", "--config", config(tmp_path), "prune", "--keep-snapshots", 1)
    assert pruned.exit_code == 0, pruned.output
    [closing] = json.loads(run("close", "--list", "--json", "--config", config(tmp_path)).output)
    with sqlite3.connect(tmp_path / "history.sqlite") as db:
        kept = [r[0] for r in db.execute("SELECT id FROM snapshots ORDER BY id")]
    assert kept == [closing["snapshot_id"], 3]  # the closing's and the newest
    done = report(closed, tmp_path, "after-prune", "--round", 6, "--as-of", LATER)
    assert done.exit_code == 0 and "ตัวเลขที่รายงานเมื่อปิดรอบ" in done.output
