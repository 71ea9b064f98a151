"""Shared formats of the consolidated workbook, and the one way every sheet writes a cell.

:class:`Formats` makes each xlsxwriter format once (``fmts.get(bold=True, ...)`` returns the same
object for the same properties, created in first-use order, so the output is deterministic),
knows the programme's RAG labels and colours (from :mod:`xlplan.schema.rag`), and collects the
cells whose text had to be cut to Excel's limit.

:func:`put` writes any value: text always with ``write_string`` (an SRO's ``=HYPERLINK(...)``
stays text), numbers, booleans and dates as themselves, blanks as blanks.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

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
        return self.scale.label(level) if level else ""

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
def put_text(ws, fmts: Formats, row: int, col: int, text: str, fmt=None) -> None:
    """Write text as text, whatever it looks like, cut to Excel's limit if it must be."""
    if text == "":
        if fmt is not None:
            ws.write_blank(row, col, None, fmt)
        return
    text, cut = fit_text(text)
    if cut:
        fmts.truncated.append(Truncation(ws.get_name(), f"{col_letter(col)}{row + 1}",
                                         utf16_len(text)))
    if text.startswith("<r>") and text.endswith("</r>"):
        # xlsxwriter passes a shared string shaped like this through as raw rich-text XML
        # (a corrupt or injected workbook): write it as a rich string of plain runs, which it
        # escapes; every reader joins the runs back into the same text.
        args = [text[:1], text[1:-1], text[-1:]]
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
    lines = 0
    for para in text.split("\n"):
        lines += max(1, math.ceil(len(para) / per_line))
    return lines


def row_height(cells: list[tuple[str, float]], *, line_pt: float = 15.0,
               max_lines: int = 27) -> float | None:
    """Row height in points fitting the longest of (text, column width) wrapped, or None for
    a single line. Set explicitly because LibreOffice does not grow rows for wrapped text on
    load; capped (Excel's maximum is 409 pt) -- the cell still holds the whole text."""
    lines = max((text_lines(t, w) for t, w in cells if t), default=1)
    if lines <= 1:
        return None
    return min(lines, max_lines) * line_pt


def set_widths(ws, widths: list[float]) -> None:
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)


def print_setup(ws, title: str, *, repeat_header: bool = True, landscape: bool = True) -> None:
    """A4, landscape, one page wide, header row on every page, a footer with page numbers."""
    if landscape:
        ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    if repeat_header:
        ws.repeat_rows(0)
    safe = title.replace("&", "&&")[:200]
    ws.set_header(f"&L&\"Calibri,Bold\"{safe}&R&A")
    ws.set_footer("&LWritten by xlplan&RPage &P of &N")
