"""`history` (list, restore, prune) and `status`."""

from __future__ import annotations

from pathlib import Path

import click

from ..config import Settings
from ..core.errors import ConfigError
from ..core.thai_dates import now_in_bangkok
from .edge import DEBUG_HELP, DEFAULT_CONFIG, FriendlyGroup, current_run, remember_debug
from .options import load_context, workbook_named
from .render import show
from .thai import ThaiCommand


@click.group(cls=FriendlyGroup, invoke_without_command=True)
@click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar="SHEETS_SYNC_CONFIG", metavar="ไฟล์",
              help=f"ไฟล์ค่าตั้ง (ค่าเริ่มต้น {DEFAULT_CONFIG})")
@click.option("--json", "as_json", is_flag=True, help="พิมพ์เป็น JSON สำหรับโปรแกรมอื่น")
@click.option("--debug", is_flag=True, callback=remember_debug, help=DEBUG_HELP)
@click.pass_context
def history(ctx, config_path, as_json, debug):
    """แสดงประวัติที่เก็บไว้ (หนึ่งรายการต่อการ sync หนึ่งครั้ง) รายการล่าสุดอยู่ท้าย

    \b
    ตัวอย่าง:
        sheets-sync history
        sheets-sync history restore 12 --out complaints-before.xlsx
    """
    from ..app.history import list_snapshots

    settings, _ = load_context(config_path)
    if ctx.invoked_subcommand is None:
        show(list_snapshots(settings), as_json=as_json)


@history.command("restore")
@click.argument("snapshot_id", type=int, metavar="หมายเลข")
@click.option("--out", "out_file", type=click.Path(dir_okay=False), required=True, metavar="ไฟล์.xlsx", help="ไฟล์ .xlsx ใหม่ที่จะเขียน")
@click.option("--tab", "only_tabs", multiple=True, metavar="แท็บ", help="เฉพาะแท็บนี้ (ใช้ซ้ำได้)")
def history_restore(snapshot_id, out_file, only_tabs):
    """เขียนข้อมูลในแท็บข้อมูล ณ ประวัติหมายเลขนั้นลงไฟล์ .xlsx ใหม่ (ไม่แตะสมุดงานเดิม)

    \b
    ตัวอย่าง:
        sheets-sync history restore 12 --out before.xlsx --tab เรื่องร้องเรียน
    """
    from ..app.history import restore_snapshot

    show(restore_snapshot(_settings(), snapshot_id, Path(out_file), only_tabs))


@history.command("prune")
@click.option("--keep-days", type=click.IntRange(min=1), help="เก็บไว้กี่วัน (ค่าเริ่มต้น history.keep_days ในค่าตั้ง คือ 400)")
@click.option("--keep-snapshots", type=click.IntRange(min=0), help="เก็บไว้กี่รายการล่าสุด (0 = ไม่จำกัด; ค่าเริ่มต้น history.keep_snapshots)")
def history_prune(keep_days, keep_snapshots):
    """ลบประวัติที่เก่ากว่าที่กำหนด (sync ทุกครั้งก็ลบให้อยู่แล้วตาม history.keep_days และ history.keep_snapshots)

    \b
    ตัวอย่าง:
        sheets-sync history prune
        sheets-sync history prune --keep-days 30
    """
    from ..app.history import prune_history

    show(prune_history(_settings(), now_in_bangkok(), keep_days=keep_days, keep_snapshots=keep_snapshots))


@click.command(cls=ThaiCommand)
@click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar="SHEETS_SYNC_CONFIG",
              help=f"ไฟล์ค่าตั้ง (ค่าเริ่มต้น {DEFAULT_CONFIG} หรือตัวแปร SHEETS_SYNC_CONFIG)")
@click.option("--workbook", type=click.Path(dir_okay=False), help="เฉพาะการทำงานกับไฟล์ .xlsx นี้")
@click.option("--sheet-id", help="เฉพาะการทำงานกับ Google Sheets นี้ (รหัสหรือลิงก์)")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="โฟลเดอร์ผลลัพธ์ที่มีบันทึกการทำงาน (ค่าเริ่มต้น reports/)")
@click.option("--command", "command_name", help="จบด้วยรหัสของการทำงานครั้งล่าสุดของคำสั่งนี้ (ค่าเริ่มต้น sync)")
@click.option("--json", "as_json", is_flag=True, help="พิมพ์เป็น JSON")
def status(config_path, workbook, sheet_id, out_dir, command_name, as_json):
    """แสดงการทำงานครั้งล่าสุดของแต่ละคำสั่งกับสมุดงานนี้ จากบันทึกการทำงาน (log.file)

    บอกเวลา ผลลัพธ์ รหัสจบ จำนวนข้อผิดพลาด/คำเตือน และเวลาที่ใช้ จบด้วยรหัสจบของ
    sync ครั้งล่าสุด (หรือของคำสั่งที่ระบุด้วย --command) ถ้ายังไม่มีบันทึกเลย จบด้วยรหัส 2

    \b
    ตัวอย่าง:
        sheets-sync status --workbook office.xlsx
        sheets-sync status --workbook office.xlsx --command validate --json
    """
    from ..app.history import run_status

    settings, _ = load_context(config_path, out_dir=out_dir)
    show(run_status(settings, workbook_named(settings, workbook, sheet_id), command_name), as_json=as_json)


def _settings() -> Settings:
    """The settings the `history` group loaded for its sub-commands."""
    settings = current_run().settings
    if settings is None:  # pragma: no cover - a sub-command always runs after its group
        raise ConfigError("ยังไม่ได้อ่านค่าตั้ง")
    return settings
