"""Settings, loaded once from `config/office.toml` into a frozen object and passed down.

Every key is optional: a missing file or key takes the default documented in the example
config. Unknown keys are an error (a typo must not silently change the office's results).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .emails import is_email_address
from .errors import ConfigError
from .vocabulary import DEFAULT_COMPLAINT_CATEGORIES

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
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"ไฟล์ค่าตั้ง {path} รูปแบบไม่ถูกต้อง: {err}") from None
    return settings_from_dict(data, source=str(path))


def settings_from_dict(data: dict[str, Any], source: str = "") -> Settings:
    office_fields = {f.name for f in fields(Office)}
    office_data = data.get("office", {})
    unknown = [f"office.{k}" for k in office_data if k not in office_fields]
    values: dict[str, Any] = {}
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
    if unknown:
        raise ConfigError(f"ค่าตั้งที่ไม่รู้จักใน {source or 'config'}: {', '.join(unknown)}")
    try:
        office = Office(**{k: str(v) for k, v in office_data.items()})
        settings = Settings(office=office, source=source, **_coerce(values))
    except (TypeError, ValueError) as err:
        raise ConfigError(f"ค่าตั้งไม่ถูกต้องใน {source or 'config'}: {err}") from None
    bad_rounds = [r for r in settings.rounds if r not in ALLOWED_ROUNDS]
    if bad_rounds or not settings.rounds:
        raise ConfigError(f"fiscal.rounds ต้องเลือกจาก 3, 6, 9, 12 (พบ {list(settings.rounds)})")
    if settings.sla_days <= 0 or settings.review_every_days <= 0:
        raise ConfigError("complaints.sla_days และ sop.review_every_days ต้องมากกว่า 0")
    if settings.remind_due_within_days < 0 or settings.remind_memo_due_days < 0:
        raise ConfigError("remind.due_within_days และ remind.memo_due_days ต้องเป็น 0 ขึ้นไป")
    if settings.mail_security not in ("starttls", "ssl", "none"):
        raise ConfigError(f"mail.security ต้องเป็น starttls, ssl หรือ none (พบ {settings.mail_security!r})")
    for key, value in (("remind.head_email", settings.remind_head_email), ("mail.from", settings.mail_from)):
        if value and not is_email_address(value):
            raise ConfigError(f"{key} ไม่ใช่ที่อยู่อีเมล (พบ {value!r}) — เช่น somchai@example.go.th")
    if not 0 < settings.mail_port < 65536:
        raise ConfigError(f"mail.port ต้องเป็นเลขพอร์ต 1–65535 (พบ {settings.mail_port})")
    return settings


def _coerce(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if "rounds" in out:
        out["rounds"] = tuple(sorted({int(r) for r in out["rounds"]}))
    if "complaint_categories" in out:
        out["complaint_categories"] = tuple(str(c) for c in out["complaint_categories"])
    for key in ("tolerance_points", "below_level1_score"):
        if key in out:
            out[key] = float(out[key])
    for key in ("sla_days", "review_every_days", "remind_due_within_days", "remind_memo_due_days", "mail_port"):
        if key in out:
            if isinstance(out[key], bool) or not float(out[key]).is_integer():
                raise ValueError(f"{key} ต้องเป็นจำนวนเต็ม")
            out[key] = int(out[key])
    for key in ("thai_digits", "memo_thai_digits"):
        if key in out and not isinstance(out[key], bool):
            raise ValueError(f"{key} ต้องเป็น true หรือ false")
    if "remind_complaint_units" in out:
        table = out["remind_complaint_units"]
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            raise ValueError('remind.complaint_units ต้องเป็นตาราง หน่วยงาน = "ชื่อ-สกุล" เช่น "อำเภอเมือง" = "นายสมชาย ใจดี"')
        out["remind_complaint_units"] = tuple((str(k), v) for k, v in table.items())
    for key in [k for k in out if k.startswith(("remind_head", "mail_")) and k != "mail_port"]:
        if not isinstance(out[key], str):
            raise ValueError(f"{key} ต้องเป็นข้อความ")
    return out
