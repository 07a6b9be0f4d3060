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

from ...core.cells import EMPTY, Cell, CellKind, TabData
from .package import MAIN, Package

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


_MERGE_REF = re.compile(rb'<mergeCell\b[^>]*?\bref="\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?"')


def merged_header_ranges(xml: bytes) -> tuple[tuple[int, int], ...]:
    """(first, last) column indexes of the merged ranges that take in row 1 across columns."""
    if b"<mergeCell" not in xml:
        return ()
    found = set()
    for m in _MERGE_REF.finditer(xml, max(xml.rfind(b"<mergeCells"), 0)):
        if m[3] is None or int(m[2]) != 1:
            continue
        first, last = sorted((_column_index(m[1]), _column_index(m[3])))
        if last > first:
            found.add((first, last))
    return tuple(sorted(found))


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


# calamine holds a sheet as one dense grid from its first to its last cell, so one stray cell far
# away (a space typed at XFD1048576) would make it allocate for 17 billion cells. Past this many
# cells the sheet is trimmed first (`bounded_sheet_xml`); real data never comes near it.
CELL_BUDGET = 20_000_000
_ROW_REF = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
_CELL_COLUMN = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})\d+"')
_CELL_ELEMENT = re.compile(rb'<c\b[^>]*?(?:/>|>.*?</c>)', re.S)
_FIRST_ROW = re.compile(rb'<row\b[^>]*?\br="1"[^>]*>(.*?)</row>', re.S)


def sheet_extent(xml: bytes) -> tuple[int, int]:
    """(rows, columns) of the grid the sheet's cells span (not its claimed dimension)."""
    last = xml.rfind(b"<row ")
    rows = int(m[1]) if last >= 0 and (m := _ROW_REF.match(xml, last)) else 0
    letters = set(_CELL_COLUMN.findall(xml))
    columns = max((_column_index(c) + 1 for c in letters), default=0)
    return rows, columns


_WIDE_REF = re.compile(rb'r="[A-Z]{2,3}\d')  # every ref of a column past Z matches (and maybe some text)


def over_budget(xml: bytes) -> bool:
    """`sheet_extent`'s grid is over CELL_BUDGET. A sheet that names no column past Z (nearly
    every sheet) has at most 26 columns: then its rows alone may tell, without reading the
    column of every cell."""
    last = xml.rfind(b"<row ")
    rows = int(m[1]) if last >= 0 and (m := _ROW_REF.match(xml, last)) else 0
    if rows * 26 <= CELL_BUDGET and not _WIDE_REF.search(xml):
        return False
    return _product(sheet_extent(xml)) > CELL_BUDGET


def bounded_sheet_xml(xml: bytes, shared_blank: set[int]) -> bytes | None:
    """The sheet without the cells that only make its grid huge, or None when it is small enough.

    Cells right of the last header (row 1) are never data (workbook.md: headers in row 1), so they
    go first; if the grid is still over budget, cells that hold nothing but white space go too.
    """
    rows, columns = sheet_extent(xml)
    if rows * columns <= CELL_BUDGET:
        return None
    first = _FIRST_ROW.search(xml)
    header_columns = [_column_index(c) for c in _CELL_COLUMN.findall(first[1])] if first else []
    keep_columns = max(header_columns, default=-1) + 1

    def blank(cell: bytes) -> bool:
        if b"<v>" not in cell and b"<is>" not in cell and b"<f" not in cell:
            return True
        if b't="inlineStr"' in cell:
            return not re.sub(rb"<[^>]+>", b"", cell).strip()
        if b't="s"' in cell and (v := re.search(rb"<v>(\d+)</v>", cell)):
            return int(v[1]) in shared_blank
        return False

    def trim(columns_only: bool):
        def keep(match: re.Match[bytes]) -> bytes:
            cell = match[0]
            ref = _CELL_COLUMN.match(cell)
            if ref and _column_index(ref[1]) >= keep_columns:
                return b""
            return b"" if not columns_only and blank(cell) else cell
        return keep

    trimmed = _CELL_ELEMENT.sub(trim(True), xml)
    if _product(sheet_extent(_drop_empty_rows(trimmed))) > CELL_BUDGET:
        trimmed = _CELL_ELEMENT.sub(trim(False), trimmed)
    return re.sub(rb"<dimension\b[^>]*/>", b"", _drop_empty_rows(trimmed), count=1)


def _drop_empty_rows(xml: bytes) -> bytes:
    return re.sub(rb"<row\b[^>]*?(?:/>|>\s*</row>)", b"", xml)


def _product(extent: tuple[int, int]) -> int:
    return extent[0] * extent[1]


def blank_shared_strings(xml: bytes | None) -> set[int]:
    """Indexes of the shared strings that hold only white space (or nothing)."""
    if not xml:
        return set()
    blank = set()
    for n, item in enumerate(etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True)).iter(f"{{{MAIN}}}si")):
        if not "".join(item.itertext()).strip():
            blank.add(n)
    return blank


def _open_book(package: Package, replaced: dict[str, bytes]) -> CalamineWorkbook:
    """calamine on the file itself when it can, else on a copy in memory: with the trimmed sheets,
    without the chart, dialog and macro sheets it refuses, or for a file name that is not UTF-8."""
    if replaced:
        return CalamineWorkbook.from_filelike(io.BytesIO(package.worksheets_only(replaced)))
    path = str(package.path)
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:  # a legacy (TIS-620) file name: calamine cannot open it by name
        with open(package.path, "rb") as handle:
            data = handle.read()
        if all(s.kind == "worksheet" for s in package.sheets):
            return CalamineWorkbook.from_filelike(io.BytesIO(data))
        return CalamineWorkbook.from_filelike(io.BytesIO(package.worksheets_only({})))
    try:
        return CalamineWorkbook.from_path(path)
    except CalamineError:
        if all(s.kind == "worksheet" for s in package.sheets):
            raise
        return CalamineWorkbook.from_filelike(io.BytesIO(package.worksheets_only({})))


def read_tabs(package: Package, titles: Iterable[str]) -> dict[str, TabData]:
    """The named worksheets as typed cells. Chart, dialog and macro sheets are never data."""
    wanted = [s for title in titles for s in package.sheets if s.title == title and s.kind == "worksheet"]
    if not wanted:
        return {}
    styles_part = package.styles_part()
    percent = percent_styles(package.read(styles_part) if styles_part and styles_part in package.names else None)
    sheets_xml = {entry.part: package.read(entry.part) for entry in wanted}
    replaced: dict[str, bytes] = {}
    blank: set[int] | None = None
    for part, xml in sheets_xml.items():
        if over_budget(xml):
            if blank is None:
                shared = package.shared_strings_part()
                blank = blank_shared_strings(package.read(shared) if shared and shared in package.names else None)
            if (trimmed := bounded_sheet_xml(xml, blank)) is not None:
                replaced[part] = trimmed
    book = _open_book(package, replaced)
    try:
        result = {}
        for entry in wanted:
            xml = sheets_xml.pop(entry.part)
            percent_cells, errors = marked_cells(xml, percent)
            merged = merged_header_ranges(xml)
            sheet = book.get_sheet_by_name(entry.title)
            first_col = sheet.start[1] if sheet.start else 0
            # Row by row: calamine's own copy of the whole sheet is never held beside ours.
            result[entry.title] = TabData(entry.title, _rows(sheet.iter_rows(), first_col, percent_cells, errors), merged)
        return result
    finally:
        book.close()
