"""Workbooks laid out the way other people keep them, built by code (no file is copied).

Each builder reproduces one pattern seen in action trackers, policy plans, RAID logs and
council trackers written without a shared template: a header that is no alias, banners over
repeated headers, template furniture (pre-numbered rows, a dropdown's list in a column with no
header), legends and notes under the table, a two-row header. The seed 003 pledges tracker
(Appendix 7) is rebuilt from the seed's own text, copied below.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import PatternFill

GREEN = PatternFill(fill_type="solid", start_color="FF92D050", end_color="FF92D050")


def save(wb: Workbook, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


# ------------------------------------------------------------------ an action tracker (flat)
TRACKER_HEADER = ["S.No", "Task Category", "Task Description", "Owner", "Status", "Remarks"]
TRACKER_ROWS = [
    (1.0, "General", "Project folder in the shared drive", "Thiru", "Completed", ""),
    (2.0, "Technology", "Architecture draft finalisation", "Vasu/Thiru", "In progress", "Draft"),
    (3.0, "Technology", "First level technology evaluation", "Vasu/Thiru", "In progress", ""),
    (4.0, "ETL", "File formats supported by small systems", "Thiru", "", ""),
    (5.0, "Approach Document", "Customer portal", "", "", "Use case flow"),
    (6.0, "Approach Document", "Subscription module", "", "", ""),
    (7.0, "Resources", "Identify infrastructure resources", "Vasu", "On hold", ""),
]


def action_tracker(path: Path) -> Path:
    """Header on row 1 from column B; numbered rows; a workflow Status (no RAG column)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Action Tracker"
    ws.append(["", *TRACKER_HEADER])
    for row in TRACKER_ROWS:
        ws.append(["", *row])
    return save(wb, path)


# ------------------------------------------------------- a policy plan in banner sections
POLICY_HEADER = ["Action", "Responsible Person", "Deadline", "Resources Needed",
                 "Success Criteria"]
POLICY_SECTIONS = [
    ("Work Remotely Policy", [
        ("Create a remote work permit form", "younes", "20/2/2025", "", "DONE"),
        ("Configure secure remote access methods", "younes", "", "", "Access established"),
        ("Review and update the policy annually", "", "", "", "Policy updated as needed"),
    ]),
    ("3. Acceptable Use Policy", [
        ("Define prohibited activities in the policy", "younes", "20/2/2025", "Template",
         "DONE"),
        ("Distribute the policy to all employees", "younes", "20/2/2026", "Email list", "DONE"),
    ]),
    ("Information Classification Policy", [
        ("Classification criteria", "younes", "27/2/2025", "form to be designed", ""),
    ]),
    ("10. Email Usage Policy", [
        ("Define acceptable email usage", "younes", "27/2/2025", "Policy template",
         "Guidelines documented"),
        ("Block spam and phishing emails", "younes", "ongoing", "Filtering tools",
         "Emails blocked"),
        ("Review and update the policy annually", "IT Director", "ongoing", "Checklist",
         "Policy updated as needed"),
    ]),
]


def policy_plan(path: Path) -> Path:
    """Each section: a one-cell banner (numbered or not), the header again, its actions, then
    blank rows. The first banner sits above the first header."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for i, (banner, rows) in enumerate(POLICY_SECTIONS):
        ws.append([banner])
        if i:
            ws.append([])  # some sections have a blank row between banner and header
        ws.append(POLICY_HEADER)
        for row in rows:
            ws.append(list(row))
        ws.append([])
        ws.append([])
    return save(wb, path)


def policy_expected() -> list[tuple[str, str]]:
    """(theme, action) of every action of :func:`policy_plan`, in order."""
    return [(banner, row[0]) for banner, rows in POLICY_SECTIONS for row in rows]


# ---------------------------------------------------------- a RAID log on a company template
RAID_HEADER = ["RAID Category", "Description", "Impact", "Mitigation", "Owner", "Priority",
               "RPN (for risks)", "Status"]
RAID_ROWS = [
    ("Risk", "Delay in getting the data needed", "Effects on the timeline",
     "Ensure the data is available early", "Project Manager", "High", "", "Open"),
    ("Risk", "Extended supply delivery timelines", "Impact on schedule",
     "Select vendors with short lead times", "Project Manager", "Critical", "", "Closed"),
    ("Risk", "Risk of data loss while handling files", "Accuracy of results", "",
     "Data Analyst Intern", "Moderate", "", "Closed"),
    ("Issue", "The project is constrained by licences", "Might delay delivery", "",
     "Data Analyst Intern", "Low", "", "Closed"),
    ("Assumption", "Open-source tools will be enough", "Risk of delivery delay", "",
     "Data Analyst Intern", "High", "", "Closed"),
]
RAID_CHOICES = ["Risk", "Assumption", "Issue", "Dependency", "Closed", "", "Critical", "High",
                "Moderate", "Low", "Negligible"]
RAID_HEADER_ROW = 8  # Excel row
RAID_NUMBERED_TO = 24


def raid_log(path: Path) -> Path:
    """Title and document-control blocks and a KPI block above a header on row 8 (from column
    B; column A numbers the rows and has no header); rows numbered in advance up to 24 and
    left empty; the dropdowns' source list typed in column J, which has no header."""
    wb = Workbook()
    ws = wb.active
    ws.title = "RAID LOG"
    ws.append(["", "RAID Log", "Should you face any difficulty, contact the PMO", "", "", "",
               "", "", "", "", "", "", "Total", "Critical"])
    ws.append(["", "", "", "", "", "", "", "", "", "", "", "Risk", 3, 0])
    ws.append(["", "Project title:", "Socio-economic research", "", "Project Id:", "ICA 25",
               "Project Manager:", "H. Topale", "", "", "", "Assumption", 1, 0])
    ws.append(["", "", "", "", "", "", "", "", "", "", "", "Issue", 1, 0])
    ws.append(["", "DOCUMENT VERSION:", "", "", "Last Updated date:", "2025-04-18",
               "Project Team Lead:", "ABC", "", "", "", "Dependency", 0, 0])
    ws.append(["", "Select ...", "", "", "", "", "Select ...", "Risk Priority Number",
               "Open/Closed", "", "", "", 5])
    ws.append([])
    ws.append(["", *RAID_HEADER])
    for n in range(1, RAID_NUMBERED_TO + 1):
        i = n - 1
        data = list(RAID_ROWS[i]) if i < len(RAID_ROWS) else [""] * len(RAID_HEADER)
        choice = RAID_CHOICES[i] if i < len(RAID_CHOICES) else ""
        ws.append([float(n), *data, choice])
    return save(wb, path)


# --------------------------------------------- legends, totals, notes and references below
LEGEND_HEADER = ["Ref", "Action", "Lead", "Due date", "RAG"]
LEGEND_ROWS = [
    ("1", "Recruit two care coordinators", "Ann James", "Oct-18", "Green"),
    ("2", "Open the wellbeing hub", "Ruth Harrell", "Mar-19", "Amber"),
    ("3", "Publish the loneliness action plan", "Rachel Silcock", "Dec-18", "Red"),
]
FURNITURE = [
    ["Total", "3 actions", "", "", ""],
    [],
    ["Key:"],
    ["Green", "On track"],
    ["Amber", "Some risk to delivery"],
    ["Red", "Off track"],
    [],
    ["Source: programme office return, month 6"],
    [],
    ["1. CQC local system review, May 2018"],
    ["2. Plymouth Commissioning Intentions 2018-20"],
]


def plan_with_furniture(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Plan"
    ws.append(["Improvement plan 2018/19"])
    ws.append([])
    ws.append(LEGEND_HEADER)
    for row in LEGEND_ROWS:
        ws.append(list(row))
    for row in FURNITURE:
        ws.append(row)
    return save(wb, path)


# ------------------------------------------------------------------- a two-row header
def grouped_register(path: Path) -> Path:
    """A risk register whose ratings sit under "Initial" / "Current" group labels merged
    across Likelihood / Impact / Score; Ref and Risk are merged down over both rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Risks"
    ws.append(["Corporate risk register"])
    ws.append(["Ref", "Risk", "Owner", "Initial", "", "", "Current", "", ""])
    ws.append(["", "", "", "Likelihood", "Impact", "Score", "Likelihood", "Impact", "Score"])
    ws.append(["R1", "Market failure in domiciliary care", "Craig McArdle", 4, 5, 20, 3, 4, 12])
    ws.append(["R2", "Workforce shortages", "Ann James", 4, 4, 16, 4, 3, 12])
    for rng in ("A2:A3", "B2:B3", "C2:C3", "D2:F2", "G2:I2"):
        ws.merge_cells(rng)
    return save(wb, path)


# ------------------------------------------------- seed 003, Appendix 7: the pledges tracker
PLEDGES_TITLE = "APPENDIX 7 \u2013 DELIVERING COUNCIL PLEDGES"
PLEDGES_HEADER = ["No", "Theme", "Pledge (Top Pledges Highlighted in green)", "Portfolio Holder",
                  "Lead Department", "Strategic / Service Director", "Lead Officer"]
#: The seed's rows, page by page (the header is repeated at the top of each page).
PLEDGES_PAGES = [
    [
        ("41", "Health and Adult Social Care", "We will continue to reduce the use of "
         "institutional placements for children and adults with complicated needs or "
         "challenging behaviour. We will support more people to remain living in their own "
         "communities, close to their friends and family, to enjoy their rights as full "
         "citizens.", "Ian Tuffin", "People - Retained Client Function", "Craig McArdle",
         "Anna Coles"),
        ("46", "Children and Young People", "Mental health care for young people is a growing "
         "crisis in our city. We will work with the NHS to expand the support available to "
         "schools and young people to tackle this crisis and fight for more Government "
         "funding to support provision of services for adults.", "Sue McDonald",
         "People - Strategic Co-operative Commissioning", "Craig McArdle", "Emma Crowther"),
        ("46", "Children and Young People", "Mental health care for young people is a growing "
         "crisis in our city. We will work with the NHS to expand the support available to "
         "schools and young people to tackle this crisis and fight for more Government "
         "funding to support provision of services for adults.", "Ian Tuffin",
         "People - Strategic Co-operative Commissioning", "Craig McArdle", "Anna Coles"),
        ("50", "Health and Adult Social Care", "We will oppose the fragmentation of the NHS. We "
         "want to strengthen the NHS and social care system, not privatise it. We will take "
         "immediate steps to call a Health and Social Care Summit to address the crisis in "
         "provision in our city. This will include primary care concerns raised by voters "
         "about access to GPs and dentists.", "Ian Tuffin",
         "People - Strategic Co-operative Commissioning", "Craig McArdle", "Anna Coles"),
    ],
    [
        ("51", "Health and Adult Social Care", "We will continue to train Council staff in "
         "dementia awareness and encourage other public bodies to do the same.", "Ian Tuffin",
         "People - Strategic Co-operative Commissioning", "Craig McArdle", "Rachel Silcock"),
        ("52", "Health and Adult Social Care", "We will sign up to the UNISON ethical care "
         "charter, which provides for proper standards of care for vulnerable people in their "
         "own homes. We will also consult our city's older citizens to develop a charter for "
         "older people in Plymouth that will cover the full range of services they use.",
         "Ian Tuffin", "People - Retained Client Function", "Craig McArdle",
         "Caroline Paterson"),
        ("53", "Health and Adult Social Care", "With child and adult care providers, charities "
         "and others, we will examine the benefits and feasibility of intergenerational care "
         "facilities with care being provided on the same site bringing older and younger "
         "people together.", "Ian Tuffin", "People - Strategic Co-operative Commissioning",
         "Craig McArdle", "Caroline Paterson"),
        ("55", "Health and Adult Social Care", "Loneliness is a growing problem, and its effects "
         "were highlighted by the late Jo Cox MP. Far too many people in Plymouth face life in "
         "isolation without human contact. We will work with charities, social care providers "
         "and others to publish an action plan to ease loneliness.", "Ian Tuffin",
         "People - Strategic Co-operative Commissioning", "Craig McArdle", "Rachel Silcock"),
    ],
    [
        ("56", "Health and Adult Social Care", "Studies show increased physical and mental "
         "health benefits as a result of increased social interaction between generations. We "
         "will enable schools and child care providers to forge links with residential homes, "
         "community centres and senior citizen's clubs to build mutually beneficial "
         "relationships between younger and older people.", "Ian Tuffin",
         "People - Strategic Co-operative Commissioning", "Craig McArdle",
         "Emma Crowther/ Caroline Paterson"),
        ("57", "Health and Adult Social Care", "We will adopt the 'safer places scheme' that "
         "provides people with learning disabilities with a safe place to go if they feel "
         "anxious, or face verbal abuse, harassment or bullying.", "Ian Tuffin",
         "People - Strategic Co-operative Commissioning", "Craig McArdle", "Cliff Morgan"),
        ("58", "Health and Adult Social Care", "The staff at Derriford Hospital and in our NHS "
         "do a superb job, but there is far too much demand and not enough of them. We will "
         "work with health partners to provide more care in local communities to help prevent "
         "admission to hospital. When someone has been in Derriford or Mount Gould we will "
         "seek to speed up their discharge and receive care in their own home or other care "
         "setting by working to integrate services better.", "Ian Tuffin",
         "People - Strategic Co-operative Commissioning", "Craig McArdle",
         "Elaine Fitzsimmons"),
    ],
]
#: Pledges the tracker highlights in green (its "top pledges"): a highlight, not a RAG.
TOP_PLEDGES = {"46", "55", "58"}


def pledges_tracker(path: Path) -> Path:
    """Appendix 7 as the council keeps it: a title, then per page the header and its rows,
    a blank row between pages; the top pledges' cells filled green."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Appendix 7"
    ws.append([PLEDGES_TITLE])
    ws.append([])
    for page in PLEDGES_PAGES:
        ws.append(PLEDGES_HEADER)
        for row in page:
            ws.append([int(row[0]), *row[1:]])
            if row[0] in TOP_PLEDGES:
                for c in range(1, len(row) + 1):
                    ws.cell(ws.max_row, c).fill = GREEN
        ws.append([])
    return save(wb, path)


def pledges_rows() -> list[tuple]:
    return [row for page in PLEDGES_PAGES for row in page]
