"""Make a python-docx document Thai-ready: fonts for complex-script text, sizes, A4 margins.

Word picks a run's font and size by script: Thai is complex script, so it reads `w:rFonts/@w:cs`
and `w:szCs`, which python-docx's `font.name` / `font.size` never write. Bold and italic have
complex-script twins too (`w:bCs`, `w:iCs`). Theme font references (`w:asciiTheme` …) win over
explicit names, so they are removed. Everything here edits the XML directly and keeps the
element order of the OOXML schema, which Word insists on.
"""

from __future__ import annotations

from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Cm, Pt
from docx.styles.style import BaseStyle
from docx.text.run import Run

from ..core.vocabulary import THAI_FONT

BODY_PT = 16  # the official size for Thai government documents
TABLE_PT = 14
TITLE_PT = 29  # "บันทึกข้อความ" (ระเบียบงานสารบรรณ)
FIELD_LABEL_PT = 20  # ส่วนราชการ / ที่ / วันที่ / เรื่อง
TABLE_STYLE = "Table Grid"
TABLE_TEXT_STYLE = "Table Text"  # paragraph style of every table cell

# Page: A4, 3 cm left and 2 cm right (ระเบียบงานสารบรรณ), 2.5 cm top, 2 cm bottom.
PAGE_WIDTH, PAGE_HEIGHT = Cm(21.0), Cm(29.7)
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = Cm(3), Cm(2), Cm(2.5), Cm(2)
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 16 cm
PARAGRAPH_INDENT = Cm(2.5)  # first-line indent of body paragraphs
CELL_MARGIN_TWIPS = 85  # 0.15 cm

_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_RPR_ORDER = (
    "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike",
    "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid",
    "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz",
    "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign",
    "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath",
)  # fmt: skip


def _child(rpr: BaseOxmlElement, tag: str) -> BaseOxmlElement:
    """The `tag` child of `rpr`, created at its schema position when absent."""
    found = rpr.find(qn(tag))
    if found is not None:
        return found
    element = OxmlElement(tag)
    successors = _RPR_ORDER[_RPR_ORDER.index(tag) + 1 :]
    rpr.insert_element_before(element, *successors)
    return element


def _drop(rpr: BaseOxmlElement, tag: str) -> None:
    for found in rpr.findall(qn(tag)):
        rpr.remove(found)


def set_thai_font(rpr: BaseOxmlElement, font: str = THAI_FONT) -> None:
    """Name `font` for every script (ascii, hAnsi, eastAsia, cs) and drop theme references."""
    fonts = _child(rpr, "w:rFonts")
    for attr in _THEME_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)
    fonts.set(qn("w:hint"), "cs")  # neutral characters (digits, punctuation) follow the Thai font


def set_size(rpr: BaseOxmlElement, points: float) -> None:
    """`w:sz` and `w:szCs` (half-points): the size of Latin and of Thai text."""
    half_points = str(round(points * 2))
    _child(rpr, "w:sz").set(qn("w:val"), half_points)
    _child(rpr, "w:szCs").set(qn("w:val"), half_points)


def set_bold(rpr: BaseOxmlElement, bold: bool) -> None:
    """`w:b` and `w:bCs`; bold Thai text needs the complex-script flag."""
    for tag in ("w:b", "w:bCs"):
        if bold:
            _child(rpr, tag).attrib.pop(qn("w:val"), None)
        else:
            _drop(rpr, tag)


def set_colour(rpr: BaseOxmlElement, rgb: str | None) -> None:
    """An explicit colour (hex) or none (automatic), replacing any theme colour."""
    _drop(rpr, "w:color")
    if rgb:
        _child(rpr, "w:color").set(qn("w:val"), rgb)


def set_thai_language(rpr: BaseOxmlElement) -> None:
    lang = _child(rpr, "w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "en-US")
    lang.set(qn("w:bidi"), "th-TH")


def style_run(run: Run, *, bold: bool | None = None, size_pt: float | None = None, colour: str | None = None) -> Run:
    """Direct formatting of one run, complex-script aware."""
    rpr = run._r.get_or_add_rPr()
    if bold is not None:
        set_bold(rpr, bold)
    if size_pt is not None:
        set_size(rpr, size_pt)
    if colour is not None:
        set_colour(rpr, colour)
    return run


def make_thai_ready(document: Document) -> None:
    """Fonts, sizes and language on the defaults and on every style; A4 page and margins."""
    styles_root = document.styles.element
    defaults = styles_root.find(qn("w:docDefaults"))
    default_rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _make_rpr_thai(default_rpr, BODY_PT)
    default_ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    _single_spacing(default_ppr)
    for style in document.styles:
        _make_style_thai(style)
    for fonts in list(styles_root.iter(qn("w:rFonts"))):  # conditional table formats too
        set_thai_font(fonts.getparent())
    _add_table_text_style(document)
    for section in document.sections:
        set_a4_page(section)
    _set_theme_language(document)


def _make_rpr_thai(rpr: BaseOxmlElement, size_pt: float) -> None:
    set_thai_font(rpr)
    set_size(rpr, size_pt)
    set_thai_language(rpr)


def _single_spacing(ppr: BaseOxmlElement) -> None:
    for found in ppr.findall(qn("w:spacing")):
        ppr.remove(found)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    spacing.set(qn("w:lineRule"), "auto")
    ppr.append(spacing)


def _make_style_thai(style: BaseStyle) -> None:
    """Every style that names fonts gets the Thai font; headings become black body-size bold."""
    element = style.element
    name = style.name or ""
    rpr = element.find(qn("w:rPr"))
    if name == "Normal":
        rpr = element.get_or_add_rPr()
        _make_rpr_thai(rpr, BODY_PT)
        style.paragraph_format.space_after = Pt(0)
        return
    if rpr is None and style.type is not WD_STYLE_TYPE.TABLE:
        return
    if style.type is WD_STYLE_TYPE.TABLE:
        rpr = element.get_or_add_rPr()
        _narrow_cell_margins(element)
    set_thai_font(rpr)
    if rpr.find(qn("w:sz")) is not None or rpr.find(qn("w:szCs")) is not None:
        set_size(rpr, _style_size(name))
    if rpr.find(qn("w:color")) is not None:
        set_colour(rpr, None)
    if name.lower().startswith("heading") or name in ("Title", "Title Char"):
        set_bold(rpr, True)
        set_size(rpr, _style_size(name))
    if name == "Title":
        _plain_title(style)
    elif name.lower().startswith("heading") and style.type is WD_STYLE_TYPE.PARAGRAPH:
        style.paragraph_format.space_before = Pt(6)
        style.paragraph_format.space_after = Pt(0)


def _narrow_cell_margins(table_style: BaseOxmlElement) -> None:
    """0.15 cm left and right inside table cells (Word's 0.19 cm wastes a 16 cm page)."""
    margins = table_style.find(qn("w:tblPr") + "/" + qn("w:tblCellMar"))
    if margins is None:
        return
    for side in ("w:left", "w:right"):
        found = margins.find(qn(side))
        if found is not None:
            found.set(qn("w:w"), str(CELL_MARGIN_TWIPS))


def _style_size(name: str) -> float:
    if name.startswith("Title"):
        return TITLE_PT
    if name in ("Caption", "Header", "Footer", "header", "footer"):
        return TABLE_PT
    if name.startswith("Table"):
        return TABLE_PT
    return BODY_PT


def _plain_title(style: BaseStyle) -> None:
    """The Title style without the default blue rule: centred, bold, 29 pt."""
    ppr = style.element.get_or_add_pPr()
    for found in ppr.findall(qn("w:pBdr")):
        ppr.remove(found)
    style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    style.paragraph_format.space_after = Pt(0)
    rpr = style.element.get_or_add_rPr()
    _drop(rpr, "w:spacing")
    _drop(rpr, "w:kern")


def _add_table_text_style(document: Document) -> None:
    """`Table Text`: what every table cell paragraph uses (14 pt, no spacing, no indent)."""
    names = {s.name for s in document.styles}
    if TABLE_TEXT_STYLE in names:
        return
    style = document.styles.add_style(TABLE_TEXT_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    rpr = style.element.get_or_add_rPr()
    _make_rpr_thai(rpr, TABLE_PT)
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.first_line_indent = Pt(0)


def set_a4_page(section: Section) -> None:
    """A4 portrait, 3 cm left, 2 cm right, 2.5 cm top, 2 cm bottom."""
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.header_distance = section.footer_distance = Cm(1.25)


def _set_theme_language(document: Document) -> None:
    """Tell Word the complex-script language is Thai (proofing, line breaking)."""
    settings = document.settings.element
    found = settings.find(qn("w:themeFontLang"))
    if found is None:
        found = OxmlElement("w:themeFontLang")
        successors = ("w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures",
                      "w:forceUpgrade", "w:captions", "w:readModeInkLockDown", "w:smartTagType",
                      "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol",
                      "w:listSeparator")  # fmt: skip
        settings.insert_element_before(found, *successors)
    found.set(qn("w:val"), "en-US")
    found.set(qn("w:bidi"), "th-TH")



# --- tables on paper ------------------------------------------------------------------------------
MIN_ROWS_TOGETHER = 3  # a table never leaves its header and fewer rows than this at a page foot
KEEP_WHOLE_ROWS = 10  # a table of this many rows or fewer is never split …
# … unless it is taller than this (estimated): kept whole, it would leave its heading alone at
# the foot of a page and still not fit on the next
KEEP_WHOLE_MAX_CM = 18.0
_LINE_CM = 0.62  # one line of 14 pt Thai text in a cell
_CHARS_PER_CM = 2.3  # spacing characters of 14 pt Thai text per cm of cell width
_MARKS = set("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e")


def _table_height_cm(document: Document, tbl) -> float:
    from docx.table import Table

    return estimated_height_cm(Table(tbl, document._body))


def estimated_height_cm(table) -> float:
    """A table's height on paper, estimated from its text and column widths (each paragraph
    wraps at the cell's width; marks above and below a consonant take no width)."""
    total = 0.0
    for row in table.rows:
        tallest = 1
        for cell in row.cells:
            width = (cell.width or 0) / 360000 or 2.0  # EMU per cm
            per_line = max(1.0, (width - 0.3) * _CHARS_PER_CM)
            lines = 0
            for paragraph in cell.paragraphs:
                for part in paragraph.text.split("\n") or [""]:
                    spacing = sum(1 for c in part if c not in _MARKS)
                    lines += max(1, -(-spacing // int(per_line)))
            tallest = max(tallest, lines)
        total += tallest * _LINE_CM + 0.1
    return total


def keep_tables_on_paper(document: Document) -> None:
    """Every table as it should print, whatever the template or the number of rows rendered:

    - no row splits across pages (`w:cantSplit`);
    - the header row and the first MIN_ROWS_TOGETHER data rows keep together, so a page never
      ends with a header and one or two rows;
    - the last MIN_ROWS_TOGETHER rows keep together, so a page never begins with one row;
    - a table of up to KEEP_WHOLE_ROWS rows keeps whole, and with the next table when a kept title joins them.

    Word and LibreOffice keep rows together through keep-with-next on the rows' paragraphs.
    """
    for table in document.tables:
        following = table._tbl.getnext()
        # A table followed by a paragraph kept with what comes next (a title of the next table)
        # stays with it too: a block of tables such as the document control is never split.
        chained = (
            following is not None
            and following.tag == qn("w:p")
            and bool(following.xpath("./w:pPr/w:keepNext"))
            and following.getnext() is not None
            and following.getnext().tag == qn("w:tbl")
            and _table_height_cm(document, following.getnext()) <= KEEP_WHOLE_MAX_CM  # a block that fits a page
        )
        rows = table.rows
        fits_a_page = estimated_height_cm(table) <= KEEP_WHOLE_MAX_CM
        headers = sum(1 for row in rows if row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None)
        data = len(rows) - headers
        for index, row in enumerate(rows):
            tr_pr = row._tr.get_or_add_trPr()
            if tr_pr.find(qn("w:cantSplit")) is None:
                tr_pr.insert(0, OxmlElement("w:cantSplit"))
            position = index - headers  # among data rows; negative for the header
            last = index == len(rows) - 1
            keep = (last and bool(chained)) or not last and (
                position < MIN_ROWS_TOGETHER - 1
                or position >= data - MIN_ROWS_TOGETHER
                or (data <= KEEP_WHOLE_ROWS and fits_a_page)
            )
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = keep or None
