"""Stage 2: which kind each sheet is, where its table's header is, which column is which.

:mod:`.header` finds a header row by its words (one row, or a group row over sub-headers) for
every kind of sheet; :mod:`.scorecards` finds the scorecards laid out otherwise (period banners,
a KPI column named in other words, sideways), where no header row matched.
"""
from __future__ import annotations

from ..config import Programme
from ..reader import RawSheet
from .header import HEADER_SEARCH_ROWS, Located, Unmapped, group_labels, locate_by_header, \
    status_or_rag, unmapped_table
from .scorecards import locate_scorecard

__all__ = ["HEADER_SEARCH_ROWS", "Located", "Unmapped", "locate", "group_labels", "status_or_rag",
           "unmapped_table"]


def locate(sheet: RawSheet, programme: Programme) -> Located | None:
    """Where a sheet's table is: its kind, header row and column map; None when the sheet holds
    no table of any kind. A header row found by its words wins; a scorecard's other shapes are
    looked for only where none matched."""
    return locate_by_header(sheet, programme) or locate_scorecard(sheet, programme)
