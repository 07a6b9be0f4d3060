"""Summary tabs as data: a title, an as-of line, tables and charts, laid out on a grid.

The bottom layer: the present layer builds `SummaryTab`s; each backend renders the same `Grid`
into its own formats (openpyxl styles or Sheets `updateCells`), so the two can never disagree on
content. A `Style` says what a cell is; its fill colour is the vocabulary's (`style_fill`).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from enum import Enum

from .vocabulary import HEADER_FILL, TONE_FILL, Tone

Value = str | int | float | dt.date | None


class Style(str, Enum):
    TITLE = "title"
    SUBTITLE = "subtitle"
    CAPTION = "caption"
    HEADER = "header"
    GOOD = "good"  # green
    WARN = "warn"  # amber
    BAD = "bad"  # red
    MUTED = "muted"  # grey


class Fmt(str, Enum):
    """How a number or date is shown."""

    TEXT = "text"
    INT = "int"  # 0
    NUMBER = "number"  # 0.0
    DECIMAL2 = "decimal2"  # 0.00 (a mean satisfaction 1–5)
    MONEY = "money"  # #,##0.00
    PCT = "pct"  # 0.00  (a percentage 0–100, written as a number)
    SCORE = "score"  # 0.0000
    DATE = "date"


# Number formats shared by both backends (Excel and Sheets patterns agree for these).
NUMBER_PATTERNS = {
    Fmt.INT: "0",
    Fmt.NUMBER: "0.0",
    Fmt.DECIMAL2: "0.00",
    Fmt.MONEY: "#,##0.00",
    Fmt.PCT: "0.00",
    Fmt.SCORE: "0.0000",
    Fmt.DATE: "d/m/yyyy",
}

# The tone of each coloured style (the fill itself is vocabulary.TONE_FILL).
STYLE_TONE = {Style.GOOD: Tone.GOOD, Style.WARN: Tone.WARN, Style.BAD: Tone.BAD, Style.MUTED: Tone.MUTED}
TONE_STYLE = {tone: style for style, tone in STYLE_TONE.items()}


def style_of(tone: Tone | None) -> Style | None:
    """The cell style of a tone (a status's or a score's colour); None for no tone."""
    return None if tone is None else TONE_STYLE[tone]


def style_fill(style: Style | None) -> str | None:
    """The fill (RGB hex, no '#') of a style; None for an unfilled style."""
    if style is Style.HEADER:
        return HEADER_FILL
    tone = STYLE_TONE.get(style)  # type: ignore[arg-type]
    return None if tone is None else TONE_FILL[tone]


# Every filled style and its fill, for the backends' style tables.
STYLE_FILLS = {style: fill for style in Style if (fill := style_fill(style)) is not None}


@dataclass(frozen=True)
class CellLink:
    """An internal hyperlink to a cell of the same workbook (`sheet` is the tab's real title).

    xlsx renders it as `<hyperlink ref=… location="'sheet'!C12"/>`; Sheets as a text run whose link
    is `#gid=<sheetId>&range=C12`. Never a formula: the cell's value stays the plain text.
    With `url` it is a link out of the workbook (a province's Google Sheet, from the ministry's
    roll-up): Sheets renders the text run's link as that address; xlsx leaves the cell plain.
    """

    sheet: str
    cell: str  # A1, no tab
    url: str = ""


@dataclass
class Table:
    header: list[str]
    rows: list[list[Value]]
    formats: list[Fmt] | None = None  # per column; TEXT when None
    styles: dict[tuple[int, int], Style] = field(default_factory=dict)  # (row, col) of data cells
    caption: str | None = None  # a line above the header
    cell_formats: dict[tuple[int, int], Fmt] = field(default_factory=dict)  # overrides `formats`
    links: dict[tuple[int, int], CellLink] = field(default_factory=dict)  # (row, col) -> a cell to jump to

    def fmt(self, row: int, col: int) -> Fmt:
        if (row, col) in self.cell_formats:
            return self.cell_formats[(row, col)]
        return self.formats[col] if self.formats else Fmt.TEXT


class ChartKind(str, Enum):
    COLUMN = "column"
    BAR = "bar"
    PIE = "pie"
    LINE = "line"


@dataclass
class Chart:
    kind: ChartKind
    title: str
    table: int  # index of the tab's table that holds the data
    label_col: int
    value_cols: list[int]
    rows: int | None = None  # use only the first n data rows (e.g. leave out a total row)


@dataclass
class SummaryTab:
    title: str
    heading: str  # row 1
    as_of_line: str  # row 2
    tables: list[Table]
    charts: list[Chart] = field(default_factory=list)
    column_widths: list[int] | None = None  # in characters; computed when None


@dataclass(frozen=True)
class GridCell:
    value: Value
    style: Style | None = None
    fmt: Fmt = Fmt.TEXT
    link: CellLink | None = None


@dataclass(frozen=True)
class TableArea:
    """Where a table landed (0-based, end exclusive)."""

    header_row: int
    first_row: int
    end_row: int
    first_col: int
    end_col: int


@dataclass
class Grid:
    rows: list[list[GridCell]]
    header_rows: list[int]
    areas: list[TableArea]
    column_widths: list[int]

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@dataclass(frozen=True)
class ChartPlacement:
    """A chart with rows to plot: its place among the tab's charts, its table, its rows."""

    index: int  # the chart's place in `SummaryTab.charts` (both backends stack charts by it)
    chart: Chart
    area: TableArea
    end_row: int  # exclusive: the table's end, or after the chart's first `rows` data rows


def chart_placements(grid: Grid, tab: SummaryTab) -> list[ChartPlacement]:
    """The one rule for which rows a chart plots (both backends): a chart without rows is left out."""
    placed = []
    for index, chart in enumerate(tab.charts):
        area = grid.areas[chart.table]
        end = area.end_row if chart.rows is None else min(area.end_row, area.first_row + chart.rows)
        if end > area.first_row:
            placed.append(ChartPlacement(index, chart, area, end))
    return placed


def lay_out(tab: SummaryTab) -> Grid:
    """Title, as-of line, a blank row, then each table (caption, header, rows) with a blank row between."""
    rows: list[list[GridCell]] = [
        [GridCell(tab.heading, Style.TITLE)],
        [GridCell(tab.as_of_line, Style.SUBTITLE)],
        [],
    ]
    header_rows: list[int] = []
    areas: list[TableArea] = []
    for table in tab.tables:
        if table.caption:
            rows.append([GridCell(table.caption, Style.CAPTION)])
        header_rows.append(len(rows))
        rows.append([GridCell(h, Style.HEADER) for h in table.header])
        first = len(rows)
        for r, values in enumerate(table.rows):
            rows.append(
                [
                    GridCell(_plain(v), table.styles.get((r, c)), table.fmt(r, c), table.links.get((r, c)))
                    for c, v in enumerate(values)
                ]
            )
        areas.append(TableArea(header_rows[-1], first, len(rows), 0, len(table.header)))
        rows.append([])
    width = max((len(r) for r in rows), default=0)
    widths = tab.column_widths or _auto_widths(rows, width)
    return Grid(rows=rows, header_rows=header_rows, areas=areas, column_widths=widths)


def _plain(value: Value) -> Value:
    """Numbers as plain Python numbers (numpy scalars and NaN never reach a backend)."""
    if value is None or isinstance(value, (str, dt.date)):
        return value
    if isinstance(value, bool):
        return str(value)
    number = float(value)
    if number != number:  # NaN
        return None
    return int(number) if isinstance(value, int) or type(value).__name__.startswith("int") else number


def _auto_widths(rows: list[list[GridCell]], width: int) -> list[int]:
    widths = [8] * width
    for r, row in enumerate(rows):
        if r < 2:
            continue  # the title and as-of line may run across columns
        for c, cell in enumerate(row):
            if cell.value is None or cell.style is Style.CAPTION:
                continue
            if cell.style is Style.HEADER:  # headers wrap: they need about half their length
                widths[c] = min(max(widths[c], len(str(cell.value)) // 2 + 2), 30)
                continue
            text = cell.value.isoformat() if isinstance(cell.value, dt.date) else str(cell.value)
            widths[c] = min(max(widths[c], _visible_width(text) + 2), 60)
    return widths


@functools.lru_cache(maxsize=16384)  # a long table repeats its texts (categories, districts, statuses)
def _visible_width(text: str) -> int:
    """Thai combining marks take no width; count only base characters."""
    if text.isascii():
        return len(text)
    return sum(1 for ch in text if not ("\u0e31" <= ch <= "\u0e4e" and ch not in "\u0e32\u0e33\u0e40\u0e41\u0e42\u0e43\u0e44\u0e45\u0e46"))
