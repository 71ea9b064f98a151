"""The Changes sheet (only with a previous workbook): what moved since last month.

A table named ``Changes`` from A1 lists the rows that changed -- Worsened, Closed (moved to
Complete), Improved, New, Carried forward, in that order (the merge's order within each group
is kept): Change, Ref, Theme, Action, Sub action, SRO, Update, Previous RAG, RAG, then, outside
the print area, Key and Source file.

Unchanged rows are counted, not listed: beside the table (and in the printed page's header) a
note gives how many kept the same RAG and how many had no RAG either month ("not reported" is
not "the same").
"""
from __future__ import annotations

from dataclasses import dataclass

from ..consolidated import CHANGES, TABLE_CHANGES
from ..schema.movement import CARRIED, IMPROVED, NEW, SAME, WORSENED
from ..schema.rag import COMPLETE
from .formats import BLUE, ERROR_FONT, GOOD_FONT, GREY, NAVY, Formats, \
    is_blank, put_text, remember_page
from .tables import write_table

#: A row whose RAG moved to Complete this month.
CLOSED = "Closed"
ORDER = {WORSENED: 0, CLOSED: 1, IMPROVED: 2, NEW: 3, CARRIED: 4, SAME: 5}
#: (header, tidy column, width). The first :data:`PRINTED` columns are printed (154 wide: one
#: A4 landscape page at 8 pt or more, see :data:`~xlplan.layout.PRINT_BUDGET`).
COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("Change", "change", 12), ("Ref", "ref", 5), ("Theme", "theme", 13),
    ("Action", "action", 22), ("Sub action", "sub_action", 25), ("SRO", "sro", 13),
    ("Update", "updates", 46), ("Previous RAG", "previous_rag", 9), ("RAG", "rag", 9),
    ("Key", "key", 14), ("Source file", "file", 30),
)
PRINTED = 9
CHANGE_FONT = {WORSENED: ERROR_FONT, IMPROVED: GOOD_FONT, CLOSED: GOOD_FONT, NEW: BLUE,
               CARRIED: GREY}


@dataclass
class ChangeCounts:
    """The rows of the month by what happened to them."""

    listed: int = 0
    same: int = 0          # the same RAG as last month
    not_reported: int = 0  # no RAG this month or last

    def note(self) -> str:
        return (f"{self.listed} change{'s' if self.listed != 1 else ''} listed. Not listed: "
                f"{self.same} unchanged (same RAG as last month), {self.not_reported} not "
                "reported either month.")


def change_label(rec: dict) -> str:
    """The row's change, with "Closed" for an improvement to Complete and "Not reported" for a
    row with no RAG either month (the merge calls it "Same")."""
    change = str(rec.get("change", "") or "")
    rag, prev = rec.get("rag", ""), rec.get("previous_rag", "")
    rag = "" if is_blank(rag) else str(rag)
    prev = "" if is_blank(prev) else str(prev)
    if change == SAME and not rag and not prev:
        return "Not reported"
    if change == IMPROVED and rag == COMPLETE:
        return CLOSED
    return change


def change_rows(merged, fmts: Formats) -> tuple[list[list], ChangeCounts]:
    """The rows to list (changed ones only, ordered) and the counts of the rest."""
    counts = ChangeCounts()
    ch = merged.changes
    if ch is None or ch.empty:
        return [], counts
    updates: dict[str, object] = {}
    acts = merged.actions
    if acts is not None and not acts.empty and {"key", "updates"} <= set(acts.columns):
        updates = dict(zip(acts["key"].tolist(), acts["updates"].tolist()))
    recs = []
    for rec in ch.to_dict("records"):
        label = change_label(rec)
        if label == SAME:
            counts.same += 1
        elif label == "Not reported":
            counts.not_reported += 1
        else:
            recs.append({**rec, "change": label, "updates": updates.get(rec.get("key"), "")})
    recs.sort(key=lambda r: ORDER.get(r.get("change", ""), 9))  # stable
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
    counts.listed = len(rows)
    return rows, counts


def write_changes(wb, merged, fmts: Formats):
    remember_page(fmts, merged)
    ws = wb.add_worksheet(CHANGES)
    rows, counts = change_rows(merged, fmts)
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

    note = counts.note()
    # The counts beside the table, on its header row.
    put_text(ws, fmts, 0, len(COLUMNS) + 1, note,
             fmts.get(italic=True, bold=True, font_color=NAVY, valign="top"))
    ws.set_column(len(COLUMNS) + 1, len(COLUMNS) + 1, 60)
    rag_cols = [i for i, (_, t, _) in enumerate(COLUMNS) if t in ("rag", "previous_rag")]
    write_table(ws, fmts, name=TABLE_CHANGES, headers=[h for h, _, _ in COLUMNS], rows=rows,
                widths=[w for _, _, w in COLUMNS],
                title=f"{merged.programme.name} - Changes since last month "
                      f"({merged.period}): {note}",
                cell_format=cell_format, rag_columns=rag_cols, printed=PRINTED)
    return ws
