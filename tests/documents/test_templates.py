"""The Word templates: rebuilt reproducibly from code, editable, and failing with one clear line."""

from __future__ import annotations

import dataclasses
import re
import runpy
import shutil
import zipfile
from pathlib import Path

import pytest
from docx.oxml.ns import qn

from sheets_sync.core.errors import TemplateError
from sheets_sync.documents.rendering import DEFAULT_TEMPLATES, clean_text, load_template, render_document, safe_file_part
from tests.documents_fixtures import office_settings, open_docx, render_memo, small_workbook, sync_workbook

TEMPLATES = ("followup_memo.docx", "sop_manual.docx", "sop_index.docx")
BUILD_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_templates.py"
REPOSITORY_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"  # what `make templates` writes


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("templates")
    runpy.run_path(str(BUILD_SCRIPT))["build_templates"](out)
    return out


@pytest.mark.parametrize("name", TEMPLATES)
def test_committed_templates_are_what_the_script_builds(rebuilt: Path, name: str) -> None:
    assert (rebuilt / name).read_bytes() == (REPOSITORY_TEMPLATES / name).read_bytes(), "run `make templates`"
    assert (DEFAULT_TEMPLATES / name).read_bytes() == (REPOSITORY_TEMPLATES / name).read_bytes()  # found through importlib.resources


@pytest.mark.parametrize("name", TEMPLATES)
def test_templates_are_small(name: str) -> None:
    assert (REPOSITORY_TEMPLATES / name).stat().st_size < 100_000


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_tag_is_whole_in_one_run(name: str) -> None:
    """Word (and docxtpl) see each {{ … }} / {% … %} whole: no tag spans two runs."""
    with zipfile.ZipFile(REPOSITORY_TEMPLATES / name) as archive:
        parts = [n for n in archive.namelist() if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)]
        texts = [t for part in parts for t in re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", archive.read(part).decode())]
    tagged = [t for t in texts if "{" in t or "}" in t]
    assert tagged
    for text in tagged:
        assert text.count("{{") == text.count("}}") and text.count("{%") == text.count("%}"), text


def test_memo_template_reads_as_an_official_memo() -> None:
    memo = open_docx(REPOSITORY_TEMPLATES / "followup_memo.docx")
    lines = [p.text for p in memo.paragraphs]
    assert lines[:6] == [
        "{{ emblem }}\tบันทึกข้อความ",
        "ส่วนราชการ  {{ office_line }}\t",
        "ที่  {{ document_no }}\tวันที่  {{ date }}\t",
        "เรื่อง  {{ subject }}",
        "เรียน  {{ addressee }}",
        "สิ่งที่ส่งมาด้วย  {{ attachment }}",
    ]
    assert "จึงเรียนมาเพื่อโปรดทราบและพิจารณา" in lines
    title = memo.paragraphs[0].runs[-1]
    assert title.bold and title._r.rPr.find(qn("w:szCs")).get(qn("w:val")) == "58"  # 29 pt


def test_a_missing_template_is_one_clear_error(tmp_path: Path) -> None:
    settings = dataclasses.replace(office_settings(), output=dataclasses.replace(office_settings().output, templates=str(tmp_path)))
    with pytest.raises(TemplateError, match="ไม่พบแม่แบบ .*followup_memo.docx"):
        load_template(settings, "followup_memo.docx")


def test_a_file_that_is_not_a_docx_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "followup_memo.docx").write_text("not a zip")
    settings = dataclasses.replace(office_settings(), output=dataclasses.replace(office_settings().output, templates=str(tmp_path)))
    with pytest.raises(TemplateError, match="ไม่ใช่ไฟล์ .docx ที่สมบูรณ์"):
        load_template(settings, "followup_memo.docx")


def _edited_template(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the memo template with one text changed, as an office might in Word."""
    source = REPOSITORY_TEMPLATES / "followup_memo.docx"
    target = tmp_path / "followup_memo.docx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode(), 1)
            dst.writestr(info, data)
    return target


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("{{ subject }}", "{{ subject }", "มีแท็ก .* ไม่ถูกต้อง"),
        ("{%p endif %}", "{%p endfi %}", "มีแท็ก .* ไม่ถูกต้อง"),
    ],
)
def test_a_broken_tag_is_one_clear_error(tmp_path: Path, old: str, new: str, message: str) -> None:
    _edited_template(tmp_path, old, new)
    settings = dataclasses.replace(office_settings(), output=dataclasses.replace(office_settings().output, templates=str(tmp_path)))
    template = load_template(settings, "followup_memo.docx")
    with pytest.raises(TemplateError, match=message) as caught:
        render_document(template, {"num": str}, tmp_path / "out.docx")
    assert "followup_memo.docx" in str(caught.value) and "\n" not in str(caught.value)
    assert not (tmp_path / "out.docx").exists()


def test_a_misspelt_variable_is_one_clear_error(tmp_path: Path) -> None:
    _edited_template(tmp_path, "{{ addressee }}", "{{ adressee }}")
    settings = dataclasses.replace(office_settings(), output=dataclasses.replace(office_settings().output, templates=str(tmp_path)))
    small = sync_workbook(small_workbook(tmp_path / "small.xlsx"), settings)
    with pytest.raises(TemplateError, match="ตัวแปรที่โปรแกรมไม่รู้จัก .*'adressee' is undefined"):
        render_memo(small, settings, tmp_path / "out")
    assert not (tmp_path / "out" / "followup-FY2569-R6.docx").exists()


def test_an_office_edit_of_the_wording_is_kept(tmp_path: Path) -> None:
    """Offices may reword the template; only the tags are the tool's."""
    _edited_template(tmp_path, "จึงเรียนมาเพื่อโปรดทราบและพิจารณา", "จึงเรียนมาเพื่อโปรดทราบและโปรดพิจารณาสั่งการ")
    settings = dataclasses.replace(office_settings(), output=dataclasses.replace(office_settings().output, templates=str(tmp_path)))
    small = sync_workbook(small_workbook(tmp_path / "small.xlsx"), settings)
    memo = open_docx(render_memo(small, settings, tmp_path / "out"))
    assert "จึงเรียนมาเพื่อโปรดทราบและโปรดพิจารณาสั่งการ" in [p.text for p in memo.paragraphs]


def test_values_are_escaped_and_newlines_become_line_breaks(tmp_path: Path) -> None:
    shutil.copy(REPOSITORY_TEMPLATES / "sop_index.docx", tmp_path / "sop_index.docx")
    settings = dataclasses.replace(office_settings(), output=dataclasses.replace(office_settings().output, templates=str(tmp_path)))
    template = load_template(settings, "sop_index.docx")
    context = {"num": str, "office_name": "ก", "section": "ข", "as_of_date": "ค", "categories": [], "total": None, "missions": [],
               "summary": clean_text('<b>&"x"\r\nบรรทัดที่สอง\a\x0b')}  # fmt: skip
    document = open_docx(render_document(template, context, tmp_path / "index.docx"))
    paragraph = next(p for p in document.paragraphs if p.text.startswith("<b>"))
    assert paragraph.text == '<b>&"x"\nบรรทัดที่สอง'
    assert paragraph._p.xpath(".//w:br")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (None, ""),
        (float("nan"), ""),
        ("a\r\nb\rc", "a\nb\nc"),
        ("ก\x00\x0b\x1fข", "กข"),
        ("page\fbreak\aparagraph", "pagebreakparagraph"),
        ("\tคง tab", "\tคง tab"),
    ],
)
def test_clean_text(raw: object, clean: str) -> None:
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    ("mission_id", "part"),
    [("M01", "M01"), ("M/01", "M_01"), ('a\\b:c*d?"e<f>g|h', "a_b_c_d_e_f_g_h"), ("..", "_"), ("ภารกิจ ๑", "ภารกิจ ๑")],
)
def test_safe_file_part(mission_id: str, part: str) -> None:
    assert safe_file_part(mission_id) == part
