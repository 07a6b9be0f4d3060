"""The tool's own SQLite file (history snapshots, the reminders' send ledger): one way to open it.

Created owner-only (it can hold staff names and, by opt-in, complainants' data), never through a
symlink; pragmas set; every failure one Thai line (a WorkbookError: exit 3, nothing changed).
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..core.errors import WorkbookError


def _owner_only_file(path: Path) -> None:
    """Create `path` empty and 0600 if absent (never through a symlink); make it 0600 if present."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except FileExistsError:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode) and stat.S_IMODE(os.fstat(fd).st_mode) != 0o600:
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


@contextmanager
def open_database(path: str | Path, schema: str = "", *, timeout: float = 30.0) -> Iterator[sqlite3.Connection]:
    """A connection to the tool's SQLite file: created owner-only, `schema` applied, closed after.

    Every failure (cannot create, locked past `timeout`, not a database) is a WorkbookError."""
    path = Path(path)
    try:
        _owner_only_file(path)
        for side in ("-journal", "-wal", "-shm"):
            extra = path.with_name(path.name + side)
            if extra.exists() and not extra.is_symlink():
                os.chmod(extra, 0o600)
        connection = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    except (OSError, sqlite3.Error) as err:
        raise WorkbookError(f"เปิดฐานข้อมูลประวัติ {path} ไม่ได้: {getattr(err, 'strerror', None) or err} — ตรวจสิทธิ์และพื้นที่ดิสก์ (ไม่ได้เปลี่ยนแปลงอะไร)") from err
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA secure_delete = ON")
        if schema:
            connection.executescript(schema)
        yield connection
    except sqlite3.Error as err:
        raise WorkbookError(f"ฐานข้อมูลประวัติ {path} ใช้ไม่ได้: {err} (ไม่ได้เปลี่ยนแปลงอะไร)") from err
    finally:
        connection.close()
