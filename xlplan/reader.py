"""Stage 1: a file on disk -> raw sheets (cell values as python-calamine gives them).

Order matters here. A folder of submissions holds whatever people emailed: lock files, PDFs,
old ``.xls`` files, password-protected workbooks, now and then something hostile. The checks in
:mod:`xlplan.safety` run on the bytes first, because python-calamine aborts the whole process
(an uncatchable SIGABRT) on some of those files; only a file that passes is handed to it.
Styles (fill colours for colour-only RAG) are not read here: :mod:`xlplan.styles` reads them
later, and only for the cells that need them.
"""
from __future__ import annotations

import datetime as dt
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .catalogue import message
from .config import Limits, Programme
from .issues import FileInfo, Issue, at
from .ooxml.package import PackageBytes
from .safety import check_package, sha256_file

#: The codes the reader raises itself, each worded from its catalogue templates (the package
#: check's findings, which it passes on, are declared in :mod:`xlplan.safety`).
CODES: tuple[str, ...] = ("unreadable-file", "skipped-file", "own-output", "hidden-sheet",
                          "encrypted-file", "unsafe-xml")

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
OTHER_EXCEL = {".xls", ".xlsb", ".ods", ".csv"}


@dataclass
class RawSheet:
    """One visible worksheet's values, indexed from A1 (row 0 = Excel row 1)."""

    name: str
    rows: list[list]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1
    #: (row0, col0) of the cells holding an Excel error value (the value is its text, "#REF!")
    errors: set[tuple[int, int]] = field(default_factory=set)

    def value(self, r: int, c: int):
        if 0 <= r < len(self.rows):
            row = self.rows[r]
            if 0 <= c < len(row):
                return row[c]
        return ""


@dataclass
class RawWorkbook:
    path: Path
    display: str
    sheets: list[RawSheet]
    info: FileInfo
    macro_enabled: bool = False
    #: "template" for a template xlplan wrote that nobody has saved since (see :func:`own_output`)
    own_output: str = ""
    #: the package's parts as the safety check read them (a small workbook), else None: what
    #: the styles and formula readers read instead of opening the file again
    package: PackageBytes | None = None

    @property
    def source(self) -> Path | PackageBytes:
        """What the package readers (:mod:`xlplan.styles`) are given: the parts in memory
        when held, else the file."""
        return self.package if self.package is not None else self.path


def display_name(path: Path, root: Path | None) -> str:
    """How a file is named in reports: relative to the folder the user gave, else as given."""
    if root is not None:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def file_info(path: Path, display: str) -> FileInfo:
    stat = path.stat()
    return FileInfo(
        path=display,
        sha256=sha256_file(path),
        size=stat.st_size,
        modified=dt.datetime.fromtimestamp(stat.st_mtime, dt.timezone.utc)
        .replace(microsecond=0).isoformat().replace("+00:00", "Z"),
    )


def skip_reason(path: Path) -> tuple[str, str] | None:
    """Why a file in a submissions folder is not a workbook to read, as its ``skipped-file``
    case (worded in the catalogue) and its extension as shown, or None to read it."""
    name = path.name
    suffix = path.suffix.lower()
    shown = suffix or "no extension"
    if name.startswith("~$"):
        return "lock-file", shown
    if name.startswith(".") or name.lower() in {"thumbs.db", "desktop.ini"}:
        return "system-file", shown
    if suffix in EXCEL_SUFFIXES:
        return None
    if suffix == ".xls":
        return None  # read by the safety check, which explains the old format
    return "not-excel", shown


def read_workbook(path: Path, display: str, programme: Programme
                  ) -> tuple[RawWorkbook | None, FileInfo, list[Issue]]:
    """Raw sheets of one file, or None (with the issues saying why) when it cannot be read."""
    issues: list[Issue] = []
    try:
        info = file_info(path, display)
    except OSError as exc:
        info = FileInfo(path=display, status="failed")
        issues.append(at("unreadable-file", message("unreadable-file", "cannot-open",
                                                    reason=exc.strerror or exc), file=display))
        return None, info, issues

    skipped = skip_reason(path)
    if skipped:
        info.status = "skipped"
        case, suffix = skipped
        issues.append(at("skipped-file", message("skipped-file", case, suffix=suffix),
                         file=display))
        return None, info, issues

    limits = programme.limits
    check = check_package(path, display, limits, sparse_ok=True)
    issues.extend(check.issues)
    if not check.ok:
        info.status = "failed"
        return None, info, issues

    sheets = None
    if check.sparse or check.bad_index_sheets:
        # never handed to python-calamine, which would build the whole grid (sparse), or
        # silently read a bad shared-string index as the first string
        sheets, hidden = _read_tolerant(path, display, limits, issues)
        if check.sparse and (sheets is None or not any(s.rows for s in sheets)):
            # nothing but far-away cells: the sheet is refused as too large, as it says
            issues[:] = [i for i in issues if i.code != "stray-cell"]
            issues.extend(check.sparse.values())
            info.status = "failed"
            return None, info, issues
    if sheets is None:
        try:
            sheets, hidden = _read_values(path)
            if check.error_sheets:
                _put_back_errors(path, sheets, check.error_sheets)
        except MemoryError:  # too big for this run's memory: the caller sets the file aside
            raise
        except Exception as exc:  # calamine raises its own types; any failure is this file's
            first = _calamine_issue(exc, display)
            sheets = None
            if first.code == "unreadable-file":  # maybe one bad cell: read it cell by cell
                sheets, hidden = _read_tolerant(path, display, limits, issues)
            if sheets is None:
                info.status = "failed"
                issues.append(first)
                return None, info, issues
    own = own_output(path, hidden, check.sparse, check.core_properties)
    if own == "consolidated":
        info.status = "skipped"
        issues[:] = [i for i in issues if i.code not in ("macros-ignored", "external-link")]
        issues.append(at("own-output", message("own-output", "consolidated"), file=display))
        return None, info, issues
    for name in hidden:
        issues.append(at("hidden-sheet", message("hidden-sheet", sheet=name), file=display,
                         sheet=name))
    raw = RawWorkbook(path, display, sheets, info, check.macro_enabled, own, check.package)
    return raw, info, issues


#: A1 of the hidden sheet xlplan writes into every consolidated workbook (xlplan.write.meta).
META_SHEET, META_MARK = "xlplan", "Layout data for xlplan"
#: What ``xlplan template`` writes into a template's document properties.
TEMPLATE_MARK = "Made by xlplan template"


def own_output(path: Path, hidden: list[str], sparse=(), core: bytes | None = None) -> str:
    """"consolidated" for a consolidated workbook xlplan wrote (its hidden metadata sheet),
    "template" for a template xlplan wrote that has not been saved since (an SRO who fills it
    in saves it, and Excel, LibreOffice and openpyxl then update the modified time), else ""."""
    if META_SHEET in hidden and not sparse:
        try:
            import python_calamine as pc

            wb = pc.CalamineWorkbook.from_path(os.fspath(path))
            try:
                first = wb.get_sheet_by_name(META_SHEET).to_python(nrows=1)
            finally:
                wb.close()
            if first and first[0] and str(first[0][0]).startswith(META_MARK):
                return "consolidated"
        except Exception:  # noqa: BLE001 - not ours after all
            pass
    if core is None:  # not handed over by the safety check: read it here
        try:
            with zipfile.ZipFile(path) as zf:
                info = zf.getinfo("docProps/core.xml")
                core = zf.read(info) if info.file_size <= 1 << 16 else b""
        except (KeyError, OSError, zipfile.BadZipFile):
            return ""
    if TEMPLATE_MARK.encode() not in core:
        return ""
    core = core.decode("utf-8", "replace")
    import re

    def prop(name: str) -> str:
        m = re.search(rf"<(?:\w+:)?{name}\b[^>]*>([^<]*)<", core)
        return m.group(1).strip() if m else ""

    if prop("lastModifiedBy") in ("", "xlplan") and prop("modified") == prop("created"):
        return "template"
    return ""


def _calamine_issue(exc: Exception, display: str) -> Issue:
    name = type(exc).__name__
    if name == "PasswordError":
        return at("encrypted-file", message("encrypted-file", "reader-password"), file=display)
    if name == "XmlError" and "entit" in str(exc).lower():
        return at("unsafe-xml", message("unsafe-xml", "reader-entities"), file=display)
    return at("unreadable-file", message("unreadable-file", "damaged", reason=f"{name}: {exc}"),
              file=display)


def _read_tolerant(path: Path, display: str, limits: Limits, issues: list[Issue]
                   ) -> tuple[list[RawSheet] | None, list[str]]:
    """The workbook read by :mod:`xlplan.tolerant` (cells one by one; unreadable cells blank
    and reported, stray far cells reported), or (None, []) if that fails too."""
    from .tolerant import read_book

    try:
        book = read_book(path, display, max_rows=limits.max_rows,
                         max_columns=limits.max_columns)
    except Exception:  # noqa: BLE001 - the caller reports the fast reader's message instead
        return None, []
    issues.extend(book.issues)
    return [RawSheet(s.name, s.rows, s.merged, s.errors) for s in book.sheets], book.hidden


def _put_back_errors(path: Path, sheets: list[RawSheet], members: set[str]) -> None:
    """Excel error values (#REF!, #N/A...) into the cells python-calamine read as blank."""
    from .styles import sheet_members
    from .tolerant import error_cells

    with zipfile.ZipFile(path) as zf:
        by_member = {m: n for n, m in sheet_members(zf).items()}
    by_name = {s.name: s for s in sheets}
    for member in members:
        sheet = by_name.get(by_member.get(member, ""))
        if sheet is None:
            continue
        for (r, c), text in error_cells(path, member).items():
            while len(sheet.rows) <= r:
                sheet.rows.append([""] * (len(sheet.rows[0]) if sheet.rows else 0))
            row = sheet.rows[r]
            if len(row) <= c:
                row.extend([""] * (c + 1 - len(row)))
            if row[c] in ("", None):
                row[c] = text
                sheet.errors.add((r, c))


def _read_values(path: Path) -> tuple[list[RawSheet], list[str]]:
    import python_calamine as pc  # imported here so `xlplan --help` starts fast

    sheets: list[RawSheet] = []
    hidden: list[str] = []
    wb = pc.CalamineWorkbook.from_path(os.fspath(path))
    try:
        for meta in wb.sheets_metadata:
            if meta.typ != pc.SheetTypeEnum.WorkSheet:
                continue
            if meta.visible != pc.SheetVisibleEnum.Visible:
                hidden.append(meta.name)
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False)
            merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
            sheets.append(RawSheet(meta.name, rows, merged))
    finally:
        wb.close()
    return sheets, hidden


def sheet_has_formulas(path: Path | PackageBytes, sheet_name: str) -> bool:
    """Cheap test for any ``<f>`` element in a sheet's XML, before a full styles parse."""
    from .styles import sheet_members

    with (path if isinstance(path, PackageBytes) else zipfile.ZipFile(path)) as zf:
        member = sheet_members(zf).get(sheet_name)
        if not member:
            return False
        with zf.open(member) as fh:
            tail = b""
            while chunk := fh.read(1 << 20):
                block = tail + chunk
                if b"<f>" in block or b"<f " in block or b"<f/>" in block:
                    return True
                tail = block[-4:]
    return False
