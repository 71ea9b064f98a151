"""Excel error values (``#REF!``, ``#N/A``, ``#DIV/0!``...) in a sheet's table -> issues.

A cell that shows ``#REF!`` is not blank: a RAG that became ``#REF!`` after a row was deleted
used to read as "no RAG", and a scorecard value that became ``#DIV/0!`` silently moved the
latest value back a period. The readers keep the error's text as the cell's value (so it
reaches the consolidated workbook as it is) and record where error cells are
(:attr:`xlplan.reader.RawSheet.errors`); this pass turns each one in the table into an
``error-value`` issue: an error in a cell that carries a judgement or a figure (RAG, rating,
likelihood, impact, score, a scorecard value) is an error; elsewhere a warning. The issues the
value checks raised about the same cell ("not a RAG", "not a number") say less than this one
and are replaced by it.
"""
from __future__ import annotations

from ..catalogue import message
from ..issues import ERROR, WARNING, Issue, col_letter
from ..locate import Located
from ..reader import RawSheet
from ..schema.columns import ACTION_PLAN, RISK_REGISTER, SCORECARD

#: The issue codes this module can raise (each in :mod:`xlplan.catalogue`).
CODES: tuple[str, ...] = ("error-value",)

#: Columns whose value is a judgement or a figure, per kind of sheet (an error there is an error).
VALUE_COLUMNS: dict[str, frozenset[str]] = {
    ACTION_PLAN: frozenset({"rag"}),
    RISK_REGISTER: frozenset({
        "rag", "inherent_rating", "inherent_likelihood", "inherent_impact", "previous_likelihood",
        "previous_impact", "target_likelihood", "target_impact", "previous_rating",
        "current_rating", "likelihood", "impact", "score", "target_rating", "movement"}),
    SCORECARD: frozenset({"first_value", "last_value", "benchmark", "trend"}),
}

#: Value-check findings that an error value explains (replaced by the error-value issue).
EXPLAINED = frozenset({"unknown-rag", "missing-rag", "bad-rating", "bad-value", "missing-value",
                       "out-of-range", "impossible-score", "formula-in-input"})


def error_value_issues(sheet: RawSheet, loc: Located, file: str, periods: set[int] = frozenset()
                       ) -> list[Issue]:
    """One ``error-value`` issue per error cell of the table (below the header, in a column
    the sheet maps or keeps); ``periods``: a scorecard's period value columns."""
    if not sheet.errors:
        return []
    names = {c: n for n, c in loc.columns.items()}
    weighty = VALUE_COLUMNS.get(loc.kind, frozenset())
    out = []
    for r, c in sorted(sheet.errors):
        if r <= loc.header_row:
            continue
        name = names.get(c)
        if name is None and c not in loc.extras and c not in periods:
            continue
        value = sheet.value(r, c)
        header = loc.headers.get(c) or name or col_letter(c)
        serious = name in weighty or c in periods
        # what the error costs: a period's value, a judgement or figure, or only text
        case = ("period" if c in periods or name in ("first_value", "last_value")
                else "value" if serious else "text")
        out.append(Issue("error-value", message("error-value", case, value=value, header=header),
                         file=file, sheet=sheet.name, row=r + 1, column=col_letter(c),
                         value=str(value), severity=ERROR if serious else WARNING))
    return out


def replace_explained(issues: list[Issue], found: list[Issue]) -> list[Issue]:
    """``issues`` without the value findings about a cell that ``found`` explains, plus
    ``found``."""
    cells = {(i.sheet, i.row, i.column) for i in found}
    kept = [i for i in issues
            if not (i.code in EXPLAINED and (i.sheet, i.row, i.column) in cells)]
    return kept + found
