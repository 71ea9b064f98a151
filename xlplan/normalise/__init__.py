"""Stage 3: located sheets -> tidy rows (pandas DataFrames with canonical column names).

One module per kind of sheet; :mod:`.common` holds what they share.
"""
from .actions import ACTION_COLUMNS, normalise_actions, row_key
from .common import PROVENANCE, SheetContext

__all__ = ["ACTION_COLUMNS", "PROVENANCE", "SheetContext", "normalise_actions", "row_key"]
