"""The ministry's workbook (ministry.md): its one input tab `จังหวัด`, declared like every tab.

A province's `สมุดงาน` names its office's workbook: a Google Sheet (its id or URL) or an .xlsx
path. `parse_source` is the one reading of that cell, so the duplicate check, the roll-up and
the summary tabs agree on what a source is.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from ..core.vocabulary import PROVINCE_ACTIVE
from .tabs import ColType, Column, Tab

PROVINCES = Tab(
    "จังหวัด",
    "provinces",
    (
        Column("จังหวัด", "province", ColType.ID, required=True),
        Column("ภาค", "region", ColType.TEXT),
        Column("สมุดงาน", "source", ColType.TEXT, required=True),
        Column("ชื่อสำนักงาน", "office_name", ColType.TEXT),
        Column("ผู้ประสานงาน", "contact", ColType.TEXT),
        Column("อีเมล", "email", ColType.TEXT),
        Column("ใช้งาน", "active", ColType.ENUM, choices=PROVINCE_ACTIVE, default="yes"),
    ),
    required=True,
    description="ทะเบียนสำนักงานจังหวัดที่ติดตาม (สมุดงานของแต่ละจังหวัด)",
)


def ministry_tabs() -> tuple[Tab, ...]:
    """The input tabs of a ministry workbook (`init --ministry` creates them)."""
    return (PROVINCES,)


# The ministry workbook's summary tabs (ministry.md), in the order they are written.
MINISTRY_SUMMARY_TITLES = (
    "สรุประดับประเทศ",
    "สรุปรายจังหวัด",
    "อันดับจังหวัด",
    "การอ่านข้อมูลจังหวัด",
    "ตรวจสอบข้อมูล",
)

_SHEET_URL = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]{10,})")
_SHEET_ID = re.compile(r"[A-Za-z0-9_-]{25,}")


@dataclass(frozen=True)
class Source:
    """Where a province's workbook is: `kind` is `sheet` (value: the spreadsheet id) or `xlsx`
    (value: the path as written, relative to the ministry workbook's folder)."""

    kind: str
    value: str

    @property
    def key(self) -> tuple[str, str]:
        """What two registry rows are compared by: the same Sheet by id, a path by its normal form."""
        if self.kind == "sheet":
            return (self.kind, self.value)
        return (self.kind, posixpath.normpath(self.value.replace("\\", "/")).casefold())

    @property
    def url(self) -> str:
        """The Sheet's address (a link in the summary tabs); "" for a file."""
        return f"https://docs.google.com/spreadsheets/d/{self.value}/edit" if self.kind == "sheet" else ""


def parse_source(text: str) -> Source:
    """`https://docs.google.com/spreadsheets/d/<id>/edit…` or a bare id → a Sheet; anything else
    is a file path (`.xlsx`)."""
    text = text.strip()
    match = _SHEET_URL.search(text)
    if match:
        return Source("sheet", match.group(1))
    if _SHEET_ID.fullmatch(text) and not text.lower().endswith(".xlsx"):
        return Source("sheet", text)
    return Source("xlsx", text)
