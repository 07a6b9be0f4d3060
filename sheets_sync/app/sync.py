"""`sync`: validate, compute, rewrite the summary tabs, save the JSON and a snapshot; `history restore`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..backends.base import Backend
from ..backends.boundary import guarded
from ..backends.xlsx.backend import write_tabs_to_new_workbook
from ..compute.trend import ClosedFigures
from ..config import Settings
from ..core.errors import ConfigError, OutputError, SheetsSyncError
from ..core.fiscal import Period
from ..present.summary_tabs import build_summary_tabs
from ..storage.atomic import write_atomically
from ..storage.history import History
from .outcomes import RestoreOutcome, SyncOutcome
from .workbook import compute_from, personal_columns, prepare_folder, results_file, results_json


def run_sync(
    backend: Backend,
    settings: Settings,
    period: Period,
    *,
    now: dt.datetime,
    force: bool = False,
    strict: bool = False,
    closing_by: str | None = None,
) -> SyncOutcome:
    """Validate, compute, rewrite the summary tabs in one write, save the JSON and a snapshot.

    One sync of a workbook (or Sheet) at a time: a second one waits `sync.wait_seconds`, then
    exit 3. Everything that can fail is built and checked before the first write: the summary
    tabs, the strict JSON text (no NaN/inf), the history rows (hashed), the output folder, and the
    history database's write lock, which is held across the workbook write. Then the workbook
    (last-moment checked against a staff save), the JSON, and the snapshot's commit.
    """
    backend = guarded(backend)
    out_dir = settings.out_dir
    with backend.sync_lock(out_dir, settings.sync.wait_seconds):
        computed = compute_from(backend, settings, period)
        tabs, results = computed.tabs, computed.results
        if closing_by is not None:  # the sync of `close`: its tabs and JSON already show the round closed
            results.round_states = {**(results.round_states or {}), period.round: ClosedFigures(
                period.fiscal_year, period.round, period.as_of, now.date(), closing_by, {})}
        summary = build_summary_tabs(results, thai_digits=settings.output.thai_digits, section=settings.office.section)
        document = results.to_json()
        try:
            text = results_json(document) + "\n"
        except (ValueError, OverflowError) as err:
            raise SheetsSyncError(
                "ผลการคำนวณมีค่าที่ไม่ใช่ตัวเลขจริง (nan/inf) — ตรวจตัวเลขที่ใหญ่ผิดปกติในแท็บข้อมูล (ไม่ได้เปลี่ยนแปลงอะไร)"
            ) from err
        path = results_file(out_dir, period)
        prepare_folder(path.parent)
        history = History(settings.history_file, settings.history)
        history.ensure()
        pending = history.prepare(taken_at=now, source=backend.describe(), period=period,
                                  counts=(results.report.errors, results.report.warnings), tabs=tabs, results=document,
                                  personal=personal_columns(tabs, results.workbook.schema))
        with history.recording(pending) as snapshot_id:
            backend.write_summary_tabs(summary, force=force)
            try:
                write_atomically(path, lambda temp: temp.write_text(text, encoding="utf-8"))
            except OSError as err:
                raise OutputError(
                    f"เขียนแท็บสรุปแล้ว แต่บันทึกผลลัพธ์ {path} ไม่สำเร็จ ({err.strerror}) — แก้แล้วสั่ง sync ใหม่"
                ) from err
    return SyncOutcome(results, path, snapshot_id, [t.title for t in summary], source=backend.describe(), strict=strict)


def restore_snapshot(settings: Settings, snapshot_id: int, out_file: Path, only_tabs: tuple[str, ...] = ()) -> RestoreOutcome:
    """Write a snapshot's input tabs to a new .xlsx; refuses to overwrite an existing file."""
    tabs = History(settings.history_file, settings.history).tabs(snapshot_id)
    if only_tabs:
        missing = [t for t in only_tabs if t not in tabs]
        if missing:
            raise ConfigError(f"ประวัติหมายเลข {snapshot_id} ไม่มีแท็บ {', '.join(missing)} (มี: {', '.join(tabs)})")
        tabs = {t: tabs[t] for t in only_tabs}
    if out_file.exists():
        raise ConfigError(f"{out_file} มีอยู่แล้ว — ระบุชื่อไฟล์ใหม่ (ไม่เขียนทับไฟล์เดิม)")
    write_tabs_to_new_workbook(out_file, tabs)
    return RestoreOutcome(snapshot_id, out_file, list(tabs))
