"""The consolidated workbook: every row kept, text kept as text, formulas with their values,
charts on the right ranges, the same bytes for the same month, written atomically, and read
back as next month's --previous.

Merged months are built by hand from the real text of the Plymouth CQC Action Plan 2018-19
(seed 000), with the hostile cells an SRO's workbook can hold.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from xlplan.config import load_config
from xlplan.consolidated import ACTION_HEADERS, read_previous
from xlplan.issues import FileInfo, Issue, SheetInfo, at
from xlplan.merging import Merged
from xlplan.normalise.actions import ACTION_COLUMNS
from xlplan.write import OutputError, write_consolidated
from libreoffice import soffice_or_skip

T1 = "Theme 1: Commissioning & Market Management"
T2 = "Theme 2: Staff and Organisational Development"
AIM1 = ("Aim: Recognising our system challenges, Integrated Commissioners have set out a number "
        "of intentions. This programme will build on the existing provider landscape, address "
        "current funding challenges and enhance the use of our voluntary sector organisations")
MCARDLE = "Craig McArdle, Director of Integrated Commissioning, PCC/NEW Devon CCG"
PATERSON = "Caroline Paterson, Strategic Commissioning Manager, PCC"
BURGOYNE = "Carole Burgoyne, Strategic Director for People, Plymouth City Council"
F1, F2, F3 = "2018-03 Craig McArdle.xlsx", "2018-03 Caroline Paterson.xlsx", \
    "2018-03 Carole Burgoyne.xlsx"

HOSTILE = ['=HYPERLINK("http://x","y")', "{=1+1}", "=", "http://example.org", "0123",
           "+44 1752", "@risk", "<r>bold</r>", "-2 weeks late", "_x0041_"]
LEVELS = ["Complete", "Green", "Amber/Green", "Amber", "Amber/Red", "Red"]


def programme(**labels):
    over = {"programme": {"name": "Plymouth CQC Action Plan 2018-19"},
            "rag": {"labels": {"Amber/Green": "Yellow", **labels}}}
    return load_config(overrides=over)


def row(file, source_row, theme, action, sub_action, sro, rag="", *, q=("", "", "", ""),
        updates="", risks="", due="", due_date=None, overdue=False, movement="", previous="",
        status="", codes="", error=False, ref="", **extra):
    rec = {c: "" for c in ACTION_COLUMNS}
    rec.update(file=file, sheet="Action Plan", source_row=source_row,
               key=ref or "K-" + hashlib.sha1(f"{theme}|{action}|{sub_action}".encode())
               .hexdigest()[:10].upper(), ref=ref,
               theme=theme, aim=AIM1 if theme == T1 else "", action=action,
               sub_action=sub_action, sro=sro, q1=q[0], q2=q[1], q3=q[2], q4=q[3],
               updates=updates, risks_issues=risks, rag=rag, rag_text=rag, due=due,
               due_date=due_date, complete=False, previous_rag=previous, movement=movement,
               status=status, overdue=overdue, issue_codes=codes, has_error=error)
    rec.update(extra)
    return rec


def plan_rows() -> list[dict]:
    a1 = "Develop commissioning intentions to signal market requirements 18/19"
    a2 = "Develop and remodel the care home market"
    a3 = "Develop and remodel the Dom Care Market"
    a4 = "Develop local workforce strategy & Implementation Plan"
    return [
        row(F1, 5, T1, a1, "1. Develop draft Commissioning Intentions", MCARDLE, "Green",
            q=("X", "", "", ""), due="Q1", due_date=dt.date(2018, 6, 30), movement="Same",
            previous="Green",
            updates="Draft commissioning intentions developed shared with Local Care "
                    "Partnership Board. Intentions build on approved Commissioning Strategies "
                    "and articulate priorities for next 2 years", **{"Budget code": "PCC-114"}),
        row(F1, 6, T1, a1, "2. Commissioning Intentions signed off ready for consultation",
            MCARDLE, "Green", q=("X", "", "", ""), due="Q1", due_date=dt.date(2018, 6, 30),
            movement="Improved", previous="Amber/Green",
            updates="Governance process commenced agreed by Cabinet Planning 27/2 scheduled for "
                    "Cabinet 13/3 and Governing Body 22/3", **{"Budget code": 4411}),
        row(F1, 7, T1, a1, "3. Consultation using existing SDG's and Provider forums", MCARDLE,
            "", q=("", "X", "", ""), due="Q2", due_date=dt.date(2018, 9, 30), movement="Same",
            updates=HOSTILE[0], risks=HOSTILE[1]),
        row(F2, 5, T1, a2, "1. Baseline assessment against EHCH model", PATERSON, "Complete",
            q=("Complete", "", "", ""), due="Q1", due_date=dt.date(2018, 6, 30),
            movement="Improved", previous="Green",
            updates="Baseline Assessment Completed and submitted to STP"),
        row(F2, 6, T1, a2, "2. Develop Project Plan", PATERSON, "Amber/Green",
            q=("X", "", "", ""), due="Q1", due_date=dt.date(2018, 6, 30), movement="Worsened",
            previous="Green", updates="Project Plan in development and Programme Group "
                                      "Established. Workshops with providers planned."),
        row(F2, 8, T1, a3, "2. Develop Baseline Assessment of Market", PATERSON, "Red",
            q=("", "X", "", ""), due="Q2", due_date=dt.date(2018, 9, 30), movement="New",
            updates=HOSTILE[2], risks=HOSTILE[3], codes="formula-like-text"),
        row(F2, 9, T1, a3, "3. Develop New Model of Care and Future Capacity", PATERSON,
            "Amber/Red", q=("", "X", "", ""), due="Q2", due_date=dt.date(2018, 9, 30),
            updates=HOSTILE[4], risks=HOSTILE[5]),
        row(F2, 10, T1, a3, "4. Commission New Model of Care", PATERSON, "",
            rag_text_override="Purple", updates=HOSTILE[6], risks=HOSTILE[7],
            codes="unknown-rag", error=True),
        row(F3, 5, T2, a4, "Develop workforce strategy group", BURGOYNE, "Amber",
            q=("X", "", "", ""), due="Q1", due_date=dt.date(2017, 6, 30), overdue=True,
            updates="Strategic group to meet before end of March with agreed Terms of "
                    "Reference", risks=HOSTILE[8]),
        row(F3, 6, T2, a4, "Gather existing strategies and plans across the system", BURGOYNE,
            "Amber", q=("", "", "", "X"), due="Q4", due_date=dt.date(2019, 3, 31),
            status="Carried forward", updates=HOSTILE[9]),
    ]


def files() -> list[FileInfo]:
    return [
        FileInfo(path=F1, status="ok", sha256="a" * 64, modified="2018-03-05T09:14:00Z",
                 size=18_211, sro="Craig McArdle",
                 sheets=[SheetInfo("Action Plan", "action_plan", 4, 3)]),
        FileInfo(path=F2, status="errors", sha256="b" * 64, modified="2018-03-06T16:40:12Z",
                 size=21_004, sro="Caroline Paterson",
                 sheets=[SheetInfo("Action Plan", "action_plan", 4, 5),
                         SheetInfo("Notes", "other")]),
        FileInfo(path=F3, status="ok", sha256="c" * 64, modified="2018-03-07T08:00:00Z",
                 size=15_877, sro="Carole Burgoyne",
                 sheets=[SheetInfo("CQC actions", "action_plan", 2, 2)]),
        FileInfo(path="2018-03 Jo Beer.xlsx", status="failed", sha256="d" * 64,
                 modified="2018-03-07T11:00:00Z", size=4_933, sro="Jo Beer"),
        FileInfo(path="~$2018-03 Craig McArdle.xlsx", status="skipped", size=165),
    ]


def issues() -> list[Issue]:
    return [
        at("unknown-rag", "RAG value 'Purple' is not on the scale (Complete, Green, Yellow, "
           "Amber, Amber/Red, Red)", file=F2, sheet="Action Plan", row=10, col=9,
           value="Purple"),
        at("formula-like-text", "text starting with = kept as text", file=F2,
           sheet="Action Plan", row=8, col=7, value=HOSTILE[2]),
        at("unreadable-file", "the workbook could not be read", file="2018-03 Jo Beer.xlsx"),
        at("overdue", "due Q1 (by 30 Jun 2017) and not marked Complete", file=F3,
           sheet="Action Plan", row=5, col=3),
        at("skipped-file", "skipped: an Excel lock file", file="~$2018-03 Craig McArdle.xlsx"),
        at("missing-rag", "an action with an update but no RAG", file=F1, sheet="Action Plan",
           row=7, col=9),
    ]


def history(*periods) -> pd.DataFrame:
    recs = []
    for i, p in enumerate(periods):
        counts = {lv: (i + j) % 3 for j, lv in enumerate(LEVELS)}
        recs.append({"period": p, **counts, "Not reported": 2, "Total": sum(counts.values()) + 2})
    return pd.DataFrame(recs, columns=["period", *LEVELS, "Not reported", "Total"])


def make_merged(rows=None, *, prog=None, previous=None, hist=("2018-01", "2018-02", "2018-03"),
                extra=("Budget code",), changes=None, the_issues=None, the_files=None) -> Merged:
    rows = plan_rows() if rows is None else rows
    for r in rows:
        if "rag_text_override" in r:
            r["rag_text"] = r.pop("rag_text_override")
    cols = [*ACTION_COLUMNS, *extra, "previous_rag", "movement", "status", "overdue",
            "issue_codes", "has_error"]
    df = pd.DataFrame.from_records(rows, columns=cols)
    for c in extra:
        df[c] = df[c].astype(object).where(df[c].notna(), "")
    change_cols = ["change", "key", "ref", "theme", "action", "sub_action", "sro",
                   "previous_rag", "rag", "file"]
    if changes is None:
        changes = pd.DataFrame(columns=change_cols)
    return Merged(programme=prog or programme(), period="2018-03",
                  files=files() if the_files is None else the_files, actions=df,
                  risks=pd.DataFrame(), scorecards=pd.DataFrame(),
                  issues=issues() if the_issues is None else the_issues, changes=changes,
                  history=history(*hist), extra_columns=list(extra), previous_path=previous)


@pytest.fixture
def write_merged():
    return make_merged()


@pytest.fixture
def write_out(tmp_path, write_merged):
    path = tmp_path / "Consolidated 2018-03.xlsx"
    written = write_consolidated(write_merged, path)
    return written


def header_index(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[1] if c.value is not None}


# ------------------------------------------------------------------------------------ Actions
def test_every_row_is_written_as_a_table_from_a1(write_out, write_merged):
    wb = load_workbook(write_out)
    assert wb.sheetnames[:2] == ["Dashboard", "Actions"]
    ws = wb["Actions"]
    headers = [c.value for c in ws[1]]
    assert headers == [*ACTION_HEADERS, "Budget code"]
    for needed in ("Ref", "Theme", "Aim", "Action", "Sub action", "SRO", "Q1", "Q2", "Q3", "Q4",
                   "Updates", "Risks/Issues", "RAG", "Source file", "Source row"):
        assert needed in headers
    n = len(write_merged.actions)
    assert ws.max_row == n + 1
    assert ws.tables["Actions"].ref == f"A1:Y{n + 1}"
    assert ws.freeze_panes == "A2"
    h = header_index(ws)
    subs = [ws.cell(r, h["Sub action"]).value for r in range(2, n + 2)]
    assert subs == list(write_merged.actions["sub_action"])
    assert [ws.cell(r, h["Source row"]).value for r in range(2, n + 2)] == \
        list(write_merged.actions["source_row"])
    assert ws.cell(2, h["Budget code"]).value == "PCC-114"
    assert ws.cell(3, h["Budget code"]).value == 4411
    # RAG as the programme's labels; an unknown RAG as the SRO typed it
    rags = [ws.cell(r, h["RAG"]).value for r in range(2, n + 2)]
    assert rags[:6] == ["Green", "Green", None, "Complete", "Yellow", "Red"]
    assert rags[7] == "Purple"
    # due dates are real dates
    due = ws.cell(2, h["Due"])
    assert due.is_date and due.value.date() == dt.date(2018, 6, 30)


def test_rag_columns_have_one_conditional_format_per_level(write_out):
    ws = load_workbook(write_out)["Actions"]
    rules: dict[str, dict[str, str]] = {}
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            assert rule.type == "cellIs" and rule.operator == "equal"
            rules.setdefault(str(cf.sqref), {})[rule.formula[0]] = rule.dxf.fill.bgColor.rgb
    n = ws.max_row
    labels = ["Complete", "Green", "Yellow", "Amber", "Amber/Red", "Red"]
    for col in ("Q", "R"):  # RAG, Previous RAG
        got = rules[f"{col}2:{col}{n}"]
        assert sorted(got) == sorted(f'"{lab}"' for lab in labels)
    assert rules[f"Q2:Q{n}"]['"Red"'].endswith("FF0000")
    assert rules[f"Q2:Q{n}"]['"Yellow"'].endswith("FFFF00")


def test_rag_dropdown_lists_the_programme_labels(write_out):
    ws = load_workbook(write_out)["Actions"]
    dvs = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert len(dvs) == 1
    assert str(dvs[0].sqref) == f"Q2:Q{ws.max_row}"
    assert dvs[0].formula1 == '"Complete,Green,Yellow,Amber,Amber/Red,Red"'


def test_text_that_looks_like_a_formula_stays_text(write_out):
    import python_calamine as pc

    wb = load_workbook(write_out)
    ws = wb["Actions"]
    h = header_index(ws)
    found = {}
    for r in range(2, ws.max_row + 1):
        for name in ("Updates", "Risks/Issues"):
            cell = ws.cell(r, h[name])
            if cell.value in HOSTILE:
                found[cell.value] = cell.data_type
    assert found == {v: "s" for v in HOSTILE}
    # calamine (the reader of --previous) sees the same strings
    rows = pc.CalamineWorkbook.from_path(str(write_out)).get_sheet_by_name("Actions").to_python()
    seen = {v for r in rows for v in r if isinstance(v, str)}
    assert set(HOSTILE) <= seen
    # and no formula anywhere on Actions: the sheet XML holds no <f> element
    with zipfile.ZipFile(write_out) as zf:
        assert b"<f>" not in zf.read("xl/worksheets/sheet2.xml")
        assert b"<hyperlink" not in zf.read("xl/worksheets/sheet2.xml")


def test_error_rows_and_carried_rows_are_marked(write_out, write_merged):
    ws = load_workbook(write_out)["Actions"]
    h = header_index(ws)
    df = write_merged.actions
    err = int(df.index[df["has_error"]][0]) + 2
    assert ws.cell(err, h["Issues"]).value == "unknown-rag"
    assert ws.cell(err, h["Issues"]).fill.fgColor.rgb.endswith("FFC7CE")
    carried = int(df.index[df["status"] == "Carried forward"][0]) + 2
    assert ws.cell(carried, h["Status"]).value == "Carried forward"
    assert ws.cell(carried, h["Sub action"]).font.i
    overdue = int(df.index[df["overdue"]][0]) + 2
    assert ws.cell(overdue, h["Status"]).value == "Overdue"


def test_print_setup_of_actions(write_out):
    ws = load_workbook(write_out)["Actions"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0  # 1 is the default
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$1"
    h = header_index(ws)
    from openpyxl.utils import get_column_letter
    assert ws.column_dimensions[get_column_letter(h["Updates"])].width >= 45
    assert ws.column_dimensions[get_column_letter(h["Q1"])].width <= 12
    assert ws.cell(2, h["Updates"]).alignment.wrap_text


def test_extra_column_named_like_ours_is_kept_under_its_own_name(tmp_path):
    rows = plan_rows()
    for r in rows:
        r["Status"] = "on hold"
    m = make_merged(rows, extra=("Budget code", "Status"))
    ws = load_workbook(write_consolidated(m, tmp_path / "c.xlsx"))["Actions"]
    h = header_index(ws)
    assert "Status (extra)" in h
    assert ws.cell(2, h["Status (extra)"]).value == "on hold"


def test_hostile_extra_headers_stay_text(tmp_path):
    rows = plan_rows()
    for r in rows:
        r["=SUM(A1:A2)"] = "=1+1"
        r["<r>Notes</r>"] = "<r>note</r>"
    m = make_merged(rows, extra=("Budget code", "=SUM(A1:A2)", "<r>Notes</r>"))
    out = write_consolidated(m, tmp_path / "c.xlsx")
    ws = load_workbook(out)["Actions"]
    h = header_index(ws)
    assert ws.cell(1, h["=SUM(A1:A2)"]).data_type == "s"
    assert ws.cell(2, h["=SUM(A1:A2)"]).value == "=1+1"
    assert ws.cell(2, h["<r>Notes</r>"]).value == "<r>note</r>"
    prev = read_previous(out)
    assert list(prev.actions["<r>Notes</r>"]) == ["<r>note</r>"] * len(rows)


def test_rag_labels_with_commas_take_the_dropdown_from_a_range(tmp_path):
    prog = programme(Amber="Amber, at risk")
    ws = load_workbook(write_consolidated(make_merged(prog=prog), tmp_path / "c.xlsx"))[
        "Actions"]
    dv = next(dv for dv in ws.data_validations.dataValidation if dv.type == "list")
    assert dv.formula1 == "'xlplan'!$B$11:$B$16"
    meta = load_workbook(tmp_path / "c.xlsx")["xlplan"]
    assert [meta.cell(r, 2).value for r in range(11, 17)] == [
        "Complete", "Green", "Yellow", "Amber, at risk", "Amber/Red", "Red"]
    assert meta.sheet_state == "hidden"


def test_an_empty_month_still_writes_valid_tables(tmp_path):
    m = make_merged([], extra=(), the_issues=[], the_files=[], hist=("2018-03",))
    out = write_consolidated(m, tmp_path / "empty.xlsx")
    wb = load_workbook(out)
    assert wb["Actions"].tables["Actions"].ref == "A1:X2"
    assert wb["Submissions"].tables["Submissions"].ref == "A1:J2"
    assert wb["Issues"].tables["Issues"].ref == "A1:G2"
    assert "Exceptions" not in wb.sheetnames and "Changes" not in wb.sheetnames
    dash = load_workbook(out, data_only=True)["Dashboard"]
    assert dash["B6"].value == 0 and dash["C6"].value == 0
    assert load_workbook(out)["Dashboard"]._charts == []


# ---------------------------------------------------------------------------------- Dashboard
def test_dashboard_formulas_carry_their_values(write_out, write_merged):
    import python_calamine as pc

    df = write_merged.actions
    n = len(df)
    f = load_workbook(write_out)["Dashboard"]
    v = load_workbook(write_out, data_only=True)["Dashboard"]
    labels = [f.cell(5, c).value for c in range(2, 10)]
    assert labels == ["Actions", "% complete", "Red", "Amber/Red", "Overdue", "Worsened",
                      "Not reported", "Errors"]
    # structured references: a row added to the Actions table in Excel is counted
    assert f["B6"].value == "=COUNTA(Actions[Key])"
    expected = [n, 1 / n, 1, 1, 1, 1, 2, 2]
    assert [v.cell(6, c).value for c in range(2, 10)] == pytest.approx(expected)
    # overall table: label | COUNTIF | share, then Not reported and Total
    assert [v.cell(r, 1).value for r in range(9, 18)] == [
        "RAG", "Complete", "Green", "Yellow", "Amber", "Amber/Red", "Red", "Not reported",
        "Total"]
    assert f["B11"].value == "=COUNTIF(Actions[RAG],\"=Green\")"
    counts = [v.cell(r, 2).value for r in range(10, 18)]
    assert counts == [1, 2, 1, 2, 1, 1, 2, n]
    by_level = df["rag"].value_counts()
    assert counts[:6] == [int(by_level.get(lv, 0)) for lv in LEVELS]
    # calamine reads the same cached numbers
    rows = pc.CalamineWorkbook.from_path(str(write_out)).get_sheet_by_name(
        "Dashboard").to_python()
    assert [rows[r][1] for r in range(9, 17)] == counts


def test_dashboard_theme_and_sro_tables(write_out, write_merged):
    v = load_workbook(write_out, data_only=True)["Dashboard"]
    f = load_workbook(write_out)["Dashboard"]
    cells = {(c.row, c.column): c.value for r in v.iter_rows() for c in r if c.value is not None}
    theme_hdr = next(r for (r, c), val in cells.items() if c == 1 and val == "Theme")
    assert [v.cell(theme_hdr, c).value for c in range(1, 10)] == [
        "Theme", "Complete", "Green", "Yellow", "Amber", "Amber/Red", "Red", "Not reported",
        "Total"]
    t1 = [v.cell(theme_hdr + 1, c).value for c in range(1, 10)]
    assert t1 == [T1, 1, 2, 1, 0, 1, 1, 2, 8]
    assert [v.cell(theme_hdr + 2, c).value for c in range(1, 10)] == [T2, 0, 0, 0, 2, 0, 0, 0,
                                                                       2]
    assert "SUMPRODUCT" in f.cell(theme_hdr + 1, 3).value
    sro_hdr = next(r for (r, c), val in cells.items() if c == 1 and val == "SRO")
    names = [v.cell(sro_hdr + i, 1).value for i in range(1, 4)]
    assert names == ["Craig McArdle", "Caroline Paterson", "Carole Burgoyne"]
    # the full SRO text the formulas match is in hidden column K
    assert v.cell(sro_hdr + 1, 11).value == MCARDLE
    assert f.column_dimensions["K"].hidden
    assert [v.cell(sro_hdr + 2, c).value for c in range(2, 10)] == [1, 0, 1, 0, 1, 1, 1, 5]


def test_dashboard_charts_reference_the_tables(write_out):
    ws = load_workbook(write_out)["Dashboard"]
    charts = ws._charts
    kinds = [type(c).__name__ for c in charts]
    assert kinds == ["DoughnutChart", "BarChart", "BarChart", "BarChart"]
    doughnut = charts[0]
    assert doughnut.series[0].val.numRef.f == "Dashboard!$B$10:$B$16"
    assert doughnut.series[0].cat.strRef.f == "Dashboard!$A$10:$A$16"
    colours = [p.graphicalProperties.solidFill.srgbClr for p in doughnut.series[0].dPt]
    assert colours[:6] == ["5B9BD5", "00B050", "FFFF00", "FFC000", "F4B183", "FF0000"]

    v = load_workbook(write_out, data_only=True)["Dashboard"]
    theme_hdr = next(c.row for c in v["A"] if c.value == "Theme")
    by_theme = charts[1]
    assert by_theme.grouping == "stacked"
    assert len(by_theme.series) == 7  # six levels + Not reported
    first, last = theme_hdr + 1, theme_hdr + 2
    assert by_theme.series[0].cat.strRef.f == f"Dashboard!$A${first}:$A${last}"
    assert [s.val.numRef.f for s in by_theme.series] == [
        f"Dashboard!${c}${first}:${c}${last}" for c in "BCDEFGH"]
    assert by_theme.series[1].tx.strRef.f == f"Dashboard!$C${theme_hdr}"

    trend = charts[3]
    assert trend.grouping == "stacked" and trend.type == "col"
    assert trend.series[0].cat.strRef.f == "History!$A$2:$A$4"
    assert trend.series[0].val.numRef.f == "History!$B$2:$B$4"
    assert trend.series[6].val.numRef.f == "History!$H$2:$H$4"


def test_a_restricted_scale_shapes_the_dashboard(tmp_path):
    prog = load_config(overrides={"rag": {"levels": ["Complete", "Green", "Amber", "Red"],
                                          "labels": {"Complete": "Blue"}}})
    rows = [r for r in plan_rows() if r["rag"] in ("", "Complete", "Green", "Amber", "Red")]
    hist = pd.DataFrame([{"period": "2018-02", "Complete": 1, "Green": 1, "Amber": 1, "Red": 1,
                          "Not reported": 0, "Total": 4},
                         {"period": "2018-03", "Complete": 1, "Green": 2, "Amber": 2, "Red": 1,
                          "Not reported": 2, "Total": 8}])
    m = make_merged(rows, prog=prog)
    m.history = hist
    out = write_consolidated(m, tmp_path / "c.xlsx")
    v = load_workbook(out, data_only=True)["Dashboard"]
    assert [v.cell(5, c).value for c in range(2, 9)] == [
        "Actions", "% complete", "Red", "Overdue", "Worsened", "Not reported", "Errors"]
    assert [v.cell(r, 1).value for r in range(10, 16)] == [
        "Blue", "Green", "Amber", "Red", "Not reported", "Total"]
    assert [v.cell(r, 2).value for r in range(10, 16)] == [1, 2, 2, 1, 2, 8]
    assert v["C6"].value == pytest.approx(1 / 8)
    charts = load_workbook(out)["Dashboard"]._charts
    assert charts[0].series[0].val.numRef.f == "Dashboard!$B$10:$B$14"
    assert len(charts[1].series) == 5
    assert charts[3].series[4].val.numRef.f == "History!$F$2:$F$3"
    assert [c.value for c in load_workbook(out)["History"][1]] == [
        "Period", "Blue", "Green", "Amber", "Red", "Not reported", "Total"]
    prev = read_previous(out)
    assert list(prev.history.columns) == ["period", "Complete", "Green", "Amber", "Red",
                                          "Not reported", "Total"]
    assert list(prev.actions["rag"]) == [r["rag"] for r in rows]


def test_no_trend_chart_with_one_period(tmp_path):
    m = make_merged(hist=("2018-03",))
    ws = load_workbook(write_consolidated(m, tmp_path / "c.xlsx"))["Dashboard"]
    assert [type(c).__name__ for c in ws._charts] == ["DoughnutChart", "BarChart", "BarChart"]


def test_dashboard_prints_landscape_one_page_wide(write_out):
    ws = load_workbook(write_out)["Dashboard"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0  # 1 is the default
    assert load_workbook(write_out).active.title == "Dashboard"


# ------------------------------------------------------------------ the other sheets
def test_exceptions_lists_red_amber_red_overdue_and_worsened(write_out):
    ws = load_workbook(write_out)["Exceptions"]
    assert ws.tables["Exceptions"].ref.startswith("A1:")
    got = [(r[0], r[5]) for r in ws.iter_rows(min_row=2, values_only=True)]
    assert got == [
        ("RAG Red", "2. Develop Baseline Assessment of Market"),
        ("RAG Amber/Red", "3. Develop New Model of Care and Future Capacity"),
        ("Worsened from Green to Yellow", "2. Develop Project Plan"),
        ("Overdue (due 30 Jun 2017)", "Develop workforce strategy group"),
    ]


def test_changes_sheet_only_with_a_previous_workbook(tmp_path, write_out):
    assert "Changes" not in load_workbook(write_out).sheetnames
    recs = [("Same", "K-1", "Green", "Green"), ("New", "K-2", "", "Red"),
            ("Worsened", "K-3", "Green", "Amber"), ("Carried forward", "K-4", "Amber", "Amber"),
            ("Improved", "K-5", "Red", "Amber/Green")]
    changes = pd.DataFrame([{"change": c, "key": k, "ref": "", "theme": T1, "action": "a",
                             "sub_action": f"sub {k}", "sro": MCARDLE, "previous_rag": p,
                             "rag": r, "file": F1} for c, k, p, r in recs])
    m = make_merged(previous="Consolidated 2018-02.xlsx", changes=changes)
    ws = load_workbook(write_consolidated(m, tmp_path / "c.xlsx"))["Changes"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    # unchanged rows are counted beside the table, not listed
    assert [r[0] for r in rows] == ["Worsened", "Improved", "New", "Carried forward"]
    assert rows[1][7:9] == ("Red", "Yellow")  # labels, not canonical names
    assert "1 unchanged" in ws["M1"].value


def test_submissions_lists_every_file_with_its_status(write_out):
    ws = load_workbook(write_out)["Submissions"]
    assert [c.value for c in ws[1]] == ["SRO", "File", "SHA-256", "Modified", "Size",
                                        "Sheets read", "Rows", "Errors", "Warnings", "Status"]
    rows = {r[1]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 5
    assert rows[F1][9] == "merged" and rows[F2][9] == "merged" and rows[F3][9] == "merged"
    assert rows["2018-03 Jo Beer.xlsx"][9] == "failed"
    assert rows["~$2018-03 Craig McArdle.xlsx"][9] == "skipped"
    assert rows[F2][5] == "Action Plan (action plan, 5 rows); Notes (not a plan)"
    assert rows[F2][6] == 5 and rows[F2][7] == 1 and rows[F2][8] == 0
    assert rows[F1][3] == dt.datetime(2018, 3, 5, 9, 14)
    assert rows[F1][2] == "a" * 64


def test_issues_sheet_lists_every_issue_sorted(write_out, write_merged):
    ws = load_workbook(write_out)["Issues"]
    assert [c.value for c in ws[1]] == ["Severity", "Code", "File", "Sheet", "Cell", "Message",
                                        "Value"]
    got = [r for r in ws.iter_rows(min_row=2, values_only=True)]
    want = sorted(write_merged.issues, key=Issue.sort_key)
    assert [(r[0], r[1], r[2], r[4]) for r in got] == [
        (i.severity, i.code, i.file, i.cell) for i in want]
    formula_like = next(r for r in got if r[1] == "formula-like-text")
    assert formula_like[6] == HOSTILE[2]
    assert ws.tables["Issues"].autoFilter is not None
    assert ws.freeze_panes == "A2"
    sev = ws.cell(2 + [r[0] for r in got].index("error"), 1)
    assert sev.fill.fgColor.rgb.endswith("FFC7CE")


def test_history_sheet(write_out):
    ws = load_workbook(write_out)["History"]
    assert [c.value for c in ws[1]] == ["Period", "Complete", "Green", "Yellow", "Amber",
                                        "Amber/Red", "Red", "Not reported", "Total"]
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == [
        "2018-01", "2018-02", "2018-03"]
    assert ws["A2"].data_type == "s"


# ---------------------------------------------------------------------- bytes and files
def test_same_month_gives_the_same_bytes(tmp_path):
    a = write_consolidated(make_merged(), tmp_path / "a.xlsx")
    b = write_consolidated(make_merged(), tmp_path / "b.xlsx")
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as zf:
        core = zf.read("docProps/core.xml").decode()
        assert "2018-03-01T00:00:00Z" in core
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_written_atomically_and_replaces_the_old_file(tmp_path, monkeypatch):
    out = tmp_path / "c.xlsx"
    out.write_bytes(b"last month's")
    written = write_consolidated(make_merged(), out)
    assert written == out and isinstance(written, Path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.xlsx"]
    good = out.read_bytes()

    import xlplan.write as w

    def boom(wb, merged, fmts):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(w, "SHEETS", [w.SHEETS[0], w.SheetSpec("Boom", boom)])
    with pytest.raises(RuntimeError):
        write_consolidated(make_merged(), out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.xlsx"]  # no temp file left
    assert out.read_bytes() == good  # the previous good file untouched


def test_refusals(tmp_path):
    inp = tmp_path / "2018-03 Craig McArdle.xlsx"
    inp.write_bytes(b"x")
    with pytest.raises(OutputError, match="one of the input"):
        write_consolidated(make_merged(), tmp_path / "." / inp.name, inputs=[inp])
    out = tmp_path / "Consolidated.xlsx"
    lock = tmp_path / "~$Consolidated.xlsx"
    lock.write_bytes(b"")
    with pytest.raises(OutputError, match="close it in Excel first"):
        write_consolidated(make_merged(), out)
    lock.unlink()
    with pytest.raises(OutputError, match="does not exist"):
        write_consolidated(make_merged(), tmp_path / "no such folder" / "c.xlsx")
    with pytest.raises(OutputError, match=r"\.xlsx"):
        write_consolidated(make_merged(), tmp_path / "c.xls")
    assert isinstance(OutputError("x"), ValueError)
    assert sorted(p.name for p in tmp_path.iterdir()) == [inp.name]


def test_read_only_folder_is_refused(tmp_path, monkeypatch):
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == tmp_path
                        else real(p, mode))
    with pytest.raises(OutputError, match="not writable"):
        write_consolidated(make_merged(), tmp_path / "c.xlsx")


def test_text_over_excels_limit_is_cut_and_reported(tmp_path):
    rows = plan_rows()
    rows[0]["updates"] = "Workshops held with providers. " * 1200  # 37,200 characters
    written = write_consolidated(make_merged(rows), tmp_path / "c.xlsx")
    assert ("Actions", "O2") in written.truncated
    assert any(i.code == "text-truncated" and i.file == F1 and i.row == 5
               for i in written.issues)
    wb = load_workbook(written)
    text = wb["Actions"]["O2"].value
    assert len(text) <= 32_767 and text.startswith("Workshops held") and "cut here" in text
    assert any(r[1] == "text-truncated" for r in wb["Issues"].iter_rows(values_only=True))


# ------------------------------------------------------------------------- reading it back
def test_read_previous_round_trips_the_actions(write_out, write_merged):
    prev = read_previous(write_out)
    assert prev.period == "2018-03"
    a = prev.actions
    src = write_merged.actions
    assert len(a) == len(src)
    for col in ("key", "ref", "theme", "aim", "action", "sub_action", "sro", "q1", "q2", "q3",
                "q4", "later", "timeframe", "updates", "risks_issues", "file", "sheet",
                "movement", "issue_codes"):
        assert list(a[col]) == list(src[col]), col
    assert list(a["rag"]) == list(src["rag"])  # 'Yellow' back to 'Amber/Green'
    assert list(a["previous_rag"]) == list(src["previous_rag"])
    assert list(a["source_row"]) == list(src["source_row"])
    assert list(a["status"]) == list(src["status"])
    assert list(a["overdue"]) == list(src["overdue"])
    assert list(a["due_date"]) == list(src["due_date"])
    assert list(a["due"]) == list(src["due"])
    assert a.loc[7, "rag_text"] == "Purple"
    assert list(a["Budget code"]) == ["PCC-114", 4411, *[""] * 8]
    assert list(prev.history["period"]) == ["2018-01", "2018-02", "2018-03"]
    assert list(prev.history.columns) == ["period", *LEVELS, "Not reported", "Total"]
    assert prev.history.equals(write_merged.history)
    assert {"Dashboard", "Actions", "Submissions", "Issues", "History"} <= set(prev.sheets)


def test_read_previous_maps_any_labels_back(tmp_path):
    prog = programme(Red="Off track", Green="On track")
    out = write_consolidated(make_merged(prog=prog), tmp_path / "c.xlsx")
    ws = load_workbook(out)["Actions"]
    assert "Off track" in [c.value for c in ws["Q"]]
    prev = read_previous(out)
    assert list(prev.actions["rag"]) == list(make_merged().actions["rag"])
    assert "Red" in prev.history.columns


def test_read_previous_refuses_other_workbooks(tmp_path):
    wb = Workbook()
    wb.active.title = "Action Plan"
    wb.active.append(["Action", "Sub actions", "SRO"])
    plan = tmp_path / "plan.xlsx"
    wb.save(plan)
    with pytest.raises(ValueError, match="not a consolidated workbook"):
        read_previous(plan)
    wb = Workbook()
    wb.active.title = "Actions"
    wb.active.append(["Ref", "Action"])
    wb.save(tmp_path / "no-key.xlsx")
    with pytest.raises(ValueError, match="no Key column"):
        read_previous(tmp_path / "no-key.xlsx")
    bad = tmp_path / "bad.xlsx"
    bad.write_text("Action,SRO\n", encoding="utf-8")
    with pytest.raises(ValueError):
        read_previous(bad)
    with pytest.raises(ValueError, match="no such file"):
        read_previous(tmp_path / "missing.xlsx")


def test_a_month_closes_the_loop_through_merge(tmp_path):
    """The bundled example months: February written, read back as March's --previous."""
    try:
        from xlplan.demo.plan import write_examples
        from xlplan.api import merge
        merge_ok = callable(merge)
    except ImportError as exc:  # pragma: no cover - while the pipeline is being built
        pytest.skip(f"merge pipeline not importable: {exc}")
    assert merge_ok
    from importlib import resources

    paths = write_examples(tmp_path / "ex")
    cfg = tmp_path / "programme.toml"
    cfg.write_text(resources.files("xlplan").joinpath("data/demo.toml").read_text("utf-8"),
                   encoding="utf-8")
    prog = load_config(cfg)
    feb = merge(paths["previous"], period="2018-02", config=prog)
    prev_path = write_consolidated(feb, tmp_path / "Consolidated 2018-02.xlsx",
                                   inputs=paths["previous"])
    mar = merge(paths["current"], period="2018-03", config=prog, previous=prev_path)
    out = write_consolidated(mar, tmp_path / "Consolidated 2018-03.xlsx",
                             inputs=[*paths["current"], prev_path])
    wb = load_workbook(out)
    assert wb["Actions"].max_row - 1 == len(mar.actions)
    assert "Changes" in wb.sheetnames
    moves = [r[0] for r in wb["Changes"].iter_rows(min_row=2, values_only=True)]
    assert moves.count("Worsened") == 1 and moves.count("Improved") == 4
    assert moves.count("New") == 1
    hist = [r[0] for r in wb["History"].iter_rows(min_row=2, values_only=True)]
    assert hist == ["2018-02", "2018-03"]
    prev = read_previous(out)
    assert len(prev.actions) == len(mar.actions)
    assert list(prev.actions["key"]) == list(mar.actions["key"])


# ---------------------------------------------------------------------------- LibreOffice


RECALC_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


@pytest.mark.libreoffice
def test_libreoffice_converts_it_to_pdf(tmp_path, write_out):
    exe = soffice_or_skip()
    profile = tmp_path / "profile"
    subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(write_out)],
                   check=True, capture_output=True, timeout=240)
    pdf = tmp_path / (write_out.stem + ".pdf")
    assert pdf.exists()
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 20_000
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        pages = int(next(ln.split()[-1] for ln in info.splitlines()
                         if ln.startswith("Pages:")))
        assert pages >= 6  # Dashboard, Actions, Exceptions, Submissions, Issues, History


@pytest.mark.libreoffice
def test_libreoffice_recalculates_the_dashboard_to_the_cached_values(tmp_path, write_out):
    """LibreOffice made to recalculate on load computes the numbers xlplan cached."""
    import csv

    exe = soffice_or_skip()
    profile = tmp_path / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_PROFILE, "utf-8")
    subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,UTF8,1,,0,false,true,false,false,"
                    "false,1", "--outdir", str(tmp_path), str(write_out)],
                   check=True, capture_output=True, timeout=240)
    csvs = list(tmp_path.glob("*.csv"))
    assert csvs, "LibreOffice wrote no CSV"
    with open(csvs[0], encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    cached = load_workbook(write_out, data_only=True)["Dashboard"]
    checked = 0
    for r, line in enumerate(rows, start=1):
        for c, text in enumerate(line[:9], start=1):
            want = cached.cell(r, c).value
            if isinstance(want, (int, float)) and not isinstance(want, bool):
                got = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
                assert got == pytest.approx(want, abs=0.006), (r, c, text, want)
                checked += 1
    assert checked > 60
