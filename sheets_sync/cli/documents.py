"""`report`, `sop` and `calendar`."""

from __future__ import annotations

import click

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


@click.command(cls=ThaiCommand)
@workbook_options
@period_options
@output_options
@click.option("--date", "memo_date", callback=parse_date_option, metavar="วันที่",
              help="วันที่ของบันทึกข้อความ (ค่าเริ่มต้น: วันนี้ตามเวลาประเทศไทย) ต่างจากวันที่ของข้อมูล (--as-of); "
                   "พิมพ์ได้แบบเดียวกับ --as-of เช่น 5/10/2569")
@click.option("--live", is_flag=True, help="รอบที่ปิดแล้ว: ใช้ข้อมูลในสมุดงานตอนนี้แทนตัวเลขที่รายงานเมื่อปิดรอบ")
def report(config_path, workbook, sheet_id, credentials, debug, as_of, fiscal_year, round_months, as_json, out_dir, quiet, memo_date, live):
    """จัดทำบันทึกข้อความรายงานผลการติดตามถึงผู้ว่าราชการจังหวัด (.docx) ของรอบหนึ่ง

    ไฟล์คือ <out>/followup-FY<fy>-R<round>.docx จากแม่แบบ templates/followup_memo.docx
    บันทึกลงวันที่ --date (ค่าเริ่มต้น: วันนี้) ตัวเลขในบันทึกเป็นข้อมูล ณ --as-of
    รอบที่ปิดแล้ว (sheets-sync close) ใช้ตัวเลขที่รายงานเมื่อปิดรอบและลงวันที่วันปิดรอบ
    (--live ใช้ข้อมูลตอนนี้)
    ต้องตั้งชื่อสำนักงาน ผู้ลงนาม และเลขที่หนังสือในไฟล์ค่าตั้งก่อน (ไม่ใช้ค่าตัวอย่าง)

    \b
    ตัวอย่าง:
        sheets-sync report --workbook office.xlsx --round 6 --fiscal-year 2569
        sheets-sync report --workbook office.xlsx --as-of 30/09/2569 --date 5/10/2569
    """
    from ..app.documents import run_report

    settings, _ = load_context(config_path, out_dir=out_dir)
    backend = open_backend_from(settings, workbook, sheet_id, credentials)
    period = period_of(settings, as_of, fiscal_year, round_months)
    outcome = run_report(backend, settings, period, memo_date=memo_date, today=today_in_bangkok(), live=live)
    show(outcome, as_json=as_json, quiet=quiet)


@click.command(cls=ThaiCommand)
@workbook_options
@period_options
@output_options
@click.option("--mission", "mission_id", metavar="รหัส", help="เฉพาะภารกิจนี้ (รหัสภารกิจ)")
def sop(config_path, workbook, sheet_id, credentials, debug, as_of, fiscal_year, round_months, as_json, out_dir, quiet, mission_id):
    """จัดทำคู่มือการปฏิบัติงาน (.docx) กระบวนการละหนึ่งฉบับ และสารบัญ sop/index.docx

    ถ้าไม่ระบุ --mission จะทำคู่มือทุกภารกิจที่มีขั้นตอนที่ใช้ได้อย่างน้อยหนึ่งขั้นตอน
    ภารกิจที่ยังไม่พร้อมจะมีคำว่า ร่าง และรายการสิ่งที่ยังขาด

    \b
    ตัวอย่าง:
        sheets-sync sop --workbook office.xlsx
        sheets-sync sop --workbook office.xlsx --mission M04
    """
    from ..app.documents import run_sop

    settings, _ = load_context(config_path, out_dir=out_dir)
    backend = open_backend_from(settings, workbook, sheet_id, credentials)
    period = period_of(settings, as_of, fiscal_year, round_months)
    show(run_sop(backend, settings, period, mission_id), as_json=as_json, quiet=quiet)


@click.command(cls=ThaiCommand)
@workbook_options
@period_options
@output_options
def calendar(config_path, workbook, sheet_id, credentials, debug, as_of, fiscal_year, round_months, as_json, out_dir, quiet):
    """เขียนแผนปฏิบัติการเป็นไฟล์ปฏิทิน <out>/plan-FY<ปีงบ>.ics ให้บุคลากรนำเข้าหรือสมัครรับ

    ทุกกิจกรรมเป็นนัดหมายทั้งวันตั้งแต่วันเริ่มถึงวันสิ้นสุดตามแผน พร้อมผู้รับผิดชอบและสถานะ
    วันสิ้นสุดรอบติดตาม วันกำหนดเสนอรายงาน (remind.memo_due_days วันหลังสิ้นสุดรอบ) และวันครบกำหนด
    ทบทวนคู่มือ รหัสนัดหมายคงที่ นำเข้าซ้ำจึงปรับนัดเดิมแทนการเพิ่มซ้ำ

    \b
    ตัวอย่าง:
        sheets-sync calendar --workbook office.xlsx
        sheets-sync calendar --sheet-id 1AbC... --credentials key.json --out /var/www/calendar
    """
    from ..app.documents import run_calendar

    settings, _ = load_context(config_path, out_dir=out_dir)
    backend = open_backend_from(settings, workbook, sheet_id, credentials)
    period = period_of(settings, as_of, fiscal_year, round_months)
    show(run_calendar(backend, settings, period), as_json=as_json, quiet=quiet)
