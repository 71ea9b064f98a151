"""The Risks and Heatmap sheets and the Dashboard's risk figures, read back with openpyxl.

Every check of a cached value is made on the file as xlplan wrote it, with no recalculation:
what pandas, python-calamine or LibreOffice (default profile) show. The LibreOffice test then
changes a likelihood, makes LibreOffice recalculate on load, and checks that the formulas
follow.
"""
from __future__ import annotations

import csv
import datetime as dt
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from builders import write_plan
from test_risks import OCC2, consolidated_book, write_register
from xlplan.api import merge
from xlplan.config import load_config
from xlplan.demo.risks import write_risk_register
from libreoffice import soffice_or_skip

CONTRACT = ["Ref", "Owner", "Category", "Description", "Likelihood", "Impact", "Score", "RAG",
            "Previous score", "Movement"]
#: The default NHS 5x5 bands: (highest score, RAG label, fill).
BANDS = [(3, "Green", "00B050"), (6, "Amber/Green", "FFFF00"), (12, "Amber", "FFC000"),
         (25, "Red", "FF0000")]
LINK = '=HYPERLINK("http://intranet/winter","Winter plan")'


def band_of(score) -> tuple[str, str] | tuple[str, None]:
    if not isinstance(score, (int, float)):
        return "", None
    for high, label, fill in BANDS:
        if score <= high:
            return label, fill
    return "", None


@pytest.fixture(scope="module")
def prog():
    return load_config(overrides={"today": dt.date(2018, 3, 28)})


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("in")
    write_risk_register(folder / "people.xlsx")
    write_risk_register(folder / "people-split.xlsx", variant="split")
    write_register(folder / "ccg.xlsx", [
        "Ref", "Owner", "Category", "Description", "Likelihood", "Impact", "Score", "RAG",
        "Movement", "Review date", "Budget code"], [
        ["OCC2", "NEW Devon CCG", "Financial", OCC2, 5, 4, 20, "Red", "Up",
         dt.datetime(2018, 6, 30), "B-17"],
        ["CCG1", "NEW Devon CCG", "Service", LINK, 3, 3, 9, "Amber", "New", None, "B-18"],
        ["CCG2", "NEW Devon CCG", "Service", "Score-only risk", None, None, 16, "Red"],
    ])
    write_plan(folder / "plan.xlsx", [["Develop intentions", "1. Draft", "Craig McArdle", "X",
                                       "", "", "", "Drafted", "", "Green"]])
    return folder


@pytest.fixture(scope="module")
def merged(folder, prog):
    return merge([folder], period="2018-03", config=prog)


@pytest.fixture(scope="module")
def out(merged, tmp_path_factory) -> Path:
    return consolidated_book(merged, tmp_path_factory.mktemp("out") / "Consolidated.xlsx")


@pytest.fixture(scope="module")
def books(out):
    return load_workbook(out), load_workbook(out, data_only=True)


def header(ws) -> list[str]:
    return [c.value for c in ws[1] if c.value is not None]


def columns(ws) -> dict[str, str]:
    return {c.value: c.column_letter for c in ws[1] if c.value is not None}


# ------------------------------------------------------------------------------ Risks
def test_risks_is_a_clean_table(books, merged):
    ws = books[0]["Risks"]
    h = header(ws)
    assert h[:len(CONTRACT)] == CONTRACT
    for name in ("Source file", "Source row", "Worst score", "Target score", "Inherent score",
                 "Review date", "Action plan", "Key", "Budget code"):
        assert name in h
    n = len(merged.risks)
    assert n == 4 + 4 + 3  # every risk of every file, errors included
    (name, ref), = ws.tables.items()
    assert name == "Risks" and ref == f"A1:{ws.cell(1, len(h)).column_letter}{n + 1}"
    assert ws.freeze_panes == "A2"
    assert ws.max_row == n + 1


def test_score_rag_and_movement_are_live_formulas_with_cached_values(books, merged):
    ws, cached = books[0]["Risks"], books[1]["Risks"]
    col = columns(ws)
    n = len(merged.risks)
    seen_moves = set()
    for r in range(2, n + 2):
        L, I, S, G, P, M = (f"{col[k]}{r}" for k in ("Likelihood", "Impact", "Score", "RAG",
                                                     "Previous score", "Movement"))
        assert ws[S].value.startswith(f"=IF(AND(ISNUMBER({L}),ISNUMBER({I})),{L}*{I},")
        assert ws[G].value.startswith(f"=IF(ISNUMBER({S}),")
        assert ws[M].value.startswith(f'=IF(NOT(ISNUMBER({S})),"",IF(NOT(ISNUMBER({P})),"New"')
        lik, imp, score = cached[L].value, cached[I].value, cached[S].value
        assert not isinstance(lik, str) and not isinstance(imp, str)  # values, not text
        if lik is not None and imp is not None:
            assert score == lik * imp
        assert cached[G].value == band_of(score)[0]
        prev = cached[P].value
        want = "New" if prev is None else ("Up" if score > prev else
                                           "Down" if score < prev else "Same")
        assert cached[M].value == want
        seen_moves.add(want)
    assert seen_moves == {"New", "Same", "Up"}  # Up: OCC3's likelihood 6 (24 against 16)


def test_a_score_given_alone_is_kept(books):
    ws, cached = books[0]["Risks"], books[1]["Risks"]
    col = columns(ws)
    r = next(c.row for c in ws[col["Ref"]] if c.value == "CCG2")
    assert cached[f"{col['Likelihood']}{r}"].value is None
    assert ws[f"{col['Score']}{r}"].value.endswith(",16)")
    assert (cached[f"{col['Score']}{r}"].value, cached[f"{col['RAG']}{r}"].value) == (16, "Red")


def test_worst_score_of_a_shared_ref(books):
    ws, cached = books[0]["Risks"], books[1]["Risks"]
    col = columns(ws)
    rows = [c.row for c in ws[col["Key"]] if c.value == "OCC2"]
    assert len(rows) == 3  # people, people-split, ccg: each kept
    assert [cached[f"{col['Score']}{r}"].value for r in rows] == [20, 16, 16]
    assert [cached[f"{col['Worst score']}{r}"].value for r in rows] == [20, 20, 20]
    assert ws[f"{col['Worst score']}{rows[0]}"].value.startswith("=IFERROR(_xlfn.AGGREGATE(14,6,")


def test_text_stays_text(books):
    ws = books[0]["Risks"]
    col = columns(ws)
    r = next(c.row for c in ws[col["Ref"]] if c.value == "CCG1")
    cell = ws[f"{col['Description']}{r}"]
    assert cell.data_type == "s" and cell.value == LINK
    assert ws[f"{col['Budget code']}{r}"].value == "B-18"  # the extra column
    assert ws[f"{col['Review date']}{r - 1}"].value == dt.datetime(2018, 6, 30)


def _rules(ws) -> dict[str, list]:
    out: dict[str, list] = {}
    for rng in ws.conditional_formatting:
        out.setdefault(str(rng.sqref), []).extend(rng.rules)
    return out


def test_banded_conditional_formats(books, merged):
    ws = books[0]["Risks"]
    col, last = columns(ws), len(merged.risks) + 1
    rules = _rules(ws)
    score = rules[f"{col['Score']}2:{col['Score']}{last}"]
    assert [(r.type, r.operator, r.formula) for r in score] == [
        ("cellIs", "between", ["1", "3"]), ("cellIs", "between", ["4", "6"]),
        ("cellIs", "between", ["7", "12"]), ("cellIs", "between", ["13", "25"])]
    assert [r.dxf.fill.bgColor.rgb[-6:] for r in score] == [f for _, _, f in BANDS]
    rag = rules[f"{col['RAG']}2:{col['RAG']}{last}"]
    assert [(r.operator, r.formula) for r in rag] == [("equal", [f'"{lab}"']) for _, lab, _ in
                                                      BANDS]
    assert f"{col['Worst score']}2:{col['Worst score']}{last}" in rules


def test_likelihood_and_impact_dropdowns(books, merged):
    ws = books[0]["Risks"]
    col, last = columns(ws), len(merged.risks) + 1
    dvs = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    for name in ("Likelihood", "Impact"):
        dv = dvs[f"{col[name]}2:{col[name]}{last}"]
        assert dv.type == "list" and dv.formula1 == '"1,2,3,4,5"'


# ------------------------------------------------------------------------------ Heatmap
def _grid_counts(cached_risks, n: int) -> dict[tuple[int, int], int]:
    col = {c.value: c.column_letter for c in cached_risks[1] if c.value}
    counts: dict[tuple[int, int], int] = {}
    for r in range(2, n + 2):
        key = (cached_risks[f"{col['Likelihood']}{r}"].value,
               cached_risks[f"{col['Impact']}{r}"].value)
        counts[key] = counts.get(key, 0) + 1
    return counts


def test_heatmap_grid_is_live_counts_coloured_by_band(books, merged):
    ws, cached = books[0]["Heatmap"], books[1]["Heatmap"]
    n = len(merged.risks)
    counts = _grid_counts(books[1]["Risks"], n)
    assert [ws.cell(5, c).value for c in range(3, 8)] == [1, 2, 3, 4, 5]  # impact across
    assert [ws.cell(r, 2).value for r in range(6, 11)] == [5, 4, 3, 2, 1]  # highest on top
    total = 0
    for L in range(1, 6):
        for I in range(1, 6):
            cell = ws.cell(6 + 5 - L, 2 + I)
            # structured references: a risk added to the table in Excel is counted
            assert cell.value == f"=COUNTIFS(Risks[Likelihood],{L},Risks[Impact],{I})"
            want = counts.get((L, I), 0)
            assert cached[cell.coordinate].value == want
            total += want
            assert cell.fill.fgColor.rgb[-6:] == band_of(L * I)[1]
    assert (counts[(4, 4)], counts[(4, 3)], counts[(5, 4)], counts[(3, 3)]) == (5, 2, 1, 1)
    assert cached["H11"].value == total == n - 2  # not on the grid: L=6, and a score alone
    assert cached["H13"].value == 2


def test_heatmap_legend_counts_by_band(books, merged):
    ws, cached = books[0]["Heatmap"], books[1]["Heatmap"]
    scores = [c.value for c in books[1]["Risks"]["G"][1:]]
    legend = {ws.cell(r, 1).value: r for r in range(15, 25) if ws.cell(r, 1).value}
    lows = [1, 4, 7, 13]
    for (name, low, (high, label, fill)) in zip(("Low", "Moderate", "High", "Extreme"), lows,
                                                BANDS):
        r = legend[name]
        assert ws.cell(r, 3).value == label
        assert ws.cell(r, 1).fill.fgColor.rgb[-6:] == fill
        assert cached.cell(r, 4).value == sum(1 for s in scores if low <= s <= high)


# ------------------------------------------------------------------------------ Dashboard
def test_dashboard_risk_figures(books, out):
    ws, cached = books[0]["Dashboard"], books[1]["Dashboard"]
    top = next(c.row for row in ws.iter_rows() for c in row if c.value == "Risks by band")
    rags = [c.value for c in books[1]["Risks"]["H"][1:]]
    rows = {ws.cell(r, 1).value: r for r in range(top + 3, top + 9)}
    for name, label in (("Low (Green)", "Green"), ("Extreme (Red)", "Red"),
                        ("High (Amber)", "Amber")):
        r = rows[name]
        assert ws.cell(r, 2).value.startswith("=COUNTIF(Risks[RAG],")
        assert cached.cell(r, 2).value == rags.count(label)
    assert cached.cell(rows["Total risks"], 2).value == len(rags)
    with zipfile.ZipFile(out) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert any("Risks by band" in c for c in charts)


def test_read_back_as_next_months_previous(out, merged):
    from xlplan.consolidated import read_previous
    from xlplan.merging.risks import previous_risks

    before = previous_risks(read_previous(out))
    assert set(before) == set(merged.risks["key"])
    assert before["CCG2"]["score"] == 16 and before["CCG1"]["likelihood"] == 3
    assert before["CCG1"]["_extras"] == {"Budget code": "B-18"}


def test_same_inputs_same_bytes(merged, tmp_path):
    a = consolidated_book(merged, tmp_path / "a.xlsx").read_bytes()
    b = consolidated_book(merged, tmp_path / "b.xlsx").read_bytes()
    assert a == b


# ------------------------------------------------------------------------------ LibreOffice
RECALC_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""




def _number(text: str) -> int:
    return int(float(text)) if text.strip() else 0


@pytest.mark.libreoffice
def test_libreoffice_recalculates_after_a_likelihood_changes(out, merged, tmp_path):
    exe = soffice_or_skip()
    n = len(merged.risks)
    wb = load_workbook(out)
    ws = wb["Risks"]
    col = columns(ws)
    r5 = next(c.row for c in ws[col["Ref"]] if c.value == "OCC5")  # 4 x 3 = 12, previous 12
    ws[f"{col['Likelihood']}{r5}"].value = 5                      # finance: 5 x 3 = 15
    r2 = next(c.row for c in ws[col["Ref"]] if c.value == "OCC2")  # 5 x 4 = 20 (ccg)
    ws[f"{col['Likelihood']}{r2}"].value = 1                      # 1 x 4 = 4
    copy = tmp_path / "edited.xlsx"
    wb.save(copy)

    profile = tmp_path / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_PROFILE, "utf-8")
    subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,UTF8,1,,0,false,true,"
                    "false,false,false,-1", "--outdir", str(tmp_path / "csv"), str(copy)],
                   check=True, capture_output=True, timeout=240)
    sheets = {}
    for name in ("Risks", "Heatmap", "Dashboard"):
        path = tmp_path / "csv" / f"edited-{name}.csv"
        assert path.exists(), f"LibreOffice wrote no CSV for {name}"
        with open(path, encoding="utf-8", newline="") as fh:
            sheets[name] = list(csv.reader(fh))
    risks = sheets["Risks"]
    h = risks[0]
    at = {k: h.index(k) for k in ("Ref", "Likelihood", "Impact", "Score", "RAG", "Movement",
                                  "Worst score", "Key")}
    row5, row2 = risks[r5 - 1], risks[r2 - 1]
    assert [row5[at[k]] for k in ("Score", "RAG", "Movement")] == ["15", "Red", "Up"]
    assert [row2[at[k]] for k in ("Score", "RAG", "Movement")] == ["4", "Amber/Green", "New"]
    worst = {row[at["Key"]]: row[at["Worst score"]] for row in risks[1:n + 1]}
    assert worst["OCC2"] == "16" and worst["OCC5"] == "15"  # the shared ref's worst follows

    counts: dict[tuple[str, str], int] = {}
    for row in risks[1:n + 1]:
        key = (row[at["Likelihood"]], row[at["Impact"]])
        counts[key] = counts.get(key, 0) + 1
    grid = sheets["Heatmap"]
    for L in range(1, 6):
        line = grid[5 + 5 - L]
        assert line[1] == str(L)
        for I in range(1, 6):
            assert _number(line[1 + I]) == counts.get((str(L), str(I)), 0), (L, I)
    assert _number(grid[5 + 5 - 5][4]) == 1 and _number(grid[5 + 5 - 1][5]) == 1

    dash = sheets["Dashboard"]
    by_label = {line[0]: line[1] for line in dash if len(line) > 1 and line[0]}
    rags = [row[at["RAG"]] for row in risks[1:n + 1]]
    assert _number(by_label["Extreme (Red)"]) == rags.count("Red")
    assert _number(by_label["Moderate (Amber/Green)"]) == rags.count("Amber/Green") == 1


# ------------------------------------------------------------------------------ rules as data
def test_a_three_by_three_matrix_with_an_appetite(tmp_path):
    prog3 = load_config(overrides={"risk": {"likelihood": [1, 3], "impact": [1, 3], "bands": 3,
                                            "appetite": 4}})
    write_register(tmp_path / "in" / "r.xlsx", ["Ref", "Description", "Current rating"],
                   [["R1", "Worst", "3 3 9"], ["R2", "Small", "1 2 2"], ["R3", "Mid", "2 2 4"]])
    m = merge([tmp_path / "in"], period="2018-03", config=prog3)
    assert not [i for i in m.issues if i.severity == "error"]
    out = consolidated_book(m, tmp_path / "c.xlsx")
    ws, cached = load_workbook(out)["Risks"], load_workbook(out, data_only=True)["Risks"]
    col = columns(ws)
    assert [cached[f"{col['RAG']}{r}"].value for r in (2, 3, 4)] == ["Red", "Green", "Amber"]
    assert ws[f"{col['Above appetite']}2"].value.startswith(f"=IF(AND(ISNUMBER({col['Score']}2)")
    assert [cached[f"{col['Above appetite']}{r}"].value for r in (2, 3, 4)] == ["Yes", None, None]
    dvs = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert dvs[f"{col['Likelihood']}2:{col['Likelihood']}4"] == '"1,2,3"'
    heat = load_workbook(out, data_only=True)["Heatmap"]
    assert [heat.cell(5, c).value for c in range(3, 6)] == [1, 2, 3]
    assert [heat.cell(r, 2).value for r in range(6, 9)] == [3, 2, 1]
    assert [[heat.cell(r, c).value for c in range(3, 6)] for r in range(6, 9)] == \
        [[0, 0, 1], [0, 1, 0], [0, 1, 0]]
    assert heat.cell(6, 3).fill.fgColor.rgb[-6:] == "FFC000"  # 3 x 1 = 3: Medium, Amber
    dash = load_workbook(out, data_only=True)["Dashboard"]
    labels = {dash.cell(r, 1).value: dash.cell(r, 2).value for r in range(1, dash.max_row + 1)}
    assert labels["Above appetite (score over 4)"] == 1


def test_the_risks_sheet_is_a_table_whatever_its_size(merged, tmp_path, monkeypatch):
    """Report sheets too big for a table become filtered ranges; Risks stays the table named
    Risks (Power Query and Power BI users point at it), its counts structured references."""
    from xlplan.write import formats, write_consolidated

    monkeypatch.setattr(formats, "TABLE_MAX_CELLS", 40)
    wb = load_workbook(write_consolidated(merged, tmp_path / "big.xlsx"))
    assert "Risks" in wb["Risks"].tables and not wb["Issues"].tables
    counts = [c.value for row in wb["Heatmap"].iter_rows() for c in row
              if isinstance(c.value, str) and c.value.startswith("=COUNTIFS")]
    assert counts and all("Risks[" in f and "Risks!" not in f for f in counts), counts
