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
from .cli_thai import DATE_META, ThaiCommand, ThaiGroup, install, run_main
from .errors import ConfigError, SheetsSyncError, printable

install()  # click's own strings (help headings, usage errors) in Thai, before any option is built

BANGKOK = dt.timezone(dt.timedelta(hours=7), "Asia/Bangkok")  # Thailand keeps no summer time
DEFAULT_CONFIG = "config/office.toml"
AS_OF_RANGE = (dt.date(1900, 1, 1), dt.date(2150, 12, 31))  # fiscal years พ.ศ. 2443–2694
DEBUG_HELP = "แสดงรายละเอียดภายในของข้อผิดพลาด (สำหรับผู้ดูแลระบบ)"


def today_in_bangkok() -> dt.date:
    return dt.datetime.now(BANGKOK).date()


class FriendlyGroup(ThaiGroup):
    """Turns every failure into one clear line and its exit code; logs every run (runlog.py)."""

    def main(self, args: Any = None, prog_name: Any = None, complete_var: Any = None, standalone_mode: bool = True, **extra: Any) -> Any:
        return run_main(super().main, args, prog_name, complete_var, standalone_mode, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        import signal
        import time

        from .atomic import on_termination, terminated

        started, code = time.monotonic(), 0
        ctx.meta["sheets_sync.args"] = [*getattr(ctx, "_protected_args", ()), *ctx.args]  # click clears them
        previous = signal.signal(signal.SIGTERM, on_termination)  # temp files removed, exit 143
        previous_hook = sys.unraisablehook
        sys.unraisablehook = _quiet_stop_in_finalizer(previous_hook)
        try:
            result = self._invoke_friendly(ctx)
        except click.exceptions.Exit as done:
            code = done.exit_code
            if not terminated():
                raise
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
            if not terminated():
                raise
        except click.ClickException as err:
            code = err.exit_code
            ctx.meta.setdefault("sheets_sync.failure", err.format_message())
            raise
        except click.exceptions.Abort:
            code = 1
            raise
        else:
            if not terminated():
                return result
        finally:
            signal.signal(signal.SIGTERM, previous)
            sys.unraisablehook = previous_hook
            if terminated():
                code = 128 + terminated()
                ctx.meta["sheets_sync.failure"] = "หยุดตามสัญญาณ"
                click.echo("sheets-sync: หยุดตามสัญญาณ SIGTERM — ลบไฟล์ชั่วคราวแล้ว ไม่ได้เปลี่ยนแปลงอะไรที่ยังเขียนไม่เสร็จ", err=True)
            _log_run(ctx, code, time.monotonic() - started)
        raise SystemExit(code)  # stopped by a signal whose exit a finalizer swallowed

    def _invoke_friendly(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SheetsSyncError as err:
            if _debug_requested(ctx):
                traceback.print_exc()  # the detail, but the exit code stays the documented one
            ctx.meta["sheets_sync.failure"] = str(err)
            click.echo(f"sheets-sync: {printable(str(err))}", err=True)
            ctx.exit(err.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            ctx.meta["sheets_sync.failure"] = "หยุดตามคำสั่ง"
            click.echo("sheets-sync: หยุดตามคำสั่ง (ไม่ได้เปลี่ยนแปลงอะไรที่ยังเขียนไม่เสร็จ)", err=True)
            ctx.exit(130)
        except Exception as err:  # noqa: BLE001 - the last line of defence: never a traceback
            if _debug_requested(ctx):
                traceback.print_exc()
            ctx.meta["sheets_sync.failure"] = f"ข้อผิดพลาดภายใน {type(err).__name__}"
            click.echo(
                f"sheets-sync: เกิดข้อผิดพลาดภายในโปรแกรม ({type(err).__name__}: {printable(str(err))}) — "
                "ไม่ได้เขียนอะไรที่ยังไม่เสร็จ สั่งใหม่พร้อม --debug แล้วแจ้งผู้ดูแลระบบ",
                err=True,
            )
            ctx.exit(2)


def _quiet_stop_in_finalizer(previous: Callable[..., Any]) -> Callable[..., Any]:
    """A stop signal that lands inside a finalizer is not an error to print (atomic.terminated)."""

    def hook(unraisable: Any) -> None:
        if isinstance(unraisable.exc_value, (SystemExit, KeyboardInterrupt)):
            return
        previous(unraisable)

    return hook


def _log_run(ctx: click.Context, code: int, duration: float) -> None:
    """One line in the run log for every command run (not `status`, `--help` or `--version`)."""
    from . import runlog

    meta = ctx.meta
    command = meta.get("sheets_sync.command") or ctx.invoked_subcommand
    settings = meta.get("sheets_sync.settings")
    if not command or command == "status" or (settings is None and code == 0):
        return
    log_file = settings.log_path if settings is not None else _fallback_log(ctx)
    counts = meta.get("sheets_sync.counts") or {}
    runlog.append(log_file, runlog.Run(
        time=runlog.now_iso(), command=command, workbook=meta.get("sheets_sync.workbook", ""),
        outcome=runlog.outcome_of(code), exit_code=code, errors=counts.get("errors"), warnings=counts.get("warnings"),
        duration_s=round(duration, 3), message=str(meta.get("sheets_sync.failure", "")).splitlines()[0] if meta.get("sheets_sync.failure") else "",
    ))


def _fallback_log(ctx: click.Context) -> Path:
    """The log of a run that failed before its settings were loaded (a usage or config error):
    from its --config/--out when they can still be read, else the default place."""
    args = [str(a) for a in ctx.meta.get("sheets_sync.args", ())]
    found: dict[str, str] = {}
    for i, arg in enumerate(args):
        for name in ("--config", "--out"):
            if arg == name and i + 1 < len(args):
                found[name] = args[i + 1]
            elif arg.startswith(name + "="):
                found[name] = arg.split("=", 1)[1]
    try:
        from .config import load_settings

        settings = load_settings(found.get("--config") or os.environ.get("SHEETS_SYNC_CONFIG") or DEFAULT_CONFIG)
        return settings.with_overrides(out_dir=found.get("--out")).log_path
    except Exception:  # noqa: BLE001 - a broken config: the default place
        return Path(found.get("--out") or "reports") / "sheets-sync.log"


def _note(**values: Any) -> None:
    """Remember facts about this run for the run log (settings, workbook, issue counts)."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.meta.update({f"sheets_sync.{k}": v for k, v in values.items()})


def _note_counts(results: Any) -> None:
    _note(counts={"errors": results.error_count, "warnings": results.warning_count})


def _debug_requested(ctx: click.Context) -> bool:
    return bool(ctx.meta.get("sheets_sync.debug")) or os.environ.get("SHEETS_SYNC_DEBUG") == "1"


def _remember_debug(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    ctx.meta["sheets_sync.debug"] = value or ctx.meta.get("sheets_sync.debug", False)  # meta is shared with the group
    return value


# What a date option says when it cannot be read (the codes of the cell parser).
DATE_OPTION_PROBLEMS = {
    "date-year-digits": "{value!r} ต้องมีปี 4 หลัก เช่น 1/12/2569 หรือ 2569-12-01 (ไม่เดาปี 2 หลัก)",
    "date-impossible": "{value!r} เป็นวันที่ที่ไม่มีอยู่จริง — ตรวจวันและเดือน",
    "date-month-first": "{value!r} ดูเหมือนเขียนเดือนก่อนวัน — ใช้ วัน/เดือน/ปี เช่น 1/12/2569",
}
DATE_OPTION_FORMS = "เช่น 2569-12-01, 1/12/2569, \"1 ธ.ค. 2569\" หรือ 2026-12-01 (ปีที่เกิน 2400 คือ พ.ศ.)"
DATE_HELP = "ปีที่เกิน 2400 เป็น พ.ศ. เช่น 2569-12-01, 1/12/2569, \"1 ธ.ค. 2569\" หรือ 2026-12-01"


def parse_date_option(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    """A date option read like a date cell (ISO, d/m/yyyy, Thai month names, Thai digits, BE years)."""
    if value is None:
        return None
    from .cells import Cell, CellKind
    from .schema.parsers import CellProblem, parse_date

    try:
        day, _ = parse_date(Cell(CellKind.TEXT, value))
    except CellProblem as problem:
        template = DATE_OPTION_PROBLEMS.get(problem.code, "อ่าน {value!r} เป็นวันที่ไม่ได้ — " + DATE_OPTION_FORMS)
        raise click.BadParameter(template.format(value=value)) from None
    if not AS_OF_RANGE[0] <= day <= AS_OF_RANGE[1]:
        raise ConfigError(f"{param.opts[0] if param.opts else '--as-of'} {value} อยู่นอกช่วงที่ใช้ได้ ({AS_OF_RANGE[0]} ถึง {AS_OF_RANGE[1]} ค.ศ.) — ระบุวันที่ เช่น 2026-03-31")
    option = param.opts[0] if param.opts else f"--{param.name}"
    ctx.meta.setdefault(DATE_META, []).append((option, value, day))
    return day


_parse_as_of = parse_date_option  # the name other commands already use


def _fiscal_year_option(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
    """A fiscal year is named by its BE year; a CE year gets the BE year to type instead."""
    if value is None or 2400 <= value <= 2700:
        return value
    if 1857 <= value <= 2157:
        raise click.BadParameter(f"ปีงบประมาณเป็นปี พ.ศ. — {value} เป็นปี ค.ศ. ใช้ {value + 543}")
    raise click.BadParameter(f"{value} ไม่ใช่ปีงบประมาณ พ.ศ. ที่ใช้ได้ (2400–2700) เช่น 2569")


def workbook_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--config, --workbook, --sheet-id, --credentials, --debug."""
    decorators = [
        click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar="SHEETS_SYNC_CONFIG", metavar="ไฟล์",
                      help=f"ไฟล์ค่าตั้ง (ค่าเริ่มต้น {DEFAULT_CONFIG} หรือตัวแปร SHEETS_SYNC_CONFIG)"),
        click.option("--workbook", type=click.Path(), metavar="ไฟล์.xlsx", help="สมุดงาน .xlsx ในเครื่อง (ใช้ได้โดยไม่ต่ออินเทอร์เน็ต)"),
        click.option("--sheet-id", metavar="รหัส", help="รหัสหรือลิงก์ของ Google Sheets"),
        click.option("--credentials", type=click.Path(dir_okay=False), envvar="GOOGLE_APPLICATION_CREDENTIALS", metavar="ไฟล์.json",
                      help="ไฟล์กุญแจบัญชีบริการของ Google (หรือตัวแปร GOOGLE_APPLICATION_CREDENTIALS)"),
        click.option("--debug", is_flag=True, callback=_remember_debug, help=DEBUG_HELP),
    ]
    return functools.reduce(lambda f, d: d(f), reversed(decorators), func)


def period_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--as-of, --fiscal-year, --round."""
    decorators = [
        click.option("--as-of", callback=parse_date_option, metavar="วันที่",
                      help="คำนวณ ณ วันที่นี้ (ค่าเริ่มต้น: วันนี้ตามเวลาประเทศไทย); " + DATE_HELP),
        click.option("--fiscal-year", type=int, callback=_fiscal_year_option, metavar="ปี", help="ปีงบประมาณ พ.ศ. เช่น 2569"),
        click.option("--round", "round_months", type=click.IntRange(1, 12), metavar="เดือน", help="รอบติดตาม (จำนวนเดือน) เช่น 6, 9 หรือ 12"),
    ]
    return functools.reduce(lambda f, d: d(f), reversed(decorators), func)


def output_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--json, --out, --quiet."""
    decorators = [
        click.option("--json", "as_json", is_flag=True, help="พิมพ์ผลเป็น JSON สำหรับโปรแกรมอื่น"),
        click.option("--out", "out_dir", type=click.Path(file_okay=False), metavar="โฟลเดอร์", help="โฟลเดอร์ผลลัพธ์ (ค่าเริ่มต้น reports/)"),
        click.option("--quiet", is_flag=True, help="พิมพ์น้อยที่สุด: ถ้าสำเร็จไม่พิมพ์อะไร (validate พิมพ์เฉพาะบรรทัดสรุป)"),
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
    settings = settings.with_overrides(**overrides)
    _note(settings=settings)
    return settings, path


def open_backend_from(settings: Any, workbook: str | None, sheet_id: str | None, credentials: str | None, *, creating: bool = False):
    from .backends import open_backend

    # Like Google's other emulators: SHEETS_EMULATOR_HOST=host:port sends every request there.
    emulator = os.environ.get("SHEETS_EMULATOR_HOST")
    from .runlog import workbook_key

    _note(workbook=workbook_key(workbook or (None if sheet_id else settings.workbook) or None, sheet_id or settings.sheet_id or None))
    return open_backend(settings, workbook=workbook, sheet_id=sheet_id, credentials=credentials, creating=creating, emulator_host=emulator)


@click.group("sheets-sync", cls=FriendlyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="sheets-sync")
def cli() -> None:
    """sheets-sync: ทะเบียนภารกิจ แผน ตัวชี้วัด เรื่องร้องเรียน และคู่มือ จากสเปรดชีตของสำนักงาน

    ตรวจสอบข้อมูลในสเปรดชีต (Google Sheets หรือไฟล์ .xlsx) คำนวณผลการติดตามแผน คะแนนตัวชี้วัด
    และสถิติเรื่องร้องเรียน เขียนแท็บสรุปกลับลงสมุดงาน และจัดทำเอกสาร Word

    \b
    ตัวอย่าง:
        sheets-sync demo
        sheets-sync validate --workbook office.xlsx
        sheets-sync sync --sheet-id 1AbC... --credentials key.json
    """


@cli.command()
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
    from .app import run_validate
    from .present.console import issues_summary, render_issues
    from .schema.issues import Severity

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


@cli.command()
@workbook_options
def init(config_path, workbook, sheet_id, credentials, debug):
    """สร้างสมุดงานใหม่ หรือเพิ่มแท็บข้อมูลที่ยังไม่มีในสมุดงานเดิม

    หัวตาราง รายการให้เลือก วันที่ที่ตรวจได้ แถวหัวตารางตรึงไว้ และคอลัมน์รหัส/ข้อความ
    จัดรูปแบบเป็นข้อความ (รหัส 007 ไม่กลายเป็น 7) แท็บที่มีอยู่แล้วจะไม่ถูกแตะ
    และสร้างไฟล์ค่าตั้ง config/office.toml ถ้ายังไม่มี

    \b
    ตัวอย่าง:
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
        click.echo(f"สร้างไฟล์ค่าตั้ง {outcome.config_written} — แก้ชื่อสำนักงาน ผู้ลงนาม และเลขที่หนังสือก่อนออกรายงาน")


def _period(settings: Any, as_of: dt.date | None, fiscal_year: int | None, round_months: int | None):
    from .fiscal import resolve_period

    return resolve_period(as_of or today_in_bangkok(), settings.rounds, fiscal_year, round_months)


@cli.command()
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
    from .app import run_sync
    from .present.console import render_sync

    settings, _ = load_context(config_path, out_dir=out_dir)
    backend = open_backend_from(settings, workbook, sheet_id, credentials)
    period = _period(settings, as_of, fiscal_year, round_months)
    outcome = run_sync(backend, settings, period, now=dt.datetime.now(BANGKOK), out_dir=Path(settings.out_dir), force=force)
    _note_counts(outcome.results)
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
@click.option("--date", "memo_date", callback=parse_date_option, metavar="วันที่",
              help="วันที่ของบันทึกข้อความ (ค่าเริ่มต้น: วันนี้ตามเวลาประเทศไทย) ต่างจากวันที่ของข้อมูล (--as-of); "
                   "พิมพ์ได้แบบเดียวกับ --as-of เช่น 5/10/2569")
def report(config_path, workbook, sheet_id, credentials, debug, as_of, fiscal_year, round_months, as_json, out_dir, quiet, memo_date):
    """จัดทำบันทึกข้อความรายงานผลการติดตามถึงผู้ว่าราชการจังหวัด (.docx) ของรอบหนึ่ง

    ไฟล์คือ <out>/followup-FY<fy>-R<round>.docx จากแม่แบบ templates/followup_memo.docx
    บันทึกลงวันที่ --date (ค่าเริ่มต้น: วันนี้) ตัวเลขในบันทึกเป็นข้อมูล ณ --as-of
    ต้องตั้งชื่อสำนักงาน ผู้ลงนาม และเลขที่หนังสือในไฟล์ค่าตั้งก่อน (ไม่ใช้ค่าตัวอย่าง)

    \b
    ตัวอย่าง:
        sheets-sync report --workbook office.xlsx --round 6 --fiscal-year 2569
        sheets-sync report --workbook office.xlsx --as-of 30/09/2569 --date 5/10/2569
    """
    from .app import run_report

    settings, _ = load_context(config_path, out_dir=out_dir)
    backend = open_backend_from(settings, workbook, sheet_id, credentials)
    period = _period(settings, as_of, fiscal_year, round_months)
    results, path = run_report(backend, settings, period, Path(settings.out_dir), memo_date=memo_date or today_in_bangkok())
    _note_counts(results)
    if as_json:
        click.echo(json.dumps({"report": str(path), "fiscal_year": period.fiscal_year, "round": period.round}, ensure_ascii=False))
    elif not quiet:
        click.echo(f"เขียนบันทึกข้อความรายงานผลการติดตาม รอบ {period.round} เดือน ปีงบประมาณ {period.fiscal_year}: {path}")


@cli.command()
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
    from .app import run_sop
    from .present.console import manual_draft_lines

    settings, _ = load_context(config_path, out_dir=out_dir)
    backend = open_backend_from(settings, workbook, sheet_id, credentials)
    period = _period(settings, as_of, fiscal_year, round_months)
    results, paths = run_sop(backend, settings, period, Path(settings.out_dir), mission_id)
    _note_counts(results)
    if as_json:
        click.echo(json.dumps({"files": [str(p) for p in paths]}, ensure_ascii=False))
    elif not quiet:
        coverage = results.missions.sop_coverage_pct if results.missions else None
        click.echo(f"เขียนคู่มือ {len(paths)} ไฟล์ใน {Path(settings.out_dir) / 'sop'} (ร้อยละกระบวนการที่มีคู่มือ {coverage})")
        for path in paths:
            click.echo(f"  {path}")
        written = [p.stem.removeprefix("SOP-") for p in paths if p.name != "index.docx"]
        drafts = manual_draft_lines(results.missions, written)
        if drafts:
            click.echo(f"คู่มือฉบับร่าง {len(drafts)} ฉบับ (ยังไม่สมบูรณ์หรือยังไม่ได้ประกาศใช้):")
            for line in drafts:
                click.echo(line)


def invoked_as() -> str:
    """How this run was started, as a person types it again (for the demo's closing hints)."""
    import shlex
    import shutil

    argv0 = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if argv0 is None:
        return "sheets-sync"
    if argv0.name == "cli.py":
        return f"{shlex.quote(_relative(Path(sys.executable)))} {shlex.quote(_relative(argv0))}"
    if argv0.name == "sheets-sync":
        found = shutil.which("sheets-sync")
        if found and Path(found).resolve() == argv0.resolve():
            return "sheets-sync"
        return shlex.quote(_relative(argv0))
    return "sheets-sync"


def _relative(path: Path) -> str:
    absolute = path if path.is_absolute() else Path.cwd() / path
    try:
        relative = str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)
    return relative if "/" in relative else f"./{relative}"


@cli.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="reports", show_default="reports/", metavar="โฟลเดอร์",
              help="โฟลเดอร์ที่จะเขียนสมุดงานตัวอย่างและผลลัพธ์")
@click.option("--as-of", callback=parse_date_option, metavar="วันที่", help="วันที่ของข้อมูลตัวอย่าง (ค่าเริ่มต้น: วันนี้); " + DATE_HELP)
@click.option("--seed", type=int, default=2569, show_default=True, metavar="จำนวน", help="ค่าตั้งต้นของการสุ่มข้อมูลตัวอย่าง")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar="SHEETS_SYNC_CONFIG", metavar="ไฟล์",
              help="ไฟล์ค่าตั้ง (ถ้าไม่มี ใช้ค่าตั้งตัวอย่าง)")
@click.option("--debug", is_flag=True, callback=_remember_debug, help=DEBUG_HELP)
def demo(out_dir, as_of, seed, config_path, debug):
    """สร้างสมุดงานตัวอย่างของสำนักงานจังหวัดสมมุติ แล้วลองทุกคำสั่งกับสมุดงานนั้น

    ไม่ต้องต่ออินเทอร์เน็ตและไม่ต้องมีบัญชี Google สมุดงานมีแผนทั้งปี ตัวชี้วัด
    เรื่องร้องเรียนหลายร้อยเรื่อง ขั้นตอนงาน บุคลากร และข้อผิดพลาดที่จงใจใส่ไว้จำนวนหนึ่ง

    \b
    ตัวอย่าง:
        sheets-sync demo
        sheets-sync demo --as-of 30/09/2569 --out /tmp/demo
    """
    from .app import run_demo
    from .present.console import render_demo

    settings, _ = load_context(config_path, example_fallback=True, out_dir=out_dir, history_path=str(Path(out_dir) / "history.sqlite"))
    day = as_of or today_in_bangkok()
    outcome = run_demo(settings, Path(out_dir), day, seed=seed, now=dt.datetime.now(BANGKOK))
    _note(workbook=str(outcome.workbook.resolve()))
    _note_counts(outcome.sync.results)
    click.echo(render_demo(outcome, command=invoked_as(), config_path=config_path))


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
    from .app import restore_snapshot

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
    from .history import History

    _note(command="history prune")
    removed = History.from_settings(settings).prune(dt.datetime.now(BANGKOK), keep_days=keep_days, keep_snapshots=keep_snapshots)
    click.echo(f"ลบประวัติ {removed} รายการจาก {settings.history_file}")


@cli.command()
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
    from . import runlog
    from .backends import sheet_id_from

    settings, _ = load_context(config_path, out_dir=out_dir)
    sheet = sheet_id or (None if workbook else settings.sheet_id) or None
    key = runlog.workbook_key(workbook or (None if sheet else settings.workbook) or None, sheet_id_from(sheet) if sheet else None)
    latest = runlog.last_runs(runlog.read(settings.log_path), key)
    if as_json:
        click.echo(json.dumps({c: r.to_json() for c, r in latest.items()}, ensure_ascii=False, indent=2))
    else:
        click.echo(runlog.render_status(latest, settings.log_path))
    chosen = latest.get(command_name or "sync") or (list(latest.values())[-1] if latest and not command_name else None)
    sys.exit(chosen.exit_code if chosen is not None else 2)


def main() -> None:  # pragma: no cover - the console script entry point
    cli(prog_name="sheets-sync")


if __name__ == "__main__":  # pragma: no cover
    main()
