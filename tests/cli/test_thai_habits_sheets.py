"""Issue 12 on Google Sheets (real gspread + google-auth against the emulator, through the CLI):
`init` formats id/ref/text columns as plain text with Thai dropdown help, and every row of
`ตรวจสอบข้อมูล` links to its cell with a `#gid=…&range=…` text link (never a formula)."""

from __future__ import annotations

import json

from sheets_sync.schema.tabs import input_tabs
from tests.backends.test_gsheets import AS_OF, demo_sheets, demo_typed, emu, env, key_file, run  # noqa: F401 - fixtures


def test_init_formats_id_ref_and_text_columns_as_plain_text(env, key_file):  # noqa: F811
    sid = env.create_spreadsheet("สำนักงานจังหวัด")
    result = run("init", "--sheet-id", sid, "--credentials", key_file)
    assert result.exit_code == 0, result.output
    plan = next(t for t in input_tabs() if t.key == "plan")
    headers = env.get_values(sid, "แผนปฏิบัติการ")[0]
    letters = {h: chr(ord("A") + i) for i, h in enumerate(headers)}
    for col in plan.columns:
        cell = env.get_cell(sid, "แผนปฏิบัติการ", f"{letters[col.th]}2")
        is_text = col.type.value in ("id", "ref", "text")
        assert (cell.number_format == {"type": "TEXT"}) is is_text, col.key
    assert env.get_cell(sid, "แผนปฏิบัติการ", "A1000").number_format == {"type": "TEXT"}  # the whole column, not row 2 only
    assert env.get_cell(sid, "แผนปฏิบัติการ", "A1").value == "รหัสกิจกรรม"  # the header keeps its own format
    rules = {s["properties"]["title"]: s for s in env.spreadsheet(sid)["sheets"]}["ภารกิจ"]["dataValidation"]
    assert rules["C2"]["inputMessage"] == "เลือกจากรายการ: ตามกฎหมาย/ข้อสั่งการ, สนับสนุนงานประจำ, นโยบาย/โครงการพิเศษ"
    assert rules["H2"]["inputMessage"].startswith("วันที่ เช่น 31/03/2569")


def test_issue_rows_link_to_their_cell_errors_first(demo_sheets, env, key_file, tmp_path):  # noqa: F811
    _, sheets = demo_sheets()
    sid = env.create_spreadsheet("สำนักงานจังหวัดตัวอย่าง", sheets)
    result = run("sync", "--sheet-id", sid, "--credentials", key_file, "--as-of", AS_OF, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    issues = json.loads((tmp_path / "out" / "results-FY2569-R6.json").read_text(encoding="utf-8"))["issues"]
    ordered = [i for i in issues if i["severity"] == "error"] + [i for i in issues if i["severity"] == "warning"]
    values = env.get_values(sid, "ตรวจสอบข้อมูล")
    assert values[3] == ["แท็บ", "เซลล์", "คอลัมน์", "ระดับ", "รหัส", "ข้อความ", "ค่าที่พบ"]
    assert [row[1] for row in values[4 : 4 + len(ordered)]] == [f"{i['tab']}!{i['cell']}" for i in ordered]
    for n, issue in enumerate(ordered):
        cell = env.get_cell(sid, "ตรวจสอบข้อมูล", f"B{5 + n}")
        gid = env.sheet_id(sid, issue["tab"])
        assert cell.user_entered_value == {"stringValue": f"{issue['tab']}!{issue['cell']}"}  # a value, never =HYPERLINK
        assert cell.text_format_runs == [{"startIndex": 0, "format": {"link": {"uri": f"#gid={gid}&range={issue['cell']}"}}}]
    plan_error = next(n for n, i in enumerate(ordered) if (i["tab"], i["cell"]) == ("แผนปฏิบัติการ", "B31"))
    link = env.get_cell(sid, "ตรวจสอบข้อมูล", f"B{5 + plan_error}").text_format_runs[0]["format"]["link"]["uri"]
    assert link == f"#gid={env.sheet_id(sid, 'แผนปฏิบัติการ')}&range=B31"
    assert env.get_cell(sid, "ตรวจสอบข้อมูล", "A5").text_format_runs is None  # only the cell address links
