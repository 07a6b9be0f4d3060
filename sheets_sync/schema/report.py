"""The validation report: every issue of one validation, sorted one way, and its counts.

`validate`, `sync` (the `ตรวจสอบข้อมูล` tab and the results JSON), the console and the history all
read this one object, so they can never count or order issues differently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .issues import Issue, Severity
from .tabs import Tab


@dataclass(frozen=True)
class ValidationReport:
    issues: list[Issue]  # in the order of `issue_order`

    @classmethod
    def of(cls, issues: Iterable[Issue], schema: Mapping[str, Tab], positions: Mapping[str, Mapping[str, int]]) -> ValidationReport:
        order = issue_order(schema, positions)
        return cls(sorted(issues, key=order))

    @property
    def errors(self) -> int:
        return sum(1 for i in self.issues if i.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for i in self.issues if i.severity is Severity.WARNING)

    @property
    def valid(self) -> bool:
        """No error (warnings alone leave every row usable)."""
        return self.errors == 0

    @property
    def counts(self) -> dict[str, int]:
        return {"errors": self.errors, "warnings": self.warnings}

    def issues_json(self) -> list[dict[str, str]]:
        return [i.to_json() for i in self.issues]

    def to_json(self) -> dict[str, Any]:
        return {"issues": self.issues_json(), "counts": self.counts}


def issue_order(schema: Mapping[str, Tab], positions: Mapping[str, Mapping[str, int]]):
    """The one sort key of issues: tab in schema order, sheet row, the column's place in the sheet,
    then the code (an issue of a whole tab or header comes first, on row 0/1)."""
    tab_order = {tab.th: n for n, tab in enumerate(schema.values())}
    by_th = {tab.th: positions.get(key, {}) for key, tab in schema.items()}

    def key(issue: Issue) -> tuple[int, int, int, str]:
        return (
            tab_order.get(issue.tab, len(tab_order)),
            issue.row,
            by_th.get(issue.tab, {}).get(issue.column, -1),
            issue.code,
        )

    return key
