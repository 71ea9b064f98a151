"""The per-file bound: big files are read in a child process limited in time and memory."""
from __future__ import annotations

import os
import time
from pathlib import Path

from xlplan.api import read_bounded, read_submission
from xlplan.config import load_config
from xlplan.procs import run_bounded

PLAN = Path(__file__).resolve().parents[1] / "workbooks/examples/plymouth-cqc-action-plan-2018-19.xlsx"


def _sleep(seconds):
    time.sleep(seconds)
    return "woke"


def _allocate(megabytes):
    return len(bytearray(megabytes * 2**20))


def _abort():
    os.abort()


def test_timeout_memory_and_crash_are_contained():
    start = time.perf_counter()
    assert run_bounded(_sleep, (30,), seconds=1, memory_bytes=0) == ("timeout", None)
    assert time.perf_counter() - start < 10
    assert run_bounded(_allocate, (800,), seconds=30, memory_bytes=200 * 2**20)[0] == "memory"
    assert run_bounded(_allocate, (10,), seconds=30, memory_bytes=200 * 2**20) == ("ok", 10 * 2**20)
    status, _ = run_bounded(_abort, (), seconds=30, memory_bytes=0)
    assert status == "crash"


def test_a_file_read_in_a_child_gives_the_same_result():
    isolated = load_config(overrides={"limits": {"isolate_above_mb": 0.001}})
    a = read_bounded(PLAN, isolated, "plan.xlsx")
    b = read_submission(PLAN, load_config(), display="plan.xlsx")
    assert a.info.path == "plan.xlsx" and a.info.status == b.info.status == "ok"
    assert a.actions.equals(b.actions)
    assert a.issues == b.issues


def test_a_file_that_overruns_becomes_one_too_large_issue(monkeypatch):
    import xlplan.api as api

    monkeypatch.setattr(api, "read_submission", lambda *a, **k: _sleep(60))
    slow = load_config(overrides={"limits": {"isolate_above_mb": 0.001, "file_seconds": 1}})
    sub = read_bounded(PLAN, slow, "plan.xlsx")
    assert sub.info.status == "failed" and len(sub.actions) == 0
    assert [(i.code, i.file) for i in sub.issues] == [("too-large", "plan.xlsx")]
    assert "longer than 1 s" in sub.issues[0].message
