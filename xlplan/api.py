"""The pipeline, end to end: read -> locate -> normalise -> validate, per file and per folder,
and the merge of what was read.

These are the functions the library exposes (see :mod:`xlplan`); the command line calls them
and only renders what they return.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Iterable

import pandas as pd

from .catalogue import message
from .config import Programme, load_config
from .issues import ERROR, FileInfo, Issue, SheetInfo, at, count_by_severity, report_dict
from .locate import locate, unmapped_table
from .merging import Merged, merge_read, reporting_period
from .ooxml.package import PackageBytes
from .normalise.actions import ACTION_COLUMNS, normalise_actions
from .normalise.common import SheetContext
from .reader import RawWorkbook, display_name, read_workbook, sheet_has_formulas
from .schema.columns import ACTION_PLAN, OTHER, RISK_REGISTER, SCORECARD
from .schema.markers import financial_year_of_sheet
from .schema.risk import guidance_sheet_name
from .checks.actions import duplicate_refs, validate_actions, validate_required_columns

from . import __version__, procs

#: The codes the pipeline raises about a whole file, each worded from its catalogue templates
#: (``too-large`` and ``unreadable-file`` for a file set aside by its reading process).
CODES: tuple[str, ...] = ("unreadable-file", "too-large", "header-not-found", "no-rows",
                          "own-output", "not-a-row")


@dataclass
class Submission:
    """One file read: what it holds as tidy tables, and everything found wrong with it."""

    info: FileInfo
    actions: pd.DataFrame
    risks: pd.DataFrame
    scorecards: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)
    #: "template": a template xlplan wrote, not filled in since (see :func:`xlplan.reader.own_output`)
    own_output: str = ""

    @property
    def ok(self) -> bool:
        return self.info.status in ("ok", "errors")


@dataclass
class Result:
    """Many files read and validated (and, after :func:`xlplan.merge`, merged)."""

    files: list[FileInfo]
    actions: pd.DataFrame
    risks: pd.DataFrame
    scorecards: pd.DataFrame
    issues: list[Issue]
    programme: Programme

    @property
    def counts(self) -> dict[str, int]:
        return count_by_severity(self.issues)

    @property
    def has_errors(self) -> bool:
        return any(i.severity == ERROR for i in self.issues)

    def report(self, **extra) -> dict:
        """The JSON report (docs/report.md)."""
        return report_dict(self.files, self.issues, __version__, **extra)


_EMPTY: dict[tuple[str, ...], pd.DataFrame] = {}


def _empty(columns: Iterable[str]) -> pd.DataFrame:
    # Built once per column set and copied: building one costs ~2 ms, and every file read
    # needs two or three (for the kinds of sheet it does not hold).
    columns = tuple(columns)
    if columns not in _EMPTY:
        _EMPTY[columns] = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return _EMPTY[columns].copy()


def _kind_handlers() -> dict[str, tuple[Callable, Callable, tuple[str, ...]]]:
    """Each kind of sheet's normaliser, checks and tidy columns. Imported here, not at the top:
    a folder of action plans never pays for the risk and scorecard modules."""
    from .checks.risks import validate_risks
    from .checks.scorecards import validate_scorecard
    from .normalise.risks import RISK_COLUMNS, normalise_risks
    from .normalise.scorecards import SCORECARD_COLUMNS, normalise_scorecard

    return {ACTION_PLAN: (normalise_actions, validate_actions, ACTION_COLUMNS),
            RISK_REGISTER: (normalise_risks, validate_risks, RISK_COLUMNS),
            SCORECARD: (normalise_scorecard, validate_scorecard, SCORECARD_COLUMNS)}


def tidy_columns(kind: str) -> tuple[str, ...]:
    return _kind_handlers()[kind][2] if kind in _kind_handlers() else ()


def read_submission(path: str | Path, programme: Programme | None = None, *,
                    display: str | None = None) -> Submission:
    """Read, normalise and validate one workbook. Never raises for a bad file: every problem
    is an issue on the returned :class:`Submission`."""
    programme = programme or load_config()
    path = Path(path)
    display = display or path.name
    raw, info, issues = read_workbook(path, display, programme)
    tables: dict[str, list[pd.DataFrame]] = {ACTION_PLAN: [], RISK_REGISTER: [], SCORECARD: []}
    if raw is not None:
        try:
            _read_sheets(raw, programme, info, issues, tables)
        except MemoryError:  # the file is too big for this run, not unreadable: the caller says
            raise
        except Exception as exc:  # a reader bug must cost one file, never the whole merge
            info.status = "failed"
            issues.append(at("unreadable-file", message("unreadable-file", "internal",
                                                        reason=f"{type(exc).__name__}: {exc}"),
                             file=display))
    handlers = _kind_handlers()

    def combined(kind: str) -> pd.DataFrame:
        cols = handlers[kind][2] if kind in handlers else ()
        frames = [f for f in tables[kind] if not f.empty]
        if not frames:
            return _empty(cols)
        return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]

    sub = Submission(info, combined(ACTION_PLAN), combined(RISK_REGISTER), combined(SCORECARD),
                     issues, raw.own_output if raw is not None else "")
    if raw is not None and not raw.own_output and info.status == "ok" and info.rows == 0:
        _nothing_read(raw, info, issues)
    if info.status == "ok" and any(i.severity == ERROR for i in issues):
        info.status = "errors"
    info.sro = submission_sro(sub)
    return sub


def _read_sheets(raw: RawWorkbook, programme: Programme, info: FileInfo, issues: list[Issue],
                 tables: dict[str, list[pd.DataFrame]]) -> None:
    handlers = _kind_handlers()
    ref_columns: dict[tuple[str, str], int] = {}
    unmapped: list = []  # (sheet, locate.Unmapped): said when nothing else is read
    located = [locate(sheet, programme) for sheet in raw.sheets]
    guides = guidance_sheets(raw.sheets, located)
    for sheet, loc in zip(raw.sheets, located):
        if sheet.name in guides:
            info.sheets.append(SheetInfo(sheet.name, OTHER, loc.header_row + 1, 0))
            said = guides[sheet.name]
            issues.append(at("not-a-row", said, file=raw.display,
                             sheet=sheet.name, row=loc.header_row + 1,
                             col=min(loc.columns.values()), value=sheet.name))
            continue
        if loc is None or loc.kind not in handlers:
            info.sheets.append(SheetInfo(sheet.name, loc.kind if loc else OTHER,
                                         loc.header_row + 1 if loc else None, 0))
            table = unmapped_table(sheet, programme) if loc is None else None
            if table is not None:
                unmapped.append((sheet.name, table))
            continue
        if loc.kind == ACTION_PLAN and info.financial_year is None:
            info.financial_year = stated_financial_year(sheet, loc.header_row)
        ctx = SheetContext(raw.display, sheet.name, loc, programme, raw.path)
        _formula_cells(raw, sheet.name, loc, ctx)
        normalise, validate, _ = handlers[loc.kind]
        df = normalise(sheet, ctx)
        ctx.settle()  # a styles read still running in a child is collected, used or not
        validate_required_columns(ctx)
        validate(df, ctx)
        if sheet.errors:
            ctx.issues = _error_values(sheet, loc, ctx)
        issues.extend(ctx.issues)
        tables[loc.kind].append(df)
        if "ref" in loc.columns:
            ref_columns[(sheet.name, "ref")] = loc.columns["ref"]
        info.sheets.append(SheetInfo(sheet.name, loc.kind, loc.header_row + 1, len(df)))
    for kind in (ACTION_PLAN, RISK_REGISTER):
        frames = [f for f in tables[kind] if not f.empty]
        if frames:  # one frame (the usual case) is used as it is, not copied
            duplicate_refs(frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True),
                           issues, ref_columns)
    if not any(s.kind != OTHER for s in info.sheets) and unmapped:
        # One issue for the file: the first table-like sheet, what it has and lacks.
        name, table = unmapped[0]
        more = [f"'{n}'" for n, _ in unmapped[1:]]
        also = (f" (sheet{'s' if len(more) > 1 else ''} {', '.join(more[:8])}"
                f"{' ...' if len(more) > 8 else ''} also hold{'' if len(more) > 1 else 's'} "
                "tables of no kind xlplan knows)") if more else ""
        issues.append(at("header-not-found", message("header-not-found", "unmapped",
                                                     table=table.message(name), others=also),
                         file=raw.display, sheet=name, row=table.header_row + 1))
    elif not any(s.kind != OTHER for s in info.sheets):
        names = ", ".join(f"'{s.name}'" for s in info.sheets) or "none"
        issues.append(at("header-not-found", message("header-not-found", "no-table",
                                                     sheets=names), file=raw.display))


def guidance_sheets(sheets: list, located: list) -> dict[str, str]:
    """Sheet name -> why it is not read, for each sheet of guidance beside a register: a
    "Scoring Guidance", "Risk Matrix" or "Key" sheet whose table of likelihood and impact words
    reads like a register, but has no Ref and no owner, while another sheet of the workbook is
    the register itself. (A workbook whose only register is such a sheet keeps it.)"""
    def guide(sheet, loc) -> bool:
        return (loc is not None and loc.kind == RISK_REGISTER and guidance_sheet_name(sheet.name)
                and not {"ref", "owner"} & set(loc.columns))

    flags = [guide(sheet, loc) for sheet, loc in zip(sheets, located)]
    if not any(loc is not None and loc.kind == RISK_REGISTER and not flag
               for loc, flag in zip(located, flags)):
        return {}
    out = {}
    for sheet, loc, flag in zip(sheets, located, flags):
        if flag:
            rows = sum(1 for row in sheet.rows[loc.header_row + 1:]
                       if any(v not in ("", None) for v in row))
            out[sheet.name] = message("not-a-row", "guidance-sheet", sheet=sheet.name,
                                      rows=f"{rows} row{'s' * (rows != 1)}")
    return out


def _error_values(sheet, loc, ctx: SheetContext) -> list[Issue]:
    """The sheet's issues with its Excel error cells reported (see
    :mod:`xlplan.checks.error_values`)."""
    from .checks.error_values import error_value_issues, replace_explained

    periods: set[int] = set()
    if loc.kind == SCORECARD:
        from .normalise.scorecards import period_columns

        header = sheet.rows[loc.header_row] if loc.header_row < len(sheet.rows) else []
        fy = ctx.programme.financial_year_start_month
        periods = {c for c, _p in period_columns(header, loc, fy)}
    return replace_explained(ctx.issues, error_value_issues(sheet, loc, ctx.file, periods))


def _nothing_read(raw: RawWorkbook, info: FileInfo, issues: list[Issue]) -> None:
    """A workbook with content that gave no rows is not merged, and says why: ``not-a-plan``
    when no sheet is a plan, register or scorecard; ``failed`` (a ``no-rows`` error) when its
    tables have something under their header but gave no rows. An empty workbook, or a blank
    template (a header and nothing under it), stays as it was."""
    tables = [s for s in info.sheets if s.kind != OTHER]
    by_name = {sheet.name: sheet for sheet in raw.sheets}

    def filled(rows: list[list]) -> bool:
        return any(v not in ("", None) for row in rows for v in row)

    if not tables:
        if filled([row for sheet in raw.sheets for row in sheet.rows]):
            info.status = "not-a-plan"
            info.note = ("nothing read: no sheet has a table of actions, risks or indicators "
                         "(not a plan, register or scorecard)")
        return
    if not any(s.name in by_name and filled(by_name[s.name].rows[s.header_row or 0:])
               for s in tables):
        return
    info.status = "failed"
    names = ", ".join(f"'{s.name}'" for s in tables)
    info.note = (f"nothing read: the table{'s' * (len(tables) > 1)} found ({names}) gave no "
                 "rows; see this file's issues")
    issues.append(at("no-rows", message("no-rows", tables="table" + "s" * (len(tables) > 1),
                                        names=names), file=raw.display))


#: A sheet with at least this many rows has its styles read in a child process while this one
#: normalises its values (where :func:`xlplan.procs.start_beside` finds it pays: a second core
#: and a cheap start): the scan costs far more than starting the child.
BACKGROUND_STYLES_ROWS = 20_000


def stated_financial_year(sheet, header_row: int) -> int | None:
    """The financial year a plan sheet states in its title block, name or quarter headers."""
    titles = [sheet.name, *(v for row in sheet.rows[:header_row] for v in row)]
    header = sheet.rows[header_row] if header_row < len(sheet.rows) else []
    return financial_year_of_sheet(titles, header)


def _formula_cells(raw: RawWorkbook, sheet_name: str, loc, ctx: SheetContext) -> None:
    """The sheet's formula cells into ``ctx``. An action plan with a RAG column has its sheet
    XML read once for both these and the RAG fills (kept on ``ctx.styles`` for the normaliser);
    otherwise a cheap byte test comes first and the XML is read only when it finds formulas.

    A big action plan's styles are read beside the normaliser, in a child process, and
    ``ctx.settle()`` waits for them where they are first needed."""
    if loc.kind == ACTION_PLAN and "rag" in loc.columns:
        args = (raw.path, sheet_name, loc.columns["rag"])
        sheet = next((s for s in raw.sheets if s.name == sheet_name), None)
        if sheet is not None and len(sheet.rows) >= BACKGROUND_STYLES_ROWS:
            pending = procs.start_beside(_rag_styles, args)
            if pending is not None:
                seconds = ctx.programme.limits.file_seconds
                ctx.pending = lambda: _use_styles(raw, sheet_name, ctx, pending.result(seconds))
                return
        _use_styles(raw, sheet_name, ctx, _rag_styles(raw.source, *args[1:]))
        return
    _use_styles(raw, sheet_name, ctx, None)


def _rag_styles(path: Path | PackageBytes, sheet_name: str, rag_col: int):
    """The RAG column's fills and the sheet's formula cells, or None when the styles cannot be
    read (the fills are then skipped; formulas are looked for on their own)."""
    from .styles import read_sheet_styles

    try:
        return read_sheet_styles(path, sheet_name, columns={rag_col})
    except Exception:  # noqa: BLE001 - a style part we cannot read costs the colour check only
        return None


def _use_styles(raw: RawWorkbook, sheet_name: str, ctx: SheetContext, styles) -> None:
    ctx.styles = styles
    if styles is not None:
        ctx.formula_cells = styles.formulas
    elif sheet_has_formulas(raw.source, sheet_name):
        from .styles import read_sheet_styles

        ctx.formula_cells = read_sheet_styles(raw.source, sheet_name).formulas


def submission_sro(sub: Submission) -> str:
    """The person a file comes from: the SRO of its first action (or owner of its first risk).

    Not the most frequent name: an SRO's file often carries sub-actions led by others."""
    from .text import person_name

    for frame, col in ((sub.actions, "sro"), (sub.risks, "owner")):
        if col in frame.columns:
            for value in frame[col]:
                if isinstance(value, str) and value.strip():
                    return person_name(value)
    return ""


class FolderFile(tuple):
    """(path, display name) of a file found in a folder rather than named by the user: an
    unfilled template there is skipped (see :func:`own_outputs_skipped`)."""

    __slots__ = ()


def collect_paths(paths: Iterable[str | Path]) -> list[tuple[Path, str]]:
    """Files to read from files and folders (folders recursively, sorted, so runs are
    repeatable), each with the name it is reported under."""
    out: list[tuple[Path, str]] = []
    for p in map(Path, paths):
        if p.is_dir():
            # ordered by the names' characters, part by part, on every system (a Windows
            # path compares without case, so sorting the paths would order a folder
            # differently there, and so the rows of the consolidated workbook)
            found = sorted((q for q in p.rglob("*") if q.is_file()),
                           key=lambda q, root=p: q.relative_to(root).parts)
            for f in found:
                out.append(FolderFile((f, printable_name(display_name(f, p)))))
        else:
            out.append((p, printable_name(p.name)))
    return out


def printable_name(name: str) -> str:
    """``name`` as it can be written anywhere: a file name that is not valid UTF-8 (possible
    on Linux, where Python keeps the bad bytes as lone surrogates that no workbook, JSON
    file or terminal can hold) gets U+FFFD in place of each bad byte."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def read_many(paths: Iterable[str | Path], programme: Programme | None = None, *,
              progress: Callable[[str], None] | None = None) -> tuple[list[Submission], Programme]:
    """Every file of ``paths`` read with :func:`read_bounded`, one after another, as
    :class:`Submission` objects (see :func:`read_combined` for the folder-sized, multi-core
    path the command line takes)."""
    programme = programme or load_config()
    subs: list[Submission] = []
    for item in collect_paths(paths):
        path, display = item
        if progress:
            progress(display)
        subs.append(own_outputs_skipped(item, read_bounded(path, programme, display)))
    return subs, programme


def own_outputs_skipped(item: tuple[Path, str], sub: Submission) -> Submission:
    """``sub``, or in its place a skipped file with an ``own-output`` note when it is a
    template xlplan wrote, found in a folder and not filled in since (it holds last month's
    rows: reading it would count them twice). A template named on its own is read."""
    if sub.own_output != "template" or not isinstance(item, FolderFile):
        return sub
    sub.info.status = "skipped"
    sub.info.sheets = []
    handlers = _kind_handlers()
    issue = at("own-output", message("own-output", "template"), file=sub.info.path)
    return Submission(sub.info, _empty(handlers[ACTION_PLAN][2]),
                      _empty(handlers[RISK_REGISTER][2]) if RISK_REGISTER in handlers else
                      _empty(()), _empty(handlers[SCORECARD][2]) if SCORECARD in handlers else
                      _empty(()), [issue], "template")


def read_combined(paths: Iterable[str | Path], programme: Programme | None = None, *,
                  progress: Callable[[str], None] | None = None, jobs: int | None = None
                  ) -> tuple[Result, list[str]]:
    """Read files and folders into one :class:`Result` (the tables of every file, in file
    order) and the extra columns the action plans brought, in order of appearance.

    Folders of many files are read on every core (see :mod:`xlplan.procs`); ``jobs`` sets
    the number of worker processes (1: read here, one file after another). The result does not
    depend on ``jobs``."""
    programme = programme or load_config()
    items = collect_paths(paths)
    workers = procs.worker_count(jobs, len(items))
    if workers <= 1:
        parts = [_read_chunk(programme, items, progress)]
    else:
        parts = []
        for chunk, part in procs.map_chunks(partial(_read_chunk, programme), items, workers,
                                            on_broken=partial(_read_chunk, programme,
                                                              isolate=True)):
            if progress:
                for _, display in chunk:
                    progress(display)
            parts.append(part)
    return _join_parts(parts, programme)


def _read_chunk(programme: Programme, items: list[tuple[Path, str]],
                progress: Callable[[str], None] | None = None, *, isolate: bool = False
                ) -> tuple[Result, list[str]]:
    """A run of files read and combined: what a worker hands back (one table per kind, not
    three per file, because moving DataFrames between processes is costly per frame)."""
    subs = []
    for item in items:
        path, display = item
        if progress:
            progress(display)
        with procs.paused_gc():  # a file's objects live until it is read: see paused_gc
            sub = read_bounded(path, programme, display, isolate=isolate)
        subs.append(own_outputs_skipped(item, sub))
    return combine(subs, programme), extra_columns(subs)


def _join_parts(parts: list[tuple[Result, list[str]]], programme: Programme
                ) -> tuple[Result, list[str]]:
    if len(parts) == 1:
        return parts[0]
    extras: dict[str, None] = {}
    for _, cols in parts:
        extras.update(dict.fromkeys(cols))
    result = Result([f for r, _ in parts for f in r.files],
                    *(_stack([getattr(r, attr) for r, _ in parts], kind) for attr, kind in
                      (("actions", ACTION_PLAN), ("risks", RISK_REGISTER),
                       ("scorecards", SCORECARD))),
                    [i for r, _ in parts for i in r.issues], programme)
    return result, list(extras)


def _stack(frames: list[pd.DataFrame], kind: str) -> pd.DataFrame:
    """The rows of ``frames``, one after another (an empty table of ``kind`` if none)."""
    frames = [f for f in frames if not f.empty]
    if not frames:
        handlers = _kind_handlers()
        return _empty(handlers[kind][2] if kind in handlers else ())
    return pd.concat(frames, ignore_index=True, sort=False)


def extra_columns(subs: Iterable[Submission]) -> list[str]:
    """Columns the action plans brought beyond the schema, in order of first appearance."""
    seen: dict[str, None] = {}
    for sub in subs:
        for col in sub.actions.columns:
            if col not in ACTION_COLUMNS and not col.startswith("_"):
                seen.setdefault(col, None)
    return list(seen)


def read_bounded(path: Path, programme: Programme, display: str, *,
                 isolate: bool = False) -> Submission:
    """:func:`read_submission`, in a child process bounded in time and memory when the file
    inflates to more than ``limits.isolate_above_bytes`` (see :mod:`xlplan.procs`), or
    always with ``isolate`` (a file that may have crashed a reader). A file that runs out of
    memory, here or in the child, is set aside as ``too-large`` naming the limit it met."""
    limits = programme.limits
    if not isolate and procs.declared_size(path) <= limits.isolate_above_bytes:
        try:
            return read_submission(path, programme, display=display)
        except MemoryError:  # a limit the user set (ulimit -v) met in this process
            limit = procs.memory_limit()
            return _set_aside(path, display, programme, "memory",
                              limit // 2**20 if limit else None, in_force=True)
    status, payload = procs.run_bounded(partial(read_submission, display=display),
                                        (path, programme), seconds=limits.file_seconds,
                                        memory_bytes=limits.file_memory_bytes)
    if status == "ok":
        return payload
    return _set_aside(path, display, programme, status, payload,
                      in_force=status == "memory" and payload is not None
                      and payload < limits.file_memory_bytes // 2**20)


def _set_aside(path: Path, display: str, programme: Programme, status: str, payload,
               *, in_force: bool = False) -> Submission:
    """A file not read: one issue that says why (``status`` of :func:`xlplan.procs.run_bounded`;
    ``in_force``: the memory it met was a limit of this run's, not the programme's)."""
    limits = programme.limits
    info = FileInfo(path=display, status="failed")
    try:
        from .reader import file_info

        info = file_info(path, display)
        info.status = "failed"
    except OSError:
        pass
    megabytes = payload if status == "memory" and isinstance(payload, int) else \
        limits.file_memory_bytes // 2**20
    memory = f"reading it needed more than {megabytes:,} MB"
    if in_force:
        memory += " (the memory limit this run is under, e.g. ulimit -v)"
    why = {"timeout": f"reading it took longer than {limits.file_seconds:g} s",
           "memory": memory,
           "crash": "the reader stopped on it"}.get(status, f"it could not be read ({payload})")
    code = "too-large" if status in ("timeout", "memory", "crash") else "unreadable-file"
    issue = at(code, message(code, "set-aside", reason=why), file=display)
    handlers = _kind_handlers()
    return Submission(info, _empty(handlers[ACTION_PLAN][2]),
                      _empty(handlers[RISK_REGISTER][2]) if RISK_REGISTER in handlers else
                      _empty(()), _empty(handlers[SCORECARD][2]) if SCORECARD in handlers else
                      _empty(()), [issue])


def combine(subs: list[Submission], programme: Programme) -> Result:
    """Many submissions as one :class:`Result`: their tables one after another, in order."""
    return Result([s.info for s in subs],
                  *(_stack([getattr(s, attr) for s in subs], kind) for attr, kind in
                    (("actions", ACTION_PLAN), ("risks", RISK_REGISTER),
                     ("scorecards", SCORECARD))),
                  [i for s in subs for i in s.issues], programme)


def validate(paths: Iterable[str | Path] | str | Path, config: str | Path | Programme | None = None,
             *, progress: Callable[[str], None] | None = None, jobs: int | None = None) -> Result:
    """Read and validate files and folders: tidy tables of everything read, and every issue.
    ``jobs``: worker processes for a folder of many files (default: one per core)."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    programme = config if isinstance(config, Programme) else load_config(config)
    result, _ = read_combined(paths, programme, progress=progress, jobs=jobs)
    return result


def merge(paths: Iterable[str | Path] | str | Path, *, previous: str | Path | None = None,
          period: str | None = None, config: str | Path | Programme | None = None,
          progress: Callable[[str], None] | None = None, jobs: int | None = None) -> Merged:
    """Read, validate and merge submissions (files or folders) into one :class:`Merged`.

    ``previous`` is last month's consolidated workbook written by xlplan; ``period`` the
    reporting month 'YYYY-MM' (default: this month); ``jobs`` the worker processes that read
    a folder of many files (default: one per core; 1 reads them in this process). A file that
    fails to read is listed with its issues and the rest is merged.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    programme = config if isinstance(config, Programme) else load_config(config)
    reporting_period(period)  # a period written wrongly is said before the folder is read
    result, extra_columns = read_combined(paths, programme, progress=progress, jobs=jobs)
    return merge_read(result, programme, extra_columns=extra_columns, previous=previous,
                      period=period)


def read(path: str | Path, config: str | Path | Programme | None = None) -> Submission:
    """Read one workbook: its action rows, risks and scorecard rows, and its issues."""
    programme = config if isinstance(config, Programme) else load_config(config)
    return read_submission(path, programme)
