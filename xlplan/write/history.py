"""The History sheet: RAG counts per reporting month (last month's History plus this month's
counts, as :func:`xlplan.merging.rag_history` builds them). It feeds the Dashboard's trend chart
and the next month's merge.

A table named ``History`` from A1: Period ('YYYY-MM', text), one column per RAG level of the
programme (headed with its label), Not reported, Total; one row per month, oldest first.
"""
from __future__ import annotations

from ..consolidated import HISTORY, NOT_REPORTED, TABLE_HISTORY, TOTAL, history_headers
from .formats import Formats, is_blank
from .tables import write_table


def history_rows(merged, fmts: Formats) -> list[list]:
    hist = merged.history
    if hist is None or hist.empty:
        return []
    names = ["period", *fmts.levels, NOT_REPORTED, TOTAL]
    rows = []
    for rec in hist.to_dict("records"):
        row = [str(rec.get("period", ""))]
        for name in names[1:]:
            v = rec.get(name, 0)
            row.append(0 if is_blank(v) else int(v))
        rows.append(row)
    return rows


def write_history(wb, merged, fmts: Formats):
    ws = wb.add_worksheet(HISTORY)
    headers = history_headers(fmts.scale)
    num = fmts.integer(align="center")
    period_fmt = fmts.text(wrap=False, bold=True)

    def cell_format(i, c, value):
        return period_fmt if c == 0 else num

    write_table(ws, fmts, name=TABLE_HISTORY, headers=headers, rows=history_rows(merged, fmts),
                widths=[10, *([12] * (len(headers) - 1))],
                title=f"{merged.programme.name} - RAG history", cell_format=cell_format,
                style="Table Style Light 9")
    return ws
