"""`sheets-sync rollup`: every province's workbook read and computed as `sync` computes it.

The registry (`จังหวัด`) is read and validated first; then each active province is read through
the same `compute_from` as `sync` (with the ministry's settings and one period), in parallel
processes for .xlsx files (`rollup.workers`: one province's cells in memory per worker). A
province that cannot be read becomes an outcome with a Thai reason, never an exception and never
a zero; nothing is ever written to a province's workbook.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..backends.base import Backend
from ..backends.boundary import guarded
from ..backends.xlsx.backend import XlsxBackend
from ..compute.rollup import OK, ProvinceRead, roll_up
from ..config import Settings
from ..core.errors import OutputError, SheetsSyncError
from ..core.fiscal import Period
from ..schema.ministry import PROVINCES, Source, ministry_tabs, parse_source
from ..schema.validate import ValidatedWorkbook, input_titles, validate_workbook
from .outcomes import RollupOutcome, RollupReportOutcome


@dataclass(frozen=True)
class ProvinceJob:
    """One usable registry row: which province, and where its workbook is."""

    province: str
    region: str
    office_name: str
    source_text: str
    source: Source
    active: bool
    row: int  # the registry's sheet row
    path: str = ""  # an .xlsx source resolved against the ministry workbook's folder

    def read(self, outcome: str, **fields: Any) -> ProvinceRead:
        return ProvinceRead(
            province=self.province, region=self.region, office_name=self.office_name,
            source=self.source_text, url=self.source.url, outcome=outcome, **fields,
        )


def read_registry(backend: Backend, period: Period) -> ValidatedWorkbook:
    """The ministry workbook's `จังหวัด`, validated like every input tab (issues on exact cells)."""
    schema = ministry_tabs()
    tabs = backend.read_tabs(input_titles(backend.tab_titles(), schema))
    return validate_workbook(tabs, period=period, schema_tabs=schema)


def province_jobs(registry: ValidatedWorkbook, base_dir: Path) -> list[ProvinceJob]:
    """The registry's usable rows, in registry order (a row with an error is in `ตรวจสอบข้อมูล`)."""
    jobs = []
    for row in registry.table(PROVINCES.key).to_dict("records"):
        source = parse_source(row["source"])
        name = row["province"]
        path = str(base_dir / source.value) if source.kind == "xlsx" else ""
        jobs.append(
            ProvinceJob(
                province=name,
                region=(row.get("region") or "").strip(),
                office_name=(row.get("office_name") or "").strip() or f"สำนักงานจังหวัด{name}",
                source_text=row["source"].strip(),
                source=source,
                active=row.get("active", "yes") != "no",
                row=int(row["row"]),
                path=path,
            )
        )
    return jobs


NO_KEY = ("ยังไม่ได้ระบุกุญแจบัญชีบริการสำหรับอ่าน Google Sheets — ระบุไฟล์กุญแจ service account "
          "(credentials ใน [workbook] ของค่าตั้ง หรือ GOOGLE_APPLICATION_CREDENTIALS)")
NO_INPUT_TABS = "ไม่พบแท็บข้อมูลของสำนักงาน (ภารกิจ แผนปฏิบัติการ ตัวชี้วัด เรื่องร้องเรียน …) ในสมุดงาน — ตรวจว่าระบุสมุดงานถูกไฟล์"


@dataclass(frozen=True)
class ProvinceFigures:
    """A province's results document (without "issues") and its error and warning counts."""

    document: dict[str, Any]
    errors: int
    warnings: int


def compute_province(backend: Backend, settings: Settings, period: Period) -> ProvinceFigures | str:
    """A province's figures, computed by `sync`'s own path; or the Thai reason it is unreadable
    (no input tab at all)."""
    from .workbook import compute_from  # the one path `sync` takes: read → validate → compute

    results = compute_from(backend, settings, period).results
    if not results.workbook.titles:
        return NO_INPUT_TABS
    document = results.to_json()
    document.pop("issues", None)
    return ProvinceFigures(document, results.report.errors, results.report.warnings)


def read_xlsx_province(job: ProvinceJob, settings: Settings, period: Period) -> ProvinceRead:
    """One .xlsx province, start to end, never raising (it runs in a worker process)."""
    started = time.perf_counter()
    path = Path(job.path)

    def failed(outcome: str, reason: str) -> ProvinceRead:
        return job.read(outcome, reason=reason, seconds=round(time.perf_counter() - started, 3))

    try:
        if not os.path.lexists(path):
            return failed("unreadable", f"ไม่พบไฟล์ {job.source_text} — ตรวจชื่อไฟล์ในคอลัมน์ สมุดงาน (อ้างจากโฟลเดอร์ของสมุดงานกระทรวง)")
        modified = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).isoformat(timespec="seconds")
        outcome = compute_province(guarded(XlsxBackend(path)), settings, period)
    except SheetsSyncError as err:
        reason = str(err).replace(" (ไม่ได้เปลี่ยนแปลงอะไร)", "").replace(str(path), job.source_text)
        return failed("unreadable", reason)
    except Exception as err:  # noqa: BLE001 - one province must never stop the roll-up
        return failed("unreadable", f"อ่าน {job.source_text} ไม่ได้ ({type(err).__name__}) — เปิดใน Excel แล้วบันทึกใหม่เป็น .xlsx")
    if isinstance(outcome, str):
        return failed("unreadable", outcome)
    return job.read(OK, results=outcome.document, errors=outcome.errors, warnings=outcome.warnings, modified=modified,
                    seconds=round(time.perf_counter() - started, 3))


def _pool(workers: int) -> ProcessPoolExecutor:
    import multiprocessing

    # forkserver: a clean child (no threads or open files of the parent); the server imports the
    # reading code once and each worker is forked from it ready to read
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
    else:
        context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def _main_is_importable() -> bool:
    """A worker process imports the parent's `__main__` again; a program read from stdin or `-c`
    has no file to import, so its provinces are read in this process instead."""
    import sys

    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    return path is None and getattr(main, "__spec__", None) is not None or bool(path) and os.path.isfile(path)


STOPPED = "การอ่านไฟล์นี้หยุดกลางคัน (หน่วยความจำไม่พอหรือโปรแกรมถูกหยุด) — สั่ง rollup ใหม่ หรือลด rollup.workers"


def read_xlsx_provinces(jobs: Sequence[ProvinceJob], settings: Settings, period: Period, workers: int) -> dict[str, ProvinceRead]:
    """The .xlsx provinces, `workers` at a time in their own processes (in this process when 1).

    A worker that dies (killed, out of memory) breaks the pool: the provinces it left unread are
    read again each in a pool of its own, so only the province that kills its worker is lost.
    """
    if workers <= 1 or len(jobs) <= 1 or not _main_is_importable():
        return {job.province: read_xlsx_province(job, settings, period) for job in jobs}
    done: dict[str, ProvinceRead] = {}
    broken: list[ProvinceJob] = []
    with _pool(min(workers, len(jobs))) as pool:
        futures = [(job, pool.submit(read_xlsx_province, job, settings, period)) for job in jobs]
        for job, future in futures:
            try:
                done[job.province] = future.result()
            except BrokenProcessPool:
                broken.append(job)
    for job in broken:
        try:
            with _pool(1) as alone:
                done[job.province] = alone.submit(read_xlsx_province, job, settings, period).result()
        except BrokenProcessPool:
            done[job.province] = job.read("unreadable", reason=STOPPED)
    return done


def read_provinces(
    jobs: Sequence[ProvinceJob],
    settings: Settings,
    period: Period,
    *,
    workers: int,
    read_sheets: Callable[[Sequence[ProvinceJob]], dict[str, ProvinceRead]] | None = None,
) -> list[ProvinceRead]:
    """Every registry row's outcome, in registry order: inactive ones listed, not read."""
    active = [j for j in jobs if j.active]
    files = [j for j in active if j.source.kind == "xlsx"]
    sheets = [j for j in active if j.source.kind == "sheet"]
    done = read_xlsx_provinces(files, settings, period, workers)
    if sheets:
        if read_sheets is None:
            done.update({j.province: j.read("no-access", reason=NO_KEY) for j in sheets})
        else:
            done.update(read_sheets(sheets))
    out = []
    for job in jobs:
        if not job.active:
            out.append(job.read("inactive", reason="ยังไม่ใช้งาน (ใช้งาน = ไม่ ในทะเบียนจังหวัด)"))
        else:
            out.append(done[job.province])
    return out


def rollup_file(out_dir: Path, period: Period) -> Path:
    return out_dir / f"rollup-FY{period.fiscal_year}-R{period.round}.json"


def compute_rollup(
    backend: Backend,
    settings: Settings,
    period: Period,
    *,
    base_dir: Path,
    workers: int,
    sop_target_pct: float,
    read_sheets: Callable[[Sequence[ProvinceJob]], dict[str, ProvinceRead]] | None = None,
    notes: Iterable[str] = (),
) -> RollupOutcome:
    """Read the registry and every province; compute the roll-up. Writes nothing."""
    registry = read_registry(backend, period)
    jobs = province_jobs(registry, base_dir)
    provinces = read_provinces(jobs, settings, period, workers=workers, read_sheets=read_sheets)
    rollup = roll_up(
        provinces, as_of=period.as_of, fiscal_year=period.fiscal_year, round_months=period.round,
        round_closed=period.round_closed, sop_target_pct=sop_target_pct, notes=list(notes),
    )
    return RollupOutcome(rollup, registry)


def run_rollup(
    backend: Backend,
    settings: Settings,
    period: Period,
    *,
    base_dir: Path,
    credentials: str | None = None,
    emulator_host: str | None = None,
    force: bool = False,
    strict: bool = False,
    policy: Any = None,
) -> RollupOutcome:
    """Read the registry and every active province, compute the roll-up, then write the ministry
    workbook's summary tabs (one write) and `<out>/rollup-FY<fy>-R<round>.json`. Only the
    ministry's workbook is ever written. Sheets provinces share one read limiter with the
    registry's own reads, and a figures cache in the output folder."""
    from ..present.ministry_tabs import build_ministry_tabs
    from ..storage.atomic import write_atomically
    from .workbook import prepare_folder, results_json

    options, out_dir = settings.rollup, settings.out_dir
    prepare_folder(out_dir)
    reader = SheetsReader(settings, period, credentials=credentials, emulator_host=emulator_host,
                          reads_per_window=options.reads_per_window, window_seconds=options.quota_window_seconds,
                          workers=options.workers, cache=FiguresCache(out_dir / CACHE_NAME), policy=policy)
    http = getattr(backend, "http", None)
    if http is not None and hasattr(http, "limiter"):  # the ministry's own Sheet: its reads count too
        http.limiter = reader.limiter
    backend = guarded(backend)
    outcome = compute_rollup(backend, settings, period, base_dir=base_dir, workers=options.workers,
                             sop_target_pct=options.sop_target_pct, read_sheets=reader, notes=reader.notes)
    tabs = build_ministry_tabs(outcome.rollup, outcome.registry.issues, outcome.registry.schema, thai_digits=settings.output.thai_digits)
    text = results_json(outcome.rollup.to_json()) + "\n"
    path = rollup_file(out_dir, period)
    backend.write_summary_tabs(tabs, force=force)
    try:
        write_atomically(path, lambda temp: temp.write_text(text, encoding="utf-8"))
    except OSError as err:
        raise OutputError(
            f"เขียนแท็บสรุปแล้ว แต่บันทึกผลลัพธ์ {path} ไม่สำเร็จ ({err.strerror}) — แก้แล้วสั่ง rollup ใหม่"
        ) from err
    outcome.json_path, outcome.tabs_written = path, [t.title for t in tabs]
    outcome.source, outcome.strict = backend.describe(), strict
    return outcome


def ministry_tab_specs() -> list[Any]:
    """What `init --ministry` creates: the registry tab with its headers and dropdowns."""
    from .workbook import _tab_spec

    return [_tab_spec(tab) for tab in ministry_tabs()]


# --- Google Sheets provinces ---------------------------------------------------------------------

CACHE_NAME = "rollup-cache.json"
DRIVE_WARNING = (
    "ตรวจการเปลี่ยนแปลงของสมุดงานผ่าน Google Drive ไม่ได้ ({why}) จึงอ่านทุกจังหวัดใหม่ — เปิด Google Drive API ในโปรเจกต์ "
    "ของบัญชีบริการ (ใช้สิทธิ์ drive.metadata.readonly อ่านเฉพาะข้อมูลกำกับไฟล์) เพื่อข้ามจังหวัดที่ไม่มีการเปลี่ยนแปลง"
)


def settings_key(settings: Settings, period: Period) -> str:
    """What a province's figures depend on besides its workbook: the config sections `sync`
    computes with (rounds, tolerance, KPI floor, SLA and categories, review period) and the period."""
    import hashlib

    computed = (settings.fiscal, settings.plan, settings.kpi, settings.complaints, settings.sop, period)
    return hashlib.sha256(repr(computed).encode("utf-8")).hexdigest()[:32]


class FiguresCache:
    """`<out>/rollup-cache.json`: per Sheet id, the Drive version, the settings key and the figures
    computed from it (the results document without issues: no complainant's name, id or phone)."""

    def __init__(self, path: Path) -> None:
        import json
        import threading

        self.path = path
        self._lock = threading.Lock()
        try:
            self.entries: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")).get("provinces", {})
        except (OSError, ValueError, AttributeError):
            self.entries = {}  # no cache yet, or a damaged one: read every province

    def get(self, sheet_id: str, version: str, key: str) -> dict[str, Any] | None:
        entry = self.entries.get(sheet_id)
        if isinstance(entry, dict) and entry.get("version") == version and entry.get("key") == key:
            return entry
        return None

    def put(self, sheet_id: str, version: str, key: str, read: ProvinceRead) -> None:
        with self._lock:
            self.entries[sheet_id] = {"version": version, "key": key, "outcome": read.outcome, "reason": read.reason,
                                      "results": read.results, "errors": read.errors, "warnings": read.warnings,
                                      "modified": read.modified}

    def save(self) -> None:
        from ..storage.atomic import write_atomically
        from .workbook import results_json

        text = results_json({"provinces": self.entries}) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(self.path, lambda temp: temp.write_text(text, encoding="utf-8"))


class SheetsReader:
    """The Google Sheets provinces of a roll-up: `workers` at a time in threads (they wait on the
    network and the quota, not the CPU), every Sheets read under one sliding-window limiter, the
    Drive version checked first so an unchanged province is taken from the cache."""

    def __init__(self, settings: Settings, period: Period, *, credentials: str | None, emulator_host: str | None,
                 reads_per_window: int, window_seconds: float, workers: int, cache: FiguresCache | None,
                 policy: Any = None) -> None:
        from ..backends.gsheets.backend import SCOPES, load_key
        from ..backends.gsheets.drive import METADATA_SCOPE, DriveMetadata
        from ..backends.gsheets.limiter import SlidingWindowLimiter

        self.settings, self.period, self.workers, self.cache = settings, period, workers, cache
        self.emulator_host = emulator_host
        self.limiter = SlidingWindowLimiter(reads_per_window, window_seconds)
        self.policy = policy
        self.unusable: str | None = None  # why no Sheet can be read at all (no key, a broken key file)
        self.key = (None, None)  # (credentials, the service account's e-mail)
        self.drive = None
        try:
            if credentials:
                self.key = load_key(credentials, (*SCOPES, METADATA_SCOPE))
            elif not emulator_host:
                self.unusable = NO_KEY
        except SheetsSyncError as err:
            self.unusable = _reason_of(err)
        if self.unusable is None:
            self.drive = DriveMetadata(self.key[0], emulator_host=emulator_host)
        self.notes: list[str] = []
        self._settings_key = settings_key(settings, period)
        import threading

        self._drive_lock = threading.Lock()

    def backend(self, sheet_id: str) -> Any:
        from ..backends.gsheets.backend import GoogleSheetsBackend, RetryPolicy

        backend = GoogleSheetsBackend.connect(sheet_id, None, emulator_host=self.emulator_host, key=self.key,
                                              limiter=self.limiter, policy=self.policy or RetryPolicy())
        backend.share_role = "Viewer"
        return backend

    def __call__(self, jobs: Sequence[ProvinceJob]) -> dict[str, ProvinceRead]:
        from concurrent.futures import ThreadPoolExecutor

        if self.unusable is not None:
            return {j.province: j.read("no-access", reason=self.unusable) for j in jobs}
        with ThreadPoolExecutor(max_workers=max(1, self.workers), thread_name_prefix="rollup-sheet") as pool:
            reads = list(pool.map(self.read, jobs))
        if self.cache is not None:
            self.cache.save()
        return {r.province: r for r in reads}

    def _version(self, sheet_id: str) -> Any:
        """The Drive version, or None when Drive cannot tell (then the province is read)."""
        from ..backends.gsheets.drive import DriveFileMissing, DriveNotPermitted

        drive = self.drive
        if drive is None:
            return None
        try:
            return drive.version(sheet_id)
        except DriveFileMissing:
            raise
        except DriveNotPermitted as why:
            with self._drive_lock:
                if self.drive is not None:
                    self.drive = None
                    self.notes.append(DRIVE_WARNING.format(why=why))
            return None
        except Exception:  # noqa: BLE001 - a Drive hiccup only costs this province's reads
            return None

    def read(self, job: ProvinceJob) -> ProvinceRead:
        from ..backends.gsheets.drive import DriveFileMissing
        from ..core.errors import AccessError

        started = time.perf_counter()
        sheet_id = job.source.value

        def seconds() -> float:
            return round(time.perf_counter() - started, 3)

        try:
            version = self._version(sheet_id)
        except DriveFileMissing:
            return job.read("no-access", reason=self._no_access(), seconds=seconds())
        if version is not None and self.cache is not None:
            hit = self.cache.get(sheet_id, version.version, self._settings_key)
            if hit is not None:  # the same workbook version, config and period: the same outcome
                return job.read(hit.get("outcome", OK), reason=hit.get("reason"), results=hit["results"], errors=hit["errors"],
                                warnings=hit["warnings"], modified=version.modified or hit.get("modified"), seconds=seconds(),
                                cached=True)
        backend = self.backend(sheet_id)
        try:
            outcome = compute_province(guarded(backend), self.settings, self.period)
        except AccessError as err:
            return job.read("no-access", reason=_reason_of(err), seconds=seconds(), requests=backend.requests_sent)
        except SheetsSyncError as err:
            return job.read("unreachable", reason=_reason_of(err), seconds=seconds(), requests=backend.requests_sent)
        except Exception as err:  # noqa: BLE001 - one province must never stop the roll-up
            return job.read("unreachable", reason=f"อ่าน Google Sheet {sheet_id} ไม่ได้ ({type(err).__name__})",
                            seconds=seconds(), requests=backend.requests_sent)
        if isinstance(outcome, str):  # no input tab at all: as final as figures, for this version
            read = job.read("unreadable", reason=outcome, seconds=seconds(), requests=backend.requests_sent)
            if version is not None and self.cache is not None:
                self.cache.put(sheet_id, version.version, self._settings_key, read)
            return read
        read = job.read(OK, results=outcome.document, errors=outcome.errors, warnings=outcome.warnings,
                        modified=version.modified if version is not None else None, seconds=seconds(),
                        requests=backend.requests_sent)
        if version is not None and self.cache is not None:
            self.cache.put(sheet_id, version.version, self._settings_key, read)
        return read

    def _no_access(self) -> str:
        who = f" {self.key[1]}" if self.key[1] else ""
        return f"ไม่พบ Google Sheet นี้หรือยังไม่ได้แชร์ให้บัญชีบริการ{who} — เปิด Sheet แล้วกด Share ให้บัญชีนี้เป็น Viewer"


def _reason_of(err: Exception) -> str:
    return str(err).replace(" (ไม่ได้เปลี่ยนแปลงอะไร)", "")


def run_rollup_report(
    backend: Backend,
    settings: Settings,
    period: Period,
    *,
    base_dir: Path,
    memo_date: dt.date,
    credentials: str | None = None,
    emulator_host: str | None = None,
) -> RollupReportOutcome:
    """The memo to the Permanent Secretary for the period's round (`<out>/rollup-FY<fy>-R<round>.docx`),
    from a roll-up computed like `rollup`'s (unchanged Sheets from the cache), writing no workbook.

    Refused (ConfigError, exit 2) while the office, signer or document number are still the
    example config's: a memo never goes out signed by the example office."""
    from ..config import example_office_keys
    from ..core.errors import ConfigError
    from ..documents.ministry_memo import render_rollup_memo

    left = example_office_keys(settings.office)
    if left:
        where = settings.source or "config/office.toml"
        raise ConfigError(f"ยังไม่ได้ตั้งค่าของหน่วยงาน: {', '.join(left)} ยังเป็นค่าตัวอย่างหรือว่างอยู่ — แก้ใน {where} ก่อนออกบันทึก")
    options, out_dir = settings.rollup, settings.out_dir
    reader = SheetsReader(settings, period, credentials=credentials, emulator_host=emulator_host,
                          reads_per_window=options.reads_per_window, window_seconds=options.quota_window_seconds,
                          workers=options.workers, cache=FiguresCache(out_dir / CACHE_NAME))
    http = getattr(backend, "http", None)
    if http is not None and hasattr(http, "limiter"):
        http.limiter = reader.limiter
    outcome = compute_rollup(guarded(backend), settings, period, base_dir=base_dir, workers=options.workers,
                             sop_target_pct=options.sop_target_pct, read_sheets=reader, notes=reader.notes)
    memo = render_rollup_memo(outcome.rollup, settings, settings.office, out_dir, memo_date=memo_date,
                              thai_digits=settings.output.memo_thai_digits, rounds=period.rounds,
                              sla_days=settings.complaints.sla_days)
    return RollupReportOutcome(outcome.rollup, memo, period)
