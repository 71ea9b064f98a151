"""Risk registers and RAID logs kept by third parties on layouts nobody templated.

Each workbook is generated here and reproduces one pattern of registers organisations keep
(charity, NHS, council, project and tool-export registers); each test checks the values read.
"""
from __future__ import annotations

import pytest

from builders import book
from xlplan.api import read_submission
from xlplan.config import load_config


@pytest.fixture(scope="module")
def prog():
    return load_config(overrides={"today": "2025-04-30"})


def codes(sub) -> list[str]:
    return [i.code for i in sub.issues]


# ------------------------------------------------- a group label beside merged-down headers
def test_a_rating_group_beside_headers_merged_down_over_two_rows(tmp_path, prog):
    """"Current risk" merged over Likelihood / Impact / Overall, the other headers merged down
    over both header rows: only the group's sub-headers fill the second row."""
    path = book(tmp_path / "charity.xlsx", {"Risk Register": [
        ["Trustees' Risk Register"],
        ["Version 2.1", None, "Approved 12/06/2025"],
        [],
        ["Area", "Risk", "Potential impact", "Current risk", None, None, "Controls in place",
         "Responsible"],
        [None, None, None, "Likelihood", "Impact", "Overall", None, None],
        ["Governance", "Trustee skills gaps", "Poor decisions", "Medium", "High", "High",
         "Annual review", "Chair"],
        ["Finance", "Fall in legacy income", "Deficit budget", 4, 4, 16, "Reserves policy",
         "Treasurer"],
    ]}, {"Risk Register": ["A4:A5", "B4:B5", "C4:C5", "D4:F4", "G4:G5", "H4:H5"]})
    sub = read_submission(path, prog)
    assert "missing-column" not in codes(sub)
    risks = sub.risks
    assert list(risks["description"]) == ["Trustee skills gaps", "Fall in legacy income"]
    assert list(risks["owner"]) == ["Chair", "Treasurer"]
    assert list(risks["likelihood"]) == [3, 4]
    assert list(risks["impact"]) == [4, 4]
    assert list(risks["score"]) == [12, 16]
    assert list(risks["source_row"]) == [6, 7]  # the sub-header row is no risk


# ------------------------------------------------------ one risk over two merged rows
def test_a_risk_merged_over_two_rows_is_one_risk_with_both_lines(tmp_path, prog):
    """Ref, description and rating merged down over two rows, one mitigation per row."""
    rows = [["Programme Risk Log"],
            ["Risk ID", "Description", "Owner", "L", "I", "Score", "Mitigation actions",
             "Action owner", "Due"],
            ["PR-1", "Low adoption", "Programme Director", 3, 4, 12, "Training plan",
             "L&D Lead", "2025-09-30"],
            [None, None, None, None, None, None, "Champions network", "Change Lead",
             "2025-12-31"],
            ["PR-2", "Interfaces fail", "Architect", 2, 5, 10, "Early testing", "Test Lead",
             "2025-09-30"],
            [None, None, None, None, None, None, "Fallback interface", None, None]]
    merges = [f"{c}{r}:{c}{r + 1}" for r in (3, 5) for c in "ABCDEF"]
    sub = read_submission(book(tmp_path / "log.xlsx", {"Risk Log": rows},
                               {"Risk Log": merges}), prog)
    risks = sub.risks
    assert list(risks["ref"]) == ["PR-1", "PR-2"]
    assert "duplicate-ref" not in codes(sub)
    assert list(risks["score"]) == [12, 10]
    assert list(risks["action_plan"]) == ["Training plan\nChampions network",
                                          "Early testing\nFallback interface"]
    assert list(risks["Action owner"]) == ["L&D Lead\nChange Lead", "Test Lead"]
    assert list(risks["Due"]) == ["2025-09-30\n2025-12-31", "2025-09-30"]
    said = [i for i in sub.issues if i.code == "fragment-row"]
    assert [(i.sheet, i.cell) for i in said] == [("Risk Log", "G4"), ("Risk Log", "G6")]
    assert "Champions network" in said[0].message


def test_a_second_rating_on_a_continued_row_is_named_not_lost(tmp_path, prog):
    rows = [["Risk ID", "Description", "Owner", "Likelihood", "Impact", "Mitigation"],
            ["R1", "Supplier fails", "Buyer", 3, 4, "Dual source"],
            [None, None, None, 5, None, "Stock buffer"]]
    sub = read_submission(book(tmp_path / "r.xlsx", {"Risks": rows},
                               {"Risks": ["A2:A3", "B2:B3", "C2:C3"]}), prog)
    assert list(sub.risks["likelihood"]) == [3]
    assert list(sub.risks["controls"]) == ["Dual source\nStock buffer"]
    said = [i for i in sub.issues if i.code == "fragment-row"]
    assert len(said) == 1 and "D3 '5'" in said[0].message


# ------------------------------------------------- a rating column written Red/Amber/Green
def test_a_risk_rating_column_of_rag_words_beside_likelihood_and_impact_is_the_rag(tmp_path,
                                                                                   prog):
    path = book(tmp_path / "council.xlsx", {"Strategic Risks": [
        ["Borough Council Strategic Risk Register"],
        ["Ref", "Risk description", "Risk owner", "Likelihood", "Impact", "Risk rating"],
        ["SR1", "Budget gap", "Chief Executive", "Almost certain", "Major", "Red"],
        ["SR2", "Flooding", "Emergency Planning", "Unlikely", "Catastrophic", "Amber"],
        ["SR3", "Data breach", "DPO", "Rare", "Minor", "Green"],
    ]})
    sub = read_submission(path, prog)
    assert "bad-rating" not in codes(sub) and "rag-band-mismatch" not in codes(sub)
    risks = sub.risks
    assert list(risks["likelihood"]) == [5, 2, 1]
    assert list(risks["impact"]) == [4, 5, 2]
    assert list(risks["score"]) == [20, 10, 2]
    assert list(risks["rag"]) == ["Red", "Amber", "Green"]


# ------------------------------------------- a prose column named like a rating, and the real one
def test_a_prose_consequence_column_gives_way_to_the_impact_column(tmp_path, prog):
    path = book(tmp_path / "ops.xlsx", {"Risk Register": [
        ["Ref", "Risk", "Consequence", "Likelihood", "Impact", "Rating", "Owner"],
        ["OP-01", "Loss of power at main site", "Service outage for a day", 2, 5, 10, "Estates"],
        ["OP-02", "Fleet breakdowns", "Missed bin collections", 4, 2, 8, "Fleet"],
    ]})
    sub = read_submission(path, prog)
    assert "missing-value" not in codes(sub)
    risks = sub.risks
    assert list(risks["impact"]) == [5, 2]
    assert list(risks["score"]) == [10, 8]
    assert list(risks["Consequence"]) == ["Service outage for a day", "Missed bin collections"]
    said = [i for i in sub.issues if i.code == "text-not-rating"]
    assert len(said) == 1 and said[0].cell == "C1" and "'Impact' (E)" in said[0].message


# ------------------------------------------------------------- exported from a risk tool
def test_money_impact_and_exposure_are_kept_as_amounts_not_ratings(tmp_path, prog):
    path = book(tmp_path / "export.xlsx", {"Export": [
        ["ID", "Title", "Owner", "Probability %", "Impact £", "Exposure", "Response strategy",
         "Status"],
        ["RSK-101", "Steel price inflation", "Commercial Manager", 0.7, 250000, 175000,
         "Reduce", "Open"],
        ["RSK-102", "Planning consent delayed", "Planning Lead", 0.3, 120000, 36000, "Accept",
         "Open"],
    ]})
    sub = read_submission(path, prog)
    assert not {"out-of-range", "score-mismatch", "impossible-score"} & set(codes(sub))
    risks = sub.risks
    assert list(risks["ref"]) == ["RSK-101", "RSK-102"]
    assert list(risks["likelihood"]) == [4, 2]  # the probability's step on the 1-5 scale
    assert list(risks["impact"]) == [None, None] and list(risks["score"]) == [None, None]
    assert list(risks["Impact £"]) == [250000, 120000]
    assert list(risks["Exposure"]) == [175000, 36000]
    said = {i.cell: i.message for i in sub.issues if i.code == "text-not-rating"}
    assert set(said) == {"E1", "F1"} and "amounts" in said["E1"]
    # what the register lacks is said, row by row
    assert [i.row for i in sub.issues if i.code == "missing-value"] == [2, 3]


# ------------------------------------------------------- scoring guidance beside the register
def test_a_scoring_guidance_sheet_beside_the_register_is_not_read_as_risks(tmp_path, prog):
    guidance = [["Score", "Likelihood", "Description", "Impact", "Description"],
                *[[s, lw, f"{s * 20}% chance", iw, "effect"] for s, lw, iw in
                  [(1, "Rare", "Negligible"), (2, "Unlikely", "Minor"),
                   (3, "Possible", "Moderate"), (4, "Likely", "Major")]]]
    register = [["Ref", "Risk", "Likelihood", "Impact", "Owner"],
                ["R1", "Supplier fails", 3, 4, "Buyer"]]
    path = book(tmp_path / "two.xlsx", {"Risk Register": register,
                                        "Scoring Guidance": guidance})
    sub = read_submission(path, prog)
    assert list(sub.risks["ref"]) == ["R1"]
    assert "score-mismatch" not in codes(sub)
    said = [i for i in sub.issues if i.sheet == "Scoring Guidance"]
    assert [(i.code, i.cell) for i in said] == [("not-a-row", "A1")]
    assert "4 rows" in said[0].message
    # the same table alone in a workbook is what there is to read: it is read
    alone = read_submission(book(tmp_path / "alone.xlsx", {"Scoring Guidance": guidance}), prog)
    assert len(alone.risks) == 4


# ------------------------------------------------------------------ "#" as the Ref header
def test_a_number_sign_header_is_the_ref(tmp_path, prog):
    path = book(tmp_path / "raid.xlsx", {"RAID": [
        ["#", "Type", "Description", "Owner", "Likelihood", "Impact"],
        [1, "Risk", "Content owners miss the freeze", "Content Lead", "High", "Medium"],
        [2, "Issue", "Hosting quote over budget", "Finance", None, None],
    ]})
    sub = read_submission(path, prog)
    assert list(sub.risks["ref"]) == ["1", "2"]
    assert list(sub.risks["raid_type"]) == ["Risk", "Issue"]
    assert list(sub.risks["score"])[0] == 12


# ------------------------------------------------- headers of H&S assessments and risk logs
def test_a_health_and_safety_assessment_names_its_owner_by_whom(tmp_path, prog):
    path = book(tmp_path / "hs.xlsx", {"Risk Assessment": [
        ["Health and Safety Risk Assessment", None, None, "Site:", "Depot"],
        [],
        ["Hazard", "Who might be harmed and how", "Existing control measures",
         "Likelihood (L)", "Severity (S)", "Risk Rating (L x S)", "Further action required",
         "Action by whom", "Action by when"],
        ["Manual handling of bins", "Operatives: back injury", "Training", 3, 3, 9, "Review",
         "Depot Manager", "2025-10-31"],
    ]})
    risks = read_submission(path, prog).risks
    assert list(risks["description"]) == ["Manual handling of bins"]
    assert list(risks["owner"]) == ["Depot Manager"]
    assert list(risks["score"]) == [9]


def test_p_and_i_columns_and_their_product(tmp_path, prog):
    path = book(tmp_path / "log.xlsx", {"Risk Log": [
        ["Ref", "Risk", "P", "I", "P x I", "Owner"],
        ["RL1", "Supplier contract not signed", 3, 4, 12, "Procurement"],
        ["RL2", "Data migration errors", 4, 5, 20, "Data Lead"],
    ]})
    sub = read_submission(path, prog)
    assert "missing-value" not in codes(sub)
    assert list(sub.risks["likelihood"]) == [3, 4]
    assert list(sub.risks["score"]) == [12, 20]


def test_an_r_slash_i_column_says_which_rows_are_issues(tmp_path, prog):
    path = book(tmp_path / "ri.xlsx", {"Risks & Issues": [
        ["Ref", "R/I", "Description", "Owner", "Probability", "Impact", "Score"],
        ["R001", "R", "Funding may be withdrawn", "Sponsor", 2, 5, 10],
        ["I001", "I", "Workshop venue double booked", "Events", None, None, None],
    ]})
    sub = read_submission(path, prog)
    assert list(sub.risks["raid_type"]) == ["Risk", "Issue"]
    assert "missing-value" not in codes(sub)  # an issue is not rated


# ------------------------------------------------------ a score beside a level word, no L or I
def test_a_risk_score_beside_a_risk_level_word_is_the_score(tmp_path, prog):
    path = book(tmp_path / "level.xlsx", {"Risks": [
        ["Risk No", "Risk", "Owner", "Risk Score", "Risk Level", "Actions"],
        [1, "Pension deficit grows", "FD", 16, "High", "Review"],
        [2, "Lease break missed", "Estates", 6, "Medium", "Diary"],
    ]})
    sub = read_submission(path, prog)
    assert "bad-rating" not in codes(sub) and "missing-value" not in codes(sub)
    risks = sub.risks
    assert list(risks["score"]) == [16, 6]
    assert list(risks["rating_text"]) == ["High", "Medium"]  # the word kept as written


# --------------------------------------------------------- a RAID workbook with a decision log
def test_a_decision_log_sheet_is_kept_as_decisions(tmp_path, prog):
    path = book(tmp_path / "raid.xlsx", {
        "Risk Log": [["Risk ID", "Description", "Owner", "Probability", "Impact", "Rating"],
                     ["R1", "Budget overrun", "PM", 3, 4, 12]],
        "Decision Log": [["Decision ID", "Decision", "Made by", "Date"],
                         ["DEC1", "Go with vendor B", "Board", "2025-03-01"]]})
    risks = read_submission(path, prog).risks
    assert list(risks["ref"]) == ["R1", "DEC1"]
    assert list(risks["raid_type"]) == ["Risk", "Decision"]
    assert list(risks["owner"]) == ["PM", "Board"]
    assert list(risks["score"]) == [12, None]


def test_a_numbered_template_row_with_a_dropdown_choice_beside_it_is_no_risk(tmp_path, prog):
    rows = [["#", "Risk description", "Owner", "Likelihood", "Impact"],
            [1, "Practices do not sign up", "Project Lead", 3, 4, None, "Rare"],
            [2, None, None, None, None, None, "Likely"],
            [3, None, None, None, None, None, "Almost certain"]]
    sub = read_submission(book(tmp_path / "t.xlsx", {"Register": rows}), prog)
    assert list(sub.risks["ref"]) == ["1"]
    said = [i for i in sub.issues if i.code == "not-a-row"]
    assert [i.cell for i in said] == ["A3", "A4"]
    assert "'Likely'" in said[0].message


# --------------------------------------------- safety-case words and probability bands
def test_safety_case_words_and_probability_bands_are_read_onto_the_scale(tmp_path, prog):
    """A hazard log rates likelihood Frequent ... Improbable and severity Catastrophic ...
    Marginal; a project log writes its probability as a band ('50-80%') or a bound ('>80%')."""
    path = book(tmp_path / "hazards.xlsx", {"Hazard Log": [
        ["Hazard ID", "Hazard description", "Owner", "Likelihood", "Severity"],
        ["HZ1", "Train door opens in motion", "Safety Lead", "Occasional", "Catastrophic"],
        ["HZ2", "Platform gap trip", "Station Manager", "Frequent", "Marginal"],
        ["HZ3", "Signal failure", "Signalling Lead", "Improbable", "Critical"],
        ["HZ4", "Escalator stop", "Station Manager", "Highly likely", "(2) Minor"],
    ], "Project Risks": [
        ["ID", "Risk", "Owner", "Probability", "Impact"],
        ["P1", "Late delivery", "PM", "50-80%", 4],
        ["P2", "Scope change", "PM", ">80%", 3],
        ["P3", "Key loss", "PM", "< 5%", 5],
    ]})
    sub = read_submission(path, prog)
    assert "bad-rating" not in codes(sub)
    risks = sub.risks.set_index("ref")
    assert [risks.loc[r, "likelihood"] for r in ("HZ1", "HZ2", "HZ3", "HZ4")] == [3, 5, 1, 5]
    assert [risks.loc[r, "impact"] for r in ("HZ1", "HZ2", "HZ3", "HZ4")] == [5, 2, 5, 2]
    assert [risks.loc[r, "likelihood"] for r in ("P1", "P2", "P3")] == [4, 5, 1]
    assert [risks.loc[r, "score"] for r in ("P1", "P2", "P3")] == [16, 15, 5]
    assert risks.loc["HZ1", "rating_text"] == "Likelihood Occasional, impact Catastrophic"


# ------------------------------------------------- a template's own rows inside the table
def test_a_templates_guidance_row_example_row_and_key_are_no_risks(tmp_path, prog):
    """A register template says under its header what goes in each column, gives an example
    row, and keeps a key to the scores beside the table (a blank column between)."""
    path = book(tmp_path / "template.xlsx", {"Register": [
        ["Risk ID", "Risk Description", "Risk Owner", "Likelihood", "Impact", "Score", None,
         "Key", None],
        ["Unique reference", "Describe the risk as cause, event and effect",
         "Name of the accountable person", "1-5 (see key)", "1-5 (see key)", "Auto-calculated",
         None, "1-3", "Low"],
        ["Example", "e.g. Key supplier goes into administration", "e.g. Head of Procurement", 3,
         4, 12, None, "4-6", "Moderate"],
        ["R01", "Supplier fails", "Buyer", 3, 4, 12, None, "8-12", "High"],
        ["R02", "Server outage", "IT", 2, 5, 10],
        [None, None, None, None, None, None, None, "15-25", "Extreme"],
    ]})
    sub = read_submission(path, prog)
    assert list(sub.risks["ref"]) == ["R01", "R02"]
    assert list(sub.risks["score"]) == [12, 10]
    assert not [i for i in sub.issues if i.severity == "error"]
    said = {i.cell: i.message for i in sub.issues if i.code == "not-a-row"}
    assert set(said) == {"A2", "A3", "H6"}
    assert "guidance" in said["A2"] and "example" in said["A3"] and "key" in said["H6"]


def test_a_first_risk_with_unreadable_ratings_is_still_a_risk(tmp_path, prog):
    """Only a row of instructions is the template's guidance: a risk whose ratings are still
    to be given ('TBC') is read, and its ratings reported."""
    path = book(tmp_path / "tbc.xlsx", {"Register": [
        ["Risk Description", "Risk Owner", "Likelihood", "Impact"],
        ["Supplier fails", "Buyer", "TBC", "TBC"],
    ]})
    sub = read_submission(path, prog)
    assert list(sub.risks["description"]) == ["Supplier fails"]
    assert "bad-rating" in codes(sub)


# ------------------------------------------------------ impact scored by kind, then overall
def test_the_overall_impact_is_the_rating_beside_impacts_by_kind(tmp_path, prog):
    path = book(tmp_path / "kinds.xlsx", {"Register": [
        ["Ref", "Risk", "Owner", "Likelihood", "Impact (Financial)", "Impact (Reputation)",
         "Impact (Service)", "Overall Impact", "Risk Score"],
        ["1", "Grant clawback", "FD", 3, 4, 2, 1, 4, 12],
        ["2", "Service failure", "COO", 2, 2, 4, 5, 5, 10],
    ]})
    sub = read_submission(path, prog)
    assert "score-mismatch" not in codes(sub)
    risks = sub.risks
    assert list(risks["impact"]) == [4, 5]
    assert list(risks["score"]) == [12, 10]
    assert list(risks["Impact (Financial)"]) == [4, 2]  # kept, under its own header
    assert risks.attrs["extra_columns"] == ["Impact (Financial)", "Impact (Reputation)",
                                            "Impact (Service)"]


def test_a_register_coloured_instead_of_written_keeps_its_rag(tmp_path):
    """A RAG given only as a fill colour: in a blank 'Risk level' (a one-cell rating column,
    likelihood and impact beside it) or in a RAG column, read as the RAG with a note each;
    written RAG text wins over its colour. (It was dropped without a word.)"""
    from openpyxl.styles import PatternFill

    path = book(tmp_path / "school.xlsx", {"Risks": [
        ["No.", "Hazard / Risk", "Who is responsible", "Likelihood", "Severity", "Risk level"],
        [1, "Slips and trips in corridors", "Site Manager", 3, 2, None],
        [2, "Fire evacuation fails", "Headteacher", 2, 5, None],
        [3, "Minibus breakdown on a trip", "Trips Coordinator", 2, 2, "Green"],
        [4, "Safeguarding referral missed", "DSL", 2, 4, None]]})
    from openpyxl import load_workbook

    wb = load_workbook(path)
    for row, hex6 in ((2, "FFC000"), (3, "FF0000"), (4, "FF0000")):
        wb["Risks"].cell(row=row, column=6).fill = PatternFill("solid", fgColor=hex6)
    wb.save(path)
    sub = read_submission(path)
    df = sub.risks
    assert list(df["rag"]) == ["Amber", "Red", "Green", ""]
    assert list(df["rag_source"]) == ["colour", "colour", "text", ""]
    assert [(i.cell, i.value) for i in sub.issues if i.code == "rag-from-colour"] == \
        [("F2", "#FFC000"), ("F3", "#FF0000")]
