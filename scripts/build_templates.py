"""Build the default Word templates in templates/ from code (`make templates`).

The .docx files are inputs an office may open and edit in Word (letterhead, wording, fonts);
this script is where their default content is reviewed. It writes real python-docx documents,
made Thai-ready by `sheets_sync.documents.typography`, with docxtpl tags in them:
`{{ name }}` values, `{%tr for … %}` table rows, `{%p if … %}` paragraphs, pictures for
`{{ …_chart }}`. Every tag is written as one run, so Word shows it whole and docxtpl reads it.
The output is byte-for-byte reproducible (fixed document dates and zip timestamps), so a
rebuild changes git only when this script changes.

Usage: python scripts/build_templates.py [--out DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Length, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sheets_sync.core import vocabulary  # noqa: E402
from sheets_sync.documents.typography import (  # noqa: E402
    FIELD_LABEL_PT,
    PARAGRAPH_INDENT,
    TABLE_STYLE,
    TABLE_TEXT_STYLE,
    TEXT_WIDTH,
    TITLE_PT,
    make_thai_ready,
    style_run,
)

OUT_DIR = Path(__file__).resolve().parents[1] / "templates"
FIXED_TIME = dt.datetime(2025, 10, 1, tzinfo=dt.UTC)
ZIP_TIME = (2025, 10, 1, 0, 0, 0)
HEADER_FILL = vocabulary.HEADER_FILL
MEMO_TOP = Cm(1.5)  # the memo form: the Garuda 1.5 cm from the top edge
MEMO_PAGE_NUMBER = Cm(1.25)  # `- ๒ -` this far from the top edge; the body follows under it
SIGNER_INDENT = Cm(7)  # the signer's block: 9 cm wide, room for a long position on one line
ENDORSE_GAP = 4  # pt between the signer (or the endorsement before) and an endorsement
ENDORSE_COMMENT_WIDTH = Cm(8)  # an endorsement's comment side (its label on one line); the signing side beside it
ENDORSE_DOTS = 52  # a dotted writing line across the comment side (TH Sarabun 16 pt, inside the cell margins)
TOTAL_FILL = "F2F2F2"  # every total row: bold on this light grey, in every table
LEFT, CENTER, RIGHT = WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
JUSTIFY = WD_ALIGN_PARAGRAPH.THAI_JUSTIFY  # w:jc="thaiDistribute", the Thai way to justify


@dataclass(frozen=True)
class R:
    """One run: text (a whole Jinja tag at most), optional bold / size / colour."""

    text: str
    bold: bool = False
    size: float | None = None
    colour: str | None = None


@dataclass(frozen=True)
class Col:
    """One table column: header, width (cm), the cell's content, alignment."""

    header: str
    width: float
    cell: str
    align: WD_ALIGN_PARAGRAPH = LEFT


# --- documents and paragraphs ------------------------------------------------------------------
def new_document(title: str) -> DocumentType:
    document = Document()
    make_thai_ready(document)
    props = document.core_properties
    props.title, props.author, props.last_modified_by = title, "sheets-sync", "sheets-sync"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    # Core properties are rendered by docxtpl too: they hold no tag (sheet text there would be
    # escaped twice and may exceed Word's 255-character limit); the renderer sets the title.
    props.comments = "แม่แบบตั้งต้นของ sheets-sync — แก้ข้อความและรูปแบบได้ใน Word โดยคงแท็กในวงเล็บปีกกาไว้ตามเดิม"
    return document


def para(
    container,
    *runs: R | str,
    style: str | None = None,
    align: WD_ALIGN_PARAGRAPH | None = None,
    first_line: Length | None = None,
    left: Length | None = None,
    before: float | None = None,
    after: float | None = None,
    keep_next: bool = False,
) -> Paragraph:
    """Add a paragraph of runs to a document or a table cell."""
    paragraph = container.add_paragraph(style=style)
    for spec in runs:
        spec = R(spec) if isinstance(spec, str) else spec
        style_run(paragraph.add_run(spec.text), bold=spec.bold or None, size_pt=spec.size, colour=spec.colour)
    fmt = paragraph.paragraph_format
    if align is not None:
        fmt.alignment = align
    if first_line is not None:
        fmt.first_line_indent = first_line
    if left is not None:
        fmt.left_indent = left
    if before is not None:
        fmt.space_before = Pt(before)
    if after is not None:
        fmt.space_after = Pt(after)
    if keep_next:
        fmt.keep_with_next = True
    return paragraph


def body(container, *runs: R | str, before: float = 0) -> Paragraph:
    """A body paragraph: first line indented 2.5 cm, Thai-justified."""
    return para(container, *runs, align=JUSTIFY, first_line=PARAGRAPH_INDENT, before=before)


def heading(document: DocumentType, number: int, text: str) -> Paragraph:
    """`๑. ภาพรวม`: a Heading 1 at the body indent; its number follows the digits setting."""
    return para(document, R(f"{{{{ num({number}) }}}}. {text}"), style="Heading 1", first_line=PARAGRAPH_INDENT, before=8)


def sub_heading(document: DocumentType, text: str) -> Paragraph:
    return para(document, R(text, bold=True), first_line=PARAGRAPH_INDENT, before=6, keep_next=True)


def control(document: DocumentType, tag: str) -> Paragraph:
    """A paragraph holding only a `{%p … %}` tag; docxtpl removes it when rendering."""
    return para(document, R(tag))


def picture(document: DocumentType, tag: str) -> Paragraph:
    return para(document, R(tag), align=CENTER, before=6, after=6)


def bottom_rule(paragraph: Paragraph) -> None:
    """A thin line under the paragraph (the rule under เรื่อง)."""
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "4"), ("w:color", "auto")):
        bottom.set(qn(key), value)
    border.append(bottom)
    ppr.insert_element_before(border, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                              "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
                              "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                              "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                              "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                              "w:pPrChange")  # fmt: skip


def page_number_field(paragraph: Paragraph) -> None:
    """A PAGE field (shown in Thai digits when the renderer sets the section's number format)."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), " PAGE ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def memo_header(section: Section) -> None:
    """`- ๒ -` centred at the top of every page but the first (งานสารบรรณ), 1.25 cm from the top
    edge; the first page has no header, so the Garuda stands 1.5 cm from the top as on the
    printed form, and the body of the pages after it starts under the page number (the header
    pushes it down to about 2.2 cm)."""
    section.different_first_page_header_footer = True
    section.top_margin, section.header_distance = MEMO_TOP, MEMO_PAGE_NUMBER
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = CENTER
    paragraph.add_run("- ")
    page_number_field(paragraph)
    paragraph.add_run(" -")


# --- tables ---------------------------------------------------------------------------------------
def loop_table(
    document: DocumentType, columns: Sequence[Col], loop: str, *, total: Sequence[str | tuple[str, int]] | None = None
) -> Table:
    """Header row, a `{%tr for loop %}` row, the repeated row, `{%tr endfor %}`, optional total.

    A `total` item is a cell's text, or (text, span) for a cell merged across `span` columns.
    """
    rows = 4 + (total is not None)
    table = document.add_table(rows=rows, cols=len(columns))
    table.style = document.styles[TABLE_STYLE]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for index, column in enumerate(columns):
        table.columns[index].width = Cm(column.width)
        for row in table.rows:
            row.cells[index].width = Cm(column.width)
    header = table.rows[0]
    repeat_header(header)
    for row in table.rows[1:]:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for cell, column in zip(header.cells, columns):
        cell_text(cell, column.header, bold=True, align=CENTER)
        cell.paragraphs[0].paragraph_format.keep_with_next = True
        shade(cell, HEADER_FILL)
    cell_text(table.rows[1].cells[0], f"{{%tr for {loop} %}}")
    for cell, column in zip(table.rows[2].cells, columns):
        cell_text(cell, column.cell, align=column.align)
    cell_text(table.rows[3].cells[0], "{%tr endfor %}")
    if total is not None:
        total_row(table.rows[4], columns, total)
    return table


def total_row(row, columns: Sequence[Col], items: Sequence[str | tuple[str, int]]) -> None:
    cells = list(row.cells)
    index = 0
    for item in items:
        text, span = (item, 1) if isinstance(item, str) else item
        cell = cells[index] if span == 1 else cells[index].merge(cells[index + span - 1])
        cell_text(cell, text, bold=True, align=columns[index].align if span == 1 else CENTER)
        shade(cell, TOTAL_FILL)
        index += span


def key_value_table(document: DocumentType, rows: Sequence[tuple[str, str]], widths: tuple[float, float]) -> Table:
    """A fixed two-column table (label, value)."""
    table = document.add_table(rows=len(rows), cols=2)
    table.style = document.styles[TABLE_STYLE]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for index, width in enumerate(widths):
        table.columns[index].width = Cm(width)
    for row, (label, value) in zip(table.rows, rows):
        for cell, width in zip(row.cells, widths):
            cell.width = Cm(width)
        cell_text(row.cells[0], label, bold=True)
        shade(row.cells[0], HEADER_FILL)
        cell_text(row.cells[1], value)
    return table


def cell_text(cell: _Cell, text: str, *, bold: bool = False, align: WD_ALIGN_PARAGRAPH = LEFT) -> None:
    """The cell's text in the Table Text style; a `\n` is a line break (each line one run)."""
    paragraph = cell.paragraphs[0]
    paragraph.style = paragraph.part.document.styles[TABLE_TEXT_STYLE]
    paragraph.alignment = align
    for index, line in enumerate(text.split("\n")):
        run = style_run(paragraph.add_run(line), bold=bold or None)
        if index:
            run._r.addprevious(_line_break())


def _line_break():
    run = OxmlElement("w:r")
    run.append(OxmlElement("w:br"))
    return run


def shade(cell: _Cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    tc_pr.append(shading)


def repeat_header(row) -> None:
    """Repeat the header row on every page the table runs onto; never split a row."""
    tr_pr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        tr_pr.append(OxmlElement(tag))


# --- the follow-up memo -------------------------------------------------------------------------
def build_followup_memo() -> DocumentType:
    """บันทึกข้อความ to the governor: header fields, the four parts an executive reads, the
    signature; then the attachment it names, with the detail tables and charts."""
    document = new_document("บันทึกข้อความรายงานผลการติดตามการดำเนินงาน")
    memo_header(document.sections[0])
    _memo_heading(document)
    _memo_body(document)
    _signature(document)
    _attachment_title(document)
    _memo_plan(document)
    _memo_kpis(document)
    _memo_complaints(document)
    _memo_sop(document)
    _memo_problems(document)
    _memo_comparison(document)
    return document


def _memo_heading(document: DocumentType) -> None:
    # Garuda at the top left (1.5 cm high), "บันทึกข้อความ" centred on the same line. The line
    # is at least 1.6 cm tall, so without an emblem its space is still left.
    title = para(document, R("{{ emblem }}"), R("\t"), R("บันทึกข้อความ", bold=True, size=TITLE_PT))
    title.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH // 2, WD_TAB_ALIGNMENT.CENTER)
    title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.AT_LEAST
    title.paragraph_format.line_spacing = Cm(1.6)
    office = para(document, R("ส่วนราชการ", bold=True, size=FIELD_LABEL_PT), R("  {{ office_line }}"), R("\t"))
    office.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    number = para(document, R("ที่", bold=True, size=FIELD_LABEL_PT), R("  {{ document_no }}"), R("\t"),
                  R("วันที่", bold=True, size=FIELD_LABEL_PT), R("  {{ date }}"), R("\t"))  # fmt: skip
    number.paragraph_format.tab_stops.add_tab_stop(Cm(8), WD_TAB_ALIGNMENT.LEFT, WD_TAB_LEADER.DOTS)
    number.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    subject = para(document, R("เรื่อง", bold=True, size=FIELD_LABEL_PT), R("  {{ subject }}"), after=4)
    subject.paragraph_format.left_indent = Cm(1.25)
    subject.paragraph_format.first_line_indent = -Cm(1.25)
    bottom_rule(subject)
    para(document, R("เรียน"), R("  {{ addressee }}"), before=8)
    attached = para(document, R("สิ่งที่ส่งมาด้วย"), R("  {{ attachment }}"), align=JUSTIFY)
    attached.paragraph_format.left_indent = Cm(2.5)
    attached.paragraph_format.first_line_indent = -Cm(2.5)


def memo_part(document: DocumentType, number: int, text: str) -> Paragraph:
    """`๑. เรื่องเดิม`: a part of the memo, bold at the body indent, kept with its text."""
    return para(document, R(f"{{{{ num({number}) }}}}. {text}", bold=True), first_line=PARAGRAPH_INDENT, before=3, keep_next=True)


def _memo_body(document: DocumentType, *, comparison: bool = True) -> None:
    """The four parts; `comparison` adds the follow-up memo's item against the closed rounds."""
    memo_part(document, 1, "เรื่องเดิม")
    body(document, "{{ background }}")
    memo_part(document, 2, "ข้อเท็จจริง")
    body(document, "{{ facts_intro }}")
    control(document, "{%p for f in facts %}")
    body(document, "{{ f }}")
    control(document, "{%p endfor %}")
    if comparison:  # closing.md: against the closed rounds before this one
        control(document, "{%p for c in comparison %}")
        body(document, "{{ c }}")
        control(document, "{%p endfor %}")
    memo_part(document, 3, "ข้อพิจารณา")
    control(document, "{%p for c in considerations %}")
    body(document, "{{ c }}")
    control(document, "{%p endfor %}")
    control(document, "{%p if not considerations %}")
    body(document, "ผลการดำเนินงานเป็นไปตามแผน ไม่มีประเด็นที่ต้องเร่งรัดในรอบนี้")
    control(document, "{%p endif %}")
    memo_part(document, 4, "ข้อเสนอ")
    proposal = body(document, "{{ proposal }}")
    proposal.paragraph_format.keep_with_next = True  # the signer's page never holds only the closing
    closing = body(document, "จึงเรียนมาเพื่อโปรดทราบและพิจารณา", before=6)
    closing.paragraph_format.keep_with_next = True


def _signature(document: DocumentType, *, endorsements: bool = True) -> None:
    """Room to sign (space before the name, not empty lines), then (name) and position,
    centred on the right half of the page, kept with the closing sentence."""
    name = para(document, "({{ signer_name }})", align=CENTER, left=SIGNER_INDENT, before=30, keep_next=True)
    name.paragraph_format.keep_together = True
    para(document, "{{ signer_position }}", align=CENTER, left=SIGNER_INDENT)
    if endorsements:  # the follow-up memo's office.via; the ministry's memo has none
        _endorsements(document)


def _endorsements(document: DocumentType) -> None:
    """A space for each position the memo passes through (config office.via), one borderless
    row each, never split: on the left ความเห็น<position>, a dotted line to write on and the date
    line; on the right room to sign, the (name line) and the position, centred under the signer.
    Side by side an endorsement costs three lines of the page, not six, so the memo and its
    endorsement stay within two pages. No table at all when the memo goes direct."""
    control(document, "{%p if endorsements %}")
    left, right = ENDORSE_COMMENT_WIDTH, TEXT_WIDTH - ENDORSE_COMMENT_WIDTH
    table = document.add_table(rows=3, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, (left, right)):
            cell.width = width
    for index, width in enumerate((left, right)):
        table.columns[index].width = width
    cell_text(table.rows[0].cells[0], "{%tr for e in endorsements %}")
    cell_text(table.rows[2].cells[0], "{%tr endfor %}")
    block = table.rows[1]
    block._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # no keep-with-next: a second endorsement may go on alone
    comment, sign = block.cells
    label = comment.paragraphs[0]
    style_run(label.add_run("ความเห็น{{ e.position }}"))
    label.paragraph_format.space_before = Pt(ENDORSE_GAP)
    para(comment, "." * ENDORSE_DOTS)  # dots as text: LibreOffice draws no leader for a tab alone in a cell
    para(comment, "วันที่ ........../........../..........")
    name = sign.paragraphs[0]  # room to sign above it, beside the comment's first lines
    style_run(name.add_run("(" + "." * 45 + ")"))
    name.alignment = CENTER
    name.paragraph_format.space_before = Pt(ENDORSE_GAP + 24)
    para(sign, "{{ e.position }}", align=CENTER)
    control(document, "{%p endif %}")


def _attachment_title(document: DocumentType) -> None:
    """The attachment starts on a new page with its own title and the data date."""
    title = para(document, R("สิ่งที่ส่งมาด้วย", bold=True, size=18), align=CENTER, keep_next=True)
    title.paragraph_format.page_break_before = True
    para(document, R("{{ attachment_title }}", bold=True), align=CENTER, keep_next=True)
    para(document, "{{ section }} {{ office_name }}", align=CENTER, keep_next=True)
    para(document, "ข้อมูล ณ วันที่ {{ as_of_date }}", align=CENTER, after=6)


def intro(document: DocumentType, text: str) -> Paragraph:
    """A body paragraph that introduces the table after it (kept with it, a little space after)."""
    paragraph = body(document, text)
    paragraph.paragraph_format.space_after = Pt(4)
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def chart(document: DocumentType, tag: str, caption: str) -> None:
    """A chart and its caption under it, kept together."""
    picture = para(document, R(tag), align=CENTER, before=6, keep_next=True)
    picture.paragraph_format.keep_together = True
    para(document, R(caption), align=CENTER, after=6)


def _memo_plan(document: DocumentType) -> None:
    heading(document, 1, "ผลการดำเนินงานตามแผนปฏิบัติการ")
    intro(document, "{{ plan.summary }}")
    loop_table(
        document,
        [
            Col("สถานะ", 4.6, "{% cellbg r.fill %}{{ r.status }}"),
            Col("จำนวน\n(กิจกรรม)", 3.0, "{{ r.count }}", RIGHT),
            Col("ร้อยละ", 3.0, "{{ r.pct }}", RIGHT),
            Col("งบประมาณ (บาท)", 5.4, "{{ r.budget }}", RIGHT),
        ],
        "r in plan.rows",
        total=["รวม", "{{ plan.count }}", "{{ plan.pct_total }}", "{{ plan.budget_total }}"],
    )
    control(document, "{%p if plan_chart %}")
    chart(document, "{{ plan_chart }}", "ภาพที่ {{ num(1) }} จำนวนกิจกรรมตามแผนปฏิบัติการ จำแนกตามสถานะ")
    control(document, "{%p endif %}")
    control(document, "{%p if plan.lagging %}")
    sub_heading(document, "กิจกรรมที่เกินกำหนด ล่าช้ากว่าแผน หรือยังไม่เริ่ม")
    loop_table(
        document,
        [
            Col("รหัส", 1.3, "{{ a.id }}", CENTER),
            Col("กิจกรรม", 3.9, "{{ a.name }}"),
            Col("ผู้รับผิดชอบ", 3.6, "{{ a.owner }}"),
            Col("ความก้าวหน้า\n(ร้อยละ)", 2.3, "{{ a.progress }}", RIGHT),
            Col("ตามแผน\n(ร้อยละ)", 2.2, "{{ a.expected }}", RIGHT),
            Col("สถานะ", 2.7, "{% cellbg a.fill %}{{ a.status }}", CENTER),
        ],
        "a in plan.lagging",
    )
    control(document, "{%p endif %}")


def _memo_kpis(document: DocumentType) -> None:
    heading(document, 2, "ผลการประเมินตัวชี้วัดระดับ{{ unit }} จำแนกตามมิติ")
    intro(document, "{{ kpi.summary }}")
    loop_table(
        document,
        [
            Col("มิติ", 5.0, "{{ p.name }}"),
            Col("สัดส่วนน้ำหนัก\n(ร้อยละ)", 3.4, "{{ p.weight }}", RIGHT),
            Col("คะแนนเฉลี่ย\n(เต็ม {{ num(5) }})", 3.4, "{% cellbg p.fill %}{{ p.score }}", RIGHT),
            Col("เทียบกับ\nค่าเป้าหมาย", 4.2, "{{ p.verdict }}", CENTER),
        ],
        "p in kpi.perspectives",
        total=["คะแนนรวมระดับ{{ unit }}", "{{ kpi.weight_total }}", "{{ kpi.total }}", "ร้อยละ {{ kpi.total_pct }}"],
    )
    control(document, "{%p if kpi_chart %}")
    chart(document, "{{ kpi_chart }}", "ภาพที่ {{ num(2) }} คะแนนเฉลี่ยตัวชี้วัดระดับ{{ unit }} จำแนกตามมิติ")
    control(document, "{%p endif %}")
    control(document, "{%p if kpi.below %}")
    sub_heading(document, "ตัวชี้วัดที่ยังไม่บรรลุค่าเป้าหมาย (คะแนนต่ำกว่า {{ kpi.target }})")
    loop_table(
        document,
        [
            Col("รหัส", 1.6, "{{ b.id }}", CENTER),
            Col("ตัวชี้วัด", 7.4, "{{ b.name }}"),
            Col("มิติ", 3.6, "{{ b.perspective }}"),
            Col("คะแนน", 3.4, "{% cellbg b.fill %}{{ b.score }}", RIGHT),
        ],
        "b in kpi.below",
    )
    control(document, "{%p endif %}")
    control(document, "{%p if kpi.note %}")
    body(document, "{{ kpi.note }}", before=4)
    control(document, "{%p endif %}")


def _memo_complaints(document: DocumentType) -> None:
    heading(document, 3, "เรื่องร้องเรียน/ร้องทุกข์ ศูนย์ดำรงธรรม")
    intro(document, "{{ complaints.summary }}")
    loop_table(
        document,
        [Col("รายการ", 10.5, "{{ c.label }}"), Col("จำนวน", 5.5, "{{ c.value }}", RIGHT)],
        "c in complaints.rows",
    )
    control(document, "{%p if complaints.categories %}")
    sub_heading(document, "จำแนกตามประเภทเรื่อง")
    loop_table(
        document,
        [
            Col("ประเภทเรื่อง", 7.0, "{{ g.name }}"),
            Col("รับเรื่อง", 3.0, "{{ g.received }}", RIGHT),
            Col("ยุติ", 3.0, "{{ g.closed }}", RIGHT),
            Col("อยู่ระหว่าง\nดำเนินการ", 3.0, "{{ g.open }}", RIGHT),
        ],
        "g in complaints.categories",
        total=["รวม", "{{ complaints.received }}", "{{ complaints.closed }}", "{{ complaints.open }}"],
    )
    control(document, "{%p endif %}")
    control(document, "{%p if complaints_chart %}")
    chart(document, "{{ complaints_chart }}", "ภาพที่ {{ num(3) }} เรื่องร้องเรียนที่รับและที่ยุติ รายเดือน")
    control(document, "{%p if complaints.chart_note %}")
    para(document, R("{{ complaints.chart_note }}", size=14), align=JUSTIFY, after=6)
    control(document, "{%p endif %}")
    control(document, "{%p endif %}")


def _memo_sop(document: DocumentType) -> None:
    heading(document, 4, "ความครอบคลุมของคู่มือการปฏิบัติงาน")
    intro(document, "{{ sop.summary }}")
    control(document, "{%p if sop.total %}")
    coverage_table(document, "sop.categories", "sop.total")
    control(document, "{%p endif %}")
    control(document, "{%p if sop.without %}")
    sub_heading(document, "ภารกิจที่ยังไม่มีคู่มือการปฏิบัติงาน")
    control(document, "{%p for m in sop.without %}")
    para(document, "{{ m }}", left=PARAGRAPH_INDENT)
    control(document, "{%p endfor %}")
    control(document, "{%p endif %}")
    control(document, "{%p if sop.single_points %}")
    sub_heading(document, "ภารกิจที่มีผู้ปฏิบัติงานได้เพียงคนเดียว (จุดเสี่ยง)")
    control(document, "{%p for m in sop.single_points %}")
    para(document, "{{ m }}", left=PARAGRAPH_INDENT)
    control(document, "{%p endfor %}")
    control(document, "{%p endif %}")


def coverage_table(document: DocumentType, rows: str, total: str) -> Table:
    return loop_table(
        document,
        [
            Col("ประเภทภารกิจ", 7.0, "{{ k.name }}"),
            Col("จำนวนภารกิจ", 3.0, "{{ k.count }}", RIGHT),
            Col("มีคู่มือ", 3.0, "{{ k.with_sop }}", RIGHT),
            Col("ร้อยละ", 3.0, "{{ k.pct }}", RIGHT),
        ],
        f"k in {rows}",
        total=["รวม", f"{{{{ {total}.count }}}}", f"{{{{ {total}.with_sop }}}}", f"{{{{ {total}.pct }}}}"],
    )


def _memo_problems(document: DocumentType) -> None:
    heading(document, 5, "{{ problems_title }}")
    for title, key in (("ปัญหา/อุปสรรค", "problems"), ("ความเสี่ยง", "risks")):
        control(document, f"{{%p if {key} %}}")
        sub_heading(document, title)
        control(document, f"{{%p for item in {key} %}}")
        para(document, "{{ item.number }}) {{ item.text }} ({{ item.activities }})", left=PARAGRAPH_INDENT, align=JUSTIFY)
        control(document, "{%p endfor %}")
        control(document, "{%p endif %}")
    control(document, "{%p if not problems and not risks %}")
    body(document, "ไม่มีกิจกรรมใดรายงานปัญหา อุปสรรค หรือความเสี่ยงในรอบนี้")
    control(document, "{%p endif %}")


def _memo_comparison(document: DocumentType) -> None:
    """Part ๖ (closing.md): every compared figure, a row per closed round and this round."""
    control(document, "{%p if comparison_rows %}")
    heading(document, 6, "เทียบกับผลที่รายงานเมื่อปิดรอบก่อนหน้า")
    intro(document, "ผลที่รายงานเมื่อปิดแต่ละรอบของปีงบประมาณนี้ เรียงตามรอบ เทียบกับรอบนี้ ดังนี้")
    loop_table(
        document,
        [Col("รายการ", 8.0, "{{ r.label }}"), Col("{{ comparison_rounds }}", 8.0, "{{ r.shown }}", CENTER)],
        "r in comparison_rows",
    )
    control(document, "{%p endif %}")


# --- the SOP manual and its index ---------------------------------------------------------------
SOP_SECTIONS = (
    "วัตถุประสงค์",
    "ขอบเขต",
    "คำจำกัดความ",
    "หน้าที่ความรับผิดชอบ",
    "ผังกระบวนการ",
    "ขั้นตอนการปฏิบัติงาน",
    "มาตรฐานงานและการติดตามประเมินผล",
    "แบบฟอร์มที่ใช้",
    "กฎหมาย ระเบียบ และข้อสั่งการที่เกี่ยวข้อง",
    "เอกสารอ้างอิง",
    "การควบคุมเอกสาร",
)  # the order of the OPDC guidance, after the cover, คำนำ and สารบัญ


def build_sop_manual() -> DocumentType:
    """คู่มือการปฏิบัติงาน of one process in the OPDC order: cover, คำนำ, สารบัญ, eleven parts."""
    document = new_document("คู่มือการปฏิบัติงาน")
    _update_fields_on_open(document)
    _sop_page_furniture(document.sections[0])
    _sop_cover(document)
    _sop_preface(document)
    _sop_contents(document)
    _sop_sections(document)
    return document


def _update_fields_on_open(document: DocumentType) -> None:
    """Word refreshes the contents' page numbers when the manual is opened (LibreOffice always does)."""
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.insert_element_before(update, "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars",
                                   "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping",
                                   "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade",
                                   "w:captions", "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary",
                                   "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator")  # fmt: skip


def _sop_page_furniture(section: Section) -> None:
    section.different_first_page_header_footer = True  # no header on the cover
    header = section.header.paragraphs[0]
    header.alignment = RIGHT
    style_run(header.add_run("{{ header_text }}"), size_pt=14)
    footer = section.footer.paragraphs[0]
    footer.alignment = CENTER
    footer.add_run("หน้า ")
    page_number_field(footer)


def _sop_cover(document: DocumentType) -> None:
    # Spaces sized so a long process name (two lines) and a draft's list of what it needs
    # (three lines) still leave the cover one page.
    para(document, R("{{ office_name }}", bold=True, size=20), align=CENTER, before=36)
    para(document, R("{{ section }}", size=18), align=CENTER)
    para(document, R("คู่มือการปฏิบัติงาน", bold=True, size=36), align=CENTER, before=48)
    para(document, R("(Standard Operating Procedure: SOP)", size=18), align=CENTER)
    para(document, R("{{ mission_name }}", bold=True, size=26), align=CENTER, before=12)
    para(document, R("รหัสกระบวนการ {{ mission_id }}  ·  {{ category }}", size=18), align=CENTER)
    control(document, "{%p if draft %}")
    para(document, R("ฉบับร่าง", bold=True, size=40, colour="C00000"), align=CENTER, before=18)
    para(document, R("ก่อนประกาศใช้ต้อง", bold=True), align=CENTER)
    control(document, "{%p for m in needs %}")
    para(document, R("{{ m }}", size=14), align=CENTER)
    control(document, "{%p endfor %}")
    control(document, "{%p endif %}")
    para(document, R("ฉบับที่ {{ version }}", size=18), align=CENTER, before=36, keep_next=True)
    para(document, R("วันที่มีผลบังคับใช้ {{ effective_on }}", size=18), align=CENTER)


def _sop_preface(document: DocumentType) -> None:
    title = para(document, R("คำนำ", bold=True, size=20), align=CENTER, after=12, keep_next=True)
    title.paragraph_format.page_break_before = True
    body(document, "{{ preface }}")
    para(document, "{{ section }}", align=CENTER, left=Cm(7), before=24)
    para(document, "{{ office_name }}", align=CENTER, left=Cm(7))
    control(document, "{%p if preface_date %}")
    para(document, "{{ preface_date }}", align=CENTER, left=Cm(7))
    control(document, "{%p endif %}")


def bookmark(paragraph: Paragraph, name: str, number: int) -> None:
    """A bookmark around the paragraph, for the contents' page numbers."""
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end.set(qn("w:id"), str(number))
    paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, start)
    paragraph._p.append(end)


def page_ref_field(paragraph: Paragraph, name: str) -> None:
    """A PAGEREF field to bookmark `name` (Word and LibreOffice fill in the page)."""
    def run(*children):
        r = OxmlElement("w:r")
        for child in children:
            r.append(child)
        return r

    def fld(kind: str):
        f = OxmlElement("w:fldChar")
        f.set(qn("w:fldCharType"), kind)
        return f

    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" PAGEREF {name} \\h "
    cached = OxmlElement("w:t")
    cached.text = "1"
    for element in (run(fld("begin")), run(instr), run(fld("separate")), run(cached), run(fld("end"))):
        paragraph._p.append(element)


def _sop_contents(document: DocumentType) -> None:
    title = para(document, R("สารบัญ", bold=True, size=20), align=CENTER, after=12, keep_next=True)
    title.paragraph_format.page_break_before = True
    header = para(document, R("เรื่อง", bold=True), R("\t"), R("หน้า", bold=True), after=4)
    header.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    for number, text in enumerate(SOP_SECTIONS, start=1):
        entry = para(document, R(f"{{{{ num({number}) }}}}. {text}"), R("\t"))
        entry.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        page_ref_field(entry, f"sop_part_{number}")


def sop_heading(document: DocumentType, number: int, *, new_page: bool = False) -> Paragraph:
    paragraph = heading(document, number, SOP_SECTIONS[number - 1])
    paragraph.paragraph_format.keep_with_next = True
    if new_page:
        paragraph.paragraph_format.page_break_before = True
    bookmark(paragraph, f"sop_part_{number}", number)
    return paragraph


def _sop_sections(document: DocumentType) -> None:
    sop_heading(document, 1, new_page=True)
    body(document, "{{ objective }}")
    sop_heading(document, 2)
    body(document, "{{ scope }}")
    sop_heading(document, 3)
    body(document, "{{ definitions }}")
    sop_heading(document, 4)
    loop_table(
        document,
        [Col("ตำแหน่ง", 4.6, "{{ p.position }}"), Col("ชื่อ-สกุล", 4.0, "{{ p.name }}"), Col("หน้าที่ความรับผิดชอบ", 7.4, "{{ p.duty }}")],
        "p in people",
    )
    sop_heading(document, 5, new_page=True)
    control(document, "{%p for chart in flowcharts %}")
    para(document, R("{{ chart }}"), align=CENTER, before=6, after=6)
    control(document, "{%p endfor %}")
    sop_heading(document, 6, new_page=True)
    loop_table(
        document,
        [
            Col("ลำดับ", 1.5, "{{ s.number }}", CENTER),
            Col("ขั้นตอน", 4.1, "{{ s.step }}"),
            Col("ผู้รับผิดชอบ", 3.0, "{{ s.responsible }}"),
            Col("ระยะเวลา", 2.2, "{{ s.duration }}", RIGHT),
            Col("มาตรฐานคุณภาพ/\nจุดควบคุม", 3.0, "{{ s.control }}"),
            Col("เอกสาร/\nแบบฟอร์ม", 2.2, "{{ s.forms }}"),
        ],
        "s in steps",
        total=[("{{ standard_time_label }}", 3), ("{{ standard_time }}", 3)],
    )
    sop_heading(document, 7)
    body(document, "{{ standards }}")
    control(document, "{%p if kpis %}")
    intro(document, "ตัวชี้วัดที่ใช้ติดตามผลกระบวนการนี้ มีดังนี้")
    loop_table(
        document,
        [
            Col("รหัส", 1.6, "{{ k.id }}", CENTER),
            Col("ตัวชี้วัด", 6.4, "{{ k.name }}"),
            Col("หน่วยวัด", 2.2, "{{ k.unit }}", CENTER),
            Col("ค่าเป้าหมาย\n(ระดับ {{ num(3) }})", 2.6, "{{ k.target }}", RIGHT),
            Col("ผลคะแนน\n{{ round_label }}", 3.2, "{{ k.score }}", RIGHT),
        ],
        "k in kpis",
    )
    control(document, "{%p endif %}")
    body(document, "{{ follow_up }}", before=4)
    sop_heading(document, 8)
    control(document, "{%p for f in forms %}")
    para(document, "{{ f.number }}) {{ f.name }} ({{ f.steps }})", left=PARAGRAPH_INDENT)
    control(document, "{%p endfor %}")
    control(document, "{%p if not forms %}")
    body(document, "กระบวนการนี้ไม่มีแบบฟอร์มเฉพาะ")
    control(document, "{%p endif %}")
    sop_heading(document, 9)
    body(document, "{{ legal_basis }}")
    sop_heading(document, 10)
    body(document, "{{ references }}")
    sop_heading(document, 11)
    key_value_table(
        document,
        [
            ("สถานะเอกสาร", "{{ status }}"),
            ("ฉบับที่", "{{ version }}"),
            ("วันที่มีผลบังคับใช้", "{{ effective_on }}"),
            ("วันที่ทบทวนล่าสุด", "{{ reviewed }}"),
        ],
        (5.5, 10.5),
    )
    spaced = para(document, R("การจัดทำ ทบทวน และอนุมัติ", bold=True), before=8, keep_next=True)
    spaced.paragraph_format.first_line_indent = PARAGRAPH_INDENT
    loop_table(
        document,
        [
            Col("บทบาท", 2.4, "{{ c.role }}"),
            Col("ชื่อ-สกุล / ตำแหน่ง", 6.0, "{{ c.who }}", CENTER),
            Col("ลายมือชื่อ", 4.4, "{{ c.signature }}", CENTER),
            Col("วันที่", 3.2, "{{ c.date }}", CENTER),
        ],
        "c in control",
    )


def build_sop_index() -> DocumentType:
    """ทะเบียนคู่มือการปฏิบัติงาน: every mission, its manual's status and what it still needs."""
    document = new_document("ทะเบียนคู่มือการปฏิบัติงาน")
    section = document.sections[0]
    header = section.header.paragraphs[0]
    header.alignment = RIGHT
    style_run(header.add_run("ทะเบียนคู่มือการปฏิบัติงาน {{ section }}"), size_pt=14)
    footer = section.footer.paragraphs[0]
    footer.alignment = CENTER
    footer.add_run("หน้า ")
    page_number_field(footer)
    para(document, R("ทะเบียนคู่มือการปฏิบัติงาน", bold=True, size=22), align=CENTER)
    para(document, R("{{ section }} {{ office_name }}", bold=True), align=CENTER)
    para(document, "ข้อมูล ณ วันที่ {{ as_of_date }}", align=CENTER, after=6)
    intro(document, "{{ summary }}")
    control(document, "{%p if total %}")
    coverage_table(document, "categories", "total")
    control(document, "{%p endif %}")
    para(document, R("รายการคู่มือและสิ่งที่ต้องดำเนินการ", bold=True), first_line=PARAGRAPH_INDENT, before=8, after=4, keep_next=True)
    loop_table(
        document,
        [
            Col("รหัส", 1.5, "{{ m.id }}", CENTER),
            Col("ภารกิจ\n(ประเภทภารกิจ)", 4.1, "{{ m.name }}\n({{ m.category }})"),
            Col("ผู้รับผิดชอบ", 2.6, "{{ m.owner }}"),
            Col("มีคู่มือ", 1.5, "{{ m.has }}", CENTER),
            Col("คู่มือตาม\nแบบ\nมาตรฐาน", 2.5, "{% cellbg m.fill %}{{ m.status }}", CENTER),
            Col("สิ่งที่ต้องดำเนินการ", 3.8, "{{ m.action }}"),
        ],
        "m in missions",
    )
    return document


# --- the memo to the Permanent Secretary (the ministry roll-up) ---------------------------------
def build_rollup_memo() -> DocumentType:
    """บันทึกข้อความ from the ministry's unit to ปลัดกระทรวงมหาดไทย: the governor memo's heading,
    four parts and signature (the same builders), then its attachment: the national and regional
    tables, the rankings with a chart of SOP coverage by province, the provinces not read."""
    document = new_document("บันทึกข้อความรายงานผลการติดตามการดำเนินงานของสำนักงานจังหวัด")
    memo_header(document.sections[0])
    _memo_heading(document)
    _memo_body(document, comparison=False)
    _signature(document, endorsements=False)
    _attachment_title(document)
    heading(document, 1, "ภาพรวมระดับประเทศ")
    intro(document, "สำนักงานจังหวัดในทะเบียน {{ counts.total }} แห่ง ได้รับข้อมูล {{ counts.ok }} แห่ง ยังไม่ได้รับข้อมูล "
                    "{{ counts.failed }} แห่ง ยังไม่เข้าร่วม {{ counts.inactive }} แห่ง อัตราส่วนในภาพรวมคิดจากผลรวมของทุกจังหวัด")
    loop_table(document, [Col("รายการ", 10.0, "{{ g.label }}"), Col("ผล", 6.0, "{{ g.value }}", RIGHT)], "g in national")
    heading(document, 2, "ผลการดำเนินงานรายภาค")
    loop_table(
        document,
        [
            Col("ภาค", 3.2, "{{ r.name }}"),
            Col("จังหวัด\n(แห่ง)", 1.8, "{{ r.provinces }}", RIGHT),
            Col("มีคู่มือ\n(ร้อยละ)", 2.0, "{{ r.sop }}", RIGHT),
            Col("ถึงเป้าหมาย\n(แห่ง)", 2.0, "{{ r.met }}", RIGHT),
            Col("ยุติเรื่อง\n(ร้อยละ)", 2.2, "{{ r.closed }}", RIGHT),
            Col("ค้างเกินกำหนด\nต่อ {{ num(100) }} เรื่อง", 2.4, "{{ r.overdue }}", RIGHT),
            Col("คะแนน\nตัวชี้วัดเฉลี่ย", 2.2, "{{ r.kpi }}", RIGHT),
        ],
        "r in regions",
    )
    heading(document, 3, "อันดับจังหวัด")
    intro(document, "อันดับแบบมีอันดับร่วม (จังหวัดที่มีค่าเท่ากันได้อันดับเดียวกัน) เรียงตามร้อยละของกระบวนการที่มีคู่มือ "
                    "เรื่องค้างเกินกำหนดต่อ {{ num(100) }} เรื่อง ยิ่งน้อยยิ่งดี")
    loop_table(
        document,
        [
            Col("จังหวัด", 2.8, "{{ k.name }}"),
            Col("ร้อยละ\nมีคู่มือ", 2.4, "{{ k.sop }}", RIGHT),
            Col("อันดับ", 1.1, "{{ k.sop_rank }}", CENTER),
            Col("คะแนน\nตัวชี้วัด", 2.2, "{{ k.kpi }}", RIGHT),
            Col("อันดับ", 1.1, "{{ k.kpi_rank }}", CENTER),
            Col("ร้อยละ\nยุติเรื่อง", 2.2, "{{ k.closed }}", RIGHT),
            Col("อันดับ", 1.1, "{{ k.closed_rank }}", CENTER),
            Col("ค้างต่อ\n{{ num(100) }} เรื่อง", 2.0, "{{ k.overdue }}", RIGHT),
            Col("อันดับ", 1.1, "{{ k.overdue_rank }}", CENTER),
        ],
        "k in rankings",
    )
    control(document, "{%p if sop_chart %}")
    chart(document, "{{ sop_chart }}", "ภาพที่ {{ num(1) }} ร้อยละของกระบวนการที่มีคู่มือการปฏิบัติงาน รายจังหวัด (เส้นประ: เป้าหมายร้อยละ {{ target }})")
    control(document, "{%p endif %}")
    heading(document, 4, "จังหวัดที่ยังไม่ได้รับข้อมูล")
    control(document, "{%p if not_read %}")
    loop_table(document, [Col("จังหวัด", 5.0, "{{ m.name }}"), Col("สาเหตุ", 11.0, "{{ m.why }}")], "m in not_read")
    control(document, "{%p endif %}")
    control(document, "{%p if not not_read %}")
    body(document, "ได้รับข้อมูลจากสำนักงานจังหวัดที่ติดตามครบทุกแห่ง")
    control(document, "{%p endif %}")
    return document


# --- writing ------------------------------------------------------------------------------------
BUILDERS = {
    "followup_memo.docx": build_followup_memo,
    "sop_manual.docx": build_sop_manual,
    "sop_index.docx": build_sop_index,
    "rollup_memo.docx": build_rollup_memo,
}


def reproducible_bytes(document: DocumentType) -> bytes:
    """The .docx bytes with fixed zip timestamps (python-docx stamps the current time)."""
    raw = io.BytesIO()
    document.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def build_templates(out_dir: Path = OUT_DIR) -> list[Path]:
    """Write every default template into `out_dir`; return the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in BUILDERS.items():
        path = out_dir / name
        path.write_bytes(reproducible_bytes(build()))
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="folder to write to (default: templates/)")
    args = parser.parse_args(argv)
    for path in build_templates(args.out):
        print(f"{path} ({path.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
