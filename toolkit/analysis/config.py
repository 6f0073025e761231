"""What an analysis is set up with: its thresholds, and the rated items as one table."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

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
