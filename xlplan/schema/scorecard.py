"""Performance scorecard rules: reading indicator values and polarity, trend and benchmark RAG.

Why this module exists
----------------------
Seed 003 (Appendix 3, "Integrated Commissioning Scorecard") reports each indicator with a
measure, a benchmark, a series of values ("First Value of Graph" ... "Last Value of Graph") and a
polarity written in words ("High is good" / "Low is good"). Two colour rules come with it:

* "4. COLOUR SCHEME - TREND COLUMN (RAG)": dark green / green / amber / red / dark red from how
  the latest values move (:func:`trend_rag`);
* "2. COLOUR SCHEME - BENCHMARK COLUMN": green / amber / red from how the latest value compares
  with England's average, using a 15% margin (:func:`benchmark_rag`).

Values arrive as typed ("84.36%", "1,387", "0.36", "N/A"), so :func:`parse_measure_value` and
:func:`parse_polarity` turn them into numbers and a direction first. Everything here is a pure
function of its arguments; the reader, the validator and the Scorecard sheet writer call them.

Exact thresholds
----------------
The thresholds (2.5%, 15%) are compared in decimal arithmetic on the values rounded to 12
significant figures (``1.15 - 1.0`` is exactly 0.15, not 0.1499999...; ``84.36 * 0.975``
computed in a spreadsheet is 82.251), so a value sitting exactly on a threshold is judged the
way a person with a calculator would judge it, not by binary rounding noise.
"""
from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Sequence

__all__ = [
    "STATUS_WORDS",
    "SUB_HEADER_ROLES",
    "INDICATOR_WORDS",
    "SECTION_WORDS",
    "SECTION_NAMES",
    "FOOTNOTE",
    "status_rag",
    "sub_header_role",
    "parse_measure_value",
    "parse_polarity",
    "parse_target",
    "TARGET_COMPARATORS",
    "TREND_RAGS",
    "BENCHMARK_RAGS",
    "trend_rag",
    "benchmark_rag",
]

#: Trend RAG values, best first (seed 003 section 4).
TREND_RAGS = ("Dark Green", "Green", "Amber", "Red", "Dark Red")
#: Benchmark RAG values (seed 003 section 2); ``None`` is the seed's "white / N/A".
BENCHMARK_RAGS = ("Green", "Amber", "Red")

# ------------------------------------------------------------------------------ layouts as data
# How scorecards that do not follow the seed's layout say what is what. KPI trackers, balanced
# scorecards and performance extracts each have their own words; these tables are what the
# reader (:mod:`xlplan.locate.scorecards`) compares folded header text against.

#: The status a scorecard gives a KPI against its target (a three-colour traffic light, where
#: "Yellow" is the middle colour, i.e. Amber) -> the RAG it is reported under. Compared folded
#: (lower case, punctuation as spaces).
STATUS_WORDS: dict[str, str] = {
    "green": "Green", "g": "Green", "on track": "Green", "on target": "Green", "met": "Green",
    "achieved": "Green", "target met": "Green", "above target": "Green", "good": "Green",
    "yellow": "Amber", "y": "Amber", "amber": "Amber", "a": "Amber", "orange": "Amber",
    "at risk": "Amber", "near target": "Amber", "close to target": "Amber", "watch": "Amber",
    "caution": "Amber",
    "red": "Red", "r": "Red", "off track": "Red", "off target": "Red", "not met": "Red",
    "missed": "Red", "below target": "Red", "behind": "Red", "poor": "Red",
}

#: Sub-headers under a period banner ("Q1" over Goal / Fcst / Actual) -> what the column holds.
SUB_HEADER_ROLES: dict[str, tuple[str, ...]] = {
    "actual": ("actual", "actuals", "act", "value", "result", "outturn", "achieved", "performance",
               "a"),
    "target": ("goal", "target", "tgt", "plan", "budget", "trajectory", "t"),
    "forecast": ("fcst", "forecast", "fcast", "fc", "projected", "projection", "outlook", "f"),
    "rag": ("status", "rag", "rag status", "rating", "s"),
}

#: Words that make a header cell the indicator column when no alias names it ("Key Business
#: Metrics", "Performance Measure", "KPIs"), best first: in a balanced scorecard's "Objective |
#: Measure | Target" the Measure is the KPI and the Objective what it serves.
INDICATOR_WORDS: dict[str, int] = {
    "kpi": 0, "kpis": 0, "metric": 0, "metrics": 0, "indicator": 0, "indicators": 0,
    "key result": 0, "key results": 0, "measure": 1, "measures": 1, "objective": 2,
    "objectives": 2}

#: Last words of a section heading inside a scorecard ("Operating Metrics", "Customer
#: Perspective", "Financial Measures"): such a one-cell row heads a group, it is not a KPI.
SECTION_WORDS: frozenset[str] = frozenset({
    "metrics", "measures", "indicators", "kpis", "perspective", "perspectives", "section",
    "domain", "area", "theme", "results", "outcomes", "objectives"})
#: Section headings a balanced scorecard uses without such a word: its four perspectives
#: (compared folded: lower case, "&" as "and", punctuation as spaces).
SECTION_NAMES: frozenset[str] = frozenset({
    "financial", "finance", "customer", "customers", "internal process", "internal processes",
    "internal business process", "internal business processes", "learning and growth",
    "learning growth", "people and learning", "stakeholder", "stakeholders"})

#: A one-cell row that explains the table rather than being part of it.
FOOTNOTE = re.compile(
    r"^(?:\*|\u2020|\u2021|\(\d+\)|\[\d+\]|\d+\)|notes?\b|nb\b|source|sources|key\s*:|"
    r"legend|definitions?\b|status (?:rules|conditions|key)|rag (?:rules|key|definitions)|"
    r"\$|all figures|figures in|data as at|\d+ (?:rows?|records?|items?|lines?)\s*$|"
    r"end of (?:report|table|extract)|page \d+)", re.IGNORECASE)


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def status_rag(text: object) -> str | None:
    """The RAG a status cell gives ("Green", "Yellow" -> "Amber", "Off track" -> "Red"), or
    None for anything else (a workflow word, a number, a blank)."""
    if not isinstance(text, str):
        return None
    return STATUS_WORDS.get(_fold(text))


_ROLE_OF = {word: role for role, words in SUB_HEADER_ROLES.items() for word in words}


def sub_header_role(text: object, *, short: bool = True) -> str | None:
    """What a sub-header under a period banner holds: "actual", "target", "forecast", "rag";
    None when it is none of them. One-letter forms ("A", "T") only when ``short``."""
    if not isinstance(text, str):
        return None
    key = _fold(text)
    if not short and len(key) < 2:
        return None
    return _ROLE_OF.get(key)


_SPACES = re.compile(r"[\s\u00a0\u2007\u202f\u200b\ufeff]+")
# Cell texts that mean "no value" rather than a bad value. "N/A" and "-" are the seed's; ".."
# is the ONS/PHOF "not available" marker; the others are how people leave a cell pending.
_MISSING = {"", "n/a", "na", "n.a.", "n.a", "-", "–", "—", "..", "tbc", "tba", "no data",
            "not available"}
_NUMBER = re.compile(
    r"(?P<sign>[-+−]?)\s*[£$€]?\s*"
    r"(?P<num>(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?)"
    r"\s*(?P<pct>%?)"
)


def parse_measure_value(text: str | float | int | None) -> float | None:
    """One indicator value as a float; ``None`` when the cell says there is no value.

    ``"84.36%"`` -> 84.36 (a typed percentage stays in percentage points, as the seed's graphs
    plot it), ``"1,387"`` -> 1387.0 (thousands separators only in groups of three, so a
    European ``"0,36"`` is refused rather than misread as 36), ``"0.36"`` -> 0.36,
    ``" 81.3% "`` -> 81.3, ``"−5"`` (Unicode minus) -> -5.0, ``"£1,200"`` -> 1200.0,
    ``"1.2E-05"`` (Excel's scientific format, exported as text) -> 1.2e-05.
    ``None``, NaN, ``""``, ``"N/A"``, ``"-"``, ``".."``, ``"TBC"`` -> ``None``.
    Text that is not a number (``"22.7/100,000"``, ``"high"``) raises ``ValueError`` with the
    text in the message, so the caller can report ``bad-value`` at the cell instead of
    silently dropping a point from the trend.
    """
    if text is None:
        return None
    if isinstance(text, bool):
        raise ValueError(f"{text!r} is not a number")
    if isinstance(text, (int, float)):
        value = float(text)
        if math.isnan(value):
            return None
        if math.isinf(value):
            raise ValueError(f"{text!r} is not a finite number")
        return value
    cleaned = _SPACES.sub(" ", str(text)).strip()
    if cleaned.lower() in _MISSING:
        return None
    m = _NUMBER.fullmatch(cleaned)
    if not m:
        raise ValueError(f"'{cleaned}' is not a number")
    value = float(m.group("num").replace(",", ""))
    return -value if m.group("sign") in ("-", "−") else value


_POLARITY = re.compile(
    r"\b(?P<dir>high(?:er)?|low(?:er)?|up|down|increase|decrease)\s*(?:is|=|:|-)?\s*(?:good|better)\b",
    re.I,
)


def parse_polarity(text: object) -> str | None:
    """``"high"`` or ``"low"`` from the seed's "High is good" / "Low is good"; else ``None``.

    Tolerates case, padding, non-breaking spaces and the common variants ("Higher is better",
    "low = good", "HIGH IS GOOD"), also inside a longer comment cell (the seed keeps polarity in
    its "Comments" column). A text that says both, or neither, gives ``None``: guessing the
    direction would colour the trend the wrong way round.
    """
    if text is None or not isinstance(text, str):
        return None
    found = {("high" if m.group("dir").lower() in ("high", "higher", "up", "increase") else "low")
             for m in _POLARITY.finditer(_SPACES.sub(" ", text))}
    return found.pop() if len(found) == 1 else None


#: Signs and words a target opens with that say which way is good: "< 8%", "no more than 5"
#: (low is good); ">= 90%", "at least 85%" (high is good). Longest first, so "<=" is not "<".
TARGET_COMPARATORS: tuple[tuple[str, str], ...] = (
    ("no more than", "low"), ("not more than", "low"), ("no greater than", "low"),
    ("less than", "low"), ("fewer than", "low"), ("at most", "low"), ("maximum", "low"),
    ("up to", "low"), ("under", "low"), ("below", "low"), ("max", "low"),
    ("<=", "low"), ("=<", "low"), ("\u2264", "low"), ("<", "low"),
    ("no less than", "high"), ("not less than", "high"), ("no fewer than", "high"),
    ("greater than", "high"), ("more than", "high"), ("at least", "high"),
    ("minimum", "high"), ("above", "high"), ("over", "high"), ("min", "high"),
    (">=", "high"), ("=>", "high"), ("\u2265", "high"), (">", "high"),
)
_TARGET = re.compile(
    r"(?P<op>" + "|".join(re.escape(op) + (r"\b" if op[-1].isalpha() else "")
                          for op, _ in TARGET_COMPARATORS) + r")\s*[:.]?\s*(?P<num>.*)",
    re.I)


def parse_target(text: object) -> tuple[str | None, float | None]:
    """(the polarity a target's comparator states, the target's number) for a target written
    with one: ``"< 8%"`` -> ("low", 8.0), ``"at least 85%"`` -> ("high", 85.0),
    ``"Max 5"`` -> ("low", 5.0). ``(None, None)`` for anything else (a plain number is read by
    :func:`parse_measure_value`; a comparator before something that is not a number says
    nothing, so nothing is taken from it)."""
    if not isinstance(text, str):
        return None, None
    m = _TARGET.fullmatch(_SPACES.sub(" ", text).strip())
    if not m:
        return None, None
    try:
        number = parse_measure_value(m.group("num"))
    except ValueError:
        return None, None
    if number is None:
        return None, None
    polarity = dict(TARGET_COMPARATORS)[m.group("op").lower()]
    return polarity, number


def _direction(polarity: str) -> int:
    """+1 when a rising value is good, -1 when a falling one is; ValueError otherwise."""
    p = polarity.strip().lower() if isinstance(polarity, str) else ""
    if p not in ("high", "low"):
        p = parse_polarity(polarity) or ""
    if p == "high":
        return 1
    if p == "low":
        return -1
    raise ValueError(f"polarity must be 'high' or 'low' (or 'High is good' / 'Low is good'), not {polarity!r}")


def _dec(x: float | int) -> Decimal:
    """The decimal a person typed (or Excel computed), to 12 significant figures.

    ``float`` arithmetic leaves noise in the 16th-17th digit (``84.36 * 0.975`` is
    ``82.25099999999999``); rounding to 12 significant figures -- fewer than the 15 Excel
    shows, more than any scorecard needs -- puts such values back on the threshold they sit on.
    """
    return Decimal(format(float(x), ".12g"))


def _known(values: Sequence[float | None]) -> list[Decimal]:
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        out.append(_dec(v))
    return out


def trend_rag(values: Sequence[float | None], polarity: str, tolerance: float = 0.025) -> str | None:
    """The seed's trend RAG for a series of values, oldest first; ``None`` without trend data.

    Seed 003, "COLOUR SCHEME - TREND COLUMN (RAG)":

    * dark green -- "the latest 3 values are improving";
    * green -- "the latest 1 or 2 values are improving";
    * amber -- "the latest value is between plus and minus 2.5% of the previous value";
    * red / dark red -- the mirror images, "deteriorating";
    * not highlighted -- "no trend data".

    The precise reading, and why:

    1. **Gaps.** ``None`` (and NaN) values are dropped and the known values are taken in order:
       a missing quarter does not break a trend, it just is not a point on it.
    2. **No trend data.** Fewer than two known values -> ``None``.
    3. **Amber first.** The latest value is amber when ``|latest - previous| <= tolerance x
       |previous|`` -- relative to the previous value, as the seed says ("2.5% *of the previous
       value*"), and *inclusive*, because "between plus and minus 2.5%" includes its ends. With
       a previous value of 0 the band has zero width: an unchanged 0 is amber, any move away from
       0 counts as a real move (there is no percentage of zero to be "within"). Amber applies
       whatever the polarity.
    4. **A value "is improving"** when it is better than the value before it by *more* than the
       tolerance (up for ``"high"``, down for ``"low"``); "deteriorating" likewise the other
       way; a move within the tolerance is neither. The same definition is used for every value
       in the run, not only the latest, so that one rule of "no real change" runs through the
       whole colour scheme (100 -> 110 -> 111 -> 130 is one improving value after a flat one:
       green, not dark green).
    5. **Counting values.** The seed counts *values* that improve, and says "the latest 1 or 2
       values": a single value can only improve on the one before it, so "N values improving"
       means N consecutive improving changes ending at the latest value. Dark green therefore
       needs the latest 3 changes to improve (4 known values); with 2 or 3 known values the best
       possible colour is green. The other reading -- "3 values" as 3 points, i.e. 2 changes --
       would make "the latest 1 value is improving" meaningless, so it is rejected.
    6. Green / red when the run of improving / deteriorating changes ending at the latest value
       is 1 or 2 long; dark green / dark red when it is 3 or more.

    ``polarity`` is ``"high"`` / ``"low"`` (the seed's words are accepted too); anything else
    raises ``ValueError``, since without a direction the colour would be a guess.
    """
    direction = _direction(polarity)
    series = _known(values)
    if len(series) < 2:
        return None
    tol = _dec(tolerance)

    def move(prev: Decimal, cur: Decimal) -> int:
        """+1 improving, -1 deteriorating, 0 within tolerance."""
        diff = cur - prev
        if abs(diff) <= tol * abs(prev):
            return 0
        return direction if diff > 0 else -direction

    latest = move(series[-2], series[-1])
    if latest == 0:
        return "Amber"
    run = 1
    for i in range(len(series) - 2, 0, -1):
        if run >= 3 or move(series[i - 1], series[i]) != latest:
            break
        run += 1
    if latest > 0:
        return "Dark Green" if run >= 3 else "Green"
    return "Dark Red" if run >= 3 else "Red"


def benchmark_rag(value: float | None, comparator: float | None, polarity: str,
                  margin: float = 0.15) -> str | None:
    """The seed's benchmark RAG: the value against England's average; ``None`` without data.

    Seed 003, "COLOUR SCHEME - BENCHMARK COLUMN", for indicators without a significance test:
    green "15% better than England's average", amber "within 15%", red "15% worse", white when
    local or national data is missing (``None`` here).

    The 15% is relative to the comparator (``margin x |comparator|``), and "better" follows the
    polarity (higher for ``"high"``, lower for ``"low"``). At *exactly* 15% the value is
    green / red, not amber: "15% better" is met by a value that is 15% better, and amber is
    "within" the margin, i.e. strictly inside it. (Contrast the trend's amber, whose "between
    plus and minus 2.5%" includes its ends.) A comparator of 0 leaves no margin: equal is amber,
    anything else green or red. Indicators that come with a significance test (PHOF, the CYP
    benchmarking tool) carry their own colour from the source and do not use this function.
    """
    direction = _direction(polarity)
    if value is None or comparator is None:
        return None
    if (isinstance(value, float) and math.isnan(value)) or (isinstance(comparator, float) and math.isnan(comparator)):
        return None
    v, c = _dec(value), _dec(comparator)
    diff = (v - c) * direction  # > 0: better than the comparator
    if abs(diff) < _dec(margin) * abs(c):
        return "Amber"
    if diff > 0:
        return "Green"
    if diff < 0:
        return "Red"
    return "Amber"  # equal to a zero comparator
