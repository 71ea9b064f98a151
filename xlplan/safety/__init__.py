"""Cheap checks on a file's bytes before any parser (python-calamine, openpyxl) sees it.

Why this module exists: python-calamine aborts the whole Python process (SIGABRT, which no
``try`` can catch) on a 5 KB workbook holding one value in cell XFD1048576 -- it allocates the
full 1,048,576 x 16,384 grid -- and on zip bombs. A monthly merge reads a folder of files other
people emailed, so one such file would kill the merge of all the others. Every file therefore
goes through :func:`check_package` first, and only a file with ``ok=True`` is handed to a parser.

What is checked, cheapest first, stopping as soon as the verdict is certain:

1. the file itself: empty, larger than ``max_file_bytes``, or not a zip at all -- an OLE2
   container (an encrypted workbook, or the old binary ``.xls``), or CSV / HTML / text saved
   with an ``.xlsx`` name (sniffed from the first bytes);
2. the zip directory: a damaged or truncated archive, too many members, a declared unpacked
   size or an overall compression ratio beyond the limits (zip bombs), a zip that holds no
   ``xl/workbook.xml``;
3. every member, decompressed in a stream (never more than its declared size plus one byte,
   because the declaration can lie): a member that unpacks to more than it declares is a bomb;
   every XML part is checked for ``<!DOCTYPE`` / ``<!ENTITY`` (entity expansion, external
   entities);
4. every worksheet: the ``<dimension>`` element *and* every cell reference, because a hostile
   file can omit or falsify the dimension. The largest row, the largest column and the area
   (rows x columns from A1, which is what python-calamine allocates) must stay within limits.

Speed (the reason for the slightly unusual code in the worksheet scan): a legitimate
100,000-row sheet is 35-115 MB of XML. Inflating it costs ~2 ns a byte, and each pure-Python
pass over it costs 0.7 (``bytes.count``) to 16 (a regex with alternatives) ns a byte, against
python-calamine's ~15-45 ns a byte for the whole read. So the scan finds every ``<c`` tag with
one aligned numpy comparison per byte offset, reads the 8 bytes after ``<c r="`` as one
integer, and finds the largest row and column of a whole chunk with SWAR bit tricks
(``_scan_buffer``: no Python loop per cell), while a helper thread inflates the next chunk
(zlib releases the GIL). Files written in an unusual form (cells without references, the
reference not the first attribute, tag prefixes such as ``<x:c>``) go to an exact, slower
tokenizer that follows python-calamine's own rules for positions (``_ExactScanner``); tests
check the fast scan against it and it against python-calamine.

Anything unexpected inside the checker becomes an ``unreadable-file`` issue, never an
exception: a check that crashed would defeat its purpose.

This module holds the checks of the file and of the package and reads the members; the
worksheet scan is :mod:`.sheets`, the DTD/entity checks :mod:`.hazards`.
"""
from __future__ import annotations

import codecs
import hashlib
import os
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from ..catalogue import message
from ..config import Limits
from ..issues import ERROR, Issue, at, col_letter
from ..ooxml import ole
from ..ooxml.package import PackageBytes, resolve_target
from ..ooxml.scan import ReadAhead

from .hazards import (HEAD_BYTES, _REL_RE, _SHEET_RE, _MemberProblem, _attrs, _xml_hazard,
                      _xml_like)
from .sheets import _ErrorMarks, _SheetState, _scan_sheet_member


__all__ = ["Limits", "PackageCheck", "check_package", "sha256_file"]

#: The codes the package check can raise, each worded from its catalogue templates (the
#: sheet scan's are declared in :mod:`.sheets`; ``unsafe-xml`` is worded by :func:`_xml_hazard`).
CODES: tuple[str, ...] = ("unreadable-file", "encrypted-file", "too-large", "unsafe-xml",
                          "macros-ignored", "external-link")


@dataclass
class PackageCheck:
    """The verdict on one file. ``ok`` is False as soon as any issue is an error."""

    issues: list[Issue]          # everything found (errors mean: do not parse this file)
    ok: bool                     # True when safe to hand to python-calamine / openpyxl
    macro_enabled: bool          # xl/vbaProject.bin or macroEnabled content type
    external_links: bool
    sheet_dimensions: dict[str, tuple[int, int]] = field(default_factory=dict)
    # zip member path -> (max_row 1-based, max_col 1-based) seen: the larger of the
    # <dimension> element and the cell references actually present (0, 0 for an empty sheet)
    sparse: dict[str, Issue] = field(default_factory=dict)
    # with ``sparse_ok``: zip member -> the too-large verdict withheld because the sheet's area
    # is huge but its cells are few (a stray value far below the table, a dimension declaring
    # the sheet's end). Such a sheet must not go to python-calamine, which would build the
    # whole grid; :mod:`xlplan.tolerant` reads the populated rows only.
    error_sheets: set[str] = field(default_factory=set)
    # zip members holding at least one error cell (t="e": #REF!, #N/A...), which
    # python-calamine reads as blank
    bad_index_sheets: set[str] = field(default_factory=set)
    core_properties: bytes = b""  # docProps/core.xml as read (small), b"" if none
    # zip members with a shared-string cell whose index is not a number (negative, text):
    # python-calamine silently reads such a cell as the first shared string
    package: PackageBytes | None = None
    # every part as the check read it, for a package that unpacks to at most HOLD_MAX: the
    # readers after the check (styles, formula cells) use it instead of opening the file again


def sha256_file(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file, read in 1 MB blocks so a large file costs no memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ----------------------------------------------------------------------------------------------
# Entry point
# ----------------------------------------------------------------------------------------------

OLE_MAGIC = ole.MAGIC
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
RAW_READ = 64 << 10          # compressed bytes inflated at a time (small: see _member_chunks)
OUT_CHUNK = 512 << 10        # decompressed bytes handed to a scanner at a time (cache-sized)
THREAD_MIN = 1 << 20         # members with more compressed bytes than this inflate in a thread
SMALL_XML = 1 << 20          # XML parts up to this size are searched whole for <!ENTITY
META_CAP = 8 << 20           # workbook.xml, its rels and [Content_Types].xml read whole up to this
MAX_ERRORS = 20              # stop collecting after this many errors: the verdict is certain
CACHE_PART_MAX = 256 << 10   # workbook parts up to this size have their sheets remembered
HOLD_MAX = 4 << 20           # a package unpacking to at most this is kept (PackageCheck.package)


class _Stop(Exception):
    """Raised internally once the verdict is certain (the issue is already recorded)."""


#: A sheet whose area is too large is still readable cell by cell when it holds at most this
#: many cells (see ``PackageCheck.sparse``).
SPARSE_MAX_CELLS = 1_000_000


def check_package(path: Path, display_name: str, limits: Limits = Limits(), *,
                  sparse_ok: bool = False) -> PackageCheck:
    """Check one file's bytes; never raises. See the module docstring for what and why.

    ``sparse_ok``: a sheet too large only by its area (few cells, far apart) is recorded in
    ``check.sparse`` instead of failing the check, for a reader that does not build the grid."""
    check = PackageCheck(issues=[], ok=True, macro_enabled=False, external_links=False,
                         sheet_dimensions={})
    ctx = _Context(Path(path), display_name, limits, check, sparse_ok=sparse_ok)
    try:
        ctx.run()
    except _Stop:
        pass
    except Exception as exc:  # noqa: BLE001 -- the checker must never crash the merge
        check.issues.append(at(
            "unreadable-file", message("unreadable-file", "not-checked",
                                       reason=f"{type(exc).__name__}: {exc}"),
            file=display_name))
    check.ok = not any(i.severity == ERROR for i in check.issues)
    return check


@dataclass
class _Context:
    """State of one check: the file, the limits, and the result being filled in."""

    path: Path
    display: str
    limits: Limits
    check: PackageCheck
    size: int = 0
    sparse_ok: bool = False
    sheet_names: dict[str, str] = field(default_factory=dict)  # lower-case member -> sheet name
    #: id(ZipInfo) -> the member's bytes as read, while the package is being kept (else None)
    held: dict[int, bytes] | None = None

    # -- reporting ------------------------------------------------------------------------------
    def add(self, code: str, message: str, *, sheet: str | None = None, value: object = None,
            stop: bool = False) -> None:
        self.check.issues.append(at(code, message, file=self.display, sheet=sheet, value=value))
        errors = sum(1 for i in self.check.issues if i.severity == ERROR)
        if stop or errors >= MAX_ERRORS:
            raise _Stop

    @property
    def suffix(self) -> str:
        return Path(self.display).suffix or ".xlsx"

    # -- the steps ------------------------------------------------------------------------------
    def run(self) -> None:
        try:
            self.size = os.stat(self.path).st_size
            fh = open(self.path, "rb")
        except OSError as exc:
            self.add("unreadable-file", message("unreadable-file", "cannot-open",
                                                reason=exc.strerror or exc), stop=True)
            return
        with fh:
            if self.size == 0:
                self.add("unreadable-file", message("unreadable-file", "empty"), stop=True)
            if self.size > self.limits.max_file_bytes:
                self.add("too-large", message("too-large", "file-size", size=_mb(self.size),
                                              limit=_mb(self.limits.max_file_bytes)),
                         value=self.size, stop=True)
            head = fh.read(8192)
            if head.startswith(OLE_MAGIC):
                self._check_ole(fh)
            elif head.startswith(ZIP_MAGICS):
                self._check_zip(fh)
            else:
                case, fields = _sniff_case(head, self.suffix)
                self.add("unreadable-file", message("unreadable-file", case, **fields), stop=True)

    # -- OLE2: encrypted workbooks and old .xls -------------------------------------------------
    def _check_ole(self, fh) -> None:
        names = _ole_stream_names(fh, self.size)
        lowered = {n.lower() for n in names}
        if lowered & ole.ENCRYPTED_STREAMS:
            self.add("encrypted-file", message("encrypted-file", "password"), stop=True)
        if lowered & ole.LEGACY_WORKBOOK_STREAMS:
            self.add("unreadable-file", message("unreadable-file", "old-xls"), stop=True)
        self.add("unreadable-file", message("unreadable-file", "other-office-file"), stop=True)

    # -- zip packages ---------------------------------------------------------------------------
    def _check_zip(self, fh) -> None:
        lim = self.limits
        entries = _eocd_entry_count(fh, self.size)
        if entries is None:
            self.add("unreadable-file", message("unreadable-file", "zip-end-missing"), stop=True)
        if entries > lim.max_members:
            self.add("too-large", message("too-large", "parts", parts=f"{entries:,}",
                                          limit=f"{lim.max_members:,}"), value=entries, stop=True)
        try:
            zf = zipfile.ZipFile(fh)
            infos = zf.infolist()
        except Exception as exc:  # noqa: BLE001 -- any failure here: a damaged package
            self.add("unreadable-file", message("unreadable-file", "not-a-package", reason=exc),
                     stop=True)
            return
        by_name = {i.filename.lower(): i for i in reversed(infos)}  # first wins, as in calamine
        if "xl/workbook.xml" not in by_name:
            case, fields = _not_workbook_case(by_name, zf, self.suffix)
            self.add("unreadable-file", message("unreadable-file", case, **fields), stop=True)

        declared = sum(i.file_size for i in infos)
        if declared > lim.max_uncompressed_bytes:
            self.add("too-large", message("too-large", "unpacks-to", size=_mb(declared),
                                          limit=_mb(lim.max_uncompressed_bytes)),
                     value=declared, stop=True)
        ratio = declared / max(1, self.size)
        if declared > lim.ratio_floor_bytes and ratio > lim.max_ratio:
            self.add("too-large", message("too-large", "ratio", size=_mb(self.size),
                                          unpacked=_mb(declared), ratio=f"{ratio:,.0f}",
                                          limit=f"{lim.max_ratio:,.0f}"),
                     value=f"{ratio:.0f}:1", stop=True)
        for info in infos:
            if info.flag_bits & 0x1:
                self.add("encrypted-file", message("encrypted-file", "encrypted-zip"), stop=True)
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                self.add("unreadable-file", message("unreadable-file", "odd-compression",
                                                    part=info.filename,
                                                    method=info.compress_type),
                         value=info.filename, stop=True)

        if declared <= HOLD_MAX and len(by_name) == len(infos):
            self.held = {}
        self.check.macro_enabled = any(n.endswith("vbaproject.bin") for n in by_name)
        self.check.external_links = any(n.startswith("xl/externallinks/") for n in by_name)

        # Small parts that say what the others are: read (safely) first.
        meta: dict[str, bytes] = {}
        done: set[int] = set()   # members already checked, by identity: names can repeat
        for name in ("[content_types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
            info = by_name.get(name)
            if info is not None and info.file_size <= META_CAP:
                done.add(id(info))
                data = self._read_small(fh, info)
                if data is not None:
                    meta[name] = data
        if b"macroenabled" in meta.get("[content_types].xml", b"").lower():
            self.check.macro_enabled = True
        sheets = self._sheet_members(by_name, meta)

        for info in infos:
            name = info.filename.lower()
            if id(info) in done:
                continue
            if name in sheets:
                self._scan_sheet(fh, info)
            else:
                self._scan_part(fh, info)
        if self.held is not None:
            self.check.package = _held_package(fh, infos, self.held)

        if self.check.macro_enabled:
            self.add("macros-ignored", message("macros-ignored"))
        if self.check.external_links:
            self.add("external-link", message("external-link"))

    # -- member helpers -------------------------------------------------------------------------
    def _member_issue(self, info: zipfile.ZipInfo, problem: _MemberProblem) -> None:
        self.add(problem.code, problem.message,
                 sheet=self.sheet_names.get(info.filename.lower()),
                 value=problem.value if problem.value is not None else info.filename)

    def _chunks(self, fh, info: zipfile.ZipInfo) -> Iterator[bytes]:
        return _with_head(_member_chunks(fh, info, self.size))

    def _read_small(self, fh, info: zipfile.ZipInfo) -> bytes | None:
        """A small part, whole; None (issue recorded) when it is not safe."""
        try:
            data = b"".join(self._chunks(fh, info))
        except _MemberProblem as problem:
            self._member_issue(info, problem)
            return None
        if _xml_like(info.filename, data):
            problem = _xml_hazard(data, whole=True)
            if problem:
                self._member_issue(info, _MemberProblem("unsafe-xml", problem))
                return None
        if self.held is not None:
            self.held[id(info)] = data
        return data

    def _scan_part(self, fh, info: zipfile.ZipInfo) -> None:
        """Any part that is not a worksheet: size honesty, and DOCTYPE for XML parts."""
        small = info.file_size <= SMALL_XML
        if not small:
            self.held = None  # only small parts are joined here (a package this size is rare)
        try:
            with _Prefetch(self._chunks(fh, info), threaded=info.compress_size > THREAD_MIN) as it:
                kept: list[bytes] = []
                for chunk in it:
                    if small:
                        kept.append(chunk)
                    elif not kept:
                        kept.append(b"")  # marks the head as checked
                        if _xml_like(info.filename, chunk):
                            problem = _xml_hazard(chunk[:HEAD_BYTES], whole=False)
                            if problem:
                                raise _MemberProblem("unsafe-xml", problem)
            if small:
                data = b"".join(kept)
                if self.held is not None:
                    self.held[id(info)] = data
                if info.filename.lower() == "docprops/core.xml":
                    self.check.core_properties = data  # kept: xlplan.reader tells its own
                if _xml_like(info.filename, data):
                    problem = _xml_hazard(data, whole=True)
                    if problem:
                        raise _MemberProblem("unsafe-xml", problem)
        except _MemberProblem as problem:
            self._member_issue(info, problem)

    def _sheet_members(self, by_name: dict, meta: dict) -> set[str]:
        """Lower-case names of every part a reader may treat as a worksheet.

        python-calamine takes sheet paths from the workbook relationships and accepts any path
        under xl/worksheets, xl/chartsheets or xl/dialogsheets (matching names without regard to
        case); openpyxl resolves the relationship targets. Both are covered, plus macrosheets.
        """
        sheets = {n for n in by_name
                  if n.startswith(("xl/worksheets/", "xl/chartsheets/", "xl/dialogsheets/",
                                   "xl/macrosheets/")) and n.endswith(".xml")
                  and "/_rels/" not in n}
        rels = meta.get("xl/_rels/workbook.xml.rels", b"")
        workbook = meta.get("xl/workbook.xml", b"")
        small = len(rels) <= CACHE_PART_MAX and len(workbook) <= CACHE_PART_MAX
        read = _workbook_sheets_cached if small else _workbook_sheets
        sheet_targets, names = read(rels, workbook)
        sheets.update(member for member in sheet_targets if member in by_name)
        for member, name in names:
            self.sheet_names[member] = name
        return sheets

    # -- worksheets -----------------------------------------------------------------------------
    def _scan_sheet(self, fh, info: zipfile.ZipInfo) -> None:
        lim = self.limits
        sheet = self.sheet_names.get(info.filename.lower())
        where = f"sheet '{sheet}'" if sheet else f"sheet part '{info.filename}'"
        errors = _ErrorMarks()
        kept: list[bytes] = []

        def chunks() -> Iterator[bytes]:
            tapped = errors.tap(self._chunks(fh, info))
            return tapped if self.held is None else _kept(tapped, kept)

        try:
            state = _scan_sheet_member(chunks, info.compress_size > THREAD_MIN, lim)
        except _MemberProblem as problem:
            self._member_issue(info, problem)
            return
        if self.held is not None:  # complete only if the scan read to the end: checked later
            self.held[id(info)] = b"".join(kept)
        if errors.found:
            self.check.error_sheets.add(info.filename)
        if errors.bad_index:
            self.check.bad_index_sheets.add(info.filename)
        self.check.sheet_dimensions[info.filename] = (state.rows, state.cols)
        rows, cols = state.cell_rows, state.cell_cols
        sparse = (self.sparse_ok and not state.partial and state.cell_count <= SPARSE_MAX_CELLS)
        if sparse and (rows > lim.max_rows or cols > lim.max_columns
                       or rows * cols > lim.max_cells or state.dim_ref):
            before = len(self.check.issues)
            self._area_verdict(state, sheet, where)
            if len(self.check.issues) > before:
                self.check.sparse[info.filename] = self.check.issues.pop()
            return
        self._area_verdict(state, sheet, where)

    def _area_verdict(self, state: "_SheetState", sheet: str | None, where: str) -> None:
        lim = self.limits
        rows, cols = state.cell_rows, state.cell_cols
        if rows > lim.max_rows:
            self.add("too-large", message("too-large", "row", where=where, row=f"{rows:,}",
                                          ref=state.row_ref, limit=f"{lim.max_rows:,}"),
                     sheet=sheet, value=state.row_ref)
        elif cols > lim.max_columns:
            last = col_letter(lim.max_columns - 1)
            self.add("too-large", message("too-large", "column", where=where,
                                          letter=col_letter(cols - 1), ref=state.col_ref,
                                          column=f"{cols:,}", limit=f"{lim.max_columns:,}",
                                          last=last),
                     sheet=sheet, value=state.col_ref)
        elif rows * cols > lim.max_cells:
            corner = f"{col_letter(cols - 1)}{rows}"
            least = "at least " if state.partial else ""
            self.add("too-large", message("too-large", "area", where=where, least=least,
                                          corner=corner, rows=f"{rows:,}", columns=f"{cols:,}",
                                          cells=f"{rows * cols:,}", limit=f"{lim.max_cells:,}"),
                     sheet=sheet, value=f"A1:{corner}")
        elif state.cell_count > lim.max_cells:
            self.add("too-large", message("too-large", "cells", where=where,
                                          cells=f"{state.cell_count:,}",
                                          limit=f"{lim.max_cells:,}"),
                     sheet=sheet, value=state.cell_count)
        elif state.dim_ref and (state.dim_rows > lim.max_rows or state.dim_cols > lim.max_columns
                                or state.dim_rows * state.dim_cols > lim.max_cells):
            # The cells are fine but the sheet says otherwise; calamine reads the dimension
            # first and may reserve memory by it, so a false one is refused too.
            self.add("too-large", message("too-large", "dimension", where=where,
                                          ref=state.dim_ref, rows=f"{state.dim_rows:,}",
                                          columns=f"{state.dim_cols:,}",
                                          max_rows=f"{lim.max_rows:,}",
                                          max_columns=f"{lim.max_columns:,}",
                                          last=col_letter(lim.max_columns - 1),
                                          max_cells=f"{lim.max_cells:,}"),
                     sheet=sheet, value=state.dim_ref)


def _workbook_sheets(rels: bytes, workbook: bytes
                     ) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """From the bytes of the workbook's rels and workbook part: the lower-case members its
    relationships name as sheets of any type, and (member, sheet name) of each ``<sheet>``
    whose relationship is known, in document order."""
    targets: dict[str, str] = {}
    sheet_targets: list[str] = []
    for m in _REL_RE.finditer(rels):
        attrs = _attrs(m.group(1))
        typ, target, rid = attrs.get("type", ""), attrs.get("target", ""), attrs.get("id", "")
        if not target or attrs.get("targetmode", "").lower() == "external":
            continue
        member = resolve_target("xl/workbook.xml", target).lower()
        targets[rid] = member
        if typ.lower().endswith(("/worksheet", "/chartsheet", "/dialogsheet", "/macrosheet",
                                 "/xlmacrosheet", "/xlintlmacrosheet")):
            sheet_targets.append(member)
    names: list[tuple[str, str]] = []
    for m in _SHEET_RE.finditer(workbook):
        attrs = _attrs(m.group(1))
        rid = attrs.get("r:id") or next((v for k, v in attrs.items() if k.endswith(":id")), "")
        if rid in targets and "name" in attrs:
            names.append((targets[rid], attrs["name"]))
    return tuple(sheet_targets), tuple(names)


#: The same, remembered by the parts' bytes (up to CACHE_PART_MAX each): the files of one
#: programme come from one template, so most share both parts.
_workbook_sheets_cached = lru_cache(maxsize=64)(_workbook_sheets)


# ----------------------------------------------------------------------------------------------
# Reading zip members safely
# ----------------------------------------------------------------------------------------------

def _eocd_entry_count(fh, size: int) -> int | None:
    """Number of entries the zip's end record declares, or None when there is no end record.

    Read before :class:`zipfile.ZipFile` parses the central directory, so that a package of
    millions of tiny entries is refused before Python spends seconds listing them.
    """
    tail = min(size, 65535 + 22)
    fh.seek(size - tail)
    data = fh.read(tail)
    pos = data.rfind(b"PK\x05\x06")
    if pos < 0 or pos + 22 > len(data):
        return None
    entries = struct.unpack("<H", data[pos + 10:pos + 12])[0]
    if entries == 0xFFFF:  # zip64: the real count is in the zip64 end record
        loc = data.rfind(b"PK\x06\x07", 0, pos)
        if loc >= 0 and loc + 20 <= len(data):
            rec_off = struct.unpack("<Q", data[loc + 8:loc + 16])[0]
            if rec_off + 56 <= size:
                fh.seek(rec_off)
                rec = fh.read(56)
                if rec[:4] == b"PK\x06\x06":
                    entries = struct.unpack("<Q", rec[32:40])[0]
    return entries


def _member_chunks(fh, info: zipfile.ZipInfo, disk_size: int) -> Iterator[bytes]:
    """Decompressed chunks of one member, checked as they come.

    Reads the raw data at the local header itself (rather than through ``ZipFile.open``) so
    that it controls how much is inflated: never more than the declared size plus one byte,
    which is enough to prove a lie. Compressed input goes in 64 KB at a time: with a capped
    output, zlib hands back the unused input as a new bytes object on every call, and a large
    input block would be copied over and over. CRCs are not verified here (it would cost ~15%
    more); the parsers verify them and raise an ordinary, catchable error.
    Raises :class:`_MemberProblem`.
    """
    fh.seek(info.header_offset)
    local = fh.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise _MemberProblem("unreadable-file", message("unreadable-file", "part-missing",
                                                        part=info.filename))
    name_len, extra_len = struct.unpack("<HH", local[26:30])
    start = info.header_offset + 30 + name_len + extra_len
    if start + info.compress_size > disk_size:
        raise _MemberProblem("unreadable-file", message("unreadable-file", "part-cut-short",
                                                        part=info.filename))
    declared = info.file_size
    fh.seek(start)
    remaining = info.compress_size
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size > declared:
            raise _too_large_member(info, info.compress_size)
        while remaining:
            raw = fh.read(min(OUT_CHUNK, remaining))
            if not raw:
                raise _truncated(info)
            remaining -= len(raw)
            yield raw
        return
    inflater = zlib.decompressobj(-15)
    produced = 0
    while True:
        if remaining:
            raw = fh.read(min(RAW_READ, remaining))
            if not raw:
                raise _truncated(info)
            remaining -= len(raw)
        else:
            raw = b""
        pending = raw
        while True:
            try:
                out = inflater.decompress(pending, min(OUT_CHUNK, declared - produced + 1))
            except zlib.error as exc:
                raise _MemberProblem("unreadable-file", message(
                    "unreadable-file", "part-cannot-unpack", part=info.filename,
                    reason=exc)) from None
            pending = inflater.unconsumed_tail
            if out:
                produced += len(out)
                if produced > declared:
                    raise _too_large_member(info, produced)
                yield out
            if inflater.eof:
                return
            # Needs more input -- unless all input is in, when zlib may still hold output
            # (a capped call can leave some behind): drain it with empty calls.
            if not pending and (remaining or not out):
                break
        if not remaining:
            raise _truncated(info)  # all the input is used and the stream has not ended


def _with_head(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The same bytes, but the first chunk holds at least HEAD_BYTES (or the whole member).

    The DOCTYPE check and the dimension look at the first chunk only; a deflate stream can be
    made to hand out its first bytes in tiny pieces, so they are gathered first.
    """
    head = b""
    for chunk in chunks:
        if head is None:
            yield chunk
            continue
        head += chunk
        if len(head) >= HEAD_BYTES:
            yield head
            head = None
    if head:
        yield head


def _truncated(info: zipfile.ZipInfo) -> _MemberProblem:
    return _MemberProblem("unreadable-file", message("unreadable-file", "part-ends-early",
                                                     part=info.filename))


def _too_large_member(info: zipfile.ZipInfo, produced: int) -> _MemberProblem:
    return _MemberProblem("too-large", message("too-large", "part-unpacks-more",
                                               part=info.filename, declared=f"{info.file_size:,}",
                                               produced=f"{produced:,}"),
                          value=info.filename)


_Prefetch = ReadAhead  # the package layer's inflate-ahead helper


def _kept(chunks: Iterator[bytes], into: list[bytes]) -> Iterator[bytes]:
    """The same chunks, also gathered in ``into`` (emptied first: a member may be read twice)."""
    into.clear()
    for chunk in chunks:
        into.append(chunk)
        yield chunk


def _held_package(fh, infos: list[zipfile.ZipInfo], held: dict[int, bytes]
                  ) -> PackageBytes | None:
    """The package in memory, or None unless every member was read whole and
    :class:`zipfile.ZipFile` would read the same bytes from the file: the size and CRC it
    declares, and a local header naming it as the directory does (zipfile's own checks; a
    member that fails them is left to fail there, as before)."""
    parts: dict[str, bytes] = {}
    for info in infos:
        data = held.get(id(info))
        if (data is None or len(data) != info.file_size or zlib.crc32(data) != info.CRC
                or info.flag_bits & 0x60):  # 0x20 patched data, 0x40 strong encryption
            return None
        fh.seek(info.header_offset)
        local = fh.read(30)
        if len(local) < 30 or local[:4] != b"PK\x03\x04":
            return None
        flags, name_len = struct.unpack("<H", local[6:8])[0], struct.unpack("<H", local[26:28])[0]
        try:
            name = fh.read(name_len).decode("utf-8" if flags & 0x800 else "cp437")
        except UnicodeDecodeError:
            return None
        if name != info.orig_filename:
            return None
        parts[info.filename] = data
    return PackageBytes(infos, parts)


# ----------------------------------------------------------------------------------------------
# OLE2 containers (encrypted workbooks, .xls)
# ----------------------------------------------------------------------------------------------

def _ole_stream_names(fh, size: int) -> list[str]:
    """Names of the entries in an OLE2 compound file's directory (:mod:`xlplan.ooxml.ole`)."""
    return ole.stream_names(fh)


# ----------------------------------------------------------------------------------------------
# Files that are not zips: say what they are
# ----------------------------------------------------------------------------------------------

#: a catalogue case of a code and the fields its template is filled with
_Wording = tuple[str, dict[str, object]]


def _sniff_case(head: bytes, suffix: str) -> _Wording:
    """Which ``unreadable-file`` case explains what a non-zip file is, from its first bytes."""
    kind = _sniff_kind(head)
    if kind == "Excel 2003 XML":
        return "excel-2003-xml", {"suffix": suffix}
    if kind in ("CSV", "HTML", "text"):
        article = "an" if kind == "HTML" else "a"
        return "text-file", {"article": article, "kind": kind, "suffix": suffix}
    if kind:
        return "other-kind", {"kind": kind, "suffix": suffix}
    return "unrecognised", {"suffix": suffix}


_MAGIC_KINDS = [
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a picture (PNG)"),
    (b"\xff\xd8\xff", "a picture (JPEG)"),
    (b"GIF8", "a picture (GIF)"),
    (b"{\\rtf", "a Rich Text (RTF) document"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
]


def _sniff_kind(head: bytes) -> str | None:
    for magic, kind in _MAGIC_KINDS:
        if head.startswith(magic):
            return kind
    text = _as_text(head)
    if text is None:
        return None
    lowered = text.lstrip("\ufeff \t\r\n").lower()
    if lowered.startswith("<"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in lowered or "<workbook" in lowered:
            return "Excel 2003 XML"
        if any(tag in lowered for tag in ("<html", "<!doctype html", "<table", "<body", "<head")):
            return "HTML"
        return "text"
    lines = [ln for ln in lowered.splitlines() if ln.strip()][:20]
    for sep in (",", ";", "\t", "|"):
        if lines and sum(1 for ln in lines if sep in ln) >= max(1, len(lines) * 0.6):
            return "CSV"
    return "text"


def _as_text(head: bytes) -> str | None:
    """The head decoded as text, or None when it looks binary."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    elif len(head) >= 4 and head[1] == 0 and head[3] == 0:
        candidates = ["utf-16-le"]
    elif len(head) >= 4 and head[0] == 0 and head[2] == 0:
        candidates = ["utf-16-be"]
    else:
        candidates = ["utf-8-sig", "cp1252"]
    for enc in candidates:
        sample = head[: len(head) - (len(head) % 2)] if enc.startswith("utf-16") else head
        try:
            text = sample.decode(enc, "strict" if enc != "utf-8-sig" else "ignore")
        except UnicodeDecodeError:
            continue
        if not text:
            return None
        printable = sum(1 for ch in text if ch.isprintable() or ch in "\t\r\n")
        if printable / len(text) >= 0.95:
            return text
    return None


def _not_workbook_case(by_name: dict, zf: zipfile.ZipFile, suffix: str) -> _Wording:
    """Which ``unreadable-file`` case says why a zip is not a workbook, naming what it is
    where that is recognisable."""
    if "xl/workbook.bin" in by_name:
        return "xlsb", {}
    mimetype = b""
    info = by_name.get("mimetype")
    if info is not None and info.file_size < 200:
        try:
            mimetype = zf.read(info.filename)
        except Exception:  # noqa: BLE001 -- only used for a friendlier message
            mimetype = b""
    if b"opendocument.spreadsheet" in mimetype:
        return "ods", {}
    if "word/document.xml" in by_name:
        kind = "a Word document"
    elif "ppt/presentation.xml" in by_name:
        kind = "a PowerPoint presentation"
    else:
        kind = "a zip archive"
    return "other-kind", {"kind": kind, "suffix": suffix}


def _mb(n: int) -> str:
    if n >= 2**30:
        return f"{n / 2**30:,.1f} GB"
    if n >= 2**20:
        return f"{n / 2**20:,.1f} MB"
    return f"{n / 2**10:,.1f} KB"
