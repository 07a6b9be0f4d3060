"""Late edits (shared/spec/closing.md): cells edited after a round was closed that move a figure
of that round.

Built from two validations for the closing's period (its fiscal year, round and as-of): the
closing's snapshot as it was read then, and the tabs as they are now. Rows are matched by their
id; values are compared as parsed (a date typed another way, or a number re-entered as the same
number, is not a change). What counts, per tab:

- KPIs: the round's result; the thresholds, weight, kind, level or owner of a KPI the round scored
  (then or now); a KPI row that the round scores added, or one it scored deleted.
- Complaints: of a case received on or before the as-of (then or now): received date, category,
  channel, district; its closed date when either value is on or before the as-of; a case added
  with a received date on or before it; such a case deleted.
- Plan: the planned dates, mission or strategy of an activity that existed at the closing; the
  activity deleted.
Missions, SOP statuses and staff describe the present and never warn. A row that has an error now
is reported as that error (its figures are not compared). One warning per cell; a deleted row's
warning sits on the header cell of the tab's id column and names the id.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..core.fiscal import Period
from ..core.thai_dates import thai_date_short
from ..schema.addressing import a1
from ..schema.issues import Issue, Severity, new_issue
from ..schema.parsers import NotAssessed, normalize_space
from ..schema.validate import ROW, ValidatedWorkbook
from .kpi import scored_in_round

CODE = "closed-round-changed"
GONE = "ไม่มีแถวนี้"
EMPTY = "ว่าง"

KPI_SCORED_FIELDS = ("t1", "t2", "t3", "t4", "t5", "weight", "kind", "level", "owner")
COMPLAINT_FIELDS = ("received", "category", "channel", "district")
PLAN_FIELDS = ("planned_start", "planned_end", "mission_id", "strategy_id")


@dataclass(frozen=True)
class ClosedRound:
    """What a late-edit check needs of a closing: its period and the day it was closed."""

    period: Period  # the closing's fiscal year, round and as-of
    closed_on: dt.date


def comparable(value: Any) -> Any:
    """A parsed value as compared: missing values as None, text trimmed, dates as dates."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, NotAssessed):
        return "not_assessed"
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        text = normalize_space(value)
        return text or None
    if isinstance(value, (list, tuple)):
        return tuple(comparable(v) for v in value)
    try:
        if value != value:  # pandas NA-like
            return None
    except (TypeError, ValueError):
        return None
    return value


def shown(value: Any) -> str:
    """A value as the warning shows it (Thai short date for a date)."""
    value = comparable(value)
    if value is None:
        return EMPTY
    if value == "not_assessed":
        return "ไม่ประเมิน"
    if isinstance(value, dt.date):
        return thai_date_short(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows(workbook: ValidatedWorkbook, key: str, id_key: str) -> dict[str, dict[str, Any]]:
    if not workbook.has(key):
        return {}
    return {str(r[id_key]): r for r in workbook.table(key).to_dict("records")}


class _Finder:
    """Builds the warnings of one closed round against the workbook as it is now."""

    def __init__(self, then: ValidatedWorkbook, now: ValidatedWorkbook, closed: ClosedRound) -> None:
        self.then, self.now, self.closed = then, now, closed
        self.issues: list[Issue] = []

    def _warn(self, key: str, column: str, cell: str, value: str, change: str) -> None:
        tab = self.now.schema[key]
        self.issues.append(new_issue(
            tab, self.now.titles.get(key), cell, tab.column(column), Severity.WARNING, CODE, value,
            round=self.closed.period.round, closed_on=thai_date_short(self.closed.closed_on), change=change,
        ))

    def changed(self, key: str, row_now: dict[str, Any], column: str, before: Any, after: Any) -> None:
        cell = self.now.cell_of(key, column, int(row_now[ROW]))
        if cell is None:
            return
        tab = self.now.schema[key]
        change = f"\"{tab.column(column).th}\" ตอนปิดรอบเป็น {shown(before)} ตอนนี้เป็น {shown(after)}"
        self._warn(key, column, cell, shown(after) if comparable(after) is not None else "", change)

    def added(self, key: str, id_key: str, row_now: dict[str, Any], why: str) -> None:
        cell = self.now.cell_of(key, id_key, int(row_now[ROW]))
        if cell is None:
            return
        self._warn(key, id_key, cell, str(row_now[id_key]), f"เพิ่มรหัส {row_now[id_key]} ซึ่ง{why} (ตอนปิดรอบไม่มี)")

    def deleted(self, key: str, id_key: str, ident: str, why: str) -> None:
        index = self.now.positions.get(key, {}).get(id_key)
        if index is None:
            return
        self._warn(key, id_key, a1(index, 1), ident, f"รหัส {ident} ซึ่ง{why} ถูกลบออกไป (ตอนปิดรอบมีอยู่)")

    def compare(self, key: str, id_key: str, columns: Iterable[str], then_row: dict[str, Any], now_row: dict[str, Any]) -> None:
        for column in columns:
            if column not in then_row or column not in now_row:
                continue
            if comparable(then_row[column]) != comparable(now_row[column]):
                self.changed(key, now_row, column, then_row[column], now_row[column])

    def still_there(self, key: str, ident: str) -> bool:
        """The id is in the tab now (a row with an error is there, though not usable)."""
        return ident in self.now.ids.get(key, set())

    # --- per tab -------------------------------------------------------------------------------
    def kpis(self) -> None:
        if not (self.then.has("kpis") and self.now.has("kpis")):
            return
        period = self.closed.period
        months = period.round
        result = f"result_{months}"
        then_rows, now_rows = _rows(self.then, "kpis", "kpi_id"), _rows(self.now, "kpis", "kpi_id")
        scored_then = _scored(then_rows, period)
        scored_now = _scored(now_rows, period)
        for ident, now_row in now_rows.items():
            then_row = then_rows.get(ident)
            if then_row is None:
                if ident in scored_now:
                    self.added("kpis", "kpi_id", now_row, f"นับคะแนนในรอบ {months} เดือน")
                continue
            self.compare("kpis", "kpi_id", (result,), then_row, now_row)
            if ident in scored_then or ident in scored_now:
                self.compare("kpis", "kpi_id", KPI_SCORED_FIELDS, then_row, now_row)
        for ident in then_rows:
            if ident not in now_rows and ident in scored_then and not self.still_there("kpis", ident):
                self.deleted("kpis", "kpi_id", ident, f"นับคะแนนในรอบ {months} เดือน")

    def complaints(self) -> None:
        if not (self.then.has("complaints") and self.now.has("complaints")):
            return
        as_of = self.closed.period.as_of
        then_rows, now_rows = _rows(self.then, "complaints", "case_id"), _rows(self.now, "complaints", "case_id")

        def counted(row: dict[str, Any] | None) -> bool:
            day = comparable(row["received"]) if row else None
            return isinstance(day, dt.date) and day <= as_of

        def closed_by_as_of(value: Any) -> bool:
            day = comparable(value)
            return isinstance(day, dt.date) and day <= as_of

        for ident, now_row in now_rows.items():
            then_row = then_rows.get(ident)
            if then_row is None:
                if counted(now_row):
                    self.added("complaints", "case_id", now_row, "รับเรื่องภายในวันที่ของข้อมูลรอบนี้")
                continue
            if not (counted(then_row) or counted(now_row)):
                continue
            self.compare("complaints", "case_id", COMPLAINT_FIELDS, then_row, now_row)
            before, after = then_row.get("closed"), now_row.get("closed")
            if comparable(before) != comparable(after) and (closed_by_as_of(before) or closed_by_as_of(after)):
                self.changed("complaints", now_row, "closed", before, after)
        for ident, then_row in then_rows.items():
            if ident not in now_rows and counted(then_row) and not self.still_there("complaints", ident):
                self.deleted("complaints", "case_id", ident, "นับในรอบนี้")

    def plan(self) -> None:
        if not (self.then.has("plan") and self.now.has("plan")):
            return
        then_rows, now_rows = _rows(self.then, "plan", "activity_id"), _rows(self.now, "plan", "activity_id")
        for ident, now_row in now_rows.items():
            then_row = then_rows.get(ident)
            if then_row is not None:
                self.compare("plan", "activity_id", PLAN_FIELDS, then_row, now_row)
        for ident in then_rows:
            if ident not in now_rows and not self.still_there("plan", ident):
                self.deleted("plan", "activity_id", ident, "อยู่ในแผนตอนปิดรอบ")


def _scored(rows: dict[str, dict[str, Any]], period: Period) -> set[str]:
    """The KPIs the round scores (a score, 0 for not reported included; not assessed is not)."""
    ended = period.round_has_ended(period.round)
    return {k for k, row in rows.items() if scored_in_round(row.get(f"result_{period.round}"), ended)}


def late_edits(then: ValidatedWorkbook, now: ValidatedWorkbook, closed: ClosedRound) -> list[Issue]:
    """The `closed-round-changed` warnings of one closed round. `then` is the closing's snapshot and
    `now` the tabs as read now, both validated for the closing's period."""
    finder = _Finder(then, now, closed)
    finder.kpis()
    finder.complaints()
    finder.plan()
    return finder.issues
