"""The plan as an iCalendar file (RFC 5545, outputs.md "Calendar"), with the `icalendar` library.

Every event is all-day (DTSTART;VALUE=DATE, DTEND the day after the last day: RFC 5545's end
is exclusive). Every UID is derived from the workbook's identity and the row's id, so a
re-import or a subscription updates the event instead of adding a second one, and the file is
always the whole calendar: an activity removed from the plan is simply no longer in it.
Nothing in the file depends on the clock: DTSTAMP is the data date (as-of, 00:00 Bangkok), so
two exports of the same workbook on the same as-of are byte for byte the same.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

import icalendar

from ..compute.schedule import ACTIVITY, MEMO_DUE, ROUND_END, SOP_REVIEW, CalendarEntry
from ..core.thai_dates import BANGKOK, TIME_ZONE, thai_date
from ..core.vocabulary import PLAN_STATUSES, choice_label
from ..storage.atomic import write_atomically

PRODID = "-//sheets-sync//plan calendar//TH"
KIND_ORDER = (ROUND_END, MEMO_DUE, SOP_REVIEW, ACTIVITY)
CATEGORY = {
    ACTIVITY: "กิจกรรมตามแผน",
    ROUND_END: "สิ้นสุดรอบติดตาม",
    MEMO_DUE: "กำหนดส่งรายงาน",
    SOP_REVIEW: "ทบทวนคู่มือ",
}


def calendar_file(out_dir: Path, fiscal_year: int) -> Path:
    return out_dir / f"plan-FY{fiscal_year}.ics"


def workbook_key(office_name: str, workbook_identity: str) -> str:
    """12 hex digits naming this office's workbook in every UID (the same on every machine)."""
    return hashlib.sha256(f"{office_name}\n{workbook_identity}".encode()).hexdigest()[:12]


def event_uid(entry: CalendarEntry, fiscal_year: int, key: str) -> str:
    """`activity-A01-FY2569@<key>.sheets-sync`: the row's id, never its position or its dates."""
    return f"{entry.kind.replace('_', '-')}-{quote(entry.ref, safe='')}-FY{fiscal_year}@{key}.sheets-sync"


def _summary(entry: CalendarEntry, fiscal_year: int) -> str:
    if entry.kind == ACTIVITY:
        return f"{entry.ref} {entry.name}"
    if entry.kind == ROUND_END:
        return f"สิ้นสุดรอบติดตาม {entry.ref} เดือน ปีงบประมาณ {fiscal_year}"
    if entry.kind == MEMO_DUE:
        return f"กำหนดเสนอรายงานผลการติดตาม รอบ {entry.ref} เดือน ปีงบประมาณ {fiscal_year}"
    return f"ครบกำหนดทบทวนคู่มือ {entry.ref} {entry.name}"


def _description(entry: CalendarEntry, as_of: dt.date, round_end: dict[str, dt.date]) -> str:
    lines = []
    if entry.kind == ACTIVITY:
        lines.append(f"ผู้รับผิดชอบ: {entry.owner or '-'}")
        lines.append(f"สถานะ ณ วันที่ {thai_date(as_of)}: {choice_label(PLAN_STATUSES, entry.status)}")
        lines.append(f"ภารกิจ: {entry.mission_id}")
        lines.append(f"ตามแผน: {thai_date(entry.start)} – {thai_date(entry.end)}")
    elif entry.kind == ROUND_END:
        lines.append("วันสุดท้ายของรอบ: ผลตัวชี้วัดและความก้าวหน้าของกิจกรรมรอบนี้ต้องบันทึกให้ครบ")
    elif entry.kind == MEMO_DUE:
        lines.append(f"รอบสิ้นสุด {thai_date(round_end[entry.ref])}: เสนอบันทึกรายงานผลการติดตามต่อผู้ว่าราชการจังหวัด")
    else:
        lines.append(f"ผู้รับผิดชอบ: {entry.owner or '-'}")
        lines.append("คู่มือการปฏิบัติงานที่ทบทวนครั้งล่าสุดครบรอบการทบทวนในวันนี้")
    return "\n".join(lines)


def render_plan_calendar(
    entries: Iterable[CalendarEntry],
    *,
    fiscal_year: int,
    as_of: dt.date,
    key: str,
    calendar_name: str,
) -> bytes:
    """The whole calendar as iCalendar bytes, events in a stable order."""
    entries = sorted(entries, key=lambda e: (KIND_ORDER.index(e.kind), e.start, e.ref))
    round_end = {e.ref: e.start for e in entries if e.kind == ROUND_END}
    stamp = dt.datetime.combine(as_of, dt.time(), BANGKOK).astimezone(dt.UTC)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", calendar_name)
    cal.add("x-wr-timezone", TIME_ZONE)
    cal.add("x-wr-caldesc", f"ข้อมูล ณ วันที่ {thai_date(as_of)} · ปีงบประมาณ {fiscal_year}")
    for entry in entries:
        event = icalendar.Event()
        event.add("uid", event_uid(entry, fiscal_year, key))
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.start)
        event.add("dtend", entry.end + dt.timedelta(days=1))  # exclusive: the day after the last day
        event.add("summary", _summary(entry, fiscal_year))
        event.add("description", _description(entry, as_of, round_end))
        event.add("categories", [CATEGORY[entry.kind]])
        event.add("transp", "TRANSPARENT")  # an all-day plan entry does not make anyone busy
        cal.add_component(event)
    return cal.to_ical()


def write_plan_calendar(path: Path, data: bytes) -> Path:
    write_atomically(path, lambda temp: temp.write_bytes(data))
    return path
