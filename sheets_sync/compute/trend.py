"""Trends across closed rounds (shared/spec/closing.md "Trends"): the key figures of what was
reported, read from the closings' results documents, never recomputed.

The same figures feed the `แนวโน้ม` tab, JSON `trend`, the memo's comparison with the closed
rounds before it, and the evidence folder's trend table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..core.vocabulary import PLAN_STATUS_CHART_ORDER, SECTION_GROUP

# The key figures, in the order the tab and the JSON show them (JSON key, Thai label).
FIGURES: tuple[tuple[str, str], ...] = (
    ("sop_coverage_pct", "ร้อยละกระบวนการที่มีคู่มือ"),
    ("backup_coverage_pct", "ร้อยละภารกิจที่มีผู้ปฏิบัติแทน"),
    ("kpi_section_total", "คะแนนตัวชี้วัดระดับฝ่าย"),
    ("complaints_received", "เรื่องร้องเรียนรับ"),
    ("complaints_closed_pct", "ร้อยละยุติ"),
    ("complaints_overdue", "เกินกำหนด"),
    ("complaints_median_days_to_close", "มัธยฐานวันที่ใช้ยุติ"),
    ("satisfaction_mean", "ความพึงพอใจเฉลี่ย"),
)
TRENDED_YEARS = 3  # this fiscal year and the previous two


@dataclass(frozen=True)
class ClosedFigures:
    """One closed round as reported: its closing and the results document it keeps."""

    fiscal_year: int
    round: int
    as_of: dt.date
    closed_on: dt.date
    closed_by: str
    document: Mapping[str, Any] = field(repr=False)


def key_figures(document: Mapping[str, Any]) -> dict[str, Any]:
    """The key figures of one results document (None where its part is absent)."""
    missions = document.get("missions") or {}
    plan = document.get("plan") or {}
    kpis = document.get("kpis") or {}
    complaints = document.get("complaints") or {}
    section = (kpis.get("groups") or {}).get(SECTION_GROUP, {}).get(str(document.get("round")), {}) or {}
    counts = plan.get("status_counts") or {}
    return {
        "sop_coverage_pct": missions.get("sop_coverage_pct"),
        "backup_coverage_pct": missions.get("backup_coverage_pct"),
        "kpi_section_total": section.get("total"),
        "plan_status_counts": {k: int(counts.get(k, 0)) for k in PLAN_STATUS_CHART_ORDER} if plan else None,
        "complaints_received": complaints.get("received"),
        "complaints_closed_pct": complaints.get("closed_pct"),
        "complaints_overdue": complaints.get("overdue"),
        "complaints_median_days_to_close": complaints.get("median_days_to_close"),
        "satisfaction_mean": complaints.get("satisfaction_mean"),
    }


def trend_rows(closed: Iterable[ClosedFigures], current: Mapping[str, Any]) -> list[dict[str, Any]]:
    """JSON `trend`: every closed round of the current document's fiscal year and the two before,
    oldest first, then the current figures (`"current": true`, no closing date)."""
    year = int(current["fiscal_year"])
    kept = sorted(
        (c for c in closed if year - TRENDED_YEARS < c.fiscal_year <= year),
        key=lambda c: (c.fiscal_year, c.round),
    )
    rows = [
        {"fiscal_year": c.fiscal_year, "round": c.round, "as_of": c.as_of.isoformat(), "closed_on": c.closed_on.isoformat(),
         "closed_by": c.closed_by, "current": False, **key_figures(c.document)}
        for c in kept
    ]
    rows.append({"fiscal_year": year, "round": current["round"], "as_of": current["as_of"], "closed_on": None,
                 "closed_by": None, "current": True, **key_figures(current)})
    return rows


def compared_rounds(earlier: Iterable[ClosedFigures], current: Mapping[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """What the memo compares (closing.md: KPI section total, SOP coverage, complaints closed %,
    overdue, plan status counts): (round, key figures) of the closed rounds of the same fiscal year
    before this round, oldest first, then this round's; [] when no earlier round of the year is closed."""
    before = sorted((c for c in earlier if c.fiscal_year == current["fiscal_year"] and c.round < current["round"]), key=lambda c: c.round)
    if not before:
        return []
    return [(c.round, key_figures(c.document)) for c in before] + [(int(current["round"]), key_figures(current))]
