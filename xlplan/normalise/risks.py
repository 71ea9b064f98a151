"""Stage 3 for risk registers: a located sheet -> tidy rows, one per risk.

What real registers do (seed 003, Appendix 4, the People Directorate's Risk and Opportunity
Register), and what happens to it here:

* A rating is written either in **one cell** -- ``4 4 16`` (likelihood, impact, score),
  ``4x4=16``, a score alone, or ``New`` for a risk with no earlier rating -- or in **split
  columns** (Likelihood, Impact, Score; Previous likelihood, Previous impact, Previous score...).
  Both are read into the same numbers by :func:`xlplan.schema.risk.parse_rating`, and every
  rating keeps the columns it came from (``_cells``), so the validator can point at the exact
  cell of a wrong likelihood or score. Nothing is judged here: a rating that reads clearly but
  wrongly (``4 3 16``) is kept as written and the validator reports it.
* The seed writes movement and RAG in one cell, ``— A`` (no change, Amber):
  :func:`~xlplan.schema.risk.parse_movement` splits it. A RAG column of its own wins over the
  RAG part of a movement cell.
* Category rows and banners ("Financial risks", merged across the table) are not risks: they
  become the ``section`` of the risks below them (and their category when they have none).
* Blank rows are skipped; cells merged down (an owner over several risks) carry down.
* Columns the schema does not know are kept under their own header, as for action plans.
* A risk with no description, or no current rating, is a ``missing-value`` error at the cell.
* Every risk keeps its provenance (file, sheet, Excel row) and a stable key: its Ref, else a
  hash of its description, so it can be followed from month to month.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from ..reader import RawSheet
from ..schema.risk import Rating, RatingError, RiskMatrix, movement, parse_movement, parse_rating
from ..text import cell_text, clean_text, match_key
from .common import PROVENANCE, assign_keys, SheetContext, check_cell_text, check_formula_cells, \
    extra_columns, vertical_merges, wide_merge_rows

__all__ = ["RISK_COLUMNS", "RATING_KINDS", "RATING_SOURCES", "RatingSource", "normalise_risks",
           "risk_key", "read_rating", "parse_review_date"]

TEXT_FIELDS = ("ref", "owner", "category", "description", "link", "controls", "assurances",
               "action_plan")

#: The tidy columns of a risk (then the sheet's extra columns under their own headers).
#:
#: * ``<kind>_likelihood/_impact/_score`` for kind inherent, previous, target; the current
#:   (residual) rating is plain ``likelihood``, ``impact``, ``score``. Scores are as written,
#:   or likelihood x impact where no score was written. ``previous_new`` marks "New".
#: * ``movement_text`` the movement cell as written, ``movement_written`` what it says
#:   (Up/Down/Same/New or ''), ``movement`` what the scores say (:func:`movement`).
#: * ``rag_text`` the RAG as written, ``rag`` its canonical level ('' blank), ``rag_source``
#:   'text', 'unknown' (not on the scale) or ''.
#: * ``review_date`` a date when it reads as one, else the text as written.
#: * ``_cells`` (internal): for each rating field ('current.likelihood', ...), 'rag' and
#:   'movement', the canonical column it was read from; ``_bad_ratings`` (internal): (column, message, value)
#:   of each rating cell that could not be read.
RISK_COLUMNS = (
    *PROVENANCE, "key", "ref", "section", "owner", "category", "description", "link", "controls",
    "assurances",
    "inherent_likelihood", "inherent_impact", "inherent_score",
    "previous_likelihood", "previous_impact", "previous_score", "previous_new",
    "likelihood", "impact", "score",
    "target_likelihood", "target_impact", "target_score",
    "movement_text", "movement_written", "movement", "rag_text", "rag", "rag_source",
    "action_plan", "review_date", "_cells", "_bad_ratings",
)

RATING_KINDS = ("inherent", "previous", "current", "target")
NUMBER_COLUMNS = tuple(f"{p}{part}" for p in ("inherent_", "previous_", "", "target_")
                       for part in ("likelihood", "impact", "score"))


@dataclass(frozen=True)
class RatingSource:
    """Where one rating can be written: a one-cell column (which also holds the score when the
    likelihood and impact have columns of their own), split likelihood/impact columns, and for
    the current rating a Score column."""

    cell: str
    likelihood: str
    impact: str
    score: str | None = None
    prefix: str = ""  # of its tidy columns

    def tidy(self, part: str) -> str:
        return f"{self.prefix}{part}"


RATING_SOURCES: dict[str, RatingSource] = {
    "inherent": RatingSource("inherent_rating", "inherent_likelihood", "inherent_impact",
                             prefix="inherent_"),
    "previous": RatingSource("previous_rating", "previous_likelihood", "previous_impact",
                             prefix="previous_"),
    "current": RatingSource("current_rating", "likelihood", "impact", "score"),
    "target": RatingSource("target_rating", "target_likelihood", "target_impact",
                           prefix="target_"),
}

#: A one-cell row worded like a heading is a banner wherever it sits.
BANNER = re.compile(r"^(?:(?:risk\s+)?(?:category|section|theme|directorate|department|area|"
                    r"strategic|operational|corporate)\b.{0,80}[:.\-\u2013]|.{0,60}\brisks\s*$)",
                    re.IGNORECASE)
#: Text columns a stray one-cell row is joined back to (the rest of the risk above).
FRAGMENT_COLUMNS = ("owner", "link", "controls", "assurances", "action_plan")
#: A Ref looks like "OCC2", "R-12", "1.3": short, no spaces.
_REF_LIKE = re.compile(r"^[A-Za-z]{0,6}[\s\-./]?\d+(?:[.\-/]\d+)*[A-Za-z]?$")
_DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y",
                 "%d %B %Y", "%d-%b-%Y", "%d-%b-%y")
_MONTH_FORMATS = ("%b-%y", "%b %Y", "%B %Y", "%b-%Y", "%B-%y", "%b %y")


def _blank(v: object) -> bool:
    return v is None or v == "" or (isinstance(v, str) and not v.strip()) or \
        (isinstance(v, float) and v != v)


def risk_key(ref: str, description: str) -> str:
    """The Ref when there is one, else a key stable as long as the description's words are."""
    if ref:
        return ref
    return "R-" + hashlib.sha1(match_key(description).encode("utf-8")).hexdigest()[:10].upper()


# ------------------------------------------------------------------------------ ratings
@dataclass
class RatingRead:
    """One rating as read: the numbers, the column of each part, and what could not be read."""

    rating: Rating | None = None
    cells: dict[str, str] = field(default_factory=dict)  # likelihood/impact/score -> column
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (column, message, value)


def _part(raw: object) -> int | str | None:
    """A likelihood or impact cell: a whole number, 'new', or None; RatingError otherwise."""
    r = parse_rating(raw if not isinstance(raw, str) else clean_text(raw))
    if r is None:
        return None
    if r.is_new:
        return "new"
    if r.likelihood is not None:
        raise RatingError(f"'{r.text}' is more than one number")
    return r.score


def _split(get: Callable[[str], object], src: RatingSource, present: set[str],
           m: RiskMatrix) -> RatingRead:
    out = RatingRead()
    score_col = src.score if src.score in present else src.cell
    out.cells = {"likelihood": src.likelihood, "impact": src.impact, "score": score_col}
    parts: dict[str, int | None] = {}
    is_new = False
    for part, col, (lo, hi) in (("likelihood", src.likelihood, m.likelihood),
                                ("impact", src.impact, m.impact)):
        raw = get(col) if col in present else ""
        try:
            value = _part(raw)
        except RatingError:
            out.errors.append((col, f"the {part} '{clean_text(cell_text(raw))}' is not a whole "
                               f"number: write a number from {lo} to {hi}", cell_text(raw)))
            value = None
        is_new = is_new or value == "new"
        parts[part] = value if isinstance(value, int) else None
    score: int | None = None
    raw = get(score_col) if score_col in present else ""
    if not _blank(raw):
        try:
            r = parse_rating(raw if not isinstance(raw, str) else clean_text(raw))
            is_new = is_new or bool(r and r.is_new)
            score = r.score if r is not None else None
        except RatingError as exc:
            out.errors.append((score_col, str(exc), cell_text(raw)))
    l, i = parts["likelihood"], parts["impact"]
    if is_new and l is None and i is None and score is None:
        out.rating = Rating(None, None, None, is_new=True, text="New")
        return out
    if score is None and l is not None and i is not None:
        score = l * i
    if l is not None or i is not None or score is not None:
        out.rating = Rating(l, i, score, text=" ".join("" if v is None else str(v)
                                                       for v in (l, i, score)).strip())
    return out


def read_rating(get: Callable[[str], object], src: RatingSource, present: set[str],
                m: RiskMatrix) -> RatingRead:
    """One rating of a risk row, from split columns when they hold anything, else from the
    one-cell column, else (current rating) from a Score column alone."""
    has_split = any(c in present and not _blank(get(c)) for c in (src.likelihood, src.impact))
    if has_split:
        return _split(get, src, present, m)
    out = RatingRead()
    for col in (src.cell, src.score):
        if col is None or col not in present or _blank(get(col)):
            continue
        raw = get(col)
        out.cells = {"likelihood": col, "impact": col, "score": col}
        try:
            out.rating = parse_rating(raw if not isinstance(raw, str) else clean_text(raw))
        except RatingError as exc:
            out.errors.append((col, str(exc), cell_text(raw)))
        return out
    # Nothing written: point at where it would be written.
    col = src.cell if src.cell in present else (src.likelihood if src.likelihood in present
                                                else (src.score or src.cell))
    out.cells = {"likelihood": src.likelihood if src.likelihood in present else col,
                 "impact": src.impact if src.impact in present else col,
                 "score": src.score if src.score in present else col}
    return out


# ------------------------------------------------------------------------------ other cells
def parse_review_date(raw: object) -> dt.date | str:
    """A review date as a date when it reads as one ('31/03/2018', 'Mar-18' = the month's last
    day, a date cell), else the text as written ('Quarterly')."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = clean_text(cell_text(raw))
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    for fmt in _MONTH_FORMATS:
        try:
            first = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        nxt = first.replace(year=first.year + first.month // 12, month=first.month % 12 + 1)
        return nxt - dt.timedelta(days=1)
    return text


def _is_banner(r: int, c: int, text: str, ctx: SheetContext, banner_rows: set[int]) -> bool:
    """A one-cell row that heads the risks below it rather than being a risk."""
    cols = ctx.loc.columns
    if r in banner_rows or BANNER.match(text):
        return True
    if c == cols.get("description"):
        return False  # a risk with only its description: missing its rating, not a banner
    if c == cols.get("ref") and _REF_LIKE.match(text):
        return False  # a risk with only its Ref
    return len(text.split()) >= 2 or c < min(cols.values())


def _join_fragment(ctx: SheetContext, r: int, c: int, text: str, prev: dict,
                   banner_rows: set[int]) -> bool:
    """A stray row holding only the rest of a text cell of the risk above (split over a page
    break) is joined to it, with a ``fragment-row`` warning."""
    if r in banner_rows or BANNER.match(text):
        return False
    name = next((n for n in FRAGMENT_COLUMNS if ctx.loc.columns.get(n) == c), None)
    if name is None:
        return False
    prev[name] = f"{prev[name]} {text}".strip() if prev[name] else text
    ctx.issue("fragment-row", f"a row holding only '{text[:60]}' was joined to the "
              f"{name.replace('_', ' ')} of the risk above (row {prev['source_row']})",
              row=r + 1, col=c, value=text)
    return True


def _rag(raw_rag: object, raw_move: object, ctx: SheetContext) -> dict:
    """RAG and written movement from a RAG column and/or a movement cell ('— A')."""
    scale = ctx.programme.rag
    cols = ctx.loc.columns
    move_text = clean_text(cell_text(raw_move)) if "movement" in cols else ""
    written, rag_part = parse_movement(move_text) if move_text else (None, None)
    move_col = "movement" if written else ""
    rag_text, rag_col = "", "rag" if "rag" in cols else ("movement" if "movement" in cols else "")
    if "rag" in cols and not _blank(raw_rag):
        rag_text = clean_text(cell_text(raw_rag))
        moved, part = parse_movement(rag_text)  # '↑ R' typed in the RAG column
        if moved and part and scale.normalise(part):
            if not written:
                written, move_col = moved, "rag"
            rag_text = part
    elif rag_part:
        rag_text, rag_col = rag_part, "movement"
    level = scale.normalise(rag_text)
    return {"movement_text": move_text, "movement_written": written or "", "rag_text": rag_text,
            "rag": level or "", "rag_source": "text" if level else ("unknown" if rag_text else ""),
            "_rag_col": rag_col, "_movement_col": move_col or "movement"}


# ------------------------------------------------------------------------------ the sheet
def normalise_risks(sheet: RawSheet, ctx: SheetContext) -> pd.DataFrame:
    """Tidy rows of a risk-register sheet (columns :data:`RISK_COLUMNS` plus extras)."""
    loc = ctx.loc
    cols = loc.columns
    present = set(cols)
    merges = vertical_merges(sheet)
    banner_rows = wide_merge_rows(sheet)
    extras = extra_columns(sheet, loc)
    matrix = ctx.programme.risk_matrix
    has_current = any(c in present for c in ("current_rating", "likelihood", "impact", "score"))
    if not has_current:
        ctx.issue("missing-column", f"no current rating column in the header row (row "
                  f"{loc.header_row + 1}); add Likelihood, Impact and Score columns, or one "
                  "headed 'Current rating' holding e.g. '4 4 16'", row=loc.header_row + 1,
                  value="Current rating")

    records: list[dict] = []
    section = ""
    for r in range(loc.header_row + 1, len(sheet.rows)):
        row = sheet.rows[r]
        excel_row = r + 1
        own = [(c, v) for c, v in enumerate(row) if not _blank(v)]
        if not own:
            continue
        for c, v in own:
            check_cell_text(ctx, excel_row, c, v)

        def cell(c: int) -> object:
            v = row[c] if c < len(row) else ""
            if _blank(v) and (r, c) in merges:
                v = sheet.value(*merges[(r, c)])
            return v

        def get(name: str) -> object:
            c = cols.get(name)
            return "" if c is None else cell(c)

        if len(own) == 1:
            c, v = own[0]
            text = clean_text(cell_text(v))
            if records and _join_fragment(ctx, r, c, text, records[-1], banner_rows):
                continue
            if _is_banner(r, c, text, ctx, banner_rows):
                section = text
                continue
        records.append(_record(ctx, excel_row, get, present, matrix, section, has_current))
        for c, name in extras.items():
            v = cell(c)
            records[-1][name] = clean_text(v) if isinstance(v, str) else ("" if v is None else v)

    check_formula_cells(ctx, sheet, loc.header_row + 2)
    assign_keys(records, lambda r: risk_key(r["ref"], r["description"]))
    df = pd.DataFrame.from_records(records, columns=[*RISK_COLUMNS, *extras.values()])
    for name in NUMBER_COLUMNS:  # whole numbers and None, not floats and NaN
        df[name] = pd.Series([rec.get(name) for rec in records], dtype=object)
    df.attrs["extra_columns"] = list(extras.values())
    return df


def _record(ctx: SheetContext, excel_row: int, get: Callable[[str], object], present: set[str],
            matrix: RiskMatrix, section: str, has_current: bool) -> dict:
    rec: dict = {"file": ctx.file, "sheet": ctx.sheet, "source_row": excel_row, "key": "",
                 "section": section}
    for name in TEXT_FIELDS:
        rec[name] = clean_text(cell_text(get(name)))
    rec["category"] = rec["category"] or section
    cells: dict[str, str] = {}
    bad: list[tuple[str, str, str]] = []
    ratings: dict[str, Rating | None] = {}
    for kind in RATING_KINDS:
        src = RATING_SOURCES[kind]
        got = read_rating(get, src, present, matrix)
        ratings[kind] = got.rating
        bad.extend(got.errors)
        cells.update({f"{kind}.{part}": col for part, col in got.cells.items()})
        r = got.rating
        rec[src.tidy("likelihood")] = r.likelihood if r else None
        rec[src.tidy("impact")] = r.impact if r else None
        rec[src.tidy("score")] = r.score if r else None
    rec["previous_new"] = bool(ratings["previous"] and ratings["previous"].is_new)
    current = ratings["current"]
    if current is not None and current.is_new:
        bad.append((cells["current.score"], "the current rating says 'New': a current rating "
                    "needs likelihood, impact and score, e.g. '4 4 16'", current.text))
        rec["likelihood"] = rec["impact"] = rec["score"] = None
    rag = _rag(get("rag"), get("movement"), ctx)
    cells["rag"] = rag.pop("_rag_col")
    cells["movement"] = rag.pop("_movement_col")
    rec.update(rag)
    prev = ratings["previous"]
    rec["movement"] = movement(prev.score if prev else None, rec["score"], rec["previous_new"])
    review = get("review_date")
    rec["review_date"] = "" if _blank(review) else parse_review_date(review)
    rec["action_plan"] = clean_text(cell_text(get("action_plan")))
    rec["_cells"] = cells
    rec["_bad_ratings"] = tuple(bad)

    if "description" in present and not rec["description"]:
        ctx.issue("missing-value", "this risk has no description: say what could happen, why, "
                  "and what it would cost", row=excel_row, column="description")
    current_bad = any(col in {cells[f"current.{p}"] for p in ("likelihood", "impact", "score")}
                      for col, _, _ in bad)
    if has_current and current is None and not current_bad:
        ctx.issue("missing-value", "this risk has no current rating: give its likelihood, "
                  "impact and score (e.g. '4 4 16')", row=excel_row,
                  column=cells["current.likelihood"])
    elif current is not None and (current.likelihood is None) != (current.impact is None):
        part = "impact" if current.impact is None else "likelihood"
        if cells[f"current.{part}"] not in {col for col, _, _ in bad}:
            ctx.issue("missing-value", f"this risk's current {part} is empty: the score needs "
                      "both likelihood and impact", row=excel_row,
                      column=cells[f"current.{part}"])
    return rec


