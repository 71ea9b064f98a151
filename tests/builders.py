"""Small, reviewable builders for the test workbooks (written with openpyxl, as Excel would).

Tests describe a workbook as data -- a header, rows, title lines above, fills, merges -- and
these functions write it, so every test input can be read in the test itself.
"""
from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import PatternFill

PLAN_HEADER = ["Action", "Sub actions", "SRO", "Q1", "Q2", "Q3", "Q4", "Updates", "Risks/Issues",
               "RAG Status"]


def fill(hex6: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color="FF" + hex6, end_color="FF" + hex6)


def write_plan(path: Path, rows: Sequence[Sequence[object]], *,
               header: Sequence[str] = PLAN_HEADER, title: Iterable[str] = (),
               sheet: str = "Action Plan", fills: dict[tuple[int, int], str] | None = None,
               merges: Iterable[str] = (), hidden_sheets: Iterable[str] = (),
               extra_sheets: dict[str, list[list]] | None = None) -> Path:
    """Write a one-plan workbook. ``fills`` maps (index in rows, 0-based column) -> 'RRGGBB'.

    Title lines go above the header, one per row, then one blank row.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    title = list(title)
    for line in title:
        ws.append([line])
    if title:
        ws.append([])
    ws.append(list(header))
    first = len(title) + (1 if title else 0) + 2  # Excel row of rows[0]
    for row in rows:
        ws.append(list(row))
    for (i, c), hex6 in (fills or {}).items():
        ws.cell(row=first + i, column=c + 1).fill = fill(hex6)
    for rng in merges:
        ws.merge_cells(rng)
    for name, data in (extra_sheets or {}).items():
        other = wb.create_sheet(name)
        for row in data:
            other.append(row)
    for name in hidden_sheets:
        h = wb.create_sheet(name)
        h.append(["Old notes", "kept by the SRO"])
        h.sheet_state = "hidden"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def first_data_row(title_lines: int) -> int:
    """Excel row number of the first data row written by :func:`write_plan`."""
    return title_lines + (1 if title_lines else 0) + 2


def rewrite_zip(src: Path, dst: Path, edits: dict) -> Path:
    """Copy an xlsx, replacing members: value bytes/str, a callable(old bytes) -> bytes, or None
    to drop the member."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in edits:
                new = edits[info.filename]
                if new is None:
                    continue
                if callable(new):
                    new = new(zin.read(info.filename))
                if isinstance(new, str):
                    new = new.encode()
                zout.writestr(info.filename, new)
            else:
                zout.writestr(info, zin.read(info.filename))
        for name, new in edits.items():
            if name not in zin.namelist() and new is not None and not callable(new):
                zout.writestr(name, new if isinstance(new, bytes) else new.encode())
    return dst


def book(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None
         ) -> Path:
    """A workbook of one or more sheets, rows as given (None: a blank cell)."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
