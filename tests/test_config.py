"""Programme settings: the bundled defaults, every documented setting of a programme's TOML file,
and a plain ConfigError (naming the key and the file) for a file that cannot be used.

Each test writes its programme file into a temporary folder; the settings that change what is
read are checked through :func:`xlplan.read` on a generated workbook.
"""
from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

import xlplan
from builders import write_plan
from xlplan.cli import main
from xlplan.config import ConfigError, Limits, Programme, default_toml, load_config
from xlplan.schema.rag import CANONICAL_LEVELS

ROOT = Path(__file__).resolve().parents[1]
MIB = 2**20


def programme_file(tmp_path: Path, text: str, name: str = "programme.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, text: str) -> Programme:
    return load_config(programme_file(tmp_path, text))


# ---------------------------------------------------------------------------------------------
# Defaults
# ---------------------------------------------------------------------------------------------

def test_without_a_file_the_built_in_defaults_apply():
    prog = load_config()
    assert prog.source == "built-in defaults"
    assert prog.name == "Partnership improvement programme"
    assert (prog.financial_year_start_month, prog.financial_year) == (4, None)
    assert prog.expected_sros == ()
    assert prog.rag.levels == CANONICAL_LEVELS
    assert [prog.rag.label(lv) for lv in CANONICAL_LEVELS] == list(CANONICAL_LEVELS)
    assert prog.header_aliases == {}


def test_the_default_risk_matrix_is_the_nhs_5x5():
    matrix = load_config().risk_matrix
    assert (matrix.likelihood, matrix.impact, matrix.appetite) == ((1, 5), (1, 5), None)
    assert [(b.low, b.high, b.rag) for b in matrix.bands] == [
        (1, 3, "Green"), (4, 6, "Amber/Green"), (8, 12, "Amber"), (15, 25, "Red")]


def test_the_default_limits_are_the_documented_ones():
    limits = load_config().limits
    assert limits == Limits()  # the bundled file and the class agree
    assert (limits.max_file_bytes, limits.max_uncompressed_bytes) == (200 * MIB, 1024 * MIB)
    assert (limits.max_ratio, limits.max_rows, limits.max_columns) == (100.0, 524_288, 1024)
    assert (limits.isolate_above_bytes, limits.file_seconds, limits.file_memory_bytes) == (
        64 * MIB, 120.0, 2048 * MIB)


def test_the_programme_class_defaults_match_the_bundled_file():
    bare, loaded = Programme(), load_config()
    for name in ("name", "financial_year_start_month", "financial_year", "expected_sros",
                 "limits"):
        assert getattr(bare, name) == getattr(loaded, name), name
    assert bare.rag.levels == loaded.rag.levels


def test_the_bundled_default_file_is_valid_toml_with_every_documented_table():
    data = tomllib.loads(default_toml())
    assert {"programme", "rag", "headers", "risk", "limits"} <= set(data)
    assert data["rag"]["levels"] == list(CANONICAL_LEVELS)


def test_the_bundled_example_programme():
    prog = load_config(ROOT / "xlplan" / "data" / "demo.toml")
    assert prog.name == "Plymouth CQC Action Plan 2018-19"
    assert (prog.financial_year, prog.financial_year_start_month) == (2018, 4)
    assert len(prog.expected_sros) == 10 and "Caroline Paterson" in prog.expected_sros
    assert prog.rag.label("Amber/Green") == "Yellow" and prog.rag.label("Green") == "Green"
    assert prog.source.endswith("demo.toml")


# ---------------------------------------------------------------------------------------------
# Every documented setting
# ---------------------------------------------------------------------------------------------

def test_programme_name_year_start_month_and_expected_sros(tmp_path):
    path = programme_file(tmp_path, """
[programme]
name = "York recommendations"
financial_year = 2019
financial_year_start_month = 1
expected_sros = ["Jo Beer", "Ann James"]
""")
    prog = load_config(path)
    assert prog.name == "York recommendations"
    assert (prog.financial_year, prog.financial_year_start_month) == (2019, 1)
    assert prog.expected_sros == ("Jo Beer", "Ann James")
    assert prog.source == str(path)


def test_a_file_changes_only_what_it_names_tables_merge_and_lists_replace(tmp_path):
    prog = load(tmp_path, """
[rag.labels]
"Amber/Green" = "Yellow"
[limits]
max_rows = 1000
""")
    assert prog.rag.label("Amber/Green") == "Yellow"
    assert prog.rag.label("Red") == "Red" and prog.rag.levels == CANONICAL_LEVELS
    assert prog.limits.max_rows == 1000
    assert prog.limits.max_columns == 1024 and prog.limits.max_file_bytes == 200 * MIB
    assert prog.name == "Partnership improvement programme"
    restricted = load(tmp_path, '[rag]\nlevels = ["Green", "Amber", "Red"]\n')
    assert restricted.rag.levels == ("Green", "Amber", "Red")  # the list replaces, not merges


def test_overrides_are_laid_over_the_file(tmp_path):
    path = programme_file(tmp_path, '[programme]\nname = "From file"\nfinancial_year = 2017\n')
    prog = load_config(path, overrides={"programme": {"name": "Override"}})
    assert (prog.name, prog.financial_year) == ("Override", 2017)
    assert load_config(overrides={"programme": {"financial_year": 2020}}).financial_year == 2020


def test_restricting_the_rag_scale_makes_removed_levels_unknown(tmp_path):
    prog = load(tmp_path, '[rag]\nlevels = ["Complete", "Green", "Amber", "Red"]\n')
    scale = prog.rag
    assert scale.normalise("B") == "Complete" and scale.normalise(" green ") == "Green"
    assert scale.normalise("Amber/Green") is None and scale.normalise("Y") is None
    assert scale.normalise("A/R") is None and scale.normalise("") == ""
    assert scale.display() == "Complete, Green, Amber, Red"


def test_relabelled_levels_are_shown_and_read_under_their_label(tmp_path):
    prog = load(tmp_path, '[rag.labels]\n"Amber/Green" = "Lime"\n"Complete" = "Blue"\n')
    assert prog.rag.label("Amber/Green") == "Lime"
    assert prog.rag.normalise("lime") == "Amber/Green" and prog.rag.normalise("LIME ") == (
        "Amber/Green")
    assert prog.rag.normalise("Amber-Green") == "Amber/Green"  # built-in spellings still work
    assert prog.rag.display() == "Blue, Green, Lime, Amber, Amber/Red, Red"


def test_extra_rag_spellings_are_added_to_the_built_in_ones(tmp_path):
    prog = load(tmp_path, '[rag.aliases]\n"Amber/Green" = ["Yellow-ish"]\n"Red" = ["Critical"]\n')
    assert prog.rag.normalise("yellow ish") == "Amber/Green"
    assert prog.rag.normalise("CRITICAL") == "Red"
    assert prog.rag.normalise("Yellow") == "Amber/Green"
    assert load_config().rag.normalise("Critical") is None


ODD_HEADER = ["Action", "Sub actions", "Steward", "Q1", "Q2", "Q3", "Q4", "Updates",
              "Risks/Issues", "Barometer"]
ODD_ROWS = [["Develop strategy", "1. Draft", "Jo Beer", "X", "", "", "", "drafted", "", "Green"],
            ["", "2. Consult", "", "", "X", "", "", "", "", "Yellow"],
            ["", "3. Sign off", "", "", "", "X", "", "", "", "Blue"]]


def test_header_aliases_teach_a_layout_the_built_in_spellings_miss(tmp_path):
    plan = write_plan(tmp_path / "odd.xlsx", ODD_ROWS, header=ODD_HEADER)
    without = xlplan.read(plan)
    assert "missing-column" in {i.code for i in without.issues}
    assert set(without.actions["rag"]) == {""}
    path = programme_file(tmp_path, """
[headers]
sro = ["Steward"]
rag = ["Barometer"]
""")
    assert load_config(path).header_aliases == {"sro": ["Steward"],
                                                "rag": ["Barometer"]}
    sub = xlplan.read(plan, config=path)
    assert not [i for i in sub.issues if i.severity == "error"]
    assert sub.actions["sro"].tolist() == ["Jo Beer"] * 3  # carried down from the first row
    assert sub.actions["rag"].tolist() == ["Green", "Amber/Green", "Complete"]


def test_a_restricted_scale_reports_removed_levels_as_unknown_rag(tmp_path):
    plan = write_plan(tmp_path / "odd.xlsx", ODD_ROWS, header=ODD_HEADER)
    path = programme_file(tmp_path, """
[headers]
sro = ["Steward"]
rag = ["Barometer"]
[rag]
levels = ["Complete", "Green", "Amber", "Red"]
[rag.labels]
"Complete" = "Blue"
""")
    sub = xlplan.read(plan, config=path)
    (issue,) = [i for i in sub.issues if i.code == "unknown-rag"]
    assert (issue.cell, issue.value, issue.severity) == ("J3", "Yellow", "error")
    assert "Blue, Green, Amber, Red" in issue.message
    assert sub.actions["rag"].tolist() == ["Green", "", "Complete"]
    assert len(sub.actions) == 3  # the row with the bad RAG is kept


@pytest.mark.parametrize("text, likelihood, bands", [
    ("likelihood = [1, 4]\nimpact = [1, 4]\nbands = 4",
     (1, 4), [(1, 2, "Green"), (3, 4, "Amber/Green"), (6, 9, "Amber"), (12, 16, "Red")]),
    ("likelihood = [1, 3]\nimpact = [1, 3]\nbands = 3",
     (1, 3), [(1, 2, "Green"), (3, 4, "Amber"), (6, 9, "Red")]),
    ('preset = "4x4"', (1, 4), [(1, 2, "Green"), (3, 4, "Amber/Green"), (6, 9, "Amber"),
                                (12, 16, "Red")]),
    ("size = 3\nbands = 3", (1, 3), [(1, 2, "Green"), (3, 4, "Amber"), (6, 9, "Red")]),
])
def test_risk_matrix_sizes(tmp_path, text, likelihood, bands):
    matrix = load(tmp_path, "[risk]\n" + text + "\n").risk_matrix
    assert matrix.likelihood == matrix.impact == likelihood
    assert [(b.low, b.high, b.rag) for b in matrix.bands] == bands


def test_risk_bands_and_appetite(tmp_path):
    prog = load(tmp_path, """
[risk]
appetite = 12
bands = [
  {name = "Low", max = 4, rag = "G"},
  {name = "Medium", max = 10, rag = "Yellow"},
  {name = "High", max = 25, rag = "R", colour = "#c00000"},
]
""")
    matrix = prog.risk_matrix
    assert [(b.name, b.low, b.high, b.rag) for b in matrix.bands] == [
        ("Low", 1, 4, "Green"), ("Medium", 5, 10, "Amber/Green"), ("High", 12, 25, "Red")]
    assert matrix.bands[-1].colour == "C00000"
    assert (matrix.rag_for(4), matrix.rag_for(5), matrix.rag_for(16)) == ("Green", "Amber/Green",
                                                                          "Red")
    assert matrix.appetite == 12
    assert not matrix.above_appetite(12) and matrix.above_appetite(15)


def test_safety_limits_in_megabytes_and_counts(tmp_path):
    limits = load(tmp_path, """
[limits]
max_file_mb = 1.5
max_uncompressed_mb = 10
max_ratio = 20
max_rows = 5000
max_columns = 60
isolate_above_mb = 2
file_seconds = 30
file_memory_mb = 512
""").limits
    assert limits == Limits(max_file_bytes=int(1.5 * MIB), max_uncompressed_bytes=10 * MIB,
                            max_ratio=20.0, max_rows=5000, max_columns=60,
                            isolate_above_bytes=2 * MIB, file_seconds=30.0,
                            file_memory_bytes=512 * MIB)


def test_a_programme_object_is_accepted_wherever_a_file_is(tmp_path):
    plan = write_plan(tmp_path / "odd.xlsx", ODD_ROWS, header=ODD_HEADER)
    prog = load(tmp_path, '[headers]\nrag = ["Barometer"]\n')
    prog = dataclasses.replace(prog, name="Changed in code")
    assert xlplan.read(plan, config=prog).actions["rag"].tolist()[0] == "Green"
    merged = xlplan.merge([plan], period="2018-04", config=prog, jobs=1)
    assert merged.programme.name == "Changed in code"


# ---------------------------------------------------------------------------------------------
# Files that cannot be used
# ---------------------------------------------------------------------------------------------

def test_a_missing_file_is_a_config_error_naming_it(tmp_path):
    path = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(path) in str(err.value) and "cannot read" in str(err.value)
    assert isinstance(err.value, ValueError)


def test_a_folder_given_as_the_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read the programme file"):
        load_config(tmp_path)


def test_invalid_toml_is_a_config_error_naming_the_file_and_line(tmp_path):
    path = programme_file(tmp_path, '[programme]\nname = "ok"\nfinancial_year = = 2018\n')
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(path) in str(err.value) and "not valid TOML" in str(err.value)
    assert "line 3" in str(err.value)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_a_programme_file_saved_by_a_windows_editor(tmp_path, encoding):
    path = tmp_path / "programme.toml"
    path.write_bytes('[programme]\r\nname = "Caf\u00e9"\r\n'.encode(encoding))
    try:
        prog = load_config(path)
    except ConfigError as exc:  # refusing UTF-16 with a sentence naming the file is fine too
        assert encoding == "utf-16" and str(path) in str(exc)
    else:
        assert prog.name == "Caf\u00e9"


@pytest.mark.parametrize("text, key, value", [
    ("[programme]\nfinancial_year_start_month = 13", "financial_year_start_month", "13"),
    ("[programme]\nfinancial_year_start_month = 0", "financial_year_start_month", "0"),
    ('[rag]\nlevels = ["Green", "Purple"]', "levels", "'Purple'"),
])
def test_a_bad_value_is_a_config_error_naming_the_key_and_value(tmp_path, text, key, value):
    with pytest.raises(ConfigError) as err:
        load(tmp_path, text + "\n")
    assert key in str(err.value) and value in str(err.value)


def test_a_level_off_the_scale_says_to_relabel_instead(tmp_path):
    with pytest.raises(ConfigError, match=r"\[rag.labels\]"):
        load(tmp_path, '[rag]\nlevels = ["Complete", "Blue"]\n')


def test_a_bad_value_message_names_the_file(tmp_path):
    path = programme_file(tmp_path, "[programme]\nfinancial_year_start_month = 13\n")
    with pytest.raises(ConfigError, match=path.name):
        load_config(path)


@pytest.mark.parametrize("text, key", [
    ('[programme]\nfinancial_year_start_month = "April"', "financial_year_start_month"),
    ('[programme]\nfinancial_year = "2018-19"', "financial_year"),
    ('[limits]\nmax_rows = "lots"', "max_rows"),
])
def test_a_value_that_is_not_a_number_is_a_config_error(tmp_path, text, key):
    with pytest.raises(ConfigError, match=key):
        load(tmp_path, text + "\n")


def test_expected_sros_as_one_string_is_not_split_into_letters(tmp_path):
    try:
        prog = load(tmp_path, '[programme]\nexpected_sros = "Jo Beer"\n')
    except ConfigError:
        return  # refusing it plainly is fine too
    assert prog.expected_sros == ("Jo Beer",)


@pytest.mark.parametrize("text, words", [
    ('appetite = "high"', "appetite"),
    ('preset = "6x5"', "3x3, 4x4 or 5x5"),
    ("likelihood = [1, 4]\nimpact = [1, 5]\nbands = 4", "no preset"),
    ("bands = [{name = \"Low\", max = 3, rag = \"Green\"}]", "last band"),
    ('bands = [{name = "Low", max = 25, rag = "Purple"}]', "colour"),
])
def test_a_bad_risk_setting_is_refused_with_a_sentence_naming_it(tmp_path, text, words):
    # The [risk] table is checked when the file is loaded, not when a risk register is read.
    with pytest.raises(ValueError, match=words) as err:
        load(tmp_path, "[risk]\n" + text + "\n")
    assert isinstance(err.value, ConfigError) and "programme.toml: [risk" in str(err.value)


def test_a_bad_risk_setting_is_a_config_error_when_the_file_is_loaded(tmp_path):
    with pytest.raises(ConfigError, match="appetite"):
        load(tmp_path, '[risk]\nappetite = "high"\n')


# ---------------------------------------------------------------------------------------------
# Unknown keys (ignored, kept in ``raw``; only [risk] names its unknown keys)
# ---------------------------------------------------------------------------------------------

def test_unknown_tables_and_keys_are_ignored_and_kept_in_raw(tmp_path):
    prog = load(tmp_path, """
[programme]
nmae = "Typo"
[programm]
name = "Typo table"
""")
    assert prog.name == "Partnership improvement programme"
    assert prog.raw["programme"]["nmae"] == "Typo"
    assert prog.raw["programm"] == {"name": "Typo table"}


def test_an_unknown_risk_key_is_named_when_the_file_is_loaded(tmp_path):
    with pytest.raises(ValueError, match="likelyhood"):
        load(tmp_path, "[risk]\nlikelyhood = [1, 4]\n")


# ---------------------------------------------------------------------------------------------
# From the command line: one plain sentence, exit 2
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [None, "[programme\n",
                                  "[programme]\nfinancial_year_start_month = 0\n"])
def test_the_command_line_reports_a_bad_programme_file_in_one_sentence(tmp_path, text):
    path = tmp_path / "programme.toml"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    plan = write_plan(tmp_path / "in" / "a.xlsx", ODD_ROWS, header=ODD_HEADER)
    res = CliRunner().invoke(main, ["validate", str(plan), "--config", str(path)])
    assert res.exit_code == 2
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert "Traceback" not in res.output
    assert res.output.startswith("xlplan: ") and len(res.output.strip().splitlines()) == 1


# ---------------------------------------------------------------------------------------------
# Every value is checked against the settings table when the file is loaded
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, named, value", [
    ('[programme]\nfinancial_year_start_month = "April"', "[programme] financial_year_start_month",
     "'April'"),
    ("[programme]\nfinancial_year_start_month = 4.5", "[programme] financial_year_start_month",
     "4.5"),
    ('[programme]\nfinancial_year = "2018-19"', "[programme] financial_year", "'2018-19'"),
    ("[programme]\nname = 12", "[programme] name", "12"),
    ('[programme]\nexpected_sros = "Jo Beer"', "[programme] expected_sros", "'Jo Beer'"),
    ('[programme]\nexpected_sros = ["Jo Beer", 7]', "[programme] expected_sros", "7"),
    ('[programme]\ntoday = "yesterday"', "[programme] today", "'yesterday'"),
    ('[headers]\nsro = "Steward"', "[headers] sro", "'Steward'"),
    ('[headers]\nsor = ["Steward"]', "[headers] sor", "sro"),
    ('[rag.labels]\n"Purple" = "Violet"', '[rag.labels] Purple', "Amber/Green"),
    ('[rag.labels]\n"Amber/Green" = 3', '[rag.labels] "Amber/Green"', "3"),
    ('[rag.aliases]\n"Red" = "Critical"', '[rag.aliases] Red', "'Critical'"),
    ("[limits]\nmax_rows = 0", "[limits] max_rows", "0"),
    ('[limits]\nmax_rows = "lots"', "[limits] max_rows", "'lots'"),
    ("[limits]\nmax_file_mb = -1", "[limits] max_file_mb", "-1"),
    ('[limits]\nfile_seconds = "2 minutes"', "[limits] file_seconds", "'2 minutes'"),
    ('[risk]\nappetite = "high"', "[risk] appetite", "'high'"),
    ("[risk]\nlikelihood = [5, 1]", "[risk] likelihood", "[5, 1]"),
    ("[risk]\nprobability = [0.2, 0.4, 0.6]", "[risk] probability", "[0.2, 0.4, 0.6]"),
    ('[risk]\nrefs = "everyone"', "[risk] refs", "everyone"),
    ("[risk.words]\nTolerable = 9", "[risk.words] Tolerable", "9"),
    ('[risk.words]\nTolerable = "high"', "[risk.words] Tolerable", "'high'"),
    ('[risk]\nwords = ["high"]', "[risk] words", "['high']"),
    ('[scorecard]\nstrategies = "Start well"', "[scorecard] strategies", "'Start well'"),
    ('programme = "York"', "[programme] must be a table", "'York'"),
])
def test_a_bad_value_is_one_sentence_naming_the_file_table_key_and_value(tmp_path, text, named,
                                                                          value):
    path = programme_file(tmp_path, text + "\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert message.startswith(f"the programme file {path}: {named}"), message
    assert value in message and "\n" not in message


def test_the_sentence_says_what_the_value_must_be(tmp_path):
    with pytest.raises(ConfigError) as err:
        load(tmp_path, '[programme]\nfinancial_year_start_month = "April"\n')
    assert "must be a whole number from 1 to 12, like 4 (April), not 'April'" in str(err.value)
    with pytest.raises(ConfigError) as err:
        load(tmp_path, '[programme]\nexpected_sros = "Jo Beer"\n')
    assert 'like ["Jo Beer", "Ann James"]' in str(err.value)


def test_every_problem_in_a_file_is_reported_at_once(tmp_path):
    with pytest.raises(ConfigError) as err:
        load(tmp_path, '[programme]\nfinancial_year = "2018-19"\n[limits]\nmax_rows = "lots"\n')
    assert "financial_year" in str(err.value) and "max_rows" in str(err.value)


def test_a_header_spelling_given_as_one_string_is_not_read_letter_by_letter(tmp_path):
    # Before the table, "Steward" became seven one-letter spellings of the SRO column.
    with pytest.raises(ConfigError, match=r"\[headers\] sro must be a list"):
        load(tmp_path, '[headers]\nsro = "Steward"\n')


def test_a_bad_override_is_blamed_on_the_settings_given_in_code(tmp_path):
    path = programme_file(tmp_path, '[programme]\nname = "From file"\n')
    with pytest.raises(ConfigError, match="with the settings given in code: "
                                          r"\[programme\] financial_year_start_month"):
        load_config(path, overrides={"programme": {"financial_year_start_month": 0}})
    with pytest.raises(ConfigError, match=r"the programme settings \(built-in defaults"):
        load_config(overrides={"limits": {"max_rows": -5}})


def test_settings_given_in_code_may_use_tuples_for_lists():
    prog = load_config(overrides={"programme": {"expected_sros": ("Jo Beer", "Ann James")},
                                  "risk": {"likelihood": (1, 4), "impact": (1, 4), "bands": 4}})
    assert prog.expected_sros == ("Jo Beer", "Ann James")
    assert prog.risk_matrix.likelihood == (1, 4)


def test_the_settings_table_covers_every_key_of_the_bundled_files():
    from xlplan.schema.settings import SETTINGS, problems

    listed = {(s.table, s.key) for s in SETTINGS}
    for name in ("default.toml", "demo.toml"):
        data = tomllib.loads((ROOT / "xlplan" / "data" / name).read_text(encoding="utf-8"))
        assert problems(data) == [], name
        for table, keys in data.items():
            for key, value in keys.items():
                if isinstance(value, dict):
                    assert (table, key) in listed or f"{table}.{key}" in {s.table for s in
                                                                          SETTINGS}, (table, key)
                else:
                    assert (table, key) in listed or (table, "*") in listed, (table, key)


def test_the_documented_risk_words_and_refs_are_accepted(tmp_path):
    prog = load(tmp_path, '[risk]\nrefs = "programme"\nprobability = [0.1, 0.3, 0.5, 0.7]\n'
                          '[risk.words]\n"Tolerable" = 2\n')
    assert prog.refs_programme_wide
    assert prog.rating_words.word_step("tolerable") == 2


# ---------------------------------------------------------------------------------------------
# The command line: validate and merge refuse a bad file in one sentence, exit 2
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["validate", "merge"])
@pytest.mark.parametrize("text, named", [
    ('[programme]\nfinancial_year_start_month = "April"\n',
     "[programme] financial_year_start_month"),
    ('[programme]\nexpected_sros = "Jo Beer"\n', "[programme] expected_sros"),
    ('[risk]\nappetite = "high"\n', "[risk] appetite"),
    ('[risk.words]\nHigh = 9\n', "[risk.words] High"),
    ("[limits]\nmax_rows = 0\n", "[limits] max_rows"),
])
def test_validate_and_merge_print_the_sentence_and_exit_2(tmp_path, command, text, named):
    bad = programme_file(tmp_path, text, name="bad.toml")
    folder = tmp_path / "in"
    write_plan(folder / "a.xlsx", ODD_ROWS, header=ODD_HEADER)
    out = tmp_path / "out.xlsx"
    args = [command, "--config", str(bad), str(folder)]
    if command == "merge":
        args += ["-o", str(out), "--period", "2018-04"]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 2, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert "Traceback" not in res.output
    lines = res.output.strip().splitlines()
    assert lines == [f"xlplan: the programme file {bad}: {named}" + lines[0].split(named, 1)[1]]
    assert not out.exists()
