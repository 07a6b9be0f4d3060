"""Documents at the edges an office will reach: long names, markup in names, a wrong emblem file,
an expression an office wrote into a template that fails."""

import shutil

import docx
import openpyxl
from click.testing import CliRunner

from sheets_sync.cli.main import cli
from tests.conftest import AS_OF


def _workbook(demo_xlsx, tmp_path, name=None):
    path = tmp_path / "office.xlsx"
    shutil.copyfile(demo_xlsx, path)
    if name is not None:
        book = openpyxl.load_workbook(path)
        book["ภารกิจ"]["B5"] = name  # M04, which has steps and a manual
        book.save(path)
    return path


OFFICE = '[office]\nname = "สำนักงานจังหวัดทดสอบ"\nsigner_name = "นายทดสอบ ระบบดี"\ndocument_no = "ทส 0017.1/"\n'


def _config(tmp_path, extra="", office=OFFICE):
    # `report` refuses the example office: these offices have set their own (issue 12)
    path = tmp_path / "office.toml"
    path.write_text(f'{office}[output]\nhistory = "{tmp_path / "h.sqlite"}"\n{extra}', encoding="utf-8")
    return str(path)


def test_a_long_name_with_markup_becomes_a_plain_title_within_words_limit(demo_xlsx, tmp_path):
    name = '<b>&"x" ' + "งานศูนย์ดำรงธรรมจังหวัด" * 14
    result = CliRunner().invoke(cli, ["sop", "--workbook", str(_workbook(demo_xlsx, tmp_path, name)), "--as-of", AS_OF.isoformat(),
                                      "--out", str(tmp_path / "out"), "--config", _config(tmp_path), "--mission", "M04"])
    assert result.exit_code == 0, result.output
    manual = docx.Document(tmp_path / "out" / "sop" / "SOP-M04.docx")
    title = manual.core_properties.title
    assert len(title) == 255 and title.startswith('คู่มือการปฏิบัติงาน <b>&"x" งาน')  # plain text, not &amp;lt;
    assert any(name in p.text for p in manual.paragraphs)  # the full name is in the document itself


def test_an_emblem_that_is_not_an_image_is_one_clear_line(demo_xlsx, tmp_path):
    fake = tmp_path / "garuda.png"
    fake.write_text("not a picture", encoding="utf-8")
    result = CliRunner().invoke(cli, ["report", "--workbook", str(_workbook(demo_xlsx, tmp_path)), "--as-of", AS_OF.isoformat(), "--out",
                                      str(tmp_path / "out"), "--config", _config(tmp_path, office=OFFICE + f'emblem = "{fake}"\n')])
    assert result.exit_code == 2
    assert "office.emblem" in result.output and result.output.strip().count("\n") == 0
    assert not (tmp_path / "out" / "followup-FY2569-R6.docx").exists()


def test_a_failing_expression_in_an_edited_template_is_a_template_error(demo_xlsx, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree("templates", templates)
    memo = docx.Document(templates / "followup_memo.docx")
    proposal = next(p for p in memo.paragraphs if "{{ proposal }}" in p.text)
    proposal.add_run("{{ 1 / 0 }}")  # an office's experiment in Word
    memo.save(templates / "followup_memo.docx")
    result = CliRunner().invoke(cli, ["report", "--workbook", str(_workbook(demo_xlsx, tmp_path)), "--as-of", AS_OF.isoformat(), "--out",
                                      str(tmp_path / "out"), "--config", _config(tmp_path, f'templates = "{templates}"\n')])
    assert result.exit_code == 2
    assert "followup_memo.docx" in result.output and "ZeroDivisionError" in result.output
    assert "Traceback" not in result.output
