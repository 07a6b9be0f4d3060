"""`evidence`: the PMQA evidence folder of a fiscal year, from the history database alone
(shared/spec/closing.md "The PMQA evidence folder")."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import zipfile
from pathlib import Path

from ..compute.schedule import plan_calendar
from ..config import Settings
from ..core.errors import ConfigError, OutputError
from ..storage.closings import Closing
from .documents import check_office
from .outcomes import EvidenceOutcome
from .rounds import closed_results, closings_of, with_closed_rounds
from .workbook import prepare_folder, results_json


def _closing_label(closing: Closing) -> str:
    return f"รอบ {closing.round} เดือน (ข้อมูล ณ {closing.as_of.isoformat()}) ปิดเมื่อ {closing.closed_on.isoformat()} · การปิดรอบหมายเลข {closing.id}"


def run_evidence(settings: Settings, fiscal_year: int, *, made_on: dt.date, allow_example_office: bool = False) -> EvidenceOutcome:
    """`<out>/evidence-FY<fy>/` and `<out>/evidence-FY<fy>.zip`: each closed round's results JSON
    and memo (the memo that was sent), the SOP manuals and index and the plan calendar as of the
    latest closing, the trend table (.xlsx), every closing of the year with its reopenings, and
    `index.docx` mapping each file to its PMQA 4.0 categories with its SHA-256. Everything comes
    from the history database, none of it from the workbook as it is now. Refused when the fiscal
    year has no closed round. The folder is built beside its place and swapped in whole."""
    from ..documents.calendar import render_plan_calendar, workbook_key, write_plan_calendar
    from ..documents.evidence import EvidenceFile, write_index, write_trend_xlsx
    from ..documents.memo import render_followup_report
    from ..documents.sop import render_sop_manuals

    out_dir = settings.out_dir
    every = closings_of(settings).list(fiscal_year)
    closings = sorted((c for c in every if c.active), key=lambda c: c.round)
    if not closings:
        raise ConfigError(f"ปีงบประมาณ {fiscal_year} ยังไม่มีรอบที่ปิดแล้ว — ปิดรอบด้วย {{close}} ก่อนจัดทำแฟ้มหลักฐาน")
    check_office(settings, allow_example_office)
    prepare_folder(out_dir)
    name = f"evidence-FY{fiscal_year}"
    folder, archive = out_dir / name, out_dir / f"{name}.zip"
    work = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=out_dir))
    try:
        files: list[EvidenceFile] = []
        for closing in closings:
            label = _closing_label(closing)
            document = closings_of(settings).results(closing.id)
            json_name = f"results-FY{fiscal_year}-R{closing.round}.json"
            (work / json_name).write_text(results_json(document) + "\n", encoding="utf-8")
            files.append(EvidenceFile(json_name, f"ผลการติดตามรอบ {closing.round} เดือนที่รายงาน (JSON)", (3, 4, 7), label))
            results = closed_results(settings, closing).results
            memo = render_followup_report(results, settings, work, memo_date=closing.closed_on)
            files.append(EvidenceFile(memo.name, f"บันทึกข้อความรายงานผลรอบ {closing.round} เดือน (ฉบับที่เสนอ)", (2, 3, 7), label))
        latest = closings[-1]
        label = _closing_label(latest)
        results = closed_results(settings, latest).results
        for path in render_sop_manuals(results, settings, work):
            what = "ทะเบียนคู่มือการปฏิบัติงาน" if path.name == "index.docx" else f"คู่มือการปฏิบัติงาน {path.stem.removeprefix('SOP-')}"
            files.append(EvidenceFile(path.relative_to(work).as_posix(), what, (5, 6) if path.name == "index.docx" else (6,), label))
        entries = plan_calendar(results, memo_due_days=settings.remind.memo_due_days, review_every_days=settings.sop.review_every_days)
        calendar = write_plan_calendar(work / f"plan-FY{fiscal_year}.ics", render_plan_calendar(
            entries, fiscal_year=fiscal_year, as_of=results.period.as_of, key=workbook_key(settings.office.name, latest.source),
            calendar_name=f"แผนปฏิบัติการ {settings.office.section} ปีงบประมาณ {fiscal_year}"))
        files.append(EvidenceFile(calendar.name, "ปฏิทินแผนปฏิบัติการ รอบติดตาม และกำหนดทบทวนคู่มือ", (2,), label))
        with_closed_rounds(results, settings)
        trend = [row for row in results.trend() if not row["current"] and row["fiscal_year"] <= fiscal_year]
        trend_path = write_trend_xlsx(work / f"trend-FY{fiscal_year}.xlsx", trend)
        files.append(EvidenceFile(trend_path.name, "แนวโน้มตัวเลขสำคัญตามรอบที่ปิดแล้ว (ปีนี้และสองปีก่อน)", (4, 7), ""))
        trail = work / f"closings-FY{fiscal_year}.json"
        trail.write_text(results_json([c.to_json() for c in every]) + "\n", encoding="utf-8")
        files.append(EvidenceFile(trail.name, "ประวัติการปิดรอบและการเปิดรอบใหม่ (ผู้ปิด เวลา เหตุผล SHA-256)", (4,), ""))
        write_index(work, files, office=settings.office.name, section=settings.office.section, fiscal_year=fiscal_year, made_on=made_on)
        files.append(EvidenceFile("index.docx", "ทะเบียนหลักฐาน (ไฟล์นี้)", (), ""))
        temp_zip = work.with_suffix(".zip")
        with zipfile.ZipFile(temp_zip, "w", zipfile.ZIP_DEFLATED) as bundle:
            for path in sorted(p for p in work.rglob("*") if p.is_file()):
                bundle.write(path, f"{name}/{path.relative_to(work).as_posix()}")
        old = None
        if folder.exists():
            old = out_dir / f".{name}-old-{work.name}"
            folder.rename(old)
        work.rename(folder)
        temp_zip.replace(archive)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as err:
        shutil.rmtree(work, ignore_errors=True)
        work.with_suffix(".zip").unlink(missing_ok=True)
        raise OutputError(f"เขียนแฟ้มหลักฐานลง {out_dir} ไม่ได้ ({err.strerror}) — ตรวจ {{out}}") from err
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        work.with_suffix(".zip").unlink(missing_ok=True)
        raise
    return EvidenceOutcome(fiscal_year, folder, archive, files, closings)
