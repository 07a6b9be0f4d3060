"""Unattended runs on real files and real processes: the run log, status, --quiet, one sync at a
time, a staff save during a sync, kills mid-sync, and network failures on the Google path."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sheets_sync.backends.boundary import NETWORK_MESSAGE, Guarded
from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend, RetryPolicy
from sheets_sync.cli.main import cli
from sheets_sync.core.errors import WorkbookError
from sheets_sync.schema.tabs import SUMMARY_TAB_TITLES
from sheets_sync.storage.atomic import TEMP_MARK, held_lock, lock_path
from tests.conftest import AS_OF, invoke_cli
from tests.conftest import office_config as config

ROOT = Path(__file__).resolve().parents[2]
BIN = [sys.executable, "-m", "sheets_sync.cli"]


@pytest.fixture
def workbook(demo_copy: Path) -> Path:
    """The seeded demo at 2026-03-31, a private copy (tmp_path/office.xlsx)."""
    return demo_copy


cli_run = invoke_cli


def sync_args(workbook: Path, tmp_path: Path, *extra: object) -> list[str]:
    return [str(a) for a in ("sync", "--workbook", workbook, "--as-of", AS_OF, "--out", tmp_path / "out",
                             "--config", config(tmp_path) if not (tmp_path / "office.toml").exists() else tmp_path / "office.toml", *extra)]


def spawn(args: list[str], **kw: object) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([*BIN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, **kw)  # type: ignore[arg-type]


def log_lines(tmp_path: Path) -> list[dict]:
    return [json.loads(line) for line in (tmp_path / "out" / "sheets-sync.log").read_text(encoding="utf-8").splitlines()]


def temps(folder: Path) -> list[str]:
    return [n for n in os.listdir(folder) if TEMP_MARK in n]


# --- run log, status, --quiet ---------------------------------------------------------------
def test_every_command_appends_one_line_and_status_reads_it(workbook: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, sync_args(workbook, tmp_path, "--quiet"))
    assert result.exit_code == 0 and result.output == ""  # --quiet: nothing on success
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    assert cli_run("validate", "--workbook", bad, "--out", tmp_path / "out", "--config", tmp_path / "office.toml").exit_code == 3
    assert cli_run("validate", "--workbook", workbook, "--as-of", AS_OF, "--out", tmp_path / "out",
                   "--config", tmp_path / "office.toml").exit_code == 1
    lines = log_lines(tmp_path)
    assert [(r["command"], r["exit_code"], r["outcome"]) for r in lines] == [
        ("sync", 0, "ok"), ("validate", 3, "workbook"), ("validate", 1, "data-errors")]
    first = lines[0]
    assert first["workbook"] == str(workbook.resolve())
    assert (first["errors"], first["warnings"]) == (7, 9)
    assert set(first) == {"time", "command", "workbook", "outcome", "exit_code", "errors", "warnings", "duration_s", "message"}
    assert dt.datetime.fromisoformat(first["time"]).utcoffset() == dt.timedelta(hours=7) and first["duration_s"] > 0
    assert lines[1]["errors"] is None and "broken.xlsx" in lines[1]["message"]

    status = cli_run("status", "--workbook", workbook, "--out", tmp_path / "out", "--config", tmp_path / "office.toml")
    assert status.exit_code == 0  # the last sync of this workbook succeeded
    assert "sync:" in status.output and "validate:" in status.output and "(รหัส 0)" in status.output and "(รหัส 1)" in status.output
    assert "broken.xlsx" not in status.output  # another workbook's run is not this one's
    as_json = cli_run("status", "--workbook", workbook, "--out", tmp_path / "out", "--config", tmp_path / "office.toml",
                      "--command", "validate", "--json")
    assert as_json.exit_code == 1 and json.loads(as_json.output)["validate"]["exit_code"] == 1
    assert len(log_lines(tmp_path)) == 3  # status itself is not logged


def test_status_without_any_run_exits_2(tmp_path: Path) -> None:
    result = cli_run("status", "--workbook", tmp_path / "x.xlsx", "--out", tmp_path / "out", "--config", config(tmp_path))
    assert result.exit_code == 2 and "ยังไม่มีบันทึกการทำงาน" in result.output


def test_the_log_file_comes_from_config(workbook: Path, tmp_path: Path) -> None:
    log = tmp_path / "logs" / "nightly.jsonl"
    config(tmp_path, f'[log]\nfile = "{log}"\n')
    assert CliRunner().invoke(cli, sync_args(workbook, tmp_path, "--quiet")).exit_code == 0
    assert [json.loads(x)["command"] for x in log.read_text(encoding="utf-8").splitlines()] == ["sync"]
    assert not (tmp_path / "out" / "sheets-sync.log").exists()


# --- one sync at a time ---------------------------------------------------------------------
def test_a_second_sync_waits_for_the_first(workbook: Path, tmp_path: Path) -> None:
    config(tmp_path)
    args = sync_args(workbook, tmp_path, "--quiet")
    first, second = spawn(args), spawn(args)
    outs = [p.communicate(timeout=300) for p in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outs
    assert all(out == b"" and err == b"" for out, err in outs)
    runs = log_lines(tmp_path)
    assert [r["command"] for r in runs] == ["sync", "sync"]
    spans = sorted((dt.datetime.fromisoformat(r["time"]).timestamp() - r["duration_s"], dt.datetime.fromisoformat(r["time"]).timestamp()) for r in runs)
    # The two runs overlapped in time, yet both succeeded: without the lock, the last-moment
    # check would have refused one of them (exit 3, "changed while computing").
    assert spans[1][0] < spans[0][1] + 1.0  # the log's time has whole seconds
    with sqlite3.connect(tmp_path / "history.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM snapshots").fetchone()[0] == 2
    book = openpyxl.load_workbook(workbook, read_only=True)
    assert [t for t in book.sheetnames if t in SUMMARY_TAB_TITLES] == list(SUMMARY_TAB_TITLES)
    assert temps(tmp_path) == []
    assert not lock_path(workbook, "sync").exists() and not lock_path(workbook, "write").exists()


def test_a_sync_that_waits_too_long_exits_3_and_changes_nothing(workbook: Path, tmp_path: Path) -> None:
    config(tmp_path, "[sync]\nwait_seconds = 1\n")
    before = workbook.read_bytes()
    with held_lock(lock_path(workbook, "sync"), 5):  # another sync of this workbook is running
        started = time.monotonic()
        result = CliRunner().invoke(cli, sync_args(workbook, tmp_path))
        waited = time.monotonic() - started
    assert result.exit_code == 3
    assert "อีกรายการกำลัง sync" in result.output and "รอ 1 วินาที" in result.output
    assert 1.0 <= waited < 10
    assert workbook.read_bytes() == before
    assert not (tmp_path / "history.sqlite").exists()


def test_two_processes_on_a_symlink_and_its_target_share_one_lock(workbook: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.xlsx"
    link.symlink_to(workbook)
    config(tmp_path, "[sync]\nwait_seconds = 1\n")
    with held_lock(lock_path(os.path.realpath(workbook), "sync"), 5):
        result = CliRunner().invoke(cli, sync_args(link, tmp_path))
    assert result.exit_code == 3 and "อีกรายการกำลัง sync" in result.output


# --- a staff save during a sync is never lost ----------------------------------------------
def _staff_version(workbook: Path, tmp_path: Path, value: str) -> Path:
    """A copy of the workbook as a staff member saves it: one input cell changed."""
    copy = tmp_path / "staff-copy.xlsx"
    book = openpyxl.load_workbook(workbook)
    book["ภารกิจ"]["B2"] = value
    book.save(copy)
    return copy


def _has_open(pid: int, name: str) -> bool:
    try:
        return any(os.readlink(f"/proc/{pid}/fd/{fd}").endswith(name) for fd in os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs /proc to see where the sync is")
def test_a_staff_save_after_the_read_makes_the_sync_refuse(workbook: Path, tmp_path: Path) -> None:
    config(tmp_path)
    staff = _staff_version(workbook, tmp_path, "งานที่เจ้าหน้าที่เพิ่งพิมพ์")
    staff_bytes = staff.read_bytes()
    history = tmp_path / "history.sqlite"
    history.touch(mode=0o600)
    holder = sqlite3.connect(history, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # the sync will stop at its history check, after the read
    child = spawn(sync_args(workbook, tmp_path))
    deadline = time.monotonic() + 120
    while not _has_open(child.pid, "history.sqlite"):
        assert child.poll() is None and time.monotonic() < deadline, child.communicate()
        time.sleep(0.05)
    os.replace(staff, workbook)  # the staff save lands while the sync is computing
    holder.execute("ROLLBACK")
    holder.close()
    out, err = child.communicate(timeout=120)
    assert child.returncode == 3, (out, err)
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and "ถูกแก้ไขระหว่างที่กำลังคำนวณ" in lines[0] and "Traceback" not in err.decode()
    assert workbook.read_bytes() == staff_bytes  # the staff version survives, byte for byte
    with sqlite3.connect(history) as db:
        assert db.execute("SELECT COUNT(*) FROM snapshots").fetchone()[0] == 0  # no snapshot of a sync that did not happen
    assert not list((tmp_path / "out").glob("results-*.json"))


def test_staff_saves_at_random_moments_are_never_lost(workbook: Path, tmp_path: Path) -> None:
    config(tmp_path)
    rng = random.Random(int(os.environ.get("STAFF_SEED", time.time_ns())))
    trials = int(os.environ.get("STAFF_TRIALS", "4"))
    original = workbook.read_bytes()
    codes = []
    for trial in range(trials):
        workbook.write_bytes(original)
        value = f"บันทึกของเจ้าหน้าที่ครั้งที่ {trial}"
        staff = _staff_version(workbook, tmp_path, value)
        child = spawn(sync_args(workbook, tmp_path, "--quiet"))
        time.sleep(rng.uniform(0.0, 3.0))
        os.replace(staff, workbook)
        out, err = child.communicate(timeout=300)
        codes.append(child.returncode)
        assert child.returncode in (0, 3), err
        assert "Traceback" not in err.decode()
        book = openpyxl.load_workbook(workbook, read_only=True)
        assert book["ภารกิจ"]["B2"].value == value, f"trial {trial}: the staff save was lost (exit {child.returncode})"
        book.close()
    assert len(codes) == trials


# --- kills mid-sync ---------------------------------------------------------------------------
def test_twenty_random_kills_mid_sync(workbook: Path, tmp_path: Path) -> None:
    config(tmp_path)
    rng = random.Random(int(os.environ.get("KILL_SEED", time.time_ns())))
    kills = {"SIGKILL": 0, "SIGTERM": 0}
    for trial in range(20):
        before = workbook.read_bytes()
        child = spawn(sync_args(workbook, tmp_path, "--quiet"))
        time.sleep(rng.uniform(0.5, 3.0))
        sig = rng.choice([signal.SIGKILL, signal.SIGTERM])
        child.send_signal(sig)
        out, err = child.communicate(timeout=120)
        kills[sig.name] += 1
        assert b"Traceback" not in err, err
        if sig == signal.SIGTERM and child.returncode != 0:
            # 143: our handler ran (temp files removed); -15: Python was still starting, before
            # any handler or any file of ours existed.
            assert child.returncode in (143, -signal.SIGTERM), (child.returncode, err)
            # A temp of an earlier SIGKILLed run stays until a run reaches its write (then it is
            # removed, below); the run stopped here must leave none of its own (named by its pid).
            mine = [n for n in temps(tmp_path) if f"{TEMP_MARK}{child.pid}-" in n]
            assert mine == [], f"trial {trial}: SIGTERM left a temporary file"
        now = workbook.read_bytes()
        if now != before:  # the new workbook, whole: it opens and has every summary tab
            book = openpyxl.load_workbook(workbook, read_only=True)
            assert [t for t in book.sheetnames if t in SUMMARY_TAB_TITLES] == list(SUMMARY_TAB_TITLES)
            book.close()
    # The next run removes what a SIGKILL left and succeeds.
    assert CliRunner().invoke(cli, sync_args(workbook, tmp_path, "--quiet")).exit_code == 0
    assert temps(tmp_path) == []
    assert sum(kills.values()) == 20


# --- network failures ----------------------------------------------------------------------
def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_no_network_is_not_a_revoked_key(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    key = tmp_path / "key.json"
    key.write_text(json.dumps({
        "type": "service_account", "project_id": "p", "private_key_id": "k1", "private_key": pem,
        "client_email": "bot@p.iam.gserviceaccount.com", "client_id": "1",
        "token_uri": f"http://127.0.0.1:{_closed_port()}/token",
    }), encoding="utf-8")
    result = cli_run("validate", "--sheet-id", "1AbCdEfGhIjKlMnOp", "--credentials", key, "--config", config(tmp_path),
                     "--out", tmp_path / "out")
    assert result.exit_code == 3
    assert NETWORK_MESSAGE in result.output and "ถูกลบ" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_connection_refused_after_retries_says_network(tmp_path: Path) -> None:
    backend = Guarded(GoogleSheetsBackend.connect(
        "1AbCdEfGhIjKlMnOp", None, emulator_host=f"127.0.0.1:{_closed_port()}",
        policy=RetryPolicy(attempts=2, base=0.0), sleep=lambda s: None,
    ))
    with pytest.raises(WorkbookError, match=r"ติดต่อ Google ไม่ได้ \(ตรวจการเชื่อมต่อเครือข่ายหรือ proxy\)"):
        backend.tab_titles()
