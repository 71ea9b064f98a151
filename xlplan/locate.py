"""Stage 2: which kind each sheet is, where its header row is, which column is which.

A header row can sit anywhere in the first rows (title blocks above it), and its cells are
renamed, abbreviated, re-cased and padded from one SRO to the next. Every candidate row is
scored against every kind's alias table (:mod:`xlplan.schema.columns`); the row and kind that
recognise the most columns win. Columns no schema knows are kept as extra columns.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .config import Programme
from .reader import RawSheet
from .schema.columns import ACTION_PLAN, OTHER, SCHEMAS, header_key
from .text import clean_text

#: How far down a sheet the header row is looked for.
HEADER_SEARCH_ROWS = 40

_QUARTER = re.compile(r"^(?:q|qtr|quarter)\s?([1-4])(?:\s+(\d{2,4})(?:\s+(\d{2,4}))?)?$")
_YEAR_COLUMN = re.compile(r"^(?:fy\s)?(\d{4})\s(\d{2,4})$|^(\d{4})$")


@dataclass
class Located:
    """Where a sheet's table is: its kind, header row (0-based) and column map (0-based)."""

    kind: str
    header_row: int
    columns: dict[str, int]
    extras: dict[int, str] = field(default_factory=dict)  # column -> header text as written
    headers: dict[int, str] = field(default_factory=dict)  # every non-empty header cell

    @property
    def last_column(self) -> int:
        return max([*self.columns.values(), *self.extras.keys()], default=0)


def _row_keys(row: list) -> list[tuple[int, str, str]]:
    """(column, folded header key, cell text) of each cell of a row that could be a header."""
    cells = []
    for c, value in enumerate(row):
        if value == "" or value is None or not isinstance(value, str):
            continue
        if len(value) > 400:  # a data cell, not a header
            continue
        key = header_key(value)
        if key:
            cells.append((c, key, value))
    return cells


def _match_keys(cells: list[tuple[int, str, str]], kind: str, programme: Programme
                ) -> dict[str, int]:
    table = programme.aliases(kind)
    found: dict[str, int] = {}
    for c, key, _ in cells:
        name = table.match(key)
        if name is None and kind == ACTION_PLAN:
            name = _quarter_column(key, found)
        if name is not None and name not in found:
            found[name] = c
    return found


def _match_row(row: list, kind: str, programme: Programme) -> tuple[dict[str, int], dict[int, str]]:
    cells = _row_keys(row)
    return _match_keys(cells, kind, programme), {c: clean_text(v) for c, _, v in cells}


def _quarter_column(key: str, found: dict[str, int]) -> str | None:
    """'Q1 18/19', 'Quarter 2', '2019/20': quarter columns, the next year's as 'later'."""
    m = _QUARTER.match(key)
    if m:
        q = f"q{m.group(1)}"
        return q if q not in found else "later"
    if _YEAR_COLUMN.match(key) and any(q in found for q in ("q1", "q2", "q3", "q4")):
        return "later"
    return None


def locate(sheet: RawSheet, programme: Programme) -> Located | None:
    """The best header row and kind for a sheet, or None when no row looks like a header."""
    best: tuple[int, int, Located] | None = None
    # Each row's cells are folded once and matched against every kind's table (folding is
    # most of the cost: the first rows of a plan are mostly long data cells).
    fewest = min(schema.min_columns for schema in SCHEMAS.values())
    for r, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        if sum(1 for v in row if v != "" and v is not None) < 2:
            continue
        if best is not None and sum(1 for v in row if isinstance(v, str) and v
                                    and len(v) <= 400) <= best[0]:
            continue  # fewer header-like cells than the best row's score: it cannot win
        cells = _row_keys(row)
        if len(cells) < fewest:  # too few header-like cells for any kind
            continue
        for kind, schema in SCHEMAS.items():
            found = _match_keys(cells, kind, programme)
            if len(found) < schema.min_columns:
                continue
            if not any(name in found for name in schema.identify_any):
                continue
            score = len(found)
            if best is None or score > best[0]:
                headers = {c: clean_text(v) for c, _, v in cells}
                extras = {c: h for c, h in headers.items() if c not in found.values()}
                best = (score, r, Located(kind, r, found, extras, headers))
    if best is None:  # a scorecard laid out otherwise: period banners, sideways, KPI words
        from .normalise.scorecard_shapes import locate_scorecard

        return locate_scorecard(sheet, programme)
    return best[2]


def classify(sheet: RawSheet, programme: Programme) -> str:
    loc = locate(sheet, programme)
    return loc.kind if loc else OTHER
