"""What both process layers share: sizes and cores, cutting a folder into chunks, waiting for a
child with a deadline, and the worker pool's ordered map. Nothing here forks or limits memory:
the layers (:mod:`.posix`, :mod:`.portable`) pass in their multiprocessing context and their
way of dying with the parent."""
from __future__ import annotations

import gc
import multiprocessing
import os
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

#: At most this many workers, whatever the machine: reading is memory-bound beyond it.
MAX_JOBS = 8

Item = tuple[Path, str]  # a file and the name it is reported under


def declared_size(path: Path) -> int:
    """Sum of the declared uncompressed sizes of a zip's members (0 when it is not a zip)."""
    try:
        with zipfile.ZipFile(path) as zf:
            return sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return 0


@contextmanager
def paused_gc() -> Iterator[None]:
    """Run the block without the cyclic garbage collector, then give it back as it was.

    Reading a file and writing the workbook each make hundreds of thousands of small objects
    (cells, rows, frames) that live until the block ends; the collector would walk all of them
    again and again and find nothing to free (measured: 0.5 s of a 5 s merge, 0.25 s of a
    100,000-row validate). Memory is still freed by reference counting as usual; what cycles the
    block leaves behind are collected after it, in the normal course. Nested blocks are fine.
    Not for a block that runs unbounded (it holds the collector off for the whole process)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def available_cores() -> int:
    """The cores this process may run on (its affinity where the system tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # Windows and macOS have no affinity call
        return os.cpu_count() or 1


def in_worker() -> bool:
    """Whether this process was started by multiprocessing (a worker or a bounded child)."""
    return multiprocessing.parent_process() is not None


def chunks(items: Sequence[Item], workers: int) -> list[list[Item]]:
    """Consecutive runs of files, about four per worker so that a slow chunk does not leave the
    other cores idle at the end, and never so small that the hand-back dominates."""
    size = max(4, min(64, -(-len(items) // (workers * 4))))
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


def start_child(ctx, target: Callable, args: tuple):
    """A child process running ``target(send, *args)``; returns (process, receiving end)."""
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=target, args=(send, *args), daemon=True)
    proc.start()
    send.close()
    return proc, receive


def wait_child(proc, receive, seconds: float | None) -> tuple[str, Any]:
    """What the child sent: ('ok', value), or ('timeout', None) when nothing came within
    ``seconds`` (the child is killed), ('crash', exit code) when it died, or what it sent about
    its own failure ('memory' | 'error', detail). The child is always reaped."""
    try:
        if seconds is not None and not receive.poll(seconds):
            proc.kill()
            return "timeout", None
        try:
            return receive.recv()
        except (EOFError, OSError):
            proc.join(5)
            return "crash", proc.exitcode
    finally:
        receive.close()
        proc.join(5)
        if proc.is_alive():
            proc.kill()
            proc.join()


class Pending:
    """A call running in a child process; :meth:`result` waits for it."""

    def __init__(self, proc, receive, fn: Callable, args: tuple):
        self.proc, self.receive, self.fn, self.args = proc, receive, fn, args
        self._value: Any = None
        self._done = False

    def result(self, timeout: float | None = None) -> Any:
        """The call's value. When the child failed in any way, or sent nothing within
        ``timeout`` seconds, the call is made again here, so a result is never lost to the
        child: it raises what the call raises."""
        if self._done:
            return self._value
        status, payload = wait_child(self.proc, self.receive, timeout)
        self._value = payload if status == "ok" else self.fn(*self.args)
        self._done = True
        return self._value


# The function a worker runs on each chunk: set in the worker by its initializer, so calls
# from several threads of the parent each keep their own settings.
_CHUNK_FN: Callable | None = None


def _run_chunk(chunk: list[Item]):
    assert _CHUNK_FN is not None
    return _CHUNK_FN(chunk)


def _start_worker(chunk_fn: Callable, die_with_parent: Callable[[], None]) -> None:
    """A worker's start: its chunk function; Ctrl-C left to the parent (which stops the pool:
    one message, not one traceback per worker); and an end with the parent, however the
    parent ends (killed, or a second Ctrl-C), so no worker is left behind holding the
    terminal's output open."""
    global _CHUNK_FN
    _CHUNK_FN = chunk_fn
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()


def pool_map(ctx, chunk_fn: Callable[[list[Item]], object], items: Sequence[Item], workers: int,
             *, on_broken: Callable[[list[Item]], object], die_with_parent: Callable[[], None],
             parent_helps: bool = False) -> Iterator[tuple[list[Item], object]]:
    """``(chunk, chunk_fn(chunk))`` for consecutive chunks of ``items``, in order, computed by
    ``workers`` processes of ``ctx``. Chunks whose worker died are given to ``on_broken``
    instead, in this process. On Ctrl-C (or any error while waiting) the workers are stopped at
    once.

    ``parent_helps``: this process reads too, from the end of the folder, whenever the next
    chunk in order is not ready: with workers that take a second to start (spawned), the
    folder is read no slower than by this process alone, and ``workers`` - 1 are started."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    parts = chunks(items, workers)
    done = 0
    local: dict[int, object] = {}  # chunks this process read itself
    before = set(multiprocessing.active_children())
    pool = ProcessPoolExecutor(max(1, workers - 1) if parent_helps else workers,
                               mp_context=ctx, initializer=_start_worker,
                               initargs=(chunk_fn, die_with_parent))
    mine: list = []  # the pool's worker processes, all started by the first submissions
    try:
        futures = [pool.submit(_run_chunk, part) for part in parts]
        mine = [p for p in multiprocessing.active_children() if p not in before]
        try:
            for i, (part, future) in enumerate(zip(parts, futures)):
                while parent_helps and i not in local and not future.done():
                    last = next((k for k in range(len(parts) - 1, i - 1, -1)
                                 if k not in local and futures[k].cancel()), None)
                    if last is None:
                        break  # every chunk left is with a worker already: wait for it
                    local[last] = chunk_fn(parts[last])
                result = local.pop(i) if i in local else future.result()
                done += 1
                yield part, result
        except BrokenProcessPool:
            # A worker died. The pool ends the others itself, unless its own thread fails on
            # the way (CPython 3.11: a chunk this process took back, its future cancelled,
            # makes that thread raise), which would leave a worker waiting for work for
            # ever, and this interpreter waiting for it at exit: end them here.
            _stop_workers(mine)
    except BaseException:
        _stop_workers(mine)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    for i in range(done, len(parts)):
        yield parts[i], local.pop(i) if i in local else on_broken(parts[i])


def _stop_workers(workers: list) -> None:
    """End the pool's workers now, mid-chunk (the pool's own shutdown waits for running
    chunks), and reap them."""
    for proc in workers:
        try:
            proc.kill()
        except (OSError, ValueError, AttributeError):
            pass
    for proc in workers:
        try:
            proc.join(5)
        except (OSError, ValueError, AssertionError):
            pass