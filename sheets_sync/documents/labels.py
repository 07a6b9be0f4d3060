"""Thai words the documents print for the English keys of the results (outputs.md)."""

from __future__ import annotations

from ..schema.tabs import MISSION_CATEGORIES, PERSPECTIVES, SOP_STATUSES, Choice

# Plan statuses in the order a reader expects them (rules.md), with their chart colours:
# done and on track green, behind and not started amber, overdue red, not yet due grey.
PLAN_STATUSES = (
    Choice("แล้วเสร็จ", "done"),
    Choice("ตามแผน", "on_track"),
    Choice("ล่าช้า", "behind"),
    Choice("ยังไม่เริ่ม", "not_started"),
    Choice("เกินกำหนด", "overdue"),
    Choice("ยังไม่ถึงกำหนด", "not_yet_due"),
)
STATUS_COLOURS = {
    "done": "#2E7D32",
    "on_track": "#66BB6A",
    "behind": "#F9A825",
    "not_started": "#FFCA28",
    "overdue": "#C62828",
    "not_yet_due": "#9E9E9E",
}
SCORE_TARGET = 3.0  # level 3 is the target (rules.md)
SCORE_COLOURS = {"good": "#2E7D32", "warn": "#F9A825", "bad": "#C62828"}


def label(choices: tuple[Choice, ...], key: str | None) -> str:
    """The Thai label of an English key; the key itself when unknown, "-" when empty."""
    if not key:
        return "-"
    return next((c.th for c in choices if c.key == key), key)


def plan_status_th(key: str) -> str:
    return label(PLAN_STATUSES, key)


def perspective_th(key: str) -> str:
    return label(PERSPECTIVES, key)


def category_th(key: str) -> str:
    return label(MISSION_CATEGORIES, key)


def sop_status_th(key: str) -> str:
    return label(SOP_STATUSES, key)


def score_band(score: float) -> str:
    """`good` (target met, ≥ 3), `warn` (2 to < 3) or `bad` (< 2): rules.md colours by score."""
    if score >= SCORE_TARGET:
        return "good"
    return "warn" if score >= 2 else "bad"
