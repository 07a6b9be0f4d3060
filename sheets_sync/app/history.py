"""`history` (list, restore, prune) and `status`: what the tool kept about its own runs."""

from __future__ import annotations

import datetime as dt

from ..config import Settings
from ..storage import runlog
from ..storage.history import History
from .outcomes import HistoryOutcome, PruneOutcome, StatusOutcome
from .sync import restore_snapshot

__all__ = ["list_snapshots", "prune_history", "restore_snapshot", "run_status"]


def list_snapshots(settings: Settings) -> HistoryOutcome:
    """Every snapshot kept (one per sync), oldest first."""
    return HistoryOutcome(History(settings.history_file, settings.history).list(), settings.history_file)


def prune_history(settings: Settings, now: dt.datetime, *, keep_days: int | None = None, keep_snapshots: int | None = None) -> PruneOutcome:
    """Remove snapshots older than the policy (or the limits given)."""
    removed = History(settings.history_file, settings.history).prune(now, keep_days=keep_days, keep_snapshots=keep_snapshots)
    return PruneOutcome(removed, settings.history_file)


def run_status(settings: Settings, workbook_key: str, command: str | None = None) -> StatusOutcome:
    """The last run of each command on the workbook `workbook_key` names, from the run log."""
    return StatusOutcome(runlog.last_runs(runlog.read(settings.log_path), workbook_key), settings.log_path, command)
