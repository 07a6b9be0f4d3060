"""What a person sees in the terminal: the issues list and short summaries."""

from __future__ import annotations

from ..core.vocabulary import PLAN_STATUSES, SECTION_GROUP, choice_label
from ..schema.issues import Severity
from ..schema.report import ValidationReport


def issues_summary(report: ValidationReport, *, errors_only: bool = False) -> str:
    """The one count line of an issues list (all that `validate --quiet` prints)."""
    hidden = " (ไม่ได้แสดงคำเตือน)" if errors_only and report.warnings else ""
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


def render_sync(outcome, where: str) -> str:  # outcome: app.SyncOutcome
    """A short summary of a sync: what was written and the headline figures."""
    r = outcome.results
    in_progress = "" if r.period.round_closed else " (อยู่ระหว่างดำเนินการ)"
    lines = [f"ซิงก์ {where} เรียบร้อย — {r.period.as_of.isoformat()} · ปีงบประมาณ {r.period.fiscal_year} · รอบ {r.period.round} เดือน{in_progress}"]
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


def render_demo(outcome, command: str = "sheets-sync", config_path: str | None = None) -> str:  # outcome: app.DemoOutcome
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
    if outcome.reminders is not None:
        lines.append(render_remind(outcome.reminders))
    if outcome.calendar is not None:
        lines.append(render_calendar(outcome.calendar))
    lines.extend(outcome.notes)
    lines.append("")
    lines.append("ลองต่อ (พิมพ์ตามนี้ได้เลย):")
    lines.extend(f"  {hint}" for hint in demo_hints(outcome, command, config_path))
    return "\n".join(lines)


def demo_hints(outcome, command: str, config_path: str | None = None) -> list[str]:
    """Commands that work as typed on the demo workbook, for the same data date."""
    import shlex

    book = shlex.quote(str(outcome.workbook))
    as_of = outcome.sync.results.period.as_of.isoformat()
    out = shlex.quote(str(outcome.sync.results_path.parent))
    config = f" --config {shlex.quote(config_path)}" if config_path else ""
    return [
        f"{command} validate --workbook {book} --as-of {as_of}{config}    # จบด้วยรหัส 1 เพราะมีข้อผิดพลาดที่จงใจใส่ไว้",
        f"{command} validate --workbook {book} --as-of {as_of} --errors-only{config}",
        f"{command} sync --workbook {book} --as-of {as_of} --out {out}{config}",
    ]


def render_history(snapshots, path) -> str:
    if not snapshots:
        return f"ยังไม่มีประวัติใน {path} (ประวัติจะถูกบันทึกทุกครั้งที่สั่ง sync)"
    lines = [f"ประวัติใน {path}", "หมายเลข  เวลา                 ข้อมูล ณ     ปีงบ  รอบ  ผิดพลาด  เตือน  ที่มา"]
    for s in snapshots:
        lines.append(
            f"{s.id:>7}  {s.taken_at:<19}  {s.as_of}  {s.fiscal_year}  {s.round:>3}  {s.errors:>7}  {s.warnings:>5}  {s.source}"
        )
        lines.append("         " + ", ".join(f"{t} {n} แถว" for t, n in s.tabs.items()))
    return "\n".join(lines)


def _num(value, places: int = 2) -> str:
    return "-" if value is None else f"{value:.{places}f}"


def render_remind(outcome) -> str:  # outcome: app.RemindOutcome
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


def render_calendar(outcome) -> str:  # outcome: app.CalendarOutcome
    c = outcome.counts
    return (
        f"  ปฏิทินแผนปฏิบัติการ: {outcome.path} (กิจกรรม {c.get('activity', 0)} · สิ้นสุดรอบ {c.get('round_end', 0)}"
        f" · กำหนดเสนอรายงาน {c.get('memo_due', 0)} · ทบทวนคู่มือ {c.get('sop_review', 0)})"
    )
