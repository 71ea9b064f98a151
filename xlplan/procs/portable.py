"""The process layer where fork is missing or unsafe (Windows, macOS): spawned children.

A spawned child is a new interpreter that imports what it runs: about a second and a third of
a core on a busy two-core machine to start a reader (measured: spawn 0.2 s, importing the
reader's modules 1.1 s), against a few milliseconds for a fork. So:

* a folder is read on every core only when it is big enough to repay the workers' start
  (:data:`MIN_FILES`; below it, and for ``jobs=1``, it is read in this process), and this
  process reads too while the workers start (from the end of the folder; ``jobs`` counts it),
  so a pool is never slower than this process alone;
* a file too big to trust is still read in a child with a deadline, and with a memory bound
  kept by a watchdog thread in the child (there is no ``RLIMIT_AS`` on Windows);
* a big sheet's styles are read in this process: a spawned child would cost more than the
  scan it saves;
* every child ends with its parent: a thread in the child waits on the parent's sentinel
  (a process handle on Windows, a pipe elsewhere) and exits when the parent is gone.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from typing import Any, Callable, Iterator, Sequence

from .common import Item, MAX_JOBS, Pending, available_cores, pool_map, start_child, wait_child

#: Below this many files a folder is read in this process: a spawned worker must import the
#: reader before its first file (about 1.3 s of a core), so a pool pays only on a big folder.
MIN_FILES = 64
#: How often the memory watchdog looks (seconds).
WATCH_EVERY = 0.05


def _context():
    return multiprocessing.get_context("spawn")


def worker_count(jobs: int | None, n_items: int) -> int:
    """How many spawned workers to read ``n_items`` files with: ``jobs`` when given (1 = no
    pool), else one per core (at most :data:`MAX_JOBS`) once there are :data:`MIN_FILES`
    files, each worker with at least 16 files to repay its start."""
    if jobs is not None and jobs > 0:
        return max(1, min(jobs, n_items))
    if n_items < MIN_FILES:
        return 1
    return max(1, min(available_cores(), MAX_JOBS, n_items // 16))


def map_chunks(chunk_fn: Callable[[list[Item]], object], items: Sequence[Item], workers: int,
               *, on_broken: Callable[[list[Item]], object]) -> Iterator[tuple[list[Item], object]]:
    """See :func:`xlplan.procs.map_chunks`: ``workers`` - 1 spawned workers and this process,
    ``chunk_fn`` pickled to each worker once (it must be a module-level function or a
    ``functools.partial`` of one)."""
    return pool_map(_context(), chunk_fn, items, workers, on_broken=on_broken,
                    die_with_parent=die_with_parent, parent_helps=True)


def die_with_parent() -> None:
    """End this process when the process that started it ends (a thread waits on the
    parent's sentinel). Nothing when this process was not started by multiprocessing."""
    parent = multiprocessing.parent_process()
    sentinel = getattr(parent, "sentinel", None)
    if sentinel is None:
        return

    def watch() -> None:
        from multiprocessing.connection import wait

        try:
            wait([sentinel])
        except (OSError, ValueError):
            pass
        os._exit(1)

    threading.Thread(target=watch, name="xlplan-parent-watch", daemon=True).start()


def memory_used() -> int | None:
    """This process's memory in bytes (private commit on Windows, resident set elsewhere), or
    None where it cannot be told."""
    if sys.platform == "win32":
        return _windows_private_bytes()
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:  # Linux
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        pass
    try:
        import resource  # macOS: the peak, in bytes there

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    except ImportError:
        return None


def _windows_private_bytes() -> int | None:  # pragma: no cover - Windows only
    import ctypes
    from ctypes import wintypes

    class Counters(ctypes.Structure):
        _fields_ = [("cb", wintypes.DWORD), ("PageFaultCount", wintypes.DWORD)] + [
            (name, ctypes.c_size_t) for name in (
                "PeakWorkingSetSize", "WorkingSetSize", "QuotaPeakPagedPoolUsage",
                "QuotaPagedPoolUsage", "QuotaPeakNonPagedPoolUsage", "QuotaNonPagedPoolUsage",
                "PagefileUsage", "PeakPagefileUsage", "PrivateUsage")]

    counters = Counters()
    counters.cb = ctypes.sizeof(Counters)
    try:
        process = ctypes.windll.kernel32.GetCurrentProcess()
        if not ctypes.windll.psapi.GetProcessMemoryInfo(process, ctypes.byref(counters),
                                                         counters.cb):
            return None
    except (OSError, AttributeError):
        return None
    return int(counters.PrivateUsage)


def _watch_memory(conn, lock: threading.Lock, memory_bytes: int) -> None:
    """Kill this process, after telling the parent, once it has grown by ``memory_bytes``."""
    import time

    base = memory_used()
    if base is None:
        return  # no way to measure: the deadline still bounds the child

    def watch() -> None:
        while True:
            time.sleep(WATCH_EVERY)
            used = memory_used()
            if used is not None and used - base > memory_bytes:
                with lock:
                    try:
                        conn.send(("memory", memory_bytes // 2**20))
                    finally:
                        os._exit(0)

    threading.Thread(target=watch, name="xlplan-memory-watch", daemon=True).start()


def _child(conn, fn: Callable, args: tuple, memory_bytes: int) -> None:
    import faulthandler

    faulthandler.disable()  # a crash here is expected and reported by the parent
    die_with_parent()
    lock = threading.Lock()
    if memory_bytes:
        _watch_memory(conn, lock, memory_bytes)
    try:
        message = ("ok", fn(*args))
    except MemoryError:
        message = ("memory", memory_bytes // 2**20)
    except BaseException as exc:  # anything else is the file's problem, reported by the parent
        message = ("error", f"{type(exc).__name__}: {exc}")
    with lock:
        try:
            conn.send(message)
        except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be pickled
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
        finally:
            conn.close()
            os._exit(0)


def run_bounded(fn: Callable, args: tuple, *, seconds: float, memory_bytes: int
                ) -> tuple[str, Any]:
    """See :func:`xlplan.procs.run_bounded`: a spawned child with a deadline and a memory
    watchdog (``fn`` and ``args`` are pickled: module-level functions only)."""
    proc, receive = start_child(_context(), _child, (fn, args, memory_bytes))
    return wait_child(proc, receive, seconds)


def memory_limit() -> int | None:
    """An address-space limit in force, where the system has one (not on Windows)."""
    try:
        import resource
    except ImportError:
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    return None if soft == resource.RLIM_INFINITY else soft


def can_run_beside() -> bool:
    """Never: a spawned child costs more than a styles scan (see the module's notes)."""
    return False


def start_beside(fn: Callable, args: tuple) -> Pending | None:
    """None: the caller runs ``fn`` itself (see :func:`can_run_beside`)."""
    return None
