"""Decision branches follow yes_next / no_next and are drawn unambiguously: decisions in a row,
loops back, forward jumps and a "no" that ends the process never share a line or a corner."""

from __future__ import annotations

import itertools

import pytest

from sheets_sync.documents import flowchart
from sheets_sync.documents.flowchart import FlowStep, branches, draw_flowchart, with_terminals

# M04-like: register, two decisions in a row (the first "no" jumps forward, the second has no
# no_next: its "no" ends the process), then a decision whose two branches both leave sideways
# ("yes" jumps forward past step 7, "no" loops back to step 5).
STEPS = [
    FlowStep(1, "รับเรื่องร้องเรียน/ร้องทุกข์", "terminal", "นางสาวกนกวรรณ ทองดี", "15 นาที"),
    FlowStep(2, "ลงทะเบียนในระบบศูนย์ดำรงธรรม", "process", "นางสาวกนกวรรณ ทองดี", "10 นาที"),
    FlowStep(3, "เป็นเรื่องในอำนาจของจังหวัดหรือไม่", "decision", "นางสาวพิมพ์ชนก ศรีสุข", "1 ชั่วโมง", no_next=7),
    FlowStep(4, "เอกสารหลักฐานครบถ้วนหรือไม่", "decision", "นางสาวพิมพ์ชนก ศรีสุข", "30 นาที"),
    FlowStep(5, "ส่งต่อหน่วยงานที่รับผิดชอบ", "document", "นางสาวกนกวรรณ ทองดี", "3 วัน"),
    FlowStep(6, "ผู้ร้องพอใจผลการดำเนินการหรือไม่", "decision", "นางสาวกนกวรรณ ทองดี", "7 วัน", yes_next=8, no_next=5),
    FlowStep(7, "แนะนำผู้ร้องไปยังหน่วยงานที่มีอำนาจ", "process", "นางสาวกนกวรรณ ทองดี", "1 วัน"),
    FlowStep(8, "ยุติเรื่องและประเมินความพึงพอใจ", "terminal", "นางสาวกนกวรรณ ทองดี", "30 นาที"),
]


def test_branches_follow_yes_next_and_no_next() -> None:
    chart = with_terminals(STEPS)
    index = {s.number: n for n, s in enumerate(chart)}
    got = {(chart[a].number, "own end" if b == flowchart.OWN_END else chart[b].number, label) for a, b, label in branches(chart)}
    assert (3, 4, "ใช่") in got and (3, 7, "ไม่ใช่") in got  # forward jump
    assert (4, 5, "ใช่") in got and (4, "own end", "ไม่ใช่") in got  # "no" without no_next: an end of its own
    assert (6, 8, "ใช่") in got and (6, 5, "ไม่ใช่") in got  # a jump forward and a loop back
    assert (8, None, "") not in got and all(a != index[8] for a, _b, _l in branches(chart))  # the end leads nowhere
    assert (5, 6, "") in got and (7, 8, "") in got


def _segments(points):
    return list(zip(points, points[1:]))


def _collinear_overlap(s, t) -> bool:
    (a, b), (c, d) = s, t
    if abs(a[0] - b[0]) < 1e-9 and abs(c[0] - d[0]) < 1e-9 and abs(a[0] - c[0]) < 1e-6:
        lo, hi = max(min(a[1], b[1]), min(c[1], d[1])), min(max(a[1], b[1]), max(c[1], d[1]))
        return hi - lo > 1e-6
    if abs(a[1] - b[1]) < 1e-9 and abs(c[1] - d[1]) < 1e-9 and abs(a[1] - c[1]) < 1e-6:
        lo, hi = max(min(a[0], b[0]), min(c[0], d[0])), min(max(a[0], b[0]), max(c[0], d[0]))
        return hi - lo > 1e-6
    return False


ONE_PAGE = 20.0


@pytest.mark.parametrize("max_height", [ONE_PAGE, flowchart.MAX_PAGE_HEIGHT, 5.0])  # one page, and split over pages
def test_no_two_branches_share_a_line_or_an_end(max_height: float) -> None:
    pages = draw_flowchart(STEPS, max_height=max_height)
    for page in pages:
        for e, f in itertools.combinations(page.edges, 2):
            for s in _segments(e.points):
                for t in _segments(f.points):
                    assert not _collinear_overlap(s, t), (e, f)
            assert e.points[-1] != f.points[-1] or e.target != f.target or (e.points[0] == f.points[0]), (e, f)
        ends = [e.points[-1] for e in page.edges]
        assert len(ends) == len(set(ends))  # every arrow has its own arrowhead
        starts = [e.points[0] for e in page.edges if e.label]
        assert len(starts) == len(set(starts))  # a decision's two branches leave from two corners


def test_every_decision_has_a_yes_and_a_no() -> None:
    pages = draw_flowchart(STEPS, max_height=5.0)
    assert len(pages) > 1
    chart = with_terminals(STEPS)
    labels: dict[int, list[str]] = {}
    for page in pages:
        for e in page.edges:
            if e.label and e.source >= 0 and (e.points[0][0] in (flowchart.SHAPE_LEFT, flowchart.SHAPE_RIGHT, flowchart.SHAPE_X)):
                labels.setdefault(chart[e.source].number, []).append(e.label)
    for step in STEPS:
        if step.kind == "decision":
            assert sorted(set(labels[step.number])) == ["ใช่", "ไม่ใช่"], step.number


def test_lanes_stay_clear_of_the_shapes_and_the_step_numbers() -> None:
    [page] = draw_flowchart(STEPS, max_height=ONE_PAGE)
    for e in page.edges:
        for (x0, y0), (x1, y1) in _segments(e.points):
            if abs(x0 - x1) < 1e-9 and abs(y0 - y1) > 1e-9:  # a vertical run
                inside_column = flowchart.SHAPE_LEFT < x0 < flowchart.SHAPE_RIGHT
                assert not inside_column or abs(x0 - flowchart.SHAPE_X) < 1e-9, e  # only the straight flow runs there
                assert x0 > flowchart.NUMBER_X + 0.2, e


def test_a_decision_in_a_row_enters_clear_of_the_corner_its_own_no_leaves_from() -> None:
    [page] = draw_flowchart(STEPS, max_height=ONE_PAGE)
    chart = with_terminals(STEPS)
    decision_4 = next(n for n, s in enumerate(chart) if s.number == 4)
    leaving = [e.points[0] for e in page.edges if e.source == decision_4 and e.label == "ไม่ใช่"]
    entering = [e.points[-1] for e in page.edges if e.target == decision_4 and len(e.points) > 2]
    assert leaving and all(point not in leaving for point in entering)


def test_forward_jump_and_loop_back_use_different_lanes_where_they_overlap() -> None:
    [page] = draw_flowchart(STEPS, max_height=ONE_PAGE)
    chart = with_terminals(STEPS)
    n = {s.number: i for i, s in enumerate(chart)}
    jump = next(e for e in page.edges if e.source == n[3] and e.target == n[7])
    loop = next(e for e in page.edges if e.source == n[6] and e.target == n[5])
    forward = next(e for e in page.edges if e.source == n[6] and e.target == n[8])
    overlapping = [e for e in (loop, forward) if e.points[0][0] == jump.points[0][0]]
    assert all(e.points[1][0] != jump.points[1][0] for e in overlapping)  # overlapping heights on one side, two lanes
    assert {loop.points[0][0], forward.points[0][0]} == {flowchart.SHAPE_LEFT, flowchart.SHAPE_RIGHT}  # two corners
