"""The documents as a reader gets them: converted to PDF by LibreOffice and read page by page
(skipped where LibreOffice Writer or poppler's pdftotext is not installed; CI installs both)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest

from sheets_sync.documents.flowchart import branches, draw_flowchart, with_terminals
from sheets_sync.documents.sop import flow_steps, mission_steps
from tests.conftest import invoke_cli
from tests.documents_fixtures import demo_sync_at, office_settings, open_docx, paragraphs, render_manuals, render_memo, sync_workbook
from tests.documents_fixtures.second_office import AS_OF as SECOND_AS_OF
from tests.documents_fixtures.second_office import second_office_settings, second_office_workbook

pytestmark = pytest.mark.libreoffice

WHOLE_YEAR = dt.date(2026, 9, 30)  # round 12 of FY 2569, ended
IN_PROGRESS = dt.date(2026, 12, 1)  # the demo's default day: round 6 of FY 2570 has not ended


def to_pdf(document: Path, out_dir: Path, profile: Path) -> Path:
    """Headless conversion with a private LibreOffice profile (no clash with a running office)."""
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out_dir), str(document)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = out_dir / f"{document.stem}.pdf"
    assert pdf.exists(), f"LibreOffice wrote no {pdf.name}"
    return pdf


@pytest.fixture(scope="module")
def writer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A LibreOffice profile, once a tiny .docx has really been converted to PDF (skip otherwise:
    `soffice` may exist without Writer, or not run headless here)."""
    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice (soffice) or pdftotext (poppler-utils) is not installed")
    work = tmp_path_factory.mktemp("probe")
    probe = work / "probe.docx"
    document = docx.Document()
    document.add_paragraph("ทดสอบ")
    document.save(probe)
    profile = work / "lo-profile"
    try:
        to_pdf(probe, work, profile)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, AssertionError) as err:
        pytest.skip(f"LibreOffice Writer cannot convert to PDF here ({type(err).__name__})")
    return profile


def pages(pdf: Path, *, layout: bool = True) -> list[str]:
    """The text of each page (pdftotext; with `layout`, as placed on the page, else in reading
    order, where a table cell's lines stay together)."""
    command = ["pdftotext", *(["-layout"] if layout else []), str(pdf), "-"]
    text = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def squeeze(text: str) -> str:
    """Text without spaces and Thai marks: pdftotext may split a cluster or write sara am as
    nikhahit + sara aa, so only the base characters are compared."""
    return re.sub(r"[\s\u0e31\u0e33-\u0e3a\u0e47-\u0e4e]+", "", text.replace("\u0e4d\u0e32", "\u0e32"))


def table_rows_per_page(document: Path, pdf_pages: list[str]) -> list[tuple[int, list[int]]]:
    """For each table of the .docx with at least two data rows: how many of its data rows each
    page shows. Rows are found in order, from the first page showing the table's header: a row
    is on the first page (not before the previous row's) that shows the opening characters of
    every one of its cells."""
    squeezed = [squeeze(page) for page in pdf_pages]

    def keys(row) -> set[str]:
        return {squeeze(cell.text.split("\n")[0])[:4] for cell in row.cells} - {"", "-"}

    out = []
    for number, table in enumerate(docx.Document(str(document)).tables):
        header, rows = keys(table.rows[0]), table.rows[1:]
        first = next((n for n, page in enumerate(squeezed) if all(k in page for k in header)), None)
        if first is None:
            continue
        found: list[int] = []
        for row in rows:
            cells = keys(row)
            start = found[-1] if found else first
            page = next((n for n in range(start, len(squeezed)) if all(k in squeezed[n] for k in cells)), None)
            if page is None:
                break
            found.append(page)
        if len(rows) >= 2 and len(found) == len(rows):
            out.append((number, [found.count(page) for page in range(len(squeezed))]))
    return out


def assert_tables_behave(document: Path, pdf: Path) -> None:
    """No page holds a table's single row; a table starts with at least three rows on its page."""
    for number, counts in table_rows_per_page(document, pages(pdf)):
        shown = [c for c in counts if c]
        assert 1 not in shown or shown == [1] or sum(shown) < 2, (document.name, number, counts)
        assert shown[0] >= min(3, sum(shown)), (document.name, number, counts)


TWO_VIA = ["หัวหน้าสำนักงานจังหวัด", "รองผู้ว่าราชการจังหวัด"]


@pytest.fixture(scope="module")
def memos(writer: Path, tmp_path_factory: pytest.TempPathFactory, second_office_xlsx: Path) -> dict[str, tuple[Path, Path]]:
    """Every memo shape, rendered and converted: the demo in progress and at the year's end with
    its closed rounds (the comparison item, `sheets-sync demo` as an office runs it), and the
    second office (no branch columns, a KPI not assessed, carried-over complaints, more than five
    late activities) at its 6-month round with no, one and two `office.via` positions."""
    out: dict[str, tuple[Path, Path]] = {}
    settings = office_settings()
    early = tmp_path_factory.mktemp("early")
    memo = render_memo(demo_sync_at(early, settings, IN_PROGRESS), settings, early, memo_date=IN_PROGRESS + dt.timedelta(days=5))
    out["early"] = (memo, to_pdf(memo, early, writer))
    year = tmp_path_factory.mktemp("year")
    done = invoke_cli("demo", "--out", year, "--as-of", WHOLE_YEAR.isoformat())
    assert done.exit_code == 0, done.output
    memo = year / "followup-FY2569-R12.docx"
    out["year"] = (memo, to_pdf(memo, year, writer))
    for name, via in (("second-direct", []), ("second", None), ("second-two-via", TWO_VIA)):
        work = tmp_path_factory.mktemp(name)
        second = second_office_settings(via)
        memo = render_memo(sync_workbook(second_office_xlsx, second, SECOND_AS_OF), second, work)
        out[name] = (memo, to_pdf(memo, work, writer))
    return out


@pytest.fixture(scope="module")
def second_office_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return second_office_workbook(tmp_path_factory.mktemp("second-office") / "second-office.xlsx")


def page_of(text: list[str], needle: str) -> int:
    return next(n for n, page in enumerate(text) if squeeze(needle) in squeeze(page))


@pytest.mark.parametrize("name", ["year", "early", "second-direct", "second", "second-two-via"])
def test_memo_is_two_pages_ending_with_the_signer_then_the_attachment(memos, name: str) -> None:
    docx_path, pdf = memos[name]
    text = pages(pdf)
    signer_name = "(นางวันเพ็ญ ศรีประเสริฐ)" if name.startswith("second") else "(นางสาวสมใจ ใจดี)"
    assert signer_name in paragraphs(open_docx(docx_path))
    signer = page_of(text, signer_name)
    attachment = next(n for n, page in enumerate(text) if "สิ่งที่ส่งมาด้วย" in page and "รายละเอียดผลการติดตามการดำเนินงาน" in page)
    # outputs.md: the memo itself is one to two pages, ending with the signer; the closing
    # sentence and the signer are never apart
    assert signer <= 1 and "จึงเรียนมาเพื่อโปรดทราบและพิจารณา" in text[signer]
    assert "บันทึกข้อความ" in text[0] and "ภาพที่" not in "".join(text[:attachment])  # no chart in the memo itself
    comments = [n for n, page in enumerate(text[:attachment]) for _ in range(squeeze(page).count(squeeze("ความเห็น")))]
    assert len(comments) == {"second-direct": 0, "second-two-via": 2}.get(name, 1)
    if name != "second-two-via":  # one endorsement (the default office.via) fits beside nothing else: on the signer's page
        assert all(n == signer for n in comments)
        assert attachment == signer + 1  # the attachment starts on the next page
    else:  # two may continue on the next page, each whole (its comment, date, name line and position together)
        assert comments == sorted(comments) and comments[0] >= signer and attachment == comments[-1] + 1
        for n, position in zip(comments, TWO_VIA):
            assert squeeze(position) in squeeze(text[n].split("ความเห็น" + position)[-1])


def test_memo_pdf_has_extractable_thai_text(memos) -> None:
    text = "".join(pages(memos["year"][1]))
    for expected in ("บันทึกข้อความ", "ส่วนราชการ", "เรียน", "ผู้ว่าราชการจังหวัดตัวอย่าง", "๓๐ กันยายน ๒๕๖๙",
                     "จึงเรียนมาเพื่อโปรดทราบ", "(นางสาวสมใจ ใจดี)"):  # fmt: skip
        assert squeeze(expected) in squeeze(text)


def test_manual_pdf_opens_with_its_cover(manuals) -> None:
    text = pages(manuals[1]["SOP-M01"][1])
    assert "คู่มือการปฏิบัติงาน" in text[0] and squeeze("งานสารบรรณ") in squeeze(text[0])
    assert any(squeeze("ผังกระบวนการ") in squeeze(page) for page in text[3:])


def test_in_progress_round_is_titled_preliminary(memos) -> None:
    early = squeeze(pages(memos["early"][1])[0])
    assert squeeze("(รายงานเบื้องต้น)") in early and squeeze("วันที่ ๖ ธันวาคม ๒๕๖๙") in early  # the memo's own date
    assert squeeze("ข้อมูล ณ วันที่ ๑ ธันวาคม") in early  # apart from the data date
    assert squeeze("รายงานเบื้องต้น") not in squeeze(pages(memos["year"][1])[0])


@pytest.mark.parametrize("name", ["year", "early"])
def test_memo_tables_never_leave_a_header_or_one_row_alone(memos, name: str) -> None:
    memo, pdf = memos[name]
    assert len(table_rows_per_page(memo, pages(pdf))) >= 5  # the check has tables to look at
    assert_tables_behave(memo, pdf)


@pytest.fixture(scope="module")
def manuals(writer: Path, tmp_path_factory: pytest.TempPathFactory):
    settings = office_settings()
    work = tmp_path_factory.mktemp("manuals")
    sync = demo_sync_at(work, settings, WHOLE_YEAR)
    paths = {p.stem: p for p in render_manuals(sync, settings, work)}
    return sync, {name: (paths[name], to_pdf(paths[name], work, writer)) for name in ("SOP-M01", "SOP-M04", "SOP-M09", "index")}


# SOP-M04 has a decision whose branches differ: its standard-time sentence also gives the shortest
# path (rules.md), one line more, which can carry the last paragraph onto a tenth page.
@pytest.mark.parametrize(("name", "low", "high"), [("SOP-M01", 7, 8), ("SOP-M04", 8, 10), ("SOP-M09", 7, 8), ("index", 3, 4)])
def test_manual_page_counts(manuals, name: str, low: int, high: int) -> None:
    assert low <= len(pages(manuals[1][name][1])) <= high


@pytest.mark.parametrize("name", ["SOP-M01", "SOP-M04", "SOP-M09", "index"])
def test_manual_tables_never_leave_a_header_or_one_row_alone(manuals, name: str) -> None:
    document, pdf = manuals[1][name]
    assert len(table_rows_per_page(document, pages(pdf))) >= (1 if name == "index" else 3)  # tables found to check
    assert_tables_behave(document, pdf)


def test_contents_page_numbers_are_the_pages_of_the_parts(manuals) -> None:
    _docx, pdf = manuals[1]["SOP-M04"]
    text = pages(pdf)
    contents = next(page for page in text if "สารบัญ" in page)
    lines: list[str] = []
    for line in contents.splitlines():  # pdftotext may break a line inside a Thai word
        if lines and line.strip() and not re.match(r"\s*\d+\.", line):
            lines[-1] += line.strip()
        else:
            lines.append(line)
    listed = dict(m.groups() for line in lines if (m := re.match(r"\s*(\d+)\.\s*.+?\.{3,}\s*(\d+)\s*$", line)))
    assert len(listed) == 11
    for part, page in listed.items():
        heading = next(n for n, body in enumerate(text) if body is not contents and re.search(rf"^\s*{part}\.\s", body, re.M))
        assert int(page) == heading + 1, (part, page)


def test_flowchart_of_decisions_in_a_row_and_a_forward_jump(manuals) -> None:
    sync, files = manuals
    document, pdf = files["SOP-M04"]
    steps = flow_steps(mission_steps(sync.workbook.table("sop_steps"), "M04"))
    kinds = [s.kind for s in steps]
    assert "decision,decision" in ",".join(kinds)  # two decisions in a row
    chart = with_terminals(steps)
    index = {s.number: n for n, s in enumerate(chart)}
    logical = set(branches(chart))
    assert (index[3], index[6], "ไม่ใช่") in logical  # the forward jump of the demo's M04
    assert (index[4], index[2], "ไม่ใช่") in logical  # and the loop back of the decision after it
    drawn = draw_flowchart(steps)
    sources = {(e.source, e.label) for page in drawn for e in page.edges}
    assert {(index[3], "ใช่"), (index[3], "ไม่ใช่"), (index[4], "ใช่"), (index[4], "ไม่ใช่")} <= sources
    manual_pictures = [p.png for p in drawn]
    in_docx = [part.blob for part in open_docx(document).part.package.parts if part.content_type == "image/png"]
    assert all(png in in_docx for png in manual_pictures)
    # in the PDF, the chart is on the page of its heading
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True).stdout
    image_pages = {int(line.split()[0]) for line in listing.splitlines()[2:] if line.split()[2] == "image"}
    text = pages(pdf)
    after_contents = next(n for n, body in enumerate(text) if "สารบัญ" in body) + 1
    heading_page = next(n for n in range(after_contents, len(text)) if re.search(r"^\s*5\.\s*ผังกระบวนการ", text[n], re.M)) + 1
    assert heading_page in image_pages


@pytest.mark.parametrize("name", ["SOP-M01", "SOP-M04", "SOP-M09"])
def test_manual_headings_never_end_a_page(manuals, name: str) -> None:
    """Each section heading keeps with what follows it: on its page, after the heading's own line(s),
    there is text (part 5's is a flowchart picture, which pdftotext cannot see)."""
    document, pdf = manuals[1][name]
    headings = [p.text for p in open_docx(document).paragraphs if p.style.name == "Heading 1"]
    text = pages(pdf, layout=False)
    contents = next(n for n, body in enumerate(text) if "สารบัญ" in body)
    checked = 0
    for heading in headings:
        number = heading.split(".")[0]
        if number == "5":
            continue
        found = [(n, m) for n, body in enumerate(text) if n != contents and (m := re.search(rf"^\s*{number}\.\s", body, re.M))]
        assert len(found) == 1, heading
        page, match = found[0]
        rest = [line for line in text[page][match.end() :].splitlines() if line.strip() and not re.fullmatch(r"\s*หน้า\s*\d+\s*", line)]
        # more text than the rest of the heading itself (its second line, when pdftotext breaks it)
        assert len("".join("".join(rest).split())) > len("".join(heading.split())), (name, heading, page + 1)
        checked += 1
    assert checked == 10
