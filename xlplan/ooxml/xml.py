"""The one safe XML parser setup for every part xlplan parses.

Parts come from files other people emailed, so no parse may expand entities, load a DTD or
touch the network. lxml's parser does all three only when asked; every parse in xlplan goes
through the functions here so that the switches are set in one place. The package check
(:mod:`xlplan.safety`) has already refused any part with a ``<!DOCTYPE``/``<!ENTITY`` before a
parser sees it; these settings are the second line.

Why lxml and not defusedxml: ``defusedxml.lxml`` is deprecated (pending removal) because lxml
itself no longer resolves external entities or loads DTDs unless told to, and
``defusedxml.ElementTree`` is built on the standard library's expat, which gives neither lxml's
speed nor ``iterparse(tag=...)``, ``getparent()`` and XPath that the sheet scans use.
"""
from __future__ import annotations

from lxml import etree

__all__ = ["XMLSyntaxError", "SAFE", "parser", "parse", "iterparse", "local"]

XMLSyntaxError = etree.XMLSyntaxError

#: The switches every parse sets: no entity expansion, no DTD, no network.
SAFE = dict(resolve_entities=False, no_network=True, load_dtd=False)


def parser(*, strip: bool = False, huge_tree: bool = False) -> etree.XMLParser:
    """A new safe parser. ``strip`` leaves comments and processing instructions out of the
    tree (readers that only look at elements); an editor that writes the part back keeps them.
    ``huge_tree`` lifts libxml2's depth and text-size limits (a sheet read cell by cell)."""
    return etree.XMLParser(remove_comments=strip, remove_pis=strip, huge_tree=huge_tree, **SAFE)


def parse(data: bytes | str, *, strip: bool = False):
    """The root element of a whole part; raises :class:`XMLSyntaxError` when malformed."""
    return etree.fromstring(data, parser(strip=strip))


def iterparse(source, *, events=("end",), tag=None, strip: bool = False,
              huge_tree: bool = False, **extra) -> etree.iterparse:
    """A streamed parse of a part (file object), with the safe switches."""
    if strip:
        extra.update(remove_comments=True, remove_pis=True)
    if tag is not None:
        extra["tag"] = tag
    return etree.iterparse(source, events=events, huge_tree=huge_tree, **SAFE, **extra)


def local(tag: object) -> str:
    """An element's tag without its namespace ('' for comments and processing instructions)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
