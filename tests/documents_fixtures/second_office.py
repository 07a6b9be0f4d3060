"""A second office's workbook, shaped like a real one rather than like the demo.

สำนักงานจังหวัดนครตัวอย่าง, กลุ่มงานบริหารทั่วไป: its `ขั้นตอนงาน` tab has no branch columns
(ถ้าใช่ไปขั้นตอน / ถ้าไม่ใช่ไปขั้นตอน), so every decision's "no" must end at a terminal of its own;
two step rows of the correspondence process (2 and 3) have errors and are left out; the
procurement process's last step is a terminal that pays (`เบิกจ่ายเงินและปิดงาน`), the step an unapproved purchase must
never be drawn into; one section KPI is not assessed (`ไม่ประเมิน`) so the total stands on the
other weights (30/20/30/20 declared with it); complaints carried over from the year before are
still open; the catch-all category `อื่นๆ` has more cases than a named one; more than five
activities are late, so the memo names five and counts the rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sheets_sync.config import Settings, settings_from_dict
from sheets_sync.schema.tabs import input_tabs
from tests.conftest import write_xlsx

AS_OF = dt.date(2026, 3, 31)  # round 6 of FY 2569 has just ended
OFFICE = {
    "name": "สำนักงานจังหวัดนครตัวอย่าง",
    "province": "นครตัวอย่าง",
    "section": "กลุ่มงานบริหารทั่วไป",
    "document_no": "นต 0017.1/",
    "signer_name": "นางวันเพ็ญ ศรีประเสริฐ",
    "signer_position": "หัวหน้ากลุ่มงานบริหารทั่วไป",
    "phone": "0 4424 2345",
}
STEP_COLUMNS_WITHOUT_BRANCHES = ("yes_next", "no_next")
LATE = 7  # activities not started or late at AS_OF


def second_office_settings(via: list[str] | None = None, **output: Any) -> Settings:
    office = dict(OFFICE)
    if via is not None:
        office["via"] = via
    return settings_from_dict({"office": office, "output": {"memo_thai_digits": True, "thai_digits": True, **output}})


def _rows(tab_key: str, records: list[Mapping[str, Any]], leave_out: tuple[str, ...] = ()) -> list[list[Any]]:
    tab = next(t for t in input_tabs() if t.key == tab_key)
    columns = [c for c in tab.columns if c.key not in leave_out]
    return [[c.th for c in columns]] + [[record.get(c.key) for c in columns] for record in records]


def _step(mid: str, n: int | str, text: str, kind: str, who: str, duration: Any, unit: str, **extra: Any) -> dict[str, Any]:
    return {"mission_id": mid, "step_no": n, "step": text, "step_type": kind, "responsible": who, "duration": duration,
            "time_unit": unit, **extra}  # fmt: skip


PEOPLE = ["นางวันเพ็ญ ศรีประเสริฐ", "นายอนุชา พลเยี่ยม", "นางสาวรัตนา แก้วมณี", "นายสมพงษ์ ทองประเสริฐ"]


def second_office_workbook(path: Path) -> Path:
    d = dt.date
    w, a, r, s = PEOPLE
    missions = [
        {"mission_id": "B01", "name": "งานจัดซื้อจัดจ้างพัสดุ", "category": "ตามกฎหมาย/ข้อสั่งการ",
         "legal_basis": "พระราชบัญญัติการจัดซื้อจัดจ้างและการบริหารพัสดุภาครัฐ พ.ศ. 2560", "owner": a, "backup": r,
         "sop_status": "มี", "sop_reviewed": d(2025, 12, 1)},
        {"mission_id": "B02", "name": "งานบริการข้อมูลข่าวสารของราชการ", "category": "ตามกฎหมาย/ข้อสั่งการ",
         "legal_basis": "พระราชบัญญัติข้อมูลข่าวสารของราชการ พ.ศ. 2540", "owner": r, "backup": s,
         "sop_status": "มี", "sop_reviewed": d(2025, 11, 15)},
        {"mission_id": "B03", "name": "งานสารบรรณและระบบสารบรรณอิเล็กทรอนิกส์", "category": "สนับสนุนงานประจำ",
         "owner": s, "backup": a, "sop_status": "มี", "sop_reviewed": d(2025, 10, 20)},
        {"mission_id": "B04", "name": "งานยานพาหนะ", "category": "สนับสนุนงานประจำ", "owner": s, "sop_status": "ไม่มี"},
        {"mission_id": "B05", "name": "โครงการสำนักงานสีเขียว", "category": "นโยบาย/โครงการพิเศษ", "owner": w, "backup": r,
         "sop_status": "กำลังจัดทำ"},
    ]  # fmt: skip
    activities = []
    names = [
        "จัดทำแผนการจัดซื้อจัดจ้างประจำปี", "ปรับปรุงระบบสารบรรณอิเล็กทรอนิกส์", "อบรมการใช้ระบบ e-GP แก่เจ้าหน้าที่",
        "จัดทำทะเบียนครุภัณฑ์ให้เป็นปัจจุบัน", "ตรวจสอบพัสดุประจำปี", "ประชาสัมพันธ์ศูนย์ข้อมูลข่าวสาร",
        "จัดทำคู่มืองานยานพาหนะ", "ประเมินสำนักงานสีเขียว", "ซ่อมบำรุงยานพาหนะตามรอบ", "จัดเก็บเอกสารราชการเข้าระบบ",
    ]
    for n, name in enumerate(names, start=1):
        late = n <= LATE
        activities.append({
            "activity_id": f"P{n:02d}", "mission_id": missions[(n - 1) % len(missions)]["mission_id"], "activity": name,
            "planned_start": d(2025, 10, 1), "planned_end": d(2026, 3, 15) if late else d(2026, 9, 30), "budget": 50000 * n,
            "owner": PEOPLE[n % len(PEOPLE)], "progress": 0 if n % 2 else 40,
            "problems": "งบประมาณได้รับจัดสรรล่าช้า" if n in (1, 4) else None,
            "risks": "อาจดำเนินการไม่ทันรอบ 12 เดือน" if n == 2 else None,
        })  # fmt: skip
    kpis = [
        {"kpi_id": "K01", "name": "ร้อยละของการเบิกจ่ายงบประมาณตามแผน", "perspective": "ประสิทธิผล", "level": "ฝ่าย", "owner": w,
         "mission_id": "B01", "unit": "ร้อยละ", "kind": "มากดี", "weight": 30, "t1": 40, "t2": 45, "t3": 50, "t4": 55, "t5": 60,
         "result_6": 52},
        {"kpi_id": "K02", "name": "ระดับความพึงพอใจของผู้ขอข้อมูลข่าวสาร", "perspective": "คุณภาพการให้บริการ", "level": "ฝ่าย",
         "owner": r, "mission_id": "B02", "unit": "คะแนน", "kind": "มากดี", "weight": 20, "t1": 3, "t2": 3.5, "t3": 4, "t4": 4.25,
         "t5": 4.5, "result_6": 3.8},
        {"kpi_id": "K03", "name": "ระยะเวลาเฉลี่ยในการออกเลขหนังสือ", "perspective": "ประสิทธิภาพ", "level": "ฝ่าย", "owner": s,
         "mission_id": "B03", "unit": "นาที", "kind": "น้อยดี", "weight": 30, "t1": 30, "t2": 25, "t3": 20, "t4": 15, "t5": 10,
         "result_6": 12},
        {"kpi_id": "K04", "name": "ร้อยละของบุคลากรที่ได้รับการพัฒนา", "perspective": "การพัฒนาองค์การ", "level": "ฝ่าย", "owner": w,
         "unit": "ร้อยละ", "kind": "มากดี", "weight": 10, "t1": 60, "t2": 70, "t3": 80, "t4": 90, "t5": 100, "result_6": 75},
        {"kpi_id": "K09", "name": "ผลการประเมินสำนักงานสีเขียว", "perspective": "การพัฒนาองค์การ", "level": "ฝ่าย", "owner": w,
         "mission_id": "B05", "kind": "ขั้นตอน", "weight": 10, "result_6": "ไม่ประเมิน"},
    ]  # fmt: skip
    complaints = []
    categories = ["อื่นๆ"] * 6 + ["สาธารณูปโภค"] * 4 + ["ที่ดิน"] * 2  # the catch-all has the most cases
    for n, category in enumerate(categories, start=1):
        received = d(2025, 10, 1) + dt.timedelta(days=12 * n)
        closed = received + dt.timedelta(days=9) if n % 3 else None
        complaints.append({"case_id": f"R69-{n:03d}", "received": received, "channel": "สายด่วน 1567", "category": category,
                           "subject": "ขอความช่วยเหลือ", "status": "ยุติ" if closed else "อยู่ระหว่างดำเนินการ",
                           "closed": closed, "satisfaction": 4 if closed else None})  # fmt: skip
    for n in range(1, 6):  # carried over: received last fiscal year, two closed this year, three still open
        received = d(2025, 8, 1) + dt.timedelta(days=7 * n)
        closed = d(2025, 11, 10) if n <= 2 else None
        complaints.append({"case_id": f"R68-{n:03d}", "received": received, "channel": "หนังสือ", "category": "ที่ดิน",
                           "subject": "ข้อพิพาทแนวเขตที่ดิน", "status": "ยุติ" if closed else "อยู่ระหว่างดำเนินการ",
                           "closed": closed})  # fmt: skip
    steps = [
        _step("B01", 1, "รับบันทึกขอซื้อขอจ้างจากหน่วยงาน", "เริ่มต้น/สิ้นสุด", a, 30, "นาที"),
        _step("B01", 2, "ตรวจสอบงบประมาณและรายละเอียดคุณลักษณะ", "ปฏิบัติงาน", r, 1, "วัน", control="ตรงตามแผนการจัดซื้อ"),
        _step("B01", 3, "ผู้มีอำนาจอนุมัติการจัดซื้อหรือไม่", "ตัดสินใจ", w, 1, "วัน"),
        _step("B01", 4, "ดำเนินการจัดซื้อจัดจ้างในระบบ e-GP", "ปฏิบัติงาน", a, 7, "วัน", forms="รายงานขอซื้อขอจ้าง"),
        _step("B01", 5, "ตรวจรับพัสดุ", "เอกสาร", r, 1, "วัน", forms="ใบตรวจรับพัสดุ"),
        _step("B01", 6, "เบิกจ่ายเงินและปิดงาน", "เริ่มต้น/สิ้นสุด", a, 3, "วัน"),
        _step("B02", 1, "รับคำขอข้อมูลข่าวสาร", "เริ่มต้น/สิ้นสุด", r, 15, "นาที", forms="แบบคำขอข้อมูลข่าวสาร"),
        _step("B02", 2, "เป็นข้อมูลที่เปิดเผยได้หรือไม่", "ตัดสินใจ", w, 1, "วัน"),
        _step("B02", 3, "ผู้ขอชำระค่าธรรมเนียมแล้วหรือไม่", "ตัดสินใจ", r, 30, "นาที"),
        _step("B02", 4, "ส่งมอบข้อมูลแก่ผู้ขอ", "เริ่มต้น/สิ้นสุด", r, 1, "วัน"),
        _step("B03", 1, "รับหนังสือเข้าจากหน่วยงานภายนอก", "เริ่มต้น/สิ้นสุด", s, 10, "นาที"),
        _step("B03", 2, "ตรวจสอบความครบถ้วนของหนังสือและสิ่งที่ส่งมาด้วย", "ปฏิบัติงาน", "", 10, "นาที"),  # error: no one responsible
        _step("B03", 3, "ลงทะเบียนรับในระบบสารบรรณอิเล็กทรอนิกส์", "ปฏิบัติงาน", s, "สองวัน", "วัน"),  # error: not a number
        _step("B03", 4, "เสนอหัวหน้ากลุ่มงานพิจารณาสั่งการ", "ปฏิบัติงาน", s, 1, "ชั่วโมง"),
        _step("B03", 5, "ดำเนินการตามอำนาจหน้าที่", "ปฏิบัติงาน", a, 2, "วัน"),
        _step("B03", 6, "จัดเก็บเอกสารเข้าระบบ", "เริ่มต้น/สิ้นสุด", s, 20, "นาที"),
    ]  # fmt: skip
    tabs = {
        "ภารกิจ": _rows("missions", missions),
        "แผนปฏิบัติการ": _rows("plan", activities),
        "ตัวชี้วัด": _rows("kpis", kpis),
        "เรื่องร้องเรียน": _rows("complaints", complaints),
        "ขั้นตอนงาน": _rows("sop_steps", steps, leave_out=STEP_COLUMNS_WITHOUT_BRANCHES),
        "คู่มือ": _rows("sop_info", [
            {"mission_id": "B01", "objective": "เพื่อให้การจัดซื้อจัดจ้างถูกต้องตามระเบียบ โปร่งใส ตรวจสอบได้",
             "scope": "ตั้งแต่รับบันทึกขอซื้อจนเบิกจ่ายเงิน", "version": "2", "prepared_by": a, "approved_by": w,
             "approved_on": d(2025, 12, 1), "effective_on": d(2025, 12, 15)},
            {"mission_id": "B02", "objective": "เพื่อให้บริการข้อมูลข่าวสารตามกฎหมายภายในเวลาที่กำหนด", "version": "1",
             "prepared_by": r, "approved_by": w, "approved_on": d(2025, 11, 15)},
            {"mission_id": "B03", "objective": "เพื่อให้งานสารบรรณเป็นไปตามระเบียบงานสารบรรณ", "version": "1"},
        ]),
        "บุคลากร": _rows("staff", [
            {"name": w, "position": "หัวหน้ากลุ่มงานบริหารทั่วไป", "can_do": "B01, B02, B05"},
            {"name": a, "position": "นักวิชาการพัสดุ", "can_do": "B01, B03"},
            {"name": r, "position": "นักจัดการงานทั่วไป", "can_do": "B01, B02"},
            {"name": s, "position": "เจ้าพนักงานธุรการ", "can_do": "B03, B04"},
        ]),
    }  # fmt: skip
    return write_xlsx(path, tabs)
