"""Pure helpers for the Sheets API emulator (``tests/emulator/sheets_emulator.py``).

Nothing here touches the network or emulator state.  The module holds:

* A1 notation: column letters, parsing of ``'Title'!A1:B2`` style ranges (quoted titles with
  ``''`` escapes, whole-sheet, open-ended ``A:B`` / ``A1:C`` / ``2:3`` / ``A1:1``, reversed
  ``D4:A1``), and the normalised echo Google gives back (``Sheet1!A1:Z1000``, titles quoted only
  when needed).
* Values: serial-number dates (days since 1899-12-30), USER_ENTERED parsing (formulas, numbers,
  ``"0042"`` -> 42, percents, ISO/locale dates, times, booleans, a leading apostrophe forcing text)
  and FORMATTED_VALUE rendering of numbers with a number format (``0.00``, ``#,##0.0``, ``0%``,
  ``yyyy-mm-dd``, ``d/m/yyyy``, ``hh:mm``...).
* Field masks: parsing ``sheets(properties,protectedRanges)`` / ``sheets.properties.title`` /
  ``userEnteredFormat(textFormat,backgroundColor)`` into a tree, pruning a response by it and
  applying it to an update.
* A tiny formula evaluator: arithmetic (``+ - * / ^ &``, comparisons), cell references (same or
  other sheet), IF and COUNTA — what the tests use.  Any other function evaluates to ``#NAME?`` (the
  formula text itself is always kept and returned for FORMULA reads).
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

__all__ = [
    "Box",
    "RangeParseError",
    "col_to_letters",
    "letters_to_col",
    "split_range",
    "parse_a1",
    "quote_title",
    "format_a1",
    "format_range",
    "date_to_serial",
    "serial_to_datetime",
    "parse_user_entered",
    "format_number",
    "format_general",
    "is_date_type",
    "parse_field_mask",
    "prune_fields",
    "apply_field_mask",
    "FieldTree",
    "FormulaEvaluator",
    "FormulaError",
]

# --------------------------------------------------------------------------------------------
# A1 notation
# --------------------------------------------------------------------------------------------


class RangeParseError(ValueError):
    """The text is not a range Google could parse (→ ``Unable to parse range: …``)."""


def col_to_letters(col: int) -> str:
    """0-based column index → letters (0 → ``A``, 25 → ``Z``, 26 → ``AA``)."""
    if col < 0:
        raise ValueError(col)
    out = ""
    n = col + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def letters_to_col(letters: str) -> int:
    """Letters → 0-based column index (``A`` → 0)."""
    n = 0
    for ch in letters.upper():
        if not "A" <= ch <= "Z":
            raise ValueError(letters)
        n = n * 26 + (ord(ch) - 64)
    return n - 1


@dataclass(frozen=True)
class Box:
    """A rectangle of cells, 0-based and half-open like a GridRange; ``None`` = unbounded."""

    row0: int | None = None
    row1: int | None = None
    col0: int | None = None
    col1: int | None = None

    def resolve(self, row_count: int, col_count: int) -> Box:
        """Fill unbounded sides from the grid size (the result is fully bounded)."""
        return Box(
            0 if self.row0 is None else self.row0,
            row_count if self.row1 is None else self.row1,
            0 if self.col0 is None else self.col0,
            col_count if self.col1 is None else self.col1,
        )

    @property
    def rows(self) -> int:
        assert self.row0 is not None and self.row1 is not None
        return self.row1 - self.row0

    @property
    def cols(self) -> int:
        assert self.col0 is not None and self.col1 is not None
        return self.col1 - self.col0

    def contains(self, row: int, col: int) -> bool:
        return (
            (self.row0 is None or row >= self.row0)
            and (self.row1 is None or row < self.row1)
            and (self.col0 is None or col >= self.col0)
            and (self.col1 is None or col < self.col1)
        )

    def cells(self) -> Iterator[tuple[int, int]]:
        for r in range(self.row0 or 0, self.row1 or 0):
            for c in range(self.col0 or 0, self.col1 or 0):
                yield r, c


_REF_RE = re.compile(r"^\$?([A-Za-z]{0,3})\$?([0-9]*)$")


def _parse_ref(text: str) -> tuple[int | None, int | None]:
    """``B3`` → (row 2, col 1); ``B`` → (None, 1); ``3`` → (2, None)."""
    m = _REF_RE.match(text)
    if not m or (not m.group(1) and not m.group(2)):
        raise RangeParseError(text)
    col = letters_to_col(m.group(1)) if m.group(1) else None
    row = int(m.group(2)) - 1 if m.group(2) else None
    if row is not None and row < 0:
        raise RangeParseError(text)
    return row, col


def parse_a1(a1: str) -> Box:
    """Parse the cell part of a range (``A1``, ``A1:B2``, ``A:B``, ``2:3``, ``A1:C``, ``A1:1``)."""
    a1 = a1.strip()
    if not a1:
        raise RangeParseError(a1)
    parts = a1.split(":")
    if len(parts) == 1:
        row, col = _parse_ref(parts[0])
        if row is None or col is None:
            raise RangeParseError(a1)
        return Box(row, row + 1, col, col + 1)
    if len(parts) != 2:
        raise RangeParseError(a1)
    (r_a, c_a), (r_b, c_b) = _parse_ref(parts[0]), _parse_ref(parts[1])
    # Rows
    if r_a is None and r_b is None:
        row0, row1 = None, None
    elif r_a is not None and r_b is not None:
        row0, row1 = min(r_a, r_b), max(r_a, r_b) + 1
    elif r_a is not None:  # A1:C  -> rows open below
        row0, row1 = r_a, None
    else:  # A:C3 -> rows from the top
        row0, row1 = 0, (r_b or 0) + 1
    # Columns
    if c_a is None and c_b is None:
        col0, col1 = None, None
    elif c_a is not None and c_b is not None:
        col0, col1 = min(c_a, c_b), max(c_a, c_b) + 1
    elif c_a is not None:  # A1:1 -> columns open to the right
        col0, col1 = c_a, None
    else:
        col0, col1 = 0, (c_b or 0) + 1
    return Box(row0, row1, col0, col1)


def split_range(text: str) -> tuple[str | None, str | None]:
    """Split ``'Jon''s'!A1`` → (``Jon's``, ``A1``); ``Sheet1`` → (None, ``Sheet1``) (ambiguous:
    the caller decides whether it is a title or A1 notation); ``'Quoted'`` → (``Quoted``, None)."""
    if text.startswith("'"):
        buf: list[str] = []
        i = 1
        while i < len(text):
            ch = text[i]
            if ch == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    buf.append("'")
                    i += 2
                    continue
                break
            buf.append(ch)
            i += 1
        else:
            raise RangeParseError(text)
        rest = text[i + 1 :]
        title = "".join(buf)
        if rest == "":
            return title, None
        if rest.startswith("!") and len(rest) > 1:
            return title, rest[1:]
        raise RangeParseError(text)
    if "!" in text:
        idx = text.rfind("!")
        title, a1 = text[:idx], text[idx + 1 :]
        if not title or not a1:
            raise RangeParseError(text)
        return title, a1
    return None, text


_CELLISH_RE = re.compile(r"^([A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc][0-9]*)$")


def _needs_quotes(title: str) -> bool:
    """Assumption (documented in the emulator): Google leaves a title unquoted when it is made of
    letters (any script, incl. combining marks such as Thai vowels), digits and ``_``, does not
    start with a digit and does not look like a cell reference; ``Sheet1`` and ``finances`` are
    unquoted in real responses, ``🌵 test_values_get 1`` is quoted."""
    if not title or title[0].isdigit() or _CELLISH_RE.match(title):
        return True
    if title.upper() in ("TRUE", "FALSE"):
        return True
    for ch in title:
        if ch == "_":
            continue
        if unicodedata.category(ch)[0] not in "LNM":
            return True
    return False


def quote_title(title: str) -> str:
    """Title as Google echoes it in ranges: quoted (with ``''``) only when needed."""
    if _needs_quotes(title):
        return "'" + title.replace("'", "''") + "'"
    return title


def format_a1(box: Box) -> str:
    """Bounded box → ``A1`` (single cell) or ``A1:D2``."""
    assert None not in (box.row0, box.row1, box.col0, box.col1)
    start = f"{col_to_letters(box.col0)}{box.row0 + 1}"  # type: ignore[operator,arg-type]
    if box.row1 - box.row0 == 1 and box.col1 - box.col0 == 1:  # type: ignore[operator]
        return start
    return f"{start}:{col_to_letters(box.col1 - 1)}{box.row1}"  # type: ignore[operator]


def format_range(title: str, box: Box) -> str:
    return f"{quote_title(title)}!{format_a1(box)}"


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

EPOCH = _dt.datetime(1899, 12, 30)


def date_to_serial(value: _dt.date | _dt.datetime | _dt.time) -> float:
    """Python date/datetime/time → Sheets serial number (days since 1899-12-30)."""
    if isinstance(value, _dt.datetime):
        delta = value.replace(tzinfo=None) - EPOCH
        return delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6
    if isinstance(value, _dt.date):
        return float((value - EPOCH.date()).days)
    if isinstance(value, _dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    raise TypeError(value)


def serial_to_datetime(serial: float) -> _dt.datetime:
    secs = round(serial * 86400)
    return EPOCH + _dt.timedelta(seconds=secs)


def is_date_type(number_format: dict | None) -> bool:
    return bool(number_format) and number_format.get("type") in ("DATE", "TIME", "DATE_TIME")  # type: ignore[union-attr]


# --------------------------------------------------------------------------------------------
# USER_ENTERED parsing
# --------------------------------------------------------------------------------------------

_NUM_RE = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d*)(?:\.(\d+))?$")
_PCT_RE = re.compile(r"^([+-]?(?:\d{1,3}(?:,\d{3})+|\d*)(?:\.\d+)?)\s?%$")
_CUR_RE = re.compile(r"^([+-]?)([$฿€£¥])\s?((?:\d{1,3}(?:,\d{3})+|\d*)(?:\.\d+)?)$")
_SCI_RE = re.compile(r"^[+-]?\d+(?:\.\d+)?[eE][+-]?\d+$")
_ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_ISO_DT_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
_SLASH_YMD_RE = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_SLASH_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def _plain_number(text: str) -> tuple[float, bool, int] | None:
    """Parse ``-1,234.50`` → (value, has_thousands, decimals) or None."""
    m = _NUM_RE.match(text)
    if not m or (not m.group(2) and not m.group(3)):
        return None
    sign, int_part, frac = m.groups()
    value = float((int_part or "0").replace(",", "") + ("." + frac if frac else ""))
    if sign == "-":
        value = -value
    return value, "," in (int_part or ""), len(frac or "")


def _num_value(x: float) -> dict:
    return {"numberValue": x}


def parse_user_entered(text: str, locale: str = "th_TH") -> tuple[dict, dict | None]:
    """Parse a string the way the Sheets UI does for ``USER_ENTERED``.

    Returns ``(ExtendedValue, inferred numberFormat or None)``.
    """
    if text.startswith("'"):
        return {"stringValue": text[1:]}, None
    if text.startswith("=") and len(text) > 1:
        return {"formulaValue": text}, None
    s = text.strip()
    if s.upper() in ("TRUE", "FALSE"):
        return {"boolValue": s.upper() == "TRUE"}, None
    num = _plain_number(s)
    if num is not None:
        value, thousands, decimals = num
        if thousands:
            pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
            return _num_value(value), {"type": "NUMBER", "pattern": pattern}
        return _num_value(value), None
    if _SCI_RE.match(s):
        return _num_value(float(s)), {"type": "SCIENTIFIC", "pattern": "0.00E+00"}
    m = _PCT_RE.match(s)
    if m:
        inner = _plain_number(m.group(1))
        if inner is not None:
            value = float(Decimal(str(inner[0])) / 100)
            return _num_value(value), {"type": "PERCENT", "pattern": "0.00%" if inner[2] else "0%"}
    m = _CUR_RE.match(s)
    if m:
        inner = _plain_number(m.group(3))
        if inner is not None:
            value = -inner[0] if m.group(1) == "-" else inner[0]
            sym = m.group(2)
            return _num_value(value), {"type": "CURRENCY", "pattern": f'"{sym}"#,##0.00'}
    try:
        m = _ISO_DATE_RE.match(s)
        if m:
            d = _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            return _num_value(date_to_serial(d)), {"type": "DATE", "pattern": "yyyy-mm-dd"}
        m = _ISO_DT_RE.match(s)
        if m:
            d2 = _dt.datetime(*(int(g) for g in m.groups()[:5]), int(m.group(6) or 0))  # type: ignore[misc]
            return _num_value(date_to_serial(d2)), {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm:ss"}
        m = _SLASH_YMD_RE.match(s)
        if m:
            d = _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            return _num_value(date_to_serial(d)), {"type": "DATE", "pattern": "yyyy/mm/dd"}
        m = _SLASH_DATE_RE.match(s)
        if m:
            a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
            if locale.startswith("en_US"):
                d, pattern = _dt.date(y, a, b), "m/d/yyyy"
            else:
                d, pattern = _dt.date(y, b, a), "d/m/yyyy"
            return _num_value(date_to_serial(d)), {"type": "DATE", "pattern": pattern}
        m = _TIME_RE.match(s)
        if m:
            t = _dt.time(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))
            return _num_value(date_to_serial(t)), {"type": "TIME", "pattern": "hh:mm:ss" if m.group(3) else "hh:mm"}
    except ValueError:  # e.g. 31/02/2026: not a real date -> stays text
        pass
    return {"stringValue": text}, None


# --------------------------------------------------------------------------------------------
# Rendering numbers (FORMATTED_VALUE)
# --------------------------------------------------------------------------------------------

_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_DEFAULT_PATTERNS = {
    "DATE": "yyyy-mm-dd",
    "TIME": "hh:mm:ss",
    "DATE_TIME": "yyyy-mm-dd hh:mm:ss",
    "PERCENT": "0.00%",
    "NUMBER": "#,##0.00",
    "CURRENCY": '"฿"#,##0.00',
    "SCIENTIFIC": "0.00E+00",
}


def format_general(x: float) -> str:
    """Google's automatic format: integers without decimals, up to 10 decimals otherwise."""
    if isinstance(x, bool):
        return "TRUE" if x else "FALSE"
    if math.isnan(x) or math.isinf(x):
        return "#NUM!"
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    if abs(x) >= 1e15 or (abs(x) < 1e-10 and x != 0):
        mant, exp = f"{x:.2E}".split("E")
        return f"{mant}E{int(exp):+03d}"
    text = f"{x:.10f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


_DT_TOKEN_RE = re.compile(
    r'"[^"]*"|\\.|yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|a/p|\.0+|.',
    re.IGNORECASE,
)


def _format_datetime(serial: float, pattern: str) -> str:
    value = serial_to_datetime(serial)
    tokens = _DT_TOKEN_RE.findall(pattern)
    lower = [t.lower() for t in tokens]
    has_ampm = any(t in ("am/pm", "a/p") for t in lower)
    out: list[str] = []
    for i, tok in enumerate(tokens):
        low = lower[i]
        if low in ("m", "mm"):
            # minutes when after an hour token or before a seconds token
            prev = next((t for t in reversed(lower[:i]) if t[0] in "hdysm" and t not in ("am/pm",)), "")
            nxt = next((t for t in lower[i + 1 :] if t[0] in "hdysm" and t not in ("am/pm",)), "")
            if prev.startswith("h") or nxt.startswith("s"):
                out.append(f"{value.minute:02d}" if low == "mm" else str(value.minute))
            else:
                out.append(f"{value.month:02d}" if low == "mm" else str(value.month))
        elif low == "yyyy":
            out.append(f"{value.year:04d}")
        elif low == "yy":
            out.append(f"{value.year % 100:02d}")
        elif low == "mmmm":
            out.append(_MONTHS[value.month - 1])
        elif low == "mmm":
            out.append(_MONTHS[value.month - 1][:3])
        elif low == "dddd":
            out.append(_DAYS[value.weekday()])
        elif low == "ddd":
            out.append(_DAYS[value.weekday()][:3])
        elif low == "dd":
            out.append(f"{value.day:02d}")
        elif low == "d":
            out.append(str(value.day))
        elif low in ("hh", "h"):
            hour = value.hour
            if has_ampm:
                hour = hour % 12 or 12
            out.append(f"{hour:02d}" if low == "hh" else str(hour))
        elif low == "ss":
            out.append(f"{value.second:02d}")
        elif low == "s":
            out.append(str(value.second))
        elif low == "am/pm":
            out.append("AM" if value.hour < 12 else "PM")
        elif low == "a/p":
            out.append("A" if value.hour < 12 else "P")
        elif tok.startswith('"'):
            out.append(tok[1:-1])
        elif tok.startswith("\\"):
            out.append(tok[1:])
        elif tok.startswith("."):
            out.append("." + "0" * (len(tok) - 1))
        else:
            out.append(tok)
    return "".join(out)


_NUM_CORE_RE = re.compile(r"[0#?,]*\.?[0#?]*(?:[eE][+-]?0+)?")


def _strip_literals(section: str) -> list[tuple[str, str]]:
    """Split a number-format section into ('lit', text) and ('fmt', text) pieces."""
    pieces: list[tuple[str, str]] = []
    i = 0
    while i < len(section):
        ch = section[i]
        if ch == '"':
            j = section.find('"', i + 1)
            j = len(section) if j < 0 else j
            pieces.append(("lit", section[i + 1 : j]))
            i = j + 1
        elif ch == "\\" and i + 1 < len(section):
            pieces.append(("lit", section[i + 1]))
            i += 2
        elif ch == "[":
            j = section.find("]", i)
            j = len(section) if j < 0 else j
            inner = section[i + 1 : j]
            if inner.startswith("$"):
                pieces.append(("lit", inner[1:].split("-")[0]))
            i = j + 1
        elif ch == "_" and i + 1 < len(section):
            pieces.append(("lit", " "))
            i += 2
        elif ch == "*" and i + 1 < len(section):
            i += 2
        else:
            pieces.append(("fmt", ch))
            i += 1
    return pieces


def _format_numeric_pattern(x: float, pattern: str) -> str:
    sections = pattern.split(";")
    section = sections[0]
    negative = x < 0
    if negative and len(sections) > 1 and sections[1]:
        section, x = sections[1], -x
        negative = False
    pieces = _strip_literals(section)
    fmt_text = "".join(t for k, t in pieces if k == "fmt")
    if "@" in fmt_text and not re.search(r"[0#]", fmt_text):
        return format_general(x)
    percent = "%" in fmt_text
    value = abs(x) * (100 if percent else 1)
    # find the numeric core in the fmt pieces
    flat = ""
    kinds: list[str] = []
    for k, t in pieces:
        flat += t
        kinds.extend([k] * len(t))
    start = None
    for idx, ch in enumerate(flat):
        if kinds[idx] == "fmt" and ch in "0#?.":
            start = idx
            break
    if start is None:
        return ("-" if negative else "") + "".join(t for k, t in pieces if k == "lit" or t not in "%") or format_general(x)
    end = start
    while end < len(flat) and kinds[end] == "fmt" and flat[end] in "0#?,.":
        end += 1
    core = flat[start:end]
    prefix = "".join(ch for idx, ch in enumerate(flat[:start]))
    suffix = flat[end:]
    int_spec, _, frac_spec = core.partition(".")
    thousands = "," in int_spec
    # trailing commas scale by 1000
    scale_commas = len(int_spec) - len(int_spec.rstrip(","))
    value = value / (1000 ** scale_commas)
    int_spec = int_spec.replace(",", "")
    max_dec = len(frac_spec)
    min_dec = frac_spec.count("0")
    quant = Decimal(1).scaleb(-max_dec)
    rounded = Decimal(repr(value)).quantize(quant, rounding=ROUND_HALF_UP)
    text = f"{rounded:f}"
    int_part, _, frac_part = text.partition(".")
    frac_part = frac_part.ljust(max_dec, "0")
    while len(frac_part) > min_dec and frac_part.endswith("0"):
        frac_part = frac_part[:-1]
    min_int = int_spec.count("0")
    if int_part == "0" and min_int == 0:
        int_part = ""
    int_part = int_part.rjust(min_int, "0")
    if thousands and int_part:
        int_part = f"{int(int_part):,}"
    number = int_part + ("." + frac_part if frac_part or (max_dec and min_dec) else "")
    if rounded == 0:
        negative = False
    return ("-" if negative else "") + prefix + number + suffix


def format_number(x: float, number_format: dict | None) -> str:
    """FORMATTED_VALUE of a number given the cell's ``numberFormat`` (``None`` → automatic)."""
    if not number_format:
        return format_general(x)
    typ = number_format.get("type") or "NUMBER"
    pattern = number_format.get("pattern") or _DEFAULT_PATTERNS.get(typ, "")
    if typ == "TEXT" or not pattern:
        return format_general(x)
    if typ in ("DATE", "TIME", "DATE_TIME"):
        try:
            return _format_datetime(x, pattern)
        except (OverflowError, ValueError):
            return format_general(x)
    if re.search(r"[eE][+-]", pattern):
        decimals = len(pattern.split(".")[1].split("E")[0].split("e")[0]) if "." in pattern else 0
        mant, exp = f"{x:.{decimals}E}".split("E")
        return f"{mant}E{int(exp):+03d}"
    return _format_numeric_pattern(x, pattern)


# --------------------------------------------------------------------------------------------
# Field masks
# --------------------------------------------------------------------------------------------

FieldTree = dict  # name -> FieldTree | None  (None = the whole field)


def _merge_tree(tree: FieldTree, name: str, sub: FieldTree | None) -> None:
    if name in tree:
        cur = tree[name]
        if cur is None or sub is None:
            tree[name] = None
        else:
            for k, v in sub.items():
                _merge_tree(cur, k, v)
    else:
        tree[name] = sub


def parse_field_mask(mask: str) -> FieldTree:
    """``a.b(c,d/e),f`` → ``{"a": {"b": {"c": None, "d": {"e": None}}}, "f": None}``."""
    pos = 0

    def parse_list() -> FieldTree:
        nonlocal pos
        tree: FieldTree = {}
        while True:
            while pos < len(mask) and mask[pos] in " \n\t":
                pos += 1
            path: list[str] = []
            name = ""
            while pos < len(mask) and mask[pos] not in ",()":
                ch = mask[pos]
                if ch in "./":
                    path.append(name.strip())
                    name = ""
                else:
                    name += ch
                pos += 1
            path.append(name.strip())
            sub: FieldTree | None = None
            if pos < len(mask) and mask[pos] == "(":
                pos += 1
                sub = parse_list()
                if pos >= len(mask) or mask[pos] != ")":
                    raise ValueError(f"Invalid field mask: {mask}")
                pos += 1
            path = [p for p in path if p]
            if path:
                node: FieldTree | None = sub
                for part in reversed(path[1:]):
                    node = {part: node}
                _merge_tree(tree, path[0], node)
            if pos < len(mask) and mask[pos] == ",":
                pos += 1
                continue
            return tree

    tree = parse_list()
    if pos != len(mask):
        raise ValueError(f"Invalid field mask: {mask}")
    return tree


def prune_fields(obj: Any, tree: FieldTree | None) -> Any:
    """Keep only the fields selected by ``tree`` (partial response, ``fields=`` parameter)."""
    if tree is None or "*" in tree:
        return obj
    if isinstance(obj, list):
        return [prune_fields(item, tree) for item in obj]
    if isinstance(obj, dict):
        return {k: prune_fields(v, tree[k]) for k, v in obj.items() if k in tree}
    return obj


def apply_field_mask(target: dict, source: dict, tree: FieldTree) -> dict:
    """Return a copy of ``target`` where each field named in ``tree`` is taken from ``source``
    (a field absent or null in ``source`` is cleared), as an update request's ``fields`` does."""
    import copy

    if "*" in tree:
        return copy.deepcopy({k: v for k, v in source.items() if v is not None})
    result = dict(target)
    for name, sub in tree.items():
        src = source.get(name) if isinstance(source, dict) else None
        if sub is None:
            if src is None:
                result.pop(name, None)
            else:
                result[name] = copy.deepcopy(src)
        else:
            cur = result.get(name)
            child = apply_field_mask(cur if isinstance(cur, dict) else {}, src if isinstance(src, dict) else {}, sub)
            if child:
                result[name] = child
            else:
                result.pop(name, None)
    return result


# --------------------------------------------------------------------------------------------
# Formula evaluation (deliberately small)
# --------------------------------------------------------------------------------------------


class FormulaError(Exception):
    """Evaluation failed; ``str(err)`` is the Sheets error value (``#NAME?``, ``#DIV/0!``…)."""


_TOKEN_RE = re.compile(
    r"""\s*(?:
        (?P<str>"(?:[^"]|"")*")
      | (?P<ref>(?:'(?:[^']|'')+'|[^\s'!"(),:;=<>+\-*/^&%]+)!\$?[A-Za-z]{1,3}\$?\d*(?::\$?[A-Za-z]{1,3}\$?\d*)?
               |\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?(?![A-Za-z0-9_(])
               |\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}(?![A-Za-z0-9_(]))
      | (?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)
      | (?P<name>[A-Za-z_][A-Za-z0-9_.]*)
      | (?P<op><>|<=|>=|[-+*/^&=<>(),;:%])
    )""",
    re.VERBOSE,
)

CellGetter = Callable[[str | None, int, int], Any]
RangeGetter = Callable[[str | None, Box], list]


@dataclass
class _RangeRef:
    values: list  # flat list of evaluated cell values (None for empty)


def _to_number(v: Any) -> float:
    if v is None or v == "":
        return 0.0
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            raise FormulaError("#VALUE!") from None
    raise FormulaError("#VALUE!")


def _to_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return format_general(v)
    return str(v)


def _to_bool(v: Any) -> bool:
    if isinstance(v, str):
        if v.upper() in ("TRUE", "FALSE"):
            return v.upper() == "TRUE"
        raise FormulaError("#VALUE!")
    return bool(_to_number(v))


class FormulaEvaluator:
    """Evaluate a formula string with a callback that returns evaluated cell values.

    ``get_range(sheet_title_or_None, box)`` must return a flat list of evaluated values
    (numbers as float, strings, bools, ``None`` for empty) and may raise FormulaError.
    The formula is parsed to a small AST first, so ``IF`` only evaluates the branch it needs
    (``=IF(B1=0,0,A1/B1)`` works).
    """

    def __init__(self, get_range: RangeGetter) -> None:
        self._get_range = get_range
        self._tokens: list[tuple[str, str]] = []
        self._pos = 0

    def evaluate(self, formula: str) -> Any:
        text = formula[1:] if formula.startswith("=") else formula
        self._tokens = self._tokenize(text)
        self._pos = 0
        tree = self._expr()
        if self._pos != len(self._tokens):
            raise FormulaError("#ERROR!")
        return self._scalar(self._eval(tree))

    def evaluate_safely(self, formula: str) -> Any:
        """Like :meth:`evaluate` but returns a FormulaError instance instead of raising."""
        try:
            return self.evaluate(formula)
        except FormulaError as err:
            return err
        except (RangeParseError, RecursionError, ValueError, TypeError, IndexError, KeyError, OverflowError):
            return FormulaError("#ERROR!")

    # -- lexer / parser (builds tuples) ----------------------------------------------------
    @staticmethod
    def _tokenize(text: str) -> list[tuple[str, str]]:
        tokens: list[tuple[str, str]] = []
        pos = 0
        while pos < len(text):
            if text[pos:].strip() == "":
                break
            m = _TOKEN_RE.match(text, pos)
            if not m or m.end() == pos:
                raise FormulaError("#ERROR!")
            kind = m.lastgroup or "op"
            tokens.append((kind, m.group(kind)))
            pos = m.end()
        return tokens

    def _peek(self) -> tuple[str, str] | None:
        return self._tokens[self._pos] if self._pos < len(self._tokens) else None

    def _take(self) -> tuple[str, str]:
        tok = self._peek()
        if tok is None:
            raise FormulaError("#ERROR!")
        self._pos += 1
        return tok

    def _accept(self, *ops: str) -> str | None:
        tok = self._peek()
        if tok and tok[0] == "op" and tok[1] in ops:
            self._pos += 1
            return tok[1]
        return None

    def _binary_level(self, ops: tuple[str, ...], sub: Callable[[], tuple]) -> tuple:
        left = sub()
        while True:
            op = self._accept(*ops)
            if op is None:
                return left
            left = ("bin", op, left, sub())

    def _expr(self) -> tuple:
        return self._binary_level(("=", "<>", "<", ">", "<=", ">="), self._concat)

    def _concat(self) -> tuple:
        return self._binary_level(("&",), self._additive)

    def _additive(self) -> tuple:
        return self._binary_level(("+", "-"), self._term)

    def _term(self) -> tuple:
        return self._binary_level(("*", "/"), self._power)

    def _power(self) -> tuple:
        base = self._unary()
        if self._accept("^"):
            return ("bin", "^", base, self._power())
        return base

    def _unary(self) -> tuple:
        if self._accept("-"):
            return ("neg", self._unary())
        if self._accept("+"):
            return ("pos", self._unary())
        node = self._primary()
        while self._accept("%"):
            node = ("pct", node)
        return node

    def _primary(self) -> tuple:
        kind, text = self._take()
        if kind == "num":
            return ("lit", float(text))
        if kind == "str":
            return ("lit", text[1:-1].replace('""', '"'))
        if kind == "ref":
            return ("ref", text)
        if kind == "name":
            upper = text.upper()
            if self._accept("("):
                args: list[tuple] = []
                if not self._accept(")"):
                    while True:
                        args.append(self._expr())
                        if self._accept(")"):
                            break
                        if not self._accept(",", ";"):
                            raise FormulaError("#ERROR!")
                return ("call", upper, args)
            if upper in ("TRUE", "FALSE"):
                return ("lit", upper == "TRUE")
            return ("err", "#NAME?")
        if kind == "op" and text == "(":
            node = self._expr()
            if not self._accept(")"):
                raise FormulaError("#ERROR!")
            return node
        raise FormulaError("#ERROR!")

    # -- evaluation ------------------------------------------------------------------------
    def _eval(self, node: tuple) -> Any:
        kind = node[0]
        if kind == "lit":
            return node[1]
        if kind == "err":
            raise FormulaError(node[1])
        if kind == "ref":
            return self._ref(node[1])
        if kind == "neg":
            return -_to_number(self._scalar(self._eval(node[1])))
        if kind == "pos":
            return _to_number(self._scalar(self._eval(node[1])))
        if kind == "pct":
            return _to_number(self._scalar(self._eval(node[1]))) / 100
        if kind == "bin":
            return self._binary(node[1], node[2], node[3])
        if kind == "call":
            return self._call(node[1], node[2])
        raise FormulaError("#ERROR!")

    def _binary(self, op: str, left_node: tuple, right_node: tuple) -> Any:
        a = self._scalar(self._eval(left_node))
        b = self._scalar(self._eval(right_node))
        if op in ("=", "<>", "<", ">", "<=", ">="):
            if isinstance(a, str) or isinstance(b, str):
                a, b = _to_text(a).lower(), _to_text(b).lower()
            else:
                a, b = _to_number(a), _to_number(b)
            return {"=": a == b, "<>": a != b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
        if op == "&":
            return _to_text(a) + _to_text(b)
        x, y = _to_number(a), _to_number(b)
        if op == "+":
            return x + y
        if op == "-":
            return x - y
        if op == "*":
            return x * y
        if op == "/":
            if y == 0:
                raise FormulaError("#DIV/0!")
            return x / y
        try:
            return float(x ** y)
        except (OverflowError, ZeroDivisionError):
            raise FormulaError("#NUM!") from None

    def _ref(self, text: str) -> _RangeRef:
        title: str | None = None
        a1 = text
        if "!" in text:
            title, a1_part = split_range(text)
            a1 = a1_part or ""
        box = parse_a1(a1.replace("$", ""))
        return _RangeRef(self._get_range(title, box))

    @staticmethod
    def _scalar(v: Any) -> Any:
        if isinstance(v, _RangeRef):
            if len(v.values) == 1:
                return v.values[0]
            raise FormulaError("#VALUE!")
        return v

    def _call(self, name: str, nodes: list[tuple]) -> Any:
        # The functions the tests use: IF (lazy: only the branch it needs is evaluated) and COUNTA.
        if name == "IF":
            if not 2 <= len(nodes) <= 3:
                raise FormulaError("#N/A")
            if _to_bool(self._scalar(self._eval(nodes[0]))):
                return self._scalar(self._eval(nodes[1]))
            return self._scalar(self._eval(nodes[2])) if len(nodes) == 3 else False
        if name == "COUNTA":
            values = [v for n in nodes for r in [self._eval(n)] for v in (r.values if isinstance(r, _RangeRef) else [r])]
            return float(sum(1 for v in values if v not in (None, "")))
        raise FormulaError("#NAME?")
