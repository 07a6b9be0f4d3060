"""History: every sync stores what it read and what it computed, in one SQLite file.

The answer to "someone deleted half the complaint log": `history restore ID --out FILE.xlsx`
gives back what each input tab held at that sync, with its typed cells (dates stay dates,
percent cells stay percent).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cells import Cell, CellKind, TabData
from .errors import ConfigError, WorkbookError

SCHEMA = """
CREATE TABLE IF NOT EXISTS snapshots (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    taken_at TEXT NOT NULL,
    source TEXT NOT NULL,
    as_of TEXT NOT NULL,
    fiscal_year INTEGER NOT NULL,
    round INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    warnings INTEGER NOT NULL,
    results BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS snapshot_tabs (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    data_rows INTEGER NOT NULL,
    cells BLOB NOT NULL,
    PRIMARY KEY (snapshot_id, title)
);
"""


@dataclass(frozen=True)
class SnapshotInfo:
    id: int
    taken_at: str
    source: str
    as_of: str
    fiscal_year: int
    round: int
    errors: int
    warnings: int
    tabs: dict[str, int]  # title -> data rows (non-blank rows below the header)


def _pack(data: Any) -> bytes:
    return zlib.compress(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 6)


def _unpack(blob: bytes) -> Any:
    return json.loads(zlib.decompress(blob).decode("utf-8"))


def _encode_cell(cell: Cell) -> list[Any] | None:
    if cell.kind is CellKind.EMPTY:
        return None
    value = cell.value.isoformat() if isinstance(cell.value, dt.datetime) else cell.value
    return [cell.kind.value, value]


def _decode_cell(data: list[Any] | None) -> Cell:
    if data is None:
        return Cell(CellKind.EMPTY)
    kind = CellKind(data[0])
    value = dt.datetime.fromisoformat(data[1]) if kind is CellKind.DATE else data[1]
    return Cell(kind, value)


class History:
    """The snapshot store at `path` (created on first use)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path)
        except (OSError, sqlite3.Error) as err:
            raise WorkbookError(f"เปิดฐานข้อมูลประวัติ {self.path} ไม่ได้: {err}") from None
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            connection.executescript(SCHEMA)
            with connection:
                yield connection
        except sqlite3.Error as err:
            raise WorkbookError(f"ฐานข้อมูลประวัติ {self.path} ใช้ไม่ได้: {err}") from None
        finally:
            connection.close()

    def ensure(self) -> None:
        """Open (creating if needed) the store, so a sync fails before writing anything if it cannot."""
        with self._connect():
            pass

    def record(self, *, taken_at: dt.datetime, source: str, tabs: Mapping[str, TabData], results: dict[str, Any]) -> int:
        """Store one sync: the input tabs it read and its results document. Returns the id."""
        counts = results.get("counts", {})
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO snapshots (taken_at, source, as_of, fiscal_year, round, errors, warnings, results)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    taken_at.isoformat(timespec="seconds"), source, results["as_of"], results["fiscal_year"],
                    results["round"], counts.get("errors", 0), counts.get("warnings", 0), _pack(results),
                ),
            )
            snapshot_id = int(cursor.lastrowid)  # type: ignore[arg-type]
            for position, (title, tab) in enumerate(tabs.items()):
                rows = [[_encode_cell(c) for c in row] for row in tab.rows]
                data_rows = sum(1 for row in tab.rows[1:] if any(not c.is_empty for c in row))
                db.execute(
                    "INSERT INTO snapshot_tabs (snapshot_id, position, title, data_rows, cells) VALUES (?, ?, ?, ?, ?)",
                    (snapshot_id, position, title, data_rows, _pack(rows)),
                )
        return snapshot_id

    def list(self) -> list[SnapshotInfo]:
        if not self.path.exists():
            return []
        with self._connect() as db:
            snapshots = db.execute(
                "SELECT id, taken_at, source, as_of, fiscal_year, round, errors, warnings FROM snapshots ORDER BY id"
            ).fetchall()
            tabs: dict[int, dict[str, int]] = {}
            for snapshot_id, title, rows in db.execute(
                "SELECT snapshot_id, title, data_rows FROM snapshot_tabs ORDER BY snapshot_id, position"
            ):
                tabs.setdefault(snapshot_id, {})[title] = rows
        return [SnapshotInfo(*row, tabs=tabs.get(row[0], {})) for row in snapshots]

    def tabs(self, snapshot_id: int) -> dict[str, TabData]:
        """The input tabs as they were read at that sync."""
        with self._connect() as db:
            found = db.execute("SELECT 1 FROM snapshots WHERE id = ?", (snapshot_id,)).fetchone()
            if not found:
                raise ConfigError(f"ไม่พบประวัติหมายเลข {snapshot_id} — ดูรายการด้วย sheets-sync history")
            rows = db.execute(
                "SELECT title, cells FROM snapshot_tabs WHERE snapshot_id = ? ORDER BY position", (snapshot_id,)
            ).fetchall()
        return {
            title: TabData(title, tuple(tuple(_decode_cell(c) for c in row) for row in _unpack(blob)))
            for title, blob in rows
        }

    def results(self, snapshot_id: int) -> dict[str, Any]:
        with self._connect() as db:
            row = db.execute("SELECT results FROM snapshots WHERE id = ?", (snapshot_id,)).fetchone()
        if row is None:
            raise ConfigError(f"ไม่พบประวัติหมายเลข {snapshot_id}")
        return _unpack(row[0])
