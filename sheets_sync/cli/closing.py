"""`close` (close, reopen, list the closings) and `evidence` (shared/spec/closing.md)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from .edge import BANGKOK, DEBUG_HELP, DEFAULT_CONFIG, _note_counts, _remember_debug, today_in_bangkok
from .options import (
    _fiscal_year_option,
    _period,
    load_context,
    open_backend_from,
    output_options,
    period_options,
    workbook_options,
)
from .thai import ThaiCommand


@click.command(cls=ThaiCommand)
@workbook_options
@period_options
@output_options
@click.option("--by", "by_name", metavar="ชื่อ", help="ผู้ปิด/เปิดรอบ (ค่าเริ่มต้น office.signer_name ในค่าตั้ง)")
@click.option("--reopen", is_flag=True, help="เปิดรอบที่ปิดแล้วอีกครั้ง (ต้องระบุ --reason) การปิดรอบเดิมยังอยู่ในประวัติ")
@click.option("--reason", metavar="เหตุผล", help="เหตุผลที่เปิดรอบใหม่")
@click.option("--list", "list_only", is_flag=True, help="แสดงการปิดรอบทั้งหมด (รวมที่เปิดใหม่แล้ว)")
@click.option("--force", is_flag=True, help="เขียนทับแท็บสรุปชื่อเดียวกันที่ sheets-sync ไม่ได้สร้าง")
def close(config_path, workbook, sheet_id, credentials, debug, as_of, fiscal_year, round_months, as_json, out_dir, quiet,
          by_name, reopen, reason, list_only, force):
    """ปิดรอบ: sync แล้วบันทึกผลของรอบนั้นเป็นตัวเลขที่รายงานแล้วในฐานข้อมูลประวัติ

    หลังปิดรอบ report ของรอบนั้นใช้ตัวเลขที่รายงานไว้ และ sync ทุกครั้งเตือนที่เซลล์ซึ่งถูกแก้
    หลังปิดรอบจนตัวเลขของรอบนั้นเปลี่ยน ใน Google Sheets คอลัมน์ผลของรอบนั้นถูกล็อก

    \b
    ตัวอย่าง:
        sheets-sync close --workbook office.xlsx --round 6 --as-of 8/4/2569
        sheets-sync close --workbook office.xlsx --round 6 --reopen --reason "แก้ผล K03 ตามหนังสือที่ ..."
        sheets-sync close --list
    """
    from ..app.closing import list_closings, run_close, run_reopen
    from ..present.console import render_closings

    settings, _ = load_context(config_path, out_dir=out_dir)
    if list_only:
        closings = list_closings(settings)
        if as_json:
            click.echo(json.dumps([c.to_json() for c in closings], ensure_ascii=False, indent=2))
        else:
            click.echo(render_closings(closings, settings.history_file))
        return
    if round_months is None:
        raise click.UsageError("ระบุรอบที่จะปิดด้วย --round เช่น --round 6 (หรือ --list เพื่อดูการปิดรอบ)")
    by = by_name if by_name is not None else settings.office.signer_name
    now = dt.datetime.now(BANGKOK)
    if reopen:
        if not reason:
            raise click.UsageError("การเปิดรอบใหม่ต้องระบุเหตุผลด้วย --reason \"…\"")
        named = workbook or sheet_id or settings.workbook.path or settings.workbook.sheet_id
        backend = open_backend_from(settings, workbook, sheet_id, credentials) if named else None  # Sheets: unprotect
        year = fiscal_year if fiscal_year is not None else _period(settings, as_of, None, None).fiscal_year
        closing = run_reopen(backend, settings, year, round_months, now=now, by=by or "", reason=reason)
        if as_json:
            click.echo(json.dumps(closing.to_json(), ensure_ascii=False, indent=2))
        elif not quiet:
            click.echo(f"เปิดรอบ {closing.round} เดือน ปีงบประมาณ {closing.fiscal_year} ใหม่แล้ว (การปิดรอบเมื่อ "
                       f"{closing.closed_on.isoformat()} ยังอยู่ในประวัติ) — ปิดรอบอีกครั้งด้วย sheets-sync close --round {closing.round}")
        return
    if reason:
        raise click.UsageError("--reason ใช้กับ --reopen เท่านั้น")
    backend = open_backend_from(settings, workbook, sheet_id, credentials)
    period = _period(settings, as_of, fiscal_year, round_months)
    outcome = run_close(backend, settings, period, now=now, out_dir=Path(settings.out_dir), by=by or "", force=force)
    _note_counts(outcome.sync.results)
    if as_json:
        click.echo(json.dumps(outcome.closing.to_json(), ensure_ascii=False, indent=2))
    elif not quiet:
        c = outcome.closing
        click.echo(f"ปิดรอบ {c.round} เดือน ปีงบประมาณ {c.fiscal_year} แล้ว (ข้อมูล ณ {c.as_of.isoformat()} โดย {c.closed_by})"
                   f" · ประวัติหมายเลข {c.snapshot_id} · SHA-256 {c.results_sha256}")
        if outcome.protected:
            click.echo(f"  ล็อกคอลัมน์ ผลรอบ {c.round} เดือน ในแท็บ ตัวชี้วัด แล้ว (แก้ได้เฉพาะบัญชีบริการและ close.editors)")


@click.command(cls=ThaiCommand)
@click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar="SHEETS_SYNC_CONFIG", metavar="ไฟล์",
              help=f"ไฟล์ค่าตั้ง (ค่าเริ่มต้น {DEFAULT_CONFIG} หรือตัวแปร SHEETS_SYNC_CONFIG)")
@click.option("--fiscal-year", type=int, callback=_fiscal_year_option, metavar="ปี", help="ปีงบประมาณ พ.ศ. (ค่าเริ่มต้น: ปีงบประมาณปัจจุบัน)")
@output_options
@click.option("--debug", is_flag=True, callback=_remember_debug, help=DEBUG_HELP)
def evidence(config_path, fiscal_year, as_json, out_dir, quiet, debug):
    """จัดทำแฟ้มหลักฐาน PMQA 4.0 ของปีงบประมาณจากรอบที่ปิดแล้ว (โฟลเดอร์และไฟล์ .zip)

    <out>/evidence-FY<ปี>/ มีผลและบันทึกข้อความของแต่ละรอบที่ปิด คู่มือ ปฏิทิน ตารางแนวโน้ม (.xlsx)
    ประวัติการปิดรอบ และ index.docx ที่บอกว่าแต่ละไฟล์เป็นหลักฐานของหมวดใด พร้อมค่า SHA-256
    ทุกอย่างมาจากฐานข้อมูลประวัติ (ไม่อ่านสมุดงาน) ปีที่ยังไม่มีรอบที่ปิดจะไม่จัดทำ

    \b
    ตัวอย่าง:
        sheets-sync evidence --fiscal-year 2569
    """
    from ..app.evidence import run_evidence
    from ..core.fiscal import fiscal_year_of

    settings, _ = load_context(config_path, out_dir=out_dir)
    year = fiscal_year if fiscal_year is not None else fiscal_year_of(today_in_bangkok())
    outcome = run_evidence(settings, year, Path(settings.out_dir), made_on=today_in_bangkok())
    if as_json:
        click.echo(json.dumps({"folder": str(outcome.folder), "zip": str(outcome.archive),
                               "files": [f.name for f in outcome.files]}, ensure_ascii=False, indent=2))
    elif not quiet:
        click.echo(f"แฟ้มหลักฐาน PMQA ปีงบประมาณ {year}: {outcome.folder} ({len(outcome.files)} ไฟล์) และ {outcome.archive}")
