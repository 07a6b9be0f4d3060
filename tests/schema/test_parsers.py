"""Every accepted and rejected cell form of workbook.md, as tables of input and expected output."""

from __future__ import annotations

import datetime as dt

import pytest

from sheets_sync.core.cells import Cell, CellKind, datetime_to_serial, serial_to_datetime
from sheets_sync.schema.parsers import (
    NOT_ASSESSED,
    CellProblem,
    all_normalized,
    header_key,
    is_valid_national_id,
    mask_name,
    mask_national_id,
    mask_phone,
    normalize_space,
    parse_date,
    parse_number,
    parse_percent,
    parse_result,
)
from sheets_sync.schema.tabs import COMPLAINTS, MISSIONS, PLAN, SOP_STEPS, STAFF, kpis_tab
from sheets_sync.schema.validate import parse_typed

D = dt.date
DT = dt.datetime


def text(value: str) -> Cell:
    return Cell(CellKind.TEXT, value)


def number(value: float) -> Cell:
    return Cell(CellKind.NUMBER, value)


def percent_cell(fraction: float) -> Cell:
    return Cell(CellKind.PERCENT, fraction)


def date_cell(value: dt.datetime) -> Cell:
    return Cell(CellKind.DATE, value)


def problem_code(parse, *args) -> str:
    with pytest.raises(CellProblem) as caught:
        parse(*args)
    return caught.value.code


# --- dates ---------------------------------------------------------------------------------

DATES_ACCEPTED = [
    # real date cells (xlsx datetimes, Sheets serials)
    (date_cell(DT(2026, 3, 31)), D(2026, 3, 31), None),
    (date_cell(DT(2026, 3, 31, 23, 59, 59)), D(2026, 3, 31), None),  # a time keeps its date
    (date_cell(serial_to_datetime(46112)), D(2026, 3, 31), None),
    (date_cell(serial_to_datetime(46112.75)), D(2026, 3, 31), None),
    (date_cell(serial_to_datetime(45351)), D(2024, 2, 29), None),
    # a BE year typed into a date cell on a Gregorian machine: minus 543, with a warning
    (date_cell(DT(2569, 3, 31)), D(2026, 3, 31), "date-be-cell"),
    (date_cell(DT(2569, 3, 31, 14, 30)), D(2026, 3, 31), "date-be-cell"),
    (date_cell(DT(2567, 2, 28)), D(2024, 2, 28), "date-be-cell"),
    (date_cell(DT(2400, 1, 2)), D(2400, 1, 2), None),  # 2400 is not > 2400: taken as CE
    # dd/mm/yyyy and d/m/yyyy, BE (> 2400) and CE
    (text("31/03/2569"), D(2026, 3, 31), None),
    (text("31/03/2026"), D(2026, 3, 31), None),
    (text("1/3/2569"), D(2026, 3, 1), None),
    (text("1/3/2026"), D(2026, 3, 1), None),
    (text("01/3/2026"), D(2026, 3, 1), None),
    (text("1/03/2026"), D(2026, 3, 1), None),
    (text("04/05/2026"), D(2026, 5, 4), None),  # day first whenever both parts could be a month
    (text("29/02/2567"), D(2024, 2, 29), None),  # BE 2567 = 2024, a leap year
    (text("29/02/2024"), D(2024, 2, 29), None),
    (text("2/1/2401"), D(1858, 1, 2), None),  # 2401 > 2400: BE
    (text("๓๑/๐๓/๒๕๖๙"), D(2026, 3, 31), None),
    (text("๑/๓/๒๐๒๖"), D(2026, 3, 1), None),
    (text(" 31/03/2569\u00a0"), D(2026, 3, 31), None),
    # d mmm yyyy with Thai month names and abbreviations
    (text("12 ก.ค. 2553"), D(2010, 7, 12), None),
    (text("12 ก.ค 2553"), D(2010, 7, 12), None),
    (text("12 กค 2553"), D(2010, 7, 12), None),
    (text("12 ก. ค. 2553"), D(2010, 7, 12), None),
    (text("12 กรกฎาคม 2553"), D(2010, 7, 12), None),
    (text("12ก.ค.2553"), D(2010, 7, 12), None),
    (text("12 ก.ค. 2010"), D(2010, 7, 12), None),  # a Thai month name with a year <= 2400 is CE
    (text("12 กรกฎาคม 2010"), D(2010, 7, 12), None),
    (text("12 ก.ค. พ.ศ. 2553"), D(2010, 7, 12), None),
    (text("12 ก.ค. พ.ศ.2553"), D(2010, 7, 12), None),
    (text("12 กรกฎาคม พ.ศ. 2553"), D(2010, 7, 12), None),
    (text("12 กรกฎาคม พศ 2553"), D(2010, 7, 12), None),
    (text("๑๒ ก.ค. ๒๕๕๓"), D(2010, 7, 12), None),
    (text("๑๒ กรกฎาคม พ.ศ. ๒๕๕๓"), D(2010, 7, 12), None),
    (text("5 พ.ค. 2568"), D(2025, 5, 5), None),  # พ.ค. is not mistaken for พ.ศ.
    (text("29 ก.พ. 2567"), D(2024, 2, 29), None),
    # ISO yyyy-mm-dd, CE and BE
    (text("2026-03-31"), D(2026, 3, 31), None),
    (text("2026-3-1"), D(2026, 3, 1), None),
    (text("2569-03-31"), D(2026, 3, 31), None),
    (text("๒๕๖๙-๐๓-๓๑"), D(2026, 3, 31), None),
]


@pytest.mark.parametrize(("cell", "expected", "warning"), DATES_ACCEPTED)
def test_date_accepted(cell: Cell, expected: dt.date, warning: str | None) -> None:
    assert parse_date(cell) == (expected, warning)


THAI_MONTHS = [
    ("มกราคม", "ม.ค."), ("กุมภาพันธ์", "ก.พ."), ("มีนาคม", "มี.ค."), ("เมษายน", "เม.ย."),
    ("พฤษภาคม", "พ.ค."), ("มิถุนายน", "มิ.ย."), ("กรกฎาคม", "ก.ค."), ("สิงหาคม", "ส.ค."),
    ("กันยายน", "ก.ย."), ("ตุลาคม", "ต.ค."), ("พฤศจิกายน", "พ.ย."), ("ธันวาคม", "ธ.ค."),
]


@pytest.mark.parametrize(("month", "names"), list(enumerate(THAI_MONTHS, start=1)))
def test_every_thai_month_name_and_abbreviation(month: int, names: tuple[str, str]) -> None:
    full, abbr = names
    forms = [f"1 {full} 2569", f"1 {abbr} 2569", f"1 {abbr.replace('.', '')} 2569", f"1 {abbr} 2026"]
    assert [parse_date(text(form)) for form in forms] == [(D(2026, month, 1), None)] * 4


DATES_REJECTED = [
    # two-digit years are never guessed
    (text("31/03/69"), "date-year-digits"),
    (text("31/3/26"), "date-year-digits"),
    (text("12 ก.ค. 53"), "date-year-digits"),
    (text("26-03-31"), "date-year-digits"),
    (text("๓๑/๐๓/๖๙"), "date-year-digits"),
    # impossible dates
    (text("31/02/2569"), "date-impossible"),
    (text("31/02/2026"), "date-impossible"),
    (text("29/02/2025"), "date-impossible"),  # CE 2025 is not a leap year
    (text("29/02/2568"), "date-impossible"),  # BE 2568 = 2025
    (text("30 ก.พ. 2567"), "date-impossible"),
    (text("2026-02-30"), "date-impossible"),
    (text("0/1/2026"), "date-impossible"),
    (text("31/04/2026"), "date-impossible"),
    (text("13/13/2026"), "date-impossible"),
    (date_cell(DT(2568, 2, 29)), "date-impossible"),  # a BE date cell whose CE date does not exist
    # mm/dd order
    (text("12/31/2025"), "date-month-first"),
    (text("02/13/2569"), "date-month-first"),
    (text("3/31/2026"), "date-month-first"),
    # a plain number (not a date cell) in a date column
    (number(46112), "date-not-date"),
    (number(20260331), "date-not-date"),
    (percent_cell(0.5), "date-not-date"),
    (Cell(CellKind.BOOL, True), "date-not-date"),
    # garbage text and forms not in the spec
    (text("garbage"), "date-invalid"),
    (text("31.03.2026"), "date-invalid"),
    (text("31-03-2026"), "date-invalid"),
    (text("2026/03/31"), "date-invalid"),
    (text("31 March 2026"), "date-invalid"),
    (text("12 กรกฏ 2553"), "date-invalid"),  # misspelt month
    (text("พ.ศ. 2553"), "date-invalid"),
    (text("31/03/2569 10:00"), "date-invalid"),
    (text("46112"), "date-invalid"),
]


@pytest.mark.parametrize(("cell", "code"), DATES_REJECTED)
def test_date_rejected(cell: Cell, code: str) -> None:
    assert problem_code(parse_date, cell) == code


@pytest.mark.parametrize(
    ("serial", "expected"),
    [(1, DT(1899, 12, 31)), (45658, DT(2025, 1, 1)), (46112, DT(2026, 3, 31)), (46112.5, DT(2026, 3, 31, 12))],
)
def test_serial_round_trip(serial: float, expected: dt.datetime) -> None:
    assert serial_to_datetime(serial) == expected
    assert datetime_to_serial(expected) == serial


# --- numbers and percentages ---------------------------------------------------------------

NUMBERS_ACCEPTED = [
    (number(1234.5), 1234.5),
    (number(7), 7.0),
    (number(-5), -5.0),
    (text("1,234.50"), 1234.5),
    (text("1234.50"), 1234.5),
    (text("1,234,567"), 1234567.0),
    (text("๑,๒๓๔"), 1234.0),
    (text("๑๒๓๔.๕"), 1234.5),
    (text("-5"), -5.0),
    (text("+5"), 5.0),
    (text(" 12 "), 12.0),
    (text("0"), 0.0),
    (text("45%"), 45.0),
    (text("๔๕%"), 45.0),
    (percent_cell(0.3), 30.0),  # a percent-formatted cell means what it shows
]


@pytest.mark.parametrize(("cell", "expected"), NUMBERS_ACCEPTED)
def test_number_accepted(cell: Cell, expected: float) -> None:
    assert parse_number(cell) == expected


NUMBERS_REJECTED = [
    text("1,5"),  # decimal comma
    text("1,50"),
    text("12,5%"),
    text("12a"),
    text("1,23"),  # bad grouping
    text("1,2345"),
    text("12,34.5"),
    text("1.2.3"),
    text("--5"),
    text("abc"),
    text("%"),
    Cell(CellKind.BOOL, True),
    date_cell(DT(2026, 3, 31)),
]


@pytest.mark.parametrize("cell", NUMBERS_REJECTED)
def test_number_rejected(cell: Cell) -> None:
    assert problem_code(parse_number, cell) == "number-invalid"


PERCENTS = [
    (text("45"), 45.0),
    (text("45%"), 45.0),
    (text("๔๕%"), 45.0),
    (text("๔๕"), 45.0),
    (text("100%"), 100.0),
    (text("0.45"), 0.45),
    (percent_cell(0.45), 45.0),  # a percent-formatted cell stores 0.45 and shows 45%
    (percent_cell(0.07), 7.0),  # no binary noise (0.07 * 100 = 7.000000000000001)
    (percent_cell(1.0), 100.0),
    (percent_cell(0.1234), 12.34),
    (number(0.45), 0.45),  # a plain 0.45 is 0.45 %: the format decides, never the size
    (number(45), 45.0),
]


@pytest.mark.parametrize(("cell", "expected"), PERCENTS)
def test_percent(cell: Cell, expected: float) -> None:
    assert parse_percent(cell) == expected


PROGRESS = PLAN.column("progress")


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        (text("101"), "percent-range"),
        (text("120%"), "percent-range"),
        (percent_cell(1.2), "percent-range"),
        (number(-1), "percent-range"),
        (text("-0.5"), "percent-range"),
        (text("45,5%"), "number-invalid"),
    ],
)
def test_percent_out_of_range_is_an_error(cell: Cell, code: str) -> None:
    assert problem_code(parse_typed, PROGRESS, cell) == code


@pytest.mark.parametrize(("cell", "expected"), [(text("0"), 0.0), (text("100"), 100.0), (percent_cell(1.0), 100.0)])
def test_percent_bounds_are_inclusive(cell: Cell, expected: float) -> None:
    assert parse_typed(PROGRESS, cell) == (expected, None)


@pytest.mark.parametrize(
    ("column", "cell", "expected"),
    [
        (COMPLAINTS.column("satisfaction"), number(1), 1.0),
        (COMPLAINTS.column("satisfaction"), text("๕"), 5.0),
        (SOP_STEPS.column("step_no"), number(3), 3.0),
        (SOP_STEPS.column("duration"), text("0.5"), 0.5),
        (PLAN.column("budget"), number(0), 0.0),
        (kpis_tab().column("weight"), text("0.5"), 0.5),
    ],
)
def test_number_column_bounds_accepted(column, cell: Cell, expected: float) -> None:
    assert parse_typed(column, cell) == (expected, None)


@pytest.mark.parametrize(
    ("column", "cell", "code"),
    [
        (COMPLAINTS.column("satisfaction"), number(4.5), "number-not-whole"),
        (COMPLAINTS.column("satisfaction"), number(0), "number-range"),
        (COMPLAINTS.column("satisfaction"), number(6), "number-range"),
        (SOP_STEPS.column("step_no"), text("1.5"), "number-not-whole"),
        (SOP_STEPS.column("duration"), number(0), "number-range"),
        (PLAN.column("budget"), number(-1), "number-range"),
        (kpis_tab().column("weight"), number(0), "number-range"),
        (kpis_tab().column("weight"), text("-5"), "number-range"),
    ],
)
def test_number_column_bounds_rejected(column, cell: Cell, code: str) -> None:
    assert problem_code(parse_typed, column, cell) == code


# --- ids, enums, lists ---------------------------------------------------------------------

MISSION_ID = MISSIONS.column("mission_id")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (text("007"), "007"),  # numeric-looking ids stay text
        (text(" M01 "), "M01"),
        (text("\u00a0M01\u00a0"), "M01"),
        (text("M01\u200b"), "M01"),
        (text("\ufeffM01"), "M01"),
        (text("ดธ.69/ \u00a0 0001"), "ดธ.69/ 0001"),
        (text("M\u200b01"), "M 01"),  # a zero-width space is collapsed to one space, like any other
        (text("m01"), "m01"),  # ids are otherwise compared exactly
        (number(7), "7"),
        (number(7.0), "7"),
    ],
)
def test_id_is_trimmed_text(cell: Cell, expected: str) -> None:
    assert parse_typed(MISSION_ID, cell) == (expected, None)


# texts normalize_space keeps as they are, and texts it changes (each a reason to)
KEPT = ["M01", "ดธ.69/0001", "ดธ.69/0001-3", "e", "\u0301", "ํ", "า", "café", "x\x01y"]
CHANGED = [
    " M01", "M01 ", "M  01", "M\u00a001", "M01\u200b", "\ufeffM01", "M\t01", "M\x1c01",  # white space, zero-width
    "ก\u0e4d\u0e32",  # ํ + า (written back as ำ)
    "Ｍ０１", "ｶ", "e\u0301", "①", "\ufb01",  # full width, compatibility forms, a composable pair
]
# kept by normalize_space, but not proven so by all_normalized (one space inside; ำ, which NFKC
# decomposes and thai_nfkc writes back): such a column takes the cell-by-cell path
NOT_PROVEN = ["M 01", "กำ"]


@pytest.mark.parametrize("extra", [[], *([t] for t in CHANGED + NOT_PROVEN)])
def test_all_normalized_proves_normalize_space_changes_none_of_them(extra: list[str]) -> None:
    texts = KEPT + extra + KEPT
    unchanged = all(normalize_space(t) == t for t in texts)
    assert unchanged == (not extra or extra[0] in NOT_PROVEN)
    assert all_normalized(texts) == (not extra)
    assert all_normalized(t for t in KEPT[:2] + extra) == (not extra)  # ASCII and Thai alike


CATEGORY = MISSIONS.column("category")
CHANNEL = COMPLAINTS.column("channel")
STATUS = COMPLAINTS.column("status")


@pytest.mark.parametrize(
    ("column", "raw", "expected"),
    [
        (CATEGORY, "ตามกฎหมาย/ข้อสั่งการ", "legal"),
        (CATEGORY, "legal", "legal"),
        (CATEGORY, "LEGAL", "legal"),
        (CATEGORY, "  สนับสนุนงานประจำ\u00a0", "routine"),
        (CATEGORY, "Policy", "policy"),
        (CHANNEL, "สายด่วน 1567", "hotline"),
        (CHANNEL, "สายด่วน  1567", "hotline"),
        (CHANNEL, "สายด่วน\u00a01567", "hotline"),
        (CHANNEL, "สายด่วน\u200b1567", "hotline"),
        (CHANNEL, "Walk_In", "walk_in"),
        (STATUS, "ยุติ", "closed"),
        (STATUS, "IN_PROGRESS", "in_progress"),
        (CATEGORY, "สนับสนุนงานประจ\u0e4d\u0e32", "routine"),
        (CATEGORY, "สนับ\u200bสนุนงานประจำ", "routine"),
        (STATUS, "ยุต\u200bิ", "closed"),
    ],
)
def test_enum_accepted(column, raw: str, expected: str) -> None:
    """Also text copied from a PDF: NFKC (ํ + า for ำ) and invisible characters inside a word."""
    assert parse_typed(column, text(raw)) == (expected, None)


@pytest.mark.parametrize(
    ("column", "raw"),
    [(CATEGORY, "กฎหมาย"), (CATEGORY, "legal basis"), (CHANNEL, "สายด่วน1567"), (CHANNEL, "walk in"), (STATUS, "ปิด")],
)
def test_enum_rejected(column, raw: str) -> None:
    with pytest.raises(CellProblem) as caught:
        parse_typed(column, text(raw))
    assert caught.value.code == "enum-unknown"
    assert caught.value.details["choices"] == ", ".join(c.th for c in column.choices)


CAN_DO = STAFF.column("can_do")


@pytest.mark.parametrize(
    "raw",
    [
        "M01,M02",
        "M01, M02",
        "M01 ,M02",
        "M01 , M02",
        "M01、M02",
        "M01 、 M02",
        "M01/M02",
        "M01 / M02",
        "M01\nM02",
        "M01\r\nM02",
        "M01,\nM02",
        "M01,,M02,",
        " M01\u00a0,\u00a0M02 ",
    ],
)
def test_list_separators(raw: str) -> None:
    assert parse_typed(CAN_DO, text(raw)) == (("M01", "M02"), None)


def test_list_keeps_every_item_in_order() -> None:
    assert parse_typed(CAN_DO, text("M03, M01/M02\nM10")) == (("M03", "M01", "M02", "M10"), None)


# --- KPI results ---------------------------------------------------------------------------

RESULTS_ACCEPTED = [
    (text("-"), NOT_ASSESSED),
    (text(" - "), NOT_ASSESSED),
    (text("ไม่ประเมิน"), NOT_ASSESSED),
    (text(" ไม่ประเมิน\u00a0"), NOT_ASSESSED),
    (number(92.5), 92.5),
    (number(0), 0.0),
    (number(4), 4.0),
    (text("92.5"), 92.5),
    (text("๙๒.๕"), 92.5),
    (text("1,234"), 1234.0),
    (text("92.5%"), 92.5),
    (percent_cell(0.925), 92.5),
]


@pytest.mark.parametrize(("cell", "expected"), RESULTS_ACCEPTED)
def test_kpi_result_accepted(cell: Cell, expected) -> None:
    assert parse_result(cell) == expected


@pytest.mark.parametrize("cell", [text("x"), text("ไม่ทราบ"), text("1,5"), text("--"), date_cell(DT(2026, 3, 31))])
def test_kpi_result_rejected(cell: Cell) -> None:
    assert problem_code(parse_result, cell) == "result-invalid"


# --- national ids and masking --------------------------------------------------------------

@pytest.mark.parametrize(
    ("raw", "valid"),
    [
        ("1101700203450", True),
        ("1-1017-00203-45-0", True),
        ("1 1017 00203 45 0", True),
        ("๑๑๐๑๗๐๐๒๐๓๔๕๐", True),
        ("3101500123459", True),
        ("1101700203451", False),  # wrong check digit
        ("1-2345-67890-12-3", False),
        ("110170020345", False),  # 12 digits
        ("11017002034500", False),  # 14 digits
        ("1101700a03450", False),
        ("", False),
    ],
)
def test_national_id_check_digit(raw: str, valid: bool) -> None:
    assert is_valid_national_id(raw) is valid


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("3-1234-56781-81-1", "X-XXXX-XXXX1-81-1"),
        ("1101700203450", "X-XXXX-XXXX3-45-0"),
        ("1-1017-00203-45-0", "X-XXXX-XXXX3-45-0"),
        ("๑๑๐๑๗๐๐๒๐๓๔๕๐", "X-XXXX-XXXX3-45-0"),
    ],
)
def test_mask_national_id(raw: str, masked: str) -> None:
    assert mask_national_id(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("081-234-1234", "XXX-XXX-1234"),
        ("0812341234", "XXX-XXX-1234"),
        ("+66 81 234 1234", "XXX-XXX-1234"),
        ("๐๘๑๒๓๔๑๒๓๔", "XXX-XXX-1234"),
        ("", ""),
    ],
)
def test_mask_phone(raw: str, masked: str) -> None:
    assert mask_phone(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [("นายสมชาย ใจดี", "น***"), ("  สมหญิง รักไทย", "ส***"), ("John Smith", "J***"), ("", "")],
)
def test_mask_name(raw: str, masked: str) -> None:
    assert mask_name(raw) == masked


# --- headers -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("typed", "declared"),
    [
        ("เกณฑ์1", "เกณฑ์ 1"),
        ("เกณฑ์  1", "เกณฑ์ 1"),
        ("T1", "t1"),
        ("MISSION_ID", "mission_id"),
        ("Mission_Id", "mission_id"),
        (" รหัส ภารกิจ ", "รหัสภารกิจ"),
        ("รหัสภารกิจ\u00a0", "รหัสภารกิจ"),
        ("ความพึงพอใจ(1-5)", "ความพึงพอใจ (1-5)"),
        ("ผลรอบ\n6 เดือน", "ผลรอบ 6 เดือน"),
    ],
)
def test_header_matches_ignoring_whitespace_and_case(typed: str, declared: str) -> None:
    assert header_key(typed) == header_key(declared)


@pytest.mark.parametrize(("typed", "declared"), [("mission", "mission_id"), ("เกณฑ์ 1", "เกณฑ์ 2"), ("t1", "t 2")])
def test_header_does_not_match_another_name(typed: str, declared: str) -> None:
    assert header_key(typed) != header_key(declared)
