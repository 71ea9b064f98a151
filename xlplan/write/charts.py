"""What the charts of the consolidated workbook share (the Dashboard's, and the risk chart the
Heatmap module draws on it)."""
from __future__ import annotations

import math


def count_axis(largest: float) -> dict:
    """Axis options for counts: from 0, whole-number ticks and labels (never 0.5)."""
    step = 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if largest / step <= 8:
            break
    return {"min": 0, "major_unit": step, "num_format": "0", "max": max(step, step * math.ceil(
        max(largest, 1) / step))}
