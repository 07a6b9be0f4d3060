"""Fast reading of an .xlsx: values from python-calamine, plus a light pass for what it hides.

calamine gives every cell's value (formulas as their cached result, dates as dates — 1900 or
1904 — booleans, text) in one native pass. Two things it does not say: whether a number is
percent-formatted (0.45 shown as 45 %, which the schema must tell apart from a plain 0.45), and
whether a cell is a formula error (`#DIV/0!`, which it reads as empty). Both are recovered from
the sheet's XML without parsing it: the styles that are percent formats are looked up once in
`styles.xml`, then only the cells that carry one of those styles (`s="…"`) or the error type
(`t="e"`) are located, by searching for those attribute strings.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable

from lxml import etree
from python_calamine import CalamineError, CalamineWorkbook

from ..cells import EMPTY, Cell, CellKind, TabData
from .xlsx_package import MAIN, Package

_BUILTIN_PERCENT = {9, 10}
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')


def is_percent_format(number_format: str) -> bool:
    """A `%` scales the value by 100 unless it is literal text (`0"%"`, `0\\%`)."""
    return "%" in re.sub(r'"[^"]*"|\\.', "", number_format)


def percent_styles(styles_xml: bytes | None) -> set[int]:
    """Indexes of the cell styles (cellXfs) whose number format is a percent."""
    if not styles_xml:
        return set()
    root = etree.fromstring(styles_xml)
    percent_ids = set(_BUILTIN_PERCENT)
    for fmt in root.iter(f"{{{MAIN}}}numFmt"):
        if is_percent_format(fmt.get("formatCode", "")):
            percent_ids.add(int(fmt.get("numFmtId", "-1")))
        else:
            percent_ids.discard(int(fmt.get("numFmtId", "-1")))  # a builtin id redefined
    xfs = root.find(f"{{{MAIN}}}cellXfs")
    if xfs is None:
        return set()
    return {n for n, xf in enumerate(xfs) if int(xf.get("numFmtId", "0")) in percent_ids}


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _cells_with(xml: bytes, attribute: bytes) -> Iterable[tuple[int, int, int]]:
    """(row, column, end of the start tag) of every `<c …>` whose start tag holds `attribute`."""
    start = 0
    while True:
        pos = xml.find(attribute, start)
        if pos < 0:
            return
        start = pos + len(attribute)
        tag = xml.rfind(b"<", 0, pos)
        if xml[tag:tag + 3] != b"<c ":
            continue  # a row's style, or another element
        end = xml.find(b">", pos)
        ref = _CELL_REF.search(xml, tag, end)
        if ref is None:
            continue
        yield int(ref[2]) - 1, _column_index(ref[1]), end


def marked_cells(xml: bytes, percent: set[int]) -> tuple[set[tuple[int, int]], dict[tuple[int, int], str]]:
    """The percent-formatted cells and the error cells (with their text) of one sheet's XML."""
    percent_cells: set[tuple[int, int]] = set()
    for style in percent:
        for row, col, _ in _cells_with(xml, b' s="%d"' % style):
            percent_cells.add((row, col))
    errors: dict[tuple[int, int], str] = {}
    if b't="e"' in xml:
        for row, col, end in _cells_with(xml, b't="e"'):
            v = xml.find(b"<v>", end)
            close = xml.find(b"</v>", v)
            if v >= 0 and close >= 0 and xml.rfind(b"</c>", end, v) < 0:
                errors[(row, col)] = xml[v + 3:close].decode("utf-8", "replace")
            else:
                errors[(row, col)] = "#N/A"
    return percent_cells, errors


def _typed(value: object) -> Cell:
    kind = type(value)
    if kind is str:
        return EMPTY if value == "" else Cell(CellKind.TEXT, value)
    if kind is float:
        return Cell(CellKind.NUMBER, int(value) if value.is_integer() and abs(value) < 2**53 else value)  # type: ignore[union-attr]
    if kind is bool:
        return Cell(CellKind.BOOL, value)
    if kind is int:
        return Cell(CellKind.NUMBER, value)
    if kind is dt.datetime:
        return Cell(CellKind.DATE, value)
    if kind is dt.date:
        return Cell(CellKind.DATE, dt.datetime.combine(value, dt.time()))  # type: ignore[arg-type]
    if kind is dt.time:
        return Cell(CellKind.TEXT, value.isoformat())  # type: ignore[union-attr]
    return Cell(CellKind.TEXT, str(value))


def _rows(values: Iterable[list[object]], first_col: int, percent: set[tuple[int, int]],
          errors: dict[tuple[int, int], str]) -> tuple[tuple[Cell, ...], ...]:
    """Typed rows from calamine's rows (which start at the sheet's first used column)."""
    texts: dict[str, Cell] = {"": EMPTY}  # repeated values (statuses, districts) share one Cell
    numbers: dict[float, Cell] = {}
    others: dict[tuple[type, object], Cell] = {}
    lead = [EMPTY] * first_col
    marked_rows: dict[int, list[int]] = {}
    for r, c in (*percent, *errors):
        marked_rows.setdefault(r, []).append(c)
    out = []
    for r, row in enumerate(values):
        end = len(row)
        while end and row[end - 1] == "" and (r, first_col + end - 1) not in errors:
            end -= 1
        cells = list(lead) if first_col and end else []
        append = cells.append
        for c in range(end):
            value = row[c]
            kind = type(value)
            if kind is str:
                cell = texts.get(value)  # type: ignore[arg-type]
                if cell is None:
                    if len(texts) > 65536:
                        texts.clear()
                        texts[""] = EMPTY
                    cell = texts[value] = Cell(CellKind.TEXT, value)  # type: ignore[index]
            elif kind is float:
                cell = numbers.get(value)  # type: ignore[arg-type]
                if cell is None:
                    if len(numbers) > 65536:
                        numbers.clear()
                    cell = numbers[value] = _typed(value)  # type: ignore[index]
            else:
                key = (kind, value)
                cell = others.get(key)
                if cell is None:
                    if len(others) > 65536:
                        others.clear()
                    cell = others[key] = _typed(value)
            append(cell)
        if r in marked_rows:
            for c in marked_rows[r]:
                if c >= len(cells):
                    cells.extend([EMPTY] * (c + 1 - len(cells)))
                if (r, c) in errors:
                    cells[c] = Cell(CellKind.ERROR, errors[(r, c)])
                elif cells[c].kind is CellKind.NUMBER:
                    cells[c] = Cell(CellKind.PERCENT, cells[c].value)
            while cells and cells[-1].kind is CellKind.EMPTY:
                cells.pop()
        out.append(tuple(cells))
    while out and not out[-1]:
        out.pop()
    return tuple(out)


def read_tabs(package: Package, titles: Iterable[str]) -> dict[str, TabData]:
    """The named worksheets as typed cells. Chart, dialog and macro sheets are never data."""
    wanted = [s for title in titles for s in package.sheets if s.title == title and s.kind == "worksheet"]
    if not wanted:
        return {}
    styles_part = package.styles_part()
    percent = percent_styles(package.read(styles_part) if styles_part and styles_part in package.names else None)
    try:
        book = CalamineWorkbook.from_path(str(package.path))
    except CalamineError:
        if all(s.kind == "worksheet" for s in package.sheets):
            raise
        book = CalamineWorkbook.from_filelike(io.BytesIO(package.worksheets_only()))
    try:
        result = {}
        for entry in wanted:
            xml = package.read(entry.part)
            percent_cells, errors = marked_cells(xml, percent)
            del xml
            sheet = book.get_sheet_by_name(entry.title)
            first_col = sheet.start[1] if sheet.start else 0
            # Row by row: calamine's own copy of the whole sheet is never held beside ours.
            result[entry.title] = TabData(entry.title, _rows(sheet.iter_rows(), first_col, percent_cells, errors))
        return result
    finally:
        book.close()
