"""Annotated copies: each input that has issues, copied with a comment on every offending cell.

``xlplan validate --annotate DIR`` gives an SRO their own workbook back with a note on each cell
to fix: the issue's code, severity and message; several issues on one cell share one comment.
Issues that are not about one cell go where the SRO will see them:

* a row (``conflicting-ref``, ``missing-column`` on the header row): column A of that row;
* a column: its cell in row 1;
* a whole sheet: its cell A1;
* the whole file (``header-not-found``, ``macros-ignored``...), a sheet that is hidden, or a
  sheet the file no longer has: cell A1 of the first visible worksheet, naming the sheet;
* a cell covered by a merged range: the range's top-left cell (the only one Excel shows),
  naming the cell.

A sheet with more than :data:`MAX_COMMENTS` (1,000) offending cells gets comments on the
worst 1,000 (errors first, then in sheet order) and a note on A1 counting the rest: every one of
them is still highlighted. (LibreOffice took 56 s to open a sheet with 11,000 notes, 7 s with
1,000, 1.7 s with none.)

The commented cells are also highlighted by a conditional format added to the sheet (errors
light red with a red outline, warnings light yellow with an amber outline, notes a blue outline;
colour issues about a RAG fill get the outline only, so the fill stays visible). A conditional
format leaves the SRO's own cell formats untouched, and "Clear Rules" removes it.

How: **the package is copied part by part and the comments are added at the zip level**,
never through openpyxl, which drops data validations and conditional formats stored as x14
extensions (an SRO's dropdowns pointing at another sheet, data bars) on load and save. For each
annotated sheet:

* ``xl/commentsN.xml`` is written (or, when the sheet already has comments, merged into: a cell
  with a comment of its own keeps it, and xlplan's text is added below it);
* a VML drawing holds the legacy comment shapes Excel and LibreOffice draw notes with (added to
  the sheet's existing VML drawing when it has one, shapes appended as text so that VML Excel
  wrote -- not always well-formed XML -- is kept as it was);
* the sheet's ``.rels`` gets the two relationships; ``[Content_Types].xml`` the comments part
  (and the ``vml`` default);
* the sheet XML gets a ``<legacyDrawing r:id>`` (unless it has one) and one
  ``<conditionalFormatting>`` block, both *inserted as bytes* at the position the schema
  requires: nothing else in the sheet -- its cells, its ``extLst`` -- is re-serialised;
* ``xl/styles.xml`` gets the highlight formats (``dxf``), inserted the same way.

Every other part is copied unchanged (same bytes, same order, same zip entry attributes).
Before anything is read, the input goes through :func:`xlplan.safety.check_package` (zip bombs,
DTDs and entities are refused), every XML part parsed uses a parser that resolves no entities
and loads nothing from the network, and every part written is parsed again as a check.
The input is opened read-only and never written; the copy is written to a temporary file next
to the target and renamed into place.
"""
from __future__ import annotations

import math
import os
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterable
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from . import atomic
from .config import Limits
from .ooxml import xml as ox
from .ooxml.package import (MAIN_NS, PKG_REL_NS, REL_NS, STRICT_MAIN_NS, STRICT_REL_NS,
                            relationships, rels_part, workbook_part, workbook_sheets)
from .issues import ERROR, INFO, SEVERITY_ORDER, WARNING, Issue, col_index, col_letter

__all__ = ["AnnotateError", "Annotated", "annotate_all", "annotate_file", "COMMENT_AUTHOR"]

COMMENT_AUTHOR = "xlplan"

#: Issue codes about a cell's fill colour: the highlight must not hide the fill.
COLOUR_CODES = frozenset({"rag-colour-mismatch", "rag-from-colour"})

#: Codes that mean the file could not be opened as a workbook: nothing to annotate.
UNREADABLE_CODES = frozenset({"unreadable-file", "encrypted-file", "too-large", "unsafe-xml"})

MAX_COMMENT_CHARS = 32_000
MAX_CHECKED_PART = 64 * 2**20
MAX_COMMENTS = 1000  # per sheet, see _cap
MAX_CF_AREAS = 500  # cell ranges per highlight rule: keeps each sqref list short  # parts larger than this are not re-parsed after editing

# Namespaces, transitional and strict.
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
    ERROR: ("FFC7CE", "C00000"),
    WARNING: ("FFEB9C", "ED7D31"),
    INFO: (None, "2F5597"),
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


# -------------------------------------------------------------------------------- the package
class _Package:
    """The input's zip members, read once, with the edits to write."""

    def __init__(self, src: Path):
        self.src = src
        try:
            self.zf = zipfile.ZipFile(src)
        except (zipfile.BadZipFile, OSError) as exc:
            raise AnnotateError(f"it is not a readable workbook ({exc})") from None
        self.infos = self.zf.infolist()
        self.names = {i.filename for i in self.infos}
        self.folded = {n.lower(): n for n in self.names}
        self.changed: dict[str, bytes] = {}
        self.added: dict[str, bytes] = {}
        self.removed: set[str] = set()

    def find(self, name: str) -> str | None:
        name = name.lstrip("/")
        if name in self.names or name in self.added:
            return name
        return self.folded.get(name.lower()) or next(
            (n for n in self.added if n.lower() == name.lower()), None)

    def read(self, name: str) -> bytes:
        if name in self.changed:
            return self.changed[name]
        if name in self.added:
            return self.added[name]
        return self.zf.read(name)

    def exists(self, name: str) -> bool:
        return self.find(name) is not None

    def set(self, name: str, data: bytes) -> None:
        real = self.find(name)
        if real is not None and real in self.names:
            self.changed[real] = data
        else:
            self.added[name.lstrip("/")] = data

    def free_name(self, pattern: str) -> str:
        n = 1
        while self.exists(pattern.format(n)):
            n += 1
        return pattern.format(n)

    def write(self, dst: Path) -> None:
        stamp = self.infos[0].date_time if self.infos else (1980, 1, 1, 0, 0, 0)
        dst.parent.mkdir(parents=True, exist_ok=True)
        tmp = atomic.temp_file(dst.parent)  # a killed run's is swept by the next
        try:
            with open(tmp, "wb") as fh, zipfile.ZipFile(fh, "w") as out:
                for info in self.infos:
                    if info.filename in self.removed:
                        continue
                    data = self.read(info.filename)
                    zi = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                    zi.compress_type = info.compress_type
                    zi.external_attr = info.external_attr
                    zi.create_system = info.create_system
                    zi.comment = info.comment
                    zi.extra = b""
                    out.writestr(zi, data)
                for name, data in self.added.items():
                    zi = zipfile.ZipInfo(name, date_time=stamp)
                    zi.compress_type = zipfile.ZIP_DEFLATED
                    zi.external_attr = 0o600 << 16
                    out.writestr(zi, data)
            os.chmod(tmp, atomic.new_file_mode())
            atomic.replace(tmp, dst)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def close(self) -> None:
        self.zf.close()


_rels_name = rels_part


def _relationships(pkg: _Package, part: str) -> list:
    """(Id, Type, resolved target, TargetMode) of a part's relationships."""
    name = pkg.find(rels_part(part))
    if name is None:
        return []
    return relationships(_parse(pkg.read(name), name), part)


@dataclass
class _Sheet:
    name: str
    part: str
    visible: bool
    is_worksheet: bool


def _sheets(pkg: _Package) -> list[_Sheet]:
    """The workbook's sheets in tab order, with their parts and visibility."""
    wb_part = workbook_part(_relationships(pkg, ""), pkg.find)
    if wb_part is None:
        raise AnnotateError("it has no workbook part (xl/workbook.xml)")
    rels = _relationships(pkg, wb_part)
    out = []
    for ref in workbook_sheets(_parse(pkg.read(wb_part), wb_part), rels):
        part = pkg.find(ref.target)
        if part is not None:
            out.append(_Sheet(ref.name or "", part, ref.visible, ref.is_worksheet))
    return out


# ------------------------------------------------------------------------ active content
#: Relationship types (the end of the Type URI) whose targets run or fetch something: the VBA
#: project, links to other workbooks (and DDE links, stored the same way), embedded OLE
#: objects and packages, ActiveX controls.
ACTIVE_RELS = ("/vbaProject", "/externalLink", "/oleObject", "/package", "/control",
               "/activeXControlBinary", "/vbaProjectSignature")
CT_XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"

#: A formula that reaches outside the workbook: a reference into another workbook ([1]Sheet!A1
#: or 'C:\\path\\[book.xlsx]Sheet'!A1), a DDE call (app|topic!item, e.g. cmd|' /C calc'!A0),
#: or a function that opens, fetches or calls something.
_OUTSIDE = re.compile(
    r"\[\d+\]|\[[^\]]*\.xl\w*\]|[A-Za-z0-9_.]+\s*\|"
    r"|\b(?:HYPERLINK|WEBSERVICE|FILTERXML|RTD|CALL|REGISTER(?:\.ID)?|IMAGE|STOCKHISTORY|EXEC"
    r"|DDE|DDEAUTO|INFO)\s*\(", re.IGNORECASE)
_FORMULA = re.compile(rb"<(?:\w+:)?f\b([^>]*?)(?:/>|>([^<]*)</(?:\w+:)?f>)")
_SI = re.compile(rb"""\bsi\s*=\s*["'](\d+)["']""")
_T_ATTR = re.compile(rb"""\st\s*=\s*["'](\w+)["']""")
_V = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_OLE_BLOCKS = re.compile(rb"<(?:\w+:)?(oleObjects|controls)\b.*?</(?:\w+:)?\1>", re.DOTALL)
_EMPTY_ALTERNATE = re.compile(
    rb"<mc:AlternateContent\b[^>]*>\s*<mc:Choice\b[^>]*>\s*</mc:Choice>\s*"
    rb"(?:<mc:Fallback>\s*</mc:Fallback>\s*)?</mc:AlternateContent>")


def _unxml(text: bytes) -> str:
    import html

    return html.unescape(text.decode("utf-8", "replace"))


def _drop_part(pkg: _Package, part: str) -> None:
    """Remove a part and its relationships part (and what those point at inside the package)."""
    real = pkg.find(part)
    if real is None or real in pkg.removed:
        return
    for _rid, _typ, target, mode in _relationships(pkg, real):
        if mode.lower() != "external":
            _drop_part(pkg, target)
    if real in pkg.names:
        pkg.removed.add(real)
    pkg.added.pop(real, None)
    rels = pkg.find(_rels_name(real))
    if rels is not None and rels in pkg.names:
        pkg.removed.add(rels)


def _drop_rels(pkg: _Package, part: str, ends: tuple[str, ...]) -> list[tuple[str, str]]:
    """Remove ``part``'s relationships of the given types (and their targets); returns
    (Id, type) of each removed."""
    name = pkg.find(_rels_name(part))
    if name is None:
        return []
    removed = []
    data = pkg.read(name)
    for rid, typ, target, mode in _relationships(pkg, part):
        if not typ.endswith(ends):
            continue
        pattern = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*\bId\s*=\s*[\"']"
                             + re.escape(rid.encode()) + rb"[\"'][^>]*/>")
        data = pattern.sub(b"", data, count=1)
        if mode.lower() != "external":
            _drop_part(pkg, target)
        removed.append((rid, typ))
    if removed:
        _check_xml(data, name)
        pkg.set(name, data)
    return removed


def _plain_formulas(data: bytes, sheet: str) -> tuple[bytes, list[Issue]]:
    """The sheet XML with every formula that reaches outside the workbook removed, so that the
    cell keeps the value Excel last saved for it; an ``active-content`` note per cell."""
    if b"<f" not in data and b":f" not in data:
        return data, []
    edits: list[tuple[int, int, bytes]] = []
    notes: list[Issue] = []
    masters: set[bytes] = set()
    for m in _FORMULA.finditer(data):
        text = _unxml(m.group(2) or b"")
        if not text or not _OUTSIDE.search(text):
            continue
        si = _SI.search(m.group(1))
        if si and b"shared" in m.group(1):
            masters.add(si.group(1))
        edits.append(_cell_edit(data, m, text, sheet, notes))
    if masters:  # cells sharing a removed formula lose it too (they keep their values)
        for m in _FORMULA.finditer(data):
            si = _SI.search(m.group(1))
            if si and si.group(1) in masters and not m.group(2) and b"shared" in m.group(1):
                edits.append(_cell_edit(data, m, "(shared)", sheet, notes))
    edits = sorted({e[0]: e for e in edits if e is not None}.values())
    out, last = [], 0
    for start, end, new in edits:
        if start < last:
            continue
        out += [data[last:start], new]
        last = end
    out.append(data[last:])
    return b"".join(out), notes


def _cell_edit(data: bytes, m: re.Match, text: str, sheet: str, notes: list[Issue]):
    start = max(data.rfind(b"<c ", 0, m.start()), data.rfind(b"<c>", 0, m.start()))
    end = data.find(b"</c>", m.end())
    if start < 0 or end < 0:
        return None
    end += 4
    cell = data[start:end]
    head_end = cell.find(b">") + 1
    head, inner = cell[:head_end], cell[head_end:-4]
    inner = inner.replace(m.group(0), b"", 1)
    ref = re.search(rb"""\br\s*=\s*["']([A-Za-z]+)(\d+)["']""", head)
    kind = _T_ATTR.search(head)
    if kind and kind.group(1) == b"str":  # a formula's text result: kept as plain text
        v = _V.search(inner)
        head = _T_ATTR.sub(b' t="inlineStr"', head, count=1)
        inner = b"<is><t xml:space=\"preserve\">" + (v.group(1) if v else b"") + b"</t></is>"
    if ref:
        shown = text if len(text) <= 120 else text[:117] + "..."
        notes.append(Issue("active-content", f"this cell's formula reached outside the "
                           f"workbook ({shown}); in this copy it is replaced by the value Excel "
                           "last saved for it", sheet=sheet, row=int(ref.group(2)),
                           column=ref.group(1).decode().upper(), value=text[:200]))
    return start, end, head + inner + b"</c>"


def _neutralise(pkg: _Package, sheets: list[_Sheet]) -> tuple[list[Issue], bool]:
    """Remove from the copy everything that runs or reaches outside: the VBA project, links to
    other workbooks (and DDE links), formulas that reach outside (their cached values stay),
    embedded OLE objects and ActiveX controls. Returns the notes saying what was done, and
    whether the copy must be named ``.xlsx``."""
    notes: list[Issue] = []
    done: list[str] = []
    wb_part = next((pkg.find(t) for _i, typ, t, _m in _relationships(pkg, "")
                    if typ.endswith("/officeDocument") and pkg.find(t)), None)
    if wb_part is None:
        return notes, False
    removed = _drop_rels(pkg, wb_part, ACTIVE_RELS)
    kinds = {typ.rsplit("/", 1)[-1] for _rid, typ in removed}
    if {"vbaProject", "vbaProjectSignature"} & kinds:
        done.append("its macros (VBA project) were removed")
    if "externalLink" in kinds:
        done.append("its links to other workbooks and DDE links were removed")
        data = pkg.read(wb_part)
        new = re.sub(rb"<(\w+:)?externalReferences\b.*?</(\w+:)?externalReferences>", b"",
                     data, flags=re.DOTALL)
        new = re.sub(rb"<(\w+:)?definedName\b[^>]*>[^<]*\[\d+\][^<]*</(\w+:)?definedName>",
                     b"", new)
        if new != data:
            _check_xml(new, wb_part)
            pkg.set(wb_part, new)
    formulas = 0
    objects = 0
    for sheet in sheets:
        if not sheet.is_worksheet or pkg.find(sheet.part) is None:
            continue
        objects += len(_drop_rels(pkg, sheet.part, ACTIVE_RELS))
        data = pkg.read(sheet.part)
        new, cells = _plain_formulas(data, sheet.name)
        if b"oleObjects" in new or b"controls" in new:
            new = _EMPTY_ALTERNATE.sub(b"", _OLE_BLOCKS.sub(b"", new))
        if new != data:
            _check_xml(new, sheet.part)
            pkg.set(sheet.part, new)
        formulas += len(cells)
        notes.extend(cells)
    if objects:
        done.append(f"{objects} embedded object(s) and ActiveX control(s) were removed")
    if formulas:
        done.append(f"{formulas} formula(s) reaching outside the workbook were replaced by "
                    "their last saved values (noted on each cell)")
        chain = next((t for _i, typ, t, _m in _relationships(pkg, wb_part)
                      if typ.endswith("/calcChain")), None)
        if chain:  # Excel rebuilds the calculation chain; a stale one makes it repair the file
            _drop_rels(pkg, wb_part, ("/calcChain",))
    macro = _plain_content_types(pkg)
    if done:
        notes.append(Issue("active-content", "In this annotated copy " + "; ".join(done)
                           + ". Your own workbook is unchanged.", severity=INFO))
    return notes, macro


def _plain_content_types(pkg: _Package) -> bool:
    """[Content_Types].xml of a plain .xlsx: no macro-enabled workbook type, nothing for a
    removed part. True when the workbook was macro-enabled."""
    name = pkg.find("[Content_Types].xml")
    if name is None:
        return False
    data = pkg.read(name)
    macro = b"macroEnabled" in data
    new = re.sub(rb'ContentType="application/vnd\.ms-excel\.sheet\.macroEnabled\.main\+xml"',
                 f'ContentType="{CT_XLSX_MAIN}"'.encode(), data)
    new = re.sub(rb"<(\w+:)?Default\b[^>]*ContentType=\"[^\"]*(?:vbaProject|oleObject|activeX)"
                 rb"[^\"]*\"[^>]*/>", b"", new)
    for part in pkg.removed:
        new = re.sub(rb"<(\w+:)?Override\b[^>]*PartName=\"/" + re.escape(part.encode())
                     + rb"\"[^>]*/>", b"", new, flags=re.IGNORECASE)
    if new != data:
        _check_xml(new, name)
        pkg.set(name, new)
    return macro


# ---------------------------------------------------------------------------- issues -> cells
_CELL = re.compile(r"^([A-Z]{1,3})(\d{1,7})$")


@dataclass
class _Note:
    issue: Issue
    where: str = ""   # '' when the comment sits on the issue's own cell, else what it is about


@dataclass
class _Target:
    row: int          # 1-based
    col: int          # 0-based
    notes: list[_Note] = field(default_factory=list)
    footer: str = ""  # a closing line (the note on cells left without a comment)

    @property
    def ref(self) -> str:
        return f"{col_letter(self.col)}{self.row}"

    @property
    def severity(self) -> str:
        return min((n.issue.severity for n in self.notes),
                   key=lambda s: SEVERITY_ORDER.get(s, 9), default=INFO)

    @property
    def colour_only(self) -> bool:
        """Every issue here is about the cell's fill: outline only, keep the fill visible."""
        worst = self.severity
        return all(n.issue.code in COLOUR_CODES for n in self.notes
                   if n.issue.severity == worst)


def _merges(sheet_xml: bytes, st: _Structure) -> list[tuple[int, int, int, int]]:
    """(first row, first col, last row, last col) of every merged range (1-based rows)."""
    ch = st.child("mergeCells")
    if ch is None or ch.end < 0:
        return []
    out = []
    for m in re.finditer(rb"ref\s*=\s*[\"']\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?",
                         sheet_xml[ch.start:ch.end]):
        c0, r0 = col_index(m.group(1).decode()), int(m.group(2))
        c1 = col_index(m.group(3).decode()) if m.group(3) else c0
        r1 = int(m.group(4)) if m.group(4) else r0
        out.append((min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)))
    return out


def _place(issues: list[Issue], sheets: list[_Sheet]) -> dict[str, dict[tuple[int, int], _Target]]:
    """Sheet part -> (row, col) -> the issues to comment there (before merged-cell moves)."""
    by_name = {s.name: s for s in sheets if s.is_worksheet}
    visible = [s for s in sheets if s.is_worksheet and s.visible]
    home = visible[0] if visible else next((s for s in sheets if s.is_worksheet), None)
    if home is None:
        raise AnnotateError("it has no worksheet to put comments on")
    placed: dict[str, dict[tuple[int, int], _Target]] = {}

    def add(sheet: _Sheet, row: int, col: int, note: _Note) -> None:
        cells = placed.setdefault(sheet.part, {})
        cells.setdefault((row, col), _Target(row, col)).notes.append(note)

    for issue in sorted(issues, key=Issue.sort_key):
        sheet = by_name.get(issue.sheet or "")
        if sheet is None or not sheet.visible:
            where = "the whole file" if not issue.sheet else f"sheet '{issue.sheet}'"
            if issue.sheet and issue.cell:
                where += f", {issue.cell}"
            add(home, 1, 0, _Note(issue, where))
            continue
        if issue.row is not None and issue.column:
            add(sheet, issue.row, col_index(issue.column), _Note(issue))
        elif issue.row is not None:
            add(sheet, issue.row, 0, _Note(issue, f"row {issue.row}"))
        elif issue.column:
            add(sheet, 1, col_index(issue.column), _Note(issue, f"column {issue.column}"))
        else:
            add(sheet, 1, 0, _Note(issue, "this sheet"))
    return placed


def _move_out_of_merges(cells: dict[tuple[int, int], _Target],
                        merges: list[tuple[int, int, int, int]]) -> list[_Target]:
    """Cells hidden under a merged range move to its top-left cell, naming the cell."""
    out: dict[tuple[int, int], _Target] = {}
    for (row, col), target in sorted(cells.items()):
        dest = (row, col)
        for r0, c0, r1, c1 in merges:
            if r0 <= row <= r1 and c0 <= col <= c1 and (row, col) != (r0, c0):
                dest = (r0, c0)
                break
        if dest != (row, col):
            for note in target.notes:
                note.where = note.where or f"cell {target.ref}"
        tgt = out.setdefault(dest, _Target(*dest))
        tgt.notes.extend(target.notes)
    return [out[k] for k in sorted(out)]


def comment_text(target: _Target) -> str:
    """The comment on one cell: one paragraph per issue, worst first."""
    notes = sorted(target.notes, key=lambda n: (SEVERITY_ORDER.get(n.issue.severity, 9),
                                                n.issue.code))
    lines = []
    for n in notes:
        i = n.issue
        where = f" [{n.where}]" if n.where else ""
        lines.append(f"{SEVERITY_WORD.get(i.severity, i.severity.title())} ({i.code}){where}: "
                     f"{i.message}")
    if len(lines) == 1:
        text = lines[0]
    else:
        text = f"{len(lines)} problems:\n" + "\n".join(f"- {line}" for line in lines)
    if target.footer:
        text = f"{text}\n\n{target.footer}" if lines else target.footer
    text = _clean(text)
    if len(text) > MAX_COMMENT_CHARS:
        text = text[: MAX_COMMENT_CHARS - 40] + "\n[... more: see the xlplan report]"
    return text


# ---------------------------------------------------------------------------- comments parts
_RUN_PR = ('<rPr>{bold}<sz val="9"/><color indexed="81"/><rFont val="Tahoma"/>'
           '<family val="2"/></rPr>')


def _runs_xml(text: str, *, lead: str = "") -> str:
    head = f"{COMMENT_AUTHOR}:"
    return (f'<r>{_RUN_PR.format(bold="<b/>")}<t>{lead}{escape(head)}</t></r>'
            f'<r>{_RUN_PR.format(bold="")}<t xml:space="preserve">\n{escape(text)}</t></r>')


def _new_comments(main_ns: str, targets: list[_Target]) -> bytes:
    parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
             f'<comments xmlns={quoteattr(main_ns)}><authors><author>{COMMENT_AUTHOR}</author>'
             '</authors><commentList>']
    for t in targets:
        parts.append(f'<comment ref="{t.ref}" authorId="0"><text>'
                     f'{_runs_xml(comment_text(t))}</text></comment>')
    parts.append("</commentList></comments>")
    return "".join(parts).encode("utf-8")


def _merge_comments(data: bytes, targets: list[_Target], what: str) -> tuple[bytes, set[str]]:
    """Add xlplan's comments to an existing comments part; returns the part and the refs that
    already had a comment (their shapes exist)."""
    root = _parse(data, what)
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else MAIN_NS
    q = lambda name: f"{{{ns}}}{name}"  # noqa: E731
    authors = root.find(q("authors"))
    if authors is None:
        authors = etree.Element(q("authors"))
        root.insert(0, authors)
    names = [a.text or "" for a in authors.findall(q("author"))]
    if COMMENT_AUTHOR in names:
        author_id = names.index(COMMENT_AUTHOR)
    else:
        etree.SubElement(authors, q("author")).text = COMMENT_AUTHOR
        author_id = len(names)
    clist = root.find(q("commentList"))
    if clist is None:
        clist = etree.SubElement(root, q("commentList"))
    existing = {}
    for c in clist.findall(q("comment")):
        existing[(c.get("ref") or "").replace("$", "").upper()] = c
    had: set[str] = set()
    wrapper = f'<x xmlns="{ns}">{{}}</x>'
    for t in targets:
        old = existing.get(t.ref)
        if old is not None:
            had.add(t.ref)
            text_el = old.find(q("text"))
            if text_el is None:
                text_el = etree.SubElement(old, q("text"))
            mine = old.get("authorId") == str(author_id) and COMMENT_AUTHOR in names
            if mine:  # xlplan's own comment from an earlier run: replace it, do not stack
                for child in list(text_el):
                    text_el.remove(child)
            lead = "" if mine or not len(text_el) else "\n\n"
            runs = ox.parse(wrapper.format(_runs_xml(comment_text(t), lead=lead)))
            # after any runs, before phonetic runs/properties (CT_Rst order: t, r*, rPh*, pPr)
            at = len(text_el)
            for k, child in enumerate(text_el):
                if _local(child.tag) in ("rPh", "phoneticPr"):
                    at = k
                    break
            for k, run in enumerate(list(runs)):
                text_el.insert(at + k, run)
        else:
            el = etree.fromstring(wrapper.format(
                f'<comment ref="{t.ref}" authorId="{author_id}"><text>'
                f'{_runs_xml(comment_text(t))}</text></comment>'))[0]
            clist.append(el)
    out = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return out, had


# --------------------------------------------------------------------------------- VML shapes
_VML_HEAD = ('<xml xmlns:v="urn:schemas-microsoft-com:vml" '
             'xmlns:o="urn:schemas-microsoft-com:office:office" '
             'xmlns:x="urn:schemas-microsoft-com:office:excel">'
             '<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{idmap}"/></o:shapelayout>')
_VML_SHAPETYPE = ('<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
                  'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
                  '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>')


def _shape(spid: int, z: int, t: _Target, text: str) -> str:
    lines = sum(max(1, math.ceil(len(part) / 42)) for part in text.split("\n"))
    rows = min(40, max(3, math.ceil(lines * 11 / 15) + 1))
    top = max(t.row - 2, 0)
    left = t.col + 1
    height = rows * 15
    return (f'<v:shape id="_x0000_s{spid}" type="#_x0000_t202" style="position:absolute;'
            f'margin-left:{59.25 + 48 * t.col:.2f}pt;margin-top:{1.5 + 15 * top:.1f}pt;'
            f'width:216pt;height:{height}pt;z-index:{z};visibility:hidden" '
            'fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
            '<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
            '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div>'
            '</v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
            f'<x:Anchor>{left}, 15, {top}, 10, {left + 4}, 15, {top + rows}, 4</x:Anchor>'
            f'<x:AutoFill>False</x:AutoFill><x:Row>{t.row - 1}</x:Row>'
            f'<x:Column>{t.col}</x:Column></x:ClientData></v:shape>')


def _used_idmaps(pkg: _Package) -> set[int]:
    used: set[int] = set()
    for name in [*pkg.names, *pkg.added]:
        if name.lower().endswith(".vml"):
            for m in re.finditer(rb"data\s*=\s*[\"']([\d,\s]+)[\"']", pkg.read(name)):
                used.update(int(x) for x in re.findall(rb"\d+", m.group(1)))
    return used


def _new_vml(idmap: int, targets: list[_Target]) -> bytes:
    shapes = "".join(_shape(1024 * idmap + 1 + k, k + 1, t, comment_text(t))
                     for k, t in enumerate(targets))
    return (_VML_HEAD.format(idmap=idmap) + _VML_SHAPETYPE + shapes + "</xml>").encode("utf-8")


def _add_shapes(vml: bytes, targets: list[_Target]) -> bytes:
    """Append comment shapes to an existing VML drawing, as text: Excel's VML is not always
    well-formed XML, and everything already in it must stay as it was."""
    ids = [int(x) for x in re.findall(rb"_x0000_s(\d+)", vml)]
    idmaps = [int(x) for m in re.finditer(rb"o:idmap[^>]*data\s*=\s*[\"']([\d,\s]+)[\"']", vml)
              for x in re.findall(rb"\d+", m.group(1))]
    base = max(ids) if ids else 1024 * (idmaps[0] if idmaps else 1)
    z = len(re.findall(rb"<v:shape[\s>]", vml))
    extra = ""
    if b"_x0000_t202" not in vml:
        extra += _VML_SHAPETYPE
    extra += "".join(_shape(base + 1 + k, z + 1 + k, t, comment_text(t))
                     for k, t in enumerate(targets))
    end = vml.rfind(b"</xml>")
    if end < 0:
        raise AnnotateError("the sheet's drawing of notes (VML) has no closing </xml>")
    return vml[:end] + extra.encode("utf-8") + vml[end:]


# ----------------------------------------------------------------------------- styles (dxfs)
def _dxf_xml(prefix: str, severity: str, outline_only: bool) -> str:
    fill, line = HIGHLIGHT[severity]
    p = prefix
    sides = "".join(f'<{p}{side} style="thin"><{p}color rgb="FF{line}"/></{p}{side}>'
                    for side in ("left", "right", "top", "bottom"))
    fill_xml = "" if outline_only or fill is None else (
        f'<{p}fill><{p}patternFill patternType="solid"><{p}bgColor rgb="FF{fill}"/>'
        f'</{p}patternFill></{p}fill>')
    return f"<{p}dxf>{fill_xml}<{p}border>{sides}</{p}border></{p}dxf>"


def _add_dxfs(pkg: _Package, styles_part: str, wanted: list[tuple[str, bool]]
              ) -> dict[tuple[str, bool], int]:
    """Append highlight dxfs to styles.xml (as bytes); their indexes by (severity, outline)."""
    data = pkg.read(styles_part)
    st = _structure(data, skip=("cellXfs", "cellStyleXfs", "fonts", "fills", "borders"))
    prefix = st.prefix.decode("ascii", "replace")
    dxfs = st.child("dxfs")
    out: dict[tuple[str, bool], int] = {}
    if dxfs is not None and dxfs.end >= 0:
        inner = data[dxfs.start:dxfs.end]
        if inner.rstrip().endswith(b"/>") and inner.count(b"<") == 1:  # <dxfs count="0"/>
            count = 0
            blob = "".join(_dxf_xml(prefix, s, o) for s, o in wanted)
            new = f'<{prefix}dxfs count="{len(wanted)}">{blob}</{prefix}dxfs>'.encode()
            data = data[:dxfs.start] + new + data[dxfs.end:]
        else:
            count = len(re.findall(rb"<(?:[\w.\-]+:)?dxf[\s>/]", inner))
            close = inner.rfind(b"</")
            blob = "".join(_dxf_xml(prefix, s, o) for s, o in wanted).encode()
            start_tag_end = inner.find(b">") + 1
            start_tag = inner[:start_tag_end]
            start_tag = re.sub(rb"\scount\s*=\s*[\"']\d*[\"']",
                               f' count="{count + len(wanted)}"'.encode(), start_tag)
            data = (data[:dxfs.start] + start_tag + inner[start_tag_end:close] + blob
                    + inner[close:] + data[dxfs.end:])
    else:
        count = 0
        blob = "".join(_dxf_xml(prefix, s, o) for s, o in wanted)
        new = f'<{prefix}dxfs count="{len(wanted)}">{blob}</{prefix}dxfs>'.encode()
        data = _splice(data, [(st.first(_AFTER_DXFS), new)])
    for k, key in enumerate(wanted):
        out[key] = count + k
    _check_xml(data, styles_part)
    pkg.set(styles_part, data)
    return out


def _check_xml(data: bytes, what: str) -> None:
    if len(data) <= MAX_CHECKED_PART:
        _parse(data, what)


# ------------------------------------------------------------------------------- one sheet
def _annotate_sheet(pkg: _Package, part: str, cells: dict[tuple[int, int], _Target],
                    dxf_of: dict[tuple[str, bool], int] | None, idmaps: set[int],
                    strict: bool) -> None:
    xml = pkg.read(part)
    st = _structure(xml)
    highlighted = _move_out_of_merges(cells, _merges(xml, st))
    targets = _cap(highlighted)
    prefix = st.prefix.decode("ascii", "replace")
    main_ns = STRICT_MAIN_NS if strict else MAIN_NS
    rel_ns = STRICT_REL_NS if strict else REL_NS
    rel_type = rel_ns + "/{}"

    rels = _relationships(pkg, part)
    by_id = {rid: (typ, target) for rid, typ, target, _m in rels}
    comments_part = next((t for _i, typ, t, _m in rels if typ.endswith("/comments")
                          and pkg.find(t)), None)
    legacy = st.child("legacyDrawing")
    vml_part = None
    if legacy is not None:
        m = re.search(rb"(?:[\w.\-]+:)?id\s*=\s*[\"']([^\"']+)[\"']",
                      xml[legacy.start:legacy.end])
        if m and m.group(1).decode() in by_id:
            vml_part = pkg.find(by_id[m.group(1).decode()][1])
    new_rels: list[tuple[str, str]] = []  # (type, absolute target part)

    # The comments.
    if comments_part is not None:
        comments_part = pkg.find(comments_part)
        data, had = _merge_comments(pkg.read(comments_part), targets, comments_part)
        pkg.set(comments_part, data)
    else:
        had = set()
        comments_part = pkg.free_name("xl/comments{}.xml")
        pkg.set(comments_part, _new_comments(main_ns, targets))
        new_rels.append(("comments", comments_part))
    shapes_needed = [t for t in targets if t.ref not in had]

    # The note shapes.
    inserts: list[tuple[int, bytes]] = []
    if vml_part is not None:
        if shapes_needed:
            pkg.set(vml_part, _add_shapes(pkg.read(vml_part), shapes_needed))
    else:
        idmap = max(idmaps | {0}) + 1
        idmaps.add(idmap)
        vml_part = pkg.free_name("xl/drawings/vmlDrawing{}.vml")
        pkg.set(vml_part, _new_vml(idmap, shapes_needed))
        new_rels.append(("vmlDrawing", vml_part))

    # The sheet's relationships.
    if new_rels:
        rels_name = pkg.find(_rels_name(part)) or _rels_name(part)
        used = {rid for rid in by_id}
        ids = []
        n = 1
        for _ in new_rels:
            while f"rId{n}" in used:
                n += 1
            used.add(f"rId{n}")
            ids.append(f"rId{n}")
        blob = "".join(
            f'<Relationship Id="{rid}" Type="{rel_type.format(kind)}" '
            f'Target={quoteattr(posixpath.relpath(target, posixpath.dirname(part)))}/>'
            for rid, (kind, target) in zip(ids, new_rels)).encode()
        if pkg.exists(rels_name):
            data = pkg.read(rels_name)
            rst = _structure(data, skip=())
            data = _splice(data, [(rst.root_close, blob)])
        else:
            data = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    b'<Relationships xmlns="' + PKG_REL_NS.encode() + b'">' + blob
                    + b"</Relationships>")
        _check_xml(data, rels_name)
        pkg.set(rels_name, data)
        vml_rid = dict(zip((k for k, _ in new_rels), ids)).get("vmlDrawing")
        if vml_rid is not None:
            r_prefix = _ns_prefix_for(st.root_attrs, rel_ns)
            if r_prefix:
                attr = f'{r_prefix}:id="{vml_rid}"'
            else:
                attr = f'xmlns:r="{rel_ns}" r:id="{vml_rid}"'
            inserts.append((st.first(_AFTER_LEGACY), f"<{prefix}legacyDrawing {attr}/>".encode()))

    # The highlight.
    if dxf_of is not None:
        priorities = [int(x) for x in re.findall(rb"\spriority\s*=\s*[\"'](\d+)[\"']", xml)]
        priority = max(priorities, default=0) + 1
        groups: dict[tuple[str, bool], list[tuple[int, int]]] = {}
        for t in highlighted:
            groups.setdefault((t.severity, t.colour_only), []).append((t.row, t.col))
        blocks = []
        for key in sorted(groups, key=lambda k: (SEVERITY_ORDER.get(k[0], 9), k[1])):
            areas = _areas(groups[key])
            for k in range(0, len(areas), MAX_CF_AREAS):
                sqref = " ".join(areas[k:k + MAX_CF_AREAS])
                blocks.append(f'<{prefix}conditionalFormatting sqref="{sqref}">'
                              f'<{prefix}cfRule type="expression" dxfId="{dxf_of[key]}" '
                              f'priority="{priority}"><{prefix}formula>TRUE</{prefix}formula>'
                              f'</{prefix}cfRule></{prefix}conditionalFormatting>')
                priority += 1
        inserts.append((st.first(_AFTER_CF), "".join(blocks).encode()))

    if inserts:
        xml = _splice(xml, inserts)
        _check_xml(xml, part)
        pkg.set(part, xml)
    return None


def _cap(targets: list[_Target]) -> list[_Target]:
    """At most MAX_COMMENTS cells of a sheet get a comment (worst first, then in sheet order):
    thousands of notes make a workbook slow to open (LibreOffice took 56 s for 11,000 against
    7 s for 1,000). The others stay highlighted, and cell A1 says how many there are."""
    if len(targets) <= MAX_COMMENTS:
        return targets
    ranked = sorted(targets, key=lambda t: (SEVERITY_ORDER.get(t.severity, 9), t.row, t.col))
    keep = {(t.row, t.col) for t in ranked[:MAX_COMMENTS - 1]}
    out = [t for t in targets if (t.row, t.col) in keep or (t.row, t.col) == (1, 0)]
    left = len(targets) - len(out)
    a1 = next((t for t in out if (t.row, t.col) == (1, 0)), None)
    if a1 is None:
        a1 = _Target(1, 0)
        out.insert(0, a1)
    a1.footer = (f"{left:,} more cells on this sheet have problems: they are highlighted but "
                 "carry no comment (too many to open quickly). The xlplan report lists them "
                 "all, cell by cell.")
    return out


def _areas(cells: list[tuple[int, int]]) -> list[str]:
    """Cells as ranges: runs of consecutive rows in one column become 'K2:K40'."""
    out: list[str] = []
    by_col: dict[int, list[int]] = {}
    for row, col in cells:
        by_col.setdefault(col, []).append(row)
    for col in sorted(by_col):
        rows = sorted(set(by_col[col]))
        start = prev = rows[0]
        for row in [*rows[1:], None]:
            if row is not None and row == prev + 1:
                prev = row
                continue
            a = f"{col_letter(col)}{start}"
            out.append(a if prev == start else f"{a}:{col_letter(col)}{prev}")
            if row is not None:
                start = prev = row
    return out


def _content_types(pkg: _Package, new_comment_parts: list[str]) -> None:
    name = pkg.find("[Content_Types].xml")
    if name is None:
        raise AnnotateError("it has no [Content_Types].xml")
    data = pkg.read(name)
    root = _parse(data, name)
    defaults = {(el.get("Extension") or "").lower() for el in root
                if _local(el.tag) == "Default"}
    overrides = {(el.get("PartName") or "").lower() for el in root
                 if _local(el.tag) == "Override"}
    blob = ""
    if "vml" not in defaults:
        blob += f'<Default Extension="vml" ContentType="{CT_VML}"/>'
    for part in new_comment_parts:
        if "/" + part.lower() not in overrides:
            blob += f'<Override PartName={quoteattr("/" + part)} ContentType="{CT_COMMENTS}"/>'
    if blob:
        st = _structure(data, skip=())
        data = _splice(data, [(st.root_close, blob.encode())])
        _check_xml(data, name)
        pkg.set(name, data)


# ----------------------------------------------------------------------------------- public
def annotate_file(src: str | os.PathLike, dst: str | os.PathLike,
                  issues: Iterable[Issue], limits: Limits | None = None) -> Path:
    """Write a copy of ``src`` at ``dst`` with a comment on every cell an issue points at (see
    the module docstring for where issues without a cell go) and those cells highlighted.

    ``src`` is only read. Raises :class:`AnnotateError` (a ``ValueError``) when ``src`` is not
    a workbook that can be annotated safely, or ``dst`` is ``src``; ``OSError`` when ``dst``
    cannot be written.
    """
    from .safety import check_package

    src, dst = Path(src), Path(dst)
    issues = list(issues)
    try:
        same = dst.exists() and os.path.samefile(src, dst)
    except OSError:
        same = False
    if same or src.resolve() == dst.resolve():
        raise AnnotateError(f"the annotated copy would overwrite its input {src.name}")
    check = check_package(src, src.name, limits or Limits())
    if not check.ok:
        why = "; ".join(i.message for i in check.issues if i.severity == ERROR)
        raise AnnotateError(why or "it failed the safety checks")
    pkg = _Package(src)
    try:
        sheets = _sheets(pkg)
        notes, macro = _neutralise(pkg, sheets)
        if macro or dst.suffix.lower() in (".xlsm", ".xltm"):
            dst = dst.with_suffix(".xlsx")  # the copy has no macros: it is a plain workbook
            if dst.resolve() == src.resolve():
                raise AnnotateError(f"the annotated copy would overwrite its input {src.name}")
        issues = issues + notes
        placed = _place(issues, sheets) if issues else {}
        strict = any(pkg.find(s.part) and STRICT_MAIN_NS.encode() in pkg.read(s.part)[:2000]
                     for s in sheets[:1])
        dxf_of = None
        # one highlight per severity, with and without a fill (merged-cell moves can mix them)
        severities = sorted({n.issue.severity for cells in placed.values()
                             for t in cells.values() for n in t.notes},
                            key=lambda s: SEVERITY_ORDER.get(s, 9))
        wanted = [(sev, outline) for sev in severities for outline in (False, True)]
        styles_part = None
        wb_part = next((pkg.find(t) for _i, typ, t, _m in _relationships(pkg, "")
                        if typ.endswith("/officeDocument") and pkg.find(t)), None)
        if wb_part:
            styles_part = next((pkg.find(t) for _i, typ, t, _m in _relationships(pkg, wb_part)
                                if typ.endswith("/styles") and pkg.find(t)), None)
        if styles_part and wanted:
            dxf_of = _add_dxfs(pkg, styles_part, wanted)
        idmaps = _used_idmaps(pkg)
        before = set(pkg.added)
        for part, cells in placed.items():
            _annotate_sheet(pkg, part, cells, dxf_of, idmaps, strict)
        new_comments = [n for n in pkg.added if n not in before and
                        re.fullmatch(r"xl/comments\d+\.xml", n)]
        _content_types(pkg, new_comments)
        pkg.write(dst)
    finally:
        pkg.close()
    return dst


def _output_path(out_dir: Path, display: str, src: Path, taken: set[str]) -> Path:
    parts = [p for p in PurePosixPath(display.replace("\\", "/")).parts
             if p not in ("", ".", "..", "/") and not p.endswith(":")]
    rel = Path(*parts) if parts else Path(src.name)
    dst = out_dir / rel
    if dst.resolve() == src.resolve():
        dst = dst.with_name(f"{dst.stem} (annotated){dst.suffix}")
    base, n = dst, 2
    while str(dst).casefold() in taken:
        dst = base.with_name(f"{base.stem} ({n}){base.suffix}")
        n += 1
    taken.add(str(dst).casefold())
    return dst


def annotate_all(result, files: Iterable[tuple[Path, str]], out_dir: str | os.PathLike
                 ) -> Annotated:
    """An annotated copy, in ``out_dir``, of each file in ``files`` ((path, display name) as
    :func:`xlplan.api.collect_paths` gives them) that has issues in ``result``.

    Copies keep the file's name and its place relative to the folder given (a copy that would
    land on its input gets " (annotated)" added). Files that were skipped or could not be
    read are not copied; they are listed, with the reason, in the returned list's
    ``skipped``. Each file is checked against the ``[limits]`` of the programme ``result``
    was read with. Raises ``OSError`` when ``out_dir`` cannot be written.
    """
    out_dir = Path(out_dir)
    programme = getattr(result, "programme", None)
    limits = programme.limits if programme is not None else None
    by_file: dict[str, list[Issue]] = {}
    for issue in result.issues:
        by_file.setdefault(issue.file, []).append(issue)
    status = {f.path: f.status for f in result.files}
    written = Annotated()
    taken: set[str] = set()
    made_dir = False
    for path, display in files:
        issues = by_file.get(display)
        if not issues:
            continue
        st = status.get(display, "ok")
        if st in ("skipped", "failed") or any(i.code in UNREADABLE_CODES for i in issues):
            if st != "skipped":
                written.skipped.append((display, "it could not be read as a workbook"))
            continue
        if not made_dir:
            out_dir.mkdir(parents=True, exist_ok=True)
            made_dir = True
        dst = _output_path(out_dir, display, Path(path), taken)
        app = atomic.open_in(dst) if dst.exists() else None
        if app:  # one copy open in Excel: named, and the others written
            written.skipped.append((display, f"{dst.name} is open in {app}: close it there "
                                    "and run again"))
            continue
        try:
            written.append(annotate_file(path, dst, issues, limits))
        except AnnotateError as exc:
            written.skipped.append((display, str(exc)))
        except atomic.HeldFile as exc:
            written.skipped.append((display, exc.strerror))
    return written
