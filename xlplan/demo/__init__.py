"""The bundled examples `xlplan demo` writes: the Plymouth CQC Action Plan 2018-19 split into one
workbook per SRO (:mod:`.plan`), seed 003's People Directorate risk register (:mod:`.risks`) and
its Integrated Commissioning scorecard (:mod:`.scorecard`), kept the way SROs really keep them.

Nothing in the reading, merging or writing layers imports this package.
"""
from .plan import write_examples

__all__ = ["write_examples"]
