"""The command line as a person meets it: help for every command, the demo, `python cli.py`."""

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sheets_sync.cli.main import cli
from sheets_sync.schema.tabs import SUMMARY_TAB_TITLES

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = ["init", "demo", "validate", "sync", "report", "sop", "history"]


def test_every_command_of_the_spec_exists():
    assert set(COMMANDS) <= set(cli.commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "ตัวอย่าง:" in result.output and f"sheets-sync {command}" in result.output  # help is Thai (outputs.md)


def test_checkout_entry_point_runs_the_same_group():
    done = subprocess.run([sys.executable, "cli.py", "--help"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "validate" in done.stdout and "sync" in done.stdout


def test_bad_usage_is_exit_2_with_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["sync", "--workbook", str(tmp_path / "x.xlsx"), "--sheet-id", "1" * 20])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert CliRunner().invoke(cli, ["validate"]).exit_code == 2  # no workbook named anywhere


def test_demo_builds_the_workbook_and_every_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["demo", "--as-of", "2026-03-31", "--out", "out"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    book = openpyxl.load_workbook(out / "demo-workbook.xlsx")
    assert set(SUMMARY_TAB_TITLES) <= set(book.sheetnames)
    assert (out / "results-FY2569-R6.json").exists() and (out / "history.sqlite").exists()
    assert (out / "followup-FY2569-R6.docx").exists() and (out / "sop" / "index.docx").exists()
    assert "แผนปฏิบัติการ!B31" in result.output  # the deliberate mistakes are shown with their cell
    assert "out/demo-workbook.xlsx" in result.output and "out/followup-FY2569-R6.docx" in result.output
    assert len(list((out / "reminders").glob("*.eml"))) == 7 and (out / "plan-FY2569.ics").exists()
    assert "out/reminders" in result.output and "out/plan-FY2569.ics" in result.output
    assert "ติดต่อไม่ได้: นางสุนีย์ พรหมมา" in result.output


def test_debug_shows_the_traceback_but_keeps_the_exit_code(tmp_path):
    config = tmp_path / "office.toml"  # an office that has set its own name, signer and number
    config.write_text('[office]\nname = "สำนักงานจังหวัดทดสอบ"\nsigner_name = "นายทดสอบ ระบบดี"\ndocument_no = "ทส 1/"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["report", "--workbook", str(tmp_path / "missing.xlsx"), "--config", str(config), "--debug"])
    assert result.exit_code == 3
    assert "Traceback" in result.output and "ไม่พบไฟล์" in result.output
