"""`xlplan demo`, `xlplan merge` and the coordinator's monthly script, as a user runs them."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from builders import write_plan
from xlplan.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(main, ["demo", "-o", str(out)])
    return out, result


def test_demo_writes_examples_and_a_full_consolidated_workbook(demo):
    out, result = demo
    assert result.exit_code == 0, result.output
    assert "Written to" in result.output and "Traceback" not in result.output
    workbook = out / "Consolidated 2018-03.xlsx"
    wb = load_workbook(workbook)
    for sheet in ("Dashboard", "Actions", "Changes", "Risks", "Heatmap", "Scorecard",
                  "Submissions", "Issues", "History"):
        assert sheet in wb.sheetnames, sheet
    assert (out / "programme.toml").exists()
    report = json.loads((out / "report-2018-03.json").read_text())
    assert report["summary"]["files"] == 12 and report["summary"]["errors"] == 0


def test_merge_command_with_report_and_previous(demo, tmp_path):
    out, _ = demo
    target = tmp_path / "March.xlsx"
    report = tmp_path / "r.json"
    result = CliRunner().invoke(main, [
        "merge", str(out / "2018-03"), "-o", str(target), "--previous",
        str(out / "Consolidated 2018-02.xlsx"), "--period", "2018-03", "--report-json",
        str(report), "--config", str(out / "programme.toml")])
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text())
    assert {"xlplan", "files", "issues", "summary"} <= set(data)
    assert data["summary"]["period"] == "2018-03"
    assert target.exists()


def test_strict_writes_nothing_when_errors_are_found(tmp_path):
    folder = tmp_path / "in"
    write_plan(folder / "a.xlsx", [["Develop", "1. a", "Jo Beer", "X", "", "", "", "", "",
                                    "Purple"]])
    target = tmp_path / "out.xlsx"
    result = CliRunner().invoke(main, ["merge", str(folder), "-o", str(target), "--strict",
                                       "--period", "2018-03"])
    assert result.exit_code == 1
    assert not target.exists()
    assert "unknown-rag" in result.output and "no workbook was written" in result.output


def test_refusals_are_plain_sentences_with_exit_2(demo, tmp_path):
    out, _ = demo
    march = out / "2018-03"
    runner = CliRunner()
    an_input = next(march.glob("*.xlsx"))
    result = runner.invoke(main, ["merge", str(march), "-o", str(an_input)])
    assert result.exit_code == 2 and "is one of the inputs" in result.output
    target = tmp_path / "Board.xlsx"
    (tmp_path / "~$Board.xlsx").write_bytes(b"\x00")
    result = runner.invoke(main, ["merge", str(march), "-o", str(target)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "close it" in result.output.lower() or "open" in result.output.lower()
    result = runner.invoke(main, ["merge", str(march), "-o", str(tmp_path / "x.xlsx"),
                                  "--period", "March"])
    assert result.exit_code == 2 and "YYYY-MM" in result.output
    result = runner.invoke(main, ["merge", str(march), "-o", str(tmp_path / "x.xlsx"),
                                  "--previous", str(an_input)])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_monthly_merge_script(demo, tmp_path):
    out, _ = demo
    returns = tmp_path / "returns"
    shutil.copytree(out / "2018-02", returns / "2018-02")
    shutil.copytree(out / "2018-03", returns / "2018-03")
    consolidated = tmp_path / "consolidated"
    script = ROOT / "scripts" / "monthly_merge.py"
    for period in ("2018-02", "2018-03"):
        proc = subprocess.run([sys.executable, str(script), "--period", period, "--returns",
                               str(returns), "--out", str(consolidated), "--config",
                               str(out / "programme.toml")], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    assert (consolidated / "Consolidated 2018-03.xlsx").exists()
    assert (consolidated / "Report 2018-03.json").exists()
    wb = load_workbook(consolidated / "Consolidated 2018-03.xlsx")
    assert "Changes" in wb.sheetnames  # merged against February's workbook
