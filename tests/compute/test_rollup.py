"""The ministry roll-up's pure parts (ministry.md "Figures"): quartiles, distributions, shared
ranks, the top and bottom five, pooled ratios and provinces not read."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from sheets_sync.compute.rollup import ProvinceRead, distribution, quartile_inc, rank, roll_up
from tests.conftest import AS_OF

BANDS = ("ดีเด่น", "ดีมาก", "ดี", "พอใช้", "ต้องปรับปรุง")


# --- the pure parts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([1, 2, 4, 7, 8, 9, 10, 12], Fraction(1, 4), Fraction(7, 2)),  # Excel's own QUARTILE.INC example: 3.5
        ([1, 2, 4, 7, 8, 9, 10, 12], Fraction(1, 2), Fraction(15, 2)),
        ([1, 2, 4, 7, 8, 9, 10, 12], Fraction(3, 4), Fraction(37, 4)),
        ([5], Fraction(1, 4), Fraction(5)),
        ([0.0, 100.0], Fraction(1, 4), Fraction(25)),
    ],
)
def test_quartile_inc_is_excels(values: list[float], q: Fraction, expected: Fraction) -> None:
    assert quartile_inc(values, q) == expected


def test_distribution_rounds_half_up_and_skips_missing_values() -> None:
    assert distribution([None, 41.665, 41.675, None]) == {"min": 41.67, "q1": 41.67, "median": 41.67, "q3": 41.67, "max": 41.68}
    assert distribution([None]) == dict.fromkeys(("min", "q1", "median", "q3", "max"))


@pytest.mark.parametrize(
    ("values", "higher", "expected"),
    [
        ([("a", 100.0), ("b", 90.0), ("c", 90.0), ("d", 80.0)], True, [("a", 1), ("b", 2), ("c", 2), ("d", 4)]),
        ([("a", 3.0), ("b", 1.0), ("c", 1.0), ("d", None)], False, [("b", 1), ("c", 1), ("a", 3)]),
        ([("a", None)], True, []),
    ],
)
def test_competition_ranking(values: list[tuple[str, float | None]], higher: bool, expected: list[tuple[str, int]]) -> None:
    assert [(n, r) for n, r, _ in rank("x", values, higher_is_better=higher).entries] == expected


@pytest.mark.parametrize(
    ("values", "higher", "top", "bottom"),
    [
        # a tie at 5th brings both in; the bottom is worst first, ties at its edge included too
        ([("a", 9.0), ("b", 8.0), ("c", 7.0), ("d", 6.0), ("e", 5.0), ("f", 5.0), ("g", 1.0)], True,
         ["a", "b", "c", "d", "e", "f"], ["g", "f", "e", "d", "c"]),
        ([("a", 1.0), ("b", 2.0), ("c", 2.0)], False, ["a", "b", "c"], ["c", "b", "a"]),
    ],
)
def test_top_and_bottom_five(values: list[tuple[str, float]], higher: bool, top: list[str], bottom: list[str]) -> None:
    ranking = rank("x", values, higher_is_better=higher)
    assert [n for n, _, _ in ranking.top()] == top
    assert [n for n, _, _ in ranking.bottom()] == bottom


def _read(name: str, outcome: str, results: dict[str, Any] | None, region: str = "ภาค") -> ProvinceRead:
    return ProvinceRead(name, region, name, f"{name}.xlsx", "", outcome, results=results)


def test_a_province_not_read_is_in_no_figure_and_a_pooled_ratio_is_no_mean_of_ratios() -> None:
    def doc(missions: int, with_sop: int, received: int, closed: int) -> dict[str, Any]:
        items = {f"M{i}": {"sop_status": "has" if i < with_sop else "none"} for i in range(missions)}
        return {
            "missions": {"count": missions, "sop_coverage_pct": round(with_sop / missions * 100, 2), "backup_coverage_pct": 50.0, "items": items},
            "plan": None, "kpis": None,
            "complaints": {"received": received, "closed": closed, "closed_pct": None, "overdue": 0,
                           "median_days_to_close": None, "sla_met": closed, "sla_met_pct": 100.0, "satisfaction_mean": None},
        }

    provinces = [
        _read("ก", "ok", doc(2, 2, 10, 1)),  # 100 % of 2 missions, 10 % closed
        _read("ข", "ok", doc(10, 0, 90, 90)),  # 0 % of 10 missions, 100 % closed
        _read("ค", "unreachable", None),
    ]
    result = roll_up(provinces, as_of=AS_OF, fiscal_year=2569, round_months=6, round_closed=True)
    national = result.national
    assert national["sop_coverage_pct"] == 16.67  # 2 of 12, not (100 + 0) / 2
    assert national["complaints"]["closed_pct"] == 91.0  # 91 of 100, not (10 + 100) / 2
    assert national["provinces"] == 2 and result.counts == {"total": 3, "ok": 2, "failed": 1, "inactive": 0}
    assert [n for n, _, _ in result.rankings["sop_coverage_pct"].entries] == ["ก", "ข"]
    assert national["kpi"]["mean_total"] is None and national["plan_status_counts"]["done"] is None  # no province has them: not 0
