"""Pure functions that turn summary tabs and input-tab specs into Sheets API v4 requests.

Everything a sync writes goes into ONE `spreadsheets.batchUpdate` body, which Google applies
atomically: either every summary tab is rewritten, formatted, protected and charted, or nothing
changes. Values are sent as `stringValue`/`numberValue`, never as formulas, so staff text such as
`=IMPORTRANGE(...)` stays text.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence
from typing import Any

from ..cells import datetime_to_serial
from ..grid import NUMBER_PATTERNS, CellLink, ChartKind, Fmt, Grid, GridCell, Style, SummaryTab, lay_out, style_fill
from .base import DATE_HELP, OWNER_KEY, InputTabSpec, dropdown_help

OWNER_VALUE = "summary-tab"
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


def cell_link(link: CellLink, sheet_ids: dict[str, int]) -> str | None:
    """An internal link to a cell (`#gid=<sheetId>&range=C12`), when the tab is known."""
    sheet_id = sheet_ids.get(link.sheet)
    return None if sheet_id is None else f"#gid={sheet_id}&range={link.cell}"


def cell_data(cell: GridCell, sheet_ids: dict[str, int] | None = None) -> dict[str, Any]:
    """One CellData: the value as a value (never a formula) and its format.

    A cell with a link gets it as a text run over the whole text (never a HYPERLINK formula).
    """
    value = cell.value
    data: dict[str, Any] = {}
    if cell.link is not None and isinstance(value, str) and value:
        uri = cell_link(cell.link, sheet_ids or {})
        if uri:
            data["textFormatRuns"] = [{"startIndex": 0, "format": {"link": {"uri": uri}}}]
    if isinstance(value, str):
        data["userEnteredValue"] = {"stringValue": value}
    elif isinstance(value, dt.date):
        data["userEnteredValue"] = {"numberValue": datetime_to_serial(value)}
    elif isinstance(value, (int, float)):
        data["userEnteredValue"] = {"numberValue": value}
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
    if fmt:
        data["userEnteredFormat"] = fmt
    return data


def new_sheet_id(taken: Iterable[int], rng: random.Random) -> int:
    """A sheet id of our own choosing (so later requests in the same batch can name it)."""
    used = set(taken)
    while True:
        candidate = rng.randint(1, 2**31 - 1)
        if candidate not in used:
            return candidate


def summary_tab_requests(
    tab: SummaryTab,
    existing: dict[str, Any] | None,
    sheet_id: int,
    index: int | None,
    sheet_ids: dict[str, int] | None = None,
) -> list[dict[str, Any]]:
    """Requests that (re)build one summary tab: structure, values, formats, protection, charts.

    `existing` is the sheet's metadata when the tab exists (it keeps its sheetId, so links to
    it stay valid); its old charts and protection are removed and written anew.
    """
    grid = lay_out(tab)
    rows = max(len(grid.rows) + 5, MIN_GRID_ROWS)
    # The chart's anchor cell must lie inside the grid, and the chart should not hang off it.
    cols = max(grid.width + (CHART_COLUMNS if tab.charts else 0), MIN_GRID_COLS)
    frozen = grid.header_rows[0] + 1 if grid.header_rows else 2
    requests: list[dict[str, Any]] = []
    grid_props = {"rowCount": rows, "columnCount": cols, "frozenRowCount": frozen}
    owned = existing is not None and any(m.get("metadataKey") == OWNER_KEY for m in existing.get("developerMetadata", []))
    if existing is None:
        properties: dict[str, Any] = {"sheetId": sheet_id, "title": tab.title, "gridProperties": grid_props}
        if index is not None:
            properties["index"] = index
        requests.append({"addSheet": {"properties": properties}})
    if not owned:  # a new tab, or a same-named one taken over with --force
        requests.append(
            {
                "createDeveloperMetadata": {
                    "developerMetadata": {
                        "metadataKey": OWNER_KEY,
                        "metadataValue": OWNER_VALUE,
                        "location": {"sheetId": sheet_id},
                        "visibility": "DOCUMENT",
                    }
                }
            }
        )
    if existing is not None:
        for chart in existing.get("charts", []):
            requests.append({"deleteEmbeddedObject": {"objectId": chart["chartId"]}})
        for protected in existing.get("protectedRanges", []):
            requests.append({"deleteProtectedRange": {"protectedRangeId": protected["protectedRangeId"]}})
        # Clear everything (values, formats, validation) in the old grid before resizing.
        requests.append({"updateCells": {"range": {"sheetId": sheet_id}, "fields": "*"}})
        requests.append(
            {
                "updateSheetProperties": {
                    "properties": {"sheetId": sheet_id, "gridProperties": grid_props},
                    "fields": "gridProperties.rowCount,gridProperties.columnCount,gridProperties.frozenRowCount",
                }
            }
        )
    requests.append(
        {
            "updateCells": {
                "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
                "rows": [{"values": [cell_data(c, sheet_ids) for c in row]} for row in grid.rows],
                "fields": "userEnteredValue,userEnteredFormat" + (",textFormatRuns" if _has_links(grid) else ""),
            }
        }
    )
    for col, width in enumerate(grid.column_widths):
        requests.append(
            {
                "updateDimensionProperties": {
                    "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": col, "endIndex": col + 1},
                    "properties": {"pixelSize": width * PIXELS_PER_CHAR},
                    "fields": "pixelSize",
                }
            }
        )
    requests.append(
        {
            "addProtectedRange": {
                "protectedRange": {"range": {"sheetId": sheet_id}, "description": PROTECTION_NOTE, "warningOnly": True}
            }
        }
    )
    requests.extend(chart_requests(tab, grid, sheet_id))
    return requests


def _has_links(grid: Grid) -> bool:
    return any(c.link is not None for row in grid.rows for c in row)


def chart_requests(tab: SummaryTab, grid: Grid, sheet_id: int) -> list[dict[str, Any]]:
    out = []
    for n, spec in enumerate(tab.charts):
        area = grid.areas[spec.table]
        end = area.end_row if spec.rows is None else min(area.end_row, area.first_row + spec.rows)
        if end <= area.first_row:
            continue

        def source(col: int, start: int = area.header_row) -> dict[str, Any]:
            return {
                "sourceRange": {
                    "sources": [
                        {"sheetId": sheet_id, "startRowIndex": start, "endRowIndex": end, "startColumnIndex": col, "endColumnIndex": col + 1}
                    ]
                }
            }

        position = {
            "overlayPosition": {
                "anchorCell": {"sheetId": sheet_id, "rowIndex": 2 + n * 22, "columnIndex": grid.width + 1},
                "widthPixels": CHART_WIDTH_PX,
                "heightPixels": 360,
            }
        }
        if spec.kind is ChartKind.PIE:
            chart_spec: dict[str, Any] = {
                "title": spec.title,
                "pieChart": {"legendPosition": "RIGHT_LEGEND", "domain": source(spec.label_col, area.first_row), "series": source(spec.value_cols[0], area.first_row)},
            }
        else:
            chart_spec = {
                "title": spec.title,
                "basicChart": {
                    "chartType": spec.kind.value.upper(),
                    "legendPosition": "BOTTOM_LEGEND",
                    "headerCount": 1,
                    "domains": [{"domain": source(spec.label_col)}],
                    "series": [{"series": source(col), "targetAxis": "LEFT_AXIS" if spec.kind is not ChartKind.BAR else "BOTTOM_AXIS"} for col in spec.value_cols],
                },
            }
        out.append({"addChart": {"chart": {"spec": chart_spec, "position": position}}})
    return out


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


def write_body(tabs: Sequence[SummaryTab], metadata: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The one batchUpdate body of a sync."""
    sheets = {s["properties"]["title"]: s for s in metadata.get("sheets", [])}
    taken = {s["properties"]["sheetId"] for s in sheets.values()}
    sheet_ids = {title: s["properties"]["sheetId"] for title, s in sheets.items()}  # the targets of cell links
    requests: list[dict[str, Any]] = []
    for tab in tabs:
        existing = sheets.get(tab.title)
        if existing is not None:
            sheet_id = existing["properties"]["sheetId"]
            requests.extend(summary_tab_requests(tab, existing, sheet_id, None, sheet_ids))
        else:
            sheet_id = new_sheet_id(taken, rng)
            taken.add(sheet_id)
            requests.extend(summary_tab_requests(tab, None, sheet_id, None, sheet_ids))
    return {"requests": requests, "includeSpreadsheetInResponse": False}
