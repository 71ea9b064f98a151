"""Annotated copies: each input that has issues, copied with a comment on every offending cell.

``xlplan validate --annotate DIR`` gives an SRO their own workbook back with a note on each cell
to fix: the issue's code, severity and message; several issues on one cell share one comment.
Issues that are not about one cell go where the SRO will see them:

* a row (``conflicting-ref``, ``missing-column`` on the header row): column A of that row;
* a column: its cell in row 1;
* a whole sheet: its cell A1;
* the whole file (``header-not-found``, ``macros-ignored``...), a sheet that is hidden, or a
  sheet the file no longer has: cell A1 of the first visible worksheet, naming the sheet;
* a cell covered by a merged range: the range's top-left cell (the only one Excel shows),
  naming the cell.

A sheet with more than :data:`.sheet.MAX_COMMENTS` (1,000) offending cells gets comments on the
worst 1,000 (errors first, then in sheet order) and a note on A1 counting the rest: every one of
them is still highlighted. (LibreOffice took 56 s to open a sheet with 11,000 notes, 7 s with
1,000, 1.7 s with none.)

The commented cells are also highlighted by a conditional format added to the sheet (errors
light red with a red outline, warnings light yellow with an amber outline, notes a blue outline;
colour issues about a RAG fill get the outline only, so the fill stays visible). A conditional
format leaves the SRO's own cell formats untouched, and "Clear Rules" removes it.

How: **the package is copied part by part and the comments are added at the zip level**,
never through openpyxl, which drops data validations and conditional formats stored as x14
extensions (an SRO's dropdowns pointing at another sheet, data bars) on load and save. For each
annotated sheet:

* ``xl/commentsN.xml`` is written (or, when the sheet already has comments, merged into: a cell
  with a comment of its own keeps it, and xlplan's text is added below it);
* a VML drawing holds the legacy comment shapes Excel and LibreOffice draw notes with (added to
  the sheet's existing VML drawing when it has one, shapes appended as text so that VML Excel
  wrote -- not always well-formed XML -- is kept as it was);
* the sheet's ``.rels`` gets the two relationships; ``[Content_Types].xml`` the comments part
  (and the ``vml`` default);
* the sheet XML gets a ``<legacyDrawing r:id>`` (unless it has one) and one
  ``<conditionalFormatting>`` block, both *inserted as bytes* at the position the schema
  requires: nothing else in the sheet -- its cells, its ``extLst`` -- is re-serialised;
* the styles part (``xl/styles.xml``, or whatever the workbook's relationships name) gets the
  highlight formats (``dxf``), inserted the same way.

Every other part is copied unchanged (same bytes, same order, same zip entry attributes).
Before anything is read, the input goes through :func:`xlplan.safety.check_package` (zip bombs,
DTDs and entities are refused), every XML part parsed uses a parser that resolves no entities
and loads nothing from the network, and every part written is parsed again as a check.
The input is opened read-only and never written; the copy is written to a temporary file next
to the target and renamed into place.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath
from typing import Iterable

from .. import atomic
from ..config import Limits
from ..ooxml.package import STRICT_MAIN_NS, related_part, workbook_part
from ..issues import ERROR, SEVERITY_ORDER, Issue

from .active import _neutralise
from .base import COMMENT_AUTHOR, UNREADABLE_CODES, AnnotateError, Annotated
from .cells import _place
from .content_types import _content_types
from .dxfs import _add_dxfs
from .package import _Package, _relationships, _sheets
from .sheet import _annotate_sheet
from .vml import _used_idmaps


__all__ = ["AnnotateError", "Annotated", "annotate_all", "annotate_file", "COMMENT_AUTHOR"]


# ----------------------------------------------------------------------------------- public
def annotate_file(src: str | os.PathLike, dst: str | os.PathLike,
                  issues: Iterable[Issue], limits: Limits | None = None) -> Path:
    """Write a copy of ``src`` at ``dst`` with a comment on every cell an issue points at (see
    the module docstring for where issues without a cell go) and those cells highlighted.

    ``src`` is only read. Raises :class:`AnnotateError` (a ``ValueError``) when ``src`` is not
    a workbook that can be annotated safely, or ``dst`` is ``src``; ``OSError`` when ``dst``
    cannot be written.
    """
    from ..safety import check_package

    src, dst = Path(src), Path(dst)
    issues = list(issues)
    try:
        same = dst.exists() and os.path.samefile(src, dst)
    except OSError:
        same = False
    if same or src.resolve() == dst.resolve():
        raise AnnotateError(f"the annotated copy would overwrite its input {src.name}")
    check = check_package(src, src.name, limits or Limits())
    if not check.ok:
        why = "; ".join(i.message for i in check.issues if i.severity == ERROR)
        raise AnnotateError(why or "it failed the safety checks")
    pkg = _Package(src)
    try:
        sheets = _sheets(pkg)
        notes, macro = _neutralise(pkg, sheets)
        if macro or dst.suffix.lower() in (".xlsm", ".xltm"):
            dst = dst.with_suffix(".xlsx")  # the copy has no macros: it is a plain workbook
            if dst.resolve() == src.resolve():
                raise AnnotateError(f"the annotated copy would overwrite its input {src.name}")
        issues = issues + notes
        placed = _place(issues, sheets) if issues else {}
        strict = any(pkg.find(s.part) and STRICT_MAIN_NS.encode() in pkg.read(s.part)[:2000]
                     for s in sheets[:1])
        dxf_of = None
        # one highlight per severity, with and without a fill (merged-cell moves can mix them)
        severities = sorted({n.issue.severity for cells in placed.values()
                             for t in cells.values() for n in t.notes},
                            key=lambda s: SEVERITY_ORDER.get(s, 9))
        wanted = [(sev, outline) for sev in severities for outline in (False, True)]
        styles_part = None
        wb_part = workbook_part(_relationships(pkg, ""), pkg.find)
        if wb_part:
            styles_part = related_part(_relationships(pkg, wb_part), "styles", pkg.find)
        if styles_part and wanted:
            dxf_of = _add_dxfs(pkg, styles_part, wanted)
        idmaps = _used_idmaps(pkg)
        before = set(pkg.added)
        for part, cells in placed.items():
            _annotate_sheet(pkg, part, cells, dxf_of, idmaps, strict)
        new_comments = [n for n in pkg.added if n not in before and
                        re.fullmatch(r"xl/comments\d+\.xml", n)]
        _content_types(pkg, new_comments)
        pkg.write(dst)
    finally:
        pkg.close()
    return dst


def _output_path(out_dir: Path, display: str, src: Path, taken: set[str]) -> Path:
    parts = [p for p in PurePosixPath(display.replace("\\", "/")).parts
             if p not in ("", ".", "..", "/") and not p.endswith(":")]
    rel = Path(*parts) if parts else Path(src.name)
    dst = out_dir / rel
    if dst.resolve() == src.resolve():
        dst = dst.with_name(f"{dst.stem} (annotated){dst.suffix}")
    base, n = dst, 2
    while str(dst).casefold() in taken:
        dst = base.with_name(f"{base.stem} ({n}){base.suffix}")
        n += 1
    taken.add(str(dst).casefold())
    return dst


def annotate_all(result, files: Iterable[tuple[Path, str]], out_dir: str | os.PathLike
                 ) -> Annotated:
    """An annotated copy, in ``out_dir``, of each file in ``files`` ((path, display name) as
    :func:`xlplan.api.collect_paths` gives them) that has issues in ``result``.

    Copies keep the file's name and its place relative to the folder given (a copy that would
    land on its input gets " (annotated)" added). Files that were skipped or could not be
    read are not copied; they are listed, with the reason, in the returned list's
    ``skipped``. Each file is checked against the ``[limits]`` of the programme ``result``
    was read with. Raises ``OSError`` when ``out_dir`` cannot be written.
    """
    out_dir = Path(out_dir)
    programme = getattr(result, "programme", None)
    limits = programme.limits if programme is not None else None
    by_file: dict[str, list[Issue]] = {}
    for issue in result.issues:
        by_file.setdefault(issue.file, []).append(issue)
    status = {f.path: f.status for f in result.files}
    written = Annotated()
    taken: set[str] = set()
    made_dir = False
    for path, display in files:
        issues = by_file.get(display)
        if not issues:
            continue
        st = status.get(display, "ok")
        if st in ("skipped", "failed") or any(i.code in UNREADABLE_CODES for i in issues):
            if st != "skipped":
                written.skipped.append((display, "it could not be read as a workbook"))
            continue
        if not made_dir:
            out_dir.mkdir(parents=True, exist_ok=True)
            made_dir = True
        dst = _output_path(out_dir, display, Path(path), taken)
        app = atomic.open_in(dst) if dst.exists() else None
        if app:  # one copy open in Excel: named, and the others written
            written.skipped.append((display, f"{dst.name} is open in {app}: close it there "
                                    "and run again"))
            continue
        try:
            written.append(annotate_file(path, dst, issues, limits))
        except AnnotateError as exc:
            written.skipped.append((display, str(exc)))
        except atomic.HeldFile as exc:
            written.skipped.append((display, exc.strerror))
    return written
