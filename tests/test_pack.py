"""The board pack (``xlplan pack``) and the board's pages of the consolidated workbook, read
back: the PDF's text and font sizes with pypdf, the workbook's charts from their XML."""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xlplan.api import merge
from xlplan.config import load_config
from xlplan.demo import write_examples
from xlplan.write import write_consolidated

pypdf = pytest.importorskip("pypdf")

ROOT = Path(__file__).resolve().parents[1]
DEMO = load_config(ROOT / "xlplan" / "data" / "demo.toml")
GONE = "Nicola Jones"  # her March workbook is left out: a missing SRO


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    """March against February, one SRO's workbook missing and one file unreadable; the
    consolidated workbook and its board pack."""
    from xlplan.pack import write_pack

    root = tmp_path_factory.mktemp("pack")
    write_examples(root)
    feb, mar = root / "2018-02", root / "2018-03"
    (mar / f"2018-03 {GONE}.xlsx").unlink()
    (mar / "2018-03 Broken.xlsx").write_text("Ref,Action\n1,a\n", encoding="utf-8")
    feb_out = root / "Consolidated 2018-02.xlsx"
    write_consolidated(merge([feb], period="2018-02", config=DEMO), feb_out)
    merged = merge([mar], period="2018-03", config=DEMO, previous=feb_out)
    xlsx = write_consolidated(merged, root / "Consolidated 2018-03.xlsx")
    pdf = write_pack(xlsx, root / "board-pack.pdf")
    return merged, xlsx, pdf


def flat(text: str) -> str:
    return " ".join(text.split())


def page_texts(pdf: Path) -> list[str]:
    return [page.extract_text() or "" for page in pypdf.PdfReader(str(pdf)).pages]


def test_page_one_names_the_missing_the_failed_the_extreme_risks_and_the_actions(month):
    merged, _, pdf = month
    page1 = flat(page_texts(pdf)[0])
    missing = [i.value for i in merged.issues if i.code == "missing-submission"]
    assert GONE in missing
    for name in missing:
        assert name in page1, name
    assert "2018-03 Broken.xlsx" in page1  # failed to read, named
    # the count of extreme risks (scores in the matrix's top band), as a tile under its name
    top = max(merged.programme.risk_matrix.bands, key=lambda b: b.high)
    scores = [s for s in merged.risks["score"].tolist() if isinstance(s, (int, float))
              and s == s]
    extreme = sum(1 for s in scores if top.low <= s <= top.high)
    assert top.name == "Extreme" and extreme == 3
    tile = re.search(r"\bExtreme (\d+)\b", page1)
    assert tile and int(tile.group(1)) == extreme, page1[:600]
    # every Red or worsened action, by its text
    acts = merged.actions
    listed = acts[(acts["rag"] == "Red") | (acts["movement"] == "Worsened")]
    assert len(listed) >= 1
    for _, row in listed.iterrows():
        what = flat(str(row["sub_action"] or row["action"]))[:30]
        assert what in page1, what
    # errors and warnings both shown
    n_warnings = sum(1 for i in merged.issues if i.severity == "warning")
    assert f"and {n_warnings} warnings" in page1


def test_no_text_smaller_than_8_pt(month):
    _, _, pdf = month
    sizes: list[tuple[float, str]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale = (abs(tm[3]) or 1) * (abs(cm[3]) or 1)
            sizes.append((size * scale, text))

    reader = pypdf.PdfReader(str(pdf))
    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    assert sizes
    smallest = min(sizes)
    assert smallest[0] >= 8 - 1e-6, smallest


def test_the_pack_has_the_boards_pages(month):
    _, _, pdf = month
    texts = page_texts(pdf)
    heads = [t.splitlines()[0] if t else "" for t in texts]
    for section in ("Dashboard", "Exceptions", "Changes", "Risks", "Heatmap", "Scorecard"):
        assert any(section in h for h in heads), section
    joined = flat(" ".join(texts))
    assert re.search(r"Page 1 of \d+", joined)
    assert "Plymouth CQC Action Plan 2018-19 - 2018-03" in joined  # footer: programme, period


def test_changes_list_changes_only(month):
    merged, xlsx, pdf = month
    ws = load_workbook(xlsx)["Changes"]
    listed = [r[0] for r in ws.iter_rows(min_row=2, values_only=True) if r[0]]
    assert listed and not {"Same", "Not reported"} & set(listed)
    same = int((merged.changes["change"] == "Same").sum())
    assert len(listed) == len(merged.changes) - same
    note = ws.cell(1, ws.max_column).value
    assert "not reported either month" in note and "unchanged" in note
    pages = [flat(t) for t in page_texts(pdf) if "Changes since last month" in t]
    assert pages and "not reported either month" in pages[0]
    rows = " ".join(pages)
    assert rows.count("Worsened") >= listed.count("Worsened")
    assert not re.search(r"(^|\s)Same(\s|$)", rows)


def test_every_chart_is_titled_with_whole_number_axes(month):
    _, xlsx, _ = month
    with zipfile.ZipFile(xlsx) as z:
        charts = [z.read(n).decode() for n in z.namelist()
                  if n.startswith("xl/charts/chart")]
    assert len(charts) >= 5
    for xml in charts:
        assert "<c:title>" in xml and "<c:autoTitleDeleted val=\"1\"/>" not in xml
        for ax in re.findall(r"<c:valAx>.*?</c:valAx>", xml, re.S):
            unit = re.search(r'<c:majorUnit val="([^"]+)"/>', ax)
            assert unit and float(unit.group(1)).is_integer(), ax[:200]
            assert 'formatCode="0"' in ax


def _period_end(label: str) -> dt.date | None:
    m = re.fullmatch(r"([A-Z][a-z]{2})-(\d\d)", label)
    if m:
        return dt.datetime.strptime(label, "%b-%y").date()
    m = re.fullmatch(r"(\d{4})/\d\d Q([1-4])", label)
    if m:  # financial year from April: Q1 ends June of its first year
        year, q = int(m.group(1)), int(m.group(2))
        month = 3 + 3 * q
        return dt.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    return None


def test_scorecard_periods_in_time_order(month):
    _, xlsx, pdf = month
    ws = load_workbook(xlsx)["Scorecard"]
    header = [c.value for c in ws[1]]
    periods = header[header.index("Benchmark") + 1: header.index("Graph (latest 6)")]
    ends = [_period_end(p) for p in periods]
    known = [e for e in ends if e is not None]
    assert len(known) >= 3
    assert known == sorted(known)
    # the same axis in the pack
    page = next(t for t in page_texts(pdf) if "Performance scorecard" in t)
    page = "".join(page.split())  # a narrow header may wrap
    at = [page.find("".join(p.split())) for p in periods if _period_end(p)]
    assert all(a >= 0 for a in at) and at == sorted(at), at


def test_actions_print_view(month):
    _, xlsx, _ = month
    ws = load_workbook(xlsx)["Actions"]
    header = {c.value: c.column_letter for c in ws[1]}
    area = str(ws.print_area)
    last = re.search(r":\$([A-Z]+)\$", area).group(1)
    assert last == header["Status"]
    for folded in ("Key", "Aim", "Q1", "Previous RAG"):
        assert ws.column_dimensions[header[folded]].hidden, folded
    for shown in ("Ref", "Theme", "Action", "Sub action", "SRO", "Due", "Updates", "RAG",
                  "Movement"):
        assert not ws.column_dimensions[header[shown]].hidden, shown
    printed = sum(ws.column_dimensions[header[h]].width for h in
                  ("Ref", "Theme", "Action", "Sub action", "SRO", "Due", "Updates", "RAG",
                   "Movement", "Status"))
    # one A4 landscape page wide at 75 % or more: 11 pt prints at 8 pt or more
    assert printed * 7 + 10 * 5 <= (11.69 - 0.8) * 96 / 0.75
    assert "Page &P of &N" in ws.oddFooter.right.text
    assert ws["A1"].fill.fgColor.rgb[-6:] == "4472C4"  # the header's own fill


def test_pack_command(month, tmp_path):
    _, xlsx, _ = month
    out = tmp_path / "pack.pdf"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-m", "xlplan", "pack", str(xlsx), "-o", str(out)],
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    assert out.exists() and out.read_bytes()[:5] == b"%PDF-"
    assert str(out) in run.stdout
    bad = tmp_path / "not.xlsx"
    bad.write_text("hello", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "xlplan", "pack", str(bad), "-o",
                          str(tmp_path / "x.pdf")], capture_output=True, text=True, env=env,
                         timeout=300)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr and "not.xlsx" in run.stderr


def test_help_does_not_load_the_drawing_libraries():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = ("import sys, xlplan.cli; print(sorted(m for m in ('matplotlib', 'fpdf') "
            "if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, timeout=60)
    assert run.stdout.strip() == "[]"


def test_demo_writes_the_pack_beside_the_workbook(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-m", "xlplan", "demo", "-o", str(tmp_path / "d")],
                         capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode in (0, 1), run.stderr
    pack = tmp_path / "d" / "Board pack 2018-03.pdf"
    assert pack.exists()
    assert "Board pack 2018-03.pdf" in run.stdout
    assert pack.read_bytes()[:5] == b"%PDF-"
