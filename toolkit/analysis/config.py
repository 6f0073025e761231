"""What an analysis is set up with: its thresholds, and the rated items as one table."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from toolkit.core import ids
from toolkit.core.frameworks import Catalogue
from toolkit.core.settings import get_settings


@dataclass(frozen=True)
class Config:
    """Thresholds of one analysis (from settings; tests set their own)."""

    min_group_size: int = 3
    priority_threshold: float = 3.0
    strong_threshold: float = 3.75
    alpha: float = 0.05
    disagreement_sd: float = 1.2
    toc_risk_depth: int = 2  # links from a weak node that at-risk may travel (1: only its direct successors)

    @classmethod
    def from_settings(cls) -> Config:
        s = get_settings()
        return cls(min_group_size=s.min_group_size, priority_threshold=s.priority_threshold)


@lru_cache(maxsize=4)
def item_table(cat: Catalogue) -> pd.DataFrame:
    """One row per rated item: framework, item, text, stage, the level it is about, its primary C, ToC nodes."""
    rows = [
        {
            "framework": fw.id,
            "item": it.id,
            "text": it.text,
            "stage": it.stage,
            "about_level": it.level,
            "c": it.cs[0] if it.cs else None,
            "toc_nodes": tuple(it.toc_nodes),
            "order": k,
        }
        for fw in cat.rated
        for k, it in enumerate(fw.items)
    ]
    return pd.DataFrame(rows)


@lru_cache(maxsize=4)
def parts_table(cat: Catalogue) -> pd.DataFrame:
    """Each composite (stage, C, C group) with its statements, and what the coverage rule withholds when it must."""
    items: Any = item_table(cat)  # the stubs type a masked frame loosely
    group_of = {c: g for g, cs in ids.C_GROUPS.items() for c in cs}
    opm = items[items["framework"] == "opm"].dropna(subset=["stage"])
    tc = items[items["framework"] == "twelve_cs"].dropna(subset=["c"])
    frames = [
        pd.DataFrame({"kind": "stage", "framework": "opm", "measure": opm["stage"], "item": opm["item"]}),
        pd.DataFrame({"kind": "c", "framework": "twelve_cs", "measure": tc["c"], "item": tc["item"]}),
        pd.DataFrame(
            {"kind": "c_group", "framework": "twelve_cs", "measure": tc["c"].map(group_of), "item": tc["item"]}
        ).dropna(subset=["measure"]),
    ]
    out = pd.concat(frames, ignore_index=True)
    out["withhold"] = ["whole" if k == "c_group" else "parts" for k in out["kind"]]
    return out
