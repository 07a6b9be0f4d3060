"""The memo's charts, drawn with matplotlib (Agg) in the Sarabun font, returned as PNG bytes.

Sarabun comes from the `fontpkg-sarabun` package and is registered with matplotlib's font
manager by file, so Thai labels are drawn as Thai glyphs whatever fonts the machine has.
Figures are built with `matplotlib.figure.Figure` (no pyplot global state) and saved without
metadata, so the same numbers always give the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache

import matplotlib
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..present.thai import digits, thai_month_year
from ..schema.tabs import PERSPECTIVES
from .labels import PLAN_STATUSES, SCORE_COLOURS, SCORE_TARGET, STATUS_COLOURS, score_band

matplotlib.use("Agg")

FONT_FAMILY = "Sarabun"
DPI = 150
CHART_SIZE = (6.2, 3.1)  # inches; inserted 15 cm wide, so text keeps its size in the page
_PNG_METADATA = {"Software": None}  # no version stamp: identical input, identical bytes


@lru_cache(maxsize=1)
def register_thai_font() -> str:
    """Add the Sarabun TTFs shipped by fontpkg-sarabun to matplotlib; return the family name."""
    import fontpkg_sarabun

    for style in ("Regular", "Bold"):
        font_manager.fontManager.addfont(str(fontpkg_sarabun.ROOT / "files" / f"Sarabun-{style}.ttf"))
    return fontpkg_sarabun.FAMILY


@contextmanager
def thai_figure(width_in: float, height_in: float) -> Iterator[Figure]:
    """A figure whose every text (titles, ticks, labels) is set in Sarabun."""
    family = register_thai_font()
    rc = {"font.family": family, "font.size": 10, "axes.unicode_minus": False, "svg.hashsalt": "sheets-sync"}
    with matplotlib.rc_context(rc):
        yield Figure(figsize=(width_in, height_in), dpi=DPI, layout="constrained")


def figure_png(figure: Figure) -> bytes:
    """The figure as PNG bytes at `DPI`, without metadata."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata=_PNG_METADATA, facecolor="white")
    return buffer.getvalue()


def _number_axis(axis, thai: bool, *, integer: bool) -> None:
    if integer:
        axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(FuncFormatter(lambda value, _pos: digits(f"{value:g}", thai)))


def _plain_frame(ax: Axes) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def plan_status_chart(status_counts: Mapping[str, int], *, thai_digits: bool = False) -> bytes:
    """Horizontal bars: activities per plan status, coloured as in rules.md."""
    labels = [s.th for s in PLAN_STATUSES]
    counts = [int(status_counts.get(s.key, 0)) for s in PLAN_STATUSES]
    colours = [STATUS_COLOURS[s.key] for s in PLAN_STATUSES]
    with thai_figure(*CHART_SIZE) as figure:
        ax = figure.add_subplot()
        positions = range(len(labels))
        ax.barh(positions, counts, color=colours, height=0.6)
        ax.set_yticks(list(positions), labels)
        ax.invert_yaxis()
        _number_axis(ax.xaxis, thai_digits, integer=True)
        ax.set_xlim(0, max(max(counts), 1) * 1.15)
        for y, count in zip(positions, counts):
            ax.text(count, y, f" {digits(str(count), thai_digits)}", va="center", ha="left")
        ax.set_title("จำนวนกิจกรรมตามแผนปฏิบัติการจำแนกตามสถานะ", fontweight="bold")
        _plain_frame(ax)
        return figure_png(figure)


def kpi_perspective_chart(scores: Mapping[str, float | None], *, thai_digits: bool = False) -> bytes:
    """Bars: mean score (0–5) of each Balanced Scorecard perspective, with the target line at 3."""
    labels = [p.th for p in PERSPECTIVES]
    values = [scores.get(p.key) for p in PERSPECTIVES]
    with thai_figure(*CHART_SIZE) as figure:
        ax = figure.add_subplot()
        for x, value in enumerate(values):
            if value is None:
                ax.text(x, 0.1, "ไม่มีข้อมูล", ha="center", va="bottom", color="#616161")
                continue
            ax.bar(x, value, width=0.6, color=SCORE_COLOURS[score_band(value)])
            ax.text(x, value + 0.08, digits(f"{value:.4f}", thai_digits), ha="center", va="bottom")
        ax.axhline(SCORE_TARGET, color="#1565C0", linestyle="--", linewidth=1.2)
        ax.text(len(labels) - 0.5, SCORE_TARGET + 0.05, f"ค่าเป้าหมาย ({digits('3', thai_digits)})",
                ha="right", va="bottom", color="#1565C0")  # fmt: skip
        ax.set_xticks(range(len(labels)), labels)
        ax.set_ylim(0, 5.6)
        ax.set_yticks(range(6))
        _number_axis(ax.yaxis, thai_digits, integer=True)
        ax.set_title(f"คะแนนเฉลี่ยตัวชี้วัดระดับฝ่ายจำแนกตามมิติ (เต็ม {digits('5', thai_digits)})", fontweight="bold")
        _plain_frame(ax)
        return figure_png(figure)


def complaints_month_chart(by_month: Mapping[str, Mapping[str, int]], *, thai_digits: bool = False) -> bytes:
    """Grouped bars per fiscal month (ต.ค. … ก.ย.): complaints received and closed."""
    months = list(by_month)
    labels = [thai_month_year(int(m[:4]), int(m[5:7]), thai=thai_digits).replace(" ", "\n") for m in months]
    received = [int(by_month[m].get("received", 0)) for m in months]
    closed = [int(by_month[m].get("closed", 0)) for m in months]
    width = 0.38
    with thai_figure(*CHART_SIZE) as figure:
        ax = figure.add_subplot()
        xs = range(len(months))
        ax.bar([x - width / 2 for x in xs], received, width, label="รับเรื่อง", color="#1565C0")
        ax.bar([x + width / 2 for x in xs], closed, width, label="ยุติ", color="#2E7D32")
        ax.set_xticks(list(xs), labels, fontsize=9)
        _number_axis(ax.yaxis, thai_digits, integer=True)
        ax.set_ylim(0, max([*received, *closed, 1]) * 1.15)
        ax.set_title("จำนวนเรื่องร้องเรียนที่รับและยุติรายเดือน", fontweight="bold")
        ax.legend(frameon=False, ncols=2, loc="upper right")
        _plain_frame(ax)
        return figure_png(figure)
