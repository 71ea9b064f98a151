"""What the fast byte scanners share: parts inflated ahead, and 8-byte words read with numpy.

Two readers look at every worksheet's bytes on the read path: the package check
(:mod:`xlplan.safety`: the largest cell reference, error cells) and the fill/formula read
(:mod:`xlplan.styles`). A legitimate 100,000-row sheet is 35-115 MB of XML, so both avoid a
Python loop per cell: a helper thread inflates the next chunk while the current one is scanned
(zlib releases the GIL), and the scan itself finds tags with aligned numpy comparisons and
reads attribute values as 8-byte little-endian words with SWAR bit tricks (byte 0 of a word is
the first character, so ``word(b'<c r="')`` is the integer to compare against).

The scanners built on these decline rather than guess: each has a slow, exact reader it hands
the part to when its input is in any unusual form, and tests that hold the two to one answer.
"""
from __future__ import annotations

import os
import queue
import threading
from typing import IO, Iterator

import numpy as np

__all__ = [
    "THREADS_HELP", "ReadAhead", "stream_chunks", "scratch", "word", "words_at_every_byte",
    "aligned_views", "zero_bytes", "at_least", "below", "lowest", "byte_index",
    "U64", "ONE", "ONES", "HIGH", "LOW7", "QUOTES",
]

#: A helper thread only pays off when a second CPU is free to run it (one CPU: ~10% slower).
THREADS_HELP = (os.cpu_count() or 1) > 1


# ------------------------------------------------------------------------------ inflating ahead
class ReadAhead:
    """Iterate a chunk generator, optionally producing ahead in a helper thread.

    zlib releases the GIL while it inflates, so a helper thread unpacks chunk n+1 while the
    caller scans chunk n: the scan of a large sheet costs about the time of the inflation
    alone. At most ``depth`` chunks wait in the queue (bounded memory). Exceptions raised by
    the generator are re-raised in the caller; leaving the ``with`` block early stops and joins
    the helper (before the caller closes the zip it reads from).
    """

    def __init__(self, gen: Iterator[bytes], threaded: bool, depth: int = 2):
        self.gen, self.threaded, self.depth = gen, threaded and THREADS_HELP, depth
        self.thread: threading.Thread | None = None

    def __enter__(self) -> Iterator[bytes]:
        if not self.threaded:
            return iter(self.gen)
        # made only for a helper thread: most parts are small and read without one
        self.stop = threading.Event()
        self.queue: queue.Queue = queue.Queue(maxsize=self.depth)
        self.thread = threading.Thread(target=self._produce, daemon=True)
        self.thread.start()
        return self._consume()

    def _produce(self) -> None:
        try:
            for chunk in self.gen:
                if not self._put(("chunk", chunk)):
                    return
            self._put(("done", None))
        except BaseException as exc:  # noqa: BLE001 -- handed to the consumer
            self._put(("error", exc))
        finally:
            close = getattr(self.gen, "close", None)
            if close is not None:
                close()

    def _put(self, item) -> bool:
        while not self.stop.is_set():
            try:
                self.queue.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def _consume(self) -> Iterator[bytes]:
        while True:
            kind, payload = self.queue.get()
            if kind == "chunk":
                yield payload
            elif kind == "error":
                raise payload
            else:
                return

    def __exit__(self, *exc) -> None:
        if self.thread is not None:
            self.stop.set()
            self.thread.join()
        else:
            close = getattr(self.gen, "close", None)
            if close is not None:
                close()


def stream_chunks(stream: IO[bytes], size: int) -> Iterator[bytes]:
    """A readable stream in chunks of ``size`` bytes (-1: all of it at once)."""
    while True:
        chunk = stream.read(size)
        if not chunk:
            return
        yield chunk


# ------------------------------------------------------------------------------ numpy work arrays
_SCRATCH = threading.local()


def scratch(n: int, dtype=bool, slot: int = 0) -> np.ndarray:
    """A reusable work array of ``n`` elements (one per thread, dtype and slot).

    Fresh multi-megabyte temporaries are mapped and unmapped by malloc on every chunk, and the
    page faults cost as much as the comparisons themselves; reusing one buffer avoids them.
    Never kept beyond the numpy call that fills it and the next one that reads it.
    """
    arrays = getattr(_SCRATCH, "arrays", None)
    if arrays is None:
        arrays = _SCRATCH.arrays = {}
    key = (np.dtype(dtype).str, slot)
    buf = arrays.get(key)
    if buf is None or len(buf) < n:
        buf = arrays[key] = np.empty(max(n, 1 << 16), dtype)
    return buf[:n]


def words_at_every_byte(buf: bytes) -> np.ndarray:
    """The 8-byte little-endian word starting at each position of ``buf`` (a strided view:
    ``words[i]`` holds ``buf[i:i+8]``); the last 7 positions have none."""
    return np.ndarray((len(buf) - 7,), "<u8", buffer=buf, strides=(1,))


def aligned_views(buf: bytes, lo: int, hi: int, dtype: str, width: int):
    """(view, first position) for each byte offset: the aligned words starting in [lo, hi).

    numpy compares aligned arrays several times faster than a byte-strided view, so a
    pattern of ``width`` bytes is searched as ``width`` aligned comparisons, one per offset.
    """
    for off in range(width):
        i0 = max(0, (lo - off + width - 1) // width)
        i1 = (hi - off + width - 1) // width
        if i1 > i0:
            first = width * i0 + off
            yield np.frombuffer(buf, dtype, count=i1 - i0, offset=first), first


# ------------------------------------------------------------------------------ SWAR on 8-byte words
U64 = np.uint64
ONE = U64(1)
ONES = U64(0x0101010101010101)
HIGH = U64(0x8080808080808080)
LOW7 = U64(0x7F7F7F7F7F7F7F7F)
QUOTES = U64(0x2222222222222222)


def word(text: bytes) -> np.uint64:
    """Up to 8 bytes as the little-endian word a scan compares against."""
    return U64(int.from_bytes(text, "little"))


def zero_bytes(x: np.ndarray) -> np.ndarray:
    """0x80 in each byte of ``x`` that is 0, nothing elsewhere (exact)."""
    y = (x & LOW7) + LOW7
    return ~(y | x | LOW7)


def at_least(x: np.ndarray, c: int) -> np.ndarray:
    """0x80 in each byte that is ASCII (< 0x80) and >= c."""
    return ((x | HIGH) - U64(c * 0x0101010101010101)) & HIGH & ~x


def below(x: np.ndarray, c: int) -> np.ndarray:
    """0x80 in each byte that is ASCII and < c."""
    return ~((x | HIGH) - U64(c * 0x0101010101010101)) & HIGH & ~x


def lowest(x: np.ndarray) -> np.ndarray:
    """The lowest set bit of each word."""
    return x & (~x + ONE)


if hasattr(np, "bitwise_count"):  # numpy >= 2.0
    def byte_index(low: np.ndarray) -> np.ndarray:
        """Index (0-7) of the byte holding the single set bit of each word; 8 for a zero word."""
        return (np.bitwise_count(low - ONE) >> 3).astype(np.int64)
else:
    def byte_index(low: np.ndarray) -> np.ndarray:
        """Index (0-7) of the byte holding the single set bit of each word; 8 for a zero word."""
        exp = np.frexp(low.astype(np.float64))[1]  # 2**(8k+7) -> 8k+8 (exact: a power of two)
        return np.where(low == 0, 8, (exp >> 3) - 1)
