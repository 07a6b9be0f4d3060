"""A ministry's worth of provincial workbooks for the roll-up tests (real .xlsx files).

Each office is the demo workbook of its own seed, with its own share of missions that have a
manual, so coverage, KPI totals and complaint figures differ between provinces; two offices are
built from the same seed and coverage so every ranking has a tie. Among them: a damaged file, a
workbook without any input tab, an inactive province, one without the KPI tab (so it has no KPI
figure and no KPI rank), one whose registry row names a file that is not there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sheets_sync.present.demo import build_demo_records, lay_out_rows
from sheets_sync.schema.tabs import input_tabs
from tests.conftest import AS_OF, write_xlsx

REGISTRY_HEADER = ["จังหวัด", "ภาค", "สมุดงาน", "ชื่อสำนักงาน", "ผู้ประสานงาน", "อีเมล", "ใช้งาน"]


@dataclass(frozen=True)
class Office:
    province: str
    region: str
    file: str
    seed: int = 0
    with_sop: int = 6  # of the demo's 12 missions, how many have a manual (sop_status มี)
    kind: str = "ok"  # ok | damaged | no-tabs | inactive | no-kpis | missing
    expected: str = "ok"  # the roll-up outcome


NE, N, C, S = "ภาคตะวันออกเฉียงเหนือ", "ภาคเหนือ", "ภาคกลาง", "ภาคใต้"

OFFICES = (
    Office("นครราชสีมา", NE, "provinces/korat.xlsx", seed=11, with_sop=10),
    Office("ขอนแก่น", NE, "provinces/khonkaen.xlsx", seed=12, with_sop=7),
    Office("อุดรธานี", NE, "provinces/udon.xlsx", seed=13, with_sop=7, kind="no-kpis"),
    Office("เชียงใหม่", N, "provinces/chiangmai.xlsx", seed=14, with_sop=12),
    Office("เชียงราย", N, "provinces/chiangrai.xlsx", seed=15, with_sop=3),
    Office("ลำปาง", N, "provinces/lampang.xlsx", seed=16, with_sop=9),
    Office("นนทบุรี", C, "provinces/nonthaburi.xlsx", seed=17, with_sop=5),
    Office("ปทุมธานี", C, "provinces/pathum.xlsx", seed=17, with_sop=5),  # the same office as นนทบุรี: ties everywhere
    Office("อยุธยา", C, "provinces/ayutthaya.xlsx", seed=18, with_sop=11),
    Office("สงขลา", S, "provinces/songkhla.xlsx", seed=19, with_sop=8),
    Office("ภูเก็ต", S, "provinces/phuket.xlsx", kind="damaged", expected="unreadable"),
    Office("สุราษฎร์ธานี", S, "provinces/surat.xlsx", kind="no-tabs", expected="unreadable"),
    Office("ยะลา", S, "provinces/yala.xlsx", kind="inactive", expected="inactive"),
    Office("ตาก", "", "provinces/tak.xlsx", kind="missing", expected="unreadable"),
    Office("สระบุรี", C, "provinces/saraburi.xlsx", seed=20, with_sop=0),
)


def office_records(seed: int, with_sop: int) -> dict[str, list[dict[str, Any]]]:
    records = build_demo_records(AS_OF, seed)
    for n, mission in enumerate(records["missions"]):
        mission["sop_status"] = "มี" if n < with_sop else ("กำลังจัดทำ" if n % 2 else "ไม่มี")
    return records


def write_office(path: Path, office: Office) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if office.kind == "damaged":
        path.write_bytes(b"PK\x03\x04 this is not a whole zip file")
        return path
    if office.kind == "no-tabs":
        return write_xlsx(path, {"Sheet1": [["สรุปงบประมาณ", "บาท"], ["ค่าใช้จ่าย", 1200]]})
    if office.kind == "missing":
        return path
    schema = {tab.key: tab for tab in input_tabs()}
    records = office_records(office.seed, office.with_sop)
    tabs = {schema[key].th: lay_out_rows(schema[key], rows) for key, rows in records.items()
            if not (office.kind == "no-kpis" and key == "kpis")}
    return write_xlsx(path, {title: [[_cell(v) for v in row] for row in rows] for title, rows in tabs.items()})


def _cell(value: Any) -> Any:
    """The demo's cell values as conftest's `put` writes them (dates as dates, percents formatted)."""
    from sheets_sync.present.demo import DateCell, Percent
    from tests.conftest import Formatted

    if isinstance(value, DateCell):
        return dt.date(value.year, value.month, value.day)
    if isinstance(value, Percent):
        return Formatted(value.fraction, "0%")
    return None if value == "" else value


def registry_rows(offices: tuple[Office, ...] = OFFICES) -> list[list[Any]]:
    rows: list[list[Any]] = [REGISTRY_HEADER]
    for o in offices:
        rows.append([o.province, o.region or None, o.file, None, "ผู้ประสานงาน " + o.province,
                     f"pmqa.{len(rows)}@example.go.th", "ไม่" if o.kind == "inactive" else None])
    return rows


def build_ministry(folder: Path, offices: tuple[Office, ...] = OFFICES) -> Path:
    """`folder/ministry.xlsx` (the registry) and every office's workbook beside it."""
    for office in offices:
        if office.kind != "inactive":
            write_office(folder / office.file, office)
    return write_xlsx(folder / "ministry.xlsx", {"จังหวัด": registry_rows(offices)})
