"""What every kind of sheet shares on its way to tidy rows: the sheet context, merged cells,
row provenance and the cell-level checks (formula-like text, formulas in input)."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Callable

from ..catalogue import message
from ..config import Programme
from ..issues import Issue, col_letter
from ..locate import Located
from ..schema.columns import TEMPLATE_REFERENCE_HEADERS, header_key
from ..reader import RawSheet
from ..rows import list_columns
from ..text import clean_text, looks_like_formula

#: The issue codes this module can raise (each in :mod:`xlplan.catalogue`).
CODES: tuple[str, ...] = ("formula-in-input", "formula-like-text")

#: Provenance columns every tidy row carries, so any issue and any output row leads back to a cell.
PROVENANCE = ("file", "sheet", "source_row")


@dataclass
class SheetContext:
    """Everything a normaliser or validator needs to name a cell."""

    file: str
    sheet: str
    loc: Located
    programme: Programme
    path: Path | None = None
    issues: list[Issue] = field(default_factory=list)
    formula_cells: set[tuple[int, int]] = field(default_factory=set)  # (row 1-based, col 0-based)
    #: the sheet's styles (xlplan.styles.SheetStyles) when already read, e.g. the RAG fills
    styles: object | None = None
    #: sets ``styles`` and ``formula_cells`` when they are still being read (in a child
    #: process, beside the normaliser: see ``xlplan.api``); called once, by :meth:`settle`
    pending: Callable[[], None] | None = None

    def settle(self) -> None:
        """Wait for ``styles`` and ``formula_cells`` if they are still being read."""
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending()

    def issue(self, code: str, message: str, *, row: int | None = None,
              column: str | None = None, col: int | None = None, value: object = None) -> None:
        """Record an issue at a 1-based row and a canonical column name or 0-based column."""
        if column is not None and col is None:
            col = self.loc.columns.get(column)
        # :func:`~xlplan.issues.at` written out, with the column letters remembered: a big
        # sheet can have tens of thousands of issues, in a few columns.
        self.issues.append(Issue(code, message, self.file, self.sheet, row,
                                 None if col is None else _col_letters(col),
                                 None if value is None else str(value)))

    def cell(self, row: int, column: str) -> str | None:
        col = self.loc.columns.get(column)
        return f"{col_letter(col)}{row}" if col is not None else None


#: :func:`~xlplan.issues.col_letter`, remembered for the columns issues are raised in.
_col_letters = lru_cache(maxsize=256)(col_letter)


def vertical_merges(sheet: RawSheet) -> dict[tuple[int, int], tuple[int, int]]:
    """(row, col) of every cell covered by a vertical merge -> the merge's top-left cell."""
    covered: dict[tuple[int, int], tuple[int, int]] = {}
    for r0, c0, r1, c1 in sheet.merged:
        if r1 > r0 and (r1 - r0) * (c1 - c0 + 1) < 100_000:
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if (r, c) != (r0, c0):
                        covered[(r, c)] = (r0, c0)
    return covered


def column_values(rows: list[list], col: int) -> list:
    """One column of ``rows`` as a list, ``""`` where a row is too short to reach it (taken in C
    when every row reaches it: far cheaper than a Python loop over a big sheet's rows)."""
    try:
        return list(map(itemgetter(col), rows))
    except IndexError:
        return [row[col] if col < len(row) else "" for row in rows]


class NotText(TypeError):
    """A value a :class:`Memo` does not take: only texts (and None) are looked up in one."""


class Memo(dict):
    """``fn(text)`` remembered: ``memo[text]`` works it out on first use.

    Plans repeat the same few words on most rows (markers, RAG words, carried-down action and
    SRO text), and the text functions are pure, so each distinct text is worked out once. Only a
    ``str`` or None is taken as a key (anything else raises :class:`NotText`): ``1``, ``1.0``
    and ``True`` are one dict key but three different cells. A memo made for one sheet dies
    with it; one kept across files is given a ``limit``, and starts afresh when it is full."""

    def __init__(self, fn: Callable[[object], object], limit: int | None = None):
        super().__init__()
        self.fn = fn
        self.limit = limit

    def __missing__(self, key):
        if key.__class__ is not str and key is not None:
            raise NotText(key)
        if self.limit is not None and len(self) >= self.limit:
            self.clear()
        value = self[key] = self.fn(key)
        return value

    def __call__(self, value):
        """``fn(value)``, remembered when ``value`` is a text (anything else is worked out)."""
        return self[value] if value.__class__ is str else self.fn(value)


#: How many texts a memo kept across files holds before it starts afresh: about a big
#: sheet's distinct texts, some megabytes at most.
MEMO_LIMIT = 100_000


def wide_merge_rows(sheet: RawSheet, min_width: int = 3) -> set[int]:
    """Rows that start a horizontal merge at least ``min_width`` columns wide (banners)."""
    return {r0 for r0, c0, r1, c1 in sheet.merged if c1 - c0 + 1 >= min_width}


def extra_columns(sheet: RawSheet, loc: Located) -> dict[int, str]:
    """Columns to carry as extras: the header's unknown columns, and headerless columns that hold
    data (named 'Column K'), so nothing an SRO typed is dropped. A headerless column holding
    a dropdown's list of choices is not data (:func:`xlplan.rows.list_columns`)."""
    reference = {header_key(h) for h in TEMPLATE_REFERENCE_HEADERS}
    extras = {c: h for c, h in loc.extras.items() if header_key(h) not in reference}
    # An unheaded dropdown source list is not data (xlplan.rows notes it once).
    known = set(loc.columns.values()) | set(loc.extras) | set(list_columns(sheet, loc)) \
        | set(loc.beside)
    rows = sheet.rows[loc.header_row + 1:]
    width = max(map(len, rows), default=0)
    for c in range(width):
        if c in known:
            continue
        values = column_values(rows, c)
        if len(values) > values.count("") + values.count(None):  # a cell not in ("", None)
            extras[c] = f"Column {col_letter(c)}"
    # Two extra headers spelled the same would collide as DataFrame columns.
    seen: dict[str, int] = {}
    for c in sorted(extras):
        name = extras[c] or f"Column {col_letter(c)}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({col_letter(c)})"
        else:
            seen[name] = 1
        extras[c] = name
    return extras


FORMULA_FIRST = frozenset("=+-@{")  # the first characters looks_like_formula can accept


def check_cell_text(ctx: SheetContext, row: int, col: int, raw: object) -> None:
    """Text that a spreadsheet or CSV reader could run as a formula: kept as text, noted."""
    if isinstance(raw, str) and raw.lstrip()[:1] in FORMULA_FIRST \
            and looks_like_formula(raw.lstrip()):
        ctx.settle()
        if (row, col) in ctx.formula_cells:
            return
        ctx.issue("formula-like-text", message("formula-like-text"), row=row, col=col,
                  value=raw[:200])


def check_formula_cells(ctx: SheetContext, sheet: RawSheet, first_row: int) -> None:
    """One note per formula cell below the header: its last calculated value is what was read
    (formulas are never recalculated or carried into the output)."""
    ctx.settle()
    for row, col in sorted(ctx.formula_cells):
        if row < first_row:
            continue
        cached = sheet.value(row - 1, col)
        shown = clean_text(cached) if cached not in ("", None) else ""
        ctx.issue("formula-in-input", message("formula-in-input", "value", value=shown[:60])
                  if shown else message("formula-in-input", "empty"), row=row, col=col, value=shown)


def assign_keys(records: list[dict], derive) -> None:
    """Each record's stable key: its Ref, else ``derive(record)`` -- numbered ``-2``, ``-3`` when
    two rows without a Ref derive the same key, so no row shares another's key by accident."""
    keys = stable_keys([rec["ref"] for rec in records], lambda i: derive(records[i]))
    for rec, key in zip(records, keys):
        rec["key"] = key


def column_fills(ctx: SheetContext, col: int) -> dict[int, str]:
    """The fill colours of one column of the sheet (1-based row -> 'RRGGBB'): from the styles
    read beside the normaliser when they were (:mod:`xlplan.api`), else read now. Empty when
    the file has no path or its style part cannot be read (which costs the colours only)."""
    if ctx.path is None:
        return {}
    ctx.settle()
    styles = ctx.styles
    if styles is None:
        from ..styles import read_sheet_styles

        try:
            styles = read_sheet_styles(ctx.path, ctx.sheet, columns={col}, want_formulas=False)
        except Exception:  # noqa: BLE001 - a style part we cannot read costs the colours only
            return {}
    return {r: fill for (r, c), fill in styles.fills.items() if c == col}


def only_numbering(refs: list) -> bool:
    """Whether a sheet's Refs are only its rows numbered 1, 2, 3 ... in order (blank on the
    rows between): the file's own numbering, as a tracker's '#' or 'No.' column is. Every
    SRO's tracker starts again at 1, so such a number names no action or risk across the
    programme: two files' "3" are two things, and next month's "3" may be another row."""
    filled = [str(r).strip() for r in refs if r is not None and str(r).strip()]
    return bool(filled) and filled == [str(n) for n in range(1, len(filled) + 1)]


def stable_keys(refs: list, derive: Callable[[int], str]) -> list:
    """:func:`assign_keys` for a column of Refs: the i-th key is ``refs[i]``, else ``derive(i)``
    (numbered when two rows without a Ref derive the same key). Refs that only number the
    rows (:func:`only_numbering`) are no keys: the rows' keys are derived, as for no Ref."""
    seen: dict[str, int] = {}
    keys = []
    numbering = only_numbering(refs)
    for i, ref in enumerate(refs):
        if ref and not numbering:
            keys.append(ref)
            continue
        key = derive(i)
        n = seen.get(key, 0) + 1
        seen[key] = n
        keys.append(f"{key}-{n}" if n > 1 else key)
    return keys


def records(df) -> list[dict]:
    """The rows of a tidy frame as dicts of Python values (as ``df.to_dict("records")`` gives
    them), built column by column: a few times faster on the string columns of a register."""
    cols = list(df.columns)
    if df.empty:
        return []
    return [dict(zip(cols, row)) for row in zip(*(df[c].tolist() for c in cols))]
