"""xlplan where its users are: Windows (no ``resource``, no fork, cp1252 output) and macOS.

These tests run in every pass. CI runs them a second time, with the command-line and API
tests, under a simulated Windows Python (``tests/winsim/sitecustomize.py``, switched on by
``XLPLAN_SIMULATE_WINDOWS=1``): the same results are expected there.
"""
from __future__ import annotations

import os

import pytest

SIMULATED = os.environ.get("XLPLAN_SIMULATE_WINDOWS") == "1"


@pytest.mark.skipif(not SIMULATED, reason="checks the simulated Windows Python itself")
def test_the_simulation_is_in_force():
    """The second pass proves something only if this interpreter really lacks what Windows
    lacks."""
    import multiprocessing
    import sys

    with pytest.raises(ImportError):
        import resource  # noqa: F401
    assert not hasattr(os, "fork")
    assert multiprocessing.get_all_start_methods() == ["spawn"]
    with pytest.raises(ValueError):
        multiprocessing.get_context("fork")
    assert sys.stdout.encoding.lower() in ("cp1252", "utf-8")  # pytest may capture stdout


# ---- the portable process layer (what Windows and macOS use), forced here on any system -----

import shutil  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from functools import partial  # noqa: E402
from pathlib import Path  # noqa: E402

import procs_helpers as helpers  # noqa: E402
from xlplan import procs  # noqa: E402
from xlplan.api import read_combined  # noqa: E402
from xlplan.config import load_config  # noqa: E402
from xlplan.demo import write_examples  # noqa: E402

DEMO = load_config(Path(__file__).resolve().parents[1] / "xlplan" / "data" / "demo.toml")


@pytest.fixture
def portable(monkeypatch):
    monkeypatch.setenv("XLPLAN_PROCS", "portable")
    from xlplan.procs import portable as layer

    assert procs.layer() is layer
    return layer


def test_the_layer_is_chosen_by_what_the_system_has():
    from xlplan.procs import portable, posix_possible

    if SIMULATED or sys.platform in ("win32", "darwin"):
        assert procs.layer() is portable and not posix_possible()
    else:
        assert procs.layer().__name__ == "xlplan.procs.posix"


def test_a_spawned_child_is_bounded_in_time_and_memory(portable):
    start = time.perf_counter()
    assert procs.run_bounded(helpers.sleep, (30,), seconds=3, memory_bytes=0) == \
        ("timeout", None)
    assert time.perf_counter() - start < 15
    status, megabytes = procs.run_bounded(helpers.grow, (1500,), seconds=60,
                                          memory_bytes=200 * 2**20)
    assert (status, megabytes) == ("memory", 200)
    assert procs.run_bounded(helpers.grow, (20,), seconds=60, memory_bytes=400 * 2**20) == \
        ("ok", 20 * 2**20)
    assert procs.run_bounded(helpers.abort, (), seconds=30, memory_bytes=0)[0] == "crash"
    assert procs.start_beside(helpers.double, (21,)) is None  # styles are read here


@pytest.fixture(scope="module")
def forty(tmp_path_factory):
    """40 returns (plans, risk registers, scorecards of two months) and a corrupt workbook."""
    root = tmp_path_factory.mktemp("forty")
    write_examples(root / "src")
    files = sorted((root / "src").rglob("*.xlsx"))
    folder = root / "in"
    folder.mkdir()
    for i in range(39):
        shutil.copy(files[i % len(files)], folder / f"{i:02d} {files[i % len(files)].name}")
    (folder / "39 broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    return folder


def _issues(result):
    return [(i.code, i.severity, i.file, i.sheet, i.cell, i.message) for i in result.issues]


def test_a_spawn_pool_reads_exactly_what_one_process_does(forty, portable):
    one, extras_one = read_combined([forty], DEMO, jobs=1)
    two, extras_two = read_combined([forty], DEMO, jobs=2)
    assert len(one.files) == 40 and [f.path for f in two.files] == [f.path for f in one.files]
    assert [f.status for f in two.files] == [f.status for f in one.files]
    for attr in ("actions", "risks", "scorecards"):
        assert len(getattr(one, attr)) > 0
        assert getattr(two, attr).equals(getattr(one, attr)), attr
    assert _issues(two) == _issues(one) and extras_two == extras_one


def test_a_big_file_is_read_in_a_spawned_child_with_the_same_result(forty, portable):
    import dataclasses

    tiny = dataclasses.replace(DEMO, limits=dataclasses.replace(DEMO.limits,
                                                                isolate_above_bytes=1))
    few = [p for p in sorted(forty.iterdir())[:3]]
    bounded, _ = read_combined(few, tiny, jobs=1)
    here, _ = read_combined(few, DEMO, jobs=1)
    assert [f.status for f in bounded.files] == [f.status for f in here.files] == ["ok"] * 3
    assert bounded.actions.equals(here.actions) and _issues(bounded) == _issues(here)


def test_a_spawned_worker_that_dies_costs_its_chunk_only(portable):
    items = [(Path(f"{i}"), str(i)) for i in range(400)]
    got = list(procs.map_chunks(helpers.names_or_exit, items, 3, on_broken=helpers.redo))
    assert [x for part, _ in got for x in part] == items
    assert [d for _, res in got for d in res if d != "redo"] == [d for _, d in items]
    # the chunk holding '21' is near the front: a worker takes it, dies, and it is redone
    assert any(res[0] == "redo" and any(d == "21" for _, d in part) for part, res in got)
    assert got[-1][1][0] != "redo"  # the parent read the end of the folder itself


_DIES = """
import sys
from pathlib import Path
sys.path[:0] = {paths!r}
import procs_helpers
from xlplan import procs

if __name__ == "__main__":
    items = [(Path(str(i)), str(i)) for i in range(400)]
    got = list(procs.map_chunks(procs_helpers.names_or_exit_slowly, items, 3,
                                on_broken=procs_helpers.redo))
    assert [x for part, _ in got for x in part] == items
    print("read", len(got))
"""


def test_a_pool_whose_worker_died_lets_the_interpreter_exit(tmp_path):
    """After a worker dies while this process has taken chunks back (their futures cancelled),
    the other workers are ended: the interpreter exits, rather than wait at exit for a worker
    that waits for work (Python 3.11's pool thread can fail before it ends them)."""
    script = tmp_path / "dies.py"
    script.write_text(_DIES.format(paths=[str(Path(__file__).parent),
                                          str(Path(__file__).parents[1])]))
    env = {**os.environ, "XLPLAN_PROCS": "portable"}
    try:
        done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True,
                              text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("the interpreter did not exit after its pool broke")
    assert done.returncode == 0 and "read" in done.stdout, done.stderr


_ORPHANS = """
import sys
from functools import partial
from pathlib import Path
sys.path[:0] = {paths!r}
import procs_helpers
from xlplan import procs

if __name__ == "__main__":
    # Enough files for more chunks than the pool queues ahead of its one worker: the parent
    # then always finds a chunk to take back and mark (with two chunks, the second may already
    # be queued for the hanging worker, and the parent would only wait).
    items = [(Path(str(i)), str(i)) for i in range(40)]
    for _ in procs.map_chunks(partial(procs_helpers.mark_and_hang, sys.argv[1]), items, 2,
                              on_broken=lambda c: c):
        pass
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX's")
def test_spawned_workers_end_with_their_parent(tmp_path):
    """A parent killed outright leaves no spawned worker behind (they watch its sentinel)."""
    script = tmp_path / "orphans.py"
    script.write_text(_ORPHANS.format(paths=[str(Path(__file__).parent),
                                             str(Path(__file__).parents[1])]))
    marks = tmp_path / "pids"
    marks.mkdir()
    env = {**os.environ, "XLPLAN_PROCS": "portable"}
    parent = subprocess.Popen([sys.executable, str(script), str(marks)], env=env)
    deadline = time.monotonic() + 60
    while len(list(marks.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = [int(p.name) for p in marks.iterdir()]
    if len(workers) != 2:
        parent.kill()  # no process of the test left behind, whatever failed
        parent.wait()
    assert len(workers) == 2
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 15
    while any(procs.pid_alive(w) and not _zombie(w) for w in workers) and \
            time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(procs.pid_alive(w) and not _zombie(w) for w in workers)


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] == "Z"
    except OSError:
        return False


# ---- the command as a user runs it: the same results on every system ------------------------

NAME = "Łukasz Wiśniewski"


def xlplan(*args: str, env: dict | None = None, timeout: float = 600
           ) -> subprocess.CompletedProcess:
    """``xlplan ARGS`` in a new interpreter (under the simulation when this one is), its output
    redirected to pipes, as a scheduled task or ``> report.txt`` would."""
    proc = subprocess.run([sys.executable, "-m", "xlplan.cli", *args], capture_output=True,
                          env={**os.environ, **(env or {})}, timeout=timeout)
    proc.out, proc.err = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in proc.err, proc.err
    return proc


def test_a_polish_name_under_a_cp1252_console_is_written_not_a_traceback(tmp_path):
    from builders import write_plan

    plan = write_plan(tmp_path / f"{NAME}.xlsx", [
        ["Reduce the backlog", "1. Recruit four nurses", NAME, "X", "", "", "", "On track", "",
         "Purple"]])
    proc = xlplan("validate", str(plan), env={"PYTHONIOENCODING": "cp1252"})
    assert proc.returncode == 1  # the RAG "Purple" is an error
    assert f"{NAME}.xlsx" in proc.out and "unknown-rag" in proc.out
    proc = xlplan("validate", str(plan), "--format", "json", env={"PYTHONIOENCODING": "cp1252"})
    import json

    report = json.loads(proc.out)
    assert report["files"][0].get("name", report["files"][0]["path"]).endswith(f"{NAME}.xlsx")
    assert report["files"][0]["sro"] == NAME


def test_merge_of_forty_files_in_parallel_gives_the_bytes_of_one_process(forty, tmp_path):
    out1, out2 = tmp_path / "one.xlsx", tmp_path / "two.xlsx"
    one = xlplan("merge", str(forty), "-o", str(out1), "--period", "2018-03", "-j", "1")
    two = xlplan("merge", str(forty), "-o", str(out2), "--period", "2018-03", "-j", "2")
    assert one.returncode == two.returncode == 1  # the corrupt workbook failed, the rest merged
    assert "39 of 40 file(s) merged" in two.out and "Failed: 39 broken.xlsx" in two.out
    assert two.out.replace("two.xlsx", "one.xlsx") == one.out
    assert out1.read_bytes() == out2.read_bytes()
    from openpyxl import load_workbook

    wb = load_workbook(out2, read_only=True)
    submitted = [row[1] for row in wb["Submissions"].iter_rows(min_row=2, values_only=True)]
    assert sorted(f.name for f in forty.iterdir()) == sorted(
        s for s in submitted if s and s[:2].isdigit())


def test_merge_beside_the_hostile_corpus(tmp_path):
    """25 hostile files and a 60,000-row plan beside good returns: each bad file is one issue
    (the zip bomb too-large), the big plan and the good files are merged."""
    import json

    from hostile import READ_AS, write_corpus
    from xlplan.demo.plan import write_submissions

    expected = write_corpus(tmp_path / "in")
    good = write_submissions(tmp_path / "in", period="2018-03")
    out, report = tmp_path / "out.xlsx", tmp_path / "report.json"
    proc = xlplan("merge", str(tmp_path / "in"), "-o", str(out), "--period", "2018-03",
                  "--report-json", str(report))
    assert proc.returncode == 1 and out.exists()
    data = json.loads(report.read_text(encoding="utf-8"))
    status = {f.get("name", f["path"]): f["status"] for f in data["files"]}  # name in folder
    codes: dict[str, set[str]] = {}
    for issue in data["issues"]:
        codes.setdefault(issue.get("name", issue["file"]), set()).add(issue["code"])
    for name, code in expected.items():
        code = READ_AS.get(name, code)  # far cells reported, the table near A1 read
        if code is None:
            assert status[name] in ("ok", "errors"), name
        else:
            assert code in codes.get(name, set()), (name, codes.get(name))
    assert codes["zip-bomb.xlsx"] == {"too-large"}
    assert status["legit-action-plan.xlsx"] != "failed"
    assert all(status[p.name] == "ok" for p in good)
    assert data["summary"]["actions"] >= 60_000 + 65


def test_template_from_a_merge_writes_one_workbook_per_sro(forty, tmp_path):
    from openpyxl import load_workbook

    merged = tmp_path / "merged.xlsx"
    xlplan("merge", str(forty), "-o", str(merged), "--period", "2018-03")
    proc = xlplan("template", "--from", str(merged), "-o", str(tmp_path / "send"))
    assert proc.returncode == 0
    written = sorted(p.name for p in (tmp_path / "send").iterdir())
    assert proc.out.startswith(f"{len(written)} template(s) written")
    assert len(written) >= 5 and all(n.endswith(".xlsx") for n in written)
    wb = load_workbook(tmp_path / "send" / written[0])
    assert "Instructions" in wb.sheetnames


# ---- under a memory limit the user set (ulimit -v) ----------------------------------------

def _ulimit(kilobytes: int):
    def apply():
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (kilobytes * 1024, kilobytes * 1024))
    return apply


@pytest.mark.skipif(SIMULATED or sys.platform == "win32", reason="ulimit -v is POSIX's")
def test_under_ulimit_a_zip_bomb_is_too_large_and_a_big_plan_is_read(tmp_path):
    """``ulimit -v 1500000; xlplan validate``: the bound never asks above the limit in force,
    so the zip bomb keeps its diagnosis and a 100,000-row plan is read, or set aside as
    too-large naming the limit, never 'unreadable'."""
    import json

    from hostile import legit_plan, zip_bomb

    (tmp_path / "zip-bomb.xlsx").write_bytes(zip_bomb())
    legit_plan(tmp_path / "plan.xlsx", rows=100_000)
    proc = subprocess.run([sys.executable, "-m", "xlplan.cli", "validate", str(tmp_path),
                           "--format", "json"], capture_output=True, text=True, timeout=600,
                          preexec_fn=_ulimit(1_500_000))
    assert "Traceback" not in proc.stderr, proc.stderr
    report = json.loads(proc.stdout)
    by_file: dict[str, list] = {}
    for issue in report["issues"]:
        by_file.setdefault(issue.get("name", issue["file"]), []).append(issue)
    assert [i["code"] for i in by_file["zip-bomb.xlsx"]] == ["too-large"]
    assert "unreadable-file" not in {i["code"] for i in by_file.get("plan.xlsx", [])}
    plan = next(f for f in report["files"] if f.get("name", f["path"]) == "plan.xlsx")
    if plan["status"] == "failed":
        message = by_file["plan.xlsx"][0]["message"]
        assert by_file["plan.xlsx"][0]["code"] == "too-large" and " MB" in message
    else:
        assert plan["rows"] >= 100_000


# ---- text in: programme files as Windows editors save them --------------------------------

PROGRAMME = f'[programme]\nname = "Gwent care programme"\nexpected_sros = ["{NAME}", "Zoë Hart"]\n'


@pytest.mark.parametrize("encoding,bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"),
                                          ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
                                          ("utf-16-le", b"")])
def test_a_programme_file_saved_by_notepad_is_read(tmp_path, encoding, bom):
    path = tmp_path / "programme.toml"
    path.write_bytes(bom + PROGRAMME.encode(encoding))
    programme = load_config(path)
    assert programme.name == "Gwent care programme"
    assert programme.expected_sros == (NAME, "Zoë Hart")


def test_an_ansi_programme_file_is_refused_in_one_sentence(tmp_path):
    path = tmp_path / "programme.toml"
    path.write_bytes(PROGRAMME.replace(NAME, "Ann James").encode("cp1252"))  # Zoë in ANSI
    proc = xlplan("validate", str(path), "--config", str(path))
    assert proc.returncode == 2 and proc.out == ""
    message = proc.err.strip()
    assert message.count("\n") == 0 and "ANSI (Windows-1252), not UTF-8" in message
    assert "line 3" in message and "Encoding to UTF-8" in message


# ---- files out: temporary files, held files, names ----------------------------------------

_KILL_MID_WRITE = """
import os, signal, sys
import xlsxwriter
from xlplan.cli import main

real_close = xlsxwriter.Workbook.close

def close(self):  # the workbook's parts are on disk: the run is killed before the rename
    real_close(self)
    os.kill(os.getpid(), signal.SIGKILL)

xlsxwriter.Workbook.close = close
main.main(sys.argv[1:], prog_name="xlplan")
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX's")
def test_a_merge_killed_mid_write_leaves_nothing_after_the_next_merge(forty, tmp_path):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "notes.txt").write_text("the coordinator's notes", encoding="utf-8")
    out = out_dir / "Consolidated 2018-03.xlsx"
    args = ["merge", str(forty), "-o", str(out), "--period", "2018-03"]
    killed = subprocess.run([sys.executable, "-c", _KILL_MID_WRITE, *args], capture_output=True)
    assert killed.returncode == -signal.SIGKILL
    left = sorted(p.name for p in out_dir.iterdir())
    assert len(left) > 1 and not out.exists()  # the killed run's temporary file is there
    proc = xlplan(*args)
    assert proc.returncode == 1
    assert sorted(p.name for p in out_dir.iterdir()) == ["Consolidated 2018-03.xlsx", "notes.txt"]


def test_another_runs_temporary_files_are_left_alone(tmp_path):
    """A temporary file whose process still runs (another merge writing to the same folder)
    is not touched; one whose process has ended is removed."""
    from xlplan import atomic

    live = tmp_path / f".xl~{os.getppid()}~abcdef.tmp"
    live.write_bytes(b"half a workbook")
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True)
    dead = tmp_path / f".xl~{int(done.stdout)}~abcdef"
    dead.mkdir()
    (dead / "tmp1234").write_bytes(b"parts")
    mine = atomic.temp_file(tmp_path)
    assert live.exists() and not dead.exists() and mine.exists()


def test_a_long_output_path_keeps_its_temporary_paths_under_260(tmp_path, monkeypatch):
    """The parts' folder moves to the system's temporary folder when beside the target it
    would pass Windows' 260 characters."""
    from xlplan import atomic

    made = []
    real = atomic.temp_dir.__wrapped__

    def spy(near, longest=16):
        gen = real(near, longest)
        made.append(path := next(gen))
        yield path
        next(gen, None)

    monkeypatch.setattr(atomic, "temp_dir", __import__("contextlib").contextmanager(spy))
    deep = tmp_path
    while len(str(deep)) < 220:
        deep = deep / "Programme Board papers"
    deep.mkdir(parents=True)
    out = deep / "Consolidated.xlsx"
    from xlplan.api import validate
    from xlplan.api import merge
    from xlplan.write import write_consolidated

    assert validate  # noqa: the import above is the API a user calls
    merged = merge([Path(__file__).resolve().parents[1] / "workbooks" / "examples"],
                   period="2018-03", config=DEMO)
    write_consolidated(merged, out)
    assert out.exists() and len(made) == 1
    assert len(str(made[0])) + 41 <= atomic.MAX_PATH
    assert not made[0].exists()
    assert [p.name for p in deep.iterdir()] == ["Consolidated.xlsx"]


def test_a_held_file_is_retried_then_named_in_one_sentence(tmp_path, monkeypatch):
    from xlplan import atomic

    target = tmp_path / "Consolidated.xlsx"
    target.write_bytes(b"last month")
    src = atomic.temp_file(tmp_path)
    src.write_bytes(b"this month")
    calls = []
    real = os.replace

    def held_twice(a, b):
        calls.append(b)
        if len(calls) <= 2:
            raise PermissionError(13, "The process cannot access the file")
        real(a, b)

    monkeypatch.setattr(os, "replace", held_twice)
    atomic.replace(src, target)  # OneDrive let go after a moment
    assert target.read_bytes() == b"this month" and len(calls) == 3
    monkeypatch.setattr(atomic, "RETRY_FOR", 0.2)
    monkeypatch.setattr(os, "replace", lambda a, b: (_ for _ in ()).throw(
        PermissionError(13, "The process cannot access the file")))
    (tmp_path / "~$Consolidated.xlsx").write_bytes(b"owner")
    with pytest.raises(atomic.HeldFile) as caught:
        atomic.replace(target, target)
    assert caught.value.strerror == ("cannot replace Consolidated.xlsx: it is open in Excel: "
                                     "close it there, then run again")


def test_template_names_the_one_file_open_in_excel_and_writes_the_others(forty, tmp_path):
    merged = tmp_path / "merged.xlsx"
    xlplan("merge", str(forty), "-o", str(merged), "--period", "2018-03")
    send = tmp_path / "send"
    xlplan("template", "--from", str(merged), "-o", str(send))
    names = sorted(p.name for p in send.iterdir())
    held = names[1]
    (send / f"~${held}").write_bytes(b"owner")  # Excel has it open
    before = {n: (send / n).stat().st_mtime_ns for n in names}
    time.sleep(0.05)
    proc = xlplan("template", "--from", str(merged), "-o", str(send), "--force")
    assert proc.returncode == 1
    assert proc.err.strip() == (f"xlplan: not written: {held} is open in Excel: close it "
                                "there and run again")
    assert proc.out.startswith(f"{len(names) - 1} template(s) written")
    after = {n: (send / n).stat().st_mtime_ns for n in names}
    assert [n for n in names if after[n] == before[n]] == [held]


def test_annotate_names_the_one_copy_open_in_excel_and_writes_the_others(forty, tmp_path):
    notes = tmp_path / "notes"
    first = xlplan("validate", str(forty), "--annotate", str(notes), "-j", "1")
    copies = sorted(p.relative_to(notes).as_posix() for p in notes.rglob("*.xlsx"))
    assert len(copies) > 5
    held = copies[0]
    (notes / f"~${held}").write_bytes(b"owner")
    proc = xlplan("validate", str(forty), "--annotate", str(notes), "-j", "1")
    assert proc.returncode == first.returncode
    assert f"not annotated: {held}: {held} is open in Excel: close it there and run again" \
        in proc.err
    assert f"Annotated {len(copies) - 1} file(s)" in proc.err


def test_row_order_does_not_depend_on_the_file_systems_case_rules(tmp_path):
    from builders import write_plan
    from xlplan.api import collect_paths

    for name, sro in (("b plan.xlsx", "Bea Lane"), ("A plan.xlsx", "Al Ray"),
                      ("a plan.xlsx", "Ann Moss"), ("C plan.xlsx", "Cy Dunn")):
        (tmp_path / "in").mkdir(exist_ok=True)
        write_plan(tmp_path / "in" / name, [["Act", "1. Do", sro, "X", "", "", "", "", "",
                                             "Green"]])
    names = [d for _, d in collect_paths([tmp_path / "in"])]
    assert names == ["A plan.xlsx", "C plan.xlsx", "a plan.xlsx", "b plan.xlsx"]


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="names there are Unicode")
def test_a_file_name_that_is_not_utf8_does_not_stop_the_writer(tmp_path):
    import json

    from builders import write_plan

    folder = tmp_path / "in"
    folder.mkdir()
    plan = write_plan(folder / "plan.xlsx", [["Act", "1. Do", NAME, "X", "", "", "", "", "",
                                              "Green"]])
    bad = os.fsencode(folder) + b"/Wi\xb6niewski plan.xlsx"  # Latin-2 byte, not UTF-8
    os.rename(plan, bad)
    out, report = tmp_path / "out.xlsx", tmp_path / "report.json"
    proc = xlplan("merge", str(folder), "-o", str(out), "--period", "2018-03",
                  "--report-json", str(report))
    assert proc.returncode == 0, proc.err
    data = json.loads(report.read_text(encoding="utf-8"))
    assert [f.get("name", f["path"]) for f in data["files"]] == ["Wi\ufffdniewski plan.xlsx"]
    from openpyxl import load_workbook

    wb = load_workbook(out, read_only=True)
    files = [r[1] for r in wb["Submissions"].iter_rows(min_row=2, values_only=True)]
    assert "Wi\ufffdniewski plan.xlsx" in files
