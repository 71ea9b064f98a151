"""Stage 5: many submissions (and last month's consolidated workbook) -> one merged result.

:mod:`.actions` merges the action rows (and drives the whole merge), :mod:`.risks` the risk
registers, :mod:`.scorecards` the scorecards.
"""
from .actions import CARRIED, IMPROVED, NEW, SAME, WORSENED, Merged, merge

__all__ = ["CARRIED", "IMPROVED", "NEW", "SAME", "WORSENED", "Merged", "merge"]
