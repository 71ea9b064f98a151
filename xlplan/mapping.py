"""``xlplan map FILE``: a programme file's ``[headers]`` block, read off a sample workbook.

A partner's workbook names its columns its own way. xlplan reads many of them unaided (aliases,
then the concept words of a header: see :mod:`xlplan.locate`), but a coordinator wants the
reading fixed, and a table whose main column xlplan cannot name at all must be taught once.
:func:`header_block` reads a sample the way ``validate`` would and writes what it found as
TOML, ready to paste into the programme file:

* every column read, under its canonical name, with the header as written (a column found by
  its words rather than an alias is marked, so the guess can be checked);
* for a table no kind could be read from, the kind it came nearest to, what it found, and a
  guess for the missing main column (the one holding the longest text), marked as a guess;
* the columns left unread, as comments, with the names they could be given.

``validate --config`` then reads the file with those aliases, which win over the built-in ones.
"""
from __future__ import annotations

import json
from pathlib import Path

from .config import Programme
from .locate import locate, unmapped_table
from .reader import RawSheet, read_workbook
from .schema.columns import SCHEMAS, header_key

_KIND_NAMES = {"action_plan": "an action plan", "risk_register": "a risk register",
               "scorecard": "a scorecard"}


def _toml(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def _longest_text_column(sheet: RawSheet, header_row: int, columns: list[int]) -> int | None:
    """Of ``columns``, the one whose cells under the header hold the longest text on average
    (at least 12 characters): the likeliest action, risk or indicator column."""
    best: tuple[float, int] | None = None
    for c in columns:
        texts = [v for row in sheet.rows[header_row + 1:header_row + 201] if c < len(row)
                 for v in (row[c],) if isinstance(v, str) and v.strip()]
        if not texts:
            continue
        mean = sum(len(t) for t in texts) / len(texts)
        if mean >= 12 and (best is None or mean > best[0]):
            best = (mean, c)
    return best[1] if best else None


def header_block(path: str | Path, programme: Programme) -> tuple[str, bool]:
    """The ``[headers]`` block for a sample workbook, and whether any table was found."""
    path = Path(path)
    raw, _, issues = read_workbook(path, path.name, programme)
    if raw is None:
        why = "; ".join(i.message for i in issues) or "it could not be read"
        return f"# xlplan map: {path.name} was not read: {why}\n", False
    names: dict[str, list[str]] = {}
    notes: dict[str, str] = {}
    lines: list[str] = []
    unread: list[str] = []
    kinds: set[str] = set()

    def add(name: str, text: str, note: str | None) -> None:
        if not text:
            return
        if note and name not in notes:
            notes[name] = note
        texts = names.setdefault(name, [])
        if text not in texts:
            texts.append(text)

    located = [(sheet, locate(sheet, programme)) for sheet in raw.sheets]
    for sheet, loc in located:
        if loc is None:
            continue
        kinds.add(loc.kind)
        lines.append(f"# sheet '{sheet.name}': {_KIND_NAMES.get(loc.kind, loc.kind)}, header "
                     f"row {loc.header_row + 1}")
        for name, c in loc.columns.items():
            add(name, loc.headers.get(c, ""),
                "found by its words; check it" if name in loc.guessed else None)
        unread += [h for _, h in sorted(loc.extras.items()) if h not in unread]
    if not kinds:
        # Nothing read as it is: the table nearest to a kind, with a guess for its main column.
        tables = [(sheet, unmapped_table(sheet, programme)) for sheet in raw.sheets]
        tables = [(sheet, t) for sheet, t in tables if t is not None]
        if tables:
            sheet, table = max(tables, key=lambda st: st[1].score)
            kind = table.kind or "action_plan"
            kinds.add(kind)
            lines.append(f"# sheet '{sheet.name}': nothing read as it is; nearest to "
                         f"{_KIND_NAMES[kind]} (header row {table.header_row + 1})")
            for name, text in table.found.items():
                add(name, text, "found by its words; check it")
            taken = {header_key(t) for t in table.found.values()}
            free = [c for c, h in sorted(table.labels.items()) if header_key(h) not in taken]
            schema = SCHEMAS[kind]
            if not any(n in table.found for n in schema.identify_any):
                c = _longest_text_column(sheet, table.header_row, free)
                if c is not None:
                    add(schema.identify_any[0], table.labels[c],
                        "guessed: the column with the longest text; check it")
                    free.remove(c)
            unread += [table.labels[c] for c in free if table.labels[c] not in unread]
    for sheet, loc in located:
        if loc is None and kinds:
            lines.append(f"# sheet '{sheet.name}': not read")
    out = [f"# xlplan map: {path.name}", *lines]
    if not names:
        out.append("# no table xlplan can map was found")
        return "\n".join(out) + "\n", False
    out.append("[headers]")
    for name, texts in names.items():
        line = f"{name} = [{', '.join(_toml(t) for t in texts)}]"
        if name in notes:
            line += f"  # {notes[name]}"
        out.append(line)
    if unread:
        choices = sorted({c.name for k in kinds for c in SCHEMAS[k].columns} - set(names))
        out.append("# Not read as any column (kept as extra columns). To read one as a column,")
        out.append(f"# add it above under one of: {', '.join(choices)}")
        out += [f"#   {_toml(h)}" for h in unread]
    return "\n".join(out) + "\n", True
