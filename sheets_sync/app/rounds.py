"""Closed rounds as every command sees them (shared/spec/closing.md): the late-edit warnings added
to a validation, each round's closing state and the closed rounds on the results, and a closed
round's results computed again from its closing's snapshot.

Everything here reads the history database; nothing writes (closing and reopening: `closing.py`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace

from ..compute.late_edits import ClosedRound, late_edits
from ..compute.results import Results, compute_results
from ..compute.trend import TRENDED_YEARS, ClosedFigures
from ..config import Settings
from ..core.cells import TabData
from ..core.errors import ConfigError
from ..core.fiscal import Period, resolve_period
from ..schema.issues import Issue
from ..schema.matching import matching_tabs
from ..schema.report import ValidationReport
from ..schema.tabs import input_tabs
from ..schema.validate import ValidatedWorkbook, validate_workbook
from ..storage.closings import Closing, Closings, canonical_json
from ..storage.history import History

FIGURE_PARTS = ("missions", "plan", "kpis", "complaints")  # what a closed memo is checked against
LATE_EDIT_TABS = ("missions", "strategies", "plan", "kpis", "complaints")


def closings_of(settings: Settings) -> Closings:
    return Closings(settings.history_file)


def closing_period(settings: Settings, closing: Closing) -> Period:
    """The period a closing was computed for (its round stays usable if the config dropped it)."""
    rounds = tuple(sorted(set(settings.fiscal.rounds) | {closing.round}))
    return resolve_period(closing.as_of, rounds, closing.fiscal_year, closing.round)


def validate_for(tabs: Mapping[str, TabData], settings: Settings, period: Period) -> ValidatedWorkbook:
    return validate_workbook(tabs, period=period, complaint_categories=settings.complaints.categories)


def history_of(settings: Settings) -> History:
    return History(settings.history_file, settings.history)


def with_late_edits(validated: ValidatedWorkbook, tabs: Mapping[str, TabData], settings: Settings, period: Period) -> ValidatedWorkbook:
    """The validation plus a `closed-round-changed` warning on every cell edited after a closing of
    this fiscal year that moves a figure of that round (compute/late_edits.py)."""
    closings = [c for c in closings_of(settings).list(period.fiscal_year) if c.active]
    if not closings:
        return validated
    history = history_of(settings)
    found: list[Issue] = []
    for closing in closings:
        then_period = closing_period(settings, closing)
        try:
            then_tabs = history.tabs(closing.snapshot_id)
        except ConfigError:
            continue  # a snapshot a closing names is never pruned; one removed by hand cannot be compared
        then = validate_for(_compared(then_tabs, settings), settings, then_period)
        now = validate_for(_compared(tabs, settings), settings, then_period)
        found.extend(late_edits(then, now, ClosedRound(then_period, closing.closed_on)))
    if not found:
        return validated
    report = ValidationReport.of([*validated.report.issues, *found], validated.schema, validated.positions)
    return replace(validated, report=report)


def _compared(tabs: Mapping[str, TabData], settings: Settings) -> dict[str, TabData]:
    """The tabs a late-edit check validates: those it compares and those their references need
    (SOP steps and info and staff never warn, and nothing compared refers to them)."""
    schema = {tab.key: tab for tab in input_tabs(settings.fiscal.rounds)}
    return {data.title: data for key in LATE_EDIT_TABS for data in matching_tabs(tabs, schema[key])}


def closed_figures(settings: Settings, closing: Closing) -> ClosedFigures:
    return ClosedFigures(closing.fiscal_year, closing.round, closing.as_of, closing.closed_on, closing.closed_by,
                         closings_of(settings).results(closing.id))


def with_closed_rounds(results: Results, settings: Settings, at: dt.datetime | None = None) -> Results:
    """The results with each enabled round's closing state and the closed rounds of this fiscal
    year and the previous two (the closings in force, or those in force at `at`)."""
    year = results.period.fiscal_year
    kept = [c for c in closings_of(settings).list() if year - TRENDED_YEARS < c.fiscal_year <= year
            and (c.active if at is None else c.active_at(at))]
    closed = [closed_figures(settings, c) for c in kept]
    states: dict[int, ClosedFigures | None] = {m: None for m in results.period.rounds}
    for figures in closed:
        if figures.fiscal_year == year:
            states[figures.round] = figures
    results.round_states = states
    results.closed_rounds = closed
    return results


@dataclass(frozen=True)
class ClosedResults:
    """A closed round's results computed again from its closing's snapshot, and whether every
    figure equals the results the closing keeps (False: this version of the tool computes differently)."""

    results: Results
    figures_match: bool


def closed_results(settings: Settings, closing: Closing) -> ClosedResults:
    """The closed round's results, computed again from the closing's snapshot for the closing's
    period, with the closed rounds in force when it was closed."""
    period = closing_period(settings, closing)
    tabs = history_of(settings).tabs(closing.snapshot_id)
    results = compute_results(validate_for(tabs, settings, period), period, settings)
    with_closed_rounds(results, settings, at=closing.closed_at - dt.timedelta(microseconds=1))
    kept = closings_of(settings).results(closing.id)
    now = json.loads(canonical_json(results.to_json()))
    return ClosedResults(results, all(now.get(k) == kept.get(k) for k in FIGURE_PARTS))
