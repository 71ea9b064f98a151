"""The Scorecard sheet of the consolidated workbook: values, sparklines, trend RAG.

Laid out the way the board reads seed 003's scorecard: one group per strategy (Wellbeing,
Children and Young People, Community, Enhanced and Specialist, then any other) under a banner
row, objective banner rows within it, and per indicator its measure, most recent period,
benchmark, one column per period of its series (numbers, shown with the indicator's unit and
decimals), a line sparkline over its latest six values (seed section 3, "Trend graphs"), the
trend RAG as text coloured by conditional formatting (section 4) and the benchmark RAG likewise
(section 2). Colours are conditional formats on the text, never pasted fills, so a value
corrected in the sheet recolours itself.

The sheet is also next month's input: :mod:`xlplan.merging.scorecards` reads the previous
workbook's Scorecard sheet back by the header texts :mod:`xlplan.consolidated` defines
(:data:`~xlplan.consolidated.SCORECARD_LEAD`, :data:`~xlplan.consolidated.SCORECARD_TAIL`, the
period columns between "Benchmark" and :data:`~xlplan.consolidated.SCORECARD_GRAPH_HEADER`) and
the Key column, so the series grows month by month. Change a header there and the read-back
follows.

Text from inputs is written with :func:`xlplan.write.formats.put_text` (``write_string``: a cell
reading ``=HYPERLINK(..)`` stays text; over-long text is cut and recorded); numbers with
``write_number``.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from ..consolidated import (POLARITY_TEXT, SCORECARD as SHEET,
                            SCORECARD_GRAPH_HEADER as GRAPH_HEADER, SCORECARD_LEAD as LEAD,
                            SCORECARD_MERGE_COLUMNS as MERGE_COLUMNS, SCORECARD_TAIL as TAIL)
from ..normalise.scorecards import SCORECARD_COLUMNS, STRATEGIES, label_sort_key
from ..schema.scorecard import BENCHMARK_RAGS, TREND_RAGS
from ..layout import print_setup, row_height
from .formats import BLUE, LIGHT_BLUE, Formats, excel_string, put, put_text

__all__ = ["TREND_COLOURS", "BENCHMARK_COLOURS", "write_scorecard"]

#: Trend RAG -> (fill, font) of its conditional format.
TREND_COLOURS: dict[str, tuple[str, str]] = {
    "Dark Green": ("#00703C", "#FFFFFF"),
    "Green": ("#00B050", "#FFFFFF"),
    "Amber": ("#FFC000", "#000000"),
    "Red": ("#FF0000", "#FFFFFF"),
    "Dark Red": ("#C00000", "#FFFFFF"),
}
#: Benchmark RAG -> (fill, font).
BENCHMARK_COLOURS: dict[str, tuple[str, str]] = {
    "Green": ("#00B050", "#FFFFFF"),
    "Amber": ("#FFC000", "#000000"),
    "Red": ("#FF0000", "#FFFFFF"),
}
OTHER_GROUP = "Other indicators"
#: The last column of the printout (the provenance columns after it stay on screen only).
PRINTED_UP_TO = "comments"
SPARK_POINTS = 6

_DECIMALS = re.compile(r"\.(\d+)")


class _Formats:
    """This sheet's formats, from the workbook's shared :class:`Formats` (one object per set of
    properties across the workbook)."""

    def __init__(self, fmts: Formats):
        self.fmts = fmts
        self.header = fmts.header
        self.strategy = fmts.get(bold=True, font_color="#FFFFFF", font_size=12, bg_color=BLUE,
                                 valign="vcenter")
        self.objective = fmts.get(italic=True, bg_color=LIGHT_BLUE, text_wrap=True,
                                  valign="vcenter")
        self.text = fmts.get(text_wrap=True, valign="top", border=1)
        self.centre = fmts.get(align="center", valign="top", border=1)
        self.cf = {name: fmts.get(bg_color=fill, font_color=font)
                   for name, (fill, font) in {**BENCHMARK_COLOURS, **TREND_COLOURS}.items()}

    def number(self, num_format: str) -> Any:
        return self.fmts.get(num_format=num_format, align="center", valign="top", border=1)


def _is_missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _list(v: object) -> list:
    return list(v) if isinstance(v, (list, tuple)) else []


def number_format(texts: list[str], values: list[float | None], unit: str) -> str:
    """One number format per indicator: the most decimals it was written with, thousands
    separators for values of 1,000 or more, and its unit ("%" shown, not applied: the values
    are percentage points, as the seed writes and graphs them)."""
    decimals = max((len(m.group(1)) for t in texts if t for m in [_DECIMALS.search(t)] if m),
                   default=0)
    big = any(v is not None and abs(v) >= 1000 for v in values) or any("," in t for t in texts)
    fmt = ("#,##0" if big else "0") + ("." + "0" * min(decimals, 6) if decimals else "")
    return fmt + ('"%"' if unit == "%" else "")


def period_labels(df: pd.DataFrame, fy_start_month: int = 4) -> list[str]:
    """Every value label of every indicator, in time order: the sheet's period columns."""
    labels: dict[str, None] = {}
    for row in df["value_labels"] if "value_labels" in df.columns else ():
        for label in _list(row):
            labels.setdefault(str(label), None)
    return sorted(labels, key=lambda lb: label_sort_key(lb, fy_start_month))


def _groups(df: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """Rows by strategy: the seed's four in its order, others as first seen, blank last."""
    order = {name: i for i, name in enumerate(STRATEGIES)}
    strategies = df["strategy"].fillna("").astype(str) if "strategy" in df.columns else \
        pd.Series([""] * len(df), index=df.index)
    seen: dict[str, None] = {}
    for s in strategies:
        seen.setdefault(s, None)
    names = sorted(seen, key=lambda s: (s == "", order.get(s, len(order)),
                                        list(seen).index(s)))
    return [(name or OTHER_GROUP, df[strategies == name]) for name in names]


def _write_cell(ws: Any, fmts: Formats, r: int, c: int, value: object, fmt: Any) -> None:
    """A tidy value as a cell: numbers as numbers, text as text (never a formula), blanks
    as formatted blanks."""
    if isinstance(value, bool):
        value = "TRUE" if value else "FALSE"
    if _is_missing(value) or value == "":
        ws.write_blank(r, c, None, fmt)
    else:
        put(ws, fmts, r, c, value, fmt)


def _display(name: str, value: object) -> object:
    if name == "polarity":
        return POLARITY_TEXT.get(str(value), "" if _is_missing(value) else str(value))
    if name == "source_row" and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@dataclass
class _Sheet:
    """Where everything goes on this sheet, worked out once from the rows to write."""

    ws: Any
    fmts: Formats
    f: _Formats
    labels: list[str]
    extras: list
    graph_col: int = 0
    tail_at: dict[str, int] = field(default_factory=dict)
    last_col: int = 0

    def __post_init__(self) -> None:
        self.graph_col = len(LEAD) + len(self.labels)
        self.tail_at = {name: self.graph_col + 1 + i for i, (name, _, _) in enumerate(TAIL)}
        self.last_col = self.graph_col + len(TAIL) + len(self.extras)

    @property
    def headers(self) -> list[str]:
        return [h for _, h, _ in LEAD] + self.labels + [GRAPH_HEADER] + \
            [h for _, h, _ in TAIL] + [str(e) for e in self.extras]

    @property
    def printed_width(self) -> float:
        """Characters across the printed columns, which the banners are merged across."""
        return sum(w for _, _, w in LEAD) + 10 * len(self.labels) + 16 + sum(
            w for name, _, w in TAIL[:[n for n, _, _ in TAIL].index(PRINTED_UP_TO) + 1])

    def banner(self, r: int, text: str, fmt: Any, height: float) -> None:
        # Inside the printed table's width: the provenance columns after it are off the page.
        self.ws.merge_range(r, 0, r, self.tail_at[PRINTED_UP_TO], "", fmt)
        put_text(self.ws, self.fmts, r, 0, text, fmt)
        self.ws.set_row(r, height)


def write_scorecard(wb: Any, merged: Any, fmts: Formats | None = None) -> Any:
    """Add the Scorecard sheet for ``merged.scorecards`` (rows of
    :func:`xlplan.merging.scorecards.merge_scorecards`, or tidy rows straight from the readers)
    and return it; no rows, no sheet (None). ``fmts`` is the workbook's shared
    :class:`~xlplan.write.formats.Formats` (one is made when None)."""
    df: pd.DataFrame | None = getattr(merged, "scorecards", merged)
    if df is None or df.empty:
        return None
    fmts = fmts if fmts is not None else Formats(wb)
    fy = getattr(getattr(merged, "programme", None), "financial_year_start_month", 4) or 4
    known = {*SCORECARD_COLUMNS, *MERGE_COLUMNS}
    sheet = _Sheet(wb.add_worksheet(SHEET), fmts, _Formats(fmts), period_labels(df, fy),
                   [c for c in df.columns if c not in known and not str(c).startswith("_")])
    for c, text in enumerate(sheet.headers):
        put_text(sheet.ws, fmts, 0, c, text, sheet.f.header)
    r = 1
    for name, group in _groups(df):
        sheet.banner(r, name, sheet.f.strategy, 20)
        r += 1
        objective = ""
        for rec in group.to_dict("records"):
            text = str(rec.get("objective") or "")
            if text and text != objective:
                sheet.banner(r, text, sheet.f.objective,
                             row_height([(text, sheet.printed_width)], minimum=18))
                r += 1
            objective = text
            _indicator_row(sheet, r, rec)
            r += 1
    _conditional_formats(sheet, r - 1)
    _layout(sheet, r - 1, merged)
    return sheet.ws


def _indicator_row(sheet: _Sheet, r: int, rec: dict) -> None:
    ws, f = sheet.ws, sheet.f
    height = row_height([(str(rec.get("indicator") or ""), LEAD[0][2])], max_lines=6)
    if height:
        ws.set_row(r, height)
    for c, (name, _, _) in enumerate(LEAD):
        _write_cell(ws, sheet.fmts, r, c, rec.get(name, ""), f.text if c == 0 else f.centre)
    filled = _values(sheet, r, rec)
    ws.write_blank(r, sheet.graph_col, None, f.centre)
    points = filled[-SPARK_POINTS:]
    if len(points) >= 2:
        ws.add_sparkline(r, sheet.graph_col, {
            "range": f"{SHEET}!{xl_rowcol_to_cell(r, points[0])}:"
                     f"{xl_rowcol_to_cell(r, points[-1])}",
            "markers": True, "last_point": True, "empty_cells": "connect",
        })
    polarity = _display("polarity", rec.get("polarity", ""))
    for name, c in sheet.tail_at.items():
        fmt = f.text if name in ("comments", "objective", "file") else f.centre
        value = _display(name, rec.get(name, ""))
        if name == "comments" and isinstance(value, str) and polarity and \
                value.strip().lower() == str(polarity).lower():
            value = ""  # a comment that only repeats the polarity: said once, under Polarity
        _write_cell(ws, sheet.fmts, r, c, value, fmt)
    for i, name in enumerate(sheet.extras):
        _write_cell(ws, sheet.fmts, r, sheet.graph_col + 1 + len(TAIL) + i, rec.get(name, ""),
                    f.text)


def _values(sheet: _Sheet, r: int, rec: dict) -> list[int]:
    """The period cells of one indicator; returns the columns that hold a number."""
    values, texts = _list(rec.get("values")), _list(rec.get("values_text"))
    texts = texts if len(texts) == len(values) else [""] * len(values)
    series = dict(zip(map(str, _list(rec.get("value_labels"))), zip(values, texts)))
    num = sheet.f.number(number_format([t for t in texts if t],
                                       [v for v in values if not _is_missing(v)],
                                       str(rec.get("unit") or "")))
    filled: list[int] = []
    for i, label in enumerate(sheet.labels):
        c = len(LEAD) + i
        value, text = series.get(label, (None, ""))
        if not _is_missing(value):
            sheet.ws.write_number(r, c, float(value), num)
            filled.append(c)
        elif text:  # not a number: kept as written (a bad-value warning), left out of the graph
            put_text(sheet.ws, sheet.fmts, r, c, str(text), sheet.f.centre)
        else:
            sheet.ws.write_blank(r, c, None, sheet.f.centre)
    return filled


def _conditional_formats(sheet: _Sheet, last_row: int) -> None:
    """Trend and benchmark colours as rules on the RAG text (seed sections 2 and 4)."""
    if last_row < 1:
        return
    ws, cf = sheet.ws, sheet.f.cf
    bench_rag = sheet.tail_at["benchmark_rag"]
    for name in ("trend_rag", "previous_trend_rag"):
        trend = sheet.tail_at[name]
        for level in TREND_RAGS:
            ws.conditional_format(1, trend, last_row, trend, {
                "type": "cell", "criteria": "==", "value": excel_string(level),
                "format": cf[level]})
    bench = next(i for i, (name, _, _) in enumerate(LEAD) if name == "benchmark")
    rag_col = xl_col_to_name(bench_rag)
    for level in BENCHMARK_RAGS:
        ws.conditional_format(1, bench_rag, last_row, bench_rag, {
            "type": "cell", "criteria": "==", "value": excel_string(level), "format": cf[level]})
        ws.conditional_format(1, bench, last_row, bench, {
            "type": "formula", "criteria": f"=${rag_col}2={excel_string(level)}",
            "format": cf[level]})


def _layout(sheet: _Sheet, last_row: int, merged: Any = None) -> None:
    ws, graph_col = sheet.ws, sheet.graph_col
    for c, (_, _, width) in enumerate(LEAD):
        ws.set_column(c, c, width)
    if sheet.labels:
        ws.set_column(len(LEAD), graph_col - 1, 10)
    ws.set_column(graph_col, graph_col, 16)
    for i, (_, _, width) in enumerate(TAIL):
        ws.set_column(graph_col + 1 + i, graph_col + 1 + i, width)
    if sheet.extras:
        ws.set_column(graph_col + 1 + len(TAIL), sheet.last_col, 18)
    ws.set_row(0, 30)
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, max(last_row, 1), sheet.last_col)
    programme = str(getattr(getattr(merged, "programme", None), "name", "") or "")
    period = str(getattr(merged, "period", "") or "")
    title = " - ".join(p for p in (programme, f"Scorecard {period}".strip()) if p)
    printed = sheet.printed_width
    print_setup(ws, title, programme=programme, period=period, printed_width=printed)
    ws.print_area(0, 0, max(last_row, 1), sheet.tail_at[PRINTED_UP_TO])
