"""History's fast paths (each distinct cell hashed and encoded once) store exactly what the plain
cell-by-cell forms would: the same JSON text, the same markers, the same row counts."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import unicodedata
import zlib
from pathlib import Path

from sheets_sync.core.cells import Cell, CellKind, TabData
from sheets_sync.core.fiscal import resolve_period
from sheets_sync.schema.personal import Hidden
from sheets_sync.storage import history as history_module
from sheets_sync.storage.history import History

SHARED_TEXT = Cell(CellKind.TEXT, "สมชาย  ใจดี")
CELLS = [
    SHARED_TEXT,
    Cell(CellKind.TEXT, 'quote " backslash \\ newline \n tab \t control \x01 \u2028 ข'),
    Cell(CellKind.TEXT, "ｆｕｌｌ　ｗｉｄｔｈ ๐๘๑-๒๓๔-๕๖๗๘"),
    Cell(CellKind.TEXT, "   "),
    Cell(CellKind.EMPTY),
    Cell(CellKind.NUMBER, 1),
    Cell(CellKind.NUMBER, 1.5),
    Cell(CellKind.NUMBER, 3101700123456),
    Cell(CellKind.NUMBER, float("nan")),
    Cell(CellKind.PERCENT, 0.45),
    Cell(CellKind.BOOL, True),
    Cell(CellKind.DATE, dt.datetime(2026, 3, 31)),
    Cell(CellKind.DATE, dt.datetime(2026, 3, 31, 9, 30, 5)),
    Cell(CellKind.ERROR, "#DIV/0!"),
]


def _rows() -> tuple[tuple[Cell, ...], ...]:
    """Rows of every kind of cell, some shared between rows (as a reader does), some equal but
    separate objects (as another backend may give), rows of different widths, blank rows."""
    header = tuple(Cell(CellKind.TEXT, f"h{i}") for i in range(5))
    body = []
    for n in range(40):
        row = [CELLS[(n + i) % len(CELLS)] for i in range(5)]
        if n % 3 == 0:
            row = [Cell(c.kind, c.value) for c in row]  # equal values, other objects
        body.append(tuple(row[: 2 + n % 4]))
    body += [(), (Cell(CellKind.EMPTY), Cell(CellKind.TEXT, " ")), (SHARED_TEXT,)]
    return (header, *body)


def _plain_json(rows) -> str:
    encoded = [[history_module._encode_cell(c) for c in row] for row in rows]
    return json.dumps(encoded, ensure_ascii=False, separators=(",", ":"))


def test_packed_rows_are_the_json_of_every_cell_encoded_one_by_one() -> None:
    rows = _rows()
    assert zlib.decompress(history_module._pack_rows(rows)).decode() == _plain_json(rows)
    # and each distinct cell's text is what json.dumps gives for it
    for cell in CELLS:
        assert history_module._cell_json(cell) == json.dumps(history_module._encode_cell(cell), ensure_ascii=False, separators=(",", ":"))


def _marker(key: bytes, cell: Cell) -> Cell:
    """The marker of one personal cell, written out from the module docstring's definition."""
    text = unicodedata.normalize("NFKC", cell.raw_text())
    text = " ".join(text.replace("\u200b", " ").split())
    digest = hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()[:16]
    return Cell(CellKind.TEXT, f"[ปกปิด {digest}]")


def test_protect_hashes_every_hidden_cell_as_it_would_one_by_one(tmp_path: Path) -> None:
    history = History(tmp_path / "history.sqlite")
    key = b"k" * 32
    history.key_file.write_bytes(key)
    rows = _rows()
    hidden = Hidden(frozenset({0, 3}), frozenset({(1, 1), (5, 2), (7, 4), (40, 1)}))
    kept = history.protect(TabData("t", rows), hidden)
    assert kept.rows[0] == rows[0]
    for r, (before, after) in enumerate(zip(rows[1:], kept.rows[1:]), start=1):
        assert len(after) == len(before)
        for c, (cell, stored) in enumerate(zip(before, after)):
            is_hidden = c in hidden.columns or (r, c) in hidden.cells
            assert stored == (_marker(key, cell) if is_hidden and not cell.is_empty else cell), (r, c)
    # a tab whose equal values are all separate objects is stored the same
    copies = tuple(tuple(Cell(c.kind, c.value) for c in row) for row in rows)
    assert history.protect(TabData("t", copies), hidden).rows == kept.rows


def test_prepare_counts_the_non_blank_rows(tmp_path: Path) -> None:
    history = History(tmp_path / "history.sqlite")
    rows = _rows()
    pending = history.prepare(taken_at=dt.datetime(2026, 3, 31, 9), source="t", period=resolve_period(dt.date(2026, 3, 31)),
                              counts=(0, 0), tabs={"t": TabData("t", rows)}, results={})
    expected = sum(1 for row in rows[1:] if any(not c.is_empty for c in row))
    assert pending.tabs[0][2] == expected
    assert zlib.decompress(pending.tabs[0][3]).decode() == _plain_json(rows)
