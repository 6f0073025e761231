"""Change between cycles: per stage, C and item, the difference and its interval (groups: toolkit.analysis.did)."""

from __future__ import annotations

from typing import cast

import numpy as np
import pandas as pd

from toolkit.analysis.config import Config, item_table
from toolkit.analysis.frames import col, rows
from toolkit.analysis.results import ChangeMeasure
from toolkit.analysis.scores import fingerprints, published, round2
from toolkit.analysis.stats import bh_adjust, bootstrap_diff, welch_p
from toolkit.analysis.suppression import carried_over
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue


def method(n_measures: int, alpha: float = 0.05) -> str:
    """How change is worked out and what counts as a clear change, in words (every page and report says it so)."""
    return (
        "Plain means over respondents, with a 95% bootstrap interval for each measure on its own. A clear change is "
        f"one that holds after correcting for a {alpha:.0%} false discovery rate across all {n_measures} measures "
        "compared (stages, C's and statements), so an interval just clear of zero may still be within noise."
    )


def change_between(
    before: pd.DataFrame, after: pd.DataFrame, cat: Catalogue, cfg: Config, *, reps: int = 1000, seed: int = 0
) -> list[ChangeMeasure]:
    """Per stage, C and item: mean after minus mean before, a bootstrap 95% interval, and whether it is a clear change.

    A clear change (`significant`) is one that survives the false discovery rate (Benjamini-Hochberg at cfg.alpha)
    across every measure returned: stages, C's and items together, from Welch's t test of each. Among ~160
    measures, 5% uncorrected would show several "changes" in an area where nothing changed. The interval is
    for that measure alone, so an interval just clear of zero may still not be a clear change.

    The two cycles are different samples of people, so each is resampled on its own. Each cycle stands on what its
    own analysis publishes (toolkit.analysis.suppression), and measures with fewer than min_group_size respondents
    in either cycle are left out. When the cycles share records, a change whose two sets of records differ by fewer
    than min_group_size is not published: it would be a figure over the few who came or went.
    """
    if not before.empty and not after.empty:
        fb, fa = fingerprints(before), fingerprints(after)
        carried = sum(carried_over(list(fb), list(fa)))
        differ = len(fb) + len(fa) - 2 * carried
        if carried and 0 < differ < cfg.min_group_size:
            return []
    pb, pa = published(before, cat, cfg.min_group_size), published(after, cat, cfg.min_group_size)
    sb = pd.concat([pb.shown(k) for k in ("stage", "c", "item")], ignore_index=True)
    sa = pd.concat([pa.shown(k) for k in ("stage", "c", "item")], ignore_index=True)
    meta = item_table(cat)
    texts = dict(zip(zip(meta["framework"], meta["item"], strict=True), meta["text"], strict=True))
    order = {("stage", s): k for k, s in enumerate(ids.STAGES)} | {("c", c): 10 + k for k, c in enumerate(ids.C_IDS)}
    gb: dict[tuple[str, str, str], np.ndarray] = {
        cast(tuple[str, str, str], k): col(g, "score").to_numpy()
        for k, g in rows(sb, col(sb, "kind").isin(["stage", "c", "item"])).groupby(["kind", "framework", "measure"])
    }
    ga: dict[tuple[str, str, str], np.ndarray] = {
        cast(tuple[str, str, str], k): col(g, "score").to_numpy()
        for k, g in rows(sa, col(sa, "kind").isin(["stage", "c", "item"])).groupby(["kind", "framework", "measure"])
    }
    out = []
    for k, (key, a) in enumerate(sorted(ga.items())):
        b = gb.get(key)
        if b is None or len(a) < cfg.min_group_size or len(b) < cfg.min_group_size:
            continue
        kind, fw, measure = key
        diff, lo, hi = bootstrap_diff(b, a, reps=reps, seed=seed + k)
        label = (
            ids.STAGE_NAMES.get(measure)
            if kind == "stage"
            else cat.constructs[measure].name
            if kind == "c"
            else texts.get((fw, measure), measure)
        )
        out.append(
            ChangeMeasure(
                kind=kind,
                framework=fw,
                measure=measure,
                label=label,
                before=round2(b.mean()),
                after=round2(a.mean()),
                n_before=len(b),
                n_after=len(a),
                difference=round2(diff),
                ci_low=round2(lo),
                ci_high=round2(hi),
                significant=False,
                p=welch_p(a, b),
            )
        )
    q = bh_adjust(np.array([m.p if m.p is not None else np.nan for m in out], dtype=float))
    out = [
        m.model_copy(
            update={
                "p": None if np.isnan(m.p or np.nan) else float(f"{m.p:.2g}"),
                "q": None if np.isnan(qk) else float(f"{qk:.2g}"),
                "significant": bool(qk < cfg.alpha),
            }
        )
        for m, qk in zip(out, q, strict=True)
    ]
    out.sort(key=lambda d: (order.get((d.kind, d.measure), 100), d.kind != "item", -abs(d.difference or 0)))
    return out
