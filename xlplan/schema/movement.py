"""How a row moved since last month, as the words the consolidated workbook writes.

An action row's RAG against the previous consolidated workbook is Improved, Worsened or Same
(along the canonical scale, best first), or New where the row was not there last month; a row
that was there and is missing now is carried forward. Scorecard indicators are New or carried
forward the same way. (A risk's score moves Up / Down / Same: see
:func:`xlplan.schema.risk.movement`.)
"""
from __future__ import annotations

__all__ = ["IMPROVED", "WORSENED", "SAME", "NEW", "CARRIED"]

IMPROVED = "Improved"
WORSENED = "Worsened"
SAME = "Same"
NEW = "New"
#: The status of a row no file sent this month, copied from last month's workbook.
CARRIED = "Carried forward"
