"""The process edge: the one place that turns every failure into one Thai line and its exit code,
handles SIGTERM and Ctrl-C, and writes the run log from the run's `RunRecord`.

A command never catches a failure itself: it fills in the record (settings, workbook, issue
counts) and lets a `SheetsSyncError` rise to `run_at_edge`.
"""

from __future__ import annotations

import os
import signal
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from ..config import Settings
from ..core.errors import SheetsSyncError, printable
from .thai import ThaiGroup, usage_error_line

DEFAULT_CONFIG = "config/office.toml"
DEBUG_HELP = "แสดงรายละเอียดภายในของข้อผิดพลาด (สำหรับผู้ดูแลระบบ)"
STOPPED = "sheets-sync: หยุดตามสัญญาณ SIGTERM — ลบไฟล์ชั่วคราวแล้ว ไม่ได้เปลี่ยนแปลงอะไรที่ยังเขียนไม่เสร็จ"
INTERRUPTED = "sheets-sync: หยุดตามคำสั่ง (ไม่ได้เปลี่ยนแปลงอะไรที่ยังเขียนไม่เสร็จ)"

# How the command line names the settings a library message points at (core.errors.SETTING_WORDS).
OPTION_NAMES = {
    "config": "--config",
    "workbook": "--workbook",
    "sheet_id": "--sheet-id",
    "credentials": "--credentials",
    "out": "--out",
    "force": "--force",
    "dry_run": "--dry-run",
    "fiscal_year": "--fiscal-year",
    "as_of": "--as-of",
    "round": "--round",
    "init": "sheets-sync init",
    "by": "--by",
    "reopen": "--reopen",
    "reason": "--reason",
    "close": "sheets-sync close --round N",
    "close_list": "sheets-sync close --list",
}


class Interrupted(Exception):
    """Ctrl-C while a command runs (carried past click to `run_at_edge`)."""


@dataclass
class RunRecord:
    """What the run log says about one run, filled in as the run goes (one per process)."""

    args: list[str] = field(default_factory=list)  # as typed, for a run that fails before its options are read
    command: str = ""  # `sync`, `history restore`, … ("" until a command is chosen)
    settings: Settings | None = None
    workbook: str = ""  # the run log's name of the workbook (WorkbookRef.log_key)
    errors: int | None = None
    warnings: int | None = None
    failure: str = ""  # the one line shown
    debug: bool = False

    @property
    def wants_traceback(self) -> bool:
        return self.debug or os.environ.get("SHEETS_SYNC_DEBUG") == "1"


def current_run() -> RunRecord:
    """The record of this run (a throwaway one when a command runs outside `sheets-sync`)."""
    ctx = click.get_current_context(silent=True)
    found = ctx.find_object(RunRecord) if ctx is not None else None
    return found if found is not None else RunRecord()


class FriendlyGroup(ThaiGroup):
    """`sheets-sync` and its sub-groups: every run goes through `run_at_edge`; the record learns
    which command runs as click resolves it."""

    def main(self, args: Any = None, prog_name: Any = None, complete_var: Any = None, standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        argv = list(sys.argv[1:] if args is None else args)
        record = RunRecord(args=[str(a) for a in argv])
        sys.exit(run_at_edge(lambda: super(FriendlyGroup, self).main(argv, prog_name, complete_var, False, obj=record, **extra), record))

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as err:  # past click, which would print a blank line and abort
            raise Interrupted from err

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        record = ctx.find_object(RunRecord)
        if record is not None and name:
            record.command = f"{record.command} {name}".strip() if ctx.parent is not None else name
        return name, command, rest


FriendlyGroup.group_class = FriendlyGroup


def run_at_edge(call: Callable[[], Any], record: RunRecord) -> int:
    """Run the command line; return its exit code. Signals, the unraisable hook and the run log."""
    from ..storage.atomic import on_termination, terminated

    started, code = time.monotonic(), 2
    previous = signal.signal(signal.SIGTERM, on_termination)  # temp files removed, exit 143
    previous_hook = sys.unraisablehook
    sys.unraisablehook = _quiet_stop_in_finalizer(previous_hook)
    try:
        code = _exit_code_of(call, record)
    finally:
        signal.signal(signal.SIGTERM, previous)
        sys.unraisablehook = previous_hook
        if terminated():
            code = 128 + terminated()
            record.failure = "หยุดตามสัญญาณ"
            click.echo(STOPPED, err=True)
        _log_run(record, code, time.monotonic() - started)
    return code


def _exit_code_of(call: Callable[[], Any], record: RunRecord) -> int:
    """The one place a failure is caught and shown as one line."""
    try:
        result = call()
        return result if isinstance(result, int) else 0
    except click.exceptions.NoArgsIsHelpError as err:
        err.show()  # `sheets-sync` alone: the (Thai) help itself, as click does (exit 2)
        return err.exit_code
    except click.ClickException as err:
        record.failure = err.format_message()
        click.echo(usage_error_line(err), err=True)
        return err.exit_code
    except click.exceptions.Abort as err:
        if isinstance(err.__cause__, KeyboardInterrupt):
            return _interrupted(record)
        click.echo("sheets-sync: ยกเลิกแล้ว", err=True)
        return 1
    except (KeyboardInterrupt, Interrupted):
        return _interrupted(record)
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except SheetsSyncError as err:
        if record.wants_traceback:
            traceback.print_exc()  # the detail, but the exit code stays the documented one
        record.failure = err.render(OPTION_NAMES)
        click.echo(f"sheets-sync: {printable(record.failure)}", err=True)
        return err.exit_code
    except Exception as err:  # noqa: BLE001 - the last line of defence: never a traceback
        if record.wants_traceback:
            traceback.print_exc()
        record.failure = f"ข้อผิดพลาดภายใน {type(err).__name__}"
        click.echo(
            f"sheets-sync: เกิดข้อผิดพลาดภายในโปรแกรม ({type(err).__name__}: {printable(str(err))}) — "
            "ไม่ได้เขียนอะไรที่ยังไม่เสร็จ สั่งใหม่พร้อม --debug แล้วแจ้งผู้ดูแลระบบ",
            err=True,
        )
        return 2


def _interrupted(record: RunRecord) -> int:
    record.failure = "หยุดตามคำสั่ง"
    click.echo(INTERRUPTED, err=True)
    return 130


def _quiet_stop_in_finalizer(previous: Callable[..., Any]) -> Callable[..., Any]:
    """A stop signal that lands inside a finalizer is not an error to print (atomic.terminated)."""

    def hook(unraisable: Any) -> None:
        if isinstance(unraisable.exc_value, (SystemExit, KeyboardInterrupt)):
            return
        previous(unraisable)

    return hook


def _log_run(record: RunRecord, code: int, duration: float) -> None:
    """One line in the run log for every command run (not `status`, `--help` or `--version`)."""
    from ..storage import runlog

    if not record.command or record.command == "status" or (record.settings is None and code == 0):
        return
    log_file = record.settings.log_path if record.settings is not None else _fallback_log(record.args)
    runlog.append(log_file, runlog.Run(
        time=runlog.now_iso(), command=record.command, workbook=record.workbook,
        outcome=runlog.outcome_of(code), exit_code=code, errors=record.errors, warnings=record.warnings,
        duration_s=round(duration, 3), message=record.failure.splitlines()[0] if record.failure else "",
    ))


def _fallback_log(args: list[str]) -> Path:
    """The log of a run that failed before its settings were loaded (a usage or config error):
    from its --config/--out when they can still be read, else the default place."""
    found: dict[str, str] = {}
    for i, arg in enumerate(args):
        for name in ("--config", "--out"):
            if arg == name and i + 1 < len(args):
                found[name] = args[i + 1]
            elif arg.startswith(name + "="):
                found[name] = arg.split("=", 1)[1]
    try:
        from ..config import load_settings

        settings = load_settings(found.get("--config") or os.environ.get("SHEETS_SYNC_CONFIG") or DEFAULT_CONFIG)
        return settings.with_output(dir=found.get("--out")).log_path
    except Exception:  # noqa: BLE001 - a broken config: the default place
        return Path(found.get("--out") or "reports") / "sheets-sync.log"


def remember_debug(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    """`--debug`: the record shows the traceback of a failure (any command level may set it)."""
    record = ctx.find_object(RunRecord)
    if record is not None:
        record.debug = record.debug or value
    return value
