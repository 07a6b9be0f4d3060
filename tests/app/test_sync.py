"""End to end through the CLI on real .xlsx files: sync writes only its own tabs, the same way twice."""

import datetime as dt
import functools
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.schema.tabs import SUMMARY_TAB_TITLES
from tests.conftest import AS_OF, invoke_cli

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden-demo-2026-03-31.json"


@pytest.fixture
def workbook(demo_copy):
    return demo_copy


@dataclass(frozen=True)
class Synced:
    """The demo after one `sync --json` (shared by the tests that only read it)."""

    before: Path  # the demo as staff left it
    workbook: Path  # the same workbook after the sync
    output: str  # what the sync printed
    results: Path  # the results JSON file it wrote


@pytest.fixture(scope="module")
def synced(demo_xlsx, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("synced")
    workbook = tmp_path / "office.xlsx"
    shutil.copyfile(demo_xlsx, workbook)
    result = sync(workbook, tmp_path, "--json")
    assert result.exit_code == 0, result.output
    return Synced(demo_xlsx, workbook, result.output, tmp_path / "out" / "results-FY2569-R6.json")


def run(*args):
    result = invoke_cli(*args)
    return result


def sync(workbook, tmp_path, *extra):
    return run("sync", "--workbook", workbook, "--as-of", AS_OF, "--out", tmp_path / "out", "--config", _config(tmp_path), *extra)


def _config(tmp_path):
    path = tmp_path / "office.toml"
    if not path.exists():
        path.write_text(f'[output]\nhistory = "{tmp_path / "history.sqlite"}"\n', encoding="utf-8")
    return path


@functools.cache
def _opened(path, stamp):
    return openpyxl.load_workbook(path)


def opened(path):
    """The workbook at `path` for reading, loaded once per version of the file (do not change it)."""
    stat = Path(path).stat()
    return _opened(str(path), (stat.st_mtime_ns, stat.st_size, stat.st_ino))


def sheet_values(path, titles=None):
    book = opened(path)
    return {
        ws.title: [[(c.value, c.data_type) for c in row] for row in ws.iter_rows()]
        for ws in book.worksheets
        if titles is None or ws.title in titles
    }


def find_table(path, title, first_header):
    """Rows of the table whose header row starts with `first_header` (until the next blank row)."""
    ws = opened(path)[title]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    start = next(i for i, r in enumerate(rows) if r and r[0] == first_header)
    table = []
    for row in rows[start:]:
        if not any(v is not None for v in row):
            break
        table.append(row)
    return table


def test_sync_writes_six_summary_tabs_and_leaves_staff_tabs_alone(synced):
    before = sheet_values(synced.before)
    after = sheet_values(synced.workbook)
    for title, cells in before.items():
        assert after[title] == cells, f"staff tab {title} changed"
    assert [t for t in opened(synced.workbook).sheetnames if t in SUMMARY_TAB_TITLES] == list(SUMMARY_TAB_TITLES)
    assert (synced.workbook.parent / "office.xlsx.bak").exists()


def test_sync_twice_gives_identical_summary_tabs(synced, tmp_path):
    workbook = tmp_path / "office.xlsx"
    shutil.copyfile(synced.workbook, workbook)  # the workbook after a first sync
    first = sheet_values(workbook, SUMMARY_TAB_TITLES)
    assert sync(workbook, tmp_path).exit_code == 0
    assert sheet_values(workbook, SUMMARY_TAB_TITLES) == first


def test_the_demo_results_are_the_reviewed_golden_results(synced):
    """Every figure of the seeded demo, exactly as reviewed by hand once (tests/data/golden-demo-*.json).

    A change here is a change of a result the office sees: regenerate the file only when the
    spec changed, and review the difference."""
    assert json.loads(synced.results.read_text(encoding="utf-8")) == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_summary_tables_hold_numbers_dates_and_the_as_of_line(synced):
    workbook = synced.workbook
    ws = opened(workbook)["สรุปภาพรวม"]
    assert ws["A2"].value == "ข้อมูล ณ วันที่ 31 มีนาคม 2569 · ปีงบประมาณ 2569 · รอบ 6 เดือน"
    overview = dict(r[:2] for r in find_table(workbook, "สรุปภาพรวม", "ตัวชี้วัดภาพรวม")[1:])
    results = json.loads(synced.results.read_text(encoding="utf-8"))
    assert overview["จำนวนภารกิจ"] == results["missions"]["count"] == 12
    assert overview["ร้อยละกระบวนการที่มีคู่มือ"] == results["missions"]["sop_coverage_pct"]
    assert overview["คะแนนตัวชี้วัดระดับฝ่าย"] == pytest.approx(results["kpis"]["groups"]["ฝ่าย"]["6"]["total"])
    assert overview["เรื่องร้องเรียนรับ"] == results["complaints"]["received"]
    assert isinstance(overview["ปรับปรุงล่าสุด"], dt.datetime)
    spec_rows = ["จำนวนภารกิจ", "ร้อยละกระบวนการที่มีคู่มือ", "ร้อยละภารกิจที่มีผู้ปฏิบัติแทน", "กิจกรรมทั้งหมด",
                 "คะแนนตัวชี้วัดระดับฝ่าย", "เรื่องร้องเรียนรับ", "ยุติ", "ร้อยละยุติ", "เกินกำหนด", "ความพึงพอใจเฉลี่ย",
                 "ข้อผิดพลาดในข้อมูล", "คำเตือน", "ปรับปรุงล่าสุด"]
    assert set(spec_rows) <= set(overview)  # the labels of outputs.md, literally
    assert (overview["ยุติ"], overview["เกินกำหนด"]) == (results["complaints"]["closed"], results["complaints"]["overdue"])
    plan_rows = {k: v for k, v in overview.items() if k.startswith("กิจกรรม") and k != "กิจกรรมทั้งหมด"}
    assert sum(plan_rows.values()) == overview["กิจกรรมทั้งหมด"] and len(plan_rows) == 6  # one row per plan status
    plan = find_table(workbook, "สรุปติดตามแผน", "รหัสกิจกรรม")
    assert plan[0][:3] == ["รหัสกิจกรรม", "กิจกรรม", "รหัสภารกิจ"]
    a01 = next(r for r in plan if r[0] == "A01")
    assert isinstance(a01[4], dt.datetime) and isinstance(a01[6], float)
    assert a01[9] in {"แล้วเสร็จ", "ตามแผน", "ล่าช้า", "เกินกำหนด", "ยังไม่เริ่ม", "ยังไม่ถึงกำหนด"}
    issues = find_table(workbook, "ตรวจสอบข้อมูล", "แท็บ")
    assert issues[0] == ["แท็บ", "เซลล์", "คอลัมน์", "ระดับ", "รหัส", "ข้อความ", "ค่าที่พบ"]
    assert ["แผนปฏิบัติการ", "แผนปฏิบัติการ!B31", "รหัสภารกิจ", "ข้อผิดพลาด", "ref-unknown"] in [r[:5] for r in issues]
    assert len(issues) - 1 == len(results["issues"])


def test_json_results_match_stdout_and_file(synced):
    printed = json.loads(synced.output)
    saved = json.loads(synced.results.read_text(encoding="utf-8"))
    assert printed == saved
    assert set(printed) >= {"as_of", "fiscal_year", "round", "missions", "plan", "kpis", "complaints", "issues"}
    assert printed["plan"]["status_counts"].keys() == {"done", "on_track", "behind", "overdue", "not_started", "not_yet_due"}
    assert list(printed["complaints"]["by_month"]) == [f"{y}-{m:02d}" for y, m in [(2025, 10), (2025, 11), (2025, 12)] + [(2026, m) for m in range(1, 10)]]
    assert printed["missions"]["sop_coverage_by_category"].keys() == {"legal", "routine", "policy"}


def test_formula_like_text_stays_text_everywhere(demo_copy, tmp_path):
    path = demo_copy
    book = openpyxl.load_workbook(path)
    ws = book["เรื่องร้องเรียน"]
    ws["D300"].value, ws["D300"].data_type = "=1+2", "s"  # an unknown category that looks like a formula
    ws["E300"].value, ws["E300"].data_type = "+66812345678", "s"  # a district
    book.save(path)
    assert sync(path, tmp_path).exit_code == 0
    book = openpyxl.load_workbook(path)
    found = [
        (ws.title, c.coordinate, c.data_type)
        for ws in book.worksheets if ws.title in SUMMARY_TAB_TITLES
        for row in ws.iter_rows() for c in row if c.value in ("=1+2", "+66812345678")
    ]
    assert found and all(kind == "s" for _, _, kind in found), found
    assert {t for t, _, _ in found} >= {"สรุปเรื่องร้องเรียน", "ตรวจสอบข้อมูล"}
    assert book["เรื่องร้องเรียน"]["D300"].data_type == "s"


def test_refuses_a_tab_it_did_not_create_unless_forced(demo_copy, tmp_path):
    path = demo_copy
    book = openpyxl.load_workbook(path)
    book.create_sheet("สรุปภาพรวม")["A1"] = "สรุปของหัวหน้าฝ่าย (พิมพ์เอง)"
    book.save(path)
    before = path.read_bytes()
    result = sync(path, tmp_path)
    assert result.exit_code == 3
    assert "สรุปภาพรวม" in result.output and "--force" in result.output and "Traceback" not in result.output
    assert path.read_bytes() == before  # nothing changed
    assert sync(path, tmp_path, "--force").exit_code == 0
    assert openpyxl.load_workbook(path)["สรุปภาพรวม"]["A1"].value != "สรุปของหัวหน้าฝ่าย (พิมพ์เอง)"


def test_strict_exits_1_on_data_errors(workbook, tmp_path):
    assert sync(workbook, tmp_path, "--strict", "--quiet").exit_code == 1


def test_history_lists_and_restores_a_deleted_log(workbook, tmp_path):
    assert sync(workbook, tmp_path).exit_code == 0
    original = sheet_values(workbook, ["เรื่องร้องเรียน"])["เรื่องร้องเรียน"]
    book = openpyxl.load_workbook(workbook)
    ws = book["เรื่องร้องเรียน"]
    ws.delete_rows(100, 200)  # someone deleted most of the complaint log
    book.save(workbook)
    assert sync(workbook, tmp_path).exit_code == 0
    listing = run("history", "--config", _config(tmp_path))
    assert listing.exit_code == 0 and "เรื่องร้องเรียน 320 แถว" in listing.output and "เรื่องร้องเรียน 120 แถว" in listing.output  # 98 above the cut + 22 below
    restored = tmp_path / "restored.xlsx"
    result = run("history", "--config", _config(tmp_path), "restore", "1", "--out", restored, "--tab", "เรื่องร้องเรียน")
    assert result.exit_code == 0, result.output
    values = sheet_values(restored)["เรื่องร้องเรียน"]
    # rules.md "Personal data": the complainant, national ID and phone come back as keyed-hash
    # markers (never in clear); every other cell as it was.
    header = [v for v, _ in original[0]]
    personal = {header.index(h) for h in ("ผู้ร้อง", "เลขประจำตัวประชาชน", "โทรศัพท์")}
    restored_rows = [[v for v, _ in row] for row in values]
    original_rows = [[v for v, _ in row] for row in original]
    assert len(restored_rows) == len(original_rows) and restored_rows[0] == original_rows[0]
    for got, was in zip(restored_rows[1:], original_rows[1:]):
        assert [v for i, v in enumerate(got) if i not in personal] == [v for i, v in enumerate(was) if i not in personal]
        for i in personal:
            assert (got[i] is None) == (was[i] is None)
            if was[i] is not None:
                assert re.fullmatch(r"\[ปกปิด [0-9a-f]{16}\]", got[i]) and got[i] != was[i]
    assert run("history", "--config", _config(tmp_path), "restore", "1", "--out", restored).exit_code == 2  # no overwrite
