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

from .backends.base import Backend
from .backends.boundary import guarded
from .backends.xlsx import XlsxBackend
from .compute.rollup import OK, ProvinceRead, Rollup, roll_up
from .config import Settings
from .errors import SheetsSyncError
from .fiscal import Period
from .schema.ministry import PROVINCES, Source, ministry_tabs, parse_source
from .schema.validate import ValidatedWorkbook, input_titles, validate_workbook


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


NO_INPUT_TABS = "ไม่พบแท็บข้อมูลของสำนักงาน (ภารกิจ แผนปฏิบัติการ ตัวชี้วัด เรื่องร้องเรียน …) ในสมุดงาน — ตรวจว่าระบุสมุดงานถูกไฟล์"


def compute_province(backend: Backend, settings: Settings, period: Period) -> tuple[dict[str, Any], int, int] | str:
    """A province's results document (without "issues") and its error and warning counts, computed
    by `sync`'s own path; or the Thai reason it is unreadable (no input tab at all)."""
    from .app import compute_from  # the one path `sync` takes: read → validate → compute

    _, results = compute_from(backend, settings, period)
    if not results.workbook.titles:
        return NO_INPUT_TABS
    document = results.to_json()
    document.pop("issues", None)
    return document, results.error_count, results.warning_count


def read_xlsx_province(job: ProvinceJob, settings: Settings, period: Period) -> ProvinceRead:
    """One .xlsx province, start to end, never raising (it runs in a worker process)."""
    started = time.perf_counter()
    path = Path(job.path)

    def failed(outcome: str, reason: str) -> ProvinceRead:
        return job.read(outcome, reason=reason, seconds=round(time.perf_counter() - started, 3))

    try:
        if not os.path.lexists(path):
            return failed("unreadable", f"ไม่พบไฟล์ {job.source_text} — ตรวจชื่อไฟล์ในคอลัมน์ สมุดงาน (อ้างจากโฟลเดอร์ของสมุดงานกระทรวง)")
        modified = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc).isoformat(timespec="seconds")
        outcome = compute_province(guarded(XlsxBackend(path)), settings, period)
    except SheetsSyncError as err:
        reason = str(err).replace(" (ไม่ได้เปลี่ยนแปลงอะไร)", "").replace(str(path), job.source_text)
        return failed("unreadable", reason)
    except Exception as err:  # noqa: BLE001 - one province must never stop the roll-up
        return failed("unreadable", f"อ่าน {job.source_text} ไม่ได้ ({type(err).__name__}) — เปิดใน Excel แล้วบันทึกใหม่เป็น .xlsx")
    if isinstance(outcome, str):
        return failed("unreadable", outcome)
    document, errors, warnings = outcome
    return job.read(OK, results=document, errors=errors, warnings=warnings, modified=modified,
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


STOPPED = "การอ่านไฟล์นี้หยุดกลางคัน (หน่วยความจำไม่พอหรือโปรแกรมถูกหยุด) — สั่ง rollup ใหม่ หรือลด rollup.workers"


def read_xlsx_provinces(jobs: Sequence[ProvinceJob], settings: Settings, period: Period, workers: int) -> dict[str, ProvinceRead]:
    """The .xlsx provinces, `workers` at a time in their own processes (in this process when 1).

    A worker that dies (killed, out of memory) breaks the pool: the provinces it left unread are
    read again each in a pool of its own, so only the province that kills its worker is lost.
    """
    if workers <= 1 or len(jobs) <= 1:
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
            done.update({j.province: j.read("no-access", reason="ยังไม่ได้ระบุกุญแจ service account สำหรับอ่าน Google Sheets — ระบุ --credentials") for j in sheets})
        else:
            done.update(read_sheets(sheets))
    out = []
    for job in jobs:
        if not job.active:
            out.append(job.read("inactive", reason="ยังไม่ใช้งาน (ใช้งาน = ไม่ ในทะเบียนจังหวัด)"))
        else:
            out.append(done[job.province])
    return out


@dataclass
class RollupOutcome:
    rollup: Rollup
    registry: ValidatedWorkbook
    json_path: Path | None = None
    tabs_written: list[str] | None = None

    @property
    def registry_errors(self) -> int:
        return self.registry.error_count


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
    out_dir: Path,
    base_dir: Path,
    workers: int,
    sop_target_pct: float,
    read_sheets: Callable[[Sequence[ProvinceJob]], dict[str, ProvinceRead]] | None = None,
    notes: Iterable[str] = (),
    force: bool = False,
) -> RollupOutcome:
    """Compute the roll-up, then write the ministry workbook's summary tabs (one write) and
    `<out>/rollup-FY<fy>-R<round>.json`. Only the ministry's workbook is ever written."""
    from .app import results_json
    from .atomic import write_atomically
    from .present.ministry_tabs import build_ministry_tabs

    backend = guarded(backend)
    outcome = compute_rollup(backend, settings, period, base_dir=base_dir, workers=workers, sop_target_pct=sop_target_pct,
                             read_sheets=read_sheets, notes=notes)
    tabs = build_ministry_tabs(outcome.rollup, outcome.registry.issues, outcome.registry.schema, thai_digits=settings.thai_digits)
    text = results_json(outcome.rollup.to_json()) + "\n"
    path = rollup_file(out_dir, period)
    path.parent.mkdir(parents=True, exist_ok=True)
    backend.write_summary_tabs(tabs, force=force)
    write_atomically(path, lambda temp: temp.write_text(text, encoding="utf-8"))
    outcome.json_path, outcome.tabs_written = path, [t.title for t in tabs]
    return outcome
