"""The worksheet scan of the package check: the largest cell reference (and the
``<dimension>``) of every sheet, error cells and odd shared-string indexes, without a Python
loop per cell; a fast scan of the usual form and an exact tokenizer that follows
python-calamine's rules for everything else (tests hold the two to one answer)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from ..catalogue import message
from ..config import Limits
from ..issues import col_letter
from ..ooxml.scan import (HIGH, ONES, QUOTES, U64, ReadAhead, aligned_views, scratch,
                          words_at_every_byte)

from .hazards import HEAD_BYTES, _MemberProblem, _xml_hazard

#: The codes the worksheet scan can raise (a tag too long to be honest, unsafe XML).
CODES: tuple[str, ...] = ("too-large", "unsafe-xml")


# ----------------------------------------------------------------------------------------------
# Worksheet scan
# ----------------------------------------------------------------------------------------------

@dataclass
class _SheetState:
    """What the scan of one worksheet found (1-based rows and columns, 0 when none)."""

    cell_rows: int = 0
    cell_cols: int = 0
    row_ref: str = ""            # a reference that has the largest row
    col_ref: str = ""            # a reference that has the largest column
    cell_count: int = 0
    dim_ref: str = ""            # the <dimension ref> as written, if any
    dim_rows: int = 0
    dim_cols: int = 0
    partial: bool = False        # the exact scan stopped early: the sheet reaches at least this

    @property
    def rows(self) -> int:
        return max(self.cell_rows, self.dim_rows)

    @property
    def cols(self) -> int:
        return max(self.cell_cols, self.dim_cols)

    def see(self, row: int, col: int, ref: str) -> None:
        if row > self.cell_rows:
            self.cell_rows, self.row_ref = row, ref
        if col > self.cell_cols:
            self.cell_cols, self.col_ref = col, ref


class _ErrorMarks:
    """Watches a sheet's chunks go by for two kinds of cell python-calamine misreads without a
    word: error cells (``t="e"``: #REF!, #N/A..., read as blank) and shared-string cells whose
    index does not start with a digit (read as the first string). One regex pass per chunk
    (about 1 ns a byte; python-calamine takes 15-45); the cells themselves are read later, only
    if found. Shared-string cells are looked for in the form Excel, openpyxl and xlsxwriter
    write (``t="s"><v>``)."""

    BOTH = re.compile(rb"""t=(?:"e"|'e'|"s"><v>[^0-9])""")
    ERROR = re.compile(rb"""t=(?:"e"|'e')""")
    BAD_INDEX = re.compile(rb't="s"><v>[^0-9]')

    def __init__(self):
        self.found = False      # an error cell
        self.bad_index = False  # a shared-string index that is not a number

    def _see(self, data: bytes) -> None:
        pos = 0
        while not (self.found and self.bad_index):
            pattern = (self.BOTH if not (self.found or self.bad_index) else
                       self.BAD_INDEX if self.found else self.ERROR)
            m = pattern.search(data, pos)
            if m is None:
                return
            if m.group().startswith(b't="s"'):
                self.bad_index = True
            else:
                self.found = True
            pos = m.end()

    def tap(self, chunks: Iterator[bytes]) -> Iterator[bytes]:
        tail = b""
        for chunk in chunks:
            if not (self.found and self.bad_index):
                self._see(tail + chunk[:16])
                self._see(chunk)
                tail = chunk[-16:]
            yield chunk


class _NotCanonical(Exception):
    """The fast scan met a form it does not handle; rescan the member exactly."""


def _scan_sheet_member(open_chunks, threaded: bool, limits: Limits) -> _SheetState:
    """Scan a worksheet part: fast path first, exact tokenizer if the XML is unusual."""
    state = _SheetState()
    try:
        with ReadAhead(open_chunks(), threaded) as chunks:
            _scan_chunks_fast(chunks, state, limits)
        return state
    except _NotCanonical:
        pass
    state = _SheetState()
    with ReadAhead(open_chunks(), threaded) as chunks:
        _ExactScanner(state, limits).run(chunks)
    return state


_DIM_RE = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?dimension\b([^>]*)>")
_REF_ATTR_RE = re.compile(rb"""\sref\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CELL_REF_RE = re.compile(rb"([A-Za-z]*)([0-9]*)")


class _DimensionFinder:
    """Reads every ``<dimension ref="A1:N60001">`` before ``<sheetData>``, across chunks.

    python-calamine reads the dimension before the cells (and may reserve memory by it), so a
    false one is as dangerous as a far cell; it is normally in the first few hundred bytes,
    but nothing stops a hostile file from padding what comes before it.
    """

    def __init__(self, state: _SheetState):
        self.state, self.done, self.carry = state, False, b""

    def feed(self, chunk: bytes) -> None:
        if self.done:
            return
        data = self.carry + chunk
        stop = data.find(b"sheetData")
        region = data if stop < 0 else data[:stop]
        for m in _DIM_RE.finditer(region):
            self._record(m.group(1))
        if stop >= 0:
            self.done = True
            return
        cut = data.rfind(b"<")
        self.carry = data[cut:] if cut >= 0 and data.find(b">", cut) < 0 else b""
        if len(self.carry) > _ExactScanner.MAX_CARRY:
            raise _MemberProblem("too-large", message("too-large", "long-tag"))

    def _record(self, attrs: bytes) -> None:
        a = _REF_ATTR_RE.search(b" " + attrs)
        if not a:
            return
        ref = (a.group(1) if a.group(1) is not None else a.group(2)).strip()
        parts = [_parse_ref(p) for p in ref.split(b":")]
        if not parts or len(parts) > 2 or any(p is None for p in parts):
            return  # calamine refuses such a dimension with a (catchable) error
        rows, cols = max(p[0] for p in parts), max(p[1] for p in parts)
        st = self.state
        if rows * cols >= st.dim_rows * st.dim_cols or rows > st.dim_rows or cols > st.dim_cols:
            st.dim_ref = ref.decode("ascii", "replace")[:40]
        st.dim_rows, st.dim_cols = max(rows, st.dim_rows), max(cols, st.dim_cols)


# Constants for the SWAR scan of 8-byte words (little-endian: byte 0 is the first character).
_U = U64
_U16_SIX = np.uint16(0x0006)
_K_ANY_C = np.uint16(int.from_bytes(b">c", "little"))
_K_CELL = _U(int.from_bytes(b'<c r="', "little"))
_Q, _ONES, _HIGH = QUOTES, ONES, HIGH
_BIT6 = _U(0x4040404040404040)
_BIT5 = _U(0x2020202020202020)
_UPPER = _U(0xDFDFDFDFDFDFDFDF)
_HIGH_NIBBLES = _U(0xF0F0F0F0F0F0F0F0)
_LOW_NIBBLES = _U(0x0F0F0F0F0F0F0F0F)
_THREES = _U(0x3030303030303030)
_SIXES = _U(0x0606060606060606)
_FIVES = _U(0x0505050505050505)
_LOW5 = _U(0x1F1F1F1F1F1F1F1F)
_BIT4 = _U(0x1010101010101010)
_DELIM_TABLE = np.zeros(256, dtype=bool)                     # bytes that may end a tag name
_DELIM_TABLE[[0x20, 0x09, 0x0A, 0x0D, 0x3E, 0x2F]] = True
_PAD = 48        # bytes of overlap kept between chunks (a reference never straddles unseen)
_LONG_REF = 64   # a reference longer than this is hostile: leave it to the exact scanner


_scratch = scratch


def _tag_hits(buf: bytes, lo: int, hi: int) -> np.ndarray:
    """Positions in [lo, hi) of ``<c`` and ``:c`` (plus harmless extras ``>c`` and ``8c``).

    One comparison finds all four: OR-ing 0x06 into the first byte maps ``<`` (3C), ``:``
    (3A), ``8`` (38) and ``>`` (3E), and nothing else, to 3E. The caller sorts them out.
    """
    out = []
    for view, first in _aligned_views(buf, lo, hi, "<u2", 2):
        merged = np.bitwise_or(view, _U16_SIX, out=_scratch(len(view), np.uint16))
        mask = np.equal(merged, _K_ANY_C, out=_scratch(len(view)))
        out.append(np.flatnonzero(mask) * 2 + first)
    return np.concatenate(out) if out else np.empty(0, np.intp)


_aligned_views = aligned_views


def _checked(chunks: Iterator[bytes], state: _SheetState) -> Iterator[bytes]:
    """The sheet's chunks, as both scans take them: the head refused if it declares entities
    or a DOCTYPE, and every chunk shown to the ``<dimension>`` finder on the way."""
    dimension = _DimensionFinder(state)
    first = True
    for chunk in chunks:
        if first:
            first = False
            problem = _xml_hazard(chunk[:HEAD_BYTES], whole=False)
            if problem:
                raise _MemberProblem("unsafe-xml", problem)
        dimension.feed(chunk)
        yield chunk


def _scan_chunks_fast(chunks: Iterator[bytes], state: _SheetState, limits: Limits) -> None:
    """The usual form: every cell written ``<c r="B7" ...>`` (Excel, xlsxwriter, openpyxl...).

    In that form cell references alone fix every position python-calamine will use (the
    ``<row r>`` attribute only matters for cells without a reference), so the scan looks at
    cells only. Each chunk is processed over the positions [24, len-24) of ``carry + chunk``,
    so that every position is looked at exactly once and has 24 bytes of context on either
    side. Raises :class:`_NotCanonical` for anything else.
    """
    half = _PAD // 2
    carry = b" " * _PAD
    for chunk in _checked(chunks, state):
        buf = carry + chunk
        _scan_buffer(buf, half, len(buf) - half, state, limits)
        carry = buf[-_PAD:]
    _scan_buffer(carry + b"\0" * _PAD, half, _PAD + half, state, limits)


def _scan_buffer(buf: bytes, lo: int, hi: int, state: _SheetState, limits: Limits) -> None:
    """Cells whose ``<c`` starts in [lo, hi): check the form, then find the largest references.

    Finding the tags is one aligned comparison per byte offset; everything after works on one
    8-byte word per tag (a few numpy operations per chunk, no Python loop per cell).
    """
    if buf.find(b"c", lo + 1, hi + 1) < 0:
        return  # no tag can start here (every one found has a "c" next): mostly a sheet's end
    a = np.frombuffer(buf, np.uint8)
    words = words_at_every_byte(buf)
    hits = _tag_hits(buf, lo, hi)
    first_byte = a[hits]
    starts = hits[first_byte == 0x3C]                              # every "<c..." tag
    colons = hits[first_byte == 0x3A]                              # every ":c"
    head = words[starts]
    is_cell = _DELIM_TABLE[(head >> _U(16)) & _U(0xFF)]            # "<c" + space, ">" or "/"
    canonical = (head & _U(0xFFFFFFFFFFFF)) == _K_CELL              # exactly '<c r="'
    count = int(np.count_nonzero(canonical))
    if int(np.count_nonzero(is_cell)) != count:
        raise _NotCanonical  # a cell without a reference, or with r elsewhere: exact scan
    if len(colons):
        # ":c" in text ("Status:complete") or prefixed tags (<x:c>): any prefixed cell start
        # tag sends the sheet to the exact scanner, which understands prefixes.
        found = colons[_DELIM_TABLE[a[colons + 2]]]
        if len(found) > 2000 or _prefixed_cell_starts(buf, found.tolist()):
            raise _NotCanonical
    if not count:
        return
    state.cell_count += count
    if state.cell_count > limits.max_cells:
        return  # reported by the caller; no need to look further at values
    cells = starts[canonical] + 6                                  # first byte of each reference

    # The 8 bytes of each reference, as one little-endian word: e.g. b'N60001" s'.
    # In-place operations throughout: fewer temporaries, fewer page faults (see _scratch).
    ref = words[cells]
    t = ref ^ _Q                                          # bytes equal to '"' become 0
    inside = t - _ONES
    np.bitwise_and(inside, ~t, out=inside)
    np.bitwise_and(inside, _HIGH, out=inside)             # high bit of the first '"' (+junk above)
    np.bitwise_and(inside, _U(0) - inside, out=inside)    # keep the lowest: the first quote
    long_ref = inside == 0                                # no quote in 8 bytes: 8+ characters
    np.right_shift(inside, _U(7), out=inside)
    np.subtract(inside, _U(1), out=inside)                # 0xFF on each byte before the quote
    np.bitwise_and(ref, inside, out=ref)
    letters = np.bitwise_and(ref, _BIT6, out=t)
    np.right_shift(letters, _U(6), out=letters)
    np.multiply(letters, _U(0xFF), out=letters)           # 0xFF on letter bytes (bit 6 set)
    digits = np.bitwise_xor(inside, letters, out=inside)  # the other bytes before the quote
    n_digits = np.bitwise_count(digits)                   # 8 x the number of digits
    n_letters = np.bitwise_count(letters)                 # 8 x the number of letters
    # Left out of the keys and read one by one (rare in real files): references of eight
    # characters or more; "A007" (more digits than "A99" but a smaller row); and those whose
    # "digits" are not all 0-9, such as "$A$1234", which would otherwise outrank the real
    # largest row (calamine refuses them, openpyxl does not).
    odd = ((ref >> n_letters) & _U(0xFF)) == _U(0x30)
    np.logical_or(odd, long_ref, out=odd)
    d = ref & digits
    bad = (d & _HIGH_NIBBLES) ^ (digits & _THREES)        # digits: high nibble 3 ...
    bad |= ((d & _LOW_NIBBLES) + _SIXES) & _BIT4 & digits  # ... and low nibble 0-9
    bad |= letters & (letters + _U(1))                    # letters: all before the digits ...
    low5 = (ref & letters & _LOW5) | ~letters             # ... and A-Z: low 5 bits 1-26
    bad |= (low5 + _FIVES) & _BIT5 & letters              # 27-31: [ \ ] ^ _ { | } ~
    bad |= (low5 - _ONES) & ~low5 & _HIGH                 # 0: @ and `
    np.logical_or(odd, bad != 0, out=odd)
    np.logical_or(odd, n_letters == 0, out=odd)           # no column at all
    # Largest row: more digits wins, then the digits compared as a right-aligned number.
    row_key = np.bitwise_and(ref, digits, out=digits).byteswap()
    np.right_shift(row_key, _U(64) - n_digits - n_letters, out=row_key)
    np.bitwise_or(row_key, n_digits << _U(53), out=row_key)
    # Largest column: more letters wins, then the letters (upper-cased) compared left-aligned.
    col_key = np.bitwise_and(ref, letters, out=letters)
    np.bitwise_and(col_key, _UPPER, out=col_key)
    col_key = col_key.byteswap()
    np.right_shift(col_key, _U(8), out=col_key)
    np.bitwise_or(col_key, n_letters << _U(55), out=col_key)
    row_key[odd] = 0
    col_key[odd] = 0
    for idx in {int(row_key.argmax()), int(col_key.argmax())}:
        _see_ref_at(buf, int(cells[idx]), state)
    if odd.any():
        odd_pos = cells[odd]
        if len(odd_pos) > 50_000:
            raise _NotCanonical
        for p in odd_pos.tolist():
            _see_ref_at(buf, p, state)


_NAME_CHARS = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")


def _prefixed_cell_starts(buf: bytes, colons: list[int]) -> int:
    """How many of these ":c" are the start tag of a prefixed cell (``<x:c ...``)."""
    starts = 0
    for p in colons:
        q = p - 1
        while q >= 0 and p - q < 64 and buf[q] in _NAME_CHARS:
            q -= 1
        if q >= 0 and q < p - 1 and buf[q] == 0x3C:  # '<' then a prefix: a start tag
            starts += 1
    return starts


def _see_ref_at(buf: bytes, start: int, state: _SheetState) -> None:
    end = buf.find(b'"', start, start + _LONG_REF)
    if end < 0:
        raise _NotCanonical  # absurdly long (leading zeros?) or cut by the chunk: scan exactly
    ref = buf[start:end]
    parsed = _parse_ref(ref)
    if parsed:
        state.see(parsed[0], parsed[1], ref.decode("ascii"))


class _ExactScanner:
    """Tag-by-tag scan that reproduces python-calamine's positions for any sheet XML.

    calamine matches element local names whatever their prefix; a ``<row r>`` sets the row
    index, ``</row>`` advances it and resets the column; a ``<c>`` with an ``r`` attribute takes
    its position from it, one without takes (row index, column index); each cell advances the
    column. Slower (Python per tag), so it only runs on files the fast scan hands over, and
    it stops as soon as a limit is exceeded.
    """

    #: groups: "/" of a </row>; "row" of a <row ...> and its attributes; a <c ...>'s attributes.
    #: Cell end tags are not matched at all: they change nothing calamine counts.
    TAG = re.compile(rb"<(?:(/)(?:[A-Za-z_][\w.\-]*:)?row\s*>"
                     rb"|(?:[A-Za-z_][\w.\-]*:)?(?:(row)|c)(?=[\s/>])([^>]*)>)")
    R_ATTR = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
    MAX_CARRY = 1 << 20

    def __init__(self, state: _SheetState, limits: Limits):
        self.state, self.limits = state, limits
        self.row_index = 0   # 0-based, as calamine keeps it
        self.col_index = 0

    def run(self, chunks: Iterator[bytes]) -> None:
        carry = b""
        for chunk in _checked(chunks, self.state):
            data = carry + chunk
            cut = data.rfind(b"<")
            if cut >= 0 and data.find(b">", cut) < 0:
                carry, data = data[cut:], data[:cut]
                if len(carry) > self.MAX_CARRY:
                    raise _MemberProblem("too-large", message("too-large", "long-tag"))
            else:
                carry = b""
            if self._tokens(data):
                return
        if carry:
            self._tokens(carry)

    def _tokens(self, data: bytes) -> bool:
        """Process the tags in ``data``; True once a limit is exceeded (no need to go on).

        Written for speed (it may see a million cells): locals instead of attributes, one
        ``findall``, and the usual ``r`` attribute read without a regex.
        """
        st, lim = self.state, self.limits
        max_rows, max_cols, max_cells = lim.max_rows, lim.max_columns, lim.max_cells
        row_index, col_index = self.row_index, self.col_index
        rows, cols, count = st.cell_rows, st.cell_cols, st.cell_count
        stopped = False
        for closing, is_row, attrs in self.TAG.findall(data):
            if closing:
                row_index += 1
                col_index = 0
                continue
            if is_row:
                r = _r_attr(attrs)
                if r is not None:
                    m = _CELL_REF_RE.fullmatch(r)
                    if m and m.group(2) and int(m.group(2)) >= 1:
                        row_index = int(m.group(2)) - 1
                if attrs.endswith(b"/"):
                    row_index += 1
                    col_index = 0
                continue
            r = _r_attr(attrs)
            if r is not None:
                parsed = _parse_ref(r)
                if parsed is None:
                    count += 1  # calamine refuses the sheet with a catchable error
                    continue
                row, col = parsed
                col_index = col - 1
            else:
                row, col = row_index + 1, col_index + 1
            col_index += 1
            count += 1
            if row > rows or col > cols:
                ref = (r.decode("ascii", "replace")[:40] if r is not None
                       else f"{col_letter(col - 1)}{row}" if col <= 1 << 20 else f"column {col}")
                if row > rows:
                    rows, st.row_ref = row, ref
                if col > cols:
                    cols, st.col_ref = col, ref
                if rows > max_rows or cols > max_cols or rows * cols > max_cells:
                    stopped = True
                    break
            if count > max_cells:
                stopped = True
                break
        self.row_index, self.col_index = row_index, col_index
        st.cell_rows, st.cell_cols, st.cell_count = rows, cols, count
        st.partial = st.partial or stopped
        return stopped


def _r_attr(attrs: bytes) -> bytes | None:
    """The value of the ``r`` attribute in a tag's attribute text, or None."""
    if attrs.startswith(b' r="'):
        end = attrs.find(b'"', 4)
        if end > 0:
            return attrs[4:end]
    m = _ExactScanner.R_ATTR.search(attrs)
    if not m:
        return None
    return m.group(1) if m.group(1) is not None else m.group(2)


_COLUMNS: dict[bytes, int] = {}


def _parse_ref(ref: bytes) -> tuple[int, int] | None:
    """(row, col), 1-based, as python-calamine reads a cell reference; None if it would refuse.

    calamine accepts letters (either case) followed by digits, nothing else; leading zeros are
    harmless. Python integers do not overflow, so a huge reference is seen as huge.
    """
    m = _CELL_REF_RE.fullmatch(ref)
    if not m or not m.group(1) or not m.group(2):
        return None
    row = int(m.group(2))
    if row < 1:
        return None
    letters = m.group(1)
    col = _COLUMNS.get(letters)
    if col is None:
        col = 0
        for ch in letters.upper():
            col = col * 26 + ch - 64
        if len(_COLUMNS) < 4096:
            _COLUMNS[letters] = col
    return row, col


