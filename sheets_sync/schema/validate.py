"""Parse and validate the input tabs: typed cells in, clean tables and a list of issues out.

`validate_workbook` never raises for bad data. Each problem becomes an `Issue` pointing at the
sheet's own cell; a row with an error is left out of the tables, a row with only warnings is kept.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

import pandas as pd

from ..core.cells import EMPTY, Cell, CellKind, TabData
from ..core.fiscal import DEFAULT_ROUNDS, Period
from .addressing import a1, column_letter  # noqa: F401 - column_letter re-exported for callers
from .coltypes import bounds_detail, display_value, parse_typed  # noqa: F401 - parse_typed re-exported for callers
from .issues import Issue, Severity, leading_zero_match, new_issue, warning_details
from .matching import header_columns, input_titles, matching_tabs  # noqa: F401 - input_titles re-exported
from .parsers import CellProblem, all_normalized, cell_text, header_key, parse_number
from .report import ValidationReport
from .rules import ROW_RULES, RuleContext
from .tab_rules import TAB_RULES
from .tab_rules import typed as typed_value
from .tabs import DEFAULT_COMPLAINT_CATEGORIES, ColType, Column, Tab, input_tabs

ROW = "row"  # the column of every table that holds the sheet's own row number


@dataclass
class ValidatedWorkbook:
    """The result of validation: clean tables of usable rows, and every issue found."""

    tables: dict[str, pd.DataFrame]  # tab key -> usable rows (English keys + "row")
    report: ValidationReport
    titles: dict[str, str]  # tab key -> the tab's title as found in the workbook
    ids: dict[str, set[str]] = field(default_factory=dict)  # every id present, per tab key
    schema: dict[str, Tab] = field(default_factory=dict)
    positions: dict[str, dict[str, int]] = field(default_factory=dict)  # tab key -> column key -> index
    # tab key -> the rows left out for an error, with what could be read of them (a cell that
    # failed is None): a manual says which of its steps were lost
    dropped: dict[str, pd.DataFrame] = field(default_factory=dict)

    def cell_of(self, key: str, column: str, row: int) -> str | None:
        """The A1 address of a column's cell in a sheet row; None when the column is absent
        (the late-edit warnings name their cell with it, compute/late_edits.py)."""
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
    def issues(self) -> list[Issue]:
        return self.report.issues


def empty_table(tab: Tab) -> pd.DataFrame:
    return pd.DataFrame({c.key: pd.Series(dtype=object) for c in tab.columns} | {ROW: pd.Series(dtype=int)})


_Parsed = tuple[Any, "str | None", "CellProblem | None"]  # value, warning code, problem
_MEMO_LIMIT = 50_000  # values kept per column (a column of unique free text would grow forever)


def _parse(col: Column, cell: Cell, memo: dict[tuple[Any, ...], _Parsed] | None) -> _Parsed:
    """parse_typed as an outcome, looked up first among the column's values already parsed."""
    key = (cell.kind, type(cell.value), cell.value)  # 1 and 1.0 and True stay apart
    if memo is not None:
        hit = memo.get(key)
        if hit is not None:
            return hit
    try:
        value, warning = parse_typed(col, cell)
        outcome: _Parsed = (value, warning, None)
    except CellProblem as problem:
        outcome = (None, None, problem)
    if memo is not None:
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        memo[key] = outcome
    return outcome


class _TabValidator:
    """Validates one tab; collects issues and the parsed rows."""

    def __init__(self, tab: Tab, data: TabData, ctx: RuleContext) -> None:
        self.tab, self.data, self.ctx = tab, data, ctx
        self.issues: list[Issue] = []
        self.positions: dict[str, int] = {}
        self.rows: list[dict[str, Any]] = []  # parsed rows (with "row" and error flags)

    def issue(self, col: Column | None, cell: str, severity: Severity, code: str, value: str, **details: Any) -> None:
        self.issues.append(new_issue(self.tab, self.data.title, cell, col, severity, code, value, **details))

    def map_headers(self) -> bool:
        header = self.data.rows[0] if self.data.rows else ()
        by_key = header_columns(self.tab)
        covered: set[int] = set()
        likely: list[int] = []  # where a missing column most likely is: under a merged or empty header
        for first, last in self.data.merged_headers:
            span = f"{a1(first, 1)}:{a1(last, 1)}"
            text = cell_text(header[first]) if first < len(header) else ""
            self.issue(None, a1(first, 1), Severity.WARNING, "header-merged", text, span=span)
            covered.update(range(first, last + 1))
            likely.extend(range(first, last + 1))
        for index, cell in enumerate(header):
            if index in covered:
                continue  # a merged header says nothing about which column it names
            col = by_key.get(header_key(cell_text(cell))) if not cell.is_empty else None
            if col is None:
                continue  # extra columns are kept and ignored
            if col.key in self.positions:
                first = a1(self.positions[col.key], 1)
                self.issue(col, a1(index, 1), Severity.WARNING, "column-duplicate", cell_text(cell), first=first)
                continue
            self.positions[col.key] = index
        for index in self._unnamed_data_columns(header, covered):
            self.issue(None, a1(index, 1), Severity.WARNING, "header-missing", "", letter=column_letter(index))
            likely.append(index)
        likely = sorted(set(likely))
        next_free = len(header)
        complete = True
        for col in self.tab.columns:
            if col.key in self.positions:
                continue
            if not col.required and col.key not in self.ctx.ended_result_columns:
                continue
            if likely:
                index = likely.pop(0)
                where = next((f"{a1(f, 1)}:{a1(t, 1)}" for f, t in self.data.merged_headers if f <= index <= t), "")
                advice = (f"หัวคอลัมน์ {where} ถูกผสานเซลล์ ยกเลิกการผสานเซลล์แล้วพิมพ์ \"{col.th}\" ที่ {a1(index, 1)} " if where
                          else f"พิมพ์ \"{col.th}\" ที่ {a1(index, 1)} (คอลัมน์นี้มีข้อมูลแต่ไม่มีหัว) ")
            else:
                index = next_free
                next_free += 1
                advice = f"เพิ่มหัวคอลัมน์นี้ในแถวที่ 1 (เช่นที่ {a1(index, 1)}) "
            if col.required:
                self.issue(col, a1(index, 1), Severity.ERROR, "column-missing", "", advice=advice)
                complete = False
            else:
                # An absent optional column is not an issue (offices add columns as they adopt
                # features), except the result column of an enabled round that has ended.
                self.issue(col, a1(index, 1), Severity.WARNING, "column-optional-missing", "", advice=advice)
        return complete

    def _unnamed_data_columns(self, header: tuple[Cell, ...], covered: set[int]) -> list[int]:
        """Columns with an empty header (or none) that hold data in some row below it."""
        body = self.data.rows[1:]
        width = max(map(len, body), default=0)
        blank = [i for i in range(width) if i not in covered and (i >= len(header) or header[i].is_empty)]
        return [i for i in blank if any(i < len(row) and not row[i].is_empty for row in body)]

    def cell(self, cells: tuple[Cell, ...], key: str) -> Cell:
        index = self.positions.get(key)
        if index is None or index >= len(cells):
            return EMPTY
        return cells[index]

    def parse_rows(self) -> None:
        """Column by column: each distinct cell of a column is looked at once (parse_typed is a
        pure function of the column and the cell), and only the cells that raise an issue take
        the cell-by-cell path, in the sheet's row order, so issues come out as row by row."""
        body = self.data.rows[1:]
        known = sorted(set(self.positions.values()))
        kept: list[int] = []  # offsets of the rows that are not entirely blank
        empty, text = CellKind.EMPTY, CellKind.TEXT
        for offset, cells in enumerate(body):
            width = len(cells)
            for i in known:
                if i >= width:
                    break
                cell = cells[i]
                kind = cell.kind  # Cell.is_empty, inline: an empty cell, or text of only spaces
                if kind is not empty and (kind is not text or str(cell.value).strip()):
                    kept.append(offset)
                    break
        rows = [body[o] for o in kept]
        columns: list[list[Any]] = []
        slow: list[tuple[int, int]] = []  # (row position, column position) of cells with an issue
        for c, col in enumerate(self.tab.columns):
            index = self.positions.get(col.key)
            if index is None:
                cells_of: list[Cell] = [EMPTY] * len(rows)
            else:
                try:
                    cells_of = list(map(operator.itemgetter(index), rows))
                except IndexError:  # some rows end before this column (their last cells were empty)
                    cells_of = [r[index] if index < len(r) else EMPTY for r in rows]
            values, needs = self._parse_column(col, cells_of)
            columns.append(values)
            slow.extend((n, c) for n in needs)
        keys = [ROW, "_error", "_failed", "_cells", "_at"] + [col.key for col in self.tab.columns]
        at, no_failed = self.positions, frozenset()
        numbers = [o + 2 for o in kept]
        self.rows = [dict(zip(keys, values)) for values in zip(numbers, repeat(False), repeat(no_failed), rows, repeat(at), *columns)]
        slow.sort()
        for n, c in slow:
            col, parsed = self.tab.columns[c], self.rows[n]
            index = self.positions.get(col.key)
            cells = rows[n]
            cell = cells[index] if index is not None and index < len(cells) else EMPTY
            parsed[col.key] = self.parse_cell(col, cell, parsed[ROW], parsed)

    def _parse_column(self, col: Column, cells: list[Cell]) -> tuple[list[Any], list[int]]:
        """The clean value of every cell of a column, and the positions of the cells that raise an
        issue (their value is filled in by parse_cell, which reports it). A reader shares one Cell
        between equal values, and every cell stays alive in the tab meanwhile, so a cell's id
        stands for it here: each distinct cell is looked at once."""
        ids = list(map(id, cells))
        distinct = dict(zip(ids, cells))
        memo: dict[tuple[Any, ...], _Parsed] | None = {} if col.type is not ColType.ID else None
        value_of: dict[int, Any] = {}
        if col.type in (ColType.ID, ColType.REF):
            texts = {k: c.value for k, c in distinct.items() if c.kind is CellKind.TEXT and type(c.value) is str and c.value}
            if all_normalized(texts.values()):
                value_of = texts  # their value is their text as it is, with no issue (parse_typed)
        bad: set[int] = set()
        for key, cell in distinct.items():
            if key in value_of:
                continue
            value, clean = self._clean(col, cell, memo)
            value_of[key] = value
            if not clean:
                bad.add(key)
        values = list(map(value_of.__getitem__, ids))
        needs = [n for n, key in enumerate(ids) if key in bad] if bad else []
        return values, needs

    @staticmethod
    def _clean(col: Column, cell: Cell, memo: dict[tuple[Any, ...], _Parsed] | None) -> tuple[Any, bool]:
        """A cell's value when it raises no issue (True), else (None, False)."""
        if cell.is_empty:
            if col.required:
                return None, False
            if col.type is ColType.PERCENT:
                return 0.0, True  # an empty progress is 0 %
            return (col.default if col.type is ColType.ENUM else None), True
        if cell.kind in (CellKind.ERROR, CellKind.BOOL):
            return None, False
        value, warning, problem = _parse(col, cell, memo)
        if problem is not None or warning:
            return None, False
        return value, True

    def parse_cell(self, col: Column, cell: Cell, row_number: int, parsed: dict[str, Any],
                   memo: dict[tuple[Any, ...], _Parsed] | None = None) -> Any:
        exempt = col.exempt_when is not None and parsed.get(col.exempt_when[0]) == col.exempt_when[1]
        if cell.is_empty:
            if col.required and not exempt:
                self.issue(col, self._where(col, row_number), Severity.ERROR, "required-missing", "")
                parsed["_error"] = True
                parsed["_failed"] = parsed["_failed"] | {col.key}
            if col.type is ColType.PERCENT:
                return 0.0  # an empty progress is 0 %
            return col.default if col.type is ColType.ENUM else None
        if cell.kind in (CellKind.ERROR, CellKind.BOOL):
            code = "cell-error" if cell.kind is CellKind.ERROR else "cell-boolean"
            self.issue(col, self._where(col, row_number), Severity.ERROR, code, cell.raw_text(), found=cell.raw_text())
            parsed["_error"] = True
            parsed["_failed"] = parsed["_failed"] | {col.key}
            return None
        value, warning, problem = _parse(col, cell, memo)
        if problem is not None and exempt and problem.code == "number-range" and parse_number_or_none(cell) == 0:
            return 0  # a terminal step may give 0 for its duration
        if problem is not None:
            self.issue(col, self._where(col, row_number), Severity.ERROR, problem.code, cell.raw_text(),
                       **bounds_detail(col), **problem.details)
            parsed["_error"] = True
            parsed["_failed"] = parsed["_failed"] | {col.key}
            return None
        if warning:
            self.issue(col, self._where(col, row_number), Severity.WARNING, warning, cell.raw_text(), **warning_details(warning, value))
        return value

    def _where(self, col: Column, row_number: int) -> str:
        """The cell's A1 address, made only when an issue needs it."""
        return a1(self.positions.get(col.key, 0), row_number)

    def check_unique(self) -> None:
        id_col = self.tab.id_column
        groups = [(id_col.key,)] if id_col else []
        for group in groups + list(self.tab.unique_together):
            seen: dict[tuple[Any, ...], int] = {}
            target = self.tab.column(group[-1])
            pick = operator.itemgetter(*group)
            for row in self.rows:
                values = (pick(row),) if len(group) == 1 else pick(row)
                if None in values:
                    continue
                if values in seen:
                    code = "id-duplicate" if len(group) == 1 else "duplicate-in-group"
                    cell = a1(self.positions[target.key], row[ROW])
                    self.issue(target, cell, Severity.ERROR, code, typed_value(row, target.key), first_row=seen[values])
                    row["_error"] = True
                else:
                    seen[values] = row[ROW]

    def check_rules(self) -> None:
        for rule in ROW_RULES.get(self.tab.key, ()):
            for row in self.rows:
                failed = row["_failed"]
                if failed and not failed.isdisjoint(rule.reads):
                    continue
                for hit in rule.check(row, self.ctx):
                    if hit.column not in self.positions:
                        continue  # the column is absent: its own warning says so
                    col = self.tab.column(hit.column)
                    cell = a1(self.positions.get(col.key, 0), row[ROW])
                    self.issue(col, cell, hit.severity, hit.code, typed_value(row, col.key), **hit.details)
                    if hit.severity is Severity.ERROR:
                        row["_error"] = True


def validate_workbook(
    tabs: Mapping[str, TabData],
    *,
    period: Period | None = None,
    rounds: tuple[int, ...] | None = None,
    fiscal_year: int | None = None,
    as_of: dt.date | None = None,
    complaint_categories: Iterable[str] = DEFAULT_COMPLAINT_CATEGORIES,
    schema_tabs: Iterable[Tab] | None = None,
) -> ValidatedWorkbook:
    """Validate every input tab found in `tabs` (title -> typed cells).

    With an as-of (a `period` is what `validate` and `sync` pass: its rounds, fiscal year and
    as-of), the as-of rules run too: a complaint after the fiscal year, a KPI result missing in a
    round that has ended. So `validate` and `sync` list exactly the same issues. Without a
    period, its parts may be given one by one (a test of one rule, the tabs without an as-of).
    `schema_tabs` validates another workbook's tabs (the ministry's `จังหวัด`) the same way.
    """
    if period is not None:
        if (rounds, fiscal_year, as_of) != (None, None, None):
            raise TypeError("validate_workbook: a period or its parts (rounds, fiscal_year, as_of), not both")
        ctx = RuleContext(period.fiscal_year, tuple(complaint_categories), tuple(sorted(period.rounds)), period.as_of)
    else:
        ctx = RuleContext(fiscal_year, tuple(complaint_categories), tuple(sorted(rounds or DEFAULT_ROUNDS)), as_of)
    schema = {tab.key: tab for tab in (input_tabs(ctx.rounds) if schema_tabs is None else schema_tabs)}
    validators: dict[str, _TabValidator] = {}
    issues: list[Issue] = []
    titles: dict[str, str] = {}
    for tab in schema.values():
        found = matching_tabs(tabs, tab)
        if len(found) > 1:
            names = " และ ".join(data.title for data in found)
            issues.append(new_issue(tab, None, "A1", None, Severity.ERROR, "tab-ambiguous", titles=names))
            continue
        if not found:
            code, severity = ("tab-missing", Severity.ERROR) if tab.required else ("tab-optional-missing", Severity.WARNING)
            issues.append(new_issue(tab, None, "A1", None, severity, code))
            continue
        data = found[0]
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

    ids = {key: _ids(v) for key, v in validators.items() if v.tab.id_column}
    for key, v in validators.items():
        _check_refs(v, ids, schema)
        for tab_rule in TAB_RULES.get(key, ()):
            tab_rule(v, ctx)
        issues.extend(v.issues)

    tables = {key: _to_frame(v) for key, v in validators.items()}
    positions = {key: dict(v.positions) for key, v in validators.items()}
    report = ValidationReport.of(issues, schema, positions)
    dropped = {key: _to_frame(v, errors=True) for key, v in validators.items()}
    return ValidatedWorkbook(tables=tables, report=report, titles=titles, ids=ids, schema=schema, positions=positions, dropped=dropped)


def parse_number_or_none(cell: Cell) -> float | None:
    try:
        return parse_number(cell)
    except CellProblem:
        return None


def _ids(v: _TabValidator) -> set[str]:
    key = v.tab.id_column.key  # type: ignore[union-attr]
    return {value for row in v.rows if (value := row[key])}


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
                    v.issue(col, cell, Severity.WARNING, "list-item-unknown", typed_value(row, col.key), ref_tab=ref_tab, items=", ".join(unknown))
                    row[col.key] = tuple(item for item in value if item in known)
            elif value not in known:
                match = leading_zero_match(value, known)
                if match:  # `1` typed for `001` (or the other way round): the lost zero is the cause
                    v.issue(col, cell, Severity.ERROR, "ref-leading-zero", typed_value(row, col.key), ref_tab=ref_tab, match=match,
                            intended=max(value, match, key=len))  # the zero-padded form is the id meant
                else:
                    v.issue(col, cell, Severity.ERROR, "ref-unknown", typed_value(row, col.key), ref_tab=ref_tab)
                row["_error"] = True


def _to_frame(v: _TabValidator, *, errors: bool = False) -> pd.DataFrame:
    """The usable rows (or, with `errors`, the rows left out for an error) as a table."""
    keys = [c.key for c in v.tab.columns] + [ROW]
    usable = [{**row, **dict.fromkeys(row["_failed"])} if errors else row for row in v.rows if bool(row["_error"]) is errors]
    if not usable:
        return empty_table(v.tab)
    # object dtype keeps None as None (pandas would turn it into NaN in a numeric column); every
    # column on one index, so pandas has nothing to align, and the row numbers made int64 directly
    index = pd.RangeIndex(len(usable))
    columns = {k: pd.Series(list(map(operator.itemgetter(k), usable)), dtype=object, index=index) for k in keys[:-1]}
    columns[ROW] = pd.Series(list(map(operator.itemgetter(ROW), usable)), dtype="int64", index=index)
    return pd.DataFrame(columns, copy=False)
