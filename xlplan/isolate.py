"""A time and memory bound per file, so one pathological workbook cannot stall a folder.

The safety checks (:mod:`xlplan.safety`) stop zip bombs and absurd cell references before any
parser runs, but a file inside those limits can still be big enough to take minutes or
gigabytes (a legitimate-looking sheet that inflates to hundreds of megabytes of XML). Such
files -- and only such files, judged by their declared uncompressed size, so the common small
workbook pays nothing -- are read in a forked child process with an address-space limit and a
deadline. A child that runs out of either is killed, and the file becomes one ``too-large``
issue while the rest of the folder is merged.
"""
from __future__ import annotations

import multiprocessing
import os
import zipfile

try:  # not on Windows: there the child has a deadline but no memory limit
    import resource
except ImportError:  # pragma: no cover - exercised under the simulated Windows run
    resource = None  # type: ignore[assignment]
from pathlib import Path
from typing import Any, Callable


def declared_size(path: Path) -> int:
    """Sum of the declared uncompressed sizes of a zip's members (0 when it is not a zip)."""
    try:
        with zipfile.ZipFile(path) as zf:
            return sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return 0


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


def _child(conn, fn: Callable, args: tuple, memory_bytes: int) -> None:
    import faulthandler

    faulthandler.disable()  # a crash here is expected and reported by the parent
    from .parallel import die_with_parent

    die_with_parent()  # a parent killed mid-read leaves no reader behind
    try:
        if memory_bytes and resource is not None:
            limit = _vm_size() + memory_bytes
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        result = fn(*args)
        conn.send(("ok", result))
    except MemoryError:
        conn.send(("memory", None))
    except BaseException as exc:  # anything else is the file's problem, reported by the parent
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()
        os._exit(0)  # skip atexit/finalisers inherited from the parent


def run_bounded(fn: Callable, args: tuple, *, seconds: float, memory_bytes: int
                ) -> tuple[str, Any]:
    """Run ``fn(*args)`` in a forked child: ('ok', result), or ('timeout' | 'memory' | 'crash' |
    'error', detail) when it ran out of time or memory, died, or raised."""
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, fn, args, memory_bytes), daemon=True)
    proc.start()
    send.close()
    try:
        if not receive.poll(seconds):
            proc.kill()
            return "timeout", None
        try:
            status, payload = receive.recv()
        except (EOFError, OSError):
            proc.join(5)
            code = proc.exitcode
            return "crash", code
        return status, payload
    finally:
        receive.close()
        proc.join(5)
        if proc.is_alive():
            proc.kill()
            proc.join()


class Pending:
    """A call running in a forked child (see :func:`start_forked`); :meth:`result` waits."""

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
        try:
            if timeout is not None and not self.receive.poll(timeout):
                self.proc.kill()
                raise TimeoutError
            status, payload = self.receive.recv()
        except (EOFError, OSError):  # (TimeoutError is an OSError)
            status, payload = "crash", None
        finally:
            self.receive.close()
            self.proc.join(5)
            if self.proc.is_alive():
                self.proc.kill()
                self.proc.join()
        self._value = payload if status == "ok" else self.fn(*self.args)
        self._done = True
        return self._value


def start_forked(fn: Callable, args: tuple) -> Pending:
    """Start ``fn(*args)`` in a forked child and return at once: the parent goes on with other
    work on the other core and collects the value with :meth:`Pending.result`. For work that
    is independent of what the parent does next and costs far more than a fork (a few ms)."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, fn, args, 0), daemon=True)
    proc.start()
    send.close()
    return Pending(proc, receive, fn, args)
