"""Charts and the SOP flowchart: Thai glyphs (never boxes), deterministic PNGs, the right shapes."""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable

import pytest
from matplotlib import font_manager
from matplotlib.patches import Circle, FancyBboxPatch, PathPatch, Polygon, Rectangle

from sheets_sync.documents import charts, flowchart
from sheets_sync.documents.flowchart import (
    CONNECTOR_LABELS,
    FlowStep,
    char_budget,
    draw_flowchart,
    flowchart_figures,
    thai_clusters,
    with_terminals,
    wrap_thai,
)

STATUS_COUNTS = {"done": 3, "on_track": 5, "behind": 2, "overdue": 1, "not_started": 0, "not_yet_due": 4}
PERSPECTIVE_SCORES = {"effectiveness": 3.8, "quality": 2.5, "efficiency": 1.2, "development": None}
BY_MONTH = {f"{y}-{m:02d}": {"received": m, "closed": m // 2} for y, m in [(2025, 10), (2025, 11), (2025, 12)]} | {
    f"2026-{m:02d}": {"received": m, "closed": m // 2} for m in range(1, 10)
}
CHARTS: dict[str, Callable[[], bytes]] = {
    "plan": lambda: charts.plan_status_chart(STATUS_COUNTS, thai_digits=True),
    "kpi": lambda: charts.kpi_perspective_chart(PERSPECTIVE_SCORES, thai_digits=True),
    "complaints": lambda: charts.complaints_month_chart(BY_MONTH),
}
STEPS = [
    FlowStep(1, "รับคำร้องจากประชาชน", "terminal", "นางสาวเอ", "10 นาที"),
    FlowStep(2, "ตรวจสอบเอกสารครบถ้วนหรือไม่", "decision", "นายบี", "1 ชั่วโมง"),
    FlowStep(3, "ออกหนังสือตอบ", "document", "นางสาวเอ", "2 วัน"),
    FlowStep(4, "ส่งต่อหน่วยงานที่เกี่ยวข้อง", "process", "นายซี", "1 วัน"),
]


def _glyph_warnings(draw: Callable[[], object]) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        draw()
    return [str(w.message) for w in caught if "missing from" in str(w.message)]


def test_sarabun_is_registered_from_the_package() -> None:
    family = charts.register_thai_font()
    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    assert path.endswith("fontpkg_sarabun/files/Sarabun-Regular.ttf")


@pytest.mark.parametrize("name", CHARTS)
def test_charts_draw_thai_glyphs_not_boxes(name: str) -> None:
    assert _glyph_warnings(CHARTS[name]) == []


def test_the_glyph_check_would_catch_boxes() -> None:
    """A font without Thai (DejaVu) makes matplotlib warn: the check above can fail."""

    def draw_in_dejavu() -> None:
        with charts.thai_figure(2, 1) as figure:
            figure.text(0.1, 0.5, "ผู้ว่าราชการจังหวัด", family="DejaVu Sans")
            charts.figure_png(figure)

    assert _glyph_warnings(draw_in_dejavu)


@pytest.mark.parametrize("name", CHARTS)
def test_charts_are_deterministic_pngs_without_metadata(name: str) -> None:
    first, second = CHARTS[name](), CHARTS[name]()
    assert first == second
    assert first.startswith(b"\x89PNG") and b"Software" not in first and b"matplotlib" not in first


@pytest.mark.parametrize("name", CHARTS)
def test_chart_is_drawn_at_its_placed_width_so_its_text_is_body_size(name: str) -> None:
    png = CHARTS[name]()
    width = int.from_bytes(png[16:20], "big")
    assert width == int(150 / 25.4 * charts.DPI)  # 15 cm wide (matplotlib truncates the pixel count), placed 15 cm wide: 16 pt stays 16 pt
    figure = FIGURES[name]()
    sizes = {t.get_fontsize() for t in _texts(figure) if t.get_text()}
    assert min(sizes) >= 14 and max(sizes) == 16  # body size; month ticks at the table size


FIGURES: dict[str, Callable[[], object]] = {
    "plan": lambda: charts.plan_status_figure(STATUS_COUNTS, thai_digits=True),
    "kpi": lambda: charts.kpi_perspective_figure(PERSPECTIVE_SCORES, thai_digits=True),
    "complaints": lambda: charts.complaints_month_figure(BY_MONTH, thai_digits=True),
}


def _texts(figure):
    ax = figure.axes[0]
    texts = [*ax.texts, *ax.get_xticklabels(), *ax.get_yticklabels(), ax.xaxis.label, ax.yaxis.label]
    for legend in figure.legends:
        texts += legend.get_texts()
    return texts


def _boxes(figure):
    figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()
    return [(t.get_text(), t.get_window_extent(renderer)) for t in _texts(figure) if t.get_text() and t.get_visible()]


def _overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


@pytest.mark.parametrize("name", CHARTS)
def test_no_two_labels_overlap(name: str) -> None:
    boxes = _boxes(FIGURES[name]())
    clashes = [(a, b) for n, (a, box_a) in enumerate(boxes) for b, box_b in boxes[n + 1 :] if _overlap(box_a, box_b)]
    assert clashes == []


@pytest.mark.parametrize("name", CHARTS)
def test_axis_titles_and_legend_outside_the_data(name: str) -> None:
    figure = FIGURES[name]()
    ax = figure.axes[0]
    assert ax.get_xlabel() and ax.get_ylabel()
    figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()
    plot_area = ax.get_window_extent(renderer)
    for legend in figure.legends:
        assert not _overlap(legend.get_window_extent(renderer), plot_area)
    if name == "plan":
        assert not figure.legends  # the bars are named on the axis


@pytest.mark.parametrize(
    "scores",
    [
        PERSPECTIVE_SCORES,
        {"effectiveness": 2.95, "quality": 2.71, "efficiency": 3.0, "development": 2.2},  # labels near the target line
        {"effectiveness": 0.4, "quality": 5.0, "efficiency": 2.5, "development": 1.0},
    ],
)
def test_kpi_value_labels_are_two_decimals_and_clear_of_the_target_line(scores) -> None:
    figure = charts.kpi_perspective_figure(scores)
    ax = figure.axes[0]
    figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()
    [line] = ax.lines
    line_box = line.get_window_extent(renderer)
    labels = [t for t in ax.texts if t.get_text() != charts.NO_SCORE]
    assert sorted(t.get_text() for t in labels) == sorted(f"{v:.2f}" for v in scores.values() if v is not None)
    for label in ax.texts:  # the "no score yet" text too
        box = label.get_window_extent(renderer)
        assert not _overlap(box, line_box), label.get_text()
        assert plot_contains(ax.get_window_extent(renderer), box), label.get_text()


def plot_contains(outer, inner) -> bool:
    return outer.x0 <= inner.x0 and inner.x1 <= outer.x1 + 1 and outer.y0 <= inner.y0 and inner.y1 <= outer.y1


def test_complaints_chart_shows_only_the_months_given() -> None:
    three = dict(list(BY_MONTH.items())[:3])
    figure = charts.complaints_month_figure(three, thai_digits=True)
    assert [t.get_text() for t in figure.axes[0].get_xticklabels()] == ["ต.ค.", "พ.ย.", "ธ.ค."]
    assert figure.axes[0].get_xlabel() == "เดือน (ต.ค. ๒๕๖๘ – ธ.ค. ๒๕๖๘)"


def test_different_results_draw_different_charts() -> None:
    assert charts.plan_status_chart(STATUS_COUNTS) != charts.plan_status_chart({**STATUS_COUNTS, "overdue": 2})


# --- the flowchart ------------------------------------------------------------------------------
def test_a_decision_is_a_four_vertex_diamond() -> None:
    [(figure, drawn)] = flowchart_figures(STEPS)
    decision = next(patch for shape, patch in drawn if shape.kind == "decision")
    assert isinstance(decision, Polygon)
    vertices = decision.get_xy()
    assert len(vertices) == 5 and (vertices[0] == vertices[-1]).all()  # closed: 4 distinct corners
    (top, right, bottom, left) = [tuple(v) for v in vertices[:4]]
    assert top[0] == bottom[0] and left[1] == right[1]  # a diamond, not a tilted quadrilateral
    assert decision in figure.axes[0].patches


def test_each_step_type_has_its_shape() -> None:
    [(_figure, drawn)] = flowchart_figures(STEPS)
    kinds = {shape.kind: type(patch) for shape, patch in drawn}
    assert kinds == {"terminal": FancyBboxPatch, "decision": Polygon, "document": PathPatch, "process": Rectangle, "end": FancyBboxPatch}
    assert [(shape.step_no, shape.kind) for shape, _ in drawn] == [
        (1, "terminal"), (2, "decision"), (3, "document"), (4, "process"), (None, "terminal"), (None, "end"),
    ]  # fmt: skip  # the decision's "no" ends at a terminal of its own


def test_start_and_end_terminals_are_added_when_missing() -> None:
    steps = with_terminals([FlowStep(1, "ทำงาน")])
    assert [(s.number, s.kind, s.text) for s in steps] == [(None, "terminal", "เริ่มต้น"), (1, "process", "ทำงาน"), (None, "terminal", "สิ้นสุด")]


def test_a_long_process_is_split_into_pages_joined_by_connectors() -> None:
    steps = [FlowStep(n, f"ขั้นตอนที่ {n} ตรวจสอบและดำเนินการตามระเบียบ", "decision" if n % 5 == 0 else "process") for n in range(1, 31)]
    pages = draw_flowchart(steps)
    assert len(pages) > 1 and all(page.height_in <= flowchart.MAX_PAGE_HEIGHT + 0.2 for page in pages)
    numbers = [s.step_no for page in pages for s in page.shapes if s.step_no is not None]
    assert numbers == list(range(1, 31))  # every step once, in order
    for page, following in zip(pages, pages[1:]):
        leaving = [s.label for s in page.shapes if s.kind == "connector" and s.label in CONNECTOR_LABELS]
        entering = [s.label for s in following.shapes if s.kind == "connector" and s.label in CONNECTOR_LABELS]
        assert leaving[-1] == entering[0]
        first_step = next(s for s in following.shapes if s.kind != "connector")
        assert first_step.kind != "decision"  # a decision stays with the step before it


def test_connectors_are_circles() -> None:
    steps = [FlowStep(n, "ขั้นตอน") for n in range(1, 30)]
    figures = flowchart_figures(steps)
    assert len(figures) > 1
    connectors = [patch for _fig, drawn in figures for shape, patch in drawn if shape.kind == "connector"]
    assert connectors and all(isinstance(c, Circle) for c in connectors)


def test_flowchart_png_is_deterministic_and_thai() -> None:
    assert draw_flowchart(STEPS)[0].png == draw_flowchart(STEPS)[0].png
    assert _glyph_warnings(lambda: draw_flowchart(STEPS, thai_digits=True)) == []


def test_flowchart_png_size_matches_the_page() -> None:
    [page] = draw_flowchart(STEPS)
    png = io.BytesIO(page.png).getvalue()
    assert int.from_bytes(png[16:20], "big") == round(page.width_in * charts.DPI)
    assert int.from_bytes(png[20:24], "big") == round(page.height_in * charts.DPI)


# --- Thai wrapping ------------------------------------------------------------------------------
MARKS = set("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e30\u0e32\u0e33")


@pytest.mark.parametrize(
    ("text", "clusters"),
    [
        ("ที่", ["ที่"]),  # vowel and tone mark stay on their consonant
        ("เรื่อง", ["เรื่", "อ", "ง"]),  # a leading vowel goes with what follows it
        ("น้ำ", ["น้ำ"]),  # sara am never starts a unit
        ("ไทย", ["ไท", "ย"]),
        ("ab", ["a", "b"]),
    ],
)
def test_thai_clusters(text: str, clusters: list[str]) -> None:
    assert thai_clusters(text) == clusters


@pytest.mark.parametrize(
    ("text", "limit", "lines"),
    [
        ("รับเรื่อง ร้องเรียน", 10, ["รับเรื่อง", "ร้องเรียน"]),  # at spaces first
        ("ตรวจสอบ", 20, ["ตรวจสอบ"]),
        ("กรรมการ\nประชุม", 20, ["กรรมการ", "ประชุม"]),  # the sheet's own line breaks
        ("สำนักงานจังหวัด", 8, ["สำนักงาน", "จังหวัด"]),  # at a syllable, not just where the budget ends
        ("สำนักงานจังหวัด", 6, ["สำนัก", "งาน", "จังหวัด"]),
        ("ผู้ว่าราชการจังหวัดได้มีคำสั่ง", 12, ["ผู้ว่าราชการ", "จังหวัดได้มีคำสั่ง"]),
        ("", 5, [""]),
    ],
)
def test_wrap_thai(text: str, limit: int, lines: list[str]) -> None:
    assert wrap_thai(text, char_budget(limit)) == lines


@pytest.mark.parametrize("limit", range(2, 15))
def test_wrapping_never_strands_a_mark_or_a_leading_vowel(limit: int) -> None:
    text = "ผู้ว่าราชการจังหวัดได้มีคำสั่งแต่งตั้งเจ้าหน้าที่ผู้รับผิดชอบ"
    lines = wrap_thai(text, char_budget(limit))
    assert "".join(lines) == text
    assert all(line[0] not in MARKS and line[-1] not in "เแโใไ" for line in lines)
