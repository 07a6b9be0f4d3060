"""Flowchart pages: every decision keeps the step its "no" branch returns to, and text stays inside."""

from sheets_sync.documents import flowchart
from sheets_sync.documents.flowchart import FlowStep, flowchart_figures


def _shapes_per_page(steps, max_height):
    return [[d for d, _ in drawn if d.kind != "connector"] for _, drawn in flowchart_figures(steps, max_height=max_height)]


def test_no_page_starts_with_a_decision_even_in_chains_of_decisions():
    steps = []
    for n in range(1, 41):
        kind = "decision" if n % 5 in (2, 3, 4) else "process"  # chains of three decisions
        steps.append(FlowStep(n, f"ขั้นตอนที่ {n} ตรวจสอบเอกสารประกอบคำขอ", kind, "นางสาวกนกวรรณ ทองดี", "1 วัน"))
    pages = _shapes_per_page(steps, max_height=flowchart.MAX_PAGE_HEIGHT)  # the real A4 page
    assert len(pages) > 3
    assert all(page and page[0].kind != "decision" for page in pages)
    drawn = [shape.step_no for page in pages for shape in page if shape.step_no is not None]
    assert sorted(set(drawn)) == list(range(1, 41))  # every step drawn


def test_terminal_text_stays_between_the_round_ends():
    text = "รับเรื่องร้องเรียนร้องทุกข์จากประชาชนทุกช่องทางและลงทะเบียนรับในระบบศูนย์ดำรงธรรมจังหวัด"
    box = flowchart._box(FlowStep(1, text, "terminal"), thai_digits=False)
    body = flowchart.SHAPE_WIDTH - 2 * flowchart.TERMINAL_RADIUS
    fits = flowchart.width_fits(body - 0.1)
    assert len(box.lines) > 1 and all(fits(line) for line in box.lines)
