"""The second reader: a workbook's cell values read straight from its sheet XML, one cell at a time.

python-calamine (:mod:`xlplan.reader`) is fast but all-or-nothing: one shared-string index out of
range, one non-numeric value in a number cell, or one Excel error it does not know (``#SPILL!``,
``#CALC!``) and it refuses the whole workbook, where Excel opens the file with that one cell
blank. It also builds the whole grid from A1 to the last cell, so one stray value typed at row
1,048,567 (or a ``<dimension>`` declaring the sheet's end) makes a 19-row plan too large to read.

This reader is used only when the fast one refuses a file, or when the safety scan found a
sheet whose area is huge but whose cells are few. It streams each sheet with lxml (no entities,
no network; the package has already passed :func:`xlplan.safety.check_package`), keeps the
cells it can read, and reports the rest, each with its address:

* a cell whose value cannot be read is left blank and reported (``unreadable-cell``);
* cells beyond ``max_rows`` / ``max_columns``, or after a gap of :data:`STRAY_GAP` empty rows
  below the table, are not put in the grid (which would be mostly empty) but reported
  (``stray-cell``) with their value, so nothing is dropped silently.

Values come back as python-calamine gives them (floats, bools, ``datetime.date`` /
``datetime`` / ``time`` for date-formatted numbers, strings, ``""`` for empty), and Excel error
values as their text (``"#REF!"``), so the stages after the reader cannot tell the readers apart.
"""
from __future__ import annotations

import datetime as dt
import html
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .catalogue import message
from .issues import Issue, at, col_letter
from .ooxml import xml as ox
from .ooxml.package import Members, related_part
from .ooxml.styles import StylesTable

#: The codes the cell-by-cell reader raises, each worded from its catalogue templates.
CODES: tuple[str, ...] = ("unreadable-cell", "stray-cell")

#: Excel's error values; anything else written as an error is kept as its text too.
ERROR_VALUES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!",
                "#BUSY!", "#UNKNOWN!", "#PYTHON!")

#: Rows of nothing below the table after which further cells are stray, not part of it.
STRAY_GAP = 10_000
#: Stray or unreadable cells reported one by one per sheet; the rest are counted in one issue.
MAX_CELL_ISSUES = 20

_REF_RE = re.compile(r"([A-Za-z]{1,3})([0-9]+)$")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def unescape(text: str) -> str:
    """Excel's ``_xHHHH_`` escapes (characters XML cannot hold, e.g. ESC) decoded, as
    python-calamine decodes them."""
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


_local = ox.local


@dataclass
class Sheet:
    """One visible worksheet read tolerantly (rows from A1, as :class:`RawSheet` holds them)."""

    name: str
    rows: list[list]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    errors: set[tuple[int, int]] = field(default_factory=set)


@dataclass
class Book:
    sheets: list[Sheet]
    hidden: list[str]
    issues: list[Issue]


def error_cells(path: Path, member: str) -> dict[tuple[int, int], str]:
    """Every error cell (``t="e"``) of one sheet part: (row0, col0) -> its text ("#REF!").

    The fast reader turns error cells into blanks; this puts their values back. A big sheet
    with a few ``#N/A`` cells is common, so the error cells are found with byte searches, not
    by parsing every cell; a sheet whose error cells have no reference is parsed instead."""
    out: dict[tuple[int, int], str] = {}
    with zipfile.ZipFile(path) as zf, zf.open(member) as fh:
        carry = b""
        while True:
            chunk = fh.read(4 << 20)
            buf = carry + chunk
            keep = _error_hits(buf, out, final=not chunk)
            if keep is None:  # an error cell without a reference: positions need counting
                return _error_cells_parsed(path, member)
            if not chunk:
                return out
            carry = buf[keep:]


_ERROR_TYPE = re.compile(rb"""\st\s*=\s*(?:"e"|'e')""")
_ERROR_CELL = re.compile(rb"""<(?:\w+:)?c\b[^>]*?\br\s*=\s*["']([A-Za-z]{1,3})([0-9]+)["'][^>]*>"""
                         rb"""(?:.*?<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>)?""", re.DOTALL)


_CELL_CLOSE = re.compile(rb"</(?:\w+:)?c>")


def _error_hits(buf: bytes, out: dict, final: bool) -> int | None:
    """Error cells complete in ``buf`` into ``out``. Returns where to resume with the next
    chunk (the unfinished tail is read again), or None when a cell cannot be placed this way
    (no reference, an unusual form): the caller then parses the sheet."""
    pos = 0
    while True:
        m = _ERROR_TYPE.search(buf, pos)
        if m is None:
            return len(buf) if final else max(pos, len(buf) - 1024)
        start = buf.rfind(b"<", 0, m.start())
        tag_end = buf.find(b">", m.end())
        if start < 0:
            return None
        if tag_end < 0:
            return None if final else start
        if buf[tag_end - 1:tag_end] == b"/":
            cell_end = tag_end + 1
        else:
            close = _CELL_CLOSE.search(buf, tag_end)
            if close is None:
                return None if final else start
            cell_end = close.end()
        hit = _ERROR_CELL.match(buf, start, cell_end)
        if hit is None:
            return None
        if hit.group(3):
            out[(int(hit.group(2)) - 1, _col(hit.group(1).decode()))] = \
                html.unescape(hit.group(3).decode("utf-8", "replace"))
        pos = cell_end


def _error_cells_parsed(path: Path, member: str) -> dict[tuple[int, int], str]:
    out: dict[tuple[int, int], str] = {}
    with zipfile.ZipFile(path) as zf, zf.open(member) as fh:
        for r, c, el in _cells(fh):
            if el.get("t") == "e":
                out[(r, c)] = _text_of(el, "v")
            el.clear(keep_tail=False)
    return out


def read_book(path: Path, display: str, *, max_rows: int, max_columns: int) -> Book:
    """Every visible worksheet of ``path``; raises only when the package itself is unusable
    (then the fast reader's message is the one to give)."""
    from .styles import _read_xml, _sheet_members

    issues: list[Issue] = []
    with zipfile.ZipFile(path) as zf:
        members = Members(zf)
        by_name, rels, wb_part = _sheet_members(members)
        root = _read_xml(members, wb_part)
        if root is None:
            raise ValueError("the workbook part cannot be read")
        date1904 = any(_local(el.tag) == "workbookPr" and
                       (el.get("date1904") or "").lower() in ("1", "true") for el in root)
        kinds = {rel.target: rel.type.rsplit("/", 1)[-1] for rel in rels}
        strings_part = related_part(rels, "sharedStrings", members.find)
        styles_part = related_part(rels, "styles", members.find)
        strings, declared = _shared_strings(zf, strings_part) if strings_part else ([], None)
        if declared is not None and declared != len(strings):
            # An entry missing (or added) moves every text after it onto another cell, and
            # nothing in the cells shows it: the file as a whole is said to be doubtful.
            issues.append(at("unreadable-cell", message(
                "unreadable-cell", "text-table", declared=f"{declared:,}",
                found=f"{len(strings):,}"), file=display))
        date_styles = _date_styles(_read_xml(members, styles_part)) if styles_part else set()
        sheets: list[Sheet] = []
        hidden: list[str] = []
        for el in root.iter():
            if _local(el.tag) != "sheet":
                continue
            name = el.get("name")
            member = by_name.get(name) if name is not None else None
            if member is None or members.find(member) is None:
                continue
            if kinds.get(member, "worksheet") != "worksheet":
                continue
            if (el.get("state") or "visible") != "visible":
                hidden.append(name)
                continue
            reader = _SheetReader(display, name, strings, date_styles, date1904,
                                  max_rows, max_columns)
            with zf.open(members.find(member)) as fh:
                sheets.append(reader.read(fh))
            issues.extend(reader.issues)
    return Book(sheets, hidden, issues)


def _cells(fh, merges: list | None = None):
    """(row0, col0, element) of each ``<c>``, in order. A cell's reference gives its position;
    a cell without one takes the next column of its row, and a ``<row>`` without ``r`` follows
    the row before: python-calamine's rules, which :class:`xlplan.safety.sheets._ExactScanner` also
    follows. Merged ranges are appended to ``merges`` as (r0, c0, r1, c1)."""
    row_index, col_index = 0, 0
    for event, el in ox.iterparse(fh, events=("start", "end"), huge_tree=True):
        tag = _local(el.tag)
        if event == "start":
            if tag == "row":
                r = (el.get("r") or "").strip()
                if r.isdigit() and int(r) >= 1:
                    row_index = int(r) - 1
            continue
        if tag == "c":
            ref = _REF_RE.match((el.get("r") or "").strip())
            if ref:
                row, col = int(ref.group(2)) - 1, _col(ref.group(1))
                col_index = col + 1
            else:
                row, col = row_index, col_index
                col_index += 1
            yield max(row, 0), col, el
        elif tag == "row":
            row_index += 1
            col_index = 0
            el.clear(keep_tail=False)
        elif tag == "mergeCell" and merges is not None:
            ends = [_REF_RE.match(p.strip()) for p in (el.get("ref") or "").split(":")]
            if len(ends) == 2 and all(ends):
                (a, b) = ends
                merges.append((int(a.group(2)) - 1, _col(a.group(1)),
                               int(b.group(2)) - 1, _col(b.group(1))))


def _col(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def _text_of(el, child: str) -> str:
    for sub in el:
        if _local(sub.tag) == child:
            return sub.text or ""
    return ""


def _inline_text(el) -> str:
    for sub in el:
        if _local(sub.tag) == "is":
            return _rich_text(sub)
    return ""


def _rich_text(si) -> str:
    """The text of a ``<si>`` / ``<is>``: every ``<t>`` in order, phonetic runs left out."""
    parts = []
    for node in si.iter():
        if _local(node.tag) == "t":
            parent = node.getparent()
            if parent is not None and _local(parent.tag) == "rPh":
                continue
            parts.append(node.text or "")
    return unescape("".join(parts))


def _shared_strings(zf: zipfile.ZipFile, part: str) -> tuple[list[str], int | None]:
    """The texts of the shared-strings part, and how many it says it holds (its
    ``uniqueCount``; None when it does not say, which the format allows)."""
    out: list[str] = []
    declared: int | None = None
    with zf.open(part) as fh:
        for event, el in ox.iterparse(fh, events=("start", "end"), huge_tree=True):
            if event == "start":
                if _local(el.tag) == "sst":
                    count = (el.get("uniqueCount") or "").strip()
                    declared = int(count) if count.isdigit() else None
                continue
            if _local(el.tag) == "si":
                out.append(_rich_text(el))
                el.clear(keep_tail=False)
    return out, declared


def _date_styles(root) -> set[int]:
    """Indexes into ``cellXfs`` whose number format shows a date or time."""
    return set() if root is None else StylesTable(root).date_xfs()


def excel_date(value: float, date1904: bool):
    """A date-formatted number as python-calamine gives it: a date, a datetime or a time."""
    base = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
    if not date1904 and value < 60:
        value += 1  # Excel's 1900 leap-year bug: serials before 1 March 1900 are one day off
    if 0 <= value < 1:
        stamp = dt.datetime.min + dt.timedelta(days=value)
        return dt.time(stamp.hour, stamp.minute, stamp.second)
    stamp = base + dt.timedelta(days=value)
    stamp = stamp.replace(microsecond=0) if stamp.microsecond < 500_000 else \
        (stamp + dt.timedelta(seconds=1)).replace(microsecond=0)
    if stamp.time() == dt.time(0):
        return stamp.date()
    return stamp


class _SheetReader:
    def __init__(self, display: str, sheet: str, strings: list[str], date_styles: set[int],
                 date1904: bool, max_rows: int, max_columns: int):
        self.display, self.sheet = display, sheet
        self.strings, self.date_styles, self.date1904 = strings, date_styles, date1904
        self.max_rows, self.max_columns = max_rows, max_columns
        self.issues: list[Issue] = []
        self.bad = 0

    def _bad(self, r: int, c: int, why: str, raw: str) -> None:
        self.bad += 1
        if self.bad <= MAX_CELL_ISSUES:
            self.issues.append(at("unreadable-cell", message("unreadable-cell", "cell", why=why),
                                  file=self.display, sheet=self.sheet, row=r + 1, col=c,
                                  value=raw[:200]))

    def _value(self, r: int, c: int, el):
        t = el.get("t") or "n"
        if t == "inlineStr":
            return _inline_text(el)
        raw = _text_of(el, "v")
        if t == "s":
            try:
                index = int(raw)
                if index < 0:
                    raise IndexError(index)
                return self.strings[index]
            except (ValueError, IndexError):
                self._bad(r, c, f"it points at shared string {raw!r}, which the file does not "
                          "have", raw)
                return ""
        if t == "str":
            return unescape(raw)
        if t == "e":
            return raw
        if raw == "":
            return ""
        if t == "b":
            if raw.strip() in ("0", "1"):
                return raw.strip() == "1"
            self._bad(r, c, f"{raw!r} is not TRUE or FALSE", raw)
            return ""
        if t == "d":
            try:
                return dt.datetime.fromisoformat(raw.strip())
            except ValueError:
                self._bad(r, c, f"{raw!r} is not a date", raw)
                return ""
        if t != "n":
            self._bad(r, c, f"its type {t!r} is not one Excel writes", raw)
            return ""
        try:
            number = float(raw)
        except ValueError:
            if el.get("t") is None:
                return raw  # no type given: text, as python-calamine reads it
            self._bad(r, c, f"{raw!r} is stored as a number but is not one", raw)
            return ""
        if number != number or number in (float("inf"), float("-inf")):
            self._bad(r, c, f"{raw!r} is not a finite number", raw)
            return ""
        try:
            style = int(el.get("s") or 0)
        except ValueError:
            style = 0
        if style in self.date_styles:
            try:
                return excel_date(number, self.date1904)
            except (OverflowError, ValueError):
                return number
        return number

    def read(self, fh) -> Sheet:
        cells: dict[int, dict[int, object]] = {}
        merged: list[tuple[int, int, int, int]] = []
        stray: list[tuple[int, int, object]] = []
        errors: set[tuple[int, int]] = set()
        for r, c, el in _cells(fh, merged):
            value = self._value(r, c, el)
            if el.get("t") == "e" and value != "":
                errors.add((r, c))
            el.clear(keep_tail=False)
            if value == "" or value is None:
                continue
            if r >= self.max_rows or c >= self.max_columns:
                stray.append((r, c, value))
                continue
            cells.setdefault(r, {})[c] = value
        rows_used = sorted(cells)
        table_end = len(rows_used)
        for i in range(1, len(rows_used)):
            if rows_used[i] - rows_used[i - 1] > STRAY_GAP:
                table_end = i
                break
        for r in rows_used[table_end:]:
            stray.extend((r, c, v) for c, v in cells.pop(r).items())
        height = max(cells) + 1 if cells else 0
        width = max((max(row) for row in cells.values()), default=-1) + 1
        grid = [[""] * width for _ in range(height)]
        for r, row in cells.items():
            target = grid[r]
            for c, v in row.items():
                target[c] = v
        if self.bad > MAX_CELL_ISSUES:
            self.issues.append(at("unreadable-cell", message(
                "unreadable-cell", "more", count=f"{self.bad - MAX_CELL_ISSUES:,}"),
                file=self.display, sheet=self.sheet))
        self._report_stray(stray, height, width)
        merged = [m for m in merged if m[0] < self.max_rows and m[1] < self.max_columns]
        errors = {(r, c) for r, c in errors if r < height and c < width}
        return Sheet(self.sheet, grid, merged, errors)

    def _report_stray(self, stray: list[tuple[int, int, object]], height: int, width: int) -> None:
        if not stray:
            return
        corner = f"{col_letter(max(width - 1, 0))}{max(height, 1)}"
        for r, c, v in sorted(stray)[:MAX_CELL_ISSUES]:
            self.issues.append(at("stray-cell", message("stray-cell", "value", corner=corner),
                                  file=self.display, sheet=self.sheet, row=r + 1, col=c,
                                  value=v))
        if len(stray) > MAX_CELL_ISSUES:
            last_r, last_c, _ = max(stray, key=lambda s: (s[0], s[1]))
            self.issues.append(at("stray-cell", message(
                "stray-cell", "more", count=f"{len(stray) - MAX_CELL_ISSUES:,}",
                last=f"{col_letter(last_c)}{last_r + 1}"), file=self.display, sheet=self.sheet))
