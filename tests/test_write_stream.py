"""The streamed sheets of the consolidated workbook (Actions, Exceptions, Changes, Submissions,
Issues): written row by row in flat memory, holding what an ordinary xlsxwriter sheet holds.

The row XML of a streamed sheet is made by xlplan itself (xlplan.write.formats.put_row); these
tests hold it to the XML xlsxwriter writes for the same cells on an ordinary sheet -- the only
differences allowed are the numbering of the cell formats (given in first-use order), text
written inline instead of as a shared string (the same text), and the optional row spans.
"""
from __future__ import annotations

import datetime as dt
import re
import zipfile

import pandas as pd
import pytest
import python_calamine as pc
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from openpyxl import load_workbook

import test_write as tw
from xlplan.write import actions, changes, exceptions, issues_sheet, submissions, \
    write_consolidated
from xlplan.write.formats import Formats, StreamingWorksheet, add_streaming_worksheet, put_row

STREAMED = (actions, changes, exceptions, issues_sheet, submissions)
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


# ----------------------------------------------------------------- comparing two workbooks
def _format_keys(zf: zipfile.ZipFile) -> list[str]:
    """Each cell format (cellXfs entry) as what it means, not where it is numbered."""
    st = etree.fromstring(zf.read("xl/styles.xml"))
    num = {e.get("numFmtId"): e.get("formatCode")
           for e in st.findall(".//m:numFmts/m:numFmt", NS)}
    parts = {k: [etree.tostring(e) for e in st.findall(f"m:{k}s/m:{k}", NS)]
             for k in ("font", "fill", "border")}
    keys = []
    for xf in st.findall("m:cellXfs/m:xf", NS):
        a = xf.attrib
        keys.append(repr((num.get(a.get("numFmtId"), a.get("numFmtId")),
                          *(parts[k][int(a.get(f"{k}Id", 0))] for k in ("font", "fill", "border")),
                          b"".join(etree.tostring(c) for c in xf),
                          sorted((k, v) for k, v in a.items()
                                 if not k.endswith("Id") and not k.startswith("apply")))))
    return keys


def meaning(path) -> dict:
    """The parts of a workbook, with cell formats named by what they are, shared strings
    written in place and row spans left out."""
    with zipfile.ZipFile(path) as zf:
        keys = _format_keys(zf)
        shared = []
        if "xl/sharedStrings.xml" in zf.namelist():
            shared = re.findall(rb"<si>(.*?)</si>", zf.read("xl/sharedStrings.xml"), re.S)
        out = {}
        for name in zf.namelist():
            data = zf.read(name)
            if name == "xl/styles.xml":
                out[name] = sorted(set(keys))
            elif name in ("xl/sharedStrings.xml", "[Content_Types].xml",
                          "xl/_rels/workbook.xml.rels"):
                continue  # there or not with shared strings
            elif name.startswith("xl/worksheets/sheet"):
                data = re.sub(rb' (s|style)="(\d+)"', lambda m: b' %s="%d"' % (
                    m.group(1), sorted(set(keys)).index(keys[int(m.group(2))])), data)
                data = re.sub(rb' t="s"><v>(\d+)</v></c>', lambda m: b' t="inlineStr"><is>'
                              + shared[int(m.group(1))] + b"</is></c>", data)
                out[name] = re.sub(rb' spans="[0-9:]+"', b"", data)
            else:
                out[name] = data
        return out


def hostile_month():
    rows = tw.plan_rows()
    for r in rows:
        r["=SUM(A1:A2)"] = "=1+1"
        r["<r>Notes</r>"] = "<r>note</r>"
    rows[0]["updates"] = "Workshops held with providers. " * 1200  # cut to Excel's limit
    rows[1]["updates"] = " lead & trail <b> \n"
    rows[2]["updates"] = "ctrl \x01 char \x1f and \ufffe"
    rows[3]["updates"] = "tab\tnewline\nend "
    rows[4]["updates"] = "emoji \U0001F600 and _x0041_ and _X0041_"
    rows[5]["risks_issues"] = "\u00a0nbsp lead"
    rows[6]["Budget code"] = 12.5
    rows[7]["Budget code"] = True
    rows[8]["Budget code"] = 2 ** 60
    rows[9]["Budget code"] = dt.datetime(2018, 3, 1, 9, 30)
    recs = [("Same", "K-1", "Green", "Green"), ("New", "K-2", "", "Red"),
            ("Worsened", "K-3", "Green", "Amber"), ("Improved", "K-5", "Red", "Amber/Green")]
    ch = pd.DataFrame([{"change": c, "key": k, "ref": "", "theme": tw.T1, "action": "a & b",
                        "sub_action": f"sub {k}", "sro": tw.MCARDLE, "previous_rag": p,
                        "rag": r, "file": tw.F1} for c, k, p, r in recs])
    return tw.make_merged(rows, extra=("Budget code", "=SUM(A1:A2)", "<r>Notes</r>"),
                          previous="Consolidated 2018-02.xlsx", changes=ch)


@pytest.mark.parametrize("month", [tw.make_merged, hostile_month])
def test_streamed_sheets_hold_what_ordinary_sheets_hold(tmp_path, monkeypatch, month):
    streamed = write_consolidated(month(), tmp_path / "streamed.xlsx")
    for mod in STREAMED:
        monkeypatch.setattr(mod, "add_streaming_worksheet",
                            lambda wb, name: wb.add_worksheet(name))
    ordinary = write_consolidated(month(), tmp_path / "ordinary.xlsx")
    a, b = meaning(streamed), meaning(ordinary)
    assert a.keys() == b.keys()
    for name in a:
        assert a[name] == b[name], name


def test_a_streamed_sheet_writes_each_row_once_in_order(tmp_path):
    path = tmp_path / "s.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    fmts = Formats(wb)
    ws = add_streaming_worksheet(wb, "S")
    assert isinstance(ws, StreamingWorksheet) and ws.constant_memory
    ws.add_table(0, 0, 3, 1, {"name": "S", "columns": [{"header": "A"}, {"header": "B"}]})
    wrap = fmts.text()
    put_row(ws, fmts, 1, ["one", 1], [wrap, wrap], height=30)
    put_row(ws, fmts, 2, ["=HYPERLINK(\"x\")", dt.date(2018, 6, 30)], [wrap, wrap])
    # too late for row 1 (already written out): refused, never a second <row r="2">
    ws.set_row(1, 60)
    ws.write_string(1, 1, "late")
    put_row(ws, fmts, 3, ["", 2.5], [wrap, wrap])
    wb.close()
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert [int(r) for r in re.findall(r'<row r="(\d+)"', xml)] == [1, 2, 3, 4]
    assert 'ht="30"' in xml and 'ht="60"' not in xml
    assert zipfile.ZipFile(path).read("xl/tables/table1.xml").decode().count('ref="A1:B4"') == 2
    got = load_workbook(path)["S"]
    assert [[c.value for c in r] for r in got.iter_rows()] == [
        ["A", "B"], ["one", 1], ["=HYPERLINK(\"x\")", dt.datetime(2018, 6, 30)], [None, 2.5]]
    assert got["A3"].data_type == "s"


def test_escape_like_text_reads_back_as_typed_everywhere(tmp_path):
    """Long text (written inline on a streamed sheet) holding '_x0041_' reads back as typed
    with openpyxl as well as calamine, and so does the Issues sheet's copy of a short one."""
    rows = tw.plan_rows()
    rows[0]["updates"] = "Workshops _x0041_ held. " * 1500  # cut, and inline
    rows[1]["updates"] = "<r>_x0042_ rich</r>"
    rows[2]["updates"] = "x" * 16_383 + "_x0043_"
    rows[3]["updates"] = "short _x0044_"
    out = write_consolidated(tw.make_merged(rows), tmp_path / "c.xlsx")
    ws = load_workbook(out)["Actions"]
    cal = pc.CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Actions").to_python()
    col = [c.value for c in ws[1]].index("Updates")
    cut = ws.cell(2, col + 1).value
    assert cut.startswith("Workshops _x0041_ held.") and "cut here" in cut
    assert cal[1][col] == cut
    for r in (3, 4, 5):
        assert ws.cell(r, col + 1).value == rows[r - 2]["updates"] == cal[r - 1][col]


def test_the_temporary_folder_goes_and_members_are_dated_1980(tmp_path):
    out = write_consolidated(tw.make_merged(), tmp_path / "c.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.xlsx"]
    with zipfile.ZipFile(out) as zf:
        assert zf.testzip() is None
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


# ---------------------------------------------------------------- any cells, either way
_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "=1+1", "{=1+1}", "<r>x</r>", "<r>", "_x0041_", "a_x00e9_b",
                     "&amp; <b>", "\x01\x1f", "\ufffe", "tab\tend", "line\nbreak", " pad ",
                     "\u00a0nbsp", "\U0001F600", "x" * 16_390 + "_x0041_"]),
)
_VALUE = st.one_of(
    _TEXT, _TEXT, _TEXT, st.none(), st.booleans(),
    st.integers(min_value=-(2 ** 63), max_value=2 ** 63),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2200, 1, 1)),
    st.datetimes(min_value=dt.datetime(1800, 1, 1), max_value=dt.datetime(2200, 1, 1)),
)


def _sheet(path, rows, formats_of, heights, streamed: bool, blanks: bool):
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False})
    fmts = Formats(wb)
    # (no date format: calamine panics on a huge number shown as a date, either way)
    choices = [None, fmts.text(), fmts.text(bold=True), fmts.integer(), fmts.text(italic=True)]
    ws = add_streaming_worksheet(wb, "S") if streamed else wb.add_worksheet("S")
    ws.add_table(0, 0, max(1, len(rows)), 3, {"name": "S", "columns": [
        {"header": h} for h in ("A", "B", "C", "D")]})
    for i, row in enumerate(rows):
        put_row(ws, fmts, i + 1, row, [choices[k] for k in formats_of[i]], blanks=blanks,
                height=heights[i], date_cols={3})
    ws.set_column(0, 3, 20)
    wb.close()
    return path


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_put_row_streamed_is_put_row_ordinary(tmp_path_factory, data):
    n = data.draw(st.integers(min_value=0, max_value=6))
    rows = [data.draw(st.lists(_VALUE, min_size=4, max_size=4)) for _ in range(n)]
    formats_of = [data.draw(st.lists(st.integers(0, 4), min_size=4, max_size=4))
                  for _ in range(n)]
    heights = [data.draw(st.sampled_from([None, 15.0, 30.0, 45.0, 405.0])) for _ in range(n)]
    blanks = data.draw(st.booleans())
    folder = tmp_path_factory.mktemp("rows")
    a = _sheet(folder / "streamed.xlsx", rows, formats_of, heights, True, blanks)
    b = _sheet(folder / "ordinary.xlsx", rows, formats_of, heights, False, blanks)
    ma, mb = meaning(a), meaning(b)
    ma.pop("docProps/core.xml"), mb.pop("docProps/core.xml")  # written when, to the second
    sheet = "xl/worksheets/sheet1.xml"
    # Text put_row leaves to xlsxwriter on a streamed sheet (without a format, long, or shaped
    # like rich-text XML) goes inline, where text holding an escape-like '_x0041_' is cut into
    # runs (see put_text): for those, compare what readers read instead.
    if any(isinstance(v, str) and re.search("_x[0-9a-fA-F]{4}_", v) and (
            k == 0 or len(v) > 16_383 or v.startswith("<r>"))
           for row, ks in zip(rows, formats_of) for v, k in zip(row, ks)):
        ma.pop(sheet), mb.pop(sheet)
    assert ma == mb
    read = [pc.CalamineWorkbook.from_path(str(p)).get_sheet_by_name("S").to_python()
            for p in (a, b)]
    assert read[0] == read[1]


def test_rows_go_through_xlsxwriter_when_the_check_fails(tmp_path, monkeypatch):
    """put_row's own row XML is checked once against the xlsxwriter installed; should a
    release write rows otherwise, every cell goes through xlsxwriter instead, as correct."""
    from xlplan.write import formats

    def wrong_tag(self, row, pixels):
        return f'<row r="{row + 1}" ht="1">'

    monkeypatch.setattr(formats.StreamingWorksheet, "_row_tag", wrong_tag)
    monkeypatch.setattr(formats, "_ROWS_OK", None)
    fallback = write_consolidated(hostile_month(), tmp_path / "fallback.xlsx")
    assert formats._ROWS_OK is False
    monkeypatch.undo()
    assert formats._ROWS_OK is not False
    streamed = write_consolidated(hostile_month(), tmp_path / "streamed.xlsx")
    # The text of the streamed sheets is inline then (and '_x0041_' cut into runs): the same
    # cells and formats for every reader.
    a, b = load_workbook(fallback), load_workbook(streamed)
    assert a.sheetnames == b.sheetnames
    for name in a.sheetnames:
        cells = [[(c.value, c.font.b, c.font.i, c.fill.fgColor.rgb, c.number_format)
                  for c in row] for row in a[name].iter_rows()]
        assert cells == [[(c.value, c.font.b, c.font.i, c.fill.fgColor.rgb, c.number_format)
                          for c in row] for row in b[name].iter_rows()], name
        assert a[name].row_dimensions.keys() == b[name].row_dimensions.keys()


def test_formulas_are_prepared_as_xlsxwriter_prepares_them():
    """``Sheet._prepare_formula`` skips xlsxwriter's 29 substitutions only where none applies:
    checked against xlsxwriter itself for every function name its source rewrites."""
    import inspect
    import re

    from xlsxwriter.worksheet import Worksheet

    from xlplan.write.formats import Sheet

    names = re.findall(r're\.sub\(r"\\[bS]([A-Z0-9._]+)\\\(',
                       inspect.getsource(Worksheet._prepare_formula))
    assert len(names) > 100  # the dynamic functions and the future ones
    formulas = ["=A1*B1", "{=SUM(A1:A3)}", "=IF(C2>=15,\"Red\",\"Amber\")", "=_xlfn.XLOOKUP(1,A:A,B:B)",
                "=COUNTIFS(Actions!R:R,\"Red\")", "=MAP(A1:A3,LAMBDA(x,x+1))", "=single(A1)",
                "=XMAP(A1)", "=SINGLE(A1)", "=ISINGLE(1)"]
    formulas += [f"=1+{n}(A1:B2)" for n in names] + [f"={n.lower()}(A1)" for n in names]
    fast, plain = Sheet(), Worksheet()
    for future in (False, True):
        fast.use_future_functions = plain.use_future_functions = future
        for f in formulas:
            for expand in (False, True):
                assert fast._prepare_formula(f, expand) == plain._prepare_formula(f, expand), f
