"""Active content left out of the copy: the VBA project, links to other workbooks and DDE
links, formulas reaching outside, embedded OLE objects and ActiveX controls."""

from __future__ import annotations

import re

from ..issues import INFO, Issue
from ..ooxml.package import workbook_part

from .base import _check_xml
from .content_types import _plain_content_types
from .package import _Package, _Sheet, _relationships, _rels_name


# ------------------------------------------------------------------------ active content
#: Relationship types (the end of the Type URI) whose targets run or fetch something: the VBA
#: project, links to other workbooks (and DDE links, stored the same way), embedded OLE
#: objects and packages, ActiveX controls.
ACTIVE_RELS = ("/vbaProject", "/externalLink", "/oleObject", "/package", "/control",
               "/activeXControlBinary", "/vbaProjectSignature")

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
    wb_part = workbook_part(_relationships(pkg, ""), pkg.find)
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
