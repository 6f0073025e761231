"""Every area of a cycle at once, vectorised: the stage, C and C-group scores that `analyse_frame` gives one area."""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.analysis.config import Config, item_table
from toolkit.analysis.frames import col
from toolkit.analysis.suppression import suppressed_rows
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue


def cycle_scores(ratings: pd.DataFrame, cat: Catalogue, cfg: Config) -> dict[str, pd.DataFrame]:
    """Every area of a cycle at once, vectorised: what `analyse_frame` gives for stages, C's and C groups.

    `ratings` is a ratings table with an `area` column (pseudonyms are unique within an area). Returns
    {"scores": one row per area, kind (stage, c, c_group), measure and level ("all" or a level id) with n, mean
    (level-balanced for "all", as in analyse_frame) and plain_mean, suppressed cells as NaN (secondary suppression
    included); "priority": per area its journey priority stage (None when no stage has enough ratings)}.
    Means are rounded to 2 places as in analyse_frame, and the priority is decided on those rounded means.
    """
    meta = item_table(cat)
    # Levels in id order, so ties in secondary suppression break as suppressed_keys breaks them.
    stages, cs, groups, levels = list(ids.STAGES), list(ids.C_IDS), list(ids.C_GROUPS), sorted(ids.LEVELS)
    measures = [("stage", s) for s in stages] + [("c", c) for c in cs] + [("c_group", g) for g in groups]
    n_m, n_l = len(measures), len(levels)
    stage_pos = {s: k for k, s in enumerate(stages)}
    c_pos = {c: len(stages) + k for k, c in enumerate(cs)}
    group_pos = {c: len(stages) + len(cs) + k for k, g in enumerate(groups) for c in ids.C_GROUPS[g]}
    first = np.where(
        meta["framework"] == "opm", col(meta, "stage").map(stage_pos), col(meta, "c").map(c_pos)
    )  # the stage of an OPM statement, the C of a 12 C's one
    second = np.where(meta["framework"] == "twelve_cs", col(meta, "c").map(group_pos), np.nan)
    first = np.nan_to_num(np.asarray(first, float), nan=-1).astype(np.int64)
    second = np.nan_to_num(np.asarray(second, float), nan=-1).astype(np.int64)

    # integer codes first, strings never touched row by row
    score = ratings["score"].to_numpy(dtype=float, na_value=np.nan)
    fw_codes, fw_names = pd.factorize(ratings["framework"])
    it_codes, it_names = pd.factorize(ratings["item"])
    where = {(f, i): k for k, (f, i) in enumerate(zip(meta["framework"], meta["item"], strict=True))}
    lookup = np.array([[where.get((f, i), -1) for i in it_names] for f in fw_names], dtype=np.int64)
    item_idx = lookup.reshape(len(fw_names), len(it_names))[fw_codes, it_codes]
    area_all, area_names = pd.factorize(ratings["area"])
    resp_all, resp_names = pd.factorize(ratings["respondent"])
    lv_codes, lv_names = pd.factorize(ratings["level"])  # code -1 (missing) picks the trailing -1
    level_all = np.array([levels.index(x) if x in levels else -1 for x in lv_names] + [-1], np.int64)[lv_codes]
    ok = (item_idx >= 0) & ~np.isnan(score)
    item_idx, score, area_codes, level_codes = item_idx[ok], score[ok], area_all[ok], level_all[ok]
    person, _ = pd.factorize(area_codes.astype(np.int64) * max(len(resp_names), 1) + resp_all[ok])
    n_p = int(person.max()) + 1 if len(person) else 0
    person_area = np.zeros(n_p, np.int64)
    person_area[person] = area_codes
    person_level = np.full(n_p, -1, np.int64)
    person_level[person] = level_codes

    # each respondent's mean per measure (a 12 C's answer counts for its C and its C group)
    m = np.concatenate([first[item_idx], second[item_idx]])
    p = np.concatenate([person, person])
    v = np.concatenate([score, score])
    keep = m >= 0
    cell = p[keep] * n_m + m[keep]
    sums = np.bincount(cell, weights=v[keep], minlength=n_p * n_m).reshape(n_p, n_m)
    counts = np.bincount(cell, minlength=n_p * n_m).reshape(n_p, n_m)
    has = counts > 0
    pmean = np.divide(sums, counts, out=np.zeros_like(sums), where=has)

    # per area, measure and level: n and mean of the respondents' means
    n_a = len(area_names)
    valid = person_level >= 0
    idx = (person_area[valid, None] * n_l + person_level[valid, None]) * n_m + np.arange(n_m)[None, :]
    shape = (n_a, n_l, n_m)
    lv_n = np.bincount(idx.ravel(), weights=has[valid].ravel(), minlength=n_a * n_l * n_m).reshape(shape)
    lv_sum = np.bincount(idx.ravel(), weights=pmean[valid].ravel(), minlength=n_a * n_l * n_m).reshape(shape)
    lv_n, lv_sum = lv_n.transpose(0, 2, 1), lv_sum.transpose(0, 2, 1)  # (area, measure, level)
    with np.errstate(invalid="ignore", divide="ignore"):
        lv_mean = lv_sum / lv_n
        n_all = lv_n.sum(-1)
        plain = lv_sum.sum(-1) / n_all
    shown_all = n_all >= cfg.min_group_size

    # level cells: hidden as the by-level breakdown of each area and measure hides them (the one suppression rule)
    present = lv_n > 0
    a_i, m_i, l_i = np.indices(lv_n.shape)
    lines = list(zip(a_i.ravel().tolist(), m_i.ravel().tolist(), strict=True))
    rows = suppressed_rows(lines, l_i.ravel().tolist(), lv_n.ravel().astype(int).tolist(), cfg.min_group_size)
    hidden = np.asarray(rows, dtype=bool).reshape(lv_n.shape)
    lv_shown = present & ~hidden
    with np.errstate(invalid="ignore", divide="ignore"):  # the headline averages only the levels shown
        balanced = np.where(lv_shown, lv_mean, 0).sum(-1) / lv_shown.sum(-1)
    balanced = np.where(lv_shown.any(-1), balanced, plain)

    def rnd(x: np.ndarray) -> np.ndarray:  # Python's round, exactly as round2 rounds in analyse_frame
        return np.array([round(float(v), 2) for v in x.ravel()]).reshape(x.shape)

    mean_all = np.where(shown_all, rnd(balanced), np.nan)
    plain_all = np.where(shown_all, rnd(plain), np.nan)
    mean_lv = np.where(lv_shown, rnd(lv_mean), np.nan)

    # journey priority: the earliest stage below the threshold overall or at a shown level, else the weakest
    t = cfg.priority_threshold
    st_mean = mean_all[:, : len(stages)]
    scored = ~np.isnan(st_mean)
    below = scored & ((st_mean < t) | (np.nan_to_num(mean_lv[:, : len(stages)], nan=np.inf) < t).any(-1))
    first_below = np.where(below.any(-1), below.argmax(-1), -1)
    weakest = np.nan_to_num(st_mean, nan=np.inf).argmin(-1)
    choice = np.where(first_below >= 0, first_below, weakest)
    priority = pd.DataFrame(
        {
            "area": area_names,
            "priority_stage": pd.Series(
                [stages[k] if s else None for k, s in zip(choice, np.asarray(scored.any(-1)), strict=True)],
                dtype=object,
            ),
        }
    )

    kinds = np.array([k for k, _ in measures])
    names = np.array([x for _, x in measures])
    overall = pd.DataFrame(
        {
            "area": np.repeat(area_names, n_m),
            "kind": np.tile(kinds, n_a),
            "measure": np.tile(names, n_a),
            "level": "all",
            "n": n_all.ravel().astype(int),
            "mean": mean_all.ravel(),
            "plain_mean": plain_all.ravel(),
        }
    )
    by_level = pd.DataFrame(
        {
            "area": np.repeat(area_names, n_m * n_l),
            "kind": np.tile(np.repeat(kinds, n_l), n_a),
            "measure": np.tile(np.repeat(names, n_l), n_a),
            "level": np.tile(levels, n_a * n_m),
            "n": np.where(lv_shown | ~present, lv_n, np.nan).ravel(),
            "mean": mean_lv.ravel(),
            "plain_mean": mean_lv.ravel(),
        }
    )
    overall["n"] = np.where(shown_all | (n_all == 0), n_all, np.nan).ravel()
    return {"scores": pd.concat([overall, by_level], ignore_index=True), "priority": priority}
