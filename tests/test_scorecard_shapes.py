"""Scorecards that are not laid out like the seed's: a KPI tracker, period banners over
Goal / Fcst / Actual, a long extract and a sideways sheet -- each written here as the workbook
a partner keeps, read back, merged, and the consolidated Scorecard sheet read with openpyxl.

The banner layout reproduces a balanced-scorecard template seen in the wild: a merged title,
a row of quarter banners (merged over their three columns) above Goal / Fcst / Actual, a
"Status" banner over two status columns holding formulas, a full-year banner, a section heading
in bold half-way down, a KPI whose formula cells are still empty, and footnotes under the table.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from xlplan.api import read_submission
from xlplan.cli import main
from xlplan.config import load_config
from xlplan.locate import locate
from xlplan.normalise.scorecards import LATEST_VALUE, label_sort_key
from xlplan.reader import read_workbook
from xlplan.schema.periods import parse_period_loose
from xlplan.schema.scorecard import trend_rag


def by_indicator(df):
    return {rec["indicator"]: rec for rec in df.to_dict("records")}


def issues_of(sub, code):
    return [(i.cell, i.value) for i in sub.issues if i.code == code]


# ------------------------------------------------------------------------------ KPI tracker

KPI_ROWS = [
    # KPI, owner, target, actual, status as written
    ("Patient satisfaction (%)", "Jo Beer", 90, 93, "Green"),
    ("Average wait for first appointment (days)", "Ann Lee", 14, 18, "Red"),
    ("Staff turnover (%)", "Mo Chan", 10, 10.5, "Yellow"),
    ("Referrals triaged within 2 days", "Jo Beer", 0.95, 0.97, "G"),
]


def write_kpi_tracker(path: Path, kpi_header: str, status_header: str) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "KPIs"
    ws.append(["Service KPI tracker - March"])
    ws.append([])
    ws.append([kpi_header, "Owner", "Target", "Actual", status_header])
    for row in KPI_ROWS:
        ws.append(list(row))
    ws.append([])
    ws.append(["Note: figures are provisional until the month closes"])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


@pytest.mark.parametrize("kpi_header, status_header", [
    ("KPI", "Status"), ("Key Performance Indicator", "RAG"), ("Performance Measure", "RAG Status"),
    ("Metric", "Status"),
])
def test_kpi_tracker(tmp_path, kpi_header, status_header):
    sub = read_submission(write_kpi_tracker(tmp_path / "kpi.xlsx", kpi_header, status_header))
    assert [s.kind for s in sub.info.sheets] == ["scorecard"]
    df = sub.scorecards
    assert list(df["indicator"]) == [r[0] for r in KPI_ROWS]
    rows = by_indicator(df)
    sat = rows["Patient satisfaction (%)"]
    assert sat["values"] == [93.0] and sat["value_labels"] == [LATEST_VALUE]
    assert sat["target"] == 90.0 and sat["source_row"] == 4
    # the file's own status, on the RAG scale, and as written
    assert [rows[r[0]]["rag"] for r in KPI_ROWS] == ["Green", "Red", "Amber", "Green"]
    assert [rows[r[0]]["rag_text"] for r in KPI_ROWS] == ["Green", "Red", "Yellow", "G"]
    # the direction follows from the status against the target: above and Green, above and Red
    assert sat["polarity"] == "high"
    assert rows["Average wait for first appointment (days)"]["polarity"] == "low"
    assert rows["Staff turnover (%)"]["polarity"] == ""  # Yellow says nothing about direction
    assert rows["Referrals triaged within 2 days"]["values"] == [0.97]
    assert rows["Staff turnover (%)"]["Owner"] == "Mo Chan"
    # the note under the table is not a KPI, and says so
    assert issues_of(sub, "not-a-row") == [("A9", "Note: figures are provisional until the "
                                                   "month closes")]
    assert not [i for i in sub.issues if i.severity == "error"]


# ------------------------------------------------------------------------------ period banners

QUARTER_MEASURES = {
    # measure: ([(goal, fcst, actual) per quarter], (full-year goal, fcst, actual))
    "Operating Expense Reduction": ([(15, 12, 8), (25, 25, 29), (35, 36, None), (25, 24, None)],
                                    (100, 97, None)),
    "Customer Satisfaction": ([(61, 58, 57), (61, 58, 59), (61, 59, 59), (61, 61, None)],
                              (61, 59, None)),
}
OPERATING = {
    "Open Cases": ([(40, 38, 41), (38, 36, 35), (36, 35, None), (34, 34, None)], (34, 34, None)),
    "Open Case Dollars": ([(None, None, None)] * 4, (None, None, None)),
}
FOOTNOTES = [
    "Status Rules: current status based on forecast vs. goal for future periods and on actual "
    "vs. goal for past periods.",
    "Status Conditions: Green >=100% of Goal, Yellow 95%-99% of Goal, Red <95% of Goal",
    "$ dollars represented in millions",
]


def write_banded(path: Path, banners: list[str], *, merged: bool = True,
                 summary: str | None = "Full Year 2024") -> Path:
    """The balanced-scorecard pattern (see module docstring). ``banners`` are the period
    banners from left to right; unmerged banners are written once, over their first column."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Scorecard"
    groups = list(banners) + ([summary] if summary else [])
    last_col = 3 + 3 * len(groups)
    ws.cell(1, 1, "Lean Corporation Basic Scorecard").font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=2, end_column=last_col)
    ws.cell(3, 8, "Calculate")  # a stray control cell above the banners
    bold = Font(bold=True)
    ws.cell(4, 1, "Status").font = bold
    ws.merge_cells("A4:B4")
    for i, text in enumerate(groups):
        first = 4 + 3 * i
        ws.cell(4, first, text).font = bold
        if merged:
            ws.merge_cells(start_row=4, start_column=first, end_row=4, end_column=first + 2)
    for c, text in enumerate(["Current", "FYF", "Key Business Metrics"]
                             + ["Goal", "Fcst", "Actual"] * len(groups), start=1):
        ws.cell(5, c, text).font = bold
    r = 6

    def measure(name: str, quarters, full) -> None:
        nonlocal r
        ws.cell(r, 1, f"=IF(F{r}=\"\",\"\",F{r}/D{r})")  # formula status, no cached value
        ws.cell(r, 2, f"=IF(F{r}=\"\",\"\",F{r}/D{r})")
        ws.cell(r, 3, name)
        for i, triple in enumerate([*quarters, full] if summary else quarters):
            for j, v in enumerate(triple):
                if v is not None:
                    ws.cell(r, 4 + 3 * i + j, v)
        r += 1

    for name, (quarters, full) in QUARTER_MEASURES.items():
        measure(name, quarters, full)
    measure("Net Income", [(None, None, None)] * len(banners), (None, None, None))
    ws.cell(r, 3, "Operating Metrics").font = bold  # a section heading
    r += 1
    for name, (quarters, full) in OPERATING.items():
        measure(name, quarters, full)
    for text in FOOTNOTES:
        ws.cell(r, 1, text)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=last_col)
        r += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


ALL_MEASURES = [*QUARTER_MEASURES, "Net Income", *OPERATING]


def _expected(quarters, order):
    return ([quarters[i][2] for i in order], [quarters[i][0] for i in order],
            [quarters[i][1] for i in order])


@pytest.mark.parametrize("banners, merged, labels", [
    (["Q1'24", "Q2'24", "Q3'24", "Q4'24"], True, ["Q1 2024", "Q2 2024", "Q3 2024", "Q4 2024"]),
    (["Quarter 1", "Quarter 2", "Quarter 3", "Quarter 4"], False, ["Q1", "Q2", "Q3", "Q4"]),
    (["Jan 2024", "Feb 2024", "Mar 2024", "Apr 2024"], False,
     ["Jan-24", "Feb-24", "Mar-24", "Apr-24"]),
    (["2024/25 Q1", "2024/25 Q2", "2024/25 Q3", "2024/25 Q4"], True,
     ["2024/25 Q1", "2024/25 Q2", "2024/25 Q3", "2024/25 Q4"]),
])
def test_period_banners_over_goal_forecast_actual(tmp_path, banners, merged, labels):
    sub = read_submission(write_banded(tmp_path / "card.xlsx", banners, merged=merged))
    df = sub.scorecards
    # every measure once, the section heading and the footnotes none of them
    assert list(df["indicator"]) == ALL_MEASURES
    rows = by_indicator(df)
    opex = rows["Operating Expense Reduction"]
    quarters = QUARTER_MEASURES["Operating Expense Reduction"][0]
    actual, goal, fcst = _expected(quarters, range(4))
    assert opex["value_labels"] == labels
    assert opex["values"] == [None if v is None else float(v) for v in actual]
    assert opex["targets"] == [float(v) for v in goal]
    assert opex["forecasts"] == [float(v) for v in fcst]
    assert opex["latest_value"] == 29.0 and opex["period"] == labels[1]
    assert opex["target"] == 25.0  # the goal of the latest period with an actual
    assert opex["value_cells"][:2] == ["F6", "I6"]
    # the full-year band sums the quarters up: kept beside the series, not on it
    assert opex["Full Year 2024 Goal"] == 100 and opex["Full Year 2024 Fcst"] == 97
    assert "Full Year 2024" not in opex["value_labels"]
    # sections: the KPI column's header names the first, the bold heading the second
    assert [rows[m]["strategy"] for m in ALL_MEASURES] == \
        ["Key Business Metrics"] * 3 + ["Operating Metrics"] * 2
    assert rows["Net Income"]["values"] == [None] * 4  # its formulas are not computed yet
    notes = issues_of(sub, "not-a-row")
    assert [cell for cell, _ in notes] == ["A12", "A13", "A14"]
    assert not [i for i in sub.issues if i.severity == "error"]


def test_banners_written_newest_first_give_a_series_in_time_order(tmp_path):
    banners = ["Q4'24", "Q3'24", "Q2'24", "Q1'24"]
    sub = read_submission(write_banded(tmp_path / "card.xlsx", banners, summary=None))
    opex = by_indicator(sub.scorecards)["Operating Expense Reduction"]
    # the sheet's first band is Q4: its columns hold the first triple written
    quarters = QUARTER_MEASURES["Operating Expense Reduction"][0]
    actual, goal, _ = _expected(quarters, [3, 2, 1, 0])
    assert opex["value_labels"] == ["Q1 2024", "Q2 2024", "Q3 2024", "Q4 2024"]
    assert opex["values"] == [None if v is None else float(v) for v in actual]
    assert opex["targets"] == [float(v) for v in goal]
    assert sorted(opex["value_labels"], key=label_sort_key) == opex["value_labels"]


def test_a_header_with_known_words_under_banners_is_read_by_band_too(tmp_path):
    """Indicator / Target / Actual under month banners: the alias table finds the header row,
    the banners above it still give each pair its period."""
    wb = Workbook()
    ws = wb.active
    ws.append(["", "Apr-24", "", "May-24", "", "Jun-24", ""])
    ws.append(["Indicator", "Target", "Actual", "Target", "Actual", "Target", "Actual"])
    ws.append(["Calls answered (%)", 90, 88, 90, 91, 90, 93])
    ws.append(["Complaints", 10, 12, 10, 9, 10, 7])
    path = tmp_path / "months.xlsx"
    wb.save(path)
    df = read_submission(path).scorecards
    calls = by_indicator(df)["Calls answered (%)"]
    assert calls["value_labels"] == ["Apr-24", "May-24", "Jun-24"]
    assert calls["values"] == [88.0, 91.0, 93.0] and calls["targets"] == [90.0] * 3
    assert len(df) == 2
    # the band columns are the series, not extra columns beside it
    assert not {"Target", "Actual"} & set(df.columns)


# --------------------------------------------------------- years over their quarters or months

def write_years_over(path: Path, years: list[str], subs: list[str], *, merged: bool) -> Path:
    """Indicator | Measure | a year banner over its quarters or months (merged over them, or
    written once at the left) | Polarity: a two-row header, the sub-headers naming no year."""
    wb = Workbook()
    ws = wb.active
    ws.title = "KPIs"
    width = len(subs)
    top = ["Indicator", "Measure"]
    for year in years:
        top += [year] + [None] * (width - 1)
    ws.append(top + ["Polarity"])
    ws.append([None, None] + subs * len(years) + [None])
    for k, (name, start, step, polarity) in enumerate(
            [("Smoking quitters", 100, 10, "High is good"),
             ("Falls admissions per 100,000", 2100, -50, "Low is good")]):
        values = [start + step * i for i in range(width * len(years) - 2)] + [None, None]
        ws.append([name, "Number"] + values + [polarity])
    if merged:
        for n in range(len(years)):
            first = 3 + n * width
            ws.merge_cells(start_row=1, start_column=first, end_row=1,
                           end_column=first + width - 1)
        for col in (1, 2, 3 + width * len(years)):
            ws.merge_cells(start_row=1, start_column=col, end_row=2, end_column=col)
    wb.save(path)
    return path


@pytest.mark.parametrize("years, subs, labels, merged", [
    (["2023/24", "2024/25"], ["Q1", "Q2", "Q3", "Q4"],
     ["2023/24 Q1", "2023/24 Q2", "2023/24 Q3", "2023/24 Q4", "2024/25 Q1", "2024/25 Q2",
      "2024/25 Q3", "2024/25 Q4"], True),
    (["2024", "2025"], ["Oct", "Nov", "Dec"],  # written once, left of its months
     ["Oct-24", "Nov-24", "Dec-24", "Oct-25", "Nov-25", "Dec-25"], False),
    (["2024/25"], ["Oct", "Nov", "Dec", "Jan", "Feb", "Mar"],  # a financial year's months
     ["Oct-24", "Nov-24", "Dec-24", "Jan-25", "Feb-25", "Mar-25"], True),
])
def test_years_over_their_quarters_or_months_are_one_header(tmp_path, years, subs, labels,
                                                            merged):
    sub = read_submission(write_years_over(tmp_path / "y.xlsx", years, subs, merged=merged))
    assert sub.issues == []  # the sub-header row is no indicator with bad values
    got = by_indicator(sub.scorecards)
    assert list(got) == ["Smoking quitters", "Falls admissions per 100,000"]
    quitters = got["Smoking quitters"]
    assert quitters["value_labels"] == labels
    n = len(labels) - 2
    assert quitters["values"] == [100.0 + 10 * i for i in range(n)] + [None, None]
    assert quitters["latest_value"] == 100.0 + 10 * (n - 1)
    assert quitters["period"] == labels[n - 1]
    assert got["Falls admissions per 100,000"]["values"][:2] == [2100.0, 2050.0]


# ------------------------------------------------------------------------------ long extract

LONG = [
    # indicator, period, target, actual, status (rows deliberately not in time order)
    ("A&E four hour wait (%)", "Jun-24", 95, 91.0, "Red"),
    ("A&E four hour wait (%)", "Apr-24", 95, 88.0, "Red"),
    ("Delayed discharges", "Apr-24", 30, 41, "Red"),
    ("A&E four hour wait (%)", "May-24", 95, 96.0, "Green"),
    ("Delayed discharges", "May-24", 30, 31, "Yellow"),
    ("Delayed discharges", "Jun-24", 30, 28, "Green"),
    ("Bed occupancy (%)", "Jun-24", 92, 94.5, "Amber"),
]


def write_long(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Extract"
    ws.append(["Indicator", "Period", "Target", "Actual", "Status", "Polarity"])
    polarity = {"A&E four hour wait (%)": "High is good", "Delayed discharges": "Low is good"}
    for ind, period, target, actual, status in LONG:
        ws.append([ind, period, target, actual, status, polarity.get(ind, "")])
    wb.save(path)
    return path


def test_long_extract_becomes_one_series_per_indicator(tmp_path):
    sub = read_submission(write_long(tmp_path / "long.xlsx"))
    df = sub.scorecards
    assert list(df["indicator"]) == ["A&E four hour wait (%)", "Delayed discharges",
                                     "Bed occupancy (%)"]
    rows = by_indicator(df)
    ae = rows["A&E four hour wait (%)"]
    assert ae["value_labels"] == ["Apr-24", "May-24", "Jun-24"]
    assert ae["values"] == [88.0, 96.0, 91.0]
    assert ae["value_cells"] == ["D3", "D5", "D2"]
    assert ae["targets"] == [95.0] * 3 and ae["target"] == 95.0
    assert ae["rag"] == "Red" and ae["period"] == "Jun-24"  # the status of the latest period
    assert ae["trend_rag"] == trend_rag([88.0, 96.0, 91.0], "high") == "Red"
    dd = rows["Delayed discharges"]
    assert dd["values"] == [41.0, 31.0, 28.0] and dd["rag"] == "Green"
    assert dd["trend_rag"] == "Green"  # two falling values, low is good
    bed = rows["Bed occupancy (%)"]
    assert bed["values"] == [94.5] and bed["rag"] == "Amber"
    assert not issues_of(sub, "duplicate-ref")


def test_long_extract_with_a_period_twice_keeps_the_later_row_and_says_so(tmp_path):
    path = write_long(tmp_path / "long.xlsx")
    wb = load_workbook(path)
    wb.active.append(["Delayed discharges", "Jun-24", 30, 27, "Green", "Low is good"])
    wb.save(path)
    sub = read_submission(path)
    dd = by_indicator(sub.scorecards)["Delayed discharges"]
    assert dd["values"] == [41.0, 31.0, 27.0]
    assert issues_of(sub, "duplicate-period") == [("B9", "Jun-24")]


# ------------------------------------------------------------------------------ sideways

SIDEWAYS = {
    "Referrals": [120, 131, 126, 140],
    "Seen within 18 weeks (%)": [81.0, 83.5, 84.0, 86.1],
    "Complaints": [9, 7, 7, 4],
}
MONTHS = [dt.datetime(2024, m, 1) for m in (4, 5, 6, 7)]


def write_sideways(path: Path, *, dates: bool = True) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Monthly"
    ws.append(["Community services dashboard"])
    ws.append([])
    ws.append(["Month", *SIDEWAYS])
    # months written newest first, as some dashboards do
    for i in reversed(range(len(MONTHS))):
        ws.append([MONTHS[i] if dates else MONTHS[i].strftime("%b %Y"),
                   *[values[i] for values in SIDEWAYS.values()]])
    ws.append(["Target", 130, 85, 5])
    ws.append(["Polarity", "High is good", "High is good", "Low is good"])
    ws.append(["Total", 517, "", 27])
    wb.save(path)
    return path


@pytest.mark.parametrize("dates", [True, False])
def test_sideways_indicators_across_periods_down(tmp_path, dates):
    sub = read_submission(write_sideways(tmp_path / "side.xlsx", dates=dates))
    df = sub.scorecards
    assert list(df["indicator"]) == list(SIDEWAYS)
    rows = by_indicator(df)
    ref = rows["Referrals"]
    assert ref["value_labels"] == ["Apr-24", "May-24", "Jun-24", "Jul-24"]
    assert ref["values"] == [float(v) for v in SIDEWAYS["Referrals"]]
    assert ref["value_cells"] == ["B7", "B6", "B5", "B4"]
    assert ref["target"] == 130.0 and ref["polarity"] == "high"
    assert ref["trend_rag"] == trend_rag(ref["values"], "high")
    comp = rows["Complaints"]
    assert comp["polarity"] == "low" and comp["trend_rag"] == "Green"
    assert rows["Seen within 18 weeks (%)"]["unit"] == "%"
    # the Total row is no period: skipped, and said
    assert issues_of(sub, "not-a-row") == [("A10", "Total")]


# ------------------------------------------------------------------------------ not scorecards

def test_a_status_matrix_is_not_taken_for_a_scorecard(tmp_path):
    """A feature-by-region matrix of status words: not a plan, register or scorecard."""
    wb = Workbook()
    ws = wb.active
    ws.append(["Feature", "North", "South", "East", "West"])
    for feature in ("Login", "Payments", "Search", "Reports"):
        ws.append([feature, "Done", "In progress", "Not started", "Done"])
    path = tmp_path / "matrix.xlsx"
    wb.save(path)
    programme = load_config()
    raw, _, _ = read_workbook(path, path.name, programme)
    assert locate(raw.sheets[0], programme) is None


def test_loose_periods():
    assert parse_period_loose("Q1'15").label == "Q1 2015"
    assert parse_period_loose("2015 Q3").end == (2015, 9)
    assert parse_period_loose("Full Year 2015") is None
    assert parse_period_loose("Goal") is None
    # what the seed's reading knows stays as it was
    assert parse_period_loose("2017/18 Q3").label == "2017/18 Q3"
    assert parse_period_loose("Dec-17").label == "Dec-17"


# ------------------------------------------------------------------------------ end to end

def test_merge_a_folder_and_read_the_scorecard_sheet_back(tmp_path):
    folder = tmp_path / "in"
    write_banded(folder / "balanced.xlsx", ["Q1'24", "Q2'24", "Q3'24", "Q4'24"])
    write_kpi_tracker(folder / "kpis.xlsx", "KPI", "Status")
    out = tmp_path / "Consolidated.xlsx"
    result = CliRunner().invoke(main, ["merge", str(folder), "-o", str(out), "--period",
                                       "2024-06"])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    ws = wb["Scorecard"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    header = rows[0]
    col = {h: i for i, h in enumerate(header) if h}
    # the quarters that hold an actual, in time order (Q4 has goals and forecasts only)
    quarters = ["Q1 2024", "Q2 2024", "Q3 2024"]
    assert [h for h in header if h in quarters + ["Q4 2024"]] == quarters
    assert col["Q1 2024"] < col["Q2 2024"] < col["Q3 2024"]
    # indicator rows carry a Key; the writer's group banners (one per section) do not
    found = {r[col["Indicator"]]: r for r in rows[1:] if r[col["Key"]]}
    assert sorted(found) == sorted(ALL_MEASURES + [r[0] for r in KPI_ROWS])
    banners = [r[0] for r in rows[1:] if not r[col["Key"]]]
    assert "Operating Metrics" in banners and "Key Business Metrics" in banners
    assert found["Open Cases"][col["Strategy"]] == "Operating Metrics"
    opex = found["Operating Expense Reduction"]
    assert [opex[col[q]] for q in quarters] == [8, 29, None]
    assert opex[col["Target"]] == 25
    wait = found["Average wait for first appointment (days)"]
    assert wait[col["Status RAG"]] == "Red" and wait[col["Target"]] == 14
    # a KPI's single value without a period is filed under the reporting month
    assert wait[col["Jun-24"]] == 18
    assert found["Staff turnover (%)"][col["Status RAG"]] == "Amber"


def test_a_kpi_tracker_month_by_month_grows_a_series_with_a_trend(tmp_path):
    """One value per KPI each month: the consolidated Scorecard sheet is the memory, so the
    second month's merge gives a two-point series, and the trend rules colour it (the
    direction read from the file's own status against the target)."""
    runner = CliRunner()
    outs = {}
    for month, actuals in (("2024-05", (91, 20, 10.5, 0.96)), ("2024-06", (96, 18, 10.5, 0.97))):
        folder = tmp_path / month
        path = write_kpi_tracker(folder / "kpis.xlsx", "KPI", "Status")
        wb = load_workbook(path)
        for i, value in enumerate(actuals):
            wb.active.cell(4 + i, 4, value)
        wb.save(path)
        outs[month] = tmp_path / f"Consolidated {month}.xlsx"
        args = ["merge", str(folder), "-o", str(outs[month]), "--period", month]
        if month == "2024-06":
            args += ["--previous", str(outs["2024-05"])]
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
    ws = load_workbook(outs["2024-06"])["Scorecard"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    col = {h: i for i, h in enumerate(rows[0]) if h}
    assert col["May-24"] < col["Jun-24"]
    found = {r[col["Indicator"]]: r for r in rows[1:] if r[col["Key"]]}
    sat = found["Patient satisfaction (%)"]
    assert (sat[col["May-24"]], sat[col["Jun-24"]]) == (91, 96)
    assert sat[col["Polarity"]] == "High is good" and sat[col["Trend"]] == "Green"
    wait = found["Average wait for first appointment (days)"]
    assert (wait[col["May-24"]], wait[col["Jun-24"]]) == (20, 18)
    assert wait[col["Polarity"]] == "Low is good" and wait[col["Trend"]] == "Green"


# ------------------------------------------------------------------------------ more variants

def write_rows(path: Path, rows: list[list]) -> Path:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def test_balanced_scorecard_perspective_objective_measure(tmp_path):
    """Perspective / Objective / Measure / Target / Actual / Status: the Measure is the KPI,
    the Objective (merged down over its measures) and the Perspective group them."""
    path = write_rows(tmp_path / "bsc.xlsx", [
        ["Perspective", "Objective", "Measure", "Target", "Actual", "Status"],
        ["Financial", "Grow revenue", "Revenue growth %", 5, 6.2, "Green"],
        ["", "", "Cost per case", 120, 131, "Red"],
        ["Customer", "Delight customers", "Net promoter score", 40, 38, "Amber"],
    ])
    df = read_submission(path).scorecards
    assert list(df["indicator"]) == ["Revenue growth %", "Cost per case", "Net promoter score"]
    assert list(df["strategy"]) == ["Financial", "Financial", "Customer"]
    assert list(df["objective"]) == ["Grow revenue", "Grow revenue", "Delight customers"]
    assert list(df["rag"]) == ["Green", "Red", "Amber"]
    assert list(df["polarity"]) == ["high", "low", ""]


def test_quarter_columns_with_a_years_target_and_a_ytd_column(tmp_path):
    """Measure / Target / Q1..Q4 / YTD / RAG: quarter columns make the series; YTD sums them up
    (an extra column); the single Target is the year's, so it is not claimed for each quarter
    and says nothing of the direction."""
    path = write_rows(tmp_path / "q.xlsx", [
        ["Measure", "Target", "Q1", "Q2", "Q3", "Q4", "YTD", "RAG"],
        ["Income (£k)", 500, 120, 130, 125, "", 375, "Amber"],
        ["New members", 200, 40, 55, 61, "", 156, "Green"],
    ])
    rows = by_indicator(read_submission(path).scorecards)
    members = rows["New members"]
    assert members["value_labels"] == ["Q1", "Q2", "Q3", "Q4"]
    assert members["values"] == [40.0, 55.0, 61.0, None]
    assert members["target"] == 200.0 and members["targets"] == [None] * 4
    assert members["YTD"] == 156 and members["rag"] == "Green"
    assert members["polarity"] == ""  # 61 against a year's 200 is no evidence of direction


def test_sideways_with_a_blank_corner_cell(tmp_path):
    path = write_rows(tmp_path / "corner.xlsx", [
        ["", "Referrals", "Waits"],
        [dt.datetime(2024, 4, 1), 10, 5],
        [dt.datetime(2024, 5, 1), 12, 4],
        [dt.datetime(2024, 6, 1), 15, 3],
    ])
    rows = by_indicator(read_submission(path).scorecards)
    assert rows["Referrals"]["values"] == [10.0, 12.0, 15.0]
    assert rows["Waits"]["value_labels"] == ["Apr-24", "May-24", "Jun-24"]


def test_perspective_banners_and_a_status_per_month_given_by_colour_or_word(tmp_path):
    """Month banners over Actual / RAG, balanced-scorecard perspectives as merged banner rows,
    and RAG cells stated by a word in one month and by a fill alone in the next."""
    from openpyxl.styles import PatternFill

    wb = Workbook()
    ws = wb.active
    ws.append(["", "", "Apr-24", "", "May-24", ""])
    ws.append(["KPI", "Target", "Actual", "RAG", "Actual", "RAG"])
    ws.append(["Financial"])
    ws.merge_cells("A3:F3")
    ws.append(["Cost per case (£)", 120, 118, "Green", 125, None])
    ws.append(["Customer Perspective"])
    ws.merge_cells("A5:F5")
    ws.append(["Satisfaction (%)", 90, 84, "Yellow", 92, None])
    red, green = (PatternFill("solid", start_color=f"FF{h}", end_color=f"FF{h}")
                  for h in ("FF0000", "00B050"))
    ws["F4"].fill = red
    ws["F6"].fill = green
    path = tmp_path / "bsc.xlsx"
    wb.save(path)
    sub = read_submission(path)
    rows = by_indicator(sub.scorecards)
    assert list(rows) == ["Cost per case (£)", "Satisfaction (%)"]
    cost, sat = rows["Cost per case (£)"], rows["Satisfaction (%)"]
    assert cost["strategy"] == "Financial" and sat["strategy"] == "Customer Perspective"
    assert cost["values"] == [118.0, 125.0] and cost["value_labels"] == ["Apr-24", "May-24"]
    # May's status is the latest: stated by its fill alone
    assert (cost["rag"], cost["rag_text"]) == ("Red", "")
    assert (sat["rag"], sat["rag_text"]) == ("Green", "")
    assert cost["target"] == 120.0
