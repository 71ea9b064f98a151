"""The bundled example risk register: seed 003's Risk and Opportunity Register (Appendix 4 of
the Strategic Co-operative Commissioning Business Plan 2018-19) as the workbook its owner keeps.

The four risks OCC2-OCC5 are the seed's, word for word: the long headings with their
explanations in brackets, the descriptions, the ``<i>...</i>`` remnants in the link column, the
ratings typed in one cell (``4 4 16`` = likelihood, impact, score), ``New`` where a risk had no
previous rating, and movement and RAG written together as ``— A``.

- ``variant="seed"`` -- the register as the seed prints it, under a two-line title block (the
  appendix heading and its introduction), header on row 4, risks on rows 5-8.
- ``variant="split"`` -- the same register kept with split columns (Previous likelihood,
  Previous impact, Previous score, Likelihood, Impact, Score), carrying three mistakes of the
  kind SROs make, each giving exactly one error (see :data:`SPLIT_MISTAKES`):
  OCC3's likelihood typed 6 on a 1-5 scale, OCC4 without its description, OCC5's score typed
  16 for 4 x 3.

The workbook is saved with fixed document properties and zip timestamps: the same call gives
the same bytes.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .common import save_stable

__all__ = ["SeedRisk", "SEED_RISKS", "SEED_HEADER", "SPLIT_HEADER", "SPLIT_MISTAKES", "TITLE",
           "INTRO", "SHEET", "HEADER_ROW", "VARIANTS", "seed_risks", "write_risk_register"]

SHEET = "Risk Register"
TITLE = "APPENDIX 4 \u2013 RISK AND OPPORTUNITY REGISTER"
INTRO = ("The following Strategic Co-operative Commissioning risks have been taken from the "
         "People Directorate Risk and Opportunity Register.")
#: Excel row of the header (the title block is rows 1-2, row 3 is blank).
HEADER_ROW = 4
VARIANTS = ("seed", "split")
SAVED_AT = datetime(2018, 3, 28, 12, 0, 0)

_REF = "PM RISK REF"
_DEPT = "DEPT"
_CATEGORY = "RISK CATEGORY"
_DESCRIPTION = ("DESCRIPTION OF RISK (Risk description should include cause/risk "
                "event/consequence and risk category)")
_LINK = ("LINK TO CORPORATE PLAN PERFORMANCE FRAMEWORK OR BUSINESS PLAN (must be vital to the "
         "Depts. success / be synonymous with a high-level goal / link directly to a business "
         "plan, legislation, strategy or project)")
_CONTROLS = ("CURRENT EXISTING MANAGEMENT CONTROLS AND INTERNAL CONTROL MEASURES (Business "
             "improvement actions, controls and reporting on progress)")
_ASSURANCES = ("ASSURANCES ON CONTROLS / MITIGATION (Where we can gain evidence that our "
               "controls on which we are placing reliance are effective)")
_PREVIOUS = "PREVIOUS RESIDUAL RISK RATING"
_CURRENT = "CURRENT RESIDUAL RISK RATING (taking account of existing mitigation)"
_RAG_MOVEMENT = "RAG RATING / MOVEMENT IN RISK SCORE"
_ACTION_PLAN = "ACTION PLAN / FUTURE MITIGATION / OPPORTUNITIES TO BE EXPLORED"

#: The seed's header row, in its order.
SEED_HEADER = (_REF, _DEPT, _CATEGORY, _DESCRIPTION, _LINK, _CONTROLS, _ASSURANCES, _PREVIOUS,
               _CURRENT, _RAG_MOVEMENT, _ACTION_PLAN)
#: The split variant's header: each rating in three columns.
SPLIT_HEADER = (_REF, _DEPT, _CATEGORY, _DESCRIPTION, _LINK, _CONTROLS, _ASSURANCES,
                "PREVIOUS LIKELIHOOD", "PREVIOUS IMPACT", "PREVIOUS SCORE",
                "LIKELIHOOD", "IMPACT", "SCORE", _RAG_MOVEMENT, _ACTION_PLAN)


@dataclass(frozen=True)
class SeedRisk:
    """One risk of the seed register, cell by cell as typed."""

    ref: str
    dept: str
    category: str
    description: str
    link: str
    controls: str
    assurances: str
    previous: str  # "4 4 16" or "New"
    current: str
    rag_movement: str
    action_plan: str


_DEPT_TEXT = "PEOPLE (CC) IRR"
_CARING = "<i>Corporate Plan Performance Framework Outcome - Caring</i>"
_PIONEERING = "<i>Corporate Plan Performance Framework Outcome - Pioneering</i>"
_NO_CHANGE_AMBER = "\u2014 A"

#: Seed 003, Appendix 4, copied cell for cell.
SEED_RISKS: tuple[SeedRisk, ...] = (
    SeedRisk("OCC2", _DEPT_TEXT, "Financial",
             "Increased and sustained pressure on Adult Social Care budget due to increased "
             "numbers of people or increased complexity of need. As this is a statutory service "
             "and largest single budget it could have a significant impact on the Authorities "
             "overall financial position Risk Category: Financial",
             _CARING,
             "2016/17 Measures in place with actions built into PCH contract. Budget containment "
             "Action Plan.",
             "FARG", "4 4 16", "4 4 16", _NO_CHANGE_AMBER,
             "Risk to be continued to be monitored and additional measures to be brought forward "
             "in year if risk materialises"),
    SeedRisk("OCC3", _DEPT_TEXT, "Compliance",
             "Failure to protect Vulnerable Adults or Children from risk of harm, resulting in a "
             "significant incident Risk Category: Compliance, Regulation & Safeguarding",
             _CARING,
             "Quality Standards built into contracts. Learning from Serious Case Reviews, "
             "Plymouth Safeguarding Adults Board (PSAB) Action Plan, Safeguarding Training",
             "Plymouth Safeguarding Adults Board (PSAB)", "4 4 16", "4 4 16", _NO_CHANGE_AMBER,
             "Annual PSAB Action Plan to be updated"),
    SeedRisk("OCC4", _DEPT_TEXT, "Financial",
             "Increase in demands and pressures within the system may result in failure to meet "
             "key performance indicators principally related to Patient Flow in the Urgent Care "
             "System. Not achieving these indicators is very likely to lead to a number of key "
             "risks:- a) Individuals not receiving services to the standards expected; b) "
             "Negative publicity around Health and Adult Social Care provision; c) Potential "
             "loss of income via the Improved Better Care Fund (IBCF) should the targets not be "
             "met. Risk Category: Financial",
             _PIONEERING,
             "Current performance has not yet reached the required levels and actions are in "
             "place aimed at driving improvement. System Improvement Board (SIB) established and "
             "attended by all key partners and meets fortnightly has identified a number of key "
             "Service Improvement Areas",
             "System Improvement Board; FARG", "New", "4 4 16", _NO_CHANGE_AMBER,
             "Action Plan in place. CQC Review in December may help to inform us of other areas "
             "for development"),
    SeedRisk("OCC5", _DEPT_TEXT, "Service",
             "Risk of Market or Provider failure causing service disruption, loss of revenue and "
             "adverse publicity Risk Category: Operational/Service Delivery",
             _PIONEERING,
             "Internal Audit Review. More regular financial checks undertaken on high risk "
             "providers. Dom Care Providers moving to payments in arrears. Market Failure "
             "Continuity Guidance",
             "Finance and Commissioning Group established", "4 3 12", "4 3 12", _NO_CHANGE_AMBER,
             "Risk to be continued to be monitored through contract monitoring and market "
             "intelligence. Supporting market wide workforce recruitment / retention across "
             "residential and domiciliary sector"),
)

#: The split variant's mistakes: ref -> what is changed from the seed.
SPLIT_MISTAKES: dict[str, dict[str, str]] = {
    "OCC3": {"current": "6 4 24"},   # likelihood 6 on a 1-5 scale (out-of-range)
    "OCC4": {"description": ""},     # no description (missing-value)
    "OCC5": {"current": "4 3 16"},   # 4 x 3 typed as 16 (score-mismatch)
}

_WIDTHS = {_REF: 9, _DEPT: 12, _CATEGORY: 12, _DESCRIPTION: 48, _LINK: 26, _CONTROLS: 40,
           _ASSURANCES: 26, _PREVIOUS: 12, _CURRENT: 12, _RAG_MOVEMENT: 12, _ACTION_PLAN: 40}
_NAVY = "1F3864"


def seed_risks(variant: str = "seed") -> tuple[SeedRisk, ...]:
    """The register's risks for a variant (the split variant with its mistakes)."""
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(VARIANTS)}, not {variant!r}")
    if variant == "seed":
        return SEED_RISKS
    return tuple(replace(r, **SPLIT_MISTAKES.get(r.ref, {})) for r in SEED_RISKS)


def _number(text: str) -> int | str:
    return int(text) if text.isdigit() else text


def _split_rating(text: str) -> list[int | str]:
    """'4 4 16' -> [4, 4, 16]; 'New' -> ['', '', 'New'] (New goes in the score column)."""
    parts = text.split()
    if len(parts) == 3:
        return [_number(p) for p in parts]
    return ["", "", text]


def _cells(risk: SeedRisk, variant: str) -> list[object]:
    lead = [risk.ref, risk.dept, risk.category, risk.description, risk.link, risk.controls,
            risk.assurances]
    if variant == "seed":
        ratings: list[object] = [risk.previous, risk.current]
    else:
        ratings = [*_split_rating(risk.previous), *_split_rating(risk.current)]
    return [*lead, *ratings, risk.rag_movement, risk.action_plan]


def write_risk_register(path: str | os.PathLike, *, variant: str = "seed") -> Path:
    """Write the seed 003 risk register (see the module docstring for the variants)."""
    risks = seed_risks(variant)
    header = SEED_HEADER if variant == "seed" else SPLIT_HEADER
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws["A1"] = TITLE
    ws["A1"].font = Font(bold=True, size=14, color=_NAVY)
    ws["A2"] = INTRO
    ws["A2"].font = Font(italic=True)
    thin = Side(style="thin", color="A6A6A6")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for c, text in enumerate(header, start=1):
        cell = ws.cell(HEADER_ROW, c, text)
        cell.font = Font(bold=True, color="FFFFFF", size=9)
        cell.fill = PatternFill("solid", fgColor=_NAVY)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.border = border
        ws.column_dimensions[get_column_letter(c)].width = _WIDTHS.get(text, 10)
    ws.row_dimensions[HEADER_ROW].height = 150
    for i, risk in enumerate(risks):
        r = HEADER_ROW + 1 + i
        for c, value in enumerate(_cells(risk, variant), start=1):
            cell = ws.cell(r, c, value if value != "" else None)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = border
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    title = "People Directorate Risk and Opportunity Register"
    return save_stable(wb, Path(path), SAVED_AT, title if variant == "seed" else f"{title} (split)")
