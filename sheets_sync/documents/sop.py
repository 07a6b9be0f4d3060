"""SOP manuals (คู่มือการปฏิบัติงาน), one per process, and their index, from templates/.

A manual is written for every mission that has at least one valid step (or for the one asked
for). One that is not `sop_ready` is marked ร่าง on its cover and in its header, with what is
missing. Digits follow `output.thai_digits` (the memo's own setting is for the memo only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..config import Settings
from ..errors import ConfigError
from ..present.layout import COLOURS, Style
from ..present.thai import TIME_UNITS_TH, format_duration
from ..schema.tabs import MISSION_CATEGORIES
from ..schema.validate import ValidatedWorkbook
from .flowchart import FlowchartPage, FlowStep, draw_flowchart
from .formatting import MISSING, Formatter
from .labels import category_th, sop_status_th
from .rendering import Template, clean_text, image, load_template, render_document, safe_file_part

MANUAL_TEMPLATE = "sop_manual.docx"
INDEX_TEMPLATE = "sop_index.docx"
FLOWCHART_MAX_WIDTH_MM = 158
FLOWCHART_MAX_HEIGHT_MM = 225  # an A4 page's text height less a heading
MANUAL_FILL = {"ready": COLOURS[Style.GOOD], "draft": COLOURS[Style.WARN], "none": COLOURS[Style.MUTED]}


def manual_file_name(mission_id: str) -> str:
    return f"SOP-{safe_file_part(mission_id)}.docx"


def render_sop_manuals(
    results: dict[str, Any],
    workbook: ValidatedWorkbook,
    settings: Settings,
    out_dir: Path,
    mission_id: str | None = None,
) -> list[Path]:
    """Write `<out_dir>/sop/SOP-<id>.docx` for each mission with steps (or just `mission_id`),
    then `<out_dir>/sop/index.docx`; return the paths written, the index last."""
    items = (results.get("missions") or {}).get("items") or {}
    wanted = _missions_to_write(items, mission_id)
    sop_dir = Path(out_dir) / "sop"
    written = []
    for mid in wanted:
        template = load_template(settings, MANUAL_TEMPLATE)
        context = manual_context(mid, results, workbook, settings)
        context["flowcharts"] = _flowchart_images(template, workbook.table("sop_steps"), mid, settings.thai_digits)
        written.append(
            render_document(template, context, sop_dir / manual_file_name(mid), thai_page_numbers=settings.thai_digits,
                            title=f"คู่มือการปฏิบัติงาน {context['mission_name']}")
        )
    index = load_template(settings, INDEX_TEMPLATE)
    written.append(render_document(index, index_context(results, settings), sop_dir / "index.docx",
                                   title=f"ทะเบียนคู่มือการปฏิบัติงาน {settings.office.section}"))
    return written


def _missions_to_write(items: Mapping[str, Mapping[str, Any]], mission_id: str | None) -> list[str]:
    if mission_id is None:
        return [mid for mid, item in items.items() if item.get("steps", 0) >= 1]
    wanted = " ".join(mission_id.split())
    if wanted not in items:
        known = ", ".join(items) or "ไม่มี"
        raise ConfigError(f"ไม่พบภารกิจรหัส {mission_id} ในแท็บ ภารกิจ (หรือแถวนั้นมีข้อผิดพลาด) — รหัสที่ใช้ได้: {known}")
    return [wanted]


# --- one manual ---------------------------------------------------------------------------------
def manual_context(mission_id: str, results: Mapping[str, Any], workbook: ValidatedWorkbook, settings: Settings) -> dict[str, Any]:
    """Everything the manual template prints for one mission (no pictures)."""
    fmt = Formatter(settings.thai_digits)
    item = results["missions"]["items"][mission_id]
    mission = _row(workbook.table("missions"), "mission_id", mission_id)
    info = _row(workbook.table("sop_info"), "mission_id", mission_id)
    steps = mission_steps(workbook.table("sop_steps"), mission_id)
    draft = not item.get("sop_ready", False)
    name = clean_text(item.get("name"))
    round_months = int(results["round"])
    return {
        "num": fmt.number_word,
        "office_name": settings.office.name,
        "section": settings.office.section,
        "header_text": f"คู่มือการปฏิบัติงาน {name}" + (" (ร่าง)" if draft else ""),
        "mission_id": clean_text(mission_id),
        "mission_name": name,
        "category": category_th(item.get("category")),
        "draft": draft,
        "missing": [clean_text(m) for m in item.get("missing") or []],
        "version": _text(info.get("version")),
        "as_of_date": fmt.date(dt.date.fromisoformat(results["as_of"])),
        "objective": _text(info.get("objective")),
        "scope": _text(info.get("scope")),
        "definitions": _text(info.get("definitions")),
        "references": _text(info.get("references")),
        "legal_basis": _text(mission.get("legal_basis")),
        "people": responsibilities(item, steps, workbook.table("staff"), fmt),
        "steps": [_step_row(step, fmt) for step in steps.to_dict("records")],
        "standard_time": format_duration(item.get("standard_time_parts") or {}, thai=fmt.thai),
        "kpis": linked_kpis(mission_id, results, workbook.table("kpis"), fmt),
        "round_label": fmt.text(f"รอบ {round_months} เดือน"),
        "reviewed": fmt.date(mission.get("sop_reviewed")),
        "owner": _text(item.get("owner")),
        "backup": _text(item.get("backup")),
        "status_text": _status_text(item),
    }


def _row(table: pd.DataFrame, key: str, value: str) -> dict[str, Any]:
    if not len(table):
        return {}
    found = table[table[key] == value]
    return found.iloc[0].to_dict() if len(found) else {}


def _text(value: Any) -> str:
    text = clean_text(value).strip()
    return text or MISSING


def mission_steps(table: pd.DataFrame, mission_id: str) -> pd.DataFrame:
    """The valid steps of a mission in step order."""
    if not len(table):
        return table
    steps = table[table["mission_id"] == mission_id]
    return steps.sort_values("step_no", kind="stable")


def _duration(step: Mapping[str, Any], fmt: Formatter) -> str:
    return f"{fmt.plain(float(step['duration']))} {TIME_UNITS_TH.get(step['time_unit'], step['time_unit'])}"


def _step_row(step: Mapping[str, Any], fmt: Formatter) -> dict[str, str]:
    return {
        "number": fmt.plain(int(step["step_no"])),
        "step": clean_text(step["step"]),
        "responsible": clean_text(step["responsible"]),
        "duration": _duration(step, fmt),
        "control": _text(step.get("control")),
        "forms": _text(step.get("forms")),
    }


def responsibilities(item: Mapping[str, Any], steps: pd.DataFrame, staff: pd.DataFrame, fmt: Formatter) -> list[dict[str, str]]:
    """Who does what: the owner, the backup, and each person with the steps they carry out."""
    positions = {str(r["name"]): clean_text(r.get("position")) for r in staff.to_dict("records")} if len(staff) else {}
    duties: dict[str, list[str]] = {}
    for person, duty in ((item.get("owner"), "ผู้รับผิดชอบหลักของกระบวนการ"), (item.get("backup"), "ผู้ปฏิบัติแทนเมื่อผู้รับผิดชอบหลักไม่อยู่")):
        name = clean_text(person).strip()
        if name:
            duties.setdefault(name, []).append(duty)
    by_person: dict[str, list[str]] = {}
    for step in steps.to_dict("records"):
        by_person.setdefault(clean_text(step["responsible"]), []).append(fmt.plain(int(step["step_no"])))
    for person, numbers in by_person.items():
        duties.setdefault(person, []).append("ปฏิบัติขั้นตอนที่ " + ", ".join(numbers))
    return [{"name": person, "position": positions.get(person) or MISSING, "duty": " และ".join(d)} for person, d in duties.items()]


def linked_kpis(mission_id: str, results: Mapping[str, Any], table: pd.DataFrame, fmt: Formatter) -> list[dict[str, str]]:
    """The KPIs whose mission is this one, with the target (level 3) and this round's score."""
    if not len(table):
        return []
    kpis = results.get("kpis") or {}
    round_key = str(results["round"])
    out = []
    for row in table[table["mission_id"] == mission_id].to_dict("records"):
        kid = str(row["kpi_id"])
        score = (kpis.get("scores") or {}).get(kid, {}).get(round_key)
        state = (kpis.get("states") or {}).get(kid, {}).get(round_key)
        shown = fmt.score(score) if score is not None else {"not_assessed": "ไม่ประเมิน", "not_due": "ยังไม่ถึงรอบ"}.get(state, MISSING)
        if state == "not_reported":
            shown += " (ยังไม่รายงาน)"
        target = fmt.text("ระดับ 3") if row["kind"] == "milestone" else fmt.plain(row.get("t3"))
        unit = _text(row.get("unit"))
        out.append({"id": clean_text(kid), "name": clean_text(row["name"]), "unit": unit, "target": target, "score": shown})
    return out


def _status_text(item: Mapping[str, Any]) -> str:
    parts = [f"สถานะในทะเบียนภารกิจ: {sop_status_th(item.get('sop_status'))}"]
    parts.append("เอกสารฉบับนี้พร้อมใช้" if item.get("sop_ready") else "เอกสารฉบับนี้เป็นฉบับร่าง")
    if item.get("sop_review_due"):
        parts.append("ถึงกำหนดทบทวนคู่มือ")
    return " · ".join(parts)


def flow_steps(steps: pd.DataFrame) -> list[FlowStep]:
    """The flowchart's boxes from the step rows (the chart converts digits itself)."""
    plain = Formatter(False)
    return [
        FlowStep(int(step["step_no"]), clean_text(step["step"]), step.get("step_type") or "process",
                 clean_text(step["responsible"]), _duration(step, plain))  # fmt: skip
        for step in steps.to_dict("records")
    ]


def _flowchart_images(template: Template, table: pd.DataFrame, mission_id: str, thai: bool) -> list[Any]:
    steps = mission_steps(table, mission_id)
    if not len(steps):
        return []
    pages = draw_flowchart(flow_steps(steps), thai_digits=thai)
    return [_fitted(template, page) for page in pages]


def _fitted(template: Template, page: FlowchartPage) -> Any:
    """The page's picture at most as wide as the text and as tall as a page leaves room for."""
    scale = min(1.0, FLOWCHART_MAX_WIDTH_MM / (page.width_in * 25.4), FLOWCHART_MAX_HEIGHT_MM / (page.height_in * 25.4))
    return image(template, page.png, width_mm=page.width_in * 25.4 * scale)


# --- coverage and the index ---------------------------------------------------------------------
def mission_counts(items: Mapping[str, Mapping[str, Any]]) -> tuple[int, int]:
    """(missions whose sop_status is `has`, missions that are sop_ready)."""
    with_sop = sum(1 for i in items.values() if i.get("sop_status") == "has")
    ready = sum(1 for i in items.values() if i.get("sop_ready"))
    return with_sop, ready


def coverage_by_category(missions: Mapping[str, Any], fmt: Formatter) -> list[dict[str, str]]:
    """Per mission category: missions, with a manual, and the coverage % from the results."""
    items = (missions.get("items") or {}).values()
    by_category = missions.get("sop_coverage_by_category") or {}
    rows = []
    for category in MISSION_CATEGORIES:
        members = [i for i in items if i.get("category") == category.key]
        rows.append(
            {
                "name": category.th,
                "count": fmt.count(len(members)),
                "with_sop": fmt.count(sum(1 for i in members if i.get("sop_status") == "has")),
                "pct": fmt.pct(by_category.get(category.key)),
            }
        )
    rows.append(
        {
            "name": "รวม",
            "count": fmt.count(missions.get("count", 0)),
            "with_sop": fmt.count(mission_counts(missions.get("items") or {})[0]),
            "pct": fmt.pct(missions.get("sop_coverage_pct")),
        }
    )
    return rows


def index_context(results: Mapping[str, Any], settings: Settings) -> dict[str, Any]:
    """The index: every mission, its registered manual status, what the tool can write, coverage."""
    fmt = Formatter(settings.thai_digits)
    missions = results.get("missions") or {"count": 0, "items": {}, "sop_coverage_pct": None}
    items = missions.get("items") or {}
    rows = [_index_row(mid, item) for mid, item in items.items()]
    with_sop, ready = mission_counts(items)
    drafts = sum(1 for r in rows if r["state"] == "draft")
    summary = (
        f"{settings.office.section}มีภารกิจทั้งหมด {fmt.count(missions.get('count', 0))} ภารกิจ มีคู่มือการปฏิบัติงาน "
        f"(สถานะ “มี” ในทะเบียนภารกิจ) {fmt.count(with_sop)} ภารกิจ คิดเป็นร้อยละ {fmt.pct(missions.get('sop_coverage_pct'))} "
        f"จัดทำเอกสารคู่มือจากขั้นตอนงานได้ {fmt.count(ready + drafts)} ฉบับ เป็นฉบับพร้อมใช้ {fmt.count(ready)} ฉบับ "
        f"และฉบับร่าง {fmt.count(drafts)} ฉบับ"
    )
    return {
        "num": fmt.number_word,
        "office_name": settings.office.name,
        "section": settings.office.section,
        "as_of_date": fmt.date(dt.date.fromisoformat(results["as_of"])),
        "summary": summary,
        "categories": coverage_by_category(missions, fmt) if items else [],
        "missions": [{k: v for k, v in r.items() if k != "state"} for r in rows],
    }


def _index_row(mission_id: str, item: Mapping[str, Any]) -> dict[str, str]:
    if item.get("steps", 0) < 1:
        state, manual = "none", "ยังไม่จัดทำ (ยังไม่มีขั้นตอนงาน)"
    elif item.get("sop_ready"):
        state, manual = "ready", f"พร้อมใช้\n{manual_file_name(mission_id)}"
    else:
        missing = "; ".join(clean_text(m) for m in item.get("missing") or [])
        state, manual = "draft", f"ร่าง\n{manual_file_name(mission_id)}\nขาด: {missing}"
    return {
        "id": clean_text(mission_id),
        "name": clean_text(item.get("name")),
        "category": category_th(item.get("category")),
        "owner": _text(item.get("owner")),
        "sop_status": sop_status_th(item.get("sop_status")),
        "manual": manual,
        "fill": MANUAL_FILL[state],
        "state": state,
    }
