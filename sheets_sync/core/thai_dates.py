"""Thai dates, digits and durations (rules.md: `31 มีนาคม 2569`, `31 มี.ค. 69`).

The bottom layer: the schema reads Thai digits with it, compute formats a standard time, present,
documents and backends write dates. Month names, digits and units are the vocabulary's.
"""

from __future__ import annotations

import datetime as dt

from .vocabulary import BE_OFFSET, DURATION_ORDER, MONTHS_LONG, MONTHS_SHORT, THAI_DIGITS, TIME_UNITS, choice_label

TIME_ZONE = "Asia/Bangkok"
BANGKOK = dt.timezone(dt.timedelta(hours=7), TIME_ZONE)  # Thailand keeps no summer time: one fixed offset


def now_in_bangkok() -> dt.datetime:
    """The time now in Thailand (only the process edge and the run log read the clock)."""
    return dt.datetime.now(BANGKOK)


_TO_THAI = str.maketrans("0123456789", THAI_DIGITS)
_TO_ASCII = str.maketrans(THAI_DIGITS, "0123456789")


def thai_digits(text: str) -> str:
    return text.translate(_TO_THAI)


def to_ascii_digits(text: str) -> str:
    return text.translate(_TO_ASCII)


def digits(text: str, thai: bool) -> str:
    return thai_digits(text) if thai else text


def be_year(year: int) -> int:
    """The Buddhist Era year of a CE year."""
    return year + BE_OFFSET


def thai_date(day: dt.date, *, thai: bool = False) -> str:
    """`31 มีนาคม 2569`."""
    return digits(f"{day.day} {MONTHS_LONG[day.month - 1]} {be_year(day.year)}", thai)


def thai_date_short(day: dt.date, *, thai: bool = False) -> str:
    """`31 มี.ค. 69`."""
    return digits(f"{day.day} {MONTHS_SHORT[day.month - 1]} {be_year(day.year) % 100:02d}", thai)


def thai_month_year(year: int, month: int, *, thai: bool = False) -> str:
    """`ต.ค. 68` for a fiscal-month column."""
    return digits(f"{MONTHS_SHORT[month - 1]} {be_year(year) % 100:02d}", thai)


def as_of_line(as_of: dt.date, fiscal_year: int, round_months: int, *, in_progress: bool = False, thai: bool = False) -> str:
    """`ข้อมูล ณ วันที่ 31 มีนาคม 2569 · ปีงบประมาณ 2569 · รอบ 6 เดือน`."""
    round_text = f"รอบ {round_months} เดือน" + (" (อยู่ระหว่างดำเนินการ)" if in_progress else "")
    return digits(f"ข้อมูล ณ วันที่ {thai_date(as_of)} · ปีงบประมาณ {fiscal_year} · {round_text}", thai)


def format_duration(parts: dict[str, float], *, thai: bool = False) -> str:
    """`2 วัน 3 ชั่วโมง 30 นาที`: per unit, never converted (a working day is not 24 hours)."""
    shown = []
    for unit in DURATION_ORDER:
        amount = parts.get(unit, 0)
        if amount:
            number = f"{amount:g}" if isinstance(amount, float) else str(amount)
            shown.append(f"{number} {choice_label(TIME_UNITS, unit)}")
    return digits(" ".join(shown), thai) if shown else "-"
