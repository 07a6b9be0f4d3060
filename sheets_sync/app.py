"""One library function per command: read → validate → compute → present.

The CLI builds the settings and a backend, calls one of these, renders what comes back and
picks the exit code. Nothing here reads the clock or the environment: as-of and settings are
arguments, which is what makes every result reproducible.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .backends.base import Backend, InputColumnSpec, InputTabSpec
from .compute.fiscal import Period, resolve_period
from .config import Settings
from .schema.issues import Issue
from .schema.tabs import ColType, Tab, input_tabs
from .schema.validate import ValidatedWorkbook, input_titles, validate_workbook


def read_workbook(backend: Backend, settings: Settings, fiscal_year: int | None) -> ValidatedWorkbook:
    """Read every input tab in one go and validate it."""
    schema = input_tabs(settings.rounds)
    tabs = backend.read_tabs(input_titles(backend.tab_titles(), schema))
    return validate_workbook(
        tabs,
        rounds=settings.rounds,
        fiscal_year=fiscal_year,
        complaint_categories=settings.complaint_categories,
    )


@dataclass
class ValidationReport:
    period: Period
    workbook: ValidatedWorkbook

    @property
    def issues(self) -> list[Issue]:
        return self.workbook.issues

    @property
    def valid(self) -> bool:
        return self.workbook.error_count == 0

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.period.as_of.isoformat(),
            "fiscal_year": self.period.fiscal_year,
            "issues": [i.to_json() for i in self.issues],
        }


def run_validate(
    backend: Backend,
    settings: Settings,
    as_of: dt.date,
    fiscal_year: int | None = None,
    round_months: int | None = None,
) -> ValidationReport:
    """Read and validate; write nothing."""
    period = resolve_period(as_of, settings.rounds, fiscal_year, round_months)
    return ValidationReport(period, read_workbook(backend, settings, period.fiscal_year))


def input_tab_specs(settings: Settings) -> list[InputTabSpec]:
    """What `init` creates: every input tab with its headers, dropdowns and date columns."""
    return [_tab_spec(tab) for tab in input_tabs(settings.rounds)]


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
            )
        )
    return InputTabSpec(tab.th, tuple(columns))


@dataclass
class InitOutcome:
    created_tabs: list[str]
    config_written: Path | None = None
    existing_tabs: list[str] = field(default_factory=list)


def run_init(backend: Backend, settings: Settings, config_path: Path | None) -> InitOutcome:
    """Create the missing input tabs (never touching an existing one) and the config file."""
    specs = input_tab_specs(settings)
    created = backend.create_input_tabs(specs)
    existing = [s.title for s in specs if s.title not in created]
    written = None
    if config_path is not None and not config_path.exists():
        config_path.parent.mkdir(parents=True, exist_ok=True)
        config_path.write_text(example_config_text(), encoding="utf-8")
        written = config_path
    return InitOutcome(created, written, existing)


def example_config_text() -> str:
    """The commented example config shipped with the package."""
    return (Path(__file__).parent / "data" / "office.example.toml").read_text(encoding="utf-8")


def write_json(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
