"""`close`: close a round (a sync, then its closing recorded and, on Google Sheets, its result
column protected), reopen it, list the closings (shared/spec/closing.md)."""

from __future__ import annotations

import datetime as dt

from ..backends.base import Backend
from ..backends.boundary import guarded
from ..config import Settings
from ..core.errors import ConfigError
from ..core.fiscal import Period, resolve_period
from ..schema.validate import ValidatedWorkbook
from ..storage.closings import Closing, already_closed
from .outcomes import CloseOutcome, ClosingsOutcome, ReopenOutcome
from .rounds import closings_of
from .sync import run_sync


def run_close(backend: Backend, settings: Settings, period: Period, *, now: dt.datetime, by: str,
              force: bool = False) -> CloseOutcome:
    """Close the period's round: refused (exit 2) before the round has ended, without a name, or
    when the round is closed already; otherwise a sync, the closing recorded in the history
    database, and on Google Sheets the round's result column protected."""
    if not period.round_closed:
        raise ConfigError(
            f"รอบ {period.round} เดือน ปีงบประมาณ {period.fiscal_year} ยังไม่สิ้นสุด ณ วันที่ {period.as_of.isoformat()}"
            f" (สิ้นสุด {period.round_end(period.round).isoformat()}) — ปิดรอบได้เมื่อรอบสิ้นสุดแล้ว"
        )
    if not by.strip():
        raise ConfigError("ไม่ทราบชื่อผู้ปิดรอบ — ระบุ {by} หรือกำหนด office.signer_name ในค่าตั้ง")
    if closings_of(settings).active(period.fiscal_year, period.round):
        raise ConfigError(already_closed(period.fiscal_year, period.round))
    outcome = run_sync(backend, settings, period, now=now, force=force, closing_by=by)
    closing = closings_of(settings).record(
        fiscal_year=period.fiscal_year, round_months=period.round, as_of=period.as_of, closed_by=by, closed_at=now,
        snapshot_id=outcome.snapshot_id, source=backend.describe(), results=outcome.to_json(),
    )
    protected = protect_result_column(backend, settings, period.round, outcome.results.workbook)
    return CloseOutcome(closing, outcome, protected)


def protect_result_column(backend: Backend, settings: Settings, round_months: int, workbook: ValidatedWorkbook | None) -> bool:
    """Google Sheets: protect the round's KPI result column where `workbook` (the closing's
    validation) found it, or with no workbook remove the round's protection; .xlsx cannot (False)."""
    method = getattr(guarded(backend), "protect_result_column", None)
    if method is None:
        return False
    if workbook is None:
        return bool(method(round_months))
    title = workbook.titles.get("kpis")
    column = workbook.positions.get("kpis", {}).get(f"result_{round_months}")
    if title is None or column is None:
        return False
    return bool(method(round_months, title=title, column=column, editors=settings.close.editors))


def run_reopen(backend: Backend | None, settings: Settings, fiscal_year: int, round_months: int, *, now: dt.datetime,
               by: str, reason: str) -> ReopenOutcome:
    """Mark the round's closing reopened (who, when, why); nothing is deleted. On Google Sheets the
    result column's protection is removed."""
    if not reason.strip():
        raise ConfigError("ต้องระบุ {reason} ด้วย")
    if not by.strip():
        raise ConfigError("ไม่ทราบชื่อผู้เปิดรอบ — ระบุ {by} หรือกำหนด office.signer_name ในค่าตั้ง")
    closing = closings_of(settings).reopen(fiscal_year=fiscal_year, round_months=round_months, reopened_by=by,
                                           reopened_at=now, reason=reason.strip())
    if backend is not None:
        protect_result_column(backend, settings, round_months, None)
    return ReopenOutcome(closing)


def list_closings(settings: Settings) -> ClosingsOutcome:
    """`close --list`: every closing of the history database, reopened ones too."""
    return ClosingsOutcome(closings_of(settings).list(), settings.history_file)


DEMO_REOPEN_REASON = "sheets-sync demo สร้างสมุดงานตัวอย่างใหม่"


def close_demo_rounds(backend: Backend, settings: Settings, period: Period, *, now: dt.datetime) -> list[Closing]:
    """The demo closes every enabled round that has ended by its as-of (6, and at a whole-year
    as-of 9 and 12), each at its round's end, a minute apart; a closing left by an earlier demo
    run in the same folder is reopened first (nothing is deleted)."""
    ended = [m for m in period.rounds if period.round_has_ended(m)]
    by = settings.office.signer_name or "ผู้ปิดรอบตัวอย่าง"
    done = []
    for n, months in enumerate(ended):
        at = now - dt.timedelta(minutes=len(ended) - n)
        if closings_of(settings).active(period.fiscal_year, months):
            run_reopen(None, settings, period.fiscal_year, months, now=at, by=by, reason=DEMO_REOPEN_REASON)
        round_period = resolve_period(period.round_end(months), period.rounds, period.fiscal_year, months)
        done.append(run_close(backend, settings, round_period, now=at, by=by).closing)
    return done
