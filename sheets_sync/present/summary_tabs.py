"""The six summary tabs of outputs.md, built as data from the results of one sync."""

from __future__ import annotations

import datetime as dt

from ..compute.kpi import NOT_ASSESSED, NOT_REPORTED
from ..compute.results import Results
from ..compute.rounding import records
from ..compute.trend import FIGURES as TREND_FIGURES
from ..compute.trend import ClosedFigures
from ..config import Office
from ..core.fiscal import fiscal_months
from ..core.grid import CellLink, Chart, ChartKind, Fmt, Style, SummaryTab, Table, Value, style_of
from ..core.thai_dates import as_of_line, thai_date, thai_month_year
from ..core.vocabulary import (
    CHANNELS,
    COMPLAINT_SERIES,
    COMPLAINT_STATUSES,
    KPI_KINDS,
    KPI_LEVELS,
    KPI_STATES,
    MISSION_CATEGORIES,
    NO_DISTRICT,
    PERSPECTIVES,
    PLAN_STATUSES,
    SECTION_GROUP,
    SEVERITIES,
    SINGLE_POINT_OF_FAILURE,
    SOP_STATUSES,
    Tone,
    choice_of,
    score_tone,
)
from ..core.vocabulary import choice_label as _th
from ..schema.issues import Severity

YES, NO = "ใช่", "-"


def _status_style(key: str) -> Style | None:
    """The cell style of a plan status (its tone in the vocabulary)."""
    return style_of(choice_of(PLAN_STATUSES, key).tone)


def _score_style(score: float | None) -> Style | None:
    return style_of(score_tone(score))

T, INT, N, M, P, S, D = Fmt.TEXT, Fmt.INT, Fmt.NUMBER, Fmt.MONEY, Fmt.PCT, Fmt.SCORE, Fmt.DATE


def _unavailable(what: str) -> Table:
    return Table(["หมายเหตุ"], [[f"ไม่มีข้อมูล{what}: แท็บที่ใช้ไม่พบหรือใช้ไม่ได้ (ดูแท็บ ตรวจสอบข้อมูล)"]])


def build_summary_tabs(results: Results, thai_digits: bool = False, section: str = Office.section) -> list[SummaryTab]:
    """The six summary tabs, in the order of outputs.md; `section` is config `office.section`."""
    period = results.period
    line = as_of_line(period.as_of, period.fiscal_year, period.round, in_progress=not period.round_closed, thai=thai_digits)
    return [
        overview_tab(results, line, section),
        plan_tab(results, line),
        kpi_tab(results, line),
        complaints_tab(results, line),
        missions_tab(results, line),
        trend_tab(results, line),
        issues_tab(results, line),
    ]


def overview_tab(results: Results, line: str, office_section: str = Office.section) -> SummaryTab:
    rows: list[list[Value]] = []
    formats: list[Fmt] = []

    def add(label: str, value: Value, fmt: Fmt) -> None:
        rows.append([label, value])
        formats.append(fmt)

    m, p, k, c = results.missions, results.plan, results.kpis, results.complaints
    add("จำนวนภารกิจ", m.count if m else None, INT)
    add("ร้อยละกระบวนการที่มีคู่มือ", m.sop_coverage_pct if m else None, P)
    add("ร้อยละภารกิจที่มีผู้ปฏิบัติแทน", m.backup_coverage_pct if m else None, P)
    add("กิจกรรมทั้งหมด", len(p.activities) if p else None, INT)
    for status in PLAN_STATUSES:
        add(f"กิจกรรม{status.th}", p.status_counts[status.key] if p else None, INT)
    section = k.groups.get(SECTION_GROUP, {}).get(results.period.round, {}) if k else {}
    add("คะแนนตัวชี้วัดระดับฝ่าย", section.get("total"), S)
    add("คะแนนตัวชี้วัดระดับฝ่าย (ร้อยละ)", section.get("total_pct"), P)
    fig = c.figures if c else {}
    add("เรื่องร้องเรียนรับ", fig.get("received"), INT)
    add(_th(COMPLAINT_STATUSES, "closed"), fig.get("closed"), INT)
    add("ร้อยละยุติ", fig.get("closed_pct"), P)
    add("เกินกำหนด", fig.get("overdue"), INT)
    add("ความพึงพอใจเฉลี่ย", fig.get("satisfaction_mean"), Fmt.DECIMAL2)
    add("ข้อผิดพลาดในข้อมูล", results.report.errors, INT)
    add(_th(SEVERITIES, "warning"), results.report.warnings, INT)
    add("ปรับปรุงล่าสุด", results.period.as_of, D)
    for months, closed in sorted((results.round_states or {}).items()):  # closing.md: each round's closing state
        add(f"รอบ {months} เดือน", closing_state(closed), T)
    table = Table(
        ["ตัวชี้วัดภาพรวม", "ค่า"],
        rows,
        styles={(r, 1): Style.MUTED for r, row in enumerate(rows) if row[1] is None},
        cell_formats={(r, 1): f for r, f in enumerate(formats)},
    )
    return SummaryTab("สรุปภาพรวม", f"สรุปภาพรวมการดำเนินงาน {office_section}", line, [table])


def closing_state(closed: ClosedFigures | None) -> str:
    """`ปิดรอบแล้ว <date> โดย <name>` or `ยังไม่ปิดรอบ` (closing.md)."""
    if closed is None:
        return "ยังไม่ปิดรอบ"
    return f"ปิดรอบแล้ว {thai_date(closed.closed_on)} โดย {closed.closed_by}"


TREND_TITLE = "แนวโน้ม"


def trend_tab(results: Results, line: str) -> SummaryTab:
    """`แนวโน้ม`: the key figures of every closed round of this fiscal year and the previous two,
    oldest first, then the current figures (closing.md "Trends"); a line chart of the key ones."""
    header = ["รอบ", "ปีงบประมาณ", "รอบ (เดือน)", "ข้อมูล ณ วันที่", "ปิดรอบเมื่อ", *(label for _, label in TREND_FIGURES),
              *(f"กิจกรรม{s.th}" for s in PLAN_STATUSES)]
    rows: list[list[Value]] = []
    for row in results.trend():
        counts = row["plan_status_counts"] or {}
        rows.append([
            "ปัจจุบัน" if row["current"] else f"{row['fiscal_year']} รอบ {row['round']} เดือน",
            row["fiscal_year"], row["round"], _date(row["as_of"]), _date(row["closed_on"]),
            *(row[key] for key, _ in TREND_FIGURES),
            *(counts.get(s.key) if row["plan_status_counts"] is not None else None for s in PLAN_STATUSES),
        ])
    formats = [T, INT, INT, D, D, P, P, S, INT, P, INT, N, Fmt.DECIMAL2, *([INT] * len(PLAN_STATUSES))]
    table = Table(header, rows, formats, caption="ตัวเลขที่รายงานเมื่อปิดรอบ (ไม่คำนวณใหม่) แล้วตามด้วยค่าปัจจุบัน")
    charts = [
        Chart(ChartKind.LINE, "ร้อยละที่มีคู่มือ และร้อยละยุติ", table=0, label_col=0, value_cols=[5, 9]),
        Chart(ChartKind.LINE, "คะแนนตัวชี้วัดระดับฝ่าย", table=0, label_col=0, value_cols=[7]),
    ]
    return SummaryTab(TREND_TITLE, "แนวโน้มผลการดำเนินงานตามรอบที่ปิดแล้ว", line, [table], charts)


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def plan_tab(results: Results, line: str) -> SummaryTab:
    p = results.plan
    if p is None:
        return SummaryTab("สรุปติดตามแผน", "สรุปผลการติดตามแผนปฏิบัติการ", line, [_unavailable("แผนปฏิบัติการ")])
    rows, styles = [], {}
    for r, act in enumerate(p.activities.to_dict("records")):
        rows.append([
            act["activity_id"], act["activity"], act["mission_id"], act["owner"], act["planned_start"],
            act["planned_end"], act["expected_pct"], act["progress_pct"], act["gap"], _th(PLAN_STATUSES, act["status"]),
            act["days_overdue"], act["problems"],
        ])
        styles[(r, 9)] = _status_style(act["status"])
    activities = Table(
        ["รหัสกิจกรรม", "กิจกรรม", "รหัสภารกิจ", "ผู้รับผิดชอบ", "วันเริ่มตามแผน", "วันสิ้นสุดตามแผน",
         "ความก้าวหน้าที่ควรเป็น (%)", "ความก้าวหน้า (%)", "ส่วนต่าง", "สถานะ", "เกินกำหนด (วัน)", "ปัญหา/อุปสรรค"],
        rows, [T, T, T, T, D, D, N, N, N, T, INT, T], styles,
    )
    counts = Table(
        ["สถานะ", "จำนวนกิจกรรม", "งบประมาณ (บาท)"],
        [[s.th, p.status_counts[s.key], p.budget_by_status[s.key]] for s in PLAN_STATUSES]
        + [["รวม", len(p.activities), p.budget_total]],
        [T, INT, M],
        {(r, 0): _status_style(s.key) for r, s in enumerate(PLAN_STATUSES)},
        caption="จำนวนกิจกรรมตามสถานะ",
    )
    alignment = Table(["รายการ", "ค่า"], [["ร้อยละกิจกรรมที่สอดคล้องกับยุทธศาสตร์จังหวัด", p.strategy_alignment_pct]], [T, P])
    chart = Chart(ChartKind.COLUMN, "จำนวนกิจกรรมตามสถานะ", table=1, label_col=0, value_cols=[1], rows=len(PLAN_STATUSES))
    return SummaryTab("สรุปติดตามแผน", "สรุปผลการติดตามแผนปฏิบัติการ", line, [activities, counts, alignment], [chart])


def kpi_tab(results: Results, line: str) -> SummaryTab:
    k = results.kpis
    if k is None:
        return SummaryTab("สรุปตัวชี้วัด", "สรุปผลคะแนนตัวชี้วัด", line, [_unavailable("ตัวชี้วัด")])
    header = ["รหัสตัวชี้วัด", "ตัวชี้วัด", "มิติ", "ระดับ", "ผู้รับผิดชอบ", "น้ำหนัก (%)", "ประเภทการวัด"]
    formats = [T, T, T, T, T, N, T]
    for months in k.rounds:
        header += [f"ผลรอบ {months} เดือน", f"คะแนนรอบ {months} เดือน", f"คะแนนถ่วงน้ำหนักรอบ {months} เดือน"]
        formats += [N, S, S]
    rows, styles = [], {}
    for r, kpi in enumerate(k.kpis.to_dict("records")):
        row: list[Value] = [
            kpi["kpi_id"], kpi["name"], _th(PERSPECTIVES, kpi["perspective"]), _th(KPI_LEVELS, kpi["level"]),
            kpi["owner"], kpi["weight"], _th(KPI_KINDS, kpi["kind"]),
        ]
        for months in k.rounds:
            score = k.scores[kpi["kpi_id"]][months]
            result: Value = score.result
            if score.state in (NOT_REPORTED, NOT_ASSESSED):
                result = _th(KPI_STATES, score.state)
            row += [result, score.score, score.weighted]
            style = _score_style(score.score)
            if style:
                styles[(r, len(row) - 2)] = style
            if score.state == NOT_REPORTED:
                styles[(r, len(row) - 3)] = style_of(Tone.WARN)
        rows.append(row)
    kpis = Table(header, rows, formats, styles)

    g_header, g_formats = ["กลุ่ม"], [T]
    for months in k.rounds:
        g_header += [f"คะแนนรวมรอบ {months} เดือน", f"ร้อยละรอบ {months} เดือน", f"ระดับผลรอบ {months} เดือน"]
        g_formats += [S, P, T]
    g_rows, g_styles = [], {}
    for r, (group, by_round) in enumerate(k.groups.items()):
        row = [group]
        for months in k.rounds:
            entry = by_round[months]
            row += [entry["total"], entry["total_pct"], entry.get("band") or ""]
            style = _score_style(entry["total"])
            if style:
                g_styles[(r, len(row) - 3)] = style
        g_rows.append(row)
    groups = Table(g_header, g_rows, g_formats, g_styles, caption="คะแนนรวมรายกลุ่ม (ฝ่าย และรายบุคคล)")

    p_header, p_formats = ["มิติ", "สัดส่วนน้ำหนัก (%)"], [T, P]
    for months in k.rounds:
        p_header.append(f"คะแนนเฉลี่ยรอบ {months} เดือน")
        p_formats.append(S)
    p_rows, p_styles = [], {}
    for r, choice in enumerate(PERSPECTIVES):
        row = [choice.th, k.perspective_weights.get(choice.key)]
        for months in k.rounds:
            mean = k.perspectives[choice.key][months]
            row.append(mean)
            style = _score_style(mean)
            if style:
                p_styles[(r, len(row) - 1)] = style
        p_rows.append(row)
    perspectives = Table(p_header, p_rows, p_formats, p_styles, caption="คะแนนตัวชี้วัดระดับฝ่ายตามมิติ Balanced Scorecard")
    round_col = 2 + list(k.rounds).index(results.period.round)
    chart = Chart(ChartKind.BAR, f"คะแนนเฉลี่ยตามมิติ รอบ {results.period.round} เดือน", table=2, label_col=0, value_cols=[round_col])
    return SummaryTab("สรุปตัวชี้วัด", "สรุปผลคะแนนตัวชี้วัด", line, [kpis, groups, perspectives], [chart])


COMPLAINT_FIGURES = (
    ("received", "เรื่องที่รับในปีงบประมาณ", INT),
    ("closed", "ยุติแล้ว", INT),
    ("open", "อยู่ระหว่างดำเนินการ", INT),
    ("closed_pct", "ร้อยละที่ยุติ", P),
    ("carried_over", "เรื่องยกมาจากปีก่อน", INT),
    ("carried_over_closed", "เรื่องยกมาที่ยุติในปีนี้", INT),
    ("overdue", "เรื่องค้างเกินกำหนด", INT),
    ("mean_days_to_close", "ระยะเวลาเฉลี่ยจนยุติ (วัน)", N),
    ("median_days_to_close", "มัธยฐานระยะเวลาจนยุติ (วัน)", N),
    ("sla_met_pct", "ร้อยละที่ยุติภายในกำหนด", P),
    ("satisfaction_mean", "ความพึงพอใจเฉลี่ย (1-5)", Fmt.DECIMAL2),
    ("satisfied_pct", "ร้อยละผู้พึงพอใจ (4-5)", P),
    ("responses", "จำนวนผู้ตอบความพึงพอใจ", INT),
)


def complaints_tab(results: Results, line: str) -> SummaryTab:
    c = results.complaints
    title, heading = "สรุปเรื่องร้องเรียน", "สรุปเรื่องร้องเรียน ศูนย์ดำรงธรรมจังหวัด"
    if c is None:
        return SummaryTab(title, heading, line, [_unavailable("เรื่องร้องเรียน")])
    figures = Table(
        ["รายการ", "ค่า"],
        [[label, c.figures[key]] for key, label, _ in COMPLAINT_FIGURES],
        cell_formats={(r, 1): fmt for r, (_, _, fmt) in enumerate(COMPLAINT_FIGURES)},
    )
    status_header = [s.th for s in COMPLAINT_STATUSES]
    by_category = Table(
        ["ประเภทเรื่อง", *status_header, "รวม"],
        [[cat, *(counts[s.key] for s in COMPLAINT_STATUSES), sum(counts.values())] for cat, counts in c.by_category_status.items()],
        [T] + [INT] * (len(COMPLAINT_STATUSES) + 1),
        caption="จำแนกตามประเภทเรื่องและสถานะ (เรื่องที่รับในปีงบประมาณ)",
    )
    by_district = Table(["อำเภอ", "จำนวนเรื่อง"], [[d, n] for d, n in c.by_district.items()], [T, INT], caption="จำแนกตามอำเภอ")
    by_channel = Table(
        ["ช่องทาง", "จำนวนเรื่อง"], [[ch.th, c.by_channel[ch.key]] for ch in CHANNELS], [T, INT], caption="จำแนกตามช่องทาง"
    )
    months = fiscal_months(results.period.fiscal_year)
    by_month = Table(
        ["เดือน", *(s.th for s in COMPLAINT_SERIES)],
        [[thai_month_year(y, m), *(c.by_month[f"{y:04d}-{m:02d}"][s.key] for s in COMPLAINT_SERIES)] for y, m in months],
        [T, INT, INT],
        caption="จำนวนเรื่องรายเดือน (ปีงบประมาณ)",
    )
    overdue = Table(
        ["เลขที่เรื่อง", "วันที่รับเรื่อง", "จำนวนวัน", "ประเภทเรื่อง", "อำเภอ", "หน่วยงานที่รับผิดชอบ", "สถานะ"],
        [
            [r["case_id"], r["received"], r["days_open"], r["category"], r["district"] or NO_DISTRICT, r["assigned_to"], _th(COMPLAINT_STATUSES, r["status"])]
            for r in records(c.overdue_cases)
        ],
        [T, D, INT, T, T, T, T],
        {(r, 2): style_of(Tone.BAD) for r in range(len(c.overdue_cases))},
        caption=f"เรื่องค้างเกินกำหนด (เกิน {c.sla_days} วัน) — ไม่แสดงข้อมูลส่วนบุคคลของผู้ร้อง",
    )
    chart = Chart(ChartKind.COLUMN, "จำนวนเรื่องร้องเรียนรายเดือน", table=4, label_col=0, value_cols=[1, 2])
    return SummaryTab(title, heading, line, [figures, by_category, by_district, by_channel, by_month, overdue], [chart])


def missions_tab(results: Results, line: str) -> SummaryTab:
    m = results.missions
    title, heading = "สรุปภารกิจและคู่มือ", "สรุปภารกิจ คู่มือการปฏิบัติงาน และผู้ปฏิบัติแทน"
    if m is None:
        return SummaryTab(title, heading, line, [_unavailable("ภารกิจ")])
    rows, styles = [], {}
    for r, row in enumerate(m.missions.to_dict("records")):
        rows.append([
            row["mission_id"], row["name"], _th(MISSION_CATEGORIES, row["category"]), row["owner"], row["backup"],
            _th(SOP_STATUSES, row["sop_status"]), YES if row["sop_ready"] else NO, YES if row["sop_review_due"] else NO,
            row["standard_time"], ", ".join(row["capable_staff"]), len(row["capable_staff"]),
            SINGLE_POINT_OF_FAILURE if row["single_point_of_failure"] else "",
        ])
        styles[(r, 5)] = style_of(choice_of(SOP_STATUSES, row["sop_status"]).tone)
        if row["single_point_of_failure"]:
            styles[(r, 11)] = style_of(Tone.BAD)
        if row["sop_review_due"]:
            styles[(r, 7)] = style_of(Tone.WARN)
    missions = Table(
        ["รหัสภารกิจ", "ชื่อภารกิจ", "ประเภทภารกิจ", "ผู้รับผิดชอบหลัก", "ผู้ปฏิบัติแทน", "สถานะคู่มือ", "คู่มือพร้อม",
         "ถึงรอบทบทวน", "เวลามาตรฐาน", "ผู้ปฏิบัติได้", "จำนวนผู้ปฏิบัติได้", "ความเสี่ยง"],
        rows, [T] * 10 + [INT, T], styles,
    )
    table = m.missions
    coverage_rows: list[list[Value]] = []
    for category in (c.key for c in MISSION_CATEGORIES):
        members = table[table["category"] == category] if m.count else table
        coverage_rows.append([
            _th(MISSION_CATEGORIES, category), len(members), int((members["sop_status"] == "has").sum()) if len(members) else 0,
            m.sop_coverage_by_category[category],
        ])
    coverage_rows.append(["รวม", m.count, int((table["sop_status"] == "has").sum()) if m.count else 0, m.sop_coverage_pct])
    coverage = Table(["ประเภทภารกิจ", "จำนวนภารกิจ", "มีคู่มือ", "ร้อยละที่มีคู่มือ"], coverage_rows, [T, INT, INT, P],
                     caption="ความครอบคลุมของคู่มือการปฏิบัติงาน")
    indicators = Table(
        ["รายการ", "ค่า"],
        [["ร้อยละกระบวนการที่มีคู่มือ", m.sop_coverage_pct], ["ร้อยละภารกิจที่มีผู้ปฏิบัติแทน", m.backup_coverage_pct],
         ["ร้อยละภารกิจที่มีกิจกรรมในแผน", m.plan_linked_pct]],
        [T, P],
    )
    return SummaryTab(title, heading, line, [missions, coverage, indicators])


# Issues about a tab that is not there (or not one tab): nothing to link to.
NO_SUCH_TAB = ("tab-missing", "tab-optional-missing", "tab-ambiguous")


def issues_tab(results: Results, line: str) -> SummaryTab:
    return issues_summary_tab(results.issues, results.workbook.schema, line)


def issues_summary_tab(issues: list, schema: dict, line: str) -> SummaryTab:
    """`ตรวจสอบข้อมูล`: one row per issue, errors first (an office's workbook, or the ministry's registry)."""
    headers = {}
    for tab in schema.values():
        for col in tab.columns:
            headers[(tab.th, col.key)] = col.th
    rows, styles, links = [], {}, {}
    # Errors first (their rows are left out of every figure), then warnings; each in the report's order.
    ordered = sorted(issues, key=lambda i: i.severity is not Severity.ERROR)
    for r, issue in enumerate(ordered):
        rows.append([
            issue.tab, issue.location, headers.get((issue.tab, issue.column), issue.column), issue.severity.th,
            issue.code, issue.message, issue.value,
        ])
        styles[(r, 3)] = style_of(issue.severity.tone)
        if issue.cell and issue.code not in NO_SUCH_TAB:
            links[(r, 1)] = CellLink(issue.sheet or issue.tab, issue.cell)  # a click on the cell address jumps there
    table = Table(["แท็บ", "เซลล์", "คอลัมน์", "ระดับ", "รหัส", "ข้อความ", "ค่าที่พบ"], rows, None, styles, links=links)
    return SummaryTab("ตรวจสอบข้อมูล", "ผลการตรวจสอบข้อมูล", line, [table], column_widths=[16, 22, 22, 12, 22, 90, 30])
