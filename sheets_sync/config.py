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
from .core.errors import ConfigError, os_reason
from .core.fiscal import DEFAULT_ROUNDS
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
    # the positions the memo passes through on its way up (เรียน ผู้ว่าฯ (ผ่าน …)); each gets a
    # space for a comment and a signature; [] when the section head writes to the governor direct
    via: tuple[str, ...] = ("หัวหน้าสำนักงานจังหวัด",)


@dataclass(frozen=True)
class Fiscal:
    rounds: tuple[int, ...] = DEFAULT_ROUNDS


@dataclass(frozen=True)
class Plan:
    tolerance_points: float = 10.0


@dataclass(frozen=True)
class Kpi:
    below_level1_score: float = 1.0


@dataclass(frozen=True)
class Complaints:
    sla_days: int = 15
    categories: tuple[str, ...] = DEFAULT_COMPLAINT_CATEGORIES


@dataclass(frozen=True)
class Sop:
    review_every_days: int = 365


@dataclass(frozen=True)
class Output:
    thai_digits: bool = False  # in summary tabs
    memo_thai_digits: bool = True  # in the memo to the governor
    dir: str = "reports"
    history: str = ""  # default <dir>/history.sqlite
    templates: str = ""  # default: the package's templates


@dataclass(frozen=True)
class Source:
    """`[workbook]`: the workbook a command reads when neither --workbook nor --sheet-id is given."""

    path: str = ""
    sheet_id: str = ""
    credentials: str = ""


@dataclass(frozen=True)
class Sync:
    wait_seconds: float = 120.0  # a second sync of one workbook waits this long, then exit 3


@dataclass(frozen=True)
class Log:
    file: str = ""  # the run log; default <output.dir>/sheets-sync.log


@dataclass(frozen=True)
class HistoryPolicy:
    keep_personal_data: bool = False  # false: personal data kept only as a keyed hash
    keep_days: int = 400
    keep_snapshots: int = 0  # 0 = no limit by count


@dataclass(frozen=True)
class Remind:
    """outputs.md "Reminders" and "Calendar"."""

    due_within_days: int = 14
    memo_due_days: int = 15  # the round's memo is due this many days after the round ends
    head_email: str = ""  # the section head, who gets the summary
    head_name: str = ""  # default: office.signer_name
    complaint_units: tuple[tuple[str, str], ...] = ()  # (unit as in หน่วยงานที่รับผิดชอบ, or "*") -> person


@dataclass(frozen=True)
class Close:
    """shared/spec/closing.md: who may still edit a closed round's result column (Google Sheets)."""

    editors: tuple[str, ...] = ()  # e-mail addresses, besides the service account


@dataclass(frozen=True)
class Mail:
    host: str = ""
    port: int = 587
    security: str = "starttls"  # starttls, ssl or none
    username: str = ""
    password_env: str = "SHEETS_SYNC_SMTP_PASSWORD"  # the NAME of the variable; never the password
    from_: str = ""  # TOML `from`
    from_name: str = ""  # default: office.section
    cafile: str = ""


@dataclass(frozen=True)
class Rollup:
    """`[rollup]`: the ministry's roll-up of every provincial office (ministry.md)."""

    workers: int = 4  # provinces read at once (.xlsx: processes; Google Sheets: threads)
    reads_per_window: int = 50  # Sheets read requests in any window (Google: 60 a minute per user)
    quota_window_seconds: float = 60.0
    sop_target_pct: float = 80.0  # the SOP coverage a province should reach


@dataclass(frozen=True)
class Settings:
    """Every setting, grouped as the TOML file groups them (`[complaints] sla_days` is
    `settings.complaints.sla_days`); a function takes only the group it needs."""

    office: Office = field(default_factory=Office)
    fiscal: Fiscal = field(default_factory=Fiscal)
    plan: Plan = field(default_factory=Plan)
    kpi: Kpi = field(default_factory=Kpi)
    complaints: Complaints = field(default_factory=Complaints)
    sop: Sop = field(default_factory=Sop)
    output: Output = field(default_factory=Output)
    workbook: Source = field(default_factory=Source)
    sync: Sync = field(default_factory=Sync)
    log: Log = field(default_factory=Log)
    history: HistoryPolicy = field(default_factory=HistoryPolicy)
    remind: Remind = field(default_factory=Remind)
    mail: Mail = field(default_factory=Mail)
    rollup: Rollup = field(default_factory=Rollup)
    close: Close = field(default_factory=Close)
    source: str = ""  # the file the settings came from ("" = defaults)

    @property
    def out_dir(self) -> Path:
        return Path(self.output.dir)

    @property
    def history_file(self) -> Path:
        return Path(self.output.history) if self.output.history else self.out_dir / "history.sqlite"

    @property
    def log_path(self) -> Path:
        return Path(self.log.file) if self.log.file else self.out_dir / "sheets-sync.log"

    def with_output(self, dir: str | None = None, history: str | None = None) -> Settings:
        """The same settings writing to another output folder (--out) or history file."""
        changes = {k: v for k, v in (("dir", dir), ("history", history)) if v is not None}
        return replace(self, output=replace(self.output, **changes)) if changes else self


# The TOML sections and their groups (office.* is checked on its own).
GROUPS: dict[str, type] = {
    "fiscal": Fiscal, "plan": Plan, "kpi": Kpi, "complaints": Complaints, "sop": Sop, "output": Output,
    "workbook": Source, "sync": Sync, "log": Log, "history": HistoryPolicy, "remind": Remind, "mail": Mail,
    "rollup": Rollup, "close": Close,
}


def _field_name(key: str) -> str:
    return "from_" if key == "from" else key


# What each key holds, in Thai, for the error that names a wrong value.
_EXPECTED = {
    "fiscal.rounds": "รายการรอบจาก 3, 6, 9, 12 เช่น [6, 9, 12]",
    "plan.tolerance_points": "ตัวเลข เช่น 10",
    "kpi.below_level1_score": "ตัวเลข เช่น 1 หรือ 0",
    "complaints.sla_days": "จำนวนเต็มมากกว่า 0 เช่น 15",
    "sop.review_every_days": "จำนวนเต็มมากกว่า 0 เช่น 365",
    "complaints.categories": "รายการข้อความ เช่น [\"ที่ดิน\", \"หนี้สิน\"]",
    "close.editors": "รายการอีเมล เช่น [\"kpi.head@example.go.th\"]",
    "output.thai_digits": "true หรือ false",
    "output.memo_thai_digits": "true หรือ false",
    "remind.due_within_days": "จำนวนเต็มตั้งแต่ 0 เช่น 14",
    "remind.memo_due_days": "จำนวนเต็มตั้งแต่ 0 เช่น 15",
    "mail.port": "เลขพอร์ต 1–65535 เช่น 587",
    "mail.security": "\"starttls\", \"ssl\" หรือ \"none\"",
    "remind.complaint_units": "ตาราง หน่วยงาน = \"ชื่อ-สกุล\" เช่น \"อำเภอเมือง\" = \"นายสมชาย ใจดี\"",
    "sync.wait_seconds": "จำนวนวินาที 0–86400 เช่น 120",
    "history.keep_personal_data": "true หรือ false",
    "history.keep_days": "จำนวนเต็ม 1–36500 เช่น 400",
    "history.keep_snapshots": "จำนวนเต็มตั้งแต่ 0 (0 = ไม่จำกัด)",
    "rollup.workers": "จำนวนเต็ม 1–64 เช่น 4",
    "rollup.reads_per_window": "จำนวนเต็ม 1–300 เช่น 50",
    "rollup.quota_window_seconds": "จำนวนวินาทีมากกว่า 0 ถึง 3600 เช่น 60",
    "rollup.sop_target_pct": "ร้อยละ 0–100 เช่น 80",
}
_FINITE = "ตัวเลขจริง ไม่ใช่ nan หรือ inf"
# number keys: (lowest, highest) allowed
_NUMBER_RANGES = {"plan.tolerance_points": (-1e6, 1e6), "kpi.below_level1_score": (-1e6, 1e6), "sync.wait_seconds": (0, 86400),
                  "rollup.quota_window_seconds": (0.001, 3600), "rollup.sop_target_pct": (0, 100)}
# whole-number keys: (lowest, highest) allowed
_WHOLE_RANGES = {"remind.due_within_days": (0, None), "remind.memo_due_days": (0, None), "mail.port": (1, 65535),
                 "complaints.sla_days": (1, 3650), "sop.review_every_days": (1, 36500), "history.keep_days": (1, 36500),
                 "history.keep_snapshots": (0, None), "rollup.workers": (1, 64), "rollup.reads_per_window": (1, 300)}
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
            raise ConfigError(f"ไม่พบไฟล์ค่าตั้ง {path} — สร้างด้วย sheets-sync init หรือระบุ {{config}}")
        return Settings()
    try:
        text = path.read_text(encoding="utf-8")
    except IsADirectoryError as err:
        raise ConfigError(f"ไฟล์ค่าตั้ง {path} เป็นโฟลเดอร์ — ระบุไฟล์ .toml") from err
    except UnicodeDecodeError as err:
        raise ConfigError(f"ไฟล์ค่าตั้ง {path} ไม่ได้บันทึกเป็น UTF-8 — บันทึกใหม่เป็น UTF-8 แล้วลองอีกครั้ง") from err
    except OSError as err:
        raise ConfigError(f"อ่านไฟล์ค่าตั้ง {path} ไม่ได้ ({os_reason(err)})") from err
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(toml_error_line(path, text, err)) from err
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
    values: dict[str, Any] = {}  # "section.key" -> value
    for section, table in data.items():
        if section == "office":
            continue
        group = GROUPS.get(section)
        if group is None or not isinstance(table, dict):
            unknown.append(section)
            continue
        names = {f.name for f in fields(group)}
        for key, value in table.items():
            if _field_name(key) in names:
                values[f"{section}.{key}"] = value
            else:
                unknown.append(f"{section}.{key}")
    if unknown:
        first = _where(source, text, unknown[0])
        raise ConfigError(f"{first}: ค่าตั้งที่ไม่รู้จัก {', '.join(unknown)} — ตรวจการสะกด (ดูรายการที่ใช้ได้ในไฟล์ตัวอย่าง {example_config_path()})")
    office_data = dict(office_data)
    for key, value in office_data.items():
        if key == "via":
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise ConfigError(f"{_where(source, text, 'office.via')}: office.via ต้องเป็นรายการตำแหน่ง เช่น [\"หัวหน้าสำนักงานจังหวัด\"] (พบ {_shown(value)})")
            continue
        if not isinstance(value, str):
            dotted = f"office.{key}"
            raise ConfigError(f"{_where(source, text, dotted)}: {dotted} ต้องเป็น{_TEXT} (พบ {_shown(value)})")
    if "via" in office_data:
        office_data["via"] = tuple(" ".join(v.split()) for v in office_data["via"])
    try:
        coerced = _coerce(values)
    except _BadValue as bad:
        raise ConfigError(f"{_where(source, text, bad.key)}: {bad.key} ต้องเป็น{bad.expected} (พบ {_shown(bad.value)})") from bad
    for dotted in ("remind.head_email", "mail.from"):
        value = coerced.get(dotted)
        if value and not is_email_address(value):
            raise ConfigError(f"{_where(source, text, dotted)}: {dotted} ไม่ใช่ที่อยู่อีเมล (พบ \"{value}\") — เช่น somchai@example.go.th")
    grouped: dict[str, dict[str, Any]] = {}
    for dotted, value in coerced.items():
        section, _, key = dotted.partition(".")
        grouped.setdefault(section, {})[_field_name(key)] = value
    groups = {section: GROUPS[section](**kwargs) for section, kwargs in grouped.items()}
    return Settings(office=Office(**office_data), source=source, **groups)


def _coerce(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)

    def number(key: str) -> float:
        value = out[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _BadValue(key, _EXPECTED[key], value)
        try:
            number = float(value)
        except OverflowError as err:
            raise _BadValue(key, _EXPECTED[key], value) from err
        if not math.isfinite(number):  # TOML allows nan and inf: they must never reach the computation
            raise _BadValue(key, _FINITE, value)
        return number

    if "fiscal.rounds" in out:
        rounds = out["fiscal.rounds"]
        if not isinstance(rounds, list) or not rounds or any(isinstance(r, bool) or r not in ALLOWED_ROUNDS for r in rounds):
            raise _BadValue("fiscal.rounds", _EXPECTED["fiscal.rounds"], rounds)
        out["fiscal.rounds"] = tuple(sorted({int(r) for r in rounds}))
    if "complaints.categories" in out:
        categories = out["complaints.categories"]
        if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
            raise _BadValue("complaints.categories", _EXPECTED["complaints.categories"], categories)
        out["complaints.categories"] = tuple(categories)
    if "close.editors" in out:
        editors = out["close.editors"]
        if not isinstance(editors, list) or not all(isinstance(e, str) and is_email_address(e.strip()) for e in editors):
            raise _BadValue("close.editors", _EXPECTED["close.editors"], editors)
        out["close.editors"] = tuple(e.strip() for e in editors)
    for key in ("plan.tolerance_points", "kpi.below_level1_score", "sync.wait_seconds", "rollup.quota_window_seconds", "rollup.sop_target_pct"):
        if key in out:
            out[key] = number(key)
            low, high = _NUMBER_RANGES[key]
            if not low <= out[key] <= high:
                raise _BadValue(key, _EXPECTED.get(key, f"ตัวเลขระหว่าง {low:g} ถึง {high:g}"), values[key])
    for key in ("complaints.sla_days", "sop.review_every_days", "remind.due_within_days", "remind.memo_due_days", "mail.port",
                "history.keep_days", "history.keep_snapshots", "rollup.workers", "rollup.reads_per_window"):
        if key in out:
            value = number(key)
            low, high = _WHOLE_RANGES.get(key, (1, None))
            if not value.is_integer() or value < low or (high is not None and value > high):
                raise _BadValue(key, _EXPECTED[key], out[key])
            out[key] = int(value)
    for key in ("output.thai_digits", "output.memo_thai_digits", "history.keep_personal_data"):
        if key in out and not isinstance(out[key], bool):
            raise _BadValue(key, _EXPECTED[key], out[key])
    if "remind.complaint_units" in out:
        table = out["remind.complaint_units"]
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            raise _BadValue("remind.complaint_units", _EXPECTED["remind.complaint_units"], table)
        out["remind.complaint_units"] = tuple((str(k), v) for k, v in table.items())
    if "mail.security" in out and out["mail.security"] not in ("starttls", "ssl", "none"):
        raise _BadValue("mail.security", _EXPECTED["mail.security"], out["mail.security"])
    text_keys = ("output.dir", "output.history", "output.templates", "workbook.path", "workbook.sheet_id", "workbook.credentials", "log.file")
    for key in [*text_keys, *(k for k in out if k.startswith(("remind.head", "mail.")) and k != "mail.port")]:
        if key in out and not isinstance(out[key], str):
            raise _BadValue(key, _TEXT, out[key])
    return out


# office keys a memo must not be signed with while they hold the shipped example's values
EXAMPLE_CHECKED_KEYS = ("name", "signer_name", "document_no")


def example_config_path() -> str:
    """Where the commented example config that ships with the package is on this machine."""
    from importlib import resources

    return str(resources.files("sheets_sync.data").joinpath("office.example.toml"))


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
