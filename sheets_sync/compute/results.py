"""All computations of one sync, from the validated workbook to the results document."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..config import Settings
from ..core.fiscal import Period
from ..schema.issues import Issue
from ..schema.report import ValidationReport
from ..schema.validate import ValidatedWorkbook
from .complaints import ComplaintResult, summarize_complaints
from .kpi import KpiResult, score_kpis
from .missions import MissionResult, summarize_missions
from .plan import PlanResult, follow_up_plan
from .trend import ClosedFigures, trend_rows


@dataclass
class Results:
    period: Period
    workbook: ValidatedWorkbook
    plan: PlanResult | None
    kpis: KpiResult | None
    complaints: ComplaintResult | None
    missions: MissionResult | None
    # Closed rounds (closing.md), given by the app when it knows the history: each enabled round's
    # closing state (round -> ClosedFigures, None when not closed), and the closed rounds that
    # the trend and the memo's comparison read.
    round_states: dict[int, ClosedFigures | None] | None = None
    closed_rounds: list[ClosedFigures] = field(default_factory=list)

    @property
    def earlier_closed(self) -> list[ClosedFigures]:
        """The closed rounds of this fiscal year before this round (the memo compares with them)."""
        return sorted((c for c in self.closed_rounds if c.fiscal_year == self.period.fiscal_year and c.round < self.period.round),
                      key=lambda c: c.round)

    def trend(self, current: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return trend_rows(self.closed_rounds, current if current is not None else self.figures_json())

    @property
    def report(self) -> ValidationReport:
        """The validation's issues (validated for this period: the as-of rules included)."""
        return self.workbook.report

    @property
    def issues(self) -> list[Issue]:
        return self.report.issues

    def to_json(self) -> dict[str, Any]:
        """The JSON results document of outputs.md (plus a few documented extras; `trend` and
        `closings` when the history was consulted, closing.md)."""
        document = self.figures_json()
        if self.round_states is not None:
            document["closings"] = {
                str(m): ({"closed_on": c.closed_on.isoformat(), "closed_by": c.closed_by, "as_of": c.as_of.isoformat()} if c else None)
                for m, c in sorted(self.round_states.items())
            }
            document["trend"] = self.trend(document)
        return document

    def figures_json(self) -> dict[str, Any]:
        return {
            "as_of": self.period.as_of.isoformat(),
            "fiscal_year": self.period.fiscal_year,
            "round": self.period.round,
            "round_closed": self.period.round_closed,
            "missions": self.missions.to_json() if self.missions else None,
            "plan": self.plan.to_json() if self.plan else None,
            "kpis": self.kpis.to_json() if self.kpis else None,
            "complaints": self.complaints.to_json() if self.complaints else None,
            **self.report.to_json(),  # "issues" and "counts"
        }


def compute_results(workbook: ValidatedWorkbook, period: Period, settings: Settings) -> Results:
    """Every part whose tab is usable; a part whose required tab is missing is left out (None).

    `workbook` is validated for `period` (`validate_workbook(..., period=period)`), so its report
    already holds the as-of issues (a KPI not reported in an ended round).
    """
    has = workbook.has
    missions = workbook.table("missions")
    plan = (
        follow_up_plan(workbook.table("plan"), missions, workbook.ids.get("strategies", set()), period.as_of, settings.plan.tolerance_points)
        if has("plan")
        else None
    )
    kpis = score_kpis(workbook.table("kpis"), period, settings.kpi.below_level1_score) if has("kpis") else None
    complaints = summarize_complaints(workbook.table("complaints"), period, settings.complaints.sla_days) if has("complaints") else None
    mission_result = (
        summarize_missions(
            missions,
            workbook.table("sop_steps"),
            workbook.table("sop_info"),
            workbook.table("staff"),
            workbook.table("plan"),
            period.as_of,
            settings.sop.review_every_days,
            workbook.dropped.get("sop_steps"),
        )
        if has("missions")
        else None
    )
    return Results(period, workbook, plan, kpis, complaints, mission_result)
