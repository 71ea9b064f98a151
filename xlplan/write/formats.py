"""Shared formats of the consolidated workbook, and the one way every sheet writes a cell.

:class:`Formats` makes each xlsxwriter format once (``fmts.get(bold=True, ...)`` returns the same
object for the same properties, created in first-use order, so the output is deterministic),
knows the programme's RAG labels and colours (from :mod:`xlplan.schema.rag`), and collects the
cells whose text had to be cut to Excel's limit.

:func:`put` writes any value: text always with ``write_string`` (an SRO's ``=HYPERLINK(...)``
stays text), numbers, booleans and dates as themselves, blanks as blanks.

Sheets of a row per action, risk or issue write each row with :func:`put_row` (cells and
height together). Everything goes through xlsxwriter's public API, so any xlsxwriter 3.x writes
the same workbook.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass


from ..issues import col_letter
from ..schema.palette import hex_colour
from ..schema.rag import CANONICAL_LEVELS, LEVEL_FILL, LEVEL_FONT, RagScale

#: Excel's limit on the characters in a cell (UTF-16 code units).
EXCEL_MAX_TEXT = 32_767
TRUNCATION_MARK = " [... cut here: Excel holds at most 32,767 characters in a cell; the full " \
                  "text is in the source file]"

# The colours of xlplan's palette (xlplan.schema.palette) by the names the sheets use.
NAVY, BLUE, LIGHT_BLUE = hex_colour("navy"), hex_colour("blue"), hex_colour("light_blue")
GREY, LIGHT_GREY, MID_GREY = hex_colour("grey"), hex_colour("light_grey"), hex_colour("mid_grey")
NOT_REPORTED_FILL = hex_colour("not_reported")
ERROR_FILL, ERROR_FONT = hex_colour("error_fill"), hex_colour("error_font")
WARNING_FILL, WARNING_FONT = hex_colour("warning_fill"), hex_colour("warning_font")
INFO_FILL, INFO_FONT = hex_colour("info_fill"), hex_colour("info_font")
GOOD_FONT = hex_colour("good_font")

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
        #: Cells worked out once for several sheets (the Actions and Risks tables), let go
        #: before the workbook is closed: see :func:`xlplan.write.build_workbook`.
        self.tables: dict[str, object] = {}

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
            from ..consolidated import LEVELS_FIRST_ROW, META

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
    if cuts and _ESCAPE_LIKE.search(text):
        # A run of a rich string holding '_x0041_' is written '_x005F_x0041_', which calamine
        # reads back as '_x005FA': cut the runs inside every '_x' so that no run holds such an
        # escape, and every reader reads the text as typed.
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
        if value.__class__ is dt.date:
            ws.write_number(row, col, excel_date(value), date_fmt)  # see excel_date
        else:
            ws.write_datetime(row, col, value, date_fmt)
        return
    put_text(ws, fmts, row, col, str(value), fmt)


#: Excel's day 0, 1899-12-31, as a date ordinal.
_EXCEL_DAY_0 = dt.date(1899, 12, 31).toordinal()


def excel_date(value: dt.date) -> float:
    """The serial number Excel stores for a date of 1900 or later: days since 1899-12-31,
    plus one from 1 March 1900 on (Excel counts a 29 February 1900 that never was).

    A date cell is this number with a date format: ``write_number`` with it stores exactly what
    ``write_datetime`` stores, without xlsxwriter's conversion through a datetime, a tenth of
    the cost of writing the Due column."""
    days = float(value.toordinal() - _EXCEL_DAY_0)
    return days + 1.0 if days > 59 else days


def formula(ws, row: int, col: int, text: str, value, fmt=None) -> None:
    """A formula with its computed value cached, so every reader shows the number."""
    ws.write_formula(row, col, text, fmt, value)


# ------------------------------------------------------------------------------ tables
#: The most cells (rows x columns, header row included) a report sheet (Exceptions, Changes,
#: Submissions, Issues, History) holds as an Excel table. A bigger one is a filtered range
#: instead (autofilter, frozen header, the same formats and colours), and formulas name its
#: columns as fixed ranges, not ``Table[Column]``: xlsxwriter (3.3 on) keeps a record of every
#: cell of a table's range, about 110 bytes a cell, and Excel itself filters and recalculates
#: a table of that size slowly. 100,000 cells (about 6,500 rows of Exceptions) holds any
#: programme's report in a table, at most 11 MB of that record. The Actions and Risks sheets
#: are tables whatever their size: Power Query and Power BI users point at them by name.
TABLE_MAX_CELLS = 100_000


def fits_a_table(rows: int, cols: int) -> bool:
    """Whether a sheet of ``rows`` rows (header included) and ``cols`` columns is a table."""
    return rows * cols <= TABLE_MAX_CELLS


def add_table_or_filter(ws, first_row: int, first_col: int, last_row: int, last_col: int,
                        options: dict) -> bool:
    """The range as an Excel table (``options`` as xlsxwriter's ``add_table`` takes them) when
    :func:`fits_a_table`, else as a filtered range; True for a table. Either way the caller
    writes the header cells itself."""
    if fits_a_table(last_row - first_row + 1, last_col - first_col + 1):
        ws.add_table(first_row, first_col, last_row, last_col, options)
        return True
    ws.autofilter(first_row, first_col, last_row, last_col)
    return False


# ------------------------------------------------------------------------------ rows
#: Integers written as numbers (beyond, as text would lose nothing but a double would: put).
_EXACT_INT = 2 ** 53


def put_row(ws, fmts: Formats, row: int, values, formats, *, blanks: bool = True,
            height: float | None = None, date_cols=()) -> None:
    """Write a row's ``values`` with ``formats`` (one per value), left to right, then its
    height: each cell as :func:`put` writes it (a date in ``date_cols`` takes its cell's
    format, any other date the workbook's date format), except that with ``blanks=False`` a
    blank cell is not written at all (the column's format covers it).

    The cells most of a sheet holds (short text, whole and finite numbers, blanks) go straight
    to xlsxwriter's typed ``write_*`` methods; every other value goes through :func:`put`."""
    write_string, write_number = ws.write_string, ws.write_number
    safe_len = SAFE_TEXT_LEN
    for c, value in enumerate(values):  # (a cell's format looked up only when it is written)
        cls = value.__class__
        if cls is str:
            if not value:
                if blanks and formats[c] is not None:
                    ws.write_blank(row, c, None, formats[c])
                continue
            if len(value) <= safe_len and "_x" not in value and \
                    (value[0] != "<" or not value.startswith("<r>")):
                write_string(row, c, value, formats[c])
                continue
        elif cls is int and -_EXACT_INT < value < _EXACT_INT:
            write_number(row, c, value, formats[c])
            continue
        elif cls is float and math.isfinite(value):
            write_number(row, c, value, formats[c])
            continue
        elif cls is dt.date and value.year >= 1900:
            fmt = formats[c]
            write_number(row, c, excel_date(value),
                         fmt if fmt is not None and c in date_cols else fmts.date())
            continue
        elif not blanks and is_blank(value):
            continue
        fmt = formats[c]
        put(ws, fmts, row, c, value, fmt, date_fmt=fmt if c in date_cols else None)
    if height:
        ws.set_row(row, height)


def set_widths(ws, widths: list[float]) -> None:
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)


#: The fill and font of every table's header row, written on the cells themselves: a table
#: style's header colours are not drawn by LibreOffice, so the header must not rely on them.
HEADER_FILL = hex_colour("header_fill")  # the header blue of "Table Style Medium 2"


def header_format(fmts: "Formats", **extra):
    """The header cells of a table: bold white on blue, wrapped, as the table style draws it in
    Excel, but explicit so that LibreOffice (and print) shows the same."""
    return fmts.get(bold=True, text_wrap=True, valign="top", font_color="#FFFFFF",
                    bg_color=HEADER_FILL, border=1, border_color="#FFFFFF", **extra)


def remember_page(fmts: "Formats", merged) -> None:
    """Keep the programme and period of ``merged`` for the footers of the sheets to come."""
    fmts.programme = str(merged.programme.name)
    fmts.period = str(merged.period)
