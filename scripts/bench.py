#!/usr/bin/env python3
"""Speed at scale: xlplan against the I/O floor and the naive peer, in one run (issue 7).

    python scripts/bench.py            # full run: 300 x 60-row files, a 100,000-row plan, 100/1,000 files
    python scripts/bench.py --quick    # smoke run: small inputs, one repetition

Inputs are generated with a fixed seed under ``bench-data/`` (git-ignored), from the wording of
the Plymouth action plan (seed 000): title blocks above the header, Theme/Aim banners merged
across the table, Action and SRO typed on the first sub-action row only, RAG variants ("G",
"Yellow", "Amber-Green", blanks, fills), and a risk register in every tenth file (seed 003,
Appendix 4). They are regenerated only when the generator or its parameters change.

Every measurement is a fresh child process (the command exactly as a user runs it), timed
wall-clock, with its own peak RSS and CPU time from ``os.wait4`` (per child, unlike
RUSAGE_CHILDREN which keeps the maximum over all children; the bench process itself stays small,
because a child's ru_maxrss starts from its parent's size at fork). Repetitions are interleaved
across commands and the median is reported; on a shared machine the CPU-seconds column and the
"cpu ratio" notes are the steadier figures.

The floor reads the same files with python-calamine and writes, with xlsxwriter
(constant_memory), as many rows and columns per sheet as xlplan's consolidated workbook has
(taken from one uncounted merge run), nothing else. The naive peer is
``pandas.read_excel(engine="openpyxl")`` per file, ``concat``, ``to_excel``.

Exit status: 0 all targets met, 1 a target missed, 2 some targets could not be measured (e.g.
``xlplan.write`` not there yet). ``--quick`` checks that everything runs (exit 1 only when a
command fails): its inputs are too small for the targets.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
GEN_VERSION = 5
SEED = 20180601

# --------------------------------------------------------------------------------------------
# Text pools drawn from the seeds
# --------------------------------------------------------------------------------------------

_FALLBACK_SRO = ["Craig McArdle, Director of Integrated Commissioning, PCC/NEW Devon CCG",
                 "Caroline Paterson, Strategic Commissioning Manager, PCC"]


def text_pools() -> dict[str, list[str]]:
    """Cells of the seed 000 action plan, by column, to draw realistic text (and lengths) from."""
    pools: dict[str, list[str]] = {k: [] for k in ("action", "sub", "sro", "updates", "risks",
                                                   "theme", "aim", "risk_desc")}
    path = SEEDS / "000_b38342e70e3dbb1b.txt"
    lines = path.read_text(encoding="utf-8").split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith("Action\tSub actions"))
    for line in lines[start + 1:]:
        s = line.strip()
        if s.startswith("Theme "):
            pools["theme"].append(s.split("\t")[0].strip())
            continue
        if s.startswith("Aim"):
            pools["aim"].append(s.split("\t")[0].strip())
            continue
        cells = line.split("\t")
        if len(cells) < 8:
            continue
        for key, idx in (("action", 0), ("sub", 1), ("sro", 2), ("updates", 7), ("risks", 8)):
            v = cells[idx].strip() if idx < len(cells) else ""
            if len(v) > 2:
                pools[key].append(v)
    # Risk descriptions: seed 003 Appendix 4, the DESCRIPTION OF RISK column.
    p3 = SEEDS / "003_81b3f41a6f14c3ed.txt"
    if p3.exists():
        for line in p3.read_text(encoding="utf-8").split("\n"):
            cells = line.split("\t")
            if len(cells) > 4 and re.match(r"^OCC\d", cells[0]):
                pools["risk_desc"].append(cells[3].strip())
    pools["risk_desc"] = pools["risk_desc"] or pools["risks"]
    pools["sro"] = sorted(set(pools["sro"])) or _FALLBACK_SRO
    # Themes: seed 000's, and the four commissioning strategies of seed 002.
    pools["theme"] = (pools["theme"] or ["Theme 1: Commissioning & Market Management"]) + [
        f"Theme 1: {t}" for t in ("Wellbeing", "Children & Young People", "Community",
                                  "Enhanced & Specialised")]
    pools["aim"] = pools["aim"] or ["Aim: Recognising our system challenges"]
    # Sentences, to recombine into updates of the seed's lengths.
    pools["sentences"] = [s.strip() for u in pools["updates"] + pools["risks"]
                          for s in re.split(r"(?<=[.])\s+", u) if len(s.strip()) > 8]
    return pools


# Services and places the seeds' plans speak of: each SRO's actions are about their own, so
# rows of different files rarely share theme, action and sub-action text (the row key).
AREAS = ["care homes", "domiciliary care", "CHC", "urgent care", "hospital discharge", "MIU",
         "mental health", "IAPT", "dementia", "learning disability", "carers", "primary care",
         "GP practices", "community equipment", "reablement", "hospital flow", "voluntary sector",
         "workforce", "digital records", "estates", "end of life care", "children's services",
         "perinatal mental health", "early years", "SEND", "substance misuse", "homelessness",
         "extra care housing", "complex needs", "falls prevention", "frailty", "stroke",
         "wellbeing hubs", "prescribing", "safeguarding adults", "transitions",
         "Western locality", "North locality", "South locality", "City Centre"]

RAG_VALUES = [("Green", 25), ("G", 5), ("green ", 3), ("GREEN", 2), ("Yellow", 8), ("Y", 1),
              ("Amber-Green", 4), ("A/G", 2), ("Amber", 10), ("A", 3), ("Amber/Red", 2),
              ("Red", 4), ("R", 1), ("Complete", 5), ("Completed", 1), ("Blue", 2), ("", 25),
              ("TBC", 1)]
RAG_FILL = {"green": "#00B050", "g": "#00B050", "yellow": "#FFFF00", "y": "#FFFF00",
            "amber-green": "#FFFF00", "a/g": "#FFFF00", "amber": "#FFC000", "a": "#FFC000",
            "amber/red": "#FF6600", "red": "#FF0000", "r": "#FF0000", "complete": "#0070C0",
            "completed": "#0070C0", "blue": "#0070C0"}
HEADER_VARIANTS = {
    "ref": ["Ref", "Ref No", "ID"],
    "action": ["Action", "Actions", "Key action", "Action"],
    "sub": ["Sub actions", "Sub-actions", "Milestone", "Sub action"],
    "sro": ["SRO", "Lead", "Owner", "SRO "],
    "q": [["Q1", "Q2", "Q3", "Q4"], ["Q1 18/19", "Q2 18/19", "Q3 18/19", "Q4 18/19"],
          ["Qtr 1", "Qtr 2", "Qtr 3", "Qtr 4"]],
    "updates": ["Updates", "Progress update", "Update", "Updates"],
    "risks": ["Risks/Issues", "Risks & Issues", "Risks/Issues"],
    "rag": ["RAG Status", "RAG", "Status", "rag status "],
    "extra": ["Comments", "Lead organisation", "Funding source"],
}


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs)
    return rng.choices(values, weights)[0]


def _text(rng: random.Random, pools, key: str, p_blank: float = 0.0) -> str:
    if p_blank and rng.random() < p_blank:
        return ""
    if key == "updates" and rng.random() < 0.3:  # recombined sentences, longer updates
        s = " ".join(rng.choice(pools["sentences"]) for _ in range(rng.randint(1, 4)))
    else:
        s = rng.choice(pools[key])
    r = rng.random()
    if key in ("updates", "risks"):
        if r < 0.06:
            s = f"<p>{s}</p>"
        elif r < 0.12:
            s = s.replace(". ", ".\n", 1)
        elif r < 0.16:
            s = s.replace(" ", "\u00a0", 2)
    return s


# --------------------------------------------------------------------------------------------
# Workbook generation (xlsxwriter, constant_memory)
# --------------------------------------------------------------------------------------------

def write_plan(path: Path, rng: random.Random, pools, n_rows: int, *, index: int,
               with_risks: bool, coloured: bool | None = None) -> None:
    import xlsxwriter

    variant = rng.random()
    has_ref = variant < 0.5
    coloured = rng.random() < 0.35 if coloured is None else coloured
    extra = rng.choice(HEADER_VARIANTS["extra"]) if rng.random() < 0.25 else None
    sro_pool = rng.sample(pools["sro"], k=min(4, len(pools["sro"])))
    header = ([rng.choice(HEADER_VARIANTS["ref"])] if has_ref else []) + [
        rng.choice(HEADER_VARIANTS["action"]), rng.choice(HEADER_VARIANTS["sub"]),
        rng.choice(HEADER_VARIANTS["sro"]), *rng.choice(HEADER_VARIANTS["q"]),
        rng.choice(HEADER_VARIANTS["updates"]), rng.choice(HEADER_VARIANTS["risks"]),
        rng.choice(HEADER_VARIANTS["rag"])] + ([extra] if extra else [])
    ncol = len(header)
    o = 1 if has_ref else 0  # column offset of Action

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    title_fmt = wb.add_format({"bold": True, "font_size": 14})
    head_fmt = wb.add_format({"bold": True, "bg_color": "#D9D9D9", "border": 1,
                              "text_wrap": True})
    banner_fmt = wb.add_format({"bold": True, "bg_color": "#DDEBF7"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    rag_fmts = {k: wb.add_format({"bg_color": v}) for k, v in RAG_FILL.items()}

    ws = wb.add_worksheet("Action Plan")
    ws.set_column(0, ncol - 1, 24)
    r = 0
    ws.write_string(r, 0, "CQC Action Plan 2018-19", title_fmt); r += 1
    ws.write_string(r, 0, f"SRO: {sro_pool[0].split(',')[0]}"); r += 1
    if rng.random() < 0.5:
        ws.write_string(r, 0, "Last updated:")
        ws.write_datetime(r, 1, dt.datetime(2018, 5, 31), date_fmt); r += 1
    r += 1
    ws.write_row(r, 0, header, head_fmt); r += 1

    written = 0
    theme_no = 0
    act_no = 0
    prefix = f"P{index:03d}"
    while written < n_rows:
        theme_no += 1
        theme = rng.choice(pools["theme"])
        theme = re.sub(r"^Theme \d+", f"Theme {theme_no}", theme)
        ws.merge_range(r, 0, r, ncol - 1, theme, banner_fmt); r += 1
        if rng.random() < 0.8:
            ws.merge_range(r, 0, r, ncol - 1, rng.choice(pools["aim"]), banner_fmt); r += 1
        for _ in range(rng.randint(2, 5)):
            if written >= n_rows:
                break
            act_no += 1
            action = f"{_text(rng, pools, 'action')} \u2013 {rng.choice(AREAS)}"
            sro = rng.choice(sro_pool)
            for s in range(rng.randint(2, 6)):
                if written >= n_rows:
                    break
                row: list = [""] * ncol
                if has_ref:
                    row[0] = f"{prefix}-{act_no:03d}.{s + 1}"
                if s == 0:
                    row[o] = action
                    row[o + 2] = sro
                sub = _text(rng, pools, "sub")
                if rng.random() < 0.5:
                    sub = f"{sub} (phase {rng.randint(1, 3)})"
                row[o + 1] = f"{s + 1}. {sub}" if rng.random() < 0.6 else sub
                q = rng.randrange(4)
                mk = rng.random()
                row[o + 3 + q] = ("X" if mk < 0.8 else "Complete" if mk < 0.9 else
                                  "Q2 18/19" if mk < 0.95 else "x")
                if q > 0 and rng.random() < 0.2:
                    row[o + 3 + q - 1] = "Complete"
                row[o + 7] = _text(rng, pools, "updates", p_blank=0.45)
                row[o + 8] = _text(rng, pools, "risks", p_blank=0.8)
                rag = _weighted(rng, RAG_VALUES)
                row[o + 9] = rag
                if extra:
                    row[o + 10] = rng.choice(["", "", "PCC", "NEW Devon CCG", "LWSW"])
                for c, v in enumerate(row):
                    if v == "":
                        continue
                    if c == o + 9 and coloured:
                        continue
                    ws.write_string(r, c, v, wrap if c in (o, o + 1, o + 7, o + 8) else None)
                if coloured:  # the RAG cell filled in its colour; now and then colour only
                    fmt = rag_fmts.get(rag.strip().lower())
                    if fmt is not None and rng.random() < 0.1:
                        ws.write_blank(r, o + 9, None, fmt)
                    elif rag:
                        ws.write_string(r, o + 9, rag, fmt)
                r += 1
                written += 1
        if rng.random() < 0.3:
            r += 1  # a blank line between themes

    if with_risks:
        rs = wb.add_worksheet("Risk Register")
        rs.write_string(0, 0, "Risk and Opportunity Register", title_fmt)
        rs.write_row(2, 0, ["Ref", "Owner", "Category", "Description", "Likelihood", "Impact",
                            "Score", "RAG"], head_fmt)
        for i in range(rng.randint(8, 20)):
            lk, im = rng.randint(1, 5), rng.randint(1, 5)
            score = lk * im if rng.random() < 0.95 else lk * im + 1
            rag = ("Green" if score <= 3 else "Yellow" if score <= 6 else "Amber" if score <= 12
                   else "Red")
            if rng.random() < 0.2:
                rag = rag[0]
            rs.write_row(3 + i, 0, [f"OCC{index}.{i + 1}", rng.choice(
                ["PEOPLE (CC) IRR", sro_pool[0].split(",")[0]]), rng.choice(
                ["Financial", "Compliance", "Service", "Reputation", "Workforce"]),
                _text(rng, pools, "risk_desc"), lk, im, score, rag])
    wb.close()


def generate(data: Path, n_files: int, rows: int, big_rows: int, scale: tuple[int, int],
             quiet: bool = False) -> dict[str, Path]:
    """Generate (or reuse) the inputs; returns the folders and files by role."""
    params = {"v": GEN_VERSION, "seed": SEED, "n": n_files, "rows": rows, "big": big_rows,
              "scale": list(scale)}
    manifest = data / "manifest.json"
    paths = {"files": data / f"files{n_files}", "big": data / f"big{big_rows}.xlsx",
             "small": data / f"files{scale[0]}", "large": data / f"files{scale[1]}",
             "out": data / "out"}
    if manifest.exists() and json.loads(manifest.read_text()) == params and all(
            p.exists() for p in paths.values()):
        return paths
    if data.exists():
        shutil.rmtree(data)
    data.mkdir(parents=True)
    paths["out"].mkdir()
    t = time.perf_counter()
    pools = text_pools()
    rng = random.Random(SEED)
    surnames = [s.split(",")[0].split()[-1] for s in pools["sro"]]
    paths["files"].mkdir()
    originals = []
    for i in range(n_files):
        name = f"2018-06 {surnames[i % len(surnames)]} {i + 1:03d}.xlsx"
        p = paths["files"] / name
        write_plan(p, random.Random(rng.random()), pools, rows, index=i + 1,
                   with_risks=(i % 10 == 9))
        originals.append(p)
    write_plan(paths["big"], random.Random(rng.random()), pools, big_rows, index=999,
               with_risks=False, coloured=True)
    small, large = scale
    paths["small"].mkdir()
    for p in originals[:small]:
        shutil.copyfile(p, paths["small"] / p.name)
    paths["large"].mkdir()
    for i in range(large):  # copies of the originals, renamed deterministically
        src = originals[i % len(originals)]
        shutil.copyfile(src, paths["large"] / f"{i + 1:04d} {src.name}")
    manifest.write_text(json.dumps(params))
    if not quiet:
        print(f"generated inputs in {data} ({time.perf_counter() - t:.1f} s)", flush=True)
    return paths


# --------------------------------------------------------------------------------------------
# The floor and the naive peer, as child processes (python scripts/bench.py --child ...)
# --------------------------------------------------------------------------------------------

def _excel_files(folder: str) -> list[str]:
    return sorted(os.path.join(folder, f) for f in os.listdir(folder)
                  if f.endswith((".xlsx", ".xlsm")))


def child_floor(folder: str, out: str, shape: str | None = None) -> None:
    """Read every file with python-calamine and write with xlsxwriter (constant_memory) as many
    rows and columns as xlplan's consolidated workbook has, sheet by sheet (``shape``: a JSON
    list of [sheet, rows, columns]), filled from the rows read; nothing else. Without a shape,
    the rows read are written as they are, on one sheet."""
    import python_calamine as pc
    import xlsxwriter

    rows = []
    for f in _excel_files(folder):
        wb = pc.CalamineWorkbook.from_path(f)
        for name in wb.sheet_names:
            rows.extend(wb.get_sheet_by_name(name).to_python(skip_empty_area=False))
        wb.close()
    sheets = json.loads(Path(shape).read_text()) if shape else [["Data", len(rows), None]]
    wb_out = xlsxwriter.Workbook(out, {"constant_memory": True})
    for name, height, width in sheets:
        ws = wb_out.add_worksheet(name)
        for r in range(height):
            row = rows[r % len(rows)]
            if width is not None:
                row = (row + [""] * width)[:width]
            ws.write_row(r, 0, row)
    wb_out.close()


def child_naive(folder: str, out: str) -> None:
    """What a pandas user writes first: read_excel(openpyxl) per file, concat, to_excel."""
    import pandas as pd

    frames = []
    for f in _excel_files(folder):
        frames.extend(pd.read_excel(f, sheet_name=None, engine="openpyxl", header=None).values())
    pd.concat(frames, ignore_index=True).to_excel(out, index=False)


def child_read(path: str) -> None:
    """The floor for validate: a python-calamine read of every sheet."""
    import python_calamine as pc

    wb = pc.CalamineWorkbook.from_path(path)
    n = sum(len(wb.get_sheet_by_name(s).to_python(skip_empty_area=False)) for s in wb.sheet_names)
    wb.close()
    assert n > 0


def dump_cells(src: str, dst: str) -> None:
    """The values of every non-blank cell of a workbook (calamine), pickled: what
    :func:`child_cells` writes."""
    import pickle

    import python_calamine as pc

    wb = pc.CalamineWorkbook.from_path(src)
    sheets = [(name, wb.get_sheet_by_name(name).to_python(skip_empty_area=False))
              for name in wb.sheet_names]
    wb.close()
    Path(dst).write_bytes(pickle.dumps(sheets))


def child_cells(src: str, out: str) -> None:
    """The merge's own workbook, its cells and nothing else (no formats, tables, charts or
    row heights), written through xlsxwriter's public API as ``xlplan.write`` writes them
    (shared strings, typed ``write_*`` calls): the least that writing this workbook costs."""
    import datetime as dt
    import pickle

    import xlsxwriter

    sheets = pickle.loads(Path(src).read_bytes())
    wb = xlsxwriter.Workbook(out, {"strings_to_formulas": False, "strings_to_urls": False,
                                   "strings_to_numbers": False})
    for name, rows in sheets:
        ws = wb.add_worksheet(name)
        write_string, write_number = ws.write_string, ws.write_number
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                cls = v.__class__
                if cls is str:
                    if v:
                        write_string(r, c, v)
                elif cls is float or cls is int:
                    write_number(r, c, v)
                elif isinstance(v, (dt.date, dt.datetime)):
                    ws.write_datetime(r, c, v)
                elif v is not None:
                    ws.write(r, c, v)
    wb.close()


def child_phases(folder: str, out: str) -> None:
    """Where one merge's wall-clock time goes, stage by stage (informational): the merge run
    in this process as the ``xlplan`` command runs it (its garbage-collector setting, two
    workers), with the library's stages timed from outside."""
    import gc

    t0 = time.perf_counter()
    gc.set_threshold(1_000_000, 50, 100)  # as xlplan.cli.run sets it
    import xlplan.api as api
    import xlplan.cli as cli
    import xlplan.write as write
    import xlsxwriter

    spent: dict[str, float] = {"import": time.perf_counter() - t0}

    def timed(owner, name: str, label: str) -> None:
        real = getattr(owner, name)

        def wrapper(*args, **kwargs):
            t = time.perf_counter()
            try:
                return real(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - t
        setattr(owner, name, wrapper)

    timed(api, "read_combined", "read")
    timed(api, "merge_read", "merge")
    timed(write, "write_consolidated", "write")
    timed(xlsxwriter.Workbook, "close", "of which close")
    t = time.perf_counter()
    try:
        cli.main(["merge", folder, "-o", out, "--period", "2018-06"], standalone_mode=False)
    except SystemExit:
        pass
    spent["the rest"] = time.perf_counter() - t - sum(
        v for k, v in spent.items() if k in ("read", "merge", "write"))
    order = ("import", "read", "merge", "write", "of which close", "the rest")
    print(json.dumps({k: round(spent.get(k, 0.0), 2) for k in order}))


def workbook_shape(path: Path) -> list[list]:
    """[sheet, rows, columns] of each sheet of a workbook (its used range from A1)."""
    import python_calamine as pc

    wb = pc.CalamineWorkbook.from_path(str(path))
    shape = []
    for name in wb.sheet_names:
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        shape.append([name, len(rows), max((len(r) for r in rows), default=0)])
    wb.close()
    return shape


# --------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------

def child_env() -> dict[str, str]:
    """The children's environment: this checkout first on the path, and byte code kept (a
    ``PYTHONDONTWRITEBYTECODE`` set where the bench runs would have every child compile
    xlplan from source, which no installed copy does)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")
    return env


def run_child(cmd: list[str]) -> tuple[float, float, int, float]:
    """Wall seconds, peak RSS (MB), exit code (-1: it crashed; 1 is a normal outcome of
    validate and merge: errors found / some files failed) and CPU seconds (user + system) of
    one fresh child process."""
    env = child_env()
    t = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # stderr is read after exit; a child writing more than a pipe's worth would block, so
    # drain it in the background.
    import threading
    err: list[bytes] = []
    reader = threading.Thread(target=lambda: err.append(p.stderr.read()), daemon=True)
    reader.start()
    _, status, usage = os.wait4(p.pid, 0)
    seconds = time.perf_counter() - t
    cpu = usage.ru_utime + usage.ru_stime
    p.returncode = os.waitstatus_to_exitcode(status)
    reader.join()
    text = (err[0] if err else b"").decode("utf-8", "replace")
    if p.returncode not in (0, 1) or "Traceback (most recent call last)" in text:
        print(f"  ! {' '.join(cmd[1:5])}... exited {p.returncode}: {text[-800:]}",
              file=sys.stderr)
        return seconds, usage.ru_maxrss / 1024, -1, cpu
    return seconds, usage.ru_maxrss / 1024, p.returncode, cpu


class Measure:
    def __init__(self, name: str, cmd: list[str]):
        self.name, self.cmd = name, cmd
        self.times: list[float] = []
        self.cpus: list[float] = []
        self.peaks: list[float] = []
        self.failed = False

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times and not self.failed else None

    @property
    def cpu(self) -> float | None:
        return statistics.median(self.cpus) if self.cpus and not self.failed else None

    @property
    def peak(self) -> float | None:
        return max(self.peaks) if self.peaks and not self.failed else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small inputs, one repetition")
    ap.add_argument("--reps", type=int, default=None, help="repetitions (default 3; quick 1)")
    ap.add_argument("--data", type=Path, default=None, help="folder for the generated inputs")
    ap.add_argument("--only", default="", help="comma-separated subset of: merge,floor,naive,"
                    "validate,help,scale (default: all)")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child:
        kind, *rest = args.child
        {"floor": child_floor, "naive": child_naive, "read": child_read,
         "generate": lambda d, n, r, b, s, l: generate(Path(d), int(n), int(r), int(b),
                                                       (int(s), int(l))),
         "shape": lambda src, dst: Path(dst).write_text(json.dumps(workbook_shape(Path(src)))),
         "dump": dump_cells, "cells": child_cells, "phases": child_phases,
         }[kind](*rest)
        return 0

    if args.quick:
        n_files, rows, big_rows, scale = 20, 60, 5_000, (10, 40)
        reps = args.reps or 1
        data = args.data or ROOT / "bench-data" / "quick"
    else:
        n_files, rows, big_rows, scale = 300, 60, 100_000, (100, 1_000)
        reps = args.reps or 3
        data = args.data or ROOT / "bench-data" / "full"
    only = set(filter(None, args.only.split(","))) or {"merge", "floor", "naive", "validate",
                                                        "help", "scale"}
    py = sys.executable
    me = str(Path(__file__).resolve())
    # Generated in a child too, so that this process stays small (see run_child).
    gen = [py, me, "--child", "generate", str(data), str(n_files), str(rows), str(big_rows),
           str(scale[0]), str(scale[1])]
    if subprocess.run(gen, cwd=ROOT).returncode != 0:
        print("bench: could not generate the inputs", file=sys.stderr)
        return 1
    paths = generate(data, n_files, rows, big_rows, scale, quiet=True)  # reused as generated
    out = paths["out"]
    have_writer = (ROOT / "xlplan" / "write" / "__init__.py").exists()
    merge = [py, "-m", "xlplan.cli", "merge"]

    measures: dict[str, Measure] = {}

    def add(key: str, part: str, name: str, cmd: list[str], needs_writer: bool = False) -> None:
        if part in only and (have_writer or not needs_writer):
            measures[key] = Measure(name, cmd)

    n, s, l = n_files, scale[0], scale[1]
    add("merge", "merge", f"xlplan merge {n} files",
        merge + [str(paths["files"]), "-o", str(out / "merge.xlsx"), "--period", "2018-06"], True)
    # The same merge on one core: what the worker processes add (informational, no target).
    add("merge1", "merge", f"xlplan merge {n} files, --jobs 1",
        merge + [str(paths["files"]), "-o", str(out / "merge1.xlsx"), "--period", "2018-06",
                 "--jobs", "1"], True)
    add("floor", "floor", f"floor: calamine + xlsxwriter, {n} files",
        [py, me, "--child", "floor", str(paths["files"]), str(out / "floor.xlsx")])
    # The merge's workbook, its cells alone through xlsxwriter's public API (informational).
    add("cells", "floor", "the merge's cells alone, public xlsxwriter",
        [py, me, "--child", "cells", str(out / "merge-cells.pickle"), str(out / "cells.xlsx")])
    add("naive", "naive", f"naive: pandas openpyxl + concat, {n} files",
        [py, me, "--child", "naive", str(paths["files"]), str(out / "naive.xlsx")])
    add("validate", "validate", f"xlplan validate {big_rows:,} rows",
        [py, "-m", "xlplan.cli", "validate", str(paths["big"])])
    add("read", "validate", f"floor: calamine read {big_rows:,} rows",
        [py, me, "--child", "read", str(paths["big"])])
    add("help", "help", "xlplan --help", [py, "-m", "xlplan.cli", "--help"])
    add("small", "scale", f"xlplan merge {s} files",
        merge + [str(paths["small"]), "-o", str(out / "small.xlsx"), "--period", "2018-06"], True)
    add("large", "scale", f"xlplan merge {l} files",
        merge + [str(paths["large"]), "-o", str(out / "large.xlsx"), "--period", "2018-06"], True)

    # Byte code compiled once, as pip does when it installs a package: start-up is measured
    # as a user's installed copy starts, for xlplan and for the floors' script alike.
    subprocess.run([py, "-m", "compileall", "-q", str(ROOT / "xlplan"), me], cwd=ROOT,
                   env=child_env(), stdout=subprocess.DEVNULL)
    print("byte code compiled first (python -m compileall xlplan scripts/bench.py), as an "
          "install does", flush=True)
    if "merge" in measures and "floor" in measures:
        # The floor writes as many rows and columns as the merge does: take them from one
        # (uncounted, cache-warming) merge run.
        run_child(measures["merge"].cmd)
        shape = out / "merge-shape.json"
        # In a child: the bench process stays small, because a child's ru_maxrss starts from
        # its parent's resident size at fork (Linux keeps the pre-exec high-water mark).
        run_child([py, me, "--child", "shape", str(out / "merge.xlsx"), str(shape)])
        measures["floor"].cmd.append(str(shape))
        if "cells" in measures:
            run_child([py, me, "--child", "dump", str(out / "merge.xlsx"),
                       str(out / "merge-cells.pickle")])
        phases = subprocess.run([py, me, "--child", "phases", str(paths["files"]),
                                 str(out / "phases.xlsx")], cwd=ROOT, capture_output=True,
                                text=True, env=child_env())
        if phases.returncode == 0 and phases.stdout.strip():
            print("where one merge's time goes (s, one in-process run): " + ", ".join(
                f"{k} {v}" for k, v in json.loads(phases.stdout.strip().splitlines()[-1]).items()),
                flush=True)
        cells = sum(h * w for _, h, w in json.loads(shape.read_text()))
        print(f"floor writes the merge's shape: {cells:,} cells in "
              + ", ".join(f"{n} {h}x{w}" for n, h, w in json.loads(shape.read_text())),
              flush=True)
    versions = subprocess.run([py, "-c", "from importlib.metadata import version as v; print("
                               "', '.join(f'{p} {v(p)}' for p in ('xlsxwriter', "
                               "'python-calamine', 'pandas')))"],
                              capture_output=True, text=True).stdout.strip()
    print(f"libraries (the children's): {versions}", flush=True)
    print(f"{len(measures)} commands x {reps} repetition(s), each a fresh process "
          f"(inputs: {data})", flush=True)
    for rep in range(reps):
        for m in measures.values():
            if m.failed:
                continue
            sec, mb, rc, cpu = run_child(m.cmd)
            if rc not in (0, 1):
                m.failed = True
                continue
            m.times.append(sec)
            m.cpus.append(cpu)
            m.peaks.append(mb)
            print(f"  [{rep + 1}/{reps}] {m.name:<44} {sec:8.2f} s {cpu:8.2f} cpu-s "
                  f"{mb:6.0f} MB", flush=True)

    # ---- table -------------------------------------------------------------------------------
    print()
    print(f"{'command':<46} {'median s':>9} {'peak MB':>8} {'cpu s':>8}")
    print("-" * 74)
    for m in measures.values():
        if m.failed:
            print(f"{m.name:<46} {'FAILED':>9}")
        else:
            print(f"{m.name:<46} {m.median:9.3f} {m.peak:8.0f} {m.cpu:8.3f}")
    print("(peak MB: the largest single process of the command's tree, from wait4's ru_maxrss; "
          "a merge's worker processes share most of their pages with it)")
    if not have_writer:
        print("(merge not measured: xlplan/write/__init__.py does not exist yet)")

    # ---- targets -----------------------------------------------------------------------------
    def med(k):
        return measures[k].median if k in measures else None

    def peak(k):
        return measures[k].peak if k in measures else None

    def ratio(a, b):
        return a / b if a is not None and b else None

    def cpu_note(a, b):  # the same ratio in CPU seconds: steadier on a shared machine
        if a in measures and b in measures and measures[a].cpu and measures[b].cpu:
            return f"cpu ratio {measures[a].cpu / measures[b].cpu:.2f}"
        return ""

    tpf_small = med("small") / s if med("small") else None
    tpf_large = med("large") / l if med("large") else None
    checks = [
        ("merge / floor", ratio(med("merge"), med("floor")), "<=", 2.0,
         "goal 1.5; " + cpu_note("merge", "floor")),
        ("naive / merge", ratio(med("naive"), med("merge")), ">=", 4.0,
         cpu_note("naive", "merge")),
        ("validate / calamine read", ratio(med("validate"), med("read")), "<=", 2.5,
         cpu_note("validate", "read")),
        (f"peak MB merge {n}", peak("merge"), "<=", 400.0, ""),
        (f"peak MB validate {big_rows:,}", peak("validate"), "<=", 600.0, ""),
        (f"time per file {l} / {s}", ratio(tpf_large, tpf_small), "<=", 1.3,
         f"{tpf_small * 1000:.1f} vs {tpf_large * 1000:.1f} ms/file" if tpf_small and tpf_large
         else ""),
        ("xlplan --help s", med("help"), "<", 0.5, ""),
    ]
    if med("merge") and med("merge1"):
        print(f"(worker processes: merge {med('merge1'):.2f} s on one core, {med('merge'):.2f} s "
              f"on {os.cpu_count()}: x{med('merge1') / med('merge'):.2f})")
    print()
    print(f"{'target':<30} {'value':>9}  {'limit':<8} result")
    print("-" * 65)
    missed = unmeasured = 0
    for name, value, op, limit, note in checks:
        if value is None:
            unmeasured += 1
            print(f"{name:<30} {'n/a':>9}  {op} {limit:<5} not measured")
            continue
        ok = {"<=": value <= limit, ">=": value >= limit, "<": value < limit}[op]
        missed += not ok
        print(f"{name:<30} {value:9.2f}  {op} {limit:<5} {'ok' if ok else 'MISSED'}"
              + (f"  ({note})" if note else ""))
    if med("cells") and med("floor"):
        print(f"(the merge's workbook, its cells alone through xlsxwriter's public API: "
              f"{med('cells'):.2f} s = {med('cells') / med('floor'):.2f} x the floor; the least a "
              "merge writing this workbook through the public API costs, before reading a file)")
    if med("naive") and med("floor"):
        # The two speed targets bound each other: a merge at the floor itself would be this
        # much faster than the naive peer.
        print(f"(naive / floor = {med('naive') / med('floor'):.2f}: the naive/merge ratio a merge "
              "exactly at the single-process floor would reach)")
    if med("small") and med("large"):
        marginal = (med("large") - med("small")) / (l - s)
        print(f"(marginal cost per file between {s} and {l}: {marginal * 1000:.1f} ms)")
    if args.quick:
        print("(--quick: small inputs, the targets are for the full run)")
        return 1 if any(m.failed for m in measures.values()) else 0
    if missed:
        return 1
    return 2 if unmeasured else 0


if __name__ == "__main__":
    sys.exit(main())
