"""Rules that involve more than one cell of a row, per tab (workbook.md "rule" column).

Each rule is a small named function over the parsed row. It only runs when every cell it reads
was parsed without a problem, and it reports on the column where workbook.md writes the rule.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..core.emails import is_email_address
from ..core.fiscal import fiscal_year_span, round_end
from ..core.vocabulary import KPI_KINDS, choice_label
from .issues import Severity
from .parsers import NotAssessed, is_valid_national_id, normalize_space


@dataclass(frozen=True)
class RuleContext:
    fiscal_year: int | None  # BE year of the fiscal year being synced, when known
    complaint_categories: tuple[str, ...]
    rounds: tuple[int, ...]
    as_of: dt.date | None = None  # only the as-of exceptions of workbook.md use it

    @property
    def ended_result_columns(self) -> frozenset[str]:
        """`result_<n>` of every enabled round that has ended by as-of (none without as-of)."""
        if self.fiscal_year is None or self.as_of is None:
            return frozenset()
        return frozenset(f"result_{m}" for m in self.rounds if round_end(self.fiscal_year, m) <= self.as_of)

    @functools.cached_property
    def fiscal_span(self) -> tuple[dt.date, dt.date] | None:
        if self.fiscal_year is None:
            return None
        return fiscal_year_span(self.fiscal_year)


@dataclass(frozen=True)
class Hit:
    """A rule's finding: on which column, what code and severity, with message details."""

    column: str
    code: str
    severity: Severity
    details: dict[str, Any]


Row = dict[str, Any]
RowRule = Callable[[Row, RuleContext], Iterator[Hit]]

ERROR, WARNING = Severity.ERROR, Severity.WARNING


def _same_person(a: str | None, b: str | None) -> bool:
    return bool(a and b) and normalize_space(a) == normalize_space(b)  # type: ignore[arg-type]


# --- ภารกิจ ------------------------------------------------------------------------------------
def legal_basis_for_legal_missions(row: Row, ctx: RuleContext) -> Iterator[Hit]:
    if row["category"] == "legal" and not row["legal_basis"]:
        yield Hit("legal_basis", "legal-basis-missing", WARNING, {})


def backup_differs_from_owner(row: Row, ctx: RuleContext) -> Iterator[Hit]:
    if _same_person(row["backup"], row["owner"]):
        yield Hit("backup", "backup-is-owner", WARNING, {})


def reviewed_date_for_manuals(row: Row, ctx: RuleContext) -> Iterator[Hit]:
    if row["sop_status"] == "has" and row["sop_reviewed"] is None:
        yield Hit("sop_reviewed", "sop-reviewed-missing", WARNING, {})


# --- แผนปฏิบัติการ -------------------------------------------------------------------------------
def end_not_before_start(row: Row, ctx: RuleContext) -> Iterator[Hit]:
    start, end = row["planned_start"], row["planned_end"]
    if start and end and end < start:
        yield Hit("planned_end", "date-order", ERROR, {"other": "วันเริ่มตามแผน"})


def finished_only_when_complete(row: Row, ctx: RuleContext) -> Iterator[Hit]:
    if row["actual_end"] is not None and (row["progress"] or 0) < 100:
        yield Hit("actual_end", "actual-end-early", WARNING, {})


def activity_touches_fiscal_year(row: Row, ctx: RuleContext) -> Iterator[Hit]:
    span = ctx.fiscal_span
    start, end = row["planned_start"], row["planned_end"]
    if span and start and end and (end < span[0] or start > span[1]):
        yield Hit("planned_start", "activity-outside-year", WARNING, {"fiscal_year": ctx.fiscal_year})


# --- ตัวชี้วัด ----------------------------------------------------------------------------------
THRESHOLDS = ("t1", "t2", "t3", "t4", "t5")


def thresholds_complete_and_ordered(row: Row, ctx: RuleContext) -> Iterator[Hit]:
    kind = row["kind"]
    if kind not in ("higher", "lower"):
        return
    for key in THRESHOLDS:
        if row[key] is None:
            yield Hit(key, "thresholds-missing", ERROR, {"kind": choice_label(KPI_KINDS, kind)})
            return
    for previous, key in zip(THRESHOLDS, THRESHOLDS[1:]):
        ordered = row[key] > row[previous] if kind == "higher" else row[key] < row[previous]
        if not ordered:
            direction = ("เพิ่มขึ้นอย่างเคร่งครัด เพราะตัวชี้วัดนี้เป็นแบบมากดี (เกณฑ์ 1 น้อยที่สุด ถึงเกณฑ์ 5 มากที่สุด)" if kind == "higher"
                         else "ลดลงอย่างเคร่งครัด เพราะตัวชี้วัดนี้เป็นแบบน้อยดี (เกณฑ์ 1 มากที่สุด ถึงเกณฑ์ 5 น้อยที่สุด)")
            yield Hit(key, "thresholds-order", ERROR, {"direction": direction})
            return


def milestone_results_are_levels(row: Row, ctx: RuleContext) -> Iterator[Hit]:
    if row["kind"] != "milestone":
        return
    for months in ctx.rounds:
        key = f"result_{months}"
        value = row.get(key)
        if value is None or isinstance(value, NotAssessed):
            continue
        if not (float(value).is_integer() and 0 <= value <= 5):
            yield Hit(key, "milestone-level", ERROR, {})


# --- เรื่องร้องเรียน --------------------------------------------------------------------------------
@functools.lru_cache(maxsize=8)
def _known_categories(categories: tuple[str, ...]) -> frozenset[str]:
    return frozenset(normalize_space(c).casefold() for c in categories)


@functools.lru_cache(maxsize=4096)
def _is_known_category(categories: tuple[str, ...], category: str) -> bool:
    return normalize_space(category).casefold() in _known_categories(categories)


def known_complaint_category(row: Row, ctx: RuleContext) -> Iterator[Hit]:
    # a pure test, once per distinct category typed (a log repeats a few categories)
    if row["category"] and not _is_known_category(ctx.complaint_categories, row["category"]):
        yield Hit("category", "category-unknown", WARNING, {})


@functools.lru_cache(maxsize=4096)
def _is_valid_id(text: str) -> bool:
    return is_valid_national_id(text)


def national_id_check_digit(row: Row, ctx: RuleContext) -> Iterator[Hit]:
    # a pure test, once per distinct id typed while the cache holds it
    if row["national_id"] and not _is_valid_id(row["national_id"]):
        yield Hit("national_id", "national-id-invalid", WARNING, {})


def closed_date_matches_status(row: Row, ctx: RuleContext) -> Iterator[Hit]:
    closed, status = row["closed"], row["status"]
    if status == "closed" and closed is None:
        yield Hit("closed", "closed-missing", ERROR, {})
    elif closed is not None and row["received"] and closed < row["received"]:
        yield Hit("closed", "date-order", ERROR, {"other": "วันที่รับเรื่อง"})
    elif closed is not None and status and status != "closed":
        yield Hit("closed", "closed-while-open", WARNING, {})


def received_within_fiscal_year(row: Row, ctx: RuleContext) -> Iterator[Hit]:
    span = ctx.fiscal_span
    if span and row["received"] and row["received"] > span[1]:
        yield Hit("received", "received-after-year", WARNING, {"fiscal_year": ctx.fiscal_year})


# --- ขั้นตอนงาน -----------------------------------------------------------------------------------
BRANCHES = ("yes_next", "no_next")


def branches_only_on_decisions(row: Row, ctx: RuleContext) -> Iterator[Hit]:
    """yes_next / no_next on a step that is not a decision: a warning, and they are ignored."""
    if row["step_type"] == "decision":
        return
    for key in BRANCHES:
        if row[key] is not None:
            yield Hit(key, "branch-not-decision", WARNING, {})
            row[key] = None


def decision_has_no_branch(row: Row, ctx: RuleContext) -> Iterator[Hit]:
    if row["step_type"] == "decision" and row["no_next"] is None:
        yield Hit("no_next", "decision-no-branch", WARNING, {})


# --- บุคลากร ------------------------------------------------------------------------------------
def email_looks_like_an_address(row: Row, ctx: RuleContext) -> Iterator[Hit]:
    if row["email"] and not is_email_address(row["email"]):
        yield Hit("email", "email-invalid", WARNING, {})


@dataclass(frozen=True)
class RuleSpec:
    check: RowRule
    reads: tuple[str, ...]  # the columns the rule needs parsed without a problem


ROW_RULES: dict[str, tuple[RuleSpec, ...]] = {
    "missions": (
        RuleSpec(legal_basis_for_legal_missions, ("category", "legal_basis")),
        RuleSpec(backup_differs_from_owner, ("backup", "owner")),
        RuleSpec(reviewed_date_for_manuals, ("sop_status", "sop_reviewed")),
    ),
    "plan": (
        RuleSpec(end_not_before_start, ("planned_start", "planned_end")),
        RuleSpec(finished_only_when_complete, ("actual_end", "progress")),
        RuleSpec(activity_touches_fiscal_year, ("planned_start", "planned_end")),
    ),
    "kpis": (
        RuleSpec(thresholds_complete_and_ordered, ("kind",) + THRESHOLDS),
        RuleSpec(milestone_results_are_levels, ("kind",)),
    ),
    "complaints": (
        RuleSpec(known_complaint_category, ("category",)),
        RuleSpec(national_id_check_digit, ("national_id",)),
        RuleSpec(closed_date_matches_status, ("closed", "status", "received")),
        RuleSpec(received_within_fiscal_year, ("received",)),
    ),
    "sop_steps": (
        RuleSpec(branches_only_on_decisions, ("step_type",) + BRANCHES),
        RuleSpec(decision_has_no_branch, ("step_type", "no_next")),
    ),
    "staff": (RuleSpec(email_looks_like_an_address, ("email",)),),
    "provinces": (RuleSpec(email_looks_like_an_address, ("email",)),),
}
