"""The Exceptions sheet: the rows a board discusses -- Red and Amber/Red, overdue milestones,
RAG worsened since last month -- each with the reason it is here.

A table named ``Exceptions`` from A1: Reason, Ref, SRO, Theme, Action, Sub action, Due, RAG,
Previous RAG, Movement, Updates -- the printed columns -- then Risks/Issues, Key, Source file,
Source row, in the workbook but outside the print area. Rows are ordered Red,
Amber/Red, worsened, overdue (a row with several reasons is listed once, under its first), in
the Actions order within each group. The sheet is left out when there is no exception.
"""
from __future__ import annotations

import datetime as dt

from ..consolidated import EXCEPTIONS, TABLE_EXCEPTIONS, action_col
from ..schema.movement import WORSENED
from ..schema.rag import AMBER_RED, RED
from .actions import actions_table
from .formats import ERROR_FONT, Formats, remember_page
from .tables import write_table

#: (header, tidy column, width); the first :data:`PRINTED` are printed, 154 wide: one A4
#: landscape page (see :data:`~xlplan.layout.PRINT_BUDGET`), 8 pt or larger.
COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("Reason", "", 15), ("Ref", "ref", 5), ("SRO", "sro", 12), ("Theme", "theme", 12),
    ("Action", "action", 19), ("Sub action", "sub_action", 21), ("Due", "due", 11.5),
    ("RAG", "rag", 9), ("Previous RAG", "previous_rag", 9), ("Movement", "movement", 9),
    ("Updates", "updates", 31.5),
    ("Risks/Issues", "risks_issues", 40), ("Key", "key", 14), ("Source file", "file", 30),
    ("Source row", "source_row", 8),
)
PRINTED = 11


def exception_rows(merged, fmts: Formats) -> list[tuple[int, str, list]]:
    """(priority, reason, Actions row values) of every exception, in sheet order."""
    table = actions_table(merged, fmts)
    due_c, mov_c = action_col("due"), action_col("movement")
    prev_c, rag_c = action_col("previous_rag"), action_col("rag")
    out = []
    for i, row in enumerate(table.rows):
        reasons: list[tuple[int, str]] = []
        level = table.levels[i]
        if level == RED:
            reasons.append((0, f"RAG {fmts.label(RED)}"))
        elif level == AMBER_RED:
            reasons.append((1, f"RAG {fmts.label(AMBER_RED)}"))
        if row[mov_c] == WORSENED:
            before = row[prev_c] or "blank"
            reasons.append((2, f"Worsened from {before} to {row[rag_c] or 'blank'}"))
        if table.overdue[i]:
            due = row[due_c]
            when = due.strftime("%d %b %Y") if isinstance(due, dt.date) else str(due)
            reasons.append((3, f"Overdue (due {when})" if when else "Overdue"))
        if reasons:
            out.append((reasons[0][0], "; ".join(r for _, r in reasons), row))
    out.sort(key=lambda t: t[0])  # stable: Actions order within a group
    return out


def write_exceptions(wb, merged, fmts: Formats):
    remember_page(fmts, merged)
    found = exception_rows(merged, fmts)
    ws = wb.add_worksheet(EXCEPTIONS)
    picks = [action_col(t) for _, t, _ in COLUMNS[1:]]
    rows = [[reason, *(arow[c] for c in picks)] for _, reason, arow in found]
    wrap = fmts.text()
    reason_fmt = fmts.text(bold=True, font_color=ERROR_FONT)
    due_fmt = fmts.date()
    centred = fmts.text(align="center")
    by_col = [reason_fmt, *(centred if t in ("rag", "previous_rag", "movement", "source_row")
                            else wrap for _, t, _ in COLUMNS[1:])]
    due_c = next(i for i, (_, t, _) in enumerate(COLUMNS) if t == "due")

    def cell_format(i, c, value):
        if c == due_c and isinstance(value, dt.date):
            return due_fmt
        return by_col[c]

    rag_cols = [i for i, (_, t, _) in enumerate(COLUMNS) if t in ("rag", "previous_rag")]
    write_table(ws, fmts, name=TABLE_EXCEPTIONS, headers=[h for h, _, _ in COLUMNS], rows=rows,
                widths=[w for _, _, w in COLUMNS],
                title=f"{merged.programme.name} - Exceptions {merged.period}",
                cell_format=cell_format, rag_columns=rag_cols, printed=PRINTED)
    return ws


def has_exceptions(merged) -> bool:
    a = merged.actions
    if a is None or a.empty:
        return False
    rag = a["rag"] if "rag" in a.columns else None
    if rag is not None and rag.isin([RED, AMBER_RED]).any():
        return True
    if "movement" in a.columns and (a["movement"] == WORSENED).any():
        return True
    if "overdue" in a.columns and a["overdue"].fillna(False).astype(bool).any():
        return True
    return False
