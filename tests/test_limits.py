"""One set of limits: a programme's ``[limits]`` reach every file xlplan opens -- the
submissions, a file to annotate, and last month's consolidated workbook (``merge --previous``
and ``template --from``) -- not only the submissions."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

import xlplan
from xlplan import safety
from xlplan.annotate import AnnotateError, annotate_all, annotate_file
from xlplan.api import collect_paths, validate
from xlplan.config import Limits, load_config
from xlplan.consolidated import read_previous
from xlplan.demo.plan import write_submissions
from xlplan.issues import Issue
from xlplan.template import TemplateError, make_templates


def programme(tmp_path: Path, text: str):
    path = tmp_path / "programme.toml"
    path.write_text("[limits]\n" + text + "\n", encoding="utf-8")
    return load_config(path)


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    """A month of submissions (each a few KB) and the consolidated workbook merged from them."""
    folder = tmp_path_factory.mktemp("limits")
    files = write_submissions(folder / "march", "2018-03")
    consolidated = xlplan.write_consolidated(xlplan.merge(files, period="2018-03", jobs=1),
                                             folder / "consolidated.xlsx")
    return files, Path(consolidated)


def test_the_safety_check_and_the_programme_share_one_limits_class():
    assert safety.Limits is Limits
    assert load_config().limits == Limits()


def test_a_programme_can_set_every_limit_the_safety_check_applies(tmp_path):
    limits = programme(tmp_path, "max_cells = 1000\nmax_members = 20\nratio_floor_mb = 1").limits
    assert (limits.max_cells, limits.max_members, limits.ratio_floor_bytes) == (1000, 20, 2**20)


def test_a_lower_size_limit_refuses_the_file_to_annotate(month, tmp_path):
    files, _ = month
    small = programme(tmp_path, "max_file_mb = 0.001")  # about 1 KB: every file is larger
    issue = Issue(code="unknown-rag", message="check", file=files[0].name)
    assert annotate_file(files[0], tmp_path / "default.xlsx", [issue]).is_file()
    with pytest.raises(AnnotateError, match="too large|KB|MB"):
        annotate_file(files[0], tmp_path / "small.xlsx", [issue], small.limits)
    assert not (tmp_path / "small.xlsx").exists()


def test_annotating_a_folder_uses_the_limits_it_was_validated_with(month, tmp_path):
    """A programme that allows wider sheets reads a plan with a note in column 1,100 (and an unknown RAG); the
    annotated copy of that plan is written under the same limits, not refused as too large."""
    files, _ = month
    folder = tmp_path / "wide"
    folder.mkdir()
    wb = openpyxl.load_workbook(files[0])
    wb.worksheets[0].cell(2, 1100, "a note far to the right")
    wb.worksheets[0]["K4"] = "Purple"  # an unknown RAG: a comment to write
    wide = folder / files[0].name
    wb.save(wide)
    assert not safety.check_package(wide, wide.name, Limits()).ok  # too wide by default
    wider = programme(tmp_path, "max_columns = 2048")
    result = validate([folder], wider, jobs=1)
    assert result.issues and result.files[0].status in ("ok", "errors")
    written = annotate_all(result, collect_paths([folder]), tmp_path / "out")
    assert written.skipped == []
    assert [p.name for p in written] == [wide.name]


def test_a_lower_size_limit_refuses_the_previous_consolidated_workbook(month, tmp_path):
    files, consolidated = month
    small = programme(tmp_path, "max_file_mb = 0.01")  # 10 KB: the consolidated is larger
    assert consolidated.stat().st_size > small.limits.max_file_bytes
    assert read_previous(consolidated).period  # read under the defaults
    with pytest.raises(ValueError, match="cannot read the previous workbook"):
        read_previous(consolidated, small.limits)
    with pytest.raises(ValueError, match="consolidated.xlsx"):
        xlplan.merge([], previous=consolidated, period="2018-04", config=small, jobs=1)
    with pytest.raises(TemplateError, match="cannot read the previous workbook"):
        make_templates(consolidated, tmp_path / "templates", small)
    assert not (tmp_path / "templates").exists()
