"""KPI scores by the Thai public-sector five-level method (rules.md "KPI scores")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..core.fiscal import Period
from ..core.vocabulary import KPI_STATES, PERSPECTIVES, SECTION_GROUP, keys, result_band
from ..schema.parsers import NotAssessed
from .rounding import half_up, pct

# Per-round state of one KPI (labels: vocabulary.KPI_STATES).
SCORED, NOT_REPORTED, NOT_ASSESSED, NOT_DUE = keys(KPI_STATES)


def score_kpi(kind: str, thresholds: Sequence[float] | None, result: float, floor: float = 1.0) -> float:
    """The five-level score of one result.

    higher: x ≥ T5 → 5; x ≤ T1 → floor; Tk ≤ x < Tk+1 → k + (x − Tk)/(Tk+1 − Tk).
    lower: the mirror image. milestone: the level reached, 0 meaning floor.
    """
    if kind == "milestone":
        level = float(result)
        return floor if level <= 0 else min(level, 5.0)
    assert thresholds is not None and len(thresholds) == 5
    t = [float(v) for v in thresholds]
    x = float(result)
    if kind == "higher":
        if x >= t[4]:
            return 5.0
        if x <= t[0]:
            return floor
        for k in range(4):
            if t[k] <= x < t[k + 1]:
                return k + 1 + (x - t[k]) / (t[k + 1] - t[k])
    elif kind == "lower":
        if x <= t[4]:
            return 5.0
        if x >= t[0]:
            return floor
        for k in range(4):
            if t[k] >= x > t[k + 1]:
                return k + 1 + (t[k] - x) / (t[k] - t[k + 1])
    raise ValueError(f"cannot score kind={kind!r} thresholds={t} result={x}")


band = result_band  # the individual result band of a total percentage (vocabulary.RESULT_BANDS)


@dataclass
class RoundScore:
    state: str
    score: float | None
    weighted: float | None
    result: float | None


@dataclass
class KpiResult:
    kpis: pd.DataFrame  # valid KPI rows
    rounds: tuple[int, ...]
    scores: dict[str, dict[int, RoundScore]]  # kpi_id -> round -> score
    groups: dict[str, dict[int, dict[str, Any]]]  # group -> round -> {total, total_pct, band, weight}
    perspectives: dict[str, dict[int, float | None]]  # section only
    perspective_weights: dict[str, float | None]
    not_reported: list[tuple[int, int]] = field(default_factory=list)  # (sheet row, round)

    def to_json(self) -> dict[str, Any]:
        return {
            "scores": {k: {str(m): s.score for m, s in by_round.items()} for k, by_round in self.scores.items()},
            "weighted": {k: {str(m): s.weighted for m, s in by_round.items()} for k, by_round in self.scores.items()},
            "states": {k: {str(m): s.state for m, s in by_round.items()} for k, by_round in self.scores.items()},
            "groups": {g: {str(m): v for m, v in by_round.items()} for g, by_round in self.groups.items()},
            "perspectives": {p: {str(m): v for m, v in by_round.items()} for p, by_round in self.perspectives.items()},
            "perspective_weights": self.perspective_weights,
        }


def group_of(level: str, owner: str) -> str:
    return SECTION_GROUP if level == "section" else owner


def scored_in_round(value: Any, round_ended: bool) -> bool:
    """Whether a KPI with this round's result gets a score that counts in the group totals (as
    `score_kpis` scores it): a number, or nothing in a round that has ended (0); not "not assessed"."""
    if isinstance(value, NotAssessed):
        return False
    return value is not None or round_ended


def score_kpis(kpis: pd.DataFrame, period: Period, floor: float = 1.0) -> KpiResult:
    """Score every valid KPI in every enabled round, then the groups and perspectives."""
    scores: dict[str, dict[int, RoundScore]] = {}
    not_reported: list[tuple[int, int]] = []
    for kpi in kpis.to_dict("records"):
        thresholds = None if kpi["kind"] == "milestone" else [kpi[f"t{k}"] for k in range(1, 6)]
        by_round = {}
        for months in period.rounds:
            value = kpi.get(f"result_{months}")
            if isinstance(value, NotAssessed):
                by_round[months] = RoundScore(NOT_ASSESSED, None, None, None)
            elif value is None:
                if period.round_has_ended(months):
                    by_round[months] = RoundScore(NOT_REPORTED, 0.0, 0.0, None)
                    not_reported.append((kpi["row"], months))
                else:
                    by_round[months] = RoundScore(NOT_DUE, None, None, None)
            else:
                score = score_kpi(kpi["kind"], thresholds, value, floor)
                by_round[months] = RoundScore(SCORED, score, kpi["weight"] / 100 * score, float(value))
        scores[kpi["kpi_id"]] = by_round

    groups = _group_totals(kpis, scores, period.rounds)
    section = kpis[kpis["level"] == "section"] if len(kpis) else kpis
    perspectives: dict[str, dict[int, float | None]] = {}
    weights: dict[str, float | None] = {}
    total_weight = float(section["weight"].sum()) if len(section) else 0.0
    for perspective in keys(PERSPECTIVES):
        members = section[section["perspective"] == perspective] if len(section) else section
        weights[perspective] = pct(float(members["weight"].sum()), total_weight)
        perspectives[perspective] = {
            months: _weighted_mean([(k["weight"], scores[k["kpi_id"]][months]) for k in members.to_dict("records")])
            for months in period.rounds
        }
    return KpiResult(kpis, period.rounds, scores, groups, perspectives, weights, not_reported)


def _weighted_mean(pairs: list[tuple[float, RoundScore]]) -> float | None:
    counted = [(w, s.score) for w, s in pairs if s.state in (SCORED, NOT_REPORTED)]
    total_weight = sum(w for w, _ in counted)
    if not counted or not total_weight:
        return None
    return sum(w * s for w, s in counted) / total_weight  # type: ignore[operator]


def _group_totals(kpis: pd.DataFrame, scores: dict[str, dict[int, RoundScore]], rounds: tuple[int, ...]) -> dict[str, dict[int, dict[str, Any]]]:
    """total = Σ weighted / Σ weight × 100 over the KPIs counted (not-assessed ones left out)."""
    members: dict[str, list[dict[str, Any]]] = {}
    for kpi in kpis.to_dict("records"):
        members.setdefault(group_of(kpi["level"], kpi["owner"]), []).append(kpi)
    groups: dict[str, dict[int, dict[str, Any]]] = {}
    for group, rows in members.items():
        groups[group] = {}
        for months in rounds:
            total = _weighted_mean([(k["weight"], scores[k["kpi_id"]][months]) for k in rows])
            total_pct = None if total is None else half_up(total / 5 * 100, 2)
            entry: dict[str, Any] = {
                "total": total,
                "total_pct": total_pct,
                "weight": sum(k["weight"] for k in rows if scores[k["kpi_id"]][months].state in (SCORED, NOT_REPORTED)),
            }
            if group != SECTION_GROUP:
                entry["band"] = band(total_pct)
            groups[group][months] = entry
    return groups
