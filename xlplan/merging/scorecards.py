"""Stage 5 for scorecards: this month's indicator rows + last month's Scorecard sheet -> one
series per indicator that grows month by month.

An SRO's scorecard shows a few values (seed 003: the first and last value of a six-point graph);
the board wants the trend over everything reported so far. So the consolidated workbook's
Scorecard sheet is the memory: its period columns (see :mod:`xlplan.write.scorecard`) hold every
value reported before, and each merge

1. reads them back from ``prev.sheets["Scorecard"]`` by header text and indicator Key;
2. lays this month's values over them, period by period: a period already there is replaced by
   this month's number (a correction), a new period is appended, a blank or unreadable cell
   this month leaves last month's number alone (a missing cell is not a retraction);
3. recomputes the trend RAG over the whole series (seed rules,
   :func:`xlplan.schema.scorecard.trend_rag`), and the benchmark RAG from the latest value;
4. keeps every indicator of last month that no file reported this month, flagged
   "Carried forward" with its last values (no row is ever lost), with ``carried-forward``
   warnings -- one per indicator when some scorecard came in this month, one in all when none
   did (a quarterly scorecard is often absent in between).

A value whose period the sheet does not give (:data:`~xlplan.normalise.scorecards.LATEST_VALUE`)
is filed under the reporting month, so it still lands in a period column.
"""
from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ..catalogue import message
from ..consolidated import (POLARITY_TEXT, SCORECARD as SHEET,
                            SCORECARD_GRAPH_HEADER as GRAPH_HEADER, SCORECARD_LEAD as LEAD,
                            SCORECARD_MERGE_COLUMNS as MERGE_COLUMNS, SCORECARD_TAIL as TAIL)
from ..issues import ERROR, Issue, at
from ..normalise.scorecards import LATEST_VALUE, SCORECARD_COLUMNS, label_sort_key
from ..schema.movement import CARRIED, NEW
from ..schema.periods import period_of_month
from ..schema.scorecard import benchmark_rag, parse_measure_value, parse_polarity, trend_rag
from ..text import cell_text, clean_text

__all__ = ["merge_scorecards", "previous_indicators"]


def _missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v == ""


def _number(v: object) -> float | None:
    try:
        return None if _missing(v) else parse_measure_value(v)  # type: ignore[arg-type]
    except ValueError:
        return None


# ------------------------------------------------------------------------------ read back

def previous_indicators(prev: Any, fy_start_month: int = 4) -> dict[str, dict] | None:
    """Last month's indicators by Key, from the Scorecard sheet xlplan wrote; None when the
    previous workbook has no such sheet."""
    sheets = getattr(prev, "sheets", None) or {}
    rows = sheets.get(SHEET)
    if not rows:
        return None
    header_at = next((i for i, row in enumerate(rows[:10])
                      if row and clean_text(row[0]) == LEAD[0][1]), None)
    if header_at is None:
        return None
    header = [clean_text(cell_text(v)) for v in rows[header_at]]
    col = {text: c for c, text in reversed(list(enumerate(header)))}
    if LEAD[-1][1] not in col or GRAPH_HEADER not in col or "Key" not in col:
        return None
    periods = [(c, header[c]) for c in range(col[LEAD[-1][1]] + 1, col[GRAPH_HEADER]) if header[c]]
    fields = {field: col[text] for field, text, _ in (*LEAD, *TAIL) if text in col}
    last_known = max(fields.values())
    extras = [(c, header[c]) for c in range(last_known + 1, len(header)) if header[c]]
    polarity_of = {v: k for k, v in POLARITY_TEXT.items()}
    out: dict[str, dict] = {}
    for row in rows[header_at + 1:]:
        def get(c: int) -> object:
            return row[c] if c < len(row) else ""

        key = clean_text(cell_text(get(fields["key"])))
        if not key or key in out:
            continue
        rec = {field: get(c) for field, c in fields.items()}
        for field, value in rec.items():
            if isinstance(value, str):
                rec[field] = clean_text(value)
        polarity = str(rec.get("polarity") or "")
        rec["polarity"] = polarity_of.get(polarity) or parse_polarity(polarity) or ""
        rec["source_row"] = _row_number(rec.get("source_row"))
        rec["series"] = {label: (_number(get(c)), cell_text(get(c)))
                         for c, label in periods if not _missing(get(c))}
        rec["extras"] = {name: get(c) for c, name in extras}
        out[key] = rec
    return out


def _row_number(v: object) -> object:
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str) and v.isdigit():
        return int(v)
    return v if not _missing(v) else ""


# ------------------------------------------------------------------------------ merge

def _series(rec: dict, reporting_label: str) -> dict[str, tuple[float | None, str]]:
    values = rec.get("values") if isinstance(rec.get("values"), list) else []
    texts = rec.get("values_text") if isinstance(rec.get("values_text"), list) else []
    labels = rec.get("value_labels") if isinstance(rec.get("value_labels"), list) else []
    texts = texts or [""] * len(values)
    return {(reporting_label if str(lb) == LATEST_VALUE else str(lb)): (v, t)
            for lb, v, t in zip(labels, values, texts)}


def _combine(old: dict[str, tuple], new: dict[str, tuple], fy: int) -> dict[str, tuple]:
    """Last month's series with this month's laid over it (see module docstring, step 2)."""
    out = dict(old)
    for label, (value, text) in new.items():
        if value is not None:
            out[label] = (value, text)
        elif text and label not in out:  # unreadable this month, nothing before: keep the text
            out[label] = (None, text)
    return dict(sorted(out.items(), key=lambda kv: label_sort_key(kv[0], fy)))


def _per_period(rec: dict, name: str, reporting_label: str) -> dict[str, object]:
    """label -> this month's target (or forecast) of that period, from the tidy row's list."""
    labels = rec.get("value_labels") if isinstance(rec.get("value_labels"), list) else []
    items = rec.get(name) if isinstance(rec.get(name), list) else []
    return {(reporting_label if str(lb) == LATEST_VALUE else str(lb)): v
            for lb, v in zip(labels, items)}


def _recompute(rec: dict, series: dict[str, tuple],
               per_period: dict[str, dict[str, object]] | None = None) -> None:
    """Series columns, latest value, trend RAG and computed benchmark RAG from a series; the
    targets and forecasts lists realigned on the merged series' periods."""
    rec["value_labels"] = list(series)
    for name in ("targets", "forecasts"):
        by_label = (per_period or {}).get(name, {})
        rec[name] = [by_label.get(label) for label in rec["value_labels"]]
    rec["values"] = [v for v, _ in series.values()]
    rec["values_text"] = [t for _, t in series.values()]
    if len(rec.get("value_cells") or []) != len(series):
        rec["value_cells"] = []  # cells belong to this month's sheet; the merged series is wider
    known = [v for v in rec["values"] if v is not None]
    rec["latest_value"] = known[-1] if known else None
    polarity = rec.get("polarity") or ""
    rec["trend_rag"] = (trend_rag(rec["values"], polarity) or "") if polarity else ""
    bench = rec.get("benchmark_value")
    if not rec.get("benchmark_stated"):
        rec["benchmark_rag"] = (benchmark_rag(rec["latest_value"], bench, polarity) or "") \
            if polarity and rec["latest_value"] is not None and not _missing(bench) else ""


def _carried(old: dict, fy: int) -> dict:
    rec = {c: "" for c in SCORECARD_COLUMNS}
    rec.update({k: v for k, v in old.items() if k in SCORECARD_COLUMNS})
    rec["benchmark_value"] = _number(old.get("benchmark"))
    # Without a number to compare, last month's colour was the sheet's own (stated): keep it.
    rec["benchmark_stated"] = (old.get("benchmark_rag") or "") \
        if rec["benchmark_value"] is None else ""
    rec.update(values=[], values_text=[], value_labels=[], value_cells=[])
    _recompute(rec, _combine(old["series"], {}, fy))
    rec.update(status=CARRIED, reported=old.get("reported") or "",
               previous_trend_rag=old.get("trend_rag") or "")
    rec.update(old.get("extras", {}))
    return rec


def merge_scorecards(scorecards: pd.DataFrame, prev: Any, period_label: str,
                     issues: list[Issue], *, fy_start_month: int = 4) -> pd.DataFrame:
    """This month's tidy indicator rows merged with last month's Scorecard sheet.

    ``scorecards``: tidy rows (:data:`xlplan.normalise.scorecards.SCORECARD_COLUMNS` plus
    extras) of every file this month; ``prev``: last month's consolidated workbook as read by
    :func:`xlplan.consolidated.read_previous` (anything with ``.sheets``), or None;
    ``period_label``: the reporting month 'YYYY-MM'. Issues found (``carried-forward``,
    ``conflicting-ref``) are appended to ``issues``. Returns one row per indicator with the
    merged series and the columns of :data:`xlplan.consolidated.SCORECARD_MERGE_COLUMNS`.
    """
    before = previous_indicators(prev, fy_start_month)
    reporting = _reporting_label(period_label)
    rows: list[dict] = []
    for rec in scorecards.to_dict("records"):
        old = (before or {}).get(rec["key"])
        if old is not None and not rec.get("polarity"):
            rec["polarity"] = old.get("polarity") or ""
        series = _combine(old["series"] if old else {}, _series(rec, reporting), fy_start_month)
        _recompute(rec, series, {name: _per_period(rec, name, reporting)
                                 for name in ("targets", "forecasts")})
        rec.update(status=NEW if before is not None and old is None else "",
                   reported=period_label, previous_trend_rag=(old or {}).get("trend_rag") or "")
        rows.append(rec)
    issues.extend(_conflicts(rows))
    present = {r["key"] for r in rows}
    carried = [_carried(old, fy_start_month) for key, old in (before or {}).items()
               if key not in present]
    issues.extend(_carried_issues(carried, bool(rows)))
    rows.extend(carried)
    extras = [c for c in scorecards.columns if c not in SCORECARD_COLUMNS
              and c not in MERGE_COLUMNS]
    for rec in carried:
        extras.extend(k for k in rec if k not in SCORECARD_COLUMNS and k not in MERGE_COLUMNS
                      and k not in extras)
    columns = [*SCORECARD_COLUMNS, *MERGE_COLUMNS, *extras]
    for rec in rows:
        for c in columns:
            rec.setdefault(c, "")
    _issue_codes(rows, issues)
    return pd.DataFrame.from_records(rows, columns=columns)


def _reporting_label(period_label: str) -> str:
    """'2018-03' -> 'Mar-18', the period column a value without a period is filed under."""
    try:
        year, month = (int(p) for p in str(period_label).split("-")[:2])
        return period_of_month(year, month).label
    except (ValueError, IndexError):
        return LATEST_VALUE


def _conflicts(rows: list[dict]) -> list[Issue]:
    """``conflicting-ref``: one indicator reported by two files this month (both rows kept)."""
    first: dict[str, str] = {}
    out: list[Issue] = []
    for rec in rows:
        owner = first.setdefault(rec["key"], rec["file"])
        if owner != rec["file"]:
            what = f"Ref '{rec['ref']}'" if rec.get("ref") else f"indicator '{rec['indicator']}'"
            out.append(at("conflicting-ref", message("conflicting-ref", what=what, other=owner,
                                                     how=""), file=rec["file"],
                          sheet=rec["sheet"], row=int(rec["source_row"]),
                          value=rec.get("ref") or rec["indicator"]))
    return out


def _carried_issues(carried: list[dict], any_this_month: bool) -> list[Issue]:
    if not carried:
        return []
    if not any_this_month:
        return [at("carried-forward", message(
            "carried-forward", "sheet", table="scorecard", count=len(carried), items="indicators",
            sheet=SHEET), value=len(carried))]
    return [at("carried-forward", message(
        "carried-forward", "row", what=f"indicator '{rec['indicator']}'",
        where=f"on last month's {SHEET} sheet"),
               file=str(rec.get("file") or ""), sheet=str(rec.get("sheet") or "") or None,
               value=rec["key"]) for rec in carried]


def _issue_codes(rows: list[dict], issues: list[Issue]) -> None:
    """Each row's issue codes, so the sheet shows which indicators have problems."""
    by_row: dict[tuple, set[str]] = {}
    for issue in issues:
        if issue.row is not None and issue.severity in (ERROR, "warning"):
            by_row.setdefault((issue.file, issue.sheet or "", issue.row), set()).add(issue.code)
    for rec in rows:
        if rec.get("status") == CARRIED:
            rec["issue_codes"] = "carried-forward"
            continue
        row = rec.get("source_row")
        key = (rec.get("file"), rec.get("sheet") or "", int(row) if str(row).isdigit() else row)
        rec["issue_codes"] = "; ".join(sorted(by_row.get(key, ())))
