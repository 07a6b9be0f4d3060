"""The demo workbook: rows keyed by column key (laid out by the schema), rounds from settings."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from sheets_sync.backends.xlsx.backend import XlsxBackend
from sheets_sync.core.fiscal import resolve_period
from sheets_sync.present.demo import build_demo_records, build_demo_rows, lay_out_rows, write_demo_workbook
from sheets_sync.schema.tabs import ColType, Column, input_tabs
from sheets_sync.schema.validate import validate_workbook
from tests.conftest import AS_OF


def test_a_column_inserted_in_the_schema_keeps_every_value_under_its_header() -> None:
    steps = next(tab for tab in input_tabs() if tab.key == "sop_steps")
    columns = list(steps.columns)
    columns.insert(2, Column("คอลัมน์ใหม่", "new_column", ColType.TEXT))
    wider = dataclasses.replace(steps, columns=tuple(columns))
    records = build_demo_records(AS_OF)["sop_steps"]
    before, after = lay_out_rows(steps, records), lay_out_rows(wider, records)
    assert after[0][:4] == ["รหัสภารกิจ", "ลำดับ", "คอลัมน์ใหม่", "ขั้นตอน"]
    assert [row[2] for row in after[1:]] == [""] * len(records)  # the new column is empty
    for old, new in zip(before, after):
        assert dict(zip(before[0], old)) == {h: v for h, v in zip(after[0], new) if h != "คอลัมน์ใหม่"}
    assert dict(zip(after[0], after[1])) == {
        "รหัสภารกิจ": "M01", "ลำดับ": 1, "คอลัมน์ใหม่": "", "ขั้นตอน": "รับหนังสือจากหน่วยงานภายนอก",
        "ชนิดขั้นตอน": "เริ่มต้น/สิ้นสุด", "ผู้รับผิดชอบ": "นางวราภรณ์ แก้วมณี", "ระยะเวลามาตรฐาน": 5,
        "หน่วยเวลา": "นาที", "มาตรฐานคุณภาพ/จุดควบคุม": "ตรวจความครบถ้วนของเอกสาร", "เอกสาร/แบบฟอร์ม": "",
        **{col.th: "" for col in steps.columns if col.key not in ("mission_id", "step_no", "step", "step_type",
                                                                   "responsible", "duration", "time_unit", "control", "forms")},
    }


def test_a_key_the_schema_does_not_have_is_refused() -> None:
    staff = next(tab for tab in input_tabs() if tab.key == "staff")
    with pytest.raises(KeyError, match="nmae"):
        lay_out_rows(staff, [{"name": "นายหนึ่ง", "nmae": "typo"}])


def test_the_demo_has_one_result_column_per_configured_round(tmp_path: Path) -> None:
    rows = build_demo_rows(AS_OF, rounds=(6, 12))
    header = rows["kpis"][0]
    assert [h for h in header if h.startswith("ผลรอบ")] == ["ผลรอบ 6 เดือน", "ผลรอบ 12 เดือน"]
    path = write_demo_workbook(tmp_path / "demo.xlsx", AS_OF, rounds=(6, 12))
    backend = XlsxBackend(path)
    result = validate_workbook(backend.read_tabs(backend.tab_titles()), period=resolve_period(AS_OF, (6, 12)))
    assert not [i for i in result.issues if i.code.startswith("column-")]  # every column is there
    assert [(i.cell, i.code) for i in result.issues if i.tab == "ตัวชี้วัด"] == [
        ("I2", "weights-sum"), ("L8", "thresholds-order"), ("O9", "kpi-not-reported"),
    ]
