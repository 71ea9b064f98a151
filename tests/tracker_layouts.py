"""Action trackers and logs as teams keep them when nobody gave them a template.

Each function writes one workbook in a layout met in programme offices, boards and teams --
a meeting action log under a title, an action log with its closed actions, guidance and a
hidden dropdown list, exports from Microsoft Planner and Jira, an Excel table, an NHS
improvement plan with section banners and a BRAG column, status words and fill colours
instead of a RAG, dates written as text, a two-row header, a total line and notes under the
table -- and returns what a person reading it would say it holds (see
:mod:`tests.partner_layouts`, whose :class:`~tests.partner_layouts.Writer` records each row as
data or furniture as it is written, so the reading cannot drift from the workbook).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.table import Table, TableStyleInfo

from tests.partner_layouts import ACTION_PLAN, OTHER, Expected, Has, Writer, _fill, _save, \
    write_layouts

FILLS = {"Green": "00B050", "Amber": "FFC000", "Red": "FF0000", "Complete": "0070C0"}


def meeting_action_log(path: Path) -> Expected:
    """A board's running action log: title, "Last updated" line, header on row 4 ("Meeting
    date | Item | Action | Lead | By when | Update | RAG"), a blank row between meetings,
    dates as text ("w/c 12 Jan", "TBC", "Ongoing", "31/03/25") and a note under the table."""
    exp = Expected(forbidden=("header-not-found",))
    wb = Workbook()
    ws = wb.active
    ws.title = "Actions"
    w = Writer(ws, exp, ACTION_PLAN)
    w.title("Children's Partnership Board - Action Log", merge_to=7)
    w.title("Last updated: 03/02/2025", bold=False)
    w.blank()
    w.header(["Meeting date", "Item", "Action", "Lead", "By when", "Update", "RAG"])
    meetings = [
        (dt.datetime(2024, 12, 9), [
            ("4", "Circulate the revised early help offer to schools", "J. Okafor",
             "w/c 12 Jan", "Sent to heads' forum", "G"),
            ("5", "Bring SEND sufficiency figures to the next board", "Head of SEND", "TBC",
             None, "A"),
        ]),
        (dt.datetime(2025, 1, 13), [
            ("2", "Agree the joint commissioning plan for short breaks", "M. Patel",
             "31/03/25", "Draft with finance", "R"),
            ("3", "Refresh the partnership risk register", "Board secretary", "Ongoing",
             "Standing item", "Complete"),
            ("6", "Arrange a development session on family hubs", "J. Okafor", "Feb 2025",
             None, "G"),
        ]),
    ]
    rag = {"G": "Green", "A": "Amber", "R": "Red", "Complete": "Complete"}
    for m, (date, items) in enumerate(meetings):
        if m:
            w.blank()
        for i, (item, action, lead, when, update, r) in enumerate(items):
            w.data([date, item, action, lead, when, update, r],
                   expect={"text": action, "sro": lead, "rag": rag[r], "timeframe": when}
                   if (m, i) in ((0, 1), (1, 0), (1, 1)) else None)
    w.blank()
    w.title("RAG key: G = on track, A = some slippage, R = off track", bold=False)
    _save(wb, path)
    return exp


def action_log_workbook(path: Path) -> Expected:
    """An action log workbook: "Action Log" (ID, Date Raised, Action/Description, Owner, Due
    Date, Status, Comments, Date Closed) with frozen panes and a filter, "Closed actions" in
    the same shape, a "Guidance" sheet of prose and a hidden "Lists" sheet of dropdown
    values."""
    exp = Expected(forbidden=("header-not-found", "unknown-rag"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Action Log"
    header = ["ID", "Date Raised", "Action/Description", "Owner", "Due Date", "Status",
              "Comments", "Date Closed"]
    w = Writer(ws, exp, ACTION_PLAN)
    w.header(header)
    open_rows = [
        ("A001", "Confirm the go-live date for the new case management system", "Priya Shah",
         dt.datetime(2025, 2, 28), "In progress", "Supplier slot held"),
        ("A002", "Issue the staff briefing on the restructure", "HR Business Partner",
         dt.datetime(2025, 1, 31), "Open", None),
        ("A003", "Cleanse the legacy contacts data", "Data Team", dt.datetime(2025, 3, 14),
         "Not started", None),
        ("A004", "Agree the training plan with team leaders", "Priya Shah",
         dt.datetime(2025, 2, 14), "In progress", "Two of five teams done"),
        ("A005", "Sign off the data protection impact assessment", "DPO",
         dt.datetime(2025, 2, 7), "Open", "With IG for review"),
    ]
    for i, (ref, text, owner, due, status, note) in enumerate(open_rows):
        w.data([ref, dt.datetime(2025, 1, 6), text, owner, due, status, note, None],
               expect={"ref": ref, "text": text, "sro": owner, "rag": "",
                       "due_date": due.date(), "kept": [status]} if i in (0, 2) else None)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:H{w.row}"
    ws2 = wb.create_sheet("Closed actions")
    w2 = Writer(ws2, exp, ACTION_PLAN)
    w2.header(header)
    closed = [
        ("A000", "Set up the project board and terms of reference", "Programme Manager"),
        ("A00a", "Book the supplier demonstration", "Priya Shah"),
    ]
    for i, (ref, text, owner) in enumerate(closed):
        w2.data([ref, dt.datetime(2024, 11, 4), text, owner, dt.datetime(2024, 12, 1),
                 "Closed", "Done", dt.datetime(2024, 11, 28)],
                expect={"text": text, "sro": owner, "kept": ["Closed"]} if i == 0 else None)
    guide = wb.create_sheet("Guidance")
    exp.sheets["Guidance"] = OTHER
    for r, text in enumerate([
            "How to use this log",
            "Add each new action on the next free row of the Action Log sheet.",
            "Give every action one named owner and a due date.",
            "When an action is finished, set its status to Closed, add the date closed and "
            "move the row to the Closed actions sheet.",
            "Status values come from the dropdown: Open, In progress, Not started, Closed."],
            start=1):
        guide.cell(row=r, column=1, value=text)
    # A hidden sheet is not read (it is said, with a hidden-sheet issue): no kind for it.
    lists = wb.create_sheet("Lists")
    lists.sheet_state = "hidden"
    lists["A1"], lists["B1"] = "Status", "Owner"
    for r, (s, o) in enumerate([("Open", "Priya Shah"), ("In progress", "Data Team"),
                                ("Not started", "DPO"), ("Closed", "HR Business Partner")],
                               start=2):
        lists.cell(row=r, column=1, value=s)
        lists.cell(row=r, column=2, value=o)
    _save(wb, path)
    return exp


def planner_export(path: Path) -> Expected:
    """A Microsoft Planner export: plan name, id and export date above a blank row, then Task
    ID, Task Name, Bucket Name, Progress, Priority, Assigned To, Created By, Created Date,
    Start date, Due date, Is Recurring, Late, Completed Date, Completed By, Checklist Items,
    Labels, Description (dates as dd/mm/yyyy text, several assignees in one cell)."""
    exp = Expected(forbidden=("header-not-found", "unknown-rag"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Tasks"
    w = Writer(ws, exp, ACTION_PLAN)
    w.furniture(["Plan name", "Digital Inclusion Programme"])
    w.furniture(["Plan ID", "pl4nX9_aQ0-2k3LmNoPqR"])
    w.furniture(["Date of export", "14/01/2025"])
    w.blank()
    w.header(["Task ID", "Task Name", "Bucket Name", "Progress", "Priority", "Assigned To",
              "Created By", "Created Date", "Start date", "Due date", "Is Recurring", "Late",
              "Completed Date", "Completed By", "Completed Checklist Items", "Checklist Items",
              "Labels", "Description"])
    tasks = [
        ("Recruit digital champions in each library", "Community", "In progress", "Important",
         "Aisha Khan;Tom Reed", "06/01/2025", "28/02/2025", "false", "", "Digital skills"),
        ("Launch the device lending scheme", "Devices", "Not started", "Medium",
         "Tom Reed", "", "31/03/2025", "false", "", ""),
        ("Publish the connectivity survey results", "Insight", "Completed", "Urgent",
         "Aisha Khan", "02/12/2024", "20/12/2024", "false", "18/12/2024", "Reporting"),
        ("Map free wifi sites across the borough", "Insight", "In progress", "Low",
         "Data Officer", "09/12/2024", "10/01/2025", "true", "", ""),
        ("Agree data sharing with the housing association", "Devices", "Not started",
         "Important", "", "", "", "false", "", ""),
    ]
    for i, (name, bucket, progress, prio, who, start, due, late, done, label) in \
            enumerate(tasks):
        w.data([f"tk{i:03d}Xa9", name, bucket, progress, prio, who, "Aisha Khan",
                "02/12/2024", start, due, "false", late, done, "Aisha Khan" if done else "",
                "0/0", "", label, "See programme plan" if i == 0 else ""],
               expect={"text": name, "sro": who, "timeframe": due, "theme": bucket,
                       "kept": [progress], "complete": progress == "Completed",
                       "updates": ""} if i in (0, 2, 4) else None)
    _save(wb, path)
    return exp


def jira_export(path: Path) -> Expected:
    """A Jira search export: Issue key, Issue id, Summary, Issue Type, Status, Priority,
    Assignee, Reporter, Created, Updated, Due date, Resolution; statuses To Do / In Progress /
    Done, datetimes, blank assignees."""
    exp = Expected(forbidden=("header-not-found", "unknown-rag"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Jira"
    w = Writer(ws, exp, ACTION_PLAN)
    w.header(["Issue key", "Issue id", "Summary", "Issue Type", "Status", "Priority",
              "Assignee", "Reporter", "Created", "Updated", "Due date", "Resolution"])
    issues = [
        ("WEB-101", "Move the booking form to the new platform", "Story", "In Progress",
         "High", "Ravi Desai", dt.datetime(2025, 2, 14), ""),
        ("WEB-102", "Accessibility audit of the payments pages", "Task", "To Do", "Medium",
         "", dt.datetime(2025, 3, 7), ""),
        ("WEB-103", "Fix the broken postcode lookup", "Bug", "Done", "Highest",
         "Lena Fischer", None, "Done"),
        ("WEB-104", "Write the content style guide", "Task", "To Do", "Low",
         "Content Designer", dt.datetime(2025, 4, 30), ""),
    ]
    for i, (key, summary, typ, status, prio, who, due, res) in enumerate(issues):
        w.data([key, 10000 + i, summary, typ, status, prio, who, "Lena Fischer",
                dt.datetime(2025, 1, 6, 9, 30 + i), dt.datetime(2025, 1, 20, 16, 5), due, res],
               expect={"ref": key, "text": summary, "sro": who, "kept": [status, prio],
                       "theme": ""}
               if i in (0, 1, 2) else None)
    _save(wb, path)
    return exp


def excel_table_tracker(path: Path) -> Expected:
    """An Excel table (ListObject) "Task | Assigned to | Start | End | % Complete | Priority |
    Notes" with a heading above it and percentages as numbers."""
    exp = Expected(forbidden=("header-not-found",))
    wb = Workbook()
    ws = wb.active
    ws.title = "Tracker"
    w = Writer(ws, exp, ACTION_PLAN)
    w.title("Office move - task tracker")
    w.blank()
    top = w.header(["Task", "Assigned to", "Start", "End", "% Complete", "Priority", "Notes"])
    tasks = [
        ("Confirm floor plan with facilities", "Facilities Manager", 0, 1.0, "High",
         "Signed off"),
        ("Order new desks and chairs", "Procurement", 5, 0.5, "High", "PO raised"),
        ("Book removal company", "Office Manager", 10, 0.0, "Medium", None),
        ("Set up network and phones", "IT Service Desk", 20, 0.25, "High",
         "Cabling survey done\nSwitches on order"),
        ("Brief staff on the new seating plan", "Office Manager", 30, 0.0, "Low", None),
    ]
    start = dt.datetime(2025, 1, 6)
    for i, (task, who, offset, pct, prio, note) in enumerate(tasks):
        end = start + dt.timedelta(days=offset + 14)
        r = w.data([task, who, start + dt.timedelta(days=offset), end, pct, prio, note],
                   expect={"text": task, "sro": who, "due_date": end.date()}
                   if i in (0, 3) else None)
        ws.cell(row=r, column=5).number_format = "0%"
        ws.cell(row=r, column=7).alignment = Alignment(wrap_text=True)
    table = Table(displayName="Tasks", ref=f"A{top}:G{w.row}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    _save(wb, path)
    return exp


def nhs_improvement_plan(path: Path) -> Expected:
    """A trust's improvement plan: "Recommendation | Action | Lead | Timescale | Evidence of
    progress | BRAG", section banners merged across ("Safe", "Well-led"), the recommendation
    merged down over its actions, BRAG letters and "Q3 2024/25" timescales."""
    exp = Expected(forbidden=("header-not-found", "unknown-rag"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Improvement Plan"
    w = Writer(ws, exp, ACTION_PLAN)
    w.title("Maternity Services Improvement Plan", merge_to=6)
    w.title("Version 3 - for Quality Committee, January 2025", bold=False)
    w.header(["Recommendation", "Action", "Lead", "Timescale", "Evidence of progress", "BRAG"])
    brag = {"B": "Complete", "G": "Green", "A": "Amber", "R": "Red"}
    sections = [
        ("Safe", [
            ("R1. The trust must ensure staff complete mandatory training", [
                ("Set up a training compliance dashboard by ward", "Head of Midwifery",
                 "Q3 2024/25", "Dashboard live", "B"),
                ("Release staff for PROMPT training each month", "Practice Educator",
                 "Q4 2024/25", "60% compliance", "A"),
            ]),
            ("R2. The trust should review the triage process", [
                ("Introduce the BSOTS triage system", "Consultant Midwife", "31/03/2025",
                 None, "R"),
            ]),
        ]),
        ("Well-led", [
            ("R3. The trust must strengthen governance of incidents", [
                ("Hold a weekly incident review meeting", "Clinical Director", "Ongoing",
                 "Meeting in place since Nov", "G"),
                ("Audit the closure of incident actions", "Governance Lead", "Q1 2025/26",
                 None, "G"),
            ]),
        ]),
    ]
    for section, recs in sections:
        r = w.furniture([section])
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=6)
        for rec, actions in recs:
            first = w.row + 1
            for i, (action, lead, when, evidence, b) in enumerate(actions):
                w.data([rec if i == 0 else None, action, lead, when, evidence, b],
                       expect={"text": action, "sro": lead, "rag": brag[b],
                               "timeframe": when, "theme": section}
                       if action.startswith(("Set up", "Introduce", "Hold")) else None)
            if w.row > first:
                ws.merge_cells(start_row=first, start_column=1, end_row=w.row, end_column=1)
    _save(wb, path)
    return exp


def status_word_tracker(path: Path) -> Expected:
    """A tracker whose "Status" column says On track / At risk / Off track / Delayed /
    Ongoing / Complete / Blue, with a "Total open: 12" line and a note under the table."""
    exp = Expected(forbidden=("header-not-found",))
    wb = Workbook()
    ws = wb.active
    ws.title = "Tracker"
    w = Writer(ws, exp, ACTION_PLAN)
    w.title("Estates Strategy Delivery Tracker")
    w.header(["Ref", "Action", "Owner", "Due", "Status", "Latest update"])
    rows = [
        ("E1", "Dispose of the former depot site", "Head of Estates", "Q3 2024/25",
         "On track", "Buyer selected"),
        ("E2", "Complete condition surveys of all schools", "Surveying Manager", "31/03/25",
         "At risk", "Contractor capacity"),
        ("E3", "Consolidate the two civic offices", "Head of Estates", "TBC", "Off track",
         None),
        ("E4", "Install LED lighting across the leisure centres", "Energy Manager", "Q1 2025/26",
         "Delayed", "Awaiting grant decision"),
        ("E5", "Review leases due for renewal", "Lease Officer", "Ongoing", "Ongoing", None),
        ("E6", "Adopt the corporate landlord model", "Director of Resources", "01/10/24",
         "Complete", "Approved by Cabinet"),
        ("E7", "Transfer the community hall to the parish", "Lease Officer", "w/c 12 Jan",
         "Blue", None),
    ]
    for i, (ref, action, owner, due, status, update) in enumerate(rows):
        w.data([ref, action, owner, due, status, update],
               expect={"ref": ref, "text": action, "sro": owner, "timeframe": due,
                       "kept": [status]} if i in (0, 3, 4) else None)
    w.furniture(["Total open: 5"])
    w.blank()
    w.title("Blue = complete and closed. Update monthly before the Estates Board.", bold=False)
    _save(wb, path)
    return exp


def fill_colour_rag(path: Path) -> Expected:
    """A plan whose RAG is only the fill colour of its "RAG" cells, with a hidden column, a
    frozen header and multi-line actions."""
    exp = Expected(forbidden=("header-not-found", "unknown-rag"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Plan"
    w = Writer(ws, exp, ACTION_PLAN)
    w.header(["No.", "Internal code", "Workstream", "Action", "Owner", "Target date", "RAG",
              "Comments"])
    rows = [
        ("1", "WS-A", "Workforce", "Recruit 10 newly qualified social workers\n(two cohorts)",
         "Principal Social Worker", dt.datetime(2025, 3, 31), "Green"),
        ("2", "WS-A", "Workforce", "Reduce agency use to under 15%", "Head of Service",
         dt.datetime(2025, 6, 30), "Amber"),
        ("3", "WS-B", "Practice", "Embed the new supervision policy", "Practice Lead",
         dt.datetime(2024, 12, 31), "Complete"),
        ("4", "WS-B", "Practice", "Audit 40 case files a month", "QA Manager",
         dt.datetime(2025, 2, 28), "Red"),
    ]
    for i, (no, code, ws_name, action, owner, due, rag) in enumerate(rows):
        r = w.data([no, code, ws_name, action, owner, due, None, "See board report"],
                   expect={"text": action, "sro": owner, "rag": rag, "theme": ws_name}
                   if i in (0, 2, 3) else None)
        ws.cell(row=r, column=7).fill = _fill(FILLS[rag])
        ws.cell(row=r, column=4).alignment = Alignment(wrap_text=True)
    ws.column_dimensions["B"].hidden = True
    ws.freeze_panes = "D2"
    _save(wb, path)
    return exp


def grouped_progress_header(path: Path) -> Expected:
    """Two header rows: "Progress" merged over "Status | Update", the other headers merged
    down over both rows; blank rows between groups and a total line at the bottom."""
    exp = Expected(forbidden=("header-not-found",))
    wb = Workbook()
    ws = wb.active
    ws.title = "Action plan"
    w = Writer(ws, exp, ACTION_PLAN)
    w.title("Homelessness Reduction Action Plan")
    w.blank()
    top = w.header(["Ref", "Action", "Action owner", "Deadline", "Progress", None])
    w.header([None, None, None, None, "Status", "Update"])
    for c in range(1, 5):
        ws.merge_cells(start_row=top, start_column=c, end_row=top + 1, end_column=c)
    ws.merge_cells(start_row=top, start_column=5, end_row=top, end_column=6)
    groups = [
        [("H1", "Open a second night shelter for winter", "Housing Options Manager",
          dt.datetime(2024, 11, 30), "Complete", "Opened 18 Nov"),
         ("H2", "Agree a protocol with the prison for release dates", "Pathways Lead",
          dt.datetime(2025, 1, 31), "In progress", "Draft with the prison")],
        [("H3", "Recruit two tenancy sustainment officers", "Housing Options Manager",
          dt.datetime(2025, 3, 31), "Not started", None),
         ("H4", "Publish the refreshed allocations policy", "Policy Officer",
          dt.datetime(2025, 2, 28), "At risk", "Consultation extended")],
    ]
    for g, rows in enumerate(groups):
        if g:
            w.blank()
        for i, (ref, action, owner, due, status, update) in enumerate(rows):
            w.data([ref, action, owner, due, status, update],
                   expect={"ref": ref, "text": action, "sro": owner, "updates": update or "",
                           "kept": [status]} if i == 1 or (g, i) == (1, 0) else None)
    w.blank()
    w.furniture(["Total actions: 4", None, None, None, "Open: 3"])
    _save(wb, path)
    return exp


def to_do_list(path: Path) -> Expected:
    """A team's to-do list: "# | To do | Who | When | Done?" with Y / N."""
    exp = Expected(forbidden=("header-not-found", "unknown-rag"))
    wb = Workbook()
    ws = wb.active
    ws.title = "To do"
    w = Writer(ws, exp, ACTION_PLAN)
    w.header(["#", "To do", "Who", "When", "Done?"])
    rows = [("Book venue for the away day", "Sam", "Fri", "Y"),
            ("Send the agenda to the team", "Jo", "w/c 20 Jan", "N"),
            ("Collect feedback forms", "Sam", "End of month", "N"),
            ("Update the team charter", "Priya", "TBC", "N")]
    for i, (task, who, when, done) in enumerate(rows):
        w.data([i + 1, task, who, when, done],
               expect={"text": task, "sro": who, "timeframe": when} if i in (0, 2) else None)
    _save(wb, path)
    return exp


def issue_action_log(path: Path) -> Expected:
    """A project's action and decision log: Raised by | Date raised | Description | Action
    owner | Target date | Status | Date closed."""
    exp = Expected(forbidden=("header-not-found", "unknown-rag"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Action log"
    w = Writer(ws, exp, ACTION_PLAN)
    w.title("Project Phoenix - action log")
    w.header(["Action ref", "Raised by", "Date raised", "Description", "Action owner",
              "Target date", "Status", "Date closed"])
    rows = [("PX-01", "Steering group", "Circulate the revised project plan", "PMO Lead",
             dt.datetime(2025, 1, 17), "Closed", dt.datetime(2025, 1, 15)),
            ("PX-02", "Steering group", "Confirm budget for phase 2", "Finance Business Partner",
             dt.datetime(2025, 2, 28), "Open", None),
            ("PX-03", "Design authority", "Decide the hosting option", "Chief Architect",
             dt.datetime(2025, 2, 14), "In progress", None)]
    for i, (ref, by, desc, owner, due, status, closed) in enumerate(rows):
        w.data([ref, by, dt.datetime(2025, 1, 8), desc, owner, due, status, closed],
               expect={"ref": ref, "text": desc, "sro": owner, "kept": [status]}
               if i in (0, 1) else None)
    _save(wb, path)
    return exp


def programme_tracker_words(path: Path) -> Expected:
    """A programme tracker: "Action Required | Responsible | Target Completion | Current
    Position | RAG Rating | Date Added", datetimes with a time, and a notes block beneath."""
    exp = Expected(forbidden=("header-not-found", "unknown-rag"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Tracker"
    w = Writer(ws, exp, ACTION_PLAN)
    w.title("Better Care Fund - Programme Tracker")
    w.title("Owner: BCF Programme Manager", bold=False)
    w.blank()
    w.header(["Action Required", "Responsible", "Target Completion", "Current Position",
              "RAG Rating", "Date Added"])
    rows = [("Agree the 2025/26 section 75 agreement", "Head of Commissioning",
             dt.datetime(2025, 3, 31, 0, 0), "Legal review under way", "Amber"),
            ("Submit the quarterly BCF return", "BCF Programme Manager",
             dt.datetime(2025, 1, 24, 17, 0), "Submitted", "Blue"),
            ("Evaluate the discharge to assess pilot", "Public Health Analyst",
             dt.datetime(2025, 5, 30, 0, 0), "Scoping", "Green"),
            ("Align the carers' offer with the ICB", "Carers Lead",
             dt.datetime(2025, 2, 28, 0, 0), "No response from ICB yet", "Red")]
    for i, (action, who, due, pos, rag) in enumerate(rows):
        w.data([action, who, due, pos, rag, dt.datetime(2024, 10, 1, 9, 15)],
               expect={"text": action, "sro": who, "rag": {"Blue": "Complete"}.get(rag, rag),
                       "updates": pos, "due_date": due.date()} if i in (0, 1, 3) else None)
    w.blank()
    w.title("Notes:", bold=False)
    w.title("RAG ratings agreed at the BCF Board on 12 December.", bold=False)
    _save(wb, path)
    return exp


def azure_devops_export(path: Path) -> Expected:
    """An Azure DevOps query export: ID | Work Item Type | Title | Assigned To | State |
    Iteration Path | Tags | Target Date, assignees written "Name <email>"."""
    exp = Expected(forbidden=("header-not-found", "unknown-rag"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Work items"
    w = Writer(ws, exp, ACTION_PLAN)
    w.header(["ID", "Work Item Type", "Title", "Assigned To", "State", "Iteration Path",
              "Tags", "Target Date"])
    rows = [
        (4211, "User Story", "Citizen can book a bulky waste collection online",
         "Dev Team <devteam@example.gov.uk>", "Active", dt.datetime(2025, 2, 21)),
        (4212, "Task", "Build the payment integration", "Ana Ruiz <ana.ruiz@example.gov.uk>",
         "New", dt.datetime(2025, 3, 7)),
        (4213, "Bug", "Confirmation email not sent for Saturday slots", "",
         "Closed", None),
        (4214, "Task", "Load test the booking API", "Ana Ruiz <ana.ruiz@example.gov.uk>",
         "Resolved", dt.datetime(2025, 2, 14)),
    ]
    for i, (wid, typ, title, who, state, due) in enumerate(rows):
        w.data([wid, typ, title, who, state, "Waste\\Sprint 12", "online; waste", due],
               expect={"ref": wid, "text": title, "sro": who, "kept": [state]}
               if i in (0, 2) else None)
    _save(wb, path)
    return exp


def action_point_log(path: Path) -> Expected:
    """A committee's action points, one sheet per meeting, the table starting in column B
    under a block of meeting details: Action Number | Action Point | Action By | Action Date
    | Action Status, with a count block ("Open actions" | 2) under the table."""
    exp = Expected(forbidden=("header-not-found", "unknown-rag"))
    wb = Workbook()
    meetings = [("Jan 25", [
        ("01/25/1", "Circulate the audit plan to members", "Head of Audit", "Feb 2025",
         "Complete"),
        ("01/25/2", "Report back on the fraud referral numbers", "Counter Fraud Manager",
         "Next meeting", "Open"),
        ("01/25/3", "Arrange training on treasury management", "Democratic Services",
         "31.03.2025", "Open"),
    ]), ("Feb 25", [
        ("02/25/1", "Add the cyber risk deep dive to the work programme", "Committee Clerk",
         "End of Q1", "Open"),
        ("02/25/2", "Share the external auditor's letter", "S151 Officer", "2025-03-14",
         "Complete"),
    ])]
    for m, (sheet, rows) in enumerate(meetings):
        ws = wb.active if m == 0 else wb.create_sheet()
        ws.title = sheet
        w = Writer(ws, exp, ACTION_PLAN)
        w.title("Audit and Governance Committee", col=2)
        w.furniture(["Meeting:", f"{sheet} meeting"], col=2)
        w.furniture(["Chair:", "Cllr A. Morgan"], col=2)
        w.blank()
        w.header(["Action Number", "Action Point", "Action By", "Action Date",
                  "Action Status"], col=2)
        for i, (ref, text, who, when, status) in enumerate(rows):
            w.data([ref, text, who, when, status], col=2,
                   expect={"ref": ref, "text": text, "sro": who, "timeframe": when,
                           "kept": [status]} if i == 1 else None)
        w.blank()
        open_n = sum(1 for r in rows if r[4] == "Open")
        w.furniture(["Open actions", open_n], col=2)
        w.furniture(["Closed actions", len(rows) - open_n], col=2)
    _save(wb, path)
    return exp


def text_dates_log(path: Path) -> Expected:
    """An action log whose due dates are typed as text in every way people type them:
    "31/03/25", "31.03.2025", "2025-03-31", "Mar-25", "March 2025", "w/c 12 Jan", "Q3
    2024/25", with real dates and datetimes beside them."""
    exp = Expected(forbidden=("header-not-found",))
    wb = Workbook()
    ws = wb.active
    ws.title = "Action Log"
    w = Writer(ws, exp, ACTION_PLAN)
    w.header(["Ref", "Action", "Owner", "Due date", "RAG", "Update"])
    rows = [
        ("1", "Publish the annual report", "Comms Lead", "31/03/25", dt.date(2025, 3, 31)),
        ("2", "Refresh the website content", "Comms Lead", "31.03.2025",
         dt.date(2025, 3, 31)),
        ("3", "Procure a new CRM", "Head of IT", "2025-04-30", dt.date(2025, 4, 30)),
        ("4", "Run the staff survey", "HR Lead", dt.datetime(2025, 5, 16, 0, 0),
         dt.date(2025, 5, 16)),
        ("5", "Close the old office", "Facilities", dt.datetime(2025, 6, 30, 17, 30),
         dt.date(2025, 6, 30)),
    ]
    for i, (ref, text, who, due, want) in enumerate(rows):
        w.data([ref, text, who, due, "G", None],
               expect={"ref": ref, "text": text, "sro": who, "rag": "Green",
                       "due_date": want})
    _save(wb, path)
    return exp


def dashboard_and_log(path: Path) -> Expected:
    """A log behind a dashboard sheet of counts ("Status | Count"): the log's headers carry
    line breaks, asterisks and formats ("Action Owner*", "Due Date\n(dd/mm/yy)"), the action
    is merged across two columns, and rows are numbered in advance below the last action."""
    exp = Expected(forbidden=("header-not-found", "unknown-rag"))
    wb = Workbook()
    dash = wb.active
    dash.title = "Dashboard"
    exp.sheets["Dashboard"] = OTHER
    dash["A1"] = "Actions dashboard"
    dash["A3"], dash["B3"] = "Status", "Count"
    for r, (k, n) in enumerate([("Open", 3), ("In progress", 1), ("Closed", 1)], start=4):
        dash.cell(row=r, column=1, value=k)
        dash.cell(row=r, column=2, value=n)
    ws = wb.create_sheet("Log")
    w = Writer(ws, exp, ACTION_PLAN)
    w.title("Transformation Programme Action Log")
    w.blank()
    top = w.header(["Action\nNo.", "Action*", None, "Action Owner*", "Due Date\n(dd/mm/yy)",
                    "Status*", "RAG", "Latest\nUpdate"])
    ws.merge_cells(start_row=top, start_column=2, end_row=top, end_column=3)
    rows = [("Agree the benefits realisation plan", "PMO Lead", "28/02/25", "Open", "A"),
            ("Recruit the change manager", "Programme Director", "31/03/25", "In progress", "G"),
            ("Close the legacy systems contract", "Head of IT", "30/06/25", "Open", "R"),
            ("Run the staff engagement events", "Comms Lead", "30/01/25", "Closed", "B"),
            ("Set up the design authority", "Chief Architect", "14/02/25", "Open", "G")]
    rag = {"A": "Amber", "G": "Green", "R": "Red", "B": "Complete"}
    for i, (text, who, due, status, r) in enumerate(rows, start=1):
        row = w.data([i, text, None, who, due, status, r, None],
                     expect={"ref": i, "text": text, "sro": who, "rag": rag[r],
                             "timeframe": due, "kept": [status]} if i in (1, 4) else None)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=3)
    for i in range(len(rows) + 1, 16):
        w.furniture([i])
    _save(wb, path)
    return exp


def numbered_sections_plan(path: Path) -> Expected:
    """A plan whose sections are numbered rows of their own ("1 | Governance and
    leadership", in bold, nothing else on the row) above numbered actions ("1.1", "1.2"),
    with a RAG in words and a "Date closed" column."""
    exp = Expected(forbidden=("header-not-found", "unknown-rag"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Plan"
    w = Writer(ws, exp, ACTION_PLAN)
    w.title("SEND Written Statement of Action - progress tracker")
    w.header(["Ref", "Action", "Lead", "Due", "RAG", "Progress this month", "Date closed"])
    sections = [("1", "Governance and leadership", [
        ("1.1", "Establish the SEND partnership board", "Director of Education", "Sep-24",
         "Complete", dt.datetime(2024, 9, 20)),
        ("1.2", "Publish the joint SEND strategy", "Head of SEND", "Jan-25", "Amber", None),
    ]), (2, "Identification of need", [
        ("2.1", "Train SENCOs on the graduated approach", "Inclusion Lead", "Mar-25", "Green",
         None),
        ("2.2", "Reduce EHCP assessment waits to 20 weeks", "SEND Service Manager", "Mar-25",
         "Red", None),
    ])]
    for ref, title, actions in sections:
        r = w.furniture([ref, title])
        ws.cell(row=r, column=2).font = ws.cell(row=r, column=2).font.copy(bold=True)
        for a_ref, text, lead, due, rag, closed in actions:
            w.data([a_ref, text, lead, due, rag, "See highlight report", closed],
                   expect={"ref": a_ref, "text": text, "sro": lead, "rag": rag,
                           "theme": Has(title)} if a_ref in ("1.1", "2.2") else None)
    _save(wb, path)
    return exp


def legend_beside_table(path: Path) -> Expected:
    """A short action log with its BRAG key typed to the right of the table, one column
    apart ("Key" over "B | Complete", "R | Off track" ...), running below the last action."""
    exp = Expected(forbidden=("header-not-found", "unknown-rag"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Actions"
    w = Writer(ws, exp, ACTION_PLAN)
    w.header(["Ref", "Action", "Owner", "Due", "BRAG", "Update"])
    rows = [("1", "Draft the communications plan", "Comms Officer", "Feb-25", "G"),
            ("2", "Confirm venue for the launch", "Events Lead", "Mar-25", "A"),
            ("3", "Agree the evaluation framework", "Analyst", "Apr-25", "B")]
    for ref, text, who, due, b in rows:
        w.data([ref, text, who, due, b, None],
               expect={"ref": ref, "text": text, "sro": who,
                       "rag": {"G": "Green", "A": "Amber", "B": "Complete"}[b]})
    key = [("Key", None), ("B", "Complete"), ("G", "On track"), ("A", "Some risk"),
           ("R", "Off track"), ("Updated", "monthly")]
    for r, (k, v) in enumerate(key, start=1):
        ws.cell(row=r, column=8, value=k)
        if v:
            ws.cell(row=r, column=9, value=v)
    # the key's rows below the last action hold nothing of the table
    exp.furniture["Actions"] += [5, 6]
    _save(wb, path)
    return exp


LAYOUTS = {
    "meeting_action_log": meeting_action_log,
    "action_log_workbook": action_log_workbook,
    "planner_export": planner_export,
    "jira_export": jira_export,
    "excel_table_tracker": excel_table_tracker,
    "nhs_improvement_plan": nhs_improvement_plan,
    "status_word_tracker": status_word_tracker,
    "fill_colour_rag": fill_colour_rag,
    "grouped_progress_header": grouped_progress_header,
    "to_do_list": to_do_list,
    "issue_action_log": issue_action_log,
    "programme_tracker_words": programme_tracker_words,
    "azure_devops_export": azure_devops_export,
    "action_point_log": action_point_log,
    "text_dates_log": text_dates_log,
    "dashboard_and_log": dashboard_and_log,
    "numbered_sections_plan": numbered_sections_plan,
    "legend_beside_table": legend_beside_table,
}


def write_all(folder: Path, names: Iterable[str] = LAYOUTS) -> dict[str, tuple[Path, Expected]]:
    """Write each named layout to ``folder/<name>.xlsx``; return its path and its reading."""
    return write_layouts(folder, LAYOUTS, names)
