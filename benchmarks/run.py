"""Speed and memory of sheets-sync on growing workbooks: medians and ratios, not one-off timings.

Run with `make bench` (or `.venv/bin/python benchmarks/run.py [--repeat 5] [--scales 1,10,100]`).
Each scale multiplies the demo's complaint log and plan; every measurement runs in a fresh
process (so peak memory is that step's own) and is repeated, and the median is reported with
its ratio to scale 1. The machines here are shared and noisy: compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 3, 31)

STEP = r"""
import datetime as dt, json, resource, sys, time
from pathlib import Path
from sheets_sync.app import read_workbook, run_sync
from sheets_sync.backends.xlsx import XlsxBackend
from sheets_sync.compute.fiscal import resolve_period
from sheets_sync.compute.results import compute_results
from sheets_sync.config import Settings
path, step, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])
settings = Settings(out_dir=str(out), history_path=str(out / "history.sqlite"))
period = resolve_period(dt.date(2026, 3, 31))
backend = XlsxBackend(path)
t0 = time.perf_counter()
if step == "read":
    backend.read_tabs(backend.tab_titles())
elif step == "validate":
    read_workbook(backend, settings, period)
elif step == "compute":
    _, wb = read_workbook(backend, settings, period)
    t0 = time.perf_counter()
    compute_results(wb, period, settings)
elif step == "sync":
    run_sync(backend, settings, period, now=dt.datetime(2026, 3, 31, 9), out_dir=out)
seconds = time.perf_counter() - t0
peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mib": peak_mib}))
"""


def scaled_workbook(folder: Path, scale: int) -> tuple[Path, int]:
    """The demo workbook with its complaint log and plan repeated `scale` times."""
    import openpyxl

    from sheets_sync.demo import write_demo_workbook

    path = write_demo_workbook(folder / f"scale-{scale}.xlsx", AS_OF)
    book = openpyxl.load_workbook(path)
    for title in ("เรื่องร้องเรียน", "แผนปฏิบัติการ"):
        sheet = book[title]
        body = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
        formats = [[c.number_format for c in row] for row in sheet.iter_rows(min_row=2)]
        row = sheet.max_row  # computed once: openpyxl's max_row scans every cell
        for copy in range(1, scale):
            for values, fmts in zip(body, formats):
                row += 1
                for column, (value, fmt) in enumerate(zip([f"{values[0]}-{copy}", *values[1:]], fmts), start=1):
                    cell = sheet.cell(row=row, column=column, value=value)
                    cell.number_format = fmt
    book.save(path)
    rows = book["เรื่องร้องเรียน"].max_row - 1
    return path, rows


def measure(path: Path, step: str, repeat: int) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as out:
            work = Path(out) / path.name
            work.write_bytes(path.read_bytes())  # sync writes: every run starts from the same file
            done = subprocess.run(
                [sys.executable, "-c", STEP, str(work), step, out], capture_output=True, text=True, check=True, cwd=ROOT
            )
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {
        "median_s": statistics.median(r["seconds"] for r in runs),
        "peak_mib": statistics.median(r["peak_mib"] for r in runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split(",")]
    results: dict[str, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for scale in scales:
            path, rows = scaled_workbook(Path(folder), scale)
            results[str(scale)] = {"complaint_rows": {"n": rows}}  # type: ignore[dict-item]
            for step in ("read", "validate", "compute", "sync"):
                results[str(scale)][step] = measure(path, step, args.repeat)
                print(f"scale {scale:>4} ({rows:>6} complaints)  {step:<8} median {results[str(scale)][step]['median_s']:.3f} s"
                      f"  peak {results[str(scale)][step]['peak_mib']:.0f} MiB", flush=True)
    base = results[str(scales[0])]
    print("\n| scale | complaints | step | median (s) | × scale 1 | peak memory (MiB) |")
    print("|---|---|---|---|---|---|")
    for scale in scales:
        row = results[str(scale)]
        for step in ("read", "validate", "compute", "sync"):
            ratio = row[step]["median_s"] / base[step]["median_s"]
            print(f"| {scale} | {row['complaint_rows']['n']} | {step} | {row[step]['median_s']:.3f} | {ratio:.1f} | {row[step]['peak_mib']:.0f} |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
