"""`demo`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..core.thai_dates import now_in_bangkok
from .edge import DEBUG_HELP, current_run, remember_debug
from .options import DATE_HELP, load_context, parse_date_option, today_in_bangkok
from .render import show
from .thai import ThaiCommand


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


@click.command(cls=ThaiCommand)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="reports", show_default="reports/", metavar="โฟลเดอร์",
              help="โฟลเดอร์ที่จะเขียนสมุดงานตัวอย่างและผลลัพธ์")
@click.option("--as-of", callback=parse_date_option, metavar="วันที่", help="วันที่ของข้อมูลตัวอย่าง (ค่าเริ่มต้น: วันนี้); " + DATE_HELP)
@click.option("--seed", type=int, default=2569, show_default=True, metavar="จำนวน", help="ค่าตั้งต้นของการสุ่มข้อมูลตัวอย่าง")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar="SHEETS_SYNC_CONFIG", metavar="ไฟล์",
              help="ไฟล์ค่าตั้ง (ถ้าไม่มี ใช้ค่าตั้งตัวอย่าง)")
@click.option("--debug", is_flag=True, callback=remember_debug, help=DEBUG_HELP)
def demo(out_dir, as_of, seed, config_path, debug):
    """สร้างสมุดงานตัวอย่างของสำนักงานจังหวัดสมมุติ แล้วลองทุกคำสั่งกับสมุดงานนั้น

    ไม่ต้องต่ออินเทอร์เน็ตและไม่ต้องมีบัญชี Google สมุดงานมีแผนทั้งปี ตัวชี้วัด
    เรื่องร้องเรียนหลายร้อยเรื่อง ขั้นตอนงาน บุคลากร และข้อผิดพลาดที่จงใจใส่ไว้จำนวนหนึ่ง

    \b
    ตัวอย่าง:
        sheets-sync demo
        sheets-sync demo --as-of 30/09/2569 --out /tmp/demo
    """
    from ..app.demo import run_demo

    settings, _ = load_context(config_path, example_fallback=True, out_dir=out_dir, history=str(Path(out_dir) / "history.sqlite"))
    outcome = run_demo(settings, as_of or today_in_bangkok(), seed=seed, now=now_in_bangkok())
    current_run().workbook = str(outcome.workbook.resolve())
    show(outcome, command=invoked_as(), config_path=config_path)
