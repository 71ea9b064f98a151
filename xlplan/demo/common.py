"""What every bundled example workbook shares: fixed timestamps and a byte-stable save, so the
same examples always give the same bytes (the demo's and the tests' outputs are repeatable)."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook


def period_parts(period: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{4})-(\d{2})", period or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"period must be YYYY-MM, got {period!r}")
    return int(match.group(1)), int(match.group(2))


def period_stamp(period: str) -> datetime:
    """The fixed 'created/modified' time of a period's workbooks: the 28th at noon."""
    year, month = period_parts(period)
    return datetime(year, month, 28, 12, 0, 0)


def save_stable(wb: Workbook, path: Path, when: datetime, title: str) -> Path:
    """Save with fixed document properties and zip timestamps (same workbook -> same bytes)."""
    props = wb.properties
    props.creator = "Plymouth Health and Wellbeing System"
    props.lastModifiedBy = "xlplan examples"
    props.title = title
    props.created = when
    props.modified = when
    buf = io.BytesIO()
    wb.save(buf)  # openpyxl stamps 'modified' with the current time: put the fixed one back
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            zinfo = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            zinfo.compress_type = zipfile.ZIP_DEFLATED
            zinfo.create_system = 3
            zinfo.external_attr = 0o600 << 16
            dst.writestr(zinfo, data)
    from ..atomic import write_bytes

    return write_bytes(path, out.getvalue(), mode=0o644)
