"""The row sheets of the consolidated workbook (Actions, Exceptions, Changes, Submissions,
Issues), written a row at a time with xlplan.write.formats.put_row.

put_row takes xlsxwriter's typed methods straight for the common cells and leaves every other
value to ``put``; these tests hold it to ``put`` cell by cell (the reference path), compare the
workbook parts by meaning (cell formats named by what they are, shared strings in place, row
spans left out), and check that the writer keeps to xlsxwriter's public API.
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
from xlplan.write import write_consolidated
from xlplan.write.formats import Formats, is_blank, put, put_row
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


def test_a_month_with_hostile_cells_reads_back_as_written(tmp_path):
    """Text that looks like formulas, rich-text XML, control characters, long text, and
    decimals, booleans, big integers and date-times in an extra column: every cell reads back
    as the merge holds it (text as text), with openpyxl and calamine alike."""
    month = hostile_month()
    out = write_consolidated(month, tmp_path / "c.xlsx")
    ws = load_workbook(out)["Actions"]
    header = [c.value for c in ws[1]]
    col = {h: header.index(h) + 1 for h in ("Updates", "=SUM(A1:A2)", "<r>Notes</r>",
                                            "Budget code")}
    assert ws.cell(2, col["=SUM(A1:A2)"]).value == "=1+1"
    assert ws.cell(2, col["=SUM(A1:A2)"]).data_type == "s"
    assert ws.cell(2, col["<r>Notes</r>"]).value == "<r>note</r>"
    assert ws.cell(3, col["Updates"]).value == " lead & trail <b> \n"
    assert ws.cell(5, col["Updates"]).value == "tab\tnewline\nend "
    assert ws.cell(6, col["Updates"]).value == "emoji \U0001F600 and _x0041_ and _X0041_"
    assert "cut here" in ws.cell(2, col["Updates"]).value
    budget = [ws.cell(r, col["Budget code"]).value for r in (8, 9, 10, 11)]
    assert budget[:3] == [12.5, True, 2 ** 60]
    assert budget[3] == dt.datetime(2018, 3, 1, 9, 30)
    cal = pc.CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Actions").to_python()
    assert cal[2][col["Updates"] - 1] == " lead & trail <b> \n"


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


def _sheet(path, rows, formats_of, heights, by_row: bool, blanks: bool):
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False})
    fmts = Formats(wb)
    # (no date format: calamine panics on a huge number shown as a date, either way)
    choices = [None, fmts.text(), fmts.text(bold=True), fmts.integer(), fmts.text(italic=True)]
    ws = wb.add_worksheet("S")
    ws.add_table(0, 0, max(1, len(rows)), 3, {"name": "S", "columns": [
        {"header": h} for h in ("A", "B", "C", "D")]})
    for i, row in enumerate(rows):
        formats = [choices[k] for k in formats_of[i]]
        if by_row:
            put_row(ws, fmts, i + 1, row, formats, blanks=blanks, height=heights[i],
                    date_cols={3})
            continue
        for c, value in enumerate(row):  # the reference: put, cell by cell
            if blanks or not is_blank(value):
                put(ws, fmts, i + 1, c, value, formats[c],
                    date_fmt=formats[c] if c == 3 else None)
        if heights[i]:
            ws.set_row(i + 1, heights[i])
    ws.set_column(0, 3, 20)
    wb.close()
    return path


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_put_row_writes_what_put_writes_cell_by_cell(tmp_path_factory, data):
    n = data.draw(st.integers(min_value=0, max_value=6))
    rows = [data.draw(st.lists(_VALUE, min_size=4, max_size=4)) for _ in range(n)]
    formats_of = [data.draw(st.lists(st.integers(0, 4), min_size=4, max_size=4))
                  for _ in range(n)]
    heights = [data.draw(st.sampled_from([None, 15.0, 30.0, 45.0, 405.0])) for _ in range(n)]
    blanks = data.draw(st.booleans())
    folder = tmp_path_factory.mktemp("rows")
    a = _sheet(folder / "by_row.xlsx", rows, formats_of, heights, True, blanks)
    b = _sheet(folder / "by_cell.xlsx", rows, formats_of, heights, False, blanks)
    ma, mb = meaning(a), meaning(b)
    ma.pop("docProps/core.xml"), mb.pop("docProps/core.xml")  # written when, to the second
    assert ma == mb
    read = [pc.CalamineWorkbook.from_path(str(p)).get_sheet_by_name("S").to_python()
            for p in (a, b)]
    assert read[0] == read[1]


#: What the writer must not reach into: xlsxwriter's modules behind its public classes, its
#: worksheet hooks and private state (any of these ties the output to one release).
_PRIVATE = re.compile(r"xlsxwriter\.(worksheet|workbook|sharedstrings|xmlwriter)\b|"
                      r"worksheet_class|constant_memory|\b(ws|wb|sheet|self)\._(?!_)[a-z]\w*\(|"
                      r"\b(ws|wb)\.(table|str_table|previous_row|fileclosed|row_data_fh)\b")


def test_the_writer_keeps_to_xlsxwriters_public_api():
    from pathlib import Path

    import xlplan

    root = Path(xlplan.__file__).parent
    found = []
    for path in [*root.glob("write/*.py"), root / "template.py", *root.glob("pack/*.py")]:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if _PRIVATE.search(code) and "self._" not in code:
                found.append(f"{path.name}:{n}: {line.strip()}")
            elif re.search(r"\b(ws|wb)\._\w", code):
                found.append(f"{path.name}:{n}: {line.strip()}")
    assert not found, "\n".join(found)


def test_the_same_workbook_whatever_the_cell_order(tmp_path):
    """put_row and put give the same parts for a whole month (the Actions sheet written by
    rows, and again with every cell put one by one)."""
    by_row = write_consolidated(hostile_month(), tmp_path / "rows.xlsx")

    def by_cell(ws, fmts, row, values, cell_formats, *, blanks=True, height=None,
                date_cols=()):
        for c, value in enumerate(values):
            if blanks or not is_blank(value):
                put(ws, fmts, row, c, value, cell_formats[c],
                    date_fmt=cell_formats[c] if c in date_cols else None)
        if height:
            ws.set_row(row, height)

    with pytest.MonkeyPatch.context() as mp:
        for mod in ("actions", "tables"):
            mp.setattr(f"xlplan.write.{mod}.put_row", by_cell)
        one_by_one = write_consolidated(hostile_month(), tmp_path / "cells.xlsx")
    a, b = meaning(by_row), meaning(one_by_one)
    assert a.keys() == b.keys()
    for name in a:
        assert a[name] == b[name], name


def test_a_report_sheet_too_big_for_a_table_is_a_filtered_range(tmp_path, monkeypatch):
    """Beyond TABLE_MAX_CELLS a report sheet (here Issues, Submissions) is written as a
    filtered range (xlsxwriter keeps a record of every cell of a table), and the Dashboard's
    formulas name it by a fixed range instead of ``Issues[...]``, with the same cached values.
    Actions stays a table whatever its size: Power Query users point at it."""
    from xlplan.write import formats

    small = write_consolidated(tw.make_merged(), tmp_path / "tables.xlsx")
    monkeypatch.setattr(formats, "TABLE_MAX_CELLS", 40)  # any report sheet here is "big"
    big = write_consolidated(tw.make_merged(), tmp_path / "ranges.xlsx")
    a, b = load_workbook(small), load_workbook(big)
    assert a["Actions"].tables["Actions"].ref == b["Actions"].tables["Actions"].ref
    assert "Issues" in a["Issues"].tables and not b["Issues"].tables
    assert b["Issues"].auto_filter.ref == a["Issues"].tables["Issues"].ref
    assert not b["Submissions"].tables and b["Submissions"].auto_filter.ref.startswith("A1:")
    assert b["Issues"].freeze_panes == "A2"
    for ra, rb in zip(a["Issues"].iter_rows(), b["Issues"].iter_rows()):
        assert [(c.value, c.fill.fgColor.rgb, c.font.b) for c in ra] == \
            [(c.value, c.fill.fgColor.rgb, c.font.b) for c in rb]
    n = a["Issues"].max_row
    fa = [c.value for row in a["Dashboard"].iter_rows() for c in row
          if isinstance(c.value, str) and c.value.startswith("=") and "Issues" in c.value]
    fb = [c.value for row in b["Dashboard"].iter_rows() for c in row
          if isinstance(c.value, str) and c.value.startswith("=") and "Issues" in c.value]
    assert fa and all("Issues[Severity]" in f for f in fa)
    assert len(fb) == len(fa) and all(f"'Issues'!$A$2:$A${n}" in f for f in fb), fb
    va = [c.value for row in load_workbook(small, data_only=True)["Dashboard"].iter_rows()
          for c in row]
    vb = [c.value for row in load_workbook(big, data_only=True)["Dashboard"].iter_rows()
          for c in row]
    assert va == vb


def test_a_date_is_the_cell_xlsxwriters_write_datetime_makes(tmp_path):
    """put_row and put write a date as the serial number Excel stores for it: the sheet is the
    one xlsxwriter's own write_datetime makes, around Excel's 29 February 1900 too."""
    days = [dt.date(1900, 1, 1), dt.date(1900, 2, 28), dt.date(1900, 3, 1),
            dt.date(1999, 12, 31), dt.date(2018, 6, 30), dt.date(2024, 2, 29),
            dt.date(9999, 12, 31)]
    days += [dt.date(1900, 1, 1) + dt.timedelta(days=n) for n in range(0, 80_000, 997)]

    def sheet(path, how):
        wb = xlsxwriter.Workbook(str(path))
        fmts = Formats(wb)
        ws = wb.add_worksheet("S")
        for i, day in enumerate(days):
            if how == "put_row":
                put_row(ws, fmts, i, [day, day], [fmts.date(bold=True), None], date_cols={0})
            elif how == "put":
                put(ws, fmts, i, 0, day, date_fmt=fmts.date(bold=True))
                put(ws, fmts, i, 1, day)
            else:
                ws.write_datetime(i, 0, day, fmts.date(bold=True))
                ws.write_datetime(i, 1, day, fmts.date())
        wb.close()
        with zipfile.ZipFile(path) as zf:
            return zf.read("xl/worksheets/sheet1.xml")

    reference = sheet(tmp_path / "datetime.xlsx", "write_datetime")
    assert sheet(tmp_path / "put_row.xlsx", "put_row") == reference
    assert sheet(tmp_path / "put.xlsx", "put") == reference
    got = load_workbook(tmp_path / "put_row.xlsx")["S"]
    assert [got.cell(i + 1, 2).value.date() for i in range(len(days))] == days
