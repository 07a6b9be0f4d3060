"""Moved to `sheets_sync.grid` (the bottom layer, so backends need not import present); kept as a
re-export so imports keep working."""

from ..grid import (  # noqa: F401
    NUMBER_PATTERNS,
    STYLE_FILLS,
    CellLink,
    Chart,
    ChartKind,
    Fmt,
    Grid,
    GridCell,
    Style,
    SummaryTab,
    Table,
    TableArea,
    Value,
    lay_out,
    style_fill,
    style_of,
)

COLOURS = STYLE_FILLS  # deprecated: documents still import this (memo.py, sop.py); use grid.style_fill
