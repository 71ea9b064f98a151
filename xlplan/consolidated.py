"""The layout of the consolidated workbook, shared by the writer and by whoever reads one back.

A consolidated workbook is both the board's report and next month's ``--previous``: this module
is the one place that says where things are in it, so :mod:`xlplan.write` (which writes it) and
:func:`read_previous` (which reads last month's) cannot drift apart.

* Sheet names, in order: :data:`SHEET_ORDER`.
* The Actions sheet: one header row at A1, an Excel table named ``Actions``; its columns are
  :data:`ACTION_FIELDS` (header, tidy column) followed by the extra columns an SRO's file
  carried, under their own headers (see :func:`action_layout`).
* The History sheet: ``Period``, one column per RAG level (the programme's label), ``Not
  reported``, ``Total``; one row per reporting month.
* A hidden sheet ``xlplan`` holds what a reader needs to map the workbook back to canonical
  values (the format version, the period, the RAG scale with its labels).

:func:`read_previous` reads such a workbook (python-calamine: it is our own file) into tidy
DataFrames for the next month's merge.
"""
from __future__ import annotations

import datetime as dt
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .config import Limits
from .issues import col_letter
from .schema.movement import CARRIED
from .schema.rag import CANONICAL_LEVELS, RagScale, rag_key

#: Version of this layout, written on the hidden ``xlplan`` sheet.
LAYOUT_VERSION = 1

DASHBOARD = "Dashboard"
ACTIONS = "Actions"
EXCEPTIONS = "Exceptions"
CHANGES = "Changes"
RISKS = "Risks"
HEATMAP = "Heatmap"
SCORECARD = "Scorecard"
SUBMISSIONS = "Submissions"
ISSUES = "Issues"
HISTORY = "History"
META = "xlplan"

#: The META sheet: key/value rows from A2, then the RAG scale as a ``Level | Label | Fill``
#: table whose header is on this 0-based row; the levels follow on the next rows (a RAG
#: column's drop-down list points at the labels there when they cannot be listed inline).
LEVELS_HEADER_ROW = 9
LEVELS_FIRST_ROW = LEVELS_HEADER_ROW + 1

#: The sheets a consolidated workbook can hold, in the order they are written. Dashboard,
#: Actions, Submissions, Issues and the hidden META sheet are always there; the others only
#: when they have something to show.
SHEET_ORDER: tuple[str, ...] = (DASHBOARD, ACTIONS, EXCEPTIONS, CHANGES, RISKS, HEATMAP,
                                SCORECARD, SUBMISSIONS, ISSUES, HISTORY, META)

#: Excel table names (``Actions`` and ``Risks`` are part of the public contract: Power Query
#: and Power BI users point at them).
TABLE_ACTIONS = "Actions"
TABLE_EXCEPTIONS = "Exceptions"
TABLE_CHANGES = "Changes"
TABLE_SUBMISSIONS = "Submissions"
TABLE_ISSUES = "Issues"
TABLE_HISTORY = "History"

#: Actions sheet: (header, tidy column) in column order, from A1. The extra columns follow.
#:
#: * ``rag`` / ``previous_rag`` are written as the programme's label (an unknown RAG as typed);
#: * ``due`` is the due date as a real date (``due_date``) when there is one, else the text;
#: * ``status`` reads '', 'Overdue', 'Carried forward' or 'Carried forward; Overdue';
#: * ``issue_codes`` lists the codes of the issues found on the row.
ACTION_FIELDS: tuple[tuple[str, str], ...] = (
    ("Key", "key"),
    ("Ref", "ref"),
    ("Theme", "theme"),
    ("Aim", "aim"),
    ("Action", "action"),
    ("Sub action", "sub_action"),
    ("SRO", "sro"),
    ("Q1", "q1"),
    ("Q2", "q2"),
    ("Q3", "q3"),
    ("Q4", "q4"),
    ("Later", "later"),
    ("Timeframe", "timeframe"),
    ("Due", "due"),
    ("Updates", "updates"),
    ("Risks/Issues", "risks_issues"),
    ("RAG", "rag"),
    ("Previous RAG", "previous_rag"),
    ("Movement", "movement"),
    ("Status", "status"),
    ("Issues", "issue_codes"),
    ("Source file", "file"),
    ("Source sheet", "sheet"),
    ("Source row", "source_row"),
)
ACTION_HEADERS: tuple[str, ...] = tuple(h for h, _ in ACTION_FIELDS)
_ACTION_INDEX = {tidy: i for i, (_, tidy) in enumerate(ACTION_FIELDS)}

#: Tidy columns the merge adds or uses that are not written as their own column (or are
#: written under another name); anything else in ``merged.actions`` is an extra column.
INTERNAL_ACTION_COLUMNS = frozenset({
    "key", "ref", "theme", "aim", "action", "sub_action", "sro", "q1", "q2", "q3", "q4", "later",
    "timeframe", "updates", "risks_issues", "rag", "rag_text", "rag_source", "due", "due_date",
    "due_cell", "complete", "file", "sheet", "source_row", "previous_rag", "movement", "status",
    "overdue", "issue_codes", "has_error",
})

STATUS_CARRIED = CARRIED
STATUS_OVERDUE = "Overdue"
NOT_REPORTED = "Not reported"
TOTAL = "Total"

# ------------------------------------------------------------------------------ the Risks sheet
#: The Excel table of the Risks sheet (part of the public contract, like ``Actions``).
TABLE_RISKS = "Risks"
#: (header, tidy column, width) in column order from A1. ``above_appetite`` is left out when
#: the programme sets no appetite. The extra columns follow.
RISK_FIELDS: tuple[tuple[str, str, float], ...] = (
    ("Ref", "ref", 9),
    ("Owner", "owner", 18),
    ("Category", "category", 14),
    ("Description", "description", 50),
    ("Likelihood", "likelihood", 11),
    ("Impact", "impact", 9),
    ("Score", "score", 8),
    ("RAG", "rag", 12),
    ("Previous score", "previous_score", 10),
    ("Movement", "movement", 11),
    ("Worst score", "worst_score", 9),
    ("Target score", "target_score", 9),
    ("Inherent score", "inherent_score", 10),
    ("Above appetite", "above_appetite", 10),
    ("Review date", "review_date", 12),
    ("Controls", "controls", 40),
    ("Action plan", "action_plan", 40),
    ("Assurances", "assurances", 30),
    ("Link to plan", "link", 26),
    ("Status", "status", 16),
    ("RAID type", "raid_type", 11),
    ("Rating as written", "rating_text", 16),
    ("RAG as written", "rag_text", 11),
    ("Issues", "issue_codes", 20),
    ("Key", "key", 14),
    ("Source file", "file", 28),
    ("Source sheet", "sheet", 14),
    ("Source row", "source_row", 8),
)
RISK_HEADERS = tuple(h for h, _, _ in RISK_FIELDS)
#: Columns :func:`xlplan.merging.risks.merge_risks` adds to the tidy risk rows.
#: (``status`` is a tidy column: the register's workflow status, "Carried forward" for a risk
#: no file sent this month.)
RISK_MERGE_COLUMNS = ("register_previous_score", "previous_source", "effective_score",
                      "worst_score", "shared_ref", "submissions", "band",
                      "above_appetite", "issue_codes", "has_error")

# --------------------------------------------------------------------------- the Scorecard sheet
#: (field, header, width) of the columns before the period columns.
SCORECARD_LEAD: tuple[tuple[str, str, float], ...] = (
    ("indicator", "Indicator", 58),
    ("measure", "Measure", 13),
    ("period", "Most recent period", 13),
    ("benchmark", "Benchmark", 11),
)
#: Header of the sparkline column, which closes the period columns.
SCORECARD_GRAPH_HEADER = "Graph (latest 6)"
#: (field, header, width) of the columns after the sparkline.
SCORECARD_TAIL: tuple[tuple[str, str, float], ...] = (
    ("trend_rag", "Trend", 12),
    ("previous_trend_rag", "Previous trend", 12),
    ("benchmark_rag", "Benchmark RAG", 12),
    ("target", "Target", 10),
    ("rag", "Status RAG", 12),
    ("polarity", "Polarity", 12),
    ("comments", "Comments", 28),
    ("status", "Status", 14),
    ("reported", "Reported", 10),
    ("strategy", "Strategy", 22),
    ("objective", "Objective", 40),
    ("key", "Key", 14),
    ("file", "Source file", 28),
    ("sheet", "Source sheet", 14),
    ("source_row", "Source row", 10),
    ("issue_codes", "Issues", 16),
)
#: Columns :func:`xlplan.merging.scorecards.merge_scorecards` adds to the tidy rows.
SCORECARD_MERGE_COLUMNS = ("status", "reported", "previous_trend_rag", "issue_codes")
#: How the Scorecard sheet writes a polarity (read back to "high" / "low").
POLARITY_TEXT = {"high": "High is good", "low": "Low is good"}

#: Excel's limits that shape what is written.
MAX_HEADER = 255


_CONTROL = re.compile(r"[\x00-\x1f\x7f\ufffe\uffff]")


def action_col(tidy: str) -> int:
    """0-based column of a fixed Actions column, by tidy name ('rag' -> 16)."""
    return _ACTION_INDEX[tidy]


def action_letter(tidy: str) -> str:
    """Column letters of a fixed Actions column, by tidy name ('rag' -> 'Q')."""
    return col_letter(_ACTION_INDEX[tidy])


def extra_action_columns(actions: pd.DataFrame, extra_columns: list[str]) -> list[str]:
    """The extra columns to write, in order: ``extra_columns`` first, then any other column of
    ``actions`` that is neither a tidy column nor private (``_x``), so nothing is dropped
    (e.g. an extra column carried forward from last month's workbook)."""
    out: list[str] = []
    seen: set[str] = set()
    for name in [*extra_columns, *map(str, actions.columns)]:
        if name in seen or name in INTERNAL_ACTION_COLUMNS or name.startswith("_"):
            continue
        if name in extra_columns or name in actions.columns:
            out.append(name)
            seen.add(name)
    return out


def unique_headers(fixed: tuple[str, ...] | list[str], extras: list[str]) -> list[str]:
    """Headers for the extra columns, unique against the fixed ones and each other without
    regard to case (an Excel table requires it): a clash gets ' (extra)', then ' (2)'..."""
    used = {h.casefold() for h in fixed}
    out = []
    for name in extras:
        base = " ".join(_CONTROL.sub(" ", str(name)).split())[:MAX_HEADER - 12] or "Column"
        cand = base
        if cand.casefold() in used:
            cand = f"{base} (extra)"
        n = 2
        while cand.casefold() in used:
            cand = f"{base} ({n})"
            n += 1
        used.add(cand.casefold())
        out.append(cand)
    return out


def action_layout(actions: pd.DataFrame, extra_columns: list[str]) -> list[tuple[str, str]]:
    """Every Actions column as (header, tidy column), fixed ones then extras."""
    extras = extra_action_columns(actions, extra_columns)
    return [*ACTION_FIELDS, *zip(unique_headers(ACTION_HEADERS, extras), extras)]


def history_headers(scale: RagScale) -> list[str]:
    """History sheet headers: Period, the labels of the scale's levels, Not reported, Total."""
    return ["Period", *(scale.label(lv) for lv in scale.levels), NOT_REPORTED, TOTAL]


# --------------------------------------------------------------------------------- reading back
@dataclass
class Previous:
    """Last month's consolidated workbook, as the next merge needs it.

    ``actions`` has tidy column names (key, ref, theme, aim, action, sub_action, sro, q1..q4,
    later, timeframe, due, due_date, updates, risks_issues, rag -- the canonical level, with
    rag_text the cell as written --, previous_rag, movement, status ('' or 'Carried forward'),
    overdue, complete, issue_codes, file, sheet, source_row) plus the extra columns under their
    headers. ``history`` has period, one column per canonical level, 'Not reported', 'Total'.
    ``sheets`` holds the raw values of every sheet (hidden ones too), row by row.
    """

    path: Path
    period: str
    actions: pd.DataFrame
    history: pd.DataFrame
    sheets: dict[str, list[list]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # canonical level -> label written


_TEXT_FIELDS = ("key", "ref", "theme", "aim", "action", "sub_action", "sro", "q1", "q2", "q3",
                "q4", "later", "timeframe", "updates", "risks_issues", "movement", "issue_codes",
                "file", "sheet")


def _text(value) -> str:
    from .text import cell_text

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return cell_text(value)


def _plain(value):
    """A cell value for an extra column: integral floats back to int, blanks to ''."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return int(value)
    return value


def _not_consolidated(path: Path, why: str) -> ValueError:
    return ValueError(f"{path.name} is not a consolidated workbook written by xlplan ({why}); "
                      "give the workbook that `xlplan merge` wrote last month")


def _check_safe(path: Path, limits: Limits) -> None:
    """The same package checks, with the same limits, as for submissions (python-calamine
    aborts the process on some hostile files)."""
    from .safety import check_package

    check = check_package(path, path.name, limits)
    if not check.ok:
        why = "; ".join(i.message for i in check.issues if i.severity == "error") or \
            "it failed the safety checks"
        raise ValueError(f"cannot read the previous workbook {path.name}: {why}")


def _read_all_sheets(path: Path) -> dict[str, list[list]]:
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(os.fspath(path))
    except Exception as exc:  # calamine raises its own types
        raise ValueError(f"cannot read the previous workbook {path.name}: it is not a readable "
                         f".xlsx file ({type(exc).__name__})") from None
    sheets: dict[str, list[list]] = {}
    try:
        for meta in wb.sheets_metadata:
            if meta.typ != pc.SheetTypeEnum.WorkSheet:
                continue
            try:
                sheets[meta.name] = wb.get_sheet_by_name(meta.name).to_python(
                    skip_empty_area=False)
            except Exception as exc:
                raise ValueError(f"cannot read sheet '{meta.name}' of the previous workbook "
                                 f"{path.name} ({type(exc).__name__})") from None
    finally:
        wb.close()
    return sheets


def _meta(rows: list[list]) -> tuple[dict[str, object], dict[str, str]]:
    """Key/value pairs and the level -> label table of the hidden META sheet."""
    info: dict[str, object] = {}
    labels: dict[str, str] = {}
    in_levels = False
    for row in rows:
        a = _text(row[0]) if row else ""
        b = row[1] if len(row) > 1 else ""
        if not a:
            continue
        if a == "Level" and _text(b) == "Label":
            in_levels = True
            continue
        if in_levels:
            if a in CANONICAL_LEVELS:
                labels[a] = _text(b) or a
        else:
            info[a] = b
    return info, labels


def _level_reader(labels: dict[str, str]):
    """Cell text -> canonical level ('' blank, None unknown): the labels written, then every
    spelling the default scale knows."""
    by_label = {rag_key(lab): lv for lv, lab in labels.items()}
    by_label.update({rag_key(lv): lv for lv in labels})
    fallback = RagScale()

    def read(value) -> str | None:
        text = _text(value).strip()
        if not text:
            return ""
        lv = by_label.get(rag_key(text))
        return lv if lv is not None else fallback.normalise(text)

    return read


def _header_index(rows: list[list]) -> tuple[int, list[str]]:
    for r, row in enumerate(rows[:5]):
        names = [_text(v).strip() for v in row]
        if "Key" in names:
            return r, names
    return -1, []


def _to_date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def read_previous(path: str | os.PathLike, limits: Limits | None = None) -> Previous:
    """Read last month's consolidated workbook back into tidy DataFrames, checked against
    ``limits`` (the programme's ``[limits]``; the defaults without one).

    Raises ``ValueError`` with a plain sentence when the file cannot be read or is not a
    consolidated workbook (no Actions sheet with a Key header).
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"cannot read the previous workbook {path}: no such file")
    _check_safe(path, limits or Limits())
    sheets = _read_all_sheets(path)
    if ACTIONS not in sheets:
        raise _not_consolidated(path, "it has no Actions sheet")
    rows = sheets[ACTIONS]
    hr, names = _header_index(rows)
    if hr < 0:
        raise _not_consolidated(path, "its Actions sheet has no Key column")

    info, labels = _meta(sheets.get(META, []))
    if not labels:  # written without the META sheet: the canonical names were the labels
        labels = {lv: lv for lv in CANONICAL_LEVELS}
    level_of = _level_reader(labels)
    tidy_of = dict(ACTION_FIELDS)
    fixed = {h.casefold(): t for h, t in ACTION_FIELDS}
    columns: list[tuple[int, str, bool]] = []  # (index, tidy or extra name, is_fixed)
    for c, name in enumerate(names):
        if not name:
            continue
        tidy = tidy_of.get(name) or fixed.get(name.casefold())
        columns.append((c, tidy or name, tidy is not None))

    records = []
    for row in rows[hr + 1:]:
        cells = {name: (row[c] if c < len(row) else "") for c, name, _ in columns}
        if all(_text(v) == "" for v in cells.values()):
            continue  # the blank row of an empty table
        rec: dict = {}
        for c, name, is_fixed in columns:
            v = cells[name]
            if not is_fixed:
                rec[name] = _plain(v)
            elif name in _TEXT_FIELDS:
                rec[name] = _text(v)
        rag_cell = _text(cells.get("rag", ""))
        level = level_of(rag_cell)
        rec["rag"] = level or ""
        rec["rag_text"] = rag_cell
        rec["previous_rag"] = level_of(cells.get("previous_rag", "")) or ""
        due = cells.get("due", "")
        due_date = _to_date(due)
        rec["due_date"] = due_date
        rec["due"] = (_due_label(rec) or due_date.strftime("%b %Y")) if due_date is not None \
            else _text(due)
        status = _text(cells.get("status", ""))
        rec["status"] = STATUS_CARRIED if STATUS_CARRIED.casefold() in status.casefold() else ""
        rec["overdue"] = STATUS_OVERDUE.casefold() in status.casefold()
        rec["complete"] = any(rag_key(rec.get(q, "")) in ("complete", "completed")
                              for q in ("q1", "q2", "q3", "q4", "later"))
        src = cells.get("source_row", "")
        rec["source_row"] = int(src) if isinstance(src, (int, float)) and not (
            isinstance(src, float) and math.isnan(src)) else _text(src)
        records.append(rec)

    order = ["key", "ref", "theme", "aim", "action", "sub_action", "sro", "q1", "q2", "q3", "q4",
             "later", "timeframe", "due", "due_date", "updates", "risks_issues", "rag", "rag_text",
             "previous_rag", "movement", "status", "overdue", "complete", "issue_codes", "file",
             "sheet", "source_row"]
    extras = [name for _, name, is_fixed in columns if not is_fixed]
    actions = pd.DataFrame.from_records(records, columns=[*order, *extras])
    for col in order:
        if col in _TEXT_FIELDS and col in actions.columns:
            actions[col] = actions[col].astype(object)

    history = _read_history(sheets.get(HISTORY, []), level_of)
    period = _text(info.get("period", ""))
    if not period and not history.empty:
        period = str(history["period"].iloc[-1])
    return Previous(path=path, period=period, actions=actions, history=history, sheets=sheets,
                    labels=labels)


def _due_label(rec: dict) -> str:
    """The due quarter as the normaliser names it: the last milestone column with a marker."""
    for name in ("later", "q4", "q3", "q2", "q1"):
        if rec.get(name, ""):
            return "Later" if name == "later" else name.upper()
    return ""


def _read_history(rows: list[list], level_of) -> pd.DataFrame:
    cols: list[tuple[int, str]] = []
    if rows:
        for c, v in enumerate(rows[0]):
            name = _text(v).strip()
            if not name:
                continue
            if name.casefold() == "period":
                cols.append((c, "period"))
            elif name.casefold() == NOT_REPORTED.casefold():
                cols.append((c, NOT_REPORTED))
            elif name.casefold() == TOTAL.casefold():
                cols.append((c, TOTAL))
            else:
                level = level_of(name)
                if level:
                    cols.append((c, level))
    if not any(n == "period" for _, n in cols):
        return pd.DataFrame(columns=["period", NOT_REPORTED, TOTAL])
    out = []
    for row in rows[1:]:
        rec = {}
        for c, name in cols:
            v = row[c] if c < len(row) else ""
            if name == "period":
                d = _to_date(v)
                rec[name] = d.strftime("%Y-%m") if d else _text(v)
            else:
                try:
                    rec[name] = int(float(v)) if v not in ("", None) else 0
                except (TypeError, ValueError):
                    rec[name] = 0
        if rec.get("period"):
            out.append(rec)
    names = [n for _, n in cols]
    levels = [lv for lv in CANONICAL_LEVELS if lv in names]
    frame = pd.DataFrame.from_records(out, columns=["period", *levels, NOT_REPORTED, TOTAL])
    for c in frame.columns[1:]:
        frame[c] = frame[c].fillna(0).astype(int)
    return frame
