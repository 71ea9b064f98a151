#!/usr/bin/env python3
"""The coordinator's monthly job, ready to schedule (cron, Task Scheduler).

Layout it expects (change the paths with the options)::

    returns/2018-03/*.xlsx          the workbooks SROs sent for March 2018
    consolidated/                   one "Consolidated YYYY-MM.xlsx" per month, written here

Each run merges ``returns/<period>/`` against last month's consolidated workbook (when it is
there), writes ``consolidated/Consolidated <period>.xlsx`` and a JSON report beside it, and
exits with xlplan's exit code (0 done, 1 some files failed, 2 nothing could be done) so a
scheduler can alert on failure.

    python scripts/monthly_merge.py                       # this month
    python scripts/monthly_merge.py --period 2018-03 --returns returns --out consolidated \\
        --config programme.toml
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path


def previous_period(period: str) -> str:
    first = dt.datetime.strptime(period, "%Y-%m").date()
    last_month = first - dt.timedelta(days=1)
    return f"{last_month.year:04d}-{last_month.month:02d}"


def main(argv: list[str] | None = None) -> int:
    today = dt.date.today()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--period", default=f"{today.year:04d}-{today.month:02d}",
                        help="reporting month YYYY-MM (default: this month)")
    parser.add_argument("--returns", type=Path, default=Path("returns"),
                        help="folder holding one sub-folder of returned workbooks per month")
    parser.add_argument("--out", type=Path, default=Path("consolidated"),
                        help="folder for the consolidated workbooks")
    parser.add_argument("--config", type=Path, default=None, help="programme settings (TOML)")
    args = parser.parse_args(argv)

    from xlplan.cli import main as xlplan_main

    folder = args.returns / args.period
    if not folder.is_dir():
        print(f"monthly_merge: no returns folder {folder}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / f"Consolidated {args.period}.xlsx"
    previous = args.out / f"Consolidated {previous_period(args.period)}.xlsx"
    cmd = ["merge", str(folder), "-o", str(out), "--period", args.period,
           "--report-json", str(args.out / f"Report {args.period}.json")]
    if previous.exists():
        cmd += ["--previous", str(previous)]
    else:
        print(f"monthly_merge: no {previous.name}: merging without last month", file=sys.stderr)
    if args.config:
        cmd += ["--config", str(args.config)]
    try:
        xlplan_main.main(cmd, prog_name="xlplan", standalone_mode=False)
    except SystemExit as exc:  # click's Exit carries the exit code
        return int(exc.code or 0)
    except Exception as exc:  # click.exceptions.Exit
        code = getattr(exc, "exit_code", None)
        if code is not None:
            return int(code)
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
