"""The colours of xlplan's outputs as data: one table for the consolidated workbook, the
SROs' templates, annotated copies and the board pack.

The RAG levels' own colours are :data:`xlplan.schema.rag.LEVEL_FILL` and ``LEVEL_FONT`` (a
level looks the same on every sheet, for actions and risks alike); everything else -- headings,
table headers, banners, greys, the severity of an issue -- is here, by what it marks.

Colours are ``RRGGBB`` (the form openpyxl and fpdf take, and the form the readers compare
against); :func:`hex_colour` gives xlsxwriter's ``#RRGGBB``.
"""
from __future__ import annotations

#: Every colour by its role. The programme board's pack: dark blue headings, light greys.
PALETTE: dict[str, str] = {
    "navy": "1F3864",            # headings, summary table headers, theme banners
    "blue": "2F5597",            # second headings, new items, information
    "light_blue": "DDEBF7",      # aim banners, information fill
    "header_fill": "4472C4",     # header of an Excel table (Table Style Medium 2's blue)
    "grey": "7F7F7F",            # notes, read-only column headers
    "light_grey": "F2F2F2",      # banded rows, locked key cells
    "mid_grey": "D9D9D9",        # cell borders of summary tables
    "axis_fill": "D9E1F2",       # the heat map's likelihood and impact axes
    "border": "BFBFBF",          # cell borders of templates
    "not_reported": "BFBFBF",    # a row with no RAG this month
    "muted": "A6A6A6",           # zero counts
    "white": "FFFFFF",
    "black": "000000",
    "error_fill": "FFC7CE",      # Excel's "Bad"
    "error_font": "9C0006",
    "error_outline": "C00000",
    "warning_fill": "FFEB9C",    # Excel's "Neutral"
    "warning_font": "7F6000",
    "warning_outline": "ED7D31",
    "warning_count": "9C5700",
    "info_fill": "DDEBF7",
    "info_font": "1F3864",
    "good_font": "006100",       # Excel's "Good"
    "red_tile": "C00000",        # dashboard tiles: Red, then Amber/Red
    "amber_red_tile": "C55A11",
    "fill_in_head": "375623",    # template: header of a column the SRO fills in
    "reference_fill": "E7E6E6",  # template: last month's values, read-only
    "reference_font": "595959",
}


def hex_colour(name: str) -> str:
    """The colour named ``name`` in :data:`PALETTE` as xlsxwriter takes it (``#RRGGBB``)."""
    return "#" + PALETTE[name]


def font_on(fill: str) -> str:
    """Black or white text (``RRGGBB``), whichever reads better on the fill ``fill``
    (``RRGGBB`` or ``#RRGGBB``; none is white): a band or level colour a programme chose."""
    h = (fill or "FFFFFF").lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return PALETTE["black"] if (0.299 * r + 0.587 * g + 0.114 * b) > 150 else PALETTE["white"]
