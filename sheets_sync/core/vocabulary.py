"""The domain's vocabulary, written down once: every enumeration as data.

Each term has an English key (what code, JSON and config use), the Thai label staff and readers
see, its display order (the order of the tuple), and where it is coloured, a *tone* (the tab and
table fill) and a chart colour. Compute returns keys; the schema, summary tabs, documents and
backends look labels and colours up here, so a label or a colour changes in one place.

This module is the bottom layer: it imports nothing from the package.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Tone(str, Enum):
    """How a status or a score is coloured (rules.md): green, amber, red, grey."""

    GOOD = "good"
    WARN = "warn"
    BAD = "bad"
    MUTED = "muted"


@dataclass(frozen=True)
class Choice:
    """One value of an enumeration: the Thai label (what staff write or read) and the English key."""

    th: str
    key: str
    tone: Tone | None = None
    chart: str | None = None  # chart colour, "#RRGGBB"


def choice_label(choices: tuple[Choice, ...], key: str | None) -> str:
    """The Thai label of an English key; the key itself when unknown, "-" when empty."""
    if not key:
        return "-"
    return next((c.th for c in choices if c.key == key), key)


def choice_of(choices: tuple[Choice, ...], key: str) -> Choice:
    """The term with this key (KeyError when there is none: a key is code, not data)."""
    for choice in choices:
        if choice.key == key:
            return choice
    raise KeyError(key)


def keys(choices: tuple[Choice, ...]) -> tuple[str, ...]:
    return tuple(c.key for c in choices)


# --- colours ---------------------------------------------------------------------------------

# Cell fills (RGB hex, no '#') of summary tabs and of the memo's tables, by tone.
TONE_FILL = {
    Tone.GOOD: "C6EFCE",
    Tone.WARN: "FFEB9C",
    Tone.BAD: "FFC7CE",
    Tone.MUTED: "E7E6E6",
}
HEADER_FILL = "D9E1F2"  # header rows of every table, in tabs and documents
NO_FILL = "FFFFFF"
# Chart colours of a score's tone (the KPI chart), and of the target line.
TONE_CHART = {Tone.GOOD: "#2E7D32", Tone.WARN: "#F9A825", Tone.BAD: "#C62828", Tone.MUTED: "#9E9E9E"}
TARGET_LINE_CHART = "#1565C0"

THAI_FONT = "TH Sarabun New"  # Word documents and the xlsx summary tabs (complex-script font)


# --- plan (rules.md "Plan follow-up") --------------------------------------------------------

# In the order of the summary tab and the JSON status counts.
PLAN_STATUSES = (
    Choice("แล้วเสร็จ", "done", Tone.GOOD, "#2E7D32"),
    Choice("ตามแผน", "on_track", Tone.GOOD, "#66BB6A"),
    Choice("ล่าช้า", "behind", Tone.WARN, "#F9A825"),
    Choice("เกินกำหนด", "overdue", Tone.BAD, "#C62828"),
    Choice("ยังไม่เริ่ม", "not_started", Tone.WARN, "#FFCA28"),
    Choice("ยังไม่ถึงกำหนด", "not_yet_due", Tone.MUTED, "#9E9E9E"),
)
# The order a reader of the memo's chart and table expects: good news first, then what needs action.
PLAN_STATUS_CHART_ORDER = ("done", "on_track", "behind", "not_started", "overdue", "not_yet_due")


# --- missions --------------------------------------------------------------------------------

MISSION_CATEGORIES = (
    Choice("ตามกฎหมาย/ข้อสั่งการ", "legal"),
    Choice("สนับสนุนงานประจำ", "routine"),
    Choice("นโยบาย/โครงการพิเศษ", "policy"),
)
SOP_STATUSES = (Choice("มี", "has", Tone.GOOD), Choice("กำลังจัดทำ", "drafting", Tone.WARN), Choice("ไม่มี", "none", Tone.BAD))
SINGLE_POINT_OF_FAILURE = "จุดเสี่ยง"
# The one status a written SOP manual carries (compute/missions.py manual_state).
MANUAL_STATES = (
    Choice("ฉบับใช้งาน", "ready", Tone.GOOD),
    Choice("ฉบับร่าง", "draft", Tone.WARN),
    Choice("ยังไม่จัดทำตามแบบ", "none", Tone.MUTED),  # "has a manual" is sop_status มี, never this
)


# --- KPIs (rules.md "KPI scores") -----------------------------------------------------------

PERSPECTIVES = (
    Choice("ประสิทธิผล", "effectiveness"),
    Choice("คุณภาพการให้บริการ", "quality"),
    Choice("ประสิทธิภาพ", "efficiency"),
    Choice("การพัฒนาองค์การ", "development"),
)
KPI_LEVELS = (Choice("ฝ่าย", "section"), Choice("บุคคล", "individual"))
SECTION_GROUP = "ฝ่าย"  # the section's KPI group name in results (outputs.md `groups`)
KPI_KINDS = (Choice("มากดี", "higher"), Choice("น้อยดี", "lower"), Choice("ขั้นตอน", "milestone"))
# Per-round state of one KPI result.
KPI_STATES = (
    Choice("", "scored"),
    Choice("ยังไม่รายงาน", "not_reported"),
    Choice("ไม่ประเมิน", "not_assessed"),
    Choice("ยังไม่ถึงรอบ", "not_due"),
)
NOT_ASSESSED_WORDS = ("-", "ไม่ประเมิน")  # what staff type for "not assessed this round"
SCORE_TARGET = 3.0  # level 3 is the target
SCORE_WARN_FROM = 2.0


def score_tone(score: float | None) -> Tone | None:
    """≥ 3 green (target met), 2 ≤ score < 3 amber, < 2 red; no score, no tone."""
    if score is None:
        return None
    return Tone.GOOD if score >= SCORE_TARGET else Tone.WARN if score >= SCORE_WARN_FROM else Tone.BAD


# Individual result band from total_pct: the first whose floor is reached.
RESULT_BANDS = ((90.0, "ดีเด่น"), (80.0, "ดีมาก"), (70.0, "ดี"), (60.0, "พอใช้"), (float("-inf"), "ต้องปรับปรุง"))


def result_band(total_pct: float | None) -> str | None:
    if total_pct is None:
        return None
    return next(label for floor, label in RESULT_BANDS if total_pct >= floor)


# --- complaints (rules.md "Complaints") -----------------------------------------------------

CHANNELS = (
    Choice("ด้วยตนเอง", "walk_in"),
    Choice("สายด่วน 1567", "hotline"),
    Choice("หนังสือ", "letter"),
    Choice("เว็บไซต์", "website"),
    Choice("ไลน์", "line"),
    Choice("อื่นๆ", "other"),
)
COMPLAINT_STATUSES = (
    Choice("รับเรื่อง", "received"),
    Choice("ส่งต่อหน่วยงาน", "forwarded"),
    Choice("อยู่ระหว่างดำเนินการ", "in_progress"),
    Choice("ยุติ", "closed"),
)
DEFAULT_COMPLAINT_CATEGORIES = (
    "ขอความช่วยเหลือ",
    "สาธารณูปโภค",
    "เหตุเดือดร้อนรำคาญ",
    "ที่ดิน",
    "หนี้สิน",
    "ร้องเรียนเจ้าหน้าที่รัฐ",
    "แจ้งเบาะแสการทุจริต",
    "ยาเสพติด",
    "อื่นๆ",
)
NO_DISTRICT = "ไม่ระบุ"
# The monthly chart's two series: received and closed.
COMPLAINT_SERIES = (Choice("รับเรื่อง", "received", chart="#1565C0"), Choice("ยุติ", "closed", chart="#2E7D32"))


# --- SOP steps ------------------------------------------------------------------------------

# `chart` is the shape's fill in the flowchart.
STEP_TYPES = (
    Choice("เริ่มต้น/สิ้นสุด", "terminal", chart="#E3F2FD"),
    Choice("ปฏิบัติงาน", "process", chart="#FFFFFF"),
    Choice("ตัดสินใจ", "decision", chart="#FFF8E1"),
    Choice("เอกสาร", "document", chart="#F1F8E9"),
)
# In the order staff pick them; standard times are shown largest unit first (DURATION_ORDER).
TIME_UNITS = (Choice("นาที", "minutes"), Choice("ชั่วโมง", "hours"), Choice("วัน", "days"))
DURATION_ORDER = ("days", "hours", "minutes")
MINUTES_PER_HOUR = 60  # minutes carry into hours; hours never carry into days (rules.md)


# --- the ministry roll-up (ministry.md) -------------------------------------------------------

PROVINCE_ACTIVE = (Choice("ใช่", "yes"), Choice("ไม่", "no"))  # `ใช้งาน` in `จังหวัด`
# What became of one province in a roll-up; only `ok` has figures.
ROLLUP_OUTCOMES = (
    Choice("อ่านได้", "ok", Tone.GOOD),
    Choice("อ่านไม่ได้", "unreadable", Tone.BAD),
    Choice("ไม่มีสิทธิ์เข้าถึง", "no-access", Tone.BAD),
    Choice("ติดต่อไม่ได้", "unreachable", Tone.BAD),
    Choice("ยังไม่ใช้งาน", "inactive", Tone.MUTED),
)
NO_REGION = "ไม่ระบุภาค"  # the region of a province whose `ภาค` is empty


# --- data issues (workbook.md "Severity") ---------------------------------------------------

SEVERITIES = (Choice("ข้อผิดพลาด", "error", Tone.BAD), Choice("คำเตือน", "warning", Tone.WARN))


# --- calendar -------------------------------------------------------------------------------

BE_OFFSET = 543  # Buddhist Era year = CE year + 543
BE_YEAR_FLOOR = 2400  # a year above this is a Buddhist Era year (workbook.md)
MONTHS_LONG = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip
THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
FISCAL_YEAR_START_MONTH = 10  # the Thai fiscal year runs 1 October – 30 September
