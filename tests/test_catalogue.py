"""The issue catalogue: one entry per code, the generated docs page current, `xlplan explain`."""
from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from xlplan.catalogue import CATALOGUE, explain, markdown_table
from xlplan.cli import main
from xlplan.issues import CODES

ROOT = Path(__file__).resolve().parents[1]


def test_every_code_has_one_entry_with_words():
    missing = [c for c in CODES if c not in CATALOGUE]
    assert not missing, f"add catalogue entries to xlplan/catalogue.py for: {missing}"
    assert not [c for c in CATALOGUE if c not in CODES]
    for entry in CATALOGUE.values():
        assert entry.title and entry.description.endswith(".") and entry.what_to_do


def test_every_code_the_package_raises_is_in_the_catalogue():
    raised = set()
    for path in (ROOT / "xlplan").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        raised |= set(re.findall(r"""(?:\bat|\.issue|\badd|Issue)\(\s*(?:code=)?["']([a-z]+(?:-[a-z]+)+)["']""",
                                 text))
    assert raised, "the scan found no codes"
    assert not raised - set(CODES), sorted(raised - set(CODES))


def test_the_docs_page_is_generated_from_the_catalogue():
    page = (ROOT / "docs" / "issue-codes.md").read_text(encoding="utf-8")
    assert page == markdown_table(), "run: python scripts/make_docs.py"


def test_explain_prints_the_entry():
    result = CliRunner().invoke(main, ["explain", "unknown-rag"])
    assert result.exit_code == 0
    assert result.output.startswith("unknown-rag (error): A RAG value that is not on the scale")
    assert "What to do:" in result.output
    assert explain(" Unknown_RAG ") is CATALOGUE["unknown-rag"]


def test_explain_lists_every_code_and_refuses_an_unknown_one():
    listed = CliRunner().invoke(main, ["explain"])
    assert listed.exit_code == 0
    assert len(listed.output.splitlines()) == len(CODES)
    unknown = CliRunner().invoke(main, ["explain", "purple"])
    assert unknown.exit_code == 2 and "'purple' is not an xlplan issue code" in unknown.output


def test_no_code_is_declared_twice():
    """A dict literal keeps the last of two equal keys silently: read the source instead."""
    import ast

    tree = ast.parse((ROOT / "xlplan" / "issues.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "CODES":
            keys = [k.value for k in node.value.keys]
            assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
            return
    raise AssertionError("CODES not found in issues.py")
