"""Typed cells: what a backend reads from a tab, before any parsing.

A backend tells apart what the spreadsheet itself knows: a number, a percent-formatted number
(stored 0.45, shown 45%), a date cell, a boolean, text, or nothing. The schema layer decides
what that means for a column.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum


class CellKind(str, Enum):
    EMPTY = "empty"
    TEXT = "text"
    NUMBER = "number"
    PERCENT = "percent"  # value is the stored fraction: 0.45 for a cell shown as 45%
    DATE = "date"  # value is a datetime.datetime (time of day kept, the parser drops it)
    BOOL = "bool"
    ERROR = "error"  # a formula that failed: #DIV/0!, #N/A, #REF! … (value is that text)


@dataclass(frozen=True, slots=True)
class Cell:
    kind: CellKind
    value: str | float | int | bool | dt.datetime | None = None

    @property
    def is_empty(self) -> bool:
        return self.kind is CellKind.EMPTY or (
            self.kind is CellKind.TEXT and not str(self.value).strip()
        )

    def raw_text(self) -> str:
        """The value as a person would recognise it in the issues list."""
        if self.kind is CellKind.EMPTY or self.value is None:
            return ""
        if self.kind is CellKind.PERCENT:
            return f"{_plain_number(float(self.value) * 100)}%"
        if self.kind is CellKind.DATE:
            value = self.value
            assert isinstance(value, dt.datetime)
            # as a Thai clerk types and sees a date cell (d/m/yyyy), not a normalised ISO date
            day = f"{value.day}/{value.month}/{value.year}"
            return day if value.time() == dt.time() else f"{day} {value.strftime('%H:%M:%S')}"
        if self.kind is CellKind.NUMBER:
            return _plain_number(self.value)  # type: ignore[arg-type]
        return str(self.value)


EMPTY = Cell(CellKind.EMPTY)

SERIAL_EPOCH = dt.datetime(1899, 12, 30)


def serial_to_datetime(serial: float) -> dt.datetime:
    """Sheets/Excel serial day number (days since 1899-12-30) to a datetime."""
    return SERIAL_EPOCH + dt.timedelta(days=float(serial))


def datetime_to_serial(value: dt.date | dt.datetime) -> float | int:
    if not isinstance(value, dt.datetime):
        return (value - SERIAL_EPOCH.date()).days
    delta = value - SERIAL_EPOCH
    return delta.days + delta.seconds / 86400 if delta.seconds else delta.days


def _plain_number(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:.10g}" if isinstance(value, float) else str(value)


@dataclass(frozen=True, slots=True)
class TabData:
    """One tab as read: row 1 is the header row; `rows[i]` is sheet row i + 1."""

    title: str
    rows: tuple[tuple[Cell, ...], ...]
