"""A tracker's '#' / 'No.' column numbers its own rows 1, 2, 3 ...: every SRO's file starts again
at 1, so such a number is no Ref across the programme. The rows' keys come from their words (as
for rows with no Ref), so two files' "3" are not one action said twice, and next month's rows
find this month's by what they say."""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from builders import write_plan
from xlplan.api import read_submission
from xlplan.cli import main
from xlplan.normalise.common import only_numbering

HEADER = ["No.", "Action", "Lead", "Due date", "Update", "RAG"]


def tracker(path: Path, actions: list[str], lead: str, rags: list[str]) -> Path:
    rows = [[str(i), a, lead, "31/03/2025", "update", rag]
            for i, (a, rag) in enumerate(zip(actions, rags), 1)]
    return write_plan(path, rows, header=HEADER)


def test_only_numbering():
    assert only_numbering(["1", "2", "3"])
    assert only_numbering(["1", "", "2", None, "3"])  # sub-rows between numbered rows
    assert only_numbering([1, 2])
    assert not only_numbering(["2", "3"])             # not from 1: picked from a longer list
    assert not only_numbering(["1", "3"])
    assert not only_numbering(["A1", "A2"])
    assert not only_numbering(["1.1", "1.2"])
    assert not only_numbering(["", ""])


def test_two_trackers_numbered_alike_are_merged_without_a_conflict(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    tracker(folder / "a.xlsx", ["Recruit coordinators", "Open lounge"], "Jo Beer",
            ["Green", "Amber"])
    tracker(folder / "b.xlsx", ["Publish strategy", "Hold workshop"], "Sam Lee",
            ["Red", "Green"])
    sub = read_submission(folder / "a.xlsx")
    assert list(sub.actions["ref"]) == ["1", "2"]  # the numbers are kept as written
    assert not {"1", "2"} & set(sub.actions["key"])
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(main, ["merge", str(folder), "-o", str(out), "--period",
                                       "2025-03"])
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output
    ws = load_workbook(out)["Actions"]
    head = [c.value for c in ws[1]]
    keys = [r[head.index("Key")] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert len(set(keys)) == 4


def test_next_month_finds_each_row_by_its_words(tmp_path):
    march, april = tmp_path / "march", tmp_path / "april"
    march.mkdir()
    april.mkdir()
    tracker(march / "a.xlsx", ["Recruit coordinators", "Open lounge"], "Jo Beer",
            ["Green", "Amber"])
    tracker(march / "b.xlsx", ["Publish strategy"], "Sam Lee", ["Red"])
    # April: a's rows renumbered after one was inserted above them
    tracker(april / "a.xlsx", ["New action", "Recruit coordinators", "Open lounge"],
            "Jo Beer", ["Green", "Green", "Red"])
    tracker(april / "b.xlsx", ["Publish strategy"], "Sam Lee", ["Amber"])
    runner = CliRunner()
    last = tmp_path / "march.xlsx"
    runner.invoke(main, ["merge", str(march), "-o", str(last), "--period", "2025-03"])
    out = tmp_path / "april.xlsx"
    result = runner.invoke(main, ["merge", str(april), "-o", str(out), "--period", "2025-04",
                                  "--previous", str(last)])
    assert result.exit_code == 0, result.output
    ws = load_workbook(out)["Actions"]
    head = [c.value for c in ws[1]]
    rows = {r[head.index("Action")]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    movement, previous = head.index("Movement"), head.index("Previous RAG")
    assert rows["Recruit coordinators"][previous] == "Green"   # not the Open lounge's Amber
    assert rows["Open lounge"][previous] == "Amber"
    assert rows["Open lounge"][movement] == "Worsened"
    assert rows["Publish strategy"][movement] == "Improved"
    assert rows["New action"][movement] == "New"
    assert not any(r[head.index("Status")] == "Carried forward" for r in rows.values())
