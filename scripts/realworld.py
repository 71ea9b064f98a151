#!/usr/bin/env python3
"""Run xlplan over the third-party workbooks in ``../shared/realworld`` and print, per file,
what it read: the kind of each table, its row count and the issues raised (by code).

    python scripts/realworld.py [FOLDER] [--issues]

The folder holds public workbooks written by other people, with no shared template; it is
not part of the project (a clone has no such folder), so without it the script says so and
exits 0. ``--issues`` also lists every warning and error.
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT = ROOT.parent / "shared" / "realworld"


def main(argv: list[str]) -> int:
    show = "--issues" in argv
    args = [a for a in argv if not a.startswith("--")]
    folder = Path(args[0]) if args else DEFAULT
    if not folder.is_dir():
        print(f"realworld: no folder {folder}; nothing to read (skipped)")
        return 0
    from xlplan.api import read_submission
    from xlplan.config import load_config

    programme = load_config()
    for path in sorted(folder.glob("*.xls*")):
        sub = read_submission(path, programme)
        kinds = [(name, len(frame)) for name, frame in
                 (("actions", sub.actions), ("risks", sub.risks), ("scorecard", sub.scorecards))
                 if len(frame)]
        extra = []
        if "raid_type" in sub.risks.columns and len(sub.risks):  # RAID logs: risks, issues...
            types = Counter(t or "risk" for t in sub.risks["raid_type"])
            if set(types) != {"risk"}:
                extra = [f"{n} {k.lower()}" for k, n in types.items()]
        read = ", ".join(f"{n} {name}" for name, n in kinds) or "nothing read"
        codes = Counter(i.code for i in sub.issues)
        print(f"{path.name}\n  {sub.info.status}: {read}"
              + (f" ({', '.join(extra)})" if extra else "")
              + "\n  issues: " + (", ".join(f"{c} x{n}" for c, n in sorted(codes.items()))
                                  or "none"))
        if show:
            for i in sub.issues:
                if i.severity != "info":
                    print(f"    {i.severity} {i.code} {i.sheet or ''} {i.cell or ''}: "
                          f"{i.message[:140]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
