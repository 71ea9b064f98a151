"""Nothing silently wrong: Excel error values, cells a reader cannot read, stray far cells.

Each workbook is written with openpyxl or xlsxwriter, then one cell of its sheet XML is
rewritten the way Excel (or a damaged file) stores it, and read back through the whole
pipeline (:func:`xlplan.api.read_submission`).
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from builders import write_plan
from xlplan.api import read_submission
from xlplan.reader import _read_values
from xlplan.tolerant import read_book

ERRORS = ("#REF!", "#N/A", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!",
          "#CALC!")
SHEET = "xl/worksheets/sheet1.xml"


def set_cell(src: Path, dst: Path, ref: str, xml: str, member: str = SHEET) -> Path:
    """Copy ``src`` with cell ``ref`` (which must exist) replaced by ``xml``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == member:
                text, n = re.subn(rf'<c r="{ref}"(?:[^>]*/>|[^>]*>.*?</c>)', xml,
                                  data.decode(), count=1)
                assert n == 1, ref
                data = text.encode()
            zout.writestr(info, data)
    return dst


def edit_sheet(src: Path, dst: Path, edit, member: str = SHEET) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == member:
                data = edit(data.decode()).encode()
            zout.writestr(info, data)
    return dst


def error_xml(ref: str, error: str, formula: bool) -> str:
    f = "<f>SUM(#REF!)</f>" if formula else ""
    return f'<c r="{ref}" t="e">{f}<v>{error}</v></c>'


ROWS = [["Agree the plan", "Draft", "Jo Beer", "x", "", "", "", "on track", "", "Green"],
        ["Hire staff", "Advertise", "Jo Beer", "", "x", "", "", "late", "", "Amber"],
        ["Open the hub", "Lease", "Jo Beer", "", "", "x", "", "", "", "Red"]]
RISK_HEADER = ["Ref", "Owner", "Description", "Inherent rating", "Likelihood", "Impact", "Score",
               "RAG"]
RISK_ROWS = [["R1", "Ann", "Budget overspend", "4 4 16", 3, 4, 12, "A"],
             ["R2", "Bob", "Provider failure", "3 3 9", 2, 4, 8, "G"]]
SC_HEADER = ["Indicator", "Measure", "Oct-17", "Nov-17", "Dec-17", "Jan-18", "Polarity"]
SC_ROWS = [["A&E four hour wait", "%", 90, 91, 92, 93, "High is good"],
           ["Falls with harm", "Number", 10, 9, 8, 7, "Low is good"]]

# kind -> (header, rows, the cell made an error, the tidy column holding its text)
KINDS = {
    "rag": (None, ROWS, "J3", "rag_text"),
    "rating": (RISK_HEADER, RISK_ROWS, "E2", None),
    "score": (RISK_HEADER, RISK_ROWS, "G3", None),
    "scorecard-value": (SC_HEADER, SC_ROWS, "E2", "values_text"),
}


@pytest.fixture(scope="module")
def bases(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bases")
    out = {}
    for kind, (header, rows, _ref, _col) in KINDS.items():
        kwargs = {"header": header} if header else {}
        sheet = {"rag": "Action Plan", "scorecard-value": "Scorecard"}.get(kind, "Risks")
        out[kind] = write_plan(folder / f"{kind}.xlsx", rows, sheet=sheet, **kwargs)
    return out


@pytest.mark.parametrize("formula", [False, True], ids=["typed", "formula-result"])
@pytest.mark.parametrize("error", ERRORS)
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_an_error_value_is_a_value_and_an_error(bases, tmp_path, kind, error, formula):
    header, rows, ref, column = KINDS[kind]
    path = set_cell(bases[kind], tmp_path / "in.xlsx", ref, error_xml(ref, error, formula))
    sub = read_submission(path)
    assert sub.ok, sub.issues
    found = [i for i in sub.issues if i.cell == ref]
    assert [(i.code, i.severity, i.value) for i in found if i.code == "error-value"] == \
        [("error-value", "error", error)]
    # the error explains the cell: no second finding calling it an unknown RAG or rating
    assert not {i.code for i in found} & {"unknown-rag", "bad-rating", "bad-value",
                                           "missing-rag", "missing-value"}
    assert error in sub.issues[[i.code for i in sub.issues].index("error-value")].message
    frame = sub.actions if kind == "rag" else sub.scorecards if kind == "scorecard-value" \
        else sub.risks
    assert len(frame) == len(rows)  # every row kept
    if column:  # the text is kept as Excel shows it
        assert any(error in str(v) for v in frame[column])


def test_an_error_in_a_text_column_is_a_warning_and_kept(bases, tmp_path):
    path = set_cell(bases["rag"], tmp_path / "in.xlsx", "H2", error_xml("H2", "#N/A", True))
    sub = read_submission(path)
    issue = next(i for i in sub.issues if i.code == "error-value")
    assert (issue.cell, issue.severity) == ("H2", "warning")
    assert sub.actions["updates"].iloc[0] == "#N/A"


def test_error_cells_outside_the_table_are_not_reported(bases, tmp_path):
    # a header-row cell holding #REF! is not a plan value
    path = edit_sheet(bases["rag"], tmp_path / "in.xlsx", lambda x: x.replace(
        "</row>", '<c r="L1" t="e"><v>#REF!</v></c></row>', 1))
    sub = read_submission(path)
    assert "error-value" not in {i.code for i in sub.issues}
    assert len(sub.actions) == 3


# ------------------------------------------------------------------ one bad cell, one cell
def shared_string_plan(path: Path, n: int = 19) -> Path:
    """A 19-action plan written by xlsxwriter (shared strings, as Excel writes them)."""
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Action Plan")
    ws.write_row(0, 0, ["Action", "Sub actions", "SRO", "Q1", "Q2", "Q3", "Q4", "Updates",
                        "Risks/Issues", "RAG Status"])
    for i in range(n):
        ws.write_row(i + 1, 0, [f"Action {i}", f"Sub {i}", "Jo Beer", "x", "", "", "",
                                f"update {i}", "", ("Green", "Amber", "Red")[i % 3]])
    wb.close()
    return path


@pytest.fixture(scope="module")
def plan19(tmp_path_factory):
    return shared_string_plan(tmp_path_factory.mktemp("p19") / "plan.xlsx")


FAULTS = {
    "shared-string-out-of-range": ("H6", '<c r="H6" t="s"><v>99999</v></c>'),
    "shared-string-not-a-number": ("H6", '<c r="H6" t="s"><v>x</v></c>'),
    "shared-string-negative": ("H6", '<c r="H6" t="s"><v>-1</v></c>'),
    "text-in-a-number-cell": ("H6", '<c r="H6" t="n"><v>abc</v></c>'),
    "boolean-not-0-or-1": ("H6", '<c r="H6" t="b"><v>yes</v></c>'),
    "unknown-cell-type": ("H6", '<c r="H6" t="zz"><v>1</v></c>'),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_one_bad_cell_costs_one_cell(plan19, tmp_path, fault):
    ref, xml = FAULTS[fault]
    good = read_submission(plan19)
    sub = read_submission(set_cell(plan19, tmp_path / "in.xlsx", ref, xml))
    assert sub.ok and len(sub.actions) == 19
    lost = [i for i in sub.issues if i.code == "unreadable-cell"]
    assert [(i.cell, i.severity) for i in lost] == [(ref, "error")]
    assert sub.actions["updates"].iloc[4] == ""
    # every other cell is read as the fast reader reads the undamaged file
    for col in ("action", "sub_action", "sro", "rag", "rag_text"):
        assert list(sub.actions[col]) == list(good.actions[col])
    assert list(sub.actions["updates"].drop(index=4)) == list(good.actions["updates"].drop(index=4))


def _drop_text_entry(xml: str, text: str) -> str:
    out, n = re.subn(rf"<si><t>{text}</t></si>", "", xml, count=1)
    assert n == 1, text
    return out


def test_a_text_missing_from_the_text_table_is_said_for_the_whole_file(plan19, tmp_path):
    """An entry gone from the shared strings moves every later text onto another cell: only
    the last cell points past the table, yet the whole file's text is doubtful, and is said
    to be (the count the part declares no longer matches what it holds)."""
    path = edit_sheet(plan19, tmp_path / "in.xlsx", lambda x: _drop_text_entry(x, "Sub 3"),
                      member="xl/sharedStrings.xml")
    sub = read_submission(path)
    assert sub.ok
    whole = [i for i in sub.issues if i.code == "unreadable-cell" and i.sheet is None]
    assert len(whole) == 1 and whole[0].severity == "error"
    assert "holds" in whole[0].message and "another cell's text" in whole[0].message
    # a file whose table of texts is whole gets no such issue
    assert not [i for i in read_submission(plan19).issues if i.code == "unreadable-cell"]


def test_a_damaged_cell_alone_does_not_make_the_text_table_doubtful(plan19, tmp_path):
    sub = read_submission(set_cell(plan19, tmp_path / "in.xlsx", "H6",
                                   '<c r="H6" t="s"><v>99999</v></c>'))
    assert [i.sheet for i in sub.issues if i.code == "unreadable-cell"] == ["Action Plan"]


def test_a_stray_value_at_the_bottom_of_the_sheet_is_reported_not_fatal(plan19, tmp_path):
    path = edit_sheet(plan19, tmp_path / "in.xlsx", lambda x: x.replace(
        "</sheetData>", '<row r="1048567"><c r="B1048567" t="inlineStr"><is><t>oops</t></is>'
        "</c></row></sheetData>"))
    sub = read_submission(path)
    assert sub.ok and len(sub.actions) == 19
    stray = [(i.code, i.cell, i.value) for i in sub.issues if i.code == "stray-cell"]
    assert stray == [("stray-cell", "B1048567", "oops")]
    assert "too-large" not in {i.code for i in sub.issues}


def test_a_dimension_declaring_the_whole_sheet_is_not_fatal(plan19, tmp_path):
    path = edit_sheet(plan19, tmp_path / "in.xlsx", lambda x: re.sub(
        r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', x))
    sub = read_submission(path)
    assert sub.ok and len(sub.actions) == 19
    assert not [i for i in sub.issues if i.code in ("too-large", "stray-cell")]


def test_a_very_wide_sheet_keeps_its_table_and_reports_the_width(plan19, tmp_path):
    cells = "".join(f'<c r="{c}3"><v>{i}</v></c>' for i, c in enumerate(("BBB", "XFD")))
    path = edit_sheet(plan19, tmp_path / "in.xlsx", lambda x: x.replace(
        '</row><row r="4"', cells + '</row><row r="4"', 1))
    sub = read_submission(path)
    assert sub.ok and len(sub.actions) == 19
    assert [(i.cell, i.value) for i in sub.issues if i.code == "stray-cell"] == \
        [("BBB3", "0.0"), ("XFD3", "1.0")]


def test_a_sheet_holding_only_a_far_cell_is_still_too_large(tmp_path):
    path = tmp_path / "far.xlsx"
    wb = xlsxwriter.Workbook(path)
    wb.add_worksheet().write(1_048_575, 16_383, "x")
    wb.close()
    sub = read_submission(path)
    assert sub.info.status == "failed"
    assert [i.code for i in sub.issues] == ["too-large"]


def test_the_second_reader_reads_what_the_first_reads(tmp_path):
    """The tolerant reader, used when python-calamine refuses a file, gives the same grid."""
    from xlplan.demo.plan import write_submissions
    from xlplan.demo.risks import write_risk_register
    from xlplan.demo.scorecard import write_scorecard_workbook

    paths = list(write_submissions(tmp_path / "subs", period="2018-03"))[:4]
    paths.append(write_risk_register(tmp_path / "risks.xlsx"))
    paths.append(write_scorecard_workbook(tmp_path / "sc.xlsx"))
    paths.append(shared_string_plan(tmp_path / "ss.xlsx"))
    for path in paths:
        fast, hidden = _read_values(path)
        book = read_book(path, path.name, max_rows=10**6, max_columns=10**4)
        assert [s.name for s in book.sheets] == [s.name for s in fast]
        assert book.hidden == hidden and not book.issues
        for a, b in zip(fast, book.sheets):
            assert _trimmed(a.rows) == _trimmed(b.rows), (path.name, a.name)
            assert sorted(a.merged) == sorted(b.merged)


def _trimmed(rows: list[list]) -> list[list]:
    rows = [list(r) for r in rows]
    while rows and all(v == "" for v in rows[-1]):
        rows.pop()
    width = max((max((i + 1 for i, v in enumerate(r) if v != ""), default=0) for r in rows),
                default=0)
    return [r[:width] + [""] * (width - len(r)) for r in rows]


# --------------------------------------------------------------- the text report is inert
def test_control_characters_are_escaped_in_the_text_report(plan19, tmp_path):
    from click.testing import CliRunner

    from xlplan.cli import main

    path = set_cell(plan19, tmp_path / "esc.xlsx", "J5",
                    '<c r="J5" t="inlineStr"><is><t>_x001B_[2J_x001B_]0;pwned_x0007_Green'
                    "</t></is></c>")
    sub = read_submission(path)
    assert any("\x1b[2J" in (i.value or "") for i in sub.issues)  # the cell read as it is
    out = CliRunner().invoke(main, ["validate", str(path)]).output
    assert "\x1b[2J" not in out and "\x07" not in out
    assert "\\u001b[2J\\u001b]0;pwned\\u0007Green" in out


def test_error_cells_of_a_big_sheet_are_found_across_read_chunks(tmp_path):
    """The byte search for error cells (no parse of every cell) finds what a parse finds, on a
    sheet bigger than one read chunk, with error cells of every form."""
    import random

    from xlplan.tolerant import _error_cells_parsed, error_cells

    path = tmp_path / "big.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Plan")
    for r in range(16_000):
        ws.write_row(r, 0, [r * 10 + c for c in range(10)])
    wb.close()
    rng = random.Random(4)
    chosen = sorted(rng.sample(range(16_000 * 10), 300))

    def edit(xml):
        for i, n in enumerate(chosen):
            ref = f"{'ABCDEFGHIJ'[n % 10]}{n // 10 + 1}"
            error = ERRORS[i % len(ERRORS)]
            form = (f'<c r="{ref}" t="e"><v>{error}</v></c>',
                    f'<c r="{ref}" s="0" t="e"><f>A1/0</f><v>{error}</v></c>',
                    f"<c t='e' r='{ref}'><v>{error}</v></c>")[i % 3]
            xml, k = re.subn(rf'<c r="{ref}"[^>]*>.*?</c>', form, xml, count=1)
            assert k == 1
        return xml
    edited = edit_sheet(path, tmp_path / "errors.xlsx", edit)
    found = error_cells(edited, SHEET)
    assert found == _error_cells_parsed(edited, SHEET)
    assert len(found) == 300 and set(found.values()) == set(ERRORS)
