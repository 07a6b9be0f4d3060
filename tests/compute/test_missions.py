import datetime as dt

import pandas as pd
import pytest

from sheets_sync.compute.missions import carry_minutes, manual_state, summarize_missions

D = dt.date


def _frame(cols, rows):
    return pd.DataFrame([dict(zip(cols, r)) for r in rows], columns=cols, dtype=object)


MISSIONS = _frame(
    ["mission_id", "name", "category", "legal_basis", "owner", "backup", "sop_status", "sop_reviewed", "strategy_id", "row"],
    [
        ("M1", "a", "legal", "law", "นาย ก", "นาย ข", "has", D(2025, 1, 1), None, 2),
        ("M2", "b", "routine", None, "นาย ก", "นาย ก", "drafting", None, None, 3),
        ("M3", "c", "routine", None, "นาย ค", None, "has", None, None, 4),
    ],
)
STEPS = _frame(
    ["mission_id", "step_no", "step", "step_type", "responsible", "duration", "time_unit", "control", "forms", "row"],
    [
        ("M1", 1.0, "s1", "terminal", "x", 2.0, "days", None, None, 2),
        ("M1", 2.0, "s2", "process", "x", 3.0, "hours", None, None, 3),
        ("M1", 3.0, "s3", "process", "x", 1.0, "days", None, None, 4),
        ("M1", 4.0, "s4", "terminal", "x", 30.0, "minutes", None, None, 5),
        ("M2", 1.0, "s1", "process", "x", 1.5, "hours", None, None, 6),
    ],
)
INFO = _frame(["mission_id", "objective", "scope", "definitions", "references", "version", "row"], [("M1", "o", None, None, None, "1", 2)])
STAFF = _frame(["name", "position", "can_do", "training", "row"], [("นาย ง", None, ("M2",), None, 2), ("นาย ก", None, ("M1",), None, 3)])
PLAN = _frame(["mission_id"], [("M1",)])


def test_mission_coverage():
    result = summarize_missions(MISSIONS, STEPS, INFO, STAFF, PLAN, D(2026, 3, 31), 365)
    assert result.count == 3
    assert result.sop_coverage_pct == 66.67
    assert result.sop_coverage_by_category == {"legal": 100.0, "routine": 50.0, "policy": None}
    assert result.backup_coverage_pct == 33.33  # only M1 has a backup who is someone else
    assert result.plan_linked_pct == 33.33
    rows = result.missions.set_index("mission_id")
    assert rows.loc["M1", "standard_time"] == "3 วัน 3 ชั่วโมง 30 นาที"  # never converted across units
    assert bool(rows.loc["M1", "sop_ready"]) and not rows.loc["M2", "sop_ready"]
    assert rows.loc["M2", "missing"] == ["ยังไม่มีข้อความคู่มือในแท็บ คู่มือ", "มีขั้นตอนน้อยกว่า 2 ขั้นตอนในแท็บ ขั้นตอนงาน"]
    assert rows.loc["M1", "sop_review_due"]  # reviewed 454 days before as-of
    assert rows.loc["M3", "sop_review_due"]  # has a manual, never reviewed
    assert not rows.loc["M2", "sop_review_due"]
    assert rows.loc["M2", "capable_staff"] == ["นาย ก", "นาย ง"]
    assert result.single_point_of_failure == ["M3"]


def test_counts_the_documents_print():
    result = summarize_missions(MISSIONS, STEPS, INFO, STAFF, PLAN, D(2026, 3, 31), 365)
    assert (result.with_sop_count, result.ready_count) == (2, 1)
    assert result.category_counts() == {"legal": (1, 1), "routine": (2, 1), "policy": (0, 0)}
    rows = result.missions.set_index("mission_id")
    assert rows.loc["M2", "missing_codes"] == ["no_manual_text", "too_few_steps"]
    assert rows.loc["M1", "missing_codes"] == []
    # M1 ready and registered "has": in use; M2 has a step but is not ready: a draft; M3 no steps
    assert list(rows["manual_state"]) == ["ready", "draft", "none"]
    assert result.manual_counts() == {"ready": 1, "draft": 1, "none": 1}


def test_a_ready_manual_not_yet_registered_is_a_draft():
    assert manual_state(4, True, "drafting") == "draft"
    assert manual_state(4, True, "has") == "ready"
    assert manual_state(0, False, "has") == "none"


@pytest.mark.parametrize(
    ("parts", "carried"),
    [
        ({"hours": 2, "minutes": 60}, {"hours": 3}),  # rules.md: 2 ชั่วโมง 60 นาที is 3 ชั่วโมง
        ({"minutes": 150}, {"hours": 2, "minutes": 30}),
        ({"days": 1, "minutes": 59}, {"days": 1, "minutes": 59}),
        ({"days": 2, "hours": 30, "minutes": 90.5}, {"days": 2, "hours": 31, "minutes": 30.5}),  # hours never into days
    ],
)
def test_minutes_carry_into_hours(parts, carried):
    assert carry_minutes(parts) == carried


def test_standard_time_carries_minutes():
    steps = _frame(list(STEPS.columns), [
        ("M1", 1.0, "s1", "process", "x", 45.0, "minutes", None, None, 2),
        ("M1", 2.0, "s2", "process", "x", 2.0, "hours", None, None, 3),
        ("M1", 3.0, "s3", "process", "x", 15.0, "minutes", None, None, 4),
    ])  # fmt: skip
    rows = summarize_missions(MISSIONS, steps, INFO, STAFF, PLAN, D(2026, 3, 31), 365).missions.set_index("mission_id")
    assert rows.loc["M1", "standard_time_parts"] == {"hours": 3}
    assert rows.loc["M1", "standard_time"] == "3 ชั่วโมง"
