#!/usr/bin/env python3
"""Fuzz xlplan's reader with workbooks damaged *inside* the package.

Flipping random bytes of a zip mostly breaks the zip itself, so such inputs never reach the
parsers. Each input here is an example workbook whose parts are changed the way a broken
export, a hand-edited file or a hostile sender changes them, then zipped again properly:

* cells: a value replaced (text in a number cell, an error value, an infinite or empty
  number), a type changed (``t="s"``, ``"e"``, ``"b"``, ``"d"``, an unknown one), a formula
  added (to another workbook, a DDE call) with or without a cached value, a reference dropped;
* shared strings: an index beyond the table, an entry removed, control characters or a
  formula-like text in an entry;
* styles: a style index beyond the table, a number format changed to a date;
* dimensions and far cells: a ``<dimension>`` declaring the whole sheet, a stray value far
  below or to the right of the table;
* parts: truncated, with bytes inserted, or removed.

Every input is read as a merge reads it (:func:`xlplan.api.read_submission`) in a forked child
with a deadline, and the outcome is one of:

* **crash**: an exception escaped ``read_submission`` or the child died;
* **hang**: the deadline passed;
* **silent change**: a non-empty cell of a column the sheet maps, as an independent reading of
  the sheet XML gives it, appears neither in the tables read nor (with its value) in an issue;
* otherwise read (past the zip layer, into tables) or refused with an issue.

    python scripts/fuzz.py --count 300 --seed 1

prints the counts; crashing inputs are saved to ``fuzz-crashes/`` (git-ignored).
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import re
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHEET_RE = re.compile(r"xl/worksheets/sheet\d+\.xml$")
CELL_RE = re.compile(rb"<c\b[^>]*?(?:/>|>.*?</c>)", re.DOTALL)
ERRORS = [b"#REF!", b"#N/A", b"#DIV/0!", b"#VALUE!", b"#NAME?", b"#NUM!", b"#NULL!",
          b"#SPILL!", b"#CALC!"]


# ------------------------------------------------------------------------------ seeds
def seed_workbooks(folder: Path) -> list[Path]:
    """Example submissions of every kind, some with their text moved to a shared-strings part
    (as Excel writes it; openpyxl writes inline strings)."""
    from xlplan.demo.plan import write_submissions
    from xlplan.demo.risks import write_risk_register
    from xlplan.demo.scorecard import write_scorecard_workbook

    paths = list(write_submissions(folder / "subs", period="2018-03"))[:4]
    paths.append(write_risk_register(folder / "risks.xlsx"))
    paths.append(write_scorecard_workbook(folder / "scorecard.xlsx"))
    for p in list(paths[:2]) + [paths[-2]]:
        shared = p.with_name(p.stem + " (shared).xlsx")
        shared.write_bytes(zip_members(to_shared_strings(members_of(p.read_bytes()))))
        paths.append(shared)
    return paths


def members_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def zip_members(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def to_shared_strings(members: dict[str, bytes]) -> dict[str, bytes]:
    """Inline strings moved into xl/sharedStrings.xml (``t="s"`` cells)."""
    table: dict[bytes, int] = {}

    def share(m: re.Match) -> bytes:
        idx = table.setdefault(m.group(2), len(table))
        return m.group(1) + b' t="s"><v>' + str(idx).encode() + b"</v></c>"

    pattern = re.compile(rb'(<c\b[^>]*?) t="inlineStr"><is>(<t[^>]*>.*?</t>)</is></c>', re.DOTALL)
    for name in [n for n in members if SHEET_RE.match(n)]:
        members[name] = pattern.sub(share, members[name])
    items = b"".join(b"<si>" + t + b"</si>" for t in table)
    members["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.'
        b'openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>'
        % (len(table), len(table), items))
    rels = members["xl/_rels/workbook.xml.rels"]
    members["xl/_rels/workbook.xml.rels"] = rels.replace(b"</Relationships>", (
        b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
    types = members["[Content_Types].xml"]
    members["[Content_Types].xml"] = types.replace(b"</Types>", (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
    return members


# -------------------------------------------------------------------------- mutations
def _replace_cell(xml: bytes, rng: random.Random, make) -> bytes:
    cells = list(CELL_RE.finditer(xml))
    if not cells:
        return xml
    m = rng.choice(cells)
    ref = re.search(rb'\br="([A-Z]+\d+)"', m.group(0))
    new = make(m.group(0), ref.group(1) if ref else b"")
    return xml[:m.start()] + new + xml[m.end():]


def _value(rng: random.Random) -> bytes:
    return rng.choice([b"abc", b"", b"1e309", b"-0", b"NaN", b"12,5", b"99999999999999999999",
                       b"45000.5", b"TRUE", b"2018-03-01", b"=1+1", b"1" * 40])


def m_cell_value(members, rng):
    name = rng.choice(sheets(members))

    def make(cell, ref):
        head = cell.split(b">", 1)[0].rstrip(b"/")
        head = re.sub(rb'\st="[^"]*"', b"", head)
        typ = rng.choice([b"", b' t="n"', b' t="e"', b' t="str"'])
        value = rng.choice(ERRORS) if typ == b' t="e"' else _value(rng)
        return head + typ + b"><v>" + value + b"</v></c>"
    members[name] = _replace_cell(members[name], rng, make)


def m_cell_type(members, rng):
    name = rng.choice(sheets(members))

    def make(cell, ref):
        new_t = rng.choice([b"s", b"n", b"b", b"e", b"str", b"d", b"inlineStr", b"zz"])
        if b' t="' in cell:
            return re.sub(rb' t="[^"]*"', b' t="' + new_t + b'"', cell, count=1)
        return cell.replace(b"<c ", b'<c t="' + new_t + b'" ', 1)
    members[name] = _replace_cell(members[name], rng, make)


def m_formula(members, rng):
    name = rng.choice(sheets(members))
    formula = rng.choice([b"[1]Sheet1!$A$1", b"cmd|' /C calc'!A0", b"SUM(#REF!)",
                          b'HYPERLINK("http://x.example","x")', b"1/0", b"NA()"])

    def make(cell, ref):
        head = re.sub(rb'\st="[^"]*"', b"", cell.split(b">", 1)[0].rstrip(b"/"))
        cached = rng.choice([b"", b"<v>5</v>", b'<v>#N/A</v>'])
        typ = b' t="e"' if b"#" in cached else b""
        return head + typ + b"><f>" + formula.replace(b"&", b"&amp;").replace(b'"', b"&quot;") \
            + b"</f>" + cached + b"</c>"
    members[name] = _replace_cell(members[name], rng, make)


def m_drop_ref(members, rng):
    name = rng.choice(sheets(members))
    members[name] = _replace_cell(members[name], rng,
                                  lambda cell, ref: re.sub(rb'\sr="[^"]*"', b"", cell, count=1))


def m_shared_index(members, rng):
    name = rng.choice(sheets(members))
    if b't="s"' not in members[name]:
        return m_cell_type(members, rng)

    def make(cell, ref):
        if b't="s"' not in cell:
            return cell
        return re.sub(rb"<v>[^<]*</v>", b"<v>" + rng.choice([b"99999", b"-1", b"x", b""])
                      + b"</v>", cell, count=1)
    for _ in range(20):
        before = members[name]
        members[name] = _replace_cell(before, rng, make)
        if members[name] != before:
            break


def m_shared_text(members, rng):
    sst = members.get("xl/sharedStrings.xml")
    if not sst:
        return m_cell_value(members, rng)
    items = list(re.finditer(rb"<si>.*?</si>", sst, re.DOTALL))
    if not items:
        return
    m = rng.choice(items)
    new = rng.choice([b"", b"<si><t>_x001B_[2J_x0007_Green</t></si>",
                      b"<si><t>=cmd|' /C calc'!A0</t></si>",
                      b"<si><t>" + b"long " * 2000 + b"</t></si>",
                      b"<si><r><t>Gre</t></r><r><t>en</t></r></si>"])
    members["xl/sharedStrings.xml"] = sst[:m.start()] + new + sst[m.end():]


def m_style(members, rng):
    if rng.random() < 0.5:
        name = rng.choice(sheets(members))
        members[name] = _replace_cell(members[name], rng, lambda cell, ref: re.sub(
            rb"^<c\b", b'<c s="' + str(rng.choice([999, 70000, 14, 22])).encode() + b'"',
            re.sub(rb'\ss="[^"]*"', b"", cell, count=1)))
    elif "xl/styles.xml" in members:
        members["xl/styles.xml"] = re.sub(rb'numFmtId="\d+"', b'numFmtId="14"',
                                          members["xl/styles.xml"], count=rng.randint(1, 9))


def m_dimension(members, rng):
    name = rng.choice(sheets(members))
    xml = members[name]
    if rng.random() < 0.5:
        dim = rng.choice([b"A1:XFD1048576", b"A1:Z900000", b"A1", b"ZZ9:A1", b"garbage"])
        if b"<dimension" in xml:
            xml = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="' + dim + b'"/>', xml)
    else:
        row = rng.choice([1_048_567, 1_048_576, 600_000, 25_000])
        col = rng.choice(["B", "AMK", "XFD", "C"])
        xml = xml.replace(b"</sheetData>", (
            f'<row r="{row}"><c r="{col}{row}" t="inlineStr"><is><t>stray</t></is></c></row>'
            "</sheetData>").encode(), 1)
    members[name] = xml


def m_part(members, rng):
    name = rng.choice([n for n in members if n.endswith((".xml", ".rels"))])
    data = members[name]
    op = rng.random()
    if op < 0.3 and name not in ("[Content_Types].xml",):
        del members[name]
    elif op < 0.65:
        members[name] = data[:rng.randrange(len(data) + 1)]
    else:
        pos = rng.randrange(len(data) + 1)
        members[name] = data[:pos] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 8))) \
            + data[pos:]


def m_rows(members, rng):
    name = rng.choice(sheets(members))
    rows = list(re.finditer(rb"<row\b.*?</row>", members[name], re.DOTALL))
    if len(rows) < 2:
        return
    a = rng.choice(rows)
    xml = members[name]
    if rng.random() < 0.5:  # a row written twice
        members[name] = xml[:a.end()] + a.group(0) + xml[a.end():]
    else:  # row numbers dropped: positions come from counting
        members[name] = re.sub(rb'<row r="\d+"', b"<row", xml)


MUTATIONS = [m_cell_value, m_cell_value, m_cell_type, m_formula, m_drop_ref, m_shared_index,
             m_shared_index, m_shared_text, m_style, m_dimension, m_dimension, m_part, m_rows]


def sheets(members: dict[str, bytes]) -> list[str]:
    return [n for n in members if SHEET_RE.match(n)] or [next(iter(members))]


def mutate(data: bytes, rng: random.Random) -> tuple[bytes, list[str]]:
    members = members_of(data)
    done = []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        op = rng.choice(MUTATIONS)
        op(members, rng)
        done.append(op.__name__[2:])
    return zip_members(members), done


# ---------------------------------------------------------------------- the oracle
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"[0-9a-z]+")


def _words(v) -> set[str]:
    """The words of a value as it may appear in the tables or an issue: lower case, markup
    and punctuation dropped (the normalisers clean text: HTML remnants, spacing, title case
    of headings; a rating "4 4 16" becomes three numbers), numbers in their usual forms."""
    if isinstance(v, bool):
        return {str(v).lower()}
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            return {"nan", "inf"} & {str(v).lower().lstrip("-")}
        if v.is_integer() and abs(v) < 1e15:
            return {str(int(v))}
        return set(_WORD.findall(repr(v)))
    if isinstance(v, (dt.datetime, dt.date, dt.time)):
        return set(_WORD.findall(v.isoformat()[:10] if isinstance(v, dt.date) else
                                 v.isoformat()))
    return set(_WORD.findall(_TAG.sub(" ", str(v)).lower()))


def _forms(v) -> list[set[str]]:
    """The ways a value's words may be written: a huge whole number also in full (a score of
    1e39 said as its 40 digits)."""
    forms = [_words(v)]
    if isinstance(v, float) and v.is_integer() and abs(v) >= 1e15:
        forms.append({str(int(v))})
    return forms


#: Columns that hold a picture of the data, not data (a scorecard's Graph column).
DISPLAY_ONLY = frozenset({"graph"})


def silent_cells(path: Path, sub) -> list[str]:
    """Mapped, non-empty cells of the file (read independently of python-calamine) that are
    neither in ``sub``'s tables nor, with their value, in one of its issues."""
    from xlplan.config import load_config
    from xlplan.locate import locate
    from xlplan.reader import RawSheet
    from xlplan.tolerant import read_book

    if not sub.ok:
        return []
    try:
        book = read_book(path, path.name, max_rows=1 << 20, max_columns=1 << 14)
    except Exception:  # noqa: BLE001 - no independent reading: nothing to compare
        return []
    programme = load_config()
    unreadable = {(i.sheet, i.cell) for i in book.issues}
    # A damaged table of texts (an entry missing) moves text onto other cells; the reading says
    # so for the whole file, so its text cells cannot be held to the independent reading.
    texts_doubtful = any(i.code == "unreadable-cell" and i.sheet is None for i in sub.issues)
    records: dict[str, list[tuple[int, set[str]]]] = {}   # sheet -> (source row, its words)
    for frame in (sub.actions, sub.risks, sub.scorecards):
        if "sheet" not in frame.columns or "source_row" not in frame.columns:
            continue
        for rec in frame.to_dict("records"):
            words: set[str] = set()
            for v in rec.values():
                for x in (v if isinstance(v, (list, tuple)) else [v]):
                    if x is not None and (not isinstance(x, float) or x == x):
                        words |= _words(x)
            if rec.get("previous_new") is True:  # a previous rating of "New" is kept as a flag
                words.add("new")
            records.setdefault(rec["sheet"], []).append((int(rec["source_row"]), words))
    said: dict[tuple[str | None, int | None], set[str]] = {}
    for issue in sub.issues:
        key = (issue.sheet, issue.row)
        said[key] = said.get(key, set()) | _words(issue.value or "") | _words(issue.message)
    read_sheets = {s.name for s in sub.info.sheets if s.kind != "other"}
    missing = []
    for sheet in book.sheets:
        if sheet.name not in read_sheets:
            continue
        loc = locate(RawSheet(sheet.name, sheet.rows, sheet.merged), programme)
        if loc is None:
            continue
        rows = sorted(records.get(sheet.name, []), key=lambda rw: rw[0])
        whole = said.get((None, None), set()) | said.get((sheet.name, None), set())
        for r in range(loc.header_row + 1, len(sheet.rows)):
            row = sheet.rows[r]
            # a cell's value belongs to the record of its row, or (a fragment joined up, a
            # heading carried down, a merged cell) to the record just above or below it
            above = [w for n, w in rows if n <= r + 1][-1:]
            below = [w for n, w in rows if n >= r + 1][:1]
            seen = set().union(whole, said.get((sheet.name, r + 1), set()), *above, *below)
            for name, c in loc.columns.items():
                if name in DISPLAY_ONLY:
                    continue
                v = row[c] if c < len(row) else ""
                if v == "" or v is None or (isinstance(v, str) and not v.strip()):
                    continue
                if (sheet.name, f"{_col(c)}{r + 1}") in unreadable:
                    continue
                if texts_doubtful and isinstance(v, str):
                    continue
                if not any(form <= seen for form in _forms(v)):
                    missing.append(f"{sheet.name}!{_col(c)}{r + 1}={str(v)[:40]!r}")
    return missing


def _col(c: int) -> str:
    from xlplan.issues import col_letter

    return col_letter(c)


def _read(path: Path):
    from xlplan.api import read_submission

    sub = read_submission(path)
    return sub.info.status, sorted({i.code for i in sub.issues}), silent_cells(path, sub)


# ---------------------------------------------------------------------------- driver
@dataclass
class Counts:
    inputs: int = 0
    parsed: int = 0          # read into tables (past the zip layer and the parsers)
    refused: int = 0         # set aside with an issue saying why
    crashes: int = 0
    hangs: int = 0
    silent: int = 0          # inputs with at least one cell changed without an issue
    silent_cells: int = 0
    examples: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"inputs {self.inputs}, parsed past the zip layer {self.parsed}, refused with an "
                f"issue {self.refused}, crashes {self.crashes}, hangs {self.hangs}, cells "
                f"changed without an issue {self.silent_cells} (in {self.silent} inputs)")


def run(count: int, seed: int, seconds: float = 20.0, *, save: Path | None = None,
        seeds_dir: Path | None = None) -> Counts:
    from xlplan.procs import run_bounded

    counts = Counts()
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        seeds = seed_workbooks(seeds_dir or tmp / "seeds")
        originals = [p.read_bytes() for p in seeds]
        for path in seeds:  # every lazily imported module loaded once, here, not in each child
            _read(path)
        target = tmp / "input.xlsx"
        for n in range(count):
            data, ops = mutate(rng.choice(originals), rng)
            target.write_bytes(data)
            counts.inputs += 1
            status, payload = run_bounded(_read, (target,), seconds=seconds,
                                          memory_bytes=1024 * 2**20)
            if status == "ok":
                file_status, _codes, silent = payload
                if file_status in ("ok", "errors"):
                    counts.parsed += 1
                else:
                    counts.refused += 1
                if silent:
                    counts.silent += 1
                    counts.silent_cells += len(silent)
                    counts.examples.append(f"input {n} ({'+'.join(ops)}): {silent[:3]}")
                continue
            if status == "timeout":
                counts.hangs += 1
            else:
                counts.crashes += 1
            counts.examples.append(f"input {n} ({'+'.join(ops)}): {status} {payload!r}"[:300])
            if save is not None:
                save.mkdir(exist_ok=True)
                (save / f"crash-{seed}-{n}.xlsx").write_bytes(data)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fuzz xlplan's reader inside the package.")
    parser.add_argument("--count", type=int, default=300, help="inputs to try")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=20, help="deadline per input")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    counts = run(args.count, args.seed, args.seconds, save=ROOT / "fuzz-crashes")
    print(f"{counts.line()}; {time.perf_counter() - start:.0f} s")
    for line in counts.examples[:20]:
        print("  " + line)
    return 1 if counts.crashes or counts.hangs or counts.silent else 0


if __name__ == "__main__":
    sys.exit(main())
