"""The workbook guide for staff, generated from the schema table so it cannot drift.

`python -m sheets_sync.present.guide` writes `docs/workbook-guide.md` (Thai) and its English twin
`docs/workbook-guide.en.md`; `python -m sheets_sync.present.guide --check` exits 1 when the files in the
repository differ from what the schema says (a test runs the same comparison).

Every tab, column, type and choice comes from `schema.tabs`; every issue code and its Thai
message from `schema.issues.MESSAGES`. What is written here by hand is the prose around them:
what each type accepts (with examples), and a one-line English gloss and severity per code —
a code without one stops the generator, so a new check cannot be left out of the guide.
"""

from __future__ import annotations

import string
import sys
from pathlib import Path

from ..schema.issues import MESSAGES
from ..schema.tabs import ColType, Column, Tab, input_tabs

ROOT = Path(__file__).resolve().parents[2]
GUIDES = {"th": ROOT / "docs" / "workbook-guide.md", "en": ROOT / "docs" / "workbook-guide.en.md"}
ERROR, WARNING = "error", "warning"

# What a cell of each type may hold: (Thai name, Thai: accepted forms, Thai: errors; English ...).
TYPES: dict[ColType, dict[str, tuple[str, str, str]]] = {
    ColType.TEXT: {
        "th": ("ข้อความ", "ข้อความใดก็ได้ (ตัดช่องว่างหัวท้ายให้ ขึ้นบรรทัดใหม่ในเซลล์ได้)", "คอลัมน์บังคับที่เว้นว่าง"),
        "en": ("text", "any text (ends trimmed; line breaks inside the cell are kept)", "a required column left empty"),
    },
    ColType.ID: {
        "th": ("รหัส", "ข้อความ เช่น `M01`, `001` — ห้ามซ้ำในแท็บ `init` จัดคอลัมน์เป็นข้อความ เลข 0 นำหน้าจึงไม่หาย",
               "รหัสซ้ำ (แถวแรกได้ใช้รหัส แถวหลังเป็นข้อผิดพลาด) หรือเว้นว่าง"),
        "en": ("id", "text such as `M01`, `001` — unique within the tab; `init` formats the column as text so a leading zero stays",
               "a repeated id (the first row keeps it, later rows are errors), or empty"),
    },
    ColType.DATE: {
        "th": ("วันที่", "เซลล์วันที่ หรือพิมพ์ `31/03/2569`, `31/3/2026`, `31 มี.ค. 2569`, `31 มีนาคม 2569`, `2026-03-31`, `๓๑/๐๓/๒๕๖๙` (ปีที่เกิน 2400 คือ พ.ศ.)",
               "ปี 2 หลัก (`31/03/69`), วันที่ไม่มีจริง (`31/02/2569`), เดือนก่อนวัน (`03/31/2569`), ตัวเลขเปล่าที่ไม่ใช่เซลล์วันที่ — เซลล์วันที่ที่ปีเป็น พ.ศ. เป็นคำเตือน"),
        "en": ("date", "a date cell, or `31/03/2569`, `31/3/2026`, `31 มี.ค. 2569`, `31 มีนาคม 2569`, `2026-03-31`, `๓๑/๐๓/๒๕๖๙` (a year above 2400 "
                       "is Buddhist Era)",
               "a two-digit year (`31/03/69`), an impossible date (`31/02/2569`), month first (`03/31/2569`), a plain number — a date cell with a BE "
               "year is a warning"),
    },
    ColType.NUMBER: {
        "th": ("ตัวเลข", "`1234.50`, `1,234.50`, `๑,๒๓๔` หรือเซลล์ตัวเลข", "ข้อความที่ไม่ใช่ตัวเลข จุลภาคเป็นทศนิยม (`1234,50`) หรือเกินช่วงที่กำหนด"),
        "en": ("number", "`1234.50`, `1,234.50`, `๑,๒๓๔` or a number cell", "text that is not a number, a decimal comma (`1234,50`), or outside the bounds"),
    },
    ColType.PERCENT: {
        "th": ("ร้อยละ", "0–100 เช่น `45`, `45%`, `๔๕%` หรือเซลล์รูปแบบร้อยละ (เซลล์ตัวเลข 0.45 ธรรมดาคือ 0.45%)", "น้อยกว่า 0 หรือเกิน 100"),
        "en": ("percent", "0–100: `45`, `45%`, `๔๕%` or a percent-formatted cell (a plain 0.45 is 0.45 %)", "below 0 or above 100"),
    },
    ColType.ENUM: {
        "th": ("รายการให้เลือก", "ค่าใดค่าหนึ่งในรายการ (ภาษาไทย หรือคีย์ภาษาอังกฤษ) ไม่สนตัวพิมพ์และช่องว่าง", "ค่าที่ไม่อยู่ในรายการ"),
        "en": ("choice", "one of the listed values (Thai, or the English key), ignoring case and spaces", "a value not in the list"),
    },
    ColType.REF: {
        "th": ("รหัสอ้างอิง", "ต้องตรงกับรหัสที่มีอยู่ในแท็บที่อ้างถึง", "รหัสที่ไม่มีในแท็บนั้น (รวมถึงรหัสที่เลข 0 นำหน้าหายไป)"),
        "en": ("reference", "must equal an id present in the tab it refers to", "an id that tab does not have (including one that lost a leading zero)"),
    },
    ColType.LIST: {
        "th": ("รายการรหัส", "หลายรหัสในเซลล์เดียว คั่นด้วย `,` `、` `/` หรือขึ้นบรรทัดใหม่", "รหัสที่ไม่พบเป็นคำเตือน (ไม่นำรหัสนั้นมาใช้ แถวยังใช้ได้)"),
        "en": ("list of ids", "several ids in one cell separated by `,` `、` `/` or line breaks", "an unknown id is a warning (that item is dropped, "
                                                                                                 "the row is kept)"),
    },
    ColType.RESULT: {
        "th": ("ผลตัวชี้วัด", "ตัวเลข หรือ `-` / `ไม่ประเมิน` เมื่อไม่ประเมินในรอบนั้น เว้นว่าง = ยังไม่รายงาน", "ข้อความอื่น — รอบที่สิ้นสุดแล้วแต่ยังว่างเป็นคำเตือน (คะแนน 0)"),
        "en": ("KPI result", "a number, or `-` / `ไม่ประเมิน` when not assessed that round; empty = not reported "
                             "yet", "other text — empty in a round that has ended is a warning (score 0)"),
    },
}

# Every issue code: its severity and a one-line English gloss (the Thai message is MESSAGES[code]).
CODES: dict[str, tuple[str, str]] = {
    "tab-missing": (ERROR, "a required tab is missing; the parts that need it are not computed"),
    "tab-ambiguous": (ERROR, "two tabs match one input tab (say ภารกิจ and missions): neither is guessed; rename one"),
    "tab-optional-missing": (WARNING, "an optional tab is missing; the parts that need it stay empty"),
    "column-missing": (ERROR, "a required column is missing from row 1; the tab is skipped until it is added"),
    "column-optional-missing": (WARNING, "an optional column is absent (only reported where it matters)"),
    "header-merged": (WARNING, "a header cell is merged across several columns; the columns under it are not read"),
    "header-missing": (WARNING, "a column holds data but has no header; it is not read"),
    "column-duplicate": (WARNING, "two columns have the same header; only the first is read"),
    "cell-error": (ERROR, "a formula in the cell fails (#DIV/0!, #N/A …)"),
    "cell-boolean": (ERROR, "a TRUE/FALSE (checkbox) cell where a value was expected"),
    "required-missing": (ERROR, "a required cell is empty"),
    "date-invalid": (ERROR, "not a date in any accepted form"),
    "date-year-digits": (ERROR, "a two-digit year (never guessed)"),
    "date-impossible": (ERROR, "a date that does not exist (31/02)"),
    "date-month-first": (ERROR, "month before day (mm/dd); write dd/mm/yyyy"),
    "date-not-date": (ERROR, "a plain number in a date column"),
    "date-be-cell": (WARNING, "a date cell whose year is Buddhist Era (typed on a Gregorian machine); read as BE, with the correction"),
    "number-invalid": (ERROR, "not a number (decimal commas are not accepted)"),
    "number-too-large": (ERROR, "a number beyond ±1,000,000,000,000,000 (a typing slip; it would overflow the sums)"),
    "number-not-whole": (ERROR, "must be a whole number"),
    "number-range": (ERROR, "outside the allowed range"),
    "percent-range": (ERROR, "a percentage outside 0–100"),
    "result-invalid": (ERROR, "a KPI result that is neither a number nor `-` / `ไม่ประเมิน`"),
    "milestone-level": (ERROR, "a milestone KPI result that is not a whole level 0–5"),
    "enum-unknown": (ERROR, "a value not in the column's list"),
    "id-duplicate": (ERROR, "the id repeats an earlier row's"),
    "ref-unknown": (ERROR, "the referenced id does not exist in the other tab"),
    "ref-leading-zero": (ERROR, "the reference differs from an id only by leading zeros (`1` for `001`): format the column as text"),
    "ref-tab-missing": (ERROR, "the referenced tab is missing"),
    "list-item-unknown": (WARNING, "an id in a list is unknown; that item is dropped"),
    "duplicate-in-group": (ERROR, "repeated within the same mission (e.g. a step number)"),
    "date-order": (ERROR, "an end date before its start date"),
    "actual-end-early": (WARNING, "a finish date while progress is below 100 %"),
    "legal-basis-missing": (WARNING, "a legal mission without its legal basis"),
    "backup-is-owner": (WARNING, "the backup is the owner"),
    "sop-reviewed-missing": (WARNING, "a mission with a manual but no review date"),
    "thresholds-order": (ERROR, "thresholds 1–5 not strictly increasing (higher is better) or decreasing (lower is better)"),
    "thresholds-missing": (ERROR, "a threshold missing for a higher/lower KPI"),
    "weights-sum": (WARNING, "a group's weights do not sum to 100 (rows left out for an error are named)"),
    "kpi-not-reported": (WARNING, "a round has ended and the result is empty: score 0 until it is filled"),
    "category-unknown": (WARNING, "a complaint category not in the configured list (kept as written)"),
    "national-id-invalid": (WARNING, "not a valid 13-digit national ID (check digit)"),
    "closed-missing": (ERROR, "a closed case without its closing date"),
    "closed-while-open": (WARNING, "a closing date while the case is not closed"),
    "received-after-year": (WARNING, "received after the end of the fiscal year being synced (likely a typo)"),
    "activity-outside-year": (WARNING, "the activity lies entirely outside the fiscal year"),
    "branch-not-decision": (WARNING, "yes_next / no_next set on a step that is not a decision: ignored"),
    "decision-no-branch": (WARNING, "a decision without no_next: its \"no\" branch ends the process"),
    "branch-unknown-step": (ERROR, "yes_next / no_next is not a step number of the same mission"),
    "email-invalid": (WARNING, "not an e-mail address: reminders cannot reach this person"),
    "source-duplicate": (ERROR, "the ministry's registry names the same workbook twice: the later row is not read"),
    "closed-round-changed": (WARNING, "edited after its round was closed, moving a reported figure (value then and now, the closing date)"),
}

TEXT = {
    "th": {
        "title": "คู่มือการกรอกสมุดงาน sheets-sync",
        "generated": "> ไฟล์นี้สร้างจากตารางโครงสร้างในโปรแกรม (`python -m sheets_sync.present.guide`) อย่าแก้ด้วยมือ — English: "
                     "[workbook-guide.en.md](workbook-guide.en.md)",
        "intro": (
            "สมุดงานหนึ่งเล่ม (Google Sheets หรือไฟล์ .xlsx) เก็บข้อมูลของฝ่าย เจ้าหน้าที่กรอก **แท็บข้อมูล** ด้านล่าง "
            "ส่วน **แท็บสรุป** (`สรุปภาพรวม` … `ตรวจสอบข้อมูล`) โปรแกรมเขียนใหม่ทุกครั้งที่ sync อย่ากรอกอะไรในแท็บสรุป\n\n"
            "- หัวคอลัมน์อยู่แถวที่ 1 ใช้ชื่อภาษาไทยหรือคีย์ภาษาอังกฤษก็ได้ ไม่สนช่องว่างและตัวพิมพ์ เรียงคอลัมน์อย่างไรก็ได้ คอลัมน์อื่นที่เพิ่มเองจะถูกข้ามไป\n"
            "- แถวที่ว่างทั้งแถวจะถูกข้าม เลขแถวในรายการปัญหาคือเลขแถวจริงของแผ่นงาน (หัวตาราง = แถว 1)\n"
            "- `sheets-sync init` สร้างแท็บข้อมูลที่ยังไม่มีให้ พร้อมหัวตาราง รายการให้เลือก และคอลัมน์รหัสที่จัดเป็นข้อความ"
        ),
        "severity_title": "ข้อผิดพลาดกับคำเตือน",
        "severity": (
            "- **ข้อผิดพลาด** — ใช้แถวนั้นไม่ได้ แถวทั้งแถวไม่ถูกนำไปคำนวณจนกว่าจะแก้ (ข้อผิดพลาดเซลล์เดียวทำให้ทั้งแถวถูกตัดออก)\n"
            "- **คำเตือน** — แถวยังถูกนำไปคำนวณ แต่ควรมีคนตรวจดู\n\n"
            "ทุกปัญหาแสดงในแท็บ `ตรวจสอบข้อมูล` (ข้อผิดพลาดก่อน แล้วจึงคำเตือน) และในคำสั่ง `sheets-sync validate` "
            "พร้อมเซลล์ เช่น `แผนปฏิบัติการ!B31` (คลิกที่เซลล์ในแท็บ ตรวจสอบข้อมูล เพื่อไปยังเซลล์นั้น) ข้อความที่บอกวิธีแก้ และค่าที่พบตามที่พิมพ์ไว้ "
            "ข้อมูลส่วนบุคคลจะถูกปิดบัง"
        ),
        "types_title": "ชนิดข้อมูลในเซลล์",
        "types_header": "| ชนิด | รับค่าแบบนี้ | เป็นปัญหาเมื่อ |",
        "tabs_title": "แท็บข้อมูล",
        "tab_required": "แท็บบังคับ: ถ้าไม่มี ส่วนที่ใช้แท็บนี้จะไม่ถูกคำนวณ (ข้อผิดพลาด)",
        "tab_optional": "แท็บไม่บังคับ: ถ้าไม่มีเป็นคำเตือน ส่วนที่ใช้แท็บนี้จะว่างไว้",
        "key": "คีย์",
        "columns_header": "| หัวคอลัมน์ | คีย์ | ชนิด | บังคับ | ค่าที่รับ |",
        "yes": "ใช่",
        "no": "",
        "choices": "เลือกจาก: ",
        "refers": "รหัสใน `{tab}`",
        "whole": "จำนวนเต็ม",
        "min": "ตั้งแต่ {n}",
        "min_x": "มากกว่า {n}",
        "max": "ไม่เกิน {n}",
        "personal": "ข้อมูลส่วนบุคคล (ปิดบังในรายการปัญหา)",
        "default": "ว่าง = {th}",
        "rounds_note": "คอลัมน์ผลรอบมีหนึ่งคอลัมน์ต่อรอบที่เปิดใช้ในค่าตั้ง (ค่าเริ่มต้นรอบ 6, 9, 12 เดือน; `ผลรอบ 3 เดือน` เมื่อเปิดรอบ 3)",
        "fix_title": "ปัญหาที่พบบ่อยและวิธีแก้",
        "fix": (
            "- **ปี พ.ศ. ในเซลล์วันที่** (`date-be-cell`): เครื่องตั้งปฏิทินเป็น ค.ศ. แต่พิมพ์ปี พ.ศ. โปรแกรมอ่านเป็น พ.ศ. ให้และบอกวันที่ที่ควรพิมพ์แทน "
            "แก้เป็นปี ค.ศ. หรือจัดรูปแบบเซลล์เป็นข้อความแล้วพิมพ์ `2/7/2569`\n"
            "- **เลข 0 นำหน้าหาย** (`ref-leading-zero`): พิมพ์ `001` ลงเซลล์ตัวเลขจะเหลือ `1` จัดรูปแบบคอลัมน์รหัสเป็นข้อความ (ข้อความธรรมดา) แล้วพิมพ์ใหม่\n"
            "- **ค่าไม่อยู่ในรายการ** (`enum-unknown`): เลือกจากรายการในเซลล์ (ลูกศรข้างเซลล์) ข้อความแจ้งค่าที่ใช้ได้ทั้งหมด\n"
            "- **ไม่พบรหัสในอีกแท็บ** (`ref-unknown`): ตรวจการสะกด หรือเพิ่มแถวของรหัสนั้นในแท็บที่อ้างถึงก่อน\n"
            "- **รหัสซ้ำ** (`id-duplicate`): แถวแรกได้ใช้รหัส ให้เปลี่ยนรหัสของแถวหลัง\n"
            "- **น้ำหนักรวมไม่ถึง 100** (`weights-sum`): ถ้าข้อความบอกว่าไม่นับแถวใดเพราะมีข้อผิดพลาด ให้แก้แถวนั้นก่อน แล้วดูผลรวมใหม่\n"
            "- **ยังไม่รายงานผล** (`kpi-not-reported`): กรอกผลของรอบที่สิ้นสุดแล้ว หรือใส่ `-` ถ้าไม่ประเมินในรอบนั้น"
        ),
        "codes_title": "รหัสปัญหาทั้งหมด",
        "codes_header": "| รหัส | ระดับ | ข้อความที่แสดง |",
        "error": "ข้อผิดพลาด",
        "warning": "คำเตือน",
        "column_word": "ชื่อคอลัมน์",
        "tab_word": "ชื่อแท็บ",
    },
    "en": {
        "title": "sheets-sync workbook guide",
        "generated": "> Generated from the program's schema table (`python -m sheets_sync.present.guide`); do not edit by hand — ภาษาไทย: "
                     "[workbook-guide.md](workbook-guide.md)",
        "intro": (
            "One workbook (a Google Sheet or an .xlsx file) holds the section's data. Staff fill in the **input tabs** below; "
            "the **summary tabs** (`สรุปภาพรวม` … `ตรวจสอบข้อมูล`) are rewritten by every sync — never type into them.\n\n"
            "- Headers are in row 1, as the Thai name or the English key, ignoring spaces and case, in any order; extra columns are ignored.\n"
            "- Entirely blank rows are skipped; row numbers in issues are the sheet's own (header = row 1).\n"
            "- `sheets-sync init` creates the missing input tabs with headers, dropdowns and id columns formatted as text."
        ),
        "severity_title": "Errors and warnings",
        "severity": (
            "- **error** (`ข้อผิดพลาด`) — the row cannot be used: it is left out of every figure until fixed (an error in any cell excludes the whole row).\n"
            "- **warning** (`คำเตือน`) — the row is used, but a person should look.\n\n"
            "Every issue is listed in the `ตรวจสอบข้อมูล` tab (errors first, then warnings) and by `sheets-sync validate`, with its cell "
            "such as `แผนปฏิบัติการ!B31` (click the cell address in the tab to jump there), a Thai message saying how to fix it, and the value as typed. "
            "Personal data is masked."
        ),
        "types_title": "Cell types",
        "types_header": "| type | accepted | a problem when |",
        "tabs_title": "Input tabs",
        "tab_required": "Required tab: when absent, the parts that need it are not computed (error).",
        "tab_optional": "Optional tab: when absent it is a warning and the parts that need it stay empty.",
        "key": "key",
        "columns_header": "| header | key | type | required | accepts |",
        "yes": "yes",
        "no": "",
        "choices": "one of: ",
        "refers": "an id of `{tab}`",
        "whole": "whole number",
        "min": "≥ {n}",
        "min_x": "> {n}",
        "max": "≤ {n}",
        "personal": "personal data (masked in the issues list)",
        "default": "empty = {th}",
        "rounds_note": "There is one result column per round enabled in the config (default 6, 9, 12 months; `ผลรอบ 3 เดือน` when round 3 is enabled).",
        "fix_title": "Common problems and how to fix them",
        "fix": (
            "- **BE year in a date cell** (`date-be-cell`): the machine's calendar is Gregorian but a BE year was typed; it is read as BE and the "
            "message gives "
            "the date to type instead: a CE year, or the cell formatted as text with `2/7/2569`.\n"
            "- **Lost leading zero** (`ref-leading-zero`): `001` typed into a number cell becomes `1`; format the id column as text (plain text) and "
            "type it again.\n"
            "- **Value not in the list** (`enum-unknown`): pick from the cell's dropdown; the message lists every accepted value.\n"
            "- **Id not found in the other tab** (`ref-unknown`): check the spelling, or add that id's row to the referenced tab first.\n"
            "- **Repeated id** (`id-duplicate`): the first row keeps the id; change the later row's.\n"
            "- **Weights not summing to 100** (`weights-sum`): when the message names a row left out for an error, fix that row first, then look at "
            "the total again.\n"
            "- **Not reported** (`kpi-not-reported`): fill in the result of the round that has ended, or `-` when it is not assessed that round."
        ),
        "codes_title": "Every issue code",
        "codes_header": "| code | severity | meaning (the Thai message shown to staff is in the Thai guide) |",
        "error": "error",
        "warning": "warning",
        "column_word": "column",
        "tab_word": "tab",
    },
}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "…"


def _fill(template: str, t: dict[str, str]) -> str:
    """A message template with its details shown as placeholders (`"ชื่อคอลัมน์"`, `…`)."""
    return string.Formatter().vformat(template, (), _Blank(column=t["column_word"], tab=t["tab_word"], ref_tab=t["tab_word"]))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _accepts(col: Column, tabs: dict[str, Tab], lang: str) -> str:
    t = TEXT[lang]
    parts = []
    if col.choices:
        listed = ", ".join(f"`{c.th}` ({c.key})" for c in col.choices)
        parts.append(t["choices"] + listed)
    if col.ref:
        parts.append(t["refers"].format(tab=tabs[col.ref].th))
    if col.whole:
        parts.append(t["whole"])
    if col.minimum is not None:
        parts.append(t["min_x" if col.min_exclusive else "min"].format(n=f"{col.minimum:g}"))
    if col.maximum is not None:
        parts.append(t["max"].format(n=f"{col.maximum:g}"))
    if col.default:
        parts.append(t["default"].format(th=col.choice_th(col.default)))
    if col.personal:
        parts.append(t["personal"])
    return "; ".join(parts)


def render(lang: str) -> str:
    """The guide in `lang` ("th" or "en") as Markdown."""
    missing = sorted(set(MESSAGES) - set(CODES))
    if missing:
        raise KeyError(f"issue codes without a guide entry (add them to guide.CODES): {', '.join(missing)}")
    t = TEXT[lang]
    schema = input_tabs()
    tabs = {tab.key: tab for tab in schema}
    out = [f"# {t['title']}", "", t["generated"], "", t["intro"], "", f"## {t['severity_title']}", "", t["severity"], ""]
    out += [f"## {t['types_title']}", "", t["types_header"], "|---|---|---|"]
    for kind, texts in TYPES.items():
        name, accepted, problem = texts[lang]
        out.append(f"| {name} (`{kind.value}`) | {_cell(accepted)} | {_cell(problem)} |")
    out += ["", f"## {t['tabs_title']}", ""]
    for tab in schema:
        out += [f"### `{tab.th}` ({t['key']} `{tab.key}`)", ""]
        if tab.description:
            out += [tab.description, ""]
        out += [t["tab_required"] if tab.required else t["tab_optional"], ""]
        out += [t["columns_header"], "|---|---|---|---|---|"]
        for col in tab.columns:
            type_name = TYPES[col.type][lang][0]
            required = t["yes"] if col.required else t["no"]
            out.append(f"| {col.th} | `{col.key}` | {type_name} | {required} | {_cell(_accepts(col, tabs, lang))} |")
        if tab.key == "kpis":
            out += ["", t["rounds_note"]]
        out.append("")
    out += [f"## {t['fix_title']}", "", t["fix"], ""]
    out += [f"## {t['codes_title']}", "", t["codes_header"], "|---|---|---|"]
    for code, template in MESSAGES.items():
        severity, gloss = CODES[code]
        shown = _fill(template, t) if lang == "th" else gloss
        out.append(f"| `{code}` | {t[severity]} | {_cell(shown)} |")
    out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    check = "--check" in args
    stale = []
    for lang, path in GUIDES.items():
        text = render(lang)
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"เขียน {path}")
    if stale:
        print(f"คู่มือไม่ตรงกับโครงสร้างในโปรแกรม: {', '.join(stale)} — สั่ง python -m sheets_sync.present.guide เพื่อสร้างใหม่")
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
