"""The Heatmap sheet, and the risk figures of the Dashboard.

**Heatmap**: the likelihood x impact grid finance reads risks from -- impact across, likelihood
down with the highest likelihood at the top (the usual way a risk matrix is drawn), each cell
``=COUNTIFS(Risks[Likelihood],<likelihood>,Risks[Impact],<impact>)`` over the Risks table with
the count it computes cached, so the grid follows any likelihood or impact changed on the Risks
sheet. Each cell is filled with the colour of its band (likelihood x impact, static: the grid
position decides the band, not the count). Row and column totals, a count of risks that are not
on the grid (no likelihood or impact, or one outside the scale), and a legend of the bands with
live counts by score range.

:func:`dashboard_risk_block` writes the Dashboard's risk summary at a given place: counts by
RAG band (live ``COUNTIF`` over the Risks RAG column), the count above the programme's risk
appetite, the total, and a column chart of risks by band.
"""
from __future__ import annotations

import math

from ..consolidated import HEATMAP
from ..schema.palette import hex_colour
from ..schema.risk import Band
from ..layout import print_setup
from .charts import count_axis
from .formats import ERROR_FONT, GREY, LIGHT_GREY, MID_GREY, NAVY, Formats, excel_string, \
    formula, put, put_text
from .risks import RisksTable, band_ranges, band_rows, font_on, risks_table, total_risks

__all__ = ["write_heatmap", "dashboard_risk_block", "GRID_TOP", "GRID_LEFT", "grid_cell"]

#: 0-based row of the impact axis values (the grid starts on the row below).
GRID_TOP = 4
#: 0-based column of the likelihood axis values (the grid starts on the column to the right).
GRID_LEFT = 1
CELL_WIDTH = 11
CELL_HEIGHT = 36  # points: the grid cells look square-ish


def grid_cell(table: RisksTable, likelihood: int, impact: int) -> tuple[int, int]:
    """0-based (row, column) of a grid cell on the Heatmap sheet."""
    (_, l_hi), (i_lo, _) = table.matrix.likelihood, table.matrix.impact
    return GRID_TOP + 1 + (l_hi - likelihood), GRID_LEFT + 1 + (impact - i_lo)


def _ref(table: RisksTable, tidy: str) -> str:
    """The Risks column as a structured reference (``Risks[Likelihood]``): it follows the
    table when rows are added to it in Excel."""
    return table.column_ref(tidy)


def _count_grid(table: RisksTable, likelihood: int, impact: int) -> int:
    return sum(1 for row in table.rows
               if row.get("likelihood") == likelihood and row.get("impact") == impact)


def _count_scores(table: RisksTable, low: int, high: int) -> int:
    return sum(1 for row in table.rows
               if isinstance(row.get("score"), int) and low <= row["score"] <= high)


def _count_text(values: list, text: str) -> int:
    return sum(1 for v in values if isinstance(v, str) and v.lower() == text.lower())


def _criteria(text: str) -> str:
    """COUNTIF criteria matching exactly ``text`` (wildcards escaped, '=' first)."""
    esc = text.replace("~", "~~").replace("*", "~*").replace("?", "~?")
    return excel_string("=" + esc)


def _band_format(fmts: Formats, band: Band | None, **extra):
    if band is None:
        return fmts.get(bg_color="#FFFFFF", border=1, border_color=MID_GREY, **extra)
    colour = "#" + band.colour
    return fmts.get(bg_color=colour, font_color=font_on(colour), border=1,
                    border_color="#FFFFFF", **extra)


# ------------------------------------------------------------------------------ the sheet
def _grid(ws, fmts: Formats, table: RisksTable) -> tuple[int, int]:
    """The grid, its axes and totals; returns the 0-based (last row, last column) used."""
    (l_lo, l_hi), (i_lo, i_hi) = table.matrix.likelihood, table.matrix.impact
    lik_rng, imp_rng = _ref(table, "likelihood"), _ref(table, "impact")
    axis = fmts.get(bold=True, align="center", valign="vcenter", bg_color=hex_colour("axis_fill"), border=1,
                    border_color=MID_GREY)
    title = fmts.get(bold=True, align="center", valign="vcenter", font_color="#FFFFFF",
                     bg_color=NAVY)
    first_col, last_col = GRID_LEFT + 1, GRID_LEFT + 1 + (i_hi - i_lo)
    first_row, last_row = GRID_TOP + 1, GRID_TOP + 1 + (l_hi - l_lo)
    ws.merge_range(GRID_TOP - 1, first_col, GRID_TOP - 1, last_col, "Impact", title)
    ws.merge_range(first_row, 0, last_row, 0, "Likelihood",
                   fmts.get(bold=True, align="center", valign="vcenter", rotation=90,
                            font_color="#FFFFFF", bg_color=NAVY))
    put_text(ws, fmts, GRID_TOP, GRID_LEFT, "L \\ I", axis)
    for impact in range(i_lo, i_hi + 1):
        put(ws, fmts, GRID_TOP, GRID_LEFT + 1 + impact - i_lo, impact, axis)
    totals_col, totals_row = last_col + 1, last_row + 1
    total_fmt = fmts.get(bold=True, align="center", valign="vcenter", border=1,
                         border_color=MID_GREY, bg_color=LIGHT_GREY)
    put_text(ws, fmts, GRID_TOP, totals_col, "Total", axis)
    put_text(ws, fmts, totals_row, GRID_LEFT, "Total", axis)
    for likelihood in range(l_hi, l_lo - 1, -1):
        r, _ = grid_cell(table, likelihood, i_lo)
        ws.set_row(r, CELL_HEIGHT)
        put(ws, fmts, r, GRID_LEFT, likelihood, axis)
        row_total = 0
        for impact in range(i_lo, i_hi + 1):
            _, c = grid_cell(table, likelihood, impact)
            n = _count_grid(table, likelihood, impact)
            row_total += n
            band = table.matrix.band_for(likelihood * impact)
            formula(ws, r, c, f"=COUNTIFS({lik_rng},{likelihood},{imp_rng},{impact})", n,
                    _band_format(fmts, band, bold=True, font_size=14, align="center",
                                 valign="vcenter", num_format='#,##0;-#,##0;""'))
        formula(ws, r, totals_col, f"=SUM({_a1(r, first_col)}:{_a1(r, last_col)})", row_total,
                total_fmt)
    for c in range(first_col, totals_col + 1):
        n = sum(_count_grid(table, lk, c - first_col + i_lo) for lk in range(l_lo, l_hi + 1)) \
            if c < totals_col else sum(_count_grid(table, lk, im) for lk in range(l_lo, l_hi + 1)
                                       for im in range(i_lo, i_hi + 1))
        formula(ws, totals_row, c, f"=SUM({_a1(first_row, c)}:{_a1(last_row, c)})", n,
                total_fmt)
    return totals_row, totals_col


def _a1(row: int, col: int) -> str:
    from ..issues import col_letter

    return f"{col_letter(col)}{row + 1}"


def _off_grid(ws, fmts: Formats, table: RisksTable, row: int, col: int,
              grid_total_cell: str) -> None:
    """How many risks the grid cannot show (all risks less the grid's total), live."""
    on_grid = sum(1 for r in table.rows if _on_grid(table, r))
    total = sum(1 for r in table.rows if r.get("key", "") != "")
    put_text(ws, fmts, row, 0, "Risks not on the grid (no likelihood or impact, or one outside "
             "the scale; see the Issues sheet):", fmts.get(italic=True, font_color=GREY))
    formula(ws, row, col, f"=COUNTA({_ref(table, 'key')})-{grid_total_cell}", total - on_grid,
            fmts.get(bold=True, align="center"))


def _on_grid(table: RisksTable, row: dict) -> bool:
    (l_lo, l_hi), (i_lo, i_hi) = table.matrix.likelihood, table.matrix.impact
    lik, imp = row.get("likelihood"), row.get("impact")
    return isinstance(lik, int) and isinstance(imp, int) and l_lo <= lik <= l_hi \
        and i_lo <= imp <= i_hi


def _legend(ws, fmts: Formats, table: RisksTable, row: int, label) -> int:
    """Bands: name, scores, RAG, live count of risks by score range. Returns the next row."""
    head = fmts.get(bold=True, font_color="#FFFFFF", bg_color=NAVY, border=1,
                    border_color=MID_GREY, align="center")
    put_text(ws, fmts, row, 0, "Bands of the risk matrix", fmts.get(bold=True, font_size=12,
                                                                    font_color=NAVY))
    for c, text in enumerate(("Band", "Scores", "RAG", "Risks")):
        put_text(ws, fmts, row + 1, c, text, head)
    score_rng = _ref(table, "score")
    plain = fmts.get(align="center", border=1, border_color=MID_GREY)
    r = row + 2
    for band, low, high in band_ranges(table.matrix):
        put_text(ws, fmts, r, 0, band.name, _band_format(fmts, band, bold=True))
        put_text(ws, fmts, r, 1, f"{band.low}-{band.high}" if band.low != band.high
                 else str(band.low), plain)
        put_text(ws, fmts, r, 2, label(band.rag), plain)
        formula(ws, r, 3, f'=COUNTIFS({score_rng},">={low}",{score_rng},"<={high}")',
                _count_scores(table, low, high), plain)
        r += 1
    return r


def write_heatmap(wb, merged, fmts: Formats):
    """Add the Heatmap sheet (see the module docstring); returns the worksheet."""
    ws = wb.add_worksheet(HEATMAP)
    table = risks_table(merged, fmts)
    label = merged.programme.rag.label
    ws.hide_gridlines(2)
    i_lo, i_hi = table.matrix.impact
    ws.set_column(0, 0, 14)
    ws.set_column(GRID_LEFT, GRID_LEFT, 10)
    ws.set_column(GRID_LEFT + 1, GRID_LEFT + 2 + (i_hi - i_lo), CELL_WIDTH)
    put_text(ws, fmts, 0, 0, f"Risk heat map - {merged.period}",
             fmts.get(bold=True, font_size=16, font_color=NAVY))
    note = fmts.get(italic=True, font_color=GREY)
    put_text(ws, fmts, 1, 0, "Number of risks at each likelihood and impact, coloured by the "
             "band of likelihood x impact.", note)
    put_text(ws, fmts, 2, 0, "The counts are formulas over the Risks sheet: change a likelihood "
             "or impact there and the grid follows.", note)
    last_row, last_col = _grid(ws, fmts, table)
    _off_grid(ws, fmts, table, last_row + 2, last_col, _a1(last_row, last_col))
    legend_end = _legend(ws, fmts, table, last_row + 4, label)
    print_setup(ws, f"{merged.programme.name} - Risk heat map {merged.period}",
                repeat_rows=None, programme=merged.programme.name,
                period=str(merged.period))
    ws.print_area(0, 0, max(legend_end, last_row + 2), max(last_col, 7))
    return ws


# ------------------------------------------------------------------------------ dashboard
def dashboard_risk_block(wb, ws, merged, fmts: Formats, row: int, col: int) -> int:
    """Risk figures and a chart on the Dashboard at 0-based (row, col); returns the rows used
    (0 when there are no risks: formulas must not point at a Risks sheet that is not there)."""
    if merged.risks is None or merged.risks.empty:
        return 0
    table = risks_table(merged, fmts)
    label = merged.programme.rag.label
    groups = band_rows(table, label)
    chart_height = max(200, 60 + 28 * len(groups))
    layout = getattr(fmts, "dashboard", None)
    pager = getattr(layout, "pager", None)
    if pager is not None:
        pager.keep(row, 3 * 20 + chart_height)
    put_text(ws, fmts, row, col, "Risks by band", fmts.get(bold=True, font_size=13,
                                                            font_color=NAVY))
    put_text(ws, fmts, row + 1, col, "From the Risks sheet: the counts are formulas over its "
             "RAG and Score columns.", fmts.get(italic=True, font_color=GREY))
    head = fmts.get(bold=True, font_color="#FFFFFF", bg_color=NAVY, border=1,
                    border_color=MID_GREY)
    num = fmts.get(num_format="#,##0", align="center", border=1, border_color=MID_GREY)
    put_text(ws, fmts, row + 2, col, "Band (RAG)", head)
    put_text(ws, fmts, row + 2, col + 1, "Risks", fmts.get(bold=True, font_color="#FFFFFF",
                                                           bg_color=NAVY, border=1,
                                                           border_color=MID_GREY,
                                                           align="center"))
    rag_rng, rags = _ref(table, "rag"), table.values("rag")
    first = row + 3
    for i, (text, bands) in enumerate(groups):
        names = " / ".join(b.name for b in bands)
        put_text(ws, fmts, first + i, col, f"{names} ({text})",
                 _band_format(fmts, bands[0], bold=True))
        formula(ws, first + i, col + 1, f"=COUNTIF({rag_rng},{_criteria(text)})",
                _count_text(rags, text), num)
    r = first + len(groups)
    appetite = table.matrix.appetite
    scores = [s for s in table.values("score") if isinstance(s, int)]
    if appetite is not None:
        put_text(ws, fmts, r, col, f"Above appetite (score over {appetite})",
                 fmts.get(bold=True, border=1, border_color=MID_GREY, font_color=ERROR_FONT))
        formula(ws, r, col + 1, f'=COUNTIF({_ref(table, "score")},">{appetite}")',
                sum(1 for s in scores if s > appetite), num)
    else:
        put_text(ws, fmts, r, col, "Above appetite: no risk appetite is set for the programme",
                 fmts.get(italic=True, font_color=GREY, border=1, border_color=MID_GREY))
    r += 1
    put_text(ws, fmts, r, col, "Total risks", fmts.get(bold=True, top=2, bottom=1))
    # A RAID log's issues and assumptions are not risks.
    total, value = total_risks(table, lambda tidy: _ref(table, tidy))
    formula(ws, r, col + 1, total, value,
            fmts.get(num_format="#,##0", align="center", bold=True, top=2, bottom=1))

    chart = wb.add_chart({"type": "column"})
    sheet = ws.get_name()
    chart.add_series({
        "name": "Risks by band",
        "categories": [sheet, first, col, first + len(groups) - 1, col],
        "values": [sheet, first, col + 1, first + len(groups) - 1, col + 1],
        "points": [{"fill": {"color": "#" + bands[0].colour},
                    "border": {"color": "#FFFFFF"}} for _, bands in groups],
        "data_labels": {"value": True, "num_format": "#,##0;-#,##0;;"},
        "gap": 60,
    })
    chart.set_title({"name": "Risks by band", "name_font": {"size": 12, "bold": True,
                                                            "color": NAVY}})
    chart.set_legend({"none": True})
    largest = max([_count_text(rags, text) for text, _ in groups] or [1])
    chart.set_y_axis({"major_gridlines": {"visible": True, "line": {"color": MID_GREY}},
                      "num_font": {"size": 9}, "line": {"none": True}, **count_axis(largest)})
    chart.set_x_axis({"num_font": {"size": 9}})
    chart.set_chartarea({"border": {"none": True}})
    chart.set_size({"width": 480, "height": chart_height})
    ws.insert_chart(row + 2, col + 3, chart, {"x_offset": 8, "object_position": 1})
    used_by_table = r - row + 1
    return max(used_by_table, 2 + math.ceil(chart_height / 20)) + 1
