"""The `sheets-sync` command line: parse options, load config, call one library function,
render the result, pick the exit code (0 done, 1 errors found, 2 usage/config, 3 workbook).

Failures are caught once, at the process edge (`edge.py`), and shown as one line; `--debug`
shows the traceback.
"""

from __future__ import annotations

import click

from .. import __version__
from . import closing, demo, documents, history, remind, rollup, workbook
from .edge import FriendlyGroup


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


def main() -> None:  # pragma: no cover - the console script entry point
    cli(prog_name="sheets-sync")


for _command in (workbook.validate, workbook.init, workbook.sync, documents.report, documents.sop, demo.demo,
                 remind.remind, documents.calendar, history.history, history.status, closing.close, closing.evidence,
                 rollup.rollup, rollup.rollup_report):
    cli.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    main()
