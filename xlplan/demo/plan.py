"""The bundled example workbooks, rebuilt from the real text of the Plymouth CQC Action Plan 2018-19.

The plan itself lives in ``xlplan/data/plymouth_action_plan.json`` (made by
``scripts/make_examples.py`` from seed 000; see :func:`load_plan` for the record shape). This
module only reads that JSON, so it works from an installed package.

- :func:`write_whole_plan` -- the whole table as a coordinator keeps it: one sheet, title block,
  header on row 4, merged Theme/Aim banners, Action and SRO merged down over their sub-actions for
  some actions and left blank below the first row for others, the split SRO name as its own row.
- :func:`write_submissions` -- the plan split into one workbook per SRO, each made messy in its own
  way (see ``STYLES``), as the month's returns: ``"2018-03 Caroline Paterson.xlsx"``...
  ``variant="previous"`` gives last month's returns (see ``PREVIOUS_CHANGES``).
- :func:`write_examples` -- both months and the whole plan into one folder.

Every workbook is written with fixed document properties and fixed zip timestamps, so the same
call always gives the same bytes.

Last month's returns (``variant="previous"``, period "2018-02") differ from this month's in
exactly these rows (``PREVIOUS_CHANGES``, sub-action text as in the seed):

1. Craig McArdle, "2. Commissioning Intentions signed off ready for consultation":
   RAG Yellow in 2018-02, Green in 2018-03 (improved).
2. Caroline Paterson, "1. Baseline assessment against EHCH model":
   RAG Yellow in 2018-02, Green in 2018-03 (improved).
3. Caroline Paterson, "2. Develop Baseline Assessment of Market":
   RAG Red in 2018-02, Yellow in 2018-03 (improved).
4. Rachel Silcock, "1. Commence engagement through SDGs to identify further opportunities":
   RAG Green in 2018-02, Yellow in 2018-03 (worsened).
5. Rachel Silcock, "3. Arrange strategic meeting with sector and Commissioners to agree approach":
   RAG Yellow in 2018-02, Green in 2018-03 (improved).
6. Craig McArdle, "1. Develop draft Commissioning Intentions": update shorter in 2018-02
   ("Draft commissioning intentions developed shared with Local Care Partnership Board."), RAG same.
7. Caroline Paterson, "3. Develop New Model of Care and Future Capacity": update shorter in 2018-02
   ("Programme board agreed and meeting set"), RAG same.
8. Lorna Collingwood-Burke, "Reduce Backlog – Recruit 4 additional nurses": absent from 2018-02
   (new in 2018-03).

Everything else -- files, sheets, layout, the other rows -- is identical between the two months.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..layout import row_height
from ..text import person_name
from .common import period_parts, period_stamp, save_stable

__all__ = [
    "COLUMNS",
    "PREVIOUS_CHANGES",
    "STYLES",
    "load_plan",
    "actions",
    "sro_person",
    "write_whole_plan",
    "write_submissions",
    "write_examples",
]

JSON_NAME = "plymouth_action_plan.json"
PLAN_FILE = "plymouth-cqc-action-plan-2018-19.xlsx"
CURRENT_PERIOD = "2018-03"
PREVIOUS_PERIOD = "2018-02"

#: Record key -> header text of the canonical layout (the seed's, plus "2019/20" after Q4).
COLUMNS: dict[str, str] = {
    "action": "Action",
    "sub_action": "Sub actions",
    "sro": "SRO",
    "q1": "Q1",
    "q2": "Q2",
    "q3": "Q3",
    "q4": "Q4",
    "later": "2019/20",
    "updates": "Updates",
    "risks_issues": "Risks/Issues",
    "rag": "RAG Status",
}
FIELDS = tuple(COLUMNS)

#: The changes between last month's returns (variant "previous") and this month's.
#: ``field`` is "rag", "updates" or "row" (the whole row is absent last month);
#: ``movement`` is the RAG movement a merge of 2018-03 against 2018-02 should show.
PREVIOUS_CHANGES: tuple[dict, ...] = (
    {"sro": "Craig McArdle", "sub_action": "2. Commissioning Intentions signed off ready for consultation",
     "field": "rag", "previous": "Yellow", "current": "Green", "movement": "improved"},
    {"sro": "Caroline Paterson", "sub_action": "1. Baseline assessment against EHCH model",
     "field": "rag", "previous": "Yellow", "current": "Green", "movement": "improved"},
    {"sro": "Caroline Paterson", "sub_action": "2. Develop Baseline Assessment of Market",
     "field": "rag", "previous": "Red", "current": "Yellow", "movement": "improved"},
    {"sro": "Rachel Silcock",
     "sub_action": "1. Commence engagement through SDGs to identify further opportunities",
     "field": "rag", "previous": "Green", "current": "Yellow", "movement": "worsened"},
    {"sro": "Rachel Silcock",
     "sub_action": "3. Arrange strategic meeting with sector and Commissioners to agree approach",
     "field": "rag", "previous": "Yellow", "current": "Green", "movement": "improved"},
    {"sro": "Craig McArdle", "sub_action": "1. Develop draft Commissioning Intentions",
     "field": "updates",
     "previous": "Draft commissioning intentions developed shared with Local Care Partnership Board.",
     "current": "Draft commissioning intentions developed shared with Local Care Partnership Board. "
                "Intentions build on approved Commissioning Strategies and articulate priorities for next 2 years",
     "movement": "same"},
    {"sro": "Caroline Paterson", "sub_action": "3. Develop New Model of Care and Future Capacity",
     "field": "updates", "previous": "Programme board agreed and meeting set",
     "current": "Programme board agreed and meeting set, initial workshop due in March with key "
                "stakeholders to discuss a proposed model",
     "movement": "same"},
    {"sro": "Lorna Collingwood-Burke", "sub_action": "Reduce Backlog \u2013 Recruit 4 additional nurses",
     "field": "row", "previous": None, "current": "present", "movement": "new"},
)


# --------------------------------------------------------------------------------------- the plan
def load_plan() -> list[dict]:
    """The seed's table as records in reading order (a fresh copy each call).

    Each record has ``kind`` ("theme", "aim", "row" or "fragment") and ``line`` (line in the
    seed). Theme and aim records have ``text``. Row and fragment records have ``action``,
    ``sub_action``, ``sro``, ``q1``..``q4``, ``later``, ``updates``, ``risks_issues``, ``rag``: raw
    seed strings, "" for an empty cell; ``action`` and ``sro`` only where the seed fills them.
    """
    text = (resources.files("xlplan") / "data" / JSON_NAME).read_text(encoding="utf-8")
    return json.loads(text)


@dataclass
class Action:
    """One action of the plan: its banners and its sub-action rows (plus any fragment row)."""

    index: int
    theme: str
    aim: str
    rows: list[dict] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.rows[0]["action"]

    @property
    def sro(self) -> str:
        return self.rows[0]["sro"]


def actions(records: list[dict] | None = None) -> list[Action]:
    """Group the records into actions, in reading order. A fragment row stays with the action above."""
    records = load_plan() if records is None else records
    out: list[Action] = []
    theme = aim = ""
    for rec in records:
        kind = rec["kind"]
        if kind == "theme":
            theme, aim = rec["text"], ""
        elif kind == "aim":
            aim = rec["text"]
        elif kind == "row" and rec["action"].strip():
            out.append(Action(len(out), theme, aim, [rec]))
        elif out and out[-1].theme == theme:
            out[-1].rows.append(rec)
        else:
            raise ValueError(f"line {rec['line']}: a sub-action before any action in its theme")
    return out


def sro_person(sro: str) -> str:
    """The person in an SRO cell (:func:`xlplan.text.person_name`): the text before the first
    comma, ``<p>`` tags removed, a job title written without a comma cut off ("Elaine
    Fitzsimmons Head of Commissioning, NEW Devon CCG" -> "Elaine Fitzsimmons")."""
    return person_name(sro)


# ------------------------------------------------------------------------------------- the styles
@dataclass(frozen=True)
class Style:
    """How one person lays out their workbook."""

    sheet: str = "Action Plan"
    title: tuple[str, ...] = ()            # rows above the header; "" = blank row; {person} {month}
    headers: dict = field(default_factory=dict)   # field -> header text (default: COLUMNS)
    order: tuple[str, ...] = FIELDS        # column order; may include "extra"
    extra: str | None = None               # header of a column the schema does not know
    merge_banners: bool = True             # Theme/Aim merged across all columns
    merge_cells: str = "none"              # Action/SRO merged down: "all", "none", "alternate"
    hidden_notes: bool = False             # a hidden sheet of old notes after the plan
    rag_fill: bool = False                 # RAG cells coloured to match their text
    widths: dict = field(default_factory=dict)  # field -> column width (default: _WIDTHS)
    header_fill: str = "1F4E78"

    def header(self, key: str) -> str:
        if key == "extra":
            return self.extra or ""
        return self.headers.get(key, COLUMNS[key])


_SRO_FIRST = ("action", "sro", "sub_action", "q1", "q2", "q3", "q4", "later", "updates", "risks_issues", "rag")
_BUDGET_ORDER = ("action", "sub_action", "sro", "extra", "q1", "q2", "q3", "q4", "later", "updates",
                 "risks_issues", "rag")

#: Per SRO (in order of appearance in the plan): how their returned workbook is laid out.
STYLES: dict[str, Style] = {
    # the tidy one: header on row 1, canonical headers, everything merged, RAG coloured
    "Craig McArdle": Style(sheet="Action Plan", merge_banners=True, merge_cells="all", rag_fill=True),
    # title block, header on row 4, renamed headers, nothing merged
    "Caroline Paterson": Style(
        sheet="Sheet1",
        title=("CQC Action Plan 2018-19", "SRO return: {person} - {month}", ""),
        headers={"sub_action": "Sub-actions", "sro": "Lead", "updates": "Progress update", "rag": "RAG"},
        merge_banners=False, merge_cells="none", header_fill="C00000"),
    # one title row, padded/lower-case headers, an extra "Comments" column at the end
    "Rachel Silcock": Style(
        sheet="CQC actions",
        title=("Voluntary sector engagement - update {month}",),
        headers={"sub_action": "Milestone", "sro": "SRO ", "rag": "  rag status ", "updates": "updates"},
        order=FIELDS + ("extra",), extra="Comments",
        merge_banners=True, merge_cells="all", rag_fill=True, header_fill="548235"),
    # header on row 1, "Status", a hidden sheet of old notes
    "Shelagh McCormick": Style(
        sheet="Action Plan",
        headers={"rag": "Status"},
        merge_banners=False, merge_cells="all", hidden_notes=True),
    # a three-row title block, headers in capitals, banners merged, nothing merged down
    "Ann James": Style(
        sheet="Sheet1",
        title=("PLYMOUTH HEALTH AND WELLBEING SYSTEM", "CQC Action Plan 2018-19", "Return for {month}", ""),
        headers={"action": "ACTION", "sub_action": "SUB-ACTIONS", "sro": "SRO", "later": "2019/20",
                 "updates": "UPDATES", "risks_issues": "RISKS/ISSUES", "rag": "RAG STATUS"},
        merge_banners=True, merge_cells="none", rag_fill=True, header_fill="7030A0"),
    # "Lead", "Milestone", "Progress update", "Status" and an extra "Budget code" column after SRO
    "Carole Burgoyne": Style(
        sheet="CQC actions",
        headers={"sro": "Lead", "sub_action": "Milestone", "updates": "Progress update", "rag": "Status"},
        order=_BUDGET_ORDER, extra="Budget code",
        merge_banners=False, merge_cells="all"),
    # SRO column before Sub actions, title block, nothing merged down
    "Elaine Fitzsimmons": Style(
        sheet="Action Plan",
        title=("System Improvement - Admission Avoidance", "{person}, {month}", ""),
        order=_SRO_FIRST,
        merge_banners=True, merge_cells="none", rag_fill=True),
    # "RAG", "Sub-actions", "Lead"; banners not merged, Action/SRO merged down
    "Jo Beer": Style(
        sheet="Sheet1",
        headers={"rag": "RAG", "sub_action": "Sub-actions", "sro": "Lead"},
        merge_banners=False, merge_cells="all", header_fill="C65911"),
    # one title row, odd casing; holds the split SRO name (fragment row), nothing merged down
    "Nicola Jones": Style(
        sheet="Action Plan",
        title=("CQC action plan update {month}",),
        headers={"sub_action": " Sub Actions", "rag": "Rag Status", "risks_issues": "Risks / Issues"},
        merge_banners=True, merge_cells="none"),
    # title block, "Milestone", "Lead ", "Progress update", "RAG"
    "Lorna Collingwood-Burke": Style(
        sheet="CQC actions",
        title=("CQC Action Plan 2018-19", "CHC workstream", ""),
        headers={"sub_action": "Milestone", "sro": "Lead ", "updates": "Progress update", "rag": "RAG"},
        merge_banners=True, merge_cells="all", rag_fill=True, header_fill="833C0B"),
}

#: The coordinator's whole-plan workbook.
WHOLE_PLAN_STYLE = Style(
    sheet="CQC Action Plan",
    title=("CQC Action Plan 2018-19", "Plymouth Health and Wellbeing System", ""),
    merge_banners=True, merge_cells="alternate", rag_fill=True)

_FALLBACK_STYLE = Style(sheet="Action Plan")

_WIDTHS = {"action": 30, "sub_action": 42, "sro": 30, "q1": 9, "q2": 9, "q3": 9, "q4": 9, "later": 9,
           "updates": 60, "risks_issues": 40, "rag": 11, "extra": 16}
_RAG_FILLS = {"green": "00B050", "yellow": "FFFF00", "amber": "FFC000", "red": "FF0000", "complete": "0070C0"}
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_CENTRE_TOP = Alignment(horizontal="center", vertical="top", wrap_text=True)
_MARKERS = {"q1", "q2", "q3", "q4", "later"}

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


# ------------------------------------------------------------------------------------- the writer
def _rag_fill(value: str) -> PatternFill | None:
    colour = _RAG_FILLS.get(value.strip().lower())
    return PatternFill("solid", fgColor=colour) if colour else None


def _extra_value(style: Style, action: Action, row: dict, k: int) -> str:
    if style.extra == "Budget code":
        return f"WF18-{action.index + 1:02d}{k + 1:02d}"
    if style.extra == "Comments":
        if row["rag"].strip().lower() == "yellow":
            return "Discuss at next SDG"
        return "On track" if row["updates"].strip() else ""
    return ""


def _merge_down(action: Action, style: Style) -> bool:
    if any(r["kind"] == "fragment" for r in action.rows):
        return False
    if style.merge_cells == "all":
        return True
    if style.merge_cells == "alternate":
        return action.index % 2 == 0
    return False


def _write_sheet(ws, acts: list[Action], style: Style, *, person: str, month: str) -> None:
    order = style.order
    ncols = len(order)
    col = {key: i + 1 for i, key in enumerate(order)}
    r = 1
    # title block
    for i, line in enumerate(style.title):
        text = line.format(person=person, month=month)
        if text:
            cell = ws.cell(r, 1, text)
            cell.font = Font(bold=True, size=14 if i == 0 else 12)
        r += 1
    # header
    header_row = r
    for key in order:
        cell = ws.cell(r, col[key], style.header(key))
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=style.header_fill)
        cell.alignment = _CENTRE_TOP if key in _MARKERS or key == "rag" else _WRAP_TOP
        cell.border = _BORDER
    ws.row_dimensions[r].height = 30
    r += 1
    total_width = sum(style.widths.get(k, _WIDTHS[k]) for k in order)

    theme = aim = None
    for action in acts:
        if action.theme != theme:
            theme, aim = action.theme, None
            r = _banner(ws, r, theme, style, ncols, fill="1F3864", font=Font(bold=True, color="FFFFFF", size=12),
                        total_width=total_width)
        if action.aim != aim:
            aim = action.aim
            r = _banner(ws, r, aim, style, ncols, fill="DDEBF7", font=Font(italic=True),
                        total_width=total_width)
        merge = _merge_down(action, style)
        first = r
        sro_start = None
        for k, rec in enumerate(action.rows):
            if rec["kind"] == "fragment":
                cell = ws.cell(r, col["sro"], rec["sro"])
                cell.alignment = _WRAP_TOP
                r += 1
                continue
            for key in FIELDS:
                value = rec[key]
                cell = ws.cell(r, col[key], value if value != "" else None)
                cell.alignment = _CENTRE_TOP if key in _MARKERS or key == "rag" else _WRAP_TOP
                cell.border = _BORDER
                if key == "rag" and style.rag_fill and value:
                    fill = _rag_fill(value)
                    if fill is not None:
                        cell.fill = fill
            if style.extra:
                value = _extra_value(style, action, rec, k)
                cell = ws.cell(r, col["extra"], value or None)
                cell.alignment = _WRAP_TOP
                cell.border = _BORDER
            skip = ("action", "sro") if merge else ()
            # xlplan's one row-height rule: neither Excel nor LibreOffice fits a row to
            # wrapped text on opening a file, so an unset height would cut the text off.
            ws.row_dimensions[r].height = row_height(
                [(str(rec[key]), style.widths.get(key, _WIDTHS[key]))
                 for key in FIELDS if key not in skip and rec[key]])
            if merge and rec["sro"]:
                if sro_start is not None and r - 1 > sro_start:
                    ws.merge_cells(start_row=sro_start, start_column=col["sro"],
                                   end_row=r - 1, end_column=col["sro"])
                sro_start = r
            r += 1
        if merge:
            last = r - 1
            if last > first:
                ws.merge_cells(start_row=first, start_column=col["action"], end_row=last, end_column=col["action"])
            if sro_start is not None and last > sro_start:
                ws.merge_cells(start_row=sro_start, start_column=col["sro"], end_row=last, end_column=col["sro"])

    for key in order:
        ws.column_dimensions[get_column_letter(col[key])].width = style.widths.get(key, _WIDTHS[key])
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"


def _banner(ws, r: int, text: str, style: Style, ncols: int, *, fill: str, font: Font, total_width: float) -> int:
    cell = ws.cell(r, 1, text)
    cell.font = font
    cell.fill = PatternFill("solid", fgColor=fill)
    if style.merge_banners:
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
        ws.row_dimensions[r].height = row_height([(text, total_width)], minimum=18)
    else:
        # unmerged: the text simply overflows across the empty cells to its right
        cell.alignment = Alignment(wrap_text=False, vertical="center")
        for c in range(2, ncols + 1):
            ws.cell(r, c).fill = PatternFill("solid", fgColor=fill)
    return r + 1


# ------------------------------------------------------------------------------------- public API
def write_whole_plan(path: str | os.PathLike) -> Path:
    """Write the whole seed table as one coordinator's workbook (one sheet, header on row 4)."""
    wb = Workbook()
    ws = wb.active
    ws.title = WHOLE_PLAN_STYLE.sheet
    _write_sheet(ws, actions(), WHOLE_PLAN_STYLE, person="", month="")
    ws.auto_filter.ref = f"A4:{get_column_letter(len(FIELDS))}{ws.max_row}"
    return save_stable(wb, Path(path), datetime(2018, 3, 1, 9, 0, 0), "CQC Action Plan 2018-19")


def submissions_by_sro(acts: list[Action] | None = None) -> dict[str, list[Action]]:
    """The actions grouped by their first SRO person, in order of first appearance.

    An action stays whole with the person named on its first row, even where a later sub-action
    names someone else (Admission Avoidance Schemes / Jo Beer, System Improvement / Michelle Thomas).
    """
    groups: dict[str, list[Action]] = {}
    for action in actions() if acts is None else acts:
        groups.setdefault(sro_person(action.sro), []).append(action)
    return groups


def _apply_previous(person: str, acts: list[Action]) -> list[Action]:
    changes = {c["sub_action"]: c for c in PREVIOUS_CHANGES if c["sro"] == person}
    out = []
    for action in acts:
        rows = []
        for rec in action.rows:
            change = changes.get(rec["sub_action"])
            if change is None:
                rows.append(rec)
            elif change["field"] == "row":
                if rec is action.rows[0]:
                    raise ValueError("the first row of an action cannot be absent")
                continue
            else:
                if rec[change["field"]] != change["current"]:
                    raise ValueError(f"PREVIOUS_CHANGES out of date for {rec['sub_action']!r}")
                rows.append({**rec, change["field"]: change["previous"]})
        out.append(Action(action.index, action.theme, action.aim, rows))
    return out


def write_submissions(folder: str | os.PathLike, period: str = CURRENT_PERIOD, *,
                      variant: str = "current") -> list[Path]:
    """Write one workbook per SRO into ``folder``: ``"<period> <person>.xlsx"``; returns the paths.

    ``variant="current"`` is the plan as in the seed (March 2018); ``variant="previous"`` is the
    month before: the same files with the differences listed in ``PREVIOUS_CHANGES``.
    """
    if variant not in ("current", "previous"):
        raise ValueError(f"variant must be 'current' or 'previous', got {variant!r}")
    year, month_no = period_parts(period)
    month = f"{_MONTHS[month_no - 1]} {year}"
    when = period_stamp(period)
    folder = Path(folder)
    paths = []
    for person, acts in submissions_by_sro().items():
        if variant == "previous":
            acts = _apply_previous(person, acts)
        style = STYLES.get(person, _FALLBACK_STYLE)
        wb = Workbook()
        ws = wb.active
        ws.title = style.sheet
        _write_sheet(ws, acts, style, person=person, month=month)
        if style.hidden_notes:
            notes = wb.create_sheet("Old notes")
            notes.sheet_state = "hidden"
            for row in (("Date", "Note"),
                        ("2017-12-14", "CQC Local System Review published - actions to be agreed at summit"),
                        ("2018-01-22", "Pharmacy scope: waiting for commissioner comments"),
                        ("2018-02-05", "Old version of the plan moved here - do not submit")):
                notes.append(row)
            notes.column_dimensions["B"].width = 70
        paths.append(save_stable(wb, folder / f"{period} {person}.xlsx", when, f"CQC Action Plan - {person} - {month}"))
    return paths


def write_examples(folder: str | os.PathLike) -> dict:
    """Write the bundled examples into ``folder`` and return their paths.

    ``folder/2018-02/`` last month's returns, ``folder/2018-03/`` this month's, and
    ``folder/plymouth-cqc-action-plan-2018-19.xlsx`` the whole plan. Each month also holds the
    People Directorate risk register (seed 003, Appendix 4) and the Integrated Commissioning
    scorecard (seed 003, Appendix 3: the December 2017 values last month, March 2018 this
    month), so a merge shows every sheet of the consolidated workbook. Returns
    ``{"previous": [paths], "current": [paths], "plan": path}``.
    """
    from .risks import write_risk_register
    from .scorecard import write_scorecard_workbook

    folder = Path(folder)
    months = {"previous": (PREVIOUS_PERIOD, "previous", "2017-12"),
              "current": (CURRENT_PERIOD, "current", "2018-03")}
    out: dict = {}
    for key, (period, variant, scorecard_period) in months.items():
        month = folder / period
        paths = write_submissions(month, period, variant=variant)
        paths.append(write_risk_register(month / f"{period} People Directorate risks.xlsx"))
        paths.append(write_scorecard_workbook(month / f"{period} Integrated Scorecard.xlsx",
                                              period=scorecard_period))
        out[key] = paths
    out["plan"] = write_whole_plan(folder / PLAN_FILE)
    return out
