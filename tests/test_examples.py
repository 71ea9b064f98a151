"""The bundled example data and workbooks (xlplan.demo.plan), checked against the seed text.

Workbooks are inspected with openpyxl only (not with xlplan's reader), against ``seed000``
which parses the seed text itself.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from seed000 import clean, expected_actions, expected_rows, table_lines
from xlplan.demo import plan as examples

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "workbooks" / "examples"

SUB_ACTION = {"sub actions", "sub-actions", "milestone"}
ACTION = {"action"}
RAG = {"rag", "rag status", "status"}
UPDATES = {"updates", "progress update"}


def _norm(value) -> str:
    return re.sub(r"\s+", " ", str(value or "")).strip().lower()


def _files(folder: Path) -> list[Path]:
    return sorted(p.relative_to(folder) for p in folder.rglob("*.xlsx"))


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("examples")
    return folder, examples.write_examples(folder)


def _plans(paths: list) -> list[Path]:
    """The SROs' action-plan submissions among a month's files (not the register or scorecard)."""
    return [Path(p) for p in paths if not Path(p).name.endswith(("risks.xlsx", "Scorecard.xlsx"))]


def _table(path: Path) -> list[dict]:
    """Rows below the header of the visible sheet, keyed by role: action, sub_action, rag, updates."""
    wb = openpyxl.load_workbook(path)
    sheets = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    assert len(sheets) == 1, path
    ws = sheets[0]
    for header in ws.iter_rows(min_row=1, max_row=10):
        names = {_norm(c.value): c.column for c in header if c.value is not None}
        if SUB_ACTION & names.keys():
            break
    else:
        raise AssertionError(f"{path.name}: no header")
    cols = {role: next(names[n] for n in aliases if n in names)
            for role, aliases in (("action", ACTION), ("sub_action", SUB_ACTION), ("rag", RAG),
                                  ("updates", UPDATES))}
    rows = []
    for r in range(header[0].row + 1, ws.max_row + 1):
        rows.append({role: ws.cell(r, c).value or "" for role, c in cols.items()})
    return rows


def test_json_round_trips_the_seed():
    plan = examples.load_plan()
    by_line = {rec["line"]: rec for rec in plan}
    lines = table_lines()
    assert sorted(by_line) == [n for n, _ in lines]
    for number, cells in lines:
        values = [v for k, v in by_line[number].items() if k not in ("kind", "line")]
        for cell in cells:
            if cell.strip():
                assert cell in values, (number, cell)
    rows = [rec for rec in plan if rec["kind"] == "row"]
    assert [clean(r["sub_action"]) for r in rows] == [r["sub_action"] for r in expected_rows()]
    assert [clean(r["later"]) for r in rows] == [r["later"] for r in expected_rows()]
    assert Counter(rec["kind"] for rec in plan) == {"theme": 3, "aim": 3, "row": 65, "fragment": 1}


def test_every_workbook_opens(written):
    folder, paths = written
    all_paths = paths["previous"] + paths["current"] + [paths["plan"]]
    assert sorted(Path(p).relative_to(folder) for p in all_paths) == _files(folder)
    hidden = []
    for path in all_paths:
        wb = openpyxl.load_workbook(path)
        hidden += [ws.title for ws in wb.worksheets if ws.sheet_state != "visible"]
    assert hidden == ["Old notes", "Old notes"]  # one SRO, both months


def test_submissions_hold_exactly_the_seed_sub_actions(written):
    _, paths = written
    found = Counter(clean(row["sub_action"]) for path in _plans(paths["current"]) for row in _table(path)
                    if clean(row["sub_action"]))
    assert found == Counter(r["sub_action"] for r in expected_rows())
    rags = Counter(clean(row["rag"]) for path in _plans(paths["current"]) for row in _table(path)
                   if clean(row["sub_action"]))
    assert rags == Counter(r["rag"] for r in expected_rows())


def test_each_action_is_in_exactly_one_file(written):
    _, paths = written
    owner: dict[str, list[str]] = {}
    for path in _plans(paths["current"]):
        for row in _table(path):
            if clean(row["action"]) and clean(row["sub_action"]):  # not a Theme/Aim banner
                owner.setdefault(clean(row["action"]), []).append(path.name)
    assert sorted(owner) == sorted(expected_actions())
    assert all(len(files) == 1 for files in owner.values()), owner
    assert [p.name for p in _plans(paths["current"])] == [
        f"2018-03 {name}.xlsx" for name in (
            "Craig McArdle", "Caroline Paterson", "Rachel Silcock", "Shelagh McCormick", "Ann James",
            "Carole Burgoyne", "Elaine Fitzsimmons", "Jo Beer", "Nicola Jones", "Lorna Collingwood-Burke")]


def test_previous_month_differs_exactly_as_documented(written):
    _, paths = written
    current = {(p.name[8:], clean(r["sub_action"])): r for p in _plans(paths["current"]) for r in _table(p)
               if clean(r["sub_action"])}
    previous = {(p.name[8:], clean(r["sub_action"])): r for p in _plans(paths["previous"]) for r in _table(p)
                if clean(r["sub_action"])}
    changes = {(c["sro"] + ".xlsx", clean(c["sub_action"])): c for c in examples.PREVIOUS_CHANGES}
    assert set(current) - set(previous) == {k for k, c in changes.items() if c["field"] == "row"}
    assert set(previous) <= set(current)
    for key, prev in previous.items():
        cur = current[key]
        change = changes.get(key)
        if change is None:
            assert prev == cur, key
        else:
            assert clean(prev[change["field"]]) == clean(change["previous"]), key
            assert clean(cur[change["field"]]) == clean(change["current"]), key


def test_whole_plan_layout(written):
    _, paths = written
    wb = openpyxl.load_workbook(paths["plan"])
    ws = wb.active
    assert [c.value for c in ws[4]] == ["Action", "Sub actions", "SRO", "Q1", "Q2", "Q3", "Q4", "2019/20",
                                        "Updates", "Risks/Issues", "RAG Status"]
    merged = {str(m) for m in ws.merged_cells.ranges}
    banners = [r for r in range(5, ws.max_row + 1)
               if str(ws.cell(r, 1).value or "").startswith(("Theme", "Aim"))]
    assert len(banners) == 6 and all(f"A{r}:K{r}" in merged for r in banners)
    action_rows = [r for r in range(5, ws.max_row + 1) if ws.cell(r, 1).value and ws.cell(r, 2).value]
    merged_down = [r for r in action_rows if any(m.startswith(f"A{r}:A") for m in merged)]
    assert 0 < len(merged_down) < len(action_rows)  # some actions merged down, others blank below
    subs = [ws.cell(r, 2).value for r in range(5, ws.max_row + 1) if ws.cell(r, 2).value]
    assert [clean(s) for s in subs] == [r["sub_action"] for r in expected_rows()]
    fragment = [r for r in range(5, ws.max_row + 1) if ws.cell(r, 3).value == "Operations, Livewell Southwest"]
    assert len(fragment) == 1
    assert [c.value for c in ws[fragment[0]] if c.value] == ["Operations, Livewell Southwest"]


def test_write_examples_is_deterministic_and_committed(written, tmp_path):
    folder, _ = written
    again = tmp_path / "again"
    examples.write_examples(again)
    assert _files(folder) == _files(again)
    for rel in _files(folder):
        assert (folder / rel).read_bytes() == (again / rel).read_bytes(), rel
    # the committed copies are what the code makes (re-run scripts/make_examples.py if not);
    # other example makers may add their own files to workbooks/examples/
    assert set(_files(folder)) <= set(_files(COMMITTED))
    for rel in _files(folder):
        assert (COMMITTED / rel).read_bytes() == (folder / rel).read_bytes(), rel
