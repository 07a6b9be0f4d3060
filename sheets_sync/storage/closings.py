"""Closed rounds (shared/spec/closing.md): what was reported, kept in the history database.

A closing records the fiscal year, round, as-of, who, when (Bangkok time), the id of the history
snapshot of the closing's sync, the results document as it was written and the SHA-256 of its
canonical encoding (sorted keys, UTF-8, no whitespace). Nothing is ever deleted: reopening marks
the closing reopened (who, when, why), and closing again adds a new closing. The snapshot a
closing names is never pruned by the history's retention.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import ConfigError
from .sqlite_file import open_database

SCHEMA = """
CREATE TABLE IF NOT EXISTS closings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    fiscal_year INTEGER NOT NULL,
    round INTEGER NOT NULL,
    as_of TEXT NOT NULL,
    closed_by TEXT NOT NULL,
    closed_at TEXT NOT NULL,
    snapshot_id INTEGER NOT NULL,
    source TEXT NOT NULL,
    results BLOB NOT NULL,
    results_sha256 TEXT NOT NULL,
    reopened_at TEXT,
    reopened_by TEXT,
    reopen_reason TEXT
);
CREATE INDEX IF NOT EXISTS closings_round ON closings (fiscal_year, round);
"""

BUSY_TIMEOUT_SECONDS = 30.0


def canonical_json(document: Any) -> bytes:
    """The canonical encoding the hash is taken over: sorted keys, UTF-8, no whitespace."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False).encode("utf-8")


def results_sha256(document: Any) -> str:
    return hashlib.sha256(canonical_json(document)).hexdigest()


@dataclass(frozen=True)
class Closing:
    id: int
    fiscal_year: int
    round: int
    as_of: dt.date
    closed_by: str
    closed_at: dt.datetime
    snapshot_id: int
    source: str
    results_sha256: str
    reopened_at: dt.datetime | None = None
    reopened_by: str | None = None
    reopen_reason: str | None = None

    @property
    def active(self) -> bool:
        """Not reopened: the round's reported figures."""
        return self.reopened_at is None

    @property
    def closed_on(self) -> dt.date:
        return self.closed_at.date()

    def active_at(self, moment: dt.datetime) -> bool:
        """Closed at `moment` (closed before it and not yet reopened then)."""
        return self.closed_at <= moment and (self.reopened_at is None or self.reopened_at > moment)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "fiscal_year": self.fiscal_year,
            "round": self.round,
            "as_of": self.as_of.isoformat(),
            "closed_by": self.closed_by,
            "closed_at": self.closed_at.isoformat(timespec="seconds"),
            "snapshot_id": self.snapshot_id,
            "source": self.source,
            "results_sha256": self.results_sha256,
            "reopened": not self.active,
            "reopened_at": self.reopened_at.isoformat(timespec="seconds") if self.reopened_at else None,
            "reopened_by": self.reopened_by,
            "reopen_reason": self.reopen_reason,
        }


_COLUMNS = (
    "id, fiscal_year, round, as_of, closed_by, closed_at, snapshot_id, source, results_sha256,"
    " reopened_at, reopened_by, reopen_reason"
)


def _closing(row: tuple[Any, ...]) -> Closing:
    (cid, fy, rnd, as_of, by, at, snapshot_id, source, digest, reopened_at, reopened_by, reason) = row
    return Closing(
        cid, fy, rnd, dt.date.fromisoformat(as_of), by, dt.datetime.fromisoformat(at), snapshot_id, source, digest,
        dt.datetime.fromisoformat(reopened_at) if reopened_at else None, reopened_by, reason,
    )


class Closings:
    """The closings kept in the history database at `path`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with open_database(self.path, SCHEMA, timeout=BUSY_TIMEOUT_SECONDS) as connection:
            yield connection

    def list(self, fiscal_year: int | None = None) -> list[Closing]:
        """Every closing (reopened ones too), oldest first."""
        if not self.path.exists():
            return []
        with self._connect() as db:
            if fiscal_year is None:
                rows = db.execute(f"SELECT {_COLUMNS} FROM closings ORDER BY id").fetchall()
            else:
                rows = db.execute(f"SELECT {_COLUMNS} FROM closings WHERE fiscal_year = ? ORDER BY id", (fiscal_year,)).fetchall()
        return [_closing(r) for r in rows]

    def active(self, fiscal_year: int, round_months: int) -> Closing | None:
        """The round's closing in force (not reopened), if any."""
        found = [c for c in self.list(fiscal_year) if c.round == round_months and c.active]
        return found[-1] if found else None

    def results(self, closing_id: int) -> dict[str, Any]:
        """The results document the closing keeps, checked against its SHA-256."""
        with self._connect() as db:
            row = db.execute("SELECT results, results_sha256 FROM closings WHERE id = ?", (closing_id,)).fetchone()
        if row is None:
            raise ConfigError(f"ไม่พบการปิดรอบหมายเลข {closing_id} — ดูรายการด้วย {{close_list}}")
        document = json.loads(zlib.decompress(row[0]).decode("utf-8"))
        if results_sha256(document) != row[1]:
            raise ConfigError(
                f"ผลที่บันทึกไว้ของการปิดรอบหมายเลข {closing_id} ไม่ตรงกับค่า SHA-256 ที่บันทึกตอนปิดรอบ — ฐานข้อมูลประวัติถูกแก้ไข"
            )
        return document

    def record(self, *, fiscal_year: int, round_months: int, as_of: dt.date, closed_by: str, closed_at: dt.datetime,
               snapshot_id: int, source: str, results: dict[str, Any]) -> Closing:
        """Add a closing; refused when the round already has one in force."""
        canonical = canonical_json(results)
        digest = hashlib.sha256(canonical).hexdigest()
        packed = zlib.compress(canonical, 6)
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                open_one = db.execute(
                    "SELECT id FROM closings WHERE fiscal_year = ? AND round = ? AND reopened_at IS NULL", (fiscal_year, round_months)
                ).fetchone()
                if open_one:
                    raise ConfigError(already_closed(fiscal_year, round_months))
                cursor = db.execute(
                    "INSERT INTO closings (fiscal_year, round, as_of, closed_by, closed_at, snapshot_id, source, results, results_sha256)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (fiscal_year, round_months, as_of.isoformat(), closed_by, closed_at.isoformat(timespec="seconds"),
                     snapshot_id, source, packed, digest),
                )
                closing_id = int(cursor.lastrowid)  # type: ignore[arg-type]
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        found = [c for c in self.list(fiscal_year) if c.id == closing_id]
        return found[0]

    def reopen(self, *, fiscal_year: int, round_months: int, reopened_by: str, reopened_at: dt.datetime, reason: str) -> Closing:
        """Mark the round's closing in force reopened (it stays in the history)."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute(
                    "SELECT id FROM closings WHERE fiscal_year = ? AND round = ? AND reopened_at IS NULL", (fiscal_year, round_months)
                ).fetchone()
                if row is None:
                    raise ConfigError(f"รอบ {round_months} เดือน ปีงบประมาณ {fiscal_year} ยังไม่ได้ปิดรอบ — ไม่มีอะไรให้เปิดใหม่")
                db.execute(
                    "UPDATE closings SET reopened_at = ?, reopened_by = ?, reopen_reason = ? WHERE id = ?",
                    (reopened_at.isoformat(timespec="seconds"), reopened_by, reason, row[0]),
                )
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        return next(c for c in self.list(fiscal_year) if c.id == row[0])


def already_closed(fiscal_year: int, round_months: int) -> str:
    return (
        f"รอบ {round_months} เดือน ปีงบประมาณ {fiscal_year} ปิดรอบไปแล้ว — ดูด้วย {{close_list}}"
        " (ถ้าต้องแก้ผลที่รายงาน ให้เปิดรอบใหม่ด้วย {reopen} และ {reason} ก่อน)"
    )



def closing_snapshots(db: sqlite3.Connection) -> set[int]:
    """The snapshots closings name (the history never prunes them); empty before the first closing."""
    if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'closings'").fetchone():
        return set()
    return {r[0] for r in db.execute("SELECT snapshot_id FROM closings")}
