"""Workbooks as partners keep them, written without xlplan's template, each with its reading.

Every function here writes one workbook in a layout seen in council, NHS trust, ICB and
programme offices -- corporate risk registers with grouped Inherent / Residual headers, RAID
logs, action trackers, improvement and CQC action plans, milestone plans, KPI scorecards, and
workbooks that are none of these -- and returns what a person reading it would say it holds:
its kind, which rows are data (each exactly once), which rows are furniture (titles,
instructions, repeated headers, banners, totals, legends, footnotes, pre-numbered empty rows,
dropdown source lists), and the key fields of a few rows.

The layouts are written by code with :class:`Writer`, which records each row's Excel number as
it is appended, so the expected reading can never drift from the workbook.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

ACTION_PLAN, RISK_REGISTER, SCORECARD, OTHER = "action_plan", "risk_register", "scorecard", "other"
#: The frame of a :class:`~xlplan.api.Submission` each kind of sheet is read into.
FRAME = {ACTION_PLAN: "actions", RISK_REGISTER: "risks", SCORECARD: "scorecards"}


@dataclass(frozen=True)
class Has:
    """An expected text field that contains this text (the product may add to it, e.g. a
    title before a description), compared with runs of white space folded."""

    text: str


@dataclass
class Expected:
    """What a person reads in the workbook."""

    #: sheet -> kind, for every sheet in the workbook
    sheets: dict[str, str] = field(default_factory=dict)
    #: sheet -> Excel rows that are data (each must be read exactly once)
    data: dict[str, list[int]] = field(default_factory=dict)
    #: sheet -> Excel rows that are furniture inside or around the table (none may be read)
    furniture: dict[str, list[int]] = field(default_factory=dict)
    #: (sheet, row) -> {field: expected}; see ``tests/test_partner_layouts.py`` for the fields
    samples: dict[tuple[str, int], dict] = field(default_factory=dict)
    #: issue codes that must not be raised on this workbook
    forbidden: tuple[str, ...] = ()
    #: sheet -> groups of rows that make one record each (a long extract: one row per
    #: indicator and period); the record's source row is one of its group's rows
    groups: dict[str, list[list[int]]] = field(default_factory=dict)
    #: indicator -> {field: expected}, for records that are a group of rows
    by_indicator: dict[str, dict] = field(default_factory=dict)


class Writer:
    """Appends rows to a sheet and records, as it goes, which are data and which furniture."""

    def __init__(self, ws: Worksheet, expected: Expected, kind: str):
        self.ws, self.exp, self.name = ws, expected, ws.title
        expected.sheets[ws.title] = kind
        expected.data.setdefault(ws.title, [])
        expected.furniture.setdefault(ws.title, [])

    @property
    def row(self) -> int:
        return self.ws.max_row

    def _append(self, values: Sequence[object], col: int = 1) -> int:
        r = self.ws.max_row + 1 if self.ws.max_row > 1 or self.ws["A1"].value is not None \
            or any(c.value is not None for c in self.ws[1]) else 1
        for i, v in enumerate(values):
            if v is not None:
                self.ws.cell(row=r, column=col + i, value=v)
        if all(v is None for v in values):  # a blank spacer row still takes its place
            self.ws.cell(row=r, column=col, value=None)
            self.ws.row_dimensions[r].height = 15
        return r

    def blank(self) -> int:
        """An empty spacer row (neither data nor furniture)."""
        return self._append([None])

    def title(self, text: str, *, merge_to: int = 0, bold: bool = True, col: int = 1) -> int:
        """A title, instruction, 'Last updated' line or footnote: furniture, never data."""
        r = self._append([text], col)
        if bold:
            self.ws.cell(row=r, column=col).font = Font(bold=True, size=12)
        if merge_to:
            self.ws.merge_cells(start_row=r, start_column=col, end_row=r, end_column=merge_to)
        self.exp.furniture[self.name].append(r)
        return r

    def header(self, values: Sequence[object], *, col: int = 1, counted: bool = True) -> int:
        r = self._append(values, col)
        for i in range(len(values)):
            self.ws.cell(row=r, column=col + i).font = Font(bold=True)
        if counted:
            self.exp.furniture[self.name].append(r)
        return r

    def furniture(self, values: Sequence[object], *, col: int = 1) -> int:
        r = self._append(values, col)
        self.exp.furniture[self.name].append(r)
        return r

    def data(self, values: Sequence[object], *, col: int = 1, expect: dict | None = None) -> int:
        r = self._append(values, col)
        self.exp.data[self.name].append(r)
        if expect is not None:
            self.exp.samples[(self.name, r)] = expect
        return r


def _fill(hex6: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color="FF" + hex6, end_color="FF" + hex6)


def _save(wb: Workbook, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


# ================================================================== 1. council corporate register

def council_corporate_register(path: Path) -> Expected:
    """A county council's corporate risk register: a two-row header with "Inherent risk" and
    "Residual risk" merged over L / I / Score, single headers merged down over both rows, a
    Status column (Open / Closed), a Direction of travel column, a "Total risks: 12" row and a
    key to the scores under the table."""
    exp = Expected(forbidden=("unknown-rag", "bad-rating", "header-not-found", "score-mismatch"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Corporate Risk Register"
    w = Writer(ws, exp, RISK_REGISTER)
    w.title("Northamptonshire Shire Council - Corporate Risk Register", merge_to=14)
    w.title("Reported to Audit and Governance Committee, 21 November 2023", bold=False)
    w.blank()
    top = w.header(["Ref", "Risk title", "Risk description (cause, event, effect)", "Risk owner",
                    "Inherent risk", None, None, "Existing controls", "Residual risk", None, None,
                    "Direction of travel", "Status", "Next review"])
    sub = w.header([None, None, None, None, "L", "I", "Score", None, "L", "I", "Score"])
    for c in (1, 2, 3, 4, 8, 12, 13, 14):
        ws.merge_cells(start_row=top, start_column=c, end_row=sub, end_column=c)
    ws.merge_cells(start_row=top, start_column=5, end_row=top, end_column=7)
    ws.merge_cells(start_row=top, start_column=9, end_row=top, end_column=11)
    risks = [
        ("CR01", "Financial sustainability", "Demand-led pressures in adult social care and "
         "children's placements exceed the Medium Term Financial Strategy, leading to an "
         "in-year overspend and use of reserves", "Executive Director of Finance (S151)",
         5, 5, "Monthly budget monitoring; spending controls panel", 4, 4, "\u2194", "Open"),
        ("CR02", "Children's social care placements", "Insufficient local foster and residential "
         "placements force high-cost out-of-area placements", "Director of Children's Services",
         5, 4, "Sufficiency strategy; regional commissioning framework", 4, 4, "\u2191", "Open"),
        ("CR03", "Cyber security", "A successful ransomware attack disrupts council services "
         "and compromises personal data", "Head of ICT", 4, 5,
         "PSN compliance; MFA; offline back-ups tested quarterly", 3, 4, "\u2194", "Open"),
        ("CR04", "Workforce capacity", "Recruitment and retention difficulties in social work, "
         "planning and legal services reduce capacity to deliver statutory duties",
         "Chief People Officer", 4, 4, "Market supplements; apprenticeship pathways", 3, 4,
         "\u2193", "Open"),
        ("CR05", "Adult social care market", "Failure of a major domiciliary care provider "
         "leaves residents without packages of care", "Director of Adult Social Services",
         4, 5, "Provider failure protocol; market position statement", 3, 4, "\u2194", "Open"),
        ("CR06", "SEND high needs block", "High needs block deficit grows beyond the statutory "
         "override period", "Director of Education", 5, 4,
         "Safety Valve agreement; SEND transformation plan", 4, 4, "\u2191", "Open"),
        ("CR07", "Climate emergency", "Council fails to meet its 2030 net zero commitment",
         "Head of Climate Change", 3, 3, "Carbon management plan", 3, 2, "\u2194", "Open"),
        ("CR08", "Information governance", "Personal data is disclosed in error, leading to "
         "ICO enforcement action", "Senior Information Risk Owner", 4, 3,
         "Mandatory IG training; DPIA process", 2, 3, "\u2193", "Open"),
        ("CR09", "Health and safety", "Serious injury to staff or public on council premises",
         "Head of Health, Safety and Wellbeing", 3, 5, "H&S policy; premises inspections",
         2, 5, "\u2194", "Open"),
        ("CR10", "Capital programme delivery", "Construction inflation and supplier insolvency "
         "delay the schools capital programme", "Director of Place", 4, 4,
         "Gateway reviews; contingency at 10%", 3, 3, "\u2193", "Open"),
        ("CR11", "Elections", "Failure to deliver the May 2024 elections in line with "
         "the Elections Act", "Head of Democratic Services", 3, 4,
         "Electoral Commission standards; voter ID plan", 1, 3, "\u2193", "Closed"),
        ("CR12", "Business continuity", "Loss of Sessions House disrupts critical services",
         "Head of Emergency Planning", 3, 4, "Business continuity plans tested annually",
         2, 3, "\u2194", "Open"),
    ]
    for i, (ref, title, desc, owner, il, ii, ctrl, rl, ri, dot, status) in enumerate(risks):
        expect = None
        if i in (0, 2, 10):
            expect = {"ref": ref, "description": Has(desc[:60]), "owner": owner,
                      "likelihood": rl, "impact": ri, "score": rl * ri,
                      "inherent_likelihood": il, "inherent_impact": ii,
                      "kept": [status]}
        # Scores are values: a workbook saved by Excel carries its formulas' values, which
        # openpyxl cannot write.
        w.data([ref, title, desc, owner, il, ii, il * ii, ctrl, rl, ri, rl * ri,
                dot, status, dt.datetime(2024, 2, 1)], expect=expect)
    w.furniture(["Total risks: 12"])
    w.blank()
    w.title("Key")
    w.furniture(["1-4", "Low", "Tolerate and monitor"])
    w.furniture(["5-12", "Medium", "Manage within directorate"])
    w.furniture(["15-25", "High", "Escalate to Corporate Leadership Team"])
    w.furniture(["\u2191 increasing  \u2193 decreasing  \u2194 no change"])
    _save(wb, path)
    return exp


# ================================================================== 2. ICB register, H/M/L RAG

def icb_register(path: Path) -> Expected:
    """An ICB board assurance style register: "Risk Description", "Risk Owner" beside an
    "Executive Lead", "Likelihood (1-5)", "Consequence (1-5)", "Risk Score", "Target Score",
    and a RAG column written High / Medium / Low."""
    exp = Expected(forbidden=("unknown-rag", "bad-rating", "header-not-found", "score-mismatch"))
    wb = Workbook()
    ws = wb.active
    ws.title = "ICB Risk Register"
    w = Writer(ws, exp, RISK_REGISTER)
    w.title("NHS Mid and South Essex Integrated Care Board")
    w.title("Operational Risk Register - Q3 2023/24", bold=False)
    w.header(["Risk ID", "Directorate", "Risk Description", "Executive Lead", "Risk Owner",
              "Likelihood (1-5)", "Consequence (1-5)", "Risk Score", "RAG", "Target Score",
              "Mitigating actions", "Date added", "Last reviewed"])
    rows = [
        ("ICB-014", "Nursing and Quality", "Delays in ambulance handovers at Basildon ED result "
         "in harm to patients waiting in the community", "Chief Nursing Officer",
         "Dr Helen Okonkwo", 4, 5, 20, "High", 10),
        ("ICB-022", "Finance", "The system does not deliver its 2023/24 efficiency plan, "
         "leading to a deficit position", "Chief Finance Officer", "Mark Pettigrew", 4, 4, 16,
         "High", 8),
        ("ICB-031", "Primary Care", "GP practice resilience: three practices at risk of "
         "handing back contracts", "Director of Primary Care", "Siobhan Kearney", 3, 4, 12,
         "Medium", 6),
        ("ICB-037", "Digital", "Legacy clinical systems are not supported after March 2024",
         "Chief Digital Officer", "Rajesh Patel", 3, 3, 9, "Medium", 4),
        ("ICB-040", "Mental Health", "Out-of-area placements for adult acute mental health beds "
         "remain above trajectory", "Director of Mental Health", "Claire O'Sullivan", 4, 3, 12,
         "Medium", 6),
        ("ICB-044", "Corporate", "Freedom of Information requests are answered outside "
         "statutory timescales", "Director of Corporate Affairs", "Ben Holloway", 2, 2, 4,
         "Low", 2),
        ("ICB-045", "Estates", "Backlog maintenance at community hospital sites",
         "Director of Strategy", "Fiona MacLeod", 2, 3, 6, "Low", 4),
    ]
    for i, (ref, dte, desc, lead, owner, l, c, s, rag, tgt) in enumerate(rows):
        expect = {"ref": ref, "description": Has(desc), "owner": owner, "likelihood": l,
                  "impact": c, "score": s, "target_score": tgt, "kept": [rag]} \
            if i in (0, 2, 5) else None
        w.data([ref, dte, desc, lead, owner, l, c, s, rag, tgt,
                "See action plan ref " + ref.replace("ICB", "AP"), dt.datetime(2023, 4, 3 + i),
                dt.datetime(2023, 12, 4)], expect=expect)
    _save(wb, path)
    return exp


# ================================================================== 3. RAID log, one sheet per type

def raid_sheet_per_type(path: Path) -> Expected:
    """A project RAID log: a cover sheet (project, version history), then one sheet each for
    Risks, Assumptions, Issues and Dependencies, each with its own header."""
    exp = Expected(forbidden=("unknown-rag", "bad-rating"))
    wb = Workbook()
    cover = wb.active
    cover.title = "Cover"
    exp.sheets["Cover"] = OTHER
    for row in (["Shared Care Record Programme - RAID Log"], [],
                ["Project", "Shared Care Record Phase 2"],
                ["Senior Responsible Owner", "Gareth Lloyd"],
                ["Project Manager", "Aisha Rahman"], [], ["Version", "Date", "Author", "Change"],
                ["0.1", dt.datetime(2023, 6, 1), "A Rahman", "First draft"],
                ["1.0", dt.datetime(2023, 9, 14), "A Rahman", "Approved at Programme Board"]):
        cover.append(row)

    ws = wb.create_sheet("Risks")
    w = Writer(ws, exp, RISK_REGISTER)
    w.header(["Risk ID", "Date Raised", "Risk Description", "Risk Owner", "Probability (1-5)",
              "Impact (1-5)", "Score", "Mitigation", "Status"])
    risks = [
        ("R01", "Acute trust EPR upgrade slips, delaying the integration go-live",
         "Project Manager", 3, 4, "Weekly check-in with trust digital team", "Open"),
        ("R02", "Information sharing agreement not signed by all GP practices",
         "Information Governance Lead", 4, 3, "IG roadshows; LMC endorsement", "Open"),
        ("R03", "Clinical safety case not approved in time", "Dr Owen Jenkins", 2, 5,
         "Clinical Safety Officer assigned", "Closed"),
        ("R04", "Supplier resource shortfall over summer", "Aisha Rahman", 3, 3,
         "Named supplier backfill", "Open"),
    ]
    for i, (ref, desc, owner, p, im, mit, status) in enumerate(risks):
        w.data([ref, dt.datetime(2023, 7, 1 + i), desc, owner, p, im, p * im, mit, status],
               expect={"ref": ref, "description": Has(desc), "owner": owner, "likelihood": p,
                       "impact": im, "raid_type": "risk", "kept": [status]})

    ws = wb.create_sheet("Assumptions")
    w = Writer(ws, exp, RISK_REGISTER)
    w.header(["Ref", "Assumption", "Owner", "Date to be validated", "Status"])
    for i, (ref, text, owner, status) in enumerate([
            ("A01", "All GP practices use EMIS Web or SystmOne", "Aisha Rahman", "Validated"),
            ("A02", "Social care data can be extracted from Mosaic nightly", "Tom Whitlock",
             "Open"),
            ("A03", "Funding from the Digital Capabilities Fund is confirmed for 2024/25",
             "Gareth Lloyd", "Open")]):
        w.data([ref, text, owner, dt.datetime(2023, 10, 31), status],
               expect={"ref": ref, "description": Has(text), "owner": owner,
                       "raid_type": "assumption", "kept": [status]} if i == 1 else None)

    ws = wb.create_sheet("Issues")
    w = Writer(ws, exp, RISK_REGISTER)
    w.header(["Issue ID", "Issue Description", "Owner", "Priority", "Action being taken",
              "Status"])
    for i, (ref, text, owner, prio, status) in enumerate([
            ("I01", "Test environment unavailable for two weeks in August", "Tom Whitlock",
             "High", "Closed"),
            ("I02", "Duplicate NHS numbers found in the community data extract", "Aisha Rahman",
             "Medium", "Open")]):
        w.data([ref, text, owner, prio, "Escalated to supplier", status],
               expect={"ref": ref, "description": Has(text), "owner": owner,
                       "raid_type": "issue", "kept": [prio, status]} if i == 1 else None)

    ws = wb.create_sheet("Dependencies")
    w = Writer(ws, exp, RISK_REGISTER)
    w.header(["Dep ID", "Dependency", "Dependent on", "Owner", "Required by", "Status"])
    for i, (ref, text, on, owner) in enumerate([
            ("D01", "HSCN connection to the hospice", "Hospice IT provider", "Tom Whitlock"),
            ("D02", "Regional identity service live", "NHS England (South West)", "Gareth Lloyd")]):
        w.data([ref, text, on, owner, dt.datetime(2024, 1, 31), "On track"],
               expect={"ref": ref, "description": Has(text), "owner": owner,
                       "raid_type": "dependency", "kept": ["On track"]} if i == 0 else None)
    _save(wb, path)
    return exp


# ================================================================== 4. RAID log with a Type column

def raid_type_column(path: Path) -> Expected:
    """A RAID log kept in one sheet with a Type column (Risk / Issue / Assumption /
    Dependency), H/M/L impact and likelihood, a "Raised by" beside the "Owner", an Open /
    Closed status and a separate RAG."""
    exp = Expected(forbidden=("unknown-rag", "bad-rating", "header-not-found", "score-mismatch"))
    wb = Workbook()
    ws = wb.active
    ws.title = "RAID"
    w = Writer(ws, exp, RISK_REGISTER)
    w.title("Intermediate Care Transformation - RAID Log")
    w.title("Last updated: 12/01/2024", bold=False)
    w.blank()
    w.header(["Ref", "Type", "Date raised", "Description", "Raised by", "Owner", "Impact",
              "Likelihood", "Mitigation / next steps", "Status", "RAG"])
    items = [
        ("1", "Risk", "Step-down beds at Holly Lodge not commissioned by winter", "Karen Fitch",
         "Head of Commissioning", "H", "M", "Interim spot purchase", "Open", "A", "risk"),
        ("2", "Issue", "Therapy vacancies in the reablement team (4.2 WTE)", "Karen Fitch",
         "Lucy Drummond", "H", None, "Agency cover agreed to March", "Open", "R", "issue"),
        ("3", "Assumption", "Discharge to Assess funding continues in 2024/25", "Paul Edge",
         "Paul Edge", "M", None, "Confirm with ICB finance", "Open", "A", "assumption"),
        ("4", "Dependency", "Care Coordination Centre live before the new pathway",
         "Lucy Drummond", "Rob Clarke", "M", None, "Joint plan with CCC project", "Open", "G",
         "dependency"),
        ("5", "Risk", "Data sharing between the trust and council delays flow reporting",
         "Paul Edge", "Information Governance Manager", "M", "L", "DPIA in progress",
         "Closed", "G", "risk"),
        ("6", "Issue", "Hospital discharge letters arrive after the patient", "Rob Clarke",
         "Dr Meera Shah", "M", None, "Audit of 50 discharges", "Open", "A", "issue"),
        ("7", "Risk", "Winter pressures pull reablement staff into acute wards", "Karen Fitch",
         "Head of Commissioning", "H", "H", "Ring-fenced rota", "Open", "R", "risk"),
    ]
    for i, (ref, typ, desc, by, owner, imp, lik, mit, status, rag, kind) in enumerate(items):
        expect = {"ref": ref, "description": Has(desc), "owner": owner, "raid_type": kind,
                  "kept": [status], "rag": {"R": "Red", "A": "Amber", "G": "Green"}[rag]} \
            if i in (0, 1, 2, 3) else None
        w.data([ref, typ, dt.datetime(2023, 9, 4 + i), desc, by, owner, imp, lik, mit, status,
                rag], expect=expect)
    _save(wb, path)
    return exp


# ================================================================== 5. probabilities and words

def probability_register(path: Path) -> Expected:
    """A project risk log with probability written 0.2 / 0.5 / 0.8 and impact Low / Medium /
    High, owners given as roles ("Head of Service")."""
    exp = Expected(forbidden=("bad-rating", "unknown-rag", "header-not-found"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Risk Log"
    w = Writer(ws, exp, RISK_REGISTER)
    w.header(["No.", "Risk", "Cause", "Effect", "Probability", "Impact", "Proximity",
              "Response", "Owner"])
    rows = [
        (1, "Care home providers decline the new fee model", "Fee uplift below inflation",
         "Placements lost", 0.8, "High", "Q1", "Engagement with Care Association",
         "Head of Service"),
        (2, "Trusted assessor roles not recruited", "National shortage", "Slower discharges",
         0.5, "Medium", "Q2", "Rotational posts", "Programme Manager"),
        (3, "Homecare rounds in rural areas not viable", "Travel time", "Unmet need", 0.5,
         "High", "Q2", "Rural premium", "Assistant Director, Adult Social Care"),
        (4, "Single point of access phone system fails", "Legacy telephony", "Calls dropped",
         0.2, "Medium", "Q3", "Cloud telephony procurement", "ICT Business Partner"),
        (5, "Evaluation partner not appointed", "Procurement delay", "No baseline", 0.2,
         "Low", "Q1", "Use in-house BI team", "Head of Service"),
    ]
    for i, (no, risk, cause, effect, p, imp, prox, resp, owner) in enumerate(rows):
        w.data([no, risk, cause, effect, p, imp, prox, resp, owner],
               expect={"description": Has(risk), "owner": owner, "kept": [imp],
                       "probability": p})
    w.blank()
    w.title("Probability: 0.2 = unlikely, 0.5 = possible, 0.8 = likely", bold=False)
    _save(wb, path)
    return exp


# ================================================================== 6. NHS 5x5 words, M - H rating

def nhs_word_matrix_register(path: Path) -> Expected:
    """A trust directorate register written in the words of the NHS 5x5 matrix: likelihood
    Rare .. Almost certain, consequence Negligible .. Catastrophic, a "Risk Rating" column of
    words ("Moderate", "M - H"), and a Status column (Open / Monitoring / Closed)."""
    exp = Expected(forbidden=("bad-rating", "unknown-rag", "header-not-found"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Directorate risks"
    w = Writer(ws, exp, RISK_REGISTER)
    w.title("Surgery & Critical Care Directorate Risk Register", merge_to=9)
    w.header(["Datix ID", "Risk", "Owner", "Likelihood", "Consequence", "Risk Rating",
              "Controls in place", "Gaps in control", "Status"])
    rows = [
        ("4312", "Theatre list cancellations due to anaesthetist vacancies", "Mr David Fenwick",
         "Likely", "Moderate", "High", "Locum cover", "Substantive posts unfilled", "Open"),
        ("4377", "Critical care bed capacity insufficient for elective recovery",
         "Clinical Director, Critical Care", "Possible", "Major", "M - H",
         "Daily capacity huddle", "No surge beds", "Monitoring"),
        ("4401", "Sterile services equipment reaching end of life", "Estates Manager",
         "Unlikely", "Moderate", "Moderate", "Maintenance contract", "Replacement unfunded",
         "Open"),
        ("4415", "Retained swab never event recurrence", "Theatres Matron", "Rare",
         "Catastrophic", "Medium", "WHO checklist audits", None, "Monitoring"),
        ("4420", "Paper consent forms lost in transit", "Surgical Governance Lead",
         "Almost certain", "Minor", "Low", "Scanning at point of consent", None, "Closed"),
    ]
    for row in rows:
        w.data(list(row), expect={"ref": row[0], "description": Has(row[1]), "owner": row[2],
                                  "kept": [row[3], row[4], row[5], row[8]]})
    _save(wb, path)
    return exp


# ================================================================== 7. Initial / Current / Target

def programme_register_three_ratings(path: Path) -> Expected:
    """A programme register with three rating groups in a row above sub-headers ("Initial",
    "Current", "Target" each over L / C / Rating), a Trend column and a RAG column."""
    exp = Expected(forbidden=("unknown-rag", "bad-rating", "header-not-found", "score-mismatch"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Programme Risks"
    w = Writer(ws, exp, RISK_REGISTER)
    w.title("Better Care Fund Programme - Risk Register")
    w.blank()
    w.header([None, None, None, "Initial", None, None, "Current", None, None, "Target", None,
              None, None, None])
    w.header(["ID", "Risk", "Lead", "L", "C", "Rating", "L", "C", "Rating", "L", "C", "Rating",
              "Trend", "RAG"])
    for c0 in (4, 7, 10):
        ws.merge_cells(start_row=w.row - 1, start_column=c0, end_row=w.row - 1, end_column=c0 + 2)
    rows = [
        ("BCF1", "Disabled Facilities Grant underspend returned to government", "Jenny Marsh",
         4, 4, 3, 3, 2, 2, "Improving", "Amber"),
        ("BCF2", "Carers' breaks service demand exceeds the pooled budget", "Andrew Tait",
         3, 4, 4, 4, 2, 3, "Worsening", "Red"),
        ("BCF3", "Falls prevention service not recommissioned on time", "Jenny Marsh",
         3, 3, 2, 3, 1, 3, "Static", "Green"),
        ("BCF4", "Integrated discharge team posts remain vacant", "Dr Sunita Rao",
         4, 3, 3, 3, 2, 2, "Static", "Amber"),
    ]
    for i, (ref, desc, lead, il, ic, cl, cc, tl, tc, trend, rag) in enumerate(rows):
        w.data([ref, desc, lead, il, ic, il * ic, cl, cc, cl * cc, tl, tc, tl * tc, trend, rag],
               expect={"ref": ref, "description": Has(desc), "owner": lead,
                       "likelihood": cl, "impact": cc, "score": cl * cc,
                       "inherent_likelihood": il, "inherent_impact": ic,
                       "target_likelihood": tl, "target_impact": tc, "rag": rag})
    _save(wb, path)
    return exp


# ================================================================== 8. action tracker, no RAG

def action_tracker(path: Path) -> Expected:
    """A meeting action log: "Action Description", "Action Owner", "Due Date", "Status" (Not
    started / In progress / Complete / Overdue) and no RAG; an Update column with line
    breaks."""
    exp = Expected(forbidden=("unknown-rag", "header-not-found"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Action Log"
    w = Writer(ws, exp, ACTION_PLAN)
    w.title("Urgent and Emergency Care Delivery Board - Action Log", merge_to=8)
    w.blank()
    w.header(["Action No.", "Date Raised", "Meeting", "Action Description", "Action Owner",
              "Due Date", "Status", "Update"])
    rows = [
        ("UEC/23/041", "Circulate the revised ambulance handover SOP to all ED leads",
         "Dr Kirsty Munro", "Complete", "Circulated 14/09.\nConfirmed received by all three EDs"),
        ("UEC/23/042", "Bring the NCTR data by ward to the October board", "Owen Price",
         "Complete", None),
        ("UEC/23/043", "Agree the winter escalation triggers with the community trust",
         "Head of Urgent Care", "In progress", "Draft shared, awaiting sign-off"),
        ("UEC/23/044", "Scope a virtual ward for frailty in the north locality",
         "Dr Kirsty Munro", "In progress", None),
        ("UEC/23/045", "Write to NHS England about the 111 call-back standard", "Sarah Pemberton",
         "Overdue", "Letter drafted; chair to sign"),
        ("UEC/23/046", "Review the mental health conveyance pathway with the police",
         "Lisa Hargreaves", "Not started", None),
        ("UEC/23/047", "Report on same day emergency care opening hours", "Owen Price",
         "Not started", None),
        ("UEC/23/048", "Confirm the discharge lounge staffing model", "Head of Patient Flow",
         "Overdue", "Chased 02/11"),
        ("UEC/23/049", "Share the frailty virtual ward business case", "Dr Kirsty Munro",
         "In progress", None),
    ]
    for i, (ref, text, owner, status, update) in enumerate(rows):
        w.data([ref, dt.datetime(2023, 9, 12), "UEC Board", text, owner,
                dt.datetime(2023, 10, 10 + i), status, update],
               expect={"ref": ref, "text": text, "sro": owner, "rag": "", "kept": [status]}
               if i in (0, 2, 4, 5, 7) else None)
    _save(wb, path)
    return exp


# ================================================================== 9. improvement plan sections

def improvement_plan_sections(path: Path) -> Expected:
    """An improvement plan with numbered section banners ("1. Leadership and governance")
    merged across the table, the header repeated under each banner, "Lead", "Target Date",
    "RAG" and a progress column."""
    exp = Expected(forbidden=("unknown-rag", "header-not-found"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Improvement Plan"
    w = Writer(ws, exp, ACTION_PLAN)
    w.title("Children's Services Improvement Plan 2023-25", merge_to=6)
    w.title("Version 4 - following the Ofsted monitoring visit, 18 October 2023", bold=False)
    header = ["Ref", "Action", "Lead", "Target Date", "RAG", "Progress"]
    sections = [
        ("1. Leadership and governance", [
            ("1.1", "Establish a multi-agency Improvement Board with an independent chair",
             "Director of Children's Services", "Complete", "B"),
            ("1.2", "Publish a quarterly performance report to Cabinet", "Amanda Greaves",
             "Mar-24", "G"),
        ]),
        ("2. Quality of practice", [
            ("2.1", "Introduce monthly practice learning days for social workers",
             "Principal Social Worker", "Jan-24", "G"),
            ("2.2", "Audit 40 case files a month against the practice standards",
             "Head of Quality Assurance", "Ongoing", "A"),
            ("2.3", "Reduce caseloads to an average of 18 in assessment teams",
             "Ruth Cavendish", "Jun-24", "R"),
        ]),
        ("3. Workforce", [
            ("3.1", "Convert 12 agency posts to permanent", "Head of HR", "Sep-24", "A"),
            ("3.2", "Launch the ASYE academy", "Principal Social Worker", "Apr-24", "G"),
        ]),
    ]
    for s, (banner, rows) in enumerate(sections):
        b = w.furniture([banner])
        ws.cell(row=b, column=1).font = Font(bold=True, color="FFFFFF")
        ws.cell(row=b, column=1).fill = _fill("1F4E78")
        ws.merge_cells(start_row=b, start_column=1, end_row=b, end_column=6)
        w.header(header)
        for i, (ref, text, lead, target, rag) in enumerate(rows):
            w.data([ref, text, lead, target, rag, "Update due at next board" if i else None],
                   expect={"ref": ref, "text": text, "sro": lead, "theme": Has(banner[3:]),
                           "rag": {"B": "Complete", "G": "Green", "A": "Amber",
                                   "R": "Red"}[rag]})
    w.blank()
    w.title("RAG key: B = complete, G = on track, A = some slippage, R = off track", bold=False)
    _save(wb, path)
    return exp


# ================================================================== 10. milestone plan

def milestone_plan(path: Path) -> Expected:
    """A milestone plan: "Milestone", "Owner", "Baseline date", "Forecast date", "Status"
    (On Track / At Risk / Delayed / Complete) and no RAG."""
    exp = Expected(forbidden=("unknown-rag", "header-not-found"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Milestones"
    w = Writer(ws, exp, ACTION_PLAN)
    w.title("Community Diagnostic Centre - Key Milestones")
    w.blank()
    w.header(["ID", "Workstream", "Milestone", "Owner", "Baseline date", "Forecast date",
              "Status", "Commentary"])
    rows = [
        ("M1", "Estates", "Planning permission granted", "Estates Project Lead",
         dt.datetime(2023, 7, 31), dt.datetime(2023, 7, 28), "Complete", None),
        ("M2", "Estates", "Modular building handed over", "Estates Project Lead",
         dt.datetime(2023, 12, 15), dt.datetime(2024, 1, 19), "Delayed",
         "Ground works delayed by wet weather"),
        ("M3", "Workforce", "Radiographers recruited (6 WTE)", "Joanne Whitaker",
         dt.datetime(2024, 1, 31), dt.datetime(2024, 2, 29), "At Risk", "Two offers accepted"),
        ("M4", "Equipment", "CT scanner installed and accepted", "Head of Medical Physics",
         dt.datetime(2024, 2, 29), dt.datetime(2024, 2, 29), "On Track", None),
        ("M5", "Digital", "RIS/PACS interface tested", "Dr Neil Harkness",
         dt.datetime(2024, 2, 15), dt.datetime(2024, 2, 15), "On Track", None),
        ("M6", "Operations", "First patients seen", "Service Manager, Diagnostics",
         dt.datetime(2024, 4, 2), dt.datetime(2024, 4, 30), "At Risk", None),
    ]
    for i, row in enumerate(rows):
        w.data(list(row), expect={"ref": row[0], "text": row[2], "sro": row[3],
                                  "kept": [row[6]],
                                  **({"rag": ""} if row[6] != "Complete" else {})})
    _save(wb, path)
    return exp


# ================================================================== 11. CQC action plan, BRAG

def cqc_action_plan(path: Path) -> Expected:
    """A CQC "must do / should do" action plan: Recommendation merged down over its actions,
    "Action", "Lead", "By when", "Progress", "BRAG" (Blue / Red / Amber / Green), and a
    footnote on the BRAG meaning."""
    exp = Expected(forbidden=("unknown-rag", "header-not-found"))
    wb = Workbook()
    ws = wb.active
    ws.title = "CQC Action Plan"
    w = Writer(ws, exp, ACTION_PLAN)
    w.title("Riverside Community Health NHS Trust", merge_to=7)
    w.title("CQC Inspection Report (published 9 August 2023) - Action Plan", merge_to=7)
    w.blank()
    w.header(["Ref", "Recommendation", "Action", "Lead", "By when", "Progress", "BRAG"])
    recs = [
        ("MD1", "The trust must ensure staff complete mandatory safeguarding training", [
            ("Roll out level 3 safeguarding e-learning to community nursing teams",
             "Head of Safeguarding", "31/10/2023", "Compliance now 91%", "Blue"),
            ("Monthly compliance report to the Quality Committee", "Deputy Chief Nurse",
             "Monthly", "Standing item from September", "Green"),
        ]),
        ("MD2", "The trust must ensure medicines are stored at the correct temperature", [
            ("Install data-logging thermometers in all clinic fridges", "Chief Pharmacist",
             "30/11/2023", "Procurement complete, installation 60%", "Amber"),
            ("Weekly fridge temperature audit by ward managers", "Matron, Community Wards",
             "Ongoing", None, "Green"),
            ("Review the cold chain policy", "Chief Pharmacist", "31/12/2023",
             "Not yet started - pharmacy capacity", "Red"),
        ]),
        ("SD1", "The trust should improve the timeliness of complaint responses", [
            ("Recruit a complaints investigator", "Head of Patient Experience", "Jan 2024",
             "Interviews 12/12", "Amber"),
        ]),
    ]
    for ref, rec, actions in recs:
        first = w.row + 1
        for i, (action, lead, when, progress, brag) in enumerate(actions):
            w.data([ref if i == 0 else None, rec if i == 0 else None, action, lead, when,
                    progress, brag],
                   expect={"text": action, "sro": lead, "rag": {"Blue": "Complete"}.get(brag, brag),
                           "kept": [Has(rec[:40])]})
        if len(actions) > 1:
            ws.merge_cells(start_row=first, start_column=1, end_row=w.row, end_column=1)
            ws.merge_cells(start_row=first, start_column=2, end_row=w.row, end_column=2)
    w.blank()
    w.title("BRAG: Blue = completed and embedded; Green = on track; Amber = at risk; "
            "Red = off track", bold=False)
    _save(wb, path)
    return exp


# ================================================================== 12. written statement of action

def send_written_statement(path: Path) -> Expected:
    """A SEND written statement of action: "Area for improvement" merged down over its
    actions, "Success measure", "Lead officer" (roles and names), "Deadline" and a
    "RAG status" written in full words, some with trailing spaces and lower case."""
    exp = Expected(forbidden=("unknown-rag", "header-not-found"))
    wb = Workbook()
    ws = wb.active
    ws.title = "WSoA"
    w = Writer(ws, exp, ACTION_PLAN)
    w.title("Local Area SEND Written Statement of Action - monitoring return")
    w.title("Prepared by: SEND Improvement Team   Last updated 30 Nov 2023", bold=False)
    w.header(["Area for improvement", "Action", "Success measure", "Lead officer", "Deadline",
              "RAG status", "Evidence"])
    areas = [
        ("AFI 1: Timeliness and quality of EHC plans", [
            ("Recruit three additional EHC plan coordinators", "95% of plans in 20 weeks",
             "Head of SEND Services", "Green "),
            ("Introduce a multi-agency quality assurance panel", "80% of audited plans good",
             "Principal Educational Psychologist", "amber"),
        ]),
        ("AFI 2: Joint commissioning", [
            ("Agree a joint commissioning strategy with the ICB", "Strategy signed off",
             "Nadia Choudhury", "Red"),
            ("Commission a neurodevelopmental pathway", "Waits under 18 weeks",
             "Designated Clinical Officer", "Amber"),
        ]),
    ]
    for area, actions in areas:
        first = w.row + 1
        for i, (action, measure, lead, rag) in enumerate(actions):
            w.data([area if i == 0 else None, action, measure, lead, dt.datetime(2024, 3, 31),
                    rag, "Board minutes"],
                   expect={"text": action, "sro": lead, "rag": rag.strip().capitalize(),
                           "kept": [Has(area[7:])]})
        ws.merge_cells(start_row=first, start_column=1, end_row=w.row, end_column=1)
    _save(wb, path)
    return exp


# ================================================================== 13. template furniture (plan)

def furnished_action_template(path: Path) -> Expected:
    """An action plan on a home-made template: an instructions block and a "Last updated" line
    above the header, nine real rows, pre-numbered empty rows 10..50, a dropdown source list
    in a far column with no header, and footnotes under the numbered rows."""
    exp = Expected(forbidden=("unknown-rag", "header-not-found", "missing-value"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Action Plan"
    w = Writer(ws, exp, ACTION_PLAN)
    w.title("Frailty Programme Action Plan")
    w.title("Instructions: complete one row per action. Choose the RAG from the drop-down "
            "list. Do not change the column headings or insert columns.", bold=False)
    w.title("Blue = complete, Green = on track, Amber = at risk of delay, Red = delayed",
            bold=False)
    w.title("Last updated: 08/01/2024 by Hannah Osei", bold=False)
    w.blank()
    header_row = w.header(["No.", "Action", "Lead", "Start date", "End date", "RAG",
                           "Update this month"])
    rows = [
        ("Roll out the Rockwood frailty score in all GP practices", "Dr Ifeoma Obi", "Green"),
        ("Recruit two frailty advanced clinical practitioners", "Hannah Osei", "Amber"),
        ("Agree the frailty same day emergency care criteria", "Clinical Director, Medicine",
         "Green"),
        ("Set up the falls response service with the ambulance trust", "Gary Nolan", "Red"),
        ("Care home MDT meetings in all four PCNs", "Head of Community Services", "Blue"),
        ("Publish the frailty dashboard", "Hannah Osei", "Amber"),
        ("Train care home staff in RESTORE2", "Lead Nurse, Care Homes", "Green"),
        ("Map voluntary sector befriending services", "Kieran O'Neill", "Green"),
        ("Evaluate the pilot with the AHSN", "Programme Manager", "Amber"),
    ]
    for i, (text, lead, rag) in enumerate(rows, start=1):
        w.data([i, text, lead, dt.datetime(2023, 10, 1), dt.datetime(2024, 3, 31), rag,
                "On plan" if rag == "Green" else None],
               expect={"text": text, "sro": lead,
                       "rag": "Complete" if rag == "Blue" else rag})
    for i in range(len(rows) + 1, 51):
        w.furniture([i])
    w.blank()
    w.title("* End dates agreed at Frailty Programme Board, 12 October 2023", bold=False)
    w.title("** Contact the PMO on pmo@example.nhs.uk with any questions", bold=False)
    # The dropdown source list: in column M from the header row down, no header of its own.
    for k, v in enumerate(["Blue", "Green", "Amber", "Red", "Not started", "In progress"]):
        ws.cell(row=header_row + 1 + k, column=13, value=v)
    ws.column_dimensions["M"].hidden = False
    _save(wb, path)
    return exp


# ================================================================== 14. furniture (register)

def furnished_risk_template(path: Path) -> Expected:
    """A risk register template filled in for four risks: a document-control block above the
    table, numbered empty rows to 25, a dropdown list of likelihood words in an unheaded
    column beside the table, and a "Total" line under it."""
    exp = Expected(forbidden=("unknown-rag", "bad-rating", "header-not-found", "missing-value"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Register"
    w = Writer(ws, exp, RISK_REGISTER)
    w.title("Population Health Management Project - Risk Register")
    w.furniture(["Document owner:", "Leanne Carter", None, "Version:", "2.3"])
    w.furniture(["Review frequency:", "Monthly", None, "Approved by:", "PHM Steering Group"])
    w.blank()
    header_row = w.header(["#", "Risk description", "Owner", "Likelihood", "Impact",
                           "Risk score", "RAG", "Actions to reduce risk", "Status"])
    rows = [
        ("GP data extraction not approved by all practices", "Leanne Carter", 3, 4, "Amber",
         "LMC letter of support", "Open"),
        ("Linked dataset fails the DSPT requirements", "Data Protection Officer", 2, 5, "Amber",
         "DSPT action plan", "Open"),
        ("Analyst capacity lost to winter reporting", "Head of Business Intelligence", 4, 3,
         "Amber", "Ring-fence two analysts", "Open"),
        ("Segmentation model not trusted by clinicians", "Dr Robert Ellis", 2, 2, "Green",
         "Clinical reference group", "Closed"),
    ]
    for i, (desc, owner, l, im, rag, act, status) in enumerate(rows, start=1):
        w.data([i, desc, owner, l, im, l * im, rag, act, status],
               expect={"description": Has(desc), "owner": owner, "likelihood": l,
                       "impact": im, "score": l * im, "rag": rag, "kept": [status]})
    for i in range(len(rows) + 1, 26):
        w.furniture([i])
    w.furniture(["Total", None, None, None, None, sum(l * im for _d, _o, l, im, *_ in rows)])
    for k, v in enumerate(["Rare", "Unlikely", "Possible", "Likely", "Almost certain"]):
        ws.cell(row=header_row + 1 + k, column=12, value=v)
    _save(wb, path)
    return exp


# ================================================================== 15. KPI scorecard with banners

def kpi_scorecard(path: Path) -> Expected:
    """A KPI scorecard: KPI / Target / Actual / RAG with section banners and a data source
    note under it."""
    exp = Expected(forbidden=("unknown-rag", "header-not-found"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Scorecard"
    w = Writer(ws, exp, SCORECARD)
    w.title("Place Board Performance Scorecard - November 2023")
    w.blank()
    w.header(["KPI", "Target", "Actual", "RAG", "Commentary"])
    sections = [
        ("Urgent and emergency care", [
            ("A&E 4-hour performance (%)", 0.76, 0.712, "Red"),
            ("Ambulance handovers over 60 minutes", 0, 37, "Red"),
            ("NCTR patients in acute beds", 90, 84, "Green"),
        ]),
        ("Community services", [
            ("2-hour urgent community response (%)", 0.7, 0.74, "Green"),
            ("Community waiting list over 52 weeks", 150, 162, "Amber"),
        ]),
    ]
    for banner, rows in sections:
        b = w.furniture([banner])
        ws.cell(row=b, column=1).font = Font(bold=True)
        ws.merge_cells(start_row=b, start_column=1, end_row=b, end_column=5)
        for kpi, target, actual, rag in rows:
            w.data([kpi, target, actual, rag, None],
                   expect={"indicator": kpi, "target": target, "latest_value": actual,
                           "rag": rag})
    w.blank()
    w.title("Source: SUS+ and community data set, validated to 30/11/2023", bold=False)
    _save(wb, path)
    return exp


# ================================================================== 16. months across, Polarity

def monthly_performance(path: Path) -> Expected:
    """A monthly performance report: indicators down, months Apr-23 .. Mar-24 across (some
    still blank), a Polarity column and an annual Target."""
    exp = Expected(forbidden=("header-not-found", "unknown-polarity"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Performance"
    w = Writer(ws, exp, SCORECARD)
    w.title("Adult Social Care - Monthly Performance Report 2023/24")
    w.blank()
    months = [dt.datetime(2023 + (m < 4), m, 1) for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]
    hr = w.header(["Ref", "Indicator", "Polarity", "Target"] + months)
    for c in range(5, 17):
        ws.cell(row=hr, column=c).number_format = "mmm-yy"
    rows = [
        ("ASC01", "Permanent admissions to care homes (65+) per 100,000", "Low is good", 560,
         [48.2, 51.0, 46.9, 52.3, 55.1, 49.8, 47.0]),
        ("ASC02", "Proportion of reviews completed on time (%)", "High is good", 0.85,
         [0.71, 0.73, 0.75, 0.74, 0.78, 0.80, 0.81]),
        ("ASC03", "Safeguarding enquiries concluded within 28 days (%)", "High is good", 0.9,
         [0.88, 0.86, 0.91, 0.9, 0.92, 0.93, 0.9]),
        ("ASC04", "Delayed transfers of care attributable to social care", "Low is good", 10,
         [14, 12, 15, 11, 9, 10, 8]),
    ]
    for ref, name, polarity, target, values in rows:
        w.data([ref, name, polarity, target] + values,
               expect={"ref": ref, "indicator": name, "polarity_text": polarity,
                       "values": values, "latest_value": values[-1]})
    w.blank()
    w.title("Months from November are not yet published.", bold=False)
    _save(wb, path)
    return exp


# ================================================================== 17. one-cell ratings

def one_cell_rating_register(path: Path) -> Expected:
    """A partnership register that writes each rating in one cell ("4 x 4 = 16", "3x3=9"),
    before and after mitigation, with the lead named with a job title after a comma and a
    Status of Open / Tolerated / Closed."""
    exp = Expected(forbidden=("unknown-rag", "bad-rating", "header-not-found",
                              "score-mismatch"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Partnership Risks"
    w = Writer(ws, exp, RISK_REGISTER)
    w.title("Safer Communities Partnership - Risk Register 2023/24")
    w.blank()
    w.header(["Risk No", "Description of risk", "Lead", "Rating before mitigation",
              "Mitigation", "Rating after mitigation", "Status", "Date of next review"])
    rows = [
        ("SCP1", "Reduction in Police and Crime Commissioner grant ends the youth diversion "
         "scheme", "Marie Doyle", (4, 4), "Bid to the Home Office fund", (3, 4), "Open"),
        ("SCP2", "Data sharing with the probation service lapses", "Head of Community Safety",
         (3, 3), "New information sharing agreement", (2, 3), "Tolerated"),
        ("SCP3", "Domestic abuse refuge capacity insufficient for demand", "Dr Amara Nwosu",
         (5, 4), "Dispersed accommodation commissioned", (4, 4), "Open"),
        ("SCP4", "CCTV network upgrade not completed before the contract ends",
         "Community Safety Manager", (3, 2), "Contract extended six months", (1, 2), "Closed"),
    ]
    for i, (ref, desc, lead, (bl, bi), mit, (al, ai), status) in enumerate(rows):
        before = f"{bl} x {bi} = {bl * bi}" if i % 2 == 0 else f"{bl}x{bi}={bl * bi}"
        after = f"{al} x {ai} = {al * ai}" if i % 2 == 0 else f"{al}x{ai}={al * ai}"
        w.data([ref, desc, lead, before, mit, after, status, dt.datetime(2024, 3, 1)],
               expect={"ref": ref, "description": Has(desc), "owner": lead,
                       "likelihood": al, "impact": ai, "score": al * ai,
                       "kept": [status]})
    _save(wb, path)
    return exp


# ================================================================== 18. long KPI extract

def kpi_long_extract(path: Path) -> Expected:
    """A KPI extract from a BI system: one row per metric and month ("Metric", "Month",
    "Plan", "Actual", "RAG"), sorted by metric, with a run date line above and a row count
    line under it."""
    exp = Expected(forbidden=("unknown-rag", "header-not-found"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Extract"
    w = Writer(ws, exp, SCORECARD)
    w.title("Report run: 04/12/2023 07:02  Source: ICB Performance Warehouse", bold=False)
    w.header(["Metric ID", "Metric", "Month", "Plan", "Actual", "RAG"])
    data = [
        ("PC01", "GP appointments within 2 weeks (%)", [(0.85, 0.83, "Amber"),
                                                        (0.85, 0.86, "Green"),
                                                        (0.85, 0.88, "Green")]),
        ("MH04", "IAPT access rate (%)", [(0.25, 0.19, "Red"), (0.25, 0.21, "Red"),
                                         (0.25, 0.22, "Red")]),
        ("UC07", "111 calls answered in 60 seconds (%)", [(0.95, 0.61, "Red"),
                                                          (0.95, 0.72, "Red"),
                                                          (0.95, 0.88, "Amber")]),
    ]
    months = [dt.datetime(2023, 8, 1), dt.datetime(2023, 9, 1), dt.datetime(2023, 10, 1)]
    groups = exp.groups.setdefault(ws.title, [])
    for ref, metric, series in data:
        groups.append([w.data([ref, metric, months[k], plan, actual, rag])
                       for k, (plan, actual, rag) in enumerate(series)])
        # One indicator per metric: its months are its series, its latest status its RAG.
        exp.by_indicator[metric] = {"values": [a for _p, a, _r in series],
                                    "target": series[-1][0], "rag": series[-1][2]}
    w.furniture(["9 rows"])
    _save(wb, path)
    return exp


# ================================================================== 19. RAG by fill colour only

def colour_rag_plan(path: Path) -> Expected:
    """A delivery plan whose RAG column holds no text, only the cell's fill (green, amber,
    red), with "Objective" merged down over its actions and a "Responsible" column."""
    exp = Expected(forbidden=("unknown-rag", "header-not-found"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Delivery Plan"
    w = Writer(ws, exp, ACTION_PLAN)
    w.title("Healthy Weight Strategy - Delivery Plan 2023/24")
    w.blank()
    w.header(["Objective", "Action", "Responsible", "Timescale", "RAG", "Comments"])
    fills = {"Green": "00B050", "Amber": "FFC000", "Red": "FF0000"}
    objectives = [
        ("1. Healthier food environments", [
            ("Adopt the healthier catering standard in council venues",
             "Public Health Principal", "Jun-24", "Green"),
            ("Restrict HFSS advertising on council-owned sites", "Kate Brennan", "Mar-24",
             "Red"),
        ]),
        ("2. Active travel", [
            ("Deliver Bikeability to all Year 6 pupils", "Sustainable Travel Officer",
             "Jul-24", "Amber"),
            ("Open the canal towpath link", "Highways Project Manager", "Sep-24", "Green"),
        ]),
    ]
    for objective, actions in objectives:
        first = w.row + 1
        for i, (action, lead, when, rag) in enumerate(actions):
            r = w.data([objective if i == 0 else None, action, lead, when, None, None],
                       expect={"text": action, "sro": lead, "rag": rag})
            ws.cell(row=r, column=5).fill = _fill(fills[rag])
        ws.merge_cells(start_row=first, start_column=1, end_row=w.row, end_column=1)
    _save(wb, path)
    return exp


# ================================================================== 20. none of these

def contacts_list(path: Path) -> Expected:
    """A stakeholder contacts list: a table, but of no kind xlplan reads."""
    exp = Expected()
    wb = Workbook()
    ws = wb.active
    ws.title = "Contacts"
    exp.sheets["Contacts"] = OTHER
    ws.append(["Programme stakeholder contacts"])
    ws.append(["Name", "Job title", "Organisation", "Email", "Phone", "Board member?"])
    for row in [
            ("Gareth Lloyd", "Director of Strategy", "Hywel Dda UHB", "g.lloyd@example.nhs.uk",
             "01267 000000", "Yes"),
            ("Aisha Rahman", "Programme Manager", "Carmarthenshire County Council",
             "arahman@example.gov.uk", "01267 000001", "No"),
            ("Dr Owen Jenkins", "Clinical Lead", "Tywi Valley PCN", "o.jenkins@example.nhs.uk",
             "01558 000002", "Yes"),
            ("Bethan Morgan", "Head of Service", "Carmarthenshire County Council",
             "bmorgan@example.gov.uk", "01267 000003", "No")]:
        ws.append(list(row))
    _save(wb, path)
    return exp


def budget_sheet(path: Path) -> Expected:
    """A budget monitoring sheet with a forecast column, totals and a second sheet of notes:
    no plan, register or scorecard."""
    exp = Expected()
    wb = Workbook()
    ws = wb.active
    ws.title = "Budget 2023-24"
    exp.sheets["Budget 2023-24"] = OTHER
    ws.append(["Better Care Fund - budget monitoring, month 8"])
    ws.append([])
    ws.append(["Cost centre", "Scheme", "Annual budget \u00a3", "Spend to date \u00a3",
               "Forecast outturn \u00a3", "Variance \u00a3", "Budget holder"])
    for row in [("BC101", "Reablement", 2_450_000, 1_610_230, 2_470_000, -20_000, "Paul Edge"),
                ("BC102", "Disabled Facilities Grant", 3_120_000, 1_204_554, 2_900_000, 220_000,
                 "Jenny Marsh"),
                ("BC103", "Carers' support", 640_000, 431_980, 652_000, -12_000,
                 "Head of Commissioning"),
                ("BC104", "Falls prevention", 310_000, 199_000, 305_000, 5_000, "Andrew Tait")]:
        ws.append(list(row))
    ws.append(["Total", None, 6_520_000, 3_445_764, 6_327_000, 193_000])
    notes = wb.create_sheet("Notes")
    exp.sheets["Notes"] = OTHER
    notes.append(["Variance: positive = underspend"])
    notes.append(["Figures exclude the iBCF grant"])
    _save(wb, path)
    return exp


# ================================================================== the catalogue

LAYOUTS: dict[str, Callable[[Path], Expected]] = {
    "council_corporate_register": council_corporate_register,
    "icb_register": icb_register,
    "raid_sheet_per_type": raid_sheet_per_type,
    "raid_type_column": raid_type_column,
    "probability_register": probability_register,
    "nhs_word_matrix_register": nhs_word_matrix_register,
    "programme_register_three_ratings": programme_register_three_ratings,
    "action_tracker": action_tracker,
    "improvement_plan_sections": improvement_plan_sections,
    "milestone_plan": milestone_plan,
    "cqc_action_plan": cqc_action_plan,
    "send_written_statement": send_written_statement,
    "colour_rag_plan": colour_rag_plan,
    "furnished_action_template": furnished_action_template,
    "furnished_risk_template": furnished_risk_template,
    "kpi_scorecard": kpi_scorecard,
    "monthly_performance": monthly_performance,
    "one_cell_rating_register": one_cell_rating_register,
    "kpi_long_extract": kpi_long_extract,
    "contacts_list": contacts_list,
    "budget_sheet": budget_sheet,
}


def write_layouts(folder: Path, layouts: dict, names: Iterable[str] | None = None
                  ) -> dict[str, tuple[Path, Expected]]:
    """Write each named layout of ``layouts`` (all by default) to ``folder/<name>.xlsx``;
    return its path and its reading."""
    out = {}
    for name in (layouts if names is None else names):
        path = folder / f"{name}.xlsx"
        out[name] = (path, layouts[name](path))
    return out


def write_all(folder: Path, names: Iterable[str] = LAYOUTS) -> dict[str, tuple[Path, Expected]]:
    """Write each named layout to ``folder/<name>.xlsx``; return its path and its reading."""
    return write_layouts(folder, LAYOUTS, names)
