"""`report`, `sop` and `calendar`: the Word documents and the plan calendar."""

from __future__ import annotations

import datetime as dt

from ..backends.base import Backend
from ..compute.schedule import plan_calendar
from ..config import Settings
from ..core.errors import ConfigError, OutputError
from ..core.fiscal import Period
from .outcomes import CalendarOutcome, ClosedReport, ReportOutcome, SopOutcome
from .rounds import closed_results, closings_of
from .workbook import compute_from


def run_report(backend: Backend, settings: Settings, period: Period, *, memo_date: dt.date | None, today: dt.date,
               live: bool = False, allow_example_office: bool = False) -> ReportOutcome:
    """The follow-up memo to the governor for the period's round (.docx).

    A closed round's memo renders the closed figures (the memo that was sent, dated the closing
    day unless `memo_date` is given); `live`, or a round not closed, renders the workbook as it
    is now, dated `memo_date` or `today` (closing.md).

    Refused (ConfigError, exit 2) while the office, signer or document number are still the
    example config's values: a memo must never go out signed by the example office. The demo,
    which uses the example office on purpose, passes `allow_example_office`.
    """
    from ..documents.memo import render_followup_report

    check_office(settings, allow_example_office)
    closing = None if live else closings_of(settings).active(period.fiscal_year, period.round)
    if closing is None:
        results = compute_from(backend, settings, period).results
        return ReportOutcome(results, render_followup_report(results, settings, settings.out_dir, memo_date=memo_date or today))
    closed = closed_results(settings, closing)
    path = render_followup_report(closed.results, settings, settings.out_dir, memo_date=memo_date or closing.closed_on)
    return ReportOutcome(closed.results, path, ClosedReport(closing, closed.figures_match))


def check_office(settings: Settings, allow_example_office: bool) -> None:
    """Refused (ConfigError) while the office, signer or document number are the example's."""
    from ..config import example_office_keys

    left = [] if allow_example_office else example_office_keys(settings.office)
    if left:
        where = settings.source or "config/office.toml"
        raise ConfigError(f"ยังไม่ได้ตั้งค่าของสำนักงาน: {', '.join(left)} ยังเป็นค่าตัวอย่างหรือว่างอยู่ — แก้ใน {where} ก่อนออกรายงาน")


def run_sop(backend: Backend, settings: Settings, period: Period, mission_id: str | None = None) -> SopOutcome:
    """SOP manuals (.docx), one per process with steps (or just `mission_id`), plus the index."""
    from ..documents.sop import render_sop_manuals

    results = compute_from(backend, settings, period).results
    paths = render_sop_manuals(results, settings, settings.out_dir, mission_id=mission_id)
    return SopOutcome(results, paths, settings.out_dir / "sop")


def run_calendar(backend: Backend, settings: Settings, period: Period) -> CalendarOutcome:
    """<out>/plan-FY<fy>.ics: the whole plan, rounds, memo due dates and SOP reviews."""
    from ..documents.calendar import calendar_file, render_plan_calendar, workbook_key, write_plan_calendar

    results = compute_from(backend, settings, period).results
    entries = plan_calendar(results, memo_due_days=settings.remind.memo_due_days, review_every_days=settings.sop.review_every_days)
    data = render_plan_calendar(
        entries,
        fiscal_year=period.fiscal_year,
        as_of=period.as_of,
        key=workbook_key(settings.office.name, backend.ref.name),
        calendar_name=f"แผนปฏิบัติการ {settings.office.section} ปีงบประมาณ {period.fiscal_year}",
    )
    path = calendar_file(settings.out_dir, period.fiscal_year)
    try:
        write_plan_calendar(path, data)
    except OSError as err:
        raise OutputError(f"เขียนไฟล์ปฏิทิน {path} ไม่ได้ ({err.strerror}) — ตรวจ {{out}}") from err
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry.kind] = counts.get(entry.kind, 0) + 1
    return CalendarOutcome(path, counts, period)
