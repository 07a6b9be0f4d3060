"""Moved to `sheets_sync.thai_dates` (the bottom layer); kept as a re-export so imports keep working."""

from ..thai_dates import as_of_line, digits, format_duration, thai_date, thai_date_short, thai_digits, thai_month_year  # noqa: F401
from ..vocabulary import MONTHS_LONG, MONTHS_SHORT, TIME_UNITS  # noqa: F401

# deprecated: documents still import this (documents/sop.py); the label of a unit is vocabulary.TIME_UNITS
TIME_UNITS_TH = {c.key: c.th for c in TIME_UNITS}
