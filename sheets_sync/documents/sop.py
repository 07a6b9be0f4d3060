"""SOP manuals (คู่มือการปฏิบัติงาน), one per process, and their index, from templates/.

A manual follows the order Thai agencies use (OPDC guidance): cover, คำนำ, สารบัญ, objective,
scope, definitions, responsibilities by position, flowchart, step table with the total standard
time, work standards and follow-up, forms, legal basis, references, document control. It is
written for every mission with at least one valid step (or the one asked for) and carries one
status: in use (ฉบับใช้งาน) or draft (ฉบับร่าง, with what it still needs, in office words).
Nothing in a manual speaks of the spreadsheet. Digits follow `output.thai_digits` (the memo's
own setting is for the memo only). Every figure comes from compute (`MissionResult`, `KpiResult`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..compute.missions import LOST_STEPS, MIN_STEPS_FOR_READY, NO_MANUAL_TEXT, TOO_FEW_STEPS
from ..compute.results import Results
from ..config import Settings
from ..core import vocabulary as v
from ..core.errors import ConfigError
from .flowchart import FlowchartPage, FlowStep, draw_flowchart
from .formatting import MISSING, Formatter, clean_text, coverage_rows
from .rendering import Template, image, load_template, render_document, unique_file_parts

MANUAL_TEMPLATE = "sop_manual.docx"
INDEX_TEMPLATE = "sop_index.docx"
FLOWCHART_MAX_WIDTH_MM = 158
FLOWCHART_MAX_HEIGHT_MM = 232  # an A4 page's text height (252 mm) less a heading
STATE_LABEL = {c.key: c.th for c in v.MANUAL_STATES}
STATE_FILL = {c.key: v.TONE_FILL[c.tone] for c in v.MANUAL_STATES}
# What a draft still needs, in the words of an office (the summary tab names the tabs instead).
NEEDS = {
    NO_MANUAL_TEXT: "กำหนดวัตถุประสงค์ ขอบเขต และคำจำกัดความของคู่มือ",
    TOO_FEW_STEPS: "กำหนดขั้นตอนการปฏิบัติงานให้ครบถ้วน (อย่างน้อย {min_steps} ขั้นตอน)",
    LOST_STEPS: "จัดทำ{steps} ให้สมบูรณ์ (คู่มือฉบับนี้ยังไม่ครอบคลุมขั้นตอนดังกล่าว)",
    "not_in_use": "เสนอผู้มีอำนาจอนุมัติและประกาศใช้คู่มือ",
}
END_OF_PROCESS = "สิ้นสุดกระบวนการ"
INCOMPLETE = "(ขั้นตอนนี้อยู่ระหว่างจัดทำ)"


def manual_file_name(mission_id: str, all_ids: Iterable[str] = ()) -> str:
    """`SOP-<id>.docx`, unique per mission among `all_ids` (rendering.unique_file_parts)."""
    parts = unique_file_parts({*all_ids, mission_id})
    return f"SOP-{parts[mission_id]}.docx"


def render_sop_manuals(results: Results, settings: Settings, out_dir: Path, mission_id: str | None = None) -> list[Path]:
    """Write `<out_dir>/sop/SOP-<id>.docx` for each mission with steps (or just `mission_id`),
    then `<out_dir>/sop/index.docx`; return the paths written, the index last."""
    missions = _missions(results)
    wanted = _missions_to_write(missions, mission_id)
    sop_dir = Path(out_dir) / "sop"
    parts = unique_file_parts([*missions.index, *wanted])  # every mission: `--mission X` names X's file as a full run does
    written = []
    for mid in wanted:
        template = load_template(settings, MANUAL_TEMPLATE)
        context = manual_context(mid, results, settings)
        lost = _missions(results).loc[mid].get("lost_steps") or []
        context["flowcharts"] = _flowchart_images(template, results.workbook.table("sop_steps"), mid, settings.output.thai_digits, lost)
        written.append(
            render_document(template, context, sop_dir / f"SOP-{parts[mid]}.docx", thai_page_numbers=settings.output.thai_digits,
                            title=f"คู่มือการปฏิบัติงาน {context['mission_name']}")  # fmt: skip
        )
    index = load_template(settings, INDEX_TEMPLATE)
    written.append(render_document(index, index_context(results, settings), sop_dir / "index.docx", thai_page_numbers=settings.output.thai_digits,
                                   title=f"ทะเบียนคู่มือการปฏิบัติงาน {settings.office.section}"))  # fmt: skip
    return written


def _missions(results: Results) -> pd.DataFrame:
    if results.missions is None or not results.missions.count:
        return pd.DataFrame(columns=["mission_id"])
    return results.missions.missions.set_index("mission_id", drop=False)


def _missions_to_write(missions: pd.DataFrame, mission_id: str | None) -> list[str]:
    if mission_id is None:
        return [mid for mid, row in missions.iterrows() if row["steps"] >= 1]
    wanted = " ".join(mission_id.split())
    if wanted not in missions.index:
        known = ", ".join(missions.index) or "ไม่มี"
        raise ConfigError(f"ไม่พบภารกิจรหัส {mission_id} ในแท็บ ภารกิจ (หรือแถวนั้นมีข้อผิดพลาด) — รหัสที่ใช้ได้: {known}")
    return [wanted]


# --- one manual ---------------------------------------------------------------------------------
def manual_context(mission_id: str, results: Results, settings: Settings) -> dict[str, Any]:
    """Everything the manual template prints for one mission (no pictures)."""
    fmt = Formatter(settings.output.thai_digits)
    mission = _missions(results).loc[mission_id].to_dict()
    workbook = results.workbook
    info = _row(workbook.table("sop_info"), "mission_id", mission_id)
    steps = mission_steps(workbook.table("sop_steps"), mission_id)
    staff = _positions(workbook.table("staff"))
    state = mission["manual_state"]
    draft = state != "ready"
    name = fmt.sheet(mission.get("name"))
    section, office = settings.office.section, settings.office.name
    total_time = with_shortest = fmt.duration(mission.get("standard_time_parts") or {})
    if mission.get("shortest_time_parts"):  # the branches differ: the shortest way too (rules.md)
        via = mission.get("shortest_time_via")
        case = f"กรณีขั้นตอนที่ {fmt.plain(via[0])} เป็น \"ไม่ใช่\"" if via else "กรณีทางที่สั้นที่สุด"
        with_shortest += f" ({case} {fmt.duration(mission['shortest_time_parts'])})"
    return {
        "num": fmt.number_word,
        "office_name": office,
        "section": section,
        "header_text": f"คู่มือการปฏิบัติงาน {name}" + (" (ฉบับร่าง)" if draft else ""),
        "mission_id": clean_text(mission_id),
        "mission_name": name,
        "category": v.choice_label(v.MISSION_CATEGORIES, mission.get("category")),
        "draft": draft,
        "status": STATE_LABEL[state],
        "needs": draft_needs(mission, fmt),
        "version": _text(info.get("version"), fmt),
        "effective_on": _date_or_line(info.get("effective_on"), fmt),
        "preface": _preface(name, section, office),
        "preface_date": _preface_date(info, fmt),
        "objective": _text(info.get("objective"), fmt),
        "scope": _text(info.get("scope"), fmt),
        "definitions": _text(info.get("definitions"), fmt),
        "references": _text(info.get("references"), fmt),
        "legal_basis": _text(mission.get("legal_basis"), fmt),
        "people": responsibilities(mission, steps, staff, fmt),
        "steps": step_rows(steps, mission.get("lost_steps") or [], fmt),
        "standard_time": total_time,
        # one path: the steps' sum; branches that differ: the longest path's time, not a sum (rules.md)
        "standard_time_label": "ระยะเวลามาตรฐาน (เส้นทางที่ยาวที่สุด)" if mission.get("shortest_time_parts") else "รวมระยะเวลามาตรฐาน",
        "standards": (
            f"มาตรฐานคุณภาพของงานได้แก่มาตรฐานคุณภาพและจุดควบคุมของแต่ละขั้นตอนตามข้อ {fmt.plain(6)} "
            f"โดยกระบวนการทั้งหมดใช้ระยะเวลามาตรฐาน {with_shortest}"
        ),
        "kpis": linked_kpis(mission_id, results, fmt),
        "round_label": fmt.text(f"รอบ {results.period.round} เดือน"),
        "follow_up": _follow_up(mission, staff, settings, fmt),
        "forms": forms_used(steps, fmt),
        "control": document_control(info, staff, fmt),
        "reviewed": fmt.date(mission.get("sop_reviewed")) + (" (ครบกำหนดทบทวน)" if mission.get("sop_review_due") else ""),
    }


def draft_needs(mission: Mapping[str, Any], fmt: Formatter, *, short: bool = False) -> list[str]:
    """What a draft still needs before it is put in use, in office words (`short`: the missing
    steps by number only, for the index's narrow column)."""
    if mission["manual_state"] == "ready":
        return []
    steps = lost_steps_text(mission.get("lost_steps") or [], fmt, short=short)
    needs = [NEEDS[code].format(min_steps=fmt.plain(MIN_STEPS_FOR_READY), steps=steps) for code in mission.get("missing_codes") or []]
    return needs or [NEEDS["not_in_use"]]


def lost_steps_text(lost: list[Mapping[str, Any]], fmt: Formatter, *, short: bool = False) -> str:
    """`ขั้นตอนที่ 3 (ตรวจสอบงบประมาณ) และขั้นตอนที่ 4 (…)`: the steps a manual is missing
    (`short`: `ขั้นตอนที่ 3 และ 4`)."""
    numbers = [fmt.plain(step["step_no"]) for step in lost if step.get("step_no") is not None]
    if short and numbers and len(numbers) == len(lost):
        listed = numbers[0] if len(numbers) == 1 else " ".join(numbers[:-1]) + " และ " + numbers[-1]
        return f"ขั้นตอนที่ {listed}"
    names = []
    for step in lost:
        number = f"ขั้นตอนที่ {fmt.plain(step['step_no'])}" if step.get("step_no") is not None else "ขั้นตอน"
        names.append(number + (f" ({fmt.text(step['step'])})" if step.get("step") else ""))
    if not names:
        return "ขั้นตอนที่ยังไม่สมบูรณ์"
    return names[0] if len(names) == 1 else " ".join(names[:-1]) + " และ" + names[-1]


def _preface(name: str, section: str, office: str) -> str:
    return (
        f"คู่มือการปฏิบัติงาน{name}ฉบับนี้ จัดทำขึ้นเพื่อเป็นแนวทางให้ผู้ปฏิบัติงานของ{section} {office} "
        "ปฏิบัติงานได้อย่างถูกต้อง เป็นมาตรฐานเดียวกัน และสามารถปฏิบัติงานแทนกันได้ โดยรวบรวมวัตถุประสงค์ ขอบเขต "
        "หน้าที่ความรับผิดชอบ ผังกระบวนการ ขั้นตอนการปฏิบัติงาน มาตรฐานงาน และแบบฟอร์มที่ใช้ไว้อย่างเป็นระบบ "
        "หวังเป็นอย่างยิ่งว่าคู่มือฉบับนี้จะเป็นประโยชน์ต่อผู้ปฏิบัติงานและผู้รับบริการ"
    )


def _date_or_line(value: Any, fmt: Formatter) -> str:
    """A date from the manual's row, or a dotted line to write it on."""
    shown = fmt.date(value)
    return "." * 30 if shown == MISSING else shown


def _preface_date(info: Mapping[str, Any], fmt: Formatter) -> str:
    """The preface is dated by the approval (or the effective date); undated otherwise."""
    for key in ("approved_on", "effective_on"):
        shown = fmt.date(info.get(key))
        if shown != MISSING:
            return shown
    return ""


def _follow_up(mission: Mapping[str, Any], staff: Mapping[str, str], settings: Settings, fmt: Formatter) -> str:
    owner = fmt.sheet(mission.get("owner")) or MISSING
    rounds = " ".join(fmt.plain(r) for r in settings.fiscal.rounds)
    days = settings.sop.review_every_days
    review = f"อย่างน้อยปีละ {fmt.plain(1)} ครั้ง" if days == 365 else f"ทุก {fmt.plain(days)} วัน"
    return (
        f"ผู้รับผิดชอบหลักของกระบวนการ ({owner}) ติดตามผลการปฏิบัติงานตามมาตรฐานและตัวชี้วัดข้างต้นในรอบการติดตาม "
        f"{rounds} เดือน รายงานผลต่อหัวหน้า{settings.office.section} และทบทวนปรับปรุงคู่มือ{review}"
    )


def _row(table: pd.DataFrame, key: str, value: str) -> dict[str, Any]:
    if not len(table):
        return {}
    found = table[table[key] == value]
    return found.iloc[0].to_dict() if len(found) else {}


def _text(value: Any, fmt: Formatter) -> str:
    text = fmt.sheet(value).strip()
    return text or MISSING


def _positions(staff: pd.DataFrame) -> dict[str, str]:
    """Each person's position (name → position), from the staff list."""
    if not len(staff):
        return {}
    return {" ".join(str(r["name"]).split()): clean_text(r.get("position")).strip() for r in staff.to_dict("records")}


def mission_steps(table: pd.DataFrame, mission_id: str) -> pd.DataFrame:
    """The valid steps of a mission in step order."""
    if not len(table):
        return table
    steps = table[table["mission_id"] == mission_id]
    return steps.sort_values("step_no", kind="stable")


def _number(value: Any) -> int | None:
    if value is None or (isinstance(value, float) and value != value):  # pandas NaN
        return None
    return int(value)


def _duration(step: Mapping[str, Any], fmt: Formatter) -> str:
    if step.get("duration") is None or not float(step["duration"]) or not step.get("time_unit"):
        return "-"  # a start or end step needs no time (rules.md)
    return f"{fmt.plain(float(step['duration']))} {v.choice_label(v.TIME_UNITS, step['time_unit'])}"


def _branch_text(step: Mapping[str, Any], fmt: Formatter) -> str:
    """A decision's two ways, as the table prints them under the step."""
    yes, no = _number(step.get("yes_next")), _number(step.get("no_next"))
    yes_text = f"ไปขั้นตอนที่ {fmt.plain(yes)}" if yes is not None else "ไปขั้นตอนถัดไป"
    no_text = f"ไปขั้นตอนที่ {fmt.plain(no)}" if no is not None else END_OF_PROCESS
    return f"ใช่: {yes_text}\nไม่ใช่: {no_text}"


def step_rows(steps: pd.DataFrame, lost: list[Mapping[str, Any]], fmt: Formatter) -> list[dict[str, str]]:
    """The step table: the valid steps and, in their place, a row for each step still missing."""
    rows = [(int(step["step_no"]), _step_row(step, fmt)) for step in steps.to_dict("records")]
    valid = {number for number, _row in rows}
    for step in lost:
        if step.get("step_no") is None or step["step_no"] in valid:
            continue
        text = (fmt.text(step["step"]) + " " if step.get("step") else "") + INCOMPLETE
        rows.append((int(step["step_no"]), {"number": fmt.plain(int(step["step_no"])), "step": text, "responsible": MISSING,
                                            "duration": MISSING, "control": MISSING, "forms": MISSING}))  # fmt: skip
    return [row for _n, row in sorted(rows, key=lambda pair: pair[0])]


def _step_row(step: Mapping[str, Any], fmt: Formatter) -> dict[str, str]:
    text = fmt.sheet(step["step"])
    if step.get("step_type") == "decision":
        text += "\n" + _branch_text(step, fmt)
    return {
        "number": fmt.plain(int(step["step_no"])),
        "step": text,
        "responsible": fmt.sheet(step["responsible"]),
        "duration": _duration(step, fmt),
        "control": _text(step.get("control"), fmt),
        "forms": _text(step.get("forms"), fmt),
    }


def responsibilities(mission: Mapping[str, Any], steps: pd.DataFrame, staff: Mapping[str, str], fmt: Formatter) -> list[dict[str, str]]:
    """Who does what, by position: the owner, the backup, and whoever carries out each step.
    A responsible written as a position rather than a person is shown as that position."""
    duties: dict[str, list[str]] = {}
    for person, duty in ((mission.get("owner"), "รับผิดชอบหลักของกระบวนการ กำกับ และติดตามผล"),
                         (mission.get("backup"), "ปฏิบัติงานแทนเมื่อผู้รับผิดชอบหลักไม่อยู่")):  # fmt: skip
        name = " ".join(clean_text(person).split())
        if name:
            duties.setdefault(name, []).append(duty)
    by_person: dict[str, list[str]] = {}
    for step in steps.to_dict("records"):
        by_person.setdefault(" ".join(clean_text(step["responsible"]).split()), []).append(fmt.plain(int(step["step_no"])))
    for person, numbers in by_person.items():
        duties.setdefault(person, []).append("ปฏิบัติขั้นตอนที่ " + ", ".join(numbers))
    rows = []
    for person, items in duties.items():
        if person in staff:
            position, name = staff[person] or MISSING, fmt.text(person)
        else:  # not a member of staff by name: the sheet names a position
            position, name = fmt.text(person), MISSING
        rows.append({"position": position, "name": name, "duty": " และ".join(items)})
    return rows


def linked_kpis(mission_id: str, results: Results, fmt: Formatter) -> list[dict[str, str]]:
    """The KPIs whose mission is this one, with the target (level 3) and this round's score."""
    kpis = results.kpis
    if kpis is None or not len(kpis.kpis):
        return []
    round_months = results.period.round
    out = []
    for row in kpis.kpis[kpis.kpis["mission_id"] == mission_id].to_dict("records"):
        kid = str(row["kpi_id"])
        scored = kpis.scores.get(kid, {}).get(round_months)
        state = scored.state if scored else None
        if scored is not None and scored.score is not None:
            shown = fmt.score(scored.score) + (" (ยังไม่รายงาน)" if state == "not_reported" else "")
        else:
            shown = v.choice_label(v.KPI_STATES, state) if state in ("not_assessed", "not_due") else MISSING
        target = fmt.text("ระดับ 3") if row["kind"] == "milestone" else fmt.plain(row.get("t3"))
        out.append({"id": clean_text(kid), "name": fmt.sheet(row["name"]), "unit": _text(row.get("unit"), fmt), "target": target, "score": shown})
    return out


def forms_used(steps: pd.DataFrame, fmt: Formatter) -> list[dict[str, str]]:
    """Each form named in the steps, once, with the steps that use it (in step order)."""
    seen: dict[str, tuple[str, list[str]]] = {}
    for step in steps.to_dict("records"):
        for part in clean_text(step.get("forms")).replace(",", "\n").splitlines():
            name = " ".join(part.split())
            if not name:
                continue
            _shown, numbers = seen.setdefault(name.casefold(), (name, []))
            numbers.append(fmt.plain(int(step["step_no"])))
    return [
        {"number": fmt.plain(n), "name": fmt.text(name), "steps": "ขั้นตอนที่ " + ", ".join(numbers)}
        for n, (name, numbers) in enumerate(seen.values(), start=1)
    ]


def document_control(info: Mapping[str, Any], staff: Mapping[str, str], fmt: Formatter) -> list[dict[str, str]]:
    """ผู้จัดทำ / ผู้ทบทวน / ผู้อนุมัติ: name and position (a line to fill in when not given),
    a line to sign on, and the date (the approval date for the approver)."""
    blank_name, blank_date = "(" + "." * 40 + ")", "....../....../......"
    rows = []
    for role, key in (("ผู้จัดทำ", "prepared_by"), ("ผู้ทบทวน", "reviewed_by"), ("ผู้อนุมัติ", "approved_by")):
        person = " ".join(clean_text(info.get(key)).split())
        if person:
            position = staff.get(person, "")
            who = f"({fmt.text(person)})" + (f"\n{fmt.text(position)}" if position else "")
        else:
            who = blank_name + "\nตำแหน่ง" + "." * 30
        date = fmt.date(info.get("approved_on")) if key == "approved_by" and info.get("approved_on") else blank_date
        rows.append({"role": role, "who": who, "signature": "." * 30, "date": date})
    return rows


def flow_steps(steps: pd.DataFrame, lost: list[Mapping[str, Any]] = ()) -> list[FlowStep]:
    """The flowchart's boxes from the step rows (the chart converts digits itself); a step still
    missing stands in its place as a box that says so."""
    plain = Formatter(False)
    valid = set(steps["step_no"]) if len(steps) else set()
    out = [FlowStep(int(step["step_no"]), ((step.get("step") or "") + " " + INCOMPLETE).strip(), "process", missing=True)
           for step in lost if step.get("step_no") is not None and step["step_no"] not in valid]  # fmt: skip
    for step in steps.to_dict("records"):
        kind = step.get("step_type") or "process"
        decision = kind == "decision"
        out.append(
            FlowStep(int(step["step_no"]), clean_text(step["step"]), kind, clean_text(step["responsible"]), _duration(step, plain),
                     yes_next=_number(step.get("yes_next")) if decision else None,
                     no_next=_number(step.get("no_next")) if decision else None)  # fmt: skip
        )
    return sorted(out, key=lambda s: s.number or 0)


def _flowchart_images(template: Template, table: pd.DataFrame, mission_id: str, thai: bool, lost: list[Mapping[str, Any]] = ()) -> list[Any]:
    steps = mission_steps(table, mission_id)
    if not len(steps):
        return []
    pages = draw_flowchart(flow_steps(steps, lost), thai_digits=thai)
    return [_fitted(template, page) for page in pages]


def _fitted(template: Template, page: FlowchartPage) -> Any:
    """The page's picture at most as wide as the text and as tall as a page leaves room for."""
    scale = min(1.0, FLOWCHART_MAX_WIDTH_MM / (page.width_in * 25.4), FLOWCHART_MAX_HEIGHT_MM / (page.height_in * 25.4))
    return image(template, page.png, width_mm=page.width_in * 25.4 * scale)


# --- the index ----------------------------------------------------------------------------------
def index_context(results: Results, settings: Settings) -> dict[str, Any]:
    """The index: every mission, its manual's one status, and what it still needs."""
    fmt = Formatter(settings.output.thai_digits)
    section = settings.office.section
    missions = results.missions
    frame = _missions(results)
    rows = [_index_row(row, fmt) for _mid, row in frame.iterrows()]
    if missions is None or not missions.count:
        summary, categories, total = f"{section}ยังไม่ได้กำหนดภารกิจ", [], None
    else:
        counts = missions.manual_counts()
        summary = (
            f"{section}มีภารกิจทั้งหมด {fmt.count(missions.count)} ภารกิจ มีคู่มือการปฏิบัติงานแล้ว "
            f"{fmt.count(missions.with_sop_count)} ภารกิจ คิดเป็นร้อยละ {fmt.pct(missions.sop_coverage_pct)} "
            f"ส่วนคู่มือที่จัดทำตามแบบมาตรฐานแล้วเป็นฉบับใช้งาน {fmt.count(counts['ready'])} ฉบับ และฉบับร่าง {fmt.count(counts['draft'])} ฉบับ"
        )
        categories, total = coverage_rows(missions, fmt)
    return {
        "num": fmt.number_word,
        "office_name": settings.office.name,
        "section": section,
        "as_of_date": fmt.date(results.period.as_of),
        "summary": summary,
        "categories": categories,
        "total": total,
        "missions": rows,
    }


def index_action(row: Mapping[str, Any], fmt: Formatter) -> str:
    """What the mission's manual still needs, in office language."""
    state, registered = row["manual_state"], row.get("sop_status")
    if state == "none":
        if registered == "has":
            return "มีคู่มือเดิมแต่ยังไม่ได้กำหนดขั้นตอนการปฏิบัติงานตามแบบมาตรฐาน ควรรวบรวมขั้นตอนจากคู่มือเดิมเพื่อจัดทำฉบับมาตรฐาน"
        return "กำหนดขั้นตอนการปฏิบัติงานและจัดทำคู่มือ"
    if state == "draft":
        return " และ".join(draft_needs(row, fmt, short=True))
    if row.get("sop_review_due"):
        return "ทบทวนและปรับปรุงคู่มือ (ครบกำหนดทบทวน)"
    return "ใช้ปฏิบัติงานได้ ทบทวนตามรอบ"


def _index_row(row: Mapping[str, Any], fmt: Formatter) -> dict[str, str]:
    state = row["manual_state"]
    return {
        "id": clean_text(row["mission_id"]),
        "name": fmt.sheet(row.get("name")),
        "category": v.choice_label(v.MISSION_CATEGORIES, row.get("category")),
        "owner": _text(row.get("owner"), fmt),
        "has": v.choice_label(v.SOP_STATUSES, row.get("sop_status")) or MISSING,
        "status": STATE_LABEL[state],
        "action": index_action(row, fmt),
        "fill": STATE_FILL[state],
    }
