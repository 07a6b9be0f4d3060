"""Rounding as the spec says: half up, on the decimal value a person sees (not binary floats)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def half_up(value: float | None, places: int) -> float | None:
    """`half_up(2.675, 2) == 2.68` (Python's round gives 2.67)."""
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def pct(part: float, whole: float, places: int = 2) -> float | None:
    """part / whole × 100, rounded half up; None when there is nothing to divide by."""
    if not whole:
        return None
    return half_up(part / whole * 100, places)
