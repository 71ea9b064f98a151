"""The RAG scale as data: canonical levels, the spellings people type, the colours they fill.

One canonical scale, best first: Complete (blue), Green, Amber/Green (the seeds' "Yellow"),
Amber, Amber/Red, Red -- and blank, meaning not started or not reported. A programme may restrict
the scale or relabel it (``[rag]`` in the programme TOML); matching ignores case, padding and
punctuation, so ``G``, ``green ``, ``GREEN``, ``A/G``, ``Amber-Green``, ``Yellow``, ``Y``, ``B``,
``Blue``, ``Completed`` and ``Done`` all land on a level.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

COMPLETE, GREEN, AMBER_GREEN, AMBER, AMBER_RED, RED = (
    "Complete", "Green", "Amber/Green", "Amber", "Amber/Red", "Red")

#: Levels best first; the index is the level's rank for movement (lower is better).
CANONICAL_LEVELS: tuple[str, ...] = (COMPLETE, GREEN, AMBER_GREEN, AMBER, AMBER_RED, RED)

#: Spellings for each level, compared after :func:`rag_key` folding.
BUILTIN_ALIASES: dict[str, tuple[str, ...]] = {
    COMPLETE: ("complete", "completed", "complete d", "done", "closed", "achieved", "finished",
               "blue", "b", "c", "bl", "delivered"),
    GREEN: ("green", "g", "on track", "on target", "gr", "grn"),
    AMBER_GREEN: ("amber green", "a g", "ag", "yellow", "y", "amber green rag", "green amber",
                  "g a", "ga"),
    AMBER: ("amber", "a", "orange", "amb", "o", "at risk"),
    AMBER_RED: ("amber red", "a r", "ar", "red amber", "r a", "ra"),
    RED: ("red", "r", "off track", "rd"),
}

#: The fill colour each level is drawn with in xlplan's workbooks (and the font on it).
LEVEL_FILL: dict[str, str] = {
    COMPLETE: "5B9BD5",
    GREEN: "00B050",
    AMBER_GREEN: "FFFF00",
    AMBER: "FFC000",
    AMBER_RED: "F4B183",
    RED: "FF0000",
}
LEVEL_FONT: dict[str, str] = {
    COMPLETE: "FFFFFF", GREEN: "FFFFFF", AMBER_GREEN: "000000",
    AMBER: "000000", AMBER_RED: "000000", RED: "FFFFFF",
}

#: Fills SROs use for each level (Excel's standard colours, its "Good/Neutral/Bad" styles, and
#: what xlplan writes). A cell fill is read as the nearest of these within COLOUR_TOLERANCE.
REFERENCE_FILLS: tuple[tuple[str, str], ...] = (
    ("0070C0", COMPLETE), ("00B0F0", COMPLETE), ("5B9BD5", COMPLETE), ("4472C4", COMPLETE),
    ("9BC2E6", COMPLETE), ("0000FF", COMPLETE), ("BDD7EE", COMPLETE),
    ("00B050", GREEN), ("92D050", GREEN), ("00FF00", GREEN), ("C6EFCE", GREEN),
    ("70AD47", GREEN), ("008000", GREEN), ("A9D08E", GREEN),
    ("FFFF00", AMBER_GREEN), ("FFFF99", AMBER_GREEN), ("FFF2CC", AMBER_GREEN),
    ("FFC000", AMBER), ("FFBF00", AMBER), ("FFEB9C", AMBER), ("ED7D31", AMBER),
    ("FF9900", AMBER), ("F4B084", AMBER_RED), ("F4B183", AMBER_RED), ("FF6600", AMBER_RED),
    ("FF0000", RED), ("C00000", RED), ("FFC7CE", RED), ("E6B8B7", RED), ("FF5050", RED),
)
COLOUR_TOLERANCE = 60.0

_FOLD = re.compile(r"[^a-z0-9]+")


def rag_key(text: str) -> str:
    """Fold a RAG spelling for matching: lower case, punctuation and padding to single spaces."""
    return _FOLD.sub(" ", text.lower()).strip()


@dataclass(frozen=True)
class RagScale:
    """A programme's RAG scale: which canonical levels it uses, their labels and spellings."""

    levels: tuple[str, ...] = CANONICAL_LEVELS
    labels: tuple[tuple[str, str], ...] = tuple((lv, lv) for lv in CANONICAL_LEVELS)
    extra_aliases: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def __post_init__(self) -> None:
        unknown = [lv for lv in self.levels if lv not in CANONICAL_LEVELS]
        if unknown:
            raise ValueError(
                f"RAG level(s) {', '.join(unknown)} are not on the canonical scale "
                f"({', '.join(CANONICAL_LEVELS)})")
        lookup: dict[str, str] = {}
        everything: dict[str, str] = {}
        for level in CANONICAL_LEVELS:
            spellings = BUILTIN_ALIASES[level] + dict(self.extra_aliases).get(level, ())
            label = dict(self.labels).get(level, level)
            for spelling in (*spellings, level, label):
                key = rag_key(spelling)
                everything.setdefault(key, level)
                if level in self.levels:
                    lookup.setdefault(key, level)
        object.__setattr__(self, "_lookup", lookup)
        object.__setattr__(self, "_everything", everything)
        # Worked out once: messages name levels on many rows.
        object.__setattr__(self, "_labels", dict(self.labels))
        object.__setattr__(self, "_display", ", ".join(self.label(lv) for lv in self.levels))

    def label(self, level: str) -> str:
        return self._labels.get(level, level)  # type: ignore[attr-defined]

    def display(self) -> str:
        """The scale as users read it in messages: 'Complete, Green, Amber/Green, ...'."""
        return self._display  # type: ignore[attr-defined]

    def normalise(self, value: object) -> str | None:
        """The canonical level a typed value means, '' for blank, None when it is not on the scale."""
        if value is None:
            return ""
        text = str(value).strip()
        if not text:
            return ""
        return self._lookup.get(rag_key(text))  # type: ignore[attr-defined]

    def rank(self, level: str) -> int | None:
        """Lower is better; None for blank (not started / not reported)."""
        return CANONICAL_LEVELS.index(level) if level in CANONICAL_LEVELS else None


def normalise_rag(value: object, scale: RagScale | None = None) -> str | None:
    """Canonical level for a typed RAG value ('' when blank, None when not on the scale)."""
    return (scale or RagScale()).normalise(value)


def _rgb(hex6: str) -> tuple[int, int, int]:
    return int(hex6[0:2], 16), int(hex6[2:4], 16), int(hex6[4:6], 16)


_REFERENCE_RGB: tuple[tuple[tuple[int, int, int], str], ...] = tuple(
    (_rgb(ref), level) for ref, level in REFERENCE_FILLS)


def colour_to_rag(hex6: str, scale: RagScale | None = None) -> str | None:
    """The RAG level a fill colour stands for, or None when no level's colour is close.

    Distance is a weighted RGB distance (the "redmean" approximation of perceived
    difference), so Excel's light "Good/Neutral/Bad" fills and the saturated standard
    colours both land on their level while white, grey and pastel lilac do not.
    """
    return _nearest_level(hex6.upper(), tuple((scale or RagScale()).levels))


@lru_cache(maxsize=1024)
def _nearest_level(hex6: str, levels: tuple[str, ...]) -> str | None:
    """:func:`colour_to_rag` for an upper-case colour, remembered: the same few fills recur on
    every sheet of every file, and the distance to thirty reference colours is not free."""
    r1, g1, b1 = _rgb(hex6)
    if max(r1, g1, b1) - min(r1, g1, b1) < 40:
        return None  # white, greys and black (header and banner fills) are no RAG colour
    best, best_d = None, COLOUR_TOLERANCE
    for (r2, g2, b2), level in _REFERENCE_RGB:
        if level not in levels:
            continue
        rmean = (r1 + r2) / 2
        d = ((2 + rmean / 256) * (r1 - r2) ** 2 + 4 * (g1 - g2) ** 2
             + (2 + (255 - rmean) / 256) * (b1 - b2) ** 2) ** 0.5 / 3
        if d < best_d:
            best, best_d = level, d
    return best
