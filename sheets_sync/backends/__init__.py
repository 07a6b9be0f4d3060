"""Backends: where the workbook lives (an .xlsx file, or a Google Sheet)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..core.errors import ConfigError

if TYPE_CHECKING:
    from ..config import Settings
    from .base import Backend

_SHEET_URL = re.compile(r"/spreadsheets/d/([a-zA-Z0-9-_]+)")


def sheet_id_from(value: str) -> str:
    """A spreadsheet id, from the id itself or a full Google Sheets URL."""
    match = _SHEET_URL.search(value)
    sheet_id = match[1] if match else value.strip()
    if not re.fullmatch(r"[a-zA-Z0-9-_]{10,}", sheet_id):
        raise ConfigError(f"--sheet-id ไม่ใช่รหัส Google Sheet ที่ถูกต้อง: {value!r} — คัดลอกรหัสจาก URL ระหว่าง /d/ กับ /edit")
    return sheet_id


def open_backend(
    settings: Settings,
    *,
    workbook: str | None = None,
    sheet_id: str | None = None,
    credentials: str | None = None,
    creating: bool = False,
    emulator_host: str | None = None,
) -> Backend:
    """The backend the options (or the config) name: --workbook wins, then --sheet-id."""
    if workbook and sheet_id:
        raise ConfigError("ระบุ --workbook หรือ --sheet-id อย่างใดอย่างหนึ่ง ไม่ใช่ทั้งสอง")
    if not workbook and not sheet_id:
        workbook, sheet_id = settings.workbook.path or None, settings.workbook.sheet_id or None
    from .boundary import Guarded, check_regular_file

    if workbook:
        from pathlib import Path

        from .xlsx.backend import XlsxBackend

        if not workbook.lower().endswith((".xlsx", ".xlsm")):
            raise ConfigError(f"--workbook ต้องเป็นไฟล์ .xlsx: {workbook}")
        check_regular_file(Path(workbook))  # a FIFO named .xlsx is never opened
        return Guarded(XlsxBackend(workbook))
    if sheet_id:
        from .gsheets.backend import GoogleSheetsBackend

        return Guarded(GoogleSheetsBackend.connect(
            sheet_id_from(sheet_id), credentials or settings.workbook.credentials or None, emulator_host=emulator_host or None
        ))
    raise ConfigError("ไม่ได้ระบุสมุดงาน — ใช้ --workbook ไฟล์.xlsx หรือ --sheet-id รหัส (หรือกำหนดใน [workbook] ของค่าตั้ง)")
