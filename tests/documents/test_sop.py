"""SOP manuals and their index, rendered from real sync results and read back."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from docx.oxml.ns import qn

from sheets_sync.core.errors import ConfigError
from sheets_sync.documents.flowchart import draw_flowchart
from sheets_sync.documents.sop import flow_steps, mission_steps
from sheets_sync.documents.typography import THAI_FONT
from tests.documents_fixtures import (
    NASTY,
    Sync,
    all_text,
    demo_sync,
    images,
    keyed,
    office_settings,
    open_docx,
    paragraphs,
    render_manuals,
    small_workbook,
    sync_workbook,
    table_starting,
)


@pytest.fixture(scope="module")
def demo(demo_xlsx: Path) -> Sync:
    return demo_sync(demo_xlsx, office_settings())


@pytest.fixture(scope="module")
def demo_manuals(demo: Sync, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return render_manuals(demo, office_settings(), tmp_path_factory.mktemp("out"))


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Sync:
    return sync_workbook(small_workbook(tmp_path_factory.mktemp("small") / "small.xlsx"), office_settings())


@pytest.fixture(scope="module")
def small_manuals(small: Sync, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    paths = render_manuals(small, office_settings(), tmp_path_factory.mktemp("out"))
    return {p.name: p for p in paths}


def test_one_manual_per_mission_with_steps_then_the_index(demo: Sync, demo_manuals: list[Path]) -> None:
    items = demo.results["missions"]["items"]
    with_steps = [mid for mid, item in items.items() if item["steps"] >= 1]
    assert [p.name for p in demo_manuals] == [f"SOP-{mid}.docx" for mid in with_steps] + ["index.docx"]
    assert {p.parent.name for p in demo_manuals} == {"sop"}
    assert 0 < len(with_steps) < len(items)  # the demo has missions without steps: no manual for them


NEEDS_WORDS = {
    "ยังไม่มีข้อความคู่มือในแท็บ คู่มือ": "กำหนดวัตถุประสงค์ ขอบเขต และคำจำกัดความของคู่มือ",
    "มีขั้นตอนน้อยกว่า 2 ขั้นตอนในแท็บ ขั้นตอนงาน": "กำหนดขั้นตอนการปฏิบัติงานให้ครบถ้วน (อย่างน้อย 2 ขั้นตอน)",
}


def test_a_manual_has_one_status_and_a_draft_says_what_it_needs(demo: Sync, demo_manuals: list[Path]) -> None:
    items = demo.results["missions"]["items"]
    drafts = 0
    for path in demo_manuals[:-1]:
        mid = path.stem.removeprefix("SOP-")
        manual = open_docx(path)
        lines = paragraphs(manual)
        cover = lines[: lines.index("คำนำ")]
        header = manual.sections[0].header.paragraphs[0].text
        status = keyed(table_starting(manual, "สถานะเอกสาร"))
        in_use = items[mid]["sop_ready"] and items[mid]["sop_status"] == "has"
        if in_use:
            assert "ฉบับร่าง" not in cover and not header.endswith("(ฉบับร่าง)")
            assert table_starting(manual, "สถานะเอกสาร")[0][1] == "ฉบับใช้งาน"
        else:
            drafts += 1
            assert "ฉบับร่าง" in cover and header.endswith("(ฉบับร่าง)")
            assert table_starting(manual, "สถานะเอกสาร")[0][1] == "ฉบับร่าง"
            expected = [NEEDS_WORDS.get(m, m) for m in items[mid]["missing"]] or ["เสนอผู้มีอำนาจอนุมัติและประกาศใช้คู่มือ"]
            shown = cover[cover.index("ก่อนประกาศใช้ต้อง") + 1 :] [: len(expected)]
            for want, got in zip(expected, shown):
                if want.startswith("ขั้นตอนที่มีข้อผิดพลาด"):  # a lost step: the manual names it
                    assert got.startswith("จัดทำขั้นตอนที่ ") and got.endswith("ให้สมบูรณ์ (คู่มือฉบับนี้ยังไม่ครอบคลุมขั้นตอนดังกล่าว)"), got
                else:
                    assert got == want
        assert status.keys() == {"ฉบับที่", "วันที่มีผลบังคับใช้", "วันที่ทบทวนล่าสุด"}
        assert "พร้อมใช้" not in all_text(manual)  # one status, never two
    # M09 is ready but registered as still drafting: a draft that needs approving
    assert items["M09"]["sop_ready"] and items["M09"]["sop_status"] == "drafting"
    assert drafts >= 2


def test_manual_step_table_and_total_time(demo: Sync, demo_manuals: list[Path]) -> None:
    path = demo_manuals[0]
    mid = path.stem.removeprefix("SOP-")
    manual = open_docx(path)
    table = table_starting(manual, "ลำดับ")
    steps = mission_steps(demo.workbook.table("sop_steps"), mid)
    assert [row[1] for row in table[1:-1]] == list(steps["step"])
    assert [row[2] for row in table[1:-1]] == list(steps["responsible"])
    assert table[-1][0] == "รวมระยะเวลามาตรฐาน"
    assert table[-1][-1] == demo.results["missions"]["items"][mid]["standard_time"]
    # M01's steps add up to 2 hours and 60 minutes: shown with the minutes carried (rules.md)
    assert mid == "M01" and table[-1][-1] == "3 ชั่วโมง"


def test_a_manual_with_branches_labels_its_time_the_longest_path(demo: Sync, demo_manuals: list[Path]) -> None:
    # rules.md: the standard time is the longest path, not the sum of every step: with branches
    # that differ the total row says so; with one path it is the sum and says "รวม"
    items = demo.results["missions"]["items"]
    labels = {}
    for path in demo_manuals[:-1]:
        mid = path.stem.removeprefix("SOP-")
        row = table_starting(open_docx(path), "ลำดับ")[-1]
        assert row[-1] == items[mid]["standard_time"]
        labels[mid] = row[0]
    branched = {mid for mid in labels if items[mid].get("shortest_time_parts")}
    assert "M04" in branched and "M01" not in branched
    for mid, label in labels.items():
        assert label == ("ระยะเวลามาตรฐาน (เส้นทางที่ยาวที่สุด)" if mid in branched else "รวมระยะเวลามาตรฐาน"), mid


def test_manual_has_every_section_and_its_flowchart(demo: Sync, demo_manuals: list[Path]) -> None:
    manual = open_docx(demo_manuals[0])
    headings = [p.text for p in manual.paragraphs if p.style.name == "Heading 1"]
    parts = [
        "1. วัตถุประสงค์", "2. ขอบเขต", "3. คำจำกัดความ", "4. หน้าที่ความรับผิดชอบ", "5. ผังกระบวนการ",
        "6. ขั้นตอนการปฏิบัติงาน", "7. มาตรฐานงานและการติดตามประเมินผล", "8. แบบฟอร์มที่ใช้",
        "9. กฎหมาย ระเบียบ และข้อสั่งการที่เกี่ยวข้อง", "10. เอกสารอ้างอิง", "11. การควบคุมเอกสาร",
    ]  # fmt: skip  (the OPDC order)
    assert headings == parts
    lines = paragraphs(manual)
    # cover, then คำนำ, then สารบัญ listing every part with its page, then the parts
    assert lines.index("คำนำ") < lines.index("สารบัญ") < lines.index("1. วัตถุประสงค์")
    contents = lines[lines.index("สารบัญ") + 2 : lines.index("สารบัญ") + 2 + len(parts)]
    assert [line.split("\t")[0] for line in contents] == parts
    refs = manual.element.body.xpath(".//w:instrText")
    assert [r.text.split()[1] for r in refs] == [f"sop_part_{n}" for n in range(1, 12)]
    marks = [b.get(qn("w:name")) for b in manual.element.body.iter(qn("w:bookmarkStart"))]
    assert marks == [f"sop_part_{n}" for n in range(1, 12)]
    pictures = list(images(manual))
    assert pictures and all(p.startswith(b"\x89PNG") for p in pictures)


def test_linked_kpis_show_this_rounds_score(demo: Sync, demo_manuals: list[Path]) -> None:
    kpis = demo.workbook.table("kpis")
    scores = demo.results["kpis"]["scores"]
    for path in demo_manuals[:-1]:
        mid = path.stem.removeprefix("SOP-")
        linked = kpis[kpis["mission_id"] == mid]
        if not len(linked):
            continue
        table = keyed(table_starting(open_docx(path), "รหัส"))
        for kid in linked["kpi_id"]:
            if scores.get(kid, {}).get("6") is not None:
                assert table[kid][-1].startswith(f"{scores[kid]['6']:.4f}")
        return
    pytest.fail("no demo manual has a linked KPI")


def test_index_lists_every_mission_its_status_and_what_to_do(demo: Sync, demo_manuals: list[Path]) -> None:
    index = open_docx(demo_manuals[-1])
    missions = demo.results["missions"]
    table = table_starting(index, "รหัส")
    assert table[0] == ["รหัส", "ภารกิจ\n(ประเภทภารกิจ)", "ผู้รับผิดชอบ", "มีคู่มือ", "คู่มือตาม\nแบบ\nมาตรฐาน", "สิ่งที่ต้องดำเนินการ"]
    listed = keyed(table)
    assert list(listed) == list(missions["items"])
    has_label = {"has": "มี", "drafting": "กำลังจัดทำ", "none": "ไม่มี"}
    for mid, item in missions["items"].items():
        has, status, action = listed[mid][-3:]
        assert has == has_label[item["sop_status"]]  # one meaning of "has a manual": the register's, as the memo counts it
        if item["steps"] < 1:
            assert status == "ยังไม่จัดทำตามแบบ"
            if item["sop_status"] == "has":  # registered as having a manual, yet no steps: say what to do
                assert action.startswith("มีคู่มือเดิมแต่ยังไม่ได้กำหนดขั้นตอนการปฏิบัติงานตามแบบมาตรฐาน")
        elif item["sop_ready"] and item["sop_status"] == "has":
            assert status == "ฉบับใช้งาน" and action in ("ใช้ปฏิบัติงานได้ ทบทวนตามรอบ", "ทบทวนและปรับปรุงคู่มือ (ครบกำหนดทบทวน)")
            assert action.startswith("ทบทวน") == item["sop_review_due"]
        else:
            assert status == "ฉบับร่าง" and action
    text = all_text(index)
    assert ".docx" not in text and "แท็บ" not in text
    assert index.sections[0].header.paragraphs[0].text == "ทะเบียนคู่มือการปฏิบัติงาน ฝ่ายอำนวยการ"
    assert index.sections[0].footer.paragraphs[0]._p.xpath(".//w:fldSimple[contains(@w:instr, 'PAGE')]")
    coverage = keyed(table_starting(index, "ประเภทภารกิจ"))
    assert coverage["รวม"][-1] == f"{missions['sop_coverage_pct']:.2f}"
    assert f"คิดเป็นร้อยละ {missions['sop_coverage_pct']:.2f}" in all_text(index)


def test_manual_fonts_and_margins(demo_manuals: list[Path]) -> None:
    manual = open_docx(demo_manuals[0])
    normal = manual.styles["Normal"].element.rPr
    assert normal.find(qn("w:rFonts")).get(qn("w:cs")) == THAI_FONT
    assert normal.find(qn("w:szCs")).get(qn("w:val")) == "32"
    section = manual.sections[0]
    assert (round(section.left_margin.cm, 2), round(section.right_margin.cm, 2)) == (3.0, 2.0)


def test_only_the_mission_asked_for(demo: Sync, tmp_path: Path) -> None:
    paths = render_manuals(demo, office_settings(), tmp_path, mission_id=" M01 ")
    assert [p.name for p in paths] == ["SOP-M01.docx", "index.docx"]


def test_an_unknown_mission_is_a_config_error_in_thai(demo: Sync, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ไม่พบภารกิจรหัส M99"):
        render_manuals(demo, office_settings(), tmp_path, mission_id="M99")
    assert not (tmp_path / "sop").exists()


def test_a_decision_step_draws_a_diamond(small: Sync, small_manuals: dict[str, Path]) -> None:
    steps = flow_steps(mission_steps(small.workbook.table("sop_steps"), "M01"))
    [page] = draw_flowchart(steps)
    shapes = [(s.step_no, s.kind) for s in page.shapes]
    assert shapes[:4] == [(1, "terminal"), (2, "decision"), (3, "document"), (4, "terminal")]
    assert shapes[4:] in ([], [(None, "end")])  # a "no" without no_next ends at a terminal of its own
    manual = open_docx(small_manuals["SOP-M01.docx"])
    assert list(images(manual)) == [page.png]  # that very chart is in the manual


def test_sheet_text_reaches_the_manual_verbatim(small_manuals: dict[str, Path]) -> None:
    manual = open_docx(small_manuals["SOP-M01.docx"])
    cover = paragraphs(manual)
    assert f"ภารกิจ {NASTY}" in cover
    assert manual.sections[0].header.paragraphs[0].text == f"คู่มือการปฏิบัติงาน ภารกิจ {NASTY}"
    steps = table_starting(manual, "ลำดับ")
    assert steps[1][1:3] == [f"รับคำขอ {NASTY}", "นางสาวเอ ทดสอบ"]
    assert steps[1][4] == f"ครบถ้วน {NASTY}"
    assert steps[-1][-1] == "2 วัน 1 ชั่วโมง 40 นาที"  # the longest path (rules.md)
    text = all_text(manual)
    assert f"ระเบียบ {NASTY}" in text  # legal basis
    assert "&amp;" not in text and "&#34;" not in text


def test_draft_of_a_mission_with_one_step(small_manuals: dict[str, Path]) -> None:
    manual = open_docx(small_manuals["SOP-M02.docx"])
    cover = paragraphs(manual)
    assert "ฉบับร่าง" in cover
    assert "กำหนดวัตถุประสงค์ ขอบเขต และคำจำกัดความของคู่มือ" in cover
    assert "กำหนดขั้นตอนการปฏิบัติงานให้ครบถ้วน (อย่างน้อย 2 ขั้นตอน)" in cover
    assert "SOP-M03.docx" not in small_manuals  # no steps, no manual


def test_responsibilities_by_position_with_the_name(small_manuals: dict[str, Path]) -> None:
    table = table_starting(open_docx(small_manuals["SOP-M01.docx"]), "ตำแหน่ง")
    assert table[0] == ["ตำแหน่ง", "ชื่อ-สกุล", "หน้าที่ความรับผิดชอบ"]
    assert table[1:] == [
        ["นักจัดการงานทั่วไป", "นางสาวเอ ทดสอบ", "รับผิดชอบหลักของกระบวนการ กำกับ และติดตามผล และปฏิบัติขั้นตอนที่ 1, 3, 4"],
        ["เจ้าพนักงานธุรการ", "นายบี ทดสอบ", "ปฏิบัติงานแทนเมื่อผู้รับผิดชอบหลักไม่อยู่ และปฏิบัติขั้นตอนที่ 2"],
    ]


def test_forms_appendix_and_document_control(small_manuals: dict[str, Path]) -> None:
    manual = open_docx(small_manuals["SOP-M01.docx"])
    lines = paragraphs(manual)
    forms = lines[lines.index("8. แบบฟอร์มที่ใช้") + 1]
    assert forms == "1) แบบ ก.1 (ขั้นตอนที่ 3)"
    control = table_starting(manual, "บทบาท")
    assert [row[0] for row in control[1:]] == ["ผู้จัดทำ", "ผู้ทบทวน", "ผู้อนุมัติ"]
    assert all(row[2].startswith("....") for row in control[1:])  # a line to sign on


def test_no_tool_words_and_no_empty_paragraphs(demo_manuals: list[Path]) -> None:
    for path in demo_manuals:
        document = open_docx(path)
        text = all_text(document)
        for word in ("แท็บ", "ทะเบียนภารกิจ", "สมุดงาน", "ชีต", "เซลล์", "sheets-sync", ".docx"):
            assert word not in text, (path.name, word)
        empty = [p for p in document.paragraphs if not p.text.strip() and not p._p.xpath(".//w:drawing")]
        assert empty == [], path.name


def test_a_mission_id_with_a_slash_is_a_safe_file_name(small: Sync, tmp_path: Path) -> None:
    import dataclasses

    missions = small.typed.missions
    frame = missions.missions
    copy = frame[frame["mission_id"] == "M02"].copy()
    copy["mission_id"], copy["name"] = "M/04", "งานทดสอบชื่อไฟล์"
    renamed = dataclasses.replace(missions, missions=pd.concat([frame, copy], ignore_index=True), count=missions.count + 1)
    results = dataclasses.replace(small.typed, missions=renamed)
    paths = render_manuals(results, office_settings(), tmp_path, mission_id="M/04")
    assert paths[0] == tmp_path / "sop" / "SOP-M_04.docx"
