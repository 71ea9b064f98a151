"""Regenerate the documentation pages that are built from the code: ``docs/issue-codes.md``
(from the issue catalogue). Run after adding or changing an issue code:

    python scripts/make_docs.py
"""
from __future__ import annotations

from pathlib import Path

from xlplan.catalogue import markdown_table

DOCS = Path(__file__).resolve().parents[1] / "docs"


def main() -> None:
    target = DOCS / "issue-codes.md"
    target.write_text(markdown_table(), encoding="utf-8", newline="\n")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
