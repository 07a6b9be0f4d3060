"""Data issues are values: a record per problem, with a stable code and a Thai message.

Every code the tool can report is in `MESSAGES`, with a message template that tells staff what
is wrong and how to fix it. Templates may use `{column}` (the Thai header) and the details a
check passes. `new_issue` is the one place an `Issue` is built: it fills the message, names the
tab as found in the workbook and masks personal data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from enum import Enum
from typing import Any

from ..core.vocabulary import BE_OFFSET, MONTHS_LONG, SEVERITIES, Tone, choice_of
from .parsers import mask_name, mask_national_id, mask_phone
from .tabs import Column, Tab


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def th(self) -> str:
        return choice_of(SEVERITIES, self.value).th

    @property
    def tone(self) -> Tone:
        return choice_of(SEVERITIES, self.value).tone  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class Issue:
    tab: str  # Thai tab name
    cell: str  # A1 address without the tab, e.g. "C12"
    column: str  # English key of the column ("" for a whole tab)
    severity: Severity
    code: str
    message: str
    value: str  # the raw value as found (personal data masked)
    sheet: str = ""  # the tab's title as found in the workbook, when it differs from the Thai name

    @property
    def row(self) -> int:
        digits = "".join(ch for ch in self.cell if ch.isdigit())
        return int(digits) if digits else 0

    @property
    def location(self) -> str:
        """`ภารกิจ!C12`: where to look (in the tab as it is named in the workbook)."""
        where = self.sheet or self.tab
        return f"{where}!{self.cell}" if self.cell else where

    def to_json(self) -> dict[str, str]:
        """The issue object of outputs.md (`tab` is the Thai tab name, `cell` without the tab)."""
        data = asdict(self)
        data["severity"] = self.severity.value
        del data["sheet"]
        return data


DATE_FORMS = "วว/ดด/ปปปป เช่น 31/03/2569, 31 มี.ค. 2569 หรือ 2026-03-31"

MESSAGES: dict[str, str] = {
    # tabs and headers
    "tab-missing": "ไม่พบแท็บ {tab} — สร้างแท็บนี้ (หรือใช้คำสั่ง sheets-sync init) ส่วนที่ใช้แท็บนี้จะไม่ถูกคำนวณ",
    "tab-ambiguous": "พบแท็บ {titles} ที่ตรงกับแท็บ {tab} ทั้งคู่ — ไม่ได้เลือกแท็บใดแท็บหนึ่งให้ เปลี่ยนชื่อหรือลบแท็บที่ไม่ใช้ ส่วนที่ใช้แท็บนี้จะไม่ถูกคำนวณจนกว่าจะแก้",
    "tab-optional-missing": "ไม่พบแท็บ {tab} — ส่วนที่ใช้แท็บนี้จะว่างไว้ สร้างแท็บนี้เมื่อพร้อม (sheets-sync init)",
    "column-missing": "ไม่พบคอลัมน์ \"{column}\" ในแถวหัวตาราง — {advice}แท็บนี้จะไม่ถูกคำนวณจนกว่าจะแก้",
    "column-optional-missing": "ไม่พบคอลัมน์ \"{column}\" (ไม่บังคับ) — ส่วนที่ใช้คอลัมน์นี้จะว่างไว้ ถ้าต้องการ {advice}",
    "header-merged": "หัวคอลัมน์ {span} ถูกผสานเซลล์ข้ามหลายคอลัมน์ — ข้อมูลใต้หัวนี้จะไม่ถูกอ่าน ยกเลิกการผสานเซลล์แล้วพิมพ์หัวคอลัมน์ของแต่ละคอลัมน์แยกกัน",
    "header-missing": "คอลัมน์ {letter} มีข้อมูลแต่ไม่มีหัวคอลัมน์ในแถวที่ 1 — ข้อมูลในคอลัมน์นี้จะไม่ถูกอ่าน พิมพ์หัวคอลัมน์ หรือลบข้อมูลถ้าไม่ใช้",
    "column-duplicate": "หัวคอลัมน์ \"{column}\" ซ้ำกับคอลัมน์ {first} — ใช้คอลัมน์แรกเท่านั้น ลบหรือเปลี่ยนชื่อคอลัมน์นี้",
    # cells
    "cell-error": "สูตรในเซลล์ \"{column}\" คำนวณไม่ได้ ({found}) — แก้สูตรหรือพิมพ์ค่าแทน",
    "cell-boolean": "\"{column}\" เป็นค่า TRUE/FALSE (ช่องทำเครื่องหมาย) — พิมพ์ค่าที่ถูกต้องแทน",
    "required-missing": "ยังไม่ได้กรอก \"{column}\" — กรอกข้อมูลให้ครบ แถวนี้จะไม่ถูกนำไปคำนวณจนกว่าจะกรอก",
    "date-invalid": "\"{column}\" อ่านเป็นวันที่ไม่ได้ — ใช้รูปแบบ " + DATE_FORMS,
    "date-year-digits": "\"{column}\" ต้องมีปี 4 หลัก (ไม่เดาปี 2 หลัก) — เช่น 31/03/2569",
    "date-impossible": "\"{column}\" เป็นวันที่ที่ไม่มีอยู่จริง — ตรวจวันและเดือน (รูปแบบ วว/ดด/ปปปป)",
    "date-month-first": "\"{column}\" ดูเหมือนเขียนเดือนก่อนวัน (ดด/วว) — ใช้ วว/ดด/ปปปป เช่น 31/03/2569",
    "date-not-date": "\"{column}\" เป็นตัวเลข ไม่ใช่วันที่ — พิมพ์เป็นวันที่ เช่น 31/03/2569 หรือจัดรูปแบบเซลล์เป็นวันที่",
    "date-be-cell": "\"{column}\" เป็นเซลล์วันที่ที่มีปี {be_year} ซึ่งเป็นปี พ.ศ. (เครื่องตั้งปฏิทินเป็น ค.ศ.) — อ่านเป็นวันที่ {thai} ให้แล้ว "
                    "ควรแก้เป็นวันที่ปี ค.ศ. {ce_text} หรือจัดรูปแบบเซลล์เป็นข้อความแล้วพิมพ์ {be_text}",
    "number-invalid": "\"{column}\" ต้องเป็นตัวเลข เช่น 1234.50 หรือ 1,234.50 (ไม่ใช้จุลภาคเป็นทศนิยม)",
    "number-too-large": "\"{column}\" เป็นตัวเลขที่ใหญ่เกินจะใช้คำนวณ (เกิน 1,000,000,000,000,000) — ตรวจว่าพิมพ์ถูก",
    "number-not-whole": "\"{column}\" ต้องเป็นจำนวนเต็ม",
    "number-range": "\"{column}\" ต้องอยู่ในช่วง {bounds}",
    "percent-range": "\"{column}\" ต้องอยู่ระหว่าง 0 ถึง 100",
    "result-invalid": "\"{column}\" ต้องเป็นตัวเลข หรือ \"-\" / \"ไม่ประเมิน\" เมื่อไม่ประเมินในรอบนี้ (เว้นว่างถ้ายังไม่รายงาน)",
    "milestone-level": "\"{column}\" ของตัวชี้วัดแบบขั้นตอนต้องเป็นระดับที่ทำได้ 0–5 (จำนวนเต็ม)",
    "enum-unknown": "\"{column}\" ต้องเป็นค่าใดค่าหนึ่งต่อไปนี้: {choices}{difference}",
    "id-duplicate": "\"{column}\" ซ้ำกับแถว {first_row} — รหัสต้องไม่ซ้ำกัน แถวแรกใช้รหัสนี้ แถวนี้จะไม่ถูกคำนวณ",
    "ref-unknown": "\"{column}\" ไม่พบรหัสนี้ในแท็บ {ref_tab} — ตรวจการสะกด หรือเพิ่มรายการในแท็บ {ref_tab} ก่อน",
    "ref-leading-zero": "\"{column}\" ไม่ตรงกับรหัสในแท็บ {ref_tab} แต่ต่างจากรหัส {match} แค่เลข 0 นำหน้า — เลข 0 "
                        "หายไปเพราะพิมพ์ลงเซลล์ที่เป็นตัวเลข: จัดรูปแบบคอลัมน์รหัสทั้งสองแท็บเป็นข้อความ (ข้อความธรรมดา) แล้วพิมพ์ {intended} ใหม่ให้ตรงกัน",
    "ref-tab-missing": "\"{column}\" อ้างถึงแท็บ {ref_tab} ซึ่งไม่มีในสมุดงาน",
    "list-item-unknown": "\"{column}\" มีรหัสที่ไม่พบในแท็บ {ref_tab}: {items} — ไม่นำรายการนี้มาใช้ ตรวจการสะกด",
    "duplicate-in-group": "\"{column}\" ซ้ำกับแถว {first_row} ในภารกิจเดียวกัน — แถวนี้จะไม่ถูกคำนวณ",
    # rules across columns
    "date-order": "\"{column}\" อยู่ก่อน \"{other}\" — ตรวจวันที่ให้ถูกต้อง",
    "actual-end-early": "มี \"{column}\" แต่ความก้าวหน้ายังไม่ถึง 100% — ปรับความก้าวหน้าเป็น 100 หรือลบวันที่แล้วเสร็จ",
    "legal-basis-missing": "ภารกิจตามกฎหมาย/ข้อสั่งการ ควรระบุ \"{column}\"",
    "backup-is-owner": "\"{column}\" เป็นคนเดียวกับผู้รับผิดชอบหลัก — ควรมีผู้ปฏิบัติแทนเป็นบุคคลอื่น",
    "sop-reviewed-missing": "ภารกิจมีคู่มือแล้ว ควรระบุ \"{column}\" เพื่อติดตามรอบการทบทวน",
    "thresholds-order": "เกณฑ์ 1–5 ต้อง{direction} — ตรวจ \"{column}\"",
    "thresholds-missing": "ตัวชี้วัดแบบ{kind} ต้องกรอกเกณฑ์ 1–5 ให้ครบ — ยังไม่ได้กรอก \"{column}\"",
    "weights-sum": "น้ำหนักของกลุ่ม {group} รวมได้ {total} ไม่ใช่ 100{left_out} — ระบบปรับสัดส่วนให้แล้ว ควรแก้ให้รวมเป็น 100",
    "kpi-not-reported": "รอบ {round} เดือนสิ้นสุดแล้วแต่ยังไม่รายงานผล — คะแนนเป็น 0 จนกว่าจะกรอก \"{column}\" (ใส่ \"-\" ถ้าไม่ประเมิน)",
    "category-unknown": "\"{column}\" ไม่อยู่ในรายการประเภทเรื่องที่กำหนด — ใช้ค่าตามที่เขียนไว้ ตรวจการสะกดหรือเพิ่มในค่าตั้ง",
    "national-id-invalid": "\"{column}\" ไม่ใช่เลข 13 หลักที่ถูกต้อง (เลขตรวจสอบไม่ตรง) — ตรวจเลขอีกครั้ง",
    "closed-missing": "เรื่องสถานะ \"ยุติ\" ต้องกรอก \"{column}\"",
    "closed-while-open": "มี \"{column}\" แต่สถานะยังไม่ใช่ \"ยุติ\" — ปรับสถานะหรือลบวันที่ยุติ",
    "received-after-year": "\"{column}\" อยู่หลังสิ้นปีงบประมาณ {fiscal_year} — อาจพิมพ์ปีผิด",
    "branch-not-decision": "\"{column}\" ใช้กับขั้นตอนชนิด \"ตัดสินใจ\" เท่านั้น — ขั้นตอนนี้ไม่ใช่การตัดสินใจ จึงไม่นำค่านี้มาใช้ ลบค่าออกหรือเปลี่ยนชนิดขั้นตอน",
    "decision-no-branch": "ขั้นตอนตัดสินใจนี้ยังไม่ระบุ \"{column}\" — ผังกระบวนการจะแสดงทาง \"ไม่ใช่\" เป็นจบกระบวนการ ระบุลำดับขั้นตอนถ้าต้องไปทำขั้นตอนอื่น",
    "branch-unknown-step": "\"{column}\" ไม่พบขั้นตอนลำดับ {step} ในภารกิจ {mission} — ใส่ลำดับขั้นตอนที่มีอยู่ในภารกิจเดียวกัน",
    "email-invalid": "\"{column}\" ไม่ใช่ที่อยู่อีเมล (เช่น somchai@example.go.th) — ตรวจการสะกด ระบบจะส่งการแจ้งเตือนถึงคนนี้ไม่ได้",
    "source-duplicate": "\"{column}\" ซ้ำกับแถว {first_row} (สมุดงานเดียวกัน) — จังหวัดหนึ่งมีสมุดงานของตนเอง แถวนี้จะไม่ถูกอ่าน",
    "activity-outside-year": "กิจกรรมนี้อยู่นอกปีงบประมาณ {fiscal_year} ทั้งหมด — ตรวจวันที่ตามแผน",
    # closed rounds (closing.md)
    "closed-round-changed": (
        "แก้ไขหลังปิดรอบ {round} เดือน (ปิดรอบเมื่อ {closed_on}): {change} — ตัวเลขที่รายงานไปแล้วไม่เปลี่ยนตาม"
        " ถ้าค่าใหม่ถูกต้องและต้องรายงานใหม่ ให้เปิดรอบใหม่พร้อมเหตุผล (คำสั่ง sheets-sync close) แล้วปิดรอบอีกครั้ง"
    ),
}


def warning_details(code: str, value: object) -> dict[str, str]:
    """The details a warning's message computes from the value read (the correction to type)."""
    if code == "date-be-cell" and isinstance(value, dt.date):
        be_year = value.year + BE_OFFSET
        return {
            "be_year": str(be_year),
            "thai": f"{value.day} {MONTHS_LONG[value.month - 1]} {be_year}",
            "ce_text": f"{value.day}/{value.month}/{value.year}",
            "be_text": f"{value.day}/{value.month}/{be_year}",
        }
    return {}


def leading_zero_match(value: str, known: set[str]) -> str | None:
    """The id that `value` equals but for leading zeros (`1` and `001`), when there is one."""
    if not value.isdigit():
        return None
    bare = value.lstrip("0")
    matches = sorted(k for k in known if k.isdigit() and k != value and k.lstrip("0") == bare)
    return matches[0] if matches else None


def left_out_note(rows: list[int]) -> str:
    """`(ไม่นับแถว 7 ซึ่งมีข้อผิดพลาด …)` for the weights warning, or "" when no row was left out."""
    if not rows:
        return ""
    shown = ", ".join(str(r) for r in rows)
    return f" (ไม่นับแถว {shown} ซึ่งมีข้อผิดพลาดและไม่ถูกนำไปคำนวณ — แก้ข้อผิดพลาดของแถวนั้นก่อน)"


def render_message(code: str, **details: object) -> str:
    """The Thai message for a code, filled with the details the check gave."""
    template = MESSAGES[code]
    try:
        return template.format(**details)
    except KeyError:  # a template detail was not given: show the template as it is
        return template


def mask(column: Column, raw: str) -> str:
    """A personal-data column's raw value as the issues list shows it (workbook.md)."""
    if not column.personal or not raw:
        return raw
    if column.key == "national_id":
        return mask_national_id(raw)
    if column.key == "phone":
        return mask_phone(raw)
    return mask_name(raw)


def new_issue(
    tab: Tab,
    title: str | None,
    cell: str,
    column: Column | None,
    severity: Severity,
    code: str,
    value: str = "",
    **details: Any,
) -> Issue:
    """The one constructor of an `Issue`: `title` is the tab's title as found in the workbook
    (None when the tab is absent); `details` fill the message template."""
    sheet = title or tab.th
    details.setdefault("tab", sheet)
    if column is not None:
        details.setdefault("column", column.th)
    return Issue(
        tab=tab.th,
        sheet=sheet if sheet != tab.th else "",
        cell=cell,
        column=column.key if column else "",
        severity=severity,
        code=code,
        message=render_message(code, **details),
        value=mask(column, value) if column else value,
    )
