"""The library's names cannot be shadowed by its own modules (stage modules are named apart)."""
from __future__ import annotations

import importlib
import pkgutil

import xlplan


def test_every_api_name_stays_callable_after_every_module_is_imported():
    for mod in pkgutil.walk_packages(xlplan.__path__, "xlplan."):
        if mod.name.endswith("__main__"):
            continue
        importlib.import_module(mod.name)
    for name in xlplan.__all__:
        if name == "__version__":
            continue
        assert callable(getattr(xlplan, name)), name


def test_dir_lists_the_api():
    names = dir(xlplan)
    for name in ("read", "validate", "merge", "write_consolidated", "load_config", "make_templates"):
        assert name in names
