"""What `rollup` prints: the provinces read, the ones that could not be, and where the figures went."""

from __future__ import annotations

from typing import Any

from ..core.vocabulary import ROLLUP_OUTCOMES, choice_of


def render_rollup(outcome: Any, where: str) -> str:
    """A few Thai lines: counts, every province not read with why, registry issues, the output."""
    rollup = outcome.rollup
    counts = rollup.counts
    lines = [
        f"รวมผล {counts['total']} จังหวัดจาก {where}: อ่านได้ {counts['ok']}, อ่านไม่ได้ {counts['failed']}, "
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
    if registry.error_count or registry.warning_count:
        lines.append(f"ทะเบียนจังหวัดมีข้อผิดพลาด {registry.error_count} คำเตือน {registry.warning_count} รายการ "
                     "(แถวที่ผิดไม่ถูกอ่าน) — ดูแท็บ ตรวจสอบข้อมูล ของสมุดงานกระทรวง")
    cached = sum(1 for p in rollup.provinces if p.cached)
    if cached:
        lines.append(f"ใช้ผลเดิมของ {cached} จังหวัดที่ไม่มีการเปลี่ยนแปลง (ไม่ได้อ่านซ้ำ)")
    lines.append(f"เขียนแท็บ {', '.join(outcome.tabs_written or [])} และ {outcome.json_path}")
    return "\n".join(lines)
