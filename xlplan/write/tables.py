"""One way to write a report sheet as an Excel table: header at A1, autofilter, frozen header,
widths, print setup, RAG colouring on the RAG columns. Used by every sheet but the Dashboard."""
from __future__ import annotations

from typing import Callable, Sequence

from ..layout import RowHeights, print_setup
from .formats import Formats, add_table_or_filter, header_format, put_row, put_text


def write_table(ws, fmts: Formats, *, name: str, headers: Sequence[str], rows: Sequence[Sequence],
                widths: Sequence[float], title: str,
                cell_format: Callable[[int, int, object], object] | None = None,
                rag_columns: Sequence[int] = (), style: str = "Table Style Medium 2",
                height_columns: Sequence[int] | None = None,
                printed: int | None = None) -> int:
    """Write ``rows`` under ``headers`` as the table ``name`` (a filtered range when the sheet
    is too big for a table: see :data:`~xlplan.write.formats.TABLE_MAX_CELLS`); returns the
    last 0-based row.

    ``cell_format(i, c, value)`` gives the format of data row ``i`` (0-based), column ``c``.
    Row heights follow the wrapped text of ``height_columns`` (default: every column).
    An empty table still gets one blank data row, so it stays a valid table. ``printed``: the
    number of leading columns in the print area (default: all); the columns after them (keys,
    provenance) stay in the workbook, off the printed page.
    """
    last = max(1, len(rows))
    add_table_or_filter(ws, 0, 0, last, len(headers) - 1, {
        "name": name,
        "style": style,
        "columns": [{"header": h, "header_format": header_format(fmts)} for h in headers],
    })
    header_fmt = header_format(fmts)
    for c, h in enumerate(headers):  # the headers as text, whatever they look like
        put_text(ws, fmts, 0, c, h, header_fmt)
    default = fmts.text()
    cols = range(len(widths)) if height_columns is None else height_columns
    heights = RowHeights([(c, widths[c]) for c in cols if c < len(widths)])
    row_heights = heights.heights(rows)
    for i, row in enumerate(rows):
        formats = [cell_format(i, c, value) for c, value in enumerate(row)] if cell_format \
            else [default] * len(row)
        put_row(ws, fmts, i + 1, row, formats, height=row_heights[i])
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    for c in rag_columns:
        fmts.rag_conditional_formats(ws, 1, c, last)
    ws.freeze_panes(1, 0)
    n_printed = len(headers) if printed is None else min(printed, len(headers))
    print_setup(ws, title, programme=fmts.programme, period=fmts.period,
                printed_width=sum(widths[:n_printed]))
    if printed is not None and printed < len(headers):
        ws.print_area(0, 0, last, printed - 1)
    return last
