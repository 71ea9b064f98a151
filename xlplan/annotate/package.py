"""The input package being copied: its members read once, the edits to write, its
relationships and sheets (through :mod:`xlplan.ooxml.package`)."""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .. import atomic
from ..ooxml.package import Members, relationships, rels_part, workbook_part, workbook_sheets

from .base import AnnotateError, _parse


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
        self.members = Members(self.zf)   # the zip's names, looked up as Excel does
        self.names = self.members.exact
        self.changed: dict[str, bytes] = {}
        self.added: dict[str, bytes] = {}
        self.removed: set[str] = set()

    def find(self, name: str) -> str | None:
        """The member (or part added to the copy) a part name means, or None."""
        name = name.lstrip("/")
        if name in self.added:
            return name
        return self.members.find(name) or next(
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
