"""The memo's charts, drawn with matplotlib (Agg) in the Sarabun font, returned as PNG bytes.

Sarabun comes from the `fontpkg-sarabun` package and is registered with matplotlib's font
manager by file, so Thai labels are drawn as Thai glyphs whatever fonts the machine has.
Figures are built with `matplotlib.figure.Figure` (no pyplot global state) and saved without
metadata, so the same numbers always give the same bytes.

A chart is drawn at the size it is placed (`CHART_WIDTH_MM` wide), so its 16 pt text is 16 pt on
the page, like the body (Sarabun and the Laksaman/TH Sarabun metrics agree to within 3 %).
Every chart has axis titles and its legend outside the plotting area; value labels never
touch the target line or one another (tests measure the boxes with matplotlib's renderer).
Colours, labels and order come from the vocabulary.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache

import matplotlib
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..core import vocabulary as v
from ..core.thai_dates import digits
from .thai_text import wrap_thai

matplotlib.use("Agg")

FONT_FAMILY = "Sarabun"
DPI = 150
TEXT_PT = 16  # the body size: the chart is drawn at its placed size
TITLE_PT = 16
CHART_WIDTH_MM = 150
CHART_WIDTH_IN = CHART_WIDTH_MM / 25.4
CHART_SIZE = (CHART_WIDTH_IN, 3.6)  # inches; placed CHART_WIDTH_MM wide, so text keeps its size
MONTH_TICK_PT = 14  # twelve month names side by side: the table size, so they never touch
LABEL_PAD = 0.06  # data units between a bar's end and its label
NO_SCORE = "ยังไม่มีผล"  # a perspective without a score this round (short: clear of the target line)
_PNG_METADATA = {"Software": None}  # no version stamp: identical input, identical bytes


@lru_cache(maxsize=1)
def register_thai_font() -> str:
    """Add the Sarabun TTFs shipped by fontpkg-sarabun to matplotlib; return the family name."""
    import fontpkg_sarabun

    for style in ("Regular", "Bold"):
        font_manager.fontManager.addfont(str(fontpkg_sarabun.ROOT / "files" / f"Sarabun-{style}.ttf"))
    return fontpkg_sarabun.FAMILY


@contextmanager
def thai_figure(width_in: float, height_in: float, font_pt: float = 10) -> Iterator[Figure]:
    """A figure whose every text (titles, ticks, labels) is set in Sarabun."""
    family = register_thai_font()
    rc = {"font.family": family, "font.size": font_pt, "axes.unicode_minus": False, "svg.hashsalt": "sheets-sync",
          "axes.titlesize": TITLE_PT, "axes.labelsize": font_pt, "legend.fontsize": font_pt}  # fmt: skip
    with matplotlib.rc_context(rc):
        figure = Figure(figsize=(width_in, height_in), dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)  # a renderer to measure text with
        yield figure


def figure_png(figure: Figure) -> bytes:
    """The figure as PNG bytes at `DPI`, without metadata."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata=_PNG_METADATA, facecolor="white")
    return buffer.getvalue()


def _number_axis(axis, thai: bool, *, integer: bool) -> None:
    if integer:
        axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(FuncFormatter(lambda value, _pos: digits(f"{value:g}", thai)))


LABEL_MAX_IN = 1.9  # a category label wider than this wraps (at a Thai word boundary)


def wrapped_label(text: str, max_in: float = LABEL_MAX_IN, size: float = TEXT_PT) -> str:
    """A tick label on lines no wider than `max_in`, broken only between Thai words."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    measure, prop = TextToPath(), FontProperties(family=register_thai_font(), size=size)

    def fits(line: str) -> bool:
        return measure.get_text_width_height_descent(line, prop, ismath=False)[0] <= max_in * 72

    return "\n".join(wrap_thai(text, fits))


def _plain_frame(ax: Axes) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _legend_below(figure: Figure, handles: Sequence, ncols: int) -> None:
    """The legend under the plotting area, never over a bar."""
    figure.legend(handles=list(handles), loc="outside lower center", ncols=ncols, frameon=False)


# --- plan -----------------------------------------------------------------------------------------
def plan_status_figure(status_counts: Mapping[str, int], *, thai_digits: bool = False) -> Figure:
    """Horizontal bars: activities per plan status, in the memo's order and colours."""
    statuses = [v.choice_of(v.PLAN_STATUSES, key) for key in v.PLAN_STATUS_CHART_ORDER]
    counts = [int(status_counts.get(s.key, 0)) for s in statuses]
    with thai_figure(CHART_WIDTH_IN, 3.4, TEXT_PT) as figure:
        ax = figure.add_subplot()
        positions = range(len(statuses))
        ax.barh(positions, counts, color=[s.chart for s in statuses], height=0.6)
        ax.set_yticks(list(positions), [wrapped_label(s.th) for s in statuses])
        ax.invert_yaxis()
        _number_axis(ax.xaxis, thai_digits, integer=True)
        ax.set_xlim(0, max(max(counts), 1) * 1.18)
        for y, count in zip(positions, counts):
            ax.text(count + max(max(counts), 1) * 0.015, y, digits(str(count), thai_digits), va="center", ha="left")
        ax.set_xlabel("จำนวนกิจกรรม")
        ax.set_ylabel("สถานะ")
        _plain_frame(ax)
        return figure


def plan_status_chart(status_counts: Mapping[str, int], *, thai_digits: bool = False) -> bytes:
    return figure_png(plan_status_figure(status_counts, thai_digits=thai_digits))


# --- KPIs -----------------------------------------------------------------------------------------
def kpi_label_position(score: float, label_width: float, target: float = v.SCORE_TARGET) -> tuple[float, str]:
    """Where a bar's value label goes (x, horizontal alignment), clear of the target line:
    after the bar when that stays clear of the line, else inside the bar's end."""
    outside = score + LABEL_PAD
    if score >= target or outside + label_width < target - LABEL_PAD:
        return outside, "left"
    return score - LABEL_PAD, "right"


def kpi_perspective_figure(scores: Mapping[str, float | None], *, thai_digits: bool = False) -> Figure:
    """Horizontal bars: mean score (0–5) of each Balanced Scorecard perspective, 2 decimals,
    coloured by the score's tone, with the target line at level 3 named in the legend."""
    perspectives = v.PERSPECTIVES
    values = [scores.get(p.key) for p in perspectives]
    target = v.SCORE_TARGET
    with thai_figure(CHART_WIDTH_IN, 3.5, TEXT_PT) as figure:
        ax = figure.add_subplot()
        positions = list(range(len(perspectives)))
        ax.set_yticks(positions, [wrapped_label(p.th) for p in perspectives])
        ax.set_ylim(len(positions) - 0.5, -0.5)  # every perspective has its row, with or without a score
        ax.set_xlim(0, 5.75)  # room for a full score's label after its bar
        ax.set_xticks(range(6))
        _number_axis(ax.xaxis, thai_digits, integer=True)
        ax.axvline(target, color=v.TARGET_LINE_CHART, linestyle="--", linewidth=1.4, zorder=3)
        renderer = figure.canvas.get_renderer()
        for y, value in zip(positions, values):
            if value is None:
                ax.text(LABEL_PAD, y, NO_SCORE, va="center", ha="left", color="#616161")  # short: clear of the line
                continue
            tone = v.score_tone(value)
            ax.barh(y, value, height=0.6, color=v.TONE_CHART[tone], zorder=2)
            label = ax.text(value, y, digits(f"{value:.2f}", thai_digits), va="center", ha="left", zorder=4)
            width = _data_width(ax, label, renderer)
            x, align = kpi_label_position(value, width, target)
            label.set_x(x)
            label.set_horizontalalignment(align)
            if align == "right" and tone is not v.Tone.WARN:
                label.set_color("white")  # inside a dark bar
        ax.set_xlabel(f"คะแนนเฉลี่ย (เต็ม {digits('5', thai_digits)})")
        ax.set_ylabel("มิติ")
        _plain_frame(ax)
        three = digits("3", thai_digits)
        _legend_below(figure, [
            Line2D([], [], color=v.TARGET_LINE_CHART, linestyle="--", linewidth=1.4, label=f"ค่าเป้าหมาย (ระดับ {three})"),
            Patch(color=v.TONE_CHART[v.Tone.GOOD], label="ถึงค่าเป้าหมาย"),
            Patch(color=v.TONE_CHART[v.Tone.WARN], label="ต่ำกว่าเป้าหมาย"),
            Patch(color=v.TONE_CHART[v.Tone.BAD], label=f"ต่ำกว่าระดับ {digits('2', thai_digits)}"),
        ], ncols=2)  # fmt: skip
        return figure


def _data_width(ax: Axes, text, renderer) -> float:
    """A text's width in the x axis' data units (the layout is fixed first)."""
    ax.figure.draw_without_rendering()
    box = text.get_window_extent(renderer)
    inverse = ax.transData.inverted()
    (x0, _), (x1, _) = inverse.transform([(box.x0, box.y0), (box.x1, box.y0)])
    return float(x1 - x0)


def kpi_perspective_chart(scores: Mapping[str, float | None], *, thai_digits: bool = False) -> bytes:
    return figure_png(kpi_perspective_figure(scores, thai_digits=thai_digits))


# --- complaints -----------------------------------------------------------------------------------
def complaints_month_figure(by_month: Mapping[str, Mapping[str, int]], *, thai_digits: bool = False) -> Figure:
    """Grouped bars per fiscal month (ต.ค. … the last month given): received and closed.

    The caller passes the months that have passed; the year is in the axis title."""
    months = list(by_month)
    labels = [v.MONTHS_SHORT[int(m[5:7]) - 1] for m in months]
    series = v.COMPLAINT_SERIES
    width = 0.38
    with thai_figure(CHART_WIDTH_IN, 3.3, TEXT_PT) as figure:
        ax = figure.add_subplot()
        xs = list(range(len(months)))
        for offset, s in zip((-width / 2, width / 2), series):
            ax.bar([x + offset for x in xs], [int(by_month[m].get(s.key, 0)) for m in months], width, label=s.th, color=s.chart)
        ax.set_xticks(xs, labels, fontsize=MONTH_TICK_PT)
        ax.set_xlim(-0.6, max(len(months), 6) - 0.4)  # a short year keeps bars of a normal width
        _number_axis(ax.yaxis, thai_digits, integer=True)
        top = max([*(int(by_month[m].get(s.key, 0)) for m in months for s in series), 1])
        ax.set_ylim(0, top * 1.1)
        if months:
            first, last = months[0], months[-1]
            span = f"{_month_year(first, thai_digits)} – {_month_year(last, thai_digits)}" if first != last else _month_year(first, thai_digits)
            ax.set_xlabel(f"เดือน ({span})")
        ax.set_ylabel("จำนวนเรื่อง")
        _plain_frame(ax)
        _legend_below(figure, ax.get_legend_handles_labels()[0], ncols=2)
        return figure


def _month_year(month: str, thai: bool) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return digits(f"{v.MONTHS_SHORT[number - 1]} {year + v.BE_OFFSET}", thai)


def complaints_month_chart(by_month: Mapping[str, Mapping[str, int]], *, thai_digits: bool = False) -> bytes:
    return figure_png(complaints_month_figure(by_month, thai_digits=thai_digits))
