"""The Plymouth CQC Action Plan 2018-19 (seed 000), read back row by row against the seed's text.

``tests/seed000.py`` derives the expected rows from the seed text itself (not from xlplan), so
these tests check the reader against the source document: every sub-action, with its theme,
aim, carried-down action and SRO, milestone markers and RAG.
"""
from __future__ import annotations

from pathlib import Path

import pytest

import seed000
from xlplan.api import read_submission, validate
from xlplan.demo.plan import write_submissions, write_whole_plan

FIELDS = ("theme", "aim", "action", "sub_action", "sro", "q1", "q2", "q3", "q4", "later",
          "updates", "risks_issues")
RAG = {"Green": "Green", "Yellow": "Amber/Green", "": ""}


def as_expected(rec: dict) -> dict:
    return {**{f: seed000.clean(rec[f]) for f in FIELDS}, "rag": RAG[rec["rag"]]}


def as_read(rec: dict) -> dict:
    return {**{f: rec[f] for f in FIELDS}, "rag": rec["rag"]}


def test_whole_plan_single_sheet_matches_the_seed_row_by_row(tmp_path):
    path = write_whole_plan(tmp_path / "plan.xlsx") or tmp_path / "plan.xlsx"
    sub = read_submission(Path(path))
    expected = [as_expected(r) for r in seed000.expected_rows()]
    got = [as_read(r) for r in sub.actions.to_dict("records")]
    assert len(got) == len(expected) == 65
    for i, (g, e) in enumerate(zip(got, expected)):
        assert g == e, f"row {i}: {seed000.expected_rows()[i]['sub_action']!r}"
    sheet = sub.info.sheets[0]
    assert (sheet.kind, sheet.header_row, sheet.rows) == ("action_plan", 4, 65)
    assert [i.code for i in sub.issues if i.severity == "error"] == []
    assert [i.cell for i in sub.issues if i.code == "fragment-row"] != []


@pytest.fixture(scope="module")
def march(tmp_path_factory):
    folder = tmp_path_factory.mktemp("2018-03")
    write_submissions(folder, period="2018-03")
    return folder


def test_per_sro_submissions_hold_every_sub_action_of_the_seed(march):
    result = validate([march])
    assert len(result.files) == 10
    assert all(f.status == "ok" for f in result.files), [(f.path, f.status) for f in result.files]
    got = {(r["action"], r["sub_action"]): as_read(r) for r in result.actions.to_dict("records")}
    expected = {(seed000.clean(r["action"]), seed000.clean(r["sub_action"])): as_expected(r)
                for r in seed000.expected_rows()}
    assert len(result.actions) == 65
    assert got.keys() == expected.keys()
    for key, exp in expected.items():
        assert got[key] == exp, key


def test_each_submission_names_its_sro(march):
    result = validate([march])
    by_file = {f.path: f.sro for f in result.files}
    assert by_file["2018-03 Caroline Paterson.xlsx"] == "Caroline Paterson"
    assert by_file["2018-03 Lorna Collingwood-Burke.xlsx"] == "Lorna Collingwood-Burke"


def test_per_sro_files_report_their_mess(march):
    result = validate([march])
    codes = {(i.file, i.code) for i in result.issues}
    assert ("2018-03 Shelagh McCormick.xlsx", "hidden-sheet") in codes
    assert ("2018-03 Nicola Jones.xlsx", "fragment-row") in codes
    assert not [i for i in result.issues if i.severity == "error"]
    comments = result.actions["Comments"] if "Comments" in result.actions else None
    assert comments is not None  # Rachel Silcock's extra column is carried
