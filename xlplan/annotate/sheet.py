"""One annotated sheet: its comments, note shapes and relationships, and the
``<legacyDrawing>`` and ``<conditionalFormatting>`` inserted into the sheet XML as bytes."""

from __future__ import annotations

import posixpath
import re
from xml.sax.saxutils import quoteattr

from ..ooxml.package import MAIN_NS, PKG_REL_NS, REL_NS, STRICT_MAIN_NS, STRICT_REL_NS
from ..issues import SEVERITY_ORDER, col_letter

from .base import (MAX_CF_AREAS, _AFTER_CF, _AFTER_LEGACY, _check_xml,
                   _ns_prefix_for, _splice, _structure)
from .cells import _Target, _merges, _move_out_of_merges
from .comments import _merge_comments, _new_comments
from .package import _Package, _relationships, _rels_name
from .vml import _add_shapes, _new_vml


MAX_COMMENTS = 1000  # per sheet, see _cap


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
