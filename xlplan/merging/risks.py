"""Stage 5 for risk registers: this month's risks (and last month's Risks sheet) -> one register.

* **Every submission is kept.** A risk several partners submit (the same Ref, or without Refs
  the same description) stays once per file; each row gets ``worst_score`` -- the highest
  current score among them, which is what the board has to plan for -- and ``shared_ref`` /
  ``submissions``. When the files give the same Ref *different descriptions*, they are not the
  same risk: ``conflicting-ref`` error, both rows kept.
* **Month to month.** ``previous_score`` becomes last month's score from the previous
  consolidated workbook's Risks sheet (read back by header text, :func:`previous_risks`); a
  risk not on last month's sheet keeps the previous rating its own register gives (kept as
  ``register_previous_score`` in every case). ``movement`` is recomputed from it the way the
  Risks sheet's Movement formula does (:func:`xlplan.schema.risk.movement`): Up / Down / Same,
  New where there is no previous score.
* **Nothing is lost.** A risk on last month's sheet that no file sent this month is carried
  forward with its last known values, ``status`` 'Carried forward', and a ``carried-forward``
  warning (one per risk when some register came in, one in all when none did: registers are
  often quarterly).

Scores here are the Risks sheet's (:func:`xlplan.schema.risk.effective_score`: likelihood x
impact where both are known), so the cached values of its formulas and these columns agree.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

import pandas as pd

from ..catalogue import message
from ..config import Programme
from ..consolidated import RISK_FIELDS, RISK_MERGE_COLUMNS, RISKS
from ..issues import ERROR, Issue, at
from ..normalise.risks import RISK_COLUMNS
from ..schema.movement import CARRIED
from ..schema.risk import effective_score, movement, whole_number
from ..text import cell_text, clean_text, match_key

__all__ = ["merge_risks", "previous_risks", "READ_BACK"]

#: Headers the writer derives each month: read back but never carried as extra columns.
DERIVED = frozenset({"rag", "movement", "worst score", "above appetite", "issues"})
#: Risks sheet header (case-insensitive) -> tidy column, for reading last month's sheet back:
#: the sheet's own columns (:data:`xlplan.consolidated.RISK_FIELDS`) but those it derives.
READ_BACK: dict[str, str] = {header.casefold(): tidy for header, tidy, _ in RISK_FIELDS
                             if header.casefold() not in DERIVED}


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip())


# ------------------------------------------------------------------------------ read back
def _header(rows: list[list]) -> tuple[int, list[str]] | None:
    for i, row in enumerate(rows[:5]):
        names = [clean_text(cell_text(v)).casefold() for v in row]
        if "key" in names and "description" in names:
            return i, names
    return None


def previous_risks(prev: Any) -> dict[str, dict] | None:
    """Last month's risks by Key, from the Risks sheet xlplan wrote (cached formula values);
    None when there is no previous workbook or it has no Risks sheet."""
    sheets = getattr(prev, "sheets", None) or {}
    rows = sheets.get(RISKS)
    if not rows:
        return None
    found = _header(rows)
    if found is None:
        return None
    at_row, names = found
    raw_headers = [clean_text(cell_text(v)) for v in rows[at_row]]
    out: dict[str, dict] = {}
    for row in rows[at_row + 1:]:
        rec: dict = {}
        for c, name in enumerate(names):
            v = row[c] if c < len(row) else ""
            if not name or name in DERIVED:
                continue
            tidy = READ_BACK.get(name)
            if tidy is None:
                rec.setdefault("_extras", {})[raw_headers[c]] = "" if _blank(v) else v
            elif isinstance(v, str):
                rec[tidy] = clean_text(v)
            else:
                rec[tidy] = "" if _blank(v) else v
        key = str(rec.get("key") or "")
        if not key or key in out:
            continue
        for name in ("likelihood", "impact", "score", "previous_score", "target_score",
                     "inherent_score", "source_row"):
            n = whole_number(rec.get(name))
            rec[name] = n if n is not None else (rec.get(name) if name == "source_row" else None)
        if isinstance(rec.get("review_date"), dt.datetime):
            rec["review_date"] = rec["review_date"].date()
        out[key] = rec
    return out


# ------------------------------------------------------------------------------ merge
def _previous(rec: dict, before: dict[str, dict] | None) -> tuple[int | None, str]:
    """Last month's score when the risk was on last month's sheet, else its register's own."""
    if before is not None and rec["key"] in before:
        old = before[rec["key"]]
        return effective_score(old.get("likelihood"), old.get("impact"), old.get("score")), \
            "last month"
    own = whole_number(rec.get("register_previous_score"))
    if own is not None and not rec.get("previous_new"):
        return own, "register"
    return None, ""


def _same_risk(a: dict, b: dict) -> bool:
    """Two rows with one Key are the same risk when their descriptions say so (the same words,
    or one of them missing: that is a ``missing-value`` of its own, not a second risk)."""
    mine, theirs = match_key(a["description"]), match_key(b["description"])
    return not mine or not theirs or mine == theirs


def _namespaces(by_key: dict[str, list[dict]], programme_wide: bool) -> Callable[[str], str]:
    """Which files share their Refs: all of them when the programme's Refs are programme-wide;
    otherwise two files whose Refs evidently come from one list -- some Ref both send names
    the same risk (the same description). Returns file -> the first file of its group."""
    parent: dict[str, str] = {}

    def find(f: str) -> str:
        while parent.setdefault(f, f) != f:
            f = parent[f]
        return f

    def join(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb, key=order.__getitem__)] = min(ra, rb, key=order.__getitem__)

    order: dict[str, int] = {}
    for group in by_key.values():
        for r in group:
            order.setdefault(r["file"], len(order))
    files = list(order)
    if programme_wide:
        for f in files[1:]:
            join(files[0], f)
    for group in by_key.values():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if a["file"] != b["file"] and a["ref"] and match_key(a["description"]) \
                        and match_key(a["description"]) == match_key(b["description"]):
                    join(a["file"], b["file"])
    return find


def _shared(rows: list[dict], issues: list[Issue], programme_wide: bool = False) -> None:
    """Worst score, shared-ref flags and conflicting-ref errors across files.

    A Ref belongs to the organisation that sent it (``[risk] refs = "source"``, the default):
    two files' "R-001" are one risk only when the files share their Refs -- the programme says
    Refs are programme-wide (``refs = "programme"``), or some Ref the two files both send names
    the same risk. Then one Ref is one risk: its worst score is across both files, and a
    different description is a ``conflicting-ref`` error (both rows kept). Otherwise each file
    keeps its own risk, its own worst score, and a Key of its own ("R-001 (file)"), so the
    Risks sheet's Worst score and next month's merge keep them apart."""
    by_key: dict[str, list[dict]] = {}
    for rec in rows:
        by_key.setdefault(str(rec["key"]), []).append(rec)
    namespace = _namespaces(by_key, programme_wide)
    for key, group in by_key.items():
        clusters: dict[str, list[dict]] = {}
        for rec in group:
            clusters.setdefault(namespace(rec["file"]), []).append(rec)
        for i, cluster in enumerate(clusters.values()):
            scores = [r["effective_score"] for r in cluster if r["effective_score"] is not None]
            files = list(dict.fromkeys(r["file"] for r in cluster))
            for r in cluster:
                r["worst_score"] = max(scores) if scores else None
                r["shared_ref"] = len(files) > 1
                r["submissions"] = len(files)
                if i > 0:  # another organisation's own Ref: a Key of its own
                    r["key"] = f"{key} ({cluster[0]['file']})"
            if len(files) < 2:
                continue
            first = cluster[0]
            for r in cluster:
                if r["file"] == first["file"] or _same_risk(r, first):
                    continue  # same file (duplicate-ref), a missing description (missing-value)
                what = f"Ref '{r['ref']}'" if r["ref"] else "this risk"
                issues.append(at("conflicting-ref", message(
                    "conflicting-ref", what=what, other=first["file"],
                    how=" with a different description"), file=r["file"],
                                 sheet=r["sheet"] or None, row=int(r["source_row"]), col=None,
                                 value=r["ref"] or key))


def _carried(old: dict, columns: list[str]) -> dict:
    rec = {c: "" for c in columns}
    rec.update({k: v for k, v in old.items() if k != "_extras"})
    rec.update(old.get("_extras", {}))
    score = effective_score(old.get("likelihood"), old.get("impact"), old.get("score"))
    rec.update(status=CARRIED, previous_score=score, previous_source="last month",
               register_previous_score=old.get("previous_score"), effective_score=score,
               movement="" if score is None else "Same", previous_new=False,
               shared_ref=False, submissions=0, _cells={}, _bad_ratings=())
    return rec


def _carried_issues(carried: list[dict], any_this_month: bool) -> list[Issue]:
    if not carried:
        return []
    if not any_this_month:
        return [at("carried-forward", message(
            "carried-forward", "sheet", table="risk register", count=len(carried), items="risks",
            sheet=RISKS), value=len(carried))]
    return [at("carried-forward", message(
        "carried-forward", "row", what=f"risk '{r.get('ref') or r['key']}'",
        where=f"on last month's {RISKS} sheet"), file=str(r.get("file") or ""), sheet=str(r.get("sheet") or "") or None,
               row=r["source_row"] if isinstance(r.get("source_row"), int) else None,
               value=r["key"]) for r in carried]


def _issue_codes(rows: list[dict], issues: list[Issue]) -> None:
    by_row: dict[tuple, list[Issue]] = {}
    for issue in issues:
        if issue.row is not None and issue.file:
            by_row.setdefault((issue.file, issue.sheet or "", issue.row), []).append(issue)
    for rec in rows:
        if rec.get("status") == CARRIED:
            rec["issue_codes"], rec["has_error"] = "carried-forward", False
            continue
        row = rec.get("source_row")
        found = by_row.get((rec.get("file"), rec.get("sheet") or "",
                            int(row) if str(row).isdigit() else row), [])
        rec["issue_codes"] = "; ".join(sorted({i.code for i in found}))
        rec["has_error"] = any(i.severity == ERROR for i in found)


def _raid_labels(rows: list[dict]) -> None:
    """In a file that is a RAID log (some of its rows have a RAID type), its risks without one
    (a "Risks" sheet beside "Issues" and "Assumptions" sheets) are labelled "Risk"."""
    raid_files = {r["file"] for r in rows if isinstance(r.get("raid_type"), str)
                  and r["raid_type"]}
    for rec in rows:
        if rec["file"] in raid_files and not (isinstance(rec.get("raid_type"), str)
                                              and rec["raid_type"]):
            rec["raid_type"] = "Risk"


def merge_risks(risks: pd.DataFrame, prev: Any, programme: Programme,
                period_start: dt.date | None, issues: list[Issue]) -> pd.DataFrame:
    """This month's tidy risk rows merged across files and with last month's Risks sheet.

    ``risks``: the tidy rows of every file (:data:`xlplan.normalise.risks.RISK_COLUMNS` plus
    extras); ``prev``: last month's consolidated workbook as read by
    :func:`xlplan.consolidated.read_previous`, or None; ``period_start``: the reporting
    month's first day (kept for rules judged by the period). Issues found
    (``conflicting-ref``, ``carried-forward``) are appended to ``issues``. Returns one row per
    submitted risk, then the carried-forward ones, with the columns of
    :data:`xlplan.consolidated.RISK_MERGE_COLUMNS` added.
    """
    matrix = programme.risk_matrix
    words = programme.rating_words
    before = previous_risks(prev)
    rows: list[dict] = risks.to_dict("records") if risks is not None and not risks.empty else []
    for rec in rows:
        rec["register_previous_score"] = rec.get("previous_score")
        rec["effective_score"] = effective_score(rec.get("likelihood"), rec.get("impact"),
                                                 rec.get("score"))
        rec["status"] = "" if _blank(rec.get("status")) else rec["status"]
    _shared(rows, issues, programme.refs_programme_wide)  # Keys first: last month is by Key
    _raid_labels(rows)
    for rec in rows:
        rec["previous_score"], rec["previous_source"] = _previous(rec, before)
        # A blank previous score here: the risk was on no earlier sheet, so it is New.
        rec["movement"] = movement(rec["previous_score"], rec["effective_score"],
                                   previous_is_new=rec["previous_score"] is None)
    extras = [c for c in (risks.columns if risks is not None else [])
              if c not in RISK_COLUMNS and c not in RISK_MERGE_COLUMNS]
    columns = [*RISK_COLUMNS, *RISK_MERGE_COLUMNS, *extras]
    present = {str(r["key"]) for r in rows}
    carried = [_carried(old, columns) for key, old in (before or {}).items() if key not in present]
    issues.extend(_carried_issues(carried, bool(rows)))
    for rec in carried:
        rec["worst_score"] = rec["effective_score"]
        extras.extend(k for k in rec if k not in columns and k not in extras)
    rows.extend(carried)
    columns = [*RISK_COLUMNS, *RISK_MERGE_COLUMNS, *extras]
    for rec in rows:
        score = rec["effective_score"]
        band = matrix.band_for(score)
        if band is None and rec.get("status") == CARRIED and not rec.get("rating_band"):
            # A risk rated in words, carried from last month's sheet: its words say its band.
            q = words.read(rec.get("rating_text"))
            rated = words.band(q, matrix) if q is not None else None
            rec["rating_band"] = rated.name if rated else ""
        rec["band"] = band.name if band else (rec.get("rating_band") or "")
        rec["above_appetite"] = matrix.above_appetite(score)
    _issue_codes(rows, issues)
    for rec in rows:
        for c in columns:
            rec.setdefault(c, "")
    df = pd.DataFrame.from_records(rows, columns=columns)
    for name in ("likelihood", "impact", "score", "previous_score", "register_previous_score",
                 "effective_score", "worst_score"):
        df[name] = pd.Series([None if _blank(r.get(name)) or r.get(name) == "" else
                              r.get(name) for r in rows], dtype=object)
    return df
