"""Documents an officer signs without fixing anything by hand (issue 18): one test for each
defect that stopped signing, on the demo and on a second office's workbook shaped like a real
one (no branch columns, step rows lost to errors, a KPI not assessed, carried-over complaints)."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_sync.cli.main import cli
from sheets_sync.core.thai_dates import digits
from sheets_sync.documents import flowchart, thai_text
from sheets_sync.documents import memo as memo_doc
from sheets_sync.documents.flowchart import OWN_END, FlowStep, count_crossings, draw_flowchart, with_terminals
from sheets_sync.documents.formatting import Formatter
from sheets_sync.documents.sop import flow_steps, mission_steps
from tests.documents.test_flowchart_routing import STEPS
from tests.documents_fixtures import (
    all_text,
    body_index,
    demo_sync,
    endorsements,
    keyed,
    office_settings,
    open_docx,
    paragraphs,
    render_manuals,
    render_memo,
    sync_workbook,
    table_starting,
)
from tests.documents_fixtures.second_office import AS_OF, second_office_settings, second_office_workbook


def TH(text: str) -> str:
    return digits(text, True)


@pytest.fixture(scope="module")
def demo(demo_xlsx: Path):
    return demo_sync(demo_xlsx, office_settings())


@pytest.fixture(scope="module")
def memo(demo, tmp_path_factory):
    return open_docx(render_memo(demo, office_settings(), tmp_path_factory.mktemp("demo-memo")))


@pytest.fixture(scope="module")
def second_xlsx(tmp_path_factory) -> Path:
    return second_office_workbook(tmp_path_factory.mktemp("second") / "second-office.xlsx")


@pytest.fixture(scope="module")
def second(second_xlsx):
    return sync_workbook(second_xlsx, second_office_settings(), AS_OF)


@pytest.fixture(scope="module")
def second_memo(second, tmp_path_factory):
    return open_docx(render_memo(second, second_office_settings(), tmp_path_factory.mktemp("memo")))


@pytest.fixture(scope="module")
def second_manuals(second, tmp_path_factory) -> dict[str, Path]:
    paths = render_manuals(second, second_office_settings(), tmp_path_factory.mktemp("sop"))
    return {p.stem: p for p in paths}


# --- naming items: never `เป็นต้น` over a partial list ----------------------------------------
def test_named_lists_every_item_up_to_five_and_counts_the_rest() -> None:
    fmt = Formatter(True)
    three = [f"กิจกรรม {n} (A0{n})" for n in range(1, 4)]
    assert memo_doc.named(three, fmt, 1) == "ได้แก่ กิจกรรม 1 (A01) กิจกรรม 2 (A02) และกิจกรรม 3 (A03)"
    seven = [f"งาน{n} (A0{n})" for n in range(1, 8)]
    text = memo_doc.named(seven, fmt, 1)
    assert all(item in text for item in seven[:5]) and not any(item in text for item in seven[5:])
    assert text.endswith("และอีก ๒ รายการ (รายละเอียดตามสิ่งที่ส่งมาด้วย ข้อ ๑)")


def _named_lists(text: str) -> list[str]:
    return re.findall(r"ได้แก่ (.*?)(?: ควร|$)", text)


@pytest.mark.parametrize("which", ["second", "demo"])
def test_no_partial_list_ends_in_pen_ton_and_every_item_has_its_name(which, second_memo, request) -> None:
    document = second_memo if which == "second" else request.getfixturevalue("memo")
    body = paragraphs(document)
    for line in body:
        assert "เป็นต้น" not in line, line
        for listed in _named_lists(line):
            # every item named is "name (ID)", never a bare code such as "K08" or "A20"
            assert not re.search(r"(?:^| |และ)[A-Z]+\d+(?: |$)", listed), listed
            if "และอีก" in listed:
                assert re.search(r"และอีก [๐-๙]+ รายการ \(รายละเอียดตามสิ่งที่ส่งมาด้วย ข้อ [๑-๕]\)$", listed), listed


def test_second_office_names_five_late_activities_and_counts_the_rest(second_memo, second) -> None:
    late = [r for r in second.typed.plan.activities.to_dict("records") if r["status"] in memo_doc.LAGGING]
    line = next(p for p in paragraphs(second_memo) if p.startswith("๓.๑ กิจกรรมที่"))
    assert len(late) > 5 and f"และอีก {TH(str(len(late) - 5))} รายการ" in line


def test_a_kpi_not_reported_reads_as_one_kpi_and_is_asked_for_its_report() -> None:
    fmt = Formatter(True)
    below = [{"id": "K08", "name": "ร้อยละการเบิกจ่าย", "not_reported": True}, {"id": "K05", "name": "ความพึงพอใจ", "not_reported": False}]
    text = memo_doc._kpi_attention(below, fmt)
    assert text == ("ตัวชี้วัดที่ยังไม่บรรลุค่าเป้าหมาย ๑ ตัวชี้วัด ได้แก่ ความพึงพอใจ (K05) ควรเร่งรัด "
                    "และตัวชี้วัดที่ยังไม่รายงานผล ๑ ตัวชี้วัด ได้แก่ ร้อยละการเบิกจ่าย (K08) ควรเร่งรัดให้รายงานผล")
    assert "(K08, ยังไม่รายงานผล" not in text  # the reading of it as two KPIs is gone


def test_shares_add_up_to_100_as_printed() -> None:
    assert memo_doc.printed_shares({"a": 30, "b": 20, "c": 30, "d": 10}, 90) == {"a": 33.34, "b": 22.22, "c": 33.33, "d": 11.11}
    shares = memo_doc.printed_shares({"a": 30, "b": 25, "c": 15, "d": 25}, 95)
    assert shares == {"a": 31.58, "b": 26.32, "c": 15.79, "d": 26.31} and round(sum(shares.values()), 2) == 100.0
    assert memo_doc.printed_shares({}, 0) == {}


def test_a_round_where_no_kpi_reported_says_so_instead_of_a_zero_score() -> None:
    fact = memo_doc._kpi_fact(Formatter(True), 12, 0.0, 0.0, "๓", unreported=5)
    assert fact == "ตัวชี้วัดระดับฝ่ายยังไม่รายงานผลทั้ง ๕ ตัวชี้วัด คะแนนรวมจึงเป็น ๐.๐๐๐๐ ต่ำกว่าค่าเป้าหมาย (ระดับ ๓)"


def test_the_five_late_activities_named_are_those_that_need_action_most(tmp_path) -> None:
    from sheets_sync.compute.plan import PlanResult

    rows = [
        {"activity_id": "A1", "activity": "หนึ่ง", "status": "not_started", "planned_start": dt.date(2026, 3, 1), "days_overdue": 0, "gap": -10.0},
        {"activity_id": "A2", "activity": "สอง", "status": "overdue", "planned_start": dt.date(2025, 10, 1), "days_overdue": 10, "gap": -50.0},
        {"activity_id": "A3", "activity": "สาม", "status": "behind", "planned_start": dt.date(2025, 11, 1), "days_overdue": 0, "gap": -15.0},
        {"activity_id": "A4", "activity": "สี่", "status": "overdue", "planned_start": dt.date(2025, 10, 1), "days_overdue": 90, "gap": -40.0},
        {"activity_id": "A5", "activity": "ห้า", "status": "behind", "planned_start": dt.date(2025, 11, 1), "days_overdue": 0, "gap": -35.0},
        {"activity_id": "A6", "activity": "หก", "status": "not_started", "planned_start": dt.date(2026, 1, 1), "days_overdue": 0, "gap": -20.0},
    ]
    import pandas as pd

    plan = PlanResult(pd.DataFrame(rows), {"overdue": 2, "behind": 2, "not_started": 2}, 0.0, {}, None)
    assert [r["activity_id"] for r in memo_doc._lagging_rows(plan)] == ["A4", "A2", "A5", "A3", "A6", "A1"]
    text = memo_doc._plan_attention(plan, Formatter(True))
    assert "ได้แก่ สี่ (A4) สอง (A2) ห้า (A5) สาม (A3) หก (A6) และอีก ๑ รายการ" in text


# --- the KPI table adds up as printed ------------------------------------------------------------
def _number(text: str) -> float:
    return float(digits(text, False).replace(",", ""))


def kpi_table_adds_up(document) -> tuple[float, float]:
    table = table_starting(document, "มิติ")
    rows, total = table[1:-1], table[-1]
    assert _number(total[1]) == 100.0
    products = sum(_number(weight) * _number(score) / 100 for _name, weight, score, _v in rows if weight != "-")
    return products, _number(total[2])


@pytest.mark.parametrize("which", ["second", "demo"])
def test_kpi_table_adds_up_as_printed(which, second_memo, request) -> None:
    document = second_memo if which == "second" else request.getfixturevalue("memo")
    products, total = kpi_table_adds_up(document)
    # four shares to 2 decimals times scores to 4: a reader's sum agrees to the third decimal
    assert abs(products - total) <= 0.001, (products, total)


def test_kpi_note_names_the_kpi_left_out_and_the_weight_used(second_memo, second) -> None:
    note = next(p for p in paragraphs(second_memo) if p.startswith("หมายเหตุ ไม่นำ"))
    assert "ผลการประเมินสำนักงานสีเขียว (K09)" in note and "ไม่ได้ประเมิน" in note
    assert "ร้อยละ ๙๐.๐๐ จากทั้งหมดร้อยละ ๑๐๐.๐๐" in note
    weights = [row[1] for row in table_starting(second_memo, "มิติ")[1:-1]]
    # 30/20/30/10 of the 90 counted: 33.333…, 22.222…, 33.333…, 11.111…, rounded so that the column
    # adds up to 100.00 as printed (the hundredth lost to rounding goes to the first largest remainder)
    assert weights == [TH("33.34"), TH("22.22"), TH("33.33"), TH("11.11")]


# --- the year-end memo ---------------------------------------------------------------------------
YEAR_END = dt.date(2026, 9, 30)


@pytest.fixture(scope="module")
def year_end_memos(second_xlsx, tmp_path_factory) -> list:
    from tests.documents_fixtures import demo_sync_at

    out = tmp_path_factory.mktemp("year-end")
    settings = second_office_settings()
    second_year = sync_workbook(second_xlsx, settings, YEAR_END)
    demo_year = demo_sync_at(out, settings, YEAR_END)
    return [open_docx(render_memo(s, settings, out / name, memo_date=dt.date(2026, 10, 9))) for s, name in ((second_year, "a"), (demo_year, "b"))]


def test_a_twelve_month_memo_proposes_next_years_plan_not_the_next_round(year_end_memos) -> None:
    for document in year_end_memos:
        text = all_text(document)
        assert "รอบต่อไป" not in text and "ไม่ทันรอบ ๑๒ เดือน" not in text
        assert "ปีงบประมาณ พ.ศ. ๒๕๗๐" in "\n".join(paragraphs(document)[: paragraphs(document).index("สิ่งที่ส่งมาด้วย")])


# --- routing through office.via ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("via", "addressee"),
    [
        ([], "เรียน  ผู้ว่าราชการจังหวัดนครตัวอย่าง"),
        (["หัวหน้าสำนักงานจังหวัด"], "เรียน  ผู้ว่าราชการจังหวัดนครตัวอย่าง (ผ่านหัวหน้าสำนักงานจังหวัด)"),
        (["หัวหน้าสำนักงานจังหวัด", "รองผู้ว่าราชการจังหวัด"],
         "เรียน  ผู้ว่าราชการจังหวัดนครตัวอย่าง (ผ่านหัวหน้าสำนักงานจังหวัด และรองผู้ว่าราชการจังหวัด)"),
    ],
)
def test_the_memo_goes_up_the_offices_line_with_a_space_for_each_endorsement(second, tmp_path, via, addressee) -> None:
    document = open_docx(render_memo(second, second_office_settings(via=via), tmp_path))
    lines = paragraphs(document)
    assert addressee in lines
    signer = lines.index("(นางวันเพ็ญ ศรีประเสริฐ)")
    blocks = endorsements(document)
    assert [(comment[0], comment[-1], sign[-1]) for comment, sign in blocks] == [
        (f"ความเห็น{position}", "วันที่ ........../........../..........", position) for position in via
    ]
    assert lines[signer + 1 : signer + 3] == ["หัวหน้ากลุ่มงานบริหารทั่วไป", "สิ่งที่ส่งมาด้วย"]
    tables = [t for t in document.tables if t.rows[0].cells[0].text.startswith("ความเห็น")]
    assert len(tables) == (1 if via else 0)  # no empty table when the memo goes direct
    for table in tables:  # after the signer, before the attachment
        assert body_index(document, document.paragraphs[signer + 1]) < body_index(document, table) < body_index(document, document.paragraphs[signer + 2])


def test_office_via_must_be_a_list_of_positions() -> None:
    from sheets_sync.config import settings_from_dict
    from sheets_sync.core.errors import ConfigError

    with pytest.raises(ConfigError, match="office.via ต้องเป็นรายการตำแหน่ง"):
        settings_from_dict({"office": {"via": "หัวหน้าสำนักงานจังหวัด"}})
    assert settings_from_dict({"office": {"via": []}}).office.via == ()


# --- counts that say what they count -------------------------------------------------------------
def test_overdue_complaints_say_how_many_were_carried_over(second_memo, second) -> None:
    c = second.results["complaints"]
    assert c["carried_over"] and c["overdue"]
    line = next(p for p in paragraphs(second_memo) if "ค้างเกิน" in p)
    carried = c["overdue"] - int(line.split("รับในปีนี้ ")[1].split()[0].translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")))
    assert f"{TH(str(c['overdue']))} เรื่อง (รับในปีนี้" in line and f"ยกมาจากปีก่อน {TH(str(carried))} เรื่อง)" in line
    fact = next(p for p in paragraphs(second_memo) if p.startswith("๒.๓ "))
    open_carried = c["carried_over"] - c["carried_over_closed"]
    assert f"ค้าง {TH(str(c['open']))} เรื่อง และยกมาจากปีก่อนค้างอีก {TH(str(open_carried))} เรื่อง" in fact
    assert any(p.startswith("หมายเหตุ เรื่องที่ยุติในแต่ละเดือนรวมเรื่องยกมา") for p in paragraphs(second_memo))  # the chart's note


def test_the_catch_all_category_is_listed_last(second_memo) -> None:
    names = list(keyed(table_starting(second_memo, "ประเภทเรื่อง")))
    assert names[-2:] == ["อื่นๆ", "รวม"]


def test_memo_and_index_share_one_meaning_of_has_a_manual(second_memo, second_manuals, second) -> None:
    missions = second.results["missions"]
    fact = next(p for p in paragraphs(second_memo) if p.startswith("๒.๔ "))
    has = sum(1 for item in missions["items"].values() if item["sop_status"] == "has")
    assert f"มีคู่มือแล้ว {TH(str(has))} จาก {TH(str(len(missions['items'])))} ภารกิจ" in fact
    index = keyed(table_starting(open_docx(second_manuals["index"]), "รหัส"))
    assert sum(1 for row in index.values() if row[2] == "มี") == has
    assert not any("ยังไม่มีคู่มือ" in cell for row in index.values() for cell in row)


# --- flowcharts ------------------------------------------------------------------------------------
def _no_edges(steps):
    chart = with_terminals(steps)
    return chart, [e for page in draw_flowchart(steps) for e in page.edges if e.label == "ไม่ใช่"]


def test_a_decisions_no_never_enters_a_work_step_without_branch_columns(second) -> None:
    for mid in ("B01", "B02"):
        steps = flow_steps(mission_steps(second.workbook.table("sop_steps"), mid))
        assert all(s.yes_next is None and s.no_next is None for s in steps)  # the workbook has no branch columns
        chart, edges = _no_edges(steps)
        assert edges and len(edges) == sum(1 for s in steps if s.kind == "decision")
        for edge in edges:
            # to an end terminal of its own: never into "เบิกจ่ายเงินและปิดงาน" / "ส่งมอบข้อมูลแก่ผู้ขอ"
            assert edge.target == OWN_END, (mid, chart[edge.source].text, edge.target)


def test_a_decision_no_with_no_next_goes_to_that_step() -> None:
    steps = [FlowStep(1, "เริ่ม", "terminal"), FlowStep(2, "ถูกต้องหรือไม่", "decision", no_next=1), FlowStep(3, "ทำ")]
    chart, [edge] = _no_edges(steps)
    assert chart[edge.target].number == 1


def test_the_manuals_own_end_terminal_is_drawn_beside_the_diamond(second) -> None:
    steps = flow_steps(mission_steps(second.workbook.table("sop_steps"), "B01"))
    [page] = draw_flowchart(steps)
    ends = [s for s in page.shapes if s.kind == "end"]
    assert len(ends) == 1 and ends[0].label == "สิ้นสุด"
    decision = next(s for s in page.shapes if s.kind == "decision")
    assert ends[0].box[0] > decision.box[2]  # right of the diamond, in the side column
    assert decision.box[1] < (ends[0].box[1] + ends[0].box[3]) / 2 < decision.box[3]


def _inside(point, box, margin=0.0) -> bool:
    x, y = point
    left, top, right, bottom = box
    return left + margin < x < right - margin and top + margin < y < bottom - margin


def _samples(points, step=0.02):
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        n = max(1, int(max(abs(x1 - x0), abs(y1 - y0)) / step))
        for k in range(n + 1):
            yield x0 + (x1 - x0) * k / n, y0 + (y1 - y0) * k / n


@pytest.mark.parametrize("max_height", [20.0, flowchart.MAX_PAGE_HEIGHT, 5.0])
def test_no_line_runs_through_a_box_or_a_label(max_height) -> None:
    for page in draw_flowchart(STEPS, max_height=max_height):
        boxes = [s.box for s in page.shapes if s.box]
        for edge in page.edges:
            start, end = edge.points[0], edge.points[-1]
            for point in _samples(edge.points):
                if min(abs(point[0] - p[0]) + abs(point[1] - p[1]) for p in (start, end)) < 0.15:
                    continue  # where it leaves its shape and enters its target
                for box in boxes:
                    own = _inside(start, box, -0.01) or _inside(end, box, -0.01)  # a rounded end inside its bounding box
                    assert own or not _inside(point, box, margin=0.02), (edge, box)
                for _label, box in page.labels:
                    assert not _inside(point, box, margin=0.01), (edge, _label, box)


def test_crossings_are_avoided_or_bridged() -> None:
    for steps in (STEPS, [*STEPS[:3], FlowStep(4, "ตรวจสอบอีกครั้งหรือไม่", "decision", no_next=2), *STEPS[4:]]):
        for page in draw_flowchart(steps, max_height=20.0):
            paths = [list(e.points) for e in page.edges]
            # a crossing that remains hops: the straight line through it is not drawn
            assert count_crossings(paths) == 0


def test_the_demo_m04_loop_and_jump_no_longer_cross(demo) -> None:
    steps = flow_steps(mission_steps(demo.workbook.table("sop_steps"), "M04"))
    for page in draw_flowchart(steps):
        assert count_crossings([list(e.points) for e in page.edges]) == 0


# --- Thai words ------------------------------------------------------------------------------------
BROKEN_BEFORE = ["ดำ|รงธรรม", "ดำ|เนินการ", "อำ|นาจ", "ระ|บบ", "พิจาร|ณา"]


@pytest.mark.parametrize("text", [
    "ตรวจสอบและลงทะเบียนในระบบศูนย์ดำรงธรรม",
    "ข้อเท็จจริงเพียงพอต่อการดำเนินการหรือไม่",
    "เป็นเรื่องในอำนาจของจังหวัดหรือไม่",
    "เสนอผู้บังคับบัญชาพิจารณาอนุมัติ",
])  # fmt: skip
def test_flowchart_text_breaks_only_between_words(text) -> None:
    for width in (1.0, 1.4, 1.68, 2.5):
        lines = thai_text.wrap_thai(text, flowchart.width_fits(width))
        assert "".join(lines) == text
        words = thai_text.thai_words(text)
        ends = {sum(len(w) for w in words[: k + 1]) for k in range(len(words))}
        position = 0
        for line in lines[:-1]:
            position += len(line)
            assert position in ends, (text, width, lines)
        joined = "|".join(lines)
        assert not any(bad in joined for bad in BROKEN_BEFORE)


def test_pythainlp_works_offline_from_the_wheels_dictionary(tmp_path) -> None:
    """The dictionary ships inside the package; importing and segmenting writes nothing (no
    ~/pythainlp-data) and fetches nothing."""
    import pythainlp

    assert (Path(pythainlp.__file__).parent / "corpus" / "words_th.txt").is_file()
    code = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('no network')\n"
        "socket.socket.connect = refuse\n"
        "from sheets_sync.documents.thai_text import thai_words\n"
        "print('|'.join(thai_words('ศูนย์ดำรงธรรมจังหวัด')))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHAINLP")}
    env["HOME"] = str(tmp_path)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=tmp_path)
    assert done.stdout.strip() == "ศูนย์|ดำรง|ธรรม|จังหวัด"
    assert list(tmp_path.iterdir()) == []


# --- drafts when steps are missing ----------------------------------------------------------------
def test_a_manual_that_lost_steps_is_a_draft_naming_them(second, second_manuals) -> None:
    item = second.results["missions"]["items"]["B03"]
    assert not item["sop_ready"]
    manual = open_docx(second_manuals["SOP-B03"])
    text = all_text(manual)
    assert "ฉบับร่าง" in text
    assert "จัดทำขั้นตอนที่ ๒ (ตรวจสอบความครบถ้วนของหนังสือและสิ่งที่ส่งมาด้วย) และขั้นตอนที่ ๓ (ลงทะเบียนรับในระบบสารบรรณอิเล็กทรอนิกส์)" in text
    steps = table_starting(manual, "ลำดับ")
    assert [row[0] for row in steps[1:] if row[0] in "๑๒๓๔๕๖"] == list("๑๒๓๔๕๖")  # every step has its row, the lost ones too
    assert "(ขั้นตอนนี้อยู่ระหว่างจัดทำ)" in steps[2][1] and "(ขั้นตอนนี้อยู่ระหว่างจัดทำ)" in steps[3][1]


def test_sop_says_which_manuals_are_drafts_and_why(second_xlsx, tmp_path) -> None:
    config = tmp_path / "office.toml"
    config.write_text('[office]\nname = "สำนักงานจังหวัดนครตัวอย่าง"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["sop", "--config", str(config), "--workbook", str(second_xlsx), "--as-of", "2026-03-31",
                                      "--out", str(tmp_path / "out")])  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    draft = next(line for line in lines if "ฉบับร่าง B03" in line)
    assert "ขั้นตอนงาน (แถว 13, 14)" in draft


# --- page numbers -----------------------------------------------------------------------------------
def test_manuals_in_thai_digits_number_their_pages_in_thai_digits(second_manuals) -> None:
    from docx.oxml.ns import qn

    for path in second_manuals.values():
        for section in open_docx(path).sections:
            number = section._sectPr.find(qn("w:pgNumType"))
            assert number is not None and number.get(qn("w:fmt")) == "thaiNumbers", path.name


def test_a_missing_step_is_a_dashed_box_in_its_place(second) -> None:
    from sheets_sync.documents.flowchart import flowchart_figures

    lost = [r for r in second.results["missions"]["items"]["B03"]["missing"]]
    assert lost  # B03 lost steps 2 and 3
    frame = second.typed.missions.missions.set_index("mission_id")
    steps = flow_steps(mission_steps(second.workbook.table("sop_steps"), "B03"), frame.loc["B03", "lost_steps"])
    assert [s.number for s in steps] == [1, 2, 3, 4, 5, 6] and [s.missing for s in steps] == [False, True, True, False, False, False]
    [(_figure, drawn)] = flowchart_figures(steps)
    dashed = {shape.step_no for shape, patch in drawn if patch.get_linestyle() not in ("-", "solid")}
    assert dashed == {2, 3}


def test_an_office_whose_plan_names_no_strategy_gets_no_zero_alignment(second_memo, second, memo) -> None:
    assert second.results["plan"]["strategy_alignment_pct"] == 0.0  # rules.md: 0 over all activities
    assert "สอดคล้องกับประเด็นยุทธศาสตร์" not in all_text(second_memo)  # the memo does not report it as a finding
    assert "สอดคล้องกับประเด็นยุทธศาสตร์จังหวัดคิดเป็นร้อยละ" in all_text(memo)  # the demo's plan names strategies


def test_a_groups_kpis_are_named_for_the_group_not_for_a_section(second_memo, memo) -> None:
    # กลุ่มงานบริหารทั่วไป: its KPIs are ระดับกลุ่มงาน; the workbook's level name `ฝ่าย` stays internal
    fact = next(p for p in paragraphs(second_memo) if p.startswith("๒.๒ "))
    assert fact.startswith("๒.๒ ตัวชี้วัดระดับกลุ่มงานได้คะแนนรวม") and "ระดับฝ่าย" not in all_text(second_memo)
    assert keyed(table_starting(second_memo, "มิติ"))["คะแนนรวมระดับกลุ่มงาน"]
    assert "คะแนนรวมระดับฝ่าย" in keyed(table_starting(memo, "มิติ"))  # ฝ่ายอำนวยการ
    assert memo_doc.unit_level("ฝ่ายอำนวยการ") == "ฝ่าย" and memo_doc.unit_level("งานบริหาร") == "งาน"
    assert memo_doc.unit_level("สำนักงาน") == "ฝ่าย"  # unknown: the workbook's own level name


def test_the_missions_without_a_manual_are_listed_where_the_memo_points(second_memo, second) -> None:
    items = second.results["missions"]["items"]
    without = sorted(mid for mid, item in items.items() if item["sop_status"] != "has")
    lines = paragraphs(second_memo)
    start = lines.index("ภารกิจที่ยังไม่มีคู่มือการปฏิบัติงาน")
    listed = [line.split()[0] for line in lines[start + 1 : start + 1 + len(without)]]
    assert listed == without
    item = next(p for p in lines if p.startswith("๓.") and "ยังไม่มีคู่มือ" in p)
    assert f"ยังไม่มีคู่มือ {TH(str(len(without)))} " in item and item.endswith("(สิ่งที่ส่งมาด้วย ข้อ ๔)")
