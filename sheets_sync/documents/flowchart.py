"""The SOP flowchart: the steps of a process drawn top to bottom with the standard shapes.

terminal = stadium (rounded ends), process = rectangle, decision = diamond, document = rectangle
with a wavy bottom. A decision's branches follow the sheet's yes_next / no_next (workbook.md):
"ใช่" goes to yes_next (default: the next step), "ไม่ใช่" to no_next, and a decision without
no_next ends the process on "ไม่ใช่" (its branch runs to the end terminal). The branch that
goes to the next step runs straight down; every other branch — a loop back, a forward jump, the
way to the end — leaves the diamond sideways on a lane of its own (lanes are given out so no two
branches whose heights overlap share one) and enters its target at a point of its own, so
decisions in a row never meet at one corner. The person responsible and the standard time
stand beside each shape. A long process is split into pages joined by lettered connectors; a
branch whose target is on another page ends in a circle naming the target step (or a small
end terminal), and the target shows where it comes from.

A decision without no_next ends the process on "ไม่ใช่" at an end terminal of its own, drawn
beside the diamond (workbook.md): never the chart's last step, which may be a work step such as
"pay and close". Sideways branches are given a side and a lane so that no line crosses another
where that can be avoided (every choice of sides is tried and the one with fewest crossings
kept); a crossing that remains is drawn with a bridge (the horizontal line hops over the
vertical one). Text is wrapped by measured width at Thai word boundaries (`thai_text`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Patch, PathPatch, Polygon, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.textpath import TextToPath

from ..core.thai_dates import digits
from ..core.vocabulary import STEP_TYPES
from .charts import figure_png, register_thai_font, thai_figure
from .thai_text import char_budget, thai_clusters, wrap_thai  # noqa: F401 - char_budget, thai_clusters: for tests

SHAPE_KINDS = ("terminal", "process", "decision", "document")

# Geometry, in inches (the axes span the whole figure, one data unit = one inch).
WIDTH = 6.2
NUMBER_X = 0.22  # centre of the step-number column
SHAPE_LEFT, SHAPE_WIDTH = 1.35, 2.8
SHAPE_X = SHAPE_LEFT + SHAPE_WIDTH / 2
SHAPE_RIGHT = SHAPE_LEFT + SHAPE_WIDTH
LANE_STEP = 0.15  # between two branch lanes
# Branch lanes left of the shapes, leaving room next to a diamond's corner for its "ไม่ใช่" label.
LEFT_LANES = tuple(round(SHAPE_LEFT - 0.4 - LANE_STEP * k, 3) for k in range(4))  # 0.95 … 0.5
RIGHT_LANES = (SHAPE_RIGHT + 0.14, SHAPE_RIGHT + 0.27)  # for a decision whose both branches leave sideways
SIDE_LEFT, SIDE_WIDTH = 4.6, 1.55  # responsible person and time
HEADER_H = 0.35
GAP = 0.38  # vertical space between shapes (the arrow)
PAD = 0.18
LINE_H = 0.2  # one line of 10 pt text
TEXT_PT, SIDE_PT = 10, 9
MAX_PAGE_HEIGHT = 9.0  # fits a portrait A4 page under its heading (25.2 cm of text height)
LINE_COLOUR = "#263238"
FILL = {choice.key: choice.chart for choice in STEP_TYPES}  # the vocabulary's fill of each step type
YES_COLOUR, NO_COLOUR = "#1B5E20", "#B71C1C"
CONNECTOR_LABELS = "กขคงจฉชซฌญฎฏฐฑฒณดตถทธนบปผฝพฟภมยรลวศษสหฬอฮ"
OWN_END = -1  # the target of a decision's "ไม่ใช่" without no_next: an end terminal of its own
END_TEXT = "สิ้นสุด"
# A decision's own end terminal: in the side column, level with the diamond's right corner.
OWN_END_LEFT, OWN_END_WIDTH, OWN_END_HEIGHT = SIDE_LEFT, 0.5, 0.28
BRIDGE = 0.06  # the radius of a bridge where one line hops over another


@dataclass(frozen=True)
class FlowStep:
    """One box of the chart. `number` is None for the start/end terminals the chart adds."""

    number: int | None
    text: str
    kind: str = "process"
    responsible: str = ""
    duration: str = ""
    yes_next: int | None = None  # a decision's "ใช่": this step (None: the next one)
    no_next: int | None = None  # a decision's "ไม่ใช่": this step (None: the process ends)
    missing: bool = False  # a step the manual does not have yet (its row had an error): a dashed box


@dataclass(frozen=True)
class DrawnEdge:
    """An arrow as drawn, for tests: from one shape to another (indexes into the chart's steps,
    terminals included), its label, and its path in inches on its page."""

    source: int
    target: int | None  # None: a marker standing for a target on another page; OWN_END: the decision's own end
    label: str  # "ใช่", "ไม่ใช่" or "" (the plain flow)
    points: tuple[tuple[float, float], ...]
    page: int


@dataclass(frozen=True)
class DrawnShape:
    """What was drawn, for the document and for tests: the step, the shape kind, the label."""

    step_no: int | None
    kind: str  # one of SHAPE_KINDS, "connector", or "end" (a decision's own end terminal)
    label: str
    box: tuple[float, float, float, float] | None = None  # left, top, right, bottom in inches on the page


@dataclass(frozen=True)
class FlowchartPage:
    png: bytes
    shapes: tuple[DrawnShape, ...]
    width_in: float
    height_in: float
    edges: tuple[DrawnEdge, ...] = ()
    labels: tuple[tuple[str, tuple[float, float, float, float]], ...] = ()  # branch labels and their boxes


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
    own_end: bool = False  # a decision whose "ไม่ใช่" ends at a terminal of its own


TERMINAL_RADIUS = 0.3  # the stadium's round ends; capped so a tall terminal keeps its straight body
SIDE_LINE_H = LINE_H * SIDE_PT / TEXT_PT


def _text_width(kind: str) -> float:
    # Two or three lines inside a diamond stay clear of its edges at 60 % of its width; a
    # terminal's text stays on the straight part between its round ends.
    if kind == "decision":
        return SHAPE_WIDTH * 0.6
    if kind == "terminal":
        return SHAPE_WIDTH - 2 * TERMINAL_RADIUS - 0.2
    return SHAPE_WIDTH - 0.3


def _box(step: FlowStep, thai_digits: bool, own_end: bool = False) -> _Box:
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
    height = max(height, len(side) * SIDE_LINE_H + 0.1)
    if own_end:  # the side text goes under the own end terminal, which sits level with the corner
        height = max(height, 2 * (OWN_END_HEIGHT / 2 + 0.04 + len(side) * SIDE_LINE_H) + 0.05)
    return _Box(replace(step, kind=kind), lines, side, height, own_end)


def with_terminals(steps: Sequence[FlowStep]) -> list[FlowStep]:
    """Start and end with a terminal: add `เริ่มต้น` / `สิ้นสุด` when the steps do not."""
    steps = list(steps)
    if not steps or steps[0].kind != "terminal":
        steps.insert(0, FlowStep(None, "เริ่มต้น", "terminal"))
    if steps[-1].kind != "terminal" or len(steps) == 1:
        steps.append(FlowStep(None, END_TEXT, "terminal"))
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


# --- routing ----------------------------------------------------------------------------------------
@dataclass
class _Placed:
    index: int  # in the chart's steps, terminals included
    box: _Box
    top: float
    page: int

    @property
    def kind(self) -> str:
        return self.box.step.kind

    @property
    def middle(self) -> float:
        return self.top + self.box.height / 2

    @property
    def bottom(self) -> float:
        """Where an arrow leaves the shape downwards (a document's wave is higher in the middle)."""
        return self.top + self.box.height - (0.1 if self.kind == "document" else 0.0)


@dataclass
class _Branch:
    source: int
    target: int  # index of the target shape, or OWN_END
    label: str
    down: bool = False  # runs straight down to the next shape (through the page connectors)
    side: str = "left"
    points: list[tuple[float, float]] = field(default_factory=list)
    entry: tuple[float, float] | None = None

    @property
    def own_end(self) -> bool:
        return self.target == OWN_END


def branches(steps: Sequence[FlowStep]) -> list[tuple[int, int, str]]:
    """Every arrow of the chart as (source index, target index, label), from the step kinds and
    yes_next / no_next: a decision's "ใช่" goes to yes_next or the next step, its "ไม่ใช่" to
    no_next or, without one, to an end terminal of its own (OWN_END), never into a step; any
    other step goes on to the next one, except a terminal that is not the first (it ends the
    process)."""
    by_number = {s.number: n for n, s in enumerate(steps) if s.number is not None}
    out = []
    for n, step in enumerate(steps):
        following = n + 1 if n + 1 < len(steps) else None
        if step.kind == "decision":
            yes = by_number.get(step.yes_next, following) if step.yes_next is not None else following
            no = by_number.get(step.no_next, OWN_END) if step.no_next is not None else OWN_END
            if yes is not None:
                out.append((n, yes, "ใช่"))
            out.append((n, no, "ไม่ใช่"))
        elif following is not None and not (step.kind == "terminal" and n > 0):
            out.append((n, following, ""))
    return out


def _edge_x(placed: _Placed, y: float, side: str) -> float:
    """Where a horizontal line at height `y` meets the shape's left or right outline."""
    box, left = placed.box, SHAPE_LEFT
    half = box.height / 2
    dy = abs(y - placed.middle)
    if placed.kind == "decision":
        inset = SHAPE_WIDTH / 2 * min(dy / half, 1.0)
    elif placed.kind == "terminal":
        radius = min(half, TERMINAL_RADIUS)
        straight = half - radius
        curve = max(dy - straight, 0.0)
        inset = radius + radius - (max(radius**2 - curve**2, 0.0)) ** 0.5
    else:
        inset = 0.0
    return left + inset if side == "left" else SHAPE_RIGHT - inset


def _entry_points(targets: dict[tuple[int, str], list[_Branch]], placed: dict[int, _Placed]) -> None:
    """Each branch into a shape gets a point of its own on the shape's side (never the
    decision's own exit corner), the branches from higher up entering higher."""
    for (target, side), incoming in targets.items():
        shape = placed[target]
        incoming.sort(key=lambda b: placed[b.source].middle)
        half = shape.box.height / 2
        if shape.kind == "decision":
            # the lower slanted edge: clear of the corner its own branch leaves from and of the
            # label above that corner
            slots = [shape.middle + half * (0.3 + 0.45 * (k + 1) / (len(incoming) + 1)) for k in range(len(incoming))]
        else:
            spread = min(0.12, 1.4 * half / max(len(incoming), 1))
            slots = [shape.middle + (k - (len(incoming) - 1) / 2) * spread for k in range(len(incoming))]
        for branch, y in zip(incoming, sorted(slots)):
            branch.entry = (_edge_x(shape, y, side), y)


def _assign_lanes(lateral: list[_Branch], placed: dict[int, _Placed], lanes: Sequence[float]) -> int:
    """Give each sideways branch a vertical lane that no branch overlapping its height uses;
    the shortest branches take the lanes nearest the shapes (so nested branches never cross).
    Returns how many branches had to share a lane (none when there are lanes enough)."""
    taken: list[list[tuple[float, float]]] = [[] for _ in lanes]
    shared = 0
    for branch in sorted(lateral, key=lambda b: (abs(placed[b.source].middle - b.entry[1]), b.source)):
        low = min(placed[branch.source].middle, branch.entry[1]) - 0.06
        high = max(placed[branch.source].middle, branch.entry[1]) + 0.06
        lane = next((k for k, spans in enumerate(taken) if all(high < a or low > b for a, b in spans)), None)
        if lane is None:
            lane, shared = len(lanes) - 1, shared + 1
        taken[lane].append((low, high))
        x = lanes[lane]
        start_x = SHAPE_LEFT if branch.side == "left" else SHAPE_RIGHT
        y0 = placed[branch.source].middle
        branch.points = [(start_x, y0), (x, y0), (x, branch.entry[1]), branch.entry]
    return shared


Segment = tuple[tuple[float, float], tuple[float, float]]


def _crossing(h: Segment, v: Segment) -> tuple[float, float] | None:
    """Where a horizontal segment crosses a vertical one inside both (not at an end)."""
    (hx0, hy), (hx1, _) = h
    (vx, vy0), (_, vy1) = v
    eps = 1e-6
    if min(hx0, hx1) + eps < vx < max(hx0, hx1) - eps and min(vy0, vy1) + eps < hy < max(vy0, vy1) - eps:
        return vx, hy
    return None


def _split_segments(points: Sequence[tuple[float, float]]) -> tuple[list[Segment], list[Segment]]:
    horizontal, vertical = [], []
    for a, b in zip(points, points[1:]):
        if abs(a[1] - b[1]) < 1e-9 and abs(a[0] - b[0]) > 1e-9:
            horizontal.append((a, b))
        elif abs(a[0] - b[0]) < 1e-9 and abs(a[1] - b[1]) > 1e-9:
            vertical.append((a, b))
    return horizontal, vertical


def count_crossings(paths: Sequence[Sequence[tuple[float, float]]]) -> int:
    """How many times a horizontal run of one path crosses a vertical run of another."""
    split = [_split_segments(p) for p in paths]
    total = 0
    for i, (horizontal, _v) in enumerate(split):
        for j, (_h, vertical) in enumerate(split):
            if i != j:
                total += sum(1 for h in horizontal for v in vertical if _crossing(h, v))
    return total


def _route(local: list[_Branch], placed: dict[int, _Placed], fixed: list[list[tuple[float, float]]],
           blocked: dict[int, set[str]], incoming: list[_Branch]) -> None:  # fmt: skip
    """Choose each local sideways branch's side and lane: every assignment of sides is tried
    (a decision's two sideways branches on two sides; a side its own end terminal or its branch
    to another page already takes is closed to it) and the one with the fewest crossings, then the fewest lanes
    shared, then the fewest branches on the right, is kept."""
    by_source: dict[int, list[_Branch]] = {}
    for b in local:
        by_source.setdefault(b.source, []).append(b)
    groups = list(by_source.values())
    options: list[list[tuple[str, ...]]] = []
    for group in groups:
        closed = blocked.get(group[0].source, set())
        if len(group) >= 2:
            options.append([("left", "right"), ("right", "left")])
        else:
            options.append([(side,) for side in ("left", "right") if side not in closed] or [("left",)])
    choices = itertools.product(*options) if len(groups) <= 10 else [tuple(o[0] for o in options)]
    best: tuple[tuple[int, int, int], dict[int, tuple[str, list, tuple]]] | None = None
    for choice in choices:
        for group, sides in zip(groups, choice):
            for b, side in zip(group, sides):
                b.side = side
        targets: dict[tuple[int, str], list[_Branch]] = {}
        for b in local:
            targets.setdefault((b.target, b.side), []).append(b)
        for b in incoming:
            targets.setdefault((b.target, "left"), []).append(b)
        _entry_points(targets, placed)
        shared = sum(_assign_lanes([b for b in local if b.side == side], placed, lanes)
                     for side, lanes in (("left", LEFT_LANES), ("right", RIGHT_LANES)))  # fmt: skip
        crossings = count_crossings([b.points for b in local] + fixed)
        score = (crossings, shared, sum(1 for b in local if b.side == "right"))
        if best is None or score < best[0]:
            best = (score, {id(b): (b.side, list(b.points), b.entry) for b in local + incoming})
    if best is not None:
        for b in local + incoming:
            b.side, b.points, b.entry = best[1][id(b)]


def with_bridges(points: Sequence[tuple[float, float]], others: Sequence[Sequence[tuple[float, float]]]) -> list[tuple[float, float]]:
    """The path with a bridge (a half circle over the crossing) wherever one of its horizontal
    runs crosses a vertical run of another path."""
    verticals = [v for other in others for v in _split_segments(other)[1]]
    out: list[tuple[float, float]] = [points[0]]
    for a, b in zip(points, points[1:]):
        if abs(a[1] - b[1]) < 1e-9 and abs(a[0] - b[0]) > 1e-9:
            step = 1 if b[0] > a[0] else -1
            hops = sorted({c[0] for v in verticals if (c := _crossing((a, b), v))}, key=lambda x: x * step)
            for x in hops:
                if abs(x - a[0]) < BRIDGE or abs(x - b[0]) < BRIDGE:
                    continue
                for k in range(9):  # up and over: y grows downwards on the page
                    angle = math.pi * k / 8
                    out.append((x - step * BRIDGE * math.cos(angle), a[1] - BRIDGE * math.sin(angle)))
        out.append(b)
    return out


# --- drawing ---------------------------------------------------------------------------------------
MISSING_FILL = "#F5F5F5"


def _shape_patch(kind: str, top: float, height: float, missing: bool = False) -> Patch:
    left, right, bottom = SHAPE_LEFT, SHAPE_RIGHT, top + height
    style = {"facecolor": MISSING_FILL if missing else FILL[kind], "edgecolor": LINE_COLOUR, "linewidth": 1.2,
             "linestyle": (0, (4, 3)) if missing else "-"}  # fmt: skip
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
                                 color=LINE_COLOUR, linewidth=1.1, shrinkA=0, shrinkB=0, zorder=1))  # fmt: skip


def _connector(ax, y: float, label: str, x: float = SHAPE_X, radius: float = 0.16) -> Patch:
    circle = Circle((x, y), radius, facecolor="white", edgecolor=LINE_COLOUR, linewidth=1.2, zorder=2)
    ax.add_patch(circle)
    ax.text(x, y, label, ha="center", va="center", fontsize=TEXT_PT if radius >= 0.16 else SIDE_PT, fontweight="bold", zorder=3)
    return circle


def _page_height(boxes: Sequence[_Box], connectors: int) -> float:
    return HEADER_H + PAD * 2 + sum(b.height for b in boxes) + GAP * (len(boxes) - 1) + connectors * (0.32 + GAP)


def _label_size(text: str) -> tuple[float, float]:
    width, height, _descent = TextToPath().get_text_width_height_descent(text, _font(SIDE_PT), ismath=False)
    return width / 72 + 0.02, 0.17


def _branch_label(ax, text: str, x: float, y: float, ha: str, va: str) -> tuple[float, float, float, float]:
    """Draw a branch label; return its box (left, top, right, bottom)."""
    colour = YES_COLOUR if text == "ใช่" else NO_COLOUR
    ax.text(x, y, text, ha=ha, va=va, fontsize=SIDE_PT, color=colour, zorder=4,
            bbox={"boxstyle": "square,pad=0.05", "facecolor": "white", "edgecolor": "none"})  # fmt: skip
    width, height = _label_size(text)
    left = x - width if ha == "right" else x
    top = y - height if va == "bottom" else y
    return left, top, left + width, top + height


OFF_PAGE_X = SHAPE_LEFT - 0.55  # where a branch to another page ends, in a marker


OFF_PAGE_RIGHT_X = SHAPE_RIGHT + 0.3


def _off_page_marker(ax, y: float, text: str, *, end: bool, x: float = OFF_PAGE_X) -> Patch:
    """A branch's target on another page: a small end terminal, or a circle naming the step."""
    if end:
        patch = FancyBboxPatch((x - 0.2, y - 0.13), 0.4, 0.26, boxstyle="round,pad=0,rounding_size=0.13",
                               facecolor=FILL["terminal"], edgecolor=LINE_COLOUR, linewidth=1.1, zorder=2)  # fmt: skip
        ax.add_patch(patch)
        ax.text(x, y, text, ha="center", va="center", fontsize=SIDE_PT - 1, zorder=3)
        return patch
    return _connector(ax, y, text, x=x, radius=0.13)


def _own_end(ax, y: float) -> tuple[Patch, tuple[float, float, float, float]]:
    """A decision's own end terminal, in the side column level with its right corner."""
    left, top = OWN_END_LEFT, y - OWN_END_HEIGHT / 2
    patch = FancyBboxPatch((left, top), OWN_END_WIDTH, OWN_END_HEIGHT, boxstyle=f"round,pad=0,rounding_size={OWN_END_HEIGHT / 2}",
                           facecolor=FILL["terminal"], edgecolor=LINE_COLOUR, linewidth=1.1, zorder=2)  # fmt: skip
    ax.add_patch(patch)
    ax.text(left + OWN_END_WIDTH / 2, y, END_TEXT, ha="center", va="center", fontsize=SIDE_PT, zorder=3)
    return patch, (left, top, left + OWN_END_WIDTH, top + OWN_END_HEIGHT)


def _from_marker(ax, y: float, text: str) -> float:
    """A marker naming the steps on other pages that lead here; returns its half width."""
    half = max(0.13, 0.07 + 0.045 * len(text))
    ax.add_patch(FancyBboxPatch((OFF_PAGE_X - half, y - 0.13), 2 * half, 0.26, boxstyle="round,pad=0,rounding_size=0.13",
                                facecolor="white", edgecolor=LINE_COLOUR, linewidth=1.1, zorder=2))  # fmt: skip
    ax.text(OFF_PAGE_X, y, text, ha="center", va="center", fontsize=SIDE_PT, fontweight="bold", zorder=3)
    return half


def flowchart_figures(
    steps: Iterable[FlowStep], *, thai_digits: bool = False, max_height: float = MAX_PAGE_HEIGHT
) -> list[tuple[Figure, list[tuple[DrawnShape, Patch]]]]:
    """The figures of the chart, one per page, each with the shapes drawn and their artists."""
    return [(figure, drawn) for figure, drawn, _edges, _labels in _figures(steps, thai_digits, max_height)]


def _figures(steps: Iterable[FlowStep], thai_digits: bool, max_height: float):
    chart_steps = with_terminals(list(steps))
    arrows = branches(chart_steps)
    own_end = {source for source, target, _label in arrows if target == OWN_END}
    boxes = [_box(step, thai_digits, n in own_end) for n, step in enumerate(chart_steps)]
    pages = _paginate(boxes, max_height)
    # Which branch runs down, which goes sideways (and on which side).
    all_branches: list[_Branch] = []
    down_taken: set[int] = set()
    lateral_sides: dict[int, int] = {}
    for source, target, label in arrows:
        branch = _Branch(source, target, label)
        if target == OWN_END:
            branch.side = "right"
        elif target == source + 1 and source not in down_taken:
            branch.down = True
            down_taken.add(source)
        else:
            used = lateral_sides.get(source, 0) + (source in own_end)
            branch.side = "left" if used == 0 else "right"
            lateral_sides[source] = lateral_sides.get(source, 0) + 1
        all_branches.append(branch)
    # The flow runs on to the next page (lettered connectors) where a straight-down branch
    # leaves a page's last shape.
    firsts = [sum(len(p) for p in pages[:n]) for n in range(len(pages))]
    continues = [any(b.down and b.source == first - 1 for b in all_branches) for first in firsts]  # into page n
    placed: dict[int, _Placed] = {}
    index = 0
    for page_no, page in enumerate(pages):
        y = HEADER_H + PAD + (0.32 + GAP if continues[page_no] and page_no else 0)
        for box in page:
            placed[index] = _Placed(index, box, y, page_no)
            y += box.height + GAP
            index += 1
    figures = []
    for page_no, page in enumerate(pages):
        on_page = [
            b for b in all_branches
            if placed[b.source].page == page_no or (not b.down and not b.own_end and placed[b.target].page == page_no)
        ]  # fmt: skip
        enters = page_no > 0 and continues[page_no]
        leaves = page_no < len(pages) - 1 and continues[page_no + 1]
        figures.append(_draw_page(page_no, page, placed, on_page, thai_digits, enters, leaves))
    return figures


def _draw_page(page_no: int, page: Sequence[_Box], placed: dict[int, _Placed], branches_here: list[_Branch], thai_digits: bool,
               enters: bool, leaves: bool):  # fmt: skip
    here = [p for p in placed.values() if p.page == page_no]
    height = _page_height(page, enters + leaves)
    with thai_figure(WIDTH, height) as figure:
        figure.set_layout_engine("none")
        ax = figure.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, WIDTH)
        ax.set_ylim(height, 0)
        ax.axis("off")
        drawn: list[tuple[DrawnShape, Patch]] = []
        edges: list[DrawnEdge] = []
        labels: list[tuple[str, tuple[float, float, float, float]]] = []
        _header(ax)
        if enters:
            top = HEADER_H + PAD
            label = CONNECTOR_LABELS[page_no - 1]
            drawn.append((DrawnShape(None, "connector", label, (SHAPE_X - 0.16, top, SHAPE_X + 0.16, top + 0.32)),
                          _connector(ax, top + 0.16, label)))  # fmt: skip
            _arrow(ax, [(SHAPE_X, top + 0.32), (SHAPE_X, here[0].top)])
            edges.append(DrawnEdge(here[0].index - 1, here[0].index, "", ((SHAPE_X, top + 0.32), (SHAPE_X, here[0].top)), page_no))
        for p in here:
            patch = _shape_patch(p.kind, p.top, p.box.height, p.box.step.missing)
            ax.add_patch(patch)
            _label_box(ax, p.box, p.top, thai_digits)
            drawn.append((DrawnShape(p.box.step.number, p.kind, p.box.step.text, (SHAPE_LEFT, p.top, SHAPE_RIGHT, p.top + p.box.height)), patch))
        # Straight-down branches.
        for b in branches_here:
            if not b.down or placed[b.source].page != page_no:
                continue
            source = placed[b.source]
            if placed[b.target].page == page_no:
                points = ((SHAPE_X, source.bottom), (SHAPE_X, placed[b.target].top))
                _arrow(ax, points)
            else:  # on to the connector at the page foot
                y = source.top + source.box.height + GAP
                points = ((SHAPE_X, source.bottom), (SHAPE_X, y))
                _arrow(ax, points)
                label = CONNECTOR_LABELS[page_no]
                drawn.append((DrawnShape(None, "connector", label, (SHAPE_X - 0.16, y, SHAPE_X + 0.16, y + 0.32)), _connector(ax, y + 0.16, label)))
            edges.append(DrawnEdge(b.source, b.target, b.label, points, page_no))
            if b.label:
                labels.append((b.label, _branch_label(ax, b.label, SHAPE_X + 0.08, source.bottom + 0.03, "left", "top")))
        # A decision's own end: a short arrow to its terminal in the side column.
        fixed: list[list[tuple[float, float]]] = []
        blocked: dict[int, set[str]] = {}
        for b in branches_here:
            if not b.own_end:
                continue
            source = placed[b.source]
            y = source.middle
            patch, box = _own_end(ax, y)
            points = ((SHAPE_RIGHT, y), (OWN_END_LEFT, y))
            _arrow(ax, points)
            fixed.append(list(points))
            blocked.setdefault(b.source, set()).add("right")
            drawn.append((DrawnShape(None, "end", END_TEXT, box), patch))
            edges.append(DrawnEdge(b.source, OWN_END, b.label, points, page_no))
            labels.append((b.label, _lateral_label(ax, b, placed)))
        # Sideways branches: on this page, or to / from a marker for another page.
        local = [b for b in branches_here if not b.down and not b.own_end and placed[b.source].page == placed[b.target].page == page_no]
        outgoing = [b for b in branches_here
                    if not b.down and not b.own_end and placed[b.source].page == page_no and placed[b.target].page != page_no]  # fmt: skip
        incoming_markers = [b for b in branches_here
                            if not b.down and not b.own_end and placed[b.target].page == page_no and placed[b.source].page != page_no]  # fmt: skip
        for b in outgoing:
            left = b.side == "left"
            y = placed[b.source].middle
            fixed.append([(SHAPE_LEFT, y), (OFF_PAGE_X, y)] if left else [(SHAPE_RIGHT, y), (OFF_PAGE_RIGHT_X, y)])
            blocked.setdefault(b.source, set()).add(b.side)
        if incoming_markers:
            targets: dict[tuple[int, str], list[_Branch]] = {}
            for b in incoming_markers:
                targets.setdefault((b.target, "left"), []).append(b)
            _entry_points(targets, placed)
            for b in incoming_markers:
                fixed.append([(OFF_PAGE_X, b.entry[1]), b.entry])
        _route(local, placed, fixed, blocked, incoming_markers)
        paths = [b.points for b in local]
        for n, b in enumerate(local):
            others = paths[:n] + paths[n + 1:] + fixed
            points = with_bridges(b.points, others)
            _arrow(ax, points)
            edges.append(DrawnEdge(b.source, b.target, b.label, tuple(points), page_no))
            labels.append((b.label, _lateral_label(ax, b, placed)))
        for b in outgoing:
            source, target = placed[b.source], placed[b.target]
            y = source.middle
            end = target.index == len(placed) - 1 and target.kind == "terminal"
            text = END_TEXT if end else digits(str(target.box.step.number or ""), thai_digits)
            left = b.side == "left"
            x_marker = OFF_PAGE_X if left else OFF_PAGE_RIGHT_X
            marker = _off_page_marker(ax, y, text, end=end, x=x_marker)
            reach = 0.2 if end else 0.13
            points = ((SHAPE_LEFT, y), (x_marker + reach, y)) if left else ((SHAPE_RIGHT, y), (x_marker - reach, y))
            _arrow(ax, points)
            drawn.append((DrawnShape(None, "connector", text, (x_marker - reach, y - 0.13, x_marker + reach, y + 0.13)), marker))
            edges.append(DrawnEdge(b.source, None, b.label, points, page_no))
            labels.append((b.label, _lateral_label(ax, b, placed)))
        by_target: dict[int, list[_Branch]] = {}
        for b in incoming_markers:
            by_target.setdefault(b.target, []).append(b)
        for target, group in by_target.items():
            # One marker per target naming every step on another page that leads here.
            group.sort(key=lambda b: placed[b.source].index)
            text = ",".join(digits(str(placed[b.source].box.step.number or ""), thai_digits) for b in group)
            entry_x, y = group[0].entry
            marker = _from_marker(ax, y, text)
            points = ((OFF_PAGE_X + marker, y), (entry_x, y))
            _arrow(ax, points)
            drawn.append((DrawnShape(None, "connector", text, (OFF_PAGE_X - marker, y - 0.13, OFF_PAGE_X + marker, y + 0.13)), ax.patches[-2]))
            edges.append(DrawnEdge(group[0].source, target, "", points, page_no))  # one arrow for the group
        return figure, drawn, edges, labels


def _lateral_label(ax, b: _Branch, placed: dict[int, _Placed]) -> tuple[float, float, float, float]:
    """The label beside the corner a branch leaves from: above its line, or below it when the
    line turns upwards there (so the line never runs through its own label)."""
    middle = placed[b.source].middle
    up = len(b.points) > 2 and b.points[2][1] < middle
    y, va = (middle + 0.03, "top") if up else (middle - 0.03, "bottom")
    if b.side == "left":
        return _branch_label(ax, b.label, SHAPE_LEFT - 0.04, y, "right", va)
    return _branch_label(ax, b.label, SHAPE_RIGHT + 0.04, y, "left", va)


def _header(ax) -> None:
    ax.add_patch(Rectangle((0.02, 0.02), WIDTH - 0.04, HEADER_H - 0.06, facecolor="#ECEFF1", edgecolor="none"))
    middle = HEADER_H / 2
    for x, text in ((NUMBER_X, "ลำดับ"), (SHAPE_X, "ขั้นตอน"), (SIDE_LEFT + SIDE_WIDTH / 2, "ผู้รับผิดชอบ / ระยะเวลา")):
        ax.text(x, middle, text, ha="center", va="center", fontsize=SIDE_PT, fontweight="bold")


def _label_box(ax, box: _Box, top: float, thai_digits: bool) -> None:
    middle = top + box.height / 2
    offset = -0.05 if box.step.kind == "document" else 0
    ax.text(SHAPE_X, middle + offset, "\n".join(box.lines), ha="center", va="center", fontsize=TEXT_PT, linespacing=1.35, zorder=3)
    if box.step.number is not None:
        ax.text(NUMBER_X, middle, digits(str(box.step.number), thai_digits), ha="center", va="center",
                fontsize=TEXT_PT, fontweight="bold")  # fmt: skip
    if box.side and box.own_end:  # under the decision's own end terminal
        ax.text(SIDE_LEFT, middle + OWN_END_HEIGHT / 2 + 0.04, "\n".join(box.side), ha="left", va="top", fontsize=SIDE_PT,
                linespacing=1.3, color="#37474F")  # fmt: skip
    elif box.side:
        ax.text(SIDE_LEFT, middle, "\n".join(box.side), ha="left", va="center", fontsize=SIDE_PT, linespacing=1.3,
                color="#37474F")  # fmt: skip


def draw_flowchart(steps: Iterable[FlowStep], *, thai_digits: bool = False, max_height: float = MAX_PAGE_HEIGHT) -> list[FlowchartPage]:
    """The flowchart of `steps` (in order) as one PNG per page, with what each page shows."""
    result = []
    for figure, drawn, edges, labels in _figures(steps, thai_digits, max_height):
        width, height = figure.get_size_inches()
        result.append(FlowchartPage(figure_png(figure), tuple(d for d, _ in drawn), float(width), float(height), tuple(edges), tuple(labels)))
    return result
