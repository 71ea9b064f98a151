"""A fixed-seed run of scripts/fuzz.py: workbooks damaged inside the package (cells, shared
strings, styles, dimensions, parts) never crash or hang the reader, and no cell of a mapped
column goes missing without an issue."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import fuzz  # noqa: E402

from xlplan.api import read_submission  # noqa: E402


def test_a_fixed_seed_run_finds_no_crash_hang_or_silent_change():
    start = time.perf_counter()
    counts = fuzz.run(300, seed=1, seconds=20)
    took = time.perf_counter() - start
    print(counts.line(), f"{took:.0f} s")
    assert counts.inputs == 300
    assert (counts.crashes, counts.hangs, counts.silent_cells) == (0, 0, 0), counts.examples
    # the mutations are inside the package: most inputs get past the zip layer to the parsers
    assert counts.parsed + counts.refused == 300 and counts.parsed >= 200
    assert took < 300


def test_every_mapped_cell_of_the_examples_is_read(tmp_path):
    """The property the fuzz run checks, on the undamaged examples of every kind."""
    for path in fuzz.seed_workbooks(tmp_path):
        sub = read_submission(path)
        assert sub.ok and fuzz.silent_cells(path, sub) == [], path.name


def test_the_oracle_sees_a_cell_that_went_missing(tmp_path):
    path = fuzz.seed_workbooks(tmp_path)[0]
    sub = read_submission(path)
    assert fuzz.silent_cells(path, sub) == []
    sub.actions.loc[0, "updates"] = ""  # as if the reader had dropped one cell
    lost = fuzz.silent_cells(path, sub)
    assert lost and all("Action" in cell for cell in lost)


@pytest.mark.parametrize("seed", [2, 3])
def test_mutations_change_the_package_not_the_zip(seed):
    import random

    with_data = fuzz.zip_members({"[Content_Types].xml": b"<Types/>",
                                  "xl/worksheets/sheet1.xml":
                                  b'<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c>'
                                  b"</row></sheetData></worksheet>"})
    data, ops = fuzz.mutate(with_data, random.Random(seed))
    assert ops and fuzz.members_of(data)  # still a readable zip
