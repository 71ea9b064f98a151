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
    markers = [name for name in MARKER_COLUMNS if name in cols]
    parsed: dict = {}
    # Plain lists, column by column: itertuples over pandas string columns costs ~30x more.
    fields = ("source_row", "rag_source", "rag_text", "rag", "updates", "complete", "timeframe",
              *markers)
    for row, rag_source, rag_text, rag, updates, complete, timeframe, *marks in zip(
            *(df[f].tolist() for f in fields)):
        if has_rag and rag_source == "unknown":
            ctx.issue("unknown-rag", f"RAG value '{rag_text}' is not on the scale "
                      f"({scale.display()})", row=row, column="rag", value=rag_text)
        elif has_rag and not rag and updates and not complete:
            ctx.issue("missing-rag", "this action has an update but no RAG status",
                      row=row, column="rag")
        for name, text in zip(markers, marks):
            if text:
                m = parsed.get(text, parsed)
                if m is parsed:  # the same few words on most rows; parse_marker is pure
                    m = parsed[text] = parse_marker(text, start_month)
                if m is not None and m.kind == UNKNOWN:
                    ctx.issue("unknown-marker", f"milestone '{text}' in {name.upper()} is not X, "
                              "Complete, a date or a quarter such as 'Q2 18/19'; kept as written",
                              row=row, column=name, value=text)
        if "timeframe" in cols and timeframe:
            m = parse_timeframe(timeframe, start_month)
            if m is not None and m.kind == UNKNOWN:
                ctx.issue("unknown-marker", f"timeframe '{timeframe}' gives no date xlplan "
                          "can read (e.g. 'Oct-18', '2018/19', 'Autumn 2018'); kept as written",
                          row=row, column="timeframe", value=timeframe)


def duplicate_refs(df: pd.DataFrame, issues_out: list, locations: dict) -> None:
    """``duplicate-ref`` for a Ref used twice in one file (every sheet of it together)."""
    from ..issues import at

    if df.empty:
        return
    # One pass with a dict (a groupby costs ~12 ms per file, nearly all of it overhead).
    where: dict[str, list[int]] = {}
    for i, ref in enumerate(df["ref"].tolist()):
        if ref is not None and ref == ref and ref != "":  # not blank, None or NaN
            where.setdefault(ref, []).append(i)
    dups = sorted(ref for ref, rows in where.items() if len(rows) > 1)
    if not dups:
        return
    files, sheets, source_rows = (df[c].tolist() for c in ("file", "sheet", "source_row"))
    for ref in dups:
        first, *again = where[ref]
        for i in again:
            col = locations.get((sheets[i], "ref"))
            issues_out.append(at("duplicate-ref", f"Ref '{ref}' is used again here (first at "
                                 f"{sheets[first]} row {source_rows[first]}): give each row its "
                                 "own Ref", file=files[i], sheet=sheets[i], row=source_rows[i],
                                 col=col, value=ref))
