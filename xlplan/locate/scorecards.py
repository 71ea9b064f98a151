"""How scorecards that are not laid out like the seed's are found, and where their parts are.

The seed's scorecard (one row per indicator, a header row naming Indicator / Measure / Benchmark
/ First and Last Value) is one layout among many. Scorecards kept without a shared template
come in four more shapes, each recognised here:

* **KPI tracker** -- one row per KPI: KPI, Target, Actual, Status (or RAG). Found by the alias
  table (Target, Actual and Status are scorecard columns) or, when the KPI column has a header
  no alias knows ("Key Business Metrics", "Performance Measure"), by its words
  (:data:`~xlplan.schema.scorecard.INDICATOR_WORDS`). Shape ``rows``.
* **Period banners** -- a row of period banners ("Q1'15", "Q2'15", ..., merged over their
  columns or written once at the left of them) over repeated sub-headers (Goal / Fcst / Actual,
  :data:`~xlplan.schema.scorecard.SUB_HEADER_ROLES`). Each banner is a :class:`Band`; a banner
  that sums periods up ("Full Year 2015", "YTD") is a summary band kept beside the series, never
  on it. Shape ``banded``.
* **Long extract** -- one row per indicator and period (Indicator, Period, Target, Value,
  Status). Located as shape ``rows``; :mod:`xlplan.normalise.scorecards` gathers the rows of one
  indicator into one series.
* **Sideways** -- periods down the rows, indicators across the columns (Month | Referrals |
  Waiting list | ...), perhaps with a Target row. Shape ``sideways``.

:func:`locate_scorecard` is consulted by :func:`xlplan.locate.locate` for a sheet no header row
of any kind matched; :func:`find_bands` is also used on sheets located the ordinary way, since a
header row with known words (Indicator, Target, Actual) can sit under period banners too.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..config import Programme
from ..reader import RawSheet
from ..schema.columns import SCORECARD, header_key
from ..schema.periods import is_summary_banner, parse_period_loose
from ..schema.scorecard import INDICATOR_WORDS, parse_measure_value, sub_header_role
from ..text import clean_text
from .header import HEADER_SEARCH_ROWS, Located

__all__ = ["ScorecardLayout", "Band", "find_bands", "indicator_by_words", "locate_scorecard",
           "sideways_rows", "sub_periods", "PERIOD_HEADERS", "ROW_LABELS"]

#: Header cells over a column of periods in a sideways scorecard.
PERIOD_HEADERS = frozenset({"period", "month", "quarter", "date", "year", "week",
                            "reporting period", "time period", "reporting month",
                            "month ending", "period ending", "period end", "financial year",
                            "fy"})
#: Row labels of a sideways scorecard that are not periods but say something of every
#: indicator: its target, its polarity, its status. (folded label -> tidy field)
ROW_LABELS: dict[str, str] = {
    "target": "target", "targets": "target", "goal": "target", "plan": "target",
    "budget": "target", "trajectory": "target",
    "polarity": "polarity", "good is": "polarity", "direction": "polarity",
    "status": "rag", "rag": "rag", "rag status": "rag",
    "unit": "measure", "units": "measure", "measure": "measure",
}
#: Headers that make a KPI column by their words but belong to other kinds of sheet.
_NOT_INDICATOR = frozenset({"risk", "risks", "control", "controls", "action", "actions",
                            "mitigation", "mitigating"})


#: Numbered columns of a dated table that are not indicators.
_NOT_SIDEWAYS_INDICATOR = frozenset({"version", "ver", "v", "no", "number", "ref", "id",
                                     "issue", "revision", "rev", "page", "item"})


@dataclass
class ScorecardLayout(Located):
    """A scorecard's :class:`~xlplan.locate.Located`, with its shape (see module docstring)
    and, for a banded one, the row of period banners (0-based)."""

    shape: str = "rows"
    band_row: int | None = None


@dataclass(frozen=True)
class Band:
    """The columns under one banner: ``label`` is the period's label (or the banner text of a
    summary band), ``columns`` maps a role (actual, target, forecast, rag) to a column."""

    label: str
    period: object  # xlplan.schema.periods.Period, or None for a summary band
    text: str
    columns: dict[str, int] = field(default_factory=dict)

    @property
    def first_column(self) -> int:
        return min(self.columns.values())


def _text(v: object) -> str:
    return clean_text(v) if isinstance(v, str) else ""


def _banner_over(sheet: RawSheet, band_row: int, c: int, role_cols: set[int]) -> tuple[int, str]:
    """(column, text) of the banner over column ``c``: a merged banner spreads over its merge;
    an unmerged one over the sub-header columns right of it, up to the next banner."""
    for r0, c0, r1, c1 in sheet.merged:
        if r0 <= band_row <= r1 and c0 <= c <= c1:
            return c0, _text(sheet.value(r0, c0))
    for left in range(c, -1, -1):
        text = _text(sheet.value(band_row, left))
        if text:
            return left, text
        if left != c and left not in role_cols:
            break
    return c, ""


def find_bands(sheet: RawSheet, header_row: int, fy_start_month: int = 4
               ) -> tuple[list[Band], dict[int, str]]:
    """The period bands over a header row of sub-headers, and a combined label ("Status
    Current") for every other header cell under a banner. ([], {}) when the row is not a row of
    sub-headers under period banners: at least two sub-header cells (Goal, Actual, ...) under
    banners of which at least one names a period."""

    if header_row < 1 or header_row >= len(sheet.rows):
        return [], {}
    header = sheet.rows[header_row]
    role_cols = {c: role for c, v in enumerate(header) if (role := sub_header_role(v))}
    if len(role_cols) < 2:
        return [], {}
    band_row = header_row - 1
    if not any(_text(v) for v in sheet.rows[band_row]) and header_row >= 2:
        band_row -= 1  # a blank spacer row between the banners and the sub-headers
    groups: dict[int, tuple[str, dict[str, int]]] = {}
    for c in sorted(role_cols):
        at, text = _banner_over(sheet, band_row, c, set(role_cols))
        if not text:
            continue
        cols = groups.setdefault(at, (text, {}))[1]
        cols.setdefault(role_cols[c], c)  # a role written twice under one banner: first wins
    bands: list[Band] = []
    seen: set[str] = set()
    for _, (text, cols) in sorted(groups.items()):
        period = parse_period_loose(text, fy_start_month)
        if period is not None and period.label not in seen:
            seen.add(period.label)
            bands.append(Band(period.label, period, text, cols))
        elif period is None and is_summary_banner(text):
            bands.append(Band(text, None, text, cols))
    if not any(b.period is not None for b in bands):
        return [], {}
    in_band = {c for b in bands for c in b.columns.values()}
    combined: dict[int, str] = {}
    for c, v in enumerate(header):
        if c in in_band:
            continue
        own = _text(v)
        _, over = _banner_over(sheet, band_row, c, set())
        if own and over and header_key(over) != header_key(own):
            combined[c] = f"{over} {own}"
        elif own or over:
            combined[c] = own or over
    return bands, combined


def sub_periods(sheet: RawSheet, header_row: int, fy_start_month: int = 4
                ) -> list[tuple[int, object]]:
    """(column, period) of each value column of a two-row period header: years over their
    quarters or months ("2023/24" merged over Q1 | Q2 | Q3 | Q4, then "2024/25" over the next
    four), each sub-header read with the banner over it ("2023/24 Q1"). ``[]`` unless the row
    under ``header_row`` holds at least two periods that no banner is needed to write, every
    one of them under a banner naming a longer period, and nothing else that reads as data."""
    if header_row + 1 >= len(sheet.rows):
        return []
    sub = sheet.rows[header_row + 1]
    cells = {c: _text(v) for c, v in enumerate(sub) if _text(v)}
    own = {c: parse_period_loose(t, fy_start_month) for c, t in cells.items()}
    # (a month or quarter written without its year is dated year 0, or 1 for the months of a
    # financial year that fall in its second calendar year: see parse_period_loose)
    if len(cells) < 2 or any(p is None or p.kind == "year" or p.end[0] > 1
                             for p in own.values()):
        return []  # every filled cell is a quarter or month with no year (Q1, Apr), or none is
    found: dict[str, tuple[int, object]] = {}
    for c in sorted(cells):
        _, over = _banner_over(sheet, header_row, c, set(cells))
        banner = parse_period_loose(over, fy_start_month) if over else None
        if banner is None or banner.kind != "year":
            return []
        if own[c].kind == "month":  # the month's own year, within the banner's twelve
            (end_year, end_month), month = banner.end, own[c].end[1]
            period = parse_period_loose(
                f"{cells[c]} {end_year if month <= end_month else end_year - 1}", fy_start_month)
        else:
            period = parse_period_loose(f"{cells[c]} {over}", fy_start_month)
        if period is None or period.kind != own[c].kind:
            return []
        found.setdefault(period.label, (c, period))
    return sorted(found.values(), key=lambda cp: (cp[1].sort_key, cp[0]))


def indicator_by_words(header: list, before: int | None = None) -> int | None:
    """The column whose header names the KPIs in words no alias knows ("Key Business
    Metrics", "Performance Measure", "KPIs"), left of ``before``; None when none does."""
    best: tuple[int, int] | None = None
    for c, v in enumerate(header):
        if before is not None and c >= before:
            break
        words = header_key(v).split() if isinstance(v, str) else []
        if not words or _NOT_INDICATOR.intersection(words):
            continue
        rank = INDICATOR_WORDS.get(" ".join(words[-2:]), INDICATOR_WORDS.get(words[-1]))
        if rank is not None and (best is None or rank < best[0]):
            best = (rank, c)
    return best[1] if best else None


def _body(sheet: RawSheet, header_row: int, limit: int = 200) -> list[list]:
    return sheet.rows[header_row + 1:header_row + 1 + limit]


def _is_number(v: object) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, (int, float)):
        return True
    if isinstance(v, str) and v.strip():
        try:
            return parse_measure_value(v) is not None
        except ValueError:
            return False
    return False


def _numeric_share(rows: list[list], col: int) -> tuple[int, int]:
    """(numbers, filled cells) of one column over ``rows``."""
    filled = numbers = 0
    for row in rows:
        v = row[col] if col < len(row) else ""
        if v is None or v == "" or (isinstance(v, str) and not v.strip()):
            continue
        filled += 1
        numbers += _is_number(v)
    return numbers, filled


def _text_share(rows: list[list], col: int) -> int:
    return sum(1 for row in rows if col < len(row) and isinstance(row[col], str)
               and row[col].strip() and not _is_number(row[col]))


def _headers(row: list) -> dict[int, str]:
    return {c: clean_text(v) for c, v in enumerate(row)
            if isinstance(v, str) and v.strip() and len(v) <= 400}


def _banded(sheet: RawSheet, r: int, programme: Programme) -> ScorecardLayout | None:
    bands, combined = find_bands(sheet, r, programme.financial_year_start_month)
    if not bands:
        return None
    first = min(b.first_column for b in bands)
    header = sheet.rows[r]
    table = programme.aliases(SCORECARD)
    columns: dict[str, int] = {}
    for c, v in enumerate(header):
        if c in {col for b in bands for col in b.columns.values()}:
            continue
        name = table.match(header_key(v)) if isinstance(v, str) else None
        if name and name not in columns and name not in ("target", "forecast", "last_value",
                                                         "first_value"):
            columns[name] = c
    if "indicator" not in columns:
        c = indicator_by_words(header, first)
        if c is None:  # no header over it: the column left of the bands with the most text
            body = _body(sheet, r)
            best = max(range(first), key=lambda col: _text_share(body, col), default=None)
            c = best if best is not None and _text_share(body, best) >= 2 else None
        if c is None:
            return None
        columns["indicator"] = c
        # its header may have been taken for another column by an alias ("Measure")
        columns = {n: col for n, col in columns.items() if col != c or n == "indicator"}
    used = set(columns.values()) | {c for b in bands for c in b.columns.values()}
    extras = {c: text for c, text in combined.items() if c not in used}
    headers = {**_headers(header), **extras}
    return ScorecardLayout(SCORECARD, r, columns, extras, headers, shape="banded",
                           band_row=r - 1)


def _rows(sheet: RawSheet, r: int, programme: Programme) -> ScorecardLayout | None:
    """A KPI tracker or long extract whose KPI column no alias names."""
    header = sheet.rows[r]
    table = programme.aliases(SCORECARD)
    c_ind = indicator_by_words(header)
    if c_ind is None:
        return None
    columns = {"indicator": c_ind}
    for c, v in enumerate(header):
        if c == c_ind or not isinstance(v, str):
            continue
        name = table.match(header_key(v))
        if name and name != "indicator" and name not in columns:
            columns[name] = c
    value_cols = [columns[n] for n in ("last_value", "target", "first_value") if n in columns]
    if len(columns) < 3 or not value_cols:
        return None
    body = _body(sheet, r)
    numbers = sum(_numeric_share(body, c)[0] for c in value_cols)
    if numbers < 1 or _text_share(body, c_ind) < 1:
        return None
    headers = _headers(header)
    extras = {c: h for c, h in headers.items() if c not in columns.values()}
    return ScorecardLayout(SCORECARD, r, columns, extras, headers, shape="rows")


def _period_cell(v: object, fy: int):

    if isinstance(v, (dt.date, dt.datetime)):
        return parse_period_loose(v, fy)
    return parse_period_loose(v, fy) if isinstance(v, str) else None


#: How many rows under a candidate header are looked at to decide a sheet is sideways (the
#: whole sheet is read once it is): a big sheet of another kind costs no more than a small one.
SIDEWAYS_PROBE_ROWS = 200


def sideways_rows(sheet: RawSheet, header_row: int, period_col: int, fy: int,
                  limit: int | None = None) -> tuple[list[int], dict[int, str], list[int]]:
    """Rows of a sideways scorecard: (period rows, row -> field of a labelled row such as
    "Target", other filled rows), 0-based; the first ``limit`` rows under the header only
    when given."""
    periods, labelled, other = [], {}, []
    body = _body(sheet, header_row, limit=limit if limit is not None else len(sheet.rows))
    for i, row in enumerate(body, header_row + 1):
        if not any(v not in ("", None) for v in row):
            continue
        v = row[period_col] if period_col < len(row) else ""
        if _period_cell(v, fy) is not None:
            periods.append(i)
        elif isinstance(v, str) and header_key(v) in ROW_LABELS:
            labelled[i] = ROW_LABELS[header_key(v)]
        else:
            other.append(i)
    return periods, labelled, other


def _sideways(sheet: RawSheet, r: int, programme: Programme) -> ScorecardLayout | None:
    """Periods down the rows, indicators across: a header cell over a column of periods."""
    header = sheet.rows[r]
    headers = _headers(header)
    fy = programme.financial_year_start_month
    # the column of periods is headed as one ("Month"), or is one of the first columns,
    # under a header of its own or none at all (a blank corner cell)
    candidates = {c: headers.get(c, "") for c in range(3)}
    candidates.update({c: h for c, h in headers.items() if header_key(h) in PERIOD_HEADERS})
    for pc, text in sorted(candidates.items()):
        if len(sideways_rows(sheet, r, pc, fy, 8)[0]) < 2:
            continue  # a quick look first: no periods just under it, not a column of periods
        periods, _, other = sideways_rows(sheet, r, pc, fy, SIDEWAYS_PROBE_ROWS)
        if len(periods) < 2 or (header_key(text) not in PERIOD_HEADERS
                                and len(periods) < 3):
            continue
        if len(other) > len(periods):
            continue
        rows = [sheet.rows[i] for i in periods]
        others = [c for c in headers if c != pc]
        indicators = [c for c in others
                      if header_key(headers[c]) not in _NOT_SIDEWAYS_INDICATOR
                      and (share := _numeric_share(rows, c))[0] >= 1
                      and share[0] * 2 >= share[1]]
        # indicators are most of the columns: a version table (Version | Date | Author |
        # Change) or a log with one number among its text columns is no scorecard
        if not indicators or len(indicators) * 2 <= len(others):
            continue
        extras = {c: headers[c] for c in indicators}
        return ScorecardLayout(SCORECARD, r, {"period": pc, "indicator": indicators[0]}, extras,
                               headers, shape="sideways")
    return None


def locate_scorecard(sheet: RawSheet, programme: Programme) -> Located | None:
    """Where a scorecard of one of this module's shapes sits on a sheet no header row of any
    kind matched; None when the sheet is not such a scorecard either. Tried in the order:
    period banners, a KPI column named in other words, sideways."""
    for finder in (_banded, _rows, _sideways):
        for r, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
            if sum(1 for v in row if isinstance(v, str) and v.strip()) < 2:
                continue
            found = finder(sheet, r, programme)
            if found is not None:
                return found
    return None
