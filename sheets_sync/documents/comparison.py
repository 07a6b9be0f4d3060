"""The memo's comparison with the closed rounds before it (shared/spec/closing.md).

In the memo itself one short item after the facts, so that it stays within two pages: the KPI
section total round by round, as closing.md writes it (`คะแนนตัวชี้วัดระดับฝ่าย รอบ ๖ เดือน ๓.๔๐ →
รอบ ๙ เดือน ๓.๖๒`), pointing at the attachment's part ๖; there a table has a row per compared
figure (KPI section total, SOP coverage, complaints closed %, overdue, the plan status counts),
its values round by round. Both are empty for the first closed round of a year. Kept apart
from the memo's own wording (memo.py).
"""

from __future__ import annotations

from typing import Any

from ..compute.results import Results
from ..compute.trend import compared_rounds
from ..core.vocabulary import PLAN_STATUS_CHART_ORDER, PLAN_STATUSES, choice_label
from .formatting import MISSING, Formatter

PART = 6  # the attachment's part that holds the table
HEADING = "เทียบกับรอบที่ปิดแล้ว"
ARROW = " → "
Rounds = list[tuple[int, dict[str, Any]]]  # compute.trend.compared_rounds


def rounds_compared(results: Results) -> Rounds:
    """The closed rounds of the year before this one, then this round, with their key figures."""
    return compared_rounds(results.earlier_closed, results.figures_json())


def comparison_lines(rounds: Rounds, fmt: Formatter, number: str = "", *, unit: str = "ฝ่าย") -> list[str]:
    """The memo's item (a list of one, numbered `number` when given): the KPI section total round
    by round, the rest in the attachment's part; [] when no earlier round of the year is closed."""
    if not rounds:
        return []
    heading = f"{fmt.text(number)} {HEADING}" if number else HEADING
    totals = [(r, figures["kpi_section_total"]) for r, figures in rounds]
    kpi = (
        [f"คะแนนตัวชี้วัดระดับ{unit} " + ARROW.join(f"{fmt.text(f'รอบ {r} เดือน')} {fmt.fixed(total, 2)}" for r, total in totals)]
        if all(total is not None for _, total in totals) else []
    )
    return [" ".join([heading, *kpi, f"(รายละเอียดตามสิ่งที่ส่งมาด้วย ข้อ {fmt.plain(PART)})"])]


def comparison_rows(rounds: Rounds, fmt: Formatter, *, unit: str = "ฝ่าย") -> list[dict[str, str]]:
    """The attachment's table: a row per compared figure, its values round by round as reported
    at each closing, then this round's (`๓.๖๒ → ๓.๘๕ → ๔.๐๔`); a figure a round did not have is
    `–`; a plan status that is zero in every round is left out. [] when no earlier round of the
    year is closed."""
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


def comparison_rounds(rounds: Rounds, fmt: Formatter) -> str:
    """The table's header over the values: `รอบ ๖ เดือน → รอบ ๙ เดือน → รอบ ๑๒ เดือน (รอบนี้)`."""
    return ARROW.join(fmt.text(f"รอบ {r} เดือน") for r, _ in rounds) + " (รอบนี้)" if rounds else ""


def _or_missing(format_, value: Any, *args: Any) -> str:
    return MISSING if value is None else format_(value, *args)
