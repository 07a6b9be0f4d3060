"""What a real office runs into (issue 17), each from the user's side: the CLI on a real .xlsx.

Merged header cells, text copied from a PDF, last year's workbook in November, long Thai file
names, mission ids that differ only by a character a file name cannot hold.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sheets_sync.cli import cli
from tests.conftest import office_config

AS_OF = "2026-03-31"
MARK = re.compile(r"^\[ปกปิด [0-9a-f]{16}\]$")


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def edit(path: Path, change) -> Path:
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(path)
    return path


def issues_of(result) -> list[dict]:
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)["issues"]


def located(issues: list[dict], tab: str) -> list[tuple[str, str, str]]:
    return [(i["cell"], i["severity"], i["code"]) for i in issues if i["tab"] == tab]


# --- 1. merged header cells -------------------------------------------------------------------
def test_merged_complaint_header_is_a_warning_and_history_never_keeps_ids_in_clear(demo_copy: Path, tmp_path: Path) -> None:
    edit(demo_copy, lambda book: book["เรื่องร้องเรียน"].merge_cells("G1:H1"))
    config = office_config(tmp_path)
    found = issues_of(run("validate", "--workbook", str(demo_copy), "--as-of", AS_OF, "--config", str(config), "--json"))
    merged = [i for i in found if i["code"] == "header-merged"]
    assert [(i["tab"], i["cell"], i["severity"]) for i in merged] == [("เรื่องร้องเรียน", "G1", "warning")]
    assert "G1:H1" in merged[0]["message"]

    synced = run("sync", "--workbook", str(demo_copy), "--as-of", AS_OF, "--config", str(config), "--out", str(tmp_path / "out"))
    assert synced.exit_code == 0, synced.output
    restored = tmp_path / "restored.xlsx"
    done = run("history", "restore", "1", "--config", str(config), "--out", str(restored))
    assert done.exit_code == 0, done.output
    sheet = openpyxl.load_workbook(restored)["เรื่องร้องเรียน"]
    column_h = [row[7].value for row in sheet.iter_rows(min_row=2) if len(row) > 7 and row[7].value not in (None, "")]
    assert len(column_h) > 100
    assert [v for v in column_h if not MARK.match(str(v))] == []  # national ids: hashed, never in clear
    column_g = [row[6].value for row in sheet.iter_rows(min_row=2) if len(row) > 6 and row[6].value not in (None, "")]
    assert column_g and all(MARK.match(str(v)) for v in column_g)
    subjects = [row[5].value for row in sheet.iter_rows(min_row=2) if row[5].value]
    assert subjects and not any(MARK.match(str(v)) for v in subjects)  # a recognised column stays readable


def test_merged_date_header_points_the_missing_columns_at_the_merged_cells(demo_copy: Path, tmp_path: Path) -> None:
    def merge(book):
        sheet = book["แผนปฏิบัติการ"]
        sheet["E1"] = "ช่วงเวลาตามแผน"
        sheet.merge_cells("E1:F1")

    edit(demo_copy, merge)
    found = issues_of(run("validate", "--workbook", str(demo_copy), "--as-of", AS_OF, "--config", str(office_config(tmp_path)), "--json"))
    plan = [i for i in found if i["tab"] == "แผนปฏิบัติการ"]
    assert sorted((i["cell"], i["severity"], i["code"], i["column"]) for i in plan) == [
        ("E1", "error", "column-missing", "planned_start"),
        ("E1", "warning", "header-merged", ""),
        ("F1", "error", "column-missing", "planned_end"),
    ]
    missing = next(i for i in plan if i["column"] == "planned_start")
    assert "E1:F1" in missing["message"] and "ยกเลิกการผสานเซลล์" in missing["message"]


def test_empty_header_over_data_is_a_warning_and_its_column_is_hashed_in_history(demo_copy: Path, tmp_path: Path) -> None:
    def blank(book):
        book["เรื่องร้องเรียน"]["I1"] = None  # the phone header deleted, the numbers stay

    edit(demo_copy, blank)
    config = office_config(tmp_path)
    found = issues_of(run("validate", "--workbook", str(demo_copy), "--as-of", AS_OF, "--config", str(config), "--json"))
    assert ("I1", "warning", "header-missing") in located(found, "เรื่องร้องเรียน")
    assert run("sync", "--workbook", str(demo_copy), "--as-of", AS_OF, "--config", str(config), "--out", str(tmp_path / "out")).exit_code == 0
    restored = tmp_path / "restored.xlsx"
    assert run("history", "restore", "1", "--config", str(config), "--out", str(restored)).exit_code == 0
    sheet = openpyxl.load_workbook(restored)["เรื่องร้องเรียน"]
    phones = [row[8].value for row in sheet.iter_rows(min_row=2) if len(row) > 8 and row[8].value not in (None, "")]
    assert phones and all(MARK.match(str(v)) for v in phones)


def test_a_national_id_or_phone_anywhere_is_hashed_in_history(demo_copy: Path, tmp_path: Path) -> None:
    def plant(book):
        sheet = book["แผนปฏิบัติการ"]
        sheet["K2"] = "ติดต่อ 081-234-5678"
        sheet["L2"] = "1-1017-00230-70-8"  # a valid national id typed into the risks column

    edit(demo_copy, plant)
    config = office_config(tmp_path)
    assert run("sync", "--workbook", str(demo_copy), "--as-of", AS_OF, "--config", str(config), "--out", str(tmp_path / "out")).exit_code == 0
    restored = tmp_path / "restored.xlsx"
    assert run("history", "restore", "1", "--config", str(config), "--out", str(restored)).exit_code == 0
    sheet = openpyxl.load_workbook(restored)["แผนปฏิบัติการ"]
    assert MARK.match(sheet["K2"].value) and MARK.match(sheet["L2"].value)
    assert sheet["C2"].value and not MARK.match(str(sheet["C2"].value))


# --- 2. text copied from a PDF (NFKC) ---------------------------------------------------------
def test_text_copied_from_a_pdf_matches_and_a_real_difference_is_shown(demo_copy: Path, tmp_path: Path) -> None:
    def copied(book):
        sheet = book["ภารกิจ"]
        sheet["C2"] = "สนับสนุนงานประจ\u0e4d\u0e32"  # ํ + า, as a PDF gives it, for ำ
        sheet["C3"] = "สนับสนุนงานประจ\u0e4d"  # the า really missing
        sheet["A4"] = "งานประจำ-01"
        book["แผนปฏิบัติการ"]["B2"] = "งานประจ\u0e4d\u0e32-01"  # the same id, copied from a PDF

    edit(demo_copy, copied)
    found = issues_of(run("validate", "--workbook", str(demo_copy), "--as-of", AS_OF, "--config", str(office_config(tmp_path)), "--json"))
    missions = [(i["cell"], i["code"]) for i in found if i["tab"] == "ภารกิจ"]
    assert ("C2", "enum-unknown") not in missions
    assert ("C3", "enum-unknown") in missions
    plan = [(i["cell"], i["code"]) for i in found if i["tab"] == "แผนปฏิบัติการ"]
    assert ("B2", "ref-unknown") not in plan
    message = next(i["message"] for i in found if i["tab"] == "ภารกิจ" and i["cell"] == "C3")
    assert "สนับสนุนงานประจำ" in message and "U+0E4D" in message


# --- 3. last year's workbook in November ------------------------------------------------------
def test_every_command_says_which_as_of_and_fiscal_year_it_used(demo_copy: Path, tmp_path: Path) -> None:
    config = str(office_config(tmp_path))
    done = run("validate", "--workbook", str(demo_copy), "--as-of", AS_OF, "--config", config)
    assert "ข้อมูล ณ วันที่ 31 มีนาคม 2569 · ปีงบประมาณ 2569 · รอบ 6 เดือน" in done.stderr
    assert "--fiscal-year" not in done.stderr  # the plan lies in the year used: nothing more to say
    quiet = run("validate", "--workbook", str(demo_copy), "--as-of", AS_OF, "--config", config, "--json")
    assert "ปีงบประมาณ" not in quiet.stderr


def test_last_years_workbook_in_december_is_named_and_report_refuses(demo_copy: Path, tmp_path: Path) -> None:
    config = str(office_config(tmp_path, '[office]\nname = "สำนักงานจังหวัดทดสอบ"\nsigner_name = "นายทดสอบ ใจดี"\n'
                                          'document_no = "ทส 0017/"\n'))
    december = "2026-12-07"  # FY 2570; the demo's plan is FY 2569
    for command in ("validate", "sync", "sop", "calendar"):
        done = run(command, "--workbook", str(demo_copy), "--as-of", december, "--config", config, "--out", str(tmp_path / "out"))
        assert done.exit_code in (0, 1), (command, done.output)
        assert "ข้อมูล ณ วันที่ 7 ธันวาคม 2569 · ปีงบประมาณ 2570" in done.stderr, command
        lines = [line for line in done.stderr.splitlines() if "--fiscal-year 2569" in line]
        assert len(lines) == 1 and "ปีงบประมาณ 2570" in lines[0], (command, done.stderr)
    refused = run("report", "--workbook", str(demo_copy), "--as-of", december, "--config", config, "--out", str(tmp_path / "out"))
    assert refused.exit_code == 2, refused.output
    assert "--fiscal-year 2569" in refused.stderr
    assert not list((tmp_path / "out").glob("followup-*.docx"))
    accepted = run("report", "--workbook", str(demo_copy), "--as-of", december, "--fiscal-year", "2569", "--config", config,
                   "--out", str(tmp_path / "out"))
    assert accepted.exit_code == 0, accepted.output
    assert "--fiscal-year" not in accepted.stderr
