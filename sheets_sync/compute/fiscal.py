"""Moved to `sheets_sync.fiscal` (the bottom layer, so the schema's as-of rules can use it); kept
as a re-export so imports keep working."""

from ..fiscal import Period, fiscal_months, fiscal_year_of, fiscal_year_span, resolve_period, round_end  # noqa: F401
