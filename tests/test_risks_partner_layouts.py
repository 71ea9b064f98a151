"""Risk registers and RAID logs as partners keep them, not as the seed lays them out.

Every workbook here is generated: each reproduces one pattern seen in registers written by
other people -- a workflow Status column beside (or instead of) a RAG, ratings in words or as
probabilities, grouped rating headers, prose "Impact" columns, RAID logs with a type column or
one sheet per type, a register rating by its own RAG bands, two partners numbering their risks
the same way, a workbook that yields nothing, and owners that are roles, not people.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from builders import book
from xlplan.api import merge, read_submission
from xlplan.cli import main
from xlplan.config import ConfigError, load_config
from xlplan.issues import ERROR
from xlplan.text import person_name
from xlplan.write import write_consolidated


@pytest.fixture(scope="module")
def prog():
    return load_config(overrides={"today": "2025-04-30"})


def codes(sub, *severities) -> list[str]:
    return [i.code for i in sub.issues if not severities or i.severity in severities]


def table(ws) -> list[dict]:
    header = [c.value for c in ws[1]]
    return [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=2)]


def consolidated(merged, path: Path) -> tuple[list[dict], list[dict]]:
    """The Risks sheet's rows as written (formulas) and as Excel shows them (cached values)."""
    write_consolidated(merged, path)
    return table(load_workbook(path)["Risks"]), table(load_workbook(path, data_only=True)["Risks"])


# ------------------------------------------------------------------------------ status column
CYBER_HEADER = ["Risk ID", "Risk Description", "Affected Asset", "Likelihood", "Impact",
                "Risk Score", "Controls", "Mitigation Plan", "Owner", "Status"]
CYBER_ROWS = [
    ["R-001", "Phishing emails targeting employees", "Email", 4, 4, 16, "Spam filters",
     "Enforce MFA", "IT Administrator", "Open"],
    ["R-002", "Outdated software without patches", "Server", 3, 3, 9, "Patch schedule",
     "Automate patching", "IT Administrator", "In Progress"],
    ["R-003", "Weak physical access controls", "Server room", 1, 3, 3, "Keycards",
     "Biometric scanner", "Facilities Manager", "Monitoring"],
    ["R-004", "Unauthorised USB drives", "Network", 3, 4, 12, "Antivirus", "Block USB",
     "IT Security Lead", "Closed"],
]


def cyber_register(path: Path) -> Path:
    """A merged title row, the header in row 2, a merged copyright footer."""
    rows = [["Cybersecurity Risk Register"], CYBER_HEADER, *CYBER_ROWS, [],
            ["(c) 2025 A. Author | Cybersecurity Risk Register"]]
    return book(path, {"Risk Register": rows}, {"Risk Register": ["A1:J1", "A8:J8"]})


def test_a_workflow_status_column_is_not_a_rag(tmp_path, prog):
    sub = read_submission(cyber_register(tmp_path / "cyber.xlsx"), prog)
    assert "unknown-rag" not in codes(sub)
    assert codes(sub, ERROR) == []
    risks = sub.risks
    assert list(risks["ref"]) == ["R-001", "R-002", "R-003", "R-004"]
    assert list(risks["status"]) == ["Open", "In Progress", "Monitoring", "Closed"]
    assert set(risks["rag"]) == {""}
    assert list(risks["score"]) == [16, 9, 3, 12]
    assert list(risks["action_plan"])[0] == "Enforce MFA"

    merged = merge([tmp_path / "cyber.xlsx"], period="2025-04", config=prog)
    rows, _ = consolidated(merged, tmp_path / "out.xlsx")
    assert [r["Status"] for r in rows] == ["Open", "In Progress", "Monitoring", "Closed"]


def test_a_status_column_of_rag_values_is_the_rag(tmp_path, prog):
    path = book(tmp_path / "r.xlsx", {"Risks": [
        ["Ref", "Description", "Likelihood", "Impact", "Status"],
        ["R1", "Budget overspend", 4, 4, "Red"],
        ["R2", "Provider failure", 2, 2, "Green"],
    ]})
    sub = read_submission(path, prog)
    assert list(sub.risks["rag"]) == ["Red", "Green"]
    assert list(sub.risks["status"]) == ["", ""]
    assert "unknown-rag" not in codes(sub)


# ------------------------------------------------------------------------------ word ratings
WORDS = ["High", "Medium", "Low", "Critical", "M - H", "M to H", "Very High"]


def test_word_ratings_are_read_onto_the_matrix_and_kept(tmp_path, prog):
    path = book(tmp_path / "words.xlsx", {"Register": [
        ["Ref", "Risk", "Owner", "Risk Rating", "Status"],
        *[[f"W{i}", f"Risk number {i}", "Ann Smith", w, "Open"] for i, w in enumerate(WORDS)],
    ]})
    sub = read_submission(path, prog)
    assert "bad-rating" not in codes(sub) and "missing-value" not in codes(sub)
    assert codes(sub, ERROR) == []
    assert "rating-from-words" in codes(sub)
    risks = sub.risks
    assert list(risks["rating_text"]) == WORDS
    # The NHS matrix's bands: Low, Moderate, High, Extreme; a range is read at its higher end.
    assert list(risks["rating_band"]) == ["High", "Moderate", "Low", "Extreme", "High", "High",
                                          "Extreme"]
    assert risks["score"].isna().all()

    merged = merge([path], period="2025-04", config=prog)
    formulas, shown = consolidated(merged, tmp_path / "out.xlsx")
    assert [r["Rating as written"] for r in shown] == WORDS
    assert [r["RAG"] for r in shown] == ["Amber", "Amber/Green", "Green", "Red", "Amber",
                                         "Amber", "Red"]
    assert formulas[0]["RAG"].startswith("=IF(ISNUMBER(")  # still the live band formula


def test_word_ratings_carried_forward_keep_their_band(tmp_path, prog):
    march = book(tmp_path / "march" / "words.xlsx", {"Register": [
        ["Ref", "Risk", "Risk Rating"], ["W1", "Supplier fails", "Critical"]]})
    m1 = merge([march.parent], period="2025-03", config=prog)
    write_consolidated(m1, tmp_path / "c1.xlsx")
    book(tmp_path / "april" / "plan.xlsx", {"Plan": [
        ["Action", "Sub actions", "SRO", "RAG"], ["Act", "1. Sub", "Ann Smith", "Green"]]})
    m2 = merge([tmp_path / "april"], previous=tmp_path / "c1.xlsx", period="2025-04",
               config=prog)
    _, shown = consolidated(m2, tmp_path / "c2.xlsx")
    assert [(r["Ref"], r["Status"], r["Rating as written"], r["RAG"]) for r in shown] == [
        ("W1", "Carried forward", "Critical", "Red")]


def test_words_in_likelihood_and_impact_columns_make_a_score(tmp_path, prog):
    path = book(tmp_path / "li.xlsx", {"Risks": [
        ["Ref", "Description", "Likelihood", "Impact"],
        ["A1", "Supplier fails", "High", "Medium"],
        ["A2", "Data loss", "Almost certain", "Catastrophic"],
        ["A3", "Late report", "4 - Likely", "Minor"],
    ]})
    sub = read_submission(path, prog)
    assert codes(sub, ERROR) == []
    risks = sub.risks
    assert list(zip(risks["likelihood"], risks["impact"], risks["score"])) == [
        (4, 3, 12), (5, 5, 25), (4, 2, 8)]
    assert list(risks["rating_text"]) == [
        "Likelihood High, impact Medium", "Likelihood Almost certain, impact Catastrophic",
        "Likelihood 4 - Likely, impact Minor"]


def test_probabilities_are_read_as_likelihoods(tmp_path, prog):
    path = book(tmp_path / "p.xlsx", {"Risks": [
        ["Ref", "Description", "Probability", "Impact"],
        ["P1", "Cost rises", 0.45, 4],
        ["P2", "Key staff leave", 0.9, 3],
        ["P3", "Site flood", "15%", 5],
    ]})
    sub = read_submission(path, prog)
    assert "bad-rating" not in codes(sub)
    risks = sub.risks
    assert list(zip(risks["likelihood"], risks["impact"], risks["score"])) == [
        (3, 4, 12), (5, 3, 15), (1, 5, 5)]
    assert list(risks["rating_text"]) == ["Likelihood 0.45", "Likelihood 0.9",
                                          "Likelihood 15%"]


def test_the_word_table_is_the_programmes(tmp_path):
    prog = load_config(overrides={"risk": {"words": {"Tolerable": 1, "High": 5},
                                           "probability": [0.1, 0.3, 0.5, 0.7]}})
    path = book(tmp_path / "t.xlsx", {"Risks": [
        ["Ref", "Description", "Likelihood", "Impact"],
        ["T1", "One", "Tolerable", "High"],
        ["T2", "Two", 0.45, 2],
    ]})
    risks = read_submission(path, prog).risks
    assert list(zip(risks["likelihood"], risks["impact"])) == [(1, 5), (3, 2)]
    with pytest.raises(ConfigError, match="words"):
        load_config(overrides={"risk": {"words": {"Huge": 9}}})
    with pytest.raises(ConfigError, match="probability"):
        load_config(overrides={"risk": {"probability": [0.5, 0.2]}})


# ------------------------------------------------------------------------------ grouped headers
def test_initial_current_residual_rating_sets(tmp_path, prog):
    path = book(tmp_path / "g.xlsx", {"Risks": [
        ["Ref", "Description", "Initial Likelihood", "Initial Impact", "Initial Score",
         "Current Likelihood", "Current Impact", "Current Score", "Residual Likelihood",
         "Residual Impact", "Residual Score"],
        ["G1", "Contract failure", 5, 4, 20, 4, 4, 16, 2, 3, 6],
        ["G2", "Staff shortage", 4, 4, 16, 3, 4, 12, 2, 2, 4],
    ]})
    sub = read_submission(path, prog)
    assert codes(sub, ERROR) == []
    risks = sub.risks
    assert list(risks["inherent_score"]) == [20, 16]
    assert list(zip(risks["likelihood"], risks["impact"], risks["score"])) == [
        (4, 4, 16), (3, 4, 12)]
    # Residual beside current: the level the controls aim at.
    assert list(zip(risks["target_likelihood"], risks["target_impact"],
                    risks["target_score"])) == [(2, 3, 6), (2, 2, 4)]


def test_a_group_row_over_likelihood_impact_and_score(tmp_path, prog):
    path = book(tmp_path / "g2.xlsx", {"Risks": [
        ["Ref", "Description", "Owner", "Initial", None, None, "Current", None, None, "Target",
         None, None],
        [None, None, None, *["Likelihood", "Impact", "Score"] * 3],
        ["R1", "Contract failure", "Ann Smith", 5, 4, 20, 4, 4, 16, 2, 3, 6],
        ["R2", "Staff shortage", "Ann Smith", 4, 4, 16, 3, 4, 12, 2, 2, 4],
    ]}, {"Risks": ["D1:F1", "G1:I1", "J1:L1", "A1:A2", "B1:B2", "C1:C2"]})
    sub = read_submission(path, prog)
    assert codes(sub, ERROR) == []
    risks = sub.risks
    assert list(risks["ref"]) == ["R1", "R2"]  # the lower header row is no risk
    assert list(risks["inherent_score"]) == [20, 16]
    assert list(risks["score"]) == [16, 12] and list(risks["target_score"]) == [6, 4]


def test_a_scale_letter_under_probability_is_a_tick_box(tmp_path, prog):
    path = book(tmp_path / "ticks.xlsx", {"Risks": [
        ["Ref", "Risk description", "Probability", None, None, "Impact (resulting in)", None,
         None, "Risk Rating"],
        [None, None, "H", "M", "L", "H", "M", "L", None],
        ["R1", "Contract failure", "x", None, None, None, "x", None, "High"],
        ["R2", "Staff shortage", None, None, "x", "x", None, None, "Medium"],
    ]}, {"Risks": ["C1:E1", "F1:H1", "A1:A2", "B1:B2", "I1:I2"]})
    sub = read_submission(path, prog)
    assert codes(sub, ERROR) == []
    risks = sub.risks
    assert list(risks["ref"]) == ["R1", "R2"]
    # H, M, L are steps 4, 3, 2: the ticked one is the rating, not the letter "L".
    assert list(zip(risks["likelihood"], risks["impact"], risks["score"])) == [
        (4, 3, 12), (2, 4, 8)]
    assert list(risks["rating_text"]) == ["Likelihood H, impact M, rating High",
                                          "Likelihood L, impact H, rating Medium"]
    assert not [c for c in risks.columns if c.startswith("Column ")]


def test_a_prose_impact_column_is_text_not_a_rating(tmp_path, prog):
    path = book(tmp_path / "prose.xlsx", {"Log": [
        ["ID", "Description", "Impact (resulting in)", "Priority", "Owner"],
        ["1", "Vendor delay", "Possible effects on the project timeline and budget.", "High",
         "Jo Bloggs"],
        ["2", "Data quality", "May impact the accuracy of the results.", "Low", "Jo Bloggs"],
    ]})
    sub = read_submission(path, prog)
    assert "bad-rating" not in codes(sub)
    (note,) = [i for i in sub.issues if i.code == "text-not-rating"]
    assert note.cell == "C1"
    risks = sub.risks
    assert list(risks["rating_band"]) == ["High", "Low"]  # from Priority, not from Impact
    assert list(risks["Impact (resulting in)"]) == ["Possible effects on the project timeline and budget.",
                                     "May impact the accuracy of the results."]


# ------------------------------------------------------------------------------ RAID logs
def raid_log(path: Path) -> Path:
    """A company RAID template: title and document-control blocks, a summary block beside
    them, the header on row 8, pre-numbered empty rows below the five items."""
    rows = [
        [None, "RAID Log", "Fill in every field", None, None, None, None, None, None, None,
         None, None, "Total"],
        [None] * 11 + ["Risk", 3],
        [None, "Project title:", "Analytics", None, "Project Id:", "P-25", "Project Manager:",
         "Pat Lee", None, None, None, "Assumption", 1],
        [None] * 11 + ["Issue", 1],
        [None, "DOCUMENT VERSION:", None, None, "Last Updated date:", "2025-04-18"],
        [],
        [],
        [None, "RAID Category", "Description", "Impact", "Mitigation", "Owner", "Priority",
         "RPN (for risks)", "Status"],
        [1, "Risk", "Maintenance delayed", "Timeline slips", "Dedicated engineer",
         "Project Manager", "High", None, "Open"],
        [2, "Risk", "Supplies arrive late", "Schedule impact", "Vet vendors",
         "Project Manager", "Critical", None, "Closed"],
        [3, "Risk", "Data lost while cleaning", "Results wrong", None, "Data Analyst Intern",
         "Moderate", None, "Closed"],
        [4, "Issue", "Only 240 hours available", "Delivery may slip", None,
         "Data Analyst Intern", "Low", None, "Closed"],
        [5, "Assumption", "Open-source tools are adequate", "Delivery delay", None,
         "Data Analyst Intern", "High", None, "Closed"],
        *[[n] for n in range(6, 15)],
    ]
    return book(path, {"RAID LOG": rows})


def test_a_raid_log_with_a_type_column(tmp_path, prog):
    sub = read_submission(raid_log(tmp_path / "raid.xlsx"), prog)
    assert codes(sub, ERROR) == []
    assert "bad-rating" not in codes(sub) and "unknown-rag" not in codes(sub)
    items = sub.risks
    assert len(items) == 5
    assert list(items["raid_type"]) == ["Risk", "Risk", "Risk", "Issue", "Assumption"]
    assert list(items["owner"])[:2] == ["Project Manager", "Project Manager"]
    assert sub.info.sro == "Project Manager"  # a role, kept whole
    assert list(items["status"]) == ["Open", "Closed", "Closed", "Closed", "Closed"]
    # Only risks are rated; the issue and the assumption keep their priority as written.
    assert list(items["rating_band"]) == ["High", "Extreme", "Moderate", "", ""]
    assert list(items["rating_text"]) == ["High", "Critical", "Moderate", "Low", "High"]
    (numbered,) = [i for i in sub.issues if i.code == "not-a-row"]  # one note for the run
    assert numbered.cell == "A14" and "rows 14-22" in numbered.message

    merged = merge([tmp_path / "raid.xlsx"], period="2025-04", config=prog)
    _, shown = consolidated(merged, tmp_path / "out.xlsx")
    assert [(r["RAID type"], r["Rating as written"]) for r in shown] == [
        ("Risk", "High"), ("Risk", "Critical"), ("Risk", "Moderate"), ("Issue", "Low"),
        ("Assumption", "High")]
    assert [r["RAG"] for r in shown][3:] == [None, None]  # an issue is not scored as a risk
    dash = load_workbook(tmp_path / "out.xlsx", data_only=True)["Dashboard"]
    totals = [row[i + 1] for row in dash.iter_rows(values_only=True)
              for i, v in enumerate(row[:-1]) if v == "Total risks"]
    assert totals == [3]  # the issue and the assumption are not counted as risks


def test_a_type_column_of_raid_kinds(tmp_path, prog):
    path = book(tmp_path / "t.xlsx", {"Log": [
        ["Ref", "Type", "Description", "Likelihood", "Impact", "Owner"],
        ["1", "Risk", "Budget overspend", 3, 4, "Ann Smith"],
        ["2", "Dependency", "Needs the new IT system", None, None, "Ann Smith"],
    ]})
    sub = read_submission(path, prog)
    assert list(sub.risks["raid_type"]) == ["Risk", "Dependency"]
    assert list(sub.risks["category"]) == ["", ""]
    assert codes(sub, ERROR) == []  # a dependency needs no rating


def test_a_raid_log_with_one_sheet_per_type(tmp_path, prog):
    path = book(tmp_path / "raid.xlsx", {
        "Risks": [["ID", "Description", "Likelihood", "Impact", "Owner", "Status"],
                  ["R1", "Budget overspend", 3, 4, "Ann Smith", "Open"],
                  ["R2", "Key staff leave", 2, 4, "Ann Smith", "Open"]],
        "Issues": [["ID", "Issue Description", "Priority", "Owner", "Status"],
                   ["I1", "Server down twice", "High", "Bob Jones", "Open"]],
        "Assumptions": [["ID", "Assumption", "Owner", "Status"],
                        ["A1", "Funding continues", "Bob Jones", "Open"]],
        "Dependencies": [["ID", "Dependency", "Owner", "Status"],
                         ["D1", "Needs the new ledger", "Bob Jones", "Open"]],
    })
    sub = read_submission(path, prog)
    assert codes(sub, ERROR) == []
    assert [(s.name, s.rows) for s in sub.info.sheets] == [
        ("Risks", 2), ("Issues", 1), ("Assumptions", 1), ("Dependencies", 1)]
    merged = merge([path], period="2025-04", config=prog)
    assert list(merged.risks["raid_type"]) == ["Risk", "Risk", "Issue", "Assumption",
                                               "Dependency"]
    _, shown = consolidated(merged, tmp_path / "out.xlsx")
    assert [r["RAID type"] for r in shown] == ["Risk", "Risk", "Issue", "Assumption",
                                               "Dependency"]
    assert [r["Score"] for r in shown] == [12, 8, None, None, None]


# ------------------------------------------------------------------------------ own RAG bands
def test_a_register_with_its_own_rag_bands(tmp_path, prog):
    data = [(4, 5, "Red"), (3, 4, "Amber"), (3, 3, "Amber"), (2, 3, "Green"), (4, 4, "Red"),
            (2, 4, "Amber"), (2, 3, "Green")]
    path = book(tmp_path / "own.xlsx", {"Risk_Register": [
        ["Risk_ID", "Risk_Description", "Likelihood", "Impact", "Risk_Score", "RAG_Status",
         "Current_Status"],
        *[[f"RSK-{i}", f"Risk {i}", lik, imp, lik * imp, rag, "Open"]
          for i, (lik, imp, rag) in enumerate(data)]]})
    sub = read_submission(path, prog)
    assert "rag-band-mismatch" not in codes(sub)
    (note,) = [i for i in sub.issues if i.code == "own-rag-bands"]
    assert note.value == "Green 6, Amber 8-12, Red 16-20"
    merged = merge([path], period="2025-04", config=prog)
    _, shown = consolidated(merged, tmp_path / "out.xlsx")
    assert [r["RAG as written"] for r in shown] == [rag for _, _, rag in data]
    assert [r["RAG"] for r in shown][3] == "Amber/Green"  # the programme's bands


def test_a_rag_that_disagrees_at_random_is_still_flagged(tmp_path, prog):
    data = [(4, 5, "Green"), (3, 4, "Red"), (3, 3, "Amber"), (2, 3, "Green"), (4, 4, "Red")]
    path = book(tmp_path / "bad.xlsx", {"Risks": [
        ["Ref", "Description", "Likelihood", "Impact", "RAG"],
        *[[f"R{i}", f"Risk {i}", lik, imp, rag] for i, (lik, imp, rag) in enumerate(data)]]})
    sub = read_submission(path, prog)
    assert "own-rag-bands" not in codes(sub)
    assert [i.cell for i in sub.issues if i.code == "rag-band-mismatch"] == ["E2", "E3", "E5"]


# ------------------------------------------------------------------------------ refs by source
def two_partners(folder: Path) -> None:
    header = ["Ref", "Description", "Likelihood", "Impact", "Owner"]
    book(folder / "org-a.xlsx", {"Risks": [header, ["R-001", "Phishing attack", 4, 4, "Ann"],
                                           ["R-002", "Server failure", 2, 3, "Ann"]]})
    book(folder / "org-b.xlsx", {"Risks": [header, ["R-001", "River flooding", 2, 5, "Bob"],
                                           ["R-002", "Fuel prices rise", 3, 3, "Bob"]]})


def test_two_partners_own_refs_do_not_collide(tmp_path, prog):
    two_partners(tmp_path / "in")
    merged = merge([tmp_path / "in"], period="2025-04", config=prog)
    assert [i for i in merged.issues if i.code == "conflicting-ref"] == []
    risks = merged.risks
    assert list(risks["worst_score"]) == [16, 6, 10, 9]  # each its own risk's
    assert len(set(risks["key"])) == 4
    assert list(risks["shared_ref"]) == [False] * 4
    _, shown = consolidated(merged, tmp_path / "out.xlsx")
    assert [r["Worst score"] for r in shown] == [16, 6, 10, 9]
    assert [r["Ref"] for r in shown] == ["R-001", "R-002", "R-001", "R-002"]


def test_programme_wide_refs_conflict(tmp_path):
    two_partners(tmp_path / "in")
    prog = load_config(overrides={"risk": {"refs": "programme"}})
    merged = merge([tmp_path / "in"], period="2025-04", config=prog)
    conflicts = [(i.file, i.value) for i in merged.issues if i.code == "conflicting-ref"]
    assert conflicts == [("org-b.xlsx", "R-001"), ("org-b.xlsx", "R-002")]
    assert list(merged.risks["worst_score"]) == [16, 9, 16, 9]


def test_the_same_risk_from_two_partners_shares_its_worst_score(tmp_path, prog):
    header = ["Ref", "Description", "Likelihood", "Impact"]
    book(tmp_path / "in" / "a.xlsx", {"Risks": [header, ["R-001", "Winter pressures", 3, 3]]})
    book(tmp_path / "in" / "b.xlsx", {"Risks": [header, ["R-001", "Winter  pressures", 4, 5]]})
    merged = merge([tmp_path / "in"], period="2025-04", config=prog)
    assert list(merged.risks["worst_score"]) == [20, 20]
    assert list(merged.risks["shared_ref"]) == [True, True]


# ------------------------------------------------------------------------------ nothing read
def test_files_that_give_nothing_fail_plainly(tmp_path, prog):
    folder = tmp_path / "in"
    cyber_register(folder / "good.xlsx")
    book(folder / "empty-register.xlsx", {"Risks": [
        ["Ref", "Description", "Likelihood", "Impact", "Owner"],
        *[[None, None, None, None, None, None, None, n] for n in range(1, 6)]]})
    book(folder / "matrix.xlsx", {"Status": [
        ["Feature", "North", "South", "East"],
        ["Login", "Done", "Done", "In test"],
        ["Search", "Planned", "Done", "Done"]]})
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(main, ["merge", str(folder), "-o", str(out), "--period",
                                       "2025-04"])
    assert result.exit_code == 1, result.output
    # the summary tells a file that failed from one that holds no plan at all
    assert "Failed: empty-register.xlsx." in result.output
    assert "Nothing read (not a plan, register or scorecard): matrix.xlsx." in result.output
    subs = {r["File"]: r for r in table(load_workbook(out)["Submissions"])}
    assert subs["good.xlsx"]["Status"] == "merged"
    assert subs["empty-register.xlsx"]["Status"] == "failed"
    assert "gave no rows" in subs["empty-register.xlsx"]["Sheets read"]
    assert subs["matrix.xlsx"]["Status"] == "not a plan"
    assert "not a plan, register or scorecard" in subs["matrix.xlsx"]["Sheets read"].lower()
    issues = table(load_workbook(out)["Issues"])
    assert any(r["Code"] == "no-rows" and r["File"] == "empty-register.xlsx" for r in issues)


def test_a_good_folder_still_exits_0(tmp_path):
    cyber_register(tmp_path / "in" / "good.xlsx")
    result = CliRunner().invoke(main, ["merge", str(tmp_path / "in"), "-o",
                                       str(tmp_path / "out.xlsx"), "--period", "2025-04"])
    assert result.exit_code == 0, result.output


# ------------------------------------------------------------------------------ names
@pytest.mark.parametrize("cell, person", [
    ("Project Manager", "Project Manager"),
    ("IT Security Lead", "IT Security Lead"),
    ("Facilities Manager", "Facilities Manager"),
    ("CISO / Security Manager", "CISO / Security Manager"),
    ("Data Analyst Intern", "Data Analyst Intern"),
    ("Elaine Fitzsimmons Head of Commissioning, NEW Devon CCG", "Elaine Fitzsimmons"),
    ("Jo Beer Programme Lead", "Jo Beer"),
    ("Craig McArdle, Director of Integrated Commissioning", "Craig McArdle"),
    ("Anne-Marie O'Neill Deputy Director", "Anne-Marie O'Neill"),
    ("", ""),
])
def test_person_names_keep_roles_whole(cell, person):
    assert person_name(cell) == person


def test_a_role_owner_is_the_submissions_sro(tmp_path, prog):
    path = book(tmp_path / "r.xlsx", {"Risks": [
        ["Ref", "Description", "Likelihood", "Impact", "Owner"],
        ["1", "Scope creep", 3, 3, "Project Manager"]]})
    assert read_submission(path, prog).info.sro == "Project Manager"
