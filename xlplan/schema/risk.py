"""Risk ratings: the likelihood x impact matrix, its score bands, and reading one-cell ratings.

Why this module exists
----------------------
SROs keep risk registers in Excel, and the ratings in them are typed by hand. Seed 003 (People
Directorate Risk and Opportunity Register) writes a whole rating in one cell as ``4 4 16``
(likelihood, impact, score), writes ``New`` where a risk has no previous rating, and writes the
movement and RAG together as ``— A``. Other registers write ``4x4=16``, ``L4 I4 16`` or the score
alone. Finance then reads the scores, so a wrong product or an impossible score must be caught.

The rules are kept as data (:class:`Band`, :class:`RiskMatrix`, the presets) plus small pure
functions, and *reading* is kept apart from *checking*:

* :func:`parse_rating` only turns what was typed into numbers (or raises :class:`RatingError`
  when it cannot). It never judges ranges or products, so a rating that reads fine but is wrong
  (``4 3 16``) survives parsing and can be reported with its cell address and its exact values.
* :func:`check_rating` judges a parsed rating against a :class:`RiskMatrix` and returns the
  issue codes of the public contract (``out-of-range``, ``score-mismatch``,
  ``impossible-score``) with a message a non-programmer understands.
* :func:`effective_score` is the one score of a rating (likelihood x impact, else the score
  written alone); :func:`movement` and :func:`parse_movement` compute and read the "movement in
  risk score" column.

Nothing here touches Excel; the readers and the validator call these functions.
"""
from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import dataclass
from functools import cached_property

from ..catalogue import message
from .rag import LEVEL_FILL

__all__ = [
    "Band",
    "RiskMatrix",
    "NHS_5X5_BANDS",
    "PRESET_BANDS",
    "RAG_COLOURS",
    "preset",
    "matrix_from_config",
    "Rating",
    "RatingError",
    "parse_rating",
    "check_rating",
    "whole_number",
    "effective_score",
    "movement",
    "parse_movement",
    "MOVEMENTS",
    "RATING_WORDS",
    "PROBABILITY_STEPS",
    "REFS_SCOPES",
    "WordRatings",
    "Qualitative",
    "ratings_from_config",
    "refs_scope",
    "RAID_KINDS",
    "RATED_KINDS",
    "raid_kind",
    "sheet_raid_kind",
    "GUIDANCE_SHEET_WORDS",
    "guidance_sheet_name",
]

# --------------------------------------------------------------------------------------------
# Bands and the matrix
# --------------------------------------------------------------------------------------------

#: Fill colour (RRGGBB) for each canonical RAG value, so a band configured with only a RAG
#: gets a colour: the level's own (:data:`xlplan.schema.rag.LEVEL_FILL`), so that a level looks
#: the same for a risk as for an action, on the Risks sheet, the Heatmap and the Dashboard.
RAG_COLOURS: dict[str, str] = dict(LEVEL_FILL)

# Spellings a programme's TOML may use for a band's RAG, mapped to the canonical value. Keys
# are lower-case with everything but letters removed ("Amber-Green" -> "ambergreen").
_RAG_ALIASES: dict[str, str] = {
    "g": "Green", "green": "Green",
    "y": "Amber/Green", "yellow": "Amber/Green", "ag": "Amber/Green",
    "ambergreen": "Amber/Green", "greenamber": "Amber/Green",
    "a": "Amber", "amber": "Amber", "orange": "Amber",
    "ar": "Amber/Red", "amberred": "Amber/Red", "redamber": "Amber/Red",
    "r": "Red", "red": "Red",
    "b": "Complete", "blue": "Complete", "complete": "Complete",
}


def _canonical_rag(text: str) -> str | None:
    return _RAG_ALIASES.get(re.sub(r"[^a-z]", "", str(text).lower()))


@dataclass(frozen=True)
class Band:
    """One score band of a risk matrix: scores ``low``..``high`` (inclusive) share a RAG.

    ``name`` is the band's label in the register ("Low", "Extreme"), ``rag`` the canonical RAG
    value the band maps to (so the validator can compare it with the register's RAG column,
    ``rag-band-mismatch``), and ``colour`` the RRGGBB fill used for conditional formatting and
    the heat map. ``low``/``high`` are written as the programme writes them: the NHS matrix
    says "High 8-12" even though 7 lies between Moderate and High (see
    :meth:`RiskMatrix.band_for` for where such gap scores go).
    """

    name: str
    low: int
    high: int
    rag: str
    colour: str

    def __contains__(self, score: object) -> bool:
        return isinstance(score, int) and self.low <= score <= self.high


def _band(name: str, low: int, high: int, rag: str) -> Band:
    return Band(name, low, high, rag, RAG_COLOURS[rag])


#: The default NHS 5x5 matrix: 1-3 low/green, 4-6 moderate/yellow (the
#: canonical Amber/Green), 8-12 high/amber, 15-25 extreme/red. 7, 13 and 14 fall in gaps; none
#: of them is a product of two numbers 1-5, so only a mistyped score lands there.
NHS_5X5_BANDS: tuple[Band, ...] = (
    _band("Low", 1, 3, "Green"),
    _band("Moderate", 4, 6, "Amber/Green"),
    _band("High", 8, 12, "Amber"),
    _band("Extreme", 15, 25, "Red"),
)

#: Band presets keyed by (matrix size, number of bands), for square 1-based matrices.
#: Every preset starts at 1, ends at size*size, and every band holds at least one score that a
#: likelihood x impact product can give. Three bands are Green/Amber/Red, four add Amber/Green
#: (the NHS layout), five add Amber/Red, so each preset uses only the canonical RAG scale.
PRESET_BANDS: dict[tuple[int, int], tuple[Band, ...]] = {
    # 3x3: possible scores 1 2 3 4 6 9
    (3, 3): (_band("Low", 1, 2, "Green"), _band("Medium", 3, 4, "Amber"),
             _band("High", 6, 9, "Red")),
    (3, 4): (_band("Low", 1, 2, "Green"), _band("Moderate", 3, 4, "Amber/Green"),
             _band("High", 6, 6, "Amber"), _band("Extreme", 9, 9, "Red")),
    (3, 5): (_band("Very low", 1, 1, "Green"), _band("Low", 2, 2, "Amber/Green"),
             _band("Moderate", 3, 4, "Amber"), _band("High", 6, 6, "Amber/Red"),
             _band("Very high", 9, 9, "Red")),
    # 4x4: possible scores 1 2 3 4 6 8 9 12 16
    (4, 3): (_band("Low", 1, 3, "Green"), _band("Medium", 4, 8, "Amber"),
             _band("High", 9, 16, "Red")),
    (4, 4): (_band("Low", 1, 2, "Green"), _band("Moderate", 3, 4, "Amber/Green"),
             _band("High", 6, 9, "Amber"), _band("Extreme", 12, 16, "Red")),
    (4, 5): (_band("Very low", 1, 2, "Green"), _band("Low", 3, 4, "Amber/Green"),
             _band("Moderate", 6, 8, "Amber"), _band("High", 9, 12, "Amber/Red"),
             _band("Very high", 16, 16, "Red")),
    # 5x5: possible scores 1-6 8 9 10 12 15 16 20 25
    (5, 3): (_band("Low", 1, 4, "Green"), _band("Medium", 5, 12, "Amber"),
             _band("High", 15, 25, "Red")),
    (5, 4): NHS_5X5_BANDS,
    (5, 5): (_band("Very low", 1, 3, "Green"), _band("Low", 4, 6, "Amber/Green"),
             _band("Moderate", 8, 12, "Amber"), _band("High", 15, 16, "Amber/Red"),
             _band("Very high", 20, 25, "Red")),
}


def _scale(value: object, what: str) -> tuple[int, int]:
    """A (low, high) likelihood or impact scale from a tuple/list such as TOML's ``[1, 5]``."""
    try:
        lo, hi = value  # type: ignore[misc]
    except (TypeError, ValueError):
        raise ValueError(f"{what} scale must be two whole numbers like [1, 5], not {value!r}") from None
    if isinstance(lo, bool) or isinstance(hi, bool) or not isinstance(lo, int) or not isinstance(hi, int):
        raise ValueError(f"{what} scale must be two whole numbers like [1, 5], not {value!r}")
    if not 1 <= lo <= hi:
        raise ValueError(f"{what} scale {lo}-{hi} must start at 1 or more and not run backwards")
    return lo, hi


@dataclass(frozen=True)
class RiskMatrix:
    """A likelihood x impact matrix with score bands and an optional risk appetite.

    The default is the NHS 5x5 matrix. ``likelihood`` and ``impact`` are
    inclusive (low, high) scales; ``bands`` must be in ascending order and must not overlap
    (gaps are allowed, see :meth:`band_for`). ``appetite`` is the highest score the programme
    tolerates without escalation: scores *above* it are flagged (:meth:`above_appetite`).
    Invalid settings raise ``ValueError`` with a plain message, because they come from a
    programme's TOML file and the person who wrote it must be able to fix it.
    """

    likelihood: tuple[int, int] = (1, 5)
    impact: tuple[int, int] = (1, 5)
    bands: tuple[Band, ...] = NHS_5X5_BANDS
    appetite: int | None = None

    def __post_init__(self) -> None:
        # TOML gives lists; store tuples so the matrix stays hashable and comparable.
        object.__setattr__(self, "likelihood", _scale(self.likelihood, "likelihood"))
        object.__setattr__(self, "impact", _scale(self.impact, "impact"))
        bands = tuple(self.bands)
        object.__setattr__(self, "bands", bands)
        if not bands:
            raise ValueError("a risk matrix needs at least one score band")
        previous: Band | None = None
        for band in bands:
            if band.low > band.high:
                raise ValueError(f"band {band.name!r} runs backwards ({band.low}-{band.high})")
            if previous is not None and band.low <= previous.high:
                raise ValueError(
                    f"bands {previous.name!r} ({previous.low}-{previous.high}) and {band.name!r} "
                    f"({band.low}-{band.high}) overlap or are out of order")
            previous = band
        if self.appetite is not None and (isinstance(self.appetite, bool)
                                          or not isinstance(self.appetite, int)):
            raise ValueError(f"risk appetite must be a whole-number score, not {self.appetite!r}")

    def possible_scores(self) -> frozenset[int]:
        """Every score a likelihood x impact product can give on this matrix.

        Used to tell a mistyped score (7 on a 5x5 matrix) from a real one when only the score
        was written down.
        """
        (l_lo, l_hi), (i_lo, i_hi) = self.likelihood, self.impact
        return frozenset(l * i for l in range(l_lo, l_hi + 1) for i in range(i_lo, i_hi + 1))

    def min_score(self) -> int:
        return self.likelihood[0] * self.impact[0]

    def max_score(self) -> int:
        """The highest possible score (25 on 5x5): the top of the heat map and of the scale."""
        return self.likelihood[1] * self.impact[1]

    def band_for(self, score: int | None) -> Band | None:
        """The band a score belongs to, or ``None`` when it is below or above every band.

        A score inside a band's range gets that band. A score that falls in a *gap* between two
        bands (7, 13 or 14 on the NHS 5x5 matrix, which writes "4-6", "8-12", "15-25") goes to
        the next higher band: on a risk register it is safer to over-state than to under-state a
        risk, and it matches the usual reading of such tables as "up to 6 is moderate, above 6
        is high". Gap scores are impossible products anyway and :func:`check_rating` reports
        them; the band only decides how they are coloured meanwhile. ``None`` (and scores
        below the first band or above the last) give ``None``: no band, no colour.
        """
        if score is None or isinstance(score, bool):
            return None
        if isinstance(score, float):
            if not score.is_integer():
                return None
            score = int(score)
        if score < self.bands[0].low or score > self.bands[-1].high:
            return None
        for band in self.bands:
            if score <= band.high:
                return band
        return None  # pragma: no cover - unreachable: the last band's high bounds the score

    def rag_for(self, score: int | None) -> str | None:
        """The canonical RAG for a score (the band's RAG), ``None`` without a band."""
        band = self.band_for(score)
        return band.rag if band else None

    def above_appetite(self, score: int | None) -> bool:
        """True when the score is above the programme's risk appetite (flag for escalation)."""
        return self.appetite is not None and score is not None and score > self.appetite


def preset(size: int = 5, bands: int = 4, appetite: int | None = None) -> RiskMatrix:
    """A square 1-based matrix (3x3, 4x4 or 5x5) with 3, 4 or 5 preset bands.

    ``preset()`` is the NHS 5x5 default. Only these nine combinations are built in because
    they are the ones registers actually use; anything else is configured band by band.
    """
    key = (size, bands)
    if key not in PRESET_BANDS:
        raise ValueError(
            f"there is no preset for a {size}x{size} matrix with {bands} bands: presets are "
            "3x3, 4x4 and 5x5 with 3, 4 or 5 bands; list the bands in the configuration instead")
    return RiskMatrix((1, size), (1, size), PRESET_BANDS[key], appetite)


def _size_from(value: object) -> int:
    """Read a preset size written as 5, "5", "5x5" or "5 x 5"."""
    text = str(value).strip().lower().replace("×", "x")
    m = re.fullmatch(r"(\d+)\s*(?:x\s*(\d+))?", text)
    if isinstance(value, bool) or not m or (m.group(2) and m.group(2) != m.group(1)):
        raise ValueError(f"matrix preset must be 3x3, 4x4 or 5x5, not {value!r}")
    return int(m.group(1))


def _int_or_none(value: object, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be a whole number, not {value!r}")
    return value


def matrix_from_config(d: dict | None) -> RiskMatrix:
    """Build a :class:`RiskMatrix` from the ``[risk]`` table of a programme's TOML file.

    Accepted keys (all optional; an empty table gives the NHS 5x5 default)::

        preset = "4x4"              # or size = 4: a square 1-based matrix
        likelihood = [1, 5]         # explicit scales (override the preset's)
        impact = [1, 5]
        appetite = 12               # scores above 12 are flagged for escalation
        bands = 3                   # a preset band count (3, 4 or 5) ...
        bands = [                   # ... or the bands themselves, lowest first
          {name = "Low", max = 3, rag = "Green"},
          {name = "Moderate", max = 6, rag = "Yellow"},
          {name = "High", max = 12, rag = "Amber"},
          {name = "Extreme", max = 25, rag = "Red", colour = "C00000"},
        ]

    In a band, ``max`` (or ``high``) is its top score; ``min`` (or ``low``) may be given, and
    otherwise is the lowest *possible* score above the previous band's top (so the list above
    rebuilds exactly the default "8-12" band, not "7-12"). ``rag`` accepts the usual spellings
    (G, Yellow, A/G, Amber-Red, ...) and is stored canonically; ``colour`` defaults to the RAG's
    colour. The bands must cover every possible score from the lowest to the highest, so that no
    real rating is left without a colour; any mistake raises ``ValueError`` naming it.
    """
    d = dict(d or {})
    known = {"preset", "size", "likelihood", "impact", "appetite", "bands", *RATING_SETTINGS}
    unknown = sorted(set(d) - known)
    if unknown:
        raise ValueError(f"unknown risk setting(s) {', '.join(unknown)}; expected {', '.join(sorted(known))}")

    size_value = d.get("preset", d.get("size"))
    size = _size_from(size_value) if size_value is not None else None
    likelihood = _scale(d["likelihood"], "likelihood") if "likelihood" in d else (1, size or 5)
    impact = _scale(d["impact"], "impact") if "impact" in d else (1, size or 5)
    appetite = _int_or_none(d.get("appetite"), "risk appetite")

    bands_cfg = d.get("bands", 4)
    if isinstance(bands_cfg, int) and not isinstance(bands_cfg, bool):
        square = likelihood == impact and likelihood[0] == 1
        if not square or (likelihood[1], bands_cfg) not in PRESET_BANDS:
            raise ValueError(
                f"there is no preset of {bands_cfg} bands for a likelihood {likelihood[0]}-{likelihood[1]}"
                f" x impact {impact[0]}-{impact[1]} matrix: presets are 3x3, 4x4 and 5x5 with 3, 4 "
                "or 5 bands; list the bands instead")
        return RiskMatrix(likelihood, impact, PRESET_BANDS[(likelihood[1], bands_cfg)], appetite)
    if not isinstance(bands_cfg, (list, tuple)) or not bands_cfg:
        raise ValueError("bands must be a number of preset bands (3, 4 or 5) or a list of bands")

    probe = RiskMatrix(likelihood, impact, NHS_5X5_BANDS)
    possible = sorted(probe.possible_scores())
    bands: list[Band] = []
    previous_high: int | None = None
    for i, item in enumerate(bands_cfg, start=1):
        if not isinstance(item, dict):
            raise ValueError(f"band {i} must be a table like {{name = \"Low\", max = 3, rag = \"Green\"}}")
        name = str(item.get("name") or f"Band {i}")
        high = _int_or_none(item.get("max", item.get("high")), f"band {name!r} max")
        low = _int_or_none(item.get("min", item.get("low")), f"band {name!r} min")
        if high is None:
            raise ValueError(f"band {name!r} needs a max score")
        if previous_high is not None and high <= previous_high:
            raise ValueError(f"band {name!r} max {high} must be above the previous band's max {previous_high}"
                             " (list bands lowest first)")
        if low is None:
            if previous_high is None:
                low = possible[0]
            else:
                above = [s for s in possible if s > previous_high]
                low = above[0] if above and above[0] <= high else previous_high + 1
        raw_rag = item.get("rag")
        if raw_rag is None or not str(raw_rag).strip():
            raise ValueError(f"band {name!r} needs a rag (Green, Amber/Green, Amber, Amber/Red or Red)")
        rag = _canonical_rag(str(raw_rag)) or str(raw_rag).strip()
        colour = item.get("colour", item.get("color"))
        if colour is None:
            if rag not in RAG_COLOURS:
                raise ValueError(f"band {name!r} has RAG {raw_rag!r}, which has no known colour: add colour = \"RRGGBB\"")
            colour = RAG_COLOURS[rag]
        colour = str(colour).strip().lstrip("#").upper()
        if not re.fullmatch(r"[0-9A-F]{6}", colour):
            raise ValueError(f"band {name!r} colour must be six hex digits like \"00B050\", not {item.get('colour', item.get('color'))!r}")
        bands.append(Band(name, low, high, rag, colour))
        previous_high = high

    matrix = RiskMatrix(likelihood, impact, tuple(bands), appetite)
    if matrix.bands[0].low > matrix.min_score():
        raise ValueError(f"the first band starts at {matrix.bands[0].low}, but scores start at {matrix.min_score()}")
    if matrix.bands[-1].high < matrix.max_score():
        raise ValueError(f"the last band stops at {matrix.bands[-1].high}, but scores go up to {matrix.max_score()}")
    return matrix


# --------------------------------------------------------------------------------------------
# Reading a rating
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rating:
    """A risk rating as read from a register: likelihood, impact and score, or "New".

    ``text`` is what was in the cell (cleaned of non-breaking spaces), kept for messages.
    When likelihood and impact were written without a score ("4x4") the score is their
    product, so every numeric rating has a score. A score written alone ("16") has no
    likelihood or impact. ``is_new`` ratings ("New") have no numbers at all.
    """

    likelihood: int | None
    impact: int | None
    score: int | None
    is_new: bool = False
    text: str = ""


class RatingError(ValueError):
    """A rating cell that cannot be read; the message says what was found and what would work."""


_SPACES = re.compile(r"[\s\u00a0\u2007\u202f\u200b\ufeff]+")
_NEW = re.compile(r"new(?:\s+risk)?\.?", re.I)
_INT = r"(\d+)(?:\.0+)?"
# likelihood, separator, impact, then optionally a separator (or "=") and the score. Separators
# are x, ×, *, comma, slash, semicolon, hyphen or plain spaces; "L", "I", "S" (or the whole
# words, with an optional ":" / "=") may label the numbers ("L4I4" needs no separator).
_TRIPLE = re.compile(
    r"(?:l(?:ikelihood)?\s*[:=]?\s*)?" + _INT
    + r"(?:\s*(?:[x×*,/;-]|\s)\s*|(?=i))"
    + r"(?:i(?:mpact)?\s*[:=]?\s*)?" + _INT
    + r"(?:(?:\s*(?:=|[,/;-]|\s)\s*|(?=s))(?:s(?:core)?\s*[:=]?\s*)?" + _INT + r")?",
    re.I,
)
_SCORE = re.compile(r"(?:s(?:core)?\s*[:=]?\s*)?" + _INT, re.I)


def parse_rating(text: str | int | float | None) -> Rating | None:
    """Read one rating cell as SROs type it; ``None`` for a blank cell.

    Accepted: ``"4 4 16"`` (seed 003: likelihood impact score), ``"4x4=16"``, ``"4 x 4 = 16"``,
    ``"4×4=16"``, ``"L4 I4 16"``, ``"L4 x I4 = 16"``, ``"4*4"`` (score is the product),
    ``"4,4,16"``, ``"4/4/16"``, a score alone (``"16"``, ``16``, ``16.0``), and ``"New"`` /
    ``"new risk"`` (a risk with no earlier rating). Non-breaking spaces and stray whitespace
    are ignored. Ranges and products are NOT checked here -- ``"9 9 7"`` reads as (9, 9, 7) --
    so that :func:`check_rating` can report exactly what is wrong with a rating that was
    typed clearly but wrongly. Anything else raises :class:`RatingError` (issue
    ``bad-rating``), including a rating Excel has turned into a date (``4/3/12`` typed into a
    cell becomes 4 March 2012), because guessing which number was the likelihood is not safe.
    """
    if text is None:
        return None
    if isinstance(text, bool):
        raise RatingError(message("bad-rating", "unreadable-value", value=repr(text)))
    if isinstance(text, (_dt.date, _dt.datetime)):
        raise RatingError(message("bad-rating", "date", date=f"{text:%d/%m/%Y}"))
    if isinstance(text, int):
        return Rating(None, None, text, text=str(text))
    if isinstance(text, float):
        if math.isnan(text):
            return None
        if not text.is_integer():
            raise RatingError(message("bad-rating", "fraction", score=f"{text:g}"))
        return Rating(None, None, int(text), text=f"{text:g}")
    if not isinstance(text, str):
        raise RatingError(message("bad-rating", "unreadable-value", value=repr(text)))

    cleaned = _SPACES.sub(" ", text).strip()
    if not cleaned:
        return None
    if _NEW.fullmatch(cleaned):
        return Rating(None, None, None, is_new=True, text=cleaned)
    m = _SCORE.fullmatch(cleaned)
    if m:
        return Rating(None, None, int(m.group(1)), text=cleaned)
    m = _TRIPLE.fullmatch(cleaned)
    if m:
        likelihood, impact = int(m.group(1)), int(m.group(2))
        score = int(m.group(3)) if m.group(3) is not None else likelihood * impact
        return Rating(likelihood, impact, score, text=cleaned)
    raise RatingError(message("bad-rating", "unreadable", text=cleaned))


def check_rating(r: Rating | None, m: RiskMatrix) -> list[tuple[str, str]]:
    """Judge a parsed rating against a matrix; ``[]`` when it is sound.

    Returns ``(issue code, message)`` pairs, in a stable order:

    * ``out-of-range`` -- likelihood or impact outside the matrix's scale (one issue each);
    * ``score-mismatch`` -- the score written is not likelihood x impact (reported even when a
      number is out of range, because both are mistakes the SRO has to fix);
    * ``impossible-score`` -- a score written alone that no likelihood x impact product on this
      matrix can give (7, 11, 13, 14, 17-19, 21-24 on 5x5, or anything above the maximum).

    "New" ratings and blanks have nothing to check.
    """
    if r is None or r.is_new:
        return []
    issues: list[tuple[str, str]] = []
    for what, value, (lo, hi) in (("likelihood", r.likelihood, m.likelihood),
                                  ("impact", r.impact, m.impact)):
        if value is not None and not lo <= value <= hi:
            issues.append(("out-of-range", message("out-of-range", part=what, value=value,
                                                   low=lo, high=hi)))
    if r.likelihood is not None and r.impact is not None:
        product = r.likelihood * r.impact
        if r.score is not None and r.score != product:
            issues.append(("score-mismatch", message(
                "score-mismatch", score=r.score, likelihood=r.likelihood, impact=r.impact,
                product=product)))
    elif r.score is not None and r.score not in m.possible_scores():
        scale = {"score": r.score, "likelihood": f"{m.likelihood[0]}-{m.likelihood[1]}",
                 "impact": f"{m.impact[0]}-{m.impact[1]}"}
        if r.score > m.max_score() or r.score < m.min_score():
            text = message("impossible-score", "beyond", **scale, least=m.min_score(),
                           most=m.max_score())
        else:
            text = message("impossible-score", "gap", **scale,
                           scores=", ".join(map(str, sorted(m.possible_scores()))))
        issues.append(("impossible-score", text))
    return issues


# --------------------------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------------------------

def whole_number(value: object) -> int | None:
    """A cell value as a whole number (4, 4.0, "4", a numpy integer), or None (blank, NaN,
    text, a fraction, a boolean)."""
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:  # a numpy scalar: its Python value
            value = value.item()
        except (TypeError, ValueError):
            return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        text = value.strip()
        return int(text) if text.isascii() and text.isdigit() else None
    return None


def effective_score(likelihood: object, impact: object, score: object) -> int | None:
    """The score of a rating: likelihood x impact when both are whole numbers (the product is
    the rule, whatever score was typed beside them), else the score written alone, else None.
    The merge compares and carries this score, and the Risks sheet's Score formula computes it."""
    lik, imp, written = (whole_number(v) for v in (likelihood, impact, score))
    if lik is not None and imp is not None:
        return lik * imp
    return written


# --------------------------------------------------------------------------------------------
# Movement
# --------------------------------------------------------------------------------------------

#: The movement values, in the order the Risks sheet's dropdown lists them ("" = not known).
MOVEMENTS = ("New", "Up", "Down", "Same", "")


def movement(previous: int | None, current: int | None, previous_is_new: bool = False) -> str:
    """The movement in risk score from the previous rating to the current one.

    ``"New"`` when the previous rating was "New" (or the risk was not on last month's
    register: callers pass ``previous_is_new=True``) and there is a current score; ``"Up"``
    when the score rose (the risk got worse), ``"Down"`` when it fell, ``"Same"`` when equal.
    ``""`` when it cannot be told: no current score, or a blank previous score that was not
    marked new (a blank is "not reported", which is not the same as "new").

    The merge knows more than a register: a risk whose previous score is blank after the merge
    was on no earlier sheet (not on last month's consolidated workbook, no previous rating in
    its register), so the merge and the Risks sheet pass ``previous_is_new=True`` for it, and
    the sheet's Movement formula writes "New" for a blank Previous score.
    """
    if current is None:
        return ""
    if previous_is_new:
        return "New"
    if previous is None:
        return ""
    if current > previous:
        return "Up"
    if current < previous:
        return "Down"
    return "Same"


_UP_SYMBOLS = "↑⬆▲△⇧↗🔺"
_DOWN_SYMBOLS = "↓⬇▼▽⇩↘🔻"
_SAME_SYMBOLS = "-–—‒―−=↔⟷→⇔◄►◆"
_WORDS: dict[str, str] = {
    "up": "Up", "increase": "Up", "increased": "Up", "increasing": "Up", "higher": "Up",
    "down": "Down", "decrease": "Down", "decreased": "Down", "decreasing": "Down", "lower": "Down",
    "same": "Same", "no change": "Same", "unchanged": "Same", "static": "Same", "stable": "Same",
    "no movement": "Same",
    "new": "New", "new risk": "New",
}
_WORD_RE = "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in _WORDS), key=len, reverse=True))
_SYMBOL_RE = "[" + re.escape(_UP_SYMBOLS + _DOWN_SYMBOLS + _SAME_SYMBOLS) + "]"
_LEADING = re.compile(rf"(?:(?P<sym>{_SYMBOL_RE})|(?P<word>{_WORD_RE})\b)\s*", re.I)
_TRAILING = re.compile(rf"\s(?:(?P<sym>{_SYMBOL_RE})|(?P<word>{_WORD_RE}))$", re.I)
_EDGES = " \t/,;:()[]|."


def _movement_of(sym: str | None, word: str | None) -> str:
    if sym:
        if sym in _UP_SYMBOLS:
            return "Up"
        if sym in _DOWN_SYMBOLS:
            return "Down"
        return "Same"
    return _WORDS[re.sub(r"\s+", " ", word.lower())]  # type: ignore[union-attr]


def parse_movement(text: object) -> tuple[str | None, str | None]:
    """Read a "RAG RATING / MOVEMENT IN RISK SCORE" cell into ``(movement, rag)``.

    Seed 003 writes ``— A``: a dash for "no change" followed by the RAG letter. Registers also
    write arrows (``↑ R``, ``↓ G``), words (``Up``, ``Down``, ``Same``, ``No change``,
    ``New``), a lone dash (``-``), or only the RAG (``A``). The movement is one of
    ``"Up"``, ``"Down"``, ``"Same"``, ``"New"`` or ``None`` (not given); the movement may come
    first or, separated by a space, last (``A ↑``). The RAG part is returned as written
    (letter or word, trimmed) or ``None``: checking it against the programme's RAG scale is the
    RAG module's job, so a typo there is reported as ``unknown-rag`` rather than lost.
    Dashes count as "no change" only in these positions, so ``A-G`` stays a RAG.
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None, None
    cleaned = _SPACES.sub(" ", str(text)).strip()
    if not cleaned:
        return None, None
    move: str | None = None
    rest = cleaned
    m = _LEADING.match(cleaned)
    if m:
        move = _movement_of(m.group("sym"), m.group("word"))
        rest = cleaned[m.end():]
    else:
        m = _TRAILING.search(cleaned)
        if m:
            move = _movement_of(m.group("sym"), m.group("word"))
            rest = cleaned[:m.start()]
    rag = rest.strip(_EDGES) or None
    return move, rag


# --------------------------------------------------------------------------------------------
# Qualitative ratings: words and probabilities
# --------------------------------------------------------------------------------------------

#: Words registers write instead of numbers, as a step of a five-step scale (1 lowest, 5
#: highest). Keys are folded (lower case, letters and single spaces). A word in a Likelihood or
#: Impact column stands for that step of the programme's scale (:meth:`WordRatings.on_scale`); a
#: word written as the whole rating ("Risk Rating: High", "Priority: Critical") stands for the
#: band of the matrix named with that step, or the nearest (:meth:`WordRatings.band`). The
#: NHS likelihood (Rare ... Almost certain) and consequence (Negligible ... Catastrophic) words
#: are here too. A programme adds words or moves them with ``[risk.words]`` in its TOML.
RATING_WORDS: dict[str, int] = {
    "very low": 1, "negligible": 1, "insignificant": 1, "minimal": 1, "rare": 1, "remote": 1,
    "very unlikely": 1, "trivial": 1, "vl": 1, "none": 1, "highly unlikely": 1,
    "improbable": 1, "very rare": 1,
    "low": 2, "minor": 2, "unlikely": 2, "limited": 2, "l": 2, "lo": 2, "marginal": 2,
    "seldom": 2, "not likely": 2,
    "medium": 3, "moderate": 3, "possible": 3, "med": 3, "mid": 3, "m": 3, "average": 3,
    "tolerable": 3, "even chance": 3, "occasional": 3, "moderately likely": 3,
    "high": 4, "major": 4, "likely": 4, "probable": 4, "significant": 4, "serious": 4, "h": 4,
    "hi": 4, "very likely": 4, "substantial": 4, "quite likely": 4,
    "very high": 5, "critical": 5, "extreme": 5, "severe": 5, "catastrophic": 5,
    "almost certain": 5, "certain": 5, "vh": 5, "highest": 5, "highly likely": 5,
    "frequent": 5, "very frequent": 5,
}

#: Where a probability (0.45, "45%") falls on the five-step scale: the upper bound of steps
#: 1 to 4 (0.45 is above 0.4 and not above 0.6: step 3). ``[risk] probability`` overrides.
PROBABILITY_STEPS: tuple[float, ...] = (0.2, 0.4, 0.6, 0.8)

#: ``[risk] refs``: "source" (the default) -- a Ref names a risk within the file that sent it,
#: so two organisations' "R-001" are different risks unless their descriptions say they are the
#: same; "programme" -- Refs are programme-wide, one Ref is one risk whoever sends it.
REFS_SCOPES = ("source", "programme")

#: The ``[risk]`` keys read here rather than by :func:`matrix_from_config`.
RATING_SETTINGS = ("words", "probability", "refs")

_FOLD = re.compile(r"[^a-z]+")
#: "M - H", "M to H", "Medium/High", "Low-Medium": two steps, the rating is the higher one.
_RANGE = re.compile(r"^(?P<a>[a-z ]+?)\s*(?:-|\u2013|\u2014|/|\bto\b|\bor\b)\s*(?P<b>[a-z ]+)$")
#: "4 - Likely", "3 (Medium)", "High (4)", "Likely - 4": a number with its word; the number wins.
_NUMBER_AND_WORD = re.compile(r"^\s*\(?(?P<n>\d+)(?:\.0+)?\s*[-\u2013:.)(=]*\s*(?P<w>[A-Za-z][A-Za-z .]*?)\)?\s*$"
                              r"|^\s*(?P<w2>[A-Za-z][A-Za-z .]*?)\s*[-\u2013:(=]+\s*(?P<n2>\d+)(?:\.0+)?\s*\)?\s*$")
_PERCENT = re.compile(r"^\s*(\d{1,3}(?:\.\d+)?)\s*%\s*$")
#: "50-80%", "50% to 80%": a band of probabilities, read at its middle.
_PERCENT_RANGE = re.compile(r"^\s*(\d{1,3}(?:\.\d+)?)\s*%?\s*(?:-|\u2013|to)\s*"
                            r"(\d{1,3}(?:\.\d+)?)\s*%\s*$", re.I)
#: ">80%", "< 5%", "over 90%": a probability beyond a bound, read just past it.
_PERCENT_BOUND = re.compile(r"^\s*(>=?|<=?|\u2265|\u2264|over|above|more than|under|below|"
                            r"less than)\s*(\d{1,3}(?:\.\d+)?)\s*%\s*$", re.I)
#: Words that may follow a rating word without changing it ("High risk", "Medium priority").
_TRAILING_NOUNS = (" risk", " priority", " impact", " likelihood", " probability", " rating")


def _fold(text: str) -> str:
    return " ".join(_FOLD.sub(" ", text.lower()).split())


@dataclass(frozen=True)
class Qualitative:
    """A rating written in words or as a probability, read onto the five-step scale.

    ``step`` 1..5; ``number`` a whole number written with the word ("4 - Likely"), which is
    used as it is; ``text`` what was written."""

    step: int | None
    text: str
    number: int | None = None


@dataclass(frozen=True)
class WordRatings:
    """The programme's table of rating words and probability steps (see :data:`RATING_WORDS`).

    Build it with :func:`ratings_from_config`. Pure data and small functions: reading a cell
    (:meth:`read`), its step on a likelihood or impact scale (:meth:`on_scale`) and the band of
    the matrix a whole-rating word stands for (:meth:`band`)."""

    words: tuple[tuple[str, int], ...] = tuple(RATING_WORDS.items())
    probability: tuple[float, ...] = PROBABILITY_STEPS

    @cached_property
    def table(self) -> dict[str, int]:
        return dict(self.words)

    def word_step(self, text: str) -> int | None:
        """The step of a word, a word range ("M - H": the higher) or None."""
        table = self.table
        folded = _fold(text)
        for noun in _TRAILING_NOUNS:
            if folded.endswith(noun) and folded[: -len(noun)] in table:
                folded = folded[: -len(noun)]
        if folded in table:
            return table[folded]
        low = " ".join(re.sub(r"[^a-z/\-\u2013\u2014]+", " ", text.lower()).split())
        m = _RANGE.match(low)
        if m:
            a, b = table.get(_fold(m.group("a"))), table.get(_fold(m.group("b")))
            if a is not None and b is not None:
                return max(a, b)
        parts = folded.split(" ")
        if len(parts) == 2 and all(p in table for p in parts):  # "medium high"
            return max(table[p] for p in parts)
        return None

    def probability_step(self, p: float) -> int | None:
        """The step of a probability from 0 to 1 (0 and 1 themselves included)."""
        if not 0 <= p <= 1:
            return None
        return 1 + sum(1 for bound in self.probability if p > bound)

    def read(self, raw: object) -> Qualitative | None:
        """A word, a word range, a number with its word, a probability (0.45, '45%', a band
        '50-80%' read at its middle, a bound '>80%' read just past it); None for anything else
        (a whole number, a blank, prose)."""
        if isinstance(raw, bool) or raw is None:
            return None
        if isinstance(raw, float) and not math.isnan(raw) and 0 < raw < 1:
            return Qualitative(self.probability_step(raw), f"{raw:g}")
        if not isinstance(raw, str):
            return None
        text = _SPACES.sub(" ", raw).strip()
        if not text or len(text) > 40:
            return None
        m = _PERCENT.match(text)
        if m:
            p = float(m.group(1)) / 100
            return Qualitative(self.probability_step(p), text) if p <= 1 else None
        m = _PERCENT_RANGE.match(text)
        if m:
            a, b = float(m.group(1)) / 100, float(m.group(2)) / 100
            return Qualitative(self.probability_step((a + b) / 2), text) if a <= b <= 1 else None
        m = _PERCENT_BOUND.match(text)
        if m:
            p = float(m.group(2)) / 100
            above = m.group(1).lower() in (">", ">=", "\u2265", "over", "above", "more than")
            p = min(1.0, p + 0.001) if above else max(0.0, p - 0.001)
            return Qualitative(self.probability_step(p), text) if p <= 1 else None
        try:
            p = float(text)
        except ValueError:
            pass
        else:
            return Qualitative(self.probability_step(p), text) if 0 < p < 1 else None
        m = _NUMBER_AND_WORD.match(text)
        if m:
            number, word = (m.group("n"), m.group("w")) if m.group("n") else \
                (m.group("n2"), m.group("w2"))
            step = self.word_step(word)
            if step is not None:
                return Qualitative(step, text, int(number))
        step = self.word_step(text)
        return Qualitative(step, text) if step is not None else None

    @staticmethod
    def on_scale(step: int, scale: tuple[int, int]) -> int:
        """A five-step value on a likelihood or impact scale (1-5 as it is; 1-4: 1 1 2 3 4 ...)."""
        lo, hi = scale
        return lo + int(math.floor((step - 1) * (hi - lo) / 4 + 0.5))

    def band(self, q: Qualitative, matrix: RiskMatrix) -> Band | None:
        """The band of the matrix a whole-rating word stands for: the band named by the word
        ("High" on the NHS matrix is its High band), else the band whose name is the nearest
        step (a higher one on a tie: over-stating a risk is the safer mistake), bands without a
        known name being spread evenly over the five steps."""
        if q.step is None:
            return None
        folded = _fold(q.text)
        for band in matrix.bands:
            if _fold(band.name) == folded:
                return band
        n = len(matrix.bands)
        steps = []
        for i, band in enumerate(matrix.bands):
            named = self.word_step(band.name)
            steps.append(named if named is not None else 1 + (4 * i / (n - 1) if n > 1 else 2))
        best = min(range(n), key=lambda i: (abs(steps[i] - q.step), -i))
        return matrix.bands[best]


def ratings_from_config(d: dict | None) -> WordRatings:
    """The :class:`WordRatings` of a programme's ``[risk]`` table::

        [risk]
        probability = [0.1, 0.3, 0.5, 0.7]   # upper bounds of steps 1-4 for 0.45 or '45%'
        [risk.words]                         # a word -> its step, 1 (lowest) to 5 (highest)
        "Tolerable" = 2
        "Amber" = 3

    Words given are added to :data:`RATING_WORDS` (or move a word it has); mistakes raise
    ``ValueError`` naming the setting."""
    d = dict(d or {})
    words = dict(RATING_WORDS)
    given = d.get("words") or {}
    if not isinstance(given, dict):
        raise ValueError("[risk.words] must be a table of word = step (1 to 5)")
    for word, step in given.items():
        if isinstance(step, bool) or not isinstance(step, int) or not 1 <= step <= 5:
            raise ValueError(f"[risk.words] {word!r} must be a step from 1 (lowest) to 5 "
                             f"(highest), not {step!r}")
        key = _fold(str(word))
        if not key:
            raise ValueError(f"[risk.words] {word!r} has no letters")
        words[key] = step
    bounds = d.get("probability", PROBABILITY_STEPS)
    if (not isinstance(bounds, (list, tuple)) or len(bounds) != 4
            or not all(isinstance(b, (int, float)) and not isinstance(b, bool) for b in bounds)
            or list(bounds) != sorted(bounds) or not all(0 < b < 1 for b in bounds)):
        raise ValueError("[risk] probability must be four rising numbers between 0 and 1, the "
                         f"upper bounds of steps 1 to 4 (like [0.2, 0.4, 0.6, 0.8]), not {bounds!r}")
    return WordRatings(tuple(words.items()), tuple(float(b) for b in bounds))


def refs_scope(d: dict | None) -> str:
    """``[risk] refs`` (see :data:`REFS_SCOPES`); "source" when not set."""
    value = str((d or {}).get("refs", "source")).strip().lower().replace("-", " ")
    aliases = {"source": "source", "file": "source", "organisation": "source",
               "organization": "source", "per source": "source", "programme": "programme",
               "program": "programme", "programme wide": "programme",
               "program wide": "programme", "global": "programme"}
    if value not in aliases:
        raise ValueError(f"[risk] refs must be \"source\" (each organisation's own Refs) or "
                         f"\"programme\" (programme-wide Refs), not {value!r}")
    return aliases[value]


# --------------------------------------------------------------------------------------------
# RAID logs
# --------------------------------------------------------------------------------------------

#: What a RAID log's type column says, folded -> the kind of item. Risks, Assumptions, Issues,
#: Dependencies, and the Decisions and Actions some logs add; a threat is a risk.
RAID_KINDS: dict[str, str] = {
    "risk": "Risk", "risks": "Risk", "r": "Risk", "threat": "Risk", "threats": "Risk",
    "assumption": "Assumption", "assumptions": "Assumption", "a": "Assumption",
    "issue": "Issue", "issues": "Issue", "i": "Issue", "problem": "Issue",
    "dependency": "Dependency", "dependencies": "Dependency", "d": "Dependency",
    "decision": "Decision", "decisions": "Decision",
    "action": "Action", "actions": "Action",
    "opportunity": "Opportunity", "opportunities": "Opportunity",
}
#: The kinds rated on the risk matrix (their ratings are read and checked). The other kinds
#: are kept on the Risks sheet under their own label, their rating text kept as written, and
#: are never counted or scored as risks.
RATED_KINDS = frozenset({"Risk", "Opportunity"})
_RAID_SUFFIX = re.compile(r"\s+(?:log|register|list|tracker|sheet)$")


def raid_kind(text: object) -> str | None:
    """The kind a RAID type cell names ("Risk", "Issues", "A" -> "Assumption"), else None."""
    if not isinstance(text, str):
        return None
    return RAID_KINDS.get(_RAID_SUFFIX.sub("", _fold(text)))


def sheet_raid_kind(sheet_name: str) -> str | None:
    """The kind of item a sheet holds when its name says so ("Issues", "Assumption Log",
    "Dependencies"): one sheet per kind is the other way RAID logs are kept. None for a name
    naming no kind, or more than one ("Risks and Issues")."""
    words = set(_fold(sheet_name).split())
    kinds = {RAID_KINDS[w] for w in words if len(w) > 1 and w in RAID_KINDS}
    return kinds.pop() if len(kinds) == 1 else None


#: Words naming a sheet of guidance kept beside a register: how to score, the matrix, the key
#: to its colours, the lists its dropdowns take their choices from. Folded like sheet names.
GUIDANCE_SHEET_WORDS = frozenset({
    "guidance", "guide", "scoring", "legend", "key", "matrix", "heatmap", "heat map", "lookup",
    "lookups", "lists", "definitions", "criteria", "instructions", "help", "dropdowns",
    "readme", "read me", "how to", "methodology", "scales"})


def guidance_sheet_name(sheet_name: str) -> bool:
    """True when a sheet's name says it holds guidance ("Scoring Guidance", "Risk Matrix",
    "Key"), not risks."""
    words = _fold(sheet_name).split()
    pairs = {" ".join(words[i:i + 2]) for i in range(len(words) - 1)}
    return bool((set(words) | pairs) & GUIDANCE_SHEET_WORDS)
