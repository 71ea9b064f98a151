"""The Changes sheet (only with a previous workbook): what moved since last month.

A table named ``Changes`` from A1: Change, Key, Ref, Theme, Action, Sub action, SRO, Previous RAG,
RAG, Source file -- ``merged.changes`` ordered Worsened, Improved, New, Carried forward, Same
(the merge's order within each group is kept).
"""
from __future__ import annotations

from ..consolidated import CHANGES, TABLE_CHANGES
from ..merging import CARRIED, IMPROVED, NEW, SAME, WORSENED
from .formats import ERROR_FONT, GOOD_FONT, GREY, Formats, add_streaming_worksheet, \
    is_blank
from .tables import write_table

ORDER = {WORSENED: 0, IMPROVED: 1, NEW: 2, CARRIED: 3, SAME: 4}
COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("Change", "change", 16), ("Key", "key", 14), ("Ref", "ref", 8), ("Theme", "theme", 26),
    ("Action", "action", 40), ("Sub action", "sub_action", 45), ("SRO", "sro", 26),
    ("Previous RAG", "previous_rag", 12), ("RAG", "rag", 12), ("Source file", "file", 30),
)
CHANGE_FONT = {WORSENED: ERROR_FONT, IMPROVED: GOOD_FONT, NEW: "#2F5597", CARRIED: GREY}


def change_rows(merged, fmts: Formats) -> list[list]:
    ch = merged.changes
    if ch is None or ch.empty:
        return []
    recs = ch.to_dict("records")
    recs = sorted(recs, key=lambda r: ORDER.get(r.get("change", ""), 9))  # stable
    rows = []
    for rec in recs:
        row = []
        for _, tidy, _ in COLUMNS:
            v = rec.get(tidy, "")
            v = "" if is_blank(v) else v
            if tidy in ("rag", "previous_rag"):
                v = fmts.rag_cell_text(str(v), str(v))
            row.append(v)
        rows.append(row)
    return rows


def write_changes(wb, merged, fmts: Formats):
    ws = add_streaming_worksheet(wb, CHANGES)
    rows = change_rows(merged, fmts)
    wrap = fmts.text()
    centred = fmts.text(align="center")
    by_col = [None, *(centred if t in ("rag", "previous_rag") else wrap
                      for _, t, _ in COLUMNS[1:])]
    change_fmt: dict = {}

    def cell_format(i, c, value):
        if c == 0:
            fmt = change_fmt.get(value) if isinstance(value, str) else None
            if fmt is None:
                fmt = fmts.text(bold=True, font_color=CHANGE_FONT.get(value, "#000000"),
                                italic=value == CARRIED)
                if isinstance(value, str):
                    change_fmt[value] = fmt
            return fmt
        return by_col[c]

    write_table(ws, fmts, name=TABLE_CHANGES, headers=[h for h, _, _ in COLUMNS], rows=rows,
                widths=[w for _, _, w in COLUMNS],
                title=f"{merged.programme.name} - Changes since last month ({merged.period})",
                cell_format=cell_format, rag_columns=[7, 8])
    return ws
