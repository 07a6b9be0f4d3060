"""Turn one typed cell into one value of a column type, the way workbook.md says.

Each parser returns the value, or raises `CellProblem` with a stable code when the cell cannot
be used. Warnings that still give a value (a BE year typed into a date cell) are returned beside
the value. Nothing here guesses: an ambiguous cell is an error with a message that says how to fix it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from ..core.cells import Cell, CellKind
from ..core.thai_dates import to_ascii_digits
from ..core.vocabulary import BE_OFFSET, BE_YEAR_FLOOR, MONTHS_LONG, MONTHS_SHORT, NOT_ASSESSED_WORDS

# Python's \s covers NBSP but not the zero-width characters that come in with copied text.
_SPACE = r"[\s\u200b\u200c\u200d\u2060\ufeff]"
_SPACE_RUN = re.compile(f"{_SPACE}+")
_EDGE_SPACE = re.compile(f"^{_SPACE}+|{_SPACE}+$")


NOT_ASSESSED_TEXTS = frozenset(NOT_ASSESSED_WORDS) | {"–", "—"}  # en and em dashes typed for `-`


class CellProblem(Exception):
    """The cell cannot be read as its column's type; `code` is the stable issue code."""

    def __init__(self, code: str, **details: object) -> None:
        super().__init__(code)
        self.code = code
        self.details = details


@dataclass(frozen=True)
class NotAssessed:
    """A KPI result of `-` / `ไม่ประเมิน`: not assessed this round."""

    def __repr__(self) -> str:
        return "NOT_ASSESSED"


NOT_ASSESSED = NotAssessed()


def thai_nfkc(text: str) -> str:
    """Unicode NFKC (workbook.md: Thai text is compared after it), with `ํ` + `า` written back as
    `ำ`: NFKC decomposes ำ, and a value should still read as the clerk typed it."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", text).replace("\u0e4d\u0e32", "\u0e33")


def normalize_space(text: str) -> str:
    """NFKC; trim the ends and collapse inner whitespace runs (incl. NBSP, zero-width) to one space."""
    return _SPACE_RUN.sub(" ", thai_nfkc(text)).strip()


def all_normalized(texts: Iterable[str]) -> bool:
    """`normalize_space(t) == t` for every one of `texts`, tested on all of them joined as one
    text (a column of 100,000 unique ids, in C): no white space or zero-width character, no
    `ํ` + `า`, and NFKC already (a NUL between two texts is a starter that joins nothing, so
    the whole is NFKC exactly when each text is)."""
    joined = "\x00".join(texts)
    return ("\u0e4d\u0e32" not in joined and not _SPACE_RUN.search(joined)
            and (joined.isascii() or unicodedata.is_normalized("NFKC", joined)))


def trim(text: str) -> str:
    """Free text keeps its inner spacing and line breaks; only the ends are trimmed."""
    return _EDGE_SPACE.sub("", text)


def header_key(text: str) -> str:
    """What a header (or an enum value) is compared by: NFKC, no whitespace or invisible
    character at all, case folded."""
    return _SPACE_RUN.sub("", without_invisible(thai_nfkc(text))).casefold()


_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")


def without_invisible(text: str) -> str:
    """The text with its invisible characters (zero-width spaces and joiners, BOM, soft hyphen,
    direction marks) removed."""
    return _INVISIBLE.sub("", text)


def differing_characters(value: str, allowed: str) -> str:
    """Which characters of `value` differ from `allowed` (the closest allowed value), named with
    their code points so two values that look alike can be told apart: `"ํ" (U+0E4D)`."""
    import difflib

    a, b = thai_nfkc(value), thai_nfkc(allowed)
    parts: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        typed, wanted = a[i1:i2], b[j1:j2]
        if typed and wanted:
            parts.append(f"พิมพ์ {_named(typed)} แทน {_named(wanted)}")
        elif typed:
            parts.append(f"มี {_named(typed)} เกินมา")
        else:
            parts.append(f"ขาด {_named(wanted)}")
    return "; ".join(parts)


def _named(chars: str) -> str:
    return " ".join(f"\"{ch}\" (U+{ord(ch):04X})" for ch in chars[:4]) + (" …" if len(chars) > 4 else "")


def cell_text(cell: Cell) -> str:
    """A cell as trimmed text (a number cell in a text column reads as the number)."""
    return normalize_space(cell.raw_text())


# --- dates ---------------------------------------------------------------------------------

# A Thai month by its full name or its abbreviation without dots (`กค` for `ก.ค.`).
THAI_MONTHS: dict[str, int] = {
    **{name: number for number, name in enumerate(MONTHS_LONG, start=1)},
    **{abbr.replace(".", ""): number for number, abbr in enumerate(MONTHS_SHORT, start=1)},
}

_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d+)$")
_ISO = re.compile(r"^(\d+)-(\d{1,2})-(\d{1,2})$")
_ERA_MARK = re.compile(r" ?พ\.? ?ศ\.? ?")  # `12 ก.ค. พ.ศ. 2553`
_THAI_MONTH_DATE = re.compile(r"^(\d{1,2}) ?([\u0E00-\u0E7F.][\u0E00-\u0E7F. ]*?) ?(\d+)$")


def _ce_year(year: int) -> int:
    return year - BE_OFFSET if year > BE_YEAR_FLOOR else year


def _make_date(year_text: str, month: int, day: int) -> dt.date:
    if len(year_text) != 4:
        raise CellProblem("date-year-digits")
    year = _ce_year(int(year_text))
    try:
        return dt.date(year, month, day)
    except ValueError as err:
        raise CellProblem("date-impossible") from err


def parse_date(cell: Cell) -> tuple[dt.date, str | None]:
    """A date, and the code of a warning when a date cell carried a BE year."""
    if cell.kind is CellKind.DATE:
        value = cell.value
        assert isinstance(value, dt.datetime)
        if value.year > BE_YEAR_FLOOR:
            try:
                return dt.date(value.year - BE_OFFSET, value.month, value.day), "date-be-cell"
            except ValueError as err:
                raise CellProblem("date-impossible") from err
        return value.date(), None
    if cell.kind in (CellKind.NUMBER, CellKind.PERCENT, CellKind.BOOL):
        raise CellProblem("date-not-date")
    text = to_ascii_digits(normalize_space(str(cell.value)))
    if match := _DMY.match(text):
        day, month, year = int(match[1]), int(match[2]), match[3]
        if month > 12 and day <= 12:
            raise CellProblem("date-month-first")
        return _make_date(year, month, day), None
    if match := _ISO.match(text):
        return _make_date(match[1], int(match[2]), int(match[3])), None
    if match := _THAI_MONTH_DATE.match(_ERA_MARK.sub(" ", text).strip()):
        month_name = match[2].replace(".", "").replace(" ", "")
        if month_name not in THAI_MONTHS:
            raise CellProblem("date-invalid")
        return _make_date(match[3], THAI_MONTHS[month_name], int(match[1])), None
    raise CellProblem("date-invalid")


# --- numbers -------------------------------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^[+-]?\.\d+$")


def _clean_float(value: float) -> float:
    """Undo binary noise from a percent cell (0.45 * 100 = 45.00000000000001)."""
    return round(value, 9)


def _number_from_text(text: str) -> tuple[float, bool]:
    """A number typed as text, and whether it carried a `%` sign."""
    text = to_ascii_digits(normalize_space(text)).replace(" ", "")
    has_percent = text.endswith("%")
    if has_percent:
        text = text[:-1]
    if not _NUMBER.match(text):
        raise CellProblem("number-invalid")
    return float(text.replace(",", "")), has_percent


NUMBER_LIMIT = 1e15  # larger is a typing slip; sums of a million such stay finite in JSON


def parse_number(cell: Cell) -> float:
    """A number: a numeric cell, or text like `1,234.50` / `๑,๒๓๔`.

    A percent-formatted cell means what it shows (a cell shown as 30% is 30), as does `30%`.
    NaN is invalid, and a number beyond ±1e15 (infinity included) is `number-too-large`, so no
    computation can overflow into a value strict JSON refuses.
    """
    try:
        if cell.kind is CellKind.NUMBER:
            value = float(cell.value)  # type: ignore[arg-type]
        elif cell.kind is CellKind.PERCENT:
            value = _clean_float(float(cell.value) * 100)  # type: ignore[arg-type]
        elif cell.kind is CellKind.TEXT:
            value = _number_from_text(str(cell.value))[0]
        else:
            raise CellProblem("number-invalid")
    except (OverflowError, ValueError, TypeError) as err:
        raise CellProblem("number-too-large") from err
    if value != value:  # NaN
        raise CellProblem("number-invalid")
    if abs(value) > NUMBER_LIMIT:
        raise CellProblem("number-too-large")
    return value


def parse_percent(cell: Cell) -> float:
    """A percentage 0–100: `45`, `45%`, or a percent-formatted cell (stored 0.45).

    A plain numeric cell holding 0.45 is 0.45 %: the cell's format decides, never its size.
    """
    return parse_number(cell)


def parse_result(cell: Cell) -> float | NotAssessed:
    """A KPI result: a number, or `-` / `ไม่ประเมิน` for not assessed this round."""
    if cell.kind is CellKind.TEXT:
        text = normalize_space(str(cell.value))
        if text in NOT_ASSESSED_TEXTS:
            return NOT_ASSESSED
    try:
        return parse_number(cell)
    except CellProblem as err:
        raise CellProblem("result-invalid") from err


# --- lists and national ids -----------------------------------------------------------------

_LIST_SEPARATORS = re.compile(r"\s*(?:,|、|/|\r?\n)\s*")


def split_list(text: str) -> list[str]:
    """Items of a list cell separated by `,` `、` `/` or line breaks."""
    return [normalize_space(item) for item in _LIST_SEPARATORS.split(text) if normalize_space(item)]


_ID_SEPARATORS = re.compile(r"[\s-]")
_THIRTEEN_DIGITS = re.compile(r"\d{13}")
_ID_WEIGHTS = tuple(range(13, 1, -1))
_ID_ZERO_SUM = ord("0") * sum(_ID_WEIGHTS)


def is_valid_national_id(text: str) -> bool:
    """13 digits (dashes and spaces allowed) with a valid mod-11 check digit."""
    plain = text.replace("-", "")
    if len(plain) == 13 and plain.isascii() and plain.isdigit():
        digits = plain  # the common forms, 13 ASCII digits with or without dashes
    else:
        digits = _ID_SEPARATORS.sub("", to_ascii_digits(text))
        if not _THIRTEEN_DIGITS.fullmatch(digits):
            return False
    if digits.isascii():  # the bytes of ASCII digits are their codes: no int() per digit
        total = sum(map(int.__mul__, digits[:12].encode(), _ID_WEIGHTS)) - _ID_ZERO_SUM
    else:
        total = sum(map(int.__mul__, map(int, digits[:12]), _ID_WEIGHTS))
    return (11 - total % 11) % 10 == int(digits[12])


def mask_national_id(text: str) -> str:
    """`X-XXXX-XXXX1-81-1`: only the last 4 digits of an ID are kept."""
    digits = re.sub(r"\D", "", to_ascii_digits(text))
    if len(digits) != 13:
        return "X" * max(len(digits) - 4, 0) + digits[-4:]
    masked = "X" * 9 + digits[9:]
    return f"{masked[0]}-{masked[1:5]}-{masked[5:10]}-{masked[10:12]}-{masked[12]}"


def mask_phone(text: str) -> str:
    """`XXX-XXX-1234`: only the last 4 digits of a phone number are kept."""
    digits = re.sub(r"\D", "", to_ascii_digits(text))
    return f"XXX-XXX-{digits[-4:]}" if digits else ""


def mask_name(text: str) -> str:
    """A name as its first character followed by `***`."""
    text = normalize_space(text)
    return f"{text[0]}***" if text else ""
