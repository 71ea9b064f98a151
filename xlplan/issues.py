"""The one issue model every stage reports with, and the JSON report built from it.

An :class:`Issue` names the file, sheet and cell it is about, a stable ``code`` (part of the
public contract, see ``CODES``), a severity, a sentence a non-programmer understands, and the
offending value. Every surface -- the text report, the JSON report, the Issues sheet of the
consolidated workbook, the annotated copies -- renders the same objects.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}

#: Every issue code and its severity. Codes are a public contract: add, never rename.
CODES: dict[str, str] = {
    "unreadable-file": ERROR,
    "encrypted-file": ERROR,
    "too-large": ERROR,
    "unsafe-xml": ERROR,
    "macros-ignored": INFO,
    "skipped-file": INFO,
    "hidden-sheet": INFO,
    "not-a-row": INFO,
    "header-not-found": ERROR,
    "missing-column": ERROR,
    "missing-value": ERROR,
    "unknown-rag": ERROR,
    "missing-rag": WARNING,
    "rag-from-colour": INFO,
    "rag-colour-mismatch": WARNING,
    "unknown-marker": WARNING,
    "unknown-timeframe": WARNING,
    "fragment-row": WARNING,
    "duplicate-ref": ERROR,
    "conflicting-ref": ERROR,
    "formula-in-input": INFO,
    "formula-like-text": INFO,
    "external-link": INFO,
    "text-truncated": WARNING,
    "bad-rating": ERROR,
    "out-of-range": ERROR,
    "impossible-score": ERROR,
    "score-mismatch": ERROR,
    "rag-band-mismatch": WARNING,
    "movement-mismatch": WARNING,
    "residual-above-inherent": WARNING,
    "review-overdue": WARNING,
    "above-appetite": WARNING,
    "bad-value": WARNING,
    "unknown-polarity": WARNING,
    "trend-mismatch": WARNING,
    "duplicate-period": WARNING,
    "missing-submission": WARNING,
    "carried-forward": WARNING,
    "overdue": WARNING,
    "output-error": ERROR,
    "error-value": ERROR,
    "own-output": INFO,
    "unreadable-cell": ERROR,
    "stray-cell": WARNING,
    "active-content": INFO,
    "text-not-rating": INFO,
    "rating-from-words": INFO,
    "own-rag-bands": INFO,
    "no-rows": ERROR,
}


#: Characters a terminal acts on (C0 and C1 controls, DEL) or that reorder text on screen
#: (bidirectional overrides): cell text reaches the text report, never raw.
_CONTROL = {c: f"\\u{c:04x}" for c in (*range(0x20), 0x7F, *range(0x80, 0xA0),
                                        *range(0x202A, 0x202F), *range(0x2066, 0x206A))}


#: The same characters as a pattern: a report has tens of thousands of lines and almost none
#: hold one, and a search is ten times cheaper than a translation that finds nothing.
_CONTROL_FOUND = re.compile("[" + "".join(re.escape(chr(c)) for c in _CONTROL) + "]")


def printable(text: str) -> str:
    """``text`` with control characters escaped as JSON writes them (ESC -> ``\\u001b``), so
    that a cell holding a terminal escape sequence is shown, not obeyed."""
    return text.translate(_CONTROL) if _CONTROL_FOUND.search(text) else text


def col_letter(index: int) -> str:
    """Excel column letters for a 0-based column index (0 -> 'A', 26 -> 'AA')."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_index(letters: str) -> int:
    """0-based column index for Excel column letters ('A' -> 0)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


@dataclass(frozen=True, slots=True)
class Issue:
    """One validation finding, pointing at a file, a sheet and (where it can) a cell.

    ``row`` is the 1-based Excel row and ``column`` the Excel column letters, so
    ``cell`` is the A1 address a user types into Excel's Name Box. A finding about a
    whole row has only ``row``; about a whole column only ``column``; about a whole file
    neither.
    """

    code: str
    message: str
    file: str = ""
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    severity: str = ""

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unknown issue code {self.code!r}")
        if not self.severity:
            object.__setattr__(self, "severity", CODES[self.code])
        if self.value is not None and not isinstance(self.value, str):
            object.__setattr__(self, "value", str(self.value))

    @property
    def cell(self) -> str | None:
        if self.row is not None and self.column:
            return f"{self.column}{self.row}"
        if self.row is not None:
            return f"row {self.row}"
        if self.column:
            return f"column {self.column}"
        return None

    def sort_key(self) -> tuple:
        return (
            self.file,
            self.sheet or "",
            self.row if self.row is not None else -1,
            col_index(self.column) if self.column else -1,
            SEVERITY_ORDER.get(self.severity, 9),
            self.code,
        )

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "row": self.row,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "value": self.value,
        }


def at(code: str, message: str, *, file: str = "", sheet: str | None = None,
       row: int | None = None, col: int | None = None, value: object = None) -> Issue:
    """Build an issue from 0-based ``col`` (the readers' native index) and 1-based ``row``."""
    return Issue(code=code, message=message, file=file, sheet=sheet, row=row,
                 column=col_letter(col) if col is not None else None,
                 value=None if value is None else str(value))


def count_by_severity(issues: Iterable[Issue]) -> dict[str, int]:
    counts = {ERROR: 0, WARNING: 0, INFO: 0}
    for issue in issues:
        counts[issue.severity] = counts.get(issue.severity, 0) + 1
    return counts


@dataclass(slots=True)
class SheetInfo:
    """What was found on one sheet: its kind, where its header is, how many data rows."""

    name: str
    kind: str  # action_plan | risk_register | scorecard | other
    header_row: int | None = None
    rows: int = 0

    def to_dict(self) -> dict:
        return {"name": self.name, "kind": self.kind, "header_row": self.header_row, "rows": self.rows}


@dataclass(slots=True)
class FileInfo:
    """One input file as the Submissions sheet and the JSON report describe it."""

    path: str
    status: str = "ok"  # ok | errors | failed | not-a-plan | skipped
    sha256: str = ""
    modified: str = ""
    size: int = 0
    sro: str = ""
    sheets: list[SheetInfo] = field(default_factory=list)
    #: the financial year the file's plan states (title "2018-19", headers "Q1 18/19"), if any
    financial_year: int | None = None
    #: why a file that was read gave nothing (status failed or not-a-plan), said plainly
    note: str = ""

    @property
    def rows(self) -> int:
        return sum(s.rows for s in self.sheets)

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "status": self.status,
            "sha256": self.sha256,
            "modified": self.modified,
            "sro": self.sro,
            "rows": self.rows,
            "sheets": [s.to_dict() for s in self.sheets],
            "financial_year": self.financial_year,
            **({"note": self.note} if self.note else {}),
        }


def report_dict(files: list[FileInfo], issues: list[Issue], version: str, *,
                paths: dict[str, str] | None = None, **extra) -> dict:
    """The JSON report (docs/report.md; keys may be added, never removed or renamed).

    ``paths`` maps the names files are reported under to the paths as the user gave them
    (``returns/2018-03 Paterson.xlsx``); the report's ``path`` and ``file`` use the latter and
    keep the short name as ``name``."""
    counts = count_by_severity(issues)
    summary = {
        "files": len(files),
        "rows": sum(f.rows for f in files),
        "errors": counts[ERROR],
        "warnings": counts[WARNING],
        "info": counts[INFO],
    }
    summary.update(extra)
    paths = paths or {}
    file_dicts, issue_dicts = [f.to_dict() for f in files], [
        i.to_dict() for i in sorted(issues, key=Issue.sort_key)]
    for d, key in [*((d, "path") for d in file_dicts), *((d, "file") for d in issue_dicts)]:
        if d.get(key) in paths:
            d["name"], d[key] = d[key], paths[d[key]]
    return {
        "xlplan": version,
        "files": file_dicts,
        "issues": issue_dicts,
        "summary": summary,
    }
