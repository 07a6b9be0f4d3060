"""Plan follow-up (rules.md "Plan follow-up"): expected progress, status, gap, totals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

import pandas as pd

from ..core.vocabulary import PLAN_STATUSES, keys
from .rounding import exact, half_up, object_frame, pct

STATUSES = keys(PLAN_STATUSES)  # in the order of the summary tab and the JSON counts


def expected_progress(start: dt.date, end: dt.date, as_of: dt.date) -> Fraction:
    """Share of the planned days elapsed, inclusive, 0–100, exact (unrounded)."""
    if as_of < start:
        return Fraction(0)
    if as_of >= end:
        return Fraction(100)
    return Fraction(((as_of - start).days + 1) * 100, (end - start).days + 1)


def plan_status(progress: float, start: dt.date, end: dt.date, as_of: dt.date, tolerance: float) -> str:
    """The first rule that matches, in the order of rules.md."""
    if progress >= 100:
        return "done"
    if as_of > end:
        return "overdue"
    if as_of < start:
        return "not_yet_due"
    if progress == 0:
        return "not_started"
    if exact(progress) >= expected_progress(start, end, as_of) - exact(tolerance):
        return "on_track"
    return "behind"


@dataclass
class PlanResult:
    activities: pd.DataFrame  # one row per valid activity, plan columns + computed ones
    status_counts: dict[str, int]
    budget_total: float
    budget_by_status: dict[str, float]
    strategy_alignment_pct: float | None

    @property
    def count(self) -> int:
        return len(self.activities)

    def status_pct(self, status: str) -> float | None:
        """The share of activities in `status`, 2 decimals (None without activities)."""
        return pct(self.status_counts.get(status, 0), self.count)

    def to_json(self) -> dict:
        activities = {
            row.activity_id: {
                "status": row.status,
                "expected_pct": row.expected_pct,
                "progress_pct": row.progress_pct,
                "gap": row.gap,
                "days_overdue": row.days_overdue,
                "late_finish": row.late_finish,
            }
            for row in self.activities.itertuples()
        }
        return {
            "count": len(self.activities),
            "activities": activities,
            "status_counts": self.status_counts,
            "budget_total": self.budget_total,
            "budget_by_status": self.budget_by_status,
            "strategy_alignment_pct": self.strategy_alignment_pct,
        }


def follow_up_plan(
    plan: pd.DataFrame,
    missions: pd.DataFrame,
    strategy_ids: set[str],
    as_of: dt.date,
    tolerance: float = 10.0,
) -> PlanResult:
    """Status of every valid activity at `as_of`, and the totals."""
    mission_strategy = dict(zip(missions["mission_id"], missions["strategy_id"]))
    rows = []
    for act in plan.itertuples(index=False):
        progress = float(act.progress or 0.0)
        expected = expected_progress(act.planned_start, act.planned_end, as_of)
        status = plan_status(progress, act.planned_start, act.planned_end, as_of, tolerance)
        late = (act.actual_end - act.planned_end).days if act.actual_end and act.actual_end > act.planned_end else 0
        strategy = act.strategy_id or mission_strategy.get(act.mission_id)
        rows.append(
            {
                **act._asdict(),
                "progress_pct": progress,
                "expected_pct": half_up(expected, 1),
                "gap": half_up(exact(progress) - expected, 1),
                "status": status,
                "days_overdue": (as_of - act.planned_end).days if status == "overdue" else 0,
                "late_finish": late,
                "aligned": bool(strategy) and strategy in strategy_ids,
            }
        )
    columns = list(plan.columns) + ["progress_pct", "expected_pct", "gap", "status", "days_overdue", "late_finish", "aligned"]
    activities = object_frame(rows, columns)
    counts = {s: int((activities["status"] == s).sum()) for s in STATUSES}
    budgets = activities["budget"].fillna(0.0).astype(float) if len(activities) else pd.Series(dtype=float)
    by_status = {s: float(budgets[activities["status"] == s].sum()) for s in STATUSES}
    return PlanResult(
        activities=activities,
        status_counts=counts,
        budget_total=float(budgets.sum()),
        budget_by_status=by_status,
        strategy_alignment_pct=pct(int(activities["aligned"].sum()), len(activities)),
    )
