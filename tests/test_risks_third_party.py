"""Risk registers and RAID logs kept by third parties on layouts nobody templated.

Each workbook is generated here and reproduces one pattern of registers organisations keep
(charity, NHS, council, project and tool-export registers); each test checks the values read.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from xlplan.api import read_submission
from xlplan.config import load_config


@pytest.fixture(scope="module")
def prog():
    return load_config(overrides={"today": "2025-04-30"})


def book(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None
         ) -> Path:
    """A workbook of one or more sheets, rows as given (None: a blank cell)."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    wb.save(path)
    return path


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
