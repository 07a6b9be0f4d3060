"""Rounding as the spec says: half up, on the exact value (never on a binary float's noise).

Ratios are computed as exact fractions and rounded once: 23 closed of 160 received is exactly
14.375 %, which rounds half up to 14.38 (float arithmetic gives 14.374999… and 14.37).
"""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pandas as pd

Exact = float | int | Fraction | Decimal


def _decimal(value: Exact) -> Decimal:
    if isinstance(value, Fraction):
        with localcontext() as ctx:
            ctx.prec = 40
            return Decimal(value.numerator) / Decimal(value.denominator)
    if isinstance(value, float):
        return Decimal(repr(value))  # the decimal a person typed or sees, not the binary expansion
    return Decimal(value)


def half_up(value: Exact | None, places: int) -> float | None:
    """`half_up(2.675, 2) == 2.68`; negatives round away from zero (`-2.25 → -2.3`)."""
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-places)
    return float(_decimal(value).quantize(quantum, rounding=ROUND_HALF_UP))


def exact(value: float | int) -> Fraction:
    """A cell's number as the exact decimal it shows (`23.4` is 234/10, not 23.39999…)."""
    return Fraction(Decimal(repr(value))) if isinstance(value, float) else Fraction(value)


def pct(part: Exact, whole: Exact, places: int = 2) -> float | None:
    """part / whole × 100, exactly, rounded half up once; None when there is nothing to divide by."""
    if not whole:
        return None
    return half_up(Fraction(_decimal(part)) * 100 / Fraction(_decimal(whole)), places)


def mean(values: list[float] | list[int], places: int) -> float | None:
    """The exact mean, rounded half up; None for no values."""
    if not values:
        return None
    if all(type(v) is int for v in values):  # whole numbers (days) sum exactly as ints
        return half_up(Fraction(sum(values), len(values)), places)
    # each distinct value (by type and value: equal floats show alike) made exact once
    counts = Counter(zip(map(type, values), values))
    return half_up(sum((exact(v) * n for (_, v), n in counts.items()), Fraction(0)) / len(values), places)


def object_frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    """A table that keeps None as None (pandas 3 would infer a string dtype and turn None into NaN)."""
    return pd.DataFrame({c: pd.Series([r.get(c) for r in rows], dtype=object) for c in columns})


def records(frame: pd.DataFrame) -> list[dict]:
    """`frame.to_dict("records")`, column by column (pandas boxes every cell one by one; a table of
    Python objects needs no boxing, and `tolist` gives numpy numbers as Python numbers the same)."""
    columns = list(frame.columns)
    return [dict(zip(columns, values)) for values in zip(*(frame[c].tolist() for c in columns))]
