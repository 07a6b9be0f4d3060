"""Reading a workbook for every command: read → validate → compute, and `validate` / `init`.

Nothing here reads the clock or the environment: as-of and settings are arguments, which is
what makes every result reproducible.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..backends.base import Backend, InputColumnSpec, InputTabSpec
from ..compute.plan import plan_year_elsewhere
from ..compute.results import Results, compute_results
from ..config import Settings
from ..core.cells import TabData
from ..core.errors import OutputError, os_reason
from ..core.fiscal import Period
from ..schema.personal import Hidden, hidden_cells
from ..schema.tabs import ColType, Tab, input_tabs
from ..schema.validate import ValidatedWorkbook, input_titles, validate_workbook
from .outcomes import InitOutcome, ValidateOutcome
from .rounds import with_closed_rounds, with_late_edits


@dataclass(frozen=True)
class WorkbookRead:
    """The input tabs as read, and their validation for the period."""

    tabs: dict[str, TabData]
    workbook: ValidatedWorkbook


@dataclass(frozen=True)
class Computed:
    """The input tabs as read (what the history keeps), and the results computed from them."""

    tabs: dict[str, TabData]
    results: Results


def read_workbook(backend: Backend, settings: Settings, period: Period) -> WorkbookRead:
    """Read every input tab in one go and validate it for the period (`validate` and `sync` both
    come through here, so they list the same issues)."""
    tabs = backend.read_tabs(input_titles(backend.tab_titles(), input_tabs(period.rounds)))
    validated = validate_workbook(tabs, period=period, complaint_categories=settings.complaints.categories)
    return WorkbookRead(tabs, with_late_edits(validated, tabs, settings, period))


def run_validate(backend: Backend, settings: Settings, period: Period) -> ValidateOutcome:
    """Read and validate for the period; write nothing."""
    workbook = read_workbook(backend, settings, period).workbook
    plan_year = plan_year_elsewhere(workbook.table("plan"), period.fiscal_year) if workbook.has("plan") else None
    return ValidateOutcome(period, workbook, backend.describe(), plan_year)


def input_tab_specs(settings: Settings) -> list[InputTabSpec]:
    """What `init` creates: every input tab with its headers, dropdowns and date columns."""
    return [_tab_spec(tab) for tab in input_tabs(settings.fiscal.rounds)]


def _tab_spec(tab: Tab) -> InputTabSpec:
    columns = []
    for col in tab.columns:
        width = 14 if col.type in (ColType.DATE, ColType.NUMBER, ColType.PERCENT, ColType.RESULT) else 22
        columns.append(
            InputColumnSpec(
                header=col.th,
                choices=tuple(c.th for c in col.choices),
                is_date=col.type is ColType.DATE,
                width=width,
                is_text=col.type in (ColType.ID, ColType.REF, ColType.TEXT, ColType.LIST),
            )
        )
    return InputTabSpec(tab.th, tuple(columns))


def run_init(backend: Backend, settings: Settings, config_path: Path | None, *, ministry: bool = False) -> InitOutcome:
    """Create the missing input tabs (never touching an existing one) and the config file; with
    `ministry`, the ministry workbook's registry tab `จังหวัด` instead of an office's tabs."""
    if ministry:
        from ..schema.ministry import ministry_tabs

        specs = [_tab_spec(tab) for tab in ministry_tabs()]
    else:
        specs = input_tab_specs(settings)
    created = backend.create_input_tabs(specs)
    existing = [s.title for s in specs if s.title not in created]
    written = None
    if config_path is not None and not config_path.exists():
        config_path.parent.mkdir(parents=True, exist_ok=True)
        config_path.write_text(example_config_text(), encoding="utf-8")
        written = config_path
    return InitOutcome(created, written, existing, source=backend.describe())


def example_config_text() -> str:
    """The commented example config shipped with the package."""
    return resources.files("sheets_sync.data").joinpath("office.example.toml").read_text(encoding="utf-8")


def results_json(data: dict[str, Any]) -> str:
    """Strict JSON (NaN is refused: it would be invalid JSON for every other program)."""
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False)


def results_file(out_dir: Path, period: Period) -> Path:
    return out_dir / f"results-FY{period.fiscal_year}-R{period.round}.json"


def compute_from(backend: Backend, settings: Settings, period: Period) -> Computed:
    """Read, validate and compute, writing nothing. The results know the closed rounds
    (closing.md): each round's closing state, the trend, the memo's comparison."""
    read = read_workbook(backend, settings, period)
    return Computed(read.tabs, with_closed_rounds(compute_results(read.workbook, period, settings), settings))


def personal_columns(tabs: Mapping[str, TabData], schema: Mapping[str, Tab]) -> dict[str, Hidden]:
    """Per tab title, what history keeps only hashed (default deny, schema/personal.py), by the
    schema the workbook was validated with."""
    return hidden_cells(tabs, schema.values())


def prepare_folder(folder: Path) -> None:
    """Make sure the output folder exists and takes a file, before anything is written (exit 3)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".sheets-sync-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as err:
        raise OutputError(f"เขียนลงโฟลเดอร์ผลลัพธ์ {folder} ไม่ได้ ({os_reason(err)}) — ตรวจ {{out}} (ไม่ได้เปลี่ยนแปลงอะไร)") from err
