"""`demo`: build the demo workbook and run every command on it."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from ..backends.boundary import guarded
from ..backends.xlsx.backend import XlsxBackend
from ..config import Settings
from ..core.fiscal import resolve_period
from ..present.demo import P, write_demo_workbook
from .closing import close_demo_rounds
from .documents import run_calendar, run_report, run_sop
from .outcomes import DemoOutcome
from .remind import run_remind
from .sync import run_sync
from .workbook import run_validate


def run_demo(settings: Settings, as_of: dt.date, *, seed: int, now: dt.datetime) -> DemoOutcome:
    """Build the demo workbook in the output folder and run every command on it."""
    path = write_demo_workbook(settings.out_dir / "demo-workbook.xlsx", as_of, seed, settings.fiscal.rounds)
    backend = guarded(XlsxBackend(path))
    period = resolve_period(as_of, settings.fiscal.rounds)
    closed = close_demo_rounds(backend, settings, period, now=now)
    if closed:  # staff change a reported result afterwards: the sync below warns on that cell
        write_demo_workbook(path, as_of, seed, settings.fiscal.rounds, late_edit=True)
    validation = run_validate(backend, settings, period)
    outcome = run_sync(backend, settings, period, now=now)
    memo = run_report(backend, settings, period, memo_date=now.date(), today=now.date(),
                      allow_example_office=True)  # the demo's office is the example
    manuals = run_sop(backend, settings, period)
    # The demo office's complaint follower (the Damrongdhama owner) and a fictional head address.
    demo_remind = replace(settings, remind=replace(
        settings.remind,
        complaint_units=settings.remind.complaint_units or (("*", P[4]),),
        head_email=settings.remind.head_email or "head.admin@example.go.th",
    ))
    reminders = run_remind(backend, demo_remind, period, now=now, dry_run=True)
    calendar = run_calendar(backend, settings, period)
    return DemoOutcome(path, validation, outcome, [memo.path, *manuals.paths], reminders=reminders, calendar=calendar,
                       closed=closed)
