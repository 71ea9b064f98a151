"""Annotated copies: a comment on every offending cell, the cell highlighted, the input never
touched, and everything else in the SRO's workbook -- their own dropdowns and conditional
formats stored as x14 extensions, which openpyxl drops -- kept byte for byte."""
from __future__ import annotations

import hashlib
import re
import subprocess
import warnings
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from openpyxl import load_workbook

from xlplan.annotate import AnnotateError, annotate_all, annotate_file
from xlplan.api import collect_paths, validate
from xlplan.demo.plan import write_submissions
from xlplan.issues import Issue
from libreoffice import soffice_or_skip

X14_DV_EXT = (
    '<ext xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" '
    'uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"><x14:dataValidations count="1" '
    'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:dataValidation '
    'type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1"><x14:formula1>'
    "<xm:f>Lists!$A$1:$A$4</xm:f></x14:formula1><xm:sqref>F2:F20</xm:sqref>"
    "</x14:dataValidation></x14:dataValidations></ext>")


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def ext_lst(sheet_xml: bytes) -> bytes:
    """The sheet's own <extLst> (its last child), byte for byte."""
    start = sheet_xml.rindex(b"<extLst>")
    return sheet_xml[start:sheet_xml.rindex(b"</extLst>") + len(b"</extLst>")]


def comments(path: Path) -> dict[tuple[str, str], str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl: "extension is not supported"
        wb = load_workbook(path)
    return {(ws.title, c.coordinate): c.comment.text for ws in wb for row in ws.iter_rows()
            for c in row if c.comment}


def x14_workbook(path: Path, *, note_on: str | None = None) -> Path:
    """An SRO's plan with what Excel stores as x14 extensions: a dropdown pointing at another
    sheet (written as Excel 2010+ does, in the sheet's extLst) and 2010 data bars; an unknown
    RAG in D3, an update without RAG in row 4, a merged Action cell over rows 3-4."""
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Plan")
    lists = wb.add_worksheet("Lists")
    lists.write_column(0, 0, ["Green", "Amber", "Red", "Complete"])
    ws.write_row(0, 0, ["Action", "Sub action", "SRO", "RAG", "Budget", "Priority"])
    ws.write_row(1, 0, ["Theme 1: Commissioning", "", "", "", "", ""])
    ws.merge_range(2, 0, 3, 0, "Develop the market")
    ws.write_row(2, 1, ["1. Baseline assessment", "Caroline Paterson, PCC", "Purple", 40, "High"])
    ws.write_row(3, 1, ["2. Engage providers", "", "", 75, "Low"])
    ws.write(3, 6, "Provider forum held")  # an update in an unheaded column
    ws.data_validation(2, 3, 19, 3, {"validate": "list", "source": "=Lists!$A$1:$A$4"})
    ws.conditional_format(2, 4, 19, 4, {"type": "data_bar", "data_bar_2010": True})
    ws.conditional_format(2, 3, 19, 3, {"type": "cell", "criteria": "equal to",
                                        "value": '"Red"',
                                        "format": wb.add_format({"bg_color": "#FF0000"})})
    if note_on:
        ws.write_comment(note_on, "SRO's own note: check with finance")
        ws.write_comment("F1", "Priority: High/Medium/Low")
    wb.close()
    # Excel 2010+ keeps a list pointing at another sheet in the x14 extension.
    with zipfile.ZipFile(path) as zf:
        items = [(i, zf.read(i.filename)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in items:
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</extLst></worksheet>",
                                    X14_DV_EXT.encode() + b"</extLst></worksheet>")
            zf.writestr(info, data)
    return path


@pytest.fixture
def plan(tmp_path) -> Path:
    (tmp_path / "in").mkdir()
    return x14_workbook(tmp_path / "in" / "2018-03 Caroline Paterson.xlsx")


def issue(code, message, row=None, column=None, sheet="Plan", file="f.xlsx", value=None):
    return Issue(code=code, message=message, file=file, sheet=sheet, row=row, column=column,
                 value=value)


# ------------------------------------------------------------------------- comments, faithfully
def test_comment_on_every_offending_cell_and_input_untouched(plan, tmp_path):
    before = sha(plan)
    mtime = plan.stat().st_mtime_ns
    result = validate([plan.parent])
    found = {(i.code, i.cell) for i in result.issues}
    assert ("unknown-rag", "D3") in found
    written = annotate_all(result, collect_paths([plan.parent]), tmp_path / "out")
    assert written == [tmp_path / "out" / plan.name]
    assert sha(plan) == before and plan.stat().st_mtime_ns == mtime
    notes = comments(written[0])
    for i in result.issues:
        if i.row and i.column:
            text = notes[("Plan", i.cell)]
            assert i.code in text and i.message in text
    assert "Purple" in notes[("Plan", "D3")]
    # the annotated copy reads back with the same issues: nothing the reader sees has moved
    again = validate([written[0]])
    assert sorted((i.code, i.cell) for i in again.issues) == sorted(found)


def test_x14_dropdowns_and_formats_survive_byte_for_byte(plan, tmp_path):
    result = validate([plan])
    out = annotate_all(result, collect_paths([plan]), tmp_path / "out")[0]
    old, new = parts(plan), parts(out)
    sheet_old, sheet_new = old["xl/worksheets/sheet1.xml"], new["xl/worksheets/sheet1.xml"]
    assert b"x14:dataValidation " in ext_lst(sheet_old) and b"x14:dataBar" in ext_lst(sheet_old)
    assert ext_lst(sheet_new) == ext_lst(sheet_old)
    for element in (rb"<sheetData>.*</sheetData>", rb"<mergeCells.*</mergeCells>",
                    rb"<dataValidations.*</dataValidations>",
                    rb'<conditionalFormatting sqref="E3:E20">.*?</conditionalFormatting>',
                    rb'<conditionalFormatting sqref="D3:D20">.*?</conditionalFormatting>'):
        assert re.search(element, sheet_old, re.S).group(0) == \
            re.search(element, sheet_new, re.S).group(0)
    # every part but the ones that get the comments is copied unchanged, in the same order
    touched = {"xl/worksheets/sheet1.xml", "xl/styles.xml", "[Content_Types].xml",
               "xl/worksheets/_rels/sheet1.xml.rels"}
    for name, data in old.items():
        if name not in touched:
            assert new[name] == data, name
    assert list(new)[:len(old)] == list(old)
    added = set(new) - set(old)
    assert added == {"xl/comments1.xml", "xl/drawings/vmlDrawing1.vml",
                     "xl/worksheets/_rels/sheet1.xml.rels"} - set(old)
    # styles: highlight formats appended to <dxfs>, nothing else changed
    pattern = re.compile(rb'<dxfs count="(\d+)">(.*)</dxfs>', re.S)
    o, n = pattern.search(old["xl/styles.xml"]), pattern.search(new["xl/styles.xml"])
    assert n.group(2).startswith(o.group(2))
    assert int(n.group(1)) == n.group(2).count(b"<dxf>") > int(o.group(1))
    assert pattern.sub(b"", old["xl/styles.xml"]) == pattern.sub(b"", new["xl/styles.xml"])


def test_openpyxl_would_have_dropped_them(plan, tmp_path):
    """Why annotate works at the zip level: a load and save through openpyxl loses them."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(plan)
    wb.save(tmp_path / "resaved.xlsx")
    sheet = parts(tmp_path / "resaved.xlsx")["xl/worksheets/sheet1.xml"]
    assert b"x14:dataValidation" not in sheet and b"x14:dataBar" not in sheet


def test_cells_are_highlighted_by_severity(plan, tmp_path):
    result = validate([plan])
    out = annotate_all(result, collect_paths([plan]), tmp_path / "out")[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ws = load_workbook(out)["Plan"]
    rules = {}
    for rng, rs in ws.conditional_formatting._cf_rules.items():
        for r in rs:
            if r.type == "expression" and r.formula == ["TRUE"]:
                rules[str(rng.sqref)] = r
    error = next(r for sq, r in rules.items() if "D3" in sq.split())
    assert error.dxf.fill.bgColor.rgb == "FFFFC7CE"
    assert error.dxf.border.left.style == "thin" and error.dxf.border.left.color.rgb == "FFC00000"
    # the SRO's own rules are still there
    assert any(r.type == "cellIs" for rs in ws.conditional_formatting._cf_rules.values()
               for r in rs)
    # our rules come after theirs: priorities unique
    prios = [r.priority for rs in ws.conditional_formatting._cf_rules.values() for r in rs]
    assert len(prios) == len(set(prios))


def test_several_issues_on_one_cell_share_one_comment(plan, tmp_path):
    issues = [issue("unknown-rag", "RAG value 'Purple' is not on the scale", 3, "D", value="Purple"),
              issue("rag-colour-mismatch", "the RAG says Purple but the cell is red", 3, "D"),
              issue("missing-rag", "this action has an update but no RAG status", 4, "D")]
    out = annotate_file(plan, tmp_path / "a.xlsx", issues)
    notes = comments(out)
    d3 = notes[("Plan", "D3")]
    assert d3.startswith("xlplan:\n2 problems:")
    assert d3.index("unknown-rag") < d3.index("rag-colour-mismatch")  # worst first
    assert "Error (unknown-rag)" in d3 and "Warning (rag-colour-mismatch)" in d3
    assert "missing-rag" in notes[("Plan", "D4")]
    assert len(notes) == 2


def test_issues_without_a_cell_and_merged_cells(plan, tmp_path):
    issues = [
        issue("header-not-found", "no sheet has a header row", sheet=None),
        issue("hidden-sheet", "hidden sheet 'Old notes' was not read", sheet="Old notes"),
        issue("conflicting-ref", "Ref '1.1' is also submitted in 'other.xlsx'", 3),
        issue("missing-column", "no RAG column in the header row", 1),
        issue("unknown-marker", "milestone 'soon' in Q1", 4, "A"),  # under the merged A3:A4
        issue("bad-value", "a whole column of text", column="E"),
        issue("fragment-row", "a row holding only 'Operations'", 2, "B", sheet="Plan"),
    ]
    out = annotate_file(plan, tmp_path / "a.xlsx", issues)
    notes = comments(out)
    a1 = notes[("Plan", "A1")]
    assert "[the whole file]" in a1 and "header-not-found" in a1
    assert "[sheet 'Old notes']" in a1
    assert "[row 1]" in a1 and "missing-column" in a1
    a3 = notes[("Plan", "A3")]
    assert "[row 3]" in a3 and "conflicting-ref" in a3
    assert "[cell A4]" in a3 and "unknown-marker" in a3  # moved to the merge's top-left cell
    assert ("Plan", "A4") not in notes
    assert "[column E]" in notes[("Plan", "E1")]
    assert "fragment-row" in notes[("Plan", "B2")]


def test_existing_comments_are_kept_and_merged(tmp_path):
    src = x14_workbook(tmp_path / "noted.xlsx", note_on="D3")
    old = parts(src)
    result = validate([src])
    out = annotate_all(result, collect_paths([src]), tmp_path / "out")[0]
    notes = comments(out)
    d3 = notes[("Plan", "D3")]
    assert d3.startswith("SRO's own note: check with finance")
    assert "unknown-rag" in d3
    assert notes[("Plan", "F1")] == "Priority: High/Medium/Low"
    new = parts(out)
    assert set(new) == set(old)  # no new parts: the comments and drawing were merged into
    vml_old, vml_new = old["xl/drawings/vmlDrawing1.vml"], new["xl/drawings/vmlDrawing1.vml"]
    assert vml_new.startswith(vml_old[:vml_old.rindex(b"</xml>")])  # appended, not rewritten
    assert vml_new.count(b"<v:shape ") == vml_old.count(b"<v:shape ") + \
        len([k for k in notes if k not in (("Plan", "D3"), ("Plan", "F1"))])
    ids = re.findall(rb'id="(_x0000_s\d+)"', vml_new)
    assert len(ids) == len(set(ids))
    assert new["xl/worksheets/sheet1.xml"].count(b"<legacyDrawing") == 1


def test_prefixed_sheet_xml_is_annotated_in_its_own_prefix(plan, tmp_path):
    """Files from the .NET Open XML SDK write every element as <x:...>."""
    src = tmp_path / "prefixed.xlsx"
    with zipfile.ZipFile(plan) as zf:
        items = [(i, zf.read(i.filename)) for i in zf.infolist()]
    with zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in items:
            if info.filename in ("xl/worksheets/sheet1.xml", "xl/styles.xml"):
                data = re.sub(rb"<(/?)([A-Za-z]+)([\s/>])", rb"<\1x:\2\3", data)
                data = data.replace(b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                                    b'2006/main"', b'xmlns:x="http://schemas.openxmlformats.org/'
                                    b'spreadsheetml/2006/main"')
            zf.writestr(info, data)
    issues = [issue("unknown-rag", "RAG value 'Purple' is not on the scale", 3, "D")]
    out = annotate_file(src, tmp_path / "a.xlsx", issues)
    sheet = parts(out)["xl/worksheets/sheet1.xml"]
    assert b"<x:legacyDrawing " in sheet and b"<x:conditionalFormatting sqref=\"D3\">" in sheet
    assert b"<x:dxf>" in parts(out)["xl/styles.xml"]
    assert "unknown-rag" in comments(out)[("Plan", "D3")]


def test_same_input_gives_the_same_bytes(plan, tmp_path):
    result = validate([plan])
    a = annotate_all(result, collect_paths([plan]), tmp_path / "a")[0]
    b = annotate_all(result, collect_paths([plan]), tmp_path / "b")[0]
    assert sha(a) == sha(b)


# ------------------------------------------------------------------------------ annotate_all
def test_annotate_all_over_a_folder(tmp_path):
    folder = tmp_path / "returns"
    write_submissions(folder / "march", "2018-03")
    (folder / "march" / "notes.txt").write_text("not a workbook")
    (folder / "march" / "broken.xlsx").write_text("Action,RAG\nx,Green\n")  # a CSV
    (folder / "march" / "~$2018-03 Jo Beer.xlsx").write_bytes(b"lock")
    hashes = {p: sha(p) for p in folder.rglob("*") if p.is_file()}
    result = validate([folder])
    files = collect_paths([folder])
    out = tmp_path / "annotated"
    written = annotate_all(result, files, out)
    with_issues = {i.file for i in result.issues}
    expected = sorted(out / d for p, d in files
                      if d in with_issues and d.endswith(".xlsx") and "~$" not in d
                      and "broken" not in d)
    assert sorted(written) == expected and written
    assert all(p.parent == out / "march" for p in written)  # the folder layout is kept
    assert written.skipped == [("march/broken.xlsx", "it could not be read as a workbook")]
    assert {p: sha(p) for p in hashes} == hashes
    for path in written:
        display = path.relative_to(out).as_posix()
        notes = comments(path)
        mine = [i for i in result.issues if i.file == display]
        for i in mine:
            if i.row and i.column:
                assert i.code in notes[(i.sheet, i.cell)], (display, i)
            else:  # e.g. hidden-sheet: on A1 of the first visible sheet
                assert any(i.code in text for text in notes.values()), (display, i)


def test_never_overwrites_the_input(plan):
    result = validate([plan.parent])
    written = annotate_all(result, collect_paths([plan.parent]), plan.parent)
    assert written == [plan.parent / "2018-03 Caroline Paterson (annotated).xlsx"]
    with pytest.raises(AnnotateError, match="overwrite"):
        annotate_file(plan, plan, [])


def test_hostile_input_is_refused_not_parsed(tmp_path, plan):
    src = tmp_path / "dtd.xlsx"
    with zipfile.ZipFile(plan) as zf:
        items = [(i, zf.read(i.filename)) for i in zf.infolist()]
    with zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in items:
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/'
                                    b'passwd">]>', 1)
            zf.writestr(info, data)
    with pytest.raises(AnnotateError):
        annotate_file(src, tmp_path / "out.xlsx", [issue("unknown-rag", "x", 3, "D")])
    assert not (tmp_path / "out.xlsx").exists()
    with pytest.raises(AnnotateError):
        (tmp_path / "text.xlsx").write_text("hello")
        annotate_file(tmp_path / "text.xlsx", tmp_path / "out.xlsx", [])


# ------------------------------------------------------------------------------ LibreOffice


@pytest.mark.libreoffice
def test_libreoffice_opens_the_copy_and_reads_the_comments(plan, tmp_path):
    exe = soffice_or_skip()
    with_note = x14_workbook(tmp_path / "noted.xlsx", note_on="D3")
    result = validate([plan, with_note])
    written = annotate_all(result, collect_paths([plan, with_note]), tmp_path / "out")
    assert len(written) == 2
    profile = (tmp_path / "profile").as_uri()
    # LibreOffice re-saves each copy as .xlsx: the comments it parsed are in what it writes.
    subprocess.run([exe, f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                    "xlsx", "--outdir", str(tmp_path / "lo"), *map(str, written)],
                   check=True, capture_output=True, timeout=240)
    for path in written:
        ours = comments(path)
        theirs = comments(tmp_path / "lo" / path.name)
        assert set(theirs) == set(ours)
        for key, text in ours.items():
            assert " ".join(theirs[key].split()) == " ".join(text.split())
    subprocess.run([exe, f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path / "pdf"), str(written[0])],
                   check=True, capture_output=True, timeout=240)
    assert (tmp_path / "pdf" / (written[0].stem + ".pdf")).read_bytes().startswith(b"%PDF")


def test_annotating_an_annotated_copy_replaces_xlplan_comments(plan, tmp_path):
    first = annotate_file(plan, tmp_path / "a.xlsx",
                          [issue("unknown-rag", "RAG value 'Purple' is not on the scale", 3, "D")])
    again = annotate_file(first, tmp_path / "b.xlsx",
                          [issue("missing-rag", "this action has an update but no RAG", 3, "D")])
    text = comments(again)[("Plan", "D3")]
    assert text == "xlplan:\nWarning (missing-rag): this action has an update but no RAG"


def test_cli_validate_annotate(plan, tmp_path):
    from click.testing import CliRunner

    from xlplan.cli import main

    before = sha(plan)
    out = tmp_path / "annotated"
    res = CliRunner().invoke(main, ["validate", str(plan.parent), "--annotate", str(out)])
    assert res.exit_code == 1  # errors found
    assert "unknown-rag" in res.output
    assert (out / plan.name).exists() and sha(plan) == before
    assert "unknown-rag" in comments(out / plan.name)[("Plan", "D3")]


def test_too_many_problems_keep_the_worst_comments_and_highlight_all(plan, tmp_path,
                                                                     monkeypatch):
    import xlplan.annotate.sheet as annotate_sheet

    monkeypatch.setattr(annotate_sheet, "MAX_COMMENTS", 3)
    issues = [issue("missing-rag", f"no RAG on row {r}", r, "D") for r in range(5, 10)]
    issues.append(issue("unknown-rag", "RAG value 'Purple' is not on the scale", 3, "D"))
    out = annotate_file(plan, tmp_path / "a.xlsx", issues)
    notes = comments(out)
    assert set(notes) == {("Plan", "A1"), ("Plan", "D3"), ("Plan", "D5")}
    assert notes[("Plan", "A1")].startswith("xlplan:\n4 more cells on this sheet have problems")
    sheet = parts(out)["xl/worksheets/sheet1.xml"]
    assert b'sqref="D3"' in sheet and b'sqref="D5:D9"' in sheet  # all highlighted


def test_a_workbook_without_formats_or_comments(tmp_path):
    """<dxfs count="0"/>, no comments, no drawings: every part is created."""
    src = tmp_path / "bare.xlsx"
    wb = xlsxwriter.Workbook(src)
    wb.add_worksheet("S").write_string(0, 0, "Action")
    wb.close()
    assert b'<dxfs count="0"/>' in parts(src)["xl/styles.xml"]
    out = annotate_file(src, tmp_path / "a.xlsx", [issue("unknown-rag", "bad", 2, "B", "S")])
    assert comments(out) == {("S", "B2"): "xlplan:\nError (unknown-rag): bad"}
    assert b'<dxfs count="2"><dxf>' in parts(out)["xl/styles.xml"]
    ct = parts(out)["[Content_Types].xml"]
    assert b'Extension="vml"' in ct and b'PartName="/xl/comments1.xml"' in ct
