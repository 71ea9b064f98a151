"""Rebuild the bundled example data and workbooks from seed 000 (Plymouth CQC Action Plan 2018-19).

Run from anywhere::

    python3 scripts/make_examples.py

1. Reads ``../shared/seeds/000_b38342e70e3dbb1b.txt`` (text extracted from the PDF, one table row
   a line, cells separated by tabs; the table starts at the line beginning "Action<TAB>Sub actions").
2. Writes ``xlplan/data/plymouth_action_plan.json``: the table exactly as the seed has it, a list of
   records in reading order. Every record has ``kind`` and ``line`` (1-based line number in the seed):

   - ``{"kind": "theme", "line": n, "text": "Theme 1: ..."}``
   - ``{"kind": "aim", "line": n, "text": "Aim: ..."}``
   - ``{"kind": "row", "line": n, "action", "sub_action", "sro", "q1", "q2", "q3", "q4", "later",
     "updates", "risks_issues", "rag"}`` -- raw seed strings ("" for an empty cell). ``action`` and
     ``sro`` are non-empty only where the seed has them (usually the first sub-action row of an
     action). ``<p>`` remnants and trailing spaces are kept.
   - ``{"kind": "fragment", ...same keys as a row...}`` -- the row holding only
     "Operations, Livewell Southwest" (the end of an SRO name split over a page break); only
     ``sro`` is non-empty.

   Blank lines (page breaks in the PDF) are not records. The PDF extraction shifted some cells: a
   lone "X" in the Updates (index 7) or Risks/Issues (index 8) position is a milestone beyond Q4 and
   goes to ``later`` (the workbooks have a "2019/20" column after Q4). Any other text in those
   positions stays where the seed puts it. Rows after the fragment have 10 fields instead of 11
   (the empty trailing field is missing): same columns.
3. Rewrites its files in ``workbooks/examples/`` with :func:`xlplan.demo.plan.write_examples`
   (deterministic bytes). Nothing else there is deleted; files it did not write are listed.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = REPO.parent / "shared" / "seeds" / "000_b38342e70e3dbb1b.txt"
JSON_OUT = REPO / "xlplan" / "data" / "plymouth_action_plan.json"
EXAMPLES = REPO / "workbooks" / "examples"

HEADER = ["Action", "Sub actions", "SRO", "Q1", "Q2", "Q3", "Q4", "Updates", "Risks/Issues", "RAG Status"]
# seed position -> record key (positions 7 and 8 may hold a shifted "later" marker)
POSITIONS = ["action", "sub_action", "sro", "q1", "q2", "q3", "q4", "updates", "risks_issues", "rag"]
ROW_KEYS = ["action", "sub_action", "sro", "q1", "q2", "q3", "q4", "later", "updates", "risks_issues", "rag"]


def parse_seed(text: str) -> list[dict]:
    """The seed's action-plan table as records (see the module docstring)."""
    lines = text.split("\n")
    try:
        start = next(i for i, line in enumerate(lines) if line.startswith("Action\tSub actions"))
    except StopIteration:
        raise SystemExit("seed: table header 'Action<TAB>Sub actions' not found") from None
    header = lines[start].split("\t")
    if header[:10] != HEADER or any(h for h in header[10:]):
        raise SystemExit(f"seed: unexpected header {header!r}")

    records: list[dict] = []
    for number, line in enumerate(lines[start + 1:], start + 2):
        if not line.strip():
            continue  # page break in the PDF
        cells = line.split("\t")
        if len(cells) not in (10, 11) or any(c for c in cells[10:]):
            raise SystemExit(f"seed line {number}: {len(cells)} fields, expected 10 or 11")
        cells = cells[:10]
        filled = [i for i, c in enumerate(cells) if c.strip()]
        if filled == [0] and cells[0].startswith("Theme"):
            records.append({"kind": "theme", "line": number, "text": cells[0]})
            continue
        if filled == [0] and cells[0].startswith("Aim"):
            records.append({"kind": "aim", "line": number, "text": cells[0]})
            continue
        rec: dict = {"kind": "fragment" if filled == [2] else "row", "line": number}
        rec.update({key: "" for key in ROW_KEYS})
        for i, cell in enumerate(cells):
            key = POSITIONS[i]
            if i in (7, 8) and cell.strip() == "X":
                if rec["later"]:
                    raise SystemExit(f"seed line {number}: two 'later' markers")
                key = "later"
            rec[key] = cell
        if rec["kind"] == "row" and not (rec["action"].strip() or rec["sub_action"].strip()):
            raise SystemExit(f"seed line {number}: a row with neither action nor sub-action")
        records.append(rec)
    return records


def main() -> int:
    records = parse_seed(SEED.read_text(encoding="utf-8"))
    JSON_OUT.parent.mkdir(parents=True, exist_ok=True)
    JSON_OUT.write_text(json.dumps(records, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    sys.path.insert(0, str(REPO))
    from xlplan.demo import plan as examples  # noqa: E402  (imported after the JSON exists)

    paths = examples.write_examples(EXAMPLES)
    written = {Path(p) for value in paths.values() for p in (value if isinstance(value, list) else [value])}
    # Other example makers write into the same folder: nothing is deleted, stale files are only named.
    for other in sorted(set(EXAMPLES.glob("**/*.xlsx")) - written):
        print(f"note: not written by this run (delete it if stale): {other.relative_to(REPO)}")
    counts = {kind: sum(r["kind"] == kind for r in records) for kind in ("theme", "aim", "row", "fragment")}
    print(f"{JSON_OUT.relative_to(REPO)}: {len(records)} records {counts}")
    for key, value in paths.items():
        for path in value if isinstance(value, list) else [value]:
            print(f"{key:9} {Path(path).relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
