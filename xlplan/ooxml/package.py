"""The package: zip members, relationships and the workbook's sheets.

An .xlsx is a zip whose parts point at each other through relationship parts
(``_rels/.rels`` -> the workbook, ``xl/_rels/workbook.xml.rels`` -> sheets, styles, shared
strings, theme; a sheet's rels -> its comments and drawings). Writers differ in how they spell
the targets: relative to the part's folder (``worksheets/sheet1.xml``), absolute
(``/xl/worksheets/sheet1.xml``), with ``..`` or backslashes, or in another case than the zip
member. Excel accepts all of them, and so does everything here.
"""
from __future__ import annotations

import io
import posixpath
import zipfile
from typing import Callable, Iterator, NamedTuple

from .xml import local

__all__ = [
    "MAIN_NS", "STRICT_MAIN_NS", "MAIN_NAMESPACES", "REL_NS", "STRICT_REL_NS", "REL_NAMESPACES",
    "PKG_REL_NS", "CT_NS", "Members", "rels_part", "resolve_target", "Relationship",
    "relationships", "workbook_part", "related_part", "SheetRef", "workbook_sheets", "CONTENT_TYPES",
    "ContentTypes", "content_types", "PackageBytes",
]

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_MAIN_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
MAIN_NAMESPACES = (MAIN_NS, STRICT_MAIN_NS)
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_REL_NS = "http://purl.oclc.org/ooxml/officeDocument/relationships"
REL_NAMESPACES = (REL_NS, STRICT_REL_NS)
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"


class PackageBytes:
    """A package's parts held in memory, as read (and checked) once: the part of
    :class:`zipfile.ZipFile`'s interface the package readers use (``namelist``, ``getinfo``,
    ``read``, ``open``), so that a small workbook is not opened and inflated again by every
    reader after the safety check.

    ``parts`` must hold every member of ``infos`` with the bytes :meth:`zipfile.ZipFile.read`
    returns for it (the caller has checked each one's size and CRC); names are unique."""

    def __init__(self, infos: list[zipfile.ZipInfo], parts: dict[str, bytes]):
        self._infos = {info.filename: info for info in infos}
        self._parts = parts

    def namelist(self) -> list[str]:
        return list(self._infos)

    def getinfo(self, name: str) -> zipfile.ZipInfo:
        return self._infos[name]  # KeyError for a missing part, as zipfile raises

    def read(self, name: str) -> bytes:
        return self._parts[name]

    def open(self, name: str) -> io.BytesIO:
        return io.BytesIO(self._parts[name])

    def close(self) -> None:
        """Nothing to close (a :class:`zipfile.ZipFile` stand-in)."""

    def __enter__(self) -> "PackageBytes":
        return self

    def __exit__(self, *exc) -> None:
        """Left as it is: the parts stay readable (a ``with`` only marks their use)."""


class Members:
    """Case-insensitive lookup of zip member names (targets may use odd casing/backslashes)."""

    def __init__(self, zf: zipfile.ZipFile):
        self.zf = zf
        self.exact = set()
        self.folded: dict[str, str] = {}
        for name in zf.namelist():
            self.exact.add(name)
            self.folded.setdefault(name.replace("\\", "/").lower(), name)

    def find(self, name: str) -> str | None:
        """The member actually in the zip for a part name, or None."""
        if name in self.exact:
            return name
        return self.folded.get(name.replace("\\", "/").lstrip("/").lower())


def rels_part(part: str) -> str:
    """The relationships part of ``part`` ('' is the package: ``_rels/.rels``)."""
    d, name = posixpath.split(part)
    return posixpath.join(d, "_rels", name + ".rels")


def resolve_target(base_part: str, target: str) -> str:
    """A relationship target of ``base_part`` as a part name (no leading slash): relative to
    the part's folder unless absolute; backslashes and ``..`` past the root are forgiven."""
    target = target.replace("\\", "/").strip()
    if target.startswith("/"):
        path = target.lstrip("/")
    else:
        path = posixpath.join(posixpath.dirname(base_part), target)
    path = posixpath.normpath(path)
    while path.startswith("../"):
        path = path[3:]
    return "" if path == "." else path


class Relationship(NamedTuple):
    """One ``<Relationship>``: ``target`` is the resolved part name, or the target as written
    when ``mode`` is External (a URL, another workbook)."""

    id: str
    type: str
    target: str
    mode: str

    @property
    def external(self) -> bool:
        return self.mode.lower() == "external"


def relationships(root, part: str) -> list[Relationship]:
    """The relationships in a parsed rels part (``root``) of ``part``, in document order.
    A relationship without a target is kept with target ''."""
    out = []
    if root is None:
        return out
    for rel in root:
        if local(rel.tag) != "Relationship":
            continue
        mode = rel.get("TargetMode") or ""
        raw = rel.get("Target") or ""
        if mode.lower() == "external" or not raw:
            target = raw
        else:
            target = resolve_target(part, raw)
        out.append(Relationship(rel.get("Id") or "", rel.get("Type") or "", target, mode))
    return out


def workbook_part(package_rels: list[Relationship], find: Callable[[str], str | None]
                  ) -> str | None:
    """The workbook part the package relationships point at (the first that exists), else
    ``xl/workbook.xml`` when present."""
    for rel in package_rels:
        if rel.type.endswith("/officeDocument") and not rel.external and find(rel.target):
            return find(rel.target)
    return find("xl/workbook.xml")


def related_part(rels: list[Relationship], kind: str, find: Callable[[str], str | None],
                 default: str | None = None) -> str | None:
    """The member of the part a relationship of type ``.../kind`` points at (``"styles"``,
    ``"theme"``, ``"sharedStrings"``): the first such part present in the zip, else
    ``default`` when that is present, else None.

    The relationship, not the part's name, says which part it is: writers name their parts as
    they like (``xl/styles1.xml``, a workbook part outside ``xl/``)."""
    suffix = "/" + kind
    for rel in rels:
        if rel.type.endswith(suffix) and not rel.external and rel.target:
            found = find(rel.target)
            if found is not None:
                return found
    return None if default is None else find(default)


class SheetRef(NamedTuple):
    """A ``<sheet>`` of workbook.xml joined to its relationship (tab order)."""

    name: str | None
    target: str          # the resolved part name (not yet looked up in the zip)
    type: str            # the relationship type (worksheet, chartsheet, dialogsheet...)
    state: str           # visible / hidden / veryHidden

    @property
    def visible(self) -> bool:
        return self.state == "visible"

    @property
    def is_worksheet(self) -> bool:
        return self.type.endswith("/worksheet")


def workbook_sheets(wb_root, wb_rels: list[Relationship]) -> Iterator[SheetRef]:
    """Each sheet of a parsed workbook.xml whose ``r:id`` names an internal relationship."""
    by_id = {rel.id: rel for rel in wb_rels if not rel.external and rel.target}
    if wb_root is None:
        return
    for el in wb_root.iter():
        if local(el.tag) != "sheet":
            continue
        rid = None
        for ns in REL_NAMESPACES:
            rid = el.get(f"{{{ns}}}id")
            if rid:
                break
        rel = by_id.get(rid) if rid else None
        if rel is None:
            continue
        yield SheetRef(el.get("name"), rel.target, rel.type, el.get("state") or "visible")


#: The part that says what type every other part is.
CONTENT_TYPES = "[Content_Types].xml"


class ContentTypes(NamedTuple):
    """``[Content_Types].xml``: extension (lower case) -> type for the ``<Default>``s, part name
    (lower case, with its leading slash) -> type for the ``<Override>``s."""

    defaults: dict[str, str]
    overrides: dict[str, str]

    def of(self, part: str) -> str | None:
        """The content type of a part name (an override first, else its extension's)."""
        name = "/" + part.lstrip("/")
        found = self.overrides.get(name.lower())
        if found is None:
            base = name.rsplit("/", 1)[-1]   # "_rels/.rels" has the extension "rels"
            if "." in base:
                found = self.defaults.get(base.rsplit(".", 1)[1].lower())
        return found


def content_types(root) -> ContentTypes:
    """The ``<Default>`` and ``<Override>`` entries of a parsed ``[Content_Types].xml``."""
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for el in () if root is None else root:
        kind = local(el.tag)
        if kind == "Default":
            defaults.setdefault((el.get("Extension") or "").lower(), el.get("ContentType") or "")
        elif kind == "Override":
            overrides.setdefault((el.get("PartName") or "").lower(), el.get("ContentType") or "")
    return ContentTypes(defaults, overrides)
