"""The default-deny scan (schema/personal.py) finds, column by column, exactly the cells that
`looks_personal` finds one by one: a column's texts searched as one text lose no hit."""

from __future__ import annotations

from sheets_sync.core.cells import EMPTY, Cell, CellKind, TabData
from sheets_sync.schema.personal import _personal_cells, looks_personal

TEXTS = [
    "โทร ๐๘๑-๒๓๔-๕๖๗๘ ช่วงเย็น",  # a phone number in Thai digits, inside other text
    "บัตร 1-1017-00230-70-8",  # a national id with dashes (valid check digit)
    "ผู้ร้อง 081 234 5678",
    "+66 81 234 5678",
    "เลขที่ 12345678",  # 8 digits: not a run of 9
    "123456789",  # 9 digits: neither a phone nor an id
    "ref 2569-0001\n2345",  # a line break inside a cell
    "C-2569-00012",
    "",
    "   ",
]
NUMBERS = [1101700230708, 1101700230709, 81234567, 2569]


def _tab(columns: list[list[Cell]]) -> TabData:
    height = max(map(len, columns))
    header = tuple(Cell(CellKind.TEXT, f"h{c}") for c in range(len(columns)))
    body = [tuple(col[r] if r < len(col) else EMPTY for col in columns) for r in range(height)]
    return TabData("t", (header, *body))


def test_the_column_scan_finds_what_the_cell_by_cell_scan_finds() -> None:
    text_cells = [Cell(CellKind.TEXT, t) for t in TEXTS]
    number_cells = [Cell(CellKind.NUMBER, n) for n in NUMBERS]
    columns = [
        text_cells * 3,  # hits among texts
        [Cell(CellKind.TEXT, f"เรื่องที่ {n}") for n in range(50)] + number_cells,  # numbers only
        [Cell(CellKind.TEXT, t) for t in ("สมุดงาน", "12-34", "1.2.3.4.5.6.7.8")] * 5,  # none
        [*text_cells[:2], Cell(CellKind.DATE, None), Cell(CellKind.PERCENT, 0.5), *number_cells],
    ]
    data = _tab(columns)
    expected = {(r, c) for r, row in enumerate(data.rows[1:], start=1) for c, cell in enumerate(row) if looks_personal(cell)}
    assert expected  # the tab has personal cells in text and in numbers
    assert {c for _, c in expected} == {0, 1, 3}
    assert _personal_cells(data, set()) == expected
    assert _personal_cells(data, {0}) == {(r, c) for r, c in expected if c != 0}
