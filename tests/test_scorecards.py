"""Reading performance scorecards end to end, and merging them month by month.

The scorecard is seed 003's (Appendix 3, sections 6-9), written as an SRO's workbook by
:mod:`xlplan.demo.scorecard`; the rules module (trend_rag, benchmark_rag) has its own tests
in test_scorecard_rules.py, so here each rule is checked through a real workbook read.
"""
from __future__ import annotations

import datetime as dt
import types
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from builders import write_plan
from xlplan.api import read_submission, validate
from xlplan.demo.scorecard import (
    HEADER,
    LATER_VALUES,
    SEED_ROWS,
    indicators,
    write_scorecard_periods,
    write_scorecard_workbook,
)
from xlplan.merging.scorecards import CARRIED, NEW, merge_scorecards
from xlplan.normalise.scorecards import FIRST_VALUE, LATEST_VALUE
from xlplan.schema.periods import parse_period

SEED = Path(__file__).resolve().parent / "data" / "seeds" / "003_81b3f41a6f14c3ed.txt"

# (indicator as in the seed, strategy, trend RAG of its first and last value, why)
SEED_TRENDS = [
    ("CCGOF Referral to Treatment waiting times (patients seen within 18 weeks on incomplete "
     "pathway (%))", "Wellbeing", "Red"),                                 # 84.8% -> 81.3%: -4.1%
    ("NHSOF Estimated diagnosis rates for Dementia", "Wellbeing", "Amber"),     # +0.8%
    ("In hospital Falls with harm", "Wellbeing", "Red"),                         # up, low is good
    ("Referrals carried out within 12 months of a previous referral (Re-referrals)",
     "Children and Young People", "Green"),
    ("Number of children subject to a Child Protection plan", "Children and Young People",
     "Green"),
    ("Number of Children in Care", "Children and Young People", "Amber"),      # +1.2%
    ("Number of Children in Care - Residential", "Children and Young People", "Red"),
    ("Timing of Children's Single Assessments (% completed within 45 working days)",
     "Children and Young People", "Red"),
    ("Number of households prevented from becoming homeless", "Community", "Red"),
    ("Average number of households in B&B per month", "Community", "Red"),
    ("Proportion of people still at home 91 days after discharge from hospital into reablement/ "
     "rehabilitation services", "Community", "Red"),                        # -4.5%
    ("Improving Access to Psychological Therapies Monthly Access rate", "Community", "Red"),
    ("Improving Access to Psychological Therapies Recovery rate rate", "Community", "Green"),
    ("A&E four hour wait", "Community", "Red"),                                 # -6.0%
    ("Emergency Admissions to hospital (over 65s)", "Community", "Amber"),     # 1,387 -> 1,371
    ("Discharges at weekends and bank holidays", "Community", "Green"),        # +4.8%
    ("Rate of Delayed transfers of care per day, per 100,000 population", "Community", "Red"),
    ("Rate of Delayed transfers of care per day, per 100,000 population, attributable to Adult "
     "Social Care", "Community", "Red"),
    ("People helped to live in their own home through the provision of Major Adaptation",
     "Community", "Green"),
    ("Long-term support needs met by admission to residential and nursing care homes, per "
     "100,000 population (aged 65+)", "Community", "Green"),               # -7.3%, low is good
    ("Long-term support needs met by admission to residential and nursing care homes, per "
     "100,000 population (aged 18-64)", "Community", "Red"),
    ("Percentage of CQC providers with a CQC rating of good or outstanding",
     "Enhanced and Specialist", "Red"),
]


def codes(issues, code=None):
    return [(i.code, i.cell) for i in issues if code is None or i.code == code]


def by_indicator(df):
    return {rec["indicator"]: rec for rec in df.to_dict("records")}


@pytest.fixture(scope="module")
def seed_book(tmp_path_factory):
    return write_scorecard_workbook(tmp_path_factory.mktemp("seed") / "scorecard.xlsx")


@pytest.fixture(scope="module")
def seed_sub(seed_book):
    return read_submission(seed_book)


# ------------------------------------------------------------------------------ the seed itself

@pytest.mark.skipif(not SEED.exists(), reason="seed 003 not next to the repository")
def test_example_data_is_the_seed_word_for_word():
    lines = SEED.read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("6. WELLBEING"))
    end = next(i for i, line in enumerate(lines) if line.startswith("APPENDIX 4"))
    seen = []
    for line in lines[start:end]:
        cells = line.split("\t")
        if not line.strip() or cells == list(HEADER):
            continue
        if len(cells) == 1:
            seen.append(("strategy", cells[0].split(". ", 1)[1]))
        elif not any(cells[1:]):
            seen.append(("objective", cells[0]))
        else:
            seen.append(("indicator", tuple(cells[:5] + cells[6:])))
    ours = [(kind, tuple(vars(rec).values()) if kind == "indicator" else rec)
            for kind, rec in SEED_ROWS]
    assert ours == seen
    assert len(indicators()) == 22


def test_seed_scorecard_reads_every_indicator_with_its_trend(seed_sub):
    assert [(s.name, s.kind, s.header_row, s.rows) for s in seed_sub.info.sheets] == [
        ("Scorecard", "scorecard", 4, 22)]
    assert seed_sub.issues == []
    df = seed_sub.scorecards
    assert list(df["indicator"]) == [name for name, _, _ in SEED_TRENDS]
    for (name, strategy, trend), rec in zip(SEED_TRENDS, df.to_dict("records")):
        assert (rec["strategy"], rec["trend_rag"]) == (strategy, trend), name
        # The workbook's Trend cells are filled with the colour the seed's rules give.
        assert (rec["trend_stated"], rec["trend_stated_source"]) == (trend, "fill"), name
    assert len(set(df["key"])) == 22


def test_seed_values_as_written_and_parsed(seed_sub):
    rows = by_indicator(seed_sub.scorecards)
    ae = rows["A&E four hour wait"]
    assert ae["values_text"] == ["84.36%", "79.29%"]
    assert ae["values"] == [84.36, 79.29]
    assert ae["value_labels"] == [FIRST_VALUE, "Dec-17"]
    assert ae["value_cells"] == ["E25", "G25"]
    assert (ae["measure"], ae["unit"], ae["period"], ae["benchmark"]) == (
        "Percentage", "%", "Dec-17", "N/A")
    assert ae["benchmark_value"] is None and ae["benchmark_rag"] == ""
    assert (ae["polarity"], ae["polarity_text"]) == ("high", "High is good")
    assert ae["trend_text"] == "High is good"  # the seed's Community table repeats it in Trend
    admissions = rows["Emergency Admissions to hospital (over 65s)"]
    assert admissions["values_text"] == ["1,387", "1,371"]
    assert admissions["values"] == [1387.0, 1371.0]
    assert admissions["unit"] == "" and admissions["polarity"] == "low"
    falls = rows["In hospital Falls with harm"]
    assert falls["values"] == [0.24, 0.36] and falls["latest_value"] == 0.36
    re_referrals = rows["Referrals carried out within 12 months of a previous referral "
                        "(Re-referrals)"]
    assert re_referrals["value_labels"] == [FIRST_VALUE, "2017/18 Q3"]
    assert re_referrals["benchmark"] == ""
    homeless = rows["Number of households prevented from becoming homeless"]
    assert homeless["period"] == "2017/18 - Q3"  # as written; the label is canonical
    assert homeless["value_labels"] == [FIRST_VALUE, "2017/18 Q3"]


def test_seed_strategies_and_objectives(seed_sub):
    df = seed_sub.scorecards
    assert df.groupby("strategy", sort=False).size().to_dict() == {
        "Wellbeing": 3, "Children and Young People": 5, "Community": 13,
        "Enhanced and Specialist": 1}
    rows = by_indicator(df)
    assert rows["Number of Children in Care"]["objective"] == (
        "Keep our Children and Young People Safe: ensure effective safeguarding and provide "
        "excellent services for children in care")
    assert rows["A&E four hour wait"]["objective"].startswith(
        "Reduce unnecessary emergency admissions to hospital across all ages by: \u2022 Responding")
    assert rows["People helped to live in their own home through the provision of Major "
                "Adaptation"]["objective"].startswith("Provide person centred, flexible")
    assert len(set(df["objective"])) == 6


def test_example_workbooks_are_deterministic(tmp_path):
    a = write_scorecard_workbook(tmp_path / "a.xlsx", period="2018-03")
    b = write_scorecard_workbook(tmp_path / "b.xlsx", period="2018-03")
    assert a.read_bytes() == b.read_bytes()
    with pytest.raises(ValueError):
        write_scorecard_workbook(tmp_path / "c.xlsx", period="2019-01")


# ------------------------------------------------------------------------------ trend rules

SC_HEADER = ["Indicator", "Measure", "Oct-17", "Nov-17", "Dec-17", "Jan-18", "Polarity"]
# (indicator, four monthly values, polarity, expected trend RAG) -- one row per rule.
RULE_ROWS = [
    ("Dark green: the latest 3 values improve", (100, 110, 121, 133), "High is good",
     "Dark Green"),
    ("Dark green, low is good", (133, 121, 110, 100), "Low is good", "Dark Green"),
    ("Green: the latest 2 improve after a fall", (130, 100, 110, 121), "High is good", "Green"),
    ("Green: the latest 1 improves after a flat move", (100, 110, 111, 130), "High is good",
     "Green"),
    ("Amber: exactly +2.5% is within the band", (60, 70, 80, 82), "High is good", "Amber"),
    ("Amber: exactly -2.5%, low is good", (60, 70, 80, 78), "Low is good", "Amber"),
    ("Just over +2.5% is a real move", (80, 80, 80, 82.01), "High is good", "Green"),
    ("Just over -2.5% is a real move, high is good", (60, 70, 80, 77.99), "High is good", "Red"),
    ("Red: the latest 1 deteriorates", (100, 110, 121, 100), "High is good", "Red"),
    ("Red: the latest 2 deteriorate", (100, 130, 110, 100), "High is good", "Red"),
    ("Dark red: the latest 3 deteriorate", (100, 110, 121, 133), "Low is good", "Dark Red"),
    ("Two values: at most green", ("", "", 100, 110), "High is good", "Green"),
    ("Three values improving: 2 changes, still green", ("", 100, 110, 121), "High is good",
     "Green"),
    ("Three values deteriorating: still red", ("", 121, 110, 100), "High is good", "Red"),
    ("One value: no trend data", ("", "", "", 100), "High is good", ""),
    ("No values at all", ("", "", "", "N/A"), "High is good", ""),
    ("A gap is skipped, not a break", (100, "", 110, 121), "High is good", "Green"),
    ("Values typed as text with commas and percents", ("1,000", "1,100", "1,210", "1,331"),
     "High is good", "Dark Green"),
]


@pytest.fixture(scope="module")
def rules_sub(tmp_path_factory):
    rows = [[name, "Count", *values, polarity] for name, values, polarity, _ in RULE_ROWS]
    path = write_plan(tmp_path_factory.mktemp("rules") / "rules.xlsx", rows, header=SC_HEADER,
                      sheet="KPIs", title=["Performance scorecard", "January 2018"])
    return read_submission(path)


@pytest.mark.parametrize("name, values, polarity, expected", RULE_ROWS,
                         ids=[r[0] for r in RULE_ROWS])
def test_trend_rule_read_end_to_end(rules_sub, name, values, polarity, expected):
    rec = by_indicator(rules_sub.scorecards)[name]
    assert rec["value_labels"] == ["Oct-17", "Nov-17", "Dec-17", "Jan-18"]
    assert rec["trend_rag"] == expected


def test_rules_sheet_has_no_issues_and_period_from_last_value(rules_sub):
    assert rules_sub.issues == []
    rec = by_indicator(rules_sub.scorecards)["Two values: at most green"]
    assert rec["values"] == [None, None, 100.0, 110.0]
    assert rec["period"] == "Jan-18"  # no Most Recent Period column: the last period with a value
    assert by_indicator(rules_sub.scorecards)["One value: no trend data"]["latest_value"] == 100.0


# ------------------------------------------------------------------------------ period headers

@pytest.mark.parametrize("text, label", [
    ("Dec-17", "Dec-17"), ("Dec 2017", "Dec-17"), ("December 2017", "Dec-17"),
    ("Apr 2018", "Apr-18"), ("Sept 17", "Sep-17"), ("2017-12", "Dec-17"),
    (dt.datetime(2018, 1, 1), "Jan-18"), (dt.date(2018, 2, 1), "Feb-18"),
    ("2017/18 Q3", "2017/18 Q3"), ("2017/18 - Q3", "2017/18 Q3"), ("Q3 17/18", "2017/18 Q3"),
    ("Quarter 4 2017-18", "2017/18 Q4"), ("Q1 2018/19", "2018/19 Q1"), ("2017/18", "2017/18"),
    ("FY 2018-19", "2018/19"), (" dec\u00a017 ", "Dec-17"),
])
def test_parse_period(text, label):
    assert parse_period(text).label == label


@pytest.mark.parametrize("text", ["Q3 2017", "2017/19", "Trend", "Measure", "13-17", "2017-13",
                                  "", None, 42.0, "Most Recent Period"])
def test_not_a_period(text):
    assert parse_period(text) is None


def test_quarter_ends_follow_the_financial_year():
    assert parse_period("2017/18 Q3").end == (2017, 12)
    assert parse_period("2017/18 Q4").end == (2018, 3)
    assert parse_period("2017/18 Q3", fy_start_month=1).end == (2017, 9)


def test_period_columns_in_any_spelling_and_order(tmp_path):
    header = ["KPI", "Unit", "Q1 2018/19", "2017/18 - Q4", "2017/18 Q3", "Data source",
              "Polarity"]
    rows = [["Number of Children in Care", "Count", "425", "418", "411", "CareFirst",
             "Low is good"]]
    sub = read_submission(write_plan(tmp_path / "q.xlsx", rows, header=header))
    rec = sub.scorecards.iloc[0]
    assert rec["value_labels"] == ["2017/18 Q3", "2017/18 Q4", "2018/19 Q1"]
    assert rec["values"] == [411.0, 418.0, 425.0]
    assert rec["value_cells"] == ["E2", "D2", "C2"]
    assert rec["trend_rag"] == "Amber"
    assert rec["Data source"] == "CareFirst"  # an extra column is kept
    assert sub.scorecards.attrs["extra_columns"] == ["Data source"]


def test_date_header_cells_and_percent_formatted_values(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Scorecard"
    ws.append(["Indicator", "Measure", "Most Recent Period", dt.datetime(2017, 10, 1),
               dt.datetime(2017, 11, 1), dt.datetime(2017, 12, 1), "Comments"])
    for c in (4, 5, 6):
        ws.cell(1, c).number_format = "mmm-yy"
    ws.append(["A&E four hour wait", "Percentage", "Dec-17", 0.8436, 0.8102, 0.7929,
               "High is good"])
    ws.append(["Emergency Admissions to hospital (over 65s)", "Count", "Dec-17", 1387, 1402, 1371,
               "Low is good"])
    for c in (4, 5, 6):
        ws.cell(2, c).number_format = "0.00%"
        ws.cell(3, c).number_format = "#,##0"
    wb.save(tmp_path / "pct.xlsx")
    sub = read_submission(tmp_path / "pct.xlsx")
    rows = by_indicator(sub.scorecards)
    ae = rows["A&E four hour wait"]
    assert ae["value_labels"] == ["Oct-17", "Nov-17", "Dec-17"]
    assert ae["values"] == [84.36, 81.02, 79.29]
    assert ae["values_text"] == ["84.36%", "81.02%", "79.29%"]
    assert ae["unit"] == "%" and ae["trend_rag"] == "Amber"  # -2.1%: within the band
    assert rows["Emergency Admissions to hospital (over 65s)"]["values"] == [1387.0, 1402.0,
                                                                              1371.0]


def _rename_styles_part(src: Path, dst: Path, new_name: str = "xl/styles1.xml") -> Path:
    """A copy of ``src`` whose styles part is ``new_name``, with the workbook's relationship and
    the content types following it (as some writers name the part)."""
    old = b"styles.xml"
    new = new_name.rsplit("/", 1)[1].encode()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            name = info.filename
            if name == "xl/styles.xml":
                name = new_name
            elif name in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
                assert data.count(old) == 1, name
                data = data.replace(old, new)
            zout.writestr(name, data)
    with zipfile.ZipFile(dst) as z:
        assert "xl/styles.xml" not in z.namelist() and new_name in z.namelist()
    return dst


def _percent_scorecard(path: Path) -> Path:
    """Percent-formatted values, filled Trend cells and a bold section heading row."""
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "Scorecard"
    ws.append(["Indicator", "Measure", "Most Recent Period", "Oct-17", "Nov-17", "Dec-17",
               "Trend", "Comments"])
    ws.append(["Operating Metrics"])
    ws.cell(2, 1).font = Font(bold=True)
    ws.append(["A&E four hour wait", "Percentage", "Dec-17", 0.8436, 0.8102, 0.7929, "",
               "High is good"])
    ws.append(["Emergency Admissions to hospital (over 65s)", "Count", "Dec-17", 1387, 1402,
               1371, "", "Low is good"])
    for c in (4, 5, 6):
        ws.cell(3, c).number_format = "0.00%"
    ws.cell(3, 7).fill = PatternFill("solid", fgColor="FFC000")
    ws.cell(4, 7).fill = PatternFill("solid", fgColor="00B050")
    wb.save(path)
    return path


@pytest.mark.parametrize("build", ["seed", "percent"])
def test_a_styles_part_under_another_name_reads_the_same(build, seed_book, tmp_path):
    """The styles part is the one the workbook's relationships name, whatever it is called:
    fills, percent formats and bold headings read exactly as from ``xl/styles.xml``."""
    src = seed_book if build == "seed" else _percent_scorecard(tmp_path / "pct.xlsx")
    renamed = _rename_styles_part(src, tmp_path / "renamed.xlsx")
    normal, other = read_submission(src), read_submission(renamed)
    assert codes(other.issues) == codes(normal.issues)
    skip = {"source_file", "file", "path"}
    columns = [c for c in normal.scorecards.columns if c not in skip]
    assert other.scorecards[columns].to_dict("records") == \
        normal.scorecards[columns].to_dict("records")
    rows = by_indicator(other.scorecards)
    if build == "percent":
        ae = rows["A&E four hour wait"]
        assert ae["values_text"] == ["84.36%", "81.02%", "79.29%"]
        assert (ae["trend_stated"], ae["trend_stated_source"]) == ("Amber", "fill")
    else:
        assert [(r["trend_stated"], r["trend_stated_source"]) for r in rows.values()] == \
            [(trend, "fill") for _name, _strategy, trend in SEED_TRENDS]


# ------------------------------------------------------------------------------ validation

def test_bad_value_unknown_polarity_and_trend_mismatch(tmp_path):
    header = ["Indicator", "Measure", "Most Recent Period", "Benchmark", "First Value of Graph",
              "Graph", "Last Value of Graph", "Trend", "Comments"]
    rows = [
        ["Rate of Delayed transfers of care per day, per 100,000 population", "Rate per 100,000",
         "2017/18 - Q3", "N/A", "16.4", "", "22.7/100,000", "", "Low is good"],
        ["Number of Children in Care", "Count", "2017/18 Q3", "", "406", "", "411", "", ""],
        ["A&E four hour wait", "Percentage", "Dec-17", "N/A", "84.36%", "", "79.29%", "Green",
         "High is good"],
        ["Discharges at weekends and bank holidays", "Percentage", "Dec-17", "N/A", "18.22%", "",
         "19.09%", "", "High is good"],
        ["", "Count", "Dec-17", "", "1", "", "2", "", ""],
    ]
    path = write_plan(tmp_path / "bad.xlsx", rows, header=header, fills={(3, 7): "FF0000"})
    sub = read_submission(path)
    assert codes(sub.issues, "bad-value") == [("bad-value", "G2")]
    assert codes(sub.issues, "unknown-polarity") == [("unknown-polarity", "I3"),
                                                     ("unknown-polarity", "I6")]
    assert codes(sub.issues, "trend-mismatch") == [("trend-mismatch", "H4"),
                                                   ("trend-mismatch", "H5")]
    assert codes(sub.issues, "missing-value") == [("missing-value", "A6")]
    by_code = {i.code + i.cell: i for i in sub.issues}
    assert "22.7/100,000" in by_code["bad-valueG2"].message
    assert by_code["bad-valueG2"].severity == "warning"
    assert "says Green" in by_code["trend-mismatchH4"].message
    assert "give Red" in by_code["trend-mismatchH4"].message
    assert "is coloured Red" in by_code["trend-mismatchH5"].message
    rows_ = by_indicator(sub.scorecards)
    dtoc = rows_["Rate of Delayed transfers of care per day, per 100,000 population"]
    assert dtoc["values"] == [16.4, None] and dtoc["values_text"] == ["16.4", "22.7/100,000"]
    assert dtoc["trend_rag"] == ""  # one readable value: no trend data
    assert rows_["Number of Children in Care"]["trend_rag"] == ""  # no polarity, no colour
    assert rows_["A&E four hour wait"]["trend_rag"] == "Red"


def test_polarity_column_with_an_unreadable_direction(tmp_path):
    header = ["Indicator", "Measure", "Dec-17", "Jan-18", "Polarity", "Comments"]
    rows = [["Number of Children in Care", "Count", "406", "411", "Up", "Rising demand"],
            ["A&E four hour wait", "Percentage", "84.36%", "79.29%", "higher is better",
             "Winter pressures"]]
    sub = read_submission(write_plan(tmp_path / "p.xlsx", rows, header=header))
    issue, = [i for i in sub.issues if i.code == "unknown-polarity"]
    assert (issue.cell, issue.value) == ("E2", "Up")
    rec = by_indicator(sub.scorecards)["A&E four hour wait"]
    assert (rec["polarity"], rec["comments"], rec["trend_rag"]) == ("high", "Winter pressures",
                                                                    "Red")


def test_benchmark_number_text_and_colour(tmp_path):
    header = ["Indicator", "Measure", "Benchmark", "Dec-17", "Jan-18", "Comments"]
    rows = [["15% better than England", "Percentage", "80.0", "90", "92", "High is good"],
            ["Within 15% of England", "Percentage", "80", "70", "70", "High is good"],
            ["15% worse, low is good", "Rate", "80", "95", "95", "Low is good"],
            ["Significance tested (PHOF)", "Rate", "Significantly better", "5", "5",
             "Low is good"],
            ["Coloured by hand", "Rate", "N/A", "5", "5", "Low is good"],
            ["No national data", "Rate", "N/A", "5", "5", "Low is good"]]
    path = write_plan(tmp_path / "b.xlsx", rows, header=header, fills={(4, 2): "FFC7CE"})
    df = read_submission(path).scorecards
    assert list(df["benchmark_rag"]) == ["Green", "Amber", "Red", "Green", "Red", ""]
    assert list(df["benchmark_value"].iloc[:3]) == [80.0, 80.0, 80.0]
    assert list(df["benchmark_stated_source"]) == ["", "", "", "text", "fill", ""]


def test_headings_above_and_between_tables_repeated_headers_and_banners(tmp_path):
    header = list(HEADER)
    rows = [
        ["Place health improvement and the prevention of ill health at the core of our planned "
         "care system"] + [""] * 8,
        ["In hospital Falls with harm", "Percentage", "Dec-17", "N/A", "0.24", "", "0.36", "",
         "Low is good"],
        [],
        ["7. CHILDREN AND YOUNG PEOPLE"],
        header,  # each of the seed's tables repeats its header
        ["Objective: keep children safe"],
        ["Number of Children in Care", "Count", "2017/18 Q3", "", "406", "", "411", "",
         "Low is good"],
        ["MENTAL HEALTH"],
        ["Improving Access to Psychological Therapies Monthly Access rate", "Percentage",
         "Dec-17", "N/A", "1.17", "", "0.90", "", "High is good"],
    ]
    path = write_plan(tmp_path / "h.xlsx", rows, header=header, title=["6. WELLBEING"],
                      merges=["A11:I11"])
    sub = read_submission(path)
    assert sub.issues == []
    df = sub.scorecards
    assert list(df["strategy"]) == ["Wellbeing", "Children and Young People", "Mental Health"]
    assert list(df["objective"]) == [
        "Place health improvement and the prevention of ill health at the core of our planned "
        "care system", "Objective: keep children safe", ""]
    assert list(df["source_row"]) == [5, 10, 12]


def test_an_excel_error_in_a_banner_is_not_a_strategy_heading(tmp_path):
    """An objective banner that became #NUM! names no section: the strategy heading above it
    still heads the indicators below, and the error is kept (and said) as the objective."""
    header = list(HEADER)
    rows = [
        ["In hospital Falls with harm", "Percentage", "Dec-17", "N/A", "0.24", "", "0.36", "",
         "Low is good"],
        ["ENHANCED AND SPECIALIST"],
        ["#NUM!"],
        ["Improving Access to Psychological Therapies Monthly Access rate", "Percentage",
         "Dec-17", "N/A", "1.17", "", "0.90", "", "High is good"],
    ]
    path = write_plan(tmp_path / "e.xlsx", rows, header=header, title=["6. WELLBEING"],
                      merges=["A5:I5", "A6:I6"])
    sub = read_submission(path)
    df = sub.scorecards
    assert list(df["strategy"]) == ["Wellbeing", "Enhanced and Specialist"]
    assert list(df["objective"]) == ["", "#NUM!"]
    assert [(i.code, i.cell) for i in sub.issues] == [("error-value", "A6")]


def test_a_target_written_with_a_comparator_gives_the_polarity_and_the_number(tmp_path):
    """An integrated performance report states its standards as "< 8%" or ">= 90%": the sign
    says which way is good (the trend follows it), and the number is the target."""
    header = ["Indicator", "Standard", "Apr-24", "May-24", "Jun-24", "RAG"]
    rows = [["Emergency readmissions within 30 days", "< 8%", "8.9%", "8.6%", "8.1%", "Red"],
            ["Complaints answered in 25 days", ">= 90%", "86%", "89%", "93%", "Green"],
            ["Patients waiting over 52 weeks", "0", "140", "131", "120", "Red"]]
    sub = read_submission(write_plan(tmp_path / "ipr.xlsx", rows, header=header))
    df = sub.scorecards
    assert list(df["polarity"]) == ["low", "high", ""]
    assert list(df["polarity_text"])[:2] == ["from the target: < 8%", "from the target: >= 90%"]
    assert list(df["target"]) == [8.0, 90.0, 0.0]
    assert list(df["trend_rag"])[:2] == ["Green", "Green"]  # both improving, each its own way
    # only the indicator whose target states no direction is said to lack a polarity
    assert [i.row for i in sub.issues if i.code == "unknown-polarity"] == [4]


def test_a_rate_tracked_month_by_month_takes_its_polarity_from_its_status(tmp_path):
    """A percentage's target holds for every month, so the status the file gives the latest
    month against it says which way is good, as it does for a one-value row; a count's target
    beside monthly columns may be the year's, and says nothing."""
    header = ["KPI", "Target", "Apr-24", "May-24", "Jun-24", "RAG"]
    rows = [["A&E 4 hour performance", "95%", "72%", "74%", "78%", "Red"],
            ["Staff sickness rate", "3.5%", "4.5%", "4.4%", "4.2%", "Red"],
            ["Cancer 62 day", "85%", "70%", "72%", "75%", "Amber"],
            ["Delayed discharges", "1200", "110", "105", "98", "Green"]]
    df = read_submission(write_plan(tmp_path / "m.xlsx", rows, header=header)).scorecards
    assert list(df["polarity"]) == ["high", "low", "", ""]
    assert df["polarity_text"].iloc[0] == "from the status: 78 against a target of 95 is Red"


def test_strategy_column_carries_down_and_programme_strategies(tmp_path):
    from xlplan.config import load_config

    header = ["Ref", "Strategy", "Indicator", "Measure", "Dec-17", "Jan-18", "Polarity"]
    rows = [["W1", "Wellbeing", "Falls with harm", "Percentage", "0.24", "0.36", "Low is good"],
            ["W2", "", "Dementia diagnosis", "Percentage", "59.6%", "60.1%", "High is good"],
            ["M1", "Mental health", "IAPT access", "Percentage", "1.17", "0.90", "High is good"],
            ["M1", "Mental health", "IAPT recovery", "Percentage", "35.8", "47.4",
             "High is good"]]
    prog = load_config(overrides={"scorecard": {"strategies": ["Mental Health"]}})
    sub = read_submission(write_plan(tmp_path / "s.xlsx", rows, header=header), prog)
    df = sub.scorecards
    assert list(df["strategy"]) == ["Wellbeing", "Wellbeing", "Mental Health", "Mental Health"]
    assert list(df["key"]) == ["W1", "W2", "M1", "M1"]
    assert codes(sub.issues) == [("duplicate-ref", "A5")]


def test_keys_follow_the_indicator_text_not_its_spacing_or_case(tmp_path):
    header = ["Indicator", "Measure", "Dec-17", "Polarity"]
    a = read_submission(write_plan(tmp_path / "a.xlsx", [["A&E four hour wait", "%", "80",
                                                          "High is good"]], header=header))
    b = read_submission(write_plan(tmp_path / "b.xlsx", [["  A&E  Four hour wait ", "%", "81",
                                                          "High is good"]], header=header))
    assert a.scorecards["key"][0] == b.scorecards["key"][0]


def test_formula_like_text_is_text(tmp_path):
    header = ["Indicator", "Measure", "Dec-17", "Jan-18", "Comments"]
    rows = [["@Trust: A&E four hour wait", "Count", "1", "2", "High is good"]]
    sub = read_submission(write_plan(tmp_path / "f.xlsx", rows, header=header))
    assert codes(sub.issues) == [("formula-like-text", "A2")]
    assert sub.scorecards["indicator"][0] == "@Trust: A&E four hour wait"


# ------------------------------------------------------------------------------ merging

def _consolidated_rows(merged_df, tmp_path: Path, name: str) -> types.SimpleNamespace:
    """Last month's consolidated workbook as merge_scorecards sees it: the raw values of its
    Scorecard sheet (the same thing xlplan.consolidated.read_previous gives)."""
    import python_calamine
    import xlsxwriter

    from xlplan.write.scorecard import write_scorecard

    path = tmp_path / name
    wb = xlsxwriter.Workbook(str(path))
    write_scorecard(wb, types.SimpleNamespace(scorecards=merged_df, programme=None))
    wb.close()
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return types.SimpleNamespace(sheets={n: book.get_sheet_by_name(n).to_python(
        skip_empty_area=False) for n in book.sheet_names})


@pytest.fixture(scope="module")
def quarters(tmp_path_factory):
    folder = tmp_path_factory.mktemp("quarters")
    write_scorecard_periods(folder)
    return folder


def _merge_periods(quarters, tmp_path, periods):
    prev, merged, issues = None, None, []
    for period in periods:
        issues = []
        merged = merge_scorecards(validate(quarters / period).scorecards, prev, period, issues)
        prev = _consolidated_rows(merged, tmp_path, f"consolidated-{period}.xlsx")
    return merged, issues


def test_two_period_merge_appends_the_series(quarters, tmp_path):
    merged, issues = _merge_periods(quarters, tmp_path, ["2017-12", "2018-03"])
    assert issues == []
    assert len(merged) == 22
    rows = by_indicator(merged)
    ae = rows["A&E four hour wait"]
    assert ae["value_labels"] == [FIRST_VALUE, "Dec-17", "Mar-18"]
    assert ae["values"] == [84.36, 79.29, 76.48]
    assert (ae["trend_rag"], ae["previous_trend_rag"]) == ("Red", "Red")   # 2 deteriorating
    assert (ae["status"], ae["reported"], ae["period"]) == ("", "2018-03", "Mar-18")
    cin = rows["Number of Children in Care"]
    assert cin["value_labels"] == [FIRST_VALUE, "2017/18 Q3", "2017/18 Q4"]
    assert cin["values"] == [406.0, 411.0, 418.0]
    # The exact 2.5% edge: 84.0 -> 86.1 and 2.4 -> 2.46 are amber, over the merged series too.
    assert rows["Proportion of people still at home 91 days after discharge from hospital into "
                "reablement/ rehabilitation services"]["trend_rag"] == "Amber"
    assert rows["Long-term support needs met by admission to residential and nursing care homes, "
                "per 100,000 population (aged 18-64)"]["trend_rag"] == "Amber"
    assert rows["Discharges at weekends and bank holidays"]["trend_rag"] == "Green"  # run of 2
    assert rows["CCGOF Referral to Treatment waiting times (patients seen within 18 weeks on "
                "incomplete pathway (%))"]["trend_rag"] == "Amber"
    # The 2018-03 file alone only knows its first and last value.
    alone = by_indicator(validate(quarters / "2018-03").scorecards)["A&E four hour wait"]
    assert alone["values"] == [84.36, 76.48]


def test_three_periods_reach_the_dark_colours(quarters, tmp_path):
    merged, _ = _merge_periods(quarters, tmp_path, ["2017-12", "2018-03", "2018-06"])
    trends = dict(zip(merged["indicator"], merged["trend_rag"]))
    assert trends["A&E four hour wait"] == "Dark Red"
    assert trends["Percentage of CQC providers with a CQC rating of good or outstanding"] == \
        "Dark Red"
    assert trends["Discharges at weekends and bank holidays"] == "Dark Green"
    assert trends["Referrals carried out within 12 months of a previous referral "
                  "(Re-referrals)"] == "Dark Green"
    assert trends["Number of children subject to a Child Protection plan"] == "Amber"
    ae = by_indicator(merged)["A&E four hour wait"]
    assert ae["value_labels"] == [FIRST_VALUE, "Dec-17", "Mar-18", "Jun-18"]
    assert len(LATER_VALUES) == 22


def test_merge_replaces_a_period_keeps_blanks_and_carries_missing(tmp_path):
    header = ["Indicator", "Measure", "Dec-17", "Jan-18", "Polarity"]
    march = write_plan(tmp_path / "m" / "a.xlsx", [
        ["A&E four hour wait", "Percentage", "79.29%", "80.10%", "High is good"],
        ["Number of Children in Care", "Count", "411", "415", "Low is good"],
        ["Emergency Admissions to hospital (over 65s)", "Count", "1,371", "1,380", "Low is good"],
    ], header=header)
    prev_df = merge_scorecards(read_submission(march).scorecards, None, "2018-01", [])
    assert set(prev_df["status"]) == {""}
    prev = _consolidated_rows(prev_df, tmp_path, "prev.xlsx")

    header2 = ["Indicator", "Measure", "Jan-18", "Feb-18", "Polarity"]
    april = write_plan(tmp_path / "n" / "b.xlsx", [
        ["A&E four hour wait", "Percentage", "81.00%", "82.5%", "High is good"],   # Jan corrected
        ["Number of Children in Care", "Count", "", "420", "Low is good"],          # Jan left blank
        ["Discharges at weekends and bank holidays", "Percentage", "19.09%", "19.60%",
         "High is good"],                                                            # new
    ], header=header2)
    issues: list = []
    merged = merge_scorecards(read_submission(april).scorecards, prev, "2018-02", issues)
    rows = by_indicator(merged)
    assert rows["A&E four hour wait"]["value_labels"] == ["Dec-17", "Jan-18", "Feb-18"]
    assert rows["A&E four hour wait"]["values"] == [79.29, 81.0, 82.5]
    assert rows["Number of Children in Care"]["values"] == [411.0, 415.0, 420.0]
    assert rows["Discharges at weekends and bank holidays"]["status"] == NEW
    carried = rows["Emergency Admissions to hospital (over 65s)"]
    assert (carried["status"], carried["reported"]) == (CARRIED, "2018-01")
    assert carried["values"] == [1371.0, 1380.0] and carried["trend_rag"] == "Amber"
    assert carried["polarity"] == "low" and carried["file"] == "a.xlsx"
    assert codes(issues) == [("carried-forward", None)]
    assert list(merged["status"]) == ["", "", NEW, CARRIED]


def test_no_scorecard_this_month_carries_everything_with_one_warning(quarters, tmp_path):
    first = merge_scorecards(validate(quarters / "2017-12").scorecards, None, "2017-12", [])
    prev = _consolidated_rows(first, tmp_path, "prev.xlsx")
    issues: list = []
    merged = merge_scorecards(first.iloc[0:0], prev, "2018-01", issues)
    assert len(merged) == 22 and set(merged["status"]) == {CARRIED}
    assert [i.code for i in issues] == ["carried-forward"]
    assert "22 indicators" in issues[0].message
    assert list(merged["values"].iloc[0]) == [84.8, 81.3]


def test_the_same_indicator_from_two_files_is_kept_twice_and_flagged(tmp_path):
    header = ["Indicator", "Measure", "Dec-17", "Polarity"]
    write_plan(tmp_path / "in" / "a.xlsx", [["A&E four hour wait", "%", "79.29%",
                                             "High is good"]], header=header)
    write_plan(tmp_path / "in" / "b.xlsx", [["A&E four hour wait", "%", "79.30%",
                                             "High is good"]], header=header)
    issues: list = []
    merged = merge_scorecards(validate(tmp_path / "in").scorecards, None, "2017-12", issues)
    assert len(merged) == 2
    assert [(i.code, i.file, i.cell) for i in issues] == [("conflicting-ref", "b.xlsx", "row 2")]


def test_a_value_without_a_period_is_filed_under_the_reporting_month(tmp_path):
    header = ["Indicator", "Measure", "Value", "Comments"]
    path = write_plan(tmp_path / "v.xlsx", [["Number of Children in Care", "Count", "411",
                                             "Low is good"]], header=header)
    df = read_submission(path).scorecards
    assert df["value_labels"][0] == [LATEST_VALUE]
    merged = merge_scorecards(df, None, "2018-03", [])
    assert merged["value_labels"][0] == ["Mar-18"]


def test_merge_through_the_pipeline_when_wired(quarters):
    import xlplan
    import xlplan.merging.actions as merge_module

    if "merge_scorecards" not in open(merge_module.__file__, encoding="utf-8").read():
        pytest.skip("xlplan.merge does not call merge_scorecards yet")
    merged = xlplan.merge([quarters / "2017-12"], period="2017-12")
    assert len(merged.scorecards) == 22
    assert "status" in merged.scorecards.columns
