"""Keep the cached results of staff formulas when the workbook is rewritten.

openpyxl writes a formula cell as `<c><f>…</f><v></v></c>`, without its last computed value, so after
any write every formula of a staff tab would read as empty until someone opens and saves the
file in Excel or LibreOffice. Before a write we collect the cached results the file holds; after
openpyxl has saved, we put them back into the staff sheets' XML (`<v>` beside `<f>`). The
formulas themselves are untouched, and Excel recalculates them as usual on open.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import openpyxl
from lxml import etree
from openpyxl.utils.datetime import to_excel

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

Cached = dict[str, dict[str, Any]]  # sheet title -> cell coordinate -> cached result


def formula_cells(book: openpyxl.Workbook, titles: Iterable[str]) -> dict[str, set[str]]:
    """Coordinates of the formula cells of the named sheets (of a workbook loaded with formulas)."""
    found: dict[str, set[str]] = {}
    for title in titles:
        coords = {c.coordinate for row in book[title].iter_rows() for c in row if c.data_type == "f"}
        if coords:
            found[title] = coords
    return found


def cached_results(path: Path, wanted: dict[str, set[str]]) -> Cached:
    """The last computed value of each wanted formula cell, as the file stores it."""
    if not wanted:
        return {}
    values = openpyxl.load_workbook(path, data_only=True, read_only=True)
    try:
        out: Cached = {}
        for title, coords in wanted.items():
            sheet = values[title]
            sheet.reset_dimensions()
            cells = {c.coordinate: c.value for row in sheet.iter_rows() for c in row if getattr(c, "coordinate", None) in coords}
            out[title] = {k: v for k, v in cells.items() if v is not None}
        return out
    finally:
        values.close()


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> the zip member that holds its XML."""
    workbook = etree.fromstring(archive.read("xl/workbook.xml"))
    rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{{{PKG_REL}}}Relationship")}
    parts = {}
    for sheet in workbook.iter(f"{{{MAIN}}}sheet"):
        target = targets.get(sheet.get(f"{{{REL}}}id"), "")
        parts[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    return parts


def _with_results(xml: bytes, results: dict[str, Any]) -> bytes:
    root = etree.fromstring(xml)
    for cell in root.iter(f"{{{MAIN}}}c"):
        formula = cell.find(f"{{{MAIN}}}f")
        coord = cell.get("r")
        if formula is None or coord not in results:
            continue
        v = cell.find(f"{{{MAIN}}}v")
        if v is None:
            v = etree.SubElement(cell, f"{{{MAIN}}}v")
        elif v.text:
            continue  # a result is already there
        value = results[coord]
        if isinstance(value, bool):
            cell.set("t", "b")
            v.text = "1" if value else "0"
        elif isinstance(value, (int, float)):
            v.text = repr(value) if isinstance(value, float) else str(value)
        elif isinstance(value, (dt.datetime, dt.date)):
            v.text = repr(float(to_excel(value)))
        elif isinstance(value, str) and value.startswith("#"):
            cell.set("t", "e")
            v.text = value
        else:
            cell.set("t", "str")
            v.text = str(value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def restore_cached_results(path: Path, cached: Cached) -> None:
    """Rewrite the .xlsx at `path` (a temp file) with the cached results put back."""
    if not any(cached.values()):
        return
    rebuilt = path.with_name(path.name + ".part")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as target:
        parts = _sheet_parts(source)
        patch = {parts[title]: results for title, results in cached.items() if title in parts and results}
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename in patch:
                data = _with_results(data, patch[item.filename])
            target.writestr(item, data)
    rebuilt.replace(path)
