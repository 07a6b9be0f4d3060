"""Tests for the Sheets API emulator (``tests/emulator/sheets_emulator.py``).

1. Replay of ``shared/reference/sheets-api/real-responses.json`` (31 request/response pairs
   recorded from Google by gspread's test suite).  For each recorded pair the emulator is put in
   the matching state (same spreadsheet ids, titles, locale ``en_US``/``Etc/GMT``, sheet ids and
   grid sizes; prior entries of the same cassette are replayed first), the same method, URI
   (host rewritten) and body are sent, and the answer is compared:

   * **byte-for-byte** (status code, ``Content-Type`` and the exact response text): entries
     0-3, 5-25 and 28-30;
   * **byte-for-byte after mapping server-chosen ids** (the recorded id in the expected text and in
     later request bodies is replaced by the one the emulator chose, whose type is checked too):
     entry 4 (addSheet ``sheetId`` 463885193, then used by entry 7's deleteSheet), entries 26 and
     27 (addProtectedRange ``protectedRangeId`` 1086220710);
   * skipped: none.

2. The real gspread 6.2.1 client end to end: a service-account key generated here (RSA 2048,
   PKCS8), ``token_uri`` pointing at the emulator, and the ``https://sheets.googleapis.com`` host
   rewritten by an ``HTTPClient`` subclass (NOTES §2.3 C) or a mounted adapter (§2.3 A).

3. Atomicity of ``:batchUpdate`` and the other emulator features (faults, quotas, auth, fields
   masks, render options, grid limits, developer metadata, charts, conditional formats…).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import gspread
import pytest
import requests
from google.auth import crypt
from google.auth import jwt as google_jwt
from google.auth.exceptions import RefreshError
from gspread.utils import ValueInputOption, ValueRenderOption

from tests.emulator.sheets_emulator import (
    GOOGLE_TOKEN_AUDIENCE,
    Formatted,
    Formula,
    Percent,
    SheetsEmulator,
    SheetSpec,
    emulator_fixture,
)

# Google's real recorded answers: the copy kept with the tests (so a clean clone runs every replay),
# which must stay identical to the shared reference when that is beside the checkout.
REAL_RESPONSES = Path(__file__).resolve().parents[1] / "data" / "sheets-api-real-responses.json"
SHARED_RESPONSES = Path(__file__).resolve().parents[3] / "shared" / "reference" / "sheets-api" / "real-responses.json"
SA_EMAIL = "sheets-sync-test@emulator-project.iam.gserviceaccount.com"
RECORDED_CALLER = "telegram-budgeter@telegram-budgeter.iam.gserviceaccount.com"
FRUIT = [["🍇", "🍉", "🍋"], ["🍐", "🍎", "🍓"]]

# --------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def emu():
    with SheetsEmulator(seed=20261124) as emulator:
        yield emulator


@pytest.fixture(autouse=True)
def _fresh_state(emu: SheetsEmulator):
    emu.reset()
    yield
    emu.clear_faults()


@pytest.fixture(scope="module")
def key_file(emu: SheetsEmulator, tmp_path_factory: pytest.TempPathFactory) -> Path:
    info = emu.service_account_info(SA_EMAIL)
    path = tmp_path_factory.mktemp("sa") / "key.json"
    path.write_text(json.dumps(info))
    return path


def _local_http_client(emu: SheetsEmulator) -> type:
    class LocalHTTPClient(gspread.HTTPClient):
        def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> Any:
            return super().request(method, endpoint.replace("https://sheets.googleapis.com", emu.url, 1), *args, **kwargs)

    return LocalHTTPClient


@pytest.fixture
def gc(emu: SheetsEmulator, key_file: Path) -> gspread.Client:
    return gspread.service_account(filename=str(key_file), http_client=_local_http_client(emu))


def api(emu: SheetsEmulator, method: str, path: str, *, token: str | None = None, **kwargs: Any) -> requests.Response:
    headers = kwargs.pop("headers", {})
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return requests.request(method, f"{emu.url}/v4/spreadsheets{path}", headers=headers, timeout=10, **kwargs)


# --------------------------------------------------------------------------------------------
# 1. Replay of real Google responses
# --------------------------------------------------------------------------------------------


def _load_real() -> list[dict]:
    if not REAL_RESPONSES.exists():
        return []
    return json.loads(REAL_RESPONSES.read_text(encoding="utf-8"))


REAL = _load_real()


def _setup_chain(emu: SheetsEmulator, name: str) -> None:
    en = {"locale": "en_US", "time_zone": "Etc/GMT"}
    if name == "worksheets":
        emu.create_spreadsheet("Test SpreadsheetTest test_worksheets", {
            "Sheet1": SheetSpec(),
            "finances": SheetSpec(sheet_id=1507121383, row_count=100, column_count=100),
        }, "1bo96CiNSjZv1hODRAzCeVeQJQoxC79XlFQe-g4USLEo", **en)
    elif name == "hidden":
        emu.create_spreadsheet("Test SpreadsheetTest test_worksheets_exclude_hidden", {
            "Sheet1": SheetSpec(),
            "finances": SheetSpec(sheet_id=1613166149, row_count=100, column_count=100),
            "gacha": SheetSpec(sheet_id=755875121, row_count=100, column_count=100, hidden=True),
        }, "19SsaJoNCUcVKkbPg7p_tE0GbuR_Nzb-9i-UxNemn1jw", **en)
    elif name == "private":
        sid = emu.create_spreadsheet("private", None, "1jIKzPs8LsiZZdLdeMEP-5ZIHw6RkjiOmj1LrJN706Yc", **en)
        emu.deny(sid)
    elif name == "values_get":
        emu.create_spreadsheet("Test SpreadsheetTest test_values_get", None,
                               "1HVDGFSRVMTRJbo2n8Vh7TZt7EGFBLOdyNGk1Zb8H_SY", **en)
    elif name == "render_options":
        emu.create_spreadsheet("t", {"Sheet1": [["old", "data"], [1, 2, 3]]},
                               "1VYZV6IRnymjtcrTiKitjSdyIpBjiKTnzjBT-J87QLjI", **en)
    elif name == "formula_render":
        emu.create_spreadsheet("t", {"Sheet1": SheetSpec(row_count=2, column_count=4)},
                               "1f7zKlUAxEFe6q2jbUe3UNQDbMZyt6EQvoqjs_dxK6Ro", **en)
        emu.set_values("1f7zKlUAxEFe6q2jbUe3UNQDbMZyt6EQvoqjs_dxK6Ro", "Sheet1", "A1",
                       [["=4/2", "2020-01-01", "string", 53], ["=3/2", 0.12, "1999-01-02", ""]], user_entered=True)
    elif name == "batch_get":
        sid = emu.create_spreadsheet("t", None, "1yXHRaUTFlGV-Axis4vLHtoPvGUj3C_-awA_5sLK8k6g", **en)
        emu.add_sheet(sid, "🌵 test_values_batch_get 1", FRUIT, row_count=10, column_count=10)
    elif name == "batch_update":
        emu.create_spreadsheet("t", None, "16LuFWBK_SJz0B1rKNlcuRCJqj6_GbXsshAU9JPnHW3w", **en)
    elif name == "batch_clear":
        emu.create_spreadsheet("t", {"Sheet1": [["a", "b", "c"], ["d", "e", "f", "g", "h"]]},
                               "1hit0UxyZPEXhx5Tw0nEtzqm7B8ilCnC_19tZtsEkKu4", **en)
    elif name == "append":
        emu.create_spreadsheet("t", None, "1qFopcWEGi_JqeOGvSs93SyFdsSI8J30NzrX92_HZBR0", **en)
    elif name == "update_cell":
        emu.create_spreadsheet("t", None, "1O0vKkGrBm78UvFSooWHCG9Ie3NfZr8WgkaC0rvCw4AI", **en)
    elif name == "columns":
        emu.create_spreadsheet("t", {"Sheet1": [[f"test_delete_cols {i}", f"x{i}"] for i in (1, 5, 9, 13, 17, 21)]},
                               "1bgUJ2fP-8mhCT9pDg9CaRJY-zpYPKTZDG6mhXF62MSM", **en)
    elif name == "validation":
        emu.create_spreadsheet("t", None, "1yOY1U4tsuCpKdLXnrrfpGtUtmIFCHLzXbYVJrbLlmCA", **en)
    elif name == "protected":
        emu.create_spreadsheet("Test WorksheetTest test_add_protected_range_normal", None,
                               "1ZiVLfW42k1aWaar0_6PjvOteg-2jvWNc2S3X5hK4HDI", **en)
    elif name == "format":
        emu.create_spreadsheet("t", {"Sheet1": [["a", "b"], ["c", "d"]]}, "1awKn0h_79jd4MkbtqPDh-4Rb6UuVHl7oTmQMT69qS6c", **en)
    elif name == "hide":
        emu.create_spreadsheet("t", None, "1orn99tUtMCpLAObtrSNv8tY-B8UfeJwW7D6NUIx6RMA", **en)
    elif name == "notes":
        sid = emu.create_spreadsheet("t", None, "1ixIGCQezexeSZMbzt_A3kYfYLMC9UI4mmFmlw-G_9NI", **en)
        emu.set_values(sid, "Sheet1", "A1", [
            ["A1", "B1", "C1"],
            ["A2", {"note": "Or don't"}],
            [{"note": "another note"}, "B3", {"note": "test"}],
        ])
    else:  # pragma: no cover
        raise AssertionError(name)


# (chain name, entry indices in order, {recorded id: JSON path to the emulator's id in the answer})
CHAINS: list[tuple[str, list[int]]] = [
    ("worksheets", [0]),
    ("hidden", [1]),
    ("none", [2]),
    ("private", [3]),
    ("values_get", [4, 5, 6, 7]),
    ("render_options", [8, 9, 10, 11, 12, 13, 14]),
    ("formula_render", [15]),
    ("batch_get", [16]),
    ("batch_update", [17, 18]),
    ("batch_clear", [19]),
    ("append", [20]),
    ("update_cell", [21, 22]),
    ("columns", [23]),
    ("validation", [24, 25]),
    ("protected", [26, 27]),
    ("format", [28]),
    ("hide", [29]),
    ("notes", [30]),
]
# Entry index -> (recorded server-chosen id, function extracting ours from the parsed answer).
SERVER_IDS = {
    4: ("463885193", lambda body: body["replies"][0]["addSheet"]["properties"]["sheetId"]),
    26: ("1086220710", lambda body: body["replies"][0]["addProtectedRange"]["protectedRange"]["protectedRangeId"]),
}


def test_the_kept_copy_matches_the_shared_reference() -> None:
    if not SHARED_RESPONSES.exists():
        pytest.skip("shared/ is not beside this checkout")
    assert REAL_RESPONSES.read_bytes() == SHARED_RESPONSES.read_bytes()


def test_replay_covers_every_recorded_entry() -> None:
    if not REAL:
        pytest.skip("shared/reference/sheets-api/real-responses.json not available")
    covered = sorted(i for _, entries in CHAINS for i in entries)
    assert covered == list(range(len(REAL)))


@pytest.mark.parametrize("chain,entries", CHAINS, ids=[f"{name}-{'-'.join(map(str, e))}" for name, e in CHAINS])
def test_replay_real_responses(emu: SheetsEmulator, chain: str, entries: list[int]) -> None:
    if not REAL:
        pytest.skip("shared/reference/sheets-api/real-responses.json not available")
    if chain != "none":
        _setup_chain(emu, chain)
    token = emu.issue_token(RECORDED_CALLER) if chain == "protected" else None
    id_map: dict[str, str] = {}
    for index in entries:
        entry = REAL[index]
        uri = entry["uri"].replace("https://sheets.googleapis.com", emu.url)
        body = entry["request_body"]
        for recorded, ours in id_map.items():
            uri = uri.replace(recorded, ours)
            body = body.replace(recorded, ours) if body else body
        headers = {"Content-Type": entry["request_content_type"]} if entry["request_content_type"] else {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        resp = requests.request(entry["method"], uri, data=body.encode("utf-8") if body else None,
                                headers=headers, timeout=10)
        assert resp.status_code == entry["status"], (index, resp.text)
        assert resp.headers["Content-Type"] == entry["response_content_type"], index
        expected = entry["response_body"]
        if index in SERVER_IDS:
            recorded, extract = SERVER_IDS[index]
            ours = extract(resp.json())
            assert isinstance(ours, int) and 0 < ours < 2**31, ours
            id_map[recorded] = str(ours)
        for recorded, ours in id_map.items():
            expected = expected.replace(recorded, ours)
        assert resp.json() == json.loads(expected), f"entry {index}: {entry['label']}"
        assert resp.text == expected, f"entry {index} differs byte-wise: {entry['label']}"
    # Side effects the replies do not show.
    if chain == "validation":
        rule = emu.get_cell("1yOY1U4tsuCpKdLXnrrfpGtUtmIFCHLzXbYVJrbLlmCA", "Sheet1", "A1").data_validation
        assert rule == {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "y"}]},
                        "showCustomUi": False, "strict": True, "inputMessage": "n"}
    if chain == "format":
        cell = emu.get_cell("1awKn0h_79jd4MkbtqPDh-4Rb6UuVHl7oTmQMT69qS6c", "Sheet1", "B2")
        assert cell.bold and cell.text_format["fontSize"] == 12
        assert cell.background == {"green": 1, "blue": 1}
        assert cell.horizontal_alignment == "CENTER"
        assert emu.get_cell("1awKn0h_79jd4MkbtqPDh-4Rb6UuVHl7oTmQMT69qS6c", "Sheet1", "A1").user_entered_format is None
    if chain == "values_get":
        assert emu.sheet_titles("1HVDGFSRVMTRJbo2n8Vh7TZt7EGFBLOdyNGk1Zb8H_SY") == ["Sheet1"]


# --------------------------------------------------------------------------------------------
# 2. Through the real gspread client
# --------------------------------------------------------------------------------------------

OFFICE = {
    "ภารกิจ": [["รหัสภารกิจ", "ชื่อภารกิจ", "กำหนดส่ง"], ["M01", "งานสารบรรณ", dt.date(2026, 3, 31)]],
    "สรุปภาพรวม": [["หัวข้อ", "ค่า"]],
}


def test_gspread_open_read_and_token(emu: SheetsEmulator, gc: gspread.Client) -> None:
    sid = emu.create_spreadsheet("Office", OFFICE)
    sh = gc.open_by_key(sid)
    assert [ws.title for ws in sh.worksheets()] == ["ภารกิจ", "สรุปภาพรวม"]
    ws = sh.worksheet("ภารกิจ")
    emu.reset_counts()
    assert ws.get_all_values() == [["รหัสภารกิจ", "ชื่อภารกิจ", "กำหนดส่ง"], ["M01", "งานสารบรรณ", "2026-03-31"]]
    assert emu.request_count == 1
    method, path, query, body = emu.requests[0]
    assert (method, path, query, body) == ("GET", f"/v4/spreadsheets/{sid}/values/'ภารกิจ'", {}, None)
    rows = ws.get_all_values(value_render_option=ValueRenderOption.unformatted)
    assert rows[1][2] == 46112  # serial number of 2026-03-31
    # The token came from the emulator: RS256 signature verified, Google's constant audience.
    assert len(emu.token_requests) == 0  # reset_counts cleared the log; the token is still valid
    assert emu.issued_tokens and set(emu.issued_tokens.values()) == {SA_EMAIL}


def test_gspread_token_request_is_verified(emu: SheetsEmulator, gc: gspread.Client) -> None:
    sid = emu.create_spreadsheet("Office", OFFICE)
    gc.open_by_key(sid)
    assert len(emu.token_requests) == 1
    tr = emu.token_requests[0]
    assert tr.status == 200 and tr.signature_verified and tr.client_email == SA_EMAIL
    assert tr.claims["aud"] == GOOGLE_TOKEN_AUDIENCE
    assert "https://www.googleapis.com/auth/spreadsheets" in emu.token_scopes
    assert emu.request_count == 1  # open_by_key = one spreadsheets.get; /token is not counted


def test_gspread_update_raw_vs_user_entered(emu: SheetsEmulator, gc: gspread.Client) -> None:
    sid = emu.create_spreadsheet("Office", {"ข้อมูล": []})
    ws = gc.open_by_key(sid).worksheet("ข้อมูล")
    raw = ["=1+2", "0042", "2026-03-31", "45%", "'ข้อความ", 7]
    ws.update([raw], "A1")
    ws.update([raw], "A2", raw=False)
    assert emu.requests[-1].query == {"valueInputOption": "USER_ENTERED"}
    stored = emu.get_values(sid, "ข้อมูล")
    assert stored[0] == ["=1+2", "0042", "2026-03-31", "45%", "'ข้อความ", 7]
    assert not isinstance(stored[0][0], Formula)
    assert stored[1] == [Formula("=1+2"), 42, dt.date(2026, 3, 31), Percent(0.45), "ข้อความ", 7]
    assert isinstance(stored[1][0], Formula) and isinstance(stored[1][3], Percent)
    assert ws.get("A2:F2") == [["3", "42", "2026-03-31", "45%", "ข้อความ", "7"]]
    assert ws.get("A2:F2", value_render_option=ValueRenderOption.unformatted) == [[3, 42, 46112, 0.45, "ข้อความ", 7]]
    assert ws.get("A2:F2", value_render_option=ValueRenderOption.formula) == [["=1+2", 42, 46112, 0.45, "ข้อความ", 7]]
    assert ws.get("A2:C2", value_render_option=ValueRenderOption.unformatted,
                  date_time_render_option="FORMATTED_STRING") == [[3, 42, "2026-03-31"]]
    assert emu.get_cell(sid, "ข้อมูล", "C2").number_format == {"type": "DATE", "pattern": "yyyy-mm-dd"}
    # update_acell always uses USER_ENTERED
    ws.update_acell("G1", "=A2*2")
    assert emu.get_cell(sid, "ข้อมูล", "G1").formatted_value == "6"


def test_gspread_batch_get_and_batch_update(emu: SheetsEmulator, gc: gspread.Client) -> None:
    sid = emu.create_spreadsheet("Office", OFFICE)
    ws = gc.open_by_key(sid).worksheet("สรุปภาพรวม")
    ws.batch_update([
        {"range": "A2:B2", "values": [["จำนวนภารกิจ", "=COUNTA('ภารกิจ'!A2:A)"]]},
        {"range": "A4", "values": [["หมายเหตุ"]]},
    ], value_input_option=ValueInputOption.user_entered)
    assert emu.requests[-1].path == f"/v4/spreadsheets/{sid}/values:batchUpdate"
    got = ws.batch_get(["A1:B2", "A4", "C1:C9"])
    assert got[0] == [["หัวข้อ", "ค่า"], ["จำนวนภารกิจ", "1"]]
    assert got[1] == [["หมายเหตุ"]]
    assert got[2] == []
    assert got[0].range == "สรุปภาพรวม!A1:B2"
    assert emu.requests[-1].query["ranges"] == ["'สรุปภาพรวม'!A1:B2", "'สรุปภาพรวม'!A4", "'สรุปภาพรวม'!C1:C9"]
    assert emu.get_cell(sid, "สรุปภาพรวม", "B2").formula == "=COUNTA('ภารกิจ'!A2:A)"


def test_gspread_add_worksheet_protected_range_format(emu: SheetsEmulator, gc: gspread.Client) -> None:
    sid = emu.create_spreadsheet("Office", OFFICE)
    sh = gc.open_by_key(sid)
    new = sh.add_worksheet("รายงาน", rows=50, cols=8)
    assert emu.sheet_titles(sid) == ["ภารกิจ", "สรุปภาพรวม", "รายงาน"]
    props = emu.sheet_properties(sid, "รายงาน")
    assert props["gridProperties"] == {"rowCount": 50, "columnCount": 8} and props["sheetId"] == new.id
    ws = sh.worksheet("ภารกิจ")
    ws.add_protected_range("A1:C1", editor_users_emails=["boss@example.go.th"], description="หัวตาราง")
    ws.format("A1:C1", {"textFormat": {"bold": True}, "backgroundColor": {"red": 0.9, "green": 0.9, "blue": 0.9},
                        "horizontalAlignment": "CENTER"})
    ws.freeze(rows=1)
    sh.batch_update({"requests": [{"updateDimensionProperties": {
        "range": {"sheetId": ws.id, "dimension": "COLUMNS", "startIndex": 1, "endIndex": 2},
        "properties": {"pixelSize": 240}, "fields": "pixelSize"}}]})
    state = emu.spreadsheet(sid)
    sheet = state["sheets"][0]
    assert sheet["properties"]["gridProperties"]["frozenRowCount"] == 1
    assert sheet["columnWidths"] == {1: 240}
    (pr,) = sheet["protectedRanges"]
    assert pr["description"] == "หัวตาราง"
    assert pr["editors"]["users"] == [SA_EMAIL, "boss@example.go.th"]
    assert pr["range"] == {"startRowIndex": 0, "endRowIndex": 1, "startColumnIndex": 0, "endColumnIndex": 3}
    cell = emu.get_cell(sid, "ภารกิจ", "B1")
    assert cell.bold and cell.background == {"red": 0.9, "green": 0.9, "blue": 0.9}
    assert cell.horizontal_alignment == "CENTER" and cell.value == "ชื่อภารกิจ"
    assert emu.get_cell(sid, "ภารกิจ", "B2").user_entered_format is None
    assert [p["protectedRangeId"] for p in sh.list_protected_ranges(ws.id)] == [pr["protectedRangeId"]]


def test_gspread_insert_delete_append_rows(emu: SheetsEmulator, gc: gspread.Client) -> None:
    sid = emu.create_spreadsheet("Office", {"ภารกิจ": [["h1", "h2"], ["a", 1], ["b", 2]]})
    ws = gc.open_by_key(sid).worksheet("ภารกิจ")
    ws.insert_rows([["x", 9]], row=2)
    assert emu.get_values(sid, "ภารกิจ") == [["h1", "h2"], ["x", 9], ["a", 1], ["b", 2]]
    assert emu.sheet_properties(sid, "ภารกิจ")["gridProperties"]["rowCount"] == 1001
    ws.delete_rows(2)
    ws.insert_cols([["new", "col"]], col=2)
    assert emu.get_values(sid, "ภารกิจ", "A1:C3") == [["h1", "new", "h2"], ["a", "col", 1], ["b", "", 2]]
    ws.delete_columns(2)
    ws.append_row(["c", 3])
    assert emu.get_values(sid, "ภารกิจ") == [["h1", "h2"], ["a", 1], ["b", 2], ["c", 3]]
    ws.resize(rows=4)
    with pytest.raises(gspread.exceptions.APIError) as info:
        ws.update([["too far"]], "A5")
    assert info.value.error["message"] == "Range (ภารกิจ!A5) exceeds grid limits. Max rows: 4, max columns: 26"
    ws.append_row(["d", 4])  # append grows the grid like Google
    assert emu.sheet_properties(sid, "ภารกิจ")["gridProperties"]["rowCount"] == 5


def test_gspread_errors(emu: SheetsEmulator, gc: gspread.Client) -> None:
    sid = emu.create_spreadsheet("Office", OFFICE)
    with pytest.raises(gspread.SpreadsheetNotFound):
        gc.open_by_key("1nope")
    emu.deny(sid)
    with pytest.raises(PermissionError):
        gc.open_by_key(sid)
    emu.allow(sid)
    sh = gc.open_by_key(sid)
    emu.fail_next(429, count=2)
    for _ in range(2):
        with pytest.raises(gspread.exceptions.APIError) as info:
            sh.worksheet("ภารกิจ").get_all_values()
        assert info.value.code == 429
        assert info.value.error["status"] == "RESOURCE_EXHAUSTED"
        assert info.value.error["details"][0]["metadata"]["quota_limit"] == "ReadRequestsPerMinutePerUser"
    assert sh.worksheet("ภารกิจ").acell("A2").value == "M01"
    emu.fail_next(503)
    with pytest.raises(gspread.exceptions.APIError) as info:
        sh.sheet1.update_acell("A1", "x")
    assert info.value.code == 503 and info.value.error["status"] == "UNAVAILABLE"


def test_gspread_timeout_with_delay(emu: SheetsEmulator, gc: gspread.Client) -> None:
    sid = emu.create_spreadsheet("Office", OFFICE)
    sh = gc.open_by_key(sid)
    gc.set_timeout(0.2)
    emu.delay_next(0.6)
    with pytest.raises(requests.exceptions.ReadTimeout):
        sh.worksheet("ภารกิจ")
    assert sh.worksheet("ภารกิจ").title == "ภารกิจ"


def test_gspread_adapter_mount_and_token_refresh(emu: SheetsEmulator, key_file: Path) -> None:
    """NOTES §2.3 A: unmodified service_account() + an adapter; a revoked token is refreshed."""
    sid = emu.create_spreadsheet("Office", OFFICE)
    client = gspread.service_account(filename=str(key_file))
    client.http_client.session.mount("https://sheets.googleapis.com/", emu.requests_adapter())
    assert client.open_by_key(sid).title == "Office"
    emu.revoke_tokens()
    assert client.open_by_key(sid).title == "Office"  # 401 -> google-auth refreshes and retries
    assert len(emu.token_requests) == 2


def test_gspread_client_helper(emu: SheetsEmulator) -> None:
    sid = emu.create_spreadsheet("Office", OFFICE)
    client = emu.gspread_client()
    assert client.open_by_key(sid).worksheet("สรุปภาพรวม").get_all_values() == [["หัวข้อ", "ค่า"]]


# --------------------------------------------------------------------------------------------
# Auth
# --------------------------------------------------------------------------------------------


def test_bearer_token_is_checked(emu: SheetsEmulator, gc: gspread.Client) -> None:
    sid = emu.create_spreadsheet("Office", OFFICE)
    gc.open_by_key(sid)  # a token has now been issued
    r = api(emu, "GET", f"/{sid}", token="ya29.forged")
    assert r.status_code == 401 and r.json()["error"]["status"] == "UNAUTHENTICATED"
    assert api(emu, "GET", f"/{sid}").status_code == 200  # require_auth=False: no header is fine
    good = next(iter(emu.issued_tokens))
    assert api(emu, "GET", f"/{sid}", token=good).status_code == 200


def test_require_auth_rejects_missing_token() -> None:
    with SheetsEmulator(require_auth=True) as strict:
        sid = strict.create_spreadsheet("x")
        r = api(strict, "GET", f"/{sid}")
        assert r.status_code == 401
        assert r.json()["error"]["details"][0]["reason"] == "CREDENTIALS_MISSING"
        assert api(strict, "GET", f"/{sid}", token=strict.issue_token()).status_code == 200
        assert strict.request_count == 2


def _jwt(info: dict, **overrides: Any) -> str:
    signer = crypt.RSASigner.from_service_account_info(info)
    now = int(time.time())
    claims = {"iss": info["client_email"], "aud": GOOGLE_TOKEN_AUDIENCE, "iat": now, "exp": now + 3600,
              "scope": "https://www.googleapis.com/auth/spreadsheets"}
    claims.update(overrides)
    return google_jwt.encode(signer, claims).decode()


def _token(emu: SheetsEmulator, assertion: str) -> requests.Response:
    return requests.post(emu.token_uri, data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                                              "assertion": assertion}, timeout=10)


def test_token_endpoint_checks_signature_audience_and_account(emu: SheetsEmulator, key_file: Path) -> None:
    info = json.loads(key_file.read_text())
    ok = _token(emu, _jwt(info))
    assert ok.status_code == 200
    assert set(ok.json()) == {"access_token", "expires_in", "token_type"} and ok.json()["expires_in"] == 3600
    # aud must be Google's constant, not the custom token_uri (NOTES §2.2)
    bad_aud = _token(emu, _jwt(info, aud=emu.token_uri))
    assert bad_aud.status_code == 400 and bad_aud.json()["error"] == "invalid_grant"
    # same account name, another key -> bad signature
    other = emu.service_account_info(SA_EMAIL, register=False)
    bad_sig = _token(emu, _jwt(other))
    assert bad_sig.status_code == 400
    assert bad_sig.json() == {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
    unknown = emu.service_account_info("stranger@x.iam.gserviceaccount.com", register=False)
    assert _token(emu, _jwt(unknown)).json()["error_description"] == "Invalid grant: account not found"
    expired = _token(emu, _jwt(info, iat=int(time.time()) - 7200, exp=int(time.time()) - 3600))
    assert expired.status_code == 400
    assert emu.request_count == 0  # token calls are not API requests
    assert [t.status for t in emu.token_requests] == [200, 400, 400, 400, 400]
    # google-auth surfaces the failure as RefreshError
    client = gspread.service_account_from_dict(other, http_client=_local_http_client(emu))
    sid = emu.create_spreadsheet("x")
    with pytest.raises(RefreshError, match="Invalid JWT Signature"):
        client.open_by_key(sid)


# --------------------------------------------------------------------------------------------
# 3. batchUpdate atomicity and validation
# --------------------------------------------------------------------------------------------


def test_batch_update_is_atomic(emu: SheetsEmulator) -> None:
    sid = emu.create_spreadsheet("Office", OFFICE)
    before = emu.spreadsheet(sid)
    before_values = emu.get_values(sid, "ภารกิจ")
    sheet_id = emu.sheet_id(sid, "ภารกิจ")
    r = api(emu, "POST", f"/{sid}:batchUpdate", json={"requests": [
        {"addSheet": {"properties": {"title": "ใหม่"}}},
        {"updateCells": {"start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
                         "rows": [{"values": [{"userEnteredValue": {"stringValue": "changed"}}]}],
                         "fields": "userEnteredValue"}},
        {"updateSheetProperties": {"properties": {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": 1}},
                                   "fields": "gridProperties.frozenRowCount"}},
        {"deleteSheet": {"sheetId": 999}},
    ]})
    assert r.status_code == 400
    assert r.json() == {"error": {"code": 400, "message": "Invalid requests[3].deleteSheet: No grid with id: 999",
                                  "status": "INVALID_ARGUMENT"}}
    assert emu.spreadsheet(sid) == before
    assert emu.get_values(sid, "ภารกิจ") == before_values
    # unknown request kind
    r = api(emu, "POST", f"/{sid}:batchUpdate", json={"requests": [{"addSheet": {}}, {"frobnicate": {}}]})
    assert r.status_code == 400
    assert r.json()["error"]["message"] == (
        "Invalid JSON payload received. Unknown name \"frobnicate\" at 'requests[1]': Cannot find field.")
    assert emu.sheet_titles(sid) == ["ภารกิจ", "สรุปภาพรวม"]
    # duplicate title
    r = api(emu, "POST", f"/{sid}:batchUpdate", json={"requests": [{"addSheet": {"properties": {"title": "ภารกิจ"}}}]})
    assert r.json()["error"]["message"] == (
        'Invalid requests[0].addSheet: A sheet with the name "ภารกิจ" already exists. Please enter another name.')
    # the same batch without the bad request applies everything and answers one reply each
    r = api(emu, "POST", f"/{sid}:batchUpdate", json={"requests": [
        {"addSheet": {"properties": {"title": "ใหม่", "index": 0}}},
        {"updateSheetProperties": {"properties": {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": 1}},
                                   "fields": "gridProperties.frozenRowCount"}},
    ]})
    assert r.status_code == 200
    replies = r.json()["replies"]
    assert replies[1] == {} and replies[0]["addSheet"]["properties"]["index"] == 0
    assert emu.sheet_titles(sid) == ["ใหม่", "ภารกิจ", "สรุปภาพรวม"]
    assert emu.sheet_properties(sid, "ภารกิจ")["gridProperties"] == {"rowCount": 1000, "columnCount": 26,
                                                                      "frozenRowCount": 1}


def test_staging_requests_duplicate_hide_rename_grow_and_delete_sheets(emu: SheetsEmulator) -> None:
    """The sheet kinds a staged write sends (issue 9): kept in the emulator though sync does not send them yet."""
    sid = emu.create_spreadsheet("Office", OFFICE)
    summary = emu.sheet_id(sid, "สรุปภาพรวม")
    r = api(emu, "POST", f"/{sid}:batchUpdate", json={"requests": [
        {"duplicateSheet": {"sourceSheetId": summary, "newSheetId": 777, "newSheetName": "~สรุปภาพรวม", "insertSheetIndex": 0}},
        {"updateSheetProperties": {"properties": {"sheetId": 777, "hidden": True}, "fields": "hidden"}},
        {"appendDimension": {"sheetId": 777, "dimension": "ROWS", "length": 5}},
    ]})
    assert r.status_code == 200, r.text
    reply = r.json()["replies"][0]["duplicateSheet"]["properties"]
    assert (reply["sheetId"], reply["title"], reply["index"]) == (777, "~สรุปภาพรวม", 0)
    assert emu.sheet_titles(sid) == ["~สรุปภาพรวม", "ภารกิจ", "สรุปภาพรวม"]
    staged = emu.sheet_properties(sid, "~สรุปภาพรวม")
    assert staged["hidden"] is True and staged["gridProperties"]["rowCount"] == 1005
    assert emu.get_values(sid, "~สรุปภาพรวม") == emu.get_values(sid, "สรุปภาพรวม") == [["หัวข้อ", "ค่า"]]
    # swap: delete the old tab, rename and show the staged one in its place (Google counts a move's
    # index before the move: to go after ภารกิจ from index 0 is index 2)
    r = api(emu, "POST", f"/{sid}:batchUpdate", json={"requests": [
        {"deleteSheet": {"sheetId": summary}},
        {"updateSheetProperties": {"properties": {"sheetId": 777, "title": "สรุปภาพรวม", "hidden": False, "index": 2},
                                   "fields": "title,hidden,index"}},
    ]})
    assert r.status_code == 200, r.text
    assert emu.sheet_titles(sid) == ["ภารกิจ", "สรุปภาพรวม"] and emu.sheet_id(sid, "สรุปภาพรวม") == 777
    assert not emu.sheet_properties(sid, "สรุปภาพรวม").get("hidden")
    # a kind cut from the emulator says so instead of pretending
    r = api(emu, "POST", f"/{sid}:batchUpdate", json={"requests": [{"updateBorders": {"range": {"sheetId": 777}}}]})
    assert r.status_code == 400
    assert r.json()["error"]["message"] == "Invalid requests[0].updateBorders: request kind not implemented by the Sheets emulator"


def test_grid_limits_and_cell_cap(emu: SheetsEmulator) -> None:
    sid = emu.create_spreadsheet("x", {"X": SheetSpec(row_count=1000, column_count=26)})
    r = api(emu, "PUT", f"/{sid}/values/{quote('X!A1', safe='')}", params={"valueInputOption": "RAW"},
            json={"values": [["a", "b"]] * 2000})
    assert r.status_code == 400
    assert r.json()["error"]["message"] == "Range (X!A1:B2000) exceeds grid limits. Max rows: 1000, max columns: 26"
    r = api(emu, "GET", f"/{sid}/values/{quote('X!A1:AA2', safe='')}")
    assert r.json()["error"]["message"] == "Range (X!A1:AA2) exceeds grid limits. Max rows: 1000, max columns: 26"
    r = api(emu, "POST", f"/{sid}:batchUpdate", json={"requests": [{"updateCells": {
        "start": {"sheetId": 0, "rowIndex": 999, "columnIndex": 0},
        "rows": [{"values": [{"note": "a"}]}, {"values": [{"note": "b"}]}], "fields": "note"}}]})
    assert r.json()["error"]["message"] == (
        "Invalid requests[0].updateCells: Range (X!A1000:A1001) exceeds grid limits. Max rows: 1000, max columns: 26")
    r = api(emu, "POST", f"/{sid}:batchUpdate", json={"requests": [{"addSheet": {"properties": {
        "title": "big", "gridProperties": {"rowCount": 100000, "columnCount": 100}}}}]})
    assert r.json()["error"]["message"] == ("Invalid requests[0].addSheet: This action would increase the number of "
                                            "cells in the workbook above the limit of 10000000 cells.")
    r = api(emu, "POST", f"/{sid}:batchUpdate", json={"requests": [{"updateSheetProperties": {
        "properties": {"sheetId": 0, "gridProperties": {"rowCount": 2000}}, "fields": "gridProperties.rowCount"}}]})
    assert r.status_code == 200
    assert api(emu, "PUT", f"/{sid}/values/{quote('X!A1', safe='')}", params={"valueInputOption": "RAW"},
               json={"values": [["a", "b"]] * 2000}).status_code == 200


# --------------------------------------------------------------------------------------------
# Values API details
# --------------------------------------------------------------------------------------------


def test_ranges_are_normalised_and_quoted(emu: SheetsEmulator) -> None:
    sid = emu.create_spreadsheet("x", {"Sheet1": [["a"]], "Jon's Data": [["b"]], "ภารกิจ": [], "2024": []})

    def get_range(rng: str) -> str:
        r = api(emu, "GET", f"/{sid}/values/{quote(rng, safe='')}")
        assert r.status_code == 200, r.text
        return r.json()["range"]

    assert get_range("'Jon''s Data'") == "'Jon''s Data'!A1:Z1000"
    assert get_range("Sheet1!A1:C") == "Sheet1!A1:C1000"
    assert get_range("Sheet1!A1:1") == "Sheet1!A1:Z1"
    assert get_range("Sheet1!D4:A1") == "Sheet1!A1:D4"
    assert get_range("Sheet1!B:B") == "Sheet1!B1:B1000"
    assert get_range("Sheet1!2:3") == "Sheet1!A2:Z3"
    assert get_range("'Sheet1'!B1") == "Sheet1!B1"
    assert get_range("A1:B2") == "Sheet1!A1:B2"  # no title: first sheet
    assert get_range("ภารกิจ") == "ภารกิจ!A1:Z1000"
    assert get_range("'2024'!A1") == "'2024'!A1"
    # %2F and unicode in the path
    emu.add_sheet(sid, "a/b c")
    assert get_range("'a/b c'!A1:B2") == "'a/b c'!A1:B2"
    r = api(emu, "GET", f"/{sid}/values/{quote('Nope!A1', safe='')}")
    assert r.status_code == 400 and r.json()["error"]["message"] == "Unable to parse range: Nope!A1"


def test_value_input_option_required_and_nulls(emu: SheetsEmulator) -> None:
    sid = emu.create_spreadsheet("x", {"S": [["a", "b", "c"]]})
    r = api(emu, "PUT", f"/{sid}/values/S!A1", json={"values": [["z"]]})
    assert r.status_code == 400
    assert r.json()["error"]["message"] == "'valueInputOption' is required but not specified"
    r = api(emu, "PUT", f"/{sid}/values/S!A1:C1", params={"valueInputOption": "RAW"},
            json={"values": [[None, "", "C"]], "majorDimension": None})
    assert r.json()["updatedCells"] == 2
    assert emu.get_values(sid, "S") == [["a", "", "C"]]
    r = api(emu, "PUT", f"/{sid}/values/S!A1:B1", params={"valueInputOption": "RAW"}, json={"values": [[1, 2, 3]]})
    assert r.json()["error"]["message"] == "Requested writing within range [S!A1:B1], but tried writing to column [C]"
    r = api(emu, "PUT", f"/{sid}/values/S!A1", params={"valueInputOption": "RAW", "includeValuesInResponse": "True",
                                                         "responseValueRenderOption": "UNFORMATTED_VALUE"},
            json={"values": [[5, True]]})
    assert r.json()["updatedData"] == {"range": "S!A1:B1", "majorDimension": "ROWS", "values": [[5, True]]}
    r = api(emu, "GET", f"/{sid}/values/S!A1", params={"valueRenderOption": "PRETTY"})
    assert r.status_code == 400 and "value_render_option" in r.json()["error"]["message"]


def test_render_options_and_number_formats(emu: SheetsEmulator) -> None:
    sid = emu.create_spreadsheet("x", {"S": [[
        dt.date(2026, 3, 31), dt.datetime(2026, 3, 31, 14, 5, 0), Percent(0.455, "0.0%"), Percent(0.45),
        Formatted(1234.5, "#,##0.0"), Formatted(46112, "d/m/yyyy", "DATE"), Formatted(46112, "dd/mm/yyyy", "DATE"),
        True, 1.5, Formatted(1500, '"฿"#,##0.00', "CURRENCY"), Formula("=1/0"), Formula("=IF(B1>0,\"ok\",\"no\")"),
    ]]})
    formatted = api(emu, "GET", f"/{sid}/values/S!A1:L1").json()["values"][0]
    assert formatted == ["2026-03-31", "2026-03-31 14:05:00", "45.5%", "45%", "1,234.5", "31/3/2026", "31/03/2026",
                         "TRUE", "1.5", "฿1,500.00", "#DIV/0!", "ok"]
    unformatted = api(emu, "GET", f"/{sid}/values/S!A1:L1", params={"valueRenderOption": "UNFORMATTED_VALUE"}).json()
    assert unformatted["values"][0][:9] == [46112, 46112.586805555555, 0.455, 0.45, 1234.5, 46112, 46112, True, 1.5]
    cols = api(emu, "GET", f"/{sid}/values/S!A1:B1", params={"majorDimension": "COLUMNS",
                                                             "valueRenderOption": "UNFORMATTED_VALUE",
                                                             "dateTimeRenderOption": "FORMATTED_STRING"}).json()
    assert cols["values"] == [["2026-03-31"], ["2026-03-31 14:05:00"]]
    assert emu.get_values(sid, "S")[0][:4] == [dt.date(2026, 3, 31), dt.datetime(2026, 3, 31, 14, 5), 0.455, 0.45]
    # USER_ENTERED in the th_TH locale: d/m/yyyy dates, TEXT-formatted cells keep the text
    api(emu, "PUT", f"/{sid}/values/S!A2", params={"valueInputOption": "USER_ENTERED"},
        json={"values": [["31/3/2026", "2,000,000.01", "1e3", "TRUE", "14:30"]]})
    assert emu.get_values(sid, "S", "A2:E2") == [[dt.date(2026, 3, 31), 2000000.01, 1000, True, dt.time(14, 30)]]
    assert api(emu, "GET", f"/{sid}/values/S!A2:E2").json()["values"] == [
        ["31/3/2026", "2,000,000.01", "1.00E+03", "TRUE", "14:30"]]


def test_append_batch_clear_and_batch_get_edge_cases(emu: SheetsEmulator) -> None:
    sid = emu.create_spreadsheet("x", {"S": [["h1", "h2"], ["a", 1]]})
    r = api(emu, "POST", f"/{sid}/values/S:append", params={"valueInputOption": "RAW"}, json={"values": [["b", 2]]})
    assert r.json() == {"spreadsheetId": sid, "tableRange": "S!A1:B2",
                        "updates": {"spreadsheetId": sid, "updatedRange": "S!A3:B3", "updatedRows": 1,
                                    "updatedColumns": 2, "updatedCells": 2}}
    r = api(emu, "POST", f"/{sid}/values/S!A2:append", params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"},
            json={"values": [["c", 3]]})
    assert r.json()["updates"]["updatedRange"] == "S!A4:B4"
    assert emu.sheet_properties(sid, "S")["gridProperties"]["rowCount"] == 1001
    r = api(emu, "POST", f"/{sid}/values:batchClear", json={"ranges": ["S!A2:A3"]})
    assert r.json() == {"spreadsheetId": sid, "clearedRanges": ["S!A2:A3"]}
    assert emu.get_values(sid, "S") == [["h1", "h2"], ["", 1], ["", 2], ["c", 3]]
    assert api(emu, "GET", f"/{sid}/values:batchGet").json() == {"spreadsheetId": sid}
    r = api(emu, "POST", f"/{sid}/values:batchUpdate", json={"data": [{"range": "S!A1", "values": [[1]]}]})
    assert r.status_code == 400
    assert emu.request_count == 5  # the 400 counts too


def test_spreadsheet_get_fields_masks(emu: SheetsEmulator) -> None:
    sid = emu.create_spreadsheet("Office", OFFICE)
    sheet_id = emu.sheet_id(sid, "ภารกิจ")
    assert api(emu, "POST", f"/{sid}:batchUpdate", json={"requests": [
        {"createDeveloperMetadata": {"developerMetadata": {"metadataKey": "sheets_sync.schema", "metadataValue": "v1",
                                                           "location": {"sheetId": sheet_id}, "visibility": "DOCUMENT"}}},
        {"addProtectedRange": {"protectedRange": {"range": {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": 1},
                                                  "warningOnly": True, "description": "หัว"}}},
    ]}).status_code == 200

    def get(fields: str) -> dict:
        r = api(emu, "GET", f"/{sid}", params={"fields": fields})
        assert r.status_code == 200, r.text
        return r.json()

    assert get("sheets.properties.title") == {"sheets": [{"properties": {"title": "ภารกิจ"}},
                                                         {"properties": {"title": "สรุปภาพรวม"}}]}
    both = get("spreadsheetId,sheets.properties")
    assert set(both) == {"spreadsheetId", "sheets"} and set(both["sheets"][0]) == {"properties"}
    full = get("sheets(properties,developerMetadata,protectedRanges)")
    first = full["sheets"][0]
    assert set(first) == {"properties", "developerMetadata", "protectedRanges"}
    assert first["developerMetadata"][0]["location"] == {"locationType": "SHEET", "sheetId": sheet_id}
    assert first["protectedRanges"][0]["warningOnly"] is True
    assert "editors" not in first["protectedRanges"][0]
    assert full["sheets"][1] == {"properties": get("sheets.properties")["sheets"][1]["properties"]}
    grid = api(emu, "GET", f"/{sid}", params={"includeGridData": "true", "ranges": "'ภารกิจ'!A1:C2"}).json()
    assert len(grid["sheets"]) == 1
    data = grid["sheets"][0]["data"][0]
    assert data["rowData"][1]["values"][2]["formattedValue"] == "2026-03-31"
    assert data["rowData"][1]["values"][2]["effectiveValue"] == {"numberValue": 46112}
    assert len(data["columnMetadata"]) == 3
    props = api(emu, "GET", f"/{sid}").json()["properties"]
    assert (props["locale"], props["timeZone"]) == ("th_TH", "Asia/Bangkok")


def test_metadata_charts_conditional_formats_validation_merges(emu: SheetsEmulator) -> None:
    sid = emu.create_spreadsheet("Office", OFFICE)
    sheet_id = emu.sheet_id(sid, "สรุปภาพรวม")
    gr = {"sheetId": sheet_id, "startRowIndex": 1, "endRowIndex": 10, "startColumnIndex": 1, "endColumnIndex": 2}
    r = api(emu, "POST", f"/{sid}:batchUpdate", json={"requests": [
        {"createDeveloperMetadata": {"developerMetadata": {"metadataKey": "owner", "metadataValue": "sheets_sync",
                                                           "location": {"spreadsheet": True}, "visibility": "PROJECT"}}},
        {"addChart": {"chart": {"spec": {"title": "สรุป", "basicChart": {"chartType": "COLUMN"}},
                                "position": {"overlayPosition": {"anchorCell": {"sheetId": sheet_id, "rowIndex": 0,
                                                                                "columnIndex": 4}}}}}},
        {"addConditionalFormatRule": {"index": 0, "rule": {"ranges": [gr], "booleanRule": {
            "condition": {"type": "NUMBER_LESS", "values": [{"userEnteredValue": "50"}]},
            "format": {"backgroundColor": {"red": 1}}}}}},
        {"setDataValidation": {"range": gr, "rule": {"condition": {"type": "ONE_OF_LIST", "values": [
            {"userEnteredValue": "ผ่าน"}, {"userEnteredValue": "ไม่ผ่าน"}]}, "strict": True, "showCustomUi": True}}},
        {"mergeCells": {"range": {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": 1, "startColumnIndex": 0,
                                  "endColumnIndex": 2}, "mergeType": "MERGE_ALL"}},
        {"autoResizeDimensions": {"dimensions": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 2}}},
    ]})
    assert r.status_code == 200, r.text
    replies = r.json()["replies"]
    md = replies[0]["createDeveloperMetadata"]["developerMetadata"]
    assert md["location"] == {"locationType": "SPREADSHEET", "spreadsheet": True} and isinstance(md["metadataId"], int)
    chart = replies[1]["addChart"]["chart"]
    assert isinstance(chart["chartId"], int) and chart["spec"]["title"] == "สรุป"
    assert replies[2:] == [{}, {}, {}, {}]
    state = emu.spreadsheet(sid)
    assert state["developerMetadata"] == [md]
    summary = state["sheets"][1]
    assert summary["charts"] == [chart]
    assert summary["conditionalFormats"][0]["ranges"] == [gr]
    assert summary["merges"] == [{"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": 1, "startColumnIndex": 0,
                                  "endColumnIndex": 2}]
    assert set(summary["dataValidation"]) == {f"B{i}" for i in range(2, 11)}
    assert emu.get_values(sid, "สรุปภาพรวม") == [["หัวข้อ"]]  # merge kept the top-left value only
    found = api(emu, "POST", f"/{sid}/developerMetadata:search", json={"dataFilters": [
        {"developerMetadataLookup": {"metadataKey": "owner"}}]}).json()
    assert found["matchedDeveloperMetadata"][0]["developerMetadata"] == md
    r = api(emu, "POST", f"/{sid}:batchUpdate", json={"requests": [
        {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {"metadataId": md["metadataId"]}}}},
        {"deleteEmbeddedObject": {"objectId": chart["chartId"]}},
        {"deleteConditionalFormatRule": {"sheetId": sheet_id, "index": 0}},
        {"setDataValidation": {"range": gr, "rule": None}},
        {"unmergeCells": {"range": {"sheetId": sheet_id}}},
    ]})
    assert r.status_code == 200, r.text
    assert r.json()["replies"][0] == {"deleteDeveloperMetadata": {"deletedDeveloperMetadata": [md]}}
    assert r.json()["replies"][2]["deleteConditionalFormatRule"]["rule"]["ranges"] == [gr]
    after = emu.spreadsheet(sid)
    assert "developerMetadata" not in after
    for key in ("charts", "conditionalFormats", "merges"):
        assert key not in after["sheets"][1]
    assert after["sheets"][1]["dataValidation"] == {}


def test_update_cells_repeat_cell_masks(emu: SheetsEmulator) -> None:
    sid = emu.create_spreadsheet("x", {"S": [["a", "b"], ["c", "d"]]})
    r = api(emu, "POST", f"/{sid}:batchUpdate", json={"requests": [
        {"repeatCell": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
                        "cell": {"userEnteredFormat": {"textFormat": {"bold": True}, "wrapStrategy": "WRAP",
                                                       "numberFormat": {"type": "NUMBER", "pattern": "0.00"}}},
                        "fields": "userEnteredFormat(textFormat,wrapStrategy)"}},
        {"updateCells": {"range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 2, "startColumnIndex": 0,
                                   "endColumnIndex": 2},
                         "rows": [{"values": [{"userEnteredValue": {"numberValue": 2.5}, "note": "หมายเหตุ",
                                               "userEnteredFormat": {"numberFormat": {"type": "NUMBER", "pattern": "0.00"}}}]}],
                         "fields": "*"}},
        {"updateSheetProperties": {"properties": {"sheetId": 0, "title": "Renamed", "tabColorStyle": {"rgbColor": {"red": 1}}},
                                   "fields": "title,tabColorStyle"}},
    ]})
    assert r.status_code == 200, r.text
    a1 = emu.get_cell(sid, "Renamed", "A1")
    assert a1.bold and a1.wrap_strategy == "WRAP" and a1.number_format is None and a1.value == "a"
    a2 = emu.get_cell(sid, "Renamed", "A2")
    assert (a2.value, a2.formatted_value, a2.note) == (2.5, "2.50", "หมายเหตุ")
    assert emu.get_cell(sid, "Renamed", "B2").value is None  # range not covered by rows: cleared with "*"
    props = emu.sheet_properties(sid, "Renamed")
    assert props["tabColorStyle"] == {"rgbColor": {"red": 1}} and props["tabColor"] == {"red": 1}
    r = api(emu, "POST", f"/{sid}:batchUpdate", json={"requests": [{"updateSheetProperties": {
        "properties": {"sheetId": 0, "gridProperties": {"frozenRowCount": 1}}, "fields": "frozenRowCount"}}]})
    assert r.status_code == 400 and "frozenRowCount" in r.json()["error"]["message"]


def test_quota_and_fault_filters(emu: SheetsEmulator) -> None:
    sid = emu.create_spreadsheet("x")
    now = [1000.0]
    emu.clock = lambda: now[0]
    try:
        emu.set_quota(reads_per_minute=2)
        assert [api(emu, "GET", f"/{sid}").status_code for _ in range(3)] == [200, 200, 429]
        now[0] += 61
        assert api(emu, "GET", f"/{sid}").status_code == 200
        assert api(emu, "POST", f"/{sid}/values/Sheet1:clear").status_code == 200  # writes unlimited
    finally:
        emu.clock = time.monotonic
        emu.set_quota()
    emu.fail_next(500, when=lambda rec: rec.method == "POST")
    assert api(emu, "GET", f"/{sid}").status_code == 200
    r = api(emu, "POST", f"/{sid}/values/Sheet1:clear")
    assert r.status_code == 500 and r.json() == {"error": {"code": 500, "message": "Internal error encountered.",
                                                           "status": "INTERNAL"}}
    emu.fail_always(403)
    assert api(emu, "GET", f"/{sid}").status_code == 403
    emu.clear_faults()
    emu.fail_next(502, body="<html>bad gateway</html>")
    r = api(emu, "GET", f"/{sid}")
    assert r.status_code == 502 and r.text == "<html>bad gateway</html>"
    emu.share_with(sid, "someone@else")
    assert api(emu, "GET", f"/{sid}").status_code == 403
    emu.share_with(sid, emu.default_caller)
    assert api(emu, "GET", f"/{sid}").status_code == 200


def test_wsgi_app_in_process_with_latin1_path(emu: SheetsEmulator) -> None:
    """PEP 3333 servers hand PATH_INFO over percent-decoded as latin-1 (NOTES §1.1)."""
    sid = emu.create_spreadsheet("x", {"ภารกิจ/ปี 2569": [["ok"]]})
    path = f"/v4/spreadsheets/{sid}/values/'ภารกิจ/ปี 2569'!A1".encode().decode("latin-1")
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "valueRenderOption=FORMATTED_VALUE",
               "wsgi.input": io.BytesIO(b""), "CONTENT_LENGTH": "0"}
    seen: list = []
    body = b"".join(emu.wsgi_app(environ, lambda status, headers: seen.append((status, headers))))
    assert seen[0][0] == "200 OK"
    assert json.loads(body) == {"range": "'ภารกิจ/ปี 2569'!A1", "majorDimension": "ROWS", "values": [["ok"]]}
    assert body.endswith(b"}\n") and b'\n  "range"' in body


def test_create_spreadsheet_helpers_and_fixture_factory(emu: SheetsEmulator) -> None:
    sid = emu.create_spreadsheet("Office", OFFICE)
    assert re.fullmatch(r"[A-Za-z0-9_-]{44}", sid)
    assert emu.sheet_properties(sid, "ภารกิจ")["sheetId"] == 0
    assert emu.host == f"127.0.0.1:{emu.port}" and emu.token_uri == f"{emu.url}/token"
    emu.set_values(sid, "ภารกิจ", "A3", [["M02", "งานการเงิน", dt.date(2026, 4, 30)]])
    assert emu.get_values(sid, "ภารกิจ", "A3:C3") == [["M02", "งานการเงิน", dt.date(2026, 4, 30)]]
    assert emu.request_count == 0
    with pytest.raises(KeyError):
        emu.get_values(sid, "ไม่มี")
    assert SheetsEmulator.Percent is Percent and SheetsEmulator.Formula is Formula
    assert callable(emulator_fixture())
    r = api(emu, "POST", "", json={"properties": {"title": "สร้างใหม่"}})
    assert r.status_code == 200 and r.json()["sheets"][0]["properties"]["title"] == "Sheet1"


def test_concurrent_appends_are_serialised(emu: SheetsEmulator) -> None:
    """The state lock makes concurrent writes safe: no append is lost or overwritten."""
    from concurrent.futures import ThreadPoolExecutor

    sid = emu.create_spreadsheet("x", {"Log": [["who", "n"]]})

    def append(i: int) -> int:
        r = api(emu, "POST", f"/{sid}/values/Log:append", params={"valueInputOption": "RAW"},
                json={"values": [[f"t{i}", i]]})
        return r.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(append, range(40))) == {200}
    rows = emu.get_values(sid, "Log")
    assert len(rows) == 41 and sorted(r[1] for r in rows[1:]) == list(range(40))
    assert emu.request_count == 40
