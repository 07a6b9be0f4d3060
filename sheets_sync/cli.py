"""The `sheets-sync` command line: parse options, load config, call one library function,
render the result, pick the exit code (0 done, 1 errors found, 2 usage/config, 3 workbook).

Failures are caught once, here, and shown as one line; `--debug` shows the traceback.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import sys
import tomllib
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import SheetsSyncError

BANGKOK = dt.timezone(dt.timedelta(hours=7), "Asia/Bangkok")  # Thailand keeps no summer time
DEFAULT_CONFIG = "config/office.toml"


def today_in_bangkok() -> dt.date:
    return dt.datetime.now(BANGKOK).date()


class FriendlyGroup(click.Group):
    """Turns every failure into one clear line and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SheetsSyncError as err:
            if _debug_requested(ctx):
                traceback.print_exc()  # the detail, but the exit code stays the documented one
            click.echo(f"sheets-sync: {err}", err=True)
            ctx.exit(err.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("sheets-sync: หยุดตามคำสั่ง (ไม่ได้เปลี่ยนแปลงอะไรที่ยังเขียนไม่เสร็จ)", err=True)
            ctx.exit(130)
        except Exception as err:  # noqa: BLE001 - the last line of defence: never a traceback
            if _debug_requested(ctx):
                traceback.print_exc()
            click.echo(
                f"sheets-sync: เกิดข้อผิดพลาดภายในโปรแกรม ({type(err).__name__}: {err}) — "
                "ไม่ได้เขียนอะไรที่ยังไม่เสร็จ สั่งใหม่พร้อม --debug แล้วแจ้งผู้ดูแลระบบ",
                err=True,
            )
            ctx.exit(2)


def _debug_requested(ctx: click.Context) -> bool:
    return bool(ctx.meta.get("sheets_sync.debug")) or os.environ.get("SHEETS_SYNC_DEBUG") == "1"


def _remember_debug(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    ctx.meta["sheets_sync.debug"] = value or ctx.meta.get("sheets_sync.debug", False)  # meta is shared with the group
    return value


def _parse_as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"ต้องเป็นวันที่แบบ YYYY-MM-DD (ค.ศ.) เช่น 2026-03-31 — ได้ {value!r}") from None


def parse_date_option(value: str) -> dt.date:
    """The date an option names (ISO `YYYY-MM-DD` for now); ValueError when it is not one."""
    return dt.date.fromisoformat(value)


def _parse_memo_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return parse_date_option(value)
    except ValueError:
        raise click.BadParameter(f"ต้องเป็นวันที่แบบ YYYY-MM-DD (ค.ศ.) เช่น 2026-04-08 — ได้ {value!r}") from None


def workbook_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--config, --workbook, --sheet-id, --credentials, --debug."""
    decorators = [
        click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar="SHEETS_SYNC_CONFIG",
                      help=f"ไฟล์ค่าตั้ง (ค่าเริ่มต้น {DEFAULT_CONFIG}; env SHEETS_SYNC_CONFIG)"),
        click.option("--workbook", type=click.Path(dir_okay=False), help="ไฟล์ .xlsx (ใช้แบบออฟไลน์)"),
        click.option("--sheet-id", help="รหัสหรือ URL ของ Google Sheet"),
        click.option("--credentials", type=click.Path(dir_okay=False), envvar="GOOGLE_APPLICATION_CREDENTIALS",
                      help="ไฟล์กุญแจ service account (.json; env GOOGLE_APPLICATION_CREDENTIALS)"),
        click.option("--debug", is_flag=True, callback=_remember_debug, help="แสดงรายละเอียดข้อผิดพลาดทั้งหมด (traceback)"),
    ]
    return functools.reduce(lambda f, d: d(f), reversed(decorators), func)


def period_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--as-of, --fiscal-year, --round."""
    decorators = [
        click.option("--as-of", callback=_parse_as_of, help="คำนวณ ณ วันที่ YYYY-MM-DD (ค่าเริ่มต้น: วันนี้ เวลาไทย)"),
        click.option("--fiscal-year", type=click.IntRange(2400, 2700), help="ปีงบประมาณ พ.ศ. เช่น 2569"),
        click.option("--round", "round_months", type=click.IntRange(1, 12), help="รอบติดตาม (เดือน) เช่น 6, 9, 12"),
    ]
    return functools.reduce(lambda f, d: d(f), reversed(decorators), func)


def output_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--json, --out, --quiet."""
    decorators = [
        click.option("--json", "as_json", is_flag=True, help="พิมพ์ผลเป็น JSON ทาง stdout"),
        click.option("--out", "out_dir", type=click.Path(file_okay=False), help="โฟลเดอร์ผลลัพธ์ (ค่าเริ่มต้น reports/)"),
        click.option("--quiet", is_flag=True, help="ไม่พิมพ์สรุป (พิมพ์เฉพาะข้อผิดพลาด)"),
    ]
    return functools.reduce(lambda f, d: d(f), reversed(decorators), func)


def load_context(config_path: str | None, *, example_fallback: bool = False, **overrides: Any):  # -> (Settings, Path|None)
    from .config import load_settings

    explicit = config_path is not None
    path = Path(config_path) if explicit else Path(DEFAULT_CONFIG)
    if example_fallback and not explicit and not path.exists():
        # The demo run anywhere: the example office of the shipped config (signer, document no.).
        from .app import example_config_text
        from .config import settings_from_dict

        settings = settings_from_dict(tomllib.loads(example_config_text()), source="example config")
    else:
        settings = load_settings(path, required=explicit)
    return settings.with_overrides(**overrides), path


def open_backend_from(settings: Any, workbook: str | None, sheet_id: str | None, credentials: str | None, *, creating: bool = False):
    from .backends import open_backend

    # Like Google's other emulators: SHEETS_EMULATOR_HOST=host:port sends every request there.
    emulator = os.environ.get("SHEETS_EMULATOR_HOST")
    return open_backend(settings, workbook=workbook, sheet_id=sheet_id, credentials=credentials, creating=creating, emulator_host=emulator)


@click.group(cls=FriendlyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="sheets-sync")
def cli() -> None:
    """sheets-sync: ทะเบียนภารกิจ แผน ตัวชี้วัด เรื่องร้องเรียน และคู่มือ จากสเปรดชีตของสำนักงาน.

    Validates the office's spreadsheet (Google Sheets or .xlsx), computes plan follow-up,
    KPI scores and complaint figures, writes summary tabs and Word reports.

    \b
    Example:
        sheets-sync demo
        sheets-sync validate --workbook office.xlsx
        sheets-sync sync --sheet-id 1AbC... --credentials key.json
    """


@cli.command()
@workbook_options
@period_options
@output_options
def validate(config_path, workbook, sheet_id, credentials, debug, as_of, fiscal_year, round_months, as_json, out_dir, quiet):
    """Read the input tabs and list every issue, pointing at the cell. Writes nothing.

    Exit code 1 when an error was found (warnings alone exit 0).

    \b
    Example:
        sheets-sync validate --workbook office.xlsx
        sheets-sync validate --workbook office.xlsx --json > issues.json
    """
    from .app import run_validate
    from .present.console import render_issues

    settings, _ = load_context(config_path)
    backend = open_backend_from(settings, workbook, sheet_id, credentials)
    report = run_validate(backend, settings, as_of or today_in_bangkok(), fiscal_year, round_months)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    elif not quiet or not report.valid:
        click.echo(render_issues(report.report, backend.describe()))
    sys.exit(0 if report.valid else 1)


@cli.command()
@workbook_options
def init(config_path, workbook, sheet_id, credentials, debug):
    """Create a new workbook, or the missing input tabs of an existing one.

    Headers, dropdowns for enum columns, date validation and a frozen header row.
    A tab that already exists is never touched. Also writes config/office.toml if absent.

    \b
    Example:
        sheets-sync init --workbook office.xlsx
        sheets-sync init --sheet-id 1AbC... --credentials key.json
    """
    from .app import run_init

    settings, path = load_context(config_path)
    backend = open_backend_from(settings, workbook, sheet_id, credentials, creating=True)
    outcome = run_init(backend, settings, path)
    if outcome.created_tabs:
        click.echo(f"สร้างแท็บใน {backend.describe()}: {', '.join(outcome.created_tabs)}")
    if outcome.existing_tabs:
        click.echo(f"แท็บที่มีอยู่แล้ว (ไม่ได้แตะ): {', '.join(outcome.existing_tabs)}")
    if outcome.config_written:
        click.echo(f"สร้างไฟล์ค่าตั้ง {outcome.config_written} — แก้ชื่อสำนักงานและผู้ลงนามก่อนใช้งาน")


def _period(settings: Any, as_of: dt.date | None, fiscal_year: int | None, round_months: int | None):
    from .compute.fiscal import resolve_period

    return resolve_period(as_of or today_in_bangkok(), settings.rounds, fiscal_year, round_months)


@cli.command()
@workbook_options
@period_options
@output_options
@click.option("--force", is_flag=True, help="เขียนทับแท็บสรุปชื่อเดียวกันที่ sheets-sync ไม่ได้สร้าง")
@click.option("--strict", is_flag=True, help="จบด้วยรหัส 1 เมื่อพบข้อผิดพลาดในข้อมูล (สำหรับงานตั้งเวลา)")
def sync(config_path, workbook, sheet_id, credentials, debug, as_of, fiscal_year, round_months, as_json, out_dir, quiet, force, strict):
    """Validate, compute and rewrite the six summary tabs; save the JSON results and a snapshot.

    Only the tool's own summary tabs are written, in one atomic write. Staff tabs are never
    changed. Exit code 0 even when data issues exist (they are listed in ตรวจสอบข้อมูล),
    unless --strict.

    \b
    Example:
        sheets-sync sync --workbook office.xlsx --as-of 2026-03-31
        sheets-sync sync --sheet-id 1AbC... --credentials key.json --strict
    """
    from .app import run_sync
    from .present.console import render_sync

    settings, _ = load_context(config_path, out_dir=out_dir)
    backend = open_backend_from(settings, workbook, sheet_id, credentials)
    period = _period(settings, as_of, fiscal_year, round_months)
    outcome = run_sync(backend, settings, period, now=dt.datetime.now(BANGKOK), out_dir=Path(settings.out_dir), force=force)
    if as_json:
        from .app import results_json

        click.echo(results_json(outcome.document))
    elif not quiet:
        click.echo(render_sync(outcome, backend.describe()))
    sys.exit(1 if strict and not outcome.results.report.valid else 0)


@cli.command()
@workbook_options
@period_options
@output_options
@click.option("--date", "memo_date", callback=_parse_memo_date,
              help="วันที่ของบันทึกข้อความ YYYY-MM-DD (ค่าเริ่มต้น: วันนี้ เวลาไทย) — ต่างจากวันที่ของข้อมูล (--as-of)")
def report(config_path, workbook, sheet_id, credentials, debug, as_of, fiscal_year, round_months, as_json, out_dir, quiet, memo_date):
    """Write the follow-up memo to the governor (บันทึกข้อความ, .docx) for a round.

    The file is <out>/followup-FY<fy>-R<round>.docx, from templates/followup_memo.docx.
    The memo is dated --date (default today in Bangkok); its figures are as of --as-of.

    \b
    Example:
        sheets-sync report --workbook office.xlsx --round 6 --fiscal-year 2569
        sheets-sync report --workbook office.xlsx --as-of 2026-09-30 --date 2026-10-05
    """
    from .app import run_report

    settings, _ = load_context(config_path, out_dir=out_dir)
    backend = open_backend_from(settings, workbook, sheet_id, credentials)
    period = _period(settings, as_of, fiscal_year, round_months)
    results, path = run_report(backend, settings, period, Path(settings.out_dir), memo_date=memo_date or today_in_bangkok())
    if as_json:
        click.echo(json.dumps({"report": str(path), "fiscal_year": period.fiscal_year, "round": period.round}, ensure_ascii=False))
    elif not quiet:
        click.echo(f"เขียนบันทึกข้อความรายงานผลการติดตาม รอบ {period.round} เดือน ปีงบประมาณ {period.fiscal_year}: {path}")


@cli.command()
@workbook_options
@period_options
@output_options
@click.option("--mission", "mission_id", help="เฉพาะภารกิจนี้ (รหัสภารกิจ)")
def sop(config_path, workbook, sheet_id, credentials, debug, as_of, fiscal_year, round_months, as_json, out_dir, quiet, mission_id):
    """Write the SOP manuals (.docx), one per process, and sop/index.docx.

    Without --mission, a manual is written for every mission that has at least one valid
    step; one that is not ready is marked ร่าง (draft) and lists what is missing.

    \b
    Example:
        sheets-sync sop --workbook office.xlsx
        sheets-sync sop --workbook office.xlsx --mission M04
    """
    from .app import run_sop

    settings, _ = load_context(config_path, out_dir=out_dir)
    backend = open_backend_from(settings, workbook, sheet_id, credentials)
    period = _period(settings, as_of, fiscal_year, round_months)
    results, paths = run_sop(backend, settings, period, Path(settings.out_dir), mission_id)
    if as_json:
        click.echo(json.dumps({"files": [str(p) for p in paths]}, ensure_ascii=False))
    elif not quiet:
        coverage = results.missions.sop_coverage_pct if results.missions else None
        click.echo(f"เขียนคู่มือ {len(paths)} ไฟล์ใน {Path(settings.out_dir) / 'sop'} (ร้อยละกระบวนการที่มีคู่มือ {coverage})")
        for path in paths:
            click.echo(f"  {path}")


@cli.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="reports", show_default=True,
              help="โฟลเดอร์ที่จะเขียนสมุดงานตัวอย่างและผลลัพธ์")
@click.option("--as-of", callback=_parse_as_of, help="วันที่ของข้อมูลตัวอย่าง YYYY-MM-DD (ค่าเริ่มต้น: วันนี้)")
@click.option("--seed", type=int, default=2569, show_default=True, help="seed ของข้อมูลสุ่ม")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar="SHEETS_SYNC_CONFIG")
@click.option("--debug", is_flag=True, callback=_remember_debug, help="แสดงรายละเอียดข้อผิดพลาดทั้งหมด (traceback)")
def demo(out_dir, as_of, seed, config_path, debug):
    """Build a demo workbook of a fictional province office and run every command on it.

    Needs no network and no Google account. The workbook has a year's plan, KPIs, a few
    hundred complaints, SOP steps and staff, and a handful of deliberate mistakes.

    \b
    Example:
        sheets-sync demo
        sheets-sync demo --as-of 2026-09-30 --out /tmp/demo
    """
    from .app import run_demo
    from .present.console import render_demo

    settings, _ = load_context(config_path, example_fallback=True, out_dir=out_dir, history_path=str(Path(out_dir) / "history.sqlite"))
    outcome = run_demo(settings, Path(out_dir), as_of or today_in_bangkok(), seed=seed, now=dt.datetime.now(BANGKOK))
    click.echo(render_demo(outcome))


# --- remind and calendar (outputs.md "Reminders", "Calendar") ---------------------------------
@cli.command()
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
    from .app import run_remind
    from .errors import ConfigError
    from .present.console import render_remind

    settings, _ = load_context(config_path, out_dir=out_dir)
    password = ""
    if not dry_run and settings.mail_username:
        password = os.environ.get(settings.mail_password_env, "")
        if not password:
            raise ConfigError(f"ไม่พบรหัสผ่านอีเมลในตัวแปรสภาพแวดล้อม {settings.mail_password_env} — ตั้งค่าก่อนสั่ง (ชื่อตัวแปรกำหนดที่ mail.password_env)")
    backend = open_backend_from(settings, workbook, sheet_id, credentials)
    period = _period(settings, as_of, fiscal_year, round_months)
    outcome = run_remind(backend, settings, period, now=dt.datetime.now(BANGKOK), out_dir=Path(settings.out_dir),
                         password=password, dry_run=dry_run, resend=resend)
    if as_json:
        click.echo(json.dumps({
            "dry_run": dry_run,
            "eml_files": [str(p) for p in outcome.eml_files],
            "sent": [m.address for m in outcome.sent],
            "already_sent": [m.address for m in outcome.already_sent],
            "unsent": [{"person": m.person, "address": m.address, "reason": why} for m, why in outcome.unsent],
            "not_reachable": outcome.not_reachable,
        }, ensure_ascii=False, indent=2))
    elif not quiet or not outcome.complete:
        click.echo(render_remind(outcome))
    sys.exit(0 if outcome.complete else 3)


@cli.command()
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
    from .app import run_calendar
    from .present.console import render_calendar

    settings, _ = load_context(config_path, out_dir=out_dir)
    backend = open_backend_from(settings, workbook, sheet_id, credentials)
    period = _period(settings, as_of, fiscal_year, round_months)
    outcome = run_calendar(backend, settings, period, Path(settings.out_dir))
    if as_json:
        click.echo(json.dumps({"calendar": str(outcome.path), "events": outcome.counts}, ensure_ascii=False))
    elif not quiet:
        click.echo(render_calendar(outcome).strip())


@cli.group(invoke_without_command=True)
@click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar="SHEETS_SYNC_CONFIG")
@click.option("--json", "as_json", is_flag=True, help="พิมพ์เป็น JSON")
@click.option("--debug", is_flag=True, callback=_remember_debug, help="แสดงรายละเอียดข้อผิดพลาดทั้งหมด (traceback)")
@click.pass_context
def history(ctx, config_path, as_json, debug):
    """List the stored snapshots (one per sync), newest last.

    \b
    Example:
        sheets-sync history
        sheets-sync history restore 12 --out complaints-before.xlsx
    """
    from .history import History
    from .present.console import render_history

    settings, _ = load_context(config_path)
    ctx.obj = settings
    if ctx.invoked_subcommand is None:
        snapshots = History(settings.history_file).list()
        if as_json:
            click.echo(json.dumps([s.__dict__ for s in snapshots], ensure_ascii=False, indent=2))
        else:
            click.echo(render_history(snapshots, settings.history_file))


@history.command("restore")
@click.argument("snapshot_id", type=int)
@click.option("--out", "out_file", type=click.Path(dir_okay=False), required=True, help="ไฟล์ .xlsx ที่จะเขียน")
@click.option("--tab", "only_tabs", multiple=True, help="เฉพาะแท็บนี้ (ใช้ซ้ำได้)")
@click.pass_obj
def history_restore(settings, snapshot_id, out_file, only_tabs):
    """Write what the input tabs held at snapshot ID to a new .xlsx (the workbook is not touched).

    \b
    Example:
        sheets-sync history restore 12 --out before.xlsx --tab เรื่องร้องเรียน
    """
    from .app import restore_snapshot

    path, titles = restore_snapshot(settings, snapshot_id, Path(out_file), only_tabs)
    click.echo(f"เขียนข้อมูลของประวัติหมายเลข {snapshot_id} ลง {path}: {', '.join(titles)}")


def main() -> None:  # pragma: no cover - the console script entry point
    cli(prog_name="sheets-sync")


if __name__ == "__main__":  # pragma: no cover
    main()

