"""Tests for the OOXML layer (xlplan.ooxml): the package's relationships and sheets, the safe
parser, the styles table, OLE2 containers and the shared scanner pieces.

Workbooks are generated here with openpyxl (and edited at the zip level for what writers never
emit); the styles table is held to openpyxl's own reading of the same cells.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from openpyxl.styles import Font, PatternFill

import hostile
from xlplan.ooxml import ole, scan
from xlplan.ooxml import xml as ox
from xlplan.ooxml.package import (Members, Relationship, related_part, relationships, rels_part,
                                  resolve_target, workbook_part, workbook_sheets)
from xlplan.ooxml.styles import StylesTable

RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


# ---------------------------------------------------------------------------------- package
@pytest.mark.parametrize("base, target, expected", [
    ("xl/workbook.xml", "worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"),
    ("xl/workbook.xml", "/xl/worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"),
    ("xl/workbook.xml", "worksheets\\sheet1.xml", "xl/worksheets/sheet1.xml"),
    ("xl/worksheets/sheet1.xml", "../comments1.xml", "xl/comments1.xml"),
    ("xl/workbook.xml", "../../../x.xml", "x.xml"),          # past the root: forgiven
    ("", "xl/workbook.xml", "xl/workbook.xml"),              # the package's own rels
])
def test_targets_resolve_as_excel_does(base, target, expected):
    assert resolve_target(base, target) == expected


def test_rels_part_names():
    assert rels_part("") == "_rels/.rels"
    assert rels_part("xl/worksheets/sheet1.xml") == "xl/worksheets/_rels/sheet1.xml.rels"


def test_relationships_keep_external_targets_as_written():
    root = ox.parse(f'<Relationships xmlns="{RELS_NS}">'
                    f'<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/s.xml"/>'
                    f'<Relationship Id="rId2" Type="{DOC}/hyperlink" Target="http://x/a.xlsx" '
                    'TargetMode="External"/>'
                    f'<Relationship Id="rId3" Type="{DOC}/styles"/></Relationships>'.encode())
    rels = relationships(root, "xl/workbook.xml")
    assert rels == [Relationship("rId1", f"{DOC}/worksheet", "xl/worksheets/s.xml", ""),
                    Relationship("rId2", f"{DOC}/hyperlink", "http://x/a.xlsx", "External"),
                    Relationship("rId3", f"{DOC}/styles", "", "")]
    assert [r.external for r in rels] == [False, True, False]
    assert relationships(None, "xl/workbook.xml") == []


def _book(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.active.title = "Plan"
    wb.create_sheet("Risks").sheet_state = "hidden"
    path = tmp_path / "book.xlsx"
    wb.save(path)
    return path


def test_workbook_sheets_in_tab_order_with_their_parts(tmp_path):
    path = _book(tmp_path)
    with zipfile.ZipFile(path) as zf:
        members = Members(zf)
        root_rels = relationships(ox.parse(zf.read("_rels/.rels")), "")
        wb = workbook_part(root_rels, members.find)
        assert wb == "xl/workbook.xml"
        rels = relationships(ox.parse(zf.read(rels_part(wb))), wb)
        sheets = list(workbook_sheets(ox.parse(zf.read(wb)), rels))
    assert [(s.name, s.visible, s.is_worksheet) for s in sheets] == [
        ("Plan", True, True), ("Risks", False, True)]
    assert all(members.find(s.target) for s in sheets)


def test_related_part_follows_the_relationship_not_the_name():
    parts = {"xl/styles1.xml", "xl/Theme/T.xml", "xl/styles.xml"}
    find = {p.lower(): p for p in parts}.get
    rels = [Relationship("rId1", DOC + "/styles", "xl/gone.xml", ""),
            Relationship("rId2", DOC + "/styles", "xl/styles1.xml", ""),
            Relationship("rId3", DOC + "/theme", "xl/theme/t.xml", ""),
            Relationship("rId4", DOC + "/sharedStrings", "http://x/s.xml", "External")]
    assert related_part(rels, "styles", find, "xl/styles.xml") == "xl/styles1.xml"
    assert related_part(rels, "theme", find) == "xl/Theme/T.xml"
    assert related_part(rels, "sharedStrings", find) is None  # external: not a part
    assert related_part(rels[3:], "styles", find, "xl/styles.xml") == "xl/styles.xml"
    assert related_part(rels[3:], "styles", find, "xl/none.xml") is None


def test_members_are_found_whatever_the_case(tmp_path):
    path = tmp_path / "case.xlsx"
    with zipfile.ZipFile(_book(tmp_path)) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            name = info.filename
            zout.writestr("XL/Worksheets/Sheet1.XML" if name == "xl/worksheets/sheet1.xml"
                          else name, zin.read(name))
    with zipfile.ZipFile(path) as zf:
        members = Members(zf)
        assert members.find("xl/worksheets/sheet1.xml") == "XL/Worksheets/Sheet1.XML"
        assert members.find("/xl\\worksheets\\sheet1.xml") == "XL/Worksheets/Sheet1.XML"
        assert members.find("xl/worksheets/sheet9.xml") is None


# ---------------------------------------------------------------------------------- parser
def test_the_parser_expands_no_entities_and_loads_nothing(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    xxe = (f'<!DOCTYPE r [<!ENTITY e SYSTEM "file://{secret}">]><r>&e;</r>').encode()
    root = ox.parse(xxe)
    assert "TOP SECRET" not in (root.text or "")
    events = [el.text for _ev, el in ox.iterparse(io.BytesIO(xxe))]
    assert not any("TOP SECRET" in (t or "") for t in events)
    with pytest.raises(ox.XMLSyntaxError):
        ox.parse(b"<r><unclosed></r>")


def test_strip_leaves_out_comments_and_processing_instructions():
    data = b"<r><!-- note --><?pi x?><a/></r>"
    assert [ox.local(c.tag) for c in ox.parse(data, strip=True)] == ["a"]
    assert len(ox.parse(data)) == 3  # an editor that writes the part back keeps them


# ---------------------------------------------------------------------------------- styles
def _styled(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    formats = ["0%", "0.0%", '0.00"%"', "0.00%;[Red]-0.00%", "dd/mm/yyyy", "yyyy-mm-dd hh:mm",
               "General", "#,##0.00", "mmm-yy", "0.000%"]
    for i, fmt in enumerate(formats, start=1):
        c = ws.cell(row=i, column=1, value=0.5)
        c.number_format = fmt
        c.font = Font(bold=i % 3 == 0)
        if i % 2:
            c.fill = PatternFill("solid", fgColor="FFC000")
    path = tmp_path / "styled.xlsx"
    wb.save(path)
    return path


def test_styles_table_agrees_with_openpyxl(tmp_path):
    """Dates, percentages (with decimals), bold and fills, per cell, as openpyxl reads them."""
    from openpyxl.styles.numbers import is_date_format

    path = _styled(tmp_path)
    with zipfile.ZipFile(path) as zf:
        table = StylesTable(ox.parse(zf.read("xl/styles.xml")))
        sheet = zf.read("xl/worksheets/sheet1.xml")
    style_of = {}  # row -> s, from the sheet XML
    for el in ox.parse(sheet).iter():
        if ox.local(el.tag) == "c":
            style_of[int(el.get("r")[1:])] = int(el.get("s") or 0)
    dates, percent, bold = table.date_xfs(), table.percent_decimals(), table.bold_xfs()
    fills = table.fill_colours(None, [])
    ws = openpyxl.load_workbook(path).active
    for row, s in style_of.items():
        c = ws.cell(row=row, column=1)
        code = c.number_format
        assert (s in dates) == is_date_format(code), code
        shown = code.split(";")[0].replace('"%"', "")
        assert (s in percent) == ("%" in shown), code
        if s in percent:
            decimals = shown.split(".")[1].split("%")[0] if "." in shown else ""
            assert percent[s] == len(decimals), code
        assert (s in bold) == bool(c.font.b), code
        assert fills[s] == ("FFC000" if c.fill.fill_type == "solid" else None)


def test_styles_table_reads_a_prefixed_part_and_forgives_bad_numbers():
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    root = ox.parse(f'<x:styleSheet xmlns:x="{ns}"><x:numFmts count="1">'
                    '<x:numFmt numFmtId="164" formatCode="0.0%"/><x:numFmt numFmtId="junk" '
                    'formatCode="yyyy"/></x:numFmts><x:fonts><x:font><x:b/></x:font></x:fonts>'
                    '<x:cellXfs><x:xf numFmtId="164" fontId="0"/><x:xf numFmtId="x" fontId="y" '
                    'fillId="z"/><x:xf numFmtId="14"/></x:cellXfs></x:styleSheet>'.encode())
    table = StylesTable(root)
    assert table.percent_decimals() == {0: 1}
    assert table.date_xfs() == {2}
    assert table.bold_xfs() == {0, 2}   # fontId absent reads as font 0
    assert table.fill_colours(None, []) == [None, None, None]
    assert StylesTable(None).xfs == []


# ---------------------------------------------------------------------------------- OLE2
def test_ole_containers_are_told_apart():
    assert {"EncryptionInfo", "EncryptedPackage"} <= set(
        ole.stream_names(io.BytesIO(hostile.encrypted_workbook())))
    assert "Workbook" in ole.stream_names(io.BytesIO(hostile.old_xls()))
    assert hostile.old_xls().startswith(ole.MAGIC)


def test_a_damaged_ole_container_is_still_searched():
    data = hostile.encrypted_workbook()
    broken = data[:512] + b"\xff" * 512 + data[1024:]
    assert "EncryptionInfo" in ole.stream_names(io.BytesIO(broken))
    assert ole.stream_names(io.BytesIO(b"\xd0\xcf\x11\xe0" + b"\0" * 100)) == []


# ---------------------------------------------------------------------------------- scanner
def test_words_and_swar_helpers():
    buf = b'<c r="B7" s="1"/>' + b"\0" * 8
    words = scan.words_at_every_byte(buf)
    assert words[0] & np.uint64(0xFFFFFFFFFFFF) == scan.word(b'<c r="')
    w = words[6:7]                                  # b'B7" s="1'
    quote = scan.lowest(scan.zero_bytes(w ^ scan.QUOTES))
    assert int(scan.byte_index(quote)[0]) == 2
    assert int(scan.byte_index(np.zeros(1, np.uint64))[0]) == 8
    digits = scan.at_least(w, 0x30) & scan.below(w, 0x3A)
    assert int(digits[0]) == (0x80 << 8) | (0x80 << 56)  # bytes 1 ('7') and 7 ('1')


@pytest.mark.parametrize("threaded", [False, True])
def test_read_ahead_hands_over_every_chunk_and_errors(monkeypatch, threaded):
    import threading

    monkeypatch.setattr(scan, "THREADS_HELP", True)
    before = threading.active_count()
    chunks = [bytes([i]) * 10 for i in range(20)]
    with scan.ReadAhead(iter(chunks), threaded=threaded) as it:
        assert list(it) == chunks

    def failing():
        yield b"a"
        raise ValueError("broken stream")

    with pytest.raises(ValueError, match="broken stream"):
        with scan.ReadAhead(failing(), threaded=threaded) as it:
            list(it)
    with scan.ReadAhead(iter(chunks), threaded=threaded) as it:  # left early
        next(iter(it))
    assert threading.active_count() == before
    assert list(scan.stream_chunks(io.BytesIO(b"x" * 25), 10)) == [b"x" * 10, b"x" * 10, b"x" * 5]


def test_content_types_give_a_part_its_type(tmp_path):
    from xlplan.ooxml.package import CONTENT_TYPES, content_types

    with zipfile.ZipFile(_book(tmp_path)) as zf:
        types = content_types(ox.parse(zf.read(CONTENT_TYPES)))
    assert types.of("xl/workbook.xml").endswith("sheet.main+xml")
    assert types.of("/xl/worksheets/sheet2.xml").endswith("worksheet+xml")
    assert types.of("_rels/.rels").endswith("relationships+xml")   # by its extension
    assert types.of("xl/media/image1.png") is None
    assert types.of("xl/media/image1") is None
    assert content_types(None) == ({}, {})
