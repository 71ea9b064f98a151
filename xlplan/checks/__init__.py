"""Stage 4 (checks): rules over tidy rows -> issues. One module per kind of sheet.

Structural findings (banners, fragments, formulas in cells) are made while normalising, where
the raw cells are at hand; the rules here judge values: RAG on the scale, markers readable,
refs unique, ratings consistent.
"""
from .actions import validate_actions, validate_required_columns

__all__ = ["validate_actions", "validate_required_columns"]
