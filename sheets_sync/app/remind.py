"""`remind`: tell each person what needs them (outputs.md "Reminders")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..backends.base import Backend
from ..compute.reminders import who_owes_what
from ..compute.results import Results
from ..config import Settings
from ..core.emails import is_email_address
from ..core.errors import ConfigError, OutputError
from ..core.fiscal import Period
from ..delivery.mail import Outgoing, SmtpServer, build_message, deliver, write_eml
from ..present.reminders import NO_ADDRESS, NOT_IN_STAFF, MessageContext, render_head_summary, render_person_reminder
from ..schema.parsers import normalize_space
from ..storage.send_ledger import SendLedger
from .outcomes import RemindOutcome
from .workbook import compute_from


@dataclass(frozen=True)
class StaffDirectory:
    addresses: dict[str, str | None]  # person -> e-mail address (None: empty or not an address)
    units: dict[str, list[str]]  # person -> the units whose overdue complaints they follow


def staff_addresses(results: Results, complaint_units: tuple[tuple[str, str], ...] = ()) -> StaffDirectory:
    """From `บุคลากร`: each person's e-mail address; and from config `remind.complaint_units`
    (unit -> person): the units whose overdue complaints each person follows (and their own name:
    a case assigned to a person by name is theirs)."""
    addresses: dict[str, str | None] = {}
    units: dict[str, list[str]] = {}
    for row in results.workbook.table("staff").to_dict("records"):
        email = str(row.get("email") or "").strip()
        name = normalize_space(row["name"])
        addresses[name] = email if is_email_address(email) else None
        units[name] = [name]  # a case assigned to a person by name is theirs
    for unit, person in complaint_units:
        units.setdefault(normalize_space(person), []).append(unit)
    return StaffDirectory(addresses, units)


def run_remind(
    backend: Backend,
    settings: Settings,
    period: Period,
    *,
    now: dt.datetime,
    password: str = "",
    dry_run: bool = False,
    resend: bool = False,
) -> RemindOutcome:
    """Tell each person what needs them: by SMTP, or as .eml files in <out>/reminders/ (dry run).

    A message already accepted today with the same content is not sent again (unless `resend`);
    a person without an address is not reachable and is listed in the head's summary.
    """
    if not dry_run and settings.mail.username and not password:
        raise ConfigError(f"ไม่พบรหัสผ่านอีเมลในตัวแปรสภาพแวดล้อม {settings.mail.password_env} — ตั้งค่าก่อนสั่ง (ชื่อตัวแปรกำหนดที่ mail.password_env)")
    if not dry_run and not settings.mail.host:
        raise ConfigError("ยังไม่ได้ตั้งเซิร์ฟเวอร์อีเมล — กำหนด [mail] host, port, from ในค่าตั้ง หรือสั่งด้วย {dry_run} เพื่อเขียนเป็นไฟล์ .eml")
    if not dry_run and not settings.mail.from_:
        raise ConfigError("ยังไม่ได้ตั้งผู้ส่ง — กำหนด [mail] from (อีเมลผู้ส่ง) ในค่าตั้ง")
    results = compute_from(backend, settings, period).results
    staff = staff_addresses(results, settings.remind.complaint_units)
    addresses, units = staff.addresses, staff.units
    plan = who_owes_what(
        results, due_within_days=settings.remind.due_within_days, review_every_days=settings.sop.review_every_days, units=units
    )
    ctx = MessageContext(
        section=settings.office.section,
        office=settings.office.name,
        fiscal_year=period.fiscal_year,
        round=period.round,
        round_closed=period.round_closed,
        workbook=backend.describe() if backend.ref.url else backend.ref.name,
        workbook_url=backend.ref.url,
        sla_days=settings.complaints.sla_days,
        due_within_days=settings.remind.due_within_days,
    )
    not_reachable = {
        r.person: (NOT_IN_STAFF if r.person not in addresses else NO_ADDRESS)
        for r in plan.people
        if not addresses.get(r.person)
    }
    sender_name = settings.mail.from_name or settings.office.section
    sender = settings.mail.from_ or "noreply@sheets-sync.invalid"  # only a dry run gets here without one
    head_name = settings.remind.head_name or settings.office.signer_name
    messages = [
        build_message(
            render_person_reminder(r, plan, ctx), sender=sender, sender_name=sender_name,
            to_address=addresses.get(r.person), to_name=r.person, now=now,
        )
        for r in plan.people
    ]
    summary = render_head_summary(plan, addresses, not_reachable, ctx, head_name)
    messages.append(
        build_message(summary, sender=sender, sender_name=sender_name,
                      to_address=settings.remind.head_email or None, to_name=head_name, now=now)
    )
    outcome = RemindOutcome(plan, messages, not_reachable, dry_run, head_missing=not settings.remind.head_email)
    out_dir = settings.out_dir
    if dry_run:
        try:
            outcome.eml_files = write_eml(out_dir / "reminders", messages)
        except OSError as err:
            raise OutputError(f"เขียนไฟล์ .eml ลง {out_dir / 'reminders'} ไม่ได้ ({err.strerror}) — ตรวจ {{out}}") from err
        return outcome

    ledger = SendLedger(settings.history_file)
    source, day = backend.describe(), now.date()
    to_send = []
    for item in messages:
        if not item.address:
            continue
        if not resend and ledger.already_sent(day, source, item.address, item.content_hash):
            outcome.already_sent.append(item)
        else:
            to_send.append(item)
    server = SmtpServer(
        settings.mail.host, settings.mail.port, settings.mail.security, settings.mail.username, password, settings.mail.cafile
    )

    def record(item: Outgoing) -> None:
        ledger.mark_sent(day=day, source=source, recipient=item.address, person=item.person,
                         content_hash=item.content_hash, subject=item.rendered.subject, sent_at=now)

    report = deliver(to_send, server, record)
    outcome.sent, outcome.unsent, outcome.error = report.sent, report.unsent, report.error
    return outcome
