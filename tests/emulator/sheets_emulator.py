"""A stateful, in-memory Google Sheets API v4 emulator for the test suite.

It speaks the wire protocol gspread 6.2 / google-auth 2.63 use (see
``shared/reference/sheets-api/NOTES.md``) over real HTTP on 127.0.0.1 (a ``wsgiref`` server in a
daemon thread), and answers with the JSON shapes recorded from Google
(``real-responses.json``): 2-space indented JSON plus a newline,
``application/json; charset=UTF-8``, Google's error envelope
``{"error": {"code", "message", "status"[, "details"]}}``.

Quick start::

    from tests.emulator.sheets_emulator import SheetsEmulator, Formula, Percent

    with SheetsEmulator() as emu:                       # or emu.start() / emu.stop()
        sid = emu.create_spreadsheet("Office", {"ภารกิจ": [["รหัสภารกิจ", "ชื่อภารกิจ"], ["M01", "งานสารบรรณ"]]})
        os.environ["SHEETS_EMULATOR_HOST"] = emu.host   # "127.0.0.1:PORT"
        info = emu.service_account_info()               # key file dict whose token_uri is the emulator
        ...                                             # run the code under test
        assert emu.get_values(sid, "ภารกิจ")[1] == ["M01", "งานสารบรรณ"]

What is emulated
----------------
* ``POST /token`` – OAuth2 JWT-bearer grant; RS256 signature checked against keys registered with
  :meth:`SheetsEmulator.register_service_account` (or made by :meth:`service_account_info`),
  ``aud`` must be ``https://oauth2.googleapis.com/token``; scopes recorded.
* ``GET /v4/spreadsheets/{id}`` (``includeGridData``, ``ranges``, ``fields``), ``POST /v4/spreadsheets``.
* ``values``: get / update (PUT) / append / clear / batchGet / batchUpdate / batchClear, with
  ``valueInputOption`` RAW | USER_ENTERED, ``valueRenderOption`` FORMATTED_VALUE |
  UNFORMATTED_VALUE | FORMULA, ``dateTimeRenderOption`` SERIAL_NUMBER | FORMATTED_STRING,
  ``majorDimension`` ROWS | COLUMNS, ``includeValuesInResponse``, ``insertDataOption``.
* ``:batchUpdate`` – atomic (applied to a copy, committed only if every subrequest is valid):
  addSheet, deleteSheet, duplicateSheet, updateSheetProperties, updateCells, repeatCell,
  updateDimensionProperties, autoResizeDimensions (accepted, no-op), insertDimension,
  deleteDimension, appendDimension, setDataValidation, add/deleteConditionalFormatRule,
  add/deleteProtectedRange, create/deleteDeveloperMetadata, addChart, deleteEmbeddedObject,
  mergeCells, unmergeCells, copyPaste (PASTE_NORMAL / PASTE_VALUES / PASTE_FORMAT, the source
  tiled over the destination; formula references are copied as written, not shifted): what
  sheets-sync sends and its tests use, plus the sheet kinds staging needs (add/hide/delete).
  Other kinds were cut (nothing used them).
  ``POST /{id}/developerMetadata:search``.
* A request body over 10,485,760 bytes answers 400 ``Request payload size exceeds the limit``.
* Grid limits (``Range (...) exceeds grid limits``) and the 10,000,000-cell cap.
* Faults: :meth:`fail_next`, :meth:`fail_always`, :meth:`delay_next`, read/write quotas over a
  sliding window (:meth:`set_quota`, a minute like Google's or shorter for tests; every read served
  is in :attr:`served_reads`), access control (:meth:`deny`, :meth:`share_with`), bearer-token checks.
* Drive v3 ``GET /drive/v3/files/{id}`` (metadata only: ``version`` goes up on every change, API
  request or out-of-band edit; ``modifiedTime``), with the token's scopes checked
  (``drive.metadata.readonly`` and wider), 404 ``File not found`` for a file not shared, 403
  ``SERVICE_DISABLED`` when :attr:`drive_enabled` is false.  Logged in :attr:`drive_requests`,
  not in :attr:`requests` (Drive has its own quota).

What is not emulated (known gaps)
---------------------------------
* The rest of the Drive API (``Client.open(title)``, ``create``, ``copy``, ``del_spreadsheet``), ``sheets/{id}:copyTo``,
  ``*ByDataFilter`` value methods, sortRange, findReplace, cutPaste, pasteData,
  moveDimension, filter views, banding, pivot tables, slicers: a known-but-unsupported
  request kind answers 400 ``... not implemented by the Sheets emulator``.
* Formulas: the text is always stored and returned for FORMULA reads; values are computed only for
  arithmetic, references and a few functions (see ``sheets_emulator_ranges``); others give ``#NAME?``.
* Number formats: the common patterns only (``0``, ``0.00``, ``#,##0.0``, ``0%``, ``0.00%``,
  ``"฿"#,##0.00``, ``yyyy-mm-dd``, ``d/m/yyyy``, ``dd/mm/yyyy``, ``hh:mm``…); month/day names are
  English; no Buddhist-era years; a DATE cell without a pattern renders ``yyyy-mm-dd``.
* Table detection for ``values.append`` is simplified: the table is the first run of consecutive
  rows with data in the range's columns (a single-cell range must itself hold data); values go
  below it, starting at its first column.  ``values.append`` grows the grid downwards; other writes
  never grow it.
* Whether Google quotes a Thai title in echoed ranges is an assumption: titles of letters (any
  script, incl. combining marks), digits and ``_`` are left unquoted, like ``Sheet1``.
* ``effectiveFormat``/``effectiveValue`` in grid data are approximations; ``requestingUserCanEdit``
  is always true; protected ranges do not block writes.

Value conventions for :meth:`create_spreadsheet` / :meth:`set_values` (out-of-band edits, as if a
person changed the sheet in the browser; no API request is counted):
``str`` → text exactly as given (pass ``user_entered=True`` to parse like typing in the UI),
``int``/``float`` → number, ``bool`` → boolean, ``None``/``""`` → empty cell,
``datetime.date`` → serial number with DATE format ``yyyy-mm-dd``, ``datetime.datetime`` →
DATE_TIME ``yyyy-mm-dd hh:mm:ss``, ``datetime.time`` → TIME ``hh:mm:ss``,
:class:`Percent` ``(0.45)`` → 0.45 with PERCENT format ``0%`` (``Percent(0.455, "0.0%")``),
:class:`Formula` ``("=1+2")`` → formula, :class:`Formatted` ``(1234.5, "#,##0.0")`` → number with
any number format, a ``dict`` → an API ``CellData`` (``userEnteredValue``, ``userEnteredFormat``,
``note``, ``dataValidation``).  :meth:`get_values` gives them back the same way.
"""

from __future__ import annotations

import base64
import copy
import datetime as _dt
import http
import io
import json
import random
import string
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from socketserver import ThreadingMixIn
from typing import Any, NamedTuple
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from .sheets_emulator_ranges import (
    Box,
    FormulaError,
    FormulaEvaluator,
    RangeParseError,
    apply_field_mask,
    col_to_letters,
    date_to_serial,
    format_number,
    format_range,
    is_date_type,
    parse_a1,
    parse_field_mask,
    parse_user_entered,
    prune_fields,
    serial_to_datetime,
    split_range,
)

__all__ = [
    "SheetsEmulator",
    "Formula",
    "Percent",
    "Formatted",
    "SheetSpec",
    "CellView",
    "RequestRecord",
    "TokenRequest",
    "emulator_fixture",
    "GOOGLE_TOKEN_AUDIENCE",
]

GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
DRIVE_FILES = "/drive/v3/files/"  # Drive v3 files.get (metadata) — SHEETS_EMULATOR_HOST sends it here too
# Scopes that let files.get read a file's metadata (https://developers.google.com/drive/api/guides/api-specific-auth)
DRIVE_METADATA_SCOPES = {f"https://www.googleapis.com/auth/{s}" for s in ("drive", "drive.readonly", "drive.metadata", "drive.metadata.readonly", "drive.file")}
DEFAULT_CELL_LIMIT = 10_000_000
_ID_ALPHABET = string.ascii_letters + string.digits + "-_"

# ============================================================================================
# Public value helpers
# ============================================================================================


class Formula(str):
    """A formula cell, e.g. ``Formula("=SUM(B2:B9)")``. Compares equal to its text."""

    def __new__(cls, text: str) -> Formula:
        if not text.startswith("="):
            text = "=" + text
        return super().__new__(cls, text)

    def __repr__(self) -> str:
        return f"Formula({str.__repr__(self)})"


class Percent(float):
    """A number shown as a percentage: ``Percent(0.45)`` is 0.45 with format ``0%`` → ``45%``."""

    pattern: str

    def __new__(cls, value: float, pattern: str = "0%") -> Percent:
        obj = super().__new__(cls, value)
        obj.pattern = pattern
        return obj

    def __repr__(self) -> str:
        return f"Percent({float(self)!r}, {self.pattern!r})"


@dataclass(frozen=True)
class Formatted:
    """A number with an explicit number format: ``Formatted(1234.5, "#,##0.0")``
    (``type`` defaults to NUMBER; use ``"DATE"``, ``"CURRENCY"``… as needed)."""

    value: float
    pattern: str
    type: str = "NUMBER"

    @property
    def number_format(self) -> dict:
        return {"type": self.type, "pattern": self.pattern}


@dataclass
class SheetSpec:
    """Full control over a sheet made by :meth:`SheetsEmulator.create_spreadsheet`.

    ``row_count``/``column_count`` default to 1000×26, grown to fit ``rows``."""

    rows: Sequence[Sequence[Any]] | None = None
    sheet_id: int | None = None
    row_count: int | None = None
    column_count: int | None = None
    frozen_row_count: int = 0
    frozen_column_count: int = 0
    hidden: bool = False


@dataclass(frozen=True)
class CellView:
    """What :meth:`SheetsEmulator.get_cell` returns (a snapshot)."""

    a1: str
    value: Any  # Python value as stored (see module docstring); None when empty
    formatted_value: str | None  # what FORMATTED_VALUE would return
    effective_value: Any  # formula result / the value itself
    formula: str | None
    user_entered_value: dict | None
    user_entered_format: dict | None
    note: str | None
    data_validation: dict | None
    hyperlink: str | None = None
    text_format_runs: list | None = None

    @property
    def number_format(self) -> dict | None:
        """``{"type": "DATE", "pattern": "yyyy-mm-dd"}`` or None."""
        return (self.user_entered_format or {}).get("numberFormat")

    @property
    def text_format(self) -> dict:
        """``{"bold": True, "fontSize": 12, ...}`` ({} when unset)."""
        return (self.user_entered_format or {}).get("textFormat") or {}

    @property
    def bold(self) -> bool:
        return bool(self.text_format.get("bold"))

    @property
    def background(self) -> dict | None:
        """Background RGB dict (from ``backgroundColorStyle.rgbColor`` or ``backgroundColor``)."""
        fmt = self.user_entered_format or {}
        style = fmt.get("backgroundColorStyle") or {}
        if "rgbColor" in style:
            return style["rgbColor"]
        return fmt.get("backgroundColor")

    @property
    def horizontal_alignment(self) -> str | None:
        return (self.user_entered_format or {}).get("horizontalAlignment")

    @property
    def wrap_strategy(self) -> str | None:
        return (self.user_entered_format or {}).get("wrapStrategy")

class RequestRecord(NamedTuple):
    """One logged API request: ``(method, path, query, body)``.

    ``path`` is percent-decoded (``/v4/spreadsheets/ID/values/'ภารกิจ'!A1``); ``query`` maps
    each parameter to its value, or to a list when it was repeated (``ranges``); ``body`` is the
    parsed JSON body or None."""

    method: str
    path: str
    query: dict
    body: Any


@dataclass
class TokenRequest:
    """One ``POST /token`` call (see :attr:`SheetsEmulator.token_requests`)."""

    grant_type: str | None
    client_email: str | None
    scopes: list
    claims: dict
    signature_verified: bool
    status: int
    error: str | None = None


# ============================================================================================
# Internal state
# ============================================================================================


class ApiError(Exception):
    """An error answer in Google's envelope."""

    def __init__(self, code: int, message: str, status: str, details: list | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.status, self.details = code, message, status, details

    def body(self) -> dict:
        err: dict = {"code": self.code, "message": self.message, "status": self.status}
        if self.details:
            err["details"] = self.details
        return {"error": err}


PROTECTED_CELL_MESSAGE = (
    "You are trying to edit a protected cell or object. Please contact the spreadsheet owner to remove protection if you need to edit."
)


def _bad_request(message: str, field_violation: str | None = None) -> ApiError:
    details = None
    if field_violation is not None:
        details = [{
            "@type": "type.googleapis.com/google.rpc.BadRequest",
            "fieldViolations": [{"field": field_violation, "description": message}],
        }]
    return ApiError(400, message, "INVALID_ARGUMENT", details)


class _Invalid(Exception):
    """A batchUpdate subrequest is invalid (message without the ``Invalid requests[i].x:`` prefix)."""


@dataclass(frozen=True)
class _Cell:
    """One stored cell. Never mutated in place (copies of the sheet share cells)."""

    value: dict | None = None  # ExtendedValue: stringValue | numberValue | boolValue | formulaValue
    fmt: dict | None = None  # userEnteredFormat
    note: str | None = None
    validation: dict | None = None
    extra: dict | None = None  # other CellData fields (hyperlink, textFormatRuns…)

    def blank(self) -> bool:
        return self.value is None and not self.fmt and self.note is None and self.validation is None and not self.extra


_SHEET_PROP_ORDER = [
    "sheetId", "title", "index", "sheetType", "gridProperties", "hidden", "tabColor", "tabColorStyle",
    "rightToLeft", "dataSourceSheetProperties",
]
_GRID_PROP_ORDER = [
    "rowCount", "columnCount", "frozenRowCount", "frozenColumnCount", "hideGridlines",
    "rowGroupControlAfter", "columnGroupControlAfter",
]
_SS_PROP_ORDER = [
    "title", "locale", "autoRecalc", "timeZone", "defaultFormat", "iterativeCalculationSettings",
    "spreadsheetTheme", "importFunctionsExternalUrlAccessAllowed",
]
_SHEET_PROP_FIELDS = set(_SHEET_PROP_ORDER)
_GRID_PROP_FIELDS = set(_GRID_PROP_ORDER)
_CELL_FIELDS = {
    "userEnteredValue", "effectiveValue", "formattedValue", "userEnteredFormat", "effectiveFormat",
    "hyperlink", "note", "textFormatRuns", "dataValidation", "pivotTable", "dataSourceTable",
    "dataSourceFormula", "chipRuns",
}
_FORMAT_FIELDS = {
    "numberFormat", "backgroundColor", "backgroundColorStyle", "borders", "padding",
    "horizontalAlignment", "verticalAlignment", "wrapStrategy", "textDirection", "textFormat",
    "hyperlinkDisplayType", "textRotation",
}


def _ordered(d: dict, order: list[str]) -> dict:
    out = {k: d[k] for k in order if k in d}
    out.update({k: v for k, v in d.items() if k not in out})
    return out


def _default_format() -> dict:
    return {
        "backgroundColor": {"red": 1, "green": 1, "blue": 1},
        "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
        "verticalAlignment": "BOTTOM",
        "wrapStrategy": "OVERFLOW_CELL",
        "textFormat": {
            "foregroundColor": {},
            "fontFamily": "arial,sans,sans-serif",
            "fontSize": 10,
            "bold": False,
            "italic": False,
            "strikethrough": False,
            "underline": False,
            "foregroundColorStyle": {"rgbColor": {}},
        },
        "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
    }


def _default_theme() -> dict:
    def color(kind: str, rgb: dict) -> dict:
        return {"colorType": kind, "color": {"rgbColor": rgb}}

    return {
        "primaryFontFamily": "Arial",
        "themeColors": [
            color("TEXT", {}),
            color("BACKGROUND", {"red": 1, "green": 1, "blue": 1}),
            color("ACCENT1", {"red": 0.25882354, "green": 0.52156866, "blue": 0.95686275}),
            color("ACCENT2", {"red": 0.91764706, "green": 0.2627451, "blue": 0.20784314}),
            color("ACCENT3", {"red": 0.9843137, "green": 0.7372549, "blue": 0.015686275}),
            color("ACCENT4", {"red": 0.20392157, "green": 0.65882355, "blue": 0.3254902}),
            color("ACCENT5", {"red": 1, "green": 0.42745098, "blue": 0.003921569}),
            color("ACCENT6", {"red": 0.27450982, "green": 0.7411765, "blue": 0.7764706}),
            color("LINK", {"red": 0.06666667, "green": 0.33333334, "blue": 0.8}),
        ],
    }


MAX_PAYLOAD_BYTES = 10_485_760  # Google refuses a larger request body


class _Sheet:
    """One sheet (tab). ``props`` is the API SheetProperties JSON."""

    def __init__(self, props: dict) -> None:
        self.props = props
        self.cells: dict[tuple[int, int], _Cell] = {}
        self.merges: list[dict] = []
        self.conditional_formats: list[dict] = []
        self.protected_ranges: list[dict] = []
        self.developer_metadata: list[dict] = []
        self.charts: list[dict] = []
        self.basic_filter: dict | None = None
        self.col_meta: dict[int, dict] = {}
        self.row_meta: dict[int, dict] = {}

    def clone(self) -> _Sheet:
        other = _Sheet(copy.deepcopy(self.props))
        other.cells = dict(self.cells)  # cells are immutable
        for name in ("merges", "conditional_formats", "protected_ranges", "developer_metadata", "charts",
                     "basic_filter", "col_meta", "row_meta"):
            setattr(other, name, copy.deepcopy(getattr(self, name)))
        return other

    # convenience ---------------------------------------------------------------------------
    @property
    def sheet_id(self) -> int:
        return int(self.props.get("sheetId", 0))

    @property
    def title(self) -> str:
        return str(self.props.get("title", ""))

    @property
    def grid(self) -> dict:
        return self.props.setdefault("gridProperties", {})

    @property
    def row_count(self) -> int:
        return int(self.grid.get("rowCount", 0))

    @property
    def col_count(self) -> int:
        return int(self.grid.get("columnCount", 0))

    def set_cell(self, r: int, c: int, cell: _Cell) -> None:
        if cell.blank():
            self.cells.pop((r, c), None)
        else:
            self.cells[(r, c)] = cell

    def get(self, r: int, c: int) -> _Cell:
        return self.cells.get((r, c)) or _EMPTY


_EMPTY = _Cell()


class _Spreadsheet:
    def __init__(self, spreadsheet_id: str, props: dict) -> None:
        self.id = spreadsheet_id
        self.props = props
        self.sheets: list[_Sheet] = []
        self.developer_metadata: list[dict] = []
        self.denied = False
        self.shared_with: set[str] | None = None
        self.version = 1  # Drive's file version: goes up on every change
        self.modified = time.time()

    def touch(self) -> None:
        self.version += 1
        self.modified = max(time.time(), self.modified + 0.001)

    def clone(self) -> _Spreadsheet:
        other = _Spreadsheet(self.id, copy.deepcopy(self.props))
        other.version, other.modified = self.version, self.modified
        other.sheets = [s.clone() for s in self.sheets]
        other.developer_metadata = copy.deepcopy(self.developer_metadata)
        other.denied, other.shared_with = self.denied, self.shared_with
        return other

    def reindex(self) -> None:
        for i, sheet in enumerate(self.sheets):
            sheet.props["index"] = i

    def by_id(self, sheet_id: int) -> _Sheet | None:
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)

    def by_title(self, title: str) -> _Sheet | None:
        hit = next((s for s in self.sheets if s.title == title), None)
        if hit is None:
            hit = next((s for s in self.sheets if s.title.lower() == title.lower()), None)
        return hit

    @property
    def locale(self) -> str:
        return str(self.props.get("locale", "th_TH"))

    def total_cells(self) -> int:
        return sum(s.row_count * s.col_count for s in self.sheets)


@dataclass
class _Fault:
    status: int
    body: Any = None
    when: Callable[[RequestRecord], bool] | None = None


@dataclass
class _Ctx:
    """Per-request context."""

    caller: str
    eval_cache: dict = field(default_factory=dict)
    eval_stack: set = field(default_factory=set)


# ============================================================================================
# JSON helpers
# ============================================================================================


def _clean_numbers(obj: Any) -> Any:
    """Integral floats are printed without ``.0`` like Google does (``43831``, not ``43831.0``)."""
    if isinstance(obj, bool) or obj is None:
        return obj
    if isinstance(obj, float):
        if obj.is_integer() and abs(obj) < 2**53:
            return int(obj)
        return obj
    if isinstance(obj, dict):
        return {k: _clean_numbers(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean_numbers(v) for v in obj]
    return obj


def _dump(obj: Any) -> bytes:
    return (json.dumps(_clean_numbers(obj), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _strip_nulls(obj: Any) -> Any:
    """JSON ``null`` means "unset" in Google's API: drop it everywhere."""
    if isinstance(obj, dict):
        return {k: _strip_nulls(v) for k, v in obj.items() if v is not None}
    if isinstance(obj, list):
        return [_strip_nulls(v) for v in obj]
    return obj


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "1", "yes")


def _norm_grid_range(gr: dict) -> dict:
    """GridRange as Google echoes it: sheetId 0 omitted (proto3 default), canonical key order."""
    out: dict = {}
    if gr.get("sheetId"):
        out["sheetId"] = int(gr["sheetId"])
    for key in ("startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex"):
        if gr.get(key) is not None:
            out[key] = int(gr[key])
    return out


def _box_of(gr: dict) -> Box:
    return Box(gr.get("startRowIndex"), gr.get("endRowIndex"), gr.get("startColumnIndex"), gr.get("endColumnIndex"))


def _py_number(x: float) -> int | float:
    return int(x) if float(x).is_integer() and abs(x) < 2**53 else float(x)


# ============================================================================================
# The emulator
# ============================================================================================


class _QuietHandler(WSGIRequestHandler):
    def get_environ(self) -> dict:
        env = super().get_environ()
        env["emulator.raw_path"] = self.path  # undecoded request target
        return env

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature of the base
        pass

    def get_stderr(self) -> Any:
        return io.StringIO()  # swallow BrokenPipe tracebacks when a client times out


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # the default 5 drops SYNs under concurrent clients (1 s retransmits)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


class SheetsEmulator:
    """In-memory Google Sheets API v4 server. See the module docstring."""

    Formula = Formula
    Percent = Percent
    Formatted = Formatted
    SheetSpec = SheetSpec

    def __init__(
        self,
        require_auth: bool = False,
        *,
        seed: int | None = None,
        cell_limit: int = DEFAULT_CELL_LIMIT,
        default_caller: str = "sheets-emulator@emulator.iam.gserviceaccount.com",
        project_number: str = "1234567890",
        token_lifetime: int = 3600,
    ) -> None:
        """``require_auth=False`` (default) accepts API calls with no ``Authorization`` header and
        rejects only a bearer token the emulator did not issue (once it has issued one);
        ``require_auth=True`` also rejects a missing header.  ``default_caller`` is the identity of
        unauthenticated calls (added to protected-range editors)."""
        self.require_auth = require_auth
        self.cell_limit = cell_limit
        self.default_caller = default_caller
        self.project_number = project_number
        self.token_lifetime = token_lifetime
        self._rng = random.Random(seed)
        self._lock = threading.RLock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._spreadsheets: dict[str, _Spreadsheet] = {}
        self._service_accounts: dict[str, str] = {}
        self._tokens: dict[str, str] = {}
        self._tokens_issued = False
        self.requests: list[RequestRecord] = []
        self.body_sizes: list[int] = []  # bytes of each request body, beside `requests`
        self.token_requests: list[TokenRequest] = []
        self.token_scopes: list[str] = []
        self.request_count = 0
        self._faults: list[_Fault] = []
        self._always: _Fault | None = None
        self._delays: deque[float] = deque()
        self._reply_delays: deque[float] = deque()
        self._quota: dict[str, int | None] = {"read": None, "write": None}
        self._quota_hits: dict[str, deque] = {"read": deque(), "write": deque()}
        self._quota_window = 60.0
        self.served_reads: list[float] = []  # :attr:`clock` time of every Sheets read answered 200
        self.quota_rejections = 0  # 429s answered by the quota
        self._token_scopes: dict[str, set[str]] = {}
        self.drive_enabled = True  # False: Drive answers 403 SERVICE_DISABLED (API not enabled in the project)
        self.drive_requests: list[RequestRecord] = []  # Drive files.get calls (not in `requests`: Drive's own quota)
        self.clock: Callable[[], float] = time.monotonic

    # ----------------------------------------------------------------------------------------
    # Lifecycle
    # ----------------------------------------------------------------------------------------
    def start(self) -> SheetsEmulator:
        """Serve on 127.0.0.1 on an ephemeral port in a daemon thread (idempotent)."""
        if self._server is not None:
            return self
        server = _Server(("127.0.0.1", 0), _QuietHandler)
        server.set_app(self.wsgi_app)
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="sheets-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> SheetsEmulator:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("SheetsEmulator is not started")
        return int(self._server.server_address[1])

    @property
    def host(self) -> str:
        """``127.0.0.1:PORT`` (what ``SHEETS_EMULATOR_HOST`` should hold)."""
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.host}"

    @property
    def token_uri(self) -> str:
        return f"{self.url}/token"

    def reset(self) -> None:
        """Forget every spreadsheet, token, fault, quota and log (the server keeps running;
        registered service accounts are kept)."""
        with self._lock:
            self._spreadsheets.clear()
            self._tokens.clear()
            self._tokens_issued = False
            self._faults.clear()
            self._always = None
            self._delays.clear()
            self._reply_delays.clear()
            self._quota = {"read": None, "write": None}
            self._quota_window = 60.0
            for hits in self._quota_hits.values():
                hits.clear()
            self.drive_enabled = True
            self.reset_counts()

    def reset_counts(self) -> None:
        """Zero :attr:`request_count` and clear :attr:`requests`, :attr:`token_requests`, :attr:`token_scopes`."""
        with self._lock:
            self.request_count = 0
            self.requests.clear()
            self.body_sizes.clear()
            self.token_requests.clear()
            self.token_scopes.clear()
            self.served_reads.clear()
            self.quota_rejections = 0
            self.drive_requests.clear()

    # ----------------------------------------------------------------------------------------
    # Faults, delays, quotas, access control
    # ----------------------------------------------------------------------------------------
    def fail_next(self, status: int = 429, count: int = 1, body: Any = None,
                  *, when: Callable[[RequestRecord], bool] | None = None) -> None:
        """The next ``count`` API requests (matching ``when`` if given) answer ``status`` with
        Google's error body for it (or ``body``: a dict is sent as JSON, a str/bytes as is)."""
        with self._lock:
            self._faults.extend(_Fault(status, body, when) for _ in range(count))

    def fail_always(self, status: int = 429, body: Any = None) -> None:
        with self._lock:
            self._always = _Fault(status, body)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()
            self._always = None
            self._delays.clear()
            self._reply_delays.clear()

    def delay_reply_next(self, seconds: float, count: int = 1) -> None:
        """Apply each of the next ``count`` API requests, then wait ``seconds`` before answering:
        a client that times out meanwhile cannot know its request was applied."""
        with self._lock:
            self._reply_delays.extend([seconds] * count)

    def delay_next(self, seconds: float, count: int = 1) -> None:
        """Sleep ``seconds`` before answering each of the next ``count`` API requests."""
        with self._lock:
            self._delays.extend([seconds] * count)

    def set_quota(self, reads_per_minute: int | None = None, writes_per_minute: int | None = None,
                  *, window_seconds: float = 60.0) -> None:
        """Answer 429 RESOURCE_EXHAUSTED (Google's body, ErrorInfo RATE_LIMIT_EXCEEDED) once N reads
        (GET) / writes were served in the last ``window_seconds`` of :attr:`clock` (Google's window
        is a minute; tests shorten it).  ``None`` disables the limit."""
        with self._lock:
            self._quota = {"read": reads_per_minute, "write": writes_per_minute}
            self._quota_window = float(window_seconds)
            for hits in self._quota_hits.values():
                hits.clear()

    def deny(self, spreadsheet_id: str) -> None:
        """Every request on this spreadsheet answers 403 PERMISSION_DENIED."""
        with self._lock:
            self._ss(spreadsheet_id).denied = True

    def allow(self, spreadsheet_id: str) -> None:
        with self._lock:
            self._ss(spreadsheet_id).denied = False

    def share_with(self, spreadsheet_id: str, *emails: str) -> None:
        """Restrict access to these callers (token ``client_email``s, or ``default_caller`` for
        unauthenticated calls); everyone else gets 403.  Call again to add more."""
        with self._lock:
            ss = self._ss(spreadsheet_id)
            ss.shared_with = set(ss.shared_with or set()) | set(emails)

    # ----------------------------------------------------------------------------------------
    # Service accounts & tokens
    # ----------------------------------------------------------------------------------------
    def register_service_account(self, client_email: str, public_key_pem: str | bytes) -> None:
        """Tokens for ``client_email`` are granted only for JWTs signed by this key (PEM public key
        or X.509 certificate).  Once any account is registered, unknown accounts are refused."""
        if isinstance(public_key_pem, bytes):
            public_key_pem = public_key_pem.decode()
        with self._lock:
            self._service_accounts[client_email] = public_key_pem

    def service_account_info(self, client_email: str = "sheets-sync@emulator-project.iam.gserviceaccount.com",
                             *, register: bool = True) -> dict:
        """A fresh RSA-2048 service-account key file (as a dict) whose ``token_uri`` is this
        emulator; the public key is registered unless ``register=False``.  Needs ``cryptography``."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        public_pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()
        if register:
            self.register_service_account(client_email, public_pem)
        return {
            "type": "service_account",
            "project_id": "emulator-project",
            "private_key_id": "".join(self._rng.choice("0123456789abcdef") for _ in range(40)),
            "private_key": private_pem,
            "client_email": client_email,
            "client_id": str(self._rng.randrange(10**20, 10**21)),
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": self.token_uri,
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/"
            + urllib.parse.quote(client_email),
            "universe_domain": "googleapis.com",
        }

    def issue_token(self, client_email: str | None = None) -> str:
        """Mint a bearer token directly (no JWT), e.g. for raw HTTP tests."""
        with self._lock:
            token = "ya29.emulator-" + "".join(self._rng.choice(_ID_ALPHABET) for _ in range(40))
            self._tokens[token] = client_email or self.default_caller
            self._tokens_issued = True
            return token

    def revoke_tokens(self) -> None:
        """Invalidate every issued token (the next API call with one gets 401; google-auth then
        refreshes and retries)."""
        with self._lock:
            self._tokens.clear()

    @property
    def issued_tokens(self) -> dict:
        with self._lock:
            return dict(self._tokens)

    # ----------------------------------------------------------------------------------------
    # Client helpers (gspread / requests)
    # ----------------------------------------------------------------------------------------
    def requests_adapter(self) -> Any:
        """A ``requests`` adapter rewriting ``https://sheets.googleapis.com`` to this emulator;
        mount it with ``session.mount("https://sheets.googleapis.com/", emu.requests_adapter())``."""
        import requests.adapters

        base = self.url

        class _RewriteAdapter(requests.adapters.HTTPAdapter):
            def send(self, request: Any, **kwargs: Any) -> Any:  # type: ignore[override]
                request.url = base + request.url.split("sheets.googleapis.com", 1)[1]
                return super().send(request, **kwargs)

        return _RewriteAdapter()

    def gspread_client(self, info: dict | None = None, *, http_client: Any = None) -> Any:
        """A real ``gspread.Client`` authenticated through this emulator's token endpoint and
        redirected to it (``info`` defaults to a fresh :meth:`service_account_info`)."""
        import gspread
        from google.oauth2.service_account import Credentials

        info = info or self.service_account_info()
        creds = Credentials.from_service_account_info(info, scopes=gspread.auth.DEFAULT_SCOPES)
        client = gspread.authorize(creds, http_client=http_client or gspread.HTTPClient)
        client.http_client.session.mount("https://sheets.googleapis.com/", self.requests_adapter())
        return client

    # ----------------------------------------------------------------------------------------
    # Out-of-band state access (no API request counted)
    # ----------------------------------------------------------------------------------------
    def create_spreadsheet(
        self,
        title: str = "Untitled spreadsheet",
        sheets: Mapping[str, Sequence[Sequence[Any]] | SheetSpec] | None = None,
        spreadsheet_id: str | None = None,
        *,
        locale: str = "th_TH",
        time_zone: str = "Asia/Bangkok",
        user_entered: bool = False,
    ) -> str:
        """Create a spreadsheet and return its id (random 44 chars when None).

        ``sheets`` maps titles to rows (see the value conventions in the module docstring) or to a
        :class:`SheetSpec`.  The first sheet gets sheetId 0 like a new Google spreadsheet; with
        no ``sheets`` there is one empty ``Sheet1`` of 1000×26."""
        with self._lock:
            sid = spreadsheet_id or self._new_spreadsheet_id()
            if sid in self._spreadsheets:
                raise ValueError(f"spreadsheet {sid!r} already exists")
            props = {
                "title": title,
                "locale": locale,
                "autoRecalc": "ON_CHANGE",
                "timeZone": time_zone,
                "defaultFormat": _default_format(),
                "spreadsheetTheme": _default_theme(),
            }
            ss = _Spreadsheet(sid, props)
            specs = dict(sheets or {"Sheet1": SheetSpec()})
            for i, (sheet_title, spec) in enumerate(specs.items()):
                if not isinstance(spec, SheetSpec):
                    spec = SheetSpec(rows=spec)
                sheet_id = spec.sheet_id if spec.sheet_id is not None else (0 if i == 0 else None)
                self._add_sheet_oob(ss, sheet_title, spec, sheet_id, None, user_entered)
            self._spreadsheets[sid] = ss
            return sid

    def add_sheet(
        self,
        spreadsheet_id: str,
        title: str,
        rows: Sequence[Sequence[Any]] | None = None,
        *,
        sheet_id: int | None = None,
        row_count: int | None = None,
        column_count: int | None = None,
        index: int | None = None,
        hidden: bool = False,
        frozen_row_count: int = 0,
        user_entered: bool = False,
    ) -> int:
        """Add a sheet out of band; returns its sheetId."""
        spec = SheetSpec(rows, sheet_id, row_count, column_count, frozen_row_count, 0, hidden)
        with self._lock:
            ss = self._ss(spreadsheet_id)
            added = self._add_sheet_oob(ss, title, spec, sheet_id, index, user_entered).sheet_id
            ss.touch()
            return added

    def touch(self, spreadsheet_id: str) -> None:
        """A change made in the browser that the test does not need to spell out (Drive's
        ``version`` goes up, like every other change)."""
        with self._lock:
            self._ss(spreadsheet_id).touch()

    def drive_version(self, spreadsheet_id: str) -> int:
        with self._lock:
            return self._ss(spreadsheet_id).version

    def set_values(
        self,
        spreadsheet_id: str,
        sheet: str | int,
        a1: str,
        rows: Sequence[Sequence[Any]],
        *,
        user_entered: bool = False,
        expand: bool = True,
    ) -> None:
        """Write ``rows`` with their top-left at ``a1`` (e.g. ``"A2"``) as if typed by a person.
        ``None`` and ``""`` clear a cell.  The grid grows to fit unless ``expand=False``."""
        with self._lock:
            ss = self._ss(spreadsheet_id)
            sh = self._sheet(ss, sheet)
            box = parse_a1(a1)
            r0, c0 = box.row0 or 0, box.col0 or 0
            self._put_python_rows(ss, sh, r0, c0, rows, user_entered, expand)
            ss.touch()

    def get_values(
        self,
        spreadsheet_id: str,
        sheet: str | int,
        a1: str | None = None,
        *,
        empty: Any = "",
    ) -> list[list[Any]]:
        """Stored values as Python objects (see the module docstring), trimmed like the API
        (trailing empty cells/rows dropped); interior empty cells are ``empty``."""
        with self._lock:
            ss = self._ss(spreadsheet_id)
            sh = self._sheet(ss, sheet)
            box = (parse_a1(a1) if a1 else Box()).resolve(sh.row_count, sh.col_count)
            return self._grid_rows(sh, box, lambda cell: self._python_value(cell), empty=empty)

    def get_cell(self, spreadsheet_id: str, sheet: str | int, a1: str) -> CellView:
        """Everything stored for one cell (value, formats, note, data validation)."""
        with self._lock:
            ss = self._ss(spreadsheet_id)
            sh = self._sheet(ss, sheet)
            box = parse_a1(a1)
            r, c = box.row0 or 0, box.col0 or 0
            cell = sh.get(r, c)
            ctx = _Ctx(self.default_caller)
            formatted = self._render(ss, sh, r, c, cell, "FORMATTED_VALUE", "SERIAL_NUMBER", ctx)
            effective = self._effective(ss, sh, r, c, ctx)
            if isinstance(effective, FormulaError):
                effective = str(effective)
            extra = cell.extra or {}
            return CellView(
                a1=f"{col_to_letters(c)}{r + 1}",
                value=self._python_value(cell),
                formatted_value=None if formatted is None else str(formatted),
                effective_value=effective,
                formula=(cell.value or {}).get("formulaValue"),
                user_entered_value=copy.deepcopy(cell.value),
                user_entered_format=copy.deepcopy(cell.fmt),
                note=cell.note,
                data_validation=copy.deepcopy(cell.validation),
                hyperlink=extra.get("hyperlink"),
                text_format_runs=extra.get("textFormatRuns"),
            )

    def spreadsheet(self, spreadsheet_id: str) -> dict:
        """The full stored state as API-shaped JSON (what ``spreadsheets.get`` returns, plus, per
        sheet, emulator-only keys: ``columnWidths`` / ``rowHeights`` ({index: pixelSize}),
        ``hiddenColumns``/``hiddenRows`` (indices), ``dataValidation`` ({A1: rule}) and ``notes``
        ({A1: text})."""
        with self._lock:
            ss = self._ss(spreadsheet_id)
            out = self._spreadsheet_json(ss, include_grid=False, ranges=None)
            for sheet_json, sh in zip(out["sheets"], ss.sheets):
                sheet_json["columnWidths"] = {i: m["pixelSize"] for i, m in sorted(sh.col_meta.items()) if "pixelSize" in m}
                sheet_json["rowHeights"] = {i: m["pixelSize"] for i, m in sorted(sh.row_meta.items()) if "pixelSize" in m}
                sheet_json["hiddenColumns"] = sorted(i for i, m in sh.col_meta.items() if m.get("hiddenByUser"))
                sheet_json["hiddenRows"] = sorted(i for i, m in sh.row_meta.items() if m.get("hiddenByUser"))
                cells = sorted(sh.cells.items())
                sheet_json["dataValidation"] = {
                    f"{col_to_letters(c)}{r + 1}": copy.deepcopy(cell.validation) for (r, c), cell in cells if cell.validation
                }
                sheet_json["notes"] = {f"{col_to_letters(c)}{r + 1}": cell.note for (r, c), cell in cells if cell.note}
            return out

    def sheet_titles(self, spreadsheet_id: str) -> list[str]:
        with self._lock:
            return [s.title for s in self._ss(spreadsheet_id).sheets]

    def sheet_id(self, spreadsheet_id: str, title: str) -> int:
        with self._lock:
            return self._sheet(self._ss(spreadsheet_id), title).sheet_id

    def sheet_properties(self, spreadsheet_id: str, sheet: str | int) -> dict:
        with self._lock:
            return self._props_json(self._sheet(self._ss(spreadsheet_id), sheet).props)

    # ----------------------------------------------------------------------------------------
    # Internal helpers: lookup, ids, python values
    # ----------------------------------------------------------------------------------------
    def _ss(self, spreadsheet_id: str) -> _Spreadsheet:
        try:
            return self._spreadsheets[spreadsheet_id]
        except KeyError:
            raise KeyError(f"no spreadsheet {spreadsheet_id!r} in the emulator") from None

    @staticmethod
    def _sheet(ss: _Spreadsheet, sheet: str | int) -> _Sheet:
        found = ss.by_id(sheet) if isinstance(sheet, int) else ss.by_title(sheet)
        if found is None:
            raise KeyError(f"no sheet {sheet!r} in spreadsheet {ss.id!r}; sheets: {[s.title for s in ss.sheets]}")
        return found

    def _new_spreadsheet_id(self) -> str:
        while True:
            sid = "1" + "".join(self._rng.choice(_ID_ALPHABET) for _ in range(43))
            if sid not in self._spreadsheets:
                return sid

    def _new_int_id(self, taken: Iterable[int]) -> int:
        taken_set = set(taken)
        while True:
            n = self._rng.randint(1, 2**31 - 1)
            if n not in taken_set:
                return n

    def _add_sheet_oob(self, ss: _Spreadsheet, title: str, spec: SheetSpec, sheet_id: int | None,
                       index: int | None, user_entered: bool) -> _Sheet:
        if ss.by_title(title) is not None:
            raise ValueError(f"sheet {title!r} already exists")
        rows = [list(r) for r in (spec.rows or [])]
        width = max((len(r) for r in rows), default=0)
        row_count = spec.row_count if spec.row_count is not None else max(1000, len(rows))
        col_count = spec.column_count if spec.column_count is not None else max(26, width)
        if sheet_id is None:
            sheet_id = self._new_int_id(s.sheet_id for s in ss.sheets)
        elif ss.by_id(sheet_id) is not None:
            raise ValueError(f"sheetId {sheet_id} already exists")
        grid: dict = {"rowCount": row_count, "columnCount": col_count}
        if spec.frozen_row_count:
            grid["frozenRowCount"] = spec.frozen_row_count
        if spec.frozen_column_count:
            grid["frozenColumnCount"] = spec.frozen_column_count
        props: dict = {"sheetId": sheet_id, "title": title, "index": 0, "sheetType": "GRID", "gridProperties": grid}
        if spec.hidden:
            props["hidden"] = True
        sheet = _Sheet(props)
        pos = len(ss.sheets) if index is None else max(0, min(index, len(ss.sheets)))
        ss.sheets.insert(pos, sheet)
        ss.reindex()
        self._put_python_rows(ss, sheet, 0, 0, rows, user_entered, expand=False)
        return sheet

    def _put_python_rows(self, ss: _Spreadsheet, sh: _Sheet, r0: int, c0: int, rows: Sequence[Sequence[Any]],
                         user_entered: bool, expand: bool) -> None:
        rows = [list(r) for r in rows]
        need_rows = r0 + len(rows)
        need_cols = c0 + max((len(r) for r in rows), default=0)
        if need_rows > sh.row_count or need_cols > sh.col_count:
            if not expand:
                raise ValueError(
                    f"{len(rows)} rows at {col_to_letters(c0)}{r0 + 1} do not fit the {sh.row_count}x{sh.col_count} grid"
                    " of sheet " + repr(sh.title)
                )
            sh.grid["rowCount"] = max(sh.row_count, need_rows)
            sh.grid["columnCount"] = max(sh.col_count, need_cols)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                r, c = r0 + i, c0 + j
                sh.set_cell(r, c, self._cell_from_python(sh.get(r, c), value, user_entered, ss.locale))

    @staticmethod
    def _with_number_format(fmt: dict | None, number_format: dict | None) -> dict | None:
        if number_format is None:
            return fmt
        new = dict(fmt or {})
        new["numberFormat"] = dict(number_format)
        return new

    def _cell_from_python(self, old: _Cell, value: Any, user_entered: bool, locale: str) -> _Cell:
        if value is None or (isinstance(value, str) and value == "" and not isinstance(value, Formula)):
            return replace(old, value=None)
        if isinstance(value, dict):  # API CellData
            data = _strip_nulls(value)
            extra = {k: v for k, v in data.items() if k not in ("userEnteredValue", "userEnteredFormat", "note", "dataValidation")}
            return _Cell(data.get("userEnteredValue"), data.get("userEnteredFormat"), data.get("note"),
                         data.get("dataValidation"), extra or None)
        number_format: dict | None = None
        if isinstance(value, Formula):
            ev: dict = {"formulaValue": str(value)}
        elif isinstance(value, Percent):
            ev, number_format = {"numberValue": float(value)}, {"type": "PERCENT", "pattern": value.pattern}
        elif isinstance(value, Formatted):
            ev, number_format = {"numberValue": float(value.value)}, value.number_format
        elif isinstance(value, bool):
            ev = {"boolValue": value}
        elif isinstance(value, (int, float, Decimal)):
            ev = {"numberValue": float(value)}
        elif isinstance(value, _dt.datetime):
            ev, number_format = {"numberValue": date_to_serial(value)}, {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm:ss"}
        elif isinstance(value, _dt.date):
            ev, number_format = {"numberValue": date_to_serial(value)}, {"type": "DATE", "pattern": "yyyy-mm-dd"}
        elif isinstance(value, _dt.time):
            ev, number_format = {"numberValue": date_to_serial(value)}, {"type": "TIME", "pattern": "hh:mm:ss"}
        elif isinstance(value, str):
            if user_entered:
                ev, number_format = parse_user_entered(value, locale)
            else:
                ev = {"stringValue": value}
        else:
            raise TypeError(f"unsupported cell value {value!r} ({type(value).__name__})")
        return replace(old, value=ev, fmt=self._with_number_format(old.fmt, number_format))

    @staticmethod
    def _python_value(cell: _Cell) -> Any:
        ev = cell.value
        if ev is None:
            return None
        if "formulaValue" in ev:
            return Formula(ev["formulaValue"])
        if "stringValue" in ev:
            return ev["stringValue"]
        if "boolValue" in ev:
            return bool(ev["boolValue"])
        if "numberValue" in ev:
            x = float(ev["numberValue"])
            nf = (cell.fmt or {}).get("numberFormat") or {}
            typ = nf.get("type")
            try:
                if typ == "DATE":
                    return serial_to_datetime(x).date()
                if typ == "DATE_TIME":
                    return serial_to_datetime(x)
                if typ == "TIME":
                    return serial_to_datetime(x).time()
            except (OverflowError, ValueError):
                return _py_number(x)
            if typ == "PERCENT":
                return Percent(x, nf.get("pattern") or "0.00%")
            return _py_number(x)
        if "errorValue" in ev:
            return ev["errorValue"].get("message", "#ERROR!")
        return None

    # ----------------------------------------------------------------------------------------
    # Rendering
    # ----------------------------------------------------------------------------------------
    def _effective(self, ss: _Spreadsheet, sh: _Sheet, r: int, c: int, ctx: _Ctx) -> Any:
        """Evaluated value of a cell: float | str | bool | None | FormulaError."""
        cell = sh.get(r, c)
        ev = cell.value
        if ev is None:
            return None
        if "numberValue" in ev:
            return float(ev["numberValue"])
        if "stringValue" in ev:
            return ev["stringValue"]
        if "boolValue" in ev:
            return bool(ev["boolValue"])
        if "formulaValue" not in ev:
            return None
        key = (sh.sheet_id, r, c)
        if key in ctx.eval_cache:
            return ctx.eval_cache[key]
        if key in ctx.eval_stack:
            return FormulaError("#REF!")
        ctx.eval_stack.add(key)
        try:
            def get_range(title: str | None, box: Box) -> list:
                target = sh if title is None else ss.by_title(title)
                if target is None:
                    raise FormulaError("#REF!")
                bounded = box.resolve(target.row_count, target.col_count)
                out = []
                for rr in range(bounded.row0, min(bounded.row1, target.row_count)):  # type: ignore[arg-type]
                    for cc in range(bounded.col0, min(bounded.col1, target.col_count)):  # type: ignore[arg-type]
                        v = self._effective(ss, target, rr, cc, ctx) if (rr, cc) in target.cells else None
                        if isinstance(v, FormulaError):
                            raise v
                        out.append(v)
                return out

            result = FormulaEvaluator(get_range).evaluate_safely(ev["formulaValue"])
        finally:
            ctx.eval_stack.discard(key)
        ctx.eval_cache[key] = result
        return result

    def _render(self, ss: _Spreadsheet, sh: _Sheet, r: int, c: int, cell: _Cell, vro: str, dtro: str, ctx: _Ctx) -> Any:
        """The value a values read returns for one cell (None = empty)."""
        ev = cell.value
        if ev is None:
            return None
        if vro == "FORMULA" and "formulaValue" in ev:
            return ev["formulaValue"]
        value = self._effective(ss, sh, r, c, ctx)
        if isinstance(value, FormulaError):
            return str(value)
        if value is None:
            return ""
        nf = (cell.fmt or {}).get("numberFormat")
        if isinstance(value, bool):
            return ("TRUE" if value else "FALSE") if vro == "FORMATTED_VALUE" else value
        if isinstance(value, float):
            if vro == "FORMATTED_VALUE":
                return format_number(value, nf)
            if dtro == "FORMATTED_STRING" and is_date_type(nf):
                return format_number(value, nf)
            return value
        return value

    @staticmethod
    def _grid_rows(sh: _Sheet, box: Box, render: Callable[[_Cell], Any], *, empty: Any = "",
                   columns: bool = False, cell_fn: Callable[[int, int, _Cell], Any] | None = None) -> list[list[Any]]:
        """Trimmed 2-D list of rendered values in ``box`` (bounded). ``columns`` → column-major."""
        by_major: dict[int, dict[int, Any]] = {}
        for (r, c), cell in sh.cells.items():
            if cell.value is None or not box.contains(r, c):
                continue
            v = cell_fn(r, c, cell) if cell_fn else render(cell)
            if v is None:
                continue
            major, minor = (c, r) if columns else (r, c)
            by_major.setdefault(major, {})[minor] = v
        if not by_major:
            return []
        major0, minor0 = (box.col0, box.row0) if columns else (box.row0, box.col0)
        out: list[list[Any]] = []
        for major in range(major0, max(by_major) + 1):  # type: ignore[arg-type]
            line = by_major.get(major)
            if not line:
                out.append([])
                continue
            out.append([line.get(minor, empty) for minor in range(minor0, max(line) + 1)])  # type: ignore[arg-type]
        return out

    # ----------------------------------------------------------------------------------------
    # WSGI application
    # ----------------------------------------------------------------------------------------
    def wsgi_app(self, environ: dict, start_response: Callable) -> list[bytes]:
        """The WSGI entry point (usable in-process, e.g. with a requests WSGI adapter)."""
        try:
            status, payload, content_type = self._handle(environ)
        except Exception as exc:  # pragma: no cover - a bug in the emulator: say so loudly
            import traceback

            traceback.print_exc()
            status = 500
            payload = _dump(ApiError(500, f"Sheets emulator bug: {exc!r}", "INTERNAL").body())
            content_type = "application/json; charset=UTF-8"
        reason = http.HTTPStatus(status).phrase
        start_response(f"{status} {reason}", [("Content-Type", content_type), ("Content-Length", str(len(payload)))])
        return [payload]

    def _handle(self, environ: dict) -> tuple[int, bytes, str]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        raw = environ.get("emulator.raw_path")
        if raw is not None:
            target = raw.split("?", 1)[0]
            if "://" in target:  # absolute-form request target
                target = "/" + target.split("://", 1)[1].split("/", 1)[-1]
            encoded = True
        else:
            target = environ.get("PATH_INFO", "")
            try:  # PEP 3333: PATH_INFO is latin-1-decoded bytes
                target = target.encode("latin-1").decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                pass
            encoded = False
        query_string = environ.get("QUERY_STRING", "")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        body_bytes = environ["wsgi.input"].read(length) if length > 0 else b""
        if len(body_bytes) > MAX_PAYLOAD_BYTES:
            error = ApiError(400, f"Request payload size exceeds the limit: {MAX_PAYLOAD_BYTES} bytes.", "INVALID_ARGUMENT")
            return 400, _dump(error.body()), "application/json; charset=UTF-8"
        decode = urllib.parse.unquote if encoded else (lambda s: s)
        path = decode(target)

        if target.rstrip("/") == "/token":
            return self._token_endpoint(method, body_bytes)

        query_lists = urllib.parse.parse_qs(query_string, keep_blank_values=True)
        query = {k: (v[0] if len(v) == 1 else list(v)) for k, v in query_lists.items()}
        body: Any = None
        body_error: ApiError | None = None
        if body_bytes.strip():
            try:
                body = json.loads(body_bytes.decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as exc:
                body_error = _bad_request(f"Invalid JSON payload received. {exc}")
        record = RequestRecord(method, path, query, body)
        if target.startswith(DRIVE_FILES):
            with self._lock:
                self.drive_requests.append(record)
            return self._drive_files_get(method, decode(target[len(DRIVE_FILES):]), query, environ)
        with self._lock:
            self.request_count += 1
            self.requests.append(record)
            self.body_sizes.append(len(body_bytes))
            delay = self._delays.popleft() if self._delays else 0.0
            reply_delay = self._reply_delays.popleft() if self._reply_delays else 0.0
        if delay:
            time.sleep(delay)
        try:
            caller = self._authenticate(environ)
            self._check_faults(record)
            self._check_quota(method)
            if body_error is not None:
                raise body_error
            with self._lock:
                result = self._route(method, target, decode, query, query_lists, body, caller)
            fields = query.get("fields")
            if isinstance(fields, str) and fields:
                try:
                    result = prune_fields(result, parse_field_mask(fields))
                except ValueError:
                    raise _bad_request(f"Invalid field selection {fields}", "fields") from None
            if reply_delay:
                time.sleep(reply_delay)
            if method == "GET":
                with self._lock:
                    self.served_reads.append(self.clock())
            return 200, _dump(result), "application/json; charset=UTF-8"
        except _RawFault as fault:
            return fault.status, fault.payload, fault.content_type
        except ApiError as err:
            return err.code, _dump(err.body()), "application/json; charset=UTF-8"

    # -- auth / faults / quota --------------------------------------------------------------
    def _authenticate(self, environ: dict) -> str:
        header = environ.get("HTTP_AUTHORIZATION")
        if not header:
            if self.require_auth:
                raise ApiError(
                    401,
                    "Request is missing required authentication credential. Expected OAuth 2 access token, "
                    "login cookie or other valid authentication credential. "
                    "See https://developers.google.com/identity/sign-in/web/devconsole-project.",
                    "UNAUTHENTICATED",
                    [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "CREDENTIALS_MISSING",
                      "domain": "googleapis.com", "metadata": {"service": "sheets.googleapis.com"}}],
                )
            return self.default_caller
        scheme, _, token = header.partition(" ")
        with self._lock:
            if scheme.lower() == "bearer" and token.strip() in self._tokens:
                return self._tokens[token.strip()]
            if not self._tokens_issued and not self.require_auth:
                return self.default_caller  # nothing issued yet to compare against
        raise ApiError(
            401,
            "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or "
            "other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
            "UNAUTHENTICATED",
            [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "ACCESS_TOKEN_TYPE_UNSUPPORTED",
              "metadata": {"service": "sheets.googleapis.com"}}],
        )

    def _error_for_status(self, status: int, method: str) -> ApiError:
        if status == 429:
            kind = "Read" if method == "GET" else "Write"
            low = kind.lower()
            return ApiError(
                429,
                f"Quota exceeded for quota metric '{kind} requests' and limit '{kind} requests per minute per user' "
                f"of service 'sheets.googleapis.com' for consumer 'project_number:{self.project_number}'.",
                "RESOURCE_EXHAUSTED",
                [{
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "RATE_LIMIT_EXCEEDED",
                    "domain": "googleapis.com",
                    "metadata": {
                        "quota_limit": f"{kind}RequestsPerMinutePerUser",
                        "quota_metric": f"sheets.googleapis.com/{low}_requests",
                        "service": "sheets.googleapis.com",
                        "consumer": f"projects/{self.project_number}",
                    },
                }],
            )
        known = {
            400: ("INVALID_ARGUMENT", "Request contains an invalid argument."),
            401: ("UNAUTHENTICATED", "Request had invalid authentication credentials."),
            403: ("PERMISSION_DENIED", "The caller does not have permission"),
            404: ("NOT_FOUND", "Requested entity was not found."),
            408: ("DEADLINE_EXCEEDED", "The request timed out."),
            409: ("ABORTED", "The operation was aborted."),
            500: ("INTERNAL", "Internal error encountered."),
            502: ("UNAVAILABLE", "Bad Gateway"),
            503: ("UNAVAILABLE", "The service is currently unavailable."),
            504: ("DEADLINE_EXCEEDED", "The service is currently unavailable."),
        }
        status_name, message = known.get(status, ("UNKNOWN", http.HTTPStatus(status).phrase))
        return ApiError(status, message, status_name)

    def _check_faults(self, record: RequestRecord) -> None:
        with self._lock:
            fault = None
            for i, f in enumerate(self._faults):
                if f.when is None or f.when(record):
                    fault = self._faults.pop(i)
                    break
            if fault is None:
                fault = self._always
        if fault is None:
            return
        if fault.body is None:
            raise self._error_for_status(fault.status, record.method)
        if isinstance(fault.body, (str, bytes)):
            payload = fault.body.encode() if isinstance(fault.body, str) else fault.body
            raise _RawFault(fault.status, payload, "text/html; charset=UTF-8")
        raise _RawFault(fault.status, _dump(fault.body), "application/json; charset=UTF-8")

    def _check_quota(self, method: str) -> None:
        kind = "read" if method == "GET" else "write"
        with self._lock:
            limit = self._quota.get(kind)
            if limit is None:
                return
            now = self.clock()
            hits = self._quota_hits[kind]
            while hits and hits[0] <= now - self._quota_window:
                hits.popleft()
            if len(hits) >= limit:
                self.quota_rejections += 1
                raise self._error_for_status(429, method)
            hits.append(now)

    # -- token endpoint -------------------------------------------------------------------
    def _token_endpoint(self, method: str, body: bytes) -> tuple[int, bytes, str]:
        ctype = "application/json; charset=utf-8"

        def fail(error: str, description: str, record: TokenRequest) -> tuple[int, bytes, str]:
            record.status, record.error = 400, description
            with self._lock:
                self.token_requests.append(record)
            return 400, _dump({"error": error, "error_description": description}), ctype

        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        grant = (form.get("grant_type") or [None])[0]
        assertion = (form.get("assertion") or [""])[0]
        rec = TokenRequest(grant, None, [], {}, False, 200)
        if method != "POST":
            return fail("invalid_request", "Token endpoint expects POST", rec)
        if grant != JWT_BEARER:
            return fail("unsupported_grant_type", f"Invalid grant_type: {grant or ''}", rec)
        try:
            head_b64, claims_b64, sig_b64 = assertion.split(".")
            header = json.loads(_b64url(head_b64))
            claims = json.loads(_b64url(claims_b64))
            signature = _b64url(sig_b64)
        except (ValueError, UnicodeDecodeError):
            return fail("invalid_grant", "Invalid JWT: malformed assertion.", rec)
        rec.claims = claims
        rec.client_email = claims.get("iss")
        rec.scopes = str(claims.get("scope", "")).split()
        with self._lock:
            registered = dict(self._service_accounts)
        if registered:
            pem = registered.get(rec.client_email or "")
            if pem is None:
                return fail("invalid_grant", "Invalid grant: account not found", rec)
            from google.auth import crypt

            try:
                verifier = crypt.RSAVerifier.from_string(pem)
                ok = header.get("alg") == "RS256" and verifier.verify(f"{head_b64}.{claims_b64}".encode(), signature)
            except ValueError:
                ok = False
            if not ok:
                return fail("invalid_grant", "Invalid JWT Signature.", rec)
            rec.signature_verified = True
        if claims.get("aud") != GOOGLE_TOKEN_AUDIENCE:
            return fail("invalid_grant", f"Invalid JWT: Failed audience check. The right audience is {GOOGLE_TOKEN_AUDIENCE}", rec)
        now = time.time()
        try:
            iat, exp = float(claims["iat"]), float(claims["exp"])
        except (KeyError, TypeError, ValueError):
            return fail("invalid_grant", "Invalid JWT: iat and exp are required.", rec)
        if not (iat - 300 <= now <= exp + 300) or exp - iat > 3600:
            return fail(
                "invalid_grant",
                "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. "
                "Check your iat and exp values in the JWT claim.",
                rec,
            )
        token = self.issue_token(rec.client_email)
        with self._lock:
            self._token_scopes[token] = set(rec.scopes)
            self.token_requests.append(rec)
            for scope in rec.scopes:
                if scope not in self.token_scopes:
                    self.token_scopes.append(scope)
        return 200, _dump({"access_token": token, "expires_in": self.token_lifetime, "token_type": "Bearer"}), ctype

    # -- Drive v3 files.get (metadata only) -------------------------------------------------
    def _drive_files_get(self, method: str, file_id: str, query: dict, environ: dict) -> tuple[int, bytes, str]:
        """``GET /drive/v3/files/{id}?fields=version,modifiedTime`` as Drive answers it: the file
        resource (``version`` an int64 *string*, ``modifiedTime`` RFC 3339 UTC with milliseconds),
        pruned to ``fields``; Drive's error envelope (with its legacy ``errors`` list) otherwise.
        Drive has its own quota: these calls are not Sheets reads."""
        ctype = "application/json; charset=UTF-8"

        def error(code: int, message: str, reason: str, status: str | None = None, details: list | None = None,
                  legacy_message: str | None = None, location: str | None = None) -> tuple[int, bytes, str]:
            item = {"message": legacy_message or message, "domain": "global", "reason": reason}
            if location:
                item.update({"location": location, "locationType": "parameter"})
            body: dict = {"code": code, "message": message, "errors": [item]}
            if status:
                body["status"] = status
            if details:
                body["details"] = details
            return code, _dump({"error": body}), ctype

        header = environ.get("HTTP_AUTHORIZATION") or ""
        token = header.partition(" ")[2].strip()
        with self._lock:
            caller = self._tokens.get(token, self.default_caller if not header else None)
            scopes = self._token_scopes.get(token)
            enabled = self.drive_enabled
            ss = self._spreadsheets.get(file_id.strip("/"))
        if method != "GET":
            return error(405, "Method not allowed.", "methodNotAllowed")
        if header and caller is None:
            return error(401, "Request had invalid authentication credentials.", "authError", "UNAUTHENTICATED")
        if not enabled:
            return error(403, f"Google Drive API has not been used in project {self.project_number} before or it is disabled. "
                         f"Enable it by visiting https://console.developers.google.com/apis/api/drive.googleapis.com/overview"
                         f"?project={self.project_number} then retry.", "accessNotConfigured", "PERMISSION_DENIED",
                         [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "SERVICE_DISABLED", "domain": "googleapis.com",
                           "metadata": {"service": "drive.googleapis.com", "consumer": f"projects/{self.project_number}"}}])
        if scopes is not None and not scopes & DRIVE_METADATA_SCOPES:
            return error(403, "Request had insufficient authentication scopes.", "insufficientPermissions", "PERMISSION_DENIED",
                         [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                           "domain": "googleapis.com",
                           "metadata": {"service": "drive.googleapis.com", "method": "google.apps.drive.v3.DriveFiles.Get"}}],
                         legacy_message="Insufficient Permission")
        if ss is None or ss.denied or (ss.shared_with is not None and caller not in ss.shared_with):
            return error(404, f"File not found: {file_id.strip('/')}.", "notFound", location="fileId")
        with self._lock:
            stamp = _dt.datetime.fromtimestamp(ss.modified, _dt.UTC)
            resource = {
                "kind": "drive#file",
                "id": ss.id,
                "name": ss.props.get("title", ""),
                "mimeType": "application/vnd.google-apps.spreadsheet",
                "version": str(ss.version),
                "modifiedTime": stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z",
            }
        fields = query.get("fields")
        if isinstance(fields, str) and fields:
            resource = {k: v for k, v in resource.items() if k in {f.strip() for f in fields.split(",")}}
        else:  # Drive v3's default fields
            resource = {k: resource[k] for k in ("kind", "id", "name", "mimeType")}
        return 200, _dump(resource), ctype

    # -- routing ------------------------------------------------------------------------
    def _route(self, method: str, target: str, decode: Callable[[str], str], query: dict,
               query_lists: dict, body: Any, caller: str) -> Any:
        prefix = "/v4/spreadsheets"
        if not target.startswith(prefix):
            raise ApiError(404, "Method not found.", "NOT_FOUND")
        rest = target[len(prefix):]
        if rest in ("", "/"):
            if method == "POST":
                return self._api_create(body or {}, caller)
            raise ApiError(404, "Method not found.", "NOT_FOUND")
        if not rest.startswith("/"):
            raise ApiError(404, "Method not found.", "NOT_FOUND")
        rest = rest[1:]
        cut = len(rest)
        for sep in ("/", ":"):
            pos = rest.find(sep)
            if pos >= 0:
                cut = min(cut, pos)
        sid, tail = decode(rest[:cut]), rest[cut:]
        ss = self._spreadsheets.get(sid)
        if ss is None:
            raise ApiError(404, "Requested entity was not found.", "NOT_FOUND")
        if ss.denied or (ss.shared_with is not None and caller not in ss.shared_with):
            raise ApiError(403, "The caller does not have permission", "PERMISSION_DENIED")
        ctx = _Ctx(caller)
        routes: dict[tuple[str, str], Callable[[], Any]] = {
            ("GET", ""): lambda: self._api_get(ss, query_lists),
            ("POST", ":batchUpdate"): lambda: self._api_batch_update(ss, body or {}, ctx),
            ("GET", "/values:batchGet"): lambda: self._api_values_batch_get(ss, query, query_lists, ctx),
            ("POST", "/values:batchUpdate"): lambda: self._api_values_batch_update(ss, body or {}, ctx),
            ("POST", "/values:batchClear"): lambda: self._api_values_batch_clear(ss, body or {}),
            ("POST", "/developerMetadata:search"): lambda: self._api_metadata_search(ss, body or {}),
        }
        if method != "GET" and tail != "/developerMetadata:search":  # a change: Drive's version goes up
            result = self._route_in(ss, method, tail, decode, query, query_lists, body, ctx, routes)
            self._spreadsheets[sid].touch()
            return result
        return self._route_in(ss, method, tail, decode, query, query_lists, body, ctx, routes)

    def _route_in(self, ss: _Spreadsheet, method: str, tail: str, decode: Callable[[str], str], query: dict,
                  query_lists: dict, body: Any, ctx: _Ctx, routes: dict) -> Any:
        handler = routes.get((method, tail))
        if handler is not None:
            return handler()
        if tail.startswith("/values/"):
            rng = tail[len("/values/"):]
            if method == "POST" and rng.endswith(":append"):
                return self._api_values_append(ss, decode(rng[: -len(":append")]), query, body or {}, ctx)
            if method == "POST" and rng.endswith(":clear"):
                return self._api_values_clear(ss, decode(rng[: -len(":clear")]))
            if method == "GET":
                return self._api_values_get(ss, decode(rng), query, ctx)
            if method == "PUT":
                return self._api_values_update(ss, decode(rng), query, body or {}, ctx)
        raise ApiError(404, "Method not found.", "NOT_FOUND")

    # ----------------------------------------------------------------------------------------
    # Ranges
    # ----------------------------------------------------------------------------------------
    def _resolve(self, ss: _Spreadsheet, text: str) -> tuple[_Sheet, Box]:
        """A1 range text → (sheet, possibly unbounded box); 400 when unparsable."""
        err = _bad_request(f"Unable to parse range: {text}")
        try:
            title, a1 = split_range(text)
        except RangeParseError:
            raise err from None
        if title is None:
            assert a1 is not None
            sheet = ss.by_title(a1)
            if sheet is not None:
                return sheet, Box()
            try:
                box = parse_a1(a1)
            except (RangeParseError, ValueError):
                raise err from None
            if not ss.sheets:
                raise err
            return ss.sheets[0], box
        sheet = ss.by_title(title)
        if sheet is None:
            raise err
        if a1 is None:
            return sheet, Box()
        try:
            return sheet, parse_a1(a1)
        except (RangeParseError, ValueError):
            raise err from None

    @staticmethod
    def _grid_error(sh: _Sheet, box: Box) -> str:
        return (f"Range ({format_range(sh.title, box)}) exceeds grid limits. "
                f"Max rows: {sh.row_count}, max columns: {sh.col_count}")

    def _bounded(self, sh: _Sheet, box: Box) -> Box:
        """Resolve open sides against the grid; 400 when the range leaves the grid."""
        full = box.resolve(sh.row_count, sh.col_count)
        if (full.row1 > sh.row_count or full.col1 > sh.col_count  # type: ignore[operator]
                or full.row0 >= max(sh.row_count, 1) or full.col0 >= max(sh.col_count, 1)):  # type: ignore[operator]
            shown = Box(full.row0, max(full.row1, full.row0 + 1), full.col0, max(full.col1, full.col0 + 1))  # type: ignore[arg-type,operator]
            raise _bad_request(self._grid_error(sh, shown))
        return full

    # ----------------------------------------------------------------------------------------
    # values.*
    # ----------------------------------------------------------------------------------------
    @staticmethod
    def _enum(query: Mapping[str, Any], name: str, proto_field: str, proto_type: str, allowed: tuple[str, ...],
              default: str | None) -> str | None:
        value = query.get(name)
        if isinstance(value, list):
            value = value[-1]
        if value is None or value == "":
            return default
        if value not in allowed:
            msg = f"Invalid value at '{proto_field}' (type.googleapis.com/google.apps.sheets.v4.{proto_type}), \"{value}\""
            raise _bad_request(msg, proto_field)
        return str(value)

    def _render_opts(self, query: Mapping[str, Any], prefix: str = "") -> tuple[str, str, str]:
        vro_name = f"{prefix}valueRenderOption" if prefix else "valueRenderOption"
        dtro_name = f"{prefix}dateTimeRenderOption" if prefix else "dateTimeRenderOption"
        vro = self._enum(query, vro_name, "value_render_option", "ValueRenderOption",
                         ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"), "FORMATTED_VALUE")
        dtro = self._enum(query, dtro_name, "date_time_render_option", "DateTimeRenderOption",
                          ("SERIAL_NUMBER", "FORMATTED_STRING"), "SERIAL_NUMBER")
        major = self._enum(query, "majorDimension", "major_dimension", "Dimension", ("ROWS", "COLUMNS"), "ROWS")
        return vro, dtro, major  # type: ignore[return-value]

    def _value_range(self, ss: _Spreadsheet, sh: _Sheet, box: Box, vro: str, dtro: str, major: str, ctx: _Ctx) -> dict:
        values = self._grid_rows(
            sh, box, lambda cell: None, columns=(major == "COLUMNS"),
            cell_fn=lambda r, c, cell: self._render(ss, sh, r, c, cell, vro, dtro, ctx),
        )
        out: dict = {"range": format_range(sh.title, box), "majorDimension": major}
        if values:
            out["values"] = values
        return out

    def _api_values_get(self, ss: _Spreadsheet, rng: str, query: dict, ctx: _Ctx) -> dict:
        vro, dtro, major = self._render_opts(query)
        sh, box = self._resolve(ss, rng)
        return self._value_range(ss, sh, self._bounded(sh, box), vro, dtro, major, ctx)

    def _api_values_batch_get(self, ss: _Spreadsheet, query: dict, query_lists: dict, ctx: _Ctx) -> dict:
        vro, dtro, major = self._render_opts(query)
        out: dict = {"spreadsheetId": ss.id}
        ranges = query_lists.get("ranges", [])
        resolved = []
        for rng in ranges:
            sh, box = self._resolve(ss, rng)
            resolved.append((sh, self._bounded(sh, box)))
        if resolved:
            out["valueRanges"] = [self._value_range(ss, sh, box, vro, dtro, major, ctx) for sh, box in resolved]
        return out

    def _input_option(self, value: Any, required_message: str) -> str:
        if value is None or value == "" or value == "INPUT_VALUE_OPTION_UNSPECIFIED":
            raise _bad_request(required_message)
        if value not in ("RAW", "USER_ENTERED"):
            raise _bad_request(
                f"Invalid value at 'value_input_option' (type.googleapis.com/google.apps.sheets.v4.ValueInputOption), \"{value}\"",
                "value_input_option",
            )
        return str(value)

    @staticmethod
    def _check_values(values: Any, field_name: str) -> list[list[Any]]:
        if values is None:
            return []
        if not isinstance(values, list):
            msg = f"Invalid value at '{field_name}' (type.googleapis.com/google.protobuf.ListValue), {json.dumps(values, ensure_ascii=False)}"
            raise _bad_request(msg, field_name)
        rows: list[list[Any]] = []
        for i, row in enumerate(values):
            if row is None:
                row = []
            if not isinstance(row, list):
                msg = (f"Invalid value at '{field_name}[{i}]' (type.googleapis.com/google.protobuf.ListValue), "
                       f"{json.dumps(row, ensure_ascii=False)}")
                raise _bad_request(msg, f"{field_name}[{i}]")
            for j, v in enumerate(row):
                if isinstance(v, (dict, list)):
                    kind = "struct_value" if isinstance(v, dict) else "list_value"
                    raise _bad_request(f"Invalid values[{i}][{j}]: {kind} {json.dumps(v, ensure_ascii=False)}")
            rows.append(row)
        return rows

    def _prepare_write(self, ss: _Spreadsheet, rng: str, data: dict, field_name: str,
                       append_grow: bool = False) -> tuple[_Sheet, Box, list[list[Any]]]:
        """Validate one ValueRange write; returns (sheet, written block, row-major values)."""
        sh, box = self._resolve(ss, rng)
        values = self._check_values(data.get("values"), field_name)
        major = data.get("majorDimension") or "ROWS"
        if major not in ("ROWS", "COLUMNS"):
            raise _bad_request(
                f"Invalid value at 'data.major_dimension' (type.googleapis.com/google.apps.sheets.v4.Dimension), \"{major}\"",
                "data.major_dimension",
            )
        if major == "COLUMNS":
            height = max((len(col) for col in values), default=0)
            values = [[col[i] if i < len(col) else None for col in values] for i in range(height)]
        r0 = box.row0 or 0
        c0 = box.col0 or 0
        n_rows = len(values)
        n_cols = max((len(row) for row in values), default=0)
        single = box.row1 is not None and box.col1 is not None and box.row1 - r0 == 1 and box.col1 - c0 == 1
        if (not single and box.row1 is not None and box.col1 is not None
                and (n_rows > box.row1 - r0 or n_cols > box.col1 - c0)):
            requested = format_range(sh.title, box.resolve(sh.row_count, sh.col_count))
            if n_rows > box.row1 - r0:
                raise _bad_request(f"Requested writing within range [{requested}], but tried writing to row [{box.row1 + 1}]")
            raise _bad_request(
                f"Requested writing within range [{requested}], but tried writing to column [{col_to_letters(box.col1)}]"
            )
        block = Box(r0, r0 + max(n_rows, 1), c0, c0 + max(n_cols, 1))
        if block.col1 > sh.col_count or (block.row1 > sh.row_count and not append_grow):  # type: ignore[operator]
            raise _bad_request(self._grid_error(sh, block))
        return sh, block, values

    def _check_protection(self, sh: _Sheet, r0: int, c0: int, values: list[list[Any]], ctx: _Ctx) -> None:
        """Google refuses a values write that touches a cell of a protected range (not warning-only)
        by a caller who is not among its editors: 400, nothing written."""
        guarded_boxes = [
            _box_of(pr.get("range") or {}) for pr in sh.protected_ranges
            if not pr.get("warningOnly") and ctx.caller not in (pr.get("editors") or {}).get("users", [])
            and not (pr.get("editors") or {}).get("domainUsersCanEdit")
        ]
        if not guarded_boxes:
            return
        for i, row in enumerate(values):
            for j, v in enumerate(row):
                if v is not None and any(box.contains(r0 + i, c0 + j) for box in guarded_boxes):
                    raise _bad_request(PROTECTED_CELL_MESSAGE)

    def _write_values(self, ss: _Spreadsheet, sh: _Sheet, r0: int, c0: int, values: list[list[Any]], option: str) -> set:
        """Apply a values write; returns the set of written (row, col)."""
        written: set = set()
        for i, row in enumerate(values):
            for j, v in enumerate(row):
                if v is None:
                    continue  # null = leave the cell unchanged
                r, c = r0 + i, c0 + j
                old = sh.get(r, c)
                written.add((r, c))
                if isinstance(v, str) and v == "":
                    sh.set_cell(r, c, replace(old, value=None))
                    continue
                number_format: dict | None = None
                if isinstance(v, bool):
                    ev: dict = {"boolValue": v}
                elif isinstance(v, (int, float)):
                    ev = {"numberValue": float(v)}
                elif option == "RAW":
                    ev = {"stringValue": str(v)}
                else:
                    cur_nf = (old.fmt or {}).get("numberFormat") or {}
                    if cur_nf.get("type") == "TEXT" and not str(v).startswith("="):
                        ev = {"stringValue": str(v)}
                    else:
                        ev, number_format = parse_user_entered(str(v), ss.locale)
                        if number_format and cur_nf.get("type") == number_format.get("type"):
                            number_format = None  # keep the cell's own pattern of the same kind
                sh.set_cell(r, c, replace(old, value=ev, fmt=self._with_number_format(old.fmt, number_format)))
        return written

    def _update_response(self, ss: _Spreadsheet, sh: _Sheet, block: Box, written: set, values: list,
                         query: Mapping[str, Any], ctx: _Ctx) -> dict:
        out: dict = {"spreadsheetId": ss.id, "updatedRange": format_range(sh.title, block)}
        if written:
            out["updatedRows"] = len({r for r, _ in written})
            out["updatedColumns"] = len({c for _, c in written})
            out["updatedCells"] = len(written)
        if _as_bool(query.get("includeValuesInResponse", False)):
            vro, dtro, _ = self._render_opts(
                {"valueRenderOption": query.get("responseValueRenderOption"),
                 "dateTimeRenderOption": query.get("responseDateTimeRenderOption")})
            out["updatedData"] = self._value_range(ss, sh, block, vro, dtro, "ROWS", ctx)
        return out

    def _api_values_update(self, ss: _Spreadsheet, rng: str, query: dict, body: dict, ctx: _Ctx) -> dict:
        option = self._input_option(query.get("valueInputOption"), "'valueInputOption' is required but not specified")
        body = _strip_nulls(body) if isinstance(body, dict) else {}
        if body.get("range"):
            sh_a, box_a = self._resolve(ss, rng)
            sh_b, box_b = self._resolve(ss, body["range"])
            if sh_a is not sh_b or box_a != box_b:
                raise _bad_request(f"Requested range [{rng}] and data range [{body['range']}] do not match.")
        sh, block, values = self._prepare_write(ss, rng, body, "data.values")
        self._check_protection(sh, block.row0, block.col0, values, ctx)  # type: ignore[arg-type]
        written = self._write_values(ss, sh, block.row0, block.col0, values, option)  # type: ignore[arg-type]
        return self._update_response(ss, sh, block, written, values, query, ctx)

    def _api_values_batch_update(self, ss: _Spreadsheet, body: dict, ctx: _Ctx) -> dict:
        body = _strip_nulls(body)
        option = self._input_option(body.get("valueInputOption"), "Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
        data = body.get("data") or []
        if not isinstance(data, list):
            raise _bad_request("Invalid value at 'data'", "data")
        prepared = []
        for i, item in enumerate(data):
            if not isinstance(item, dict) or not item.get("range"):
                raise _bad_request(f"Invalid data[{i}]: range is required")
            try:
                prepared.append(self._prepare_write(ss, item["range"], item, f"data[{i}].values"))
            except ApiError as err:
                if err.message.startswith("Unable to parse range") or "exceeds grid limits" in err.message \
                        or err.message.startswith("Requested writing"):
                    err.message = f"Invalid data[{i}]: {err.message}"
                raise
        query = {
            "includeValuesInResponse": body.get("includeValuesInResponse"),
            "responseValueRenderOption": body.get("responseValueRenderOption"),
            "responseDateTimeRenderOption": body.get("responseDateTimeRenderOption"),
        }
        for sh, block, values in prepared:
            self._check_protection(sh, block.row0, block.col0, values, ctx)  # type: ignore[arg-type]
        responses = []
        all_rows: set = set()
        all_cols: set = set()
        all_cells = 0
        sheets_touched: set = set()
        for sh, block, values in prepared:
            written = self._write_values(ss, sh, block.row0, block.col0, values, option)  # type: ignore[arg-type]
            responses.append((sh, block, written, values))
            all_rows |= {(sh.sheet_id, r) for r, _ in written}
            all_cols |= {(sh.sheet_id, c) for _, c in written}
            all_cells += len(written)
            if written:
                sheets_touched.add(sh.sheet_id)
        out: dict = {"spreadsheetId": ss.id}
        if all_cells:
            out.update(totalUpdatedRows=len(all_rows), totalUpdatedColumns=len(all_cols),
                       totalUpdatedCells=all_cells, totalUpdatedSheets=len(sheets_touched))
        if responses:
            out["responses"] = [self._update_response(ss, sh, block, written, values, query, ctx)
                                for sh, block, written, values in responses]
        return out

    def _api_values_append(self, ss: _Spreadsheet, rng: str, query: dict, body: dict, ctx: _Ctx) -> dict:
        option = self._input_option(query.get("valueInputOption"), "'valueInputOption' is required but not specified")
        insert = self._enum(query, "insertDataOption", "insert_data_option", "InsertDataOption",
                            ("OVERWRITE", "INSERT_ROWS"), "OVERWRITE")
        body = _strip_nulls(body) if isinstance(body, dict) else {}
        sh, box = self._resolve(ss, rng)
        # Table detection (simplified): the table is the first run of consecutive rows with data in
        # the range's columns (all columns to the right when the range is one cell or open); an
        # empty row ends it.  When the range is a single cell, the table must start at that very
        # cell (gspread's insert_rows/insert_cols rely on this: they append at an empty, just-inserted
        # row/column).
        r_start, c_start = box.row0 or 0, box.col0 or 0
        single = box.row1 is not None and box.col1 is not None and box.row1 - r_start == 1 and box.col1 - c_start == 1
        wide = box.col1 is None or box.col1 - c_start <= 1
        search = Box(r_start, sh.row_count, c_start, sh.col_count if wide else box.col1)
        if r_start >= sh.row_count or c_start >= sh.col_count:
            raise _bad_request(self._grid_error(sh, Box(r_start, r_start + 1, c_start, c_start + 1)))
        by_row: dict[int, list[int]] = {}
        for (r, c), cell in sh.cells.items():
            if cell.value is not None and search.contains(r, c):
                by_row.setdefault(r, []).append(c)
        table: Box | None = None
        first = (r_start if c_start in by_row.get(r_start, ()) else None) if single else (min(by_row) if by_row else None)
        if first is not None:
            last = first
            while last + 1 in by_row:
                last += 1
            cols_idx = [c for r in range(first, last + 1) for c in by_row[r]]
            table = Box(first, last + 1, min(cols_idx), max(cols_idx) + 1)
            start_r, start_c = last + 1, min(cols_idx)
        else:
            start_r, start_c = r_start, c_start
        vals = self._check_values(body.get("values"), "data.values")
        if (body.get("majorDimension") or "ROWS") == "COLUMNS":
            height = max((len(col) for col in vals), default=0)
            vals = [[col[i] if i < len(col) else None for col in vals] for i in range(height)]
        n_rows, n_cols = len(vals), max((len(r) for r in vals), default=0)
        block = Box(start_r, start_r + max(n_rows, 1), start_c, start_c + max(n_cols, 1))  # type: ignore[operator]
        if block.col1 > sh.col_count:  # type: ignore[operator]
            raise _bad_request(self._grid_error(sh, block))
        if insert == "INSERT_ROWS" and n_rows:
            self._shift(sh, "ROWS", start_r, n_rows)  # type: ignore[arg-type]
            sh.grid["rowCount"] = sh.row_count + n_rows
        elif block.row1 > sh.row_count:  # type: ignore[operator]
            sh.grid["rowCount"] = block.row1  # append grows the grid downwards
        if ss.total_cells() > self.cell_limit:
            raise _bad_request(self._cell_limit_message())
        written = self._write_values(ss, sh, start_r, start_c, vals, option)  # type: ignore[arg-type]
        out: dict = {"spreadsheetId": ss.id}
        if table is not None:
            out["tableRange"] = format_range(sh.title, table)
        out["updates"] = self._update_response(ss, sh, block, written, vals, query, ctx)
        return out

    def _clear_box(self, sh: _Sheet, box: Box) -> None:
        for (r, c), cell in list(sh.cells.items()):
            if cell.value is not None and box.contains(r, c):
                sh.set_cell(r, c, replace(cell, value=None))

    def _api_values_clear(self, ss: _Spreadsheet, rng: str) -> dict:
        sh, box = self._resolve(ss, rng)
        full = self._bounded(sh, box)
        self._clear_box(sh, full)
        return {"spreadsheetId": ss.id, "clearedRange": format_range(sh.title, full)}

    def _api_values_batch_clear(self, ss: _Spreadsheet, body: dict) -> dict:
        ranges = _strip_nulls(body).get("ranges") or []
        resolved = []
        for rng in ranges:
            sh, box = self._resolve(ss, rng)
            resolved.append((sh, self._bounded(sh, box)))
        for sh, box in resolved:
            self._clear_box(sh, box)
        out: dict = {"spreadsheetId": ss.id}
        if resolved:
            out["clearedRanges"] = [format_range(sh.title, box) for sh, box in resolved]
        return out

    # ----------------------------------------------------------------------------------------
    # spreadsheets.get / create
    # ----------------------------------------------------------------------------------------
    @staticmethod
    def _props_json(props: dict) -> dict:
        out = _ordered(copy.deepcopy(props), _SHEET_PROP_ORDER)
        if "gridProperties" in out:
            out["gridProperties"] = _ordered(out["gridProperties"], _GRID_PROP_ORDER)
        if not out.get("hidden"):
            out.pop("hidden", None)
        if not out.get("rightToLeft"):
            out.pop("rightToLeft", None)
        return out

    def _protected_range_json(self, pr: dict) -> dict:
        out = copy.deepcopy(pr)
        order = ["protectedRangeId", "range", "namedRangeId", "description", "warningOnly", "requestingUserCanEdit",
                 "unprotectedRanges", "editors"]
        return _ordered(out, order)

    def _cell_json(self, ss: _Spreadsheet, sh: _Sheet, r: int, c: int, cell: _Cell, ctx: _Ctx) -> dict:
        out: dict = {}
        if cell.value is not None:
            out["userEnteredValue"] = copy.deepcopy(cell.value)
            eff = self._effective(ss, sh, r, c, ctx)
            if isinstance(eff, FormulaError):
                out["effectiveValue"] = {"errorValue": {"type": "ERROR", "message": str(eff)}}
            elif isinstance(eff, bool):
                out["effectiveValue"] = {"boolValue": eff}
            elif isinstance(eff, float):
                out["effectiveValue"] = {"numberValue": eff}
            elif eff is not None:
                out["effectiveValue"] = {"stringValue": eff}
            rendered = self._render(ss, sh, r, c, cell, "FORMATTED_VALUE", "SERIAL_NUMBER", ctx)
            if rendered not in (None, ""):
                out["formattedValue"] = str(rendered)
        if cell.fmt:
            out["userEnteredFormat"] = copy.deepcopy(cell.fmt)
        if cell.value is not None or cell.fmt:
            eff_fmt = _default_format()
            for k, v in (cell.fmt or {}).items():
                if k == "textFormat":
                    eff_fmt["textFormat"] = {**eff_fmt["textFormat"], **v}
                else:
                    eff_fmt[k] = copy.deepcopy(v)
            out["effectiveFormat"] = eff_fmt
        if cell.extra:
            out.update(copy.deepcopy(cell.extra))
        if cell.note is not None:
            out["note"] = cell.note
        if cell.validation is not None:
            out["dataValidation"] = copy.deepcopy(cell.validation)
        return out

    def _grid_data(self, ss: _Spreadsheet, sh: _Sheet, box: Box, ctx: _Ctx) -> dict:
        out: dict = {}
        if box.row0:
            out["startRow"] = box.row0
        if box.col0:
            out["startColumn"] = box.col0
        by_row: dict[int, dict[int, _Cell]] = {}
        for (r, c), cell in sh.cells.items():
            if box.contains(r, c):
                by_row.setdefault(r, {})[c] = cell
        row_data = []
        if by_row:
            for r in range(box.row0, max(by_row) + 1):  # type: ignore[arg-type]
                line = by_row.get(r)
                if not line:
                    row_data.append({})
                    continue
                row_data.append({"values": [
                    self._cell_json(ss, sh, r, c, line[c], ctx) if c in line else {}
                    for c in range(box.col0, max(line) + 1)  # type: ignore[arg-type]
                ]})
        if row_data:
            out["rowData"] = row_data
        out["rowMetadata"] = [self._dim_meta(sh.row_meta.get(r), 21) for r in range(box.row0, box.row1)]  # type: ignore[arg-type]
        out["columnMetadata"] = [self._dim_meta(sh.col_meta.get(c), 100) for c in range(box.col0, box.col1)]  # type: ignore[arg-type]
        return out

    @staticmethod
    def _dim_meta(meta: dict | None, default_px: int) -> dict:
        out = {"pixelSize": default_px}
        if meta:
            out.update(copy.deepcopy(meta))
        return out

    def _sheet_json(self, ss: _Spreadsheet, sh: _Sheet, boxes: list[Box] | None, include_grid: bool) -> dict:
        out: dict = {"properties": self._props_json(sh.props)}
        if include_grid:
            ctx = _Ctx(self.default_caller)
            targets = boxes if boxes else [Box().resolve(sh.row_count, sh.col_count)]
            out["data"] = [self._grid_data(ss, sh, b, ctx) for b in targets]
        if sh.merges:
            out["merges"] = copy.deepcopy(sh.merges)
        if sh.conditional_formats:
            out["conditionalFormats"] = copy.deepcopy(sh.conditional_formats)
        if sh.protected_ranges:
            out["protectedRanges"] = [self._protected_range_json(p) for p in sh.protected_ranges]
        if sh.basic_filter is not None:
            out["basicFilter"] = copy.deepcopy(sh.basic_filter)
        if sh.charts:
            out["charts"] = copy.deepcopy(sh.charts)
        if sh.developer_metadata:
            out["developerMetadata"] = copy.deepcopy(sh.developer_metadata)
        return out

    def _spreadsheet_json(self, ss: _Spreadsheet, include_grid: bool, ranges: list[tuple[_Sheet, Box]] | None) -> dict:
        out: dict = {"spreadsheetId": ss.id, "properties": _ordered(copy.deepcopy(ss.props), _SS_PROP_ORDER)}
        sheets_json = []
        for sh in ss.sheets:
            boxes = None
            if ranges is not None:
                boxes = [b for s, b in ranges if s is sh]
                if not boxes:
                    continue
            sheets_json.append(self._sheet_json(ss, sh, boxes, include_grid))
        out["sheets"] = sheets_json
        out["spreadsheetUrl"] = f"https://docs.google.com/spreadsheets/d/{ss.id}/edit"
        if ss.developer_metadata:
            out["developerMetadata"] = copy.deepcopy(ss.developer_metadata)
        return out

    def _api_get(self, ss: _Spreadsheet, query_lists: dict) -> dict:
        include = _as_bool((query_lists.get("includeGridData") or ["false"])[-1])
        fields = (query_lists.get("fields") or [""])[-1]
        if fields:
            try:
                tree = parse_field_mask(fields)
            except ValueError:
                raise _bad_request(f"Invalid field selection {fields}", "fields") from None
            sheets_tree = tree.get("sheets", {}) if "*" not in tree else None
            include = sheets_tree is None or "data" in (sheets_tree or {})
        ranges = None
        if query_lists.get("ranges"):
            ranges = []
            for rng in query_lists["ranges"]:
                sh, box = self._resolve(ss, rng)
                ranges.append((sh, self._bounded(sh, box)))
        return self._spreadsheet_json(ss, include, ranges)

    def _api_create(self, body: dict, caller: str) -> dict:
        body = _strip_nulls(body)
        props = body.get("properties") or {}
        specs: dict = {}
        for i, sheet in enumerate(body.get("sheets") or []):
            p = sheet.get("properties") or {}
            grid = p.get("gridProperties") or {}
            specs[p.get("title") or f"Sheet{i + 1}"] = SheetSpec(
                sheet_id=p.get("sheetId", 0 if i == 0 else None), row_count=grid.get("rowCount", 1000),
                column_count=grid.get("columnCount", 26), frozen_row_count=grid.get("frozenRowCount", 0),
                frozen_column_count=grid.get("frozenColumnCount", 0), hidden=bool(p.get("hidden")))
        sid = self.create_spreadsheet(props.get("title", "Untitled spreadsheet"), specs or None, body.get("spreadsheetId"),
                                      locale=props.get("locale", "th_TH"), time_zone=props.get("timeZone", "Asia/Bangkok"))
        return self._spreadsheet_json(self._spreadsheets[sid], False, None)

    # ----------------------------------------------------------------------------------------
    # developerMetadata:search / get
    # ----------------------------------------------------------------------------------------
    def _all_metadata(self, ss: _Spreadsheet) -> list[dict]:
        out = list(ss.developer_metadata)
        for sh in ss.sheets:
            out.extend(sh.developer_metadata)
        return out

    @staticmethod
    def _metadata_matches(md: dict, lookup: dict) -> bool:
        if "metadataId" in lookup and md.get("metadataId") != lookup["metadataId"]:
            return False
        if "metadataKey" in lookup and md.get("metadataKey") != lookup["metadataKey"]:
            return False
        if "metadataValue" in lookup and md.get("metadataValue") != lookup["metadataValue"]:
            return False
        if "visibility" in lookup and md.get("visibility") != lookup["visibility"]:
            return False
        loc = lookup.get("metadataLocation") or {}
        if "sheetId" in loc and md.get("location", {}).get("sheetId") != loc["sheetId"]:
            return False
        if loc.get("spreadsheet") and not md.get("location", {}).get("spreadsheet"):
            return False
        if "locationType" in lookup and md.get("location", {}).get("locationType") != lookup["locationType"]:
            return False
        return True

    def _api_metadata_search(self, ss: _Spreadsheet, body: dict) -> dict:
        body = _strip_nulls(body)
        matched = []
        for data_filter in body.get("dataFilters") or []:
            lookup = data_filter.get("developerMetadataLookup")
            if lookup is None:
                continue
            for md in self._all_metadata(ss):
                if self._metadata_matches(md, lookup):
                    matched.append({"developerMetadata": copy.deepcopy(md), "dataFilters": [copy.deepcopy(data_filter)]})
        return {"matchedDeveloperMetadata": matched} if matched else {}

    # ----------------------------------------------------------------------------------------
    # spreadsheets.batchUpdate
    # ----------------------------------------------------------------------------------------
    _NOT_IMPLEMENTED = {
        "sortRange", "findReplace", "cutPaste", "pasteData", "moveDimension", "textToColumns",
        "addFilterView", "updateFilterView", "deleteFilterView", "duplicateFilterView", "addBanding",
        "updateBanding", "deleteBanding", "addSlicer", "updateSlicerSpec", "addDimensionGroup",
        "deleteDimensionGroup", "updateDimensionGroup", "randomizeRange", "trimWhitespace",
        "deleteDuplicates", "updateEmbeddedObjectPosition", "updateEmbeddedObjectBorder", "insertRange",
        "deleteRange", "autoFill", "addDataSource", "updateDataSource", "deleteDataSource",
        "refreshDataSource", "cancelDataSourceRefresh", "updateNamedRange", "addTable", "updateTable",
        "deleteTable",
        # cut from the emulator: neither sheets-sync nor its tests send them
        "updateSpreadsheetProperties", "appendCells", "updateBorders", "setBasicFilter", "clearBasicFilter",
        "addNamedRange", "deleteNamedRange", "updateConditionalFormatRule", "updateProtectedRange",
        "updateDeveloperMetadata", "updateChartSpec",
    }

    def _api_batch_update(self, ss: _Spreadsheet, body: dict, ctx: _Ctx) -> dict:
        body = _strip_nulls(body) if isinstance(body, dict) else {}
        requests = body.get("requests")
        if not requests:
            raise _bad_request("Must specify at least one request.")
        if not isinstance(requests, list):
            raise _bad_request("Invalid value at 'requests'", "requests")
        work = ss.clone()
        replies = []
        for i, req in enumerate(requests):
            if not isinstance(req, dict) or not req:
                raise _bad_request(f"Invalid requests[{i}]: No request set.")
            kinds = list(req)
            for kind in kinds:
                if not hasattr(self, f"_req_{kind}") and kind not in self._NOT_IMPLEMENTED:
                    msg = f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[{i}]': Cannot find field."
                    raise _bad_request(msg, f"requests[{i}]")
            if len(kinds) > 1:
                raise _bad_request(f"Invalid requests[{i}]: Only one kind of request may be set, but found: {', '.join(kinds)}")
            kind = kinds[0]
            if kind in self._NOT_IMPLEMENTED:
                raise _bad_request(f"Invalid requests[{i}].{kind}: request kind not implemented by the Sheets emulator")
            payload = req[kind] if isinstance(req[kind], dict) else {}
            try:
                reply = getattr(self, f"_req_{kind}")(work, payload, ctx)
                if work.total_cells() > self.cell_limit:
                    raise _Invalid(self._cell_limit_message())
            except _Invalid as inv:
                raise _bad_request(f"Invalid requests[{i}].{kind}: {inv}") from None
            except ApiError as err:  # range parse errors etc.
                err.message = f"Invalid requests[{i}].{kind}: {err.message}"
                err.details = None
                raise
            replies.append(reply or {})
        # Commit atomically.
        self._spreadsheets[ss.id] = work
        out: dict = {"spreadsheetId": ss.id, "replies": replies}
        if _as_bool(body.get("includeSpreadsheetInResponse", False)):
            ranges = None
            if body.get("responseRanges"):
                ranges = []
                for rng in body["responseRanges"]:
                    sh, box = self._resolve(work, rng)
                    ranges.append((sh, self._bounded(sh, box)))
            out["updatedSpreadsheet"] = self._spreadsheet_json(
                work, _as_bool(body.get("responseIncludeGridData", False)), ranges)
        return out

    def _cell_limit_message(self) -> str:
        return f"This action would increase the number of cells in the workbook above the limit of {self.cell_limit} cells."

    # -- helpers for subrequests ---------------------------------------------------------------
    @staticmethod
    def _req_sheet(ss: _Spreadsheet, sheet_id: Any) -> _Sheet:
        sid = int(sheet_id or 0)
        sh = ss.by_id(sid)
        if sh is None:
            raise _Invalid(f"No grid with id: {sid}")
        return sh

    def _grid_box(self, ss: _Spreadsheet, gr: dict | None, *, clip: bool = False) -> tuple[_Sheet, Box]:
        """GridRange → (sheet, bounded box); _Invalid when outside the grid."""
        gr = gr or {}
        sh = self._req_sheet(ss, gr.get("sheetId", 0))
        box = _box_of(gr)
        for a, b, name in ((box.row0, box.row1, "Row"), (box.col0, box.col1, "Column")):
            if (a is not None and a < 0) or (b is not None and b < 0):
                raise _Invalid(f"{name} index must be non-negative")
            if a is not None and b is not None and a > b:
                raise _Invalid(f"Invalid range: start{name}Index[{a}] > end{name}Index[{b}]")
        full = box.resolve(sh.row_count, sh.col_count)
        if full.row1 > sh.row_count or full.col1 > sh.col_count:  # type: ignore[operator]
            if clip:
                full = Box(full.row0, min(full.row1, sh.row_count), full.col0, min(full.col1, sh.col_count))  # type: ignore[type-var]
            else:
                raise _Invalid(self._grid_error(sh, Box(full.row0, max(full.row1, full.row0 + 1),  # type: ignore[operator,type-var]
                                                         full.col0, max(full.col1, full.col0 + 1))))  # type: ignore[operator,type-var]
        return sh, full

    @staticmethod
    def _check_mask(tree: dict, allowed: set, kind_fields: dict | None = None, path: str = "") -> None:
        for name, sub in tree.items():
            if name == "*":
                continue
            if name not in allowed:
                raise _Invalid(f"Invalid field mask path \"{path}{name}\": no such field")
            if sub and kind_fields and name in kind_fields:
                SheetsEmulator._check_mask(sub, kind_fields[name], None, f"{path}{name}.")

    def _apply_cell_data(self, ss: _Spreadsheet, sh: _Sheet, r: int, c: int, data: dict, tree: dict) -> None:
        old = sh.get(r, c)
        current: dict = {}
        if old.value is not None:
            current["userEnteredValue"] = old.value
        if old.fmt:
            current["userEnteredFormat"] = old.fmt
        if old.note is not None:
            current["note"] = old.note
        if old.validation is not None:
            current["dataValidation"] = old.validation
        if old.extra:
            current.update(old.extra)
        new = apply_field_mask(current, data, tree)
        uev = new.pop("userEnteredValue", None)
        if uev is not None:
            kinds = [k for k in ("stringValue", "numberValue", "boolValue", "formulaValue", "errorValue") if k in uev]
            if len(kinds) != 1:
                raise _Invalid("userEnteredValue must set exactly one of stringValue, numberValue, boolValue, formulaValue")
            if "numberValue" in uev:
                uev = {"numberValue": float(uev["numberValue"])}
        for computed in ("effectiveValue", "formattedValue", "effectiveFormat"):
            new.pop(computed, None)
        fmt = new.pop("userEnteredFormat", None) or None
        note = new.pop("note", None)
        validation = new.pop("dataValidation", None)
        sh.set_cell(r, c, _Cell(uev, fmt, note if note != "" else None, validation, new or None))

    def _fields_tree(self, payload: dict) -> dict:
        fields = payload.get("fields")
        if not fields:
            raise _Invalid("At least one field must be specified in 'fields'.")
        try:
            tree = parse_field_mask(fields)
        except ValueError:
            raise _Invalid(f"Invalid field mask: {fields}") from None
        return tree

    def _shift(self, sh: _Sheet, dimension: str, start: int, delta: int) -> None:
        """Insert (delta > 0) or delete (delta < 0, removing [start, start-delta)) rows/columns."""
        rows = dimension == "ROWS"
        new_cells: dict = {}
        for (r, c), cell in sh.cells.items():
            pos = r if rows else c
            if delta < 0 and start <= pos < start - delta:
                continue
            if pos >= start:
                pos += delta
            new_cells[(pos, c) if rows else (r, pos)] = cell
        sh.cells = new_cells
        meta = sh.row_meta if rows else sh.col_meta
        shifted = {}
        for idx, m in meta.items():
            if delta < 0 and start <= idx < start - delta:
                continue
            shifted[idx + delta if idx >= start else idx] = m
        meta.clear()
        meta.update(shifted)
        k0, k1 = ("startRowIndex", "endRowIndex") if rows else ("startColumnIndex", "endColumnIndex")

        def adjust(gr: dict) -> dict | None:
            if gr.get("sheetId", 0) != sh.sheet_id:
                return gr
            a, b = gr.get(k0), gr.get(k1)
            if delta > 0:
                if a is not None and a >= start:
                    gr[k0] = a + delta
                if b is not None and b > start:
                    gr[k1] = b + delta
                return gr
            end = start - delta
            def move(x: int) -> int:
                return x if x <= start else (start if x <= end else x + delta)
            if a is not None:
                gr[k0] = move(a)
            if b is not None:
                gr[k1] = move(b)
            if a is not None and b is not None and gr[k0] >= gr[k1]:
                return None
            return gr

        sh.merges = [m for m in (adjust(dict(g)) for g in sh.merges) if m is not None]
        for pr in sh.protected_ranges:
            if "range" in pr:
                pr["range"] = adjust(pr["range"]) or pr["range"]
        for rule in sh.conditional_formats:
            rule["ranges"] = [g for g in (adjust(dict(x)) for x in rule.get("ranges", [])) if g is not None]

    def _check_unique_title(self, ss: _Spreadsheet, title: str, ignore: _Sheet | None = None) -> None:
        if not title or not title.strip():
            raise _Invalid("Sheet name cannot be empty.")
        for other in ss.sheets:
            if other is not ignore and other.title.lower() == title.lower():
                raise _Invalid(f'A sheet with the name "{title}" already exists. Please enter another name.')

    # -- sheets -----------------------------------------------------------------------------
    def _req_addSheet(self, ss: _Spreadsheet, payload: dict, ctx: _Ctx) -> dict:
        props = copy.deepcopy(payload.get("properties") or {})
        title = props.get("title")
        if title is None:
            n = len(ss.sheets) + 1
            while ss.by_title(f"Sheet{n}") is not None:
                n += 1
            title = f"Sheet{n}"
        self._check_unique_title(ss, title)
        if "sheetId" in props:
            sheet_id = int(props["sheetId"])
            if sheet_id < 0:
                raise _Invalid(f"Invalid sheetId: {sheet_id}")
            if ss.by_id(sheet_id) is not None:
                raise _Invalid(f"A sheet with the ID {sheet_id} already exists. Please enter another ID.")
        else:
            sheet_id = self._new_int_id(s.sheet_id for s in ss.sheets)
        index = props.get("index")
        if index is not None and not 0 <= int(index) <= len(ss.sheets):
            raise _Invalid(f"The index {index} is out of bounds (number of sheets: {len(ss.sheets)}).")
        grid = props.get("gridProperties") or {}
        grid.setdefault("rowCount", 1000)
        grid.setdefault("columnCount", 26)
        if grid["rowCount"] < 1 or grid["columnCount"] < 1:
            raise _Invalid("A sheet must have at least one row and one column.")
        new_props = {**props, "sheetId": sheet_id, "title": title, "index": 0,
                     "sheetType": props.get("sheetType", "GRID"), "gridProperties": _ordered(grid, _GRID_PROP_ORDER)}
        if "tabColorStyle" in new_props and "rgbColor" in new_props["tabColorStyle"] and "tabColor" not in new_props:
            new_props["tabColor"] = copy.deepcopy(new_props["tabColorStyle"]["rgbColor"])
        sheet = _Sheet(new_props)
        ss.sheets.insert(len(ss.sheets) if index is None else int(index), sheet)
        ss.reindex()
        return {"addSheet": {"properties": self._props_json(sheet.props)}}

    def _req_deleteSheet(self, ss: _Spreadsheet, payload: dict, ctx: _Ctx) -> None:
        sh = self._req_sheet(ss, payload.get("sheetId", 0))
        if len(ss.sheets) == 1:
            raise _Invalid("You can't remove all the sheets in a document.")
        ss.sheets.remove(sh)
        if all(s.props.get("hidden") for s in ss.sheets):
            raise _Invalid("You can't remove all the visible sheets in a document.")
        ss.reindex()
        return None

    def _req_duplicateSheet(self, ss: _Spreadsheet, payload: dict, ctx: _Ctx) -> dict:
        src = self._req_sheet(ss, payload.get("sourceSheetId", 0))
        title = payload.get("newSheetName") or f"Copy of {src.title}"
        self._check_unique_title(ss, title)
        new_id = payload.get("newSheetId")
        if new_id is None:
            new_id = self._new_int_id(s.sheet_id for s in ss.sheets)
        elif ss.by_id(int(new_id)) is not None:
            raise _Invalid(f"A sheet with the ID {new_id} already exists. Please enter another ID.")
        dup = src.clone()
        dup.props["sheetId"] = int(new_id)
        dup.props["title"] = title
        dup.protected_ranges = []
        dup.developer_metadata = []
        for gr_holder in dup.merges:
            if gr_holder.get("sheetId", 0) == src.sheet_id:
                gr_holder["sheetId"] = int(new_id)
        dup.merges = [_norm_grid_range(m) for m in dup.merges]
        for rule in dup.conditional_formats:
            rule["ranges"] = [_norm_grid_range({**g, "sheetId": int(new_id)}) for g in rule.get("ranges", [])]
        dup.charts = []
        index = payload.get("insertSheetIndex")
        ss.sheets.insert(len(ss.sheets) if index is None else max(0, min(int(index), len(ss.sheets))), dup)
        ss.reindex()
        return {"duplicateSheet": {"properties": self._props_json(dup.props)}}

    def _req_updateSheetProperties(self, ss: _Spreadsheet, payload: dict, ctx: _Ctx) -> None:
        props = payload.get("properties") or {}
        sh = self._req_sheet(ss, props.get("sheetId", 0))
        tree = self._fields_tree(payload)
        self._check_mask(tree, _SHEET_PROP_FIELDS, {"gridProperties": _GRID_PROP_FIELDS})
        if "sheetId" in tree or "sheetType" in tree:
            raise _Invalid("sheetId and sheetType cannot be changed.")
        old_grid = dict(sh.grid)
        old_index = ss.sheets.index(sh)
        new = apply_field_mask(sh.props, props, {k: v for k, v in tree.items()} if "*" not in tree else
                               {k: None for k in props if k not in ("sheetId", "sheetType")})
        new["sheetId"] = sh.sheet_id
        new["sheetType"] = sh.props.get("sheetType", "GRID")
        if "title" in tree or "*" in tree:
            self._check_unique_title(ss, new.get("title", ""), ignore=sh)
        grid = new.setdefault("gridProperties", {})
        for key in ("rowCount", "columnCount"):
            if key not in grid:
                grid[key] = old_grid.get(key, 0)
            if grid[key] < 1:
                raise _Invalid(f"Invalid {key}: {grid[key]}. A sheet must have at least one row and one column.")
        if grid.get("frozenRowCount", 0) > grid["rowCount"] or grid.get("frozenColumnCount", 0) > grid["columnCount"]:
            raise _Invalid("You can't freeze more rows or columns than the sheet has.")
        for k in ("frozenRowCount", "frozenColumnCount"):
            if k in grid and not grid[k]:
                grid.pop(k)
        new["gridProperties"] = _ordered(grid, _GRID_PROP_ORDER)
        if "tabColorStyle" in tree:
            if "rgbColor" in (new.get("tabColorStyle") or {}):
                new["tabColor"] = copy.deepcopy(new["tabColorStyle"]["rgbColor"])
            elif "tabColorStyle" not in new:
                new.pop("tabColor", None)
        if not new.get("hidden"):
            new.pop("hidden", None)
        sh.props = new
        # Shrinking drops data outside the new grid.
        if grid["rowCount"] < old_grid.get("rowCount", 0) or grid["columnCount"] < old_grid.get("columnCount", 0):
            sh.cells = {k: v for k, v in sh.cells.items() if k[0] < grid["rowCount"] and k[1] < grid["columnCount"]}
        if "index" in tree:
            target = int(props.get("index", 0))
            ss.sheets.remove(sh)
            pos = target if target <= old_index else target - 1
            ss.sheets.insert(max(0, min(pos, len(ss.sheets))), sh)
        ss.reindex()
        if all(s.props.get("hidden") for s in ss.sheets):
            raise _Invalid("You can't hide all the sheets in a document.")
        return None

    # -- cells ------------------------------------------------------------------------------
    def _req_updateCells(self, ss: _Spreadsheet, payload: dict, ctx: _Ctx) -> None:
        tree = self._fields_tree(payload)
        self._check_mask(tree, _CELL_FIELDS | {"*"}, {"userEnteredFormat": _FORMAT_FIELDS})
        rows = payload.get("rows") or []
        if "start" in payload and "range" in payload:
            raise _Invalid("Only one of start or range may be set.")
        if "range" in payload:
            sh, box = self._grid_box(ss, payload["range"])
            for i, r in enumerate(range(box.row0, box.row1)):  # type: ignore[arg-type]
                values = (rows[i].get("values") or []) if i < len(rows) else []
                for j, c in enumerate(range(box.col0, box.col1)):  # type: ignore[arg-type]
                    self._apply_cell_data(ss, sh, r, c, values[j] if j < len(values) else {}, tree)
            if len(rows) > box.rows or any(len(row.get("values") or []) > box.cols for row in rows):
                raise _Invalid(f"Attempting to write row: {box.row0 + len(rows)}, beyond the last requested row of: {box.row1 - 1}")  # type: ignore[operator]
            return None
        start = payload.get("start") or {}
        sh = self._req_sheet(ss, start.get("sheetId", 0))
        r0, c0 = int(start.get("rowIndex", 0)), int(start.get("columnIndex", 0))
        height = len(rows)
        width = max((len(row.get("values") or []) for row in rows), default=0)
        if r0 + height > sh.row_count or c0 + width > sh.col_count:
            raise _Invalid(self._grid_error(sh, Box(r0, r0 + max(height, 1), c0, c0 + max(width, 1))))
        for i, row in enumerate(rows):
            for j, data in enumerate(row.get("values") or []):
                self._apply_cell_data(ss, sh, r0 + i, c0 + j, data or {}, tree)
        return None

    def _req_copyPaste(self, ss: _Spreadsheet, payload: dict, ctx: _Ctx) -> None:
        paste_type = payload.get("pasteType", "PASTE_NORMAL")
        if paste_type not in ("PASTE_NORMAL", "PASTE_VALUES", "PASTE_FORMAT"):
            raise _Invalid(f"pasteType {paste_type} is not implemented by the Sheets emulator")
        if payload.get("pasteOrientation", "NORMAL") != "NORMAL":
            raise _Invalid("pasteOrientation TRANSPOSE is not implemented by the Sheets emulator")
        src, box = self._grid_box(ss, payload.get("source"))
        dst, target = self._grid_box(ss, payload.get("destination"))
        height, width = box.row1 - box.row0, box.col1 - box.col0  # type: ignore[operator]
        # Google repeats the source over a larger destination, and pastes it whole into a smaller one.
        rows = max(height, (target.row1 - target.row0) // height * height) if height else 0  # type: ignore[operator]
        cols = max(width, (target.col1 - target.col0) // width * width) if width else 0  # type: ignore[operator]
        if target.row0 + rows > dst.row_count or target.col0 + cols > dst.col_count:  # type: ignore[operator]
            raise _Invalid(self._grid_error(dst, Box(target.row0, target.row0 + rows, target.col0, target.col0 + cols)))  # type: ignore[operator]
        source = {(r - box.row0, c - box.col0): cell for (r, c), cell in src.cells.items()  # type: ignore[operator]
                  if box.row0 <= r < box.row1 and box.col0 <= c < box.col1}  # type: ignore[operator]
        for i in range(rows):
            for j in range(cols):
                old = dst.get(target.row0 + i, target.col0 + j)  # type: ignore[operator]
                new = source.get((i % height, j % width), _EMPTY)
                if paste_type == "PASTE_VALUES":
                    new = replace(old, value=new.value)
                elif paste_type == "PASTE_FORMAT":
                    new = replace(old, fmt=new.fmt)
                dst.set_cell(target.row0 + i, target.col0 + j, new)  # type: ignore[operator]
        return None

    def _req_repeatCell(self, ss: _Spreadsheet, payload: dict, ctx: _Ctx) -> None:
        tree = self._fields_tree(payload)
        self._check_mask(tree, _CELL_FIELDS | {"*"}, {"userEnteredFormat": _FORMAT_FIELDS})
        sh, box = self._grid_box(ss, payload.get("range"))
        cell = payload.get("cell") or {}
        for r, c in box.cells():
            self._apply_cell_data(ss, sh, r, c, cell, tree)
        return None

    def _req_setDataValidation(self, ss: _Spreadsheet, payload: dict, ctx: _Ctx) -> None:
        sh, box = self._grid_box(ss, payload.get("range"))
        rule = payload.get("rule")
        if rule is not None:
            condition = rule.get("condition") or {}
            if not condition.get("type"):
                raise _Invalid("A data validation rule must have a condition type.")
            if condition["type"] in ("ONE_OF_LIST", "ONE_OF_RANGE", "NUMBER_BETWEEN") and not condition.get("values"):
                raise _Invalid(f"Condition type {condition['type']} requires values.")
        for r, c in box.cells():
            old = sh.get(r, c)
            sh.set_cell(r, c, replace(old, validation=copy.deepcopy(rule)))
        return None

    # -- dimensions -------------------------------------------------------------------------
    def _dim_range(self, ss: _Spreadsheet, dr: dict | None) -> tuple[_Sheet, str, int, int]:
        dr = dr or {}
        sh = self._req_sheet(ss, dr.get("sheetId", 0))
        dim = dr.get("dimension")
        if dim not in ("ROWS", "COLUMNS"):
            raise _Invalid("dimension must be ROWS or COLUMNS")
        size = sh.row_count if dim == "ROWS" else sh.col_count
        start = int(dr.get("startIndex", 0))
        end = int(dr.get("endIndex", size))
        if start < 0 or end < start:
            raise _Invalid(f"Invalid dimension range: startIndex[{start}] endIndex[{end}]")
        if end > size:
            kind = "rows" if dim == "ROWS" else "columns"
            raise _Invalid(f"Invalid dimension range: endIndex[{end}] is beyond the last {kind[:-1]} ({size} {kind})")
        return sh, dim, start, end

    def _req_updateDimensionProperties(self, ss: _Spreadsheet, payload: dict, ctx: _Ctx) -> None:
        tree = self._fields_tree(payload)
        self._check_mask(tree, {"pixelSize", "hiddenByUser", "hiddenByFilter", "developerMetadata", "dataSourceColumnReference", "*"})
        sh, dim, start, end = self._dim_range(ss, payload.get("range"))
        meta = sh.row_meta if dim == "ROWS" else sh.col_meta
        props = payload.get("properties") or {}
        if "pixelSize" in props and int(props["pixelSize"]) < 0:
            raise _Invalid("pixelSize must be non-negative")
        for idx in range(start, end):
            new = apply_field_mask(meta.get(idx, {}), props, tree)
            if new:
                meta[idx] = new
            else:
                meta.pop(idx, None)
        return None

    def _req_autoResizeDimensions(self, ss: _Spreadsheet, payload: dict, ctx: _Ctx) -> None:
        if "dimensions" in payload:
            self._dim_range(ss, payload["dimensions"])
        return None

    def _req_insertDimension(self, ss: _Spreadsheet, payload: dict, ctx: _Ctx) -> None:
        rng = payload.get("range") or {}
        sh = self._req_sheet(ss, rng.get("sheetId", 0))
        dim = rng.get("dimension")
        if dim not in ("ROWS", "COLUMNS"):
            raise _Invalid("dimension must be ROWS or COLUMNS")
        size = sh.row_count if dim == "ROWS" else sh.col_count
        start, end = int(rng.get("startIndex", 0)), int(rng.get("endIndex", 0))
        if not 0 <= start < end or start > size:
            raise _Invalid(f"Invalid dimension range: startIndex[{start}] endIndex[{end}]")
        if start == 0 and payload.get("inheritFromBefore"):
            raise _Invalid("Cannot inherit from before when inserting at the start.")
        self._shift(sh, dim, start, end - start)
        sh.grid["rowCount" if dim == "ROWS" else "columnCount"] = size + (end - start)
        return None

    def _req_deleteDimension(self, ss: _Spreadsheet, payload: dict, ctx: _Ctx) -> None:
        sh, dim, start, end = self._dim_range(ss, payload.get("range"))
        size = sh.row_count if dim == "ROWS" else sh.col_count
        if end - start >= size:
            raise _Invalid("You can't delete all the rows on the sheet." if dim == "ROWS"
                           else "You can't delete all the columns on the sheet.")
        self._shift(sh, dim, start, -(end - start))
        key = "rowCount" if dim == "ROWS" else "columnCount"
        sh.grid[key] = size - (end - start)
        frozen = "frozenRowCount" if dim == "ROWS" else "frozenColumnCount"
        if sh.grid.get(frozen, 0) > sh.grid[key]:
            sh.grid[frozen] = sh.grid[key]
        return None

    def _req_appendDimension(self, ss: _Spreadsheet, payload: dict, ctx: _Ctx) -> None:
        sh = self._req_sheet(ss, payload.get("sheetId", 0))
        dim = payload.get("dimension")
        if dim not in ("ROWS", "COLUMNS"):
            raise _Invalid("dimension must be ROWS or COLUMNS")
        length = int(payload.get("length", 0))
        if length < 1:
            raise _Invalid("length must be positive")
        key = "rowCount" if dim == "ROWS" else "columnCount"
        sh.grid[key] = int(sh.grid.get(key, 0)) + length
        return None

    # -- merges, filters, named ranges ---------------------------------------------------
    def _req_mergeCells(self, ss: _Spreadsheet, payload: dict, ctx: _Ctx) -> None:
        sh, box = self._grid_box(ss, payload.get("range"))
        merge_type = payload.get("mergeType", "MERGE_ALL")
        if merge_type == "MERGE_ALL":
            pieces = [box]
        elif merge_type == "MERGE_COLUMNS":
            pieces = [Box(box.row0, box.row1, c, c + 1) for c in range(box.col0, box.col1)]  # type: ignore[arg-type]
        elif merge_type == "MERGE_ROWS":
            pieces = [Box(r, r + 1, box.col0, box.col1) for r in range(box.row0, box.row1)]  # type: ignore[arg-type]
        else:
            raise _Invalid(f"Invalid mergeType: {merge_type}")
        for piece in pieces:
            if piece.rows * piece.cols < 2:
                continue
            for m in sh.merges:
                mb = _box_of(m)
                if mb.row0 < piece.row1 and piece.row0 < mb.row1 and mb.col0 < piece.col1 and piece.col0 < mb.col1:  # type: ignore[operator]
                    raise _Invalid("You can't merge cells that are already merged; unmerge them first.")
            for r, c in piece.cells():
                if (r, c) != (piece.row0, piece.col0) and (r, c) in sh.cells:
                    sh.set_cell(r, c, replace(sh.cells[(r, c)], value=None))
            sh.merges.append(_norm_grid_range({"sheetId": sh.sheet_id, "startRowIndex": piece.row0,
                                               "endRowIndex": piece.row1, "startColumnIndex": piece.col0,
                                               "endColumnIndex": piece.col1}))
        return None

    def _req_unmergeCells(self, ss: _Spreadsheet, payload: dict, ctx: _Ctx) -> None:
        sh, box = self._grid_box(ss, payload.get("range"))

        def overlaps(m: dict) -> bool:
            mb = _box_of(m)
            return mb.row0 < box.row1 and box.row0 < mb.row1 and mb.col0 < box.col1 and box.col0 < mb.col1  # type: ignore[operator]

        sh.merges = [m for m in sh.merges if not overlaps(m)]
        return None

    # -- conditional formats ----------------------------------------------------------------
    def _rule_sheet(self, ss: _Spreadsheet, rule: dict) -> _Sheet:
        ranges = rule.get("ranges") or []
        if not ranges:
            raise _Invalid("A conditional format rule must have at least one range.")
        sheets = set()
        for gr in ranges:
            sh, _ = self._grid_box(ss, gr)
            sheets.add(sh.sheet_id)
        if len(sheets) != 1:
            raise _Invalid("All ranges of a conditional format rule must be on the same sheet.")
        if "booleanRule" not in rule and "gradientRule" not in rule:
            raise _Invalid("A conditional format rule must have a booleanRule or a gradientRule.")
        return self._req_sheet(ss, sheets.pop())

    def _req_addConditionalFormatRule(self, ss: _Spreadsheet, payload: dict, ctx: _Ctx) -> None:
        rule = copy.deepcopy(payload.get("rule") or {})
        sh = self._rule_sheet(ss, rule)
        rule["ranges"] = [_norm_grid_range(g) for g in rule["ranges"]]
        index = int(payload.get("index", 0))
        if not 0 <= index <= len(sh.conditional_formats):
            raise _Invalid(f"Invalid index {index} (there are {len(sh.conditional_formats)} rules).")
        sh.conditional_formats.insert(index, _ordered(rule, ["ranges", "booleanRule", "gradientRule"]))
        return None

    def _req_deleteConditionalFormatRule(self, ss: _Spreadsheet, payload: dict, ctx: _Ctx) -> dict:
        sh = self._req_sheet(ss, payload.get("sheetId", 0))
        index = int(payload.get("index", 0))
        if not 0 <= index < len(sh.conditional_formats):
            raise _Invalid(f"No conditional format on sheet: {sh.sheet_id} at index: {index}")
        rule = sh.conditional_formats.pop(index)
        return {"deleteConditionalFormatRule": {"rule": rule}}

    # -- protected ranges -------------------------------------------------------------------
    def _all_protected(self, ss: _Spreadsheet) -> Iterator[tuple[_Sheet, dict]]:
        for sh in ss.sheets:
            for pr in sh.protected_ranges:
                yield sh, pr

    def _req_addProtectedRange(self, ss: _Spreadsheet, payload: dict, ctx: _Ctx) -> dict:
        pr = copy.deepcopy(payload.get("protectedRange") or {})
        sh, _ = self._grid_box(ss, pr.get("range"))
        pr["range"] = _norm_grid_range(pr.get("range") or {})
        taken = [p.get("protectedRangeId") for _, p in self._all_protected(ss)]
        if "protectedRangeId" in pr and pr["protectedRangeId"] in taken:
            raise _Invalid(f"A protected range with ID {pr['protectedRangeId']} already exists.")
        pr.setdefault("protectedRangeId", self._new_int_id(taken))
        if not pr.get("description"):
            pr.pop("description", None)
        warning = bool(pr.get("warningOnly"))
        if not warning:
            pr.pop("warningOnly", None)
        editors = pr.pop("editors", None) or {}
        if warning and (editors.get("users") or editors.get("groups")):
            raise _Invalid("Warning-only protected ranges cannot have editors.")
        pr["requestingUserCanEdit"] = True
        pr.pop("unprotectedRanges", None) if not pr.get("unprotectedRanges") else None
        reply = dict(pr)
        if not warning:
            given = {k: list(v) for k, v in editors.items() if k in ("users", "groups") and v}
            if editors.get("domainUsersCanEdit"):
                given["domainUsersCanEdit"] = True
            reply["editors"] = copy.deepcopy(given)
            stored = copy.deepcopy(given)
            users = stored.get("users", [])
            if ctx.caller not in users:
                stored["users"] = [ctx.caller] + users
            pr["editors"] = _ordered(stored, ["users", "groups", "domainUsersCanEdit"])
        sh.protected_ranges.append(self._protected_range_json(pr))
        return {"addProtectedRange": {"protectedRange": self._protected_range_json(reply)}}

    def _req_deleteProtectedRange(self, ss: _Spreadsheet, payload: dict, ctx: _Ctx) -> None:
        pid = payload.get("protectedRangeId")
        for sh, pr in list(self._all_protected(ss)):
            if pr.get("protectedRangeId") == pid:
                sh.protected_ranges.remove(pr)
                return None
        raise _Invalid(f"No protected range with id: {pid}")

    # -- developer metadata -----------------------------------------------------------------
    def _req_createDeveloperMetadata(self, ss: _Spreadsheet, payload: dict, ctx: _Ctx) -> dict:
        md = copy.deepcopy(payload.get("developerMetadata") or {})
        if not md.get("metadataKey"):
            raise _Invalid("Developer metadata must have a metadataKey.")
        if md.get("visibility") not in ("DOCUMENT", "PROJECT"):
            raise _Invalid("Developer metadata visibility must be DOCUMENT or PROJECT.")
        loc = md.get("location") or {}
        taken = [m.get("metadataId") for m in self._all_metadata(ss)]
        if "metadataId" in md and md["metadataId"] in taken:
            raise _Invalid(f"Developer metadata with ID {md['metadataId']} already exists.")
        md.setdefault("metadataId", self._new_int_id(taken))
        if loc.get("spreadsheet"):
            location = {"locationType": "SPREADSHEET", "spreadsheet": True}
            holder = ss.developer_metadata
        elif "sheetId" in loc:
            sh = self._req_sheet(ss, loc["sheetId"])
            location = {"locationType": "SHEET", "sheetId": sh.sheet_id}
            holder = sh.developer_metadata
        elif "dimensionRange" in loc:
            dr = loc["dimensionRange"]
            sh, dim, start, end = self._dim_range(ss, dr)
            location = {"locationType": "ROW" if dim == "ROWS" else "COLUMN",
                        "dimensionRange": {**({"sheetId": sh.sheet_id} if sh.sheet_id else {}),
                                           "dimension": dim, "startIndex": start, "endIndex": end}}
            holder = sh.developer_metadata
        else:
            raise _Invalid("Developer metadata must have a location (spreadsheet, sheetId or dimensionRange).")
        out = _ordered({**md, "location": location}, ["metadataId", "metadataKey", "metadataValue", "location", "visibility"])
        holder.append(out)
        return {"createDeveloperMetadata": {"developerMetadata": copy.deepcopy(out)}}

    def _matching_metadata(self, ss: _Spreadsheet, data_filters: list) -> list[tuple[list, dict]]:
        hits = []
        holders = [ss.developer_metadata] + [sh.developer_metadata for sh in ss.sheets]
        for data_filter in data_filters:
            lookup = (data_filter or {}).get("developerMetadataLookup")
            if not lookup:
                raise _Invalid("Only developerMetadataLookup data filters are supported by the emulator.")
            for holder in holders:
                for md in holder:
                    if self._metadata_matches(md, lookup) and all(md is not h[1] for h in hits):
                        hits.append((holder, md))
        return hits

    def _req_deleteDeveloperMetadata(self, ss: _Spreadsheet, payload: dict, ctx: _Ctx) -> dict:
        hits = self._matching_metadata(ss, [payload.get("dataFilter") or {}])
        for holder, md in hits:
            holder.remove(md)
        deleted = [copy.deepcopy(md) for _, md in hits]
        return {"deleteDeveloperMetadata": {"deletedDeveloperMetadata": deleted} if deleted else {}}

    # -- charts -----------------------------------------------------------------------------
    def _all_charts(self, ss: _Spreadsheet) -> Iterator[tuple[_Sheet, dict]]:
        for sh in ss.sheets:
            for chart in sh.charts:
                yield sh, chart

    def _req_addChart(self, ss: _Spreadsheet, payload: dict, ctx: _Ctx) -> dict:
        chart = copy.deepcopy(payload.get("chart") or {})
        if not chart.get("spec"):
            raise _Invalid("A chart must have a spec.")
        taken = [c.get("chartId") for _, c in self._all_charts(ss)]
        if "chartId" in chart and chart["chartId"] in taken:
            raise _Invalid(f"An object with the ID {chart['chartId']} already exists.")
        chart.setdefault("chartId", self._new_int_id(taken))
        position = chart.get("position") or {"newSheet": True}
        if "overlayPosition" in position:
            anchor = (position["overlayPosition"].get("anchorCell") or {})
            sh = self._req_sheet(ss, anchor.get("sheetId", 0))
            anchor_out = {**({"sheetId": sh.sheet_id} if sh.sheet_id else {}),
                          **{k: anchor[k] for k in ("rowIndex", "columnIndex") if k in anchor}}
            position["overlayPosition"] = {"anchorCell": anchor_out, **{k: v for k, v in position["overlayPosition"].items()
                                                                        if k != "anchorCell"}}
        elif "sheetId" in position:
            sh = self._req_sheet(ss, position["sheetId"])
        else:
            n = 1
            while ss.by_title(f"Chart{n}") is not None:
                n += 1
            new_id = self._new_int_id(s.sheet_id for s in ss.sheets)
            sh = _Sheet({"sheetId": new_id, "title": f"Chart{n}", "index": 0, "sheetType": "OBJECT", "gridProperties": {}})
            ss.sheets.append(sh)
            ss.reindex()
            position = {"sheetId": new_id}
        chart["position"] = position
        out = _ordered(chart, ["chartId", "spec", "position", "border"])
        sh.charts.append(out)
        return {"addChart": {"chart": copy.deepcopy(out)}}

    def _req_deleteEmbeddedObject(self, ss: _Spreadsheet, payload: dict, ctx: _Ctx) -> None:
        object_id = payload.get("objectId")
        for sh, chart in list(self._all_charts(ss)):
            if chart.get("chartId") == object_id:
                sh.charts.remove(chart)
                if sh.props.get("sheetType") == "OBJECT" and not sh.charts:
                    ss.sheets.remove(sh)
                    ss.reindex()
                return None
        raise _Invalid(f"No embedded object with id: {object_id}")


class _RawFault(Exception):
    def __init__(self, status: int, payload: bytes, content_type: str) -> None:
        super().__init__(status)
        self.status, self.payload, self.content_type = status, payload, content_type


def _b64url(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def emulator_fixture(scope: str = "module", **kwargs: Any) -> Any:
    """Build a pytest fixture that yields a started :class:`SheetsEmulator` (stopped afterwards)::

        sheets_emulator = emulator_fixture()          # in a conftest.py or test module
        def test_x(sheets_emulator): ...

    Use :meth:`SheetsEmulator.reset` between tests when sharing one emulator."""
    import pytest

    @pytest.fixture(scope=scope)
    def _sheets_emulator() -> Iterator[SheetsEmulator]:
        with SheetsEmulator(**kwargs) as emu:
            yield emu

    return _sheets_emulator
