"""The one small protocol every backend implements.

Read the input tabs as typed cells, in one go; write the summary tabs, in one go, only where the
tool owns them; create missing input tabs for `init`. Nothing above this layer knows whether
it talks to an .xlsx file or to Google Sheets.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..core.cells import TabData
from ..core.errors import OwnershipError, printable
from ..core.grid import SummaryTab

OWNER_KEY = "sheets-sync"  # developer metadata key (Sheets) / custom property prefix (xlsx)


@dataclass(frozen=True)
class InputColumnSpec:
    header: str  # the Thai header
    choices: tuple[str, ...] = ()  # dropdown values (enum columns)
    is_date: bool = False  # date validation
    note: str | None = None  # a hint shown on the header cell
    width: int = 16
    is_text: bool = False  # id / ref / text columns: formatted as text, so `007` stays `007`


# The help text `init` puts on its dropdowns and date columns (shown when a cell is selected).
DATE_HELP = "วันที่ เช่น 31/03/2569, 31 มี.ค. 2569 หรือ 2026-03-31 (ปีที่เกิน 2400 คือ พ.ศ.)"


def dropdown_help(choices: tuple[str, ...]) -> str:
    """`เลือกจากรายการ: …` (Excel keeps a prompt to 255 characters)."""
    text = "เลือกจากรายการ: " + ", ".join(choices)
    return text if len(text) <= 250 else "เลือกจากรายการในช่องนี้"


@dataclass(frozen=True)
class InputTabSpec:
    title: str
    columns: tuple[InputColumnSpec, ...]


@dataclass(frozen=True)
class WorkbookRef:
    """Which workbook: an .xlsx file or a Google Sheet; the one place its names are worked out."""

    path: Path | None = None
    sheet_id: str | None = None

    @property
    def name(self) -> str:
        """What names it on every machine: the Sheet's id, or the file's name (calendar UIDs)."""
        return self.sheet_id if self.sheet_id else (self.path.name if self.path else "")

    @property
    def url(self) -> str:
        """A link to the Google Sheet ("" for a file)."""
        return f"https://docs.google.com/spreadsheets/d/{self.sheet_id}/edit" if self.sheet_id else ""

    @property
    def log_key(self) -> str:
        """How the run log names it: the resolved path of the file, or `sheet:<id>`."""
        if self.path is not None:
            return printable(os.path.realpath(os.path.expanduser(self.path)))
        return f"sheet:{self.sheet_id}" if self.sheet_id else ""


class Backend(Protocol):
    """Where the workbook lives."""

    @property
    def ref(self) -> WorkbookRef:
        """Which workbook this is."""
        ...

    def describe(self) -> str:
        """A short human name: the file path or the spreadsheet's title and id."""
        ...

    def tab_titles(self) -> list[str]:
        """Every tab's title, in workbook order."""
        ...

    def read_tabs(self, titles: Sequence[str]) -> dict[str, TabData]:
        """The named tabs as typed cells, read in one go."""
        ...

    def owned_tabs(self) -> set[str]:
        """Titles of the tabs this tool created (and may rewrite)."""
        ...

    def write_summary_tabs(self, tabs: Sequence[SummaryTab], *, force: bool = False) -> None:
        """Replace (or add) the given summary tabs atomically; touch nothing else.

        Raises OwnershipError, with nothing written, when a tab of that title exists that the
        tool did not create and `force` is false.
        """
        ...

    def create_input_tabs(self, specs: Sequence[InputTabSpec]) -> list[str]:
        """Add the input tabs that do not exist yet; return the titles created."""
        ...


def check_ownership(existing: Sequence[str], owned: set[str], wanted: Sequence[str], force: bool) -> None:
    """Refuse to overwrite a same-named tab the tool did not create."""
    foreign = [t for t in wanted if t in existing and t not in owned]
    if foreign and not force:
        names = ", ".join(foreign)
        raise OwnershipError(
            f"แท็บ {names} มีอยู่แล้วแต่ไม่ได้สร้างโดย sheets-sync — ไม่ได้เขียนทับ "
            f"(เปลี่ยนชื่อแท็บนั้น หรือใช้ {{force}} ถ้าต้องการให้ sheets-sync เขียนแทน)"
        )
