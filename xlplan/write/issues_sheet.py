"""The Issues sheet: every finding, with the file, sheet and cell to go and fix.

A table named ``Issues`` from A1: Severity, Code, File, Sheet, Cell, Message, Value, sorted by
:meth:`xlplan.issues.Issue.sort_key` (file, sheet, row, column, severity), the Severity cell
coloured (error red, warning amber, info blue). The Dashboard's Errors figure counts
``error`` in column A.
"""
from __future__ import annotations

from ..consolidated import ISSUES, TABLE_ISSUES
from ..issues import ERROR, INFO, WARNING, Issue
from .formats import ERROR_FILL, ERROR_FONT, INFO_FILL, INFO_FONT, WARNING_FILL, WARNING_FONT, \
    Formats
from .tables import write_table

HEADERS = ("Severity", "Code", "File", "Sheet", "Cell", "Message", "Value")
WIDTHS = (10, 20, 36, 16, 9, 70, 36)
SEVERITY_COLOURS = {ERROR: (ERROR_FILL, ERROR_FONT), WARNING: (WARNING_FILL, WARNING_FONT),
                    INFO: (INFO_FILL, INFO_FONT)}


def issue_rows(issues: list[Issue]) -> list[list]:
    return [[i.severity, i.code, i.file, i.sheet or "", i.cell or "", i.message, i.value or ""]
            for i in sorted(issues, key=Issue.sort_key)]


def write_issues(wb, merged, fmts: Formats):
    ws = wb.add_worksheet(ISSUES)
    rows = issue_rows([*merged.issues, *fmts.extra_issues])
    wrap = fmts.text()
    sev_fmt = {s: fmts.text(bold=True, bg_color=bg, font_color=fg, align="center")
               for s, (bg, fg) in SEVERITY_COLOURS.items()}

    def cell_format(i, c, value):
        if c == 0:
            return sev_fmt.get(value, wrap)
        return wrap

    write_table(ws, fmts, name=TABLE_ISSUES, headers=HEADERS, rows=rows, widths=WIDTHS,
                title=f"{merged.programme.name} - Issues {merged.period}",
                cell_format=cell_format)
    return ws
