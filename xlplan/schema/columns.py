"""What each kind of sheet holds, as data: canonical columns, the headers people give them.

A sheet is classified by its header row (see :mod:`xlplan.locate`): each kind lists its columns
with the spellings seen in real workbooks, which columns identify the kind, and which are
required. Headers are compared after :func:`header_key` folding, which drops case, padding,
punctuation, HTML remnants and parenthesised explanations ("DESCRIPTION OF RISK (Risk
description should include ...)" -> "description of risk"); a number sign reads as "no"
("Risk #" -> "risk no").
"""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field

ACTION_PLAN, RISK_REGISTER, SCORECARD, OTHER = "action_plan", "risk_register", "scorecard", "other"


@dataclass(frozen=True)
class Column:
    """One canonical column: its name in tidy rows, its output header and its aliases."""

    name: str
    header: str
    aliases: tuple[str, ...] = ()
    #: words that name this column when they appear in a header that is no alias ("Task
    #: Description" holds "description", "Likelihood_1_5" holds "likelihood"); one or two
    #: words each, compared with the header's words after :func:`header_key` folding.
    tokens: tuple[str, ...] = ()


@dataclass(frozen=True)
class SheetSchema:
    """A kind of sheet: its columns, what identifies it, what must be there."""

    kind: str
    columns: tuple[Column, ...]
    #: at least one of these must be found for the sheet to be of this kind ...
    identify_any: tuple[str, ...]
    #: ... together with at least this many recognised columns in all.
    min_columns: int
    #: a missing one is a ``missing-column`` error.
    required: tuple[str, ...] = ()
    #: carried down through blank and vertically merged cells.
    carry_down: tuple[str, ...] = ()

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


_TAGS = re.compile(r"<[^>]*>")
_PARENS = re.compile(r"\([^)]*\)?")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def header_key(text: object) -> str:
    """Fold a header cell for matching (see module docstring)."""
    if text.__class__ is str:
        return _folded(text)
    return _fold(str(text))


def _fold(text: str) -> str:
    # "#" is a number sign in a header ("#", "Risk #"): "no", as a header writes "No.".
    s = _TAGS.sub(" ", text).lower().replace("&", " and ").replace("#", " no ")
    s = _PARENS.sub(" ", s)
    return _NON_ALNUM.sub(" ", s).strip()


# Every row near the top of every sheet is tried as a header, and the same few header and
# banner texts recur across a folder's files: each text is folded once (bounded).
_folded = lru_cache(maxsize=8192)(_fold)


ACTION_PLAN_SCHEMA = SheetSchema(
    kind=ACTION_PLAN,
    columns=(
        Column("ref", "Ref", ("ref", "ref no", "ref number", "reference", "id", "action ref",
                              "action id", "no", "number", "r", "rec", "recommendation no",
                              "s no", "sl no", "sr no", "serial no", "item no", "task id",
                              "task no", "action no",
                              # exports from work trackers (Jira, Azure DevOps)
                              "issue key", "key", "work item id"),
               ("ref", "id", "no", "number")),
        Column("theme", "Theme", ("theme", "workstream", "work stream", "strategy", "programme",
                                  "priority", "strategic priority",
                                  # Microsoft Planner groups its tasks in buckets
                                  "bucket", "bucket name"),
               ("theme", "workstream", "category", "area", "section", "programme", "pillar")),
        Column("aim", "Aim", ("aim", "aims", "objective", "outcome"),
               ("aim", "objective", "outcome", "goal")),
        Column("action", "Action", ("action", "actions", "action title", "key action",
                                    "commissioning activity", "strategic goal", "recommendation",
                                    "improvement action", "activity", "pledge", "pledges",
                                    "task description", "action description",
                                    "deliverable", "deliverables", "what",
                                    # tracker exports and to-do lists (Planner, Jira)
                                    "task name", "task title", "summary", "to do", "todo",
                                    "to do item", "action required", "actions required",
                                    "action to be taken", "agreed action", "title",
                                    "work item title"),
               ("action", "actions", "task", "tasks", "activity", "activities", "pledge",
                "recommendation", "deliverable", "description", "requirement", "item")),
        Column("sub_action", "Sub action", ("sub actions", "sub action", "subactions",
                                            "subaction", "sub action s", "milestone", "milestones",
                                            "task", "tasks", "key milestones", "steps"),
               ("milestone", "milestones", "sub action", "step", "steps", "subtask")),
        Column("sro", "SRO", ("sro", "sros", "s r o", "lead", "leads", "owner", "action owner",
                              "lead officer", "responsible officer", "senior responsible owner",
                              "accountable lead", "lead s", "responsible", "responsible person",
                              "assigned to", "who", "owner s",
                              "assignee", "assignees", "person responsible",
                              "responsibility", "by whom", "action lead", "action by"),
               ("sro", "owner", "owners", "lead", "responsible", "accountable", "assignee",
                "assigned")),
        Column("q1", "Q1", ("q1", "qtr 1", "quarter 1", "apr jun", "apr to jun")),
        Column("q2", "Q2", ("q2", "qtr 2", "quarter 2", "jul sep", "jul to sep")),
        Column("q3", "Q3", ("q3", "qtr 3", "quarter 3", "oct dec", "oct to dec")),
        Column("q4", "Q4", ("q4", "qtr 4", "quarter 4", "jan mar", "jan to mar")),
        Column("later", "Later", ("later", "future", "beyond", "next year")),
        Column("timeframe", "Timeframe", ("timeframe", "time frame", "timescale", "timescales",
                                          "target date", "due date", "deadline", "due by",
                                          "completion date", "by when", "when", "end date",
                                          "target completion date", "planned completion",
                                          "target completion", "end", "finish", "finish date",
                                          "due", "due on", "date due", "complete by",
                                          "to be completed by", "date for completion",
                                          "expected completion date", "action date",
                                          "action due", "action due date"),
               ("deadline", "due", "timeframe", "timescale", "timescales", "target date",
                "end date", "completion date", "finish")),
        Column("updates", "Updates", ("updates", "update", "progress update", "progress updates",
                                      "progress", "progress report", "progress reports",
                                      "progress so far", "commentary", "latest update",
                                      "remarks", "comments", "notes",
                                      "current position", "latest position",
                                      "position statement", "progress to date",
                                      "status update", "update on progress"),
               ("update", "updates", "progress", "commentary", "remarks", "comments",
                "comment", "notes")),
        Column("risks_issues", "Risks/Issues", ("risks issues", "risks and issues", "risks",
                                                "issues", "risk issue", "risks issues concerns",
                                                "barriers"),
               ("risks", "issues", "barriers", "blockers", "dependencies")),
        # A workflow status (Open, In Progress, Closed, On Track, Done ...), kept apart from
        # the RAG. A "Status" column whose values are RAG values is read as the RAG instead
        # (see xlplan.locate.status_or_rag).
        Column("status", "Status", ("status", "action status", "task status", "progress status",
                                    "workflow status", "state", "current status",
                                    "milestone status", "completion status"),
               ("status", "state")),
        Column("rag", "RAG", ("rag", "rag status", "rag rating", "r a g", "rag status ",
                              "delivery status", "current rag", "rag this month",
                              "delivery confidence", "brag", "b rag", "brag status",
                              "brag rating"),
               ("rag", "brag")),
    ),
    identify_any=("action", "sub_action"),
    min_columns=2,
    required=("rag",),
    carry_down=("action", "sro"),
)

RISK_REGISTER_SCHEMA = SheetSchema(
    kind=RISK_REGISTER,
    columns=(
        Column("ref", "Ref", ("pm risk ref", "risk ref", "risk reference", "ref", "risk id",
                              "risk no", "risk number", "id", "no", "raid id", "raid ref",
                              "item id", "item no", "issue id", "log id", "risk code"),
               ("ref", "id", "no", "number", "code")),
        Column("owner", "Owner", ("owner", "risk owner", "dept", "department", "lead",
                                  "responsible officer", "sro", "responsible",
                                  "responsible person", "assigned to", "accountable",
                                  "owned by", "action owner", "lead officer", "raid owner",
                                  "action by whom", "by whom", "action by", "made by",
                                  "decision maker", "decided by"),
               ("owner", "owners", "lead", "responsible", "accountable", "assignee", "assigned")),
        # A RAID log's kind of item (Risk, Assumption, Issue, Dependency). A "Type" or
        # "Category" column whose values are those kinds is read as this too (see
        # xlplan.normalise.risks).
        Column("raid_type", "RAID type", ("raid category", "raid type", "raid", "raid item",
                                          "item type", "log type", "entry type", "record type",
                                          "raid log type", "raid item type", "r i",
                                          "risk or issue", "r i a d"),
               ("raid",)),
        Column("category", "Category", ("risk category", "category", "type", "risk type"),
               ("category", "type", "class")),
        Column("description", "Description", ("description of risk", "risk description",
                                              "description", "risk", "risk title",
                                              "risk and opportunity", "risk event",
                                              "threat event", "threat", "event",
                                              "risk statement", "risk details", "risk name",
                                              "risk summary", "issue description", "issue",
                                              "assumption", "dependency", "decision",
                                              "raid description",
                                              "item description", "description of issue",
                                              "description of the risk"),
               ("description", "risk", "threat", "event", "hazard", "issue", "statement",
                "title")),
        Column("link", "Link to plan", ("link to corporate plan performance framework or "
                                        "business plan", "link to corporate plan", "link to plan",
                                        "link", "strategic objective"),
               ("link", "objective")),
        Column("controls", "Controls", ("current existing management controls and internal "
                                        "control measures", "existing controls", "controls",
                                        "current controls", "mitigation", "existing mitigation"),
               ("controls", "control", "mitigation", "mitigations")),
        Column("assurances", "Assurances", ("assurances on controls mitigation", "assurances",
                                            "assurance", "sources of assurance"),
               ("assurance", "assurances")),
        Column("inherent_rating", "Inherent rating", ("inherent risk rating", "inherent rating",
                                                      "inherent score", "inherent risk",
                                                      "gross risk rating", "gross score",
                                                      "initial score", "initial rating",
                                                      "initial risk rating", "initial risk score",
                                                      "inherent risk score", "gross risk score",
                                                      "pre mitigation score",
                                                      "pre mitigation rating"),
               ("inherent score", "inherent rating", "initial score", "initial rating",
                "gross score")),
        # Split ratings (a likelihood and an impact column per rating); the score of a split
        # rating sits in the rating's own column ("Previous score" -> previous_rating). Grouped
        # headers ("Initial" / "Current" / "Residual" / "Target" over Likelihood / Impact /
        # Score) reach these tables as combined labels ("Initial Likelihood").
        Column("inherent_likelihood", "Inherent likelihood", ("inherent likelihood",
                                                              "gross likelihood",
                                                              "inherent l", "gross l",
                                                              "initial likelihood", "initial l",
                                                              "initial probability",
                                                              "inherent probability",
                                                              "pre mitigation likelihood",
                                                              "pre mitigation probability"),
               ("inherent likelihood", "initial likelihood", "inherent probability",
                "initial probability", "gross likelihood")),
        Column("inherent_impact", "Inherent impact", ("inherent impact", "gross impact",
                                                      "inherent consequence", "inherent i",
                                                      "gross i", "inherent c", "initial impact",
                                                      "initial i", "initial consequence",
                                                      "initial severity", "inherent severity",
                                                      "pre mitigation impact"),
               ("inherent impact", "initial impact", "inherent severity", "initial severity",
                "gross impact")),
        Column("previous_likelihood", "Previous likelihood", ("previous likelihood",
                                                              "last likelihood",
                                                              "previous l",
                                                              "previous residual likelihood"),
               ("previous likelihood", "last likelihood")),
        Column("previous_impact", "Previous impact", ("previous impact", "last impact",
                                                      "previous consequence", "previous i",
                                                      "previous c", "previous residual impact"),
               ("previous impact", "last impact")),
        Column("target_likelihood", "Target likelihood", ("target likelihood", "target l",
                                                          "target probability"),
               ("target likelihood", "target probability")),
        Column("target_impact", "Target impact", ("target impact", "target consequence",
                                                  "target i", "target c", "target severity"),
               ("target impact", "target severity")),
        Column("previous_rating", "Previous rating", ("previous residual risk rating",
                                                      "previous rating", "previous score",
                                                      "previous risk rating", "last rating"),
               ("previous score", "previous rating", "last score")),
        Column("current_rating", "Current rating", ("current residual risk rating",
                                                    "current rating", "residual risk rating",
                                                    "current risk rating", "residual rating",
                                                    "current score", "residual score", "rating",
                                                    "risk rating", "overall rating",
                                                    "overall risk rating", "risk level",
                                                    "current risk level", "rank", "risk rank",
                                                    "priority", "risk priority",
                                                    "current risk score", "residual risk score",
                                                    "post mitigation score",
                                                    "post mitigation rating"),
               ("rating", "rank", "priority", "level")),
        Column("likelihood", "Likelihood", ("likelihood", "l", "p", "probability",
                                            "current likelihood",
                                            "residual likelihood", "current l", "residual l",
                                            "current probability", "residual probability",
                                            "likelihood score", "likelihood rating",
                                            "probability rating", "probability of occurrence",
                                            "post mitigation likelihood"),
               ("likelihood", "probability", "chance")),
        Column("impact", "Impact", ("impact", "consequence", "i", "c", "severity",
                                    "current impact", "residual impact", "current i",
                                    "residual i", "current consequence", "residual consequence",
                                    "current severity", "residual severity", "impact score",
                                    "impact rating", "consequence score", "severity rating",
                                    "post mitigation impact"),
               ("impact", "consequence", "severity")),
        Column("score", "Score", ("score", "risk score", "l x i", "lxi", "l x c", "p x i", "pxi",
                                  "l x s", "lxs", "total",
                                  "overall score", "total score", "risk value",
                                  "risk exposure", "exposure"),
               ("score", "exposure")),
        Column("target_rating", "Target", ("target score", "target", "target rating",
                                           "target risk rating", "target risk score"),
               ("target score", "target rating")),
        Column("movement", "Movement", ("rag rating movement in risk score", "movement",
                                        "movement in risk score", "direction", "trend",
                                        "direction of travel"),
               ("movement", "trend", "direction")),
        # "Status" is a workflow state (Open, In Progress, Monitoring, Closed): its own column,
        # read as the RAG only when every value in it is a RAG value.
        Column("rag", "RAG", ("rag", "rag rating", "rag status", "risk rag", "current rag",
                              "overall rag"),
               ("rag",)),
        Column("status", "Status", ("status", "risk status", "current status", "open closed",
                                    "state", "workflow status", "progress status",
                                    "risk state", "open or closed", "item status"),
               ("status", "state")),
        Column("action_plan", "Action plan", ("action plan future mitigation opportunities to be "
                                              "explored", "action plan", "actions",
                                              "further actions", "future mitigation",
                                              "further mitigation", "mitigation plan",
                                              "mitigation action", "mitigation actions",
                                              "mitigating actions", "risk response",
                                              "response", "response plan", "risk treatment",
                                              "treatment", "planned actions",
                                              "actions to mitigate"),
               ("plan", "response", "treatment", "action", "actions")),
        Column("review_date", "Review date", ("review date", "next review", "next review date",
                                              "date of review", "date reviewed", "last reviewed"),
               ("review",)),
    ),
    identify_any=("description",),
    min_columns=3,
    required=("description",),
)

SCORECARD_SCHEMA = SheetSchema(
    kind=SCORECARD,
    columns=(
        Column("indicator", "Indicator", ("indicator", "indicators", "kpi", "measure name",
                                          "performance indicator", "metric", "indicator name",
                                          "kpi name", "kpi description",
                                          "key performance indicator")),
        Column("measure", "Measure", ("measure", "unit", "units", "measure type",
                                      "unit of measure", "measure unit")),
        Column("period", "Most recent period", ("most recent period", "period", "latest period",
                                                "reporting period", "period covered",
                                                "time period", "data period", "as at", "month",
                                                "quarter", "reporting month",
                                                "reporting quarter", "period ending",
                                                "period end", "month ending", "date",
                                                "reporting date", "month end")),
        Column("benchmark", "Benchmark", ("benchmark", "england average", "comparator",
                                          "national average", "england", "england value",
                                          "national benchmark", "benchmark england")),
        Column("first_value", "First value", ("first value of graph", "first value",
                                              "previous value")),
        Column("graph", "Graph", ("graph", "trend graph", "sparkline", "chart")),
        Column("last_value", "Last value", ("last value of graph", "last value", "latest value",
                                            "current value", "value", "actual", "actuals",
                                            "actual value", "outturn", "result", "achieved",
                                            "actual performance", "current performance")),
        # A KPI tracker's goal and forecast, and the status (RAG) the file itself gives.
        Column("target", "Target", ("target", "goal", "target value", "plan", "planned",
                                    "budget", "target goal", "trajectory", "ambition",
                                    "threshold", "standard")),
        Column("forecast", "Forecast", ("forecast", "fcst", "fcast", "projected", "projection",
                                        "outlook", "forecast value")),
        Column("rag", "RAG", ("rag", "rag status", "status", "rag rating", "status rag",
                              "kpi status", "performance status", "traffic light", "rating",
                              "red amber green")),
        Column("trend", "Trend", ("trend", "trend rag", "direction of travel", "trend rating",
                                  "trend rag rating")),
        # Before "comments": the seed keeps polarity in its Comments column, but a sheet with a
        # Polarity column of its own must have "Polarity" read as polarity, not as comments.
        Column("polarity", "Polarity", ("polarity", "good is", "good direction",
                                        "high or low is good", "higher or lower is better",
                                        "direction of improvement")),
        Column("comments", "Comments", ("comments", "comment", "polarity", "notes", "commentary")),
        Column("strategy", "Strategy", ("strategy", "section", "domain",
                                        "commissioning strategy", "perspective",
                                        "bsc perspective", "scorecard perspective", "theme",
                                        "category")),
        # A balanced scorecard's "Objective" column: what the KPIs below it serve (carried
        # down through blank and merged cells, like the seed's objective banner rows).
        Column("objective", "Objective", ("objective", "objectives", "strategic objective",
                                          "strategic objectives", "goal area")),
        Column("ref", "Ref", ("ref", "kpi ref", "indicator ref", "kpi no", "indicator no",
                              "indicator id", "kpi id", "ref no")),
    ),
    identify_any=("indicator",),
    min_columns=3,
    required=("indicator",),
)

#: Header cells that title a key (legend) typed beside a table rather than a column of it
#: ("Key" over "B | Complete", "G | On track"), compared after :func:`header_key` folding.
LEGEND_TITLES: frozenset[str] = frozenset({
    "key", "legend", "rag key", "brag key", "key to rag", "rating key", "status key",
    "rag rating key", "rag legend", "key to ratings", "rag definitions", "brag definitions"})

SCHEMAS: dict[str, SheetSchema] = {
    s.kind: s for s in (ACTION_PLAN_SCHEMA, RISK_REGISTER_SCHEMA, SCORECARD_SCHEMA)}

QUARTERS = ("q1", "q2", "q3", "q4")

#: Read-only reference columns xlplan's own templates carry (last month's values, shown to the
#: SRO beside this month's). They are not data: the reader does not carry them as extras, since
#: the consolidated workbook already holds last month's values.
TEMPLATE_REFERENCE_HEADERS = ("Last month RAG", "Last month update")


#: Longest header (in words, after folding) read for its concept words: longer cells are
#: sentences (instructions, data), not headers.
TOKEN_MAX_WORDS = 6


@dataclass
class AliasTable:
    """header_key -> canonical column name for one kind, with the programme's extra aliases,
    and the concept words (:attr:`Column.tokens`) for headers no alias names."""

    schema: SheetSchema
    lookup: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, schema: SheetSchema, extra: dict[str, list[str]] | None = None) -> "AliasTable":
        lookup: dict[str, str] = {}
        tokens: dict[str, str] = {}
        for col in schema.columns:
            for alias in (*col.aliases, col.name, col.header):
                lookup.setdefault(header_key(alias), col.name)
            for token in col.tokens:  # the first column naming a word has it
                tokens.setdefault(header_key(token), col.name)
        for name, aliases in (extra or {}).items():
            if any(c.name == name for c in schema.columns):
                for alias in aliases:
                    lookup[header_key(alias)] = name
        return cls(schema, lookup, tokens)

    def match(self, key: str) -> str | None:
        """Canonical name for a folded header, trying exact first, then a long-alias prefix."""
        if not key:
            return None
        hit = self.lookup.get(key)
        if hit:
            return hit
        # Long headers with trailing explanations ("description of risk risk description
        # should include ...") match an alias of two words or more as a prefix. Indexed by the
        # first two words so that scanning long data cells for a header row stays cheap.
        words = key.split(" ", 2)
        if len(words) < 3:
            return None
        for alias, name in self._prefixes().get(f"{words[0]} {words[1]}", ()):
            if key.startswith(alias + " "):
                return name
        return None

    def match_tokens(self, key: str, taken: set[str] | frozenset = frozenset()) -> str | None:
        """Canonical name for a header no alias names, from the concept words it holds.

        Words are tried from the last one back ("Task Description", "Risk Owner": English
        puts the head noun last), two-word concepts before one-word ones; a name already in
        ``taken`` is passed over, so "Lead Department" beside "Lead Officer" stays an extra.
        Numbers ("Likelihood_1_5") are not words."""
        if not key or not self.tokens:
            return None
        words = [w for w in key.split(" ") if not w.isdigit()]
        if not words or len(words) > TOKEN_MAX_WORDS:
            return None
        tokens = self.tokens
        for i in range(len(words) - 1, -1, -1):
            if i:
                name = tokens.get(f"{words[i - 1]} {words[i]}")
                if name is not None and name not in taken:
                    return name
            name = tokens.get(words[i])
            if name is not None and name not in taken:
                return name
        return None

    def _prefixes(self) -> dict[str, list[tuple[str, str]]]:
        cached = getattr(self, "_prefix_index", None)
        if cached is None:
            cached = {}
            for alias, name in sorted(self.lookup.items(), key=lambda kv: -len(kv[0])):
                parts = alias.split(" ")
                if len(parts) >= 2:
                    cached.setdefault(f"{parts[0]} {parts[1]}", []).append((alias, name))
            self._prefix_index = cached
        return cached
