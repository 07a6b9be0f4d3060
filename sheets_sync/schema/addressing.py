"""A1 addressing of sheet cells (0-based column index, the sheet's own 1-based row)."""

from __future__ import annotations


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def a1(col_index: int, row_number: int) -> str:
    return f"{column_letter(col_index)}{row_number}"
