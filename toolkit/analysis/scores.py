"""Respondent and item scores of one area and cycle, level-balanced means and breakdowns by level or agency."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np
import pandas as pd

from toolkit.analysis.config import Config, item_table
from toolkit.analysis.frames import col, frame, rows, series
from toolkit.analysis.results import Cell, Disagreement, ItemStat
from toolkit.analysis.suppression import suppressed_keys, suppressed_rows
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue

WEIGHTING = (
    "Each level (strategic, managerial, frontline) counts equally in a headline mean, so many frontline staff do "
    "not drown out a few leaders. A level with fewer respondents than the anonymity threshold is left out of it, and "
    "so is a level hidden alongside it (otherwise the hidden one could be worked out by subtraction). "
    "The plain mean over all respondents is shown alongside. Each respondent's score for a stage or C is the mean "
    "of their answers to its statements; don't know is counted, never averaged."
)


def round2(x: Any) -> float | None:
    """A mean as published: two decimals, None for a missing value."""
    return None if x is None or pd.isna(x) else round(float(x), 2)


def _s(x: Any) -> str | None:
    """A text cell of a table, with pandas' missing value (NaN) as None so JSON output stays valid."""
    return None if x is None or pd.isna(x) else str(x)


def hidden_groups(counts: pd.DataFrame, keys: Sequence[str], by: str, min_n: int) -> np.ndarray:
    """Rows of a table of group sizes (`size` per keys and `by`) that the breakdown of their keys suppresses."""
    lines = list(zip(*(counts[k] for k in keys), strict=True))
    return np.asarray(suppressed_rows(lines, counts[by].tolist(), counts["size"].tolist(), min_n), dtype=bool)


def balanced_means(scores: pd.DataFrame, keys: list[str], min_n: int) -> pd.DataFrame:
    """Per key: n, plain mean, SD and level-balanced mean over the levels a by-level breakdown would show.

    A level the breakdown hides (under min_n, or hidden with a small one: see suppressed_keys) stays out of the
    headline too; otherwise headline, plain mean and counts together would give the hidden level away.
    Falls back to the plain mean when no level can be shown.
    """
    overall = frame(scores.groupby(keys, sort=False)["score"].agg(n="size", plain="mean", sd="std"))
    lv = frame(scores.groupby([*keys, "level"], sort=False)["score"].agg(["mean", "size"]).reset_index())
    shown = rows(lv, ~hidden_groups(lv, keys, "level", min_n))
    balanced = series(shown.groupby(keys, sort=False)["mean"].mean()).reindex(overall.index)
    overall["balanced"] = balanced.fillna(col(overall, "plain"))
    return overall


def breakdown(scores: pd.DataFrame, by: str, keys: Sequence[str], min_n: int) -> dict[str, Cell]:
    """Mean and n per group (level or agency), with small groups suppressed (and a second one where needed)."""
    grouped = frame(scores.groupby(by)["score"].agg(["mean", "size"]))
    sizes, means = col(grouped, "size"), col(grouped, "mean")
    counts = {k: int(sizes.get(k, 0) or 0) for k in keys}
    hidden = suppressed_keys(counts, min_n)
    out: dict[str, Cell] = {}
    for k in keys:
        n = counts[k]
        if n == 0:
            out[k] = Cell(mean=None, n=0)
        elif k in hidden:
            out[k] = Cell(mean=None, n=None, suppressed=True)
        else:
            out[k] = Cell(mean=round2(means[k]), n=n)
    return out


def respondent_scores(ratings: pd.DataFrame, cat: Catalogue) -> pd.DataFrame:
    """Each respondent's mean score per stage, C, C group and item (kind, measure), with their level and agency."""
    meta = item_table(cat)
    r = ratings.dropna(subset=["score"]).merge(meta[["framework", "item", "stage", "c"]], on=["framework", "item"])
    r["score"] = r["score"].astype(float)
    people = ["respondent", "level", "agency"]
    parts: list[pd.DataFrame] = []
    opm = rows(r, r["framework"] == "opm")
    if not opm.empty:
        s = frame(series(opm.groupby([*people, "stage"], sort=False)["score"].mean()).reset_index())
        parts.append(s.rename(columns={"stage": "measure"}).assign(kind="stage", framework="opm"))
    tc = rows(r, r["framework"] == "twelve_cs")
    if not tc.empty:
        c = frame(series(tc.groupby([*people, "c"], sort=False)["score"].mean()).reset_index())
        parts.append(c.rename(columns={"c": "measure"}).assign(kind="c", framework="twelve_cs"))
        group_of = {c: g for g, cs in ids.C_GROUPS.items() for c in cs}
        grouped = tc.assign(group=col(tc, "c").map(group_of)).groupby([*people, "group"], sort=False)["score"]
        g = frame(series(grouped.mean()).reset_index())
        parts.append(g.rename(columns={"group": "measure"}).assign(kind="c_group", framework="twelve_cs"))
    items = frame(r[[*people, "framework", "item", "score"]])
    parts.append(items.rename(columns={"item": "measure"}).assign(kind="item"))
    return pd.concat(parts, ignore_index=True)


def summaries(scores: pd.DataFrame, kind: str, measures: Sequence[str], min_n: int) -> dict[str, Cell]:
    """Headline cell per measure of one kind (stage, c, c_group): level-balanced and plain mean, or suppressed."""
    sub = rows(scores, scores["kind"] == kind)
    stats = balanced_means(sub, ["measure"], min_n) if not sub.empty else pd.DataFrame()
    out: dict[str, Cell] = {}
    for m in measures:
        n = int(col(stats, "n").get(m, 0) or 0) if not stats.empty else 0
        if n < min_n:
            out[m] = Cell(mean=None, n=n if n == 0 else None, suppressed=n > 0)
        else:
            out[m] = Cell(mean=round2(stats["balanced"][m]), plain_mean=round2(stats["plain"][m]), n=n)
    return out


def item_stats(ratings: pd.DataFrame, cat: Catalogue, cfg: Config) -> list[ItemStat]:
    """Per item: balanced and plain mean, n, don't-know count, distribution, SD and polarisation; suppressed if small."""
    meta = item_table(cat)
    keys = ["framework", "item"]
    scored = ratings.dropna(subset=["score"]).astype({"score": float})
    stats = balanced_means(scored, keys, cfg.min_group_size)
    dist = frame(series(scored.groupby([*keys, "score"], sort=False).size()).unstack(fill_value=0))
    missing = col(ratings, "score").isna()
    dks = series(missing.groupby([ratings["framework"], ratings["item"]], sort=False).sum()).to_dict()
    # plain dicts: looking rows up one by one in MultiIndexed frames is most of the time otherwise
    stats_of = cast(dict[Any, dict[str, Any]], stats.to_dict("index"))
    dist_of = cast(dict[Any, dict[Any, Any]], dist.to_dict("index"))
    out: list[ItemStat] = []
    for row in meta.to_dict("records"):
        key = (row["framework"], row["item"])
        st = stats_of.get(key, {})
        n = int(st.get("n", 0))
        base: dict[str, Any] = {
            "framework": row["framework"],
            "item": row["item"],
            "text": row["text"],
            "stage": _s(row["stage"]),
            "about_level": _s(row["about_level"]),
            "c": _s(row["c"]),
            "toc_nodes": list(row["toc_nodes"]),
        }
        if n < cfg.min_group_size:
            out.append(ItemStat(**base, mean=None, n=n if n == 0 else None, suppressed=n > 0, dont_know=None))
            continue
        scale = cat.scale(row["framework"])
        counts = dist_of.get(key, {})
        d = {str(k): int(counts.get(float(k), 0)) for k in range(scale.min, scale.max + 1)}
        low = sum(d[str(k)] for k in (scale.min, scale.min + 1)) / n
        high = sum(d[str(k)] for k in (scale.max - 1, scale.max)) / n
        sd = st["sd"]
        out.append(
            ItemStat(
                **base,
                mean=round2(st["balanced"]),
                plain_mean=round2(st["plain"]),
                n=n,
                dont_know=int(dks.get(key, 0)),
                distribution=d,
                sd=0.0 if pd.isna(sd) else round(float(sd), 2),
                polarisation=round(float(min(low, high)), 2),
            )
        )
    return out


def disagreement(items: list[ItemStat], cfg: Config, top: int = 5) -> list[Disagreement]:
    """The items the room disagrees on most (highest spread, at least moderately split), best conversation starters."""
    split = [
        (i, i.sd, i.polarisation)
        for i in items
        if i.sd is not None and i.polarisation is not None and (i.sd >= cfg.disagreement_sd or i.polarisation >= 0.25)
    ]
    split.sort(key=lambda x: (-x[1], -x[2]))
    return [
        Disagreement(framework=i.framework, item=i.item, text=i.text, mean=i.mean, sd=sd, polarisation=pol, n=i.n)
        for i, sd, pol in split[:top]
    ]
