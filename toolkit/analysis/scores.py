"""Respondent and item scores of one area and cycle, level-balanced means and breakdowns by level or agency."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd

from toolkit.analysis.config import Config, item_table, parts_table
from toolkit.analysis.frames import col, frame, rows, series
from toolkit.analysis.results import Cell, Disagreement, ItemStat
from toolkit.analysis.suppression import POOLED, WITHHELD, publishable, suppressed_keys, suppressed_rows, unit_roles
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue

WEIGHTING = (
    "Each level (strategic, managerial, frontline) counts equally in a headline mean, so many frontline staff do "
    "not drown out a few leaders. Anonymity: a group of one agency at one level smaller than the threshold is "
    "pooled with its level's other small groups, or left out of every figure (headline, plain mean and counts "
    "too) when they are still too few, so no figure can be subtracted from another to find it. "
    "The plain mean over the respondents shown is given alongside. Each respondent's score for a stage or C is the "
    "mean of their answers to its statements; don't know is counted, never averaged."
)


@dataclass(frozen=True)
class Published:
    """What an area's figures may stand on: the kept respondent scores, everything scored, the measures withheld."""

    kept: pd.DataFrame  # respondent_scores rows the unit rule keeps; agency "" where pooled with other small groups
    raw: pd.DataFrame  # every respondent score, to tell a hidden figure from one nobody answered
    withheld: frozenset[tuple[str, ...]]  # (kind, framework, measure) the coverage rule withholds
    people: pd.DataFrame  # respondent, agency, level of the respondents any figure may count

    def shown(self, kind: str) -> pd.DataFrame:
        """The kept rows of one kind, less the measures withheld."""
        sub = rows(self.kept, self.kept["kind"] == kind)
        if not self.withheld:
            return sub
        keys = list(zip(sub["kind"], sub["framework"], sub["measure"], strict=True))
        return rows(sub, np.asarray([k not in self.withheld for k in keys], dtype=bool))

    def present(self, kind: str, by: str | None = None) -> set[Any]:
        """The measures (or (measure, group) pairs) somebody scored: hidden rather than empty when not shown."""
        sub = rows(self.raw, self.raw["kind"] == kind)
        return set(sub["measure"]) if by is None else set(zip(sub["measure"], sub[by], strict=True))


def published(ratings: pd.DataFrame, cat: Catalogue, min_n: int) -> Published:
    """The disclosure-control rules (toolkit.analysis.suppression) applied to one area and cycle's ratings."""
    raw = respondent_scores(ratings, cat)
    kept, withheld = publishable(raw, parts_table(cat), min_n) if not raw.empty else (raw, set())
    kept = kept.assign(agency=kept["agency"].where(kept["role"] != POOLED, "")) if "role" in kept else kept
    who: Any = ratings.drop_duplicates("respondent")[["respondent", "agency", "level"]]
    counts = {(lv, a): int(n) for (lv, a), n in who.groupby(["level", "agency"]).size().items()}
    roles = unit_roles(counts, min_n)
    keep = [roles.get((lv, a)) != WITHHELD for lv, a in zip(who["level"], who["agency"], strict=True)]
    return Published(kept, raw, frozenset(withheld), rows(who, np.asarray(keep, dtype=bool)))


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


def headline_levels(scores: pd.DataFrame, keys: list[str], min_n: int) -> pd.DataFrame:
    """Per key, the levels a headline weights equally (those a by-level breakdown shows), with their mean and size.

    The one place that says which levels count: balanced_means (the headline) and the change between cycles
    (toolkit.analysis.change) both ask it.
    """
    lv = frame(scores.groupby([*keys, "level"], sort=False)["score"].agg(["mean", "size"]).reset_index())
    return rows(lv, ~hidden_groups(lv, keys, "level", min_n))


def balanced_means(scores: pd.DataFrame, keys: list[str], min_n: int) -> pd.DataFrame:
    """Per key: n, plain mean, SD and level-balanced mean over the levels a by-level breakdown would show.

    A level the breakdown hides (under min_n, or hidden with a small one: see suppressed_keys) stays out of the
    headline too; otherwise headline, plain mean and counts together would give the hidden level away.
    Falls back to the plain mean when no level can be shown.
    """
    overall = frame(scores.groupby(keys, sort=False)["score"].agg(n="size", plain="mean", sd="std"))
    shown = headline_levels(scores, keys, min_n)
    balanced = series(shown.groupby(keys, sort=False)["mean"].mean()).reindex(overall.index)
    overall["balanced"] = balanced.fillna(col(overall, "plain"))
    return overall


def breakdown(
    scores: pd.DataFrame, by: str, keys: Sequence[str], min_n: int, present: set[str] | None = None
) -> dict[str, Cell]:
    """Mean and n per group (level or agency), hidden where small; `present`: groups scored though none is kept."""
    grouped = frame(scores.groupby(by)["score"].agg(["mean", "size"]))
    sizes, means = col(grouped, "size"), col(grouped, "mean")
    counts = {k: int(sizes.get(k, 0) or 0) for k in keys}
    hidden = suppressed_keys(counts, min_n)
    out: dict[str, Cell] = {}
    for k in keys:
        n = counts[k]
        if n == 0:
            out[k] = Cell(mean=None, n=None, suppressed=True) if k in (present or ()) else Cell(mean=None, n=0)
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


def summaries(
    scores: pd.DataFrame, kind: str, measures: Sequence[str], min_n: int, present: set[str] | None = None
) -> dict[str, Cell]:
    """Headline cell per measure of one kind (stage, c, c_group): level-balanced and plain mean, or suppressed."""
    sub = rows(scores, scores["kind"] == kind)
    stats = balanced_means(sub, ["measure"], min_n) if not sub.empty else pd.DataFrame()
    out: dict[str, Cell] = {}
    for m in measures:
        n = int(col(stats, "n").get(m, 0) or 0) if not stats.empty else 0
        if n < min_n:
            hide = n > 0 or m in (present or ())
            out[m] = Cell(mean=None, n=None if hide else 0, suppressed=hide)
        else:
            out[m] = Cell(mean=round2(stats["balanced"][m]), plain_mean=round2(stats["plain"][m]), n=n)
    return out


def item_stats(ratings: pd.DataFrame, cat: Catalogue, cfg: Config, pub: Published | None = None) -> list[ItemStat]:
    """Per item: balanced and plain mean, n, don't-know count, distribution, SD and polarisation; suppressed if small.

    Over the respondents and answers `pub` keeps (toolkit.analysis.suppression; made here when not given).
    """
    pub = pub or published(ratings, cat, cfg.min_group_size)
    meta = item_table(cat)
    keys = ["framework", "item"]
    scored = pub.shown("item").rename(columns={"measure": "item"})
    raw_items = rows(pub.raw, pub.raw["kind"] == "item")
    present = set(zip(raw_items["framework"], raw_items["measure"], strict=True))
    stats = balanced_means(scored, keys, cfg.min_group_size) if not scored.empty else pd.DataFrame(columns=["n"])
    dist = frame(series(scored.groupby([*keys, "score"], sort=False).size()).unstack(fill_value=0))
    counted = rows(ratings, col(ratings, "respondent").isin(list(pub.people["respondent"])))
    missing = col(counted, "score").isna()
    dks = series(missing.groupby([counted["framework"], counted["item"]], sort=False).sum()).to_dict()
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
            hide = n > 0 or key in present
            out.append(ItemStat(**base, mean=None, n=None if hide else 0, suppressed=hide, dont_know=None))
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


def fingerprints(ratings: pd.DataFrame) -> pd.Series:
    """Each respondent's record as one hashable value: (level, agency, every answer), to see a record repeated."""
    r = ratings.sort_values(["framework", "item"], kind="stable")
    answers = zip(r["framework"], r["item"], r["score"].astype(object).where(r["score"].notna(), None), strict=True)
    table = pd.DataFrame(
        {"respondent": r["respondent"], "level": r["level"], "agency": r["agency"], "a": list(answers)}
    )
    return series(
        table.groupby("respondent", sort=False).apply(
            lambda g: (g["level"].iloc[0], g["agency"].iloc[0], *g["a"]), include_groups=False
        )
    )
