"""What a person sees: one renderer for every command's outcome, as text or `--json`.

`show` is the end of every command: it records the issue counts for the run log, prints the
outcome (its `to_json()`, or the text below) and exits with the outcome's exit code.
"""

from __future__ import annotations

import json
import shlex
from functools import singledispatch
from pathlib import Path
from typing import Any, NoReturn

import click

from ..app.outcomes import (
    CalendarOutcome,
    CloseOutcome,
    ClosingsOutcome,
    DemoOutcome,
    EvidenceOutcome,
    HistoryOutcome,
    InitOutcome,
    Outcome,
    PruneOutcome,
    RemindOutcome,
    ReopenOutcome,
    ReportOutcome,
    RestoreOutcome,
    RollupOutcome,
    RollupReportOutcome,
    SopOutcome,
    StatusOutcome,
    SyncOutcome,
    ValidateOutcome,
)
from ..core.fiscal import other_year_note
from ..core.thai_dates import as_of_line, thai_date
from ..core.vocabulary import PLAN_STATUSES, ROLLUP_OUTCOMES, SECTION_GROUP, SOP_STATUSES, choice_label, choice_of
from ..present.demo import LATE_EDIT_KPI
from ..schema.issues import Severity
from ..schema.report import ValidationReport
from ..storage.closings import Closing
from ..storage.history import SnapshotInfo
from ..storage.runlog import OUTCOME_TH, Run
from .edge import OPTION_NAMES, current_run

COMPACT_JSON = (ReportOutcome, SopOutcome, CalendarOutcome, RollupReportOutcome)  # one line, as these always printed


def show(outcome: Outcome, *, as_json: bool = False, quiet: bool = False, **options: Any) -> NoReturn:
    """Print `outcome` (JSON or text; `quiet` prints only what a scheduled job must see) and exit
    with its code. `options` reach the outcome's text renderer (e.g. `errors_only`)."""
    record = current_run()
    for note in notices(outcome):  # a warning a scheduled job must see: on stderr, even with --quiet or --json
        click.echo(f"sheets-sync: คำเตือน: {note}", err=True)
    if outcome.report is not None:
        record.errors, record.warnings = outcome.report.errors, outcome.report.warnings
    if as_json:
        click.echo(json_text(outcome, errors_only=bool(options.get("errors_only"))))
    else:
        text = render(outcome, quiet=quiet, **options)
        if text:
            click.echo(text)
    say_period(outcome, silent=as_json or quiet)
    click.get_current_context().exit(outcome.exit_code)


PERIOD_OUTCOMES = (ValidateOutcome, SyncOutcome, ReportOutcome, SopOutcome, CalendarOutcome, RemindOutcome)


def say_period(outcome: Outcome, *, silent: bool) -> None:
    """After a command's work, on stderr (rules.md): `ข้อมูล ณ วันที่ … · ปีงบประมาณ … · รอบ …`
    (not with --quiet/--json), and one line when the plan lies in another fiscal year (even with
    --quiet/--json: stdout stays clean, and a scheduled run's log should show it). A failure
    stays one line: its own."""
    if not isinstance(outcome, PERIOD_OUTCOMES):
        return
    results = getattr(outcome, "results", None)
    period = results.period if results is not None else getattr(outcome, "period", None)
    plan_year = results.plan_year if results is not None else getattr(outcome, "plan_year", None)
    if period is None:
        return
    if not silent:
        click.echo(as_of_line(period.as_of, period.fiscal_year, period.round, in_progress=not period.round_closed), err=True)
    if plan_year is not None:
        click.echo(f"sheets-sync: {other_year_note(period.fiscal_year, plan_year).replace('{fiscal_year}', OPTION_NAMES['fiscal_year'])}",
                   err=True)


def json_text(outcome: Outcome, *, errors_only: bool = False) -> str:
    """The `--json` document: strict JSON (NaN refused), Thai kept as it is."""
    document = outcome.to_json()
    if errors_only and isinstance(outcome, ValidateOutcome):
        document["issues"] = [i.to_json() for i in outcome.report.issues if i.severity is Severity.ERROR]
    if isinstance(outcome, COMPACT_JSON):
        return json.dumps(document, ensure_ascii=False, allow_nan=False)
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False)


def notices(outcome: Outcome) -> list[str]:
    """The warnings of a run that are not in its output (a roll-up without Drive permission)."""
    if isinstance(outcome, (RollupOutcome, RollupReportOutcome)):
        return list(outcome.rollup.notes)
    return []


@singledispatch
def render(outcome: Outcome, *, quiet: bool = False, **options: Any) -> str:
    raise TypeError(f"no text renderer for {type(outcome).__name__}")  # pragma: no cover


@render.register
def _(outcome: ValidateOutcome, *, quiet: bool = False, errors_only: bool = False, **_: Any) -> str:
    if quiet:
        return issues_summary(outcome.report) if outcome.report.issues else ""
    return render_issues(outcome.report, outcome.source, errors_only=errors_only)


@render.register
def _(outcome: InitOutcome, **_: Any) -> str:
    lines = []
    if outcome.created_tabs:
        lines.append(f"สร้างแท็บใน {outcome.source}: {', '.join(outcome.created_tabs)}")
    if outcome.existing_tabs:
        lines.append(f"แท็บที่มีอยู่แล้ว (ไม่ได้แตะ): {', '.join(outcome.existing_tabs)}")
    if outcome.config_written:
        lines.append(f"สร้างไฟล์ค่าตั้ง {outcome.config_written} — แก้ชื่อสำนักงาน ผู้ลงนาม และเลขที่หนังสือก่อนออกรายงาน")
    return "\n".join(lines)


@render.register
def _(outcome: SyncOutcome, *, quiet: bool = False, **_: Any) -> str:
    return "" if quiet else render_sync(outcome, outcome.source)


FIGURES_DIFFER = ("sheets-sync: คำเตือน: ตัวเลขที่คำนวณใหม่จากข้อมูลตอนปิดรอบไม่ตรงกับผลที่บันทึกไว้ตอนปิดรอบ"
                  " (โปรแกรมรุ่นนี้คำนวณต่างจากเดิม) — เทียบกับไฟล์ผลลัพธ์ของการปิดรอบก่อนส่ง")


@render.register
def _(outcome: ReportOutcome, *, quiet: bool = False, **_: Any) -> str:
    period, closed = outcome.results.period, outcome.closed
    warning = [FIGURES_DIFFER] if closed is not None and not closed.figures_match else []
    if quiet:
        return "\n".join(warning)
    source = f" (ตัวเลขที่รายงานเมื่อปิดรอบ {closed.closing.closed_on.isoformat()} — ค่าปัจจุบันใช้ --live)" if closed else ""
    return "\n".join([*warning, f"เขียนบันทึกข้อความรายงานผลการติดตาม รอบ {period.round} เดือน ปีงบประมาณ {period.fiscal_year}:"
                                 f" {outcome.path}{source}"])


@render.register
def _(outcome: SopOutcome, *, quiet: bool = False, **_: Any) -> str:
    if quiet:
        return ""
    missions = outcome.results.missions
    coverage = missions.sop_coverage_pct if missions else None
    lines = [f"เขียนคู่มือ {len(outcome.paths)} ไฟล์ใน {outcome.folder} (ร้อยละกระบวนการที่มีคู่มือ {coverage})"]
    lines.extend(f"  {path}" for path in outcome.paths)
    written = [p.stem.removeprefix("SOP-") for p in outcome.paths if p.name != "index.docx"]
    drafts = manual_draft_lines(missions, written)
    if drafts:  # which manuals are drafts, and why
        lines.append(f"คู่มือฉบับร่าง {len(drafts)} ฉบับ (ยังไม่สมบูรณ์หรือยังไม่ได้ประกาศใช้):")
        lines.extend(drafts)
    return "\n".join(lines)


@render.register
def _(outcome: CalendarOutcome, *, quiet: bool = False, **_: Any) -> str:
    return "" if quiet else render_calendar(outcome).strip()


@render.register
def _(outcome: RemindOutcome, *, quiet: bool = False, **_: Any) -> str:
    return "" if quiet and outcome.complete else render_remind(outcome)


@render.register
def _(outcome: DemoOutcome, *, command: str = "sheets-sync", config_path: str | None = None, **_: Any) -> str:
    return render_demo(outcome, command=command, config_path=config_path)


@render.register
def _(outcome: HistoryOutcome, **_: Any) -> str:
    return render_history(outcome.snapshots, outcome.path)


@render.register
def _(outcome: RestoreOutcome, **_: Any) -> str:
    return f"เขียนข้อมูลของประวัติหมายเลข {outcome.snapshot_id} ลง {outcome.path}: {', '.join(outcome.titles)}"


@render.register
def _(outcome: PruneOutcome, **_: Any) -> str:
    return f"ลบประวัติ {outcome.removed} รายการจาก {outcome.path}"


@render.register
def _(outcome: StatusOutcome, **_: Any) -> str:
    return render_status(outcome.latest, outcome.log_file)


@render.register
def _(outcome: CloseOutcome, *, quiet: bool = False, **_: Any) -> str:
    if quiet:
        return ""
    c = outcome.closing
    lines = [f"ปิดรอบ {c.round} เดือน ปีงบประมาณ {c.fiscal_year} แล้ว (ข้อมูล ณ {c.as_of.isoformat()} โดย {c.closed_by})"
             f" · ประวัติหมายเลข {c.snapshot_id} · SHA-256 {c.results_sha256}"]
    if outcome.protected:
        lines.append(f"  ล็อกคอลัมน์ ผลรอบ {c.round} เดือน ในแท็บ ตัวชี้วัด แล้ว (แก้ได้เฉพาะบัญชีบริการและ close.editors)")
    return "\n".join(lines)


@render.register
def _(outcome: ReopenOutcome, *, quiet: bool = False, **_: Any) -> str:
    c = outcome.closing
    return "" if quiet else (f"เปิดรอบ {c.round} เดือน ปีงบประมาณ {c.fiscal_year} ใหม่แล้ว (การปิดรอบเมื่อ {c.closed_on.isoformat()}"
                             f" ยังอยู่ในประวัติ) — ปิดรอบอีกครั้งด้วย sheets-sync close --round {c.round}")


@render.register
def _(outcome: ClosingsOutcome, **_: Any) -> str:
    return render_closings(outcome.closings, outcome.path)


@render.register
def _(outcome: EvidenceOutcome, *, quiet: bool = False, **_: Any) -> str:
    return "" if quiet else (f"แฟ้มหลักฐาน PMQA ปีงบประมาณ {outcome.fiscal_year}: {outcome.folder} ({len(outcome.files)} ไฟล์)"
                             f" และ {outcome.archive}")


@render.register
def _(outcome: RollupOutcome, *, quiet: bool = False, **_: Any) -> str:
    return "" if quiet else render_rollup(outcome)


@render.register
def _(outcome: RollupReportOutcome, *, quiet: bool = False, **_: Any) -> str:
    if quiet:
        return ""
    counts = outcome.rollup.counts
    return (f"เขียนบันทึกข้อความถึงปลัดกระทรวงมหาดไทย รอบ {outcome.period.round} เดือน ปีงบประมาณ {outcome.period.fiscal_year} "
            f"(ได้รับข้อมูล {counts['ok']} จังหวัด ยังไม่ได้รับ {counts['failed']}): {outcome.path}")


def issues_summary(report: ValidationReport, *, errors_only: bool = False) -> str:
    """The one count line of an issues list (all that `validate --quiet` prints)."""
    hidden = " (ไม่ได้แสดงคำเตือน)" if errors_only and report.warnings else ""
    if not report.errors:
        return f"สรุป: ไม่มีข้อผิดพลาด ทุกแถวถูกนำไปคำนวณ, คำเตือน {report.warnings} รายการ{hidden}"
    return f"สรุป: ข้อผิดพลาด {report.errors} รายการ (แถวเหล่านี้ไม่ถูกนำไปคำนวณ), คำเตือน {report.warnings} รายการ{hidden}"


def render_issues(report: ValidationReport, where: str, *, errors_only: bool = False) -> str:
    """One line per issue, `แท็บ!เซลล์`, then a count line (of every issue, also `--errors-only`)."""
    issues = [i for i in report.issues if i.severity is Severity.ERROR] if errors_only else report.issues
    lines = [f"ตรวจสอบ {where}"]
    if not report.issues:
        lines.append("ไม่พบปัญหาในข้อมูล ✓")
        return "\n".join(lines)
    if not issues:
        lines.append("ไม่พบข้อผิดพลาด ✓")
        lines.append(issues_summary(report, errors_only=True))
        return "\n".join(lines)
    width = max(len(i.location) for i in issues)
    for issue in issues:
        mark = "✗" if issue.severity is Severity.ERROR else "!"
        value = f"  [ค่าที่พบ: {issue.value}]" if issue.value else ""
        lines.append(f"{mark} {issue.location:<{width}}  {issue.severity.th:<10} {issue.code:<22} {issue.message}{value}")
    lines.append(issues_summary(report, errors_only=errors_only))
    return "\n".join(lines)


def render_sync(outcome: SyncOutcome, where: str) -> str:
    """A short summary of a sync: what was written and the headline figures."""
    r = outcome.results
    in_progress = "" if r.period.round_closed else " (อยู่ระหว่างดำเนินการ)"
    lines = [f"ซิงก์ {where} เรียบร้อย — ข้อมูล ณ วันที่ {thai_date(r.period.as_of)} · ปีงบประมาณ {r.period.fiscal_year} · รอบ {r.period.round} เดือน{in_progress}"]
    if r.missions:
        lines.append(f"  ภารกิจ {r.missions.count} · ร้อยละกระบวนการที่มีคู่มือ {_num(r.missions.sop_coverage_pct)}")
    if r.plan:
        counts = ", ".join(f"{choice_label(PLAN_STATUSES, s)} {n}" for s, n in r.plan.status_counts.items())
        lines.append(f"  กิจกรรม {len(r.plan.activities)}: {counts}")
    if r.kpis:
        section = r.kpis.groups.get(SECTION_GROUP, {}).get(r.period.round, {})
        lines.append(f"  คะแนนตัวชี้วัดระดับฝ่าย {_num(section.get('total'), 4)}")
    if r.complaints:
        f = r.complaints.figures
        lines.append(f"  เรื่องร้องเรียน รับ {f['received']} ยุติ {f['closed']} ({_num(f['closed_pct'])}%) เกินกำหนด {f['overdue']}")
    lines.append(f"  ข้อผิดพลาด {r.report.errors} · คำเตือน {r.report.warnings} (ดูแท็บ ตรวจสอบข้อมูล)")
    lines.append(f"  เขียนแท็บ: {', '.join(outcome.tabs_written)}")
    lines.append(f"  ผลลัพธ์ JSON: {outcome.results_path} · ประวัติหมายเลข {outcome.snapshot_id}")
    return "\n".join(lines)


def render_rollup(outcome: RollupOutcome) -> str:
    """A few Thai lines: counts, every province not read with why, registry issues, the output."""
    rollup = outcome.rollup
    counts = rollup.counts
    lines = [
        f"รวมผล {counts['total']} จังหวัดจาก {outcome.source}: อ่านได้ {counts['ok']}, อ่านไม่ได้ {counts['failed']}, "
        f"ยังไม่ใช้งาน {counts['inactive']} — รอบ {rollup.round} เดือน ปีงบประมาณ {rollup.fiscal_year} ข้อมูล ณ {rollup.as_of.isoformat()}"
    ]
    for p in rollup.failed:
        lines.append(f"  - {p.province}: {choice_of(ROLLUP_OUTCOMES, p.outcome).th} — {p.reason}")
    national = rollup.national
    if national["sop_coverage_pct"] is not None:
        lines.append(f"ร้อยละกระบวนการที่มีคู่มือ (รวมทุกจังหวัดที่อ่านได้): {national['sop_coverage_pct']:.2f} "
                     f"({national['missions_with_sop']} จาก {national['missions']})")
    with_errors = [p for p in rollup.provinces if p.errors]
    if with_errors:
        lines.append(f"จังหวัดที่มีข้อผิดพลาดในข้อมูล {len(with_errors)} จังหวัด (แถวที่ผิดไม่ถูกนำไปคำนวณ — จำนวนอยู่ในแท็บ สรุปรายจังหวัด "
                     "แต่ละจังหวัดดูเซลล์ที่ต้องแก้ได้ด้วย validate หรือ sync ของตนเอง)")
    registry = outcome.registry
    if registry.issues:
        lines.append(f"ทะเบียนจังหวัดมีข้อผิดพลาด {registry.report.errors} คำเตือน {registry.report.warnings} รายการ "
                     "(แถวที่ผิดไม่ถูกอ่าน) — ดูแท็บ ตรวจสอบข้อมูล ของสมุดงานกระทรวง")
    cached = sum(1 for p in rollup.provinces if p.cached)
    if cached:
        lines.append(f"ใช้ผลเดิมของ {cached} จังหวัดที่ไม่มีการเปลี่ยนแปลง (ไม่ได้อ่านซ้ำ)")
    lines.append(f"เขียนแท็บ {', '.join(outcome.tabs_written)} และ {outcome.json_path}")
    return "\n".join(lines)


def render_demo(outcome: DemoOutcome, command: str = "sheets-sync", config_path: str | None = None) -> str:
    """What the demo made, then commands to try next (`command` is how this run was started)."""
    errors, warnings = outcome.validation.report.errors, outcome.validation.report.warnings
    lines = [
        f"สร้างสมุดงานตัวอย่าง: {outcome.workbook}",
        f"ตรวจสอบข้อมูล: ข้อผิดพลาด {errors} รายการ, คำเตือน {warnings} รายการ (จงใจใส่ไว้เป็นตัวอย่าง)",
        render_issues(outcome.validation.report, str(outcome.workbook)),
        "",
        render_sync(outcome.sync, str(outcome.workbook)),
    ]
    for path in outcome.documents:
        lines.append(f"  เอกสาร: {path}")
    lines.append(render_remind(outcome.reminders))
    lines.append(render_calendar(outcome.calendar))
    if outcome.closed:
        lines.append(f"  ปิดรอบแล้ว (ตัวอย่าง): {', '.join(f'รอบ {c.round} เดือน' for c in outcome.closed)} แล้วแก้ผล {LATE_EDIT_KPI}"
                     f" ของรอบ {outcome.closed[0].round} เดือนหลังปิดรอบ — ดูคำเตือน closed-round-changed แท็บ แนวโน้ม และ close --list")
    lines.append("")
    lines.append("ลองต่อ (พิมพ์ตามนี้ได้เลย):")
    lines.extend(f"  {hint}" for hint in demo_hints(outcome, command, config_path))
    return "\n".join(lines)


def demo_hints(outcome: DemoOutcome, command: str, config_path: str | None = None) -> list[str]:
    """Commands that work as typed on the demo workbook, for the same data date."""
    book = shlex.quote(str(outcome.workbook))
    as_of = outcome.sync.results.period.as_of.isoformat()
    out = shlex.quote(str(outcome.sync.results_path.parent))
    config = f" --config {shlex.quote(config_path)}" if config_path else ""
    return [
        f"{command} validate --workbook {book} --as-of {as_of}{config}    # จบด้วยรหัส 1 เพราะมีข้อผิดพลาดที่จงใจใส่ไว้",
        f"{command} validate --workbook {book} --as-of {as_of} --errors-only{config}",
        f"{command} sync --workbook {book} --as-of {as_of} --out {out}{config}",
    ]


def render_history(snapshots: list[SnapshotInfo], path: Path) -> str:
    if not snapshots:
        return f"ยังไม่มีประวัติใน {path} (ประวัติจะถูกบันทึกทุกครั้งที่สั่ง sync)"
    lines = [f"ประวัติใน {path}", "หมายเลข  เวลา                 ข้อมูล ณ     ปีงบ  รอบ  ผิดพลาด  เตือน  ที่มา"]
    for s in snapshots:
        lines.append(
            f"{s.id:>7}  {s.taken_at:<19}  {s.as_of}  {s.fiscal_year}  {s.round:>3}  {s.errors:>7}  {s.warnings:>5}  {s.source}"
        )
        lines.append("         " + ", ".join(f"{t} {n} แถว" for t, n in s.tabs.items()))
    return "\n".join(lines)


def render_closings(closings: list[Closing], path: Path) -> str:
    """`close --list`: every closing, reopened ones too (round, as-of, who, when, hash, reopened)."""
    if not closings:
        return f"ยังไม่มีการปิดรอบใน {path} (ปิดรอบด้วย sheets-sync close --round N)"
    lines = [f"การปิดรอบใน {path}", "หมายเลข  ปีงบ  รอบ  ข้อมูล ณ     ปิดเมื่อ              โดย  ประวัติ  SHA-256"]
    for c in closings:
        lines.append(
            f"{c.id:>7}  {c.fiscal_year}  {c.round:>3}  {c.as_of}  {c.closed_at.isoformat(timespec='seconds')}  {c.closed_by}"
            f"  {c.snapshot_id}  {c.results_sha256}"
        )
        if c.reopened_at is not None:
            lines.append(f"         เปิดรอบใหม่เมื่อ {c.reopened_at.isoformat(timespec='seconds')} โดย {c.reopened_by}: {c.reopen_reason}")
    return "\n".join(lines)


def _num(value: float | None, places: int = 2) -> str:
    return "-" if value is None else f"{value:.{places}f}"


def render_remind(outcome: RemindOutcome) -> str:
    """Who was told (or, in a dry run, which .eml files were written), who could not be reached."""
    people = [m for m in outcome.messages if m.person]
    lines = []
    if outcome.dry_run:
        folder = outcome.eml_files[0].parent if outcome.eml_files else "-"
        lines.append(f"  การแจ้งเตือน (ทดลอง ไม่ได้ส่งจริง): เขียน {len(outcome.eml_files)} ไฟล์ .eml ใน {folder}")
    else:
        lines.append(
            f"  การแจ้งเตือน: ส่งแล้ว {len(outcome.sent)} ฉบับ · ส่งไปแล้ววันนี้ (ไม่ส่งซ้ำ) {len(outcome.already_sent)} ฉบับ"
            f" · ส่งไม่สำเร็จ {len(outcome.unsent)} ฉบับ"
        )
    lines.append(f"  ผู้ที่มีรายการต้องดำเนินการ {len(people)} คน (ไม่มีรายการ ไม่ได้รับข้อความ)")
    for person, reason in outcome.not_reachable.items():
        lines.append(f"  ติดต่อไม่ได้: {person} ({reason}) — อยู่ในสรุปถึงหัวหน้าฝ่าย")
    if outcome.head_missing:
        lines.append("  ไม่ได้ตั้ง remind.head_email: ส่งสรุปถึงหัวหน้าฝ่ายไม่ได้")
    if outcome.error:
        lines.append(f"  {outcome.error}")
    for item, reason in outcome.unsent:
        if reason != outcome.error:
            lines.append(f"  ส่งไม่สำเร็จ: {item.person or 'สรุปถึงหัวหน้าฝ่าย'} <{item.address}> — {reason}")
    if outcome.unsent:
        names = ", ".join(f"{item.person or 'สรุปถึงหัวหน้าฝ่าย'} <{item.address}>" for item, _ in outcome.unsent)
        lines.append(f"  ยังไม่ได้ส่ง (สั่ง remind อีกครั้งจะส่งให้): {names}")
    return "\n".join(lines)


def render_calendar(outcome: CalendarOutcome) -> str:
    c = outcome.counts
    return (
        f"  ปฏิทินแผนปฏิบัติการ: {outcome.path} (กิจกรรม {c.get('activity', 0)} · สิ้นสุดรอบ {c.get('round_end', 0)}"
        f" · กำหนดเสนอรายงาน {c.get('memo_due', 0)} · ทบทวนคู่มือ {c.get('sop_review', 0)})"
    )


def render_status(latest: dict[str, Run], log_file: Path) -> str:
    """The last run of each command, one line each (and its one-line message on failure)."""
    if not latest:
        return f"ยังไม่มีบันทึกการทำงานใน {log_file}"
    lines = [f"การทำงานครั้งล่าสุดของแต่ละคำสั่ง (จาก {log_file}):"]
    for run in latest.values():
        counts = ""
        if run.errors is not None:
            counts = f" ข้อผิดพลาด {run.errors} คำเตือน {run.warnings}"
        where = f" {run.workbook}" if run.workbook else ""
        lines.append(
            f"  {run.command}: {run.time}{where} — {OUTCOME_TH.get(run.outcome, run.outcome)} (รหัส {run.exit_code})"
            f"{counts} ใช้เวลา {run.duration_s:.1f} วินาที"
        )
        if run.message:
            lines.append(f"    {run.message}")
    return "\n".join(lines)


def manual_draft_lines(missions, written: list[str]) -> list[str]:  # missions: compute.missions.MissionResult
    """One line per manual written as a draft (ฉบับร่าง) and why, in the words of the summary
    tab (they name the tab to fix); a ready manual registered as not yet in use says so."""
    if missions is None or not missions.count:
        return []
    frame = missions.missions.set_index("mission_id", drop=False)
    lines = []
    for mid in written:
        if mid not in frame.index or frame.loc[mid, "manual_state"] != "draft":
            continue
        row = frame.loc[mid]
        why = list(row["missing"] or [])
        if not why:
            status = choice_label(SOP_STATUSES, row["sop_status"]) or "-"
            why = [f"สถานะคู่มือในแท็บ ภารกิจ เป็น {status} (ยังไม่ได้ประกาศใช้)"]
        lines.append(f"  ฉบับร่าง {mid} {row['name']}: {'; '.join(why)}")
    return lines
