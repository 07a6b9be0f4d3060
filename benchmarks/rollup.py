"""The ministry roll-up against its floors, side by side in one run (`make bench-rollup`).

    .venv/bin/python benchmarks/rollup.py [--provinces 76] [--complaints 10000] [--workers 2] [--repeat 1]

1. xlsx: N generated provinces of C complaints each (the benchmark workbook of `run.py`, one per
   province). Measured in fresh processes, side by side:
   - the floor: python-calamine reading every cell of every tab of all N files, one process;
   - the sum of N single `sheets-sync validate` runs (each a fresh process, as an office runs it);
   - `sheets-sync rollup` with `--workers` worker processes, and with 1 (for the ratio);
   - peak memory of the whole process tree (the roll-up and its workers, RSS summed, sampled every
     20 ms), at 20 provinces and at N (it must not grow with the number of provinces).
2. Google Sheets through the emulator on 127.0.0.1 with its read quota on (a shortened window, so
   the run takes seconds, not minutes): requests per province, wall time against the quota's lower
   bound (reads ÷ reads-per-window × window), then the second, unchanged run.
Medians of `--repeat` runs; read the ratios, not the seconds (a shared 2-core machine).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2026-03-31"
REGIONS = ("ภาคเหนือ", "ภาคตะวันออกเฉียงเหนือ", "ภาคกลาง", "ภาคตะวันออก", "ภาคใต้")

FLOOR = r"""
import json, sys, time
from python_calamine import CalamineWorkbook
t0 = time.perf_counter()
cells = 0
for path in sys.argv[1:]:
    book = CalamineWorkbook.from_path(path)
    cells += sum(len(row) for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python())
print(json.dumps({"seconds": time.perf_counter() - t0, "cells": cells}))
"""


def _run_bench_module() -> Any:
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _cli() -> list[str]:
    return [str(Path(sys.executable).parent / "sheets-sync")]


def tree_rss_mib(pid: int) -> float:
    """RSS of `pid` and all its descendants (MiB), from /proc."""
    total, stack, seen = 0, [pid], set()
    while stack:
        p = stack.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open(f"/proc/{p}/status", encoding="ascii", errors="replace") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", encoding="ascii") as children:
                    stack.extend(int(c) for c in children.read().split())
        except (OSError, ValueError):
            continue
    return total / 1024


def run_measured(argv: list[str], cwd: Path) -> dict[str, Any]:
    """Run a command; wall seconds and the peak RSS of its process tree."""
    peak = [0.0]
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], tree_rss_mib(process.pid))
            stop.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    if process.returncode not in (0, 1):
        raise SystemExit(f"failed: {' '.join(argv)}\n{err[-3000:]}")
    return {"seconds": seconds, "peak_mib": peak[0], "stdout": out, "code": process.returncode}


def build_provinces(folder: Path, provinces: int, complaints: int) -> list[Path]:
    """One benchmark workbook, copied for every province (the same cells: the same work each)."""
    bench = _run_bench_module()
    source, _ = bench.scaled_workbook(folder, complaints)
    paths = []
    (folder / "provinces").mkdir(exist_ok=True)
    for n in range(provinces):
        path = folder / "provinces" / f"p{n:02d}.xlsx"
        shutil.copyfile(source, path)
        paths.append(path)
    return paths


def write_registry(path: Path, sources: list[str]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "จังหวัด"
    sheet.append(["จังหวัด", "ภาค", "สมุดงาน", "ชื่อสำนักงาน", "ผู้ประสานงาน", "อีเมล", "ใช้งาน"])
    for n, source in enumerate(sources):
        sheet.append([f"จังหวัดที่ {n + 1:02d}", REGIONS[n % len(REGIONS)], source, None, None, None, None])
    book.save(path)
    return path


def xlsx_part(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    paths = build_provinces(work, args.provinces, args.complaints)
    config = work / "ministry.toml"
    results: dict[str, Any] = {"provinces": args.provinces, "complaints": args.complaints}

    floors = [run_measured([sys.executable, "-c", FLOOR, *map(str, paths)], work) for _ in range(args.repeat)]
    results["floor_s"] = statistics.median(f["seconds"] for f in floors)
    results["floor_cells"] = json.loads(floors[0]["stdout"].strip().splitlines()[-1])["cells"]

    validates = []
    for path in paths[: args.validate_sample]:
        validates.append(run_measured([*_cli(), "validate", "--workbook", str(path), "--as-of", AS_OF, "--quiet"], work)["seconds"])
    results["validate_one_s"] = statistics.median(validates)
    results["validate_sum_s"] = statistics.mean(validates) * args.provinces  # every run, or the sample's mean × N
    results["validate_sampled"] = len(validates)

    for label, count in (("rollup_20", min(20, args.provinces)), ("rollup", args.provinces)):
        registry = write_registry(work / f"ministry-{count}.xlsx", [f"provinces/{p.name}" for p in paths[:count]])
        runs = []
        for workers in sorted({args.workers, 1}) if label == "rollup" else [args.workers]:
            config.write_text(f"[rollup]\nworkers = {workers}\n", encoding="utf-8")
            measured = [run_measured([*_cli(), "rollup", "--workbook", str(registry), "--config", str(config), "--as-of", AS_OF,
                                      "--out", str(work / "out"), "--quiet"], work) for _ in range(args.repeat)]
            runs.append({"workers": workers, "seconds": statistics.median(m["seconds"] for m in measured),
                         "peak_mib": max(m["peak_mib"] for m in measured)})
        results[label] = runs
    return results


SHEETS = r"""
import datetime as dt, json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
provinces, complaints, reads = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
window, workers, work = float(sys.argv[5]), int(sys.argv[6]), Path(sys.argv[7])
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sheets_sync.app.rollup import FiguresCache, SheetsReader, compute_rollup
from sheets_sync.backends.boundary import guarded
from sheets_sync.backends.xlsx.backend import XlsxBackend
from sheets_sync.core.cells import CellKind
from sheets_sync.config import Settings
from sheets_sync.core.fiscal import resolve_period
from tests.emulator.sheets_emulator import Percent, SheetsEmulator
import importlib.util
spec = importlib.util.spec_from_file_location("bench_run", Path(sys.argv[1]) / "benchmarks" / "run.py")
bench = importlib.util.module_from_spec(spec); spec.loader.exec_module(bench)

def value(cell):
    if cell.kind is CellKind.PERCENT:
        return Percent(cell.value)
    if cell.kind is CellKind.DATE:
        return cell.value.date() if cell.value.time() == dt.time() else cell.value
    return None if cell.kind is CellKind.EMPTY else cell.value

path, _ = bench.scaled_workbook(work, complaints)
source = XlsxBackend(path)
tabs = {t: [[value(c) for c in row] for row in d.rows] for t, d in source.read_tabs(source.tab_titles()).items()}
with SheetsEmulator(require_auth=True) as emu:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    email = "bench@moi.iam.gserviceaccount.com"
    emu.register_service_account(email, private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    key = work / "key.json"
    key.write_text(json.dumps({"type": "service_account", "private_key": pem, "client_email": email, "token_uri": emu.token_uri,
                               "private_key_id": "k", "project_id": "p", "client_id": "1"}))
    ids = [emu.create_spreadsheet(f"p{n}", tabs) for n in range(provinces)]
    rows = [["จังหวัด", "ภาค", "สมุดงาน"]] + [[f"จังหวัดที่ {n + 1:02d}", "ภาค", sid] for n, sid in enumerate(ids)]
    ministry = emu.create_spreadsheet("ministry", {"จังหวัด": rows})
    emu.set_quota(reads_per_minute=reads, window_seconds=window)
    settings = Settings()
    period = resolve_period(dt.date(2026, 3, 31), settings.fiscal.rounds)
    out = []
    for run in ("first", "second"):
        emu.reset_counts()
        reader = SheetsReader(settings, period, credentials=str(key), emulator_host=emu.host, reads_per_window=reads,
                              window_seconds=window, workers=workers, cache=FiguresCache(work / "rollup-cache.json"))
        t0 = time.perf_counter()
        outcome = compute_rollup(guarded(reader.backend(ministry)), settings, period, base_dir=work, workers=1, sop_target_pct=80.0,
                                 read_sheets=reader, notes=reader.notes)
        seconds = time.perf_counter() - t0
        per = [sum(1 for r in emu.requests if r.path.startswith(f"/v4/spreadsheets/{sid}")) for sid in ids]
        times = sorted(emu.served_reads)
        busiest = max((sum(1 for u in times[i:] if u < t + window) for i, t in enumerate(times)), default=0)
        out.append({"run": run, "seconds": seconds, "reads": len(emu.requests), "per_province_max": max(per),
                    "per_province_min": min(per), "rejected_429": emu.quota_rejections, "busiest_window": busiest,
                    "ok": outcome.rollup.counts["ok"], "cached": sum(1 for p in outcome.rollup.provinces if p.cached),
                    "drive_requests": len(emu.drive_requests)})
print(json.dumps(out))
"""


def sheets_part(args: argparse.Namespace, work: Path) -> list[dict[str, Any]]:
    done = subprocess.run([sys.executable, "-c", SHEETS, str(ROOT), str(args.sheet_provinces), str(args.sheet_complaints),
                           str(args.reads), str(args.window), str(args.workers), str(work)],
                          capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"sheets benchmark failed\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(x: dict[str, Any], s: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [f"## Roll-up of {x['provinces']} provinces × {x['complaints']:,} complaints (.xlsx), median of {args.repeat}", "",
             "| step | seconds | × floor | peak MiB (process tree) |", "|---|---|---|---|",
             f"| floor: calamine reads all {x['floor_cells']:,} cells, 1 process | {x['floor_s']:.1f} | 1.00 | |",
             f"| sum of {x['provinces']} `validate` runs ({x['validate_sampled']} run, mean × {x['provinces']}) | "
             f"{x['validate_sum_s']:.1f} | {x['validate_sum_s'] / x['floor_s']:.2f} | |"]
    for r in x["rollup"]:
        lines.append(f"| `rollup`, {r['workers']} worker(s) | {r['seconds']:.1f} | {r['seconds'] / x['floor_s']:.2f} | {r['peak_mib']:.0f} |")
    for r in x["rollup_20"]:
        lines.append(f"| `rollup` of 20 provinces, {r['workers']} worker(s) | {r['seconds']:.1f} | | {r['peak_mib']:.0f} |")
    first = s[0]
    reads_needed = first["reads"]
    bound = math.ceil(reads_needed / args.reads - 1) * args.window if reads_needed > args.reads else 0.0
    lines += ["", f"## Google Sheets (emulator): {args.sheet_provinces} provinces × {args.sheet_complaints:,} complaints, "
              f"quota {args.reads} reads per {args.window:g} s", "",
              "| run | seconds | lower bound s | Sheets reads | per province (min–max) | busiest window | 429s | cached | Drive calls |",
              "|---|---|---|---|---|---|---|---|---|"]
    for r in s:
        lb = bound if r["run"] == "first" else 0.0
        lines.append(f"| {r['run']} | {r['seconds']:.1f} | {lb:.1f} | {r['reads']} | {r['per_province_min']}–{r['per_province_max']} | "
                     f"{r['busiest_window']} | {r['rejected_429']} | {r['cached']} | {r['drive_requests']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--provinces", type=int, default=76)
    parser.add_argument("--complaints", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--validate-sample", type=int, default=76, help="validate runs actually made (the sum is their mean × N)")
    parser.add_argument("--sheet-provinces", type=int, default=76)
    parser.add_argument("--sheet-complaints", type=int, default=1_000)
    parser.add_argument("--reads", type=int, default=50)
    parser.add_argument("--window", type=float, default=5.0)
    parser.add_argument("--skip-xlsx", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        x = xlsx_part(args, work) if not args.skip_xlsx else None
        (work / "sheets").mkdir()
        s = sheets_part(args, work / "sheets")
    if args.json:
        print(json.dumps({"xlsx": x, "sheets": s}, indent=2))
    elif x is not None:
        print(report(x, s, args))
    else:
        print(json.dumps(s, indent=2))


if __name__ == "__main__":
    main()
