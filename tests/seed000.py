"""What seed 000 (Plymouth CQC Action Plan 2018-19) says, computed straight from the seed TEXT.

A helper for tests, independent of xlplan and of ``xlplan/data/plymouth_action_plan.json``: a
reader that reads the bundled example workbooks should find exactly :func:`expected_rows`.

Seed layout: the table starts at the line beginning ``Action<TAB>Sub actions``; one table row a
line, cells separated by tabs, in the columns Action, Sub actions, SRO, Q1, Q2, Q3, Q4, Updates,
Risks/Issues, RAG Status (rows after the page break that splits an SRO name have one field fewer:
the same columns). Blank lines are page breaks. A lone "X" in the Updates or Risks/Issues position
is a milestone beyond Q4 (``later``), shifted there by the PDF extraction.
"""
from __future__ import annotations

import re
from pathlib import Path

SEED = Path(__file__).resolve().parent / "data" / "seeds" / "000_b38342e70e3dbb1b.txt"

COLUMNS = ("action", "sub_action", "sro", "q1", "q2", "q3", "q4", "updates", "risks_issues", "rag")
ROW_KEYS = ("theme", "aim", "action", "sub_action", "sro", "q1", "q2", "q3", "q4", "later",
            "updates", "risks_issues", "rag")

_PARA_BREAK = re.compile(r"</p\s*>[\s\u00a0]*<p\b[^>]*>", re.I)
_BR = re.compile(r"<br\s*/?>", re.I)
_P_TAG = re.compile(r"</?p\b[^>]*>", re.I)
_SPACES = re.compile(r"[ \t\u00a0]+")


def clean(text) -> str:
    """Text as compared in tests. Exactly these steps, in this order:

    1. ``None`` -> ``""``; anything else -> ``str``.
    2. Line breaks ``\\r\\n`` and ``\\r`` -> ``\\n``.
    3. A paragraph break -- ``</p>`` then optional whitespace / non-breaking spaces then ``<p>``
       (tags case-insensitive, ``<p ...>`` with attributes too) -- -> ``\\n``; ``<br>``,
       ``<br/>``, ``<br />`` -> ``\\n``.
    4. Every remaining ``<p>``/``<p ...>``/``</p>`` tag removed (no space put in its place).
    5. Runs of spaces, tabs and non-breaking spaces (U+00A0) -> one space.
    6. Each line stripped of spaces at both ends, empty lines dropped (so runs of line breaks
       become one), lines joined with ``\\n``.

    Nothing else: HTML entities are not decoded, case is kept, dashes and quotes are kept
    (the seed has an en dash in "Reduce Backlog – Recruit 4 additional nurses").
    """
    if text is None:
        return ""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    text = _PARA_BREAK.sub("\n", text)
    text = _BR.sub("\n", text)
    text = _P_TAG.sub("", text)
    text = _SPACES.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def table_lines() -> list[tuple[int, list[str]]]:
    """(1-based seed line number, raw cells) of every non-blank line of the table after its header."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("Action\tSub actions"))
    return [(n, line.split("\t")) for n, line in enumerate(lines[start + 1:], start + 2) if line.strip()]


def expected_rows() -> list[dict]:
    """One dict per sub-action, in reading order, with keys ``ROW_KEYS`` plus ``line``.

    Values are :func:`clean` ed. Action and SRO carry down from the row above within a theme (a
    new theme resets them); the fragment row ("Operations, Livewell Southwest", alone in the SRO
    column) is joined with one space to the SRO of the row above it:
    "Michelle Thomas, Director of Operations, Livewell Southwest". A lone "X" in the Updates or
    Risks/Issues position is ``later``.
    """
    rows: list[dict] = []
    theme = aim = action = sro = ""
    for number, cells in table_lines():
        cells = (cells + [""] * 10)[:10]
        filled = [i for i, c in enumerate(cells) if c.strip()]
        if filled == [0] and cells[0].startswith("Theme"):
            theme, aim, action, sro = clean(cells[0]), "", "", ""
            continue
        if filled == [0] and cells[0].startswith("Aim"):
            aim = clean(cells[0])
            continue
        if filled == [2]:  # fragment: the end of the SRO name on the row above
            sro = f"{sro} {clean(cells[2])}"
            rows[-1]["sro"] = sro
            continue
        raw = dict(zip(COLUMNS, cells))
        later = ""
        for key in ("updates", "risks_issues"):
            if raw[key].strip() == "X":
                later, raw[key] = raw[key], ""
        if raw["action"].strip():
            action = clean(raw["action"])
        if raw["sro"].strip():
            sro = clean(raw["sro"])
        rows.append({
            "line": number, "theme": theme, "aim": aim, "action": action,
            "sub_action": clean(raw["sub_action"]), "sro": sro,
            "q1": clean(raw["q1"]), "q2": clean(raw["q2"]), "q3": clean(raw["q3"]), "q4": clean(raw["q4"]),
            "later": clean(later), "updates": clean(raw["updates"]),
            "risks_issues": clean(raw["risks_issues"]), "rag": clean(raw["rag"]),
        })
    return rows


def expected_actions() -> list[str]:
    """The cleaned Action texts, in order, each once."""
    seen: list[str] = []
    for row in expected_rows():
        if row["action"] not in seen:
            seen.append(row["action"])
    return seen
