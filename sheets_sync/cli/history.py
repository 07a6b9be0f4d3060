"""`history` (list, restore, prune) and `status`."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from .edge import BANGKOK, DEBUG_HELP, DEFAULT_CONFIG, _note, _remember_debug
from .options import load_context
from .thai import ThaiCommand, ThaiGroup


@click.group(cls=ThaiGroup, invoke_without_command=True)
@click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar="SHEETS_SYNC_CONFIG", metavar="ไฟล์",
              help=f"ไฟล์ค่าตั้ง (ค่าเริ่มต้น {DEFAULT_CONFIG})")
@click.option("--json", "as_json", is_flag=True, help="พิมพ์เป็น JSON สำหรับโปรแกรมอื่น")
@click.option("--debug", is_flag=True, callback=_remember_debug, help=DEBUG_HELP)
@click.pass_context
def history(ctx, config_path, as_json, debug):
    """แสดงประวัติที่เก็บไว้ (หนึ่งรายการต่อการ sync หนึ่งครั้ง) รายการล่าสุดอยู่ท้าย

    \b
    ตัวอย่าง:
        sheets-sync history
        sheets-sync history restore 12 --out complaints-before.xlsx
    """
    from ..present.console import render_history
    from ..storage.history import History

    settings, _ = load_context(config_path)
    ctx.obj = settings
    if ctx.invoked_subcommand is None:
        snapshots = History(settings.history_file).list()
        if as_json:
            click.echo(json.dumps([s.__dict__ for s in snapshots], ensure_ascii=False, indent=2))
        else:
            click.echo(render_history(snapshots, settings.history_file))


@history.command("restore")
@click.argument("snapshot_id", type=int, metavar="หมายเลข")
@click.option("--out", "out_file", type=click.Path(dir_okay=False), required=True, metavar="ไฟล์.xlsx", help="ไฟล์ .xlsx ใหม่ที่จะเขียน")
@click.option("--tab", "only_tabs", multiple=True, metavar="แท็บ", help="เฉพาะแท็บนี้ (ใช้ซ้ำได้)")
@click.pass_obj
def history_restore(settings, snapshot_id, out_file, only_tabs):
    """เขียนข้อมูลในแท็บข้อมูล ณ ประวัติหมายเลขนั้นลงไฟล์ .xlsx ใหม่ (ไม่แตะสมุดงานเดิม)

    \b
    ตัวอย่าง:
        sheets-sync history restore 12 --out before.xlsx --tab เรื่องร้องเรียน
    """
    from ..app.sync import restore_snapshot

    _note(command="history restore")
    path, titles = restore_snapshot(settings, snapshot_id, Path(out_file), only_tabs)
    click.echo(f"เขียนข้อมูลของประวัติหมายเลข {snapshot_id} ลง {path}: {', '.join(titles)}")


@history.command("prune")
@click.option("--keep-days", type=click.IntRange(min=1), help="เก็บไว้กี่วัน (ค่าเริ่มต้น history.keep_days ในค่าตั้ง คือ 400)")
@click.option("--keep-snapshots", type=click.IntRange(min=0), help="เก็บไว้กี่รายการล่าสุด (0 = ไม่จำกัด; ค่าเริ่มต้น history.keep_snapshots)")
@click.pass_obj
def history_prune(settings, keep_days, keep_snapshots):
    """ลบประวัติที่เก่ากว่าที่กำหนด (sync ทุกครั้งก็ลบให้อยู่แล้วตาม history.keep_days และ history.keep_snapshots)

    \b
    ตัวอย่าง:
        sheets-sync history prune
        sheets-sync history prune --keep-days 30
    """
    from ..storage.history import History

    _note(command="history prune")
    removed = History.from_settings(settings).prune(dt.datetime.now(BANGKOK), keep_days=keep_days, keep_snapshots=keep_snapshots)
    click.echo(f"ลบประวัติ {removed} รายการจาก {settings.history_file}")


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
    from ..backends import sheet_id_from
    from ..storage import runlog

    settings, _ = load_context(config_path, out_dir=out_dir)
    sheet = sheet_id or (None if workbook else settings.workbook.sheet_id) or None
    key = runlog.workbook_key(workbook or (None if sheet else settings.workbook.path) or None, sheet_id_from(sheet) if sheet else None)
    latest = runlog.last_runs(runlog.read(settings.log_path), key)
    if as_json:
        click.echo(json.dumps({c: r.to_json() for c, r in latest.items()}, ensure_ascii=False, indent=2))
    else:
        click.echo(runlog.render_status(latest, settings.log_path))
    chosen = latest.get(command_name or "sync") or (list(latest.values())[-1] if latest and not command_name else None)
    sys.exit(chosen.exit_code if chosen is not None else 2)
