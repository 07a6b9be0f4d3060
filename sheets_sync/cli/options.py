"""The options the commands share (workbook, period, output) and the settings/backend they build."""

from __future__ import annotations

import datetime as dt
import functools
import os
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..config import Settings
from ..core.errors import ConfigError
from ..core.fiscal import Period
from ..core.thai_dates import now_in_bangkok
from .edge import DEBUG_HELP, DEFAULT_CONFIG, current_run, remember_debug
from .thai import DATE_META, install

if TYPE_CHECKING:
    from ..backends.base import Backend

install()  # click's own strings (help headings, usage errors) in Thai, before any option is built

AS_OF_RANGE = (dt.date(1900, 1, 1), dt.date(2150, 12, 31))  # fiscal years พ.ศ. 2443–2694


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
    from ..core.cells import Cell, CellKind
    from ..schema.parsers import CellProblem, parse_date

    try:
        day, _ = parse_date(Cell(CellKind.TEXT, value))
    except CellProblem as problem:
        template = DATE_OPTION_PROBLEMS.get(problem.code, "อ่าน {value!r} เป็นวันที่ไม่ได้ — " + DATE_OPTION_FORMS)
        raise click.BadParameter(template.format(value=value)) from problem
    if not AS_OF_RANGE[0] <= day <= AS_OF_RANGE[1]:
        raise ConfigError(f"{param.opts[0] if param.opts else '--as-of'} {value} อยู่นอกช่วงที่ใช้ได้ ({AS_OF_RANGE[0]} ถึง {AS_OF_RANGE[1]} ค.ศ.) — "
                          "ระบุวันที่ เช่น 2026-03-31")
    option = param.opts[0] if param.opts else f"--{param.name}"
    ctx.meta.setdefault(DATE_META, []).append((option, value, day))
    return day


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
        click.option("--debug", is_flag=True, callback=remember_debug, help=DEBUG_HELP),
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


def today_in_bangkok() -> dt.date:
    return now_in_bangkok().date()


def load_context(config_path: str | None, *, example_fallback: bool = False, out_dir: str | None = None,
                 history: str | None = None) -> tuple[Settings, Path]:
    """The settings of this run (recorded for the run log) and the config file they came from."""
    from ..config import load_settings

    explicit = config_path is not None
    path = Path(config_path) if explicit else Path(DEFAULT_CONFIG)
    if example_fallback and not explicit and not path.exists():
        # The demo run anywhere: the example office of the shipped config (signer, document no.).
        from ..app.workbook import example_config_text
        from ..config import settings_from_dict

        settings = settings_from_dict(tomllib.loads(example_config_text()), source="example config")
    else:
        settings = load_settings(path, required=explicit)
    settings = settings.with_output(dir=out_dir, history=history)
    current_run().settings = settings
    return settings, path


def workbook_named(settings: Settings, workbook: str | None, sheet_id: str | None) -> str:
    """The run log's name of the workbook the options (or the config) point at ("" when none)."""
    from ..backends import workbook_ref

    if not (workbook or sheet_id or settings.workbook.path or settings.workbook.sheet_id):
        return ""  # every workbook's runs
    return workbook_ref(settings, workbook=workbook, sheet_id=sheet_id).log_key


def open_backend_from(settings: Settings, workbook: str | None, sheet_id: str | None, credentials: str | None) -> Backend:
    """The workbook's backend (its name recorded for the run log)."""
    from ..backends import open_backend, workbook_ref

    ref = workbook_ref(settings, workbook=workbook, sheet_id=sheet_id)
    current_run().workbook = ref.log_key
    # Like Google's other emulators: SHEETS_EMULATOR_HOST=host:port sends every request there.
    return open_backend(settings, ref, credentials=credentials, emulator_host=os.environ.get("SHEETS_EMULATOR_HOST"))


def period_of(settings: Settings, as_of: dt.date | None, fiscal_year: int | None, round_months: int | None) -> Period:
    """The period the options name (as-of defaults to today in Thailand)."""
    from ..core.fiscal import resolve_period

    return resolve_period(as_of or today_in_bangkok(), settings.fiscal.rounds, fiscal_year, round_months)
