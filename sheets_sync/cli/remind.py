"""`remind`."""

from __future__ import annotations

import os

import click

from ..core.thai_dates import now_in_bangkok
from .options import load_context, open_backend_from, output_options, period_of, period_options, workbook_options
from .render import show
from .thai import ThaiCommand


# --- remind and calendar (outputs.md "Reminders", "Calendar") ---------------------------------
@click.command(cls=ThaiCommand)
@workbook_options
@period_options
@output_options
@click.option("--dry-run", is_flag=True, help="ไม่ส่งอีเมล: เขียนข้อความของแต่ละคนเป็นไฟล์ .eml ใน <out>/reminders/")
@click.option("--resend", is_flag=True, help="ส่งอีกครั้ง แม้วันนี้ส่งข้อความเดียวกันไปแล้ว")
def remind(config_path, workbook, sheet_id, credentials, debug, as_of, fiscal_year, round_months, as_json, out_dir, quiet, dry_run, resend):
    """แจ้งเตือนผู้รับผิดชอบแต่ละคนทางอีเมล เฉพาะรายการของคนนั้น และส่งสรุปถึงหัวหน้าฝ่าย

    รายการ: กิจกรรมที่ล่าช้า ยังไม่เริ่ม เกินกำหนด หรือใกล้ครบกำหนด (remind.due_within_days),
    ตัวชี้วัดที่ยังไม่รายงานผล คู่มือที่ถึงกำหนดทบทวน และเลขที่เรื่องร้องเรียนที่เกินกำหนด
    (ไม่มีข้อมูลผู้ร้อง) ผู้ที่ไม่มีรายการจะไม่ได้รับข้อความ วันเดียวกันจะไม่ส่งข้อความเดิมซ้ำ
    รหัสผ่านอ่านจากตัวแปรสภาพแวดล้อมที่ mail.password_env ระบุ จบด้วยรหัส 3 เมื่อส่งไม่ครบ
    (เซิร์ฟเวอร์อีเมลติดต่อไม่ได้หรือปฏิเสธ) สั่งใหม่ภายหลังจะส่งฉบับที่ค้างให้

    \b
    ตัวอย่าง:
        sheets-sync remind --workbook office.xlsx --dry-run
        SHEETS_SYNC_SMTP_PASSWORD=... sheets-sync remind --sheet-id 1AbC... --credentials key.json
    """
    from ..app.remind import run_remind

    settings, _ = load_context(config_path, out_dir=out_dir)
    password = "" if dry_run else os.environ.get(settings.mail.password_env, "")  # the only secret, read at the edge
    backend = open_backend_from(settings, workbook, sheet_id, credentials)
    period = period_of(settings, as_of, fiscal_year, round_months)
    outcome = run_remind(backend, settings, period, now=now_in_bangkok(), password=password, dry_run=dry_run, resend=resend)
    show(outcome, as_json=as_json, quiet=quiet)
