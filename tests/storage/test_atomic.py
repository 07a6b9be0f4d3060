"""write_atomically on real files: permissions, owners, symlinks, .bak, identity check, kills."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from sheets_sync.core.errors import WorkbookChangedError
from sheets_sync.storage.atomic import (
    TEMP_MARK,
    FileIdentity,
    backup_path,
    lock_path,
    remove_stale_temps,
    side_name,
    write_atomically,
)

ROOT = Path(__file__).resolve().parents[2]


def _writer(data: bytes):
    return lambda temp: temp.write_bytes(data)


def _temps(folder: Path) -> list[str]:
    return sorted(n for n in os.listdir(folder) if TEMP_MARK in n)


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.mark.parametrize("mode", [0o664, 0o600, 0o640, 0o444])
def test_the_mode_of_an_existing_file_is_kept(tmp_path: Path, mode: int) -> None:
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"old")
    os.chmod(target, mode)
    write_atomically(target, _writer(b"new"))
    assert target.read_bytes() == b"new"
    assert _mode(target) == mode


def test_a_new_file_follows_the_umask_and_temp_files_are_owner_only(tmp_path: Path) -> None:
    seen = {}

    def write(temp: Path) -> None:
        seen["mode"] = _mode(temp)
        temp.write_bytes(b"x")

    previous = os.umask(0o027)
    try:
        write_atomically(tmp_path / "results.json", write)
    finally:
        os.umask(previous)
    assert seen["mode"] == 0o600
    assert _mode(tmp_path / "results.json") == 0o640


@pytest.mark.skipif(os.geteuid() != 0, reason="changing a file's owner needs root")
def test_owner_and_group_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"old")
    os.chown(target, 1234, 5678)
    os.chmod(target, 0o660)
    write_atomically(target, _writer(b"new"))
    info = os.stat(target)
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (1234, 5678, 0o660)


def test_a_symlink_is_written_through_and_stays_a_symlink(tmp_path: Path) -> None:
    real_dir = tmp_path / "shared"
    real_dir.mkdir()
    real = real_dir / "office.xlsx"
    real.write_bytes(b"old")
    os.chmod(real, 0o664)
    link = tmp_path / "office.xlsx"
    link.symlink_to(real)
    write_atomically(link, _writer(b"new"), backup=True)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() == b"new" and _mode(real) == 0o664
    assert backup_path(link).read_bytes() == b"old"
    assert _temps(tmp_path) == [] and _temps(real_dir) == []


def test_the_backup_is_fresh_owner_only_and_holds_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"version 1")
    os.chmod(target, 0o644)
    bak = backup_path(target)
    bak.write_bytes(b"an old backup anyone could read")
    os.chmod(bak, 0o644)
    write_atomically(target, _writer(b"version 2"), backup=True)
    assert bak.read_bytes() == b"version 1" and _mode(bak) == 0o600
    assert _mode(target) == 0o644


def test_a_planted_backup_symlink_is_never_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"version 1")
    backup_path(target).symlink_to(victim)
    write_atomically(target, _writer(b"version 2"), backup=True)
    assert victim.read_bytes() == b"precious"
    bak = backup_path(target)
    assert not bak.is_symlink() and bak.read_bytes() == b"version 1" and _mode(bak) == 0o600


def test_a_writer_that_writes_its_own_backup_cannot_be_sent_through_a_planted_symlink(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"version 1")
    bak = backup_path(target)
    bak.symlink_to(victim)

    def old_style_writer(temp: Path) -> None:  # the way a writer kept `.bak` before this module did
        temp.write_bytes(b"version 2")
        bak.write_bytes(target.read_bytes())

    write_atomically(target, old_style_writer)
    assert victim.read_bytes() == b"precious"
    assert not bak.is_symlink() and bak.read_bytes() == b"version 1" and _mode(bak) == 0o600


def test_a_changed_file_is_not_replaced(tmp_path: Path) -> None:
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"as read")
    identity = FileIdentity.of(target)

    def write_while_staff_saves(temp: Path) -> None:
        temp.write_bytes(b"sync result")
        # A staff save from another program, landing while the sync writes its copy.
        subprocess.run(
            [sys.executable, "-c",
             "import os,sys; p=sys.argv[1]; open(p+'.s','wb').write(b'staff save'); os.replace(p+'.s', p)",
             str(target)],
            check=True,
        )

    with pytest.raises(WorkbookChangedError, match="ถูกแก้ไขระหว่างที่กำลังคำนวณ"):
        write_atomically(target, write_while_staff_saves, expect=identity, backup=True)
    assert target.read_bytes() == b"staff save"
    assert not backup_path(target).exists()
    assert _temps(tmp_path) == []


def test_the_identity_check_sees_a_save_in_place_and_is_only_made_when_asked(tmp_path: Path) -> None:
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"as read")
    identity = FileIdentity.of(target)
    target.write_bytes(b"staff typed more")  # same inode, another size
    with pytest.raises(WorkbookChangedError):
        write_atomically(target, _writer(b"sync result"), expect=identity)
    assert target.read_bytes() == b"staff typed more"
    write_atomically(target, _writer(b"sync result"))  # no identity given: no check
    assert target.read_bytes() == b"sync result"


def test_an_unchanged_file_passes_the_check(tmp_path: Path) -> None:
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"as read")
    write_atomically(target, _writer(b"new"), expect=FileIdentity.of(target))
    assert target.read_bytes() == b"new"


def test_a_failing_writer_leaves_the_target_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"old")

    def fail(temp: Path) -> None:
        temp.write_bytes(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_atomically(target, fail, backup=True)
    assert target.read_bytes() == b"old" and _temps(tmp_path) == []
    assert not backup_path(target).exists()


def test_stale_temps_of_dead_runs_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"old")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / side_name(target.name, f"{TEMP_MARK}{dead.pid}-abc.tmp")
    stale.write_bytes(b"a full copy left by a killed run")
    live = tmp_path / side_name(target.name, f"{TEMP_MARK}{os.getppid()}-def.tmp")
    live.write_bytes(b"another run still writing")
    other = tmp_path / side_name("other.xlsx", f"{TEMP_MARK}{dead.pid}-ghi.tmp")
    other.write_bytes(b"not ours")
    write_atomically(target, _writer(b"new"))
    assert not stale.exists() and live.exists() and other.exists()


def test_a_long_thai_name_fits_every_side_file(tmp_path: Path) -> None:
    name = ("ทะเบียนเรื่องร้องเรียนศูนย์ดำรงธรรมจังหวัด" * 2)[:80] + ".xlsx"  # 80 Thai characters, 245 bytes
    assert 240 < len(name.encode()) <= 255
    target = tmp_path / name
    target.write_bytes(b"old")
    write_atomically(target, _writer(b"new"), backup=True)
    assert target.read_bytes() == b"new" and backup_path(target).read_bytes() == b"old"
    for side in (backup_path(target), lock_path(target, "sync"), lock_path(target, "write")):
        assert len(side.name.encode()) <= 255


def test_a_directory_target_is_refused(tmp_path: Path) -> None:
    (tmp_path / "book.xlsx").mkdir()
    with pytest.raises(OSError):
        write_atomically(tmp_path / "book.xlsx", _writer(b"new"))


# --- kills --------------------------------------------------------------------------------
OLD = b"OLD:" + b"o" * (4 << 20)
NEW = b"NEW:" + b"n" * (12 << 20)

CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from sheets_sync.storage.atomic import write_atomically
    chunk = b"n" * (1 << 20)

    def write(temp):
        with open(temp, "wb") as out:
            out.write(b"NEW:")
            for _ in range(12):
                out.write(chunk)
                out.flush()
                time.sleep(0.01)

    print("ready", flush=True)
    write_atomically(Path(sys.argv[1]), write, backup=True)
    print("done", flush=True)
    """
)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_twenty_random_kills_mid_write_leave_old_or_new_and_no_temp(tmp_path: Path) -> None:
    rng = random.Random(int(os.environ.get("KILL_SEED", time.time_ns())))
    target = tmp_path / "big.xlsx"
    target.write_bytes(OLD)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    outcomes = {"old": 0, "new": 0}
    for trial in range(20):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(target)], stdout=subprocess.PIPE, env=env)
        assert child.stdout is not None and child.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.0, 0.25))
        sig = rng.choice([signal.SIGKILL, signal.SIGTERM])
        child.send_signal(sig)
        child.wait()
        if sig == signal.SIGTERM and child.returncode != 0:
            assert child.returncode == 128 + signal.SIGTERM or child.returncode == -signal.SIGTERM
            assert _temps(tmp_path) == [], f"trial {trial}: SIGTERM left a temporary file"
        content = _digest(target.read_bytes())
        assert content in (_digest(OLD), _digest(NEW)), f"trial {trial}: a partial workbook"
        outcomes["old" if content == _digest(OLD) else "new"] += 1
        # The next run removes what a SIGKILL left behind.
        remove_stale_temps(target)
        assert _temps(tmp_path) == [], f"trial {trial}: the next run left a temporary file"
        target.write_bytes(OLD)
    assert outcomes["old"] + outcomes["new"] == 20
