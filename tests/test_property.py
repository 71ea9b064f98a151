"""Property test: messy generated plans, merged and written, lose nothing.

Hypothesis generates action plans the way many different SROs would keep them -- title rows,
blank rows, merged or plain Theme banners, header spellings from the alias tables, RAG
spellings, text that looks like a formula, unicode -- writes them as workbooks, merges them,
writes the consolidated workbook and reads it back with openpyxl. Then: every row is there,
every text is preserved as text, and every issue points at a real cell of its input.
Derandomised and bounded so CI runs the same examples every time.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from xlplan.api import merge
from xlplan.text import clean_text
from xlplan.write import write_consolidated

HEADERS = {
    "action": ["Action", "ACTIONS", " action ", "Key action"],
    "sub_action": ["Sub actions", "Sub-actions", "Milestone", "SUB ACTION"],
    "sro": ["SRO", "Lead", "Owner", "Lead officer"],
    "q1": ["Q1", "Qtr 1", "Quarter 1"],
    "updates": ["Updates", "Progress update", "Progress"],
    "rag": ["RAG", "RAG Status", "Status", "  rag status "],
}
RAGS = ["Green", "G", "green ", "Yellow", "A/G", "Amber-Green", "Amber", "A", "Red", "R", "Blue",
        "Complete", "Done", "", ""]
WORDS = ["Develop", "commissioning", "intentions", "care", "home", "market", "review", "MIU",
         "Livewell", "Southwest", "CCG", "PCC", "18/19", "£1.2m", "Pathway", "–", "café", "Øst",
         "naïve", "日本", "über"]
FORMULA_LIKE = ["=HYPERLINK(\"http://x\",\"y\")", "{=1+1}", "=", "+44 1752", "@risk", "=SUM(A1)",
                "-cmd|' /C calc'!A0", "http://example.org", "0123"]

texts = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)
free_text = st.one_of(texts, st.sampled_from(FORMULA_LIKE), st.text(
    alphabet=st.characters(whitelist_categories=("L", "N", "P", "S", "Zs")), min_size=1,
    max_size=30))


@st.composite
def plans(draw):
    order = ["action", "sub_action", "sro", "q1", "updates", "rag"]
    headers = [draw(st.sampled_from(HEADERS[f])) for f in order]
    title = draw(st.integers(0, 3))
    themes = []
    n = 0
    for t in range(draw(st.integers(1, 3))):
        rows = []
        for a in range(draw(st.integers(1, 3))):
            action = draw(texts)
            sro = draw(texts)
            for s in range(draw(st.integers(1, 4))):
                n += 1
                rows.append({
                    "action": action if s == 0 else "",
                    "sub_action": f"{n}. {draw(free_text)}",
                    "sro": sro if s == 0 else "",
                    "q1": draw(st.sampled_from(["X", "", "Complete"])),
                    "updates": draw(st.one_of(st.just(""), free_text)),
                    "rag": draw(st.sampled_from(RAGS)),
                    "blank_after": draw(st.booleans()),
                })
        themes.append((f"Theme {t + 1}: {draw(texts)}", draw(st.booleans()), rows))
    return {"order": order, "headers": headers, "title": title, "themes": themes}


def write_generated(path: Path, plan: dict) -> list[dict]:
    """Write a generated plan; return its rows with the Excel row each landed on."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Plan"
    for i in range(plan["title"]):
        ws.append([f"Action plan title line {i + 1}"])
    ws.append(plan["headers"])
    written = []
    width = len(plan["order"])
    for theme, merged, rows in plan["themes"]:
        ws.append([theme])
        if merged:
            ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row,
                           end_column=width)
        for row in rows:
            ws.append([row[f] or None for f in plan["order"]])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text typed as '=..., as Excel stores it
            written.append({**row, "excel_row": ws.max_row})
            if row["blank_after"]:
                ws.append([])
    wb.save(path)
    return written


@settings(max_examples=15, deadline=None, derandomize=True, database=None,
          phases=(Phase.explicit, Phase.generate),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(plans(), min_size=1, max_size=3))
def test_generated_plans_merge_without_loss(generated):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        rows_in: dict[str, list[dict]] = {}
        for i, plan in enumerate(generated):
            name = f"sro-{i}.xlsx"
            rows_in[name] = write_generated(folder / name, plan)
        merged = merge([folder], period="2018-06")
        out = Path(tmp) / "out.xlsx"
        write_consolidated(merged, out)

        wb = load_workbook(out)
        ws = wb["Actions"]
        header = [c.value for c in ws[1]]
        out_rows = [dict(zip(header, (c for c in r))) for r in ws.iter_rows(min_row=2)]
        total_in = sum(len(r) for r in rows_in.values())
        assert len(out_rows) == total_in  # no row lost, none invented

        by_source = {(r["Source file"].value, r["Source row"].value): r for r in out_rows}
        for name, rows in rows_in.items():
            for row in rows:
                got = by_source[(name, row["excel_row"])]
                for field, head in (("sub_action", "Sub action"), ("updates", "Updates")):
                    expected = clean_text(row[field])
                    cell = got[head]
                    if expected:
                        assert cell.data_type == "s", (head, cell.value)
                        assert cell.value == expected
                    else:
                        assert cell.value in (None, "")

        inputs = {name: load_workbook(folder / name)["Plan"] for name in rows_in}
        for issue in merged.issues:
            if issue.row is None or issue.file not in inputs:
                continue
            sheet = inputs[issue.file]
            assert 1 <= issue.row <= sheet.max_row, issue
            if issue.column:
                assert sheet[f"{issue.column}{issue.row}"] is not None
