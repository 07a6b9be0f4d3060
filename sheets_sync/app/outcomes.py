"""What each command returns: one typed outcome per command, rendered by the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..compute.results import Results
from ..compute.rollup import Rollup
from ..core.fiscal import Period
from ..schema.issues import Issue
from ..schema.report import ValidationReport
from ..schema.validate import ValidatedWorkbook


@dataclass
class ValidateOutcome:
    period: Period
    workbook: ValidatedWorkbook

    @property
    def report(self) -> ValidationReport:
        return self.workbook.report

    @property
    def issues(self) -> list[Issue]:
        return self.report.issues

    @property
    def valid(self) -> bool:
        return self.report.valid

    def to_json(self) -> dict[str, Any]:
        """outputs.md's `{"as_of", "fiscal_year", "issues"}` (exactly those keys)."""
        return {"as_of": self.period.as_of.isoformat(), "fiscal_year": self.period.fiscal_year, "issues": self.report.issues_json()}


@dataclass
class InitOutcome:
    created_tabs: list[str]
    config_written: Path | None = None
    existing_tabs: list[str] = field(default_factory=list)


@dataclass
class SyncOutcome:
    results: Results
    results_path: Path
    snapshot_id: int
    tabs_written: list[str]

    @property
    def document(self) -> dict[str, Any]:
        return self.results.to_json()


@dataclass
class DemoOutcome:
    workbook: Path
    validation: ValidateOutcome
    sync: SyncOutcome
    documents: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reminders: Any = None  # RemindOutcome of a dry run: the .eml files
    calendar: Any = None  # CalendarOutcome


@dataclass
class RemindOutcome:
    plan: Any  # compute.reminders.ReminderPlan
    messages: list[Any]  # mail.Outgoing, the people's first and the head's summary last
    not_reachable: dict[str, str]  # person -> why (ติดต่อไม่ได้)
    dry_run: bool
    eml_files: list[Path] = field(default_factory=list)
    sent: list[Any] = field(default_factory=list)
    already_sent: list[Any] = field(default_factory=list)
    unsent: list[tuple[Any, str]] = field(default_factory=list)
    error: str | None = None
    head_missing: bool = False  # no remind.head_email: the summary could not be sent

    @property
    def complete(self) -> bool:
        """Every message that could go out went out (exit 0); otherwise exit 3."""
        return not self.unsent


@dataclass
class CalendarOutcome:
    path: Path
    counts: dict[str, int]  # entry kind -> events
    period: Period


@dataclass
class RollupOutcome:
    """`rollup`: the roll-up, the registry as validated, and what was written."""

    rollup: Rollup
    registry: ValidatedWorkbook
    json_path: Path | None = None
    tabs_written: list[str] | None = None

    @property
    def registry_errors(self) -> int:
        return self.registry.error_count
