"""Cell fill colours and formula cells, read straight from an xlsx package.

python-calamine reads the values but exposes no styles and does not say which cells held a
formula. Some SROs give a RAG status only as a cell's fill colour, so the reader needs the fill of
a few cells (usually one column) and the set of formula cells. Loading the workbook with openpyxl
for that costs about 19 ms per file and 4-5x a calamine read (see FIELD-NOTES.md, "Fill colours");
this module reads just what is needed from the zip:

* :func:`sheet_members` maps sheet names to their zip members (``xl/workbook.xml`` plus its rels).
* :func:`read_sheet_styles` streams one sheet's XML (memory stays flat for 100k-row sheets) and
  returns the resolved solid-fill colours of the requested cells and the set of cells that hold a
  formula. Two scans give the same answer: a fast one over the bytes with numpy (:func:`_fast_scan`,
  ~0.25 s for a 100,000-row sheet) for the plain XML every writer produces, and the reference one
  with ``lxml.etree.iterparse`` (:func:`_scan`, ~1.2 s) for everything else. The fast scan declines
  (and the lxml one runs) whenever its reading could differ; "Sheet scan, fast path" below lists
  what it accepts, and the one kind of malformed XML it does not notice.

Keys are ``(row, col)`` with the row 1-based (as in Excel) and the column 0-based.

Colour resolution (``s=`` -> ``cellXfs[s]`` -> ``fillId`` -> ``fills[fillId]``):

* ``patternFill``: ``patternType="none"`` (or absent, which ECMA-376 defaults to none) is no fill.
  For ``solid`` and for every other pattern type the ``fgColor`` is taken (a pattern with no
  colour is no fill). ``gradientFill``: the colour of the first ``stop``.
* ``rgb="AARRGGBB"``: the alpha byte is ignored (Excel ignores it; openpyxl writes ``00`` there).
* ``indexed``: the legacy 64-colour palette (:data:`INDEXED_COLORS`), overridden entry by entry by
  a ``<colors><indexedColors>`` in styles.xml; 64 (system foreground) is black, 65 (system
  background) white. ``auto="1"`` colours are treated as no colour.
* ``theme`` (+ ``tint``): the workbook theme's ``clrScheme``. SpreadsheetML indexes it as
  lt1, dk1, lt2, dk2, accent1-6, hlink, folHlink (:data:`THEME_ORDER`): Excel swaps the first two
  pairs against the order of the theme XML (dk1, lt1, dk2, lt2). Sources: SheetJS issue #389
  ("Excel fgcolor theme swapped": picking lt1 in Excel writes ``<fgColor theme="0"/>``) and the
  StackOverflow question 2760976 ("Theme confusion in SpreadsheetML") it cites; Excel's own
  default font colour ``<color theme="1"/>`` is the black text colour, dk1. (Office VBA's
  ``ThemeColorIndex``/``MsoThemeColorSchemeIndex`` enumerations number the slots differently and
  do not apply to the file format.) ``sysClr`` uses ``lastClr``.
* ``tint`` is applied as ECMA-376 Part 1 §18.3.1.15 (``color``/``tint``) describes: in HLS,
  ``L' = L * (1 + tint)`` for tint < 0 and ``L' = L * (1 - tint) + (HLSMAX - HLSMAX * (1 - tint))``
  for tint > 0. The spec text says HLSMAX is 255, but Excel's actual output is reproduced by
  the classic Windows integer HLS conversion (HLSMAX = 240, Microsoft KB 29240 "RGB to HLS"
  routines) with the tinted luminance truncated, after snapping Excel's signed-short encodings of
  whole percentages (``0.79998168889431442`` = 26213/32767) to the percentage. That is the fix
  measured against native Excel exports in MathNya/umya-spreadsheet PR #360 (and
  developer0hye/office2pdf #1394; the snapping is that PR's heuristic). With it
  :func:`apply_tint` matches all 50 colour-picker values of the Office 2013-2022 theme listed in
  tests/test_styles.py (some cited, the rest noted by hand from Excel) and the cited measurements
  for the Office 2007 theme; a floating-point HLSMAX=255 version is off by 1-2 per channel for
  most of them. Treat the last hex digit as approximate for colours Excel never offers.

Row and column styles: a ``<row s=".." customFormat="1">`` style applies to the cells of that row
that have no ``s`` of their own, and to requested cells of that row that are absent from the XML.
Column styles (``<cols><col min max style>``) of cells absent from the XML are ignored: a cell
Excel has written inherits nothing from ``<col>`` (Excel writes the ``s`` on the cell), and an
absent cell with only a column fill is not reported.

Robustness: a missing or malformed ``styles.xml`` gives no fills; a missing or malformed theme
leaves theme colours unresolved (rgb and indexed fills still resolve); a malformed sheet XML stops
the scan where it breaks. None of these raise: each adds a sentence to
:attr:`SheetStyles.problems`. XML is parsed with entity resolution, DTD loading, network access and
``huge_tree`` off. The callers are still expected to run the hostile-file checks
(FIELD-NOTES.md, "Hostile files": declared sizes, compression ratio) before calling this; a
part larger than :data:`MAX_STYLE_PART_BYTES` is skipped for styles/theme.

An unknown sheet name raises :class:`KeyError`; a path that is not a zip raises
:class:`zipfile.BadZipFile` (the reader has reported such files before asking for styles).
"""
from __future__ import annotations

import codecs
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from operator import methodcaller
from pathlib import Path
from typing import IO

import numpy as np
from lxml import etree

from .ooxml import xml as ox
from .ooxml.styles import INDEXED_COLORS, THEME_ORDER, StylesTable, apply_tint, read_theme
from .ooxml.scan import (HIGH, ONE, QUOTES, U64, ReadAhead, at_least, below, byte_index, lowest,
                         scratch, stream_chunks, word, words_at_every_byte, zero_bytes)
from .ooxml.package import (MAIN_NAMESPACES, Members, PackageBytes, Relationship,
                            related_part, relationships, rels_part, workbook_part,
                            workbook_sheets)

__all__ = [
    "SheetStyles",
    "sheet_members",
    "sheet_and_styles_members",
    "read_sheet_styles",
    "workbook_formula_cells",
    "apply_tint",
    "INDEXED_COLORS",
    "THEME_ORDER",
]

_MAIN_NAMESPACES = MAIN_NAMESPACES

#: Styles or theme parts bigger than this (uncompressed) are not parsed: no legitimate
#: styles.xml comes near it, and parsing it whole would cost that much memory.
MAX_STYLE_PART_BYTES = 64 * 1024 * 1024

@dataclass
class SheetStyles:
    """What :func:`read_sheet_styles` found in one sheet."""

    #: (row 1-based, col 0-based) -> 'RRGGBB' (uppercase) resolved fill colour.
    fills: dict[tuple[int, int], str] = field(default_factory=dict)
    #: Cells holding a formula (``<f>`` child: normal, shared -- including the cells that carry
    #: only ``si`` -- array and data-table formulas).
    formulas: set[tuple[int, int]] = field(default_factory=set)
    #: Sentences about parts that could not be used (missing/malformed styles, theme, sheet XML).
    problems: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Package navigation (the package layer's, with this module's lenient reading: a part that is
# missing, too large or malformed reads as absent)

_local = ox.local
_Members = Members


def _read_xml(members: Members, name: str | None, *, limit: int | None = None):
    """Parse a package part safely; None if absent, too big or malformed."""
    return _parse_part(_part_bytes(members, name, limit))


def _relationships(members: Members, part: str) -> list[Relationship]:
    """The internal relationships (with a target) of a part."""
    data = _part_bytes(members, rels_part(part), MAX_STYLE_PART_BYTES)
    return list(_remembered(_internal_rels, data, part))


def _internal_rels(data: bytes | None, part: str) -> tuple[Relationship, ...]:
    return tuple(rel for rel in relationships(_parse_part(data), part)
                 if not rel.external and rel.target)


def _sheet_refs(data: bytes | None, rels: tuple[Relationship, ...]
                ) -> tuple[tuple[str, str], ...]:
    """(name, target part) of each named sheet of a workbook part's bytes, in tab order."""
    return tuple((ref.name, ref.target) for ref in workbook_sheets(_parse_part(data), list(rels))
                 if ref.name is not None)


#: The package parts read to find the sheets are parsed once per distinct content: the files
#: of one programme come from one template, so most share them. Parts up to this size only.
_NAV_CACHE_PART_MAX = 256 << 10  # 144 entries in all: under 40 MB at worst
_cached_rels = lru_cache(maxsize=64)(_internal_rels)
_cached_sheet_refs = lru_cache(maxsize=64)(_sheet_refs)
_CACHED = {_internal_rels: _cached_rels, _sheet_refs: _cached_sheet_refs}


def _remembered(parse, data: bytes | None, arg):
    """``parse(data, arg)``, remembered (by the bytes themselves) for a small part."""
    if data is not None and len(data) > _NAV_CACHE_PART_MAX:
        return parse(data, arg)
    return _CACHED[parse](data, arg)


def _workbook_part(members: Members) -> str:
    return workbook_part(_relationships(members, ""), members.find) or "xl/workbook.xml"


def _sheet_members(members: Members) -> tuple[dict[str, str], list[Relationship], str]:
    wb_part = _workbook_part(members)
    rels = _relationships(members, wb_part)
    data = _part_bytes(members, wb_part, MAX_STYLE_PART_BYTES)
    result: dict[str, str] = {}
    for name, target in _remembered(_sheet_refs, data, tuple(rels)):
        result[name] = members.find(target) or target
    return result, rels, wb_part


def sheet_members(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip member path (e.g. ``'xl/worksheets/sheet1.xml'``).

    Reads ``xl/workbook.xml`` (or wherever ``_rels/.rels`` puts the workbook) and its rels.
    Targets may be relative to the workbook's folder (``worksheets/sheet1.xml``), absolute
    (``/xl/worksheets/sheet1.xml``), use ``..`` or backslashes, or differ in case from the zip
    member: the returned path is the member name actually present in the zip when one matches
    case-insensitively. Chartsheets and dialog sheets are included (they have no cells).
    """
    return _sheet_members(Members(zf))[0]


def sheet_and_styles_members(zf: zipfile.ZipFile | PackageBytes
                             ) -> tuple[dict[str, str], str | None]:
    """:func:`sheet_members`, and the zip member of the styles part (None when there is none).

    The styles part is the one the workbook part's relationships name, whatever it is called
    (``xl/styles1.xml`` for some writers); ``xl/styles.xml`` when no relationship names one."""
    members = Members(zf)
    names, rels, _wb_part = _sheet_members(members)
    return names, related_part(rels, "styles", members.find, "xl/styles.xml")


# --------------------------------------------------------------------------------------------
# Colours: the package layer's styles table (xlplan.ooxml.styles)

def _theme_colours(data: bytes | None, _: object = None) -> tuple[str | None, ...] | None:
    """The colours of a theme part's bytes (:func:`~xlplan.ooxml.styles.read_theme`)."""
    found = read_theme(_parse_part(data))
    return None if found is None else tuple(found)


_CACHED[_theme_colours] = lru_cache(maxsize=16)(_theme_colours)


# --------------------------------------------------------------------------------------------
# Sheet scan

class _ColIndex(dict):
    """'A' -> 0, 'AB' -> 27 ...; -1 (not memoised, and noted in ``bad``) for anything else."""

    bad = False

    def __missing__(self, letters: str) -> int:
        n = 0
        for ch in letters.upper():
            o = ord(ch) - 64
            if not 1 <= o <= 26:
                n = 0
                break
            n = n * 26 + o
        if not 0 < n <= 16384:
            self.bad = True
            return -1
        if len(self) < 20000:
            self[letters] = n - 1
        return n - 1


_COLS = _ColIndex()
_strip_digits = methodcaller("rstrip", "0123456789")


def _col_index(letters: str) -> int:
    return _COLS[letters]


_DIGITS = "0123456789"


def _open_zip(path) -> tuple[zipfile.ZipFile | PackageBytes, bool]:
    if isinstance(path, (zipfile.ZipFile, PackageBytes)):
        return path, False
    return zipfile.ZipFile(path), True


def _find_sheet(names: dict[str, str], sheet_name: str) -> str:
    if sheet_name in names:
        return names[sheet_name]
    folded = sheet_name.casefold()
    for name, member in names.items():
        if name.casefold() == folded:
            return member
    raise KeyError(sheet_name)


def read_sheet_styles(
    path: Path | str | zipfile.ZipFile | PackageBytes,
    sheet_name: str,
    *,
    cells: set[tuple[int, int]] | None = None,
    columns: set[int] | None = None,
    want_formulas: bool = True,
) -> SheetStyles:
    """Fills of the requested cells, and the set of formula cells, of one sheet.

    ``cells`` asks for the fills of those (row 1-based, col 0-based) cells, ``columns`` for every
    cell of those 0-based columns; both may be given. With neither, no fills are read (and
    styles.xml is not opened). ``want_formulas=False`` with no fill request returns at once
    without opening anything. ``path`` may also be an open :class:`zipfile.ZipFile` (left open)
    or the parts already in memory (:class:`~xlplan.ooxml.package.PackageBytes`).

    Cells with no fill, ``patternType="none"`` or an unresolvable colour are absent from
    ``fills``. See the module docstring for colour rules, row/column styles, and error handling.

    The sheet XML is read by :func:`_fast_scan` (bytes and numpy, about 5x faster) when it is in
    the plain form every spreadsheet writer produces, and otherwise by the lxml scan
    (:func:`_scan`); the fast path declines, rather than guesses, whenever its reading could
    differ from the lxml one (see "Sheet scan, fast path" below). ``cells`` requests always use
    the lxml scan.
    """
    result = _read_sheet_styles(path, sheet_name, cells, columns, want_formulas, "auto")
    assert result is not None
    return result


def _read_sheet_styles(
    path: Path | str | zipfile.ZipFile | PackageBytes,
    sheet_name: str,
    cells: set[tuple[int, int]] | None,
    columns: set[int] | None,
    want_formulas: bool,
    method: str,
) -> SheetStyles | None:
    """:func:`read_sheet_styles` with the choice of sheet scan, for the differential tests.

    ``method``: ``"auto"`` (the fast path, the lxml scan when it declines), ``"lxml"`` (the lxml
    scan only: the reference), ``"fast"`` (the fast path only; None when it declines, and
    errors inside it are raised instead of being answered by the lxml scan).
    """
    cells = set(cells) if cells else set()
    columns = set(columns) if columns else set()
    want_fills = bool(cells or columns)
    result = SheetStyles()
    if not want_fills and not want_formulas:
        return None if method == "fast" else result

    zf, owned = _open_zip(path)
    try:
        members = _Members(zf)
        names, wb_rels, _wb_part = _sheet_members(members)
        member = _find_sheet(names, sheet_name)

        xf_fill: list[str | None] = []
        if want_fills:
            styles_part = related_part(wb_rels, "styles", members.find, "xl/styles.xml")
            theme_part = related_part(wb_rels, "theme", members.find, "xl/theme/theme1.xml")
            xf_fill = _xf_fill_cached(members, styles_part, theme_part, result.problems)
            if not any(xf_fill):
                want_fills = False  # nothing can have a fill; keep scanning only for formulas
                if not want_formulas:
                    return None if method == "fast" else result

        real = members.find(member)
        if real is None:
            result.problems.append(f"the sheet part {member!r} is missing from the package")
            return None if method == "fast" else result
        fill_table = xf_fill if want_fills else None
        if method != "lxml" and not (cells and want_fills):
            found = _fast_scan(zf, real, fill_table, columns, want_formulas, method == "fast")
            if found is not None:
                result.fills, result.formulas = found
                return result
            if method == "fast":
                return None
        with zf.open(real) as stream:
            _scan(stream, result, fill_table, cells, columns, want_formulas)
    finally:
        if owned:
            zf.close()
    return result


#: styles.xml and theme parts up to this size are remembered with their cellXfs -> colour
#: table: the files of one programme come from one template, so most share both parts.
_XF_CACHE_PART_MAX = 1 << 20
_XF_CACHE_SIZE = 32
_XF_CACHE: dict[tuple[bytes, bytes | None], tuple[list[str | None], tuple[str, ...]]] = {}


def _part_bytes(members: _Members, name: str | None, limit: int | None) -> bytes | None:
    """A part's bytes; None if absent, bigger than ``limit`` or unreadable (bad CRC,
    truncated member)."""
    if name is None:
        return None
    real = members.find(name)
    if real is None:
        return None
    try:
        if limit is not None and members.zf.getinfo(real).file_size > limit:
            return None
        return members.zf.read(real)
    except Exception:  # bad CRC, truncated member...
        return None


def _parse_part(data: bytes | None):
    if data is None:
        return None
    try:
        return ox.parse(data, strip=True)
    except Exception:  # malformed XML
        return None


def _xf_fill_cached(members: _Members, styles_part: str | None, theme_part: str | None,
                    problems: list[str]) -> list[str | None]:
    """cellXfs index -> fill colour (:meth:`StylesTable.fill_colours`), remembered by the
    parts' bytes.

    The same answer and the same problem sentences as parsing the parts every time; a cached
    table is shared between results and must not be changed by its users.
    """
    styles_raw = _part_bytes(members, styles_part, MAX_STYLE_PART_BYTES)
    theme_raw = None
    if styles_raw is not None:
        theme_raw = _part_bytes(members, theme_part, MAX_STYLE_PART_BYTES)
    key = None
    if styles_raw is not None and len(styles_raw) <= _XF_CACHE_PART_MAX and (
            theme_raw is None or len(theme_raw) <= _XF_CACHE_PART_MAX):
        key = (styles_raw, theme_raw)
        hit = _XF_CACHE.get(key)
        if hit is not None:
            problems.extend(hit[1])
            return hit[0]
    found: list[str] = []
    styles_root = _parse_part(styles_raw)
    if styles_root is None:
        found.append("styles.xml is missing, too large or unreadable: no fill colours")
        table: list[str | None] = []
    else:
        # the theme, parsed once per distinct content: the files of one programme vary their
        # styles part far more often than their theme
        theme = _remembered(_theme_colours, theme_raw, None)
        table = StylesTable(styles_root).fill_colours_in(theme, found)
    if key is not None:
        if len(_XF_CACHE) >= _XF_CACHE_SIZE:
            try:  # the oldest entry; another thread may be changing the dict at the same time
                _XF_CACHE.pop(next(iter(_XF_CACHE)), None)
            except (RuntimeError, StopIteration):
                pass
        _XF_CACHE[key] = (table, tuple(found))
    problems.extend(found)
    return table


def _colour_lookup(xf_fill: list[str | None]):
    """``s`` attribute value (str, or None when absent) -> fill colour, memoised.

    Shared by both scans so that they read a style index the same way: an absent or empty
    ``s`` is style 0, anything ``int()`` rejects or outside ``cellXfs`` has no fill.
    """
    n_xf = len(xf_fill)
    style_cache: dict[str | None, str | None] = {}

    def colour_of(s: str | None) -> str | None:
        try:
            return style_cache[s]
        except KeyError:
            pass
        try:
            i = int(s) if s else 0
        except ValueError:
            i = -1
        c = xf_fill[i] if 0 <= i < n_xf else None
        style_cache[s] = c
        return c

    return colour_of


_C_TAGS = frozenset(f"{{{ns}}}c" for ns in _MAIN_NAMESPACES)
_F_TAGS = frozenset(f"{{{ns}}}f" for ns in _MAIN_NAMESPACES)
_ROW_TAGS = frozenset(f"{{{ns}}}row" for ns in _MAIN_NAMESPACES)


def _scan(
    stream: IO[bytes],
    result: SheetStyles,
    xf_fill: list[str | None] | None,
    cells: set[tuple[int, int]],
    columns: set[int],
    want_formulas: bool,
) -> None:
    """Stream the sheet XML once, filling ``result``.

    iterparse reports only ``<row>`` ends (and ``<f>`` ends when formulas are wanted and the
    sheet is not formula-dense), so the per-cell work stays in libxml2 and the Python cost grows
    with rows and formulas, not with all cells. At a row's end the row is complete: the ``r`` of
    its formula cells comes from the ``<f>`` elements' parents (or, for rows with many formulas
    and for formula-dense sheets, one compiled XPath over the row) and becomes keys through
    C-level map/zip; the row's number and own style are known; each requested cell
    is found by a probe and a binary search on the cells' ``r`` (cells of a row are in column
    order). The row is then cleared and dropped, so memory stays flat. Rows where a cell
    without ``r`` matters are re-read child by child (:func:`_slow_row`).
    """
    fills = result.fills
    formulas = result.formulas
    want_fills = xf_fill is not None
    colour_of = _colour_lookup(xf_fill or [])

    cells_by_row: dict[int, set[int]] = {}
    for r, c in cells:
        if r >= 1 and c >= 0:
            cells_by_row.setdefault(r, set()).add(c)
    col_set = {c for c in columns if c >= 0}
    col_list = sorted(col_set)
    # Only specific cells wanted, no formulas: stop after the last row of interest.
    stop_after = None
    if want_fills and not col_list and not want_formulas:
        stop_after = max(cells_by_row, default=0)
        if stop_after == 0:
            return

    row_num = 0
    cols = _ColIndex()
    getcol = cols.__getitem__
    xpaths: dict[str, etree.XPath] = {}

    # Formula-dense sheets (several <f> per row) are cheaper with one XPath per row than with an
    # event per <f>; sparse ones the other way round. Guess from the first 64 KB.
    head = stream.read(_HEAD_BYTES)
    dense = want_formulas and _formula_dense(head)
    stream = _Replay(head, stream)
    tags = sorted(_ROW_TAGS | (_F_TAGS if want_formulas and not dense else frozenset()))
    row_fs: list = []  # <f> elements of the current row
    n_rows = 0
    it = ox.iterparse(stream, events=("end",), tag=tags, strip=True)
    try:
        for _ev, el in it:
            if el.tag in _F_TAGS:
                row_fs.append(el)
                continue
            # a <row> ended: it is complete
            r = el.get("r")
            try:
                row_num = int(r) if r else row_num + 1
            except ValueError:
                row_num += 1
            row_style = el.get("s") if el.get("customFormat") in ("1", "true") else None
            if row_fs or dense:
                found_f = None
                if len(row_fs) == 1:  # the common case, kept cheap
                    c_el = row_fs[0].getparent()
                    if c_el is not None and c_el.tag in _C_TAGS:
                        ref = c_el.get("r")
                        if ref is None:
                            found_f = [c_el]
                        else:
                            c = getcol(ref.rstrip(_DIGITS))
                            if c >= 0:
                                formulas.add((row_num, c))
                elif row_fs and len(row_fs) <= _FEW_FORMULAS:
                    found_f = [_formula_ref(f) for f in row_fs]
                else:
                    tag = el.tag
                    xp = xpaths.get(tag)
                    if xp is None:
                        xp = xpaths[tag] = _formula_xpath(tag)
                    found_f = xp(el)
                row_fs.clear()
                if found_f:
                    if set(map(type, found_f)) == _STR_ONLY:
                        # C-level: (row_num, column of each ref)
                        formulas.update(zip(repeat(row_num), map(getcol, map(_strip_digits, found_f))))
                    else:  # a formula cell without r
                        _slow_row(el, row_num, row_style, result, None, cells_by_row, col_set, True)
            if want_fills:
                in_row = cells_by_row.get(row_num)
                wanted = col_list if in_row is None else sorted(col_set | in_row)
                found = []
                n_cells = len(el)
                for col in wanted:
                    # Dense rows starting at column A: the cell is at index col. Check that first.
                    if col < n_cells:
                        c_el = el[col]
                        ref = c_el.get("r")
                        if ref is not None and c_el.tag in _C_TAGS and getcol(ref.rstrip(_DIGITS)) == col:
                            found.append((col, c_el))
                            continue
                    hit = _find_cell(el, col)
                    if hit is _SLOW:
                        _slow_row(el, row_num, row_style, result, colour_of, cells_by_row, col_set, False)
                        break
                    found.append((col, hit))
                else:
                    for col, hit in found:
                        if hit is None:  # absent from the XML: only a row style can colour it
                            s = row_style
                            if s is None:
                                continue
                        else:
                            s = hit.get("s")
                            if s is None:
                                s = row_style
                        colour = colour_of(s)
                        if colour:
                            fills[(row_num, col)] = colour
            el.clear()
            n_rows += 1
            if n_rows & 63 == 0:  # drop the cleared rows now and then
                parent = el.getparent()
                if parent is not None:
                    while el.getprevious() is not None:
                        del parent[0]
            if stop_after is not None and row_num >= stop_after:
                break
    except etree.XMLSyntaxError as exc:
        result.problems.append(f"the sheet XML is malformed ({exc.msg}); styles read up to the error")
    finally:
        del it
    if cols.bad:  # refs that were not letters+digits
        formulas.difference_update([k for k in formulas if k[1] < 0])


_HEAD_BYTES = 65536


def _formula_dense(head: bytes) -> bool:
    """More than two formulas per row in this sample of the sheet XML?"""
    rows = head.count(b"<row ") + head.count(b"<row>") + head.count(b":row ")
    fs = head.count(b"<f>") + head.count(b"<f ") + head.count(b"<f/>") + head.count(b":f>")
    return fs > 2 * max(rows, 1)


class _Replay:
    """A read()-able stream that first returns ``head`` (already read from ``rest``)."""

    def __init__(self, head: bytes, rest: IO[bytes]):
        self._head = head
        self._rest = rest

    def read(self, n: int = -1) -> bytes:
        if self._head:
            if n is None or n < 0:
                out, self._head = self._head + self._rest.read(), b""
                return out
            out, self._head = self._head[:n], self._head[n:]
            return out
        return self._rest.read(n)


#: Up to this many formulas in a row, their cells' r are read through the <f> elements'
#: parents; above it one XPath over the row is cheaper.
_FEW_FORMULAS = 3


def _formula_ref(f_el):
    """The ``r`` of an ``<f>``'s cell; the cell itself when it has none (as the XPath does)."""
    c_el = f_el.getparent()
    if c_el is None or c_el.tag not in _C_TAGS:
        return "!"  # not in a cell: parses to no column, dropped
    ref = c_el.get("r")
    return c_el if ref is None else ref


def _formula_xpath(row_tag: str) -> etree.XPath:
    """``r`` of the row's formula cells; the cell element itself when it has no ``r``."""
    nsmap = {"m": row_tag[1: row_tag.index("}")]}
    return etree.XPath("m:c[m:f]/@r | m:c[m:f][not(@r)]", namespaces=nsmap, smart_strings=False)


_SLOW = object()
_STR_ONLY = {str}


def _cell_col(c_el) -> int | None:
    """0-based column of a cell element from its r; None if it has none (or is not a cell)."""
    if c_el.tag not in _C_TAGS:
        return None
    ref = c_el.get("r")
    if not ref:
        return None
    c = _col_index(ref.rstrip(_DIGITS))
    return c if c >= 0 else None


def _find_cell(row_el, col: int):
    """The ``<c>`` of column ``col`` in a complete row, None if absent, _SLOW if undecidable.

    Cells are in column order, so a probe at index ``col`` (right for dense rows starting at
    column A) and then a binary search find it in a few proxy creations. Meeting a cell without
    ``r`` (or a non-cell child) returns _SLOW.
    """
    n = len(row_el)
    if n == 0:
        return None
    lo, hi = 0, n - 1
    probe = col if col < n else n - 1
    while lo <= hi:
        c_el = row_el[probe]
        c = _cell_col(c_el)
        if c is None:
            return _SLOW
        if c == col:
            return c_el
        if c < col:
            lo = probe + 1
        else:
            hi = probe - 1
        probe = (lo + hi) // 2
    return None


def _absent_cells(row_num, colour, seen, columns, in_row, fills) -> None:
    """Requested cells missing from the XML of a row with its own style take that style."""
    if not colour:
        return
    for c in columns:
        if c not in seen:
            fills.setdefault((row_num, c), colour)
    if in_row:
        for c in in_row:
            if c not in seen:
                fills.setdefault((row_num, c), colour)


def _slow_row(row_el, row_num, row_style, result, colour_of, cells_by_row, columns,
              want_formulas) -> None:
    """Read one row child by child (cells without ``r`` take the column after the previous)."""
    col = -1
    in_row = cells_by_row.get(row_num)
    seen: set[int] = set()
    for c_el in row_el:
        if c_el.tag not in _C_TAGS:
            continue
        ref = c_el.get("r")
        if ref:
            c = _col_index(ref.rstrip(_DIGITS))
            col = c if c >= 0 else col + 1
        else:
            col += 1
        if want_formulas:
            for child in c_el:
                if child.tag in _F_TAGS:
                    result.formulas.add((row_num, col))
                    break
        if colour_of is not None and (col in columns or (in_row is not None and col in in_row)):
            seen.add(col)
            s = c_el.get("s")
            colour = colour_of(s if s is not None else row_style)
            if colour:
                result.fills[(row_num, col)] = colour
    if colour_of is not None and row_style is not None:
        _absent_cells(row_num, colour_of(row_style), seen, columns, in_row, result.fills)


# --------------------------------------------------------------------------------------------
# Sheet scan, fast path
#
# Why: on a 100,000-row sheet (57 MB of XML) the lxml scan above costs ~1.2 s, most of it
# libxml2 building every row's subtree and Python visiting every row; inflating the XML costs
# ~0.08 s. This path looks at the bytes instead, 1 MB at a time (cut before a row start). numpy
# finds every tag (every '<': in the XML accepted here a '<' can only start a tag) and its '>',
# works out each tag's nesting level with one cumsum, and reads cell references, row numbers and
# the few attributes it needs with 8-byte (SWAR) word arithmetic: no Python loop per cell, except
# over the distinct attribute strings of the requested column's cells. A helper thread inflates
# the next chunk meanwhile (zlib releases the GIL). ~0.25 s for that sheet; ~0.4 ms a 60-row one.
#
# Same answer as the lxml scan, or none: the fast path *declines* (raises _Decline, and
# read_sheet_styles runs the lxml scan) whenever its reading could differ, rather than
# reproduce every odd case. It accepts only this form, which Excel, LibreOffice, openpyxl and
# xlsxwriter all write:
#
# * UTF-8 (optional BOM and XML declaration); no comment, CDATA section, processing instruction
#   or DOCTYPE anywhere (``<!`` / ``<?``);
# * an unprefixed root whose default namespace is SpreadsheetML (transitional or strict), no
#   prefix bound to that namespace, and no namespace declaration before ``<sheetData>`` other
#   than the root's or inside it at all (so unprefixed names are SpreadsheetML, prefixed never);
# * before ``<sheetData>`` and after ``</sheetData>``: no unprefixed row, c or f element, and the
#   document ends with the root's end tag (a truncated sheet is declined);
# * inside sheetData: the tags balance; every element at the top is a row written ``<row r="``,
#   every element one level down a cell written ``<c r="`` (so no cell lacks ``r`` and ``r``
#   comes first), the end tags there are exactly ``</row>`` / ``</c>``, and no row or c
#   element occurs at any other level;
# * when fills are wanted: every cell reference is a column (letters; at most XFD) followed by
#   digits, cells are in strictly increasing column order within a row and rows in strictly
#   increasing row order (the lxml scan finds a cell by binary search and writes ``fills`` in
#   document order; with these, neither can matter).
#
# Everything else may vary: attributes after ``r`` and their order and quotes, whitespace and
# text between tags, inline strings and rich text, shared/array formulas, '>' in text or
# attribute values, prefixed elements inside cells, odd ``r`` and ``s`` values. Within that form
# the result is the lxml scan's: a row's number is ``int(r)`` (or the previous one + 1, for
# values int() refuses; such rows are read one by one in Python), a cell's column comes from its
# ``r`` letters as in ``_col_index``, a formula is an unprefixed ``f`` child of a cell, row styles
# apply as described in the module docstring (``customFormat`` rows are found from their bytes
# and read in Python), column styles are ignored as the lxml scan ignores them.
#
# Malformed XML: the lxml scan stops at the first error with a "malformed" problem, so the fast
# path must decline every sheet libxml2 would refuse. It checks what can be checked for the cost
# of a few array operations: the tag structure above (truncation, unbalanced or unclosed tags, a
# '<' inside a tag), characters XML does not allow (C0 controls, bytes that are not UTF-8,
# U+FFFE/U+FFFF), ``&`` other than the five predefined entities (character references are
# declined), ``]]>`` in text, a tag not starting with a name, over-long names and text, deep
# nesting. What it does not check: the syntax of attributes it does not read (an unquoted or
# repeated attribute on a cell outside the requested columns), undeclared prefixes inside cells,
# name characters after the first, and end-tag names below the cell level. No writer produces
# those; a sheet malformed only in such ways (hand-edited) is read in full where the lxml scan
# would stop (tests/test_styles_fast.py pins this as a known difference).

_FAST_CHUNK = 1 << 20            # inflated bytes handed over at a time
_FAST_THREAD_MIN = 4 << 20       # members at least this big are inflated by a helper thread
_FAST_HEAD_MAX = 16 << 20        # no <sheetData> within this many bytes: decline
_FAST_TAIL_MAX = 64 << 20        # after </sheetData>: more than this is declined
_SMALL_SEGMENT = 1 << 17         # segments up to this size use cheaper per-call checks
_FAST_MAX_DEPTH = 200            # libxml2 (no huge_tree) stops at 256 levels
_PAD = b"\0" * 32                # lets 8-byte words be read just past a segment's end

_U64, _ONE, _HIGH, _QUOTES, _k = U64, ONE, HIGH, QUOTES, word
_BYTE = _U64(0xFF)


_K_ROW = _k(b'<row r="')              # 8 bytes: the whole word
_K_END_ROW = _k(b"</row>")
_K_ROW_NAME = _k(b"<row")
_K_CELL = _k(b'<c r="')
_K_END_C = _k(b"</c>")
_E0 = np.uint8(0xE0)
_K_AMP = _k(b"amp;")
_K_LT = _k(b"lt;")
_K_GT = _k(b"gt;")
_K_QUOT = _k(b"quot;")
_K_APOS = _k(b"apos;")
_M3 = _U64((1 << 24) - 1)
_K_XMLNS = _k(b"xmlns")
_K_CUSTOMFO = _k(b"customFo")
_K_RMAT = _k(b"rmat")
_M5 = _U64((1 << 40) - 1)
_M6 = _U64((1 << 48) - 1)
_M4 = _U64((1 << 32) - 1)

#: Bytes that may end a tag name: whitespace, '/', '>'.
_NAME_END = np.zeros(256, dtype=bool)
_NAME_END[[0x20, 0x09, 0x0A, 0x0D, 0x2F, 0x3E]] = True

#: Bytes that may follow '<' in the XML accepted here: an ASCII name start, or '/' (other
#: name starts exist, non-ASCII letters; such tags are declined). End tags' names are not
#: checked: a wrong one is unbalanced, or caught as a wrong </row> or </c>, or not at all.
_TAG_START = np.zeros(256, dtype=bool)
_TAG_START[[*range(0x41, 0x5B), *range(0x61, 0x7B), 0x5F, 0x3A, 0x2F]] = True
_TAG_START[[0x21, 0x3F]] = True  # <! and <? are declined separately, with a clearer reason

_ATTR = (rb"[ \t\r\n]+[^\s=/>\"'<]+[ \t\r\n]*=[ \t\r\n]*(?:\"[^\"<]*\"|'[^'<]*')")
_ATTR_RE = re.compile(rb"[ \t\r\n]+([^\s=/>\"'<]+)[ \t\r\n]*=[ \t\r\n]*(?:\"([^\"<]*)\"|'([^'<]*)')")
_TAG_RE = re.compile(rb"<[^\s/>\"'=<]+(?:" + _ATTR + rb")*[ \t\r\n]*/?>")
_DECL_RE = re.compile(
    rb"<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(?:\"1\.[0-9]+\"|'1\.[0-9]+')"
    rb"(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(?:\"([A-Za-z][\w.\-]*)\"|'([A-Za-z][\w.\-]*)'))?"
    rb"(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(?:\"(?:yes|no)\"|'(?:yes|no)'))?[ \t\r\n]*\?>"
)
_ROOT_RE = re.compile(rb"[ \t\r\n]*<([A-Za-z_][A-Za-z0-9_.\-]*)((?:" + _ATTR + rb")*)[ \t\r\n]*>")
_SHEETDATA_RE = re.compile(rb"<sheetData(?:" + _ATTR + rb")*[ \t\r\n]*/?>")
_ROW_C_F_RE = re.compile(rb"<(?:row|c|f)[ \t\r\n/>]")
_END_SHEETDATA_RE = re.compile(rb"</sheetData[ \t\r\n]*>")
_XMLNS_RE = re.compile(rb"xmlns(?::[^\s=/>\"'<]+)?[ \t\r\n]*=[ \t\r\n]*(?:\"([^\"<]*)\"|'([^'<]*)')")
_MAIN_NS_BYTES = tuple(ns.encode() for ns in _MAIN_NAMESPACES)
_WS_TO_SPACE = bytes.maketrans(b"\t\n", b"  ")
_MISSING = object()


class _Decline(Exception):
    """The fast path met something it does not read exactly as the lxml scan does."""


class _FastState:
    """What the fast path has found so far, and what it carries from one segment to the next."""

    def __init__(self, xf_fill: list[str | None] | None, columns: set[int], want_formulas: bool):
        self.wanted = sorted(c for c in columns if c >= 0) if xf_fill is not None else []
        self.want_fills = bool(self.wanted)
        self.colour_of = _colour_lookup(xf_fill or [])
        self.want_formulas = want_formulas
        self.fills: dict[tuple[int, int], str] = {}
        self.formulas: set[tuple[int, int]] = set()
        self.row_num = 0  # the lxml scan's running row number: that of the last row read
        self.style_of: dict[bytes, str | None] = {}  # a cell's attributes after r -> its s


def _fast_scan(zf: zipfile.ZipFile, member: str, xf_fill: list[str | None] | None,
               columns: set[int], want_formulas: bool, raise_errors: bool = False
               ) -> tuple[dict[tuple[int, int], str], set[tuple[int, int]]] | None:
    """(fills, formulas) of a sheet part read from its bytes; None when the fast path declines.

    ``xf_fill`` None: no fills wanted. A damaged member (bad CRC, broken deflate stream) is
    declined too, so that the lxml scan meets it and behaves as it always has. Unexpected
    errors are declined as well unless ``raise_errors`` (the tests' ``method="fast"``).
    """
    st = _FastState(xf_fill, columns, want_formulas)
    try:
        size = zf.getinfo(member).file_size
        with zf.open(member) as stream, ReadAhead(
                stream_chunks(stream, _FAST_CHUNK if size >= _FAST_CHUNK else -1),
                threaded=size >= _FAST_THREAD_MIN, depth=3) as chunks:
            _fast_read(chunks, st)
    except _Decline:
        return None
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error):
        return None
    except Exception:
        if raise_errors:
            raise
        return None
    return st.fills, st.formulas


def _fast_read(chunks, st: _FastState) -> None:
    """Head (up to ``<sheetData>``), body segments of whole rows, tail. Raises _Decline."""
    it = iter(chunks)
    buf = b""
    for chunk in it:
        buf += chunk
        start = buf.find(b"<sheetData")
        if start >= 0 and buf.find(b">", start) >= 0:
            break
        if len(buf) > _FAST_HEAD_MAX:
            raise _Decline
    else:
        raise _Decline  # no sheetData (a chartsheet?) or the document ends inside its tag
    end = buf.find(b">", start)
    root = _check_head(buf, start, end)
    done = empty = buf[end - 1] == 0x2F  # <sheetData/>
    buf = buf[end + 1:]
    searched = 0
    while not done:
        # Rows are cut off at the last row start, leaving at least len(_PAD) bytes after it
        # (no copy needed for the segment's padding). "</sheetData" is only looked for after
        # that row start: a "</sheetData" before a row start would end up inside a segment,
        # where it is an end tag at level -1, and declined.
        cut = buf.rfind(b'<row r="', 0, len(buf) - len(_PAD))
        stop = buf.find(b"</sheetData", max(cut, searched - 16, 0))
        if stop >= 0:
            _body(buf + _PAD, stop, st)
            buf = buf[stop:]
            break
        if cut > 0:  # the rows before it are complete (or the segment check declines)
            _body(buf, cut, st)
            buf = buf[cut:]
        searched = len(buf)
        chunk = next(it, None)
        if chunk is None:
            raise _Decline  # the document ends inside sheetData
        buf += chunk
    tail = [buf]
    size = len(buf)
    for chunk in it:
        tail.append(chunk)
        size += len(chunk)
        if size > _FAST_TAIL_MAX:
            raise _Decline
    _check_tail(b"".join(tail), root, empty)


def _check_head(buf: bytes, start: int, end: int) -> bytes:
    """Everything before the sheet data: declaration, root and namespaces. Returns the root name."""
    head = buf[:start]
    pos = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    decl = _DECL_RE.match(head, pos)
    if decl is not None:
        encoding = decl.group(1) or decl.group(2)
        if encoding is not None and encoding.lower() not in (b"utf-8", b"utf8"):
            raise _Decline
        pos = decl.end()
    if b"<!" in head or head.find(b"<?", pos) >= 0:
        raise _Decline
    root = _ROOT_RE.match(head, pos)
    if root is None:
        raise _Decline  # prefixed or self-closing root, text before it, odd attribute syntax
    attrs = _parse_attrs(root.group(2))
    if attrs.get(b"xmlns") not in _MAIN_NS_BYTES:
        raise _Decline
    for name, value in attrs.items():
        if name.startswith(b"xmlns:") and (value in _MAIN_NS_BYTES or b"&" in value):
            raise _Decline
    name = root.group(1)
    rest = head[root.end():]
    if b"xmlns" in rest or _ROW_C_F_RE.search(rest) or b"</" + name in rest:
        raise _Decline
    tag = buf[start:end + 1]
    if _SHEETDATA_RE.fullmatch(tag) is None or b"xmlns" in tag:
        raise _Decline
    return name


def _check_tail(tail: bytes, root: bytes, empty: bool) -> None:
    """From ``</sheetData>`` on (after ``<sheetData/>`` when ``empty``): nothing the lxml scan
    would read, and the root's end tag last."""
    if empty:
        rest = tail
    else:
        first = _END_SHEETDATA_RE.match(tail)
        if first is None:
            raise _Decline
        rest = tail[first.end():]
    if b"<!" in rest or b"<?" in rest or _ROW_C_F_RE.search(rest):
        raise _Decline
    declared = rest.count(b"xmlns")
    if declared:  # e.g. Excel's <extLst><ext xmlns:x14=...>: fine unless bound to SpreadsheetML
        seen = 0
        for m in _XMLNS_RE.finditer(rest):
            value = m.group(1) if m.group(1) is not None else m.group(2)
            if value in _MAIN_NS_BYTES or b"&" in value:
                raise _Decline
            seen += 1
        if seen != declared:
            raise _Decline
    last = rest.rstrip(b" \t\r\n")[-(len(root) + 64):]
    if re.search(rb"</" + re.escape(root) + rb"[ \t\r\n]*>\Z", last) is None:
        raise _Decline  # truncated, or something after the root


def _parse_attrs(raw: bytes) -> dict[bytes, bytes]:
    """An attribute list (leading whitespace included) -> raw values; declines odd syntax and
    repeated names (libxml2 rejects those)."""
    out: dict[bytes, bytes] = {}
    pos = 0
    for m in _ATTR_RE.finditer(raw):
        if m.start() != pos:
            raise _Decline
        name = m.group(1)
        if name in out:
            raise _Decline
        out[name] = m.group(2) if m.group(2) is not None else m.group(3)
        pos = m.end()
    if raw[pos:].strip(b" \t\r\n"):
        raise _Decline
    return out


def _attr_value(raw: bytes) -> str:
    """An attribute value as lxml returns it: line ends and tabs/newlines normalised to spaces
    (XML 1.0 §2.11, §3.3.3). Values with entity or character references are declined."""
    if b"&" in raw or b"<" in raw:
        raise _Decline
    if b"\r" in raw:
        raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    try:
        return raw.translate(_WS_TO_SPACE).decode("utf-8")
    except UnicodeDecodeError:
        raise _Decline from None


# ---- SWAR helpers: one uint64 holds 8 bytes of the XML, byte 0 lowest (little-endian).

_zero_bytes, _at_least, _below = zero_bytes, at_least, below


_C30, _C3A, _C41, _C5B = (_U64(c * 0x0101010101010101) for c in (0x30, 0x3A, 0x41, 0x5B))


_lowest, _byte_index, _scratch = lowest, byte_index, scratch


def _digits(x: np.ndarray) -> np.ndarray:
    return _at_least(x, 0x30) & _below(x, 0x3A)


def _quoted_digits(seg: bytes, words: np.ndarray, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values of 1-7 ASCII digits followed by '"' at ``pos``: (int64 values, ok mask).

    The digits are moved to the top of the word (leading zeros below) and combined pairwise by
    three multiplications, the usual SWAR parse of eight digits.
    """
    w = words[pos]
    low = _lowest(_zero_bytes(w ^ _QUOTES))
    q = _byte_index(low)
    before = (low - _ONE) & _HIGH
    ok = (q >= 1) & (q <= 7) & ((before & ~_digits(w)) == 0)
    digits = (w & ((before >> _U64(7)) * _BYTE)) & _U64(0x0F0F0F0F0F0F0F0F)
    x = digits << (_U64(8) * (_U64(8) - np.where(ok, q, 8).astype(np.uint64)))
    x = ((x * _U64(10)) + (x >> _U64(8))) & _U64(0x00FF00FF00FF00FF)
    x = ((x * _U64(100)) + (x >> _U64(16))) & _U64(0x0000FFFF0000FFFF)
    x = ((x * _U64(10000)) + (x >> _U64(32))) & _U64(0xFFFFFFFF)
    return x.astype(np.int64), ok


def _ref_columns(seg: bytes, words: np.ndarray, refs: np.ndarray, ends: np.ndarray,
                 strict: bool) -> tuple[np.ndarray, np.ndarray]:
    """Columns (0-based) of cell references starting at ``refs`` and their closing quotes.

    The usual ``K9`` form (1-3 upper-case letters, digits, '"'; 15 characters at most) is read
    from two words per cell; anything else is read like the lxml scan reads it
    (``_col_index(r.rstrip(digits))``), one by one. Unusable columns are -1, or, when
    ``strict`` (fills wanted: the lxml scan would switch to its position-based reading), declined.
    """
    w = words[refs]
    low = _lowest(_zero_bytes(w ^ _QUOTES))
    before = (low - _ONE) & _HIGH                     # the bytes before the quote (all if none)
    hw = w | _HIGH
    ascii_ = _HIGH & ~w
    upper = (hw - _C41) & ~(hw - _C5B) & ascii_       # A-Z
    digit = (hw - _C30) & ~(hw - _C3A) & ascii_       # 0-9
    stop = _lowest((before & ~upper) | low)           # first byte that is not a letter
    n_letters = _byte_index(stop)
    rest = before & ~((stop - _ONE) & _HIGH)
    ok = ((rest & ~digit) == 0) & (n_letters >= 1) & (n_letters <= 3)
    quote = refs + _byte_index(low)
    long = np.flatnonzero((low == 0) & ok)            # 8+ characters: the quote is further on
    if len(long):
        w2 = words[refs[long] + 8]
        low2 = _lowest(_zero_bytes(w2 ^ _QUOTES))
        ok[long] = (low2 != 0) & ((((low2 - _ONE) & _HIGH) & ~_digits(w2)) == 0)
        quote[long] = refs[long] + 8 + _byte_index(low2)
    b0 = (w & _BYTE).astype(np.int64) - 64
    b1 = ((w >> _U64(8)) & _BYTE).astype(np.int64) - 64
    b2 = ((w >> _U64(16)) & _BYTE).astype(np.int64) - 64
    two = b0 * 26 + b1
    col = np.where(n_letters == 1, b0, np.where(n_letters == 2, two, two * 26 + b2)) - 1
    ok &= col <= 16383
    col = np.where(ok, col, -1)
    for i in np.flatnonzero(~ok).tolist():
        start = int(refs[i])
        q = seg.find(b'"', start, int(ends[i]))
        if q < 0:
            raise _Decline
        ref = _attr_value(seg[start:q])
        c = _col_index(ref.rstrip(_DIGITS)) if ref else -1
        if c < 0 and strict:
            raise _Decline
        col[i] = c
        quote[i] = q
    return col, quote


def _body(seg: bytes, n: int, st: _FastState) -> None:
    """One segment of sheetData, ``seg[:n]``: whole rows (and text between them).

    ``seg`` goes on for at least ``len(_PAD)`` bytes after the segment (the next rows, or
    padding), so that 8-byte words can be read at any tag. Raises _Decline.
    """
    if not n:
        return
    a = np.frombuffer(seg, np.uint8)
    words = words_at_every_byte(seg)
    custom = _check_bytes(seg, a, words, n, st.want_fills)
    lt, ends = _tags(seg, a, n)
    if not len(lt):
        return
    after_lt = a[lt + 1]
    if np.any((after_lt == 0x21) | (after_lt == 0x3F)):
        raise _Decline                                 # <! or <?: comment, CDATA, PI, DOCTYPE
    is_end = after_lt == 0x2F
    # A name must start each start tag (an unescaped '<' in text does not); lengths libxml2
    # refuses without huge_tree: a name over 50,000 characters, a text node over 10,000,000.
    if not _TAG_START[after_lt].all():
        raise _Decline
    if n > 50_000 and (int(lt[0]) > 50_000 or int(np.diff(lt).max(initial=0)) > 50_000):
        if int((ends - lt).max()) > 50_000 or max(
                int(lt[0]), n - int(ends[-1]), int((lt[1:] - ends[:-1]).max(initial=0))) > 9_000_000:
            raise _Decline
    self_closing = (a[ends - 1] == 0x2F) & ~is_end
    delta = (~is_end & ~self_closing).astype(np.int32) - is_end
    depth = np.cumsum(delta, dtype=np.int32)           # open elements after each tag
    if depth.min() < 0 or depth[-1] != 0 or depth.max() > _FAST_MAX_DEPTH:
        raise _Decline
    level = depth - (delta == 1)                       # the element's own level (0: a row)
    # Unprefixed row and c elements anywhere else (a cell inside a cell's content, say) are
    # read by the lxml scan in ways of its own (a nested row starts a new row; an f in a nested
    # cell may count as a formula): declined.
    c_tags = np.flatnonzero(after_lt == 0x63)
    c_tags = c_tags[_NAME_END[a[lt[c_tags] + 2]]]
    r_tags = np.flatnonzero(after_lt == 0x72)
    r_tags = r_tags[((words[lt[r_tags]] & _M4) == _K_ROW_NAME) & _NAME_END[a[lt[r_tags] + 4]]]
    if np.any(level[c_tags] != 1) or np.any(level[r_tags] != 0):
        raise _Decline

    # Levels 0 and 1: rows and cells, in document order. Every one must be written the usual way.
    low = np.flatnonzero(level <= 1)
    low_w = words[lt[low]]
    low_end = is_end[low]
    low_row = level[low] == 0
    written = np.where(low_row,
                       np.where(low_end, (low_w & _M6) == _K_END_ROW, low_w == _K_ROW),
                       np.where(low_end, (low_w & _M4) == _K_END_C, (low_w & _M6) == _K_CELL))
    if not written.all():
        raise _Decline
    starts = low[~low_end]
    is_row = low_row[~low_end]
    rows_t = starts[is_row]                            # tag index of each row
    cells_t = starts[~is_row]                          # tag index of each cell
    row_of = (np.cumsum(is_row) - 1)[~is_row]          # each cell's row: index into rows_t
    prev_row = st.row_num
    rn = _row_numbers(seg, words, lt[rows_t] + 8, ends[rows_t], st)

    if st.want_formulas:
        f = np.flatnonzero((after_lt == 0x66) & (level == 2))  # '<f' directly inside a cell
        if len(f):
            f = f[_NAME_END[a[lt[f] + 2]]]
        if len(f):
            fcells = np.unique(np.searchsorted(cells_t, f) - 1)
            ftags = cells_t[fcells]
            cols, _ = _ref_columns(seg, words, lt[ftags] + 6, ends[ftags], strict=False)
            rows = rn[row_of[fcells]]
            keep = cols >= 0
            st.formulas.update(zip(rows[keep].tolist(), cols[keep].tolist()))

    if not st.want_fills:
        return
    if len(rn) and (rn[0] <= prev_row or np.any(rn[1:] <= rn[:-1])):
        raise _Decline  # rows out of order or repeated
    styles = _row_styles(seg, custom, lt, ends, level, is_end, self_closing, rows_t)
    cols, quotes = _ref_columns(seg, words, lt[cells_t] + 6, ends[cells_t], strict=True)
    if len(cols) > 1 and not np.all((cols[1:] > cols[:-1]) | (row_of[1:] != row_of[:-1])):
        raise _Decline  # cells out of column order, or repeated, within a row
    rn_list = rn.tolist()
    for col in st.wanted:
        hit = np.flatnonzero(cols == col)
        tags = cells_t[hit]
        hit_rows = row_of[hit]
        colours = _cell_colours(seg, words, quotes[hit] + 1, ends[tags] - self_closing[tags],
                                hit_rows, styles, st)
        fills = st.fills
        for ri, colour in zip(hit_rows.tolist(), colours):
            if colour:
                fills[(rn_list[ri], col)] = colour
        if styles:  # cells absent from the XML take their row's style
            present = set(hit_rows.tolist())
            for ri, style in styles.items():
                if ri not in present:
                    colour = st.colour_of(style)
                    if colour:
                        fills[(rn_list[ri], col)] = colour


_HASH = (_U64(0x9E3779B97F4A7C15), _U64(0xC2B2AE3D27D4EB4F), _U64(0x165667B19E3779F9))


def _cell_colours(seg: bytes, words: np.ndarray, starts: np.ndarray, stops: np.ndarray,
                  rows: np.ndarray, styles: dict[int, str], st: _FastState) -> list[str | None]:
    """Fill colour of each requested cell from its attributes after ``r`` (``seg[start:stop]``).

    A column's cells repeat a handful of attribute strings (`` s="5" t="s"``), so the strings
    of up to 24 bytes are grouped by value with numpy (three masked words and the length,
    hashed, then checked word by word) and each distinct one is parsed once in Python; longer
    ones are parsed one by one. A cell without ``s`` in a row with a row style takes that style.
    """
    n = len(starts)
    if not n:
        return []
    colour_of = st.colour_of
    style_of = st.style_of
    start_l = starts.tolist()
    stop_l = stops.tolist()

    def style(i: int) -> str | None:
        raw = seg[start_l[i]:stop_l[i]]
        s = style_of.get(raw, _MISSING)
        if s is _MISSING:
            s = style_of[raw] = _cell_style(raw)
        return s  # type: ignore[return-value]

    rows_l = rows.tolist()
    if n <= 512:  # few cells: numpy's set-up costs more than parsing them one by one
        out: list[str | None] = []
        for i in range(n):
            s = style(i)
            out.append(colour_of(styles.get(rows_l[i]) if s is None and styles else s))
        return out
    length = stops - starts
    group = np.full(n, -1, np.int64)
    reps: list[int] = []
    short = np.flatnonzero((length >= 0) & (length <= 24))
    if len(short):
        ln = length[short]
        key = []
        h = ln.astype(np.uint64)
        for k in range(3):
            w = words[starts[short] + 8 * k]
            keep = np.clip(ln - 8 * k, 0, 8).astype(np.uint64) * _U64(8)
            mask = np.where(keep == 64, ~_U64(0), (_ONE << np.minimum(keep, _U64(63))) - _ONE)
            w = w & mask
            key.append(w)
            h = h ^ (w * _HASH[k])
        _u, first, inverse = np.unique(h, return_index=True, return_inverse=True)
        same = ln == ln[first][inverse]
        for w in key:
            same &= w == w[first][inverse]
        if same.all():
            group[short] = inverse
            reps = short[first].tolist()
    rep_style = [style(i) for i in reps]
    rep_colour = [colour_of(s) for s in rep_style]
    out = [rep_colour[g] if g >= 0 else None for g in group.tolist()] if reps else [None] * n
    for i in np.flatnonzero(group < 0).tolist():
        s = style(i)
        out[i] = colour_of(styles.get(rows_l[i]) if s is None and styles else s)
    if styles:  # cells without s of their own, in rows with a style
        for i, g in enumerate(group.tolist()):
            if g >= 0 and rep_style[g] is None and rows_l[i] in styles:
                out[i] = colour_of(styles[rows_l[i]])
    return out


def _check_bytes(seg: bytes, a: np.ndarray, words: np.ndarray, n: int, want_custom: bool
                 ) -> np.ndarray:
    """Rare bytes of a segment, found in one pass; returns where ``customFormat`` occurs.

    Declines: ``xmlns`` (a namespace declaration inside sheetData), and what makes libxml2
    stop (the lxml scan would end there with a "malformed" problem): C0 controls other than
    tab/newline/return, bytes that are not UTF-8 (or encode U+FFFE/U+FFFF), ``&`` other than
    the five predefined entity references (character references are declined too).
    (``]]>`` in text is looked for by :func:`_tags`, which sees every '>' that is not a tag's
    end.) ``customFormat`` (row styles; only looked for when ``want_custom``) is found
    from its 'F', ``xmlns`` from its 'x': the rarer letters. One ``flatnonzero`` over the
    union of these bytes costs about what each ``bytes.find`` would.
    Segments are cut before a '<', so no UTF-8 sequence is split.
    """
    body = a[:n]
    # (b + 0xE0) mod 256 >= 0x60 exactly when b < 0x20 or b >= 0x80 (a wrapping add with a
    # uint8 scalar is several times faster than np.subtract, which checks for overflow)
    rare = np.greater_equal(np.add(body, _E0, out=_scratch(n, np.uint8)), 0x60,
                            out=_scratch(n, bool))
    more = _scratch(n, bool, 1)
    for byte in (0x78, 0x26, 0x46) if want_custom else (0x78, 0x26):  # x & F
        rare |= np.equal(body, byte, out=more)
    pos = np.flatnonzero(rare)
    v = a[pos]
    is_x = v == 0x78
    if np.any((words[pos[is_x]] & _M5) == _K_XMLNS):
        raise _Decline
    amp = pos[v == 0x26]
    if len(amp):
        w = words[amp + 1]
        if not np.all(((w & _M4) == _K_AMP) | ((w & _M3) == _K_LT) | ((w & _M3) == _K_GT)
                      | ((w & _M5) == _K_QUOT) | ((w & _M5) == _K_APOS)):
            raise _Decline
    ctrl = v[v < 0x20]
    if not np.all((ctrl == 0x09) | (ctrl == 0x0A) | (ctrl == 0x0D)):
        raise _Decline
    high = v >= 0x80
    if not high.any():
        pass
    elif n <= _SMALL_SEGMENT:  # Python's strict decoder: same verdict, less set-up
        try:
            codecs.utf_8_decode(memoryview(seg)[:n], "strict", True)
        except UnicodeDecodeError:
            raise _Decline from None
        ef = pos[high][v[high] == 0xEF]
        if np.any((a[ef + 1] == 0xBF) & (a[ef + 2] >= 0xBE)):
            raise _Decline  # U+FFFE, U+FFFF: valid UTF-8, not XML characters
    else:
        _check_utf8(a, pos[high])
    if not want_custom:
        return pos[:0]
    f = pos[v == 0x46] - 6
    f = f[f >= 0]
    return f[(words[f] == _K_CUSTOMFO) & ((words[f + 8] & _M4) == _K_RMAT)]


def _check_utf8(a: np.ndarray, pos: np.ndarray) -> None:
    """The bytes >= 0x80 at ``pos`` (sorted) form valid UTF-8 for XML characters.

    Each lead byte needs its continuation bytes right after it, every continuation byte must
    belong to a lead (so the counts match), and the second byte's range rules out overlong
    forms, surrogates and code points above U+10FFFF; U+FFFE and U+FFFF are not XML characters.
    """
    v = a[pos]
    cont = (v & 0xC0) == 0x80
    lead2 = (v >= 0xC2) & (v <= 0xDF)
    lead3 = (v & 0xF0) == 0xE0
    lead4 = (v >= 0xF0) & (v <= 0xF4)
    if not np.all(cont | lead2 | lead3 | lead4):
        raise _Decline
    need = lead2.astype(np.int64) + 2 * lead3 + 3 * lead4
    if int(np.count_nonzero(cont)) != int(need.sum()):
        raise _Decline
    pad_pos = np.concatenate((pos, np.full(3, -8, pos.dtype)))
    pad_cont = np.concatenate((cont, np.zeros(3, bool)))
    for k in (1, 2, 3):
        lead = np.flatnonzero(need >= k)
        if not np.all((pad_pos[lead + k] == pos[lead] + k) & pad_cont[lead + k]):
            raise _Decline
    second = a[pos + 1]
    if np.any(((v == 0xE0) & (second < 0xA0)) | ((v == 0xED) & (second > 0x9F))
              | ((v == 0xF0) & (second < 0x90)) | ((v == 0xF4) & (second > 0x8F))
              | ((v == 0xEF) & (second == 0xBF) & (a[pos + 2] >= 0xBE))):
        raise _Decline


def _tags(seg: bytes, a: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions of every tag's '<' and of its '>' in ``seg[:n]``.

    Each '<' must be followed by a '>' before the next '<' (else declined): the first one is
    the tag's end. Usually every '<' has exactly one '>' before the next '<', which two byte
    searches show at once. When text holds a '>' too (or an attribute value does), the tags
    followed by more than one '>' are read again by a regex that knows quoting.
    """
    body = a[:n]
    lt = np.flatnonzero(np.equal(body, 0x3C, out=_scratch(n, bool)))
    gt = np.flatnonzero(np.equal(body, 0x3E, out=_scratch(n, bool)))
    if len(gt) == len(lt) and (len(lt) == 0 or (
            (gt > lt).all() and (gt[:-1] < lt[1:]).all())):
        return lt, gt
    if seg.find(b"]]>", 0, n) >= 0:
        raise _Decline  # not allowed in text (libxml2 stops); only possible with a '>' in text
    # '<' and '>' together, in order ('|2' maps exactly those two bytes to '>')
    marks = np.flatnonzero(np.equal(np.bitwise_or(body, 2, out=_scratch(n, np.uint8)), 0x3E,
                                    out=_scratch(n, bool)))
    is_lt = np.concatenate((body[marks] == 0x3C, np.ones(2, dtype=bool)))
    li = np.flatnonzero(is_lt[:len(marks)])
    if not len(li):
        return li, li
    if is_lt[li + 1].any() or li[-1] + 1 >= len(marks):
        raise _Decline                                 # a '<' inside a tag, or an unended tag
    lt = marks[li]
    ends = marks[li + 1]
    for i in np.flatnonzero(~is_lt[li + 2] & (a[lt + 1] != 0x2F)).tolist():
        m = _TAG_RE.match(seg, int(lt[i]))
        limit = int(lt[i + 1]) if i + 1 < len(lt) else n
        if m is None or m.end() > limit:
            raise _Decline
        ends[i] = m.end() - 1
    return lt, ends


def _row_numbers(seg: bytes, words: np.ndarray, values: np.ndarray, ends: np.ndarray,
                 st: _FastState) -> np.ndarray:
    """Each row's number as the lxml scan takes it: ``int(r)``, or the previous row's + 1 when
    ``r`` is empty or not a number. ``values``: where each ``r`` value starts."""
    rn, ok = _quoted_digits(seg, words, values)
    for i in np.flatnonzero(~ok).tolist():
        start = int(values[i])
        q = seg.find(b'"', start, int(ends[i]))
        if q < 0:
            raise _Decline
        r = _attr_value(seg[start:q])
        prev = int(rn[i - 1]) if i else st.row_num
        try:
            num = int(r) if r else prev + 1
        except ValueError:
            num = prev + 1
        if not -(1 << 62) < num < (1 << 62):
            raise _Decline
        rn[i] = num
    if len(rn):
        st.row_num = int(rn[-1])
    return rn


def _row_styles(seg: bytes, custom: np.ndarray, lt: np.ndarray, ends: np.ndarray,
                level: np.ndarray, is_end: np.ndarray, self_closing: np.ndarray,
                rows_t: np.ndarray) -> dict[int, str]:
    """Row index -> ``s`` of the rows with ``customFormat="1"`` (or ``"true"``) and an ``s``.

    ``custom``: where the bytes ``customFormat`` occur (rare). Those inside a row's start tag
    have that tag's attributes read in full.
    """
    styles: dict[int, str] = {}
    if not len(custom):
        return styles
    tag = np.searchsorted(lt, custom, "right") - 1
    keep = tag >= 0
    tag = tag[keep]
    custom = custom[keep]
    tag = tag[(custom < ends[tag]) & (level[tag] == 0) & ~is_end[tag]]
    for t in np.unique(tag).tolist():
        attrs = _parse_attrs(seg[int(lt[t]) + 4:int(ends[t]) - int(self_closing[t])])
        flag = attrs.get(b"customFormat")
        s = attrs.get(b"s")
        if flag is not None and s is not None and _attr_value(flag) in ("1", "true"):
            styles[int(np.searchsorted(rows_t, t))] = _attr_value(s)
    return styles


def _cell_style(raw: bytes) -> str | None:
    """The ``s`` of a cell from its attributes after ``r`` (None when absent)."""
    attrs = _parse_attrs(raw)
    if b"r" in attrs:
        raise _Decline  # r twice: libxml2 rejects the sheet
    s = attrs.get(b"s")
    return None if s is None else _attr_value(s)


def workbook_formula_cells(path: Path | str | zipfile.ZipFile, sheet_name: str) -> set[tuple[int, int]]:
    """The (row 1-based, col 0-based) cells of ``sheet_name`` that hold a formula."""
    return read_sheet_styles(path, sheet_name, want_formulas=True).formulas
