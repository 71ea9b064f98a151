"""The Scorecard sheet of the consolidated workbook, read back: values with their units,
strategy banners, trend and benchmark colours as conditional formats, and sparklines.

openpyxl drops sparklines (an x14 extension) on load, so those are checked in the sheet XML.
"""
from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import types
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from builders import write_plan
from xlplan.api import read_submission, validate
from xlplan.consolidated import SCORECARD as SHEET, SCORECARD_GRAPH_HEADER as GRAPH_HEADER, \
    SCORECARD_LEAD as LEAD, SCORECARD_TAIL as TAIL
from xlplan.demo.scorecard import write_scorecard_periods
from xlplan.merging.scorecards import merge_scorecards, previous_indicators
from xlplan.styles import sheet_members
from xlplan.write.scorecard import TREND_COLOURS, write_scorecard

HEADERS = [h for _, h, _ in LEAD] + ["First value", "Dec-17", "2017/18 Q3", "Mar-18",
                                     "2017/18 Q4", GRAPH_HEADER] + [h for _, h, _ in TAIL]
STRATEGY_BANNERS = ["Wellbeing", "Children and Young People", "Community",
                    "Enhanced and Specialist"]


def write_sheet(df: pd.DataFrame, path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Dashboard")  # the Scorecard is not the first sheet of a real workbook
    write_scorecard(wb, types.SimpleNamespace(scorecards=df, programme=None), None)
    wb.close()
    return path


def raw_sheets(path: Path) -> types.SimpleNamespace:
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return types.SimpleNamespace(sheets={n: book.get_sheet_by_name(n).to_python(
        skip_empty_area=False) for n in book.sheet_names})


def sheet_xml(path: Path, name: str = SHEET) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read(sheet_members(zf)[name]).decode("utf-8")


def sparklines(xml: str) -> dict[str, str]:
    """Sparkline location -> data range, from the x14 extension of a sheet's XML."""
    groups = re.findall(r"<x14:sparklineGroup\b.*?</x14:sparklineGroup>", xml, re.S)
    out = {}
    for group in groups:
        for f, sqref in re.findall(r"<xm:f>(.*?)</xm:f><xm:sqref>(.*?)</xm:sqref>", group):
            out[sqref] = f
    return out


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """The Scorecard sheet after merging the seed's quarter (2017-12) and the next (2018-03)."""
    tmp = tmp_path_factory.mktemp("write")
    write_scorecard_periods(tmp / "in", ("2017-12", "2018-03"))
    first = merge_scorecards(validate(tmp / "in" / "2017-12").scorecards, None, "2017-12", [])
    prev = raw_sheets(write_sheet(first, tmp / "2017-12.xlsx"))
    merged = merge_scorecards(validate(tmp / "in" / "2018-03").scorecards, prev, "2018-03", [])
    return write_sheet(merged, tmp / "2018-03.xlsx"), merged


@pytest.fixture(scope="module")
def ws(book):
    return load_workbook(book[0])[SHEET]


def rows_by_indicator(ws) -> dict[str, int]:
    return {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)
            if ws.cell(r, 2).value is not None}


def col(header: str) -> int:
    return HEADERS.index(header) + 1


def test_header_banners_and_groups(ws):
    assert [c.value for c in ws[1]] == HEADERS
    banners = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)
               if ws.cell(r, 2).value is None]
    assert [b for b in banners if b in STRATEGY_BANNERS] == STRATEGY_BANNERS
    assert banners[:2] == ["Wellbeing", "Place health improvement and the prevention of ill "
                           "health at the core of our planned care system; demonstrably reducing "
                           "the demand for urgent and complex interventions and yielding "
                           "improvements in health and the behavioural determinants of health "
                           "in Plymouth"]
    assert len(banners) == 4 + 6  # four strategies, six objectives
    # banners span the printed table (up to Comments), not the provenance columns after it
    assert f"A2:{get_column_letter(HEADERS.index('Comments') + 1)}2" in {
        str(m) for m in ws.merged_cells}
    assert len(rows_by_indicator(ws)) == 22
    assert ws.freeze_panes == "B2"
    assert ws.auto_filter.ref.startswith("A1:")


def test_values_are_numbers_shown_with_their_unit(ws):
    rows = rows_by_indicator(ws)
    r = rows["A&E four hour wait"]
    values = [ws.cell(r, col(h)).value for h in ("First value", "Dec-17", "2017/18 Q3", "Mar-18",
                                                 "2017/18 Q4")]
    assert values == [84.36, 79.29, None, 76.48, None]
    assert ws.cell(r, col("Dec-17")).number_format == '0.00"%"'
    assert [ws.cell(r, col(h)).value for h in ("Measure", "Most recent period", "Benchmark",
                                               "Trend", "Previous trend", "Polarity", "Status",
                                               "Reported", "Strategy", "Source file",
                                               "Source row")] == [
        "Percentage", "Mar-18", "N/A", "Red", "Red", "High is good", None, "2018-03",
        "Community", "2018-03 Integrated Scorecard.xlsx", 25]
    r = rows["Proportion of people still at home 91 days after discharge from hospital into "
             "reablement/ rehabilitation services"]
    assert (ws.cell(r, col("Trend")).value, ws.cell(r, col("Previous trend")).value) == (
        "Amber", "Red")  # 84.0 -> 86.1 is exactly +2.5%
    r = rows["Emergency Admissions to hospital (over 65s)"]
    assert ws.cell(r, col("Mar-18")).value == 1452
    assert ws.cell(r, col("Mar-18")).number_format == "#,##0"
    r = rows["Number of Children in Care"]
    assert [ws.cell(r, col(h)).value for h in ("First value", "2017/18 Q3", "2017/18 Q4")] == [
        406, 411, 418]
    assert ws.cell(r, col("2017/18 Q4")).number_format == "0"
    r = rows["In hospital Falls with harm"]
    assert ws.cell(r, col("Mar-18")).number_format == '0.00"%"'  # seed: "0.36%" of patients
    for r in rows.values():
        for h in ("First value", "Dec-17", "2017/18 Q3", "Mar-18", "2017/18 Q4"):
            assert ws.cell(r, col(h)).data_type in ("n",)


def test_trend_and_benchmark_colours_are_conditional_formats(ws):
    trend = ws.cell(1, col("Trend")).column_letter
    bench_rag = ws.cell(1, col("Benchmark RAG")).column_letter
    rules = {str(rng.sqref): list(rs) for rng, rs in ws.conditional_formatting._cf_rules.items()}
    last = ws.max_row
    trend_rules = rules[f"{trend}2:{trend}{last}"]
    assert [(r.type, r.operator, r.formula) for r in trend_rules] == [
        ("cellIs", "equal", [f'"{level}"']) for level in TREND_COLOURS]
    fills = [r.dxf.fill.bgColor.rgb[-6:] for r in trend_rules]
    assert fills == [fill.lstrip("#") for fill, _ in TREND_COLOURS.values()]
    previous = ws.cell(1, col("Previous trend")).column_letter
    assert len(rules[f"{previous}2:{previous}{last}"]) == 5
    assert [r.formula for r in rules[f"{bench_rag}2:{bench_rag}{last}"]] == [
        ['"Green"'], ['"Amber"'], ['"Red"']]
    assert [r.formula for r in rules[f"D2:D{last}"]] == [
        [f'${bench_rag}2="Green"'], [f'${bench_rag}2="Amber"'], [f'${bench_rag}2="Red"']]
    texts = {ws.cell(r, col("Trend")).value for r in rows_by_indicator(ws).values()}
    assert texts == {"Green", "Amber", "Red"}  # no dark colours with three values or fewer


def test_a_sparkline_per_indicator_over_its_values(book, ws):
    lines = sparklines(sheet_xml(book[0]))
    rows = rows_by_indicator(ws)
    assert len(lines) == 22
    graph = ws.cell(1, col(GRAPH_HEADER)).column_letter
    for name, r in rows.items():
        filled = [ws.cell(r, c).column_letter for c in range(col("First value"), col(GRAPH_HEADER))
                  if ws.cell(r, c).value is not None]
        assert lines[f"{graph}{r}"] == f"{SHEET}!{filled[0]}{r}:{filled[-1]}{r}", name
    r = rows["A&E four hour wait"]
    assert lines[f"{graph}{r}"] == f"{SHEET}!E{r}:H{r}"
    assert 'displayEmptyCellsAs="span"' in sheet_xml(book[0])


def test_sparkline_takes_the_latest_six_values(tmp_path):
    months = ["Jul-17", "Aug-17", "Sep-17", "Oct-17", "Nov-17", "Dec-17", "Jan-18", "Feb-18"]
    header = ["Indicator", "Measure", *months, "Polarity"]
    rows = [["A&E four hour wait", "Percentage", "88%", "87%", "86%", "85%", "84.36%", "79.29%",
             "80.1%", "81%", "High is good"],
            ["One value only", "Count", "", "", "", "", "", "", "", "5", "High is good"]]
    df = read_submission(write_plan(tmp_path / "m.xlsx", rows, header=header)).scorecards
    path = write_sheet(merge_scorecards(df, None, "2018-02", []), tmp_path / "out.xlsx")
    lines = sparklines(sheet_xml(path))
    # columns: A-D lead, E..L the eight months, M the graph; the banner is row 2
    assert lines == {"M3": f"{SHEET}!G3:L3"}


def test_text_stays_text_and_unreadable_values_are_kept(tmp_path):
    header = ["Indicator", "Measure", "Dec-17", "Jan-18", "Comments", "Owner"]
    rows = [["+44 helpline calls answered", "Count", "10", "n/k", "High is good",
             "@Cliff Morgan"]]
    sub = read_submission(write_plan(tmp_path / "t.xlsx", rows, header=header))
    df = sub.scorecards
    # As if read from cells typed that way (openpyxl would store these as formulas).
    df.loc[0, "indicator"] = '=HYPERLINK("http://example.org","KPI")'
    df.loc[0, "comments"] = "=1+1 High is good"
    path = write_sheet(merge_scorecards(df, None, "2018-01", list(sub.issues)),
                       tmp_path / "out.xlsx")
    xml = sheet_xml(path)
    assert "<f>" not in xml
    ws = load_workbook(path)[SHEET]
    assert ws["A1"].value == "Indicator"
    r = 3
    assert ws.cell(r, 1).value == '=HYPERLINK("http://example.org","KPI")'
    assert ws.cell(r, 1).data_type == "s"
    assert (ws.cell(r, 5).value, ws.cell(r, 6).value) == (10, "n/k")  # kept, out of the graph
    headers = [c.value for c in ws[1]]
    assert ws.cell(r, headers.index("Comments") + 1).value == "=1+1 High is good"
    assert ws.cell(r, headers.index("Owner") + 1).value == "@Cliff Morgan"
    assert ws.cell(r, headers.index("Issues") + 1).value == "bad-value"
    assert sparklines(xml) == {}


def test_no_scorecards_no_sheet(tmp_path):
    from xlplan.normalise.scorecards import SCORECARD_COLUMNS

    empty = pd.DataFrame(columns=list(SCORECARD_COLUMNS))
    path = write_sheet(empty, tmp_path / "e.xlsx")
    assert load_workbook(path).sheetnames == ["Dashboard"]


def test_the_sheet_reads_back_as_next_months_history(book):
    path, merged = book
    before = previous_indicators(raw_sheets(path))
    assert set(before) == set(merged["key"])
    for rec in merged.to_dict("records"):
        old = before[rec["key"]]
        assert list(old["series"]) == rec["value_labels"]
        assert [v for v, _ in old["series"].values()] == rec["values"]
        assert old["polarity"] == rec["polarity"]
        assert old["trend_rag"] == rec["trend_rag"]
        assert old["indicator"] == rec["indicator"]


def test_deterministic_bytes(book, tmp_path):
    _, merged = book
    a = write_sheet(merged, tmp_path / "a.xlsx").read_bytes()
    b = write_sheet(merged, tmp_path / "b.xlsx").read_bytes()
    # xlsxwriter stamps the creation time in docProps/core.xml; the sheet itself must not vary.
    with zipfile.ZipFile(tmp_path / "a.xlsx") as za, zipfile.ZipFile(tmp_path / "b.xlsx") as zb:
        for name in za.namelist():
            if name != "docProps/core.xml":
                assert za.read(name) == zb.read(name), name
    assert za.namelist() == zb.namelist() and a[:4] == b[:4] == b"PK\x03\x04"


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_opens_the_sheet(book, tmp_path):
    path = book[0]
    profile = tmp_path / "profile"
    # token 9 "true": cells as shown (with their number format); token 12: the second sheet
    filt = "csv:Text - txt - csv (StarCalc):44,34,UTF8,1,,0,false,true,true,false,false,2"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", filt, "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180,
                   env={**os.environ, "HOME": str(tmp_path)})
    out = next(tmp_path.glob("*.csv"))
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:5] == ["Indicator", "Measure", "Most recent period", "Benchmark",
                           "First value"]
    ae = next(r for r in rows if r[0] == "A&E four hour wait")
    assert ae[4:9] == ["84.36%", "79.29%", "", "76.48%", ""]
    assert ae[col("Trend") - 1] == "Red"


def test_through_write_consolidated_when_registered(tmp_path):
    try:
        from xlplan.write import write_consolidated
    except ImportError:
        pytest.skip("xlplan.write.write_consolidated not there yet")
    import inspect

    import xlplan.write as write_pkg

    if "write_scorecard" not in inspect.getsource(write_pkg):
        pytest.skip("the consolidated writer does not register the Scorecard sheet yet")
    from xlplan.api import merge

    folder = tmp_path / "in"
    write_scorecard_periods(folder, ("2017-12",))
    merged = merge([folder / "2017-12"], period="2017-12")
    out = tmp_path / "consolidated.xlsx"
    write_consolidated(merged, out)
    wb = load_workbook(out)
    assert SHEET in wb.sheetnames
    assert len(sparklines(sheet_xml(out))) == 22
