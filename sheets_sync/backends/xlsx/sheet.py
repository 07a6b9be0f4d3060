"""Sheet XML for the tabs the tool writes (summary tabs, and new input tabs for `init`).

The XML is written directly (inline strings, so the workbook's shared strings stay as they are);
the styles it needs are appended to the workbook's `styles.xml` by `StyleBook`, which reuses a
style already there (the same font, fill, number format and alignment) instead of adding it
again, so a second sync leaves `styles.xml` unchanged. Charts are serialised by openpyxl's chart
classes, as before, into parts of their own.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from lxml import etree
from openpyxl.chart import BarChart, LineChart, PieChart, Reference
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.utils import get_column_letter
from openpyxl.xml.functions import tostring

from ...core.cells import datetime_to_serial
from ...core.grid import NUMBER_PATTERNS, ChartKind, Grid, Style, SummaryTab, chart_placements, style_fill
from ...core.vocabulary import THAI_FONT
from ..base import DATE_HELP, InputTabSpec, dropdown_help
from .package import MAIN, REL, NewSheet, Package

DRAWING_REL = f"{REL}/drawing"
DRAWING_CT = "application/vnd.openxmlformats-officedocument.drawing+xml"
CHART_CT = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10, "@": 49}
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class CellStyle:
    font: str = "base"  # base, bold, title
    fill: str | None = None  # RGB hex
    number_format: str | None = None
    wrap: bool = False


_FONTS = {
    "base": f'<font><sz val="14"/><name val="{THAI_FONT}"/></font>',
    "bold": f'<font><b/><sz val="14"/><name val="{THAI_FONT}"/></font>',
    "title": f'<font><b/><sz val="18"/><name val="{THAI_FONT}"/></font>',
}


def _canon(el: etree._Element) -> bytes:
    return etree.tostring(el, method="c14n")


class StyleBook:
    """The workbook's styles.xml, with our styles appended after the existing ones on demand."""

    def __init__(self, xml: bytes | None) -> None:
        self.changed = xml is None
        self.root = etree.fromstring(xml or _EMPTY_STYLES)
        self._cache: dict[CellStyle, int] = {}

    def _list(self, tag: str, before: Sequence[str]) -> etree._Element:
        found = self.root.find(f"{{{MAIN}}}{tag}")
        if found is None:
            found = etree.Element(f"{{{MAIN}}}{tag}")
            for name in before:  # insert in schema order
                sibling = self.root.find(f"{{{MAIN}}}{name}")
                if sibling is not None:
                    sibling.addprevious(found)
                    break
            else:
                self.root.append(found)
        return found

    def _index_of(self, container: etree._Element, snippet: str) -> int:
        wanted = etree.fromstring(f'<x xmlns="{MAIN}">{snippet}</x>')[0]
        key = _canon(wanted)
        for n, el in enumerate(container):
            if _canon(el) == key:
                return n
        container.append(wanted)
        container.set("count", str(len(container)))
        self.changed = True
        return len(container) - 1

    def _number_format_id(self, code: str | None) -> int:
        if code is None:
            return 0
        if code in _BUILTIN_FORMATS:
            return _BUILTIN_FORMATS[code]
        formats = self._list("numFmts", ("fonts",))
        for el in formats:
            if el.get("formatCode") == code:
                return int(el.get("numFmtId", "0"))
        new_id = max([163, *(int(el.get("numFmtId", "0")) for el in formats)]) + 1
        etree.SubElement(formats, f"{{{MAIN}}}numFmt", numFmtId=str(new_id), formatCode=code)
        formats.set("count", str(len(formats)))
        self.changed = True
        return new_id

    def xf(self, style: CellStyle) -> int:
        if style in self._cache:
            return self._cache[style]
        font = self._index_of(self._list("fonts", ("fills",)), _FONTS[style.font])
        fill = 0
        if style.fill:
            fills = self._list("fills", ("borders",))
            if len(fills) < 2:  # Excel reserves fills 0 (none) and 1 (gray125)
                self._index_of(fills, '<fill><patternFill patternType="none"/></fill>')
                self._index_of(fills, '<fill><patternFill patternType="gray125"/></fill>')
            fill = self._index_of(
                fills, f'<fill><patternFill patternType="solid"><fgColor rgb="FF{style.fill}"/><bgColor indexed="64"/></patternFill></fill>'
            )
        borders = self._list("borders", ("cellStyleXfs", "cellXfs"))
        if len(borders) == 0:
            self._index_of(borders, "<border><left/><right/><top/><bottom/><diagonal/></border>")
        number = self._number_format_id(style.number_format)
        attrs = f'numFmtId="{number}" fontId="{font}" fillId="{fill}" borderId="0" xfId="0" applyFont="1"'
        attrs += ' applyFill="1"' if fill else ""
        attrs += ' applyNumberFormat="1"' if number else ""
        if style.wrap:
            snippet = f'<xf {attrs} applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>'
        else:
            snippet = f"<xf {attrs}/>"
        index = self._index_of(self._list("cellXfs", ("cellStyles", "dxfs", "tableStyles", "colors", "extLst")), snippet)
        self._cache[style] = index
        return index

    def to_bytes(self) -> bytes | None:
        """The new styles.xml, or None when nothing had to be added."""
        if not self.changed:
            return None
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", standalone=True)


_EMPTY_STYLES = f"""<styleSheet xmlns="{MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>""".encode()


@functools.lru_cache(maxsize=16384)  # a long table repeats its texts (categories, districts, statuses)
def _text(value: str) -> str:
    clean = _ILLEGAL_XML.sub("", value)
    space = ' xml:space="preserve"' if clean != clean.strip() or "\n" in clean else ""
    return f"<is><t{space}>{escape(clean)}</t></is>"


def _cell_xml(ref: str, value: object, xf: int) -> str:
    style = f' s="{xf}"' if xf else ""
    if value is None:
        return f'<c r="{ref}"{style}/>'
    if isinstance(value, str):  # text is text: a leading "=" is never a formula
        return f'<c r="{ref}"{style} t="inlineStr">{_text(value)}</c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}"{style}><v>{datetime_to_serial(value)}</v></c>'
    if isinstance(value, float):
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    return f'<c r="{ref}"{style}><v>{value}</v></c>'


def _sheet_xml(rows: list[str], *, widths: Sequence[float], heights: dict[int, float], frozen_rows: int,  # noqa: PLR0913
               width: int, extra: str = "", drawing_rel: str | None = None, links: Sequence[tuple[str, str]] = (),
               col_styles: dict[int, int] | None = None) -> bytes:
    last = f"{get_column_letter(max(width, 1))}{max(len(rows), 1)}"
    pane = ""
    if frozen_rows:
        pane = (f'<pane ySplit="{frozen_rows}" topLeftCell="A{frozen_rows + 1}" activePane="bottomLeft" state="frozen"/>'
                f'<selection pane="bottomLeft" activeCell="A{frozen_rows + 1}" sqref="A{frozen_rows + 1}"/>')
    col_styles = col_styles or {}  # a column's default style (init: text columns formatted as text)
    cols = "".join(f'<col min="{c}" max="{c}" width="{w}"' + (f' style="{col_styles[c]}"' if c in col_styles else "") + ' customWidth="1"/>'
                   for c, w in enumerate(widths, start=1))
    parts = [
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" xmlns:r="{REL}">',
        f'<dimension ref="A1:{last}"/>',
        f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>',
        '<sheetFormatPr defaultRowHeight="15"/>',
        f"<cols>{cols}</cols>" if cols else "",
        "<sheetData>",
    ]
    for r, cells in enumerate(rows, start=1):
        height = heights.get(r)
        ht = f' ht="{height}" customHeight="1"' if height else ""
        parts.append(f'<row r="{r}"{ht}>{cells}</row>' if cells or ht else "")
    parts.append("</sheetData>")
    parts.append(extra)
    if links:  # internal links: a location in the workbook, no relationship needed
        parts.append("<hyperlinks>" + "".join(
            f'<hyperlink ref="{ref}" location="{escape(location, {chr(34): "&quot;"})}" display="{ref}"/>' for ref, location in links
        ) + "</hyperlinks>")
    parts.append('<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>')
    if drawing_rel:
        parts.append(f'<drawing r:id="{drawing_rel}"/>')
    parts.append("</worksheet>")
    return "".join(parts).encode("utf-8")


def summary_sheet(package: Package, styles: StyleBook, grid: Grid, tab: SummaryTab) -> NewSheet:
    """One summary tab with the look it always had: Thai font, bold headers on a fill, status
    fills, number formats, column widths, a frozen header, charts beside the tables."""
    fonts = {Style.TITLE: "title", Style.HEADER: "bold", Style.CAPTION: "bold"}
    rows = []
    links: list[tuple[str, str]] = []
    letters = [get_column_letter(c) for c in range(1, grid.width + 1)]
    xf_of: dict[tuple[Any, Any], int] = {}  # (grid style, number format) -> xf: the style depends on no more
    for r, row in enumerate(grid.rows, start=1):
        cells = []
        for c, gcell in enumerate(row):
            value = gcell.value
            ref = f"{letters[c]}{r}"
            if gcell.link is not None and not gcell.link.url:  # an address outside the workbook stays plain text here
                links.append((ref, f"'{gcell.link.sheet.replace(chr(39), chr(39) * 2)}'!{gcell.link.cell}"))
            number_format = None
            if gcell.fmt in NUMBER_PATTERNS and value is not None and not isinstance(value, str):
                number_format = NUMBER_PATTERNS[gcell.fmt]
            xf = xf_of.get((gcell.style, number_format))
            if xf is None:
                style = CellStyle(
                    font=fonts.get(gcell.style, "base") if gcell.style else "base",  # type: ignore[arg-type]
                    fill=style_fill(gcell.style),
                    number_format=number_format,
                    wrap=gcell.style is Style.HEADER,
                )
                xf = xf_of[(gcell.style, number_format)] = styles.xf(style)
            cells.append(_cell_xml(ref, value, xf))
        rows.append("".join(cells))
    # Excel and LibreOffice do not grow a row for wrapped text written by a program: give the
    # title and the (wrapping) header rows room.
    heights = {1: 30.0}
    for header_row in grid.header_rows:
        longest = max((len(str(c.value or "")) for c in grid.rows[header_row]), default=0)
        heights[header_row + 1] = 20.0 * max(1, min(3, -(-longest // 18)))
    frozen = grid.header_rows[0] + 1 if grid.header_rows else 0
    sheet = NewSheet(tab.title, b"")
    drawing_rel = None
    charts = _charts(grid, tab)
    if charts:
        drawing = SpreadsheetDrawing()
        drawing._id = package.free_number("xl/drawings/drawing{}.xml")
        for chart in charts:
            chart._id = package.free_number("xl/charts/chart{}.xml")
            drawing.charts.append(chart)
        drawing_part = drawing.path.lstrip("/")
        sheet.parts[drawing_part] = (tostring(drawing._write()), DRAWING_CT)
        sheet.parts[f"xl/drawings/_rels/drawing{drawing._id}.xml.rels"] = (tostring(drawing._write_rels()), "")
        for chart in charts:
            sheet.parts[chart.path.lstrip("/")] = (tostring(chart._write()), CHART_CT)
        drawing_rel = "rId1"
        sheet.rels.append((drawing_rel, DRAWING_REL, drawing_part))
    sheet.xml = _sheet_xml(rows, widths=grid.column_widths, heights=heights, frozen_rows=frozen, width=grid.width,
                           drawing_rel=drawing_rel, links=links)
    return sheet


class _TitleOnly:
    """What openpyxl's Reference needs of a worksheet: its title."""

    def __init__(self, title: str) -> None:
        self.title = title


def _charts(grid: Grid, tab: SummaryTab) -> list:
    anchor_col = get_column_letter(grid.width + 2)
    sheet = _TitleOnly(tab.title)
    out = []
    for placed in chart_placements(grid, tab):
        spec, area, end_row = placed.chart, placed.area, placed.end_row
        chart = {ChartKind.PIE: PieChart, ChartKind.LINE: LineChart}.get(spec.kind, BarChart)()
        if isinstance(chart, BarChart):
            chart.type = "bar" if spec.kind is ChartKind.BAR else "col"
        chart.title = spec.title
        for col in spec.value_cols:
            data = Reference(sheet, min_col=col + 1, min_row=area.header_row + 1, max_row=end_row)
            chart.add_data(data, titles_from_data=True)
        labels = Reference(sheet, min_col=spec.label_col + 1, min_row=area.first_row + 1, max_row=end_row)
        chart.set_categories(labels)
        chart.width, chart.height = 18, 9
        chart.anchor = f"{anchor_col}{3 + placed.index * 20}"
        out.append(chart)
    return out


def input_sheet(styles: StyleBook, spec: InputTabSpec, header_fill: str) -> NewSheet:
    """A new input tab for `init`: headers, dropdowns, date validation, frozen header row."""
    xf = styles.xf(CellStyle(font="bold", fill=header_fill))
    header = "".join(_cell_xml(f"{get_column_letter(c)}1", col.header, xf) for c, col in enumerate(spec.columns, start=1))
    rules = []
    # Text, so a typed 007 stays "007" (General would keep the number 7): the column's style.
    text_xf = styles.xf(CellStyle(number_format="@"))
    col_styles = {c: text_xf for c, col in enumerate(spec.columns, start=1) if col.is_text}
    for c, col in enumerate(spec.columns, start=1):
        letter = get_column_letter(c)
        target = f"{letter}2:{letter}1000"
        title = escape(col.header, {'"': "&quot;"})
        if col.choices:
            listed = escape(",".join(col.choices), {'"': "&quot;"})
            prompt = escape(dropdown_help(col.choices), {'"': "&quot;"})
            # A warning, not a stop: the English key (`legal`) is as valid as the Thai value.
            rules.append(f'<dataValidation type="list" errorStyle="warning" allowBlank="1" showInputMessage="1" showErrorMessage="1" '
                         f'errorTitle="{title}" error="เลือกจากรายการ" promptTitle="{title}" prompt="{prompt}" sqref="{target}">'
                         f'<formula1>"{listed}"</formula1></dataValidation>')
        elif col.is_date:
            prompt = escape(DATE_HELP, {'"': "&quot;"})
            # A warning, not a stop: a BE date typed as text ("31/03/2569") is valid for sheets-sync.
            rules.append(f'<dataValidation type="date" errorStyle="warning" operator="greaterThan" allowBlank="1" showInputMessage="1" '
                         f'showErrorMessage="1" errorTitle="{title}" error="พิมพ์เป็นวันที่ เช่น 31/03/2569" promptTitle="{title}" '
                         f'prompt="{prompt}" sqref="{target}"><formula1>1</formula1></dataValidation>')
    extra = f'<dataValidations count="{len(rules)}">{"".join(rules)}</dataValidations>' if rules else ""
    xml = _sheet_xml([header], widths=[c.width for c in spec.columns], heights={}, frozen_rows=1, width=len(spec.columns), extra=extra,
                     col_styles=col_styles)
    return NewSheet(spec.title, xml, owned=False)
