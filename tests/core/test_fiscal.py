import datetime as dt

import pytest

from sheets_sync.core.errors import ConfigError
from sheets_sync.core.fiscal import fiscal_months, fiscal_year_of, fiscal_year_span, resolve_period, round_end

D = dt.date


@pytest.mark.parametrize(
    ("day", "fiscal_year"),
    [(D(2025, 9, 30), 2568), (D(2025, 10, 1), 2569), (D(2026, 3, 31), 2569), (D(2026, 9, 30), 2569), (D(2026, 10, 1), 2570)],
)
def test_fiscal_year_boundaries(day, fiscal_year):
    assert fiscal_year_of(day) == fiscal_year


def test_fiscal_year_span_is_named_by_its_end():
    assert fiscal_year_span(2569) == (D(2025, 10, 1), D(2026, 9, 30))


@pytest.mark.parametrize(("months", "end"), [(3, D(2025, 12, 31)), (6, D(2026, 3, 31)), (9, D(2026, 6, 30)), (12, D(2026, 9, 30))])
def test_round_ends_on_last_day_of_month_n(months, end):
    assert round_end(2569, months) == end


@pytest.mark.parametrize(
    ("as_of", "round_", "closed"),
    [
        (D(2026, 3, 30), 6, False),  # before the first round ends: round 6 in progress
        (D(2026, 3, 31), 6, True),
        (D(2026, 6, 29), 6, True),
        (D(2026, 6, 30), 9, True),
        (D(2026, 9, 30), 12, True),
        (D(2025, 10, 1), 6, False),
    ],
)
def test_round_inferred_from_as_of(as_of, round_, closed):
    period = resolve_period(as_of)
    assert (period.round, period.round_closed) == (round_, closed)


def test_round_and_fiscal_year_options_win():
    period = resolve_period(D(2026, 11, 24), (6, 9, 12), fiscal_year=2569, round_months=9)
    assert (period.fiscal_year, period.round, period.round_closed) == (2569, 9, True)


def test_round_3_when_enabled():
    assert resolve_period(D(2026, 1, 5), (3, 6, 9, 12)).round == 3


def test_unknown_round_is_a_config_error():
    with pytest.raises(ConfigError):
        resolve_period(D(2026, 3, 31), (6, 9, 12), round_months=3)


def test_fiscal_months_start_in_october():
    months = fiscal_months(2569)
    assert months[0] == (2025, 10) and months[-1] == (2026, 9) and len(months) == 12


def test_a_past_fiscal_year_is_reported_as_it_stood_at_its_end():
    period = resolve_period(D(2026, 11, 24), (6, 9, 12), fiscal_year=2569)
    assert (period.as_of, period.round, period.round_closed) == (D(2026, 9, 30), 12, True)


def test_a_fiscal_year_that_has_not_started_is_refused():
    with pytest.raises(ConfigError):
        resolve_period(D(2026, 3, 31), (6, 9, 12), fiscal_year=2570)
