"""Cleaning cell text: HTML remnants, odd whitespace, numbers that should read as typed.

Two forms of every text: :func:`clean_text` is what users see in the output (readable, line
breaks kept, ``<p>`` remnants gone), :func:`match_key` is what rules compare (lower case,
single spaces).
"""
from __future__ import annotations

import datetime as dt
import html
import re

# Tags an export from a web form or SharePoint list leaves behind. Only these are stripped,
# so that text such as "<5% of cases" survives.
_HTML_TAG = re.compile(r"</?(?:p|br|div|span|i|b|u|em|strong|li|ul|ol|font|td|tr|table)\b[^>]*>",
                       re.IGNORECASE)
_PARA_BREAK = re.compile(r"</(?:p|div|li)>\s*<(?:p|div|li)\b[^>]*>|<br\s*/?>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f\u2009\u200b\ufeff]+")
_ODD_SPACES = ("\u00a0", "\u2007", "\u202f", "\u2009", "\u200b", "\ufeff")  # as in _SPACES
_BLANK_LINES = re.compile(r"\n{3,}")
_FORMULA_START = re.compile(r"^(?:=|\+|@|\{=|-(?![\s\d.]))")


def clean_text(value: object) -> str:
    """Readable text for output: tags and odd spaces gone, paragraph breaks as new lines."""
    if value.__class__ is not str:
        if value is None:
            return ""
        if not isinstance(value, str):
            return cell_text(value)
    s = value
    if "  " not in s and "\t" not in s and "\n" not in s and "\r" not in s and "<" not in s \
            and (s.isascii() or not _has_odd_space(s)):
        return s.strip()  # most cells: nothing to clean but the ends (the same result, faster)
    if "<" in s and _HTML_TAG.search(s):
        s = _PARA_BREAK.sub("\n", s)
        s = _HTML_TAG.sub("", s)
        s = html.unescape(s)
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = _SPACES.sub(" ", s)
    if "\n" in s:
        s = "\n".join(line.strip() for line in s.split("\n"))
        s = _BLANK_LINES.sub("\n\n", s)
    return s.strip()


def _has_odd_space(s: str) -> bool:
    """Any of :data:`_ODD_SPACES` in ``s`` (written out: three times faster than a loop)."""
    return ("\u00a0" in s or "\u2007" in s or "\u202f" in s or "\u2009" in s or "\u200b" in s
            or "\ufeff" in s)


def match_key(value: object) -> str:
    """Comparison form: cleaned, lower case, all whitespace runs as one space."""
    return " ".join(clean_text(value).lower().split())


def cell_text(value: object) -> str:
    """A non-text cell value as a person would read it: 3.0 -> '3', dates as ISO dates."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def looks_like_formula(text: str) -> bool:
    """Text that a spreadsheet or CSV reader could take for a formula.

    ``= + @`` and ``{=`` always; ``-`` only when followed by a letter or symbol, so a
    bulleted update ("- meeting held") or a negative number is not flagged.
    """
    return bool(text) and bool(_FORMULA_START.match(text))


# Job-title words that follow a name when the comma is missing ("Elaine Fitzsimmons Head of
# Commissioning, NEW Devon CCG").
_TITLE_WORDS = re.compile(r"\s+(?:Head|Director|Chief|Chair|Strategic|Interim|Manager|Assistant|"
                          r"Deputy|Lead|Senior|Associate|Executive|Programme|Project|Service)\b")


def person_name(sro: str) -> str:
    """The person an SRO cell names: its first line, text before the first comma, a job title
    written without a comma cut off."""
    first = clean_text(sro).split("\n")[0]
    name = first.split(",")[0].strip()
    match = _TITLE_WORDS.search(name)
    return (name[: match.start()] if match else name).strip()
