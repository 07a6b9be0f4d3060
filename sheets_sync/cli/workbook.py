"""`validate`, `init` and `sync`."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from .edge import BANGKOK, _note, _note_counts, today_in_bangkok
from .options import _period, load_context, open_backend_from, output_options, period_options, workbook_options
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
    from ..present.console import issues_summary, render_issues
    from ..schema.issues import Severity

    settings, _ = load_context(config_path, out_dir=out_dir)
    backend = open_backend_from(settings, workbook, sheet_id, credentials)
    report = run_validate(backend, settings, as_of or today_in_bangkok(), fiscal_year, round_months)
    _note(counts={"errors": report.workbook.error_count, "warnings": len(report.issues) - report.workbook.error_count})
    if as_json:
        document = report.to_json()
        if errors_only:
            document["issues"] = [i.to_json() for i in report.issues if i.severity is Severity.ERROR]
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    elif quiet:
        if report.issues:
            click.echo(issues_summary(report.report))
    else:
        click.echo(render_issues(report.report, backend.describe(), errors_only=errors_only))
    sys.exit(0 if report.valid else 1)


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
    backend = open_backend_from(settings, workbook, sheet_id, credentials, creating=True)
    outcome = run_init(backend, settings, path, ministry=ministry)
    if outcome.created_tabs:
        click.echo(f"สร้างแท็บใน {backend.describe()}: {', '.join(outcome.created_tabs)}")
    if outcome.existing_tabs:
        click.echo(f"แท็บที่มีอยู่แล้ว (ไม่ได้แตะ): {', '.join(outcome.existing_tabs)}")
    if outcome.config_written:
        click.echo(f"สร้างไฟล์ค่าตั้ง {outcome.config_written} — แก้ชื่อสำนักงาน ผู้ลงนาม และเลขที่หนังสือก่อนออกรายงาน")


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
    from ..present.console import render_sync

    settings, _ = load_context(config_path, out_dir=out_dir)
    backend = open_backend_from(settings, workbook, sheet_id, credentials)
    period = _period(settings, as_of, fiscal_year, round_months)
    outcome = run_sync(backend, settings, period, now=dt.datetime.now(BANGKOK), out_dir=Path(settings.out_dir), force=force)
    _note_counts(outcome.results)
    if as_json:
        from ..app.workbook import results_json

        click.echo(results_json(outcome.document))
    elif not quiet:
        click.echo(render_sync(outcome, backend.describe()))
    sys.exit(1 if strict and not outcome.results.report.valid else 0)
