"""Rules for action-plan rows: RAG on the programme's scale, readable milestones, unique refs."""
from __future__ import annotations

from collections import Counter

import pandas as pd

from ..catalogue import message
from ..normalise.actions import MARKER_COLUMNS
from ..normalise.common import SheetContext
from ..schema.columns import SCHEMAS
from ..schema.markers import UNKNOWN, parse_marker, parse_timeframe

#: The issue codes this module can raise (each in :mod:`xlplan.catalogue`).
CODES: tuple[str, ...] = (
    "missing-column", "unknown-rag", "missing-rag", "unknown-marker", "duplicate-ref")


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
        ctx.issue("missing-column", message("missing-column", column=col.header, row=header_row,
                                            add=f"one headed {examples}"),
                  row=header_row, value=col.header)


def validate_actions(df: pd.DataFrame, ctx: SheetContext) -> None:
    """Value rules over one sheet's tidy action rows; issues go to ``ctx.issues``.

    Each rule first finds its rows a column at a time (a milestone text is parsed once however
    many rows carry it; most rows break no rule), then the issues are written row by row, in the
    order a reader goes down the sheet."""
    cols = ctx.loc.columns
    start_month = ctx.programme.financial_year_start_month
    markers = [name for name in MARKER_COLUMNS if name in cols]
    column = _Columns(df)
    unknown_rag: set[int] = set()
    missing_rag: set[int] = set()
    if "rag" in cols:
        rag_source = column["rag_source"]
        if "unknown" in rag_source:
            unknown_rag = {i for i, source in enumerate(rag_source) if source == "unknown"}
        rag = column["rag"]
        if not all(rag):  # a row without a RAG: has it an update and is it not complete?
            missing_rag = {i for i, (level, update, complete) in enumerate(
                zip(rag, column["updates"], column["complete"]))
                if not level and update and not complete and i not in unknown_rag}
    unread = {name: _unread(column[name], lambda text: parse_marker(text, start_month))
              for name in markers}
    timeframe = _unread(column["timeframe"], lambda text: parse_timeframe(text, start_month)) \
        if "timeframe" in cols else set()
    flagged = sorted(unknown_rag.union(missing_rag, timeframe, *unread.values()))
    if not flagged:
        return

    rows = column["source_row"]
    scale = ctx.programme.rag
    for i in flagged:
        row = rows[i]
        if i in unknown_rag:
            rag_text = column["rag_text"][i]
            ctx.issue("unknown-rag", message("unknown-rag", value=rag_text,
                                             scale=scale.display()),
                      row=row, column="rag", value=rag_text)
        elif i in missing_rag:
            ctx.issue("missing-rag", message("missing-rag"), row=row, column="rag")
        for name in markers:
            if i in unread[name]:
                text = column[name][i]
                ctx.issue("unknown-marker", message("unknown-marker", "milestone", text=text,
                                                    column=name.upper()),
                          row=row, column=name, value=text)
        if i in timeframe:
            text = column["timeframe"][i]
            ctx.issue("unknown-marker", message("unknown-marker", "timeframe", text=text),
                      row=row, column="timeframe", value=text)


class _Columns(dict):
    """A frame's columns as lists, each fetched the first time a rule needs it (taking a
    column out of a DataFrame costs more than checking a small plan's rows)."""

    def __init__(self, df: pd.DataFrame):
        super().__init__()
        self.df = df

    def __missing__(self, name: str) -> list:
        values = self[name] = self.df[name].tolist()
        return values


def _unread(texts: list, parse) -> set[int]:
    """Rows whose text ``parse`` reads as kind unknown. Each distinct text is parsed once (equal
    texts are one set member, as they were one cache key row by row)."""
    unknown = {text for text in set(texts) if text
               and (m := parse(text)) is not None and m.kind == UNKNOWN}
    if not unknown:
        return set()
    return {i for i, text in enumerate(texts) if text in unknown}


def duplicate_refs(df: pd.DataFrame, issues_out: list, locations: dict) -> None:
    """``duplicate-ref`` for a Ref used twice in one file (every sheet of it together)."""
    from ..issues import at

    if df.empty:
        return
    # Counted in C; positions are gathered only for the Refs used twice (a list per Ref cost
    # more than the count, and made the garbage collector walk the whole sheet).
    refs = df["ref"].tolist()
    dups = sorted(ref for ref, n in Counter(refs).items()
                  if n > 1 and ref is not None and ref == ref and ref != "")  # not blank/NaN
    if not dups:
        return
    where: dict = {ref: [] for ref in dups}
    for i, ref in enumerate(refs):
        if ref in where:
            where[ref].append(i)
    files, sheets, source_rows = (df[c].tolist() for c in ("file", "sheet", "source_row"))
    for ref in dups:
        first, *again = where[ref]
        for i in again:
            col = locations.get((sheets[i], "ref"))
            issues_out.append(at("duplicate-ref", message("duplicate-ref", "file", ref=ref,
                                                          sheet=sheets[first],
                                                          row=source_rows[first]),
                                 file=files[i], sheet=sheets[i], row=source_rows[i],
                                 col=col, value=ref))
