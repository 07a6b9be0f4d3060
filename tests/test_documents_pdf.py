"""The memo as a reader gets it: converted to PDF by LibreOffice (skipped when not installed)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.documents_fixtures import render_manuals, render_memo, demo_sync, office_settings

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"),
]


def to_pdf(document: Path, out_dir: Path, profile: Path) -> Path:
    """Headless conversion with a private LibreOffice profile (no clash with a running office)."""
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out_dir), str(document)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = out_dir / f"{document.stem}.pdf"
    assert pdf.exists(), f"LibreOffice wrote no {pdf.name}"
    return pdf


def page_count(pdf: Path) -> int:
    data = pdf.read_bytes()
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


def pdf_text(pdf: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("pdf")
    settings = office_settings()
    demo = demo_sync(work, settings)
    memo = render_memo(demo, settings, work)
    manual = render_manuals(demo, settings, work, mission_id="M01")[0]
    profile = work / "lo-profile"
    return {"memo": to_pdf(memo, work, profile), "manual": to_pdf(manual, work, profile)}


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
