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
* Blank rows are skipped; cells merged down (an owner over several risks) carry down. A row
  under a risk whose description cell is merged down over it is the rest of that risk (a
  second mitigation, a second action owner): its text joins that risk's, on a new line.
* A template's own rows are not risks: its guidance row under the header ("1-5 (see key)",
  "Auto-calculated"), its example row ("Example", "e.g. ..."), a key beside the table past a
  blank column, rows numbered in advance. Each is said (``not-a-row``), never dropped unsaid.
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

from ..catalogue import message
from ..issues import col_letter
from ..reader import RawSheet
from ..rows import classify_rows, list_columns, note_rows
from ..schema.columns import RISK_REGISTER, header_key
from ..schema.rag import colour_to_rag
from ..schema.risk import RATED_KINDS, Band, Qualitative, Rating, RatingError, RiskMatrix, \
    WordRatings, movement, parse_movement, parse_rating, raid_kind, sheet_raid_kind
from ..text import cell_text, clean_text, match_key
from .common import PROVENANCE, assign_keys, SheetContext, check_cell_text, check_formula_cells, \
    column_fills, column_values, extra_columns, vertical_merges, wide_merge_rows

#: The issue codes this module can raise (each in :mod:`xlplan.catalogue`).
CODES: tuple[str, ...] = (
    "missing-column", "missing-value", "fragment-row", "rating-from-words", "text-not-rating",
    "not-a-row", "rag-from-colour")

__all__ = ["RISK_COLUMNS", "RATING_KINDS", "RATING_SOURCES", "RatingSource", "normalise_risks",
           "risk_key", "description_key", "read_rating", "parse_review_date"]

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
#: * ``status`` the workflow status as written (Open, In Progress, Monitoring, Closed).
#: * ``raid_type`` in a RAID log, the kind of item (Risk, Assumption, Issue, Dependency ...),
#:   '' in a plain register. Only risks (:data:`~xlplan.schema.risk.RATED_KINDS`) are rated.
#: * ``rating_text`` a rating written in words or as a probability, as written ("High",
#:   "Likelihood 0.45, impact High"); ``rating_band`` the band of the matrix a whole-rating word
#:   stands for (its RAG is the risk's RAG where no score can be worked out).
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
    "action_plan", "review_date", "status", "raid_type", "rating_text", "rating_band",
    "_cells", "_bad_ratings",
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


def _is_number(v: object) -> bool:
    """A whole number as a cell holds it (5, 5.0) or as text ("5")."""
    if isinstance(v, bool):
        return False
    if isinstance(v, (int, float)):
        return float(v).is_integer()
    return isinstance(v, str) and v.strip().isdigit()


def _blank(v: object) -> bool:
    return v is None or v == "" or (isinstance(v, str) and not v.strip()) or \
        (isinstance(v, float) and v != v)


def description_key(description: str) -> str:
    """A risk's key where its Ref gives none: stable as long as the description's words are."""
    return "R-" + hashlib.sha1(match_key(description).encode("utf-8")).hexdigest()[:10].upper()


def risk_key(ref: str, description: str) -> str:
    """The Ref when there is one, else :func:`description_key`."""
    return ref or description_key(description)


# ------------------------------------------------------------------------------ ratings
@dataclass
class RatingRead:
    """One rating as read: the numbers, the column of each part, and what could not be read."""

    rating: Rating | None = None
    cells: dict[str, str] = field(default_factory=dict)  # likelihood/impact/score -> column
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (column, message, value)
    #: what was written in words or as a probability, as written ("High", "likelihood 0.45")
    text: str = ""
    #: the band a whole-rating word stands for ("Risk Rating: High")
    band: Band | None = None


def _part(raw: object, words: WordRatings | None = None, scale: tuple[int, int] = (1, 5)
          ) -> int | str | None:
    """A likelihood or impact cell: a whole number, 'new', or None; RatingError otherwise.
    A word ("High", "Likely"), a word range ("M - H") or a probability (0.45) is read onto the
    scale by the programme's table of rating words: a :class:`Worded` number."""
    try:
        r = parse_rating(raw if not isinstance(raw, str) else clean_text(raw))
    except RatingError:
        q = words.read(raw) if words is not None else None
        if q is None or q.step is None:
            raise
        return Worded(q.number if q.number is not None else words.on_scale(q.step, scale), q)
    if r is None:
        return None
    if r.is_new:
        return "new"
    if r.likelihood is not None:
        raise RatingError(f"'{r.text}' is more than one number")
    return r.score


class Worded(int):
    """A likelihood or impact read from words or a probability: the number, and what was
    written (``q.text``), so the text can be kept beside the number."""

    q: Qualitative

    def __new__(cls, value: int, q: Qualitative) -> "Worded":
        obj = super().__new__(cls, value)
        obj.q = q
        return obj


def _split(get: Callable[[str], object], src: RatingSource, present: set[str],
           m: RiskMatrix, words: WordRatings | None = None,
           worded: frozenset[str] | None = None) -> RatingRead:
    out = RatingRead()
    written: list[str] = []
    score_col = src.score if src.score in present else src.cell
    out.cells = {"likelihood": src.likelihood, "impact": src.impact, "score": score_col}
    parts: dict[str, int | None] = {}
    is_new = False
    for part, col, (lo, hi) in (("likelihood", src.likelihood, m.likelihood),
                                ("impact", src.impact, m.impact)):
        raw = get(col) if col in present else ""
        try:
            value = _part(raw, _words_for(col, words, worded), (lo, hi))
            if isinstance(value, Worded):
                written.append(f"{part} {value.q.text}")
        except RatingError:
            out.errors.append((col, message("bad-rating", "part", part=part,
                                            text=clean_text(cell_text(raw)), low=lo, high=hi),
                               cell_text(raw)))
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
            w = _words_for(score_col, words, worded)
            q = w.read(raw) if w is not None else None
            if q is not None and q.step is not None:
                # A word beside split numbers ("Risk Rating: High" next to Likelihood and
                # Impact): the numbers make the score, the word is kept as written.
                written.append(f"rating {q.text}")
                score = q.number
            else:
                out.errors.append((score_col, str(exc), cell_text(raw)))
    out.text = _written(written)
    l, i = parts["likelihood"], parts["impact"]
    l = int(l) if l is not None else None
    i = int(i) if i is not None else None
    if is_new and l is None and i is None and score is None:
        out.rating = Rating(None, None, None, is_new=True, text="New")
        return out
    if score is None and l is not None and i is not None:
        score = l * i
    if l is not None or i is not None or score is not None:
        out.rating = Rating(l, i, score, text=" ".join("" if v is None else str(v)
                                                       for v in (l, i, score)).strip())
    return out


def _words_for(col: str | None, words: WordRatings | None, worded: frozenset[str] | None
               ) -> WordRatings | None:
    return words if words is not None and (worded is None or col in worded) else None


def _written(parts: list[str]) -> str:
    """What was written in words, for the Risks sheet: "High" for a rating word alone, else
    "Likelihood 0.45, impact High"."""
    if len(parts) == 1 and parts[0].startswith("rating "):
        return parts[0][len("rating "):]
    text = ", ".join(parts)
    return text[:1].upper() + text[1:]


def read_rating(get: Callable[[str], object], src: RatingSource, present: set[str],
                m: RiskMatrix, words: WordRatings | None = None,
                worded: frozenset[str] | None = None) -> RatingRead:
    """One rating of a risk row, from split columns when they hold anything, else from the
    one-cell column, else (current rating) from a Score column alone. Words and probabilities
    are read with the programme's table of rating words (``words``): in a likelihood or impact
    column onto its scale, as a whole rating onto a band of the matrix. ``worded``: the columns
    words are read in (None: all), so that a lone word in a column of numbers stays a
    ``bad-rating`` (a typo, not a way of rating)."""
    has_split = any(c in present and not _blank(get(c)) for c in (src.likelihood, src.impact))
    if has_split:
        return _split(get, src, present, m, words, worded)
    out = RatingRead()
    for col in (src.cell, src.score):
        if col is None or col not in present or _blank(get(col)):
            continue
        raw = get(col)
        out.cells = {"likelihood": col, "impact": col, "score": col}
        try:
            out.rating = parse_rating(raw if not isinstance(raw, str) else clean_text(raw))
        except RatingError as exc:
            w = _words_for(col, words, worded)
            q = w.read(raw) if w is not None else None
            if q is None or q.step is None:
                out.errors.append((col, str(exc), cell_text(raw)))
                return out
            out.text, out.band = q.text, w.band(q, m)
            if q.number is not None:  # "16 - High": the number is the score
                out.rating = Rating(None, None, q.number, text=q.text)
            elif col == src.cell and src.score in present and not _blank(get(src.score)):
                # "Risk Level: High" beside a "Risk Score" of 16: the score is the rating,
                # the word is kept as written.
                try:
                    scored = parse_rating(clean_text(cell_text(get(src.score))))
                except RatingError:
                    scored = None
                if scored is not None and scored.score is not None:
                    out.rating = Rating(None, None, scored.score, text=out.text)
                    out.cells = {"likelihood": src.score, "impact": src.score,
                                 "score": src.score}
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
    ctx.issue("fragment-row", message("fragment-row", "risk", text=text[:60],
                                      column=name.replace("_", " "), row=prev["source_row"]),
              row=r + 1, col=c, value=text)
    return True


#: Tidy fields that hold one number or one reading each: a second line cannot be added to them.
_SINGLE_VALUED = frozenset({*NUMBER_COLUMNS, "ref", "description", "current_rating",
                            "previous_rating", "inherent_rating", "target_rating", "rag",
                            "movement", "review_date", "raid_type"})


def _join_continuation(ctx: SheetContext, r: int, own: list[tuple[int, object]],
                       merges: dict[tuple[int, int], tuple[int, int]], prev: dict,
                       extras: dict[int, str]) -> bool:
    """A row under a risk whose description cell is merged down over it is the rest of that
    risk (a second mitigation, a second action owner), not a risk of its own: its text is
    added, on a new line, to the same columns of the risk above, with a ``fragment-row``
    warning. What cannot be added (a second likelihood) is named in the warning."""
    c_desc = ctx.loc.columns.get("description")
    top = merges.get((r, c_desc)) if c_desc is not None else None
    if top is None or top[0] + 1 != prev["source_row"] or any(c == c_desc for c, _ in own):
        return False
    names = {c: n for n, c in ctx.loc.columns.items()}
    joined: list[str] = []
    kept_out: list[str] = []
    for c, v in own:
        text = clean_text(cell_text(v))
        name = extras.get(c) or names.get(c)
        if c in extras and not isinstance(prev.get(name), str):
            prev[name] = cell_text(prev.get(name))  # an extra column's date or number: as text
        if name is None or name in _SINGLE_VALUED or not isinstance(prev.get(name, ""), str):
            if name is None or text != clean_text(cell_text(prev.get(name))):
                kept_out.append(f"{col_letter(c)}{r + 1} '{text[:40]}'")
            continue
        if (r, c) in merges:
            continue  # the same merged cell as the risk above: already there
        previous = prev.get(name) or ""
        prev[name] = f"{previous}\n{text}" if previous else text
        joined.append(f"'{text[:40]}'")
    ctx.issue("fragment-row", message("fragment-row", "continued-kept-out" if kept_out
                                      else "continued", texts=", ".join(joined),
                                      row=prev["source_row"], kept=", ".join(kept_out)),
              row=r + 1, col=own[0][0], value="; ".join(joined + kept_out)[:200])
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


# ------------------------------------------------------------------------------ the columns
#: Rating columns, each only a rating when its values read as ratings.
RATING_COLUMNS = tuple(dict.fromkeys(
    name for src in RATING_SOURCES.values()
    for name in (src.cell, src.likelihood, src.impact, src.score) if name))
#: A share of the values under a column this high decides what the column holds.
MOST = 0.8
#: Tick marks a tick-box column holds (one column per step under a "Probability" group).
_TICKS = frozenset({"x", "\u2713", "\u2714", "y", "yes", "\u2022", "*", "1"})


def _column_texts(sheet: RawSheet, loc, c: int) -> list[object]:
    """The non-blank values under the header in column ``c``."""
    return [v for v in column_values(sheet.rows[loc.header_row + 1:], c) if not _blank(v)]


def _reads_as_rating(v: object, words: WordRatings) -> bool:
    try:
        parse_rating(v if not isinstance(v, str) else clean_text(v))
        return True
    except RatingError:
        q = words.read(v)
        return q is not None and q.step is not None


def worded_columns(sheet: RawSheet, ctx: SheetContext) -> frozenset[str]:
    """The rating columns rated in words or probabilities: those where such values are at
    least as many as plain numbers. In a column of numbers a lone word is a mistake."""
    words = ctx.programme.rating_words
    out = set()
    for name in RATING_COLUMNS:
        c = ctx.loc.columns.get(name)
        if c is None:
            continue
        numbers = worded = 0
        for v in _column_texts(sheet, ctx.loc, c):
            try:
                parse_rating(v if not isinstance(v, str) else clean_text(v))
                numbers += 1
            except RatingError:
                q = words.read(v)
                worded += q is not None and q.step is not None
        if worded and worded >= numbers:
            out.add(name)
    return frozenset(out)


def refine_columns(sheet: RawSheet, ctx: SheetContext, keep: set[str] | frozenset = frozenset()
                   ) -> None:
    """Decide by their values what some columns hold, where a header alone cannot say.

    * A Status column is the workflow status (Open, In Progress, Monitoring, Closed); it is
      read as the RAG only when there is no RAG column and its values are RAG values.
    * A Type or Category column whose values are Risk / Assumption / Issue / Dependency is the
      RAID type of a RAID log.
    * A rating column none of whose values reads as a rating -- prose ("Impact (resulting in
      ...)": 'Possible effects on the timeline'), or tick marks -- is not a rating: it is kept
      as a text column under its own header (info ``text-not-rating``), and ratings are not
      read from it.
    * Residual ratings beside current ones ("Current" and "Residual" groups over Likelihood /
      Impact / Score) are the target the controls aim at, when the sheet has no target.

    ``ctx.loc`` is changed in place: it is this sheet's own reading. Rating columns in
    ``keep`` (tick boxes) are left as they are.
    """
    loc, cols = ctx.loc, ctx.loc.columns
    scale = ctx.programme.rag
    words = ctx.programme.rating_words
    if "status" in cols and "rag" not in cols:
        levels = [scale.normalise(clean_text(cell_text(v)))
                  for v in _column_texts(sheet, loc, cols["status"])]
        # Every value a RAG value, and not only "Closed"/"Done" (which the RAG scale reads as
        # Complete, but which in a Status column say the workflow is over).
        if levels and all(levels) and any(lv != "Complete" for lv in levels):
            cols["rag"] = cols.pop("status")
    for name in ("category",):
        if "raid_type" not in cols and name in cols:
            values = _column_texts(sheet, loc, cols[name])
            kinds = [raid_kind(v) for v in values]
            if values and sum(1 for k in kinds if k) >= MOST * len(values) \
                    and any(k not in (None, "Risk") for k in kinds):
                cols["raid_type"] = cols.pop(name)
    _rating_as_rag(sheet, ctx)
    amount_floor = AMOUNT_TIMES * ctx.programme.risk_matrix.max_score()
    for name in RATING_COLUMNS:
        if name not in cols or name in keep:
            continue
        c = cols[name]
        values = _column_texts(sheet, loc, c)
        header = loc.headers.get(c) or f"Column {c}"
        if values and _amounts(header, values, amount_floor):
            what = "amounts of money or counts"
        elif not values or any(_reads_as_rating(v, words) for v in values):
            continue
        else:
            texts = [clean_text(cell_text(v)).lower() for v in values]
            prose = [t for t in texts if len(t.split()) >= 3 or len(t) > 25]
            ticks = [t for t in texts if t in _TICKS]
            if not prose and len(ticks) < len(texts):
                continue  # short unreadable values: bad ratings, reported cell by cell
            what = "text" if prose else "tick marks"
        del cols[name]
        loc.extras[c] = header
        other = _namesake(sheet, ctx, name, c)
        if other is not None:
            cols[name] = other
        ctx.issue("text-not-rating", message(
            "text-not-rating", "none", header=header, what=what, rating=name.replace("_", " "))
            if other is None else message(
            "text-not-rating", "namesake", header=header, what=what,
            rating=name.replace("_", " "), other=loc.extras.pop(other), column=col_letter(other)),
            row=loc.header_row + 1, col=c, value=header)
    _overall(ctx)
    _described(ctx)
    _rag_words(sheet, ctx)
    _rating_sets(ctx)
    _residual_as_target(ctx)


#: A rating column whose every value is above this many times the matrix's highest score
#: holds amounts (an "Impact £" of 250000, an "Exposure" of 175000), not ratings.
AMOUNT_TIMES = 10
#: Currency signs: a rating header naming one ("Impact £", "Cost impact ($)") holds amounts.
_CURRENCY = re.compile(r"[£$€¥]|\b(?:gbp|usd|eur|cost|costs)\b", re.IGNORECASE)


def _amounts(header: str, values: list[object], floor: int) -> bool:
    """True for a rating column that holds sums of money (or counts), not ratings: its header
    names a currency, or every value is a number far above any score of the matrix."""
    if _CURRENCY.search(header):
        return True
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return len(numbers) == len(values) and all(v > floor for v in numbers)


def _namesake(sheet: RawSheet, ctx: SheetContext, name: str, taken: int) -> int | None:
    """Another column headed for the same rating ("Impact" right of a prose "Consequence"),
    left as an extra because the first took the name, whose values read as ratings."""
    loc = ctx.loc
    table = ctx.programme.aliases(RISK_REGISTER)
    words = ctx.programme.rating_words
    floor = AMOUNT_TIMES * ctx.programme.risk_matrix.max_score()
    for c in sorted(loc.extras):
        if c == taken:
            continue
        key = header_key(loc.extras[c])
        if table.match(key) != name and table.match_tokens(key) != name:
            continue
        values = _column_texts(sheet, loc, c)
        if values and not _amounts(loc.extras[c], values, floor) \
                and all(_reads_as_rating(v, words) for v in values):
            return c
    return None


def _rating_as_rag(sheet: RawSheet, ctx: SheetContext) -> None:
    """A one-cell rating column ("Risk rating") written Red / Amber / Green beside likelihood
    and impact columns is the risk's RAG: the score comes from the likelihood and impact,
    and the RAG words are no rating that could not be read."""
    loc, cols = ctx.loc, ctx.loc.columns
    if "rag" in cols or "current_rating" not in cols \
            or not {"likelihood", "impact"} <= set(cols):
        return
    scale = ctx.programme.rag
    values = [clean_text(cell_text(v)) for v in _column_texts(sheet, loc, cols["current_rating"])]
    if values and all(scale.normalise(v) for v in values):
        cols["rag"] = cols.pop("current_rating")


#: Words that make a column the one rating over several of the same name ("Overall Impact"
#: right of "Impact (Financial)", "Impact (Reputation)", ...).
_OVERALL_WORDS = frozenset({"overall", "combined", "total", "highest", "max", "maximum",
                            "worst", "final"})


def _overall(ctx: SheetContext) -> None:
    """A register scoring impact (or likelihood) by kind ("Impact (Financial)", "Impact
    (Service)") and then overall: the overall column is the risk's rating; the others are kept
    as columns of their own."""
    loc, cols = ctx.loc, ctx.loc.columns
    table = ctx.programme.aliases(RISK_REGISTER)
    for name in ("likelihood", "impact"):
        if name not in cols:
            continue
        for c in sorted(loc.extras):
            key = header_key(loc.extras[c])
            if not set(key.split()) & _OVERALL_WORDS:
                continue
            rest = " ".join(w for w in key.split() if w not in _OVERALL_WORDS)
            if table.match(rest) == name or table.match_tokens(rest) == name:
                old = cols[name]
                cols[name] = c
                del loc.extras[c]
                loc.extras[old] = loc.headers.get(old) or f"Column {old}"
                ordered = sorted(loc.extras.items())  # extras stay in the sheet's order
                loc.extras.clear()
                loc.extras.update(ordered)
                break


def _described(ctx: SheetContext) -> None:
    """A "Risk title" beside a "Risk description (cause, event, effect)": the description is
    the risk's description, the title a column of its own."""
    loc, cols = ctx.loc, ctx.loc.columns
    c = cols.get("description")
    if c is None or not set(header_key(loc.headers.get(c, "")).split()) & {"title", "name"}:
        return
    better = next((e for e in sorted(loc.extras)
                   if "description" in header_key(loc.extras[e]).split()), None)
    if better is not None:
        cols["description"] = better
        del loc.extras[better]
        loc.extras[c] = loc.headers.get(c) or f"Column {c}"


def _rag_words(sheet: RawSheet, ctx: SheetContext) -> None:
    """A "RAG" column written High / Medium / Low is a rating, not a RAG: the whole rating
    when the sheet has no other, else a column of its own (kept as written)."""
    loc, cols = ctx.loc, ctx.loc.columns
    if "rag" not in cols:
        return
    scale, words = ctx.programme.rag, ctx.programme.rating_words
    values = [clean_text(cell_text(v)) for v in _column_texts(sheet, loc, cols["rag"])]
    if not values or any(scale.normalise(v) for v in values):
        return
    if sum(1 for v in values if (q := words.read(v)) is not None and q.step is not None) \
            < MOST * len(values):
        return
    c = cols.pop("rag")
    if not any(n in cols for n in ("current_rating", "likelihood", "impact", "score")):
        cols["current_rating"] = c
    else:
        loc.extras[c] = loc.headers.get(c) or f"Column {c}"


#: Words naming a set of ratings in a grouped header ("Inherent risk" over L / I / Score) ...
_SET_WORDS = {"inherent": "inherent", "gross": "inherent", "initial": "inherent",
              "before": "inherent", "pre": "inherent", "unmitigated": "inherent",
              "current": "current", "after": "current", "post": "current", "net": "current",
              "mitigated": "current", "residual": "residual",
              "target": "target", "future": "target", "previous": "previous", "last": "previous"}
#: ... and its parts.
_PART_WORDS = {"l": "likelihood", "likelihood": "likelihood", "probability": "likelihood",
               "p": "likelihood", "i": "impact", "c": "impact", "impact": "impact",
               "consequence": "impact", "severity": "impact", "score": "score",
               "rating": "score", "total": "score", "level": "score"}
_SET_COLUMNS = {
    "inherent": ("inherent_likelihood", "inherent_impact", "inherent_rating", "inherent_rating"),
    "current": ("likelihood", "impact", "score", "current_rating"),
    "target": ("target_likelihood", "target_impact", "target_rating", "target_rating"),
    "previous": ("previous_likelihood", "previous_impact", "previous_rating",
                 "previous_rating"),
}


def _rating_sets(ctx: SheetContext) -> None:
    """Rating columns named by set and part ("Inherent risk L", "Current C", "Rating after
    mitigation") are mapped by those two words, when the sheet has two sets at least: a
    grouped header says which rating each column is, whatever single word would match first.
    Residual is the current rating, or the target where a current set is there too."""
    loc, cols = ctx.loc, ctx.loc.columns
    found: dict[int, tuple[str, str]] = {}
    for c, header in loc.headers.items():
        words = header_key(header).split()
        sets = [_SET_WORDS[w] for w in words if w in _SET_WORDS]
        parts = [_PART_WORDS[w] for w in words if w in _PART_WORDS]
        if sets and parts and len(words) <= 8:
            found[c] = (sets[0], parts[-1])
    kinds = {k for k, _ in found.values()}
    if len(kinds) < 2:
        return
    if "residual" in kinds:
        residual = "target" if "current" in kinds else "current"
        if residual == "target" and "target" in kinds:
            found = {c: f for c, f in found.items() if f[0] != "residual"}
        found = {c: (residual if k == "residual" else k, part) for c, (k, part) in found.items()}
    split = {k for k, part in found.values() if part in ("likelihood", "impact")}
    mapped: dict[str, int] = {}
    for c, (kind, part) in sorted(found.items()):
        l_name, i_name, score_split, score_alone = _SET_COLUMNS[kind]
        name = {"likelihood": l_name, "impact": i_name}.get(
            part, score_split if kind in split else score_alone)
        mapped.setdefault(name, c)
    for name, c in list(cols.items()):
        if c in mapped.values() and mapped.get(name) != c:
            del cols[name]
    for name, c in mapped.items():
        old = cols.get(name)
        if old is not None and old != c and old not in mapped.values():
            loc.extras[old] = loc.headers.get(old) or f"Column {old}"
        cols[name] = c
        loc.extras.pop(c, None)


_RESIDUAL_TO_TARGET = {"likelihood": "target_likelihood", "impact": "target_impact",
                       "score": "target_rating", "current_rating": "target_rating"}


def _residual_as_target(ctx: SheetContext) -> None:
    """Residual rating columns beside current ones ("Current" and "Residual" groups) become the
    target rating (see :func:`refine_columns`), whether they were left over as extras or took
    a current name by one of their words ("Residual Score" read as the score)."""
    loc, cols = ctx.loc, ctx.loc.columns
    table = ctx.programme.aliases(loc.kind)
    headers = {**loc.headers, **loc.extras}

    def residual(c: int) -> bool:  # "Residual Score", not "Current residual risk rating"
        key = header_key(headers.get(c, ""))
        words = set(key.split())
        return ("residual" in words or "post mitigation" in key) and \
            not words & {"current", "previous", "last"}

    current = any("current" in header_key(headers.get(c, "")).split()
                  for name, c in cols.items() if name in _RESIDUAL_TO_TARGET)
    if not current:
        return
    for name, c in list(cols.items()):
        if name in _RESIDUAL_TO_TARGET and residual(c):
            del cols[name]
            loc.extras[c] = headers.get(c, "")
    for c in sorted(loc.extras):
        if not residual(c):
            continue
        key = header_key(loc.extras[c])
        name = table.match(key) or table.match_tokens(key)
        target = _RESIDUAL_TO_TARGET.get(name or "")
        if target and target not in cols:
            cols[target] = c
            del loc.extras[c]


@dataclass
class TickBoxes:
    """Ratings given by ticks: a group header ("Probability") over one column per step of a
    scale ("H", "M", "L"), an "x" in the column of the step that applies."""

    #: rating column name -> {column: the step's label as written ("H")}
    groups: dict[str, dict[int, str]] = field(default_factory=dict)
    #: the row of the step labels when it lies under the header row (0-based), else None
    label_row: int | None = None

    @property
    def columns(self) -> set[int]:
        return {c for steps in self.groups.values() for c in steps}

    def value(self, name: str, row: list) -> str:
        """The ticked step's label on one row ('' when none, or more than one, is ticked)."""
        ticked = [label for c, label in self.groups.get(name, {}).items()
                  if c < len(row) and not _blank(row[c])]
        return ticked[0] if len(ticked) == 1 else ""


def tick_boxes(sheet: RawSheet, ctx: SheetContext) -> TickBoxes:
    """Find tick-box ratings (see :class:`TickBoxes`): the step labels are the lower row of a
    two-row header, or the row under a one-row header; each is a rating word or number (a
    scale letter "L" under "Probability" is a step of the likelihood, not the likelihood)."""
    loc, cols = ctx.loc, ctx.loc.columns
    words = ctx.programme.rating_words
    group = loc.group_row if loc.group_row is not None else loc.header_row
    labels = loc.header_row if loc.group_row is not None else loc.header_row + 1
    out = TickBoxes(label_row=labels if labels > loc.header_row else None)
    for r0, c0, r1, c1 in sheet.merged:
        if r0 != group or c1 <= c0 or r1 >= labels:
            continue
        name = next((n for n in RATING_COLUMNS if cols.get(n) is not None
                     and c0 <= cols[n] <= c1), None)
        if name is None:
            continue
        steps = {c: clean_text(cell_text(sheet.value(labels, c))) for c in range(c0, c1 + 1)}
        read = [words.read(v) for v in steps.values()]
        if all(q is not None and q.step is not None for q in read) and \
                len({q.step for q in read}) == len(read):
            out.groups[name] = steps
    if not out.groups:
        out.label_row = None
    return out


# ------------------------------------------------------------------------------ the sheet
def normalise_risks(sheet: RawSheet, ctx: SheetContext) -> pd.DataFrame:
    """Tidy rows of a risk-register sheet (columns :data:`RISK_COLUMNS` plus extras)."""
    ticks = tick_boxes(sheet, ctx)
    refine_columns(sheet, ctx, set(ticks.groups))
    loc = ctx.loc
    cols = loc.columns
    present = set(cols)
    merges = vertical_merges(sheet)
    banner_rows = wide_merge_rows(sheet)
    extras = extra_columns(sheet, loc)
    matrix = ctx.programme.risk_matrix
    has_current = any(c in present for c in ("current_rating", "likelihood", "impact", "score"))
    sheet_kind = sheet_raid_kind(ctx.sheet) or ""
    worded = worded_columns(sheet, ctx) | set(ticks.groups)
    headed = set(cols.values()) | set(loc.extras) | ticks.columns
    for c in ticks.columns:  # step columns of a tick box, not a dropdown's list
        list_columns(sheet, loc).pop(c, None)
        extras.pop(c, None)
    # Rows that are not rows (repeated headers, totals, legends, notes, rows numbered in
    # advance): skipped and noted; a banner is the section of the risks below it.
    furniture = classify_rows(sheet, loc)
    if ticks.label_row is not None:
        furniture.skip.pop(ticks.label_row, None)
    note_rows(ctx, furniture)
    skip = furniture.skip
    if ticks.groups:
        said = "; ".join(f"{name.replace('_', ' ')} from the ticks under "
                         + "/".join(steps.values()) for name, steps in ticks.groups.items())
        ctx.issue("rating-from-words", message("rating-from-words", "ticks", groups=said),
                  row=loc.header_row + 1,
                  col=min(ticks.columns), value=said)

    records: list[dict] = []
    section = furniture.first_banner
    for r in range(loc.header_row + 1, len(sheet.rows)):
        row = sheet.rows[r]
        excel_row = r + 1
        if r in skip:
            if skip[r][0] == "banner":
                section = skip[r][2]
            continue
        if r == ticks.label_row:
            continue  # the step labels of the tick boxes, said above
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
            if name in ticks.groups:
                return ticks.value(name, row)
            c = cols.get(name)
            return "" if c is None else cell(c)

        first_text = clean_text(cell_text(own[0][1]))
        c_desc = cols.get("description")
        described = c_desc is not None and c_desc < len(row) and not _blank(row[c_desc]) \
            and c_desc != own[0][0]
        if _TOTAL.match(first_text) and not described:
            ctx.issue("not-a-row", message("not-a-row", "risk-total", text=first_text[:60]),
                      row=excel_row, col=own[0][0], value=first_text[:200])
            continue
        under = [(c, v) for c, v in own if c in headed]
        numbered = len(own) > len(under) == 1 and under[0][0] == cols.get("ref") \
            and _is_number(under[0][1])
        if headed and (not under or numbered):
            # Nothing under any headed column: a pre-numbered empty row of a template, a
            # dropdown's source list beside the table. Not a risk; said, not dropped silently.
            # (A number in a "#" column and a dropdown's choice beside the table is such a
            # row too.)
            ctx.issue("not-a-row", message(
                "not-a-row", "risk-numbered" if numbered else "risk-unheaded",
                cells=", ".join(f"'{clean_text(cell_text(v))[:30]}'" for _, v in own[:3])),
                row=excel_row, col=own[0][0], value=clean_text(cell_text(own[0][1]))[:60])
            continue
        furniture_said = _template_furniture(ctx, r, row, own, first_text, records, extras)
        if furniture_said:
            ctx.issue("not-a-row", message("not-a-row", "risk-furniture", what=furniture_said),
                      row=excel_row,
                      col=own[0][0], value=clean_text(cell_text(own[0][1]))[:200])
            continue
        if records and _join_continuation(ctx, r, own, merges, records[-1], extras):
            continue
        if len(own) == 1:
            c, v = own[0]
            text = clean_text(cell_text(v))
            if records and _join_fragment(ctx, r, c, text, records[-1], banner_rows):
                continue
            if _is_banner(r, c, text, ctx, banner_rows):
                section = text
                continue
        records.append(_record(ctx, excel_row, get, present, matrix, section, has_current,
                               sheet_kind, worded))
        for c, name in extras.items():
            v = cell(c)
            records[-1][name] = clean_text(v) if isinstance(v, str) else ("" if v is None else v)

    rated = [rec for rec in records if _is_rated(rec)]
    if not has_current and (rated or not records):
        ctx.issue("missing-column", message(
            "missing-column", column="current rating", row=loc.header_row + 1,
            add="Likelihood, Impact and Score columns, or one headed 'Current rating' holding "
                "e.g. '4 4 16'"), row=loc.header_row + 1, value="Current rating")
    _note_words(ctx, records)
    _rag_from_fills(sheet, ctx, records)
    check_formula_cells(ctx, sheet, loc.header_row + 2)
    assign_keys(records, lambda r: description_key(r["description"]))
    df = pd.DataFrame.from_records(records, columns=[*RISK_COLUMNS, *extras.values()])
    for name in NUMBER_COLUMNS:  # whole numbers and None, not floats and NaN
        df[name] = pd.Series([rec.get(name) for rec in records], dtype=object)
    df.attrs["extra_columns"] = list(extras.values())
    return df


def _rag_from_fills(sheet: RawSheet, ctx: SheetContext, records: list[dict]) -> None:
    """A RAG given only as a fill colour: in the RAG column, or (a register with none) in a
    one-cell rating column left blank ("Risk level" coloured amber, likelihood and impact
    beside it). Read as the RAG, each with a ``rag-from-colour`` note, as for an action plan;
    the checks then hold it against the score's band like a RAG written in words."""
    cols = ctx.loc.columns
    col = cols.get("rag", cols.get("current_rating"))
    if col is None:
        return
    blank = [rec for rec in records if not rec.get("rag") and not rec.get("rag_text")
             and _blank(sheet.value(rec["source_row"] - 1, col))]
    fills = column_fills(ctx, col) if blank else {}
    scale = ctx.programme.rag
    for rec in blank:
        fill = fills.get(rec["source_row"])
        level = colour_to_rag(fill, scale) if fill else None
        if level:
            rec["rag"], rec["rag_source"] = level, "colour"
            ctx.issue("rag-from-colour", message("rag-from-colour", fill=fill,
                                                 rag=scale.label(level)),
                      row=rec["source_row"], col=col, value=f"#{fill}")


#: How a template marks its example row: "Example" in the Ref, "e.g." before the text.
_EXAMPLE = re.compile(r"^(?:e\.?\s?g\b\.?|example\b|sample\b|for example\b)", re.IGNORECASE)
#: What a template's guidance row under the header says in its rating cells ("1-5 (see key)",
#: "Auto-calculated", "Select from the list").
_GUIDANCE = re.compile(r"\b(?:1\s*(?:-|\u2013|to)\s*(?:3|4|5|10|25)|auto|automatic|calculated|"
                       r"formula|see|select|choose|enter|drop\s?down|pick)\b", re.IGNORECASE)


def _template_furniture(ctx: SheetContext, r: int, row: list, own: list[tuple[int, object]],
                        first_text: str, records: list[dict], extras: dict[int, str]) -> str:
    """Why a row is a template's furniture rather than a risk ('' when it is a risk):

    * its example row ("Example" in the Ref, "e.g. Key supplier fails" as the description);
    * the guidance row right under the header, saying what goes in each column ("Describe the
      risk", "1-5 (see key)", "Auto-calculated"): every cell text, and the rating cells
      instructions, not ratings;
    * a key or note beside the table: cells only in columns right of a column left blank
      (no header, no data) after the table's last column."""
    cols = ctx.loc.columns
    c_ref, c_desc = cols.get("ref"), cols.get("description")
    for c in (c_ref, c_desc):
        v = row[c] if c is not None and c < len(row) else ""
        if isinstance(v, str) and _EXAMPLE.match(v.strip()):
            return f"the template's example row ('{clean_text(v)[:60]}')"
    if not records and r == ctx.loc.header_row + 1 and all(isinstance(v, str) for _, v in own):
        rating = [row[cols[n]] for n in RATING_COLUMNS
                  if n in cols and cols[n] < len(row) and not _blank(row[cols[n]])]
        ref = row[c_ref] if c_ref is not None and c_ref < len(row) else ""
        if rating and all(_GUIDANCE.search(str(v)) for v in rating) \
                and not (isinstance(ref, str) and _REF_LIKE.match(ref.strip())):
            return f"the template's guidance under the header ('{first_text[:60]}')"
    last = max(cols.values(), default=-1)
    if own and own[0][0] > last + 1 and any(c not in extras for c in range(last + 1, own[0][0])):
        # A column between the table and this row's first cell is blank from the header
        # down (no header, no data: extras holds every column with either).
        return f"a key or note beside the table ('{first_text[:60]}')"
    return ""


#: A total line under a register ("Total", "Total risks: 12").
_TOTAL = re.compile(r"^(?:grand\s+|sub[\s-]?)?totals?\b", re.IGNORECASE)


def _is_rated(rec: dict) -> bool:
    """A risk (or a plain register's row), rated on the matrix; not a RAID log's assumption,
    issue or dependency."""
    return not rec.get("raid_type") or rec["raid_type"] in RATED_KINDS


def _note_words(ctx: SheetContext, records: list[dict]) -> None:
    """One ``rating-from-words`` note per sheet that rated risks in words or probabilities,
    saying how they were read (the text itself is kept on every row)."""
    seen: dict[str, str] = {}
    first_row = None
    for rec in records:
        text = rec.get("rating_text") or ""
        if not text:
            continue
        first_row = first_row or rec["source_row"]
        if len(seen) < 6 and text not in seen:
            seen[text] = rec.get("rating_band") or (
                f"{rec['likelihood']} x {rec['impact']}"
                if rec.get("likelihood") is not None and rec.get("impact") is not None else "")
    if not seen:
        return
    how = ", ".join(f"'{t}' as {b}" if b else f"'{t}'" for t, b in seen.items())
    ctx.issue("rating-from-words", message("rating-from-words", "words", words=how),
              row=first_row, value=next(iter(seen)))


def _raid_type(get: Callable[[str], object], present: set[str], sheet_kind: str) -> str:
    if "raid_type" in present:
        raw = clean_text(cell_text(get("raid_type")))
        if raw:
            return raid_kind(raw) or raw
    return sheet_kind


def _record(ctx: SheetContext, excel_row: int, get: Callable[[str], object], present: set[str],
            matrix: RiskMatrix, section: str, has_current: bool, sheet_kind: str = "",
            worded: frozenset[str] = frozenset()) -> dict:
    rec: dict = {"file": ctx.file, "sheet": ctx.sheet, "source_row": excel_row, "key": "",
                 "section": section}
    for name in TEXT_FIELDS:
        rec[name] = clean_text(cell_text(get(name)))
    rec["category"] = rec["category"] or section
    rec["status"] = clean_text(cell_text(get("status")))
    rec["raid_type"] = _raid_type(get, present, sheet_kind)
    rated = _is_rated(rec)
    words = ctx.programme.rating_words
    cells: dict[str, str] = {}
    bad: list[tuple[str, str, str]] = []
    ratings: dict[str, Rating | None] = {}
    written: list[str] = []
    rec["rating_band"] = ""
    for kind in RATING_KINDS:
        src = RATING_SOURCES[kind]
        got = read_rating(get, src, present, matrix, words, worded) if rated else \
            RatingRead(cells={p: src.cell for p in ("likelihood", "impact", "score")})
        ratings[kind] = got.rating
        bad.extend(got.errors)
        cells.update({f"{kind}.{part}": col for part, col in got.cells.items()})
        r = got.rating
        rec[src.tidy("likelihood")] = r.likelihood if r else None
        rec[src.tidy("impact")] = r.impact if r else None
        rec[src.tidy("score")] = r.score if r else None
        if got.text:
            written.append((got.text, kind))
        if kind == "current" and got.band is not None:
            rec["rating_band"] = got.band.name
    if not rated:  # an issue's or an assumption's priority, kept as written
        written = [(t, "current") for t in (clean_text(cell_text(get(n))) for n in
                   ("current_rating", "likelihood", "impact", "score")) if t][:1]
    if len(written) == 1 and written[0][1] == "current":
        rec["rating_text"] = written[0][0]
    else:
        rec["rating_text"] = "; ".join(f"{KIND_LABELS[k]}: {t}" for t, k in written)
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
        ctx.issue("missing-value", message("missing-value", "description", item=_item(rec)),
                  row=excel_row, column="description")
    if not rated:
        return rec
    current_bad = any(col in {cells[f"current.{p}"] for p in ("likelihood", "impact", "score")}
                      for col, _, _ in bad)
    if has_current and current is None and not current_bad and not rec["rating_band"]:
        ctx.issue("missing-value", message("missing-value", "current-rating"), row=excel_row,
                  column=cells["current.likelihood"])
    elif current is not None and (current.likelihood is None) != (current.impact is None):
        part = "impact" if current.impact is None else "likelihood"
        if cells[f"current.{part}"] not in {col for col, _, _ in bad}:
            ctx.issue("missing-value", message("missing-value", "current-part", part=part),
                      row=excel_row,
                      column=cells[f"current.{part}"])
    return rec


KIND_LABELS = {"inherent": "Inherent", "previous": "Previous", "current": "Current",
               "target": "Target"}


def _item(rec: dict) -> str:
    """'risk', or the RAID kind in lower case ('issue')."""
    kind = rec.get("raid_type") or ""
    return "risk" if not kind or kind == "Risk" else kind.lower()
