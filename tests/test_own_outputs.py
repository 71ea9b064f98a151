"""xlplan's own outputs in a returns folder, and merges that read nothing.

Last month's consolidated workbook saved into this month's folder, or a template copied there
before it went out, must not be read as an SRO's return (its rows would be counted twice); a
template the SRO filled in is a return. A merge that reads no rows says so and writes nothing.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from builders import write_plan
from xlplan.api import merge, read_submission, validate
from xlplan.cli import main
from xlplan.config import load_config
from xlplan.demo.plan import write_submissions
from xlplan.write import write_consolidated


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    """A folder of returns, and the consolidated workbook made from them."""
    root = tmp_path_factory.mktemp("own")
    folder = root / "2018-03"
    write_submissions(folder, period="2018-03")
    consolidated = root / "Consolidated 2018-03.xlsx"
    write_consolidated(merge([folder], period="2018-03"), consolidated)
    return root, folder, consolidated


def test_last_months_workbook_in_the_folder_is_skipped(month, tmp_path):
    root, folder, consolidated = month
    mixed = tmp_path / "returns"
    shutil.copytree(folder, mixed)
    shutil.copy(consolidated, mixed / consolidated.name)
    alone = validate([folder])
    both = validate([mixed])
    notes = [i for i in both.issues if i.code == "own-output"]
    assert [(i.file, i.severity) for i in notes] == [(consolidated.name, "info")]
    assert "--previous" in notes[0].message
    status = {f.path: f.status for f in both.files}
    assert status[consolidated.name] == "skipped"
    assert len(both.actions) == len(alone.actions)
    assert len(both.risks) == len(alone.risks)
    assert [i for i in both.issues if i.code != "own-output"] == alone.issues


def test_a_template_in_the_folder_is_skipped_until_an_sro_fills_it_in(month, tmp_path):
    root, folder, consolidated = month
    runner = CliRunner()
    out = tmp_path / "templates"
    result = runner.invoke(main, ["template", "--from", str(consolidated), "-o", str(out),
                                  "--period", "2018-04"])
    assert result.exit_code == 0, result.output
    templates = sorted(out.glob("*.xlsx"))
    assert templates
    returns = tmp_path / "2018-04"
    returns.mkdir()
    blank, filled = templates[0], templates[1]
    shutil.copy(blank, returns / blank.name)
    wb = load_workbook(filled)  # the SRO opens it, types an update and saves it
    wb.save(returns / filled.name)
    result = validate([returns])
    status = {f.path: f.status for f in result.files}
    assert status[blank.name] == "skipped"
    assert [i.code for i in result.issues if i.file == blank.name] == ["own-output"]
    assert status[filled.name] in ("ok", "errors")
    assert {i.file for i in result.issues if i.code == "own-output"} == {blank.name}
    assert read_submission(filled).actions["key"].tolist() == \
        [k for k in result.actions["key"]]
    # named on its own, a template is read (checking a template is a use of validate)
    alone = read_submission(returns / blank.name)
    assert alone.info.status == "ok" and len(alone.actions) > 0


def test_a_consolidated_workbook_named_on_its_own_is_not_read_as_a_return(month):
    _root, _folder, consolidated = month
    sub = read_submission(consolidated)
    assert sub.info.status == "skipped" and len(sub.actions) == 0
    assert [i.code for i in sub.issues] == ["own-output"]


# ------------------------------------------------------------ merges that read nothing
def test_merge_of_a_folder_holding_only_a_csv_writes_nothing_and_fails(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "plan.csv").write_text("Action,SRO,RAG\nDo it,Jo,Green\n")
    target = tmp_path / "out.xlsx"
    result = CliRunner().invoke(main, ["merge", str(folder), "-o", str(target)])
    assert result.exit_code == 1, result.output
    assert not target.exists()
    assert "no rows were read" in result.output


def test_merge_where_every_file_failed_writes_nothing_and_fails(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.xlsx").write_bytes(b"not a zip")
    (folder / "b.xlsx").write_bytes(b"")
    target, report = tmp_path / "out.xlsx", tmp_path / "r.json"
    result = CliRunner().invoke(main, ["merge", str(folder), "-o", str(target),
                                       "--report-json", str(report)])
    assert result.exit_code == 1, result.output
    assert not target.exists()
    data = json.loads(report.read_text())
    assert [f["status"] for f in data["files"]] == ["failed", "failed"]


@pytest.mark.skipif(os.name == "nt" or (hasattr(os, "geteuid") and os.geteuid() == 0),
                    reason="a read-only folder does not stop the superuser")
def test_an_unwritable_report_is_found_before_reading(tmp_path):
    folder = tmp_path / "in"
    write_plan(folder / "a.xlsx", [["Develop", "1. a", "Jo Beer", "X", "", "", "", "", "",
                                    "Green"]])
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = CliRunner().invoke(main, ["merge", str(folder), "-o", str(tmp_path / "o.xlsx"),
                                           "--report-json", str(locked / "r.json")])
    finally:
        locked.chmod(0o700)
    assert result.exit_code == 2 and "cannot write" in result.output
    assert not (tmp_path / "o.xlsx").exists()


def test_a_report_in_a_missing_folder_is_found_before_reading(tmp_path, monkeypatch):
    import xlplan.api as api

    folder = tmp_path / "in"
    write_plan(folder / "a.xlsx", [["Develop", "1. a", "Jo Beer", "X", "", "", "", "", "",
                                    "Green"]])
    monkeypatch.setattr(api, "merge", lambda *a, **k: pytest.fail("read before checking"))
    result = CliRunner().invoke(main, ["merge", str(folder), "-o", str(tmp_path / "o.xlsx"),
                                       "--report-json", str(tmp_path / "nope" / "r.json")])
    assert result.exit_code == 2 and "does not exist" in result.output
