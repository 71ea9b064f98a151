"""A newcomer's first hour: help that is complete, messages that name the right option, the
financial year found where the plans state it, templates that are never silently replaced."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from builders import write_plan
from xlplan.api import merge, read_submission
from xlplan.cli import main
from xlplan.config import load_config
from xlplan.demo.plan import write_examples
from xlplan.schema.markers import financial_year_in, financial_year_of_sheet


@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    out = tmp_path_factory.mktemp("examples")
    write_examples(out)
    return out


# ------------------------------------------------------------------------------ help

def test_top_help_lists_the_whole_loop_uncut():
    proc = subprocess.run([sys.executable, "-m", "xlplan.cli", "--help"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0
    text = proc.stdout
    for command in ("template", "validate", "merge", "demo"):
        assert f"xlplan {command}" in text or f"  {command} " in text, command
    assert "xlplan template --from" in text
    listed = text.split("Commands:", 1)[1].splitlines()
    assert not [line for line in listed if line.rstrip().endswith("...")]  # none cut short


@pytest.mark.parametrize("command", ["validate", "merge", "template", "demo"])
def test_every_command_help_is_whole(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert not [line for line in result.output.splitlines()[1:] if line.rstrip().endswith("...")]
    if command != "demo":
        assert "--config" in result.output


# ------------------------------------------------------------------------------ financial year

@pytest.mark.parametrize("text, year", [
    ("CQC Action Plan 2018-19", 2018), ("Q1 18/19", 2018), ("FY 2017/2018", 2017),
    ("Plan 2019\u201320", 2019), ("March 2018-03", None), ("01/02/2018", None),
    ("2018", None), ("", None), (2018, None)])
def test_financial_year_in_text(text, year):
    assert financial_year_in(text) == year


def test_title_wins_over_headers_and_the_earliest_header_year_otherwise():
    assert financial_year_of_sheet(["Action Plan", "Plan 2018-19"], ["Q1 19/20"]) == 2018
    assert financial_year_of_sheet(["Action Plan"], ["Q1 18/19", "2019/20"]) == 2018
    assert financial_year_of_sheet(["Action Plan"], ["Q1", "Q2", "Q3", "Q4", "2019/20"]) == 2018
    assert financial_year_of_sheet(["Action Plan"], ["Action", "2019/20"]) is None
    assert financial_year_of_sheet(["Action Plan"], ["Q1", "Q2"]) is None


def test_the_bundled_plans_state_their_year(examples):
    for path in (examples / "2018-03").glob("*.xlsx"):
        sub = read_submission(path)
        if len(sub.actions):
            assert sub.info.financial_year == 2018, path.name


def test_merge_without_config_reads_quarters_in_the_plans_own_year(examples):
    merged = merge([examples / "2018-03"], period="2018-03")
    assert merged.financial_year == 2018 and merged.financial_year_source == "the workbooks"
    # March 2018 is before the plan's first quarter (Apr-Jun 2018): nothing can be overdue.
    assert not [i for i in merged.issues if i.code == "overdue"]


def test_the_programme_setting_still_wins(examples):
    prog = load_config(None, overrides={"programme": {"financial_year": 2017}})
    merged = merge([examples / "2018-03"], period="2018-03", config=prog)
    assert merged.financial_year == 2017 and merged.financial_year_source == "programme settings"
    assert [i for i in merged.issues if i.code == "overdue"]  # Q1-Q3 of 2017-18 have ended


def test_a_plan_that_states_no_year_takes_the_period(tmp_path):
    (tmp_path / "in").mkdir()
    path = write_plan(tmp_path / "in" / "2018-03 Ann James.xlsx",
                      [["Do it", "Step", "Ann James", "X", "", "", "", "", "", "Green"]])
    merged = merge([path.parent], period="2018-03")
    assert merged.financial_year == 2017
    assert merged.financial_year_source == "the reporting period"


def test_merge_says_which_year_it_used(examples, tmp_path):
    result = CliRunner().invoke(main, ["merge", str(examples / "2018-03"), "-o",
                                       str(tmp_path / "out.xlsx"), "--period", "2018-03"])
    assert result.exit_code == 0, result.output
    assert "financial year 2018-19 (from the workbooks)" in result.output
    assert "overdue" not in result.output


# ------------------------------------------------------------------------------ messages

def test_empty_folder_says_what_is_looked_for(tmp_path):
    (tmp_path / "returns").mkdir()
    for command in (["validate"], ["merge", "-o", str(tmp_path / "o.xlsx")]):
        result = CliRunner().invoke(main, [*command, str(tmp_path / "returns")])
        assert result.exit_code == 2
        assert f"no .xlsx/.xlsm workbooks found in {tmp_path / 'returns'}" in result.output


def test_template_from_a_submission_names_the_right_option(examples, tmp_path):
    sub = next((examples / "2018-03").glob("*Paterson*.xlsx"))
    result = CliRunner().invoke(main, ["template", "--from", str(sub), "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "not a consolidated workbook" in result.output
    assert "--previous" not in result.output
    assert "xlplan merge" in result.output


def test_json_paths_are_as_given_on_the_command_line(examples, monkeypatch):
    monkeypatch.chdir(examples)
    result = CliRunner().invoke(main, ["validate", "2018-03", "--format", "json"])
    report = json.loads(result.stdout)
    paths = {f["path"] for f in report["files"]}
    assert str(Path("2018-03") / "2018-03 Caroline Paterson.xlsx") in paths
    assert all(i["file"] in paths for i in report["issues"])


# ------------------------------------------------------------------------------ template

def test_template_refuses_to_replace_without_force(examples, tmp_path):
    runner = CliRunner()
    merged_path = tmp_path / "Consolidated 2018-03.xlsx"
    assert runner.invoke(main, ["merge", str(examples / "2018-03"), "-o", str(merged_path),
                                "--period", "2018-03"]).exit_code == 0
    out = tmp_path / "to-send"
    first = runner.invoke(main, ["template", "--from", str(merged_path), "-o", str(out)])
    assert first.exit_code == 0, first.output
    sent = sorted(out.glob("*.xlsx"))
    assert sent
    before = {p: p.read_bytes() for p in sent}
    again = runner.invoke(main, ["template", "--from", str(merged_path), "-o", str(out)])
    assert again.exit_code == 2
    assert "already exists" in again.output and "--force" in again.output
    assert {p: p.read_bytes() for p in sent} == before
    forced = runner.invoke(main, ["template", "--from", str(merged_path), "-o", str(out),
                                  "--force"])
    assert forced.exit_code == 0, forced.output
    blank = tmp_path / "New SRO.xlsx"
    assert runner.invoke(main, ["template", "--blank", "-o", str(blank)]).exit_code == 0
    refused = runner.invoke(main, ["template", "--blank", "-o", str(blank)])
    assert refused.exit_code == 2 and "--force" in refused.output


def test_the_demo_suggests_commands_that_run(tmp_path, monkeypatch):
    import shlex

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["demo", "-o", "demo"])
    assert result.exit_code == 0, result.output
    suggested = [line.strip() for line in result.output.split("Next:", 1)[1].splitlines()
                 if line.startswith("  xlplan ") and "CODE" not in line]
    assert len(suggested) == 3
    for line in suggested:
        ran = CliRunner().invoke(main, shlex.split(line)[1:])
        assert ran.exit_code == 0, (line, ran.output)
