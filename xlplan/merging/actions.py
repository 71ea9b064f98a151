"""Stage 5: many submissions (and last month's consolidated workbook) -> one merged result.

Every row from every readable file is kept, keyed by its stable row key. Against the previous
consolidated workbook each row gets its RAG movement (Improved / Worsened / Same) or is New; a
row that was there last month and is missing now is carried forward with its last known values
and flagged, never lost. Overdue milestones are judged against the reporting period.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Protocol

import pandas as pd

from ..catalogue import message
from ..config import Programme
from ..consolidated import RISKS, SCORECARD, read_previous
from ..issues import FileInfo, Issue
from ..schema.movement import CARRIED, IMPROVED, NEW, SAME, WORSENED

#: The codes the merge of the action plans raises, each worded from its catalogue templates.
CODES: tuple[str, ...] = ("conflicting-ref", "missing-submission", "carried-forward", "overdue")


@dataclass
class Merged:
    """The month's merged picture, ready for :func:`xlplan.write_consolidated`.

    ``actions`` holds the tidy action rows of every file (columns of
    :data:`xlplan.normalise.actions.ACTION_COLUMNS` plus extra columns) and, from the merge:

    * ``previous_rag`` -- the row's RAG in the previous consolidated workbook ('' if none);
    * ``movement`` -- Improved / Worsened / Same against last month, New, or '' without one;
    * ``status`` -- '' for a row submitted this month, 'Carried forward' for a row missing
      this month and copied from the previous workbook;
    * ``overdue`` -- True when the row's due quarter ended before the reporting period and it
      is neither marked Complete nor RAG Complete;
    * ``issue_codes`` -- the codes of the issues found on the row ('; '-joined, '' if none);
    * ``has_error`` -- True when one of those issues is an error.
    """

    programme: Programme
    period: str
    files: list[FileInfo]
    actions: pd.DataFrame
    risks: pd.DataFrame
    scorecards: pd.DataFrame
    issues: list[Issue]
    changes: pd.DataFrame
    history: pd.DataFrame
    extra_columns: list[str] = field(default_factory=list)
    previous_path: str | None = None
    #: the financial year bare quarter markers ("X" under Q1) are read in, and where it came
    #: from: "programme settings", "the workbooks" or "the reporting period"
    financial_year: int | None = None
    financial_year_source: str = ""

    @property
    def counts(self) -> dict[str, int]:
        from ..issues import count_by_severity

        return count_by_severity(self.issues)

    @property
    def has_errors(self) -> bool:
        return any(i.severity == "error" for i in self.issues)


def reporting_period(period: str | None, today: dt.date | None = None) -> tuple[str, dt.date]:
    """'YYYY-MM' and the period's first day (default: this month)."""
    if period is None:
        today = today or dt.date.today()
        return f"{today.year:04d}-{today.month:02d}", today.replace(day=1)
    try:
        first = dt.datetime.strptime(period.strip(), "%Y-%m").date()
    except ValueError:
        raise ValueError(f"the period must be written YYYY-MM (e.g. 2018-03), not '{period}'") \
            from None
    return first.strftime("%Y-%m"), first


class Read(Protocol):
    """What the merge takes from the files read and validated (:class:`xlplan.api.Result`)."""

    files: list[FileInfo]
    actions: pd.DataFrame
    risks: pd.DataFrame
    scorecards: pd.DataFrame
    issues: list[Issue]


def merge_read(result: Read, programme: Programme, *, extra_columns: Iterable[str] = (),
               previous: str | Path | None = None, period: str | None = None) -> Merged:
    """Submissions already read and validated (``result``) merged into one :class:`Merged`.

    ``previous`` is last month's consolidated workbook written by xlplan; ``period`` the
    reporting month 'YYYY-MM' (default: this month); ``extra_columns`` the action plans' own
    columns, in order of appearance. :func:`xlplan.merge` reads the files and calls this.
    """
    period_label, period_start = reporting_period(period)
    extra_columns = list(extra_columns)
    issues = list(result.issues)
    actions = result.actions.copy()

    prev = read_previous(previous, programme.limits) if previous is not None else None

    issues.extend(conflicting_refs(actions))
    issues.extend(missing_submissions(programme, result.files))
    actions, changes = compare_with_previous(actions, prev, issues)
    fy, fy_source, file_years = plan_financial_years(programme, result.files, period_start)
    actions = mark_overdue(actions, programme, period_start, issues, fy=fy, file_years=file_years)
    actions = mark_issue_codes(actions, issues)

    risks = result.risks
    if not risks.empty or (prev is not None and prev.sheets.get(RISKS)):
        from .risks import merge_risks

        risks = merge_risks(risks, prev, programme, period_start, issues)

    scorecards = result.scorecards
    if not scorecards.empty or (prev is not None and prev.sheets.get(SCORECARD)):
        from .scorecards import merge_scorecards

        scorecards = merge_scorecards(scorecards, prev, period_label, issues,
                                      fy_start_month=programme.financial_year_start_month)

    history = rag_history(actions, programme, period_label, prev)
    return Merged(programme=programme, period=period_label, files=result.files, actions=actions,
                  risks=risks, scorecards=scorecards, issues=issues, changes=changes,
                  history=history, extra_columns=extra_columns,
                  previous_path=str(previous) if previous is not None else None,
                  financial_year=fy, financial_year_source=fy_source)


def conflicting_refs(actions: pd.DataFrame) -> list[Issue]:
    """``conflicting-ref`` for a key submitted by two files; both rows stay."""
    from ..issues import at

    out: list[Issue] = []
    if actions.empty:
        return out
    # One pass over plain lists: filtering the frame once per conflicting key was quadratic
    # (minutes for a folder where many rows conflict).
    keys, files = actions["key"].tolist(), actions["file"].tolist()
    first_file: dict = {}
    files_of: dict = {}
    for key, f in zip(keys, files):
        if key is None or key != key:  # no key (None/NaN): never grouped
            continue
        first_file.setdefault(key, f)
        if f is not None and f == f:
            files_of.setdefault(key, set()).add(f)
    multi = {key for key, fs in files_of.items() if len(fs) > 1}
    if not multi:
        return out
    rows_of: dict = {}
    for i, (key, f) in enumerate(zip(keys, files)):
        if key in multi and f != first_file[key]:
            rows_of.setdefault(key, []).append(i)
    refs, sheets, source_rows, subs = (actions[c].tolist() for c in
                                       ("ref", "sheet", "source_row", "sub_action"))
    for key in sorted(rows_of):
        for i in rows_of[key]:
            what = f"Ref '{refs[i]}'" if refs[i] else "the same theme, action and sub-action"
            out.append(at("conflicting-ref", message("conflicting-ref", what=what,
                                                     other=first_file[key], how=""),
                          file=files[i], sheet=sheets[i], row=source_rows[i],
                          value=refs[i] or subs[i]))
    return out


def missing_submissions(programme: Programme, files: list[FileInfo]) -> list[Issue]:
    """``missing-submission`` for each expected SRO no readable file speaks for."""
    from ..issues import at
    from ..text import match_key

    # A file speaks for the SRO its name or most of its rows name; an SRO who only appears on
    # a row of someone else's file has not sent their own.
    # Whole words only: "Ann James" is not found in "Joann Jameson".
    seen = " | " + " | ".join(match_key(f.path) + " " + match_key(f.sro) for f in files
                              if f.status in ("ok", "errors")) + " | "
    seen = re.sub(r"[^a-z0-9|]+", " ", seen)
    out = []
    for sro in programme.expected_sros:
        name = re.sub(r"[^a-z0-9]+", " ", match_key(sro)).strip()
        if not name or not re.search(rf"(?<![a-z0-9]){re.escape(name)}(?![a-z0-9])", seen):
            out.append(at("missing-submission", message("missing-submission", sro=sro),
                          value=sro))
    return out


def compare_with_previous(actions: pd.DataFrame, prev, issues: list[Issue]
                          ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """RAG movement per row against last month; rows missing now carried forward and flagged."""
    from ..issues import at
    from ..schema.rag import CANONICAL_LEVELS

    actions = actions.copy()
    actions["previous_rag"] = ""
    actions["movement"] = ""
    actions["status"] = ""
    change_cols = ["change", "key", "ref", "theme", "action", "sub_action", "sro", "previous_rag",
                   "rag", "file"]
    if prev is None:
        return actions, pd.DataFrame(columns=change_cols)

    rank = {lv: i for i, lv in enumerate(CANONICAL_LEVELS)}
    before = prev.actions.drop_duplicates("key").set_index("key")
    prev_rag = before["rag"].to_dict() if not before.empty else {}
    movements = []
    for key, rag in zip(actions["key"], actions["rag"]):
        if key not in prev_rag:
            movements.append((NEW, ""))
            continue
        old = prev_rag[key] or ""
        a, b = rank.get(old), rank.get(rag or "")
        if a is None or b is None:  # not reported one month or both: no movement to judge
            movements.append(("", old))
        elif a == b:
            movements.append((SAME, old))
        else:
            movements.append((IMPROVED if b < a else WORSENED, old))
    if movements:
        actions["movement"] = [m for m, _ in movements]
        actions["previous_rag"] = [p for _, p in movements]

    present = set(actions["key"])
    # Every row of last month's that no file sent, each once: two rows kept under one
    # conflicting Ref are two rows, and both are carried.
    missing = prev.actions[~prev.actions["key"].isin(present)]
    carried = []
    for rec in missing.to_dict("records"):
        rec = {k: ("" if v is None or (isinstance(v, float) and pd.isna(v)) else v)
               for k, v in rec.items()}
        rec.update(status=CARRIED, movement="", previous_rag=rec.get("rag", ""))
        carried.append(rec)
        issues.append(at("carried-forward", message("carried-forward", "row", what="this row",
                                                    where="in last month's workbook"),
                         file=str(rec.get("file", "")), sheet=rec.get("sheet") or None,
                         row=int(rec["source_row"]) if str(rec.get("source_row", "")).isdigit()
                         else None, value=rec.get("key")))
    if carried:
        actions = pd.concat([actions, pd.DataFrame(carried)], ignore_index=True, sort=False)
    for col in actions.columns:
        if actions[col].dtype == object or isinstance(actions[col].dtype, pd.StringDtype):
            actions[col] = actions[col].where(actions[col].notna(), "")

    changes = actions.assign(change=actions["movement"].where(actions["status"] != CARRIED,
                                                              CARRIED))
    changes = changes[changes["change"] != ""]
    order = {WORSENED: 0, IMPROVED: 1, NEW: 2, CARRIED: 3, SAME: 4}
    changes = changes.assign(_o=changes["change"].map(order)).sort_values(
        ["_o", "file", "source_row"], kind="stable")
    return actions, changes[change_cols].reset_index(drop=True)


def plan_financial_years(programme: Programme, files: list[FileInfo], period_start: dt.date
                         ) -> tuple[int, str, dict[str, int]]:
    """The financial year a plan's bare quarter markers belong to: the programme's setting wins;
    else what each workbook states (its title "2018-19", its headers "Q1 18/19"), files that
    state none taking the year most workbooks state; else the year the reporting period falls
    in. Returns (the year, where it came from, file -> year)."""
    from collections import Counter

    from ..schema.markers import fy_of

    if programme.financial_year is not None:
        return programme.financial_year, "programme settings", {}
    stated = {f.path: f.financial_year for f in files if f.financial_year is not None}
    if stated:
        # the most common year; ties to the earlier one, so the choice does not depend on order
        common = min(Counter(stated.values()).items(), key=lambda kv: (-kv[1], kv[0]))[0]
        return common, "the workbooks", stated
    return fy_of(period_start, programme.financial_year_start_month), "the reporting period", {}


def mark_overdue(actions: pd.DataFrame, programme: Programme, period_start: dt.date,
                 issues: list[Issue], *, fy: int | None = None,
                 file_years: dict[str, int] | None = None) -> pd.DataFrame:
    """``overdue`` when a row's due quarter ended before the reporting period and it is neither
    marked Complete nor RAG Complete (carried rows are judged too). Bare quarters are read in
    the row's file's financial year (``file_years``), else in the plan's (see
    :func:`plan_financial_years`)."""
    from ..schema.markers import quarter_end
    from ..schema.rag import COMPLETE

    actions = actions.copy()
    start_month = programme.financial_year_start_month
    file_years = file_years or {}
    if fy is None:
        fy = plan_financial_years(programme, [], period_start)[0]
    flags = []
    due_dates = []
    n = len(actions)

    def column(name: str) -> list:  # plain lists: itertuples costs ~30x more
        return actions[name].tolist() if name in actions.columns else [""] * n

    for due_date, due, complete, rag, cell, file, sheet, source_row, sub_action, action in zip(
            *(column(c) for c in ("due_date", "due", "complete", "rag", "due_cell", "file",
                                  "sheet", "source_row", "sub_action", "action"))):
        due_date = due_date if isinstance(due_date, dt.date) else None
        if due_date is None and due in ("Q1", "Q2", "Q3", "Q4"):
            due_date = quarter_end(file_years.get(file, fy), int(due[1]), start_month)
        due_dates.append(due_date)
        late = (due_date is not None and due_date < period_start and not bool(complete)
                and rag != COMPLETE)
        flags.append(late)
        if late:
            cell = cell or ""
            issues.append(Issue(
                code="overdue", message=message("overdue", due=due, date=f"{due_date:%d %b %Y}"),
                file=file, sheet=sheet or None,
                row=int(source_row) if str(source_row).isdigit() else None,
                column="".join(ch for ch in cell if ch.isalpha()) or None,
                value=sub_action or action))
    actions["due_date"] = due_dates
    actions["overdue"] = flags
    return actions


def mark_issue_codes(actions: pd.DataFrame, issues: list[Issue]) -> pd.DataFrame:
    """Each row's issue codes, so the Actions sheet marks rows with errors instead of dropping them."""
    from ..issues import ERROR

    by_row: dict[tuple, list[Issue]] = {}
    for issue in issues:
        if issue.row is not None:
            by_row.setdefault((issue.file, issue.sheet or "", issue.row), []).append(issue)
    codes, errors = [], []
    for f, s, r in zip(actions["file"], actions["sheet"], actions["source_row"]):
        found = by_row.get((f, s or "", int(r) if str(r).isdigit() else r), [])
        codes.append("; ".join(sorted({i.code for i in found})))
        errors.append(any(i.severity == ERROR for i in found))
    actions = actions.copy()
    actions["issue_codes"] = codes
    actions["has_error"] = errors
    return actions


def rag_history(actions: pd.DataFrame, programme: Programme, period: str, prev) -> pd.DataFrame:
    """RAG counts per period: last month's history plus this month's counts."""
    levels = list(programme.rag.levels)
    counts = {lv: int((actions["rag"] == lv).sum()) if not actions.empty else 0 for lv in levels}
    not_reported = int((actions["rag"] == "").sum()) if not actions.empty else 0
    row = {"period": period, **counts, "Not reported": not_reported, "Total": len(actions)}
    frames = []
    if prev is not None and prev.history is not None and not prev.history.empty:
        old = prev.history[prev.history["period"].astype(str) != period]
        frames.append(old)
    frames.append(pd.DataFrame([row]))
    hist = pd.concat(frames, ignore_index=True, sort=False).fillna(0)
    cols = ["period", *levels, "Not reported", "Total"]
    for c in cols:
        if c not in hist.columns:
            hist[c] = 0
    hist = hist[cols].sort_values("period", kind="stable").reset_index(drop=True)
    for c in cols[1:]:
        hist[c] = hist[c].astype(int)
    return hist
