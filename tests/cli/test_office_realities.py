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

from sheets_sync.cli.main import cli
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


# --- 4. a full disk ---------------------------------------------------------------------------
NOTHING_CHANGED = "ไม่ได้เปลี่ยนแปลงอะไร"


def _snapshots(history: Path) -> int:
    import sqlite3

    if not history.exists():
        return 0
    with sqlite3.connect(history) as db:
        if not db.execute("SELECT name FROM sqlite_master WHERE name = 'snapshots'").fetchone():
            return 0
        return db.execute("SELECT COUNT(*) FROM snapshots").fetchone()[0]


def _results(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("results-*.json"))}


def _assert_truthful(result, book: Path, before: bytes, out: Path, history: Path, snapshots_before: int,
                     results_before: dict[str, bytes] | None = None) -> str:
    """After a sync: either everything happened, or nothing did and the one line says so, or the
    workbook was written and the line says that (never "nothing changed"), with its snapshot kept."""
    results = _results(out)
    leftovers = [p.name for p in (book.parent, out) for p in (p.iterdir() if p.is_dir() else []) if ".sheets-sync-tmp-" in p.name]
    assert leftovers == [], leftovers
    if result.exit_code == 0:
        assert book.read_bytes() != before and results and _snapshots(history) == snapshots_before + 1
        return "done"
    assert result.exit_code == 3, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output, lines
    assert not re.search(r"[A-Za-z]{4,} [a-z]{3,}", lines[0].replace("sheets-sync", "")), lines  # no English OS text
    if book.read_bytes() == before:
        assert NOTHING_CHANGED in lines[0] or "ยังค้างอยู่" in lines[0], lines[0]
        if NOTHING_CHANGED in lines[0]:
            assert results == (results_before or {}) and _snapshots(history) == snapshots_before, lines[0]
        return "nothing"
    assert NOTHING_CHANGED not in lines[0] and "เขียนแท็บสรุปลงสมุดงานแล้ว" in lines[0], lines[0]
    assert _snapshots(history) == snapshots_before + 1  # the snapshot of the write that was made
    return "workbook"


@pytest.fixture
def small_disk(tmp_path: Path):
    import subprocess

    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("mounting a small tmpfs is not permitted here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def _fill(disk: Path, leave: int) -> None:
    import os

    filler = disk / "filler"
    filler.unlink(missing_ok=True)
    room = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    with open(filler, "wb") as handle:
        try:
            handle.write(b"\0" * max(room - leave, 0))
            handle.flush()
        except OSError:
            pass


def test_a_full_disk_never_lies_whatever_room_is_left(small_disk: Path, demo_xlsx: Path, tmp_path: Path) -> None:
    """Workbook, results and history on one small disk, filled to leave less and less room."""
    import shutil

    outcomes = set()
    for leave in (0, 8_000, 40_000, 120_000, 200_000, 300_000, 450_000, 700_000, 1_000_000):
        for child in small_disk.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()
        book = Path(shutil.copyfile(demo_xlsx, small_disk / "office.xlsx"))
        before = book.read_bytes()
        out, history = small_disk / "out", small_disk / "out" / "history.sqlite"
        config = tmp_path / "office.toml"
        config.write_text(f'[output]\nhistory = "{history}"\n', encoding="utf-8")
        _fill(small_disk, leave)
        result = run("sync", "--workbook", str(book), "--as-of", AS_OF, "--config", str(config), "--out", str(out))
        outcomes.add(_assert_truthful(result, book, before, out, history, 0))
    assert "done" in outcomes and "nothing" in outcomes


@pytest.mark.parametrize("step", ["results-temp", "history-commit", "workbook-temp", "workbook-bak", "workbook-rename", "results-rename"])
def test_a_failure_at_every_write_is_told_truthfully(step: str, demo_copy: Path, tmp_path: Path, monkeypatch) -> None:
    import errno
    import os

    from sheets_sync.storage import atomic
    from sheets_sync.storage import history as history_module

    config = office_config(tmp_path)
    out, history = tmp_path / "out", tmp_path / "history.sqlite"
    first = run("sync", "--workbook", str(demo_copy), "--as-of", AS_OF, "--config", str(config), "--out", str(out))
    assert first.exit_code == 0, first.output
    before, results_before = demo_copy.read_bytes(), _results(out)
    full = OSError(errno.ENOSPC, "No space left on device")

    def fail(*args, **kwargs):
        raise full

    real_replace, real_write_text = os.replace, Path.write_text
    if step == "results-temp":
        monkeypatch.setattr(Path, "write_text", lambda self, *a, **k: fail() if ".sheets-sync-tmp-" in self.name else real_write_text(self, *a, **k))
    elif step == "history-commit":
        monkeypatch.setattr(history_module.PendingSnapshot, "insert", fail)
    elif step == "workbook-temp":
        import sheets_sync.backends.xlsx.backend as xlsx_backend

        monkeypatch.setattr(xlsx_backend, "write_package", fail)
    elif step == "workbook-bak":
        monkeypatch.setattr(atomic, "make_backup", fail)
    elif step == "workbook-rename":
        monkeypatch.setattr(atomic.os, "replace", lambda a, b: fail() if str(b).endswith(".xlsx") else real_replace(a, b))
    elif step == "results-rename":
        monkeypatch.setattr(atomic.os, "replace", lambda a, b: fail() if str(b).endswith(".json") else real_replace(a, b))
    result = run("sync", "--workbook", str(demo_copy), "--as-of", "2026-04-30", "--config", str(config), "--out", str(out))
    monkeypatch.undo()
    outcome = _assert_truthful(result, demo_copy, before, out, history, 1, results_before)
    assert "ดิสก์เต็ม" in result.stderr
    assert outcome == ("workbook" if step == "results-rename" else "nothing")


def test_quiet_and_json_runs_still_name_last_years_workbook_on_stderr(demo_copy: Path, tmp_path: Path) -> None:
    """A scheduled `--quiet` run on last year's workbook must not pass in silence (stdout stays clean)."""
    config = str(office_config(tmp_path))
    quiet = run("sync", "--workbook", str(demo_copy), "--as-of", "2026-11-15", "--config", config, "--out", str(tmp_path / "out"), "--quiet")
    assert quiet.exit_code == 0 and quiet.stdout == ""
    assert [line for line in quiet.stderr.splitlines() if line] == [
        "sheets-sync: แผนปฏิบัติการไม่มีกิจกรรมในปีงบประมาณ 2570 ที่ใช้คำนวณ แต่มีกิจกรรมในปีงบประมาณ 2569 "
        "— ถ้าเป็นข้อมูลของปีนั้น สั่งใหม่พร้อม --fiscal-year 2569"
    ]


# --- 5. a long Thai file name -----------------------------------------------------------------
def test_a_long_thai_file_name_syncs_and_everything_beside_it_fits(demo_copy: Path, tmp_path: Path) -> None:
    import os

    stem = "แผนและผลการดำเนินงานสำนักงานจังหวัด"  # 3 bytes a character
    name = (stem * 3)[: (251 - len(".xlsx")) // 3] + ".xlsx"
    assert 245 <= len(name.encode()) <= 251
    book = demo_copy.rename(tmp_path / name)
    config = str(office_config(tmp_path))
    first = run("sync", "--workbook", str(book), "--as-of", AS_OF, "--config", config, "--out", str(tmp_path / "out"))
    assert first.exit_code == 0, first.output
    again = run("sync", "--workbook", str(book), "--as-of", AS_OF, "--config", config, "--out", str(tmp_path / "out"))
    assert again.exit_code == 0, again.output  # the second sync keeps a .bak beside it
    names = [n for _, _, files in os.walk(tmp_path) for n in files]
    assert [n for n in names if len(n.encode()) > 255] == []
    assert any(n.endswith(".bak") for n in os.listdir(tmp_path))
    assert "File name too long" not in first.output + again.output


# --- 6. output file names from sheet ids ------------------------------------------------------
def test_two_missions_whose_ids_differ_only_by_a_slash_get_two_manuals(demo_copy: Path, tmp_path: Path) -> None:
    def ids(book):
        missions, steps = book["ภารกิจ"], book["ขั้นตอนงาน"]
        old = {missions.cell(row=r, column=1).value: r for r in range(2, missions.max_row + 1)}
        with_steps = []
        for r in range(2, steps.max_row + 1):
            mid = steps.cell(row=r, column=1).value
            if mid in old and mid not in with_steps:
                with_steps.append(mid)
        first, second = with_steps[:2]
        for new, previous in (("ฝอ/01", first), ("ฝอ:01", second)):
            missions.cell(row=old[previous], column=1).value = new
            for sheet in book.worksheets:
                if sheet.title in ("ภารกิจ", "บุคลากร"):
                    continue
                header = [c.value for c in sheet[1]]
                if "รหัสภารกิจ" in header:
                    col = header.index("รหัสภารกิจ") + 1
                    for r in range(2, sheet.max_row + 1):
                        if sheet.cell(row=r, column=col).value == previous:
                            sheet.cell(row=r, column=col).value = new

    edit(demo_copy, ids)
    config = str(office_config(tmp_path))
    names = []
    for _ in range(2):
        done = run("sop", "--workbook", str(demo_copy), "--as-of", AS_OF, "--config", config, "--out", str(tmp_path / "out"), "--json")
        assert done.exit_code == 0, done.output
        names.append(sorted(Path(p).name for p in json.loads(done.stdout)["files"]))
    assert names[0] == names[1]  # stable between runs
    ours = [n for n in names[0] if n.startswith("SOP-ฝอ_01")]
    assert len(ours) == 2 and len(set(ours)) == 2, names[0]
    alone = run("sop", "--workbook", str(demo_copy), "--as-of", AS_OF, "--config", config, "--out", str(tmp_path / "one"),
                "--mission", "ฝอ:01", "--json")
    assert Path(json.loads(alone.stdout)["files"][0]).name in ours  # --mission names the file as a full run does


# --- 8. the smaller items ---------------------------------------------------------------------
STEP_HEADER = ["รหัสภารกิจ", "ลำดับ", "ขั้นตอน", "ชนิดขั้นตอน", "ผู้รับผิดชอบ", "ระยะเวลามาตรฐาน", "หน่วยเวลา",
               "มาตรฐานคุณภาพ/จุดควบคุม", "เอกสาร/แบบฟอร์ม", "ถ้าใช่ไปขั้นตอน", "ถ้าไม่ใช่ไปขั้นตอน"]
P = "นางสาวสมใจ ใจดี"


def _steps_book(make_xlsx, steps: list[list]) -> Path:
    return make_xlsx({
        "ภารกิจ": [["รหัสภารกิจ", "ชื่อภารกิจ", "ประเภทภารกิจ", "ผู้รับผิดชอบหลัก", "สถานะคู่มือ"],
                   ["M01", "งานอนุญาต", "สนับสนุนงานประจำ", P, "มี"]],
        "แผนปฏิบัติการ": [["รหัสกิจกรรม", "รหัสภารกิจ", "กิจกรรม", "วันเริ่มตามแผน", "วันสิ้นสุดตามแผน", "ผู้รับผิดชอบ"],
                          ["A01", "M01", "อบรม", "1/11/2568", "30/11/2568", P]],
        "ขั้นตอนงาน": [STEP_HEADER, *steps],
        "ตัวชี้วัด": [["รหัสตัวชี้วัด", "ตัวชี้วัด", "มิติ", "ระดับ", "ผู้รับผิดชอบ", "ประเภทการวัด", "น้ำหนัก (%)",
                       "เกณฑ์ 1", "เกณฑ์ 2", "เกณฑ์ 3", "เกณฑ์ 4", "เกณฑ์ 5", "ผลรอบ 6 เดือน"]],
        "เรื่องร้องเรียน": [["เลขที่เรื่อง", "วันที่รับเรื่อง", "ช่องทาง", "ประเภทเรื่อง", "เรื่อง", "สถานะ"]],
    })


def test_start_and_end_steps_need_no_duration_and_the_standard_time_is_the_longest_path(make_xlsx, tmp_path: Path) -> None:
    book = _steps_book(make_xlsx, [
        ["M01", 1, "เริ่มต้น", "เริ่มต้น/สิ้นสุด", P, None, None, None, None, None, None],
        ["M01", 2, "รับคำขอ", "ปฏิบัติงาน", P, 1, "วัน", None, None, None, None],
        ["M01", 3, "ผ่านการพิจารณาหรือไม่", "ตัดสินใจ", P, 2, "วัน", None, None, 4, 6],
        ["M01", 4, "ออกใบอนุญาต", "ปฏิบัติงาน", P, 15, "วัน", None, None, None, None],
        ["M01", 5, "สิ้นสุด", "เริ่มต้น/สิ้นสุด", P, 0, "วัน", None, None, None, None],
        ["M01", 6, "แจ้งผลไม่อนุญาต", "ปฏิบัติงาน", P, 30, "นาที", None, None, None, None],
        ["M01", 7, "สิ้นสุด", "เริ่มต้น/สิ้นสุด", P, None, None, None, None, None, None],
        ["M01", 8, "ตรวจเอกสาร", "ปฏิบัติงาน", P, None, "วัน", None, None, None, None],  # a real step still needs one
    ])
    config = str(office_config(tmp_path))
    found = issues_of(run("validate", "--workbook", str(book), "--as-of", AS_OF, "--config", config, "--json"))
    steps = [(i["cell"], i["code"]) for i in found if i["tab"] == "ขั้นตอนงาน"]
    assert steps == [("F9", "required-missing")]
    synced = run("sync", "--workbook", str(book), "--as-of", AS_OF, "--config", config, "--out", str(tmp_path / "out"), "--json")
    assert synced.exit_code == 0, synced.output
    mission = json.loads(synced.stdout)["missions"]["items"]["M01"]
    assert mission["standard_time"] == "18 วัน"  # the longest path, not 18 วัน 30 นาที (both branches added)
    assert mission["shortest_time_parts"] == {"days": 3, "minutes": 30}
    sop = run("sop", "--workbook", str(book), "--as-of", AS_OF, "--config", config, "--out", str(tmp_path / "out"), "--json")
    assert sop.exit_code == 0, sop.output
    import docx

    manual = docx.Document(json.loads(sop.stdout)["files"][0])
    text = "\n".join(p.text for p in manual.paragraphs) + "\n".join(c.text for t in manual.tables for r in t.rows for c in r.cells)
    assert "18 วัน (กรณีขั้นตอนที่ 3 เป็น \"ไม่ใช่\" 3 วัน 30 นาที)" in text


def test_reversed_thresholds_of_a_lower_is_better_kpi_say_why(make_xlsx, tmp_path: Path) -> None:
    book = make_xlsx({"ตัวชี้วัด": [
        ["รหัสตัวชี้วัด", "ตัวชี้วัด", "มิติ", "ระดับ", "ผู้รับผิดชอบ", "ประเภทการวัด", "น้ำหนัก (%)", "เกณฑ์ 1", "เกณฑ์ 2", "เกณฑ์ 3", "เกณฑ์ 4", "เกณฑ์ 5"],
        ["K01", "ระยะเวลาปิดเรื่อง", "ประสิทธิภาพ", "ฝ่าย", P, "น้อยดี", 100, 10, 15, 20, 25, 30],
    ]})
    found = issues_of(run("validate", "--workbook", str(book), "--as-of", AS_OF, "--config", str(office_config(tmp_path)), "--json"))
    message = next(i["message"] for i in found if i["code"] == "thresholds-order")
    assert "น้อยดี" in message and "ลดลง" in message


def test_summary_line_without_errors_and_thai_dates_in_sentences(make_xlsx, tmp_path: Path) -> None:
    book = _steps_book(make_xlsx, [["M01", 1, "รับคำขอ", "ปฏิบัติงาน", P, 1, "วัน", None, None, None, None],
                                   ["M01", 2, "ตอบ", "ปฏิบัติงาน", P, 1, "วัน", None, None, None, None]])
    config = str(office_config(tmp_path))
    done = run("validate", "--workbook", str(book), "--as-of", AS_OF, "--config", config)
    summary = done.stdout.strip().splitlines()[-1]
    assert "ไม่มีข้อผิดพลาด" in summary and "แถวเหล่านี้" not in summary
    synced = run("sync", "--workbook", str(book), "--as-of", AS_OF, "--config", config, "--out", str(tmp_path / "out"))
    assert "เรียบร้อย" in synced.stdout and not re.search(r"\d{4}-\d{2}-\d{2}", synced.stdout + synced.stderr)
    assert "31 มีนาคม 2569" in synced.stdout


def test_a_bak_that_is_a_folder_is_named_in_the_refusal(demo_copy: Path, tmp_path: Path) -> None:
    (tmp_path / "office.xlsx.bak").mkdir()
    done = run("sync", "--workbook", str(demo_copy), "--as-of", AS_OF, "--config", str(office_config(tmp_path)), "--out", str(tmp_path / "out"))
    assert done.exit_code == 3
    assert "office.xlsx.bak" in done.stderr and "โฟลเดอร์" in done.stderr and NOTHING_CHANGED in done.stderr


def test_a_misspelt_config_key_points_at_an_example_that_exists(tmp_path: Path, demo_xlsx: Path) -> None:
    config = tmp_path / "office.toml"
    config.write_text('[plan]\ntolerance_pionts = 5\n', encoding="utf-8")
    done = run("validate", "--workbook", str(demo_xlsx), "--as-of", AS_OF, "--config", str(config))
    assert done.exit_code == 2
    shown = re.search(r"ไฟล์ตัวอย่าง (\S+\.toml)", done.stderr)
    assert shown and Path(shown[1]).is_file(), done.stderr


def test_demo_writes_under_reports_demo(tmp_path: Path) -> None:
    done = run("demo", "--as-of", AS_OF)
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["demo"]
    assert (tmp_path / "reports" / "demo" / "history.sqlite").exists()
    listed = run("history", "--out", "reports/demo")
    assert listed.exit_code == 0 and "reports/demo/history.sqlite" in listed.output


def test_init_creates_the_office_config_and_git_ignores_it(tmp_path: Path) -> None:
    import subprocess

    from tests.conftest import CHECKOUT

    done = run("init", "--workbook", str(tmp_path / "office.xlsx"))
    assert done.exit_code == 0, done.output
    assert (tmp_path / "config" / "office.toml").is_file()
    tracked = subprocess.run(["git", "ls-files", "config/office.toml"], cwd=CHECKOUT, capture_output=True, text=True).stdout
    ignored = subprocess.run(["git", "check-ignore", "config/office.toml"], cwd=CHECKOUT, capture_output=True, text=True).stdout
    assert tracked == "" and ignored.strip() == "config/office.toml"
