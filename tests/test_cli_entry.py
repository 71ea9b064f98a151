"""The installed command (``xlplan.cli:run``): exit codes and output survive its fast exit."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from builders import write_plan

ROOT = Path(__file__).resolve().parents[1]


def xlplan(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xlplan.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_exit_codes_and_every_line_of_output(tmp_path):
    good = write_plan(tmp_path / "ok" / "good.xlsx",
                      [["Reduce backlog", "1. Recruit", "Jo Beer", "X", "", "", "", "", "", "Green"]])
    rows = [["Reduce backlog", f"{i}. Step", "Jo Beer", "X", "", "", "", "Update", "", "Purple"]
            for i in range(1, 400)]
    bad = write_plan(tmp_path / "bad" / "bad.xlsx", rows)

    done = xlplan("validate", str(good.parent), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("0 error(s), 0 warning(s), 0 note(s).")

    found = xlplan("validate", str(bad.parent), cwd=tmp_path)
    assert found.returncode == 1
    lines = found.stdout.rstrip().split("\n")
    assert sum("unknown-rag" in line for line in lines) == 399  # nothing lost at exit
    assert lines[-1].startswith("1 file(s), 399 row(s) read: 399 error(s)")

    usage = xlplan("validate", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert usage.returncode == 2
    assert "does not exist" in usage.stderr

    helped = xlplan("--help", cwd=tmp_path)
    assert helped.returncode == 0 and "merge" in helped.stdout

    out = tmp_path / "merged.xlsx"
    merged = xlplan("merge", str(good.parent), "-o", str(out), "--period", "2018-06",
                    cwd=tmp_path)
    assert merged.returncode == 0, merged.stderr
    assert out.exists() and "Written to" in merged.stdout
