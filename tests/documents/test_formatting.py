"""How documents print numbers and dates: the spec's decimals, half up, optional Thai digits."""

from __future__ import annotations

import datetime as dt

import pytest

from sheets_sync.documents.formatting import Formatter

ARABIC, THAI = Formatter(False), Formatter(True)


@pytest.mark.parametrize(
    ("method", "value", "arabic", "thai"),
    [
        ("score", 3.5, "3.5000", "๓.๕๐๐๐"),
        ("score", 4.019999999999999, "4.0200", "๔.๐๒๐๐"),
        ("score", None, "-", "-"),
        ("pct", 2.675, "2.68", "๒.๖๘"),  # half up on the decimal a person sees (round() gives 2.67)
        ("pct", 80.4, "80.40", "๘๐.๔๐"),
        ("pct", 100.0, "100.00", "๑๐๐.๐๐"),
        ("money", 3405000.0, "3,405,000.00", "๓,๔๐๕,๐๐๐.๐๐"),
        ("days", 13.25, "13.3", "๑๓.๓"),
        ("count", 1234, "1,234", "๑,๒๓๔"),
        ("plain", 7.5, "7.5", "๗.๕"),
        ("plain", 30, "30", "๓๐"),
        ("date", dt.date(2026, 3, 31), "31 มีนาคม 2569", "๓๑ มีนาคม ๒๕๖๙"),
        ("date", None, "-", "-"),
        ("date", float("nan"), "-", "-"),  # an empty date cell as pandas keeps it
    ],
)
def test_formatter(method: str, value: object, arabic: str, thai: str) -> None:
    assert getattr(ARABIC, method)(value) == arabic
    assert getattr(THAI, method)(value) == thai


def test_section_numbers_follow_the_digits_setting() -> None:
    assert (ARABIC.number_word(10), THAI.number_word(10)) == ("10", "๑๐")
