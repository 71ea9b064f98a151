"""What makes a part unsafe to hand to a parser (a DTD, entity declarations), how much of
each part is looked at for it, and the problem a member that cannot be read safely raises."""

from __future__ import annotations

import codecs
import html
import re

from ..catalogue import message


HEAD_BYTES = 64 << 10        # how much of each XML part is checked for a DOCTYPE


class _MemberProblem(Exception):
    """A member that cannot be read safely; carries the issue code and message."""

    def __init__(self, code: str, message: str, value: object = None):
        super().__init__(message)
        self.code, self.message, self.value = code, message, value


# ----------------------------------------------------------------------------------------------
# XML hazards
# ----------------------------------------------------------------------------------------------

_HAZARD_RE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_PROLOG_ITEM = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.DOTALL)
_REL_RE = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?Relationship\b([^>]*)>")
_SHEET_RE = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?sheet\b([^>]*)>")
_ATTR_RE = re.compile(rb"""([\w:.\-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _attrs(text: bytes) -> dict[str, str]:
    """Attributes of one tag as a dict with lower-case names (values unescaped)."""
    return {k.decode("ascii", "replace").lower():
            html.unescape((dq if dq is not None else sq).decode("utf-8", "replace"))
            for k, dq, sq in ((m.group(1), m.group(2), m.group(3))
                              for m in _ATTR_RE.finditer(text))}


def _xml_like(name: str, data: bytes) -> bool:
    if name.lower().endswith((".xml", ".rels", ".vml")):
        return True
    head = data[:64].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
    return head.startswith(b"<")


def _decode_head(data: bytes) -> bytes:
    """The bytes to search, as UTF-8-compatible text: UTF-16/32 parts are decoded first."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        enc = "utf-32"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        enc = "utf-16"
    elif data.startswith(b"<\x00\x00\x00") or data.startswith(b"\x00\x00\x00<"):
        enc = "utf-32-le" if data[0] == 0x3C else "utf-32-be"
    elif data.startswith(b"<\x00"):
        enc = "utf-16-le"
    elif data.startswith(b"\x00<"):
        enc = "utf-16-be"
    else:
        return data
    return data.decode(enc, "replace").encode("utf-8", "replace")


def _xml_hazard(data: bytes, whole: bool) -> str | None:
    """Why this XML must not be parsed (a DTD or entity declaration), or None: the
    ``unsafe-xml`` message, worded from the catalogue.

    A DOCTYPE may only appear before the root element, so for a large part the head is enough,
    provided the root element starts within it; a prolog padded past the head (comments or
    processing instructions) is itself refused. ``whole`` parts are searched end to end.
    """
    text = _decode_head(data)
    searched = text if whole else text[:HEAD_BYTES]
    # every declaration starts "<!": most parts have none, and a byte search is much cheaper
    m = _HAZARD_RE.search(searched) if b"<!" in searched else None
    if m:
        what = m.group(1).upper().decode()
        return message("unsafe-xml", "declaration", what=what)
    if whole or len(text) < HEAD_BYTES:
        return None  # everything there is was searched
    pos = 3 if text.startswith(b"\xef\xbb\xbf") else 0
    while True:  # skip the prolog: XML declaration, comments, processing instructions
        m = _PROLOG_ITEM.match(text, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
    while pos < len(text) and text[pos] in b" \t\r\n":
        pos += 1
    if pos >= len(text) or text.startswith((b"<?", b"<!"), pos):
        return message("unsafe-xml", "long-preamble")
    return None


