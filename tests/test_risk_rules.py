"""Risk matrix, rating parsing/checking and movement rules (xlplan.schema.risk)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from xlplan.schema.risk import (
    NHS_5X5_BANDS,
    PRESET_BANDS,
    Band,
    Rating,
    RatingError,
    RiskMatrix,
    check_rating,
    matrix_from_config,
    movement,
    parse_movement,
    parse_rating,
    preset,
)

NBSP = "\u00a0"
EM_DASH = "\u2014"

# Seed 003, APPENDIX 4 - RISK AND OPPORTUNITY REGISTER, copied cell for cell:
# (ref, PREVIOUS RESIDUAL RISK RATING, CURRENT RESIDUAL RISK RATING, RAG RATING / MOVEMENT).
SEED_RISKS = [
    ("OCC2", "4 4 16", "4 4 16", f"{EM_DASH} A"),
    ("OCC3", "4 4 16", "4 4 16", f"{EM_DASH} A"),
    ("OCC4", "New", "4 4 16", f"{EM_DASH} A"),
    ("OCC5", "4 3 12", "4 3 12", f"{EM_DASH} A"),
]
SEED_003 = Path(__file__).resolve().parent / "data" / "seeds" / "003_81b3f41a6f14c3ed.txt"


# ------------------------------------------------------------------------------ seed risks

def test_seed_risks_are_copied_exactly():
    """Guard the literals above against the seed itself, when the seed is at hand."""
    if not SEED_003.exists():
        pytest.skip("seed 003 not available")
    rows = [line.split("\t") for line in SEED_003.read_text(encoding="utf-8").splitlines()
            if line.startswith("OCC")]
    assert [(r[0], r[7], r[8], r[9]) for r in rows] == SEED_RISKS


@pytest.mark.parametrize("ref, previous, current, moved", SEED_RISKS)
def test_seed_risks_parse_and_check(ref, previous, current, moved):
    m = RiskMatrix()
    prev, cur = parse_rating(previous), parse_rating(current)
    assert check_rating(prev, m) == []
    assert check_rating(cur, m) == []
    assert parse_movement(moved) == ("Same", "A")
    assert cur.is_new is False and cur.text == current


def test_seed_risk_values():
    ratings = {ref: (parse_rating(p), parse_rating(c)) for ref, p, c, _ in SEED_RISKS}
    assert ratings["OCC2"] == (Rating(4, 4, 16, text="4 4 16"), Rating(4, 4, 16, text="4 4 16"))
    assert ratings["OCC4"][0] == Rating(None, None, None, is_new=True, text="New")
    assert ratings["OCC5"][1] == Rating(4, 3, 12, text="4 3 12")


def test_seed_risk_movements_computed():
    got = {}
    for ref, p, c, _ in SEED_RISKS:
        prev, cur = parse_rating(p), parse_rating(c)
        got[ref] = movement(prev.score, cur.score, previous_is_new=prev.is_new)
    # OCC4 was "New" last time: the computed movement is New, although the seed writes a dash
    # (no change) for it -- a movement-mismatch the validator can report.
    assert got == {"OCC2": "Same", "OCC3": "Same", "OCC4": "New", "OCC5": "Same"}


def test_seed_rag_against_default_bands():
    """The seed marks scores 16 and 12 "A"; on the default NHS bands 12 is Amber but 16 is Red.

    Recorded here so nobody is surprised when seed 003's register raises rag-band-mismatch
    warnings under the built-in default matrix.
    """
    m = RiskMatrix()
    assert m.rag_for(12) == "Amber"
    assert m.rag_for(16) == "Red"


# ------------------------------------------------------------------------------ formats

@pytest.mark.parametrize("text, expected", [
    ("4 4 16", (4, 4, 16)),
    ("4x4=16", (4, 4, 16)),
    ("4X4=16", (4, 4, 16)),
    ("4 x 4 = 16", (4, 4, 16)),
    ("4×4=16", (4, 4, 16)),
    ("L4 I4 16", (4, 4, 16)),
    ("l4 i4 16", (4, 4, 16)),
    ("L4 x I4 = 16", (4, 4, 16)),
    ("L4 I4 S16", (4, 4, 16)),
    ("L4I4", (4, 4, 16)),
    ("4*4", (4, 4, 16)),
    ("4 * 3", (4, 3, 12)),
    ("4x3", (4, 3, 12)),
    ("4,4,16", (4, 4, 16)),
    ("4, 4, 16", (4, 4, 16)),
    ("4/4/16", (4, 4, 16)),
    ("4-3-12", (4, 3, 12)),
    ("Likelihood: 4, Impact: 3, Score: 12", (4, 3, 12)),
    ("16", (None, None, 16)),
    ("16.0", (None, None, 16)),
    (16, (None, None, 16)),
    (16.0, (None, None, 16)),
    (f"{NBSP}4{NBSP}4{NBSP}16{NBSP}", (4, 4, 16)),
    ("  4   4\t16 \n", (4, 4, 16)),
    ("4 4\n16", (4, 4, 16)),
])
def test_parse_rating_formats(text, expected):
    r = parse_rating(text)
    assert (r.likelihood, r.impact, r.score) == expected
    assert r.is_new is False


@pytest.mark.parametrize("text", ["New", "new", "NEW", "new risk", "New Risk", f" New{NBSP}", "New risk."])
def test_parse_rating_new(text):
    r = parse_rating(text)
    assert r.is_new and (r.likelihood, r.impact, r.score) == (None, None, None)


@pytest.mark.parametrize("text", [None, "", "   ", NBSP, f"{NBSP} \n", float("nan")])
def test_parse_rating_blank(text):
    assert parse_rating(text) is None


@pytest.mark.parametrize("text", [
    "high", "4 4 16 A", "4x4x16", "four", "12.5", 12.5, "-4", "4 4 16 20", "New 4 4 16",
    "x4", "=16", True, [4, 4, 16], "N/A",
])
def test_parse_rating_rejects(text):
    with pytest.raises(RatingError) as e:
        parse_rating(text)
    assert str(e.value)  # says something
    assert isinstance(e.value, ValueError)


def test_rating_error_message_is_plain():
    with pytest.raises(RatingError, match=r"cannot read the risk rating 'high'.*'4 4 16'"):
        parse_rating("high")


def test_rating_turned_into_a_date_is_reported_not_guessed():
    with pytest.raises(RatingError, match="turned this risk rating into a date"):
        parse_rating(dt.datetime(2012, 3, 4))


def test_parse_does_not_check():
    # Wrong but clearly typed ratings survive parsing so check_rating can say what is wrong.
    assert parse_rating("9 9 7") == Rating(9, 9, 7, text="9 9 7")
    assert parse_rating("7") == Rating(None, None, 7, text="7")


_SEPARATED = [
    "{l} {i} {s}", "{l}x{i}={s}", "{l} x {i} = {s}", "{l}X{i}={s}", "{l}×{i}={s}", "L{l} I{i} {s}",
    "L{l} x I{i} = {s}", "{l},{i},{s}", "{l}/{i}/{s}", "{l}*{i}", "{l} {i}", "l{l} i{i} s{s}",
    "{l};{i};{s}", "  {l}\u00a0{i}\u00a0{s} ",
]


@given(l=st.integers(1, 5), i=st.integers(1, 5), fmt=st.sampled_from(_SEPARATED))
def test_property_formats_round_trip_5x5(l, i, fmt):
    r = parse_rating(fmt.format(l=l, i=i, s=l * i))
    assert (r.likelihood, r.impact, r.score) == (l, i, l * i)
    assert check_rating(r, RiskMatrix()) == []


@given(size=st.sampled_from([3, 4, 5]), data=st.data(), fmt=st.sampled_from(_SEPARATED))
def test_property_formats_round_trip_presets(size, data, fmt):
    l = data.draw(st.integers(1, size))
    i = data.draw(st.integers(1, size))
    r = parse_rating(fmt.format(l=l, i=i, s=l * i))
    assert (r.likelihood, r.impact, r.score) == (l, i, l * i)
    m = preset(size, data.draw(st.sampled_from([3, 4, 5])))
    assert check_rating(r, m) == []
    assert m.band_for(r.score) is not None


@given(l=st.integers(0, 99), i=st.integers(0, 99), s=st.integers(0, 9999))
def test_property_parse_never_checks(l, i, s):
    assert parse_rating(f"{l} {i} {s}") == Rating(l, i, s, text=f"{l} {i} {s}")


# ------------------------------------------------------------------------------ checking

def test_check_score_mismatch():
    issues = check_rating(parse_rating("4 3 16"), RiskMatrix())
    assert issues == [("score-mismatch", "score 16 is not likelihood 4 x impact 3 = 12")]


def test_check_out_of_range_likelihood():
    issues = check_rating(parse_rating("6 3 18"), RiskMatrix())
    assert issues == [("out-of-range", "likelihood 6 is outside the allowed range 1-5")]


def test_check_out_of_range_both_and_mismatch():
    codes = [c for c, _ in check_rating(parse_rating("0 7 16"), RiskMatrix())]
    assert codes == ["out-of-range", "out-of-range", "score-mismatch"]
    msgs = [m for _, m in check_rating(parse_rating("0 7 16"), RiskMatrix())]
    assert "impact 7" in msgs[1] and "1-5" in msgs[1]


def test_check_impossible_score_alone():
    [(code, msg)] = check_rating(parse_rating("7"), RiskMatrix())
    assert code == "impossible-score"
    assert "score 7" in msg and "1-5" in msg


@pytest.mark.parametrize("score", [7, 11, 13, 14, 17, 18, 19, 21, 22, 23, 24, 26, 30, 0])
def test_check_impossible_scores_5x5(score):
    assert [c for c, _ in check_rating(Rating(None, None, score), RiskMatrix())] == ["impossible-score"]


@pytest.mark.parametrize("score", [1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 20, 25])
def test_check_possible_scores_5x5(score):
    assert check_rating(Rating(None, None, score), RiskMatrix()) == []


def test_check_new_and_blank():
    assert check_rating(parse_rating("New"), RiskMatrix()) == []
    assert check_rating(None, RiskMatrix()) == []


def test_check_uses_the_matrix_scale():
    m = preset(3)
    assert [c for c, _ in check_rating(parse_rating("4 3 12"), m)] == ["out-of-range"]
    assert [c for c, _ in check_rating(parse_rating("12"), m)] == ["impossible-score"]


# ------------------------------------------------------------------------------ matrix and bands

def test_default_matrix_is_nhs_5x5():
    m = RiskMatrix()
    assert m.likelihood == (1, 5) and m.impact == (1, 5) and m.bands == NHS_5X5_BANDS
    assert [(b.name, b.low, b.high, b.rag) for b in m.bands] == [
        ("Low", 1, 3, "Green"), ("Moderate", 4, 6, "Amber/Green"),
        ("High", 8, 12, "Amber"), ("Extreme", 15, 25, "Red")]
    assert NHS_5X5_BANDS[0] == Band("Low", 1, 3, "Green", "00B050")
    assert m.max_score() == 25 and m.min_score() == 1
    assert m.possible_scores() == frozenset({1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 20, 25})


@pytest.mark.parametrize("score, band", [
    (1, "Low"), (3, "Low"), (4, "Moderate"), (6, "Moderate"), (7, "High"), (8, "High"),
    (12, "High"), (13, "Extreme"), (14, "Extreme"), (15, "Extreme"), (25, "Extreme"),
])
def test_band_for_every_edge_and_gap(score, band):
    assert RiskMatrix().band_for(score).name == band


@pytest.mark.parametrize("score", [0, -1, 26, 100, None])
def test_band_for_outside_every_band(score):
    assert RiskMatrix().band_for(score) is None


@pytest.mark.parametrize("key", sorted(PRESET_BANDS))
def test_band_for_at_every_preset_band_edge(key):
    size, count = key
    m = preset(size, count)
    assert len(m.bands) == count
    assert m.bands[0].low == 1 and m.bands[-1].high == size * size
    possible = m.possible_scores()
    for prev, band in zip((None,) + m.bands, m.bands):
        assert m.band_for(band.low) is band and m.band_for(band.high) is band
        assert possible & set(range(band.low, band.high + 1)), f"{band} holds no real score"
        if prev is not None:
            for gap in range(prev.high + 1, band.low):  # gaps go up
                assert m.band_for(gap) is band
    assert m.band_for(0) is None and m.band_for(size * size + 1) is None
    rags = [b.rag for b in m.bands]
    assert rags[0] == "Green" and rags[-1] == "Red"


def test_preset_3x3():
    m = matrix_from_config({"preset": "3x3"})
    assert m.likelihood == (1, 3) and m.impact == (1, 3) and m.max_score() == 9
    assert m.possible_scores() == frozenset({1, 2, 3, 4, 6, 9})
    assert [m.rag_for(s) for s in (1, 2, 3, 4, 6, 9)] == [
        "Green", "Green", "Amber/Green", "Amber/Green", "Amber", "Red"]
    m3 = matrix_from_config({"preset": "3x3", "bands": 3})
    assert [m3.rag_for(s) for s in (1, 2, 3, 4, 6, 9)] == [
        "Green", "Green", "Amber", "Amber", "Red", "Red"]
    assert check_rating(parse_rating("3 3 9"), m) == []
    assert [c for c, _ in check_rating(parse_rating("5"), m)] == ["impossible-score"]


def test_preset_4x4():
    m = matrix_from_config({"size": 4})
    assert m.max_score() == 16
    assert m.possible_scores() == frozenset({1, 2, 3, 4, 6, 8, 9, 12, 16})
    assert [m.band_for(s).name for s in (1, 2, 3, 4, 6, 8, 9, 12, 16)] == [
        "Low", "Low", "Moderate", "Moderate", "High", "High", "High", "Extreme", "Extreme"]
    assert m.band_for(5).name == "High" and m.band_for(10).name == "Extreme"  # gaps go up
    m5 = matrix_from_config({"preset": "4 x 4", "bands": 5})
    assert [b.rag for b in m5.bands] == ["Green", "Amber/Green", "Amber", "Amber/Red", "Red"]
    assert [c for c, _ in check_rating(parse_rating("5 4 20"), m)] == ["out-of-range"]


def test_config_default_and_presets_equal():
    assert matrix_from_config({}) == RiskMatrix()
    assert matrix_from_config(None) == RiskMatrix()
    assert matrix_from_config({"preset": "5x5", "bands": 4}) == preset() == RiskMatrix()
    assert matrix_from_config({"preset": 5, "bands": 3}) == preset(5, 3)
    assert matrix_from_config({"likelihood": [1, 4], "impact": [1, 4]}) == preset(4)


def test_config_explicit_bands_rebuild_the_default():
    cfg = {"likelihood": [1, 5], "impact": [1, 5], "bands": [
        {"name": "Low", "max": 3, "rag": "Green"},
        {"name": "Moderate", "max": 6, "rag": "Yellow"},
        {"name": "High", "max": 12, "rag": "amber"},
        {"name": "Extreme", "max": 25, "rag": "R"},
    ]}
    assert matrix_from_config(cfg) == RiskMatrix()


def test_config_appetite_colour_and_min():
    m = matrix_from_config({"appetite": 12, "bands": [
        {"name": "Tolerable", "max": 9, "rag": "G"},
        {"name": "Watch", "min": 10, "max": 14, "rag": "A/G", "colour": "#ffee00"},
        {"name": "Escalate", "max": 25, "rag": "Red"},
    ]})
    assert m.appetite == 12
    assert m.bands[1] == Band("Watch", 10, 14, "Amber/Green", "FFEE00")
    assert m.bands[2].low == 15
    assert m.above_appetite(15) and not m.above_appetite(12) and not m.above_appetite(None)
    assert not RiskMatrix().above_appetite(25)


def test_config_non_square_matrix():
    m = matrix_from_config({"likelihood": [1, 5], "impact": [1, 4], "bands": [
        {"name": "Low", "max": 4, "rag": "Green"},
        {"name": "Medium", "max": 10, "rag": "Amber"},
        {"name": "High", "max": 20, "rag": "Red"},
    ]})
    assert m.max_score() == 20 and 25 not in m.possible_scores()
    assert [c for c, _ in check_rating(parse_rating("5 5 25"), m)] == ["out-of-range"]


@pytest.mark.parametrize("cfg, message", [
    ({"preset": "6x6"}, "no preset"),
    ({"preset": "4x5"}, "3x3, 4x4 or 5x5"),
    ({"bands": 6}, "no preset"),
    ({"likelihood": [1, 5], "impact": [1, 4]}, "no preset"),
    ({"likelihood": [5, 1]}, "backwards"),
    ({"likelihood": "1-5"}, "two whole numbers"),
    ({"colour": "red"}, "unknown risk setting"),
    ({"appetite": "high"}, "whole number"),
    ({"bands": [{"name": "Low", "max": 3, "rag": "Green"}, {"name": "Rest", "max": 20, "rag": "Red"}]},
     "scores go up to 25"),
    ({"bands": [{"name": "Low", "min": 2, "max": 3, "rag": "Green"}, {"name": "Rest", "max": 25, "rag": "Red"}]},
     "scores start at 1"),
    ({"bands": [{"name": "Low", "max": 6, "rag": "Green"}, {"name": "Rest", "max": 5, "rag": "Red"}]},
     "must be above"),
    ({"bands": [{"name": "Low", "max": 25}]}, "needs a rag"),
    ({"bands": [{"name": "Low", "rag": "Green"}]}, "needs a max"),
    ({"bands": [{"name": "Low", "max": 25, "rag": "Purple"}]}, "no known colour"),
    ({"bands": [{"name": "Low", "max": 25, "rag": "Green", "colour": "greenish"}]}, "six hex digits"),
    ({"bands": []}, "bands must be"),
])
def test_config_errors_are_plain(cfg, message):
    with pytest.raises(ValueError, match=message):
        matrix_from_config(cfg)


def test_matrix_rejects_overlapping_bands():
    with pytest.raises(ValueError, match="overlap"):
        RiskMatrix(bands=(Band("A", 1, 5, "Green", "00B050"), Band("B", 5, 25, "Red", "FF0000")))
    with pytest.raises(ValueError, match="at least one"):
        RiskMatrix(bands=())


def test_matrix_is_hashable_from_lists():
    m = RiskMatrix(likelihood=[1, 5], impact=[1, 5])  # type: ignore[arg-type]
    assert m == RiskMatrix() and hash(m) == hash(RiskMatrix())


# ------------------------------------------------------------------------------ movement

@pytest.mark.parametrize("previous, current, new, expected", [
    (12, 16, False, "Up"),
    (16, 12, False, "Down"),
    (16, 16, False, "Same"),
    (None, 16, True, "New"),
    (12, 16, True, "New"),
    (None, 16, False, ""),
    (16, None, False, ""),
    (None, None, True, ""),
])
def test_movement(previous, current, new, expected):
    assert movement(previous, current, previous_is_new=new) == expected


@pytest.mark.parametrize("text, expected", [
    (f"{EM_DASH} A", ("Same", "A")),
    ("– A", ("Same", "A")),
    ("- A", ("Same", "A")),
    (f"{EM_DASH}A", ("Same", "A")),
    ("↑ R", ("Up", "R")),
    ("↓ G", ("Down", "G")),
    ("▲ Red", ("Up", "Red")),
    ("▼ Green", ("Down", "Green")),
    ("→ A", ("Same", "A")),
    ("Up", ("Up", None)),
    ("up", ("Up", None)),
    ("Down", ("Down", None)),
    ("Same", ("Same", None)),
    ("No change", ("Same", None)),
    ("Unchanged A", ("Same", "A")),
    ("-", ("Same", None)),
    (EM_DASH, ("Same", None)),
    ("New", ("New", None)),
    ("New risk", ("New", None)),
    ("New R", ("New", "R")),
    ("A", (None, "A")),
    ("Amber", (None, "Amber")),
    ("A/G", (None, "A/G")),
    ("A-G", (None, "A-G")),
    ("A ↑", ("Up", "A")),
    ("R up", ("Up", "R")),
    ("↑ (R)", ("Up", "R")),
    ("Up / R", ("Up", "R")),
    (f"{NBSP}{EM_DASH}{NBSP}A{NBSP}", ("Same", "A")),
    ("", (None, None)),
    ("  ", (None, None)),
    (None, (None, None)),
    (float("nan"), (None, None)),
])
def test_parse_movement(text, expected):
    assert parse_movement(text) == expected


def test_parse_movement_rag_word_starting_like_a_movement_word():
    # "Newish" / "Upper" are not movement words: the whole text is the (unknown) RAG.
    assert parse_movement("Upper") == (None, "Upper")
    assert parse_movement("Newish") == (None, "Newish")
