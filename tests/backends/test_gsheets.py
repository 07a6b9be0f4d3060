"""The Google Sheets backend end to end: the real gspread and google-auth code, over HTTP, against
the emulator on 127.0.0.1, driven through the CLI as an office would run it."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import shutil

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from sheets_sync.app.sync import run_sync
from sheets_sync.app.workbook import compute_from
from sheets_sync.backends.gsheets import backend as gsheets
from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend, RetryPolicy
from sheets_sync.backends.gsheets.batch import quote_title
from sheets_sync.backends.xlsx.backend import XlsxBackend
from sheets_sync.config import Output, Settings
from sheets_sync.core.cells import CellKind
from sheets_sync.core.errors import WorkbookError
from sheets_sync.core.fiscal import resolve_period
from sheets_sync.present.summary_tabs import build_summary_tabs
from sheets_sync.schema.tabs import SUMMARY_TAB_TITLES, input_tabs
from tests.conftest import AS_OF, invoke_cli
from tests.emulator.sheets_emulator import Percent, SheetsEmulator

EMAIL = "sheets-sync-bot@office-project.iam.gserviceaccount.com"


@pytest.fixture(scope="module")
def emu():
    with SheetsEmulator(require_auth=True) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def key_file(emu, tmp_path_factory):
    """A real RSA key made here, in a service-account key file whose token_uri is the emulator."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    public = private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    emu.register_service_account(EMAIL, public)
    info = {
        "type": "service_account", "project_id": "office-project", "private_key_id": "k1", "private_key": pem,
        "client_email": EMAIL, "client_id": "1", "token_uri": emu.token_uri,
    }
    path = tmp_path_factory.mktemp("key") / "key.json"
    path.write_text(json.dumps(info), encoding="utf-8")
    return path


@pytest.fixture
def env(emu, monkeypatch, tmp_path):
    monkeypatch.setenv("SHEETS_EMULATOR_HOST", emu.host)
    monkeypatch.setenv("SHEETS_SYNC_CONFIG", str(_config(tmp_path)))
    return emu


def _config(tmp_path):
    path = tmp_path / "office.toml"
    path.write_text(f'[output]\nhistory = "{tmp_path / "history.sqlite"}"\n', encoding="utf-8")
    return path


def _emulator_value(cell):
    if cell.kind is CellKind.PERCENT:
        return Percent(cell.value)
    if cell.kind is CellKind.DATE:
        return cell.value.date() if cell.value.time() == dt.time() else cell.value
    return None if cell.kind is CellKind.EMPTY else cell.value


@pytest.fixture(scope="module")
def demo_typed(demo_xlsx):
    """The demo workbook's tabs as typed values (dates stay date cells, percents stay percent), read once."""
    backend = XlsxBackend(demo_xlsx)
    tabs = backend.read_tabs(backend.tab_titles())
    return {t: [[_emulator_value(c) for c in row] for row in d.rows] for t, d in tabs.items()}


@pytest.fixture
def demo_sheets(demo_xlsx, demo_typed, tmp_path):
    """`demo_sheets(scale=1)`: a private copy of the demo .xlsx and its tabs as typed values (rows
    of the plan and the complaints repeated `scale` times), free to change."""

    def make(scale: int = 1):
        path = tmp_path / "demo.xlsx"
        shutil.copyfile(demo_xlsx, path)
        sheets = {t: [list(row) for row in rows] for t, rows in demo_typed.items()}
        for title in ("เรื่องร้องเรียน", "แผนปฏิบัติการ"):
            body = sheets[title][1:]
            for copy in range(1, scale):
                sheets[title] += [[f"{row[0]}-{copy}", *row[1:]] for row in body]
        return path, sheets

    return make


def run(*args):
    return invoke_cli(*args)


def test_init_creates_input_tabs_in_one_request(env, key_file):
    sid = env.create_spreadsheet("สำนักงานจังหวัด")
    env.reset_counts()
    result = run("init", "--sheet-id", sid, "--credentials", key_file)
    assert result.exit_code == 0, result.output
    assert env.request_count == 2  # one metadata read, one batchUpdate
    titles = env.sheet_titles(sid)
    assert titles == ["Sheet1"] + [t.th for t in input_tabs()]
    state = {s["properties"]["title"]: s for s in env.spreadsheet(sid)["sheets"]}
    plan = state["แผนปฏิบัติการ"]
    assert plan["properties"]["gridProperties"]["frozenRowCount"] == 1
    assert env.get_values(sid, "แผนปฏิบัติการ")[0][:3] == ["รหัสกิจกรรม", "รหัสภารกิจ", "กิจกรรม"]
    assert env.get_cell(sid, "แผนปฏิบัติการ", "A1").bold
    category = state["ภารกิจ"]["dataValidation"]["C2"]
    assert category["condition"]["type"] == "ONE_OF_LIST"
    assert [v["userEnteredValue"] for v in category["condition"]["values"]] == ["ตามกฎหมาย/ข้อสั่งการ", "สนับสนุนงานประจำ", "นโยบาย/โครงการพิเศษ"]
    assert state["แผนปฏิบัติการ"]["dataValidation"]["E2"]["condition"]["type"] == "DATE_IS_VALID"
    # a second init touches nothing
    env.set_values(sid, "ภารกิจ", "A2", [["M01", "งานสารบรรณ"]])
    env.reset_counts()
    again = run("init", "--sheet-id", sid, "--credentials", key_file)
    assert again.exit_code == 0 and env.request_count == 1  # metadata only: nothing to create
    assert env.get_values(sid, "ภารกิจ")[1][:2] == ["M01", "งานสารบรรณ"]


def test_validate_and_sync_through_the_cli(demo_sheets, env, key_file, tmp_path):
    _, sheets = demo_sheets()
    sid = env.create_spreadsheet("สำนักงานจังหวัดตัวอย่าง", sheets)
    before = {t: env.get_values(sid, t) for t in sheets}

    env.reset_counts()
    validated = run("validate", "--sheet-id", sid, "--credentials", key_file, "--as-of", AS_OF)
    assert validated.exit_code == 1 and "แผนปฏิบัติการ!B31" in validated.output
    assert env.request_count == 3  # metadata + two batchGets, no write

    env.reset_counts()
    synced = run("sync", "--sheet-id", f"https://docs.google.com/spreadsheets/d/{sid}/edit#gid=0",
                 "--credentials", key_file, "--as-of", AS_OF, "--out", tmp_path / "out")
    assert synced.exit_code == 0, synced.output
    assert env.request_count == 4
    methods = [(r.method, r.path.rsplit("/", 1)[-1]) for r in env.requests]
    assert methods == [("GET", sid), ("GET", "values:batchGet"), ("GET", "values:batchGet"), ("POST", f"{sid}:batchUpdate")]
    assert set(env.token_scopes) == {"https://www.googleapis.com/auth/spreadsheets"}

    assert {t: env.get_values(sid, t) for t in sheets} == before  # staff tabs untouched
    assert env.sheet_titles(sid)[-len(SUMMARY_TAB_TITLES):] == list(SUMMARY_TAB_TITLES)
    overview = env.get_values(sid, "สรุปภาพรวม")
    assert overview[1] == ["ข้อมูล ณ วันที่ 31 มีนาคม 2569 · ปีงบประมาณ 2569 · รอบ 6 เดือน"]
    results = json.loads((tmp_path / "out" / "results-FY2569-R6.json").read_text(encoding="utf-8"))
    rows = {r[0]: r[1] for r in overview[4:] if len(r) == 2}
    assert rows["จำนวนภารกิจ"] == 12 and rows["ร้อยละกระบวนการที่มีคู่มือ"] == results["missions"]["sop_coverage_pct"]
    assert rows["คะแนนตัวชี้วัดระดับฝ่าย"] == pytest.approx(results["kpis"]["groups"]["ฝ่าย"]["6"]["total"])

    state = {s["properties"]["title"]: s for s in env.spreadsheet(sid)["sheets"]}
    plan_tab = state["สรุปติดตามแผน"]
    assert plan_tab["properties"]["gridProperties"]["frozenRowCount"] == 4  # title, as-of, blank, header
    assert env.get_cell(sid, "สรุปติดตามแผน", "A4").bold
    status_cell = next(
        env.get_cell(sid, "สรุปติดตามแผน", f"J{r}") for r in range(5, 40) if env.get_cell(sid, "สรุปติดตามแผน", f"J{r}").value == "เกินกำหนด"
    )
    assert status_cell.background == pytest.approx({"red": 1.0, "green": 0xC7 / 255, "blue": 0xCE / 255})
    assert env.get_cell(sid, "สรุปติดตามแผน", "E5").number_format["type"] == "DATE"
    for title in SUMMARY_TAB_TITLES:
        protections = state[title]["protectedRanges"]
        assert len(protections) == 1 and protections[0]["warningOnly"] is True
        assert [m["metadataKey"] for m in state[title]["developerMetadata"]] == ["sheets-sync"]
    assert len(state["สรุปติดตามแผน"]["charts"]) == 1
    assert len(state["สรุปตัวชี้วัด"]["charts"]) == 1
    assert len(state["สรุปเรื่องร้องเรียน"]["charts"]) == 1

    # a second sync rewrites the owned tabs in place: same ids, no duplicate charts or protections
    ids = {t: state[t]["properties"]["sheetId"] for t in SUMMARY_TAB_TITLES}
    env.reset_counts()
    assert run("sync", "--sheet-id", sid, "--credentials", key_file, "--as-of", AS_OF, "--out", tmp_path / "out").exit_code == 0
    assert env.request_count == 4
    again = {s["properties"]["title"]: s for s in env.spreadsheet(sid)["sheets"]}
    assert {t: again[t]["properties"]["sheetId"] for t in SUMMARY_TAB_TITLES} == ids
    assert len(again["สรุปติดตามแผน"]["charts"]) == 1 and len(again["สรุปภาพรวม"]["protectedRanges"]) == 1
    assert env.get_values(sid, "สรุปภาพรวม") == overview


def test_request_count_does_not_grow_with_data(demo_sheets, env, key_file, tmp_path):
    _, sheets = demo_sheets(scale=10)
    assert len(sheets["เรื่องร้องเรียน"]) > 3000
    for n in range(12):  # staff keep their own tabs too: notes, drafts, pivot sources
        sheets[f"บันทึก {n}"] = [["หมายเหตุ"], [f"แถว {n}"]]
    sid = env.create_spreadsheet("ใหญ่", sheets)
    env.reset_counts()
    result = run("sync", "--sheet-id", sid, "--credentials", key_file, "--as-of", AS_OF, "--out", tmp_path / "out", "--quiet")
    assert result.exit_code == 0, result.output
    assert env.request_count == 4  # 10× the rows and 12 more tabs: the same 4 requests
    batch_gets = [r for r in env.requests if r.path.endswith("values:batchGet")]
    inputs = {quote_title(t.th) for t in input_tabs()}
    whole, formatted = batch_gets  # every input tab unformatted, then only their columns with numbers
    assert sorted(whole.query["ranges"]) == sorted(inputs)  # only the 8 input tabs are read
    assert {r.split("!")[0] for r in formatted.query["ranges"]} <= inputs
    assert all(re.fullmatch(r"[A-Z]+:[A-Z]+", r.split("!")[1]) for r in formatted.query["ranges"])


def test_xlsx_and_sheets_give_identical_results(demo_sheets, env, key_file, tmp_path):
    path, sheets = demo_sheets()
    sid = env.create_spreadsheet("parity", sheets)
    through_sheets = run("sync", "--sheet-id", sid, "--credentials", key_file, "--as-of", AS_OF, "--out", tmp_path / "a", "--json")
    through_xlsx = run("sync", "--workbook", path, "--as-of", AS_OF, "--out", tmp_path / "b", "--json")
    assert through_sheets.exit_code == through_xlsx.exit_code == 0
    assert json.loads(through_sheets.output) == json.loads(through_xlsx.output)


def _backend(emu, sid, key_file, sleeps, policy=None):
    return GoogleSheetsBackend.connect(sid, str(key_file), emulator_host=emu.host, policy=policy or RetryPolicy(), sleep=sleeps.append, rng=random.Random(7))


def test_a_429_storm_is_survived_with_bounded_waits(demo_sheets, emu, key_file, tmp_path):
    _, sheets = demo_sheets()
    sid = emu.create_spreadsheet("storm", sheets)
    sleeps: list[float] = []
    backend = _backend(emu, sid, key_file, sleeps)
    emu.fail_next(429, count=4)
    settings = Settings(output=Output(dir=str(tmp_path), history=str(tmp_path / "h.sqlite")))
    outcome = run_sync(backend, settings, resolve_period(AS_OF), now=dt.datetime(2026, 3, 31, 9))
    assert outcome.results.missions.count == 12
    assert len(sleeps) == 4
    assert all(2 ** n <= wait <= 2 ** n + 1 for n, wait in enumerate(sleeps))  # exponential, with jitter
    assert len(set(w - int(w) for w in sleeps)) == 4  # the jitter differs per wait
    assert emu.sheet_titles(sid)[-1] == "ตรวจสอบข้อมูล"


def test_a_permanent_429_ends_with_exit_3_and_nothing_written(demo_sheets, env, key_file, tmp_path, monkeypatch):
    _, sheets = demo_sheets()
    sid = env.create_spreadsheet("quota", sheets)
    waits: list[float] = []
    monkeypatch.setattr(gsheets.time, "sleep", waits.append)
    env.fail_always(429)
    try:
        result = run("sync", "--sheet-id", sid, "--credentials", key_file, "--as-of", AS_OF, "--out", tmp_path / "out")
    finally:
        env.clear_faults()
    assert result.exit_code == 3
    assert "429" in result.output and "โควตา" in result.output and "Traceback" not in result.output
    assert len(waits) == RetryPolicy().attempts - 1 and sum(waits) <= RetryPolicy().budget
    assert env.sheet_titles(sid) == list(sheets)  # nothing written
    # outputs.md "Unattended runs": the run log records the failed run; no results, no history.
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["sheets-sync.log"]


def test_server_errors_are_retried(emu, key_file, tmp_path):
    sid = emu.create_spreadsheet("flaky", {"ภารกิจ": [["รหัสภารกิจ"]]})
    sleeps: list[float] = []
    backend = _backend(emu, sid, key_file, sleeps)
    emu.fail_next(503, count=1)
    emu.fail_next(500, count=1)
    assert backend.tab_titles() == ["ภารกิจ"]
    assert len(sleeps) == 2


def test_every_request_has_a_timeout(emu, key_file, tmp_path):
    sid = emu.create_spreadsheet("slow", {"ภารกิจ": [["รหัสภารกิจ"]]})
    sleeps: list[float] = []
    backend = _backend(emu, sid, key_file, sleeps, RetryPolicy(attempts=2, timeout=0.3))
    emu.delay_next(1.5, count=2)
    with pytest.raises(WorkbookError, match="ไม่ตอบภายใน"):
        backend.tab_titles()
    assert len(sleeps) == 1


@pytest.mark.parametrize("case", ["not-shared", "wrong-id", "bad-key", "missing-key"])
def test_failures_are_one_line_with_exit_3(env, key_file, tmp_path, case):
    sid = env.create_spreadsheet("private", {"ภารกิจ": [["รหัสภารกิจ"]]})
    key = key_file
    if case == "not-shared":
        env.deny(sid)
    elif case == "wrong-id":
        sid = "1" + "x" * 43
    elif case == "bad-key":
        key = tmp_path / "bad.json"
        key.write_text('{"type": "service_account", "private_key": "-----BEGIN nonsense"}', encoding="utf-8")
    else:
        key = tmp_path / "nowhere.json"
    result = run("sync", "--sheet-id", sid, "--credentials", key, "--as-of", AS_OF, "--out", tmp_path / "out")
    assert result.exit_code == 3, result.output
    message = result.output.strip()
    assert message.count("\n") == 0 and "Traceback" not in message
    expected = {"not-shared": EMAIL, "wrong-id": "404", "bad-key": "ไม่ใช่กุญแจ", "missing-key": "ไม่พบไฟล์กุญแจ"}[case]
    assert expected in message
    assert "PRIVATE KEY" not in message and "nonsense" not in message


def test_a_foreign_tab_with_a_summary_name_is_refused(demo_sheets, env, key_file, tmp_path):
    _, sheets = demo_sheets()
    sheets["สรุปภาพรวม"] = [["ตารางที่หัวหน้าทำเอง"]]
    sid = env.create_spreadsheet("foreign", sheets)
    env.reset_counts()
    result = run("sync", "--sheet-id", sid, "--credentials", key_file, "--as-of", AS_OF, "--out", tmp_path / "out")
    assert result.exit_code == 3 and "--force" in result.output
    assert all(r.method == "GET" for r in env.requests)  # nothing was written
    assert env.get_values(sid, "สรุปภาพรวม") == [["ตารางที่หัวหน้าทำเอง"]]
    forced = run("sync", "--sheet-id", sid, "--credentials", key_file, "--as-of", AS_OF, "--out", tmp_path / "out", "--force")
    assert forced.exit_code == 0
    assert env.get_values(sid, "สรุปภาพรวม")[0] == ["สรุปภาพรวมการดำเนินงาน ฝ่ายอำนวยการ"]


def test_formula_like_text_is_written_as_text(demo_sheets, env, key_file, tmp_path):
    _, sheets = demo_sheets()
    sheets["เรื่องร้องเรียน"][299][3] = '=IMPORTRANGE("x","y")'  # a category that looks like a formula
    sid = env.create_spreadsheet("formula", sheets)
    assert run("sync", "--sheet-id", sid, "--credentials", key_file, "--as-of", AS_OF, "--out", tmp_path / "out").exit_code == 0
    state = env.spreadsheet(sid)
    hits = []
    for title in ("สรุปเรื่องร้องเรียน", "ตรวจสอบข้อมูล"):
        for r, row in enumerate(env.get_values(sid, title), start=1):
            for c, value in enumerate(row):
                if value == '=IMPORTRANGE("x","y")':
                    hits.append(env.get_cell(sid, title, f"{chr(65 + c)}{r}"))
    assert len(hits) >= 2 and all(h.formula is None for h in hits), state["spreadsheetId"]


def test_a_write_whose_answer_is_lost_is_rebuilt_not_repeated(demo_sheets, emu, key_file, tmp_path):
    """Google applied the batch but the answer came too late: the retry must not add the tabs again."""
    _, sheets = demo_sheets()
    sid = emu.create_spreadsheet("slow-write", sheets)
    sleeps: list[float] = []
    backend = _backend(emu, sid, key_file, sleeps, RetryPolicy(timeout=1.0))
    settings = Settings(output=Output(dir=str(tmp_path), history=str(tmp_path / "h.sqlite")))
    results = compute_from(backend, settings, resolve_period(AS_OF)).results
    emu.reset_counts()
    emu.delay_reply_next(2.0)  # the write is applied, then its answer is late
    backend.write_summary_tabs(build_summary_tabs(results))
    methods = [r.method for r in emu.requests]
    assert methods == ["POST", "GET", "POST"]  # the write, a fresh look, the rebuilt write
    state = {s["properties"]["title"]: s for s in emu.spreadsheet(sid)["sheets"]}
    assert list(state)[-len(SUMMARY_TAB_TITLES):] == list(SUMMARY_TAB_TITLES)  # each summary tab once
    assert all(len(state[t]["protectedRanges"]) == 1 for t in SUMMARY_TAB_TITLES)
    assert len(sleeps) == 1


def test_a_server_error_on_the_write_is_retried_from_a_fresh_look(demo_sheets, emu, key_file, tmp_path):
    _, sheets = demo_sheets()
    sid = emu.create_spreadsheet("flaky-write", sheets)
    sleeps: list[float] = []
    backend = _backend(emu, sid, key_file, sleeps)
    settings = Settings(output=Output(dir=str(tmp_path), history=str(tmp_path / "h.sqlite")))
    emu.fail_next(503, count=1, when=lambda r: r.method == "POST")
    outcome = run_sync(backend, settings, resolve_period(AS_OF), now=dt.datetime(2026, 3, 31, 9))
    assert outcome.snapshot_id == 1
    assert emu.sheet_titles(sid)[-len(SUMMARY_TAB_TITLES):] == list(SUMMARY_TAB_TITLES) and len(sleeps) == 1


def test_retry_after_is_honoured_within_the_cap():
    policy = RetryPolicy(cap=32.0)
    rng = random.Random(1)
    assert policy.wait(1, rng, retry_after=20) == 20  # the server asked for 20 s
    assert policy.wait(1, rng, retry_after=100) == 32  # but never past the cap
    assert 1 <= policy.wait(1, rng) <= 2


def test_charts_are_anchored_inside_the_grid(demo_sheets, env, key_file, tmp_path):
    _, sheets = demo_sheets()
    sid = env.create_spreadsheet("charts", sheets)
    assert run("sync", "--sheet-id", sid, "--credentials", key_file, "--as-of", AS_OF, "--out", tmp_path / "out").exit_code == 0
    for sheet in env.spreadsheet(sid)["sheets"]:
        columns = sheet["properties"]["gridProperties"]["columnCount"]
        for chart in sheet.get("charts", []):
            anchor = chart["position"]["overlayPosition"]["anchorCell"]
            assert anchor["columnIndex"] + 8 <= columns, sheet["properties"]["title"]


@pytest.mark.parametrize(
    ("shown", "is_date"),
    [
        ("31/3/2026", True), ("2026-03-31", True), ("31.03.2026", True), ("๓๑/๓/๒๐๒๖", True),
        ("31 มี.ค. 2026", True), ("วันอังคารที่ 31 มีนาคม 2026", True), ("มี.ค. 2026", True),
        ("31-Mar-2026", True), ("Tuesday, March 31, 2026", True), ("31/3/2026 10:30:00", True),
        ("1,234", False), ("1 234 567", False), ("1\u202f234", False), ("฿1,234.00", False), ("45", False),
        ("5 ชั่วโมง 30", False), ("1.5", False), ("-3", False), ("", False),
    ],
)
def test_date_cells_are_told_from_numbers_by_their_shown_text(shown, is_date):
    assert gsheets.looks_like_date(shown) is is_date
    cell = gsheets._typed_cell(46112, shown)
    assert (cell.kind is CellKind.DATE) is is_date


# --- payload size: compact bodies, formats by range, staging over the budget -------------------

def _summary_state(emu, sid):
    """What a person sees on the summary tabs: values, formats of every cell, frozen rows,
    column widths, charts and protection (ids left out)."""
    state = {s["properties"]["title"]: s for s in emu.spreadsheet(sid)["sheets"]}
    names = {s["properties"]["sheetId"]: title for title, s in state.items()}

    def by_title(spec):  # a chart's data named by its tab's title, not its (random) sheetId
        return json.loads(re.sub(r'"sheetId": (\d+)', lambda m: f'"sheet": "{names[int(m[1])]}"', json.dumps(spec)))

    out = {}
    for title in SUMMARY_TAB_TITLES:
        values = emu.get_values(sid, title)
        cells = {}
        for r, row in enumerate(values, start=1):
            for c in range(1, max(len(row), 1) + 1):
                a1 = f"{gsheets.rowcol_to_a1(r, c)}"
                cell = emu.get_cell(sid, title, a1)
                cells[a1] = (cell.value, cell.bold, cell.background, cell.number_format)
        sheet = state[title]
        out[title] = {
            "values": values, "cells": cells,
            "grid": sheet["properties"]["gridProperties"],
            "widths": sheet.get("columnWidths"),
            "charts": [by_title(c["spec"]) for c in sheet.get("charts", [])],
            "protection": [(p["description"], p["warningOnly"]) for p in sheet["protectedRanges"]],
            "owner": [m["metadataKey"] for m in sheet["developerMetadata"]],
            "hidden": sheet["properties"].get("hidden", False),
        }
    return out


def _sync_with(emu, sid, key_file, tmp_path, **kwargs):
    backend = GoogleSheetsBackend.connect(sid, str(key_file), emulator_host=emu.host, rng=random.Random(3), sleep=lambda s: None, **kwargs)
    settings = Settings(output=Output(dir=str(tmp_path), history=str(tmp_path / "h.sqlite")))
    run_sync(backend, settings, resolve_period(AS_OF), now=dt.datetime(2026, 3, 31, 9))
    return backend


def test_the_write_is_compact_utf8_with_formats_by_range(demo_sheets, emu, key_file, tmp_path):
    _, sheets = demo_sheets()
    sid = emu.create_spreadsheet("compact", sheets)
    emu.reset_counts()
    _sync_with(emu, sid, key_file, tmp_path)
    (write,) = [r for r in emu.requests if r.method == "POST"]
    requests_ = write.body["requests"]
    updates = [r["updateCells"] for r in requests_ if "updateCells" in r and "rows" in r["updateCells"]]
    # values only, and the text-run links of the ตรวจสอบข้อมูล cells (issue 12)
    assert updates and all(u["fields"] in ("userEnteredValue", "userEnteredValue,textFormatRuns") for u in updates)
    repeats = [r["repeatCell"] for r in requests_ if "repeatCell" in r]
    assert any(r["range"]["endRowIndex"] - r["range"]["startRowIndex"] > 10 for r in repeats)  # a whole column at once
    size = emu.body_sizes[[r.method for r in emu.requests].index("POST")]
    assert size == len(gsheets.encode(write.body))  # compact: no spaces, Thai as UTF-8, not \u escapes


def test_a_write_over_the_budget_is_staged_and_gives_the_same_tabs(demo_sheets, emu, key_file, tmp_path):
    _, sheets = demo_sheets(scale=3)
    whole = emu.create_spreadsheet("whole", sheets)
    staged = emu.create_spreadsheet("staged", sheets)
    emu.reset_counts()
    _sync_with(emu, whole, key_file, tmp_path / "a")
    (one_body,) = [size for r, size in zip(emu.requests, emu.body_sizes) if r.method == "POST"]
    budget = one_body // 4  # the same write, now four times over the budget
    emu.reset_counts()
    backend = _sync_with(emu, staged, key_file, tmp_path / "b", write_budget=budget)
    posts = [(r, size) for r, size in zip(emu.requests, emu.body_sizes) if r.method == "POST"]
    assert len(posts) >= 5 and all(size <= budget for _, size in posts)
    assert [up for _m, _e, up, _d in backend.http.log if up] == [s for s in emu.body_sizes if s]  # the log counts what was sent
    final = posts[-1][0].body["requests"]
    assert sum("copyPaste" in r for r in final) == len(SUMMARY_TAB_TITLES)
    assert sum("deleteSheet" in r for r in final) == len(SUMMARY_TAB_TITLES)
    assert _summary_state(emu, staged) == _summary_state(emu, whole)
    assert emu.sheet_titles(staged) == emu.sheet_titles(whole)  # no staging sheet is left
    ids = {t: emu.sheet_id(staged, t) for t in SUMMARY_TAB_TITLES}
    _sync_with(emu, staged, key_file, tmp_path / "c", write_budget=budget)  # staged again, over existing tabs
    assert {t: emu.sheet_id(staged, t) for t in SUMMARY_TAB_TITLES} == ids  # links to the tabs stay valid
    assert _summary_state(emu, staged) == _summary_state(emu, whole)


def test_a_staged_write_cut_short_shows_no_half_sync_and_the_next_cleans_up(demo_sheets, emu, key_file, tmp_path):
    _, sheets = demo_sheets(scale=3)
    sid = emu.create_spreadsheet("cut", sheets)
    _sync_with(emu, sid, key_file, tmp_path / "a")
    before = _summary_state(emu, sid)
    titles = emu.sheet_titles(sid)
    emu.reset_counts()
    emu.fail_next(400, when=lambda r: r.method == "POST" and not any("addSheet" in q for q in r.body["requests"]))
    with pytest.raises(WorkbookError, match="400"):
        _sync_with(emu, sid, key_file, tmp_path / "b", write_budget=60_000)
    assert _summary_state(emu, sid) == before  # what readers see did not change
    leftovers = [t for t in emu.sheet_titles(sid) if t not in titles]
    assert leftovers and all(s["properties"].get("hidden") for s in emu.spreadsheet(sid)["sheets"] if s["properties"]["title"] in leftovers)
    _sync_with(emu, sid, key_file, tmp_path / "c", write_budget=60_000)
    assert emu.sheet_titles(sid) == titles  # the staging sheets left behind are gone
    assert _summary_state(emu, sid) == before


def test_only_columns_with_numbers_are_read_formatted(emu, key_file, tmp_path):
    sid = emu.create_spreadsheet("cols", {"ภารกิจ": [["รหัส", "ชื่อ", "ร้อยละ", "หมายเหตุ", "วันที่"],
                                                   ["M01", "งาน", Percent(0.45), "ข้อความ", dt.date(2026, 3, 31)],
                                                   ["007", "ก", 12, "", None]]})
    emu.reset_counts()
    backend = _backend(emu, sid, key_file, [])
    rows = backend.read_tabs(["ภารกิจ"])["ภารกิจ"].rows
    formatted = [r for r in emu.requests if r.path.endswith("values:batchGet") and r.query.get("valueRenderOption") == "FORMATTED_VALUE"]
    assert [r.query["ranges"] for r in formatted] == [["'ภารกิจ'!C:C", "'ภารกิจ'!E:E"]]
    assert [c.kind for c in rows[1]] == [CellKind.TEXT, CellKind.TEXT, CellKind.PERCENT, CellKind.TEXT, CellKind.DATE]
    assert [c.kind for c in rows[2][:3]] == [CellKind.TEXT, CellKind.TEXT, CellKind.NUMBER]


def test_an_internal_link_is_a_text_run_to_the_tab_and_cell(emu, key_file, tmp_path):
    from sheets_sync.core.grid import CellLink, SummaryTab, Table

    sid = emu.create_spreadsheet("links", {"ภารกิจ": [["รหัสภารกิจ"], ["M01"]]})
    table = Table(["แท็บ", "เซลล์"], [["ภารกิจ", "ภารกิจ!A2"], ["อื่น", "ไม่มีแท็บ!A1"]],
                  links={(0, 1): CellLink("ภารกิจ", "A2"), (1, 1): CellLink("ไม่มีแท็บ", "A1")})
    _backend(emu, sid, key_file, []).write_summary_tabs([SummaryTab("ตรวจสอบข้อมูล", "หัวเรื่อง", "ข้อมูล ณ วันที่", [table])])
    linked = emu.get_cell(sid, "ตรวจสอบข้อมูล", "B5")
    assert linked.value == "ภารกิจ!A2"
    assert linked.text_format_runs == [{"startIndex": 0, "format": {"link": {"uri": f"#gid={emu.sheet_id(sid, 'ภารกิจ')}&range=A2"}}}]
    assert emu.get_cell(sid, "ตรวจสอบข้อมูล", "B6").text_format_runs is None  # no such tab: plain text
