"""Parse and validate the input tabs: typed cells in, clean tables and a list of issues out.

`validate_workbook` never raises for bad data. Each problem becomes an `Issue` pointing at the
sheet's own cell; a row with an error is left out of the tables, a row with only warnings is kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..cells import EMPTY, Cell, CellKind, TabData
from .issues import Issue, Severity, render_message
from .parsers import (
    CellProblem,
    cell_text,
    header_key,
    mask_name,
    mask_national_id,
    mask_phone,
    normalize_space,
    parse_date,
    parse_number,
    parse_percent,
    parse_result,
    split_list,
    trim,
)
from .rules import ROW_RULES, RuleContext
from .tabs import DEFAULT_COMPLAINT_CATEGORIES, SECTION_GROUP, ColType, Column, Tab, input_tabs

ROW = "row"  # the column of every table that holds the sheet's own row number


@dataclass
class ValidatedWorkbook:
    """The result of validation: clean tables of usable rows, and every issue found."""

    tables: dict[str, pd.DataFrame]  # tab key -> usable rows (English keys + "row")
    issues: list[Issue]
    titles: dict[str, str]  # tab key -> the tab's title as found in the workbook
    ids: dict[str, set[str]] = field(default_factory=dict)  # every id present, per tab key
    schema: dict[str, Tab] = field(default_factory=dict)
    positions: dict[str, dict[str, int]] = field(default_factory=dict)  # tab key -> column key -> index

    def cell_of(self, key: str, column: str, row: int) -> str | None:
        """The A1 address of a column's cell in a sheet row; None when the column is absent."""
        index = self.positions.get(key, {}).get(column)
        return None if index is None else a1(index, row)

    def table(self, key: str) -> pd.DataFrame:
        """The usable rows of a tab; an empty table with the right columns when absent."""
        if key in self.tables:
            return self.tables[key]
        return empty_table(self.schema[key])

    def has(self, key: str) -> bool:
        return key in self.tables

    @property
    def error_count(self) -> int:
        return sum(1 for i in self.issues if i.severity is Severity.ERROR)

    @property
    def warning_count(self) -> int:
        return sum(1 for i in self.issues if i.severity is Severity.WARNING)


def empty_table(tab: Tab) -> pd.DataFrame:
    return pd.DataFrame({c.key: pd.Series(dtype=object) for c in tab.columns} | {ROW: pd.Series(dtype=int)})


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def a1(col_index: int, row_number: int) -> str:
    return f"{column_letter(col_index)}{row_number}"


def find_tab(tabs: Mapping[str, TabData], tab: Tab) -> TabData | None:
    """A tab matches by its Thai name or English key, ignoring whitespace and case."""
    wanted = {header_key(tab.th), header_key(tab.key)}
    for title, data in tabs.items():
        if header_key(title) in wanted:
            return data
    return None


def input_titles(titles: Iterable[str], tabs: Iterable[Tab]) -> list[str]:
    """The titles among `titles` that are input tabs (so only those are read)."""
    wanted = {header_key(name) for tab in tabs for name in (tab.th, tab.key)}
    return [title for title in titles if header_key(title) in wanted]


def _mask(column: Column, raw: str) -> str:
    if not column.personal or not raw:
        return raw
    if column.key == "national_id":
        return mask_national_id(raw)
    if column.key == "phone":
        return mask_phone(raw)
    return mask_name(raw)


class _TabValidator:
    """Validates one tab; collects issues and the parsed rows."""

    def __init__(self, tab: Tab, data: TabData, ctx: RuleContext) -> None:
        self.tab, self.data, self.ctx = tab, data, ctx
        self.issues: list[Issue] = []
        self.positions: dict[str, int] = {}
        self.rows: list[dict[str, Any]] = []  # parsed rows (with "row" and error flags)

    def issue(self, col: Column | None, cell: str, severity: Severity, code: str, value: str, **details: Any) -> None:
        details.setdefault("tab", self.data.title)
        if col is not None:
            details.setdefault("column", col.th)
        self.issues.append(
            Issue(
                tab=self.tab.th,
                sheet=self.data.title if self.data.title != self.tab.th else "",
                cell=cell,
                column=col.key if col else "",
                severity=severity,
                code=code,
                message=render_message(code, **details),
                value=_mask(col, value) if col else value,
            )
        )

    def map_headers(self) -> bool:
        header = self.data.rows[0] if self.data.rows else ()
        by_key: dict[str, Column] = {}
        for col in self.tab.columns:
            by_key[header_key(col.th)] = col
            by_key[header_key(col.key)] = col
        for index, cell in enumerate(header):
            col = by_key.get(header_key(cell_text(cell))) if not cell.is_empty else None
            if col is None:
                continue  # extra columns are kept and ignored
            if col.key in self.positions:
                first = a1(self.positions[col.key], 1)
                self.issue(col, a1(index, 1), Severity.WARNING, "column-duplicate", cell_text(cell), first=first)
                continue
            self.positions[col.key] = index
        next_free = len(header)
        complete = True
        for col in self.tab.columns:
            if col.key in self.positions:
                continue
            if col.required:
                self.issue(col, a1(next_free, 1), Severity.ERROR, "column-missing", "")
                complete = False
                next_free += 1
            elif col.key in self.ctx.ended_result_columns:
                # An absent optional column is not an issue (offices add columns as they adopt
                # features), except the result column of an enabled round that has ended.
                self.issue(col, a1(next_free, 1), Severity.WARNING, "column-optional-missing", "")
                next_free += 1
        return complete

    def cell(self, cells: tuple[Cell, ...], key: str) -> Cell:
        index = self.positions.get(key)
        if index is None or index >= len(cells):
            return EMPTY
        return cells[index]

    def parse_rows(self) -> None:
        known = list(self.positions.values())
        for offset, cells in enumerate(self.data.rows[1:]):
            row_number = offset + 2
            if all(i >= len(cells) or cells[i].is_empty for i in known):
                continue  # entirely blank rows are skipped silently
            parsed: dict[str, Any] = {ROW: row_number, "_error": False, "_failed": set()}
            for col in self.tab.columns:
                parsed[col.key] = self.parse_cell(col, self.cell(cells, col.key), row_number, parsed)
            self.rows.append(parsed)

    def parse_cell(self, col: Column, cell: Cell, row_number: int, parsed: dict[str, Any]) -> Any:
        where = a1(self.positions.get(col.key, 0), row_number)
        if cell.is_empty:
            if col.required:
                self.issue(col, where, Severity.ERROR, "required-missing", "")
                parsed["_error"] = True
                parsed["_failed"].add(col.key)
            if col.type is ColType.PERCENT:
                return 0.0  # an empty progress is 0 %
            return col.default if col.type is ColType.ENUM else None
        if cell.kind in (CellKind.ERROR, CellKind.BOOL):
            code = "cell-error" if cell.kind is CellKind.ERROR else "cell-boolean"
            self.issue(col, where, Severity.ERROR, code, cell.raw_text(), found=cell.raw_text())
            parsed["_error"] = True
            parsed["_failed"].add(col.key)
            return None
        try:
            value, warning = parse_typed(col, cell)
        except CellProblem as problem:
            self.issue(col, where, Severity.ERROR, problem.code, cell.raw_text(), **_bounds_detail(col), **problem.details)
            parsed["_error"] = True
            parsed["_failed"].add(col.key)
            return None
        if warning:
            self.issue(col, where, Severity.WARNING, warning, cell.raw_text())
        return value

    def check_unique(self) -> None:
        id_col = self.tab.id_column
        groups = [(id_col.key,)] if id_col else []
        for group in groups + list(self.tab.unique_together):
            seen: dict[tuple[Any, ...], int] = {}
            target = self.tab.column(group[-1])
            for row in self.rows:
                values = tuple(row[k] for k in group)
                if any(v is None for v in values):
                    continue
                if values in seen:
                    code = "id-duplicate" if len(group) == 1 else "duplicate-in-group"
                    cell = a1(self.positions[target.key], row[ROW])
                    self.issue(target, cell, Severity.ERROR, code, _display(row[target.key]), first_row=seen[values])
                    row["_error"] = True
                else:
                    seen[values] = row[ROW]

    def check_rules(self) -> None:
        for rule in ROW_RULES.get(self.tab.key, ()):
            for row in self.rows:
                if any(k in row["_failed"] for k in rule.reads):
                    continue
                for hit in rule.check(row, self.ctx):
                    if hit.column not in self.positions:
                        continue  # the column is absent: its own warning says so
                    col = self.tab.column(hit.column)
                    cell = a1(self.positions.get(col.key, 0), row[ROW])
                    self.issue(col, cell, hit.severity, hit.code, _display(row[col.key]), **hit.details)
                    if hit.severity is Severity.ERROR:
                        row["_error"] = True


def _bounds_detail(col: Column) -> dict[str, str]:
    if col.minimum is None and col.maximum is None:
        return {}
    low = "" if col.minimum is None else (f"มากกว่า {col.minimum:g}" if col.min_exclusive else f"ตั้งแต่ {col.minimum:g}")
    high = "" if col.maximum is None else f"ไม่เกิน {col.maximum:g}"
    return {"bounds": " ".join(p for p in (low, high) if p)}


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_typed(col: Column, cell: Cell) -> tuple[Any, str | None]:
    """Parse a non-empty cell as its column's type: the value and an optional warning code."""
    kind = col.type
    if kind is ColType.DATE:
        return parse_date(cell)
    if kind in (ColType.NUMBER, ColType.PERCENT):
        value = parse_percent(cell) if kind is ColType.PERCENT else parse_number(cell)
        _check_bounds(col, value)
        return value, None
    if kind is ColType.RESULT:
        return parse_result(cell), None
    text = cell_text(cell)
    if kind is ColType.ENUM:
        wanted = text.casefold()
        for choice in col.choices:
            if wanted in (normalize_space(choice.th).casefold(), choice.key.casefold()):
                return choice.key, None
        raise CellProblem("enum-unknown", choices=", ".join(c.th for c in col.choices))
    if kind is ColType.LIST:
        return tuple(split_list(cell.raw_text())), None
    if kind is ColType.TEXT:
        return trim(cell.raw_text()), None  # free text keeps its line breaks
    return text, None  # id, ref: compared after trimming and collapsing whitespace


def _check_bounds(col: Column, value: float) -> None:
    if col.whole and not float(value).is_integer():
        raise CellProblem("number-not-whole")
    too_low = col.minimum is not None and (value <= col.minimum if col.min_exclusive else value < col.minimum)
    too_high = col.maximum is not None and value > col.maximum
    if too_low or too_high:
        raise CellProblem("percent-range" if col.type is ColType.PERCENT else "number-range")


def validate_workbook(
    tabs: Mapping[str, TabData],
    *,
    rounds: tuple[int, ...] = (6, 9, 12),
    fiscal_year: int | None = None,
    complaint_categories: Iterable[str] = DEFAULT_COMPLAINT_CATEGORIES,
    as_of: dt.date | None = None,
) -> ValidatedWorkbook:
    """Validate every input tab found in `tabs` (title -> typed cells)."""
    ctx = RuleContext(fiscal_year, tuple(complaint_categories), tuple(sorted(rounds)), as_of)
    schema = {tab.key: tab for tab in input_tabs(ctx.rounds)}
    validators: dict[str, _TabValidator] = {}
    issues: list[Issue] = []
    titles: dict[str, str] = {}
    for tab in schema.values():
        data = find_tab(tabs, tab)
        if data is None:
            code, severity = ("tab-missing", Severity.ERROR) if tab.required else ("tab-optional-missing", Severity.WARNING)
            issues.append(Issue(tab.th, "A1", "", severity, code, render_message(code, tab=tab.th), ""))
            continue
        titles[tab.key] = data.title
        validator = _TabValidator(tab, data, ctx)
        usable = validator.map_headers()
        if usable:
            validator.parse_rows()
            validator.check_unique()
            validator.check_rules()
            validators[tab.key] = validator
        else:
            issues.extend(validator.issues)

    ids = {
        key: {row[v.tab.id_column.key] for row in v.rows if row[v.tab.id_column.key]}
        for key, v in validators.items()
        if v.tab.id_column
    }
    for key, v in validators.items():
        _check_refs(v, ids, schema)
        for group_rule in GROUP_RULES.get(key, ()):
            group_rule(v)
        issues.extend(v.issues)

    tables = {key: _to_frame(v) for key, v in validators.items()}
    order = {tab.th: n for n, tab in enumerate(schema.values())}
    issues = _sorted_issues(issues, order, validators)
    positions = {key: dict(v.positions) for key, v in validators.items()}
    return ValidatedWorkbook(tables=tables, issues=issues, titles=titles, ids=ids, schema=schema, positions=positions)


def _check_refs(v: _TabValidator, ids: dict[str, set[str]], schema: dict[str, Tab]) -> None:
    """A ref must equal an id present in the referenced tab (rows with errors count too)."""
    for col in v.tab.columns:
        if col.ref is None or col.key not in v.positions:
            continue
        known = ids.get(col.ref)
        if known is None:  # the referenced tab is absent or unusable: its own issue says so
            continue
        ref_tab = schema[col.ref].th
        for row in v.rows:
            value = row[col.key]
            if not value or col.key in row["_failed"]:
                continue
            cell = a1(v.positions[col.key], row[ROW])
            if col.type is ColType.LIST:
                unknown = [item for item in value if item not in known]
                if unknown:
                    v.issue(col, cell, Severity.WARNING, "list-item-unknown", ", ".join(value), ref_tab=ref_tab, items=", ".join(unknown))
                    row[col.key] = tuple(item for item in value if item in known)
            elif value not in known:
                v.issue(col, cell, Severity.ERROR, "ref-unknown", value, ref_tab=ref_tab)
                row["_error"] = True


def weights_sum_to_100(v: _TabValidator) -> None:
    """KPI weights of a group (the section, or one person) not summing to 100: a warning on the
    weight cell of the group's first usable row."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in v.rows:
        if row["_error"]:
            continue
        group = SECTION_GROUP if row["level"] == "section" else row["owner"]
        groups.setdefault(group, []).append(row)
    col = v.tab.column("weight")
    for group, rows in groups.items():
        total = sum(r["weight"] for r in rows)
        if abs(total - 100) > 1e-9:
            first = rows[0]
            v.issue(col, a1(v.positions[col.key], first[ROW]), Severity.WARNING, "weights-sum",
                    _display(first["weight"]), group=group, total=f"{total:g}")


def branches_point_at_steps(v: _TabValidator) -> None:
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
            v.issue(col, a1(v.positions[key], row[ROW]), Severity.ERROR, "branch-unknown-step", _display(target),
                    step=_display(target), mission=row["mission_id"])
            row["_error"] = True


GROUP_RULES = {"kpis": (weights_sum_to_100,), "sop_steps": (branches_point_at_steps,)}


def _to_frame(v: _TabValidator) -> pd.DataFrame:
    keys = [c.key for c in v.tab.columns] + [ROW]
    records = [{k: row[k] for k in keys} for row in v.rows if not row["_error"]]
    if not records:
        return empty_table(v.tab)
    # object dtype keeps None as None (pandas would turn it into NaN in a numeric column)
    return pd.DataFrame({k: pd.Series([r[k] for r in records], dtype=object) for k in keys}).astype({ROW: int})


def _sorted_issues(issues: list[Issue], order: dict[str, int], validators: dict[str, _TabValidator]) -> list[Issue]:
    positions = {v.tab.th: v.positions for v in validators.values()}

    def key(issue: Issue) -> tuple[int, int, int, str]:
        tab_order = order.get(issue.tab, len(order))
        col_index = positions.get(issue.tab, {}).get(issue.column, -1)
        return tab_order, issue.row, col_index, issue.code

    return sorted(issues, key=key)
