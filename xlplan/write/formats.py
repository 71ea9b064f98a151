"""Shared formats of the consolidated workbook, and the one way every sheet writes a cell.

:class:`Formats` makes each xlsxwriter format once (``fmts.get(bold=True, ...)`` returns the same
object for the same properties, created in first-use order, so the output is deterministic),
knows the programme's RAG labels and colours (from :mod:`xlplan.schema.rag`), and collects the
cells whose text had to be cut to Excel's limit.

:func:`put` writes any value: text always with ``write_string`` (an SRO's ``=HYPERLINK(...)``
stays text), numbers, booleans and dates as themselves, blanks as blanks.

Big sheets (Actions, Exceptions, Changes, Issues, Submissions) are *streamed*: made with
:func:`add_streaming_worksheet`, each row goes to disk when the next row is started, so memory
stays flat whatever the number of rows. Such a sheet must be written strictly top to bottom:
its table first (header row 0), then each row with :func:`put_row` (cells and height together)
-- a cell or height given for a row already passed is lost. Sheets that charts draw on
(Dashboard, History) stay ordinary: a chart caches the values of an ordinary sheet only.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import tempfile
import zipfile
from dataclasses import dataclass
from operator import itemgetter

from xlsxwriter.utility import xl_range
from xlsxwriter.worksheet import Worksheet

from ..issues import col_letter
from ..schema.rag import CANONICAL_LEVELS, LEVEL_FILL, LEVEL_FONT, RagScale

#: Excel's limit on the characters in a cell (UTF-16 code units).
EXCEL_MAX_TEXT = 32_767
TRUNCATION_MARK = " [... cut here: Excel holds at most 32,767 characters in a cell; the full " \
                  "text is in the source file]"

# Palette (the programme board's pack: dark blue headings, light greys, RAG colours).
NAVY = "#1F3864"
BLUE = "#2F5597"
LIGHT_BLUE = "#DDEBF7"
GREY = "#7F7F7F"
LIGHT_GREY = "#F2F2F2"
MID_GREY = "#D9D9D9"
NOT_REPORTED_FILL = "#BFBFBF"
ERROR_FILL, ERROR_FONT = "#FFC7CE", "#9C0006"
WARNING_FILL, WARNING_FONT = "#FFEB9C", "#7F6000"
INFO_FILL, INFO_FONT = "#DDEBF7", "#1F3864"
GOOD_FONT = "#006100"

DATE_FORMAT = "dd mmm yyyy"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def hexcolour(hex6: str) -> str:
    return "#" + hex6.lstrip("#").upper()


@dataclass(frozen=True)
class Truncation:
    sheet: str
    cell: str
    length: int


#: Text of at most this many characters is within Excel's limit whatever it holds (a character
#: is at most two UTF-16 units): no need to measure it.
SAFE_TEXT_LEN = EXCEL_MAX_TEXT // 2


def utf16_len(text: str) -> int:
    if len(text) * 2 <= EXCEL_MAX_TEXT:
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def fit_text(text: str) -> tuple[str, bool]:
    """Text cut to Excel's cell limit with a visible marker, and whether it was cut."""
    if utf16_len(text) <= EXCEL_MAX_TEXT:
        return text, False
    room = EXCEL_MAX_TEXT - utf16_len(TRUNCATION_MARK)
    units = text.encode("utf-16-le")[: room * 2]
    cut = units.decode("utf-16-le", errors="ignore")  # never half a surrogate pair
    return cut + TRUNCATION_MARK, True


class Formats:
    """The workbook's formats, made once each, plus the programme's RAG scale."""

    def __init__(self, wb, scale: RagScale | None = None):
        self.wb = wb
        self.scale = scale or RagScale()
        self._cache: dict[tuple, object] = {}
        self.truncated: list[Truncation] = []
        #: Issues the writer itself found (text-truncated), listed on the Issues sheet.
        self.extra_issues: list = []
        #: The programme and period every printed page's footer names (set by the first sheet
        #: written from a merged month: see :func:`remember_page`).
        self.programme: str = ""
        self.period: str = ""

    # ------------------------------------------------------------------ generic and named formats
    def get(self, **props):
        """The format with these properties (one object per distinct set)."""
        key = tuple(sorted(props.items()))
        fmt = self._cache.get(key)
        if fmt is None:
            fmt = self.wb.add_format(dict(props))
            self._cache[key] = fmt
        return fmt

    @property
    def header(self):
        return self.get(bold=True, text_wrap=True, valign="top", font_color="#FFFFFF",
                        bg_color=NAVY, border=1, border_color=MID_GREY)

    def text(self, *, wrap: bool = True, **extra):
        props = {"valign": "top"}
        if wrap:
            props["text_wrap"] = True
        props.update(extra)
        return self.get(**props)

    def date(self, **extra):
        if not extra:  # the one every date cell without a format of its own takes
            fmt = self.__dict__.get("_date")
            if fmt is None:
                fmt = self._date = self.get(num_format=DATE_FORMAT, valign="top", align="left")
            return fmt
        return self.get(num_format=DATE_FORMAT, valign="top", align="left", **extra)

    def datetime(self, **extra):
        return self.get(num_format=DATETIME_FORMAT, valign="top", align="left", **extra)

    def integer(self, **extra):
        return self.get(num_format="#,##0", valign="top", **extra)

    # ---------------------------------------------------------------------------------- RAG
    @property
    def levels(self) -> tuple[str, ...]:
        return tuple(self.scale.levels)

    def label(self, level: str) -> str:
        if not level:
            return ""
        scale, cache = self.__dict__.get("_labels") or (None, None)
        if scale is not self.scale:  # each level's label looked up once per scale
            scale, cache = self._labels = (self.scale, {})
        text = cache.get(level)
        if text is None:
            text = cache[level] = scale.label(level)
        return text

    def labels(self) -> list[str]:
        return [self.scale.label(lv) for lv in self.scale.levels]

    def rag_cell_text(self, level: str, typed: str = "") -> str:
        """What a RAG cell shows: the level's label, or what the SRO typed when it is not on
        the scale (an unknown-rag error already says so)."""
        if level in CANONICAL_LEVELS:
            return self.scale.label(level)
        return typed or ""

    @staticmethod
    def level_fill(level: str) -> str:
        return hexcolour(LEVEL_FILL[level]) if level in LEVEL_FILL else NOT_REPORTED_FILL

    @staticmethod
    def level_font(level: str) -> str:
        return hexcolour(LEVEL_FONT[level]) if level in LEVEL_FONT else "#000000"

    def rag_dxf(self, level: str):
        """Conditional-format (dxf) format for a RAG level."""
        return self.get(bg_color=self.level_fill(level), font_color=self.level_font(level))

    def rag_static(self, level: str, **extra):
        """A cell format filled with a level's colour (Dashboard tables)."""
        return self.get(bg_color=self.level_fill(level), font_color=self.level_font(level),
                        **extra)

    def rag_conditional_formats(self, ws, first_row: int, col: int, last_row: int) -> None:
        """One 'cell equal to label' rule per level of the scale on a RAG column."""
        for level in self.levels:
            ws.conditional_format(first_row, col, last_row, col, {
                "type": "cell", "criteria": "equal to",
                "value": excel_string(self.scale.label(level)),
                "format": self.rag_dxf(level)})

    def rag_validation(self, ws, first_row: int, col: int, last_row: int) -> None:
        """The RAG dropdown (a list of the programme's labels)."""
        labels = self.labels()
        options = {
            "validate": "list", "ignore_blank": True, "error_type": "warning",
            "input_title": "RAG status",
            "input_message": "Pick from the list: " + ", ".join(labels)[:200],
            "error_title": "Not on the RAG scale",
            "error_message": ("Use one of: " + ", ".join(labels))[:225],
        }
        if all("," not in lab and '"' not in lab for lab in labels) and \
                len(",".join(labels)) <= 250:
            options["source"] = labels
        else:  # the labels on the hidden META sheet
            from ..consolidated import META
            from .meta import LEVELS_FIRST_ROW

            first = LEVELS_FIRST_ROW + 1
            options["source"] = (f"='{META}'!$B${first}:$B${first + len(labels) - 1}")
        ws.data_validation(first_row, col, last_row, col, options)


def excel_string(text: str) -> str:
    """A string literal for a formula: quoted, inner quotes doubled."""
    return '"' + text.replace('"', '""') + '"'


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def cell_ref(row: int, col: int, *, absolute: bool = True) -> str:
    """A1 reference from 0-based row and column."""
    if absolute:
        return f"${col_letter(col)}${row + 1}"
    return f"{col_letter(col)}{row + 1}"


def range_ref(sheet: str, first_row: int, col: int, last_row: int, last_col: int | None = None
              ) -> str:
    """'Sheet'!$A$2:$A$10 from 0-based coordinates."""
    last_col = col if last_col is None else last_col
    return f"{quote_sheet(sheet)}!{cell_ref(first_row, col)}:{cell_ref(last_row, last_col)}"


# ---------------------------------------------------------------------------------- writing cells
#: Excel's escape for a character in text (``_x0041_`` is "A"); xlsxwriter escapes text that
#: holds one (``_x005F_x0041_``).
_ESCAPE_LIKE = re.compile(r"_x[0-9a-fA-F]{4}_")


def put_text(ws, fmts: Formats, row: int, col: int, text: str, fmt=None) -> None:
    """Write text as text, whatever it looks like, cut to Excel's limit if it must be."""
    if text and len(text) <= SAFE_TEXT_LEN and not text.startswith("<r>") and \
            "_x" not in text:
        ws.write_string(row, col, text, fmt)  # the common case: nothing below applies
        return
    if text == "":
        if fmt is not None:
            ws.write_blank(row, col, None, fmt)
        return
    text, cut = fit_text(text)
    if cut:
        fmts.truncated.append(Truncation(ws.get_name(), f"{col_letter(col)}{row + 1}",
                                         utf16_len(text)))
    _write_text(ws, row, col, text, fmt)


def _write_text(ws, row: int, col: int, text: str, fmt=None) -> None:
    """Text within Excel's limit, as a string, or as a rich string of plain runs where a
    reader would otherwise not read it as typed."""
    cuts: set[int] = set()
    if text.startswith("<r>") and text.endswith("</r>"):
        # xlsxwriter passes a shared string shaped like this through as raw rich-text XML
        # (a corrupt or injected workbook): write it as a rich string of plain runs, which it
        # escapes; every reader joins the runs back into the same text.
        cuts.update((1, len(text) - 1))
    if getattr(ws, "constant_memory", False) and _ESCAPE_LIKE.search(text):
        # Text written inline (on a streamed sheet: its header row, and text put_row leaves
        # to this function) holding '_x0041_' is written '_x005F_x0041_': Excel, LibreOffice
        # and calamine read back '_x0041_', openpyxl does not (it decodes the escape in
        # shared strings only). Cut the runs inside every '_x' so that no run holds such an
        # escape: every reader reads the text as typed.
        at = text.find("_x")
        while at >= 0:
            cuts.update((at + 1, at + 2))
            at = text.find("_x", at + 1)
    bounds = sorted(c for c in cuts if 0 < c < len(text))
    if bounds:
        args = [text[a:b] for a, b in zip([0, *bounds], [*bounds, len(text)])]
        if fmt is not None:
            args.append(fmt)
        ws.write_rich_string(row, col, *args)
        return
    ws.write_string(row, col, text, fmt)


def is_blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str):
        return value == ""
    try:
        import pandas as pd

        return value is pd.NaT or (not isinstance(value, (list, tuple, dict)) and
                                   bool(pd.isna(value)))
    except (TypeError, ValueError):
        return False


def put(ws, fmts: Formats, row: int, col: int, value, fmt=None, *, date_fmt=None) -> None:
    """Write any cell value: text as text, numbers, booleans, dates; blanks as blanks."""
    cls = value.__class__
    if cls is str:
        if value and len(value) <= SAFE_TEXT_LEN and not value.startswith("<r>") and \
                "_x" not in value:  # put_text's common case, without the call
            ws.write_string(row, col, value, fmt)
            return
    elif cls is int:
        ws.write_number(row, col, value, fmt)
        return
    if isinstance(value, str):
        put_text(ws, fmts, row, col, value, fmt)
        return
    if is_blank(value):
        if fmt is not None:
            ws.write_blank(row, col, None, fmt)
        return
    if isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
        return
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        value = value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, (dt.date, dt.time)):  # numpy scalar
        value = value.item()
        if isinstance(value, bool):
            ws.write_boolean(row, col, value, fmt)
            return
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isinf(value):
            put_text(ws, fmts, row, col, str(value), fmt)
        else:
            ws.write_number(row, col, value, fmt)
        return
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        if isinstance(value, dt.time) and value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        if date_fmt is None:
            if isinstance(value, dt.datetime) and value.time() != dt.time(0):
                date_fmt = fmts.datetime()
            elif isinstance(value, dt.time):
                date_fmt = fmts.get(num_format="hh:mm", valign="top", align="left")
            else:
                date_fmt = fmts.date()
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime) and \
                value.year < 1900:
            put_text(ws, fmts, row, col, value.isoformat(), fmt)
            return
        if isinstance(value, dt.datetime) and value.year < 1900:
            put_text(ws, fmts, row, col, value.isoformat(sep=" "), fmt)
            return
        ws.write_datetime(row, col, value, date_fmt)
        return
    put_text(ws, fmts, row, col, str(value), fmt)


def formula(ws, row: int, col: int, text: str, value, fmt=None) -> None:
    """A formula with its computed value cached, so every reader shows the number."""
    ws.write_formula(row, col, text, fmt, value)


def text_lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column ``width`` characters wide (an estimate on the
    generous side: Calibri 11 averages a little under Excel's width unit per character)."""
    if not text:
        return 1
    per_line = max(1.0, width * 1.05)
    if "\n" not in text:
        return max(1, math.ceil(len(text) / per_line))
    lines = 0
    for para in text.split("\n"):
        lines += max(1, math.ceil(len(para) / per_line))
    return lines


def row_height(cells: list[tuple[str, float]], *, line_pt: float = 15.0,
               max_lines: int = 27) -> float | None:
    """Row height in points fitting the longest of (text, column width) wrapped, or None for
    a single line. Set explicitly because LibreOffice does not grow rows for wrapped text on
    load; capped (Excel's maximum is 409 pt) -- the cell still holds the whole text."""
    lines = 1
    for t, w in cells:
        if t and (len(t) > w * 1.05 or "\n" in t):  # else one line: no need to count
            n = text_lines(t, w)
            if n > lines:
                lines = n
    if lines <= 1:
        return None
    return min(lines, max_lines) * line_pt


class RowHeights:
    """:func:`row_height` for the rows of one sheet, its columns fixed: ``height(row)`` reads
    the texts of ``columns`` (indexes into the row, with their widths) as ``row_height`` would
    and gives the same answer, without building the (text, width) pairs of every row."""

    __slots__ = ("columns", "line_pt", "max_lines")

    def __init__(self, columns: list[tuple[int, float]], *, line_pt: float = 15.0,
                 max_lines: int = 27):
        # (index, width, length under which the text is one line whatever it holds)
        self.columns = [(c, w, w * 1.05) for c, w in columns]
        self.line_pt, self.max_lines = line_pt, max_lines

    def height(self, row) -> float | None:
        return self.heights([row])[0]

    def heights(self, rows) -> list[float | None]:
        """``height(row)`` of every row, worked out column by column (the texts that fit on
        one line whatever they hold, most of them, are passed over at speed)."""
        lines = [1] * len(rows)
        shortest = min(map(len, rows), default=0)
        for c, w, one_line in self.columns:
            texts = list(map(itemgetter(c), rows)) if c < shortest else \
                [row[c] if c < len(row) else None for row in rows]
            for i in [i for i, t in enumerate(texts)
                      if isinstance(t, str) and (len(t) > one_line or "\n" in t)]:
                n = text_lines(texts[i], w)
                if n > lines[i]:
                    lines[i] = n
        cap, pt = self.max_lines, self.line_pt
        return [None if n <= 1 else min(n, cap) * pt for n in lines]


# ------------------------------------------------------------------------------ streamed sheets
class _NoCells(dict):
    """Stands in for xlsxwriter's record of every cell of a table (its overlap check stores
    one entry per cell: about 200 MB for a 60,000-row table) while a streamed sheet's one
    table is added. Nothing else is on a streamed sheet for a table to overlap; see also
    :meth:`StreamingWorksheet._add_table_widened`."""

    def __setitem__(self, key, value) -> None:
        pass


class _NoStrings:
    """Stands in for the shared-strings table while a streamed sheet's table is added: the
    header cells it stores are replaced by inline text at once, so nothing is shared."""

    def _get_shared_string_index(self, string) -> int:
        return 0


#: Integers written as they are (beyond, xlsxwriter's way: a double's precision).
_EXACT_INT = 2 ** 53


#: The functions xlsxwriter's ``_prepare_formula`` rewrites in every formula (dynamic-array
#: functions, ``_xlfn.`` prefixed); a formula naming none of them comes out only trimmed.
#: "INGLE(" stands for SINGLE, which xlsxwriter matches without a word boundary.
_DYNAMIC_FUNCTIONS = re.compile(
    r"(?:ANCHORARRAY|BYCOL|BYROW|CHOOSECOLS|CHOOSEROWS|DROP|EXPAND|FILTER|HSTACK|LAMBDA|"
    r"MAKEARRAY|MAP|RANDARRAY|REDUCE|SCAN|INGLE|SEQUENCE|SORT|SORTBY|SWITCH|TAKE|TEXTSPLIT|"
    r"TOCOL|TOROW|UNIQUE|VSTACK|WRAPCOLS|WRAPROWS|XLOOKUP)\(")


class Sheet(Worksheet):
    """An xlsxwriter worksheet whose formulas are prepared at a fraction of the cost.

    xlsxwriter runs 29 regular-expression substitutions over every formula, one per
    dynamic-array function, to add its ``_xlfn.`` prefix; the score, rating and count
    formulas written here name none of them. One search tells, and the formula then gets only
    the trimming xlsxwriter would give it (the tests compare the two over every function)."""

    def _prepare_formula(self, formula, expand_future_functions=False):
        if self.use_future_functions or expand_future_functions or "_xlfn." in formula \
                or _DYNAMIC_FUNCTIONS.search(formula):
            return super()._prepare_formula(formula, expand_future_functions)
        if formula.startswith("{"):
            formula = formula[1:]
        if formula.startswith("="):
            formula = formula[1:]
        if formula.endswith("}"):
            formula = formula[:-1]
        return formula


class StreamingWorksheet(Sheet):
    """An xlsxwriter worksheet in ``constant_memory`` mode whatever the workbook's mode: each
    row is written out to a temporary file (in the workbook's ``tmpdir``) when a later row is
    started. Write it top to bottom, each row complete (cells and ``set_row``) before the
    next; a cell or height for a row already written out is refused (dropped), as xlsxwriter
    does in this mode.

    ``add_table`` works (xlsxwriter refuses it in this mode because a table can write cells
    below its header): call it before any row under the header is written; only the header
    row is written by it, as text.

    Rows go in with :func:`put_row`, at a fraction of xlsxwriter's cost per cell: the row's
    XML is made in one go, as xlsxwriter makes it for an ordinary sheet (the tests compare the
    XML), for the cells that are most of a sheet -- text as a shared string (as on an ordinary
    sheet: a text is held once, however many cells repeat it), whole numbers, dates, formatted
    blanks. Every other cell (decimals, booleans, text over half Excel's limit or shaped like
    rich-text XML), and any cell written with xlsxwriter's own methods (the header row), goes
    xlsxwriter's way in this mode: text inline, which every reader reads alike."""

    def _initialize(self, init_data: dict) -> None:
        super()._initialize({**init_data, "constant_memory": True})
        self._xf_attrs: dict = {}  # Format -> ' s="n"'
        self._row_attrs: dict = {}  # (height, ...) -> the <row> tag's attributes after r
        self._letters: list[str] = []
        #: The workbook's shared strings: text -> its number (None: xlsxwriter has changed).
        self._shared = getattr(getattr(self, "str_table", None), "_get_shared_string_index",
                               None)

    def _stream_row(self, row: int, values, formats, blanks: bool, height, other,
                    date_cols=(), plain_date=None) -> bool:
        """The row's cells (left to right) and height; False when this row must be written
        the ordinary way (cells of it already written, or beyond Excel's grid). ``other(c,
        value, fmt)`` writes a cell the ordinary way; a date (from 1900) takes its cell's
        format in ``date_cols``, else ``plain_date``, as :func:`put` gives it."""
        shared = self._shared
        if shared is None or not self.constant_memory or row < self.previous_row \
                or row >= self.xls_rowmax or len(values) > self.xls_colmax \
                or not (_ROWS_OK if _ROWS_OK is not None else _check_rows(self.tmpdir)):
            return False
        if row > self.previous_row:
            self._write_single_row(row)  # the row before, written the ordinary way, goes out
        elif self.table.get(row):
            return False
        letters = self._letters
        while len(letters) < len(values):
            letters.append(col_letter(len(letters)))
        xf_attrs = self._xf_attrs
        number = str(row + 1)
        if height:
            pixels = int(height * 4.0 / 3.0 + 0.5)  # as set_row stores it
            self.row_sizes[row] = [pixels, 0]
        else:
            pixels = None
        parts: list[str] = [self._row_tag(row, pixels)]  # written out as cells need it
        first = last = -1
        for c, value in enumerate(values):
            cls = value.__class__
            fmt = formats[c]
            if fmt is None:  # unformatted: xlsxwriter may give it the row's or column's format
                if cls is str and not value:
                    continue  # a blank without a format is not written
                cell = None
            elif cls is str:
                if not value:
                    if not blanks:
                        continue
                    cell = f'<c r="{letters[c]}{number}"{xf_attrs.get(fmt) or self._xf(fmt)}/>'
                elif len(value) <= SAFE_TEXT_LEN and not value.startswith("<r>"):
                    cell = f'<c r="{letters[c]}{number}"{xf_attrs.get(fmt) or self._xf(fmt)}' \
                           f' t="s"><v>{shared(value)}</v></c>'
                else:
                    cell = None
            elif cls is int and -_EXACT_INT < value < _EXACT_INT:
                cell = f'<c r="{letters[c]}{number}"{xf_attrs.get(fmt) or self._xf(fmt)}>' \
                       f'<v>{value:.16G}</v></c>'
            elif cls is dt.date and value.year >= 1900 and \
                    (c in date_cols or plain_date is not None):
                fmt = fmt if c in date_cols else plain_date
                cell = f'<c r="{letters[c]}{number}"{xf_attrs.get(fmt) or self._xf(fmt)}>' \
                       f'<v>{self._convert_date_time(value):.16G}</v></c>'
            else:
                cell = None
            if cell is None:  # xlsxwriter's way, in place
                other(c, value, fmt)
                pending = self.table.get(row)
                if not pending:
                    continue
                self.fh.write("".join(parts))
                parts.clear()
                for col in sorted(pending):
                    self._write_cell(row, col, pending[col])
                    if first < 0:
                        first = col
                    last = col
                pending.clear()
                continue
            parts.append(cell)
            if first < 0:
                first = c
            last = c
        if first >= 0:
            parts.append("</row>")
            self.fh.write("".join(parts))
            self._check_dimensions(row, first)
            self._check_dimensions(row, last)
        elif pixels is not None:  # a height and no cell: an empty row, as set_row leaves
            self.fh.write(parts[0][:-1] + "/>")
            self._check_dimensions(row, self.dim_colmin if self.dim_colmin is not None else 0)
        # The row is out: anything else for it would come after it (a second <row> element),
        # so the sheet now refuses it, as it refuses any row before the current one.
        self.previous_row = row + 1
        return True

    def _xf(self, fmt) -> str:
        attr = self._xf_attrs[fmt] = f' s="{fmt._get_xf_index()}"'
        return attr

    def _row_tag(self, row: int, pixels: int | None) -> str:
        """The <row> start tag xlsxwriter writes for a row with this height in pixels."""
        key = (pixels, self.default_row_height, self.original_row_height, self.excel_version)
        rest = self._row_attrs.get(key)
        if rest is None:
            height = self.default_row_height if pixels is None else pixels
            rest = ""
            if height != self.original_row_height or height != self.default_row_height:
                rest += f' ht="{height * 0.75:.16g}" customHeight="1"'
            if self.excel_version == 2010:
                rest += ' x14ac:dyDescent="0.25"'
            rest = self._row_attrs[key] = rest + ">"
        return f'<row r="{row + 1}"{rest}'

    def add_table(self, first_row, first_col, last_row, last_col, options=None):
        if not getattr(self, "constant_memory", False):
            return super().add_table(first_row, first_col, last_row, last_col, options)
        options = dict(options or {})
        if self.previous_row > first_row or options.get("data") or options.get("total_row") \
                or any((c or {}).get("formula") for c in options.get("columns", [])):
            raise ValueError("a streamed sheet takes its table before any row under the "
                             "table's header is written, and without data, formulas or totals")
        saved = {name: getattr(self, name) for name in ("table_cells", "str_table")
                 if hasattr(self, name)}
        self.constant_memory = False  # the table as on an ordinary sheet ...
        if "table_cells" in saved:
            self.table_cells = _NoCells()
        if "str_table" in saved:
            self.str_table = _NoStrings()  # (its header cells are written again below)
        try:
            rc = self._add_table_widened(first_row, first_col, last_row, last_col, options)
        finally:
            self.constant_memory = True
            for name, value in saved.items():
                setattr(self, name, value)
        if rc == 0 and options.get("header_row", True):
            # ... whose header cells went in as shared-string numbers: write them again as
            # text, as a streamed sheet writes text.
            columns = options.get("columns", [])
            for i, col in enumerate(range(first_col, last_col + 1)):
                spec = columns[i] if i < len(columns) and columns[i] else {}
                _write_text(self, first_row, col, spec.get("header") or f"Column{i + 1}",
                            spec.get("header_format"))
        return rc

    def _add_table_widened(self, first_row, first_col, last_row, last_col, options):
        """``add_table`` over the header and one row, then stretched to ``last_row``: the
        same table, without xlsxwriter visiting every cell of the range (it checks each for
        overlaps, half a second for 60,000 rows). Done the long way if the stretch cannot be
        checked (another xlsxwriter keeping its tables otherwise)."""
        short = min(last_row, first_row + 1)
        count = len(self.tables)
        rc = super().add_table(first_row, first_col, short, last_col, options)
        if rc != 0 or short == last_row:
            return rc
        table = self.tables[-1] if len(self.tables) == count + 1 else {}
        before, after = xl_range(first_row, first_col, short, last_col), \
            xl_range(first_row, first_col, last_row, last_col)
        keys = ("range", "a_range", "autofilter")
        if table.get("range") == before and table.get("a_range") == before and \
                table.get("autofilter", before) == before:
            for key in keys:
                if key in table:
                    table[key] = after
            return rc
        if len(self.tables) == count + 1:
            self.tables.pop()
        return super().add_table(first_row, first_col, last_row, last_col, options)


#: Whether :meth:`StreamingWorksheet._stream_row` makes the XML the xlsxwriter installed
#: makes (None: not checked yet; see :func:`_check_rows`).
_ROWS_OK: bool | None = None


def _check_rows(tmpdir: str | None = None) -> bool:
    """Check, once, that the row XML :meth:`StreamingWorksheet._stream_row` makes is the XML
    this xlsxwriter makes for the same cells on an ordinary sheet (it leans on xlsxwriter's
    internals: a release may change them). When it is not, ``_stream_row`` stands aside for
    good and every cell is written through xlsxwriter: slower, never wrong."""
    global _ROWS_OK
    import io

    import xlsxwriter

    _ROWS_OK = True  # (for the probe below, which streams rows itself)
    try:
        with tempfile.TemporaryDirectory(prefix=".xlplan-check-", dir=tmpdir) as scratch:
            out = io.BytesIO()
            wb = xlsxwriter.Workbook(out, {"tmpdir": scratch})
            fmt = wb.add_format({"bold": True, "num_format": "dd mmm yyyy"})
            fast = wb.add_worksheet("fast", worksheet_class=StreamingWorksheet)
            plain = wb.add_worksheet("plain")
            rows = [(["a & <b>", 42, "", dt.date(2018, 6, 30), " x "], 45.0),
                    ([-7, "", "", "", "z"], None)]

            def refuse(*_):
                raise ValueError("not a cell the fast path writes")

            for r, (values, height) in enumerate(rows):
                if not fast._stream_row(r, values, [fmt] * len(values), True, height, refuse,
                                        {3}, fmt):
                    raise ValueError("the fast path stood aside")
                for c, value in enumerate(values):
                    if isinstance(value, str):
                        (plain.write_string(r, c, value, fmt) if value else
                         plain.write_blank(r, c, None, fmt))
                    elif isinstance(value, dt.date):
                        plain.write_datetime(r, c, value, fmt)
                    else:
                        plain.write_number(r, c, value, fmt)
                if height:
                    plain.set_row(r, height)
            wb.close()
            with zipfile.ZipFile(out) as zf:
                xml = [re.search(rb"<sheetData>.*</sheetData>", zf.read(
                    f"xl/worksheets/sheet{i}.xml"), re.S).group(0) for i in (1, 2)]
        ok = xml[0] == re.sub(rb' spans="[0-9:]+"', b"", xml[1])
    except Exception:  # noqa: BLE001 - any surprise: stand aside
        ok = False
    _ROWS_OK = ok
    return ok


def put_row(ws, fmts: Formats, row: int, values, formats, *, blanks: bool = True,
            height: float | None = None, date_cols=()) -> None:
    """Write a row's ``values`` with ``formats`` (one per value), left to right, then its
    height: each cell as :func:`put` writes it (``date_fmt`` the cell's format in
    ``date_cols``), except that with ``blanks=False`` a blank cell is not written at all.
    On a :class:`StreamingWorksheet` the row is written in one go."""

    def other(c, value, fmt):
        if not blanks and value == "" and not isinstance(value, bool):
            return
        put(ws, fmts, row, c, value, fmt, date_fmt=fmt if c in date_cols else None)

    stream = getattr(ws, "_stream_row", None)
    if stream is not None and stream(row, values, formats, blanks, height, other, date_cols,
                                     fmts.date()):
        return
    for c, value in enumerate(values):
        other(c, value, formats[c])
    if height:
        ws.set_row(row, height)


def add_streaming_worksheet(wb, name: str):
    """A new :class:`StreamingWorksheet` named ``name`` in ``wb``."""
    return wb.add_worksheet(name, worksheet_class=StreamingWorksheet)


def set_widths(ws, widths: list[float]) -> None:
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)


#: The fill and font of every table's header row, written on the cells themselves: a table
#: style's header colours are not drawn by LibreOffice, so the header must not rely on them.
HEADER_FILL = "#4472C4"  # the header blue of "Table Style Medium 2"


def header_format(fmts: "Formats", **extra):
    """The header cells of a table: bold white on blue, wrapped, as the table style draws it in
    Excel, but explicit so that LibreOffice (and print) shows the same."""
    return fmts.get(bold=True, text_wrap=True, valign="top", font_color="#FFFFFF",
                    bg_color=HEADER_FILL, border=1, border_color="#FFFFFF", **extra)


def _header_text(text: str) -> str:
    return text.replace("&", "&&")


def page_footer(programme: str, period: str) -> str:
    """The one footer of every printed sheet: programme and period, then page x of y."""
    left = _header_text(" - ".join(p for p in (programme[:120], period) if p))
    return f"&L{left}&RPage &P of &N"


#: The widest print area (the sum of its column widths, in characters) that prints one A4
#: landscape page wide with 11 pt text at 8 pt or more -- also where LibreOffice measures
#: columns in a wider fallback font than Calibri (8.7 px a character instead of 7).
PRINT_BUDGET = 155
#: The print scale of a sheet wider than :data:`PRINT_BUDGET`: it prints on more pages
#: (across, then down, its first column repeated), never in smaller text.
WIDE_SCALE = 80


def print_setup(ws, title: str, *, repeat_header: bool = True, landscape: bool = True,
                programme: str = "", period: str = "", printed_width: float | None = None,
                ) -> None:
    """A4, landscape, header row on every page; the same page header (the sheet's title,
    left, and the sheet name, right) and footer (programme and period, page x of y) on every
    sheet. One page wide when the printed columns (``printed_width`` characters, when known)
    fit :data:`PRINT_BUDGET`; a wider sheet prints at :data:`WIDE_SCALE` % on as many pages
    as it needs, so its text stays at 8 pt or more."""
    if landscape:
        ws.set_landscape()
    ws.set_paper(9)
    if printed_width is not None and printed_width > PRINT_BUDGET:
        ws.set_print_scale(WIDE_SCALE)
        ws.print_across()
        ws.repeat_columns(0, 0)
    else:
        ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.3, right=0.3, top=0.6, bottom=0.6)
    if repeat_header:
        ws.repeat_rows(0)
    safe = _header_text(title)[:200]
    ws.set_header(f"&L&\"Calibri,Bold\"{safe}&R&A")
    if programme or period:
        ws.set_footer(page_footer(programme, period))
    else:
        ws.set_footer("&LWritten by xlplan&RPage &P of &N")


def remember_page(fmts: "Formats", merged) -> None:
    """Keep the programme and period of ``merged`` for the footers of the sheets to come."""
    fmts.programme = str(merged.programme.name)
    fmts.period = str(merged.period)


def merged_print_setup(ws, merged, title: str, **kw) -> None:
    """:func:`print_setup` with the programme and period of ``merged`` in the footer."""
    print_setup(ws, title, programme=merged.programme.name, period=str(merged.period), **kw)
