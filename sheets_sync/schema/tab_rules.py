"""Rules over a whole tab's rows (after every row and reference has been checked), per tab.

Each rule reads the usable rows (no error) and reports through the tab's validator, so its issue
is built, masked and sorted like every other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from ..core.vocabulary import SECTION_GROUP
from .addressing import a1
from .coltypes import display_value
from .issues import Severity, left_out_note
from .ministry import parse_source
from .rules import RuleContext
from .tabs import Column, Tab


class TabRows(Protocol):
    """What a tab rule sees of a validated tab: its schema, parsed rows and column positions."""

    tab: Tab
    rows: list[dict[str, Any]]
    positions: dict[str, int]

    def issue(self, col: Column | None, cell: str, severity: Severity, code: str, value: str, **details: Any) -> None: ...


def typed(row: dict[str, Any], key: str) -> str:
    """A cell of a parsed row as the person typed it (the issues list's `ค่าที่พบ`)."""
    cells, index = row.get("_cells", ()), row.get("_at", {}).get(key)
    if index is not None and index < len(cells):
        return cells[index].raw_text()
    return display_value(row.get(key))


def weights_sum_to_100(v: TabRows, ctx: RuleContext) -> None:
    """KPI weights of a group (the section, or one person) not summing to 100: a warning on the
    weight cell of the group's first usable row."""
    groups: dict[str, list[dict[str, Any]]] = {}
    left_out: dict[str, list[int]] = {}  # rows of the group left out for an error (the message names them)
    for row in v.rows:
        group = SECTION_GROUP if row["level"] == "section" else row["owner"]
        if row["_error"]:
            if group:
                left_out.setdefault(group, []).append(row["row"])
            continue
        groups.setdefault(group, []).append(row)
    col = v.tab.column("weight")
    for group, rows in groups.items():
        total = sum(r["weight"] for r in rows)
        if abs(total - 100) > 1e-9:
            first = rows[0]
            v.issue(col, a1(v.positions[col.key], first["row"]), Severity.WARNING, "weights-sum",
                    typed(first, "weight"), group=group, total=f"{total:g}", left_out=left_out_note(left_out.get(group, [])))


def results_reported_in_ended_rounds(v: TabRows, ctx: RuleContext) -> None:
    """A usable KPI whose result is empty in an enabled round that has ended by as-of: a warning on
    that result cell (it scores 0, rules.md `ยังไม่รายงาน`). An absent round column: its own
    column warning says so."""
    ended = [m for m in ctx.rounds if f"result_{m}" in ctx.ended_result_columns]
    for row in v.rows:
        if row["_error"]:
            continue
        for months in ended:
            col = v.tab.column(f"result_{months}")
            if col.key in v.positions and row[col.key] is None:
                v.issue(col, a1(v.positions[col.key], row["row"]), Severity.WARNING, "kpi-not-reported", "", round=months)


def branches_point_at_steps(v: TabRows, ctx: RuleContext) -> None:
    """A decision's yes_next / no_next must be a step_no of the same mission (an error)."""
    steps: dict[str, set[float]] = {}
    for row in v.rows:
        if row["mission_id"] and row["step_no"] is not None:
            steps.setdefault(row["mission_id"], set()).add(row["step_no"])
    for row in v.rows:
        for key in ("yes_next", "no_next"):
            target = row[key]
            if target is None or key not in v.positions or target in steps.get(row["mission_id"], set()):
                continue
            col = v.tab.column(key)
            v.issue(col, a1(v.positions[key], row["row"]), Severity.ERROR, "branch-unknown-step", typed(row, key),
                    step=display_value(target), mission=row["mission_id"])
            row["_error"] = True


def one_row_per_source(v: TabRows, ctx: RuleContext) -> None:
    """Two registry rows naming the same workbook (the same Sheet by id or URL, the same path):
    an error on the second (ministry.md)."""
    if "source" not in v.positions:
        return
    seen: dict[tuple[str, str], int] = {}
    for row in v.rows:
        if row["_error"] or not row["source"]:
            continue
        key = parse_source(row["source"]).key
        if key in seen:
            col = v.tab.column("source")
            v.issue(col, a1(v.positions["source"], row["row"]), Severity.ERROR, "source-duplicate", typed(row, "source"),
                    first_row=seen[key])
            row["_error"] = True
        else:
            seen[key] = row["row"]


TabRule = Callable[[TabRows, RuleContext], None]
TAB_RULES: dict[str, tuple[TabRule, ...]] = {
    "kpis": (weights_sum_to_100, results_reported_in_ended_rounds),
    "sop_steps": (branches_point_at_steps,),
    "provinces": (one_row_per_source,),
}
