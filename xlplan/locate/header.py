"""Where a sheet's header row is, which kind of table it heads, which column is which.

A header row can sit anywhere in the first rows (title blocks above it), and its cells are
renamed, abbreviated, re-cased and padded from one organisation to the next. Every candidate
row is read against every kind's alias table (:mod:`xlplan.schema.columns`); the row and kind
that recognise the most columns win.

How a header cell is recognised, in this order:

1. an alias, exactly after :func:`~xlplan.schema.columns.header_key` folding (or a long alias
   as a prefix); a programme's ``[headers]`` aliases come first among them, so a programme
   can always say what a header means;
2. the concept words of a column (:attr:`~xlplan.schema.columns.Column.tokens`) among the
   header's words: "Task Description" holds "description", "Likelihood_1_5" holds
   "likelihood", "Responsible Person" holds "responsible". A word match counts half an alias
   match when rows are scored, so a known header always beats a guessed one.

A row scores two points per alias match and one per word match; ties go to the row with a run
of filled rows beneath it, then to the higher row. A kind is only taken when one of its
identifying columns is there and enough columns are recognised (``SheetSchema.min_columns``).

**Two-row headers (the contract the per-kind alias tables rely on).** Registers and
scorecards often group their columns under a banner row: "Initial" / "Current" / "Residual" /
"Target" over Likelihood / Impact / Score, or quarter banners over Goal / Forecast / Actual.
The row above a candidate header is a *group row* when its labels sit over two or more of the
header's cells (a horizontal merge, or repeated groups spaced alike) and it is not a title
across the whole table. Each column is then read under its *combined label*: the group label,
a space, the sub-header ("Current Likelihood", "Q1'15 Goal"); a cell with nothing below it
(merged down) reads as the group row's text alone ("Ref"), one with nothing above as the
sub-header alone. Combined labels are matched first; a sub-header alone is tried next for the
columns still unfound. So a kind's alias table maps a grouped column by adding the combined
spelling ("current likelihood", "initial impact", "q1 goal") to the column's aliases. The
header row (``Located.header_row``) is then the lower row, ``Located.group_row`` the upper,
and ``Located.headers`` holds the combined labels (what extras are named after).

A workflow "Status" column is kept apart from the RAG: where a kind has both a ``status`` and
a ``rag`` column and only ``status`` was found, its values decide (:func:`status_or_rag`).

Columns no schema knows are kept as extra columns.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterator

from ..config import Programme
from ..reader import RawSheet
from ..schema.columns import ACTION_PLAN, LEGEND_TITLES, RISK_REGISTER, SCHEMAS, AliasTable, \
    header_key
from ..text import clean_text

#: How far down a sheet the header row is looked for.
HEADER_SEARCH_ROWS = 40
#: How many rows beneath a header are looked at for the run of filled rows that follows it.
SHAPE_ROWS = 3

_QUARTER = re.compile(r"^(?:q|qtr|quarter)\s?([1-4])(?:\s+(\d{2,4})(?:\s+(\d{2,4}))?)?$")
_YEAR_COLUMN = re.compile(r"^(?:fy\s)?(\d{4})\s(\d{2,4})$|^(\d{4})$")
#: A quarter under its year's banner, as a two-row header combines them: "2024/25" merged over
#: Q1 | Q2 | Q3 | Q4 gives "2024 25 q1" ...
_QUARTER_UNDER_YEAR = re.compile(r"^(?:fy\s)?\d{4}(?:\s\d{2,4})?\s(?:q|qtr|quarter)\s?([1-4])$")


@dataclass
class Located:
    """Where a sheet's table is: its kind, header row (0-based) and column map (0-based)."""

    kind: str
    header_row: int
    columns: dict[str, int]
    extras: dict[int, str] = field(default_factory=dict)  # column -> header text as written
    headers: dict[int, str] = field(default_factory=dict)  # every non-empty header cell
    #: the group (banner) row over a two-row header, 0-based; None for a one-row header
    group_row: int | None = None
    #: columns found by their concept words rather than an alias (name -> header text)
    guessed: dict[str, str] = field(default_factory=dict)
    #: unheaded columns holding a list of choices (a dropdown's source), column -> why;
    #: filled in by :func:`xlplan.rows.list_columns`, never read as data
    lists: dict[int, str] | None = None
    #: columns of a key typed beside the table, past an empty column (column -> the key's
    #: title): never read as data (see :func:`legend_beside`)
    beside: dict[int, str] = field(default_factory=dict)

    @property
    def last_column(self) -> int:
        return max([*self.columns.values(), *self.extras.keys()], default=0)

    @property
    def first_row(self) -> int:
        """The first row of the header (the group row of a two-row header), 0-based."""
        return self.group_row if self.group_row is not None else self.header_row


@dataclass
class Reading:
    """One way to read a candidate header row: its cells' labels and what they matched."""

    row: int
    group_row: int | None
    labels: dict[int, str]  # column -> header text (combined label for a two-row header)
    found: dict[str, int]
    guessed: dict[str, str]
    score: int


# --------------------------------------------------------------------------------------------
# Header cells
# --------------------------------------------------------------------------------------------

def _row_keys(row: list) -> list[tuple[int, str, str]]:
    """(column, folded header key, cell text) of each cell of a row that could be a header."""
    cells = []
    for c, value in enumerate(row):
        if value == "" or value is None or not isinstance(value, str):
            continue
        if len(value) > 400:  # a data cell, not a header
            continue
        key = header_key(value)
        if key:
            cells.append((c, key, value))
    return cells


def _horizontal_merges(sheet: RawSheet, rows: int) -> dict[tuple[int, int], int]:
    """(row, first column) -> last column of each horizontal merge starting in the first
    ``rows`` rows (group labels are merged across their sub-headers)."""
    return {(r0, c0): c1 for r0, c0, r1, c1 in sheet.merged if r0 < rows and c1 > c0}


def group_labels(upper: list, lower: list, r: int, merges: dict[tuple[int, int], int]
                 ) -> dict[int, str] | None:
    """Column -> group label for each sub-header cell of ``lower`` that a label of ``upper``
    (the row above, 0-based row ``r - 1``) sits over; None when ``upper`` is no group row.

    A label covers its horizontal merge; unmerged labels spaced alike ("Q1", blank, blank,
    "Q2", blank, blank) cover up to the next label, the last one as wide as the one before.
    A single label over the whole table is a title, not a group."""
    texts = {c: v for c, v in enumerate(upper)  # cleaned only where they label a column
             if isinstance(v, str) and v.strip() and len(v) <= 120}
    if not texts:
        return None
    filled_lower = {c for c, v in enumerate(lower) if v != "" and v is not None}
    if not filled_lower:
        return None
    spans: dict[int, tuple[int, int]] = {}
    starts = sorted(texts)
    for i, c in enumerate(starts):
        end = merges.get((r - 1, c))
        if end is None:
            if len(starts) < 2:
                continue
            nxt = starts[i + 1] if i + 1 < len(starts) else None
            width = (nxt - c) if nxt is not None else (c - starts[i - 1])
            end = c + width - 1
        if end > c:
            spans[c] = (c, end)
    # A group sits over two or more sub-headers; keep only such labels.
    groups = {c: span for c, span in spans.items()
              if sum(1 for k in range(span[0], span[1] + 1) if k in filled_lower) >= 2}
    if not groups:
        return None
    covered = {k for a, b in groups.values() for k in range(a, b + 1)}
    if len(groups) == 1 and filled_lower <= covered and set(texts) <= covered:
        # One label over everything: a title. Not when the row holds other labels beside
        # it: those are headers merged down over both rows ("Ref", "Action" left of
        # "Progress" over "Status" / "Update"), so the lower row only has the group's cells.
        return None
    out: dict[int, str] = {}
    for c, (a, b) in groups.items():
        label = clean_text(texts[c])
        for k in range(a, b + 1):
            if k in filled_lower:
                out[k] = label
    return out


def _readings(sheet: RawSheet, r: int, merges, floor: Callable[[], int] = lambda: 0
              ) -> Iterator[tuple[int | None, dict[int, str], dict[int, str]]]:
    """The ways to read row ``r`` as a header: alone, and under the row above when that is a
    group row. Each is (group row, column -> label, column -> sub-header alone).

    ``floor()``: the best score so far, asked after the caller has used the reading alone. A
    two-row reading labels at most the text cells of both rows, and each label scores at most
    2: when even that cannot reach the floor, the reading is not worked out (most rows near
    the top of a sheet are data rows under a header already found)."""
    row = sheet.rows[r]
    single = {c: v for c, v in enumerate(row)
              if v.__class__ is str and v and len(v) <= 400}
    yield None, single, {}
    if r == 0:
        return
    upper = sheet.rows[r - 1]
    texts = {c for c, v in enumerate(row) if isinstance(v, str) and v}
    texts.update(c for c, v in enumerate(upper) if isinstance(v, str) and v)
    if 2 * len(texts) < floor():
        return
    groups = group_labels(upper, row, r, merges)
    if groups is None:
        return
    labels: dict[int, str] = {}
    subs: dict[int, str] = {}
    for c in range(max(len(row), len(upper))):
        sub = row[c] if c < len(row) else ""
        sub = sub if isinstance(sub, str) and sub.strip() and len(sub) <= 400 else ""
        if c in groups and sub:
            labels[c] = f"{groups[c]} {clean_text(sub)}"
            subs[c] = sub
        elif sub:
            labels[c] = sub
        else:
            top = upper[c] if c < len(upper) else ""
            # A cell above with nothing below: merged down over both rows, or a header cell
            # the group row holds alone ("Ref", "Risk" left of the grouped ratings).
            if isinstance(top, str) and top.strip() and c not in groups and len(top) <= 400:
                labels[c] = top
    yield r - 1, labels, subs


# --------------------------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------------------------

def _match(labels: dict[int, str], subs: dict[int, str], kind: str, table: AliasTable,
           keys: dict[int, str] | None = None) -> tuple[dict[str, int], dict[str, str], int]:
    """(name -> column, names guessed from words -> header, score) for one reading;
    ``keys`` are the labels' :func:`header_key` foldings when already worked out."""
    found: dict[str, int] = {}
    if keys is None:
        keys = {c: header_key(v) for c, v in labels.items()}
    claimed: set[int] = set()
    exact = 0
    second_action: list[int] = []  # columns named like the action, right of the first
    # 1. aliases, on the labels as read (combined labels for a two-row header)
    for c in sorted(keys):
        name = table.match(keys[c])
        if name is None and kind == ACTION_PLAN:
            name = _quarter_column(keys[c], found)
        if name is not None and name not in found:
            found[name] = c
            claimed.add(c)
            exact += 1
        elif name == "action" and kind == ACTION_PLAN:
            second_action.append(c)
    # A plan with two action columns and no sub-action column ("Recommendation", then
    # "Action"): the left one is what the actions on the right answer to, as a sub-action
    # column answers to its action (a CQC or inspection action plan).
    if second_action and "sub_action" not in found:
        found["sub_action"] = second_action[0]
        claimed.add(second_action[0])
        exact += 1
    # 2. aliases, on a grouped column's sub-header alone
    for c in sorted(subs):
        if c in claimed:
            continue
        name = table.match(header_key(subs[c]))
        if name is not None and name not in found:
            found[name] = c
            claimed.add(c)
            exact += 1
    # 3. concept words, label then sub-header
    guessed: dict[str, str] = {}
    taken = set(found)
    for c in sorted(keys):
        if c in claimed:
            continue
        name = table.match_tokens(keys[c], taken)
        if name is None and c in subs:
            name = table.match_tokens(header_key(subs[c]), taken)
        if name is not None:
            found[name] = c
            claimed.add(c)
            taken.add(name)
            guessed[name] = clean_text(labels[c])
    return found, guessed, 2 * exact + len(guessed)


def _match_keys(cells: list[tuple[int, str, str]], kind: str, programme: Programme
                ) -> dict[str, int]:
    """Name -> column for one row's header cells (aliases and concept words)."""
    labels = {c: v for c, _, v in cells}
    return _match(labels, {}, kind, programme.aliases(kind))[0]


def _match_row(row: list, kind: str, programme: Programme) -> tuple[dict[str, int], dict[int, str]]:
    cells = _row_keys(row)
    return _match_keys(cells, kind, programme), {c: clean_text(v) for c, _, v in cells}


def _quarter_column(key: str, found: dict[str, int]) -> str | None:
    """'Q1 18/19', 'Quarter 2', '2019/20': quarter columns, the next year's as 'later'."""
    m = _QUARTER.match(key) or _QUARTER_UNDER_YEAR.match(key)
    if m:
        q = f"q{m.group(1)}"
        return q if q not in found else "later"
    if _YEAR_COLUMN.match(key) and any(q in found for q in ("q1", "q2", "q3", "q4")):
        return "later"
    return None


def _filled_count(row: list) -> int:
    return len(row) - row.count("") - row.count(None)


def _shape(sheet: RawSheet, r: int) -> int:
    """How many of the rows just beneath row ``r`` hold two or more cells (blank rows and
    one-cell rows, such as a banner, passed over): the run of filled rows a table's header
    sits on."""
    run = 0
    for row in sheet.rows[r + 1:r + 1 + 2 * SHAPE_ROWS]:
        if _filled_count(row) >= 2:
            run += 1
            if run >= SHAPE_ROWS:
                break
    return run


def _qualifies(found: dict[str, int], kind: str) -> bool:
    schema = SCHEMAS[kind]
    return len(found) >= schema.min_columns and any(n in found for n in schema.identify_any)


def _candidates(sheet: RawSheet, programme: Programme, floor=lambda: 0):
    """Every (kind, Reading) of the first rows that could be the sheet's header and could
    score at least ``floor()`` (the best score so far)."""
    limit = min(len(sheet.rows), HEADER_SEARCH_ROWS)
    merges = _horizontal_merges(sheet, limit)
    fewest = min(schema.min_columns for schema in SCHEMAS.values())
    tables = {kind: programme.aliases(kind) for kind in SCHEMAS}
    for r in range(limit):
        row = sheet.rows[r]
        if _filled_count(row) < 1:
            continue
        for group_row, labels, subs in _readings(sheet, r, merges, floor):
            if len(labels) < fewest:
                continue
            # A column scores at most 2 (an alias): a reading with too few labels to reach
            # the best score so far cannot win, and is not matched at all (nor folded: the
            # labels that fold to something are fewer still).
            if 2 * len(labels) < floor():
                continue
            keys = {c: header_key(v) for c, v in labels.items()}
            keys = {c: k for c, k in keys.items() if k}
            if 2 * len(keys) < floor():
                continue
            labels = {c: labels[c] for c in keys}
            for kind, table in tables.items():
                found, guessed, score = _match(labels, subs, kind, table, keys)
                yield kind, Reading(r, group_row, labels, found, guessed, score)


def locate_by_header(sheet: RawSheet, programme: Programme) -> Located | None:
    """The best header row and kind for a sheet, or None when no row looks like a header."""
    best: tuple[tuple, str, Reading] | None = None
    shapes: dict[int, int] = {}
    for kind, reading in _candidates(sheet, programme,
                                     lambda: best[0][0] if best is not None else 0):
        if not _qualifies(reading.found, kind):
            continue
        if best is not None and reading.score < best[0][0]:
            continue
        if reading.row not in shapes:
            shapes[reading.row] = _shape(sheet, reading.row)
        # Higher score; then a run of rows beneath; then a two-row reading of the same row
        # (its labels say more); then the first row and kind seen. The two-row preference is
        # only between readings of one row: a data row over a repeat of the header is no group
        # row, and taking it for one would move the header down past the rows above it.
        rank = (reading.score, min(shapes[reading.row], 1))
        if best is None or rank > best[0] or (
                rank == best[0] and reading.row == best[2].row
                and reading.group_row is not None and best[2].group_row is None):
            best = (rank, kind, reading)
    if best is None:
        return None
    _, kind, reading = best
    headers = {c: clean_text(v) for c, v in reading.labels.items()}
    found = dict(reading.found)
    status_or_rag(sheet, reading.row, kind, found, programme)
    if kind == ACTION_PLAN:
        values_decide(sheet, reading.row, found)
    # (a register's key beside its table is told row by row, in xlplan.normalise.risks)
    beside = legend_beside(sheet, headers, found) if kind == ACTION_PLAN else {}
    extras = {c: h for c, h in headers.items() if c not in found.values() and c not in beside}
    # a column values_decide took away is no longer a guess of that name
    guessed = {n: h for n, h in reading.guessed.items()
               if n in found or n not in ("theme", "updates")}
    return Located(kind, reading.row, found, extras, headers, reading.group_row, guessed,
                   beside=beside)


def legend_beside(sheet: RawSheet, headers: dict[int, str], found: dict[str, int]
                  ) -> dict[int, str]:
    """The columns of a key typed beside the table: a header cell worded as a key's title
    ("Key", "RAG key") right of every recognised column, with an empty header cell between
    it and the table; it and every column right of it (column -> the title). A column of the
    table would be headed next to its neighbours, and a key's rows ("R | Off track") are no
    actions."""
    if not found:
        return {}
    last = max(found.values())
    for c in sorted(headers):
        if c > last + 1 and c - 1 not in headers and header_key(headers[c]) in LEGEND_TITLES:
            title = clean_text(headers[c])
            width = max(map(len, sheet.rows), default=c + 1)
            return {k: title for k in range(c, max(width, c + 1))}
    return {}


# --------------------------------------------------------------------------------------------
# Status or RAG
# --------------------------------------------------------------------------------------------

#: Share of a Status column's filled cells that must be RAG values for it to be the RAG.
RAG_SHARE = 0.6


def status_or_rag(sheet: RawSheet, header_row: int, kind: str, found: dict[str, int],
                  programme: Programme) -> None:
    """A kind with both a workflow ``status`` and a ``rag`` column, where only ``status`` was
    found: the column is the RAG when its values are RAG values ("Green", "A/G", "Red"), or
    when it has none yet (a blank template reads as it always has). ``found`` is updated."""
    names = {c.name for c in SCHEMAS[kind].columns}
    if kind == RISK_REGISTER:
        return  # a register's Status is judged with its ratings (xlplan.normalise.risks)
    if "status" not in names or "rag" not in names or "rag" in found or "status" not in found:
        return
    c = found["status"]
    values = [row[c] for row in sheet.rows[header_row + 1:] if c < len(row)]
    texts = [v for v in values if isinstance(v, str) and v.strip()]
    if not texts:
        if any(v not in ("", None) for v in values):
            return  # numbers or dates: not RAG words
        found["rag"] = found.pop("status")
        return
    from ..schema.status import normalise_status

    scale = programme.rag
    # Words a status and a RAG share ("Done", "On track", "At risk") decide nothing; a
    # column is the RAG when most of its other words are RAG words (or it has no others).
    seen: dict[str, int] = {}  # text -> 1 RAG word, 0 status or unknown word, -1 shared
    rag = other = 0
    for t in texts:
        if t not in seen:
            is_rag = bool(scale.normalise(t))
            is_status = normalise_status(t)[0] is not None
            seen[t] = -1 if is_rag and is_status else int(is_rag)
        if seen[t] == 1:
            rag += 1
        elif seen[t] == 0:
            other += 1
    if rag >= RAG_SHARE * (rag + other):
        found["rag"] = found.pop("status")


#: Share of a column's filled cells that must be status (or priority) words for the column
#: to be read as a status (or as no theme).
WORDS_SHARE = 0.9


def _texts(sheet: RawSheet, header_row: int, c: int) -> Counter:
    """The filled text cells of column ``c`` below the header, counted (a column repeats a
    few words down a long sheet: each is judged once)."""
    return Counter(v for row in sheet.rows[header_row + 1:] if c < len(row)
                   for v in (row[c],) if v.__class__ is str and v.strip())


def _share(texts: Counter, test: Callable[[str], bool]) -> bool:
    """Whether the column holds text and at least WORDS_SHARE of it passes ``test``."""
    total = sum(texts.values())
    return bool(total) and sum(n for t, n in texts.items() if test(t)) >= WORDS_SHARE * total


def values_decide(sheet: RawSheet, header_row: int, found: dict[str, int]) -> None:
    """An action plan's columns whose values say they are not what their header matched.

    * A "Progress" column read as the updates whose cells are workflow words (Planner's Not
      started / In progress / Completed) is the plan's status, when it has no other: so a
      completed task is read as complete.
    * A theme column whose cells are task priorities (High / Medium / Low, Urgent, P1) is no
      theme (a tracker's "Priority"): it is kept as an extra column, as written.
    ``found`` is updated."""
    from ..schema.status import is_priority, normalise_status

    if "updates" in found and "status" not in found and _share(
            _texts(sheet, header_row, found["updates"]),
            lambda t: normalise_status(t)[0] is not None):
        found["status"] = found.pop("updates")
    if "theme" in found and _share(_texts(sheet, header_row, found["theme"]), is_priority):
        del found["theme"]


# --------------------------------------------------------------------------------------------
# A table xlplan cannot map
# --------------------------------------------------------------------------------------------

_KIND_NAMES = {"action_plan": "an action plan", "risk_register": "a risk register",
               "scorecard": "a scorecard"}
_NEEDS = {"action_plan": "an action or task column",
          "risk_register": "a risk description column",
          "scorecard": "an indicator (KPI) column"}


@dataclass
class Unmapped:
    """A sheet that looks like a table but is no kind xlplan knows: where, and why."""

    header_row: int  # 0-based
    headers: list[str]
    kind: str | None  # the kind it came nearest to
    found: dict[str, str]  # canonical name -> header text
    missing: list[str]  # what that kind still needs, in words
    labels: dict[int, str] = field(default_factory=dict)  # column -> header text
    score: int = 0

    def message(self, sheet: str) -> str:
        shown = ", ".join(f"'{h}'" for h in self.headers[:12])
        if len(self.headers) > 12:
            shown += f" and {len(self.headers) - 12} more"
        text = (f"sheet '{sheet}' looks like a table (header row {self.header_row + 1}: "
                f"{shown}) but xlplan cannot tell which columns are which")
        if self.kind and self.found:
            got = ", ".join(f"{name.replace('_', ' ')} ('{h}')" for name, h in self.found.items())
            text += (f"; read as {_KIND_NAMES[self.kind]} it has {got} but lacks "
                     + " and ".join(self.missing))
        else:
            text += "; no column matches an action plan, risk register or scorecard"
        return (text + ". If it is one, name its columns in the programme file's [headers] "
                "(`xlplan map FILE` prints the block)")


def unmapped_table(sheet: RawSheet, programme: Programme) -> Unmapped | None:
    """For a sheet :func:`xlplan.locate.locate` found no kind in: the row that looks most like a
    table's header (three or more short texts over a run of filled rows), the kind it came
    nearest to, and what that kind lacks. None when nothing on the sheet looks like a table."""
    best: tuple[tuple, Reading, str] | None = None
    header_like: dict[tuple[int, int | None], tuple] = {}
    for kind, reading in _candidates(sheet, programme):
        r = reading.row
        at = (r, reading.group_row)
        if at not in header_like:
            texts = [clean_text(v).casefold() for v in reading.labels.values() if len(v) <= 60]
            numbers = sum(1 for v in sheet.rows[r] if v != "" and v is not None
                          and not isinstance(v, str))
            # A header is short texts, each said once, with no numbers, over rows of data.
            header_like[at] = (len(texts) >= 3 and _shape(sheet, r) >= 2, numbers == 0,
                               len(set(texts)) == len(texts), len(texts))
        like = header_like[at]
        if not like[0]:
            continue
        rank = (like[1], like[2], reading.score, like[3], -r)
        if best is None or rank > best[0]:
            best = (rank, reading, kind)
    if best is None:
        return None
    _, reading, kind = best
    schema = SCHEMAS[kind]
    found = {name: clean_text(reading.labels[c]) for name, c in reading.found.items()}
    missing = []
    if not any(n in found for n in schema.identify_any):
        missing.append(_NEEDS[kind])
    short = schema.min_columns - len(found) - (1 if missing else 0)
    if short > 0:
        missing.append(f"{short} more recognised column{'s' if short > 1 else ''}")
    headers = [clean_text(v) for _, v in sorted(reading.labels.items())]
    return Unmapped(reading.row, headers, kind if reading.score else None,
                    found if reading.score else {}, missing,
                    {c: clean_text(v) for c, v in reading.labels.items()}, reading.score)
