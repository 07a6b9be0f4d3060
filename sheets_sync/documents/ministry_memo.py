"""The memo to the Permanent Secretary (ministry.md), rendered from `templates/rollup_memo.docx`.

A บันทึกข้อความ from the ministry's unit to ปลัดกระทรวงมหาดไทย in the shape of the governor's memo
and from the same parts (the template's heading, parts and signature are built by the same
functions in `scripts/build_templates.py`; the same `Formatter`, `render_document` and chart
helpers): เรื่องเดิม, ข้อเท็จจริง (provinces read, national SOP coverage — the PMQA success
indicator — with its distribution and target, complaints, KPI), ข้อพิจารณา (the provinces that
need support, the candidates for best practice, the provinces not read and why), ข้อเสนอ; then
the attachment with the national and regional tables, the rankings and a chart of SOP coverage by
province. Nothing in it speaks of the tool, tabs or cells: a province not read is named with why,
in the words of an office ("ยังไม่ได้ให้สิทธิ์เข้าถึงข้อมูล"), never a file error.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from ..compute.rollup import Ranking, Rollup
from ..config import Office, Settings
from ..core.vocabulary import RESULT_BANDS, ROLLUP_OUTCOMES, choice_of
from . import charts
from .formatting import MISSING, Formatter
from .rendering import Template, emblem_image, image, load_template, render_document

TEMPLATE = "rollup_memo.docx"
PRELIMINARY = "รายงานเบื้องต้น"
NAMED = 5  # a list in the memo names at most this many; the rest are in the attachment
DEFAULT_ADDRESSEE = "ปลัดกระทรวงมหาดไทย"
# Why a province is not in the figures, as the memo says it (the console and tabs give the detail).
NOT_READ = {
    "unreadable": "ไฟล์ข้อมูลเปิดไม่ได้หรือไม่มีข้อมูลตามแบบที่กำหนด",
    "no-access": "ยังไม่ได้ให้สิทธิ์เข้าถึงข้อมูล",
    "unreachable": "ติดต่อแหล่งข้อมูลไม่ได้ขณะรวบรวม",
}


def rollup_memo_file(rollup: Rollup) -> str:
    return f"rollup-FY{rollup.fiscal_year}-R{rollup.round}.docx"


def render_rollup_memo(rollup: Rollup, settings: Settings, office: Office, out_dir: Path, *, memo_date: dt.date,
                       thai_digits: bool, rounds: tuple[int, ...], sla_days: int) -> Path:
    """Write the memo for the roll-up's round, dated `memo_date`, to `<out_dir>/rollup-FY<fy>-R<round>.docx`."""
    template = load_template(settings, TEMPLATE)
    context = rollup_memo_context(rollup, office, memo_date, thai_digits=thai_digits, rounds=rounds, sla_days=sla_days)
    context["emblem"] = emblem_image(template, office.emblem)
    context["sop_chart"] = sop_chart(template, rollup, thai_digits)
    return render_document(template, context, Path(out_dir) / rollup_memo_file(rollup), thai_page_numbers=thai_digits,
                           title=f"บันทึกข้อความ {context['subject']}")


def sop_chart(template: Template, rollup: Rollup, thai: bool) -> Any:
    values = [(name, f.sop_coverage_pct) for name, f in rollup.figures.items() if f.sop_coverage_pct is not None]
    if not values:
        return ""
    png, height_mm = sop_coverage_chart(values, rollup.national["sop_target_pct"], thai_digits=thai)
    return image(template, png, width_mm=charts.CHART_WIDTH_MM, height_mm=height_mm)


def sop_coverage_chart(values: list[tuple[str, float]], target: float, *, thai_digits: bool = False) -> tuple[bytes, float]:
    """Horizontal bars, best first, one per province, with the target line; (PNG, placed height in mm)."""
    from matplotlib.lines import Line2D

    ordered = sorted(values, key=lambda nv: -nv[1])  # ties keep registry order
    per_bar = min(0.34, 8.0 / len(ordered))  # inches a province's bar takes; 76 of them fit on a page
    font = min(14.0, per_bar * 72 / 1.5)  # a name never touches the next one
    height_in = per_bar * len(ordered) + 1.3
    with charts.thai_figure(charts.CHART_WIDTH_IN, height_in, font_pt=font) as figure:
        ax = figure.add_subplot()
        names = [name for name, _ in ordered][::-1]
        pcts = [pct for _, pct in ordered][::-1]
        colours = ["#2E7D32" if p >= target else "#F9A825" if p >= target / 2 else "#C62828" for p in pcts]
        ax.barh(range(len(pcts)), pcts, color=colours, height=0.7)
        ax.set_yticks(range(len(names)), names)
        ax.set_xlim(0, 100)
        ax.axvline(target, color="#1565C0", linestyle="--", linewidth=1.2)
        ax.set_xlabel("ร้อยละของกระบวนการที่มีคู่มือการปฏิบัติงาน")
        charts._number_axis(ax.xaxis, thai_digits, integer=True)
        charts._plain_frame(ax)
        ax.set_ylim(-0.6, len(pcts) - 0.4)
        target_text = digits_text(f"เป้าหมายร้อยละ {target:g}", thai_digits)
        figure.legend(handles=[Line2D([], [], color="#1565C0", linestyle="--", label=target_text)],
                      loc="outside lower center", frameon=False)
        return charts.figure_png(figure), height_in * 25.4


def digits_text(text: str, thai: bool) -> str:
    return Formatter(thai).text(text)


# --- the memo's words --------------------------------------------------------------------------


def rollup_memo_context(rollup: Rollup, office: Office, memo_date: dt.date, *, thai_digits: bool,
                        rounds: tuple[int, ...], sla_days: int) -> dict[str, Any]:
    """Everything the template prints, as strings and lists (no pictures)."""
    fmt = Formatter(thai_digits)
    preliminary = not rollup.round_closed
    round_text = fmt.text(f"รอบ {rollup.round} เดือน")
    name = f"รายงานผลการติดตามการดำเนินงานของสำนักงานจังหวัด {round_text} ปีงบประมาณ พ.ศ. {fmt.text(str(rollup.fiscal_year))}"
    subject = name + (f" ({PRELIMINARY})" if preliminary else "")
    phone = " โทร.\u00a0" + fmt.text(office.phone).replace(" ", "\u00a0") if office.phone else ""
    counts = rollup.counts
    not_read = [p for p in rollup.provinces if p.outcome in NOT_READ]
    considerations = _considerations(rollup, fmt)
    return {
        "num": fmt.number_word,
        "office_name": office.name,
        "section": office.section,
        "office_line": f"{office.name} {office.section}{phone}",
        "document_no": fmt.text(office.document_no),
        "date": fmt.date(memo_date),
        "as_of_date": fmt.date(rollup.as_of),
        "subject": subject,
        "addressee": office.addressee or DEFAULT_ADDRESSEE,
        "attachment": f"รายละเอียดผลการดำเนินงาน{round_text} จำนวน {fmt.plain(1)} ชุด",
        "attachment_title": subject.replace("รายงานผล", "รายละเอียดผล", 1),
        "background": _background(rollup, rounds, fmt),
        "facts_intro": (f"ผลการดำเนินงานของสำนักงานจังหวัด{round_text} ข้อมูล ณ วันที่ {fmt.date(rollup.as_of)} "
                        "คำนวณด้วยเกณฑ์เดียวกันทุกจังหวัด สรุปได้ดังนี้"),
        "facts": _facts(rollup, sla_days, fmt),
        "considerations": considerations,
        "proposal": _proposal(office.section, rollup, bool(not_read), fmt),
        "signer_name": office.signer_name or "\u00a0" * 40,
        "signer_position": office.signer_position,
        "counts": {k: fmt.count(v) for k, v in counts.items()},
        "national": _group_rows(rollup.national, sla_days, fmt),
        "regions": _region_rows(rollup, fmt),
        "rankings": _ranking_rows(rollup, fmt),
        "not_read": [{"name": p.province, "why": NOT_READ[p.outcome]} for p in not_read],
        "target": fmt.plain(float(rollup.national["sop_target_pct"])),
    }


def _listed(names: list[str], fmt: Formatter, where: str = "") -> str:
    """`ก ข และ ค`; beyond NAMED: the first NAMED and `และอีก N จังหวัด`, then `(รายละเอียดตาม
    <where>)` when `where` is given (an item of several lists says it once, at its end)."""
    shown = names[:NAMED]
    text = shown[0] if len(shown) == 1 else " ".join(shown[:-1]) + " และ" + shown[-1]
    if len(names) > NAMED:
        text = " ".join(shown) + f" และอีก {fmt.count(len(names) - NAMED)} จังหวัด" + (f" (รายละเอียดตาม{where})" if where else "")
    return text


def _lists(label: str, lists: list[tuple[str, list[str]]], fmt: Formatter, where: str) -> str:
    """`<label> ด้าน A ได้แก่ …; ด้าน B ได้แก่ … (รายละเอียดตาม<where>)`: the pointer at the
    attachment once, at the end, when a list was cut."""
    if not lists:
        return f"{label} ยังไม่มีข้อมูลเพียงพอสำหรับการเปรียบเทียบ"
    text = "; ".join(f"ด้าน{aspect} ได้แก่ {_listed(names, fmt)}" for aspect, names in lists)
    cut = any(len(names) > NAMED for _, names in lists)
    return f"{label} {text}" + (f" (รายละเอียดตาม{where})" if cut else "")


def _background(rollup: Rollup, rounds: tuple[int, ...], fmt: Formatter) -> str:
    numbers = [fmt.plain(r) for r in rounds]
    listed = numbers[0] if len(numbers) == 1 else " ".join(numbers[:-1]) + " และ " + numbers[-1]
    return (
        "ตามที่กระทรวงมหาดไทยได้ขับเคลื่อนการพัฒนาคุณภาพการบริหารจัดการภาครัฐ (PMQA) ของสำนักงานจังหวัด "
        f"โดยติดตามผลปีงบประมาณ พ.ศ. {fmt.text(str(rollup.fiscal_year))} รอบ {listed} เดือน นั้น"
    )


def _facts(rollup: Rollup, sla_days: int, fmt: Formatter) -> list[str]:
    n, c, k = rollup.national, rollup.national["complaints"], rollup.national["kpi"]
    counts = rollup.counts
    active = counts["total"] - counts["inactive"]
    read = f"ได้รับข้อมูล {fmt.count(counts['ok'])} จาก {fmt.count(active)} จังหวัดที่ติดตาม"
    if counts["failed"]:
        read += f" ยังไม่ได้รับ {fmt.count(counts['failed'])} แห่ง (ข้อ {fmt.text('3.3')} ไม่นับรวมในผล)"
    if counts["inactive"]:
        read += f" และยังไม่เข้าร่วมระบบอีก {fmt.count(counts['inactive'])} แห่ง"
    d = n["sop_coverage_dist"]
    if n["sop_coverage_pct"] is None:
        sop = "ยังไม่มีข้อมูลทะเบียนภารกิจจากจังหวัดที่ได้รับข้อมูล"
    else:
        sop = (
            f"กระบวนการที่มีคู่มือการปฏิบัติงาน (ตัวชี้วัดความสำเร็จของ PMQA) {fmt.count(n['missions_with_sop'])} จาก "
            f"{fmt.count(n['missions'])} กระบวนการ ร้อยละ {fmt.pct(n['sop_coverage_pct'])} รายจังหวัดค่ากลางร้อยละ {fmt.pct(d['median'])} "
            f"ครึ่งหนึ่งของจังหวัดอยู่ระหว่างร้อยละ {fmt.pct(d['q1'])} ถึง {fmt.pct(d['q3'])} ต่ำสุด {fmt.pct(d['min'])} "
            f"สูงสุด {fmt.pct(d['max'])} ถึงเป้าหมายร้อยละ {fmt.plain(float(n['sop_target_pct']))} จำนวน {fmt.count(n['sop_target_met'])} แห่ง"
        )
    if c["received"] is None:
        complaints = "ยังไม่มีข้อมูลเรื่องร้องเรียนจากจังหวัดที่ได้รับข้อมูล"
    else:
        complaints = (
            f"ศูนย์ดำรงธรรมจังหวัดรับเรื่องร้องเรียนในปีงบประมาณนี้ {fmt.count(c['received'])} เรื่อง ยุติแล้ว {fmt.count(c['closed'])} "
            f"(ร้อยละ {fmt.pct(c['closed_pct'])}) ในเรื่องที่ยุติ ร้อยละ {fmt.pct(c['sla_met_pct'])} ยุติภายใน {fmt.plain(sla_days)} วัน "
            f"ค้างเกิน {fmt.plain(sla_days)} วัน {fmt.count(c['overdue'])} เรื่อง (รวมเรื่องที่ยกมาจากปีก่อน)"
        )
    if k["provinces"]:
        bands = " ".join(f"{band} {fmt.count(k['bands'][band])}" for _, band in RESULT_BANDS)
        kpi = (
            f"คะแนนตัวชี้วัด (เต็ม {fmt.plain(5)}) ของ {fmt.count(k['provinces'])} จังหวัด เฉลี่ย {fmt.score(k['mean_total'])} "
            f"ค่ากลาง {fmt.score(k['median_total'])} ระดับผล {bands} แห่ง"
        )
    else:
        kpi = "ยังไม่มีผลคะแนนตัวชี้วัดจากจังหวัดที่ได้รับข้อมูล"
    return [unbroken(f"{fmt.text(f'2.{i}')} {text}") for i, text in enumerate((read, sop, complaints, kpi), start=1)]


def _names(entries: list[tuple[str, int, float]]) -> list[str]:
    return [name for name, _, _ in entries]


_NUMBER = re.compile(r"[0-9\u0e50-\u0e59][0-9\u0e50-\u0e59.,]*[0-9\u0e50-\u0e59]")


def unbroken(text: str) -> str:
    """Numbers never break across lines (a word joiner between their characters: Thai line
    breaking would otherwise split `๒๓.๐๔` after the point), nor from the word before them."""
    text = _NUMBER.sub(lambda m: "\u2060".join(m.group()), text)
    return re.sub(r"(ร้อยละ|คะแนน) (?=[0-9\u0e50-\u0e59])", "\\1\u00a0", text)


def _considerations(rollup: Rollup, fmt: Formatter) -> list[str]:
    r = rollup.rankings
    where = f"สิ่งที่ส่งมาด้วย ข้อ {fmt.plain(3)}"
    support = [(aspect, _names(r[key].bottom())) for aspect, key in (
        ("คู่มือการปฏิบัติงาน", "sop_coverage_pct"), ("ผลตัวชี้วัด", "kpi_total"), ("เรื่องร้องเรียนค้าง", "overdue_per_100"))
        if r[key].entries]  # fmt: skip
    best = [(aspect, _names(r[key].top())) for aspect, key in (
        ("คู่มือการปฏิบัติงาน", "sop_coverage_pct"), ("ผลตัวชี้วัด", "kpi_total"), ("การยุติเรื่องร้องเรียน", "closed_pct"))
        if r[key].entries]  # fmt: skip
    items = [_lists("จังหวัดที่ควรได้รับการสนับสนุน", support, fmt, where), _lists("จังหวัดที่เป็นต้นแบบ (Best Practice)", best, fmt, where)]
    not_read = [p for p in rollup.provinces if p.outcome in NOT_READ]
    if not_read:
        groups: dict[str, list[str]] = {}
        for p in not_read:
            groups.setdefault(NOT_READ[p.outcome], []).append(p.province)
        parts = [f"{why} {fmt.count(len(names))} แห่ง ได้แก่ {_listed(names, fmt, f'สิ่งที่ส่งมาด้วย ข้อ {fmt.plain(4)}')}"
                 for why, names in groups.items()]
        items.append("จังหวัดที่ยังไม่ได้รับข้อมูล (ไม่นับรวมในผล): " + "; ".join(parts))
    return [unbroken(f"{fmt.text(f'3.{i}')} {text}") for i, text in enumerate(items, start=1)]


def _proposal(section: str, rollup: Rollup, missing: bool, fmt: Formatter) -> str:
    text = f"เห็นควรมอบหมาย{section}ให้คำแนะนำจังหวัดตามข้อ {fmt.text('3.1')} เผยแพร่แนวทางของจังหวัดตามข้อ {fmt.text('3.2')}"
    if missing:
        text += f" และแจ้งจังหวัดตามข้อ {fmt.text('3.3')} ส่งข้อมูลให้ครบ"
    return text


# --- the attachment's tables ---------------------------------------------------------------------


def _group_rows(g: dict[str, Any], sla_days: int, fmt: Formatter) -> list[dict[str, str]]:
    c, k, dist = g["complaints"], g["kpi"], g["sop_coverage_dist"]
    rows = [
        ("จังหวัดที่นำมาคำนวณ (แห่ง)", fmt.count(g["provinces"])),
        ("จำนวนกระบวนการ (ภารกิจ) รวม", fmt.count(g["missions"])),
        ("กระบวนการที่มีคู่มือการปฏิบัติงาน", fmt.count(g["missions_with_sop"])),
        ("ร้อยละของกระบวนการที่มีคู่มือ (ภาพรวม)", fmt.pct(g["sop_coverage_pct"])),
        ("ค่ากลางรายจังหวัด (ควอร์ไทล์ที่ 1 – 3)", f"{fmt.pct(dist['median'])} ({fmt.pct(dist['q1'])} – {fmt.pct(dist['q3'])})"),
        (f"จังหวัดที่ถึงเป้าหมายร้อยละ {fmt.plain(float(g['sop_target_pct']))} (แห่ง)", fmt.count(g["sop_target_met"])),
        ("เรื่องร้องเรียนที่รับในปีงบประมาณ", fmt.count(c["received"])),
        ("ยุติแล้ว (ร้อยละ)", f"{fmt.count(c['closed'])} ({fmt.pct(c['closed_pct'])})"),
        (f"ร้อยละที่ยุติภายใน {fmt.plain(sla_days)} วัน", fmt.pct(c["sla_met_pct"])),
        ("ค้างเกินกำหนด รวมเรื่องยกมา (ต่อ 100 เรื่องที่รับ)", f"{fmt.count(c['overdue'])} ({fmt.pct(c['overdue_per_100'])})"),
        ("คะแนนตัวชี้วัดเฉลี่ย / ค่ากลาง", f"{fmt.score(k['mean_total'])} / {fmt.score(k['median_total'])}"),
    ]
    rows += [(f"จังหวัดระดับผล {band} (แห่ง)", fmt.count(k["bands"][band])) for _, band in RESULT_BANDS]
    return [{"label": fmt.text(label), "value": unbroken(value)} for label, value in rows]


def _region_rows(rollup: Rollup, fmt: Formatter) -> list[dict[str, str]]:
    rows = []
    for name, g in rollup.regions.items():
        c, k = g["complaints"], g["kpi"]
        rows.append({k: unbroken(v) for k, v in {
            "name": name, "provinces": fmt.count(g["provinces"]), "sop": fmt.pct(g["sop_coverage_pct"]),
            "met": fmt.count(g["sop_target_met"]) if g["provinces"] else MISSING, "closed": fmt.pct(c["closed_pct"]),
            "overdue": fmt.pct(c["overdue_per_100"]), "kpi": fmt.score(k["mean_total"]),
        }.items()})
    return rows


def _ranking_rows(rollup: Rollup, fmt: Formatter) -> list[dict[str, str]]:
    """One row per ranked province, in the order of SOP coverage, with its four ranks."""
    r = rollup.rankings
    sop: Ranking = r["sop_coverage_pct"]
    rows = []
    names = [name for name, _, _ in sop.entries] + [n for n in rollup.figures if sop.rank_of(n) is None]
    for name in names:
        f = rollup.figures[name]

        def place(key: str, name: str = name) -> str:
            rank = r[key].rank_of(name)
            return fmt.count(rank) if rank is not None else MISSING

        rows.append({key: unbroken(value) for key, value in {
            "name": name, "sop": fmt.pct(f.sop_coverage_pct), "sop_rank": place("sop_coverage_pct"),
            "kpi": fmt.score(f.kpi_total_4), "kpi_rank": place("kpi_total"),
            "closed": fmt.pct(f.closed_pct), "closed_rank": place("closed_pct"),
            "overdue": fmt.pct(f.overdue_per_100), "overdue_rank": place("overdue_per_100"),
        }.items()})
    return rows


def outcome_label(outcome: str) -> str:
    return choice_of(ROLLUP_OUTCOMES, outcome).th
