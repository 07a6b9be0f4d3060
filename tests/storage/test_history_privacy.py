"""Personal data at rest (rules.md "Personal data"): history keeps complainants only as a keyed
hash unless asked, is owner-only, is pruned, and a history that cannot be written stops a sync
before the workbook is touched. A scan of every output of a sync finds no personal data."""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import stat
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sheets_sync.cli.main import cli
from sheets_sync.config import HistoryPolicy
from sheets_sync.core.cells import Cell, CellKind, TabData
from sheets_sync.core.fiscal import resolve_period
from sheets_sync.storage import history as history_module
from sheets_sync.storage.history import History
from tests.conftest import AS_OF
from tests.conftest import office_config as config

MARK = re.compile(r"\[ปกปิด [0-9a-f]{16}\]")
PERSONAL_HEADERS = ("ผู้ร้อง", "เลขประจำตัวประชาชน", "โทรศัพท์")


@pytest.fixture
def workbook(demo_copy: Path) -> Path:
    """The seeded demo at 2026-03-31, a private copy (tmp_path/office.xlsx)."""
    return demo_copy


def sync(workbook: Path, tmp_path: Path, *extra: str):
    if not (tmp_path / "office.toml").exists():
        config(tmp_path)
    return CliRunner().invoke(cli, ["sync", "--workbook", str(workbook), "--as-of", AS_OF.isoformat(), "--out", str(tmp_path / "out"),
                                    "--config", str(tmp_path / "office.toml"), *extra])


def personal_values(workbook: Path) -> set[str]:
    sheet = openpyxl.load_workbook(workbook, read_only=True)["เรื่องร้องเรียน"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    columns = [rows[0].index(h) for h in PERSONAL_HEADERS]
    return {str(row[i]) for row in rows[1:] for i in columns if i < len(row) and row[i] not in (None, "")}


def db_text(path: Path) -> str:
    """Everything the database file holds, blobs decompressed."""
    parts = [path.read_bytes().decode("utf-8", "replace")]
    with sqlite3.connect(path) as db:
        for (blob,) in db.execute("SELECT cells FROM snapshot_tabs UNION ALL SELECT results FROM snapshots"):
            parts.append(zlib.decompress(blob).decode("utf-8"))
    return "\n".join(parts)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_history_holds_keyed_hashes_only_and_is_owner_only(workbook: Path, tmp_path: Path) -> None:
    previous = os.umask(0)  # even a careless umask gives an owner-only database
    try:
        assert sync(workbook, tmp_path).exit_code == 0
    finally:
        os.umask(previous)
    db = tmp_path / "history.sqlite"
    assert mode(db) == 0o600 and mode(db.with_name("history.sqlite.key")) == 0o600
    assert len(db.with_name("history.sqlite.key").read_bytes()) == 32
    assert not db.with_name("history.sqlite-journal").exists()
    text = db_text(db)
    values = personal_values(workbook)
    assert len(values) > 500
    assert [v for v in values if v in text] == []
    tabs = History(db).tabs(1)
    rows = tabs["เรื่องร้องเรียน"].rows
    columns = [[c.raw_text() for c in rows[0]].index(h) for h in PERSONAL_HEADERS]
    marked = [rows[r][i].value for r in range(1, len(rows)) for i in columns if i < len(rows[r]) and not rows[r][i].is_empty]
    assert marked and all(MARK.fullmatch(str(v)) for v in marked)


def test_the_same_value_gives_the_same_marker_and_a_change_shows(workbook: Path, tmp_path: Path) -> None:
    assert sync(workbook, tmp_path).exit_code == 0
    book = openpyxl.load_workbook(workbook)
    sheet = book["เรื่องร้องเรียน"]
    header = [c.value for c in sheet[1]]
    phone = header.index("โทรศัพท์") + 1
    sheet.cell(row=5, column=phone, value="089-999-0000")  # one phone corrected
    book.save(workbook)
    assert sync(workbook, tmp_path).exit_code == 0
    first, second = (History(tmp_path / "history.sqlite").tabs(i)["เรื่องร้องเรียน"].rows for i in (1, 2))
    changed = [(r, c) for r in range(1, len(first)) for c in range(len(first[r])) if first[r][c] != second[r][c]]
    assert changed == [(4, phone - 1)]


def test_keep_personal_data_true_keeps_them_in_clear(workbook: Path, tmp_path: Path) -> None:
    config(tmp_path, "[history]\nkeep_personal_data = true\n")
    assert sync(workbook, tmp_path).exit_code == 0
    restored = tmp_path / "restored.xlsx"
    result = CliRunner().invoke(cli, ["history", "--config", str(tmp_path / "office.toml"), "restore", "1", "--out", str(restored)])
    assert result.exit_code == 0, result.output
    assert personal_values(restored) == personal_values(workbook)
    assert not (tmp_path / "history.sqlite.key").exists()  # no key is needed then


def test_an_existing_world_readable_database_is_made_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite"
    sqlite3.connect(db).close()
    os.chmod(db, 0o644)
    History(db).ensure()
    assert mode(db) == 0o600


def _tab(value: str) -> dict[str, TabData]:
    return {"เรื่องร้องเรียน": TabData("เรื่องร้องเรียน", ((Cell(CellKind.TEXT, "ผู้ร้อง"),), (Cell(CellKind.TEXT, value),)))}


def _results() -> dict:
    return {"period": resolve_period(dt.date(2026, 3, 31)), "counts": (0, 0), "results": {"counts": {"errors": 0, "warnings": 0}}}


def test_retention_by_days_and_by_count(tmp_path: Path) -> None:
    tz = dt.timezone(dt.timedelta(hours=7))
    now = dt.datetime(2026, 12, 1, 2, 0, tzinfo=tz)
    store = History(tmp_path / "h.sqlite", HistoryPolicy(keep_days=400, keep_snapshots=3))
    old = store.record(taken_at=now - dt.timedelta(days=401), source="x", tabs=_tab("นายก"), **_results())
    kept = store.record(taken_at=now - dt.timedelta(days=399), source="x", tabs=_tab("นายข"), **_results())
    assert [s.id for s in store.list()] == [old, kept]  # 2 days apart: both within 400 days
    today = store.record(taken_at=now, source="x", tabs=_tab("นายค"), **_results())
    assert [s.id for s in store.list()] == [kept, today]  # the 401-day-old one went with today's record
    ids = [store.record(taken_at=now + dt.timedelta(minutes=i), source="x", tabs=_tab("นายค"), **_results()) for i in range(1, 4)]
    assert [s.id for s in store.list()] == ids  # only the newest 3
    with sqlite3.connect(store.path) as db:
        assert db.execute("SELECT COUNT(DISTINCT snapshot_id) FROM snapshot_tabs").fetchone()[0] == 3


def test_history_prune_command(workbook: Path, tmp_path: Path) -> None:
    for _ in range(3):
        assert sync(workbook, tmp_path, "--quiet").exit_code == 0
    result = CliRunner().invoke(cli, ["history", "--config", str(tmp_path / "office.toml"), "prune", "--keep-snapshots", "1"])
    assert result.exit_code == 0 and "ลบประวัติ 2 รายการ" in result.output
    assert [s.id for s in History(tmp_path / "history.sqlite").list()] == [3]


@pytest.mark.parametrize("damage", ["directory", "not-a-database", "locked"])
def test_a_history_that_cannot_be_written_stops_the_sync_before_the_workbook(workbook: Path, tmp_path: Path, damage: str, monkeypatch) -> None:
    db = tmp_path / "history.sqlite"
    holder = None
    if damage == "directory":
        db.mkdir()
    elif damage == "not-a-database":
        db.write_bytes(b"this is not an SQLite file" * 100)
    else:
        sqlite3.connect(db).close()
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        monkeypatch.setattr(history_module, "BUSY_TIMEOUT_SECONDS", 0.3)
    before = workbook.read_bytes()
    try:
        result = sync(workbook, tmp_path)
    finally:
        if holder is not None:
            holder.close()
    assert result.exit_code == 3, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "ประวัติ" in lines[0] and "Traceback" not in result.output
    assert workbook.read_bytes() == before
    assert not (tmp_path / "office.xlsx.bak").exists()
    assert not list((tmp_path / "out").glob("results-*.json"))


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as package:
        return "\n".join(package.read(n).decode("utf-8", "replace") for n in package.namelist() if n.endswith(".xml"))


def test_no_personal_data_in_any_output_of_the_demo(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", "--out", str(out), "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0, result.output
    workbook = out / "demo-workbook.xlsx"
    values = personal_values(workbook)
    assert len(values) > 500
    found: dict[str, list[str]] = {}
    book = openpyxl.load_workbook(workbook, read_only=True)
    from sheets_sync.schema.tabs import SUMMARY_TAB_TITLES

    summary = "\n".join(str(c.value) for t in SUMMARY_TAB_TITLES for row in book[t].iter_rows() for c in row if c.value is not None)
    texts = {"summary tabs": summary, "stdout/stderr": result.output, "history": db_text(out / "history.sqlite")}
    for path in out.rglob("*"):
        if path.suffix == ".docx":
            texts[path.name] = _docx_text(path)
        elif path.suffix in (".json", ".log"):
            texts[path.name] = path.read_text(encoding="utf-8")
    assert any(name.endswith(".docx") for name in texts) and "sheets-sync.log" in texts
    for name, text in texts.items():
        leaked = [v for v in values if v in text]
        if leaked:
            found[name] = leaked[:3]
    assert found == {}
    assert mode(out / "history.sqlite") == 0o600 and mode(out / "demo-workbook.xlsx.bak") == 0o600
