"""Rules for action-plan rows: RAG on the programme's scale, readable milestones, unique refs."""
from __future__ import annotations

import pandas as pd

from ..normalise.actions import MARKER_COLUMNS
from ..normalise.common import SheetContext
from ..schema.columns import SCHEMAS
from ..schema.markers import UNKNOWN, parse_marker, parse_timeframe


def validate_required_columns(ctx: SheetContext) -> None:
    """A ``missing-column`` error for each required column the header row lacks."""
    schema = SCHEMAS[ctx.loc.kind]
    header_row = ctx.loc.header_row + 1
    for name in schema.required:
        if name in ctx.loc.columns:
            continue
        col = schema.column(name)
        examples = ", ".join(f"'{a.title() if len(a) > 3 else a.upper()}'"
                             for a in col.aliases[:4])
        ctx.issue("missing-column", f"no {col.header} column in the header row (row "
                  f"{header_row}); add one headed {examples}", row=header_row, value=col.header)


def validate_actions(df: pd.DataFrame, ctx: SheetContext) -> None:
    """Value rules over one sheet's tidy action rows; issues go to ``ctx.issues``."""
    cols = ctx.loc.columns
    scale = ctx.programme.rag
    start_month = ctx.programme.financial_year_start_month
    has_rag = "rag" in cols
    for rec in df.itertuples(index=False):
        row = rec.source_row
        if has_rag and rec.rag_source == "unknown":
            ctx.issue("unknown-rag", f"RAG value '{rec.rag_text}' is not on the scale "
                      f"({scale.display()})", row=row, column="rag", value=rec.rag_text)
        elif has_rag and not rec.rag and rec.updates and not rec.complete:
            ctx.issue("missing-rag", "this action has an update but no RAG status",
                      row=row, column="rag")
        for name in MARKER_COLUMNS:
            text = getattr(rec, name)
            if name in cols and text:
                m = parse_marker(text, start_month)
                if m is not None and m.kind == UNKNOWN:
                    ctx.issue("unknown-marker", f"milestone '{text}' in {name.upper()} is not X, "
                              "Complete, a date or a quarter such as 'Q2 18/19'; kept as written",
                              row=row, column=name, value=text)
        if "timeframe" in cols and rec.timeframe:
            m = parse_timeframe(rec.timeframe, start_month)
            if m is not None and m.kind == UNKNOWN:
                ctx.issue("unknown-marker", f"timeframe '{rec.timeframe}' gives no date xlplan "
                          "can read (e.g. 'Oct-18', '2018/19', 'Autumn 2018'); kept as written",
                          row=row, column="timeframe", value=rec.timeframe)


def duplicate_refs(df: pd.DataFrame, issues_out: list, locations: dict) -> None:
    """``duplicate-ref`` for a Ref used twice in one file (every sheet of it together)."""
    from ..issues import at

    if df.empty:
        return
    refs = df[df["ref"] != ""]
    for ref, group in refs.groupby("ref", sort=True):
        if len(group) < 2:
            continue
        first = group.iloc[0]
        for rec in group.iloc[1:].itertuples(index=False):
            col = locations.get((rec.sheet, "ref"))
            issues_out.append(at("duplicate-ref", f"Ref '{ref}' is used again here (first at "
                                 f"{first['sheet']} row {first['source_row']}): give each row its "
                                 "own Ref", file=rec.file, sheet=rec.sheet, row=rec.source_row,
                                 col=col, value=ref))
