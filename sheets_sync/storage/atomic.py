"""Write a file so that nobody ever loses or half-sees it: temp beside it, checks, one rename.

The API (every file the tool writes goes through it: workbooks, results JSON, documents):

    write_atomically(path, write, *, expect=None, backup=False, lock_timeout=30.0)

1. `path` is resolved first: a symlink is written *through* (the new file replaces the link's
   target, in the target's folder) and stays a symlink.
2. Stale temporary files of a killed run beside the target (`.<name>.sheets-sync-tmp-<pid>-…`
   whose process is gone) are removed.
3. `write(temp)` fills a fresh owner-only (0600) temporary file in the target's folder. The temp
   is registered, so a SIGTERM/SIGINT handler (`on_termination`) removes it before exiting, and
   it is removed on any exception.
4. The temp gets the existing target's mode, owner and group (a new file: 0666 less the umask),
   and is flushed to disk.
5. Under a lock file beside the target (`.~<name>.sheets-sync-write.lock`), right before the
   rename: the target must still be the file `expect` describes (`FileIdentity`: st_mtime_ns,
   st_size, st_ino), else `WorkbookChangedError` and nothing is replaced (the xlsx backend passes
   the identity of the file it read). With `backup=True` the current target is copied to `<path>.bak`, created fresh
   (a planted symlink or file there is removed first, never followed; O_EXCL|O_NOFOLLOW; 0600).
6. `os.replace(temp, target)`, then the folder is flushed.

OSError (incl. PermissionError) reaches the caller, which names the failure in Thai.
Side-file names are kept within the file system's 255-byte name limit: a long (e.g. Thai) name
is shortened with a hash of it.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from ..core.errors import WorkbookChangedError, WorkbookError

TEMP_MARK = ".sheets-sync-tmp-"
NAME_MAX = 255  # bytes, on every file system the office uses (ext4, NTFS via SMB, APFS)
STALE_AFTER_SECONDS = 24 * 3600  # a temp older than this is stale even if its pid is reused

_live_temps: set[Path] = set()


@dataclass(frozen=True)
class FileIdentity:
    """What tells one saved version of a file from the next: mtime (ns), size and inode."""

    st_mtime_ns: int
    st_size: int
    st_ino: int

    @classmethod
    def of(cls, path: str | os.PathLike[str]) -> FileIdentity | None:
        """The identity of the file at `path` (following symlinks), or None if there is none."""
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return None
        return cls(st.st_mtime_ns, st.st_size, st.st_ino)


def side_name(name: str, suffix: str, prefix: str = ".") -> str:
    """`prefix + name + suffix`, shortened with a hash of `name` when it would pass 255 bytes."""
    full = f"{prefix}{name}{suffix}"
    if len(full.encode("utf-8", "surrogateescape")) <= NAME_MAX:
        return full
    digest = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return f"{prefix}{digest}{suffix}"


def lock_path(target: str | os.PathLike[str], purpose: str) -> Path:
    """The lock file beside `target` for `purpose` ("sync", "write")."""
    target = Path(target)
    return target.with_name(side_name(target.name, f".sheets-sync-{purpose}.lock", prefix=".~"))


def backup_path(target: str | os.PathLike[str]) -> Path:
    target = Path(target)
    return target.with_name(side_name(target.name, ".bak", prefix=""))


def resolve(target: str | os.PathLike[str]) -> Path:
    """The file a write lands in: a symlink's final target (a dangling link's target too)."""
    return Path(os.path.realpath(target))


@contextmanager
def held_lock(where: str | os.PathLike[str], timeout: float) -> Iterator[None]:
    """An exclusive lock file (filelock, flock), removed again while still held, so no lock files
    pile up beside a workbook. A waiter that had opened the removed file sees it unlinked and
    tries again on the new one (filelock checks st_nlink after flock). Raises filelock.Timeout."""
    lock = FileLock(str(where), timeout=timeout)
    lock.acquire()
    try:
        yield
    finally:
        try:
            os.unlink(where)
        except OSError:
            pass
        lock.release()


def remove_live_temps() -> None:
    """Remove every temporary file a write of this process has open (signal handlers call it)."""
    for temp in list(_live_temps):
        try:
            os.unlink(temp)
        except OSError:
            pass
        _live_temps.discard(temp)


_terminating = 0  # the signal that asked this process to stop, once one has


def on_termination(signum: int, frame: object) -> None:
    """A SIGTERM/SIGHUP handler: remove the temporary files, then exit 128+signum.

    SystemExit unwinds normally, so `finally` blocks and the run log still run. A signal that
    lands inside a finalizer (`__del__`) has its SystemExit swallowed by Python: the flag stays,
    and `write_atomically` refuses to replace anything once it is set (`terminated()`)."""
    global _terminating
    _terminating = signum
    remove_live_temps()
    raise SystemExit(128 + signum)


def terminated() -> int:
    """The termination signal received so far (0: none)."""
    return _terminating


@contextmanager
def _termination_handled() -> Iterator[None]:
    """Install `on_termination` for SIGTERM while writing, unless someone else handles it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    mine = previous in (signal.SIG_DFL, None)
    if mine:
        signal.signal(signal.SIGTERM, on_termination)
    try:
        yield
    finally:
        if mine:
            signal.signal(signal.SIGTERM, previous)


_TERMINATION = {signal.SIGTERM, signal.SIGINT, signal.SIGHUP}


def _block_termination() -> set[signal.Signals] | None:
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, _TERMINATION)


def _unblock_termination(previous: set[signal.Signals] | None) -> None:
    if previous is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def remove_stale_temps(target: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporary files of `target` left by runs that were killed; return them."""
    real = resolve(target)
    start = side_name(real.name, TEMP_MARK)
    removed = []
    try:
        entries = list(os.scandir(real.parent))
    except OSError:
        return []
    for entry in entries:
        if not entry.name.startswith(start):
            continue
        pid_text = entry.name[len(start):].split("-", 1)[0]
        if not pid_text.isdigit() or int(pid_text) == os.getpid():
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        old = time.time() - info.st_mtime > STALE_AFTER_SECONDS
        if not stat.S_ISREG(info.st_mode) or (_alive(int(pid_text)) and not old):
            continue
        try:
            os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            pass
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OverflowError:
        return False
    return True


def write_atomically(
    target: str | os.PathLike[str],
    write: Callable[[Path], None],
    *,
    expect: FileIdentity | None = None,
    backup: bool = False,
    lock_timeout: float = 30.0,
) -> None:
    """Call `write(temp)`, then swap the temp in for `target` (see the module docstring)."""
    path = Path(target)
    real = resolve(path)
    real.parent.mkdir(parents=True, exist_ok=True)
    current = _stat(real)
    if current is not None and not stat.S_ISREG(current.st_mode):
        raise OSError(errno.EINVAL, "ไม่ใช่ไฟล์ปกติ", str(path))
    remove_stale_temps(real)
    _disarm_backup(path)
    with _termination_handled():
        blocked = _block_termination()
        try:  # no signal between creating the temp and registering it
            handle, temp_name = tempfile.mkstemp(
                prefix=side_name(real.name, f"{TEMP_MARK}{os.getpid()}-"), suffix=".tmp", dir=real.parent
            )
            temp = Path(temp_name)
            _live_temps.add(temp)
        finally:
            _unblock_termination(blocked)
        try:
            os.close(handle)
            write(temp)
            _protect_written_backup(path)
            try:
                held = held_lock(lock_path(real, "write"), lock_timeout)
                held.__enter__()
            except Timeout as err:
                raise WorkbookError(f"{path} กำลังถูกเขียนโดย sheets-sync อีกรายการ — สั่งใหม่ภายหลัง (ไม่ได้เปลี่ยนแปลงอะไร)") from err
            try:
                if _terminating:  # a stop request whose SystemExit was swallowed: never replace now
                    raise SystemExit(128 + _terminating)
                now = _stat(real)
                if expect is not None and (now is None or FileIdentity(now.st_mtime_ns, now.st_size, now.st_ino) != expect):
                    raise WorkbookChangedError(f"{path} ถูกแก้ไขระหว่างที่กำลังคำนวณ — สั่งใหม่อีกครั้ง (ไม่ได้เปลี่ยนแปลงอะไร)")
                _copy_access(now, temp)
                with open(temp, "rb") as written:
                    os.fsync(written.fileno())
                if backup and now is not None:
                    make_backup(path, real)
                os.replace(temp, real)
            finally:
                held.__exit__(None, None, None)
            _sync_folder(real.parent)
        finally:
            _live_temps.discard(temp)
            temp.unlink(missing_ok=True)


def make_backup(path: Path, source: Path | None = None) -> Path:
    """Copy `source` (default: `path`) to `<path>.bak`, a fresh owner-only file (never followed)."""
    bak = backup_path(path)
    try:
        info = os.lstat(bak)
    except FileNotFoundError:
        pass
    else:
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "เป็นโฟลเดอร์", str(bak))
        os.unlink(bak)  # a symlink is removed, never followed
    fd = os.open(bak, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        with open(source or path, "rb") as src, os.fdopen(os.dup(fd), "wb") as out:
            shutil.copyfileobj(src, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        os.close(fd)
        os.unlink(bak)
        raise
    os.close(fd)
    return bak


def _disarm_backup(path: Path) -> None:
    """A symlink planted at `<path>.bak` is removed before any writer could write through it."""
    bak = backup_path(path)
    try:
        if stat.S_ISLNK(os.lstat(bak).st_mode):
            os.unlink(bak)
    except FileNotFoundError:
        pass


def _protect_written_backup(path: Path) -> None:
    """A `.bak` a writer made itself (not through `backup=True`) is made owner-only too."""
    try:
        fd = os.open(backup_path(path), os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None


def _umask() -> int:
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def _copy_access(current: os.stat_result | None, temp: Path) -> None:
    """The existing file's owner, group and mode; a new file's mode follows the umask."""
    if current is None:
        os.chmod(temp, 0o666 & ~_umask())
        return
    try:
        os.chown(temp, current.st_uid, current.st_gid)
    except PermissionError:
        try:
            os.chown(temp, -1, current.st_gid)
        except PermissionError:
            pass
    os.chmod(temp, stat.S_IMODE(current.st_mode))


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
