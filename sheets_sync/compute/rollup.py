"""The ministry roll-up (ministry.md "Figures"): pure functions over each province's sync results.

Every national figure is computed from the provinces whose outcome is `ok`; a province that could
not be read has no figures and is in no sum, no distribution and no ranking (never a zero).
Ratios are pooled — sums over provinces, then one division — never a mean of percentages.
A province's figures are its `sync` results document (outputs.md), so a cached province and a
freshly read one go through exactly the same code.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ..core.vocabulary import NO_REGION, PLAN_STATUSES, RESULT_BANDS, SECTION_GROUP, keys, result_band
from .rounding import exact, half_up, mean, pct

OK = "ok"
TOP = 5  # the candidates for best practice, and the provinces that need support, per ranking


@dataclass(frozen=True)
class ProvinceRead:
    """One registry row after its roll-up read: what happened and, when `ok`, its results."""

    province: str
    region: str  # NO_REGION when the registry leaves it empty
    office_name: str
    source: str  # as written in `สมุดงาน`
    url: str  # the Sheet's address ("" for a file)
    outcome: str  # ROLLUP_OUTCOMES key
    reason: str | None = None  # one Thai line when not ok
    results: dict[str, Any] | None = None  # the sync results document without "issues"
    errors: int | None = None
    warnings: int | None = None
    modified: str | None = None  # when the workbook last changed (ISO), where the backend tells
    seconds: float = 0.0
    requests: int = 0  # Sheets requests spent on this province (0 for a file or a cached one)
    cached: bool = False  # its figures were reused from the last roll-up (nothing changed)

    @property
    def ok(self) -> bool:
        return self.outcome == OK


@dataclass(frozen=True)
class Figures:
    """The figures of one province that the roll-up compares (from its results document)."""

    missions: int | None
    missions_with_sop: int | None
    sop_coverage_pct: float | None
    backup_coverage_pct: float | None
    activities: int | None
    status_counts: dict[str, int] | None
    kpi_total: float | None  # the section group's total for the round, full precision
    kpi_total_pct: float | None
    received: int | None
    closed: int | None
    closed_pct: float | None
    overdue: int | None
    overdue_per_100: float | None  # overdue cases per 100 received (2 decimals)
    median_days_to_close: float | None
    sla_met: int | None
    sla_met_pct: float | None
    satisfaction_mean: float | None

    @property
    def kpi_total_4(self) -> float | None:
        """The KPI total as shown and ranked (4 decimals)."""
        return half_up(self.kpi_total, 4)


def province_figures(results: dict[str, Any], round_months: int) -> Figures:
    """The compared figures of one province's results document, for the roll-up's round."""
    m, p, k, c = results.get("missions"), results.get("plan"), results.get("kpis"), results.get("complaints")
    section = ((k or {}).get("groups") or {}).get(SECTION_GROUP, {}).get(str(round_months)) or {}
    with_sop = sum(1 for item in m["items"].values() if item["sop_status"] == "has") if m else None
    return Figures(
        missions=m["count"] if m else None,
        missions_with_sop=with_sop,
        sop_coverage_pct=m["sop_coverage_pct"] if m else None,
        backup_coverage_pct=m["backup_coverage_pct"] if m else None,
        activities=p["count"] if p else None,
        status_counts=dict(p["status_counts"]) if p else None,
        kpi_total=section.get("total"),
        kpi_total_pct=section.get("total_pct"),
        received=c["received"] if c else None,
        closed=c["closed"] if c else None,
        closed_pct=c["closed_pct"] if c else None,
        overdue=c["overdue"] if c else None,
        overdue_per_100=pct(c["overdue"], c["received"]) if c else None,
        median_days_to_close=c["median_days_to_close"] if c else None,
        sla_met=c["sla_met"] if c else None,
        sla_met_pct=c["sla_met_pct"] if c else None,
        satisfaction_mean=c["satisfaction_mean"] if c else None,
    )


# --- distributions --------------------------------------------------------------------------


def quartile_inc(values: Sequence[float], q: Fraction) -> Fraction:
    """Excel's QUARTILE.INC (PERCENTILE.INC at q): linear interpolation at (n − 1)·q, exactly."""
    ordered = sorted(exact(v) for v in values)
    h = (len(ordered) - 1) * q
    low = math.floor(h)
    if low + 1 >= len(ordered):
        return ordered[low]
    return ordered[low] + (h - low) * (ordered[low + 1] - ordered[low])


def distribution(values: Iterable[float | None], places: int = 2) -> dict[str, float | None]:
    """min, q1, median, q3, max of the values present (None ones are left out), rounded half up."""
    present = [v for v in values if v is not None]
    names = ("min", "q1", "median", "q3", "max")
    if not present:
        return dict.fromkeys(names)
    return {name: half_up(quartile_inc(present, Fraction(i, 4)), places) for i, name in enumerate(names)}


# --- rankings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ranking:
    """One ranking: (province, rank, value) best first; standard competition ranks (1, 2, 2, 4)."""

    key: str
    higher_is_better: bool
    entries: list[tuple[str, int, float]]

    def rank_of(self, province: str) -> int | None:
        return next((rank for name, rank, _ in self.entries if name == province), None)

    def top(self, n: int = TOP) -> list[tuple[str, int, float]]:
        """The best: every province whose rank is n or better (ties at the edge included)."""
        return [e for e in self.entries if e[1] <= n]

    def bottom(self, n: int = TOP) -> list[tuple[str, int, float]]:
        """The worst first: every province with fewer than n provinces strictly worse than it."""
        values = [v for _, _, v in self.entries]
        worse = (lambda v: sum(1 for w in values if w < v)) if self.higher_is_better else (lambda v: sum(1 for w in values if w > v))
        return [e for e in reversed(self.entries) if worse(e[2]) < n]


def rank(key: str, values: Sequence[tuple[str, float | None]], *, higher_is_better: bool) -> Ranking:
    """Competition ranking of the provinces that have the value; ties keep the given (registry) order."""
    present = [(name, v) for name, v in values if v is not None]
    ordered = sorted(present, key=lambda nv: -nv[1] if higher_is_better else nv[1])
    entries = []
    for name, v in ordered:
        better = sum(1 for _, w in present if (w > v if higher_is_better else w < v))
        entries.append((name, better + 1, v))
    return Ranking(key, higher_is_better, entries)


RANKINGS: tuple[tuple[str, Callable[[Figures], float | None], bool], ...] = (
    ("sop_coverage_pct", lambda f: f.sop_coverage_pct, True),
    ("kpi_total", lambda f: f.kpi_total_4, True),
    ("closed_pct", lambda f: f.closed_pct, True),
    ("overdue_per_100", lambda f: f.overdue_per_100, False),
)


# --- national and regional figures ----------------------------------------------------------


def _sum(values: Iterable[int | None]) -> int | None:
    """The sum of the values present; None (not 0) when no province has the figure."""
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def group_figures(figures: Sequence[Figures], sop_target_pct: float) -> dict[str, Any]:
    """The national figures of a group of `ok` provinces (the nation, or one region)."""
    with_missions = [f for f in figures if f.missions is not None]
    with_complaints = [f for f in figures if f.received is not None]
    with_kpi = [f for f in figures if f.kpi_total is not None]
    missions, with_sop = _sum(f.missions for f in with_missions), _sum(f.missions_with_sop for f in with_missions)
    received, closed = _sum(f.received for f in with_complaints), _sum(f.closed for f in with_complaints)
    overdue, sla_met = _sum(f.overdue for f in with_complaints), _sum(f.sla_met for f in with_complaints)
    bands = {label: 0 for _, label in RESULT_BANDS}
    for f in with_kpi:
        bands[result_band(f.kpi_total_pct)] += 1  # type: ignore[index]
    with_plan = [f for f in figures if f.status_counts is not None]
    statuses = {key: _sum(f.status_counts.get(key) for f in with_plan) for key in keys(PLAN_STATUSES)}  # type: ignore[union-attr]
    return {
        "provinces": len(figures),
        "sop_coverage_pct": pct(with_sop or 0, missions) if missions else None,
        "missions": missions,
        "missions_with_sop": with_sop,
        "sop_coverage_dist": distribution(f.sop_coverage_pct for f in with_missions),
        "sop_target_pct": sop_target_pct,
        "sop_target_met": sum(1 for f in with_missions if f.sop_coverage_pct is not None and f.sop_coverage_pct >= sop_target_pct),
        "activities": _sum(f.activities for f in figures),
        "plan_status_counts": statuses,
        "complaints": {
            "provinces": len(with_complaints),
            "received": received,
            "closed": closed,
            "closed_pct": pct(closed or 0, received) if received else None,
            "overdue": overdue,
            "overdue_per_100": pct(overdue or 0, received) if received else None,
            "sla_met": sla_met,
            "sla_met_pct": pct(sla_met or 0, closed) if closed else None,
            "closed_pct_dist": distribution(f.closed_pct for f in with_complaints),
            "overdue_per_100_dist": distribution(f.overdue_per_100 for f in with_complaints),
            "sla_met_pct_dist": distribution(f.sla_met_pct for f in with_complaints),
        },
        "kpi": {
            "provinces": len(with_kpi),
            "mean_total": mean([f.kpi_total for f in with_kpi], 4),  # type: ignore[misc]
            "median_total": distribution((f.kpi_total for f in with_kpi), 4)["median"],
            "total_dist": distribution((f.kpi_total for f in with_kpi), 4),
            "bands": bands,
        },
    }


@dataclass
class Rollup:
    """Every figure of one roll-up (ministry.md), from the provinces as read."""

    as_of: dt.date
    fiscal_year: int
    round: int
    round_closed: bool
    provinces: list[ProvinceRead]  # registry order
    figures: dict[str, Figures]  # ok provinces only
    national: dict[str, Any]
    regions: dict[str, dict[str, Any]]
    rankings: dict[str, Ranking]
    notes: list[str] = field(default_factory=list)  # warnings for the console (e.g. no Drive permission)

    @property
    def counts(self) -> dict[str, int]:
        active = [p for p in self.provinces if p.outcome != "inactive"]
        ok = sum(1 for p in active if p.ok)
        return {"total": len(self.provinces), "ok": ok, "failed": len(active) - ok,
                "inactive": len(self.provinces) - len(active)}

    @property
    def failed(self) -> list[ProvinceRead]:
        return [p for p in self.provinces if p.outcome not in (OK, "inactive")]

    def to_json(self) -> dict[str, Any]:
        """`rollup-FY<fy>-R<round>.json` (ministry.md "JSON")."""
        by_province = {}
        for p in self.provinces:
            ranks = {key: r.rank_of(p.province) for key, r in self.rankings.items()} if p.ok else None
            by_province[p.province] = {
                "outcome": p.outcome, "reason": p.reason, "region": p.region, "office_name": p.office_name,
                "source": p.source, "modified": p.modified, "cached": p.cached,
                "results": p.results, "errors": p.errors, "warnings": p.warnings, "ranks": ranks,
            }
        return {
            "as_of": self.as_of.isoformat(),
            "fiscal_year": self.fiscal_year,
            "round": self.round,
            "round_closed": self.round_closed,
            "provinces": self.counts,
            "national": self.national,
            "regions": self.regions,
            "rankings": {key: [[name, r] for name, r, _ in ranking.entries] for key, ranking in self.rankings.items()},
            "best_practice": {key: [name for name, _, _ in ranking.top()] for key, ranking in self.rankings.items()},
            "needs_support": {key: [name for name, _, _ in ranking.bottom()] for key, ranking in self.rankings.items()},
            "by_province": by_province,
        }


def roll_up(
    provinces: Sequence[ProvinceRead],
    *,
    as_of: dt.date,
    fiscal_year: int,
    round_months: int,
    round_closed: bool,
    sop_target_pct: float = 80.0,
    notes: Sequence[str] = (),
) -> Rollup:
    """The national and regional figures and the four rankings over the `ok` provinces."""
    figures = {p.province: province_figures(p.results, round_months) for p in provinces if p.ok and p.results is not None}
    regions: dict[str, list[Figures]] = {}
    for p in provinces:  # every region of the registry, in its order; one without an ok province has empty figures
        group = regions.setdefault(p.region or NO_REGION, [])
        if p.province in figures:
            group.append(figures[p.province])
    rankings = {
        key: rank(key, [(name, get(f)) for name, f in figures.items()], higher_is_better=higher)
        for key, get, higher in RANKINGS
    }
    return Rollup(
        as_of=as_of,
        fiscal_year=fiscal_year,
        round=round_months,
        round_closed=round_closed,
        provinces=list(provinces),
        figures=figures,
        national=group_figures(list(figures.values()), sop_target_pct),
        regions={name: group_figures(group, sop_target_pct) for name, group in regions.items()},
        rankings=rankings,
        notes=list(notes),
    )
