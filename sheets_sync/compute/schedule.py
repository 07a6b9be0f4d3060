"""The plan's dates as calendar entries (outputs.md "Calendar"): activities, round ends, the
memo's due dates and SOP review dates. Pure: typed results in, typed entries out; the words and
the iCalendar format are the documents layer's business.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..schema.parsers import normalize_space
from .reminders import review_due_on
from .results import Results

ACTIVITY, ROUND_END, MEMO_DUE, SOP_REVIEW = "activity", "round_end", "memo_due", "sop_review"


@dataclass(frozen=True)
class CalendarEntry:
    kind: str  # ACTIVITY, ROUND_END, MEMO_DUE or SOP_REVIEW
    ref: str  # the row's id (activity or mission id) or the round in months ("6")
    name: str  # the activity or mission name as written; "" for rounds
    start: dt.date
    end: dt.date  # inclusive
    owner: str = ""
    status: str = ""  # plan status key, for activities
    mission_id: str = ""


def memo_due_date(round_end: dt.date, memo_due_days: int) -> dt.date:
    """The follow-up memo of a round is due `memo_due_days` calendar days after the round ends."""
    return round_end + dt.timedelta(days=memo_due_days)


def plan_calendar(results: Results, *, memo_due_days: int = 15, review_every_days: int = 365) -> list[CalendarEntry]:
    """Every valid activity, each enabled round's end and memo due date, each SOP review due date."""
    entries: list[CalendarEntry] = []
    if results.plan is not None:
        for row in results.plan.activities.to_dict("records"):
            entries.append(
                CalendarEntry(
                    ACTIVITY, row["activity_id"], row["activity"], row["planned_start"], row["planned_end"],
                    normalize_space(row["owner"] or ""), row["status"], row["mission_id"],
                )
            )
    period = results.period
    for months in period.rounds:
        end = period.round_end(months)
        due = memo_due_date(end, memo_due_days)
        entries.append(CalendarEntry(ROUND_END, str(months), "", end, end))
        entries.append(CalendarEntry(MEMO_DUE, str(months), "", due, due))
    if results.missions is not None:
        for mission in results.missions.missions.to_dict("records"):
            if mission["sop_reviewed"] is None:
                continue  # no review date, no day to put it on (the reminder says it is due)
            due = review_due_on(mission["sop_reviewed"], review_every_days)
            entries.append(
                CalendarEntry(SOP_REVIEW, mission["mission_id"], mission["name"], due, due, normalize_space(mission["owner"] or ""))
            )
    return entries
