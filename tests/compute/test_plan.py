import datetime as dt

import pandas as pd
import pytest

from sheets_sync.compute.plan import expected_progress, follow_up_plan, plan_status

D = dt.date
START, END = D(2026, 1, 1), D(2026, 1, 10)  # 10 inclusive days


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [(D(2025, 12, 31), 0.0), (D(2026, 1, 1), 10.0), (D(2026, 1, 5), 50.0), (D(2026, 1, 9), 90.0), (D(2026, 1, 10), 100.0), (D(2026, 1, 11), 100.0)],
)
def test_expected_progress_counts_inclusive_days(as_of, expected):
    assert expected_progress(START, END, as_of) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("progress", "as_of", "status"),
    [
        (0, D(2025, 12, 31), "not_yet_due"),  # the day before start
        (30, D(2025, 12, 31), "not_yet_due"),
        (0, D(2026, 1, 1), "not_started"),  # start day
        (100, D(2025, 12, 31), "done"),  # done wins over everything
        (100, D(2026, 1, 11), "done"),
        (99, D(2026, 1, 10), "on_track"),  # end day: expected 100, within tolerance
        (89, D(2026, 1, 10), "behind"),
        (90, D(2026, 1, 10), "on_track"),  # tolerance edge: exactly expected − 10
        (40, D(2026, 1, 5), "on_track"),  # expected 50, tolerance 10
        (39.9, D(2026, 1, 5), "behind"),
        (99, D(2026, 1, 11), "overdue"),  # the day after end
        (0, D(2026, 1, 11), "overdue"),
    ],
)
def test_status_boundaries(progress, as_of, status):
    assert plan_status(progress, START, END, as_of, 10) == status


def _plan(rows):
    cols = ["activity_id", "mission_id", "activity", "strategy_id", "planned_start", "planned_end", "budget", "owner",
            "progress", "actual_end", "problems", "risks", "row"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows], columns=cols, dtype=object)


def test_follow_up_totals_and_alignment():
    plan = _plan([
        ("A1", "M1", "a", None, START, END, 1000.0, "x", 100.0, D(2026, 1, 12), None, None, 2),
        ("A2", "M1", "b", "S9", START, END, None, "x", 20.0, None, None, None, 3),
        ("A3", "M2", "c", None, D(2026, 2, 1), D(2026, 2, 28), 500.0, "x", 0.0, None, None, None, 4),
    ])
    missions = pd.DataFrame({"mission_id": ["M1", "M2"], "strategy_id": ["S1", None]}, dtype=object)
    result = follow_up_plan(plan, missions, {"S1"}, D(2026, 1, 5), 10)
    by_id = result.activities.set_index("activity_id")
    assert by_id.loc["A1", "status"] == "done" and by_id.loc["A1", "late_finish"] == 2
    assert by_id.loc["A2", "status"] == "behind" and by_id.loc["A2", "gap"] == -30.0
    assert by_id.loc["A3", "status"] == "not_yet_due"
    assert result.status_counts == {"done": 1, "on_track": 0, "behind": 1, "overdue": 0, "not_started": 0, "not_yet_due": 1}
    assert result.budget_total == 1500.0 and result.budget_by_status["done"] == 1000.0
    # A1 inherits S1 from its mission; A2's S9 is not a strategy; A3's mission has none
    assert result.strategy_alignment_pct == 33.33


def test_expected_and_gap_round_half_up_but_status_uses_unrounded():
    # 3 of 8 days elapsed: expected 37.5 exactly → shown 37.5; 1 of 3 days → 33.333.. → 33.3
    plan = _plan([("A1", "M1", "a", None, D(2026, 1, 1), D(2026, 1, 3), None, "x", 23.4, None, None, None, 2)])
    result = follow_up_plan(plan, pd.DataFrame({"mission_id": [], "strategy_id": []}, dtype=object), set(), D(2026, 1, 1), 10)
    row = result.activities.iloc[0]
    assert (row["expected_pct"], row["gap"], row["status"]) == (33.3, -9.9, "on_track")


def test_expected_progress_rounds_the_exact_value_half_up():
    # an 80-day activity on its 23rd day: exactly 28.75 % → 28.8 (float arithmetic gives 28.7)
    start = D(2026, 1, 1)
    plan = _plan([("A1", "M1", "a", None, start, start + dt.timedelta(days=79), None, "x", 0.0, None, None, None, 2)])
    result = follow_up_plan(plan, pd.DataFrame({"mission_id": [], "strategy_id": []}, dtype=object), set(), start + dt.timedelta(days=22), 10)
    assert result.activities.iloc[0]["expected_pct"] == 28.8


def test_status_shares_for_the_memo():
    plan = _plan([
        ("A1", "M1", "a", None, START, END, None, "x", 100.0, D(2026, 1, 12), None, None, 2),
        ("A2", "M1", "b", None, START, END, None, "x", 20.0, None, None, None, 3),
        ("A3", "M1", "c", None, START, END, None, "x", 25.0, None, None, None, 4),
    ])
    missions = pd.DataFrame({"mission_id": ["M1"], "strategy_id": [None]}, dtype=object)
    result = follow_up_plan(plan, missions, set(), D(2026, 1, 5), 10)
    assert result.count == 3
    assert (result.status_pct("done"), result.status_pct("behind"), result.status_pct("overdue")) == (33.33, 66.67, 0.0)
    empty = follow_up_plan(plan.iloc[0:0], missions, set(), D(2026, 1, 5), 10)
    assert empty.status_pct("done") is None
