"""Property test: for any layout of an action plan kept without a template -- headers drawn
from a wide list of synonyms, section banners of every sort, the header repeated, rows
numbered in advance, a Total row, a legend, notes and a reference list under the table --
every data row comes out exactly once, under its banner's theme, and no furniture row does.

Derandomised and bounded (few examples, small sheets) so CI runs the same cases quickly.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from xlplan.api import read_submission

SYNONYMS = {
    "ref": ["Ref", "No", "S.No", "ID", "Action ID", "Item No"],
    "action": ["Action", "Actions", "Task Description", "Key action", "Activity",
               "Deliverable", "Pledge", "Action_Description", "Improvement Action",
               "Task"],
    "sro": ["SRO", "Owner", "Lead", "Responsible Person", "Lead Officer", "Action Owner",
            "Assigned To", "Owner(s)", "Accountable Lead"],
    "timeframe": ["Deadline", "Due Date", "Target Date", "Due_Date", "Timescale",
                  "Completion Date", "By when"],
    "rag": ["RAG", "RAG Status", "Rag rating", "Status"],
    "status": ["Status", "Progress Status", "Current_Status", "Action Status"],
    "updates": ["Updates", "Progress update", "Comments", "Remarks", "Notes", "Commentary"],
}
VALUES = {
    "sro": ["Ann James", "Craig McArdle", "Project Manager", "younes", "Ruth Harrell"],
    "timeframe": ["Oct-18", "Mar-19", "2018/19", "", ""],
    "rag": ["Green", "Amber", "Red", "A/G", ""],
    "status": ["Open", "In Progress", "Done", "On Track", "At Risk", "Overdue", "Pending", ""],
    "updates": ["Draft shared with partners", "Meeting booked", "", ""],
}
VERBS = ["Develop", "Review", "Commission", "Publish", "Agree", "Recruit", "Pilot", "Launch"]
OBJECTS = ["the wellbeing hub", "care home market position", "a carers strategy",
           "the MIU pathway", "discharge to assess", "the loneliness plan", "training offer"]
BANNERS = ["Commissioning & Market Management", "Acceptable Use Policy", "Wellbeing",
           "Integrated Care", "Primary Care"]
LEGEND_WORDS = [("Green", "On track"), ("Amber", "Some risk to delivery"), ("Red", "Off track"),
                ("Complete", "Delivered")]
FOOTERS = ["Source: programme office return", "\u00a9 2025 Plymouth City Council",
           "Notes: figures are provisional", "* Dates agreed at the June board"]
REFERENCES = ["1. CQC local system review, May 2018", "2. Commissioning Intentions 2018-20",
              "3. STP planning framework"]


@st.composite
def layouts(draw):
    fields = ["action", "sro"]
    for name in ("ref", "timeframe", "updates"):
        if draw(st.booleans()):
            fields.append(name)
    fields.append(draw(st.sampled_from(["rag", "status"])))
    order = draw(st.permutations(fields))
    if "ref" in order:  # a Ref column comes first, as numbering does
        order = ["ref", *[f for f in order if f != "ref"]]
    headers = [draw(st.sampled_from(SYNONYMS[f])) for f in order]
    sections = []
    n = 0
    for s in range(draw(st.integers(1, 3))):
        banner = draw(st.sampled_from(["none", "merged", "theme", "over-header"]))
        text = draw(st.sampled_from(BANNER_FORMS)).format(n=s + 1, title=BANNERS[s])
        rows = []
        for _ in range(draw(st.integers(1, 4))):
            n += 1
            row = {"ref": str(n),
                   "action": f"{draw(st.sampled_from(VERBS))} {draw(st.sampled_from(OBJECTS))} "
                             f"(step {n})"}
            for f in order:
                if f in VALUES:
                    row[f] = draw(st.sampled_from(VALUES[f]))
            rows.append(row)
        sections.append((banner if s or banner != "none" else "none", text, rows))
    return {
        "order": order, "headers": headers,
        "title": draw(st.integers(0, 2)),
        "sections": sections,
        "numbered": draw(st.integers(0, 4)) if "ref" in order else 0,
        "total": draw(st.booleans()),
        "legend": draw(st.sampled_from(["none", "titled", "bare"])),
        "footer": draw(st.sampled_from(["none", "note", "references"])),
        "footer_text": draw(st.sampled_from(FOOTERS)),
    }


BANNER_FORMS = ["{n}. {title}", "{title}", "Section {n}: {title}", "{title} Policy"]


def write(layout: dict, path: Path) -> tuple[list[tuple[str, str]], int]:
    """The workbook of ``layout``; returns (theme, action) of each data row in order and the
    number of furniture rows below the header that must not come out as rows."""
    wb = Workbook()
    ws = wb.active
    order, headers = layout["order"], layout["headers"]
    width = len(order)
    for t in range(layout["title"]):
        ws.append([f"Improvement plan 2018/19 ({t + 1})"])
    if layout["title"]:
        ws.append([])
    expected: list[tuple[str, str]] = []
    furniture = 0
    theme = ""
    sections = layout["sections"]
    # A one-cell row just above the header titles the first section only when the sheet is
    # sectioned so (later banners over the header again); else it is one more title line.
    sectioned = any(b == "over-header" for b, _, _ in sections[1:])
    for s, (banner, text, rows) in enumerate(sections):
        if s == 0:
            if banner == "over-header":
                ws.append([text])
                theme = text if sectioned else ""
            ws.append(headers)
        if banner == "over-header" and s:
            ws.append([text])
            ws.append(headers)
            theme = text
            furniture += 1  # the repeated header (the banner becomes the theme)
        elif banner == "merged":
            ws.append([text])
            ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row,
                           end_column=width)
            theme = text
        elif banner == "theme":
            theme = f"Theme {s + 1}: {text}"
            ws.append([theme])
        for row in rows:
            ws.append([row.get(f, "") for f in order])
            expected.append((theme, row["action"]))
    if layout["numbered"]:
        start = len(expected) + 1
        for k in range(layout["numbered"]):
            ws.append([start + k])
        furniture += 1  # one note for the run
    if layout["total"]:
        ws.append(["Total", *[""] * (width - 2), len(expected)])
        furniture += 1
    if layout["legend"] != "none":
        ws.append([])
        if layout["legend"] == "titled":
            ws.append(["Key:"])
            furniture += 1
        for word, meaning in LEGEND_WORDS:
            ws.append([word, meaning])
            furniture += 1
    if layout["footer"] != "none":
        ws.append([])
        lines = [layout["footer_text"]] if layout["footer"] == "note" else REFERENCES
        for line in lines:
            ws.append([line])
            furniture += 1
    wb.save(path)
    return expected, furniture


@settings(max_examples=30, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(layouts())
def test_every_data_row_once_and_no_furniture(layout):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.xlsx"
        expected, furniture = write(layout, path)
        sub = read_submission(path)
    df = sub.actions
    got_text = [a or s for a, s in zip(df["action"], df["sub_action"])]
    assert got_text == [a for _, a in expected], layout
    assert df["theme"].tolist() == [t for t, _ in expected], layout
    notes = [i for i in sub.issues if i.code == "not-a-row"]
    assert len(notes) == furniture, (layout, [(i.cell, i.message) for i in notes])
    assert not [i for i in sub.issues if i.code in ("missing-value", "fragment-row",
                                                    "header-not-found", "unknown-rag")], \
        (layout, [(i.code, i.cell, i.message) for i in sub.issues])
