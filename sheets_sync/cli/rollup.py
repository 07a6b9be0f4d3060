"""`rollup` and `rollup-report`: the ministry's view of every provincial office."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from ..config import Settings
from .options import (
    load_context,
    open_backend_from,
    output_options,
    parse_date_option,
    period_of,
    period_options,
    today_in_bangkok,
    workbook_options,
)
from .render import show
from .thai import ThaiCommand


def _sources(settings: Settings, workbook: str | None, credentials: str | None) -> dict[str, Any]:
    """Where the provinces' workbooks are found: relative .xlsx sources from the ministry
    workbook's folder (the current one for a Sheet), Sheets with the key and the emulator."""
    return {
        "base_dir": Path(workbook).resolve().parent if workbook else Path.cwd(),
        "credentials": credentials or settings.workbook.credentials or None,
        "emulator_host": os.environ.get("SHEETS_EMULATOR_HOST") or None,
    }


@click.command(cls=ThaiCommand)
@workbook_options
@period_options
@output_options
@click.option("--force", is_flag=True, help="เขียนทับแท็บสรุปชื่อเดียวกันที่ sheets-sync ไม่ได้สร้าง")
@click.option("--strict", is_flag=True,
              help="จบด้วยรหัส 1 เมื่อมีจังหวัดที่อ่านไม่ได้ จังหวัดที่มีข้อผิดพลาดในข้อมูล หรือทะเบียนจังหวัดมีข้อผิดพลาด")
def rollup(config_path, workbook, sheet_id, credentials, debug, as_of, fiscal_year, round_months, as_json, out_dir, quiet, force, strict):
    """รวมผลของสำนักงานจังหวัดทุกจังหวัดในทะเบียน (แท็บ จังหวัด) ลงสมุดงานของกระทรวง

    อ่านสมุดงานของทุกจังหวัดที่ใช้งาน คำนวณแบบเดียวกับ sync ด้วยค่าตั้งของกระทรวง ณ วันที่เดียวกัน
    เขียนแท็บสรุปของสมุดงานกระทรวงและ <out>/rollup-FY<fy>-R<round>.json ไม่เขียนอะไรลงสมุดงานของจังหวัด
    จังหวัดที่อ่านไม่ได้จะแสดงพร้อมเหตุผล และไม่ถูกนับเป็นศูนย์

    \b
    ตัวอย่าง:
        sheets-sync rollup --workbook ministry.xlsx --as-of 31/03/2569
        sheets-sync rollup --sheet-id 1AbC... --credentials key.json --quiet
    """
    from ..app.rollup import run_rollup

    settings, _ = load_context(config_path, out_dir=out_dir)
    backend = open_backend_from(settings, workbook, sheet_id, credentials)
    period = period_of(settings, as_of, fiscal_year, round_months)
    show(run_rollup(backend, settings, period, **_sources(settings, workbook, credentials), force=force, strict=strict),
         as_json=as_json, quiet=quiet)


@click.command("rollup-report", cls=ThaiCommand)
@workbook_options
@period_options
@output_options
@click.option("--date", "memo_date", callback=parse_date_option, metavar="วันที่",
              help="วันที่ของบันทึกข้อความ (ค่าเริ่มต้น: วันนี้ตามเวลาประเทศไทย) ต่างจากวันที่ของข้อมูล (--as-of)")
def rollup_report(config_path, workbook, sheet_id, credentials, debug, as_of, fiscal_year, round_months, as_json, out_dir, quiet, memo_date):
    """จัดทำบันทึกข้อความรายงานผลของสำนักงานจังหวัดทุกจังหวัดถึงปลัดกระทรวงมหาดไทย (.docx)

    ไฟล์คือ <out>/rollup-FY<fy>-R<round>.docx จากแม่แบบ templates/rollup_memo.docx
    ตัวเลขเป็นข้อมูล ณ --as-of คำนวณแบบเดียวกับ rollup (ไม่เขียนสมุดงานใด)
    ต้องตั้งชื่อหน่วยงาน ผู้ลงนาม และเลขที่หนังสือในไฟล์ค่าตั้งก่อน

    \b
    ตัวอย่าง:
        sheets-sync rollup-report --workbook ministry.xlsx --as-of 31/03/2569 --date 10/04/2569
    """
    from ..app.rollup import run_rollup_report

    settings, _ = load_context(config_path, out_dir=out_dir)
    backend = open_backend_from(settings, workbook, sheet_id, credentials)
    period = period_of(settings, as_of, fiscal_year, round_months)
    outcome = run_rollup_report(backend, settings, period, **_sources(settings, workbook, credentials),
                                memo_date=memo_date or today_in_bangkok())
    show(outcome, as_json=as_json, quiet=quiet)
