"""SOP manuals and their index, rendered from real sync results and read back."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx.oxml.ns import qn

from sheets_sync.documents.sop import flow_steps, mission_steps, render_sop_manuals
from sheets_sync.documents.flowchart import draw_flowchart
from sheets_sync.documents.typography import THAI_FONT
from sheets_sync.errors import ConfigError
from sheets_sync.present.thai import format_duration
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
    small_workbook,
    sync_workbook,
    table_starting,
)


@pytest.fixture(scope="module")
def demo(demo_xlsx: Path) -> Sync:
    return demo_sync(demo_xlsx, office_settings())


@pytest.fixture(scope="module")
def demo_manuals(demo: Sync, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return render_sop_manuals(demo.results, demo.workbook, office_settings(), tmp_path_factory.mktemp("out"))


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Sync:
    return sync_workbook(small_workbook(tmp_path_factory.mktemp("small") / "small.xlsx"), office_settings())


@pytest.fixture(scope="module")
def small_manuals(small: Sync, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    paths = render_sop_manuals(small.results, small.workbook, office_settings(), tmp_path_factory.mktemp("out"))
    return {p.name: p for p in paths}


def test_one_manual_per_mission_with_steps_then_the_index(demo: Sync, demo_manuals: list[Path]) -> None:
    items = demo.results["missions"]["items"]
    with_steps = [mid for mid, item in items.items() if item["steps"] >= 1]
    assert [p.name for p in demo_manuals] == [f"SOP-{mid}.docx" for mid in with_steps] + ["index.docx"]
    assert {p.parent.name for p in demo_manuals} == {"sop"}
    assert 0 < len(with_steps) < len(items)  # the demo has missions without steps: no manual for them


def test_a_manual_that_is_not_ready_is_a_draft_saying_what_is_missing(demo: Sync, demo_manuals: list[Path]) -> None:
    items = demo.results["missions"]["items"]
    for path in demo_manuals[:-1]:
        mid = path.stem.removeprefix("SOP-")
        manual = open_docx(path)
        cover = paragraphs(manual)[:20]
        header = manual.sections[0].header.paragraphs[0].text
        if items[mid]["sop_ready"]:
            assert "ร่าง" not in cover and not header.endswith("(ร่าง)")
        else:
            assert "ร่าง" in cover and header.endswith("(ร่าง)")
            assert all(missing in cover for missing in items[mid]["missing"])
    assert any(not items[p.stem.removeprefix("SOP-")]["sop_ready"] for p in demo_manuals[:-1])


def test_manual_step_table_and_total_time(demo: Sync, demo_manuals: list[Path]) -> None:
    path = demo_manuals[0]
    mid = path.stem.removeprefix("SOP-")
    manual = open_docx(path)
    table = table_starting(manual, "ลำดับ")
    steps = mission_steps(demo.workbook.table("sop_steps"), mid)
    assert [row[1] for row in table[1:-1]] == list(steps["step"])
    assert [row[2] for row in table[1:-1]] == list(steps["responsible"])
    assert table[-1][0] == "รวมระยะเวลามาตรฐาน"
    assert table[-1][-1] == format_duration(demo.results["missions"]["items"][mid]["standard_time_parts"])


def test_manual_has_every_section_and_its_flowchart(demo: Sync, demo_manuals: list[Path]) -> None:
    manual = open_docx(demo_manuals[0])
    headings = [p.text for p in manual.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "1. วัตถุประสงค์", "2. ขอบเขต", "3. คำจำกัดความ", "4. หน้าที่ความรับผิดชอบ", "5. ผังกระบวนการ (Flowchart)",
        "6. ขั้นตอนการปฏิบัติงาน", "7. ตัวชี้วัดที่เกี่ยวข้อง", "8. กฎหมาย ระเบียบ และข้อสั่งการที่เกี่ยวข้อง",
        "9. เอกสารอ้างอิง", "10. การจัดทำและทบทวนคู่มือ",
    ]  # fmt: skip
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


def test_index_lists_every_mission_and_the_coverage(demo: Sync, demo_manuals: list[Path]) -> None:
    index = open_docx(demo_manuals[-1])
    missions = demo.results["missions"]
    listed = keyed(table_starting(index, "รหัส"))
    assert list(listed) == list(missions["items"])
    for mid, item in missions["items"].items():
        manual = listed[mid][-1]
        if item["steps"] < 1:
            assert manual.startswith("ยังไม่จัดทำ")
        else:
            assert manual.startswith("พร้อมใช้" if item["sop_ready"] else "ร่าง")
            assert f"SOP-{mid}.docx" in manual
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
    paths = render_sop_manuals(demo.results, demo.workbook, office_settings(), tmp_path, mission_id=" M01 ")
    assert [p.name for p in paths] == ["SOP-M01.docx", "index.docx"]


def test_an_unknown_mission_is_a_config_error_in_thai(demo: Sync, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ไม่พบภารกิจรหัส M99"):
        render_sop_manuals(demo.results, demo.workbook, office_settings(), tmp_path, mission_id="M99")
    assert not (tmp_path / "sop").exists()


def test_a_decision_step_draws_a_diamond(small: Sync, small_manuals: dict[str, Path]) -> None:
    steps = flow_steps(mission_steps(small.workbook.table("sop_steps"), "M01"))
    [page] = draw_flowchart(steps)
    assert [(s.step_no, s.kind) for s in page.shapes] == [(1, "terminal"), (2, "decision"), (3, "document"), (4, "terminal")]
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
    assert steps[-1][-1] == "2 วัน 1 ชั่วโมง 40 นาที"
    text = all_text(manual)
    assert f"ระเบียบ {NASTY}" in text  # legal basis
    assert "&amp;" not in text and "&#34;" not in text


def test_draft_of_a_mission_with_one_step(small_manuals: dict[str, Path]) -> None:
    manual = open_docx(small_manuals["SOP-M02.docx"])
    cover = paragraphs(manual)
    assert "ร่าง" in cover
    assert "ยังไม่มีข้อความคู่มือในแท็บ คู่มือ" in cover
    assert "SOP-M03.docx" not in small_manuals  # no steps, no manual


def test_responsibilities_name_owner_backup_and_step_numbers(small_manuals: dict[str, Path]) -> None:
    table = keyed(table_starting(open_docx(small_manuals["SOP-M01.docx"]), "ผู้รับผิดชอบ"))
    assert table["นางสาวเอ ทดสอบ"] == ["นักจัดการงานทั่วไป", "ผู้รับผิดชอบหลักของกระบวนการ และปฏิบัติขั้นตอนที่ 1, 3, 4"]
    assert table["นายบี ทดสอบ"] == ["เจ้าพนักงานธุรการ", "ผู้ปฏิบัติแทนเมื่อผู้รับผิดชอบหลักไม่อยู่ และปฏิบัติขั้นตอนที่ 2"]


def test_a_mission_id_with_a_slash_is_a_safe_file_name(small: Sync, tmp_path: Path) -> None:
    results = dict(small.results)
    items = dict(results["missions"]["items"])
    items["M/04"] = {**items["M02"], "name": "งานทดสอบชื่อไฟล์"}
    results["missions"] = {**results["missions"], "items": items}
    paths = render_sop_manuals(results, small.workbook, office_settings(), tmp_path, mission_id="M/04")
    assert paths[0] == tmp_path / "sop" / "SOP-M_04.docx"
