"""The hidden ``xlplan`` sheet: what a reader of the workbook needs to map it back.

Key/value rows from A2 (format, xlplan version, programme, period, files, previous), then from
row :data:`~xlplan.consolidated.LEVELS_HEADER_ROW` (0-based) a ``Level | Label | Fill`` table of the RAG scale:
:func:`xlplan.consolidated.read_previous` maps the labels written on Actions and History back to
canonical levels with it, whatever the programme called them.
"""
from __future__ import annotations

from pathlib import PurePath

from .. import __version__
from ..consolidated import LAYOUT_VERSION, LEVELS_FIRST_ROW, LEVELS_HEADER_ROW, META
from .formats import Formats, put, put_text


def write_meta(wb, merged, fmts: Formats):
    ws = wb.add_worksheet(META)
    ws.hide()
    ws.set_column(0, 0, 14)
    ws.set_column(1, 1, 40)
    put_text(ws, fmts, 0, 0, "Layout data for xlplan (reading this workbook back as next "
             "month's --previous). Do not edit.", fmts.get(italic=True))
    previous = PurePath(merged.previous_path).name if merged.previous_path else ""
    pairs = [("format", LAYOUT_VERSION), ("xlplan", __version__),
             ("programme", merged.programme.name), ("period", merged.period),
             ("files", len(merged.files)), ("previous", previous)]
    for r, (key, value) in enumerate(pairs, start=1):
        put_text(ws, fmts, r, 0, key)
        put(ws, fmts, r, 1, value)
    for c, name in enumerate(("Level", "Label", "Fill")):
        put_text(ws, fmts, LEVELS_HEADER_ROW, c, name, fmts.get(bold=True))
    for i, level in enumerate(fmts.levels):
        r = LEVELS_FIRST_ROW + i
        put_text(ws, fmts, r, 0, level)
        put_text(ws, fmts, r, 1, fmts.label(level), fmts.rag_static(level))
        put_text(ws, fmts, r, 2, fmts.level_fill(level))
    return ws
