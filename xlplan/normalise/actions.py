"""Stage 3 for action plans: a located sheet -> tidy rows, one per sub-action.

What real plans do, and what happens to it here:

* Theme and Aim banner rows ("Theme 1: Commissioning & Market Management", "Aim: ...") give
  context to the rows below them; they are recognised by their wording or by being merged across
  the table, and become the ``theme``/``aim`` of the rows that follow. A tracker whose goals are
  lettered rows above numbered recommendations (York: A, 1, 2, 3, B, 4 ...) is read the same way.
* Action and SRO are typed on the first sub-action row only (blank or vertically merged below):
  they carry down until the next action or banner.
* A stray row holding only a piece of text in the SRO, Updates or Risks column (a name split
  over a page break) is joined to the row above, with a ``fragment-row`` warning.
* Columns the schema does not know are kept, under their own header, and written out.
* Every row keeps its provenance (file, sheet, Excel row) and a stable key: the Ref when there
  is one, else a hash of theme, action and sub-action text.

A plan can run to 100,000 rows, and a folder to hundreds of small plans. So the sheet is read
in one pass down its rows (a row's cells are at hand together; a pass per column would fetch
every row again), each distinct text is cleaned once, and what does not run down the sheet --
milestones, RAG words, keys, the frame itself -- is worked out a column at a time.
"""
from __future__ import annotations

import hashlib
import re
from itertools import compress, islice
from operator import and_, itemgetter, ne, truth

import numpy as np
import pandas as pd

from ..catalogue import message
from ..issues import col_letter
from ..reader import RawSheet
from ..schema.markers import COMPLETE, DATE, QUARTER, parse_marker, parse_timeframe
from ..schema.rag import colour_to_rag
from ..rows import classify_rows, note_rows
from ..schema.status import normalise_status
from ..text import cell_text, clean_text, match_key
from .common import FORMULA_FIRST, MEMO_LIMIT, PROVENANCE, Memo, NotText, SheetContext, \
    check_cell_text, check_formula_cells, column_fills, column_values, extra_columns, stable_keys, \
    vertical_merges, wide_merge_rows

#: The issue codes this module can raise (each in :mod:`xlplan.catalogue`).
CODES: tuple[str, ...] = (
    "missing-value", "fragment-row", "rag-from-colour", "rag-colour-mismatch", "not-a-row")

MARKER_COLUMNS = ("q1", "q2", "q3", "q4", "later")
TEXT_FIELDS = ("ref", "theme", "aim", "action", "sub_action", "sro", "timeframe", "updates",
               "risks_issues")
ACTION_COLUMNS = (*PROVENANCE, "key", "ref", "theme", "aim", "action", "sub_action", "sro",
                  *MARKER_COLUMNS, "timeframe", "updates", "risks_issues", "rag", "rag_text",
                  "rag_source", "due", "due_date", "due_cell", "complete")

#: Every canonical field a plan row reads (a schema column not mapped on a sheet reads blank).
FIELDS = ("ref", "theme", "aim", "action", "sub_action", "sro", *MARKER_COLUMNS, "timeframe",
          "updates", "risks_issues", "status", "rag")
#: Fields whose numbers and dates are read as a person would write them (cell_text) first.
CELL_TEXT_FIELDS = frozenset({"ref", "timeframe", *MARKER_COLUMNS, "status", "rag"})

BANNER = re.compile(r"^(?:theme|aim|aims|goal|strategic goal|objective|priority|strategy|"
                    r"workstream|work stream|section|programme|outcome)\b\s*[\dA-Za-z]{0,3}\s*[:.\-\u2013]",
                    re.IGNORECASE)
#: A banner worded as a new theme (never read as the sub-heading of the theme above it).
THEME_WORDED = re.compile(r"^(?:theme|strategic priority|priority|workstream|work stream|"
                          r"section|programme|pillar|strategy|strategic goal|goal)\b",
                          re.IGNORECASE)


def banner_is_aim(text: str, *, theme_waiting: bool) -> bool:
    """Whether a banner row's text is an aim (the sub-heading under a theme) or a new theme.

    Aim-worded banners are aims. So is a banner right under a theme banner, with no row of
    the table between them, that is not worded as a theme itself: a heading and its
    sub-heading (seed 000's Theme then Aim rows, with the aim not labelled "Aim"). Read as a
    new theme instead, it would replace the theme above before any row took it: the theme's
    text would be lost without a word."""
    if match_key(text).startswith("aim"):
        return True
    return theme_waiting and not THEME_WORDED.match(text)


_NUMBERING = re.compile(r"^\(?\d+(?:\.\d+)*[.)]?\s+")
_LETTER_REF = re.compile(r"^[A-Z]$")
#: A section's own number ("1", "2.") over actions numbered within it ("1.1", "1.2").
_SECTION_REF = re.compile(r"^(\d{1,3})\.?$")
FRAGMENT_COLUMNS = ("sro", "updates", "risks_issues")
#: The output column of a plan's own workflow status (Open, In Progress, Done ...), kept apart
#: from the RAG; only a plan with a Status column that is not its RAG has it.
STATUS_COLUMN = "Action status"
#: The columns that always hold text (unless an extra column of the same name replaced one).
TEXT_COLUMNS = tuple(c for c in ACTION_COLUMNS if c not in ("source_row", "due_date", "complete"))


def row_key(theme: str, action: str, sub_action: str) -> str:
    """A key for a row without a Ref, stable as long as its theme, action and sub-action text
    are (numbering like "3." and case and spacing do not count)."""
    return _hashed_key(match_key(theme), match_key(action), match_key(sub_action))


def _hashed_key(theme_key: str, action_key: str, sub_action_key: str) -> str:
    """:func:`row_key` from the :func:`~xlplan.text.match_key` forms of the texts."""
    if sub_action_key[:1].isdigit() or sub_action_key[:1] == "(":  # else no numbering
        sub_action_key = _NUMBERING.sub("", sub_action_key)
    parts = [theme_key, action_key, sub_action_key]
    return "K-" + hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:10].upper()


def _remembered_row_key(theme: str, action: str, sub_action: str) -> str:
    """:func:`row_key`, remembered across files (a plan keeps its rows month after month, and a
    key costs three :func:`match_key` and a hash). Only texts are remembered (1 and True are one
    dict key); at most :data:`~xlplan.normalise.common.MEMO_LIMIT` keys, then it starts afresh."""
    parts = (theme, action, sub_action)
    key = _ROW_KEYS.get(parts)
    if key is None:
        if theme.__class__ is str and action.__class__ is str and sub_action.__class__ is str:
            match = _MATCH_KEYS
            key = _hashed_key(match[theme], match[action], match[sub_action])
            if len(_ROW_KEYS) >= MEMO_LIMIT:
                _ROW_KEYS.clear()
            _ROW_KEYS[parts] = key
        else:
            key = _hashed_key(_MATCH_KEYS(theme), _MATCH_KEYS(action), _MATCH_KEYS(sub_action))
    return key


_ROW_KEYS: dict[tuple[str, str, str], str] = {}
_MATCH_KEYS = Memo(match_key, limit=MEMO_LIMIT)  # the same theme and action on many rows


def _heads_section(sheet: RawSheet, r: int, ref_col: int, ref: str) -> bool:
    """Whether row ``r`` (0-based), whose ref is a whole number such as "1", is a numbered
    section over the rows below it: the next row with a ref numbers it within the section
    ("1.1", "1a")."""
    m = _SECTION_REF.match(ref)
    if m is None:
        return False
    for row in islice(sheet.rows, r + 1, r + 6):
        below = cell_text(row[ref_col]).strip() if ref_col < len(row) else ""
        if below:
            return below.startswith(m.group(1)) and len(below) > len(m.group(1)) \
                and not below[len(m.group(1))].isdigit()
    return False


def _letter_banner_refs(refs: list) -> bool:
    """True when lettered refs head numbered ones (goal rows above recommendations); ``refs``
    is the Ref column's cells as typed."""
    letters = numbers = 0
    for v in refs:
        t = (v if v.__class__ is str else cell_text(v)).strip()
        if len(t) == 1 and _LETTER_REF.match(t):  # stripped: one character, or no match
            letters += 1
        elif t[:1].isdigit():
            numbers += 1
    return letters > 0 and numbers > letters


class _CellTexts(dict):
    """``texts[v]``: :func:`clean_text` of a cell's text, remembered across sheets and files.

    Plans repeat their wording row after row and month after month (carried-down action and
    SRO text, markers, RAG words, sub-actions copied forward), so each distinct text is cleaned
    once. At most :data:`~xlplan.normalise.common.MEMO_LIMIT` texts are kept (then it starts
    afresh). Only plain texts are looked up: anything else -- a number or date, and a text that
    starts like a formula -- raises TypeError, and its row is read cell by cell, where
    formula-like text gets its check. (So the memo holds nothing of any one sheet, and threads
    may share it.)"""

    def __missing__(self, key):
        if key is not None and (key.__class__ is not str or key.lstrip()[:1] in FORMULA_FIRST):
            raise NotText(key)
        if len(self) >= MEMO_LIMIT:
            self.clear()
        value = self[key] = clean_text(key)
        return value


_TEXTS = _CellTexts()


def _filled(v: object) -> bool:
    """A cell someone typed into (blank, None and spaces-only cells are not)."""
    return v is not None and v != "" and not (isinstance(v, str) and not v.strip())


def _cell_reader(cell_cols: set[int], extra_cols: set[int]):
    """``read(v, c)``: what a cell holding ``v`` in column ``c`` reads as. Text is cleaned;
    a number or date reads as a person would write it in a Ref, milestone, timeframe or RAG
    column (``cell_cols``), is kept as it is in an extra column, and otherwise reads as
    :func:`clean_text` gives it; a blank reads ''."""
    def read(v, c):
        if v is None or isinstance(v, str):
            return clean_text(v)
        if c in extra_cols:
            return v
        if v == "":
            return ""
        return clean_text(cell_text(v)) if c in cell_cols else clean_text(v)
    return read


def _picker(columns: list[int]):
    """``pick(row)``: the row's cells in ``columns``, as a tuple (IndexError when the row is
    too short: :func:`_pick_short` reads that row)."""
    if len(columns) > 1:
        return itemgetter(*columns)
    if columns:
        c = columns[0]
        return lambda row: (row[c],)
    return lambda row: ()


def _pick_short(row: list, columns: list[int]) -> tuple:
    """:func:`_picker` for a row too short to reach every column ('' past its end)."""
    return tuple(row[c] if c < len(row) else "" for c in columns)


def _merged_cells(sheet: RawSheet, first: int, columns: set[int]) -> dict[int, list]:
    """Row -> [(column, the merge's top-left cell)] for each cell in ``columns`` covered by a
    vertical merge, from row ``first`` down: a blank there reads as the merge's value."""
    covered: dict[int, list] = {}
    for (r, c), top in vertical_merges(sheet).items():
        if r >= first and c in columns:
            covered.setdefault(r, []).append((c, top))
    return covered


def normalise_actions(sheet: RawSheet, ctx: SheetContext) -> pd.DataFrame:
    """Tidy rows of an action-plan sheet (columns :data:`ACTION_COLUMNS` plus extras)."""
    loc = ctx.loc
    cols = loc.columns
    first = loc.header_row + 1
    banner_rows = wide_merge_rows(sheet)
    extras = extra_columns(sheet, loc)
    scale = ctx.programme.rag
    start_month = ctx.programme.financial_year_start_month
    fragment_cols = {cols[n]: n for n in FRAGMENT_COLUMNS if n in cols}
    structural = {cols[n] for n in ("action", "sub_action", "ref") if n in cols}

    # Each kept row's cell texts go, row after row, into one flat list of ``stride`` cells a
    # row: the table's columns, then one always blank (where an unmapped field reads). A column
    # is then one slice of it, and no list is kept per row (100,000 of them would have the
    # garbage collector walk every cell, more than once).
    width = max([*cols.values(), *extras], default=-1) + 1
    stride = width + 1
    at = {name: cols.get(name, width) for name in FIELDS}
    i_ref, i_sub, i_action, i_sro, i_theme, i_aim, i_updates = (
        at[n] for n in ("ref", "sub_action", "action", "sro", "theme", "aim", "updates"))
    text_of = _TEXTS.__getitem__
    read = _cell_reader({cols[n] for n in CELL_TEXT_FIELDS if n in cols}, set(extras))
    merged = _merged_cells(sheet, first, {*cols.values(), *extras})
    # The marker and timeframe cells as typed (for their dates), in one flat list likewise.
    typed_names = [name for name in (*MARKER_COLUMNS, "timeframe") if name in cols]
    typed_cols = [cols[name] for name in typed_names]
    pick = _picker(typed_cols)
    flat: list = []
    typed: list = []
    source_row: list[int] = []
    themes: list[str] = []
    aims: list[str] = []
    actions: list[str] = []
    sros: list[str] = []
    letter_banners = None  # worked out when a row first looks like a lettered goal
    theme = aim = action = sro = ""
    # Rows that are not rows (repeated headers, totals, legends, notes ...): skipped, noted.
    # Banners become the theme of the rows below them.
    furniture = classify_rows(sheet, loc)
    note_rows(ctx, furniture)
    skip = furniture.skip
    theme = furniture.first_banner
    sro_record = -1  # the kept row whose own SRO is carried, for a fragment to extend it
    theme_at = -1  # how many rows were kept when the last theme banner was read

    for r, row in enumerate(islice(sheet.rows, first, None), first):
        if skip and r in skip:  # not a row of the table (xlplan.rows): noted there
            cls, c, one = skip[r]
            if cls != "banner" or one[:1] in FORMULA_FIRST:
                for c, v in enumerate(row):
                    if v.__class__ is str and v.lstrip()[:1] in FORMULA_FIRST:
                        check_cell_text(ctx, r + 1, c, v)
            if cls == "banner":  # as the one-cell banners below: an aim, or a theme
                if banner_is_aim(one, theme_waiting=theme_at == len(source_row) and not aim):
                    aim = one
                else:
                    theme, aim, action, sro = one, "", "", ""
                    theme_at = len(source_row)
            continue
        try:
            tx = list(map(text_of, row))
            # Cells typed into: two with text is all a row of the table needs to know.
            own = len(tx) - tx.count("")
        except TypeError:  # a number, a date, formula-like text: the row is read cell by cell
            tx = None
            own = 0
        if own < 2:
            # A row with fewer (blank, banner, fragment), or read cell by cell, is counted
            # exactly (a cell of spaces or of a bare tag has no text, yet counts as typed into).
            own = len([v for v in row if _filled(v)])
            if not own:
                continue
            if tx is None:
                for c, v in enumerate(row):
                    if isinstance(v, str) and v.lstrip()[:1] in FORMULA_FIRST:
                        check_cell_text(ctx, r + 1, c, v)

            # Banners: one cell of text, merged across the table or worded as a theme/aim.
            if own == 1:
                c, v = next((c, v) for c, v in enumerate(row) if _filled(v))
                one = clean_text(v)
                if r in banner_rows or BANNER.match(one) or (
                        c not in structural and c not in fragment_cols
                        and c < min(cols.values())):
                    if banner_is_aim(one, theme_waiting=theme_at == len(source_row)
                                     and not aim):
                        aim = one
                    else:
                        theme, aim, action, sro = one, "", "", ""
                        theme_at = len(source_row)
                    continue
                if c in fragment_cols and source_row:
                    name = fragment_cols[c]
                    last = len(source_row) - 1
                    prev = sros[last] if name == "sro" else flat[last * stride + c]
                    prev = f"{prev} {one}".strip() if prev else one
                    if name == "sro":
                        sros[last] = prev
                        if sro_record == last:
                            sro = prev
                    else:
                        flat[last * stride + c] = prev
                    ctx.issue("fragment-row", message(
                        "fragment-row", "action", text=one[:60], column=name.replace("_", " "),
                        row=source_row[last]), row=r + 1, col=c, value=one)
                    continue
            if tx is None:
                tx = [read(row[c] if c < len(row) else "", c) for c in range(width)]

        # The row's texts, column by column, a merged-down value read into a blank cell.
        if len(tx) != width:
            if len(tx) > width:
                del tx[width:]
            else:
                tx.extend([""] * (width - len(tx)))
        tx.append("")
        try:
            cells = pick(row)
        except IndexError:
            cells = _pick_short(row, typed_cols)
        if r in merged:
            for c, top in merged[r]:
                v = row[c] if c < len(row) else ""
                if v == "" or v is None:
                    v = sheet.value(*top)
                    tx[c] = read(v, c)
                    if c in typed_cols:
                        cells = [v if tc == c else cell for tc, cell in zip(typed_cols, cells)]

        ref = tx[i_ref]
        sub_action = tx[i_sub]
        if not sub_action and _LETTER_REF.match(ref):
            if letter_banners is None:
                letter_banners = _letter_banner_refs(column_values(sheet.rows[first:],
                                                                    cols["ref"]))
            if letter_banners:
                title = tx[i_action] or tx[i_updates]
                theme, aim, action, sro = (f"{ref}: {title}" if title else ref), "", "", ""
                continue
        # A numbered section ("1 | Governance", nothing else on the row) over actions
        # numbered within it ("1.1", "1.2"): the section is their theme, not an action.
        if not sub_action and ref and tx[i_action] \
                and sum(1 for t in tx if t) == 2 and _heads_section(sheet, r, cols["ref"], ref):
            theme, aim, action, sro = f"{ref.rstrip('.')}. {tx[i_action]}", "", "", ""
            theme_at = len(source_row)
            continue

        own_action = tx[i_action]
        own_sro = tx[i_sro]
        if own_action:
            if own_action != action and "sub_action" not in cols:
                sro = ""  # a new action of a flat tracker: an SRO carries only within one
            action = own_action
        if own_sro:
            sro = own_sro
            sro_record = len(source_row)
        if not own_action and not sub_action:
            where = "sub_action" if "sub_action" in cols else "action"
            ctx.issue("missing-value", message("missing-value", "action"), row=r + 1, column=where)
        source_row.append(r + 1)
        themes.append(tx[i_theme] or theme)
        aims.append(tx[i_aim] or aim)
        actions.append(action)
        sros.append(sro)
        flat += tx
        typed += cells

    # The kept rows, a column at a time.
    n = len(source_row)
    columns: dict[str, list] = {
        "file": [ctx.file] * n, "sheet": [ctx.sheet] * n, "source_row": source_row, "key": [],
        "ref": flat[i_ref::stride], "theme": themes, "aim": aims, "action": actions,
        "sub_action": flat[i_sub::stride], "sro": sros,
        **{name: flat[at[name]::stride] for name in (*MARKER_COLUMNS, "timeframe", "updates",
                                                     "risks_issues")},
    }
    columns.update(_due(cols, {name: typed[k::len(typed_names)]
                               for k, name in enumerate(typed_names)}, source_row, start_month))
    columns.update(_rag_levels(flat[at["rag"]::stride], scale))
    status_name = []
    if "status" in cols:
        # The plan's own workflow status, apart from the RAG: written as an extra column (so
        # only where a plan has one); a finished status ("Done", "Closed") completes the row.
        status_name = [STATUS_COLUMN]
        columns[STATUS_COLUMN] = flat[at["status"]::stride]
        _finished_status(columns[STATUS_COLUMN], columns["complete"])
    for c, name in extras.items():
        columns[name] = flat[c::stride]
    # Gone before the issues below are made: the garbage collector they set off would walk
    # every cell of these (to no end) while they are young.
    del flat, typed

    themes, actions, subs = columns["theme"], columns["action"], columns["sub_action"]
    columns["key"] = stable_keys(columns["ref"], lambda j: _remembered_row_key(
        themes[j], actions[j], subs[j]))
    # Last before the fills: a big sheet's styles may still be read beside this (xlplan.api).
    check_formula_cells(ctx, sheet, loc.header_row + 2)
    if "rag" in cols and n:
        _rag_from_fills(columns, ctx)
    names = [*ACTION_COLUMNS, *status_name, *extras.values()]
    # A sheet with no rows keeps the frame from_records gives (its columns of dtype object).
    df = _frame(columns, names, set(extras.values()), n) if n else \
        pd.DataFrame.from_records([], columns=names)
    df.attrs["extra_columns"] = [*status_name, *extras.values()]
    return df


def _frame(columns: dict[str, list], names: list[str], extra_names: set[str], n: int
           ) -> pd.DataFrame:
    """The DataFrame of ``columns`` (``n`` rows each, in the order of ``names``), built from one
    list per column (far cheaper than from records).

    pandas checks and converts each column it is given as a list, and for a small plan (most
    of a folder) that work per column cost more than reading the sheet. So a small plan's text
    columns (the status and extra ones too, when they hold only text) go to it as one array
    of text, cut into a piece per column, its numbers and flags as arrays, with its index
    made: pandas has nothing left to infer. A big plan's go column by column: one array of
    all its text only adds a copy."""
    if len(set(names)) < len(names):  # an extra column named as one of ours: both kept
        return pd.DataFrame(columns, columns=names, copy=False)
    text = [name for name in TEXT_COLUMNS if name not in extra_names]
    if n * len(text) <= _ONE_SERIES_CELLS:
        text += [name for name in names[len(ACTION_COLUMNS):]
                 if set(map(type, columns[name])) == {str}]
        values: list = []
        for name in text:
            values += columns[name]
        columns = dict(columns)
        if set(map(type, values)) == {str}:  # else each column is inferred on its own
            array = pd.array(values, dtype="str")
            for k, name in enumerate(text):
                columns[name] = array[k * n:(k + 1) * n]
        columns["source_row"] = np.array(columns["source_row"], dtype=np.int64)
        columns["complete"] = np.array(columns["complete"], dtype=bool)
    return pd.DataFrame({name: columns[name] for name in names}, index=pd.RangeIndex(n),
                        copy=False)


_ONE_SERIES_CELLS = 100_000


def _due(cols: dict[str, int], cells: dict[str, list], source_row: list[int], start_month: int
         ) -> dict[str, list]:
    """Milestones: the last marked quarter is when a row is due (a date one of them gives, the
    due date); a Timeframe dates a row with no marked quarter. ``cells`` holds the kept rows'
    marker and timeframe cells as typed, for the mapped ones."""
    n = len(source_row)
    marked = [name for name in MARKER_COLUMNS if name in cells]
    last = [-1] * n  # per row, the last column in ``marked`` with a mark
    due_date, complete = [None] * n, [False] * n
    parsed = Memo(lambda v: parse_marker(v, start_month))  # the same few words on most rows
    for k, name in enumerate(marked):
        values = cells[name]
        try:  # the usual column, all text (most of it blank): read in C
            found = list(map(parsed.__getitem__, values))
        except TypeError:  # a number or date among them
            found = list(map(parsed, values))
        for j in compress(range(n), found):  # the cells with a mark (a Marker, not None)
            m = found[j]
            last[j] = k
            if m.kind == COMPLETE:
                complete[j] = True
            elif m.kind in (DATE, QUARTER) and m.date:
                due_date[j] = m.date
    labels = ["Later" if name == "later" else name.upper() for name in marked]
    letters = [col_letter(cols[name]) for name in marked]
    due = [labels[k] if k >= 0 else "" for k in last]
    due_cell = [f"{letters[k]}{row}" if k >= 0 else "" for k, row in zip(last, source_row)]
    if "timeframe" in cells:
        letter = col_letter(cols["timeframe"])
        parsed = Memo(lambda v: parse_timeframe(v, start_month))
        values = cells["timeframe"]
        for j in range(n):
            if due[j]:
                continue
            tf = parsed(values[j])
            if tf is not None and tf.date:
                due_date[j] = tf.date
                due[j] = tf.date.strftime("%b %Y")
                due_cell[j] = f"{letter}{source_row[j]}"
    return {"due": due, "due_date": due_date, "due_cell": due_cell, "complete": complete}


def _finished_status(statuses: list[str], complete: list[bool]) -> None:
    """Mark complete the rows whose workflow status says the work is finished."""
    finished = Memo(lambda text: normalise_status(text)[1])
    for j, text in enumerate(statuses):
        if text and not complete[j] and finished(text):
            complete[j] = True


def _rag_levels(rag_text: list[str], scale) -> dict[str, list]:
    """The RAG columns from the RAG texts, each distinct text looked up on the scale once."""
    level = Memo(scale.normalise)
    levels = list(map(level.__getitem__, rag_text))
    return {"rag": [lv or "" for lv in levels], "rag_text": rag_text,
            "rag_source": ["text" if lv else "" if lv is not None else "unknown"
                           for lv in levels]}


def _rag_from_fills(columns: dict[str, list], ctx: SheetContext) -> None:
    """RAG given only as a fill colour, and text that disagrees with its fill."""
    col = ctx.loc.columns["rag"]
    fills = column_fills(ctx, col)  # read with the formula cells where it could be (xlplan.api)
    if not fills:
        return
    scale = ctx.programme.rag
    rag, rag_text, rag_source = columns["rag"], columns["rag_text"], columns["rag_source"]
    # Each kept row's fill and the level it reads as, in C (a sheet has a few fill colours,
    # on many cells); only rows whose RAG is not that level are looked at one by one.
    row_fills = list(map(fills.get, columns["source_row"]))
    levels = {fill: colour_to_rag(fill, scale) for fill in set(row_fills) if fill}
    row_levels = list(map(levels.get, row_fills))  # None: no fill, or no RAG colour
    source_row = columns["source_row"]
    for j in compress(range(len(row_levels)), map(and_, map(truth, row_levels),
                                                   map(ne, rag, row_levels))):
        level, row, fill = row_levels[j], source_row[j], row_fills[j]
        if rag_source[j] == "" and not rag_text[j]:
            rag[j], rag_source[j] = level, "colour"
            ctx.issue("rag-from-colour", message("rag-from-colour", fill=fill,
                                                 rag=scale.label(level)),
                      row=row, col=col, value=f"#{fill}")
        elif rag[j] and rag[j] != level:
            ctx.issue("rag-colour-mismatch", message("rag-colour-mismatch", rag=scale.label(rag[j]),
                                                     fill_rag=scale.label(level), fill=fill),
                      row=row, col=col, value=rag_text[j])
