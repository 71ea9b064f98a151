"""Reading a folder of workbooks on every core, in order, without losing a file.

A month's folder is hundreds of small workbooks, and reading one is pure Python work (safety
scan, values, fills, normalising, checking) that one core does at a time. Here the folder is cut
into chunks of consecutive files; forked worker processes read a chunk each and hand back the
chunk already combined -- one table per kind, the files' infos and issues -- because moving
three small DataFrames per file between processes costs more than reading the file did.

* The result is the same as reading the files one after another: chunks come back in order,
  and the tables are concatenated in that order.
* Progress is reported per file, as each chunk comes back.
* Few files (below :data:`MIN_FILES`), one core, or ``jobs=1`` read in this process: a pool
  only pays for itself when there is enough to share.
* A worker that dies (a reader crash on a pathological file) breaks the pool; every file whose
  chunk had not come back is then read on its own in a bounded child process
  (:func:`xlplan.isolate.run_bounded`), so the crash costs that one file, reported, never the
  merge.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Callable, Iterator, Sequence

#: Below this many files a folder is read in this process.
MIN_FILES = 24
#: At most this many workers, whatever the machine: reading is memory-bound beyond it.
MAX_JOBS = 8

Item = tuple[Path, str]  # a file and the name it is reported under

# The function a worker runs on each chunk: set in the worker by its initializer (inherited
# through fork, never pickled), so calls from several threads each keep their own settings.
_CHUNK_FN: Callable | None = None


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether forking this process is safe: fork exists, and no other thread runs (a thread
    holding a lock at the moment of the fork leaves it locked for ever in the child: in a
    notebook kernel or a web server, xlplan reads in the calling thread instead)."""
    import threading

    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def worker_count(jobs: int | None, n_items: int) -> int:
    """How many worker processes to read ``n_items`` files with: ``jobs`` when given (1 = no
    pool), else one per core (at most :data:`MAX_JOBS`) once there are :data:`MIN_FILES` files."""
    if not can_fork():
        return 1
    if jobs is not None and jobs > 0:
        return max(1, min(jobs, n_items))
    if n_items < MIN_FILES:
        return 1
    return max(1, min(available_cores(), MAX_JOBS, n_items // 4))


def chunks(items: Sequence[Item], workers: int) -> list[list[Item]]:
    """Consecutive runs of files, about four per worker so that a slow chunk does not leave the
    other cores idle at the end, and never so small that the hand-back dominates."""
    size = max(4, min(64, -(-len(items) // (workers * 4))))
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


def _run_chunk(chunk: list[Item]):
    assert _CHUNK_FN is not None
    return _CHUNK_FN(chunk)


def map_chunks(chunk_fn: Callable[[list[Item]], object], items: Sequence[Item], workers: int,
               *, on_broken: Callable[[list[Item]], object]) -> Iterator[tuple[list[Item], object]]:
    """``(chunk, chunk_fn(chunk))`` for consecutive chunks of ``items``, in order, computed by
    ``workers`` forked processes. Chunks whose worker died are given to ``on_broken`` instead,
    in this process. On Ctrl-C (or any error while waiting) the workers are stopped at once."""
    parts = chunks(items, workers)
    done = 0
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_start_worker, initargs=(chunk_fn,))
    try:
        futures = [pool.submit(_run_chunk, part) for part in parts]
        try:
            for part, future in zip(parts, futures):
                result = future.result()
                done += 1
                yield part, result
        except BrokenProcessPool:
            pass
    except BaseException:
        _stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    for part in parts[done:]:
        yield part, on_broken(part)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """End the workers now, mid-chunk (the pool's own shutdown waits for running chunks)."""
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            proc.kill()
        except (OSError, ValueError):
            pass


def _start_worker(chunk_fn: Callable) -> None:
    """A worker's start: its chunk function; Ctrl-C left to the parent (which stops the pool:
    one message, not one traceback per worker); and an end with the parent, however the
    parent ends (killed, or a second Ctrl-C), so no worker is left behind holding the
    terminal's output open."""
    global _CHUNK_FN
    _CHUNK_FN = chunk_fn
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent ends (elsewhere: nothing)."""
    import ctypes
    import signal
    import sys

    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent ended before the request took effect
        os._exit(1)
