"""Scale quality (issue 17): per stage and per C, Cronbach's alpha and each statement's item-rest correlation.

Not yet shown on a page (see the issue): `scale_quality` is the one definition a view will call.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.analysis.config import item_table
from toolkit.analysis.frames import col, rows
from toolkit.analysis.results import Result
from toolkit.core.frameworks import Catalogue

# Below this alpha a scale is flagged as too unreliable to rank on: a common convention, not a cited figure.
UNRELIABLE = 0.6


class ScaleQuality(Result):
    """Internal consistency of one stage or C over the respondents who answered every one of its statements."""

    kind: str
    measure: str
    n: int  # complete cases
    n_items: int
    alpha: float | None
    item_rest: dict[str, float | None]
    unreliable: bool
    note: str = ""


def cronbach_alpha(x: np.ndarray) -> float | None:
    """Cronbach's alpha of a respondents x items matrix of complete answers (None under 2 items or 2 people)."""
    x = np.asarray(x, float)
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 2:
        return None
    total = x.sum(axis=1).var(ddof=1)
    if total == 0:
        return None
    k = x.shape[1]
    return float(k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total))


def item_rest(x: np.ndarray) -> list[float | None]:
    """Each item's correlation with the sum of the other items (None where either is constant)."""
    x = np.asarray(x, float)
    out: list[float | None] = []
    for j in range(x.shape[1]):
        rest = np.delete(x, j, axis=1).sum(axis=1)
        a = x[:, j]
        out.append(None if a.std() == 0 or rest.std() == 0 else float(np.corrcoef(a, rest)[0, 1]))
    return out


def scale_quality(ratings: pd.DataFrame, cat: Catalogue, min_n: int) -> list[ScaleQuality]:
    """Alpha and item-rest per OPM stage and per 12 C's C, over complete cases; nothing over fewer than min_n."""
    meta = item_table(cat)
    out: list[ScaleQuality] = []
    for kind, fw, key in (("stage", "opm", "stage"), ("c", "twelve_cs", "c")):
        sub = meta[(meta["framework"] == fw) & meta[key].notna()]
        r = rows(ratings, col(ratings, "framework") == fw).dropna(subset=["score"])
        wide = r.pivot_table(index="respondent", columns="item", values="score", aggfunc="last")
        for measure, items in sub.groupby(key, sort=False)["item"]:
            cols = [i for i in items if i in wide.columns]
            x = wide[cols].dropna().to_numpy(float) if cols else np.empty((0, 0))
            n = int(x.shape[0]) if cols else 0
            if n < min_n or len(cols) < 2:
                note = f"fewer than {min_n} complete answers" if len(cols) >= 2 else "fewer than 2 statements"
                out.append(
                    ScaleQuality(
                        kind=kind,
                        measure=str(measure),
                        n=n,
                        n_items=len(cols),
                        alpha=None,
                        item_rest={},
                        unreliable=False,
                        note=note,
                    )
                )
                continue
            a = cronbach_alpha(x)
            ir = dict(zip(cols, (None if v is None else round(v, 2) for v in item_rest(x)), strict=True))
            bad = a is not None and a < UNRELIABLE
            out.append(
                ScaleQuality(
                    kind=kind,
                    measure=str(measure),
                    n=n,
                    n_items=len(cols),
                    alpha=None if a is None else round(a, 2),
                    item_rest=ir,
                    unreliable=bad,
                    note="too unreliable to rank on" if bad else "",
                )
            )
    return out
