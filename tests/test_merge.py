"""The monthly merge end to end: the example submissions for two months, merged and written,
read back with openpyxl."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from builders import write_plan
from xlplan.api import merge
from xlplan.config import load_config
from xlplan.demo.plan import PREVIOUS_CHANGES, write_submissions
from xlplan.write import write_consolidated

DEMO = load_config(Path(__file__).resolve().parents[1] / "xlplan" / "data" / "demo.toml")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def months(tmp_path_factory):
    root = tmp_path_factory.mktemp("returns")
    feb, mar = root / "2018-02", root / "2018-03"
    write_submissions(feb, period="2018-02", variant="previous")
    write_submissions(mar, period="2018-03")
    feb_out = root / "Consolidated 2018-02.xlsx"
    write_consolidated(merge([feb], period="2018-02", config=DEMO), feb_out)
    return root, feb, mar, feb_out


def table_rows(ws):
    header = [c.value for c in ws[1]]
    return [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=2)]


def test_every_row_in_is_a_row_out_and_inputs_are_untouched(months, tmp_path):
    _, _, mar, feb_out = months
    before = {p.name: sha(p) for p in mar.iterdir()}
    merged = merge([mar], previous=feb_out, period="2018-03", config=DEMO)
    out = tmp_path / "c.xlsx"
    write_consolidated(merged, out, inputs=list(mar.iterdir()))
    assert {p.name: sha(p) for p in mar.iterdir()} == before
    wb = load_workbook(out)
    rows = table_rows(wb["Actions"])
    assert len(rows) == 65 == len(merged.actions)
    assert sorted(r["Key"] for r in rows) == sorted(merged.actions["key"])
    subs = table_rows(wb["Submissions"])
    assert len(subs) == 10 and {r["Status"] for r in subs} == {"merged"}
    assert wb.sheetnames[:2] == ["Dashboard", "Actions"]
    assert "Changes" in wb.sheetnames and "Issues" in wb.sheetnames


def test_changes_against_last_month_are_exactly_the_known_ones(months):
    _, _, mar, feb_out = months
    merged = merge([mar], previous=feb_out, period="2018-03", config=DEMO)
    moved = {(r["sub_action"], r["change"]) for r in merged.changes.to_dict("records")
             if r["change"] in ("Improved", "Worsened", "New")}
    expected = set()
    for change in PREVIOUS_CHANGES:
        if change["field"] == "rag":
            expected.add((change["sub_action"].strip(), change["movement"].capitalize()))
        elif change["field"] == "row":
            expected.add((change["sub_action"].strip(), "New"))
    assert moved == expected
    assert "Carried forward" not in set(merged.changes["change"])


def test_a_row_missing_this_month_is_carried_forward_and_flagged(months, tmp_path):
    _, feb, _, feb_out = months
    # March = February without Jo Beer's file: all her rows are carried, none lost.
    folder = tmp_path / "2018-03"
    shutil.copytree(feb, folder)
    (folder / "2018-02 Jo Beer.xlsx").unlink()
    merged = merge([folder], previous=feb_out, period="2018-03", config=DEMO)
    carried = merged.actions[merged.actions["status"] == "Carried forward"]
    assert len(carried) == 6 and set(carried["sro"].str.split(",").str[0]) == {"Jo Beer"}
    assert len(merged.actions) == 64  # February had 64 rows: nothing lost
    assert [i.value for i in merged.issues if i.code == "missing-submission"] == ["Jo Beer"]
    assert sum(i.code == "carried-forward" for i in merged.issues) == 6
    out = tmp_path / "c.xlsx"
    write_consolidated(merged, out)
    rows = table_rows(load_workbook(out)["Actions"])
    assert sum("Carried forward" in (r["Status"] or "") for r in rows) == 6
    changes = table_rows(load_workbook(out)["Changes"])
    assert sum(r["Change"] == "Carried forward" for r in changes) == 6


def test_same_inputs_give_identical_bytes(months, tmp_path):
    _, _, mar, feb_out = months
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_consolidated(merge([mar], previous=feb_out, period="2018-03", config=DEMO), a)
    write_consolidated(merge([mar], previous=feb_out, period="2018-03", config=DEMO), b)
    assert a.read_bytes() == b.read_bytes()


def test_overdue_milestones_against_the_period(months):
    _, _, mar, _ = months
    merged = merge([mar], period="2018-10", config=DEMO)  # Q1 and Q2 2018/19 have ended
    overdue = merged.actions[merged.actions["overdue"]]
    assert len(overdue) > 0
    assert set(overdue["due"]) <= {"Q1", "Q2"}
    assert not (overdue["complete"]).any() and not (overdue["rag"] == "Complete").any()
    issue = next(i for i in merged.issues if i.code == "overdue")
    assert issue.severity == "warning" and issue.cell and issue.cell[0] in "CDEFG"


def test_conflicting_ref_keeps_both_rows(tmp_path):
    folder = tmp_path / "in"
    header = ["Ref", "Action", "Sub actions", "SRO", "Q1", "Q2", "Q3", "Q4", "Updates",
              "Risks/Issues", "RAG"]
    write_plan(folder / "a.xlsx", [["CHC-1", "CHC", "CHC Pathway - Review existing CHC data",
                                    "Lorna Collingwood-Burke", "X", "", "", "", "", "", "G"]],
               header=header)
    write_plan(folder / "b.xlsx", [["CHC-1", "CHC", "CHC Pathway - Benchmark to other areas",
                                    "Jo Beer", "X", "", "", "", "", "", "A"]], header=header)
    merged = merge([folder], period="2018-03")
    assert len(merged.actions) == 2
    (issue,) = [i for i in merged.issues if i.code == "conflicting-ref"]
    assert (issue.file, issue.severity, issue.row) == ("b.xlsx", "error", 2)
    assert "a.xlsx" in issue.message


def test_a_failed_file_is_listed_and_the_rest_merged(months, tmp_path):
    _, _, mar, _ = months
    folder = tmp_path / "in"
    shutil.copytree(mar, folder)
    (folder / "2018-03 Broken.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    merged = merge([folder], period="2018-03", config=DEMO)
    statuses = {f.path: f.status for f in merged.files}
    assert statuses["2018-03 Broken.xlsx"] == "failed"
    assert len(merged.actions) == 65
    out = tmp_path / "c.xlsx"
    write_consolidated(merged, out)
    subs = {r["File"]: r["Status"] for r in table_rows(load_workbook(out)["Submissions"])}
    assert subs["2018-03 Broken.xlsx"] == "failed"


def test_history_grows_month_by_month(months, tmp_path):
    _, _, mar, feb_out = months
    merged = merge([mar], previous=feb_out, period="2018-03", config=DEMO)
    assert list(merged.history["period"]) == ["2018-02", "2018-03"]
    assert list(merged.history["Total"]) == [64, 65]
    out = tmp_path / "c.xlsx"
    write_consolidated(merged, out)
    again = merge([mar], previous=out, period="2018-04", config=DEMO)
    assert list(again.history["period"]) == ["2018-02", "2018-03", "2018-04"]
