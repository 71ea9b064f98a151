"""Reading a folder on several cores gives exactly what reading it file by file gives, and a
worker that dies costs only the file it died on."""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from builders import write_plan
from xlplan import api
from xlplan.api import merge, read_combined
from xlplan.config import load_config
from xlplan.demo.plan import write_examples
from xlplan import procs
from xlplan.procs import chunks, map_chunks, worker_count
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


# ---- a big sheet's styles read in a child process beside the normaliser --------------------

def _read_all(paths, programme):
    return [api.read_submission(p, programme) for p in paths]


def _same(a, b):
    assert a.actions.equals(b.actions)
    assert list(a.actions.columns) == list(b.actions.columns)
    assert [(i.code, i.cell, i.message) for i in a.issues] == \
        [(i.code, i.cell, i.message) for i in b.issues]


def _coloured_plan(path: Path) -> Path:
    """A plan whose RAG is partly fill colour only, partly text that disagrees with its fill,
    with a formula cell and formula-like text."""
    rows = [
        ["Reduce backlog", "1. Recruit 4 nurses", "Jo Beer", "X", "", "", "", "On track", "", ""],
        ["", "2. Review rota", "", "", "X", "", "", "", "", "Red"],
        ["", "3. Audit", "", "", "", "X", "", "=1+1", "", "Green"],
        ["Market management", "1. Map providers", "Craig McArdle", "X", "", "", "", "-",
         "", ""],
    ]
    write_plan(path, rows, fills={(0, 9): "00B050", (1, 9): "00B050", (2, 9): "00B050",
                                  (3, 9): "FFC000"})
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb.active["H3"] = "=LEN(B3)"
    wb.save(path)
    return path


def test_styles_read_beside_the_normaliser_give_the_same_result(folder, tmp_path, monkeypatch):
    """Workbooks read with their styles scanned in a child (threshold 1 row) read exactly as
    with the scan in this process: fills-only RAG cells, mismatched fills and formula cells
    included."""
    paths = sorted((folder / "b 2018-03").glob("*.xlsx")) + [_coloured_plan(tmp_path / "c.xlsx")]
    monkeypatch.setattr(api, "BACKGROUND_STYLES_ROWS", 10**9)
    inline = _read_all(paths, DEMO)
    started = []
    real_start = procs.start_beside
    monkeypatch.setattr(procs, "start_beside", lambda fn, args: started.append(args)
                        or real_start(fn, args))
    monkeypatch.setattr(api, "BACKGROUND_STYLES_ROWS", 1)
    beside = _read_all(paths, DEMO)
    if not procs.can_run_beside():
        pytest.skip("one core: styles are always read in this process")
    assert len(started) >= 10  # every action plan with a RAG column
    codes = {i.code for s in inline for i in s.issues}
    assert {"rag-from-colour", "rag-colour-mismatch", "formula-in-input"} <= codes
    for a, b in zip(inline, beside):
        _same(a, b)


def test_a_styles_child_that_dies_is_replaced_by_a_read_here(folder, tmp_path, monkeypatch):
    paths = sorted((folder / "b 2018-03").glob("*.xlsx")) + [_coloured_plan(tmp_path / "c.xlsx")]
    monkeypatch.setattr(api, "BACKGROUND_STYLES_ROWS", 10**9)
    inline = _read_all(paths, DEMO)
    parent = os.getpid()
    real = api._rag_styles

    def dies_in_child(*args):
        if os.getpid() != parent:
            os._exit(9)
        return real(*args)

    monkeypatch.setattr(api, "_rag_styles", dies_in_child)
    monkeypatch.setattr(api, "BACKGROUND_STYLES_ROWS", 1)
    for a, b in zip(inline, _read_all(paths, DEMO)):
        _same(a, b)


def test_files_read_in_a_bounded_child_inside_a_worker(folder):
    """A worker can itself fork the bounded child that big files are read in (every file is
    'big' here): same result as reading them here."""
    import dataclasses

    tiny = dataclasses.replace(DEMO, limits=dataclasses.replace(DEMO.limits,
                                                                isolate_above_bytes=1))
    bounded, _ = read_combined([folder / "b 2018-03"], tiny, jobs=2)
    here, _ = read_combined([folder / "b 2018-03"], DEMO, jobs=1)
    assert [f.status for f in bounded.files] == [f.status for f in here.files]
    assert bounded.actions.equals(here.actions)
    assert _issues(bounded) == _issues(here)


def test_a_styles_child_that_hangs_is_given_up_after_the_file_deadline(tmp_path):
    """A child that sends nothing within the deadline is killed, and the call made here."""
    import time

    from xlplan.procs.posix import start_forked

    parent = os.getpid()

    def slow(x):
        if os.getpid() != parent:
            time.sleep(60)
        return x * 2

    pending = start_forked(slow, (21,))
    started = time.monotonic()
    assert pending.result(timeout=0.5) == 42
    assert time.monotonic() - started < 4
    assert not pending.proc.is_alive()


_ORPHAN_SCRIPT = r"""
import os, sys, time
from pathlib import Path
from xlplan.procs import map_chunks

out = Path(sys.argv[1])

def slow(chunk):
    (out / str(os.getpid())).write_text("worker")
    time.sleep(60)
    return chunk

items = [(Path(str(i)), str(i)) for i in range(8)]
for _ in map_chunks(slow, items, 2, on_broken=lambda c: c):
    pass
"""


@pytest.mark.skipif(not os.sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_workers_end_with_their_parent_however_it_ends(tmp_path):
    """A parent killed outright (SIGKILL: no cleanup runs) leaves no worker behind."""
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "orphans.py"
    script.write_text(_ORPHAN_SCRIPT)
    marks = tmp_path / "pids"
    marks.mkdir()
    parent = subprocess.Popen([sys.executable, str(script), str(marks)])
    deadline = time.monotonic() + 30
    while len(list(marks.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = [int(p.name) for p in marks.iterdir()]
    assert len(workers) == 2
    parent.send_signal(signal.SIGKILL)
    parent.wait()

    def running(pid: int) -> bool:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                return fh.read().split(")")[-1].split()[0] != "Z"  # a zombie has ended
        except FileNotFoundError:
            return False

    deadline = time.monotonic() + 10
    while any(map(running, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(running, workers))


def test_no_pool_from_a_process_with_other_threads():
    """Forking while another thread may hold a lock can hang the child: read here instead."""
    import threading

    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert worker_count(None, 500) == 1
        assert worker_count(4, 500) == 1
    finally:
        stop.set()
        other.join()
    assert worker_count(4, 500) == 4


def test_paused_gc_gives_the_collector_back_as_it_was():
    import gc

    assert gc.isenabled()
    with procs.paused_gc():
        assert not gc.isenabled()
        with procs.paused_gc():  # nested: the inner block does not turn it back on
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        with procs.paused_gc():
            raise RuntimeError("a failed write")
    assert gc.isenabled()  # also after a failure
    gc.disable()
    try:  # a caller who turned it off keeps it off
        with procs.paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_files_are_read_and_the_workbook_written_without_collector_pauses(folder, tmp_path,
                                                                          monkeypatch):
    """The bulk stages run with the collector paused (its passes over their objects cost a
    tenth of a merge and free nothing), and it is on again afterwards."""
    import gc

    import xlplan.write as write

    seen: dict[str, list[bool]] = {"read": [], "write": []}
    real_read = api.read_bounded

    def read_bounded(*args, **kwargs):
        seen["read"].append(gc.isenabled())
        return real_read(*args, **kwargs)

    monkeypatch.setattr(api, "read_bounded", read_bounded)
    real_sheet = write.SHEETS[0]
    monkeypatch.setattr(write, "SHEETS", [write.SheetSpec(
        real_sheet.name, lambda *a: (seen["write"].append(gc.isenabled()), real_sheet.write(*a))[1],
        real_sheet.when), *write.SHEETS[1:]])
    merged = merge([folder / "b 2018-03"], config=DEMO, period="2018-03", jobs=1)
    write_consolidated(merged, tmp_path / "out.xlsx")
    assert seen["read"] and not any(seen["read"])
    assert seen["write"] == [False]
    assert gc.isenabled()
