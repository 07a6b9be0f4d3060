"""The one test of an e-mail address (bottom layer): the staff tab's warning, the config's
addresses and who reminders can reach all use it."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>.]+$")


def is_email_address(text: str) -> bool:
    return bool(_EMAIL.match(text))
