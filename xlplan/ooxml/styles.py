"""The styles table: what a cell's ``s`` index (into ``cellXfs``) means.

A cell's format is an index into ``<cellXfs>`` of styles.xml; each ``<xf>`` there points at a
fill (``fillId``), a font (``fontId``) and a number format (``numFmtId``: a built-in id or one
of ``<numFmts>``). :class:`StylesTable` reads that once, and answers what the readers ask:

* the fill colour of each xf (:meth:`StylesTable.fill_colours`: indexed, theme and rgb colours
  with tints resolved as Excel displays them; see :mod:`xlplan.styles` for the sources);
* the number format code of each xf, which xfs show dates, which show percentages and with how
  many decimals (a typed "84.8%" is stored as 0.848: the format is the only sign of it);
* which xfs are bold (a bold one-cell row heads a section in many scorecards).

Elements are matched by local name, so transitional, strict and prefixed styles parts read the
same. Malformed numbers in attributes never raise: they read as "no such fill/font/format".
"""
from __future__ import annotations

import re
from typing import Sequence

from .xml import local

__all__ = ["StylesTable", "Palette", "apply_tint", "read_theme", "fill_colour", "INDEXED_COLORS",
           "THEME_ORDER", "BUILTIN_DATE_FORMATS", "BUILTIN_FORMATS"]

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


def read_theme(root) -> list[str | None] | None:
    """clrScheme colours in SpreadsheetML index order (THEME_ORDER)."""
    if root is None:
        return None
    scheme = None
    for el in root.iter():
        if local(el.tag) == "clrScheme":
            scheme = el
            break
    if scheme is None:
        return None
    found: dict[str, str | None] = {}
    for slot in scheme:
        name = local(slot.tag)
        colour = None
        for c in slot:
            kind = local(c.tag)
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


class Palette:
    """Resolves CT_Color elements: the indexed palette (with the workbook's overrides) and
    the theme."""

    def __init__(self, indexed: list[str], theme: "Sequence[str | None] | None"):
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


def fill_colour(fill, palette: Palette) -> str | None:
    for child in fill:
        kind = local(child.tag)
        if kind == "patternFill":
            ptype = child.get("patternType")
            if not ptype or ptype == "none":
                return None
            for c in child:
                if local(c.tag) == "fgColor":
                    return palette.colour(c)
            return None
        if kind == "gradientFill":
            for stop in child:
                if local(stop.tag) != "stop":
                    continue
                for c in stop:
                    if local(c.tag) == "color":
                        return palette.colour(c)
                return None
            return None
    return None


#: Built-in number format ids that show a date or a time (ECMA-376 Part 1 §18.8.30).
BUILTIN_DATE_FORMATS = frozenset(set(range(14, 23)) | {27, 30, 36, 45, 46, 47, 50, 57})
#: Built-in number formats whose code matters to the readers (percentages).
BUILTIN_FORMATS = {9: "0%", 10: "0.00%"}
_QUOTED_OR_ESCAPED = re.compile(r'"[^"]*"|\\.')


def _int(value: str | None, default: int, bad: int) -> int:
    """An integer attribute: ``default`` when absent or empty, ``bad`` when not a number."""
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        return bad


class StylesTable:
    """One parsed styles.xml (``root``; None reads as an empty table)."""

    def __init__(self, root):
        self.sections: dict[str, object] = {}
        if root is not None:
            for child in root:
                self.sections.setdefault(local(child.tag), child)
        #: custom number formats: numFmtId -> format code
        self.number_formats: dict[int, str] = {}
        for fmt in self._children("numFmts", "numFmt"):
            try:
                self.number_formats[int(fmt.get("numFmtId", ""))] = fmt.get("formatCode") or ""
            except ValueError:
                continue
        #: per cellXfs entry: (numFmtId, fontId, fillId); -1 where the attribute is not a number
        self.xfs: list[tuple[int, int, int]] = [
            (_int(xf.get("numFmtId"), 0, 0), _int(xf.get("fontId"), 0, -1),
             _int(xf.get("fillId"), 0, -1))
            for xf in self._children("cellXfs", "xf")]

    def _children(self, section: str, tag: str) -> list:
        el = self.sections.get(section)
        return [] if el is None else [c for c in el if local(c.tag) == tag]

    # -- number formats -----------------------------------------------------------------------
    def format_code(self, num_fmt_id: int) -> str:
        """The code of a number format id ('' for a built-in one not in BUILTIN_FORMATS)."""
        return self.number_formats.get(num_fmt_id, BUILTIN_FORMATS.get(num_fmt_id, ""))

    def date_xfs(self) -> set[int]:
        """Indexes into ``cellXfs`` whose number format shows a date or time."""
        from openpyxl.styles.numbers import is_date_format

        out = set()
        for i, (fmt_id, _font, _fill) in enumerate(self.xfs):
            if fmt_id in self.number_formats:
                if is_date_format(self.number_formats[fmt_id]):
                    out.add(i)
            elif fmt_id in BUILTIN_DATE_FORMATS:
                out.add(i)
        return out

    def percent_decimals(self) -> dict[int, int]:
        """Indexes into ``cellXfs`` with a percentage format -> the decimals it shows."""
        out = {}
        for i, (fmt_id, _font, _fill) in enumerate(self.xfs):
            code = _QUOTED_OR_ESCAPED.sub("", self.format_code(fmt_id))
            if "%" in code:
                section = code.split(";")[0]
                decimals = section.split(".", 1)[1] if "." in section else ""
                out[i] = sum(1 for ch in decimals.split("%")[0] if ch in "0#")
        return out

    # -- fonts --------------------------------------------------------------------------------
    def bold_xfs(self) -> set[int]:
        """Indexes into ``cellXfs`` whose font is bold."""
        bold_fonts = set()
        for i, font in enumerate(self._children("fonts", "font")):
            b = next((c for c in font if local(c.tag) == "b"), None)
            if b is not None and b.get("val", "1").lower() not in ("0", "false"):
                bold_fonts.add(i)
        return {i for i, (_fmt, font, _fill) in enumerate(self.xfs) if font in bold_fonts}

    # -- fills --------------------------------------------------------------------------------
    def fill_colours(self, theme_root, problems: list[str]) -> list[str | None]:
        """cellXfs index -> resolved fill colour 'RRGGBB' (None for no fill). A theme colour
        asked for without a readable theme adds a sentence to ``problems``."""
        return self.fill_colours_in(read_theme(theme_root), problems)

    def fill_colours_in(self, theme: "Sequence[str | None] | None", problems: list[str]
                        ) -> list[str | None]:
        """:meth:`fill_colours` with the theme's colours already read (:func:`read_theme`)."""
        indexed = list(INDEXED_COLORS)
        colors = self.sections.get("colors")
        if colors is not None:
            for part in colors:
                if local(part.tag) == "indexedColors":
                    custom = [_hex6(c.get("rgb")) for c in part if local(c.tag) == "rgbColor"]
                    for i, c in enumerate(custom):
                        if i < len(indexed) and c:
                            indexed[i] = c
        palette = Palette(indexed, theme)
        fills = [fill_colour(f, palette) for f in self._children("fills", "fill")]
        if palette.theme_needed:
            problems.append("the workbook theme is missing or unreadable: theme fill colours "
                            "are not resolved")
        return [fills[fid] if 0 <= fid < len(fills) else None for _fmt, _font, fid in self.xfs]
