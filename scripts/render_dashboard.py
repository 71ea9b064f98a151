#!/usr/bin/env python3
"""Render the README's pictures: the Dashboard and an Actions page as LibreOffice prints the
consolidated workbook, and the first page of the board pack.

Builds the bundled example month (the Plymouth CQC Action Plan returns for 2018-02 and 2018-03,
see :mod:`xlplan.demo.plan`), merges March against February, writes the consolidated workbook,
converts it to PDF with LibreOffice headless (a private profile, so a running LibreOffice is not
disturbed), draws the board pack (``xlplan pack``: no LibreOffice involved) and turns pages into
PNGs with pdftoppm:

* ``docs/dashboard.png`` -- page 1 of the workbook's print (the Dashboard);
* ``docs/actions-page.png`` -- the first page of the Actions sheet's print;
* ``docs/board-pack.png`` -- page 1 of the board pack.

    python3 scripts/render_dashboard.py [--docs docs] [--keep DIR] [--dpi 80]

Needs ``soffice`` (apt-get install libreoffice-calc-nogui) and ``pdftoppm`` (poppler-utils).
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def example_month(work: Path):
    """The example returns merged: March 2018 against February 2018."""
    from importlib import resources

    from xlplan.config import load_config
    from xlplan.demo.plan import write_examples
    from xlplan.api import merge
    from xlplan.write import write_consolidated

    paths = write_examples(work / "examples")
    config = work / "programme.toml"
    config.write_text(resources.files("xlplan").joinpath("data/demo.toml").read_text("utf-8"),
                      encoding="utf-8")
    programme = load_config(config)
    feb = merge(paths["previous"], period="2018-02", config=programme)
    previous = work / "Consolidated 2018-02.xlsx"
    write_consolidated(feb, previous)
    return merge(paths["current"], period="2018-03", config=programme, previous=previous)


def to_pdf(xlsx: Path, out_dir: Path, profile: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("render_dashboard: LibreOffice (soffice) is not installed")
    subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(out_dir), str(xlsx)],
                   check=True, capture_output=True, timeout=180)
    pdf = out_dir / (xlsx.stem + ".pdf")
    if not pdf.exists():
        raise SystemExit(f"render_dashboard: LibreOffice wrote no PDF for {xlsx}")
    return pdf


def page_png(pdf: Path, png: Path, dpi: int, page: int = 1) -> Path:
    if not shutil.which("pdftoppm"):
        raise SystemExit("render_dashboard: pdftoppm is not installed (poppler-utils)")
    png.parent.mkdir(parents=True, exist_ok=True)
    stem = png.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page),
                    "-singlefile", str(pdf), str(stem)], check=True, capture_output=True,
                   timeout=120)
    return png


def first_page_png(pdf: Path, png: Path, dpi: int) -> Path:
    return page_png(pdf, png, dpi, 1)


def page_with(pdf: Path, text: str) -> int:
    """The first page of ``pdf`` whose text holds ``text`` (1 when none does)."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                         capture_output=True, text=True, timeout=120).stdout
    for i, page in enumerate(out.split("\f"), start=1):
        if text in page:
            return i
    return 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=Path, default=ROOT / "docs",
                    help="folder for the pictures (default: docs/)")
    ap.add_argument("--prefix", default="", help="put before each picture's name")
    ap.add_argument("--keep", type=Path, help="keep the workbook and PDFs in this folder")
    ap.add_argument("--dpi", type=int, default=80)
    args = ap.parse_args(argv)

    from xlplan.pack import write_pack
    from xlplan.write import write_consolidated

    written = []
    with tempfile.TemporaryDirectory(prefix="xlplan-render-") as tmp:
        work = Path(tmp)
        merged = example_month(work)
        xlsx = work / f"Consolidated {merged.period}.xlsx"
        write_consolidated(merged, xlsx)
        pdf = to_pdf(xlsx, work, work / "lo-profile")
        pack = write_pack(xlsx, work / f"Board pack {merged.period}.pdf")
        docs = args.docs
        written.append(page_png(pdf, docs / f"{args.prefix}dashboard.png", args.dpi, 1))
        actions = page_with(pdf, f"- Actions {merged.period}")
        written.append(page_png(pdf, docs / f"{args.prefix}actions-page.png", args.dpi,
                                actions))
        written.append(page_png(pack, docs / f"{args.prefix}board-pack.png", args.dpi, 1))
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for f in (xlsx, pdf, pack):
                shutil.copy2(f, args.keep / f.name)
    for png in written:
        print(f"wrote {png}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
