"""Rules for scorecard rows: readable values, a known polarity, a Trend cell that agrees.

Each rule exists because of what it protects: a value that is not a number silently drops a
point from the trend (``bad-value``); without a polarity the trend cannot be coloured at all,
since "up" is good for one indicator and bad for the next (``unknown-polarity``); and a Trend
cell coloured by hand that disagrees with the values under the seed's rules would show the board
the wrong colour (``trend-mismatch``).
"""
from __future__ import annotations

import pandas as pd

from ..catalogue import message
from ..issues import col_index
from ..normalise.common import SheetContext
from ..schema.scorecard import parse_measure_value

#: The issue codes this module can raise (each in :mod:`xlplan.catalogue`).
CODES: tuple[str, ...] = (
    "missing-value", "bad-value", "duplicate-ref", "unknown-polarity", "trend-mismatch")


def validate_scorecard(df: pd.DataFrame, ctx: SheetContext) -> None:
    """Value rules over one sheet's tidy indicator rows; issues go to ``ctx.issues``."""
    cols = ctx.loc.columns
    for rec in df.to_dict("records"):
        row = int(rec["source_row"])
        if not rec["indicator"]:
            ctx.issue("missing-value", message("missing-value", "indicator"), row=row,
                      column="indicator")
        _bad_values(rec, ctx)
        if not rec["polarity"] and _has_values(rec):
            _unknown_polarity(rec, ctx, "polarity" in cols)
        _trend_mismatch(rec, ctx)
    _duplicate_refs(df, ctx)


def _has_values(rec: dict) -> bool:
    return any(v is not None for v in rec["values"])


def _bad_values(rec: dict, ctx: SheetContext) -> None:
    for text, cell, label in zip(rec["values_text"], rec["value_cells"], rec["value_labels"]):
        if not text:
            continue
        try:
            parse_measure_value(text)
        except ValueError:
            letters = "".join(ch for ch in cell if ch.isalpha())
            ctx.issue("bad-value", message("bad-value", text=text, label=label),
                      row=int(rec["source_row"]), col=col_index(letters), value=text)


def _unknown_polarity(rec: dict, ctx: SheetContext, has_column: bool) -> None:
    said = rec["polarity_text"]
    where = "polarity" if has_column else ("comments" if "comments" in ctx.loc.columns
                                           else "indicator")
    if said:
        text = message("unknown-polarity", "not-understood", said=said)
    elif has_column or "comments" in ctx.loc.columns:
        text = message("unknown-polarity", "in-column",
                       column="Polarity" if has_column else "Comments")
    else:
        text = message("unknown-polarity", "no-column")
    ctx.issue("unknown-polarity", text, row=int(rec["source_row"]), column=where,
              value=said or None)


def _trend_mismatch(rec: dict, ctx: SheetContext) -> None:
    stated, computed = rec["trend_stated"], rec["trend_rag"]
    if not stated or not computed or stated == computed:
        return
    shown = [t for t in rec["values_text"] if t][-4:]
    case = "says" if rec["trend_stated_source"] == "text" else "coloured"
    direction = "High is good" if rec["polarity"] == "high" else "Low is good"
    ctx.issue("trend-mismatch", message("trend-mismatch", case, stated=stated,
                                        values=" -> ".join(shown), polarity=direction,
                                        computed=computed),
              row=int(rec["source_row"]), column="trend",
              value=rec["trend_text"] or stated)


def _duplicate_refs(df: pd.DataFrame, ctx: SheetContext) -> None:
    """``duplicate-ref`` for a Ref used twice on one sheet: the rows could not be told apart
    next month."""
    if df.empty or "ref" not in ctx.loc.columns:
        return
    first: dict[str, int] = {}
    for ref, row in zip(df["ref"], df["source_row"]):
        if not ref:
            continue
        if ref in first:
            ctx.issue("duplicate-ref", message("duplicate-ref", "sheet", ref=ref,
                                               row=first[ref]), row=int(row),
                      column="ref", value=ref)
        else:
            first[ref] = int(row)
