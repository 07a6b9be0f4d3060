"""One library function per command: read → validate → compute → present.

The CLI builds the settings and a backend, calls one of these, renders what comes back and
picks the exit code. Nothing here reads the clock or the environment: as-of and settings are
arguments, which is what makes every result reproducible.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .atomic import write_atomically
from .backends.base import Backend, InputColumnSpec, InputTabSpec
from .cells import TabData
from .compute.fiscal import Period, resolve_period
from .compute.results import Results, compute_results
from .config import Settings
from .errors import ConfigError, SheetsSyncError
from .history import History
from .present.summary_tabs import build_summary_tabs
from .schema.issues import Issue
from .schema.tabs import ColType, Tab, input_tabs
from .schema.validate import ValidatedWorkbook, input_titles, validate_workbook


def read_workbook(
    backend: Backend, settings: Settings, fiscal_year: int | None, as_of: dt.date | None = None
) -> tuple[dict[str, TabData], ValidatedWorkbook]:
    """Read every input tab in one go and validate it: the tabs as read, and the validation."""
    schema = input_tabs(settings.rounds)
    tabs = backend.read_tabs(input_titles(backend.tab_titles(), schema))
    validated = validate_workbook(
        tabs,
        rounds=settings.rounds,
        fiscal_year=fiscal_year,
        complaint_categories=settings.complaint_categories,
        as_of=as_of,
    )
    return tabs, validated


@dataclass
class ValidationReport:
    period: Period
    workbook: ValidatedWorkbook

    @property
    def issues(self) -> list[Issue]:
        return self.workbook.issues

    @property
    def valid(self) -> bool:
        return self.workbook.error_count == 0

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.period.as_of.isoformat(),
            "fiscal_year": self.period.fiscal_year,
            "issues": [i.to_json() for i in self.issues],
        }


def run_validate(
    backend: Backend,
    settings: Settings,
    as_of: dt.date,
    fiscal_year: int | None = None,
    round_months: int | None = None,
) -> ValidationReport:
    """Read and validate; write nothing."""
    period = resolve_period(as_of, settings.rounds, fiscal_year, round_months)
    return ValidationReport(period, read_workbook(backend, settings, period.fiscal_year, period.as_of)[1])


def input_tab_specs(settings: Settings) -> list[InputTabSpec]:
    """What `init` creates: every input tab with its headers, dropdowns and date columns."""
    return [_tab_spec(tab) for tab in input_tabs(settings.rounds)]


def _tab_spec(tab: Tab) -> InputTabSpec:
    columns = []
    for col in tab.columns:
        width = 14 if col.type in (ColType.DATE, ColType.NUMBER, ColType.PERCENT, ColType.RESULT) else 22
        columns.append(
            InputColumnSpec(
                header=col.th,
                choices=tuple(c.th for c in col.choices),
                is_date=col.type is ColType.DATE,
                width=width,
            )
        )
    return InputTabSpec(tab.th, tuple(columns))


@dataclass
class InitOutcome:
    created_tabs: list[str]
    config_written: Path | None = None
    existing_tabs: list[str] = field(default_factory=list)


def run_init(backend: Backend, settings: Settings, config_path: Path | None) -> InitOutcome:
    """Create the missing input tabs (never touching an existing one) and the config file."""
    specs = input_tab_specs(settings)
    created = backend.create_input_tabs(specs)
    existing = [s.title for s in specs if s.title not in created]
    written = None
    if config_path is not None and not config_path.exists():
        config_path.parent.mkdir(parents=True, exist_ok=True)
        config_path.write_text(example_config_text(), encoding="utf-8")
        written = config_path
    return InitOutcome(created, written, existing)


def example_config_text() -> str:
    """The commented example config shipped with the package."""
    return (Path(__file__).parent / "data" / "office.example.toml").read_text(encoding="utf-8")


def results_json(data: dict[str, Any]) -> str:
    """Strict JSON (NaN is refused: it would be invalid JSON for every other program)."""
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False)


def write_json(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = results_json(data) + "\n"
    write_atomically(path, lambda temp: temp.write_text(text, encoding="utf-8"))  # a reader never sees half
    return path


@dataclass
class SyncOutcome:
    results: Results
    results_path: Path
    snapshot_id: int
    tabs_written: list[str]

    @property
    def document(self) -> dict[str, Any]:
        return self.results.to_json()


def results_file(out_dir: Path, period: Period) -> Path:
    return out_dir / f"results-FY{period.fiscal_year}-R{period.round}.json"


def compute_from(backend: Backend, settings: Settings, period: Period) -> tuple[dict[str, TabData], Results]:
    """Read, validate and compute, writing nothing (report and sop use this)."""
    tabs, workbook = read_workbook(backend, settings, period.fiscal_year, period.as_of)
    return tabs, compute_results(workbook, period, settings)


def run_sync(
    backend: Backend,
    settings: Settings,
    period: Period,
    *,
    now: dt.datetime,
    out_dir: Path,
    force: bool = False,
) -> SyncOutcome:
    """Validate, compute, rewrite the summary tabs in one write, save the JSON and a snapshot.

    The summary tabs are written first: if the workbook refuses, no results file or snapshot
    claims a sync that did not happen.
    """
    tabs, results = compute_from(backend, settings, period)
    summary = build_summary_tabs(results, thai_digits=settings.thai_digits)
    document = results.to_json()
    path = results_file(out_dir, period)
    # Everything that could fail after the workbook write is checked before it.
    _prepare_folder(path.parent)
    history = History(settings.history_file)
    history.ensure()
    backend.write_summary_tabs(summary, force=force)
    try:
        write_json(path, document)
        snapshot_id = history.record(taken_at=now, source=backend.describe(), tabs=tabs, results=document)
    except (OSError, SheetsSyncError) as err:
        raise SheetsSyncError(f"เขียนแท็บสรุปแล้ว แต่บันทึกผลลัพธ์/ประวัติไม่สำเร็จ: {err} — แก้แล้วสั่ง sync ใหม่") from None
    return SyncOutcome(results, path, snapshot_id, [t.title for t in summary])


def _prepare_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".sheets-sync-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as err:
        raise ConfigError(f"เขียนลงโฟลเดอร์ผลลัพธ์ {folder} ไม่ได้ ({err.strerror}) — ตรวจ --out (ไม่ได้เปลี่ยนแปลงอะไร)") from None


def restore_snapshot(settings: Settings, snapshot_id: int, out_file: Path, only_tabs: tuple[str, ...] = ()) -> tuple[Path, list[str]]:
    """Write a snapshot's input tabs to a new .xlsx; refuses to overwrite an existing file."""
    from .backends.xlsx import write_tabs_to_new_workbook
    from .errors import ConfigError

    tabs = History(settings.history_file).tabs(snapshot_id)
    if only_tabs:
        missing = [t for t in only_tabs if t not in tabs]
        if missing:
            raise ConfigError(f"ประวัติหมายเลข {snapshot_id} ไม่มีแท็บ {', '.join(missing)} (มี: {', '.join(tabs)})")
        tabs = {t: tabs[t] for t in only_tabs}
    if out_file.exists():
        raise ConfigError(f"{out_file} มีอยู่แล้ว — ระบุชื่อไฟล์ใหม่ (ไม่เขียนทับไฟล์เดิม)")
    write_tabs_to_new_workbook(out_file, tabs)
    return out_file, list(tabs)


def run_report(backend: Backend, settings: Settings, period: Period, out_dir: Path) -> tuple[Results, Path]:
    """The follow-up memo to the governor for the period's round (.docx)."""
    from .documents.memo import render_followup_report

    _, results = compute_from(backend, settings, period)
    return results, render_followup_report(results.to_json(), results.workbook, settings, out_dir)


def run_sop(backend: Backend, settings: Settings, period: Period, out_dir: Path, mission_id: str | None = None) -> tuple[Results, list[Path]]:
    """SOP manuals (.docx), one per process with steps (or just `mission_id`), plus the index."""
    from .documents.sop import render_sop_manuals

    _, results = compute_from(backend, settings, period)
    return results, render_sop_manuals(results.to_json(), results.workbook, settings, out_dir, mission_id=mission_id)


@dataclass
class DemoOutcome:
    workbook: Path
    validation: ValidationReport
    sync: SyncOutcome
    documents: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def run_demo(settings: Settings, out_dir: Path, as_of: dt.date, *, seed: int, now: dt.datetime) -> DemoOutcome:
    """Build the demo workbook in `out_dir` and run every command on it."""
    from .backends.xlsx import XlsxBackend
    from .demo import write_demo_workbook

    path = write_demo_workbook(out_dir / "demo-workbook.xlsx", as_of, seed)
    backend = XlsxBackend(path)
    period = resolve_period(as_of, settings.rounds)
    validation = run_validate(backend, settings, as_of)
    outcome = run_sync(backend, settings, period, now=now, out_dir=out_dir)
    _, memo = run_report(backend, settings, period, out_dir)
    _, manuals = run_sop(backend, settings, period, out_dir)
    return DemoOutcome(path, validation, outcome, [memo, *manuals])
