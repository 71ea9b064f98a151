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


def test_no_module_of_the_package_is_optional():
    """A broken module must fail loudly, never turn into a register read as 0 rows."""
    import re
    from pathlib import Path

    guarded = []
    for path in Path(xlplan.__file__).parent.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"try:\n(\s+)from \.+[\w.]* import [^\n]+\n(?:\1[^\n]+\n)*\s*except "
                             r"ImportError", text):
            guarded.append(f"{path.name}: {m.group(0).splitlines()[1].strip()}")
    assert not guarded, guarded
