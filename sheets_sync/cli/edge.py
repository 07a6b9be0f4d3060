"""The process edge: one place that turns every failure into one Thai line and its exit code,
handles SIGTERM and Ctrl-C, and writes the run log.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..core.errors import SheetsSyncError, printable
from .thai import ThaiGroup, run_main

BANGKOK = dt.timezone(dt.timedelta(hours=7), "Asia/Bangkok")  # Thailand keeps no summer time


DEFAULT_CONFIG = "config/office.toml"


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

        from ..storage.atomic import on_termination, terminated

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
    from ..storage import runlog

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
        from ..config import load_settings

        settings = load_settings(found.get("--config") or os.environ.get("SHEETS_SYNC_CONFIG") or DEFAULT_CONFIG)
        return settings.with_output(dir=found.get("--out")).log_path
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
