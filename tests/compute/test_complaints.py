import datetime as dt

import pandas as pd

from sheets_sync.compute.complaints import summarize_complaints
from sheets_sync.core.fiscal import resolve_period
from tests.conftest import AS_OF

D = dt.date
COLS = ["case_id", "received", "channel", "category", "district", "subject", "complainant", "national_id", "phone",
        "assigned_to", "status", "closed", "satisfaction", "feedback", "row"]


def _cases(rows):
    full = []
    for n, (case_id, received, status, closed, satisfaction) in enumerate(rows, start=2):
        full.append(dict(zip(COLS, [case_id, received, "hotline", "ที่ดิน", "บ้านนา", "s", "นาย ก", "1", "081", "อำเภอ",
                                    status, closed, satisfaction, None, n])))
    return pd.DataFrame(full, columns=COLS, dtype=object)


CASES = _cases([
    ("C1", D(2025, 10, 5), "closed", D(2025, 10, 10), 5.0),  # 5 days, this year
    ("C2", D(2025, 11, 1), "closed", D(2025, 11, 21), 3.0),  # 20 days: SLA missed
    ("C3", D(2026, 3, 1), "in_progress", None, None),  # open 30 days: overdue
    ("C4", D(2026, 3, 25), "received", None, None),  # open 6 days
    ("C5", D(2026, 3, 20), "closed", D(2026, 4, 2), 4.0),  # closed after as-of: open at as-of
    ("C6", D(2025, 9, 1), "closed", D(2025, 10, 1), None),  # closed on 1 Oct: carried over, closed this year
    ("C7", D(2025, 8, 1), "closed", D(2025, 9, 30), None),  # closed before FY start: out of scope
    ("C8", D(2025, 7, 1), "forwarded", None, None),  # carried over, still open: overdue
    ("C9", D(2026, 4, 5), "received", None, None),  # received after as-of: out of scope
])


def test_year_figures():
    result = summarize_complaints(CASES, resolve_period(AS_OF), sla_days=15)
    f = result.figures
    assert (f["received"], f["closed"], f["open"]) == (5, 2, 3)
    assert (f["carried_over"], f["carried_over_closed"]) == (2, 1)
    assert f["closed_pct"] == 40.0
    assert f["overdue"] == 2  # C3 and C8
    assert (f["mean_days_to_close"], f["median_days_to_close"], f["sla_met_pct"]) == (12.5, 12.5, 50.0)
    # satisfaction over cases received this year with a value: C1 5, C2 3, C5 4
    assert (f["satisfaction_mean"], f["satisfied_pct"], f["responses"]) == (4.0, 66.67, 3)


def test_closed_after_as_of_counts_in_progress():
    result = summarize_complaints(CASES, resolve_period(AS_OF))
    assert result.by_status == {"received": 1, "forwarded": 0, "in_progress": 2, "closed": 2}


def test_by_month_counts_received_this_year_and_closed_of_both_scopes():
    result = summarize_complaints(CASES, resolve_period(AS_OF))
    assert list(result.by_month)[0] == "2025-10" and list(result.by_month)[-1] == "2026-09"
    assert result.by_month["2025-10"] == {"received": 1, "closed": 2}  # C1 closed + carried-over C6 closed on 1 Oct
    assert result.by_month["2026-03"] == {"received": 3, "closed": 0}
    assert result.by_month["2026-04"] == {"received": 0, "closed": 0}  # C5 closes after as-of


def test_overdue_list_has_no_personal_data():
    result = summarize_complaints(CASES, resolve_period(AS_OF))
    assert list(result.overdue_cases["case_id"]) == ["C8", "C3"]  # longest open first
    assert list(result.overdue_cases.columns) == ["case_id", "received", "days_open", "category", "district", "assigned_to", "status"]
    document = str(result.to_json())
    assert "นาย ก" not in document and "081" not in document


def test_no_cases_gives_nulls_not_zero_division():
    result = summarize_complaints(_cases([]), resolve_period(AS_OF))
    assert result.figures["received"] == 0 and result.figures["closed_pct"] is None
    assert result.figures["mean_days_to_close"] is None


def test_as_of_after_the_fiscal_year_counts_only_that_year():
    """The 12-month report is run in October: cases of the new year are out of scope."""
    cases = _cases([
        ("C1", D(2026, 9, 20), "closed", D(2026, 10, 2), 5.0),  # closed in the next FY's first days
        ("C2", D(2026, 10, 5), "received", None, None),  # next fiscal year: out of scope
    ])
    period = resolve_period(D(2026, 10, 10), fiscal_year=2569, round_months=12)
    assert period.as_of == D(2026, 9, 30)  # the year as it stood at its end
    result = summarize_complaints(cases, period)
    assert (result.figures["received"], result.figures["closed"], result.figures["open"]) == (1, 0, 1)
    assert list(result.by_month)[-1] == "2026-09" and result.by_month["2026-09"] == {"received": 1, "closed": 0}


def test_percentages_round_half_up_on_the_exact_value():
    rows = [(f"C{n}", D(2025, 10, 2), "closed" if n < 23 else "received", D(2025, 10, 3) if n < 23 else None, None) for n in range(160)]
    result = summarize_complaints(_cases(rows), resolve_period(D(2025, 10, 5)))
    assert result.figures["closed_pct"] == 14.38  # 23/160 = 14.375 exactly (floats give 14.37)
