"""The programme file's settings as data: every key of every table, and what its value must be.

A programme file is checked against :data:`SETTINGS` when it is loaded, before any workbook is
read, so a mistake is reported once, as one sentence naming the file, the table, the key and
the value -- not as a traceback, and not later as some workbook being unreadable. Adding a
setting is adding a row here; the checks themselves (:data:`KINDS`) are small pure functions
keyed by the kind of value, in the manner of a declarative schema.

The ``[risk]`` table's cross-key rules (bands that cover the matrix, a preset that exists) stay
with the risk rules in :mod:`xlplan.schema.risk`; this table checks each key's own value first,
so that those rules only see values of the right type.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, Callable

from .columns import SCHEMAS
from .rag import CANONICAL_LEVELS


@dataclass(frozen=True)
class Setting:
    """One key of a programme file: its table, its name, the kind of value, an optional range."""

    table: str
    key: str
    #: a key of :data:`KINDS`
    kind: str
    low: float | None = None
    high: float | None = None
    #: an example of a good value, shown in the message when the value is refused
    example: str = ""


def _is_whole(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _is_text_list(v: Any) -> bool:
    # A tuple is a list too when settings are given in code (``load_config(overrides=...)``).
    return isinstance(v, (list, tuple)) and all(isinstance(s, str) for s in v)


def _is_pair(v: Any) -> bool:
    return (isinstance(v, (list, tuple)) and len(v) == 2 and all(_is_whole(x) for x in v)
            and v[0] < v[1])


def _is_date(v: Any) -> bool:
    if isinstance(v, _dt.date):
        return True
    try:
        return isinstance(v, str) and bool(_dt.date.fromisoformat(v.strip()))
    except ValueError:
        return False


#: kind -> (test of a value, what the value must be, in words). A range (``low``/``high``) is
#: checked after the test passes, for the number kinds.
KINDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "text": (lambda v: isinstance(v, str), "text in quotes"),
    "whole": (_is_whole, "a whole number"),
    "number": (_is_number, "a number"),
    "text list": (_is_text_list, "a list of texts in square brackets"),
    "date": (_is_date, "a date like 2018-03-31"),
    "scale": (_is_pair, "two rising whole numbers, lowest and highest, in square brackets"),
    "preset": (lambda v: _is_whole(v) or isinstance(v, str), "a matrix size like \"5x5\""),
    "bands": (lambda v: _is_whole(v) or (isinstance(v, list) and bool(v)
                                         and all(isinstance(b, dict) for b in v)),
              "a number of preset bands (3, 4 or 5) or a list of bands like "
              "[{name = \"Low\", max = 3, rag = \"Green\"}, ...]"),
    "probability": (lambda v: isinstance(v, (list, tuple)) and len(v) == 4
                    and all(_is_number(b) and 0 < b < 1 for b in v) and list(v) == sorted(v),
                    "four rising numbers between 0 and 1, the upper bounds of steps 1 to 4"),
    "refs": (lambda v: isinstance(v, str), "\"source\" (each organisation's own Refs) or "
             "\"programme\" (programme-wide Refs)"),
    "table": (lambda v: isinstance(v, dict), "a table"),
}

#: Every setting a programme file may hold. Keys a table does not list are kept (in
#: ``Programme.raw``) and ignored, except in ``[risk]``, whose rules name unknown keys.
SETTINGS: tuple[Setting, ...] = (
    Setting("programme", "name", "text", example='"York recommendations"'),
    Setting("programme", "financial_year_start_month", "whole", 1, 12, "4 (April)"),
    Setting("programme", "financial_year", "whole", 1900, 2200,
            "2018 (the calendar year the financial year starts in)"),
    Setting("programme", "expected_sros", "text list", example='["Jo Beer", "Ann James"]'),
    Setting("programme", "coordinator", "text"),
    Setting("programme", "return_by", "text"),
    Setting("programme", "today", "date"),
    Setting("rag", "levels", "text list", example='["Complete", "Green", "Amber", "Red"]'),
    Setting("rag", "labels", "table"),
    Setting("rag", "aliases", "table"),
    Setting("headers", "*", "text list", example='["Accountable officer"]'),
    Setting("rag.labels", "*", "text", example='"Yellow"'),
    Setting("rag.aliases", "*", "text list", example='["Yellow-ish"]'),
    Setting("risk", "preset", "preset"),
    Setting("risk", "size", "whole", 3, 5),
    Setting("risk", "likelihood", "scale", example="[1, 5]"),
    Setting("risk", "impact", "scale", example="[1, 5]"),
    Setting("risk", "appetite", "whole", example="12"),
    Setting("risk", "bands", "bands"),
    Setting("risk", "words", "table"),
    Setting("risk", "probability", "probability", example="[0.2, 0.4, 0.6, 0.8]"),
    Setting("risk", "refs", "refs"),
    Setting("risk.words", "*", "whole", 1, 5, "3 (a step from 1, lowest, to 5, highest)"),
    Setting("scorecard", "strategies", "text list", example='["Start well", "Live well"]'),
    Setting("limits", "max_file_mb", "number", 0, None, "200"),
    Setting("limits", "max_uncompressed_mb", "number", 0, None, "1024"),
    Setting("limits", "max_ratio", "number", 1, None, "100"),
    Setting("limits", "max_rows", "whole", 1, None, "524288"),
    Setting("limits", "max_columns", "whole", 1, None, "1024"),
    Setting("limits", "max_cells", "whole", 1, None, "20000000"),
    Setting("limits", "max_members", "whole", 1, None, "10000"),
    Setting("limits", "ratio_floor_mb", "number", 0, None, "10"),
    Setting("limits", "isolate_above_mb", "number", 0, None, "64"),
    Setting("limits", "file_seconds", "number", 0, None, "120"),
    Setting("limits", "file_memory_mb", "number", 0, None, "2048"),
)

#: The tables of a programme file (a dotted name is a table inside a table).
TABLES: tuple[str, ...] = tuple(dict.fromkeys(s.table for s in SETTINGS))

#: The column names ``[headers]`` may teach spellings for: every canonical column of every kind
#: of sheet.
HEADER_COLUMNS: tuple[str, ...] = tuple(sorted({c.name for schema in SCHEMAS.values()
                                                for c in schema.columns}))


def expected(setting: Setting) -> str:
    """What a setting's value must be, in words: "a whole number from 1 to 12"."""
    words = KINDS[setting.kind][1]
    if setting.low is not None and setting.high is not None:
        words += f" from {setting.low:g} to {setting.high:g}"
    elif setting.low is not None:
        words += f" of at least {setting.low:g}" if setting.low else " above 0"
    if setting.example:
        words += f", like {setting.example}"
    return words


def fits(setting: Setting, value: Any) -> bool:
    """Whether a value is of the setting's kind and inside its range."""
    test, _ = KINDS[setting.kind]
    if not test(value):
        return False
    if _is_number(value):
        if setting.low is not None and (value < setting.low
                                        or (setting.low == 0 and value == 0)):
            return False
        if setting.high is not None and value > setting.high:
            return False
    return True


def _table(data: dict, dotted: str) -> Any:
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def _shown(value: Any) -> str:
    return repr(value) if not isinstance(value, _dt.date) else value.isoformat()


def problems(data: dict) -> list[str]:
    """Every value in a programme's settings that does not fit :data:`SETTINGS`, one phrase
    each ("[programme] financial_year_start_month must be a whole number from 1 to 12, not
    13"), in the order of the table. An empty list means every listed value is usable."""
    out: list[str] = []
    by_table: dict[str, list[Setting]] = {}
    for setting in SETTINGS:
        by_table.setdefault(setting.table, []).append(setting)
    for table, settings in by_table.items():
        node = _table(data, table)
        if node is None:
            continue
        if not isinstance(node, dict):
            out.append(f"[{table}] must be a table (a [{table}] heading with keys under it), "
                       f"not {_shown(node)}")
            continue
        for setting in settings:
            keys = list(node) if setting.key == "*" else [setting.key]
            for key in keys:
                if key not in node:
                    continue
                value = node[key]
                if not fits(setting, value):
                    out.append(f"[{table}] {_quoted(key)} must be {expected(setting)}, "
                               f"not {_shown(value)}")
    levels = _table(data, "rag.levels")
    if _is_text_list(levels):
        bad = [lv for lv in levels if lv not in CANONICAL_LEVELS]
        if bad:
            out.append(f"[rag] levels {', '.join(map(repr, bad))} are not on the canonical "
                       f"scale ({', '.join(CANONICAL_LEVELS)}); relabel levels with "
                       "[rag.labels] instead")
    for table in ("rag.labels", "rag.aliases"):
        node = _table(data, table)
        if isinstance(node, dict):
            for key in node:
                if key not in CANONICAL_LEVELS:
                    out.append(f"[{table}] {_quoted(key)} is not a level of the scale: the "
                               f"levels are {', '.join(CANONICAL_LEVELS)}")
    headers = _table(data, "headers")
    if isinstance(headers, dict):
        for key in headers:
            if key not in HEADER_COLUMNS:
                out.append(f"[headers] {_quoted(key)} is not a column xlplan reads: the columns "
                           f"are {', '.join(HEADER_COLUMNS)}")
    return out


def _quoted(key: str) -> str:
    """A key as it is written in TOML: bare when it can be, in quotes otherwise."""
    return key if key.replace("_", "").replace("-", "").isalnum() and key.isascii() \
        else f'"{key}"'
