"""An .xlsx package at the zip level: read its sheet list, write back only what must change.

A sync replaces the tool's own summary tabs and nothing else. Every other part of the package
(the staff sheets' XML, their relationships, drawings, charts, pictures, comments, tables, pivot
parts, VBA, custom XML…) is copied into the new file as the very same compressed bytes. Only the
summary tabs' own parts are written, and the shared parts are patched where they must be:
`workbook.xml` (a new tab appended, the ownership name), its relationships, `[Content_Types].xml`,
`styles.xml` (styles appended after the existing ones, never renumbered) and `docProps/app.xml`
(the list of titles). Summary tabs use inline strings, so `sharedStrings.xml` is never touched.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from lxml import etree

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
EXT_PROPS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
OFFICE_DOCUMENT = f"{REL}/officeDocument"
WORKSHEET_REL = f"{REL}/worksheet"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STYLES_REL = f"{REL}/styles"
STYLES_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
CALC_CHAIN_REL = f"{REL}/calcChain"
OWNED_NAME = "sheets_sync_owned"  # a sheet-scoped defined name on every tab the tool created
OWNED_VALUE = '"summary-tab"'

_XML_DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def resolve(base_part: str, target: str) -> str:
    """A relationship target, relative to the part that owns the .rels file, as a zip member name."""
    if target.startswith("/"):
        return target.lstrip("/")
    folder = posixpath.dirname(base_part)
    return posixpath.normpath(posixpath.join(folder, target))


def rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def relative(from_part: str, to_part: str) -> str:
    return posixpath.relpath(to_part, posixpath.dirname(from_part) or ".")


@dataclass
class SheetEntry:
    """One tab as workbook.xml lists it."""

    title: str
    index: int
    sheet_id: int
    rel_id: str
    part: str
    kind: str  # worksheet, chartsheet, dialogsheet, macrosheet, intlmacrosheet


@dataclass
class NewSheet:
    """A tab to write: its sheet XML, the parts it owns (drawings, charts) and its relationships."""

    title: str
    xml: bytes
    rels: list[tuple[str, str, str]] = field(default_factory=list)  # (rId, type, absolute part)
    parts: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # part -> (bytes, content type)
    owned: bool = True  # mark it with the ownership name


class Package:
    """An .xlsx (or .xlsm) file opened for reading its structure. Raises the zip/XML errors of a
    file that is not a workbook (the backend turns them into one Thai line)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip = zipfile.ZipFile(path)
        self.names = set(self.zip.namelist())
        self.taken = set(self.names)  # member names in use, or promised to a part being written
        self.dropped: set[str] = set()  # parts of the tabs being rewritten
        root_rels = etree.fromstring(self.zip.read("_rels/.rels"))
        targets = [r.get("Target", "") for r in root_rels if r.get("Type") == OFFICE_DOCUMENT]
        if not targets:
            raise KeyError("officeDocument")
        self.workbook_part = resolve("", targets[0])
        self.workbook = etree.fromstring(self.zip.read(self.workbook_part))
        self.workbook_rels_part = rels_name(self.workbook_part)
        self.workbook_rels = etree.fromstring(self.zip.read(self.workbook_rels_part))
        self._rels_by_id = {r.get("Id"): r for r in self.workbook_rels}
        self.sheets: list[SheetEntry] = []
        for index, sheet in enumerate(self.workbook.iter(_q(MAIN, "sheet"))):
            rel = self._rels_by_id.get(sheet.get(_q(REL, "id")))
            if rel is None:
                raise KeyError(sheet.get("name"))
            kind = rel.get("Type", "").rsplit("/", 1)[-1].lower().removeprefix("xl")
            self.sheets.append(
                SheetEntry(sheet.get("name", ""), index, int(sheet.get("sheetId", "0")), rel.get("Id", ""),
                           resolve(self.workbook_part, rel.get("Target", "")), kind)
            )

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def drop_parts_of(self, titles: Iterable[str]) -> None:
        """Before tabs are rewritten: their old parts go (a picture another tab also uses stays),
        and their names are free again for the new parts, so a second sync writes the same names."""
        existing = {s.title: s for s in self.sheets}
        tabs = [existing[t] for t in titles if t in existing]
        old = {part for tab in tabs for part in self.reachable(tab.part)}
        still_used = self.referenced_outside({p for p in old if p.endswith(".rels")}) - {tab.part for tab in tabs}
        self.dropped = {p for p in old if p not in still_used}
        self.taken -= self.dropped - {tab.part for tab in tabs} - {rels_name(tab.part) for tab in tabs}

    def free_name(self, pattern: str) -> str:
        """A member name like `xl/charts/chart{}.xml` that no part uses yet."""
        return _free_name(self.taken, pattern)

    def free_number(self, pattern: str) -> int:
        """The n of a free `pattern.format(n)` (openpyxl names its charts and drawings by number)."""
        name = self.free_name(pattern)
        return int(re.findall(r"\d+", name)[-1])

    def titles(self) -> list[str]:
        return [s.title for s in self.sheets]

    def owned(self) -> set[str]:
        """Tabs that carry our mark. The mark is a hidden name scoped to the sheet itself, so it
        goes with the sheet: a staff tab later given the same title is not ours."""
        marked = {int(n.get("localSheetId", "-1")) for n in self.workbook.iter(_q(MAIN, "definedName")) if n.get("name") == OWNED_NAME}
        return {s.title for s in self.sheets if s.index in marked}

    def read(self, part: str) -> bytes:
        return self.zip.read(part)

    def styles_part(self) -> str | None:
        for rel in self.workbook_rels:
            if rel.get("Type") == STYLES_REL:
                return resolve(self.workbook_part, rel.get("Target", ""))
        return None

    def shared_strings_part(self) -> str | None:
        for rel in self.workbook_rels:
            if rel.get("Type", "").endswith("/sharedStrings"):
                return resolve(self.workbook_part, rel.get("Target", ""))
        return None

    def worksheets_only(self, replaced_sheets: dict[str, bytes] | None = None) -> bytes:
        """The package without its chart, dialog and macro sheets, in memory (python-calamine
        refuses a workbook that has an Excel 4 macro sheet), with `replaced_sheets` (part name →
        XML) put in place of those parts. The other members are copied as stored."""
        others = [s for s in self.sheets if s.kind != "worksheet"]
        workbook = etree.fromstring(_xml(self.workbook))
        rels = etree.fromstring(_xml(self.workbook_rels))
        gone = {s.rel_id for s in others}
        for sheet in list(workbook.iter(_q(MAIN, "sheet"))):
            if sheet.get(_q(REL, "id")) in gone:
                sheet.getparent().remove(sheet)
        names = workbook.find(_q(MAIN, "definedNames"))
        if names is not None:  # their sheet numbers would now be wrong
            workbook.remove(names)
        for rel in list(rels):
            if rel.get("Id") in gone:
                rels.remove(rel)
        buffer = io.BytesIO()
        replaced = {**(replaced_sheets or {}), self.workbook_part: _xml(workbook), self.workbook_rels_part: _xml(rels)}
        _copy_zip(self, buffer, replaced, {s.part for s in others}, {})
        return buffer.getvalue()

    def reachable(self, part: str) -> set[str]:
        """The part, its .rels and every internal part its relationships lead to (recursively)."""
        seen: set[str] = set()
        todo = [part]
        while todo:
            current = todo.pop()
            if current in seen or current not in self.names:
                continue
            seen.add(current)
            rels = rels_name(current)
            if rels in self.names:
                seen.add(rels)
                for rel in etree.fromstring(self.zip.read(rels)):
                    if rel.get("TargetMode") != "External":
                        todo.append(resolve(current, rel.get("Target", "")))
        return seen

    def referenced_outside(self, excluded: set[str]) -> set[str]:
        """Every part some relationship file not in `excluded` points at."""
        found = set()
        for name in self.names:
            if not name.endswith(".rels") or name in excluded:
                continue
            owner = _owner_of_rels(name)
            for rel in etree.fromstring(self.zip.read(name)):
                if rel.get("TargetMode") != "External":
                    found.add(resolve(owner, rel.get("Target", "")))
        return found


def _owner_of_rels(rels: str) -> str:
    folder, name = posixpath.split(rels)
    return posixpath.join(posixpath.dirname(folder), name.removesuffix(".rels"))


def _free_name(taken: set[str], pattern: str) -> str:
    n = 1
    while pattern.format(n) in taken:
        n += 1
    name = pattern.format(n)
    taken.add(name)
    return name


def _free_rel_id(used: Iterable[str]) -> str:
    numbers = [int(m[1]) for u in used if (m := re.fullmatch(r"rId(\d+)", u or ""))]
    return f"rId{max(numbers, default=0) + 1}"


def write_package(package: Package, new_sheets: list[NewSheet], styles_xml: bytes | None, out: Path) -> None:
    """Write `package` to `out` with `new_sheets` replacing (same title) or appended after the
    existing tabs. Untouched members are copied as their raw compressed bytes."""
    existing = {s.title: s for s in package.sheets}
    replaced: dict[str, bytes] = {}  # member -> new bytes
    removed: set[str] = set()
    added: dict[str, bytes] = {}
    overrides: dict[str, str] = {}  # "/part" -> content type
    taken = package.taken
    workbook = package.workbook
    wb_rels = package.workbook_rels
    sheets_el = workbook.find(_q(MAIN, "sheets"))
    workbook_changed = rels_changed = False
    drop_calc_chain = False
    next_sheet_id = max((s.sheet_id for s in package.sheets), default=0) + 1

    removed |= package.dropped

    indexes: dict[str, int] = {}
    for sheet in new_sheets:
        entry = existing.get(sheet.title)
        if entry is not None:
            part = entry.part if entry.kind == "worksheet" else _free_name(taken, "xl/worksheets/sheet{}.xml")
            if part != entry.part:
                package._rels_by_id[entry.rel_id].set("Target", relative(package.workbook_part, part))
                package._rels_by_id[entry.rel_id].set("Type", WORKSHEET_REL)
                rels_changed = True
            if entry.title not in package.owned():
                drop_calc_chain = True  # a staff tab taken over with --force may have had formulas
            indexes[sheet.title] = entry.index
        else:
            part = _free_name(taken, "xl/worksheets/sheet{}.xml")
            rel_id = _free_rel_id(r.get("Id", "") for r in wb_rels)
            etree.SubElement(wb_rels, _q(PKG_REL, "Relationship"), Id=rel_id, Type=WORKSHEET_REL,
                             Target=relative(package.workbook_part, part))
            el = etree.SubElement(sheets_el, _q(MAIN, "sheet"), name=sheet.title, sheetId=str(next_sheet_id))
            el.set(_q(REL, "id"), rel_id)
            next_sheet_id += 1
            indexes[sheet.title] = len(sheets_el) - 1
            workbook_changed = rels_changed = True
        overrides["/" + part] = WORKSHEET_CT
        (replaced if part in package.names else added)[part] = sheet.xml
        for own_part, (data, content_type) in sheet.parts.items():  # names from package.free_name
            (replaced if own_part in package.names else added)[own_part] = data
            if content_type:
                overrides["/" + own_part] = content_type
        sheet_rels = rels_name(part)
        if sheet.rels:
            root = etree.Element(_q(PKG_REL, "Relationships"), nsmap={None: PKG_REL})
            for rel_id, rel_type, target_part in sheet.rels:
                etree.SubElement(root, _q(PKG_REL, "Relationship"), Id=rel_id, Type=rel_type,
                                 Target=relative(part, target_part))
            (replaced if sheet_rels in package.names else added)[sheet_rels] = _xml(root)
        elif sheet_rels in package.names:
            removed.add(sheet_rels)

    if _mark_owned(workbook, [indexes[s.title] for s in new_sheets if s.owned]):
        workbook_changed = True
    if drop_calc_chain:
        for rel in list(wb_rels):
            if rel.get("Type") == CALC_CHAIN_REL:
                removed.add(resolve(package.workbook_part, rel.get("Target", "")))
                wb_rels.remove(rel)
                rels_changed = True
    if workbook_changed:
        replaced[package.workbook_part] = _xml(workbook)
    if rels_changed:
        replaced[package.workbook_rels_part] = _xml(wb_rels)
    if styles_xml is not None:
        styles = package.styles_part()
        if styles is None:
            styles = _free_name(taken, "xl/styles{}.xml")
            etree.SubElement(wb_rels, _q(PKG_REL, "Relationship"), Id=_free_rel_id(r.get("Id", "") for r in wb_rels),
                             Type=STYLES_REL, Target=relative(package.workbook_part, styles))
            replaced[package.workbook_rels_part] = _xml(wb_rels)
            added[styles] = styles_xml
            overrides["/" + styles] = STYLES_CT
        else:
            replaced[styles] = styles_xml
    content_types = _content_types(package.read("[Content_Types].xml"), overrides, removed)
    if content_types is not None:
        replaced["[Content_Types].xml"] = content_types
    new_titles = [s.title for s in new_sheets if s.title not in existing]
    if new_titles and "docProps/app.xml" in package.names:
        app = _app_with_titles(package.read("docProps/app.xml"), new_titles)
        if app is not None:
            replaced["docProps/app.xml"] = app
    removed -= set(replaced)
    with open(out, "wb") as handle:
        _copy_zip(package, handle, replaced, removed, added)


def _mark_owned(workbook: etree._Element, indexes: list[int]) -> bool:
    names = workbook.find(_q(MAIN, "definedNames"))
    marked = set()
    if names is not None:
        marked = {n.get("localSheetId") for n in names if n.get("name") == OWNED_NAME}
    missing = [i for i in indexes if str(i) not in marked]
    if not missing:
        return False
    if names is None:
        names = etree.Element(_q(MAIN, "definedNames"))
        sheets = workbook.find(_q(MAIN, "sheets"))
        sheets.addnext(names)
        # definedNames follows sheets and functionGroups/externalReferences in the schema.
        for tag in ("externalReferences", "functionGroups"):
            found = workbook.find(_q(MAIN, tag))
            if found is not None:
                found.addnext(names)
                break
    for index in missing:
        name = etree.SubElement(names, _q(MAIN, "definedName"), name=OWNED_NAME, localSheetId=str(index), hidden="1")
        name.text = OWNED_VALUE
    return True


def _content_types(xml: bytes, overrides: dict[str, str], removed: set[str]) -> bytes | None:
    root = etree.fromstring(xml)
    current = {o.get("PartName"): o for o in root if o.tag == _q(CT, "Override")}
    changed = False
    for part in removed:
        if "/" + part in overrides:
            continue  # the part is written anew under the same name
        el = current.pop("/" + part, None)
        if el is not None:
            root.remove(el)
            changed = True
    for part, content_type in overrides.items():
        el = current.get(part)
        if el is None:
            etree.SubElement(root, _q(CT, "Override"), PartName=part, ContentType=content_type)
            changed = True
        elif el.get("ContentType") != content_type:
            el.set("ContentType", content_type)
            changed = True
    return _xml(root) if changed else None


_SHEET_GROUPS = {"worksheets", "แผ่นงาน", "sheets", "feuilles de calcul", "arbeitsblätter"}


def _app_with_titles(xml: bytes, titles: list[str]) -> bytes | None:
    """docProps/app.xml lists the tab titles after a 'Worksheets' count: add the new ones."""
    try:
        root = etree.fromstring(xml)
    except etree.XMLSyntaxError:
        return None
    pairs = root.find(f"{_q(EXT_PROPS, 'HeadingPairs')}/{_q(VT, 'vector')}")
    parts = root.find(f"{_q(EXT_PROPS, 'TitlesOfParts')}/{_q(VT, 'vector')}")
    if pairs is None or parts is None:
        return None
    variants = list(pairs)
    position = 0
    for n in range(0, len(variants) - 1, 2):
        label = variants[n].findtext(_q(VT, "lpstr")) or ""
        count_el = variants[n + 1].find(_q(VT, "i4"))
        if count_el is None:
            return None
        count = int(count_el.text or 0)
        if label.strip().lower() in _SHEET_GROUPS:
            insert_at = position + count
            for k, title in enumerate(titles):
                el = etree.Element(_q(VT, "lpstr"))
                el.text = title
                parts.insert(insert_at + k, el)
            count_el.text = str(count + len(titles))
            parts.set("size", str(len(parts)))
            return _xml(root)
        position += count
    return None


def _copy_zip(package: Package, handle: BinaryIO, replaced: dict[str, bytes], removed: set[str], added: dict[str, bytes]) -> None:
    """Members in their original order; untouched ones as raw compressed bytes."""
    source = package.zip
    infos = sorted(source.infolist(), key=lambda i: i.header_offset)
    ends = {}
    for n, info in enumerate(infos):
        ends[info.filename] = infos[n + 1].header_offset if n + 1 < len(infos) else source.start_dir
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as target:
        raw = source.fp
        assert raw is not None
        for info in source.infolist():
            name = info.filename
            if name in removed:
                continue
            if name in replaced:
                target.writestr(_fresh_info(info), replaced[name], compress_type=zipfile.ZIP_DEFLATED)
                continue
            # The member exactly as stored: local header, compressed bytes, data descriptor.
            copy = _copied_info(info)
            copy.header_offset = handle.tell()
            raw.seek(info.header_offset)
            _copy_bytes(raw, handle, ends[name] - info.header_offset)
            target.filelist.append(copy)
            target.NameToInfo[name] = copy
            target.start_dir = handle.tell()
        for name, data in added.items():
            target.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data, compress_type=zipfile.ZIP_DEFLATED)


def _copy_bytes(source: BinaryIO, target: BinaryIO, size: int) -> None:
    remaining = size
    while remaining > 0:
        chunk = source.read(min(remaining, 1 << 20))
        if not chunk:
            raise zipfile.BadZipFile("truncated member")
        target.write(chunk)
        remaining -= len(chunk)


def _copied_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    copy = zipfile.ZipInfo(info.filename, info.date_time)
    for attr in ("compress_type", "comment", "extra", "create_system", "create_version", "extract_version",
                 "reserved", "flag_bits", "volume", "internal_attr", "external_attr", "CRC", "compress_size", "file_size"):
        setattr(copy, attr, getattr(info, attr))
    if hasattr(info, "_compresslevel"):
        copy._compresslevel = info._compresslevel  # type: ignore[attr-defined]
    copy.extra = _without_zip64(info.extra)
    return copy


def _without_zip64(extra: bytes) -> bytes:
    """zipfile adds its own zip64 field when needed; keep the member's other extra fields."""
    out, i = b"", 0
    while i + 4 <= len(extra):
        tag = int.from_bytes(extra[i:i + 2], "little")
        size = int.from_bytes(extra[i + 2:i + 4], "little")
        if tag != 0x0001:
            out += extra[i:i + 4 + size]
        i += 4 + size
    return out


def _fresh_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    fresh = zipfile.ZipInfo(info.filename, info.date_time)
    fresh.external_attr = info.external_attr
    return fresh

