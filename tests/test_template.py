"""SRO templates: one pre-filled workbook per SRO from the consolidated workbook, read back by
xlplan's own reader without a problem, with the dropdowns, protection, colours and print setup
an SRO needs -- and the monthly loop closed over three months of the seed 000 plan."""
from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xlplan.api import merge, read_submission
from xlplan.config import load_config
from xlplan.consolidated import read_previous
from xlplan.demo.plan import write_submissions
from xlplan.issues import ERROR, WARNING
from xlplan.merging import IMPROVED, NEW, WORSENED
from xlplan.schema.rag import LEVEL_FILL
from xlplan.template import (LAST_RAG_HEADER, LAST_UPDATE_HEADER, REFERENCE_HEADERS,
                             TemplateError, make_blank_template, make_templates, next_period,
                             sro_person)
from xlplan.write import write_consolidated
from libreoffice import soffice_or_skip

DEMO = Path(__file__).resolve().parents[1] / "xlplan" / "data" / "demo.toml"
SROS = ["Ann James", "Carole Burgoyne", "Caroline Paterson", "Craig McArdle",
        "Elaine Fitzsimmons", "Jo Beer", "Lorna Collingwood-Burke", "Nicola Jones",
        "Rachel Silcock", "Shelagh McCormick"]
LABELS = ["Complete", "Green", "Yellow", "Amber", "Amber/Red", "Red"]  # demo: Amber/Green=Yellow
HEADER_ROW = 4  # Excel row of the template's header


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def prog():
    return load_config(DEMO)


@pytest.fixture(scope="module")
def month1(tmp_path_factory, prog):
    """March 2018 returns (seed 000), merged and written: the consolidated workbook."""
    root = tmp_path_factory.mktemp("month1")
    write_submissions(root / "in", "2018-03")
    merged = merge([root / "in"], period="2018-03", config=prog)
    out = root / "Consolidated 2018-03.xlsx"
    write_consolidated(merged, out)
    return out, merged


@pytest.fixture(scope="module")
def templates(tmp_path_factory, month1, prog):
    out = tmp_path_factory.mktemp("templates")
    return make_templates(month1[0], out, prog)


def by_person(paths: list[Path]) -> dict[str, Path]:
    return {p.stem.split(" ", 1)[1]: p for p in paths}


def header(ws) -> list[str]:
    return [c.value for c in ws[HEADER_ROW] if c.value is not None]


def column(ws, name: str) -> int:
    """1-based column of a header."""
    return header(ws).index(name) + 1


# --------------------------------------------------------------------------- one per SRO
def test_one_template_per_sro_named_for_next_month(templates):
    assert [p.name for p in templates] == [f"2018-04 {s}.xlsx" for s in SROS]


def test_templates_are_read_back_with_no_errors_or_warnings(templates, month1, prog):
    consolidated = read_previous(month1[0]).actions.set_index("key")
    seen = []
    for path in templates:
        sub = read_submission(path, prog)
        assert sub.info.status == "ok", path.name
        kinds = {s.name: s.kind for s in sub.info.sheets}
        assert kinds == {"Action plan": "action_plan", "Instructions": "other"}
        assert [s.header_row for s in sub.info.sheets if s.kind == "action_plan"] == [HEADER_ROW]
        bad = [i for i in sub.issues if i.severity in (ERROR, WARNING)]
        assert bad == [], (path.name, bad)
        assert sub.info.sro == path.stem.split(" ", 1)[1]
        seen.extend(sub.actions["key"])
        # every row comes back with last month's key and text
        for rec in sub.actions.to_dict("records"):
            before = consolidated.loc[rec["key"]]
            for col in ("theme", "aim", "action", "sub_action", "sro", "q1", "q2", "q3", "q4",
                        "later", "risks_issues"):
                assert rec[col] == before[col], (path.name, rec["key"], col)
            assert rec["rag"] == "" and rec["updates"] == ""  # this month's: to fill in
    assert sorted(seen) == sorted(consolidated.index)  # every row, once


def test_rows_without_a_ref_get_their_key_as_ref(templates, month1):
    prev = read_previous(month1[0]).actions
    assert (prev["ref"] == "").all()  # the seed has no Ref column
    ws = load_workbook(by_person(templates)["Craig McArdle"])["Action plan"]
    refs = [ws.cell(r, 1).value for r in range(HEADER_ROW + 1, ws.max_row + 1)
            if str(ws.cell(r, 1).value or "").startswith("K-")]
    mine = prev[prev["sro"].str.startswith("Craig McArdle")]["key"].tolist()
    assert refs == mine


def test_layout_header_banners_and_last_month_columns(templates, month1, prog):
    ws = load_workbook(by_person(templates)["Rachel Silcock"])["Action plan"]
    assert header(ws) == ["Ref", "Action", "Sub action", "SRO", "Q1", "Q2", "Q3", "Q4",
                          LAST_UPDATE_HEADER, "Updates", "Risks/Issues", LAST_RAG_HEADER, "RAG",
                          "Comments"]
    assert ws["A5"].value.startswith("Theme 1: Commissioning")
    assert ws["A6"].value.startswith("Aim: Recognising our system challenges")
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A5:N5", "A6:N6"} <= merged
    prev = read_previous(month1[0]).actions
    rachel = prev[prev["sro"].str.startswith("Rachel Silcock")]
    last_rag = [ws.cell(r, column(ws, LAST_RAG_HEADER)).value for r in range(7, 7 + len(rachel))]
    assert last_rag == [prog.rag.label(v) if v else None for v in rachel["rag"]]
    last_update = [ws.cell(r, column(ws, LAST_UPDATE_HEADER)).value or ""
                   for r in range(7, 7 + len(rachel))]
    assert last_update == list(rachel["updates"])
    # Action and SRO written on the first row of an action, carried down by the reader
    assert ws.cell(7, 2).value and ws.cell(8, 2).value is None


def test_extra_columns_an_sro_had_are_in_their_template_only(templates):
    headers = {name: header(load_workbook(p)["Action plan"])
               for name, p in by_person(templates).items()}
    assert headers["Rachel Silcock"][-1] == "Comments"
    assert headers["Carole Burgoyne"][-1] == "Budget code"
    for name, h in headers.items():
        if name not in ("Rachel Silcock", "Carole Burgoyne"):
            assert h[-1] == "RAG", name
    ws = load_workbook(by_person(templates)["Carole Burgoyne"])["Action plan"]
    col = column(ws, "Budget code")
    codes = [ws.cell(r, col).value for r in range(HEADER_ROW + 1, ws.max_row + 1)
             if ws.cell(r, col).value]
    assert codes[:3] == ["WF18-0701", "WF18-0702", "WF18-0703"]


def test_protection_without_password_locks_keys_and_opens_fill_in_cells(templates):
    ws = load_workbook(by_person(templates)["Rachel Silcock"])["Action plan"]
    prot = ws.protection
    assert prot.sheet is True
    assert not prot.password  # it guides, it does not secure
    assert prot.insertRows is False  # False = allowed (openpyxl stores "is it forbidden")
    assert prot.deleteRows is True
    row = 7
    locked = {h: ws.cell(row, column(ws, h)).protection.locked for h in header(ws)}
    assert locked == {"Ref": True, "Action": True, "Sub action": False, "SRO": True,
                      "Q1": False, "Q2": False, "Q3": False, "Q4": False,
                      LAST_UPDATE_HEADER: True, "Updates": False, "Risks/Issues": False,
                      LAST_RAG_HEADER: True, "RAG": False, "Comments": False}
    assert ws["A5"].protection.locked  # banners
    # the empty rows at the bottom are open for new rows, except Ref and the grey columns
    last = ws.max_row
    assert not ws.cell(last, column(ws, "Action")).protection.locked
    assert ws.cell(last, column(ws, "Ref")).protection.locked
    assert ws.cell(last, column(ws, LAST_RAG_HEADER)).protection.locked


def test_dropdowns_ranges_and_lists(templates):
    ws = load_workbook(by_person(templates)["Ann James"])["Action plan"]
    last = ws.max_row
    first = HEADER_ROW + 1
    dvs = {}
    for dv in ws.data_validations.dataValidation:
        dvs[str(dv.sqref)] = dv
    rag = ws.cell(1, column(ws, "RAG")).column_letter
    dv = dvs[f"{rag}{first}:{rag}{last}"]
    assert dv.type == "list"
    assert dv.formula1 == '"' + ",".join(LABELS) + '"'
    assert dv.errorStyle in (None, "stop") and dv.allow_blank
    assert dv.showErrorMessage and dv.showInputMessage
    for q in ("Q1", "Q2", "Q3", "Q4", "Later"):
        letter = ws.cell(1, column(ws, q)).column_letter
        mdv = dvs[f"{letter}{first}:{letter}{last}"]
        assert mdv.formula1 == '"X,Complete"' and mdv.errorStyle == "warning"
    assert len(dvs) == 6


def test_rag_conditional_formats_match_the_consolidated_workbook(templates, month1):
    ws = load_workbook(by_person(templates)["Ann James"])["Action plan"]
    cons = load_workbook(month1[0])["Actions"]

    def rules(sheet, letter):
        out = []
        for rng, rs in sheet.conditional_formatting._cf_rules.items():
            if str(rng.sqref).startswith(letter):
                out += [(r.type, r.operator, r.formula[0], r.dxf.fill.bgColor.rgb,
                         r.dxf.font.color.rgb) for r in rs]
        return out

    mine = rules(ws, ws.cell(1, column(ws, "RAG")).column_letter)
    theirs = rules(cons, "Q")  # the consolidated RAG column
    assert mine == theirs
    assert [m[2] for m in mine] == [f'"{lab}"' for lab in LABELS]
    assert [m[3][2:] for m in mine] == list(LEVEL_FILL.values())
    assert rules(ws, ws.cell(1, column(ws, LAST_RAG_HEADER)).column_letter) == mine


def test_frozen_header_and_print_setup(templates):
    ws = load_workbook(by_person(templates)["Jo Beer"])["Action plan"]
    assert ws.freeze_panes == f"A{HEADER_ROW + 1}"
    assert ws.print_title_rows == "$4:$4"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0


def test_instructions_sheet_explains_scale_dropdowns_and_return(templates):
    wb = load_workbook(by_person(templates)["Jo Beer"])
    assert wb.sheetnames == ["Action plan", "Instructions"]
    ws = wb["Instructions"]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value]
    whole = "\n".join(texts)
    for lab, level in zip(LABELS, LEVEL_FILL):
        cell = next(c for row in ws.iter_rows() for c in row if c.value == lab)
        assert cell.fill.fgColor.rgb[2:] == LEVEL_FILL[level]
    for words in ("RAG", "Updates", "dropdown", "Unprotect", "send it back", "Jo Beer",
                  "Not reported", "X", "Complete"):
        assert words.lower() in whole.lower(), words


def test_coordinator_named_when_the_programme_says_who(tmp_path, month1):
    prog = load_config(DEMO, overrides={"programme": {"coordinator": "pmo@plymouth.gov.uk",
                                                      "return_by": "5 April 2018"}})
    paths = make_templates(month1[0], tmp_path, prog)
    ws = load_workbook(paths[0])["Instructions"]
    whole = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "email it to pmo@plymouth.gov.uk by 5 April 2018" in whole


def test_same_consolidated_gives_the_same_bytes(month1, prog, tmp_path, templates):
    again = make_templates(month1[0], tmp_path, prog)
    assert [sha(p) for p in again] == [sha(p) for p in templates]


def test_the_consolidated_workbook_is_not_touched(month1, prog, tmp_path):
    before = sha(month1[0])
    make_templates(month1[0], tmp_path, prog)
    assert sha(month1[0]) == before


def test_not_a_consolidated_workbook_is_a_plain_error(tmp_path, prog):
    paths = write_submissions(tmp_path / "in", "2018-03")
    with pytest.raises(TemplateError, match="not a consolidated workbook"):
        make_templates(paths[0], tmp_path / "out", prog)
    with pytest.raises(TemplateError, match="no such file"):
        make_templates(tmp_path / "nope.xlsx", tmp_path / "out", prog)


def test_text_is_written_as_text(tmp_path, prog):
    """An SRO's '=HYPERLINK(...)' stays text in their template."""
    from xlplan.template import ActionRow, SroPlan, template_bytes

    hostile = '=HYPERLINK("http://x","y")'
    plan = SroPlan("A Person", [ActionRow("1.1", "Theme 1: T", "", "Act", hostile, "A Person",
                                          {"q1": "X", "q2": "", "q3": "", "q4": "", "later": ""},
                                          "", "", "http://example.org", "", "", "", "{=1+1}")])
    path = tmp_path / "t.xlsx"
    path.write_bytes(template_bytes(plan, prog, "2018-04"))
    ws = load_workbook(path)["Action plan"]
    values = [c.value for row in ws.iter_rows(min_row=HEADER_ROW + 1) for c in row if c.value]
    assert hostile in values and "{=1+1}" in values and "http://example.org" in values
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


# ---------------------------------------------------------------------------------- blank
def test_blank_template_reads_as_an_empty_plan(tmp_path, prog):
    path = make_blank_template(tmp_path / "blank.xlsx", prog)
    sub = read_submission(path, prog)
    assert sub.info.status == "ok"
    assert [i for i in sub.issues if i.severity == ERROR] == []
    kinds = {s.name: s.kind for s in sub.info.sheets}
    assert kinds["Action plan"] == "action_plan"
    assert kinds["Risks"] == "risk_register"
    assert len(sub.actions) == 0
    wb = load_workbook(path)
    ws = wb["Action plan"]
    assert LAST_RAG_HEADER not in header(ws)
    assert header(ws)[:4] == ["Ref", "Action", "Sub action", "SRO"]
    assert not ws.cell(HEADER_ROW + 1, 2).protection.locked  # Action open in a blank plan
    risks = wb["Risks"]
    h = header(risks)
    for name in ("Ref", "Owner", "Description", "Likelihood", "Impact", "Score", "RAG"):
        assert name in h
    lists = {dv.formula1 for dv in risks.data_validations.dataValidation}
    assert '"1,2,3,4,5"' in lists
    score = risks.cell(HEADER_ROW + 1, h.index("Score") + 1)
    assert score.data_type == "f" and "ISNUMBER" in score.value
    with pytest.raises(TemplateError):
        make_blank_template(tmp_path / "blank.csv", prog)


def test_blank_template_filled_in_reads_back(tmp_path, prog):
    path = make_blank_template(tmp_path / "blank.xlsx", prog)
    wb = load_workbook(path)
    ws = wb["Action plan"]
    h = header(ws)
    r = HEADER_ROW + 1
    ws.cell(r, 1).value = None
    ws.cell(r, h.index("Action") + 1).value = "Develop the market position statement"
    ws.cell(r, h.index("Sub action") + 1).value = "1. Draft shared with providers"
    ws.cell(r, h.index("SRO") + 1).value = "A Person, Head of Commissioning"
    ws.cell(r, h.index("Q2") + 1).value = "X"
    ws.cell(r, h.index("RAG") + 1).value = "Green"
    wb.save(path)
    sub = read_submission(path, prog)
    assert len(sub.actions) == 1
    rec = sub.actions.iloc[0]
    assert rec["rag"] == "Green" and rec["q2"] == "X" and rec["sro"].startswith("A Person")
    assert sub.info.sro == "A Person"


# ---------------------------------------------------------------------------------- helpers
def test_sro_person_and_next_period():
    assert sro_person("Elaine Fitzsimmons Head of Commissioning, NEW Devon CCG") == \
        "Elaine Fitzsimmons"
    assert sro_person("Shelagh McCormick, Chair of Western Locality\nMark Proctor, ...") == \
        "Shelagh McCormick"
    assert sro_person("") == ""
    assert next_period("2018-03") == "2018-04"
    assert next_period("2018-12") == "2019-01"
    assert next_period("March") == ""


# ------------------------------------------------------------------------------ LibreOffice


@pytest.mark.libreoffice
def test_libreoffice_opens_a_template(templates, tmp_path):
    exe = soffice_or_skip()
    src = tmp_path / "t.xlsx"
    shutil.copy(by_person(templates)["Carole Burgoyne"], src)
    subprocess.run([exe, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--headless", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,UTF8,1,,0,false,true,false,false,"
                    "false,-1", "--outdir", str(tmp_path / "csv"), str(src)],
                   check=True, capture_output=True, timeout=240)
    sheet = tmp_path / "csv" / "t-Action plan.csv"
    rows = list(csv.reader(sheet.open(encoding="utf-8")))
    assert rows[HEADER_ROW - 1][:4] == ["Ref", "Action", "Sub action", "SRO"]
    assert any(r and r[0].startswith("K-") for r in rows)
    assert (tmp_path / "csv" / "t-Instructions.csv").exists()
    subprocess.run([exe, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"),
                    str(src)], check=True, capture_output=True, timeout=240)
    assert (tmp_path / "pdf" / "t.pdf").read_bytes().startswith(b"%PDF")


# ------------------------------------------------------------------- the loop, three months
def rows_of(ws) -> dict[str, int]:
    """Ref -> Excel row of a template's Action plan."""
    return {ws.cell(r, 1).value: r for r in range(HEADER_ROW + 1, ws.max_row + 1)
            if ws.cell(r, 1).value and str(ws.cell(r, 1).value).startswith("K-")}


def set_cell(ws, row: int, name: str, value) -> None:
    ws.cell(row, column(ws, name)).value = value


def fill_as_last_month(ws) -> None:
    """An SRO who changes nothing: this month's RAG is last month's."""
    last, rag = column(ws, LAST_RAG_HEADER), column(ws, "RAG")
    for r in rows_of(ws).values():
        ws.cell(r, rag).value = ws.cell(r, last).value


def first_empty_row(ws) -> int:
    refs = rows_of(ws)
    return max(refs.values()) + 1


def key_of(merged, sub_action: str) -> str:
    hits = merged.actions[merged.actions["sub_action"] == sub_action]["key"].tolist()
    assert len(hits) == 1, (sub_action, hits)
    return hits[0]


@pytest.mark.slow
def test_three_months_round_trip(tmp_path, prog):
    craig_sub = "2. Commissioning Intentions signed off ready for consultation"
    rachel_sub = "2. Align VCS to Urgent Care System"
    new_sub = "4. Share the market position statement with providers"
    jo_sub = None

    # Month 1 (March 2018): the SROs' own workbooks.
    write_submissions(tmp_path / "2018-03", "2018-03")
    m1 = merge([tmp_path / "2018-03"], period="2018-03", config=prog)
    c1 = tmp_path / "Consolidated 2018-03.xlsx"
    write_consolidated(m1, c1)
    assert len(m1.actions) == 65
    keys1 = set(m1.actions["key"])

    # Month 2 (April): templates, edited as SROs would.
    t2 = make_templates(c1, tmp_path / "2018-04", prog)
    paths = by_person(t2)
    for person, path in paths.items():
        wb = load_workbook(path)
        ws = wb["Action plan"]
        fill_as_last_month(ws)
        refs = rows_of(ws)
        if person == "Craig McArdle":
            r = refs[key_of(m1, craig_sub)]
            assert ws.cell(r, column(ws, LAST_RAG_HEADER)).value == "Green"
            set_cell(ws, r, "RAG", "Amber")  # worsened
            set_cell(ws, r, "Updates", "Consultation delayed to May: Cabinet date moved")
        if person == "Caroline Paterson":
            r = first_empty_row(ws)  # a new sub-action under the last action
            set_cell(ws, r, "Sub action", new_sub)
            set_cell(ws, r, "Q2", "X")
            set_cell(ws, r, "RAG", "Green")
            set_cell(ws, r, "Updates", "Draft statement circulated to the provider forum")
        if person == "Rachel Silcock":
            r = refs[key_of(m1, rachel_sub)]
            set_cell(ws, r, "RAG", "Purple")  # not on the scale
            set_cell(ws, r, "Comments", "Escalate to the SDG chair")
        if person == "Jo Beer":  # deletes a row: it is carried forward, never lost
            r = max(refs.values())
            jo_sub = ws.cell(r, column(ws, "Sub action")).value
            ws.delete_rows(r)
        wb.save(path)
    # a typed bad RAG is found by validate, at its cell, before the merge
    sub = read_submission(paths["Rachel Silcock"], prog)
    bad = [i for i in sub.issues if i.code == "unknown-rag"]
    assert len(bad) == 1 and bad[0].value == "Purple"
    assert bad[0].column == ws_col_letter(paths["Rachel Silcock"], "RAG")

    m2 = merge([tmp_path / "2018-04"], previous=c1, period="2018-04", config=prog)
    c2 = tmp_path / "Consolidated 2018-04.xlsx"
    write_consolidated(m2, c2, inputs=[c1])
    a2 = m2.actions.set_index("key")
    assert len(m2.actions) == 66  # 65 + the new sub-action (Jo's deleted row carried)
    assert keys1 <= set(a2.index)  # every key followed from month to month
    new_key = key_of(m2, new_sub)
    assert new_key not in keys1 and a2.loc[new_key, "movement"] == NEW
    craig_key = key_of(m1, craig_sub)
    assert a2.loc[craig_key, "movement"] == WORSENED
    assert (a2.loc[craig_key, "previous_rag"], a2.loc[craig_key, "rag"]) == ("Green", "Amber")
    rachel_key = key_of(m1, rachel_sub)
    assert a2.loc[rachel_key, "rag_text"] == "Purple" and a2.loc[rachel_key, "rag"] == ""
    assert a2.loc[rachel_key, "Comments"] == "Escalate to the SDG chair"
    codes = [(i.code, i.value) for i in m2.issues if i.severity == ERROR]
    assert codes == [("unknown-rag", "Purple")]
    jo_key = key_of(m1, jo_sub)
    assert a2.loc[jo_key, "status"] == "Carried forward"
    unchanged = [k for k in keys1 - {craig_key, rachel_key, jo_key}]
    assert (a2.loc[unchanged, "movement"].isin(["Same", ""])).all()
    assert set(m2.extra_columns) - REFERENCE_HEADERS == {"Budget code", "Comments"}
    assert list(m2.history["period"]) == ["2018-03", "2018-04"]

    # Month 3 (May): templates from April's workbook.
    t3 = make_templates(c2, tmp_path / "2018-05", prog)
    assert [p.name for p in t3] == [f"2018-05 {s}.xlsx" for s in SROS]
    paths = by_person(t3)
    for person, path in paths.items():
        wb = load_workbook(path)
        ws = wb["Action plan"]
        assert LAST_RAG_HEADER in header(ws)
        assert header(ws).count(LAST_RAG_HEADER) == 1  # not carried as an extra column
        fill_as_last_month(ws)
        refs = rows_of(ws)
        if person == "Craig McArdle":
            r = refs[craig_key]
            assert ws.cell(r, column(ws, LAST_RAG_HEADER)).value == "Amber"
            assert ws.cell(r, column(ws, LAST_UPDATE_HEADER)).value.startswith("Consultation")
            set_cell(ws, r, "RAG", "Complete")
        if person == "Caroline Paterson":
            assert new_key in refs  # the new row now has a Ref: its key
            assert ws.cell(refs[new_key], column(ws, LAST_RAG_HEADER)).value == "Green"
        if person == "Rachel Silcock":
            r = refs[rachel_key]
            assert ws.cell(r, column(ws, LAST_RAG_HEADER)).value == "Purple"
            assert ws.cell(r, column(ws, "Comments")).value == "Escalate to the SDG chair"
            set_cell(ws, r, "RAG", "Green")
        if person == "Jo Beer":
            assert jo_key in refs  # the carried row comes back to its SRO
        wb.save(path)
    m3 = merge([tmp_path / "2018-05"], previous=c2, period="2018-05", config=prog)
    c3 = tmp_path / "Consolidated 2018-05.xlsx"
    write_consolidated(m3, c3, inputs=[c2])
    a3 = m3.actions.set_index("key")
    assert len(m3.actions) == 66 and set(a3.index) == set(a2.index)
    assert (a3["status"] == "").all()  # Jo's row is back: nothing carried
    assert a3.loc[craig_key, "movement"] == IMPROVED and a3.loc[craig_key, "rag"] == "Complete"
    assert a3.loc[new_key, "movement"] == "Same" and a3.loc[new_key, "ref"] == new_key
    assert a3.loc[rachel_key, "rag"] == "Green"
    assert a3.loc[rachel_key, "Comments"] == "Escalate to the SDG chair"
    assert [i for i in m3.issues if i.severity == ERROR] == []
    assert list(m3.history["period"]) == ["2018-03", "2018-04", "2018-05"]
    prev3 = read_previous(c3)
    assert set(prev3.actions["key"]) == set(a3.index)
    hist = prev3.history.set_index("period")
    assert hist.loc["2018-05", "Complete"] == hist.loc["2018-03", "Complete"] + 1


def ws_col_letter(path: Path, name: str) -> str:
    ws = load_workbook(path)["Action plan"]
    return ws.cell(1, column(ws, name)).column_letter


def test_last_month_columns_are_not_carried_into_the_consolidated_workbook(templates, prog):
    from xlplan.api import validate

    result = validate(list(templates), prog)
    assert not REFERENCE_HEADERS & set(map(str, result.actions.columns))


# ------------------------------------------------------------------------------------ risks
# The consolidated Risks sheet as xlplan.write.risks lays it out (A1 header, then rows).
RISK_HEADER = ["Ref", "Owner", "Category", "Description", "Likelihood", "Impact", "Score", "RAG",
               "Previous score", "Movement", "Worst score", "Target score", "Inherent score",
               "Review date", "Action plan", "Link to plan", "Controls", "Assurances", "Status",
               "Issues", "Key", "Source file", "Source sheet", "Source row", "Appetite note"]
OCC2 = ("Increased and sustained pressure on Adult Social Care budget due to increased numbers "
        "of people or increased complexity of need")
OCC5 = ("Risk of Market or Provider failure causing service disruption, loss of revenue and "
        "adverse publicity")
CP1 = "Care home market cannot meet demand for nursing beds"


def risk_row(ref, owner, category, description, lik, imp, previous, *, key=None, target="",
             inherent="", note=""):
    score = lik * imp
    return [ref, owner, category, description, lik, imp, score, "", previous, "", score, target,
            inherent, "", "Risk to be monitored", "", "Budget containment action plan", "FARG",
            "", "", key or ref, "people.xlsx", "Risks", 5, note]


RISKS = [
    risk_row("OCC2", "PEOPLE (CC) IRR", "Financial", OCC2, 4, 4, 16, inherent=20,
             note="Above appetite"),
    risk_row("OCC5", "PEOPLE (CC) IRR", "Service", OCC5, 4, 3, 12, target=8),
    risk_row("", "Caroline Paterson, PCC", "Service", CP1, 3, 2, "", key="R-0123456789"),
]


@pytest.fixture(scope="module")
def risk_plans(month1, prog):
    from xlplan.template import plans_from_previous

    prev = read_previous(month1[0])
    prev.sheets["Risks"] = [RISK_HEADER, *RISKS]
    return plans_from_previous(prev, prog)


def test_risks_go_to_their_owner(risk_plans):
    assert [r.values["ref"] for r in risk_plans["PEOPLE (CC) IRR"].risks] == ["OCC2", "OCC5"]
    assert risk_plans["PEOPLE (CC) IRR"].rows == []
    assert [r.values["ref"] for r in risk_plans["Caroline Paterson"].risks] == ["R-0123456789"]
    assert risk_plans["Caroline Paterson"].rows  # and her actions
    assert risk_plans["PEOPLE (CC) IRR"].risk_extra_columns == ["Appetite note"]


def test_risk_sheet_dropdowns_and_live_score(risk_plans, prog, tmp_path):
    from xlplan.template import template_bytes

    path = tmp_path / "people.xlsx"
    path.write_bytes(template_bytes(risk_plans["PEOPLE (CC) IRR"], prog, "2018-04"))
    wb = load_workbook(path)
    assert wb.sheetnames == ["Risks", "Instructions"]  # no actions: no Action plan sheet
    ws = wb["Risks"]
    h = header(ws)
    assert h == ["Ref", "Owner", "Category", "Description", "Link to plan", "Controls",
                 "Assurances", "Inherent score", "Previous score", "Likelihood", "Impact",
                 "Score", "RAG", "Target score", "Action plan", "Review date", "Appetite note"]
    first, last = HEADER_ROW + 1, ws.max_row
    col = {name: ws.cell(1, h.index(name) + 1).column_letter for name in h}
    dvs = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    for name in ("Likelihood", "Impact"):
        dv = dvs[f"{col[name]}{first}:{col[name]}{last}"]
        assert dv.type == "list" and dv.formula1 == '"1,2,3,4,5"'
    r = first
    assert [ws[f"{col[n]}{r}"].value for n in ("Ref", "Likelihood", "Impact", "Previous score")] \
        == ["OCC2", 4, 4, 16]
    score = ws[f"{col['Score']}{r}"].value
    assert score == (f'=IF(AND(ISNUMBER({col["Likelihood"]}{r}),ISNUMBER({col["Impact"]}{r})),'
                     f'{col["Likelihood"]}{r}*{col["Impact"]}{r},"")')
    assert ws[f"{col['RAG']}{r}"].value.startswith("=IF(ISNUMBER(")
    assert ws[f"{col['Ref']}{r}"].protection.locked
    assert not ws[f"{col['Likelihood']}{r}"].protection.locked
    assert ws[f"{col['Score']}{r}"].protection.locked and ws.protection.sheet
    cached = load_workbook(path, data_only=True)["Risks"]
    assert [(cached[f"{col['Score']}{k}"].value or "", cached[f"{col['RAG']}{k}"].value or "")
            for k in (first, first + 1, first + 2)] == [(16, "Red"), (12, "Amber"), ("", "")]
    sub = read_submission(path, prog)
    assert {s.name: s.kind for s in sub.info.sheets}["Risks"] == "risk_register"
    assert [i for i in sub.issues if i.severity == ERROR] == []


def test_risk_template_read_back_by_the_risk_reader(risk_plans, prog, tmp_path):
    pytest.importorskip("xlplan.normalise.risks", reason="the risk reader is not written yet")
    from xlplan.template import template_bytes

    path = tmp_path / "people.xlsx"
    path.write_bytes(template_bytes(risk_plans["PEOPLE (CC) IRR"], prog, "2018-04"))
    sub = read_submission(path, prog)
    assert [i for i in sub.issues if i.severity in (ERROR, WARNING)] == []
    assert list(sub.risks["ref"]) == ["OCC2", "OCC5"]


@pytest.mark.libreoffice
def test_libreoffice_recalculates_score_and_rag_to_the_cached_values(risk_plans, prog,
                                                                     tmp_path):
    from xlplan.template import template_bytes

    exe = soffice_or_skip()
    src = tmp_path / "people.xlsx"
    src.write_bytes(template_bytes(risk_plans["PEOPLE (CC) IRR"], prog, "2018-04"))
    wb = load_workbook(src)
    ws = wb["Risks"]
    h = header(ws)
    # what finance does: change likelihood and impact; the score and RAG follow
    ws.cell(HEADER_ROW + 2, h.index("Likelihood") + 1).value = 2
    ws.cell(HEADER_ROW + 3, h.index("Description") + 1).value = "A new risk"
    ws.cell(HEADER_ROW + 3, h.index("Likelihood") + 1).value = 5
    ws.cell(HEADER_ROW + 3, h.index("Impact") + 1).value = 1
    wb.save(src)
    profile = tmp_path / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><oor:items xmlns:oor="http://openoffice.org/'
        '2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.'
        'org/2001/XMLSchema-instance"><item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
        '<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>'
        '</oor:items>', "utf-8")
    subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,UTF8,1,,0,false,true,"
                    "false,false,false,1", "--outdir", str(tmp_path / "csv"), str(src)],
                   check=True, capture_output=True, timeout=240)
    sheet = next((tmp_path / "csv").glob("people*.csv"))
    rows = list(csv.reader(sheet.open(encoding="utf-8")))
    got = [(r[h.index("Score")], r[h.index("RAG")]) for r in rows[HEADER_ROW:HEADER_ROW + 4]]
    assert got == [("16", "Red"), ("6", "Yellow"), ("5", "Yellow"), ("", "")]  # 2x3, 5x1


def test_without_a_programme_the_consolidated_labels_are_used(month1, tmp_path):
    paths = make_templates(month1[0], tmp_path)  # no --config: the workbook's own labels
    ws = load_workbook(paths[0])["Action plan"]
    rag = ws.cell(1, column(ws, "RAG")).column_letter
    lists = {dv.formula1 for dv in ws.data_validations.dataValidation
             if str(dv.sqref).startswith(rag)}
    assert lists == {'"' + ",".join(LABELS) + '"'}
    assert ws["A1"].value.startswith("Plymouth CQC Action Plan 2018-19")


def write_register(path: Path) -> Path:
    """Appendix 4 of seed 003 as an SRO keeps it: one-cell ratings '4 4 16', 'New', '— A'."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Risk register"
    ws.append(["People Directorate Risk and Opportunity Register"])
    ws.append([])
    ws.append(["PM RISK REF", "DEPT", "RISK CATEGORY", "DESCRIPTION OF RISK (Risk description "
               "should include cause/risk event/consequence and risk category)",
               "CURRENT EXISTING MANAGEMENT CONTROLS AND INTERNAL CONTROL MEASURES",
               "PREVIOUS RESIDUAL RISK RATING", "CURRENT RESIDUAL RISK RATING",
               "RAG RATING / MOVEMENT IN RISK SCORE", "ACTION PLAN / FUTURE MITIGATION"])
    ws.append(["OCC2", "PEOPLE (CC) IRR", "Financial", OCC2, "Budget containment Action Plan.",
               "4 4 16", "4 4 16", "\u2014 A", "Risk to be continued to be monitored"])
    ws.append(["OCC5", "PEOPLE (CC) IRR", "Service", OCC5, "Internal Audit Review.", "4 3 12",
               "4 3 12", "\u2014 A", "Contract monitoring and market intelligence"])
    wb.save(path)
    return path


@pytest.mark.slow
def test_risks_round_trip(tmp_path, prog):
    write_submissions(tmp_path / "2018-03", "2018-03")
    write_register(tmp_path / "2018-03" / "2018-03 People Directorate risks.xlsx")
    m1 = merge([tmp_path / "2018-03"], period="2018-03", config=prog)
    assert len(m1.risks) == 2
    c1 = tmp_path / "Consolidated 2018-03.xlsx"
    write_consolidated(m1, c1)
    if "Risks" not in load_workbook(c1, read_only=True).sheetnames:
        pytest.skip("the consolidated workbook has no Risks sheet yet (xlplan.write.SHEETS)")
    paths = by_person(make_templates(c1, tmp_path / "2018-04", prog))
    people = paths["PEOPLE (CC) IRR"]
    wb = load_workbook(people)
    assert wb.sheetnames == ["Risks", "Instructions"]
    ws = wb["Risks"]
    h = header(ws)
    rows = {ws.cell(r, 1).value: r for r in range(HEADER_ROW + 1, ws.max_row + 1)
            if ws.cell(r, 1).value}
    assert set(rows) == {"OCC2", "OCC5"}
    r = rows["OCC5"]
    assert ws.cell(r, h.index("Previous score") + 1).value == 12
    ws.cell(r, h.index("Likelihood") + 1).value = 3  # the risk is better controlled
    wb.save(people)
    sub = read_submission(people, prog)
    assert [i for i in sub.issues if i.severity in (ERROR, WARNING)] == []
    m2 = merge([tmp_path / "2018-04"], previous=c1, period="2018-04", config=prog)
    risks = m2.risks.set_index("key")
    assert set(risks.index) == {"OCC2", "OCC5"}
    assert (risks.loc["OCC5", "score"], risks.loc["OCC5", "previous_score"]) == (9, 12)
    assert risks.loc["OCC5", "movement"] == "Down" and risks.loc["OCC2", "movement"] == "Same"
    assert [i for i in m2.issues if i.severity == ERROR and "risk" in i.sheet.lower()] == []
