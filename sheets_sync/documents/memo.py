"""The follow-up memo to the governor (บันทึกข้อความ), rendered from `templates/followup_memo.docx`.

The memo an office signs: its own date (the day it is written, from the caller) apart from the
data date; one to two pages in the order an executive reads (เรื่องเดิม / ข้อเท็จจริง /
ข้อพิจารณา / ข้อเสนอ) ending with the signer; then the attachment it names (สิ่งที่ส่งมาด้วย)
with the detail tables and charts. A round that has not ended is a preliminary report
(`รายงานเบื้องต้น`). Nothing in it speaks of the tool or the spreadsheet: data that could not be
used is the office's internal matter (console, `ตรวจสอบข้อมูล`).

`memo_context` turns the typed `Results` and the settings into strings and lists for the
template; every figure comes from compute. Every number printed goes through one `Formatter`,
so Thai digits (config `output.memo_thai_digits`) apply to all of them, sheet text in running
text included; ids stay as written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..compute.complaints import ComplaintResult
from ..compute.kpi import KpiResult
from ..compute.missions import MissionResult
from ..compute.plan import PlanResult
from ..compute.results import Results
from ..config import Settings
from ..core import vocabulary as v
from . import charts
from .comparison import comparison_lines, comparison_rounds, comparison_rows, rounds_compared
from .formatting import MISSING, Formatter, coverage_rows
from .rendering import Template, clean_text, emblem_image, image, load_template, render_document

TEMPLATE = "followup_memo.docx"
LAGGING = ("overdue", "behind", "not_started")  # what the governor should look at, worst first
NAMED_IN_MEMO = 5  # every item when there are at most this many; else these first and "และอีก N รายการ"
PRELIMINARY = "รายงานเบื้องต้น"
YEAR_END_ROUND = 12  # the 12-month memo is the year-end report
OTHER_CATEGORIES = ("อื่นๆ", "อื่น ๆ", "อื่น")  # a catch-all category is listed last
# The attachment's parts (the memo points at them by number).
PART_PLAN, PART_KPI, PART_COMPLAINTS, PART_SOP, PART_PROBLEMS = 1, 2, 3, 4, 5


def report_file_name(results: Results) -> str:
    return f"followup-FY{results.period.fiscal_year}-R{results.period.round}.docx"


def render_followup_report(results: Results, settings: Settings, out_dir: Path, *, memo_date: dt.date) -> Path:
    """Write the memo for the results' round, dated `memo_date`, to `<out_dir>/followup-FY<fy>-R<round>.docx`."""
    template = load_template(settings, TEMPLATE)
    context = memo_context(results, settings, memo_date)
    thai = settings.output.memo_thai_digits
    context["emblem"] = emblem_image(template, settings.office.emblem)
    context.update(memo_charts(template, results, thai))
    return render_document(
        template, context, Path(out_dir) / report_file_name(results), thai_page_numbers=thai, title=f"บันทึกข้อความ {context['subject']}"
    )


def months_passed(results: Results) -> dict[str, dict[str, int]]:
    """The complaints' fiscal months up to the data date's month (a future month is not a bar)."""
    if results.complaints is None:
        return {}
    last = results.period.as_of.strftime("%Y-%m")
    return {month: counts for month, counts in results.complaints.by_month.items() if month <= last}


def memo_charts(template: Template, results: Results, thai: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"plan_chart": "", "kpi_chart": "", "complaints_chart": ""}
    width = charts.CHART_WIDTH_MM
    if results.plan is not None and results.plan.count:
        out["plan_chart"] = image(template, charts.plan_status_chart(results.plan.status_counts, thai_digits=thai), width_mm=width)
    if results.kpis is not None:
        png = charts.kpi_perspective_chart(perspective_scores(results.kpis, results.period.round), thai_digits=thai)
        out["kpi_chart"] = image(template, png, width_mm=width)
    if results.complaints is not None and months_passed(results):
        out["complaints_chart"] = image(template, charts.complaints_month_chart(months_passed(results), thai_digits=thai), width_mm=width)
    return out


def perspective_scores(kpis: KpiResult, round_months: int) -> dict[str, float | None]:
    return {key: by_round.get(round_months) for key, by_round in kpis.perspectives.items()}


def memo_context(results: Results, settings: Settings, memo_date: dt.date) -> dict[str, Any]:
    """Everything the memo template prints, as strings and lists (no pictures)."""
    fmt = Formatter(settings.output.memo_thai_digits)
    office = settings.office
    period = results.period
    preliminary = not period.round_closed
    year_end = period.round == YEAR_END_ROUND
    # The number never breaks across lines: its spaces are non-breaking.
    phone = " โทร.\u00a0" + fmt.text(office.phone).replace(" ", "\u00a0") if office.phone else ""
    round_text = fmt.text(f"รอบ {period.round} เดือน")
    report_name = f"รายงานผลการติดตามการดำเนินงาน {round_text} ปีงบประมาณ พ.ศ. {fmt.text(str(period.fiscal_year))}"
    title = report_name + (f" ({PRELIMINARY})" if preliminary else "")
    plan = plan_section(results.plan, fmt)
    unit = unit_level(office.section)
    compared = rounds_compared(results)
    kpi = kpi_section(results.kpis, period.round, fmt, results.workbook.dropped.get("kpis"), unit=unit)
    complaints = complaints_section(results.complaints, period.start, period.as_of, settings.complaints.sla_days, fmt)
    sop = sop_section(results.missions, office.section, fmt)
    problems, risks = problems_and_risks(results.plan, fmt)
    if year_end:  # at the year's end a risk of not finishing in time is no longer a risk
        risks = []
    considerations = _considerations(results, plan, kpi, complaints, problems, settings.complaints.sla_days, fmt)
    governor = office.addressee or f"ผู้ว่าราชการจังหวัด{office.province}"
    context: dict[str, Any] = {
        "num": fmt.number_word,
        "office_name": office.name,
        "section": office.section,
        "office_line": f"{office.name} {office.section}{phone}",
        "document_no": fmt.text(office.document_no),
        "date": fmt.date(memo_date),
        "as_of_date": fmt.date(period.as_of),
        "subject": title,
        "preliminary": preliminary,
        "addressee": governor + via_text(office.via),
        "endorsements": [{"position": position} for position in office.via],
        "year_end": year_end,
        "attachment": f"รายละเอียดผลการติดตาม{round_text} จำนวน {fmt.plain(1)} ชุด",
        "attachment_title": title.replace("รายงานผล", "รายละเอียดผล", 1),
        "fiscal_year": fmt.text(str(period.fiscal_year)),
        "round": fmt.text(str(period.round)),
        "background": _background(office.section, period.fiscal_year, settings.fiscal.rounds, fmt),
        "facts_intro": _facts_intro(office.section, round_text, period, preliminary, fmt),
        "facts": _facts(plan, kpi, complaints, sop, fmt),
        "considerations": considerations,
        "proposal": _proposal(office.section, bool(considerations), fmt, year_end, period.fiscal_year,
                              next_round=next((r for r in sorted(settings.fiscal.rounds) if r > period.round), None)),
        "signer_name": office.signer_name or "\u00a0" * 40,
        "signer_position": office.signer_position,
        "plan": plan,
        "kpi": kpi,
        "complaints": complaints,
        "sop": sop,
        "problems": problems,
        "risks": risks,
        "problems_title": "ปัญหาและอุปสรรคที่พบระหว่างปี" if year_end else "ปัญหา อุปสรรค และความเสี่ยง",
        # closing.md: against the closed rounds before this one, numbered after the facts
        "comparison": comparison_lines(compared, fmt, number=f"2.{len(_facts(plan, kpi, complaints, sop, fmt)) + 1}", unit=unit),
        "comparison_rows": comparison_rows(compared, fmt, unit=unit),
        "comparison_rounds": comparison_rounds(compared, fmt),
        "unit": unit,
    }
    return context


UNITS = ("กลุ่มงาน", "ฝ่าย", "กลุ่ม", "ส่วน", "งาน")  # what a provincial office's section is called


def unit_level(section: str) -> str:
    """What the section-level KPIs are called in the memo: `ระดับฝ่าย` for ฝ่ายอำนวยการ,
    `ระดับกลุ่มงาน` for กลุ่มงานบริหารทั่วไป (the workbook's level is `ฝ่าย` either way)."""
    return next((unit for unit in UNITS if section.strip().startswith(unit)), "ฝ่าย")


def via_text(via: tuple[str, ...]) -> str:
    """` (ผ่านหัวหน้าสำนักงานจังหวัด)`, ` (ผ่าน A และ B)`; "" when the memo goes direct."""
    if not via:
        return ""
    listed = via[0] if len(via) == 1 else " ".join(via[:-1]) + " และ" + via[-1]
    return f" (ผ่าน{listed})"


# --- the memo's four parts ------------------------------------------------------------------------
def _background(section: str, fiscal_year: int, rounds: tuple[int, ...], fmt: Formatter) -> str:
    numbers = [fmt.plain(r) for r in rounds]
    listed = numbers[0] if len(numbers) == 1 else " ".join(numbers[:-1]) + " และ " + numbers[-1]
    return (
        f"ตามที่{section}ได้จัดทำแผนปฏิบัติการและตัวชี้วัดปีงบประมาณ พ.ศ. {fmt.text(str(fiscal_year))} "
        f"โดยติดตามผลรอบ {listed} เดือน นั้น"
    )


def _facts_intro(section: str, round_text: str, period, preliminary: bool, fmt: Formatter) -> str:
    if preliminary:
        return (
            f"ผลการติดตาม{round_text} ข้อมูล ณ วันที่ {fmt.date(period.as_of)} (ผลเบื้องต้น รอบนี้สิ้นสุด "
            f"{fmt.date(period.round_end(period.round))}) สรุปได้ดังนี้"
        )
    return f"ผลการติดตาม{round_text} ข้อมูล ณ วันที่ {fmt.date(period.as_of)} สรุปได้ดังนี้"


def _facts(plan: dict[str, Any], kpi: dict[str, Any], complaints: dict[str, Any], sop: dict[str, Any], fmt: Formatter) -> list[str]:
    items = [plan["fact"], kpi["fact"], complaints["fact"], sop["fact"]]
    return [f"{fmt.text(f'2.{n}')} {text}" for n, text in enumerate(items, start=1)]


def _considerations(results: Results, plan: dict[str, Any], kpi: dict[str, Any], complaints: dict[str, Any], problems: list[dict[str, str]],
                    sla_days: int, fmt: Formatter) -> list[str]:  # fmt: skip
    items = []
    if plan["attention"]:
        items.append(plan["attention"])
    if kpi["attention"]:
        items.append(kpi["attention"])
    if complaints.get("attention"):
        items.append(complaints["attention"])
    m = results.missions
    if m is not None and m.count:
        without = m.count - m.with_sop_count
        single = len(m.single_point_of_failure)
        if without and single:
            items.append(f"ภารกิจที่ยังไม่มีคู่มือ {fmt.count(without)} และที่มีผู้ปฏิบัติได้คนเดียว {fmt.count(single)} ภารกิจ "
                         f"ควรเร่งจัดทำคู่มือและผู้ปฏิบัติแทน (สิ่งที่ส่งมาด้วย ข้อ {fmt.plain(PART_SOP)})")  # fmt: skip
        elif without:
            items.append(f"ภารกิจที่ยังไม่มีคู่มือการปฏิบัติงาน {fmt.count(without)} ภารกิจ ควรเร่งจัดทำ (สิ่งที่ส่งมาด้วย ข้อ {fmt.plain(PART_SOP)})")
        elif single:
            items.append(f"ภารกิจที่มีผู้ปฏิบัติได้คนเดียว {fmt.count(single)} ภารกิจ ควรมอบหมายผู้ปฏิบัติแทน (สิ่งที่ส่งมาด้วย ข้อ {fmt.plain(PART_SOP)})")
    if problems:
        items.append(f"ปัญหาอุปสรรค {fmt.count(len(problems))} เรื่อง (สิ่งที่ส่งมาด้วย ข้อ {fmt.plain(PART_PROBLEMS)}) ควรแก้ไข")
    return [f"{fmt.text(f'3.{n}')} {text}" for n, text in enumerate(items, start=1)]


def _proposal(section: str, has_considerations: bool, fmt: Formatter, year_end: bool = False, fiscal_year: int = 0,
              next_round: int | None = None) -> str:  # fmt: skip
    if year_end:  # the year-end report: what to carry into next year's plan, not "the next round"
        following = fmt.text(str(fiscal_year + 1))
        if has_considerations:
            return (
                f"เห็นควรมอบหมาย{section}นำประเด็นตามข้อ {fmt.plain(3)} ไปบรรจุในแผนปฏิบัติการ"
                f"ปีงบประมาณ พ.ศ. {following}"
            )
        return f"เห็นควรนำผลการดำเนินงานไปใช้ประกอบการจัดทำแผนปฏิบัติการประจำปีงบประมาณ พ.ศ. {following}"
    following = fmt.text(f"รอบ {next_round} เดือน") if next_round else "รอบต่อไป"  # the round it names, when there is one
    if has_considerations:
        return f"เห็นควรมอบหมาย{section}แจ้งผู้รับผิดชอบเร่งรัดดำเนินการตามข้อ {fmt.plain(3)} และรายงานผลใน{following}"
    return f"เห็นควรให้ดำเนินการตามแผนต่อไป และรายงานผลใน{following}"


def named(items: list[str], fmt: Formatter, part: int) -> str:
    """`ได้แก่ a b และ c`: every item when there are at most NAMED_IN_MEMO, else the first
    NAMED_IN_MEMO (the caller puts those that need action most first) and `และอีก N รายการ
    (รายละเอียดตามสิ่งที่ส่งมาด้วย ข้อ <part>)` — never `เป็นต้น` over a partial list."""
    if len(items) <= NAMED_IN_MEMO:
        text = items[0] if len(items) == 1 else " ".join(items[:-1]) + " และ" + items[-1]
        return "ได้แก่ " + text
    rest = len(items) - NAMED_IN_MEMO
    return (
        "ได้แก่ " + " ".join(items[:NAMED_IN_MEMO])
        + f" และอีก {fmt.count(rest)} รายการ (รายละเอียดตามสิ่งที่ส่งมาด้วย ข้อ {fmt.plain(part)})"
    )


def item_name(name: str, item_id: str) -> str:
    """An item the memo points at: its name with the id in parentheses."""
    return f"{name} ({item_id})" if name else item_id


# --- plan ---------------------------------------------------------------------------------------
def plan_section(plan: PlanResult | None, fmt: Formatter) -> dict[str, Any]:
    """Status counts and budgets, and the activities that are late, with names from the plan."""
    if plan is None:
        none = "ไม่มีข้อมูลแผนปฏิบัติการในรอบนี้"
        return {"summary": none, "fact": none, "attention": "", "rows": [], "count": MISSING, "pct_total": MISSING,
                "budget_total": MISSING, "lagging": []}  # fmt: skip
    counts = plan.status_counts
    rows = []
    for key in v.PLAN_STATUS_CHART_ORDER:
        status = v.choice_of(v.PLAN_STATUSES, key)
        rows.append({
            "status": status.th,
            "count": fmt.count(counts.get(key, 0)),
            "pct": fmt.pct(plan.status_pct(key)),
            "budget": fmt.money(plan.budget_by_status.get(key, 0.0)),
            "fill": v.TONE_FILL[status.tone],
        })  # fmt: skip
    by_status = " ".join(
        f"{v.choice_label(v.PLAN_STATUSES, key)} {fmt.count(counts.get(key, 0))} กิจกรรม" for key in v.PLAN_STATUS_CHART_ORDER
    )
    summary = f"แผนปฏิบัติการมีกิจกรรมทั้งหมด {fmt.count(plan.count)} กิจกรรม งบประมาณรวม {fmt.money(plan.budget_total)} บาท จำแนกเป็น {by_status}"
    shown = [f"{v.choice_label(v.PLAN_STATUSES, key)} {fmt.count(counts[key])}" for key in v.PLAN_STATUS_CHART_ORDER if counts.get(key)]
    fact = (
        f"แผนปฏิบัติการ {fmt.count(plan.count)} กิจกรรม งบประมาณ {fmt.baht(plan.budget_total)} บาท "
        f"({' '.join(shown)} กิจกรรม)" if shown else "แผนปฏิบัติการยังไม่มีกิจกรรม"
    )
    # An office whose plan names no strategy at all has no alignment to report (0 % would read as a finding).
    named_strategy = "strategy_id" in plan.activities and plan.activities["strategy_id"].map(bool).any()
    if plan.strategy_alignment_pct is not None and (plan.strategy_alignment_pct or named_strategy):
        summary += f" กิจกรรมที่สอดคล้องกับประเด็นยุทธศาสตร์จังหวัดคิดเป็นร้อยละ {fmt.pct(plan.strategy_alignment_pct)}"
    lagging = lagging_activities(plan, fmt)
    return {
        "summary": summary + " รายละเอียดดังนี้",
        "fact": fact,
        "attention": _plan_attention(plan, fmt),
        "rows": rows,
        "count": fmt.count(plan.count),
        "pct_total": fmt.pct(100.0 if plan.count else None),
        "budget_total": fmt.money(plan.budget_total),
        "lagging": lagging,
    }


def _lagging_rows(plan: PlanResult) -> list[dict[str, Any]]:
    """Overdue, behind and not-started activities, those that need action most first: overdue by
    most days overdue, then behind by the widest gap to the expected progress, then not started
    by the earliest planned start; plan order among equals."""
    rows = [r for r in plan.activities.to_dict("records") if r["status"] in LAGGING]

    def need(row: dict[str, Any]) -> tuple:
        if row["status"] == "overdue":
            return (0, -(row.get("days_overdue") or 0))
        if row["status"] == "behind":
            gap = row.get("gap")
            return (1, gap if isinstance(gap, (int, float)) and gap == gap else 0.0)
        start = row.get("planned_start")
        return (2, start.toordinal() if hasattr(start, "toordinal") else 0)

    return sorted(rows, key=need)  # stable: plan order among equals


def _plan_attention(plan: PlanResult, fmt: Formatter) -> str:
    late = _lagging_rows(plan)
    if not late:
        return ""
    counts = plan.status_counts
    parts = [f"{v.choice_label(v.PLAN_STATUSES, key)} {fmt.count(counts[key])} กิจกรรม" for key in LAGGING if counts.get(key)]
    if len(parts) > 1:  # `เกินกำหนด ๖ และล่าช้า ๑ รวม ๗ กิจกรรม`: the unit once, after the total
        parts = [p.removesuffix(" กิจกรรม") for p in parts]
        parts = [*parts[:-2], parts[-2] + " และ" + parts[-1], f"รวม {fmt.count(len(late))} กิจกรรม"]
    names = [item_name(fmt.sheet(r["activity"]).strip(), clean_text(r["activity_id"])) for r in late]
    return f"กิจกรรมที่{' '.join(parts)} {named(names, fmt, PART_PLAN)} ควรเร่งรัด"


def lagging_activities(plan: PlanResult, fmt: Formatter) -> list[dict[str, str]]:
    out = []
    for row in _lagging_rows(plan):
        status = v.choice_label(v.PLAN_STATUSES, row["status"])
        if row["status"] == "overdue" and row.get("days_overdue"):
            status += f" {fmt.count(row['days_overdue'])} วัน"
        out.append(
            {
                "id": clean_text(row["activity_id"]),
                "name": fmt.sheet(row.get("activity")),
                "owner": fmt.sheet(row.get("owner")),
                "progress": fmt.days(row.get("progress_pct")),
                "expected": fmt.days(row.get("expected_pct")),
                "status": status,
                "fill": v.TONE_FILL[v.choice_of(v.PLAN_STATUSES, row["status"]).tone],
            }
        )
    return out


# --- KPIs ---------------------------------------------------------------------------------------
def kpi_section(kpis: KpiResult | None, round_months: int, fmt: Formatter, dropped: Any = None, *, unit: str = "ฝ่าย") -> dict[str, Any]:
    """Mean score and weight share per perspective, the section total, the KPIs below target.

    The weight shares are those of the KPIs counted this round (not-assessed ones and those not
    yet due are left out of the total, rules.md), so that Σ share × score is the total as
    printed; the note names the KPIs left out and the weight the total then stands on."""
    target = fmt.plain(int(v.SCORE_TARGET))
    if kpis is None:
        none = "ไม่มีข้อมูลตัวชี้วัดในรอบนี้"
        return {"summary": none, "fact": none, "attention": "", "perspectives": [], "total": MISSING, "total_pct": MISSING,
                "weight_total": MISSING, "below": [], "note": "", "target": target}  # fmt: skip
    section = kpis.groups.get(v.SECTION_GROUP, {}).get(round_months) or {}
    total, total_pct = section.get("total"), section.get("total_pct")
    counted = counted_weights(kpis, round_months)
    counted_total = sum(counted.values())
    scores = {p.key: kpis.perspectives.get(p.key, {}).get(round_months) for p in v.PERSPECTIVES}
    shares = printed_shares({key: counted.get(key, 0.0) for key, score in scores.items() if score is not None}, counted_total)
    perspectives = []
    for perspective in v.PERSPECTIVES:
        score = scores[perspective.key]
        share = shares.get(perspective.key)
        tone = v.score_tone(score)
        perspectives.append(
            {
                "name": perspective.th,
                "weight": fmt.pct(share),
                "score": fmt.score(score),
                "verdict": MISSING if score is None else ("ถึงค่าเป้าหมาย" if tone is v.Tone.GOOD else "ต่ำกว่าค่าเป้าหมาย"),
                "fill": v.NO_FILL if tone is None else v.TONE_FILL[tone],
            }
        )
    below = below_target(kpis, round_months, fmt)
    declared = declared_weight(kpis, dropped)
    counted_states = [s for row in _section_rows(kpis) if (s := _state(kpis, str(row["kpi_id"]), round_months)) in ("scored", "not_reported")]
    unreported = len(counted_states) if counted_states and "scored" not in counted_states else 0  # no counted KPI has reported
    fact = _kpi_fact(fmt, round_months, total, total_pct, target, unreported=unreported, unit=unit,
                     partial=counted_total if 0 < counted_total < declared else None)  # fmt: skip
    return {
        "summary": fact + " จำแนกตามมิติ ดังนี้" if total is not None else fact,
        "fact": fact,
        "attention": _kpi_attention(below, fmt),
        "perspectives": perspectives,
        "total": fmt.score(total),
        "total_pct": fmt.pct(total_pct),
        # The printed shares add up to exactly 100.00 (printed_shares).
        "weight_total": fmt.pct(100.0) if counted_total else MISSING,
        "below": below,
        "note": kpi_note(kpis, round_months, fmt, dropped),
        "target": target,
    }


def printed_shares(weights: dict[str, float], total: float) -> dict[str, float]:
    """Each weight's share of `total` in per cent to 2 decimals, rounded so that the printed
    shares add up to exactly 100.00 (largest remainder: the hundredths lost to rounding go to
    the shares that lost most)."""
    if not total or not weights:
        return {}
    exact = {key: weight / total * 10000 for key, weight in weights.items()}  # in hundredths
    floors = {key: int(value) for key, value in exact.items()}
    short = round(sum(exact.values())) - sum(floors.values())
    for key in sorted(exact, key=lambda k: floors[k] - exact[k])[: max(short, 0)]:
        floors[key] += 1
    return {key: hundredths / 100 for key, hundredths in floors.items()}


def _section_rows(kpis: KpiResult) -> list[dict[str, Any]]:
    return [row for row in kpis.kpis.to_dict("records") if row.get("level") == "section"] if len(kpis.kpis) else []


def _state(kpis: KpiResult, kpi_id: str, round_months: int) -> str | None:
    scored = kpis.scores.get(kpi_id, {}).get(round_months)
    return scored.state if scored else None


def counted_weights(kpis: KpiResult, round_months: int) -> dict[str, float]:
    """The weight of the section KPIs counted in this round's total, per perspective."""
    out: dict[str, float] = {}
    for row in _section_rows(kpis):
        if _state(kpis, str(row["kpi_id"]), round_months) in ("scored", "not_reported"):
            out[row["perspective"]] = out.get(row["perspective"], 0.0) + float(row["weight"])
    return out


def kpi_note(kpis: KpiResult, round_months: int, fmt: Formatter, dropped: Any = None) -> str:
    """หมายเหตุ under the KPI table: which KPIs the total leaves out and why, and the weight it
    stands on (the shares in the table are of that weight). Empty when every KPI counts."""
    rows = _section_rows(kpis)
    groups: dict[str, list[str]] = {"not_assessed": [], "not_due": []}
    for row in rows:
        state = _state(kpis, str(row["kpi_id"]), round_months)
        if state in groups:
            groups[state].append(item_name(fmt.sheet(row["name"]).strip(), clean_text(row["kpi_id"])))
    lost = []
    if dropped is not None and len(dropped):
        for row in dropped.to_dict("records"):
            if row.get("level") in ("section", None) and row.get("kpi_id"):
                lost.append(item_name(fmt.sheet(row.get("name")).strip(), clean_text(row["kpi_id"])))
    reasons = []
    if groups["not_assessed"]:
        reasons.append(f"ตัวชี้วัดที่ไม่ได้ประเมินในรอบนี้ {_listed(groups['not_assessed'], fmt)}")
    if groups["not_due"]:
        reasons.append(f"ตัวชี้วัดที่ยังไม่ถึงกำหนดรายงานผลในรอบนี้ {_listed(groups['not_due'], fmt)}")
    if lost:
        reasons.append(f"ตัวชี้วัดที่ข้อมูลยังไม่ครบถ้วน {_listed(lost, fmt)}")
    unreported = [item_name(fmt.sheet(row["name"]).strip(), clean_text(row["kpi_id"])) for row in rows
                  if _state(kpis, str(row["kpi_id"]), round_months) == "not_reported"]  # fmt: skip
    zero = f"ตัวชี้วัดที่ยังไม่รายงานผลคิดคะแนนเป็น {fmt.plain(0)} {_listed(unreported, fmt)}" if unreported else ""
    if not reasons:
        return f"หมายเหตุ {zero}" if zero else ""
    counted = sum(counted_weights(kpis, round_months).values())
    declared = declared_weight(kpis, dropped)
    weight = (
        f"คะแนนรวมจึงคิดจากตัวชี้วัดที่เหลือซึ่งมีน้ำหนักรวมร้อยละ {fmt.pct(counted)} จากทั้งหมดร้อยละ {fmt.pct(declared)} "
        "และสัดส่วนน้ำหนักในตารางคิดเทียบกับน้ำหนักดังกล่าว"
        if counted else "จึงยังไม่มีคะแนนรวมในรอบนี้"
    )
    return f"หมายเหตุ ไม่นำ{' และ'.join(reasons)} มาคำนวณ {weight}" + (f" ส่วน{zero}" if zero else "")


def declared_weight(kpis: KpiResult, dropped: Any = None) -> float:
    """The weight of every section KPI the office declared, those left out with data errors included."""
    declared = sum(float(r["weight"]) for r in _section_rows(kpis))
    if dropped is not None and len(dropped):
        for row in dropped.to_dict("records"):
            weight = row.get("weight")
            if row.get("level") in ("section", None) and row.get("kpi_id") and isinstance(weight, (int, float)) and weight == weight:
                declared += float(weight)
    return declared


def _listed(names: list[str], fmt: Formatter) -> str:
    text = names[0] if len(names) == 1 else " ".join(names[:-1]) + " และ" + names[-1]
    return f"{fmt.count(len(names))} ตัวชี้วัด ได้แก่ {text}" if len(names) > 1 else text


def _kpi_fact(fmt: Formatter, round_months: int, total: float | None, total_pct: float | None, target: str, *,
              unreported: int = 0, partial: float | None = None, unit: str = "ฝ่าย") -> str:  # fmt: skip
    """The section total and whether it meets the target; said plainly when no KPI counted has
    reported (the total is then 0 by rules.md, not a result), and on how much of the declared
    weight it stands when KPIs were left out."""
    round_text = fmt.text(f"รอบ {round_months} เดือน")
    if total is None:
        return f"ตัวชี้วัดระดับ{unit}{round_text} ยังไม่มีผลการประเมิน"
    if unreported:
        return (f"ตัวชี้วัดระดับ{unit}ยังไม่รายงานผลทั้ง {fmt.count(unreported)} ตัวชี้วัด คะแนนรวมจึงเป็น {fmt.score(total)} "
                f"ต่ำกว่าค่าเป้าหมาย (ระดับ {target})")  # fmt: skip
    verdict = "ผ่าน" if total >= v.SCORE_TARGET else "ต่ำกว่า"
    weight = f" คิดจากน้ำหนักร้อยละ {fmt.plain(round(partial, 2))}" if partial is not None else ""
    return (
        f"ตัวชี้วัดระดับ{unit}ได้คะแนนรวม {fmt.score(total)} จาก {fmt.plain(5)} คะแนน {verdict}ค่าเป้าหมาย (ระดับ {target}){weight}"
    )


def _kpi_attention(below: list[dict[str, Any]], fmt: Formatter) -> str:
    """The KPIs below target and, apart, those not reported (scored 0 by rules.md, but what they
    need is a report, not a push on results), each named once."""
    if not below:
        return ""
    low = [item_name(b["name"], b["id"]) for b in below if not b["not_reported"]]
    late = [item_name(b["name"], b["id"]) for b in below if b["not_reported"]]
    parts = []
    if low:
        parts.append(f"ตัวชี้วัดที่ยังไม่บรรลุค่าเป้าหมาย {fmt.count(len(low))} ตัวชี้วัด {named(low, fmt, PART_KPI)} ควรเร่งรัด")
    if late:
        parts.append(f"{'และ' if low else ''}ตัวชี้วัดที่ยังไม่รายงานผล {fmt.count(len(late))} ตัวชี้วัด {named(late, fmt, PART_KPI)} "
                     "ควรเร่งรัดให้รายงานผล")  # fmt: skip
    return " ".join(parts)


def below_target(kpis: KpiResult, round_months: int, fmt: Formatter) -> list[dict[str, Any]]:
    """Section KPIs scoring below 3 this round (a KPI not reported scores 0 and says so), the
    lowest first."""
    out = []
    for row in kpis.kpis.to_dict("records"):
        kid = str(row["kpi_id"])
        scored = kpis.scores.get(kid, {}).get(round_months)
        if row.get("level") != "section" or scored is None or scored.score is None or scored.score >= v.SCORE_TARGET:
            continue
        not_reported = scored.state == "not_reported"
        shown = fmt.score(scored.score) + (" (ยังไม่รายงาน)" if not_reported else "")
        out.append({"id": clean_text(kid), "name": fmt.sheet(row["name"]).strip(), "perspective": v.choice_label(v.PERSPECTIVES, row["perspective"]),
                    "score": shown, "fill": v.TONE_FILL[v.score_tone(scored.score)], "not_reported": not_reported,
                    "value": scored.score})  # fmt: skip
    return sorted(out, key=lambda b: b["value"])


# --- complaints ---------------------------------------------------------------------------------
def complaints_section(complaints: ComplaintResult | None, start: dt.date, as_of: dt.date, sla_days: int, fmt: Formatter) -> dict[str, Any]:
    """The year's figures, by category, and what the sentences say. Every count says what it
    counts: the year's cases and the cases carried over from earlier years are named apart
    wherever a figure includes the latter (the overdue count, the monthly closed bars)."""
    if complaints is None:
        none = "ไม่มีข้อมูลเรื่องร้องเรียนในรอบนี้"
        return {"summary": none, "fact": none, "attention": "", "rows": [], "categories": [], "received": MISSING, "closed": MISSING,
                "open": MISSING, "chart_note": ""}  # fmt: skip
    c = complaints.figures
    sla = fmt.plain(sla_days)
    carried, carried_closed = c.get("carried_over") or 0, c.get("carried_over_closed") or 0
    carried_open = carried - carried_closed
    overdue = complaints.overdue_cases
    overdue_carried = int((overdue["received"] < start).sum()) if len(overdue) else 0
    overdue_this_year = c["overdue"] - overdue_carried
    rows = [
        ("เรื่องที่รับในปีงบประมาณ (เรื่อง)", fmt.count(c["received"])),
        ("ยุติแล้ว (เรื่อง)", fmt.count(c["closed"])),
        ("อยู่ระหว่างดำเนินการ (เรื่อง)", fmt.count(c["open"])),
        ("ร้อยละของเรื่องที่ยุติ", fmt.pct(c["closed_pct"])),
        ("เรื่องยกมาจากปีงบประมาณก่อน (เรื่อง)", fmt.count(carried)),
        ("เรื่องยกมาที่ยุติในปีนี้ (เรื่อง)", fmt.count(carried_closed)),
        ("เรื่องยกมาที่ยังไม่ยุติ (เรื่อง)", fmt.count(carried_open)),
        (f"เรื่องที่ยังไม่ยุติและเกิน {sla} วัน รวมเรื่องยกมา (เรื่อง)", fmt.count(c["overdue"])),
        ("ระยะเวลาเฉลี่ยในการยุติเรื่อง (วัน)", fmt.days(c["mean_days_to_close"])),
        ("ค่ามัธยฐานของระยะเวลายุติเรื่อง (วัน)", fmt.days(c["median_days_to_close"])),
        (f"ร้อยละของเรื่องที่ยุติภายใน {sla} วัน", fmt.pct(c["sla_met_pct"])),
        (f"ความพึงพอใจเฉลี่ย (เต็ม {fmt.plain(5)})", fmt.pct(c["satisfaction_mean"])),
        (f"ร้อยละของผู้ตอบที่พึงพอใจ (ระดับ {fmt.plain(4)}–{fmt.plain(5)})", fmt.pct(c["satisfied_pct"])),
        ("จำนวนผู้ตอบแบบประเมินความพึงพอใจ (ราย)", fmt.count(c["responses"])),
    ]
    if not carried:
        rows = [row for row in rows if not row[0].startswith("เรื่องยกมา")]
        rows = [(label.replace(" รวมเรื่องยกมา", ""), value) for label, value in rows]
    categories = [
        {"name": fmt.sheet(name), "received": fmt.count(f["received"]), "closed": fmt.count(f["closed"]), "open": fmt.count(f["open"])}
        for name, f in sorted(complaints.by_category.items(), key=lambda kv: " ".join(str(kv[0]).split()) in OTHER_CATEGORIES)
    ]  # stable: the named categories keep their order, the catch-all goes last
    year = (
        f"ศูนย์ดำรงธรรมรับเรื่องร้องเรียน/ร้องทุกข์ในปีงบประมาณนี้ {fmt.count(c['received'])} เรื่อง ยุติแล้ว {fmt.count(c['closed'])} เรื่อง "
        f"(ร้อยละ {fmt.pct(c['closed_pct'])}) อยู่ระหว่างดำเนินการ {fmt.count(c['open'])} เรื่อง"
    )
    carried_text = (
        f" นอกจากนี้มีเรื่องยกมาจากปีงบประมาณก่อน {fmt.count(carried)} เรื่อง ยุติแล้ว {fmt.count(carried_closed)} เรื่อง "
        f"ยังไม่ยุติ {fmt.count(carried_open)} เรื่อง"
        if carried else ""
    )
    fact = (
        f"ศูนย์ดำรงธรรมรับเรื่อง {fmt.count(c['received'])} เรื่อง ยุติแล้ว {fmt.count(c['closed'])} "
        f"(ร้อยละ {fmt.pct(c['closed_pct'])}) ค้าง {fmt.count(c['open'])} เรื่อง"
        + (f" และยกมาจากปีก่อนค้างอีก {fmt.count(carried_open)} เรื่อง" if carried_open else "")
    )
    summary = f"ตั้งแต่วันที่ {fmt.date(start)} ถึงวันที่ {fmt.date(as_of)} " + year + carried_text
    attention = ""
    if c["overdue"]:
        split = (
            f" (รับในปีนี้ {fmt.count(overdue_this_year)} ยกมาจากปีก่อน {fmt.count(overdue_carried)} เรื่อง)"
            if overdue_carried else " (ทั้งหมดเป็นเรื่องที่รับในปีนี้)" if carried else ""
        )
        attention = (
            f"เรื่องร้องเรียนที่ค้างเกิน {sla} วัน {fmt.count(c['overdue'])} เรื่อง{split} "
            "ควรเร่งรัดหน่วยงานที่รับผิดชอบ"
        )
    chart_note = (
        f"หมายเหตุ เรื่องที่ยุติในแต่ละเดือนรวมเรื่องยกมาจากปีงบประมาณก่อนที่ยุติในเดือนนั้น (รวม {fmt.count(carried_closed)} เรื่อง) "
        "ส่วนเรื่องที่รับนับเฉพาะเรื่องที่รับในปีงบประมาณนี้"
        if carried_closed else ""
    )
    return {
        "summary": summary,
        "fact": fact,
        "attention": attention,
        "rows": [{"label": label, "value": value} for label, value in rows],
        "categories": categories,
        "received": fmt.count(c["received"]),
        "closed": fmt.count(c["closed"]),
        "open": fmt.count(c["open"]),
        "chart_note": chart_note,
    }


# --- SOP coverage -------------------------------------------------------------------------------
def sop_section(missions: MissionResult | None, section: str, fmt: Formatter) -> dict[str, Any]:
    if missions is None:
        none = "ไม่มีข้อมูลภารกิจในรอบนี้"
        return {"summary": none, "fact": none, "categories": [], "total": None, "single_points": [], "without": []}
    fact = (
        f"มีคู่มือแล้ว {fmt.count(missions.with_sop_count)} จาก {fmt.count(missions.count)} ภารกิจ "
        f"(ร้อยละ {fmt.pct(missions.sop_coverage_pct)})"
    )
    summary = (
        f"{section}มีภารกิจทั้งหมด {fmt.count(missions.count)} ภารกิจ มีคู่มือการปฏิบัติงานแล้ว {fmt.count(missions.with_sop_count)} ภารกิจ "
        f"คิดเป็นร้อยละ {fmt.pct(missions.sop_coverage_pct)}"
    ) + f" และภารกิจที่มีผู้ปฏิบัติแทนคิดเป็นร้อยละ {fmt.pct(missions.backup_coverage_pct)}"
    rows = missions.missions.set_index("mission_id", drop=False) if missions.count else None
    single = []
    for mid in missions.single_point_of_failure:
        row = rows.loc[mid]
        staff = ", ".join(fmt.sheet(s) for s in row["capable_staff"] or []) or MISSING
        single.append(f"{clean_text(mid)} {fmt.sheet(row['name'])} (ผู้ปฏิบัติได้: {staff})")
    without = [f"{clean_text(row['mission_id'])} {fmt.sheet(row['name'])}" for row in missions.missions.to_dict("records")
               if row["sop_status"] != "has"] if missions.count else []  # fmt: skip
    categories, total = coverage_rows(missions, fmt)
    return {"summary": summary, "fact": fact, "categories": categories, "total": total, "single_points": single, "without": without}


# --- problems and risks -------------------------------------------------------------------------
def problems_and_risks(plan: PlanResult | None, fmt: Formatter) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The plan's problems and risks, each text once, with the activities that reported it."""
    if plan is None:
        return [], []
    return _collect(plan, "problems", fmt), _collect(plan, "risks", fmt)


def _collect(plan: PlanResult, column: str, fmt: Formatter) -> list[dict[str, str]]:
    seen: dict[str, tuple[str, list[str]]] = {}
    for row in plan.activities.to_dict("records"):
        text = clean_text(row.get(column)).strip()
        if not text:
            continue
        key = " ".join(text.split()).casefold()
        _shown, activities = seen.setdefault(key, (text, []))
        activity = clean_text(row["activity_id"])
        if activity not in activities:
            activities.append(activity)
    return [
        {"number": fmt.plain(n), "text": fmt.text(text), "activities": "กิจกรรม " + ", ".join(activities)}
        for n, (text, activities) in enumerate(seen.values(), start=1)
    ]
