"""The reminders' send ledger: one table in the history database (the same SQLite file).

A message is recorded the moment the mail server accepts it, keyed by the day it was sent
(Bangkok), the workbook, the address and a hash of its content. A re-run the same day with the
same content therefore sends nothing new; a changed message, the next day, or `--resend` does.
The ledger keeps staff names and addresses only (never complainants' data).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .sqlite_file import open_database

SCHEMA = """
CREATE TABLE IF NOT EXISTS reminders_sent (
    sent_on TEXT NOT NULL,
    source TEXT NOT NULL,
    recipient TEXT NOT NULL,
    person TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    subject TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (sent_on, source, recipient, content_hash)
);
"""


@dataclass(frozen=True)
class SentRecord:
    sent_on: str
    recipient: str
    person: str
    content_hash: str
    subject: str
    sent_at: str


class SendLedger:
    """The `reminders_sent` table of the history database at `path` (created on first use)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with open_database(self.path, SCHEMA) as connection:  # owner-only: it names staff and their addresses
            yield connection

    def already_sent(self, day: dt.date, source: str, recipient: str, content_hash: str) -> bool:
        with self._connect() as db:
            row = db.execute(
                "SELECT 1 FROM reminders_sent WHERE sent_on = ? AND source = ? AND recipient = ? AND content_hash = ?",
                (day.isoformat(), source, recipient.lower(), content_hash),
            ).fetchone()
        return row is not None

    def mark_sent(self, *, day: dt.date, source: str, recipient: str, person: str, content_hash: str, subject: str, sent_at: dt.datetime) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO reminders_sent (sent_on, source, recipient, person, content_hash, subject, sent_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (day.isoformat(), source, recipient.lower(), person, content_hash, subject, sent_at.isoformat(timespec="seconds")),
            )

    def sent_on(self, day: dt.date, source: str) -> list[SentRecord]:
        """What went out that day for that workbook, in the order it was sent."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT sent_on, recipient, person, content_hash, subject, sent_at FROM reminders_sent"
                " WHERE sent_on = ? AND source = ? ORDER BY sent_at, rowid",
                (day.isoformat(), source),
            ).fetchall()
        return [SentRecord(*row) for row in rows]
