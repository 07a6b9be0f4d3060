"""Who owes what at as-of (outputs.md "Reminders"): per person, only their own items.

A pure function over the typed `Results`: it recomputes no figure, it only picks, for each
person, the rows of the results that need them and the dates they are due. Names are compared
as workbook.md says (whitespace collapsed, otherwise exact).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..schema.parsers import normalize_space
from .kpi import NOT_DUE, NOT_REPORTED
from .results import Results

# The order a person reads their activities in: what is already late first.
ACTIVITY_ORDER = ("overdue", "behind", "not_started", "on_track", "not_yet_due")
NEEDS_ACTION = ("overdue", "behind", "not_started")
ANY_UNIT = "*"  # in `units`: every unit that nobody else follows


@dataclass(frozen=True)
class ActivityItem:
    activity_id: str
    activity: str
    status: str  # plan status key
    planned_start: dt.date
    planned_end: dt.date
    progress_pct: float
    expected_pct: float
    days_overdue: int
    due_soon: bool  # planned end within the window (and not yet past)


@dataclass(frozen=True)
class KpiItem:
    kpi_id: str
    name: str
    round: int  # months
    round_end: dt.date
    state: str  # "not_reported" (round ended, no result) or "not_due" (due at a round ending soon)


@dataclass(frozen=True)
class ReviewItem:
    mission_id: str
    name: str
    reviewed: dt.date | None
    due_on: dt.date | None  # None: has a manual but no review date (due now)
    overdue: bool  # the results say the review is due (rules.md sop_review_due)


@dataclass(frozen=True)
class CaseItem:
    case_id: str
    days_open: int
    category: str  # case id, days open and category only: never a complainant


@dataclass(frozen=True)
class PersonReminder:
    person: str
    activities: tuple[ActivityItem, ...] = ()
    kpis: tuple[KpiItem, ...] = ()
    reviews: tuple[ReviewItem, ...] = ()
    cases: tuple[CaseItem, ...] = ()

    @property
    def item_count(self) -> int:
        return len(self.activities) + len(self.kpis) + len(self.reviews) + len(self.cases)

    @property
    def item_ids(self) -> tuple[str, ...]:
        """Every row id the message names, in message order."""
        return (
            tuple(a.activity_id for a in self.activities)
            + tuple(f"{k.kpi_id}/{k.round}" for k in self.kpis)
            + tuple(r.mission_id for r in self.reviews)
            + tuple(c.case_id for c in self.cases)
        )


@dataclass(frozen=True)
class ReminderPlan:
    as_of: dt.date
    window_end: dt.date  # as-of + remind.due_within_days
    people: tuple[PersonReminder, ...]  # only people with something due, by name
    unassigned_cases: tuple[CaseItem, ...] = field(default=())  # overdue cases no person's unit matches


def review_due_on(reviewed: dt.date, review_every_days: int) -> dt.date:
    """The last day a manual reviewed on `reviewed` is still current (due the day after)."""
    return reviewed + dt.timedelta(days=review_every_days)


def _name(value: Any) -> str | None:
    return normalize_space(value) if isinstance(value, str) and value.strip() else None


def who_owes_what(
    results: Results,
    *,
    due_within_days: int = 14,
    review_every_days: int = 365,
    units: Mapping[str, Iterable[str]] | None = None,
) -> ReminderPlan:
    """Per person, what needs them at as-of; people with nothing due are left out.

    `units` maps a person to the units (หน่วยงานที่รับผิดชอบ as written in the log) whose
    overdue cases they follow; `"*"` stands for every unit nobody else follows. A case that
    matches nobody is returned in `unassigned_cases` for the section head.
    """
    as_of = results.period.as_of
    window_end = as_of + dt.timedelta(days=due_within_days)
    buckets: dict[str, dict[str, list[Any]]] = {}

    def bucket(person: str) -> dict[str, list[Any]]:
        return buckets.setdefault(person, {"activities": [], "kpis": [], "reviews": [], "cases": []})

    if results.plan is not None:
        for row in results.plan.activities.to_dict("records"):
            owner = _name(row["owner"])
            if owner is None or row["status"] == "done":
                continue
            due_soon = row["status"] != "overdue" and as_of <= row["planned_end"] <= window_end
            if row["status"] in NEEDS_ACTION or due_soon:
                bucket(owner)["activities"].append(
                    ActivityItem(
                        row["activity_id"], row["activity"], row["status"], row["planned_start"], row["planned_end"],
                        row["progress_pct"], row["expected_pct"], row["days_overdue"], due_soon,
                    )
                )

    if results.kpis is not None:
        period = results.period
        for kpi in results.kpis.kpis.to_dict("records"):
            owner = _name(kpi["owner"])
            if owner is None:
                continue
            for months, score in results.kpis.scores.get(kpi["kpi_id"], {}).items():
                end = period.round_end(months)
                if score.state == NOT_REPORTED or (score.state == NOT_DUE and as_of < end <= window_end):
                    bucket(owner)["kpis"].append(KpiItem(kpi["kpi_id"], kpi["name"], months, end, score.state))

    if results.missions is not None:
        for mission in results.missions.missions.to_dict("records"):
            owner = _name(mission["owner"])
            if owner is None:
                continue
            reviewed = mission["sop_reviewed"]
            due_on = review_due_on(reviewed, review_every_days) if reviewed is not None else None
            soon = due_on is not None and as_of <= due_on <= window_end
            if mission["sop_review_due"] or soon:
                bucket(owner)["reviews"].append(
                    ReviewItem(mission["mission_id"], mission["name"], reviewed, due_on, bool(mission["sop_review_due"]))
                )

    unassigned: list[CaseItem] = []
    if results.complaints is not None:
        followers: dict[str, set[str]] = {}
        for person, person_units in (units or {}).items():
            for unit in person_units:
                if _name(unit):
                    followers.setdefault(_name(unit), set()).add(normalize_space(person))  # type: ignore[arg-type]
        everyone_else = followers.pop(ANY_UNIT, set())
        for case in results.complaints.overdue_cases.to_dict("records"):
            item = CaseItem(case["case_id"], int(case["days_open"]), case["category"])
            people = followers.get(_name(case["assigned_to"]) or "", set()) or everyone_else
            for person in sorted(people):
                bucket(person)["cases"].append(item)
            if not people:
                unassigned.append(item)

    people = []
    for person in sorted(buckets):
        b = buckets[person]
        activities = sorted(b["activities"], key=lambda a: (ACTIVITY_ORDER.index(a.status), a.planned_end, a.activity_id))
        kpis = sorted(b["kpis"], key=lambda k: (k.round_end, k.kpi_id))
        reviews = sorted(b["reviews"], key=lambda r: (r.due_on or dt.date.min, r.mission_id))
        cases = sorted(b["cases"], key=lambda c: (-c.days_open, c.case_id))
        people.append(PersonReminder(person, tuple(activities), tuple(kpis), tuple(reviews), tuple(cases)))
    return ReminderPlan(as_of, window_end, tuple(people), tuple(unassigned))
