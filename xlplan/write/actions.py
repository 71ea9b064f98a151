"""The Actions sheet: every row of every file, as clean data and as a readable report.

Layout (see :mod:`xlplan.consolidated`): one header row at A1, an Excel table named ``Actions``
(autofilter, banded rows), the header frozen, then one row per tidy action row in the merge's
order, carried-forward rows included. Columns: :data:`~xlplan.consolidated.ACTION_FIELDS`, then
the extra columns. An empty merge still writes a valid table (one blank row).

* RAG and Previous RAG are coloured by conditional formatting, one ``cell equal to <label>``
  rule per level of the programme's scale, so a coordinator who changes a RAG sees the colour
  follow; the RAG column has a dropdown of the labels.
* Rows with an error keep their place: their Issues cell is filled light red and lists the
  codes (the Issues sheet has the details). Carried-forward rows are grey italic and say so in
  Status; overdue rows say ``Overdue`` in Status, in red.
* Due is a real date when the milestone has one.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..consolidated import ACTIONS, STATUS_CARRIED, STATUS_OVERDUE, TABLE_ACTIONS, action_col, \
    action_layout
from ..merge import IMPROVED, NEW, WORSENED
from .formats import ERROR_FILL, ERROR_FONT, GOOD_FONT, GREY, Formats, is_blank, print_setup, \
    put, put_text, range_ref, row_height

WIDTHS: dict[str, float] = {
    "key": 14, "ref": 8, "theme": 30, "aim": 40, "action": 45, "sub_action": 50, "sro": 28,
    "q1": 10, "q2": 10, "q3": 10, "q4": 10, "later": 10, "timeframe": 12, "due": 12,
    "updates": 55, "risks_issues": 45, "rag": 12, "previous_rag": 12, "movement": 11,
    "status": 16, "issue_codes": 22, "file": 30, "sheet": 14, "source_row": 8,
}
EXTRA_WIDTH = 22
#: Columns whose wrapped text sets the row height (Theme and Aim repeat on every row: they are
#: clipped rather than making every row tall; the cell still holds the whole text).
NO_HEIGHT = {"theme", "aim", "key", "ref", "file", "sheet", "source_row", "due"}
CENTRED = {"q1", "q2", "q3", "q4", "later", "rag", "previous_rag", "movement", "source_row"}
NO_WRAP = {"key", "ref", "source_row", "aim"}  # Aim repeats on every row: one clipped line


def _text(value) -> str:
    if is_blank(value):
        return ""
    return value if isinstance(value, str) else str(value)


def _flag(value) -> bool:
    if is_blank(value) or value == "":
        return False
    return bool(value)


class _Getter:
    __slots__ = ("columns", "i")

    def __init__(self, columns: dict[str, list], i: int):
        self.columns, self.i = columns, i

    def get(self, name: str, default=None):
        col = self.columns.get(name)
        return default if col is None else col[self.i]


def status_text(status: str, overdue: bool) -> str:
    parts = []
    if status:
        parts.append(status)
    if overdue:
        parts.append(STATUS_OVERDUE)
    return "; ".join(parts)


@dataclass
class ActionsTable:
    """The Actions sheet as written: its columns and every cell's value, so the Dashboard's
    formulas can carry exactly the values Excel will compute over it."""

    layout: list[tuple[str, str]]
    rows: list[list] = field(default_factory=list)
    carried: list[bool] = field(default_factory=list)
    has_error: list[bool] = field(default_factory=list)
    overdue: list[bool] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)  # canonical level of each row ('' none)

    @property
    def first_row(self) -> int:  # 0-based, the first data row
        return 1

    @property
    def last_row(self) -> int:  # 0-based, the last data row (the blank row of an empty table)
        return max(1, len(self.rows))

    def col(self, tidy: str) -> int:
        return action_col(tidy)

    def ref(self, tidy: str) -> str:
        """'Actions'!$Q$2:$Q$n for a fixed column."""
        return range_ref(ACTIONS, self.first_row, action_col(tidy), self.last_row)

    def values(self, tidy: str) -> list:
        c = action_col(tidy)
        return [row[c] for row in self.rows]


def actions_table(merged, fmts: Formats) -> ActionsTable:
    """The cells of the Actions sheet (computed once per workbook)."""
    memo = getattr(fmts, "_actions_table", None)
    if memo is not None:
        return memo
    df = merged.actions
    layout = action_layout(df, list(merged.extra_columns))
    table = ActionsTable(layout)
    columns = {str(c): df[c].tolist() for c in df.columns}  # faster than to_dict("records")
    cols = set(columns)
    for i in range(len(df)):
        get = _Getter(columns, i).get
        level = _text(get("rag"))
        row = []
        for _, tidy in layout:
            if tidy == "rag":
                v = fmts.rag_cell_text(level, _text(get("rag_text")))
            elif tidy == "previous_rag":
                v = fmts.rag_cell_text(_text(get("previous_rag")))
            elif tidy == "due":
                d = get("due_date")
                if hasattr(d, "to_pydatetime") and not is_blank(d):
                    d = d.to_pydatetime().date()
                v = d if isinstance(d, dt.date) else _text(get("due"))
            elif tidy == "status":
                v = status_text(_text(get("status")), _flag(get("overdue")))
            elif tidy == "source_row":
                v = get("source_row")
                if isinstance(v, str) and v.strip().isdigit():
                    v = int(v)
                v = "" if is_blank(v) else v
            elif tidy in cols:
                v = get(tidy)
                v = "" if is_blank(v) else v
            else:
                v = ""
            row.append(v)
        table.rows.append(row)
        table.carried.append(_text(get("status")) == STATUS_CARRIED)
        table.has_error.append(_flag(get("has_error")))
        table.overdue.append(_flag(get("overdue")))
        table.levels.append(level)
    fmts._actions_table = table
    return table


def _cell_format(fmts: Formats, tidy: str, *, carried: bool, error: bool, overdue: bool,
                 value) -> object:
    props: dict = {"valign": "top"}
    if tidy not in NO_WRAP:
        props["text_wrap"] = True
    if tidy in CENTRED:
        props["align"] = "center"
    if carried:
        props.update(italic=True, font_color=GREY)
    if tidy == "issue_codes" and error:
        props.update(bg_color=ERROR_FILL, font_color=ERROR_FONT)
    elif tidy == "status" and overdue:
        props.update(font_color=ERROR_FONT, bold=True)
    elif tidy == "movement" and value == WORSENED:
        props.update(font_color=ERROR_FONT, bold=True)
    elif tidy == "movement" and value == IMPROVED:
        props.update(font_color=GOOD_FONT, bold=True)
    elif tidy == "movement" and value == NEW:
        props.update(font_color="#2F5597")
    if tidy == "due":
        if isinstance(value, dt.date):
            props.update(num_format="dd mmm yyyy", align="left")
        if overdue:
            props.update(font_color=ERROR_FONT, bold=True)
    return fmts.get(**props)


def write_actions(wb, merged, fmts: Formats):
    ws = wb.add_worksheet(ACTIONS)
    table = actions_table(merged, fmts)
    layout = table.layout
    ncols = len(layout)
    last = table.last_row
    ws.add_table(0, 0, last, ncols - 1, {
        "name": TABLE_ACTIONS,
        "style": "Table Style Medium 2",
        "columns": [{"header": h, "header_format": fmts.get(bold=True, text_wrap=True,
                                                             valign="top")}
                    for h, _ in layout],
    })
    header_fmt = fmts.get(bold=True, text_wrap=True, valign="top")
    for c, (h, _) in enumerate(layout):  # the headers as text, whatever they look like
        put_text(ws, fmts, 0, c, h, header_fmt)
    memo: dict[tuple, object] = {}
    for r, row in enumerate(table.rows, start=1):
        carried = table.carried[r - 1]
        error = table.has_error[r - 1]
        overdue = table.overdue[r - 1]
        for c, (_, tidy) in enumerate(layout):
            value = row[c]
            if value == "" and not isinstance(value, bool):
                continue  # blank: the column's format (set below) covers it
            key = (tidy, carried, error, overdue,
                   value if tidy == "movement" else isinstance(value, dt.date))
            fmt = memo.get(key)
            if fmt is None:
                fmt = memo[key] = _cell_format(fmts, tidy, carried=carried, error=error,
                                               overdue=overdue, value=value)
            put(ws, fmts, r, c, value, fmt, date_fmt=fmt if tidy == "due" else None)
        height = row_height([(v, WIDTHS.get(t, EXTRA_WIDTH)) for v, (_, t) in zip(row, layout)
                             if isinstance(v, str) and t not in NO_HEIGHT])
        if height:
            ws.set_row(r, height)
    for c, (_, tidy) in enumerate(layout):
        ws.set_column(c, c, WIDTHS.get(tidy, EXTRA_WIDTH),
                      _cell_format(fmts, tidy, carried=False, error=False, overdue=False,
                                   value=""))
    ws.set_row(0, 30)
    rag_c, prev_c = action_col("rag"), action_col("previous_rag")
    fmts.rag_conditional_formats(ws, 1, rag_c, last)
    fmts.rag_conditional_formats(ws, 1, prev_c, last)
    fmts.rag_validation(ws, 1, rag_c, last)
    ws.freeze_panes(1, 0)
    print_setup(ws, f"{merged.programme.name} - Actions {merged.period}")
    return ws
