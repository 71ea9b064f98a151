"""``[Content_Types].xml``: the comments parts and the VML default added, the macro-enabled
workbook type and removed parts taken out."""

from __future__ import annotations

import re
from xml.sax.saxutils import quoteattr

from ..ooxml.package import CONTENT_TYPES, content_types

from .base import AnnotateError, CT_COMMENTS, CT_VML, _check_xml, _parse, _splice, _structure
from .package import _Package


#: The content type of a plain (not macro-enabled) workbook part.
CT_XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def _plain_content_types(pkg: _Package) -> bool:
    """[Content_Types].xml of a plain .xlsx: no macro-enabled workbook type, nothing for a
    removed part. True when the workbook was macro-enabled."""
    name = pkg.find(CONTENT_TYPES)
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


def _content_types(pkg: _Package, new_comment_parts: list[str]) -> None:
    name = pkg.find(CONTENT_TYPES)
    if name is None:
        raise AnnotateError("it has no [Content_Types].xml")
    data = pkg.read(name)
    types = content_types(_parse(data, name))
    blob = ""
    if "vml" not in types.defaults:
        blob += f'<Default Extension="vml" ContentType="{CT_VML}"/>'
    for part in new_comment_parts:
        if "/" + part.lower() not in types.overrides:
            blob += f'<Override PartName={quoteattr("/" + part)} ContentType="{CT_COMMENTS}"/>'
    if blob:
        st = _structure(data, skip=())
        data = _splice(data, [(st.root_close, blob.encode())])
        _check_xml(data, name)
        pkg.set(name, data)
