"""The memo's comparison with the closed rounds before it (shared/spec/closing.md): one line per
key figure, `คะแนนตัวชี้วัดระดับฝ่าย รอบ 6 เดือน 3.40 → รอบ 9 เดือน 3.62`.

Kept apart from the memo's own wording (memo.py): the template shows `comparison` as its own
short list after the facts, and it is empty for the first closed round of a year.
"""

from __future__ import annotations

from ..compute.results import Results
from ..compute.trend import comparisons
from ..core.vocabulary import PLAN_STATUSES, choice_label
from .formatting import Formatter

LABELS = {
    "kpi_section_total": ("คะแนนตัวชี้วัดระดับฝ่าย", "score2"),
    "sop_coverage_pct": ("ร้อยละกระบวนการที่มีคู่มือ", "pct"),
    "complaints_closed_pct": ("ร้อยละเรื่องร้องเรียนที่ยุติ", "pct"),
    "complaints_overdue": ("เรื่องร้องเรียนค้างเกินกำหนด (เรื่อง)", "count"),
}
HEADING = "เทียบกับผลที่รายงานเมื่อปิดรอบก่อนหน้า"


def comparison_lines(results: Results, fmt: Formatter, number: str = "") -> list[str]:
    """The comparison's lines (a heading first, numbered `number` when given), or [] when no
    earlier round of the year is closed."""
    found = comparisons(results.earlier_closed, results.figures_json())
    if not found:
        return []
    lines = [f"{fmt.text(number)} {HEADING} ดังนี้" if number else HEADING]
    plan = []
    for item in found:
        if item.key.startswith("plan:"):
            plan.append(f"{choice_label(PLAN_STATUSES, item.key[5:])} {' → '.join(fmt.count(v) for _, v in item.values)}")
            continue
        label, kind = LABELS[item.key]
        shown = " → ".join(f"{fmt.text(f'รอบ {r} เดือน')} {_value(fmt, kind, value)}" for r, value in item.values)
        lines.append(f"{label} {shown}")
    if plan:
        rounds = " → ".join(fmt.text(f"รอบ {r} เดือน") for r, _ in found[-1].values)
        lines.append(f"สถานะกิจกรรมตามแผน ({rounds}): {' '.join(plan)}")
    return lines


def _value(fmt: Formatter, kind: str, value: float | int) -> str:
    return fmt.fixed(value, 2) if kind == "score2" else getattr(fmt, kind)(value)
