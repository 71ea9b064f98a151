"""The Risks sheet of the consolidated workbook: the merged register, live for finance.

Layout (the contract Power Query / Power BI users and next month's merge rely on): one header
row at A1, an Excel table named ``Risks``, one row per risk of every file (carried-forward
risks included), columns :data:`xlplan.consolidated.RISK_FIELDS` in that order -- Ref, Owner,
Category, Description, Likelihood (E), Impact (F), Score (G), RAG (H), Previous score,
Movement, ... -- then the extra columns the registers carried, under their own headers (see
:func:`risk_layout`). :func:`xlplan.merging.risks.previous_risks` reads it back by header text.

Likelihood and Impact are values (with a dropdown of the matrix's scale). Score, RAG, Movement,
Worst score and Above appetite are **live formulas**, each written with the value it computes
(:func:`xlplan.write.formats.formula`), so finance can change a likelihood and see the score,
the RAG, the heat map and the Dashboard's risk figures follow, while every reader that does not
recalculate (python-calamine, pandas, openpyxl ``data_only``, LibreOffice by default) still
shows the right numbers:

* Score ``=IF(AND(ISNUMBER(E2),ISNUMBER(F2)),E2*F2,<score>)`` -- likelihood x impact, or the
  score the register gave where it gave no likelihood and impact;
* RAG: an IF chain over the programme's score bands, read the way
  :meth:`~xlplan.schema.risk.RiskMatrix.band_for` reads them (a score in a gap between bands
  goes to the band above), giving the programme's RAG label;
* Movement against Previous score: Up / Down / Same, New where there is no previous score;
* Worst score: the highest score among the rows with the same Key (a risk several partners
  submitted), ``AGGREGATE(14,6,...)`` so that it needs no array entry;
* Above appetite (only when the programme sets an appetite): "Yes" above it.

Score, Previous score and Worst score are coloured by band and RAG by its label, with
conditional formats, so the colours follow an edit too. Text from the registers is written with
``write_string`` (an ``=HYPERLINK(...)`` typed by an SRO stays text).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..consolidated import RISK_FIELDS, RISK_MERGE_COLUMNS, RISKS, STATUS_CARRIED, TABLE_RISKS, \
    unique_headers
from ..issues import col_letter
from ..layout import print_setup, row_height
from ..schema import palette
from ..schema.risk import Band, RiskMatrix, effective_score, movement, whole_number
from .formats import ERROR_FILL, ERROR_FONT, GREY, Formats, excel_string, \
    formula, is_blank, put, put_text

__all__ = ["FORMULA_FIELDS", "RisksTable", "risk_layout", "risks_table", "band_formula",
           "band_ranges", "band_rows", "font_on", "total_risks", "write_risks"]

#: Columns written only when some row has something to show in them: a RAID log's kinds of
#: item, ratings written in words, a register's own RAG where it differs from the matrix's.
OPTIONAL_FIELDS = frozenset({"raid_type", "rating_text", "rag_text"})
#: Columns written as formulas (with their computed value).
FORMULA_FIELDS = frozenset({"score", "rag", "movement", "worst_score", "above_appetite"})
EXTRA_WIDTH = 20
#: The last column printed (the provenance and reference columns after it stay on screen).
PRINTED_UP_TO = "action_plan"
CENTRED = {"likelihood", "impact", "score", "rag", "previous_score", "movement", "worst_score",
           "target_score", "inherent_score", "above_appetite", "source_row"}
NO_HEIGHT = {"ref", "key", "file", "sheet", "source_row", "link", "owner", "category"}
#: Internal tidy columns (never written as extra columns).
_INTERNAL_PREFIX = "_"


# ------------------------------------------------------------------------------ the rules
def band_formula(score_ref: str, matrix: RiskMatrix, label, otherwise: str = '""') -> str:
    """The RAG label of the score in ``score_ref`` as an Excel expression (no leading '=');
    ``otherwise`` (an Excel expression) where the cell holds no number."""
    bands = list(matrix.bands)
    expr = '""'
    for band in reversed(bands):
        expr = f"IF({score_ref}<={band.high},{excel_string(label(band.rag))},{expr})"
    return f'IF(ISNUMBER({score_ref}),IF({score_ref}<{bands[0].low},"",{expr}),{otherwise})'


def band_ranges(matrix: RiskMatrix) -> list[tuple[Band, int, int]]:
    """Each band with the scores it colours: its own range plus the gap below it (a gap score
    goes to the band above, as :meth:`RiskMatrix.band_for` says)."""
    out = []
    previous_high: int | None = None
    for band in matrix.bands:
        low = band.low if previous_high is None else previous_high + 1
        out.append((band, low, band.high))
        previous_high = band.high
    return out


def band_rows(table: RisksTable, label) -> list[tuple[str, list[Band]]]:
    """The bands grouped by the RAG label they show (in band order), so a count by label never
    counts a risk twice."""
    groups: dict[str, list[Band]] = {}
    for band in table.matrix.bands:
        groups.setdefault(label(band.rag), []).append(band)
    return list(groups.items())


def font_on(fill: str) -> str:
    """Black or white text (``#RRGGBB``), whichever reads better on a fill colour."""
    return "#" + palette.font_on(fill)


# ------------------------------------------------------------------------------ the layout
def _extra_columns(risks) -> list[str]:
    from ..normalise.risks import RISK_COLUMNS

    known = {*RISK_COLUMNS, *RISK_MERGE_COLUMNS, *(t for _, t, _ in RISK_FIELDS)}
    return [str(c) for c in risks.columns
            if c not in known and not str(c).startswith(_INTERNAL_PREFIX)]


def _optional_shown(risks, matrix: RiskMatrix) -> set[str]:
    """The optional columns (:data:`OPTIONAL_FIELDS`) some row has something for. The RAG as
    written is shown when a register's RAG differs from the one its score gives."""
    if risks is None or risks.empty:
        return set()
    shown = {name for name in ("raid_type", "rating_text") if name in risks.columns
             and any(isinstance(v, str) and v.strip() for v in risks[name])}
    if "rag_text" in risks.columns:
        for rec in risks.to_dict("records"):
            text = rec.get("rag_text")
            if not isinstance(text, str) or not text.strip():
                continue
            score = effective_score(rec.get("likelihood"), rec.get("impact"), rec.get("score"))
            if rec.get("rag") != (matrix.rag_for(score) or rec.get("rag")) or \
                    not rec.get("rag") or score is None:
                shown.add("rag_text")
                break
    return shown


def word_band(rec: dict, matrix: RiskMatrix) -> Band | None:
    """The band a whole-rating word stands for ("Risk Rating: High"), for a risk with no score."""
    name = rec.get("rating_band")
    if not isinstance(name, str) or not name:
        return None
    return next((b for b in matrix.bands if b.name == name), None)


def risk_layout(merged) -> list[tuple[str, str, float]]:
    """Every Risks column as (header, tidy column, width): fixed ones, then extras."""
    matrix = merged.programme.risk_matrix
    shown = _optional_shown(merged.risks, matrix)
    fixed = [f for f in RISK_FIELDS
             if (f[1] != "above_appetite" or matrix.appetite is not None)
             and (f[1] not in OPTIONAL_FIELDS or f[1] in shown)]
    extras = _extra_columns(merged.risks)
    headers = unique_headers([h for h, _, _ in fixed], extras)
    return [*fixed, *((h, name, EXTRA_WIDTH) for h, name in zip(headers, extras))]


@dataclass
class RisksTable:
    """The Risks sheet as written: its columns and every cell's value (formulas as the value
    they compute), so the Heatmap and the Dashboard can cache exactly what Excel computes."""

    layout: list[tuple[str, str, float]]
    matrix: RiskMatrix
    rows: list[dict] = field(default_factory=list)  # tidy -> value shown

    @property
    def first_row(self) -> int:  # 0-based
        return 1

    @property
    def last_row(self) -> int:  # 0-based (the blank row of an empty table)
        return max(1, len(self.rows))

    def col(self, tidy: str) -> int:
        for c, (_, name, _) in enumerate(self.layout):
            if name == tidy:
                return c
        raise KeyError(tidy)

    def letter(self, tidy: str) -> str:
        return col_letter(self.col(tidy))

    def column_ref(self, tidy: str) -> str:
        """The column as a structured reference (``Risks[Likelihood]``), which follows the table
        when rows are added to it in Excel."""
        from .actions import structured_ref

        return structured_ref(self.layout[self.col(tidy)][0], TABLE_RISKS)

    def ref(self, tidy: str) -> str:
        """Risks!$E$2:$E$n for a column."""
        letter = self.letter(tidy)
        return f"{RISKS}!${letter}${self.first_row + 1}:${letter}${self.last_row + 1}"

    def values(self, tidy: str) -> list:
        return [row.get(tidy, "") for row in self.rows]


def _cell_values(rec: dict, matrix: RiskMatrix, label, worst: dict[str, int]) -> dict:
    """What each cell of one risk row shows (formula cells: the value they compute)."""
    out = {}
    for name, value in rec.items():
        out[name] = "" if is_blank(value) else value
    for name in ("likelihood", "impact", "previous_score", "target_score", "inherent_score",
                 "source_row"):
        n = whole_number(rec.get(name))
        out[name] = n if n is not None else ("" if name != "source_row" else
                                             out.get(name, ""))
    score = effective_score(rec.get("likelihood"), rec.get("impact"), rec.get("score"))
    out["score"] = "" if score is None else score
    rag = matrix.rag_for(score) if score is not None else None
    if score is None and (band := word_band(rec, matrix)) is not None:
        rag = band.rag  # a rating written as a word: its band's RAG
    out["rag"] = label(rag) if rag else ""
    previous = whole_number(rec.get("previous_score"))
    # A blank Previous score: the risk was on no earlier sheet (see schema.risk.movement).
    out["movement"] = movement(previous, score, previous_is_new=previous is None)
    best = worst.get(str(rec.get("key", "")))
    out["worst_score"] = "" if best is None else best
    out["above_appetite"] = "Yes" if matrix.above_appetite(score) else ""
    review = rec.get("review_date")
    if hasattr(review, "to_pydatetime") and not is_blank(review):
        review = review.to_pydatetime().date()
    out["review_date"] = review if isinstance(review, dt.date) else \
        ("" if is_blank(review) else str(review))
    return out


def risks_table(merged, fmts: Formats) -> RisksTable:
    """The cells of the Risks sheet (computed once per workbook)."""
    memo = fmts.tables.get("risks")
    if memo is not None:
        return memo
    matrix = merged.programme.risk_matrix
    table = RisksTable(risk_layout(merged), matrix)
    df = merged.risks
    records = df.to_dict("records") if df is not None and not df.empty else []
    worst: dict[str, int] = {}
    for rec in records:  # the Worst score formula's rule: highest score of the same Key
        score = effective_score(rec.get("likelihood"), rec.get("impact"), rec.get("score"))
        key = str(rec.get("key", ""))
        if score is not None and (key not in worst or score > worst[key]):
            worst[key] = score
    label = merged.programme.rag.label
    table.rows = [_cell_values(rec, matrix, label, worst) for rec in records]
    fmts.tables["risks"] = table
    return table


def total_risks(table: RisksTable, ref=None) -> tuple[str, int]:
    """The Dashboard's count of risks as a formula and its value: the rows with a Key, less a
    RAID log's assumptions, issues and dependencies (kept on the Risks sheet under their RAID
    type, never counted as risks). ``ref(tidy)`` gives a column's range in the formula
    (default :meth:`RisksTable.ref`; a structured reference such as ``Risks[Key]`` works)."""
    from ..schema.risk import RATED_KINDS

    ref = ref or table.ref
    key = ref("key")
    has_raid = any(name == "raid_type" for _, name, _ in table.layout)
    kinds = table.values("raid_type") if has_raid else [""] * len(table.rows)
    value = sum(1 for k, kind in zip(table.values("key"), kinds)
                if k != "" and (not kind or kind in RATED_KINDS))
    if not has_raid:
        return f"=COUNTA({key})", value
    raid = ref("raid_type")
    rated = "".join(f",--({raid}<>{excel_string(kind)})" for kind in sorted(RATED_KINDS))
    return f'=COUNTA({key})-SUMPRODUCT(--({raid}<>""){rated})', value


# ------------------------------------------------------------------------------ formulas
def _formulas(table: RisksTable, r: int, label) -> dict[str, str]:
    """The formula of each formula column on 0-based sheet row ``r``."""
    n = r + 1
    lik, imp = f"{table.letter('likelihood')}{n}", f"{table.letter('impact')}{n}"
    score = f"{table.letter('score')}{n}"
    prev = f"{table.letter('previous_score')}{n}"
    typed = table.rows[r - 1].get("score", "")
    fallback = str(typed) if isinstance(typed, int) and not (
        isinstance(table.rows[r - 1].get("likelihood"), int)
        and isinstance(table.rows[r - 1].get("impact"), int)) else '""'
    key = table.letter("key")
    first, last = table.first_row + 1, table.last_row + 1
    out = {
        "score": f"=IF(AND(ISNUMBER({lik}),ISNUMBER({imp})),{lik}*{imp},{fallback})",
        "rag": "=" + band_formula(score, table.matrix, label, _word_rag(table, r, label)),
        "movement": (f'=IF(NOT(ISNUMBER({score})),"",IF(NOT(ISNUMBER({prev})),"New",'
                     f'IF({score}>{prev},"Up",IF({score}<{prev},"Down","Same"))))'),
        "worst_score": (f"=IFERROR(_xlfn.AGGREGATE(14,6,${table.letter('score')}${first}:"
                        f"${table.letter('score')}${last}/(${key}${first}:${key}${last}="
                        f'{key}{n}),1),"")'),
    }
    if table.matrix.appetite is not None:
        out["above_appetite"] = (f'=IF(AND(ISNUMBER({score}),{score}>{table.matrix.appetite}),'
                                 '"Yes","")')
    return out


def _word_rag(table: RisksTable, r: int, label) -> str:
    """The RAG formula's value for a row without a score: its word rating's band's label."""
    rag = table.rows[r - 1].get("rag", "")
    typed = table.rows[r - 1].get("score", "")
    return excel_string(rag) if rag and not isinstance(typed, int) else '""'


# ------------------------------------------------------------------------------ the sheet
def _cell_format(fmts: Formats, tidy: str, *, carried: bool, error: bool, value) -> object:
    props: dict = {"valign": "top"}
    if tidy not in ("ref", "key", "source_row"):
        props["text_wrap"] = True
    if tidy in CENTRED:
        props["align"] = "center"
    if carried:
        props.update(italic=True, font_color=GREY)
    if tidy == "issue_codes" and error:
        props.update(bg_color=ERROR_FILL, font_color=ERROR_FONT)
    if tidy == "review_date" and isinstance(value, dt.date):
        props.update(num_format="dd mmm yyyy", align="left")
    if tidy == "movement":
        props["bold"] = True
    return fmts.get(**props)


def _conditional_formats(ws, fmts: Formats, table: RisksTable, label) -> None:
    """Band colours on the score columns, RAG colours on the RAG column."""
    first, last = table.first_row, table.last_row
    for tidy in ("score", "previous_score", "worst_score"):
        c = table.col(tidy)
        for band, low, high in band_ranges(table.matrix):
            colour = "#" + band.colour
            ws.conditional_format(first, c, last, c, {
                "type": "cell", "criteria": "between", "minimum": low, "maximum": high,
                "format": fmts.get(bg_color=colour, font_color=font_on(colour))})
    c = table.col("rag")
    seen = set()
    for band in table.matrix.bands:
        text = label(band.rag)
        if text in seen:
            continue
        seen.add(text)
        colour = "#" + band.colour
        ws.conditional_format(first, c, last, c, {
            "type": "cell", "criteria": "equal to", "value": excel_string(text),
            "format": fmts.get(bg_color=colour, font_color=font_on(colour))})


def _dropdowns(ws, table: RisksTable) -> None:
    first, last = table.first_row, table.last_row
    for tidy, (lo, hi) in (("likelihood", table.matrix.likelihood),
                           ("impact", table.matrix.impact)):
        c = table.col(tidy)
        word = tidy.title()
        options = {
            "validate": "integer", "criteria": "between", "minimum": lo, "maximum": hi,
            "input_title": word, "input_message": f"{word} from {lo} (lowest) to {hi} (highest)",
            "error_title": word, "error_message": f"{word} is a whole number from {lo} to {hi}.",
            "error_type": "stop"}
        if hi - lo < 20:  # a dropdown list of the scale
            options = {**options, "validate": "list",
                       "source": [str(n) for n in range(lo, hi + 1)]}
            options.pop("criteria"), options.pop("minimum"), options.pop("maximum")
        ws.data_validation(first, c, last, c, options)


def write_risks(wb, merged, fmts: Formats):
    """Add the Risks sheet (see the module docstring); returns the worksheet."""
    ws = wb.add_worksheet(RISKS)
    table = risks_table(merged, fmts)
    layout = table.layout
    label = merged.programme.rag.label
    last = table.last_row
    header_fmt = fmts.get(bold=True, text_wrap=True, valign="top")
    ws.add_table(0, 0, last, len(layout) - 1, {  # always a table: see consolidated
        "name": TABLE_RISKS, "style": "Table Style Medium 2",
        "columns": [{"header": h, "header_format": header_fmt} for h, _, _ in layout]})
    for c, (h, _, _) in enumerate(layout):
        put_text(ws, fmts, 0, c, h, header_fmt)
    df = merged.risks
    flags = [(str(s) == STATUS_CARRIED, bool(e) if not is_blank(e) else False)
             for s, e in zip(_column(df, "status"), _column(df, "has_error"))]
    memo: dict[tuple, object] = {}
    for r, row in enumerate(table.rows, start=1):
        carried, error = flags[r - 1]
        formulas = _formulas(table, r, label)
        for c, (_, tidy, _) in enumerate(layout):
            value = row.get(tidy, "")
            key = (tidy, carried, error, isinstance(value, dt.date))
            fmt = memo.get(key)
            if fmt is None:
                fmt = memo[key] = _cell_format(fmts, tidy, carried=carried, error=error,
                                               value=value)
            if tidy in formulas:
                formula(ws, r, c, formulas[tidy], value, fmt)
            elif value != "":
                put(ws, fmts, r, c, value, fmt, date_fmt=fmt if tidy == "review_date" else None)
        height = row_height([(v, w) for (_, t, w) in layout
                             if isinstance(v := row.get(t, ""), str) and t not in NO_HEIGHT])
        if height:
            ws.set_row(r, height)
    for c, (_, tidy, width) in enumerate(layout):
        ws.set_column(c, c, width, _cell_format(fmts, tidy, carried=False, error=False,
                                                value=""))
    ws.set_row(0, 30)
    _conditional_formats(ws, fmts, table, label)
    _dropdowns(ws, table)
    ws.freeze_panes(1, 0)
    print_setup(ws, f"{merged.programme.name} - Risks {merged.period}",
                programme=merged.programme.name, period=str(merged.period),
                printed_width=sum(w for _, _, w in layout[:table.col(PRINTED_UP_TO) + 1]))
    ws.print_area(0, 0, last, table.col(PRINTED_UP_TO))
    return ws


def _column(df, name: str) -> list:
    if df is None or df.empty or name not in df.columns:
        return [""] * (0 if df is None else len(df))
    return df[name].tolist()
