"""Stage 3 for performance scorecards: a located sheet -> tidy rows, one per indicator.

What real scorecards do (seed 003, Appendix 3, "Integrated Health & Wellbeing System Performance
Scorecard"), and what happens to it here:

* Indicators sit under **strategy headings** ("6. WELLBEING", "CHILDREN AND YOUNG PEOPLE", ...)
  and **objective banners** ("Keep our Children and Young People Safe: ..."): one-cell rows,
  often merged across the table. They become the ``strategy`` / ``objective`` of the rows below
  (a Strategy column, where there is one, wins). A strategy heading just above the header row
  counts for the first group, as in the seed, where each table has its heading above it.
* The **series of values** comes from period columns -- any header cell that reads as a period
  ("Dec-17", "Apr 2018", a date, "2017/18 Q3", "Q3 17/18", "2017/18") -- taken in time order;
  without them from "First Value of Graph" and "Last Value of Graph". The last value belongs to
  the "Most Recent Period"; the first value's period is not written anywhere (the seed's graph
  shows "where possible the latest six values"), so it is labelled :data:`FIRST_VALUE` rather
  than guessed.
* Values are kept **as written** (``values_text``: "84.36%", "1,387", "0.36") and **parsed**
  (``values``: floats, ``None`` for a blank, "N/A" or unreadable cell) by
  :func:`xlplan.schema.scorecard.parse_measure_value`. A cell Excel stores as a fraction with a
  percentage format (typed ``84.8%``, stored 0.848) is read as 84.8, the way it is shown, so that
  typed and formatted percentages make one series.
* **Polarity** ("High is good" / "Low is good") is read from a Polarity column, else from
  Comments (where the seed keeps it), else from the Trend cell (where the seed's Community table
  repeats it).
* The **trend RAG** is computed with :func:`~xlplan.schema.scorecard.trend_rag`; what the sheet
  itself states -- a RAG word in the Trend cell, or the cell's fill colour, which is how the seed
  shows it ("indicators highlighted dark green ...") -- is kept beside it for the validator.
* The **benchmark RAG** is the colour the sheet states (a significance-tested indicator carries
  its own), else :func:`~xlplan.schema.scorecard.benchmark_rag` of the latest value against a
  numeric benchmark, else blank (the seed's "white / N/A").
* Columns the schema does not know are kept under their own header. Every row keeps its
  provenance and a stable key: the Ref when there is one, else a hash of the indicator text.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import zipfile
from dataclasses import dataclass, field
from typing import Iterable

import pandas as pd

from ..catalogue import message
from ..issues import col_index, col_letter
from ..locate import Located
from ..locate.scorecards import Band, ScorecardLayout, find_bands, sideways_rows, \
    sub_periods
from ..reader import RawSheet
from ..schema.columns import header_key
from ..schema.periods import Period, parse_period_loose
from ..schema.scorecard import FOOTNOTE, SECTION_NAMES, SECTION_WORDS, benchmark_rag, parse_measure_value, \
    parse_polarity, parse_target, status_rag, trend_rag
from ..text import cell_text, clean_text, match_key
from .common import PROVENANCE, SheetContext, check_cell_text, extra_columns, only_numbering, \
    wide_merge_rows

#: The issue codes this module can raise (each in :mod:`xlplan.catalogue`).
CODES: tuple[str, ...] = ("duplicate-period", "not-a-row")

__all__ = [
    "SCORECARD_COLUMNS",
    "FIRST_VALUE",
    "LATEST_VALUE",
    "STRATEGIES",
    "label_sort_key",
    "strategy_name",
    "stated_trend",
    "normalise_scorecard",
]

#: Label of the seed's "First Value of Graph": its period is not written on the sheet.
FIRST_VALUE = "First value"
#: Label of a latest value whose period the sheet does not give (no Most Recent Period).
LATEST_VALUE = "Latest value"

SCORECARD_COLUMNS = (
    *PROVENANCE, "key", "ref", "strategy", "objective", "indicator", "measure", "unit", "period",
    "benchmark", "benchmark_value", "polarity", "polarity_text", "comments",
    "values", "values_text", "value_labels", "value_cells", "latest_value",
    "trend_rag", "trend_text", "trend_stated", "trend_stated_source",
    "benchmark_rag", "benchmark_stated", "benchmark_stated_source",
    # What KPI trackers and balanced scorecards add: the target (of the latest period), the
    # targets and forecasts of every period (aligned with ``value_labels``), and the status the
    # file itself gives, on the RAG scale (Green / Amber / Red) and as written.
    "target", "target_text", "targets", "forecasts", "rag", "rag_text",
)

# ------------------------------------------------------------------------------ rules as data

#: The four commissioning strategies (seed 003, in the seed's order) and the spellings of their
#: headings, compared after :func:`_fold_heading`. A programme adds its own with
#: ``[scorecard] strategies = ["Mental Health", ...]``.
STRATEGIES: dict[str, tuple[str, ...]] = {
    "Wellbeing": ("wellbeing", "well being", "wellbeing and prevention", "health and wellbeing"),
    "Children and Young People": ("children and young people", "children young people", "cyp",
                                  "children young people and families", "children and families"),
    "Community": ("community", "community care", "community services"),
    "Enhanced and Specialist": ("enhanced and specialist", "enhanced and specialised",
                                "enhanced specialist", "enhanced and specialist care",
                                "enhanced and specialised care"),
}

#: Words a Trend cell may state a RAG with (folded: lower case, punctuation as spaces).
TREND_WORDS: dict[str, str] = {
    "dark green": "Dark Green", "dg": "Dark Green", "darkgreen": "Dark Green",
    "green": "Green", "g": "Green",
    "amber": "Amber", "a": "Amber", "yellow": "Amber",
    "red": "Red", "r": "Red",
    "dark red": "Dark Red", "dr": "Dark Red", "darkred": "Dark Red",
}

#: Words a Benchmark cell may state its colour with (PHOF / CYP benchmarking tool wording too).
BENCHMARK_WORDS: dict[str, str] = {
    "green": "Green", "g": "Green", "better": "Green", "significantly better": "Green",
    "amber": "Amber", "a": "Amber", "similar": "Amber", "not significantly different": "Amber",
    "red": "Red", "r": "Red", "worse": "Red", "significantly worse": "Red",
}

#: Fill colours read as a trend RAG: Excel's standard and theme greens/reds, its Good / Neutral
#: / Bad styles, and the colours xlplan's Scorecard sheet uses. Nearest within the tolerance.
TREND_FILLS: tuple[tuple[str, str], ...] = (
    ("006100", "Dark Green"), ("00703C", "Dark Green"), ("375623", "Dark Green"),
    ("548235", "Dark Green"), ("008000", "Dark Green"), ("00602B", "Dark Green"),
    ("00B050", "Green"), ("92D050", "Green"), ("00FF00", "Green"), ("C6EFCE", "Green"),
    ("70AD47", "Green"), ("A9D08E", "Green"),
    ("FFC000", "Amber"), ("FFBF00", "Amber"), ("FFEB9C", "Amber"), ("FFFF00", "Amber"),
    ("FF9900", "Amber"), ("FFD966", "Amber"),
    ("FF0000", "Red"), ("FFC7CE", "Red"), ("FF5050", "Red"), ("E6B8B7", "Red"),
    ("C00000", "Dark Red"), ("9C0006", "Dark Red"), ("990000", "Dark Red"), ("800000", "Dark Red"),
    ("8B0000", "Dark Red"),
)
#: Fill colours read as a benchmark RAG (white and no fill are the seed's "no comparison").
BENCHMARK_FILLS: tuple[tuple[str, str], ...] = (
    ("00B050", "Green"), ("92D050", "Green"), ("00FF00", "Green"), ("C6EFCE", "Green"),
    ("70AD47", "Green"), ("A9D08E", "Green"), ("006100", "Green"), ("548235", "Green"),
    ("FFC000", "Amber"), ("FFBF00", "Amber"), ("FFEB9C", "Amber"), ("FFFF00", "Amber"),
    ("FF9900", "Amber"), ("FFD966", "Amber"),
    ("FF0000", "Red"), ("FFC7CE", "Red"), ("FF5050", "Red"), ("E6B8B7", "Red"), ("C00000", "Red"),
)
FILL_TOLERANCE = 60.0

#: A one-cell row at least this long is an objective banner, not an indicator without data.
OBJECTIVE_MIN_LENGTH = 60
_OBJECTIVE_PREFIX = re.compile(r"^(?:objective|aim|outcome|priority|goal)\s*\d*\s*[:.\-\u2013]",
                               re.IGNORECASE)
_NUMBERING = re.compile(r"^\(?\d+(?:\.\d+)*[.)]?\s+")
_PERCENT_MEASURE = re.compile(r"percent|%", re.IGNORECASE)
_SENTENCE = re.compile(r"[a-z][.!?]$")

def label_sort_key(label: str, fy_start_month: int = 4) -> tuple:
    """Time order of value labels: the graph's first value first, periods by their last month,
    a latest value of unknown period after them, any other label last (alphabetically)."""
    if label == FIRST_VALUE:
        return (0, 0, 0, "")
    period = parse_period_loose(label, fy_start_month)
    if period is not None:
        return period.sort_key
    if label == LATEST_VALUE:
        return (9999, 98, 0, "")
    return (9999, 99, 0, label)


# ------------------------------------------------------------------------------ small readers

def _fold_heading(text: str) -> str:
    key = _NUMBERING.sub("", header_key(text))
    key = re.sub(r"^(?:strategy|section)\s+", "", key)
    return re.sub(r"\s+strategy$", "", key).strip()


def strategy_name(text: object, extra: Iterable[str] = ()) -> str | None:
    """The canonical strategy a heading names ("6. WELLBEING" -> "Wellbeing"), or None."""
    if not isinstance(text, str) or len(text) > 80:
        return None
    key = _fold_heading(text)
    for name, spellings in STRATEGIES.items():
        if key in spellings or key == header_key(name):
            return name
    for name in extra:
        if key == _fold_heading(str(name)):
            return str(name)
    return None


def stated_trend(text: object) -> str | None:
    """The trend RAG a Trend cell states in words ("Green", "DG", "dark red"), or None."""
    if not isinstance(text, str):
        return None
    return TREND_WORDS.get(" ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split()))


def _stated_benchmark(text: str) -> str | None:
    return BENCHMARK_WORDS.get(" ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split()))


def nearest_fill(hex6: str, table: tuple[tuple[str, str], ...]) -> str | None:
    """The value whose reference colour is nearest to a fill, within :data:`FILL_TOLERANCE`
    (the "redmean" distance :func:`xlplan.schema.rag.colour_to_rag` uses)."""
    try:
        r1, g1, b1 = (int(hex6[i:i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return None
    best, best_d = None, FILL_TOLERANCE
    for ref, value in table:
        r2, g2, b2 = (int(ref[i:i + 2], 16) for i in (0, 2, 4))
        rmean = (r1 + r2) / 2
        d = ((2 + rmean / 256) * (r1 - r2) ** 2 + 4 * (g1 - g2) ** 2
             + (2 + (255 - rmean) / 256) * (b1 - b2) ** 2) ** 0.5 / 3
        if d < best_d:
            best, best_d = value, d
    return best


def _blank(v: object) -> bool:
    return v is None or v == "" or (isinstance(v, str) and not v.strip())


# ------------------------------------------------------------------------------ layout

def period_columns(header: list, loc: Located, fy_start_month: int) -> list[tuple[int, Period]]:
    """Header cells that name a period and no schema column: the value columns, in time order
    (a sheet written newest-first still gives an oldest-first series). A period written twice
    counts once, at its first column; the second stays an extra column."""
    mapped = set(loc.columns.values())
    found: dict[str, tuple[int, Period]] = {}
    for c, value in enumerate(header):
        if c in mapped:
            continue
        period = parse_period_loose(value, fy_start_month)
        if period is not None and period.label not in found:
            found[period.label] = (c, period)
    return sorted(found.values(), key=lambda cp: (cp[1].sort_key, cp[0]))


def _strategy_above(sheet: RawSheet, header_row: int, extra: Iterable[str]) -> str:
    """A strategy heading in the rows just above the header (the seed's "6. WELLBEING")."""
    for r in range(header_row - 1, max(-1, header_row - 6), -1):
        for v in sheet.rows[r] if r < len(sheet.rows) else ():
            name = strategy_name(v, extra)
            if name:
                return name
    return ""


def _cell_formats(ctx: SheetContext, columns: set[int], bold_column: int | None = None
                  ) -> tuple[dict[tuple[int, int], int], set[int]]:
    """The formats the reader needs and python-calamine does not report, in one pass over the
    sheet's XML: (row 1-based, col 0-based) -> decimals of cells in ``columns`` with a
    percentage number format, and the rows (1-based) whose ``bold_column`` cell is bold.

    Excel stores a typed "84.8%" as 0.848; the number format is the only sign of it. A bold
    one-cell row is how many scorecards head a section ("Operating Metrics")."""
    if ctx.path is None or (not columns and bold_column is None):
        return {}, set()
    from ..ooxml import xml as ox
    from ..ooxml.styles import StylesTable
    from ..styles import sheet_and_styles_members

    with zipfile.ZipFile(ctx.path) as zf:
        sheets, styles_name = sheet_and_styles_members(zf)
        member = sheets.get(ctx.sheet)
        if not member or not styles_name:
            return {}, set()
        table = StylesTable(ox.parse(zf.read(styles_name)))
        xf_decimals = table.percent_decimals()
        xf_bold = table.bold_xfs() if bold_column is not None else set()
        if not xf_decimals and not xf_bold:
            return {}, set()
        out: dict[tuple[int, int], int] = {}
        bold: set[int] = set()
        ref = re.compile(r"([A-Z]+)(\d+)")
        with zf.open(member) as fh:
            for _, el in ox.iterparse(fh, events=("end",), tag="{*}c"):
                s, r = el.get("s"), el.get("r")
                if s is not None and s.isdigit() and r:
                    m = ref.match(r)
                    if m:
                        col = col_index(m.group(1))
                        if int(s) in xf_decimals and col in columns:
                            out[(int(m.group(2)), col)] = xf_decimals[int(s)]
                        if int(s) in xf_bold and col == bold_column:
                            bold.add(int(m.group(2)))
                el.clear()
    return out, bold


def _fills(ctx: SheetContext, columns: set[int]) -> dict[tuple[int, int], str]:
    """Fill colours of the Trend and Benchmark cells (the seed states both as colours)."""
    if ctx.path is None or not columns:
        return {}
    from ..styles import read_sheet_styles

    try:
        return read_sheet_styles(ctx.path, ctx.sheet, columns=columns, want_formulas=False).fills
    except Exception:  # a style part we cannot read only costs the colour
        return {}


def _value(v: object, percent_decimals: int | None) -> tuple[str, float | None]:
    """A value cell as written and as a number (None: blank, "N/A", or not a number)."""
    if _blank(v):
        return "", None
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if percent_decimals is not None:
            number = round(float(v) * 100, 10)
            return f"{number:.{percent_decimals}f}%", number
        return cell_text(v), float(v)
    text = clean_text(cell_text(v))
    try:
        return text, parse_measure_value(text)
    except ValueError:
        return text, None


# ------------------------------------------------------------------------------ the normaliser

@dataclass
class _Layout:
    """Where one sheet keeps each part of an indicator row."""

    value_cols: list[tuple[int | None, Period]]
    extras: dict[int, str]
    percent: dict[tuple[int, int], int]
    fills: dict[tuple[int, int], str]
    banner_rows: set[int]
    strategies: tuple[str, ...]
    fy_start_month: int
    #: period banners over Goal / Fcst / Actual sub-headers, in time order (period bands only)
    bands: list[Band] = field(default_factory=list)
    #: the row (0-based) the data starts after: the header row, or the sub-header row
    last_header_row: int = 0
    #: rows (1-based) whose indicator cell is bold, when some indicator cells are not
    bold_rows: set[int] = field(default_factory=set)


def _layout(sheet: RawSheet, ctx: SheetContext) -> _Layout:
    loc = ctx.loc
    fy = ctx.programme.financial_year_start_month
    header = sheet.rows[loc.header_row] if loc.header_row < len(sheet.rows) else []
    bands, combined = find_bands(sheet, loc.header_row, fy)
    last_header = loc.header_row
    if not bands:  # the header row found may be the banner row, over the sub-headers
        bands, combined = find_bands(sheet, loc.header_row + 1, fy)
        if bands:
            last_header = loc.header_row + 1
    band_cols = {c for b in bands for c in b.columns.values()}
    summary: dict[int, str] = {}
    if bands:
        sub = sheet.rows[last_header]
        for b in bands:
            if b.period is None:  # "Full Year 2015 Goal": beside the series, not on it
                for role, c in b.columns.items():
                    summary[c] = f"{b.text} {clean_text(cell_text(sub[c]))}".strip()
        bands = sorted((b for b in bands if b.period is not None),
                       key=lambda b: (b.period.sort_key, b.first_column))
        value_cols: list[tuple[int | None, Period]] = [(b.columns.get("actual"), b.period)
                                                       for b in bands]
    else:
        value_cols = period_columns(header, loc, fy)
        under = sub_periods(sheet, loc.header_row, fy)
        if under:  # years over their quarters or months: the header is two rows deep
            value_cols, last_header = under, loc.header_row + 1
    skip = {c for c, _ in value_cols if c is not None} | band_cols
    extras = {c: name for c, name in extra_columns(sheet, loc).items()
              if c not in skip and c not in loc.columns.values()}
    for c, name in combined.items():  # "Status Current" rather than "Current"
        if c in extras:
            extras[c] = name
    extras.update(summary)
    if value_cols:  # period columns win; First/Last columns are then kept as extras, not lost
        for name in ("first_value", "last_value"):
            c = loc.columns.get(name)
            if c is not None and c not in skip:
                extras[c] = clean_text(cell_text(header[c])) or name
    numeric_cols = skip | {loc.columns[n] for n in ("first_value", "last_value", "benchmark",
                                                    "target", "forecast") if n in loc.columns}
    has_numbers = any(isinstance(row[c], (int, float)) and not isinstance(row[c], bool)
                      for row in sheet.rows[last_header + 1:] for c in numeric_cols
                      if c < len(row))
    ind = loc.columns.get("indicator")
    lone = ind is not None and _has_lone_text_rows(sheet, last_header, ind)
    try:
        percent, bold = _cell_formats(ctx, numeric_cols if has_numbers else set(),
                                      ind if lone else None)
    except Exception:  # an unreadable style part: numbers are taken as stored, no bold
        percent, bold = {}, set()
    if bold and ind is not None:
        # Bold marks a section only where the indicators themselves are not bold.
        filled = [r + 1 for r in range(last_header + 1, len(sheet.rows))
                  if not _blank(sheet.value(r, ind))]
        if sum(1 for r in filled if r in bold) * 2 >= len(filled):
            bold = set()
    fill_cols = {loc.columns[n] for n in ("trend", "benchmark", "rag") if n in loc.columns}
    fill_cols |= {b.columns["rag"] for b in bands if "rag" in b.columns}
    strategies = tuple(str(s) for s in ctx.programme.scorecard.get("strategies", ()))
    return _Layout(value_cols, dict(sorted(extras.items())), percent, _fills(ctx, fill_cols),
                   wide_merge_rows(sheet), strategies, fy, bands, last_header, bold)


def _has_lone_text_rows(sheet: RawSheet, header_row: int, col: int) -> bool:
    """Whether any row under the header holds text in ``col`` and nothing else."""
    for row in sheet.rows[header_row + 1:]:
        if col < len(row) and isinstance(row[col], str) and row[col].strip() and \
                sum(1 for v in row if not _blank(v)) == 1:
            return True
    return False


def _banner(text: str, c: int, r: int, lay: _Layout, loc: Located) -> tuple[str, str] | None:
    """("strategy", name) or ("objective", text) for a one-cell row that is a heading."""
    name = strategy_name(text, lay.strategies)
    if name:
        return "strategy", name
    wide = r in lay.banner_rows
    if wide and text.isupper() and len(text) <= OBJECTIVE_MIN_LENGTH:
        return "strategy", _NUMBERING.sub("", text).title()
    in_text_column = c <= loc.columns.get("indicator", 0)
    if in_text_column and len(text) < OBJECTIVE_MIN_LENGTH:
        # a scorecard's own section heading: "Operating Metrics", "Customer Perspective",
        # "Learning and Growth", or a bold name where the KPI names are not bold
        key = _NUMBERING.sub("", header_key(text))
        words = key.split()
        if (words and words[-1] in SECTION_WORDS) or key in SECTION_NAMES \
                or (c == loc.columns.get("indicator") and (r + 1) in lay.bold_rows):
            return "strategy", _NUMBERING.sub("", text)
    if wide or (in_text_column and (len(text) >= OBJECTIVE_MIN_LENGTH
                                    or _OBJECTIVE_PREFIX.match(text))):
        return "objective", text
    return None


def _is_repeated_header(row: list, header_keys: dict[int, str], loc: Located) -> bool:
    c = loc.columns.get("indicator")
    if c is None or c >= len(row) or not isinstance(row[c], str):
        return False
    same = sum(1 for col, key in header_keys.items()
               if col < len(row) and isinstance(row[col], str) and header_key(row[col]) == key)
    return header_key(row[c]) == header_keys.get(c) and same >= 2


def _not_a_row(ctx: SheetContext, excel_row: int, col: int, text: str, what: str) -> None:
    """An ``info`` issue for a row that is not an indicator, so nothing vanishes unexplained."""
    shown = text if len(text) <= 80 else text[:77] + "..."
    ctx.issue("not-a-row", message("not-a-row", "indicator", what=what, text=shown),
              row=excel_row,
              col=col, value=shown)


def normalise_scorecard(sheet: RawSheet, ctx: SheetContext) -> pd.DataFrame:
    """Tidy rows of a scorecard sheet (columns :data:`SCORECARD_COLUMNS` plus extras)."""
    loc = ctx.loc
    if isinstance(loc, ScorecardLayout) and loc.shape == "sideways":
        return _normalise_sideways(sheet, ctx)
    lay = _layout(sheet, ctx)
    header = sheet.rows[loc.header_row] if loc.header_row < len(sheet.rows) else []
    header_keys = {c: header_key(v) for c, v in enumerate(header)
                   if isinstance(v, str) and v.strip()}
    strategy = _strategy_above(sheet, loc.header_row, lay.strategies)
    objective = ""
    records: list[dict] = []
    pending: list[tuple[int, int, str]] = []  # headings not yet followed by an indicator
    # A row holding formula cells is a KPI whose calculated cells are still empty, not a
    # heading, even when its name is the only value in it.
    formula_rows = {r for r, _ in ctx.formula_cells}
    for r in range(lay.last_header_row + 1, len(sheet.rows)):
        row = sheet.rows[r]
        own = [(c, v) for c, v in enumerate(row) if not _blank(v)]
        if not own:
            continue
        if _is_repeated_header(row, header_keys, loc):
            continue  # each table of the seed's scorecard repeats its header: its layout
        for c, v in own:
            check_cell_text(ctx, r + 1, c, v)
        if len(own) == 1 and isinstance(own[0][1], str) and (r + 1) not in formula_rows:
            text = clean_text(own[0][1])
            if FOOTNOTE.match(text):
                _not_a_row(ctx, r + 1, own[0][0], text, "a note under the table")
                continue
            if (r, own[0][0]) in sheet.errors:
                # An Excel error (#REF!, #NUM!) names no section: as a heading it would end
                # the strategy above it before any indicator took it. Kept as the objective
                # (the error-value warning says so), or as a row when it is in no banner.
                banner = ("objective", text) if r in lay.banner_rows or \
                    own[0][0] <= loc.columns.get("indicator", 0) else None
            else:
                banner = _banner(text, own[0][0], r, lay, loc)
            if banner is None and own[0][0] != loc.columns.get("indicator") and \
                    (r, own[0][0]) not in sheet.errors:
                # One cell of text beside the KPI column, never in it: a note when it reads
                # as a sentence, else a section heading (a note too if no KPI follows it).
                if _SENTENCE.search(text) or len(text.split()) >= 6:
                    _not_a_row(ctx, r + 1, own[0][0], text, "a note in the table")
                    continue
                banner = ("strategy", _NUMBERING.sub("", text))
            if banner is not None:
                kind, text = banner
                if kind == "strategy":
                    strategy, objective = text, ""
                else:
                    objective = text
                pending.append((r + 1, own[0][0], clean_text(own[0][1])))
                continue
        pending = []
        rec = _indicator(row, r + 1, ctx, lay)
        if "strategy" in loc.columns and rec["strategy"]:
            strategy = rec["strategy"]  # a Strategy column carries down like a heading
        rec["strategy"] = rec["strategy"] or strategy
        if "objective" in loc.columns:  # an Objective column carries down the same way
            said = clean_text(cell_text(row[loc.columns["objective"]])) \
                if loc.columns["objective"] < len(row) else ""
            objective = said or objective
        rec["objective"] = objective
        records.append(rec)
    for excel_row, c, text in pending:  # headings over nothing: notes under the table
        _not_a_row(ctx, excel_row, c, text, "a note under the table")
    _first_section(records, header, loc)
    records = _gather_long(records, ctx, lay)
    _assign_keys(records)
    df = pd.DataFrame.from_records(records, columns=[*SCORECARD_COLUMNS, *lay.extras.values()])
    df.attrs["extra_columns"] = list(lay.extras.values())
    return df


def _first_section(records: list[dict], header: list, loc: Located) -> None:
    """Rows above a scorecard's first section heading belong to the section its KPI column's
    header names, when that header is a section name ("Key Business Metrics" over "Operating
    Metrics" further down) rather than a plain "KPI"."""
    c = loc.columns.get("indicator")
    text = clean_text(cell_text(header[c])) if c is not None and c < len(header) else ""
    words = header_key(text).split()
    if len(words) < 2 or words[-1] not in SECTION_WORDS or "strategy" in loc.columns:
        return
    if not any(rec["strategy"] for rec in records) or records[0]["strategy"]:
        return
    for rec in records:
        if rec["strategy"]:
            break
        rec["strategy"] = text


def _indicator(row: list, excel_row: int, ctx: SheetContext, lay: _Layout) -> dict:
    """One indicator row as a tidy record (strategy and objective are filled by the caller)."""
    cols = ctx.loc.columns

    def raw(name: str) -> object:
        c = cols.get(name)
        return row[c] if c is not None and c < len(row) else ""

    def text(name: str) -> str:
        return clean_text(cell_text(raw(name)))

    def cell(c: int | None) -> tuple[str, float | None]:
        if c is None:
            return "", None
        return _value(row[c] if c < len(row) else "", lay.percent.get((excel_row, c)))

    said_by_targets: dict[str, str] = {}  # polarity -> the first target that states it

    def target_cell(c: int | None) -> tuple[str, float | None]:
        """A target cell; one written with a comparator ("< 8%", "at least 85%") gives its
        number, and says which way is good."""
        written, number = cell(c)
        if number is None:
            said, number = parse_target(written)
            if said:
                said_by_targets.setdefault(said, written)
        return written, number

    period_raw = raw("period")
    period = parse_period_loose(period_raw, lay.fy_start_month)
    period_text = period.label if isinstance(period_raw, dt.date) and period else text("period")
    if lay.value_cols:
        cells = [(c, p.label) for c, p in lay.value_cols]
    else:
        cells = [(cols[n], label) for n, label in
                 (("first_value", FIRST_VALUE),
                  ("last_value", period.label if period else LATEST_VALUE)) if n in cols]
    texts, values, labels, addresses = [], [], [], []
    for c, label in cells:
        written, number = cell(c)
        texts.append(written)
        values.append(number)
        labels.append(label)
        addresses.append(f"{col_letter(c)}{excel_row}" if c is not None else "")
    latest = next((v for v in reversed(values) if v is not None), None)
    if not period_text and latest is not None and lay.value_cols:
        period_text = labels[max(i for i, v in enumerate(values) if v is not None)]

    # Target, forecast and stated status: one per period under banners, else one per row.
    if lay.bands:
        # a band without a target of its own has the row's one Target (a column beside them)
        band_cols = {c for b in lay.bands for c in b.columns.values()}
        own = cols.get("target") if cols.get("target") not in band_cols else None
        per_band = [target_cell(b.columns["target"]) if "target" in b.columns
                    else target_cell(own) for b in lay.bands]
        targets = [number for _, number in per_band]
        target_texts = [written for written, _ in per_band]
        forecasts = [cell(b.columns.get("forecast"))[1] for b in lay.bands]
        stated = [_stated_status(clean_text(cell_text(row[b.columns["rag"]]))
                                 if b.columns["rag"] < len(row) else "", excel_row,
                                 b.columns["rag"], lay) for b in lay.bands if "rag" in b.columns]
    else:
        # One Target column: the target of the row's one value (a KPI tracker, a long
        # extract's row); beside a row of period columns it may be the year's, so it is kept
        # for the row and not claimed for each period.
        target_text, target_value = target_cell(cols.get("target"))
        forecast = cell(cols.get("forecast"))[1]
        one = len(labels) == 1
        targets = [target_value if one else None for _ in labels]
        target_texts = [target_text] * len(labels)
        forecasts = [forecast if one else None for _ in labels]
        stated = []
    if "rag" in cols and not any(cols["rag"] in b.columns.values() for b in lay.bands):
        stated.append(_stated_status(text("rag"), excel_row, cols["rag"], lay))
    at = max((i for i, v in enumerate(values) if v is not None), default=None)
    if at is None:  # no value yet: the first target set, the goal the KPI works towards
        at = next((i for i, t in enumerate(target_texts) if t), None)
    if lay.bands:
        target_text = target_texts[at] if at is not None else ""
        target_value = targets[at] if at is not None else None
    rag, rag_text = next(((lv, tx) for lv, tx in reversed(stated) if lv or tx), ("", ""))

    measure, comments, trend_text = text("measure"), text("comments"), text("trend")
    polarity, polarity_text = _polarity(text("polarity"), comments, trend_text, "polarity" in cols)
    if not polarity and len(said_by_targets) == 1:  # targets that disagree say nothing
        (polarity, written), = said_by_targets.items()
        polarity_text = f"from the target: {written}"
    unit = "%" if _PERCENT_MEASURE.search(measure) or any(t.endswith("%") for t in texts) else ""
    # Only where the target is the value's own period's (see polarity_from_status), or is a
    # percentage: a rate's target is the same for a month as for the year.
    if not polarity and rag and at is not None and (lay.bands or len(labels) == 1
                                                     or unit == "%"):
        polarity, polarity_text = polarity_from_status(values[at], target_value, rag, rag_text)

    trend_stated, trend_source = _stated(trend_text, stated_trend, excel_row, cols.get("trend"),
                                         lay.fills, TREND_FILLS)
    bench_raw = raw("benchmark")
    bench_text, bench_value = _value(bench_raw, lay.percent.get((excel_row, cols["benchmark"]))
                                     if "benchmark" in cols else None)
    bench_stated, bench_source = _stated(bench_text, _stated_benchmark, excel_row,
                                         cols.get("benchmark"), lay.fills, BENCHMARK_FILLS)
    computed_trend = trend_rag(values, polarity) if polarity else None
    computed_bench = (benchmark_rag(latest, bench_value, polarity)
                      if polarity and latest is not None and bench_value is not None else None)
    rec = {
        "file": ctx.file, "sheet": ctx.sheet, "source_row": excel_row, "key": "",
        "ref": text("ref"), "strategy": strategy_name(text("strategy"), lay.strategies)
        or text("strategy"), "objective": "",
        "indicator": text("indicator"), "measure": measure, "unit": unit, "period": period_text,
        "benchmark": bench_text, "benchmark_value": bench_value,
        "polarity": polarity, "polarity_text": polarity_text, "comments": comments,
        "values": values, "values_text": texts, "value_labels": labels, "value_cells": addresses,
        "latest_value": latest, "trend_rag": computed_trend or "", "trend_text": trend_text,
        "trend_stated": trend_stated, "trend_stated_source": trend_source,
        "benchmark_rag": bench_stated or computed_bench or "", "benchmark_stated": bench_stated,
        "benchmark_stated_source": bench_source,
        "target": target_value if target_value is not None else target_text,
        "target_text": target_text, "targets": targets, "forecasts": forecasts,
        "rag": rag, "rag_text": rag_text,
    }
    for c, name in lay.extras.items():
        v = row[c] if c < len(row) else ""
        rec[name] = clean_text(v) if isinstance(v, str) else ("" if v is None else v)
    return rec


def polarity_from_status(value: float | None, target: float | None, rag: str,
                         said: str = "") -> tuple[str, str]:
    """('high' | 'low', why) from the status a file gives a value against its target, or
    ('', ''). A value above its target marked Green, or below it marked Red, says that high is
    good; the other way round, that low is good. Amber, a value on its target, a missing
    number, or a value less than half or more than twice its target (a quarter's value against
    a year's target, say) say nothing: the direction is never guessed."""
    if value is None or target is None or not isinstance(target, (int, float)) \
            or value == target or rag not in ("Green", "Red"):
        return "", ""
    if target == 0 or not 0.5 <= value / target <= 2:
        return "", ""  # far from its target: likely a target of another span (a year's)
    above = value > target
    polarity = "high" if above == (rag == "Green") else "low"
    return polarity, (f"from the status: {value:g} against a target of {target:g} is "
                      f"{said or rag}")


def _stated_status(text: str, excel_row: int, col: int, lay: _Layout) -> tuple[str, str]:
    """(RAG, as written) of a status cell: its words (Green / Yellow / Red, On track, ...),
    else its fill colour; the text is kept as written even when it is not a RAG."""
    level = status_rag(text)
    if level:
        return level, text
    hex6 = lay.fills.get((excel_row, col))
    level = nearest_fill(hex6, BENCHMARK_FILLS) if hex6 else None
    return level or "", text


# ------------------------------------------------------------------------------ long extracts

def _gather_long(records: list[dict], ctx: SheetContext, lay: _Layout) -> list[dict]:
    """One record per indicator from a long extract (one row per indicator and period): the
    rows of one indicator become one series in time order, with the target and status of its
    latest period. A sheet where no indicator repeats is returned as it is."""
    if "period" not in ctx.loc.columns or lay.value_cols:
        return records
    groups: dict[tuple, list[dict]] = {}
    for rec in records:
        ident = rec["ref"] or match_key(rec["indicator"])
        groups.setdefault((rec["strategy"], ident), []).append(rec)
    if not any(len(g) > 1 for g in groups.values()):
        return records
    return [_series_of(group, ctx, lay.fy_start_month) if len(group) > 1 else group[0]
            for group in groups.values()]


def _series_of(group: list[dict], ctx: SheetContext, fy: int) -> dict:
    """The rows of one indicator of a long extract, as one record."""
    points: dict[str, tuple] = {}
    for rec in group:
        label = rec["value_labels"][-1] if rec["value_labels"] else (rec["period"] or
                                                                      LATEST_VALUE)
        value = rec["values"][-1] if rec["values"] else None
        text = rec["values_text"][-1] if rec["values_text"] else ""
        cell = rec["value_cells"][-1] if rec["value_cells"] else ""
        if label in points and text:
            first = points[label][5]
            ctx.issue("duplicate-period", message("duplicate-period", "long",
                                                  indicator=rec["indicator"], period=label,
                                                  row=first["source_row"]),
                      row=int(rec["source_row"]), column="period", value=label)
        if label not in points or text:
            target = rec["targets"][-1] if rec["targets"] else None
            forecast = rec["forecasts"][-1] if rec["forecasts"] else None
            points[label] = (value, text, cell, target, forecast, rec)
    ordered = sorted(points.items(), key=lambda kv: label_sort_key(kv[0], fy))
    values = [p[0] for _, p in ordered]
    known = [i for i, v in enumerate(values) if v is not None]
    at = known[-1] if known else len(ordered) - 1
    latest_rec = ordered[at][1][5]
    out = dict(latest_rec)
    out.update(values=values, values_text=[p[1] for _, p in ordered],
               value_labels=[label for label, _ in ordered],
               value_cells=[p[2] for _, p in ordered],
               targets=[p[3] for _, p in ordered], forecasts=[p[4] for _, p in ordered],
               latest_value=values[at] if known else None,
               period=ordered[at][0] if known else latest_rec["period"])
    for name in ("measure", "unit", "polarity", "polarity_text", "comments", "benchmark"):
        if not out[name]:
            out[name] = next((r[name] for r in group if r[name]), out[name])
    status = next(((r["rag"], r["rag_text"]) for r in
                   sorted(group, key=lambda r: label_sort_key(
                       r["value_labels"][-1] if r["value_labels"] else "", fy), reverse=True)
                   if r["rag"] or r["rag_text"]), (out["rag"], out["rag_text"]))
    out["rag"], out["rag_text"] = status
    polarity = out["polarity"]
    out["trend_rag"] = (trend_rag(values, polarity) or "") if polarity else ""
    if not out["benchmark_stated"] and out["benchmark_value"] is not None \
            and out["latest_value"] is not None and polarity:
        out["benchmark_rag"] = benchmark_rag(out["latest_value"], out["benchmark_value"],
                                             polarity) or ""
    return out


# ------------------------------------------------------------------------------ sideways

def _normalise_sideways(sheet: RawSheet, ctx: SheetContext) -> pd.DataFrame:
    """Tidy rows of a scorecard laid out sideways: periods down, indicators across (one
    record per indicator column; a "Target" / "Polarity" / "Status" row applies to each)."""
    loc = ctx.loc
    fy = ctx.programme.financial_year_start_month
    pc = loc.columns["period"]
    periods, labelled, other = sideways_rows(sheet, loc.header_row, pc, fy)
    for r in other:
        first = next((c for c, v in enumerate(sheet.rows[r]) if not _blank(v)), pc)
        _not_a_row(ctx, r + 1, first, clean_text(cell_text(sheet.rows[r][first])),
                   "a row that names no period")
    dated: dict[str, tuple[int, Period]] = {}
    for r in periods:
        period = parse_period_loose(sheet.rows[r][pc], fy)
        if period.label in dated:
            ctx.issue("duplicate-period", message("duplicate-period", "sideways",
                                                  period=period.label,
                                                  row=dated[period.label][0] + 1),
                      row=r + 1, col=pc,
                      value=period.label)
        dated[period.label] = (r, period)
    ordered = sorted(dated.values(), key=lambda rp: (rp[1].sort_key, rp[0]))
    columns = set(loc.extras)
    try:
        percent, _ = _cell_formats(ctx, columns)
    except Exception:
        percent = {}
    fills = _fills(ctx, columns) if any(f == "rag" for f in labelled.values()) else {}
    records = []
    for c, name in loc.extras.items():
        texts, values, labels, cells = [], [], [], []
        for r, period in ordered:
            written, number = _value(sheet.value(r, c), percent.get((r + 1, c)))
            texts.append(written)
            values.append(number)
            labels.append(period.label)
            cells.append(f"{col_letter(c)}{r + 1}")
        said = {f: clean_text(cell_text(sheet.value(r, c))) for r, f in labelled.items()}
        target_text = said.get("target", "")
        try:
            target = parse_measure_value(target_text) if target_text else None
        except ValueError:
            target = None
        polarity, polarity_text = _polarity(said.get("polarity", ""), "", "",
                                            "polarity" in said)
        rag_row = next((r for r, f in labelled.items() if f == "rag"), None)
        rag = _stated_status(said.get("rag", ""), (rag_row or 0) + 1, c,
                             _Layout([], {}, {}, fills, set(), (), fy)) \
            if rag_row is not None else ("", "")
        known = [i for i, v in enumerate(values) if v is not None]
        latest = values[known[-1]] if known else None
        if not polarity and rag[0]:
            polarity, polarity_text = polarity_from_status(latest, target, rag[0], rag[1])
        measure = said.get("measure", "")
        records.append({
            "file": ctx.file, "sheet": ctx.sheet, "source_row": loc.header_row + 1, "key": "",
            "ref": "", "strategy": "", "objective": "", "indicator": name, "measure": measure,
            "unit": "%" if _PERCENT_MEASURE.search(f"{name} {measure}")
            or any(t.endswith("%") for t in texts) else "",
            "period": labels[known[-1]] if known else "", "benchmark": "",
            "benchmark_value": None, "polarity": polarity, "polarity_text": polarity_text,
            "comments": "", "values": values, "values_text": texts, "value_labels": labels,
            "value_cells": cells, "latest_value": latest,
            "trend_rag": (trend_rag(values, polarity) or "") if polarity else "",
            "trend_text": "", "trend_stated": "", "trend_stated_source": "",
            "benchmark_rag": "", "benchmark_stated": "", "benchmark_stated_source": "",
            "target": target if target is not None else target_text, "target_text": target_text,
            "targets": [target] * len(labels), "forecasts": [None] * len(labels),
            "rag": rag[0], "rag_text": rag[1],
        })
    _assign_keys(records)
    return pd.DataFrame.from_records(records, columns=list(SCORECARD_COLUMNS))


def _polarity(own: str, comments: str, trend_text: str, has_column: bool) -> tuple[str, str]:
    """('high' | 'low' | '', the text it was read from). A Polarity column's text is reported
    even when unreadable, so the validator can quote it."""
    for source in (own, comments, trend_text):
        found = parse_polarity(source)
        if found:
            return found, source
    return "", own if has_column else ""


def _stated(text: str, words, excel_row: int, col: int | None,
            fills: dict[tuple[int, int], str], table) -> tuple[str, str]:
    """(RAG the cell states, 'text' | 'fill' | ''): its words first, else its fill colour."""
    level = words(text) if text else None
    if level:
        return level, "text"
    hex6 = fills.get((excel_row, col)) if col is not None else None
    level = nearest_fill(hex6, table) if hex6 else None
    return (level, "fill") if level else ("", "")


def indicator_key(indicator: str) -> str:
    """A key for an indicator without a Ref, stable while its text is (numbering, case and
    spacing do not count): how next month's row finds this month's."""
    text = _NUMBERING.sub("", match_key(indicator))
    return "S-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10].upper()


def _assign_keys(records: list[dict]) -> None:
    seen: dict[str, int] = {}
    numbering = only_numbering([rec["ref"] for rec in records])  # the sheet's own row numbers
    for rec in records:
        if rec["ref"] and not numbering:
            rec["key"] = rec["ref"]
            continue
        key = indicator_key(rec["indicator"]) if rec["indicator"] else \
            indicator_key(f"{rec['sheet']} row {rec['source_row']}")
        n = seen.get(key, 0) + 1
        seen[key] = n
        rec["key"] = key if n == 1 else f"{key}-{n}"
