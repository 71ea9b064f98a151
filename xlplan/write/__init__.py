"""Stage 6: a merged month -> the one consolidated workbook for the programme board.

:func:`write_consolidated` writes the sheets of :data:`SHEETS` in order, each from its own
module, with xlsxwriter set never to turn text into formulas, links or numbers (every input text
cell goes through ``write_string``), every formula carrying the value it computes, and fixed
document properties and zip timestamps so that the same :class:`~xlplan.merging.Merged` always
gives the same bytes. The file is written next to the target and renamed into place: a reader
never sees half a workbook, and a failed write leaves nothing behind.

Only xlsxwriter's public API is used, so any xlsxwriter 3.x writes the same workbook. The
package's parts are assembled in temporary files in a private folder beside the target (removed
afterwards), not in memory.

Adding a sheet is one line in :data:`SHEETS`: a writer ``fn(wb, merged, fmts)`` that adds its
worksheet (named from :mod:`xlplan.consolidated`) and a condition on the merged month. Write cells
with :func:`xlplan.write.formats.put` / ``put_text`` (text stays text; long text is cut to
Excel's limit and recorded) and formulas with ``formats.formula`` (value cached). A sheet with
a row per action, risk or issue writes its rows with ``formats.put_row`` (as
``tables.write_table`` does).
"""
from __future__ import annotations

import datetime as dt
import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from .. import atomic, procs
from ..consolidated import ACTIONS, action_layout
from ..catalogue import message
from ..issues import Issue, at
from .actions import write_actions
from .changes import write_changes
from .dashboard import DASHBOARD_SECTIONS, write_dashboard
from .exceptions import has_exceptions, write_exceptions
from .formats import EXCEL_MAX_TEXT, Formats, utf16_len
from .history import write_history
from .issues_sheet import write_issues
from .heatmap import dashboard_risk_block, write_heatmap
from .meta import write_meta
from .risks import write_risks
from .scorecard import write_scorecard
from .submissions import write_submissions

__all__ = ["OutputError", "SHEETS", "SheetSpec", "Written", "write_consolidated"]

#: The codes the writer raises about what it wrote, each worded from its catalogue templates.
CODES: tuple[str, ...] = ("text-truncated",)

#: xlsxwriter must never reinterpret text: see FIELD-NOTES "Text that looks like a formula".
#: (``in_memory``: for a small workbook made with these options outside
#: :func:`build_workbook`, which writes through temporary files instead to keep memory flat.)
WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "in_memory": True,  # no temp files elsewhere; zip members dated 1980-01-01 (deterministic)
}


class OutputError(ValueError):
    """The consolidated workbook cannot be written there; the message says why, plainly."""


@dataclass(frozen=True)
class SheetSpec:
    """One sheet of the consolidated workbook: its name, its writer, when it is written."""

    name: str
    write: Callable  # fn(wb, merged, fmts) -> worksheet
    when: Callable[[object], bool] = lambda merged: True


def _has_previous(merged) -> bool:
    return bool(merged.previous_path)


def _has_risks(merged) -> bool:
    return merged.risks is not None and not merged.risks.empty


def _risk_section(ws, merged, fmts, row: int) -> int:
    """Risk figures and a chart on the Dashboard (nothing when no register was read)."""
    return row + dashboard_risk_block(fmts.wb, ws, merged, fmts, row, 0)


DASHBOARD_SECTIONS.append(_risk_section)


def _has_history(merged) -> bool:
    return merged.history is not None and not merged.history.empty


#: The sheets, in workbook order. Risks, Heatmap and Scorecard slot in after Changes, e.g.
#: ``SheetSpec("Risks", write_risks, lambda m: not m.risks.empty)`` with
#: ``from .risks import write_risks``.
SHEETS: list[SheetSpec] = [
    SheetSpec("Dashboard", write_dashboard),
    SheetSpec("Actions", write_actions),
    SheetSpec("Exceptions", write_exceptions, has_exceptions),
    SheetSpec("Changes", write_changes, _has_previous),
    # --- Risks, Heatmap, Scorecard: register here (one line each) ---
    SheetSpec("Risks", write_risks, _has_risks),
    SheetSpec("Heatmap", write_heatmap, _has_risks),
    SheetSpec("Scorecard", write_scorecard, lambda m: m.scorecards is not None
              and not m.scorecards.empty),
    SheetSpec("Submissions", write_submissions),
    SheetSpec("Issues", write_issues),
    SheetSpec("History", write_history, _has_history),
    SheetSpec("xlplan", write_meta),
]


class Written(type(Path())):  # type: ignore[misc]
    """The path written, plus what had to give way to Excel's limits.

    ``truncated`` lists every (sheet, cell) of the output whose text was cut to Excel's 32,767
    characters; ``issues`` holds a ``text-truncated`` warning per cut Actions cell, pointing at
    the source file's row (these are already on the workbook's Issues sheet).
    """

    truncated: tuple[tuple[str, str], ...] = ()
    issues: tuple[Issue, ...] = ()


# ------------------------------------------------------------------------------ the target path
def _check_target(path: Path, inputs: Iterable[str | os.PathLike]) -> Path:
    if path.suffix.lower() != ".xlsx":
        raise OutputError(f"the consolidated workbook must be an .xlsx file, not '{path.name}'")
    folder = path.parent
    if not folder.exists():
        raise OutputError(f"cannot write {path}: the folder {folder} does not exist")
    if not folder.is_dir():
        raise OutputError(f"cannot write {path}: {folder} is not a folder")
    if path.is_dir():
        raise OutputError(f"cannot write {path}: a folder of that name is already there")
    target = path.resolve()
    for item in inputs:
        p = Path(item)
        same = False
        try:
            same = p.resolve() == target or (path.exists() and p.exists()
                                             and os.path.samefile(p, path))
        except OSError:
            same = False
        if same:
            raise OutputError(f"the output {path.name} is one of the input files; choose "
                              "another name so that the input is never overwritten")
    for lock, app in ((folder / f"~${path.name}", "Excel"),
                      (folder / f".~lock.{path.name}#", "LibreOffice")):
        if lock.exists():
            raise OutputError(f"{path.name} is open in {app} (the lock file {lock.name} is "
                              f"next to it): close it in {app} first, then run again (if it "
                              f"is not open, delete {lock.name})")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write {path}: the folder {folder} is not writable")
    return target


def _file_mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


# ---------------------------------------------------------------------------- text to be cut
def truncation_issues(merged) -> list[Issue]:
    """A ``text-truncated`` warning for each Actions cell longer than Excel allows."""
    df = merged.actions
    out: list[Issue] = []
    if df is None or df.empty:
        return out
    layout = action_layout(df, list(merged.extra_columns))
    known = set(merged.issues)
    for header, tidy in layout:
        if tidy not in df.columns:
            continue
        col = df[tidy]
        for i in _long_texts(col):
            v = col.iloc[i]
            if isinstance(v, str) and len(v) * 2 > EXCEL_MAX_TEXT and \
                    utf16_len(v) > EXCEL_MAX_TEXT:
                rec = df.iloc[i]
                src = rec.get("source_row", None)
                row = int(src) if str(src).isdigit() else None
                issue = at("text-truncated",
                           message("text-truncated", header=header, length=f"{utf16_len(v):,}",
                                   limit=f"{EXCEL_MAX_TEXT:,}", sheet=ACTIONS, row=i + 2),
                           file=str(rec.get("file", "") or ""),
                           sheet=(str(rec.get("sheet", "")) or None), row=row,
                           value=v[:80] + "...")
                if issue not in known:
                    out.append(issue)
    return out


def _long_texts(col) -> list[int]:
    """Positions in ``col`` of the texts that may be over Excel's limit (over half of it)."""
    import pandas as pd

    if isinstance(col.dtype, pd.StringDtype):
        # Only texts and blanks: their longest length, taken by map, says at once whether
        # any may be over (next to never); pandas' own str.len is three times slower.
        values = col.fillna("").tolist()
        if max(map(len, values), default=0) * 2 <= EXCEL_MAX_TEXT:
            return []
    else:
        values = col.tolist()
    return [i for i, v in enumerate(values) if isinstance(v, str) and len(v) * 2 > EXCEL_MAX_TEXT]


# -------------------------------------------------------------------------------------- writing
def _period_start(period: str) -> dt.datetime:
    try:
        return dt.datetime.strptime(period, "%Y-%m")
    except (TypeError, ValueError):
        return dt.datetime(2000, 1, 1)


def _properties(merged) -> dict:
    from .. import __version__

    name = merged.programme.name
    return {
        "title": f"{name} - consolidated {merged.period}",
        "subject": f"Action plans and risk registers, {merged.period}",
        "author": "xlplan",
        "manager": "",
        "company": "",
        "category": "Programme board report",
        "keywords": "xlplan, action plan, RAG",
        "comments": f"Written by xlplan {__version__} from {len(merged.files)} file(s).",
        "created": _period_start(merged.period),
    }


def build_workbook(merged, target: str | os.PathLike) -> Formats:
    """Write every sheet into a new workbook at ``target`` (no atomic rename, no checks).

    The package's parts go through temporary files in a private folder beside ``target``, removed whatever happens; the zip members are dated
    1980-01-01, as a workbook written in memory is, so the bytes depend on ``merged`` only."""
    import xlsxwriter

    target = os.fspath(target)
    folder = os.path.dirname(os.path.abspath(target))
    # the parts' folder: beside the target, or in the system's when a long path would pass
    # Windows' limit (xlsxwriter's names there, and a check folder in it, take ~40 characters)
    # procs.paused_gc: the cells live until the workbook is closed (see its note)
    with atomic.temp_dir(folder, longest=40) as tmpdir, procs.paused_gc():
        tmpdir = str(tmpdir)
        options = {k: v for k, v in WORKBOOK_OPTIONS.items() if k != "in_memory"}
        wb = xlsxwriter.Workbook(target, {**options, "tmpdir": tmpdir})
        wb.set_properties(_properties(merged))
        wb.set_size(1600, 1000)
        fmts = Formats(wb, merged.programme.rag)
        fmts.extra_issues = truncation_issues(merged)
        for spec in SHEETS:
            if spec.when(merged):
                spec.write(wb, merged, fmts)
        # Closing holds every cell of the workbook: what the sheets shared is let go first.
        fmts.tables.clear()
        wb.close()  # only now is the workbook written: a failed sheet writes nothing
    _date_members(target)
    return fmts


#: 1 January 1980 00:00 in MS-DOS date and time, the date Excel gives the parts of a package.
_DOS_DATE, _DOS_TIME = (1 << 5) | 1, 0


def _date_members(path: str | os.PathLike) -> None:
    """Date every member of the zip at ``path`` 1980-01-01 00:00 (xlsxwriter dates members
    written from temporary files 1980-01-31), in the local headers and the central directory:
    the same bytes on every run, whatever the clock."""
    with open(path, "r+b") as fh:
        size = fh.seek(0, os.SEEK_END)
        tail = min(size, 22 + 0xFFFF)
        fh.seek(size - tail)
        end = fh.read(tail)
        at_end = end.rfind(b"PK\x05\x06")
        if at_end < 0 or at_end + 22 > len(end):
            raise OutputError(f"cannot finish {path}: the zip has no end record")
        count, cd_size, cd_offset = struct.unpack_from("<HII", end, at_end + 10)
        if count == 0xFFFF or cd_offset == 0xFFFFFFFF:
            return  # ZIP64 (a workbook over 4 GB): left as written
        fh.seek(cd_offset)
        directory = bytearray(fh.read(cd_size))
        pos, headers = 0, []
        for _ in range(count):
            if directory[pos:pos + 4] != b"PK\x01\x02":
                raise OutputError(f"cannot finish {path}: unexpected zip directory")
            name_len, extra_len, comment_len = struct.unpack_from("<HHH", directory, pos + 28)
            headers.append(struct.unpack_from("<I", directory, pos + 42)[0])
            struct.pack_into("<HH", directory, pos + 12, _DOS_TIME, _DOS_DATE)
            pos += 46 + name_len + extra_len + comment_len
        for offset in headers:
            fh.seek(offset)
            if fh.read(4) != b"PK\x03\x04":
                raise OutputError(f"cannot finish {path}: unexpected zip member header")
            fh.seek(offset + 10)
            fh.write(struct.pack("<HH", _DOS_TIME, _DOS_DATE))
        fh.seek(cd_offset)
        fh.write(directory)


def write_consolidated(merged, path: str | os.PathLike, *,
                       inputs: Iterable[str | os.PathLike] = ()) -> Written:
    """Write the consolidated workbook for ``merged`` to ``path`` (``.xlsx``), atomically.

    Refuses, with :class:`OutputError`, a path that is one of ``inputs``, a workbook open in
    Excel (its ``~$`` lock file is beside it) or LibreOffice, and a missing or read-only folder.
    Returns the path as a :class:`Written`, whose ``truncated`` lists the (sheet, cell) of
    every text cut to Excel's 32,767 characters and ``issues`` the matching ``text-truncated``
    warnings (already on the Issues sheet; add them to your report).
    """
    path = Path(path)
    _check_target(path, inputs)
    folder = path.parent
    try:
        tmp = atomic.temp_file(folder)  # .xl~<pid>~<random>.tmp: a killed run's is swept
    except OSError as exc:
        raise OutputError(f"cannot write in the folder {folder}: "
                          f"{exc.strerror or exc}") from None
    try:
        try:
            fmts = build_workbook(merged, tmp)
        except OSError as exc:
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
        except Exception as exc:
            if type(exc).__name__ == "FileCreateError":
                raise OutputError(f"cannot write {path}: {exc}") from None
            raise
        os.chmod(tmp, _file_mode(path))
        try:
            atomic.replace(tmp, path)
        except atomic.HeldFile as exc:
            raise OutputError(exc.strerror) from None
        except OSError as exc:
            raise OutputError(f"cannot replace {path} (is it open in Excel? close it first): "
                              f"{exc.strerror or exc}") from None
    finally:
        if tmp.exists():
            try:
                tmp.unlink()
            except OSError:
                pass
    written = Written(path)
    written.truncated = tuple((t.sheet, t.cell) for t in fmts.truncated)
    written.issues = tuple(fmts.extra_issues)
    return written
