"""The comments part of a sheet: written new, or merged into the sheet's own comments."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from ..ooxml import xml as ox
from ..ooxml.package import MAIN_NS

from .base import COMMENT_AUTHOR, _local, _parse
from .cells import _Target, comment_text


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
