"""The locate stage: finding a sheet's header row, mapping its columns, classing the rows under it.

:func:`xlplan.locate.locate` and :func:`xlplan.rows.classify_rows` take a sheet's values as
lists of rows, so most tests here write the rows out as lists (no workbook needed) and check
the header row, the column map and each row's class. A few go through :func:`xlplan.read` on a
generated workbook to check the issue a user sees. The last test is a property: a header row
placed anywhere among rows of noise is found, with every column mapped.
"""
from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import xlplan
from builders import write_plan
from xlplan.config import Programme, load_config
from xlplan.locate import HEADER_SEARCH_ROWS, locate, unmapped_table
from xlplan.reader import RawSheet
from xlplan.rows import classify_rows

DEFAULT = load_config()

PLAN_HEADER = ["Action", "Sub actions", "SRO", "Q1", "Q2", "Q3", "Q4", "Updates",
               "Risks/Issues", "RAG"]
PLAN_COLUMNS = {"action": 0, "sub_action": 1, "sro": 2, "q1": 3, "q2": 4, "q3": 5, "q4": 6,
                "updates": 7, "risks_issues": 8, "rag": 9}
PLAN_ROWS = [
    ["Develop and remodel the care home market", "1. Baseline assessment", "Caroline Paterson",
     "X", "", "", "", "Baseline assessment completed", "", "Green"],
    ["", "2. Develop project plan", "", "", "X", "", "", "Project plan in development", "",
     "Amber"],
    ["Develop voluntary sector engagement", "1. Commence engagement", "Rachel Silcock", "",
     "", "X", "", "The Wellbeing SDG is the most active", "", "Red"],
]


def sheet(*rows: list, merged: list[tuple[int, int, int, int]] = (), name: str = "Plan"
          ) -> RawSheet:
    """A sheet as the reader gives it: rows of one width, blank cells as ''."""
    width = max((len(r) for r in rows), default=0)
    return RawSheet(name, [list(r) + [""] * (width - len(r)) for r in rows], list(merged))


def with_headers(**aliases: list[str]) -> Programme:
    """The default programme with a ``[headers]`` table."""
    return dataclasses.replace(DEFAULT, header_aliases=aliases)


def classes(s: RawSheet, programme: Programme = DEFAULT) -> dict[int, str]:
    """Excel row number -> class of each row under the header that is not data."""
    loc = locate(s, programme)
    assert loc is not None
    return {r + 1: cls for r, (cls, _c, _t) in classify_rows(s, loc).skip.items()}


# ---------------------------------------------------------------------------------------------
# Where the header row is
# ---------------------------------------------------------------------------------------------

def test_a_header_on_the_first_row_maps_every_column():
    loc = locate(sheet(PLAN_HEADER, *PLAN_ROWS), DEFAULT)
    assert (loc.kind, loc.header_row, loc.group_row) == ("action_plan", 0, None)
    assert loc.columns == PLAN_COLUMNS
    assert loc.extras == {} and loc.guessed == {}


@pytest.mark.parametrize("header, expected", [
    # an inspection plan: the recommendation, then the actions that answer it
    (["Ref", "Recommendation", "Action", "Lead", "By when", "Progress", "BRAG"],
     {"ref": 0, "action": 1, "sub_action": 2, "sro": 3, "timeframe": 4, "updates": 5,
      "rag": 6}),
    # a real sub-action column keeps its place, wherever the second action column is
    (["Action", "Action description", "Sub action", "SRO", "RAG"],
     {"action": 0, "sub_action": 2, "sro": 3, "rag": 4}),
    (["Action", "SRO", "RAG"], {"action": 0, "sro": 1, "rag": 2}),
])
def test_a_second_action_column_holds_the_sub_actions_unless_one_is_named(header, expected):
    rows = [["MD1", "The trust must ensure staff complete safeguarding training",
             "Roll out level 3 e-learning", "Head of Safeguarding", "31/10/2023",
             "Compliance now 91%", "Blue"][:len(header)]]
    loc = locate(sheet(header, *rows), DEFAULT)
    assert loc is not None and loc.kind == "action_plan"
    assert loc.columns == expected


@pytest.mark.parametrize("above", [
    [["CQC Action Plan 2018-19"], []],
    [["Plymouth City Council"], ["CQC Action Plan 2018-19"], ["Version 3, March 2018"], []],
    [[], [], ["Owner:", "Programme office"], ["Last updated", "12/03/2018"], []],
])
def test_a_header_under_title_lines_is_found_where_it_is(above):
    loc = locate(sheet(*above, PLAN_HEADER, *PLAN_ROWS), DEFAULT)
    assert loc.kind == "action_plan" and loc.header_row == len(above)
    assert loc.columns == PLAN_COLUMNS


def test_a_header_beyond_the_search_depth_is_not_looked_for():
    blank_rows = [[""] for _ in range(HEADER_SEARCH_ROWS)]
    assert locate(sheet(*blank_rows, PLAN_HEADER, *PLAN_ROWS), DEFAULT) is None
    loc = locate(sheet(*blank_rows[1:], PLAN_HEADER, *PLAN_ROWS), DEFAULT)
    assert loc.header_row == HEADER_SEARCH_ROWS - 1


def test_header_cells_are_matched_whatever_their_case_padding_and_punctuation():
    header = ["  ACTION ", "sub-actions", "S.R.O.", "q1", "Q2 ", "Q3", "Q4", "Progress\nupdate",
              "Risks / Issues", "R.A.G. Status"]
    loc = locate(sheet(header, *PLAN_ROWS), DEFAULT)
    assert loc.columns == PLAN_COLUMNS and loc.extras == {}


def test_columns_no_schema_knows_are_kept_as_extras_with_their_header():
    header = ["Action", "SRO", "Budget code", "RAG", "Directorate"]
    rows = [["Review MIU", "Jo Beer", "C-104", "Green", "Adults"],
            ["Publish strategy", "Ann James", "C-221", "Red", "Children"]]
    loc = locate(sheet(header, *rows), DEFAULT)
    assert loc.columns == {"action": 0, "sro": 1, "rag": 3}
    assert loc.extras == {2: "Budget code", 4: "Directorate"}


# ---------------------------------------------------------------------------------------------
# Aliases, concept words and the programme's [headers]
# ---------------------------------------------------------------------------------------------

def test_concept_words_map_headers_no_alias_names_and_say_so():
    header = ["Planned activity summary", "Named owner", "RAG"]
    rows = [["Recruit carers", "Jo Beer", "Green"], ["Pilot the hub", "Ann James", "Amber"]]
    loc = locate(sheet(header, *rows), DEFAULT)
    assert loc.kind == "action_plan"
    assert loc.columns == {"action": 0, "sro": 1, "rag": 2}
    assert loc.guessed == {"action": "Planned activity summary", "sro": "Named owner"}


def test_an_alias_wins_over_a_concept_word_for_the_same_column():
    # "Task" is an alias of the sub action; "Tasks overview" holds the action's word "tasks".
    header = ["Tasks overview", "Action", "SRO", "RAG"]
    rows = [["Overview", "Recruit carers", "Jo Beer", "Green"],
            ["Overview", "Pilot the hub", "Ann James", "Amber"]]
    loc = locate(sheet(header, *rows), DEFAULT)
    assert loc.columns["action"] == 1 and "action" not in loc.guessed


def test_a_row_of_aliases_beats_a_row_of_guesses_above_it():
    guesses = ["Planned activity summary", "Named owner", "Colour"]
    loc = locate(sheet(guesses, ["Action", "SRO", "RAG"],
                       ["Recruit carers", "Jo Beer", "Green"],
                       ["Pilot the hub", "Ann James", "Amber"]), DEFAULT)
    assert loc.header_row == 1 and loc.guessed == {}


def test_the_programme_headers_teach_a_spelling_no_rule_knows():
    header = ["Action", "Steward", "Barometer", "Updates"]
    rows = [["Recruit carers", "Jo Beer", "Green", "Advert out"],
            ["Pilot the hub", "Ann James", "Yellow", "Site chosen"]]
    without = locate(sheet(header, *rows), DEFAULT)
    assert without.columns == {"action": 0, "updates": 3}
    assert without.extras == {1: "Steward", 2: "Barometer"}
    taught = locate(sheet(header, *rows), with_headers(sro=["Steward"], rag=["Barometer"]))
    assert taught.columns == {"action": 0, "sro": 1, "rag": 2, "updates": 3}
    assert taught.extras == {}
    assert taught.guessed == {}  # taught spellings are aliases, not guesses


def test_the_programme_headers_win_over_a_built_in_alias():
    # "Lead" is a built-in spelling of the SRO; this programme's "Lead" is its workstream.
    header = ["Lead", "Action", "Owner", "RAG"]
    rows = [["Adults", "Recruit carers", "Jo Beer", "Green"],
            ["Children", "Pilot the hub", "Ann James", "Amber"]]
    assert locate(sheet(header, *rows), DEFAULT).columns["sro"] in (0, 2)
    loc = locate(sheet(header, *rows), with_headers(theme=["Lead"]))
    assert loc.columns == {"theme": 0, "action": 1, "sro": 2, "rag": 3}


def test_a_status_column_of_rag_words_is_the_rag_and_of_workflow_words_the_status():
    header = ["Action", "SRO", "Status"]
    rag_rows = [["Recruit carers", "Jo Beer", "Green"], ["Pilot the hub", "Ann James", "A/G"],
                ["Publish", "Al Ray", "Red"]]
    status_rows = [["Recruit carers", "Jo Beer", "Open"], ["Pilot the hub", "Ann James",
                                                           "In progress"],
                   ["Publish", "Al Ray", "Closed"]]
    assert locate(sheet(header, *rag_rows), DEFAULT).columns == {"action": 0, "sro": 1, "rag": 2}
    assert locate(sheet(header, *status_rows), DEFAULT).columns == {"action": 0, "sro": 1,
                                                                     "status": 2}


def test_a_risk_register_is_told_from_an_action_plan_by_its_columns():
    header = ["Risk ID", "Description of risk", "Owner", "Likelihood", "Impact", "Score"]
    rows = [["R1", "Workforce shortfall", "Jo Beer", 4, 4, 16],
            ["R2", "Funding ends", "Ann James", 3, 5, 15]]
    loc = locate(sheet(["Corporate risk register"], [], header, *rows), DEFAULT)
    assert (loc.kind, loc.header_row) == ("risk_register", 2)
    assert loc.columns == {"ref": 0, "description": 1, "owner": 2, "likelihood": 3,
                           "impact": 4, "score": 5}


# ---------------------------------------------------------------------------------------------
# Two-row headers
# ---------------------------------------------------------------------------------------------

RISK_GROUPED = [
    ["Ref", "Risk description", "Current", "", "", "Target", "", ""],
    ["", "", "Likelihood", "Impact", "Score", "Likelihood", "Impact", "Score"],
    ["R1", "Workforce shortfall", 4, 4, 16, 2, 2, 4],
    ["R2", "Funding ends", 3, 3, 9, 1, 1, 1],
]


def test_a_group_row_merged_over_sub_headers_gives_combined_labels():
    merged = [(0, 2, 0, 4), (0, 5, 0, 7), (0, 0, 1, 0), (0, 1, 1, 1)]
    loc = locate(sheet(*RISK_GROUPED, merged=merged), DEFAULT)
    assert (loc.kind, loc.header_row, loc.group_row, loc.first_row) == ("risk_register", 1, 0, 0)
    assert loc.columns == {"ref": 0, "description": 1, "likelihood": 2, "impact": 3,
                           "current_rating": 4, "target_likelihood": 5, "target_impact": 6,
                           "target_rating": 7}
    assert loc.headers[2] == "Current Likelihood" and loc.headers[7] == "Target Score"
    assert loc.headers[0] == "Ref"  # merged down: the group row's text alone


def test_group_labels_spaced_alike_need_no_merge():
    loc = locate(sheet(*RISK_GROUPED), DEFAULT)
    assert loc.group_row == 0 and loc.columns["target_likelihood"] == 5
    assert loc.headers[5] == "Target Likelihood"


def test_a_year_merged_over_its_quarters_gives_the_quarters_and_the_next_year_is_later():
    rows = [["Action", "Lead", "2024/25", "", "", "", "2025/26", "Progress update", "RAG"],
            ["", "", "Q1", "Q2", "Q3", "Q4", "", "", ""],
            ["Recruit care coordinators", "Jo Beer", "X", "", "", "", "", "Interviews held",
             "Green"],
            ["Roll out shared care record", "Ann Other", "", "", "", "", "X", "Business case",
             "Red"]]
    merged = [(0, 2, 0, 5), *((0, c, 1, c) for c in (0, 1, 6, 7, 8))]
    loc = locate(sheet(*rows, merged=merged), DEFAULT)
    assert (loc.kind, loc.header_row, loc.group_row) == ("action_plan", 1, 0)
    assert loc.columns == {"action": 0, "sro": 1, "q1": 2, "q2": 3, "q3": 4, "q4": 5,
                           "later": 6, "updates": 7, "rag": 8}
    assert loc.headers[2] == "2024/25 Q1" and not loc.extras


def test_one_title_over_the_whole_table_is_not_a_group_row():
    rows = [["Action plan 2018-19"] + [""] * 9, PLAN_HEADER, *PLAN_ROWS]
    loc = locate(sheet(*rows, merged=[(0, 0, 0, 9)]), DEFAULT)
    assert (loc.header_row, loc.group_row) == (1, None)
    assert loc.headers[0] == "Action"


# ---------------------------------------------------------------------------------------------
# A table that cannot be mapped
# ---------------------------------------------------------------------------------------------

UNMAPPABLE = [["Owner", "Due date", "Progress", "Colour"],
              ["Jo Beer", "01/04/2018", "Draft shared", "red"],
              ["Ann James", "01/05/2018", "Meeting booked", "blue"],
              ["Al Ray", "01/06/2018", "Not started", "green"]]


def test_a_table_of_no_kind_is_described_by_what_it_has_and_lacks():
    s = sheet(["Tracker"], [], *UNMAPPABLE)
    assert locate(s, DEFAULT) is None
    table = unmapped_table(s, DEFAULT)
    assert (table.header_row, table.kind) == (2, "action_plan")
    assert table.headers == ["Owner", "Due date", "Progress", "Colour"]
    assert table.found == {"sro": "Owner", "timeframe": "Due date", "updates": "Progress"}
    assert table.missing == ["an action or task column"]


def test_a_sheet_with_no_table_at_all_is_not_described_as_one():
    s = sheet(["Notes from the board"], [], ["Agreed to meet in April."], ["Minutes to follow"])
    assert locate(s, DEFAULT) is None and unmapped_table(s, DEFAULT) is None


def test_the_user_sees_one_issue_naming_the_found_and_missing_columns(tmp_path):
    path = write_plan(tmp_path / "tracker.xlsx", UNMAPPABLE[1:], header=UNMAPPABLE[0],
                      sheet="Tracker")
    sub = xlplan.read(path)
    (issue,) = [i for i in sub.issues if i.severity == "error"]
    assert issue.code == "header-not-found"
    assert (issue.file, issue.sheet, issue.row) == ("tracker.xlsx", "Tracker", 1)
    for words in ("'Owner', 'Due date', 'Progress', 'Colour'", "sro ('Owner')",
                  "timeframe ('Due date')", "updates ('Progress')",
                  "lacks an action or task column", "[headers]"):
        assert words in issue.message, (words, issue.message)
    assert sub.actions.empty


def test_the_programme_headers_map_the_table_the_issue_described(tmp_path):
    path = write_plan(tmp_path / "tracker.xlsx", UNMAPPABLE[1:], header=UNMAPPABLE[0],
                      sheet="Tracker")
    toml = tmp_path / "programme.toml"
    toml.write_text('[headers]\naction = ["Progress"]\nrag = ["Colour"]\n', encoding="utf-8")
    sub = xlplan.read(path, config=toml)
    assert "header-not-found" not in {i.code for i in sub.issues}
    assert sub.actions["action"].tolist() == ["Draft shared", "Meeting booked", "Not started"]


# ---------------------------------------------------------------------------------------------
# The rows under the header
# ---------------------------------------------------------------------------------------------

def test_data_rows_have_no_class():
    assert classes(sheet(PLAN_HEADER, *PLAN_ROWS)) == {}


def test_the_header_repeated_on_each_printed_page_is_a_header_row():
    rows = [PLAN_HEADER, PLAN_ROWS[0], PLAN_ROWS[1], [h.upper() for h in PLAN_HEADER],
            PLAN_ROWS[2]]
    assert classes(sheet(*rows)) == {4: "header"}


def test_one_cell_rows_over_each_repeated_header_are_banners():
    rows = [["1. Quality"], PLAN_HEADER, PLAN_ROWS[0], PLAN_ROWS[1], [],
            ["2. Workforce"], PLAN_HEADER, PLAN_ROWS[2]]
    s = sheet(*rows)
    loc = locate(s, DEFAULT)
    found = classify_rows(s, loc)
    assert loc.header_row == 1
    assert {r + 1: c for r, (c, _, _) in found.skip.items()} == {6: "banner", 7: "header"}
    assert found.banner(5) == "2. Workforce" and found.banner(2) is None
    assert found.first_banner == "1. Quality"


@pytest.mark.parametrize("label", ["Total", "Grand total", "Sub-total", "TOTALS"])
def test_a_total_row_closing_the_table_is_a_total(label):
    header = ["Ref", "Action", "SRO", "RAG", "Budget"]
    rows = [["1", "Recruit carers", "Jo Beer", "Green", 100],
            ["2", "Pilot the hub", "Ann James", "Amber", 250],
            [label, "", "", "", 350]]
    assert classes(sheet(header, *rows)) == {4: "total"}


def test_a_data_row_that_mentions_a_total_is_data():
    header = ["Ref", "Action", "SRO", "RAG"]
    rows = [["1", "Total the care home beds", "Jo Beer", "Green"],
            ["2", "Pilot the hub", "Ann James", "Amber"]]
    assert classes(sheet(header, *rows)) == {}


def test_rows_numbered_in_advance_and_left_empty_are_numbered():
    header = ["No", "Action", "SRO", "RAG"]
    rows = [["1", "Recruit carers", "Jo Beer", "Green"], ["2", "Pilot the hub", "Ann", "Red"],
            ["3", "", "", ""], ["4", "", "", ""], [5, "", "", ""]]
    assert classes(sheet(header, *rows)) == {4: "numbered", 5: "numbered", 6: "numbered"}


def test_a_legend_and_notes_under_the_table_are_not_rows():
    rows = [PLAN_HEADER, *PLAN_ROWS, [], ["Key"], ["Green", "On track"], ["Amber", "At risk"],
            ["Red", "Off track"], [], ["Note: updated monthly by the programme office"]]
    assert classes(sheet(*rows)) == {6: "legend", 7: "legend", 8: "legend", 9: "legend",
                                     11: "footnote"}


def test_a_data_row_over_a_repeated_header_is_no_group_row():
    # Read as a group row over the repeat, the data row moved the header down past the rows
    # above it, and they were dropped without a word.
    rows = [PLAN_HEADER, PLAN_ROWS[0], PLAN_ROWS[1], PLAN_HEADER, PLAN_ROWS[2]]
    s = sheet(*rows)
    loc = locate(s, DEFAULT)
    assert (loc.header_row, loc.group_row) == (0, None)
    assert classes(s) == {4: "header"}


def test_the_user_sees_each_skipped_row_noted_once(tmp_path):
    rows = [PLAN_ROWS[0], PLAN_HEADER, PLAN_ROWS[1], ["Total"] + [""] * 9]
    sub = xlplan.read(write_plan(tmp_path / "plan.xlsx", rows))
    notes = sorted((i.cell, i.message) for i in sub.issues if i.code == "not-a-row")
    assert notes == [("A3", "not read as a row: the header row repeated ('Action')"),
                     ("A5", "not read as a row: a total row ('Total')")]
    assert len(sub.actions) == 2


# ---------------------------------------------------------------------------------------------
# Property: the header is found wherever it sits among rows of noise
# ---------------------------------------------------------------------------------------------

#: Rows that sit above a table on real sheets: titles, blank rows, dates and version lines.
NOISE = [[], [""], ["CQC Action Plan 2018-19"], ["Plymouth City Council"],
         ["Version 3", "March 2018"], ["Last updated:", "12/03/2018"], [2018],
         ["", "", "Draft - not for circulation"], ["Prepared by the programme office"],
         ["Page 1 of 4"], [" "]]


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(above=st.lists(st.sampled_from(NOISE), max_size=HEADER_SEARCH_ROWS - 1),
       below=st.lists(st.sampled_from(NOISE[:2]), max_size=3),
       order=st.permutations(range(len(PLAN_HEADER))))
def test_a_header_among_noise_rows_is_found_with_every_column(above, below, order):
    header = [PLAN_HEADER[c] for c in order]
    data = [[row[c] for c in order] for row in PLAN_ROWS]
    loc = locate(sheet(*above, header, *below, *data), DEFAULT)
    assert loc is not None and loc.kind == "action_plan"
    assert loc.header_row == len(above)
    assert loc.columns == {name: order.index(c) for name, c in PLAN_COLUMNS.items()}
