"""Thai fiscal years and follow-up rounds (rules.md "Fiscal year and rounds").

The bottom layer: schema (the as-of rules), compute, documents and the demo share this one calendar.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from .errors import ConfigError
from .vocabulary import BE_OFFSET, FISCAL_YEAR_START_MONTH


def fiscal_year_of(day: dt.date) -> int:
    """The BE fiscal year containing `day`: FY 2569 = 2025-10-01 … 2026-09-30."""
    return day.year + BE_OFFSET + (1 if day.month >= FISCAL_YEAR_START_MONTH else 0)


def fiscal_year_span(fiscal_year: int) -> tuple[dt.date, dt.date]:
    ce_end = fiscal_year - BE_OFFSET
    start = dt.date(ce_end - 1, FISCAL_YEAR_START_MONTH, 1)
    return start, dt.date(ce_end, FISCAL_YEAR_START_MONTH, 1) - dt.timedelta(days=1)


def round_end(fiscal_year: int, months: int) -> dt.date:
    """Round n ends on the last day of month n of the fiscal year (6 → 31 March)."""
    start, _ = fiscal_year_span(fiscal_year)
    month_index = start.month - 1 + months - 1  # 0-based month counted from January of start year
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def fiscal_months(fiscal_year: int) -> list[tuple[int, int]]:
    """The twelve (year, month) pairs of the fiscal year, October first."""
    start, _ = fiscal_year_span(fiscal_year)
    months = []
    for n in range(12):
        index = start.month - 1 + n
        months.append((start.year + index // 12, index % 12 + 1))
    return months


DEFAULT_ROUNDS = (6, 9, 12)  # the follow-up rounds (months) when the config does not say: written once


@dataclass(frozen=True)
class Period:
    """What a sync is computed for: the as-of date, its fiscal year and round."""

    as_of: dt.date
    fiscal_year: int
    round: int  # months; the round being reported
    round_closed: bool  # False before the first enabled round has ended (shown "in progress")
    rounds: tuple[int, ...]

    @property
    def start(self) -> dt.date:
        return fiscal_year_span(self.fiscal_year)[0]

    @property
    def end(self) -> dt.date:
        return fiscal_year_span(self.fiscal_year)[1]

    def round_end(self, months: int) -> dt.date:
        return round_end(self.fiscal_year, months)

    def round_has_ended(self, months: int) -> bool:
        return self.round_end(months) <= self.as_of


def resolve_period(
    as_of: dt.date,
    rounds: tuple[int, ...] = DEFAULT_ROUNDS,
    fiscal_year: int | None = None,
    round_months: int | None = None,
) -> Period:
    """The fiscal year and round of a sync, from as-of and the optional overrides."""
    rounds = tuple(sorted(rounds))
    year = fiscal_year if fiscal_year is not None else fiscal_year_of(as_of)
    start, end = fiscal_year_span(year)
    if as_of < start:
        raise ConfigError(f"ปีงบประมาณ {year} ยังไม่เริ่ม ณ วันที่ {as_of.isoformat()} (เริ่ม {start.isoformat()}) — ตรวจ {{fiscal_year}} / {{as_of}}")
    # A past fiscal year is reported as it stood at its end (30 September), whatever today is.
    as_of = min(as_of, end)
    if round_months is not None:
        if round_months not in rounds:
            raise ConfigError(f"{{round}} {round_months} ไม่ใช่รอบที่เปิดใช้ในค่าตั้ง (รอบที่ใช้: {', '.join(map(str, rounds))})")
        return Period(as_of, year, round_months, round_end(year, round_months) <= as_of, rounds)
    closed = [m for m in rounds if round_end(year, m) <= as_of]
    if closed:
        return Period(as_of, year, closed[-1], True, rounds)
    return Period(as_of, year, rounds[0], False, rounds)
