"""The workbook contract (shared/spec/workbook.md) declared once, as data.

A tab is a list of columns; a column says its Thai header, English key, type, whether it is
required, and the few facts its type needs (enum choices, the tab a ref points at, bounds).
Rules that involve two columns of a row are `RowRule`s in `sheets_sync.schema.rules`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from ..core.fiscal import DEFAULT_ROUNDS
from ..core.vocabulary import (  # noqa: F401 - re-exported for the schema's readers
    CHANNELS,
    COMPLAINT_STATUSES,
    DEFAULT_COMPLAINT_CATEGORIES,
    KPI_KINDS,
    KPI_LEVELS,
    MISSION_CATEGORIES,
    PERSPECTIVES,
    SECTION_GROUP,
    SOP_STATUSES,
    STEP_TYPES,
    TIME_UNITS,
    Choice,
    choice_label,
)


class ColType(str, Enum):
    TEXT = "text"
    ID = "id"
    DATE = "date"
    NUMBER = "number"
    PERCENT = "percent"
    ENUM = "enum"
    REF = "ref"
    LIST = "list"  # a list of refs
    RESULT = "result"  # KPI result: number, or `-`/`ไม่ประเมิน` (not assessed)


@dataclass(frozen=True)
class Column:
    th: str
    key: str
    type: ColType
    required: bool = False
    choices: tuple[Choice, ...] = ()
    ref: str | None = None  # key of the tab whose ids this column refers to
    whole: bool = False  # number must be a whole number
    minimum: float | None = None
    maximum: float | None = None
    min_exclusive: bool = False  # `> minimum` instead of `>= minimum`
    personal: bool = False  # masked in the issues list
    default: str | None = None  # enum key used when the cell is empty

    def choice_th(self, key: str) -> str:
        """The Thai label of an enum key (for output)."""
        for choice in self.choices:
            if choice.key == key:
                return choice.th
        return key


@dataclass(frozen=True)
class Tab:
    th: str
    key: str
    columns: tuple[Column, ...]
    required: bool  # an absent required tab is an error, an absent optional tab a warning
    description: str = ""
    unique_together: tuple[tuple[str, ...], ...] = field(default=())

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(f"{self.key}.{key}")

    @property
    def id_column(self) -> Column | None:
        return next((c for c in self.columns if c.type is ColType.ID), None)


T, ID, DATE, NUM, PCT, ENUM, REF, LIST, RES = (
    ColType.TEXT,
    ColType.ID,
    ColType.DATE,
    ColType.NUMBER,
    ColType.PERCENT,
    ColType.ENUM,
    ColType.REF,
    ColType.LIST,
    ColType.RESULT,
)

MISSIONS = Tab(
    "ภารกิจ",
    "missions",
    (
        Column("รหัสภารกิจ", "mission_id", ID, required=True),
        Column("ชื่อภารกิจ", "name", T, required=True),
        Column("ประเภทภารกิจ", "category", ENUM, required=True, choices=MISSION_CATEGORIES),
        Column("ฐานกฎหมาย/ข้อสั่งการ", "legal_basis", T),
        Column("ผู้รับผิดชอบหลัก", "owner", T, required=True),
        Column("ผู้ปฏิบัติแทน", "backup", T),
        Column("สถานะคู่มือ", "sop_status", ENUM, required=True, choices=SOP_STATUSES),
        Column("วันที่ทบทวนคู่มือ", "sop_reviewed", DATE),
        Column("รหัสยุทธศาสตร์", "strategy_id", REF, ref="strategies"),
    ),
    required=True,
    description="ทะเบียนภารกิจของฝ่าย (ทบทวน)",
)

STRATEGIES = Tab(
    "ยุทธศาสตร์",
    "strategies",
    (
        Column("รหัสยุทธศาสตร์", "strategy_id", ID, required=True),
        Column("ประเด็นยุทธศาสตร์", "name", T, required=True),
        Column("เป้าประสงค์", "goal", T),
    ),
    required=False,
    description="ประเด็นยุทธศาสตร์จังหวัด",
)

PLAN = Tab(
    "แผนปฏิบัติการ",
    "plan",
    (
        Column("รหัสกิจกรรม", "activity_id", ID, required=True),
        Column("รหัสภารกิจ", "mission_id", REF, required=True, ref="missions"),
        Column("กิจกรรม", "activity", T, required=True),
        Column("รหัสยุทธศาสตร์", "strategy_id", REF, ref="strategies"),
        Column("วันเริ่มตามแผน", "planned_start", DATE, required=True),
        Column("วันสิ้นสุดตามแผน", "planned_end", DATE, required=True),
        Column("งบประมาณ (บาท)", "budget", NUM, minimum=0),
        Column("ผู้รับผิดชอบ", "owner", T, required=True),
        Column("ความก้าวหน้า (%)", "progress", PCT, minimum=0, maximum=100),
        Column("วันที่แล้วเสร็จ", "actual_end", DATE),
        Column("ปัญหา/อุปสรรค", "problems", T),
        Column("ความเสี่ยง", "risks", T),
    ),
    required=True,
    description="แผนปฏิบัติการประจำปีและปฏิทินงาน (ติดตาม)",
)


def kpi_result_column(months: int) -> Column:
    """The result column of a round (`ผลรอบ 6 เดือน` / `result_6`)."""
    return Column(f"ผลรอบ {months} เดือน", f"result_{months}", RES)


KPI_BASE_COLUMNS = (
    Column("รหัสตัวชี้วัด", "kpi_id", ID, required=True),
    Column("ตัวชี้วัด", "name", T, required=True),
    Column("มิติ", "perspective", ENUM, required=True, choices=PERSPECTIVES),
    Column("ระดับ", "level", ENUM, required=True, choices=KPI_LEVELS),
    Column("ผู้รับผิดชอบ", "owner", T, required=True),
    Column("รหัสภารกิจ", "mission_id", REF, ref="missions"),
    Column("หน่วยวัด", "unit", T),
    Column("ประเภทการวัด", "kind", ENUM, required=True, choices=KPI_KINDS),
    Column("น้ำหนัก (%)", "weight", NUM, required=True, minimum=0, min_exclusive=True),
    # Thresholds are required unless the KPI is a milestone: see rules.KPI rules.
    *(Column(f"เกณฑ์ {k}", f"t{k}", NUM) for k in range(1, 6)),
)


def kpis_tab(rounds: tuple[int, ...] = DEFAULT_ROUNDS) -> Tab:
    """The KPI tab has one result column per enabled round."""
    return Tab(
        "ตัวชี้วัด",
        "kpis",
        KPI_BASE_COLUMNS + tuple(kpi_result_column(m) for m in sorted(rounds)),
        required=True,
        description="ตัวชี้วัดระดับฝ่ายและระดับบุคคล (Balanced Scorecard)",
    )


COMPLAINTS = Tab(
    "เรื่องร้องเรียน",
    "complaints",
    (
        Column("เลขที่เรื่อง", "case_id", ID, required=True),
        Column("วันที่รับเรื่อง", "received", DATE, required=True),
        Column("ช่องทาง", "channel", ENUM, required=True, choices=CHANNELS),
        Column("ประเภทเรื่อง", "category", T, required=True),
        Column("อำเภอ", "district", T),
        Column("เรื่อง", "subject", T, required=True),
        Column("ผู้ร้อง", "complainant", T, personal=True),
        Column("เลขประจำตัวประชาชน", "national_id", T, personal=True),
        Column("โทรศัพท์", "phone", T, personal=True),
        Column("หน่วยงานที่รับผิดชอบ", "assigned_to", T),
        Column("สถานะ", "status", ENUM, required=True, choices=COMPLAINT_STATUSES),
        Column("วันที่ยุติ", "closed", DATE),
        Column("ความพึงพอใจ (1-5)", "satisfaction", NUM, whole=True, minimum=1, maximum=5),
        Column("ข้อเสนอแนะ", "feedback", T),
    ),
    required=True,
    description="ทะเบียนเรื่องร้องเรียน ศูนย์ดำรงธรรม",
)

SOP_STEPS = Tab(
    "ขั้นตอนงาน",
    "sop_steps",
    (
        Column("รหัสภารกิจ", "mission_id", REF, required=True, ref="missions"),
        Column("ลำดับ", "step_no", NUM, required=True, whole=True),
        Column("ขั้นตอน", "step", T, required=True),
        Column("ชนิดขั้นตอน", "step_type", ENUM, choices=STEP_TYPES, default="process"),
        Column("ผู้รับผิดชอบ", "responsible", T, required=True),
        Column("ระยะเวลามาตรฐาน", "duration", NUM, required=True, minimum=0, min_exclusive=True),
        Column("หน่วยเวลา", "time_unit", ENUM, required=True, choices=TIME_UNITS),
        Column("มาตรฐานคุณภาพ/จุดควบคุม", "control", T),
        Column("เอกสาร/แบบฟอร์ม", "forms", T),
        Column("ถ้าใช่ไปขั้นตอน", "yes_next", NUM, whole=True),
        Column("ถ้าไม่ใช่ไปขั้นตอน", "no_next", NUM, whole=True),
    ),
    required=False,
    description="ขั้นตอนการปฏิบัติงานของแต่ละกระบวนการ สำหรับคู่มือ (ต่อยอด)",
    unique_together=(("mission_id", "step_no"),),
)

SOP_INFO = Tab(
    "คู่มือ",
    "sop_info",
    (
        Column("รหัสภารกิจ", "mission_id", REF, required=True, ref="missions"),
        Column("วัตถุประสงค์", "objective", T, required=True),
        Column("ขอบเขต", "scope", T),
        Column("คำจำกัดความ", "definitions", T),
        Column("เอกสารอ้างอิง", "references", T),
        Column("ฉบับที่", "version", T),
        Column("ผู้จัดทำ", "prepared_by", T),
        Column("ผู้ทบทวน", "reviewed_by", T),
        Column("ผู้อนุมัติ", "approved_by", T),
        Column("วันที่อนุมัติ", "approved_on", DATE),
        Column("วันที่มีผลบังคับใช้", "effective_on", DATE),
    ),
    required=False,
    description="ข้อความคู่มือของแต่ละกระบวนการ",
    unique_together=(("mission_id",),),
)

STAFF = Tab(
    "บุคลากร",
    "staff",
    (
        Column("ชื่อ-สกุล", "name", ID, required=True),
        Column("ตำแหน่ง", "position", T),
        Column("ภารกิจที่ปฏิบัติได้", "can_do", LIST, ref="missions"),
        Column("การพัฒนา/ฝึกอบรม", "training", T),
        Column("อีเมล", "email", T),
    ),
    required=False,
    description="บุคลากรและภารกิจที่ปฏิบัติแทนกันได้",
)


def input_tabs(rounds: tuple[int, ...] = DEFAULT_ROUNDS) -> tuple[Tab, ...]:
    """Every input tab, in the order staff meet them (and `init` creates them)."""
    return (MISSIONS, STRATEGIES, PLAN, kpis_tab(rounds), COMPLAINTS, SOP_STEPS, SOP_INFO, STAFF)



SUMMARY_TAB_TITLES = (
    "สรุปภาพรวม",
    "สรุปติดตามแผน",
    "สรุปตัวชี้วัด",
    "สรุปเรื่องร้องเรียน",
    "สรุปภารกิจและคู่มือ",
    "แนวโน้ม",
    "ตรวจสอบข้อมูล",
)
