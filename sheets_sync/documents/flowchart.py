"""The SOP flowchart: the steps of a process drawn top to bottom with the standard shapes.

terminal = stadium (rounded ends), process = rectangle, decision = diamond, document = rectangle
with a wavy bottom. A decision's "ไม่ใช่" branch returns to the step before it (the usual
"check, else send back for correction" of a Thai SOP); its "ใช่" branch goes on down. The
person responsible and the standard time stand beside each shape. A long process is split
into pages joined by lettered connectors, never between a decision and the step it returns to.

Thai has no spaces between words and pythainlp is not a dependency, so text is wrapped by
measured width at Thai character-cluster boundaries (a vowel or tone mark never leaves its
consonant; a leading vowel never ends a line), preferring spaces and syllable boundaries.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Patch, PathPatch, Polygon, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.textpath import TextToPath

from ..present.thai import digits
from .charts import figure_png, register_thai_font, thai_figure

SHAPE_KINDS = ("terminal", "process", "decision", "document")

# Geometry, in inches (the axes span the whole figure, one data unit = one inch).
WIDTH = 6.2
NUMBER_X = 0.3  # centre of the step-number column
LOOP_X = 0.6  # the vertical line of a decision's "no" branch
SHAPE_LEFT, SHAPE_WIDTH = 1.08, 3.0
SHAPE_X = SHAPE_LEFT + SHAPE_WIDTH / 2
SIDE_LEFT, SIDE_WIDTH = 4.25, 1.85  # responsible person and time
HEADER_H = 0.35
GAP = 0.38  # vertical space between shapes (the arrow)
PAD = 0.18
LINE_H = 0.2  # one line of 10 pt text
TEXT_PT, SIDE_PT = 10, 9
MAX_PAGE_HEIGHT = 8.4  # fits a portrait A4 page under a heading
LINE_COLOUR, FILL = "#263238", {"terminal": "#E3F2FD", "process": "#FFFFFF", "decision": "#FFF8E1", "document": "#F1F8E9"}
CONNECTOR_LABELS = "กขคงจฉชซฌญฎฏฐฑฒณดตถทธนบปผฝพฟภมยรลวศษสหฬอฮ"


@dataclass(frozen=True)
class FlowStep:
    """One box of the chart. `number` is None for the start/end terminals the chart adds."""

    number: int | None
    text: str
    kind: str = "process"
    responsible: str = ""
    duration: str = ""


@dataclass(frozen=True)
class DrawnShape:
    """What was drawn, for the document and for tests: the step, the shape kind, the label."""

    step_no: int | None
    kind: str  # one of SHAPE_KINDS, or "connector"
    label: str


@dataclass(frozen=True)
class FlowchartPage:
    png: bytes
    shapes: tuple[DrawnShape, ...]
    width_in: float
    height_in: float


# --- Thai-aware wrapping -----------------------------------------------------------------------
_ATTACH_BEFORE = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0e30\u0e32\u0e33\u0e45\u0e46\u0e2f]")
_LEADING_VOWEL = re.compile("[\u0e40-\u0e44]")
_SYLLABLE_END = re.compile("[\u0e30\u0e33\u0e46\u0e2f]")  # ะ ำ ๆ ฯ end a syllable
_VOWEL_SIGN = re.compile("[\u0e31\u0e32\u0e34-\u0e39\u0e47]")  # ั า ิ ี ึ ื ุ ู ็ sit on a syllable's first consonant
# Two consonants that begin one syllable: a true cluster (กร, ปล, คว …) or a leading ห/อ (หน, อย …).
_CLUSTER_PAIRS = {**{first: "รลว" for first in "กขคตปพผ"}, "ห": "งญนมยรลว", "อ": "ย"}


def thai_clusters(text: str) -> list[str]:
    """Split into units a line may break between: a mark or following vowel stays with the
    character before it, a leading vowel (เ แ โ ใ ไ) with the character after it."""
    clusters: list[str] = []
    pending = ""
    for char in text:
        if _ATTACH_BEFORE.match(char) and clusters and not pending:
            clusters[-1] += char
        elif _LEADING_VOWEL.match(char):
            pending += char
        else:
            clusters.append(pending + char)
            pending = ""
    if pending:
        clusters.append(pending)
    return clusters


def _syllable_starts(clusters: list[str], index: int) -> bool:
    """A likely syllable boundary before `clusters[index]` (a guess: there is no dictionary):
    before a leading vowel; after ะ/ำ; before a consonant carrying a vowel sign, unless it is
    the second consonant of a cluster such as กร or หน."""
    if index <= 0 or index >= len(clusters):
        return index == len(clusters)
    before, here = clusters[index - 1], clusters[index]
    if _LEADING_VOWEL.match(here[0]) or _SYLLABLE_END.search(before[-1]):
        return True
    if _VOWEL_SIGN.search(here):
        return not (len(before) == 1 and here[0] in _CLUSTER_PAIRS.get(before, ""))
    return False


def char_budget(limit: int) -> Callable[[str], bool]:
    """A `fits` test counting spacing characters only (marks take no width)."""
    return lambda line: sum(1 for c in line if not _ATTACH_BEFORE.match(c) or c in "\u0e30\u0e32\u0e33\u0e45\u0e46\u0e2f") <= limit


def wrap_thai(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Wrap `text` into lines that `fits`, keeping its own line breaks and its spaces' words."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(_wrap_paragraph(paragraph.split(), fits))
    return lines or [""]


def _wrap_paragraph(words: list[str], fits: Callable[[str], bool]) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if fits(candidate):
            current = candidate
            continue
        if current:
            lines.append(current)
        pieces = _split_word(word, fits)
        lines.extend(pieces[:-1])
        current = pieces[-1]
    if current:
        lines.append(current)
    return lines


def _split_word(word: str, fits: Callable[[str], bool]) -> list[str]:
    """Break a word too long for one line, at a syllable boundary when one is near the end."""
    clusters = thai_clusters(word)
    pieces: list[str] = []
    while clusters:
        count = 1
        while count < len(clusters) and fits("".join(clusters[: count + 1])):
            count += 1
        if count < len(clusters):
            preferred = [i for i in range(1, count + 1) if _syllable_starts(clusters, i)]
            if preferred and preferred[-1] >= count / 3:
                count = preferred[-1]
        pieces.append("".join(clusters[:count]))
        clusters = clusters[count:]
    return pieces or [word]


@lru_cache(maxsize=4)
def _font(size: float) -> FontProperties:
    return FontProperties(family=register_thai_font(), size=size)


def width_fits(max_width_in: float, size: float = TEXT_PT) -> Callable[[str], bool]:
    """A `fits` test that measures the text in Sarabun at `size` points."""
    measure = TextToPath()
    prop = _font(size)
    limit = max_width_in * 72

    def fits(line: str) -> bool:
        width, _height, _descent = measure.get_text_width_height_descent(line, prop, ismath=False)
        return width <= limit

    return fits


# --- layout ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Box:
    step: FlowStep
    lines: tuple[str, ...]
    side: tuple[str, ...]
    height: float


TERMINAL_RADIUS = 0.3  # the stadium's round ends; capped so a tall terminal keeps its straight body


def _text_width(kind: str) -> float:
    # Two or three lines inside a diamond stay clear of its edges at 60 % of its width; a
    # terminal's text stays on the straight part between its round ends.
    if kind == "decision":
        return SHAPE_WIDTH * 0.6
    if kind == "terminal":
        return SHAPE_WIDTH - 2 * TERMINAL_RADIUS - 0.2
    return SHAPE_WIDTH - 0.3


def _box(step: FlowStep, thai_digits: bool) -> _Box:
    kind = step.kind if step.kind in SHAPE_KINDS else "process"
    lines = tuple(wrap_thai(step.text, width_fits(_text_width(kind))))
    side_fits = width_fits(SIDE_WIDTH, SIDE_PT)
    side = tuple(wrap_thai(step.responsible, side_fits)) if step.responsible else ()
    if step.duration:
        side += tuple(wrap_thai(digits(step.duration, thai_digits), side_fits))
    text_h = len(lines) * LINE_H
    height = {
        "terminal": max(0.45, text_h + 0.2),
        "process": max(0.55, text_h + 0.3),
        "document": max(0.6, text_h + 0.42),
        "decision": max(0.95, text_h * 2 + 0.35),
    }[kind]
    height = max(height, len(side) * LINE_H * SIDE_PT / TEXT_PT + 0.1)
    return _Box(FlowStep(step.number, step.text, kind, step.responsible, step.duration), lines, side, height)


def with_terminals(steps: Sequence[FlowStep]) -> list[FlowStep]:
    """Start and end with a terminal: add `เริ่มต้น` / `สิ้นสุด` when the steps do not."""
    steps = list(steps)
    if not steps or steps[0].kind != "terminal":
        steps.insert(0, FlowStep(None, "เริ่มต้น", "terminal"))
    if steps[-1].kind != "terminal" or len(steps) == 1:
        steps.append(FlowStep(None, "สิ้นสุด", "terminal"))
    return steps


def _paginate(boxes: Sequence[_Box], max_height: float = MAX_PAGE_HEIGHT) -> list[list[_Box]]:
    """Split into pages no taller than `max_height`; a decision stays with the step before it."""
    pages: list[list[_Box]] = [[]]
    used = HEADER_H + PAD
    for box in boxes:
        need = box.height + GAP
        if pages[-1] and used + need + 0.5 > max_height:
            carried = _carried_with(box, pages[-1], max_height - HEADER_H - PAD - need - 0.5)
            pages.append(carried)
            used = HEADER_H + PAD + sum(b.height + GAP for b in carried) + 0.5
        pages[-1].append(box)
        used += need
    return pages


def _carried_with(box: _Box, page: list[_Box], room: float) -> list[_Box]:
    """What moves to the next page with a decision: the decisions just before it and the step
    they loop back to, so every decision's "no" branch has its target on its own page."""
    if box.step.kind != "decision":
        return []
    carried: list[_Box] = []
    while len(page) > 1 and sum(b.height + GAP for b in carried) + page[-1].height <= room:
        carried.insert(0, page.pop())
        if carried[0].step.kind != "decision":
            break
    return carried


# --- drawing ---------------------------------------------------------------------------------------
def _shape_patch(kind: str, top: float, height: float) -> Patch:
    left, right, bottom = SHAPE_LEFT, SHAPE_LEFT + SHAPE_WIDTH, top + height
    style = {"facecolor": FILL[kind], "edgecolor": LINE_COLOUR, "linewidth": 1.2}
    if kind == "terminal":
        radius = min(height / 2, TERMINAL_RADIUS)
        return FancyBboxPatch((left + radius, top), SHAPE_WIDTH - 2 * radius, height,
                              boxstyle=f"round,pad=0,rounding_size={radius}", mutation_aspect=1, **style)  # fmt: skip
    if kind == "decision":
        middle = top + height / 2
        return Polygon([(SHAPE_X, top), (right, middle), (SHAPE_X, bottom), (left, middle)], closed=True, **style)
    if kind == "document":
        wave = 0.1
        body = bottom - wave
        points = [(left, top), (right, top), (right, body)]
        codes = [MplPath.MOVETO, MplPath.LINETO, MplPath.LINETO]
        quarter = SHAPE_WIDTH / 4
        # One S-shaped wave from right to left: down, then up, in two cubic curves.
        points += [(right - quarter, body - wave * 2), (right - quarter, body + wave * 2), (SHAPE_X, body)]
        points += [(SHAPE_X - quarter, body - wave * 2), (SHAPE_X - quarter, body + wave * 2), (left, body)]
        codes += [MplPath.CURVE4] * 6
        points.append((left, top))
        codes.append(MplPath.CLOSEPOLY)
        return PathPatch(MplPath(points, codes), **style)
    return Rectangle((left, top), SHAPE_WIDTH, height, **style)


def _arrow(ax, points: Sequence[tuple[float, float]]) -> None:
    codes = [MplPath.MOVETO] + [MplPath.LINETO] * (len(points) - 1)
    ax.add_patch(FancyArrowPatch(path=MplPath(points, codes), arrowstyle="-|>", mutation_scale=12,
                                 color=LINE_COLOUR, linewidth=1.1, shrinkA=0, shrinkB=0))  # fmt: skip


def _connector(ax, y: float, label: str) -> Patch:
    circle = Circle((SHAPE_X, y), 0.16, facecolor="white", edgecolor=LINE_COLOUR, linewidth=1.2)
    ax.add_patch(circle)
    ax.text(SHAPE_X, y, label, ha="center", va="center", fontsize=TEXT_PT, fontweight="bold")
    return circle


def _page_height(boxes: Sequence[_Box], connectors: int) -> float:
    return HEADER_H + PAD * 2 + sum(b.height for b in boxes) + GAP * (len(boxes) - 1) + connectors * (0.32 + GAP)


def _draw_page(
    boxes: Sequence[_Box], *, enter: str | None = None, leave: str | None = None, thai_digits: bool = False
) -> tuple[Figure, list[tuple[DrawnShape, Patch]]]:
    """Draw one page; `enter`/`leave` label the connectors joining it to the pages around it."""
    height = _page_height(boxes, (enter is not None) + (leave is not None))
    with thai_figure(WIDTH, height) as figure:
        figure.set_layout_engine("none")
        ax = figure.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, WIDTH)
        ax.set_ylim(height, 0)
        ax.axis("off")
        drawn: list[tuple[DrawnShape, Patch]] = []
        _header(ax)
        y = HEADER_H + PAD
        previous_bottom: float | None = None
        placed: list[tuple[_Box, float]] = []
        if enter is not None:
            drawn.append((DrawnShape(None, "connector", enter), _connector(ax, y + 0.16, enter)))
            previous_bottom = y + 0.32
            y += 0.32 + GAP
        for box in boxes:
            if previous_bottom is not None:
                _arrow(ax, [(SHAPE_X, previous_bottom), (SHAPE_X, y)])
            patch = _shape_patch(box.step.kind, y, box.height)
            ax.add_patch(patch)
            _label_box(ax, box, y, thai_digits)
            if box.step.kind == "decision":
                # Neighbouring decisions' loops take turns on two lines, so they never overlap.
                chain = 0
                while chain < len(placed) and placed[-1 - chain][0].step.kind == "decision":
                    chain += 1
                _decision_branches(ax, y, box.height, placed[-1] if placed else None, LOOP_X - 0.2 * (chain % 2))
            drawn.append((DrawnShape(box.step.number, box.step.kind, box.step.text), patch))
            placed.append((box, y))
            previous_bottom = y + box.height
            y += box.height + GAP
        if leave is not None:
            _arrow(ax, [(SHAPE_X, previous_bottom), (SHAPE_X, y)])
            drawn.append((DrawnShape(None, "connector", leave), _connector(ax, y + 0.16, leave)))
        return figure, drawn


def _header(ax) -> None:
    ax.add_patch(Rectangle((0.02, 0.02), WIDTH - 0.04, HEADER_H - 0.06, facecolor="#ECEFF1", edgecolor="none"))
    middle = HEADER_H / 2
    for x, text in ((NUMBER_X, "ลำดับ"), (SHAPE_X, "ขั้นตอน"), (SIDE_LEFT + SIDE_WIDTH / 2, "ผู้รับผิดชอบ / ระยะเวลา")):
        ax.text(x, middle, text, ha="center", va="center", fontsize=SIDE_PT, fontweight="bold")


def _label_box(ax, box: _Box, top: float, thai_digits: bool) -> None:
    middle = top + box.height / 2
    offset = -0.05 if box.step.kind == "document" else 0
    ax.text(SHAPE_X, middle + offset, "\n".join(box.lines), ha="center", va="center", fontsize=TEXT_PT, linespacing=1.35)
    if box.step.number is not None:
        ax.text(NUMBER_X, middle, digits(str(box.step.number), thai_digits), ha="center", va="center",
                fontsize=TEXT_PT, fontweight="bold")  # fmt: skip
    if box.side:
        ax.text(SIDE_LEFT, middle, "\n".join(box.side), ha="left", va="center", fontsize=SIDE_PT, linespacing=1.3,
                color="#37474F")  # fmt: skip


def _decision_branches(ax, top: float, height: float, previous: tuple[_Box, float] | None, loop_x: float = LOOP_X) -> None:
    """"ใช่" continues down; "ไม่ใช่" goes back to the previous shape's left side."""
    middle = top + height / 2
    ax.text(SHAPE_X + 0.08, top + height + 0.04, "ใช่", ha="left", va="top", fontsize=SIDE_PT, color="#1B5E20")
    if previous is None:
        return
    prev_box, prev_top = previous
    prev_middle = prev_top + prev_box.height / 2
    # A terminal's round end starts one radius in from the column's left edge: point at it.
    target_x = SHAPE_LEFT + (min(prev_box.height / 2, TERMINAL_RADIUS) if prev_box.step.kind == "terminal" else 0)
    _arrow(ax, [(SHAPE_LEFT, middle), (loop_x, middle), (loop_x, prev_middle), (target_x, prev_middle)])
    ax.text((SHAPE_LEFT + loop_x) / 2, middle - 0.03, "ไม่ใช่", ha="center", va="bottom", fontsize=SIDE_PT, color="#B71C1C")


def flowchart_figures(
    steps: Iterable[FlowStep], *, thai_digits: bool = False, max_height: float = MAX_PAGE_HEIGHT
) -> list[tuple[Figure, list[tuple[DrawnShape, Patch]]]]:
    """The figures of the chart, one per page, each with the shapes drawn and their artists."""
    boxes = [_box(step, thai_digits) for step in with_terminals(list(steps))]
    pages = _paginate(boxes, max_height)
    figures = []
    for index, page in enumerate(pages):
        enter = CONNECTOR_LABELS[index - 1] if index > 0 else None
        leave = CONNECTOR_LABELS[index] if index < len(pages) - 1 else None
        figures.append(_draw_page(page, enter=enter, leave=leave, thai_digits=thai_digits))
    return figures


def draw_flowchart(steps: Iterable[FlowStep], *, thai_digits: bool = False, max_height: float = MAX_PAGE_HEIGHT) -> list[FlowchartPage]:
    """The flowchart of `steps` (in order) as one PNG per page, with what each page shows."""
    result = []
    for figure, drawn in flowchart_figures(steps, thai_digits=thai_digits, max_height=max_height):
        width, height = figure.get_size_inches()
        result.append(FlowchartPage(figure_png(figure), tuple(d for d, _ in drawn), float(width), float(height)))
    return result
