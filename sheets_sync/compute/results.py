"""All computations of one sync, from the validated workbook to the results document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..config import Settings
from ..schema.issues import Issue, Severity, render_message
from ..schema.validate import ValidatedWorkbook
from .complaints import ComplaintResult, summarize_complaints
from ..fiscal import Period
from .kpi import KpiResult, score_kpis
from .missions import MissionResult, summarize_missions
from .plan import PlanResult, follow_up_plan


@dataclass
class Results:
    period: Period
    workbook: ValidatedWorkbook
    plan: PlanResult | None
    kpis: KpiResult | None
    complaints: ComplaintResult | None
    missions: MissionResult | None
    issues: list[Issue]  # validation issues plus those only a computation can see

    @property
    def error_count(self) -> int:
        return sum(1 for i in self.issues if i.severity is Severity.ERROR)

    @property
    def warning_count(self) -> int:
        return len(self.issues) - self.error_count

    def to_json(self) -> dict[str, Any]:
        """The JSON results document of outputs.md (plus a few documented extras)."""
        return {
            "as_of": self.period.as_of.isoformat(),
            "fiscal_year": self.period.fiscal_year,
            "round": self.period.round,
            "round_closed": self.period.round_closed,
            "missions": self.missions.to_json() if self.missions else None,
            "plan": self.plan.to_json() if self.plan else None,
            "kpis": self.kpis.to_json() if self.kpis else None,
            "complaints": self.complaints.to_json() if self.complaints else None,
            "issues": [i.to_json() for i in self.issues],
            "counts": {"errors": self.error_count, "warnings": self.warning_count},
        }


def compute_results(workbook: ValidatedWorkbook, period: Period, settings: Settings) -> Results:
    """Every part whose tab is usable; a part whose required tab is missing is left out (None)."""
    has = workbook.has
    missions = workbook.table("missions")
    plan = (
        follow_up_plan(workbook.table("plan"), missions, workbook.ids.get("strategies", set()), period.as_of, settings.tolerance_points)
        if has("plan")
        else None
    )
    kpis = score_kpis(workbook.table("kpis"), period, settings.below_level1_score) if has("kpis") else None
    complaints = summarize_complaints(workbook.table("complaints"), period, settings.sla_days) if has("complaints") else None
    mission_result = (
        summarize_missions(
            missions,
            workbook.table("sop_steps"),
            workbook.table("sop_info"),
            workbook.table("staff"),
            workbook.table("plan"),
            period.as_of,
            settings.review_every_days,
        )
        if has("missions")
        else None
    )
    issues = list(workbook.issues)
    if kpis is not None:
        issues.extend(_not_reported_issues(workbook, kpis))
    issues.sort(key=lambda i: _issue_order(workbook, i))
    return Results(period, workbook, plan, kpis, complaints, mission_result, issues)


def _not_reported_issues(workbook: ValidatedWorkbook, kpis: KpiResult) -> list[Issue]:
    """A round that has ended without a result: a warning on that result cell."""
    tab = workbook.schema["kpis"]
    title = workbook.titles.get("kpis", tab.th)
    out = []
    for row, months in kpis.not_reported:
        column = tab.column(f"result_{months}")
        cell = workbook.cell_of("kpis", column.key, row)
        if cell is None:
            continue  # the round's column is absent: its own warning says so
        out.append(
            Issue(
                tab=tab.th,
                sheet=title if title != tab.th else "",
                cell=cell,
                column=column.key,
                severity=Severity.WARNING,
                code="kpi-not-reported",
                message=render_message("kpi-not-reported", round=months, column=column.th),
                value="",
            )
        )
    return out


def _issue_order(workbook: ValidatedWorkbook, issue: Issue) -> tuple[int, int, int]:
    keys = list(workbook.schema)
    titles = {workbook.schema[k].th: n for n, k in enumerate(keys)}
    tab_index = titles.get(issue.tab, len(keys))
    key = keys[tab_index] if tab_index < len(keys) else ""
    return tab_index, issue.row, workbook.positions.get(key, {}).get(issue.column, -1)
