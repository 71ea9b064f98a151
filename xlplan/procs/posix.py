"""The process layer on Linux (and other POSIX systems where fork is safe): forked children.

Forking costs a few milliseconds and the child starts with everything the parent has imported
and computed, so a folder's workers, a big file's bounded read and a big sheet's styles read
beside the normaliser all start at once. The memory bound is ``RLIMIT_AS``, never above the
limit the user (``ulimit -v``), a scheduler or a container already set; ``PR_SET_PDEATHSIG``
makes every child die with its parent on Linux.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from typing import Any, Callable, Iterator, Sequence

try:  # importable everywhere (tools list every module); used only where fork is
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]

from .common import Item, MAX_JOBS, Pending, available_cores, in_worker, pool_map, start_child, \
    wait_child

#: Below this many files a folder is read in this process (a fork pool pays from about here).
MIN_FILES = 24


def _context():
    return multiprocessing.get_context("fork")


def can_fork() -> bool:
    """Whether forking this process is safe: fork exists, and no other thread runs (a thread
    holding a lock at the moment of the fork leaves it locked for ever in the child: in a
    notebook kernel or a web server, xlplan reads in the calling thread instead)."""
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


def map_chunks(chunk_fn: Callable[[list[Item]], object], items: Sequence[Item], workers: int,
               *, on_broken: Callable[[list[Item]], object]) -> Iterator[tuple[list[Item], object]]:
    """See :func:`xlplan.procs.map_chunks`: forked workers, inheriting ``chunk_fn``."""
    return pool_map(_context(), chunk_fn, items, workers, on_broken=on_broken,
                    die_with_parent=die_with_parent)


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent ends (elsewhere: nothing)."""
    import ctypes
    import signal

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


def memory_limit() -> int | None:
    """The address-space limit this process runs under (bytes), or None when there is none."""
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    return None if soft == resource.RLIM_INFINITY else soft


def _vm_size() -> int:
    """This process's current virtual memory size in bytes (the baseline for RLIMIT_AS)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def bound_memory(memory_bytes: int) -> int:
    """Limit this process's address space to its current size plus ``memory_bytes``, but never
    above a limit already in force (raising the hard limit is refused; raising a soft one would
    undo the user's own setting). Returns the room granted, in bytes."""
    base = _vm_size()
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = base + memory_bytes
    for existing in (soft, hard):
        if existing != resource.RLIM_INFINITY:
            limit = min(limit, existing)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    return max(0, limit - base)


def _child(conn, fn: Callable, args: tuple, memory_bytes: int) -> None:
    import faulthandler

    faulthandler.disable()  # a crash here is expected and reported by the parent
    die_with_parent()  # a parent killed mid-read leaves no reader behind
    room = 0
    try:
        if memory_bytes:
            room = bound_memory(memory_bytes)
        result = fn(*args)
        conn.send(("ok", result))
    except MemoryError:
        conn.send(("memory", room // 2**20))
    except BaseException as exc:  # anything else is the file's problem, reported by the parent
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()
        os._exit(0)  # skip atexit/finalisers inherited from the parent


def run_bounded(fn: Callable, args: tuple, *, seconds: float, memory_bytes: int
                ) -> tuple[str, Any]:
    """See :func:`xlplan.procs.run_bounded`: a forked child under RLIMIT_AS."""
    proc, receive = start_child(_context(), _child, (fn, args, memory_bytes))
    return wait_child(proc, receive, seconds)


def start_forked(fn: Callable, args: tuple) -> Pending:
    """Start ``fn(*args)`` in a forked child and return at once (see :class:`Pending`)."""
    proc, receive = start_child(_context(), _child, (fn, args, 0))
    return Pending(proc, receive, fn, args)


def can_run_beside() -> bool:
    """A second core, a process safe to fork, and not already a worker process (whose sibling
    workers have the other cores)."""
    return available_cores() > 1 and can_fork() and not in_worker()


def start_beside(fn: Callable, args: tuple) -> Pending | None:
    """``fn(*args)`` started in a forked child when :func:`can_run_beside`, else None."""
    return start_forked(fn, args) if can_run_beside() else None
