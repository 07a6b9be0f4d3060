"""The Google Sheets backend: the real gspread + google-auth clients, a constant few requests.

A sync costs one metadata read, two `values:batchGet` (unformatted values with serial dates,
then the formatted text — which tells a percent or a date cell apart from a plain number — only
of the columns that hold numbers), and one atomic `:batchUpdate` — four requests whatever the
number of tabs and rows, while the write fits the request budget (2 MB). A larger write is staged
(see `sheets_requests`): a few more requests, each within the budget. 429 and 5xx answers
and timeouts are retried with truncated exponential backoff with jitter, bounded in attempts
and in total waiting time. Every failure becomes one `WorkbookError` line; nothing is half written.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gspread
import requests
from gspread.exceptions import APIError
from gspread.urls import SPREADSHEET_BATCH_UPDATE_URL
from gspread.utils import rowcol_to_a1

from ...core.cells import EMPTY, Cell, CellKind, TabData, serial_to_datetime
from ...core.errors import AccessError, ConfigError, WorkbookError
from ...core.grid import SummaryTab
from ...core.thai_dates import to_ascii_digits
from ...core.vocabulary import MONTHS_LONG, MONTHS_SHORT
from ..base import InputTabSpec, WorkbookRef, check_ownership
from .batch import WRITE_BUDGET, encode, input_tab_requests, new_sheet_id, owned_titles, quote_title, write_bodies

SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
GOOGLE_BASE = "https://sheets.googleapis.com"
METADATA_FIELDS = (
    "spreadsheetId,properties.title,"
    "sheets(properties(sheetId,title,index,gridProperties),merges,developerMetadata,protectedRanges(protectedRangeId,description),charts(chartId))"
)
RETRYABLE_STATUS = {408, 429, 500, 502, 503, 504}
# A write answered 408/429 was not applied and may simply be sent again. After any other failure
# (a timeout, a dropped connection, a 5xx) Google may or may not have applied the batch, so the
# backend re-reads the sheet and rebuilds the request from what is really there.
SAFE_TO_RESEND_WRITE = {408, 429}


@dataclass(frozen=True)
class RetryPolicy:
    """Truncated exponential backoff with jitter, bounded in attempts and in elapsed time."""

    attempts: int = 6  # tries in all, the first included
    base: float = 1.0  # seconds
    cap: float = 32.0  # no single wait longer than this
    budget: float = 120.0  # no retry starts later than this after the first try
    timeout: float = 30.0  # per request (connect and read)

    def wait(self, failures: int, rng: random.Random, retry_after: float | None = None) -> float:
        """Google's recipe, min(2^n + random fraction of a second, maximum backoff), and never
        sooner than the server's Retry-After."""
        wait = min(self.base * 2 ** (failures - 1) + rng.uniform(0, 1), self.cap)
        return min(max(wait, retry_after or 0.0), self.cap)


class _SheetsHTTPClient(gspread.HTTPClient):
    """gspread's one HTTP client, pointed at the emulator when asked, with retries and a timeout."""

    def __init__(self, auth: Any, session: requests.Session | None, *, base_url: str, policy: RetryPolicy,  # noqa: PLR0913
                 sleep: Callable[[float], None], rng: random.Random, clock: Callable[[], float],
                 limiter: Any = None) -> None:
        super().__init__(auth, session)
        self.limiter = limiter  # a SlidingWindowLimiter shared by every province of a roll-up: reads wait their turn
        self.base_url = base_url.rstrip("/")
        self.policy, self.sleep, self.rng, self.clock = policy, sleep, rng, clock
        self.requests_sent = 0
        self.log: list[tuple[str, str, int, int]] = []  # (method, endpoint, bytes up, bytes down) per try
        self.set_timeout(policy.timeout)

    def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> requests.Response:
        if self.base_url != GOOGLE_BASE and endpoint.startswith(GOOGLE_BASE):
            endpoint = self.base_url + endpoint[len(GOOGLE_BASE):]
        is_write = method.lower() == "post" and endpoint.endswith(":batchUpdate")
        failures, waited, started = 0, 0.0, self.clock()
        while True:
            self.requests_sent += 1
            retry_after = None
            sent = kwargs.get("data")
            up = len(sent) if isinstance(sent, (bytes, str)) else len(encode(kwargs["json"])) if kwargs.get("json") else 0
            slot = self.limiter.acquire() if self.limiter is not None and method.lower() == "get" else None
            try:
                response = super().request(method, endpoint, *args, **kwargs)
                self.log.append((method.upper(), endpoint, up, len(response.content)))
                return response
            except APIError as err:
                self.log.append((method.upper(), endpoint, up, len(err.response.content) if err.response is not None else 0))
                status = _status(err)
                if status not in RETRYABLE_STATUS:
                    raise
                if is_write and status not in SAFE_TO_RESEND_WRITE:
                    raise _Unsure(err) from err
                retry_after = _retry_after(err.response)
                last: Exception = err
            except (requests.Timeout, requests.ConnectionError) as err:
                if is_write:
                    raise _Unsure(err) from err
                last = err
            finally:
                if slot is not None:
                    self.limiter.release(slot)
            failures += 1
            delay = self.policy.wait(failures, self.rng, retry_after)
            if failures >= self.policy.attempts or self.clock() - started + delay > self.policy.budget:
                raise _GaveUp(last, failures, waited) from last
            self.sleep(delay)
            waited += delay


class _GaveUp(Exception):
    def __init__(self, last: Exception, attempts: int, waited: float) -> None:
        super().__init__(str(last))
        self.last, self.attempts, self.waited = last, attempts, waited


class _Unsure(Exception):
    """A write failed in a way that does not tell whether Google applied it."""

    def __init__(self, last: Exception) -> None:
        super().__init__(str(last))
        self.last = last


def _retry_after(response: requests.Response | None) -> float | None:
    value = response.headers.get("Retry-After") if response is not None else None
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _status(err: APIError) -> int:
    code = err.code if isinstance(err.code, int) and err.code > 0 else err.response.status_code
    return int(code)


class GoogleSheetsBackend:
    """One Google Sheet, by id."""

    def __init__(self, sheet_id: str, http: _SheetsHTTPClient, account: str | None, *, write_budget: int = WRITE_BUDGET) -> None:
        self.sheet_id = sheet_id
        self.write_budget = write_budget  # bytes per request body; a larger write is staged
        self.http = http
        self.account = account  # the service account's e-mail, to tell the user whom to share with
        self._metadata: dict[str, Any] | None = None
        self.rng = random.Random()
        self.share_role = "Editor"  # a province read by the ministry's roll-up needs only Viewer

    @classmethod
    def connect(
        cls,
        sheet_id: str,
        credentials: str | None,
        *,
        emulator_host: str | None = None,
        policy: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] | None = None,
        rng: random.Random | None = None,
        clock: Callable[[], float] | None = None,
        write_budget: int = WRITE_BUDGET,
        limiter: Any = None,
        key: tuple[Any, str | None] | None = None,
    ) -> GoogleSheetsBackend:
        """Authenticate with a service-account key (spreadsheets scope only).

        With `emulator_host` (SHEETS_EMULATOR_HOST) every request goes to http://host:port;
        with no key file the requests then go unauthenticated.
        """
        base = f"http://{emulator_host}" if emulator_host else GOOGLE_BASE
        rng = rng or random.Random()
        sleep = sleep or time.sleep
        tools = {"policy": policy, "sleep": sleep, "rng": rng, "clock": clock or time.monotonic, "limiter": limiter}
        if key is not None and key[0] is not None:  # credentials loaded once for many sheets (a roll-up): one token
            creds, account = key
            http = _SheetsHTTPClient(creds, None, base_url=base, **tools)
        elif credentials:
            creds, account = _load_key(credentials)
            http = _SheetsHTTPClient(creds, None, base_url=base, **tools)
        elif emulator_host:
            account = None
            http = _SheetsHTTPClient(None, requests.Session(), base_url=base, **tools)
        else:
            raise ConfigError(
                "ต้องระบุไฟล์กุญแจ service account: {credentials} หรือ GOOGLE_APPLICATION_CREDENTIALS "
                "(ดูวิธีสร้างใน README)"
            )
        return cls(sheet_id, http, account, write_budget=write_budget)

    @property
    def ref(self) -> WorkbookRef:
        return WorkbookRef(sheet_id=self.sheet_id)

    def describe(self) -> str:
        title = (self._metadata or {}).get("properties", {}).get("title")
        return f"Google Sheet {title!r} ({self.sheet_id})" if title else f"Google Sheet {self.sheet_id}"

    @property
    def requests_sent(self) -> int:
        return self.http.requests_sent

    # --- the calls, each translated once -------------------------------------------------
    def _call(self, what: str, func: Callable[[], Any]) -> Any:
        try:
            return func()
        except _Unsure:
            raise  # the write loop decides
        except _GaveUp as gave_up:
            raise WorkbookError(self._gave_up_message(what, gave_up)) from gave_up
        except APIError as err:
            kind = AccessError if _status(err) in (403, 404) else WorkbookError
            raise kind(self._api_message(what, err)) from err
        except (requests.Timeout, requests.ConnectionError) as err:
            raise WorkbookError(f"เชื่อมต่อ Google Sheets ไม่ได้ขณะ{what} — ตรวจอินเทอร์เน็ตแล้วสั่งใหม่ (ไม่ได้เปลี่ยนแปลงอะไร)") from err
        except Exception as err:  # google.auth errors (RefreshError, TransportError) and bad answers
            name = type(err).__name__
            if name in {"RefreshError", "TransportError", "DefaultCredentialsError"}:
                raise WorkbookError(
                    f"ขอสิทธิ์จาก Google ไม่ได้ ({name}) — กุญแจ service account อาจถูกลบหรือปิดใช้งาน สร้างกุญแจใหม่ตาม README (ไม่ได้เปลี่ยนแปลงอะไร)"
                ) from err
            raise

    def _api_message(self, what: str, err: APIError) -> str:
        status = _status(err)
        if status == 403:
            who = f" {self.account}" if self.account else ""
            return (f"ไม่มีสิทธิ์เข้าถึง Google Sheet {self.sheet_id} (403) — เปิด Sheet แล้วกด Share "
                    f"ให้บัญชีบริการ{who} เป็น {self.share_role} (ไม่ได้เปลี่ยนแปลงอะไร)")
        if status == 404:
            return f"ไม่พบ Google Sheet รหัส {self.sheet_id} (404) — ตรวจ {{sheet_id}} (คัดลอกจาก URL ระหว่าง /d/ กับ /edit)"
        if status == 401:
            return "Google ปฏิเสธกุญแจ service account (401) — สร้างกุญแจใหม่ตาม README (ไม่ได้เปลี่ยนแปลงอะไร)"
        message = str(err.error.get("message", ""))[:200]
        return f"Google Sheets ตอบข้อผิดพลาด {status} ขณะ{what}: {message} (ไม่ได้เปลี่ยนแปลงอะไร)"

    def _gave_up_message(self, what: str, gave_up: _GaveUp) -> str:
        last = gave_up.last
        tries = f"ลองใหม่ {gave_up.attempts} ครั้ง รอรวม {gave_up.waited:.0f} วินาที"
        if isinstance(last, APIError) and _status(last) == 429:
            return (f"โควตา Google Sheets API เต็ม (429) ขณะ{what} — {tries} แล้วยังไม่ได้ "
                    "รอประมาณ 1 นาทีแล้วสั่งใหม่ (ไม่ได้เปลี่ยนแปลงอะไร)")
        if isinstance(last, APIError):
            return f"Google Sheets ขัดข้อง ({_status(last)}) ขณะ{what} — {tries} สั่งใหม่ภายหลัง (ไม่ได้เปลี่ยนแปลงอะไร)"
        if isinstance(last, requests.Timeout):
            return f"Google Sheets ไม่ตอบภายใน {self.http.policy.timeout:.0f} วินาที ขณะ{what} — {tries} (ไม่ได้เปลี่ยนแปลงอะไร)"
        return f"เชื่อมต่อ Google Sheets ไม่ได้ขณะ{what} — {tries} ตรวจอินเทอร์เน็ต (ไม่ได้เปลี่ยนแปลงอะไร)"

    def _fetch_metadata(self) -> dict[str, Any]:
        if self._metadata is None:
            self._metadata = self._call(
                "อ่านโครงสร้าง Sheet",
                lambda: self.http.fetch_sheet_metadata(self.sheet_id, params={"includeGridData": "false", "fields": METADATA_FIELDS}),
            )
        return self._metadata

    # --- the protocol -----------------------------------------------------------------------
    def tab_titles(self) -> list[str]:
        sheets = sorted(self._fetch_metadata().get("sheets", []), key=lambda s: s["properties"].get("index", 0))
        return [s["properties"]["title"] for s in sheets]

    def owned_tabs(self) -> set[str]:
        return owned_titles(self._fetch_metadata())

    def read_tabs(self, titles: Sequence[str]) -> dict[str, TabData]:
        """Two values:batchGet for all tabs: unformatted values, then the formatted text of the
        columns that hold a number (only a number's format can make it a percent or a date)."""
        existing = set(self.tab_titles())
        present = [t for t in titles if t in existing]
        if not present:
            return {}
        ranges = [quote_title(t) for t in present]
        raw = self._call(
            "อ่านข้อมูล",
            lambda: self.http.values_batch_get(
                self.sheet_id, ranges, {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER", "majorDimension": "ROWS"}
            ),
        )
        values = {title: vr.get("values", []) for title, vr in zip(present, raw.get("valueRanges", []))}
        wanted = [(title, first, end) for title in present for first, end in _numeric_column_runs(values.get(title, []))]
        texts: dict[str, list[list[Any]]] = {title: [] for title in present}
        if wanted:
            shown = self._call(
                "อ่านข้อมูล",
                lambda: self.http.values_batch_get(
                    self.sheet_id,
                    [f"{quote_title(t)}!{rowcol_to_a1(1, first + 1)[:-1]}:{rowcol_to_a1(1, end)[:-1]}" for t, first, end in wanted],
                    {"valueRenderOption": "FORMATTED_VALUE", "majorDimension": "COLUMNS"},
                ),
            )
            for (title, first, _end), vr in zip(wanted, shown.get("valueRanges", [])):
                _place_columns(texts[title], first, vr.get("values", []))
        merged = self._merged_headers()
        return {title: TabData(title, tuple(_typed_rows(values.get(title, []), texts[title])), merged.get(title, ()))
                for title in present}

    def _merged_headers(self) -> dict[str, tuple[tuple[int, int], ...]]:
        """Per tab, the (first, last) columns of the merges that take in row 1 across columns."""
        found: dict[str, tuple[tuple[int, int], ...]] = {}
        for sheet in self._fetch_metadata().get("sheets", []):
            ranges = sorted({
                (int(m.get("startColumnIndex", 0)), int(m.get("endColumnIndex", 0)) - 1)
                for m in sheet.get("merges", ())
                if int(m.get("startRowIndex", 0)) == 0 and int(m.get("endColumnIndex", 0)) - int(m.get("startColumnIndex", 0)) > 1
            })
            if ranges:
                found[sheet["properties"]["title"]] = tuple(ranges)
        return found

    def write_summary_tabs(self, tabs: Sequence[SummaryTab], *, force: bool = False) -> None:
        titles = [t.title for t in tabs]

        def build(metadata: dict[str, Any]) -> dict[str, Any]:
            # A tab created by an unsure earlier try already carries our developer metadata.
            check_ownership(self.tab_titles(), owned_titles(metadata), titles, force)
            return write_bodies(tabs, metadata, self.rng, self.write_budget)

        self._write("เขียนแท็บสรุป", build)

    def create_input_tabs(self, specs: Sequence[InputTabSpec]) -> list[str]:
        created: list[str] = []

        def build(metadata: dict[str, Any]) -> dict[str, Any] | None:
            existing = set(self.tab_titles())
            taken = {s["properties"]["sheetId"] for s in metadata.get("sheets", [])}
            requests_: list[dict[str, Any]] = []
            created.clear()
            for spec in specs:
                if spec.title in existing:
                    continue  # init never touches a tab that exists
                sheet_id = new_sheet_id(taken, self.rng)
                taken.add(sheet_id)
                requests_.extend(input_tab_requests(spec, sheet_id, len(existing) + len(created)))
                created.append(spec.title)
            return [encode({"requests": requests_})] if requests_ else None

        self._write("สร้างแท็บ", build)
        return created

    def protect_result_column(self, round_months: int, *, title: str | None = None, column: int | None = None,
                              editors: Sequence[str] = ()) -> bool:
        """A closed round (closing.md): protect the round's KPI result column (`column`, 0-based,
        of the tab `title`) so that only the service account and `editors` may edit it (a real
        protection, not warning-only); without a column, remove that round's protection (reopen).
        One batchUpdate; an earlier protection of the same round is replaced, never doubled.
        True when something was sent."""
        note = result_protection_note(round_months)
        sent: list[bool] = [False]

        def build(metadata: dict[str, Any]) -> list[bytes] | None:
            requests_: list[dict[str, Any]] = [
                {"deleteProtectedRange": {"protectedRangeId": p["protectedRangeId"]}}
                for sheet in metadata.get("sheets", []) for p in sheet.get("protectedRanges", []) if p.get("description") == note
            ]
            sheet = next((s for s in metadata.get("sheets", []) if s["properties"]["title"] == title), None)
            if sheet is not None and column is not None:
                users = list(dict.fromkeys([*([self.account] if self.account else []), *editors]))
                requests_.append({"addProtectedRange": {"protectedRange": {
                    "range": {"sheetId": sheet["properties"]["sheetId"], "startColumnIndex": column, "endColumnIndex": column + 1},
                    "description": note,
                    "warningOnly": False,
                    "editors": {"users": users},
                }}})
            sent[0] = bool(requests_)
            return [encode({"requests": requests_})] if requests_ else None

        self._write("ล็อกคอลัมน์ผลของรอบที่ปิดแล้ว" if column is not None else "ปลดล็อกคอลัมน์ผลของรอบที่เปิดใหม่", build)
        return sent[0]

    def _write(self, what: str, build: Callable[[dict[str, Any]], list[bytes] | None]) -> None:
        """Send the batchUpdate bodies built from the sheet as it is (one, atomic, while the
        write fits the budget). When a try fails without telling whether Google applied it, read
        the sheet again and rebuild from what is there (a staged write starts over, removing the
        staging sheets it left)."""
        policy = self.http.policy
        url = SPREADSHEET_BATCH_UPDATE_URL % self.sheet_id
        headers = {"Content-Type": "application/json; charset=UTF-8"}
        for attempt in range(1, policy.attempts + 1):
            bodies = build(self._fetch_metadata())
            if bodies is None:
                return
            try:
                for body in bodies:
                    self._call(what, lambda body=body: self.http.request("post", url, data=body, headers=headers))
            except _Unsure as unsure:
                self._metadata = None  # the write may have landed: look again
                if attempt == policy.attempts:
                    raise WorkbookError(
                        f"Google Sheets ไม่ตอบให้แน่ชัดขณะ{what} ({type(unsure.last).__name__}) — Google บันทึกแบบทั้งหมดหรือไม่มีเลย "
                        "จึงอาจเขียนแล้วหรือยังไม่ได้เขียน สั่งใหม่อีกครั้ง"
                    ) from unsure
                self.http.sleep(policy.wait(attempt, self.http.rng))
                continue
            self._metadata = None  # sheet ids, charts and protections changed
            return


def result_protection_note(round_months: int) -> str:
    """The description of a closed round's protected range (how a later reopen finds it)."""
    return f"sheets-sync: ปิดรอบ {round_months} เดือนแล้ว — ผลที่รายงานแล้ว แก้ได้เฉพาะผู้มีสิทธิ์ (close.editors)"


def _load_key(path: str, scopes: Sequence[str] = SCOPES) -> tuple[Any, str | None]:
    """Service-account credentials from a key file; never echo its content."""
    from google.oauth2 import service_account

    key = Path(path)
    if not key.is_file():
        raise WorkbookError(f"ไม่พบไฟล์กุญแจ service account: {key} — ตรวจ {{credentials}} หรือ GOOGLE_APPLICATION_CREDENTIALS")
    try:
        info = json.loads(key.read_text(encoding="utf-8"))
        if info.get("type") != "service_account":
            raise ValueError("not a service account key")
        creds = service_account.Credentials.from_service_account_info(info, scopes=list(scopes))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, AttributeError) as err:
        raise WorkbookError(
            f"ไฟล์ {key} ไม่ใช่กุญแจ service account ที่ถูกต้อง (ต้องเป็นไฟล์ .json ที่ดาวน์โหลดจาก Google Cloud Console ชนิด service account)"
        ) from err
    return creds, info.get("client_email")


# How a date cell shows, in any locale the office may use: numbers joined by / . - (31/3/2026,
# 2026-03-31, 31.03.2026), or a month's name (31 มี.ค. 2026, วันอังคารที่ 31 มีนาคม 2026, 31-Mar-2026).
_NUMERIC_DATE = re.compile(r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}")
_ENGLISH_MONTH = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\b", re.IGNORECASE)
_THAI_MONTH_WORDS = tuple(MONTHS_LONG) + tuple(MONTHS_SHORT)


def looks_like_date(shown: str) -> bool:
    """Whether a number's formatted text is a date (Sheets tells the format only as text)."""
    text = to_ascii_digits(shown)
    if not any(ch.isdigit() for ch in text):
        return False
    return bool(_NUMERIC_DATE.search(text) or _ENGLISH_MONTH.search(text) or any(m in text for m in _THAI_MONTH_WORDS))


def _typed_cell(raw: Any, text: Any) -> Cell:
    """One cell from its unformatted value and its formatted text."""
    if raw is None or raw == "":
        return EMPTY
    if isinstance(raw, bool):
        return Cell(CellKind.BOOL, raw)
    if isinstance(raw, (int, float)):
        shown = str(text) if text is not None else ""
        if shown.rstrip().endswith("%"):
            return Cell(CellKind.PERCENT, raw)
        if looks_like_date(shown):
            return Cell(CellKind.DATE, serial_to_datetime(raw))
        return Cell(CellKind.NUMBER, raw)
    if isinstance(raw, str) and _ERROR_VALUE.match(raw):
        return Cell(CellKind.ERROR, raw)
    return Cell(CellKind.TEXT, str(raw))


_ERROR_VALUE = re.compile(r"^#(DIV/0!|N/A|NAME\?|NULL!|NUM!|REF!|VALUE!|ERROR!|SPILL!|CALC!)$")


def _typed_rows(values: list[list[Any]], texts: list[list[Any]]) -> list[tuple[Cell, ...]]:
    rows = []
    for r, row in enumerate(values):
        shown = texts[r] if r < len(texts) else []
        rows.append(tuple(_typed_cell(v, shown[c] if c < len(shown) else None) for c, v in enumerate(row)))
    return rows


def _numeric_column_runs(rows: list[list[Any]]) -> list[tuple[int, int]]:
    """Runs of adjacent columns (first, end) that hold at least one number."""
    numeric: set[int] = set()
    for row in rows:
        for c, value in enumerate(row):
            if c not in numeric and isinstance(value, (int, float)) and not isinstance(value, bool):
                numeric.add(c)
    runs: list[tuple[int, int]] = []
    for c in sorted(numeric):
        if runs and runs[-1][1] == c:
            runs[-1] = (runs[-1][0], c + 1)
        else:
            runs.append((c, c + 1))
    return runs


def _place_columns(texts: list[list[Any]], first: int, columns: list[list[Any]]) -> None:
    """Put columns of formatted text (majorDimension COLUMNS) into row lists at column `first`."""
    for j, column in enumerate(columns):
        for r, value in enumerate(column):
            while len(texts) <= r:
                texts.append([])
            row = texts[r]
            if len(row) <= first + j:
                row.extend([None] * (first + j + 1 - len(row)))
            row[first + j] = value


def load_key(path: str, scopes: Sequence[str] = SCOPES) -> tuple[Any, str | None]:
    """Service-account credentials (and the account's e-mail) from a key file, with `scopes`."""
    return _load_key(path, scopes)
