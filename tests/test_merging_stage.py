"""The merge stage, function by function and end to end over small generated folders.

Unit tests feed :mod:`xlplan.merging.actions` small frames written out in the test; the end to
end tests write a few plans with :func:`builders.write_plan`, merge them, write the consolidated
workbook and read it back with openpyxl. The promises checked: no row lost (rows in == rows
out), rows missing this month carried forward with their last known values and flagged, the
same inputs giving the same result, and a consolidated workbook read back as ``--previous``.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import types
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from builders import write_plan
from xlplan.api import merge, read_combined
from xlplan.config import Programme, load_config
from xlplan.consolidated import Previous
from xlplan.issues import FileInfo, Issue
from xlplan.merging.actions import (
    CARRIED, IMPROVED, NEW, SAME, WORSENED, compare_with_previous, conflicting_refs, mark_issue_codes,
    mark_overdue, merge_read, missing_submissions, plan_financial_years, rag_history,
    reporting_period)
from xlplan.schema.rag import CANONICAL_LEVELS
from xlplan.write import write_consolidated

DEFAULT = load_config()

#: The columns the merge functions read, with the value a row has when a test leaves it out.
BLANK_ROW = {"file": "a.xlsx", "sheet": "Action Plan", "source_row": 2, "key": "", "ref": "",
             "theme": "", "action": "", "sub_action": "", "sro": "", "updates": "", "rag": "",
             "due": "", "due_date": None, "due_cell": "", "complete": False}


def frame(*rows: dict) -> pd.DataFrame:
    """Action rows as the readers give them: every column of BLANK_ROW, the test's values over."""
    return pd.DataFrame([{**BLANK_ROW, **r} for r in rows], columns=list(BLANK_ROW))


def previous(*rows: dict, history: pd.DataFrame | None = None) -> Previous:
    """Last month's consolidated workbook as :func:`xlplan.consolidated.read_previous` gives it."""
    return Previous(path=Path("Consolidated 2018-03.xlsx"), period="2018-03",
                    actions=frame(*rows),
                    history=history if history is not None else pd.DataFrame())


def programme(**changes) -> Programme:
    return dataclasses.replace(DEFAULT, **changes)


# ---------------------------------------------------------------------------------------------
# reporting_period
# ---------------------------------------------------------------------------------------------

def test_reporting_period_reads_year_and_month():
    assert reporting_period("2018-03") == ("2018-03", dt.date(2018, 3, 1))
    assert reporting_period(" 2019-11 ") == ("2019-11", dt.date(2019, 11, 1))
    assert reporting_period("2019-1") == ("2019-01", dt.date(2019, 1, 1))


def test_reporting_period_defaults_to_this_month():
    assert reporting_period(None, today=dt.date(2020, 2, 29)) == ("2020-02", dt.date(2020, 2, 1))
    label, first = reporting_period(None)
    today = dt.date.today()
    assert (label, first) == (f"{today:%Y-%m}", today.replace(day=1))


@pytest.mark.parametrize("bad", ["March 2018", "2018/03", "2018-13", "18-03", "", "2018-03-01"])
def test_reporting_period_refuses_other_spellings_with_a_plain_sentence(bad):
    with pytest.raises(ValueError) as err:
        reporting_period(bad)
    assert "YYYY-MM" in str(err.value) and f"'{bad}'" in str(err.value)


# ---------------------------------------------------------------------------------------------
# conflicting_refs
# ---------------------------------------------------------------------------------------------

def test_a_ref_sent_by_two_files_is_reported_on_the_second_files_row():
    actions = frame({"file": "a.xlsx", "key": "CHC-1", "ref": "CHC-1", "source_row": 5},
                    {"file": "b.xlsx", "key": "CHC-1", "ref": "CHC-1", "source_row": 9,
                     "sheet": "Plan"},
                    {"file": "b.xlsx", "key": "CHC-2", "ref": "CHC-2", "source_row": 10})
    (issue,) = conflicting_refs(actions)
    assert (issue.code, issue.severity) == ("conflicting-ref", "error")
    assert (issue.file, issue.sheet, issue.row, issue.value) == ("b.xlsx", "Plan", 9, "CHC-1")
    assert "'CHC-1'" in issue.message and "'a.xlsx'" in issue.message
    assert len(actions) == 3  # the check only reports: both rows stay


def test_a_key_twice_in_one_file_is_not_a_conflict_between_files():
    actions = frame({"file": "a.xlsx", "key": "R-1", "ref": "R-1", "source_row": 2},
                    {"file": "a.xlsx", "key": "R-1", "ref": "R-1", "source_row": 3})
    assert conflicting_refs(actions) == []


def test_rows_without_a_key_are_never_grouped():
    actions = frame({"file": "a.xlsx", "key": None}, {"file": "b.xlsx", "key": None},
                    {"file": "c.xlsx", "key": float("nan")})
    assert conflicting_refs(actions) == []
    assert conflicting_refs(frame().iloc[0:0]) == []


def test_three_files_give_one_issue_per_later_file_in_key_order():
    actions = frame({"file": "c.xlsx", "key": "Z-9", "ref": "Z-9", "source_row": 2},
                    {"file": "a.xlsx", "key": "A-1", "ref": "A-1", "source_row": 2},
                    {"file": "b.xlsx", "key": "A-1", "ref": "A-1", "source_row": 4},
                    {"file": "c.xlsx", "key": "A-1", "ref": "A-1", "source_row": 6},
                    {"file": "d.xlsx", "key": "Z-9", "ref": "Z-9", "source_row": 8})
    found = [(i.value, i.file, i.row) for i in conflicting_refs(actions)]
    assert found == [("A-1", "b.xlsx", 4), ("A-1", "c.xlsx", 6), ("Z-9", "d.xlsx", 8)]


def test_a_derived_key_conflict_names_the_sub_action():
    actions = frame({"file": "a.xlsx", "key": "K-1", "sub_action": "Review data"},
                    {"file": "b.xlsx", "key": "K-1", "sub_action": "Review data", "source_row": 7})
    (issue,) = conflicting_refs(actions)
    assert "same theme, action and sub-action" in issue.message
    assert (issue.value, issue.row) == ("Review data", 7)


# ---------------------------------------------------------------------------------------------
# missing_submissions
# ---------------------------------------------------------------------------------------------

def test_each_expected_sro_without_a_readable_file_is_missing():
    prog = programme(expected_sros=("Jo Beer", "Ann James", "Craig McArdle", "Rachel Silcock"))
    files = [FileInfo(path="2018-03 Jo Beer.xlsx", status="ok"),
             FileInfo(path="return.xlsx", status="errors", sro="ANN  JAMES"),  # named by its rows
             FileInfo(path="2018-03 Craig McArdle.xlsx", status="failed"),    # unreadable
             FileInfo(path="2018-03 Rachel Silcock.xlsx", status="skipped")]
    issues = missing_submissions(prog, files)
    assert [i.value for i in issues] == ["Craig McArdle", "Rachel Silcock"]
    assert {(i.code, i.severity) for i in issues} == {("missing-submission", "warning")}
    assert "Craig McArdle" in issues[0].message


def test_no_expected_sros_means_nothing_is_missing():
    assert missing_submissions(DEFAULT, []) == []
    assert DEFAULT.expected_sros == ()


# ---------------------------------------------------------------------------------------------
# compare_with_previous
# ---------------------------------------------------------------------------------------------

def test_without_a_previous_workbook_there_is_no_movement():
    actions = frame({"key": "A", "rag": "Green"})
    out, changes = compare_with_previous(actions, None, issues := [])
    assert out[["previous_rag", "movement", "status"]].values.tolist() == [["", "", ""]]
    assert changes.empty and "change" in changes.columns and issues == []


@pytest.mark.parametrize("before, now, movement", [
    ("Amber", "Green", IMPROVED),
    ("Green", "Complete", IMPROVED),
    ("Red", "Amber/Red", IMPROVED),
    ("Green", "Red", WORSENED),
    ("Amber/Green", "Amber", WORSENED),
    ("Complete", "Green", WORSENED),
    ("Amber", "Amber", SAME),
    ("", "", ""),        # reported neither month: "not reported" is not "Same"
    ("", "Green", ""),   # not reported last month: nothing to judge
    ("Green", "", ""),   # not reported this month
])
def test_movement_follows_the_canonical_scale_best_first(before, now, movement):
    out, _ = compare_with_previous(frame({"key": "A", "rag": now}),
                                   previous({"key": "A", "rag": before}), [])
    assert (out.at[0, "movement"], out.at[0, "previous_rag"]) == (movement, before)
    assert out.at[0, "status"] == ""


def test_a_key_not_in_last_months_workbook_is_new():
    out, changes = compare_with_previous(frame({"key": "B", "rag": "Red"}),
                                         previous({"key": "A", "rag": "Red"}), [])
    assert out.loc[out["key"] == "B", "movement"].tolist() == [NEW]
    assert changes.loc[changes["key"] == "B", "change"].tolist() == [NEW]


def test_a_row_missing_this_month_is_carried_with_its_last_values_and_flagged():
    now = frame({"key": "A", "rag": "Green", "file": "jo.xlsx"})
    before = previous(
        {"key": "A", "rag": "Amber", "file": "jo.xlsx"},
        {"key": "GONE-1", "ref": "GONE-1", "rag": "Red", "sro": "Ann James", "file": "ann.xlsx",
         "sheet": "Plan", "source_row": 12, "updates": "waiting for funding",
         "sub_action": "Recruit 4 nurses", "due": "Q2"})
    issues: list[Issue] = []
    out, changes = compare_with_previous(now, before, issues)
    assert len(out) == 2  # this month's row and the carried one: nothing lost
    carried = out[out["key"] == "GONE-1"].iloc[0]
    assert carried["status"] == CARRIED and carried["movement"] == ""
    assert (carried["rag"], carried["previous_rag"]) == ("Red", "Red")
    assert (carried["sro"], carried["updates"], carried["sub_action"], carried["due"]) == (
        "Ann James", "waiting for funding", "Recruit 4 nurses", "Q2")
    assert (carried["file"], carried["sheet"], carried["source_row"]) == ("ann.xlsx", "Plan", 12)
    (issue,) = issues
    assert (issue.code, issue.severity, issue.file, issue.sheet, issue.row, issue.value) == (
        "carried-forward", "warning", "ann.xlsx", "Plan", 12, "GONE-1")
    assert changes["change"].tolist() == [IMPROVED, CARRIED]


def test_carried_rows_have_no_missing_values_in_text_columns():
    # Columns last month's workbook does not hold (the due cell, where the RAG came from) read
    # blank on a carried row, not NaN: later steps treat them as text.
    now = frame({"key": "A", "rag": "Green"}).astype({"due_cell": "string", "file": "string"})
    before = previous({"key": "B", "rag": "Red"})
    before.actions = before.actions.drop(columns=["due_cell"])
    out, _ = compare_with_previous(now, before, [])
    assert out["due_cell"].tolist() == ["", ""]
    assert not out.drop(columns=["due_date"]).isna().any().any()


def test_changes_list_worsened_improved_new_carried_same_in_that_order():
    now = frame({"key": "S", "rag": "Green", "source_row": 2},
                {"key": "N", "rag": "Green", "source_row": 3},
                {"key": "I", "rag": "Green", "source_row": 4},
                {"key": "W", "rag": "Red", "source_row": 5},
                {"key": "U", "rag": "", "source_row": 6})
    before = previous({"key": "S", "rag": "Green"}, {"key": "I", "rag": "Red"},
                      {"key": "W", "rag": "Green"}, {"key": "C", "rag": "Amber"},
                      {"key": "U", "rag": "Green"})
    out, changes = compare_with_previous(now, before, [])
    assert list(zip(changes["change"], changes["key"])) == [
        (WORSENED, "W"), (IMPROVED, "I"), (NEW, "N"), (CARRIED, "C"), (SAME, "S")]
    assert "U" not in set(changes["key"])  # no RAG this month: in Actions, not in Changes
    assert len(out) == 6


def test_the_input_frame_is_not_changed():
    now = frame({"key": "A", "rag": "Green"})
    kept = now.copy()
    compare_with_previous(now, previous({"key": "B", "rag": "Red"}), [])
    pd.testing.assert_frame_equal(now, kept)


# ---------------------------------------------------------------------------------------------
# plan_financial_years and mark_overdue
# ---------------------------------------------------------------------------------------------

def test_the_programme_year_wins_over_the_workbooks():
    files = [FileInfo(path="a.xlsx", financial_year=2018)]
    assert plan_financial_years(programme(financial_year=2016), files, dt.date(2018, 5, 1)) == (
        2016, "programme settings", {})


def test_else_the_year_most_workbooks_state_ties_to_the_earlier():
    files = [FileInfo(path="a.xlsx", financial_year=2019), FileInfo(path="b.xlsx"),
             FileInfo(path="c.xlsx", financial_year=2018), FileInfo(path="d.xlsx",
                                                                    financial_year=2019)]
    assert plan_financial_years(DEFAULT, files, dt.date(2017, 5, 1)) == (
        2019, "the workbooks", {"a.xlsx": 2019, "c.xlsx": 2018, "d.xlsx": 2019})
    tie = [FileInfo(path="a.xlsx", financial_year=2019), FileInfo(path="c.xlsx",
                                                                  financial_year=2018)]
    assert plan_financial_years(DEFAULT, tie, dt.date(2017, 5, 1))[0] == 2018
    assert plan_financial_years(DEFAULT, tie[::-1], dt.date(2017, 5, 1))[0] == 2018


@pytest.mark.parametrize("start_month, period, year", [
    (4, dt.date(2019, 3, 1), 2018), (4, dt.date(2019, 4, 1), 2019),
    (1, dt.date(2019, 3, 1), 2019), (7, dt.date(2019, 6, 1), 2018),
])
def test_else_the_year_the_reporting_period_falls_in(start_month, period, year):
    prog = programme(financial_year_start_month=start_month)
    assert plan_financial_years(prog, [FileInfo(path="a.xlsx")], period) == (
        year, "the reporting period", {})


def overdue_of(rows: pd.DataFrame, period: dt.date, prog: Programme = DEFAULT, **kw):
    issues: list[Issue] = []
    out = mark_overdue(rows, prog, period, issues, **kw)
    return out, issues


def test_a_quarter_is_overdue_once_it_has_ended_before_the_period():
    rows = frame({"due": "Q1", "sub_action": "Draft", "due_cell": "D7", "source_row": 7})
    june, july = dt.date(2018, 6, 1), dt.date(2018, 7, 1)
    out, issues = overdue_of(rows, june, fy=2018)
    assert out["overdue"].tolist() == [False] and issues == []
    assert out["due_date"].tolist() == [dt.date(2018, 6, 30)]
    out, (issue,) = overdue_of(rows, july, fy=2018)
    assert out["overdue"].tolist() == [True]
    assert (issue.code, issue.severity, issue.cell, issue.value) == (
        "overdue", "warning", "D7", "Draft")
    assert "Q1" in issue.message and "30 Jun 2018" in issue.message


@pytest.mark.parametrize("quarter, start_month, end", [
    ("Q1", 4, dt.date(2018, 6, 30)), ("Q2", 4, dt.date(2018, 9, 30)),
    ("Q3", 4, dt.date(2018, 12, 31)), ("Q4", 4, dt.date(2019, 3, 31)),
    ("Q1", 1, dt.date(2018, 3, 31)), ("Q4", 1, dt.date(2018, 12, 31)),
    ("Q2", 7, dt.date(2018, 12, 31)), ("Q4", 10, dt.date(2019, 9, 30)),
])
def test_quarters_end_where_the_programmes_year_says(quarter, start_month, end):
    out, _ = overdue_of(frame({"due": quarter}), dt.date(2030, 1, 1),
                        programme(financial_year_start_month=start_month), fy=2018)
    assert out["due_date"].tolist() == [end] and out["overdue"].tolist() == [True]


def test_complete_and_rag_complete_are_never_overdue():
    rows = frame({"due": "Q1", "complete": True, "rag": "Red"},
                 {"due": "Q1", "rag": "Complete"},
                 {"due": "Q1", "rag": "Green"},
                 {"due": ""}, {"due": "Later"})
    out, issues = overdue_of(rows, dt.date(2019, 1, 1), fy=2018)
    assert out["overdue"].tolist() == [False, False, True, False, False]
    assert len(issues) == 1


def test_a_date_marker_is_judged_by_its_date_not_its_quarter():
    rows = frame({"due": "Q2", "due_date": dt.date(2018, 8, 15)},
                 {"due": "Q2", "due_date": dt.date(2018, 9, 1)})
    out, issues = overdue_of(rows, dt.date(2018, 9, 1), fy=2018)
    assert out["overdue"].tolist() == [True, False]
    assert "15 Aug 2018" in issues[0].message


def test_bare_quarters_are_read_in_their_files_year_else_the_plans():
    rows = frame({"file": "old.xlsx", "due": "Q1"}, {"file": "new.xlsx", "due": "Q1"},
                 {"file": "silent.xlsx", "due": "Q1"})
    out, _ = overdue_of(rows, dt.date(2018, 12, 1), fy=2018,
                        file_years={"old.xlsx": 2017, "new.xlsx": 2019})
    assert out["due_date"].tolist() == [dt.date(2017, 6, 30), dt.date(2019, 6, 30),
                                        dt.date(2018, 6, 30)]
    assert out["overdue"].tolist() == [True, False, True]


def test_without_a_year_the_reporting_periods_year_is_used():
    out, _ = overdue_of(frame({"due": "Q4"}), dt.date(2019, 2, 1))  # 2019-02 is in FY 2018
    assert out["due_date"].tolist() == [dt.date(2019, 3, 31)] and not out.at[0, "overdue"]


def test_an_overdue_carried_row_is_flagged_like_any_other():
    now = frame({"key": "A", "due": "Q3"}).astype({"due_cell": "string", "sheet": "string"})
    before = previous({"key": "B", "due": "Q1", "due_date": dt.date(2018, 6, 30),
                       "sub_action": "Advertise", "file": "ann.xlsx", "source_row": 4})
    before.actions = before.actions.drop(columns=["due_cell"])
    issues: list[Issue] = []
    rows, _ = compare_with_previous(now, before, issues)
    out = mark_overdue(rows, DEFAULT, dt.date(2018, 12, 1), issues, fy=2018)
    assert out["overdue"].tolist() == [False, True]
    overdue = [i for i in issues if i.code == "overdue"]
    assert [(i.file, i.row, i.column, i.value) for i in overdue] == [
        ("ann.xlsx", 4, None, "Advertise")]


# ---------------------------------------------------------------------------------------------
# mark_issue_codes and rag_history
# ---------------------------------------------------------------------------------------------

def test_each_row_gets_the_codes_of_its_issues_and_whether_one_is_an_error():
    rows = frame({"file": "a.xlsx", "sheet": "Plan", "source_row": 4},
                 {"file": "a.xlsx", "sheet": "Plan", "source_row": 5},
                 {"file": "b.xlsx", "sheet": "Plan", "source_row": 4},
                 {"file": "b.xlsx", "sheet": "", "source_row": "9"})
    issues = [Issue("missing-rag", "m", file="a.xlsx", sheet="Plan", row=4),
              Issue("unknown-rag", "m", file="a.xlsx", sheet="Plan", row=4),
              Issue("missing-rag", "m", file="a.xlsx", sheet="Plan", row=4, column="K"),
              Issue("overdue", "m", file="a.xlsx", sheet="Plan", row=5),
              Issue("hidden-sheet", "m", file="b.xlsx", sheet="Plan"),  # no row: no row marked
              Issue("overdue", "m", file="b.xlsx", sheet=None, row=9)]
    out = mark_issue_codes(rows, issues)
    assert out["issue_codes"].tolist() == ["missing-rag; unknown-rag", "overdue", "", "overdue"]
    assert out["has_error"].tolist() == [True, False, False, False]
    assert "issue_codes" not in rows.columns


def test_rag_history_counts_this_month_on_the_programmes_scale():
    rows = frame({"rag": "Green"}, {"rag": "Green"}, {"rag": "Red"}, {"rag": ""},
                 {"rag": "Complete"})
    hist = rag_history(rows, DEFAULT, "2018-04", None)
    assert hist.columns.tolist() == ["period", *CANONICAL_LEVELS, "Not reported", "Total"]
    assert hist.to_dict("records") == [{"period": "2018-04", "Complete": 1, "Green": 2,
                                        "Amber/Green": 0, "Amber": 0, "Amber/Red": 0, "Red": 1,
                                        "Not reported": 1, "Total": 5}]
    prog = programme(rag=dataclasses.replace(DEFAULT.rag,
                                             levels=("Complete", "Green", "Amber", "Red")))
    assert rag_history(rows, prog, "2018-04", None).columns.tolist() == [
        "period", "Complete", "Green", "Amber", "Red", "Not reported", "Total"]
    assert rag_history(frame().iloc[0:0], DEFAULT, "2018-04", None)["Total"].tolist() == [0]


def test_rag_history_adds_this_month_to_last_months_and_replaces_a_rerun():
    old = pd.DataFrame([{"period": "2018-02", "Green": 3, "Red": 1, "Not reported": 0,
                         "Total": 4},
                        {"period": "2018-04", "Green": 9, "Red": 9, "Not reported": 0,
                         "Total": 18},
                        {"period": "2018-03", "Green": 2, "Red": 2, "Not reported": 1,
                         "Total": 5}])
    hist = rag_history(frame({"rag": "Amber"}), DEFAULT, "2018-04", previous(history=old))
    assert hist["period"].tolist() == ["2018-02", "2018-03", "2018-04"]
    assert hist["Total"].tolist() == [4, 5, 1]
    assert hist["Amber"].tolist() == [0, 0, 1]  # a level last month's sheet lacked reads 0
    assert all(hist[c].dtype.kind == "i" for c in hist.columns[1:])


# ---------------------------------------------------------------------------------------------
# merge() end to end over small generated folders
# ---------------------------------------------------------------------------------------------

HEADER = ["Ref", "Action", "Sub actions", "SRO", "Q1", "Q2", "Q3", "Q4", "Updates",
          "Risks/Issues", "RAG Status"]


def plan_row(ref: str, sub: str, sro: str, rag: str, *, quarter: int = 0, update: str = "",
             action: str = "Deliver the plan") -> list:
    marks = ["X" if q == quarter else "" for q in (1, 2, 3, 4)]
    return [ref, action, sub, sro, *marks, update, "", rag]


#: Month 1 (2018-04) and month 2 (2018-05): file name -> rows. Between them: JB-1 worsens,
#: JB-2 improves, JB-3 stays, JB-4 is new, AJ-2 is dropped by its file and Al Smith sends
#: nothing (AS-1, AS-2 carried).
MONTH1 = {
    "Jo Beer.xlsx": [plan_row("JB-1", "Draft strategy", "Jo Beer", "Green", quarter=1),
                     plan_row("JB-2", "Consult partners", "Jo Beer", "Amber", quarter=2),
                     plan_row("JB-3", "Sign off", "Jo Beer", "Red", quarter=3)],
    "Ann James.xlsx": [plan_row("AJ-1", "Advertise posts", "Ann James", "Amber", quarter=1),
                       plan_row("AJ-2", "Recruit 4 nurses", "Ann James", "Green", quarter=2,
                                update="two offers made")],
    "Al Smith.xlsx": [plan_row("AS-1", "Baseline audit", "Al Smith", "Amber/Green", quarter=1,
                               update="audit booked"),
                      plan_row("AS-2", "Report to board", "Al Smith", "Blue", quarter=1)],
}
MONTH2 = {
    "Jo Beer.xlsx": [plan_row("JB-1", "Draft strategy", "Jo Beer", "Red", quarter=1),
                     plan_row("JB-2", "Consult partners", "Jo Beer", "Green", quarter=2),
                     plan_row("JB-3", "Sign off", "Jo Beer", "Red", quarter=3),
                     plan_row("JB-4", "Publish", "Jo Beer", "", quarter=4)],
    "Ann James.xlsx": [plan_row("AJ-1", "Advertise posts", "Ann James", "Amber", quarter=1)],
}
SROS = ("Jo Beer", "Ann James", "Al Smith")


def write_month(folder: Path, files: dict[str, list[list]], order=None) -> Path:
    for name in order or files:
        write_plan(folder / name, files[name], header=HEADER,
                   title=["Partnership action plan 2018-19"])
    return folder


def table(ws) -> list[dict]:
    header = [c.value for c in ws[1]]
    return [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=2)]


@pytest.fixture(scope="module")
def loop(tmp_path_factory):
    """Month 1 merged and written; month 2 merged against it and written."""
    root = tmp_path_factory.mktemp("loop")
    prog = programme(expected_sros=SROS)
    m1 = merge([write_month(root / "m1", MONTH1)], period="2018-04", config=prog, jobs=1)
    c1 = root / "Consolidated 2018-04.xlsx"
    write_consolidated(m1, c1)
    m2 = merge([write_month(root / "m2", MONTH2)], previous=c1, period="2018-05", config=prog,
               jobs=1)
    c2 = root / "Consolidated 2018-05.xlsx"
    write_consolidated(m2, c2)
    return root, prog, m1, c1, m2, c2


def test_rows_in_equal_rows_out_in_the_frame_and_the_workbook(loop):
    _, _, m1, c1, _, _ = loop
    sent = sum(len(rows) for rows in MONTH1.values())
    assert len(m1.actions) == sent == 7
    assert sorted(m1.actions["ref"]) == sorted(r[0] for rows in MONTH1.values() for r in rows)
    rows = table(load_workbook(c1, read_only=True)["Actions"])
    assert len(rows) == sent
    assert sorted(r["Ref"] for r in rows) == sorted(m1.actions["ref"])
    assert {r["Source file"] for r in rows} == set(MONTH1)
    assert (m1.financial_year, m1.financial_year_source) == (2018, "the workbooks")


def test_the_merge_stage_takes_tables_already_read(loop):
    """merge_read needs no files: tables read once (here by hand, through read_combined) merge
    to what xlplan.merge gives for the folder."""
    root, prog, _, c1, m2, _ = loop
    result, extra = read_combined([root / "m2"], prog, jobs=1)
    read_once = types.SimpleNamespace(files=result.files, actions=result.actions,
                                      risks=result.risks, scorecards=result.scorecards,
                                      issues=result.issues)
    again = merge_read(read_once, prog, extra_columns=extra, previous=c1, period="2018-05")
    assert again.actions.equals(m2.actions)
    assert [(i.code, i.file, i.row) for i in again.issues] == \
        [(i.code, i.file, i.row) for i in m2.issues]
    assert again.changes.equals(m2.changes) and again.history.equals(m2.history)
    assert read_once.actions.equals(result.actions)  # what was read is not changed


def test_month_two_movements_against_the_previous_workbook(loop):
    _, _, _, _, m2, _ = loop
    got = dict(zip(m2.actions["ref"], m2.actions["movement"]))
    assert got == {"JB-1": WORSENED, "JB-2": IMPROVED, "JB-3": SAME, "JB-4": NEW,
                   "AJ-1": SAME, "AJ-2": "", "AS-1": "", "AS-2": ""}
    prev = dict(zip(m2.actions["ref"], m2.actions["previous_rag"]))
    assert (prev["JB-1"], prev["JB-2"], prev["JB-4"]) == ("Green", "Amber", "")


def test_carried_rows_keep_last_months_values_and_are_flagged_never_lost(loop):
    _, _, m1, _, m2, c2 = loop
    sent = sum(len(rows) for rows in MONTH2.values())
    assert len(m2.actions) == sent + 3 == 8
    carried = m2.actions[m2.actions["status"] == CARRIED].set_index("ref")
    assert sorted(carried.index) == ["AJ-2", "AS-1", "AS-2"]
    before = m1.actions.set_index("ref")
    for ref in carried.index:
        for col in ("sub_action", "sro", "updates", "rag", "file", "source_row"):
            assert carried.at[ref, col] == before.at[ref, col], (ref, col)
    assert carried.at["AS-2", "rag"] == "Complete"
    flagged = sorted(i.value for i in m2.issues if i.code == "carried-forward")
    assert flagged == sorted(m1.actions.set_index("ref").loc[["AJ-2", "AS-1", "AS-2"], "key"])
    assert [i.value for i in m2.issues if i.code == "missing-submission"] == ["Al Smith"]

    wb = load_workbook(c2, read_only=True)
    rows = {r["Ref"]: r for r in table(wb["Actions"])}
    assert len(rows) == 8
    assert all("Carried forward" in (rows[ref]["Status"] or "") for ref in carried.index)
    assert all("Carried forward" not in (rows[ref]["Status"] or "") for ref in
               ("JB-1", "JB-2", "JB-3", "JB-4", "AJ-1"))
    assert rows["AS-1"]["Updates"] == "audit booked"
    changes = table(wb["Changes"])
    assert sorted(r["Ref"] for r in changes if r["Change"] == "Carried forward") == [
        "AJ-2", "AS-1", "AS-2"]
    assert [r["Period"] for r in table(wb["History"])] == ["2018-04", "2018-05"]


def test_overdue_in_month_two_skips_complete_rows_and_includes_carried_ones(loop):
    root, prog, _, c1, _, _ = loop
    # July: Q1 2018-19 has ended. AS-1 (carried, Amber/Green) is overdue; AS-2 (carried, Blue =
    # Complete) is not; JB-1 and AJ-1 (sent, Q1) are.
    m = merge([root / "m2"], previous=c1, period="2018-07", config=prog, jobs=1)
    overdue = set(m.actions.loc[m.actions["overdue"].astype(bool), "ref"])
    assert overdue == {"JB-1", "AJ-1", "AS-1"}
    assert sum(i.code == "overdue" for i in m.issues) == 3


def test_the_same_inputs_give_the_same_merge_whatever_order_the_files_were_written(loop, tmp_path):
    root, prog, _, c1, m2, c2 = loop
    again = write_month(tmp_path / "m2", MONTH2, order=list(MONTH2)[::-1])
    m = merge([again], previous=c1, period="2018-05", config=prog, jobs=1)
    cols = [c for c in m2.actions.columns]
    pd.testing.assert_frame_equal(m.actions[cols], m2.actions[cols])
    pd.testing.assert_frame_equal(m.changes, m2.changes)
    assert [i.to_dict() for i in m.issues] == [i.to_dict() for i in m2.issues]
    out = tmp_path / "again.xlsx"
    write_consolidated(merge([root / "m2"], previous=c1, period="2018-05", config=prog, jobs=1),
                       out)
    assert out.read_bytes() == c2.read_bytes()


def test_a_third_month_reads_the_second_months_workbook_back(loop, tmp_path):
    root, prog, _, _, m2, c2 = loop
    # June: everyone sends month 2's files again; the rows carried in May are carried again.
    m3 = merge([root / "m2"], previous=c2, period="2018-06", config=prog, jobs=1)
    assert len(m3.actions) == len(m2.actions)
    assert set(m3.actions.loc[m3.actions["status"] == CARRIED, "ref"]) == {"AJ-2", "AS-1", "AS-2"}
    sent = m3.actions[m3.actions["status"] == ""]
    assert set(sent.loc[sent["rag"] != "", "movement"]) == {SAME}
    assert set(sent.loc[sent["rag"] == "", "movement"]) <= {""}  # not reported: not "Same"
    assert list(m3.history["period"]) == ["2018-04", "2018-05", "2018-06"]


def test_rows_with_errors_are_kept_and_marked(tmp_path):
    folder = tmp_path / "in"
    write_plan(folder / "a.xlsx", [plan_row("A-1", "Plan", "Jo Beer", "Purple"),
                                   plan_row("A-2", "Do", "Jo Beer", "Green")], header=HEADER)
    write_plan(folder / "b.xlsx", [plan_row("A-1", "Other", "Ann James", "Red")], header=HEADER)
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    m = merge([folder], period="2018-04", jobs=1)
    assert len(m.actions) == 3
    codes = dict(zip(zip(m.actions["file"], m.actions["source_row"]), m.actions["issue_codes"]))
    assert "unknown-rag" in codes[("a.xlsx", 2)] and "conflicting-ref" in codes[("b.xlsx", 2)]
    assert m.actions["has_error"].tolist().count(True) == 2
    assert {f.path: f.status for f in m.files}["broken.xlsx"] == "failed"
    out = tmp_path / "c.xlsx"
    write_consolidated(m, out)
    assert len(table(load_workbook(out, read_only=True)["Actions"])) == 3


def test_both_rows_of_a_conflicting_ref_are_carried_forward(tmp_path):
    write_plan(tmp_path / "m1" / "a.xlsx", [plan_row("CHC-1", "Review data", "Jo Beer", "G")],
               header=HEADER)
    write_plan(tmp_path / "m1" / "b.xlsx", [plan_row("CHC-1", "Benchmark", "Ann James", "A")],
               header=HEADER)
    write_plan(tmp_path / "m2" / "c.xlsx", [plan_row("OT-1", "Other", "Al Smith", "R")],
               header=HEADER)
    m1 = merge([tmp_path / "m1"], period="2018-04", jobs=1)
    assert len(m1.actions) == 2
    write_consolidated(m1, tmp_path / "c1.xlsx")
    m2 = merge([tmp_path / "m2"], previous=tmp_path / "c1.xlsx", period="2018-05", jobs=1)
    carried = m2.actions[m2.actions["status"] == CARRIED]
    assert sorted(carried["sub_action"]) == ["Benchmark", "Review data"]


def test_keys_without_a_ref_follow_a_row_that_moved_within_its_file(tmp_path):
    header = [h for h in HEADER if h != "Ref"]
    rows = [plan_row("", "1. Draft", "Jo Beer", "Green")[1:],
            plan_row("", "2. Consult", "Jo Beer", "Amber")[1:]]
    write_plan(tmp_path / "m1" / "jo.xlsx", rows, header=header)
    m1 = merge([tmp_path / "m1"], period="2018-04", jobs=1)
    write_consolidated(m1, tmp_path / "c1.xlsx")
    moved = [rows[1][:-1] + ["Green"], rows[0]]  # swapped, Consult now Green
    write_plan(tmp_path / "m2" / "jo.xlsx", moved, header=header, title=["Monthly return"])
    m2 = merge([tmp_path / "m2"], previous=tmp_path / "c1.xlsx", period="2018-05", jobs=1)
    assert dict(zip(m2.actions["sub_action"], m2.actions["movement"])) == {
        "2. Consult": IMPROVED, "1. Draft": SAME}
    assert (m2.actions["status"] == "").all()


@pytest.mark.parametrize("config, title, year, source", [
    ({"financial_year": 2016}, "Action plan 2017-18", 2016, "programme settings"),
    ({}, "Action plan 2017-18", 2017, "the workbooks"),
    ({}, "Action plan", 2018, "the reporting period"),
])
def test_merge_says_which_financial_year_it_read_quarters_in(tmp_path, config, title, year,
                                                             source):
    write_plan(tmp_path / "in" / "jo.xlsx", [plan_row("A-1", "Draft", "Jo Beer", "Green",
                                                      quarter=1)],
               header=HEADER, title=[title])
    m = merge([tmp_path / "in"], period="2018-10", config=programme(**config), jobs=1)
    assert (m.financial_year, m.financial_year_source) == (year, source)
    assert m.actions["due_date"].tolist() == [dt.date(year, 6, 30)]
    assert m.actions["overdue"].tolist() == [True]


def test_a_file_that_states_no_year_takes_the_year_most_workbooks_state(tmp_path):
    folder = tmp_path / "in"
    for name, title in (("a.xlsx", "Plan 2017-18"), ("b.xlsx", "Plan 2017/18"),
                        ("c.xlsx", "Plan 2019-20"), ("d.xlsx", "Monthly return")):
        write_plan(folder / name, [plan_row(name[0].upper() + "-1", "Draft", "Jo Beer", "Green",
                                            quarter=2)], header=HEADER, title=[title])
    m = merge([folder], period="2018-10", jobs=1)
    assert (m.financial_year, m.financial_year_source) == (2017, "the workbooks")
    due = dict(zip(m.actions["file"], m.actions["due_date"]))
    assert due == {"a.xlsx": dt.date(2017, 9, 30), "b.xlsx": dt.date(2017, 9, 30),
                   "c.xlsx": dt.date(2019, 9, 30), "d.xlsx": dt.date(2017, 9, 30)}


def test_merge_accepts_a_single_path_and_refuses_a_bad_period(tmp_path):
    path = write_plan(tmp_path / "jo.xlsx", [plan_row("A-1", "Draft", "Jo Beer", "Green")],
                      header=HEADER)
    m = merge(path, period="2018-04", jobs=1)
    assert len(m.actions) == 1 and m.period == "2018-04" and m.previous_path is None
    assert not m.has_errors and m.counts["error"] == 0
    with pytest.raises(ValueError, match="YYYY-MM"):
        merge(path, period="April 2018", jobs=1)


def test_an_expected_sro_is_not_found_inside_another_name():
    from xlplan.config import load_config
    from xlplan.issues import FileInfo
    from xlplan.merging.actions import missing_submissions

    prog = load_config(None, overrides={"programme": {"expected_sros": ["Ann James", "Jo Beer"]}})
    files = [FileInfo(path="2018-03 Joann Jameson.xlsx", sro="Joann Jameson"),
             FileInfo(path="returns/2018-03 Jo Beer.xlsx", sro="")]
    assert [i.value for i in missing_submissions(prog, files)] == ["Ann James"]
