"""The bundled example scorecard: seed 003's Integrated Health & Wellbeing System Performance
Scorecard (December 2017) as the workbook an SRO keeps, and the same workbook in later quarters.

The data is the seed's, word for word (Appendix 3, sections 6-9): the 22 indicators with their
measure, most recent period, benchmark, first and last value of the graph as typed ("84.8%",
"1,387", "0.36"), the Trend and Comments cells (the seed keeps the polarity in Comments, and its
Community table repeats it in Trend), grouped under the four strategy headings with the seed's
objective banner rows.

- :func:`write_scorecard_workbook` -- one period's workbook. ``period="2017-12"`` is the seed as
  it is. ``"2018-03"`` and ``"2018-06"`` are the next two quarters: each indicator's most recent
  period moves on one step ("Dec-17" -> "Mar-18" -> "Jun-18", "2017/18 Q3" -> "2017/18 Q4" ->
  "2018/19 Q1") and its Last Value of Graph is the value in :data:`LATER_VALUES`, written the
  way the seed writes that indicator. The First Value of Graph stays the seed's (the graph keeps
  its start). These later values are made up -- plausible next values, chosen so that merging
  the quarters shows every trend colour, including the exact 2.5% edge -- and are not the
  seed's.
- :func:`write_scorecard_periods` -- every period into one folder, one sub-folder per period.

The Trend cell of each row is filled with the trend RAG colour of the values in that workbook
(seed section 4), as the seed's scorecard shows it. Every workbook is saved with fixed document
properties and zip timestamps: the same call gives the same bytes.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..layout import row_height
from ..schema.scorecard import parse_measure_value, parse_polarity, trend_rag
from .common import period_stamp, save_stable

__all__ = [
    "HEADER",
    "PERIODS",
    "SEED_PERIOD",
    "SeedIndicator",
    "SEED_ROWS",
    "LATER_VALUES",
    "indicators",
    "period_rows",
    "write_scorecard_workbook",
    "write_scorecard_periods",
]

SEED_PERIOD = "2017-12"
#: The periods :func:`write_scorecard_workbook` can write: the seed's quarter and the next two.
PERIODS = ("2017-12", "2018-03", "2018-06")
#: The seed's header row, in its order.
HEADER = ("Indicator", "Measure", "Most Recent Period", "Benchmark", "First Value of Graph",
          "Graph", "Last Value of Graph", "Trend", "Comments")
SHEET = "Scorecard"
TITLE = "INTEGRATED HEALTH & WELLBEING SYSTEM PERFORMANCE SCORECARD"


@dataclass(frozen=True)
class SeedIndicator:
    """One indicator row of the seed, as typed."""

    indicator: str
    measure: str
    period: str
    benchmark: str
    first: str
    last: str
    trend: str
    comments: str


def _i(*cells: str) -> tuple[str, SeedIndicator]:
    return "indicator", SeedIndicator(*cells)


_HIGH, _LOW = "High is good", "Low is good"

#: The seed's scorecard tables in reading order: ("strategy", heading), ("objective", banner) and
#: ("indicator", SeedIndicator) records. Text exactly as in seed 003 (bullets are U+2022).
SEED_ROWS: tuple[tuple[str, object], ...] = (
    ("strategy", "WELLBEING"),
    ("objective", "Place health improvement and the prevention of ill health at the core of our "
                  "planned care system; demonstrably reducing the demand for urgent and complex "
                  "interventions and yielding improvements in health and the behavioural "
                  "determinants of health in Plymouth"),
    _i("CCGOF Referral to Treatment waiting times (patients seen within 18 weeks on incomplete "
       "pathway (%))", "Percentage", "Dec-17", "N/A", "84.8%", "81.3%", "", _HIGH),
    _i("NHSOF Estimated diagnosis rates for Dementia", "Percentage", "Dec-17", "N/A", "59.6%",
       "60.1%", "", _HIGH),
    _i("In hospital Falls with harm", "Percentage", "Dec-17", "N/A", "0.24", "0.36", "", _LOW),
    ("strategy", "CHILDREN AND YOUNG PEOPLE"),
    ("objective", "Keep our Children and Young People Safe: ensure effective safeguarding and "
                  "provide excellent services for children in care"),
    _i("Referrals carried out within 12 months of a previous referral (Re-referrals)",
       "Percentage", "2017/18 Q3", "", "33.5", "28.2", "", _LOW),
    _i("Number of children subject to a Child Protection plan", "Count", "2017/18 Q3", "", "371",
       "338", "", _LOW),
    _i("Number of Children in Care", "Count", "2017/18 Q3", "", "406", "411", "", _LOW),
    _i("Number of Children in Care - Residential", "Count", "2017/18 Q3", "N/A", "27.0", "39.0",
       "", _LOW),
    _i("Timing of Children's Single Assessments (% completed within 45 working days)",
       "Percentage", "2017/18 Q3", "", "94.9", "70.6", "", _HIGH),
    ("strategy", "COMMUNITY"),
    ("objective", "Provide integrated services that meet the whole needs of the person by "
                  "developing: \u2022 Single, integrated points of access \u2022 Integrated "
                  "support services & system performance management \u2022 Integrated records"),
    _i("Number of households prevented from becoming homeless", "Count", "2017/18 - Q3", "N/A",
       "299", "175", _HIGH, _HIGH),
    _i("Average number of households in B&B per month", "Count", "2017/18 - Q3", "N/A", "32.0",
       "57.0", _LOW, _LOW),
    ("objective", "Reduce unnecessary emergency admissions to hospital across all ages by: "
                  "\u2022 Responding quickly in a crisis \u2022 Focusing on timely discharge "
                  "\u2022 Providing advice and guidance, recovery and reablement"),
    _i("Proportion of people still at home 91 days after discharge from hospital into "
       "reablement/ rehabilitation services", "Percentage", "2017/18 - Q3", "N/A", "88.0", "84.0",
       _HIGH, _HIGH),
    _i("Improving Access to Psychological Therapies Monthly Access rate", "Percentage", "Dec-17",
       "N/A", "1.17", "0.90", _HIGH, _HIGH),
    _i("Improving Access to Psychological Therapies Recovery rate rate", "Percentage", "Dec-17",
       "N/A", "35.80", "47.40", _HIGH, _HIGH),
    _i("A&E four hour wait", "Percentage", "Dec-17", "N/A", "84.36%", "79.29%", _HIGH, _HIGH),
    _i("Emergency Admissions to hospital (over 65s)", "Count", "Dec-17", "N/A", "1,387", "1,371",
       _LOW, _LOW),
    _i("Discharges at weekends and bank holidays", "Percentage", "Dec-17", "N/A", "18.22%",
       "19.09%", _HIGH, _HIGH),
    _i("Rate of Delayed transfers of care per day, per 100,000 population", "Rate per 100,000",
       "2017/18 - Q3", "N/A", "16.4", "22.7", _LOW, _LOW),
    _i("Rate of Delayed transfers of care per day, per 100,000 population, attributable to Adult "
       "Social Care", "Rate per 100,000", "2017/18 - Q3", "N/A", "7.9", "11.9", _LOW, _LOW),
    ("objective", "Provide person centred, flexible and enabling services for people who need "
                  "on-going support to help them to live independently by:\u2022 Supporting "
                  "people to manage their own health and care needs within suitable housing "
                  "\u2022 Support the development of a range services that offer quality & choice "
                  "in a safe environment \u2022 Further integrating health and social care"),
    _i("People helped to live in their own home through the provision of Major Adaptation",
       "Count", "2017/18 - Q3", "N/A", "59", "77", _HIGH, _HIGH),
    _i("Long-term support needs met by admission to residential and nursing care homes, per "
       "100,000 population (aged 65+)", "Rate per 100,000", "2017/18 - Q3", "N/A", "125.9",
       "116.7", _LOW, _LOW),
    _i("Long-term support needs met by admission to residential and nursing care homes, per "
       "100,000 population (aged 18-64)", "Rate per 100,000", "2017/18 - Q3", "N/A", "1.8", "2.4",
       _LOW, _LOW),
    ("strategy", "ENHANCED AND SPECIALIST"),
    ("objective", "Provide high quality, safe and effective care, preventing people from "
                  "escalating to, or requiring, urgent or unplanned care"),
    _i("Percentage of CQC providers with a CQC rating of good or outstanding", "Percentage",
       "2017/18 - Q3", "", "84.0", "73.0", "", _HIGH),
)

#: Made-up Last Value of Graph for the two quarters after the seed's, per indicator (first words
#: of its name -> (2018-03, 2018-06)). The comment gives the trend RAG of the merged series
#: [first, Dec/Q3, Mar/Q4, Jun/Q1] after 2018-03 and after 2018-06.
LATER_VALUES: dict[str, tuple[str, str]] = {
    "CCGOF Referral to Treatment": ("80.0%", "77.9%"),        # Amber (-1.6%); Red (-2.6%)
    "NHSOF Estimated diagnosis": ("61.8%", "63.5%"),          # Green; Green (run of 2)
    "In hospital Falls with harm": ("0.30", "0.33"),          # Green; Red
    "Referrals carried out within": ("26.0", "24.5"),         # Green (run 2); Dark Green
    "Number of children subject": ("352", "360"),             # Red; Amber (+2.3%)
    "Number of Children in Care": ("418", "425"),             # Amber; Amber
    "Number of Children in Care - Residential": ("36.0", "33.0"),  # Green; Green (run 2)
    "Timing of Children's Single": ("76.3", "81.0"),          # Green; Green (run 2)
    "Number of households prevented": ("168", "150"),         # Red (run 2); Dark Red
    "Average number of households": ("50.0", "51.0"),         # Green; Amber (+2.0%)
    "Proportion of people still at home": ("86.1", "88.5"),   # Amber (exactly +2.5%); Green
    "Improving Access to Psychological Therapies Monthly": ("0.95", "0.93"),  # Green; Amber
    # Green (run 2); Amber
    "Improving Access to Psychological Therapies Recovery": ("49.10", "50.30"),
    "A&E four hour wait": ("76.48%", "74.10%"),               # Red (run 2); Dark Red
    "Emergency Admissions to hospital": ("1,452", "1,398"),   # Red; Green
    "Discharges at weekends": ("19.60%", "20.35%"),           # Green (run 2); Dark Green
    # Green; Amber (the one "attributable to Adult Social Care": note the comma)
    "Rate of Delayed transfers of care per day, per 100,000 population,": ("10.5", "10.3"),
    # Green; Green (run 2)
    "Rate of Delayed transfers of care per day, per 100,000 population": ("21.2", "19.8"),
    "People helped to live": ("81", "79"),                    # Green; Amber (-2.47%)
    "Long-term support needs met by admission to residential and nursing care homes, per "
    "100,000 population (aged 65+)": ("119.3", "124.0"),      # Amber (+2.2%); Red
    "Long-term support needs met by admission to residential and nursing care homes, per "
    "100,000 population (aged 18-64)": ("2.46", "2.1"),       # Amber (exactly +2.5%); Green
    "Percentage of CQC providers": ("70.0", "66.0"),          # Red (run 2); Dark Red
}

#: How the most recent period moves on each quarter, per way the seed writes it.
_NEXT_PERIODS: dict[str, tuple[str, str]] = {
    "Dec-17": ("Mar-18", "Jun-18"),
    "2017/18 Q3": ("2017/18 Q4", "2018/19 Q1"),
    "2017/18 - Q3": ("2017/18 - Q4", "2018/19 - Q1"),
}

#: The Trend cell's fill for each trend RAG (colours the reader maps back, see
#: :data:`xlplan.normalise.scorecards.TREND_FILLS`).
TREND_FILL = {"Dark Green": "00703C", "Green": "00B050", "Amber": "FFC000", "Red": "FF0000",
              "Dark Red": "C00000"}

_WIDTHS = (58, 14, 14, 11, 12, 12, 12, 14, 14)
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_MONTHS = ("JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE", "JULY", "AUGUST", "SEPTEMBER",
           "OCTOBER", "NOVEMBER", "DECEMBER")


def indicators() -> list[SeedIndicator]:
    """The seed's 22 indicators, in reading order."""
    return [rec for kind, rec in SEED_ROWS if kind == "indicator"]  # type: ignore[misc]


def _later(ind: SeedIndicator) -> tuple[str, str]:
    """The made-up later values of an indicator: the longest :data:`LATER_VALUES` prefix of its
    name (so "Number of Children in Care - Residential" is not taken for "... in Care")."""
    best = max((p for p in LATER_VALUES if ind.indicator.startswith(p)), key=len, default=None)
    if best is None:
        raise KeyError(f"no later values for {ind.indicator!r}")
    return LATER_VALUES[best]


def period_rows(period: str = SEED_PERIOD) -> list[tuple[str, object]]:
    """:data:`SEED_ROWS` as they read in ``period``'s workbook (most recent period and last
    value moved on for the quarters after the seed's)."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
    step = PERIODS.index(period)
    if step == 0:
        return list(SEED_ROWS)
    out: list[tuple[str, object]] = []
    for kind, rec in SEED_ROWS:
        if kind == "indicator":
            assert isinstance(rec, SeedIndicator)
            rec = SeedIndicator(rec.indicator, rec.measure, _NEXT_PERIODS[rec.period][step - 1],
                                rec.benchmark, rec.first, _later(rec)[step - 1], rec.trend,
                                rec.comments)
        out.append((kind, rec))
    return out


def _trend_colour(ind: SeedIndicator) -> str | None:
    polarity = parse_polarity(ind.comments)
    values = [parse_measure_value(ind.first), parse_measure_value(ind.last)]
    level = trend_rag(values, polarity) if polarity else None
    return TREND_FILL.get(level) if level else None


def _banner(ws, r: int, text: str, *, fill: str, font: Font) -> None:
    cell = ws.cell(r, 1, text)
    cell.font = font
    cell.fill = PatternFill("solid", fgColor=fill)
    cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(HEADER))
    ws.row_dimensions[r].height = row_height([(text, sum(_WIDTHS[:len(HEADER)]))], minimum=18)


def _write(ws, period: str) -> None:
    year, month = int(period[:4]), int(period[5:7])
    ws.cell(1, 1, TITLE).font = Font(bold=True, size=14)
    ws.cell(2, 1, f"{_MONTHS[month - 1]} {year}").font = Font(bold=True, size=12)
    header_row = 4
    for c, text in enumerate(HEADER, 1):
        cell = ws.cell(header_row, c, text)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F3864")
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = _BORDER
    r = header_row + 1
    for kind, rec in period_rows(period):
        if kind == "strategy":
            _banner(ws, r, str(rec), fill="2F5597", font=Font(bold=True, color="FFFFFF", size=12))
        elif kind == "objective":
            _banner(ws, r, str(rec), fill="DDEBF7", font=Font(italic=True))
        else:
            assert isinstance(rec, SeedIndicator)
            cells = (rec.indicator, rec.measure, rec.period, rec.benchmark, rec.first, "",
                     rec.last, rec.trend, rec.comments)
            for c, value in enumerate(cells, 1):
                cell = ws.cell(r, c, value if value != "" else None)
                cell.border = _BORDER
                cell.alignment = Alignment(wrap_text=c == 1, vertical="top",
                                           horizontal="left" if c == 1 else "center")
            colour = _trend_colour(rec)
            if colour:
                ws.cell(r, 8).fill = PatternFill("solid", fgColor=colour)
        r += 1
    for c, width in enumerate(_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = f"B{header_row + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"


def write_scorecard_workbook(path: str | os.PathLike, *, period: str = SEED_PERIOD) -> Path:
    """Write the scorecard as an SRO keeps it for ``period`` (one of :data:`PERIODS`)."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    _write(ws, period)
    return save_stable(wb, Path(path), period_stamp(period),
                       f"Integrated Commissioning Scorecard {period}")


def write_scorecard_periods(folder: str | os.PathLike,
                            periods: tuple[str, ...] = PERIODS) -> list[Path]:
    """One workbook per period: ``folder/<period>/<period> Integrated Scorecard.xlsx``."""
    folder = Path(folder)
    return [write_scorecard_workbook(folder / p / f"{p} Integrated Scorecard.xlsx", period=p)
            for p in periods]
