"""Speed and memory of sheets-sync against the read floor, side by side in one run.

Run with `make bench` (or `.venv/bin/python benchmarks/run.py [--repeat 3] [--sizes 1000,10000,100000]`).

The workbooks are the demo's, grown to 1,000 / 10,000 / 100,000 complaints (with the plan, the
KPIs and the missions grown in proportion up to 2,000 activities, 500 KPIs and 300 missions at
the top size), written by xlsxwriter — another program than the one that reads them. Every step
runs in a fresh process (so its peak memory is its own), `--repeat` times, and the median is
reported. The floor is python-calamine reading every cell of every tab once; each of our steps is
reported as a ratio to the floor measured in the same run, since this shared 2-core machine is
noisy: read the ratios, not the seconds. Then the Google Sheets path through the emulator on
127.0.0.1 (requests, bytes up and down per request), and a profile of the top size's sync.
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
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 3, 31)
TOP = 100_000
AT_TOP = {"complaints": TOP, "plan": 2_000, "kpis": 500, "missions": 300}
STEPS = ("floor", "read", "validate", "compute", "sync")

STEP = r"""
import datetime as dt, json, resource, sys, time
from pathlib import Path
path, step, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])
t0 = time.perf_counter()
if step == "floor":
    from python_calamine import CalamineWorkbook
    book = CalamineWorkbook.from_path(path)
    cells = sum(len(row) for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python())
else:
    from sheets_sync.app.sync import run_sync
    from sheets_sync.app.workbook import read_workbook
    from sheets_sync.backends.xlsx.backend import XlsxBackend
    from sheets_sync.core.fiscal import resolve_period
    from sheets_sync.compute.results import compute_results
    from sheets_sync.config import Settings, Output
    settings = Settings(output=Output(dir=str(out), history=str(out / "history.sqlite")))
    period = resolve_period(dt.date(2026, 3, 31))
    backend = XlsxBackend(path)
    t0 = time.perf_counter()
    if step == "read":
        backend.read_tabs(backend.tab_titles())
    elif step == "validate":
        read_workbook(backend, settings, period)
    elif step == "compute":
        wb = read_workbook(backend, settings, period).workbook
        t0 = time.perf_counter()
        compute_results(wb, period, settings)
    elif step == "sync":
        run_sync(backend, settings, period, now=dt.datetime(2026, 3, 31, 9))
seconds = time.perf_counter() - t0
peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mib": peak_mib}))
"""

PROFILE = r"""
import cProfile, datetime as dt, io, pstats, sys
from pathlib import Path
from sheets_sync.app.sync import run_sync
from sheets_sync.backends.xlsx.backend import XlsxBackend
from sheets_sync.core.fiscal import resolve_period
from sheets_sync.config import Output, Settings
path, out, top = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
settings = Settings(output=Output(dir=str(out), history=str(out / "history.sqlite")))
profile = cProfile.Profile()
profile.enable()
run_sync(XlsxBackend(path), settings, resolve_period(dt.date(2026, 3, 31)), now=dt.datetime(2026, 3, 31, 9))
profile.disable()
stats = pstats.Stats(profile)
total = stats.total_tt
rows = []
for (file, line, name), (cc, nc, tt, ct, callers) in stats.stats.items():
    where = file.replace(str(Path.cwd()) + "/", "")
    if "/site-packages/" in where:
        where = where.split("/site-packages/")[1]
    elif where.startswith("/") or where == "~":
        where = "python"
    rows.append((ct, tt, nc, f"{where} ({name})"))
import json
print(json.dumps({"total": total, "rows": sorted(rows, reverse=True)[: top * 3],
                  "own": sorted(rows, key=lambda r: r[1], reverse=True)[:top]}))
"""

SHEETS = r"""
import datetime as dt, json, random, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from sheets_sync.app.sync import run_sync
from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend
from sheets_sync.backends.xlsx.backend import XlsxBackend
from sheets_sync.core.cells import CellKind
from sheets_sync.core.fiscal import resolve_period
from sheets_sync.config import Output, Settings
from tests.emulator.sheets_emulator import Percent, SheetsEmulator
path, out = sys.argv[1], Path(sys.argv[2])

def value(cell):
    if cell.kind is CellKind.PERCENT:
        return Percent(cell.value)
    if cell.kind is CellKind.DATE:
        return cell.value.date() if cell.value.time() == dt.time() else cell.value
    return None if cell.kind is CellKind.EMPTY else cell.value

source = XlsxBackend(path)
tabs = source.read_tabs(source.tab_titles())
with SheetsEmulator() as emu:
    sid = emu.create_spreadsheet("bench", {t: [[value(c) for c in row] for row in d.rows] for t, d in tabs.items()})
    del tabs
    backend = GoogleSheetsBackend.connect(sid, None, emulator_host=emu.host, rng=random.Random(1))
    settings = Settings(output=Output(dir=str(out), history=str(out / "history.sqlite")))
    t0 = time.perf_counter()
    run_sync(backend, settings, resolve_period(dt.date(2026, 3, 31)), now=dt.datetime(2026, 3, 31, 9))
    seconds = time.perf_counter() - t0
    log = [{"method": m, "what": e.rsplit("/", 1)[-1].split("?")[0].replace(sid, "{id}"), "up": up, "down": down}
           for m, e, up, down in backend.http.log]
print(json.dumps({"seconds": seconds, "requests": log}))
"""


def sizes_for(complaints: int) -> dict[str, int]:
    share = complaints / TOP
    return {"complaints": complaints, **{k: round(v * share) for k, v in AT_TOP.items() if k != "complaints"}}


def scaled_workbook(folder: Path, complaints: int) -> tuple[Path, dict[str, int]]:
    """The demo workbook with its tabs grown to the wanted sizes (ids kept unique), written by
    xlsxwriter row by row (constant memory)."""
    import xlsxwriter

    from sheets_sync.present.demo import DateCell, Percent, build_demo_rows
    from sheets_sync.schema.tabs import input_tabs

    wanted = sizes_for(complaints)
    path = folder / f"complaints-{complaints}.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    percent = book.add_format({"num_format": "0%"})
    date = book.add_format({"num_format": "d/m/yyyy"})
    titles = {tab.key: tab.th for tab in input_tabs((6, 9, 12))}
    counts = {}
    for key, rows in build_demo_rows(AS_OF).items():
        sheet = book.add_worksheet(titles[key])
        header, body = rows[0], rows[1:]
        target = max(len(body), wanted.get(key, len(body)))
        counts[key] = target
        sheet.write_row(0, 0, header)
        for n in range(target):
            row = body[n % len(body)]
            copy = n // len(body)
            for c, value in enumerate(row):
                if c == 0 and copy and key in wanted and isinstance(value, str) and value:
                    value = f"{value}-{copy}"
                if isinstance(value, Percent):
                    sheet.write_number(n + 1, c, value.fraction, percent)
                elif isinstance(value, DateCell):
                    sheet.write_datetime(n + 1, c, dt.datetime(value.year, value.month, value.day), date)
                elif isinstance(value, str):
                    if value:
                        sheet.write_string(n + 1, c, value)
                elif isinstance(value, bool):
                    sheet.write_boolean(n + 1, c, value)
                elif value is not None:
                    sheet.write_number(n + 1, c, value)
    book.close()
    return path, counts


def run_step(script: str, *args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"benchmark step failed: {args}\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(path: Path, step: str, repeat: int) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as out:
            work = Path(out) / path.name
            work.write_bytes(path.read_bytes())  # sync writes: every run starts from the same file
            runs.append(run_step(STEP, str(work), step, out))
    return {"median_s": statistics.median(r["seconds"] for r in runs), "peak_mib": max(r["peak_mib"] for r in runs),
            "runs": [round(r["seconds"], 3) for r in runs]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="1000,10000,100000", help="complaint counts")
    parser.add_argument("--sheets", default="10000,100000", help="sizes also synced through the Sheets emulator")
    parser.add_argument("--profile-top", type=int, default=15)
    parser.add_argument("--json", type=Path, help="also write every number here")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    sheets_sizes = [int(s) for s in args.sheets.split(",") if s and int(s) in sizes]
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            path, counts = scaled_workbook(Path(folder), size)
            entry: dict[str, Any] = {"counts": counts, "file_mib": path.stat().st_size / 2**20}
            # Interleaved: the floor and our steps share the same moment of the machine's load.
            for step in STEPS:
                entry[step] = measure(path, step, args.repeat)
                print(f"{size:>7} complaints  {step:<8} median {entry[step]['median_s']:7.3f} s  "
                      f"× floor {entry[step]['median_s'] / entry['floor']['median_s']:5.2f}  peak {entry[step]['peak_mib']:5.0f} MiB", flush=True)
            if size in sheets_sizes:
                with tempfile.TemporaryDirectory() as out:
                    entry["sheets"] = run_step(SHEETS, str(path), out, str(ROOT))
                print(f"{size:>7} complaints  sheets   {len(entry['sheets']['requests'])} requests, "
                      f"largest body {max(r['up'] for r in entry['sheets']['requests']):,} bytes", flush=True)
            if size == max(sizes):
                with tempfile.TemporaryDirectory() as out:
                    work = Path(out) / path.name
                    work.write_bytes(path.read_bytes())
                    entry["profile"] = run_step(PROFILE, str(work), out, str(args.profile_top))
            results[str(size)] = entry
    print()
    print(report(results, args.repeat, args.profile_top))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")


def report(results: dict[str, Any], repeat: int, top: int) -> str:
    lines = [f"Medians of {repeat} runs, each in a fresh process; × floor = our time / python-calamine reading every cell once.", ""]
    lines += ["| complaints | activities / KPIs / missions | file | floor | read | validate | compute | sync | peak (sync) |",
              "|---|---|---|---|---|---|---|---|---|"]
    for size, e in results.items():
        floor = e["floor"]["median_s"]
        c = e["counts"]
        cells = [f"{int(size):,}", f"{c['plan']:,} / {c['kpis']:,} / {c['missions']:,}", f"{e['file_mib']:.1f} MiB", f"{floor:.2f} s"]
        for step in ("read", "validate", "compute", "sync"):
            cells.append(f"{e[step]['median_s']:.2f} s ({e[step]['median_s'] / floor:.2f}×)")
        cells.append(f"{e['sync']['peak_mib']:.0f} MiB")
        lines.append("| " + " | ".join(cells) + " |")
    for size, e in results.items():
        if "sheets" not in e:
            continue
        reqs = e["sheets"]["requests"]
        lines += ["", f"Google Sheets sync of {int(size):,} complaints through the emulator: {len(reqs)} requests, "
                  f"{e['sheets']['seconds']:.1f} s, largest request body {max(r['up'] for r in reqs):,} bytes", "",
                  "| # | request | bytes up | bytes down |", "|---|---|---|---|"]
        for n, r in enumerate(reqs, start=1):
            lines.append(f"| {n} | {r['method']} {r['what']} | {r['up']:,} | {r['down']:,} |")
    for size, e in results.items():
        if "profile" not in e:
            continue
        prof = e["profile"]
        lines += ["", f"Where the time of one sync of {int(size):,} complaints goes (cProfile, {prof['total']:.1f} s under the profiler; "
                  "cumulative includes callees):", "", "| function | cumulative | own | calls |", "|---|---|---|---|"]
        for ct, tt, nc, name in prof["rows"][:top]:
            lines.append(f"| `{name}` | {ct:.2f} s | {tt:.2f} s | {nc:,} |")
        lines += ["", "The same profile by own time (where the interpreter actually spends it):", "",
                  "| function | own | cumulative | calls |", "|---|---|---|---|"]
        for ct, tt, nc, name in prof.get("own", [])[:top]:
            lines.append(f"| `{name}` | {tt:.2f} s | {ct:.2f} s | {nc:,} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
