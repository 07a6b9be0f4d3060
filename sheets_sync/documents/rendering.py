"""Load a Word template, render it with docxtpl (escaping on), save the document safely.

Every way a template can be broken — missing, not a .docx, a Jinja tag an office mistyped in
Word, a variable the tool does not provide — becomes one `TemplateError` line that says which
file and what to do, never a traceback.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import jinja2
from docx.image.image import Image as DocxImage
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from lxml import etree

from ..config import Settings
from ..core.errors import DocumentError, TemplateError
from ..storage.atomic import write_atomically
from .formatting import clean_text  # noqa: F401 - where the document modules import it from
from .typography import keep_tables_on_paper

# The default templates: the top-level templates/ folder, shipped in the wheel as `sheets_sync.templates`.
DEFAULT_TEMPLATES: Traversable = resources.files("sheets_sync.templates")
# Children of w:sectPr that the schema puts after w:pgNumType.
_AFTER_PGNUMTYPE = ("w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection",
                    "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")  # fmt: skip
_REBUILD_HINT = "แก้ไฟล์ใน Word หรือสร้างแม่แบบตั้งต้นใหม่ด้วย make templates"


def templates_dir(settings: Settings) -> Path | Traversable:
    """`output.templates` from config, else the templates shipped with the package."""
    return Path(settings.output.templates) if settings.output.templates else DEFAULT_TEMPLATES


@dataclass
class Template:
    """A loaded docxtpl template and the file it came from (for messages)."""

    path: Path | Traversable
    docx: DocxTemplate


def load_template(settings: Settings, name: str) -> Template:
    """The template `name` from the templates folder, checked to be a readable .docx."""
    path = templates_dir(settings) / name
    try:
        data = path.read_bytes()
    except FileNotFoundError as err:
        raise TemplateError(f"ไม่พบแม่แบบ {path} — {_REBUILD_HINT} หรือตั้ง output.templates ในค่าตั้ง") from err
    except OSError as err:
        raise TemplateError(f"อ่านแม่แบบ {path} ไม่ได้: {err.strerror}") from err
    template = DocxTemplate(io.BytesIO(data))
    try:
        template.init_docx()
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError) as err:
        raise TemplateError(f"แม่แบบ {path} ไม่ใช่ไฟล์ .docx ที่สมบูรณ์ ({type(err).__name__}) — บันทึกใหม่เป็น Word Document (.docx) หรือ make templates") from err
    return Template(path, template)


def image(template: Template, png: bytes, *, width_mm: float | None = None, height_mm: float | None = None) -> InlineImage:
    """A picture for a `{{ name }}` placeholder."""
    return InlineImage(
        template.docx,
        io.BytesIO(png),
        width=Mm(width_mm) if width_mm else None,
        height=Mm(height_mm) if height_mm else None,
    )


def emblem_image(template: Template, path: str, height_mm: float = 15) -> InlineImage | str:
    """The Garuda from config (1.5 cm high), or "" to leave its space empty."""
    if not path:
        return ""
    emblem = Path(path)
    try:
        data = emblem.read_bytes()
    except OSError as err:
        raise TemplateError(f"ไม่พบไฟล์ตราครุฑ {emblem} (office.emblem ในค่าตั้ง) — ระบุไฟล์ภาพ .png/.jpg ที่มีอยู่ หรือเว้นว่างไว้") from err
    try:
        DocxImage.from_blob(data)  # Word takes PNG, JPEG, GIF, BMP, TIFF; say so before rendering
    except Exception as err:  # noqa: BLE001 - python-docx raises several kinds for a file it cannot read
        raise TemplateError(f"ไฟล์ตราครุฑ {emblem} (office.emblem) ไม่ใช่ภาพที่ Word ใช้ได้ — ใช้ไฟล์ .png หรือ .jpg") from err
    return InlineImage(template.docx, io.BytesIO(data), height=Mm(height_mm))


def _environment() -> jinja2.Environment:
    # Escaping on: sheet text such as <b>&"x" must reach Word as text, not as XML.
    # StrictUndefined: a variable misspelt in Word is reported, not silently left blank.
    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)


TITLE_LIMIT = 255  # Word's limit for a document property


def render_document(
    template: Template, context: Mapping[str, Any], out_path: Path, *, thai_page_numbers: bool = False, title: str = ""
) -> Path:
    """Render `context` into `template` and write it to `out_path` (atomically); `title` becomes
    the document's title property (plain text, as Word shows it in File › Info)."""
    source = template.path.name
    try:
        template.docx.render(dict(context), jinja_env=_environment(), autoescape=True)
    except jinja2.TemplateSyntaxError as err:
        where = _template_context(err)
        raise TemplateError(f"แม่แบบ {source} มีแท็ก {{{{ }}}} / {{% %}} ไม่ถูกต้อง: {err.message}{where} — {_REBUILD_HINT}") from err
    except jinja2.UndefinedError as err:
        raise TemplateError(f"แม่แบบ {source} ใช้ตัวแปรที่โปรแกรมไม่รู้จัก ({err.message}) — {_REBUILD_HINT}") from err
    except jinja2.TemplateError as err:
        raise TemplateError(f"แม่แบบ {source} ใช้ไม่ได้: {err} — {_REBUILD_HINT}") from err
    except (etree.XMLSyntaxError, ValueError) as err:
        raise TemplateError(f"แม่แบบ {source} ให้ผลเป็นเอกสารที่ไม่สมบูรณ์ ({err}) — {_REBUILD_HINT}") from err
    except (ArithmeticError, TypeError, AttributeError, KeyError, IndexError) as err:
        # An expression an office wrote in Word that fails while rendering ({{ 1/0 }}).
        raise TemplateError(f"แม่แบบ {source} มีนิพจน์ที่คำนวณไม่ได้ ({type(err).__name__}: {err}) — {_REBUILD_HINT}") from err
    keep_tables_on_paper(template.docx.docx)
    if title:
        template.docx.core_properties.title = title[:TITLE_LIMIT]
    if thai_page_numbers:
        _thai_page_numbers(template.docx)
    _save(template.docx, out_path)
    return out_path


def _template_context(err: jinja2.TemplateError) -> str:
    lines = [line.strip() for line in getattr(err, "docx_context", []) or [] if line.strip()]
    return f" (ใกล้ข้อความ: {' / '.join(lines)[:120]})" if lines else ""


def _thai_page_numbers(template: DocxTemplate) -> None:
    """Page numbers in Thai digits (`w:pgNumType w:fmt="thaiNumbers"`)."""
    for section in template.docx.sections:
        sect_pr = section._sectPr
        number_type = sect_pr.find(qn("w:pgNumType"))
        if number_type is None:
            number_type = OxmlElement("w:pgNumType")
            sect_pr.insert_element_before(number_type, *_AFTER_PGNUMTYPE)
        number_type.set(qn("w:fmt"), "thaiNumbers")


def _save(template: DocxTemplate, out_path: Path) -> None:
    """Write beside the target, then rename: a reader never sees half a file."""
    try:
        write_atomically(out_path, template.save)
    except PermissionError as err:
        raise DocumentError(f"เขียน {out_path} ไม่ได้: ไฟล์เปิดอยู่ใน Word หรือไม่มีสิทธิ์เขียน — ปิดไฟล์แล้วสั่งใหม่") from err
    except OSError as err:
        raise DocumentError(f"เขียน {out_path} ไม่ได้ ({err.strerror}) — ตรวจ {{out}}") from err


def safe_file_part(text: str) -> str:
    """A sheet id usable in a file name on Windows and Linux (`M/01` → `M_01`)."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", text).strip(" .")
    return cleaned or "_"
