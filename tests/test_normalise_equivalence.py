"""The action-plan reader, pinned row by row: what it reads must not change when it is made
faster.

``normalise_actions`` reads a sheet in one pass with memos for the text work, builds its frame
column by column (small plans and big ones by different routes), and the validator finds its
rows a column at a time. These tests pin the result on a plan that holds every case those
shortcuts must get right -- banners, carry-down, fragments, merged cells, numbers and dates,
formula-like text, odd spaces, RAG words and fills, markers, extra columns, keys -- and check
that the routes agree with each other.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from openpyxl import load_workbook

from builders import PLAN_HEADER, write_plan
from xlplan.api import read_submission
from xlplan.config import load_config
from xlplan.locate import locate
from xlplan.normalise import actions as actions_module
from xlplan.normalise.actions import ACTION_COLUMNS, normalise_actions, row_key
from xlplan.normalise.common import Memo, NotText, SheetContext
from xlplan.reader import RawSheet
from xlplan.schema.markers import COMPLETE, DATE, DUE, UNKNOWN, parse_marker, parse_timeframe
from xlplan.schema.rag import RagScale, colour_to_rag
from xlplan.text import _ODD_SPACES, clean_text
from xlplan.checks.actions import duplicate_refs, validate_actions, validate_required_columns

ACTION = "Develop commissioning intentions to signal market requirements 18/19"
SRO = "Craig McArdle, Director of Integrated Commissioning, PCC/NEW Devon CCG"
LORNA = "Lorna Collingwood-Burke, Chief Nursing Officer"
UPDATE = "Draft intentions shared with the Local Care Partnership Board"
THEME1 = "Theme 1: Commissioning & Market Management"
AIM1 = "Aim: Multiple system reviews have already been undertaken"
THEME2 = "Theme 2: System Improvement"
TEXT = pd.Series(["text"]).dtype  # what pandas makes of a column of text (str, or object)


def rich_plan(path):
    """A plan with a title block, Ref and Budget code columns, and data in headerless M."""
    rows = [
        [THEME1],                                                                          # 4
        [AIM1],                                                                            # 5
        ["", ACTION, "1. Develop draft Commissioning Intentions", SRO, "X", "", "", "",
         UPDATE, "", "Green", "CC-4471"],                                                  # 6
        ["", "", "2. Commissioning Intentions signed off", "", "", "Complete", "", "", "",
         "", "G"],                                                                         # 7
        ["", "", "", "Operations, Livewell Southwest"],                    # 8: SRO fragment
        ["R-1", "CHC", "CHC Pathway - Review existing CHC data", LORNA,
         dt.datetime(2018, 5, 15), "", "", "", "@risk: check", "", "Purple", 1200],        # 9
        ["R-2", "", "CHC Pathway - Benchmark to other areas", "", "", "", "Q3 18/19", "", "",
         "", None],                                                       # 10: RAG as a fill
        ["R-1", "", "CHC Pathway - End to end mapping", "", "", "", "", "maybe",
         "Mapping started", "", ""],                                                       # 11
        [],                                                                                # 12
        [THEME2],                                                      # 13: merged across
        ["", "System Improvement", "Share single access route", "Nicola Jones", "", "", "",
         "X", "- meeting held", "", "Red", "", "note in M"],                               # 14
        ["", "", "Roll out\u00a0Yellow  Card scheme", "\u200b", "", "", "X", "",
         "<p>Scheme is available</p><p>to all GPs</p>", "", "Amber"],                      # 15
        ["", "", "", "", "", "", "", "", "", "   "],                    # 16: spaces only
        [3.0, "", "Numbered ref", "", "", "", "", "X", "", "", "B"],                       # 17
        ["", "", "", "", "", "", "", "", "", "see row above"],         # 18: Risks fragment
        ["", "", "", "", "X", "", "", "", "an orphan update"],                             # 19
        ["", "", "Share single access route", "", "", "", "", "", "", "", "A/G"],           # 20
    ]
    write_plan(path, rows, header=["Ref", *PLAN_HEADER, "Budget code"],
               title=["CQC Action Plan 2018-19"], merges=["B9:B11", "E9:E10", "A13:L13"],
               fills={(6, 10): "00B050", (11, 10): "00B050", (13, 10): "FFC000"})
    wb = load_workbook(path)
    wb.active["M16"] = "=1+2"  # an SRO's own formula (no cached value)
    wb.save(path)
    return path


EXPECTED = {
    "file": ["p.xlsx"] * 10,
    "sheet": ["Action Plan"] * 10,
    "source_row": [6, 7, 9, 10, 11, 14, 15, 17, 19, 20],
    "ref": ["", "", "R-1", "R-2", "R-1", "", "", "3", "", ""],
    "theme": [THEME1] * 5 + [THEME2] * 5,
    "aim": [AIM1] * 5 + [""] * 5,
    "action": [ACTION] * 2 + ["CHC"] * 3 + ["System Improvement"] * 5,
    "sub_action": ["1. Develop draft Commissioning Intentions",
                   "2. Commissioning Intentions signed off",
                   "CHC Pathway - Review existing CHC data",
                   "CHC Pathway - Benchmark to other areas", "CHC Pathway - End to end mapping",
                   "Share single access route", "Roll out Yellow Card scheme", "Numbered ref",
                   "", "Share single access route"],
    # The fragment extends the SRO of row 7 only: row 7 carried it down, it did not type it.
    "sro": [SRO, f"{SRO} Operations, Livewell Southwest"] + [LORNA] * 3 + ["Nicola Jones"] * 5,
    "q1": ["X", "", "2018-05-15", "2018-05-15", "", "", "", "", "X", ""],
    "q2": ["", "Complete", "", "", "", "", "", "", "", ""],
    "q3": ["", "", "", "Q3 18/19", "", "", "X", "", "", ""],
    "q4": ["", "", "", "", "maybe", "X", "", "X", "", ""],
    "later": [""] * 10,
    "timeframe": [""] * 10,
    "updates": [UPDATE, "", "@risk: check", "", "Mapping started", "- meeting held",
                "Scheme is available\nto all GPs", "", "an orphan update", ""],
    "risks_issues": ["", "", "", "", "", "", "", "see row above", "", ""],
    "rag": ["Green", "Green", "", "Green", "", "Red", "Amber", "Complete", "", "Amber/Green"],
    "rag_text": ["Green", "G", "Purple", "", "", "Red", "Amber", "B", "", "A/G"],
    "rag_source": ["text", "text", "unknown", "colour", "", "text", "text", "text", "", "text"],
    "due": ["Q1", "Q2", "Q1", "Q3", "Q4", "Q4", "Q3", "Q4", "Q1", ""],
    "due_date": [None, None, dt.date(2018, 5, 15), dt.date(2018, 12, 31), None, None, None,
                 None, None, None],
    "due_cell": ["E6", "F7", "E9", "G10", "H11", "H14", "G15", "H17", "E19", ""],
    "complete": [False, True, False, False, False, False, False, False, False, False],
    "Budget code": ["CC-4471", "", 1200.0, "", "", "", "", "", "", ""],
    "Column M": ["", "", "", "", "", "note in M", "", "", "", ""],
}
EXPECTED_ISSUES = [
    ("fragment-row", "D8"), ("formula-like-text", "I9"), ("fragment-row", "J18"),
    ("missing-value", "C19"), ("formula-in-input", "M16"), ("rag-from-colour", "K10"),
    ("rag-colour-mismatch", "K15"), ("rag-colour-mismatch", "K17"), ("unknown-rag", "K9"),
    ("missing-rag", "K11"), ("unknown-marker", "H11"), ("missing-rag", "K19"),
    ("duplicate-ref", "A11"),
]


@pytest.fixture(scope="module")
def rich(tmp_path_factory):
    return rich_plan(tmp_path_factory.mktemp("rich") / "p.xlsx")


def test_a_rich_plan_reads_to_exactly_these_rows(rich):
    sub = read_submission(rich)
    df = sub.actions
    assert list(df.columns) == [*ACTION_COLUMNS, "Budget code", "Column M"]
    assert df.attrs["extra_columns"] == ["Budget code", "Column M"]
    assert list(df.index) == list(range(10))
    for name, values in EXPECTED.items():
        assert df[name].tolist() == values, name
    # Keys: the Ref, else a hash of theme, action and sub-action, numbered when it repeats.
    derived = [row_key(t, a, s) for t, a, s in zip(df["theme"], df["action"], df["sub_action"])]
    assert df["key"].tolist() == [derived[0], derived[1], "R-1", "R-2", "R-1", derived[5],
                                  derived[6], "3", derived[8], derived[5] + "-2"]
    assert derived[5] == derived[9] and derived[5].startswith("K-")

    text_columns = [c for c in ACTION_COLUMNS if c not in ("source_row", "due_date", "complete")]
    assert all(df[c].dtype == TEXT for c in [*text_columns, "Column M"])
    assert (df["source_row"].dtype, df["complete"].dtype) == ("int64", "bool")
    assert df["due_date"].dtype == object and df["Budget code"].dtype == object

    assert [(i.code, i.cell) for i in sub.issues] == EXPECTED_ISSUES
    messages = {(i.code, i.cell): i.message for i in sub.issues}
    assert messages[("fragment-row", "D8")] == ("a row holding only 'Operations, Livewell "
                                                "Southwest' was joined to the sro of the row "
                                                "above (row 7)")
    assert messages[("fragment-row", "J18")].endswith("to the risks issues of the row above "
                                                      "(row 17)")
    assert messages[("unknown-rag", "K9")] == ("RAG value 'Purple' is not on the scale "
                                               "(Complete, Green, Amber/Green, Amber, "
                                               "Amber/Red, Red)")
    assert messages[("rag-colour-mismatch", "K17")] == (
        "the RAG says Complete but the cell is filled Amber (#FFC000); the text was used")
    assert messages[("duplicate-ref", "A11")] == (
        "Ref 'R-1' is used again here (first at Action Plan row 9): give each row its own Ref")


def test_reading_again_gives_the_same_rows_and_issues(rich):
    """The text memos outlive a file: a second read, and one after they were emptied, agree."""
    first = read_submission(rich)
    again = read_submission(rich)
    actions_module._TEXTS.clear()
    actions_module._ROW_KEYS.clear()
    actions_module._MATCH_KEYS.clear()
    fresh = read_submission(rich)
    for other in (again, fresh):
        pd.testing.assert_frame_equal(other.actions, first.actions)
        assert other.issues == first.issues


def _block(k: int) -> list[list]:
    """Rows of one goal of a York-style tracker (lettered goal rows above numbered ones) that
    hold the cells a fast path could misread: numbers, dates, formula-like text, odd spaces,
    bare tags, merged-down action and markers, a fragment and a row right of the table."""
    n = 3 * k
    return [
        [chr(ord("A") + k % 26), "Goal %d" % k, "", "", "", "", "", "see below", "", ""],
        [float(n + 1), "Action %d" % (k % 7), "1. Sub %d" % k, "SRO %d" % (k % 3), "X", "",
         dt.datetime(2018, 7, 1 + k % 28), "", "=A1 is not a formula", "", "G", 7],
        [n + 2, "", "2.\u00a0Sub  two", "", "", "Complete", "", "Q4 18/19", "<p></p>", "", ""],
        ["", "", "", "", "", "", "", "", "", "\u200b"],  # a zero-width space alone: typed in
        [str(n + 3), "", "<p>Three</p>", "\u00a0", True, "", "", "", "- done", "", "Purple",
         "", "", "right of the table"],
        ["", "", "", "", "", "", "", "", "", "Operations, Livewell"],
        [n + 4, "", "", "", "", "", "", "", "an update", "", ""],
    ]


HEADER = ["R", "Action", "Sub actions", "SRO", "Q1", "Q2", "Q3", "Q4", "Updates",
          "Risks/Issues", "RAG", "Budget code"]


def _sheet(blocks: int) -> RawSheet:
    rows = [["Tracker"], [], HEADER]
    merged = []
    for k in range(blocks):
        top = len(rows)
        rows += _block(k)
        merged += [(top + 1, 1, top + 2, 1), (top + 1, 4, top + 2, 4)]  # Action, Q1 merged down
    return RawSheet("Tracker", rows, merged)


def _read(sheet: RawSheet):
    programme = load_config()
    loc = locate(sheet, programme)
    ctx = SheetContext("t.xlsx", sheet.name, loc, programme, formula_cells={(5, 8)})
    df = normalise_actions(sheet, ctx)
    validate_required_columns(ctx)
    validate_actions(df, ctx)
    return df, ctx.issues


def test_small_and_big_plans_take_different_routes_to_the_same_frame():
    small_df, small_issues = _read(_sheet(3))
    big_df, big_issues = _read(_sheet(1200))  # 4,800 rows: its frame is built column by column
    assert len(big_df) > actions_module._ONE_SERIES_CELLS // len(actions_module.TEXT_COLUMNS)
    pd.testing.assert_frame_equal(big_df.head(len(small_df)), small_df)
    assert list(big_df.dtypes) == list(small_df.dtypes)
    last_row = 3 + 7 * 3  # the small sheet's last Excel row
    assert [i for i in big_issues if i.row <= last_row] == small_issues

    # What the fast paths must not misread, on the first goal.
    first = small_df.head(4).to_dict("list")
    assert first["theme"] == ["A: Goal 0"] * 4
    assert first["ref"] == ["1", "2", "3", "4"]
    assert first["action"] == ["Action 0"] * 4
    assert first["sub_action"] == ["1. Sub 0", "2. Sub two", "Three", ""]
    assert first["q1"] == ["X", "X", "TRUE", ""]
    assert first["due"] == ["Q3", "Q4", "Q1", ""]
    assert first["due_date"] == [dt.date(2018, 7, 1), dt.date(2019, 3, 31), None, None]
    assert first["complete"] == [False, True, False, False]
    assert first["updates"] == ["=A1 is not a formula", "", "- done", "an update"]
    assert first["risks_issues"] == ["", "", "Operations, Livewell", ""]
    assert first["rag"] == ["Green", "", "", ""]
    assert first["Budget code"] == [7, "", "", ""]
    assert first["sro"] == ["SRO 0"] * 4
    assert first["Column N"] == ["", "", "right of the table", ""]
    # Row by row while reading (I5 holds a real formula, so no formula-like-text there), then
    # the formula cells, then the rules, each goal's rows in order.
    per_goal = [[("fragment-row", f"J{7 + 7 * k}"), ("fragment-row", f"J{9 + 7 * k}"),
                 ("missing-value", f"C{10 + 7 * k}")] for k in range(3)]
    rules = [[("unknown-rag", f"K{8 + 7 * k}"), ("unknown-marker", f"E{8 + 7 * k}"),
              ("missing-rag", f"K{10 + 7 * k}")] for k in range(3)]
    assert [(i.code, i.cell) for i in small_issues] == [
        *per_goal[0], ("formula-like-text", "I12"), *per_goal[1], ("formula-like-text", "I19"),
        *per_goal[2], ("formula-in-input", "I5"), *rules[0], *rules[1], *rules[2]]


def test_an_empty_plan_has_every_column_and_no_rows(tmp_path):
    sub = read_submission(write_plan(tmp_path / "empty.xlsx", []))
    assert list(sub.actions.columns) == list(ACTION_COLUMNS)
    assert len(sub.actions) == 0


def test_a_sheet_with_only_blank_rows_builds_the_empty_frame():
    sheet = RawSheet("Plan", [PLAN_HEADER, [], ["", "  ", None], ["\t"]])
    df, issues = _read(sheet)
    assert list(df.columns) == list(ACTION_COLUMNS) and len(df) == 0
    assert all(t == object for t in df.dtypes)  # as DataFrame.from_records builds it
    assert df.attrs["extra_columns"] == []


def test_duplicate_refs_are_reported_ref_by_ref_in_order():
    df = pd.DataFrame({"file": ["f"] * 5, "sheet": ["S"] * 5, "source_row": [2, 3, 4, 5, 6],
                       "ref": ["B", "A", "B", "", "A"]})
    issues: list = []
    duplicate_refs(df, issues, {("S", "ref"): 0})
    assert [(i.value, i.cell) for i in issues] == [("A", "A6"), ("B", "A4")]
    assert "first at S row 3" in issues[0].message


def test_memo_takes_only_texts():
    calls = []
    memo = Memo(lambda v: calls.append(v) or f"<{v}>", limit=3)
    assert memo["a"] == "<a>" and memo["a"] == "<a>" and calls == ["a"]
    for value in (1, 1.0, True, dt.date(2018, 1, 1)):
        with pytest.raises(NotText):
            memo[value]
    assert memo(1) == "<1>" and memo(True) == "<True>"  # worked out, not remembered
    memo["b"], memo["c"], memo["d"]
    assert len(memo) <= 3  # full: started afresh


def test_remembered_readings_keep_numbers_booleans_and_texts_apart():
    assert parse_marker("1") == parse_marker("1")
    assert parse_marker(True).kind == DUE
    assert parse_marker(1).kind == parse_marker("1").kind == UNKNOWN
    assert parse_marker(1.0).text == "1.0" and parse_marker("1").text == "1"
    assert parse_marker("Complete").kind == COMPLETE
    assert parse_marker(dt.datetime(2018, 8, 15)).kind == DATE
    assert parse_marker("Q2 18/19", 4).date == dt.date(2018, 9, 30)
    assert parse_marker("Q2 18/19", 1).date == dt.date(2018, 6, 30)
    assert parse_timeframe("2018/19", 4).date == dt.date(2019, 3, 31)
    assert parse_timeframe(2018).date == dt.date(2018, 12, 31)
    restricted = RagScale(levels=("Complete", "Green", "Amber", "Red"))
    assert colour_to_rag("FFFF00") == "Amber/Green"
    assert colour_to_rag("ffff00", restricted) == "Amber"
    assert colour_to_rag("D9D9D9") is None
    assert RagScale().display() == "Complete, Green, Amber/Green, Amber, Amber/Red, Red"
    relabelled = RagScale(labels=(("Amber/Green", "Yellow"),))
    assert relabelled.label("Amber/Green") == "Yellow" and relabelled.label("Red") == "Red"


@pytest.mark.parametrize("space", _ODD_SPACES)
def test_clean_text_turns_each_odd_space_into_a_space(space):
    """The quick test for text with nothing to clean must see every odd space."""
    assert clean_text(f" a{space}b ") == "a b"
    assert clean_text(f"a \u2013 b{space}") == "a \u2013 b"
    assert clean_text("a \u2013 b ") == "a \u2013 b"
