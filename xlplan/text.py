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


# Where a job title starts when it follows a name without a comma ("Elaine Fitzsimmons Head of
# Commissioning, NEW Devon CCG").
_TITLE_START = re.compile(r"\s+(?:Head|Director|Chief|Chair|Strategic|Interim|Manager|Assistant|"
                          r"Deputy|Lead|Senior|Associate|Executive|Programme|Project|Service)\b")
#: Words that make a cell a role, a team or an organisation rather than a person's name: when
#: the words before a job title include one ("Project Manager", "IT Security Lead"), the cell
#: names a role and is kept whole. Compared in lower case.
ROLE_WORDS = frozenset("""
    head director chief chair chairman chairwoman strategic interim manager assistant deputy lead
    senior associate executive programme program project service services officer analyst intern
    administrator admin architect engineer coordinator co-ordinator team board committee group
    department dept directorate unit office owner sponsor specialist consultant supervisor advisor
    adviser controller secretary treasurer partner partnership council trust it hr data security
    risk finance financial operations operational legal facilities commissioning clinical medical
    nursing cloud network business technical technology digital information systems governance
    quality compliance procurement contracts estates support delivery general corporate strategy
    planning performance communications marketing sales product research development health
    safety care pmo ceo cfo cio ciso cto coo the and of for
""".split())
_NAME_WORD = re.compile(r"^(?:[A-Z][a-z'\u2019]*\.?|[A-Z][a-z]*[A-Z][a-z]+|[A-Z]'[A-Z][a-z]+)"
                        r"(?:-[A-Z][a-z'\u2019]+)?$")


def _looks_like_a_name(words: list[str]) -> bool:
    """Words that could be a person's name: capitalised ("McArdle", "O'Neill", "Anne-Marie",
    "J."), none of them a role word or an acronym."""
    return bool(words) and all(_NAME_WORD.match(w) and w.lower().strip(".") not in ROLE_WORDS
                               for w in words)


def person_name(sro: object) -> str:
    """The person a cell names: its first line, the text before the first comma, and a job title
    written after the name without a comma cut off ("Elaine Fitzsimmons Head of Commissioning"
    -> "Elaine Fitzsimmons"). A role is kept whole: "Project Manager" and "IT Security Lead"
    name no person, so nothing is cut. The one function the package uses for people's names
    (submissions' SRO, templates, chart labels). '' for a blank cell."""
    lines = [ln for ln in clean_text(sro).split("\n") if ln.strip()]
    if not lines:
        return ""
    name = lines[0].split(",")[0].strip()
    match = _TITLE_START.search(name)
    if match and match.start() > 0 and _looks_like_a_name(name[:match.start()].split()):
        return name[:match.start()].strip()
    return name
