"""Reading a folder on several cores gives exactly what reading it file by file gives, and a
worker that dies costs only the file it died on."""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from xlplan import api
from xlplan.api import read_combined
from xlplan.config import load_config
from xlplan.examples import write_examples
from xlplan.merge import merge
from xlplan.parallel import chunks, map_chunks, worker_count
from xlplan.write import write_consolidated

DEMO = load_config(Path(__file__).resolve().parents[1] / "xlplan" / "data" / "demo.toml")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """Two months of example returns (plans, a risk register and a scorecard each), and the
    mess a shared folder holds: a corrupt workbook, a text file, a workbook with no plan."""
    root = tmp_path_factory.mktemp("parallel")
    write_examples(root)
    (root / "2018-02").rename(root / "a 2018-02")
    (root / "2018-03").rename(root / "b 2018-03")
    (root / "b 2018-03" / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    (root / "b 2018-03" / "notes.txt").write_text("minutes of the board", encoding="utf-8")
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "Nothing to see here"
    wb.save(root / "b 2018-03" / "empty plan.xlsx")
    return root


def _issues(result):
    return [(i.code, i.severity, i.file, i.sheet, i.cell, i.message) for i in result.issues]


def test_two_workers_read_exactly_what_one_does(folder):
    one, extras_one = read_combined([folder], DEMO, jobs=1)
    two, extras_two = read_combined([folder], DEMO, jobs=2)
    assert len(one.files) >= 24
    assert [f.path for f in two.files] == [f.path for f in one.files]
    assert [f.status for f in two.files] == [f.status for f in one.files]
    assert "failed" in {f.status for f in one.files}  # the corrupt workbook is in the test
    for attr in ("actions", "risks", "scorecards"):
        a, b = getattr(one, attr), getattr(two, attr)
        assert len(a) > 0
        assert list(b.columns) == list(a.columns)
        assert b.equals(a), attr
        assert (b.dtypes == a.dtypes).all(), attr
    assert _issues(two) == _issues(one)
    assert extras_two == extras_one


def test_the_consolidated_workbook_does_not_depend_on_the_worker_count(folder, tmp_path):
    digests = set()
    for jobs in (1, 2, 3):
        out = tmp_path / f"merged-{jobs}.xlsx"
        write_consolidated(merge([folder], period="2018-03", config=DEMO, jobs=jobs), out)
        digests.add(hashlib.sha256(out.read_bytes()).hexdigest())
    assert len(digests) == 1


def test_progress_names_every_file_once_in_order(folder):
    seen: list[str] = []
    result, _ = read_combined([folder], DEMO, jobs=2, progress=seen.append)
    assert seen == [f.path for f in result.files]


def test_a_worker_that_dies_costs_one_file(folder, tmp_path, monkeypatch):
    """A reader crash (here: the process exits mid-read, as a segfault would end it) on one
    file breaks the pool; the files not yet read are read on their own, bounded, and only the
    one that crashes is lost -- reported, never silently."""
    victim = tmp_path / "victim"
    shutil.copytree(folder / "b 2018-03", victim)
    real = api.read_submission

    def crashing(path, programme=None, *, display=None):
        if "Paterson" in Path(path).name:
            os._exit(70)
        return real(path, programme, display=display)

    monkeypatch.setattr(api, "read_submission", crashing)  # workers fork with it in place
    result, _ = read_combined([victim], DEMO, jobs=2)
    names = [f.path for f in result.files]
    assert names == sorted(names)
    crashed = [f for f in result.files if "Paterson" in f.path]
    assert crashed and all(f.status == "failed" for f in crashed)
    for f in crashed:
        codes = {i.code for i in result.issues if i.file == f.path}
        assert codes == {"too-large"}
        msg = next(i.message for i in result.issues if i.file == f.path)
        assert "the reader stopped on it" in msg
    others = [f for f in result.files if "Paterson" not in f.path and f.path.endswith(".xlsx")
              and f.path not in ("broken.xlsx", "empty plan.xlsx")]
    assert others and all(f.status in ("ok", "errors") for f in others)
    expected = {f.path for f in others}
    assert expected <= set(result.actions["file"]) | set(result.risks["file"]) | set(
        result.scorecards["file"])


def test_worker_count():
    assert worker_count(1, 500) == 1
    assert worker_count(3, 2) == 2  # never more workers than files
    assert worker_count(None, 5) == 1  # a handful of files: read here
    assert worker_count(None, 500) >= 1


def test_chunks_keep_every_item_in_order():
    items = [(Path(f"{i}.xlsx"), f"{i}.xlsx") for i in range(103)]
    parts = chunks(items, 2)
    assert [x for part in parts for x in part] == items
    assert all(len(p) >= 4 for p in parts[:-1])


def test_map_chunks_in_order_and_the_broken_rest_handed_back():
    items = [(Path(f"{i}"), str(i)) for i in range(40)]

    def fn(chunk):
        if any(d == "21" for _, d in chunk):
            os._exit(3)
        return [d for _, d in chunk]

    got = list(map_chunks(fn, items, 2, on_broken=lambda chunk: ["redo"] + [d for _, d in chunk]))
    assert [x for part, _ in got for x in part] == items
    flat = [d for _, res in got for d in res if d != "redo"]
    assert flat == [d for _, d in items]
    redone = [part for part, res in got if res[0] == "redo"]
    assert any(d == "21" for part in redone for _, d in part)
