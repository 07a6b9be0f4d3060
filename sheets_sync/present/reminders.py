"""Reminder messages in Thai (outputs.md "Reminders"): one per person, and the section head's summary.

Each message is built once as headed sections of lines, then rendered twice: plain text and a
simple HTML alternative (every value escaped). A message names case ids, days open and the
category of complaints, never a complainant: `CaseItem` carries nothing else.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..compute.reminders import ActivityItem, CaseItem, KpiItem, PersonReminder, ReminderPlan, ReviewItem
from ..core.thai_dates import thai_date, thai_date_short
from ..core.vocabulary import KPI_STATES, PLAN_STATUSES, choice_label
from ..schema.tabs import SUMMARY_TAB_TITLES

PLAN_TAB, KPI_TAB, COMPLAINT_TAB, MISSION_TAB = SUMMARY_TAB_TITLES[1], SUMMARY_TAB_TITLES[2], SUMMARY_TAB_TITLES[3], SUMMARY_TAB_TITLES[4]
NO_ADDRESS = "ไม่มีอีเมลที่ใช้ได้ในแท็บ บุคลากร"
NOT_IN_STAFF = "ไม่มีชื่อในแท็บ บุคลากร"


@dataclass(frozen=True)
class MessageContext:
    """What every message says besides the items: who sends it, about which data, where to look."""

    section: str  # ฝ่ายอำนวยการ
    office: str
    fiscal_year: int
    round: int
    round_closed: bool
    workbook: str  # the workbook's name as staff know it
    workbook_url: str = ""  # a link to the Google Sheet, when there is one
    sla_days: int = 15
    due_within_days: int = 14


@dataclass(frozen=True)
class RenderedMessage:
    person: str  # "" for the section head's summary
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class Section:
    heading: str
    lines: tuple[str, ...]


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:g}%"


def activity_line(item: ActivityItem) -> str:
    status = choice_label(PLAN_STATUSES, item.status)
    end = thai_date_short(item.planned_end)
    if item.status == "overdue":
        detail = f"{status} {item.days_overdue} วัน (สิ้นสุดตามแผน {end}) · ความก้าวหน้า {_pct(item.progress_pct)}"
    elif item.status == "behind":
        detail = f"{status} · ความก้าวหน้า {_pct(item.progress_pct)} (ตามแผนควรถึง {_pct(item.expected_pct)}) · สิ้นสุดตามแผน {end}"
    elif item.status == "not_started":
        detail = f"{status} · เริ่มตามแผน {thai_date_short(item.planned_start)} · สิ้นสุดตามแผน {end}"
    else:
        detail = f"ใกล้ครบกำหนด {end} · ความก้าวหน้า {_pct(item.progress_pct)}"
    if item.due_soon and item.status in ("behind", "not_started"):
        detail += " · ใกล้ครบกำหนด"
    return f"{item.activity_id} {item.activity} — {detail}"


def kpi_line(item: KpiItem) -> str:
    if item.state == "not_reported":
        detail = f"{choice_label(KPI_STATES, item.state)}ผลรอบ {item.round} เดือน (รอบสิ้นสุด {thai_date_short(item.round_end)})"
    else:
        detail = f"ถึงกำหนดรายงานผลรอบ {item.round} เดือน ภายใน {thai_date_short(item.round_end)}"
    return f"{item.kpi_id} {item.name} — {detail}"


def review_line(item: ReviewItem) -> str:
    if item.due_on is None:
        detail = "มีคู่มือแต่ยังไม่ได้บันทึกวันที่ทบทวน — ถึงกำหนดทบทวน"
    elif item.overdue:
        detail = f"ครบกำหนดทบทวนเมื่อ {thai_date_short(item.due_on)} (ทบทวนล่าสุด {thai_date_short(item.reviewed)})"  # type: ignore[arg-type]
    else:
        detail = f"ครบกำหนดทบทวน {thai_date_short(item.due_on)}"
    return f"{item.mission_id} {item.name} — {detail}"


def case_line(item: CaseItem) -> str:
    return f"{item.case_id} — เปิดมาแล้ว {item.days_open} วัน · ประเภท {item.category}"


def person_sections(reminder: PersonReminder, ctx: MessageContext) -> list[Section]:
    sections = []
    if reminder.activities:
        sections.append(Section(f"กิจกรรมตามแผนปฏิบัติการ ({len(reminder.activities)})", tuple(map(activity_line, reminder.activities))))
    if reminder.kpis:
        sections.append(Section(f"ตัวชี้วัดที่ต้องรายงานผล ({len(reminder.kpis)})", tuple(map(kpi_line, reminder.kpis))))
    if reminder.reviews:
        sections.append(Section(f"คู่มือการปฏิบัติงานที่ถึงกำหนดทบทวน ({len(reminder.reviews)})", tuple(map(review_line, reminder.reviews))))
    if reminder.cases:
        sections.append(Section(
            f"เรื่องร้องเรียนของหน่วยงานที่เกินกำหนด {ctx.sla_days} วัน ({len(reminder.cases)})", tuple(map(case_line, reminder.cases))
        ))
    return sections


def _tabs_line(reminder: PersonReminder | None, ctx: MessageContext) -> str:
    if reminder is None:
        tabs = [SUMMARY_TAB_TITLES[0], PLAN_TAB, KPI_TAB, MISSION_TAB, COMPLAINT_TAB]
    else:
        tabs = [t for t, items in ((PLAN_TAB, reminder.activities), (KPI_TAB, reminder.kpis), (MISSION_TAB, reminder.reviews),
                                   (COMPLAINT_TAB, reminder.cases)) if items]
    where = f"{ctx.workbook} ({ctx.workbook_url})" if ctx.workbook_url else ctx.workbook
    return f"ดูรายละเอียดได้ที่แท็บ {', '.join(tabs)} ในสมุดงาน {where}"


def _as_of_text(as_of: dt.date, ctx: MessageContext) -> str:
    round_text = f"รอบ {ctx.round} เดือน" + ("" if ctx.round_closed else " (อยู่ระหว่างดำเนินการ)")
    return f"ข้อมูล ณ วันที่ {thai_date(as_of)} · ปีงบประมาณ {ctx.fiscal_year} · {round_text}"


def _render(person: str, subject: str, greeting: str, intro: Sequence[str], sections: Sequence[Section], closing: Sequence[str]) -> RenderedMessage:
    text = [greeting, "", *intro, ""]
    for section in sections:
        text.append(section.heading)
        text.extend(f"  • {line}" for line in section.lines)
        text.append("")
    text.extend(closing)
    esc = html.escape
    body = [f"<p>{esc(greeting)}</p>", *(f"<p>{esc(line)}</p>" for line in intro)]
    for section in sections:
        body.append(f"<h3>{esc(section.heading)}</h3>")
        body.append("<ul>" + "".join(f"<li>{esc(line)}</li>" for line in section.lines) + "</ul>")
    body.extend(f"<p>{esc(line)}</p>" for line in closing)
    page = (
        '<!DOCTYPE html>\n<html lang="th"><head><meta charset="utf-8">'
        f"<title>{esc(subject)}</title></head>\n<body>\n" + "\n".join(body) + "\n</body></html>\n"
    )
    return RenderedMessage(person, subject, "\n".join(text) + "\n", page)


def _closing(reminder: PersonReminder | None, ctx: MessageContext) -> list[str]:
    return [_tabs_line(reminder, ctx), f"ข้อความนี้ส่งโดยอัตโนมัติจากระบบติดตามงานของ{ctx.section} {ctx.office}"]


def render_person_reminder(reminder: PersonReminder, plan: ReminderPlan, ctx: MessageContext) -> RenderedMessage:
    """The message to one person: only their items."""
    intro = [
        f"รายการที่รอท่านดำเนินการ {reminder.item_count} รายการ (รวมที่ครบกำหนดภายใน {ctx.due_within_days} วัน ถึง {thai_date(plan.window_end)})",
        _as_of_text(plan.as_of, ctx),
    ]
    subject = f"{ctx.section}: รายการที่รอท่านดำเนินการ ณ วันที่ {thai_date(plan.as_of)}"
    return _render(reminder.person, subject, f"เรียน {reminder.person}", intro, person_sections(reminder, ctx), _closing(reminder, ctx))


def _counts(reminder: PersonReminder) -> str:
    parts = []
    for label, items, ids in (
        ("กิจกรรม", reminder.activities, [a.activity_id for a in reminder.activities]),
        ("ตัวชี้วัด", reminder.kpis, [f"{k.kpi_id} รอบ {k.round}" for k in reminder.kpis]),
        ("คู่มือ", reminder.reviews, [r.mission_id for r in reminder.reviews]),
        ("เรื่องร้องเรียน", reminder.cases, [c.case_id for c in reminder.cases]),
    ):
        if items:
            parts.append(f"{label} {len(items)} ({', '.join(ids)})")
    return " · ".join(parts)


def render_head_summary(
    plan: ReminderPlan,
    addresses: Mapping[str, str | None],
    not_reachable: Mapping[str, str],
    ctx: MessageContext,
    head_name: str = "",
) -> RenderedMessage:
    """To the section head: who was told what, who could not be reached (ติดต่อไม่ได้) and why."""
    told = [r for r in plan.people if r.person not in not_reachable]
    unreached = [r for r in plan.people if r.person in not_reachable]
    intro = [
        f"แจ้งเตือนผู้รับผิดชอบทางอีเมล {len(told)} คน · ติดต่อไม่ได้ {len(unreached)} คน",
        _as_of_text(plan.as_of, ctx),
    ]
    sections = []
    if told:
        sections.append(Section("ส่งการแจ้งเตือนถึง", tuple(f"{r.person} <{addresses[r.person]}>: {_counts(r)}" for r in told)))
    if unreached:
        sections.append(Section(
            "ติดต่อไม่ได้ — โปรดแจ้งด้วยตนเอง",
            tuple(f"{r.person} ({not_reachable[r.person]}): {_counts(r)}" for r in unreached),
        ))
    if plan.unassigned_cases:
        sections.append(Section(
            f"เรื่องร้องเรียนเกินกำหนดที่ไม่ตรงกับหน่วยงานของผู้ใดในแท็บ บุคลากร ({len(plan.unassigned_cases)})",
            (", ".join(c.case_id for c in plan.unassigned_cases),),
        ))
    if not plan.people:
        sections.append(Section("ไม่มีรายการที่ต้องแจ้งเตือน", ("ทุกคนไม่มีงานค้างหรือใกล้ครบกำหนด",)))
    greeting = f"เรียน {head_name}" if head_name else f"เรียน หัวหน้า{ctx.section}"
    subject = f"{ctx.section}: สรุปการแจ้งเตือนงานที่ต้องติดตาม ณ วันที่ {thai_date(plan.as_of)}"
    return _render("", subject, greeting, intro, sections, _closing(None, ctx))
