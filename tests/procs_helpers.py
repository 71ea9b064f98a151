"""Module-level functions for the process-layer tests: a spawned child imports them by name
(a function defined inside a test cannot be sent to it)."""
from __future__ import annotations

import os
import time
from pathlib import Path


def sleep(seconds):
    time.sleep(seconds)
    return "woke"


def grow(megabytes):
    """Take memory 10 MB at a time, touching every page (as a parser filling a tree does)."""
    held = [b"\x01" * (10 * 2**20) for _ in range(megabytes // 10)]
    return sum(map(len, held))


def abort():
    os.abort()


def double(x):
    return 2 * x


def names_or_exit(chunk):
    """A chunk's names, or the worker's death when a worker is given the chunk holding '21'
    (the parent, which reads chunks too in the portable layer, reads it)."""
    import multiprocessing

    if any(d == "21" for _, d in chunk) and multiprocessing.parent_process() is not None:
        os._exit(3)
    return [d for _, d in chunk]


def redo(chunk):
    return ["redo"] + [d for _, d in chunk]


def mark_and_hang(out, chunk):
    """Leave this worker's pid in ``out`` and hang (for the end-with-the-parent test)."""
    (Path(out) / str(os.getpid())).write_text("worker")
    time.sleep(60)
    return chunk


def names_or_exit_slowly(chunk):
    """In a worker: the chunk holding '21' ends the worker after half a second, any other
    chunk takes three seconds; in the parent, a chunk takes a third of a second. So the pool
    has handed out the first chunks, and the parent has taken some of the folder's end back
    (cancelling those chunks' futures), when the worker dies while the other is busy."""
    import multiprocessing

    if multiprocessing.parent_process() is None:
        time.sleep(0.3)
        return [d for _, d in chunk]
    if any(d == "21" for _, d in chunk):
        time.sleep(0.5)
        os._exit(3)
    time.sleep(3)
    return [d for _, d in chunk]
