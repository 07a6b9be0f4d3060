"""Damrongdhama complaint figures (rules.md "Complaints").

Scope: cases received from the fiscal-year start to as-of ("this year"), plus cases received
earlier and not closed before the fiscal-year start ("carried over"). A case counts as closed
only when its status is ยุติ and its closed date is on or before as-of.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import pandas as pd

from ..core.fiscal import Period, fiscal_months
from ..core.vocabulary import CHANNELS, COMPLAINT_STATUSES, NO_DISTRICT, keys
from ..schema.parsers import normalize_space
from .rounding import half_up, mean, object_frame, pct, records

STATUS_KEYS = keys(COMPLAINT_STATUSES)


@dataclass
class ComplaintResult:
    figures: dict[str, Any]  # the year's figures (JSON keys of outputs.md)
    by_category: dict[str, dict[str, int]]
    by_category_status: dict[str, dict[str, int]]
    by_status: dict[str, int]
    by_channel: dict[str, int]
    by_district: dict[str, int]
    by_month: dict[str, dict[str, int]]
    overdue_cases: pd.DataFrame  # case_id, received, days_open, category, district, assigned_to, status
    sla_days: int

    def to_json(self) -> dict[str, Any]:
        overdue = [
            {**row, "received": row["received"].isoformat()} for row in records(self.overdue_cases)
        ]
        return {
            **self.figures,
            "by_category": self.by_category,
            "by_status": self.by_status,
            "by_channel": self.by_channel,
            "by_district": self.by_district,
            "by_month": self.by_month,
            "overdue_cases": overdue,
        }


def _effective_closed(row: dict[str, Any]) -> dt.date | None:
    """The closed date, when the case is really closed (status ยุติ)."""
    return row["closed"] if row["status"] == "closed" else None


def status_at(row: dict[str, Any], as_of: dt.date) -> str:
    """The status at as-of: a ยุติ case closed after as-of was still in progress."""
    closed = _effective_closed(row)
    if row["status"] == "closed" and (closed is None or closed > as_of):
        return "in_progress"
    return row["status"]


def summarize_complaints(complaints: pd.DataFrame, period: Period, sla_days: int = 15) -> ComplaintResult:
    as_of, start = period.as_of, period.start
    last = min(as_of, period.end)  # an as-of after the fiscal year (the 12-month report in October) stops at 30 Sep
    this_year: list[dict[str, Any]] = []
    carried: list[dict[str, Any]] = []
    categories: dict[str, str] = {}  # as typed -> normalised (a log repeats a few categories)
    for row in records(complaints):
        received, closed = row["received"], _effective_closed(row)
        category = categories.get(row["category"])
        if category is None:
            category = categories[row["category"]] = normalize_space(row["category"])
        row["category"] = category
        row["closed_by_as_of"] = closed is not None and closed <= as_of
        row["days_open"] = (as_of - received).days
        row["days_to_close"] = (closed - received).days if row["closed_by_as_of"] else None
        row["status_at"] = status_at(row, as_of)
        if start <= received <= last:
            this_year.append(row)
        elif received < start and (closed is None or closed >= start):
            carried.append(row)

    closed_rows = [r for r in this_year if r["closed_by_as_of"]]
    days = [r["days_to_close"] for r in closed_rows]
    answers = [r["satisfaction"] for r in this_year if r["satisfaction"] is not None]
    open_rows = [r for r in this_year + carried if not r["closed_by_as_of"]]
    overdue_rows = sorted((r for r in open_rows if r["days_open"] > sla_days), key=lambda r: (-r["days_open"], r["case_id"]))
    figures = {
        "received": len(this_year),
        "closed": len(closed_rows),
        "open": len(this_year) - len(closed_rows),
        "carried_over": len(carried),
        "carried_over_closed": sum(1 for r in carried if r["closed_by_as_of"]),
        "closed_pct": pct(len(closed_rows), len(this_year)),
        "overdue": len(overdue_rows),
        "mean_days_to_close": mean(days, 1),
        "median_days_to_close": half_up(Fraction(statistics.median_low(days) + statistics.median_high(days), 2), 1) if days else None,
        "sla_met": sum(1 for d in days if d <= sla_days),  # the count behind sla_met_pct (a roll-up pools it)
        "sla_met_pct": pct(sum(1 for d in days if d <= sla_days), len(days)),
        "satisfaction_mean": mean(answers, 2),
        "satisfied_pct": pct(sum(1 for a in answers if a >= 4), len(answers)),
        "responses": len(answers),
    }

    by_category: dict[str, dict[str, int]] = {}
    by_category_status: dict[str, dict[str, int]] = {}
    for row in this_year:
        entry = by_category.setdefault(row["category"], {"received": 0, "closed": 0, "open": 0})
        entry["received"] += 1
        entry["closed" if row["closed_by_as_of"] else "open"] += 1
        statuses = by_category_status.setdefault(row["category"], dict.fromkeys(STATUS_KEYS, 0))
        statuses[row["status_at"]] += 1
    by_status = dict.fromkeys(STATUS_KEYS, 0)
    for row in this_year:
        by_status[row["status_at"]] += 1
    by_channel = {c.key: sum(1 for r in this_year if r["channel"] == c.key) for c in CHANNELS}
    by_district: dict[str, int] = {}
    for row in this_year:
        name = row["district"] or NO_DISTRICT
        by_district[name] = by_district.get(name, 0) + 1

    by_month = {f"{y:04d}-{m:02d}": {"received": 0, "closed": 0} for y, m in fiscal_months(period.fiscal_year)}
    months: dict[dt.date, str] = {}  # a date -> its month's key (a log repeats its dates)

    def month_of(day: dt.date) -> str:
        key = months.get(day)
        if key is None:
            key = months[day] = day.strftime("%Y-%m")
        return key

    for row in this_year:
        key = month_of(row["received"])
        by_month[key]["received"] += 1
    for row in this_year + carried:
        if row["closed_by_as_of"]:
            key = month_of(_effective_closed(row))  # type: ignore[arg-type]
            if key in by_month:
                by_month[key]["closed"] += 1

    overdue = object_frame(
        [
            {
                "case_id": r["case_id"],
                "received": r["received"],
                "days_open": r["days_open"],
                "category": r["category"],
                "district": r["district"],
                "assigned_to": r["assigned_to"],
                "status": r["status_at"],
            }
            for r in overdue_rows
        ],
        ["case_id", "received", "days_open", "category", "district", "assigned_to", "status"],
    )
    return ComplaintResult(
        figures=figures,
        by_category=dict(sorted(by_category.items(), key=lambda kv: -kv[1]["received"])),
        by_category_status=by_category_status,
        by_status=by_status,
        by_channel=by_channel,
        by_district=dict(sorted(by_district.items(), key=lambda kv: (-kv[1], kv[0]))),
        by_month=by_month,
        overdue_cases=overdue,
        sla_days=sla_days,
    )
