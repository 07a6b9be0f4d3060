"""Issue 12 through the command line: dates as Thai staff write them, Thai help and usage errors,
config errors that name the key and line, `init` text columns, issues that show what was typed and
link to their cell, `report` refusing the example office, the workbook guide and the demo's hints."""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import openpyxl
import pytest
from click.testing import Result

from sheets_sync.cli.main import cli
from sheets_sync.present import guide
from tests.conftest import AS_OF, invoke_cli, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
PLAN_IN_FY2569 = ("sheets-sync: แผนปฏิบัติการไม่มีกิจกรรมในปีงบประมาณ 2570 ที่ใช้คำนวณ แต่มีกิจกรรมในปีงบประมาณ 2569 "
                  "— ถ้าเป็นข้อมูลของปีนั้น สั่งใหม่พร้อม --fiscal-year 2569")  # the demo at a FY 2570 as-of


@pytest.fixture(autouse=True)
def in_tmp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SHEETS_SYNC_CONFIG", raising=False)
    monkeypatch.delenv("SHEETS_SYNC_DEBUG", raising=False)
    return tmp_path


@pytest.fixture
def demo_path(demo_xlsx: Path) -> Path:
    """The session's demo workbook (only read here; a test that writes copies it first)."""
    return demo_xlsx


def run(*args: object) -> Result:
    return invoke_cli(*args)


# --- 1. dates on the command line --------------------------------------------------------------


@pytest.mark.parametrize("typed", ["2569-12-01", "1/12/2569", "01/12/2569", "1 ธ.ค. 2569", "1 ธันวาคม 2569", "๑/๑๒/๒๕๖๙", "2026-12-01"])
def test_as_of_takes_every_cell_form_of_a_date(demo_path: Path, typed: str) -> None:
    result = run("validate", "--workbook", demo_path, "--as-of", typed, "--json")
    assert result.exit_code == 1, result.output  # the demo's deliberate errors
    document = json.loads(result.stdout)
    assert (document["as_of"], document["fiscal_year"]) == ("2026-12-01", 2570)
    # --json: nothing but the document on stdout; on stderr only that the demo's plan is FY 2569
    assert result.stderr.splitlines() == [PLAN_IN_FY2569]


def test_a_be_as_of_is_echoed_in_thai_and_syncs_the_right_fiscal_year(demo_path: Path, tmp_path: Path) -> None:
    book = tmp_path / "book.xlsx"
    book.write_bytes(demo_path.read_bytes())
    result = run("sync", "--workbook", book, "--as-of", "2569-12-01", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "ใช้วันที่ 1 ธันวาคม 2569 (--as-of 2569-12-01)",
        "ข้อมูล ณ วันที่ 1 ธันวาคม 2569 · ปีงบประมาณ 2570 · รอบ 6 เดือน (อยู่ระหว่างดำเนินการ)",
        PLAN_IN_FY2569,  # the demo's plan is FY 2569
    ]
    assert sorted(p.name for p in (tmp_path / "out").glob("results-*.json")) == ["results-FY2570-R6.json"]  # not FY3113
    assert openpyxl.load_workbook(book)["สรุปภาพรวม"]["A2"].value.startswith("ข้อมูล ณ วันที่ 1 ธันวาคม 2569 · ปีงบประมาณ 2570")


def test_quiet_sync_prints_nothing_at_all_on_success(demo_path: Path, tmp_path: Path) -> None:
    book = tmp_path / "book.xlsx"
    book.write_bytes(demo_path.read_bytes())
    result = run("sync", "--workbook", book, "--as-of", "15/03/2569", "--out", tmp_path / "out", "--quiet")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert (tmp_path / "out" / "results-FY2569-R6.json").exists()


@pytest.mark.parametrize(("typed", "says"), [("31/02/2569", "ไม่มีอยู่จริง"), ("1 Dec 2569", "อ่าน '1 Dec 2569' เป็นวันที่ไม่ได้")])
def test_a_bad_date_option_is_a_thai_usage_error(demo_path: Path, tmp_path: Path, typed: str, says: str) -> None:
    result = run("sync", "--workbook", demo_path, "--as-of", typed, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"sheets-sync sync: ค่าของ '--as-of' ไม่ถูกต้อง: {result.stderr.split('ไม่ถูกต้อง: ')[1].strip()}"
    ]
    assert says in result.stderr and "(ดูวิธีใช้: sheets-sync sync --help)" in result.stderr
    # outputs.md "Unattended runs": the failed run is in the run log, and nothing else is written
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["sheets-sync.log"]


# --- 2. validate --errors-only / --quiet ---------------------------------------------------------


def test_errors_only_lists_only_errors_and_still_counts_warnings(demo_path: Path) -> None:
    everything = json.loads(run("validate", "--workbook", demo_path, "--as-of", AS_OF.isoformat(), "--json").stdout)["issues"]
    errors = [i for i in everything if i["severity"] == "error"]
    warnings = len(everything) - len(errors)
    assert errors and warnings  # the demo has both
    result = run("validate", "--workbook", demo_path, "--as-of", AS_OF.isoformat(), "--errors-only")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    listed = [line for line in lines if line.startswith(("✗", "!"))]
    assert [line.split()[1] for line in listed] == [f"{i['tab']}!{i['cell']}" for i in errors]
    assert all(line.startswith("✗") for line in listed)
    assert lines[-1] == f"สรุป: ข้อผิดพลาด {len(errors)} รายการ (แถวเหล่านี้ไม่ถูกนำไปคำนวณ), คำเตือน {warnings} รายการ (ไม่ได้แสดงคำเตือน)"
    as_json = json.loads(run("validate", "--workbook", demo_path, "--as-of", AS_OF.isoformat(), "--errors-only", "--json").stdout)
    assert as_json["issues"] == errors


def test_quiet_validate_prints_only_the_summary_line(demo_path: Path, tmp_path: Path) -> None:
    everything = json.loads(run("validate", "--workbook", demo_path, "--as-of", AS_OF.isoformat(), "--json").stdout)["issues"]
    errors = sum(1 for i in everything if i["severity"] == "error")
    result = run("validate", "--workbook", demo_path, "--as-of", "31/3/2569", "--quiet")
    assert result.exit_code == 1
    assert result.stdout == f"สรุป: ข้อผิดพลาด {errors} รายการ (แถวเหล่านี้ไม่ถูกนำไปคำนวณ), คำเตือน {len(everything) - errors} รายการ\n"
    assert result.stderr == ""  # --quiet: no date echo either


# --- 3. Thai help and usage errors -------------------------------------------------------------

# Words allowed in help besides Thai: product and format names, and click's range marker `x`.
ALLOWED_WORDS = {"Google", "Sheets", "Word", "Excel", "JSON", "SOP", "KPI", "URL", "UUID", "PMQA", "SHA", "x"}


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += _commands(command, (*path, name))
        else:
            found.append((*path, name))
    return found


COMMAND_NAMES = {"sheets", "sync"} | {name for path in _commands(cli) for name in path}  # `sheets-sync` and its commands


def english_words(text: str) -> list[str]:
    """Latin words left after removing what may stay English: examples of commands, option names,
    command names, file names and paths, config keys, environment variables, product names."""
    words = []
    for line in text.splitlines():
        stripped = line.strip()
        if re.match(r"^([A-Z_]+=\S+\s+)*sheets-sync ", stripped):
            continue  # an example of a command (maybe after an environment variable), kept as typed
        for token in re.split(r"[\s,;()\[\]]+", stripped):
            token = token.strip("'\"`:")
            if not token or token.startswith("-"):
                continue  # an option name such as --as-of
            if re.search(r"[./<>_=]", token.rstrip(".")) or re.fullmatch(r"[A-Z0-9_]+_[A-Z0-9_]+", token):
                continue  # a file, a path, a key (office.name), a placeholder, an environment variable
            for word in re.findall(r"[A-Za-z]+", token):
                if word not in ALLOWED_WORDS and word not in COMMAND_NAMES:
                    words.append(word)
    return words


def test_the_english_word_detector_detects_english() -> None:
    assert english_words("  --round เดือน   Show this message and exit.") == ["Show", "this", "message", "and", "exit"]
    assert english_words("Usage: sheets-sync validate [OPTIONS] COMMAND [ARGS]...") == ["Usage", "OPTIONS", "COMMAND", "ARGS"]
    assert english_words("  --as-of TEXT  Compute as of this date.") == ["TEXT", "Compute", "as", "of", "this", "date"]
    assert english_words("  --config ไฟล์  ไฟล์ค่าตั้ง (ค่าเริ่มต้น config/office.toml หรือตัวแปร SHEETS_SYNC_CONFIG)") == []
    assert english_words("      sheets-sync validate --workbook office.xlsx --json > issues.json") == []


@pytest.mark.parametrize("path", _commands(cli), ids=lambda p: " ".join(p) or "sheets-sync")
def test_help_of_every_command_is_thai(path: tuple[str, ...]) -> None:
    result = run(*path, "--help")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"วิธีใช้: {' '.join(('sheets-sync', *path))} [ตัวเลือก]")
    assert "ตัวเลือก:" in result.stdout and "แสดงวิธีใช้นี้แล้วจบ" in result.stdout
    assert english_words(result.stdout) == [], result.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["validate", "--round", "13"], "sheets-sync validate: ค่าของ '--round' ไม่ถูกต้อง: 13 ไม่อยู่ในช่วง 1<=x<=12 (ดูวิธีใช้: sheets-sync validate --help)"),
        (["validate", "--fiscal-year", "สองห้าหกเก้า"], "sheets-sync validate: ค่าของ '--fiscal-year' ไม่ถูกต้อง: 'สองห้าหกเก้า' ไม่ใช่ตัวเลข "
                                                        "(ต้องพิมพ์เป็นตัวเลข) (ดูวิธีใช้: sheets-sync validate --help)"),
        (["validate", "--fiscal-year", "2026"], "sheets-sync validate: ค่าของ '--fiscal-year' ไม่ถูกต้อง: ปีงบประมาณเป็นปี พ.ศ. — 2026 เป็นปี ค.ศ. "
                                                "ใช้ 2569 (ดูวิธีใช้: sheets-sync validate --help)"),
        (["validate", "--strict"], "sheets-sync validate: ไม่มีตัวเลือก '--strict' (ดูวิธีใช้: sheets-sync validate --help)"),
        (["sync", "--stric"], "sheets-sync sync: ไม่มีตัวเลือก '--stric' หมายถึง '--strict' หรือไม่? (ดูวิธีใช้: sheets-sync sync --help)"),
        (["history", "restore"], "sheets-sync history restore: ยังไม่ได้ระบุอาร์กิวเมนต์ 'หมายเลข' (ดูวิธีใช้: sheets-sync history restore --help)"),
        (["history", "restore", "1"], "sheets-sync history restore: ยังไม่ได้ระบุตัวเลือก '--out' (ดูวิธีใช้: sheets-sync history restore --help)"),
        (["valdate"], "sheets-sync: ไม่มีคำสั่ง 'valdate' หมายถึง 'validate' หรือไม่? (ดูวิธีใช้: sheets-sync --help)"),
        (["validate", "--workbook"], "sheets-sync: ตัวเลือก '--workbook' ต้องมีค่าตามหลัง (ดูวิธีใช้: sheets-sync --help)"),
    ],
)
def test_usage_errors_are_one_thai_line_exit_2(args: list[str], expected: str) -> None:
    result = run(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", expected + "\n")


def test_the_group_alone_shows_its_thai_help() -> None:
    result = run()
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == run("--help").stdout  # the help itself, not squeezed into one line


def test_version_is_thai() -> None:
    result = run("--version")
    assert result.exit_code == 0 and re.fullmatch(r"sheets-sync รุ่น \S+\n", result.stdout)


# --- 3. config errors name the key, the type and the line ----------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[office]\nname = "สำนักงานจังหวัดทดสอบ"\n\n[plan]\ntolerance_points = "สิบห้า"\n',
         'ไฟล์ค่าตั้ง office.toml บรรทัด 5: plan.tolerance_points ต้องเป็นตัวเลข เช่น 10 (พบ "สิบห้า")'),
        ('[office]\nname = "abc\nsection = "ฝ่าย"\n',
         'ไฟล์ค่าตั้ง office.toml บรรทัด 2 คอลัมน์ 12: ข้อความขาดเครื่องหมายคำพูดปิด (") ก่อนสิ้นบรรทัด: name = "abc'),
        ('[complaints]\nsla_days = 7.5\n', "ไฟล์ค่าตั้ง office.toml บรรทัด 2: complaints.sla_days ต้องเป็นจำนวนเต็มมากกว่า 0 เช่น 15 (พบ 7.5)"),
        ('[fiscal]\nrounds = [6, 8]\n', "ไฟล์ค่าตั้ง office.toml บรรทัด 2: fiscal.rounds ต้องเป็นรายการรอบจาก 3, 6, 9, 12 เช่น [6, 9, 12] (พบ [6, 8])"),
        ('[output]\nthai_digits = "ใช่"\n', 'ไฟล์ค่าตั้ง office.toml บรรทัด 2: output.thai_digits ต้องเป็นtrue หรือ false (พบ "ใช่")'),
        ('[office]\nname = "สำนักงานจังหวัดทดสอบ"\nphone = 55555555\n', 'ไฟล์ค่าตั้ง office.toml บรรทัด 3: office.phone '
                                                                        'ต้องเป็นข้อความในเครื่องหมายคำพูด เช่น "..." (พบ 55555555)'),
        ('[plan]\ntolerance = 5\n', "ไฟล์ค่าตั้ง office.toml บรรทัด 2: ค่าตั้งที่ไม่รู้จัก plan.tolerance — ตรวจการสะกด (ดูรายการที่ใช้ได้ในไฟล์ตัวอย่าง {example})"),
        ("[plan]\ntolerance_points = สิบห้า\n", "ไฟล์ค่าตั้ง office.toml บรรทัด 2 คอลัมน์ 20: ค่าไม่ถูกต้อง — ข้อความต้องอยู่ในเครื่องหมายคำพูด "
                                                "\"...\" ตัวเลขไม่ต้องมี: tolerance_points = สิบห้า"),
    ],
)
def test_config_errors_name_the_key_the_type_and_the_line(demo_path: Path, tmp_path: Path, text: str, expected: str) -> None:
    from sheets_sync.config import example_config_path

    (tmp_path / "office.toml").write_text(text, encoding="utf-8")
    result = run("validate", "--workbook", demo_path, "--config", "office.toml")
    expected = expected.replace("{example}", example_config_path())
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"sheets-sync: {expected}\n")


def test_the_shipped_config_is_commented_in_thai_and_explains_the_emblem() -> None:
    text = (ROOT / "sheets_sync" / "data" / "office.example.toml").read_text(encoding="utf-8")
    comments = [line.split("#", 1)[1] for line in text.splitlines() if "#" in line and not line.lstrip().startswith("# ") or line.lstrip().startswith("#")]
    prose = [c for c in comments if not re.match(r"\s*[a-z_]+ = ", c)]  # commented-out keys stay as keys
    assert prose and all(re.search(r"[\u0E00-\u0E7F]", c) for c in prose)
    assert "ตราครุฑ" in text and "ที่อยู่ไฟล์นับจากโฟลเดอร์ที่สั่งคำสั่ง" in text
    # the office's own copy (written by init from this example) is the office's: git ignores it
    assert "config/office.toml" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


# --- 4. init formats id / ref / text columns as text; lost leading zeros ------------------------


def test_init_formats_id_ref_and_text_columns_as_text_with_thai_dropdown_help(tmp_path: Path) -> None:
    assert run("init", "--workbook", "new.xlsx").exit_code == 0
    book = openpyxl.load_workbook(tmp_path / "new.xlsx")
    plan = book["แผนปฏิบัติการ"]
    formats = {plan.cell(row=1, column=c).value: plan.column_dimensions[openpyxl.utils.get_column_letter(c)].number_format
               for c in range(1, plan.max_column + 1)}
    assert formats["รหัสกิจกรรม"] == formats["รหัสภารกิจ"] == formats["กิจกรรม"] == formats["ผู้รับผิดชอบ"] == "@"
    assert formats["วันเริ่มตามแผน"] == formats["งบประมาณ (บาท)"] == formats["ความก้าวหน้า (%)"] == "General"
    assert book["บุคลากร"].column_dimensions["C"].number_format == "@"  # ภารกิจที่ปฏิบัติได้ (a list of ids)
    prompts = {str(dv.sqref): (dv.promptTitle, dv.prompt, dv.showInputMessage) for dv in book["ภารกิจ"].data_validations.dataValidation}
    assert prompts["C2:C1000"] == ("ประเภทภารกิจ", "เลือกจากรายการ: ตามกฎหมาย/ข้อสั่งการ, สนับสนุนงานประจำ, นโยบาย/โครงการพิเศษ", True)
    assert prompts["H2:H1000"][1].startswith("วันที่ เช่น 31/03/2569")


def test_init_into_an_existing_workbook_formats_the_new_tabs_text_columns_too(tmp_path: Path) -> None:
    book = write_xlsx(tmp_path / "office.xlsx", {"ภารกิจ": [["รหัสภารกิจ"], ["M01"]]})
    result = run("init", "--workbook", book)
    assert result.exit_code == 0 and "แท็บที่มีอยู่แล้ว (ไม่ได้แตะ): ภารกิจ" in result.stdout
    opened = openpyxl.load_workbook(book)
    plan = opened["แผนปฏิบัติการ"]
    assert [plan.column_dimensions[letter].number_format for letter in "ABCE"] == ["@", "@", "@", "General"]  # ids, ref, text, date
    prompts = {str(dv.sqref): dv.prompt for dv in opened["ขั้นตอนงาน"].data_validations.dataValidation}
    assert prompts["D2:D1000"] == "เลือกจากรายการ: เริ่มต้น/สิ้นสุด, ปฏิบัติงาน, ตัดสินใจ, เอกสาร"
    assert opened["ภารกิจ"]["A2"].value == "M01"  # the existing tab untouched


def _small_workbook(path: Path, missions: list[list[object]], plan: list[list[object]], kpis: list[list[object]] | None = None) -> Path:
    header_m = ["รหัสภารกิจ", "ชื่อภารกิจ", "ประเภทภารกิจ", "ผู้รับผิดชอบหลัก", "สถานะคู่มือ", "วันที่ทบทวนคู่มือ"]
    header_p = ["รหัสกิจกรรม", "รหัสภารกิจ", "กิจกรรม", "วันเริ่มตามแผน", "วันสิ้นสุดตามแผน", "ผู้รับผิดชอบ"]
    header_k = ["รหัสตัวชี้วัด", "ตัวชี้วัด", "มิติ", "ระดับ", "ผู้รับผิดชอบ", "ประเภทการวัด", "น้ำหนัก (%)",
                "เกณฑ์ 1", "เกณฑ์ 2", "เกณฑ์ 3", "เกณฑ์ 4", "เกณฑ์ 5", "ผลรอบ 6 เดือน", "ผลรอบ 9 เดือน", "ผลรอบ 12 เดือน"]
    tabs = {"ภารกิจ": [header_m, *missions], "แผนปฏิบัติการ": [header_p, *plan], "ตัวชี้วัด": [header_k, *(kpis or [])],
            "เรื่องร้องเรียน": [["เลขที่เรื่อง", "วันที่รับเรื่อง", "ช่องทาง", "ประเภทเรื่อง", "เรื่อง", "สถานะ"]]}
    return write_xlsx(path, tabs)


def _issues(path: Path) -> list[dict[str, str]]:
    return json.loads(run("validate", "--workbook", path, "--as-of", AS_OF.isoformat(), "--json").stdout)["issues"]


def test_a_number_typed_for_a_zero_padded_id_is_flagged_with_a_leading_zero_hint(tmp_path: Path) -> None:
    book = _small_workbook(
        tmp_path / "book.xlsx",
        [["001", "งานสารบรรณ", "สนับสนุนงานประจำ", "นาย ก", "ไม่มี"]],
        [["A1", 1, "จัดประชุม", "1/10/2568", "30/9/2569", "นาย ก"]],  # `1` typed into a General cell for `001`
    )
    [issue] = [i for i in _issues(book) if i["tab"] == "แผนปฏิบัติการ" and i["severity"] == "error"]
    assert (issue["cell"], issue["severity"], issue["code"], issue["value"]) == ("B2", "error", "ref-leading-zero", "1")
    assert issue["message"] == (
        "\"รหัสภารกิจ\" ไม่ตรงกับรหัสในแท็บ ภารกิจ แต่ต่างจากรหัส 001 แค่เลข 0 นำหน้า — เลข 0 หายไปเพราะพิมพ์ลงเซลล์ที่เป็นตัวเลข: "
        "จัดรูปแบบคอลัมน์รหัสทั้งสองแท็บเป็นข้อความ (ข้อความธรรมดา) แล้วพิมพ์ 001 ใหม่ให้ตรงกัน"
    )
    result = run("validate", "--workbook", book, "--as-of", AS_OF.isoformat())
    assert "✗ แผนปฏิบัติการ!B2" in result.stdout and "เลข 0 นำหน้า" in result.stdout


def test_an_id_that_lost_its_zero_is_named_with_the_zero_padded_form(tmp_path: Path) -> None:
    book = _small_workbook(
        tmp_path / "book.xlsx",
        [[7, "งานสารบรรณ", "สนับสนุนงานประจำ", "นาย ก", "ไม่มี"]],  # `007` typed into a General cell of ภารกิจ
        [["A1", "007", "จัดประชุม", "1/10/2568", "30/9/2569", "นาย ก"]],
    )
    [issue] = [i for i in _issues(book) if i["tab"] == "แผนปฏิบัติการ" and i["severity"] == "error"]
    assert (issue["cell"], issue["code"], issue["value"]) == ("B2", "ref-leading-zero", "007")
    assert "ต่างจากรหัส 7 แค่เลข 0 นำหน้า" in issue["message"] and issue["message"].endswith("แล้วพิมพ์ 007 ใหม่ให้ตรงกัน")


# --- 5. messages show the value as typed, with a correction computed from it --------------------


def test_a_be_date_cell_warning_gives_the_correction_of_its_own_value(tmp_path: Path) -> None:
    book = _small_workbook(
        tmp_path / "book.xlsx",
        [["M01", "งานสารบรรณ", "สนับสนุนงานประจำ", "นาย ก", "มี", dt.datetime(2569, 7, 2)]],  # 2 July typed with a BE year
        [["A1", "M01", "จัดประชุม", "1/10/2568", "30/9/2569", "นาย ก"]],
    )
    [issue] = [i for i in _issues(book) if i["code"] == "date-be-cell"]
    assert (issue["tab"], issue["cell"], issue["value"]) == ("ภารกิจ", "F2", "2/7/2569")  # as typed, not 2569-07-02
    assert issue["message"] == (
        "\"วันที่ทบทวนคู่มือ\" เป็นเซลล์วันที่ที่มีปี 2569 ซึ่งเป็นปี พ.ศ. (เครื่องตั้งปฏิทินเป็น ค.ศ.) — อ่านเป็นวันที่ 2 กรกฎาคม 2569 ให้แล้ว "
        "ควรแก้เป็นวันที่ปี ค.ศ. 2/7/2026 หรือจัดรูปแบบเซลล์เป็นข้อความแล้วพิมพ์ 2/7/2569"
    )
    assert "31/03/2569" not in issue["message"]


def test_a_rule_on_a_text_date_shows_the_date_as_typed(tmp_path: Path) -> None:
    book = _small_workbook(
        tmp_path / "book.xlsx",
        [["M01", "งานสารบรรณ", "สนับสนุนงานประจำ", "นาย ก", "ไม่มี"]],
        [["A1", "M01", "จัดประชุม", "1 มี.ค. 2569", "๒๘/๒/๒๕๖๙", "นาย ก"]],  # ends before it starts
    )
    [issue] = [i for i in _issues(book) if i["code"] == "date-order"]
    assert (issue["cell"], issue["value"]) == ("E2", "๒๘/๒/๒๕๖๙")  # not the parsed 2026-02-28


def test_the_weights_warning_says_which_row_was_left_out_for_an_error(tmp_path: Path) -> None:
    kpi = ["ประสิทธิผล", "ฝ่าย", "นาย ก", "มากดี"]
    book = _small_workbook(
        tmp_path / "book.xlsx",
        [["M01", "งานสารบรรณ", "สนับสนุนงานประจำ", "นาย ก", "ไม่มี"]],
        [["A1", "M01", "จัดประชุม", "1/10/2568", "30/9/2569", "นาย ก"]],
        [
            ["K1", "ตัวชี้วัดหนึ่ง", *kpi, 60, 1, 2, 3, 4, 5, 3],
            ["K2", "ตัวชี้วัดสอง", *kpi, 40, 5, 4, 3, 2, 1, 3],  # thresholds decrease for มากดี: an error
        ],
    )
    issues = _issues(book)
    found = [(i["cell"], i["code"]) for i in issues if i["tab"] == "ตัวชี้วัด" and i["code"] != "column-optional-missing"]
    assert found == [("G2", "weights-sum"), ("I3", "thresholds-order")]
    [weights] = [i for i in issues if i["code"] == "weights-sum"]
    assert weights["message"] == (
        "น้ำหนักของกลุ่ม ฝ่าย รวมได้ 60 ไม่ใช่ 100 (ไม่นับแถว 3 ซึ่งมีข้อผิดพลาดและไม่ถูกนำไปคำนวณ — แก้ข้อผิดพลาดของแถวนั้นก่อน) "
        "— ระบบปรับสัดส่วนให้แล้ว ควรแก้ให้รวมเป็น 100"
    )


def test_the_issues_tab_lists_errors_first(demo_path: Path, tmp_path: Path) -> None:
    book = tmp_path / "book.xlsx"
    book.write_bytes(demo_path.read_bytes())
    assert run("sync", "--workbook", book, "--as-of", AS_OF.isoformat(), "--out", tmp_path / "out").exit_code == 0
    sheet = openpyxl.load_workbook(book)["ตรวจสอบข้อมูล"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=5) if row[0].value]
    levels = [r[3] for r in rows]
    assert levels == sorted(levels, key=lambda level: level != "ข้อผิดพลาด") and "คำเตือน" in levels
    issues = json.loads((tmp_path / "out" / "results-FY2569-R6.json").read_text(encoding="utf-8"))["issues"]
    expected = [f"{i['tab']}!{i['cell']}" for i in issues if i["severity"] == "error"] + [
        f"{i['tab']}!{i['cell']}" for i in issues if i["severity"] == "warning"
    ]
    assert [r[1] for r in rows] == expected
    first = next(sheet.iter_rows(min_row=5, max_row=5))[1]  # each cell address links to its cell (an internal hyperlink)
    tab, cell = rows[0][1].split("!")
    assert first.value == rows[0][1] and first.hyperlink is not None and first.hyperlink.location == f"'{tab}'!{cell}"
    links = [row[1].hyperlink.location for row in sheet.iter_rows(min_row=5, max_row=4 + len(rows))]
    assert links == [f"'{where.split('!')[0]}'!{where.split('!')[1]}" for where in expected]


# --- 6. report refuses the example office ---------------------------------------------------------


def test_report_refuses_the_example_office_in_one_line(demo_path: Path, tmp_path: Path) -> None:
    assert run("init", "--workbook", "new.xlsx").exit_code == 0  # writes config/office.toml from the example
    result = run("report", "--workbook", demo_path, "--as-of", AS_OF.isoformat(), "--out", tmp_path / "out")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "sheets-sync: ยังไม่ได้ตั้งค่าของสำนักงาน: office.name, office.signer_name, office.document_no "
        "ยังเป็นค่าตัวอย่างหรือว่างอยู่ — แก้ใน config/office.toml ก่อนออกรายงาน\n"
    )
    # outputs.md "Unattended runs": the failed run is in the run log, and nothing else is written
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["sheets-sync.log"]
    config = tmp_path / "config" / "office.toml"
    text = config.read_text(encoding="utf-8").replace('"สำนักงานจังหวัดตัวอย่าง"', '"สำนักงานจังหวัดทดสอบ"')
    config.write_text(text.replace('"ตย 0017.1/"', '"ทส 0017.1/"'), encoding="utf-8")
    again = run("report", "--workbook", demo_path, "--as-of", AS_OF.isoformat(), "--out", tmp_path / "out")
    assert again.exit_code == 2 and again.stderr.startswith("sheets-sync: ยังไม่ได้ตั้งค่าของสำนักงาน: office.signer_name ยังเป็น")


def test_the_memo_date_option_takes_the_cell_forms_too(demo_path: Path, tmp_path: Path) -> None:
    config = tmp_path / "office.toml"
    config.write_text('[office]\nname = "สำนักงานจังหวัดทดสอบ"\nsigner_name = "นายทดสอบ ระบบดี"\ndocument_no = "ทส 1/"\n', encoding="utf-8")
    common = ["report", "--workbook", demo_path, "--as-of", AS_OF.isoformat(), "--out", tmp_path / "out", "--config", config]
    bad = run(*common, "--date", "5 ต.ค 69")
    assert (bad.exit_code, bad.stderr) == (2, "sheets-sync report: ค่าของ '--date' ไม่ถูกต้อง: '5 ต.ค 69' ต้องมีปี 4 หลัก เช่น 1/12/2569 หรือ "
                                              "2569-12-01 (ไม่เดาปี 2 หลัก) (ดูวิธีใช้: sheets-sync report --help)\n")
    result = run(*common, "--date", "๕ ต.ค. ๒๕๖๙")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == ["ใช้วันที่ 5 ตุลาคม 2569 (--date ๕ ต.ค. ๒๕๖๙)",
                                          "ข้อมูล ณ วันที่ 31 มีนาคม 2569 · ปีงบประมาณ 2569 · รอบ 6 เดือน"]
    import docx

    memo = docx.Document(str(tmp_path / "out" / "followup-FY2569-R6.docx"))
    assert any("วันที่  ๕ ตุลาคม ๒๕๖๙" in p.text for p in memo.paragraphs)


# --- 7. the workbook guide ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_workbook_guide_in_the_repository_is_what_the_schema_generates(lang: str) -> None:
    path = guide.GUIDES[lang]
    assert path.read_text(encoding="utf-8") == guide.render(lang), "สั่ง python -m sheets_sync.present.guide เพื่อสร้างคู่มือใหม่"


def test_the_guide_covers_every_tab_column_and_code_and_the_readme_links_it() -> None:
    from sheets_sync.schema.issues import MESSAGES
    from sheets_sync.schema.tabs import input_tabs

    text = guide.GUIDES["th"].read_text(encoding="utf-8")
    for tab in input_tabs():
        assert f"### `{tab.th}`" in text
        for col in tab.columns:
            assert f"| {col.th} | `{col.key}` |" in text
    for code in MESSAGES:
        assert f"| `{code}` |" in text
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/workbook-guide.md)" in readme and "(docs/workbook-guide.en.md)" in readme
    assert "shared/spec" not in readme
    done = subprocess.run([sys.executable, "-m", "sheets_sync.present.guide", "--check"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout


# --- 8. the demo's closing hints work as typed -----------------------------------------------------


def test_the_demo_hints_work_as_typed(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "sheets-sync"
    done = subprocess.run([str(script), "demo", "--as-of", "31/3/2569", "--out", "out"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    hints = [line.strip() for line in lines[lines.index("ลองต่อ (พิมพ์ตามนี้ได้เลย):") + 1:]]
    assert [shlex.split(h, comments=True)[1] for h in hints] == ["validate", "validate", "sync"]
    codes = []
    for hint in hints:
        ran = subprocess.run(hint, shell=True, cwd=tmp_path, capture_output=True, text=True, check=False)
        assert "วิธีใช้" not in ran.stderr and "Traceback" not in ran.stderr, (hint, ran.stderr)
        codes.append(ran.returncode)
    assert codes == [1, 1, 0]  # the demo's deliberate errors, then a sync
