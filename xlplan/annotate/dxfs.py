"""``xl/styles.xml``: the highlight formats (``dxf``) the conditional formats point at."""

from __future__ import annotations

import re

from .base import HIGHLIGHT, _AFTER_DXFS, _check_xml, _splice, _structure
from .package import _Package


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
