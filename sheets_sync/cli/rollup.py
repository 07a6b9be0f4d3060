"""`rollup` and `rollup-report`: the ministry's view of every provincial office."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .edge import _note, today_in_bangkok
from .options import _period, load_context, open_backend_from, output_options, parse_date_option, period_options, workbook_options
from .thai import ThaiCommand


def _base_dir(workbook: str | None) -> Path:
    """Relative .xlsx sources are read from the ministry workbook's folder (the current one for a Sheet)."""
    return Path(workbook).resolve().parent if workbook else Path.cwd()


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
    from ..app.workbook import results_json
    from ..present.ministry_console import render_rollup

    settings, _ = load_context(config_path, out_dir=out_dir)
    backend = open_backend_from(settings, workbook, sheet_id, credentials)
    period = _period(settings, as_of, fiscal_year, round_months)
    outcome = run_rollup(backend, settings, period, out_dir=settings.out_dir, base_dir=_base_dir(workbook),
                         credentials=credentials or settings.workbook.credentials or None,
                         emulator_host=os.environ.get("SHEETS_EMULATOR_HOST") or None, force=force)
    rolled = outcome.rollup
    errors = sum(p.errors or 0 for p in rolled.provinces)
    _note(counts={"errors": errors + outcome.registry_errors, "warnings": sum(p.warnings or 0 for p in rolled.provinces)})
    for note in rolled.notes:  # the one warning (no Drive permission), even with --quiet
        click.echo(f"sheets-sync: คำเตือน: {note}", err=True)
    if as_json:
        click.echo(results_json(rolled.to_json()))
    elif not quiet:
        click.echo(render_rollup(outcome, backend.describe()))
    failed = bool(rolled.failed) or errors > 0 or outcome.registry_errors > 0
    sys.exit(1 if strict and failed else 0)


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
    import json

    from ..app.rollup import run_rollup_report

    settings, _ = load_context(config_path, out_dir=out_dir)
    backend = open_backend_from(settings, workbook, sheet_id, credentials)
    period = _period(settings, as_of, fiscal_year, round_months)
    rolled, path = run_rollup_report(backend, settings, period, out_dir=settings.out_dir, base_dir=_base_dir(workbook),
                                     memo_date=memo_date or today_in_bangkok(),
                                     credentials=credentials or settings.workbook.credentials or None,
                                     emulator_host=os.environ.get("SHEETS_EMULATOR_HOST") or None)
    for note in rolled.notes:
        click.echo(f"sheets-sync: คำเตือน: {note}", err=True)
    if as_json:
        click.echo(json.dumps({"report": str(path), "fiscal_year": period.fiscal_year, "round": period.round}, ensure_ascii=False))
    elif not quiet:
        counts = rolled.counts
        click.echo(f"เขียนบันทึกข้อความถึงปลัดกระทรวงมหาดไทย รอบ {period.round} เดือน ปีงบประมาณ {period.fiscal_year} "
                   f"(ได้รับข้อมูล {counts['ok']} จังหวัด ยังไม่ได้รับ {counts['failed']}): {path}")
