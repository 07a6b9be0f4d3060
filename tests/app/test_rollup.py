"""The ministry roll-up (ministry.md) over real .xlsx provinces: every figure recomputed here
independently from each province's own `sync` results, failures isolated, nothing written to a
province's workbook."""

from __future__ import annotations

import hashlib
import json
import shutil
import statistics
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import AS_OF, invoke_cli, write_xlsx

from .ministry_fixtures import OFFICES, REGISTRY_HEADER, build_ministry

BANDS = ("ดีเด่น", "ดีมาก", "ดี", "พอใช้", "ต้องปรับปรุง")


# --- a ministry of real workbooks ---------------------------------------------------------------


@pytest.fixture(scope="module")
def ministry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ministry")
    build_ministry(folder)
    return folder


def _fingerprints(folder: Path) -> dict[str, tuple[str, int]]:
    return {str(p): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in sorted((folder / "provinces").glob("*"))}


@pytest.fixture(scope="module")
def rolled(ministry: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The roll-up through the CLI, with two worker processes; the JSON it wrote."""
    work = tmp_path_factory.mktemp("rollup-run")
    before = _fingerprints(ministry)
    config = work / "ministry.toml"
    config.write_text(f'[output]\nhistory = "{work / "history.sqlite"}"\n[rollup]\nworkers = 2\n', encoding="utf-8")
    result = invoke_cli("rollup", "--workbook", str(ministry / "ministry.xlsx"), "--config", str(config),
                        "--as-of", AS_OF.isoformat(), "--out", str(work / "out"))
    assert result.exit_code == 0, result.output
    assert _fingerprints(ministry) == before, "a province's workbook was touched"
    document = json.loads((work / "out" / "rollup-FY2569-R6.json").read_text(encoding="utf-8"))
    return {"document": document, "output": result.output, "work": work}


@pytest.fixture(scope="module")
def synced(ministry: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Each readable province's own `sync --json` on a copy of its workbook (same config, as-of)."""
    work = tmp_path_factory.mktemp("syncs")
    config = work / "office.toml"
    config.write_text(f'[output]\nhistory = "{work / "history.sqlite"}"\n', encoding="utf-8")
    found = {}
    for office in OFFICES:
        if office.expected != "ok":
            continue
        copy = work / Path(office.file).name
        shutil.copy(ministry / office.file, copy)
        result = invoke_cli("sync", "--workbook", str(copy), "--config", str(config), "--as-of", AS_OF.isoformat(),
                                          "--out", str(work / office.province), "--quiet")
        assert result.exit_code == 0, result.output
        found[office.province] = json.loads((work / office.province / "results-FY2569-R6.json").read_text(encoding="utf-8"))
    return found


def test_every_province_has_its_outcome_and_a_thai_reason(rolled: dict[str, Any]) -> None:
    by_province = rolled["document"]["by_province"]
    assert list(by_province) == [o.province for o in OFFICES]  # registry order, none dropped
    assert {name: p["outcome"] for name, p in by_province.items()} == {o.province: o.expected for o in OFFICES}
    for entry in by_province.values():
        if entry["outcome"] == "ok":
            assert entry["reason"] is None and entry["results"] is not None
        else:
            assert entry["results"] is None and entry["errors"] is None and entry["ranks"] is None  # no figures: never zeros
            assert any("\u0e00" <= ch <= "\u0e7f" for ch in entry["reason"])  # one Thai line
            assert "\n" not in entry["reason"]
    assert "BadZipFile" in by_province["ภูเก็ต"]["reason"] and "ไม่พบแท็บข้อมูล" in by_province["สุราษฎร์ธานี"]["reason"]
    assert "ไม่พบไฟล์ provinces/tak.xlsx" in by_province["ตาก"]["reason"]
    assert rolled["document"]["provinces"] == {"total": 15, "ok": 11, "failed": 3, "inactive": 1}


def test_each_province_equals_its_own_sync(rolled: dict[str, Any], synced: dict[str, dict[str, Any]]) -> None:
    by_province = rolled["document"]["by_province"]
    assert len(synced) == 11
    for name, document in synced.items():
        entry = by_province[name]
        expected = {k: v for k, v in document.items() if k != "issues"}
        assert entry["results"] == expected, name
        assert (entry["errors"], entry["warnings"]) == (document["counts"]["errors"], document["counts"]["warnings"])
        assert entry["errors"] > 0  # the demo's deliberate mistakes: data errors are counted, valid rows used


def _half_up(value: Fraction | float | None, places: int = 2) -> float | None:
    if value is None:
        return None
    exact = Decimal(value.numerator) / Decimal(value.denominator) if isinstance(value, Fraction) else Decimal(repr(value))
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _dist(values: list[float], places: int = 2) -> dict[str, float | None]:
    """min, quartiles and max the way statistics.quantiles(method='inclusive') (= QUARTILE.INC) gives them."""
    exact = sorted(Fraction(repr(v)) if isinstance(v, float) else Fraction(v) for v in values)
    if not exact:
        return dict.fromkeys(("min", "q1", "median", "q3", "max"))
    q1, median, q3 = statistics.quantiles(exact, n=4, method="inclusive") if len(exact) > 1 else (exact[0],) * 3
    return {"min": _half_up(exact[0], places), "q1": _half_up(q1, places), "median": _half_up(median, places),
            "q3": _half_up(q3, places), "max": _half_up(exact[-1], places)}


def _band(total_pct: float) -> str:
    return next(b for floor, b in zip((90, 80, 70, 60, float("-inf")), BANDS) if total_pct >= floor)


def _expected_group(docs: list[dict[str, Any]]) -> dict[str, Any]:
    """The national figures of ministry.md, from the provinces' sync documents, computed here."""
    missions = sum(d["missions"]["count"] for d in docs)
    with_sop = sum(sum(1 for m in d["missions"]["items"].values() if m["sop_status"] == "has") for d in docs)
    c = [d["complaints"] for d in docs]
    received, closed, overdue = sum(x["received"] for x in c), sum(x["closed"] for x in c), sum(x["overdue"] for x in c)
    sla_met = sum(x["sla_met"] for x in c)
    totals = [d["kpis"]["groups"]["ฝ่าย"]["6"] for d in docs if d["kpis"]]
    per_100 = [_half_up(Fraction(x["overdue"] * 100, x["received"])) for x in c]
    return {
        "provinces": len(docs),
        "sop_coverage_pct": _half_up(Fraction(with_sop * 100, missions)),
        "missions": missions,
        "missions_with_sop": with_sop,
        "sop_coverage_dist": _dist([d["missions"]["sop_coverage_pct"] for d in docs]),
        "sop_target_pct": 80.0,
        "sop_target_met": sum(1 for d in docs if d["missions"]["sop_coverage_pct"] >= 80),
        "activities": sum(d["plan"]["count"] for d in docs),
        "plan_status_counts": {k: sum(d["plan"]["status_counts"][k] for d in docs) for k in docs[0]["plan"]["status_counts"]},
        "complaints": {
            "provinces": len(docs), "received": received, "closed": closed,
            "closed_pct": _half_up(Fraction(closed * 100, received)), "overdue": overdue,
            "overdue_per_100": _half_up(Fraction(overdue * 100, received)), "sla_met": sla_met,
            "sla_met_pct": _half_up(Fraction(sla_met * 100, closed)),
            "closed_pct_dist": _dist([x["closed_pct"] for x in c]),
            "overdue_per_100_dist": _dist(per_100),  # type: ignore[arg-type]
            "sla_met_pct_dist": _dist([x["sla_met_pct"] for x in c]),
        },
        "kpi": {
            "provinces": len(totals),
            "mean_total": _half_up(sum((Fraction(repr(t["total"])) for t in totals), Fraction(0)) / len(totals), 4) if totals else None,
            "median_total": _dist([t["total"] for t in totals], 4)["median"],
            "total_dist": _dist([t["total"] for t in totals], 4),
            "bands": {b: sum(1 for t in totals if _band(t["total_pct"]) == b) for b in BANDS},
        },
    }


def test_national_and_regional_figures_recomputed_independently(rolled: dict[str, Any], synced: dict[str, dict[str, Any]]) -> None:
    document = rolled["document"]
    assert document["national"] == _expected_group(list(synced.values()))
    regions: dict[str, list[dict[str, Any]]] = {}
    for office in OFFICES:
        regions.setdefault(office.region or "ไม่ระบุภาค", [])
        if office.province in synced:
            regions[office.region or "ไม่ระบุภาค"].append(synced[office.province])
    assert list(document["regions"]) == list(regions)
    for name, docs in regions.items():
        if docs:
            assert document["regions"][name] == _expected_group(docs), name
    nobody = document["regions"]["ไม่ระบุภาค"]  # only ตาก, which could not be read: no figure at all, not zeros
    assert nobody["provinces"] == 0 and nobody["missions"] is None and nobody["sop_coverage_pct"] is None
    assert nobody["complaints"]["received"] is None and nobody["kpi"]["mean_total"] is None


def _expected_ranking(values: dict[str, float | None], higher: bool) -> list[list[Any]]:
    present = {n: v for n, v in values.items() if v is not None}
    ranks = {n: 1 + sum(1 for w in present.values() if (w > v if higher else w < v)) for n, v in present.items()}
    order = list(values)  # registry order among ties
    return [[n, ranks[n]] for n in sorted(present, key=lambda n: (ranks[n], order.index(n)))]


def test_four_rankings_with_shared_ranks(rolled: dict[str, Any], synced: dict[str, dict[str, Any]]) -> None:
    rankings = rolled["document"]["rankings"]
    sop = {n: d["missions"]["sop_coverage_pct"] for n, d in synced.items()}
    kpi = {n: (_half_up(d["kpis"]["groups"]["ฝ่าย"]["6"]["total"], 4) if d["kpis"] else None) for n, d in synced.items()}
    closed = {n: d["complaints"]["closed_pct"] for n, d in synced.items()}
    per_100 = {n: _half_up(Fraction(d["complaints"]["overdue"] * 100, d["complaints"]["received"])) for n, d in synced.items()}
    assert rankings["sop_coverage_pct"] == _expected_ranking(sop, True)
    assert rankings["kpi_total"] == _expected_ranking(kpi, True)
    assert rankings["closed_pct"] == _expected_ranking(closed, True)
    assert rankings["overdue_per_100"] == _expected_ranking(per_100, False)
    # the two offices built alike share every rank; the one without the KPI tab has no KPI rank
    for key in rankings:
        ranks = dict(map(tuple, rankings[key]))
        assert ranks["นนทบุรี"] == ranks["ปทุมธานี"], key
    assert "อุดรธานี" not in dict(map(tuple, rankings["kpi_total"]))
    assert rolled["document"]["by_province"]["อุดรธานี"]["ranks"]["kpi_total"] is None


def test_the_ministry_workbook_gets_its_summary_tabs(rolled: dict[str, Any], ministry: Path) -> None:
    from sheets_sync.backends.xlsx.backend import XlsxBackend

    backend = XlsxBackend(ministry / "ministry.xlsx")
    titles = backend.tab_titles()
    assert titles == ["จังหวัด", "สรุประดับประเทศ", "สรุปรายจังหวัด", "อันดับจังหวัด", "การอ่านข้อมูลจังหวัด", "ตรวจสอบข้อมูล"]
    tabs = backend.read_tabs(titles)
    rows = [[c.value for c in row] for row in tabs["สรุปรายจังหวัด"].rows]
    header = next(r for r in rows if r and r[0] == "จังหวัด")
    start = rows.index(header) + 1
    body = rows[start:start + len(OFFICES)]
    assert [r[0] for r in body] == [o.province for o in OFFICES]
    phuket = body[[o.province for o in OFFICES].index("ภูเก็ต")]
    assert phuket[2] == "อ่านไม่ได้" and phuket[header.index("จำนวนภารกิจ")] is None  # empty, not 0
    korat = body[0]
    document = rolled["document"]["by_province"]["นครราชสีมา"]
    assert korat[header.index("ร้อยละมีคู่มือ")] == document["results"]["missions"]["sop_coverage_pct"]
    assert korat[header.index("อันดับร้อยละกระบวนการที่มีคู่มือ")] == document["ranks"]["sop_coverage_pct"]
    national = [[c.value for c in row] for row in tabs["สรุประดับประเทศ"].rows]
    assert ["ร้อยละกระบวนการที่มีคู่มือ (รวมทุกจังหวัด)", rolled["document"]["national"]["sop_coverage_pct"]] in national
    assert national[1][0].startswith("ข้อมูล ณ วันที่ 31 มีนาคม 2569")


def test_registry_is_validated_like_every_input_tab(tmp_path: Path) -> None:
    (tmp_path / "a.xlsx").write_bytes(b"")  # empty file: unreadable, not a crash
    (tmp_path / "folder.xlsx").mkdir()  # not a regular file: unreadable, never opened
    write_xlsx(tmp_path / "ministry.xlsx", {"จังหวัด": [
        REGISTRY_HEADER,
        ["นครราชสีมา", None, "a.xlsx", None, None, "pmqa.korat@example.go.th", None],
        ["ขอนแก่น", None, "./a.xlsx", None, None, "ไม่มีอีเมล", None],  # the same file as row 2 (error), and no address (warning)
        ["ขอนแก่น", None, "b.xlsx", None, None, None, None],  # the same province again (error)
        ["อุดรธานี", None, None, None, None, None, "อาจจะ"],  # no source (error), active neither ใช่ nor ไม่ (error)
        ["เชียงใหม่", None, "folder.xlsx", None, None, None, "ใช่"],
    ]})
    result = invoke_cli("rollup", "--workbook", str(tmp_path / "ministry.xlsx"), "--as-of", AS_OF.isoformat(),
                                      "--out", str(tmp_path / "out"), "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output[result.output.index("{"):])
    assert list(document["by_province"]) == ["นครราชสีมา", "เชียงใหม่"]
    assert document["by_province"]["นครราชสีมา"]["outcome"] == "unreadable"
    assert document["by_province"]["เชียงใหม่"]["outcome"] == "unreadable"
    assert "โฟลเดอร์" in document["by_province"]["เชียงใหม่"]["reason"]
    from sheets_sync.backends.xlsx.backend import XlsxBackend

    issues = XlsxBackend(tmp_path / "ministry.xlsx").read_tabs(["ตรวจสอบข้อมูล"])["ตรวจสอบข้อมูล"].rows
    found = {(r[1].value, r[4].value) for r in issues if len(r) > 4 and r[4].value}
    assert {("จังหวัด!C3", "source-duplicate"), ("จังหวัด!F3", "email-invalid"), ("จังหวัด!A4", "id-duplicate"),
            ("จังหวัด!C5", "required-missing"), ("จังหวัด!G5", "enum-unknown")} <= found
    strict = invoke_cli("rollup", "--workbook", str(tmp_path / "ministry.xlsx"), "--as-of", AS_OF.isoformat(),
                                      "--out", str(tmp_path / "out"), "--strict", "--quiet")
    assert strict.exit_code == 1


def test_the_ministry_workbook_missing_is_exit_3(tmp_path: Path) -> None:
    result = invoke_cli("rollup", "--workbook", str(tmp_path / "nope.xlsx"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 3
    assert "ไม่พบไฟล์" in result.output


def test_one_worker_gives_the_same_roll_up(ministry: Path, rolled: dict[str, Any], tmp_path: Path) -> None:
    from sheets_sync.app.rollup import compute_rollup
    from sheets_sync.backends.xlsx.backend import XlsxBackend
    from sheets_sync.config import Settings
    from sheets_sync.core.fiscal import resolve_period

    settings = Settings()
    outcome = compute_rollup(XlsxBackend(ministry / "ministry.xlsx"), settings, resolve_period(AS_OF, settings.fiscal.rounds),
                             base_dir=ministry, workers=1, sop_target_pct=80.0)
    document = outcome.rollup.to_json()
    assert document["national"] == rolled["document"]["national"]
    assert document["rankings"] == rolled["document"]["rankings"]


def test_init_ministry_creates_the_registry_tab_and_nothing_else(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sheets_sync.backends.xlsx.backend import XlsxBackend
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SHEETS_SYNC_CONFIG", raising=False)
    result = invoke_cli("init", "--ministry", "--workbook", "ministry.xlsx")
    assert result.exit_code == 0, result.output
    backend = XlsxBackend(tmp_path / "ministry.xlsx")
    assert backend.tab_titles() == ["จังหวัด"]
    header = [c.value for c in backend.read_tabs(["จังหวัด"])["จังหวัด"].rows[0]]
    assert header == REGISTRY_HEADER
    assert "[rollup]" in (tmp_path / "config" / "office.toml").read_text(encoding="utf-8")


def _docx_text(path: Path) -> str:
    from docx import Document

    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts).replace("\u2060", "").replace("\u00a0", " ")


def rollup_report(ministry: Path, tmp_path: Path) -> Any:
    """`rollup-report` of the ministry fixture, as the ministry's unit configures it (Arabic digits)."""
    config = tmp_path / "ministry.toml"
    config.write_text(
        '[office]\nname = "สำนักงานปลัดกระทรวงมหาดไทย"\nsection = "กลุ่มพัฒนาระบบบริหาร"\ndocument_no = "มท 0211.4/"\n'
        'signer_name = "นายสมศักดิ์ ใจดี"\nsigner_position = "ผู้อำนวยการกลุ่มพัฒนาระบบบริหาร"\n'
        f'[output]\nhistory = "{tmp_path / "h.sqlite"}"\nmemo_thai_digits = false\n[rollup]\nworkers = 2\n', encoding="utf-8")
    return invoke_cli("rollup-report", "--workbook", str(ministry / "ministry.xlsx"), "--config", str(config),
                      "--as-of", AS_OF.isoformat(), "--date", "2026-04-10", "--out", str(tmp_path / "out"))  # fmt: skip


def test_rollup_report_is_a_memo_to_the_permanent_secretary(ministry: Path, rolled: dict[str, Any], tmp_path: Path) -> None:
    before = _fingerprints(ministry)
    result = rollup_report(ministry, tmp_path)
    assert result.exit_code == 0, result.output
    assert _fingerprints(ministry) == before
    text = _docx_text(tmp_path / "out" / "rollup-FY2569-R6.docx")
    national = rolled["document"]["national"]
    assert "เรียน  ปลัดกระทรวงมหาดไทย" in text or "เรียน ปลัดกระทรวงมหาดไทย" in text
    assert "10 เมษายน 2569" in text and "31 มีนาคม 2569" in text
    assert f"{national['missions_with_sop']} จาก {national['missions']} กระบวนการ ร้อยละ {national['sop_coverage_pct']:.2f}" in text
    for part in ("เรื่องเดิม", "ข้อเท็จจริง", "ข้อพิจารณา", "ข้อเสนอ", "สิ่งที่ส่งมาด้วย"):
        assert part in text
    for name in ("ภูเก็ต", "สุราษฎร์ธานี", "ตาก"):  # the provinces not read are named, with why
        assert name in text
    worst = rolled["document"]["needs_support"]["sop_coverage_pct"][0]
    best = rolled["document"]["best_practice"]["sop_coverage_pct"][0]
    assert worst in text and best in text
    for word in ("sheets-sync", "แท็บ", "เซลล์", "xlsx", "BadZipFile", "Google"):  # nothing about the tool or files
        assert word not in text, word


@pytest.mark.libreoffice
def test_rollup_memo_is_two_pages_ending_with_the_signer(ministry: Path, rolled: dict[str, Any], tmp_path: Path, libreoffice_writer) -> None:
    """outputs.md, as ministry.md's "in the shape of the governor's memo" reads: one to two pages
    ending with the signer, then the attachment on a page of its own."""
    import subprocess

    result = rollup_report(ministry, tmp_path)
    assert result.exit_code == 0, result.output
    pdf = libreoffice_writer.convert(tmp_path / "out" / "rollup-FY2569-R6.docx", "pdf", tmp_path)
    pages = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout.split("\f")
    squeezed = ["".join(page.split()) for page in pages]
    closing = next(n for n, page in enumerate(squeezed) if "จึงเรียนมาเพื่อโปรดทราบและพิจารณา" in page)
    assert closing <= 1 and "ผู้อำนวยการกลุ่มพัฒนาระบบบริหาร" in squeezed[closing]  # the signer on the same page
    assert "ภาพรวมระดับประเทศ" not in squeezed[closing] and "ภาพรวมระดับประเทศ" in squeezed[closing + 1]
