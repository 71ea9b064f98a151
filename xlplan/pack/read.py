"""Read the board's pages back from a consolidated workbook (values as written, with their
fills), for :mod:`xlplan.pack.draw`.

The pack is drawn from what the workbook says -- the Dashboard's figures, tiles and attention
list, the Exceptions, Changes, Risks, Heatmap and Scorecard sheets, History -- so the PDF and the
workbook show the same month with the same colours. Formulas are read as the values they
carry (xlplan writes every formula with its value; a workbook saved by Excel carries Excel's).
"""
from __future__ import annotations

import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from ..consolidated import CHANGES, DASHBOARD, EXCEPTIONS, HEATMAP, HISTORY, META, RISKS, \
    SCORECARD

__all__ = ["Board", "Table", "Cell", "read_board", "PackError"]


class PackError(ValueError):
    """The file is not a consolidated workbook the pack can be drawn from; says why."""


@dataclass
class Cell:
    """A cell as the pack draws it: its text, and its fill and font colours (RRGGBB or '')."""

    text: str
    fill: str = ""
    font: str = ""
    bold: bool = False
    value: object = None


@dataclass
class Table:
    """A block of cells: a header row and data rows (every row as long as the header)."""

    header: list[Cell] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""


@dataclass
class Board:
    """Everything the pack draws."""

    programme: str = ""
    period: str = ""
    subtitle: str = ""
    generated: str = ""
    tiles: list[tuple[str, str, str]] = field(default_factory=list)  # label, value, caption
    overall: Table = field(default_factory=Table)
    risk_tiles: list[tuple[str, str]] = field(default_factory=list)
    submission_tiles: list[tuple[str, str]] = field(default_factory=list)
    submission_text: str = ""
    attention: Table = field(default_factory=Table)
    attention_more: str = ""
    by_theme: Table = field(default_factory=Table)
    by_sro: Table = field(default_factory=Table)
    risk_bands: Table = field(default_factory=Table)
    history: Table = field(default_factory=Table)
    exceptions: Table | None = None
    changes: Table | None = None
    risks: Table | None = None
    heatmap: Table | None = None
    heatmap_bands: Table | None = None
    scorecard: Table | None = None
    level_fill: dict[str, str] = field(default_factory=dict)  # RAG label -> RRGGBB


# ------------------------------------------------------------------------------ cells
def _colour(c) -> str:
    """RRGGBB of an openpyxl colour, '' when none or a theme/indexed colour."""
    try:
        rgb = c.rgb if c is not None else None
    except AttributeError:
        return ""
    if isinstance(rgb, str) and re.fullmatch(r"[0-9A-Fa-f]{8}", rgb) and rgb[:2] != "00":
        return rgb[2:].upper()
    if isinstance(rgb, str) and re.fullmatch(r"[0-9A-Fa-f]{6}", rgb):
        return rgb.upper()
    return ""


def text_of(value, number_format: str = "") -> str:
    """A cell's value as the board reads it (dates as 30 Jun 2018, shares as 86%)."""
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.strftime("%d %b %Y") if (value.hour, value.minute) == (0, 0) else \
            value.strftime("%d %b %Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d %b %Y")
    if isinstance(value, float):
        if "%" in number_format and "\"%\"" not in number_format:
            return f"{value:.0%}"
        decimals = re.search(r"0\.(0+)", number_format or "")
        if decimals:
            text = f"{value:,.{len(decimals.group(1))}f}"
        elif value.is_integer():
            text = f"{int(value):,}"
        else:
            text = f"{value:,.2f}".rstrip("0").rstrip(".")
        return text + ("%" if "\"%\"" in (number_format or "") else "")
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _cell(c) -> Cell:
    fill = ""
    if c.fill is not None and c.fill.fill_type == "solid":
        fill = _colour(c.fill.fgColor)
    font = _colour(c.font.color) if c.font is not None and c.font.color is not None else ""
    return Cell(text_of(c.value, c.number_format or ""), fill, font,
                bool(c.font is not None and c.font.b), c.value)


# ------------------------------------------------------------------------------ the workbook
def _load(path: Path):
    from openpyxl import load_workbook

    if not path.exists():
        raise PackError(f"{path} does not exist")
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise PackError(f"{path.name} is not an .xlsx workbook")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Sparkline Group extension is not supported"
            return load_workbook(path, data_only=True)
    except Exception as exc:  # a zip that is not a workbook, a truncated file...
        raise PackError(f"cannot read {path.name} as a workbook: {exc}") from None


def _print_columns(ws) -> int | None:
    """The number of columns in the sheet's print area (None: no print area)."""
    from openpyxl.utils.cell import range_boundaries

    area = ws.print_area
    if not area:
        return None
    ref = str(area).split(",")[0].split("!")[-1].replace("$", "")
    try:
        _, _, max_col, _ = range_boundaries(ref)
    except ValueError:
        return None
    return max_col


def _sheet_table(ws, columns: int | None = None) -> Table:
    """A sheet whose table starts at A1: header row, data rows (blank rows left out)."""
    rows = list(ws.iter_rows())
    if not rows:
        return Table()
    width = columns or len(rows[0])
    header = [_cell(c) for c in rows[0][:width]]
    while header and not header[-1].text:
        header.pop()
    width = len(header)
    out = Table(header)
    for r in rows[1:]:
        cells = [_cell(c) for c in r[:width]]
        cells += [Cell("")] * (width - len(cells))
        if any(c.text for c in cells):
            out.rows.append(cells)
    return out


def _find(ws, text: str, col: int | None = None) -> tuple[int, int] | None:
    """1-based (row, column) of the first cell reading ``text``."""
    for row in ws.iter_rows():
        for c in row:
            if c.value == text and (col is None or c.column == col):
                return c.row, c.column
    return None


def _row_cells(ws, row: int, first: int, last: int) -> list:
    return [ws.cell(row, c) for c in range(first, last + 1)]


def _block(ws, header_row: int, first_col: int, last_col: int, stop=None) -> Table:
    """Rows under ``header_row`` until a blank first cell (or ``stop(first text)``)."""
    header = [_cell(c) for c in _row_cells(ws, header_row, first_col, last_col)]
    while header and not header[-1].text:
        header.pop()
    last_col = first_col + len(header) - 1
    out = Table(header)
    r = header_row + 1
    while r <= ws.max_row:
        cells = [_cell(c) for c in _row_cells(ws, r, first_col, last_col)]
        if not cells or not cells[0].text or (stop and stop(cells[0].text)):
            break
        out.rows.append(cells)
        r += 1
    return out


def _dashboard(ws, board: Board) -> None:
    board.programme = board.programme or text_of(ws["A1"].value)
    board.subtitle = text_of(ws["A2"].value)
    board.generated = text_of(ws["A3"].value)
    at = _find(ws, "Headline figures", 1)
    if at:
        r = at[0]
        for c in range(2, ws.max_column + 1):
            label = ws.cell(r, c).value
            if not label:
                break
            value = ws.cell(r + 1, c)
            caption = ws.cell(r + 2, c)
            board.tiles.append((str(label), text_of(value.value, value.number_format),
                                _caption(caption)))
    at = _find(ws, "RAG", 1)
    if at:
        board.overall = _block(ws, at[0], 1, 3)
        for row in board.overall.rows:
            if row[0].fill:
                board.level_fill[row[0].text] = row[0].fill
    for heading, attr in (("Risks", "risk_tiles"), ("Submissions this month",
                                                     "submission_tiles")):
        at = _find(ws, heading, 5)
        if not at:
            continue
        r = at[0]
        tiles = []
        for c in range(5, 10):
            label = ws.cell(r + 1, c).value
            if not label:
                break
            value = ws.cell(r + 2, c)
            tiles.append((str(label), text_of(value.value, value.number_format)))
        setattr(board, attr, tiles)
        if attr == "submission_tiles":
            board.submission_text = text_of(ws.cell(r + 3, 5).value)
        elif not tiles:
            board.risk_tiles = []
    at = _find(ws, "Needs the board's attention", 1)
    if at:
        header_row = at[0] + 1
        if ws.cell(header_row, 1).value == "Action or risk":
            table = _block(ws, header_row, 1, 9, stop=lambda t: t.startswith("... and "))
            keep = [0, 1, 3, 4, 5]  # B:C and F:I are merged: their first cells
            table.header = [table.header[i] for i in keep if i < len(table.header)]
            table.rows = [[row[i] for i in keep if i < len(row)] for row in table.rows]
            board.attention = table
            more = ws.cell(header_row + 1 + len(table.rows), 1).value
            if isinstance(more, str) and more.startswith("... and "):
                board.attention_more = more
        else:
            board.attention_more = text_of(ws.cell(at[0] + 1, 1).value)
    for text, attr in (("Theme", "by_theme"), ("SRO", "by_sro")):
        at = _find(ws, text, 1)
        if at:
            setattr(board, attr, _block(ws, at[0], 1, 9))
    at = _find(ws, "Risks by band", 1)
    if at:
        board.risk_bands = _block(ws, at[0] + 2, 1, 2,
                                  stop=lambda t: t.startswith(("Above appetite", "Total")))


def _caption(c) -> str:
    v = c.value
    if v is None:
        return ""
    fmt = c.number_format or ""
    if isinstance(v, (int, float)) and "warnings" in fmt:
        return f"and {int(v)} warnings" if v else "no warnings"
    if isinstance(v, float) and "%" in fmt:
        return f"{v:.0%} of actions"
    return text_of(v, fmt)


def _heatmap(ws) -> tuple[Table, Table]:
    at = _find(ws, "L \\ I")
    grid = Table()
    if at:
        grid = _block(ws, at[0], at[1], at[1] + 12)
    bands = Table()
    at = _find(ws, "Band", 1)
    if at:
        bands = _block(ws, at[0], 1, 4)
    return grid, bands


def _scorecard(ws) -> Table:
    columns = _print_columns(ws)
    table = _sheet_table(ws, columns)
    return table


def read_board(path: str | os.PathLike) -> Board:
    """The board's pages as read from the consolidated workbook at ``path``."""
    path = Path(path)
    wb = _load(path)
    names = set(wb.sheetnames)
    if DASHBOARD not in names:
        raise PackError(f"{path.name} has no {DASHBOARD} sheet: is it a consolidated workbook "
                        "written by xlplan merge?")
    board = Board()
    if META in names:
        meta = wb[META]
        for r in range(2, 12):
            key, value = meta.cell(r, 1).value, meta.cell(r, 2).value
            if key == "programme":
                board.programme = text_of(value)
            elif key == "period":
                board.period = text_of(value)
    _dashboard(wb[DASHBOARD], board)
    if EXCEPTIONS in names:
        board.exceptions = _sheet_table(wb[EXCEPTIONS], _print_columns(wb[EXCEPTIONS]))
    if CHANGES in names:
        ws = wb[CHANGES]
        board.changes = _sheet_table(ws, _print_columns(ws))
        for c in range(1, ws.max_column + 1):  # the counts of the unchanged rows
            v = ws.cell(1, c).value
            if isinstance(v, str) and "Not listed" in v:
                board.changes.note = v
    if RISKS in names:
        board.risks = _sheet_table(wb[RISKS], _print_columns(wb[RISKS]))
    if HEATMAP in names:
        board.heatmap, board.heatmap_bands = _heatmap(wb[HEATMAP])
    if SCORECARD in names:
        board.scorecard = _scorecard(wb[SCORECARD])
    if HISTORY in names:
        board.history = _sheet_table(wb[HISTORY])
    return board
