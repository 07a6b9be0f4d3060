"""Validation of real .xlsx workbooks: the exact issues, and which rows reach the tables.

Every workbook starts from one good row per tab (row 2); a case adds or changes rows and states
the issues as `(tab, cell, severity, code)` and the sheet rows that end up in `.tables[...]`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.backends.xlsx.backend import XlsxBackend
from sheets_sync.core.fiscal import resolve_period
from sheets_sync.schema.matching import input_titles
from sheets_sync.schema.parsers import NOT_ASSESSED
from sheets_sync.schema.tabs import input_tabs
from sheets_sync.schema.validate import ValidatedWorkbook, validate_workbook
from tests.conftest import pct

D = dt.date
DT = dt.datetime
FY = 2569  # 2025-10-01 … 2026-09-30
OWNER = "นายก้อง ดีงาม"
BACKUP = "นางสาวขวัญใจ ศรีสุข"

TABS = {tab.key: tab for tab in input_tabs()}
TITLE = {key: tab.th for key, tab in TABS.items()}

GOOD: dict[str, dict[str, Any]] = {
    "missions": {"mission_id": "M01", "name": "งานสารบรรณ", "category": "สนับสนุนงานประจำ", "owner": OWNER,
                 "backup": BACKUP, "sop_status": "ไม่มี", "strategy_id": "S1"},
    "strategies": {"strategy_id": "S1", "name": "พัฒนาการบริหารภาครัฐ", "goal": "บริการมีประสิทธิภาพ"},
    "plan": {"activity_id": "A01", "mission_id": "M01", "activity": "จัดทำทะเบียนหนังสือ", "strategy_id": "S1",
             "planned_start": D(2025, 10, 1), "planned_end": D(2026, 9, 30), "budget": 1000, "owner": OWNER,
             "progress": 50},
    "kpis": {"kpi_id": "K01", "name": "ร้อยละการเบิกจ่ายงบประมาณ", "perspective": "ประสิทธิผล", "level": "ฝ่าย",
             "owner": OWNER, "mission_id": "M01", "unit": "ร้อยละ", "kind": "มากดี", "weight": 100,
             "t1": 80, "t2": 85, "t3": 90, "t4": 95, "t5": 100, "result_6": 92.5},
    "complaints": {"case_id": "ดธ.69/0001", "received": D(2025, 11, 3), "channel": "ด้วยตนเอง", "category": "ที่ดิน",
                   "district": "เมือง", "subject": "ข้อพิพาทแนวเขตที่ดิน", "complainant": "นายสมชาย ใจดี",
                   "national_id": "1-1017-00203-45-0", "phone": "081-234-1234", "assigned_to": "สำนักงานที่ดินจังหวัด",
                   "status": "ยุติ", "closed": D(2025, 11, 10), "satisfaction": 5},
    "sop_steps": {"mission_id": "M01", "step_no": 1, "step": "รับหนังสือ", "step_type": "เริ่มต้น/สิ้นสุด",
                  "responsible": OWNER, "duration": 10, "time_unit": "นาที"},
    "sop_info": {"mission_id": "M01", "objective": "เพื่อให้การรับส่งหนังสือถูกต้องและรวดเร็ว"},
    "staff": {"name": OWNER, "position": "นักจัดการงานทั่วไป", "can_do": "M01"},
}
# What a second, otherwise good row changes so that it does not repeat the first one. A second
# KPI is an individual one, alone in its group, so that the group weights still sum to 100.
SECOND: dict[str, dict[str, Any]] = {
    "missions": {"mission_id": "M02"},
    "strategies": {"strategy_id": "S2"},
    "plan": {"activity_id": "A02"},
    "kpis": {"kpi_id": "K02", "level": "บุคคล", "owner": BACKUP},
    "complaints": {"case_id": "ดธ.69/0002"},
    "sop_steps": {"step_no": 2},
    "sop_info": {},  # one manual per mission: a second row needs a second mission
    "staff": {"name": BACKUP},
}


def row(key: str, **changes: Any) -> list[Any]:
    """A good row of a tab, with some cells changed (None = empty cell)."""
    values = {**GOOD[key], **changes}
    return [values.get(col.key) for col in TABS[key].columns]


def second(key: str, **changes: Any) -> list[Any]:
    return row(key, **{**SECOND[key], **changes})


def header(key: str) -> list[str]:
    return [col.th for col in TABS[key].columns]


def workbook_tabs(extra: Mapping[str, Iterable[list[Any]]] = {}, drop: Iterable[str] = ()) -> dict[str, list[list[Any]]]:
    """Every input tab with its header and one good row, plus `extra` rows; `drop` leaves tabs out."""
    return {
        TITLE[key]: [header(key), row(key), *extra.get(key, ())]
        for key in TABS
        if key not in drop
    }


def validate(path: Path, fiscal_year: int | None = FY, **options: Any) -> ValidatedWorkbook:
    tabs = XlsxBackend(path).read_tabs(list(TITLE.values()))  # absent tabs are simply not returned
    return validate_workbook(tabs, fiscal_year=fiscal_year, **options)


def flat(result: ValidatedWorkbook) -> list[tuple[str, str, str, str]]:
    return [(i.tab, i.cell, i.severity.value, i.code) for i in result.issues]


def sheet_rows(result: ValidatedWorkbook, key: str) -> list[int]:
    return list(result.tables[key]["row"])


def value_at(result: ValidatedWorkbook, key: str, sheet_row: int, column: str) -> Any:
    table = result.tables[key]
    return table.loc[table["row"] == sheet_row, column].item()


MakeXlsx = Callable[..., Path]


def test_good_workbook_has_no_issue_and_every_row(make_xlsx: MakeXlsx) -> None:
    result = validate(make_xlsx(workbook_tabs()))
    assert flat(result) == []
    assert {key: sheet_rows(result, key) for key in TABS} == {key: [2] for key in TABS}


# (tab key, changes to a second row (sheet row 3), expected issues, sheet rows kept)
M, P, K, C, S, SI, ST, SG = (TITLE[k] for k in ("missions", "plan", "kpis", "complaints", "sop_steps", "sop_info", "staff", "strategies"))
ERR, WARN = "error", "warning"
ROW_CASES = [
    # ภารกิจ
    ("missions", {}, [], [2, 3]),
    ("missions", {"category": "ตามกฎหมาย/ข้อสั่งการ"}, [(M, "D3", WARN, "legal-basis-missing")], [2, 3]),
    ("missions", {"category": "ตามกฎหมาย/ข้อสั่งการ", "legal_basis": "ระเบียบสำนักนายกรัฐมนตรี"}, [], [2, 3]),
    ("missions", {"backup": OWNER}, [(M, "F3", WARN, "backup-is-owner")], [2, 3]),
    ("missions", {"backup": "นายก้อง\u00a0 ดีงาม "}, [(M, "F3", WARN, "backup-is-owner")], [2, 3]),
    ("missions", {"backup": "ก้อง ดีงาม"}, [], [2, 3]),  # a title is part of a name
    ("missions", {"backup": None}, [], [2, 3]),
    ("missions", {"sop_status": "มี"}, [(M, "H3", WARN, "sop-reviewed-missing")], [2, 3]),
    ("missions", {"sop_status": "มี", "sop_reviewed": D(2025, 11, 15)}, [], [2, 3]),
    ("missions", {"sop_status": "มี", "sop_reviewed": DT(2568, 11, 15)}, [(M, "H3", WARN, "date-be-cell")], [2, 3]),
    ("missions", {"category": "งานทั่วไป"}, [(M, "C3", ERR, "enum-unknown")], [2]),
    ("missions", {"name": None}, [(M, "B3", ERR, "required-missing")], [2]),
    ("missions", {"name": " \u00a0"}, [(M, "B3", ERR, "required-missing")], [2]),
    ("missions", {"strategy_id": "S9"}, [(M, "I3", ERR, "ref-unknown")], [2]),
    ("missions", {"strategy_id": None}, [], [2, 3]),
    ("missions", {"mission_id": "M01"}, [(M, "A3", ERR, "id-duplicate")], [2]),
    ("missions", {"mission_id": "\u00a0M01\u200b"}, [(M, "A3", ERR, "id-duplicate")], [2]),
    ("missions", {"mission_id": "m01"}, [], [2, 3]),  # ids are compared exactly
    # ยุทธศาสตร์
    ("strategies", {"strategy_id": "S1"}, [(SG, "A3", ERR, "id-duplicate")], [2]),
    # แผนปฏิบัติการ
    ("plan", {"planned_start": D(2026, 3, 1), "planned_end": D(2026, 2, 28)}, [(P, "F3", ERR, "date-order")], [2]),
    ("plan", {"planned_start": D(2026, 3, 1), "planned_end": D(2026, 3, 1)}, [], [2, 3]),
    ("plan", {"progress": 120}, [(P, "I3", ERR, "percent-range")], [2]),
    ("plan", {"progress": -5}, [(P, "I3", ERR, "percent-range")], [2]),
    ("plan", {"progress": pct(1.2)}, [(P, "I3", ERR, "percent-range")], [2]),
    ("plan", {"progress": "101%"}, [(P, "I3", ERR, "percent-range")], [2]),
    ("plan", {"progress": 100, "actual_end": D(2026, 3, 1)}, [], [2, 3]),
    ("plan", {"progress": pct(1.0), "actual_end": D(2026, 3, 1)}, [], [2, 3]),
    ("plan", {"progress": 99, "actual_end": D(2026, 3, 1)}, [(P, "J3", WARN, "actual-end-early")], [2, 3]),
    ("plan", {"progress": None, "actual_end": D(2026, 3, 1)}, [(P, "J3", WARN, "actual-end-early")], [2, 3]),
    ("plan", {"budget": -1}, [(P, "G3", ERR, "number-range")], [2]),
    ("plan", {"budget": "1,5"}, [(P, "G3", ERR, "number-invalid")], [2]),
    ("plan", {"budget": "12a"}, [(P, "G3", ERR, "number-invalid")], [2]),
    ("plan", {"mission_id": "M99"}, [(P, "B3", ERR, "ref-unknown")], [2]),
    ("plan", {"strategy_id": "S9"}, [(P, "D3", ERR, "ref-unknown")], [2]),
    ("plan", {"planned_start": "31/02/2569"}, [(P, "E3", ERR, "date-impossible")], [2]),
    ("plan", {"planned_start": 45931}, [(P, "E3", ERR, "date-not-date")], [2]),
    ("plan", {"planned_start": "10/31/2025"}, [(P, "E3", ERR, "date-month-first")], [2]),
    ("plan", {"planned_start": "1/10/68"}, [(P, "E3", ERR, "date-year-digits")], [2]),
    ("plan", {"planned_start": "ต้นปีงบ"}, [(P, "E3", ERR, "date-invalid")], [2]),
    ("plan", {"activity": None, "owner": None}, [(P, "C3", ERR, "required-missing"), (P, "H3", ERR, "required-missing")], [2]),
    ("plan", {"planned_start": D(2024, 10, 1), "planned_end": D(2025, 9, 30)}, [(P, "E3", WARN, "activity-outside-year")], [2, 3]),
    ("plan", {"activity_id": "A01"}, [(P, "A3", ERR, "id-duplicate")], [2]),
    # ตัวชี้วัด
    ("kpis", {"t3": 85}, [(K, "L3", ERR, "thresholds-order")], [2]),
    ("kpis", {"t5": 90}, [(K, "N3", ERR, "thresholds-order")], [2]),
    ("kpis", {"kind": "น้อยดี", "t1": 30, "t2": 25, "t3": 20, "t4": 15, "t5": 10, "result_6": 17}, [], [2, 3]),
    ("kpis", {"kind": "น้อยดี", "t1": 30, "t2": 25, "t3": 26, "t4": 15, "t5": 10}, [(K, "L3", ERR, "thresholds-order")], [2]),
    ("kpis", {"kind": "น้อยดี"}, [(K, "K3", ERR, "thresholds-order")], [2]),  # increasing for lower-is-better
    ("kpis", {"t4": None}, [(K, "M3", ERR, "thresholds-missing")], [2]),
    ("kpis", {"kind": "น้อยดี", "t1": None, "t2": None, "t3": None, "t4": None, "t5": None}, [(K, "J3", ERR, "thresholds-missing")], [2]),
    ("kpis", {"kind": "ขั้นตอน", "t1": None, "t2": None, "t3": None, "t4": None, "t5": None, "result_6": 4}, [], [2, 3]),
    ("kpis", {"kind": "ขั้นตอน", "result_6": 0}, [], [2, 3]),
    ("kpis", {"kind": "ขั้นตอน", "result_6": 5, "result_9": "-", "result_12": "ไม่ประเมิน"}, [], [2, 3]),
    ("kpis", {"kind": "ขั้นตอน", "result_6": 3.5}, [(K, "O3", ERR, "milestone-level")], [2]),
    ("kpis", {"kind": "ขั้นตอน", "result_6": 6}, [(K, "O3", ERR, "milestone-level")], [2]),
    ("kpis", {"kind": "ขั้นตอน", "result_6": None, "result_9": -1}, [(K, "P3", ERR, "milestone-level")], [2]),
    ("kpis", {"weight": 0}, [(K, "I3", ERR, "number-range")], [2]),
    ("kpis", {"weight": -5}, [(K, "I3", ERR, "number-range")], [2]),
    ("kpis", {"result_6": "ดี"}, [(K, "O3", ERR, "result-invalid")], [2]),
    ("kpis", {"perspective": "คุณภาพ"}, [(K, "C3", ERR, "enum-unknown")], [2]),
    ("kpis", {"mission_id": "M99"}, [(K, "F3", ERR, "ref-unknown")], [2]),
    # เรื่องร้องเรียน
    ("complaints", {"closed": None}, [(C, "L3", ERR, "closed-missing")], [2]),
    ("complaints", {"received": D(2025, 11, 10), "closed": D(2025, 11, 9)}, [(C, "L3", ERR, "date-order")], [2]),
    ("complaints", {"received": D(2025, 11, 10), "closed": D(2025, 11, 10)}, [], [2, 3]),
    ("complaints", {"status": "อยู่ระหว่างดำเนินการ"}, [(C, "L3", WARN, "closed-while-open")], [2, 3]),
    ("complaints", {"status": "รับเรื่อง", "closed": None, "satisfaction": None}, [], [2, 3]),
    ("complaints", {"satisfaction": 4.5}, [(C, "M3", ERR, "number-not-whole")], [2]),
    ("complaints", {"satisfaction": 0}, [(C, "M3", ERR, "number-range")], [2]),
    ("complaints", {"satisfaction": 6}, [(C, "M3", ERR, "number-range")], [2]),
    ("complaints", {"satisfaction": "๓"}, [], [2, 3]),
    ("complaints", {"national_id": "1-2345-67890-12-3"}, [(C, "H3", WARN, "national-id-invalid")], [2, 3]),
    ("complaints", {"national_id": "110170020345"}, [(C, "H3", WARN, "national-id-invalid")], [2, 3]),
    ("complaints", {"national_id": "3101500123459"}, [], [2, 3]),
    ("complaints", {"national_id": None}, [], [2, 3]),
    ("complaints", {"category": "เรื่องทั่วไป"}, [(C, "D3", WARN, "category-unknown")], [2, 3]),
    ("complaints", {"category": " หนี้สิน "}, [], [2, 3]),
    ("complaints", {"received": D(2026, 10, 1), "status": "รับเรื่อง", "closed": None}, [(C, "B3", WARN, "received-after-year")], [2, 3]),
    ("complaints", {"received": D(2026, 9, 30), "status": "รับเรื่อง", "closed": None}, [], [2, 3]),
    ("complaints", {"received": DT(2568, 11, 3)}, [(C, "B3", WARN, "date-be-cell")], [2, 3]),
    ("complaints", {"received": "๓/๑๑/๒๕๖๘"}, [], [2, 3]),
    ("complaints", {"channel": "สายด่วน  1567"}, [], [2, 3]),
    ("complaints", {"channel": "โทรศัพท์"}, [(C, "C3", ERR, "enum-unknown")], [2]),
    ("complaints", {"case_id": "ดธ.69/0001"}, [(C, "A3", ERR, "id-duplicate")], [2]),
    # ขั้นตอนงาน
    ("sop_steps", {"step_no": 1}, [(S, "B3", ERR, "duplicate-in-group")], [2]),
    ("sop_steps", {"step_no": 1.5}, [(S, "B3", ERR, "number-not-whole")], [2]),
    ("sop_steps", {"duration": 0}, [(S, "F3", ERR, "number-range")], [2]),
    ("sop_steps", {"mission_id": "M99"}, [(S, "A3", ERR, "ref-unknown")], [2]),
    ("sop_steps", {"time_unit": "สัปดาห์"}, [(S, "G3", ERR, "enum-unknown")], [2]),
    ("sop_steps", {"step_type": None}, [], [2, 3]),
    # คู่มือ
    ("sop_info", {"mission_id": "M01"}, [(SI, "A3", ERR, "id-duplicate")], [2]),
    ("sop_info", {"mission_id": "M99"}, [(SI, "A3", ERR, "ref-unknown")], [2]),
    ("sop_info", {"mission_id": "M01", "objective": None}, [(SI, "A3", ERR, "id-duplicate"), (SI, "B3", ERR, "required-missing")], [2]),
    # บุคลากร
    ("staff", {"can_do": "M01, M99"}, [(ST, "C3", WARN, "list-item-unknown")], [2, 3]),
    ("staff", {"can_do": "M99/M98"}, [(ST, "C3", WARN, "list-item-unknown")], [2, 3]),
    ("staff", {"name": OWNER}, [(ST, "A3", ERR, "id-duplicate")], [2]),
]


@pytest.mark.parametrize(("key", "changes", "issues", "rows"), ROW_CASES)
def test_row_rules(make_xlsx: MakeXlsx, key: str, changes: dict[str, Any], issues: list[tuple], rows: list[int]) -> None:
    result = validate(make_xlsx(workbook_tabs({key: [second(key, **changes)]})))
    assert flat(result) == issues
    assert sheet_rows(result, key) == rows


# (tab key, changes to the second row, column, its parsed value in the table)
VALUE_CASES = [
    ("plan", {"progress": pct(0.45)}, "progress", 45.0),
    ("plan", {"progress": 0.45}, "progress", 0.45),
    ("plan", {"progress": "๔๕%"}, "progress", 45.0),
    ("plan", {"progress": "45"}, "progress", 45.0),
    ("plan", {"progress": None}, "progress", 0.0),  # empty progress = 0
    ("plan", {"planned_start": "๑/๑๐/๒๕๖๘"}, "planned_start", D(2025, 10, 1)),
    ("plan", {"planned_start": "1 ต.ค. 2568"}, "planned_start", D(2025, 10, 1)),
    ("plan", {"planned_start": "2568-10-01"}, "planned_start", D(2025, 10, 1)),
    ("plan", {"planned_start": DT(2025, 10, 1, 16, 45)}, "planned_start", D(2025, 10, 1)),
    ("plan", {"budget": "๑,๒๓๔"}, "budget", 1234.0),
    ("plan", {"budget": "1,234.50"}, "budget", 1234.5),
    ("missions", {"sop_status": "มี", "sop_reviewed": DT(2568, 11, 15)}, "sop_reviewed", D(2025, 11, 15)),
    ("missions", {"mission_id": "007"}, "mission_id", "007"),
    ("missions", {"category": "LEGAL", "legal_basis": "ระเบียบ"}, "category", "legal"),
    ("complaints", {"channel": "สายด่วน\u00a01567"}, "channel", "hotline"),
    ("complaints", {"received": DT(2568, 11, 3)}, "received", D(2025, 11, 3)),
    ("complaints", {"national_id": "1-2345-67890-12-3"}, "national_id", "1-2345-67890-12-3"),
    ("sop_steps", {"step_type": None}, "step_type", "process"),
    ("staff", {"can_do": "M01、M99"}, "can_do", ("M01",)),
    ("kpis", {"result_6": "-"}, "result_6", NOT_ASSESSED),
    ("kpis", {"result_6": pct(0.925)}, "result_6", 92.5),
]


@pytest.mark.parametrize(("key", "changes", "column", "expected"), VALUE_CASES)
def test_parsed_values_in_tables(make_xlsx: MakeXlsx, key: str, changes: dict[str, Any], column: str, expected: Any) -> None:
    result = validate(make_xlsx(workbook_tabs({key: [second(key, **changes)]})))
    assert sheet_rows(result, key) == [2, 3]
    assert value_at(result, key, 3, column) == expected


def test_blank_rows_in_the_middle_keep_the_sheet_row_numbers(make_xlsx: MakeXlsx) -> None:
    blank = [None] * len(TABS["plan"].columns)
    whitespace = ["  ", "\u00a0"] + [None] * (len(TABS["plan"].columns) - 2)
    plan = [blank, whitespace, second("plan", progress=150), blank, second("plan", activity_id="A07")]
    result = validate(make_xlsx(workbook_tabs({"plan": plan})))
    assert flat(result) == [(P, "I5", ERR, "percent-range")]
    assert sheet_rows(result, "plan") == [2, 7]


def test_a_ref_to_a_row_with_its_own_error_is_not_an_error(make_xlsx: MakeXlsx) -> None:
    tabs = workbook_tabs({
        "missions": [second("missions", category="งานทั่วไป")],  # M02 has an error of its own
        "plan": [second("plan", mission_id="M02")],
        "kpis": [second("kpis", mission_id="M02")],
        "sop_steps": [second("sop_steps", mission_id="M02")],
        "staff": [second("staff", can_do="M01, M02")],
    })
    result = validate(make_xlsx(tabs))
    assert flat(result) == [(M, "C3", ERR, "enum-unknown")]
    assert [sheet_rows(result, key) for key in ("missions", "plan", "kpis", "sop_steps", "staff")] == [[2], [2, 3], [2, 3], [2, 3], [2, 3]]
    assert value_at(result, "staff", 3, "can_do") == ("M01", "M02")


def test_a_ref_to_a_duplicated_id_is_not_an_error(make_xlsx: MakeXlsx) -> None:
    tabs = workbook_tabs({"strategies": [second("strategies", strategy_id="S1")], "plan": [second("plan", strategy_id="S1")]})
    result = validate(make_xlsx(tabs))
    assert flat(result) == [(SG, "A3", ERR, "id-duplicate")]
    assert sheet_rows(result, "plan") == [2, 3]


def test_the_same_step_number_in_another_mission_is_fine(make_xlsx: MakeXlsx) -> None:
    tabs = workbook_tabs({"missions": [second("missions")], "sop_steps": [second("sop_steps", mission_id="M02", step_no=1)]})
    result = validate(make_xlsx(tabs))
    assert flat(result) == []
    assert sheet_rows(result, "sop_steps") == [2, 3]


def test_received_after_the_year_needs_a_fiscal_year(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx(workbook_tabs({"complaints": [second("complaints", received=D(2026, 10, 1), status="รับเรื่อง", closed=None)]}))
    assert flat(validate(path, fiscal_year=None)) == []
    assert flat(validate(path, fiscal_year=2569)) == [(C, "B3", WARN, "received-after-year")]


def test_complaint_categories_come_from_the_caller(make_xlsx: MakeXlsx) -> None:
    path = make_xlsx(workbook_tabs({"complaints": [second("complaints", category="หนี้สิน")]}))
    result = validate(path, complaint_categories=("ที่ดิน",))
    assert flat(result) == [(C, "D3", WARN, "category-unknown")]


@pytest.mark.parametrize(
    ("key", "severity", "code"),
    [
        ("missions", ERR, "tab-missing"),
        ("plan", ERR, "tab-missing"),
        ("kpis", ERR, "tab-missing"),
        ("complaints", ERR, "tab-missing"),
        ("strategies", WARN, "tab-optional-missing"),
        ("sop_steps", WARN, "tab-optional-missing"),
        ("sop_info", WARN, "tab-optional-missing"),
        ("staff", WARN, "tab-optional-missing"),
    ],
)
def test_absent_tab(make_xlsx: MakeXlsx, key: str, severity: str, code: str) -> None:
    result = validate(make_xlsx(workbook_tabs(drop=[key])))
    assert flat(result) == [(TITLE[key], "A1", severity, code)]
    # the other tabs still run; refs into the absent tab are not checked
    assert {k: sheet_rows(result, k) for k in result.tables} == {k: [2] for k in TABS if k != key}


def test_missing_required_column_skips_only_that_tab(make_xlsx: MakeXlsx) -> None:
    tabs = workbook_tabs()
    tabs[M] = [[cell for n, cell in enumerate(r) if n not in (1, 4)] for r in tabs[M]]  # no name, no owner
    result = validate(make_xlsx(tabs))
    assert flat(result) == [(M, "H1", ERR, "column-missing"), (M, "I1", ERR, "column-missing")]
    assert "missions" not in result.tables
    assert sheet_rows(result, "plan") == [2]


def test_an_absent_optional_column_is_not_an_issue(make_xlsx: MakeXlsx) -> None:
    """workbook.md: offices add optional columns as they adopt features; absent is not an issue."""
    tabs = workbook_tabs()
    tabs[P] = [r[:9] for r in tabs[P]]  # no actual_end, problems, risks
    result = validate(make_xlsx(tabs))
    assert flat(result) == []
    assert value_at(result, "plan", 2, "actual_end") is None  # the rows are still used


@pytest.mark.parametrize(
    ("as_of", "issues"),
    [
        (None, []),  # without an as-of no round has ended
        (D(2026, 3, 30), []),  # round 6 has not ended yet
        (D(2026, 3, 31), [(K, "Q1", "warning", "column-optional-missing")]),  # round 6 ended
    ],
)
def test_an_absent_result_column_of_an_ended_round_is_a_warning(make_xlsx: MakeXlsx, as_of: dt.date | None, issues: list) -> None:
    tabs = workbook_tabs()
    k = TITLE["kpis"]
    drop = [c.key for c in TABS["kpis"].columns].index("result_6")
    tabs[k] = [[v for c, v in enumerate(r) if c != drop] for r in tabs[k]]
    assert flat(validate(make_xlsx(tabs), as_of=as_of)) == issues


def test_a_rule_on_an_absent_column_never_points_at_column_a(make_xlsx: MakeXlsx) -> None:
    tabs = workbook_tabs()
    tabs[M] = [[v for c, v in enumerate(r) if c != 7] for r in tabs[M]]  # no วันที่ทบทวนคู่มือ
    result = validate(make_xlsx(tabs))
    assert flat(result) == []  # the review-date rule needs the column: nothing to point at




@pytest.mark.parametrize(
    ("steps", "issues", "rows"),
    [
        # a decision whose branches name steps of its mission: fine
        ([{"step_no": 2, "step_type": "ตัดสินใจ", "yes_next": 3, "no_next": 1}, {"step_no": 3}], [], [2, 3, 4]),
        # a forward jump and a loop back are both fine
        ([{"step_no": 2, "step_type": "ตัดสินใจ", "yes_next": 4, "no_next": 1}, {"step_no": 3}, {"step_no": 4}], [], [2, 3, 4, 5]),
        # a branch to a step that the mission does not have: an error on that cell
        ([{"step_no": 2, "step_type": "ตัดสินใจ", "yes_next": 9, "no_next": 1}], [(S, "J3", ERR, "branch-unknown-step")], [2]),
        # a decision without no_next: a warning, the row is used
        ([{"step_no": 2, "step_type": "ตัดสินใจ"}], [(S, "K3", WARN, "decision-no-branch")], [2, 3]),
        # branches on a step that is not a decision: a warning each, ignored
        ([{"step_no": 2, "yes_next": 1, "no_next": 1}], [(S, "J3", WARN, "branch-not-decision"), (S, "K3", WARN, "branch-not-decision")], [2, 3]),
        # a step number of another mission does not count
        ([{"step_no": 2, "step_type": "ตัดสินใจ", "no_next": 5}, {"mission_id": "M02", "step_no": 5}], [(S, "K3", ERR, "branch-unknown-step")], [2, 4]),
    ],
)
def test_decision_branches(make_xlsx: MakeXlsx, steps: list[dict[str, Any]], issues: list, rows: list[int]) -> None:
    extra = {"sop_steps": [row("sop_steps", **s) for s in steps], "missions": [second("missions")]}
    result = validate(make_xlsx(workbook_tabs(extra)))
    assert flat(result) == issues
    assert sheet_rows(result, "sop_steps") == rows


def test_branches_on_a_non_decision_are_ignored(make_xlsx: MakeXlsx) -> None:
    result = validate(make_xlsx(workbook_tabs({"sop_steps": [row("sop_steps", step_no=2, yes_next=1)]})))
    assert value_at(result, "sop_steps", 3, "yes_next") is None


@pytest.mark.parametrize(
    ("email", "issues"),
    [
        ("somchai@example.go.th", []),
        ("  somchai@example.go.th ", []),
        ("somchai.example.go.th", [(TITLE["staff"], "E2", WARN, "email-invalid")]),
        ("somchai@", [(TITLE["staff"], "E2", WARN, "email-invalid")]),
        ("a@b.c, d@e.f", [(TITLE["staff"], "E2", WARN, "email-invalid")]),
    ],
)
def test_staff_email(make_xlsx: MakeXlsx, email: str, issues: list) -> None:
    tabs = workbook_tabs()
    tabs[TITLE["staff"]][1] = row("staff", email=email)
    result = validate(make_xlsx(tabs))
    assert flat(result) == issues
    assert sheet_rows(result, "staff") == [2]


def test_headers_in_any_order_with_english_keys_and_extra_columns(make_xlsx: MakeXlsx) -> None:
    kpi_header = ["หมายเหตุ", "KPI_ID", "Name", "เกณฑ์1", "เกณฑ์2", "เกณฑ์ 3", "เกณฑ์4", "T5", "Kind", "น้ำหนัก(%)",
                  "มิติ", "LEVEL", "ผู้รับผิดชอบ", "mission_id", "ผลรอบ6เดือน"]
    kpis = [
        kpi_header,
        ["ตัวชี้วัดหลัก", "K01", "ร้อยละการเบิกจ่าย", 80, 85, 90, 95, 100, "higher", 100, "ประสิทธิผล", "ฝ่าย", OWNER, "M01", 92.5],
        [None, "K02", "ร้อยละความพึงพอใจ", 60, 65, 65, 75, 80, "มากดี", 100, "คุณภาพการให้บริการ", "บุคคล", BACKUP, None, None],
    ]
    tabs = workbook_tabs()
    tabs[K] = kpis
    result = validate(make_xlsx(tabs))
    # unit and the 9- and 12-month result columns are absent: not an issue without an as-of
    assert flat(result) == [(K, "F3", ERR, "thresholds-order")]
    # at the 9-month round's end its absent result column is a warning, at the next free header cell
    late = validate(make_xlsx(tabs), as_of=D(2026, 6, 30))
    assert flat(late) == [(K, "P1", "warning", "column-optional-missing"), (K, "F3", ERR, "thresholds-order")]
    table = result.tables["kpis"]
    assert table.drop(columns=["row"]).to_dict("records") == [{
        "kpi_id": "K01", "name": "ร้อยละการเบิกจ่าย", "perspective": "effectiveness", "level": "section",
        "owner": OWNER, "mission_id": "M01", "unit": None, "kind": "higher", "weight": 100.0,
        "t1": 80.0, "t2": 85.0, "t3": 90.0, "t4": 95.0, "t5": 100.0,
        "result_6": 92.5, "result_9": None, "result_12": None,
    }]


def test_personal_data_is_masked_in_issues(make_xlsx: MakeXlsx) -> None:
    name, national_id, phone = "นางสาวมาลี ทองคำ", "1-2345-67890-12-3", "089-765-4321"
    path = make_xlsx(workbook_tabs({"complaints": [second("complaints", complainant=name, national_id=national_id, phone=phone)]}))
    result = validate(path)
    assert [(i.cell, i.code, i.value) for i in result.issues] == [("H3", "national-id-invalid", "X-XXXX-XXXX0-12-3")]
    dumped = json.dumps([i.to_json() for i in result.issues], ensure_ascii=False)
    assert [secret for secret in (name, "1234567890123", national_id, "7654321", phone) if secret in dumped] == []


def test_issue_values_and_messages(make_xlsx: MakeXlsx) -> None:
    tabs = workbook_tabs({"plan": [second("plan", planned_start="31/02/2569", progress=pct(1.2))]})
    result = validate(make_xlsx(tabs))
    assert [(i.location, i.column, i.value) for i in result.issues] == [
        ("แผนปฏิบัติการ!E3", "planned_start", "31/02/2569"),
        ("แผนปฏิบัติการ!I3", "progress", "120%"),
    ]
    assert [i.message.split(" — ")[0] for i in result.issues] == [
        '"วันเริ่มตามแผน" เป็นวันที่ที่ไม่มีอยู่จริง',
        '"ความก้าวหน้า (%)" ต้องอยู่ระหว่าง 0 ถึง 100',
    ]


def test_issues_are_in_tab_row_column_order(make_xlsx: MakeXlsx) -> None:
    tabs = workbook_tabs(
        {
            "staff": [second("staff", can_do="M77")],
            "plan": [second("plan", budget=-1, mission_id="M99"), second("plan", activity_id="A03", progress=200)],
            "missions": [second("missions", backup=OWNER)],
        },
        drop=["sop_info"],
    )
    result = validate(make_xlsx(tabs))
    assert flat(result) == [
        (M, "F3", WARN, "backup-is-owner"),
        (P, "B3", ERR, "ref-unknown"),
        (P, "G3", ERR, "number-range"),
        (P, "I4", ERR, "percent-range"),
        (SI, "A1", WARN, "tab-optional-missing"),
        (ST, "C3", WARN, "list-item-unknown"),
    ]


def test_formula_errors_and_booleans_are_cell_errors(make_xlsx: MakeXlsx) -> None:
    tabs = workbook_tabs(extra={"missions": [second("missions", owner="#DIV/0!"), second("missions", mission_id="M03", owner=True)]})
    result = validate(make_xlsx(tabs))
    assert [i for i in flat(result) if i[0] == M] == [(M, "E3", ERR, "cell-error"), (M, "E4", ERR, "cell-boolean")]
    assert sheet_rows(result, "missions") == [2]  # both rows are left out
    assert result.issues[0].value == "#DIV/0!"


def test_free_text_keeps_its_line_breaks_but_ids_collapse(make_xlsx: MakeXlsx) -> None:
    tabs = workbook_tabs()
    tabs[P][1][TABS["plan"].columns.index(TABS["plan"].column("problems"))] = "  งบล่าช้า\nรออนุมัติ  "
    result = validate(make_xlsx(tabs))
    assert value_at(result, "plan", 2, "problems") == "งบล่าช้า\nรออนุมัติ"


def test_issues_name_the_thai_tab_and_point_at_the_sheet_as_titled(make_xlsx: MakeXlsx) -> None:
    tabs = workbook_tabs(extra={"missions": [second("missions", category="อื่น")]})
    tabs["missions"] = tabs.pop(M)  # the office named the tab by its English key
    path = make_xlsx(tabs)
    result = validate_workbook(XlsxBackend(path).read_tabs(["missions", *TITLE.values()]), fiscal_year=FY)
    issue = next(i for i in result.issues if i.code == "enum-unknown")
    assert (issue.tab, issue.cell, issue.location) == (M, "C3", "missions!C3")
    assert issue.to_json()["tab"] == M and "sheet" not in issue.to_json()


def test_two_tabs_matching_one_input_tab_are_an_error_naming_both(make_xlsx: MakeXlsx) -> None:
    tabs = workbook_tabs()
    tabs["missions"] = [header("missions"), second("missions")]  # ภารกิจ stays: both match `missions`
    tabs[" Strategies "] = [header("strategies"), second("strategies")]  # and ยุทธศาสตร์ (an optional tab)
    path = make_xlsx(tabs)
    backend = XlsxBackend(path)
    read = backend.read_tabs(input_titles(backend.tab_titles(), TABS.values()))
    result = validate_workbook(read, fiscal_year=FY)
    assert flat(result) == [
        (M, "A1", "error", "tab-ambiguous"),
        ("ยุทธศาสตร์", "A1", "error", "tab-ambiguous"),
    ]
    assert [i.message.split(" — ")[0] for i in result.issues] == [
        "พบแท็บ ภารกิจ และ missions ที่ตรงกับแท็บ ภารกิจ ทั้งคู่",
        "พบแท็บ ยุทธศาสตร์ และ  Strategies  ที่ตรงกับแท็บ ยุทธศาสตร์ ทั้งคู่",
    ]
    # neither is guessed: the tab is left out, as when it is missing, and nothing refers into it
    assert not result.has("missions") and not result.has("strategies")
    assert "missions" not in result.ids and sheet_rows(result, "plan") == [2]
    assert not result.report.valid and result.report.counts == {"errors": 2, "warnings": 0}


def test_a_kpi_result_missing_in_an_ended_round_is_a_validation_warning(make_xlsx: MakeXlsx) -> None:
    kpis = [second("kpis", weight=100, result_6=None), second("kpis", kpi_id="K03", owner="นายอื่น", weight=100, result_6="-")]
    path = make_xlsx(workbook_tabs(extra={"kpis": kpis}))
    tabs = XlsxBackend(path).read_tabs(list(TITLE.values()))
    ended = validate_workbook(tabs, period=resolve_period(D(2026, 3, 31)))
    assert [(i.cell, i.code, i.column, i.value) for i in ended.issues] == [("O3", "kpi-not-reported", "result_6", "")]
    assert ended.issues[0].message == 'รอบ 6 เดือนสิ้นสุดแล้วแต่ยังไม่รายงานผล — คะแนนเป็น 0 จนกว่าจะกรอก "ผลรอบ 6 เดือน" (ใส่ "-" ถ้าไม่ประเมิน)'
    assert ended.report.valid and ended.report.counts == {"errors": 0, "warnings": 1}
    assert sheet_rows(ended, "kpis") == [2, 3, 4]  # a warning: the row is used (and scores 0)
    # the day before round 6 ends, and without an as-of, nothing is missing yet
    assert validate_workbook(tabs, period=resolve_period(D(2026, 3, 30))).issues == []
    assert validate_workbook(tabs, fiscal_year=FY).issues == []
