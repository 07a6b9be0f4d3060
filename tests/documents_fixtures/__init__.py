"""Inputs and readers for the document tests.

Two sources, both through the real path (xlsx → backend → validation → compute):
- the lead's demo workbook (`sheets_sync.present.demo`), for the memo and the manuals as an office gets them;
- a small hand-built workbook whose sheet text holds `<b>&"x"`, a newline and a decision step,
  for escaping and the flowchart's diamond.
And small helpers that read a .docx back with python-docx.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
from docx.document import Document
from docx.table import Table

from sheets_sync.app.workbook import read_workbook
from sheets_sync.backends.xlsx.backend import XlsxBackend
from sheets_sync.compute.results import Results, compute_results
from sheets_sync.config import Settings, settings_from_dict
from sheets_sync.core.fiscal import resolve_period
from sheets_sync.documents.memo import render_followup_report
from sheets_sync.documents.sop import render_sop_manuals
from sheets_sync.present.demo import write_demo_workbook
from sheets_sync.schema.tabs import input_tabs
from sheets_sync.schema.validate import ValidatedWorkbook
from tests.conftest import AS_OF, write_xlsx

MEMO_DATE = dt.date(2026, 4, 8)  # the memo is written a week after the data date
NASTY = '<b>&"x"'  # must reach Word as these six characters
MULTILINE = f"ปัญหา {NASTY}\nบรรทัดที่สอง"

OFFICE = {
    "name": "สำนักงานจังหวัดทดสอบ",
    "province": "ทดสอบ",
    "section": "ฝ่ายอำนวยการ",
    "document_no": "ทส 0017.1/",
    "signer_name": "นางสาวสมใจ ใจดี",
    "signer_position": "หัวหน้าฝ่ายอำนวยการ",
    "phone": "0 5555 5555",
}


def office_settings(**output: Any) -> Settings:
    """Settings of a fictional office (not the checkout's own config/office.toml)."""
    return settings_from_dict({"office": OFFICE, "output": output})




@dataclass
class Sync:
    """What the sync computed: the typed results the documents take, and the JSON results
    document that the sync writes (the tests compare the documents' figures with it)."""

    typed: Results
    results: dict[str, Any]

    @property
    def workbook(self) -> ValidatedWorkbook:
        return self.typed.workbook


def sync_workbook(path: Path, settings: Settings, as_of: dt.date = AS_OF) -> Sync:
    """Read, validate and compute exactly as `sheets-sync sync` does."""
    period = resolve_period(as_of, settings.fiscal.rounds)
    workbook = read_workbook(XlsxBackend(path), settings, period).workbook
    results = compute_results(workbook, period, settings)
    return Sync(results, results.to_json())


def demo_sync(demo_xlsx: Path, settings: Settings) -> Sync:
    """The seeded demo (the session's `demo_xlsx` fixture, only read) synced with `settings`."""
    return sync_workbook(demo_xlsx, settings)


def demo_sync_at(directory: Path, settings: Settings, as_of: dt.date) -> Sync:
    """A demo workbook built for another as-of in `directory`, synced at that as-of."""
    return sync_workbook(write_demo_workbook(directory / "demo.xlsx", as_of), settings, as_of)


def render_memo(sync: Sync | Results, settings: Settings, out_dir: Path, memo_date: dt.date = MEMO_DATE) -> Path:
    results = sync.typed if isinstance(sync, Sync) else sync
    return render_followup_report(results, settings, out_dir, memo_date=memo_date)


def render_manuals(sync: Sync | Results, settings: Settings, out_dir: Path, mission_id: str | None = None) -> list[Path]:
    results = sync.typed if isinstance(sync, Sync) else sync
    return render_sop_manuals(results, settings, out_dir, mission_id=mission_id)


# --- the small workbook ---------------------------------------------------------------------------
def _rows(tab_key: str, records: list[Mapping[str, Any]]) -> list[list[Any]]:
    """Header row in Thai from the schema, then the records by English key."""
    tab = next(t for t in input_tabs() if t.key == tab_key)
    return [[c.th for c in tab.columns]] + [[record.get(c.key) for c in tab.columns] for record in records]


def small_workbook(path: Path) -> Path:
    """Three missions (a manual ready, a draft, one without steps), plan, KPIs, complaints."""
    d = dt.date
    tabs = {
        "ภารกิจ": _rows("missions", [
            {"mission_id": "M01", "name": f"ภารกิจ {NASTY}", "category": "ตามกฎหมาย/ข้อสั่งการ",
             "legal_basis": f"ระเบียบ {NASTY}", "owner": "นางสาวเอ ทดสอบ", "backup": "นายบี ทดสอบ",
             "sop_status": "มี", "sop_reviewed": d(2025, 11, 1)},
            {"mission_id": "M02", "name": "งานธุรการ", "category": "สนับสนุนงานประจำ", "owner": "นายบี ทดสอบ",
             "sop_status": "กำลังจัดทำ"},
            {"mission_id": "M03", "name": "โครงการพิเศษ", "category": "นโยบาย/โครงการพิเศษ", "owner": "นายซี ทดสอบ",
             "sop_status": "ไม่มี"},
        ]),
        "แผนปฏิบัติการ": _rows("plan", [
            {"activity_id": "A01", "mission_id": "M01", "activity": f"กิจกรรม {NASTY}", "planned_start": d(2025, 10, 1),
             "planned_end": d(2026, 9, 30), "budget": 100000, "owner": "นางสาวเอ ทดสอบ", "progress": 10,
             "problems": MULTILINE, "risks": "อาจไม่ทันกำหนด"},
            {"activity_id": "A02", "mission_id": "M02", "activity": "จัดซื้อครุภัณฑ์", "planned_start": d(2025, 10, 1),
             "planned_end": d(2026, 1, 31), "budget": 50000, "owner": "นายบี ทดสอบ", "progress": 40,
             "problems": MULTILINE, "risks": "อาจไม่ทันกำหนด"},
            {"activity_id": "A03", "mission_id": "M03", "activity": "อบรมบุคลากร", "planned_start": d(2025, 11, 1),
             "planned_end": d(2026, 2, 28), "budget": 20000, "owner": "นายซี ทดสอบ", "progress": 100,
             "actual_end": d(2026, 2, 20)},
        ]),
        "ตัวชี้วัด": _rows("kpis", [
            {"kpi_id": "K01", "name": "ร้อยละการเบิกจ่าย", "perspective": "ประสิทธิผล", "level": "ฝ่าย",
             "owner": "นางสาวเอ ทดสอบ", "mission_id": "M01", "unit": "ร้อยละ", "kind": "มากดี", "weight": 60,
             "t1": 80, "t2": 85, "t3": 90, "t4": 95, "t5": 100, "result_6": 92.5},
            {"kpi_id": "K02", "name": "จำนวนวันยุติเรื่อง", "perspective": "คุณภาพการให้บริการ", "level": "ฝ่าย",
             "owner": "นายบี ทดสอบ", "unit": "วัน", "kind": "น้อยดี", "weight": 40,
             "t1": 30, "t2": 25, "t3": 20, "t4": 15, "t5": 10, "result_6": 27},
        ]),
        "เรื่องร้องเรียน": _rows("complaints", [
            {"case_id": "C001", "received": d(2025, 10, 5), "channel": "สายด่วน 1567", "category": "สาธารณูปโภค",
             "subject": f"ไฟดับ {NASTY}", "status": "ยุติ", "closed": d(2025, 10, 12), "satisfaction": 5},
            {"case_id": "C002", "received": d(2026, 3, 1), "channel": "ไลน์", "category": "ที่ดิน",
             "subject": "รุกล้ำที่ดิน", "status": "อยู่ระหว่างดำเนินการ"},
        ]),
        "ขั้นตอนงาน": _rows("sop_steps", [
            {"mission_id": "M01", "step_no": 1, "step": f"รับคำขอ {NASTY}", "step_type": "เริ่มต้น/สิ้นสุด",
             "responsible": "นางสาวเอ ทดสอบ", "duration": 10, "time_unit": "นาที", "control": f"ครบถ้วน {NASTY}"},
            {"mission_id": "M01", "step_no": 2, "step": "ตรวจสอบเอกสารครบถ้วนหรือไม่", "step_type": "ตัดสินใจ",
             "responsible": "นายบี ทดสอบ", "duration": 1, "time_unit": "ชั่วโมง"},
            {"mission_id": "M01", "step_no": 3, "step": "ออกหนังสือตอบ", "step_type": "เอกสาร",
             "responsible": "นางสาวเอ ทดสอบ", "duration": 2, "time_unit": "วัน", "forms": "แบบ ก.1"},
            {"mission_id": "M01", "step_no": 4, "step": "แจ้งผลและจัดเก็บ", "step_type": "เริ่มต้น/สิ้นสุด",
             "responsible": "นางสาวเอ ทดสอบ", "duration": 30, "time_unit": "นาที"},
            {"mission_id": "M02", "step_no": 1, "step": "จัดเก็บเอกสาร", "responsible": "นายบี ทดสอบ",
             "duration": 15, "time_unit": "นาที"},
        ]),
        "คู่มือ": _rows("sop_info", [
            {"mission_id": "M01", "objective": f"เพื่อทดสอบ {NASTY}\nบรรทัดที่สอง", "scope": "ตั้งแต่รับคำขอจนแจ้งผล",
             "definitions": "คำขอ หมายถึง หนังสือจากประชาชน", "references": "คู่มือกลาง", "version": "1"},
        ]),
        "บุคลากร": _rows("staff", [
            {"name": "นางสาวเอ ทดสอบ", "position": "นักจัดการงานทั่วไป", "can_do": "M01, M02"},
            {"name": "นายบี ทดสอบ", "position": "เจ้าพนักงานธุรการ", "can_do": "M01"},
        ]),
    }  # fmt: skip
    return write_xlsx(path, tabs)


# --- reading documents back -----------------------------------------------------------------------
def open_docx(path: Path) -> Document:
    return docx.Document(str(path))


def paragraphs(document: Document) -> list[str]:
    """Body paragraphs' text (line breaks as `\\n`), tables excluded."""
    return [p.text for p in document.paragraphs]


def all_text(document: Document) -> str:
    """Every paragraph of the body and of every table cell, one per line."""
    return "\n".join(paragraphs(document) + [cell for table in document.tables for row in rows(table) for cell in row])


def rows(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def table_starting(document: Document, first_header: str) -> list[list[str]]:
    """The rows of the table whose first header cell is `first_header` (tests find tables so)."""
    found = [rows(t) for t in document.tables if t.rows[0].cells[0].text == first_header]
    assert found, f"no table starts with {first_header!r}"
    return found[0]


def table_with_header(document: Document, header: list[str]) -> list[list[str]]:
    """The rows of the table whose header row is exactly `header`."""
    found = [rows(t) for t in document.tables if rows(t)[0] == header]
    assert found, f"no table with header {header!r}"
    return found[0]


def endorsements(document: Document) -> list[tuple[list[str], list[str]]]:
    """The memo's endorsement spaces (office.via), in order: (comment side, signing side), each
    the lines of its cell."""
    found = []
    for table in document.tables:
        for row in table.rows:
            comment, sign = row.cells[0], row.cells[-1]
            if comment.text.startswith("ความเห็น"):
                found.append(([p.text for p in comment.paragraphs], [p.text for p in sign.paragraphs]))
    return found


def body_index(document: Document, item: Any) -> int:
    """Where a paragraph or a table stands in the body (its position among the body's children)."""
    element = getattr(item, "_p", None)
    element = element if element is not None else item._tbl
    return list(document.element.body).index(element)


def keyed(table: list[list[str]]) -> dict[str, list[str]]:
    """Data rows by their first cell."""
    return {row[0]: row[1:] for row in table[1:]}


def images(document: Document) -> Iterator[bytes]:
    """The bytes of every inline picture, in document order."""
    for shape in document.inline_shapes:
        rel_id = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        yield document.part.related_parts[rel_id].blob
