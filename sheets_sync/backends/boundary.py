"""The backend boundary: whatever a backend raises while reading becomes one workbook error.

`Guarded(backend)` wraps either backend (and whichever .xlsx reader/writer is in use):
- a file that is not a regular file (FIFO, device, folder named .xlsx) is refused from `os.stat`,
  without ever being opened (a FIFO would block for ever);
- any exception raised while opening or reading (damaged zip, missing part, hostile or broken XML,
  a bad shared-string or style index, unknown compression, an encrypted member, a bad encoding,
  an OS error) is `WorkbookError` (exit 3) naming the file and, when it can be told, the tab;
- (the "changed since it was read" check is the xlsx backend's: it passes the identity of the
  file it read to `write_atomically`, which checks it at the last moment, under the write lock);
- a network failure on the Google path says so, distinct from a rejected key;
- `sync_lock()` is the one-sync-at-a-time lock of this workbook or sheet (filelock).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from ..core.cells import TabData
from ..core.errors import BusyError, SheetsSyncError, WorkbookError, printable
from ..storage.atomic import held_lock, lock_path, side_name

T = TypeVar("T")
NETWORK_MESSAGE = "ติดต่อ Google ไม่ได้ (ตรวจการเชื่อมต่อเครือข่ายหรือ proxy)"
_NETWORK_ERRORS = {"ConnectionError", "Timeout", "ConnectTimeout", "ReadTimeout", "TransportError", "ProxyError",
                   "SSLError", "NewConnectionError", "MaxRetryError", "NameResolutionError", "gaierror"}


def check_regular_file(path: Path) -> None:
    """Refuse, without opening it, a path that exists but is not a regular file."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return  # the backend says "not found" (or `init` creates it)
    except OSError as err:
        raise WorkbookError(f"เปิด {printable(str(path))} ไม่ได้ ({err.strerror}) — ตรวจชื่อไฟล์และสิทธิ์ (ไม่ได้เปลี่ยนแปลงอะไร)") from err
    if not stat.S_ISREG(info.st_mode):
        kind = "โฟลเดอร์" if stat.S_ISDIR(info.st_mode) else "ไฟล์พิเศษ (FIFO/อุปกรณ์/ซ็อกเก็ต)"
        raise WorkbookError(f"{printable(str(path))} เป็น{kind} ไม่ใช่ไฟล์ .xlsx ปกติ — ระบุไฟล์สมุดงานที่ถูกต้อง (ไม่ได้เปลี่ยนแปลงอะไร)")


def _network_failure(err: BaseException) -> bool:
    """Whether `err`, or what it was raised from or during, is a network failure."""
    seen = 0
    current: BaseException | None = err
    while current is not None and seen < 12:
        if type(current).__name__ in _NETWORK_ERRORS or isinstance(current, (ConnectionError, TimeoutError)):
            return True
        last = getattr(current, "last", None)  # the retry loop keeps the last failure
        if isinstance(last, BaseException) and type(last).__name__ in _NETWORK_ERRORS:
            return True
        current = current.__cause__ or current.__context__
        seen += 1
    return False


class Guarded:
    """A backend, with every failure translated once at its edge (see the module docstring)."""

    def __init__(self, backend: Any) -> None:
        self.backend = backend
        path = getattr(backend, "path", None)
        self.path: Path | None = Path(path) if path is not None else None

    def __getattr__(self, name: str) -> Any:  # anything else the backend offers
        return getattr(self.backend, name)

    def describe(self) -> str:
        return printable(self.backend.describe())

    # --- reading ----------------------------------------------------------------------------
    def tab_titles(self) -> list[str]:
        return self._read(lambda: self.backend.tab_titles())

    def read_tabs(self, titles: Sequence[str]) -> dict[str, TabData]:
        try:
            return self._read(lambda: self.backend.read_tabs(titles), raw=True)
        except SheetsSyncError:
            raise
        except Exception as err:  # noqa: BLE001 - which tab? read them one by one to tell
            tab = self._failing_tab(titles)
            raise self._read_error(err, tab) from err

    def owned_tabs(self) -> set[str]:
        return self._read(lambda: self.backend.owned_tabs())

    def _read(self, call: Callable[[], T], *, raw: bool = False) -> T:
        if self.path is not None:
            check_regular_file(self.path)
        try:
            return call()
        except SheetsSyncError as err:
            raise self._network(err) from err
        except RecursionError as err:
            raise self._read_error(err, None) from err
        except Exception as err:  # noqa: BLE001 - the boundary: nothing a file holds may crash us
            if raw:
                raise
            raise self._read_error(err, None) from err

    def _failing_tab(self, titles: Sequence[str]) -> str | None:
        if self.path is None or len(titles) < 2:
            return titles[0] if len(titles) == 1 else None
        for title in titles:
            try:
                self.backend.read_tabs([title])
            except Exception:  # noqa: BLE001
                return title
        return None

    def _read_error(self, err: BaseException, tab: str | None) -> SheetsSyncError:
        if self.path is None:
            if _network_failure(err):
                return WorkbookError(f"{NETWORK_MESSAGE} — {self.describe()} (ไม่ได้เปลี่ยนแปลงอะไร)")
            return WorkbookError(f"อ่าน {self.describe()} ไม่ได้ ({type(err).__name__}) — สั่งใหม่ภายหลัง (ไม่ได้เปลี่ยนแปลงอะไร)")
        where = f" แท็บ {tab}" if tab else ""
        name = printable(str(self.path))
        if isinstance(err, PermissionError):
            return WorkbookError(f"ไม่มีสิทธิ์อ่านไฟล์ {name} (ไม่ได้เปลี่ยนแปลงอะไร)")
        return WorkbookError(
            f"อ่าน {name}{where} ไม่ได้: ไฟล์เสียหายหรือไม่ใช่ .xlsx ที่สมบูรณ์ ({type(err).__name__}) — "
            "เปิดใน Excel แล้วบันทึกใหม่เป็น Excel Workbook (.xlsx) (ไม่ได้เปลี่ยนแปลงอะไร)"
        )

    def _network(self, err: SheetsSyncError) -> SheetsSyncError:
        if self.path is None and isinstance(err, WorkbookError) and _network_failure(err):
            return WorkbookError(f"{NETWORK_MESSAGE} — {self.describe()} (ไม่ได้เปลี่ยนแปลงอะไร)")
        return err

    # --- writing ----------------------------------------------------------------------------
    def write_summary_tabs(self, tabs: Sequence[Any], *, force: bool = False) -> None:
        self._write(lambda: self.backend.write_summary_tabs(tabs, force=force))

    def create_input_tabs(self, specs: Sequence[Any]) -> list[str]:
        return self._write(lambda: self.backend.create_input_tabs(specs))

    def _write(self, call: Callable[[], T]) -> T:
        if self.path is not None:
            check_regular_file(self.path)
        try:
            return call()
        except SheetsSyncError as err:
            raise self._network(err) from err
        except OSError as err:
            raise WorkbookError(f"เขียน {self.describe()} ไม่ได้: {err.strerror or err} (ไม่ได้เปลี่ยนแปลงอะไร)") from err
        except Exception as err:  # noqa: BLE001 - reading the package again for the write failed
            if self.path is None and _network_failure(err):
                raise WorkbookError(f"{NETWORK_MESSAGE} — {self.describe()}") from err
            raise WorkbookError(
                f"เขียน {self.describe()} ไม่ได้: ไฟล์เสียหายหรือไม่ใช่ .xlsx ที่สมบูรณ์ ({type(err).__name__}) (ไม่ได้เปลี่ยนแปลงอะไร)"
            ) from err

    # --- one sync at a time -----------------------------------------------------------------
    def sync_lock_file(self, out_dir: Path) -> Path:
        """Beside the workbook file (its real location); for a Sheet, in the output folder."""
        if self.path is not None:
            return lock_path(os.path.realpath(self.path), "sync")
        key = self.backend.ref.sheet_id or self.describe()
        return Path(out_dir) / side_name(str(key), ".sheets-sync-sync.lock", prefix=".~sheet-")

    @contextmanager
    def sync_lock(self, out_dir: Path, wait_seconds: float) -> Iterator[None]:
        from filelock import Timeout

        where = self.sync_lock_file(out_dir)
        try:
            where.parent.mkdir(parents=True, exist_ok=True)
            held = held_lock(where, wait_seconds)
            held.__enter__()
        except Timeout as err:
            raise BusyError(
                f"มี sheets-sync อีกรายการกำลัง sync {self.describe()} อยู่ รอ {wait_seconds:g} วินาทีแล้วยังไม่เสร็จ — "
                "สั่งใหม่ภายหลัง (ไม่ได้เปลี่ยนแปลงอะไร)"
            ) from err
        except OSError as err:
            raise WorkbookError(f"สร้างไฟล์ล็อก {where} ไม่ได้ ({err.strerror}) — ตรวจสิทธิ์เขียนในโฟลเดอร์ (ไม่ได้เปลี่ยนแปลงอะไร)") from err
        try:
            yield
        finally:
            held.__exit__(None, None, None)


def guarded(backend: Any) -> Any:
    return backend if isinstance(backend, Guarded) else Guarded(backend)
