"""Rules for risk rows: readable ratings on the programme's matrix, RAG in the score's band,
movement that agrees with the scores, residual no worse than inherent, reviews on time, scores
within appetite. ``duplicate-ref`` is checked for every kind of table by :mod:`xlplan.api`.

The rating rules themselves live in :mod:`xlplan.schema.risk` (:func:`check_rating`); this module
only points each finding at the cell it is about, using the columns the normaliser recorded for
every part of every rating (``_cells``), so a wrong likelihood is reported at the Likelihood
cell in a register with split columns and at the rating cell ("6 4 24") in one without.

Derived checks (band, movement, inherent, appetite) are made only on sound ratings: a rating
already reported as wrong would only repeat the same mistake in other words.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from ..catalogue import message
from ..normalise.common import SheetContext, records
from ..normalise.risks import RATING_KINDS, RATING_SOURCES
from ..schema.risk import Rating, RiskMatrix, check_rating, movement

#: The issue codes this module can raise (each in :mod:`xlplan.catalogue`).
CODES: tuple[str, ...] = (
    "bad-rating", "out-of-range", "impossible-score", "score-mismatch", "unknown-rag",
    "rag-band-mismatch", "own-rag-bands", "movement-mismatch", "residual-above-inherent",
    "review-overdue", "above-appetite")

__all__ = ["validate_risks", "judge_rating", "today_for", "AGREEING_MOVEMENTS", "KIND_WORDS"]

KIND_WORDS = {"inherent": "inherent rating", "previous": "previous rating",
              "current": "current rating", "target": "target rating"}

#: (movement from the scores, movement written) pairs that are not a mismatch: a dash for a
#: risk new this time is the seed's way of writing "no movement yet" (OCC4: 'New', '— A').
AGREEING_MOVEMENTS: frozenset[tuple[str, str]] = frozenset({("New", "Same")})


def today_for(ctx: SheetContext) -> dt.date:
    """'Today' for date rules: the programme's ``today`` setting when given (tests, re-runs of
    an old month), else the date."""
    raw = ctx.programme.raw or {}
    value = raw.get("today", (raw.get("programme") or {}).get("today"))
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    return dt.date.today()


def judge_rating(r: Rating | None, m: RiskMatrix) -> list[tuple[str, str, str]]:
    """``check_rating``'s findings as (code, part, message), part being the likelihood, impact
    or score the finding is about, so it can be reported at that part's cell."""
    if r is None or r.is_new:
        return []
    out = []
    for part, alone in (("likelihood", Rating(r.likelihood, None, None)),
                        ("impact", Rating(None, r.impact, None))):
        out += [(code, part, msg) for code, msg in check_rating(alone, m) if code == "out-of-range"]
    out += [(code, "score", msg) for code, msg in check_rating(r, m) if code != "out-of-range"]
    return out


def _int(v: object) -> int | None:
    if v is None or isinstance(v, bool) or (isinstance(v, float) and v != v):
        return None
    return int(v) if isinstance(v, (int, float)) else None


def _rating(rec: dict, kind: str) -> Rating | None:
    src = RATING_SOURCES[kind]
    if kind == "previous" and rec.get("previous_new"):
        return Rating(None, None, None, is_new=True)
    parts = [_int(rec.get(src.tidy(p))) for p in ("likelihood", "impact", "score")]
    return Rating(*parts) if any(p is not None for p in parts) else None


def _value(r: Rating, part: str) -> object:
    return {"likelihood": r.likelihood, "impact": r.impact, "score": r.score}[part]


def _check_ratings(rec: dict, ctx: SheetContext, m: RiskMatrix) -> dict[str, Rating | None]:
    """Report every rating problem of one risk; return its sound ratings by kind."""
    row, cells = rec["source_row"], rec["_cells"]
    bad_cols = set()
    for col, text, value in rec["_bad_ratings"]:
        bad_cols.add(col)
        ctx.issue("bad-rating", text, row=row, column=col, value=value)
    sound: dict[str, Rating | None] = {}
    for kind in RATING_KINDS:
        r = _rating(rec, kind)
        problems = judge_rating(r, m)
        for code, part, text in problems:
            ctx.issue(code, f"{KIND_WORDS[kind]}: {text}", row=row,
                      column=cells.get(f"{kind}.{part}"), value=_value(r, part))
        own_cols = {cells.get(f"{kind}.{p}") for p in ("likelihood", "impact", "score")}
        # A likelihood without an impact (or the reverse) is missing-value: not sound either.
        whole = r is not None and (r.is_new or (r.score is not None and
                                                (r.likelihood is None) == (r.impact is None)))
        sound[kind] = r if whole and not problems and not (own_cols & bad_cols) else None
    return sound


#: RAG levels from least to most severe, to tell whether a register's own RAG rises with score.
RAG_ORDER = ("Green", "Amber/Green", "Amber", "Amber/Red", "Red")
#: A register's own bands are told from this many rated risks at least, and two RAG levels.
OWN_BANDS_MIN_ROWS = 5


def own_bands(pairs: list[tuple[int, str]], m: RiskMatrix) -> list[tuple[str, int, int]] | None:
    """The register's own RAG bands, as (RAG, lowest score, highest score), when its RAG column
    follows bands of its own: every score has one RAG, the RAG never falls as the score rises,
    it disagrees with the programme's matrix somewhere, and there are enough rows to tell
    (:data:`OWN_BANDS_MIN_ROWS`, two RAG levels at least). None otherwise: then each
    disagreement is a ``rag-band-mismatch`` of its own."""
    pairs = [(s, r) for s, r in pairs if r in RAG_ORDER]
    if len(pairs) < OWN_BANDS_MIN_ROWS or len({r for _, r in pairs}) < 2:
        return None
    if all(m.rag_for(s) == r for s, r in pairs):
        return None
    bands: list[tuple[str, int, int]] = []
    for score, rag in sorted(pairs, key=lambda p: (p[0], RAG_ORDER.index(p[1]))):
        if bands and bands[-1][0] == rag:
            bands[-1] = (rag, bands[-1][1], score)
            continue
        if bands and (RAG_ORDER.index(rag) < RAG_ORDER.index(bands[-1][0])
                      or score == bands[-1][2]):
            return None  # the RAG falls as the score rises, or one score has two RAGs
        bands.append((rag, score, score))
    return bands


def _check_own_bands(rows: list[dict], ctx: SheetContext, m: RiskMatrix) -> bool:
    """One ``own-rag-bands`` note when the register rates by bands of its own (then its RAG is
    kept as written, and not flagged row by row); True when it does."""
    pairs = []
    for rec in rows:
        score = effective(rec)
        if score is not None and rec.get("rag_source") == "text" and rec.get("rag"):
            pairs.append((score, rec["rag"]))
    bands = own_bands(pairs, m)
    if bands is None:
        return False
    label = ctx.programme.rag.label
    said = ", ".join(f"{label(rag)} {lo}-{hi}" if lo != hi else f"{label(rag)} {lo}"
                     for rag, lo, hi in bands)
    ctx.issue("own-rag-bands", message("own-rag-bands", bands=said), row=ctx.loc.header_row + 1,
              column="rag", value=said)
    return True


def effective(rec: dict) -> int | None:
    """The current score of a tidy risk row: likelihood x impact, else the score written."""
    lik, imp, score = (_int(rec.get(n)) for n in ("likelihood", "impact", "score"))
    return lik * imp if lik is not None and imp is not None else score


def _check_rag(rec: dict, ctx: SheetContext, m: RiskMatrix, current: Rating | None,
               own: bool = False) -> None:
    scale = ctx.programme.rag
    row, col = rec["source_row"], rec["_cells"].get("rag")
    if rec["rag_source"] == "unknown":
        ctx.issue("unknown-rag", message("unknown-rag", value=rec["rag_text"],
                                         scale=scale.display()),
                  row=row, column=col, value=rec["rag_text"])
        return
    if current is None or current.is_new or not rec["rag"] or own:
        return
    band = m.band_for(current.score)
    if band is not None and band.rag != rec["rag"]:
        ctx.issue("rag-band-mismatch", message("rag-band-mismatch", rag=scale.label(rec["rag"]),
                                               score=current.score, band=band.name,
                                               band_rag=scale.label(band.rag)),
                  row=row, column=col, value=rec["rag_text"])


def _check_movement(rec: dict, ctx: SheetContext, sound: dict[str, Rating | None]) -> None:
    written = rec.get("movement_written") or ""
    current, previous = sound["current"], sound["previous"]
    if not written or current is None:
        return
    if previous is None and not rec.get("previous_new"):
        return  # no previous rating to judge against (or a wrong one, already reported)
    derived = movement(previous.score if previous else None, current.score,
                       bool(rec.get("previous_new")))
    if derived and derived != written and (derived, written) not in AGREEING_MOVEMENTS:
        was = "New" if rec.get("previous_new") else str(previous.score)  # type: ignore[union-attr]
        ctx.issue("movement-mismatch", message("movement-mismatch", written=written, was=was,
                                               score=current.score, derived=derived),
                  row=rec["source_row"],
                  column=rec["_cells"].get("movement", "movement"),
                  value=rec.get("movement_text") or written)


def _check_scores(rec: dict, ctx: SheetContext, m: RiskMatrix, sound: dict[str, Rating | None],
                  today: dt.date) -> None:
    row, cells = rec["source_row"], rec["_cells"]
    current, inherent = sound["current"], sound["inherent"]
    score_col = cells.get("current.score")
    if current is not None and not current.is_new:
        if inherent is not None and not inherent.is_new and current.score > inherent.score:
            ctx.issue("residual-above-inherent", message(
                "residual-above-inherent", current=current.score, inherent=inherent.score),
                      row=row, column=score_col,
                      value=current.score)
        if m.above_appetite(current.score):
            ctx.issue("above-appetite", message("above-appetite", score=current.score,
                                                appetite=m.appetite), row=row, column=score_col,
                      value=current.score)
    review = rec.get("review_date")
    if isinstance(review, dt.date) and review < today:
        ctx.issue("review-overdue", message("review-overdue", date=f"{review:%d %b %Y}"),
                  row=row, column="review_date",
                  value=review.isoformat())


def validate_risks(df: pd.DataFrame, ctx: SheetContext) -> None:
    """Value rules over one sheet's tidy risk rows; issues go to ``ctx.issues``."""
    if df.empty:
        return
    m = ctx.programme.risk_matrix
    today = today_for(ctx)
    rows = records(df)
    own = _check_own_bands(rows, ctx, m)
    for rec in rows:
        sound = _check_ratings(rec, ctx, m)
        _check_rag(rec, ctx, m, sound["current"], own)
        _check_movement(rec, ctx, sound)
        _check_scores(rec, ctx, m, sound, today)
