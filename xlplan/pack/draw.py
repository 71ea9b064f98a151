"""Draw the board pack: the board's pages of a consolidated workbook as one A4 landscape PDF.

Pages, in order: the Dashboard (page 1: headline tiles for actions and risks, submission
status, errors and warnings, what needs the board's attention), its charts (matplotlib: each
titled, counts on whole-number axes, every bar labelled with its count), then Exceptions,
Changes, Risks, the risk heat map and the Scorecard. The pages are drawn with fpdf2 in DejaVu
Sans (shipped with matplotlib: every character a workbook may hold, on any machine), no text
smaller than :data:`MIN_PT`, with the same header (title, section) and footer (programme and
period, page x of y) on every page. No LibreOffice or Excel is involved.
"""
from __future__ import annotations

import io
import os
from pathlib import Path

from ..schema.palette import PALETTE, font_on
from .read import Board, Cell, Table

__all__ = ["draw_pack", "MIN_PT"]

#: The smallest text in the pack (points).
MIN_PT = 8
TEXT_PT = 8.5
# The workbook's palette (xlplan.schema.palette), so the pack looks like the workbook.
NAVY, BLUE, GREY = PALETTE["navy"], PALETTE["blue"], PALETTE["grey"]
LIGHT_BLUE, LIGHT_GREY = PALETTE["light_blue"], PALETTE["light_grey"]
HEADER_FILL, NOT_REPORTED_FILL = PALETTE["header_fill"], PALETTE["not_reported"]
RED_FONT, RED_TILE = PALETTE["error_font"], PALETTE["red_tile"]
#: Text cut to this many characters per millimetre of column width (about 18 lines at 8.5 pt):
#: a table row must fit on a page; the workbook holds the whole text.
CHARS_PER_MM = 9.0
PAGE_W, PAGE_H, MARGIN = 297.0, 210.0, 10.0


def rgb(hex6: str) -> tuple[int, int, int]:
    h = (hex6 or "FFFFFF").lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _fonts_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _new_pdf(board: Board):
    from fpdf import FPDF

    class Pack(FPDF):
        section = ""

        def header(self):
            self.set_font("DejaVu", "B", 9)
            self.set_text_color(*rgb(NAVY))
            self.set_xy(MARGIN, 5)
            title = f"{board.programme} - {self.section} {board.period}".strip()
            self.cell(PAGE_W - 2 * MARGIN - 40, 5, _fit(self, title, PAGE_W - 2 * MARGIN - 40))
            self.set_font("DejaVu", "", 9)
            self.set_text_color(*rgb(GREY))
            self.cell(40, 5, self.section, align="R")
            self.set_draw_color(*rgb(PALETTE["mid_grey"]))
            self.line(MARGIN, 10.5, PAGE_W - MARGIN, 10.5)
            self.set_xy(MARGIN, 13)

        def footer(self):
            self.set_y(-9)
            self.set_font("DejaVu", "", 8)
            self.set_text_color(*rgb(GREY))
            left = " - ".join(p for p in (board.programme, board.period) if p)
            self.cell(PAGE_W - 2 * MARGIN - 40, 5, _fit(self, left, PAGE_W - 2 * MARGIN - 40))
            self.cell(40, 5, f"Page {self.page_no()} of {{nb}}", align="R")

    pdf = Pack(orientation="L", unit="mm", format="A4")
    fonts = _fonts_dir()
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.add_font("DejaVu", "I", str(fonts / "DejaVuSans-Oblique.ttf"))
    pdf.add_font("DejaVu", "BI", str(fonts / "DejaVuSans-BoldOblique.ttf"))
    pdf.set_margins(MARGIN, 13, MARGIN)
    pdf.set_auto_page_break(True, margin=12)
    pdf.set_title(f"{board.programme} - board pack {board.period}")
    pdf.set_author("xlplan")
    pdf.set_creator("xlplan")
    pdf.set_creation_date(_period_start(board.period))  # the same pack for the same month
    pdf.alias_nb_pages()
    return pdf


def _period_start(period: str):
    import datetime as dt

    try:
        return dt.datetime.strptime(period, "%Y-%m").replace(tzinfo=dt.timezone.utc)
    except ValueError:
        return dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)


def _fit(pdf, text: str, width: float) -> str:
    """``text`` cut with an ellipsis to fit ``width`` mm in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "\u2026") > width:
        text = text[:-1]
    return text.rstrip() + "\u2026"


def _clip(text: str, width_mm: float) -> str:
    limit = max(40, int(width_mm * CHARS_PER_MM))
    text = " ".join(str(text).replace("\r", "").split()) if "\n" not in str(text) else \
        "\n".join(" ".join(line.split()) for line in str(text).splitlines() if line.strip())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _section(pdf, name: str, title: str, note: str = "") -> None:
    pdf.section = name
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.set_text_color(*rgb(NAVY))
    pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    if note:
        pdf.set_font("DejaVu", "I", 9)
        pdf.set_text_color(*rgb(GREY))
        pdf.multi_cell(0, 4.5, note, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(1.5)


# ------------------------------------------------------------------------------ tables
def _table(pdf, table: Table, widths: list[float], *, size: float = TEXT_PT,
           centred: set[int] = frozenset(), fills: bool = True,
           colours: dict[int, dict[str, str]] | None = None) -> None:
    """A table across the page, the header repeated on every page, cell fills as in the
    workbook (RAG colours), text cut to what a row can hold on one page."""
    from fpdf.fonts import FontFace

    if not table.header:
        return
    n = len(table.header)
    widths = list(widths[:n]) + [widths[-1]] * (n - len(widths))
    total = sum(widths)
    usable = PAGE_W - 2 * MARGIN
    scale = usable / total
    widths = [w * scale for w in widths]
    pdf.set_font("DejaVu", "", size)
    heading = FontFace(emphasis="BOLD", color=rgb("FFFFFF"), fill_color=rgb(HEADER_FILL),
                       size_pt=size)
    align = tuple("CENTER" if i in centred else "LEFT" for i in range(n))
    with pdf.table(col_widths=widths, width=usable, text_align=align, headings_style=heading,
                   line_height=size * 0.45, padding=(0.8, 1, 0.8, 1),
                   borders_layout="SINGLE_TOP_LINE", cell_fill_mode="ROWS",
                   cell_fill_color=rgb(LIGHT_GREY), repeat_headings=1,
                   first_row_as_headings=True) as t:
        head = t.row()
        for c in table.header:
            head.cell(c.text)
        for row in table.rows:
            r = t.row()
            for i, c in enumerate(row[:n]):
                style = None
                by_text = (colours or {}).get(i, {}).get(c.text)
                if by_text:  # a RAG coloured by conditional formatting in the workbook
                    c = Cell(c.text, by_text, font_on(by_text), True, c.value)
                if fills and c.fill and c.fill not in ("FFFFFF", LIGHT_GREY):
                    style = FontFace(fill_color=rgb(c.fill), color=rgb(c.font or
                                                                        font_on(c.fill)),
                                     emphasis="BOLD" if c.bold else None, size_pt=size)
                elif c.bold or (c.font and c.font not in ("000000",)):
                    style = FontFace(emphasis="BOLD" if c.bold else None,
                                     color=rgb(c.font) if c.font else None, size_pt=size)
                r.cell(_clip(c.text, widths[i]), style=style)


# ------------------------------------------------------------------------------ page 1
def _tile(pdf, x: float, y: float, w: float, label: str, value: str, caption: str = "",
          colour: str = NAVY) -> None:
    pdf.set_fill_color(*rgb(NAVY))
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("DejaVu", "B", 8)
    pdf.set_xy(x, y)
    pdf.cell(w, 6, _fit(pdf, label, w - 1), align="C", fill=True)
    pdf.set_fill_color(*rgb(LIGHT_BLUE))
    grey = value in ("0", "0%", "")
    pdf.set_text_color(*rgb(PALETTE["muted"] if grey and colour != NAVY else colour))
    pdf.set_font("DejaVu", "B", 17)
    pdf.set_xy(x, y + 6)
    pdf.cell(w, 11, value, align="C", fill=True)
    if caption:
        pdf.set_font("DejaVu", "I", 8)
        pdf.set_text_color(*rgb(PALETTE["warning_count"] if "warning" in caption and not
                                caption.startswith("no") else GREY))
        pdf.set_xy(x, y + 17.3)
        pdf.cell(w, 4, _fit(pdf, caption, w), align="C")


TILE_COLOUR = {"Red": PALETTE["red_tile"], "Amber/Red": PALETTE["amber_red_tile"],
               "Overdue": RED_FONT, "Worsened": RED_FONT, "Not reported": GREY, "Errors": RED_FONT}


def _page_one(pdf, board: Board) -> set[str]:
    pdf.section = "Dashboard"
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 18)
    pdf.set_text_color(*rgb(NAVY))
    pdf.cell(0, 9, board.programme, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 12)
    pdf.set_text_color(*rgb(BLUE))
    pdf.cell(0, 6, board.subtitle, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "I", 8.5)
    pdf.set_text_color(*rgb(GREY))
    pdf.multi_cell(0, 4.2, board.generated, new_x="LMARGIN", new_y="NEXT", align="L")
    y = pdf.get_y() + 2
    usable = PAGE_W - 2 * MARGIN

    # Actions: the headline tiles
    _label(pdf, MARGIN, y, "Actions this month")
    y += 6
    n = max(1, len(board.tiles))
    gap = 1.5
    w = (usable - gap * (n - 1)) / n
    for i, (label, value, caption) in enumerate(board.tiles):
        _tile(pdf, MARGIN + i * (w + gap), y, w, label, value, caption,
              TILE_COLOUR.get(label, NAVY))
    y += 23

    # Risks (left) and submissions (right)
    half = (usable - 8) / 2
    _label(pdf, MARGIN, y, "Risks")
    _label(pdf, MARGIN + half + 8, y, "Submissions this month")
    y += 6
    if board.risk_tiles:
        n = len(board.risk_tiles)
        w = (half - gap * (n - 1)) / n
        for i, (label, value) in enumerate(board.risk_tiles):
            colour = NAVY if i == 0 else (PALETTE["red_tile"] if i == 1 else
                                          (PALETTE["amber_red_tile"] if i == 2 else RED_FONT))
            _tile(pdf, MARGIN + i * (w + gap), y, w, label, value, colour=colour)
    else:
        pdf.set_xy(MARGIN, y)
        pdf.set_font("DejaVu", "I", 9)
        pdf.set_text_color(*rgb(GREY))
        pdf.cell(half, 6, "No risk register was read this month.")
    x0 = MARGIN + half + 8
    n = max(1, len(board.submission_tiles))
    w = (half * 0.6 - gap * (n - 1)) / n
    for i, (label, value) in enumerate(board.submission_tiles):
        _tile(pdf, x0 + i * (w + gap), y, w, label, value,
              colour=PALETTE["good_font"] if i == 0 else RED_FONT)
    text = board.submission_text
    pdf.set_xy(x0 + half * 0.6 + 3, y)
    missing = text.startswith(("Missing", "Failed"))
    pdf.set_font("DejaVu", "B" if missing else "I", 9)
    pdf.set_text_color(*rgb(RED_FONT if missing else GREY))
    pdf.multi_cell(half * 0.4 - 3, 4.2, _clip(text, 60), new_x="LMARGIN", new_y="NEXT",
                   align="L")
    y += 21

    # What needs the board's attention
    pdf.set_xy(MARGIN, y)
    _label(pdf, MARGIN, y, "Needs the board's attention")
    pdf.set_xy(MARGIN, y + 6.5)
    if board.attention.header:
        _table(pdf, board.attention, [95, 40, 18, 24, 100], size=8.5, centred={2})
    else:
        pdf.set_font("DejaVu", "I", 9)
        pdf.set_text_color(*rgb(GREY))
        pdf.multi_cell(0, 4.5, board.attention_more or "Nothing to list.",
                       new_x="LMARGIN", new_y="NEXT")
    if board.attention_more and board.attention.header:
        pdf.set_font("DejaVu", "I", 8.5)
        pdf.set_text_color(*rgb(GREY))
        pdf.cell(0, 5, board.attention_more, new_x="LMARGIN", new_y="NEXT")
    # The rest of the page: the overall RAG and its trend, when they fit.
    drawn: set[str] = set()
    y = pdf.get_y() + 3
    room = PAGE_H - 12 - y
    if pdf.page_no() == 1 and room >= 42 and board.overall.rows:
        h = min(room, 75)
        half = (usable - 6) / 2
        pdf.image(_png(_overall_chart(board, half, h)), x=MARGIN, y=y, w=half, h=h)
        drawn.add("overall")
        if len(board.history.rows) >= 2:
            pdf.image(_png(_trend_chart(board, half, h)), x=MARGIN + half + 6, y=y, w=half,
                      h=h)
            drawn.add("trend")
    return drawn


def _label(pdf, x: float, y: float, text: str) -> None:
    pdf.set_xy(x, y)
    pdf.set_font("DejaVu", "B", 11)
    pdf.set_text_color(*rgb(NAVY))
    pdf.cell(0, 6, text)


# ------------------------------------------------------------------------------ charts
def _number(text: str) -> float:
    try:
        return float(str(text).replace(",", "").rstrip("%") or 0)
    except ValueError:
        return 0.0


def _figure(width_mm: float, height_mm: float):
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_mm / 25.4, height_mm / 25.4), dpi=200)
    return fig


def _png(fig) -> io.BytesIO:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=200)
    buf.seek(0)
    return buf


def _style_axes(ax, title: str) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.set_title(title, fontsize=11, fontweight="bold", color="#" + NAVY, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=9)
    return MaxNLocator(integer=True)


def _stacked_bars(title: str, table: Table, width_mm: float, height_mm: float,
                  level_fill: dict[str, str], horizontal: bool = True):
    """A stacked bar per row of a breakdown table (levels, Not reported), counts labelled."""
    from matplotlib.ticker import MaxNLocator

    header = [c.text for c in table.header]
    series = [i for i, h in enumerate(header) if i and h != "Total"]
    names = [_wrap_label(row[0].text) for row in table.rows]
    fig = _figure(width_mm, height_mm)
    ax = fig.add_subplot()
    _style_axes(ax, title)
    left = [0.0] * len(names)
    for i in series:
        values = [_number(row[i].text) for row in table.rows]
        fill = "#" + (level_fill.get(header[i]) or table.header[i].fill or NOT_REPORTED_FILL)
        if horizontal:
            bars = ax.barh(names, values, left=left, color=fill, edgecolor="white",
                           label=header[i])
        else:
            bars = ax.bar(names, values, bottom=left, color=fill, edgecolor="white",
                          label=header[i])
        labels = [f"{int(v)}" if v else "" for v in values]
        ax.bar_label(bars, labels=labels, label_type="center", fontsize=8.5,
                     color="#" + font_on(fill.lstrip("#")), fontweight="bold")
        left = [a + b for a, b in zip(left, values)]
    axis = ax.xaxis if horizontal else ax.yaxis
    axis.set_major_locator(MaxNLocator(integer=True))
    if horizontal:
        ax.invert_yaxis()
        ax.set_xlabel("Actions", fontsize=9)
    else:
        ax.set_ylabel("Actions", fontsize=9)
    ax.legend(fontsize=8, ncol=min(4, len(series)), loc="lower left",
              bbox_to_anchor=(0, 1.02), frameon=False, handlelength=1, columnspacing=1)
    ax.set_title(title, fontsize=11, fontweight="bold", color="#" + NAVY, loc="left",
                 pad=10 + 11 * ((len(series) + 3) // 4))
    fig.tight_layout()
    return fig


def _wrap_label(text: str, width: int = 26) -> str:
    """A chart label on at most two lines."""
    import textwrap

    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > 2:
        lines = [lines[0], lines[1][: width - 1] + "\u2026"]
    return "\n".join(lines)


def _overall_chart(board: Board, width_mm: float, height_mm: float):
    from matplotlib.ticker import MaxNLocator

    rows = [r for r in board.overall.rows if r[0].text != "Total"]
    names = [r[0].text for r in rows]
    values = [_number(r[1].text) for r in rows]
    fills = ["#" + (r[0].fill or NOT_REPORTED_FILL) for r in rows]
    fig = _figure(width_mm, height_mm)
    ax = fig.add_subplot()
    _style_axes(ax, "Actions by RAG this month")
    bars = ax.barh(names, values, color=fills, edgecolor="#" + GREY, linewidth=0.3)
    ax.bar_label(bars, labels=[f"{int(v)}" for v in values], padding=2, fontsize=9,
                 fontweight="bold")
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Actions", fontsize=9)
    ax.set_xlim(0, max(values + [1]) * 1.15)
    fig.tight_layout()
    return fig


def _trend_chart(board: Board, width_mm: float, height_mm: float):
    """RAG by month: a bar per level side by side, each labelled, so that a single Red is a
    bar of its own and not a sliver on a stack; the months' Not reported counts go under
    their labels (they would dwarf the rest)."""
    from matplotlib.ticker import MaxNLocator

    table = board.history
    header = [c.text for c in table.header]
    rows = table.rows[-6:]
    levels = [i for i, h in enumerate(header) if i and h not in ("Total", "Not reported")]
    nr = header.index("Not reported") if "Not reported" in header else None
    months = [r[0].text + (f"\n{r[nr].text} not reported" if nr is not None else "")
              for r in rows]
    fig = _figure(width_mm, height_mm)
    ax = fig.add_subplot()
    _style_axes(ax, "RAG trend by month")
    n = max(1, len(levels))
    width = 0.8 / n
    top = 1.0
    for k, i in enumerate(levels):
        values = [_number(r[i].text) for r in rows]
        top = max([top, *values])
        xs = [m + (k - (n - 1) / 2) * width for m in range(len(rows))]
        fill = "#" + (board.level_fill.get(header[i]) or table.header[i].fill or NOT_REPORTED_FILL)
        bars = ax.bar(xs, values, width=width, color=fill, edgecolor="#" + GREY,
                      linewidth=0.3, label=header[i])
        ax.bar_label(bars, labels=[f"{int(v)}" if v else "" for v in values], padding=1,
                     fontsize=8, fontweight="bold")
    ax.set_xticks(range(len(rows)), months, fontsize=8.5)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, top * 1.25)
    ax.set_ylabel("Actions", fontsize=9)
    ax.legend(fontsize=8, ncol=min(6, n), loc="lower left", bbox_to_anchor=(0, 1.0),
              frameon=False, handlelength=1, columnspacing=1)
    ax.set_title("RAG trend by month", fontsize=11, fontweight="bold", color="#" + NAVY,
                 loc="left", pad=10 + 11 * ((n + 5) // 6))
    fig.tight_layout()
    return fig


def _band_chart(board: Board, width_mm: float, height_mm: float):
    from matplotlib.ticker import MaxNLocator

    rows = board.risk_bands.rows
    names = [r[0].text for r in rows]
    values = [_number(r[1].text) for r in rows]
    fig = _figure(width_mm, height_mm)
    ax = fig.add_subplot()
    _style_axes(ax, "Risks by band")
    bars = ax.bar(names, values, color=["#" + (r[0].fill or NOT_REPORTED_FILL) for r in rows],
                  edgecolor="#" + GREY, linewidth=0.3)
    ax.bar_label(bars, labels=[f"{int(v)}" for v in values], padding=2, fontsize=9,
                 fontweight="bold")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("Risks", fontsize=9)
    ax.set_ylim(0, max(values + [1]) * 1.2)
    ax.tick_params(axis="x", labelsize=8.5)
    fig.tight_layout()
    return fig


def _chart_pages(pdf, board: Board, drawn: set[str] = frozenset()) -> None:
    """The Dashboard's charts: two to a row, then the long ones (many themes, every SRO) full
    width; a chart that does not fit on the page starts the next one."""
    usable = PAGE_W - 2 * MARGIN
    half = (usable - 6) / 2
    h = 78
    small, wide = [], []
    if board.overall.rows and "overall" not in drawn:
        small.append(lambda: _overall_chart(board, half, h))
    if len(board.history.rows) >= 2 and "trend" not in drawn:
        small.append(lambda: _trend_chart(board, half, h))
    if board.risk_bands.rows:
        small.append(lambda: _band_chart(board, half, h))
    if board.by_theme.rows:
        if len(board.by_theme.rows) <= 5:
            small.append(lambda: _stacked_bars("RAG by theme", board.by_theme, half, h,
                                               board.level_fill))
        else:
            wide.append(("RAG by theme", board.by_theme))
    if board.by_sro.rows:
        wide.append(("RAG by SRO (Not reported: actions with no RAG this month)",
                     board.by_sro))
    if not small and not wide:
        return
    _section(pdf, "Dashboard", "Charts", "From the Dashboard's tables: counts of actions "
             "(and risks) this month; every bar is labelled with its count.")
    y = pdf.get_y()
    bottom = PAGE_H - 12
    for i, make in enumerate(small):
        col = i % 2
        if col == 0 and y + h > bottom:
            pdf.add_page()
            y = pdf.get_y()
        pdf.image(_png(make()), x=MARGIN + col * (half + 6), y=y, w=half, h=h)
        if col == 1 or i == len(small) - 1:
            y += h + 4
    for title, table in wide:
        height = min(bottom - 16, 38 + 7 * len(table.rows))
        if y + height > bottom:
            pdf.add_page()
            y = pdf.get_y()
        pdf.image(_png(_stacked_bars(title, table, usable, height, board.level_fill)),
                  x=MARGIN, y=y, w=usable, h=height)
        y += height + 4


# ------------------------------------------------------------------------------ sheets
def _widths(table: Table, preferred: dict[str, float], default: float = 20) -> list[float]:
    return [preferred.get(c.text, default) for c in table.header]


WIDTHS = {"Reason": 30, "Change": 20, "Ref": 13, "SRO": 26, "Owner": 24, "Theme": 26,
          "Action": 40, "Sub action": 44, "Due": 17, "RAG": 15, "Previous RAG": 16,
          "Movement": 16, "Updates": 60, "Update": 60, "Category": 18, "Description": 50,
          "Likelihood": 15, "Impact": 13, "Score": 12, "Previous score": 15,
          "Worst score": 13, "Target score": 13, "Inherent score": 14, "Review date": 17,
          "Controls": 40, "Action plan": 40}


def _exceptions(pdf, board: Board) -> None:
    t = board.exceptions
    _section(pdf, "Exceptions", "Exceptions: what the board discusses",
             "Red and Amber/Red actions, RAG worsened since last month, overdue milestones "
             "(a row with several reasons is listed once).")
    _table(pdf, t, _widths(t, WIDTHS), centred=_cols(t, "RAG", "Previous RAG", "Movement"),
           colours=_rag_colours(t, board, "RAG", "Previous RAG"))


def _changes(pdf, board: Board) -> None:
    t = board.changes
    _section(pdf, "Changes", "Changes since last month", t.note)
    if t.rows:
        _table(pdf, t, _widths(t, WIDTHS), centred=_cols(t, "RAG", "Previous RAG"),
               colours=_rag_colours(t, board, "RAG", "Previous RAG"))
    else:
        pdf.set_font("DejaVu", "I", 9)
        pdf.cell(0, 6, "No row changed.")


def _risks(pdf, board: Board) -> None:
    t = board.risks
    _section(pdf, "Risks", "Risk register", "Score = likelihood x impact; RAG from the "
             "programme's bands. Provenance stays in the workbook.")
    _table(pdf, t, _widths(t, WIDTHS, 22), size=8,
           centred=_cols(t, "Likelihood", "Impact", "Score", "RAG", "Previous score",
                         "Movement", "Worst score", "Target score", "Inherent score"),
           colours=_rag_colours(t, board, "RAG"))


def _heatmap(pdf, board: Board) -> None:
    grid = board.heatmap
    _section(pdf, "Heatmap", "Risk heat map", "Number of risks at each likelihood (down) and "
             "impact (across), coloured by the band of likelihood x impact.")
    if grid and grid.header:
        size = 12
        pdf.set_font("DejaVu", "B", size)
        cw, ch = 24.0, 15.0
        x0, y0 = MARGIN + 30, pdf.get_y() + 8
        pdf.set_xy(x0 + cw, y0 - 7)
        pdf.set_text_color(*rgb(NAVY))
        pdf.cell(cw * (len(grid.header) - 2), 6, "Impact", align="C")
        for r, row in enumerate([grid.header, *grid.rows]):
            for c, cell in enumerate(row):
                x, y = x0 + c * cw, y0 + r * ch
                fill = cell.fill or "FFFFFF"
                pdf.set_fill_color(*rgb(fill))
                pdf.set_draw_color(255, 255, 255)
                pdf.rect(x, y, cw, ch, style="DF")
                pdf.set_text_color(*rgb(font_on(fill)))
                value = cell.text
                head = r == 0 or c == 0 or value == "Total" or \
                    (grid.rows and r == len(grid.rows)) or (c == len(row) - 1)
                pdf.set_font("DejaVu", "B" if not head and value not in ("0", "") else "",
                             size if not head else 10)
                pdf.set_xy(x, y)
                pdf.cell(cw, ch, "" if (not head and value == "0") else value, align="C")
        pdf.set_xy(MARGIN, y0 + ch * 2)
        pdf.set_text_color(*rgb(NAVY))
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(28, 6, "Likelihood", align="R")
        pdf.set_y(y0 + ch * (len(grid.rows) + 1) + 6)
    if board.heatmap_bands and board.heatmap_bands.header:
        pdf.set_x(MARGIN)
        pdf.set_font("DejaVu", "B", 11)
        pdf.set_text_color(*rgb(NAVY))
        pdf.cell(0, 7, "Bands of the risk matrix", new_x="LMARGIN", new_y="NEXT")
        t = board.heatmap_bands
        with_margin = Table(t.header, t.rows)
        _table(pdf, with_margin, [30, 20, 20, 15, 192], size=9, centred={1, 2, 3})


def _scorecard(pdf, board: Board) -> None:
    from fpdf.fonts import FontFace

    t = board.scorecard
    _section(pdf, "Scorecard", "Performance scorecard", "Values by period in time order; the "
             "graph joins an indicator's latest values (gaps spanned); trend RAG by the "
             "scorecard's rules.")
    header = [c.text for c in t.header]
    try:
        graph = header.index("Graph (latest 6)")
        bench = header.index("Benchmark")
    except ValueError:
        _table(pdf, t, [22] * len(header), size=8)
        return
    periods = list(range(bench + 1, graph))
    widths = []
    for i, h in enumerate(header):
        widths.append(60 if i == 0 else 24 if i == graph else 40 if h == "Comments" else
                      16 if i in periods else 17)
    usable = PAGE_W - 2 * MARGIN
    scale = usable / sum(widths)
    widths = [w * scale for w in widths]
    size = 8
    pdf.set_font("DejaVu", "", size)
    heading = FontFace(emphasis="BOLD", color=rgb("FFFFFF"), fill_color=rgb(HEADER_FILL),
                       size_pt=size)
    align = tuple("LEFT" if i in (0, len(header) - 1) else "CENTER" for i in range(len(header)))
    from ..write.scorecard import BENCHMARK_COLOURS, TREND_COLOURS

    trend_cols = {i for i, h in enumerate(header) if h in ("Trend", "Previous trend")}
    bench_cols = {i for i, h in enumerate(header) if h == "Benchmark RAG"}
    with pdf.table(col_widths=widths, width=usable, text_align=align, headings_style=heading,
                   line_height=size * 0.45, padding=(0.8, 1, 0.8, 1),
                   borders_layout="SINGLE_TOP_LINE", repeat_headings=1) as table:
        head = table.row()
        for h in header:
            head.cell(h)
        for row in t.rows:
            if len(row) > 1 and not any(c.text for c in row[1:]):  # a banner
                r = table.row()
                fill = row[0].fill or LIGHT_BLUE
                r.cell(_clip(row[0].text, usable), colspan=len(header),
                       style=FontFace(emphasis="BOLD", fill_color=rgb(fill),
                                      color=rgb(font_on(fill)), size_pt=size))
                continue
            r = table.row()
            for i, c in enumerate(row[:len(header)]):
                if i == graph:
                    values = [row[p].value if isinstance(row[p].value, (int, float))
                              and not isinstance(row[p].value, bool) else None
                              for p in periods]
                    svg = sparkline_svg(values)
                    if svg:
                        r.cell(img=io.BytesIO(svg.encode("utf-8")), img_fill_width=True)
                    else:
                        r.cell("")
                    continue
                colours = TREND_COLOURS if i in trend_cols else \
                    BENCHMARK_COLOURS if i in bench_cols else {}
                fill = colours.get(c.text, ("", ""))[0].lstrip("#") or \
                    (c.fill if c.fill not in ("", "FFFFFF") else "")
                style = FontFace(fill_color=rgb(fill), color=rgb(font_on(fill)),
                                 size_pt=size) if fill else None
                r.cell(_clip(c.text, widths[i]), style=style)


#: The latest values a sparkline joins (as the workbook's "Graph (latest 6)").
SPARK_POINTS = 6


def sparkline_svg(values: list[float | None], points: int = SPARK_POINTS) -> str:
    """A sparkline of the latest ``points`` numbers of ``values`` (blanks skipped: the line
    spans the gaps), the last point marked; '' with fewer than two numbers."""
    filled = [(i, v) for i, v in enumerate(values) if v is not None][-points:]
    if len(filled) < 2:
        return ""
    w, h, pad = 80.0, 22.0, 3.0
    lo, hi = min(v for _, v in filled), max(v for _, v in filled)
    first, last = filled[0][0], filled[-1][0]
    span_x, span_y = max(1, last - first), (hi - lo) or 1.0

    def xy(i, v):
        return (pad + (i - first) / span_x * (w - 2 * pad),
                h - pad - ((v - lo) / span_y if hi != lo else 0.5) * (h - 2 * pad))

    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in filled))
    lx, ly = xy(*filled[-1])
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0f}" height="{h:.0f}" '
            f'viewBox="0 0 {w:.0f} {h:.0f}"><polyline points="{pts}" fill="none" '
            f'stroke="#{BLUE}" stroke-width="1.6" stroke-linejoin="round"/>'
            f'<circle cx="{lx:.1f}" cy="{ly:.1f}" r="2.2" fill="#{RED_TILE}"/></svg>')


def _rag_colours(t: Table, board: Board, *names: str,
                 mapping: dict[str, str] | None = None) -> dict[int, dict[str, str]]:
    """Column -> {RAG text: fill} for the columns ``names`` (the programme's colours)."""
    mapping = mapping if mapping is not None else board.level_fill
    return {i: mapping for i in _cols(t, *names)}


def _cols(t: Table, *names: str) -> set[int]:
    return {i for i, c in enumerate(t.header) if c.text in names}


def draw_pack(board: Board, out: str | os.PathLike) -> Path:
    """Draw ``board`` to the PDF ``out``; returns its path."""
    pdf = _new_pdf(board)
    drawn = _page_one(pdf, board)
    _chart_pages(pdf, board, drawn)
    if board.exceptions is not None and board.exceptions.rows:
        _exceptions(pdf, board)
    if board.changes is not None:
        _changes(pdf, board)
    if board.risks is not None and board.risks.rows:
        _risks(pdf, board)
    if board.heatmap is not None:
        _heatmap(pdf, board)
    if board.scorecard is not None and board.scorecard.rows:
        _scorecard(pdf, board)
    out = Path(out)
    pdf.output(str(out))
    return out
