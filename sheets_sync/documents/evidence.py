"""The PMQA evidence folder's own documents (shared/spec/closing.md "The PMQA evidence folder"):
`index.docx`, a table mapping every file to the PMQA 4.0 categories it supports with its SHA-256
and the closing it comes from; and the trend table as .xlsx.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.shared import Cm
from openpyxl.styles import Font, PatternFill

from ..compute.trend import FIGURES
from ..core.thai_dates import thai_date
from ..core.vocabulary import HEADER_FILL, PLAN_STATUSES
from .typography import make_thai_ready, style_run

# PMQA 4.0 categories (หมวด) and what the folder offers for each.
PMQA_CATEGORIES: dict[int, str] = {
    2: "หมวด 2 การวางแผนเชิงยุทธศาสตร์ (แผนและความสอดคล้องกับยุทธศาสตร์)",
    3: "หมวด 3 การให้ความสำคัญกับผู้รับบริการ (เรื่องร้องเรียนศูนย์ดำรงธรรมและความพึงพอใจ)",
    4: "หมวด 4 การวัด การวิเคราะห์ และการจัดการความรู้ (ตัวชี้วัด แนวโน้ม และประวัติการปิดรอบ)",
    5: "หมวด 5 การมุ่งเน้นบุคลากร (ผู้ปฏิบัติแทนและการพัฒนา)",
    6: "หมวด 6 การมุ่งเน้นระบบปฏิบัติการ (ความครอบคลุมของคู่มือและเวลามาตรฐาน)",
    7: "หมวด 7 ผลลัพธ์การดำเนินการ (ผลและแนวโน้ม)",
}
INDEX_NAME = "index.docx"


@dataclass(frozen=True)
class EvidenceFile:
    """One file of the folder: its path inside the folder, what it is, the categories it supports
    and the closing it comes from (empty for the folder's audit trail of every closing)."""

    name: str  # POSIX path relative to the folder
    what: str
    categories: tuple[int, ...]
    closing: str


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_index(folder: Path, files: Sequence[EvidenceFile], *, office: str, section: str, fiscal_year: int,
                made_on: dt.date) -> Path:
    """`<folder>/index.docx`: the categories, then one row per file (name, what it is, categories,
    closing, SHA-256 of the file as written)."""
    document = Document()
    make_thai_ready(document)
    page = document.sections[0]
    page.orientation = WD_ORIENT.LANDSCAPE
    page.page_width, page.page_height = page.page_height, page.page_width
    page.left_margin = page.right_margin = Cm(2)
    title = document.add_paragraph()
    style_run(title.add_run(f"ทะเบียนหลักฐานประกอบการประเมิน PMQA 4.0 ปีงบประมาณ พ.ศ. {fiscal_year}"), bold=True, size_pt=18)
    document.add_paragraph(f"{office} {section} · จัดทำเมื่อ {thai_date(made_on)}")
    document.add_paragraph(
        "ทุกไฟล์มาจากรอบที่ปิดแล้ว (ตัวเลขที่รายงานจริง ไม่คำนวณใหม่) ตรวจความถูกต้องของไฟล์ได้ด้วยค่า SHA-256 ในตาราง"
    )
    for label in PMQA_CATEGORIES.values():
        document.add_paragraph(label, style="List Bullet")
    table = document.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    header = table.rows[0]._tr.get_or_add_trPr()
    header.append(OxmlElement("w:tblHeader"))  # the header row repeats on every page
    for cell, text in zip(table.rows[0].cells, ("ลำดับ", "ไฟล์", "หลักฐาน", "หมวด", "มาจากการปิดรอบ", "SHA-256")):
        style_run(cell.paragraphs[0].add_run(text), bold=True, size_pt=14)
    for n, item in enumerate(files, start=1):
        digest = sha256_of(folder / item.name)
        row = table.add_row()
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row never breaks across pages
        cells = row.cells
        values = (str(n), item.name, item.what, ", ".join(str(c) for c in item.categories), item.closing or "-",
                  f"{digest[:32]}\n{digest[32:]}")
        for cell, text in zip(cells, values):
            style_run(cell.paragraphs[0].add_run(text), size_pt=12 if cell is not cells[5] else 8)
    widths = (Cm(1.6), Cm(5.2), Cm(6.7), Cm(1.7), Cm(4.6), Cm(5.9))
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width
    path = folder / INDEX_NAME
    document.save(str(path))
    return path


def write_trend_xlsx(path: Path, rows: Sequence[dict[str, Any]]) -> Path:
    """The trend table (closed rounds, oldest first) as a one-sheet workbook."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "แนวโน้ม"
    header = ["ปีงบประมาณ", "รอบ (เดือน)", "ข้อมูล ณ วันที่", "ปิดรอบเมื่อ", "ผู้ปิดรอบ", *(label for _, label in FIGURES),
              *(f"กิจกรรม{s.th}" for s in PLAN_STATUSES)]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    for row in rows:
        counts = row.get("plan_status_counts") or {}
        sheet.append([
            row["fiscal_year"], row["round"], dt.date.fromisoformat(row["as_of"]),
            dt.date.fromisoformat(row["closed_on"]) if row.get("closed_on") else None, row.get("closed_by"),
            *(row.get(key) for key, _ in FIGURES), *(counts.get(s.key) for s in PLAN_STATUSES),
        ])
    for r in range(2, sheet.max_row + 1):
        for c in (3, 4):
            sheet.cell(r, c).number_format = "d/m/yyyy"
    for c in range(1, len(header) + 1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(c)].width = 16
    sheet.freeze_panes = "A2"
    book.save(path)
    return path
