"""`report`, `sop` and `calendar`: the Word documents and the plan calendar."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..backends.base import Backend
from ..compute.results import Results
from ..compute.schedule import plan_calendar
from ..config import Settings
from ..core.errors import ConfigError
from ..core.fiscal import Period
from .outcomes import CalendarOutcome
from .workbook import compute_from, workbook_identity


def run_report(
    backend: Backend, settings: Settings, period: Period, out_dir: Path, *, memo_date: dt.date, allow_example_office: bool = False
) -> tuple[Results, Path]:
    """The follow-up memo to the governor for the period's round (.docx), dated `memo_date`.

    Refused (ConfigError, exit 2) while the office, signer or document number are still the
    example config's values: a memo must never go out signed by the example office. The demo,
    which uses the example office on purpose, passes `allow_example_office`.
    """
    from ..config import example_office_keys
    from ..documents.memo import render_followup_report

    left = [] if allow_example_office else example_office_keys(settings.office)
    if left:
        where = settings.source or "config/office.toml"
        raise ConfigError(f"ยังไม่ได้ตั้งค่าของสำนักงาน: {', '.join(left)} ยังเป็นค่าตัวอย่างหรือว่างอยู่ — แก้ใน {where} ก่อนออกรายงาน")

    _, results = compute_from(backend, settings, period)
    return results, render_followup_report(results, settings, out_dir, memo_date=memo_date)


def run_sop(backend: Backend, settings: Settings, period: Period, out_dir: Path, mission_id: str | None = None) -> tuple[Results, list[Path]]:
    """SOP manuals (.docx), one per process with steps (or just `mission_id`), plus the index."""
    from ..documents.sop import render_sop_manuals

    _, results = compute_from(backend, settings, period)
    return results, render_sop_manuals(results, settings, out_dir, mission_id=mission_id)


def run_calendar(backend: Backend, settings: Settings, period: Period, out_dir: Path) -> CalendarOutcome:
    """<out>/plan-FY<fy>.ics: the whole plan, rounds, memo due dates and SOP reviews."""
    from ..documents.calendar import calendar_file, render_plan_calendar, workbook_key, write_plan_calendar

    _, results = compute_from(backend, settings, period)
    entries = plan_calendar(results, memo_due_days=settings.remind.memo_due_days, review_every_days=settings.sop.review_every_days)
    data = render_plan_calendar(
        entries,
        fiscal_year=period.fiscal_year,
        as_of=period.as_of,
        key=workbook_key(settings.office.name, workbook_identity(backend)),
        calendar_name=f"แผนปฏิบัติการ {settings.office.section} ปีงบประมาณ {period.fiscal_year}",
    )
    path = calendar_file(out_dir, period.fiscal_year)
    try:
        write_plan_calendar(path, data)
    except OSError as err:
        raise ConfigError(f"เขียนไฟล์ปฏิทิน {path} ไม่ได้ ({err.strerror}) — ตรวจ --out") from None
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry.kind] = counts.get(entry.kind, 0) + 1
    return CalendarOutcome(path, counts, period)
