"""What every edit of the annotated copy shares: the limits and words, the error it
raises, and the byte-level XML tools (find a part's root children, insert bytes at an offset,
parse a part again as a check)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..ooxml import xml as ox
from ..issues import ERROR, INFO, WARNING
from ..schema.palette import PALETTE


COMMENT_AUTHOR = "xlplan"

#: Issue codes about a cell's fill colour: the highlight must not hide the fill.
COLOUR_CODES = frozenset({"rag-colour-mismatch", "rag-from-colour"})

#: Codes that mean the file could not be opened as a workbook: nothing to annotate.
UNREADABLE_CODES = frozenset({"unreadable-file", "encrypted-file", "too-large", "unsafe-xml"})

MAX_COMMENT_CHARS = 32_000
MAX_CHECKED_PART = 64 * 2**20  # parts larger than this are not re-parsed after editing
MAX_CF_AREAS = 500  # cell ranges per highlight rule: keeps each sqref list short

CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"

#: Children of <worksheet> that must come after <conditionalFormatting> / <legacyDrawing>.
_AFTER_CF = ("dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup",
             "headerFooter", "rowBreaks", "colBreaks", "customProperties", "cellWatches",
             "ignoredErrors", "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF",
             "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts",
             "extLst")
_AFTER_LEGACY = ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
                 "webPublishItems", "tableParts", "extLst")
#: Children of <styleSheet> that come after <dxfs>.
_AFTER_DXFS = ("tableStyles", "colors", "extLst")

#: Highlight per severity: (fill RRGGBB or None, outline RRGGBB).
HIGHLIGHT = {
    ERROR: (PALETTE["error_fill"], PALETTE["error_outline"]),
    WARNING: (PALETTE["warning_fill"], PALETTE["warning_outline"]),
    INFO: (None, PALETTE["blue"]),
}
SEVERITY_WORD = {ERROR: "Error", WARNING: "Warning", INFO: "Note"}


class AnnotateError(ValueError):
    """This file cannot be annotated (not a workbook xlplan can open safely); says why."""


class Annotated(list):
    """The annotated copies written (a list of paths), plus ``skipped``: (file, reason) for
    each input with issues that could not be annotated."""

    def __init__(self, paths: Iterable[Path] = (), skipped: Iterable[tuple[str, str]] = ()):
        super().__init__(paths)
        self.skipped: list[tuple[str, str]] = list(skipped)


# ---------------------------------------------------------------------------------- XML helpers
def _parse(data: bytes, what: str):
    """A part parsed whole (comments and processing instructions kept: it is written back)."""
    try:
        return ox.parse(data)
    except ox.XMLSyntaxError as exc:
        raise AnnotateError(f"{what} is not well-formed XML ({exc})") from None


_local = ox.local


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)


# A start, end or empty tag (attribute values may hold '>'), or markup to step over.
_TOKEN = re.compile(
    rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!DOCTYPE"
    rb"|<(/?)([^\s/>!?]+)((?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*(/?)>",
    re.S)


@dataclass
class _Child:
    local: str
    start: int
    end: int = -1


@dataclass
class _Structure:
    """Where things are in a part's bytes: the root's start tag, its children, its end tag."""

    prefix: bytes              # b'' or b'x:' -- how the root's namespace is written
    root_attrs: bytes
    root_open_end: int
    root_close: int
    children: list[_Child] = field(default_factory=list)

    def first(self, names: Iterable[str]) -> int:
        """Offset of the first child named in ``names`` (else the root's end tag)."""
        wanted = set(names)
        for ch in self.children:
            if ch.local in wanted:
                return ch.start
        return self.root_close

    def child(self, name: str) -> _Child | None:
        return next((c for c in self.children if c.local == name), None)


def _structure(xml: bytes, skip: tuple[str, ...] = ("sheetData",)) -> _Structure:
    """Tokenise a part down to its root's direct children (``skip`` children are stepped over
    in one search: they never nest, and the sheet data is most of a sheet's bytes)."""
    depth = 0
    pos = 0
    st: _Structure | None = None
    while True:
        m = _TOKEN.search(xml, pos)
        if m is None:
            raise AnnotateError("a part of the workbook ends before its root element closes")
        pos = m.end()
        name = m.group(2)
        if name is None:
            if m.group(0) == b"<!DOCTYPE":
                raise AnnotateError("a part of the workbook declares a DTD")
            continue
        closing, attrs, empty = m.group(1), m.group(3), m.group(4)
        local = name.rsplit(b":", 1)[-1].decode("ascii", "replace")
        if closing:
            depth -= 1
            if depth == 0:
                assert st is not None
                st.root_close = m.start()
                return st
            if depth == 1 and st is not None and st.children:
                st.children[-1].end = m.end()
            continue
        if depth == 0:
            prefix = name[: -len(local)] if b":" in name else b""
            st = _Structure(prefix, attrs, m.end(), -1)
            if empty:
                raise AnnotateError("a part of the workbook has an empty root element")
            depth = 1
            continue
        if depth == 1:
            assert st is not None
            st.children.append(_Child(local, m.start(), m.end() if empty else -1))
            if not empty and local in skip:
                close = b"</" + name
                j = xml.find(close, pos)
                while j >= 0 and xml[j + len(close):j + len(close) + 1] not in (b">", b" ",
                                                                                b"\t", b"\r",
                                                                                b"\n"):
                    j = xml.find(close, j + 1)
                if j < 0:
                    raise AnnotateError(f"the {local} element of a sheet never closes")
                k = xml.find(b">", j)
                st.children[-1].end = k + 1
                pos = k + 1
                continue
        if not empty:
            depth += 1


def _splice(data: bytes, inserts: list[tuple[int, bytes]]) -> bytes:
    """Insert byte strings at offsets of the original (stable for equal offsets)."""
    out, last = [], 0
    for pos, blob in sorted(inserts, key=lambda t: t[0]):
        out.append(data[last:pos])
        out.append(blob)
        last = pos
    out.append(data[last:])
    return b"".join(out)


def _ns_prefix_for(attrs: bytes, uri: str) -> str | None:
    """The prefix a start tag's attributes bind to ``uri`` ('' for the default namespace)."""
    for m in re.finditer(rb"xmlns(?::([^\s=]+))?\s*=\s*(\"[^\"]*\"|'[^']*')", attrs):
        if m.group(2)[1:-1].decode("utf-8", "replace") == uri:
            return (m.group(1) or b"").decode("ascii", "replace")
    return None


def _check_xml(data: bytes, what: str) -> None:
    if len(data) <= MAX_CHECKED_PART:
        _parse(data, what)
