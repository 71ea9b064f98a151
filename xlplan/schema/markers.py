"""Milestone markers and timeframes as people write them, and the dates they mean.

Quarter columns (Q1..Q4 of the programme's financial year, plus a "later" column) hold ``X``
(due that quarter), ``Complete``, a date, or text such as ``Q2 18/19``. Plans without quarter
columns have one Timeframe column instead (seed 002): ``Oct-18``, ``Mar-19``, ``2018/19``,
``Ongoing - March 19``, ``Autumn 2018``. Both are read to a due date; the text is always kept.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

DUE, COMPLETE, DATE, QUARTER, ONGOING, UNKNOWN = (
    "due", "complete", "date", "quarter", "ongoing", "unknown")

DUE_MARKS = frozenset({"x", "xx", "y", "yes", "due", "*", "tick", "\u2713", "\u2714", "\u2022",
                       "\u25cf", "planned", "p"})
COMPLETE_MARKS = frozenset({"complete", "completed", "done", "achieved", "delivered", "closed",
                            "c", "finished", "complete d"})

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
SEASON_MONTH = {"spring": 5, "summer": 8, "autumn": 11, "fall": 11, "winter": 2}

_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_MONTH_YEAR = re.compile(rf"\b({_MONTH_NAMES})\.?[\s\-/']*(\d{{4}}|\d{{2}})\b", re.IGNORECASE)
_SEASON_YEAR = re.compile(r"\b(spring|summer|autumn|fall|winter)\s*(\d{4}|\d{2})\b", re.IGNORECASE)
_QUARTER_FY = re.compile(r"\b(?:q|qtr|quarter)\s*([1-4])\s*(?:of\s*)?(?:fy\s*)?"
                         r"(\d{2}|\d{4})?\s*[/\-]?\s*(\d{2})?\b", re.IGNORECASE)
_FY = re.compile(r"\b(\d{4}|\d{2})\s*[/\-]\s*(\d{2}|\d{4})\b")
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{2}|\d{4})\b")
#: A date typed (or exported as text) the ISO way: "2025-04-30", "2025-04-30 17:00:00".
_ISO_DATE = re.compile(r"\b((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})\b")
_YEAR = re.compile(r"\b(20\d{2})\b")


@dataclass(frozen=True)
class Marker:
    """What one milestone or timeframe cell says."""

    kind: str                      # due | complete | date | quarter | ongoing | unknown
    text: str                      # as written (cleaned)
    date: dt.date | None = None    # the due date when the cell itself gives one
    quarter: int | None = None     # for "Q2 18/19"
    fy: int | None = None          # financial year by its starting calendar year


def _year(text: str) -> int:
    y = int(text)
    return y + 2000 if y < 100 else y


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def quarter_end(fy: int, quarter: int, start_month: int = 4) -> dt.date:
    """Last day of quarter 1-4 of the financial year that starts in ``start_month`` of ``fy``."""
    month0 = start_month - 1 + 3 * (quarter - 1) + 2
    return month_end(fy + month0 // 12, month0 % 12 + 1)


def fy_of(day: dt.date, start_month: int = 4) -> int:
    """The financial year (by starting calendar year) a date falls in."""
    return day.year if day.month >= start_month else day.year - 1


#: A financial year written as people write it in titles and quarter headers: "2018-19",
#: "2018/19", "2018/2019", "FY18/19", "Q1 18/19". The two years must follow each other, so a
#: date such as "2018-03" or "12/05" is not taken for one.
_FY_IN_TEXT = re.compile(r"(?<![\d/.\-])(?:fy\s*)?((?:19|20)?\d{2})\s*[-/\u2013\u2014]\s*"
                         r"((?:19|20)?\d{2})(?![\d]|[/.\-]\d)", re.I)


def financial_year_in(text: object) -> int | None:
    """The financial year (by starting calendar year) a text names, or None.

    >>> financial_year_in("CQC Action Plan 2018-19"), financial_year_in("Q1 18/19")
    (2018, 2018)
    >>> financial_year_in("March 2018-03") is None
    True
    """
    if not isinstance(text, str) or len(text) > 400:
        return None
    for m in _FY_IN_TEXT.finditer(text):
        first, second = m.group(1), m.group(2)
        start = int(first) if len(first) == 4 else 2000 + int(first)
        end = int(second) % 100
        if (start + 1) % 100 == end and 1990 <= start <= 2100:
            return start
    return None


_QUARTER_WORD = re.compile(r"\b(?:q|qtr|quarter)\s*[1-4]\b", re.I)


def financial_year_of_sheet(title_cells: Iterable[object], header_cells: Iterable[object]
                            ) -> int | None:
    """The financial year a plan states: in its title block (or sheet name) first; else the
    earliest year its quarter headers name ("Q1 18/19"); else, where bare quarter columns are
    followed by a year column ("Q1 ... Q4 | 2019/20": the milestones beyond the plan), the year
    before that one."""
    for text in title_cells:
        fy = financial_year_in(text)
        if fy is not None:
            return fy
    quarters, later = [], []
    for text in header_cells:
        fy = financial_year_in(text)
        if fy is not None:
            (quarters if _QUARTER_WORD.search(str(text)) else later).append(fy)
    if quarters:
        return min(quarters)
    if later and any(isinstance(t, str) and _QUARTER_WORD.fullmatch(t.strip()) for t in header_cells):
        return min(later) - 1
    return None


def parse_marker(value: object, start_month: int = 4) -> Marker | None:
    """A quarter-column cell: None when blank, else a :class:`Marker` (kind unknown if unread)."""
    if value.__class__ is str:
        return _text_marker(value, start_month)
    return _parse_marker(value, start_month)


def parse_timeframe(value: object, start_month: int = 4) -> Marker | None:
    """A timeframe cell read to its due date; kind unknown when no date can be read from it."""
    if value.__class__ is str:
        return _text_timeframe(value, start_month)
    return _parse_timeframe(value, start_month)


# A text's reading, remembered: every plan writes the same few markers ('X', 'Complete',
# 'Q2 18/19') and timeframes on many rows. Bounded, and only for texts (1, 1.0 and True are
# one cache key but three different cells).
@lru_cache(maxsize=4096, typed=True)
def _text_marker(text: str, start_month: int) -> Marker | None:
    return _parse_marker(text, start_month)


@lru_cache(maxsize=4096, typed=True)
def _text_timeframe(text: str, start_month: int) -> Marker | None:
    return _parse_timeframe(text, start_month)


def _parse_marker(value: object, start_month: int = 4) -> Marker | None:
    if value is None or value == "" or value is False:
        return None
    if isinstance(value, dt.datetime):
        return Marker(DATE, value.date().isoformat(), value.date())
    if isinstance(value, dt.date):
        return Marker(DATE, value.isoformat(), value)
    if value is True:
        return Marker(DUE, "TRUE")
    text = " ".join(str(value).split())
    if not text:
        return None
    key = text.lower().strip(" .!")
    if key in DUE_MARKS:
        return Marker(DUE, text)
    if key in COMPLETE_MARKS or key.startswith("complete"):
        return Marker(COMPLETE, text)
    parsed = parse_timeframe(text, start_month)
    if parsed is not None:
        return parsed
    return Marker(UNKNOWN, text)


def _parse_timeframe(value: object, start_month: int = 4) -> Marker | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return Marker(DATE, value.date().isoformat(), value.date())
    if isinstance(value, dt.date):
        return Marker(DATE, value.isoformat(), value)
    if isinstance(value, (int, float)):
        text = str(int(value)) if float(value).is_integer() else str(value)
    else:
        text = " ".join(str(value).split())
    if not text:
        return None
    low = text.lower()

    m = _QUARTER_FY.search(low)
    if m and (m.group(2) or m.group(3)):
        q = int(m.group(1))
        fy = _year(m.group(2)) if m.group(2) else None
        if fy is not None:
            return Marker(QUARTER, text, quarter_end(fy, q, start_month), q, fy)
    m = _ISO_DATE.search(low)
    if m:
        try:
            return Marker(DATE, text, dt.date(int(m.group(1)), int(m.group(2)),
                                              int(m.group(3))))
        except ValueError:
            pass
    m = _DAY_MONTH_YEAR.search(low)
    if m:
        try:
            day = dt.date(_year(m.group(3)), int(m.group(2)), int(m.group(1)))
            return Marker(DATE, text, day)
        except ValueError:
            pass
    m = _MONTH_YEAR.search(low)
    if m:
        return Marker(DATE, text, month_end(_year(m.group(2)), MONTHS[m.group(1).lower()]))
    m = _SEASON_YEAR.search(low)
    if m:
        year, month = _year(m.group(2)), SEASON_MONTH[m.group(1).lower()]
        if month == 2:  # winter 2018 runs into February 2019
            year += 1
        return Marker(DATE, text, month_end(year, month))
    m = _FY.search(low)
    if m:
        first, second = _year(m.group(1)), _year(m.group(2))
        if second == first + 1 or second % 100 == (first + 1) % 100:
            return Marker(DATE, text, quarter_end(first, 4, start_month), None, first)
        if second > first:  # "2017/19": a multi-year span, due at its end
            return Marker(DATE, text, quarter_end(second - 1, 4, start_month), None, second - 1)
    m = _YEAR.search(low)
    if m:
        return Marker(DATE, text, dt.date(int(m.group(1)), 12, 31))
    if low.startswith(("ongoing", "continuous", "tbc", "tbd", "to be confirmed", "n/a")):
        return Marker(ONGOING, text)
    return Marker(UNKNOWN, text)
