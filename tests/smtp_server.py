"""A real SMTP server on 127.0.0.1 for the reminder tests: aiosmtpd with STARTTLS (a self-signed
certificate made here) and LOGIN/PLAIN authentication against one user and password.

Every accepted message is kept as (envelope recipients, parsed message), in arrival order.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import ipaddress
import socket
import ssl
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 / localhost, and its key (PEM files)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@dataclass
class Received:
    recipients: list[str]
    message: email.message.EmailMessage


@dataclass
class Inbox:
    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # addresses answered "550 no such user"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.lower() in self.refuse:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        self.received.append(Received([r.lower() for r in envelope.rcpt_tos], message))
        return "250 OK"

    def by_address(self) -> dict[str, list[email.message.EmailMessage]]:
        out: dict[str, list[email.message.EmailMessage]] = {}
        for item in self.received:
            for address in item.recipients:
                out.setdefault(address, []).append(item.message)
        return out


class SmtpServer:
    """`with SmtpServer(folder, user, password) as server:` — server.port, server.inbox, server.cafile.

    STARTTLS on a plain connection by default; `implicit_tls=True` is SSL from the first byte (465).
    """

    def __init__(self, folder: Path, user: str, password: str, *, implicit_tls: bool = False) -> None:
        self.user, self.password = user, password
        self.cafile, key = self_signed_certificate(folder)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cafile, key)
        self.inbox = Inbox()
        self.port = free_port()
        self.logins: list[tuple[str, bool]] = []
        tls = {"ssl_context": context} if implicit_tls else {"tls_context": context, "require_starttls": True}
        self.controller = Controller(
            self.inbox,
            hostname="127.0.0.1",
            port=self.port,
            auth_required=True,
            auth_require_tls=not implicit_tls,  # aiosmtpd counts only STARTTLS as TLS; SSL is TLS already
            authenticator=self._authenticate,
            **tls,
        )

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == self.user and auth_data.password.decode() == self.password
        self.logins.append((auth_data.login.decode() if isinstance(auth_data, LoginPassword) else "", ok))
        return AuthResult(success=ok, handled=False)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()
