"""Backends: where the workbook lives (an .xlsx file, or a Google Sheet)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import ConfigError
from .base import WorkbookRef

if TYPE_CHECKING:
    from ..config import Settings
    from .base import Backend

_SHEET_URL = re.compile(r"/spreadsheets/d/([a-zA-Z0-9-_]+)")


def sheet_id_from(value: str) -> str:
    """A spreadsheet id, from the id itself or a full Google Sheets URL."""
    match = _SHEET_URL.search(value)
    sheet_id = match[1] if match else value.strip()
    if not re.fullmatch(r"[a-zA-Z0-9-_]{10,}", sheet_id):
        raise ConfigError(f"{{sheet_id}} ไม่ใช่รหัส Google Sheet ที่ถูกต้อง: {value!r} — คัดลอกรหัสจาก URL ระหว่าง /d/ กับ /edit")
    return sheet_id


def workbook_ref(settings: Settings, *, workbook: str | None = None, sheet_id: str | None = None) -> WorkbookRef:
    """The workbook the options (or else the config) name: a file wins over a Sheet."""
    if workbook and sheet_id:
        raise ConfigError("ระบุ {workbook} หรือ {sheet_id} อย่างใดอย่างหนึ่ง ไม่ใช่ทั้งสอง")
    if not workbook and not sheet_id:
        workbook, sheet_id = settings.workbook.path or None, settings.workbook.sheet_id or None
    if workbook:
        return WorkbookRef(path=Path(workbook))
    if sheet_id:
        return WorkbookRef(sheet_id=sheet_id_from(sheet_id))
    raise ConfigError("ไม่ได้ระบุสมุดงาน — ใช้ {workbook} ไฟล์.xlsx หรือ {sheet_id} รหัส (หรือกำหนดใน [workbook] ของค่าตั้ง)")


def open_backend(
    settings: Settings,
    ref: WorkbookRef,
    *,
    credentials: str | None = None,
    emulator_host: str | None = None,
) -> Backend:
    """The backend of the workbook `ref` names (see `workbook_ref`), every failure translated."""
    from .boundary import Guarded, check_regular_file

    if ref.path is not None:
        from .xlsx.backend import XlsxBackend

        if not str(ref.path).lower().endswith((".xlsx", ".xlsm")):
            raise ConfigError(f"{{workbook}} ต้องเป็นไฟล์ .xlsx: {ref.path}")
        check_regular_file(ref.path)  # a FIFO named .xlsx is never opened
        return Guarded(XlsxBackend(ref.path))
    from .gsheets.backend import GoogleSheetsBackend

    return Guarded(GoogleSheetsBackend.connect(
        str(ref.sheet_id), credentials or settings.workbook.credentials or None, emulator_host=emulator_host or None
    ))
