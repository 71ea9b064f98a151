"""Workflow status words, as data: what a plan's own Status column says about a row.

A workflow status (Open, In Progress, On Track, Done ...) is not a RAG rating: it says where
the work is, not how confident anyone is in it. xlplan keeps it apart from the RAG, writes it
as written in the Actions sheet's "Action status" column, and reads the words that mean the
work is finished as complete (so such a row is not chased for a RAG or flagged overdue).
Unknown words are kept, never an error: every team has its own.
"""
from __future__ import annotations

from ..text import match_key

#: Common spelling -> the ways it is written (compared after match_key folding).
STATUS_WORDS: dict[str, tuple[str, ...]] = {
    "Not started": ("not started", "not yet started", "to do", "todo", "new", "planned",
                    "not begun", "yet to start"),
    "Open": ("open", "opened", "active", "live", "raised"),
    "In progress": ("in progress", "in progresses", "in-progress", "inprogress", "ongoing",
                    "on going", "started", "underway", "under way", "wip", "work in progress",
                    "progressing", "in hand", "monitoring"),
    "On track": ("on track", "on target", "on schedule", "on plan"),
    "At risk": ("at risk", "slipping", "some delay", "behind"),
    "Off track": ("off track", "off target", "behind schedule", "late"),
    "Delayed": ("delayed", "slipped", "postponed", "deferred", "rescheduled"),
    "Overdue": ("overdue", "past due"),
    "On hold": ("on hold", "paused", "blocked", "stalled", "suspended"),
    "Pending": ("pending", "awaiting", "waiting", "awaiting approval", "for review",
                "under review", "in review"),
    "Done": ("done", "complete", "completed", "finished", "delivered", "achieved",
             "implemented", "closed", "resolved", "met"),
    "Cancelled": ("cancelled", "canceled", "withdrawn", "dropped", "not required",
                  "superseded", "eliminated"),
}

#: Statuses that mean the work is over.
FINISHED = frozenset({"Done", "Cancelled"})

_LOOKUP = {match_key(alias): name for name, aliases in STATUS_WORDS.items()
           for alias in (name, *aliases)}


def normalise_status(text: str) -> tuple[str | None, bool]:
    """(the status in its common spelling, or None when the words are unknown; finished?)."""
    if not text:
        return None, False
    name = _LOOKUP.get(match_key(text))
    return name, name in FINISHED


#: A task's priority as trackers write it (Planner: Urgent / Important / Medium / Low; Jira:
#: Highest ... Lowest; P1-P4). A column of these is no theme, whatever its header says: a
#: "Priority" column beside a plan's themes is how urgent each action is.
PRIORITY_WORDS: frozenset[str] = frozenset(match_key(w) for w in (
    "highest", "high", "medium", "med", "normal", "low", "lowest", "urgent", "important",
    "critical", "major", "minor", "trivial", "blocker", "very high", "very low",
    "p1", "p2", "p3", "p4", "p5", "priority 1", "priority 2", "priority 3", "priority 4"))


def is_priority(text: str) -> bool:
    """Whether a cell's words are a task priority ("High", "Urgent", "P2")."""
    return match_key(text) in PRIORITY_WORDS
