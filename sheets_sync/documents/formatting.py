"""How a document prints numbers and dates: the spec's decimals, rounded half up, Thai digits
when the office wants them. Every number a document prints goes through one `Formatter`."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from ..compute.missions import MissionResult
from ..compute.rounding import half_up
from ..core.thai_dates import digits, thai_date
from ..core.vocabulary import DURATION_ORDER, MISSION_CATEGORIES, TIME_UNITS, choice_label

MISSING = "-"
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean_text(value: object) -> str:
    """Sheet text made safe for Word: no XML-illegal control characters, newlines kept.

    docxtpl turns `\\n` into a line break, `\\t` into a tab and `\\a`/`\\f` into new paragraphs
    and pages; a sheet cell must not do the last two, so they go with the other controls.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):  # pandas leaves NaN for empty cells
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _XML_ILLEGAL.sub("", text.replace("\a", "").replace("\f", ""))


@dataclass(frozen=True)
class Formatter:
    thai: bool  # Thai digits (๐–๙) instead of 0–9

    def text(self, text: str) -> str:
        """Any text the tool writes (not sheet text) with its digits converted."""
        return digits(text, self.thai)

    def sheet(self, value: object) -> str:
        """Sheet text printed in a sentence or a name cell: made safe for Word, and its digits
        follow the setting like the tool's own (an id is printed as written, with `clean_text`)."""
        return self.text(clean_text(value))

    def count(self, value: float | int | None) -> str:
        """`1,234`."""
        return MISSING if value is None else self.text(f"{int(value):,}")

    def fixed(self, value: float | None, places: int) -> str:
        """`places` decimals, rounded half up, thousands separated: `1,250,000.00`."""
        return MISSING if value is None else self.text(f"{half_up(float(value), places):,.{places}f}")

    def pct(self, value: float | None) -> str:
        """A percentage 0–100 to 2 decimals: `80.40`."""
        return self.fixed(value, 2)

    def score(self, value: float | None) -> str:
        """A score to 4 decimals: `3.5000`."""
        return self.fixed(value, 4)

    def money(self, value: float | None) -> str:
        """Baht: `1,250,000.00`."""
        return self.fixed(value, 2)

    def baht(self, value: float | None) -> str:
        """Baht in running text: whole baht without satang (`3,405,000`), else `1,250.50`."""
        whole = value is not None and half_up(float(value), 2) % 1 == 0
        return self.fixed(value, 0) if whole else self.money(value)

    def days(self, value: float | None) -> str:
        """Days (and progress points) to 1 decimal: `13.2`."""
        return self.fixed(value, 1)

    def plain(self, value: float | int | None) -> str:
        """A number as written, without trailing zeros: `7.5`, `30`."""
        if value is None:
            return MISSING
        return self.text(f"{value:g}" if isinstance(value, float) else str(value))

    def date(self, value: dt.date | None) -> str:
        """`31 มีนาคม 2569`; anything that is not a date (None, a pandas NaN) prints as missing."""
        return thai_date(value, thai=self.thai) if isinstance(value, dt.date) else MISSING

    def duration(self, parts: dict[str, float]) -> str:
        """A standard time per unit, largest first: `2 วัน 3 ชั่วโมง 30 นาที` (compute carried
        the minutes into hours already)."""
        shown = [f"{self.plain(parts[unit])} {choice_label(TIME_UNITS, unit)}" for unit in DURATION_ORDER if parts.get(unit)]
        return " ".join(shown) or MISSING

    def number_word(self, number: int) -> str:
        """A section number in the template (`{{ num(3) }}`)."""
        return self.text(str(number))


def coverage_rows(missions: MissionResult, fmt: Formatter) -> tuple[list[dict[str, str]], dict[str, str]]:
    """Per mission category: missions, with a manual, and the coverage %; and the total row."""
    counts = missions.category_counts()
    rows = [
        {"name": category.th, "count": fmt.count(counts[category.key][0]), "with_sop": fmt.count(counts[category.key][1]),
         "pct": fmt.pct(missions.sop_coverage_by_category.get(category.key))}
        for category in MISSION_CATEGORIES
    ]  # fmt: skip
    total = {"count": fmt.count(missions.count), "with_sop": fmt.count(missions.with_sop_count), "pct": fmt.pct(missions.sop_coverage_pct)}
    return rows, total
