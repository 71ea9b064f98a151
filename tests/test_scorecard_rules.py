"""Scorecard rules (xlplan.schema.scorecard): values, polarity, trend RAG and benchmark RAG.

The indicator values are seed 003's (Appendix 3 scorecard tables, sections 6-9): the "First
Value of Graph" and "Last Value of Graph" columns as typed, with the polarity from "Comments".
"""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from xlplan.schema.scorecard import (
    TREND_RAGS,
    benchmark_rag,
    parse_measure_value,
    parse_polarity,
    parse_target,
    trend_rag,
)

NBSP = "\u00a0"

# (indicator, first value, last value, polarity text, expected trend RAG over those two values)
SEED_INDICATORS = [
    ("CCGOF Referral to Treatment waiting times", "84.8%", "81.3%", "High is good", "Red"),      # -4.1%
    ("NHSOF Estimated diagnosis rates for Dementia", "59.6%", "60.1%", "High is good", "Amber"),  # +0.8%
    ("In hospital Falls with harm", "0.24", "0.36", "Low is good", "Red"),                       # +50%
    ("Re-referrals", "33.5", "28.2", "Low is good", "Green"),
    ("Children subject to a Child Protection plan", "371", "338", "Low is good", "Green"),
    ("Number of Children in Care", "406", "411", "Low is good", "Amber"),                        # +1.2%
    ("Number of Children in Care - Residential", "27.0", "39.0", "Low is good", "Red"),
    ("Timing of Children's Single Assessments", "94.9", "70.6", "High is good", "Red"),
    ("Households prevented from becoming homeless", "299", "175", "High is good", "Red"),
    ("Average number of households in B&B per month", "32.0", "57.0", "Low is good", "Red"),
    ("Still at home 91 days after discharge", "88.0", "84.0", "High is good", "Red"),           # -4.5%
    ("IAPT Monthly Access rate", "1.17", "0.90", "High is good", "Red"),
    ("IAPT Recovery rate", "35.80", "47.40", "High is good", "Green"),
    ("A&E four hour wait", "84.36%", "79.29%", "High is good", "Red"),                          # -6.0%
    ("Emergency Admissions to hospital (over 65s)", "1,387", "1,371", "Low is good", "Amber"),  # -1.2%
    ("Discharges at weekends and bank holidays", "18.22%", "19.09%", "High is good", "Green"),  # +4.8%
    ("Delayed transfers of care per 100,000", "16.4", "22.7", "Low is good", "Red"),
    ("Delayed transfers attributable to ASC", "7.9", "11.9", "Low is good", "Red"),
    ("People helped to live in their own home", "59", "77", "High is good", "Green"),
    ("Admissions to care homes (65+)", "125.9", "116.7", "Low is good", "Green"),               # -7.3%
    ("Admissions to care homes (18-64)", "1.8", "2.4", "Low is good", "Red"),
    ("CQC providers rated good or outstanding", "84.0", "73.0", "High is good", "Red"),
]


# ------------------------------------------------------------------------------ values

@pytest.mark.parametrize("text, expected", [
    ("84.36%", 84.36),
    ("1,387", 1387.0),
    ("0.36", 0.36),
    (" 81.3% ", 81.3),
    (f"{NBSP}81.3%{NBSP}", 81.3),
    ("81.3 %", 81.3),
    ("27.0", 27.0),
    ("1,234,567.5", 1234567.5),
    ("-2.5", -2.5),
    ("\u22122.5", -2.5),  # U+2212 MINUS SIGN, as Word and some exports write it
    ("+3", 3.0),
    (".5", 0.5),
    ("£1,200", 1200.0),
    ("1.2E-05", 1.2e-05),
    (406, 406.0),
    (0.8436, 0.8436),
    (0, 0.0),
    ("N/A", None),
    ("n/a", None),
    ("NA", None),
    ("-", None),
    ("–", None),
    ("", None),
    ("   ", None),
    ("..", None),
    ("TBC", None),
    (None, None),
    (float("nan"), None),
])
def test_parse_measure_value(text, expected):
    got = parse_measure_value(text)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected) and isinstance(got, float)


@pytest.mark.parametrize("text", [
    "high", "22.7/100,000", "0,36", "1,38", "12.3.4", "84.36%%", "abc", "1 387", True, float("inf"),
])
def test_parse_measure_value_rejects(text):
    with pytest.raises(ValueError):
        parse_measure_value(text)


@pytest.mark.parametrize("_name, first, last, _pol, _rag", SEED_INDICATORS)
def test_every_seed_value_parses(_name, first, last, _pol, _rag):
    assert isinstance(parse_measure_value(first), float)
    assert isinstance(parse_measure_value(last), float)


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(lambda x: round(x, 4)))
def test_property_value_text_round_trip(x):
    assert parse_measure_value(repr(x)) == x
    assert parse_measure_value(f"{x:e}") == float(f"{x:e}")
    assert parse_measure_value(f"{x}%") == x
    if x >= 0:
        assert parse_measure_value(f"{x:,}") == x


# ------------------------------------------------------------------------------ polarity

@pytest.mark.parametrize("text, expected", [
    ("High is good", "high"),
    ("Low is good", "low"),
    ("high is good", "high"),
    ("LOW IS GOOD", "low"),
    ("  High   is\u00a0good ", "high"),
    ("Higher is better", "high"),
    ("Lower is better", "low"),
    ("low = good", "low"),
    ("High good", "high"),
    ("High is good. Target 95%", "high"),
    ("High is good / Low is good", None),
    ("Good", None),
    ("", None),
    (None, None),
    (1.0, None),
    ("Highlighted in red", None),
])
def test_parse_polarity(text, expected):
    assert parse_polarity(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("< 8%", ("low", 8.0)),
    ("<=5", ("low", 5.0)),
    ("\u2264 5", ("low", 5.0)),
    ("Max 5", ("low", 5.0)),
    ("Maximum: 12", ("low", 12.0)),
    ("no more than 3.5%", ("low", 3.5)),
    (">= 90%", ("high", 90.0)),
    (">95%", ("high", 95.0)),
    ("at least 85%", ("high", 85.0)),
    ("Min 90%", ("high", 90.0)),
    ("over 1,000", ("high", 1000.0)),
    # no comparator, or one before something that is not a number: nothing is taken
    ("8%", (None, None)),
    ("< TBC", (None, None)),
    ("under 18 weeks", (None, None)),
    ("minimal", (None, None)),
    ("Maxwell 5", (None, None)),
    (95.0, (None, None)),
    (None, (None, None)),
])
def test_parse_target(text, expected):
    assert parse_target(text) == expected


# ------------------------------------------------------------------------------ trend: seed values

@pytest.mark.parametrize("name, first, last, polarity, expected", SEED_INDICATORS)
def test_trend_rag_seed_indicators(name, first, last, polarity, expected):
    values = [parse_measure_value(first), parse_measure_value(last)]
    assert trend_rag(values, parse_polarity(polarity)) == expected
    # the seed's own words work as the polarity too
    assert trend_rag(values, polarity) == expected


def test_trend_named_seed_examples():
    assert trend_rag([84.36, 79.29], "high") == "Red"        # A&E four hour wait
    assert trend_rag([1387, 1371], "low") == "Amber"         # emergency admissions over 65s
    assert trend_rag([0.24, 0.36], "low") == "Red"           # in hospital falls with harm
    assert trend_rag([406, 411], "low") == "Amber"           # children in care
    # the same changes with the opposite polarity
    assert trend_rag([84.36, 79.29], "low") == "Green"
    assert trend_rag([0.24, 0.36], "high") == "Green"
    assert trend_rag([1387, 1371], "high") == "Amber"        # amber ignores polarity


# ------------------------------------------------------------------------------ trend: rules

def test_trend_values_are_the_trend_rag_scale():
    assert TREND_RAGS == ("Dark Green", "Green", "Amber", "Red", "Dark Red")


@pytest.mark.parametrize("values", [[], [84.36], [None], [None, 79.29, None], [float("nan"), 5.0]])
def test_trend_without_trend_data(values):
    assert trend_rag(values, "high") is None


@pytest.mark.parametrize("polarity, values, expected", [
    # dark green: the latest 3 values each improve on the one before (4 values)
    ("high", [100, 110, 121, 133.1], "Dark Green"),
    ("low", [133.1, 121, 110, 100], "Dark Green"),
    ("high", [50, 100, 110, 121, 133.1], "Dark Green"),       # longer runs stay dark green
    ("high", [200, 100, 110, 121, 133.1], "Dark Green"),      # only the latest 3 matter
    # green: the latest 1 or 2 values improve
    ("high", [100, 110], "Green"),
    ("high", [100, 110, 121], "Green"),                       # 3 values = 2 improving values
    ("high", [130, 100, 110, 121], "Green"),                  # run of 2 after a fall
    ("high", [100, 110, 100, 110], "Green"),
    ("low", [121, 110, 100], "Green"),
    # red / dark red mirror
    ("high", [133.1, 121, 110, 100], "Dark Red"),
    ("low", [100, 110, 121, 133.1], "Dark Red"),
    ("high", [110, 100], "Red"),
    ("high", [121, 110, 100], "Red"),
    ("low", [80, 100, 110, 121], "Dark Red"),
    ("low", [130, 100, 110, 121], "Red"),
    # amber: the latest within +/-2.5% of the previous, whatever came before
    ("high", [100, 110, 121, 122], "Amber"),
    ("low", [133.1, 121, 110, 111], "Amber"),
    ("high", [100, 100], "Amber"),
])
def test_trend_rules(polarity, values, expected):
    assert trend_rag(values, polarity) == expected


def test_trend_flat_step_breaks_the_run():
    # 110 -> 111 (+0.9%) is not an improving value, so only the latest value improves.
    assert trend_rag([100, 110, 111, 130], "high") == "Green"
    assert trend_rag([100, 110, 111, 130], "low") == "Red"
    # a step of exactly 0 likewise
    assert trend_rag([100, 110, 110, 130], "high") == "Green"


def test_trend_ignores_none_gaps():
    assert trend_rag([100, None, 110, None, 121, 133.1], "high") == "Dark Green"
    assert trend_rag([None, 84.36, None, 79.29, None], "high") == "Red"
    assert trend_rag([1387, None, 1371], "low") == "Amber"
    assert trend_rag([100, float("nan"), 110], "high") == "Green"


@pytest.mark.parametrize("polarity", ["high", "low"])
@pytest.mark.parametrize("previous, latest", [
    (100, 102.5), (100, 97.5),            # exactly +/-2.5%
    (84.36, 86.469), (84.36, 82.251),     # A&E value +/- 2.5% as typed
    (84.36, 84.36 * 1.025), (84.36, 84.36 * 0.975),  # ... and as computed in binary
    (406, 416.15), (406, 395.85),         # 406 +/- 10.15
    (0.4, 0.41), (0.4, 0.39),
    (-200, -205), (-200, -195),           # negative values: 2.5% of |previous|
])
def test_trend_exactly_two_and_a_half_percent_is_amber(polarity, previous, latest):
    assert trend_rag([previous, latest], polarity) == "Amber"


@pytest.mark.parametrize("previous, latest, high, low", [
    (100, 102.51, "Green", "Red"),
    (100, 97.49, "Red", "Green"),
    (406, 416.16, "Green", "Red"),
    (406, 395.84, "Red", "Green"),
    (0.4, 0.4101, "Green", "Red"),
    (-200, -205.01, "Red", "Green"),
])
def test_trend_just_beyond_two_and_a_half_percent(previous, latest, high, low):
    assert trend_rag([previous, latest], "high") == high
    assert trend_rag([previous, latest], "low") == low


def test_trend_previous_zero():
    # 2.5% of 0 is 0: only an unchanged 0 is amber; any move is a real move.
    assert trend_rag([0, 0], "high") == "Amber"
    assert trend_rag([0, 0.01], "high") == "Green"
    assert trend_rag([0, 0.01], "low") == "Red"
    assert trend_rag([0, -1], "high") == "Red"
    assert trend_rag([5, 0], "low") == "Green"               # falling to 0 is judged against 5
    assert trend_rag([-3, 0, 3, 6], "high") == "Dark Green"


def test_trend_custom_tolerance():
    assert trend_rag([100, 104], "high") == "Green"
    assert trend_rag([100, 104], "high", tolerance=0.05) == "Amber"
    assert trend_rag([100, 105], "high", tolerance=0.05) == "Amber"
    assert trend_rag([100, 101], "high", tolerance=0) == "Green"


@pytest.mark.parametrize("polarity", ["", "up", "sideways", None])
def test_trend_needs_a_polarity(polarity):
    with pytest.raises(ValueError, match="polarity"):
        trend_rag([1, 2], polarity)


@given(st.lists(st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False)), max_size=8),
       st.sampled_from(["high", "low"]))
def test_property_trend_is_mirror_image(values, polarity):
    other = "low" if polarity == "high" else "high"
    mirror = {None: None, "Amber": "Amber", "Green": "Red", "Red": "Green",
              "Dark Green": "Dark Red", "Dark Red": "Dark Green"}
    got = trend_rag(values, polarity)
    assert got in TREND_RAGS or got is None
    assert trend_rag(values, other) == mirror[got]
    known = [v for v in values if v is not None]
    assert (got is None) == (len(known) < 2)
    if got in ("Dark Green", "Dark Red"):
        assert len(known) >= 4


# ------------------------------------------------------------------------------ benchmark

@pytest.mark.parametrize("value, comparator, polarity, expected", [
    (115, 100, "high", "Green"),     # exactly 15% better
    (85, 100, "high", "Red"),        # exactly 15% worse
    (85, 100, "low", "Green"),
    (115, 100, "low", "Red"),
    (114.99, 100, "high", "Amber"),  # just within
    (85.01, 100, "high", "Amber"),
    (115.01, 100, "high", "Green"),
    (84.99, 100, "low", "Green"),
    (100, 100, "high", "Amber"),
    (84.36, 73.356521739130, "high", "Green"),
    (0.36, 0.3, "low", "Red"),       # 20% above, low is good
    (1.15, 1.0, "high", "Green"),    # 1.15 - 1.0 is 0.1499999... in binary; exactly 15% here
    (0.85, 1.0, "high", "Red"),
    (-115, -100, "low", "Green"),    # 15% of |comparator|
    (0, 0, "high", "Amber"),
    (1, 0, "high", "Green"),
    (-1, 0, "high", "Red"),
    (84.36, 80, "High is good", "Amber"),
])
def test_benchmark_rag(value, comparator, polarity, expected):
    assert benchmark_rag(value, comparator, polarity) == expected


@pytest.mark.parametrize("value, comparator", [(None, 100), (100, None), (None, None),
                                               (float("nan"), 100), (100, float("nan"))])
def test_benchmark_without_data(value, comparator):
    assert benchmark_rag(value, comparator, "high") is None


def test_benchmark_custom_margin_and_bad_polarity():
    assert benchmark_rag(110, 100, "high", margin=0.10) == "Green"
    assert benchmark_rag(109, 100, "high", margin=0.10) == "Amber"
    with pytest.raises(ValueError, match="polarity"):
        benchmark_rag(110, 100, "better")


@given(st.floats(-1e6, 1e6, allow_nan=False), st.floats(-1e6, 1e6, allow_nan=False))
def test_property_benchmark_mirror(value, comparator):
    a, b = benchmark_rag(value, comparator, "high"), benchmark_rag(value, comparator, "low")
    assert {a, b} in ({"Amber"}, {"Green", "Red"})
