"""Held-out reading check: action trackers and logs kept without any template.

Each layout in :mod:`tests.tracker_layouts` (a meeting action log, an action log workbook,
Planner and Jira exports, an Excel table, an NHS improvement plan, status words, fill-colour
RAGs, a two-row header, a to-do list ...) is written by code with its correct reading, read
with :func:`xlplan.api.read_submission` and checked the way
:mod:`tests.test_partner_layouts` checks partners' workbooks: the kind of each sheet, every
data row read exactly once and no furniture, and the key fields of sample rows.
"""
from __future__ import annotations

from collections import Counter

import pytest

from tests.partner_layouts import OTHER
from tests.test_partner_layouts import field_value, kept, matches, records
from tests.tracker_layouts import LAYOUTS, write_all
from xlplan.api import read_submission
from xlplan.config import load_config


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict:
    return write_all(tmp_path_factory.mktemp("trackers"))


@pytest.fixture(scope="module")
def read(written) -> dict:
    programme = load_config()
    return {name: read_submission(path, programme) for name, (path, _exp) in written.items()}


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_sheet_kinds(read, written, name):
    """Every sheet read is classified as the kind a person would say it is."""
    assert {s.name: s.kind for s in read[name].info.sheets} == written[name][1].sheets


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_every_data_row_once_and_no_furniture(read, written, name):
    """Rows in = data rows: each once, none of the titles, sub-headers, totals or notes."""
    sub, exp = read[name], written[name][1]
    for sheet, kind in exp.sheets.items():
        if kind == OTHER:
            continue
        got = Counter()
        for row, recs in records(sub, sheet, kind).items():
            got[row] += len(recs)
        assert sorted(got) == exp.data[sheet], f"{sheet}: rows read {sorted(got)}"
        assert max(got.values()) == 1, f"{sheet}: rows read twice"


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_key_fields_of_sample_rows(read, written, name):
    """Action text, SRO, due, RAG, theme, update and the status words kept as written."""
    sub, exp = read[name], written[name][1]
    wrong = []
    for (sheet, row), want in exp.samples.items():
        rec = (records(sub, sheet, exp.sheets[sheet]).get(row) or [None])[0]
        if rec is None:
            wrong.append(f"{sheet}!{row}: not read")
            continue
        for fld, value in want.items():
            if fld == "kept":
                lost = [v for v in value if not kept(rec, v)]
                if lost:
                    wrong.append(f"{sheet}!{row}: text not kept {lost}")
            elif not matches(field_value(rec, fld), value):
                wrong.append(f"{sheet}!{row} {fld}: got {field_value(rec, fld)!r}, "
                             f"want {value!r}")
    assert wrong == []


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_no_false_issues(read, written, name):
    """No header-not-found for a plain table, no unknown-rag for a workflow status."""
    sub, exp = read[name], written[name][1]
    assert [(i.code, i.sheet, i.cell) for i in sub.issues if i.code in exp.forbidden] == []


def test_rows_left_out_of_the_table_are_said(read, written):
    """A total line under the table and the hidden dropdown sheet are each said."""
    said = {(i.code, i.sheet, i.row) for i in read["grouped_progress_header"].issues}
    total = written["grouped_progress_header"][1].furniture["Action plan"][-1]
    assert ("not-a-row", "Action plan", total) in said
    said = {(i.code, i.sheet, i.row) for i in read["action_point_log"].issues}
    counts = [("Jan 25", r) for r in written["action_point_log"][1].furniture["Jan 25"][-2:]]
    assert [c for c in counts if ("not-a-row", *c) not in said] == []
    key = [(i.row, i.cell) for i in read["legend_beside_table"].issues if i.code == "not-a-row"]
    assert sorted(key) == [(1, "H1"), (5, "H5"), (6, "H6")]
    columns = set(read["legend_beside_table"].actions.columns)
    assert not columns & {"Key", "Column H", "Column I"}, "the key is not carried as data"
    hidden = [i for i in read["action_log_workbook"].issues if i.code == "hidden-sheet"]
    assert [i.sheet for i in hidden] == ["Lists"]
