"""xlplan where its users are: Windows (no ``resource``, no fork, cp1252 output) and macOS.

These tests run in every pass. CI runs them a second time, with the command-line and API
tests, under a simulated Windows Python (``tests/winsim/sitecustomize.py``, switched on by
``XLPLAN_SIMULATE_WINDOWS=1``): the same results are expected there.
"""
from __future__ import annotations

import os

import pytest

SIMULATED = os.environ.get("XLPLAN_SIMULATE_WINDOWS") == "1"


@pytest.mark.skipif(not SIMULATED, reason="checks the simulated Windows Python itself")
def test_the_simulation_is_in_force():
    """The second pass proves something only if this interpreter really lacks what Windows
    lacks."""
    import multiprocessing
    import sys

    with pytest.raises(ImportError):
        import resource  # noqa: F401
    assert not hasattr(os, "fork")
    assert multiprocessing.get_all_start_methods() == ["spawn"]
    with pytest.raises(ValueError):
        multiprocessing.get_context("fork")
    assert sys.stdout.encoding.lower() in ("cp1252", "utf-8")  # pytest may capture stdout
