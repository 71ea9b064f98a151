"""Rows under a header that are not rows of the table, shared by every kind of sheet.

People keep more than the table on a sheet: the header repeated on each printed page or under
each section, section banners ("3. Acceptable Use Policy"), a Total row, a rating legend,
footnotes and a numbered list of references under the table, rows numbered in advance and
left empty, and the source list of a dropdown typed into a column with no header. None of
these is an action, a risk or an indicator. :func:`classify_rows` finds them; the normaliser
of each kind skips them, and :func:`note_rows` gives each an ``info`` issue (``not-a-row``)
naming its cell, so nothing vanishes unexplained.

Banners are the one class a normaliser may use. Classed here are the one-cell rows that open
a section over a repeated header (and ``RowClasses.first_banner``, the one just above the
header when a sheet is sectioned so); a one-cell row merged across the table is left to each
kind, which knows its own banners. An action plan reads a banner as the theme of the rows
below it (and says nothing more about it). A normaliser that does not use banners passes
``banners_used=False`` to :func:`note_rows`, which then notes them too.

Most rows of a big sheet are plainly data, so the work per row is a couple of list methods
run in C; only rows with one or two cells, and the rows after the table's last block, are
looked at more closely.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import ge, itemgetter, sub

from .catalogue import message
from .issues import col_letter
from .reader import RawSheet
from .text import clean_text

#: The issue codes this module can raise (each in :mod:`xlplan.catalogue`).
CODES: tuple[str, ...] = ("not-a-row",)


def column_values(rows: list[list], col: int) -> list:
    """One column of ``rows`` ('' where a row is too short), taken in C when every row
    reaches it."""
    try:
        return list(map(itemgetter(col), rows))
    except IndexError:
        return [row[col] if col < len(row) else "" for row in rows]

#: What each class of row is, as the issue says it.
CLASS_TEXT = {
    "header": "the header row repeated",
    "banner": "a section banner",
    "total": "a total row",
    "legend": "part of a legend (a key to the ratings)",
    "footnote": "a note under the table",
    "reference": "a numbered list under the table",
    "numbered": "a row numbered in advance and left empty",
    "key": "part of a key typed beside the table",
}

_TOTAL_LEADS = frozenset("TtGgSsNnCcOoIi \u00a0")
#: "Total", "Grand total", "Sub-total"; and the counts a log keeps under its table: "Number
#: of actions", "Open actions", "Closed items: 4", "Open: 3" (a state alone only with its
#: count, so a row whose first cell is a bare status word is still a row).
_TOTAL = re.compile(r"^(?:(?:grand\s+|sub[\s-]?)?totals?\b|(?:number|no\.?|count)\s+of\s|"
                    r"(?:open|closed|overdue|outstanding|completed?|in\s+progress|on\s+track|"
                    r"not\s+started)(?:\s+(?:actions?|items?|tasks?)\s*:?\s*\d*|"
                    r"\s*:\s*\d+)\s*$)", re.IGNORECASE)
_LEGEND_TITLE = re.compile(r"^(?:key|legend|rating key|risk rating key|scoring key|rag key|"
                           r"risk (?:score|scoring|rating|matrix)\w*|scoring|ratings?|"
                           r"status (?:rules|conditions|key)|rag (?:ratings?|definitions?))\b",
                           re.IGNORECASE)
_FOOTNOTE = re.compile(r"^(?:\*|\u2020|note\b|notes\b|nb\b|n\.b\.|source\b|sources\b|\u00a9|"
                       r"\(c\)|copyright\b|prepared by\b|last updated\b|updated\b|version\b|"
                       r"printed\b|page \d|status rules|status conditions|\$)", re.IGNORECASE)
_NUMBERED = re.compile(r"^(?:\[\d+\]|\(?\d+(?:\.\d+)*[.)]\s+\S)")
_NUMBER = re.compile(r"^\d+(?:\.0+)?\.?$")
_RANGE = re.compile(r"^[<>\u2264\u2265]?\s*\d+(?:\.\d+)?\s*(?:[-\u2013\u2014=:+]|to\b|and\b)")
RATING_WORDS = frozenset({
    "red", "amber", "green", "blue", "yellow", "amber red", "amber green", "red amber",
    "green amber", "complete", "completed", "black", "grey", "gray",
    "high", "medium", "low", "critical", "very high", "very low", "moderate", "minor", "major",
    "severe", "significant", "negligible", "catastrophic", "insignificant", "extreme",
    "rare", "unlikely", "possible", "likely", "almost certain", "certain", "remote",
    "probable", "improbable", "tolerable", "intolerable", "acceptable", "unacceptable",
})
_WORD = re.compile(r"[^a-z]+")


@dataclass
class RowClasses:
    """What :func:`classify_rows` found: the rows to skip and the columns to ignore."""

    #: 0-based row -> (class, column of its first cell, its text) for each non-data row
    skip: dict[int, tuple[str, int, str]] = field(default_factory=dict)
    #: unheaded columns holding a dropdown's source list: column -> what it holds
    lists: dict[int, str] = field(default_factory=dict)
    #: the one-cell banner above the header when the sheet is sectioned by banners, each
    #: over a repeated header (the first section's title): its text, or ''
    first_banner: str = ""

    def banner(self, r: int) -> str | None:
        """The banner text of row ``r`` (0-based), or None when it is no banner."""
        hit = self.skip.get(r)
        return hit[2] if hit is not None and hit[0] == "banner" else None


def _filled(v) -> bool:
    return v is not None and v != "" and not (v.__class__ is str and not v.strip())


def _first_cell(row: list, ignore: dict) -> tuple[int, object]:
    for c, v in enumerate(row):
        if v != "" and v is not None and c not in ignore and _filled(v):
            return c, v
    return -1, ""


def _is_number(v) -> bool:
    if v.__class__ in (int, float):
        return True
    return v.__class__ is str and bool(_NUMBER.match(v.strip()))


def _rating_word(v) -> bool:
    if v.__class__ is not str:
        return False
    return _WORD.sub(" ", v.lower()).strip() in RATING_WORDS


def list_columns(sheet: RawSheet, loc) -> dict[int, str]:
    """Unheaded columns that hold a dropdown's source list (column -> what it holds), cached
    on ``loc.lists``.

    Such a column holds a short run of distinct short words, most of which are values of the
    table's own columns (the choices its dropdowns offer: Risk / Issue / Assumption, Open /
    Closed, High / Medium / Low). A column of data has repeats, long text or values of its
    own."""
    if loc.lists is not None:
        return loc.lists
    lists: dict[int, str] = {}
    headed = set(loc.columns.values()) | set(loc.extras)
    rows = sheet.rows[loc.header_row + 1:]
    beside = getattr(loc, "beside", None) or {}  # a key beside the table is said as one
    width = max(map(len, rows), default=0)
    for c in range(width):
        if c in headed or c in beside:
            continue
        values = [row[c] for row in rows if c < len(row) and _filled(row[c])]
        if not 2 <= len(values) <= 60:
            continue
        if any(v.__class__ is not str or len(v) > 40 for v in values):
            continue
        folded = [v.strip().casefold() for v in values]
        if len(set(folded)) < len(folded):
            continue
        table_values = {row[k].strip().casefold() for row in rows for k in headed
                        if k < len(row) and row[k].__class__ is str and row[k]}
        if sum(1 for v in folded if v in table_values) * 2 < len(folded):
            continue
        lists[c] = ", ".join(v.strip() for v in values[:6]) + (" ..." if len(values) > 6 else "")
    loc.lists = lists
    return lists


def classify_rows(sheet: RawSheet, loc) -> RowClasses:
    """The non-data rows under a located header (see the module docstring)."""
    out = RowClasses(lists=dict(list_columns(sheet, loc)))
    beside = getattr(loc, "beside", None) or {}
    ignore = {**out.lists, **beside} if beside else out.lists
    first = loc.header_row + 1
    rows = sheet.rows
    if first >= len(rows):
        return out
    body = rows[first:]
    # Cells typed into, per row, counted in C (a cell of spaces counts; the few short rows
    # are counted exactly below).
    counts = list(map(sub, map(len, body), map(list.count, body, repeat(""))))
    short = list(compress(range(len(counts)), map(ge, repeat(2 + len(ignore)), counts)))
    for i in short:
        if not counts[i]:
            continue
        if ignore:
            counts[i] = sum(1 for c, v in enumerate(body[i]) if c not in ignore and _filled(v))
        else:  # a stray space is no cell
            counts[i] -= body[i].count(" ")
    skip = out.skip
    # Rows holding nothing but a key typed beside the table (its cells on the table's rows
    # are passed over, and said once by note_rows).
    for i in short:
        if beside and not counts[i]:
            c = next((c for c in sorted(beside) if c < len(body[i]) and _filled(body[i][c])),
                     None)
            if c is not None:
                skip[first + i] = ("key", c, clean_text(body[i][c]))

    # The header again: rows whose first header cell reads as the header's, then most cells.
    header_rows = [loc.header_row] + ([loc.group_row] if loc.group_row is not None else [])
    for h in header_rows:
        hdr = {c: clean_text(v).casefold() for c, v in enumerate(rows[h])
               if v.__class__ is str and v.strip()}
        if not hdr:
            continue
        c0 = min(hdr)
        h0 = hdr[c0]
        # Candidates found in C: the header's first cell as written, trimmed or re-cased.
        raw = rows[h][c0]
        column = column_values(body, c0)
        texts = {raw, raw.strip(), raw.strip().upper(), raw.strip().lower(), raw.strip().title()}
        for i in compress(range(len(column)), map(texts.__contains__, column)):
            row = body[i]
            if clean_text(row[c0]).casefold() != h0 or first + i in skip:
                continue
            same = sum(1 for c, t in hdr.items() if c < len(row) and row[c].__class__ is str
                       and clean_text(row[c]).casefold() == t)
            if same * 3 >= len(hdr) * 2:
                skip[first + i] = ("header", c0, clean_text(row[c0]))

    # Totals: "Total", "Grand total", "Sub-total" as the first cell of the table's first
    # columns. A total closes the table or a section, so only the short rows, the rows just
    # above a blank row and the last rows are looked at (not every row of a big sheet).
    table_cols = sorted({*loc.columns.values(), *loc.extras})
    wide = {r0 - first for r0, c0, r1, c1 in sheet.merged if c1 - c0 + 1 >= 3 and r0 >= first}
    ends = [i - 1 for i in short if i and not counts[i] and counts[i - 1]]
    tail = [i for i in range(len(counts) - 1, max(-1, len(counts) - 40), -1) if counts[i]][:5]
    for i in sorted({*[i for i in short if counts[i] and i not in wide], *ends, *tail}):
        row = body[i]
        for c in table_cols[:3]:
            v = row[c] if c < len(row) else ""
            if v.__class__ is str and v[:1] in _TOTAL_LEADS and _TOTAL.match(v.strip()):
                if first + i not in skip:
                    skip[first + i] = ("total", c, clean_text(v))
                break
            if _filled(v):
                break

    # A lone number: a row numbered in advance and left empty. (A one-cell row merged across
    # the table is a banner: passed over at once, as a big plan has thousands.)
    for i in short:
        r = first + i
        if counts[i] != 1 or r in skip or i in wide:
            continue
        c, v = _first_cell(body[i], ignore)
        if _is_number(v) and (c not in loc.columns.values() or c == loc.columns.get("ref")
                              or c == (table_cols[0] if table_cols else c)):
            skip[r] = ("numbered", c, clean_text(v))

    _tail(rows, first, counts, skip, {first + i for i in wide}, ignore)
    if any(cls == "header" for cls, _, _ in skip.values()):
        _banners(rows, first, counts, [i for i in short if counts[i] == 1], skip, ignore, out,
                 loc)
    return out


def _next_filled(counts: list[int], i: int) -> int | None:
    for k in range(i + 1, len(counts)):
        if counts[k]:
            return k
    return None


def _banners(rows, first, counts, ones, skip, ignore, out: RowClasses, loc) -> None:
    """One-cell rows (``ones``, indices under the header) that open a section over a
    repeated header; the one-cell row just above the header then titles the first section
    (``out.first_banner``). (A banner merged across the table is each kind's own to read: an
    action plan's theme, a scorecard's section.)"""
    over_header = False
    for i in ones:
        r = first + i
        if r in skip:
            continue
        c, v = _first_cell(rows[r], ignore)
        if v.__class__ is not str:
            continue
        nxt = _next_filled(counts, i)
        if nxt is not None and skip.get(first + nxt, ("",))[0] == "header":
            skip[r] = ("banner", c, clean_text(v))
            over_header = True
    if over_header and loc.first_row > 0:  # the row just above the header
        filled = [v for v in rows[loc.first_row - 1] if _filled(v)]
        if len(filled) == 1 and filled[0].__class__ is str:
            out.first_banner = clean_text(filled[0])


def _furniture_like(row: list, n: int, ignore) -> str | None:
    """The class a row under the table would have as furniture, or None for a data row."""
    c, v = _first_cell(row, ignore)
    text = v.strip() if v.__class__ is str else ""
    if text and _LEGEND_TITLE.match(text):
        return "legend"
    if text and _FOOTNOTE.match(text):
        return "footnote"
    if n <= 3 and (_rating_word(v) or (text and _RANGE.match(text))):
        return "legend"
    if n <= 2 and (_NUMBERED.match(text) or _is_number(v)):
        return "reference"
    if n == 1:
        return "footnote"
    return None


def _tail(rows, first, counts, skip, wide, ignore) -> None:
    """Blocks of rows under the table (after a blank row) that are notes, legends and
    reference lists, and the notes that close the table's last block.

    Walked from the bottom up, and only as far as the furniture goes: a big sheet's body is
    never walked."""
    end = len(counts)  # the blocks below ``end`` are done
    while True:
        i = end - 1
        while i >= 0 and not counts[i]:
            i -= 1
        if i < 0:
            return
        bottom = i
        block: list[tuple[int, str]] = []  # (index, class) from the bottom up
        while i >= 0 and counts[i]:
            if first + i not in skip:
                found = _furniture_like(rows[first + i], counts[i], ignore)
                if found is None:
                    break
                block.append((i, found))
            i -= 1
        else:
            # Every row of the block is furniture: it is, unless it is the sheet's first.
            if not block:  # rows already classed (a total, rows numbered in advance)
                end = i + 1
                continue
            above = i
            while above >= 0 and not counts[above]:
                above -= 1
            if above >= 0:
                kinds = {f for _, f in block}
                kind = "legend" if "legend" in kinds else "reference" if "reference" in kinds \
                    else "footnote"
                for k, _ in block:
                    c, v = _first_cell(rows[first + k], ignore)
                    note = v.__class__ is str and _FOOTNOTE.match(v.strip())
                    skip[first + k] = ("footnote" if note else kind, c, clean_text(v))
                end = i + 1
                continue
        break
    # Notes closing the table's last block: a note's words, or one cell merged across the
    # table (never the block's first row).
    i = bottom
    while i > 0 and counts[i - 1]:
        r = first + i
        if r not in skip:
            c, v = _first_cell(rows[r], ignore)
            text = v.strip() if v.__class__ is str else ""
            if not (text and (_FOOTNOTE.match(text) or _LEGEND_TITLE.match(text)
                              or (counts[i] == 1 and r in wide))):
                break
            skip[r] = ("footnote", c, clean_text(v))
        i -= 1


def note_rows(ctx, classes: RowClasses, *, banners_used: bool = True) -> None:
    """One ``not-a-row`` info issue per skipped row (a run of rows numbered in advance is
    one issue), and one per dropdown list column."""
    runs: list[list[int]] = []
    for r in sorted(classes.skip):
        cls, c, text = classes.skip[r]
        if cls == "banner" and banners_used:
            continue
        if cls == "numbered":
            if runs and classes.skip[runs[-1][-1]][0] == "numbered" and runs[-1][-1] >= r - 2:
                runs[-1].append(r)
                continue
            runs.append([r])
            continue
        runs.append([r])
    for run in runs:
        r = run[0]
        cls, c, text = classes.skip[r]
        what = CLASS_TEXT[cls]
        if len(run) > 1:
            msg = message("not-a-row", "numbered-run", first=r + 1, last=run[-1] + 1)
        elif text:
            msg = message("not-a-row", "furniture", what=what, text=text[:60])
        else:
            msg = message("not-a-row", "furniture-blank", what=what)
        ctx.issue("not-a-row", msg, row=r + 1, col=c if c >= 0 else None, value=text[:200])
    for c, what in sorted(classes.lists.items()):
        ctx.issue("not-a-row", message("not-a-row", "dropdown-list", column=col_letter(c),
                                       choices=what),
                  row=ctx.loc.header_row + 2, col=c, value=what[:200])
    beside = getattr(ctx.loc, "beside", None)
    if beside:
        c = min(beside)
        ctx.issue("not-a-row", message("not-a-row", "key-beside", column=col_letter(c),
                                       title=beside[c][:60]),
                  row=ctx.loc.header_row + 1, col=c, value=beside[c][:200])
