"""Thai dates, digits and durations for output (rules.md: `31 มีนาคม 2569`, `31 มี.ค. 69`)."""

from __future__ import annotations

import datetime as dt

MONTHS_LONG = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)
MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)
_TO_THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
TIME_UNITS_TH = {"days": "วัน", "hours": "ชั่วโมง", "minutes": "นาที"}


def thai_digits(text: str) -> str:
    return text.translate(_TO_THAI)


def digits(text: str, thai: bool) -> str:
    return thai_digits(text) if thai else text


def thai_date(day: dt.date, *, thai: bool = False) -> str:
    """`31 มีนาคม 2569`."""
    return digits(f"{day.day} {MONTHS_LONG[day.month - 1]} {day.year + 543}", thai)


def thai_date_short(day: dt.date, *, thai: bool = False) -> str:
    """`31 มี.ค. 69`."""
    return digits(f"{day.day} {MONTHS_SHORT[day.month - 1]} {(day.year + 543) % 100:02d}", thai)


def thai_month_year(year: int, month: int, *, thai: bool = False) -> str:
    """`ต.ค. 68` for a fiscal-month column."""
    return digits(f"{MONTHS_SHORT[month - 1]} {(year + 543) % 100:02d}", thai)


def as_of_line(as_of: dt.date, fiscal_year: int, round_months: int, *, in_progress: bool = False, thai: bool = False) -> str:
    """`ข้อมูล ณ วันที่ 31 มีนาคม 2569 · ปีงบประมาณ 2569 · รอบ 6 เดือน`."""
    round_text = f"รอบ {round_months} เดือน" + (" (อยู่ระหว่างดำเนินการ)" if in_progress else "")
    return digits(f"ข้อมูล ณ วันที่ {thai_date(as_of)} · ปีงบประมาณ {fiscal_year} · {round_text}", thai)


def format_duration(parts: dict[str, float], *, thai: bool = False) -> str:
    """`2 วัน 3 ชั่วโมง 30 นาที`: per unit, never converted (a working day is not 24 hours)."""
    shown = []
    for unit in ("days", "hours", "minutes"):
        amount = parts.get(unit, 0)
        if amount:
            number = f"{amount:g}" if isinstance(amount, float) else str(amount)
            shown.append(f"{number} {TIME_UNITS_TH[unit]}")
    return digits(" ".join(shown), thai) if shown else "-"
