"""E-mail delivery with the standard library: messages as `.eml`, or through an SMTP server.

SMTP with STARTTLS (port 587) or SSL (port 465), or plain for a relay on the office's own
network; login when a user name is set. The password is an argument: the CLI reads it from the
environment variable the config names, and nothing here reads the environment or the clock.
Every failure is translated once, here, into a Thai line; a message the server did not accept
is reported back as not sent, never raised past the caller.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import smtplib
import socket
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from ..present.reminders import RenderedMessage
from ..storage.atomic import write_atomically

SECURITY = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    security: str = "starttls"  # one of SECURITY
    username: str = ""
    password: str = ""
    cafile: str = ""  # an extra CA to trust (an office relay with its own certificate)
    timeout: float = 30.0


@dataclass(frozen=True)
class Outgoing:
    """One message ready to go: to a person (or the section head, person ""), or to nobody."""

    person: str
    address: str | None  # None: not reachable, only ever written as .eml
    rendered: RenderedMessage
    content_hash: str
    message: EmailMessage


@dataclass
class DeliveryReport:
    sent: list[Outgoing] = field(default_factory=list)
    unsent: list[tuple[Outgoing, str]] = field(default_factory=list)  # with the reason
    error: str | None = None  # the server-level failure that stopped the run


def content_hash(address: str | None, rendered: RenderedMessage) -> str:
    """What "the same content" means for the ledger: address, subject and text (not the Date)."""
    data = "\n".join([(address or "").lower(), rendered.subject, rendered.text])
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _address(name: str, email: str) -> Address:
    username, _, domain = email.partition("@")
    return Address(display_name=name, username=username, domain=domain)


def build_message(
    rendered: RenderedMessage,
    *,
    sender: str,
    sender_name: str,
    to_address: str | None,
    to_name: str,
    now: dt.datetime,
) -> Outgoing:
    """A multipart/alternative message: Thai plain text first, the HTML version second."""
    digest = content_hash(to_address, rendered)
    message = EmailMessage()
    message["Subject"] = rendered.subject
    message["From"] = _address(sender_name, sender) if sender else sender_name
    if to_address:
        message["To"] = _address(to_name, to_address)
    message["Date"] = format_datetime(now)
    domain = sender.partition("@")[2] or "sheets-sync.invalid"
    message["Message-ID"] = f"<{digest[:24]}.{now.strftime('%Y%m%d%H%M%S')}@{domain}>"
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    return Outgoing(rendered.person, to_address, rendered, digest, message)


def write_eml(folder: Path, outgoing: Sequence[Outgoing]) -> list[Path]:
    """One `.eml` per message in `folder` (earlier `.eml` files there are removed first, so the
    folder is exactly this run's messages). `00-สรุป.eml` is the section head's summary."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.eml"):
        old.unlink()
    paths = []
    for n, item in enumerate(outgoing):
        name = item.person or "สรุปถึงหัวหน้าฝ่าย"
        safe = "".join("_" if ch in '/\\:*?"<>| ' else ch for ch in name)
        path = folder / f"{n:02d}-{safe}.eml"
        data = item.message.as_bytes()
        write_atomically(path, lambda temp, data=data: temp.write_bytes(data))
        paths.append(path)
    return paths


def _context(server: SmtpServer) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=server.cafile or None)


def _server_line(server: SmtpServer) -> str:
    return f"{server.host}:{server.port}"


def _connect(server: SmtpServer) -> smtplib.SMTP:
    if server.security == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=server.timeout, context=_context(server))
    else:
        client = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
        if server.security == "starttls":
            client.starttls(context=_context(server))
    if server.username:
        _login(client, server.username, server.password)
    return client


def _login(client: smtplib.SMTP, username: str, password: str) -> None:
    """smtplib encodes credentials as ASCII; a password with Thai letters goes as AUTH PLAIN in
    UTF-8 (RFC 4616) instead of failing before it reaches the server."""
    try:
        client.login(username, password)
    except UnicodeEncodeError as err:
        if not client.has_extn("auth") or "PLAIN" not in client.esmtp_features["auth"].upper().split():
            raise smtplib.SMTPNotSupportedError("AUTH PLAIN is needed for a non-ASCII password") from err
        token = base64.b64encode(f"\0{username}\0{password}".encode()).decode("ascii")
        code, response = client.docmd("AUTH", f"PLAIN {token}")
        if code != 235:
            raise smtplib.SMTPAuthenticationError(code, response) from err


def _failure(err: BaseException, server: SmtpServer) -> str:
    where = _server_line(server)
    if isinstance(err, smtplib.SMTPAuthenticationError):
        return f"เซิร์ฟเวอร์อีเมล {where} ไม่ยอมให้เข้าสู่ระบบ ({err.smtp_code}) — ตรวจ mail.username และรหัสผ่านในตัวแปรสภาพแวดล้อมที่ mail.password_env ระบุ"
    if isinstance(err, smtplib.SMTPNotSupportedError):
        return f"เซิร์ฟเวอร์อีเมล {where} ไม่รองรับ STARTTLS หรือการเข้าสู่ระบบ — ตรวจ mail.security (starttls, ssl หรือ none) และ mail.port"
    if isinstance(err, ssl.SSLError | ssl.CertificateError):
        return f"เชื่อมต่อแบบเข้ารหัสกับ {where} ไม่สำเร็จ ({err}) — ตรวจ mail.security, mail.port และ mail.cafile"
    if isinstance(err, smtplib.SMTPResponseException):
        return f"เซิร์ฟเวอร์อีเมล {where} ปฏิเสธ ({err.smtp_code} {err.smtp_error.decode('utf-8', 'replace')})"
    if isinstance(err, smtplib.SMTPServerDisconnected):
        return f"เซิร์ฟเวอร์อีเมล {where} ตัดการเชื่อมต่อ — ลองสั่งใหม่ภายหลัง"
    if isinstance(err, socket.timeout | TimeoutError):
        return f"ติดต่อเซิร์ฟเวอร์อีเมล {where} ไม่ได้ภายใน {server.timeout:g} วินาที — ตรวจ mail.host และเครือข่าย"
    return f"ติดต่อเซิร์ฟเวอร์อีเมล {where} ไม่ได้ ({err.__class__.__name__}: {err}) — ตรวจ mail.host, mail.port และเครือข่าย"


def deliver(outgoing: Sequence[Outgoing], server: SmtpServer, on_sent: Callable[[Outgoing], None]) -> DeliveryReport:
    """Send each message in turn; `on_sent` records one the moment the server accepted it.

    A recipient the server refuses is not sent and the others go on; a server that cannot be
    reached, refuses the login or drops the connection stops the run: the rest is not sent.
    """
    report = DeliveryReport()
    pending = [o for o in outgoing if o.address]
    if not pending:
        return report
    try:
        client = _connect(server)
    except (smtplib.SMTPException, OSError) as err:
        report.error = _failure(err, server)
        report.unsent.extend((o, report.error) for o in pending)
        return report
    try:
        for index, item in enumerate(pending):
            try:
                client.send_message(item.message)
            except smtplib.SMTPRecipientsRefused as err:
                code, reason = next(iter(err.recipients.values()))
                report.unsent.append((item, f"เซิร์ฟเวอร์ไม่รับผู้รับ {item.address} ({code} {reason.decode('utf-8', 'replace')})"))
                continue
            except (smtplib.SMTPException, OSError) as err:
                report.error = _failure(err, server)
                report.unsent.extend((o, report.error) for o in pending[index:])
                return report
            report.sent.append(item)
            on_sent(item)
    finally:
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            pass  # the messages are already accepted or already reported
    return report
