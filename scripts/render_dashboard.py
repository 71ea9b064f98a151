#!/usr/bin/env python3
"""Render the consolidated workbook's Dashboard to ``docs/dashboard.png``.

Builds the bundled example month (the Plymouth CQC Action Plan returns for 2018-02 and 2018-03,
see :mod:`xlplan.demo.plan`), merges March against February, writes the consolidated workbook,
converts it to PDF with LibreOffice headless (a private profile, so a running LibreOffice is not
disturbed) and turns the first page -- the Dashboard -- into a PNG with pdftoppm.

    python3 scripts/render_dashboard.py [--out docs/dashboard.png] [--keep DIR] [--dpi 80]

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
    from xlplan.merging import merge
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


def first_page_png(pdf: Path, png: Path, dpi: int) -> Path:
    if not shutil.which("pdftoppm"):
        raise SystemExit("render_dashboard: pdftoppm is not installed (poppler-utils)")
    png.parent.mkdir(parents=True, exist_ok=True)
    stem = png.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(stem)], check=True, capture_output=True, timeout=120)
    return png


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "dashboard.png")
    ap.add_argument("--keep", type=Path, help="keep the workbook and PDF in this folder")
    ap.add_argument("--dpi", type=int, default=80)
    args = ap.parse_args(argv)

    from xlplan.write import write_consolidated

    with tempfile.TemporaryDirectory(prefix="xlplan-render-") as tmp:
        work = Path(tmp)
        merged = example_month(work)
        xlsx = work / f"Consolidated {merged.period}.xlsx"
        write_consolidated(merged, xlsx)
        pdf = to_pdf(xlsx, work, work / "lo-profile")
        png = first_page_png(pdf, args.out, args.dpi)
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            shutil.copy2(xlsx, args.keep / xlsx.name)
            shutil.copy2(pdf, args.keep / pdf.name)
    print(f"wrote {png}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
