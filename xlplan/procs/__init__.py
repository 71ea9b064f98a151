"""Every process concern of xlplan, in one place: reading a folder on every core, the per-file
time and memory bound, the big sheet's styles read beside the normaliser, and children that end
with their parent.

Two layers do the work, chosen at run time:

* :mod:`.posix` on Linux and other POSIX systems where fork is safe: forked children (a few
  ms to start, everything inherited), ``RLIMIT_AS`` as the memory bound, ``PR_SET_PDEATHSIG``;
* :mod:`.portable` on Windows and macOS (no fork, or fork unsafe): spawned children with a
  deadline and a memory watchdog, a spawn pool for big folders only.

``XLPLAN_PROCS=portable`` (or ``posix``) in the environment forces a layer, for measurements
and tests. The rest of xlplan calls the functions below and names no system call: a file too
big to trust becomes ``too-large`` the same way on every system.

Why a file is set aside (the ``status`` of :func:`run_bounded`): ``timeout`` (no answer within
the deadline), ``memory`` (the bound was reached; the payload is the room it had, in MB),
``crash`` (the child died: a reader crash), ``error`` (the call raised; the payload says what).
"""
from __future__ import annotations

import multiprocessing
import os
import sys
from types import ModuleType
from typing import Any, Callable, Iterator, Sequence

from .common import (MAX_JOBS, Item, Pending, available_cores, chunks, declared_size,
                     in_worker, paused_gc)

__all__ = ["MAX_JOBS", "Item", "Pending", "available_cores", "can_run_beside", "chunks",
           "declared_size", "die_with_parent", "in_worker", "layer", "map_chunks",
           "memory_limit", "paused_gc", "pid_alive", "run_bounded", "start_beside", "worker_count"]


def posix_possible() -> bool:
    """Whether the fork layer can run here: fork, RLIMIT_AS, and not macOS or Windows."""
    if sys.platform in ("win32", "darwin"):  # macOS: fork is unsafe with its system libraries
        return False
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    try:
        import resource  # noqa: F401
    except ImportError:
        return False
    return True


def layer() -> ModuleType:
    """The process layer for this system (``XLPLAN_PROCS`` may force one)."""
    forced = os.environ.get("XLPLAN_PROCS", "").strip().lower()
    if forced != "portable" and posix_possible():
        from . import posix

        return posix
    from . import portable

    return portable


def run_bounded(fn: Callable, args: tuple, *, seconds: float, memory_bytes: int
                ) -> tuple[str, Any]:
    """Run ``fn(*args)`` in a child process: ('ok', result), or ('timeout' | 'memory' | 'crash'
    | 'error', detail) when it ran out of time or memory, died, or raised. ``memory_bytes`` 0:
    no memory bound. Never asks for more memory than a limit already in force."""
    return layer().run_bounded(fn, args, seconds=seconds, memory_bytes=memory_bytes)


def can_run_beside() -> bool:
    """Whether :func:`start_beside` would start a child (worth it only with a free core and a
    cheap start)."""
    return layer().can_run_beside()


def start_beside(fn: Callable, args: tuple) -> Pending | None:
    """Start ``fn(*args)`` in a child and return at once, so this process goes on with other
    work on another core and collects the value with :meth:`Pending.result`; None when that
    does not pay here (then call ``fn`` yourself). For work independent of what this process
    does next and costing far more than starting a child."""
    return layer().start_beside(fn, args)


def worker_count(jobs: int | None, n_items: int) -> int:
    """How many worker processes to read ``n_items`` files with (1: read in this process).
    ``jobs`` when given; else what repays the workers' start on this system."""
    return layer().worker_count(jobs, n_items)


def map_chunks(chunk_fn: Callable[[list[Item]], object], items: Sequence[Item], workers: int,
               *, on_broken: Callable[[list[Item]], object]) -> Iterator[tuple[list[Item], object]]:
    """``(chunk, chunk_fn(chunk))`` for consecutive chunks of ``items``, in order, computed by
    ``workers`` worker processes. Chunks whose worker died are given to ``on_broken`` instead,
    in this process. On Ctrl-C (or any error while waiting) the workers are stopped at once.
    The result is the same as reading the chunks one after another."""
    return layer().map_chunks(chunk_fn, items, workers, on_broken=on_broken)


def die_with_parent() -> None:
    """Make this process end when the process that started it ends, however that ends."""
    layer().die_with_parent()


def memory_limit() -> int | None:
    """The address-space limit this process runs under, in bytes (None: none)."""
    return layer().memory_limit()


def pid_alive(pid: int) -> bool | None:
    """Whether a process with this id runs (None: cannot tell on this system)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":  # pragma: no cover - Windows only
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    except (OSError, AttributeError):
        return None
    return True


def _windows_pid_alive(pid: int) -> bool | None:  # pragma: no cover - Windows only
    import ctypes

    still_active, query = 259, 0x1000  # STILL_ACTIVE, PROCESS_QUERY_LIMITED_INFORMATION
    try:
        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(query, False, pid)
        if not handle:
            return False
        try:
            code = ctypes.c_ulong()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return None
            return code.value == still_active
        finally:
            kernel32.CloseHandle(handle)
    except (OSError, AttributeError):
        return None
