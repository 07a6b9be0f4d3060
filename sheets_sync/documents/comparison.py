"""The memo's comparison with the closed rounds before it (shared/spec/closing.md).

In the memo itself one short item after the facts, so that it stays within two pages: the KPI
section total round by round, as closing.md writes it (`คะแนนตัวชี้วัดระดับฝ่าย รอบ ๖ เดือน ๓.๔๐ →
รอบ ๙ เดือน ๓.๖๒`), pointing at the attachment's part ๖; there a table has a row per compared
figure (KPI section total, SOP coverage, complaints closed %, overdue, the plan status counts),
its values round by round. Both are empty for the first
closed round of a year. Kept apart from the memo's own wording (memo.py).
"""

from __future__ import annotations

from typing import Any

from ..compute.results import Results
from ..compute.trend import compared_rounds, comparisons
from ..core.vocabulary import PLAN_STATUS_CHART_ORDER, PLAN_STATUSES, choice_label
from .formatting import MISSING, Formatter

PART = 6  # the attachment's part that holds the table
HEADING = "เทียบกับรอบที่ปิดแล้ว"
IN_THE_MEMO = {"kpi_section_total": "คะแนนตัวชี้วัดระดับ{unit}"}  # the rest, SOP coverage included, in the attachment's table
ARROW = " → "


def comparison_lines(results: Results, fmt: Formatter, number: str = "", *, unit: str = "ฝ่าย") -> list[str]:
    """The memo's item (a list of one, numbered `number` when given), or [] when no earlier
    round of the year is closed."""
    found = [c for c in comparisons(results.earlier_closed, results.figures_json()) if c.key in IN_THE_MEMO]
    if not compared_rounds(results.earlier_closed, results.figures_json()):
        return []
    heading = f"{fmt.text(number)} {HEADING}" if number else HEADING
    parts = []
    for item in found:
        shown = [fmt.fixed(v, 2) if item.key == "kpi_section_total" else fmt.pct(v) for _, v in item.values]
        if not parts:  # the first figure names the rounds; the next follows them in order
            shown = [f"{fmt.text(f'รอบ {r} เดือน')} {s}" for (r, _), s in zip(item.values, shown)]
        parts.append(f"{IN_THE_MEMO[item.key].format(unit=unit)} {ARROW.join(shown)}")
    detail = f"(รายละเอียดตามสิ่งที่ส่งมาด้วย ข้อ {fmt.plain(PART)})"
    return [" ".join([heading, *parts, detail])]


def comparison_rows(results: Results, fmt: Formatter, *, unit: str = "ฝ่าย") -> list[dict[str, str]]:
    """The attachment's table: a row per compared figure, its values round by round as reported
    at each closing, then this round's (`๓.๖๒ → ๓.๘๕ → ๔.๐๔`); a figure a round did not have is
    `–`; a plan status that is zero in every round is left out. [] when no earlier round of the
    year is closed."""
    rounds = compared_rounds(results.earlier_closed, results.figures_json())
    if not rounds:
        return []
    figures = [f for _, f in rounds]
    rows = [
        {"label": label, "shown": ARROW.join(_or_missing(format_, f.get(key), *extra) for f in figures)}
        for key, label, format_, extra in (
            ("kpi_section_total", fmt.text(f"คะแนนรวมตัวชี้วัดระดับ{unit} (เต็ม 5)"), fmt.fixed, (2,)),
            ("sop_coverage_pct", "ร้อยละของภารกิจที่มีคู่มือการปฏิบัติงาน", fmt.pct, ()),
            ("complaints_closed_pct", "ร้อยละของเรื่องร้องเรียนที่ยุติ", fmt.pct, ()),
            ("complaints_overdue", "เรื่องร้องเรียนที่ยังไม่ยุติเกินกำหนด รวมเรื่องยกมา (เรื่อง)", fmt.count, ()),
        )
    ]
    for status in PLAN_STATUS_CHART_ORDER:
        counts = [(f.get("plan_status_counts") or {}).get(status) for f in figures]
        if any(counts):
            rows.append({"label": f"กิจกรรม{choice_label(PLAN_STATUSES, status)} (กิจกรรม)", "shown": ARROW.join(_or_missing(fmt.count, c) for c in counts)})
    return rows


def comparison_rounds(results: Results, fmt: Formatter) -> str:
    """The table's header over the values: `รอบ ๖ เดือน → รอบ ๙ เดือน → รอบ ๑๒ เดือน (รอบนี้)`."""
    rounds = [r for r, _ in compared_rounds(results.earlier_closed, results.figures_json())]
    return ARROW.join(fmt.text(f"รอบ {r} เดือน") for r in rounds) + " (รอบนี้)" if rounds else ""


def _or_missing(format_, value: Any, *args: Any) -> str:
    return MISSING if value is None else format_(value, *args)
