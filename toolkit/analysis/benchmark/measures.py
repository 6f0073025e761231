"""The measures a benchmark compares, as keys ('overall', 'stage:create', 'level:create:frontline', 'c:c01_clarity')."""

from __future__ import annotations

import math

from toolkit.core import ids
from toolkit.core.frameworks import Catalogue

STAGE_KEYS = [f"stage:{s}" for s in ids.STAGES]
LEVEL_KEYS = [f"level:{s}:{lv}" for s in ids.STAGES for lv in ids.LEVELS]
C_KEYS = [f"c:{c}" for c in ids.C_IDS]
KEYS = ["overall", *STAGE_KEYS, *LEVEL_KEYS, *C_KEYS]


def key_label(key: str, cat: Catalogue | None = None) -> str:
    """A measure key in words: 'Overall', 'Create', 'Create · frontline', '1. Clarity'."""
    parts = key.split(":")
    if parts[0] == "overall":
        return "Overall (four stages)"
    if parts[0] == "stage":
        return ids.STAGE_NAMES[parts[1]]
    if parts[0] == "level":
        return f"{ids.STAGE_NAMES[parts[1]]} · {parts[2]}"
    c = parts[1]
    if cat is not None and c in cat.constructs:
        con = cat.constructs[c]
        return f"{con.number}. {con.name}"
    return c.split("_", 1)[-1].replace("_", " ").capitalize()


def ordinal(p: float | None) -> str:
    """A percentile rank as an ordinal: 62 -> '62nd', 11 -> '11th', None -> '-'."""
    if p is None or math.isnan(p):
        return "-"
    k = round(float(p))
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"
