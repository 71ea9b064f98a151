"""Reporting periods: how a period is written on a sheet, read, labelled and put in time order.

A scorecard's values belong to periods named in header cells, banners, "Most Recent Period"
cells and long extracts' period columns: months ("Dec-17"), financial-year quarters ("2017/18
Q3") and financial years ("2017/18") are read by :func:`parse_period`; the looser forms period
banners use ("Q1'15", "2015", "Jan") by :func:`parse_period_loose`. Both give a
:class:`Period` with one canonical label and the month it ends, which orders periods of any
kind on one time line.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..text import clean_text
from .columns import header_key

__all__ = ["Period", "parse_period", "parse_period_loose", "period_of_month", "is_summary_banner",
           "PERIOD_PATTERNS", "LOOSE_PERIOD_PATTERNS", "SUMMARY_BANNER"]

_MONTHS = {"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
           "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8,
           "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10,
           "nov": 11, "november": 11, "dec": 12, "december": 12}
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_FY = r"(?P<y1>\d{4}|\d{2})\s*[/\-]\s*(?P<y2>\d{4}|\d{2})"
_QTR = r"(?:q|qtr|quarter)\s*(?P<q>[1-4])"
#: How a period is written, tried in order: (kind, pattern over the folded text).
PERIOD_PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    # 2017/18 Q3, 2017/18 - Q3
    ("quarter", re.compile(rf"^(?:fy\s*)?{_FY}\s*[-:,]?\s*{_QTR}$")),
    # Q3 17/18, Quarter 3 2017-18
    ("quarter", re.compile(rf"^{_QTR}\s*[-:,]?\s*(?:fy\s*)?{_FY}$")),
    ("year", re.compile(rf"^(?:fy\s*)?{_FY}$")),                            # 2017/18, FY 2017-18
    ("month", re.compile(r"^(?P<mon>[a-z]{3,9})\.?\s*[-/' ]?\s*(?P<yr>\d{4}|\d{2})$")),  # Dec-17
    ("month", re.compile(r"^(?P<yr>\d{4})\s*[-/]\s*(?P<mn>\d{1,2})$")),     # 2017-12
)
_KIND_RANK = {"month": 0, "quarter": 1, "year": 2}

#: How a period banner or a long extract's period cell is written when :func:`parse_period`
#: does not know it: a quarter of a calendar year ("Q1'15", "Q1 2015", "2015 Q1"), a calendar
#: year ("2015", "CY 2015"), a quarter or a month without a year ("Q1", "Quarter 2", "Jan").
#: (kind, pattern over the folded text); see :func:`parse_period_loose`.
LOOSE_PERIOD_PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    ("quarter", re.compile(rf"^{_QTR}\s*[-:,/' ]?\s*(?:cy\s*)?(?P<yr>\d{{4}}|\d{{2}})$")),
    ("quarter", re.compile(rf"^(?:cy\s*)?(?P<yr>\d{{4}})\s*[-:,/ ]?\s*{_QTR}$")),
    ("year", re.compile(r"^(?:cy|calendar year|year)?\s*(?P<yr>(?:19|20)\d{2})$")),
    ("quarter", re.compile(rf"^{_QTR}$")),
    ("month", re.compile(r"^(?P<mon>[a-z]{3,9})\.?$")),
)
#: A banner over a group of columns that sums up the periods rather than being one of them:
#: its values are kept beside the series (as extra columns), never put on the trend.
SUMMARY_BANNER = re.compile(r"\b(?:full year|fy total|total|ytd|year to date|annual|"
                            r"cumulative|year end|summary|overall)\b")


@dataclass(frozen=True)
class Period:
    """A reporting period a value belongs to, with one canonical label per period.

    Month "Dec-17", financial-year quarter "2017/18 Q3", financial year "2017/18". ``end`` is
    the (year, month) of its last month, which orders periods of any kind on one time line.
    """

    kind: str
    label: str
    end: tuple[int, int]

    @property
    def sort_key(self) -> tuple:
        return (*self.end, _KIND_RANK[self.kind], "")


def _year(text: str) -> int:
    return int(text) if len(text) == 4 else 2000 + int(text)


def _fy_start(y1: str, y2: str) -> int | None:
    """The starting year of a financial year written 'y1/y2', if the years are consecutive."""
    first = _year(y1)
    second = int(y2) if len(y2) == 4 else first // 100 * 100 + int(y2)
    if second == first + 1 or (len(y2) == 2 and int(y2) == (first + 1) % 100):
        return first
    return None


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def period_of_month(year: int, month: int) -> Period:
    return Period("month", f"{_MONTH_ABBR[month - 1]}-{year % 100:02d}", (year, month))


def _fy_label(start: int) -> str:
    return f"{start}/{(start + 1) % 100:02d}"


def parse_period(value: object, fy_start_month: int = 4) -> Period | None:
    """The period a header or "Most Recent Period" cell names, or None.

    Months ("Dec-17", "Dec 2017", "December 2017", "2017-12", or a date cell), financial-year
    quarters ("2017/18 Q3", "2017/18 - Q3", "Q3 17/18", "Quarter 3 2017-18") and financial
    years ("2017/18"). A quarter is of the programme's financial year (April start by default),
    so "2017/18 Q3" ends in December 2017. Two-digit years are 20xx. "Q3 2017" is refused: it
    could be a calendar or a financial quarter, and guessing would misplace the value.
    """
    if isinstance(value, dt.datetime):
        return period_of_month(value.year, value.month)
    if isinstance(value, dt.date):
        return period_of_month(value.year, value.month)
    if not isinstance(value, str):
        return None
    text = " ".join(clean_text(value).lower().replace("\u2013", "-").replace("\u2014", "-").split())
    if not text or len(text) > 40:
        return None
    for kind, pattern in PERIOD_PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        if kind == "month":
            if m.groupdict().get("mon") is not None:
                month = _MONTHS.get(m.group("mon"))
            else:
                month = int(m.group("mn"))
            if not month or not 1 <= month <= 12:
                continue
            return period_of_month(_year(m.group("yr")), month)
        start = _fy_start(m.group("y1"), m.group("y2"))
        if start is None:
            continue
        if kind == "quarter":
            q = int(m.group("q"))
            end = _add_months(start, fy_start_month, 3 * q - 1)
            return Period("quarter", f"{_fy_label(start)} Q{q}", end)
        return Period("year", _fy_label(start), _add_months(start, fy_start_month, 11))
    return None


def parse_period_loose(value: object, fy_start_month: int = 4) -> Period | None:
    """A period as :func:`parse_period` reads it, else as scorecards' period banners and long
    extracts write it: "Q1'15" / "Q1 2015" / "2015 Q1" (a quarter of that calendar year, the
    only reading a lone year allows: labelled "Q1 2015"), "2015" (the calendar year), "Q1" or
    "Quarter 1" and "Jan" / "January" without a year (labelled "Q1", "Jan"; ordered within the
    programme's financial year, the order such a sheet is kept in). None for anything else.

    Kept apart from :func:`parse_period` on purpose: in a "Most Recent Period" cell of the seed's
    layout "Q3 2017" stays unread rather than guessed; here the sheet's own row of banners
    gives the series its order, and the label keeps the year as written."""
    period = parse_period(value, fy_start_month)
    if period is not None or not isinstance(value, str):
        return period
    text = " ".join(clean_text(value).lower().replace("\u2019", "'").replace("\u2013", "-")
                    .split())
    if not text or len(text) > 40:
        return None
    for kind, pattern in LOOSE_PERIOD_PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        groups = m.groupdict()
        if groups.get("mon") is not None:
            month = _MONTHS.get(groups["mon"])
            if not month:
                continue
            # Months without a year: in financial-year order (Apr..Mar with an April start).
            return Period("month", _MONTH_ABBR[month - 1],
                          (0 if month >= fy_start_month else 1, month))
        if groups.get("yr") is None:  # "Q2": a quarter of an unnamed year
            q = int(groups["q"])
            return Period("quarter", f"Q{q}", (0, 3 * q))
        year = _year(groups["yr"])
        if kind == "year":
            return Period("year", str(year), (year, 12))
        q = int(groups["q"])
        return Period("quarter", f"Q{q} {year}", (year, 3 * q))
    return None


def is_summary_banner(text: object) -> bool:
    """True for a banner such as "Full Year 2015", "YTD" or "Total" (see :data:`SUMMARY_BANNER`)."""
    return isinstance(text, str) and bool(SUMMARY_BANNER.search(header_key(text)))
