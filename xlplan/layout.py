"""How xlplan's sheets sit on screen and on paper: row heights for wrapped text, the print setup.

One rule each for every workbook xlplan writes -- the consolidated workbook (:mod:`xlplan.write`),
the SROs' templates (:mod:`xlplan.template`) and the example plans (:mod:`xlplan.demo`) -- so
that a row or a printed page looks the same wherever it comes from. Below the writers: it
imports none of them, and works on any xlsxwriter worksheet through its public methods.
"""
from __future__ import annotations

import math
from operator import itemgetter
from typing import Sequence

# ------------------------------------------------------------------------------ row heights
#: Characters of 11 pt Calibri a column holds per unit of its width, on the generous side:
#: Calibri averages a little under Excel's width unit per character, and LibreOffice measures
#: in a wider fallback font where Calibri is missing. A row a line too tall beats a cut text.
CHARS_PER_WIDTH = 1.05
#: Points per line of 11 pt text: what Excel's own autofit gives (the default row height).
LINE_PT = 15.0
#: At most this many lines (27 x 15 = 405 pt, under Excel's 409 pt maximum); the cell still
#: holds the whole text.
MAX_LINES = 27


def text_lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column ``width`` characters wide (see
    :data:`CHARS_PER_WIDTH`); each line break starts a line."""
    if not text:
        return 1
    per_line = max(1.0, width * CHARS_PER_WIDTH)
    if "\n" not in text:
        return max(1, math.ceil(len(text) / per_line))
    lines = 0
    for para in text.split("\n"):
        lines += max(1, math.ceil(len(para) / per_line))
    return lines


def row_height(cells, *, line_pt: float = LINE_PT, max_lines: int = MAX_LINES,
               minimum: float | None = None) -> float | None:
    """Row height in points fitting the longest of ``cells`` ((value, column width) pairs;
    values that are not text take one line) wrapped, or None for a single line (the sheet's
    default height), or at least ``minimum`` when one is given.

    Set explicitly because neither Excel nor LibreOffice grows a row for wrapped text written
    by a library when the file is opened."""
    lines = 1
    for t, w in cells:
        if isinstance(t, str) and t and (len(t) > w * CHARS_PER_WIDTH or "\n" in t):
            n = text_lines(t, w)  # else one line: no need to count
            if n > lines:
                lines = n
    height = None if lines <= 1 else min(lines, max_lines) * line_pt
    if minimum is None:
        return height
    return max(minimum, height or line_pt)


class RowHeights:
    """:func:`row_height` for the rows of one sheet, its columns fixed: ``height(row)`` reads
    the texts of ``columns`` (indexes into the row, with their widths) as ``row_height`` would
    and gives the same answer, without building the (text, width) pairs of every row."""

    __slots__ = ("columns", "line_pt", "max_lines")

    def __init__(self, columns: list[tuple[int, float]], *, line_pt: float = LINE_PT,
                 max_lines: int = MAX_LINES):
        self.columns = list(columns)  # (index into the row, width)
        self.line_pt, self.max_lines = line_pt, max_lines

    def height(self, row) -> float | None:
        return self.heights([row])[0]

    def heights(self, rows, columns: Sequence[list] | None = None) -> list[float | None]:
        """``height(row)`` of every row, worked out column by column: each column's line
        counts at once (numpy), only its texts that hold a line break one by one.
        ``columns``: the same cells by column (``columns[c][i]`` is ``rows[i][c]``), when the
        caller has them, so that they need not be taken out of the rows again."""
        import numpy as np

        lines = np.ones(len(rows), dtype=np.int64)
        shortest = min(map(len, rows), default=0)
        for c, w in self.columns:
            if columns is not None:
                texts = columns[c]
            elif c < shortest:
                texts = list(map(itemgetter(c), rows))
            else:
                texts = [row[c] if c < len(row) else None for row in rows]
            np.maximum(lines, column_lines(texts, w), out=lines)
        cap, pt = self.max_lines, self.line_pt
        return [None if n <= 1 else min(n, cap) * pt for n in lines.tolist()]


def column_lines(values: list, width: float):
    """:func:`text_lines` of each of a column's ``values`` in a column ``width`` characters
    wide, as a numpy array (0 for an empty text or a value that is not text).

    Why not text_lines value by value: a sheet has tens of thousands of texts per column. Their
    lengths are taken by ``map`` and divided by numpy; the texts holding a line break (few) are
    found by searching the column's texts joined, and only they are split in Python."""
    import numpy as np

    if not set(map(type, values)) <= {str}:
        values = [v if isinstance(v, str) else "" for v in values]
    per_line = max(1.0, width * CHARS_PER_WIDTH)
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    # ceil(len / per_line): what text_lines counts for a text without a line break
    lines = np.ceil(lengths / per_line).astype(np.int64)
    joined = "\0".join(values)  # text i starts at starts[i]
    at = joined.find("\n")
    if at >= 0:
        starts = np.cumsum(lengths + 1) - (lengths + 1)
        while at >= 0:
            i = int(np.searchsorted(starts, at, side="right")) - 1
            lines[i] = text_lines(values[i], width)
            at = joined.find("\n", max(at + 1, int(starts[i] + lengths[i])))  # next text on
    return lines


# ------------------------------------------------------------------------------ print setup
#: A4 in Excel's paper codes.
A4 = 9
#: Page margins (inches): narrow at the sides, to leave the columns room.
SIDE_MARGIN = 0.3
TOP_MARGIN = 0.6
#: The widest print area (the sum of its column widths, in characters) that prints one A4
#: landscape page wide with 11 pt text at 8 pt or more -- also where LibreOffice measures
#: columns in a wider fallback font than Calibri (8.7 px a character instead of 7).
PRINT_BUDGET = 155
#: The print scale of a sheet wider than :data:`PRINT_BUDGET`: it prints on more pages
#: (across, then down, its first column repeated), never in smaller text.
WIDE_SCALE = 80


def header_text(text: str) -> str:
    """``text`` for a page header or footer, where ``&`` starts a code."""
    return text.replace("&", "&&")


def page_footer(programme: str, period: str) -> str:
    """The one footer of every printed sheet: programme and period, then page x of y."""
    left = header_text(" - ".join(p for p in (programme[:120], period) if p))
    return f"&L{left}&RPage &P of &N"


def print_setup(ws, title: str, *, repeat_rows: int | None = 0, landscape: bool = True,
                programme: str = "", period: str = "", printed_width: float | None = None,
                top_margin: float = TOP_MARGIN, header_margin: float | None = None) -> None:
    """The one print setup of every sheet xlplan writes: A4, landscape, narrow side margins;
    the page header (``title`` left, the sheet name right) and footer (programme and period,
    page x of y) on every page.

    What legitimately differs between sheets is a parameter: the header row repeated on every
    page (``repeat_rows``, 0-based; None for a sheet with no table header); the printed width
    (``printed_width`` characters, when known): one page wide when it fits
    :data:`PRINT_BUDGET`, else :data:`WIDE_SCALE` % on as many pages as it needs, so its text
    stays at 8 pt or more; a tighter ``top_margin`` and ``header_margin`` for a one-page
    summary (the dashboard)."""
    if landscape:
        ws.set_landscape()
    ws.set_paper(A4)
    if printed_width is not None and printed_width > PRINT_BUDGET:
        ws.set_print_scale(WIDE_SCALE)
        ws.print_across()
        ws.repeat_columns(0, 0)
    else:
        ws.fit_to_pages(1, 0)
    ws.set_margins(left=SIDE_MARGIN, right=SIDE_MARGIN, top=top_margin, bottom=top_margin)
    if repeat_rows is not None:
        ws.repeat_rows(repeat_rows)
    margin = {} if header_margin is None else {"margin": header_margin}
    ws.set_header(f"&L&\"Calibri,Bold\"{header_text(title)[:200]}&R&A", margin)
    if programme or period:
        ws.set_footer(page_footer(programme, period), margin)
    else:
        ws.set_footer("&LWritten by xlplan&RPage &P of &N", margin)
