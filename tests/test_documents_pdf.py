"""The memo as a reader gets it: converted to PDF by LibreOffice (skipped when Writer cannot convert here)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from sheets_sync.documents.memo import render_followup_report
from sheets_sync.documents.sop import render_sop_manuals
from tests.conftest import LibreOffice
from tests.documents_fixtures import demo_sync, office_settings

pytestmark = pytest.mark.libreoffice


def page_count(pdf: Path) -> int:
    data = pdf.read_bytes()
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


def pdf_text(pdf: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory, demo_xlsx: Path, libreoffice_writer: LibreOffice) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("pdf")
    settings = office_settings()
    demo = demo_sync(demo_xlsx, settings)
    memo = render_followup_report(demo.results, demo.workbook, settings, work)
    manual = render_sop_manuals(demo.results, demo.workbook, settings, work, mission_id="M01")[0]
    return {"memo": libreoffice_writer.convert(memo, "pdf", work), "manual": libreoffice_writer.convert(manual, "pdf", work)}


def test_memo_pdf_has_the_expected_pages(converted: dict[str, Path]) -> None:
    assert 3 <= page_count(converted["memo"]) <= 9


def test_memo_pdf_has_extractable_thai_text(converted: dict[str, Path]) -> None:
    text = pdf_text(converted["memo"])
    for expected in ("บันทึกข้อความ", "ส่วนราชการ", "เรียน", "ผู้ว่าราชการจังหวัดทดสอบ", "๓๑ มีนาคม ๒๕๖๙",
                     "จึงเรียนมาเพื่อโปรดทราบ", "(นางสาวสมใจ ใจดี)"):  # fmt: skip
        assert expected in text


def test_manual_pdf_opens_with_its_cover(converted: dict[str, Path]) -> None:
    assert page_count(converted["manual"]) >= 3  # cover, text, flowchart and steps
    text = pdf_text(converted["manual"])
    assert "คู่มือการปฏิบัติงาน" in text and "ผังกระบวนการ" in text
