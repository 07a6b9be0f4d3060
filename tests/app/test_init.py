"""`init`: every input tab with Thai headers, frozen header row, dropdowns and date checks;
existing tabs never touched; the config file written only when absent."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from copy import copy
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from sheets_sync.app.workbook import example_config_text, run_init
from sheets_sync.backends.xlsx.backend import XlsxBackend
from sheets_sync.config import Fiscal, Settings
from sheets_sync.schema.tabs import ColType, input_tabs
from sheets_sync.schema.validate import validate_workbook
from tests.conftest import LibreOffice

TABS = input_tabs()
TITLES = [tab.th for tab in TABS]


def init(path: Path, config: Path | None = None, settings: Settings | None = None):
    return run_init(XlsxBackend(path), settings or Settings(), config)


def validations(sheet) -> dict[str, tuple[str, str | None]]:
    """Column letter -> (type, formula1) of every data validation on the sheet."""
    found = {}
    for rule in sheet.data_validations.dataValidation:
        for cell_range in str(rule.sqref).split():
            found[re.match(r"[A-Z]+", cell_range)[0]] = (rule.type, rule.formula1, cell_range)
    return found


def expected_validations(tab) -> dict[str, tuple[str, str, str]]:
    expected = {}
    for n, col in enumerate(tab.columns):
        letter = openpyxl.utils.get_column_letter(n + 1)
        if col.type is ColType.ENUM:
            expected[letter] = ("list", '"' + ",".join(c.th for c in col.choices) + '"', f"{letter}2:{letter}1000")
        elif col.type is ColType.DATE:
            expected[letter] = ("date", "1", f"{letter}2:{letter}1000")
    return expected


def test_a_new_workbook_gets_every_input_tab(tmp_path: Path) -> None:
    path = tmp_path / "office.xlsx"
    outcome = init(path)
    assert (outcome.created_tabs, outcome.existing_tabs, outcome.config_written) == (TITLES, [], None)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == TITLES  # no stray default "Sheet"
    for tab in TABS:
        sheet = book[tab.th]
        assert [c.value for c in sheet[1]] == [col.th for col in tab.columns]
        assert sheet.max_row == 1
        assert sheet.freeze_panes == "A2"
        assert validations(sheet) == expected_validations(tab)


def test_dropdowns_and_date_checks_of_the_plan_and_complaints(tmp_path: Path) -> None:
    path = tmp_path / "office.xlsx"
    init(path)
    book = openpyxl.load_workbook(path)
    assert validations(book["แผนปฏิบัติการ"]) == {
        "E": ("date", "1", "E2:E1000"), "F": ("date", "1", "F2:F1000"), "J": ("date", "1", "J2:J1000"),
    }
    assert validations(book["เรื่องร้องเรียน"]) == {
        "B": ("date", "1", "B2:B1000"),
        "C": ("list", '"ด้วยตนเอง,สายด่วน 1567,หนังสือ,เว็บไซต์,ไลน์,อื่นๆ"', "C2:C1000"),
        "K": ("list", '"รับเรื่อง,ส่งต่อหน่วยงาน,อยู่ระหว่างดำเนินการ,ยุติ"', "K2:K1000"),
        "L": ("date", "1", "L2:L1000"),
    }
    # a BE date typed as text is valid for sheets-sync: the date check only warns
    assert {rule.errorStyle for rule in book["เรื่องร้องเรียน"].data_validations.dataValidation if rule.type == "date"} == {"warning"}


def test_rounds_from_the_config_decide_the_result_columns(tmp_path: Path) -> None:
    path = tmp_path / "office.xlsx"
    init(path, settings=Settings(fiscal=Fiscal(rounds=(3, 6, 9, 12))))
    header = [c.value for c in openpyxl.load_workbook(path)["ตัวชี้วัด"][1]]
    assert header[-4:] == ["ผลรอบ 3 เดือน", "ผลรอบ 6 เดือน", "ผลรอบ 9 เดือน", "ผลรอบ 12 เดือน"]


def test_a_new_workbook_validates_without_issues(tmp_path: Path) -> None:
    path = tmp_path / "office.xlsx"
    init(path)
    backend = XlsxBackend(path)
    result = validate_workbook(backend.read_tabs(backend.tab_titles()))
    assert result.issues == []
    assert {key: len(table) for key, table in result.tables.items()} == {tab.key: 0 for tab in TABS}


def _sheet_parts(path: Path) -> dict[str, str]:
    """Sheet title -> the XML of that worksheet, minus style indexes (openpyxl renumbers the
    shared style table on save; the resolved formats are compared cell by cell instead)."""
    with zipfile.ZipFile(path) as book:
        workbook_xml = book.read("xl/workbook.xml").decode()
        rels = book.read("xl/_rels/workbook.xml.rels").decode()
        targets = dict(re.findall(r'<Relationship[^>]*Id="([^"]+)"[^>]*Target="([^"]+)"', rels))
        targets |= {rid: target for target, rid in re.findall(r'<Relationship[^>]*Target="([^"]+)"[^>]*Id="([^"]+)"', rels)}
        parts = {}
        for name, rid in re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', workbook_xml):
            target = targets[rid].lstrip("/")
            xml = book.read(target if target.startswith("xl/") else f"xl/{target}").decode()
            parts[name] = re.sub(r' s="\d+"', "", xml)
        return parts


def _cell_formats(path: Path, title: str) -> list[tuple]:
    sheet = openpyxl.load_workbook(path)[title]
    return [
        (c.coordinate, c.value, c.data_type, c.number_format, *map(copy, (c.font, c.fill, c.border, c.alignment, c.protection)))
        for row in sheet.iter_rows() for c in row
    ]


def test_an_existing_workbook_keeps_its_tabs_untouched(tmp_path: Path) -> None:
    path = tmp_path / "office.xlsx"
    book = openpyxl.Workbook()
    missions = book.active
    missions.title = "ภารกิจ"
    missions.append(["รหัสภารกิจ", "ชื่อภารกิจ", "หมายเหตุของฝ่าย"])  # staff's own layout, not the template
    missions.append(["M01", "งานสารบรรณ", 0.45])
    missions.append(["007", "งานรัฐพิธี", dt.datetime(2569, 3, 31)])
    missions["C2"].number_format = "0%"
    missions["C3"].number_format = "d/m/yyyy"
    missions["A1"].font = Font(bold=True, name="TH SarabunPSK")
    missions["B1"].fill = PatternFill("solid", fgColor="FFFF00")
    missions.column_dimensions["B"].width = 40
    rule = DataValidation(type="whole", operator="between", formula1="1", formula2="9")
    rule.add("D2:D50")
    missions.add_data_validation(rule)
    notes = book.create_sheet("บันทึก")
    notes["A1"] = "=1+1"
    book.create_sheet("บุคลากร")  # an empty input tab: it exists, so it is not touched either
    book.save(path)
    before_parts, before_formats = _sheet_parts(path), _cell_formats(path, "ภารกิจ")

    outcome = init(path)

    assert outcome.created_tabs == [t for t in TITLES if t not in ("ภารกิจ", "บุคลากร")]
    assert outcome.existing_tabs == ["ภารกิจ", "บุคลากร"]
    assert openpyxl.load_workbook(path).sheetnames == ["ภารกิจ", "บันทึก", "บุคลากร", *outcome.created_tabs]
    after_parts = _sheet_parts(path)
    assert {title: after_parts[title] == xml for title, xml in before_parts.items()} == dict.fromkeys(before_parts, True)
    assert _cell_formats(path, "ภารกิจ") == before_formats
    assert (tmp_path / "office.xlsx.bak").exists()


def test_a_complete_workbook_is_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "office.xlsx"
    init(path)
    before = path.read_bytes()
    outcome = init(path)
    assert (outcome.created_tabs, outcome.existing_tabs) == ([], TITLES)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["office.xlsx"]


def test_config_is_written_only_when_absent(tmp_path: Path) -> None:
    config = tmp_path / "config" / "office.toml"
    first = init(tmp_path / "a.xlsx", config)
    assert first.config_written == config
    assert config.read_text(encoding="utf-8") == example_config_text()

    config.write_text('[office]\nname = "สำนักงานจังหวัดของเราเอง"\n', encoding="utf-8")
    second = init(tmp_path / "b.xlsx", config)
    assert second.config_written is None
    assert config.read_text(encoding="utf-8") == '[office]\nname = "สำนักงานจังหวัดของเราเอง"\n'


def test_no_config_path_writes_no_config(tmp_path: Path) -> None:
    init(tmp_path / "office.xlsx", None)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["office.xlsx"]


@pytest.mark.libreoffice
def test_libreoffice_opens_an_init_workbook(tmp_path: Path, libreoffice_calc: LibreOffice) -> None:
    path = tmp_path / "office.xlsx"
    init(path)
    converted = libreoffice_calc.convert(path, "xlsx", tmp_path / "converted")
    book = openpyxl.load_workbook(converted)
    assert book.sheetnames == TITLES
    for tab in TABS:
        # LibreOffice kept every header and understood every dropdown and date check
        assert [c.value for c in book[tab.th][1]] == [col.th for col in tab.columns]
        assert validations(book[tab.th]) == expected_validations(tab)
