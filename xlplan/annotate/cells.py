"""Issues -> cells: where each issue's comment goes (its cell, its row's column A, its
column's row 1, A1 of the sheet or of the first visible sheet; out of merged ranges)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..issues import INFO, SEVERITY_ORDER, Issue, col_index, col_letter

from .base import AnnotateError, COLOUR_CODES, MAX_COMMENT_CHARS, SEVERITY_WORD, _Structure, _clean
from .package import _Sheet


# ---------------------------------------------------------------------------- issues -> cells
_CELL = re.compile(r"^([A-Z]{1,3})(\d{1,7})$")


@dataclass
class _Note:
    issue: Issue
    where: str = ""   # '' when the comment sits on the issue's own cell, else what it is about


@dataclass
class _Target:
    row: int          # 1-based
    col: int          # 0-based
    notes: list[_Note] = field(default_factory=list)
    footer: str = ""  # a closing line (the note on cells left without a comment)

    @property
    def ref(self) -> str:
        return f"{col_letter(self.col)}{self.row}"

    @property
    def severity(self) -> str:
        return min((n.issue.severity for n in self.notes),
                   key=lambda s: SEVERITY_ORDER.get(s, 9), default=INFO)

    @property
    def colour_only(self) -> bool:
        """Every issue here is about the cell's fill: outline only, keep the fill visible."""
        worst = self.severity
        return all(n.issue.code in COLOUR_CODES for n in self.notes
                   if n.issue.severity == worst)


def _merges(sheet_xml: bytes, st: _Structure) -> list[tuple[int, int, int, int]]:
    """(first row, first col, last row, last col) of every merged range (1-based rows)."""
    ch = st.child("mergeCells")
    if ch is None or ch.end < 0:
        return []
    out = []
    for m in re.finditer(rb"ref\s*=\s*[\"']\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?",
                         sheet_xml[ch.start:ch.end]):
        c0, r0 = col_index(m.group(1).decode()), int(m.group(2))
        c1 = col_index(m.group(3).decode()) if m.group(3) else c0
        r1 = int(m.group(4)) if m.group(4) else r0
        out.append((min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)))
    return out


def _place(issues: list[Issue], sheets: list[_Sheet]) -> dict[str, dict[tuple[int, int], _Target]]:
    """Sheet part -> (row, col) -> the issues to comment there (before merged-cell moves)."""
    by_name = {s.name: s for s in sheets if s.is_worksheet}
    visible = [s for s in sheets if s.is_worksheet and s.visible]
    home = visible[0] if visible else next((s for s in sheets if s.is_worksheet), None)
    if home is None:
        raise AnnotateError("it has no worksheet to put comments on")
    placed: dict[str, dict[tuple[int, int], _Target]] = {}

    def add(sheet: _Sheet, row: int, col: int, note: _Note) -> None:
        cells = placed.setdefault(sheet.part, {})
        cells.setdefault((row, col), _Target(row, col)).notes.append(note)

    for issue in sorted(issues, key=Issue.sort_key):
        sheet = by_name.get(issue.sheet or "")
        if sheet is None or not sheet.visible:
            where = "the whole file" if not issue.sheet else f"sheet '{issue.sheet}'"
            if issue.sheet and issue.cell:
                where += f", {issue.cell}"
            add(home, 1, 0, _Note(issue, where))
            continue
        if issue.row is not None and issue.column:
            add(sheet, issue.row, col_index(issue.column), _Note(issue))
        elif issue.row is not None:
            add(sheet, issue.row, 0, _Note(issue, f"row {issue.row}"))
        elif issue.column:
            add(sheet, 1, col_index(issue.column), _Note(issue, f"column {issue.column}"))
        else:
            add(sheet, 1, 0, _Note(issue, "this sheet"))
    return placed


def _move_out_of_merges(cells: dict[tuple[int, int], _Target],
                        merges: list[tuple[int, int, int, int]]) -> list[_Target]:
    """Cells hidden under a merged range move to its top-left cell, naming the cell."""
    out: dict[tuple[int, int], _Target] = {}
    for (row, col), target in sorted(cells.items()):
        dest = (row, col)
        for r0, c0, r1, c1 in merges:
            if r0 <= row <= r1 and c0 <= col <= c1 and (row, col) != (r0, c0):
                dest = (r0, c0)
                break
        if dest != (row, col):
            for note in target.notes:
                note.where = note.where or f"cell {target.ref}"
        tgt = out.setdefault(dest, _Target(*dest))
        tgt.notes.extend(target.notes)
    return [out[k] for k in sorted(out)]


def comment_text(target: _Target) -> str:
    """The comment on one cell: one paragraph per issue, worst first."""
    notes = sorted(target.notes, key=lambda n: (SEVERITY_ORDER.get(n.issue.severity, 9),
                                                n.issue.code))
    lines = []
    for n in notes:
        i = n.issue
        where = f" [{n.where}]" if n.where else ""
        lines.append(f"{SEVERITY_WORD.get(i.severity, i.severity.title())} ({i.code}){where}: "
                     f"{i.message}")
    if len(lines) == 1:
        text = lines[0]
    else:
        text = f"{len(lines)} problems:\n" + "\n".join(f"- {line}" for line in lines)
    if target.footer:
        text = f"{text}\n\n{target.footer}" if lines else target.footer
    text = _clean(text)
    if len(text) > MAX_COMMENT_CHARS:
        text = text[: MAX_COMMENT_CHARS - 40] + "\n[... more: see the xlplan report]"
    return text
