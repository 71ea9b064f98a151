"""One way to write a report sheet as an Excel table: header at A1, autofilter, frozen header,
widths, print setup, RAG colouring on the RAG columns. Used by every sheet but the Dashboard."""
from __future__ import annotations

from typing import Callable, Sequence

from .formats import Formats, print_setup, put, put_text, row_height


def write_table(ws, fmts: Formats, *, name: str, headers: Sequence[str], rows: Sequence[Sequence],
                widths: Sequence[float], title: str,
                cell_format: Callable[[int, int, object], object] | None = None,
                rag_columns: Sequence[int] = (), style: str = "Table Style Medium 2",
                height_columns: Sequence[int] | None = None) -> int:
    """Write ``rows`` under ``headers`` as the table ``name``; returns the last 0-based row.

    ``cell_format(i, c, value)`` gives the format of data row ``i`` (0-based), column ``c``.
    Row heights follow the wrapped text of ``height_columns`` (default: every column).
    An empty table still gets one blank data row, so it stays a valid table.
    """
    last = max(1, len(rows))
    ws.add_table(0, 0, last, len(headers) - 1, {
        "name": name,
        "style": style,
        "columns": [{"header": h, "header_format": fmts.get(bold=True, text_wrap=True,
                                                             valign="top")} for h in headers],
    })
    header_fmt = fmts.get(bold=True, text_wrap=True, valign="top")
    for c, h in enumerate(headers):  # the headers as text, whatever they look like
        put_text(ws, fmts, 0, c, h, header_fmt)
    default = fmts.text()
    for i, row in enumerate(rows):
        for c, value in enumerate(row):
            fmt = cell_format(i, c, value) if cell_format else default
            put(ws, fmts, i + 1, c, value, fmt)
        cols = range(len(row)) if height_columns is None else height_columns
        height = row_height([(row[c], widths[c]) for c in cols
                             if c < len(row) and c < len(widths) and isinstance(row[c], str)])
        if height:
            ws.set_row(i + 1, height)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    for c in rag_columns:
        fmts.rag_conditional_formats(ws, 1, c, last)
    ws.freeze_panes(1, 0)
    print_setup(ws, title)
    return last
