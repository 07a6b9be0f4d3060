"""What a person sees in the terminal: the issues list and short summaries."""

from __future__ import annotations

from collections.abc import Sequence

from ..schema.issues import Issue, Severity


def render_issues(issues: Sequence[Issue], where: str) -> str:
    """One line per issue, `แท็บ!เซลล์`, then a count line."""
    errors = sum(1 for i in issues if i.severity is Severity.ERROR)
    warnings = len(issues) - errors
    lines = [f"ตรวจสอบ {where}"]
    if not issues:
        lines.append("ไม่พบปัญหาในข้อมูล ✓")
        return "\n".join(lines)
    width = max(len(i.location) for i in issues)
    for issue in issues:
        mark = "✗" if issue.severity is Severity.ERROR else "!"
        value = f"  [ค่าที่พบ: {issue.value}]" if issue.value else ""
        lines.append(f"{mark} {issue.location:<{width}}  {issue.severity.th:<10} {issue.code:<22} {issue.message}{value}")
    lines.append(f"สรุป: ข้อผิดพลาด {errors} รายการ (แถวเหล่านี้ไม่ถูกนำไปคำนวณ), คำเตือน {warnings} รายการ")
    return "\n".join(lines)
