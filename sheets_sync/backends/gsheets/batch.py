"""Pure functions that turn summary tabs and input-tab specs into Sheets API v4 requests.

Everything a sync writes goes, while it fits the request budget (2 MB, Google's recommended
ceiling; it refuses any body over 10 MB), into ONE `spreadsheets.batchUpdate` body, which Google
applies atomically: either every summary tab is rewritten, formatted, protected and charted, or
nothing changes. Values are sent as `stringValue`/`numberValue`, never as formulas, so staff text
such as `=IMPORTRANGE(...)` stays text. Formats go by range (`repeatCell` over each rectangle of
cells that look alike), not cell by cell, and bodies are compact UTF-8 JSON.

A write over the budget is staged: the new summary tabs are first written, in chunks that each
fit, into hidden sheets with temporary titles; one final small batchUpdate then copies each into
its real tab (which keeps its sheetId, so links and staff formulas that point at it stay valid),
adds charts and protection, and deletes the staging sheets. A reader of the sheet never sees half
a sync; a staged write cut short leaves only hidden staging sheets, which the next write removes.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ...core.cells import datetime_to_serial
from ...core.grid import NUMBER_PATTERNS, ChartKind, Fmt, Grid, GridCell, Style, SummaryTab, chart_placements, lay_out, style_fill
from ..base import DATE_HELP, OWNER_KEY, InputTabSpec, dropdown_help

OWNER_VALUE = "summary-tab"
STAGING_KEY = "sheets-sync-staging"  # developer metadata on a hidden staging sheet
STAGING_TITLE = "~sheets-sync กำลังเขียน {token} {n}"
WRITE_BUDGET = 2_000_000  # bytes per request body
PROTECTION_NOTE = "สร้างโดย sheets-sync — แท็บนี้ถูกเขียนใหม่ทุกครั้งที่ sync การแก้ไขจะหายไป"
PIXELS_PER_CHAR = 8
MIN_GRID_ROWS, MIN_GRID_COLS = 50, 12
CHART_WIDTH_PX, CHART_COLUMNS = 640, 9  # a chart sits right of the tables: 1 gap + ~8 default columns


def _rgb(hex_colour: str) -> dict[str, float]:
    return {
        "red": int(hex_colour[0:2], 16) / 255,
        "green": int(hex_colour[2:4], 16) / 255,
        "blue": int(hex_colour[4:6], 16) / 255,
    }


_NUMBER_TYPES = {Fmt.DATE: "DATE", Fmt.PCT: "NUMBER", Fmt.SCORE: "NUMBER", Fmt.INT: "NUMBER", Fmt.NUMBER: "NUMBER", Fmt.DECIMAL2: "NUMBER", Fmt.MONEY: "NUMBER"}


def cell_value(cell: GridCell) -> dict[str, Any] | None:
    """The value as a value, never a formula."""
    value = cell.value
    if isinstance(value, str):
        return {"stringValue": value}
    if isinstance(value, dt.date):
        return {"numberValue": datetime_to_serial(value)}
    if isinstance(value, (int, float)):
        return {"numberValue": value}
    return None


def cell_format(cell: GridCell) -> dict[str, Any] | None:
    value = cell.value
    fmt: dict[str, Any] = {}
    if cell.style in (Style.TITLE, Style.HEADER, Style.CAPTION):
        fmt["textFormat"] = {"bold": True, **({"fontSize": 14} if cell.style is Style.TITLE else {})}
    fill = style_fill(cell.style)
    if fill is not None:
        fmt["backgroundColor"] = _rgb(fill)
    if cell.style is Style.HEADER:
        fmt["wrapStrategy"] = "WRAP"
        fmt["verticalAlignment"] = "MIDDLE"
    if cell.fmt in _NUMBER_TYPES and value is not None and not isinstance(value, str):
        fmt["numberFormat"] = {"type": _NUMBER_TYPES[cell.fmt], "pattern": NUMBER_PATTERNS[cell.fmt]}
    return fmt or None


def cell_data(cell: GridCell) -> dict[str, Any]:
    """One CellData: the value as a value (never a formula) and its format."""
    data: dict[str, Any] = {}
    value, fmt = cell_value(cell), cell_format(cell)
    if value is not None:
        data["userEnteredValue"] = value
    if fmt:
        data["userEnteredFormat"] = fmt
    return data


def encode(obj: Any) -> bytes:
    """Compact UTF-8 JSON (Thai text as 3 bytes a character, not a 6-byte \\u escape)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def new_sheet_id(taken: Iterable[int], rng: random.Random) -> int:
    """A sheet id of our own choosing (so later requests in the same batch can name it)."""
    used = set(taken)
    while True:
        candidate = rng.randint(1, 2**31 - 1)
        if candidate not in used:
            return candidate


@dataclass
class _TabWrite:
    tab: SummaryTab
    grid: Grid
    sheet_id: int
    existing: dict[str, Any] | None
    rows: int
    cols: int
    frozen: int


def _plan(tab: SummaryTab, existing: dict[str, Any] | None, sheet_id: int) -> _TabWrite:
    grid = lay_out(tab)
    rows = max(len(grid.rows) + 5, MIN_GRID_ROWS)
    # The chart's anchor cell must lie inside the grid, and the chart should not hang off it.
    cols = max(grid.width + (CHART_COLUMNS if tab.charts else 0), MIN_GRID_COLS)
    frozen = grid.header_rows[0] + 1 if grid.header_rows else 2
    return _TabWrite(tab, grid, sheet_id, existing, rows, cols, frozen)


def _structure(plan: _TabWrite, index: int | None = None) -> list[dict[str, Any]]:
    """Make the real tab ready for new content: created and marked, or emptied and resized.
    An existing tab keeps its sheetId, so links to it stay valid; its old charts and protection
    are removed and written anew."""
    grid_props = {"rowCount": plan.rows, "columnCount": plan.cols, "frozenRowCount": plan.frozen}
    requests: list[dict[str, Any]] = []
    existing = plan.existing
    owned = existing is not None and any(m.get("metadataKey") == OWNER_KEY for m in existing.get("developerMetadata", []))
    if existing is None:
        properties: dict[str, Any] = {"sheetId": plan.sheet_id, "title": plan.tab.title, "gridProperties": grid_props}
        if index is not None:
            properties["index"] = index
        requests.append({"addSheet": {"properties": properties}})
    if not owned:  # a new tab, or a same-named one taken over with --force
        requests.append(_metadata(OWNER_KEY, OWNER_VALUE, plan.sheet_id))
    if existing is not None:
        for chart in existing.get("charts", []):
            requests.append({"deleteEmbeddedObject": {"objectId": chart["chartId"]}})
        for protected in existing.get("protectedRanges", []):
            requests.append({"deleteProtectedRange": {"protectedRangeId": protected["protectedRangeId"]}})
        # Clear everything (values, formats, validation) in the old grid before resizing.
        requests.append({"updateCells": {"range": {"sheetId": plan.sheet_id}, "fields": "*"}})
        requests.append(
            {
                "updateSheetProperties": {
                    "properties": {"sheetId": plan.sheet_id, "gridProperties": grid_props},
                    "fields": "gridProperties.rowCount,gridProperties.columnCount,gridProperties.frozenRowCount",
                }
            }
        )
    return requests


def _metadata(key: str, value: str, sheet_id: int) -> dict[str, Any]:
    return {
        "createDeveloperMetadata": {
            "developerMetadata": {"metadataKey": key, "metadataValue": value, "location": {"sheetId": sheet_id}, "visibility": "DOCUMENT"}
        }
    }


def _value_rows(grid: Grid, sheet_ids: dict[str, int]) -> list[dict[str, Any]]:
    out = []
    for row in grid.rows:
        values: list[dict[str, Any]] = []
        for cell in row:
            value = cell_value(cell)
            data: dict[str, Any] = {"userEnteredValue": value} if value is not None else {}
            target = sheet_ids.get(cell.link.sheet) if cell.link is not None else None
            if cell.link is not None and cell.link.url and isinstance(cell.value, str) and cell.value:
                data["textFormatRuns"] = [{"startIndex": 0, "format": {"link": {"uri": cell.link.url}}}]
            elif target is not None and isinstance(cell.value, str) and cell.value:
                # An internal link is a text run pointing at the cell; the value stays plain text.
                data["textFormatRuns"] = [{"startIndex": 0, "format": {"link": {"uri": f"#gid={target}&range={cell.link.cell}"}}}]  # type: ignore[union-attr]
            values.append(data)
        while values and not values[-1]:
            values.pop()
        out.append({"values": values} if values else {})
    return out


def _format_requests(grid: Grid, sheet_id: int) -> list[dict[str, Any]]:
    """One repeatCell per rectangle of cells with the same format: a table's date column is one
    request, not one format per cell."""
    open_: dict[tuple[int, int, str], int] = {}  # (first col, end col, format) -> first row
    done: list[tuple[int, int, int, int, str]] = []
    formats: dict[str, dict[str, Any]] = {}
    for r, row in enumerate([*grid.rows, []]):
        runs: list[tuple[int, int, str]] = []
        for c, cell in enumerate(row):
            fmt = cell_format(cell)
            key = json.dumps(fmt, sort_keys=True) if fmt else ""
            if key:
                formats[key] = fmt  # type: ignore[assignment]
            if runs and runs[-1][2] == key and runs[-1][1] == c:
                runs[-1] = (runs[-1][0], c + 1, key)
            else:
                runs.append((c, c + 1, key))
        current = {run for run in runs if run[2]}
        for run in list(open_):
            if run not in current:
                done.append((open_.pop(run), r, *run))
        for run in current:
            open_.setdefault(run, r)
    done.sort()
    return [
        {
            "repeatCell": {
                "range": {"sheetId": sheet_id, "startRowIndex": r0, "endRowIndex": r1, "startColumnIndex": c0, "endColumnIndex": c1},
                "cell": {"userEnteredFormat": formats[key]},
                "fields": "userEnteredFormat",
            }
        }
        for r0, r1, c0, c1, key in done
    ]


def _content(plan: _TabWrite, sheet_id: int, budget: int, sheet_ids: dict[str, int] | None = None) -> list[bytes]:
    """Values (in row chunks that each fit the budget) and formats, as encoded requests."""
    out: list[bytes] = []
    chunk: list[bytes] = []
    size, first = 0, 0
    limit = budget - 1_000
    rows = [encode(r) for r in _value_rows(plan.grid, sheet_ids or {})]
    fields = "userEnteredValue,textFormatRuns" if any(b'"textFormatRuns"' in r for r in rows) else "userEnteredValue"

    def flush(end: int) -> None:
        if end > first:
            head = encode({"start": {"sheetId": sheet_id, "rowIndex": first, "columnIndex": 0}, "fields": fields})
            out.append(b'{"updateCells":' + head[:-1] + b',"rows":[' + b",".join(chunk) + b"]}}")

    for n, row in enumerate(rows):
        if chunk and size + len(row) + 1 > limit:
            flush(n)
            chunk, size, first = [], 0, n
        chunk.append(row)
        size += len(row) + 1
    flush(len(rows))
    out.extend(encode(r) for r in _format_requests(plan.grid, sheet_id))
    return out


def _finish(plan: _TabWrite) -> list[dict[str, Any]]:
    requests: list[dict[str, Any]] = []
    for col, width in enumerate(plan.grid.column_widths):
        requests.append(
            {
                "updateDimensionProperties": {
                    "range": {"sheetId": plan.sheet_id, "dimension": "COLUMNS", "startIndex": col, "endIndex": col + 1},
                    "properties": {"pixelSize": width * PIXELS_PER_CHAR},
                    "fields": "pixelSize",
                }
            }
        )
    requests.append(
        {
            "addProtectedRange": {
                "protectedRange": {"range": {"sheetId": plan.sheet_id}, "description": PROTECTION_NOTE, "warningOnly": True}
            }
        }
    )
    requests.extend(chart_requests(plan.tab, plan.grid, plan.sheet_id))
    return requests


def chart_requests(tab: SummaryTab, grid: Grid, sheet_id: int) -> list[dict[str, Any]]:
    out = []
    for placed in chart_placements(grid, tab):
        spec, area, end = placed.chart, placed.area, placed.end_row
        position = {
            "overlayPosition": {
                "anchorCell": {"sheetId": sheet_id, "rowIndex": 2 + placed.index * 22, "columnIndex": grid.width + 1},
                "widthPixels": CHART_WIDTH_PX,
                "heightPixels": 360,
            }
        }
        if spec.kind is ChartKind.PIE:
            pie = {
                "legendPosition": "RIGHT_LEGEND",
                "domain": _chart_source(sheet_id, spec.label_col, area.first_row, end),
                "series": _chart_source(sheet_id, spec.value_cols[0], area.first_row, end),
            }
            chart_spec: dict[str, Any] = {"title": spec.title, "pieChart": pie}
        else:
            axis = "LEFT_AXIS" if spec.kind is not ChartKind.BAR else "BOTTOM_AXIS"
            chart_spec = {
                "title": spec.title,
                "basicChart": {
                    "chartType": spec.kind.value.upper(),
                    "legendPosition": "BOTTOM_LEGEND",
                    "headerCount": 1,
                    "domains": [{"domain": _chart_source(sheet_id, spec.label_col, area.header_row, end)}],
                    "series": [{"series": _chart_source(sheet_id, col, area.header_row, end), "targetAxis": axis} for col in spec.value_cols],
                },
            }
        out.append({"addChart": {"chart": {"spec": chart_spec, "position": position}}})
    return out


def _chart_source(sheet_id: int, col: int, start: int, end: int) -> dict[str, Any]:
    """One column of rows [start, end) as a chart's data source."""
    return {
        "sourceRange": {
            "sources": [{"sheetId": sheet_id, "startRowIndex": start, "endRowIndex": end, "startColumnIndex": col, "endColumnIndex": col + 1}]
        }
    }


def input_tab_requests(spec: InputTabSpec, sheet_id: int, index: int) -> list[dict[str, Any]]:
    """Requests for `init`: a new input tab with headers, dropdowns, date validation, frozen header."""
    cols = max(len(spec.columns), MIN_GRID_COLS)
    requests: list[dict[str, Any]] = [
        {
            "addSheet": {
                "properties": {
                    "sheetId": sheet_id,
                    "title": spec.title,
                    "index": index,
                    "gridProperties": {"rowCount": 1000, "columnCount": cols, "frozenRowCount": 1},
                }
            }
        },
        {
            "updateCells": {
                "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
                "rows": [{"values": [cell_data(GridCell(c.header, Style.HEADER)) for c in spec.columns]}],
                "fields": "userEnteredValue,userEnteredFormat",
            }
        },
    ]
    for col, column in enumerate(spec.columns):
        target = {"sheetId": sheet_id, "startRowIndex": 1, "endRowIndex": 1000, "startColumnIndex": col, "endColumnIndex": col + 1}
        if column.choices:
            condition = {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": c} for c in column.choices]}
            # Not strict: the English key (`legal`) is as valid as the Thai value; Sheets warns.
            rule = {"condition": condition, "showCustomUi": True, "strict": False, "inputMessage": dropdown_help(column.choices)}
        elif column.is_date:
            # Not strict: a BE date typed as text ("31/03/2569") is valid for sheets-sync.
            rule = {"condition": {"type": "DATE_IS_VALID"}, "strict": False, "inputMessage": DATE_HELP}
        else:
            rule = None
        if rule:
            requests.append({"setDataValidation": {"range": target, "rule": rule}})
        if column.is_text:
            # Plain text, so a typed 007 stays "007" (Automatic would keep the number 7).
            requests.append(
                {
                    "repeatCell": {
                        "range": target,
                        "cell": {"userEnteredFormat": {"numberFormat": {"type": "TEXT"}}},
                        "fields": "userEnteredFormat.numberFormat",
                    }
                }
            )
        requests.append(
            {
                "updateDimensionProperties": {
                    "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": col, "endIndex": col + 1},
                    "properties": {"pixelSize": column.width * PIXELS_PER_CHAR},
                    "fields": "pixelSize",
                }
            }
        )
    return requests


def owned_titles(metadata: dict[str, Any]) -> set[str]:
    """Titles of the sheets that carry our developer metadata."""
    owned = set()
    for sheet in metadata.get("sheets", []):
        for meta in sheet.get("developerMetadata", []):
            if meta.get("metadataKey") == OWNER_KEY:
                owned.add(sheet["properties"]["title"])
    return owned


def quote_title(title: str) -> str:
    """A sheet title as an A1 range that means the whole sheet: `'Jon''s Data'`."""
    return "'" + title.replace("'", "''") + "'"


def _body(requests: Sequence[bytes]) -> bytes:
    return b'{"requests":[' + b",".join(requests) + b'],"includeSpreadsheetInResponse":false}'


def _pack(requests: Sequence[bytes], budget: int) -> list[bytes]:
    """Consecutive requests in as few bodies as fit the budget (order kept)."""
    bodies: list[bytes] = []
    current: list[bytes] = []
    size = len(_body([]))
    for request in requests:
        if current and size + len(request) + 1 > budget:
            bodies.append(_body(current))
            current, size = [], len(_body([]))
        current.append(request)
        size += len(request) + 1
    if current:
        bodies.append(_body(current))
    return bodies


def staging_sheets(metadata: dict[str, Any]) -> list[dict[str, Any]]:
    """Hidden staging sheets left by a staged write that was cut short."""
    return [
        s for s in metadata.get("sheets", [])
        if any(m.get("metadataKey") == STAGING_KEY for m in s.get("developerMetadata", []))
    ]


def write_bodies(tabs: Sequence[SummaryTab], metadata: dict[str, Any], rng: random.Random, budget: int = WRITE_BUDGET) -> list[bytes]:
    """The batchUpdate bodies of a sync, in order: one while it fits the budget, else staged."""
    sheets = {s["properties"]["title"]: s for s in metadata.get("sheets", [])}
    taken = {s["properties"]["sheetId"] for s in sheets.values()}
    leftovers = staging_sheets(metadata)
    plans = []
    sheet_ids = {title: s["properties"]["sheetId"] for title, s in sheets.items()}
    for tab in tabs:
        existing = sheets.get(tab.title)
        if existing is not None:
            sheet_id = existing["properties"]["sheetId"]
        else:
            sheet_id = new_sheet_id(taken, rng)
            taken.add(sheet_id)
            sheet_ids[tab.title] = sheet_id
        plans.append(_plan(tab, existing, sheet_id))
    cleanup = [encode({"deleteSheet": {"sheetId": s["properties"]["sheetId"]}}) for s in leftovers]
    single: list[bytes] = list(cleanup)
    for plan in plans:
        single += [encode(r) for r in _structure(plan)]
        single += _content(plan, plan.sheet_id, budget, sheet_ids)
        single += [encode(r) for r in _finish(plan)]
    body = _body(single)
    if len(body) <= budget:
        return [body]

    # Staged: content into hidden sheets first, then one small swap.
    token = f"{rng.randrange(16**6):06x}"
    staged: list[bytes] = list(cleanup)
    final: list[bytes] = []
    for n, plan in enumerate(plans, start=1):
        stage_id = new_sheet_id(taken, rng)
        taken.add(stage_id)
        grid_props = {"rowCount": plan.rows, "columnCount": plan.cols}
        staged.append(encode({"addSheet": {"properties": {
            "sheetId": stage_id, "title": STAGING_TITLE.format(token=token, n=n), "hidden": True, "gridProperties": grid_props}}}))
        staged.append(encode(_metadata(STAGING_KEY, plan.tab.title, stage_id)))
        staged += _content(plan, stage_id, budget, sheet_ids)
        final += [encode(r) for r in _structure(plan)]
        box = {"startRowIndex": 0, "endRowIndex": plan.rows, "startColumnIndex": 0, "endColumnIndex": plan.cols}
        final.append(encode({"copyPaste": {
            "source": {"sheetId": stage_id, **box}, "destination": {"sheetId": plan.sheet_id, **box}, "pasteType": "PASTE_NORMAL"}}))
        final += [encode(r) for r in _finish(plan)]
        final.append(encode({"deleteSheet": {"sheetId": stage_id}}))
    # The swap is one body whatever its size (it holds no cell data: a few kB), so it stays atomic.
    return [*_pack(staged, budget), _body(final)]
