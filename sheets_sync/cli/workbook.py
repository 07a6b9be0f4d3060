"""`validate`, `init` and `sync`."""

from __future__ import annotations

import click

from ..core.thai_dates import now_in_bangkok
from .options import load_context, open_backend_from, output_options, period_of, period_options, workbook_options
from .render import show
from .thai import ThaiCommand


@click.command(cls=ThaiCommand)
@workbook_options
@period_options
@output_options
@click.option("--errors-only", is_flag=True, help="แสดงเฉพาะข้อผิดพลาด (ไม่แสดงคำเตือน)")
def validate(config_path, workbook, sheet_id, credentials, debug, as_of, fiscal_year, round_months, as_json, out_dir, quiet, errors_only):
    """อ่านแท็บข้อมูลและแสดงปัญหาทุกรายการพร้อมเซลล์ที่ต้องแก้ โดยไม่เขียนอะไรลงสมุดงาน

    จบด้วยรหัส 1 เมื่อพบข้อผิดพลาด (มีแต่คำเตือนจบด้วยรหัส 0)

    \b
    ตัวอย่าง:
        sheets-sync validate --workbook office.xlsx
        sheets-sync validate --workbook office.xlsx --errors-only
        sheets-sync validate --workbook office.xlsx --json > issues.json
    """
    from ..app.workbook import run_validate

    settings, _ = load_context(config_path, out_dir=out_dir)
    backend = open_backend_from(settings, workbook, sheet_id, credentials)
    period = period_of(settings, as_of, fiscal_year, round_months)
    show(run_validate(backend, settings, period), as_json=as_json, quiet=quiet, errors_only=errors_only)


@click.command(cls=ThaiCommand)
@workbook_options
@click.option("--ministry", is_flag=True, help="สมุดงานของกระทรวง: สร้างแท็บทะเบียนจังหวัด (จังหวัด) สำหรับคำสั่ง rollup")
def init(config_path, workbook, sheet_id, credentials, debug, ministry):
    """สร้างสมุดงานใหม่ หรือเพิ่มแท็บข้อมูลที่ยังไม่มีในสมุดงานเดิม

    หัวตาราง รายการให้เลือก วันที่ที่ตรวจได้ แถวหัวตารางตรึงไว้ และคอลัมน์รหัส/ข้อความ
    จัดรูปแบบเป็นข้อความ (รหัส 007 ไม่กลายเป็น 7) แท็บที่มีอยู่แล้วจะไม่ถูกแตะ
    และสร้างไฟล์ค่าตั้ง config/office.toml ถ้ายังไม่มี

    \b
    ตัวอย่าง:
        sheets-sync init --workbook office.xlsx
        sheets-sync init --sheet-id 1AbC... --credentials key.json
        sheets-sync init --ministry --workbook ministry.xlsx
    """
    from ..app.workbook import run_init

    settings, path = load_context(config_path)
    backend = open_backend_from(settings, workbook, sheet_id, credentials)
    show(run_init(backend, settings, path, ministry=ministry))


@click.command(cls=ThaiCommand)
@workbook_options
@period_options
@output_options
@click.option("--force", is_flag=True, help="เขียนทับแท็บสรุปชื่อเดียวกันที่ sheets-sync ไม่ได้สร้าง")
@click.option("--strict", is_flag=True, help="จบด้วยรหัส 1 เมื่อพบข้อผิดพลาดในข้อมูล (สำหรับงานตั้งเวลา)")
def sync(config_path, workbook, sheet_id, credentials, debug, as_of, fiscal_year, round_months, as_json, out_dir, quiet, force, strict):
    """ตรวจสอบ คำนวณ และเขียนแท็บสรุปทั้งหกใหม่ บันทึกผลเป็น JSON และเก็บประวัติ

    เขียนเฉพาะแท็บสรุปของโปรแกรมเองในครั้งเดียว ไม่แก้แท็บที่เจ้าหน้าที่กรอก
    จบด้วยรหัส 0 แม้มีปัญหาในข้อมูล (ดูได้ที่แท็บ ตรวจสอบข้อมูล) เว้นแต่ใช้ --strict

    \b
    ตัวอย่าง:
        sheets-sync sync --workbook office.xlsx --as-of 31/03/2569
        sheets-sync sync --sheet-id 1AbC... --credentials key.json --strict --quiet
    """
    from ..app.sync import run_sync

    settings, _ = load_context(config_path, out_dir=out_dir)
    backend = open_backend_from(settings, workbook, sheet_id, credentials)
    period = period_of(settings, as_of, fiscal_year, round_months)
    show(run_sync(backend, settings, period, now=now_in_bangkok(), force=force, strict=strict), as_json=as_json, quiet=quiet)
