"""A realistic demo workbook of a fictional province office, for trying the tool in five minutes.

Seeded and relative to as-of: the same as-of and seed give the same workbook byte for byte
(apart from the file's own timestamps). It holds a year's plan, section and individual KPIs, a
few hundred Damrongdhama complaints, SOP steps and staff, typed the way staff really type them
(date cells, BE dates as text, Thai digits, percent-formatted cells), and a handful of
deliberate mistakes so that validation has something to say.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from ..core.fiscal import DEFAULT_ROUNDS, fiscal_year_of, fiscal_year_span, round_end
from ..core.thai_dates import be_year, thai_digits
from ..core.vocabulary import (
    CHANNELS,
    COMPLAINT_STATUSES,
    DEFAULT_COMPLAINT_CATEGORIES,
    HEADER_FILL,
    KPI_KINDS,
    KPI_LEVELS,
    MISSION_CATEGORIES,
    PERSPECTIVES,
    SOP_STATUSES,
    STEP_TYPES,
    TIME_UNITS,
    Choice,
    choice_label,
)
from ..schema.tabs import Tab, input_tabs

Row = dict[str, Any]  # one sheet row: column key -> value ("" or absent = an empty cell)


def _th(choices: tuple[Choice, ...], key: str) -> str:
    """What staff type in an enum cell: the vocabulary's Thai label of the key."""
    return choice_label(choices, key)


@dataclass(frozen=True)
class Percent:
    """A percent-formatted cell (stored 0.45, shown 45%)."""

    fraction: float


@dataclass(frozen=True)
class DateCell:
    """A real date cell (possibly with a BE year typed on a Gregorian machine)."""

    year: int
    month: int
    day: int


STAFF = [
    ("นางสาวพิมพ์ชนก ศรีสุข", "นักจัดการงานทั่วไปชำนาญการ"),
    ("นายธนากร บุญมา", "นักจัดการงานทั่วไปปฏิบัติการ"),
    ("นางวราภรณ์ แก้วมณี", "เจ้าพนักงานธุรการชำนาญงาน"),
    ("นายสมชาย ใจกล้า", "นักประชาสัมพันธ์ชำนาญการ"),
    ("นางสาวกนกวรรณ ทองดี", "นิติกรชำนาญการ"),
    ("นายปกรณ์ สุวรรณรัตน์", "นักทรัพยากรบุคคลปฏิบัติการ"),
    ("นางสุนีย์ พรหมมา", "เจ้าพนักงานธุรการปฏิบัติงาน"),
    ("นายอนุชา วงศ์ไทย", "นักวิชาการคอมพิวเตอร์ปฏิบัติการ"),
]
P = [name for name, _ in STAFF]

STRATEGIES = [
    ("S1", "เสริมสร้างเศรษฐกิจฐานรากและการท่องเที่ยว", "รายได้ของประชาชนเพิ่มขึ้น"),
    ("S2", "พัฒนาคุณภาพชีวิตและสังคมที่ปลอดภัย", "ประชาชนมีความสุขและปลอดภัย"),
    ("S3", "บริหารจัดการทรัพยากรธรรมชาติอย่างยั่งยืน", "ทรัพยากรธรรมชาติได้รับการฟื้นฟู"),
    ("S4", "พัฒนาการบริหารภาครัฐสู่ระบบราชการ 4.0", "การบริการภาครัฐมีประสิทธิภาพ โปร่งใส"),
]

# (id, name, category key, legal basis, owner, backup, sop status key, strategy)
MISSIONS = [
    ("M01", "งานสารบรรณและหนังสือราชการ", "routine", "", P[2], P[6], "has", "S4"),
    ("M02", "งานประชุมคณะกรมการจังหวัดและหัวหน้าส่วนราชการ", "routine", "", P[0], P[1], "has", "S4"),
    ("M03", "งานรัฐพิธีและพิธีการ", "legal", "ระเบียบสำนักนายกรัฐมนตรีว่าด้วยงานรัฐพิธี", P[1], P[3], "has", "S4"),
    ("M04", "งานศูนย์ดำรงธรรมจังหวัด", "legal", "คำสั่ง คสช. ที่ 96/2557 เรื่อง การจัดตั้งศูนย์ดำรงธรรม", P[4], P[0], "has", "S2"),
    ("M05", "งานเครื่องราชอิสริยาภรณ์", "legal", "ระเบียบสำนักนายกรัฐมนตรีว่าด้วยการขอพระราชทานเครื่องราชอิสริยาภรณ์ พ.ศ. 2536", P[5], P[2], "drafting", "S4"),
    ("M06", "งานบริหารงานบุคคลลูกจ้างและพนักงานราชการ", "routine", "", P[5], "", "has", "S4"),
    ("M07", "งานยานพาหนะและอาคารสถานที่", "routine", "", P[6], P[6], "none", ""),
    ("M08", "งานประชาสัมพันธ์จังหวัด", "policy", "", P[3], P[7], "none", "S1"),
    ("M09", "โครงการจังหวัดเคลื่อนที่บำบัดทุกข์บำรุงสุข", "policy", "", P[0], P[4], "drafting", "S2"),
    ("M10", "งานอำนวยการผู้ว่าราชการจังหวัด", "routine", "", P[1], P[0], "has", "S4"),
    # deliberate: a legal mission without its legal basis (warning)
    ("M11", "งานป้องกันและปราบปรามการทุจริตในภาครัฐ", "legal", "", P[4], P[5], "none", "S4"),
    ("M12", "โครงการพัฒนาระบบสารบรรณอิเล็กทรอนิกส์", "policy", "", P[7], P[2], "drafting", "S4"),
]

ACTIVITIES = [
    ("M01", "จัดทำทะเบียนหนังสือรับ-ส่งประจำปี", 0, 12, 0),
    ("M01", "ทบทวนคู่มือการปฏิบัติงานสารบรรณ", 1, 3, 15000),
    ("M02", "จัดประชุมกรมการจังหวัดประจำเดือน", 0, 12, 240000),
    ("M02", "จัดทำรายงานการประชุมและติดตามข้อสั่งการ", 0, 12, 0),
    ("M03", "จัดงานวันปิยมหาราช", 0, 1, 80000),
    ("M03", "จัดงานวันพ่อแห่งชาติ", 2, 3, 150000),
    ("M03", "จัดงานวันจักรี", 6, 7, 60000),
    ("M03", "จัดงานเฉลิมพระชนมพรรษา", 9, 10, 200000),
    ("M04", "รับและส่งต่อเรื่องร้องเรียนภายใน 3 วันทำการ", 0, 12, 0),
    ("M04", "ลงพื้นที่แก้ไขปัญหาเรื่องร้องเรียนเรื้อรัง", 2, 9, 120000),
    ("M04", "อบรมเจ้าหน้าที่ศูนย์ดำรงธรรมอำเภอ", 4, 5, 95000),
    ("M05", "รวบรวมข้อมูลผู้มีสิทธิขอพระราชทานเครื่องราชฯ", 3, 6, 0),
    ("M05", "ตรวจสอบคุณสมบัติและเสนอขอพระราชทาน", 6, 8, 0),
    ("M06", "ประเมินผลการปฏิบัติงานพนักงานราชการ รอบที่ 1", 4, 6, 0),
    ("M06", "ประเมินผลการปฏิบัติงานพนักงานราชการ รอบที่ 2", 10, 12, 0),
    ("M07", "ซ่อมบำรุงยานพาหนะประจำปี", 1, 5, 180000),
    ("M07", "ปรับปรุงห้องประชุมศาลากลางจังหวัด", 3, 8, 450000),
    ("M08", "ผลิตสื่อประชาสัมพันธ์ของดีจังหวัด", 1, 7, 300000),
    ("M08", "จัดแถลงข่าวผลงานรอบ 6 เดือน", 6, 7, 40000),
    ("M09", "จังหวัดเคลื่อนที่ ครั้งที่ 1", 1, 2, 250000),
    ("M09", "จังหวัดเคลื่อนที่ ครั้งที่ 2", 4, 5, 250000),
    ("M09", "จังหวัดเคลื่อนที่ ครั้งที่ 3", 8, 9, 250000),
    ("M10", "จัดทำตารางงานและประสานภารกิจผู้ว่าราชการจังหวัด", 0, 12, 0),
    ("M11", "ประเมินคุณธรรมและความโปร่งใส (ITA)", 2, 8, 30000),
    ("M11", "อบรมป้องกันผลประโยชน์ทับซ้อน", 5, 6, 45000),
    ("M12", "ติดตั้งระบบสารบรรณอิเล็กทรอนิกส์", 0, 6, 600000),
    ("M12", "อบรมการใช้งานระบบแก่เจ้าหน้าที่", 5, 7, 50000),
    ("M12", "ประเมินผลการใช้งานระบบ", 10, 12, 0),
]

# (id, name, perspective key, unit, kind key, weight, thresholds, mission)
SECTION_KPIS = [
    ("K01", "ร้อยละการเบิกจ่ายงบประมาณ", "effectiveness", "ร้อยละ", "higher", 20, (80, 85, 90, 95, 100), "M02"),
    ("K02", "ร้อยละเรื่องร้องเรียนที่ยุติภายใน 15 วัน", "quality", "ร้อยละ", "higher", 15, (60, 65, 70, 75, 80), "M04"),
    ("K03", "ระยะเวลาเฉลี่ยในการยุติเรื่องร้องเรียน", "efficiency", "วัน", "lower", 15, (30, 25, 20, 15, 10), "M04"),
    ("K04", "ระดับความสำเร็จของการจัดทำคู่มือการปฏิบัติงาน", "development", "ระดับ", "milestone", 15, None, ""),
    ("K05", "ร้อยละความพึงพอใจของผู้รับบริการ", "quality", "ร้อยละ", "higher", 10, (70, 75, 80, 85, 90), "M04"),
    ("K06", "ร้อยละของกิจกรรมที่ดำเนินการตามแผน", "effectiveness", "ร้อยละ", "higher", 10, (60, 70, 80, 90, 100), ""),
    ("K07", "จำนวนวันเฉลี่ยในการออกหนังสือราชการ", "efficiency", "วัน", "lower", 5, (5, 4, 3, 2, 1), "M01"),
    ("K08", "ร้อยละบุคลากรที่ได้รับการพัฒนาตามแผน", "development", "ร้อยละ", "higher", 10, (60, 70, 80, 90, 100), "M06"),
]
INDIVIDUAL_KPIS = [
    (P[0], "ร้อยละข้อสั่งการที่ติดตามครบถ้วน", "effectiveness", "higher", 40, (70, 75, 80, 85, 90), "M02"),
    (P[0], "ระดับความสำเร็จของโครงการจังหวัดเคลื่อนที่", "effectiveness", "milestone", 30, None, "M09"),
    (P[0], "จำนวนชั่วโมงการพัฒนาตนเอง", "development", "higher", 30, (10, 15, 20, 25, 30), ""),
    (P[4], "ร้อยละเรื่องร้องเรียนที่ส่งต่อภายใน 3 วัน", "quality", "higher", 50, (70, 75, 80, 85, 90), "M04"),
    (P[4], "จำนวนเรื่องค้างเกินกำหนด", "efficiency", "lower", 50, (20, 15, 10, 5, 2), "M04"),
    (P[2], "ร้อยละหนังสือที่ลงรับภายในวันเดียวกัน", "efficiency", "higher", 60, (80, 85, 90, 95, 98), "M01"),
    (P[2], "ระดับความสำเร็จของการจัดเก็บเอกสารดิจิทัล", "development", "milestone", 40, None, "M12"),
]

DISTRICTS = ["เมืองตัวอย่าง", "บ้านนา", "ท่าทราย", "เขาสูง", "หนองบัว", "ลำน้ำใส"]
CHANNEL_WEIGHTS = {"walk_in": 30, "hotline": 25, "letter": 15, "website": 10, "line": 15, "other": 5}
AGENCIES = ["อำเภอเมืองตัวอย่าง", "เทศบาลเมือง", "ตำรวจภูธรจังหวัด", "สำนักงานที่ดินจังหวัด", "การไฟฟ้าส่วนภูมิภาค", "สำนักงานสาธารณสุขจังหวัด"]
# Example subjects of each default complaint category, in the vocabulary's order.
SUBJECTS = dict(zip(DEFAULT_COMPLAINT_CATEGORIES, (
    ["ขอความช่วยเหลือค่ารักษาพยาบาล", "ขอรับเบี้ยยังชีพผู้สูงอายุ", "ขอความช่วยเหลือผู้ประสบอัคคีภัย"],
    ["ไฟฟ้าส่องสว่างดับทั้งซอย", "ถนนชำรุดเป็นหลุมบ่อ", "น้ำประปาไม่ไหล"],
    ["เสียงดังจากสถานบันเทิง", "กลิ่นเหม็นจากฟาร์มสุกร", "ฝุ่นละอองจากโรงงาน"],
    ["ข้อพิพาทแนวเขตที่ดิน", "บุกรุกที่สาธารณประโยชน์"],
    ["หนี้นอกระบบดอกเบี้ยสูง", "ขอไกล่เกลี่ยหนี้สิน"],
    ["เจ้าหน้าที่ให้บริการล่าช้า", "เจ้าหน้าที่พูดจาไม่สุภาพ"],
    ["แจ้งเบาะแสการจัดซื้อจัดจ้างไม่โปร่งใส"],
    ["แจ้งเบาะแสแหล่งค้ายาเสพติด"],
    ["สอบถามขั้นตอนการขออนุญาต", "ขอข้อมูลข่าวสารของราชการ"],
), strict=True))
CATEGORY_WEIGHTS = [20, 25, 18, 8, 6, 8, 3, 5, 7]
FIRST_NAMES = ["สมศักดิ์", "มาลี", "บุญชู", "สุดารัตน์", "ประเสริฐ", "อรุณี", "วิชัย", "จันทร์เพ็ญ", "ทองใบ", "สายสุนีย์"]
LAST_NAMES = ["ใจดี", "มีสุข", "ทองคำ", "ศรีเมือง", "แสงทอง", "บุญเรือง", "พรมมา", "สุขใจ"]

# (mission, steps: (type key, text, responsible, duration, unit key, control, forms[, yes_next, no_next]))
SOP_STEPS: dict[str, list[tuple[str, str, str, float, str, str, str]]] = {
    "M01": [
        ("terminal", "รับหนังสือจากหน่วยงานภายนอก", P[2], 5, "minutes", "ตรวจความครบถ้วนของเอกสาร", ""),
        ("process", "ลงทะเบียนรับในระบบสารบรรณ", P[2], 10, "minutes", "ลงรับภายในวันเดียวกัน", "ทะเบียนหนังสือรับ"),
        ("process", "เสนอหัวหน้าฝ่ายพิจารณาสั่งการ", P[6], 2, "hours", "", ""),
        ("document", "ส่งหนังสือให้ผู้รับผิดชอบดำเนินการ", P[6], 30, "minutes", "มีหลักฐานการรับ", "สมุดส่งหนังสือ"),
        ("terminal", "จัดเก็บหนังสือเข้าแฟ้ม", P[2], 15, "minutes", "", ""),
    ],
    "M03": [
        ("terminal", "รับแจ้งกำหนดการรัฐพิธี", P[1], 1, "hours", "", "หนังสือแจ้งกำหนดการ"),
        ("process", "จัดทำคำสั่งแต่งตั้งคณะทำงาน", P[1], 1, "days", "", "แบบคำสั่งจังหวัด"),
        ("process", "ประชุมเตรียมการกับส่วนราชการ", P[1], 3, "hours", "มีบันทึกการประชุม", ""),
        ("process", "จัดเตรียมสถานที่และอุปกรณ์", P[3], 2, "days", "ตรวจตามรายการพิธีการ", "แบบตรวจสถานที่"),
        ("terminal", "ดำเนินพิธีและรายงานผล", P[1], 1, "days", "", "แบบรายงานผล"),
    ],
    "M04": [
        ("terminal", "รับเรื่องร้องเรียน/ร้องทุกข์", P[4], 15, "minutes", "บันทึกครบทุกช่อง", "แบบรับเรื่องร้องเรียน"),
        ("process", "ตรวจสอบและลงทะเบียนในระบบศูนย์ดำรงธรรม", P[4], 10, "minutes", "", ""),
        # two decisions in a row: a matter outside the province's authority jumps forward to
        # step 6 (tell the complainant where to go); facts not enough loop back to step 2
        ("decision", "เป็นเรื่องในอำนาจของจังหวัดหรือไม่", P[0], 1, "hours", "", "", None, 6),
        ("decision", "ข้อเท็จจริงเพียงพอต่อการดำเนินการหรือไม่", P[0], 30, "minutes", "", "", None, 2),
        ("document", "ส่งต่อหน่วยงานที่รับผิดชอบและติดตามผล", P[4], 10, "days", "ส่งต่อภายใน 3 วันทำการ ติดตามทุก 7 วัน", "หนังสือส่งต่อ"),
        ("process", "แจ้งผลหรือแนะนำหน่วยงานที่มีอำนาจให้ผู้ร้องทราบ", P[4], 1, "days", "", "หนังสือแจ้งผล"),
        ("terminal", "ยุติเรื่องและประเมินความพึงพอใจ", P[4], 30, "minutes", "", "แบบประเมินความพึงพอใจ"),
    ],
    "M05": [
        ("terminal", "รับหนังสือแจ้งการเสนอขอพระราชทาน", P[5], 1, "hours", "", ""),
        ("process", "ตรวจสอบคุณสมบัติผู้มีสิทธิ", P[5], 5, "days", "ตรวจตามระเบียบ", "บัญชีแสดงคุณสมบัติ"),
        ("terminal", "เสนอรายชื่อต่อกระทรวง", P[5], 1, "days", "", ""),
    ],
    "M06": [
        ("terminal", "แจ้งกรอบการประเมิน", P[5], 1, "days", "", ""),
        ("process", "รวบรวมแบบประเมินผล", P[5], 5, "days", "", "แบบประเมินผล"),
        ("decision", "ผลการประเมินผ่านเกณฑ์หรือไม่", P[0], 2, "hours", "", "", None, 2),  # no: assess again
        ("terminal", "แจ้งผลการประเมิน", P[5], 1, "days", "", ""),
    ],
    "M09": [
        ("terminal", "กำหนดพื้นที่และวันจัดงาน", P[0], 1, "days", "", ""),
        ("process", "ประสานส่วนราชการร่วมออกหน่วย", P[0], 5, "days", "", "หนังสือเชิญ"),
        ("terminal", "จัดงานและสรุปผล", P[0], 2, "days", "", "แบบสรุปผล"),
    ],
    "M12": [
        ("process", "สำรวจความต้องการผู้ใช้งาน", P[7], 3, "days", "", ""),
    ],
}

# prepared by, reviewed by (the approver is the head of section, and only these are approved)
MANUAL_CONTROL = {"M01": (P[2], P[6]), "M03": (P[1], P[3]), "M04": (P[4], P[0])}
APPROVER = "นางสาวสมใจ ใจดี"

SOP_INFO = [
    ("M01", "เพื่อให้การรับ-ส่งหนังสือราชการเป็นไปอย่างถูกต้อง รวดเร็ว และตรวจสอบได้",
     "ครอบคลุมการรับหนังสือจนถึงการจัดเก็บ", "หนังสือราชการ หมายถึง เอกสารที่เป็นหลักฐานในราชการ",
     "ระเบียบสำนักนายกรัฐมนตรีว่าด้วยงานสารบรรณ พ.ศ. 2526 และที่แก้ไขเพิ่มเติม", "2"),
    ("M03", "เพื่อให้การจัดงานรัฐพิธีเป็นไปตามแบบแผนและสมพระเกียรติ",
     "งานรัฐพิธีที่จังหวัดเป็นเจ้าภาพ", "", "ระเบียบสำนักนายกรัฐมนตรีว่าด้วยงานรัฐพิธี", "1"),
    ("M04", "เพื่อให้การแก้ไขปัญหาเรื่องร้องเรียนของประชาชนเป็นไปอย่างรวดเร็วและเป็นธรรม",
     "เรื่องร้องเรียน/ร้องทุกข์ทุกช่องทางของศูนย์ดำรงธรรมจังหวัด",
     "เรื่องร้องเรียน หมายถึง เรื่องที่ประชาชนได้รับความเดือดร้อน <ไม่รวมเรื่องที่อยู่ในศาล> & \"คดีความ\"",
     "คู่มือการปฏิบัติงานศูนย์ดำรงธรรม กระทรวงมหาดไทย", "3"),
    ("M06", "เพื่อให้การประเมินผลการปฏิบัติงานเป็นธรรมและโปร่งใส", "พนักงานราชการและลูกจ้างของสำนักงาน", "", "", "1"),
    ("M09", "เพื่อนำบริการของรัฐไปสู่ประชาชนในพื้นที่ห่างไกล", "", "", "", "1"),
]


def _national_id(rng: random.Random) -> str:
    digits = [rng.randint(1, 8)] + [rng.randint(0, 9) for _ in range(11)]
    check = (11 - sum(d * (13 - i) for i, d in enumerate(digits)) % 11) % 10
    d = "".join(map(str, digits + [check]))
    return f"{d[0]}-{d[1:5]}-{d[5:10]}-{d[10:12]}-{d[12]}"


def _be_text(day: dt.date, thai_digit: bool = False) -> str:
    text = f"{day.day:02d}/{day.month:02d}/{be_year(day.year)}"
    return thai_digits(text) if thai_digit else text


def _month_start(fy_start: dt.date, months: int) -> dt.date:
    index = fy_start.month - 1 + months
    return dt.date(fy_start.year + index // 12, index % 12 + 1, 1)


def _month_end(fy_start: dt.date, months: int) -> dt.date:
    return _month_start(fy_start, months) - dt.timedelta(days=1)


def build_demo_records(as_of: dt.date, seed: int = 2569, rounds: tuple[int, ...] = DEFAULT_ROUNDS) -> dict[str, list[Row]]:
    """The demo workbook's tabs as rows keyed by column key (tab key -> rows, no header)."""
    rng = random.Random(seed)
    rounds = tuple(sorted(rounds))
    fiscal_year = fiscal_year_of(as_of)
    fy_start, fy_end = fiscal_year_span(fiscal_year)
    tabs: dict[str, list[Row]] = {tab.key: [] for tab in input_tabs(rounds)}

    tabs["strategies"] += [{"strategy_id": sid, "name": name, "goal": goal} for sid, name, goal in STRATEGIES]
    for mid, name, cat, basis, owner, backup, sop, strategy in MISSIONS:
        reviewed: Any = ""
        if sop == "has":
            reviewed = DateCell(fy_start.year - (1 if mid in ("M02", "M10") else 0), 11, 15)
        if mid == "M06":
            reviewed = ""  # deliberate: a manual without a review date (warning)
        tabs["missions"].append({
            "mission_id": mid, "name": name, "category": _th(MISSION_CATEGORIES, cat), "legal_basis": basis,
            "owner": owner, "backup": backup, "sop_status": _th(SOP_STATUSES, sop), "sop_reviewed": reviewed,
            "strategy_id": strategy,
        })

    for n, (mid, activity, start_m, end_m, budget) in enumerate(ACTIVITIES, start=1):
        start = _month_start(fy_start, start_m) + dt.timedelta(days=rng.randint(0, 9))
        end = _month_end(fy_start, end_m) if end_m else start + dt.timedelta(days=20)
        span = (end - start).days + 1
        elapsed = (as_of - start).days + 1
        expected = 0 if as_of < start else 100 if as_of >= end else elapsed / span * 100
        progress = max(0, min(100, round(expected + rng.choice([-35, -20, -5, 0, 5, 10, 100]))))
        if as_of < start:
            progress = 0
        actual_end: Any = ""
        if progress == 100:
            actual_end = DateCell(*(min(end + dt.timedelta(days=rng.randint(-10, 8)), as_of)).timetuple()[:3])
        problems = risks = ""
        if 0 < progress < expected - 10:
            problems = rng.choice(["งบประมาณได้รับจัดสรรล่าช้า", "ผู้รับผิดชอบติดภารกิจเร่งด่วน", "รอการอนุมัติจากส่วนกลาง"])
            risks = rng.choice([f"อาจดำเนินการไม่ทันรอบ {rounds[-1]} เดือน", "", "ค่าใช้จ่ายอาจสูงกว่าที่ตั้งไว้"])
        owner = next(m[4] for m in MISSIONS if m[0] == mid)
        tabs["plan"].append({
            "activity_id": f"A{n:02d}", "mission_id": mid, "activity": activity,
            "strategy_id": "" if n % 4 else next(m[7] for m in MISSIONS if m[0] == mid),
            "planned_start": [DateCell(start.year, start.month, start.day), _be_text(start), _be_text(start, True)][n % 3],
            "planned_end": DateCell(end.year, end.month, end.day), "budget": budget or "", "owner": owner,
            "progress": [Percent(progress / 100), progress, f"{progress}%"][n % 3], "actual_end": actual_end,
            "problems": problems, "risks": risks,
        })
    # deliberate mistakes in the plan
    whole_year = {"planned_start": _be_text(fy_start), "planned_end": _be_text(fy_end)}
    tabs["plan"] += [
        {"activity_id": "A07", "mission_id": "M03", "activity": "จัดงานวันจักรี (บันทึกซ้ำ)", **whole_year, "owner": P[1], "progress": 0},
        {"activity_id": "A29", "mission_id": "M99", "activity": "กิจกรรมที่อ้างภารกิจที่ไม่มี", **whole_year, "owner": P[1], "progress": 10},
        {"activity_id": "A30", "mission_id": "M08", "activity": "จัดทำวารสารจังหวัดรายไตรมาส", "strategy_id": "S1", **whole_year,
         "budget": "๑๒๐,๐๐๐", "owner": P[3], "progress": 120},
    ]

    rounds_ended = [m for m in rounds if round_end(fiscal_year, m) <= as_of]
    interim = [] if rounds_ended else [rounds[0]]  # before the first round ends, a few early results
    for kid, name, persp, unit, kind, weight, thresholds, mission in SECTION_KPIS:
        results = _kpi_results(rng, kind, thresholds, rounds, rounds_ended, interim, kid)
        t = list(thresholds) if thresholds else [""] * 5
        if kid == "K07":
            t = [5, 4, 4, 2, 1]  # deliberate: thresholds not strictly decreasing
        tabs["kpis"].append(_kpi_row(kid, name, persp, "section", P[0], mission, unit, kind, weight, t, results))
    for n, (owner, name, persp, kind, weight, thresholds, mission) in enumerate(INDIVIDUAL_KPIS, start=11):
        kid = f"K{n:02d}"
        results = _kpi_results(rng, kind, thresholds, rounds, rounds_ended, interim, kid)
        t = list(thresholds) if thresholds else [""] * 5
        tabs["kpis"].append(_kpi_row(kid, name, persp, "individual", owner, mission, "", kind, weight, t, results))

    tabs["complaints"] += _complaints(rng, as_of, fy_start)

    for mid, steps in SOP_STEPS.items():
        for n, (kind, text, who, duration, unit, control, forms, *branches) in enumerate(steps, start=1):
            tabs["sop_steps"].append(_step_row(mid, n, text, kind, who, duration, unit, control, forms, *branches))
    tabs["sop_steps"].append(_step_row("M04", 3, "ขั้นตอนที่พิมพ์ลำดับซ้ำ", "process", P[4], 1, "days", "", ""))  # deliberate
    sop_info_keys = ("mission_id", "objective", "scope", "definitions", "references", "version")
    for row in SOP_INFO:
        # document control: who prepared, reviewed and approved it, and when it took effect
        prepared, reviewed = MANUAL_CONTROL.get(row[0], ("", ""))
        control = {"prepared_by": prepared, "reviewed_by": reviewed}
        if prepared:
            control |= {"approved_by": APPROVER, "approved_on": DateCell(fy_start.year, 10, 20),
                        "effective_on": DateCell(fy_start.year, 11, 1)}  # fmt: skip
        tabs["sop_info"].append(dict(zip(sop_info_keys, row)) | control)

    can_do = {
        P[0]: "M02, M04, M09, M10", P[1]: "M03, M10", P[2]: "M01, M05, M12", P[3]: "M03\nM08",
        P[4]: "M04, M11", P[5]: "M05, M06", P[6]: "M01/M07", P[7]: "M08, M12, M13",  # M13: deliberate unknown
    }
    trainings = ["หลักสูตรการเขียนหนังสือราชการ", "หลักสูตรการจัดการเรื่องร้องเรียน", "", "หลักสูตรผู้นำการเปลี่ยนแปลง"]
    # fictional addresses; P[6] has none, so the reminders' summary shows someone not reachable
    emails = {P[0]: "pimchanok.s", P[1]: "thanakorn.b", P[2]: "waraporn.k", P[3]: "somchai.j",
              P[4]: "kanokwan.t", P[5]: "pakorn.s", P[7]: "anucha.w"}
    for n, (name, position) in enumerate(STAFF):
        email = f"{emails[name]}@example.go.th" if name in emails else ""
        tabs["staff"].append({"name": name, "position": position, "can_do": can_do[name],
                              "training": trainings[n % len(trainings)], "email": email})
    return tabs


def lay_out_rows(tab: Tab, records: list[Row]) -> list[list[Any]]:
    """A tab's header and rows in the schema's column order (a column it lacks stays empty)."""
    known = {col.key for col in tab.columns}
    for record in records:
        unknown = set(record) - known
        if unknown:
            raise KeyError(f"{tab.key}: no column {sorted(unknown)}")  # a typo in the demo's data
    return [[col.th for col in tab.columns]] + [[record.get(col.key, "") for col in tab.columns] for record in records]


def build_demo_rows(as_of: dt.date, seed: int = 2569, rounds: tuple[int, ...] = DEFAULT_ROUNDS) -> dict[str, list[list[Any]]]:
    """The demo workbook's tabs as rows of values (header first), in the schema's column order."""
    schema = {tab.key: tab for tab in input_tabs(tuple(sorted(rounds)))}
    return {key: lay_out_rows(schema[key], records) for key, records in build_demo_records(as_of, seed, rounds).items()}


def _kpi_row(kid: str, name: str, persp: str, level: str, owner: str, mission: str, unit: str, kind: str,
             weight: float, thresholds: list[Any], results: dict[int, Any]) -> Row:
    return {
        "kpi_id": kid, "name": name, "perspective": _th(PERSPECTIVES, persp), "level": _th(KPI_LEVELS, level),
        "owner": owner, "mission_id": mission, "unit": unit, "kind": _th(KPI_KINDS, kind), "weight": weight,
        **{f"t{k}": value for k, value in enumerate(thresholds, start=1)},
        **{f"result_{months}": value for months, value in results.items()},
    }


def _step_row(mid: str, n: int, text: str, kind: str, who: str, duration: float, unit: str, control: str, forms: str,
              yes_next: int | None = None, no_next: int | None = None) -> Row:  # fmt: skip
    return {
        "mission_id": mid, "step_no": n, "step": text, "step_type": _th(STEP_TYPES, kind), "responsible": who,
        "duration": duration, "time_unit": _th(TIME_UNITS, unit), "control": control, "forms": forms,
        "yes_next": "" if yes_next is None else yes_next, "no_next": "" if no_next is None else no_next,
    }


def _kpi_results(rng: random.Random, kind: str, thresholds: Any, rounds: tuple[int, ...], ended: list[int],
                 interim: list[int], kid: str) -> dict[int, Any]:
    out: dict[int, Any] = {}
    for months in rounds:
        if months not in ended and months not in interim:
            out[months] = ""
            continue
        if months in interim and rng.random() < 0.5:
            out[months] = ""
            continue
        if kid == "K08" and ended and months == ended[-1]:
            out[months] = ""  # deliberate: not reported in an ended round (warning, scores 0)
            continue
        if kid == "K05" and months == 9:
            out[months] = "-"  # not assessed this round
            continue
        if kind == "milestone":
            out[months] = min(5, 2 + (months // 3) - 1 + rng.randint(-1, 0))
            continue
        t1, t5 = thresholds[0], thresholds[4]
        progress = 0.55 + months / 40
        value = t1 + (t5 - t1) * (progress + rng.uniform(-0.35, 0.25))
        out[months] = round(value, 1)
    return out


def _complaints(rng: random.Random, as_of: dt.date, fy_start: dt.date) -> list[Row]:
    rows: list[Row] = []
    first = fy_start - dt.timedelta(days=120)
    days = (as_of - first).days
    count = 320
    categories = list(DEFAULT_COMPLAINT_CATEGORIES)
    channels = [c.th for c in CHANNELS]
    channel_weights = [CHANNEL_WEIGHTS[c.key] for c in CHANNELS]
    open_statuses = ["received", "forwarded", "in_progress", "in_progress"]
    for n in range(1, count + 1):
        received = first + dt.timedelta(days=int(days * (n - 0.5) / count))
        category = rng.choices(categories, CATEGORY_WEIGHTS)[0]
        subject = rng.choice(SUBJECTS[category])
        age = (as_of - received).days
        closed_after = int(rng.expovariate(1 / 12)) + 1
        if closed_after <= age and rng.random() < 0.88:
            status, closed = "closed", received + dt.timedelta(days=closed_after)
        else:
            status, closed = rng.choice(open_statuses), None
        satisfaction: Any = rng.choices([5, 4, 3, 2, 1], [40, 35, 15, 6, 4])[0] if closed and rng.random() < 0.6 else ""
        name = f"{rng.choice(['นาย', 'นาง', 'นางสาว'])}{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        phone = f"08{rng.randint(1, 9)}-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"
        rows.append({
            "case_id": f"ดธ.{be_year(received.year) % 100:02d}/{n:04d}",
            "received": DateCell(received.year, received.month, received.day) if n % 5 else _be_text(received),
            "channel": rng.choices(channels, channel_weights)[0], "category": category,
            "district": rng.choice(DISTRICTS), "subject": subject, "complainant": name, "national_id": _national_id(rng),
            "phone": phone, "assigned_to": rng.choice(AGENCIES), "status": _th(COMPLAINT_STATUSES, status),
            "closed": DateCell(closed.year, closed.month, closed.day) if closed else "", "satisfaction": satisfaction,
            "feedback": "",
        })
    # deliberate mistakes and edge cases
    rows[10]["national_id"] = "1-2345-67890-12-3"  # bad check digit (warning)
    rows[20]["category"] = "เรื่องทั่วไป"  # not in the category list (warning)
    rows[30]["subject"] = '=HYPERLINK("http://example.invalid","คลิก")'  # formula-like text stays text
    rows[40]["received"] = "31/02/2569"  # impossible date (error)
    last = rows[-3]
    last["status"], last["closed"] = _th(COMPLAINT_STATUSES, "closed"), DateCell(fy_start.year - 1, 1, 5)  # closed before received (error)
    typed = rows[51]["received"]
    if isinstance(typed, DateCell):  # a BE year typed into a date cell (warning)
        rows[51]["received"] = DateCell(be_year(typed.year), typed.month, typed.day)
    return rows


# The demo's late edit (closing.md): after its first round is closed, staff change one reported
# KPI result, so a newcomer sees `closed-round-changed` on that cell.
LATE_EDIT_KPI, LATE_EDIT_VALUE = "K01", 92.4


def write_demo_workbook(path: str | Path, as_of: dt.date, seed: int = 2569, rounds: tuple[int, ...] = DEFAULT_ROUNDS,
                        *, late_edit: bool = False) -> Path:
    """Write the demo workbook to `path` (an .xlsx), replacing any file there; `rounds` are the
    office's enabled rounds (config `kpi.rounds`), one result column each. `late_edit`: the same
    workbook after staff changed the first round's result of LATE_EDIT_KPI."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor=HEADER_FILL)
    titles = {tab.key: tab.th for tab in input_tabs(tuple(sorted(rounds)))}
    tabs = build_demo_rows(as_of, seed, rounds)
    if late_edit:
        header = tabs["kpis"][0]
        column = header.index(f"ผลรอบ {min(rounds)} เดือน")
        for row in tabs["kpis"][1:]:
            if row[0] == LATE_EDIT_KPI:
                row[column] = LATE_EDIT_VALUE
    for key, rows in tabs.items():
        sheet = book.create_sheet(titles[key])
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                _put(sheet.cell(row=r, column=c), value)
        for c in range(1, len(rows[0]) + 1):
            sheet.cell(row=1, column=c).font = bold
            sheet.cell(row=1, column=c).fill = fill
            sheet.column_dimensions[get_column_letter(c)].width = 18
        sheet.freeze_panes = "A2"
    book.save(path)
    return path


def _put(cell: Any, value: Any) -> None:
    if isinstance(value, Percent):
        cell.value = value.fraction
        cell.number_format = "0%"
    elif isinstance(value, DateCell):
        cell.value = dt.datetime(value.year, value.month, value.day)
        cell.number_format = "d/m/yyyy"
    elif isinstance(value, str) and value.startswith("="):
        cell.value = value
        cell.data_type = "s"  # staff text that looks like a formula
    elif value == "":
        cell.value = None
    else:
        cell.value = value

