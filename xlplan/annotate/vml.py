"""The VML drawing holding the legacy comment shapes Excel and LibreOffice draw notes with."""

from __future__ import annotations

import math
import re

from .base import AnnotateError
from .cells import _Target, comment_text
from .package import _Package


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
