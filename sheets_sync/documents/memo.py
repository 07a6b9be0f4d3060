"""The follow-up memo to the governor (บันทึกข้อความ), rendered from `templates/followup_memo.docx`.

`memo_context` turns the results document (outputs.md "JSON results"), the validated workbook
and the settings into plain strings and lists for the template; `render_followup_report` adds
the charts and the emblem and writes `followup-FY<fy>-R<round>.docx`. Every number printed goes
through one `Formatter`, so Thai digits (config `output.memo_thai_digits`) apply to all of them;
text from the sheets is passed through unchanged (docxtpl escapes it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..compute.fiscal import fiscal_year_span, round_end
from ..compute.kpi import SECTION_GROUP
from ..config import Settings
from ..present.layout import COLOURS, Style
from ..schema.tabs import PERSPECTIVES
from ..schema.validate import ValidatedWorkbook
from . import charts
from .formatting import MISSING, Formatter
from .labels import PLAN_STATUSES, SCORE_TARGET, perspective_th, plan_status_th, score_band
from .rendering import Template, clean_text, emblem_image, image, load_template, render_document
from .sop import coverage_by_category, mission_counts

TEMPLATE = "followup_memo.docx"
CHART_WIDTH_MM = 150
STATUS_FILL = {
    "done": COLOURS[Style.GOOD],
    "on_track": COLOURS[Style.GOOD],
    "behind": COLOURS[Style.WARN],
    "not_started": COLOURS[Style.WARN],
    "overdue": COLOURS[Style.BAD],
    "not_yet_due": COLOURS[Style.MUTED],
}
BAND_FILL = {"good": COLOURS[Style.GOOD], "warn": COLOURS[Style.WARN], "bad": COLOURS[Style.BAD]}
NO_FILL = "FFFFFF"
LAGGING = ("overdue", "behind", "not_started")  # what the governor should look at, worst first


def report_file_name(results: Mapping[str, Any]) -> str:
    return f"followup-FY{results['fiscal_year']}-R{results['round']}.docx"


def render_followup_report(results: dict[str, Any], workbook: ValidatedWorkbook, settings: Settings, out_dir: Path) -> Path:
    """Write the memo for the results' round to `<out_dir>/followup-FY<fy>-R<round>.docx`."""
    template = load_template(settings, TEMPLATE)
    context = memo_context(results, workbook, settings)
    thai = settings.memo_thai_digits
    context["emblem"] = emblem_image(template, settings.office.emblem)
    context.update(_charts(template, results, thai))
    return render_document(
        template, context, Path(out_dir) / report_file_name(results), thai_page_numbers=thai, title=f"บันทึกข้อความ {context['subject']}"
    )


def _charts(template: Template, results: Mapping[str, Any], thai: bool) -> dict[str, Any]:
    plan, kpis, complaints = results.get("plan"), results.get("kpis"), results.get("complaints")
    round_key = str(results["round"])
    out: dict[str, Any] = {"plan_chart": "", "kpi_chart": "", "complaints_chart": ""}
    if plan and plan.get("count"):
        out["plan_chart"] = image(template, charts.plan_status_chart(plan["status_counts"], thai_digits=thai), width_mm=CHART_WIDTH_MM)
    if kpis:
        scores = {key: rounds.get(round_key) for key, rounds in kpis.get("perspectives", {}).items()}
        out["kpi_chart"] = image(template, charts.kpi_perspective_chart(scores, thai_digits=thai), width_mm=CHART_WIDTH_MM)
    if complaints and complaints.get("by_month"):
        png = charts.complaints_month_chart(complaints["by_month"], thai_digits=thai)
        out["complaints_chart"] = image(template, png, width_mm=CHART_WIDTH_MM)
    return out


def memo_context(results: Mapping[str, Any], workbook: ValidatedWorkbook, settings: Settings) -> dict[str, Any]:
    """Everything the memo template prints, as strings and lists (no pictures)."""
    fmt = Formatter(settings.memo_thai_digits)
    office = settings.office
    as_of = dt.date.fromisoformat(results["as_of"])
    fy, round_months = int(results["fiscal_year"]), int(results["round"])
    # The number never breaks across lines: its spaces are non-breaking.
    phone = " โทร.\u00a0" + fmt.text(office.phone).replace(" ", "\u00a0") if office.phone else ""
    context: dict[str, Any] = {
        "num": fmt.number_word,
        "office_name": office.name,
        "section": office.section,
        "office_line": f"{office.name} {office.section}{phone}",
        "document_no": fmt.text(office.document_no),
        "date": fmt.date(as_of),
        "as_of_date": fmt.date(as_of),
        "subject": fmt.text(f"รายงานผลการติดตามการดำเนินงาน รอบ {round_months} เดือน ปีงบประมาณ พ.ศ. {fy}"),
        "addressee": office.addressee or f"ผู้ว่าราชการจังหวัด{office.province}",
        "fiscal_year": fmt.text(str(fy)),
        "round": fmt.text(str(round_months)),
        "signer_name": office.signer_name or " " * 40,
        "signer_position": office.signer_position,
        "data_note": _data_note(results, fmt),
    }
    context["plan"] = plan_section(results.get("plan"), workbook.table("plan"), fmt)
    context["kpi"] = kpi_section(results, workbook.table("kpis"), fmt)
    context["complaints"] = complaints_section(results.get("complaints"), as_of, fy, settings.sla_days, fmt)
    context["sop"] = sop_section(results.get("missions"), office.section, fmt)
    context["problems"], context["risks"] = problems_and_risks(workbook.table("plan"), fmt)
    context["overview"] = _overview(context, results, fmt)
    return context


def _data_note(results: Mapping[str, Any], fmt: Formatter) -> str:
    errors = int((results.get("counts") or {}).get("errors", 0))
    if not errors:
        return ""
    return (
        f"หมายเหตุ ข้อมูลในสมุดงานมีข้อผิดพลาด {fmt.count(errors)} รายการ ซึ่งไม่ได้นำมาคำนวณในรายงานนี้ "
        "(รายละเอียดอยู่ในแท็บ ตรวจสอบข้อมูล)"
    )


def _overview(context: Mapping[str, Any], results: Mapping[str, Any], fmt: Formatter) -> str:
    parts = []
    missions, plan, complaints = results.get("missions"), results.get("plan"), results.get("complaints")
    if missions:
        parts.append(f"{context['section']}มีภารกิจทั้งหมด {fmt.count(missions['count'])} ภารกิจ")
    if plan:
        counts = plan["status_counts"]
        parts.append(
            f"มีกิจกรรมตามแผนปฏิบัติการ {fmt.count(plan['count'])} กิจกรรม แล้วเสร็จ {fmt.count(counts.get('done', 0))} กิจกรรม "
            f"เกินกำหนด {fmt.count(counts.get('overdue', 0))} กิจกรรม"
        )
    kpi = context["kpi"]
    if kpi["total"] != MISSING:
        parts.append(f"คะแนนตัวชี้วัดระดับฝ่ายรอบ {context['round']} เดือน {kpi['total']} คะแนน (ร้อยละ {kpi['total_pct']})")
    if complaints:
        parts.append(
            f"ศูนย์ดำรงธรรมรับเรื่องร้องเรียน {fmt.count(complaints['received'])} เรื่อง ยุติแล้ว "
            f"{fmt.count(complaints['closed'])} เรื่อง (ร้อยละ {fmt.pct(complaints['closed_pct'])})"
        )
    if missions:
        parts.append(f"และมีคู่มือการปฏิบัติงานครอบคลุมร้อยละ {fmt.pct(missions['sop_coverage_pct'])} ของภารกิจ")
    if not parts:
        return "ไม่มีข้อมูลที่นำมาคำนวณได้ในรอบนี้"
    return " ".join(parts)


# --- plan ---------------------------------------------------------------------------------------
def plan_section(plan: Mapping[str, Any] | None, table: pd.DataFrame, fmt: Formatter) -> dict[str, Any]:
    """Status counts and budgets, and the activities that are late, with names from the sheet."""
    if not plan:
        return {"summary": "ไม่มีข้อมูลแผนปฏิบัติการ (ไม่พบแท็บ แผนปฏิบัติการ หรือแท็บนี้ใช้ไม่ได้)", "rows": [],
                "count": MISSING, "pct_total": MISSING, "budget_total": MISSING, "lagging": []}  # fmt: skip
    counts, budgets, total = plan["status_counts"], plan.get("budget_by_status", {}), int(plan["count"])
    rows = [
        {
            "status": status.th,
            "count": fmt.count(counts.get(status.key, 0)),
            "pct": fmt.pct(counts.get(status.key, 0) / total * 100 if total else None),
            "budget": fmt.money(budgets.get(status.key, 0.0)),
            "fill": STATUS_FILL[status.key],
        }
        for status in PLAN_STATUSES
    ]
    summary = (
        f"กิจกรรมตามแผนปฏิบัติการทั้งหมด {fmt.count(total)} กิจกรรม งบประมาณรวม {fmt.money(plan.get('budget_total'))} บาท "
        f"แล้วเสร็จ {fmt.count(counts.get('done', 0))} กิจกรรม เป็นไปตามแผน {fmt.count(counts.get('on_track', 0))} กิจกรรม "
        f"ล่าช้ากว่าแผน {fmt.count(counts.get('behind', 0))} กิจกรรม เกินกำหนด {fmt.count(counts.get('overdue', 0))} กิจกรรม "
        f"ยังไม่เริ่ม {fmt.count(counts.get('not_started', 0))} กิจกรรม และยังไม่ถึงกำหนด "
        f"{fmt.count(counts.get('not_yet_due', 0))} กิจกรรม"
    )
    if plan.get("strategy_alignment_pct") is not None:
        summary += f" กิจกรรมที่สอดคล้องกับประเด็นยุทธศาสตร์จังหวัดคิดเป็นร้อยละ {fmt.pct(plan['strategy_alignment_pct'])}"
    return {
        "summary": summary + " รายละเอียดดังนี้",
        "rows": rows,
        "count": fmt.count(total),
        "pct_total": fmt.pct(100.0 if total else None),
        "budget_total": fmt.money(plan.get("budget_total")),
        "lagging": lagging_activities(plan["activities"], table, fmt),
    }


def lagging_activities(activities: Mapping[str, Mapping[str, Any]], table: pd.DataFrame, fmt: Formatter) -> list[dict[str, str]]:
    """Overdue, behind and not-started activities, worst first, then in sheet order."""
    rows = {str(r["activity_id"]): r for r in table.to_dict("records")}
    order = {key: n for n, key in enumerate(rows)}
    late = [(aid, a) for aid, a in activities.items() if a["status"] in LAGGING]
    late.sort(key=lambda item: (LAGGING.index(item[1]["status"]), order.get(item[0], len(order))))
    out = []
    for aid, act in late:
        row = rows.get(aid, {})
        status = plan_status_th(act["status"])
        if act["status"] == "overdue" and act.get("days_overdue"):
            status += f" {fmt.count(act['days_overdue'])} วัน"
        out.append(
            {
                "id": clean_text(aid),
                "name": clean_text(row.get("activity")),
                "owner": clean_text(row.get("owner")),
                "progress": fmt.days(act.get("progress_pct")),
                "expected": fmt.days(act.get("expected_pct")),
                "status": status,
                "fill": STATUS_FILL[act["status"]],
            }
        )
    return out


# --- KPIs ---------------------------------------------------------------------------------------
def kpi_section(results: Mapping[str, Any], table: pd.DataFrame, fmt: Formatter) -> dict[str, Any]:
    """Mean score and weight share per perspective, the section total, the KPIs below target."""
    kpis = results.get("kpis")
    round_key = str(results["round"])
    target = fmt.plain(int(SCORE_TARGET))
    empty = {"summary": "ไม่มีข้อมูลตัวชี้วัด (ไม่พบแท็บ ตัวชี้วัด หรือแท็บนี้ใช้ไม่ได้)", "perspectives": [],
             "total": MISSING, "total_pct": MISSING, "weight_total": MISSING, "below": [], "note": "", "target": target}  # fmt: skip
    if not kpis:
        return empty
    section = (kpis.get("groups") or {}).get(SECTION_GROUP, {}).get(round_key) or {}
    total, total_pct = section.get("total"), section.get("total_pct")
    weights = kpis.get("perspective_weights") or {}
    perspectives = []
    for perspective in PERSPECTIVES:
        score = (kpis.get("perspectives") or {}).get(perspective.key, {}).get(round_key)
        perspectives.append(
            {
                "name": perspective.th,
                "weight": fmt.pct(weights.get(perspective.key)),
                "score": fmt.score(score),
                "verdict": MISSING if score is None else ("บรรลุ" if score >= SCORE_TARGET else "ต่ำกว่าเป้าหมาย"),
                "fill": NO_FILL if score is None else BAND_FILL[score_band(score)],
            }
        )
    shown_weights = [w for w in weights.values() if w is not None]
    return {
        "summary": _kpi_summary(fmt, results, total, total_pct, target),
        "perspectives": perspectives,
        "total": fmt.score(total),
        "total_pct": fmt.pct(total_pct),
        # Shares of the section's weight add up to 100 by definition; adding the rounded shares
        # could show 100.01.
        "weight_total": fmt.pct(100.0) if shown_weights else MISSING,
        "below": below_target(kpis, table, round_key, fmt),
        "note": _kpi_note(results, section, fmt),
        "target": target,
    }


def _kpi_summary(fmt: Formatter, results: Mapping[str, Any], total: float | None, total_pct: float | None, target: str) -> str:
    round_text = fmt.text(f"รอบ {results['round']} เดือน")
    if total is None:
        return f"ตัวชี้วัดระดับฝ่าย{round_text} ยังไม่มีผลการประเมิน"
    verdict = "ไม่ต่ำกว่า" if total >= SCORE_TARGET else "ต่ำกว่า"
    return (
        f"ผลการประเมินตัวชี้วัดระดับฝ่าย{round_text} ได้คะแนนรวม {fmt.score(total)} คะแนน จากคะแนนเต็ม {fmt.plain(5)} "
        f"คิดเป็นร้อยละ {fmt.pct(total_pct)} ซึ่ง{verdict}ค่าเป้าหมาย (ระดับ {target}) จำแนกตามมิติ ดังนี้"
    )


def _kpi_note(results: Mapping[str, Any], section: Mapping[str, Any], fmt: Formatter) -> str:
    notes = []
    if not results.get("round_closed", True):
        end = round_end(int(results["fiscal_year"]), int(results["round"]))
        notes.append(f"รอบ {fmt.plain(int(results['round']))} เดือน ยังไม่สิ้นสุด (สิ้นสุดวันที่ {fmt.date(end)}) คะแนนข้างต้นเป็นผลเบื้องต้นจากผลที่รายงานแล้ว")
    weight = section.get("weight")
    if weight and abs(float(weight) - 100) > 1e-9:
        notes.append(f"น้ำหนักของตัวชี้วัดระดับฝ่ายที่นำมาคำนวณในรอบนี้รวมร้อยละ {fmt.pct(float(weight))} คะแนนรวมคิดเทียบกับน้ำหนักดังกล่าว")
    return "หมายเหตุ " + " และ".join(notes) if notes else ""


def below_target(kpis: Mapping[str, Any], table: pd.DataFrame, round_key: str, fmt: Formatter) -> list[dict[str, str]]:
    """Section KPIs scoring below 3 this round (a KPI not reported scores 0 and says so)."""
    states = kpis.get("states") or {}
    out = []
    for row in table.to_dict("records"):
        kid = str(row["kpi_id"])
        score = (kpis.get("scores") or {}).get(kid, {}).get(round_key)
        if row.get("level") != "section" or score is None or score >= SCORE_TARGET:
            continue
        shown = fmt.score(score)
        if states.get(kid, {}).get(round_key) == "not_reported":
            shown += " (ยังไม่รายงาน)"
        out.append({"id": clean_text(kid), "name": clean_text(row["name"]), "perspective": perspective_th(row["perspective"]),
                    "score": shown, "fill": BAND_FILL[score_band(score)]})  # fmt: skip
    return out


# --- complaints ---------------------------------------------------------------------------------
def complaints_section(complaints: Mapping[str, Any] | None, as_of: dt.date, fiscal_year: int, sla_days: int, fmt: Formatter) -> dict[str, Any]:
    """The year's figures, by category, and what the summary sentence says."""
    if not complaints:
        return {"summary": "ไม่มีข้อมูลเรื่องร้องเรียน (ไม่พบแท็บ เรื่องร้องเรียน หรือแท็บนี้ใช้ไม่ได้)", "rows": [],
                "categories": [], "received": MISSING, "closed": MISSING, "open": MISSING}  # fmt: skip
    c = complaints
    start = fiscal_year_span(fiscal_year)[0]
    sla = fmt.plain(sla_days)
    rows = [
        ("เรื่องที่รับในปีงบประมาณ (เรื่อง)", fmt.count(c["received"])),
        ("ยุติแล้ว (เรื่อง)", fmt.count(c["closed"])),
        ("อยู่ระหว่างดำเนินการ (เรื่อง)", fmt.count(c["open"])),
        ("ร้อยละของเรื่องที่ยุติ", fmt.pct(c["closed_pct"])),
        ("เรื่องยกมาจากปีงบประมาณก่อน (เรื่อง)", fmt.count(c["carried_over"])),
        ("เรื่องยกมาที่ยุติในปีนี้ (เรื่อง)", fmt.count(c["carried_over_closed"])),
        (f"เรื่องที่ยังไม่ยุติและเกิน {sla} วัน (เรื่อง)", fmt.count(c["overdue"])),
        ("ระยะเวลาเฉลี่ยในการยุติเรื่อง (วัน)", fmt.days(c["mean_days_to_close"])),
        ("ค่ามัธยฐานของระยะเวลายุติเรื่อง (วัน)", fmt.days(c["median_days_to_close"])),
        (f"ร้อยละของเรื่องที่ยุติภายใน {sla} วัน", fmt.pct(c["sla_met_pct"])),
        (f"ความพึงพอใจเฉลี่ย (เต็ม {fmt.plain(5)})", fmt.pct(c["satisfaction_mean"])),
        (f"ร้อยละของผู้ตอบที่พึงพอใจ (ระดับ {fmt.plain(4)}–{fmt.plain(5)})", fmt.pct(c["satisfied_pct"])),
        ("จำนวนผู้ตอบแบบประเมินความพึงพอใจ (ราย)", fmt.count(c["responses"])),
    ]
    categories = [
        {"name": clean_text(name), "received": fmt.count(v["received"]), "closed": fmt.count(v["closed"]), "open": fmt.count(v["open"])}
        for name, v in (c.get("by_category") or {}).items()
    ]
    summary = (
        f"ตั้งแต่วันที่ {fmt.date(start)} ถึงวันที่ {fmt.date(as_of)} ศูนย์ดำรงธรรมรับเรื่องร้องเรียน/ร้องทุกข์ "
        f"{fmt.count(c['received'])} เรื่อง ยุติแล้ว {fmt.count(c['closed'])} เรื่อง คิดเป็นร้อยละ {fmt.pct(c['closed_pct'])} "
        f"อยู่ระหว่างดำเนินการ {fmt.count(c['open'])} เรื่อง"
    )
    if c.get("carried_over"):
        summary += f" และมีเรื่องยกมาจากปีก่อน {fmt.count(c['carried_over'])} เรื่อง ยุติแล้ว {fmt.count(c['carried_over_closed'])} เรื่อง"
    return {
        "summary": summary,
        "rows": [{"label": label, "value": value} for label, value in rows],
        "categories": categories,
        "received": fmt.count(c["received"]),
        "closed": fmt.count(c["closed"]),
        "open": fmt.count(c["open"]),
    }


# --- SOP coverage -------------------------------------------------------------------------------
def sop_section(missions: Mapping[str, Any] | None, section: str, fmt: Formatter) -> dict[str, Any]:
    if not missions:
        return {"summary": "ไม่มีข้อมูลภารกิจ (ไม่พบแท็บ ภารกิจ หรือแท็บนี้ใช้ไม่ได้)", "categories": [], "single_points": []}
    items = missions.get("items") or {}
    with_sop, ready = mission_counts(items)
    summary = (
        f"{section}มีภารกิจทั้งหมด {fmt.count(missions['count'])} ภารกิจ มีคู่มือการปฏิบัติงานแล้ว {fmt.count(with_sop)} ภารกิจ "
        f"คิดเป็นร้อยละ {fmt.pct(missions['sop_coverage_pct'])} มีขั้นตอนงานและข้อความคู่มือครบพร้อมจัดทำเป็นเอกสาร "
        f"{fmt.count(ready)} ภารกิจ และภารกิจที่มีผู้ปฏิบัติแทนคิดเป็นร้อยละ {fmt.pct(missions.get('backup_coverage_pct'))}"
    )
    single = []
    for mid in missions.get("single_point_of_failure") or []:
        item = items.get(mid, {})
        staff = ", ".join(clean_text(s) for s in item.get("capable_staff") or []) or MISSING
        single.append(f"{clean_text(mid)} {clean_text(item.get('name'))} (ผู้ปฏิบัติได้: {staff})")
    return {"summary": summary, "categories": coverage_by_category(missions, fmt), "single_points": single}


# --- problems and risks -------------------------------------------------------------------------
def problems_and_risks(table: pd.DataFrame, fmt: Formatter) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The plan's problems and risks, each text once, with the activities that reported it."""
    return _collect(table, "problems", fmt), _collect(table, "risks", fmt)


def _collect(table: pd.DataFrame, column: str, fmt: Formatter) -> list[dict[str, str]]:
    seen: dict[str, tuple[str, list[str]]] = {}
    for row in table.to_dict("records"):
        text = clean_text(row.get(column)).strip()
        if not text:
            continue
        key = " ".join(text.split()).casefold()
        shown, activities = seen.setdefault(key, (text, []))
        activity = clean_text(row["activity_id"])
        if activity not in activities:
            activities.append(activity)
    return [
        {"number": fmt.plain(n), "text": text, "activities": "กิจกรรม " + ", ".join(activities)}
        for n, (text, activities) in enumerate(seen.values(), start=1)
    ]
