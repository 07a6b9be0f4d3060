"""`sheets-sync validate` and `init` through the real click command line."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import Result

from sheets_sync.schema.tabs import input_tabs
from tests.conftest import AS_OF, invoke_cli

TITLES = [tab.th for tab in input_tabs()]
ISSUE_KEYS = {"tab", "cell", "column", "severity", "code", "message", "value"}


@pytest.fixture(autouse=True)
def in_tmp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run every command in an empty folder: no config/office.toml from the repository."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SHEETS_SYNC_CONFIG", raising=False)
    monkeypatch.delenv("SHEETS_SYNC_DEBUG", raising=False)
    return tmp_path


def run(*args: object) -> Result:
    return invoke_cli(*args)


@pytest.fixture(scope="module")
def demo_path(demo_xlsx: Path) -> Path:
    return demo_xlsx  # validate only reads it


# The demo's deliberate errors (sheets_sync/present/demo.py), where staff find them.
DEMO_ERRORS = [
    ("แผนปฏิบัติการ!A30", "id-duplicate"),  # A07 typed twice
    ("แผนปฏิบัติการ!B31", "ref-unknown"),  # mission M99
    ("แผนปฏิบัติการ!I32", "percent-range"),  # progress 120
    ("ตัวชี้วัด!L8", "thresholds-order"),  # K07: 5 4 4 2 1
    ("เรื่องร้องเรียน!B42", "date-impossible"),  # 31/02/2569
    ("เรื่องร้องเรียน!L319", "date-order"),  # closed before received
    ("ขั้นตอนงาน!B30", "duplicate-in-group"),  # step 3 of M04 twice
]


def test_validate_the_demo_lists_its_errors_and_exits_1(demo_path: Path) -> None:
    result = run("validate", "--workbook", str(demo_path), "--as-of", AS_OF)
    assert result.exit_code == 1, result.output
    error_lines = [line.split() for line in result.stdout.splitlines() if line.startswith("✗ ")]
    assert [(parts[1], parts[3]) for parts in error_lines] == DEMO_ERRORS  # ✗ แท็บ!เซลล์ ข้อผิดพลาด code
    assert result.stdout.splitlines()[-1].startswith("สรุป: ข้อผิดพลาด 7 รายการ")
    assert "Traceback" not in result.output


def test_validate_json(demo_path: Path) -> None:
    result = run("validate", "--workbook", str(demo_path), "--as-of", AS_OF, "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert (set(data), data["as_of"], data["fiscal_year"]) == ({"as_of", "fiscal_year", "issues"}, AS_OF.isoformat(), 2569)
    assert [set(issue) for issue in data["issues"]] == [ISSUE_KEYS] * len(data["issues"])
    errors = [(f"{i['tab']}!{i['cell']}", i["code"]) for i in data["issues"] if i["severity"] == "error"]
    assert errors == DEMO_ERRORS
    assert {i["severity"] for i in data["issues"]} == {"error", "warning"}
    national_id = next(i for i in data["issues"] if i["code"] == "national-id-invalid")
    assert (national_id["tab"], national_id["cell"], national_id["column"], national_id["value"]) == (
        "เรื่องร้องเรียน", "H12", "national_id", "X-XXXX-XXXX0-12-3",
    )


def test_validate_json_fiscal_year_option(demo_path: Path) -> None:
    result = run("validate", "--workbook", str(demo_path), "--as-of", AS_OF, "--fiscal-year", "2568", "--json")
    document = json.loads(result.stdout)
    assert (document["fiscal_year"], document["as_of"]) == (2568, "2025-09-30")  # a past year, as it stood at its end
    future = run("validate", "--workbook", str(demo_path), "--as-of", AS_OF, "--fiscal-year", "2570", "--json")
    assert future.exit_code == 2 and "2570" in future.stderr


def _clean_workbook(path: Path, extra_mission: list | None = None) -> Path:
    assert run("init", "--workbook", str(path)).exit_code == 0
    book = openpyxl.load_workbook(path)
    book["ภารกิจ"].append(["M01", "งานสารบรรณ", "สนับสนุนงานประจำ", None, "นายก้อง ดีงาม", "นางขวัญ ใจดี", "ไม่มี"])
    if extra_mission:
        book["ภารกิจ"].append(extra_mission)
    book.save(path)
    return path


def test_a_clean_workbook_exits_0(tmp_path: Path) -> None:
    path = _clean_workbook(tmp_path / "office.xlsx")
    result = run("validate", "--workbook", str(path), "--as-of", AS_OF)
    assert (result.exit_code, result.stdout) == (0, f"ตรวจสอบ {path}\nไม่พบปัญหาในข้อมูล ✓\n")


def test_warnings_alone_exit_0(tmp_path: Path) -> None:
    path = _clean_workbook(tmp_path / "office.xlsx", ["M02", "งานรัฐพิธี", "สนับสนุนงานประจำ", None, "นายก้อง ดีงาม", "นายก้อง ดีงาม", "ไม่มี"])
    result = run("validate", "--workbook", str(path), "--as-of", AS_OF, "--json")
    assert result.exit_code == 0
    assert [(i["tab"], i["cell"], i["severity"], i["code"]) for i in json.loads(result.stdout)["issues"]] == [
        ("ภารกิจ", "F3", "warning", "backup-is-owner"),
    ]


@pytest.mark.parametrize(
    ("setup", "args", "exit_code", "message"),
    [
        (None, ["validate", "--workbook", "nope.xlsx"], 3, "sheets-sync: ไม่พบไฟล์ nope.xlsx"),
        ("not a workbook", ["validate", "--workbook", "book.xlsx"], 3, "sheets-sync: เปิด book.xlsx ไม่ได้"),
        (None, ["validate", "--workbook", "book.csv"], 2, "sheets-sync: --workbook ต้องเป็นไฟล์ .xlsx"),
        (None, ["validate", "--workbook", "book.xlsx", "--config", "missing.toml"], 2, "sheets-sync: ไม่พบไฟล์ค่าตั้ง"),
    ],
)
def test_failures_are_one_line_without_traceback(tmp_path: Path, setup: str | None, args: list[str], exit_code: int, message: str) -> None:
    if setup is not None:
        (tmp_path / "book.xlsx").write_text(setup)
    result = run(*args)
    assert result.exit_code == exit_code
    assert (result.stdout, len(result.stderr.splitlines())) == ("", 1)
    assert result.stderr.startswith(message), result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("as_of", "says"),
    [
        ("2026-02-30", "ไม่มีอยู่จริง"),
        ("tomorrow", "อ่าน 'tomorrow' เป็นวันที่ไม่ได้"),
        ("31/03/69", "ต้องมีปี 4 หลัก"),
        ("03/31/2569", "เดือนก่อนวัน"),
    ],
)
def test_bad_as_of_exits_2(demo_path: Path, as_of: str, says: str) -> None:
    # rules.md: --as-of takes the cell forms (31/03/2569 is now valid); a bad date is a Thai usage error.
    result = run("validate", "--workbook", str(demo_path), "--as-of", as_of)
    assert result.exit_code == 2
    assert result.stdout == "" and len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("sheets-sync validate: ค่าของ '--as-of' ไม่ถูกต้อง: ") and says in result.stderr
    assert "Traceback" not in result.output


def test_init_creates_a_new_workbook_and_the_config(tmp_path: Path) -> None:
    result = run("init", "--workbook", "new.xlsx")
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(tmp_path / "new.xlsx").sheetnames == TITLES
    assert (tmp_path / "config" / "office.toml").exists()
    assert result.stdout.splitlines() == [
        f"สร้างแท็บใน new.xlsx: {', '.join(TITLES)}",
        "สร้างไฟล์ค่าตั้ง config/office.toml — แก้ชื่อสำนักงาน ผู้ลงนาม และเลขที่หนังสือก่อนออกรายงาน",
    ]

    again = run("init", "--workbook", "new.xlsx")
    assert (again.exit_code, again.stdout.splitlines()) == (0, [f"แท็บที่มีอยู่แล้ว (ไม่ได้แตะ): {', '.join(TITLES)}"])


def test_validate_lists_exactly_the_issues_sync_writes(demo_path: Path, tmp_path: Path) -> None:
    """workbook.md: `validate` lists what `sync` writes to ตรวจสอบข้อมูล for the same as-of,
    the KPI not reported in an ended round included."""
    book = tmp_path / "office.xlsx"
    book.write_bytes(demo_path.read_bytes())
    validated = json.loads(run("validate", "--workbook", str(book), "--as-of", AS_OF, "--json").stdout)
    synced = run("sync", "--workbook", str(book), "--as-of", AS_OF, "--json", "--out", str(tmp_path / "out"))
    assert synced.exit_code == 0, synced.output
    results = json.loads(synced.stdout)
    assert validated["issues"] == results["issues"]
    assert ("ตัวชี้วัด!O9", "kpi-not-reported") in [(f"{i['tab']}!{i['cell']}", i["code"]) for i in validated["issues"]]
    tab = openpyxl.load_workbook(book)["ตรวจสอบข้อมูล"]
    rows = [[c.value for c in row] for row in tab.iter_rows(min_row=5)]  # title, as-of, blank, header
    written = [(r[0], r[1], r[4]) for r in rows if r[0] is not None]
    # the same issues; the tab lists errors first, then warnings, each in the report's order (issue 12)
    errors_first = sorted(validated["issues"], key=lambda i: i["severity"] != "error")
    assert written == [(i["tab"], f"{i['tab']}!{i['cell']}", i["code"]) for i in errors_first]
    text = run("validate", "--workbook", str(book), "--as-of", AS_OF).stdout
    counts = results["counts"]
    assert text.splitlines()[-1] == f"สรุป: ข้อผิดพลาด {counts['errors']} รายการ (แถวเหล่านี้ไม่ถูกนำไปคำนวณ), คำเตือน {counts['warnings']} รายการ"
    severities = [i["severity"] for i in validated["issues"]]
    assert (counts["errors"], counts["warnings"]) == (severities.count("error"), severities.count("warning"))
    assert counts["errors"] == len(DEMO_ERRORS)
