"""Settings, loaded once from `config/office.toml` into a frozen object and passed down.

Every key is optional: a missing file or key takes the default documented in the example
config. Unknown keys are an error (a typo must not silently change the office's results).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .core.emails import is_email_address
from .core.errors import ConfigError
from .core.vocabulary import DEFAULT_COMPLAINT_CATEGORIES

ALLOWED_ROUNDS = (3, 6, 9, 12)


@dataclass(frozen=True)
class Office:
    name: str = "สำนักงานจังหวัดตัวอย่าง"
    province: str = "ตัวอย่าง"
    section: str = "ฝ่ายอำนวยการ"
    document_no: str = ""  # the memo's ที่ (e.g. "ตก 0017.1/")
    addressee: str = ""  # เรียน ...; default "ผู้ว่าราชการจังหวัด<province>"
    signer_name: str = ""
    signer_position: str = ""
    emblem: str = ""  # path to the Garuda image; the repository does not ship it
    phone: str = ""


@dataclass(frozen=True)
class Settings:
    office: Office = field(default_factory=Office)
    rounds: tuple[int, ...] = (6, 9, 12)
    tolerance_points: float = 10.0
    below_level1_score: float = 1.0
    sla_days: int = 15
    complaint_categories: tuple[str, ...] = DEFAULT_COMPLAINT_CATEGORIES
    review_every_days: int = 365
    thai_digits: bool = False  # in summary tabs
    memo_thai_digits: bool = True  # in the memo to the governor
    out_dir: str = "reports"
    history_path: str = ""  # default <out_dir>/history.sqlite
    workbook: str = ""  # default .xlsx when neither --workbook nor --sheet-id is given
    sheet_id: str = ""
    credentials: str = ""
    templates_dir: str = ""  # default: the repository's templates/
    source: str = ""  # the file the settings came from ("" = defaults)
    sync_wait_seconds: float = 120.0  # a second sync of one workbook waits this long, then exit 3
    log_file: str = ""  # the run log; default <out_dir>/sheets-sync.log
    history_keep_personal_data: bool = False  # false: personal-data columns kept only as a keyed hash
    history_keep_days: int = 400
    history_keep_snapshots: int = 0  # 0 = no limit by count

    @property
    def log_path(self) -> Path:
        return Path(self.log_file) if self.log_file else Path(self.out_dir) / "sheets-sync.log"
    # reminders and calendar (outputs.md "Reminders", "Calendar")
    remind_due_within_days: int = 14
    remind_memo_due_days: int = 15  # the round's memo is due this many days after the round ends
    remind_head_email: str = ""  # the section head, who gets the summary
    remind_head_name: str = ""  # default: office.signer_name
    remind_complaint_units: tuple[tuple[str, str], ...] = ()  # (unit as in หน่วยงานที่รับผิดชอบ, or "*") -> person
    mail_host: str = ""
    mail_port: int = 587
    mail_security: str = "starttls"  # starttls, ssl or none
    mail_username: str = ""
    mail_password_env: str = "SHEETS_SYNC_SMTP_PASSWORD"  # the NAME of the variable; never the password
    mail_from: str = ""
    mail_from_name: str = ""  # default: office.section
    mail_cafile: str = ""

    @property
    def history_file(self) -> Path:
        return Path(self.history_path) if self.history_path else Path(self.out_dir) / "history.sqlite"

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


# TOML section.key -> Settings attribute (office.* go to Office)
_KEYS = {
    ("fiscal", "rounds"): "rounds",
    ("plan", "tolerance_points"): "tolerance_points",
    ("kpi", "below_level1_score"): "below_level1_score",
    ("complaints", "sla_days"): "sla_days",
    ("complaints", "categories"): "complaint_categories",
    ("sop", "review_every_days"): "review_every_days",
    ("output", "thai_digits"): "thai_digits",
    ("output", "memo_thai_digits"): "memo_thai_digits",
    ("output", "dir"): "out_dir",
    ("output", "history"): "history_path",
    ("output", "templates"): "templates_dir",
    ("workbook", "path"): "workbook",
    ("workbook", "sheet_id"): "sheet_id",
    ("workbook", "credentials"): "credentials",
    ("sync", "wait_seconds"): "sync_wait_seconds",
    ("log", "file"): "log_file",
    ("history", "keep_personal_data"): "history_keep_personal_data",
    ("history", "keep_days"): "history_keep_days",
    ("history", "keep_snapshots"): "history_keep_snapshots",
    ("remind", "due_within_days"): "remind_due_within_days",
    ("remind", "memo_due_days"): "remind_memo_due_days",
    ("remind", "head_email"): "remind_head_email",
    ("remind", "head_name"): "remind_head_name",
    ("remind", "complaint_units"): "remind_complaint_units",
    ("mail", "host"): "mail_host",
    ("mail", "port"): "mail_port",
    ("mail", "security"): "mail_security",
    ("mail", "username"): "mail_username",
    ("mail", "password_env"): "mail_password_env",
    ("mail", "from"): "mail_from",
    ("mail", "from_name"): "mail_from_name",
    ("mail", "cafile"): "mail_cafile",
}


# What each key holds, in Thai, for the error that names a wrong value.
_EXPECTED = {
    "rounds": "รายการรอบจาก 3, 6, 9, 12 เช่น [6, 9, 12]",
    "tolerance_points": "ตัวเลข เช่น 10",
    "below_level1_score": "ตัวเลข เช่น 1 หรือ 0",
    "sla_days": "จำนวนเต็มมากกว่า 0 เช่น 15",
    "review_every_days": "จำนวนเต็มมากกว่า 0 เช่น 365",
    "complaint_categories": "รายการข้อความ เช่น [\"ที่ดิน\", \"หนี้สิน\"]",
    "thai_digits": "true หรือ false",
    "memo_thai_digits": "true หรือ false",
    "remind_due_within_days": "จำนวนเต็มตั้งแต่ 0 เช่น 14",
    "remind_memo_due_days": "จำนวนเต็มตั้งแต่ 0 เช่น 15",
    "mail_port": "เลขพอร์ต 1–65535 เช่น 587",
    "mail_security": "\"starttls\", \"ssl\" หรือ \"none\"",
    "remind_complaint_units": "ตาราง หน่วยงาน = \"ชื่อ-สกุล\" เช่น \"อำเภอเมือง\" = \"นายสมชาย ใจดี\"",
    "sync_wait_seconds": "จำนวนวินาที 0–86400 เช่น 120",
    "history_keep_personal_data": "true หรือ false",
    "history_keep_days": "จำนวนเต็ม 1–36500 เช่น 400",
    "history_keep_snapshots": "จำนวนเต็มตั้งแต่ 0 (0 = ไม่จำกัด)",
}
_FINITE = "ตัวเลขจริง ไม่ใช่ nan หรือ inf"
# number keys: (lowest, highest) allowed
_NUMBER_RANGES = {"tolerance_points": (-1e6, 1e6), "below_level1_score": (-1e6, 1e6), "sync_wait_seconds": (0, 86400)}
# whole-number keys: (lowest, highest) allowed
_WHOLE_RANGES = {"remind_due_within_days": (0, None), "remind_memo_due_days": (0, None), "mail_port": (1, 65535),
                 "sla_days": (1, 3650), "review_every_days": (1, 36500), "history_keep_days": (1, 36500),
                 "history_keep_snapshots": (0, None)}
_TEXT = "ข้อความในเครื่องหมายคำพูด เช่น \"...\""


class _BadValue(Exception):
    def __init__(self, key: str, expected: str, value: Any) -> None:
        super().__init__(key)
        self.key, self.expected, self.value = key, expected, value


def load_settings(path: str | Path | None, *, required: bool = False) -> Settings:
    """Read the TOML config. A missing file gives the defaults unless `required`."""
    if path is None:
        return Settings()
    path = Path(path)
    if not path.exists():
        if required:
            raise ConfigError(f"ไม่พบไฟล์ค่าตั้ง {path} — สร้างด้วย sheets-sync init หรือระบุ --config")
        return Settings()
    try:
        text = path.read_text(encoding="utf-8")
    except IsADirectoryError:
        raise ConfigError(f"ไฟล์ค่าตั้ง {path} เป็นโฟลเดอร์ — ระบุไฟล์ .toml") from None
    except UnicodeDecodeError:
        raise ConfigError(f"ไฟล์ค่าตั้ง {path} ไม่ได้บันทึกเป็น UTF-8 — บันทึกใหม่เป็น UTF-8 แล้วลองอีกครั้ง") from None
    except OSError as err:
        raise ConfigError(f"อ่านไฟล์ค่าตั้ง {path} ไม่ได้ ({err.strerror})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(toml_error_line(path, text, err)) from None
    return settings_from_dict(data, source=str(path), text=text)


# tomllib's messages (Python 3.11 has them only as text) -> Thai.
_TOML_MESSAGES = (
    (r"Illegal character '\\n'", "ข้อความขาดเครื่องหมายคำพูดปิด (\") ก่อนสิ้นบรรทัด"),
    (r"Illegal character .*", "มีอักขระที่ใช้ไม่ได้"),
    (r"Unterminated string", "ข้อความขาดเครื่องหมายคำพูดปิด (\")"),
    (r"Invalid value", "ค่าไม่ถูกต้อง — ข้อความต้องอยู่ในเครื่องหมายคำพูด \"...\" ตัวเลขไม่ต้องมี"),
    (r"Unclosed array", "รายการ [ ... ] ไม่มีวงเล็บปิด ]"),
    (r"Unclosed inline table", "ตาราง { ... } ไม่มีวงเล็บปิด }"),
    (r"Expected '=' after a key in a key/value pair", "ขาดเครื่องหมาย = ระหว่างชื่อค่าตั้งกับค่า"),
    (r"Expected '\]' at the end of a table declaration", "ชื่อหมวด [ ... ] ไม่มีวงเล็บปิด ]"),
    (r"Expected newline or end of document after a statement", "มีข้อความเกินมาหลังค่า — หนึ่งบรรทัดมีได้หนึ่งค่า (หมายเหตุขึ้นต้นด้วย #)"),
    (r"Cannot declare .* twice", "หมวดนี้ประกาศซ้ำ — รวมค่าตั้งไว้ใต้หมวดเดียว"),
    (r"Cannot overwrite a value", "ค่าตั้งนี้กำหนดซ้ำ — ลบบรรทัดที่ซ้ำออก"),
    (r"Invalid statement", "บรรทัดนี้ไม่ใช่ค่าตั้ง — ใช้รูปแบบ ชื่อ = ค่า"),
    (r"Invalid initial character for a key part", "ชื่อค่าตั้งขึ้นต้นด้วยอักขระที่ใช้ไม่ได้"),
    (r"Invalid date or datetime", "วันที่ไม่ถูกต้อง"),
    (r"Unescaped '\\' in a string", "มีเครื่องหมาย \\ ในข้อความ — ใช้ / แทน หรือใช้เครื่องหมายคำพูดเดี่ยว '...'"),
)


def toml_error_line(path: Path, text: str, err: Exception) -> str:
    """A TOML syntax error as one Thai line: file, line, column, what is wrong, the line itself."""
    import re

    message = str(err)
    where = re.search(r" \(at line (\d+), column (\d+)\)$", message)
    at_end = message.endswith("(at end of document)")
    core = re.sub(r" \((at line \d+, column \d+|at end of document)\)$", "", message)
    thai = next((th for pattern, th in _TOML_MESSAGES if re.fullmatch(pattern, core)), f"รูปแบบไม่ถูกต้อง ({core})")
    if where:
        line, column = int(where[1]), int(where[2])
        lines = text.splitlines()
        shown = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        quoted = f": {shown}" if shown else ""
        return f"ไฟล์ค่าตั้ง {path} บรรทัด {line} คอลัมน์ {column}: {thai}{quoted}"
    tail = " (ท้ายไฟล์)" if at_end else ""
    return f"ไฟล์ค่าตั้ง {path}{tail}: {thai}"


def key_line(text: str, dotted: str) -> int | None:
    """The line (1-based) where `section.key` is set in the TOML text, when it can be found."""
    import re

    section, _, key = dotted.rpartition(".")
    current = ""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if header := re.match(r"^\[\s*([^\]]+?)\s*\]", stripped):
            current = header[1].strip().strip('"')
            if current == dotted:  # a table such as [remind.complaint_units]
                return number
            continue
        if not key:
            continue
        if current == section and re.match(rf"^\"?{re.escape(key)}\"?\s*=", stripped):
            return number
        if not current and re.match(rf"^{re.escape(section)}\s*\.\s*{re.escape(key)}\s*=", stripped):
            return number
    return None


def _where(source: str, text: str | None, dotted: str) -> str:
    line = key_line(text, dotted) if text else None
    where = f"ไฟล์ค่าตั้ง {source or 'config'}"
    return f"{where} บรรทัด {line}" if line else where


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def settings_from_dict(data: dict[str, Any], source: str = "", text: str | None = None) -> Settings:
    office_fields = {f.name for f in fields(Office)}
    office_data = data.get("office", {})
    if not isinstance(office_data, dict):
        raise ConfigError(f"{_where(source, text, 'office')}: office ต้องเป็นหมวด [office]")
    unknown = [f"office.{k}" for k in office_data if k not in office_fields]
    values: dict[str, Any] = {}
    keys_of: dict[str, str] = {}
    for section, table in data.items():
        if section == "office":
            continue
        if not isinstance(table, dict):
            unknown.append(section)
            continue
        for key, value in table.items():
            attr = _KEYS.get((section, key))
            if attr is None:
                unknown.append(f"{section}.{key}")
            else:
                values[attr] = value
                keys_of[attr] = f"{section}.{key}"
    if unknown:
        first = _where(source, text, unknown[0])
        raise ConfigError(f"{first}: ค่าตั้งที่ไม่รู้จัก {', '.join(unknown)} — ตรวจการสะกด (ดูรายการที่ใช้ได้ใน office.example.toml)")
    for key, value in office_data.items():
        if not isinstance(value, str):
            dotted = f"office.{key}"
            raise ConfigError(f"{_where(source, text, dotted)}: {dotted} ต้องเป็น{_TEXT} (พบ {_shown(value)})")
    try:
        coerced = _coerce(values)
    except _BadValue as bad:
        dotted = keys_of.get(bad.key, bad.key)
        raise ConfigError(f"{_where(source, text, dotted)}: {dotted} ต้องเป็น{bad.expected} (พบ {_shown(bad.value)})") from None
    settings = Settings(office=Office(**office_data), source=source, **coerced)
    for attr, value in (("remind_head_email", settings.remind_head_email), ("mail_from", settings.mail_from)):
        if value and not is_email_address(value):
            dotted = keys_of.get(attr, attr)
            raise ConfigError(f"{_where(source, text, dotted)}: {dotted} ไม่ใช่ที่อยู่อีเมล (พบ \"{value}\") — เช่น somchai@example.go.th")
    return settings


def _coerce(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)

    def number(key: str) -> float:
        value = out[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _BadValue(key, _EXPECTED[key], value)
        try:
            number = float(value)
        except OverflowError:
            raise _BadValue(key, _EXPECTED[key], value) from None
        if not math.isfinite(number):  # TOML allows nan and inf: they must never reach the computation
            raise _BadValue(key, _FINITE, value)
        return number

    if "rounds" in out:
        rounds = out["rounds"]
        if not isinstance(rounds, list) or not rounds or any(isinstance(r, bool) or r not in ALLOWED_ROUNDS for r in rounds):
            raise _BadValue("rounds", _EXPECTED["rounds"], rounds)
        out["rounds"] = tuple(sorted({int(r) for r in rounds}))
    if "complaint_categories" in out:
        categories = out["complaint_categories"]
        if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
            raise _BadValue("complaint_categories", _EXPECTED["complaint_categories"], categories)
        out["complaint_categories"] = tuple(categories)
    for key in ("tolerance_points", "below_level1_score", "sync_wait_seconds"):
        if key in out:
            out[key] = number(key)
            low, high = _NUMBER_RANGES[key]
            if not low <= out[key] <= high:
                raise _BadValue(key, _EXPECTED.get(key, f"ตัวเลขระหว่าง {low:g} ถึง {high:g}"), values[key])
    for key in ("sla_days", "review_every_days", "remind_due_within_days", "remind_memo_due_days", "mail_port",
                "history_keep_days", "history_keep_snapshots"):
        if key in out:
            value = number(key)
            low, high = _WHOLE_RANGES.get(key, (1, None))
            if not value.is_integer() or value < low or (high is not None and value > high):
                raise _BadValue(key, _EXPECTED[key], out[key])
            out[key] = int(value)
    for key in ("thai_digits", "memo_thai_digits", "history_keep_personal_data"):
        if key in out and not isinstance(out[key], bool):
            raise _BadValue(key, _EXPECTED[key], out[key])
    if "remind_complaint_units" in out:
        table = out["remind_complaint_units"]
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            raise _BadValue("remind_complaint_units", _EXPECTED["remind_complaint_units"], table)
        out["remind_complaint_units"] = tuple((str(k), v) for k, v in table.items())
    if "mail_security" in out and out["mail_security"] not in ("starttls", "ssl", "none"):
        raise _BadValue("mail_security", _EXPECTED["mail_security"], out["mail_security"])
    text_keys = ("out_dir", "history_path", "templates_dir", "workbook", "sheet_id", "credentials", "log_file")
    for key in [*text_keys, *(k for k in out if k.startswith(("remind_head", "mail_")) and k != "mail_port")]:
        if key in out and not isinstance(out[key], str):
            raise _BadValue(key, _TEXT, out[key])
    return out


# office keys a memo must not be signed with while they hold the shipped example's values
EXAMPLE_CHECKED_KEYS = ("name", "signer_name", "document_no")


def example_office_keys(office: Office) -> list[str]:
    """The office keys (`office.name` …) still at the example config's value, or empty."""
    from importlib import resources  # the example config ships in the wheel as package data

    example_text = resources.files("sheets_sync.data").joinpath("office.example.toml").read_text(encoding="utf-8")
    example = tomllib.loads(example_text).get("office", {})
    left = []
    for key in EXAMPLE_CHECKED_KEYS:
        value = getattr(office, key).strip()
        if not value or value == str(example.get(key, "")).strip() or value == getattr(Office(), key):
            left.append(f"office.{key}")
    return left
