"""Which workbook tab is which input tab, and which header is which column (workbook.md).

A tab or a header matches by its Thai name or English key, ignoring all whitespace and case.
Two tabs that both match one input tab are reported, never guessed between.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..core.cells import TabData
from .parsers import header_key
from .tabs import Column, Tab


def _names(tab: Tab) -> set[str]:
    return {header_key(tab.th), header_key(tab.key)}


def matching_tabs(tabs: Mapping[str, TabData], tab: Tab) -> list[TabData]:
    """Every tab of the workbook that matches `tab`, in workbook order (more than one is an error)."""
    wanted = _names(tab)
    return [data for title, data in tabs.items() if header_key(title) in wanted]


def input_titles(titles: Iterable[str], tabs: Iterable[Tab]) -> list[str]:
    """The titles among `titles` that are input tabs (so only those are read)."""
    wanted = {name for tab in tabs for name in _names(tab)}
    return [title for title in titles if header_key(title) in wanted]


def header_columns(tab: Tab) -> dict[str, Column]:
    """What a header cell is compared by -> its column."""
    by_key: dict[str, Column] = {}
    for col in tab.columns:
        by_key[header_key(col.th)] = col
        by_key[header_key(col.key)] = col
    return by_key
