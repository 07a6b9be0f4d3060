"""Shared fixtures: real .xlsx workbooks written with openpyxl into tmp_path."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest


@dataclass(frozen=True)
class Formatted:
    """A cell value with an explicit number format (e.g. a percent cell: 0.45 shown as 45%)."""

    value: Any
    number_format: str


def pct(fraction: float) -> Formatted:
    """A percent-formatted cell: `pct(0.45)` stores 0.45 and shows 45%."""
    return Formatted(fraction, "0%")


def put(cell: Any, value: Any) -> None:
    """Write one value the way a spreadsheet program would store it.

    Strings are always text (even `=...`); dates and datetimes become date cells.
    """
    if isinstance(value, Formatted):
        cell.value = value.value
        cell.number_format = value.number_format
    elif isinstance(value, (dt.date, dt.datetime)):
        cell.value = value
        cell.number_format = "d/m/yyyy"
    elif isinstance(value, str) and value.startswith("="):
        cell.value = value
        cell.data_type = "s"
    else:
        cell.value = value


Tabs = Mapping[str, Sequence[Sequence[Any]]]


def write_xlsx(path: Path, tabs: Tabs) -> Path:
    """An .xlsx with one sheet per tab (title -> rows, row 1 first); None leaves a cell empty."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in tabs.items():
        sheet = book.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    put(sheet.cell(row=r, column=c), value)
    book.save(path)
    return path


@pytest.fixture
def make_xlsx(tmp_path: Path) -> Callable[..., Path]:
    """`make_xlsx(tabs, name="book.xlsx")` writes a real workbook into tmp_path."""

    def build(tabs: Tabs, name: str = "book.xlsx") -> Path:
        return write_xlsx(tmp_path / name, tabs)

    return build
