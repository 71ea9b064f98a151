"""xlplan.safety: every hostile file gives its issue (never a crash), legitimate files pass.

The corpus (tests/hostile.py) is generated once per session into a temporary folder.
Time and memory guards here are loose (they catch a hang or a blow-up, not a regression of
a few percent); the real figures are measured by the benchmark in the module's report.
"""
from __future__ import annotations

import hashlib
import io
import random
import threading
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

import hostile
from xlplan import safety
from xlplan.safety import sheets
from xlplan.ooxml import scan
from xlplan.issues import CODES, ERROR
from xlplan.safety import Limits, PackageCheck, check_package, sha256_file

INFO_CODES = {"macros-ignored", "external-link"}


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> tuple[Path, dict[str, str | None]]:
    folder = tmp_path_factory.mktemp("hostile")
    return folder, hostile.write_corpus(folder)


@pytest.fixture(scope="session")
def small_xlsx(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("small") / "small.xlsx"
    path.write_bytes(hostile.small_workbook_bytes())
    return path


# ---------------------------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(hostile.HOSTILE))
def test_hostile_file_gives_exactly_its_issue(corpus, name):
    folder, expected = corpus
    threads_before = threading.active_count()
    tracemalloc.start()
    t0 = time.perf_counter()
    check = check_package(folder / name, f"returns/{name}")
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    code = expected[name]
    assert [i.code for i in check.issues] == [code], [(i.code, i.message) for i in check.issues]
    issue = check.issues[0]
    assert issue.file == f"returns/{name}"
    assert issue.severity == CODES[code]
    assert check.ok is (code in INFO_CODES)
    assert elapsed < 10, f"{name} took {elapsed:.1f} s"
    assert peak < 64 * 2**20, f"{name} used {peak / 2**20:.0f} MB"
    assert threading.active_count() == threads_before  # no helper thread left behind


def test_legitimate_60k_row_plan_passes(corpus):
    folder, expected = corpus
    assert expected[hostile.LEGIT] is None
    tracemalloc.start()
    t0 = time.perf_counter()
    check = check_package(folder / hostile.LEGIT, hostile.LEGIT)
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert check.issues == []
    assert check.ok and not check.macro_enabled and not check.external_links
    assert check.sheet_dimensions == {"xl/worksheets/sheet1.xml": (60_001, 13)}
    assert elapsed < 10
    assert peak < 64 * 2**20  # streamed: a few chunks, never the 70 MB sheet


def test_normal_small_workbook_passes(small_xlsx):
    check = check_package(small_xlsx, "small.xlsx")
    assert isinstance(check, PackageCheck)
    assert check.ok and check.issues == []
    assert check.sheet_dimensions == {"xl/worksheets/sheet1.xml": (2, 4)}


def test_small_files_are_checked_in_milliseconds(small_xlsx):
    check_package(small_xlsx, "warm-up")
    t0 = time.perf_counter()
    for _ in range(20):
        check_package(small_xlsx, "small.xlsx")
    assert (time.perf_counter() - t0) / 20 < 0.05


def test_messages_say_what_to_do(corpus):
    folder, _ = corpus

    def message(name: str) -> str:
        return check_package(folder / name, name).issues[0].message

    assert "CSV file with an .xlsx name" in message("csv-renamed.xlsx")
    assert "save it as .xlsx" in message("csv-renamed.xlsx")
    assert "HTML file with an .xlsx name" in message("html-renamed.xlsx")
    assert "97-2003" in message("old-format.xls") and ".xls" in message("old-format.xls")
    assert "File > Info > Protect Workbook" in message("encrypted.xlsx")
    assert "empty (0 bytes)" in message("empty.xlsx")
    bomb = check_package(folder / "zip-bomb.xlsx", "b").issues[0]
    assert "100 times" in bomb.message and "600.0 MB" in bomb.message
    for name in ("xfd-dimension.xlsx", "xfd-no-dimension.xlsx", "xfd-lying-dimension.xlsx"):
        assert check_package(folder / name, name).issues[0].value == "XFD1048576"
    xfd = check_package(folder / "xfd-lying-dimension.xlsx", "x").issues[0]
    assert xfd.value == "XFD1048576" and xfd.sheet == "Action Plan"
    assert "524,288" in xfd.message and "1,048,576" in xfd.message
    area = check_package(folder / "area-zz.xlsx", "a").issues[0]
    assert area.value == "A1:ZZ99999" and "20,000,000" in area.message


@pytest.mark.parametrize("name", ["zip-bomb-lying-size.xlsx", "xfd-attribute-order.xlsx",
                                  "positional-area.xlsx", "xxe.xlsx"])
def test_helper_thread_paths(corpus, monkeypatch, name):
    """Errors raised while inflating in the helper thread, and the restart of a sheet in the
    exact scanner, behave as without the thread, and leave no thread behind."""
    monkeypatch.setattr(safety, "THREAD_MIN", 0)
    monkeypatch.setattr(scan, "THREADS_HELP", True)
    folder, expected = corpus
    before = threading.active_count()
    check = check_package(folder / name, name)
    assert [i.code for i in check.issues] == [expected[name]]
    assert threading.active_count() == before


def test_macro_and_link_flags(corpus):
    folder, _ = corpus
    macro = check_package(folder / "macros.xlsm", "m.xlsm")
    assert macro.ok and macro.macro_enabled and not macro.external_links
    link = check_package(folder / "external-link.xlsx", "l.xlsx")
    assert link.ok and link.external_links and not link.macro_enabled


# ---------------------------------------------------------------------------------------------
# Limits and corner cases
# ---------------------------------------------------------------------------------------------

def _workbook(tmp_path: Path, cells: dict[str, object], name: str = "w.xlsx", **options) -> Path:
    path = tmp_path / name
    wb = xlsxwriter.Workbook(str(path), options)
    ws = wb.add_worksheet("Plan")
    for ref, value in cells.items():
        ws.write(ref, value)
    wb.close()
    return path


@pytest.mark.parametrize("limits, ref", [
    (Limits(max_rows=100), "A101"),
    (Limits(max_columns=26), "AA1"),
    (Limits(max_cells=99), "J10"),
])
def test_custom_limits_are_applied(tmp_path, limits, ref):
    path = _workbook(tmp_path, {"A1": "Ref", ref: 1})
    assert check_package(path, "w.xlsx").ok
    check = check_package(path, "w.xlsx", limits)
    assert [i.code for i in check.issues] == ["too-large"]
    assert not check.ok


def test_file_limit_and_member_limit(tmp_path):
    path = _workbook(tmp_path, {"A1": "x"})
    assert check_package(path, "w", Limits(max_file_bytes=100)).issues[0].code == "too-large"
    assert check_package(path, "w", Limits(max_members=3)).issues[0].code == "too-large"
    small = Limits(max_uncompressed_bytes=1000)
    assert check_package(path, "w", small).issues[0].code == "too-large"


def test_missing_file_and_directory_do_not_raise(tmp_path):
    for path in (tmp_path / "absent.xlsx", tmp_path):
        check = check_package(path, "x")
        assert [i.code for i in check.issues] == ["unreadable-file"] and not check.ok


def test_an_internal_failure_becomes_an_issue(small_xlsx, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(safety, "_scan_sheet_member", boom)
    check = check_package(small_xlsx, "small.xlsx")
    assert [i.code for i in check.issues] == ["unreadable-file"]
    assert "unexpected" in check.issues[0].message and not check.ok


def test_every_xml_part_is_checked_for_entities(tmp_path):
    members = hostile.base_members()
    members["docProps/core.xml"] = members["docProps/core.xml"].replace(
        b"?>", b"?><!DOCTYPE x>", 1)
    path = tmp_path / "dtd.xlsx"
    path.write_bytes(hostile.members_to_zip(members))
    check = check_package(path, "dtd.xlsx")
    assert [(i.code, i.value) for i in check.issues] == [("unsafe-xml", "docProps/core.xml")]


def test_utf16_xml_part_is_decoded_before_the_search(tmp_path):
    members = hostile.base_members()
    text = members["xl/sharedStrings.xml"].decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    text = text.replace("?>", '?><!DOCTYPE sst [<!ENTITY e "x">]>', 1)
    members["xl/sharedStrings.xml"] = text.encode("utf-16")
    path = tmp_path / "utf16.xlsx"
    path.write_bytes(hostile.members_to_zip(members))
    assert [i.code for i in check_package(path, "u").issues] == ["unsafe-xml"]


def test_stored_member_larger_than_declared(tmp_path):
    entries = hostile.base_entries()
    sheet = next(e for e in entries if e["name"] == "xl/worksheets/sheet1.xml")
    data = hostile.base_members()["xl/worksheets/sheet1.xml"]
    sheet.update(payload=data, method=0, size=len(data) - 10, crc=0)
    path = tmp_path / "stored.xlsx"
    path.write_bytes(hostile.raw_zip(entries))
    assert [i.code for i in check_package(path, "s").issues] == ["too-large"]


def test_rich_text_and_colon_text_stay_on_the_fast_path(tmp_path, monkeypatch):
    """<color> inside inline rich text and "Status:complete" in cells must not be mistaken for
    cells; the exact scanner is not needed (and would be slow on a big file)."""
    rich = ('<c r="B2" t="inlineStr"><is><r><rPr><color rgb="FFFF0000"/><charset val="0"/>'
            "</rPr><t>Status:complete Note:c  x:c</t></r></is></c>")
    xml = hostile.sheet_xml(f'<row r="2">{hostile.cell("A2")}{rich}</row>', "A2:B2")
    path = tmp_path / "rich.xlsx"
    path.write_bytes(hostile.with_sheet(xml))

    def no_exact(*args, **kwargs):
        raise AssertionError("exact scanner used")

    monkeypatch.setattr(sheets._ExactScanner, "run", no_exact)
    check = check_package(path, "rich.xlsx")
    assert check.ok and check.sheet_dimensions["xl/worksheets/sheet1.xml"] == (2, 2)


def test_dimension_is_found_after_a_long_preamble(tmp_path):
    xml = hostile.sheet_xml(hostile.cell("A1"), dimension=None).replace(
        b"<sheetData>", b'<sheetPr codeName="' + b"x" * 200_000 + b'"/>'
        b'<dimension ref="A1:XFD1048576"/><sheetData>')
    path = tmp_path / "padded.xlsx"
    path.write_bytes(hostile.with_sheet(xml))
    check = check_package(path, "padded.xlsx")
    assert [(i.code, i.value) for i in check.issues] == [("too-large", "A1:XFD1048576")]
    assert "declares its used area" in check.issues[0].message


@pytest.mark.parametrize("out_chunk, raw_read", [(1, 1), (7, 3), (1000, 100), (65536, 65536)])
def test_member_reader_with_tiny_chunks(monkeypatch, out_chunk, raw_read):
    """Output capped at every call must still be drained to the end of the stream."""
    data = random.Random(1).randbytes(3000) + b"a" * 20_000
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("x.xml", data)
    raw = buf.getvalue()
    info = zipfile.ZipFile(io.BytesIO(raw)).infolist()[0]
    monkeypatch.setattr(safety, "OUT_CHUNK", out_chunk)
    monkeypatch.setattr(safety, "RAW_READ", raw_read)
    assert b"".join(safety._member_chunks(io.BytesIO(raw), info, len(raw))) == data


def test_sha256_file(small_xlsx):
    assert sha256_file(small_xlsx) == hashlib.sha256(small_xlsx.read_bytes()).hexdigest()


def test_ole_reader_lists_streams():
    data = hostile.encrypted_workbook()
    names = safety._ole_stream_names(io.BytesIO(data), len(data))
    assert {"EncryptionInfo", "EncryptedPackage"} <= set(names)
    broken = data[:512] + b"\xff" * 512 + data[1024:]  # FAT destroyed: the byte search still works
    assert "EncryptionInfo" in safety._ole_stream_names(io.BytesIO(broken), len(broken))


# ---------------------------------------------------------------------------------------------
# Property tests: never raises; the fast scan agrees with the exact one
# ---------------------------------------------------------------------------------------------

SMALL = hostile.small_workbook_bytes()


@seed(20240601)
@settings(max_examples=200, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(st.tuples(st.integers(0, len(SMALL) - 1), st.integers(0, 255)),
                      max_size=12),
       cut=st.integers(0, len(SMALL)),
       insert=st.binary(max_size=32))
def test_check_never_raises_on_mutated_bytes(tmp_path_factory, edits, cut, insert):
    data = bytearray(SMALL)
    for pos, byte in edits:
        data[pos] = byte
    data = bytes(data[:cut]) + insert + bytes(data[cut:]) if insert else bytes(data[:cut or None])
    path = tmp_path_factory.getbasetemp() / "mutated.xlsx"
    path.write_bytes(data)
    check = check_package(path, "mutated.xlsx")
    assert isinstance(check, PackageCheck)
    assert check.ok is not any(i.severity == ERROR for i in check.issues)
    assert all(i.code in CODES and i.file == "mutated.xlsx" for i in check.issues)


def _ref_text(rng: random.Random) -> str:
    letters = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(rng.choice(
        [1, 1, 1, 2, 2, 3])))
    row = rng.choice([rng.randint(1, 99), rng.randint(1, 99_999), rng.randint(1, 2_000_000)])
    if rng.random() < 0.1:
        letters = letters.lower()
    zeros = "0" * rng.choice([0, 0, 0, 0, 1, 3, 12]) if rng.random() < 0.2 else ""
    if rng.random() < 0.05:  # refused by calamine (read by openpyxl): must not hide the others
        return rng.choice([f"${letters}${row}", f"{letters}:{row}", f"{letters}{row}x",
                           f"{letters}[{row}", f"@{row}", f"{letters}~", f"{row}"])
    return f"{letters}{zeros}{row}"


def _random_sheet(rng: random.Random) -> bytes:
    rows = []
    for _ in range(rng.randint(0, 40)):
        cells = []
        for _ in range(rng.randint(0, 8)):
            ref = _ref_text(rng)
            style = rng.choice(["", ' s="1"', ' s="12" t="s"', ' t="inlineStr"'])
            if rng.random() < 0.3:
                cells.append(f'<c r="{ref}"{style}/>')
            elif "inlineStr" in style:
                text = rng.choice(["x", "Status:complete", "a<b".replace("<", "&lt;"), "r=&quot;"])
                cells.append(f'<c r="{ref}"{style}><is><t>{text}</t></is></c>')
            else:
                cells.append(f'<c r="{ref}"{style}><v>{rng.randint(0, 9)}</v></c>')
        rows.append(f'<row r="{rng.randint(1, 10**6)}" spans="1:3">{"".join(cells)}</row>')
    return hostile.sheet_xml("".join(rows), dimension=rng.choice([None, "A1", "B2:C9"]))


def _chunked(data: bytes, rng: random.Random):
    pos = 0
    while pos < len(data):
        size = rng.choice([1, 7, 33, 64, 500, 4096, len(data)])
        yield data[pos:pos + size]
        pos += size


@seed(4242)
@settings(max_examples=150, deadline=None, database=None)
@given(st.integers(0, 2**32))
def test_fast_scan_matches_exact_scan(rng_seed):
    rng = random.Random(rng_seed)
    xml = _random_sheet(rng)
    huge = Limits(max_rows=10**12, max_columns=10**9, max_cells=10**30)
    exact = sheets._SheetState()
    sheets._ExactScanner(exact, huge).run(_chunked(xml, rng))
    fast = sheets._SheetState()
    try:
        sheets._scan_chunks_fast(_chunked(xml, rng), fast, huge)
    except sheets._NotCanonical:
        return  # a long reference cut by a tiny chunk: in real use the exact scanner takes over
    assert (fast.cell_rows, fast.cell_cols, fast.cell_count) == \
           (exact.cell_rows, exact.cell_cols, exact.cell_count)


def test_zip_read_through_public_api_matches(small_xlsx):
    """The member reader returns exactly what zipfile returns for an honest package."""
    with zipfile.ZipFile(small_xlsx) as zf, open(small_xlsx, "rb") as fh:
        size = small_xlsx.stat().st_size
        for info in zf.infolist():
            assert b"".join(safety._member_chunks(fh, info, size)) == zf.read(info)


def _unusual_sheet(rng: random.Random) -> bytes:
    """Small sheets in the forms only the exact scanner handles: tag prefixes, cells without
    references, references that are not the first attribute, empty self-closing rows."""
    p = rng.choice(["", "", "x:"])
    rows = []
    for _ in range(rng.randint(1, 12)):
        r = f' r="{rng.randint(1, 60)}"' if rng.random() < 0.6 else ""
        cells = []
        for _ in range(rng.randint(0, 6)):
            ref = "".join(rng.choice("ABCDEFGHIJ") for _ in range(rng.choice([1, 1, 2])))
            ref += str(rng.randint(1, 60))
            kind = rng.random()
            attrs = f' r="{ref}"' if kind < 0.4 else f' s="0" r="{ref}"' if kind < 0.6 else ""
            cells.append(f"<{p}c{attrs}><{p}v>{rng.randint(1, 9)}</{p}v></{p}c>")
        rows.append(f"<{p}row{r}>{''.join(cells)}</{p}row>" if cells or rng.random() < 0.5
                    else f"<{p}row{r}/>")
    return hostile.sheet_xml("".join(rows), dimension=None, prefix=p)


def test_exact_scanner_agrees_with_python_calamine():
    """The exact scanner is the reference the fast one is tested against: check it against
    python-calamine itself, on sheets small enough to be safe to read."""
    python_calamine = pytest.importorskip("python_calamine")
    for i in range(150):
        rng = random.Random(i)
        xml = _unusual_sheet(rng)
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(hostile.with_sheet(xml)))
        grid = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
        state = sheets._SheetState()
        sheets._ExactScanner(state, Limits()).run(iter([xml]))
        assert (len(grid), max((len(r) for r in grid), default=0)) == \
               (state.cell_rows, state.cell_cols), xml


# ---------------------------------------------------------------------------------------------
# The parts kept for the readers after the check
# ---------------------------------------------------------------------------------------------

def _rag_workbook(path: Path) -> None:
    """An action plan with RAG fills and a formula, as xlsxwriter writes it."""
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Action Plan")
    fills = [wb.add_format({"bg_color": c}) for c in ("#00B050", "#FFC000", "#FF0000")]
    ws.write_row(0, 0, ["Ref", "Action", "SRO", "RAG"])
    for r in range(1, 30):
        ws.write_row(r, 0, [f"1.{r}", f"Action {r}", "Ann James"])
        ws.write(r, 3, "", fills[r % 3])
    ws.write_formula(30, 0, "=COUNTA(A2:A30)")
    wb.close()


def test_small_package_is_kept_as_zipfile_reads_it(tmp_path):
    from xlplan.styles import read_sheet_styles

    path = tmp_path / "rag.xlsx"
    _rag_workbook(path)
    check = check_package(path, "rag.xlsx")
    assert check.ok and check.package is not None
    with zipfile.ZipFile(path) as zf:
        assert check.package.namelist() == zf.namelist()
        for name in zf.namelist():
            assert check.package.read(name) == zf.read(name)
            assert check.package.getinfo(name).file_size == zf.getinfo(name).file_size
    kept = read_sheet_styles(check.package, "Action Plan", columns={3})
    from_file = read_sheet_styles(path, "Action Plan", columns={3})
    assert len(kept.fills) == 29 and kept.formulas == {(31, 0)}
    assert (kept.fills, kept.formulas, kept.problems) == \
           (from_file.fills, from_file.formulas, from_file.problems)


def _sheet_entry(entries: list[dict]) -> dict:
    return next(e for e in entries if e["name"] == "xl/worksheets/sheet1.xml")


def test_package_is_not_kept_where_zipfile_would_refuse_a_part(tmp_path):
    """A part zipfile refuses (bad CRC, a local header naming another part) is left for the
    readers to meet in the file, as before: the check itself does not look at either."""
    entries = hostile.base_entries()
    _sheet_entry(entries)["crc"] ^= 1
    bad_crc = tmp_path / "crc.xlsx"
    bad_crc.write_bytes(hostile.raw_zip(entries))
    renamed = tmp_path / "renamed.xlsx"
    data = hostile.raw_zip(hostile.base_entries())
    renamed.write_bytes(data.replace(b"xl/worksheets/sheet1.xml", b"xl/worksheets/sheetX.xml", 1))
    for path in (bad_crc, renamed):
        check = check_package(path, path.name)
        assert check.ok and check.package is None, path.name
        with zipfile.ZipFile(path) as zf, pytest.raises(zipfile.BadZipFile):
            zf.read("xl/worksheets/sheet1.xml")
    good = tmp_path / "good.xlsx"
    good.write_bytes(data)
    assert check_package(good, "good.xlsx").package is not None


def test_large_package_is_not_kept(small_xlsx, monkeypatch):
    monkeypatch.setattr(safety, "HOLD_MAX", 100)
    assert check_package(small_xlsx, "small.xlsx").package is None
