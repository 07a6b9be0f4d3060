"""The roll-up through Google Sheets at ministry scale: the real gspread and google-auth code over
HTTP against the emulator with its read quota on (a shortened window), Drive change detection,
and a second run that reads no province's cells."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from sheets_sync.app.rollup import FiguresCache, SheetsReader, compute_rollup, read_registry
from sheets_sync.backends.boundary import guarded
from sheets_sync.backends.gsheets.backend import RetryPolicy
from sheets_sync.backends.gsheets.limiter import SlidingWindowLimiter
from sheets_sync.backends.xlsx.backend import XlsxBackend
from sheets_sync.config import Settings
from sheets_sync.core.cells import CellKind
from sheets_sync.core.fiscal import resolve_period
from tests.conftest import AS_OF, invoke_cli
from tests.emulator.sheets_emulator import Percent, SheetsEmulator

from .ministry_fixtures import OFFICES, REGISTRY_HEADER, build_ministry

EMAIL = "pmqa-rollup@moi-project.iam.gserviceaccount.com"
READS, WINDOW = 12, 1.5  # the emulator's quota and the roll-up's limit: 12 reads in any 1.5 s
QUICK = RetryPolicy(attempts=3, base=0.05, cap=0.2, budget=2.0, timeout=10.0)


def test_the_limiter_never_lets_more_than_its_limit_through_a_window() -> None:
    now = [0.0]
    limiter = SlidingWindowLimiter(3, 10.0, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    sent = []
    for _ in range(7):
        slot = limiter.acquire()
        sent.append(now[0])
        now[0] += 0.5  # the answer takes half a second
        limiter.release(slot)
    assert sent == [0.0, 0.5, 1.0, 10.5, 11.0, 11.5, 21.0]  # each slot is free a window after its answer came


@pytest.fixture(scope="module")
def emu():
    with SheetsEmulator(require_auth=True) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def key_file(emu: SheetsEmulator, tmp_path_factory: pytest.TempPathFactory) -> Path:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    public = private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    emu.register_service_account(EMAIL, public)
    info = {"type": "service_account", "project_id": "moi-project", "private_key_id": "k1", "private_key": pem,
            "client_email": EMAIL, "client_id": "1", "token_uri": emu.token_uri}
    path = tmp_path_factory.mktemp("key") / "key.json"
    path.write_text(json.dumps(info), encoding="utf-8")
    return path


def _value(cell: Any) -> Any:
    if cell.kind is CellKind.PERCENT:
        return Percent(cell.value)
    if cell.kind is CellKind.DATE:
        return cell.value.date() if cell.value.time() == dt.time() else cell.value
    return None if cell.kind is CellKind.EMPTY else cell.value


@pytest.fixture(scope="module")
def offices(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The offices as .xlsx (the roll-up of these files is what the Sheets roll-up must equal)."""
    folder = tmp_path_factory.mktemp("offices")
    build_ministry(folder)
    return folder


def _load(emu: SheetsEmulator, path: Path, title: str) -> str:
    backend = XlsxBackend(path)
    tabs = backend.read_tabs(backend.tab_titles())
    return emu.create_spreadsheet(title, {t: [[_value(c) for c in row] for row in d.rows] for t, d in tabs.items()})


@pytest.fixture
def sheets(emu: SheetsEmulator, offices: Path) -> dict[str, Any]:
    """Every office in the emulator, and the ministry's registry as a Sheet naming them by URL or id.
    ภูเก็ต (a damaged file offline) is a Sheet not shared with the account; ตาก an id that does
    not exist; สงขลา answers 429 for ever (a quota that stays exhausted)."""
    emu.reset()
    ids: dict[str, str] = {}
    for office in OFFICES:
        if office.expected == "ok" or office.kind == "no-tabs":
            ids[office.province] = _load(emu, offices / office.file, f"PMQA {office.province}")
    ids["ภูเก็ต"] = emu.create_spreadsheet("PMQA ภูเก็ต", {"ภารกิจ": [["รหัสภารกิจ"]]})
    emu.share_with(ids["ภูเก็ต"], "someone.else@example.go.th")
    ids["ตาก"] = "1TakTakTakTakTakTakTakTakTakTakTakTakTak0"
    ids["ยะลา"] = "1YalaYalaYalaYalaYalaYalaYalaYalaYalaYal0"
    rows: list[list[Any]] = [REGISTRY_HEADER]
    for n, office in enumerate(OFFICES):
        source = f"https://docs.google.com/spreadsheets/d/{ids[office.province]}/edit#gid=0" if n % 2 else ids[office.province]
        rows.append([office.province, office.region or None, source, None, None, None, "ไม่" if office.kind == "inactive" else None])
    ministry = emu.create_spreadsheet("ทะเบียนจังหวัด สป.มท.", {"จังหวัด": rows})
    return {"ids": ids, "ministry": ministry}


def _roll_up(emu: SheetsEmulator, sheets: dict[str, Any], key_file: Path, out: Path) -> tuple[Any, SheetsReader]:
    settings = Settings()
    period = resolve_period(AS_OF, settings.fiscal.rounds)
    reader = SheetsReader(settings, period, credentials=str(key_file), emulator_host=emu.host, reads_per_window=READS,
                          window_seconds=WINDOW, workers=4, cache=FiguresCache(out / "rollup-cache.json"), policy=QUICK)
    ministry = reader.backend(sheets["ministry"])
    outcome = compute_rollup(guarded(ministry), settings, period, base_dir=out, workers=1, sop_target_pct=80.0,
                             read_sheets=reader, notes=reader.notes)
    return outcome, reader


def _max_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    return max((sum(1 for u in times[i:] if u < t + window) for i, t in enumerate(times)), default=0)


def _province_requests(emu: SheetsEmulator, sheet_id: str) -> int:
    return sum(1 for r in emu.requests if r.path.startswith(f"/v4/spreadsheets/{sheet_id}"))


def test_roll_up_through_sheets_under_the_quota_then_nothing_read_again(
    emu: SheetsEmulator, sheets: dict[str, Any], key_file: Path, offices: Path, tmp_path: Path
) -> None:
    emu.set_quota(reads_per_minute=READS, window_seconds=WINDOW)
    songkhla = sheets["ids"]["สงขลา"]
    emu.fail_next(429, count=1000, when=lambda r: r.path.startswith(f"/v4/spreadsheets/{songkhla}"))
    outcome, reader = _roll_up(emu, sheets, key_file, tmp_path)
    document = outcome.rollup.to_json()
    expected = {o.province: o.expected for o in OFFICES} | {"ภูเก็ต": "no-access", "ตาก": "no-access", "สงขลา": "unreachable"}
    assert {n: p["outcome"] for n, p in document["by_province"].items()} == expected
    assert "429" in document["by_province"]["สงขลา"]["reason"]
    assert EMAIL in document["by_province"]["ภูเก็ต"]["reason"]  # whom to share it with
    assert emu.quota_rejections == 0  # the limiter kept every read inside the quota
    assert _max_in_window(emu.served_reads, WINDOW) <= READS
    for office in OFFICES:
        if document["by_province"][office.province]["outcome"] == "ok":
            assert _province_requests(emu, sheets["ids"][office.province]) <= 3, office.province
    assert reader.notes == []

    # the same figures as the same offices read from their .xlsx files (สงขลา aside)
    settings = Settings()
    offline = compute_rollup(XlsxBackend(offices / "ministry.xlsx"), settings, resolve_period(AS_OF, settings.fiscal.rounds),
                             base_dir=offices, workers=1, sop_target_pct=80.0).rollup.to_json()
    for name, entry in document["by_province"].items():
        if entry["outcome"] == "ok":
            assert entry["results"] == offline["by_province"][name]["results"], name
            assert entry["modified"] and entry["cached"] is False

    # a second roll-up with nothing changed: no province's cells are read, the same figures
    emu.clear_faults()
    emu.reset_counts()
    again, _ = _roll_up(emu, sheets, key_file, tmp_path)
    second = again.rollup.to_json()
    province_ids = set(sheets["ids"].values())
    read_paths = [r.path for r in emu.requests]
    assert not [p for p in read_paths if any(p.startswith(f"/v4/spreadsheets/{sid}") for sid in province_ids if sid != songkhla)]
    assert second["national"] != {} and all(
        second["by_province"][n]["cached"] for n, p in document["by_province"].items() if p["outcome"] == "ok"
    )
    assert {n: p["results"] for n, p in second["by_province"].items() if p["outcome"] == "ok" and n != "สงขลา"} == {
        n: p["results"] for n, p in document["by_province"].items() if p["outcome"] == "ok"
    }

    # one office edits its sheet: only that one is read again
    korat = sheets["ids"]["นครราชสีมา"]
    emu.set_values(korat, "ภารกิจ", "G2", [["ไม่มี"]])
    emu.reset_counts()
    # A later run: the reads of the runs before it have left the quota window. (Run straight after
    # them, a fresh process cannot know they were made; on a busy machine one read could then meet
    # a 429 and be retried, a fourth request that is not a fourth read.)
    emu.set_quota(reads_per_minute=READS, window_seconds=WINDOW)
    third, _ = _roll_up(emu, sheets, key_file, tmp_path)
    entries = third.rollup.to_json()["by_province"]
    assert entries["นครราชสีมา"]["cached"] is False and entries["ขอนแก่น"]["cached"] is True
    assert emu.quota_rejections == 0 and _province_requests(emu, korat) == 3
    assert entries["นครราชสีมา"]["results"]["missions"]["sop_coverage_pct"] < document["by_province"]["นครราชสีมา"]["results"]["missions"]["sop_coverage_pct"]


def test_without_drive_permission_one_warning_and_every_province_read(
    emu: SheetsEmulator, sheets: dict[str, Any], key_file: Path, tmp_path: Path
) -> None:
    emu.drive_enabled = False
    _roll_up(emu, sheets, key_file, tmp_path)  # fills nothing: Drive cannot tell a version
    emu.reset_counts()
    outcome, reader = _roll_up(emu, sheets, key_file, tmp_path)
    assert len(reader.notes) == 1 and "drive.metadata.readonly" in reader.notes[0]
    assert outcome.rollup.notes == reader.notes
    document = outcome.rollup.to_json()
    for office in OFFICES:
        if document["by_province"][office.province]["outcome"] == "ok":
            assert not document["by_province"][office.province]["cached"]
            assert 1 <= _province_requests(emu, sheets["ids"][office.province]) <= 3


def test_drive_files_get_answers_like_drive(emu: SheetsEmulator, key_file: Path) -> None:
    from google.auth.transport.requests import AuthorizedSession
    from google.oauth2 import service_account

    emu.reset()
    sid = emu.create_spreadsheet("PMQA", {"ภารกิจ": [["รหัสภารกิจ"]]})
    info = json.loads(key_file.read_text(encoding="utf-8"))
    url = f"{emu.url}/drive/v3/files/{sid}"
    metadata = AuthorizedSession(service_account.Credentials.from_service_account_info(
        info, scopes=["https://www.googleapis.com/auth/drive.metadata.readonly"]))
    first = metadata.get(url, params={"fields": "version,modifiedTime"})
    assert first.status_code == 200 and set(first.json()) == {"version", "modifiedTime"}
    assert isinstance(first.json()["version"], str) and first.json()["modifiedTime"].endswith("Z")
    emu.set_values(sid, "ภารกิจ", "A2", [["M01"]])
    assert int(metadata.get(url, params={"fields": "version"}).json()["version"]) > int(first.json()["version"])
    sheets_only = AuthorizedSession(service_account.Credentials.from_service_account_info(
        info, scopes=["https://www.googleapis.com/auth/spreadsheets"]))
    refused = sheets_only.get(url, params={"fields": "version"})
    assert refused.status_code == 403
    assert refused.json()["error"]["details"][0]["reason"] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
    missing = metadata.get(f"{emu.url}/drive/v3/files/nope", params={"fields": "version"})
    assert missing.status_code == 404 and missing.json()["error"]["errors"][0]["reason"] == "notFound"
    assert emu.request_count == 0  # Drive's own quota: no Sheets request counted


def test_registry_reads_are_counted_too(emu: SheetsEmulator, sheets: dict[str, Any], key_file: Path, tmp_path: Path) -> None:
    settings = Settings()
    period = resolve_period(AS_OF, settings.fiscal.rounds)
    reader = SheetsReader(settings, period, credentials=str(key_file), emulator_host=emu.host, reads_per_window=READS,
                          window_seconds=WINDOW, workers=2, cache=None, policy=QUICK)
    emu.reset_counts()
    registry = read_registry(guarded(reader.backend(sheets["ministry"])), period)
    assert registry.report.errors == 0 and reader.limiter.granted == len(emu.requests) == 2  # metadata + one batchGet


def test_rollup_through_the_cli_writes_only_the_ministry_sheet(
    emu: SheetsEmulator, sheets: dict[str, Any], key_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHEETS_EMULATOR_HOST", emu.host)
    config = tmp_path / "ministry.toml"
    config.write_text(f'[output]\nhistory = "{tmp_path / "h.sqlite"}"\n'
                      f'[rollup]\nworkers = 3\nreads_per_window = {READS}\nquota_window_seconds = {WINDOW}\n', encoding="utf-8")
    emu.set_quota(reads_per_minute=READS, window_seconds=WINDOW)
    emu.reset_counts()
    args = ["rollup", "--sheet-id", sheets["ministry"], "--credentials", str(key_file), "--config", str(config),
            "--as-of", AS_OF.isoformat(), "--out", str(tmp_path / "out"), "--quiet"]
    result = invoke_cli(*args)
    assert result.exit_code == 0, result.output
    assert emu.quota_rejections == 0 and _max_in_window(emu.served_reads, WINDOW) <= READS
    provinces = set(sheets["ids"].values())
    writes = [r for r in emu.requests if r.method != "GET"]
    assert writes and all(sheets["ministry"] in r.path for r in writes)  # only the ministry's Sheet is written
    assert not any(sid in r.path for r in writes for sid in provinces)
    assert "สรุประดับประเทศ" in emu.sheet_titles(sheets["ministry"])
    rows = emu.get_values(sheets["ministry"], "สรุปรายจังหวัด")
    first = next(r for r, row in enumerate(rows, start=1) if row and row[0] == OFFICES[0].province)
    runs = emu.get_cell(sheets["ministry"], "สรุปรายจังหวัด", f"A{first}").text_format_runs
    assert runs[0]["format"]["link"]["uri"] == f"https://docs.google.com/spreadsheets/d/{sheets['ids'][OFFICES[0].province]}/edit"
    document = json.loads((tmp_path / "out" / "rollup-FY2569-R6.json").read_text(encoding="utf-8"))
    assert document["provinces"]["ok"] == sum(1 for o in OFFICES if o.expected == "ok")
    strict = invoke_cli(*args, "--strict")
    assert strict.exit_code == 1  # provinces not read (and data errors): --strict says so


def test_the_cache_key_follows_what_the_figures_depend_on() -> None:
    from dataclasses import replace

    from sheets_sync.app.rollup import settings_key
    from sheets_sync.config import Complaints, Output, Rollup

    settings = Settings()
    period = resolve_period(AS_OF, settings.fiscal.rounds)
    key = settings_key(settings, period)
    assert settings_key(replace(settings, rollup=Rollup(workers=1), output=Output(dir="elsewhere")), period) == key
    assert settings_key(replace(settings, complaints=Complaints(sla_days=30)), period) != key
    assert settings_key(settings, resolve_period(dt.date(2026, 4, 1), settings.fiscal.rounds)) != key


def test_a_network_failure_makes_only_that_province_unreachable(
    emu: SheetsEmulator, offices: Path, key_file: Path, tmp_path: Path
) -> None:
    emu.reset()
    good = _load(emu, offices / OFFICES[0].file, "PMQA ok")
    slow = _load(emu, offices / OFFICES[1].file, "PMQA slow")
    ministry = emu.create_spreadsheet("registry", {"จังหวัด": [REGISTRY_HEADER, [OFFICES[0].province, None, good],
                                                               [OFFICES[1].province, None, slow]]})
    emu.fail_next(503, count=1000, when=lambda r: r.path.startswith(f"/v4/spreadsheets/{slow}"))
    settings = Settings()
    period = resolve_period(AS_OF, settings.fiscal.rounds)
    reader = SheetsReader(settings, period, credentials=str(key_file), emulator_host=emu.host, reads_per_window=READS,
                          window_seconds=WINDOW, workers=2, cache=None, policy=QUICK)
    outcome = compute_rollup(guarded(reader.backend(ministry)), settings, period, base_dir=tmp_path, workers=1,
                             sop_target_pct=80.0, read_sheets=reader, notes=reader.notes)
    by = {p.province: p for p in outcome.rollup.provinces}
    assert by[OFFICES[0].province].outcome == "ok"
    failed = by[OFFICES[1].province]
    assert failed.outcome == "unreachable" and failed.results is None and "503" in failed.reason
    assert failed.requests == QUICK.attempts  # tried, backed off, gave up
    assert outcome.rollup.national["provinces"] == 1
