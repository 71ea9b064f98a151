"""The Dashboard: the board's first page.

Every figure is a formula over the Actions (and Issues) sheet, written with the value it
computes, so the numbers show in any reader and follow when someone edits Actions in Excel.

Layout (Excel rows and columns; A is wide, B:I are the number columns):

* A1 programme name, A2 the reporting month, A3 what it was generated from.
* Headline figures: labels in row 5, values in row 6, columns B:I, in this order (a figure
  whose RAG level is not on the programme's scale is left out and the rest move left):
  Actions, % complete, Red, Amber/Red, Overdue, Worsened, Not reported, Errors (the error
  issues on the Issues sheet). :attr:`DashboardLayout.headline` maps 'actions',
  'pct_complete', 'red', 'amber_red', 'overdue', 'worsened', 'not_reported', 'errors' to the
  value cells (B6...); the layout is on ``fmts.dashboard`` for sheets written after it.
* Row 7: under the Errors tile, the number of warnings (a reassuring "0 errors" is not the
  whole story).
* Overall RAG table: header in row 9 (A9 ``RAG``, B9 ``Actions``, C9 ``Share``), one row per
  level of the scale from row 10, then ``Not reported``, then ``Total``.
* Beside it (E8:I17): the risk tiles (risks, the top two bands, above appetite, worsened) and
  the submission status (returned, missing, failed, with the names of who is missing or
  failed).
* "Needs the board's attention": the Red, Amber/Red and worsened actions, overdue milestones
  and the risks of the top two bands, each with its SRO or owner, RAG and why it is listed.
  Page 1 ends there; the charts follow (each titled, counts on whole-number axes, every bar
  labelled with its count so a single Red is not an invisible sliver): a doughnut of the
  overall table beside the RAG trend, then the theme and SRO tables with their bar charts.
* RAG by theme, then RAG by SRO: a heading row, a header row (``Theme``/``SRO``, one column
  per level label, ``Not reported``, ``Total``), one row per theme/SRO in the order they first
  appear on Actions; a stacked bar chart under each table. Column A shows a short label (an
  SRO's name without the job title); the exact text the SUMPRODUCT formulas match is in the
  hidden column K. Their rows depend on the number of levels and themes:
  :attr:`DashboardLayout.by_theme` / ``by_sro`` give the ranges. A section that would not fit
  on the printed page starts a new one (manual page breaks).
* RAG trend (when History has two periods or more): a stacked column chart over History,
  beside the doughnut.
* Then any section registered in :data:`DASHBOARD_SECTIONS` (e.g. a risk heat-map summary).
"""
from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from ..consolidated import DASHBOARD, HISTORY, ISSUES, NOT_REPORTED, TABLE_ISSUES, TOTAL, \
    action_col
from ..issues import ERROR, WARNING, col_letter
from ..layout import print_setup, row_height, text_lines
from ..schema.movement import WORSENED
from ..schema.palette import hex_colour
from ..schema.rag import AMBER, AMBER_GREEN, AMBER_RED, COMPLETE, GREEN, LEVEL_FILL, RED
from ..text import person_name
from .actions import ActionsTable, actions_table, excel_key, structured_ref
from .charts import count_axis
from .formats import BLUE, ERROR_FONT, GREY, LIGHT_BLUE, LIGHT_GREY, MID_GREY, NAVY, \
    NOT_REPORTED_FILL, Formats, cell_ref, excel_string, fits_a_table, formula, put_text, \
    range_ref, remember_page

#: Dashboard tiles: the count of Red, then Amber/Red, in a darker shade; zero counts muted.
RED_TILE, AMBER_RED_TILE = hex_colour("red_tile"), hex_colour("amber_red_tile")
MUTED = hex_colour("muted")

NAME_WIDTH = 40
NUMBER_WIDTH = 10.5
NUMBER_COLUMNS = 8  # B:I
FULL_TEXT_COL = NUMBER_COLUMNS + 2  # K, hidden: the exact theme/SRO text the formulas match
SHORT_LABEL = 48

HEADLINE_LABEL_ROW = 4   # Excel row 5
HEADLINE_VALUE_ROW = 5   # Excel row 6
OVERALL_HEADING_ROW = 7  # Excel row 8
OVERALL_HEADER_ROW = 8   # Excel row 9
ROW_PX = 20
#: The charts' first row: the doughnut (left) and the RAG trend (right), this tall.
CHART_ROW_PX = 280
DOUGHNUT_PX = 400
TITLE_FONT = {"size": 12, "bold": True, "color": NAVY}
#: The attention list on page 1 lists at most this many rows (the rest: on Exceptions).
ATTENTION_MAX = 14
#: Printable height of an A4 landscape page (8.27 in less 0.35 in margins top and bottom) at
#: 96 px an inch; the Dashboard prints at 100% (its columns fit the width).
PAGE_PX = 700

#: Extra Dashboard sections, each ``fn(ws, merged, fmts, row) -> next free row`` (0-based),
#: called in order after the built-in ones (e.g. ``DASHBOARD_SECTIONS.append(risk_summary)``).
DASHBOARD_SECTIONS: list[Callable] = []


@dataclass
class TableRange:
    """One Dashboard table: 0-based header row, first/last data rows, the row labels."""

    header_row: int
    first_row: int
    last_row: int
    labels: list[str] = field(default_factory=list)
    last_col: int = NUMBER_COLUMNS  # 0-based: the Total column

    def a1(self) -> str:
        """The table, header included ('A25:I28')."""
        return f"A{self.header_row + 1}:{col_letter(self.last_col)}{self.last_row + 1}"


class Pager:
    """Where the Dashboard's rows fall on printed pages, so that a section (a table and its
    chart) starts on a new page instead of being cut in two."""

    def __init__(self, ws, page_px: int = PAGE_PX):
        self.ws = ws
        self.page_px = page_px
        self.heights: dict[int, float] = {}
        self.breaks: list[int] = []
        self.page_top = 0

    def set_row(self, row: int, points: float) -> None:
        self.ws.set_row(row, points)
        self.heights[row] = points * 4 / 3

    def px(self, first: int, stop: int) -> float:
        return sum(self.heights.get(r, ROW_PX) for r in range(first, stop))

    def keep(self, row: int, height_px: float) -> bool:
        """Start a new page at ``row`` unless ``height_px`` more fits on this one."""
        if row > self.page_top and self.px(self.page_top, row) + height_px > self.page_px:
            self.breaks.append(row)
            self.page_top = row
            return True
        return False

    def finish(self, last_row: int) -> None:
        """Page breaks, and every row's height set explicitly, so that LibreOffice (whose
        default row is shorter than Excel's 15 pt) lays the page out as Excel does."""
        for r in range(last_row + 1):
            if r not in self.heights:
                self.ws.set_row(r, ROW_PX * 3 / 4)
        if self.breaks:
            self.ws.set_h_pagebreaks(self.breaks)


@dataclass
class DashboardLayout:
    """Where things are on the Dashboard (0-based rows; ``headline`` gives A1 cells)."""

    #: 'actions', 'pct_complete', 'red', 'amber_red', 'overdue', 'worsened', 'not_reported',
    #: 'errors' -> value cell ('B6'...); labels are in the row above.
    headline: dict[str, str] = field(default_factory=dict)
    overall: TableRange | None = None
    by_theme: TableRange | None = None
    by_sro: TableRange | None = None
    trend_row: int | None = None
    charts_row: int | None = None
    attention_row: int | None = None
    next_row: int = 0
    pager: Pager | None = None


# ------------------------------------------------------------------- what Excel will compute
#: Excel compares text without regard to case.
_key = excel_key


def count_equal(values: list, text: str) -> int:
    k = text.lower()
    return sum(1 for v in values if _key(v) == k)


def severity_ref(merged, fmts: Formats) -> str:
    """The Issues sheet's Severity column: ``Issues[Severity]``, or a fixed range when the sheet
    is too big for a table (see :func:`~xlplan.write.formats.fits_a_table`)."""
    from .issues_sheet import HEADERS

    rows = len(merged.issues) + len(fmts.extra_issues)
    if fits_a_table(max(1, rows) + 1, len(HEADERS)):
        return structured_ref("Severity", TABLE_ISSUES)
    return range_ref(ISSUES, 1, HEADERS.index("Severity"), max(1, rows))


def countif_criteria(text: str) -> str:
    """COUNTIF criteria matching exactly ``text``: '=' first (so '<5' is no operator), wildcards
    escaped, as a quoted formula string."""
    esc = text.replace("~", "~~").replace("*", "~*").replace("?", "~?")
    return excel_string("=" + esc)


def _total(table: ActionsTable) -> int:
    """The rows with a Key: COUNTA over the Key column."""
    return len(table.rows) - table.key_counts("key")[""]


def short_labels(texts: list[str], *, people: bool = False, limit: int = SHORT_LABEL
                 ) -> list[str]:
    """Labels short enough for a chart axis, unique. An SRO cell "Craig McArdle, Director of
    Integrated Commissioning, PCC" becomes "Craig McArdle" (each line's part before the first
    comma, joined with ' / '); other long text is cut with an ellipsis."""
    out: list[str] = []
    for text in texts:
        flat = " ".join(text.split())
        label = flat
        if people and len(flat) > 30:
            heads = [person_name(ln) for ln in text.splitlines() if ln.strip()]
            label = " / ".join(h for h in heads if h) or flat
        if len(label) > limit:
            label = label[: limit - 1].rstrip() + "\u2026"
        out.append(label)
    seen: dict[str, int] = {}
    for i, label in enumerate(out):
        k = label.lower()
        seen[k] = seen.get(k, 0) + 1
        if seen[k] > 1:
            out[i] = f"{label} ({seen[k]})"
    return out


def overall_rows(levels) -> tuple[int, int, int]:
    """0-based rows of the overall RAG table: first level, Not reported, Total."""
    first = OVERALL_HEADER_ROW + 1
    return first, first + len(levels), first + len(levels) + 1


# ---------------------------------------------------------------------------------- the sheet
def write_dashboard(wb, merged, fmts: Formats):
    ws = wb.add_worksheet(DASHBOARD)
    ws.hide_gridlines(2)
    ws.set_column(0, 0, NAME_WIDTH)
    ws.set_column(1, NUMBER_COLUMNS, NUMBER_WIDTH)
    ws.set_column(NUMBER_COLUMNS + 1, NUMBER_COLUMNS + 1, 2)
    ws.set_column(FULL_TEXT_COL, FULL_TEXT_COL, 40, None, {"hidden": True})
    table = actions_table(merged, fmts)
    layout = DashboardLayout(pager=Pager(ws))
    fmts.dashboard = layout

    remember_page(fmts, merged)
    _titles(ws, merged, fmts, layout.pager)
    _headline(ws, merged, fmts, table, layout)
    row = _overall(ws, merged, fmts, table, layout)
    _risk_tiles(ws, merged, fmts, layout)
    _submission_status(ws, merged, fmts, layout)
    row = _attention(ws, merged, fmts, layout, row)
    row = _doughnut(ws, merged, fmts, table, layout, row)
    row = _breakdown(ws, fmts, table, layout, row, "theme", "Theme", "RAG by theme",
                     "(no theme)")
    row = _breakdown(ws, fmts, table, layout, row, "sro", "SRO", "RAG by SRO", "(no SRO)")
    row = _trend(wb, ws, merged, fmts, layout, row)
    for section in DASHBOARD_SECTIONS:
        row = section(ws, merged, fmts, row)
    layout.next_row = row
    layout.pager.finish(row)

    # One page wide, no table header to repeat; tighter top and bottom to fit more of it.
    print_setup(ws, f"{merged.programme.name[:120]} - Dashboard {merged.period}",
                repeat_rows=None, programme=merged.programme.name, period=str(merged.period),
                top_margin=0.45, header_margin=0.12)
    ws.print_area(0, 0, max(row, 1), NUMBER_COLUMNS)
    ws.activate()
    return ws


def _month(period: str) -> str:
    try:
        return dt.datetime.strptime(period, "%Y-%m").strftime("%B %Y")
    except ValueError:
        return period


def _titles(ws, merged, fmts: Formats, pager: Pager) -> None:
    files = merged.files
    n_ok = sum(1 for f in files if f.status in ("ok", "errors"))
    n_failed = sum(1 for f in files if f.status == "failed")
    n_skipped = sum(1 for f in files if f.status == "skipped")
    pager.set_row(0, 28)
    pager.set_row(3, 6)
    put_text(ws, fmts, 0, 0, merged.programme.name,
             fmts.get(bold=True, font_size=20, font_color=NAVY, valign="vcenter"))
    put_text(ws, fmts, 1, 0, f"Action plan report for {_month(merged.period)}",
             fmts.get(font_size=13, font_color=BLUE))
    parts = [f"Generated from {len(files)} file{'s' if len(files) != 1 else ''}: "
             f"{n_ok} merged"]
    if n_failed:
        parts.append(f"{n_failed} failed")
    if n_skipped:
        parts.append(f"{n_skipped} skipped")
    line = ", ".join(parts) + "."
    if merged.previous_path:
        from pathlib import PurePath

        line += f" Compared with {PurePath(merged.previous_path).name}."
    line += " Figures are formulas over the Actions sheet."
    put_text(ws, fmts, 2, 0, line, fmts.get(italic=True, font_color=GREY))


def _headline(ws, merged, fmts: Formats, table: ActionsTable, layout: DashboardLayout) -> None:
    key_rng, rag_rng = table.ref("key"), table.ref("rag")
    rags = table.key_counts("rag")  # count_equal(values, text) is rags[text.lower()]
    total = _total(table)
    levels = fmts.levels
    n_errors = sum(1 for i in merged.issues if i.severity == ERROR)
    complete_label = fmts.label(COMPLETE) if COMPLETE in levels else COMPLETE
    n_complete = rags[complete_label.lower()]

    tiles: list[tuple[str, str, str, object, dict]] = [
        ("actions", "Actions", f"=COUNTA({key_rng})", total, {"num_format": "#,##0"}),
        ("pct_complete", "% complete",
         f"=IFERROR(COUNTIF({rag_rng},{countif_criteria(complete_label)})/COUNTA({key_rng}),0)",
         (n_complete / total) if total else 0, {"num_format": "0%"}),
    ]
    for key, level, colour in (("red", RED, RED_TILE), ("amber_red", AMBER_RED, AMBER_RED_TILE)):
        if level in levels:
            label = fmts.label(level)
            tiles.append((key, label, f"=COUNTIF({rag_rng},{countif_criteria(label)})",
                          rags[label.lower()], {"font_color": colour}))
    statuses = table.key_counts("status")
    tiles.append(("overdue", "Overdue", f"=COUNTIF({table.ref('status')},\"*Overdue*\")",
                  sum(n for s, n in statuses.items() if "overdue" in s),
                  {"font_color": ERROR_FONT}))
    tiles.append(("worsened", "Worsened",
                  f"=COUNTIF({table.ref('movement')},{countif_criteria(WORSENED)})",
                  table.key_counts("movement")[WORSENED.lower()], {"font_color": ERROR_FONT}))
    n_levels = sum(rags[fmts.label(lv).lower()] for lv in levels)
    _, nr_row, _ = overall_rows(levels)
    tiles.append(("not_reported", NOT_REPORTED, f"={cell_ref(nr_row, 1)}", total - n_levels,
                  {"font_color": GREY}))
    tiles.append(("errors", "Errors",
                  f"=COUNTIF({severity_ref(merged, fmts)},\"=error\")", n_errors,
                  {"font_color": ERROR_FONT}))
    tiles = tiles[:NUMBER_COLUMNS]

    put_text(ws, fmts, HEADLINE_LABEL_ROW, 0, "Headline figures",
             fmts.get(bold=True, font_size=13, font_color=NAVY, valign="bottom"))
    put_text(ws, fmts, HEADLINE_VALUE_ROW, 0, "this month, across every action row",
             fmts.get(italic=True, font_color=GREY, valign="top"))
    layout.pager.set_row(HEADLINE_LABEL_ROW, 26)
    layout.pager.set_row(HEADLINE_VALUE_ROW, 32)
    layout.pager.set_row(HEADLINE_VALUE_ROW + 1, 14)
    label_fmt = fmts.get(bold=True, font_size=9, font_color="#FFFFFF", bg_color=NAVY,
                         align="center", valign="vcenter", text_wrap=True, border=1,
                         border_color="#FFFFFF")
    zero = fmts.get(font_color=MUTED)
    for i, (key, name, text, value, style) in enumerate(tiles):
        c = 1 + i
        layout.headline[key] = cell_ref(HEADLINE_VALUE_ROW, c, absolute=False)
        put_text(ws, fmts, HEADLINE_LABEL_ROW, c, name, label_fmt)
        props = dict(bold=True, font_size=20, font_color=style.get("font_color", NAVY),
                     bg_color=LIGHT_BLUE, align="center", valign="vcenter", border=1,
                     border_color="#FFFFFF", num_format=style.get("num_format", "#,##0"))
        formula(ws, HEADLINE_VALUE_ROW, c, text, value, fmts.get(**props))
        if key not in ("actions", "pct_complete"):  # a zero needs no attention: grey it
            ws.conditional_format(HEADLINE_VALUE_ROW, c, HEADLINE_VALUE_ROW, c, {
                "type": "cell", "criteria": "equal to", "value": 0, "format": zero})
        if key == "errors":  # the warnings under the errors: "0 errors" is not all there is
            n_warn = sum(1 for i in merged.issues if i.severity == WARNING) + \
                len(fmts.extra_issues)
            formula(ws, HEADLINE_VALUE_ROW + 1, c,
                    f"=COUNTIF({severity_ref(merged, fmts)},\"=warning\")",
                    n_warn, fmts.get(num_format='"and "0" warnings";;"no warnings"',
                                     font_size=9, italic=True, align="center",
                                     font_color=hex_colour("warning_count") if n_warn else GREY))
        elif key == "not_reported" and total:
            formula(ws, HEADLINE_VALUE_ROW + 1, c,
                    f"=IFERROR({cell_ref(HEADLINE_VALUE_ROW, c, absolute=False)}"
                    f"/{layout.headline['actions']},0)", value / total,
                    fmts.get(num_format='0%" of actions"', font_size=9, italic=True,
                             align="center", font_color=GREY))


def _overall(ws, merged, fmts: Formats, table: ActionsTable, layout: DashboardLayout) -> int:
    rag_rng, key_rng = table.ref("rag"), table.ref("key")
    rags = table.key_counts("rag")
    total = _total(table)
    levels = fmts.levels
    put_text(ws, fmts, OVERALL_HEADING_ROW, 0, "RAG status of all actions",
             fmts.get(bold=True, font_size=13, font_color=NAVY))
    head = fmts.get(bold=True, font_color="#FFFFFF", bg_color=NAVY, border=1,
                    border_color=MID_GREY)
    head_num = fmts.get(bold=True, font_color="#FFFFFF", bg_color=NAVY, border=1,
                        border_color=MID_GREY, align="center")
    put_text(ws, fmts, OVERALL_HEADER_ROW, 0, "RAG", head)
    put_text(ws, fmts, OVERALL_HEADER_ROW, 1, "Actions", head_num)
    put_text(ws, fmts, OVERALL_HEADER_ROW, 2, "Share", head_num)
    first, nr_row, total_row = overall_rows(levels)
    total_ref = cell_ref(total_row, 1)
    num = fmts.get(num_format="#,##0", align="center", border=1, border_color=MID_GREY)
    pct = fmts.get(num_format="0%", align="center", border=1, border_color=MID_GREY,
                   font_color=GREY)
    counts = []
    for i, level in enumerate(levels):
        r = first + i
        label = fmts.label(level)
        n = rags[label.lower()]
        counts.append(n)
        put_text(ws, fmts, r, 0, label, fmts.rag_static(level, bold=True, border=1,
                                                        border_color="#FFFFFF"))
        formula(ws, r, 1, f"=COUNTIF({rag_rng},{countif_criteria(label)})", n, num)
        formula(ws, r, 2, f"=IFERROR({cell_ref(r, 1, absolute=False)}/{total_ref},0)",
                (n / total) if total else 0, pct)
    not_reported = total - sum(counts)
    put_text(ws, fmts, nr_row, 0, NOT_REPORTED,
             fmts.get(bg_color=NOT_REPORTED_FILL, bold=True, border=1, border_color="#FFFFFF"))
    formula(ws, nr_row, 1, f"={total_ref}-SUM({cell_ref(first, 1)}:{cell_ref(nr_row - 1, 1)})",
            not_reported, num)
    formula(ws, nr_row, 2, f"=IFERROR({cell_ref(nr_row, 1, absolute=False)}/{total_ref},0)",
            (not_reported / total) if total else 0, pct)
    put_text(ws, fmts, total_row, 0, TOTAL, fmts.get(bold=True, top=2, bottom=1))
    formula(ws, total_row, 1, f"=COUNTA({key_rng})", total,
            fmts.get(num_format="#,##0", align="center", bold=True, top=2, bottom=1))
    formula(ws, total_row, 2, f"=IFERROR({cell_ref(total_row, 1, absolute=False)}/{total_ref},0)",
            1 if total else 0, fmts.get(num_format="0%", align="center", bold=True, top=2,
                                        bottom=1, font_color=GREY))
    layout.overall = TableRange(OVERALL_HEADER_ROW, first, total_row,
                                [*fmts.labels(), NOT_REPORTED, TOTAL], 2)

    return total_row + 2


def _doughnut(ws, merged, fmts: Formats, table: ActionsTable, layout: DashboardLayout,
              row: int) -> int:
    """The charts' first row: a doughnut of the overall table, titled, every slice labelled
    with its count; the RAG trend goes beside it (see :func:`_trend`)."""
    total = _total(table)
    levels = fmts.levels
    first, nr_row, _ = overall_rows(levels)
    height = CHART_ROW_PX
    if not total:
        return row
    layout.pager.keep(row, height + ROW_PX)
    layout.charts_row = row
    wb = fmts.wb
    chart = wb.add_chart({"type": "doughnut"})
    points = [{"fill": {"color": fmts.level_fill(lv)},
               "border": {"color": "#FFFFFF", "width": 1.5}} for lv in levels]
    points.append({"fill": {"color": NOT_REPORTED_FILL},
                   "border": {"color": "#FFFFFF", "width": 1.5}})
    custom = [{"font": {"color": fmts.level_font(lv), "bold": True}} for lv in levels]
    custom.append({"font": {"color": "#000000", "bold": True}})
    chart.add_series({
        "name": "Actions by RAG",
        "categories": [DASHBOARD, first, 0, nr_row, 0],
        "values": [DASHBOARD, first, 1, nr_row, 1],
        "points": points,
        "data_labels": {"value": True, "num_format": "#,##0;-#,##0;;", "custom": custom},
    })
    chart.set_hole_size(50)
    chart.set_rotation(0)
    chart.set_title({"name": "Actions by RAG this month", "name_font": TITLE_FONT})
    chart.set_legend({"position": "right", "font": {"size": 9}})
    chart.set_chartarea({"border": {"none": True}})
    chart.set_size({"width": DOUGHNUT_PX, "height": height})
    ws.insert_chart(row, 0, chart, {"x_offset": 0, "y_offset": 2, "object_position": 1})
    return row + math.ceil(height / ROW_PX) + 1


# ------------------------------------------------------------- page 1: risks, returns, attention
SIDE_COL = 4          # E: the risk tiles and the submission status, beside the overall table
SIDE_LAST = NUMBER_COLUMNS  # I


def _side_heading(ws, fmts: Formats, row: int, text: str) -> None:
    put_text(ws, fmts, row, SIDE_COL, text, fmts.get(bold=True, font_size=13, font_color=NAVY))


def _tile_formats(fmts: Formats):
    label = fmts.get(bold=True, font_size=9, font_color="#FFFFFF", bg_color=NAVY,
                     align="center", valign="vcenter", text_wrap=True, border=1,
                     border_color="#FFFFFF")
    return label, lambda colour: fmts.get(bold=True, font_size=16, font_color=colour,
                                          bg_color=LIGHT_BLUE, align="center",
                                          valign="vcenter", border=1, border_color="#FFFFFF",
                                          num_format="#,##0")


def risk_tiles(merged, fmts: Formats) -> list[tuple[str, str, int, str]]:
    """(label, formula, value, colour) of the risk tiles: all risks, the top two bands by name
    (e.g. Extreme, High), above the appetite, worsened (score up) since last month."""
    from .risks import band_rows, risks_table, total_risks

    table = risks_table(merged, fmts)
    label = merged.programme.rag.label

    def ref(tidy: str) -> str:
        return table.column_ref(tidy)

    rags = [str(v).lower() for v in table.values("rag")]
    total, count = total_risks(table, ref)  # a RAID log's issues and assumptions are no risks
    tiles = [("Risks", total, count, NAVY)]
    for text, bands in list(reversed(band_rows(table, label)))[:2]:
        name = " / ".join(b.name for b in bands)
        tiles.append((name, f"=COUNTIF({ref('rag')},{countif_criteria(text)})",
                      rags.count(text.lower()), RED_TILE if not tiles[1:] else AMBER_RED_TILE))
    appetite = table.matrix.appetite
    if appetite is not None:
        scores = [v for v in table.values("score") if isinstance(v, int)]
        tiles.append((f"Above appetite ({appetite})", f'=COUNTIF({ref("score")},">{appetite}")',
                      sum(1 for v in scores if v > appetite), ERROR_FONT))
    moves = [str(v) for v in table.values("movement")]
    tiles.append(("Score up", f"=COUNTIF({ref('movement')},\"=Up\")",
                  moves.count("Up"), ERROR_FONT))
    return tiles[:SIDE_LAST - SIDE_COL + 1]


def _risk_tiles(ws, merged, fmts: Formats, layout: DashboardLayout) -> None:
    top = OVERALL_HEADING_ROW
    if merged.risks is None or merged.risks.empty:
        _side_heading(ws, fmts, top, "Risks")
        put_text(ws, fmts, top + 1, SIDE_COL, "No risk register was read this month.",
                 fmts.get(italic=True, font_color=GREY))
        return
    _side_heading(ws, fmts, top, "Risks")
    label_fmt, value_fmt = _tile_formats(fmts)
    for i, (name, text, value, colour) in enumerate(risk_tiles(merged, fmts)):
        c = SIDE_COL + i
        put_text(ws, fmts, top + 1, c, name, label_fmt)
        formula(ws, top + 2, c, text, value, value_fmt(colour))
        layout.headline[f"risk_{i}"] = cell_ref(top + 2, c, absolute=False)
        if i:
            ws.conditional_format(top + 2, c, top + 2, c, {
                "type": "cell", "criteria": "equal to", "value": 0,
                "format": fmts.get(font_color=MUTED)})


def submission_status(merged) -> tuple[list[str], list[str], list[str]]:
    """(returned, missing, failed): the SROs (or files) who sent a workbook that was read,
    the expected SROs with no workbook, the files that could not be read."""
    returned, failed = [], []
    for f in merged.files:
        name = f.sro or f.path
        if f.status in ("ok", "errors"):
            if name not in returned:
                returned.append(name)
        elif f.status == "failed":
            failed.append(f.path)
    missing = [str(i.value) for i in merged.issues if i.code == "missing-submission"]
    return returned, missing, failed


def _submission_status(ws, merged, fmts: Formats, layout: DashboardLayout) -> None:
    top = OVERALL_HEADING_ROW + 4
    returned, missing, failed = submission_status(merged)
    _side_heading(ws, fmts, top, "Submissions this month")
    label_fmt, value_fmt = _tile_formats(fmts)
    tiles = [("Returned", len(returned), GOOD), ("Missing", len(missing), ERROR_FONT),
             ("Failed to read", len(failed), ERROR_FONT)]
    for i, (name, n, colour) in enumerate(tiles):
        put_text(ws, fmts, top + 1, SIDE_COL + i, name, label_fmt)
        ws.write_number(top + 2, SIDE_COL + i, n, value_fmt(colour if n else MUTED))
    lines = []
    if missing:
        lines.append("Missing: " + ", ".join(missing) + ".")
    if failed:
        lines.append("Failed: " + ", ".join(failed) + " (see Submissions and Issues).")
    if not lines:
        lines.append("Every expected SRO sent a workbook and every file was read."
                     if returned else "No workbook was read this month.")
    text = " ".join(lines)
    fmt = fmts.get(text_wrap=True, valign="top", font_size=10,
                   font_color=ERROR_FONT if (missing or failed) else GREY, bold=bool(missing))
    ws.merge_range(top + 3, SIDE_COL, top + 5, SIDE_LAST, "", fmt)
    put_text(ws, fmts, top + 3, SIDE_COL, text, fmt)


GOOD = hex_colour("good_font")


def attention_rows(merged, fmts: Formats) -> list[tuple[str, str, str, str, str]]:
    """What needs the board's attention, most pressing first: (what, who, RAG, due or score,
    why) for every Red, Amber/Red, worsened or overdue action (as on the Exceptions sheet),
    then the risks of the top two bands, highest score first."""
    from .exceptions import exception_rows

    out = []
    if merged.actions is not None and not merged.actions.empty:
        sub_c, act_c, sro_c = (action_col(t) for t in ("sub_action", "action", "sro"))
        rag_c, due_c = action_col("rag"), action_col("due")
        for _, reason, row in exception_rows(merged, fmts):
            what = str(row[sub_c] or row[act_c] or "")
            due = row[due_c]
            due = due.strftime("%d %b %Y") if isinstance(due, dt.date) else str(due or "")
            out.append((what, short_labels([str(row[sro_c] or "")], people=True)[0],
                        str(row[rag_c] or ""), due, reason))
    if merged.risks is not None and not merged.risks.empty:
        from .risks import band_rows, risks_table

        table = risks_table(merged, fmts)
        groups = list(reversed(band_rows(table, merged.programme.rag.label)))[:2]
        top = {text.lower(): " / ".join(b.name for b in bands) for text, bands in groups}
        risks = [r for r in table.rows if str(r.get("rag", "")).lower() in top]
        risks.sort(key=lambda r: -(r.get("score") if isinstance(r.get("score"), int) else 0))
        for r in risks:
            what = f"Risk {r.get('ref') or r.get('key')}: {r.get('description') or ''}"
            score = r.get("score")
            move = r.get("movement") or ""
            why = f"{top[str(r.get('rag')).lower()]} risk, score {score}"
            if move and move != "Same":
                why += f" ({'up' if move == 'Up' else move.lower()} since last month)"
            out.append((what, short_labels([str(r.get("owner") or "")], people=True)[0],
                        str(r.get("rag") or ""), f"Score {score}", why))
    return out


def _attention(ws, merged, fmts: Formats, layout: DashboardLayout, row: int) -> int:
    rows = attention_rows(merged, fmts)
    pager = layout.pager
    layout.attention_row = row
    put_text(ws, fmts, row, 0, "Needs the board's attention",
             fmts.get(bold=True, font_size=13, font_color=NAVY))
    if not rows:
        put_text(ws, fmts, row + 1, 0, "Nothing: no Red, Amber/Red or worsened action, no "
                 "overdue milestone, no risk in the top bands.",
                 fmts.get(italic=True, font_color=GREY))
        return row + 3
    head = fmts.get(bold=True, font_color="#FFFFFF", bg_color=NAVY, border=1,
                    border_color=MID_GREY, valign="vcenter")
    hr = row + 1
    put_text(ws, fmts, hr, 0, "Action or risk", head)
    ws.merge_range(hr, 1, hr, 2, "", head)
    put_text(ws, fmts, hr, 1, "SRO / owner", head)
    put_text(ws, fmts, hr, 3, "RAG", head)
    put_text(ws, fmts, hr, 4, "Due / score", head)
    ws.merge_range(hr, 5, hr, NUMBER_COLUMNS, "", head)
    put_text(ws, fmts, hr, 5, "Why it is here", head)
    shown = rows[:ATTENTION_MAX]
    if len(rows) > ATTENTION_MAX:
        shown = rows[:ATTENTION_MAX - 1]
    cell = [fmts.get(text_wrap=True, valign="top", border=1, border_color=MID_GREY,
                     font_size=10, bg_color=bg) for bg in ("#FFFFFF", LIGHT_GREY)]
    why_fmt = [fmts.get(text_wrap=True, valign="top", border=1, border_color=MID_GREY,
                        font_size=10, bold=True, font_color=ERROR_FONT, bg_color=bg)
               for bg in ("#FFFFFF", LIGHT_GREY)]
    r = hr + 1
    for i, (what, who, rag, due, why) in enumerate(shown):
        band = i % 2
        what = what if len(what) <= 88 else what[:87].rstrip() + "\u2026"
        put_text(ws, fmts, r, 0, what, cell[band])
        ws.merge_range(r, 1, r, 2, "", cell[band])
        put_text(ws, fmts, r, 1, who, cell[band])
        level = {fmts.label(lv).lower(): lv for lv in fmts.levels}.get(rag.lower())
        rag_fmt = fmts.rag_static(level, text_wrap=True, valign="top", border=1,
                                  border_color=MID_GREY, font_size=10, align="center") \
            if level in fmts.levels else fmts.get(text_wrap=True, valign="top", border=1,
                                                   border_color=MID_GREY, font_size=10,
                                                   align="center", bg_color=_risk_fill(rag))
        put_text(ws, fmts, r, 3, rag, rag_fmt)
        put_text(ws, fmts, r, 4, due, cell[band])
        ws.merge_range(r, 5, r, NUMBER_COLUMNS, "", why_fmt[band])
        put_text(ws, fmts, r, 5, why, why_fmt[band])
        lines = max(text_lines_of(what, NAME_WIDTH), text_lines_of(why, NUMBER_WIDTH * 4),
                    text_lines_of(who, NUMBER_WIDTH * 2))
        pager.set_row(r, 13 * min(lines, 3) + 1)
        r += 1
    if len(shown) < len(rows):
        put_text(ws, fmts, r, 0, f"... and {len(rows) - len(shown)} more: see the Exceptions "
                 "and Risks sheets.", fmts.get(italic=True, font_color=GREY))
        r += 1
    return r + 1


def _risk_fill(rag: str) -> str:
    """A risk's RAG fill when its label is not on the action scale."""
    level = {lv.lower(): lv for lv in (RED, AMBER, AMBER_GREEN, GREEN)}.get(rag.lower())
    return hex_colour("white") if level is None else "#" + LEVEL_FILL[level]


def text_lines_of(text: str, width: float) -> int:
    """Lines ``text`` takes wrapped in a column ``width`` characters wide (10 pt text)."""
    return max(1, text_lines(text, width * 1.2)) if text else 1


def _px(width_chars: float) -> int:
    """Column width in characters -> pixels, as Excel draws it at 100%."""
    return int(width_chars * 7 + 0.5) + 5


def _breakdown(ws, fmts: Formats, table: ActionsTable, layout: DashboardLayout, row: int,
               tidy: str, title: str, heading: str, blank_label: str) -> int:
    values = table.values(tidy)
    if not values:
        return row
    groups: dict[str, str] = {}  # lower-case key -> first spelling seen
    members: dict[str, list[int]] = {}
    for j, (k, v) in enumerate(zip(table.keys(tidy), values)):
        if k not in groups:
            groups[k] = "" if v is None else str(v)
            members[k] = []
        members[k].append(j)
    rag_keys = table.keys("rag")
    levels = fmts.levels
    labels = fmts.labels()
    col_rng = table.ref(tidy)
    rag_rng = table.ref("rag")
    pager = layout.pager
    names = short_labels([text or blank_label for text in groups.values()],
                         people=(tidy == "sro"))
    name_heights = [row_height([(name, NAME_WIDTH)], line_pt=14, max_lines=3)
                    for name in names]
    table_px = 20 + 40 + sum((h * 4 / 3) if h else ROW_PX for h in name_heights)
    chart_height = max(190, 100 + 32 * len(groups))
    pager.keep(row, table_px + 2 * ROW_PX + chart_height)

    put_text(ws, fmts, row, 0, heading, fmts.get(bold=True, font_size=13, font_color=NAVY))
    header_row = row + 1
    head = fmts.get(bold=True, font_color="#FFFFFF", bg_color=NAVY, border=1,
                    border_color=MID_GREY, valign="vcenter")
    put_text(ws, fmts, header_row, 0, title, head)
    for i, level in enumerate(levels):
        put_text(ws, fmts, header_row, 1 + i, labels[i],
                 fmts.rag_static(level, bold=True, align="center", valign="vcenter",
                                 text_wrap=True, border=1, border_color="#FFFFFF"))
    nr_col = 1 + len(levels)
    total_col = nr_col + 1
    put_text(ws, fmts, header_row, nr_col, NOT_REPORTED,
             fmts.get(bold=True, bg_color=NOT_REPORTED_FILL, align="center", valign="vcenter",
                      text_wrap=True, border=1, border_color="#FFFFFF"))
    put_text(ws, fmts, header_row, total_col, TOTAL,
             fmts.get(bold=True, font_color="#FFFFFF", bg_color=NAVY, align="center",
                      valign="vcenter", border=1, border_color=MID_GREY))
    pager.set_row(header_row, 30)

    name_fmt = [fmts.get(text_wrap=True, valign="vcenter", border=1, border_color=MID_GREY,
                         bg_color=bg) for bg in ("#FFFFFF", LIGHT_GREY)]
    num_fmt = [fmts.get(num_format="#,##0;-#,##0;\"\"", align="center", valign="vcenter",
                        border=1, border_color=MID_GREY, bg_color=bg)
               for bg in ("#FFFFFF", LIGHT_GREY)]
    tot_fmt = [fmts.get(num_format="#,##0", align="center", valign="vcenter", bold=True,
                        border=1, border_color=MID_GREY, bg_color=bg)
               for bg in ("#FFFFFF", LIGHT_GREY)]
    first = header_row + 1
    shown = []
    for i, (k, text) in enumerate(groups.items()):
        r = first + i
        band = i % 2
        shown.append(names[i])
        put_text(ws, fmts, r, 0, names[i], name_fmt[band])
        if name_heights[i]:
            pager.set_row(r, name_heights[i])
        # The exact text the formulas match sits in the hidden column K.
        put_text(ws, fmts, r, FULL_TEXT_COL, text)
        match = f"({col_rng}={cell_ref(r, FULL_TEXT_COL)})" if k else f"({col_rng}=\"\")"
        in_group = members[k]
        n_total = len(in_group)
        tally = Counter(rag_keys[j] for j in in_group)
        n_levels = 0
        for li, level in enumerate(levels):
            n = tally.get(labels[li].lower(), 0)
            n_levels += n
            hdr = f"{col_letter(1 + li)}${header_row + 1}"
            formula(ws, r, 1 + li, f"=SUMPRODUCT({match}*({rag_rng}={hdr}))", n, num_fmt[band])
        formula(ws, r, total_col, f"=SUMPRODUCT(--{match})", n_total, tot_fmt[band])
        formula(ws, r, nr_col,
                f"={cell_ref(r, total_col, absolute=False)}"
                f"-SUM({cell_ref(r, 1, absolute=False)}:{cell_ref(r, nr_col - 1, absolute=False)})",
                n_total - n_levels, num_fmt[band])
    last = first + len(groups) - 1
    rng = TableRange(header_row, first, last, shown, total_col)
    setattr(layout, "by_theme" if tidy == "theme" else "by_sro", rng)

    # A stacked bar chart under the table: one bar per theme/SRO, one colour per level.
    wb = fmts.wb
    chart = wb.add_chart({"type": "bar", "subtype": "stacked"})
    series_cols = [(1 + i, lv) for i, lv in enumerate(levels)] + [(nr_col, None)]
    for c, level in series_cols:
        fill = fmts.level_fill(level) if level else NOT_REPORTED_FILL
        font = fmts.level_font(level) if level else "#000000"
        chart.add_series({
            "name": [DASHBOARD, header_row, c],
            "categories": [DASHBOARD, first, 0, last, 0],
            "values": [DASHBOARD, first, c, last, c],
            "fill": {"color": fill},
            "border": {"color": "#FFFFFF", "width": 0.75},
            "gap": 40,
            "data_labels": {"value": True, "num_format": "#,##0;-#,##0;;",
                            "font": {"color": font, "size": 9}},
        })
    chart.set_title({"name": f"{heading}", "name_font": TITLE_FONT})
    chart.set_y_axis({"reverse": True, "crossing": "max", "num_font": {"size": 9},
                      "line": {"none": True}})
    largest = max((len(m) for m in members.values()), default=1)
    chart.set_x_axis({"major_gridlines": {"visible": True, "line": {"color": MID_GREY}},
                      "num_font": {"size": 9}, "line": {"none": True}, **count_axis(largest)})
    chart.set_legend({"position": "bottom", "font": {"size": 9}})
    chart.set_chartarea({"border": {"none": True}})
    height = chart_height
    width = _px(NAME_WIDTH) + _px(NUMBER_WIDTH) * NUMBER_COLUMNS
    chart.set_size({"width": width, "height": height})
    chart_row = last + 2
    pager.keep(chart_row, height)
    ws.insert_chart(chart_row, 0, chart, {"x_offset": 0, "y_offset": 0, "object_position": 1})
    return chart_row + math.ceil(height / ROW_PX) + 2


def _trend(wb, ws, merged, fmts: Formats, layout: DashboardLayout, row: int) -> int:
    hist = merged.history
    if hist is None or len(hist) < 2:
        return row
    n = len(hist)
    height = CHART_ROW_PX
    chart = wb.add_chart({"type": "column", "subtype": "stacked"})
    levels = fmts.levels
    for i, level in enumerate([*levels, None]):
        c = 1 + i
        chart.add_series({
            "name": [HISTORY, 0, c],
            "categories": [HISTORY, 1, 0, n, 0],
            "values": [HISTORY, 1, c, n, c],
            "fill": {"color": fmts.level_fill(level) if level else NOT_REPORTED_FILL},
            "border": {"color": "#FFFFFF", "width": 0.75},
            "gap": 60,
            # a single Red among 60 actions is a sliver: its count says it is there
            "data_labels": {"value": True, "num_format": "#,##0;-#,##0;;",
                            "font": {"size": 9, "bold": True,
                                     "color": fmts.level_font(level) if level else "#000000"}},
        })
    chart.set_title({"name": f"RAG trend by month (from the {HISTORY} sheet)",
                     "name_font": TITLE_FONT})
    totals = [int(v) for v in hist["Total"].tolist()] if "Total" in hist.columns else [1]
    chart.set_y_axis({"major_gridlines": {"visible": True, "line": {"color": MID_GREY}},
                      "num_font": {"size": 9}, "line": {"none": True},
                      **count_axis(max(totals, default=1)),
                      "name": "Actions", "name_font": {"size": 9, "bold": False}})
    chart.set_x_axis({"num_font": {"size": 9}})
    chart.set_legend({"position": "bottom", "font": {"size": 9}})
    chart.set_chartarea({"border": {"none": True}})
    width = _px(NAME_WIDTH) + _px(NUMBER_WIDTH) * NUMBER_COLUMNS - DOUGHNUT_PX - 10
    chart.set_size({"width": width, "height": height})
    at_row = layout.charts_row if layout.charts_row is not None else row
    if layout.charts_row is None:
        layout.pager.keep(row, height)
    ws.insert_chart(at_row, 0, chart, {"x_offset": DOUGHNUT_PX + 10, "y_offset": 2,
                                        "object_position": 1})
    layout.trend_row = at_row
    row = row if layout.charts_row is not None else row + math.ceil(height / ROW_PX) + 1
    return _trend_table(ws, merged, fmts, layout, row)


def _trend_table(ws, merged, fmts: Formats, layout: DashboardLayout, row: int) -> int:
    """The trend's counts as a table (the latest six months): a single Red among sixty
    actions is a sliver on a stacked column, but a number here."""
    hist = merged.history
    n = len(hist)
    months = list(range(max(0, n - 6), n))
    layout.pager.keep(row, (len(months) + 2) * ROW_PX)
    put_text(ws, fmts, row, 0, "RAG by month (the trend's figures)",
             fmts.get(bold=True, font_size=11, font_color=NAVY))
    head = fmts.get(bold=True, font_color="#FFFFFF", bg_color=NAVY, border=1,
                    border_color=MID_GREY, align="center", font_size=10)
    levels = [*fmts.levels, None, "total"]
    put_text(ws, fmts, row + 1, 0, "Month", head)
    for i, level in enumerate(levels):
        text = TOTAL if level == "total" else (fmts.label(level) if level else NOT_REPORTED)
        fmt = head if level in (None, "total") else fmts.rag_static(
            level, bold=True, align="center", border=1, border_color="#FFFFFF", font_size=10)
        put_text(ws, fmts, row + 1, 1 + i, text, fmt)
    num = fmts.get(num_format="#,##0;-#,##0;\"-\"", align="center", border=1,
                   border_color=MID_GREY, font_size=10)
    cols = list(hist.columns)
    for j, m in enumerate(months):
        r = row + 2 + j
        formula(ws, r, 0, f"={HISTORY}!$A${m + 2}", str(hist.iloc[m, 0]),
                fmts.get(border=1, border_color=MID_GREY, font_size=10, align="left"))
        for i in range(len(levels)):
            value = hist.iloc[m, 1 + i] if 1 + i < len(cols) else 0
            formula(ws, r, 1 + i, f"={HISTORY}!{cell_ref(m + 1, 1 + i)}",
                    int(value) if value == value else 0, num)
    return row + 2 + len(months) + 1
