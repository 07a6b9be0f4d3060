"""One non-empty cell parsed as its column's type (workbook.md "Types"): the dispatch per type."""

from __future__ import annotations

from typing import Any

from ..core.cells import Cell
from .parsers import (
    CellProblem,
    cell_text,
    normalize_space,
    parse_date,
    parse_number,
    parse_percent,
    parse_result,
    split_list,
    trim,
)
from .tabs import ColType, Column


def parse_typed(col: Column, cell: Cell) -> tuple[Any, str | None]:
    """Parse a non-empty cell as its column's type: the value and an optional warning code."""
    kind = col.type
    if kind is ColType.DATE:
        return parse_date(cell)
    if kind in (ColType.NUMBER, ColType.PERCENT):
        value = parse_percent(cell) if kind is ColType.PERCENT else parse_number(cell)
        check_bounds(col, value)
        return value, None
    if kind is ColType.RESULT:
        return parse_result(cell), None
    text = cell_text(cell)
    if kind is ColType.ENUM:
        wanted = text.casefold()
        for choice in col.choices:
            if wanted in (normalize_space(choice.th).casefold(), choice.key.casefold()):
                return choice.key, None
        raise CellProblem("enum-unknown", choices=", ".join(c.th for c in col.choices))
    if kind is ColType.LIST:
        return tuple(split_list(cell.raw_text())), None
    if kind is ColType.TEXT:
        return trim(cell.raw_text()), None  # free text keeps its line breaks
    return text, None  # id, ref: compared after trimming and collapsing whitespace


def check_bounds(col: Column, value: float) -> None:
    if col.whole and not float(value).is_integer():
        raise CellProblem("number-not-whole")
    too_low = col.minimum is not None and (value <= col.minimum if col.min_exclusive else value < col.minimum)
    too_high = col.maximum is not None and value > col.maximum
    if too_low or too_high:
        raise CellProblem("percent-range" if col.type is ColType.PERCENT else "number-range")


def bounds_detail(col: Column) -> dict[str, str]:
    """The `{bounds}` of a number-range message: `ตั้งแต่ 1 ไม่เกิน 5`."""
    if col.minimum is None and col.maximum is None:
        return {}
    low = "" if col.minimum is None else (f"มากกว่า {col.minimum:g}" if col.min_exclusive else f"ตั้งแต่ {col.minimum:g}")
    high = "" if col.maximum is None else f"ไม่เกิน {col.maximum:g}"
    return {"bounds": " ".join(p for p in (low, high) if p)}


def display_value(value: Any) -> str:
    """A parsed value as the issues list shows it (`20`, not `20.0`)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
