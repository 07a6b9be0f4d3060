"""`remind` end to end: the demo workbook, the real CLI, a real SMTP server on 127.0.0.1.

Who got which message with which items, nobody another person's items, no complainant's
personal data anywhere, a re-run sends nothing, a refused login is exit 3 with nothing marked
sent (and the next good run sends them); plus who-owes-what on small real workbooks.
"""

from __future__ import annotations

import datetime as dt
import email
import email.header
import email.policy
import json
import re

import openpyxl
import pytest
from click.testing import CliRunner

from sheets_sync.app.workbook import compute_from
from sheets_sync.backends.xlsx.backend import XlsxBackend
from sheets_sync.cli.main import cli
from sheets_sync.compute.reminders import who_owes_what
from sheets_sync.config import Output, Settings
from sheets_sync.core.fiscal import resolve_period
from sheets_sync.present.demo import P
from sheets_sync.storage.send_ledger import SendLedger
from tests.conftest import AS_OF, write_xlsx
from tests.smtp_server import SmtpServer, free_port

USER, PASSWORD = "sheets-sync@example.go.th", "s3cret-ผ่าน"
HEAD = "head.admin@example.go.th"
ID = re.compile(r"ดธ\.\d\d/\d{4}|\b[AKM]\d\d\b")


@pytest.fixture(scope="module")
def demo(tmp_path_factory, demo_xlsx):
    """The demo workbook at 31 March 2569 (the session's, only read), its results and its complainants' data."""
    folder = tmp_path_factory.mktemp("demo")
    path = demo_xlsx
    settings = Settings(output=Output(dir=str(folder)))
    results = compute_from(XlsxBackend(path), settings, resolve_period(AS_OF, settings.fiscal.rounds)).results
    sheet = openpyxl.load_workbook(path)["เรื่องร้องเรียน"]
    header = [c.value for c in sheet[1]]
    personal = set()
    for row in sheet.iter_rows(min_row=2, values_only=True):
        for column in ("ผู้ร้อง", "เลขประจำตัวประชาชน", "โทรศัพท์"):
            value = row[header.index(column)]
            if value:
                personal.add(str(value))
                personal.add(re.sub(r"\D", "", str(value)) if column != "ผู้ร้อง" else str(value))
    return path, results, personal


def _config(tmp_path, port, cafile="", password_env="TEST_SMTP_PASSWORD", security="starttls"):
    path = tmp_path / "office.toml"
    path.write_text(
        f"""
[output]
dir = "{tmp_path / 'out'}"
history = "{tmp_path / 'history.sqlite'}"

[remind]
head_email = "{HEAD}"
complaint_units = {{ "*" = "{P[4]}" }}

[mail]
host = "127.0.0.1"
port = {port}
security = "{security}"
username = "{USER}"
password_env = "{password_env}"
from = "{USER}"
cafile = "{cafile}"
""",
        encoding="utf-8",
    )
    return path


def remind(workbook, config, *extra, password=PASSWORD):
    env = {"TEST_SMTP_PASSWORD": password} if password is not None else {}
    return CliRunner().invoke(cli, ["remind", "--workbook", str(workbook), "--as-of", AS_OF.isoformat(), "--config", str(config), *extra], env=env)


def texts(message) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def display_name(message, header="To") -> str:
    """RFC 2047 decoding (adjacent encoded words join without the folding space)."""
    raw = email.message_from_bytes(message.as_bytes(), policy=email.policy.compat32)[header]
    return str(email.header.make_header(email.header.decode_header(raw))).rsplit(" <", 1)[0]


@pytest.fixture
def server(tmp_path):
    with SmtpServer(tmp_path, USER, PASSWORD) as running:
        yield running


def test_each_person_gets_one_message_with_only_their_items(demo, server, tmp_path):
    workbook, results, _ = demo
    result = remind(workbook, _config(tmp_path, server.port, server.cafile))
    assert result.exit_code == 0, result.output
    inbox = server.inbox.by_address()
    overdue_cases = set(results.complaints.overdue_cases["case_id"])
    assert len(overdue_cases) == 41
    expected = {
        "pimchanok.s@example.go.th": {"A20", "A21", "K08", "M02"},  # two overdue, K08 not reported in round 6, M02 review
        "kanokwan.t@example.go.th": {"A24"} | overdue_cases,  # behind; follows every unit's overdue cases ("*")
        "thanakorn.b@example.go.th": {"M10"},
        "pakorn.s@example.go.th": {"M06"},  # a manual without a review date
        "anucha.w@example.go.th": {"A26"},
    }
    assert set(inbox) == set(expected) | {HEAD}  # waraporn and somchai have nothing due: no message
    assert all(len(item.recipients) == 1 for item in server.inbox.received)
    locals_ = ["pimchanok.s", "thanakorn.b", "waraporn.k", "somchai.j", "kanokwan.t", "pakorn.s", "", "anucha.w"]
    names = {f"{local}@example.go.th": name for name, local in zip(P, locals_)}
    for address, ids in expected.items():
        [message] = inbox[address]
        text, page = texts(message)
        assert set(ID.findall(text)) == ids, address
        assert set(ID.findall(page)) == ids, address
        assert display_name(message) == names[address] and text.startswith(f"เรียน {names[address]}\n")
        others = [name for name in P if name != names[address]]
        assert not [name for name in others if name in text or name in page]  # nobody else's name, so nobody else's items
        assert "ดูรายละเอียดได้ที่แท็บ สรุปติดตามแผน" in text or "ดูรายละเอียดได้ที่แท็บ สรุปภารกิจและคู่มือ" in text
        assert "31 มีนาคม 2569" in message["Subject"]
    text, _ = texts(inbox["pimchanok.s@example.go.th"][0])
    assert "K08 ร้อยละบุคลากรที่ได้รับการพัฒนาตามแผน — ยังไม่รายงานผลรอบ 6 เดือน (รอบสิ้นสุด 31 มี.ค. 69)" in text
    assert "ดูรายละเอียดได้ที่แท็บ สรุปติดตามแผน, สรุปตัวชี้วัด, สรุปภารกิจและคู่มือ ในสมุดงาน demo.xlsx" in text
    [summary] = inbox[HEAD]
    summary_text, _ = texts(summary)
    assert "แจ้งเตือนผู้รับผิดชอบทางอีเมล 5 คน · ติดต่อไม่ได้ 1 คน" in summary_text
    assert f"{P[6]} (ไม่มีอีเมลที่ใช้ได้ในแท็บ บุคลากร): กิจกรรม 1 (A17)" in summary_text  # ติดต่อไม่ได้
    assert "ติดต่อไม่ได้ — โปรดแจ้งด้วยตนเอง" in summary_text
    assert f"{P[0]} <pimchanok.s@example.go.th>: กิจกรรม 2 (A20, A21) · ตัวชี้วัด 1 (K08 รอบ 6) · คู่มือ 1 (M02)" in summary_text
    assert server.logins == [(USER, True)]


def test_activity_lines_say_status_days_and_dates(demo, server, tmp_path):
    workbook, results, _ = demo
    assert remind(workbook, _config(tmp_path, server.port, server.cafile)).exit_code == 0
    inbox = server.inbox.by_address()
    text, _ = texts(inbox["pimchanok.s@example.go.th"][0])
    activities = results.plan.activities.set_index("activity_id")
    a20 = activities.loc["A20"]
    assert a20["status"] == "overdue" and a20["planned_end"] == dt.date(2025, 11, 30)
    assert f"A20 {a20['activity']} — เกินกำหนด 121 วัน (สิ้นสุดตามแผน 30 พ.ย. 68) · ความก้าวหน้า 80%" in text
    text, _ = texts(inbox["anucha.w@example.go.th"][0])
    assert "A26 " in text and "— ล่าช้า · ความก้าวหน้า 65% (ตามแผนควรถึง 100%) · สิ้นสุดตามแผน 31 มี.ค. 69 · ใกล้ครบกำหนด" in text
    text, _ = texts(inbox["kanokwan.t@example.go.th"][0])
    first = results.complaints.overdue_cases.iloc[0]
    assert f"  • {first['case_id']} — เปิดมาแล้ว {first['days_open']} วัน · ประเภท {first['category']}\n" in text


def test_no_complainant_personal_data_in_any_message_or_eml(demo, server, tmp_path):
    workbook, _, personal = demo
    assert len(personal) > 600  # names, ids and phones of 320 cases, with and without dashes
    config = _config(tmp_path, server.port, server.cafile)
    assert remind(workbook, config).exit_code == 0
    dry = remind(workbook, config, "--dry-run", "--out", tmp_path / "dry")
    assert dry.exit_code == 0, dry.output
    emls = sorted((tmp_path / "dry" / "reminders").glob("*.eml"))
    assert len(emls) == 7
    blobs = [item.message for item in server.inbox.received]
    blobs += [email.message_from_bytes(path.read_bytes(), policy=email.policy.default) for path in emls]
    any_personal = re.compile("|".join(re.escape(v) for v in sorted(personal, key=len, reverse=True)))  # one pass per text
    for message in blobs:
        text, page = texts(message)
        raw = message.as_bytes().decode("ascii", "replace")
        for where in (text, page, raw, message["Subject"]):
            found = any_personal.search(where)
            assert found is None, f"personal data {found[0]!r} in a reminder"


def test_a_rerun_the_same_day_sends_nothing_and_resend_sends_again(demo, server, tmp_path):
    workbook, _, _ = demo
    config = _config(tmp_path, server.port, server.cafile)
    assert remind(workbook, config).exit_code == 0
    assert len(server.inbox.received) == 6
    again = remind(workbook, config)
    assert again.exit_code == 0, again.output
    assert len(server.inbox.received) == 6  # nothing new
    assert "ส่งแล้ว 0 ฉบับ · ส่งไปแล้ววันนี้ (ไม่ส่งซ้ำ) 6 ฉบับ" in again.output
    assert server.logins == [(USER, True)]  # the second run did not even log in
    resent = remind(workbook, config, "--resend")
    assert resent.exit_code == 0 and len(server.inbox.received) == 12


def test_a_refused_login_is_exit_3_with_nothing_marked_and_the_next_run_sends_them(demo, server, tmp_path):
    workbook, _, _ = demo
    config = _config(tmp_path, server.port, server.cafile)
    refused = remind(workbook, config, password="wrong")
    assert refused.exit_code == 3, refused.output
    assert server.inbox.received == [] and server.logins and all(not ok for _, ok in server.logins)  # smtplib tries PLAIN, then LOGIN
    assert "ไม่ยอมให้เข้าสู่ระบบ (535)" in refused.output
    assert "ยังไม่ได้ส่ง (สั่ง remind อีกครั้งจะส่งให้):" in refused.output and "pimchanok.s@example.go.th" in refused.output
    assert "Traceback" not in refused.output
    ledger = SendLedger(tmp_path / "history.sqlite")
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()
    assert ledger.sent_on(today, str(workbook)) == []
    good = remind(workbook, config)
    assert good.exit_code == 0, good.output
    assert len(server.inbox.received) == 6
    assert {r.recipient for r in ledger.sent_on(today, str(workbook))} == set(server.inbox.by_address())


def test_a_refused_recipient_is_exit_3_the_others_go_and_the_next_run_sends_only_it(demo, server, tmp_path):
    workbook, _, _ = demo
    config = _config(tmp_path, server.port, server.cafile)
    server.inbox.refuse = {"thanakorn.b@example.go.th"}
    first = remind(workbook, config)
    assert first.exit_code == 3, first.output
    assert set(server.inbox.by_address()) == {"pimchanok.s@example.go.th", "kanokwan.t@example.go.th", "pakorn.s@example.go.th",
                                              "anucha.w@example.go.th", HEAD}
    assert "ส่งไม่สำเร็จ: นายธนากร บุญมา <thanakorn.b@example.go.th> — เซิร์ฟเวอร์ไม่รับผู้รับ thanakorn.b@example.go.th (550" in first.output
    server.inbox.refuse = set()
    second = remind(workbook, config)
    assert second.exit_code == 0, second.output
    assert len(server.inbox.received) == 6 and server.inbox.received[-1].recipients == ["thanakorn.b@example.go.th"]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # the connection is SSL from the start
def test_ssl_from_the_first_byte(demo, tmp_path):
    workbook, _, _ = demo
    with SmtpServer(tmp_path, USER, PASSWORD, implicit_tls=True) as ssl_server:
        result = remind(workbook, _config(tmp_path, ssl_server.port, ssl_server.cafile, security="ssl"))
        assert result.exit_code == 0, result.output
        assert len(ssl_server.inbox.received) == 6 and ssl_server.logins == [(USER, True)]


def test_a_certificate_that_is_not_trusted_is_exit_3(demo, server, tmp_path):
    workbook, _, _ = demo
    result = remind(workbook, _config(tmp_path, server.port))  # no mail.cafile: the self-signed certificate is refused
    assert result.exit_code == 3, result.output
    assert "เชื่อมต่อแบบเข้ารหัสกับ 127.0.0.1:" in result.output and server.inbox.received == []


def test_a_server_that_cannot_be_reached_is_exit_3_and_lists_the_unsent(demo, tmp_path):
    workbook, _, _ = demo
    result = remind(workbook, _config(tmp_path, free_port()))
    assert result.exit_code == 3, result.output
    assert "ติดต่อเซิร์ฟเวอร์อีเมล 127.0.0.1:" in result.output and "ส่งไม่สำเร็จ 6 ฉบับ" in result.output
    assert "Traceback" not in result.output


def test_a_missing_password_variable_is_a_config_error(demo, tmp_path):
    workbook, _, _ = demo
    result = remind(workbook, _config(tmp_path, free_port(), password_env="NOT_SET_ANYWHERE"), password=None)
    assert result.exit_code == 2
    assert "NOT_SET_ANYWHERE" in result.output and "Traceback" not in result.output


def test_dry_run_writes_one_eml_per_person_and_the_summary(demo, tmp_path):
    workbook, _, _ = demo
    (tmp_path / "office.toml").write_text(f'[output]\nhistory = "{tmp_path / "h.sqlite"}"\n', encoding="utf-8")
    out = tmp_path / "out"
    (out / "reminders").mkdir(parents=True)
    (out / "reminders" / "stale.eml").write_text("old")  # a person no longer due leaves no stale file
    result = remind(workbook, tmp_path / "office.toml", "--dry-run", "--out", out, password=None)
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in (out / "reminders").glob("*.eml"))
    assert files == [
        "00-นางสาวกนกวรรณ_ทองดี.eml", "01-นางสาวพิมพ์ชนก_ศรีสุข.eml", "02-นางสุนีย์_พรหมมา.eml", "03-นายธนากร_บุญมา.eml",
        "04-นายปกรณ์_สุวรรณรัตน์.eml", "05-นายอนุชา_วงศ์ไทย.eml", "06-สรุปถึงหัวหน้าฝ่าย.eml",
    ]
    unreachable = email.message_from_bytes((out / "reminders" / files[2]).read_bytes(), policy=email.policy.default)
    assert unreachable["To"] is None and "A17" in texts(unreachable)[0]
    assert "ติดต่อไม่ได้: นางสุนีย์ พรหมมา" in result.output
    assert "ไม่ได้ตั้ง remind.head_email" in result.output
    assert not (tmp_path / "h.sqlite").exists()  # a dry run records nothing as sent


def test_dry_run_json_and_config_errors(demo, tmp_path):
    workbook, _, _ = demo
    config = tmp_path / "office.toml"
    config.write_text(f'[output]\nhistory = "{tmp_path / "h.sqlite"}"\n[remind]\nhead_email = "{HEAD}"\n', encoding="utf-8")
    result = remind(workbook, config, "--dry-run", "--json", "--out", tmp_path / "out", password=None)
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert len(document["eml_files"]) == 7 and document["sent"] == [] and document["unsent"] == []
    assert document["not_reachable"] == {P[6]: "ไม่มีอีเมลที่ใช้ได้ในแท็บ บุคลากร"}
    no_server = remind(workbook, config, "--out", tmp_path / "out", password=None)  # not a dry run, no [mail] host
    assert no_server.exit_code == 2 and "[mail] host" in no_server.output
    config.write_text('[remind]\nhead_email = "หัวหน้า"\n', encoding="utf-8")
    bad = remind(workbook, config, "--dry-run", password=None)
    assert bad.exit_code == 2 and "remind.head_email ไม่ใช่ที่อยู่อีเมล" in bad.output


def test_help_is_thai(tmp_path):
    for command in ("remind", "calendar"):
        result = CliRunner().invoke(cli, [command, "--help"])
        assert result.exit_code == 0 and "ตัวอย่าง:" in result.output and f"sheets-sync {command}" in result.output
        doc = cli.commands[command].help.split("\b")[0]
        assert not re.search(r"\b[A-Za-z]{3,}\s+[a-z]{3,}\s+[a-z]{3,}\b", doc), doc  # no English sentence


# --- who owes what, on small real workbooks ------------------------------------------------------

D = dt.date
MISSIONS = [["รหัสภารกิจ", "ชื่อภารกิจ", "ประเภทภารกิจ", "ผู้รับผิดชอบหลัก", "สถานะคู่มือ", "วันที่ทบทวนคู่มือ"],
            ["M01", "งานสารบรรณ", "สนับสนุนงานประจำ", "นายหนึ่ง", "มี", D(2025, 4, 20)],  # due 2026-04-20
            ["M02", "งานประชุม", "สนับสนุนงานประจำ", "นายสอง", "มี", D(2025, 4, 21)]]  # due 2026-04-21: outside
PLAN_HEADER = ["รหัสกิจกรรม", "รหัสภารกิจ", "กิจกรรม", "วันเริ่มตามแผน", "วันสิ้นสุดตามแผน", "ผู้รับผิดชอบ", "ความก้าวหน้า (%)"]
KPI_HEADER = ["รหัสตัวชี้วัด", "ตัวชี้วัด", "มิติ", "ระดับ", "ผู้รับผิดชอบ", "ประเภทการวัด", "น้ำหนัก (%)",
              "เกณฑ์ 1", "เกณฑ์ 2", "เกณฑ์ 3", "เกณฑ์ 4", "เกณฑ์ 5", "ผลรอบ 6 เดือน", "ผลรอบ 9 เดือน", "ผลรอบ 12 เดือน"]
COMPLAINT_HEADER = ["เลขที่เรื่อง", "วันที่รับเรื่อง", "ช่องทาง", "ประเภทเรื่อง", "เรื่อง", "ผู้ร้อง", "หน่วยงานที่รับผิดชอบ", "สถานะ"]


def _plan_for(tmp_path, as_of, units=None, due_within_days=14):
    tabs = {
        "ภารกิจ": MISSIONS,
        "แผนปฏิบัติการ": [
            PLAN_HEADER,
            ["A1", "M01", "ครบกำหนดวันสุดท้ายของช่วง", D(2026, 6, 1), D(2026, 6, 30), "นายหนึ่ง", 90],  # on track, ends as-of+14
            ["A2", "M01", "ครบกำหนดหลังช่วง", D(2026, 6, 1), D(2026, 7, 1), "นายหนึ่ง", 90],  # on track, ends as-of+15
            ["A3", "M01", "เสร็จแล้ว", D(2026, 6, 1), D(2026, 6, 20), "นายหนึ่ง", 100],
            ["A4", "M02", "ยังไม่ถึงกำหนดแต่สั้น", D(2026, 6, 20), D(2026, 6, 25), "นายสอง", 0],  # not yet due, ends soon
            ["A5", "M02", "เกินกำหนด", D(2026, 5, 1), D(2026, 6, 10), " นายสอง ", 50],  # names compared with spaces collapsed
        ],
        "ตัวชี้วัด": [
            KPI_HEADER,
            ["K1", "ตัวชี้วัดหนึ่ง", "ประสิทธิผล", "ฝ่าย", "นายหนึ่ง", "มากดี", 100, 1, 2, 3, 4, 5, None, None, None],
            ["K2", "ตัวชี้วัดสอง", "ประสิทธิผล", "บุคคล", "นายสอง", "มากดี", 100, 1, 2, 3, 4, 5, 3, 4, None],
        ],
        "เรื่องร้องเรียน": [
            COMPLAINT_HEADER,
            ["C1", D(2026, 5, 1), "หนังสือ", "ที่ดิน", "ข้อพิพาท", "นางผู้ร้อง ลับมาก", "อำเภอเมือง", "รับเรื่อง"],
            ["C2", D(2026, 5, 2), "หนังสือ", "หนี้สิน", "หนี้", "นายผู้ร้อง ลับมาก", "เทศบาล", "รับเรื่อง"],
            ["C3", D(2026, 6, 10), "หนังสือ", "หนี้สิน", "หนี้", "นายผู้ร้อง ลับมาก", "อำเภอเมือง", "รับเรื่อง"],  # 6 days: not overdue
        ],
    }
    path = write_xlsx(tmp_path / "small.xlsx", tabs)
    settings = Settings(output=Output(dir=str(tmp_path)))
    results = compute_from(XlsxBackend(path), settings, resolve_period(as_of, settings.fiscal.rounds)).results
    return who_owes_what(results, due_within_days=due_within_days, units=units)


def _items(plan):
    return {p.person: p.item_ids for p in plan.people}


def test_due_within_the_window_inclusive_and_nothing_done(tmp_path):
    plan = _plan_for(tmp_path, D(2026, 6, 16))
    assert plan.window_end == D(2026, 6, 30)
    assert _items(plan) == {
        # A1 ends on the window's last day; A2 the day after; A3 is done. K1/9: round 9 ends 30 June.
        # M01 is reviewed 2025-04-20 + 365 days = due 2026-04-20: overdue at 16 June.
        "นายหนึ่ง": ("A1", "K1/6", "K1/9", "M01"),
        # A5 overdue first, then A4 (not yet due, ends 25 June); K2 has results for 6 and 9; M02 due 21 April.
        "นายสอง": ("A5", "A4", "M02"),
    }
    [one] = [p for p in plan.people if p.person == "นายหนึ่ง"]
    assert [(k.kpi_id, k.round, k.state, k.round_end) for k in one.kpis] == [
        ("K1", 6, "not_reported", D(2026, 3, 31)), ("K1", 9, "not_due", D(2026, 6, 30))
    ]
    assert [(a.activity_id, a.status, a.due_soon) for a in one.activities] == [("A1", "on_track", True)]


def test_sop_review_due_soon_is_within_the_window(tmp_path):
    plan = _plan_for(tmp_path, D(2026, 4, 6))  # window to 20 April: M01's due day is in, M02's (21 April) is not
    reviews = {p.person: [(r.mission_id, r.overdue, r.due_on) for r in p.reviews] for p in plan.people}
    assert reviews["นายหนึ่ง"] == [("M01", False, D(2026, 4, 20))]
    assert reviews.get("นายสอง", []) == []


@pytest.mark.parametrize(
    ("units", "cases", "unassigned"),
    [
        (None, {}, ("C1", "C2")),  # nobody follows any unit: the head's summary lists them
        ({"นายหนึ่ง": ["อำเภอเมือง"]}, {"นายหนึ่ง": ("C1",)}, ("C2",)),
        ({"นายหนึ่ง": ["อำเภอเมือง"], "นายสอง": ["*"]}, {"นายหนึ่ง": ("C1",), "นายสอง": ("C2",)}, ()),
    ],
)
def test_overdue_complaints_go_to_who_follows_the_unit(tmp_path, units, cases, unassigned):
    plan = _plan_for(tmp_path, D(2026, 6, 16), units=units)
    found = {p.person: tuple(c.case_id for c in p.cases) for p in plan.people if p.cases}
    assert found == cases
    assert tuple(c.case_id for c in plan.unassigned_cases) == unassigned
    first = next((c for p in plan.people for c in p.cases if c.case_id == "C1"), None)
    if first is not None:
        assert (first.case_id, first.days_open, first.category) == ("C1", 46, "ที่ดิน")
        assert set(vars(first)) == {"case_id", "days_open", "category"}  # nothing else of a case travels


def test_a_person_with_nothing_due_is_left_out(tmp_path):
    plan = _plan_for(tmp_path, D(2026, 3, 1), due_within_days=0)  # before everything; no round ended yet
    assert _items(plan) == {}
