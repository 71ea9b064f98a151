"""xlplan: read, check and merge the action plans, risk registers and scorecards SROs keep in Excel.

The data flows one way, one module per stage::

    safety -> reader -> locate -> normalise -> checks -> merging -> write

The library API is a handful of names (imported lazily, so the command line starts fast):

* :func:`read` -- one workbook -> a :class:`~xlplan.api.Submission` (tidy DataFrames + issues)
* :func:`validate` -- files and folders -> a :class:`~xlplan.api.Result`
* :func:`merge` -- a folder of submissions (and last month's consolidated workbook) -> a merged
  :class:`~xlplan.merging.Merged`
* :func:`write_consolidated` -- a merged result -> the consolidated ``.xlsx``
* :func:`load_config` -- the programme settings (TOML)
"""
from __future__ import annotations

__version__ = "0.1.0"

_LAZY = {
    "read": ("xlplan.api", "read"),
    "validate": ("xlplan.api", "validate"),
    "read_submission": ("xlplan.api", "read_submission"),
    "merge": ("xlplan.api", "merge"),
    "write_consolidated": ("xlplan.write", "write_consolidated"),
    "load_config": ("xlplan.config", "load_config"),
    "make_templates": ("xlplan.template", "make_templates"),
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'xlplan' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
