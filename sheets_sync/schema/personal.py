"""What history must never keep in clear (rules.md "Personal data"): default deny.

- In any input tab, a column whose header is a personal-data column (complainant, national ID,
  phone) is hidden.
- In the complaints tab, every column that is not recognised as one of its non-personal columns
  is hidden too: a merged header, a misspelt one, an empty one over data, an extra column, a
  second column with a header already used.
- Anywhere, a cell that holds a national ID (13 digits with a valid check digit) or a Thai phone
  number is hidden, wherever it stands.

`hidden_cells` says which; `storage`/history does the hashing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from operator import itemgetter

from ..core.cells import EMPTY, Cell, CellKind, TabData
from ..core.thai_dates import to_ascii_digits
from .matching import header_columns, matching_tabs
from .parsers import cell_text, header_key, is_valid_national_id
from .tabs import Tab

# A Thai phone number: 0 or +66, then 8 or 9 digits (landline 02-123-4567, mobile 081-234-5678),
# single spaces, dashes or dots between groups; not part of a longer run of digits.
_PHONE = re.compile(r"(?<![\d+])(?:\+66|0)[-. ]?[1-9](?:[-. ]?\d){7,8}(?![\d])")
_ID_CANDIDATE = re.compile(r"(?<!\d)\d(?:[- ]?\d){12}(?!\d)")
_THAI_DIGITS = re.compile("[\u0e50-\u0e59]")
_DIGIT_RUN = re.compile(r"\d(?:[-. ]?\d){8}")


@dataclass(frozen=True)
class Hidden:
    """What of one tab is kept only as a keyed hash: whole columns, and single cells (row, column)
    as indexes into `TabData.rows`."""

    columns: frozenset[int] = frozenset()
    cells: frozenset[tuple[int, int]] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.columns or self.cells)


def looks_personal(cell: Cell) -> bool:
    """A cell holding a national ID or a Thai phone number (alone or inside other text)."""
    if cell.kind is CellKind.NUMBER:
        value = cell.value
        return isinstance(value, int) and 10**12 <= value < 10**13 and is_valid_national_id(str(value))
    if cell.kind is not CellKind.TEXT:
        return False
    text = str(cell.value)
    if _THAI_DIGITS.search(text):
        text = to_ascii_digits(text)
    if not _DIGIT_RUN.search(text):  # no run of 9 digits (separators allowed): the common case
        return False
    if _PHONE.search(text):
        return True
    return any(is_valid_national_id(m[0]) for m in _ID_CANDIDATE.finditer(text))


def _recognised(tab: Tab, data: TabData) -> set[int]:
    """The columns of `data` read as one of `tab`'s non-personal columns (first header wins)."""
    header = data.rows[0] if data.rows else ()
    by_key = header_columns(tab)
    merged = {i for first, last in data.merged_headers for i in range(first, last + 1)}
    seen: set[str] = set()
    found: set[int] = set()
    for index, cell in enumerate(header):
        if index in merged or cell.is_empty:
            continue
        col = by_key.get(header_key(cell_text(cell)))
        if col is None or col.key in seen:
            continue
        seen.add(col.key)
        if not col.personal:
            found.add(index)
    return found


def hidden_cells(tabs: Mapping[str, TabData], schema: Iterable[Tab], *, deny_unknown: str = "complaints") -> dict[str, Hidden]:
    """Per tab title, what history keeps only hashed (see the module docstring)."""
    schema = list(schema)
    personal_names = {header_key(n) for t in schema for c in t.columns if c.personal for n in (c.th, c.key)}
    denied: dict[str, Tab] = {}
    for tab in schema:
        if tab.key == deny_unknown:
            for data in matching_tabs(tabs, tab):
                denied[data.title] = tab
    out: dict[str, Hidden] = {}
    for title, data in tabs.items():
        header = data.rows[0] if data.rows else ()
        columns = {i for i, cell in enumerate(header) if not cell.is_empty and header_key(cell.raw_text()) in personal_names}
        if title in denied:
            width = max(map(len, data.rows), default=0)
            keep = _recognised(denied[title], data)
            columns.update(i for i in range(width) if i not in keep)
        cells = _personal_cells(data, columns)
        if columns or cells:
            out[title] = Hidden(frozenset(columns), frozenset(cells))
    return out


def _personal_cells(data: TabData, skip: set[int]) -> set[tuple[int, int]]:
    """(row, column) of the body cells outside `skip` that hold a national ID or a phone number.
    Column by column; a reader shares one Cell between equal values, so each distinct cell is
    looked at once, and a column whose texts hold no run of 9 digits is searched once, as one
    text."""
    body = data.rows[1:]
    width = max(map(len, body), default=0)
    verdict: dict[int, bool] = {}
    found: set[tuple[int, int]] = set()
    for c in range(width):
        if c in skip:
            continue
        try:
            column = list(map(itemgetter(c), body))
        except IndexError:  # some rows end before this column
            column = [row[c] if c < len(row) else EMPTY for row in body]
        ids = list(map(id, column))
        distinct = dict(zip(ids, column))
        candidates: Iterable[tuple[int, Cell]] = distinct.items()
        if not _DIGIT_RUN.search("\n".join([str(c.value) for c in distinct.values() if c.kind is CellKind.TEXT])):
            # No text of the column holds a run of 9 digits (the test looks_personal makes first;
            # a run never spans the line breaks between the texts, and Thai digits are digits
            # before and after to_ascii_digits): only its other cells (numbers) may be personal.
            candidates = [(k, c) for k, c in candidates if c.kind is not CellKind.TEXT]
        hits = set()
        for key, cell in candidates:
            personal = verdict.get(key)
            if personal is None:
                personal = verdict[key] = looks_personal(cell)
            if personal:
                hits.add(key)
        if hits:
            found.update((r, c) for r, key in enumerate(ids, start=1) if key in hits)
    return found
