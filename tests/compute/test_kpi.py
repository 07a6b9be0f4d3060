import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheets_sync.compute.kpi import band, score_kpi, score_kpis
from sheets_sync.core.fiscal import resolve_period
from sheets_sync.schema.parsers import NOT_ASSESSED

HIGHER = (80, 85, 90, 95, 100)
LOWER = (30, 25, 20, 15, 10)


@pytest.mark.parametrize(
    ("kind", "thresholds", "result", "score"),
    [
        ("higher", HIGHER, 92.5, 3.5),  # the worked example of rules.md
        ("lower", LOWER, 17, 3.6),
        ("milestone", None, 4, 4.0),
        ("higher", (60, 65, 70, 75, 80), 83, 5.0),
        ("higher", HIGHER, 100, 5.0),
        ("higher", HIGHER, 80, 1.0),  # x ≤ T1 → floor
        ("higher", HIGHER, 50, 1.0),
        ("higher", HIGHER, 85, 2.0),
        ("lower", LOWER, 10, 5.0),
        ("lower", LOWER, 30, 1.0),
        ("lower", LOWER, 45, 1.0),
        ("lower", LOWER, 25, 2.0),
        ("milestone", None, 0, 1.0),  # level 0 means floor
        ("milestone", None, 5, 5.0),
    ],
)
def test_score_kpi(kind, thresholds, result, score):
    assert score_kpi(kind, thresholds, result, floor=1.0) == pytest.approx(score)


def test_floor_setting():
    assert score_kpi("higher", HIGHER, 70, floor=0.0) == 0.0
    assert score_kpi("milestone", None, 0, floor=0.0) == 0.0


def _kpis(rows):
    cols = ["kpi_id", "name", "perspective", "level", "owner", "mission_id", "unit", "kind", "weight",
            "t1", "t2", "t3", "t4", "t5", "result_6", "result_9", "result_12", "row"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows], columns=cols, dtype=object)


WORKED = [
    ("K1", "disbursement %", "effectiveness", "section", "x", None, "%", "higher", 30.0, *HIGHER, 92.5, None, None, 2),
    ("K2", "days to close", "efficiency", "section", "x", None, "d", "lower", 20.0, *LOWER, 17.0, None, None, 3),
    ("K3", "SOP milestone", "development", "section", "x", None, "", "milestone", 25.0, None, None, None, None, None, 4.0, None, None, 4),
    ("K4", "satisfaction %", "quality", "section", "x", None, "%", "higher", 25.0, 60, 65, 70, 75, 80, 83.0, None, None, 5),
]


def test_worked_example_gives_exactly_the_spec_numbers():
    result = score_kpis(_kpis(WORKED), resolve_period(dt.date(2026, 3, 31)), floor=1.0)
    scores = [round(result.scores[k][6].score, 4) for k in ("K1", "K2", "K3", "K4")]
    assert scores == [3.5, 3.6, 4.0, 5.0]
    weighted = [round(result.scores[k][6].weighted, 4) for k in ("K1", "K2", "K3", "K4")]
    assert weighted == [1.05, 0.72, 1.0, 1.25]
    section = result.groups["ฝ่าย"][6]
    assert f"{section['total']:.4f}" == "4.0200" and f"{section['total_pct']:.2f}" == "80.40"
    # later rounds have not ended at 2026-03-31: no score, no warning
    assert result.scores["K1"][9].score is None and result.not_reported == []


def test_not_reported_scores_zero_and_not_assessed_renormalises():
    rows = [list(r) for r in WORKED]
    rows[0][14] = None  # K1 not reported in round 6, which has ended
    rows[3][14] = NOT_ASSESSED  # K4 not assessed
    result = score_kpis(_kpis(rows), resolve_period(dt.date(2026, 4, 1)), floor=1.0)
    assert result.scores["K1"][6].score == 0.0 and result.scores["K4"][6].score is None
    assert result.not_reported == [(2, 6)]
    # counted: K1 (30, score 0), K2 (20, 3.6), K3 (25, 4) → (0 + 72 + 100) / 75
    assert result.groups["ฝ่าย"][6]["total"] == pytest.approx(172 / 75)


def test_weights_not_summing_to_100_are_renormalised():
    rows = [list(r) for r in WORKED[:2]]  # weights 30 + 20 = 50
    result = score_kpis(_kpis(rows), resolve_period(dt.date(2026, 3, 31)))
    assert result.groups["ฝ่าย"][6]["total"] == pytest.approx((30 * 3.5 + 20 * 3.6) / 50)


def test_individual_groups_and_bands():
    rows = [
        ("P1", "a", "effectiveness", "individual", "นาย ก", None, "", "higher", 60.0, *HIGHER, 100.0, None, None, 2),
        ("P2", "b", "quality", "individual", "นาย ก", None, "", "milestone", 40.0, None, None, None, None, None, 4.0, None, None, 3),
    ]
    result = score_kpis(_kpis(rows), resolve_period(dt.date(2026, 3, 31)))
    group = result.groups["นาย ก"][6]
    assert group["total"] == pytest.approx(4.6) and group["total_pct"] == pytest.approx(92.0) and group["band"] == "ดีเด่น"
    assert "ฝ่าย" not in result.groups


def test_perspective_means_and_weight_shares():
    result = score_kpis(_kpis(WORKED), resolve_period(dt.date(2026, 3, 31)))
    assert result.perspectives["effectiveness"][6] == pytest.approx(3.5)
    assert result.perspective_weights == {"effectiveness": 30.0, "quality": 25.0, "efficiency": 20.0, "development": 25.0}


@pytest.mark.parametrize(("pct", "label"), [(90, "ดีเด่น"), (89.99, "ดีมาก"), (80, "ดีมาก"), (70, "ดี"), (60, "พอใช้"), (59.9, "ต้องปรับปรุง")])
def test_bands(pct, label):
    assert band(pct) == label


thresholds_up = st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=5, max_size=5, unique=True).map(sorted).filter(
    lambda t: all(b - a > 1e-6 for a, b in zip(t, t[1:]))
)
results = st.floats(-2e6, 2e6, allow_nan=False)


@given(thresholds_up, results, results, st.sampled_from([0.0, 1.0]))
def test_higher_is_monotone_and_bounded(t, a, b, floor):
    low, high = sorted((a, b))
    s_low, s_high = score_kpi("higher", t, low, floor), score_kpi("higher", t, high, floor)
    assert floor <= s_low <= s_high <= 5


@given(thresholds_up, results, results, st.sampled_from([0.0, 1.0]))
def test_lower_is_monotone_and_bounded(t, a, b, floor):
    down = list(reversed(t))
    low, high = sorted((a, b))
    s_low, s_high = score_kpi("lower", down, low, floor), score_kpi("lower", down, high, floor)
    assert floor <= s_high <= s_low <= 5
