"""Cell fill colours and formula cells, read straight from an xlsx package.

python-calamine reads the values but exposes no styles and does not say which cells held a
formula. Some SROs give a RAG status only as a cell's fill colour, so the reader needs the fill of
a few cells (usually one column) and the set of formula cells. Loading the workbook with openpyxl
for that costs about 19 ms per file and 4-5x a calamine read (see FIELD-NOTES.md, "Fill colours");
this module reads just what is needed from the zip with lxml:

* :func:`sheet_members` maps sheet names to their zip members (``xl/workbook.xml`` plus its rels).
* :func:`read_sheet_styles` streams one sheet's XML with ``lxml.etree.iterparse`` (memory stays
  flat for 100k-row sheets) and returns the resolved solid-fill colours of the requested cells and
  the set of cells that hold a formula.

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

import posixpath
import zipfile
from dataclasses import dataclass, field
from itertools import repeat
from operator import methodcaller
from pathlib import Path
from typing import IO

from lxml import etree

__all__ = [
    "SheetStyles",
    "sheet_members",
    "read_sheet_styles",
    "workbook_formula_cells",
    "apply_tint",
    "INDEXED_COLORS",
    "THEME_ORDER",
]

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_MAIN_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
_MAIN_NAMESPACES = (MAIN_NS, STRICT_MAIN_NS)
_REL_NS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)

#: Styles or theme parts bigger than this (uncompressed) are not parsed: no legitimate
#: styles.xml comes near it, and parsing it whole would cost that much memory.
MAX_STYLE_PART_BYTES = 64 * 1024 * 1024

#: SpreadsheetML ``theme="N"`` -> clrScheme element (note the lt/dk swap, see module doc).
THEME_ORDER = (
    "lt1", "dk1", "lt2", "dk2",
    "accent1", "accent2", "accent3", "accent4", "accent5", "accent6",
    "hlink", "folHlink",
)

#: The legacy indexed palette (ECMA-376 Part 1 §18.8.27, same table as openpyxl's COLOR_INDEX),
#: then 64 = system foreground, 65 = system background.
INDEXED_COLORS = (
    "000000", "FFFFFF", "FF0000", "00FF00", "0000FF", "FFFF00", "FF00FF", "00FFFF",
    "000000", "FFFFFF", "FF0000", "00FF00", "0000FF", "FFFF00", "FF00FF", "00FFFF",
    "800000", "008000", "000080", "808000", "800080", "008080", "C0C0C0", "808080",
    "9999FF", "993366", "FFFFCC", "CCFFFF", "660066", "FF8080", "0066CC", "CCCCFF",
    "000080", "FF00FF", "FFFF00", "00FFFF", "800080", "800000", "008080", "0000FF",
    "00CCFF", "CCFFFF", "CCFFCC", "FFFF99", "99CCFF", "FF99CC", "CC99FF", "FFCC99",
    "3366FF", "33CCCC", "99CC00", "FFCC00", "FF9900", "FF6600", "666699", "969696",
    "003366", "339966", "003300", "333300", "993300", "993366", "333399", "333333",
    "000000", "FFFFFF",
)

_SAFE_PARSER_KW = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(remove_comments=True, remove_pis=True, **_SAFE_PARSER_KW)


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
# Package navigation


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


class _Members:
    """Case-insensitive lookup of zip member names (targets may use odd casing/backslashes)."""

    def __init__(self, zf: zipfile.ZipFile):
        self.zf = zf
        self.exact = set()
        self.folded: dict[str, str] = {}
        for name in zf.namelist():
            self.exact.add(name)
            self.folded.setdefault(name.replace("\\", "/").lower(), name)

    def find(self, name: str) -> str | None:
        if name in self.exact:
            return name
        return self.folded.get(name.replace("\\", "/").lstrip("/").lower())


def _resolve_target(base_dir: str, target: str) -> str:
    target = target.replace("\\", "/").strip()
    if target.startswith("/"):
        path = target.lstrip("/")
    else:
        path = posixpath.join(base_dir, target)
    path = posixpath.normpath(path)
    while path.startswith("../"):
        path = path[3:]
    return "" if path == "." else path


def _rels_path(part: str) -> str:
    d, name = posixpath.split(part)
    return posixpath.join(d, "_rels", name + ".rels")


def _read_xml(members: _Members, name: str | None, *, limit: int | None = None):
    """Parse a package part safely; None if absent, too big or malformed."""
    if name is None:
        return None
    real = members.find(name)
    if real is None:
        return None
    try:
        info = members.zf.getinfo(real)
        if limit is not None and info.file_size > limit:
            return None
        data = members.zf.read(real)
        return etree.fromstring(data, _safe_parser())
    except Exception:  # malformed XML, bad CRC, truncated member...
        return None


def _relationships(members: _Members, part: str) -> list[tuple[str, str, str]]:
    """(Id, Type, resolved target) of a part's relationships."""
    root = _read_xml(members, _rels_path(part), limit=MAX_STYLE_PART_BYTES)
    if root is None:
        return []
    base = posixpath.dirname(part)
    out = []
    for rel in root:
        if _local(rel.tag) != "Relationship":
            continue
        if (rel.get("TargetMode") or "").lower() == "external":
            continue
        target = rel.get("Target")
        if not target:
            continue
        out.append((rel.get("Id") or "", rel.get("Type") or "", _resolve_target(base, target)))
    return out


def _workbook_part(members: _Members) -> str:
    for _id, typ, target in _relationships(members, ""):
        if typ.endswith("/officeDocument") and members.find(target):
            return members.find(target) or target
    return members.find("xl/workbook.xml") or "xl/workbook.xml"


def _sheet_members(members: _Members) -> tuple[dict[str, str], list[tuple[str, str, str]], str]:
    wb_part = _workbook_part(members)
    rels = _relationships(members, wb_part)
    by_id = {rid: target for rid, _typ, target in rels}
    root = _read_xml(members, wb_part, limit=MAX_STYLE_PART_BYTES)
    result: dict[str, str] = {}
    if root is None:
        return result, rels, wb_part
    for el in root.iter():
        if _local(el.tag) != "sheet":
            continue
        name = el.get("name")
        rid = None
        for ns in _REL_NS:
            rid = el.get(f"{{{ns}}}id")
            if rid:
                break
        if name is None or not rid or rid not in by_id:
            continue
        target = by_id[rid]
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
    return _sheet_members(_Members(zf))[0]


# --------------------------------------------------------------------------------------------
# Colours

_HLSMAX = 240
_RGBMAX = 255
_TINT_SHORT = 32767.0


def _rgb_to_hls(r: int, g: int, b: int) -> tuple[int, int, int]:
    """Windows integer RGB -> HLS (HLSMAX 240), as in Microsoft KB 29240."""
    cmax, cmin = max(r, g, b), min(r, g, b)
    total, span = cmax + cmin, cmax - cmin
    lum = (total * _HLSMAX + _RGBMAX) // (2 * _RGBMAX)
    if span == 0:
        return 0, lum, 0
    if lum <= _HLSMAX // 2:
        sat = (span * _HLSMAX + total // 2) // total
    else:
        rest = 2 * _RGBMAX - total
        sat = (span * _HLSMAX + rest // 2) // rest

    def dist(ch: int) -> int:
        return ((cmax - ch) * (_HLSMAX // 6) + span // 2) // span

    if r == cmax:
        hue = dist(b) - dist(g)
    elif g == cmax:
        hue = _HLSMAX // 3 + dist(r) - dist(b)
    else:
        hue = 2 * _HLSMAX // 3 + dist(g) - dist(r)
    return hue % _HLSMAX, lum, sat


def _hue_level(lo: int, hi: int, hue: int) -> int:
    hue %= _HLSMAX
    sixth = _HLSMAX // 6
    if hue < sixth:
        return lo + ((hi - lo) * hue + _HLSMAX // 12) // sixth
    if hue < _HLSMAX // 2:
        return hi
    if hue < 2 * _HLSMAX // 3:
        return lo + ((hi - lo) * (2 * _HLSMAX // 3 - hue) + _HLSMAX // 12) // sixth
    return lo


def _hls_to_rgb(hue: int, lum: int, sat: int) -> tuple[int, int, int]:
    if lum <= _HLSMAX // 2:
        hi = (lum * (_HLSMAX + sat) + _HLSMAX // 2) // _HLSMAX
    else:
        hi = lum + sat - (lum * sat + _HLSMAX // 2) // _HLSMAX
    lo = 2 * lum - hi

    def channel(offset: int) -> int:
        level = _hue_level(lo, hi, hue + offset)
        return min(max((level * _RGBMAX + _HLSMAX // 2) // _HLSMAX, 0), _RGBMAX)

    return channel(_HLSMAX // 3), channel(0), channel(-_HLSMAX // 3)


def _normalize_tint(tint: float) -> float:
    """Snap Excel's signed-short encodings of whole percentages (26213/32767) to the percentage."""
    whole = round(tint * 100) / 100
    return whole if abs(tint - whole) <= 1 / _TINT_SHORT else tint


def apply_tint(rgb: str, tint: float) -> str:
    """Apply a SpreadsheetML ``tint`` (-1..1) to 'RRGGBB' the way Excel displays it."""
    rgb = rgb.upper()
    if not tint:
        return rgb
    tint = max(-1.0, min(1.0, _normalize_tint(float(tint))))
    r, g, b = int(rgb[0:2], 16), int(rgb[2:4], 16), int(rgb[4:6], 16)
    hue, lum, sat = _rgb_to_hls(r, g, b)
    if tint < 0:
        moved = lum * (1.0 + tint)
    else:
        moved = lum * (1.0 - tint) + (_HLSMAX - _HLSMAX * (1.0 - tint))
    lum2 = min(max(int(moved), 0), _HLSMAX)
    return "%02X%02X%02X" % _hls_to_rgb(hue, lum2, sat)


def _hex6(value: str | None) -> str | None:
    if not value:
        return None
    v = value.strip().lstrip("#")
    if len(v) == 8:
        v = v[2:]
    if len(v) != 6:
        return None
    try:
        int(v, 16)
    except ValueError:
        return None
    return v.upper()


def _read_theme(root) -> list[str | None] | None:
    """clrScheme colours in SpreadsheetML index order (THEME_ORDER)."""
    if root is None:
        return None
    scheme = None
    for el in root.iter():
        if _local(el.tag) == "clrScheme":
            scheme = el
            break
    if scheme is None:
        return None
    found: dict[str, str | None] = {}
    for slot in scheme:
        name = _local(slot.tag)
        colour = None
        for c in slot:
            kind = _local(c.tag)
            if kind == "srgbClr":
                colour = _hex6(c.get("val"))
            elif kind == "sysClr":
                colour = _hex6(c.get("lastClr"))
                if colour is None:
                    colour = {"windowText": "000000", "window": "FFFFFF"}.get(c.get("val") or "")
            if colour:
                break
        found[name] = colour
    return [found.get(n) for n in THEME_ORDER]


class _Palette:
    def __init__(self, indexed: list[str], theme: list[str | None] | None):
        self.indexed = indexed
        self.theme = theme
        self.theme_needed = False  # a theme colour was asked for and there is no theme

    def colour(self, el) -> str | None:
        """Resolve a CT_Color element (fgColor, color) to 'RRGGBB', or None."""
        if el is None:
            return None
        get = el.get
        base = None
        rgb = get("rgb")
        if rgb is not None:
            base = _hex6(rgb)
        elif get("theme") is not None:
            try:
                i = int(get("theme"))
            except ValueError:
                return None
            if self.theme is None:
                self.theme_needed = True
                return None
            if not 0 <= i < len(self.theme):
                return None
            base = self.theme[i]
        elif get("indexed") is not None:
            try:
                i = int(get("indexed"))
            except ValueError:
                return None
            if 0 <= i < len(self.indexed):
                base = self.indexed[i]
        if base is None:  # auto="1" or nothing usable
            return None
        tint = get("tint")
        if tint:
            try:
                t = float(tint)
            except ValueError:
                t = 0.0
            if t:
                base = apply_tint(base, t)
        return base


def _fill_colour(fill, palette: _Palette) -> str | None:
    for child in fill:
        kind = _local(child.tag)
        if kind == "patternFill":
            ptype = child.get("patternType")
            if not ptype or ptype == "none":
                return None
            for c in child:
                if _local(c.tag) == "fgColor":
                    return palette.colour(c)
            return None
        if kind == "gradientFill":
            for stop in child:
                if _local(stop.tag) != "stop":
                    continue
                for c in stop:
                    if _local(c.tag) == "color":
                        return palette.colour(c)
                return None
            return None
    return None


def _xf_fill_table(styles_root, theme_root, problems: list[str]) -> list[str | None]:
    """cellXfs index -> resolved fill colour (None for no fill)."""
    if styles_root is None:
        return []
    sections: dict[str, object] = {}
    for child in styles_root:
        sections.setdefault(_local(child.tag), child)
    indexed = list(INDEXED_COLORS)
    colors = sections.get("colors")
    if colors is not None:
        for part in colors:
            if _local(part.tag) == "indexedColors":
                custom = [_hex6(c.get("rgb")) for c in part if _local(c.tag) == "rgbColor"]
                for i, c in enumerate(custom):
                    if i < len(indexed) and c:
                        indexed[i] = c
    palette = _Palette(indexed, _read_theme(theme_root))
    fills_el = sections.get("fills")
    fill_colours: list[str | None] = []
    if fills_el is not None:
        for f in fills_el:
            if _local(f.tag) == "fill":
                fill_colours.append(_fill_colour(f, palette))
    if palette.theme_needed:
        problems.append("the workbook theme is missing or unreadable: theme fill colours are not resolved")
    table: list[str | None] = []
    xfs = sections.get("cellXfs")
    if xfs is not None:
        for xf in xfs:
            if _local(xf.tag) != "xf":
                continue
            try:
                fid = int(xf.get("fillId") or 0)
            except ValueError:
                fid = -1
            table.append(fill_colours[fid] if 0 <= fid < len(fill_colours) else None)
    return table


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


def _open_zip(path) -> tuple[zipfile.ZipFile, bool]:
    if isinstance(path, zipfile.ZipFile):
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
    path: Path | str | zipfile.ZipFile,
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
    without opening anything. ``path`` may also be an open :class:`zipfile.ZipFile` (left open).

    Cells with no fill, ``patternType="none"`` or an unresolvable colour are absent from
    ``fills``. See the module docstring for colour rules, row/column styles, and error handling.
    """
    cells = set(cells) if cells else set()
    columns = set(columns) if columns else set()
    want_fills = bool(cells or columns)
    result = SheetStyles()
    if not want_fills and not want_formulas:
        return result

    zf, owned = _open_zip(path)
    try:
        members = _Members(zf)
        names, wb_rels, _wb_part = _sheet_members(members)
        member = _find_sheet(names, sheet_name)

        xf_fill: list[str | None] = []
        if want_fills:
            styles_part = next((t for _i, typ, t in wb_rels if typ.endswith("/styles")), "xl/styles.xml")
            theme_part = next((t for _i, typ, t in wb_rels if typ.endswith("/theme")), "xl/theme/theme1.xml")
            styles_root = _read_xml(members, styles_part, limit=MAX_STYLE_PART_BYTES)
            if styles_root is None:
                result.problems.append("styles.xml is missing, too large or unreadable: no fill colours")
            else:
                theme_root = _read_xml(members, theme_part, limit=MAX_STYLE_PART_BYTES)
                xf_fill = _xf_fill_table(styles_root, theme_root, result.problems)
            if not any(xf_fill):
                want_fills = False  # nothing can have a fill; keep scanning only for formulas
                if not want_formulas:
                    return result

        real = members.find(member)
        if real is None:
            result.problems.append(f"the sheet part {member!r} is missing from the package")
            return result
        with zf.open(real) as stream:
            _scan(stream, result, xf_fill if want_fills else None, cells, columns, want_formulas)
    finally:
        if owned:
            zf.close()
    return result


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
    n_xf = len(xf_fill) if xf_fill else 0
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
        c = xf_fill[i] if 0 <= i < n_xf else None  # type: ignore[index]
        style_cache[s] = c
        return c

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
    it = etree.iterparse(
        stream, events=("end",), tag=tags, remove_comments=True, remove_pis=True, **_SAFE_PARSER_KW
    )
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


def workbook_formula_cells(path: Path | str | zipfile.ZipFile, sheet_name: str) -> set[tuple[int, int]]:
    """The (row 1-based, col 0-based) cells of ``sheet_name`` that hold a formula."""
    return read_sheet_styles(path, sheet_name, want_formulas=True).formulas
