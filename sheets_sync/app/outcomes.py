"""What each command returns: one typed outcome per command, rendered by the CLI.

Every outcome answers the same three questions, so the CLI needs one renderer and one exit:
`to_json()` (the `--json` document), `exit_code` (0 done, 1 data errors, 3 not delivered), and
`report` (the validation report whose counts the run log records, or None when the command
did not validate a workbook).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..compute.reminders import ReminderPlan
from ..compute.results import Results
from ..compute.rollup import Rollup
from ..core.fiscal import Period
from ..delivery.mail import Outgoing
from ..schema.report import ValidationReport
from ..schema.validate import ValidatedWorkbook
from ..storage.closings import Closing
from ..storage.history import SnapshotInfo
from ..storage.runlog import Run

if TYPE_CHECKING:
    from ..documents.evidence import EvidenceFile


@dataclass
class ValidateOutcome:
    period: Period
    workbook: ValidatedWorkbook
    source: str  # the workbook as the backend describes it
    plan_year: int | None = None  # the fiscal year the plan lies in, when it is not the period's

    @property
    def report(self) -> ValidationReport:
        return self.workbook.report

    @property
    def exit_code(self) -> int:
        return 0 if self.report.valid else 1

    def to_json(self) -> dict[str, Any]:
        """outputs.md's `{"as_of", "fiscal_year", "issues"}` (exactly those keys)."""
        return {"as_of": self.period.as_of.isoformat(), "fiscal_year": self.period.fiscal_year, "issues": self.report.issues_json()}


@dataclass
class InitOutcome:
    created_tabs: list[str]
    config_written: Path | None = None
    existing_tabs: list[str] = field(default_factory=list)
    source: str = ""
    report: None = None
    exit_code: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"created_tabs": self.created_tabs, "existing_tabs": self.existing_tabs,
                "config_written": str(self.config_written) if self.config_written else None}


@dataclass
class SyncOutcome:
    results: Results
    results_path: Path
    snapshot_id: int
    tabs_written: list[str]
    source: str = ""
    strict: bool = False  # data errors end the run with exit 1 (scheduled jobs)

    @property
    def report(self) -> ValidationReport:
        return self.results.report

    @property
    def exit_code(self) -> int:
        return 1 if self.strict and not self.report.valid else 0

    def to_json(self) -> dict[str, Any]:
        return self.results.to_json()


@dataclass
class ClosedReport:
    """Where a closed round's memo came from: its closing, and whether the recomputed figures are
    the ones the closing keeps (False means the tool's computation changed since)."""

    closing: Closing
    figures_match: bool


@dataclass
class ReportOutcome:
    results: Results
    path: Path
    closed: ClosedReport | None = None  # the round is closed and the memo shows its closed figures

    @property
    def report(self) -> ValidationReport:
        return self.results.report

    exit_code = 0

    def to_json(self) -> dict[str, Any]:
        return {"report": str(self.path), "fiscal_year": self.results.period.fiscal_year, "round": self.results.period.round,
                "closed": {**self.closed.closing.to_json(), "figures_match": self.closed.figures_match} if self.closed else None}


@dataclass
class SopOutcome:
    results: Results
    paths: list[Path]
    folder: Path

    @property
    def report(self) -> ValidationReport:
        return self.results.report

    exit_code = 0

    def to_json(self) -> dict[str, Any]:
        return {"files": [str(p) for p in self.paths]}


@dataclass
class CalendarOutcome:
    path: Path
    counts: dict[str, int]  # entry kind -> events
    period: Period
    plan_year: int | None = None  # the fiscal year the plan lies in, when it is not the period's
    report: None = None
    exit_code: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"calendar": str(self.path), "events": self.counts}


@dataclass
class RemindOutcome:
    plan: ReminderPlan
    messages: list[Outgoing]  # the people's first and the head's summary last
    not_reachable: dict[str, str]  # person -> why (ติดต่อไม่ได้)
    dry_run: bool
    eml_files: list[Path] = field(default_factory=list)
    sent: list[Outgoing] = field(default_factory=list)
    already_sent: list[Outgoing] = field(default_factory=list)
    unsent: list[tuple[Outgoing, str]] = field(default_factory=list)  # with the reason
    error: str | None = None
    head_missing: bool = False  # no remind.head_email: the summary could not be sent
    period: Period | None = None
    plan_year: int | None = None  # the fiscal year the plan lies in, when it is not the period's
    report: None = None

    @property
    def complete(self) -> bool:
        """Every message that could go out went out (exit 0); otherwise exit 3."""
        return not self.unsent

    @property
    def exit_code(self) -> int:
        return 0 if self.complete else 3

    def to_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "eml_files": [str(p) for p in self.eml_files],
            "sent": [m.address for m in self.sent],
            "already_sent": [m.address for m in self.already_sent],
            "unsent": [{"person": m.person, "address": m.address, "reason": why} for m, why in self.unsent],
            "not_reachable": self.not_reachable,
        }


@dataclass
class DemoOutcome:
    workbook: Path
    validation: ValidateOutcome
    sync: SyncOutcome
    documents: list[Path]
    reminders: RemindOutcome  # a dry run: the .eml files
    calendar: CalendarOutcome
    closed: list[Closing] = field(default_factory=list)  # the rounds the demo closed (then staff edit one)
    exit_code: int = 0

    @property
    def report(self) -> ValidationReport:
        return self.sync.report

    def to_json(self) -> dict[str, Any]:
        return {"workbook": str(self.workbook), "results": str(self.sync.results_path),
                "documents": [str(p) for p in self.documents], "calendar": str(self.calendar.path)}


@dataclass
class HistoryOutcome:
    """`history`: the snapshots kept, oldest first."""

    snapshots: list[SnapshotInfo]
    path: Path
    report: None = None
    exit_code: int = 0

    def to_json(self) -> list[dict[str, Any]]:
        return [s.__dict__ for s in self.snapshots]


@dataclass
class RestoreOutcome:
    """`history restore`: a snapshot's input tabs written to a new .xlsx."""

    snapshot_id: int
    path: Path
    titles: list[str]
    report: None = None
    exit_code: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"snapshot": self.snapshot_id, "file": str(self.path), "tabs": self.titles}


@dataclass
class PruneOutcome:
    """`history prune`: how many snapshots were removed."""

    removed: int
    path: Path
    report: None = None
    exit_code: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"removed": self.removed, "history": str(self.path)}


@dataclass
class StatusOutcome:
    """`status`: the last run of each command on one workbook, from the run log."""

    latest: dict[str, Run]
    log_file: Path
    command: str | None = None  # whose exit code is the status's own (default: sync)
    report: None = None

    @property
    def exit_code(self) -> int:
        chosen = self.latest.get(self.command or "sync")
        if chosen is None and self.latest and not self.command:
            chosen = list(self.latest.values())[-1]
        return chosen.exit_code if chosen is not None else 2

    def to_json(self) -> dict[str, Any]:
        return {c: r.to_json() for c, r in self.latest.items()}


@dataclass
class CloseOutcome:
    """`close --round N`: the closing recorded after its sync."""

    closing: Closing
    sync: SyncOutcome
    protected: bool = False  # the result column is protected in the Google Sheet
    exit_code: int = 0

    @property
    def report(self) -> ValidationReport:
        return self.sync.report

    def to_json(self) -> dict[str, Any]:
        return self.closing.to_json()


@dataclass
class ReopenOutcome:
    """`close --round N --reopen`: the closing marked reopened (nothing deleted)."""

    closing: Closing
    report: None = None
    exit_code: int = 0

    def to_json(self) -> dict[str, Any]:
        return self.closing.to_json()


@dataclass
class ClosingsOutcome:
    """`close --list`: every closing, reopened ones too, oldest first."""

    closings: list[Closing]
    path: Path
    report: None = None
    exit_code: int = 0

    def to_json(self) -> list[dict[str, Any]]:
        return [c.to_json() for c in self.closings]


@dataclass
class EvidenceOutcome:
    """`evidence`: the PMQA evidence folder of a fiscal year and its .zip."""

    fiscal_year: int
    folder: Path
    archive: Path
    files: list[EvidenceFile]  # the index last
    closings: list[Closing]
    report: None = None
    exit_code: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"folder": str(self.folder), "zip": str(self.archive), "files": [f.name for f in self.files]}


@dataclass
class RollupOutcome:
    """`rollup`: the roll-up, the registry as validated, and what was written.

    `report` is the ministry workbook's own validation (its registry `จังหวัด`): what the run log
    counts, as for any workbook; each province's counts are in the roll-up itself."""

    rollup: Rollup
    registry: ValidatedWorkbook
    json_path: Path | None = None
    tabs_written: list[str] = field(default_factory=list)
    source: str = ""
    strict: bool = False  # provinces not read, data errors or registry errors end the run with exit 1

    @property
    def report(self) -> ValidationReport:
        return self.registry.report

    @property
    def province_errors(self) -> int:
        return sum(p.errors or 0 for p in self.rollup.provinces)

    @property
    def exit_code(self) -> int:
        failed = bool(self.rollup.failed) or self.province_errors > 0 or not self.report.valid
        return 1 if self.strict and failed else 0

    def to_json(self) -> dict[str, Any]:
        return self.rollup.to_json()


@dataclass
class RollupReportOutcome:
    """`rollup-report`: the memo to the Permanent Secretary and the roll-up it was made from."""

    rollup: Rollup
    path: Path
    period: Period
    report: None = None
    exit_code: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"report": str(self.path), "fiscal_year": self.period.fiscal_year, "round": self.period.round}


Outcome = (ValidateOutcome | InitOutcome | SyncOutcome | ReportOutcome | SopOutcome | CalendarOutcome | RemindOutcome
           | DemoOutcome | HistoryOutcome | RestoreOutcome | PruneOutcome | StatusOutcome
           | CloseOutcome | ReopenOutcome | ClosingsOutcome | EvidenceOutcome | RollupOutcome | RollupReportOutcome)
