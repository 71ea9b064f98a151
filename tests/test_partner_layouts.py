"""Held-out reading check: workbooks partners write without xlplan's template.

Each layout in :mod:`tests.partner_layouts` is a register, RAID log, tracker, plan or
scorecard in a style met in councils, trusts and ICBs (or a workbook that is none of these),
written by code with its correct reading beside it. Every layout is checked the same way:

* each sheet is classified as the kind a person would say it is;
* every data row is read exactly once, and no furniture row (title, instruction, repeated
  header, banner, total, legend, footnote, pre-numbered empty row, dropdown list) is read;
* the key fields of sample rows: description / action text, owner / SRO, likelihood and
  impact, scores, the RAG, the theme a banner gives, and the workflow status and rating
  words kept as written;
* issues that would be false on this workbook (``unknown-rag`` for a workflow status,
  ``bad-rating`` for a rating in words, ``header-not-found`` for a plain table) are not raised.

Where the product does not yet read a layout right, that check is marked ``xfail(strict)``
with what goes wrong, so the list of xfails is the reading's to-do list and a fix shows as an
XPASS to turn into a plain test.
"""
from __future__ import annotations

import math
import re
from collections import Counter

import pytest
from openpyxl import load_workbook

from tests.partner_layouts import FRAME, LAYOUTS, OTHER, Has, write_all
from xlplan.api import read_submission
from xlplan.config import load_config

# ------------------------------------------------------------------------------ known gaps
#: (check, layout) -> what goes wrong today. Each is an ``xfail(strict=True)``.
XFAIL: dict[tuple[str, str], str] = {}


def cases(check: str) -> list:
    return [pytest.param(name, id=name, marks=pytest.mark.xfail(strict=True,
                                                                 reason=XFAIL[(check, name)]))
            if (check, name) in XFAIL else pytest.param(name, id=name) for name in LAYOUTS]


# ------------------------------------------------------------------------------ fixtures

@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict:
    return write_all(tmp_path_factory.mktemp("partners"))


@pytest.fixture(scope="module")
def read(written) -> dict:
    programme = load_config()
    return {name: read_submission(path, programme) for name, (path, _exp) in written.items()}


# ------------------------------------------------------------------------------ helpers

def fold(value: object) -> str:
    return " ".join(str(value).split())


def blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or \
        (isinstance(value, str) and not value.strip())


def texts_of(rec: dict) -> list[str]:
    """Every text the row carries, in any column (canonical or extra)."""
    out = []
    for k, v in rec.items():
        if isinstance(v, str):
            out.append(fold(v))
        elif isinstance(v, (list, tuple)):
            out.extend(fold(x) for x in v if isinstance(x, str))
    return out


def kept(rec: dict, want: object) -> bool:
    """The row keeps this text: as a whole cell, as a whole word of one, or (``Has``) inside."""
    texts = texts_of(rec)
    if isinstance(want, Has):
        return any(fold(want.text) in t for t in texts)
    word = re.compile(r"(?<!\w)" + re.escape(fold(want)) + r"(?!\w)")
    return any(t == fold(want) or word.search(t) for t in texts)


def raid_type(rec: dict) -> str:
    """The RAID type a row is labelled with (the column's name is the product's)."""
    for col in ("raid_type", "kind"):
        if col in rec and not blank(rec[col]):
            return fold(rec[col]).lower()
    return ""


def field_value(rec: dict, name: str) -> object:
    if name == "text":  # a flat tracker's one text column may be read as action or sub-action
        return rec.get("sub_action") if not blank(rec.get("sub_action")) else rec.get("action")
    if name == "raid_type":
        return raid_type(rec)
    return rec.get(name)


def matches(got: object, want: object) -> bool:
    if isinstance(want, Has):
        return not blank(got) and fold(want.text) in fold(got)
    if want == "":
        return blank(got)
    if isinstance(want, bool) or not isinstance(want, (int, float)):
        if isinstance(want, list):
            vals = [v for v in (got or []) if not blank(v)]
            return len(vals) == len(want) and all(
                isinstance(v, (int, float)) and math.isclose(v, w) for v, w in zip(vals, want))
        return not blank(got) and fold(got) == fold(want)
    try:
        return not blank(got) and math.isclose(float(got), float(want))
    except (TypeError, ValueError):
        return False


def frame_of(sub, kind: str):
    return getattr(sub, FRAME[kind])


def records(sub, sheet: str, kind: str) -> dict[int, list[dict]]:
    df = frame_of(sub, kind)
    out: dict[int, list[dict]] = {}
    if df.empty:
        return out
    for rec in df[df["sheet"] == sheet].to_dict("records"):
        out.setdefault(int(rec["source_row"]), []).append(rec)
    return out


# ------------------------------------------------------------------------------ the checks

@pytest.mark.parametrize("name", cases("kinds"))
def test_sheet_kinds(read, written, name):
    """Every sheet is classified as the kind a person would say it is."""
    exp = written[name][1]
    got = {s.name: s.kind for s in read[name].info.sheets}
    assert got == exp.sheets


@pytest.mark.parametrize("name", cases("rows"))
def test_every_data_row_once_and_no_furniture(read, written, name):
    """Rows in = data rows: each once, none of the furniture around or inside the table."""
    sub, exp = read[name], written[name][1]
    for sheet, kind in exp.sheets.items():
        if kind == OTHER:
            continue
        got = Counter()
        for row, recs in records(sub, sheet, kind).items():
            got[row] += len(recs)
        if sheet in exp.groups:  # one record per group of rows, at one of its rows
            group_of = {r: g[0] for g in exp.groups[sheet] for r in g}
            grouped = Counter()
            for row, n in got.items():
                grouped[group_of.get(row, row)] += n
            got = grouped
            data = [g[0] for g in exp.groups[sheet]]
        else:
            data = exp.data[sheet]
        twice = sorted(r for r, n in got.items() if n > 1)
        furniture = sorted(set(got) & set(exp.furniture[sheet]))
        missing = sorted(set(data) - set(got))
        invented = sorted(set(got) - set(exp.data[sheet]) - set(exp.furniture[sheet]))
        assert (twice, furniture, missing, invented) == ([], [], [], []), \
            f"{sheet}: read twice {twice}, furniture read {furniture}, data missed {missing}, " \
            f"rows invented {invented}"
    # nothing read from a sheet that holds no table of a known kind
    for kind, frame in FRAME.items():
        df = getattr(sub, frame)
        others = [s for s, k in exp.sheets.items() if k != kind]
        assert df.empty or not df["sheet"].isin(others).any(), \
            f"{kind} rows read from {sorted(set(df['sheet']) & set(others))}"


@pytest.mark.parametrize("name", cases("fields"))
def test_key_fields_of_sample_rows(read, written, name):
    """Description / action text, owner / SRO, ratings, RAG, theme, RAID type, texts kept."""
    sub, exp = read[name], written[name][1]
    wrong = []
    by_indicator = {r["indicator"]: r for r in sub.scorecards.to_dict("records")} \
        if exp.by_indicator else {}
    samples = [((sheet, row), want, (records(sub, sheet, exp.sheets[sheet]).get(row) or [None])[0])
               for (sheet, row), want in exp.samples.items()]
    samples += [(("indicator", ind), want, by_indicator.get(ind))
                for ind, want in exp.by_indicator.items()]
    for (sheet, row), want, rec in samples:
        if rec is None:
            wrong.append(f"{sheet}!{row}: not read")
            continue
        for fld, value in want.items():
            if fld == "probability":  # judged across rows (test_probabilities_and_words)
                continue
            if fld == "kept":
                lost = [v for v in value if not kept(rec, v)]
                if lost:
                    wrong.append(f"{sheet}!{row}: text not kept {lost}")
                continue
            got = field_value(rec, fld)
            if not matches(got, value):
                wrong.append(f"{sheet}!{row} {fld}: got {got!r}, want {value!r}")
    assert wrong == []


@pytest.mark.parametrize("name", cases("issues"))
def test_no_false_issues(read, written, name):
    """No unknown-rag for a workflow status, no bad-rating for words, no header-not-found for
    a plain table (each layout lists the codes that would be false on it)."""
    sub, exp = read[name], written[name][1]
    false = [(i.code, i.sheet, i.cell, i.value) for i in sub.issues if i.code in exp.forbidden]
    assert false == []


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(
    strict=True, reason=XFAIL[("nothing", n)])) if ("nothing", n) in XFAIL else n
    for n in ("contacts_list", "budget_sheet")])
def test_workbook_of_no_kind_reads_nothing_plainly(read, name):
    """A contacts list or a budget: no rows, one plain statement, no error storm."""
    sub = read[name]
    assert (len(sub.actions), len(sub.risks), len(sub.scorecards)) == (0, 0, 0)
    loud = [i for i in sub.issues if i.severity in ("error", "warning")]
    assert 1 <= len(sub.issues) <= 2, [(i.code, i.message) for i in sub.issues]
    assert len(loud) <= 1


def _xf(check: str, name: str):
    return [pytest.mark.xfail(strict=True, reason=XFAIL[(check, name)])] \
        if (check, name) in XFAIL else []


@pytest.mark.parametrize("name", [pytest.param("probability_register",
                                               marks=_xf("matrix", "probability_register"))])
def test_probabilities_and_impact_words_map_onto_the_matrix_in_order(read, written, name):
    """0.2 / 0.5 / 0.8 and Low / Medium / High land on the 1-5 scale, in their order."""
    sub, exp = read[name], written[name][1]
    rows = records(sub, "Risk Log", "risk_register")
    order = {"Low": 0, "Medium": 1, "High": 2}
    seen = []
    for (sheet, row), want in exp.samples.items():
        rec = rows[row][0]
        lik, imp = rec.get("likelihood"), rec.get("impact")
        assert not blank(lik) and not blank(imp), f"row {row}: likelihood {lik!r}, impact {imp!r}"
        assert 1 <= float(lik) <= 5 and 1 <= float(imp) <= 5
        seen.append((want["probability"], order[want["kept"][0]], float(lik), float(imp)))
    for a in seen:
        for b in seen:
            if a[0] < b[0]:
                assert a[2] < b[2], f"probability {a[0]} read as {a[2]}, {b[0]} as {b[2]}"
            if a[1] < b[1]:
                assert a[3] < b[3], f"impact word order lost: {a} vs {b}"


NHS_LIKELIHOOD = {"Rare": 1, "Unlikely": 2, "Possible": 3, "Likely": 4, "Almost certain": 5}
NHS_CONSEQUENCE = {"Negligible": 1, "Minor": 2, "Moderate": 3, "Major": 4, "Catastrophic": 5}


@pytest.mark.parametrize("name", [pytest.param("nhs_word_matrix_register",
                                               marks=_xf("matrix", "nhs_word_matrix_register"))])
def test_nhs_matrix_words_read_as_their_numbers(read, written, name):
    """The NHS 5x5 words read as 1-5: Rare..Almost certain, Negligible..Catastrophic."""
    sub, exp = read[name], written[name][1]
    rows = records(sub, "Directorate risks", "risk_register")
    got, want = [], []
    for (sheet, row), sample in exp.samples.items():
        rec = rows[row][0]
        lik_word, con_word = sample["kept"][0], sample["kept"][1]
        want.append((row, NHS_LIKELIHOOD[lik_word], NHS_CONSEQUENCE[con_word]))
        got.append((row, rec.get("likelihood"), rec.get("impact")))
    assert [(r, float(a) if not blank(a) else None, float(b) if not blank(b) else None)
            for r, a, b in got] == [(r, float(a), float(b)) for r, a, b in want]


#: Rows inside a table that are furniture and must each be said (``not-a-row``, naming the row).
SAID = {
    "council_corporate_register": ("Corporate Risk Register", "Total risks: 12"),
    "improvement_plan_sections": ("Improvement Plan", "Action"),  # the repeated headers
    "furnished_risk_template": ("Register", "Total"),
}


@pytest.mark.parametrize("name", [pytest.param(n, marks=_xf("said", n)) for n in SAID])
def test_skipped_rows_inside_the_table_are_said(read, written, name):
    """A total line or a repeated header is skipped with an info issue naming its row."""
    sub, exp = read[name], written[name][1]
    sheet, text = SAID[name]
    path = written[name][0]
    ws = load_workbook(path)[sheet]
    rows = [r for r in exp.furniture[sheet]
            if any(fold(c.value) == text for c in ws[r] if c.value is not None)]
    if text == "Action":  # the first header is the header: only its repeats are rows
        rows = rows[1:]
    assert rows, "the layout has the furniture row it is meant to have"
    said = {i.row for i in sub.issues if i.code == "not-a-row" and i.sheet == sheet}
    assert [r for r in rows if r not in said] == []


@pytest.mark.parametrize("name", [pytest.param("merge", marks=_xf("output", "merge"))])
def test_rating_words_reach_the_consolidated_workbook(written, tmp_path, name):
    """Words and probabilities are kept as written in the consolidated Risks sheet."""
    import xlplan

    paths = [written[n][0] for n in ("probability_register", "nhs_word_matrix_register")]
    merged = xlplan.merge(paths, period="2024-01", jobs=1)
    out = tmp_path / "consolidated.xlsx"
    xlplan.write_consolidated(merged, out, inputs=paths)
    ws = load_workbook(out, read_only=True)["Risks"]
    cells = {fold(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None}
    words = ["M - H", "Almost certain", "Catastrophic", "Possible", "Major"]
    assert [w for w in words if not any(w == c or re.search(
        r"(?<!\w)" + re.escape(w) + r"(?!\w)", c) for c in cells)] == []
