"""What the ratings of one area and cycle say: scores, perception gaps and the journey priority."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from toolkit.analysis.stats import bh_adjust, mann_whitney_grouped
from toolkit.analysis.suppression import suppressed_keys
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue

WEIGHTING = (
    "Each level (strategic, managerial, frontline) counts equally in a headline mean, so many frontline staff do "
    "not drown out a few leaders. A level with fewer respondents than the anonymity threshold is left out of it, and "
    "so is a level hidden alongside it (otherwise the hidden one could be worked out by subtraction). "
    "The plain mean over all respondents is shown alongside. Each respondent's score for a stage or C is the mean "
    "of their answers to its statements; don't know is counted, never averaged."
)
LEVEL_PAIRS = (("strategic", "frontline"), ("managerial", "frontline"))


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
        from toolkit.core.settings import get_settings

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


def _r(x: float | None) -> float | None:
    return None if x is None or pd.isna(x) else round(float(x), 2)


def _s(x: str | float | None) -> str | None:
    """A text cell of a table, with pandas' missing value (NaN) as None so JSON output stays valid."""
    return None if x is None or pd.isna(x) else str(x)


def _balanced(scores: pd.DataFrame, min_n: int) -> tuple[float | None, float | None]:
    """(level-balanced mean, plain mean) of respondent scores with a `level` column."""
    if scores.empty:
        return None, None
    by_level = scores.groupby("level")["score"].agg(["mean", "size"])
    shown = by_level[by_level["size"] >= min_n]
    plain = scores["score"].mean()
    balanced = shown["mean"].mean() if not shown.empty else plain
    return _r(balanced), _r(plain)


def balanced_means(scores: pd.DataFrame, keys: list[str], min_n: int) -> pd.DataFrame:
    """Per key: n, plain mean, SD and level-balanced mean over the levels a by-level breakdown would show.

    A level the breakdown hides (under min_n, or hidden with a small one: see suppressed_keys) stays out of the
    headline too; otherwise headline, plain mean and counts together would give the hidden level away.
    Falls back to the plain mean when no level can be shown.
    """
    overall = scores.groupby(keys, sort=False)["score"].agg(n="size", plain="mean", sd="std")
    lv = scores.groupby([*keys, "level"], sort=False)["score"].agg(["mean", "size"]).reset_index()
    lv["small"] = lv["size"] < min_n
    per_key = lv.groupby(keys, sort=False)
    n_small = per_key["small"].transform("sum")
    n_levels = per_key["size"].transform("size")
    # Secondary suppression: where exactly one level is small, the smallest of the others is hidden with it.
    candidates = lv[~lv["small"] & (n_small == 1) & (n_levels > 1)].sort_values([*keys, "size", "level"])
    second = candidates.groupby(keys, sort=False).head(1).index
    shown = lv[~lv["small"] & ~lv.index.isin(second)]
    overall["balanced"] = shown.groupby(keys, sort=False)["mean"].mean().reindex(overall.index)
    overall["balanced"] = overall["balanced"].fillna(overall["plain"])
    return overall


def _breakdown(scores: pd.DataFrame, by: str, keys: tuple[str, ...], min_n: int) -> dict[str, dict]:
    """Mean and n per group (level or agency), with small groups suppressed (and a second one where needed)."""
    grouped = scores.groupby(by)["score"].agg(["mean", "size"])
    counts = {k: int(grouped["size"].get(k, 0)) for k in keys}
    hidden = suppressed_keys(counts, min_n)
    out = {}
    for k in keys:
        n = counts[k]
        if n == 0:
            out[k] = {"mean": None, "n": 0}
        elif k in hidden:
            out[k] = {"mean": None, "n": None, "suppressed": True}
        else:
            out[k] = {"mean": _r(grouped["mean"][k]), "n": n}
    return out


def respondent_scores(ratings: pd.DataFrame, cat: Catalogue) -> pd.DataFrame:
    """Each respondent's mean score per stage, C, C group and item (kind, measure), with their level and agency."""
    meta = item_table(cat)
    r = ratings.dropna(subset=["score"]).merge(meta[["framework", "item", "stage", "c"]], on=["framework", "item"])
    r["score"] = r["score"].astype(float)
    people = ["respondent", "level", "agency"]
    parts = []
    opm = r[r["framework"] == "opm"]
    if not opm.empty:
        s = opm.groupby([*people, "stage"], sort=False)["score"].mean().reset_index()
        parts.append(s.rename(columns={"stage": "measure"}).assign(kind="stage", framework="opm"))
    tc = r[r["framework"] == "twelve_cs"]
    if not tc.empty:
        c = tc.groupby([*people, "c"], sort=False)["score"].mean().reset_index()
        parts.append(c.rename(columns={"c": "measure"}).assign(kind="c", framework="twelve_cs"))
        group_of = {c: g for g, cs in ids.C_GROUPS.items() for c in cs}
        g = tc.assign(group=tc["c"].map(group_of)).groupby([*people, "group"], sort=False)["score"].mean().reset_index()
        parts.append(g.rename(columns={"group": "measure"}).assign(kind="c_group", framework="twelve_cs"))
    parts.append(r[[*people, "framework", "item", "score"]].rename(columns={"item": "measure"}).assign(kind="item"))
    return pd.concat(parts, ignore_index=True)


def _summaries(scores: pd.DataFrame, kind: str, measures: list[str], min_n: int) -> dict[str, dict]:
    sub = scores[scores["kind"] == kind]
    stats = balanced_means(sub, ["measure"], min_n) if not sub.empty else pd.DataFrame()
    out = {}
    for m in measures:
        n = int(stats["n"].get(m, 0)) if not stats.empty else 0
        if n < min_n:
            out[m] = {"mean": None, "n": n if n == 0 else None, "suppressed": n > 0}
        else:
            out[m] = {"mean": _r(stats["balanced"][m]), "plain_mean": _r(stats["plain"][m]), "n": n}
    return out


def item_stats(ratings: pd.DataFrame, cat: Catalogue, cfg: Config) -> list[dict]:
    """Per item: balanced and plain mean, n, don't-know count, distribution, SD and polarisation; suppressed if small."""
    meta = item_table(cat)
    keys = ["framework", "item"]
    scored = ratings.dropna(subset=["score"]).astype({"score": float})
    stats = balanced_means(scored, keys, cfg.min_group_size)
    dist = scored.groupby([*keys, "score"], sort=False).size().unstack(fill_value=0)
    dks = ratings["score"].isna().groupby([ratings["framework"], ratings["item"]], sort=False).sum().to_dict()
    # plain dicts: looking rows up one by one in MultiIndexed frames is most of the time otherwise
    stats_of, dist_of = stats.to_dict("index"), dist.to_dict("index")
    out = []
    for row in meta.itertuples(index=False):
        key = (row.framework, row.item)
        st = stats_of.get(key, {})
        n = int(st.get("n", 0))
        base = {
            "framework": row.framework,
            "item": row.item,
            "text": row.text,
            "stage": _s(row.stage),
            "about_level": _s(row.about_level),
            "c": _s(row.c),
            "toc_nodes": list(row.toc_nodes),
        }
        if n < cfg.min_group_size:
            out.append({**base, "mean": None, "n": n if n == 0 else None, "suppressed": n > 0, "dont_know": None})
            continue
        scale = cat.scale(row.framework)
        counts = dist_of.get(key, {})
        d = {str(k): int(counts.get(float(k), 0)) for k in range(scale.min, scale.max + 1)}
        low = sum(d[str(k)] for k in (scale.min, scale.min + 1)) / n
        high = sum(d[str(k)] for k in (scale.max - 1, scale.max)) / n
        sd = st["sd"]
        out.append(
            {
                **base,
                "mean": _r(st["balanced"]),
                "plain_mean": _r(st["plain"]),
                "n": n,
                "dont_know": int(dks.get(key, 0)),
                "distribution": d,
                "sd": 0.0 if pd.isna(sd) else round(float(sd), 2),
                "polarisation": round(float(min(low, high)), 2),
            }
        )
    return out


def disagreement(items: list[dict], cfg: Config, top: int = 5) -> list[dict]:
    """The items the room disagrees on most (highest spread, at least moderately split), best conversation starters."""
    scored = [i for i in items if i.get("sd") is not None]
    split = [i for i in scored if i["sd"] >= cfg.disagreement_sd or i["polarisation"] >= 0.25]
    split.sort(key=lambda i: (-i["sd"], -i["polarisation"]))
    return [
        {
            "framework": i["framework"],
            "item": i["item"],
            "text": i["text"],
            "mean": i["mean"],
            "sd": i["sd"],
            "polarisation": i["polarisation"],
            "n": i["n"],
        }
        for i in split[:top]
    ]


def gaps(scores: pd.DataFrame, cfg: Config) -> list[dict]:
    """Perception gaps: strategic and managerial against frontline, and each agency against the rest, per stage, C and item.

    Mann-Whitney U on respondent scores, Benjamini-Hochberg across every comparison made; both sides need at least
    min_group_size respondents or the comparison is not made.
    """
    s = scores[scores["kind"].isin(["stage", "c", "item"])]
    frames, comparisons = [], []
    for a, b in LEVEL_PAIRS:
        sub = s[s["level"].isin([a, b])]
        frames.append(sub.assign(_cmp=len(comparisons), _g=sub["level"] == a))
        comparisons.append(("level", a, b))
    for agency in sorted(s["agency"].unique()):
        frames.append(s.assign(_cmp=len(comparisons), _g=s["agency"] == agency))
        comparisons.append(("agency", agency, "others"))
    if not frames:
        return []
    allg = mann_whitney_grouped(
        pd.concat(frames, ignore_index=True), ["_cmp", "kind", "framework", "measure"], "_g", "score"
    )
    cmp = pd.DataFrame(comparisons, columns=["gap_kind", "a", "b"])
    allg = allg.join(cmp, on="_cmp")
    allg = allg[(allg["n_a"] >= cfg.min_group_size) & (allg["n_b"] >= cfg.min_group_size)]
    # A group that the breakdowns hide to protect a smaller one (secondary suppression) is not compared either:
    # its mean beside the shown total would give the small group's away by subtraction.
    hidden = _hidden_groups(s, cfg.min_group_size)
    keep = [
        (gk, kd, fw, m, a) not in hidden and (gk == "agency" or (gk, kd, fw, m, b) not in hidden)
        for gk, kd, fw, m, a, b in zip(
            allg["gap_kind"], allg["kind"], allg["framework"], allg["measure"], allg["a"], allg["b"], strict=True
        )
    ]
    allg = allg[np.asarray(keep, dtype=bool)].copy()
    allg["q"] = bh_adjust(allg["p"].to_numpy())
    allg["difference"] = allg["mean_a"] - allg["mean_b"]
    allg["significant"] = allg["q"] < cfg.alpha
    allg["_abs"] = allg["difference"].abs()
    allg = allg.sort_values(["significant", "_abs"], ascending=[False, False])
    out = []
    for g in allg.itertuples(index=False):
        out.append(
            {
                "kind": g.gap_kind,
                "between": [g.a, g.b],
                "framework": g.framework,
                "item": g.measure if g.kind == "item" else None,
                "stage": g.measure if g.kind == "stage" else None,
                "c": g.measure if g.kind == "c" else None,
                "difference": round(float(g.difference), 2),
                "mean_a": _r(g.mean_a),
                "mean_b": _r(g.mean_b),
                "n_a": int(g.n_a),
                "n_b": int(g.n_b),
                "p": None if pd.isna(g.p) else _r(g.p) if g.p >= 0.01 else float(f"{g.p:.1e}"),
                "q": float(f"{g.q:.2g}") if not pd.isna(g.q) else None,
                "significant": bool(g.significant),
            }
        )
    return out


def _hidden_groups(scores: pd.DataFrame, min_n: int) -> set[tuple]:
    """(level|agency, kind, framework, measure, group) of every group a breakdown of that measure suppresses."""
    hidden = set()
    for col in ("level", "agency"):
        counts = scores.groupby(["kind", "framework", "measure", col], sort=False).size()
        by_measure: dict[tuple, dict[str, int]] = {}
        for (kind, fw, m, g), n in counts.items():
            by_measure.setdefault((kind, fw, m), {})[g] = int(n)
        for key, groups in by_measure.items():
            if min(groups.values()) < min_n:
                hidden |= {(col, *key, g) for g in suppressed_keys(groups, min_n)}
    return hidden


def journey_priority(
    by_stage: dict, by_stage_level: dict, items: list[dict], cfg: Config
) -> tuple[str | None, str, dict]:
    """The earliest stage below the threshold overall or at any level, else the weakest; with a reason to read."""
    scored = [s for s in ids.STAGES if by_stage.get(s, {}).get("mean") is not None]
    if not scored:
        return None, "Not enough ratings of the four stages yet to name a priority.", {}
    t = cfg.priority_threshold

    def lows(stage: str) -> list[tuple[str, float, int]]:
        cells = by_stage_level.get(stage, {})
        return sorted(
            ((lv, c["mean"], c["n"]) for lv, c in cells.items() if c.get("mean") is not None and c["mean"] < t),
            key=lambda x: x[1],
        )

    chosen, why = None, ""
    for stage in scored:
        overall = by_stage[stage]["mean"]
        if overall < t or lows(stage):
            chosen = stage
            break
    if chosen is None:
        chosen = min(scored, key=lambda s: by_stage[s]["mean"])
        why = f"No stage is below {t:g} overall or at any level, so the weakest stage comes first. "
    name = ids.STAGE_NAMES[chosen]
    cells = by_stage_level.get(chosen, {})
    shown = [(lv, c["mean"], c["n"]) for lv, c in cells.items() if c.get("mean") is not None]
    low = lows(chosen)
    if low:
        worst = low[0]
        best = max(shown, key=lambda x: x[1])
        head = f"{name}: {worst[0]} {worst[1]:.1f} (n={worst[2]})"
        if best[0] != worst[0]:
            head += f" against {best[0]} {best[1]:.1f} (n={best[2]})"
    else:
        head = f"{name}: {by_stage[chosen]['mean']:.1f} overall (n={by_stage[chosen]['n']})"
    weakest = sorted((i for i in items if i["stage"] == chosen and i.get("mean") is not None), key=lambda i: i["mean"])[
        :3
    ]
    if weakest:
        head += "; weakest items: " + "; ".join(f"'{i['text']}' {i['mean']:.1f}" for i in weakest)
    earlier = list(ids.STAGES[: ids.STAGES.index(chosen)])
    if earlier and not why:
        sound = [ids.STAGE_NAMES[s] for s in earlier if s in scored]
        why = (
            (
                f"{' and '.join(sound)} {'is' if len(sound) == 1 else 'are'} at or above {t:g} at every level, so "
                f"{name} is the first stage where the journey stalls. "
            )
            if sound
            else ""
        )
    elif not earlier and not why:
        why = f"{name} is the first stage of the journey: work after it rests on it. "
    detail = {"stage": chosen, "threshold": t, "weakest_items": [i["item"] for i in weakest]}
    return chosen, f"{head}. {why}".strip(), detail


def analyse_frame(
    ratings: pd.DataFrame,
    cat: Catalogue,
    cfg: Config,
    *,
    area: str = "",
    cycle: str = "",
    assumptions: dict | None = None,
) -> dict:
    """The whole analysis of one area and cycle from its ratings table (contracts section 5 keys, and more)."""
    from toolkit.analysis.toc import toc_health

    min_n = cfg.min_group_size
    scores = respondent_scores(ratings, cat)
    stage_scores = scores[scores["kind"] == "stage"]
    by_stage = _summaries(scores, "stage", list(ids.STAGES), min_n)
    by_stage_level = {
        st: _breakdown(stage_scores[stage_scores["measure"] == st], "level", ids.LEVELS, min_n) for st in ids.STAGES
    }
    agencies = tuple(a for a in ids.AGENCIES if a in set(ratings["agency"]))
    by_stage_agency = {
        st: _breakdown(stage_scores[stage_scores["measure"] == st], "agency", agencies, min_n) for st in ids.STAGES
    }
    c_scores = scores[scores["kind"] == "c"]
    twelve = _summaries(scores, "c", list(ids.C_IDS), min_n)
    twelve_by_level = {c: _breakdown(c_scores[c_scores["measure"] == c], "level", ids.LEVELS, min_n) for c in ids.C_IDS}
    groups = _summaries(scores, "c_group", list(ids.C_GROUPS), min_n)
    items = item_stats(ratings, cat, cfg)
    stage, reason, detail = journey_priority(by_stage, by_stage_level, items, cfg)
    respondents = int(ratings["respondent"].nunique())
    people = ratings.drop_duplicates("respondent")
    counts = people.groupby(["agency", "level"]).size()
    hidden = suppressed_keys(dict(counts.items()), min_n)  # with a second cell when one alone could be subtracted
    return {
        "area": area,
        "cycle": cycle,
        "respondents": respondents,
        "min_group_size": min_n,
        "weighting": WEIGHTING,
        "respondents_by_agency_level": [
            {"agency": a, "level": lv, "n": None if (a, lv) in hidden else int(n), "suppressed": (a, lv) in hidden}
            for (a, lv), n in counts.items()
        ],
        "dont_know": int(ratings["score"].isna().sum()),
        "opm": {
            "by_stage": by_stage,
            "by_stage_level": by_stage_level,
            "by_stage_agency": by_stage_agency,
            "priority_stage": stage,
            "priority_reason": reason,
            "priority_detail": detail,
        },
        "twelve_cs": twelve,
        "twelve_cs_by_level": twelve_by_level,
        "twelve_cs_groups": groups,
        "items": items,
        "disagreement": disagreement(items, cfg),
        "gaps": gaps(scores, cfg),
        "toc": toc_health(cat, items, cfg, assumptions),
    }


def analyse(
    area: str, cycle: str, *, session, cat: Catalogue, cfg: Config | None = None, with_change: bool = True
) -> dict:
    """Load one area and cycle from the store and analyse it, with the change since its previous cycle."""
    from toolkit.analysis.change import change_between
    from toolkit.store.areas import previous_cycle, resolve_cycle
    from toolkit.store.assumptions import assumption_register
    from toolkit.store.ratings import ratings_frame

    cfg = cfg or Config.from_settings()
    ref = resolve_cycle(area, cycle, session=session)
    ratings = ratings_frame(ref, session=session, with_comments=False)
    result = analyse_frame(
        ratings, cat, cfg, area=area, cycle=cycle, assumptions=assumption_register(ref, session=session)
    )
    prev = previous_cycle(ref, session=session) if with_change else None
    result["change"] = None
    if prev is not None:
        before = ratings_frame(prev, session=session, with_comments=False)
        result["change"] = {"from": prev.cycle, "to": cycle, "measures": change_between(before, ratings, cat, cfg)}
    return result


def stage_means_all(ratings: pd.DataFrame, cat: Catalogue) -> pd.DataFrame:
    """Per area: respondent-averaged stage and C means, vectorised over every area of a cycle (for benchmarks)."""
    meta = item_table(cat)[["framework", "item", "stage", "c"]]
    r = ratings.dropna(subset=["score"]).merge(meta, on=["framework", "item"])
    r["score"] = r["score"].astype(float)
    r["measure"] = np.where(r["framework"] == "opm", r["stage"], r["c"])
    per_person = r.groupby(["area", "respondent", "level", "measure"], sort=False)["score"].mean().reset_index()
    return per_person.groupby(["area", "measure"])["score"].agg(["mean", "size"]).reset_index()


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
        meta["framework"] == "opm", meta["stage"].map(stage_pos), meta["c"].map(c_pos)
    )  # the stage of an OPM statement, the C of a 12 C's one
    second = np.where(meta["framework"] == "twelve_cs", meta["c"].map(group_pos), np.nan)
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
        big = lv_n >= cfg.min_group_size
    shown_all = n_all >= cfg.min_group_size

    # level cells: hide the small ones, and the next smallest when only one would be hidden (as suppressed_keys)
    present = lv_n > 0
    small = present & ~big
    lone = (small.sum(-1) == 1) & (present.sum(-1) > 1)
    candidate = np.where(present & ~small, lv_n, np.inf)
    second_hidden = np.zeros_like(small)
    np.put_along_axis(second_hidden, candidate.argmin(-1)[..., None], lone[..., None], axis=-1)
    hidden = small | second_hidden
    lv_shown = present & ~hidden
    with np.errstate(invalid="ignore", divide="ignore"):  # the headline averages only the levels shown
        balanced = np.where(lv_shown, lv_mean, 0).sum(-1) / lv_shown.sum(-1)
    balanced = np.where(lv_shown.any(-1), balanced, plain)

    def rnd(x: np.ndarray) -> np.ndarray:  # Python's round, exactly as _r rounds in analyse_frame
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
                [stages[k] if s else None for k, s in zip(choice, scored.any(-1), strict=True)], dtype=object
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
