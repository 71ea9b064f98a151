"""Stage 3 for action plans: a located sheet -> tidy rows, one per sub-action.

What real plans do, and what happens to it here:

* Theme and Aim banner rows ("Theme 1: Commissioning & Market Management", "Aim: ...") give
  context to the rows below them; they are recognised by their wording or by being merged across
  the table, and become the ``theme``/``aim`` of the rows that follow. A tracker whose goals are
  lettered rows above numbered recommendations (York: A, 1, 2, 3, B, 4 ...) is read the same way.
* Action and SRO are typed on the first sub-action row only (blank or vertically merged below):
  they carry down until the next action or banner.
* A stray row holding only a piece of text in the SRO, Updates or Risks column (a name split
  over a page break) is joined to the row above, with a ``fragment-row`` warning.
* Columns the schema does not know are kept, under their own header, and written out.
* Every row keeps its provenance (file, sheet, Excel row) and a stable key: the Ref when there
  is one, else a hash of theme, action and sub-action text.
"""
from __future__ import annotations

import hashlib
import re

import pandas as pd

from ..issues import col_letter
from ..read import RawSheet
from ..schema.markers import COMPLETE, DATE, QUARTER, parse_marker, parse_timeframe
from ..schema.rag import colour_to_rag
from ..text import cell_text, clean_text, match_key
from .common import FORMULA_FIRST, PROVENANCE, assign_keys, SheetContext, check_cell_text, \
    check_formula_cells, extra_columns, vertical_merges, wide_merge_rows

MARKER_COLUMNS = ("q1", "q2", "q3", "q4", "later")
TEXT_FIELDS = ("ref", "theme", "aim", "action", "sub_action", "sro", "timeframe", "updates",
               "risks_issues")
ACTION_COLUMNS = (*PROVENANCE, "key", "ref", "theme", "aim", "action", "sub_action", "sro",
                  *MARKER_COLUMNS, "timeframe", "updates", "risks_issues", "rag", "rag_text",
                  "rag_source", "due", "due_date", "due_cell", "complete")

#: Every canonical field a plan row reads (a schema column not mapped on a sheet reads blank).
FIELDS = ("ref", "theme", "aim", "action", "sub_action", "sro", *MARKER_COLUMNS, "timeframe",
          "updates", "risks_issues", "rag")
#: Fields whose numbers and dates are read as a person would write them (cell_text) first.
CELL_TEXT_FIELDS = frozenset({"ref", "timeframe", *MARKER_COLUMNS, "rag"})

BANNER = re.compile(r"^(?:theme|aim|aims|goal|strategic goal|objective|priority|strategy|"
                    r"workstream|work stream|section|programme|outcome)\b\s*[\dA-Za-z]{0,3}\s*[:.\-\u2013]",
                    re.IGNORECASE)
_NUMBERING = re.compile(r"^\(?\d+(?:\.\d+)*[.)]?\s+")
_LETTER_REF = re.compile(r"^[A-Z]$")
FRAGMENT_COLUMNS = ("sro", "updates", "risks_issues")


def row_key(theme: str, action: str, sub_action: str) -> str:
    """A key for a row without a Ref, stable as long as its theme, action and sub-action text
    are (numbering like "3." and case and spacing do not count)."""
    parts = [match_key(theme), match_key(action), _NUMBERING.sub("", match_key(sub_action))]
    return "K-" + hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:10].upper()


def _letter_banner_refs(sheet: RawSheet, ctx: SheetContext) -> bool:
    """True when lettered refs head numbered ones (goal rows above recommendations)."""
    c = ctx.loc.columns.get("ref")
    if c is None:
        return False
    letters = numbers = 0
    for row in sheet.rows[ctx.loc.header_row + 1:]:
        v = row[c] if c < len(row) else ""
        t = cell_text(v).strip()
        if _LETTER_REF.match(t):
            letters += 1
        elif t[:1].isdigit():
            numbers += 1
    return letters > 0 and numbers > letters


def normalise_actions(sheet: RawSheet, ctx: SheetContext) -> pd.DataFrame:
    """Tidy rows of an action-plan sheet (columns :data:`ACTION_COLUMNS` plus extras)."""
    loc = ctx.loc
    cols = loc.columns
    merges = vertical_merges(sheet)
    banner_rows = wide_merge_rows(sheet)
    extras = extra_columns(sheet, loc)
    letter_banners = _letter_banner_refs(sheet, ctx)
    scale = ctx.programme.rag
    start_month = ctx.programme.financial_year_start_month
    fragment_cols = {cols[n]: n for n in FRAGMENT_COLUMNS if n in cols}
    structural = {cols[n] for n in ("action", "sub_action", "ref") if n in cols}

    col_items = list(cols.items())
    letters = {name: col_letter(c) for name, c in col_items}
    blank = dict.fromkeys(FIELDS, "")
    records: list[dict] = []
    markers: dict = {}  # marker text -> parse_marker(text): it is a pure function
    theme = aim = ""
    carry = {"action": "", "sro": ""}
    carry_row = {"sro": -1}

    for r in range(loc.header_row + 1, len(sheet.rows)):
        row = sheet.rows[r]
        excel_row = r + 1
        own = [(c, v) for c, v in enumerate(row)
               if v is not None and v != "" and not (isinstance(v, str) and not v.strip())]
        if not own:
            continue

        for c, v in own:
            if isinstance(v, str) and v.lstrip()[:1] in FORMULA_FIRST:  # else nothing to check
                check_cell_text(ctx, excel_row, c, v)

        # Banners: one cell of text, merged across the table or worded as a theme/aim.
        if len(own) == 1:
            c, v = own[0]
            text = clean_text(v)
            if r in banner_rows or BANNER.match(text) or (c not in structural and c not in
                                                          fragment_cols and c < min(cols.values())):
                if match_key(text).startswith("aim"):
                    aim = text
                else:
                    theme, aim = text, ""
                    carry = {"action": "", "sro": ""}
                continue
            if c in fragment_cols and records:
                name = fragment_cols[c]
                prev = records[-1]
                prev[name] = f"{prev[name]} {text}".strip() if prev[name] else text
                if name == "sro" and carry_row["sro"] == len(records) - 1:
                    carry["sro"] = prev[name]
                ctx.issue("fragment-row", f"a row holding only '{text[:60]}' was joined to the "
                          f"{name.replace('_', ' ')} of the row above (row {prev['source_row']})",
                          row=excel_row, col=c, value=text)
                continue

        # Each mapped cell's value (merged-down included) and its cleaned text, once per row;
        # unmapped fields are blank.
        n = len(row)
        vals = dict(blank)
        text = dict(blank)
        for name, c in col_items:
            v = row[c] if c < n else ""
            if (v == "" or v is None) and (r, c) in merges:
                v = sheet.value(*merges[(r, c)])
            if v == "" or v is None:
                vals[name] = v
                continue
            vals[name] = v
            text[name] = clean_text(cell_text(v)) if name in CELL_TEXT_FIELDS else clean_text(v)

        ref = text["ref"]
        if letter_banners and _LETTER_REF.match(ref) and not text["sub_action"]:
            title = text["action"] or text["updates"]
            theme, aim = (f"{ref}: {title}" if title else ref), ""
            carry = {"action": "", "sro": ""}
            continue

        own_action = text["action"]
        own_sro = text["sro"]
        if own_action:
            carry["action"] = own_action
        if own_sro:
            carry["sro"] = own_sro
            carry_row["sro"] = len(records)
        sub_action = text["sub_action"]
        if not own_action and not sub_action:
            where = "sub_action" if "sub_action" in cols else "action"
            ctx.issue("missing-value", "this row has content but neither an action nor a "
                      "sub-action: add the text, or delete the row", row=excel_row, column=where)

        rec: dict = {
            "file": ctx.file, "sheet": ctx.sheet, "source_row": excel_row, "key": "",
            "ref": ref, "theme": theme, "aim": text["aim"] or aim,
            "action": carry["action"], "sub_action": sub_action, "sro": carry["sro"],
            "timeframe": text["timeframe"],
            "updates": text["updates"],
            "risks_issues": text["risks_issues"],
        }
        if text["theme"]:
            rec["theme"] = text["theme"]

        # Milestones: the last marked quarter is when the row is due.
        due, due_date, due_cell, complete = "", None, "", False
        for name in MARKER_COLUMNS:
            rec[name] = text[name]
            if name not in cols:
                continue
            v = vals[name]
            if isinstance(v, str):  # the same few words ('X', 'Complete') on most rows
                m = markers.get(v, markers)
                if m is markers:
                    m = markers[v] = parse_marker(v, start_month)
            else:
                m = parse_marker(v, start_month)
            if m is None:
                continue
            due = "Later" if name == "later" else name.upper()
            due_cell = f"{letters[name]}{excel_row}"
            if m.kind == COMPLETE:
                complete = True
            if m.kind in (DATE, QUARTER) and m.date:
                due_date = m.date
        tf = parse_timeframe(vals["timeframe"], start_month) if "timeframe" in cols else None
        if tf is not None and tf.date and not due:
            due_date = tf.date
            due = tf.date.strftime("%b %Y")
            due_cell = f"{col_letter(cols['timeframe'])}{excel_row}"
        rec.update(due=due, due_date=due_date, due_cell=due_cell, complete=complete)

        rag_text = text["rag"]
        level = scale.normalise(rag_text)
        rec.update(rag=level or "", rag_text=rag_text, rag_source="text" if level else "")
        if level is None:
            rec["rag_source"] = "unknown"

        for c, name in extras.items():
            v = row[c] if c < len(row) else ""
            if (v == "" or v is None) and (r, c) in merges:
                v = sheet.value(*merges[(r, c)])
            rec[name] = clean_text(v) if isinstance(v, str) else ("" if v is None else v)
        records.append(rec)

    check_formula_cells(ctx, sheet, loc.header_row + 2)
    assign_keys(records, lambda r: row_key(r["theme"], r["action"], r["sub_action"]))
    if "rag" in cols and records:
        _rag_from_fills(records, ctx)
    df = pd.DataFrame.from_records(records, columns=[*ACTION_COLUMNS, *extras.values()])
    df.attrs["extra_columns"] = list(extras.values())
    return df


def _rag_from_fills(records: list[dict], ctx: SheetContext) -> None:
    """RAG given only as a fill colour, and text that disagrees with its fill."""
    if ctx.path is None:
        return
    from ..styles import read_sheet_styles

    col = ctx.loc.columns["rag"]
    styles = ctx.styles  # the RAG column's fills, read with the formula cells (xlplan.api)
    if styles is None:
        try:
            styles = read_sheet_styles(ctx.path, ctx.sheet, columns={col}, want_formulas=False)
        except Exception:  # a style part we cannot read only costs the colour check
            return
    if not styles.fills:
        return
    scale = ctx.programme.rag
    levels: dict[str, str | None] = {}  # a sheet has a few fill colours, on many cells
    for rec in records:
        fill = styles.fills.get((rec["source_row"], col))
        if not fill:
            continue
        if fill not in levels:
            levels[fill] = colour_to_rag(fill, scale)
        level = levels[fill]
        if level is None:
            continue
        if rec["rag_source"] == "" and not rec["rag_text"]:
            rec.update(rag=level, rag_source="colour")
            ctx.issue("rag-from-colour", f"no RAG text: the cell's fill colour (#{fill}) was read "
                      f"as {scale.label(level)}", row=rec["source_row"], col=col, value=f"#{fill}")
        elif rec["rag"] and rec["rag"] != level:
            ctx.issue("rag-colour-mismatch", f"the RAG says {scale.label(rec['rag'])} but the "
                      f"cell is filled {scale.label(level)} (#{fill}); the text was used",
                      row=rec["source_row"], col=col, value=rec["rag_text"])
