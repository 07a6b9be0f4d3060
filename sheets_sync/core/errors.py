"""The small tree of failures. Data problems are never raised: they are `Issue` values.

Every failure is caught once at the CLI edge and shown as one line with its exit code.
"""


# A message names a setting the user can change by a `{key}` placeholder; the library says it in
# words, the command line as its option (`cli.edge.OPTION_NAMES`: `{out}` -> `--out`).
SETTING_WORDS = {
    "config": "ไฟล์ค่าตั้ง",
    "workbook": "ไฟล์สมุดงาน .xlsx",
    "sheet_id": "รหัส Google Sheet",
    "credentials": "ไฟล์กุญแจ service account",
    "out": "โฟลเดอร์ผลลัพธ์",
    "force": "การเขียนทับ",
    "dry_run": "การทดลองเขียนเป็นไฟล์",
    "fiscal_year": "ปีงบประมาณ",
    "as_of": "วันที่ของข้อมูล",
    "round": "รอบ",
    "init": "คำสั่งสร้างสมุดงาน",
    "by": "ชื่อผู้ปิดหรือเปิดรอบ",
    "reopen": "การเปิดรอบใหม่",
    "reason": "เหตุผลที่เปิดรอบใหม่",
    "close": "คำสั่งปิดรอบ",
    "close_list": "คำสั่งแสดงการปิดรอบ",
}


class SheetsSyncError(Exception):
    """Base of every failure the tool reports to the user as one line."""

    exit_code = 2

    def __str__(self) -> str:
        return self.render(SETTING_WORDS)

    def render(self, names: dict[str, str]) -> str:
        """The message with each `{key}` placeholder named as `names` says (the CLI: its options)."""
        text = str(self.args[0]) if self.args else ""
        for key, name in names.items():
            text = text.replace("{" + key + "}", name)
        return text


class ConfigError(SheetsSyncError):
    """The config file or a command-line option is wrong (exit 2)."""

    exit_code = 2


class WorkbookError(SheetsSyncError):
    """The workbook could not be read or written; nothing was changed (exit 3)."""

    exit_code = 3


class AccessError(WorkbookError):
    """The workbook is there but this account may not read it, or no workbook has that id (exit 3)."""


class WorkbookChangedError(WorkbookError):
    """The workbook changed on disk after it was read (a staff save): nothing was replaced (exit 3)."""


class BusyError(WorkbookError):
    """Another sync of the same workbook or sheet still runs after the wait (exit 3)."""


class OwnershipError(WorkbookError):
    """A tab with a summary name exists that the tool did not create (exit 3, use --force)."""


class OutputError(SheetsSyncError):
    """An output folder or file (results, calendar, .eml, restored .xlsx) cannot be written;
    nothing that was not finished was changed (exit 3)."""

    exit_code = 3


class DocumentError(SheetsSyncError):
    """A Word document could not be written (open in Word, no permission); exit 2."""

    exit_code = 2


class TemplateError(SheetsSyncError):
    """A Word template is missing or broken (exit 2)."""

    exit_code = 2


def printable(text: str) -> str:
    """`text` safe to print: bytes of a file name that are not UTF-8 (kept by Python as lone
    surrogates) are shown as Thai TIS-620, the legacy encoding such names come in."""
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    import re

    return re.sub(
        "[\udc80-\udcff]+",
        lambda m: bytes(ord(ch) - 0xDC00 for ch in m.group()).decode("tis_620", "replace"),
        text,
    )


_OS_REASONS = {
    "ENOSPC": "ดิสก์เต็ม",
    "EDQUOT": "เกินโควตาพื้นที่ดิสก์",
    "ENAMETOOLONG": "ชื่อไฟล์ยาวเกินที่ระบบไฟล์รับได้",
    "EACCES": "ไม่มีสิทธิ์",
    "EPERM": "ไม่ได้รับอนุญาต",
    "ENOENT": "ไม่พบไฟล์หรือโฟลเดอร์",
    "EISDIR": "เป็นโฟลเดอร์ ไม่ใช่ไฟล์",
    "ENOTDIR": "ส่วนหนึ่งของที่อยู่ไม่ใช่โฟลเดอร์",
    "EROFS": "ดิสก์เป็นแบบอ่านอย่างเดียว",
    "EIO": "อ่าน/เขียนดิสก์ผิดพลาด",
    "EBUSY": "ไฟล์ถูกใช้งานอยู่",
    "EEXIST": "มีไฟล์นี้อยู่แล้ว",
    "ETXTBSY": "ไฟล์ถูกใช้งานอยู่",
    "EMFILE": "เปิดไฟล์พร้อมกันมากเกินไป",
    "ENFILE": "เปิดไฟล์พร้อมกันมากเกินไป",
    "ELOOP": "ลิงก์วนซ้ำ",
    "EXDEV": "อยู่คนละดิสก์",
    "EINVAL": "ไม่ใช่ไฟล์ปกติ",
    "ENOTEMPTY": "โฟลเดอร์ไม่ว่าง",
    "EFBIG": "ไฟล์ใหญ่เกินไป",
}


def os_reason(err: BaseException) -> str:
    """Why an OS (or SQLite) call failed, in Thai: never the system's English text."""
    import errno as errno_names
    import sqlite3

    code = getattr(err, "errno", None)
    name = errno_names.errorcode.get(code, "") if isinstance(code, int) else ""
    if name in _OS_REASONS:
        return _OS_REASONS[name]
    if isinstance(err, sqlite3.Error):
        text = str(err).lower()
        if "full" in text:
            return _OS_REASONS["ENOSPC"]
        if "locked" in text or "busy" in text:
            return "ฐานข้อมูลถูกใช้งานอยู่"
        if "not a database" in text or "malformed" in text:
            return "ไฟล์ไม่ใช่ฐานข้อมูลหรือเสียหาย"
        if "readonly" in text:
            return "เขียนไม่ได้ (อ่านอย่างเดียว)"
        if "unable to open" in text:
            return "เปิดไฟล์ไม่ได้"
        return "ฐานข้อมูลผิดพลาด"
    strerror = getattr(err, "strerror", None)
    if isinstance(strerror, str) and any("\u0e00" <= ch <= "\u0e7f" for ch in strerror):
        return strerror  # our own Thai reason (atomic.py raises a few)
    return f"ข้อผิดพลาดของระบบ {name or code or type(err).__name__}"
