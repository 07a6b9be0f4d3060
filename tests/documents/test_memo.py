"""The follow-up memo, rendered from the demo workbook's real sync results and read back."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path

import pytest
from docx.oxml.ns import qn
from docx.shared import Cm

from sheets_sync.core.thai_dates import thai_digits
from sheets_sync.core.thai_dates import to_ascii_digits as thai_to_ascii
from sheets_sync.documents import charts
from sheets_sync.documents.typography import THAI_FONT
from sheets_sync.schema.tabs import PERSPECTIVES
from tests.documents_fixtures import (
    NASTY,
    Sync,
    all_text,
    body_index,
    demo_sync,
    demo_sync_at,
    endorsements,
    images,
    keyed,
    office_settings,
    open_docx,
    paragraphs,
    render_memo,
    small_workbook,
    sync_workbook,
    table_starting,
    table_with_header,
)

TH = thai_digits  # the memo prints Thai digits by default


@pytest.fixture(scope="module")
def demo(demo_xlsx: Path) -> Sync:
    return demo_sync(demo_xlsx, office_settings())


@pytest.fixture(scope="module")
def memo_path(demo: Sync, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_memo(demo, office_settings(), tmp_path_factory.mktemp("out"))


@pytest.fixture(scope="module")
def memo(memo_path: Path):
    return open_docx(memo_path)


def test_file_name_follows_fiscal_year_and_round(memo_path: Path) -> None:
    assert memo_path.name == "followup-FY2569-R6.docx"


def test_header_fields(memo) -> None:
    lines = paragraphs(memo)
    assert lines[0] == "\tบันทึกข้อความ"  # no emblem configured: its space is left empty
    assert lines[1] == "ส่วนราชการ  สำนักงานจังหวัดทดสอบ ฝ่ายอำนวยการ โทร.\u00a0๐\u00a0๕๕๕๕\u00a0๕๕๕๕\t"
    # วันที่ is the memo's own date (MEMO_DATE, 8 April), not the data date (31 March)
    assert lines[2] == "ที่  ทส ๐๐๑๗.๑/\tวันที่  ๘ เมษายน ๒๕๖๙\t"
    assert lines[3] == "เรื่อง  รายงานผลการติดตามการดำเนินงาน รอบ ๖ เดือน ปีงบประมาณ พ.ศ. ๒๕๖๙"
    assert lines[4] == "เรียน  ผู้ว่าราชการจังหวัดทดสอบ (ผ่านหัวหน้าสำนักงานจังหวัด)"  # office.via by default
    assert lines[5] == "สิ่งที่ส่งมาด้วย  รายละเอียดผลการติดตามรอบ ๖ เดือน จำนวน ๑ ชุด"


def test_as_of_date_line(memo) -> None:
    assert "ข้อมูล ณ วันที่ ๓๑ มีนาคม ๒๕๖๙" in paragraphs(memo)


def test_kpi_table_equals_the_sync_results(memo, demo: Sync) -> None:
    kpis = demo.results["kpis"]
    table = keyed(table_starting(memo, "มิติ"))
    printed = []
    for perspective in PERSPECTIVES:
        score = kpis["perspectives"][perspective.key]["6"]
        weight = kpis["perspective_weights"][perspective.key]
        shown, shown_score = table[perspective.th][:2]
        assert shown_score == TH(f"{score:.4f}")
        printed.append(float(thai_to_ascii(shown)))
        assert abs(printed[-1] - weight) <= 0.01 + 1e-9  # the share, rounded so the column adds up
    assert round(sum(printed), 2) == 100.0 and table["คะแนนรวมระดับฝ่าย"][0] == TH("100.00")
    section = kpis["groups"]["ฝ่าย"]["6"]
    total = table["คะแนนรวมระดับฝ่าย"]
    assert total[1:] == [TH(f"{section['total']:.4f}"), "ร้อยละ " + TH(f"{section['total_pct']:.2f}")]


def test_kpis_below_target_are_listed_with_their_scores(memo, demo: Sync) -> None:
    scores = demo.results["kpis"]["scores"]
    section_ids = demo.workbook.table("kpis").query("level == 'section'")["kpi_id"]
    expected = {k for k in section_ids if k in scores and scores[k]["6"] is not None and scores[k]["6"] < 3}
    listed = keyed(table_with_header(memo, ["รหัส", "ตัวชี้วัด", "มิติ", "คะแนน"]))
    assert expected and set(listed) == expected
    for kid in expected:
        assert listed[kid][-1].startswith(TH(f"{scores[kid]['6']:.4f}"))


def test_plan_status_table_equals_the_counts_and_budgets(memo, demo: Sync) -> None:
    plan = demo.results["plan"]
    table = keyed(table_starting(memo, "สถานะ"))
    assert table["แล้วเสร็จ"][0] == TH(str(plan["status_counts"]["done"]))
    assert table["เกินกำหนด"][0] == TH(str(plan["status_counts"]["overdue"]))
    assert table["ยังไม่ถึงกำหนด"][2] == TH(f"{plan['budget_by_status']['not_yet_due']:,.2f}")
    assert table["รวม"] == [TH(str(plan["count"])), "๑๐๐.๐๐", TH(f"{plan['budget_total']:,.2f}")]


def test_late_activities_are_listed_worst_first(memo, demo: Sync) -> None:
    activities = demo.results["plan"]["activities"]
    late = table_with_header(memo, ["รหัส", "กิจกรรม", "ผู้รับผิดชอบ", "ความก้าวหน้า\n(ร้อยละ)", "ตามแผน\n(ร้อยละ)", "สถานะ"])[1:]
    overdue = sorted(a for a, v in activities.items() if v["status"] == "overdue")
    assert [r[0] for r in late[: len(overdue)]] == overdue
    assert {r[0] for r in late} == {a for a, v in activities.items() if v["status"] in ("overdue", "behind", "not_started")}
    first = activities[late[0][0]]
    assert late[0][-1] == f"เกินกำหนด {TH(str(first['days_overdue']))} วัน"


def test_complaint_figures_equal_the_sync_results(memo, demo: Sync) -> None:
    c = demo.results["complaints"]
    table = keyed(table_starting(memo, "รายการ"))
    assert table["เรื่องที่รับในปีงบประมาณ (เรื่อง)"] == [TH(str(c["received"]))]
    assert table["ยุติแล้ว (เรื่อง)"] == [TH(str(c["closed"]))]
    assert table["ร้อยละของเรื่องที่ยุติ"] == [TH(f"{c['closed_pct']:.2f}")]
    overdue_label = "เรื่องที่ยังไม่ยุติและเกิน ๑๕ วัน" + (" รวมเรื่องยกมา" if c["carried_over"] else "") + " (เรื่อง)"
    assert table[overdue_label] == [TH(str(c["overdue"]))]  # the count says it includes the carried-over cases
    assert table["ระยะเวลาเฉลี่ยในการยุติเรื่อง (วัน)"] == [TH(f"{c['mean_days_to_close']:.1f}")]
    assert table["ความพึงพอใจเฉลี่ย (เต็ม ๕)"] == [TH(f"{c['satisfaction_mean']:.2f}")]
    by_category = keyed(table_starting(memo, "ประเภทเรื่อง"))
    for name, figures in c["by_category"].items():
        assert by_category[name] == [TH(str(figures[k])) for k in ("received", "closed", "open")]


def test_sop_coverage_and_single_points_of_failure(memo, demo: Sync) -> None:
    missions = demo.results["missions"]
    coverage = keyed(table_starting(memo, "ประเภทภารกิจ"))
    assert coverage["รวม"][-1] == TH(f"{missions['sop_coverage_pct']:.2f}")
    assert coverage["ตามกฎหมาย/ข้อสั่งการ"][-1] == TH(f"{missions['sop_coverage_by_category']['legal']:.2f}")
    text = all_text(memo)
    for mid in missions["single_point_of_failure"]:
        assert f"{mid} {missions['items'][mid]['name']} (ผู้ปฏิบัติได้:" in text


def test_problems_and_risks_come_from_the_plan_once_each(memo, demo: Sync) -> None:
    plan = demo.workbook.table("plan")
    problems = [p for p in plan["problems"] if p]
    text = all_text(memo)
    for problem in set(problems):
        assert text.count(f") {problem} (กิจกรรม ") == 1


def test_the_memo_reads_in_the_executive_order_and_ends_with_the_signer(memo) -> None:
    lines = paragraphs(memo)
    parts = [lines.index(p) for p in ("๑. เรื่องเดิม", "๒. ข้อเท็จจริง", "๓. ข้อพิจารณา", "๔. ข้อเสนอ")]
    assert parts == sorted(parts)
    signer = lines.index("(นางสาวสมใจ ใจดี)")
    assert lines[signer - 1 : signer + 2] == ["จึงเรียนมาเพื่อโปรดทราบและพิจารณา", "(นางสาวสมใจ ใจดี)", "หัวหน้าฝ่ายอำนวยการ"]
    # the space for the head of the provincial office (office.via) to comment and sign: the
    # comment and its date on the left, room to sign, the name line and the position on the right
    assert endorsements(memo) == [
        (["ความเห็นหัวหน้าสำนักงานจังหวัด", "." * 52, "วันที่ ........../........../.........."], ["(" + "." * 45 + ")", "หัวหน้าสำนักงานจังหวัด"])
    ]
    # then the attachment the memo names, on a new page
    assert lines[signer + 2] == "สิ่งที่ส่งมาด้วย"
    attachment = memo.paragraphs[signer + 2]
    assert attachment.paragraph_format.page_break_before
    assert lines[signer + 3] == "รายละเอียดผลการติดตามการดำเนินงาน รอบ ๖ เดือน ปีงบประมาณ พ.ศ. ๒๕๖๙"
    endorsement, *details = memo.tables
    assert body_index(memo, memo.paragraphs[signer + 1]) < body_index(memo, endorsement) < body_index(memo, attachment)
    # every table and chart is in the attachment
    assert all(body_index(memo, table) > body_index(memo, attachment) for table in details)


def test_no_tool_words_anywhere(memo) -> None:
    text = all_text(memo)
    for word in ("แท็บ", "สมุดงาน", "ชีต", "เซลล์", "sheets-sync", "ข้อผิดพลาดในข้อมูล", "ข้อมูลในสมุดงาน"):
        assert word not in text


def test_no_empty_paragraphs(memo) -> None:
    def a_line_to_write_on(p) -> bool:  # a tab to a dotted leader (ความเห็น …)
        return p.text == "\t" and bool(p._p.xpath("./w:pPr/w:tabs/w:tab[@w:leader='dot']"))

    empty = [p for p in memo.paragraphs if not p.text.strip() and not p._p.xpath(".//w:drawing") and not a_line_to_write_on(p)]
    assert empty == []


def test_running_text_digits_are_thai_except_ids(memo) -> None:
    import re

    for line in paragraphs(memo):
        # a run of Arabic digits in a sentence is only ever part of an id (A07, K08, M06)
        for match in re.finditer(r"[0-9]+", line):
            start = match.start()
            assert start > 0 and line[start - 1].isascii() and line[start - 1].isalpha(), line


def test_charts_are_the_pictures_of_these_results(memo, demo: Sync) -> None:
    results = demo.results
    expected = [
        charts.plan_status_chart(results["plan"]["status_counts"], thai_digits=True),
        charts.kpi_perspective_chart({k: v["6"] for k, v in results["kpis"]["perspectives"].items()}, thai_digits=True),
        # only the months that have passed by the data date (31 March: October … March)
        charts.complaints_month_chart(dict(list(results["complaints"]["by_month"].items())[:6]), thai_digits=True),
    ]
    assert list(images(memo)) == expected
    assert all(shape.width == Cm(15) for shape in memo.inline_shapes)


def test_thai_fonts_and_sizes_for_complex_script(memo) -> None:
    styles = memo.styles.element
    default_rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for rpr in (default_rpr, memo.styles["Normal"].element.rPr):
        fonts = rpr.find(qn("w:rFonts"))
        assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {THAI_FONT}
        assert rpr.find(qn("w:sz")).get(qn("w:val")) == "32"
        assert rpr.find(qn("w:szCs")).get(qn("w:val")) == "32"
        assert rpr.find(qn("w:lang")).get(qn("w:bidi")) == "th-TH"
    theme_refs = styles.xpath(".//w:rFonts[@w:asciiTheme or @w:cstheme or @w:hAnsiTheme]")
    assert theme_refs == []  # a theme font would override TH Sarabun New


def test_bold_runs_are_bold_for_thai_too(memo) -> None:
    bold = [r for p in memo.paragraphs for r in p.runs if r._r.rPr is not None and r._r.rPr.find(qn("w:b")) is not None]
    assert bold  # the field labels, the title
    assert all(r._r.rPr.find(qn("w:bCs")) is not None for r in bold)


def test_no_run_names_another_font(memo) -> None:
    body = memo.element.body
    named = {f.get(qn("w:cs")) for f in body.iter(qn("w:rFonts"))} - {None}
    assert named <= {THAI_FONT}


def test_a4_page_and_official_margins(memo) -> None:
    section = memo.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert round(section.left_margin.cm, 2) == 3.0
    assert round(section.right_margin.cm, 2) == 2.0


def test_page_numbers_in_thai_digits_from_page_two(memo) -> None:
    section = memo.sections[0]
    assert section.different_first_page_header_footer
    assert section._sectPr.find(qn("w:pgNumType")).get(qn("w:fmt")) == "thaiNumbers"


def test_arabic_digits_when_the_office_turns_thai_digits_off(demo: Sync, tmp_path: Path) -> None:
    settings = office_settings(memo_thai_digits=False)
    memo = open_docx(render_memo(demo, settings, tmp_path))
    assert "ข้อมูล ณ วันที่ 31 มีนาคม 2569" in paragraphs(memo)
    assert "๓" not in all_text(memo)
    assert memo.sections[0]._sectPr.find(qn("w:pgNumType")) is None


def test_the_emblem_is_placed_top_left_when_configured(demo: Sync, tmp_path: Path) -> None:
    emblem = tmp_path / "garuda.png"
    emblem.write_bytes(charts.figure_png(_square_figure()))
    settings = office_settings()
    settings = dataclasses.replace(settings, office=dataclasses.replace(settings.office, emblem=str(emblem)))
    memo = open_docx(render_memo(demo, settings, tmp_path))
    first = memo.paragraphs[0]
    assert first._p.xpath(".//w:drawing")  # the picture is in the title line
    assert round(memo.inline_shapes[0].height.cm, 2) == 1.5
    assert next(images(memo)) == emblem.read_bytes()


def _square_figure():
    from matplotlib.figure import Figure

    return Figure(figsize=(1, 1.1), dpi=50)


def test_sheet_text_is_escaped_and_kept_verbatim(tmp_path: Path) -> None:
    settings = office_settings()
    small = sync_workbook(small_workbook(tmp_path / "small.xlsx"), settings)
    memo = open_docx(render_memo(small, settings, tmp_path))
    text = all_text(memo)
    problem = small.workbook.table("plan")["problems"][0]  # as validation keeps it
    assert NASTY in problem
    # the same problem reported by A01 and A02 appears once, escaped on the way and intact in Word
    assert text.count(f"๑) {problem} (กิจกรรม A01, A02)") == 1
    assert f"กิจกรรม {NASTY}" in text  # an activity name in the late-activities table
    assert "&amp;" not in text and "&#34;" not in text


def test_an_in_progress_round_is_a_preliminary_report(tmp_path: Path) -> None:
    settings = office_settings()
    early = demo_sync_at(tmp_path, settings, dt.date(2026, 12, 1))  # round 6 of FY 2570 ends 31 March 2570
    memo = open_docx(render_memo(early, settings, tmp_path, memo_date=dt.date(2026, 12, 2)))
    lines = paragraphs(memo)
    assert lines[3] == "เรื่อง  รายงานผลการติดตามการดำเนินงาน รอบ ๖ เดือน ปีงบประมาณ พ.ศ. ๒๕๗๐ (รายงานเบื้องต้น)"
    assert "รายละเอียดผลการติดตามการดำเนินงาน รอบ ๖ เดือน ปีงบประมาณ พ.ศ. ๒๕๗๐ (รายงานเบื้องต้น)" in lines
    assert lines[2].endswith("วันที่  ๒ ธันวาคม ๒๕๖๙\t")
    assert "ข้อมูล ณ วันที่ ๑ ธันวาคม ๒๕๖๙" in lines
    # the complaints chart shows October to December only, no empty future months
    expected = {m: c for m, c in early.results["complaints"]["by_month"].items() if m <= "2026-12"}
    assert len(expected) == 3
    assert charts.complaints_month_chart(expected, thai_digits=True) in list(images(memo))


def test_a_closed_round_is_not_preliminary(memo) -> None:
    assert "รายงานเบื้องต้น" not in all_text(memo)


def test_a_missing_plan_part_leaves_its_section_saying_so(demo: Sync, tmp_path: Path) -> None:
    results = dataclasses.replace(demo.typed, plan=None)
    memo = open_docx(render_memo(results, office_settings(), tmp_path))
    assert any(p.startswith("ไม่มีข้อมูลแผนปฏิบัติการ") for p in paragraphs(memo))
    assert len(list(images(memo))) == 2


def test_rendering_is_reproducible(memo_path: Path, demo: Sync, tmp_path: Path) -> None:
    again = render_memo(demo, office_settings(), tmp_path)
    assert _parts(again) == _parts(memo_path)


def _parts(path: Path) -> dict[str, bytes]:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


def test_report_date_option_dates_the_memo_apart_from_the_data(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from sheets_sync.cli.main import cli
    from sheets_sync.present.demo import write_demo_workbook

    workbook = write_demo_workbook(tmp_path / "office.xlsx", dt.date(2026, 9, 30))
    config = tmp_path / "office.toml"
    office = '[office]\nname = "สำนักงานจังหวัดทดสอบ"\nsigner_name = "นายทดสอบ ระบบดี"\ndocument_no = "ทส 0017.1/"\n'  # not the example (issue 12)
    config.write_text(f'{office}[output]\nhistory = "{tmp_path / "h.sqlite"}"\n', encoding="utf-8")
    common = ["report", "--workbook", str(workbook), "--as-of", "2026-09-30", "--out", str(tmp_path / "out"), "--config", str(config)]
    result = CliRunner().invoke(cli, [*common, "--date", "2026-10-05"])
    assert result.exit_code == 0, result.output
    memo = open_docx(tmp_path / "out" / "followup-FY2569-R12.docx")
    lines = paragraphs(memo)
    assert lines[2].endswith("วันที่  ๕ ตุลาคม ๒๕๖๙\t")  # the day it is written
    assert "ข้อมูล ณ วันที่ ๓๐ กันยายน ๒๕๖๙" in lines  # the data date
    bad = CliRunner().invoke(cli, [*common, "--date", "5/10/69"])
    assert bad.exit_code == 2 and "--date" in bad.output
