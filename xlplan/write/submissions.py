"""The Submissions sheet: one row per file seen, so the coordinator can see who sent what.

A table named ``Submissions`` from A1: SRO, File, SHA-256, Modified, Size, Sheets read, Rows,
Errors, Warnings, Status -- Status is ``merged`` (read, with or without errors), ``failed``
(unreadable, or its tables gave no rows), ``not a plan`` (nothing in it is a plan, register or
scorecard) or ``skipped``; when a file read gave nothing, Sheets read ends with the reason.
Errors and Warnings count the file's issues on the Issues sheet.
"""
from __future__ import annotations

import datetime as dt

from ..consolidated import SUBMISSIONS, TABLE_SUBMISSIONS
from ..issues import ERROR, WARNING
from .formats import ERROR_FILL, ERROR_FONT, GOOD_FONT, GREY, Formats
from .tables import write_table

HEADERS = ("SRO", "File", "SHA-256", "Modified", "Size", "Sheets read", "Rows", "Errors",
           "Warnings", "Status")
WIDTHS = (26, 40, 20, 17, 10, 40, 7, 7, 9, 10)
STATUS = {"ok": "merged", "errors": "merged", "failed": "failed", "skipped": "skipped",
          "not-a-plan": "not a plan"}
KIND = {"action_plan": "action plan", "risk_register": "risk register",
        "scorecard": "scorecard", "other": "not a plan"}


def status_label(status: str) -> str:
    return STATUS.get(status, status)


def _modified(text: str):
    """FileInfo.modified (ISO 8601, UTC) as a datetime for Excel; other text as it is."""
    if not text:
        return ""
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def _sheets(info) -> str:
    parts = []
    for s in info.sheets:
        kind = KIND.get(s.kind, s.kind)
        if s.kind in ("action_plan", "risk_register", "scorecard"):
            parts.append(f"{s.name} ({kind}, {s.rows} row{'s' if s.rows != 1 else ''})")
        else:
            parts.append(f"{s.name} ({kind})")
    text = "; ".join(parts)
    note = getattr(info, "note", "")
    return f"{text}. {note[:1].upper()}{note[1:]}" if note and text else (note or text)


def submission_rows(merged) -> list[list]:
    errors: dict[str, int] = {}
    warnings: dict[str, int] = {}
    for issue in merged.issues:
        if issue.severity == ERROR:
            errors[issue.file] = errors.get(issue.file, 0) + 1
        elif issue.severity == WARNING:
            warnings[issue.file] = warnings.get(issue.file, 0) + 1
    rows = []
    for info in merged.files:
        rows.append([info.sro, info.path, info.sha256, _modified(info.modified), info.size,
                     _sheets(info), info.rows, errors.get(info.path, 0),
                     warnings.get(info.path, 0), status_label(info.status)])
    return rows


def write_submissions(wb, merged, fmts: Formats):
    ws = wb.add_worksheet(SUBMISSIONS)
    rows = submission_rows(merged)
    wrap = fmts.text()
    status_fmt = {
        "merged": fmts.text(bold=True, font_color=GOOD_FONT, align="center"),
        "failed": fmts.text(bold=True, font_color=ERROR_FONT, bg_color=ERROR_FILL,
                            align="center"),
        "not a plan": fmts.text(bold=True, font_color=ERROR_FONT, bg_color=ERROR_FILL,
                                align="center"),
        "skipped": fmts.text(italic=True, font_color=GREY, align="center"),
    }
    fmt_by_col = {
        2: fmts.text(wrap=False, font_size=8, font_color=GREY),
        3: fmts.datetime(),
        4: fmts.integer(),
        6: fmts.integer(),
        7: fmts.integer(),
        8: fmts.integer(),
    }

    def cell_format(i, c, value):
        if c == 9:
            return status_fmt.get(value, wrap)
        if c == 7 and value:
            return fmts.integer(bold=True, font_color=ERROR_FONT)
        return fmt_by_col.get(c, wrap)

    write_table(ws, fmts, name=TABLE_SUBMISSIONS, headers=HEADERS, rows=rows, widths=WIDTHS,
                title=f"{merged.programme.name} - Submissions {merged.period}",
                cell_format=cell_format, height_columns=[0, 1, 5])
    return ws
