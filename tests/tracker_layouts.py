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

from tests.partner_layouts import ACTION_PLAN, OTHER, Expected, Writer, _fill, _save

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
}


def write_all(folder: Path, names: Iterable[str] = LAYOUTS) -> dict[str, tuple[Path, Expected]]:
    """Write each named layout to ``folder/<name>.xlsx``; return its path and its reading."""
    out = {}
    for name in names:
        path = folder / f"{name}.xlsx"
        out[name] = (path, LAYOUTS[name](path))
    return out
