"""Annotated copies carry no active content: no macros, no links to other workbooks or DDE, no
formula that reaches outside the workbook (its last saved value stays), no OLE object or
ActiveX control; and the notes in the copy say what was removed."""
from __future__ import annotations

import io
import re
import subprocess
import warnings
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from click.testing import CliRunner
from openpyxl import load_workbook

from xlplan.annotate import annotate_file
from xlplan.api import validate
from xlplan.cli import main
from xlplan.issues import Issue
from libreoffice import soffice_or_skip

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def comments(path: Path) -> dict[str, str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(path)
    return {f"{ws.title}!{c.coordinate}": c.comment.text for ws in wb for row in ws.iter_rows()
            for c in row if c.comment}


def macro_plan(path: Path) -> Path:
    """An SRO's .xlsm: a plan with an unknown RAG, and a (fake) VBA project."""
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Action Plan")
    ws.write_row(0, 0, ["Action", "Sub actions", "SRO", "Q1", "Q2", "Q3", "Q4", "Updates",
                        "Risks/Issues", "RAG Status"])
    ws.write_row(1, 0, ["Agree the plan", "Draft", "Jo Beer", "x", "", "", "", "ok", "",
                        "Purple"])
    wb.add_vba_project(io.BytesIO(b"\xcc\x61" + b"\0" * 510), is_stream=True)
    wb.close()
    return path


def test_an_xlsm_is_annotated_as_a_plain_xlsx(tmp_path):
    (tmp_path / "in").mkdir()
    src = macro_plan(tmp_path / "in" / "plan.xlsm")
    before = src.read_bytes()
    result = CliRunner().invoke(main, ["validate", str(src.parent), "--annotate",
                                       str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert src.read_bytes() == before
    written = sorted((tmp_path / "out").iterdir())
    assert [p.name for p in written] == ["plan.xlsx"]
    got = parts(written[0])
    assert not [n for n in got if "vba" in n.lower()]
    types = got["[Content_Types].xml"].decode()
    assert "macroEnabled" not in types and "vbaProject" not in types
    assert ('PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"') in types
    assert b"vbaProject" not in got["xl/_rels/workbook.xml.rels"]
    notes = comments(written[0])
    assert "Purple" in notes["Action Plan!J2"]
    assert "macros (VBA project) were removed" in notes["Action Plan!A1"]
    # the report's wording matches: the macros are not carried into the output
    assert any(i.code == "macros-ignored" and "not carried into the output" in i.message
               for i in validate([src]).issues)


def linked_plan(path: Path) -> Path:
    """A plan whose cells hold a DDE call, a reference into another workbook on a UNC share and
    an external HYPERLINK (each with the value Excel saved), an ordinary formula, and an OLE
    object part."""
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Action Plan")
    ws.write_row(0, 0, ["Action", "Sub actions", "SRO", "Q1", "Q2", "Q3", "Q4", "Updates",
                        "Risks/Issues", "RAG Status"])
    ws.write_row(1, 0, ["Agree the plan", "Draft", "Jo Beer", "x", "", "", "", "", "",
                        "Purple"])
    ws.write_formula("H2", "=1+1", None, 2)
    ws.write_formula("I2", "=1+2", None, 3)
    ws.write_formula("K2", "=1+3", None, 4)
    ws.write_formula("L2", "=1+4", None, 5)
    wb.close()
    members = parts(path)
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    sheet = sheet.replace('<c r="H2"><f>1+1</f><v>2</v></c>',
                          '<c r="H2" t="str"><f>cmd|\' /C calc\'!A0</f><v>on track</v></c>')
    sheet = sheet.replace('<c r="I2"><f>1+2</f><v>3</v></c>',
                          '<c r="I2"><f>[1]Sheet1!$A$1</f><v>42</v></c>')
    sheet = sheet.replace('<c r="K2"><f>1+3</f><v>4</v></c>',
                          '<c r="K2" t="str"><f>HYPERLINK("http://evil.example/x","see")</f>'
                          "<v>see</v></c>")
    assert sheet.count("<f>") == 4
    sheet = sheet.replace("</worksheet>", '<oleObjects><oleObject progId="Package" shapeId="1025"'
                          ' r:id="rIdOle"/></oleObjects></worksheet>')
    if "xmlns:r=" not in sheet[:500]:
        sheet = sheet.replace("<worksheet ", f'<worksheet xmlns:r="{REL}" ', 1)
    members["xl/worksheets/sheet1.xml"] = sheet.encode()
    members["xl/worksheets/_rels/sheet1.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdOle" Type="'
        f'{REL}/oleObject" Target="../embeddings/oleObject1.bin"/></Relationships>').encode()
    members["xl/embeddings/oleObject1.bin"] = b"\xd0\xcf\x11\xe0" + b"\0" * 60
    members["xl/externalLinks/externalLink1.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<externalLink xmlns="http://'
        'schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="' + REL + '">'
        '<externalBook r:id="rId1"><sheetNames><sheetName val="Sheet1"/></sheetNames>'
        "</externalBook></externalLink>").encode()
    members["xl/externalLinks/_rels/externalLink1.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
        f'{REL}/externalLinkPath" Target="file:///\\\\server\\share\\budget.xlsx" '
        'TargetMode="External"/></Relationships>').encode()
    rels = members["xl/_rels/workbook.xml.rels"].decode()
    members["xl/_rels/workbook.xml.rels"] = rels.replace("</Relationships>", (
        f'<Relationship Id="rIdX" Type="{REL}/externalLink" '
        'Target="externalLinks/externalLink1.xml"/></Relationships>')).encode()
    book = members["xl/workbook.xml"].decode()
    book = book.replace("<calcPr", '<externalReferences><externalReference r:id="rIdX"/>'
                        "</externalReferences><calcPr")
    assert "externalReferences" in book
    members["xl/workbook.xml"] = book.encode()
    types = members["[Content_Types].xml"].decode()
    members["[Content_Types].xml"] = types.replace("</Types>", (
        '<Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.'
        'oleObject"/><Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="'
        'application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>'
        "</Types>")).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


@pytest.fixture()
def linked(tmp_path):
    src = linked_plan(tmp_path / "linked.xlsx")
    dst = annotate_file(src, tmp_path / "out" / "linked.xlsx",
                        [Issue("unknown-rag", "not a RAG", sheet="Action Plan", row=2,
                               column="J")])
    return src, dst


def test_dde_and_external_formulas_become_their_saved_values(linked):
    src, dst = linked
    got = parts(dst)
    sheet = got["xl/worksheets/sheet1.xml"].decode()
    assert "cmd|" not in sheet and "[1]" not in sheet and "HYPERLINK" not in sheet
    assert re.findall(r"<f>([^<]*)</f>", sheet) == ["1+4"]  # the ordinary formula stays
    ws = load_workbook(dst)["Action Plan"]
    assert (ws["H2"].value, ws["I2"].value, ws["K2"].value, ws["L2"].value) == \
        ("on track", 42, "see", "=1+4")
    notes = comments(dst)
    assert "reached outside the workbook" in notes["Action Plan!H2"]
    assert "cmd|" in notes["Action Plan!H2"]
    assert "reached outside" in notes["Action Plan!I2"]
    assert "links to other workbooks and DDE links were removed" in notes["Action Plan!A1"]
    assert "embedded object" in notes["Action Plan!A1"]
    # nothing in the copy points outside any more, and no OLE object is left
    assert not [n for n in got if "externalLink" in n or "embeddings" in n]
    blob = b"".join(got.values())
    assert b"server" not in blob and b"oleObject" not in blob
    assert b"externalReferences" not in got["xl/workbook.xml"]
    assert b"externalLink" not in got["[Content_Types].xml"]
    assert parts(src)["xl/externalLinks/externalLink1.xml"]  # the input is untouched


def test_libreoffice_opens_the_neutralised_copy(linked, tmp_path):
    exe = soffice_or_skip()
    _src, dst = linked
    profile = (tmp_path / "profile").as_uri()
    subprocess.run([exe, f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                    "csv", "--outdir", str(tmp_path / "lo"), str(dst)],
                   check=True, capture_output=True, timeout=240)
    text = (tmp_path / "lo" / "linked.csv").read_text()
    assert "on track" in text and "42" in text
