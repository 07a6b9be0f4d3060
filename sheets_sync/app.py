"""One library function per command: read → validate → compute → present.

The CLI builds the settings and a backend, calls one of these, renders what comes back and
picks the exit code. Nothing here reads the clock or the environment: as-of and settings are
arguments, which is what makes every result reproducible.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from collections.abc import Mapping
from typing import Any

from .atomic import write_atomically
from .backends.base import Backend, InputColumnSpec, InputTabSpec
from .backends.boundary import guarded
from .backends.xlsx import XlsxBackend, write_tabs_to_new_workbook
from .cells import TabData
from .compute.reminders import who_owes_what
from .compute.results import Results, compute_results
from .compute.schedule import plan_calendar
from .compute.trend import ClosedFigures
from .config import Settings
from .demo import P, write_demo_workbook
from .emails import is_email_address
from .errors import ConfigError, SheetsSyncError
from .fiscal import Period, resolve_period
from .closings import Closing, Closings, already_closed
from .compute.late_edits import ClosedRound, late_edits
from .compute.trend import TRENDED_YEARS
from .history import History
from .mail import SmtpServer, build_message, deliver, write_eml
from .present.reminders import NO_ADDRESS, NOT_IN_STAFF, MessageContext, render_head_summary, render_person_reminder
from .present.summary_tabs import build_summary_tabs
from .schema.issues import Issue
from .schema.parsers import header_key, normalize_space
from .schema.report import ValidationReport
from .schema.tabs import ColType, Tab, input_tabs
from .schema.validate import ValidatedWorkbook, input_titles, validate_workbook
from .send_ledger import SendLedger


def read_workbook(backend: Backend, settings: Settings, period: Period) -> tuple[dict[str, TabData], ValidatedWorkbook]:
    """Read every input tab in one go and validate it for the period: the tabs as read, and the
    validation (`validate` and `sync` both come through here, so they list the same issues)."""
    schema = input_tabs(settings.rounds)
    tabs = backend.read_tabs(input_titles(backend.tab_titles(), schema))
    validated = validate_workbook(
        tabs,
        rounds=settings.rounds,
        complaint_categories=settings.complaint_categories,
        period=period,
    )
    return tabs, with_late_edits(validated, tabs, settings, period)


@dataclass
class ValidateOutcome:
    period: Period
    workbook: ValidatedWorkbook

    @property
    def report(self) -> ValidationReport:
        return self.workbook.report

    @property
    def issues(self) -> list[Issue]:
        return self.report.issues

    @property
    def valid(self) -> bool:
        return self.report.valid

    def to_json(self) -> dict[str, Any]:
        """outputs.md's `{"as_of", "fiscal_year", "issues"}` (exactly those keys)."""
        return {"as_of": self.period.as_of.isoformat(), "fiscal_year": self.period.fiscal_year, "issues": self.report.issues_json()}


def run_validate(
    backend: Backend,
    settings: Settings,
    as_of: dt.date,
    fiscal_year: int | None = None,
    round_months: int | None = None,
) -> ValidateOutcome:
    """Read and validate; write nothing."""
    period = resolve_period(as_of, settings.rounds, fiscal_year, round_months)
    return ValidateOutcome(period, read_workbook(backend, settings, period)[1])


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
                is_text=col.type in (ColType.ID, ColType.REF, ColType.TEXT, ColType.LIST),
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
    return resources.files("sheets_sync.data").joinpath("office.example.toml").read_text(encoding="utf-8")


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
    """Read, validate and compute, writing nothing (report and sop use this). The results know
    the closed rounds (closing.md): each round's closing state, the trend, the memo's comparison."""
    tabs, workbook = read_workbook(backend, settings, period)
    return tabs, with_closed_rounds(compute_results(workbook, period, settings), settings)


def run_sync(
    backend: Backend,
    settings: Settings,
    period: Period,
    *,
    now: dt.datetime,
    out_dir: Path,
    force: bool = False,
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
    with backend.sync_lock(out_dir, settings.sync_wait_seconds):
        tabs, results = compute_from(backend, settings, period)
        if closing_by is not None:  # the sync of `close`: its tabs already show the round closed
            results.round_states = {**(results.round_states or {}), period.round: ClosedFigures(
                period.fiscal_year, period.round, period.as_of, now.date(), closing_by, {})}
        summary = build_summary_tabs(results, thai_digits=settings.thai_digits, section=settings.office.section)
        document = results.to_json()
        try:
            text = results_json(document) + "\n"
        except (ValueError, OverflowError):
            raise SheetsSyncError(
                "ผลการคำนวณมีค่าที่ไม่ใช่ตัวเลขจริง (nan/inf) — ตรวจตัวเลขที่ใหญ่ผิดปกติในแท็บข้อมูล (ไม่ได้เปลี่ยนแปลงอะไร)"
            ) from None
        path = results_file(out_dir, period)
        _prepare_folder(path.parent)
        history = History.from_settings(settings)
        history.ensure()
        pending = history.prepare(taken_at=now, source=backend.describe(), tabs=tabs, results=document,
                                  personal=personal_columns(tabs, settings))
        with history.recording(pending) as snapshot_id:
            backend.write_summary_tabs(summary, force=force)
            try:
                write_atomically(path, lambda temp: temp.write_text(text, encoding="utf-8"))
            except OSError as err:
                raise SheetsSyncError(
                    f"เขียนแท็บสรุปแล้ว แต่บันทึกผลลัพธ์ {path} ไม่สำเร็จ ({err.strerror}) — แก้แล้วสั่ง sync ใหม่"
                ) from None
    return SyncOutcome(results, path, snapshot_id, [t.title for t in summary])


def personal_columns(tabs: Mapping[str, TabData], settings: Settings) -> dict[str, list[int]]:
    """Per tab title, the indexes of its personal-data columns (complainant, national ID, phone)."""
    names = {header_key(n) for t in input_tabs(settings.rounds) for c in t.columns if c.personal for n in (c.th, c.key)}
    found = {}
    for title, tab in tabs.items():
        header = tab.rows[0] if tab.rows else ()
        indexes = [i for i, cell in enumerate(header) if not cell.is_empty and header_key(cell.raw_text()) in names]
        if indexes:
            found[title] = indexes
    return found


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
    tabs = History.from_settings(settings).tabs(snapshot_id)
    if only_tabs:
        missing = [t for t in only_tabs if t not in tabs]
        if missing:
            raise ConfigError(f"ประวัติหมายเลข {snapshot_id} ไม่มีแท็บ {', '.join(missing)} (มี: {', '.join(tabs)})")
        tabs = {t: tabs[t] for t in only_tabs}
    if out_file.exists():
        raise ConfigError(f"{out_file} มีอยู่แล้ว — ระบุชื่อไฟล์ใหม่ (ไม่เขียนทับไฟล์เดิม)")
    write_tabs_to_new_workbook(out_file, tabs)
    return out_file, list(tabs)


def run_report(
    backend: Backend, settings: Settings, period: Period, out_dir: Path, *, memo_date: dt.date, allow_example_office: bool = False
) -> tuple[Results, Path]:
    """The follow-up memo to the governor for the period's round (.docx), dated `memo_date`.

    Refused (ConfigError, exit 2) while the office, signer or document number are still the
    example config's values: a memo must never go out signed by the example office. The demo,
    which uses the example office on purpose, passes `allow_example_office`.
    """
    from .documents.memo import render_followup_report

    _check_office(settings, allow_example_office)
    _, results = compute_from(backend, settings, period)
    return results, render_followup_report(results, settings, out_dir, memo_date=memo_date)


def _check_office(settings: Settings, allow_example_office: bool) -> None:
    from .config import example_office_keys

    left = [] if allow_example_office else example_office_keys(settings.office)
    if left:
        where = settings.source or "config/office.toml"
        raise ConfigError(f"ยังไม่ได้ตั้งค่าของสำนักงาน: {', '.join(left)} ยังเป็นค่าตัวอย่างหรือว่างอยู่ — แก้ใน {where} ก่อนออกรายงาน")


@dataclass
class ReportOutcome:
    results: Results
    path: Path
    closed: ClosedReport | None = None  # the round is closed and the memo shows its closed figures


def report_round(backend: Backend, settings: Settings, period: Period, out_dir: Path, *, memo_date: dt.date | None,
                 today: dt.date, live: bool = False, allow_example_office: bool = False) -> ReportOutcome:
    """`report`: a closed round's memo renders the closed figures (the memo that was sent, dated
    the closing day unless `memo_date` is given); `live`, or a round not closed, renders the
    workbook as it is now, dated `memo_date` or `today` (closing.md)."""
    closing = None if live else _closings(settings).active(period.fiscal_year, period.round)
    if closing is None:
        results, path = run_report(backend, settings, period, out_dir, memo_date=memo_date or today,
                                   allow_example_office=allow_example_office)
        return ReportOutcome(results, path)
    from .documents.memo import render_followup_report

    _check_office(settings, allow_example_office)
    results, match = closed_results(settings, closing)
    path = render_followup_report(results, settings, out_dir, memo_date=memo_date or closing.closed_on)
    return ReportOutcome(results, path, ClosedReport(closing, match))


def run_sop(backend: Backend, settings: Settings, period: Period, out_dir: Path, mission_id: str | None = None) -> tuple[Results, list[Path]]:
    """SOP manuals (.docx), one per process with steps (or just `mission_id`), plus the index."""
    from .documents.sop import render_sop_manuals

    _, results = compute_from(backend, settings, period)
    return results, render_sop_manuals(results, settings, out_dir, mission_id=mission_id)


@dataclass
class DemoOutcome:
    workbook: Path
    validation: ValidateOutcome
    sync: SyncOutcome
    documents: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reminders: Any = None  # RemindOutcome of a dry run: the .eml files
    calendar: Any = None  # CalendarOutcome


def run_demo(settings: Settings, out_dir: Path, as_of: dt.date, *, seed: int, now: dt.datetime) -> DemoOutcome:
    """Build the demo workbook in `out_dir` and run every command on it."""
    path = write_demo_workbook(out_dir / "demo-workbook.xlsx", as_of, seed, settings.rounds)
    backend = guarded(XlsxBackend(path))
    period = resolve_period(as_of, settings.rounds)
    closings = close_demo_rounds(backend, settings, period, now=now, out_dir=out_dir)
    if closings:  # staff change a reported result afterwards: the sync below warns on that cell
        write_demo_workbook(path, as_of, seed, settings.rounds, late_edit=True)
    validation = run_validate(backend, settings, as_of)
    outcome = run_sync(backend, settings, period, now=now, out_dir=out_dir)
    memo = report_round(backend, settings, period, out_dir, memo_date=now.date(), today=now.date(),
                        allow_example_office=True).path  # the demo's office is the example
    _, manuals = run_sop(backend, settings, period, out_dir)
    # The demo office's complaint follower (the Damrongdhama owner) and a fictional head address.
    demo_remind = replace(
        settings,
        remind_complaint_units=settings.remind_complaint_units or (("*", P[4]),),
        remind_head_email=settings.remind_head_email or "head.admin@example.go.th",
    )
    reminders = run_remind(backend, demo_remind, period, now=now, out_dir=out_dir, dry_run=True)
    calendar = run_calendar(backend, settings, period, out_dir)
    return DemoOutcome(path, validation, outcome, [memo, *manuals], reminders=reminders, calendar=calendar)


DEMO_REOPEN_REASON = "sheets-sync demo สร้างสมุดงานตัวอย่างใหม่"


def close_demo_rounds(backend: Backend, settings: Settings, period: Period, *, now: dt.datetime, out_dir: Path) -> list[Closing]:
    """The demo closes every enabled round that has ended by its as-of (6, and at a whole-year
    as-of 9 and 12), each at its round's end, a minute apart; a closing left by an earlier demo
    run in the same folder is reopened first (nothing is deleted)."""
    ended = [m for m in period.rounds if period.round_has_ended(m)]
    by = settings.office.signer_name or "ผู้ปิดรอบตัวอย่าง"
    done = []
    for n, months in enumerate(ended):
        at = now - dt.timedelta(minutes=len(ended) - n)
        if _closings(settings).active(period.fiscal_year, months):
            run_reopen(None, settings, period.fiscal_year, months, now=at, by=by, reason=DEMO_REOPEN_REASON)
        round_period = resolve_period(period.round_end(months), period.rounds, period.fiscal_year, months)
        done.append(run_close(backend, settings, round_period, now=at, out_dir=out_dir, by=by).closing)
    return done


# --- reminders and calendar (outputs.md "Reminders", "Calendar") ------------------------------


def workbook_identity(backend: Backend) -> str:
    """What names the workbook on every machine: the Google Sheet's id, or the .xlsx file's name."""
    sheet_id = getattr(backend, "sheet_id", None)
    return str(sheet_id) if sheet_id else Path(backend.describe()).name


def workbook_url(backend: Backend) -> str:
    sheet_id = getattr(backend, "sheet_id", None)
    return f"https://docs.google.com/spreadsheets/d/{sheet_id}/edit" if sheet_id else ""


@dataclass
class RemindOutcome:
    plan: Any  # compute.reminders.ReminderPlan
    messages: list[Any]  # mail.Outgoing, the people's first and the head's summary last
    not_reachable: dict[str, str]  # person -> why (ติดต่อไม่ได้)
    dry_run: bool
    eml_files: list[Path] = field(default_factory=list)
    sent: list[Any] = field(default_factory=list)
    already_sent: list[Any] = field(default_factory=list)
    unsent: list[tuple[Any, str]] = field(default_factory=list)
    error: str | None = None
    head_missing: bool = False  # no remind.head_email: the summary could not be sent

    @property
    def complete(self) -> bool:
        """Every message that could go out went out (exit 0); otherwise exit 3."""
        return not self.unsent


def staff_addresses(results: Results, complaint_units: tuple[tuple[str, str], ...] = ()) -> tuple[dict[str, str | None], dict[str, list[str]]]:
    """From `บุคลากร`: person -> e-mail address (None when empty or not an address); and from
    config `remind.complaint_units` (unit -> person): person -> the units whose overdue complaints
    they follow (and their own name: a case assigned to a person by name is theirs)."""
    addresses: dict[str, str | None] = {}
    units: dict[str, list[str]] = {}
    for row in results.workbook.table("staff").to_dict("records"):
        email = str(row.get("email") or "").strip()
        name = normalize_space(row["name"])
        addresses[name] = email if is_email_address(email) else None
        units[name] = [name]  # a case assigned to a person by name is theirs
    for unit, person in complaint_units:
        units.setdefault(normalize_space(person), []).append(unit)
    return addresses, units


def run_remind(
    backend: Backend,
    settings: Settings,
    period: Period,
    *,
    now: dt.datetime,
    out_dir: Path,
    password: str = "",
    dry_run: bool = False,
    resend: bool = False,
) -> RemindOutcome:
    """Tell each person what needs them: by SMTP, or as .eml files in <out>/reminders/ (dry run).

    A message already accepted today with the same content is not sent again (unless `resend`);
    a person without an address is not reachable and is listed in the head's summary.
    """
    if not dry_run and not settings.mail_host:
        raise ConfigError("ยังไม่ได้ตั้งเซิร์ฟเวอร์อีเมล — กำหนด [mail] host, port, from ในค่าตั้ง หรือสั่งด้วย --dry-run เพื่อเขียนเป็นไฟล์ .eml")
    if not dry_run and not settings.mail_from:
        raise ConfigError("ยังไม่ได้ตั้งผู้ส่ง — กำหนด [mail] from (อีเมลผู้ส่ง) ในค่าตั้ง")
    _, results = compute_from(backend, settings, period)
    addresses, units = staff_addresses(results, settings.remind_complaint_units)
    plan = who_owes_what(
        results, due_within_days=settings.remind_due_within_days, review_every_days=settings.review_every_days, units=units
    )
    ctx = MessageContext(
        section=settings.office.section,
        office=settings.office.name,
        fiscal_year=period.fiscal_year,
        round=period.round,
        round_closed=period.round_closed,
        workbook=Path(backend.describe()).name if not workbook_url(backend) else backend.describe(),
        workbook_url=workbook_url(backend),
        sla_days=settings.sla_days,
        due_within_days=settings.remind_due_within_days,
    )
    not_reachable = {
        r.person: (NOT_IN_STAFF if r.person not in addresses else NO_ADDRESS)
        for r in plan.people
        if not addresses.get(r.person)
    }
    sender_name = settings.mail_from_name or settings.office.section
    sender = settings.mail_from or "noreply@sheets-sync.invalid"  # only a dry run gets here without one
    head_name = settings.remind_head_name or settings.office.signer_name
    messages = [
        build_message(
            render_person_reminder(r, plan, ctx), sender=sender, sender_name=sender_name,
            to_address=addresses.get(r.person), to_name=r.person, now=now,
        )
        for r in plan.people
    ]
    summary = render_head_summary(plan, addresses, not_reachable, ctx, head_name)
    messages.append(
        build_message(summary, sender=sender, sender_name=sender_name,
                      to_address=settings.remind_head_email or None, to_name=head_name, now=now)
    )
    outcome = RemindOutcome(plan, messages, not_reachable, dry_run, head_missing=not settings.remind_head_email)
    if dry_run:
        try:
            outcome.eml_files = write_eml(out_dir / "reminders", messages)
        except OSError as err:
            raise ConfigError(f"เขียนไฟล์ .eml ลง {out_dir / 'reminders'} ไม่ได้ ({err.strerror}) — ตรวจ --out") from None
        return outcome

    ledger = SendLedger(settings.history_file)
    source, day = backend.describe(), now.date()
    to_send = []
    for item in messages:
        if not item.address:
            continue
        if not resend and ledger.already_sent(day, source, item.address, item.content_hash):
            outcome.already_sent.append(item)
        else:
            to_send.append(item)
    server = SmtpServer(
        settings.mail_host, settings.mail_port, settings.mail_security, settings.mail_username, password, settings.mail_cafile
    )

    def record(item: Any) -> None:
        ledger.mark_sent(day=day, source=source, recipient=item.address, person=item.person,
                         content_hash=item.content_hash, subject=item.rendered.subject, sent_at=now)

    report = deliver(to_send, server, record)
    outcome.sent, outcome.unsent, outcome.error = report.sent, report.unsent, report.error
    return outcome


@dataclass
class CalendarOutcome:
    path: Path
    counts: dict[str, int]  # entry kind -> events
    period: Period


def run_calendar(backend: Backend, settings: Settings, period: Period, out_dir: Path) -> CalendarOutcome:
    """<out>/plan-FY<fy>.ics: the whole plan, rounds, memo due dates and SOP reviews."""
    from .documents.calendar import calendar_file, render_plan_calendar, workbook_key, write_plan_calendar

    _, results = compute_from(backend, settings, period)
    entries = plan_calendar(results, memo_due_days=settings.remind_memo_due_days, review_every_days=settings.review_every_days)
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


# --- closed rounds (shared/spec/closing.md) --------------------------------------------------


def _closings(settings: Settings) -> Closings:
    return Closings(settings.history_file)


def closing_period(settings: Settings, closing: Closing) -> Period:
    """The period a closing was computed for (its round stays usable if the config dropped it)."""
    rounds = tuple(sorted(set(settings.rounds) | {closing.round}))
    return resolve_period(closing.as_of, rounds, closing.fiscal_year, closing.round)


def _validate_for(tabs: Mapping[str, TabData], settings: Settings, period: Period) -> ValidatedWorkbook:
    return validate_workbook(tabs, rounds=period.rounds, complaint_categories=settings.complaint_categories, period=period)


def with_late_edits(validated: ValidatedWorkbook, tabs: Mapping[str, TabData], settings: Settings, period: Period) -> ValidatedWorkbook:
    """The validation plus a `closed-round-changed` warning on every cell edited after a closing of
    this fiscal year that moves a figure of that round (compute/late_edits.py)."""
    closings = [c for c in _closings(settings).list(period.fiscal_year) if c.active]
    if not closings:
        return validated
    history = History.from_settings(settings)
    found: list[Issue] = []
    for closing in closings:
        then_period = closing_period(settings, closing)
        try:
            then_tabs = history.tabs(closing.snapshot_id)
        except ConfigError:
            continue  # a snapshot a closing names is never pruned; one removed by hand cannot be compared
        then = _validate_for(then_tabs, settings, then_period)
        now = _validate_for(tabs, settings, then_period)
        found.extend(late_edits(then, now, ClosedRound(then_period, closing.closed_on)))
    if not found:
        return validated
    report = ValidationReport.of([*validated.report.issues, *found], validated.schema, validated.positions)
    return replace(validated, report=report)


def closed_figures(settings: Settings, closing: Closing) -> ClosedFigures:
    return ClosedFigures(closing.fiscal_year, closing.round, closing.as_of, closing.closed_on, closing.closed_by,
                         _closings(settings).results(closing.id))


def with_closed_rounds(results: Results, settings: Settings, at: dt.datetime | None = None) -> Results:
    """The results with each enabled round's closing state and the closed rounds of this fiscal
    year and the previous two (all closings in force, or those in force at `at`)."""
    year = results.period.fiscal_year
    everything = _closings(settings).list()
    kept = [c for c in everything if year - TRENDED_YEARS < c.fiscal_year <= year
            and (c.active if at is None else c.active_at(at))]
    closed = [closed_figures(settings, c) for c in kept]
    states: dict[int, ClosedFigures | None] = {m: None for m in results.period.rounds}
    for figures in closed:
        if figures.fiscal_year == year:
            states[figures.round] = figures
    results.round_states = states
    results.closed_rounds = closed
    return results


@dataclass
class CloseOutcome:
    closing: Closing
    sync: SyncOutcome
    protected: bool = False  # the result column is protected in the Google Sheet


def run_close(backend: Backend, settings: Settings, period: Period, *, now: dt.datetime, out_dir: Path, by: str,
              force: bool = False) -> CloseOutcome:
    """Close the period's round: a sync, then its closing recorded in the history database and,
    on Google Sheets, the round's result column protected (closing.md)."""
    if not period.round_closed:
        raise ConfigError(
            f"รอบ {period.round} เดือน ปีงบประมาณ {period.fiscal_year} ยังไม่สิ้นสุด ณ วันที่ {period.as_of.isoformat()}"
            f" (สิ้นสุด {period.round_end(period.round).isoformat()}) — ปิดรอบได้เมื่อรอบสิ้นสุดแล้ว"
        )
    if not by.strip():
        raise ConfigError("ไม่ทราบชื่อผู้ปิดรอบ — ระบุ --by \"ชื่อ\" หรือกำหนด office.signer_name ในค่าตั้ง")
    if _closings(settings).active(period.fiscal_year, period.round):
        raise ConfigError(already_closed(period.fiscal_year, period.round))
    outcome = run_sync(backend, settings, period, now=now, out_dir=out_dir, force=force, closing_by=by)
    closing = _closings(settings).record(
        fiscal_year=period.fiscal_year, round_months=period.round, as_of=period.as_of, closed_by=by, closed_at=now,
        snapshot_id=outcome.snapshot_id, source=backend.describe(), results=outcome.document,
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
    editors = tuple(getattr(settings, "close_editors", ()) or ())
    return bool(method(round_months, title=title, column=column, editors=editors))


def run_reopen(backend: Backend | None, settings: Settings, fiscal_year: int, round_months: int, *, now: dt.datetime,
               by: str, reason: str) -> Closing:
    """Mark the round's closing reopened (who, when, why); nothing is deleted."""
    if not reason.strip():
        raise ConfigError("ต้องระบุเหตุผลที่เปิดรอบใหม่ด้วย --reason \"…\"")
    if not by.strip():
        raise ConfigError("ไม่ทราบชื่อผู้เปิดรอบ — ระบุ --by \"ชื่อ\" หรือกำหนด office.signer_name ในค่าตั้ง")
    closing = _closings(settings).reopen(fiscal_year=fiscal_year, round_months=round_months, reopened_by=by,
                                         reopened_at=now, reason=reason.strip())
    if backend is not None:
        protect_result_column(backend, settings, round_months, None)
    return closing


def list_closings(settings: Settings) -> list[Closing]:
    return _closings(settings).list()


@dataclass
class ClosedReport:
    """Where a closed round's memo came from: its closing, and whether the recomputed figures are
    the ones the closing keeps (False means the tool's computation changed since)."""

    closing: Closing
    figures_match: bool


FIGURE_PARTS = ("missions", "plan", "kpis", "complaints")


def closed_results(settings: Settings, closing: Closing) -> tuple[Results, bool]:
    """The closed round's results, computed again from the closing's snapshot for the closing's
    period, with the closed rounds in force when it was closed; and whether every figure equals
    the results the closing keeps."""
    period = closing_period(settings, closing)
    tabs = History.from_settings(settings).tabs(closing.snapshot_id)
    results = compute_results(_validate_for(tabs, settings, period), period, settings)
    with_closed_rounds(results, settings, at=closing.closed_at - dt.timedelta(microseconds=1))
    kept = _closings(settings).results(closing.id)
    now = json.loads(results_json(results.to_json()))
    return results, all(now.get(k) == kept.get(k) for k in FIGURE_PARTS)


# --- the PMQA evidence folder (closing.md) -----------------------------------------------------


@dataclass
class EvidenceOutcome:
    folder: Path
    archive: Path
    files: list[Any]  # documents.evidence.EvidenceFile, the index last
    closings: list[Closing]


def _closing_label(closing: Closing) -> str:
    return f"รอบ {closing.round} เดือน (ข้อมูล ณ {closing.as_of.isoformat()}) ปิดเมื่อ {closing.closed_on.isoformat()} · การปิดรอบหมายเลข {closing.id}"


def run_evidence(settings: Settings, fiscal_year: int, out_dir: Path, *, made_on: dt.date,
                 allow_example_office: bool = False) -> EvidenceOutcome:
    """`<out>/evidence-FY<fy>/` and `<out>/evidence-FY<fy>.zip`: each closed round's results JSON
    and memo (the memo that was sent), the SOP manuals and index and the plan calendar as of the
    latest closing, the trend table (.xlsx), every closing of the year with its reopenings, and
    `index.docx` mapping each file to its PMQA 4.0 categories with its SHA-256. Everything comes
    from the history database, none of it from the workbook as it is now. Refused when the fiscal
    year has no closed round. The folder is built beside its place and swapped in whole."""
    import shutil
    import tempfile
    import zipfile

    from .documents.calendar import render_plan_calendar, workbook_key, write_plan_calendar
    from .documents.evidence import EvidenceFile, write_index, write_trend_xlsx
    from .documents.memo import render_followup_report
    from .documents.sop import render_sop_manuals

    every = _closings(settings).list(fiscal_year)
    closings = sorted((c for c in every if c.active), key=lambda c: c.round)
    if not closings:
        raise ConfigError(f"ปีงบประมาณ {fiscal_year} ยังไม่มีรอบที่ปิดแล้ว — ปิดรอบด้วย sheets-sync close --round N ก่อนจัดทำแฟ้มหลักฐาน")
    _check_office(settings, allow_example_office)
    out_dir.mkdir(parents=True, exist_ok=True)
    name = f"evidence-FY{fiscal_year}"
    folder, archive = out_dir / name, out_dir / f"{name}.zip"
    work = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=out_dir))
    try:
        files: list[EvidenceFile] = []
        for closing in closings:
            label = _closing_label(closing)
            document = _closings(settings).results(closing.id)
            json_name = f"results-FY{fiscal_year}-R{closing.round}.json"
            (work / json_name).write_text(results_json(document) + "\n", encoding="utf-8")
            files.append(EvidenceFile(json_name, f"ผลการติดตามรอบ {closing.round} เดือนที่รายงาน (JSON)", (3, 4, 7), label))
            results, _ = closed_results(settings, closing)
            memo = render_followup_report(results, settings, work, memo_date=closing.closed_on)
            files.append(EvidenceFile(memo.name, f"บันทึกข้อความรายงานผลรอบ {closing.round} เดือน (ฉบับที่เสนอ)", (2, 3, 7), label))
        latest = closings[-1]
        label = _closing_label(latest)
        results, _ = closed_results(settings, latest)
        for path in render_sop_manuals(results, settings, work):
            what = "ทะเบียนคู่มือการปฏิบัติงาน" if path.name == "index.docx" else f"คู่มือการปฏิบัติงาน {path.stem.removeprefix('SOP-')}"
            files.append(EvidenceFile(path.relative_to(work).as_posix(), what, (5, 6) if path.name == "index.docx" else (6,), label))
        entries = plan_calendar(results, memo_due_days=settings.remind_memo_due_days, review_every_days=settings.review_every_days)
        calendar = write_plan_calendar(work / f"plan-FY{fiscal_year}.ics", render_plan_calendar(
            entries, fiscal_year=fiscal_year, as_of=results.period.as_of, key=workbook_key(settings.office.name, latest.source),
            calendar_name=f"แผนปฏิบัติการ {settings.office.section} ปีงบประมาณ {fiscal_year}"))
        files.append(EvidenceFile(calendar.name, "ปฏิทินแผนปฏิบัติการ รอบติดตาม และกำหนดทบทวนคู่มือ", (2,), label))
        with_closed_rounds(results, settings)
        trend = [row for row in results.trend() if not row["current"] and row["fiscal_year"] <= fiscal_year]
        trend_path = write_trend_xlsx(work / f"trend-FY{fiscal_year}.xlsx", trend)
        files.append(EvidenceFile(trend_path.name, "แนวโน้มตัวเลขสำคัญตามรอบที่ปิดแล้ว (ปีนี้และสองปีก่อน)", (4, 7), ""))
        trail = work / f"closings-FY{fiscal_year}.json"
        trail.write_text(results_json([c.to_json() for c in every]) + "\n", encoding="utf-8")
        files.append(EvidenceFile(trail.name, "ประวัติการปิดรอบและการเปิดรอบใหม่ (ผู้ปิด เวลา เหตุผล SHA-256)", (4,), ""))
        write_index(work, files, office=settings.office.name, section=settings.office.section, fiscal_year=fiscal_year, made_on=made_on)
        files.append(EvidenceFile("index.docx", "ทะเบียนหลักฐาน (ไฟล์นี้)", (), ""))
        temp_zip = work.with_suffix(".zip")
        with zipfile.ZipFile(temp_zip, "w", zipfile.ZIP_DEFLATED) as bundle:
            for path in sorted(p for p in work.rglob("*") if p.is_file()):
                bundle.write(path, f"{name}/{path.relative_to(work).as_posix()}")
        old = None
        if folder.exists():
            old = out_dir / f".{name}-old-{work.name}"
            folder.rename(old)
        work.rename(folder)
        temp_zip.replace(archive)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as err:
        shutil.rmtree(work, ignore_errors=True)
        work.with_suffix(".zip").unlink(missing_ok=True)
        raise ConfigError(f"เขียนแฟ้มหลักฐานลง {out_dir} ไม่ได้ ({err.strerror}) — ตรวจ --out") from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        work.with_suffix(".zip").unlink(missing_ok=True)
        raise
    return EvidenceOutcome(folder, archive, files, closings)
