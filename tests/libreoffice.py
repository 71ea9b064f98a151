"""LibreOffice headless for the tests that open written workbooks (see FIELD-NOTES)."""
from __future__ import annotations

import os
import shutil

import pytest


def soffice_or_skip() -> str:
    """The soffice executable; a failure on CI (it must be installed there), else a skip."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required on CI")
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install "
                    "libreoffice-calc-nogui")
    return exe
