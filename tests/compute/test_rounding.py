"""The exact mean (compute/rounding.py) counts each distinct value once and gives the mean of
every value, exactly: the same as adding them one by one."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from sheets_sync.compute.rounding import exact, half_up, mean


def _one_by_one(values: list, places: int) -> float | None:
    return half_up(sum((exact(v) for v in values), Fraction(0)) / len(values), places)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_mean_of_repeated_values_is_the_mean_of_every_value(seed: int) -> None:
    rng = random.Random(seed)
    shown = [1, 2, 3, 4, 5, 2.5, 4.75, 0.1, 0.2, 23.4, 1e-7, -0.0, 0.0, 3.0]
    values = [rng.choice(shown) for _ in range(5000)]
    assert mean(values, 2) == _one_by_one(values, 2)
    assert mean(values, 4) == _one_by_one(values, 4)


def test_mean_keeps_what_each_number_shows() -> None:
    # 0.1 shows as 0.1 (1/10), not its binary value: three of them and 0.15 mean 0.1125 -> 0.113
    assert mean([0.1, 0.1, 0.1, 0.15], 3) == 0.113
    assert mean([2, 3], 1) == 2.5 and mean([], 2) is None
