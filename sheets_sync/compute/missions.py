"""Missions, manuals, people (rules.md "Missions, manuals, people").

The office's own success indicator lives here: the share of processes that have an SOP manual.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..core.thai_dates import format_duration
from ..core.vocabulary import MANUAL_STATES as VOCABULARY_MANUAL_STATES
from ..core.vocabulary import MINUTES_PER_HOUR, MISSION_CATEGORIES, keys
from ..schema.parsers import normalize_space
from .rounding import object_frame, pct

CATEGORIES = keys(MISSION_CATEGORIES)
MIN_STEPS_FOR_READY = 2
# Why a manual is not ready, as codes (the documents word them for a reader; `missing` words
# them for staff, naming the tabs to fill in).
NO_MANUAL_TEXT, TOO_FEW_STEPS, LOST_STEPS = "no_manual_text", "too_few_steps", "lost_steps"
# The one status a written manual carries: in use (ready and registered as existing), a draft
# (it has steps, but is not ready or not yet registered as existing), or none (no steps).
MANUAL_STATES = keys(VOCABULARY_MANUAL_STATES)


def manual_state(steps: int, sop_ready: bool, sop_status: str) -> str:
    if steps < 1:
        return "none"
    return "ready" if sop_ready and sop_status == "has" else "draft"


def carry_minutes(parts: dict[str, float]) -> dict[str, float]:
    """Minutes carry into hours (60 นาที = 1 ชั่วโมง); hours never carry into days (rules.md)."""
    minutes = parts.get("minutes", 0)
    if minutes < MINUTES_PER_HOUR:
        return dict(parts)
    whole_hours = int(minutes // MINUTES_PER_HOUR)
    out = {unit: v for unit, v in parts.items() if unit != "minutes"}
    out["hours"] = out.get("hours", 0) + whole_hours
    rest = minutes - whole_hours * MINUTES_PER_HOUR
    if rest:
        out["minutes"] = int(rest) if float(rest).is_integer() else rest
    return {unit: out[unit] for unit in ("days", "hours", "minutes") if unit in out}


@dataclass
class MissionResult:
    missions: pd.DataFrame  # one row per valid mission + computed columns
    count: int
    sop_coverage_pct: float | None
    sop_coverage_by_category: dict[str, float | None]
    backup_coverage_pct: float | None
    plan_linked_pct: float | None
    single_point_of_failure: list[str]

    def to_json(self) -> dict[str, Any]:
        items = {}
        for row in self.missions.to_dict("records"):
            items[row["mission_id"]] = {
                "name": row["name"],
                "category": row["category"],
                "owner": row["owner"],
                "backup": row["backup"],
                "sop_status": row["sop_status"],
                "sop_ready": row["sop_ready"],
                "sop_review_due": row["sop_review_due"],
                "steps": row["steps"],
                "standard_time": row["standard_time"],
                "standard_time_parts": row["standard_time_parts"],
                "capable_staff": row["capable_staff"],
                "single_point_of_failure": row["single_point_of_failure"],
                "missing": row["missing"],
            }
        return {
            "count": self.count,
            "sop_coverage_pct": self.sop_coverage_pct,
            "backup_coverage_pct": self.backup_coverage_pct,
            "plan_linked_pct": self.plan_linked_pct,
            "sop_coverage_by_category": self.sop_coverage_by_category,
            "single_point_of_failure": self.single_point_of_failure,
            "sop_ready_count": int(self.missions["sop_ready"].sum()) if self.count else 0,
            "items": items,
        }

    @property
    def with_sop_count(self) -> int:
        """Missions whose register says a manual exists (sop_status `has`)."""
        return int((self.missions["sop_status"] == "has").sum()) if self.count else 0

    @property
    def ready_count(self) -> int:
        """Missions whose manual can be written complete (sop_ready)."""
        return int(self.missions["sop_ready"].sum()) if self.count else 0

    def manual_counts(self) -> dict[str, int]:
        """Manuals by their one status (MANUAL_STATES)."""
        states = list(self.missions["manual_state"]) if self.count else []
        return {state: states.count(state) for state in MANUAL_STATES}

    def category_counts(self) -> dict[str, tuple[int, int]]:
        """Per mission category: (missions, missions with a manual)."""
        out = {}
        for category in CATEGORIES:
            members = self.missions[self.missions["category"] == category] if self.count else self.missions
            out[category] = (len(members), int((members["sop_status"] == "has").sum()) if len(members) else 0)
        return out


def _person(name: Any) -> str | None:
    return normalize_space(name) if isinstance(name, str) and name.strip() else None


def summarize_missions(
    missions: pd.DataFrame,
    sop_steps: pd.DataFrame,
    sop_info: pd.DataFrame,
    staff: pd.DataFrame,
    plan: pd.DataFrame,
    as_of: dt.date,
    review_every_days: int = 365,
    lost_steps: pd.DataFrame | None = None,
) -> MissionResult:
    """`lost_steps`: the step rows left out for an error (what could be read of them); a
    mission that lost one is a draft whose manual names the steps missing (workbook.md)."""
    steps_by_mission = {mid: group for mid, group in sop_steps.groupby("mission_id")} if len(sop_steps) else {}
    lost_by_mission: dict[str, list[dict[str, Any]]] = {}
    for row in (lost_steps.to_dict("records") if lost_steps is not None and len(lost_steps) else []):
        mid = normalize_space(row.get("mission_id")) if isinstance(row.get("mission_id"), str) else None
        if mid:
            number = row.get("step_no")
            lost_by_mission.setdefault(mid, []).append(
                {"step_no": int(number) if isinstance(number, (int, float)) and float(number).is_integer() else None,
                 "step": normalize_space(row["step"]) if isinstance(row.get("step"), str) else "", "row": int(row["row"])}
            )  # fmt: skip
    has_info = set(sop_info["mission_id"]) if len(sop_info) else set()
    planned = set(plan["mission_id"]) if len(plan) else set()
    able: dict[str, set[str]] = {}
    for person in staff.to_dict("records"):
        for mission_id in person["can_do"] or ():
            able.setdefault(mission_id, set()).add(normalize_space(person["name"]))

    rows = []
    for mission in missions.to_dict("records"):
        mid = mission["mission_id"]
        steps = steps_by_mission.get(mid)
        step_count = 0 if steps is None else len(steps)
        parts: dict[str, float] = {}
        if steps is not None:
            for unit, duration in zip(steps["time_unit"], steps["duration"]):
                parts[unit] = parts.get(unit, 0) + float(duration)
        parts = carry_minutes({unit: (int(v) if float(v).is_integer() else v) for unit, v in parts.items()})
        missing, missing_codes = [], []
        if mid not in has_info:
            missing.append("ยังไม่มีข้อความคู่มือในแท็บ คู่มือ")
            missing_codes.append(NO_MANUAL_TEXT)
        if step_count < MIN_STEPS_FOR_READY:
            missing.append(f"มีขั้นตอนน้อยกว่า {MIN_STEPS_FOR_READY} ขั้นตอนในแท็บ ขั้นตอนงาน")
            missing_codes.append(TOO_FEW_STEPS)
        lost = sorted(lost_by_mission.get(mid, []), key=lambda r: (r["step_no"] is None, r["step_no"] or 0, r["row"]))
        if lost:
            rows_text = ", ".join(str(r["row"]) for r in lost)
            missing.append(f"ขั้นตอนที่มีข้อผิดพลาดในแท็บ ขั้นตอนงาน (แถว {rows_text}) จึงไม่อยู่ในคู่มือ")
            missing_codes.append(LOST_STEPS)
        owner, backup = _person(mission["owner"]), _person(mission["backup"])
        capable = sorted({p for p in (owner, backup) if p} | able.get(mid, set()))
        reviewed = mission["sop_reviewed"]
        review_due = (reviewed is None and mission["sop_status"] == "has") or (
            reviewed is not None and (as_of - reviewed).days > review_every_days
        )
        rows.append(
            {
                **mission,
                "steps": step_count,
                "sop_ready": not missing,
                "missing": missing,
                "missing_codes": missing_codes,
                "lost_steps": lost,
                "manual_state": manual_state(step_count, not missing, mission["sop_status"]),
                "sop_review_due": bool(review_due),
                "standard_time_parts": parts,
                "standard_time": format_duration(parts),
                "has_backup": bool(backup) and backup != owner,
                "capable_staff": capable,
                "single_point_of_failure": len(capable) < 2,
                "in_plan": mid in planned,
            }
        )
    table = object_frame(rows, list(missions.columns) + [
        "steps", "sop_ready", "missing", "missing_codes", "lost_steps", "manual_state", "sop_review_due", "standard_time_parts", "standard_time",
        "has_backup", "capable_staff", "single_point_of_failure", "in_plan",
    ])
    count = len(table)
    has_sop = table["sop_status"] == "has" if count else pd.Series(dtype=bool)
    by_category = {}
    for category in CATEGORIES:
        members = table[table["category"] == category] if count else table
        by_category[category] = pct(int((members["sop_status"] == "has").sum()), len(members)) if len(members) else None
    return MissionResult(
        missions=table,
        count=count,
        sop_coverage_pct=pct(int(has_sop.sum()), count),
        sop_coverage_by_category=by_category,
        backup_coverage_pct=pct(int(table["has_backup"].sum()) if count else 0, count),
        plan_linked_pct=pct(int(table["in_plan"].sum()) if count else 0, count),
        single_point_of_failure=[r["mission_id"] for r in rows if r["single_point_of_failure"]],
    )
