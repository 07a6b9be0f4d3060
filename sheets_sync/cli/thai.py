"""Click in Thai: a catalogue for click's own strings, Thai metavars and one-line usage errors.

Click marks every string it prints with gettext (`_()` / `ngettext()`, bound per module at import
time). `install()` points those names at the Thai catalogue below, so `--help` headings, the help
and version options, `[ค่าเริ่มต้น: …]` and every usage error read in Thai; English option names,
keys and examples of commands stay as they are. A string missing from the catalogue falls back to
click's English (a test lists every string of the help and of the usage errors it exercises).

`ThaiCommand` / `ThaiGroup` give the usage line Thai metavars (`[ตัวเลือก]`, `คำสั่ง`), a Thai
word for each option's value (`ไฟล์`, `วันที่`, `จำนวน`) when the command did not set one, and
say which date a date option was read as (`ใช้วันที่ 1 ธันวาคม 2569 (--as-of 2569-12-01)`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import click

# English (as click writes it) -> Thai. Placeholders are kept; Thai has no plural forms.
CATALOGUE: dict[str, str] = {
    "Usage:": "วิธีใช้:",
    "Options": "ตัวเลือก",
    "Commands": "คำสั่ง",
    "Positional arguments": "อาร์กิวเมนต์",
    "Show this message and exit.": "แสดงวิธีใช้นี้แล้วจบ",
    "Show the version and exit.": "แสดงรุ่นของโปรแกรมแล้วจบ",
    "%(prog)s, version %(version)s": "%(prog)s รุ่น %(version)s",
    "default: {default}": "ค่าเริ่มต้น: {default}",
    "env var: {var}": "ตัวแปรสภาพแวดล้อม: {var}",
    "required": "ต้องระบุ",
    "(dynamic)": "(คำนวณตอนใช้งาน)",
    "deprecated": "เลิกใช้แล้ว",
    "Aborted!": "ยกเลิกแล้ว",
    "Error: {message}": "ข้อผิดพลาด: {message}",
    "Try '{command} {option}' for help.": "ดูวิธีใช้ด้วยคำสั่ง {command} {option}",
    "Invalid value for {param_hint}: {message}": "ค่าของ {param_hint} ไม่ถูกต้อง: {message}",
    "Invalid value: {message}": "ค่าไม่ถูกต้อง: {message}",
    "Missing argument": "ยังไม่ได้ระบุอาร์กิวเมนต์",
    "Missing option": "ยังไม่ได้ระบุตัวเลือก",
    "Missing parameter": "ยังไม่ได้ระบุค่า",
    "Missing parameter: {param_name}": "ยังไม่ได้ระบุค่า: {param_name}",
    "Missing {param_type}": "ยังไม่ได้ระบุ{param_type}",
    "Missing command.": "ยังไม่ได้ระบุคำสั่ง",
    "No such option {name!r}.": "ไม่มีตัวเลือก {name!r}",
    "No such command {name!r}.": "ไม่มีคำสั่ง {name!r}",
    "Option {name!r} does not take a value.": "ตัวเลือก {name!r} ไม่รับค่า",
    "Argument {name!r} takes {nargs} values.": "อาร์กิวเมนต์ {name!r} ต้องมี {nargs} ค่า",
    "Invalid start character for option ({option})": "ตัวเลือกขึ้นต้นด้วยอักขระที่ใช้ไม่ได้ ({option})",
    "Value must be an iterable.": "ต้องเป็นรายการของค่า",
    "Choose from:\n\t{choices}": "เลือกจาก:\n\t{choices}",
    "Choice({choices})": "ค่าใดค่าหนึ่งจาก ({choices})",
    "{value} is not in the range {range}.": "{value} ไม่อยู่ในช่วง {range}",
    "{value!r} is not a valid {number_type}.": "{value!r} ไม่ใช่ตัวเลข (ต้องพิมพ์เป็นตัวเลข)",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} ไม่ใช่ค่าจริง/เท็จ ใช้ได้: {states}",
    "{value!r} is not a valid UUID.": "{value!r} ไม่ใช่ UUID ที่ถูกต้อง",
    "file": "ไฟล์",
    "directory": "โฟลเดอร์",
    "path": "ที่อยู่ไฟล์",
    "{name} {filename!r} does not exist.": "ไม่พบ{name} {filename!r}",
    "{name} {filename!r} is a file.": "{filename!r} เป็นไฟล์ ต้องเป็นโฟลเดอร์",
    "{name} {filename!r} is a directory.": "{filename!r} เป็นโฟลเดอร์ ต้องเป็นไฟล์",
    "{name} {filename!r} is not readable.": "อ่าน{name} {filename!r} ไม่ได้ (ไม่มีสิทธิ์)",
    "{name} {filename!r} is not writable.": "เขียน{name} {filename!r} ไม่ได้ (ไม่มีสิทธิ์)",
    "{name} {filename!r} is not executable.": "{name} {filename!r} สั่งทำงานไม่ได้",
    "Could not open file {filename!r}: {message}": "เปิดไฟล์ {filename!r} ไม่ได้: {message}",
    "unknown error": "ข้อผิดพลาดที่ไม่ทราบสาเหตุ",
    "Do you want to continue?": "ต้องการทำต่อหรือไม่?",
    "Confirm the action without prompting.": "ยืนยันโดยไม่ถาม",
    "Repeat for confirmation": "พิมพ์ซ้ำเพื่อยืนยัน",
    "Error: The two entered values do not match.": "ข้อผิดพลาด: ค่าที่พิมพ์สองครั้งไม่ตรงกัน",
    "Error: invalid input": "ข้อผิดพลาด: ค่าที่พิมพ์ใช้ไม่ได้",
    "Press any key to continue...": "กดปุ่มใดก็ได้เพื่อทำต่อ...",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": "คำเตือน: คำสั่ง {name!r} เลิกใช้แล้ว{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}": "คำเตือน: {name!r} เลิกใช้แล้ว{extra_message}",
}
PLURALS: dict[str, str] = {
    "Got unexpected extra argument ({args})": "มีอาร์กิวเมนต์เกินมา ({args})",
    "Takes {nargs} values but 1 was given.": "ต้องมี {nargs} ค่า แต่ได้ 1 ค่า",
    "Did you mean {possibility}?": "หมายถึง {possibility} หรือไม่?",
    "Option {name!r} requires an argument.": "ตัวเลือก {name!r} ต้องมีค่าตามหลัง",
    "{value!r} is not {choice}.": "{value!r} ไม่ใช่ {choice}",
    "{value!r} does not match the format {format}.": "{value!r} ไม่ตรงกับรูปแบบ {format}",
    "{len_type} values are required, but {len_value} was given.": "ต้องมี {len_type} ค่า แต่ได้ {len_value} ค่า",
}
PLURALS_MANY: dict[str, str] = {
    "Got unexpected extra arguments ({args})": "มีอาร์กิวเมนต์เกินมา ({args})",
    "Takes {nargs} values but {len} were given.": "ต้องมี {nargs} ค่า แต่ได้ {len} ค่า",
    "(Did you mean one of: {possibilities}?)": "(หมายถึงค่าใดค่าหนึ่งต่อไปนี้หรือไม่: {possibilities})",
    "Option {name!r} requires {nargs} arguments.": "ตัวเลือก {name!r} ต้องมี {nargs} ค่าตามหลัง",
    "{value!r} is not one of {choices}.": "{value!r} ไม่ใช่ค่าใดค่าหนึ่งใน {choices}",
    "{value!r} does not match the formats {formats}.": "{value!r} ไม่ตรงกับรูปแบบใดเลย: {formats}",
    "{len_type} values are required, but {len_value} were given.": "ต้องมี {len_type} ค่า แต่ได้ {len_value} ค่า",
}

# A Thai word for an option's value, by click's type name, when the command set no metavar.
METAVARS = {
    "text": "ข้อความ",
    "integer": "จำนวน",
    "integer range": "จำนวน",
    "float": "ตัวเลข",
    "float range": "ตัวเลข",
    "file": "ไฟล์",
    "directory": "โฟลเดอร์",
    "path": "ไฟล์",
    "filename": "ไฟล์",
    "boolean": "จริง/เท็จ",
    "datetime": "วันที่",
}
DATE_META = "sheets_sync.dates"  # ctx.meta: [(option, value typed, date)] of the date options given


def gettext(message: str) -> str:
    return CATALOGUE.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    if n == 1:
        return PLURALS.get(singular, singular)
    return PLURALS_MANY.get(plural, plural)


_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils")


def install() -> None:
    """Point click's gettext names at the Thai catalogue (idempotent)."""
    import importlib

    for name in _MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
    # Help is wrapped at spaces only: an option name (`--as-of`) is never split at its hyphen.
    textwrap_module = importlib.import_module("click._textwrap")
    if not getattr(textwrap_module.TextWrapper, "keeps_hyphens", False):
        base = textwrap_module.TextWrapper

        class KeepHyphens(base):  # type: ignore[misc, valid-type]
            keeps_hyphens = True

            def __init__(self, *args: Any, **kwargs: Any) -> None:
                kwargs.setdefault("break_on_hyphens", False)
                super().__init__(*args, **kwargs)

        textwrap_module.TextWrapper = KeepHyphens


def _thai_metavars(params: Sequence[click.Parameter]) -> None:
    for param in params:
        if param.metavar is not None:
            continue
        if isinstance(param, click.Option) and (param.is_flag or param.count):
            continue
        if isinstance(param.type, click.Choice):
            continue  # [a|b] lists the values themselves
        word = METAVARS.get(param.type.name.lower())
        if word:
            param.metavar = word


def announce_dates(ctx: click.Context) -> None:
    """Say in Thai which date each date option was read as (stderr; not with --quiet/--json).

    Not for a date typed as its CE ISO form (`2026-03-31`), which is already what is used.
    """
    if ctx.params.get("quiet") or ctx.params.get("as_json"):
        return
    from ..core.thai_dates import thai_date

    for option, typed, day in ctx.meta.get(DATE_META, []):
        if typed.strip() == day.isoformat():
            continue  # typed as the CE ISO date itself: nothing was interpreted, a failure stays one line
        click.echo(f"ใช้วันที่ {thai_date(day)} ({option} {typed})", err=True)


class ThaiCommand(click.Command):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[ตัวเลือก]")
        super().__init__(*args, **kwargs)
        _thai_metavars(self.params)

    def invoke(self, ctx: click.Context) -> Any:
        announce_dates(ctx)
        return super().invoke(ctx)


class ThaiGroup(click.Group):
    command_class = ThaiCommand

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[ตัวเลือก]")
        kwargs.setdefault("subcommand_metavar", "คำสั่ง [ตัวเลือก]...")
        super().__init__(*args, **kwargs)
        _thai_metavars(self.params)


ThaiGroup.group_class = ThaiGroup


def usage_error_line(err: click.ClickException) -> str:
    """A usage error as one Thai line: what is wrong, and where the help is."""
    # One line; the full stop click puts after a quoted name (`'หมายเลข'.`) is not Thai punctuation.
    message = re.sub(r"(?<=['\")])\.(?=\s|$)", "", " ".join(err.format_message().split()))
    ctx = getattr(err, "ctx", None)
    path = ctx.command_path if ctx is not None else "sheets-sync"
    hint = f" (ดูวิธีใช้: {path} --help)" if isinstance(err, click.UsageError) else ""
    return f"{path}: {message}{hint}"
