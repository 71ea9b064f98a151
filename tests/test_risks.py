"""Risk registers read, checked and merged (xlplan.normalise.risks, validate.risks, merge_risks).

Inputs are seed 003's register (xlplan.demo.risks, checked against the seed text) and small
registers written here with openpyxl, each row designed to raise one finding.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from builders import write_plan
from xlplan.api import merge, read_submission, validate
from xlplan.config import load_config
from xlplan.demo.risks import SEED_HEADER, SEED_RISKS, SPLIT_HEADER, write_risk_register
from xlplan.issues import ERROR, WARNING
from xlplan.normalise.risks import RISK_COLUMNS, parse_review_date, risk_key

SEED_003 = Path(__file__).resolve().parent / "data" / "seeds" / "003_81b3f41a6f14c3ed.txt"
TODAY = dt.date(2018, 3, 28)


@pytest.fixture(scope="module")
def prog():
    return load_config(overrides={"today": TODAY})


def found(issues, *severities) -> set[tuple[str, str | None]]:
    return {(i.code, i.cell) for i in issues if not severities or i.severity in severities}


def write_register(path: Path, header: list, rows: list[list], *, sheet: str = "Risks",
                   title: tuple[str, ...] = ()) -> Path:
    """A register as an SRO keeps it: optional title lines, the header, the rows (None blank).
    Text starting with '=' is stored as text, as Excel stores text typed with a quote."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for line in title:
        ws.append([line])
    ws.append(header)
    for row in rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


# ------------------------------------------------------------------------------ seed 003
def test_example_register_is_the_seed_text():
    if not SEED_003.exists():
        pytest.skip("seed 003 not available")
    lines = SEED_003.read_text(encoding="utf-8").splitlines()
    header = next(ln for ln in lines if ln.startswith("PM RISK REF")).split("\t")
    assert tuple(header) == SEED_HEADER
    rows = [ln.split("\t") for ln in lines if ln.startswith("OCC")]
    assert [tuple(r) for r in rows] == [
        (r.ref, r.dept, r.category, r.description, r.link, r.controls, r.assurances, r.previous,
         r.current, r.rag_movement, r.action_plan) for r in SEED_RISKS]


def test_seed_register_reads_into_four_risks(tmp_path, prog):
    sub = read_submission(write_risk_register(tmp_path / "people.xlsx"), prog)
    assert [(s.name, s.kind, s.header_row, s.rows) for s in sub.info.sheets] == \
        [("Risk Register", "risk_register", 4, 4)]
    risks = sub.risks.set_index("ref")
    assert list(risks.index) == ["OCC2", "OCC3", "OCC4", "OCC5"]
    got = {ref: tuple(risks.loc[ref, c] for c in (
        "previous_likelihood", "previous_impact", "previous_score", "previous_new",
        "likelihood", "impact", "score")) for ref in risks.index}
    assert got == {"OCC2": (4, 4, 16, False, 4, 4, 16), "OCC3": (4, 4, 16, False, 4, 4, 16),
                   "OCC4": (None, None, None, True, 4, 4, 16),
                   "OCC5": (4, 3, 12, False, 4, 3, 12)}
    assert list(risks["movement_written"]) == ["Same"] * 4   # "— A"
    assert list(risks["movement"]) == ["Same", "Same", "New", "Same"]
    assert list(risks["rag_text"]) == ["A"] * 4 and list(risks["rag"]) == ["Amber"] * 4
    assert list(risks["key"]) == list(risks.index)
    occ4 = risks.loc["OCC4"]
    assert occ4["description"] == SEED_RISKS[2].description
    assert occ4["link"] == "Corporate Plan Performance Framework Outcome - Pioneering"  # no <i>
    assert occ4["owner"] == "PEOPLE (CC) IRR" and occ4["category"] == "Financial"
    assert occ4["assurances"] == "System Improvement Board; FARG"
    # The seed rates 16 Amber; the default NHS matrix puts 16 in Extreme (Red): warnings only.
    assert found(sub.issues) == {("rag-band-mismatch", f"J{r}") for r in (5, 6, 7)}
    assert {i.severity for i in sub.issues} == {WARNING}


def test_split_variant_gives_exactly_the_planted_mistakes(tmp_path, prog):
    sub = read_submission(write_risk_register(tmp_path / "split.xlsx", variant="split"), prog)
    col = {name: "ABCDEFGHIJKLMNO"[i] for i, name in enumerate(SPLIT_HEADER)}
    assert found(sub.issues, ERROR) == {
        ("out-of-range", f"{col['LIKELIHOOD']}6"),     # OCC3: likelihood 6 on a 1-5 scale
        ("missing-value", f"{col[SPLIT_HEADER[3]]}7"),  # OCC4: no description
        ("score-mismatch", f"{col['SCORE']}8"),         # OCC5: 4 x 3 typed as 16
    }
    assert found(sub.issues) - found(sub.issues, ERROR) == {
        ("rag-band-mismatch", "N5"), ("rag-band-mismatch", "N7")}
    by_code = {i.code: i for i in sub.issues}
    assert by_code["out-of-range"].value == "6"
    assert "likelihood 6 is outside the allowed range 1-5" in by_code["out-of-range"].message
    assert "score 16 is not likelihood 4 x impact 3 = 12" in by_code["score-mismatch"].message
    risks = sub.risks.set_index("ref")
    assert len(risks) == 4  # the rows with errors are kept
    assert (risks.loc["OCC4", "previous_new"], risks.loc["OCC4", "score"]) == (True, 16)
    assert tuple(risks.loc["OCC5", ["likelihood", "impact", "score"]]) == (4, 3, 16)


def test_one_cell_and_split_ratings_read_the_same(tmp_path, prog):
    one = read_submission(write_risk_register(tmp_path / "a.xlsx"), prog).risks
    split = read_submission(write_risk_register(tmp_path / "b.xlsx", variant="split"), prog).risks
    cols = ["previous_likelihood", "previous_impact", "previous_score", "previous_new",
            "likelihood", "impact", "score", "rag", "movement_written"]
    assert one.loc[0, cols].tolist() == split.loc[0, cols].tolist()  # OCC2, no mistake


def test_example_bytes_are_deterministic(tmp_path):
    for variant in ("seed", "split"):
        a = write_risk_register(tmp_path / f"a-{variant}.xlsx", variant=variant).read_bytes()
        b = write_risk_register(tmp_path / f"b-{variant}.xlsx", variant=variant).read_bytes()
        assert a == b


# ------------------------------------------------------------------------------ every rule
HEADER = ["Ref", "Owner", "Description", "Inherent rating", "Likelihood", "Impact", "Score",
          "Target score", "RAG", "Movement", "Previous score", "Review date", "Notes"]
ROWS = [
    ["Financial risks"],                                                       # 2: banner
    ["R1", "Ann", "Budget overspend", "4 4 16", 3, 4, 12, 6, "A", "Down", 16,
     dt.datetime(2018, 6, 30), "watch"],                                       # 3: clean
    ["R2", "Bob", "Provider failure", "3 3 9", 4, 4, 16, None, "R", "Up", 12,
     dt.datetime(2018, 1, 31)],                                                # 4
    [None, "Cat", "Workforce shortfall", None, 2, 3, 6, None, "Purple", "Same", 4],  # 5
    ["R4", "Dan", "Data breach", None, "high", 2, None, None, "G"],            # 6
    [],                                                                        # 7: blank
    ["R5", "Eve", '=HYPERLINK("http://x","y")', None, None, None, "7"],       # 8
    ["R6", "Fay", "No rating here"],                                           # 9
    ["R7", None, "Rising costs", None, 5, None, 20],                           # 10
    [None, None, None, None, None, None, None, None, None, None, None, None,
     "carried on"],                                                            # 11: fragment?
]
EXPECTED = {
    ("residual-above-inherent", "G4"), ("above-appetite", "G4"), ("review-overdue", "L4"),
    ("unknown-rag", "I5"), ("movement-mismatch", "J5"),
    ("bad-rating", "E6"),
    ("formula-like-text", "C8"), ("impossible-score", "G8"),
    ("missing-value", "E9"),
    ("missing-value", "F10"),
}


@pytest.fixture(scope="module")
def appetite_prog():
    return load_config(overrides={"today": TODAY, "risk": {"appetite": 12}})


@pytest.fixture
def rules_sub(tmp_path, appetite_prog):
    return read_submission(write_register(tmp_path / "rules.xlsx", HEADER, ROWS[:-1]),
                           appetite_prog)


def test_each_rule_fires_at_its_cell_and_nowhere_else(rules_sub):
    assert found(rules_sub.issues) == EXPECTED


def test_rows_banners_and_extras(rules_sub):
    risks = rules_sub.risks
    assert list(risks["source_row"]) == [3, 4, 5, 6, 8, 9, 10]  # banner and blank row skipped
    assert set(risks["section"]) == {"Financial risks"}
    assert set(risks["category"]) == {"Financial risks"}  # no category column: the banner's
    assert list(risks["Notes"])[:2] == ["watch", ""]  # an extra column is kept
    r1 = risks.iloc[0]
    assert (r1["inherent_score"], r1["target_score"], r1["previous_score"]) == (16, 6, 16)
    assert r1["review_date"] == dt.date(2018, 6, 30)
    assert r1["movement"] == "Down" and r1["movement_written"] == "Down"
    assert risks.iloc[4]["description"] == '=HYPERLINK("http://x","y")'  # text stays text
    assert risks.iloc[2]["key"] == risk_key("", "Workforce shortfall")
    assert risks.iloc[2]["key"].startswith("R-")
    assert set(RISK_COLUMNS) <= set(risks.columns)


def test_rules_are_data(tmp_path, prog):
    """No appetite set: no above-appetite; today before the review date: not overdue."""
    early = load_config(overrides={"today": dt.date(2018, 1, 1)})
    sub = read_submission(write_register(tmp_path / "r.xlsx", HEADER, ROWS[:-1]), early)
    codes = {c for c, _ in found(sub.issues)}
    assert "above-appetite" not in codes and "review-overdue" not in codes


def test_fragment_row_is_joined_to_the_risk_above(tmp_path, prog):
    header = ["Ref", "Description", "Likelihood", "Impact", "Score", "Controls"]
    rows = [["R1", "Budget overspend", 3, 4, 12, "Monthly budget meetings and"],
            [None, None, None, None, None, "quarterly audit"],
            ["R2", "Provider failure", 2, 2, 4, "Contract monitoring"]]
    sub = read_submission(write_register(tmp_path / "f.xlsx", header, rows), prog)
    assert list(sub.risks["controls"]) == ["Monthly budget meetings and quarterly audit",
                                           "Contract monitoring"]
    assert found(sub.issues) == {("fragment-row", "F3")}


def test_rag_and_movement_in_one_rag_column(tmp_path, prog):
    header = ["Ref", "Description", "Previous rating", "Current rating", "RAG"]
    rows = [["R1", "A", "3 4 12", "4 4 16", "\u2191 R"],
            ["R2", "B", "4 4 16", "3 4 12", "Amber"]]
    sub = read_submission(write_register(tmp_path / "r.xlsx", header, rows), prog)
    assert list(sub.risks["rag"]) == ["Red", "Amber"]
    assert list(sub.risks["movement_written"]) == ["Up", ""]
    assert list(sub.risks["movement"]) == ["Up", "Down"]
    assert found(sub.issues) == set()


def test_ratings_excel_turned_into_dates_and_new_current(tmp_path, prog):
    header = ["Ref", "Description", "Current rating"]
    rows = [["R1", "A", dt.datetime(2012, 3, 4)], ["R2", "B", "New"], ["R3", "C", "4x4=16"]]
    sub = read_submission(write_register(tmp_path / "r.xlsx", header, rows), prog)
    assert found(sub.issues) == {("bad-rating", "C2"), ("bad-rating", "C3")}
    assert "date" in next(i.message for i in sub.issues if i.cell == "C2")
    assert tuple(sub.risks.loc[2, ["likelihood", "impact", "score"]]) == (4, 4, 16)


def test_review_dates_as_written():
    assert parse_review_date("31/03/2018") == dt.date(2018, 3, 31)
    assert parse_review_date("Mar-18") == dt.date(2018, 3, 31)
    assert parse_review_date("Dec 2018") == dt.date(2018, 12, 31)
    assert parse_review_date(dt.datetime(2018, 5, 1, 0, 0)) == dt.date(2018, 5, 1)
    assert parse_review_date("Quarterly") == "Quarterly"


def test_duplicate_ref_in_one_file(tmp_path, prog):
    header = ["Ref", "Description", "Current rating"]
    rows = [["R1", "A", "2 2 4"], ["R1", "B", "2 2 4"]]
    sub = read_submission(write_register(tmp_path / "r.xlsx", header, rows), prog)
    assert found(sub.issues) == {("duplicate-ref", "A3")}


# ------------------------------------------------------------------------------ merging
RISK_HEADER = ["Risk ref", "Owner", "Category", "Description", "Previous rating",
               "Current rating", "RAG", "Action plan"]
OCC2 = SEED_RISKS[0].description
OCC5 = SEED_RISKS[3].description


def test_partners_sharing_a_ref(tmp_path, prog):
    folder = tmp_path / "in"
    write_register(folder / "council.xlsx", RISK_HEADER, [
        ["OCC2", "PEOPLE (CC) IRR", "Financial", OCC2, "4 4 16", "4 4 16", "R", "Monitor"],
        ["OCC5", "PEOPLE (CC) IRR", "Service", OCC5, "4 3 12", "4 3 12", "A", "Contracts"],
    ])
    write_register(folder / "ccg.xlsx", RISK_HEADER, [
        ["OCC2", "NEW Devon CCG", "Financial", OCC2.upper() + "  ", "4 4 16", "5 4 20", "R",
         "Recovery plan"],
        ["OCC5", "NEW Devon CCG", "Service", "Loss of the community equipment contract",
         "2 2 4", "2 3 6", "Y", ""],
    ])
    m = merge([folder], period="2018-03", config=prog)
    risks = m.risks
    assert len(risks) == 4  # each submission kept
    occ2 = risks[risks["key"] == "OCC2"]
    assert list(occ2["file"]) == ["ccg.xlsx", "council.xlsx"]
    assert list(occ2["effective_score"]) == [20, 16]
    assert list(occ2["worst_score"]) == [20, 20]
    assert list(occ2["shared_ref"]) == [True, True] and list(occ2["submissions"]) == [2, 2]
    occ5 = risks[risks["key"] == "OCC5"]
    assert list(occ5["worst_score"]) == [12, 12]
    conflicts = [i for i in m.issues if i.code == "conflicting-ref"]
    assert [(i.file, i.row, i.value, i.severity) for i in conflicts] == \
        [("council.xlsx", 3, "OCC5", ERROR)]  # same words in another case: not a conflict
    assert "conflicting-ref" in risks.loc[risks["file"] == "council.xlsx", "issue_codes"].iloc[1]
    # Without last month, the previous score is the register's own
    assert list(occ2["previous_score"]) == [16, 16]
    assert list(occ2["movement"]) == ["Up", "Same"]


def risks_registered() -> bool:
    from xlplan.write import SHEETS

    return any(spec.name == "Risks" for spec in SHEETS)


def consolidated_book(merged, path: Path) -> Path:
    """The consolidated workbook: xlplan's own when its writer registers the Risks sheet, else
    the sheets a next month's merge and these tests need, written the same way."""
    if risks_registered():
        from xlplan.write import write_consolidated

        return write_consolidated(merged, path)
    import xlsxwriter

    from xlplan.write import WORKBOOK_OPTIONS
    from xlplan.write.actions import write_actions
    from xlplan.write.dashboard import write_dashboard
    from xlplan.write.formats import Formats
    from xlplan.write.heatmap import dashboard_risk_block, write_heatmap
    from xlplan.write.risks import write_risks

    wb = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    fmts = Formats(wb, merged.programme.rag)
    ws = write_dashboard(wb, merged, fmts)
    dashboard_risk_block(wb, ws, merged, fmts, fmts.dashboard.next_row, 0)
    write_actions(wb, merged, fmts)
    write_risks(wb, merged, fmts)
    write_heatmap(wb, merged, fmts)
    wb.close()
    return path


_consolidated = consolidated_book


def test_month_to_month(tmp_path, prog):
    from xlplan.consolidated import read_previous
    from xlplan.merging.risks import previous_risks

    march, april = tmp_path / "2018-03", tmp_path / "2018-04"
    write_register(march / "people.xlsx", RISK_HEADER, [
        ["OCC2", "PEOPLE (CC) IRR", "Financial", OCC2, "4 4 16", "4 4 16", "R", ""],
        ["OCC5", "PEOPLE (CC) IRR", "Service", OCC5, "4 3 12", "4 3 12", "A", ""],
        ["OCC9", "PEOPLE (CC) IRR", "Service", "Closed next month", "2 2 4", "2 2 4", "Y", ""],
    ], title=("People Directorate risk register", ""))
    m1 = merge([march], period="2018-03", config=prog)
    c1 = _consolidated(m1, tmp_path / "Consolidated 2018-03.xlsx")
    before = previous_risks(read_previous(c1))
    assert {k: v["score"] for k, v in before.items()} == {"OCC2": 16, "OCC5": 12, "OCC9": 4}

    write_register(april / "people.xlsx", RISK_HEADER, [
        ["OCC2", "PEOPLE (CC) IRR", "Financial", OCC2, "5 4 20", "3 4 12", "A", ""],
        ["OCC5", "PEOPLE (CC) IRR", "Service", OCC5, "4 3 12", "4 3 12", "A", ""],
        ["OCC7", "PEOPLE (CC) IRR", "Service", "New workforce risk", "New", "3 3 9", "A", ""],
        ["OCC8", "PEOPLE (CC) IRR", "Service", "Older risk first sent", "2 4 8", "2 4 8", "A",
         ""],
    ], title=("People Directorate risk register", ""))
    m2 = merge([april], previous=c1, period="2018-04", config=prog)
    risks = m2.risks.set_index("key")
    assert list(risks.index) == ["OCC2", "OCC5", "OCC7", "OCC8", "OCC9"]
    got = {k: (risks.loc[k, "previous_score"], risks.loc[k, "previous_source"],
               risks.loc[k, "movement"], risks.loc[k, "status"]) for k in risks.index}
    assert got == {
        "OCC2": (16, "last month", "Down", ""),        # last month's 16, not the register's 20
        "OCC5": (12, "last month", "Same", ""),
        "OCC7": (None, "", "New", ""),
        "OCC8": (8, "register", "Same", ""),           # not on last month's sheet
        "OCC9": (4, "last month", "Same", "Carried forward"),
    }
    assert risks.loc["OCC2", "register_previous_score"] == 20
    assert risks.loc["OCC9", "description"] == "Closed next month"
    carried = [i for i in m2.issues if i.code == "carried-forward"]
    assert [(i.value, i.severity) for i in carried] == [("OCC9", WARNING)]

    # A month with no register at all: everything carried, one warning.
    may = tmp_path / "2018-05"
    write_plan(may / "plan.xlsx", [["Act", "1. Sub", "Ann", "X", "", "", "", "", "", "Green"]])
    c2 = _consolidated(m2, tmp_path / "Consolidated 2018-04.xlsx")
    m3 = merge([may], previous=c2, period="2018-05", config=prog)
    assert list(m3.risks["key"]) == ["OCC2", "OCC5", "OCC7", "OCC8", "OCC9"]
    assert set(m3.risks["status"]) == {"Carried forward"}
    assert [i.value for i in m3.issues if i.code == "carried-forward"
            and i.file == ""] == ["5"]


# ------------------------------------------------------------------------------ mixed folders
def test_folder_mixing_plans_and_registers(tmp_path, prog):
    folder = tmp_path / "in"
    plan_rows = [["Develop intentions", "1. Draft", "Craig McArdle", "X", "", "", "",
                  "Drafted", "", "Green"],
                 ["", "2. Sign off", "", "", "X", "", "", "", "", "Yellow"]]
    register = [["Ref", "Owner", "Description", "Likelihood", "Impact", "Score", "RAG"],
                ["CM1", "Craig McArdle", "Intentions late", 2, 3, 6, "Yellow"],
                ["CM2", "Craig McArdle", "Market cannot respond", 4, 4, 16, "Red"]]
    write_plan(folder / "craig.xlsx", plan_rows, title=["Craig's return"],
               extra_sheets={"Risks": register})
    write_risk_register(folder / "people.xlsx")
    write_plan(folder / "paterson.xlsx", plan_rows[:1])

    result = validate([folder], prog)
    kinds = {(f.path, s.name): s.kind for f in result.files for s in f.sheets}
    assert kinds[("craig.xlsx", "Action Plan")] == "action_plan"
    assert kinds[("craig.xlsx", "Risks")] == "risk_register"
    assert kinds[("people.xlsx", "Risk Register")] == "risk_register"
    assert len(result.actions) == 3 and len(result.risks) == 6
    assert list(result.risks["file"]).count("craig.xlsx") == 2
    assert not [i for i in result.issues if i.severity == ERROR]
    assert next(f for f in result.files if f.path == "craig.xlsx").sro == "Craig McArdle"
    report = result.report()
    assert report["summary"]["rows"] == 9  # 3 actions + 6 risks

    m = merge([folder], period="2018-03", config=prog)
    assert len(m.actions) == 3 and len(m.risks) == 6
    assert set(m.risks["file"]) == {"craig.xlsx", "people.xlsx"}
    assert list(m.risks["movement"]) == ["New", "New", "Same", "Same", "New", "Same"]


def test_movement_in_the_rag_column_is_checked_there(tmp_path, prog):
    header = ["Ref", "Description", "Previous rating", "Current rating", "RAG"]
    rows = [["R1", "A", "4 4 16", "3 4 12", "\u2191 A"]]  # says up; the score went down
    sub = read_submission(write_register(tmp_path / "r.xlsx", header, rows), prog)
    assert found(sub.issues) == {("movement-mismatch", "E2")}
