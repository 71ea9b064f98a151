"""Stage 5: many submissions (and last month's consolidated workbook) -> one merged result.

:mod:`.actions` merges the action rows (and drives the whole merge), :mod:`.risks` the risk
registers, :mod:`.scorecards` the scorecards. :func:`xlplan.merge` reads the files and hands
them to :func:`merge_read`.
"""
from ..schema.movement import CARRIED, IMPROVED, NEW, SAME, WORSENED
from .actions import Merged, merge_read, reporting_period

__all__ = ["CARRIED", "IMPROVED", "NEW", "SAME", "WORSENED", "Merged", "merge_read",
           "reporting_period"]
