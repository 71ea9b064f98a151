"""Reading action plans the way SROs really keep them: headers, banners, carry-down, RAG."""
from __future__ import annotations

import pytest

from builders import PLAN_HEADER, write_plan
from xlplan.api import read_submission, validate
from xlplan.config import load_config

UPDATE = ("Draft commissioning intentions developed shared with Local Care Partnership Board. "
          "Intentions build on approved Commissioning Strategies and articulate priorities for "
          "next 2 years")
SRO = "Craig McArdle, Director of Integrated Commissioning, PCC/NEW Devon CCG"
ACTION = "Develop commissioning intentions to signal market requirements 18/19"


def codes(sub, code=None):
    found = [(i.code, i.cell) for i in sub.issues]
    return [c for c in found if code is None or c[0] == code]


def plan_row(sub_action, rag="Green", update=UPDATE, action="", sro="", q=("X", "", "", "")):
    return [action, sub_action, sro, *q, update, "", rag]


def test_header_below_title_block_with_renamed_padded_headers(tmp_path):
    header = ["Action", "Sub-actions", "Lead", "Qtr 1", "Qtr 2", "Qtr 3", "Qtr 4",
              "Progress update", "Risks and issues", "  rag status "]
    path = write_plan(tmp_path / "p.xlsx", [
        ["Theme 1: Commissioning & Market Management"],
        plan_row("1. Develop draft Commissioning Intentions", action=ACTION, sro=SRO),
        plan_row("2. Commissioning Intentions signed off ready for consultation", rag="G"),
    ], header=header, title=["CQC Action Plan 2018-19", "Plymouth Health and Wellbeing System"])
    sub = read_submission(path)
    assert sub.info.sheets[0].kind == "action_plan"
    assert sub.info.sheets[0].header_row == 4
    df = sub.actions
    assert list(df["sub_action"]) == ["1. Develop draft Commissioning Intentions",
                                      "2. Commissioning Intentions signed off ready for "
                                      "consultation"]
    assert set(df["action"]) == {ACTION}
    assert set(df["sro"]) == {SRO}
    assert set(df["theme"]) == {"Theme 1: Commissioning & Market Management"}
    assert list(df["rag"]) == ["Green", "Green"]
    assert list(df["source_row"]) == [6, 7]  # title, title, blank, header, banner
    assert list(df["due"]) == ["Q1", "Q1"]
    assert [i for i in sub.issues if i.severity == "error"] == []


def test_a_banner_right_under_a_theme_is_its_sub_heading_and_the_theme_is_kept(tmp_path):
    """Theme banner, then a banner not worded as a theme or an aim, then rows: the second is
    the theme's sub-heading (its aim), and the rows keep the theme. A theme-worded banner is
    always a new theme, and a banner after rows of the table starts one too."""
    path = write_plan(tmp_path / "p.xlsx", [
        ["Theme 1: Commissioning & Market Management"],
        ["Signal market requirements for 2018/19"],
        plan_row("1. Develop draft Commissioning Intentions", action=ACTION, sro=SRO),
        ["Theme 2: Integrated care"],
        ["Theme 3: Workforce"],  # a theme with no actions yet: not the aim of theme 2
        plan_row("1. Recruit 20 care staff", action="Recruitment campaign", sro=SRO),
        ["Improving hospital discharge"],  # after rows: a new theme, as before
        plan_row("1. Discharge to assess pilot", action="Discharge pathway", sro=SRO),
    ], merges=[f"A{r}:J{r}" for r in (2, 3, 5, 6, 8)])  # banners span the table
    df = read_submission(path).actions
    assert list(df["theme"]) == ["Theme 1: Commissioning & Market Management",
                                 "Theme 3: Workforce", "Improving hospital discharge"]
    assert list(df["aim"]) == ["Signal market requirements for 2018/19", "", ""]


@pytest.mark.parametrize("typed, level", [
    ("G", "Green"), ("green ", "Green"), ("GREEN", "Green"), ("On track", "Green"),
    ("A/G", "Amber/Green"), ("Amber-Green", "Amber/Green"), ("amber / green", "Amber/Green"),
    ("Yellow", "Amber/Green"), ("Y", "Amber/Green"),
    ("A", "Amber"), ("amber", "Amber"), ("A/R", "Amber/Red"), ("Amber-Red", "Amber/Red"),
    ("R", "Red"), (" red.", "Red"),
    ("B", "Complete"), ("Blue", "Complete"), ("Completed", "Complete"), ("Done", "Complete"),
    ("Complete", "Complete"),
])
def test_rag_variants(tmp_path, typed, level):
    path = write_plan(tmp_path / "p.xlsx", [plan_row("1. Develop draft", action=ACTION, sro=SRO,
                                                     rag=typed)])
    sub = read_submission(path)
    assert list(sub.actions["rag"]) == [level]
    assert list(sub.actions["rag_text"]) == [typed.strip()]
    assert codes(sub, "unknown-rag") == []


def test_unknown_rag_is_an_error_with_cell_and_scale(tmp_path):
    path = write_plan(tmp_path / "p.xlsx", [plan_row("1. Develop draft", action=ACTION, sro=SRO,
                                                     rag="Purple")])
    sub = read_submission(path)
    (issue,) = [i for i in sub.issues if i.code == "unknown-rag"]
    assert issue.severity == "error"
    assert issue.cell == "J2"
    assert issue.value == "Purple"
    assert "Purple" in issue.message and "Complete, Green, Amber/Green, Amber, Amber/Red, Red" \
        in issue.message
    assert len(sub.actions) == 1  # the row is kept, marked by its issue
    assert sub.info.status == "errors"


def test_restricted_scale_rejects_levels_it_does_not_use(tmp_path):
    programme = load_config(overrides={"rag": {"levels": ["Complete", "Green", "Amber", "Red"]}})
    path = write_plan(tmp_path / "p.xlsx", [plan_row("1. a", action=ACTION, sro=SRO, rag="Yellow"),
                                            plan_row("2. b", rag="Amber")])
    sub = read_submission(path, programme)
    (issue,) = [i for i in sub.issues if i.code == "unknown-rag"]
    assert issue.cell == "J2" and "(Complete, Green, Amber, Red)" in issue.message
    assert list(sub.actions["rag"]) == ["", "Amber"]


def test_rag_given_only_as_fill_colour(tmp_path):
    path = write_plan(tmp_path / "p.xlsx", [
        plan_row("1. Develop draft", action=ACTION, sro=SRO, rag=None),
        plan_row("2. Signed off", rag=None),
        plan_row("3. Consultation", rag=None, update=""),
    ], fills={(0, 9): "00B050", (1, 9): "FFC000"})
    sub = read_submission(path)
    assert list(sub.actions["rag"]) == ["Green", "Amber", ""]
    assert list(sub.actions["rag_source"]) == ["colour", "colour", ""]
    assert codes(sub, "rag-from-colour") == [("rag-from-colour", "J2"), ("rag-from-colour", "J3")]
    assert codes(sub, "missing-rag") == []


def test_rag_text_and_fill_disagree(tmp_path):
    path = write_plan(tmp_path / "p.xlsx", [plan_row("1. a", action=ACTION, sro=SRO, rag="Red")],
                      fills={(0, 9): "00B050"})
    sub = read_submission(path)
    assert list(sub.actions["rag"]) == ["Red"]  # the text wins
    assert codes(sub, "rag-colour-mismatch") == [("rag-colour-mismatch", "J2")]


def test_missing_rag_warning_for_update_without_rag(tmp_path):
    path = write_plan(tmp_path / "p.xlsx", [plan_row("1. a", action=ACTION, sro=SRO, rag=""),
                                            plan_row("2. b", rag="", update="")])
    sub = read_submission(path)
    assert codes(sub, "missing-rag") == [("missing-rag", "J2")]


def test_missing_rag_column_is_one_error_and_rows_are_kept(tmp_path):
    header = [h for h in PLAN_HEADER if h != "RAG Status"]
    path = write_plan(tmp_path / "p.xlsx", [
        [ACTION, "1. a", SRO, "X", "", "", "", UPDATE, ""],
        ["", "2. b", "", "", "X", "", "", "", ""],
    ], header=header)
    sub = read_submission(path)
    missing = [i for i in sub.issues if i.code == "missing-column"]
    assert len(missing) == 1
    assert missing[0].value == "RAG" and missing[0].row == 1 and "RAG" in missing[0].message
    assert len(sub.actions) == 2
    assert codes(sub, "missing-rag") == []


def test_banners_carry_down_vertical_merges_and_fragment(tmp_path):
    rows = [
        ["Theme 3: System Improvement"],
        ["Aim: Multiple system reviews have already been undertaken"],
        ["System Improvement", "Share single access route into LWSW with wider providers",
         "Nicola Jones, Head of Commissioning, NEW Devon CCG,", "", "", "", "X",
         "Due to be completed by end of December 18", "", ""],
        ["", "Roll out Yellow Card scheme", "Michelle Thomas, Director of", "", "", "X", "",
         "Scheme is available to all GP's and Care Home Providers.", "", ""],
        [],
        ["", "", "Operations, Livewell Southwest"],
        ["CHC", "CHC Pathway - Review existing CHC data",
         "Lorna Collingwood-Burke, Chief Nursing Officer, NEW Devon CCG", "X", "", "", "",
         "Desktop review of cases with Local Authority has already commenced", "", ""],
        ["", "CHC Pathway - Benchmark to other areas", "", "X"],
        ["", "CHC Pathway - Commence end to end mapping of process", "", "", "", "X"],
    ]
    # Theme banner merged across the table; CHC action and SRO merged down its sub-actions.
    path = write_plan(tmp_path / "p.xlsx", rows, merges=["A2:J2", "A8:A10", "C8:C10"])
    sub = read_submission(path)
    df = sub.actions
    assert len(df) == 5
    assert set(df["theme"]) == {"Theme 3: System Improvement"}
    assert set(df["aim"]) == {"Aim: Multiple system reviews have already been undertaken"}
    assert list(df["action"]) == ["System Improvement"] * 2 + ["CHC"] * 3
    assert df["sro"][1] == "Michelle Thomas, Director of Operations, Livewell Southwest"
    assert set(df["sro"][2:]) == {"Lorna Collingwood-Burke, Chief Nursing Officer, NEW Devon CCG"}
    assert codes(sub, "fragment-row") == [("fragment-row", "C7")]
    assert list(df["due"]) == ["Q4", "Q3", "Q1", "Q1", "Q3"]


def test_html_remnants_and_odd_whitespace_are_cleaned(tmp_path):
    path = write_plan(tmp_path / "p.xlsx", [[
        "<p>Development of Integrated Care Model</p>",
        "1.\u00a0Align working to Strategic   Commissioning Intentions",
        "<p>Ann James, Chief Executive, Plymouth NHS Hospitals Trust</p> <p>Dr Adam Morris, "
        "Chief Executive, Livewell Southwest</p>", "X", "", "", "", "Latest draft\r\nwith PHNT",
        "", "Green"]])
    rec = read_submission(path).actions.iloc[0]
    assert rec["action"] == "Development of Integrated Care Model"
    assert rec["sub_action"] == "1. Align working to Strategic Commissioning Intentions"
    assert rec["sro"] == ("Ann James, Chief Executive, Plymouth NHS Hospitals Trust\n"
                          "Dr Adam Morris, Chief Executive, Livewell Southwest")
    assert rec["updates"] == "Latest draft\nwith PHNT"


def test_extra_columns_are_kept(tmp_path):
    header = [*PLAN_HEADER, "Budget code", "Comments"]
    path = write_plan(tmp_path / "p.xlsx", [
        [ACTION, "1. a", SRO, "X", "", "", "", UPDATE, "", "Green", "CC-4471", "check with finance"],
        ["", "2. b", "", "X", "", "", "", "", "", "", 1200],
    ], header=header)
    df = read_submission(path).actions
    assert list(df["Budget code"]) == ["CC-4471", 1200]
    assert list(df["Comments"]) == ["check with finance", ""]
    assert df.attrs["extra_columns"] == ["Budget code", "Comments"]


def test_milestone_markers_and_unknown_marker(tmp_path):
    import datetime as dt

    rows = [
        [ACTION, "1. a", SRO, "Complete", "", "", "", "", "", "Green"],
        ["", "2. b", "", "", dt.datetime(2018, 8, 15), "", "", "", "", ""],
        ["", "3. c", "", "", "", "Q3 18/19", "", "", "", ""],
        ["", "4. d", "", "", "", "", "maybe", "", "", ""],
    ]
    sub = read_submission(write_plan(tmp_path / "p.xlsx", rows))
    df = sub.actions
    assert list(df["due"]) == ["Q1", "Q2", "Q3", "Q4"]
    assert list(df["complete"]) == [True, False, False, False]
    assert df["due_date"][1] == dt.date(2018, 8, 15)
    assert df["due_date"][2] == dt.date(2018, 12, 31)
    assert codes(sub, "unknown-marker") == [("unknown-marker", "G5")]


def test_timeframe_layout_of_seed_002(tmp_path):
    import datetime as dt

    header = ["Commissioning Activity", "Timeframe", "Progress Reports", "RAG"]
    rows = [
        ["Implement a number of Wellbeing initiatives", "Oct-18", "Thrive Plymouth Year 4 was "
         "successfully launched on 10 th October.", "Green"],
        ["Locally implement NEW Devon CCG's approach to Long Term Conditions", "Mar-19",
         "Analysis of Devon wide data used to highlight the key areas of work", "Green"],
        ["Implement the prescribing delivery plan", "2018/19", "", ""],
        ["Perinatal mental health pathway", "Ongoing - March 19", "A pilot has started", "Amber"],
        ["Review the integrated community equipment service", "Autumn 2018", "", ""],
        ["Children's centres redesign", "when funding allows", "", ""],
    ]
    sub = read_submission(write_plan(tmp_path / "p.xlsx", rows, header=header))
    df = sub.actions
    assert list(df["timeframe"]) == [r[1] for r in rows]
    assert list(df["due_date"]) == [dt.date(2018, 10, 31), dt.date(2019, 3, 31),
                                    dt.date(2019, 3, 31), dt.date(2019, 3, 31),
                                    dt.date(2018, 11, 30), None]
    assert codes(sub, "unknown-marker") == [("unknown-marker", "B7")]


def test_york_tracker_without_rag(tmp_path):
    header = ["R", "Strategic Goal", "Progress so far"]
    rows = [
        ["A", "Single plan for City of York", "See below: recommendations 1 - 3"],
        [1, "System Vision for STP footprint", "CYC and the partners of the Place Based "
         "Improvement Partnership (PBIP) are engaging in the emerging arrangements"],
        [2, "Develop relationships across system", "Place Based Improvement Partnership (PBIP) "
         "has been established, chaired by Mary Weastell."],
        [3, "Clear evaluation to demonstrate impact", "<p>Arrangements are in place for PBIP</p>"],
        ["B", "Enabling Integration", "See below: recommendations 4 - 7"],
        [4, "Move towards joint commissioning", "Assistant Director – Joint Commissioning has "
         "been recruited across CCG and CYC."],
    ]
    sub = read_submission(write_plan(tmp_path / "york.xlsx", rows, header=header,
                                     title=["Update on the CQC Local System Review Action Plan"]))
    df = sub.actions
    assert list(df["ref"]) == ["1", "2", "3", "4"]
    assert list(df["theme"]) == ["A: Single plan for City of York"] * 3 + \
        ["B: Enabling Integration"]
    assert df["updates"][2] == "Arrangements are in place for PBIP"
    assert [(i.code, i.value) for i in sub.issues if i.severity == "error"] == \
        [("missing-column", "RAG")]


def test_duplicate_ref_in_one_file(tmp_path):
    header = ["Ref", *PLAN_HEADER]
    rows = [["CM-1", ACTION, "1. a", SRO, "X", "", "", "", "", "", "Green"],
            ["CM-2", "", "2. b", "", "X", "", "", "", "", "", "Green"],
            ["CM-1", "", "3. c", "", "X", "", "", "", "", "", "Green"]]
    sub = read_submission(write_plan(tmp_path / "p.xlsx", rows, header=header))
    assert codes(sub, "duplicate-ref") == [("duplicate-ref", "A4")]
    assert list(sub.actions["key"]) == ["CM-1", "CM-2", "CM-1"]


def test_keys_without_ref_are_stable_across_renumbering_and_spacing(tmp_path):
    a = read_submission(write_plan(tmp_path / "a.xlsx", [
        plan_row("1. Develop draft Commissioning Intentions", action=ACTION, sro=SRO)]))
    b = read_submission(write_plan(tmp_path / "b.xlsx", [
        ["", ""], plan_row("2.  develop draft commissioning intentions ", action=ACTION + " ",
                           sro=SRO)]))
    assert a.actions["key"][0] == b.actions["key"][0]
    assert a.actions["key"][0].startswith("K-")


def test_row_with_content_but_no_action_text(tmp_path):
    rows = [plan_row("1. a", action=ACTION, sro=SRO), ["", "", "", "X", "", "", "", "an update"]]
    sub = read_submission(write_plan(tmp_path / "p.xlsx", rows))
    assert codes(sub, "missing-value") == [("missing-value", "B3")]
    assert len(sub.actions) == 2


def test_formula_like_text_and_formulas_in_input(tmp_path):
    from openpyxl import load_workbook

    rows = [plan_row("1. a", action=ACTION, sro=SRO, update="@risk: check"),
            plan_row("2. b", update="- meeting held"),
            plan_row("3. c", update="+44 1752 000000")]
    path = write_plan(tmp_path / "p.xlsx", rows)
    wb = load_workbook(path)
    wb.active["K2"] = "=1+2"  # an SRO's own formula
    wb.save(path)
    sub = read_submission(path)
    assert codes(sub, "formula-like-text") == [("formula-like-text", "H2"),
                                               ("formula-like-text", "H4")]
    assert codes(sub, "formula-in-input") == [("formula-in-input", "K2")]
    assert list(sub.actions["updates"]) == ["@risk: check", "- meeting held", "+44 1752 000000"]


def test_hidden_sheet_lock_file_and_other_files_in_a_folder(tmp_path):
    folder = tmp_path / "in"
    write_plan(folder / "2018-03 Paterson.xlsx", [plan_row("1. a", action=ACTION, sro=SRO)],
               hidden_sheets=["Old notes"])
    (folder / "~$2018-03 Paterson.xlsx").write_bytes(b"\x00" * 165)
    (folder / "covering note.docx").write_bytes(b"PK\x03\x04 not really")
    result = validate([folder])
    by_code = {(i.code, i.file, i.sheet) for i in result.issues}
    assert ("hidden-sheet", "2018-03 Paterson.xlsx", "Old notes") in by_code
    assert ("skipped-file", "~$2018-03 Paterson.xlsx", None) in by_code
    assert ("skipped-file", "covering note.docx", None) in by_code
    statuses = {f.path: f.status for f in result.files}
    assert statuses == {"2018-03 Paterson.xlsx": "ok", "~$2018-03 Paterson.xlsx": "skipped",
                        "covering note.docx": "skipped"}
    assert len(result.actions) == 1


def test_no_recognisable_header(tmp_path):
    path = write_plan(tmp_path / "p.xlsx", [["a", "b"]], header=["Name", "Budget"])
    sub = read_submission(path)
    assert [i.code for i in sub.issues] == ["header-not-found"]
    assert sub.info.sheets[0].kind == "other"


def test_programme_header_aliases(tmp_path):
    header = ["Action", "Sub actions", "Accountable officer", "Q1", "Q2", "Q3", "Q4", "Updates",
              "Risks/Issues", "Delivery confidence"]
    programme = load_config(overrides={"headers": {"sro": ["Accountable officer"],
                                                   "rag": ["Delivery confidence"]}})
    path = write_plan(tmp_path / "p.xlsx", [plan_row("1. a", action=ACTION, sro=SRO, rag="A")],
                      header=header)
    df = read_submission(path, programme).actions
    assert list(df["sro"]) == [SRO] and list(df["rag"]) == ["Amber"]


def test_grey_and_white_fills_are_not_a_rag():
    from xlplan.schema.rag import colour_to_rag

    for grey in ("D9D9D9", "BFBFBF", "808080", "FFFFFF", "F2F2F2", "DDEBF7", "000000"):
        assert colour_to_rag(grey) is None, grey
    assert colour_to_rag("00B050") == "Green" and colour_to_rag("FFC7CE") == "Red"
    assert colour_to_rag("5B9BD5") == "Complete" and colour_to_rag("FFEB9C") == "Amber"
