"""`xlplan validate` as a coordinator uses it: a folder of good and bad files."""
from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from builders import write_plan
from xlplan.cli import main

SRO = "Caroline Paterson, Strategic Commissioning Manager, PCC"


def make_folder(tmp_path):
    folder = tmp_path / "returns"
    write_plan(folder / "2018-03 Caroline Paterson.xlsx", [
        ["Develop and remodel the care home market", "1. Baseline assessment against EHCH model",
         SRO, "Complete", "", "", "", "Baseline Assessment Completed and submitted to STP", "",
         "Green"],
        ["", "2. Develop Project Plan", "", "X", "", "", "", "Project Plan in development and "
         "Programme Group Established.", "", "Yellow"],
    ], title=["CQC Action Plan 2018-19"])
    write_plan(folder / "2018-03 Rachel Silcock.xlsx", [
        ["Develop voluntary sector engagement to maximise their contribution",
         "1. Commence engagement through SDGs to identify further opportunities",
         "Rachel Silcock, Strategic Commissioning Manager, PCC", "X", "", "", "",
         "The Wellbeing SDG is the most active", "", "Purple"],
    ])
    (folder / "2018-03 Jo Beer.xlsx").write_text("Action,Sub actions,SRO\nReview MIU,,Jo Beer\n")
    (folder / "~$2018-03 Rachel Silcock.xlsx").write_bytes(b"\x00" * 165)
    return folder


def test_text_report_groups_by_file_with_cell_first_and_exits_1(tmp_path):
    folder = make_folder(tmp_path)
    result = CliRunner().invoke(main, ["validate", str(folder)])
    assert result.exit_code == 1, result.output
    out = result.output
    assert "Traceback" not in out
    assert ("2018-03 Rachel Silcock.xlsx › Action Plan › J2  unknown-rag  RAG value 'Purple' is "
            "not on the scale") in out
    assert "2018-03 Jo Beer.xlsx  unreadable-file" in out
    assert "~$2018-03 Rachel Silcock.xlsx  skipped-file" in out
    assert "2018-03 Caroline Paterson.xlsx  [OK]  0 errors, 0 warnings  (Action Plan: 2 rows)" \
        in out
    assert "4 file(s), 3 row(s) read: 2 error(s)" in out


def test_json_report_has_the_spec_shape(tmp_path):
    folder = make_folder(tmp_path)
    result = CliRunner().invoke(main, ["validate", str(folder), "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["xlplan"] == "0.1.0"
    assert set(report) >= {"xlplan", "files", "issues", "summary"}
    given = {f["name"]: f["path"] for f in report["files"]}  # paths as typed: folder/file
    assert given["2018-03 Caroline Paterson.xlsx"] == str(folder / "2018-03 Caroline Paterson.xlsx")
    paterson = next(f for f in report["files"] if f["name"] == "2018-03 Caroline Paterson.xlsx")
    assert paterson["status"] == "ok" and len(paterson["sha256"]) == 64
    assert paterson["sheets"] == [{"name": "Action Plan", "kind": "action_plan",
                                   "header_row": 3, "rows": 2}]
    statuses = {f["name"]: f["status"] for f in report["files"]}
    assert statuses["2018-03 Rachel Silcock.xlsx"] == "errors"
    assert statuses["2018-03 Jo Beer.xlsx"] == "failed"
    assert statuses["~$2018-03 Rachel Silcock.xlsx"] == "skipped"
    rag = next(i for i in report["issues"] if i["code"] == "unknown-rag")
    assert rag == {"file": str(folder / "2018-03 Rachel Silcock.xlsx"),
                   "name": "2018-03 Rachel Silcock.xlsx", "sheet": "Action Plan", "cell": "J2",
                   "row": 2, "column": "J", "severity": "error", "code": "unknown-rag",
                   "message": rag["message"], "value": "Purple"}
    assert report["summary"] == {"files": 4, "rows": 3, "errors": 2, "warnings": 0,
                                 "info": report["summary"]["info"]}


def test_clean_file_exits_0(tmp_path):
    folder = make_folder(tmp_path)
    result = CliRunner().invoke(main, ["validate", str(folder / "2018-03 Caroline Paterson.xlsx")])
    assert result.exit_code == 0, result.output


def test_usage_errors_exit_2_without_traceback(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(main, ["validate", str(empty)])
    assert result.exit_code == 2 and f"no .xlsx/.xlsm workbooks found in {empty}" in result.output
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "missing.xlsx")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    bad_config = tmp_path / "bad.toml"
    bad_config.write_text("[rag]\nlevels = ['Purple']\n")
    result = CliRunner().invoke(main, ["validate", str(empty), "--config", str(bad_config)])
    assert result.exit_code == 2 and "'Purple'" in result.output


def test_help_and_version_start_fast():
    import time

    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "xlplan.cli", "--help"], capture_output=True,
                          text=True, check=True)
    elapsed = time.perf_counter() - start
    assert "validate" in proc.stdout and "merge" in proc.stdout
    # No heavy import at start-up: pandas is only imported when a command runs.
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "xlplan.cli", "--version"],
                          capture_output=True, text=True, check=True)
    assert "0.1.0" in proc.stdout
    assert " pandas" not in proc.stderr and "python_calamine" not in proc.stderr
    assert elapsed < 5  # loose guard; the benchmark script measures the real figure
