"""The run log: one JSON line per command run, for unattended runs and `sheets-sync status`.

Where: config `log.file`, default `<out>/sheets-sync.log`. Each line is one JSON object:

    {"time": "2026-12-01T02:00:04+07:00", "command": "sync", "workbook": "/srv/office.xlsx",
     "outcome": "ok", "exit_code": 0, "errors": 3, "warnings": 12, "duration_s": 4.21,
     "message": ""}

`outcome` is one of `ok` (exit 0), `data-errors` (exit 1), `usage` (2), `workbook` (3),
`interrupted` (130/143) or `failed`; `message` is the one Thai line shown on failure; `errors` /
`warnings` are null when the run did not get as far as validating. `workbook` is the resolved
path of an .xlsx or `sheet:<id>`, or "" when the command names none. Lines are appended with one
`write` in O_APPEND mode, so runs of several processes do not interleave. No personal data is
logged (issue values are never written here). A log that cannot be written never fails a command.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.thai_dates import now_in_bangkok

OUTCOMES = {0: "ok", 1: "data-errors", 2: "usage", 3: "workbook", 130: "interrupted", 143: "interrupted"}
OUTCOME_TH = {
    "ok": "สำเร็จ",
    "data-errors": "พบข้อผิดพลาดในข้อมูล",
    "usage": "คำสั่งหรือค่าตั้งไม่ถูกต้อง",
    "workbook": "อ่านหรือเขียนสมุดงานไม่ได้",
    "interrupted": "ถูกหยุดกลางคัน",
    "failed": "ล้มเหลว",
}


@dataclass(frozen=True)
class Run:
    time: str
    command: str
    workbook: str
    outcome: str
    exit_code: int
    errors: int | None
    warnings: int | None
    duration_s: float
    message: str = ""

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def outcome_of(exit_code: int) -> str:
    return OUTCOMES.get(exit_code, "failed")


def append(log_file: Path, run: Run) -> bool:
    """Append one line; False (and nothing raised) when the log cannot be written."""
    line = json.dumps(run.to_json(), ensure_ascii=False, allow_nan=False) + "\n"
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(log_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
        try:
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)
    except (OSError, ValueError):
        return False
    return True


def read(log_file: Path) -> list[Run]:
    """Every well-formed line of the log, oldest first (a damaged line is skipped)."""
    try:
        with open(log_file, encoding="utf-8", errors="replace") as handle:
            lines = handle.readlines()
    except OSError:
        return []
    runs = []
    for line in lines:
        try:
            data = json.loads(line)
            runs.append(Run(**{k: data.get(k) for k in Run.__dataclass_fields__ if k in data or k == "message"}))
        except (ValueError, TypeError):
            continue
    return runs


def last_runs(runs: Iterable[Run], workbook: str = "") -> dict[str, Run]:
    """The last run of each command (on `workbook`, when given), in the order they last ran."""
    latest: dict[str, Run] = {}
    for run in runs:
        if workbook and run.workbook not in (workbook, ""):
            continue
        latest.pop(run.command, None)
        latest[run.command] = run
    return latest


def now_iso() -> str:
    return now_in_bangkok().isoformat(timespec="seconds")
