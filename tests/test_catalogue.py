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


# ---------------------------------------------------------------------------------------------
# Each stage module declares the codes it can raise
# ---------------------------------------------------------------------------------------------

#: How the package raises a code: ``at("code", ...)``, ``ctx.issue("code", ...)``,
#: ``self.add("code", ...)``, ``Issue("code", ...)`` (the scan of the test above), and the
#: package check's ``_MemberProblem("code", ...)``.
RAISED = re.compile(r"""(?:\bat|\.issue|\badd|Issue|_MemberProblem)\(\s*(?:code=)?["']"""
                    r"""([a-z]+(?:-[a-z]+)+)["']""")
#: The modules of the package check, the reader, the pipeline and the check and read stages
#: that raise codes.
STAGE_MODULES = sorted([*(ROOT / "xlplan" / "checks").glob("*.py"),
                        *(ROOT / "xlplan" / "normalise").glob("*.py"),
                        ROOT / "xlplan" / "rows.py",
                        ROOT / "xlplan" / "reader.py",
                        ROOT / "xlplan" / "api.py",
                        ROOT / "xlplan" / "tolerant.py",
                        ROOT / "xlplan" / "merging" / "actions.py",
                        ROOT / "xlplan" / "write" / "__init__.py",
                        ROOT / "xlplan" / "safety" / "__init__.py",
                        ROOT / "xlplan" / "safety" / "sheets.py"])


def _module(path: Path):
    import importlib

    # a package's __init__.py is the package itself: imported under its own name, never
    # a second time as "pkg.__init__" (which would run its registrations twice)
    parts = path.relative_to(ROOT).with_suffix("").parts
    name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
    return importlib.import_module(name)


def _imported_sources(path: Path) -> str:
    """The source of every xlplan module ``path`` imports (where a code raised through a
    helper's result is spelt: ``check_rating`` in the risk rules, ``note_rows`` in rows)."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = path.relative_to(ROOT).parent.parts
    texts = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - node.level + 1]
            target = ROOT.joinpath(*base, *(node.module or "").split("."))
            for candidate in (target.with_suffix(".py"), target / "__init__.py"):
                if candidate.is_file() and candidate.name not in ("catalogue.py", "issues.py"):
                    texts.append(candidate.read_text(encoding="utf-8"))
    return "\n".join(texts)


def test_every_check_module_declares_its_codes():
    checks = [p for p in STAGE_MODULES if p.parent.name == "checks" and p.stem != "__init__"]
    assert len(checks) >= 4
    for path in checks:
        assert isinstance(getattr(_module(path), "CODES", None), tuple), (
            f"{path.relative_to(ROOT)}: declare CODES = (...), the codes it can raise")


def _without_codes(source: str) -> str:
    """A module's source without its ``CODES = (...)`` declaration (where a code chosen into
    a variable, ``code = "too-large" if ... else ...``, is still spelt)."""
    import ast

    lines = source.splitlines()
    for node in ast.parse(source).body:
        if (isinstance(node, (ast.Assign, ast.AnnAssign))
                and "CODES" in {getattr(t, "id", "") for t in getattr(node, "targets", [])}
                | {getattr(getattr(node, "target", None), "id", "")}):
            del lines[node.lineno - 1:node.end_lineno]
            break
    return "\n".join(lines)


def test_every_code_a_stage_module_raises_is_declared_there_and_catalogued():
    declared_somewhere = 0
    for path in STAGE_MODULES:
        source = path.read_text(encoding="utf-8")
        raised = set(RAISED.findall(source))
        declared = getattr(_module(path), "CODES", ())
        where = path.relative_to(ROOT)
        assert not raised - set(declared), f"{where}: raises {sorted(raised - set(declared))} " \
            "without declaring them in CODES"
        assert len(declared) == len(set(declared)), f"{where}: a code declared twice"
        assert not set(declared) - set(CATALOGUE), f"{where}: {set(declared) - set(CATALOGUE)}"
        # A code declared but not raised here by name is raised through a helper it imports
        # (check_rating's findings, note_rows' notes): it must be spelt there, so a
        # declaration cannot outlive the code.
        elsewhere = _imported_sources(path) + _without_codes(source)
        stale = [c for c in declared if c not in raised and f'"{c}"' not in elsewhere]
        assert not stale, f"{where}: declares {stale}, raised neither here nor by its imports"
        declared_somewhere += len(declared)
    assert declared_somewhere >= 30


def test_the_stage_declarations_cover_the_codes_of_the_stages():
    """Every code a check or normaliser can raise is declared by one of them (codes of the
    file, the merge and the output stages are raised elsewhere)."""
    declared = {c for path in STAGE_MODULES for c in getattr(_module(path), "CODES", ())}
    for code in ("unknown-rag", "missing-rag", "missing-column", "bad-rating", "score-mismatch",
                 "out-of-range", "impossible-score", "trend-mismatch", "not-a-row",
                 "error-value", "formula-in-input", "duplicate-period"):
        assert code in declared, code


# ---------------------------------------------------------------------------------------------
# Message templates: one wording per case
# ---------------------------------------------------------------------------------------------

#: Codes worded from a catalogue template wherever they are raised (``unsafe-xml`` too, but
#: the package check hands it a name holding the wording: the tests below read those calls).
TEMPLATED = ("unreadable-file", "too-large", "missing-column", "unknown-rag", "header-not-found",
             "conflicting-ref", "carried-forward", "encrypted-file", "skipped-file",
             "hidden-sheet", "own-output", "no-rows", "unreadable-cell", "stray-cell",
             "missing-submission", "text-truncated", "missing-rag", "unknown-marker",
             "duplicate-ref", "error-value", "own-rag-bands", "rag-band-mismatch",
             "movement-mismatch", "residual-above-inherent", "above-appetite", "review-overdue",
             "bad-value", "trend-mismatch", "missing-value", "fragment-row", "rag-from-colour",
             "rag-colour-mismatch", "formula-in-input", "formula-like-text", "text-not-rating",
             "rating-from-words", "duplicate-period")


def test_the_codes_worded_in_many_places_have_templates():
    for code in TEMPLATED:
        assert CATALOGUE[code].templates, code


def test_every_template_renders_with_its_fields_and_refuses_a_missing_one():
    import pytest

    from xlplan.catalogue import message

    for entry in CATALOGUE.values():
        cases = [case for case, _ in entry.templates]
        assert len(cases) == len(set(cases)), entry.code
        for case, template in entry.templates:
            fields = entry.fields(case)
            text = entry.message(case, **{f: f"<{f}>" for f in fields})
            assert "{" not in text and all(f"<{f}>" in text for f in fields)
            if fields:
                with pytest.raises(KeyError):
                    entry.message(case)
    assert message("unknown-rag", value="Purple", scale="Green, Amber, Red") == (
        "RAG value 'Purple' is not on the scale (Green, Amber, Red)")
    with pytest.raises(KeyError):
        message("unreadable-file", "no-such-case", reason="x")


def test_the_templated_codes_are_worded_by_their_template_wherever_they_are_raised():
    call = re.compile(r"""(?:\bat|\.issue|\badd|Issue|_MemberProblem)\(\s*["']("""
                      + "|".join(TEMPLATED) + r""")["']\s*,\s*(\S{0,8})""")
    offenders, places = [], 0
    for path in (ROOT / "xlplan").rglob("*.py"):
        if path.name == "catalogue.py":
            continue
        for code, start in call.findall(path.read_text(encoding="utf-8")):
            places += 1
            if not start.startswith("message("):
                offenders.append((str(path.relative_to(ROOT)), code))
    assert places >= 30 and not offenders, offenders


#: The package check's modules: every message they give is a catalogue template.
SAFETY_MODULES = sorted((ROOT / "xlplan" / "safety").glob("*.py"))


def _prose(node) -> str:
    """The text a string literal or f-string spells (an f-string's fields left out)."""
    import ast

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_prose(part) for part in node.values)
    return ""


def _worded(node) -> bool:
    """A message given as a ``message(...)`` call, a name holding one, or a choice of two."""
    import ast

    if isinstance(node, ast.IfExp):
        return _worded(node.body) and _worded(node.orelse)
    return isinstance(node, ast.Name) or (isinstance(node, ast.Call)
                                          and getattr(node.func, "id", "") == "message")


def _free_text(paths: list[Path], sentences: bool) -> tuple[list, int]:
    """The messages in ``paths`` that are not worded from the catalogue, and how many messages
    were looked at. A message handed to ``at``/``add``/``Issue``/``_MemberProblem`` with a
    code must be a ``message(...)`` call (or a name holding one); so must one handed to a sheet's
    ``ctx.issue``; with ``sentences``, no other string may read like a sentence either (six
    words or more, docstrings aside)."""
    import ast

    raising = {"at", "add", "issue", "Issue", "_MemberProblem"}
    offenders, places = [], 0
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
                      and node.body and isinstance(node.body[0], ast.Expr)}
        where = path.relative_to(ROOT)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                # the code and the message, given in order or by name (``Issue(code=...)``)
                given = dict(zip(("code", "message"), node.args))
                given.update((k.arg, k.value) for k in node.keywords if k.arg)
                if (name in raising and "message" in given
                        and isinstance(given.get("code"), ast.Constant)):
                    places += 1
                    if not _worded(given["message"]):
                        offenders.append((str(where), node.lineno, given["code"].value))
            elif (sentences and isinstance(node, (ast.Constant, ast.JoinedStr))
                  and id(node) not in docstrings):
                if len(_prose(node).split()) >= 6:
                    offenders.append((str(where), node.lineno, _prose(node)[:40]))
    return offenders, places


def test_the_package_check_words_every_message_from_the_catalogue():
    """safety/ diagnoses a file's bytes in many ways (empty, an old .xls, a cut-short
    download, a zip bomb, ...): each sentence is a catalogue template, filled in with
    :func:`message`, and no string in the package reads like a sentence (the helpers that
    choose a case return the case, not the words)."""
    offenders, places = _free_text(SAFETY_MODULES, sentences=True)
    assert places >= 25 and not offenders, offenders


#: The reader (with its cell-by-cell fallback), the pipeline, the merge of the action plans and
#: the writer: every issue message they give is a catalogue template.
FILE_STAGE_MODULES = [ROOT / "xlplan" / "reader.py", ROOT / "xlplan" / "api.py",
                      ROOT / "xlplan" / "tolerant.py", ROOT / "xlplan" / "merging" / "actions.py",
                      ROOT / "xlplan" / "write" / "__init__.py"]


def test_the_reader_and_the_pipeline_word_every_issue_from_the_catalogue():
    """The reader's and the pipeline's findings about a whole file (skipped, hidden sheets,
    password, entities, no rows, xlplan's own output) and the cell-by-cell reader's (cells it
    could not read, values far outside the table), the merge's (an SRO that sent nothing, an
    overdue milestone) and the writer's (text cut short) are catalogue templates. Other
    strings there may be sentences: a file's note on the Submissions sheet is not an issue
    message, and the reason a file was set aside or a cell could not be read is put into a
    template."""
    offenders, places = _free_text(FILE_STAGE_MODULES, sentences=False)
    assert places >= 18 and not offenders, offenders
    # the reader holds no sentence of its own at all
    offenders, _ = _free_text(FILE_STAGE_MODULES[:1], sentences=True)
    assert not offenders, offenders


#: The value checks and the rules they apply: every issue message they give is a catalogue
#: template (a rating's findings are worded where the rules are, in the risk schema).
CHECK_MODULES = [*sorted((ROOT / "xlplan" / "checks").glob("*.py")),
                 ROOT / "xlplan" / "schema" / "risk.py"]


def test_the_value_checks_word_every_issue_from_the_catalogue():
    """A RAG not on the scale, a milestone or a value that cannot be read, a Ref used twice,
    an Excel error in a cell, a risk's RAG, movement, review date or appetite that disagree
    with its ratings, a scorecard's polarity and trend: each message is a catalogue template,
    and so is every finding of the risk rating rules (out of range, impossible score, score
    not likelihood x impact)."""
    offenders, places = _free_text(CHECK_MODULES, sentences=False)
    assert places >= 20 and not offenders, offenders
    import ast

    rules = ast.parse((ROOT / "xlplan" / "schema" / "risk.py").read_text(encoding="utf-8"))
    # the rules hand back (code, message) pairs, and a rating they cannot read is an error
    # whose text becomes a bad-rating message: no words of their own but the templates'
    for name, least in (("check_rating", 4), ("parse_rating", 5)):
        rule = next(node for node in ast.walk(rules)
                    if isinstance(node, ast.FunctionDef) and node.name == name)
        worded = [node for node in ast.walk(rule) if isinstance(node, ast.Call)
                  and getattr(node.func, "id", "") == "message"]
        loose = [_prose(node) for node in ast.walk(rule)
                 if isinstance(node, (ast.Constant, ast.JoinedStr))
                 and node is not rule.body[0].value and len(_prose(node).split()) >= 3]
        assert len(worded) >= least and not loose, (name, loose)


#: The readers of the rows under a header (the rows that are not rows of the table, and each
#: kind of table's normaliser): every issue message they give is a catalogue template.
READ_MODULES = [*sorted((ROOT / "xlplan" / "normalise").glob("*.py")), ROOT / "xlplan" / "rows.py"]


def test_the_row_readers_word_every_issue_from_the_catalogue():
    """A row that is not a row of the table (a total, a note, a legend, rows numbered in
    advance, a dropdown's list), a fragment joined to the row above, a required cell left
    empty, a RAG read from or disagreeing with its colour, a formula, ratings read from words
    or ticks, a column of text where ratings were expected, a period written twice, a rating
    part that is not a whole number: each message is a catalogue template."""
    offenders, places = _free_text(READ_MODULES, sentences=False)
    assert places >= 20 and not offenders, offenders
    # the notes on skipped rows are chosen into a name first (rows.note_rows): each a template
    import ast

    tree = ast.parse((ROOT / "xlplan" / "rows.py").read_text(encoding="utf-8"))
    chosen = [node.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
              and getattr(node.targets[0], "id", "") == "msg"]
    assert len(chosen) >= 3 and all(_worded(value) for value in chosen), \
        [ast.unparse(value)[:60] for value in chosen if not _worded(value)]


def test_explain_shows_how_the_messages_read():
    result = CliRunner().invoke(main, ["explain", "header-not-found"])
    assert result.exit_code == 0
    assert "How its messages read:" in result.output
    assert "no-table: no sheet has a header row xlplan recognises" in result.output
    plain = CliRunner().invoke(main, ["explain", "output-error"])
    assert "How its messages read" not in plain.output
    # the checks' and the row readers' wordings too
    for code, shown in (("trend-mismatch", "coloured: the Trend cell is coloured {stated} but"),
                        ("not-a-row", "numbered-run: rows {first}-{last} are numbered in advance"),
                        ("bad-rating", "part: the {part} '{text}' is not a whole number")):
        result = CliRunner().invoke(main, ["explain", code])
        assert result.exit_code == 0 and shown in result.output, (code, result.output)


def test_the_docs_page_lists_the_message_wordings():
    page = markdown_table()
    assert "## Message wordings" in page
    assert "- `unknown-rag`: RAG value '{value}' is not on the scale ({scale})" in page
    assert "- `unreadable-file` (cannot-open): the file cannot be opened: {reason}" in page
    assert "- `too-large` (unpacks-to): the workbook unpacks to {size}; xlplan reads" in page


def test_explain_shows_the_package_checks_wordings():
    result = CliRunner().invoke(main, ["explain", "too-large"])
    assert result.exit_code == 0
    assert "unpacks-to: the workbook unpacks to {size}; xlplan reads workbooks" in result.output
    assert "long-tag: a single XML tag in this sheet is longer than 1 MB" in result.output
