"""History: every sync stores what it read and what it computed, in one SQLite file.

The answer to "someone deleted half the complaint log": `history restore ID --out FILE.xlsx`
gives back what each input tab held at that sync, with its typed cells (dates stay dates,
percent cells stay percent).

Personal data (rules.md): what schema/personal.py finds (the personal-data columns; in the
complaints tab every column not recognised as a non-personal one; any cell holding a national ID
or a phone number) is stored only as a keyed hash, `[ปกปิด <16 hex>]` (HMAC-SHA256 with a per-installation
key in `<database>.key`, owner-only, created on first use), unless config
`history.keep_personal_data = true`. The same value always gives the same marker, so a restore
shows which rows changed. The database (and SQLite's -journal/-wal, which take its mode) is
owner-only; deleted rows are overwritten (secure_delete). Retention: `history.keep_days`
(default 400) and `history.keep_snapshots` (0 = no count limit), applied on every record and by
`history prune`.

`sqlite_file.open_database(path)` is the one connection helper (owner-only file, pragmas, errors in Thai);
other stores in the same file (e.g. a send ledger) use it with their own schema.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import re
import secrets
import sqlite3
import unicodedata
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

from ..config import HistoryPolicy
from ..core.cells import Cell, CellKind, TabData
from ..core.errors import ConfigError, WorkbookError, os_reason
from ..core.fiscal import Period
from .closings import closing_snapshots
from .sqlite_file import open_database

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
    return zlib.compress(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), _LEVEL)


_LEVEL = 3  # zlib: 2.5x faster than 6 on a 100,000-complaint log, 1.3x the bytes; any level reads back


def _pack_rows(rows: Sequence[Sequence[Cell]], distinct: Mapping[int, Cell] | None = None) -> bytes:
    """`_pack` of the rows' encoded cells, each distinct cell encoded once: a reader shares one
    Cell between equal values (and every cell is alive while the tab is), so its id stands for it.
    The same JSON text as `_pack([[_encode_cell(c) for c in row] for row in rows])`. `distinct`
    is `_distinct(rows)` when the caller has it already."""
    if distinct is None:
        distinct = _distinct(rows)
    text = {k: _cell_json(c) for k, c in distinct.items()}
    get = text.__getitem__
    body = ",".join(["[" + ",".join(map(get, map(id, row))) + "]" for row in rows])
    return zlib.compress(f"[{body}]".encode(), _LEVEL)


def _distinct(rows: Sequence[Sequence[Cell]]) -> dict[int, Cell]:
    """Every distinct cell of the rows by its id (the iteration in C: a tab has millions of cells)."""
    return dict(zip(map(id, chain.from_iterable(rows)), chain.from_iterable(rows)))


def _data_rows(rows: Sequence[Sequence[Cell]], distinct: Mapping[int, Cell]) -> int:
    """The non-blank rows below the header: `Cell.is_empty` once per distinct cell."""
    filled = {k for k, c in distinct.items() if not c.is_empty}
    return sum(1 for row in rows[1:] if not filled.isdisjoint(map(id, row)))


_KIND_JSON = {kind: f'["{kind.value}",' for kind in CellKind}


def _cell_json(cell: Cell) -> str:
    """`json.dumps(_encode_cell(cell), ensure_ascii=False, separators=(",", ":"))`, with text and
    dates (nearly every distinct cell) encoded by json's own string encoder directly."""
    if cell.kind is CellKind.EMPTY:
        return "null"
    value = cell.value
    if type(value) is str:
        return _KIND_JSON[cell.kind] + encode_basestring(value) + "]"
    if type(value) is dt.datetime:
        return _KIND_JSON[cell.kind] + encode_basestring(value.isoformat()) + "]"
    return json.dumps(_encode_cell(cell), ensure_ascii=False, separators=(",", ":"))


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


PERSONAL_MARK = "[ปกปิด {}]"
BUSY_TIMEOUT_SECONDS = 30.0  # how long a write waits for another run that holds the database


_SPACE_RUN = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")


def _normalized(text: str) -> str:
    """The value as compared (workbook.md): NFKC, trimmed, inner whitespace runs as one space."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _SPACE_RUN.sub(" ", text).strip()


class History:
    """The snapshot store at `path` (created on first use)."""

    def __init__(self, path: str | Path, policy: HistoryPolicy | None = None) -> None:
        self.path = Path(path)
        self.policy = policy or HistoryPolicy()

    @property
    def key_file(self) -> Path:
        return self.path.with_name(self.path.name + ".key")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with open_database(self.path, SCHEMA, timeout=BUSY_TIMEOUT_SECONDS) as connection:
            yield connection

    def ensure(self) -> None:
        """Open (creating if needed) the store and take its write lock once, then let go: a
        database that cannot be written is found before anything else is."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute("ROLLBACK")
        if not self.policy.keep_personal_data:
            self._key()

    def _key(self) -> bytes:
        """The per-installation hashing key (32 random bytes, owner-only), made on first use."""
        try:
            fd = os.open(self.key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        except FileExistsError:
            return self._existing_key()
        except OSError as err:
            raise WorkbookError(f"สร้างกุญแจของประวัติ {self.key_file} ไม่ได้ ({os_reason(err)})") from err
        key = secrets.token_bytes(32)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
            handle.flush()
            os.fsync(handle.fileno())
        return key

    def _existing_key(self) -> bytes:
        try:
            fd = os.open(self.key_file, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
            with os.fdopen(fd, "rb") as handle:
                key = handle.read()
        except OSError as err:
            raise WorkbookError(f"อ่านกุญแจของประวัติ {self.key_file} ไม่ได้ ({os_reason(err)})") from err
        if len(key) < 32:
            raise WorkbookError(f"กุญแจของประวัติ {self.key_file} เสียหาย — ย้ายไฟล์นั้นออก (ประวัติเดิมจะเทียบค่าไม่ได้)")
        return key

    def protect(self, tab: TabData, hidden: Any) -> TabData:
        """The tab as history keeps it: the cells `hidden` names (`.columns` indexes and `.cells`
        (row, column) pairs, as schema/personal.py finds them; or a plain sequence of column
        indexes) replaced by their keyed hash."""
        columns = frozenset(getattr(hidden, "columns", hidden) or ())
        cells = frozenset(getattr(hidden, "cells", ()) or ())
        if self.policy.keep_personal_data or not (columns or cells):
            return tab
        key = self._key()
        marks: dict[str, Cell] = {}  # normalised text -> its marker cell (a value repeated is hashed once)
        # a cell read -> what history keeps of it: a reader shares one Cell between equal values
        # (and every cell is alive while the tab is), so its id stands for it: each distinct cell
        # is normalised once
        kept: dict[int, Cell] = {}

        def mark_of(cell: Cell) -> Cell:
            text = _normalized(cell.raw_text())
            mark = marks.get(text)
            if mark is None:
                digest = hmac.new(key, text.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:16]
                mark = marks[text] = Cell(CellKind.TEXT, PERSONAL_MARK.format(digest))
            return mark

        def keep(cell: Cell) -> Cell:
            kept[id(cell)] = found = cell if cell.is_empty else mark_of(cell)
            return found

        by_row: dict[int, list[int]] = {}
        for r, c in cells:
            by_row.setdefault(r, []).append(c)
        every = tuple(columns)
        get = kept.get
        rows = [tab.rows[0]]
        for r, row in enumerate(tab.rows[1:], start=1):
            cells_of = list(row)
            width = len(cells_of)
            extra = by_row.get(r)
            for i in every if extra is None else (*every, *extra):
                if i < width:
                    cell = cells_of[i]
                    cells_of[i] = get(id(cell)) or keep(cell)
            rows.append(tuple(cells_of))
        return TabData(tab.title, tuple(rows), tab.merged_headers)

    def prepare(self, *, taken_at: dt.datetime, source: str, period: Period, counts: tuple[int, int],
                tabs: Mapping[str, TabData], results: dict[str, Any],
                personal: Mapping[str, Any] | None = None) -> PendingSnapshot:
        """Everything a record writes, built and checked now (hashing, packing): nothing is stored.

        `counts` is (errors, warnings) of the validation; `results` the results document, kept
        packed; `personal` names, per tab title, what is kept only hashed (schema/personal.py's
        `Hidden`: whole columns and single cells; the app finds them from the schema)."""
        row = (
            taken_at.isoformat(timespec="seconds"), source, period.as_of.isoformat(), period.fiscal_year,
            period.round, counts[0], counts[1], _pack(results),
        )
        packed = []
        for position, (title, tab) in enumerate(tabs.items()):
            kept = self.protect(tab, (personal or {}).get(title, ()))
            distinct = _distinct(kept.rows)
            packed.append((position, title, _data_rows(kept.rows, distinct), _pack_rows(kept.rows, distinct)))
        return PendingSnapshot(self, row, packed, taken_at)

    @contextmanager
    def recording(self, pending: PendingSnapshot) -> Iterator[int]:
        """Insert the snapshot in an open write transaction, yield its id, commit when the block
        ends without error (else roll back): the database is locked and written before the
        workbook is touched, and the snapshot exists only if the sync did."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                snapshot_id = pending.insert(db)
                yield snapshot_id
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def commit(self, pending: PendingSnapshot) -> int:
        """Store a prepared snapshot now (one transaction); its id. A failure stores nothing."""
        with self.recording(pending) as snapshot_id:
            return snapshot_id

    def forget(self, snapshot_id: int) -> None:
        """Remove one snapshot (a sync whose workbook write failed after it was stored)."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute("DELETE FROM snapshot_tabs WHERE snapshot_id = ?", (snapshot_id,))
                db.execute("DELETE FROM snapshots WHERE id = ?", (snapshot_id,))
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def record(self, *, taken_at: dt.datetime, source: str, period: Period, counts: tuple[int, int],
               tabs: Mapping[str, TabData], results: dict[str, Any], personal: Mapping[str, Any] | None = None) -> int:
        """Store one sync: the input tabs it read and its results document. Returns the id."""
        pending = self.prepare(taken_at=taken_at, source=source, period=period, counts=counts, tabs=tabs, results=results, personal=personal)
        with self.recording(pending) as snapshot_id:
            return snapshot_id

    def prune(self, now: dt.datetime, *, keep_days: int | None = None, keep_snapshots: int | None = None, spare: int | None = None) -> int:
        """Delete snapshots older than `keep_days` or beyond the newest `keep_snapshots`; the count."""
        if not self.path.exists():
            return 0
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                removed = self._prune(db, now, keep_days, keep_snapshots, spare)
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
            return removed

    def _prune(self, db: sqlite3.Connection, now: dt.datetime, keep_days: int | None = None,
               keep_snapshots: int | None = None, spare: int | None = None) -> int:
        days = self.policy.keep_days if keep_days is None else keep_days
        count = self.policy.keep_snapshots if keep_snapshots is None else keep_snapshots
        doomed: set[int] = set()
        cutoff = now - dt.timedelta(days=days)
        for snapshot_id, taken_at in db.execute("SELECT id, taken_at FROM snapshots").fetchall():
            try:
                when = dt.datetime.fromisoformat(taken_at)
                if when.tzinfo is None and now.tzinfo is not None:
                    when = when.replace(tzinfo=now.tzinfo)
                if when < cutoff:
                    doomed.add(snapshot_id)
            except (TypeError, ValueError):
                continue
        if count and count > 0:
            ids = [r[0] for r in db.execute("SELECT id FROM snapshots ORDER BY id DESC")]
            doomed.update(ids[count:])
        doomed.discard(spare)  # the snapshot being recorded always stays
        doomed -= closing_snapshots(db)  # a closed round's snapshot is its record (closing.md): never pruned
        for snapshot_id in doomed:
            db.execute("DELETE FROM snapshot_tabs WHERE snapshot_id = ?", (snapshot_id,))
            db.execute("DELETE FROM snapshots WHERE id = ?", (snapshot_id,))
        return len(doomed)

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


@dataclass
class PendingSnapshot:
    """A snapshot built and checked, not yet stored (see `History.recording`)."""

    history: History
    row: tuple[Any, ...]
    tabs: list[tuple[int, str, int, bytes]]
    taken_at: dt.datetime

    def insert(self, db: sqlite3.Connection) -> int:
        cursor = db.execute(
            "INSERT INTO snapshots (taken_at, source, as_of, fiscal_year, round, errors, warnings, results)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            self.row,
        )
        snapshot_id = int(cursor.lastrowid)  # type: ignore[arg-type]
        for position, title, data_rows, cells in self.tabs:
            db.execute(
                "INSERT INTO snapshot_tabs (snapshot_id, position, title, data_rows, cells) VALUES (?, ?, ?, ?, ?)",
                (snapshot_id, position, title, data_rows, cells),
            )
        self.history._prune(db, self.taken_at, spare=snapshot_id)
        return snapshot_id
