"""One row-height rule and one print setup (:mod:`xlplan.layout`) and one palette
(:mod:`xlplan.schema.palette`) for every workbook xlplan writes: the consolidated workbook, the
SROs' templates and the example plans. Each is read back with openpyxl and its rows, pages and
colours checked against the one rule."""
from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from xlplan.api import merge
from xlplan.config import load_config, programme_from_dict
from xlplan.consolidated import ACTION_FIELDS
from xlplan.demo.plan import write_submissions
from xlplan.layout import LINE_PT, MAX_LINES, SIDE_MARGIN, WIDE_SCALE, row_height, text_lines
from xlplan.schema.palette import PALETTE, font_on
from xlplan.schema.rag import LEVEL_FILL, LEVEL_FONT
from xlplan.template import HEADER_ROW, make_templates
from xlplan.write import write_consolidated
from xlplan.write.actions import NO_HEIGHT

DEMO = Path(__file__).resolve().parents[1] / "xlplan" / "data" / "demo.toml"


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    """The demo's March returns, the consolidated workbook merged from them, the templates."""
    root = tmp_path_factory.mktemp("layout")
    files = write_submissions(root / "in", "2018-03")
    prog = load_config(DEMO)
    consolidated = write_consolidated(merge([root / "in"], period="2018-03", config=prog),
                                      root / "Consolidated 2018-03.xlsx")
    templates = make_templates(consolidated, root / "templates", prog)
    return files, Path(consolidated), templates, prog


def written_width(ws, col: int, padded: bool) -> float:
    """The width a column was given, read back: xlsxwriter (``padded``) stores a width w as
    (7w + 5 px) / 7, the cell padding added; openpyxl stores it as given."""
    for dim in ws.column_dimensions.values():
        if dim.min and dim.min <= col <= dim.max and dim.width:
            return (round(dim.width * 7) - 5) / 7 if padded else dim.width
    return 8.43


def heights_checked(ws, columns: list[int], rows, *, padded: bool = True) -> int:
    """Every row in ``rows`` is as tall as the one rule says for the texts of ``columns``
    (None: the sheet's default height). Returns how many rows were taller than one line."""
    widths = {c: written_width(ws, c, padded) for c in columns}
    taller = 0
    for r in rows:
        cells = [(ws.cell(r, c).value, widths[c]) for c in columns]
        expected = row_height(cells)
        got = ws.row_dimensions[r].height if ws.row_dimensions[r].customHeight else None
        assert got == expected, (ws.title, r, cells)
        taller += expected is not None
    return taller


def test_a_sheets_row_heights_worked_out_by_column_are_the_rule_row_by_row():
    """RowHeights (every row of a sheet at once, column by column) gives each row what
    row_height gives it alone: texts with and without line breaks, blanks, numbers, dates,
    texts that are not plain str, rows shorter than the columns asked for."""
    import datetime as dt
    import random

    from xlplan.layout import RowHeights

    class Label(str):
        pass

    rnd = random.Random(7)
    pieces = ["", "x" * 3, "word " * 9, "a\nb", "long line " * 30, "\n", "p\n\nq " * 20,
              None, 42, 3.5, dt.date(2020, 1, 2), Label("label " * 12), float("nan")]
    columns = [(0, 9), (1, 45), (2, 12.5), (4, 0.5)]
    rows = [[rnd.choice(pieces) for _ in range(rnd.choice((3, 5, 6)))] for _ in range(400)]
    got = RowHeights(columns).heights(rows)
    for row, height in zip(rows, got):
        cells = [(row[c] if c < len(row) else None, w) for c, w in columns]
        assert height == row_height(cells), (row, height)
    assert any(h is None for h in got) and len({h for h in got}) > 3
    # the same cells handed over by column as well (a sheet whose rows are all full)
    full = [[rnd.choice(pieces) for _ in range(5)] for _ in range(400)]
    by_column = [list(col) for col in zip(*full)]
    assert RowHeights(columns).heights(full, by_column) == RowHeights(columns).heights(full) \
        == [row_height([(row[c], w) for c, w in columns]) for row in full]


def test_the_rule_fits_the_longest_text_at_excels_line_height():
    assert row_height([("short", 10), ("", 50)]) is None  # one line: the default height
    assert text_lines("x" * 106, 100) == 2 and row_height([("x" * 106, 100)]) == 2 * LINE_PT
    assert row_height([("a\nb\nc", 100), ("x" * 250, 100)]) == 3 * LINE_PT  # the longest
    assert row_height([("x" * 100_000, 10)]) == MAX_LINES * LINE_PT <= 409  # Excel's maximum
    assert row_height([(12345, 1), (None, 1)]) is None  # numbers and blanks: one line
    assert row_height([("one", 10)], minimum=18) == 18


def test_consolidated_rows_follow_the_rule(month):
    _, consolidated, _, _ = month
    ws = load_workbook(consolidated)["Actions"]
    tidy_of = dict(ACTION_FIELDS)
    columns = [c.column for c in ws[1] if tidy_of.get(c.value) not in NO_HEIGHT]
    assert heights_checked(ws, columns, range(2, ws.max_row + 1)) > 5


def test_template_rows_follow_the_same_rule(month):
    _, _, templates, _ = month
    ws = load_workbook(templates[0])["Action plan"]
    first = HEADER_ROW + 2  # 1-based row under the header
    data = [r for r in range(first, ws.max_row + 1)
            if not any(str(rng).startswith(f"A{r}:") for rng in ws.merged_cells.ranges)]
    columns = list(range(1, ws.max_column + 1))
    assert heights_checked(ws, columns, data) > 2


def test_example_plans_follow_the_same_rule(month):
    files, _, _, _ = month
    path = next(p for p in files if "Caroline Paterson" in p.name)  # nothing merged down
    ws = load_workbook(path)["Sheet1"]
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "Action")
    rows = [r for r in range(header + 1, ws.max_row + 1)
            if any(ws.cell(r, c).value for c in range(2, ws.max_column + 1))]
    assert heights_checked(ws, list(range(1, ws.max_column + 1)), rows, padded=False) > 2


def page(ws) -> tuple:
    """What a printed page of ``ws`` looks like: paper, orientation, side margins, one page
    wide (or, for a sheet too wide for that, at the scale that keeps text at 8 pt), and the
    header and footer."""
    fits = bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage)
    return (ws.page_setup.paperSize, ws.page_setup.orientation, ws.page_margins.left,
            ws.page_margins.right, fits or ws.page_setup.scale == WIDE_SCALE,
            ws.oddHeader.right.text, ws.oddFooter.right.text)


def test_one_print_setup_for_every_printed_sheet(month):
    _, consolidated, templates, prog = month
    expected = (9, "landscape", SIDE_MARGIN, SIDE_MARGIN, True, "&A", "Page &P of &N")
    book = load_workbook(consolidated)
    for name in ("Dashboard", "Actions", "Exceptions", "Risks", "Heatmap", "Submissions"):
        if name in book.sheetnames:
            ws = book[name]
            assert page(ws) == expected, name
            assert ws.oddFooter.left.text.startswith(prog.name), name
    template = load_workbook(templates[0])
    for ws in template.worksheets:
        assert page(ws) == expected, ws.title
        assert ws.oddFooter.left.text == f"{prog.name} - April 2018", ws.title
    assert book["Actions"].print_title_rows == "$1:$1"
    assert template["Action plan"].print_title_rows == f"${HEADER_ROW + 1}:${HEADER_ROW + 1}"
    assert template["Instructions"].print_title_rows is None
    # The dashboard, a one-page summary, keeps its tighter top margin.
    assert book["Dashboard"].page_margins.top < book["Actions"].page_margins.top


# ------------------------------------------------------------------------------------ palette
def fill(cell) -> str:
    return (cell.fill.fgColor.rgb or "")[-6:]


def test_the_palette_is_one_table_of_rrggbb_colours():
    assert all(len(v) == 6 and int(v, 16) >= 0 and v == v.upper() for v in PALETTE.values())
    assert font_on(LEVEL_FILL["Red"]) == LEVEL_FONT["Red"] == "FFFFFF"
    assert font_on("#" + LEVEL_FILL["Amber"]) == LEVEL_FONT["Amber"] == "000000"


def test_a_level_has_one_colour_for_actions_and_for_risk_bands():
    """A band given only its RAG takes the level's own fill, the one RAG cells of the
    Actions sheet take: Amber/Red and Complete look the same on every sheet."""
    prog = programme_from_dict({"risk": {"bands": [
        {"name": "Done", "max": 4, "rag": "Complete"},
        {"name": "Watch", "max": 12, "rag": "Amber/Red"},
        {"name": "Act", "max": 25, "rag": "Red"}]}})
    assert [(b.rag, b.colour) for b in prog.risk_matrix.bands] == [
        (lv, LEVEL_FILL[lv]) for lv in ("Complete", "Amber/Red", "Red")]


def test_written_workbooks_take_their_colours_from_the_palette(month):
    _, consolidated, templates, _ = month
    book = load_workbook(consolidated)
    assert fill(book["Actions"]["A1"]) == PALETTE["header_fill"]
    ws = load_workbook(templates[0])["Action plan"]
    header = {c.value: c for c in ws[HEADER_ROW + 1]}
    assert fill(header["Ref"]) == PALETTE["navy"]
    assert fill(header["RAG"]) == PALETTE["fill_in_head"]
    assert fill(header["Last month RAG"]) == PALETTE["grey"]
    assert ws.cell(1, 1).font.color.rgb[-6:] == PALETTE["navy"]  # the title
    theme = next(c for c in ws["A"][HEADER_ROW + 1:] if str(c.value or "").startswith("Theme"))
    assert fill(theme) == PALETTE["navy"]
    reference = ws.cell(theme.row + 2, header["Last month update"].column)
    assert fill(reference) == PALETTE["reference_fill"]
    assert reference.font.color.rgb[-6:] == PALETTE["reference_font"]


def merged_banners(ws) -> list[tuple[int, str, int]]:
    """(row, text, last column) of every row merged across from column A."""
    return [(rng.min_row, ws.cell(rng.min_row, 1).value, rng.max_col)
            for rng in ws.merged_cells.ranges
            if rng.min_col == 1 and rng.min_row == rng.max_row and ws.cell(rng.min_row, 1).value]


def test_scorecard_banners_follow_the_rule(tmp_path):
    """The objective banners of a scorecard, as an SRO keeps it (the example) and on the
    consolidated Scorecard sheet, are as tall as the rule says for their text across the
    columns they are merged over."""
    from xlplan.demo.scorecard import write_scorecard_workbook

    source = write_scorecard_workbook(tmp_path / "in" / "Integrated Scorecard.xlsx")
    ws = load_workbook(source).worksheets[0]
    banners = merged_banners(ws)
    assert len(banners) > 3
    for r, text, last in banners:
        width = sum(written_width(ws, c, padded=False) for c in range(1, last + 1))
        assert ws.row_dimensions[r].height == row_height([(text, width)], minimum=18), r
    out = write_consolidated(merge([tmp_path / "in"], period="2018-03", jobs=1),
                             tmp_path / "c.xlsx")
    ws = load_workbook(out)["Scorecard"]
    objectives = [(r, text, last) for r, text, last in merged_banners(ws)
                  if ws.cell(r, 1).font.i]
    assert objectives
    for r, text, last in objectives:
        width = sum(written_width(ws, c, padded=True) for c in range(1, last + 1))
        assert ws.row_dimensions[r].height == row_height([(text, width)], minimum=18), r
