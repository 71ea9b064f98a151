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

Print view: the page shows what a board member reads -- Ref, Theme, Action, Sub action, SRO,
Due, Updates, RAG, Movement, Status -- wrapped, one page wide at 75 % or more (8 pt text),
running to as many pages as it needs. The other columns up to Status (the Key, Aim, the
milestone columns, Risks/Issues, Previous RAG) are grouped and folded (the outline's ``+``
above the sheet opens them); the provenance after Status (Issues, source file, sheet and row)
and the extra columns stay in the workbook, outside the print area.
"""
from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from ..consolidated import ACTIONS, STATUS_CARRIED, STATUS_OVERDUE, TABLE_ACTIONS, action_col, \
    action_layout
from ..schema.movement import IMPROVED, NEW, WORSENED
from ..schema.rag import CANONICAL_LEVELS
from ..layout import RowHeights, print_setup
from .formats import BLUE, ERROR_FILL, ERROR_FONT, GOOD_FONT, GREY, Formats, \
    header_format, is_blank, put_row, put_text, range_ref, \
    remember_page

#: Column widths (characters). The printed columns (:data:`PRINTED`) add up to 154.5, within
#: :data:`~xlplan.layout.PRINT_BUDGET`: one A4 landscape page wide, 8 pt or more.
WIDTHS: dict[str, float] = {
    "key": 14, "ref": 5, "theme": 12, "aim": 40, "action": 20, "sub_action": 22, "sro": 12,
    "q1": 10, "q2": 10, "q3": 10, "q4": 10, "later": 10, "timeframe": 12, "due": 11.5,
    "updates": 45, "risks_issues": 45, "rag": 9, "previous_rag": 12, "movement": 9,
    "status": 9, "issue_codes": 22, "file": 30, "sheet": 14, "source_row": 8,
}
EXTRA_WIDTH = 22
#: What the printed page shows, up to Status; the other columns before Status are folded.
PRINTED = ("ref", "theme", "action", "sub_action", "sro", "due", "updates", "rag", "movement",
           "status")
#: The last printed column: the print area ends there.
PRINTED_UP_TO = "status"
#: Columns whose wrapped text does not set the row height (Aim repeats on every row and is
#: folded; the cell still holds the whole text).
NO_HEIGHT = {"aim", "key", "ref", "file", "sheet", "source_row", "due"}
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


def excel_key(value) -> str:
    """A cell's text as Excel compares it (without regard to case); '' for a blank."""
    if value is None or value == "":
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value).lower()


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
    #: The same cells by column (``columns[c][i]`` is ``rows[i][c]``): a column is read
    #: whole (the Dashboard's figures, the row heights) without taking it out of every row.
    columns: list[list] = field(default_factory=list, repr=False, compare=False)
    _keys: dict = field(default_factory=dict, repr=False, compare=False)
    _counts: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def first_row(self) -> int:  # 0-based, the first data row
        return 1

    @property
    def last_row(self) -> int:  # 0-based, the last data row (the blank row of an empty table)
        return max(1, len(self.rows))

    def col(self, tidy: str) -> int:
        return action_col(tidy)

    def ref(self, tidy: str) -> str:
        """The column as a structured reference (``Actions[RAG]``): it follows the table when
        rows are added to it in Excel."""
        return structured_ref(self.layout[action_col(tidy)][0])

    def fixed_ref(self, tidy: str) -> str:
        """'Actions'!$Q$2:$Q$n for a fixed column (charts cannot take structured references)."""
        return range_ref(ACTIONS, self.first_row, action_col(tidy), self.last_row)

    def values(self, tidy: str) -> list:
        c = action_col(tidy)
        if self.columns:
            return list(self.columns[c])
        return [row[c] for row in self.rows]

    def keys(self, tidy: str) -> list[str]:
        """The cells of a fixed column as Excel compares text: :func:`excel_key` of each."""
        keys = self._keys.get(tidy)
        if keys is None:
            values = self.values(tidy)
            if set(map(type, values)) <= {str, type(None)}:  # each distinct text once
                of = {v: excel_key(v) for v in set(values)}
                keys = [of[v] for v in values]
            else:  # (1, 1.0 and True are one dict key, three texts)
                keys = list(map(excel_key, values))
            self._keys[tidy] = keys
        return keys

    def key_counts(self, tidy: str) -> Counter:
        """How many cells of a fixed column hold each text, compared as Excel compares text
        (without regard to case; '' for a blank): the Dashboard's COUNTIFs, worked out once."""
        counts = self._counts.get(tidy)
        if counts is None:
            counts = self._counts[tidy] = Counter(self.keys(tidy))
        return counts


def structured_ref(header: str, table: str = TABLE_ACTIONS) -> str:
    """``Table[Header]``, the header's special characters escaped as Excel writes them."""
    esc = "".join("'" + ch if ch in "[]#'" else ch for ch in header)
    return f"{table}[{esc}]"


def _texts(values: list) -> list[str]:
    return [v if v.__class__ is str else _text(v) for v in values]


def _flags(values: list) -> list[bool]:
    return [v if v.__class__ is bool else _flag(v) for v in values]


def _cell_values(values: list) -> list:
    """A column's cells: blanks as ''."""
    return [v if v.__class__ is str else ("" if is_blank(v) else v) for v in values]


def _listed(col: pd.Series) -> list:
    """A column's values as a list; the blanks of a text column (pandas' string dtype, whose
    only other values are texts) as ''. Every value of such a column would otherwise be
    tested for a blank in Python, tens of thousands per column; pandas fills them at once."""
    if isinstance(col.dtype, pd.StringDtype):
        return col.fillna("").tolist()
    return col.tolist()


def _never_blank(col: pd.Series) -> bool:
    """Whether :func:`_listed` gives ``col`` with no blank left to turn into '' (a text column,
    or integers or booleans, which have no blank): its cells are its values as listed. (A
    text column's texts are str, and integers are neither a text of digits nor blank: what
    _cell_values and _source_row would give them is the value itself.)"""
    return isinstance(col.dtype, pd.StringDtype) or col.dtype.kind in "biu"


def _due_value(date, text):
    if hasattr(date, "to_pydatetime") and not is_blank(date):
        date = date.to_pydatetime().date()
    return date if isinstance(date, dt.date) else _text(text)


def _source_row(v):
    if isinstance(v, str) and v.strip().isdigit():
        v = int(v)
    return "" if is_blank(v) else v


def actions_table(merged, fmts: Formats) -> ActionsTable:
    """The cells of the Actions sheet (computed once per workbook, column by column)."""
    memo = fmts.tables.get("actions")
    if memo is not None:
        return memo
    df = merged.actions
    layout = action_layout(df, list(merged.extra_columns))
    table = ActionsTable(layout)
    n = len(df)
    names = {str(c): c for c in df.columns}
    cache: dict[str, list] = {}

    def column(name: str) -> list:
        """The column's values as a list (None throughout when the column is missing), a
        text column's blanks as '' (filled by pandas, not value by value: see _listed)."""
        if name not in cache:
            cache[name] = _listed(df[names[name]]) if name in names else [None] * n
        return cache[name]

    levels = _texts(column("rag"))
    overdue = _flags(column("overdue"))
    labels = {lv: fmts.scale.label(lv) for lv in CANONICAL_LEVELS}  # rag_cell_text, at speed
    columns: list[list] = []
    for _, tidy in layout:
        if tidy == "rag":
            typed = _texts(column("rag_text"))
            values = [labels[lv] if lv in labels else (t or "") for lv, t in zip(levels, typed)]
        elif tidy == "previous_rag":
            values = [labels[p] if p in labels else "" for p in _texts(column("previous_rag"))]
        elif tidy == "due":
            values = [_due_value(d, t) for d, t in zip(column("due_date"), column("due"))]
        elif tidy == "status":
            values = [status_text(st, od) for st, od in zip(_texts(column("status")), overdue)]
        elif tidy == "source_row":
            values = column(tidy) if _never_blank(df[names[tidy]]) else \
                [_source_row(v) for v in column(tidy)]
        elif tidy in names:
            values = column(tidy) if _never_blank(df[names[tidy]]) else \
                _cell_values(column(tidy))
        else:
            values = [""] * n
        columns.append(values)
    table.rows = list(map(list, zip(*columns))) if columns else [[] for _ in range(n)]
    table.columns = columns
    table.carried = [st == STATUS_CARRIED for st in _texts(column("status"))]
    table.has_error = _flags(column("has_error"))
    table.overdue = overdue
    table.levels = levels
    fmts.tables["actions"] = table
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
        props.update(font_color=BLUE)
    if tidy == "due":
        if isinstance(value, dt.date):
            props.update(num_format="dd mmm yyyy", align="left")
        if overdue:
            props.update(font_color=ERROR_FONT, bold=True)
    return fmts.get(**props)


def write_actions(wb, merged, fmts: Formats):
    remember_page(fmts, merged)
    ws = wb.add_worksheet(ACTIONS)
    table = actions_table(merged, fmts)
    layout = table.layout
    ncols = len(layout)
    last = table.last_row
    ws.add_table(0, 0, last, ncols - 1, {  # always a table, whatever its size: see consolidated
        "name": TABLE_ACTIONS,
        "style": "Table Style Medium 2",
        "columns": [{"header": h, "header_format": header_format(fmts)} for h, _ in layout],
    })
    header_fmt = header_format(fmts)
    for c, (h, _) in enumerate(layout):  # the headers as text, whatever they look like
        put_text(ws, fmts, 0, c, h, header_fmt)
    ws.set_row(0, 30)
    _write_rows(ws, fmts, table)
    tidies = [tidy for _, tidy in layout]
    up_to = tidies.index(PRINTED_UP_TO) if PRINTED_UP_TO in tidies else ncols - 1
    for c, tidy in enumerate(tidies):
        folded = c < up_to and tidy not in PRINTED
        ws.set_column(c, c, WIDTHS.get(tidy, EXTRA_WIDTH),
                      _cell_format(fmts, tidy, carried=False, error=False, overdue=False,
                                   value=""),
                      {"level": 1, "hidden": True} if folded else None)
    rag_c, prev_c = action_col("rag"), action_col("previous_rag")
    fmts.rag_conditional_formats(ws, 1, rag_c, last)
    fmts.rag_conditional_formats(ws, 1, prev_c, last)
    fmts.rag_validation(ws, 1, rag_c, last)
    ws.freeze_panes(1, 0)
    print_setup(ws, f"{merged.programme.name} - Actions {merged.period}",
                programme=fmts.programme, period=fmts.period,
                printed_width=sum(WIDTHS.get(t, EXTRA_WIDTH) for t in PRINTED))
    ws.print_area(0, 0, last, up_to)
    ws.outline_settings(True, False, True, False)
    return ws


#: Columns whose format depends on the cell's value as well as on the row.
_BY_VALUE = {"movement", "due"}


def value_key(tidy: str, value):
    """What of a cell's value its format depends on: a Movement's text, whether a Due is a
    date (see _cell_format)."""
    return value if tidy == "movement" else isinstance(value, dt.date)


def value_keys(tidy: str, values: list) -> list:
    """:func:`value_key` of each of a column's ``values`` (a list made at speed)."""
    return values if tidy == "movement" else [isinstance(v, dt.date) for v in values]


def _write_rows(ws, fmts: Formats, table: ActionsTable) -> None:
    """The data rows, in order, each with its height.

    A blank cell is not written: the column's format covers it. A cell's format depends on
    its column and on whether the row is carried forward, has an error or is overdue (and, in
    Movement and Due, on the value), so the formats are looked up per kind of row."""
    layout = table.layout
    tidies = [tidy for _, tidy in layout]
    by_value = [c for c, tidy in enumerate(tidies) if tidy in _BY_VALUE]
    due_cols = {c for c, tidy in enumerate(tidies) if tidy == "due"}
    heights = RowHeights([(c, WIDTHS.get(t, EXTRA_WIDTH)) for c, t in enumerate(tidies)
                          if t not in NO_HEIGHT])
    row_formats: dict[tuple, list] = {}  # (carried, error, overdue) -> format of each column
    memo: dict[tuple, object] = {}  # (tidy, carried, error, overdue, value-ish) -> format

    def value_format(tidy, state, value):
        key = (tidy, *state, value_key(tidy, value))
        fmt = memo.get(key)
        if fmt is None:
            fmt = memo[key] = _cell_format(fmts, tidy, carried=state[0], error=state[1],
                                           overdue=state[2], value=value)
        return fmt

    def formats_of(state: tuple, row: list) -> list:
        formats = row_formats.get(state)
        if formats is None:
            formats = row_formats[state] = [value_format(tidy, state, "") for tidy in tidies]
        formats = formats.copy()
        for c in by_value:
            formats[c] = value_format(tidies[c], state, row[c])
        return formats

    # The formats of a kind of row -- its state and the value-ish of its Movement and Due --
    # made once: a few dozen kinds among thousands of rows.
    kinds: dict[tuple, list] = {}
    row_kinds = zip(table.carried, table.has_error, table.overdue,
                    *[value_keys(tidies[c], table.columns[c]) for c in by_value])
    row_heights = heights.heights(table.rows, table.columns)
    for i, (row, kind) in enumerate(zip(table.rows, row_kinds)):
        formats = kinds.get(kind)
        if formats is None:
            formats = kinds[kind] = formats_of(kind[:3], row)
        put_row(ws, fmts, i + 1, row, formats, blanks=False, height=row_heights[i],
                date_cols=due_cols)
