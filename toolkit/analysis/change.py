"""Change between cycles: per stage, C and item, the difference and its interval (groups: toolkit.analysis.did)."""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import pandas as pd

from toolkit.analysis.config import Config, item_table
from toolkit.analysis.frames import col
from toolkit.analysis.results import ChangeMeasure
from toolkit.analysis.scores import balanced_means, fingerprints, headline_levels, published, round2
from toolkit.analysis.stats import balanced_welch_p, bh_adjust, bootstrap_balanced_diff
from toolkit.analysis.suppression import carried_over
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue


def method(n_measures: int, alpha: float = 0.05) -> str:
    """How change is worked out and what counts as a clear change, in words (every page and report says it so)."""
    return (
        "Each cycle's figure is its published headline: the level-balanced mean (each level counts equally), the "
        "plain mean over respondents given beside it; the change is the later headline minus the earlier, with a 95% "
        "bootstrap interval (each level of each cycle resampled on its own) for each measure on its own. A clear "
        f"change is one that holds after correcting for a {alpha:.0%} false discovery rate across all {n_measures} "
        "measures compared (stages, C's and statements), so an interval just clear of zero may still be within noise."
    )


KEY = ["kind", "framework", "measure"]


def _samples(shown: pd.DataFrame, min_n: int) -> dict[tuple[str, str, str], list[np.ndarray]]:
    """Per measure, the respondent scores its headline weights equally: one array per level that counts
    (scores.headline_levels), or one array of everyone where no level can be shown (the headline is the plain mean).
    """
    if shown.empty:
        return {}
    levels = headline_levels(shown, KEY, min_n)
    counted = set(zip(*(levels[c] for c in [*KEY, "level"]), strict=True))
    score = col(shown, "score").to_numpy(float)
    out: dict[tuple[str, str, str], list[np.ndarray]] = {}
    for key, at in shown.groupby([*KEY, "level"], sort=False).indices.items():
        if key in counted:
            k4 = cast(tuple[str, str, str, str], key)
            out.setdefault((k4[0], k4[1], k4[2]), []).append(score[at])
    everyone = {cast(tuple[str, str, str], k): score[at] for k, at in shown.groupby(KEY, sort=False).indices.items()}
    return {k: out.get(k) or [v] for k, v in everyone.items()}


def change_between(
    before: pd.DataFrame, after: pd.DataFrame, cat: Catalogue, cfg: Config, *, reps: int = 1000, seed: int = 0
) -> list[ChangeMeasure]:
    """Per stage, C and item: the published headline after minus before, a bootstrap 95% interval, and whether it is
    a clear change.

    One definition of a figure: `before` and `after` are each cycle's headline exactly as its own analysis
    publishes it (scores.balanced_means: the level-balanced mean over the levels shown, the plain mean where no level
    can be), and `difference` is after minus before as published (so it reads as the two figures shown). The plain
    means are carried beside them. The interval and the test are of the same level-balanced difference.

    A clear change (`significant`) is one that survives the false discovery rate (Benjamini-Hochberg at cfg.alpha)
    across every measure returned: stages, C's and items together, from Welch's t test of each (generalised to a
    level-balanced mean: stats.balanced_welch_p). Among ~160
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
    min_n = cfg.min_group_size
    sb = pd.concat([pb.shown(k) for k in ("stage", "c", "item")], ignore_index=True)
    sa = pd.concat([pa.shown(k) for k in ("stage", "c", "item")], ignore_index=True)
    meta = item_table(cat)
    texts = dict(zip(zip(meta["framework"], meta["item"], strict=True), meta["text"], strict=True))
    order = {("stage", s): k for k, s in enumerate(ids.STAGES)} | {("c", c): 10 + k for k, c in enumerate(ids.C_IDS)}
    hb, ha = _samples(sb, min_n), _samples(sa, min_n)
    # plain dicts: looking cells up one by one in a MultiIndexed frame is most of the time otherwise
    heads_b = cast(dict[Any, dict[str, Any]], balanced_means(sb, KEY, min_n).to_dict("index")) if not sb.empty else {}
    heads_a = cast(dict[Any, dict[str, Any]], balanced_means(sa, KEY, min_n).to_dict("index")) if not sa.empty else {}
    out = []
    for k, (key, groups_a) in enumerate(sorted(ha.items())):
        groups_b, head_b, head_a = hb.get(key), heads_b.get(key), heads_a.get(key)
        if groups_b is None or head_b is None or head_a is None:
            continue
        n_b, n_a = int(head_b["n"]), int(head_a["n"])
        if n_a < min_n or n_b < min_n:
            continue
        kind, fw, measure = key
        # the published headline of each cycle (scores.balanced_means, as analyse shows it) and their difference
        before_head, after_head = round2(head_b["balanced"]), round2(head_a["balanced"])
        _diff, lo, hi = bootstrap_balanced_diff(groups_b, groups_a, reps=reps, seed=seed + k)
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
                before=before_head,
                after=after_head,
                plain_before=round2(head_b["plain"]),
                plain_after=round2(head_a["plain"]),
                n_before=n_b,
                n_after=n_a,
                difference=None if after_head is None or before_head is None else round2(after_head - before_head),
                ci_low=round2(lo),
                ci_high=round2(hi),
                significant=False,
                p=balanced_welch_p(groups_b, groups_a),
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
