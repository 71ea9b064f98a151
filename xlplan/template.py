"""Next month's workbooks for the SROs: their own rows from the consolidated workbook, pre-filled.

``xlplan template --from CONSOLIDATED.xlsx -o DIR`` closes the monthly loop: every SRO gets one
workbook holding the action-plan rows (and risks) the consolidated workbook has for them, laid
out so that xlplan reads it back with no surprises next month, and so that an SRO sees at once
what to fill in.

What a template holds (sheet by sheet):

* **Action plan** -- a short title block, then one header row xlplan recognises, Theme and Aim
  banners (merged across the table), one row per sub-action, and ten empty rows for new ones.
  Columns: ``Ref`` (always; a row that had no Ref gets its stable key, ``K-...``, so next
  month's merge follows it even if its text is edited), Action, Sub action, SRO, Q1-Q4 (and
  Later / Timeframe when the SRO's rows use them), ``Last month update`` (grey, read-only),
  ``Updates`` (empty: this month's), Risks/Issues, ``Last month RAG`` (grey, read-only, coloured),
  ``RAG`` (empty: this month's), then the extra columns the SRO kept (they survive the loop).
* **Risks** -- when the consolidated workbook has risks for the SRO: Ref, Owner, Description...,
  ``Previous score`` (last month's, read-only), Likelihood and Impact (pre-filled with last
  month's rating, dropdowns), ``Score`` and ``RAG`` as live formulas (cached values written).
* **Instructions** -- what to fill in, the RAG scale with its labels and colours, what the
  dropdowns do, what is locked and why, who to send the workbook to.

Decisions:

* This month's RAG and Updates start **empty**, with last month's shown beside them. A row the
  SRO does not touch comes back "not reported" rather than silently repeating last month's
  Green: the board sees who did not report. Milestones, Risks/Issues and extra columns are
  pre-filled (they are the plan, not this month's status); risk ratings are pre-filled too (a
  register is a standing document: the rating holds until someone reviews it).
* **Protection guides, it does not secure**: the sheets are protected *without a password*;
  Ref, Action, SRO, the banners and the grey columns are locked, everything to fill in is
  unlocked; rows can be inserted (a new sub-action under its action) and rows and columns
  resized. Review > Unprotect Sheet lifts it (the Instructions say so).
* Dropdowns: RAG is a list of the programme's labels and refuses anything else (a stop
  message); Q1-Q4/Later offer ``X`` and ``Complete`` but accept a date or "Q2 18/19" after a
  warning; likelihood and impact are lists of the matrix's numbers.
* The RAG columns carry the same conditional formatting as the consolidated workbook (one
  "equal to label" rule per level, from :class:`xlplan.write.formats.Formats`).
* Which rows an SRO gets: rows are grouped into actions (consecutive rows of one source file
  with the same theme and action); an action goes whole to the person named first on it (the
  SRO text before the first comma, job title dropped), so a sub-action led by someone else
  stays in the workbook it came from. Rows carried forward last month are included: the SRO
  can update or close them. Risks go to their owner.
* Extra columns: those of the consolidated Actions sheet that hold a value on at least one of
  the SRO's rows (the consolidated workbook does not record which file had which column).
* Written with xlsxwriter, every text through ``write_string``; fixed document properties, so
  the same consolidated workbook gives the same bytes. Written to a temporary file and renamed
  into place.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .atomic import HeldFile
from .config import Programme, load_config
from .issues import col_letter
from .layout import print_setup, row_height
from .schema.palette import hex_colour
from .schema.rag import CANONICAL_LEVELS, LEVEL_FILL, LEVEL_FONT
from .text import match_key, person_name

__all__ = [
    "REFERENCE_HEADERS",
    "TemplateError",
    "make_templates",
    "make_blank_template",
    "sro_person",
    "next_period",
]

#: Sheet names of a template.
ACTION_SHEET = "Action plan"
RISK_SHEET = "Risks"
INSTRUCTIONS_SHEET = "Instructions"

#: Headers of the read-only columns showing last month's values. They are for the SRO's eyes
#: only: the reader should not carry them as extra columns (``normalise.common.extra_columns``
#: is the place to skip them); :func:`plans_from_previous` never carries them forward.
LAST_RAG_HEADER = "Last month RAG"
LAST_UPDATE_HEADER = "Last month update"
REFERENCE_HEADERS = frozenset({LAST_RAG_HEADER, LAST_UPDATE_HEADER})

#: Empty rows left at the bottom of each sheet for new rows.
SPARE_ROWS = 10
RISK_SPARE_ROWS = 5
#: Rows in the blank template.
BLANK_ROWS = 40

#: The title block above the header row (0-based row of the header).
HEADER_ROW = 3

MARKER_CHOICES = ("X", "Complete")

WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "in_memory": True,  # no temp files; zip members dated 1980-01-01 (deterministic)
}

# Colours: the consolidated workbook's palette (xlplan.schema.palette).
NAVY = hex_colour("navy")
FILL_HEAD = hex_colour("fill_in_head")   # header of a column to fill in
REF_HEAD = hex_colour("grey")            # header of a read-only reference column
KEY_FILL = hex_colour("light_grey")      # locked key cells
REF_FILL = hex_colour("reference_fill")  # read-only reference cells
REF_FONT = hex_colour("reference_font")
BORDER = hex_colour("border")
THEME_FILL = hex_colour("navy")
AIM_FILL = hex_colour("light_blue")

#: What each RAG level means, in plain words (shown on the Instructions sheet).
RAG_MEANING = {
    "Complete": "Done: the action or milestone has been delivered.",
    "Green": "On track: will be delivered as planned.",
    "Amber/Green": "Minor issues: delivery likely, the issues are in hand.",
    "Amber": "At risk: issues need attention to deliver as planned.",
    "Amber/Red": "Serious issues: delivery unlikely without further action.",
    "Red": "Off track: will not be delivered as planned; needs escalation.",
}


class TemplateError(ValueError):
    """Templates cannot be made from that file or into that place; the message says why."""


# ------------------------------------------------------------------------------------ helpers
_BAD_NAME = re.compile(r'[\x00-\x1f\\/:*?"<>|]+')


def sro_person(sro: object) -> str:
    """The person in an SRO cell (:func:`xlplan.text.person_name`: the first line, text before
    the first comma, a job title written without a comma dropped, a role kept whole). '' for a
    blank cell."""
    return person_name(_text(sro))


def next_period(period: str) -> str:
    """'2018-03' -> '2018-04'; '' when the period is not 'YYYY-MM'."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", (period or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        return ""
    year, month = int(m.group(1)), int(m.group(2)) + 1
    if month == 13:
        year, month = year + 1, 1
    return f"{year:04d}-{month:02d}"


def _period_words(period: str) -> str:
    try:
        return dt.datetime.strptime(period, "%Y-%m").strftime("%B %Y")
    except (TypeError, ValueError):
        return ""


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if value is pd.NaT:
        return ""
    if isinstance(value, str):
        return value
    from .text import cell_text

    return cell_text(value)


def _blank(value) -> bool:
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def safe_file_name(name: str, limit: int = 120) -> str:
    name = _BAD_NAME.sub(" ", name)
    name = " ".join(name.split()).strip(" .")
    return name[:limit].rstrip(" .") or "SRO"


def _programme(programme) -> Programme:
    if isinstance(programme, Programme):
        return programme
    return load_config(programme)


def programme_of(prev) -> Programme:
    """Without a programme file: the built-in defaults, with the programme name and the RAG
    scale and labels the consolidated workbook was written with (its hidden META sheet), so
    that an SRO sees the labels the board reads."""
    from .consolidated import META

    overrides: dict = {}
    if prev.labels:
        levels = [lv for lv in CANONICAL_LEVELS if lv in prev.labels]
        overrides["rag"] = {"levels": levels, "labels": dict(prev.labels)}
    for row in prev.sheets.get(META, []):
        if len(row) > 1 and _text(row[0]) == "programme" and _text(row[1]).strip():
            overrides["programme"] = {"name": _text(row[1]).strip()}
            break
    return load_config(overrides=overrides)


def _coordinator(programme: Programme) -> tuple[str, str]:
    """(who, by when) from the optional ``[programme] coordinator`` / ``return_by`` keys."""
    prog = programme.raw.get("programme", {}) if isinstance(programme.raw, dict) else {}
    return str(prog.get("coordinator", "") or ""), str(prog.get("return_by", "") or "")


def _atomic_write(path: Path, data: bytes) -> Path:
    from .atomic import write_bytes

    return write_bytes(path, data)


# ------------------------------------------------------------------------------ what is written
@dataclass
class ActionRow:
    ref: str
    theme: str
    aim: str
    action: str
    sub_action: str
    sro: str
    markers: dict[str, str]
    timeframe: str
    updates: str           # this month's (empty in a template made from last month)
    risks_issues: str
    rag: str               # this month's (empty)
    last_rag: str          # the label (or the text as typed when it was not on the scale)
    last_rag_level: str
    last_update: str
    extras: dict[str, object] = field(default_factory=dict)


@dataclass
class RiskRow:
    values: dict[str, object]           # tidy name -> value (ref, owner, category, ...)
    likelihood: int | None
    impact: int | None
    previous_score: int | None    # last month's score: the template's reference column
    extras: dict[str, object] = field(default_factory=dict)


@dataclass
class SroPlan:
    """One SRO's template: their rows, the extra columns they keep, their risks."""

    person: str
    rows: list[ActionRow] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)
    risks: list[RiskRow] = field(default_factory=list)
    risk_extra_columns: list[str] = field(default_factory=list)
    has_later: bool = False
    has_timeframe: bool = False
    has_inherent: bool = False


# ------------------------------------------------------------------------- from the consolidated
def _action_groups(df: pd.DataFrame) -> list[list[int]]:
    """Consecutive rows of one file with the same theme and action (action blank = same)."""
    groups: list[list[int]] = []
    last = None
    for i, (file, theme, action) in enumerate(zip(df["file"], df["theme"], df["action"])):
        ident = (_text(file), _text(theme), _text(action))
        if groups and last is not None and ident[:2] == last[:2] and \
                (ident[2] == last[2] or not ident[2]):
            groups[-1].append(i)
        else:
            groups.append([i])
            last = ident
    return groups


def plans_from_previous(prev, programme: Programme) -> dict[str, SroPlan]:
    """Each SRO's rows (and risks) from a read consolidated workbook, in order of appearance."""
    scale = programme.rag
    df = prev.actions.reset_index(drop=True)
    extras_all = [c for c in df.columns if c not in _PREVIOUS_FIXED and c not in REFERENCE_HEADERS
                  and not str(c).startswith("_")]
    plans: dict[str, SroPlan] = {}
    for group in _action_groups(df) if not df.empty else []:
        first_sro = next((_text(df.at[i, "sro"]) for i in group if _text(df.at[i, "sro"])), "")
        person = sro_person(first_sro) or "No SRO"
        plan = plans.setdefault(person, SroPlan(person))
        for i in group:
            rec = df.loc[i]
            level = _text(rec.get("rag"))
            if level in CANONICAL_LEVELS:
                last_rag = scale.label(level)
            else:
                last_rag = _text(rec.get("rag_text"))
            markers = {q: _text(rec.get(q)) for q in ("q1", "q2", "q3", "q4", "later")}
            plan.has_later |= bool(markers["later"])
            timeframe = _text(rec.get("timeframe"))
            plan.has_timeframe |= bool(timeframe)
            plan.rows.append(ActionRow(
                ref=_text(rec.get("ref")) or _text(rec.get("key")),
                theme=_text(rec.get("theme")), aim=_text(rec.get("aim")),
                action=_text(rec.get("action")), sub_action=_text(rec.get("sub_action")),
                sro=_text(rec.get("sro")), markers=markers, timeframe=timeframe,
                updates="", risks_issues=_text(rec.get("risks_issues")), rag="",
                last_rag=last_rag, last_rag_level=level if level in CANONICAL_LEVELS else "",
                last_update=_text(rec.get("updates")),
                extras={c: rec.get(c) for c in extras_all}))
    for plan in plans.values():
        plan.extra_columns = [c for c in extras_all
                              if any(not _blank(r.extras.get(c)) for r in plan.rows)]
        for r in plan.rows:
            r.extras = {c: r.extras.get(c) for c in plan.extra_columns}
    _risks_from_previous(prev, plans)
    return plans


_PREVIOUS_FIXED = frozenset({
    "key", "ref", "theme", "aim", "action", "sub_action", "sro", "q1", "q2", "q3", "q4", "later",
    "timeframe", "due", "due_date", "updates", "risks_issues", "rag", "rag_text", "previous_rag",
    "movement", "status", "overdue", "complete", "issue_codes", "file", "sheet", "source_row",
    "rag_source", "due_cell", "has_error",
})

#: Template risk columns: (tidy, header, width). Likelihood/Impact/Score/RAG are placed by
#: the writer; Previous score is the read-only reference.
RISK_TEXT_COLUMNS = (
    ("ref", "Ref", 10), ("owner", "Owner", 24), ("category", "Category", 16),
    ("description", "Description", 50), ("link", "Link to plan", 24),
    ("controls", "Controls", 40), ("assurances", "Assurances", 30),
)
RISK_AFTER_COLUMNS = (
    ("target_score", "Target score", 10), ("action_plan", "Action plan", 40),
    ("review_date", "Review date", 14),
)
_RISK_VALUES = ("ref", "owner", "category", "description", "link", "controls", "assurances",
                "target_score", "inherent_score", "action_plan", "review_date")


def _int_or_none(value) -> int | None:
    if isinstance(value, bool) or _blank(value):
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return int(f) if f.is_integer() else None


def _risks_from_previous(prev, plans: dict[str, SroPlan]) -> None:
    """Last month's risks (the consolidated Risks sheet, read back as the next merge reads it)
    to their owners. A risk without a Ref gets its key as Ref, as action rows do."""
    from .merging.risks import previous_risks

    before = previous_risks(prev) or {}
    by_person: dict[str, list[RiskRow]] = {}
    for key, rec in before.items():
        values = {name: rec.get(name, "") for name in _RISK_VALUES}
        values = {k: ("" if v is None else v) for k, v in values.items()}
        values["ref"] = _text(values["ref"]) or _text(key)
        if isinstance(values["review_date"], dt.datetime):
            values["review_date"] = values["review_date"].date()
        lik, imp = _int_or_none(rec.get("likelihood")), _int_or_none(rec.get("impact"))
        score = lik * imp if lik is not None and imp is not None else \
            _int_or_none(rec.get("score"))
        risk = RiskRow(values, lik, imp, score, dict(rec.get("_extras") or {}))
        by_person.setdefault(sro_person(values["owner"]) or "No SRO", []).append(risk)
    for person, risks in by_person.items():
        plan = plans.setdefault(person, SroPlan(person))
        plan.risks = risks
        names: list[str] = []
        for r in risks:
            names += [h for h, v in r.extras.items() if not _blank(v) and h not in names]
        plan.risk_extra_columns = names
        plan.has_inherent = any(not _blank(r.values.get("inherent_score")) for r in risks)
        for r in risks:
            r.extras = {h: r.extras.get(h) for h in names}


# ------------------------------------------------------------------------------- the workbook
class _Book:
    """One template workbook being written: its formats (made once each, in first-use order)."""

    def __init__(self, programme: Programme, period: str, person: str):
        import xlsxwriter

        from .write.formats import Formats

        self.programme = programme
        self.period = period
        self.person = person
        self.buf = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.buf, WORKBOOK_OPTIONS)
        self.fmts = Formats(self.wb, programme.rag)
        words = _period_words(period)
        who = f" - {person}" if person else ""
        self.wb.set_properties({
            "title": f"{programme.name} - SRO return{who}" + (f" - {words}" if words else ""),
            "subject": "Action plan and risk register return",
            "author": "xlplan",
            "company": "",
            "comments": "Made by xlplan template. Fill in the white columns; see Instructions.",
            "created": dt.datetime.strptime(period, "%Y-%m") if words
            else dt.datetime(2000, 1, 1),
        })
        self.wb.set_size(1600, 1000)

    def get(self, **props):
        return self.fmts.get(**props)

    # named formats
    def header(self, kind: str):
        bg = {"key": NAVY, "fill": FILL_HEAD, "ref": REF_HEAD}[kind]
        return self.get(bold=True, text_wrap=True, valign="top", font_color="#FFFFFF",
                        bg_color=bg, border=1, border_color=BORDER, locked=True)

    def cell(self, kind: str, *, centre: bool = False, wrap: bool = True, **extra):
        props: dict = {"valign": "top", "border": 1, "border_color": BORDER}
        if wrap:
            props["text_wrap"] = True
        if centre:
            props["align"] = "center"
        if kind == "key":
            props.update(bg_color=KEY_FILL, locked=True)
        elif kind == "ref":
            props.update(bg_color=REF_FILL, font_color=REF_FONT, italic=True, locked=True)
        else:
            props["locked"] = False
        props.update(extra)
        return self.get(**props)

    def close(self) -> bytes:
        self.wb.close()
        return self.buf.getvalue()


def _put(book: _Book, ws, row: int, col: int, value, fmt) -> None:
    from .write.formats import put

    put(ws, book.fmts, row, col, value, fmt)


def _title_block(book: _Book, ws, title: str, subtitle: str, note: str) -> None:
    from .write.formats import put_text

    put_text(ws, book.fmts, 0, 0, title, book.get(bold=True, font_size=14, font_color=NAVY))
    put_text(ws, book.fmts, 1, 0, subtitle, book.get(bold=True, font_size=11))
    put_text(ws, book.fmts, 2, 0, note, book.get(italic=True, font_color=REF_FONT))
    ws.set_row(0, 21)


def _protect(ws) -> None:
    """Protection without a password: it guides (locked cells say 'not yours to edit'), it does
    not secure (Review > Unprotect Sheet lifts it)."""
    ws.protect("", {
        "select_locked_cells": True,
        "select_unlocked_cells": True,
        "format_columns": True,
        "format_rows": True,
        "insert_rows": True,
        "insert_columns": False,
        "delete_rows": False,
        "sort": False,
        "autofilter": False,
        "objects": False,
        "scenarios": False,
    })


def _print_setup(book: _Book, ws, title: str, header_row: int | None) -> None:
    """xlplan's one print setup, with the programme and the month in the footer."""
    print_setup(ws, title, repeat_rows=header_row, programme=book.programme.name,
                period=_period_words(book.period))


def _rag_list_source(book: _Book) -> list[str] | str:
    """The RAG dropdown's list: the labels inline, or the Instructions sheet's table when a
    label holds a comma or the list is too long for Excel's 255 characters."""
    labels = [book.programme.rag.label(lv) for lv in book.programme.rag.levels]
    if all("," not in lab and '"' not in lab for lab in labels) and \
            len(",".join(labels)) <= 250:
        return labels
    first = RAG_TABLE_ROW + 2
    last = first + len(labels) - 1
    return f"='{INSTRUCTIONS_SHEET}'!$A${first}:$A${last}"


def _rag_validation(book: _Book, ws, first: int, col: int, last: int) -> None:
    labels = [book.programme.rag.label(lv) for lv in book.programme.rag.levels]
    shown = ", ".join(labels)
    ws.data_validation(first, col, last, col, {
        "validate": "list", "source": _rag_list_source(book), "ignore_blank": True,
        "input_title": "RAG this month",
        "input_message": ("Pick from the list: " + shown)[:255],
        "error_title": "Not on the RAG scale",
        "error_message": ("Pick one of: " + shown + ". See the Instructions sheet.")[:255],
        "error_type": "stop",
    })


def _marker_validation(ws, first: int, col: int, last: int) -> None:
    ws.data_validation(first, col, last, col, {
        "validate": "list", "source": list(MARKER_CHOICES), "ignore_blank": True,
        "input_title": "Milestone",
        "input_message": "X = due this quarter; Complete = done. A date or 'Q2 18/19' "
                         "also works.",
        "error_title": "Milestone",
        "error_message": "Usually X (due this quarter) or Complete. Keep what you typed? "
                         "A date or a quarter such as 'Q2 18/19' is fine.",
        "error_type": "warning",
    })


# ------------------------------------------------------------------------- the action plan sheet
@dataclass(frozen=True)
class _Col:
    tidy: str
    header: str
    kind: str      # key | fill | ref
    width: float
    centre: bool = False


def _action_columns(plan: SroPlan, *, blank: bool = False) -> list[_Col]:
    cols = [
        _Col("ref", "Ref", "key", 14),
        _Col("action", "Action", "fill" if blank else "key", 30),
        _Col("sub_action", "Sub action", "fill", 36),
        _Col("sro", "SRO", "fill" if blank else "key", 20),
        _Col("q1", "Q1", "fill", 9, True), _Col("q2", "Q2", "fill", 9, True),
        _Col("q3", "Q3", "fill", 9, True), _Col("q4", "Q4", "fill", 9, True),
    ]
    if plan.has_later:
        cols.append(_Col("later", "Later", "fill", 9, True))
    if plan.has_timeframe:
        cols.append(_Col("timeframe", "Timeframe", "fill", 12, True))
    if not blank:
        cols.append(_Col("last_update", LAST_UPDATE_HEADER, "ref", 34))
    cols.append(_Col("updates", "Updates", "fill", 45))
    cols.append(_Col("risks_issues", "Risks/Issues", "fill", 30))
    if not blank:
        cols.append(_Col("last_rag", LAST_RAG_HEADER, "ref", 12, True))
    cols.append(_Col("rag", "RAG", "fill", 12, True))
    for name in plan.extra_columns:
        cols.append(_Col("extra:" + name, name, "fill", 20))
    return cols


def _banner_text(text: str, kind: str) -> str:
    """Banner text the reader recognises as a theme or an aim."""
    key = match_key(text)
    if kind == "aim" and not key.startswith("aim"):
        return f"Aim: {text}"
    if kind == "theme" and key.startswith("aim"):
        return f"Theme: {text}"
    return text


def _ordered(rows: list[ActionRow]) -> list[ActionRow]:
    """Rows grouped by theme, then aim (order of first appearance; blank ones first, since a
    banner cannot be 'unset' below it), then as they were."""
    themes: dict[str, dict[str, list[ActionRow]]] = {}
    for r in rows:
        themes.setdefault(r.theme, {}).setdefault(r.aim, []).append(r)
    out: list[ActionRow] = []
    for theme in sorted(themes, key=lambda t: t != ""):
        aims = themes[theme]
        for aim in sorted(aims, key=lambda a: a != ""):
            out.extend(aims[aim])
    return out


def _write_action_sheet(book: _Book, plan: SroPlan, *, blank: bool = False) -> None:
    ws = book.wb.add_worksheet(ACTION_SHEET)
    cols = _action_columns(plan, blank=blank)
    ncols = len(cols)
    idx = {c.tidy: i for i, c in enumerate(cols)}
    words = _period_words(book.period)
    name = book.programme.name
    if blank:
        _title_block(book, ws, f"{name}: action plan",
                     "SRO: ____________    Month: ____________",
                     "Fill in one row per sub-action; banner rows (Theme..., Aim: ...) group them. "
                     "See the Instructions sheet.")
    else:
        _title_block(book, ws, f"{name}: action plan return",
                     f"SRO: {plan.person}" + (f"    Month: {words}" if words else ""),
                     "Fill in the white columns (RAG and Updates for this month); grey columns "
                     "are last month's, for reference. See the Instructions sheet.")
    hr = HEADER_ROW
    for c, col in enumerate(cols):
        ws.write_string(hr, c, col.header, book.header(col.kind))
        ws.set_column(c, c, col.width)
    ws.set_row(hr, 32)

    theme_fmt = book.get(bold=True, font_color="#FFFFFF", bg_color=THEME_FILL, font_size=12,
                         text_wrap=True, valign="vcenter", locked=True, border=1,
                         border_color=BORDER)
    aim_fmt = book.get(italic=True, bg_color=AIM_FILL, text_wrap=True, valign="vcenter",
                       locked=True, border=1, border_color=BORDER)
    total_width = sum(c.width for c in cols)

    def banner(r: int, text: str, fmt) -> None:
        ws.merge_range(r, 0, r, ncols - 1, "", fmt)
        ws.write_string(r, 0, text, fmt)
        ws.set_row(r, row_height([(text, total_width)], line_pt=16, minimum=20))  # 12 pt

    r = hr + 1
    first_data = r
    theme = aim = None
    prev_action = prev_sro = None
    for row in _ordered(plan.rows):
        if row.theme != theme:
            theme, aim = row.theme, None
            prev_action = prev_sro = None
            if row.theme:
                banner(r, _banner_text(row.theme, "theme"), theme_fmt)
                r += 1
        if row.aim != aim:
            aim = row.aim
            if row.aim:
                banner(r, _banner_text(row.aim, "aim"), aim_fmt)
                r += 1
        # Action and SRO on the first row of an action only, as SROs write them (the reader
        # carries them down), so an inserted sub-action row takes them from above.
        show_action = row.action != prev_action
        show_sro = show_action or (row.sro != prev_sro and bool(row.sro))
        values = {
            "ref": row.ref,
            "action": row.action if show_action else "",
            "sub_action": row.sub_action,
            "sro": row.sro if show_sro else "",
            **row.markers,
            "timeframe": row.timeframe,
            "last_update": row.last_update,
            "updates": row.updates,
            "risks_issues": row.risks_issues,
            "last_rag": row.last_rag,
            "rag": row.rag,
        }
        for name_, v in row.extras.items():
            values["extra:" + name_] = v
        prev_action, prev_sro = row.action, row.sro
        for c, col in enumerate(cols):
            v = values.get(col.tidy, "")
            fmt = book.cell(col.kind, centre=col.centre, wrap=col.tidy != "ref")
            if isinstance(v, str):
                from .write.formats import put_text

                put_text(ws, book.fmts, r, c, v, fmt)
            else:
                _put(book, ws, r, c, v, fmt)
        ws.set_row(r, row_height([(values.get(col.tidy, ""), col.width) for col in cols]))
        r += 1
    last_data = r - 1
    # Empty rows for new sub-actions or actions: everything but Ref and the grey columns open.
    spare = BLANK_ROWS if blank else SPARE_ROWS
    for _ in range(spare):
        for c, col in enumerate(cols):
            kind = "ref" if col.kind == "ref" else ("key" if col.tidy == "ref" else "fill")
            ws.write_blank(r, c, None, book.cell(kind, centre=col.centre, wrap=col.tidy != "ref"))
        r += 1
    last = r - 1
    # Dropdowns and colours over the data and the empty rows.
    _rag_validation(book, ws, first_data, idx["rag"], last)
    book.fmts.rag_conditional_formats(ws, first_data, idx["rag"], last)
    if "last_rag" in idx:
        book.fmts.rag_conditional_formats(ws, first_data, idx["last_rag"], max(last_data,
                                                                                first_data))
    for q in ("q1", "q2", "q3", "q4", "later"):
        if q in idx:
            _marker_validation(ws, first_data, idx[q], last)
    ws.freeze_panes(hr + 1, 0)
    _print_setup(book, ws, f"{name} - {plan.person or 'action plan'}"
                 + (f" - {words}" if words else ""), hr)
    _protect(ws)
    ws.activate()


# ------------------------------------------------------------------------------ the risks sheet
def _risk_layout(plan: SroPlan) -> list[_Col]:
    cols = [_Col(t, h, "key" if t in ("ref", "owner") else "fill", w)
            for t, h, w in RISK_TEXT_COLUMNS]
    if plan.has_inherent:
        cols.append(_Col("inherent_score", "Inherent score", "fill", 10, True))
    cols += [
        _Col("previous_score", "Previous score", "ref", 10, True),
        _Col("likelihood", "Likelihood", "fill", 11, True),
        _Col("impact", "Impact", "fill", 10, True),
        _Col("score", "Score", "key", 9, True),
        _Col("rag", "RAG", "key", 12, True),
    ]
    cols += [_Col(t, h, "fill", w) for t, h, w in RISK_AFTER_COLUMNS]
    for name in plan.risk_extra_columns:
        cols.append(_Col("extra:" + name, name, "fill", 20))
    return cols


def _band_formula(score_ref: str, programme: Programme) -> tuple[str, object]:
    """The RAG of a score as the consolidated Risks sheet computes it (the programme's score
    bands, :func:`xlplan.write.risks.band_formula`) and the same rule in Python, for the
    cached value."""
    from .write.risks import band_formula

    matrix = programme.risk_matrix
    label = programme.rag.label

    def value(score: int | None) -> str:
        rag = matrix.rag_for(score) if score is not None else None
        return label(rag) if rag else ""

    return band_formula(score_ref, matrix, label), value


def _write_risk_sheet(book: _Book, plan: SroPlan, *, blank: bool = False) -> None:
    ws = book.wb.add_worksheet(RISK_SHEET)
    cols = _risk_layout(plan)
    if blank:
        cols = [c for c in cols if c.tidy != "previous_score"]
        cols = [(_Col(c.tidy, c.header, "fill", c.width, c.centre) if c.tidy in ("ref", "owner")
                 else c) for c in cols]
    idx = {c.tidy: i for i, c in enumerate(cols)}
    words = _period_words(book.period)
    name = book.programme.name
    matrix = book.programme.risk_matrix
    (l_lo, l_hi), (i_lo, i_hi) = matrix.likelihood, matrix.impact
    _title_block(book, ws, f"{name}: risk register" + ("" if blank else " return"),
                 (f"Owner: {plan.person}" if plan.person else "Owner: ____________")
                 + (f"    Month: {words}" if words else ""),
                 f"Review each risk: pick Likelihood ({l_lo}-{l_hi}) and Impact ({i_lo}-{i_hi}); "
                 "Score and RAG work themselves out. See the Instructions sheet.")
    hr = HEADER_ROW
    for c, col in enumerate(cols):
        ws.write_string(hr, c, col.header, book.header(col.kind))
        ws.set_column(c, c, col.width)
    ws.set_row(hr, 32)
    lc, ic, sc = col_letter(idx["likelihood"]), col_letter(idx["impact"]), col_letter(idx["score"])
    r = hr + 1
    first = r
    rows = [] if blank else plan.risks
    spare = BLANK_ROWS // 2 if blank else RISK_SPARE_ROWS
    from .write.formats import put_text

    for k in range(len(rows) + spare):
        risk = rows[k] if k < len(rows) else None
        excel_row = r + 1
        score_ref = f"{sc}{excel_row}"
        band_formula, band_value = _band_formula(score_ref, book.programme)
        lik = risk.likelihood if risk else None
        imp = risk.impact if risk else None
        score = lik * imp if lik is not None and imp is not None else None
        for c, col in enumerate(cols):
            fmt = book.cell(col.kind, centre=col.centre, wrap=col.tidy not in ("ref",))
            if risk is None and col.tidy in ("ref", "owner") and not blank:
                fmt = book.cell("fill", centre=col.centre, wrap=col.tidy != "ref")
            if col.tidy == "likelihood":
                _put(book, ws, r, c, lik, fmt) if lik is not None else ws.write_blank(r, c, None,
                                                                                      fmt)
            elif col.tidy == "impact":
                _put(book, ws, r, c, imp, fmt) if imp is not None else ws.write_blank(r, c, None,
                                                                                      fmt)
            elif col.tidy == "score":
                ws.write_formula(r, c, f'=IF(AND(ISNUMBER({lc}{excel_row}),ISNUMBER('
                                       f'{ic}{excel_row})),{lc}{excel_row}*{ic}{excel_row},"")',
                                 fmt, score if score is not None else "")
            elif col.tidy == "rag":
                ws.write_formula(r, c, "=" + band_formula, fmt, band_value(score))
            elif risk is None:
                ws.write_blank(r, c, None, fmt)
            elif col.tidy == "previous_score":
                _put(book, ws, r, c, risk.previous_score, fmt)
            elif col.tidy.startswith("extra:"):
                _put(book, ws, r, c, risk.extras.get(col.tidy[6:]), fmt)
            else:
                v = risk.values.get(col.tidy, "")
                if isinstance(v, str):
                    put_text(ws, book.fmts, r, c, v, fmt)
                else:
                    _put(book, ws, r, c, v, fmt)
        if risk is not None:
            ws.set_row(r, row_height([(risk.values.get(col.tidy, ""), col.width)
                                      for col in cols]))
        r += 1
    last = r - 1
    for key, (lo, hi) in (("likelihood", (l_lo, l_hi)), ("impact", (i_lo, i_hi))):
        c = idx[key]
        ws.data_validation(first, c, last, c, {
            "validate": "list", "source": [str(n) for n in range(lo, hi + 1)],
            "ignore_blank": True,
            "input_title": key.title(),
            "input_message": f"{key.title()} from {lo} (lowest) to {hi} (highest).",
            "error_title": key.title(),
            "error_message": f"{key.title()} is a whole number from {lo} to {hi}.",
            "error_type": "stop",
        })
    book.fmts.rag_conditional_formats(ws, first, idx["rag"], last)
    ws.freeze_panes(hr + 1, 0)
    _print_setup(book, ws, f"{name} - risks - {plan.person or 'register'}"
                 + (f" - {words}" if words else ""), hr)
    _protect(ws)


# ---------------------------------------------------------------------------- instructions sheet
#: 0-based row where the RAG table's header is on the Instructions sheet.
RAG_TABLE_ROW = 4


def _write_instructions(book: _Book, plan: SroPlan, *, blank: bool = False,
                        has_actions: bool = True, has_risks: bool = False) -> None:
    from .write.formats import put_text

    ws = book.wb.add_worksheet(INSTRUCTIONS_SHEET)
    ws.set_column(0, 0, 21)
    ws.set_column(1, 1, 100)
    scale = book.programme.rag
    words = _period_words(book.period)
    coordinator, return_by = _coordinator(book.programme)
    title = book.get(bold=True, font_size=14, font_color=NAVY)
    bold = book.get(bold=True)
    wrap = book.get(text_wrap=True, valign="top")
    heading = book.get(bold=True, font_size=12, font_color=NAVY)
    who = f" for {plan.person}" if plan.person and not blank else ""
    put_text(ws, book.fmts, 0, 0, f"How to fill in this return{who}"
             + (f" ({words})" if words else ""), title)
    put_text(ws, book.fmts, 1, 0, book.programme.name, bold)
    put_text(ws, book.fmts, 3, 0, "The RAG scale: pick one of these in the RAG column.", heading)
    # The RAG table. Its first column lists the labels (the dropdown may point at it).
    r = RAG_TABLE_ROW
    put_text(ws, book.fmts, r, 0, "Pick", bold)
    put_text(ws, book.fmts, r, 1, "When to use it", bold)
    for lv in scale.levels:
        r += 1
        fill = "#" + LEVEL_FILL.get(lv, "FFFFFF")
        font = "#" + LEVEL_FONT.get(lv, "000000")
        put_text(ws, book.fmts, r, 0, scale.label(lv),
                 book.get(bold=True, bg_color=fill, font_color=font, align="center",
                          border=1, border_color=BORDER))
        put_text(ws, book.fmts, r, 1, RAG_MEANING.get(lv, ""), wrap)
        ws.set_row(r, row_height([(RAG_MEANING.get(lv, ""), 100)]))
    r += 1
    put_text(ws, book.fmts, r, 0, "(blank)", book.get(align="center", border=1,
                                                      border_color=BORDER))
    put_text(ws, book.fmts, r, 1, "Not started, or not reported this month. A row left blank "
             "shows as 'Not reported' on the board's dashboard.", wrap)
    r += 2
    put_text(ws, book.fmts, r, 0, "What to do", heading)
    steps: list[tuple[str, str]] = []
    if has_actions and blank:
        steps += [
            ("Layout", f"On the '{ACTION_SHEET}' sheet write one row per sub-action "
             "(milestone). Put the action's name and its SRO on its first row; the rows below "
             "belong to the same action until a new action is named. A row with only one cell "
             "filled, starting 'Theme ...:' or 'Aim: ...', is a banner that groups the rows "
             "under it."),
            ("Ref", "Give each row a short reference (e.g. 1.1, 1.2) if you can: it lets "
             "xlplan follow the row from month to month even when its wording changes."),
            ("RAG", "Pick the RAG for every row from the dropdown in the RAG column."),
        ]
    elif has_actions:
        steps += [
            ("RAG", f"On the '{ACTION_SHEET}' sheet, pick this month's RAG for every row "
             "from the dropdown in the RAG column. Last month's RAG is in the grey column "
             "beside it, for reference only. If nothing changed, pick the same RAG again: a "
             "blank RAG is reported as 'Not reported'."),
            ("Updates", "Write this month's progress in Updates. Last month's update is in "
             "the grey column on its left; copy it across and edit it if most of it still "
             "holds."),
        ]
    if has_actions:
        steps += [
            ("Milestones", "Q1 to Q4 are the quarters of the financial year. Pick X in the "
             "quarter a milestone is due, or Complete once it is done. A date (e.g. 30/09/2018) "
             "or a quarter such as 'Q2 18/19' also works; Excel asks you to confirm those."),
            ("Risks/Issues", "Anything that threatens delivery, in a few words."),
            ("New rows", "To add a sub-action, select the row below where it belongs, "
             "right-click > Insert, and fill it in (leave Ref empty: xlplan gives new rows a "
             "reference). The empty rows at the bottom are for new rows too."),
        ]
    if not blank:
        steps += [
            ("Locked cells", "Ref, Action, SRO, the Theme/Aim banners, the risks' Ref, Owner, "
             "Score and RAG, and the grey columns are locked so they are not changed by "
             "accident: Ref is how xlplan follows each row from month to month. The lock has "
             "no password: if something there is wrong, tell the coordinator, or use Review > "
             "Unprotect Sheet and change it yourself."),
            ("Your own columns", "Columns you added to your plan (comments, budget codes...) "
             "are kept, here and in the consolidated workbook."),
        ]
    if has_risks or blank:
        matrix = book.programme.risk_matrix
        (l_lo, l_hi), (i_lo, i_hi) = matrix.likelihood, matrix.impact
        bands = "; ".join(f"{b.low}-{b.high} {b.name} ({scale.label(b.rag)})"
                          for b in matrix.bands)
        steps.append(("Risks", f"On the '{RISK_SHEET}' sheet, review each risk: pick "
                      f"Likelihood ({l_lo}-{l_hi}) and Impact ({i_lo}-{i_hi}) from the "
                      "dropdowns. Score (likelihood x impact) and RAG are worked out for you. "
                      f"Score bands: {bands}."
                      + ("" if blank else " Previous score is last month's, for reference.")
                      + " Add new risks in the empty rows at the bottom."))
    if coordinator:
        send = f"Save the workbook and email it to {coordinator}"
    else:
        send = "Save the workbook and send it back to the programme coordinator who sent it"
    send += f" by {return_by}." if return_by else " before the month's deadline."
    send += (" Keep the file name. If xlplan finds a problem in it, the coordinator can send "
             "you a copy with a comment on each cell to check.")
    steps = [(f"{k}. {label}", text) for k, (label, text) in enumerate(steps, start=1)]
    steps.append(("Send it back", send))
    for label, text in steps:
        r += 1
        put_text(ws, book.fmts, r, 0, label, book.get(bold=True, valign="top"))
        put_text(ws, book.fmts, r, 1, text, wrap)
        ws.set_row(r, row_height([(text, 100)]))
    r += 2
    put_text(ws, book.fmts, r, 0, "Dropdowns", heading)
    dropdowns = []
    if has_actions:
        dropdowns += [
            ("RAG", "A list of the RAG scale above (click the arrow beside the cell); other "
             "values are refused."),
            ("Q1-Q4", "X or Complete; anything else asks you to confirm."),
        ]
    if has_risks or blank:
        dropdowns.append(("Likelihood/Impact", "Whole numbers on the risk matrix; other values "
                          "are refused."))
    for label, text in dropdowns:
        r += 1
        put_text(ws, book.fmts, r, 0, label, book.get(bold=True, valign="top"))
        put_text(ws, book.fmts, r, 1, text, wrap)
    ws.hide_gridlines(2)
    _print_setup(book, ws, f"{book.programme.name} - how to fill in this return", None)


# ----------------------------------------------------------------------------------- public API
def template_bytes(plan: SroPlan, programme: Programme, period: str, *,
                   blank: bool = False) -> bytes:
    """One template workbook as bytes (deterministic)."""
    book = _Book(programme, period, "" if blank else plan.person)
    has_risks = bool(plan.risks)
    has_actions = blank or bool(plan.rows) or not has_risks  # a risk owner with no actions
    if has_actions:
        _write_action_sheet(book, plan, blank=blank)
    if has_risks or blank:
        _write_risk_sheet(book, plan, blank=blank)
    _write_instructions(book, plan, blank=blank, has_actions=has_actions, has_risks=has_risks)
    return book.close()


def make_templates(consolidated: str | os.PathLike, out_dir: str | os.PathLike,
                   programme: Programme | str | os.PathLike | None = None, *,
                   period: str | None = None, overwrite: bool = False) -> list[Path]:
    """One pre-filled workbook per SRO from a consolidated workbook written by xlplan.

    Files are named ``"<next period> <SRO>.xlsx"`` (e.g. ``2018-04 Caroline Paterson.xlsx``;
    ``period`` overrides the month, which is otherwise the one after the consolidated
    workbook's). Without ``programme`` the defaults apply, with the programme name and RAG
    labels the consolidated workbook was written with. Returns the paths written, in order of
    the SROs' first rows. Raises
    :class:`TemplateError` (a ``ValueError``) when the consolidated workbook cannot be read,
    ``out_dir`` is a file, or (unless ``overwrite``) a template to write is already there:
    then nothing is written.
    """
    from .consolidated import read_previous

    given = _programme(programme) if programme is not None else None
    try:  # the programme's [limits] apply to the consolidated workbook as to any input
        prev = read_previous(consolidated, given.limits if given else None)
    except ValueError as exc:
        raise TemplateError(str(exc)) from None
    programme = given if given is not None else programme_of(prev)
    month = period or next_period(prev.period)
    if period and not next_period(period):
        raise TemplateError(f"the period must be written YYYY-MM (e.g. 2018-04), not '{period}'")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise TemplateError(f"cannot write templates into {out}: it is a file, not a folder")
    plans = plans_from_previous(prev, programme)
    used: set[str] = set()
    targets: list[tuple[Path, SroPlan]] = []
    for person, plan in plans.items():
        base = safe_file_name(f"{month} {person}" if month else f"Template {person}")
        name, n = base, 2
        while name.casefold() in used:
            name = f"{base} ({n})"
            n += 1
        used.add(name.casefold())
        targets.append((out / f"{name}.xlsx", plan))
    if not overwrite:
        _refuse_to_replace([path for path, _ in targets])
    written = Templates()
    for path, plan in targets:
        held = _held(path)
        if held is None:
            try:
                written.append(_atomic_write(path, template_bytes(plan, programme, month)))
                continue
            except HeldFile as exc:
                held = exc.strerror
        written.held.append((path, held))
    return written


class Templates(list):
    """The templates written, in order; ``held`` lists those not written because another
    program had the file open, each with one sentence saying so."""

    def __init__(self, *args):
        super().__init__(*args)
        self.held: list[tuple[Path, str]] = []


def _held(path: Path) -> str | None:
    """Why ``path`` cannot be replaced now (open in Excel or LibreOffice), or None."""
    from .atomic import open_in

    app = open_in(path) if path.exists() else None
    return f"{path.name} is open in {app}: close it there and run again" if app else None


def _refuse_to_replace(paths: list[Path]) -> None:
    """A template already there may hold an SRO's edits: replace it only when asked."""
    there = [p for p in paths if p.exists()]
    if there:
        more = f" (and {len(there) - 1} more)" if len(there) > 1 else ""
        raise TemplateError(f"{there[0]} already exists{more}; nothing was written: pass "
                            "--force to replace, or choose another folder")


def make_blank_template(path: str | os.PathLike,
                        programme: Programme | str | os.PathLike | None = None, *,
                        period: str = "", overwrite: bool = False) -> Path:
    """An empty template (Action plan, Risks, Instructions) for a new SRO or a new plan."""
    programme = _programme(programme)
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise TemplateError(f"the template must be an .xlsx file, not '{path.name}'")
    if path.is_dir():
        raise TemplateError(f"cannot write {path}: it is a folder")
    if period and not next_period(period):
        raise TemplateError(f"the period must be written YYYY-MM (e.g. 2018-04), not '{period}'")
    if not overwrite:
        _refuse_to_replace([path])
    data = template_bytes(SroPlan(""), programme, period, blank=True)
    return _atomic_write(path, data)
