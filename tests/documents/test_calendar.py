"""`calendar`: the plan as an iCalendar file, parsed back with `icalendar`.

One event per valid activity plus the round, memo and review events; all-day with an exclusive
DTEND; stable UIDs (the same file twice, the same UIDs from another folder); an activity removed
from the plan is no longer in the file; a moved activity keeps its UID.
"""

from __future__ import annotations

import datetime as dt
import shutil

import icalendar
import openpyxl
import pytest
from click.testing import CliRunner

from sheets_sync.app.workbook import compute_from
from sheets_sync.backends.xlsx.backend import XlsxBackend
from sheets_sync.cli.main import cli
from sheets_sync.config import Output, Settings
from sheets_sync.core.fiscal import resolve_period
from tests.conftest import AS_OF


@pytest.fixture(scope="module")
def demo(tmp_path_factory, demo_xlsx):
    folder = tmp_path_factory.mktemp("calendar")
    path = demo_xlsx  # only read
    results = compute_from(XlsxBackend(path), Settings(output=Output(dir=str(folder))), resolve_period(AS_OF)).results
    return path, results


def export(workbook, out, *extra):
    config = out.parent / f"{out.name}.toml"
    config.write_text("\n".join(extra) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["calendar", "--workbook", str(workbook), "--as-of", AS_OF.isoformat(), "--out", str(out), "--config", str(config)]
    )
    assert result.exit_code == 0, result.output
    path = out / "plan-FY2569.ics"
    assert str(path) in result.output
    return path


def events(path):
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return calendar, {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def kind(uid: str) -> str:
    return uid.split("-FY")[0].rsplit("-", 1)[0]


def test_one_event_per_valid_activity_plus_rounds_memos_and_reviews(demo, tmp_path):
    workbook, results = demo
    calendar, found = events(export(workbook, tmp_path / "out"))
    activities = results.plan.activities
    reviewed = results.missions.missions[results.missions.missions["sop_reviewed"].notna()]
    assert len(activities) == 28 and len(reviewed) == 5
    kinds = [kind(uid) for uid in found]
    assert {k: kinds.count(k) for k in set(kinds)} == {"activity": 28, "round-end": 3, "memo-due": 3, "sop-review": 5}
    assert len(calendar.walk("VEVENT")) == len(found) == 39  # every UID unique
    assert str(calendar["x-wr-timezone"]) == "Asia/Bangkok"
    assert str(calendar["x-wr-calname"]) == "แผนปฏิบัติการ ฝ่ายอำนวยการ ปีงบประมาณ 2569"
    for row in activities.to_dict("records"):
        [event] = [e for uid, e in found.items() if uid.startswith(f"activity-{row['activity_id']}-FY2569@")]
        assert event.decoded("dtstart") == row["planned_start"]
        assert event.decoded("dtend") == row["planned_end"] + dt.timedelta(days=1)  # exclusive end
        assert str(event["summary"]) == f"{row['activity_id']} {row['activity']}"
        description = str(event["description"])
        assert f"ผู้รับผิดชอบ: {row['owner']}" in description
    a20 = next(e for uid, e in found.items() if uid.startswith("activity-A20-"))
    assert "สถานะ ณ วันที่ 31 มีนาคม 2569: เกินกำหนด" in str(a20["description"])


def test_round_ends_memo_due_dates_and_review_dates(demo, tmp_path):
    workbook, _ = demo
    _, found = events(export(workbook, tmp_path / "out"))
    by_kind = {}
    for uid, event in found.items():
        by_kind.setdefault(kind(uid), []).append((event.decoded("dtstart"), event.decoded("dtend")))
    assert sorted(by_kind["round-end"]) == [
        (dt.date(2026, 3, 31), dt.date(2026, 4, 1)), (dt.date(2026, 6, 30), dt.date(2026, 7, 1)), (dt.date(2026, 9, 30), dt.date(2026, 10, 1))
    ]
    assert sorted(d for d, _ in by_kind["memo-due"]) == [dt.date(2026, 4, 15), dt.date(2026, 7, 15), dt.date(2026, 10, 15)]
    m01 = next(e for uid, e in found.items() if uid.startswith("sop-review-M01-"))
    assert m01.decoded("dtstart") == dt.date(2026, 11, 15)  # reviewed 15 Nov 2025 + 365 days
    _, shorter = events(export(workbook, tmp_path / "memo10", "[remind]", "memo_due_days = 10"))
    assert sorted(e.decoded("dtstart") for uid, e in shorter.items() if kind(uid) == "memo-due")[0] == dt.date(2026, 4, 10)


def test_two_runs_give_identical_files_and_the_uids_do_not_depend_on_the_folder(demo, tmp_path):
    workbook, _ = demo
    first = export(workbook, tmp_path / "one").read_bytes()
    second = export(workbook, tmp_path / "two").read_bytes()
    assert first == second
    elsewhere = tmp_path / "copy" / "demo.xlsx"
    elsewhere.parent.mkdir()
    shutil.copy(workbook, elsewhere)
    _, moved = events(export(elsewhere, tmp_path / "three"))
    _, original = events(tmp_path / "one" / "plan-FY2569.ics")
    assert set(moved) == set(original)


def test_a_removed_activity_disappears_and_a_moved_one_keeps_its_uid(demo, tmp_path):
    workbook, _ = demo
    _, before = events(export(workbook, tmp_path / "before"))
    edited = tmp_path / "edit" / "demo.xlsx"
    edited.parent.mkdir()
    shutil.copy(workbook, edited)
    book = openpyxl.load_workbook(edited)
    sheet = book["แผนปฏิบัติการ"]
    rows = {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}
    sheet.cell(row=rows["A01"], column=6).value = dt.datetime(2026, 8, 31)  # A01 now ends a month earlier
    sheet.delete_rows(rows["A05"])
    book.save(edited)
    _, after = events(export(edited, tmp_path / "after"))
    removed = {uid for uid in before if uid.startswith("activity-A05-")}
    assert len(removed) == 1
    assert set(after) == set(before) - removed
    a01 = next(uid for uid in before if uid.startswith("activity-A01-"))
    assert before[a01].decoded("dtend") == dt.date(2026, 10, 1) and after[a01].decoded("dtend") == dt.date(2026, 9, 1)
