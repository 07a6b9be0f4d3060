"""The ministry workbook's summary tabs (ministry.md), built as data from one roll-up."""

from __future__ import annotations

from typing import Any

from ..compute.rollup import Figures, ProvinceRead, Rollup
from ..core.grid import CellLink, Fmt, SummaryTab, Table, Value, style_of
from ..core.thai_dates import as_of_line
from ..core.vocabulary import PLAN_STATUSES, RESULT_BANDS, ROLLUP_OUTCOMES, choice_of, result_band
from ..schema.issues import Issue
from ..schema.ministry import MINISTRY_SUMMARY_TITLES
from ..schema.tabs import Tab
from .summary_tabs import issues_summary_tab

NATIONAL_TAB, PROVINCES_TAB, RANKINGS_TAB, READS_TAB, ISSUES_TAB = MINISTRY_SUMMARY_TITLES
T, INT, P, S, N, D2 = Fmt.TEXT, Fmt.INT, Fmt.PCT, Fmt.SCORE, Fmt.NUMBER, Fmt.DECIMAL2

# The four rankings: key, Thai name, how its value is shown.
RANKING_NAMES = {
    "sop_coverage_pct": ("ร้อยละกระบวนการที่มีคู่มือ", P),
    "kpi_total": ("คะแนนตัวชี้วัดระดับสำนักงาน", S),
    "closed_pct": ("ร้อยละเรื่องร้องเรียนที่ยุติ", P),
    "overdue_per_100": ("เรื่องเกินกำหนดต่อ 100 เรื่องที่รับ", P),
}
DIST_HEADER = ["ต่ำสุด", "ควอร์ไทล์ที่ 1", "มัธยฐาน", "ควอร์ไทล์ที่ 3", "สูงสุด"]
DIST_KEYS = ("min", "q1", "median", "q3", "max")


def outcome_label(outcome: str) -> str:
    return choice_of(ROLLUP_OUTCOMES, outcome).th


def build_ministry_tabs(rollup: Rollup, issues: list[Issue], schema: dict[str, Tab], *, thai_digits: bool = False) -> list[SummaryTab]:
    """The five summary tabs of the ministry workbook, in the order of ministry.md."""
    line = as_of_line(rollup.as_of, rollup.fiscal_year, rollup.round, in_progress=not rollup.round_closed, thai=thai_digits)
    return [
        national_tab(rollup, line),
        provinces_tab(rollup, line),
        rankings_tab(rollup, line),
        reads_tab(rollup, line),
        issues_summary_tab(issues, schema, line),
    ]


def _figure_rows(group: dict[str, Any]) -> tuple[list[list[Value]], list[Fmt]]:
    """`รายการ | ค่า` rows of a group's figures (the nation, or one region), pooled."""
    rows: list[list[Value]] = []
    fmts: list[Fmt] = []

    def add(label: str, value: Value, fmt: Fmt) -> None:
        rows.append([label, value])
        fmts.append(fmt)

    c, k = group["complaints"], group["kpi"]
    add("จังหวัดที่นำมาคำนวณ", group["provinces"], INT)
    add("จำนวนภารกิจ (รวม)", group["missions"], INT)
    add("ภารกิจที่มีคู่มือ (รวม)", group["missions_with_sop"], INT)
    add("ร้อยละกระบวนการที่มีคู่มือ (รวมทุกจังหวัด)", group["sop_coverage_pct"], P)
    add(f"จังหวัดที่มีคู่มือถึงร้อยละ {group['sop_target_pct']:g}", group["sop_target_met"], INT)
    add("กิจกรรมทั้งหมด", group["activities"], INT)
    for status in PLAN_STATUSES:
        add(f"กิจกรรม{status.th}", group["plan_status_counts"][status.key], INT)
    add("เรื่องร้องเรียนรับ (ปีนี้)", c["received"], INT)
    add("เรื่องร้องเรียนยุติ", c["closed"], INT)
    add("ร้อยละเรื่องที่ยุติ", c["closed_pct"], P)
    add("เรื่องเกินกำหนด (รวมเรื่องยกมา)", c["overdue"], INT)
    add("เรื่องเกินกำหนดต่อ 100 เรื่องที่รับ", c["overdue_per_100"], P)
    add("ร้อยละที่ยุติภายในกำหนด", c["sla_met_pct"], P)
    add("จังหวัดที่มีคะแนนตัวชี้วัด", k["provinces"], INT)
    add("คะแนนตัวชี้วัดเฉลี่ยของจังหวัด", k["mean_total"], S)
    add("มัธยฐานคะแนนตัวชี้วัด", k["median_total"], S)
    for _, band in RESULT_BANDS:
        add(f"จังหวัดระดับผล {band}", k["bands"][band], INT)
    return rows, fmts


def _dist_rows(group: dict[str, Any]) -> tuple[list[list[Value]], dict[tuple[int, int], Fmt]]:
    c, k = group["complaints"], group["kpi"]
    items = [
        ("ร้อยละกระบวนการที่มีคู่มือ", group["sop_coverage_dist"], P),
        ("ร้อยละเรื่องที่ยุติ", c["closed_pct_dist"], P),
        ("เรื่องเกินกำหนดต่อ 100 เรื่องที่รับ", c["overdue_per_100_dist"], P),
        ("ร้อยละที่ยุติภายในกำหนด", c["sla_met_pct_dist"], P),
        ("คะแนนตัวชี้วัดระดับสำนักงาน", k["total_dist"], S),
    ]
    rows, fmts = [], {}
    for r, (label, dist, fmt) in enumerate(items):
        rows.append([label, *(dist[key] for key in DIST_KEYS)])
        for col in range(1, 6):
            fmts[(r, col)] = fmt
    return rows, fmts


def national_tab(rollup: Rollup, line: str) -> SummaryTab:
    counts = rollup.counts
    reads = Table(
        ["สถานะการอ่าน", "จำนวนจังหวัด"],
        [["ในทะเบียน", counts["total"]], ["อ่านได้", counts["ok"]], ["อ่านไม่ได้ (ไม่นำมาคำนวณ)", counts["failed"]],
         ["ยังไม่ใช้งาน", counts["inactive"]]],
        [T, INT],
        caption="จังหวัดที่อ่านไม่ได้ไม่ถูกนับเป็นศูนย์ และไม่อยู่ในตัวเลขใดของหน้านี้ (ดูแท็บ " + READS_TAB + ")",
    )
    rows, fmts = _figure_rows(rollup.national)
    figures = Table(["รายการ", "ค่า"], rows, [T, T], cell_formats={(r, 1): f for r, f in enumerate(fmts)},
                    caption="ตัวเลขระดับประเทศ: อัตราส่วนคิดจากผลรวมของทุกจังหวัด (ไม่ใช่ค่าเฉลี่ยของร้อยละ)")
    dist_rows, dist_fmts = _dist_rows(rollup.national)
    dist = Table(["การกระจายของค่ารายจังหวัด", *DIST_HEADER], dist_rows, [T] * 6, cell_formats=dist_fmts,
                 caption="ควอร์ไทล์แบบรวมปลาย (QUARTILE.INC)")
    region_header = ["ภาค", "จังหวัดที่อ่านได้", "ภารกิจ", "มีคู่มือ", "ร้อยละมีคู่มือ", "มัธยฐานร้อยละมีคู่มือ", "ถึงเป้าหมาย",
                     "เรื่องรับ", "ยุติ", "ร้อยละยุติ", "เกินกำหนด", "เกินกำหนดต่อ 100", "ร้อยละยุติภายในกำหนด",
                     "คะแนนตัวชี้วัดเฉลี่ย", "มัธยฐานคะแนนตัวชี้วัด", *(f"ระดับ {b}" for _, b in RESULT_BANDS)]
    region_rows = []
    for name, g in rollup.regions.items():
        c, k = g["complaints"], g["kpi"]
        region_rows.append([
            name, g["provinces"], g["missions"], g["missions_with_sop"], g["sop_coverage_pct"], g["sop_coverage_dist"]["median"],
            g["sop_target_met"], c["received"], c["closed"], c["closed_pct"], c["overdue"], c["overdue_per_100"], c["sla_met_pct"],
            k["mean_total"], k["median_total"], *(k["bands"][b] for _, b in RESULT_BANDS),
        ])
    regions = Table(region_header, region_rows, [T, INT, INT, INT, P, P, INT, INT, INT, P, INT, P, P, S, S] + [INT] * len(RESULT_BANDS),
                    caption="รายภาค (คิดแบบเดียวกับระดับประเทศ)")
    widths = [48, *([14] * (len(region_header) - 1))]  # the labels are long Thai phrases
    return SummaryTab(NATIONAL_TAB, "สรุปผลการดำเนินงานของสำนักงานจังหวัดระดับประเทศ", line, [reads, figures, dist, regions],
                      column_widths=widths)


def _province_values(p: ProvinceRead, f: Figures | None, rollup: Rollup) -> list[Value]:
    if f is None:
        return [None] * (15 + len(PLAN_STATUSES) + len(RANKING_NAMES))
    statuses = [(f.status_counts or {}).get(s.key) for s in PLAN_STATUSES] if f.status_counts is not None else [None] * len(PLAN_STATUSES)
    ranks = [rollup.rankings[key].rank_of(p.province) for key in RANKING_NAMES]
    return [
        f.missions, f.sop_coverage_pct, f.backup_coverage_pct, f.activities, *statuses,
        f.kpi_total_4, f.kpi_total_pct, result_band(f.kpi_total_pct),
        f.received, f.closed, f.closed_pct, f.overdue, f.overdue_per_100, f.median_days_to_close, f.sla_met_pct,
        f.satisfaction_mean, *ranks,
    ]


def provinces_tab(rollup: Rollup, line: str) -> SummaryTab:
    header = [
        "จังหวัด", "ภาค", "ผลการอ่าน", "จำนวนภารกิจ", "ร้อยละมีคู่มือ", "ร้อยละมีผู้ปฏิบัติแทน", "กิจกรรม",
        *(f"กิจกรรม{s.th}" for s in PLAN_STATUSES),
        "คะแนนตัวชี้วัด", "ร้อยละคะแนน", "ระดับผล", "เรื่องรับ", "ยุติ", "ร้อยละยุติ", "เกินกำหนด", "เกินกำหนดต่อ 100",
        "มัธยฐานวันที่ใช้ยุติ", "ร้อยละยุติภายในกำหนด", "ความพึงพอใจเฉลี่ย",
        *(f"อันดับ{name}" for name, _ in RANKING_NAMES.values()),
        "ข้อผิดพลาดในข้อมูล", "คำเตือน", "ปรับปรุงสมุดงานล่าสุด", "สมุดงาน",
    ]
    fmts = [T, T, T, INT, P, P, INT, *([INT] * len(PLAN_STATUSES)), S, P, T, INT, INT, P, INT, P, N, P, D2, INT, INT, INT, INT, INT, INT, T, T]
    rows, styles, links = [], {}, {}
    for r, p in enumerate(rollup.provinces):
        f = rollup.figures.get(p.province)
        rows.append([p.province, p.region, outcome_label(p.outcome), *_province_values(p, f, rollup),
                     p.errors, p.warnings, p.modified, p.url or p.source])
        styles[(r, 2)] = style_of(choice_of(ROLLUP_OUTCOMES, p.outcome).tone)
        if p.url:  # the province's name opens its workbook
            links[(r, 0)] = CellLink("", "", url=p.url)
    table = Table(header, rows, fmts, styles, caption="เรียงตามทะเบียนจังหวัด จังหวัดที่อ่านไม่ได้ไม่มีตัวเลข (ไม่ใช่ศูนย์)",
                  links=links)
    widths = [18, 24, 16, *([12] * (len(header) - 5)), 26, 50]
    return SummaryTab(PROVINCES_TAB, "ผลการดำเนินงานรายจังหวัด", line, [table], column_widths=widths)


def rankings_tab(rollup: Rollup, line: str) -> SummaryTab:
    header: list[str] = []
    fmts: list[Fmt] = []
    for name, fmt in RANKING_NAMES.values():
        header += ["อันดับ", "จังหวัด", name]
        fmts += [INT, T, fmt]
    rankings = [rollup.rankings[key] for key in RANKING_NAMES]
    length = max((len(r.entries) for r in rankings), default=0)
    rows = []
    for i in range(length):
        row: list[Value] = []
        for ranking in rankings:
            if i < len(ranking.entries):
                name, place, value = ranking.entries[i]
                row += [place, name, value]
            else:
                row += [None, None, None]
        rows.append(row)
    side = Table(header, rows, fmts, caption="อันดับแบบมีอันดับร่วม (1, 2, 2, 4) จังหวัดที่ไม่มีค่านั้นไม่ได้จัดอันดับ; "
                 "เรื่องเกินกำหนดต่อ 100 เรื่อง ยิ่งน้อยยิ่งดี")
    groups = []
    for key, (name, _) in RANKING_NAMES.items():
        ranking = rollup.rankings[key]
        groups.append([name, ", ".join(n for n, _, _ in ranking.top()), ", ".join(n for n, _, _ in ranking.bottom())])
    candidates = Table(["อันดับตาม", "ต้นแบบ (5 อันดับแรก)", "ควรได้รับการสนับสนุน (5 อันดับสุดท้าย)"], groups,
                       caption="อันดับร่วมที่ขอบอันดับที่ 5 นับรวมทุกจังหวัด")
    return SummaryTab(RANKINGS_TAB, "อันดับจังหวัด", line, [side, candidates], column_widths=[26, 34, 34, *([8, 18, 16] * 3)])


def reads_tab(rollup: Rollup, line: str) -> SummaryTab:
    rows, styles = [], {}
    for r, p in enumerate(rollup.provinces):
        rows.append([p.province, p.url or p.source, outcome_label(p.outcome), p.reason or "", p.seconds, p.requests,
                     "ใช่" if p.cached else "-", p.modified])
        styles[(r, 2)] = style_of(choice_of(ROLLUP_OUTCOMES, p.outcome).tone)
    table = Table(["จังหวัด", "สมุดงาน", "ผลการอ่าน", "เหตุผล", "วินาที", "จำนวนคำขอ", "ใช้ผลเดิม (ไม่มีการเปลี่ยนแปลง)", "ปรับปรุงล่าสุด"],
                  rows, [T, T, T, T, Fmt.DECIMAL2, INT, T, T], styles)
    tables = [table]
    if rollup.notes:
        tables.append(Table(["หมายเหตุ"], [[note] for note in rollup.notes]))
    return SummaryTab(READS_TAB, "การอ่านข้อมูลจังหวัด", line, tables, column_widths=[16, 40, 16, 70, 10, 12, 14, 24])
