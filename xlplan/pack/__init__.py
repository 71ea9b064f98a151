"""The board pack: the board's pages of a consolidated workbook as one PDF, drawn without
LibreOffice or Excel (``xlplan pack CONSOLIDATED.xlsx -o board-pack.pdf``).

:func:`write_pack` reads the workbook back (:mod:`xlplan.pack.read`: the Dashboard's figures and
attention list, Exceptions, Changes, Risks, Heatmap, Scorecard, History, with their colours) and
draws the pages (:mod:`xlplan.pack.draw`: fpdf2 for the pages, matplotlib for the charts). Both
libraries are imported only here, so the command line starts fast.
"""
from __future__ import annotations

import os
from pathlib import Path

from .read import PackError, read_board

__all__ = ["write_pack", "PackError"]


def write_pack(workbook: str | os.PathLike, out: str | os.PathLike) -> Path:
    """Draw the board pack of the consolidated ``workbook`` into the PDF ``out``.

    The PDF is written beside ``out`` and renamed into place, so a reader never sees half a
    pack. Raises :class:`PackError` with a plain message when ``workbook`` cannot be read as a
    consolidated workbook or ``out`` cannot be written."""
    from .draw import draw_pack

    out = Path(out)
    if out.suffix.lower() != ".pdf":
        raise PackError(f"the board pack must be a .pdf file, not '{out.name}'")
    if not out.parent.is_dir():
        raise PackError(f"cannot write {out}: the folder {out.parent} does not exist")
    if Path(workbook).resolve() == out.resolve():
        raise PackError("the pack would overwrite the workbook: choose another name")
    board = read_board(workbook)
    from .. import atomic

    try:
        tmp = str(atomic.temp_file(out.parent))  # a killed run's is swept by the next
    except OSError as exc:
        raise PackError(f"cannot write in the folder {out.parent}: "
                        f"{exc.strerror or exc}") from None
    try:
        draw_pack(board, tmp)
        atomic.replace(tmp, out)
    except OSError as exc:
        raise PackError(f"cannot write {out}: {exc.strerror or exc}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out
